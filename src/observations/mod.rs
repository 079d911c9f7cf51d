//! What the probes saw: data only, no judgement. This is `observations` in the JSON report
//! (docs/report-schema.md). Findings are built from these and nothing else.

pub mod gateway;

use crate::knowledge::client_profiles::ProfileVerdict;
pub mod tls;
pub use crate::codec::session::FrameKind;
pub use crate::codec::x224::Protocol;
mod words;
use serde::Serialize;
use std::net::{IpAddr, SocketAddr};
pub use tls::*;

#[derive(Debug, Clone, Default, Serialize)]
pub struct Observations {
    pub network: Option<NetworkObs>,
    pub negotiation: Option<NegotiationObs>,
    /// The TLS layer: real handshakes, the certificate, the versions and suites.
    pub tls: Option<TlsObs>,
    /// The credential-less CredSSP probe ([MS-CSSP] 2.2.1, [MS-NLMP] 2.2.1.2).
    pub credssp: Option<CredsspObs>,
    /// The opt-in credential check (`--user`).
    pub authentication: Option<AuthenticationObs>,
    /// The RDP connection sequence after negotiation.
    pub session: Option<SessionObs>,
    /// The RD Gateway path (`--gateway`), when the target was reached through one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gateway: Option<gateway::GatewayObs>,
    /// The `.rdp` file the target came from: the settings read and what they imply.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rdp_file: Option<crate::rdpfile::RdpFileObs>,
    /// The server's own records (`--evidence`, `rdp-doctor evidence`): event logs and registry exports.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<crate::evidence::EvidenceObs>,
    /// The run's own budget (`--timeout`): whether it ran out, and which layers it cut.
    pub budget: Option<BudgetObs>,
}

/// What the per-server connection limit did during a run (`--max-parallel`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PolitenessObs {
    /// The limit at the end of the run.
    pub limit: u32,
    /// The limit at the start (`--max-parallel`).
    pub max: u32,
    /// Most connections in flight at once.
    pub peak: u32,
    /// How often the server's refusals or resets halved the limit.
    pub halvings: u32,
    /// SYNs sent again on fresh sockets because the first went unanswered for a few round trips
    /// (a lost SYN or SYN-ACK: a lossy path, or a full accept queue at the server).
    pub syns_resent: u32,
}

/// The run's budget: a limit of the tool, never the server's doing.
#[derive(Debug, Clone, Serialize)]
pub struct BudgetObs {
    /// `--timeout`, in milliseconds.
    pub timeout_ms: f64,
    /// How long one wait for the server lasted at most (the layers' patience), in milliseconds.
    pub patience_ms: f64,
    /// True when the deadline passed before every layer had its answer.
    pub reached: bool,
    /// Every layer the run planned, and how far it got.
    pub layers: Vec<LayerBudget>,
    /// The fastest TCP handshake seen: about one round trip, in milliseconds.
    pub rtt_ms: Option<f64>,
}

/// How far one layer got before the deadline.
#[derive(Debug, Clone, Serialize)]
pub struct LayerBudget {
    pub layer: crate::knowledge::Layer,
    pub status: LayerStatus,
    /// How far it got, in words ("5 of 7 requests answered").
    pub progress: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LayerStatus {
    /// The layer had every answer it waited for (or the server's silence outlasted the layer's patience).
    Complete,
    /// The deadline cut the layer while it waited.
    Partial,
    /// The deadline passed before the layer started.
    NotStarted,
}

impl BudgetObs {
    /// True when the deadline cut `layer` (partly done or never started).
    pub fn cut(&self, layer: crate::knowledge::Layer) -> bool {
        self.layers.iter().any(|l| l.layer == layer && l.status != LayerStatus::Complete)
    }
}

/// Name resolution and TCP connects.
#[derive(Debug, Clone, Serialize)]
pub struct NetworkObs {
    pub resolve: ResolveObs,
    /// One connect attempt per resolved address, in the order the system prefers them.
    pub attempts: Vec<ConnectAttempt>,
    /// The address the later layers use: the first, in order, that accepted.
    pub connected: Option<SocketAddr>,
    /// TCP connections the whole diagnosis opened to the server (every layer, every retry).
    pub connections_opened: u32,
    /// How the per-server connection limit fared (`--max-parallel`), when later layers ran.
    pub politeness: Option<PolitenessObs>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ResolveObs {
    /// True when the host was an address literal and no lookup was made.
    pub literal: bool,
    pub addresses: Vec<IpAddr>,
    /// The resolver's error, when the lookup failed.
    pub error: Option<String>,
    pub ms: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConnectOutcome {
    /// The three-way handshake completed.
    Accepted,
    /// The peer answered the SYN with a reset.
    Refused,
    /// No answer before the deadline: dropped by a firewall, host down, VPN or routing.
    Timeout,
    /// An ICMP unreachable (host or network) came back, or there is no route.
    Unreachable,
    /// Any other socket error (kept in `error`).
    Error,
}

#[derive(Debug, Clone, Serialize)]
pub struct ConnectAttempt {
    pub address: SocketAddr,
    pub outcome: ConnectOutcome,
    pub ms: f64,
    pub error: Option<String>,
}

/// X.224 security negotiation ([MS-RDPBCGR] 1.3.1.1, 2.2.1.1, 2.2.1.2).
#[derive(Debug, Clone, Serialize)]
pub struct NegotiationObs {
    pub address: SocketAddr,
    pub requests: Vec<NegRequestObs>,
    /// Derived from `requests`: which protocols the server selected for some request.
    pub supports: Supports,
    /// True when every request that did not offer CredSSP was refused; null when not determinable.
    pub nla_required: Option<bool>,
    /// RESTRICTED_ADMIN_MODE_SUPPORTED in a CredSSP RDP_NEG_RSP; null when not determinable.
    pub restricted_admin: Option<bool>,
    /// REDIRECTED_AUTHENTICATION_MODE_SUPPORTED (Remote Credential Guard); null when not determinable.
    pub redirected_auth: Option<bool>,
    pub ms: f64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Supports {
    pub rdp: bool,
    pub tls: bool,
    pub credssp: bool,
    pub credssp_early_auth: bool,
    pub rdstls: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NegOutcome {
    /// RDP_NEG_RSP: the server selected a protocol.
    Selected,
    /// RDP_NEG_FAILURE with a code.
    Failure,
    /// A Connection Confirm with no negotiation data (Standard RDP Security, pre-RDP 5.2 style).
    Legacy,
    /// FIN before any answer.
    Closed,
    /// RST before any answer.
    Reset,
    /// Silence until the deadline.
    Timeout,
    /// The answer is not TPKT: another service listens there.
    NotRdp,
    /// The server answered with an MCS Disconnect Provider Ultimatum: it does not handle this request.
    UnsupportedRequest,
    /// TPKT, but not a well-formed Connection Confirm.
    Malformed,
    /// The TCP connection for this request could not be made.
    ConnectFailed,
    /// Not sent: the run's deadline (`--timeout`) passed first. Says nothing about the server.
    NotChecked,
}

#[derive(Debug, Clone, Serialize)]
pub struct NegRequestObs {
    /// "legacy" for the request without RDP_NEG_REQ, else the protocol names joined by '|'.
    pub label: String,
    /// The requested protocols ("rdp", "ssl", "hybrid", "rdstls", "hybrid_ex", "rdsaad").
    pub requested: Vec<Protocol>,
    /// requestedProtocols as sent; null for the legacy request.
    pub requested_value: Option<u32>,
    pub outcome: NegOutcome,
    /// The selected protocol (RDP_NEG_RSP, or "rdp" for a legacy Connection Confirm).
    pub selected: Option<Protocol>,
    pub selected_value: Option<u32>,
    pub failure_code: Option<u32>,
    pub failure_name: Option<&'static str>,
    /// RDP_NEG_RSP flag names.
    pub flags: Vec<&'static str>,
    pub flags_value: Option<u8>,
    /// For `not_rdp`: the service recognised from its first bytes, when recognisable.
    pub service: Option<&'static str>,
    /// For `unsupported_request`: the MCS disconnect reason; for `malformed`/`connect_failed`: what was wrong.
    pub detail: Option<String>,
    /// The first bytes the server sent, hex (at most 64 bytes).
    pub received: String,
    /// True when this request was repeated alone after a concurrent attempt was cut off.
    pub retried: bool,
    pub ms: f64,
}

/// How the credential-less CredSSP exchange ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CredsspOutcome {
    /// The server answered the NEGOTIATE with a TSRequest carrying an NTLM CHALLENGE.
    Challenge,
    /// The server answered with a TSRequest carrying an errorCode.
    ErrorCode,
    /// The server answered with a TSRequest without a token we can read (e.g. SPNEGO or Kerberos only).
    OtherToken,
    /// The negotiation for CredSSP did not select HYBRID/HYBRID_EX on this connection.
    NegotiationFailed,
    /// The TLS handshake inside CredSSP failed.
    TlsFailed,
    /// FIN before a TSRequest came back.
    Closed,
    /// RST before a TSRequest came back.
    Reset,
    /// Nothing came back before the deadline.
    Timeout,
    /// Bytes that are not a readable TSRequest.
    Malformed,
}

/// Host facts from the NTLM CHALLENGE_MESSAGE ([MS-NLMP] 2.2.1.2, AV_PAIRs 2.2.2.1, VERSION 2.2.2.10).
#[derive(Debug, Clone, Default, Serialize)]
pub struct NtlmChallengeObs {
    pub target_name: Option<String>,
    pub nb_computer_name: Option<String>,
    pub nb_domain_name: Option<String>,
    pub dns_computer_name: Option<String>,
    pub dns_domain_name: Option<String>,
    pub dns_tree_name: Option<String>,
    /// "major.minor.build" from the VERSION field, as the server announces it.
    pub os_version: Option<String>,
    /// The build number alone (for lookups).
    pub os_build: Option<u32>,
    /// MsvAvTimestamp as RFC 3339 UTC.
    pub timestamp: Option<String>,
    pub negotiate_flags: u32,
}

/// The credential-less CredSSP probe.
#[derive(Debug, Clone, Serialize)]
pub struct CredsspObs {
    /// The negotiation request used ("SSL|HYBRID|HYBRID_EX" or "HYBRID").
    pub request: String,
    /// "hybrid" or "hybrid_ex" as selected on this connection.
    pub selected: Option<Protocol>,
    pub outcome: CredsspOutcome,
    /// The TSRequest version the server answered with.
    pub server_version: Option<u32>,
    /// TSRequest.errorCode, hex ("0xC000006D").
    pub error_code: Option<String>,
    /// The NTSTATUS name of `error_code`, from the knowledge tables.
    pub error_name: Option<&'static str>,
    pub ntlm: Option<NtlmChallengeObs>,
    /// For malformed answers, TLS failures and tokens we cannot read: what was seen.
    pub detail: Option<String>,
    /// The first bytes of the server's TSRequest, hex (at most 64).
    pub received: String,
    pub ms: f64,
}

impl CredsspObs {
    /// Nothing read yet for `request`: what a probe fills in as the server answers.
    pub fn blank(request: String) -> CredsspObs {
        CredsspObs {
            request,
            selected: None,
            outcome: CredsspOutcome::Malformed,
            server_version: None,
            error_code: None,
            error_name: None,
            ntlm: None,
            detail: None,
            received: String::new(),
            ms: 0.0,
        }
    }
}

/// How the decision to send credentials over this TLS channel was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CertTrustDecision {
    /// The chain verified against the system roots for the name typed.
    Verified,
    /// The leaf matched `--trust-cert`.
    Pinned,
    /// The user accepted the thumbprint at the prompt.
    PromptAccepted,
    /// The user declined at the prompt.
    PromptDeclined,
    /// `--insecure-trust-any-cert`.
    AcceptAny,
    /// Not verified, no matching pin, no terminal to ask: credentials were not sent.
    Untrusted,
    /// The leaf did not match `--trust-cert`.
    PinMismatch,
}

impl CertTrustDecision {
    /// Whether credentials may go over a channel with this certificate.
    pub fn allows_credentials(self) -> bool {
        matches!(self, Self::Verified | Self::Pinned | Self::PromptAccepted | Self::AcceptAny)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthOutcome {
    /// The server verified the NTLM AUTHENTICATE (its pubKeyAuth came back) and took the credentials;
    /// with HYBRID_EX, the Early User Authorization Result said SUCCESS.
    Accepted,
    /// The server answered with a TSRequest errorCode.
    ErrorCode,
    /// The server closed (or reset) the connection right after the AUTHENTICATE message, without an errorCode.
    ClosedAfterAuthenticate,
    /// HYBRID_EX: the Early User Authorization Result was not SUCCESS.
    AuthorizationDenied,
    /// Credentials were not sent (the certificate was not trusted).
    NotSent,
    /// The server does not offer CredSSP: nothing to check at the NLA layer.
    NoNla,
    /// The exchange broke off for another reason (TLS, protocol error, timeout).
    Failed,
}

/// The opt-in credential check.
#[derive(Debug, Clone, Serialize)]
pub struct AuthenticationObs {
    /// The user name as given (never the password).
    pub user: String,
    pub domain: Option<String>,
    /// "password" or "restricted_admin" (credential-less logon).
    pub mode: LogonMode,
    /// "ntlm".
    pub package: SecurityPackage,
    pub selected: Option<Protocol>,
    /// The leaf certificate's SHA-256 thumbprint (what `--trust-cert` takes).
    pub cert_sha256: Option<String>,
    pub cert_trust: Option<CertTrustDecision>,
    /// Why the chain did not verify, when it did not.
    pub cert_verify_error: Option<String>,
    pub credentials_sent: bool,
    pub outcome: AuthOutcome,
    /// The step reached: "negotiate", "challenge", "authenticate", "pub_key_auth", "ts_credentials",
    /// "early_user_authorization".
    pub stage: LogonStage,
    pub server_version: Option<u32>,
    /// TSRequest.errorCode, hex.
    pub error_code: Option<String>,
    pub error_name: Option<&'static str>,
    /// HYBRID_EX Early User Authorization Result ([MS-RDPBCGR] 2.2.10).
    pub early_auth_result: Option<u32>,
    pub early_auth_name: Option<&'static str>,
    pub detail: Option<String>,
    pub ms: f64,
}

/// How the credential check logs on ([MS-CSSP] 2.2.1.2.1: TSPasswordCreds, empty for restricted admin).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LogonMode {
    /// The user's password in TSPasswordCreds.
    Password,
    /// Empty TSPasswordCreds: the credential-less logon of `mstsc /restrictedAdmin`.
    RestrictedAdmin,
}

/// The security package CredSSP carries ([MS-CSSP] 3.1.5): only NTLM is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SecurityPackage {
    Ntlm,
}

/// The step of the CredSSP logon reached ([MS-CSSP] 3.1.5; HYBRID_EX's Early User Authorization
/// Result, [MS-RDPBCGR] 2.2.10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LogonStage {
    /// The client's NTLM NEGOTIATE.
    Negotiate,
    /// The server's NTLM CHALLENGE.
    Challenge,
    /// The client's NTLM AUTHENTICATE (with pubKeyAuth).
    Authenticate,
    /// The server's pubKeyAuth answer.
    PubKeyAuth,
    /// The client's TSCredentials.
    TsCredentials,
    /// HYBRID_EX: the server's Early User Authorization Result.
    EarlyUserAuthorization,
}

/// The TLS layer ([MS-RDPBCGR] 5.4.5.1): a real handshake per path the server selected, the certificate
/// chain, and the versions and suites a hand-written scanner found.
#[derive(Debug, Clone, Serialize)]
pub struct TlsObs {
    pub address: SocketAddr,
    /// One rustls handshake per path the negotiation selected (`ssl`, `hybrid`), each on a fresh connection.
    pub handshakes: Vec<HandshakeObs>,
    /// The X.224 request the scanner's connections were negotiated with (`SSL`, `HYBRID`, ...).
    pub scan_request: String,
    /// Versions the server accepted, oldest first: `ssl3.0`, `tls1.0`, `tls1.1`, `tls1.2`, `tls1.3`.
    pub versions: Vec<String>,
    /// How every tested version fared (accepted, an alert, a close, a downgrade, ...).
    pub version_results: Vec<VersionResult>,
    /// Accepted suites per version, in the server's order of preference.
    pub suites: Vec<SuiteObs>,
    /// Where `certificate` and `chain` come from: `handshake` (rustls), `scan` (the Certificate message
    /// of a TLS <= 1.2 ServerHello flight, when no handshake completed), or null.
    pub certificate_source: Option<CertificateSource>,
    /// The leaf certificate.
    pub certificate: Option<CertObs>,
    /// Every certificate the server sent, leaf first.
    pub chain: Vec<CertObs>,
    /// The chain checked against the system's roots, and the name typed against the leaf.
    pub validation: Option<ChainValidation>,
    /// The client profile the verdict is judged for (`--client`).
    pub client_profile: String,
    /// Every client profile checked against the versions and suites found.
    pub client_profiles: Vec<ProfileVerdict>,
    /// Every ClientHello of the scan got a close or reset, with no ServerHello and no alert.
    pub aborted_every_hello: bool,
    /// No ServerHello and no alert anywhere, and some connection stayed open without an answer.
    pub stalled_after_hello: bool,
    /// Most bytes received on a stalled connection.
    pub stalled_bytes: usize,
    /// A hello repeated on a connection with a small MSS (TCP_MAXSEG), when the scan stalled.
    pub small_mss_retry: Option<SmallMssRetry>,
    /// Protocol violations seen by the scanner.
    pub violations: Vec<Violation>,
    /// Connections that sent a ClientHello (scanner, handshakes and the small-MSS retry).
    pub connections: u32,
    /// How the versions and suites were found: `targeted` (one hello per client profile, per version
    /// and per weak class: the default) or `full` (every suite enumerated, `--full-scan`).
    pub mode: TlsScanMode,
    pub ms: f64,
}

/// Where the TLS layer's certificate and chain come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CertificateSource {
    /// A rustls handshake that completed.
    Handshake,
    /// The Certificate message of a TLS <= 1.2 ServerHello flight the scanner read (no handshake completed).
    Scan,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TlsScanMode {
    Targeted,
    Full,
    /// Only the Windows client's own handshake (the one-connection light probe: `scan --quick`, `watch`).
    HandshakeOnly,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HandshakeOutcome {
    /// The handshake completed.
    Completed,
    /// The server sent a TLS alert.
    Alert,
    /// FIN before the handshake completed.
    Closed,
    /// RST before the handshake completed.
    Reset,
    /// The connection stayed open and the handshake did not finish before its deadline.
    Timeout,
    /// rustls refused something the server sent (e.g. a version it does not speak).
    Failed,
    /// The X.224 negotiation on this connection did not select the path again.
    NegotiationFailed,
}

/// One real handshake.
#[derive(Debug, Clone, Serialize)]
pub struct HandshakeObs {
    /// `ssl` (TLS) or `hybrid` (CredSSP, which starts with TLS).
    pub path: &'static str,
    /// The X.224 request sent before it, as in `negotiation.requests[].label`.
    pub request: String,
    pub requested_value: u32,
    /// What that negotiation selected this time.
    pub selected: Option<Protocol>,
    pub outcome: HandshakeOutcome,
    /// Negotiated version (`tls1.2`, `tls1.3`).
    pub version: Option<String>,
    /// Negotiated suite: IANA name and hex id.
    pub suite: Option<String>,
    pub suite_id: Option<String>,
    /// For `alert`: the description code and name ([RFC 8446] 6).
    pub alert: Option<u8>,
    pub alert_name: Option<String>,
    /// What rustls or the socket said, for anything but `completed`.
    pub detail: Option<String>,
    /// SHA-256 of the leaf certificate presented.
    pub leaf_sha256: Option<String>,
    pub ms: f64,
}

/// One certificate, parsed (facts only).
#[derive(Debug, Clone, Default, Serialize)]
pub struct CertObs {
    /// RFC 4514 distinguished names.
    pub subject: String,
    pub issuer: String,
    pub common_name: Option<String>,
    /// subjectAltName DNS names and IP addresses.
    pub san: Vec<String>,
    /// Serial number, hex.
    pub serial: String,
    /// RFC 3339, UTC.
    pub not_before: String,
    pub not_after: String,
    /// Whole days from the probe to not_after (negative: expired that many days ago).
    pub days_left: i64,
    /// Whole days from the probe to not_before (positive: not valid yet).
    pub days_until_valid: i64,
    /// `RSA`, `EC`, `Ed25519`, `Ed448`, `DSA`, or the algorithm OID.
    pub key_type: String,
    pub key_bits: Option<u32>,
    /// For EC keys: `P-256`, `P-384`, `P-521` or the curve OID.
    pub curve: Option<String>,
    /// `sha256WithRSAEncryption`, `ecdsa-with-SHA256`, ... (or the OID).
    pub signature_algorithm: String,
    /// SHA-1 thumbprint, uppercase hex: what Windows shows and RDP-Tcp SSLCertificateSHA1Hash holds.
    pub sha1: String,
    /// SHA-256 thumbprint, lowercase hex.
    pub sha256: String,
    /// Issuer equals subject (and the key identifiers, when both are present, agree).
    pub self_signed: bool,
    pub is_ca: bool,
    /// Extended key usages: `server_auth`, `client_auth`, `remote_desktop_auth`
    /// (1.3.6.1.4.1.311.54.1.2), `any`, ... or dotted OIDs; null when the extension is absent (any usage).
    pub eku: Option<Vec<String>>,
    /// Key usage bits; null when the extension is absent.
    pub key_usage: Option<Vec<String>>,
    /// Why the certificate could not be parsed (the thumbprints are still there).
    pub parse_error: Option<String>,
}

/// The certificate chain judged as a verifying client would, and the name typed.
#[derive(Debug, Clone, Serialize)]
pub struct ChainValidation {
    /// The name or address the user typed.
    pub name: String,
    /// The leaf's subjectAltName (or, without DNS/IP entries, its CN) covers `name`.
    pub name_matches: bool,
    /// The chain verifies against this system's trusted roots for `name`.
    pub trusted: bool,
    /// The verifier's reason when it does not.
    pub error: Option<String>,
}

/// The RDP connection sequence after negotiation ([MS-RDPBCGR] 1.3.1.1): MCS connect, channel joins,
/// Client Info, licensing, capabilities, finalization, up to the server's first update.
#[derive(Debug, Clone, Serialize)]
pub struct SessionObs {
    pub address: SocketAddr,
    /// The security protocol the sequence ran over ("ssl", "hybrid", "rdp").
    pub protocol: Option<Protocol>,
    /// False when the layer could not be run to a verdict (see `not_checked`).
    pub checked: bool,
    /// Why the layer was not checked (no credentials for NLA, Standard RDP Security, untrusted certificate).
    pub not_checked: Option<String>,
    /// True when credentials went out (CredSSP or auto-logon Client Info); never the password itself.
    pub credentials_sent: bool,
    /// Each stage in order: name, duration, outcome.
    pub stages: Vec<StageObs>,
    /// How the sequence ended.
    pub end: SessionEnd,
    /// The stage it ended in.
    pub ended_in: Option<SessionStage>,
    /// The connector's or transport's error text, when one stopped the sequence.
    pub error: Option<String>,
    /// The last frames the server sent (at most `MAX_FRAMES`), classified.
    pub server_frames: Vec<ServerFrameObs>,
    /// errorInfo of the last Set Error Info PDU ([MS-RDPBCGR] 2.2.5.1.1), raw.
    pub error_info: Option<u32>,
    /// The reason of an MCS Disconnect Provider Ultimatum ([T.125] 11.15).
    pub disconnect_reason: Option<u8>,
    pub license_error: Option<LicenseErrorObs>,
    pub redirection: Option<RedirectionObs>,
    /// Logon errors from Save Session Info PDUs ([MS-RDPBCGR] 2.2.10.1.1.4).
    pub logon_errors: Vec<LogonErrorObs>,
    /// True when the server sent a Deactivate All PDU.
    pub deactivated: bool,
    /// True once the server sent its first update after finalization.
    pub first_update: bool,
    /// True when the probe ended an established connection itself (MCS Disconnect Provider Ultimatum).
    pub disconnected_cleanly: bool,
    /// Standard RDP Security: the encryption the server offers (MCS Connect Response, 2.2.1.4.3).
    pub rdp_security: Option<RdpSecurityObs>,
    pub ms: f64,
}

impl SessionObs {
    /// True when the sequence ran over NLA (HYBRID or HYBRID_EX, [MS-RDPBCGR] 2.2.1.1.1): CredSSP
    /// carried the credentials before it, not an auto-logon Client Info. A Windows 10 / Server 2016 or
    /// later server selects HYBRID_EX for mstsc's request.
    pub fn over_nla(&self) -> bool {
        self.protocol.is_some_and(Protocol::is_nla)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionEnd {
    /// Finalization completed (and, when `first_update`, the first update arrived).
    Established,
    /// The server sent a Server Redirection PDU.
    Redirected,
    /// The server ended the sequence with a PDU (Set Error Info, DPU, licensing error, ...).
    ServerEnded,
    /// TCP FIN during the sequence.
    Closed,
    /// TCP RST during the sequence.
    Reset,
    /// A TLS alert or handshake failure.
    TlsFailed,
    /// CredSSP did not complete.
    CredsspFailed,
    /// Nothing came before the deadline.
    Timeout,
    /// The client side could not go on (a PDU it cannot read, an unsupported feature).
    ProtocolError,
    /// The layer was not run to the end (see `not_checked`).
    NotChecked,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StageOutcome {
    Ok,
    Failed,
    NotChecked,
}

/// A stage of the connection sequence ([MS-RDPBCGR] 1.3.1.1), as the probe names it: the connector's
/// state (`probe::session::stage_name`), or the probe's own steps after it (`first_update`, `disconnect`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionStage {
    /// Connection Request / Confirm (2.2.1.1, 2.2.1.2).
    X224,
    /// The TLS upgrade (5.4.5.1).
    Tls,
    /// CredSSP ([MS-CSSP]).
    Credssp,
    /// Microsoft Entra ID authentication (RDSAAD).
    EntraAuth,
    /// MCS Connect Initial / Response (2.2.1.3, 2.2.1.4).
    McsConnect,
    /// Erect Domain, Attach User, Channel Joins (2.2.1.5 - 2.2.1.9).
    ChannelJoin,
    /// Client Info (2.2.1.11).
    ClientInfo,
    /// Connect-time auto-detection (2.2.14).
    AutoDetect,
    /// Licensing (2.2.1.12).
    Licensing,
    /// Multitransport bootstrapping (2.2.15).
    Multitransport,
    /// Demand Active / Confirm Active (2.2.1.13).
    Capabilities,
    /// Synchronize, Control, Font List / Map (2.2.1.14 - 2.2.1.22).
    Finalization,
    /// The connector's end state after finalization.
    Connected,
    /// The connector's end state after a Server Redirection PDU (2.2.13).
    Redirected,
    /// A connector state this probe does not name.
    Unknown,
    /// Waiting for the server's first update after finalization.
    FirstUpdate,
    /// The probe's own MCS Disconnect Provider Ultimatum.
    Disconnect,
}

#[derive(Debug, Clone, Serialize)]
pub struct StageObs {
    /// "x224", "tls", "credssp", "mcs_connect", "channel_join", "client_info", "auto_detect", "licensing",
    /// "multitransport", "capabilities", "finalization", "first_update", "disconnect".
    pub name: SessionStage,
    pub ms: f64,
    pub outcome: StageOutcome,
    pub detail: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServerFrameObs {
    /// The stage the frame arrived in.
    pub stage: SessionStage,
    /// The classifier's kind ("set_error_info", "disconnect_provider_ultimatum", ...).
    pub kind: FrameKind,
    /// The decoded fields in words, with raw numbers.
    pub summary: String,
    pub len: usize,
    /// The first bytes, hex (at most 64).
    pub head: String,
}

/// Licensing Error Message ([MS-RDPELE] 2.2.2.7.1 / [MS-RDPBCGR] 2.2.1.12.1.3).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct LicenseErrorObs {
    pub code: u32,
    pub state_transition: u32,
}

/// Server Redirection PDU ([MS-RDPBCGR] 2.2.13.1).
#[derive(Debug, Clone, Serialize)]
pub struct RedirectionObs {
    pub session_id: u32,
    pub target: Option<String>,
    pub target_fqdn: Option<String>,
    pub load_balance_info: Option<String>,
    pub username: Option<String>,
}

/// TS_LOGON_ERRORS_INFO ([MS-RDPBCGR] 2.2.10.1.1.4.1.1).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct LogonErrorObs {
    pub notification_type: u32,
    pub notification_data: u32,
}

/// Standard RDP Security encryption offered by the server, from its MCS Connect Response's Server
/// Security Data ([MS-RDPBCGR] 2.2.1.4.3), one Connect Initial per method offered alone (as nmap's
/// rdp-enum-encryption does).
#[derive(Debug, Clone, Serialize)]
pub struct RdpSecurityObs {
    /// encryptionLevel of the answers (0 none, 1 low, 2 client compatible, 3 high, 4 FIPS).
    pub encryption_level: Option<u32>,
    /// Each method offered alone and what the server answered.
    pub methods: Vec<RdpMethodObs>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RdpMethodObs {
    /// encryptionMethods as offered (0x1 40-bit, 0x2 128-bit, 0x8 56-bit, 0x10 FIPS).
    pub offered: u32,
    /// True when the server selected exactly this method.
    pub accepted: bool,
    /// encryptionMethod the server chose; null when it refused (disconnect, no answer).
    pub selected: Option<u32>,
    pub detail: Option<String>,
}

/// Where a light probe (one connection: TCP, the Windows client's X.224 request, the TLS handshake)
/// stopped, for `watch` and `scan --quick`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LightStage {
    Resolve,
    Connect,
    Negotiation,
    Tls,
    /// Every step of the light probe succeeded.
    Done,
}

/// How a light probe's step failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// RST (a refused connect, or a reset on an accepted connection).
    Reset,
    /// FIN before an answer.
    Closed,
    /// Nothing before the deadline.
    Timeout,
    /// An answer that refuses (RDP_NEG_FAILURE, a TLS alert) or cannot be used.
    Refused,
    /// Any other error (unreachable, a local socket error, a name that does not resolve).
    Other,
}

/// One light probe of a `watch` series (`rdp-doctor watch`): what the diagnosis of repetition reads.
#[derive(Debug, Clone, Serialize)]
pub struct ProbeSample {
    /// 1-based, in order.
    pub seq: u32,
    /// `done` for a probe that went through; else the step it failed at.
    pub stage: LightStage,
    pub failure: Option<FailureKind>,
    /// The TCP connect, the X.224 exchange and the TLS handshake, when each was reached.
    pub connect_ms: Option<f64>,
    pub negotiation_ms: Option<f64>,
    pub handshake_ms: Option<f64>,
    pub total_ms: f64,
}

/// What the server's answers show it accepts. Judges what was *selected*, not that it answered.
pub fn capabilities(requests: &[NegRequestObs]) -> (Supports, Option<bool>, Option<bool>, Option<bool>) {
    // Only a selection a client can accept counts ([MS-RDPBCGR] 2.2.1.2.1, `selection_valid`).
    let valid = |r: &NegRequestObs| {
        r.outcome == NegOutcome::Legacy
            || r.outcome == NegOutcome::Selected
                && r.selected_value.is_some_and(|v| crate::codec::x224::selection_valid(r.requested_value, v))
    };
    let selected = |p: Protocol| requests.iter().any(|r| valid(r) && r.selected == Some(p));
    let supports = Supports {
        rdp: selected(Protocol::Rdp),
        tls: selected(Protocol::Ssl),
        credssp: selected(Protocol::Hybrid) || selected(Protocol::HybridEx),
        credssp_early_auth: selected(Protocol::HybridEx),
        rdstls: selected(Protocol::Rdstls),
    };
    let any_answer =
        requests.iter().any(|r| matches!(r.outcome, NegOutcome::Selected | NegOutcome::Legacy | NegOutcome::Failure));
    if !any_answer {
        return (supports, None, None, None);
    }
    // NLA is required when every answered request that did not offer CredSSP was refused.
    let without_credssp: Vec<&NegRequestObs> = requests
        .iter()
        .filter(|r| {
            r.requested_value
                .is_none_or(|p| p & (crate::codec::x224::PROTOCOL_HYBRID | crate::codec::x224::PROTOCOL_HYBRID_EX) == 0)
        })
        .filter(|r| matches!(r.outcome, NegOutcome::Selected | NegOutcome::Legacy | NegOutcome::Failure))
        .collect();
    let nla_required = if !supports.credssp {
        Some(false)
    } else if without_credssp.is_empty() {
        None
    } else {
        Some(without_credssp.iter().all(|r| r.outcome == NegOutcome::Failure))
    };
    let credssp_flags = requests
        .iter()
        .filter(|r| valid(r) && r.selected.is_some_and(Protocol::is_nla))
        .filter_map(|r| r.flags_value)
        .fold(0u8, |a, f| a | f);
    let flag = |bit: u8| Some(supports.credssp && credssp_flags & bit != 0);
    (
        supports,
        nla_required,
        flag(crate::codec::x224::RESTRICTED_ADMIN_MODE_SUPPORTED),
        flag(crate::codec::x224::REDIRECTED_AUTHENTICATION_MODE_SUPPORTED),
    )
}
