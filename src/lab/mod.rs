//! The fault lab: RDP servers that misbehave on purpose, written from the specification, to
//! reproduce what only Windows shows. Each scenario is data (`SCENARIOS`); the server reuses the
//! probe's X.224 codec from the other side (`x224::decode_request`, `x224::encode_confirm`), and for
//! TLS either rustls or a hand-written responder (`tls_raw`) for what rustls cannot serve.

pub mod credssp;
pub mod gateway;
pub mod link;
pub mod session;
pub mod tls_raw;

use crate::codec::x224::{
    self, FrameStatus, PROTOCOL_HYBRID, PROTOCOL_HYBRID_EX, PROTOCOL_RDP, PROTOCOL_SSL, Reply, SeenRequest,
};
use crate::knowledge::tls_suites::{TLS10, TLS11, TLS12};
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// RDP-Tcp SecurityLayer: 0 Standard RDP Security, 1 Negotiate, 2 TLS required.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecurityLayer {
    Rdp,
    Negotiate,
    Tls,
}

/// CredSSP on the server: absent, offered, or required (RDP-Tcp UserAuthentication = 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nla {
    Off,
    Supported,
    Required,
}

/// How the server answers X.224 negotiation, as Windows' RDP-Tcp settings would make it answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub security_layer: SecurityLayer,
    pub nla: Nla,
    /// False: the certificate (or its private key) is unusable.
    pub cert_ok: bool,
    /// RDP_NEG_RSP flags sent with a CredSSP selection.
    pub hybrid_flags: u8,
    /// Pre-RDP 5.2 server: ignores RDP_NEG_REQ and always sends a plain Connection Confirm.
    pub ignores_negotiation: bool,
}

/// The certificate's validity period, for the rustls server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertValidity {
    /// rcgen's default: 1975 to 4096.
    Current,
    /// Ended 10 days ago.
    Expired,
    /// Starts in 10 days.
    NotYetValid,
}

/// What the server does once the negotiation selected TLS or CredSSP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsServer {
    /// rustls (TLS 1.2 and 1.3, or 1.3 only) with a fresh self-signed certificate.
    Rustls { validity: CertValidity, tls13_only: bool },
    /// The hand-written responder: a ServerHello flight or an alert, nothing more.
    Raw(tls_raw::RawTls),
    /// Read the ClientHello, then reset the connection (a certificate whose private key cannot be used).
    ResetOnHello,
    /// Say nothing after the ClientHello unless the client clamped its MSS to 536 or less; then rustls.
    MtuBlackhole,
    /// Say nothing after the ClientHello, whatever the MSS (a hung TLS stack, or a path that drops more).
    Stall,
    /// Answer the ClientHello with these bytes (not TLS, or TLS nobody can use), then wait.
    Answer(&'static [u8]),
    /// rustls, with a certificate whose subject and subjectAltName carry terminal escape sequences.
    RustlsHostileNames,
}

/// The MSS at or below which the `mtu-blackhole` scenario answers.
pub const BLACKHOLE_MAX_MSS: u32 = 536;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    /// Answer the negotiation by `Policy`, then speak TLS when it selected TLS or CredSSP.
    Negotiate(Policy),
    /// The same, with a particular TLS server behind it.
    NegotiateTls(Policy, TlsServer),
    /// Accept, read the request, close (FIN).
    AcceptThenClose,
    /// Accept, read the request, reset (RST).
    AcceptThenReset,
    /// Accept, read the request, say nothing.
    Silent,
    /// Answer like a web server.
    NotRdp,
    /// Answer every Connection Request with RDP_NEG_FAILURE and this failureCode, then close.
    Refuse(u32),
    /// Answer with a TPKT frame that is not a Connection Confirm (X.224 TPDU code 0x70), then close.
    MalformedConfirm,
    /// Answer every Connection Request with an X.224 Disconnect Request TPDU (X.224 13.5), then close.
    DisconnectRequest,
    /// Answer every Connection Request with RDP_NEG_RSP selecting this value, whatever was requested.
    Select(u32),
    /// An RD Gateway (HTTPS, [MS-TSGU]) in front of a lab scenario or loopback servers (`gateway.rs`).
    Gateway(gateway::Gateway),
    /// A fixed share of connections meets a fault; the others are served by `policy` (an unstable
    /// VPN, an overloaded server). The faulty ones are spread evenly: exactly `percent` of any 100
    /// consecutive connections.
    Flaky { percent: u32, fault: FlakyFault, policy: Policy },
}

/// What the faulty connections of a `Flaky` scenario meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlakyFault {
    /// Reset (RST) right at accept, before reading anything.
    ResetAtAccept,
    /// Negotiation as usual, then no answer to the ClientHello.
    StallHandshake,
}

/// Whether connection `n` (0-based) of a server is one of the `percent` % that meet the fault.
pub fn flaky_hit(n: u64, percent: u32) -> bool {
    let p = u64::from(percent.min(100));
    (n + 1) * p / 100 != n * p / 100
}

#[derive(Debug)]
pub struct Scenario {
    pub name: &'static str,
    pub description: &'static str,
    pub behaviour: Behaviour,
}

const EXTENDED_CLIENT_DATA: u8 = 0x01;
/// Windows 10/11: extended client data, GFX, reserved, restricted admin, remote credential guard.
const WINDOWS_FLAGS: u8 = 0x1F;

const fn policy(security_layer: SecurityLayer, nla: Nla, cert_ok: bool, hybrid_flags: u8) -> Behaviour {
    Behaviour::Negotiate(Policy { security_layer, nla, cert_ok, hybrid_flags, ignores_negotiation: false })
}

/// A Windows-like negotiation: TLS required, CredSSP offered, with the flags Windows sets.
const WINDOWS_POLICY: Policy = Policy {
    security_layer: SecurityLayer::Tls,
    nla: Nla::Supported,
    cert_ok: true,
    hybrid_flags: WINDOWS_FLAGS,
    ignores_negotiation: false,
};

/// A Windows-like negotiation (TLS required, CredSSP offered) in front of `tls`.
const fn windows_with(tls: TlsServer) -> Behaviour {
    Behaviour::NegotiateTls(WINDOWS_POLICY, tls)
}

const RSA2048_CERT: &[u8] = include_bytes!("certs/rsa2048-sha256.der");
const WEAK_CERT: &[u8] = include_bytes!("certs/weak-rsa1024-sha1.der");

pub static SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "healthy",
        description: "Windows-like: HYBRID for SSL|HYBRID|HYBRID_EX, SSL for SSL-only, TLS required, restricted admin supported; on the SSL path (no credentials) the connection sequence up to a first bitmap update",
        behaviour: policy(SecurityLayer::Tls, Nla::Supported, true, WINDOWS_FLAGS),
    },
    Scenario {
        name: "nla-required",
        description: "TLS and NLA required (UserAuthentication=1): requests without CredSSP get HYBRID_REQUIRED_BY_SERVER",
        behaviour: policy(SecurityLayer::Tls, Nla::Required, true, WINDOWS_FLAGS),
    },
    Scenario {
        name: "tls-required",
        description: "TLS required, no CredSSP: Standard RDP Security requests get SSL_REQUIRED_BY_SERVER",
        behaviour: policy(SecurityLayer::Tls, Nla::Off, true, EXTENDED_CLIENT_DATA),
    },
    Scenario {
        name: "rdp-security-only",
        description: "SecurityLayer=0: any TLS or CredSSP request gets SSL_NOT_ALLOWED_BY_SERVER",
        behaviour: policy(SecurityLayer::Rdp, Nla::Off, true, 0),
    },
    Scenario {
        name: "cert-missing",
        description: "No usable certificate: TLS and CredSSP requests get SSL_CERT_NOT_ON_SERVER",
        behaviour: policy(SecurityLayer::Negotiate, Nla::Supported, false, WINDOWS_FLAGS),
    },
    Scenario {
        name: "legacy-server",
        description: "Pre-RDP 5.2 server: ignores RDP_NEG_REQ, always a plain Connection Confirm",
        behaviour: Behaviour::Negotiate(Policy {
            security_layer: SecurityLayer::Rdp,
            nla: Nla::Off,
            cert_ok: false,
            hybrid_flags: 0,
            ignores_negotiation: true,
        }),
    },
    Scenario {
        name: "accept-then-close",
        description: "Accepts the TCP connection, reads the request, closes it (FIN)",
        behaviour: Behaviour::AcceptThenClose,
    },
    Scenario {
        name: "accept-then-reset",
        description: "Accepts the TCP connection, reads the request, resets it (RST)",
        behaviour: Behaviour::AcceptThenReset,
    },
    Scenario {
        name: "silent",
        description: "Accepts the TCP connection and never answers",
        behaviour: Behaviour::Silent,
    },
    Scenario { name: "not-rdp", description: "An HTTP server on the RDP port", behaviour: Behaviour::NotRdp },
    // --- CredSSP (lab/credssp.rs holds each one's script) ---
    Scenario {
        name: "credssp-v2",
        description: "Windows 7 / 2008 R2 before the 2018 update: CredSSP version 2, no errorCode; closes after a bad logon",
        behaviour: policy(SecurityLayer::Tls, Nla::Required, true, EXTENDED_CLIENT_DATA),
    },
    Scenario {
        name: "credssp-v3",
        description: "Windows 8.1 / 2012 R2 before the 2018 update: CredSSP version 3",
        behaviour: policy(SecurityLayer::Tls, Nla::Required, true, EXTENDED_CLIENT_DATA),
    },
    Scenario {
        name: "wrong-password",
        description: "Answers the NTLM AUTHENTICATE with errorCode STATUS_LOGON_FAILURE",
        behaviour: policy(SecurityLayer::Tls, Nla::Required, true, WINDOWS_FLAGS),
    },
    Scenario {
        name: "account-locked",
        description: "Answers the NTLM AUTHENTICATE with errorCode STATUS_ACCOUNT_LOCKED_OUT",
        behaviour: policy(SecurityLayer::Tls, Nla::Required, true, WINDOWS_FLAGS),
    },
    Scenario {
        name: "password-expired",
        description: "Answers the NTLM AUTHENTICATE with errorCode STATUS_PASSWORD_EXPIRED",
        behaviour: policy(SecurityLayer::Tls, Nla::Required, true, WINDOWS_FLAGS),
    },
    Scenario {
        name: "logon-right-missing",
        description: "HYBRID_EX: accepts the password (lab password), then Early User Authorization Result ACCESS_DENIED",
        behaviour: policy(SecurityLayer::Tls, Nla::Required, true, WINDOWS_FLAGS),
    },
    Scenario {
        name: "nla-close-after-auth",
        description: "Closes the connection after the NTLM AUTHENTICATE, without an errorCode",
        behaviour: policy(SecurityLayer::Tls, Nla::Required, true, WINDOWS_FLAGS),
    },
    Scenario {
        name: "tls-private-key-broken",
        description: "Windows with an unusable certificate key (MachineKeys): selects SSL/HYBRID, then resets on the ClientHello",
        behaviour: windows_with(TlsServer::ResetOnHello),
    },
    Scenario {
        name: "cert-expired",
        description: "Self-signed certificate that expired 10 days ago (rustls, TLS 1.2 and 1.3)",
        behaviour: windows_with(TlsServer::Rustls { validity: CertValidity::Expired, tls13_only: false }),
    },
    Scenario {
        name: "cert-not-yet-valid",
        description: "Self-signed certificate valid only from 10 days from now (rustls, TLS 1.2 and 1.3)",
        behaviour: windows_with(TlsServer::Rustls { validity: CertValidity::NotYetValid, tls13_only: false }),
    },
    Scenario {
        name: "tls10-only",
        description: "TLS 1.0 only, AES-CBC with RSA key exchange (hand-written responder: ServerHello, Certificate, ServerHelloDone)",
        behaviour: windows_with(TlsServer::Raw(tls_raw::RawTls {
            versions: &[TLS10],
            suites: &[0x0035, 0x002F],
            certificate: RSA2048_CERT,
        })),
    },
    Scenario {
        name: "tls13-only",
        description: "TLS 1.3 only (rustls): clients without TLS 1.3, such as Windows 10, cannot connect",
        behaviour: windows_with(TlsServer::Rustls { validity: CertValidity::Current, tls13_only: true }),
    },
    Scenario {
        name: "legacy-ciphers-only",
        description: "TLS 1.0-1.2 with only TLS_RSA_WITH_3DES_EDE_CBC_SHA and TLS_RSA_WITH_RC4_128_SHA (hand-written responder)",
        behaviour: windows_with(TlsServer::Raw(tls_raw::RawTls {
            versions: &[TLS10, TLS11, TLS12],
            suites: &[0x000A, 0x0005],
            certificate: RSA2048_CERT,
        })),
    },
    Scenario {
        name: "weak-cert",
        description: "RSA-1024 certificate signed with SHA-1; TLS 1.2 with RSA key exchange (hand-written responder)",
        behaviour: windows_with(TlsServer::Raw(tls_raw::RawTls {
            versions: &[TLS12],
            suites: &[0x009C, 0x0035, 0x002F],
            certificate: WEAK_CERT,
        })),
    },
    Scenario {
        name: "mtu-blackhole",
        description: "A path that drops large packets: the lab reads the accepted socket's MSS (TCP_MAXSEG) and stays silent after the ClientHello above 536; a client that clamps its MSS to 536 gets the TLS answer",
        behaviour: windows_with(TlsServer::MtuBlackhole),
    },
    Scenario {
        name: "password-must-change",
        description: "Answers the NTLM AUTHENTICATE with errorCode STATUS_PASSWORD_MUST_CHANGE",
        behaviour: policy(SecurityLayer::Tls, Nla::Required, true, WINDOWS_FLAGS),
    },
    Scenario {
        name: "account-disabled",
        description: "Answers the NTLM AUTHENTICATE with errorCode STATUS_ACCOUNT_DISABLED",
        behaviour: policy(SecurityLayer::Tls, Nla::Required, true, WINDOWS_FLAGS),
    },
    Scenario {
        name: "account-expired",
        description: "Answers the NTLM AUTHENTICATE with errorCode STATUS_ACCOUNT_EXPIRED",
        behaviour: policy(SecurityLayer::Tls, Nla::Required, true, WINDOWS_FLAGS),
    },
    Scenario {
        name: "account-restricted",
        description: "Answers the NTLM AUTHENTICATE with errorCode STATUS_ACCOUNT_RESTRICTION (blank password, logon hours)",
        behaviour: policy(SecurityLayer::Tls, Nla::Required, true, WINDOWS_FLAGS),
    },
    Scenario {
        name: "logon-type-not-granted",
        description: "Answers the NTLM AUTHENTICATE with errorCode STATUS_LOGON_TYPE_NOT_GRANTED",
        behaviour: policy(SecurityLayer::Tls, Nla::Required, true, WINDOWS_FLAGS),
    },
    Scenario {
        name: "credssp-close-after-negotiate",
        description: "Selects HYBRID, completes TLS, closes on the client's first TSRequest",
        behaviour: policy(SecurityLayer::Tls, Nla::Required, true, WINDOWS_FLAGS),
    },
    Scenario {
        name: "credssp-malformed",
        description: "Answers the client's first TSRequest with malformed DER",
        behaviour: policy(SecurityLayer::Tls, Nla::Required, true, WINDOWS_FLAGS),
    },
    Scenario {
        name: "ntlm-blocked",
        description: "Answers the NTLM NEGOTIATE with errorCode STATUS_NTLM_BLOCKED (Restrict NTLM)",
        behaviour: policy(SecurityLayer::Tls, Nla::Required, true, WINDOWS_FLAGS),
    },
    Scenario {
        name: "restricted-admin-ok",
        description: "Accepts a restricted admin logon (empty TSPasswordCreds) after the lab password",
        behaviour: policy(SecurityLayer::Tls, Nla::Required, true, WINDOWS_FLAGS),
    },
    Scenario {
        name: "restricted-admin-denied",
        description: "DisableRestrictedAdmin = 1: closes right after empty TSPasswordCreds",
        behaviour: policy(SecurityLayer::Tls, Nla::Required, true, WINDOWS_FLAGS),
    },
    // Connection-sequence scenarios (`session::script`), served on the SSL path after TLS.
    Scenario {
        name: "server-denied",
        description: "TLS; after Client Info, Set Error Info ERRINFO_SERVER_DENIED_CONNECTION (0x7) then MCS Disconnect Provider Ultimatum, as Windows sends it",
        behaviour: policy(SecurityLayer::Tls, Nla::Off, true, EXTENDED_CLIENT_DATA),
    },
    Scenario {
        name: "insufficient-privileges",
        description: "TLS; after Client Info, Set Error Info ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES (0x9) then MCS Disconnect Provider Ultimatum",
        behaviour: policy(SecurityLayer::Tls, Nla::Off, true, EXTENDED_CLIENT_DATA),
    },
    Scenario {
        name: "licensing-no-license-server",
        description: "TLS; a Licensing Error Message ERR_NO_LICENSE_SERVER / ST_TOTAL_ABORT instead of a license, then close",
        behaviour: policy(SecurityLayer::Tls, Nla::Off, true, EXTENDED_CLIENT_DATA),
    },
    Scenario {
        name: "redirect",
        description: "TLS; a Server Redirection PDU to another lab address (127.0.0.2) in place of the Demand Active PDU",
        behaviour: policy(SecurityLayer::Tls, Nla::Off, true, EXTENDED_CLIENT_DATA),
    },
    Scenario {
        name: "logon-failed-bad-password",
        description: "TLS without NLA; after finalization, a Save Session Info logon error LOGON_FAILED_BAD_PASSWORD when Client Info carried an auto-logon password",
        behaviour: policy(SecurityLayer::Tls, Nla::Off, true, EXTENDED_CLIENT_DATA),
    },
    Scenario {
        name: "disconnect-mid-sequence",
        description: "TLS; after licensing, an MCS Disconnect Provider Ultimatum (rn-provider-initiated) in place of the Demand Active PDU",
        behaviour: policy(SecurityLayer::Tls, Nla::Off, true, EXTENDED_CLIENT_DATA),
    },
    Scenario {
        name: "errinfo-unknown",
        description: "TLS; after Client Info, Set Error Info with an errorInfo no table knows (0x7A5E), then MCS Disconnect Provider Ultimatum",
        behaviour: policy(SecurityLayer::Tls, Nla::Off, true, EXTENDED_CLIENT_DATA),
    },
    Scenario {
        name: "inconsistent-flags",
        description: "Answers every request with RDP_NEG_FAILURE INCONSISTENT_FLAGS (contradictory security settings)",
        behaviour: Behaviour::Refuse(4),
    },
    Scenario {
        name: "tls-user-auth-required",
        description: "Answers every request with RDP_NEG_FAILURE SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER (client certificates)",
        behaviour: Behaviour::Refuse(6),
    },
    Scenario {
        name: "malformed-confirm",
        description: "Answers with a TPKT frame whose X.224 TPDU is not a Connection Confirm",
        behaviour: Behaviour::MalformedConfirm,
    },
    Scenario {
        name: "tls-stalled",
        description: "Selects SSL/HYBRID, then never answers the ClientHello, even on a connection with a small MSS",
        behaviour: windows_with(TlsServer::Stall),
    },
    Scenario {
        name: "fresh-credentials-required",
        description: "TLS; after Client Info, Set Error Info ERRINFO_SERVER_FRESH_CREDENTIALS_REQUIRED (0xA) then MCS Disconnect Provider Ultimatum",
        behaviour: policy(SecurityLayer::Tls, Nla::Off, true, EXTENDED_CLIENT_DATA),
    },
    Scenario {
        name: "server-denied-fips",
        description: "TLS; after Client Info, Set Error Info ERRINFO_SERVER_DENIED_CONNECTION_FIPS (0x8) then MCS Disconnect Provider Ultimatum",
        behaviour: policy(SecurityLayer::Tls, Nla::Off, true, EXTENDED_CLIENT_DATA),
    },
    Scenario {
        name: "garbage-mid-sequence",
        description: "TLS; after licensing, a TPKT frame with an MCS PDU that does not exist, in place of the Demand Active PDU",
        behaviour: policy(SecurityLayer::Tls, Nla::Off, true, EXTENDED_CLIENT_DATA),
    },
    // --- hostile and broken peers ---
    Scenario {
        name: "refuse-unknown-code",
        description: "Answers every request with RDP_NEG_FAILURE failureCode 0x99, a code [MS-RDPBCGR] 2.2.1.2.2 does not define",
        behaviour: Behaviour::Refuse(0x99),
    },
    Scenario {
        name: "disconnect-request",
        description: "Answers every Connection Request with an X.224 Disconnect Request",
        behaviour: Behaviour::DisconnectRequest,
    },
    Scenario {
        name: "hybrid-required-to-all",
        description: "Answers every request, those offering HYBRID included, with HYBRID_REQUIRED_BY_SERVER",
        behaviour: Behaviour::Refuse(5),
    },
    Scenario {
        name: "select-several",
        description: "Answers every request with selectedProtocol 0xB (SSL|HYBRID|HYBRID_EX): not one protocol",
        behaviour: Behaviour::Select(0xB),
    },
    Scenario {
        name: "select-unrequested",
        description: "Answers every request with selectedProtocol RDSAAD (0x10), which none of them offers",
        behaviour: Behaviour::Select(0x10),
    },
    Scenario {
        name: "tls-garbage-certificate",
        description: "TLS 1.2 ServerHello with an ECDHE suite the client offered, then a Certificate that is not DER and no ServerKeyExchange (hand-written responder)",
        behaviour: windows_with(TlsServer::Raw(tls_raw::RawTls {
            versions: &[TLS12],
            suites: &[0xC02F, 0xC030],
            certificate: b"not a certificate",
        })),
    },
    Scenario {
        name: "tls-answer-not-tls",
        description: "Selects SSL/HYBRID, then answers the ClientHello with a record of content type 99, which TLS does not have",
        behaviour: windows_with(TlsServer::Answer(&[99, 3, 3, 0, 4, 0xDE, 0xAD, 0xBE, 0xEF])),
    },
    Scenario {
        name: "tls-answer-sslv2",
        description: "Selects SSL/HYBRID, then answers the ClientHello with an SSL 2.0 SERVER-HELLO",
        behaviour: windows_with(TlsServer::Answer(&SSL2_SERVER_HELLO)),
    },
    Scenario {
        name: "tls-warning-alerts",
        description: "Selects SSL/HYBRID, then answers the ClientHello with warning alerts and nothing else",
        behaviour: windows_with(TlsServer::Answer(&WARNING_ALERTS)),
    },
    Scenario {
        name: "session-stalled",
        description: "TLS; after licensing, silence: the Demand Active PDU never comes and the connection stays open",
        behaviour: policy(SecurityLayer::Tls, Nla::Off, true, EXTENDED_CLIENT_DATA),
    },
    Scenario {
        name: "credssp-version-huge",
        description: "Answers the NTLM NEGOTIATE with TSRequest version 2^31, no version [MS-CSSP] defines",
        behaviour: policy(SecurityLayer::Tls, Nla::Required, true, WINDOWS_FLAGS),
    },
    Scenario {
        name: "hostile-names",
        description: "TLS with a certificate whose subject and subjectAltName carry terminal escape sequences (clear screen, window title)",
        behaviour: windows_with(TlsServer::RustlsHostileNames),
    },
    // RD Gateway scenarios (`gateway.rs`): the gateway on the lab address; `rdp-doctor-lab` behind it.
    Scenario {
        name: "gateway-websocket",
        description: "RD Gateway, HTTP transport upgraded to a WebSocket, NTLM; channels to loopback or rdp-doctor-lab (the healthy scenario)",
        behaviour: Behaviour::Gateway(gateway::Gateway::healthy()),
    },
    Scenario {
        name: "gateway-legacy",
        description: "RD Gateway without WebSocket: the legacy two-channel transport (RDG_OUT_DATA + RDG_IN_DATA, chunked)",
        behaviour: Behaviour::Gateway(gateway::Gateway { websocket: false, ..gateway::Gateway::healthy() }),
    },
    Scenario {
        name: "gateway-auth-failed",
        description: "RD Gateway that answers the complete NTLM exchange with a final 401",
        behaviour: Behaviour::Gateway(gateway::Gateway {
            fault: gateway::Fault::AuthFailed,
            ..gateway::Gateway::healthy()
        }),
    },
    Scenario {
        name: "gateway-http-disabled",
        description: "RD Gateway with only RPC over HTTP: 404 to RDG_OUT_DATA, /rpc/rpcproxy.dll answers 401 NTLM",
        behaviour: Behaviour::Gateway(gateway::Gateway {
            fault: gateway::Fault::Http(404),
            ..gateway::Gateway::healthy()
        }),
    },
    Scenario {
        name: "gateway-waf-501",
        description: "A WAF / reverse proxy in front of the gateway: 501 and an HTML page to the RDG_ methods",
        behaviour: Behaviour::Gateway(gateway::Gateway {
            fault: gateway::Fault::Http(501),
            ..gateway::Gateway::healthy()
        }),
    },
    Scenario {
        name: "gateway-cap-denied",
        description: "RD Gateway whose CAP denies the user: tunnel authorization E_PROXY_NAP_ACCESSDENIED (0x800759DB)",
        behaviour: Behaviour::Gateway(gateway::Gateway {
            fault: gateway::Fault::TunnelAuth(gateway::E_PROXY_NAP_ACCESSDENIED),
            ..gateway::Gateway::healthy()
        }),
    },
    Scenario {
        name: "gateway-rap-denied",
        description: "RD Gateway whose RAP does not list the target: channel create E_PROXY_RAP_ACCESSDENIED (0x800759DA)",
        behaviour: Behaviour::Gateway(gateway::Gateway {
            fault: gateway::Fault::Channel(gateway::E_PROXY_RAP_ACCESSDENIED),
            ..gateway::Gateway::healthy()
        }),
    },
    Scenario {
        name: "gateway-target-unreachable",
        description: "RD Gateway that cannot reach the target: channel create E_PROXY_TS_CONNECTFAILED (0x800759DD)",
        behaviour: Behaviour::Gateway(gateway::Gateway {
            fault: gateway::Fault::Channel(gateway::E_PROXY_TS_CONNECTFAILED),
            ..gateway::Gateway::healthy()
        }),
    },
    Scenario {
        name: "gateway-max-connections",
        description: "RD Gateway at its connection limit: tunnel create E_PROXY_MAXCONNECTIONSREACHED (0x800759E6)",
        behaviour: Behaviour::Gateway(gateway::Gateway {
            fault: gateway::Fault::TunnelCreate(gateway::E_PROXY_MAXCONNECTIONSREACHED),
            ..gateway::Gateway::healthy()
        }),
    },
    Scenario {
        name: "gateway-cert-expired",
        description: "RD Gateway whose TLS certificate expired 10 days ago",
        behaviour: Behaviour::Gateway(gateway::Gateway {
            cert: gateway::GatewayCert::Expired,
            ..gateway::Gateway::healthy()
        }),
    },
    Scenario {
        name: "gateway-cert-mismatch",
        description: "RD Gateway whose TLS certificate names only gateway.invalid",
        behaviour: Behaviour::Gateway(gateway::Gateway {
            cert: gateway::GatewayCert::WrongName,
            ..gateway::Gateway::healthy()
        }),
    },
    Scenario {
        name: "gateway-channel-closed",
        description: "RD Gateway that closes the channel (CLOSE_CHANNEL E_PROXY_SESSIONTIMEOUT, 0x800759F6) after the target's first data",
        behaviour: Behaviour::Gateway(gateway::Gateway {
            fault: gateway::Fault::CloseAfterData(gateway::E_PROXY_SESSIONTIMEOUT),
            ..gateway::Gateway::healthy()
        }),
    },
    Scenario {
        name: "gateway-server-denied",
        description: "A healthy RD Gateway in front of the server-denied scenario (ERRINFO 0x7 after Client Info): 0x904 / 0x7 behind a gateway",
        behaviour: Behaviour::Gateway(gateway::Gateway { backend: "server-denied", ..gateway::Gateway::healthy() }),
    },
    Scenario {
        name: "flaky",
        description: "Windows-like (TLS required, CredSSP offered), but 30 % of connections are reset (RST) at accept, spread evenly: an unstable VPN or load-balancer member",
        behaviour: Behaviour::Flaky { percent: 30, fault: FlakyFault::ResetAtAccept, policy: WINDOWS_POLICY },
    },
    Scenario {
        name: "flaky-stall",
        description: "Windows-like, but on 30 % of connections (spread evenly) the ClientHello gets no answer: a TLS stack that hangs now and then",
        behaviour: Behaviour::Flaky { percent: 30, fault: FlakyFault::StallHandshake, policy: WINDOWS_POLICY },
    },
];

/// An SSL 2.0 SERVER-HELLO header (draft-hickman-netscape-ssl-00): a two-byte record header with the
/// high bit set (length 0x2E), message type 4, no session-id hit, certificate type 1 (X.509), version 0x0002.
const SSL2_SERVER_HELLO: [u8; 16] =
    [0x80, 0x2E, 0x04, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x03, 0x00, 0x10, 0x01, 0x00, 0x80];

/// Forty warning alerts (level 1, user_canceled 90; [RFC 5246] 7.2), and no ServerHello.
const WARNING_ALERTS: [u8; 7 * 40] = {
    let mut a = [0u8; 7 * 40];
    let mut i = 0;
    while i < 40 {
        let r = [21, 3, 3, 0, 2, 1, 90];
        let mut k = 0;
        while k < 7 {
            a[i * 7 + k] = r[k];
            k += 1;
        }
        i += 1;
    }
    a
};

/// The certificate names of the `hostile-names` scenario: what a hostile server puts where a report
/// shows it (erase the screen, set the window title, overwrite the line).
pub const HOSTILE_NAME: &str = "evil\x1b[2J\x1b]0;pwned\x07\rVerdict healthy";

pub fn scenario(name: &str) -> Option<&'static Scenario> {
    SCENARIOS.iter().find(|s| s.name == name)
}

impl Policy {
    /// The server's answer to one Connection Request ([MS-RDPBCGR] 3.3.5.3.1 and 2.2.1.2).
    pub fn answer(&self, req: SeenRequest) -> Reply {
        if self.ignores_negotiation {
            return Reply::Legacy;
        }
        let tls_bits = PROTOCOL_SSL | PROTOCOL_HYBRID | PROTOCOL_HYBRID_EX;
        let asked = req.protocols.map(|p| p & tls_bits);
        let wants_hybrid = asked.is_some_and(|p| p & (PROTOCOL_HYBRID | PROTOCOL_HYBRID_EX) != 0);
        let wants_ssl = asked.is_some_and(|p| p & PROTOCOL_SSL != 0);
        let standard = |layer: SecurityLayer| match (layer, req.protocols) {
            (SecurityLayer::Tls, _) => Reply::Failure { code: 1 }, // SSL_REQUIRED_BY_SERVER
            (_, None) => Reply::Legacy,
            (_, Some(_)) => Reply::Selected { protocol: PROTOCOL_RDP, flags: 0 },
        };
        match self.security_layer {
            SecurityLayer::Rdp if asked.unwrap_or(0) != 0 => Reply::Failure { code: 2 }, // SSL_NOT_ALLOWED_BY_SERVER
            SecurityLayer::Rdp => standard(SecurityLayer::Rdp),
            _ if !self.cert_ok && asked.unwrap_or(0) != 0 => Reply::Failure { code: 3 }, // SSL_CERT_NOT_ON_SERVER
            layer => match self.nla {
                Nla::Required if wants_hybrid => {
                    Reply::Selected { protocol: PROTOCOL_HYBRID, flags: self.hybrid_flags }
                }
                Nla::Required => Reply::Failure { code: 5 }, // HYBRID_REQUIRED_BY_SERVER
                Nla::Supported if wants_hybrid => {
                    Reply::Selected { protocol: PROTOCOL_HYBRID, flags: self.hybrid_flags }
                }
                _ if wants_ssl => Reply::Selected { protocol: PROTOCOL_SSL, flags: EXTENDED_CLIENT_DATA },
                _ => standard(layer),
            },
        }
    }
}

/// A running lab server.
pub struct LabServer {
    pub addr: SocketAddr,
    pub scenario: &'static Scenario,
    task: JoinHandle<()>,
}

impl LabServer {
    pub fn stop(self) {
        self.task.abort();
    }
}

impl Drop for LabServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Start `scenario` listening on `addr` (port 0: a free port).
pub async fn start(scenario: &'static Scenario, addr: SocketAddr) -> io::Result<LabServer> {
    if let Behaviour::Gateway(gw) = scenario.behaviour {
        let running = Box::pin(gateway::start(gw, addr)).await?;
        let addr = running.addr;
        // The task owns the gateway (and its backend): aborting it stops both.
        let task = tokio::spawn(async move {
            let _running = running;
            std::future::pending::<()>().await
        });
        return Ok(LabServer { addr, scenario, task });
    }
    let listener = TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let (validity, tls13_only) = match scenario.behaviour {
        Behaviour::NegotiateTls(_, TlsServer::Rustls { validity, tls13_only }) => (validity, tls13_only),
        _ => (CertValidity::Current, false),
    };
    let name = match scenario.behaviour {
        Behaviour::NegotiateTls(_, TlsServer::RustlsHostileNames) => HOSTILE_NAME,
        _ => "rdp-doctor-lab",
    };
    let (tls, public_key) = tls_acceptor(validity, tls13_only, name)?;
    let tls = Arc::new(tls);
    let public_key = Arc::new(public_key);
    let task = tokio::spawn(async move {
        let mut backoff = Duration::from_millis(5);
        let mut accepted: u64 = 0;
        loop {
            let stream = match listener.accept().await {
                Ok((stream, _)) => {
                    backoff = Duration::from_millis(5);
                    stream
                }
                Err(_) => {
                    // Out of file descriptors (EMFILE) or an aborted connection: wait, do not spin a core.
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(1));
                    continue;
                }
            };
            let n = accepted;
            accepted += 1;
            let tls = tls.clone();
            let public_key = public_key.clone();
            tokio::spawn(async move {
                let _ =
                    tokio::time::timeout(Duration::from_secs(60), serve(stream, n, scenario, &tls, &public_key)).await;
            });
        }
    });
    Ok(LabServer { addr, scenario, task })
}

async fn serve(
    mut stream: TcpStream,
    n: u64,
    scenario: &'static Scenario,
    tls: &tokio_rustls::TlsAcceptor,
    public_key: &[u8],
) -> io::Result<()> {
    let _ = stream.set_nodelay(true);
    let behaviour = match scenario.behaviour {
        Behaviour::Flaky { percent, fault, policy } if flaky_hit(n, percent) => match fault {
            FlakyFault::ResetAtAccept => {
                socket2::SockRef::from(&stream).set_linger(Some(Duration::ZERO))?;
                drop(stream);
                return Ok(());
            }
            FlakyFault::StallHandshake => Behaviour::NegotiateTls(policy, TlsServer::Stall),
        },
        Behaviour::Flaky { policy, .. } => Behaviour::Negotiate(policy),
        b => b,
    };
    let request = read_request(&mut stream).await?;
    match behaviour {
        // `start` serves gateways itself.
        Behaviour::Gateway(_) => stream.shutdown().await,
        Behaviour::AcceptThenClose => stream.shutdown().await,
        Behaviour::AcceptThenReset => {
            socket2::SockRef::from(&stream).set_linger(Some(Duration::ZERO))?;
            drop(stream);
            Ok(())
        }
        Behaviour::Silent => {
            let mut sink = [0u8; 512];
            while stream.read(&mut sink).await? > 0 {}
            Ok(())
        }
        Behaviour::NotRdp => {
            let body = "<html><body>400 Bad Request</body></html>";
            let reply = format!(
                "HTTP/1.1 400 Bad Request\r\nServer: lab\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            stream.write_all(reply.as_bytes()).await?;
            stream.shutdown().await
        }
        Behaviour::Refuse(code) => {
            stream.write_all(&x224::encode_confirm(&Reply::Failure { code })).await?;
            stream.shutdown().await
        }
        Behaviour::DisconnectRequest => {
            // TPKT, X.224 Disconnect Request (13.5): LI 6, code 0x80, DST-REF, SRC-REF, reason 0.
            stream.write_all(&[0x03, 0x00, 0x00, 0x0B, 0x06, 0x80, 0x00, 0x00, 0x12, 0x34, 0x00]).await?;
            stream.shutdown().await
        }
        Behaviour::Select(protocol) => {
            stream.write_all(&x224::encode_confirm(&Reply::Selected { protocol, flags: EXTENDED_CLIENT_DATA })).await?;
            stream.shutdown().await
        }
        Behaviour::Flaky { .. } => Ok(()), // resolved above
        Behaviour::MalformedConfirm => {
            // TPKT, X.224 length 6, TPDU code 0x70: no TPDU a Connection Request can be answered with.
            stream.write_all(&[0x03, 0x00, 0x00, 0x0B, 0x06, 0x70, 0x00, 0x00, 0x12, 0x34, 0x00]).await?;
            stream.shutdown().await
        }
        Behaviour::Negotiate(policy) | Behaviour::NegotiateTls(policy, _) => {
            let Some(seen) = x224::decode_request(&request) else { return stream.shutdown().await };
            let mut reply = policy.answer(seen);
            let script = credssp::script(scenario.name);
            if let Reply::Selected { protocol, .. } = &mut reply
                && *protocol == PROTOCOL_HYBRID
                && script.hybrid_ex
                && seen.protocols.is_some_and(|p| p & PROTOCOL_HYBRID_EX != 0)
            {
                *protocol = PROTOCOL_HYBRID_EX;
            }
            stream.write_all(&x224::encode_confirm(&reply)).await?;
            let server = match behaviour {
                Behaviour::NegotiateTls(_, server) => server,
                _ => TlsServer::Rustls { validity: CertValidity::Current, tls13_only: false },
            };
            match reply {
                Reply::Selected { protocol, .. }
                    if (protocol == PROTOCOL_HYBRID || protocol == PROTOCOL_HYBRID_EX)
                        && matches!(server, TlsServer::Rustls { .. } | TlsServer::RustlsHostileNames) =>
                {
                    let tls_stream = tls.accept(stream).await?;
                    match credssp::serve(tls_stream, script, protocol == PROTOCOL_HYBRID_EX, public_key.to_vec())
                        .await?
                    {
                        // Authenticated: the connection sequence, as on the SSL path.
                        Some(s) => session::serve(s, &request, protocol, session::script(scenario.name)).await,
                        None => Ok(()),
                    }
                }
                // The connection sequence on the SSL path (the lab's sessions run without CredSSP); every
                // scenario that gets here completes it unless `session::script` scripts a fault.
                Reply::Selected { protocol, .. }
                    if protocol == PROTOCOL_SSL
                        && matches!(server, TlsServer::Rustls { .. } | TlsServer::RustlsHostileNames) =>
                {
                    let tls_stream = tls.accept(stream).await?;
                    session::serve(tls_stream, &request, protocol, session::script(scenario.name)).await
                }
                Reply::Selected { protocol, .. } if protocol != PROTOCOL_RDP => serve_tls(stream, server, tls).await,
                Reply::Failure { .. } => stream.shutdown().await,
                // Standard RDP Security: the lab answers the MCS Connect Initial with its encryption.
                _ => session::serve_rdp_security(stream).await,
            }
        }
    }
}

/// The accepted connection's MSS (TCP_MAXSEG) is at most [`BLACKHOLE_MAX_MSS`].
#[cfg(unix)]
fn small_mss(stream: &TcpStream) -> io::Result<bool> {
    Ok(socket2::SockRef::from(stream).tcp_mss()? <= BLACKHOLE_MAX_MSS)
}
/// Off Unix the lab does not read the MSS (socket2 has no reader there, and a Windows client cannot clamp
/// it anyway): the `mtu-blackhole` scenario then drops every answer, as `tls-stalled` does.
#[cfg(not(unix))]
fn small_mss(_stream: &TcpStream) -> io::Result<bool> {
    Ok(false)
}

/// The TLS part, after a confirm that selected TLS or CredSSP.
async fn serve_tls(mut stream: TcpStream, server: TlsServer, tls: &tokio_rustls::TlsAcceptor) -> io::Result<()> {
    let mut sink = [0u8; 1024];
    match server {
        TlsServer::Rustls { .. } | TlsServer::RustlsHostileNames => {
            let mut tls_stream = tls.accept(stream).await?;
            while tls_stream.read(&mut sink).await? > 0 {}
            Ok(())
        }
        TlsServer::MtuBlackhole => {
            if small_mss(&stream)? {
                let mut tls_stream = tls.accept(stream).await?;
                while tls_stream.read(&mut sink).await? > 0 {}
            } else {
                // The ClientHello arrives; the answer would be lost on the way back.
                while stream.read(&mut sink).await? > 0 {}
            }
            Ok(())
        }
        TlsServer::Stall => {
            while stream.read(&mut sink).await? > 0 {}
            Ok(())
        }
        TlsServer::Answer(bytes) => {
            if stream.read(&mut sink).await? > 0 {
                stream.write_all(bytes).await?;
            }
            while stream.read(&mut sink).await? > 0 {}
            Ok(())
        }
        TlsServer::ResetOnHello => {
            // Schannel cannot use the key: it drops the connection as soon as the ClientHello is in.
            if stream.read(&mut sink).await? > 0 {
                socket2::SockRef::from(&stream).set_linger(Some(Duration::ZERO))?;
            }
            drop(stream);
            Ok(())
        }
        TlsServer::Raw(cfg) => {
            let mut buf = Vec::new();
            let hello = loop {
                match tls_raw::read_client_hello(&buf) {
                    tls_raw::HelloRead::Hello(h) => break h,
                    tls_raw::HelloRead::Invalid => return stream.shutdown().await,
                    tls_raw::HelloRead::NeedMore if buf.len() > tls_raw::MAX_HELLO => return stream.shutdown().await,
                    tls_raw::HelloRead::NeedMore => {}
                }
                let n = stream.read(&mut sink).await?;
                if n == 0 {
                    return Ok(());
                }
                buf.extend_from_slice(&sink[..n]);
            };
            let answer = tls_raw::answer(&cfg, &hello, &crate::codec::tls::fresh_random());
            stream.write_all(&answer).await?;
            // Wait for the client to give up (it cannot go on: the responder never finishes).
            while stream.read(&mut sink).await? > 0 {}
            Ok(())
        }
    }
}

/// Read one TPKT frame (bounded, with a deadline).
async fn read_request(stream: &mut TcpStream) -> io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 512];
    let read = async {
        loop {
            match x224::frame_status(&buf) {
                FrameStatus::NeedMore => {}
                _ => return Ok::<_, io::Error>(()),
            }
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
            if buf.len() > x224::MAX_REPLY {
                return Ok(());
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(10), read)
        .await
        .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "no request"))??;
    Ok(buf)
}

/// A TLS acceptor with a fresh self-signed certificate (what an RDP host has by default), valid as
/// `validity` says, speaking TLS 1.2 and 1.3 or 1.3 only. Also returns the certificate's
/// subjectPublicKey (what CredSSP's pubKeyAuth binds).
fn tls_acceptor(
    validity: CertValidity,
    tls13_only: bool,
    name: &str,
) -> io::Result<(tokio_rustls::TlsAcceptor, Vec<u8>)> {
    let other = |e: &dyn std::fmt::Display| io::Error::other(e.to_string());
    let names = [name, "localhost", "127.0.0.1", "::1"].map(String::from).to_vec();
    let mut params = rcgen::CertificateParams::new(names).map_err(|e| other(&e))?;
    params.distinguished_name.push(rcgen::DnType::CommonName, name);
    let now = rcgen::date_time_ymd(1970, 1, 1)
        + std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    let day = Duration::from_secs(86_400);
    match validity {
        CertValidity::Current => {}
        CertValidity::Expired => {
            params.not_before = now - day * 375;
            params.not_after = now - day * 10;
        }
        CertValidity::NotYetValid => {
            params.not_before = now + day * 10;
            params.not_after = now + day * 375;
        }
    }
    let key_pair = rcgen::KeyPair::generate().map_err(|e| other(&e))?;
    let cert = params.self_signed(&key_pair).map_err(|e| other(&e))?;
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(key_pair.serialize_der().into());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ServerConfig::builder_with_provider(provider);
    let builder = if tls13_only {
        builder.with_protocol_versions(&[&rustls::version::TLS13])
    } else {
        builder.with_safe_default_protocol_versions()
    }
    .map_err(|e| other(&e))?;
    let config =
        builder.with_no_client_auth().with_single_cert(vec![cert.der().clone()], key).map_err(|e| other(&e))?;
    let public_key = crate::codec::tsrequest::subject_public_key(cert.der()).unwrap_or_default();
    Ok((tokio_rustls::TlsAcceptor::from(Arc::new(config)), public_key))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ask(p: Option<u32>, s: &str) -> Reply {
        let Behaviour::Negotiate(policy) = scenario(s).unwrap().behaviour else { panic!("{s} does not negotiate") };
        policy.answer(SeenRequest { protocols: p, flags: 0 })
    }

    #[test]
    fn windows_like_answers() {
        assert_eq!(ask(Some(0xB), "healthy"), Reply::Selected { protocol: PROTOCOL_HYBRID, flags: WINDOWS_FLAGS });
        assert_eq!(ask(Some(1), "healthy"), Reply::Selected { protocol: PROTOCOL_SSL, flags: 1 });
        assert_eq!(ask(Some(0), "healthy"), Reply::Failure { code: 1 });
        assert_eq!(ask(Some(1), "nla-required"), Reply::Failure { code: 5 });
        assert_eq!(ask(None, "nla-required"), Reply::Failure { code: 5 });
        assert_eq!(ask(Some(0xB), "rdp-security-only"), Reply::Failure { code: 2 });
        assert_eq!(ask(None, "rdp-security-only"), Reply::Legacy);
        assert_eq!(ask(Some(0), "rdp-security-only"), Reply::Selected { protocol: 0, flags: 0 });
        assert_eq!(ask(Some(0xB), "cert-missing"), Reply::Failure { code: 3 });
        assert_eq!(ask(Some(0), "cert-missing"), Reply::Selected { protocol: 0, flags: 0 });
        assert_eq!(ask(Some(0xB), "tls-required"), Reply::Selected { protocol: PROTOCOL_SSL, flags: 1 });
        assert_eq!(ask(Some(0xB), "legacy-server"), Reply::Legacy);
    }
}
