//! The causes and fixes people are commonly given for a failed Remote Desktop connection ("open the
//! firewall", "patch CredSSP", "rename MachineKeys", …), as data: for each, the connection stage where it
//! breaks the connection, the codes it produces (the Windows client's pair, FreeRDP's code, the server's
//! status codes) with their basis, how rdp-doctor proves or rules it out, the fix, and when the fix
//! does harm. Written in our own words.
//!
//! [`judge_codes`] answers, for codes a user pasted, which of these causes fit, are ruled out or remain
//! possible. Every verdict is derived from this data: the stage the codes prove was reached, the stage
//! where each cause breaks the connection, and the explicit links between codes and causes.
//! `diagnose` judges the same table against measurements (`crate::diagnose::advice`).
//!
//! Basis of a produced code: `documented` when the code's published meaning is this failure (or the
//! status is the one the protocol carries for it), `observed` when the real FreeRDP client (xfreerdp
//! 2.11) logged it against our lab or the real servers (tests/it/folk_causes_freerdp.rs reproduces every
//! one), `inferred` when we reason from the stage and the protocol (the note says how).

use super::{Basis, Layer, TableId};
use crate::diagnose::FindingId;
use serde::Serialize;

/// The stages of a connection, in the order a client walks them ([MS-RDPBCGR] 1.3.1.1). A stage that
/// completed proves every stage before it completed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Name resolution and the TCP connection (to the server, or to the RD Gateway when one is used).
    Network,
    /// The RD Gateway's channel to the server, when one is used ([MS-TSGU]).
    Gateway,
    /// X.224 Connection Request/Confirm: the security protocol ([MS-RDPBCGR] 2.2.1.1-2.2.1.2).
    Negotiation,
    /// The TLS handshake and the server certificate.
    Tls,
    /// CredSSP / NLA ([MS-CSSP]), when the server uses it.
    Credssp,
    /// MCS Connect Initial/Response (GCC: Standard RDP Security encryption), channel joins, security
    /// exchange ([MS-RDPBCGR] 2.2.1.3-2.2.1.10): before the I/O channel exists.
    McsConnect,
    /// Client Info, licensing, capabilities, finalization and the logon: the part where the server can
    /// say why it ends the connection (Set Error Info, [MS-RDPBCGR] 2.2.5.1.1).
    Session,
}

impl Stage {
    pub const ALL: &'static [Stage] = &[
        Stage::Network,
        Stage::Gateway,
        Stage::Negotiation,
        Stage::Tls,
        Stage::Credssp,
        Stage::McsConnect,
        Stage::Session,
    ];

    /// The stage in words, as a sentence uses it ("failed at the TLS handshake").
    pub fn name(self) -> &'static str {
        match self {
            Stage::Gateway => "the RD Gateway channel (when one is used)",
            Stage::Network => "the TCP connection",
            Stage::Negotiation => "the security negotiation (X.224)",
            Stage::Tls => "the TLS handshake",
            Stage::Credssp => "NLA (CredSSP)",
            Stage::McsConnect => "the MCS connection (encryption settings)",
            Stage::Session => "the session set-up (licensing, logon)",
        }
    }

    /// The stage as completed ("the TLS handshake completed").
    pub fn completed(self) -> &'static str {
        match self {
            Stage::Gateway => "the channel to the server was open (through the RD Gateway, if one is used)",
            Stage::Network => "the TCP connection was made",
            Stage::Negotiation => "the security negotiation completed",
            Stage::Tls => "the TLS handshake completed",
            Stage::Credssp => "NLA (where required) completed",
            Stage::McsConnect => "the MCS connection and its encryption settings were agreed",
            Stage::Session => "the session was set up",
        }
    }

    /// The stage a code's layer names. `Client` (local to the client) has none.
    pub fn from_layer(layer: Layer) -> Option<Stage> {
        match layer {
            Layer::Gateway => Some(Stage::Gateway),
            Layer::Network => Some(Stage::Network),
            Layer::Negotiation => Some(Stage::Negotiation),
            Layer::Tls => Some(Stage::Tls),
            Layer::Credssp => Some(Stage::Credssp),
            Layer::Session | Layer::Licensing => Some(Stage::Session),
            Layer::Client => None,
        }
    }

    /// The stage before this one, if any.
    pub fn previous(self) -> Option<Stage> {
        let i = Stage::ALL.iter().position(|&s| s == self)?;
        i.checked_sub(1).map(|j| Stage::ALL[j])
    }
}

/// A code that points at a cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CodeLink {
    /// The Windows client's pair: disconnect reason and extended code.
    Pair { code: u32, extended: u32 },
    /// A server errorInfo (the extended code), whatever the disconnect reason next to it
    /// (FreeRDP logs it as 0x0001XXXX).
    ErrorInfo(u32),
    /// One code of another table (RDP_NEG_FAILURE, TSRequest NTSTATUS, SSPI HRESULT, E_PROXY, FreeRDP).
    Code { table: TableId, value: u32 },
}

/// One code a cause produces, with how sure we are.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Produces {
    pub link: CodeLink,
    pub basis: Basis,
    /// Where it was seen, or why we think so.
    pub note: &'static str,
}

/// What `diagnose` would need to test a cause it could not test: the command to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Command {
    /// `rdp-doctor diagnose HOST`.
    Diagnose,
    /// `rdp-doctor diagnose HOST --user USER`: the user's own logon.
    DiagnoseUser,
    /// `rdp-doctor diagnose HOST --gateway GW`: the path through the RD Gateway.
    DiagnoseGateway,
    /// `rdp-doctor evidence PATH`: the server's event logs and registry.
    Evidence,
    /// `rdp-doctor client`: the user's Windows client.
    Client,
    /// `rdp-doctor diagnose HOST --timeout 60`: the same run with more time (the deadline cut it).
    DiagnoseLonger,
}

impl Command {
    pub fn line(self) -> &'static str {
        match self {
            Command::Diagnose => "rdp-doctor diagnose HOST",
            Command::DiagnoseUser => "rdp-doctor diagnose HOST --user USER",
            Command::DiagnoseGateway => "rdp-doctor diagnose HOST --gateway GW",
            Command::Evidence => "rdp-doctor evidence PATH",
            Command::Client => "rdp-doctor client",
            Command::DiagnoseLonger => "rdp-doctor diagnose HOST --timeout 60",
        }
    }
}

/// One commonly given cause, with its fix.
#[derive(Debug, Serialize)]
pub struct FolkCause {
    /// Stable id (kebab-case): part of the JSON of `explain` and `diagnose`.
    pub id: &'static str,
    /// The cause in a few words.
    pub cause: &'static str,
    /// The stages where it breaks a connection, in order.
    pub stages: &'static [Stage],
    /// It concerns one user's account: a stage seen working without that user's logon proves nothing.
    pub needs_user: bool,
    /// The codes it produces.
    pub produces: &'static [Produces],
    /// `diagnose` finding ids that prove it (an error finding) or show its precondition (warning, info).
    pub findings: &'static [FindingId],
    /// `diagnose` finding ids whose presence shows it is absent.
    pub absent_if: &'static [FindingId],
    /// `diagnose` finding ids whose presence shows it absent when the connection still fails here: the
    /// failure reproduced from here is not this cause. Without a failure, a cause that lies with the
    /// user's client stays possible (that client may differ).
    #[serde(skip_serializing_if = "<[FindingId]>::is_empty")]
    pub absent_if_failing: &'static [FindingId],
    /// What `rdp-doctor evidence` reads for it (event ids, registry values).
    pub evidence: &'static [&'static str],
    /// What `rdp-doctor client` checks for it on the user's machine, if it can lie there.
    pub client: Option<&'static str>,
    /// It can sit in the user's client (its policy, its saved credentials, its settings): a stage seen
    /// working from here does not rule it out.
    pub lies_with_client: bool,
    /// The command that tests it when `diagnose` could not.
    pub command: Command,
    pub fix: &'static str,
    /// When the fix is harmful.
    pub harm: &'static str,
    pub source: &'static str,
}

/// What a code proves was reached, beyond the stage its layer names.
#[derive(Debug, Serialize)]
pub struct CodeFact {
    pub table: TableId,
    pub value: u32,
    /// The last stage this code proves completed.
    pub reached: Stage,
    /// Why, in a few words ("0x904 is the close of a connected socket").
    pub proof: &'static str,
    pub basis: Basis,
    pub source: &'static str,
}

const SRC_WINSOCK: &str = "Winsock WSAAsyncSelect (FD_CLOSE, FD_CONNECT), Microsoft Learn";

/// Codes that prove more than their layer says.
pub static CODE_FACTS: &[CodeFact] = &[
    CodeFact {
        table: TableId::DiscReason,
        value: 0x304,
        reached: Stage::Network,
        proof: "0x304 is a send on a connected socket failing",
        basis: Basis::Documented,
        source: SRC_WINSOCK,
    },
    CodeFact {
        table: TableId::DiscReason,
        value: 0x404,
        reached: Stage::Network,
        proof: "0x404 is a receive on a connected socket failing",
        basis: Basis::Documented,
        source: SRC_WINSOCK,
    },
    CodeFact {
        table: TableId::DiscReason,
        value: 0x904,
        reached: Stage::Network,
        proof: "0x904 is the close (FD_CLOSE) of a connected socket",
        basis: Basis::Documented,
        source: SRC_WINSOCK,
    },
];

/// What `code` of `table` proves was reached, if more than its layer says.
pub fn code_fact(table: TableId, value: u32) -> Option<&'static CodeFact> {
    CODE_FACTS.iter().find(|f| f.table == table && f.value == value)
}

const fn pair(code: u32, extended: u32, basis: Basis, note: &'static str) -> Produces {
    Produces { link: CodeLink::Pair { code, extended }, basis, note }
}
const fn errinfo(value: u32, basis: Basis, note: &'static str) -> Produces {
    Produces { link: CodeLink::ErrorInfo(value), basis, note }
}
const fn code(table: TableId, value: u32, basis: Basis, note: &'static str) -> Produces {
    Produces { link: CodeLink::Code { table, value }, basis, note }
}

/// FreeRDP's ERRCONNECT_* codes as it logs them (class 2 in the high 16 bits).
const fn freerdp(errconnect: u32, basis: Basis, note: &'static str) -> Produces {
    code(TableId::FreerdpError, 0x0002_0000 | errconnect, basis, note)
}

const MEANING: &str = "the code's documented meaning is this failure";
const SRC_MS: &str = "Microsoft Learn: Remote Desktop troubleshooting (general RDP connection errors)";

/// Neg failure codes ([MS-RDPBCGR] 2.2.1.2.2).
const SSL_REQUIRED_BY_SERVER: u32 = 0x1;
const SSL_NOT_ALLOWED_BY_SERVER: u32 = 0x2;
const SSL_CERT_NOT_ON_SERVER: u32 = 0x3;
const INCONSISTENT_FLAGS: u32 = 0x4;
const HYBRID_REQUIRED_BY_SERVER: u32 = 0x5;

/// The table, in stage order.
pub static FOLK_CAUSES: &[FolkCause] = &[
    FolkCause {
        id: "firewall",
        cause: "a firewall blocks the RDP port",
        stages: &[Stage::Network],
        needs_user: false,
        produces: &[
            pair(0x204, 0x0, Basis::Documented, MEANING),
            pair(0x108, 0x0, Basis::Inferred, "a firewall that drops instead of rejecting makes the connect time out"),
            code(
                TableId::GatewayHresult,
                0x8007_59DD,
                Basis::Inferred,
                "behind an RD Gateway: the gateway cannot open TCP to the server, e.g. a firewall between them",
            ),
            freerdp(0x0D, Basis::Observed, "xfreerdp logs it for a closed port in our lab"),
        ],
        findings: &[
            FindingId::TcpTimeout,
            FindingId::TcpRefused,
            FindingId::TcpUnreachable,
            FindingId::AddressUnreachable,
        ],
        absent_if: &[],
        absent_if_failing: &[],
        evidence: &[
            "Security 5152/5157 (Windows Filtering Platform dropped or blocked the connection)",
            "the rule 'Remote Desktop - User Mode (TCP-In)' (FirewallRules RemoteDesktop-UserMode-In-TCP)",
        ],
        client: None,
        lies_with_client: false,
        command: Command::Diagnose,
        fix: "Allow TCP 3389 (or the listener's PortNumber) from the client's network in Windows Defender Firewall, the network firewall and any cloud security group.",
        harm: "Opening 3389 to any source (or to the Internet) invites password spraying and pre-authentication exploits; allow only the client networks or use an RD Gateway or VPN.",
        source: SRC_MS,
    },
    FolkCause {
        id: "server-not-listening",
        cause: "the server does not accept the connection (listener, service, connection limit)",
        stages: &[Stage::Network, Stage::Negotiation],
        needs_user: false,
        produces: &[
            pair(0x204, 0x0, Basis::Documented, MEANING),
            pair(
                0x904,
                0x0,
                Basis::Inferred,
                "a listener that accepts and closes at once: the socket closes with no reason",
            ),
            code(
                TableId::GatewayHresult,
                0x8007_59DD,
                Basis::Inferred,
                "behind an RD Gateway: the gateway cannot open TCP to the server, e.g. nothing listens",
            ),
            freerdp(
                0x0D,
                Basis::Observed,
                "xfreerdp logs it for a closed port and for a listener that accepts and closes in our lab",
            ),
        ],
        findings: &[
            FindingId::TcpRefused,
            FindingId::ClosedBeforeNegotiation,
            FindingId::NoResponse,
            FindingId::NotRdp,
        ],
        absent_if: &[],
        absent_if_failing: &[],
        evidence: &[
            "System 7036/7031 (TermService stopped or crashed)",
            "RDP-Tcp fEnableWinStation, PortNumber, MaxInstanceCount; fDenyTSConnections",
        ],
        client: None,
        lies_with_client: false,
        command: Command::Diagnose,
        fix: "Enable Remote Desktop (fDenyTSConnections = 0), start TermService, check `qwinsta` shows rdp-tcp listening on the expected PortNumber, and raise MaxInstanceCount if the listener is full.",
        harm: "Restarting TermService ends every disconnected session on the server (unsaved work in them is lost).",
        source: SRC_MS,
    },
    FolkCause {
        id: "vpn-mtu",
        cause: "an unstable or MTU-limited VPN",
        stages: &[Stage::Network, Stage::Tls],
        needs_user: false,
        produces: &[
            pair(
                0x904,
                0x0,
                Basis::Inferred,
                "the path drops the server's certificate flight; the connection is closed with no reason",
            ),
            pair(0x108, 0x0, Basis::Inferred, "a tunnel that is down makes the connect time out"),
        ],
        findings: &[FindingId::PathMtuBlackhole, FindingId::TlsHandshakeStalled, FindingId::TcpTimeout],
        absent_if: &[],
        absent_if_failing: &[],
        evidence: &["RdpCoreTS 142/143/226 on the server (the transport dropped)"],
        client: Some("the client's VPN adapter MTU (netsh interface ipv4 show subinterfaces)"),
        lies_with_client: false,
        command: Command::Diagnose,
        fix: "Lower the MTU of the VPN adapter (or clamp the TCP MSS on the tunnel) so full-size packets fit, and fix the tunnel's stability before blaming RDP.",
        harm: "Disabling UDP transport or the RDP compression on every client to work around one bad tunnel slows every session; fix the tunnel.",
        source: "RFC 4821 (path MTU black holes); Microsoft Learn: RDP over VPN connectivity",
    },
    FolkCause {
        id: "gateway-channel",
        cause: "RD Gateway channel failure",
        stages: &[Stage::Gateway],
        needs_user: false,
        produces: &[
            code(
                TableId::GatewayHresult,
                0x8007_59DD,
                Basis::Documented,
                "the gateway could not open the channel to the server",
            ),
            code(TableId::GatewayHresult, 0x8007_59DF, Basis::Documented, "the gateway had already closed the channel"),
            code(
                TableId::GatewayHresult,
                0x8007_59F8,
                Basis::Documented,
                "the gateway refused the user's authentication cookie",
            ),
            code(
                TableId::GatewayClient,
                0x300_001B,
                Basis::Observed,
                "the Windows client's own text for it names the gateway's resource policy (RD RAP)",
            ),
            code(
                TableId::GatewayClient,
                0x300_001C,
                Basis::Observed,
                "the Windows client's own text for it names the gateway's authorization (RD CAP)",
            ),
        ],
        findings: &[],
        absent_if: &[],
        absent_if_failing: &[],
        evidence: &[
            "TerminalServices-Gateway/Operational 200-303 on the gateway (CAP/RAP decisions, channel closes)",
            "NPS Security 6272/6273",
        ],
        client: Some("the .rdp file's gatewayhostname and gatewayusagemethod"),
        lies_with_client: false,
        command: Command::DiagnoseGateway,
        fix: "Read the gateway's E_PROXY code: a CAP/RAP policy that does not name this user or this host as typed, a gateway that cannot reach the server's port, or an expired gateway certificate.",
        harm: "Bypassing the gateway (opening 3389 to the Internet to 'test directly') exposes the server to password spraying; test from inside instead.",
        source: "[MS-TSGU] 2.2.6 (HRESULT codes); issue 12",
    },
    FolkCause {
        id: "security-layer",
        cause: "Security Layer / Encryption Level settings that the client cannot meet",
        stages: &[Stage::Negotiation, Stage::McsConnect],
        needs_user: false,
        produces: &[
            code(
                TableId::NegFailure,
                SSL_REQUIRED_BY_SERVER,
                Basis::Documented,
                "SecurityLayer = 2 and a client asking for Standard RDP Security",
            ),
            code(
                TableId::NegFailure,
                SSL_NOT_ALLOWED_BY_SERVER,
                Basis::Documented,
                "SecurityLayer = 0 and a client asking for TLS",
            ),
            code(TableId::NegFailure, INCONSISTENT_FLAGS, Basis::Documented, "contradictory security settings"),
            pair(
                0x506,
                0x0,
                Basis::Inferred,
                "MinEncryptionLevel above what the client offers (Standard RDP Security)",
            ),
            freerdp(
                0x0C,
                Basis::Observed,
                "xfreerdp logs it when the server refuses the security protocol it asked for in our lab",
            ),
        ],
        findings: &[
            FindingId::InconsistentFlags,
            FindingId::TlsWithUserAuthRequired,
            FindingId::StandardRdpSecurityOnly,
            FindingId::FipsRequired,
            FindingId::WeakRdpEncryption,
            FindingId::RdpNoEncryption,
        ],
        absent_if: &[],
        absent_if_failing: &[],
        evidence: &[
            "RDP-Tcp SecurityLayer, MinEncryptionLevel, and the Terminal Services policy values that override them",
        ],
        client: Some("the .rdp file's negotiate security layer and authentication level"),
        lies_with_client: false,
        command: Command::Diagnose,
        fix: "Use SecurityLayer = 2 (TLS) with NLA and the client defaults; set the same value in policy and on RDP-Tcp so one does not silently override the other.",
        harm: "Dropping to SecurityLayer = 0 (Standard RDP Security) 'to make it work' removes server authentication: the connection can be intercepted.",
        source: "[MS-RDPBCGR] 2.2.1.2.2 (RDP_NEG_FAILURE), 2.2.1.4.3 (encryption level)",
    },
    FolkCause {
        id: "tls-mismatch",
        cause: "a TLS version or cipher suite mismatch",
        stages: &[Stage::Tls],
        needs_user: false,
        produces: &[
            pair(0x904, 0x0, Basis::Inferred, "the server resets the handshake; the socket closes with no reason"),
            code(TableId::SspiHresult, 0x8009_0331, Basis::Documented, "SEC_E_ALGORITHM_MISMATCH (Schannel)"),
            freerdp(0x08, Basis::Observed, "xfreerdp logs it when no TLS version or suite is common in our lab"),
        ],
        findings: &[FindingId::TlsProtocolMismatch, FindingId::TlsCipherMismatch, FindingId::TlsLegacyOnly],
        // Every hello refused, the most permissive included: not a mismatch (the key, see machinekeys).
        absent_if: &[FindingId::StandardRdpSecurityOnly, FindingId::TlsHandshakeAborted],
        absent_if_failing: &[],
        evidence: &[
            "System Schannel 36874 (no common protocol) and 36888 (fatal alert)",
            "SCHANNEL\\Protocols and the cipher-suite order policy",
        ],
        client: Some("the client's SCHANNEL protocol settings (TLS 1.2 disabled on an old client)"),
        lies_with_client: false,
        command: Command::Diagnose,
        fix: "Enable TLS 1.2 on both sides (KB3080079 for Windows 7 / 2008 R2) and keep one ECDHE AES-GCM suite in common.",
        harm: "Re-enabling TLS 1.0, RC4 or 3DES server-wide to suit one old client weakens every TLS service on that server, not only RDP.",
        source: "RFC 8446 / RFC 5246; Microsoft Learn: TLS registry settings",
    },
    FolkCause {
        id: "certificate",
        cause: "an expired or missing Remote Desktop certificate",
        stages: &[Stage::Negotiation, Stage::Tls],
        needs_user: false,
        produces: &[
            code(TableId::NegFailure, SSL_CERT_NOT_ON_SERVER, Basis::Documented, "no certificate for the listener"),
            code(TableId::SspiHresult, 0x8009_0328, Basis::Documented, "SEC_E_CERT_EXPIRED"),
            pair(0x904, 0x0, Basis::Inferred, "no usable certificate: the server closes the socket with no reason"),
        ],
        findings: &[
            FindingId::CertExpired,
            FindingId::CertNotYetValid,
            FindingId::CertNotOnServer,
            FindingId::CertExpiringSoon,
            FindingId::CertUntrusted,
            FindingId::CertNameMismatch,
        ],
        absent_if: &[FindingId::StandardRdpSecurityOnly],
        absent_if_failing: &[],
        evidence: &[
            "TerminalServices-RemoteConnectionManager 1057/1058 (the certificate could not be created or replaced)",
            "RDP-Tcp SSLCertificateSHA1Hash",
        ],
        client: None,
        lies_with_client: false,
        command: Command::Diagnose,
        fix: "Renew the certificate the listener uses (SSLCertificateSHA1Hash), or let the server recreate its self-signed one by removing only that expired certificate from the Remote Desktop store.",
        harm: "Deleting a CA-issued certificate that policy pins (SSLCertificateSHA1Hash set by GPO) leaves the listener without one (SSL_CERT_NOT_ON_SERVER) until the policy's certificate returns.",
        source: "[MS-RDPBCGR] 2.2.1.2.2 (SSL_CERT_NOT_ON_SERVER); Microsoft Learn: Remote Desktop certificates",
    },
    FolkCause {
        id: "machinekeys",
        cause: "an unusable MachineKeys private key",
        stages: &[Stage::Tls],
        needs_user: false,
        produces: &[
            pair(0x904, 0x0, Basis::Inferred, "Schannel cannot sign with the key and resets the handshake"),
            code(TableId::SspiHresult, 0x8009_030D, Basis::Documented, "SEC_E_UNKNOWN_CREDENTIALS in Schannel 36870"),
            freerdp(
                0x08,
                Basis::Observed,
                "xfreerdp logs it when the server resets the handshake it cannot sign in our lab",
            ),
        ],
        findings: &[FindingId::TlsHandshakeAborted],
        absent_if: &[FindingId::StandardRdpSecurityOnly],
        absent_if_failing: &[],
        evidence: &["System Schannel 36870 with 0x8009030D (the private key could not be opened)"],
        client: None,
        lies_with_client: false,
        command: Command::Evidence,
        fix: "Give NETWORK SERVICE read access to the certificate's own key file (certlm.msc → the certificate → Manage Private Keys), or issue a new certificate.",
        harm: "Renaming or emptying C:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys regenerates every machine key, not only RDP's: IIS, SQL Server, VPN, Wi-Fi and other certificates lose their private keys.",
        source: "Microsoft Learn: Schannel event 36870; RDP certificate private key permissions",
    },
    FolkCause {
        id: "strict-nla",
        cause: "strict NLA (Network Level Authentication required)",
        stages: &[Stage::Negotiation, Stage::Credssp],
        needs_user: false,
        produces: &[
            code(
                TableId::NegFailure,
                HYBRID_REQUIRED_BY_SERVER,
                Basis::Documented,
                "a client that does not offer CredSSP",
            ),
            code(
                TableId::NtStatus,
                0xC000_0224,
                Basis::Documented,
                "STATUS_PASSWORD_MUST_CHANGE: NLA cannot change a password",
            ),
            freerdp(0x0C, Basis::Observed, "xfreerdp /sec:tls against a server that requires NLA in our lab"),
        ],
        findings: &[FindingId::PasswordMustChange, FindingId::NlaRequired],
        absent_if: &[FindingId::NlaNotRequired],
        absent_if_failing: &[],
        evidence: &["RDP-Tcp UserAuthentication and the policy 'Require user authentication … by using NLA'"],
        client: Some("the .rdp file's enablecredsspsupport (0 turns NLA off in the client)"),
        lies_with_client: true,
        command: Command::Client,
        fix: "Let the client do NLA (enablecredsspsupport:i:1, a current client); change an expired password elsewhere first.",
        harm: "Turning NLA off (UserAuthentication = 0) shows the logon screen to anyone who connects and opens pre-authentication attack surface (BlueKeep class).",
        source: "[MS-RDPBCGR] 2.2.1.2.2 (HYBRID_REQUIRED_BY_SERVER); [MS-CSSP]",
    },
    FolkCause {
        id: "credssp-mismatch",
        cause: "a CredSSP update mismatch (CVE-2018-0886, AllowEncryptionOracle); `mstsc /restrictedAdmin` as a workaround",
        stages: &[Stage::Credssp],
        needs_user: false,
        produces: &[
            pair(
                0x807,
                0x0,
                Basis::Inferred,
                "the 0x..07 authentication family; the client says 'CredSSP encryption oracle remediation'",
            ),
            code(
                TableId::NtStatus,
                0xC000_0388,
                Basis::Inferred,
                "STATUS_DOWNGRADE_DETECTED is how a patched side refuses an older CredSSP version",
            ),
        ],
        findings: &[FindingId::CredsspServerUnpatched],
        absent_if: &[FindingId::NlaNotRequired],
        absent_if_failing: &[],
        evidence: &[
            "System LsaSrv 6041 on the client (names the server's CredSSP version)",
            "CredSSP\\Parameters AllowEncryptionOracle on both sides",
        ],
        client: Some("the client's AllowEncryptionOracle against the server's CredSSP version"),
        lies_with_client: true,
        command: Command::Client,
        fix: "Install the May 2018 (or later) update on the unpatched side. Until then, `mstsc /restrictedAdmin` sends no password and so avoids the check, but only where the server enables Restricted Admin (diagnose: restricted-admin-supported) and the user is an administrator there.",
        harm: "Setting AllowEncryptionOracle = 2 ('Vulnerable') on clients to reach one unpatched server re-opens CVE-2018-0886 for every server they connect to; enabling Restricted Admin on the server (DisableRestrictedAdmin = 0) lets a stolen NTLM hash log on (pass-the-hash).",
        source: "CVE-2018-0886; Microsoft KB4093492 (CredSSP updates, the interoperability table)",
    },
    FolkCause {
        id: "credentials",
        cause: "wrong or expired credentials (a PAM vault's target-account password, a stale Credential Manager entry)",
        stages: &[Stage::Credssp, Stage::Session],
        needs_user: true,
        produces: &[
            code(TableId::NtStatus, 0xC000_006D, Basis::Documented, "STATUS_LOGON_FAILURE in TSRequest.errorCode"),
            code(TableId::NtStatus, 0xC000_0071, Basis::Documented, "STATUS_PASSWORD_EXPIRED"),
            code(TableId::NtStatus, 0xC000_0234, Basis::Documented, "STATUS_ACCOUNT_LOCKED_OUT"),
            freerdp(0x14, Basis::Documented, "ERRCONNECT_LOGON_FAILURE when FreeRDP can read the status"),
            freerdp(
                0x0D,
                Basis::Observed,
                "xfreerdp 2.11 cannot read a 5-byte errorCode and logs a transport failure in our lab",
            ),
        ],
        findings: &[
            FindingId::CredentialsRejected,
            FindingId::PasswordExpired,
            FindingId::AccountLocked,
            FindingId::AccountDisabled,
            FindingId::AccountExpired,
            FindingId::AccountRestricted,
            FindingId::LogonFailed,
        ],
        absent_if: &[],
        absent_if_failing: &[FindingId::CredentialsAccepted],
        evidence: &["Security 4625 with Status/SubStatus (logon type 10 or 3)", "Security 4740 (locked out)"],
        client: Some("saved credentials for TERMSRV/HOST in Credential Manager (cmdkey /list)"),
        lies_with_client: true,
        command: Command::DiagnoseUser,
        fix: "Test the password the client really sends: update the PAM vault's target-account password (reconcile it), delete a stale saved credential (`cmdkey /delete:TERMSRV/HOST`), unlock or re-enable the account.",
        harm: "Resetting the target account's password outside the PAM vault breaks every other session and service that uses it; reconcile through the vault.",
        source: "[MS-CSSP] 2.2.1 (errorCode); [MS-ERREF] 2.3",
    },
    FolkCause {
        id: "logon-right",
        cause: "the user lacks the right to log on through Remote Desktop Services",
        stages: &[Stage::Credssp, Stage::Session],
        needs_user: true,
        produces: &[
            pair(
                0x904,
                0x7,
                Basis::Inferred,
                "Windows refuses a user without the right once the session is set up (ERRINFO_SERVER_DENIED_CONNECTION)",
            ),
            errinfo(
                0x7,
                Basis::Observed,
                "errorInfo 0x7 is how the server refuses a user it will not let log on, after the set-up; xfreerdp shows 0x00010007 in our lab",
            ),
            errinfo(
                0x9,
                Basis::Observed,
                "errorInfo 0x9: the server says the user lacks the privileges to connect; xfreerdp shows 0x00010009 in our lab",
            ),
            code(TableId::NtStatus, 0xC000_015B, Basis::Documented, "STATUS_LOGON_TYPE_NOT_GRANTED"),
        ],
        findings: &[
            FindingId::UserNotAuthorized,
            FindingId::LogonTypeNotGranted,
            FindingId::ServerInsufficientPrivileges,
            FindingId::ServerDeniedConnection,
        ],
        absent_if: &[],
        absent_if_failing: &[],
        evidence: &[
            "Security 4825 (denied access to Remote Desktop)",
            "Security 4625 with 0xC000015B",
            "SeRemoteInteractiveLogonRight / SeDenyRemoteInteractiveLogonRight",
        ],
        client: None,
        lies_with_client: false,
        command: Command::DiagnoseUser,
        fix: "Add the user to 'Remote Desktop Users' and grant 'Allow log on through Remote Desktop Services'; remove them from 'Deny log on through Remote Desktop Services' (check gpresult).",
        harm: "Adding the user to local Administrators to 'fix' the right gives them full control of the server.",
        source: "[MS-RDPBCGR] 2.2.5.1.1 (errorInfo 0x7, 0x9); Microsoft Learn: user rights assignment",
    },
    FolkCause {
        id: "session-limit",
        cause: "a single-session or connection limit",
        stages: &[Stage::Session],
        needs_user: true,
        produces: &[
            pair(
                0x904,
                0x7,
                Basis::Inferred,
                "the server refuses a session over its limit (ERRINFO_SERVER_DENIED_CONNECTION)",
            ),
            errinfo(
                0x7,
                Basis::Observed,
                "errorInfo 0x7 is how the server refuses a session over its limit; xfreerdp shows 0x00010007 in our lab",
            ),
            errinfo(0x5, Basis::Documented, "the session was taken over by another connection of the same user"),
        ],
        findings: &[FindingId::ServerDeniedConnection],
        absent_if: &[],
        absent_if_failing: &[],
        evidence: &[
            "LocalSessionManager/Operational 40 (the reason code of the disconnect)",
            "MaxInstanceCount, fSingleSessionPerUser, MaxConnectionCount policy values",
        ],
        client: None,
        lies_with_client: false,
        command: Command::Evidence,
        fix: "Log off disconnected sessions (`qwinsta`, `logoff ID`), set idle/disconnected session time limits, or raise the limit ('Limit number of connections').",
        harm: "Turning off 'Restrict each user to a single session' lets one user pile up sessions that hold licences and memory.",
        source: "[MS-RDPBCGR] 2.2.5.1.1 (errorInfo 0x5, 0x7); Microsoft Learn: session limits policies",
    },
    FolkCause {
        id: "licensing",
        cause: "RDS licensing (no license server, no CALs, grace period over)",
        stages: &[Stage::Session],
        needs_user: false,
        produces: &[
            pair(0x808, 0x0, Basis::Documented, MEANING),
            errinfo(0x100, Basis::Documented, "ERRINFO_LICENSE_INTERNAL"),
            errinfo(0x101, Basis::Documented, "ERRINFO_LICENSE_NO_LICENSE_SERVER"),
            errinfo(0x102, Basis::Documented, "ERRINFO_LICENSE_NO_LICENSE"),
            errinfo(0x10A, Basis::Documented, "no remote connections allowed by the licensing mode"),
            freerdp(
                0x0D,
                Basis::Observed,
                "xfreerdp 2.11 logs 'license connection sequence aborted', then a transport failure in our lab",
            ),
        ],
        findings: &[FindingId::LicensingFailed],
        absent_if: &[],
        absent_if_failing: &[],
        evidence: &["TerminalServices-Licensing 1128/1130, LocalSessionManager 40", "LicensingMode and LicenseServers"],
        client: Some("the client's license store HKLM\\SOFTWARE\\Microsoft\\MSLicensing"),
        lies_with_client: false,
        command: Command::Evidence,
        fix: "Point the session host at a license server with CALs of its licensing mode (RD Licensing Diagnoser, lsdiag.msc).",
        harm: "Deleting the server's GracePeriod key to extend the grace period breaks the licence terms and often TermService itself.",
        source: "[MS-RDPELE] 2.2.2.7.1; [MS-RDPBCGR] 2.2.5.1.1 (licensing errorInfo)",
    },
    FolkCause {
        id: "fips",
        cause: "FIPS-compliant algorithms enforced",
        stages: &[Stage::Negotiation, Stage::McsConnect, Stage::Session],
        needs_user: false,
        produces: &[
            errinfo(
                0x8,
                Basis::Observed,
                "errorInfo 0x8: the server refuses a client that does not meet FIPS; xfreerdp shows 0x00010008 in our lab",
            ),
            pair(0x506, 0x0, Basis::Inferred, "Standard RDP Security where the server accepts only FIPS encryption"),
        ],
        findings: &[FindingId::ServerDeniedFips, FindingId::FipsRequired],
        absent_if: &[],
        absent_if_failing: &[],
        evidence: &["Lsa\\FIPSAlgorithmPolicy Enabled", "MinEncryptionLevel = 4"],
        client: Some("the client's FIPSAlgorithmPolicy"),
        lies_with_client: false,
        command: Command::Evidence,
        fix: "Use TLS (SecurityLayer = 2) so FIPS applies to the TLS suites, and a client that supports them.",
        harm: "Turning FIPS mode off where a compliance regime requires it trades a connection for an audit failure; move the clients to TLS instead.",
        source: "Microsoft Learn: System cryptography: Use FIPS compliant algorithms; [MS-RDPBCGR] 5.3.2",
    },
];

/// The cause with this id.
pub fn cause(id: &str) -> Option<&'static FolkCause> {
    FOLK_CAUSES.iter().find(|c| c.id == id)
}

// ---------------------------------------------------------------------------------------------
// Verdicts

/// How a cause relates to what was seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FolkVerdict {
    /// The codes (or the measurements) point at it.
    Fits,
    /// It cannot have produced what was seen.
    RuledOut,
    /// Nothing seen tells; `check` says what would.
    Possible,
}

impl FolkVerdict {
    pub fn word(self) -> &'static str {
        match self {
            FolkVerdict::Fits => "fits",
            FolkVerdict::RuledOut => "ruled out",
            FolkVerdict::Possible => "possible",
        }
    }
}

/// One cause judged: the `folk_causes[]` element of `explain --json` and `diagnose --json`.
#[derive(Debug, Clone, Serialize)]
pub struct Judged {
    pub id: &'static str,
    pub cause: &'static str,
    pub verdict: FolkVerdict,
    /// One line.
    pub why: String,
    /// What proves or rules it out.
    pub check: String,
}

/// What a set of codes says about the connection, as [`judge_codes`] reads it.
#[derive(Debug, Clone)]
pub struct CodeEvidence {
    /// The Windows pair, when one was given.
    pub pair: Option<(u32, u32)>,
    /// Every (table, value) the codes read as.
    pub readings: Vec<(TableId, u32)>,
    /// The stage the codes say failed, when they say it unambiguously.
    pub failed: Option<Stage>,
    /// What the codes are, in words ("errorInfo 0x7", "0x204").
    pub label: String,
    /// The last stage proven completed, and the sentence that says why.
    pub reached: Option<(Stage, String)>,
    /// A reason the server stated (an errorInfo other than 0 in the session stage).
    pub server_reason: Option<u32>,
}

/// A code that more causes than this produce (documented or observed) tells them apart no better than
/// its stage does: those causes stay `possible`.
pub const MAX_CAUSES_FOR_FIT: usize = 2;

impl CodeEvidence {
    /// Reads the codes: `pair` (disconnect reason, extended) if given, `readings` (every table entry
    /// the codes matched), `failed` (the stage the codes' layers name, if unambiguous).
    pub fn new(pair: Option<(u32, u32)>, readings: Vec<(TableId, u32)>, failed: Option<Stage>, label: String) -> Self {
        let extended = pair
            .map(|p| p.1)
            .or_else(|| readings.iter().find(|r| r.0 == TableId::ErrorInfo).map(|r| r.1))
            .filter(|&x| x != 0);
        let server_sent = extended.filter(|_| failed == Some(Stage::Session));
        let reached = if let Some(x) = server_sent {
            // A Set Error Info PDU travels on the I/O channel: everything up to the MCS connection worked.
            Some((Stage::McsConnect, format!("before the server sent errorInfo 0x{x:X}")))
        } else if let Some(f) = failed.filter(|&f| f > Stage::Network).and_then(Stage::previous) {
            Some((f, format!("before the connection failed at {} ({label})", failed.map_or("", |s| s.name()))))
        } else {
            // A code that proves more than its layer (0x904: the socket was connected).
            readings
                .iter()
                .filter_map(|&(t, v)| code_fact(t, v))
                .max_by_key(|f| f.reached)
                .map(|f| (f.reached, format!("({})", f.proof)))
        };
        CodeEvidence { pair, readings, failed, label, reached, server_reason: server_sent }
    }

    fn matches(&self, link: CodeLink) -> bool {
        match link {
            CodeLink::Pair { code, extended } => self.pair == Some((code, extended)),
            CodeLink::ErrorInfo(x) => {
                self.pair.is_some_and(|p| p.1 == x) || self.readings.contains(&(TableId::ErrorInfo, x))
            }
            CodeLink::Code { table, value } => self.readings.contains(&(table, value)),
        }
    }
}

/// The line saying how rdp-doctor proves or rules a cause out.
pub fn check_line(c: &FolkCause) -> String {
    let mut parts = Vec::new();
    if !c.findings.is_empty() {
        let cmd = if c.needs_user { Command::DiagnoseUser } else { Command::Diagnose };
        parts.push(format!(
            "{} ({})",
            cmd.line(),
            c.findings.iter().map(|f| f.as_str()).collect::<Vec<_>>().join(", ")
        ));
    } else if c.command == Command::DiagnoseGateway {
        parts.push(Command::DiagnoseGateway.line().to_string());
    }
    if let Some(first) = c.evidence.first() {
        parts.push(format!("{}: {first}", Command::Evidence.line()));
    }
    if let Some(client) = c.client {
        parts.push(format!("{}: {client}", Command::Client.line()));
    }
    parts.join("; ")
}

/// Judges every cause of the table against what the codes say.
pub fn judge_codes(ev: &CodeEvidence) -> Vec<Judged> {
    FOLK_CAUSES.iter().map(|c| judge_one(c, ev)).collect()
}

fn judge_one(c: &FolkCause, ev: &CodeEvidence) -> Judged {
    let first = c.stages.first().copied().unwrap_or(Stage::Session);
    let last = c.stages.last().copied().unwrap_or(Stage::Session);
    // The strongest link the codes match: documented or observed ones can make it fit, an inferred one
    // only keeps it possible.
    let matched: Vec<&Produces> = c.produces.iter().filter(|p| ev.matches(p.link)).collect();
    let linked = matched.iter().find(|p| p.basis != Basis::Inferred).or(matched.first()).copied();
    let sharing = linked.map_or(0, |p| {
        FOLK_CAUSES.iter().filter(|o| o.produces.iter().any(|q| q.link == p.link && q.basis != Basis::Inferred)).count()
    });
    let (verdict, why) = if let Some(p) = linked.filter(|p| p.basis == Basis::Inferred) {
        (
            FolkVerdict::Possible,
            format!(
                "{} can come from this ({}; inferred), but does not prove it; `rdp-doctor diagnose HOST` tells it apart",
                ev.label, p.note
            ),
        )
    } else if let Some(p) = linked.filter(|_| sharing <= MAX_CAUSES_FOR_FIT) {
        (FolkVerdict::Fits, format!("{}: {} ({})", ev.label, p.note, basis_word(p.basis)))
    } else if let Some(p) = linked {
        (
            FolkVerdict::Possible,
            format!(
                "{} is what this produces ({}), and so do {} other causes; `rdp-doctor diagnose HOST` tells them apart",
                ev.label,
                p.note,
                sharing - 1
            ),
        )
    } else if let Some((reached, proof)) = ev.reached.as_ref().filter(|(r, _)| *r >= last) {
        (FolkVerdict::RuledOut, format!("{} {proof}", reached_phrase(last, *reached)))
    } else if let Some(failed) = ev.failed {
        if failed < first {
            (
                FolkVerdict::RuledOut,
                format!(
                    "the connection failed at {} ({}), before {} where this breaks it",
                    failed.name(),
                    ev.label,
                    first.name()
                ),
            )
        } else if !c.stages.contains(&failed) {
            (
                FolkVerdict::RuledOut,
                format!("{} names a failure at {}, where this does not break a connection", ev.label, failed.name()),
            )
        } else if let Some(x) = ev.server_reason.filter(|_| has_errinfo_at(c)) {
            let own: Vec<String> = c
                .produces
                .iter()
                .filter_map(|p| match p.link {
                    CodeLink::ErrorInfo(v) => Some(format!("0x{v:X}")),
                    _ => None,
                })
                .collect();
            (
                FolkVerdict::RuledOut,
                format!(
                    "the server named its reason, errorInfo 0x{x:X}; this one sends errorInfo {}",
                    own.join(" or ")
                ),
            )
        } else {
            (
                FolkVerdict::Possible,
                format!(
                    "the connection failed at {}, where this can break it; {} does not name it",
                    failed.name(),
                    ev.label
                ),
            )
        }
    } else {
        let how = match &ev.reached {
            Some((r, proof)) => format!("{} {proof}, but {} does not say where it failed", r.completed(), ev.label),
            None => format!("{} does not say at which stage the connection failed", ev.label),
        };
        (FolkVerdict::Possible, format!("{how}; `rdp-doctor diagnose HOST` walks each stage"))
    };
    Judged { id: c.id, cause: c.cause, verdict, why, check: check_line(c) }
}

/// "the TLS handshake completed" when the cause's last stage is the one reached, else that stage's
/// completion followed by the reached one's ("the TLS handshake completed (and NLA …)").
fn reached_phrase(last: Stage, reached: Stage) -> String {
    if last == reached { reached.completed().to_string() } else { last.completed().to_string() }
}

fn has_errinfo_at(c: &FolkCause) -> bool {
    c.produces.iter().any(|p| matches!(p.link, CodeLink::ErrorInfo(_)))
}

fn basis_word(b: Basis) -> &'static str {
    match b {
        Basis::Documented => "documented",
        Basis::Observed => "observed",
        Basis::Inferred => "inferred",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_unique_stages_ordered_and_every_cause_says_how_to_check_it() {
        let mut seen = std::collections::HashSet::new();
        for c in FOLK_CAUSES {
            assert!(seen.insert(c.id), "duplicate {}", c.id);
            assert!(c.id.chars().all(|ch| ch.is_ascii_lowercase() || ch == '-'), "{}", c.id);
            assert!(!c.stages.is_empty(), "{}", c.id);
            assert!(c.stages.windows(2).all(|w| w[0] < w[1]), "{}: stages out of order", c.id);
            assert!(!c.fix.is_empty() && !c.harm.is_empty() && !c.source.is_empty(), "{}", c.id);
            assert!(!check_line(c).is_empty(), "{}", c.id);
        }
    }

    #[test]
    fn every_linked_code_is_in_the_tables() {
        for c in FOLK_CAUSES {
            for p in c.produces {
                match p.link {
                    CodeLink::Pair { code, extended } => {
                        assert!(super::super::lookup(TableId::DiscReason, code).is_some(), "{}: 0x{code:X}", c.id);
                        assert!(
                            super::super::lookup(TableId::ErrorInfo, extended).is_some(),
                            "{}: 0x{extended:X}",
                            c.id
                        );
                    }
                    CodeLink::ErrorInfo(x) => {
                        assert!(super::super::lookup(TableId::ErrorInfo, x).is_some(), "{}: errorInfo 0x{x:X}", c.id)
                    }
                    CodeLink::Code { table, value } => {
                        assert!(super::super::lookup(table, value).is_some(), "{}: {} 0x{value:X}", c.id, table.name())
                    }
                }
            }
        }
    }

    #[test]
    fn every_finding_named_is_catalogued() {
        for c in FOLK_CAUSES {
            for id in c.findings.iter().chain(c.absent_if).chain(c.absent_if_failing) {
                assert!(crate::diagnose::CATALOGUE.iter().any(|d| d.id == *id), "{}: unknown finding {id}", c.id);
            }
        }
    }
}
