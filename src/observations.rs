//! What the probes saw: data only, no judgement. This is `observations` in the JSON report
//! (docs/report-schema.md). Findings are built from these and nothing else.

use serde::Serialize;
use std::net::{IpAddr, SocketAddr};

#[derive(Debug, Clone, Default, Serialize)]
pub struct Observations {
    pub network: Option<NetworkObs>,
    pub negotiation: Option<NegotiationObs>,
    pub session: Option<SessionObs>,
}

/// Name resolution and TCP connects.
#[derive(Debug, Clone, Serialize)]
pub struct NetworkObs {
    pub resolve: ResolveObs,
    /// One connect attempt per resolved address, in the order the system prefers them.
    pub attempts: Vec<ConnectAttempt>,
    /// The address the later layers use: the first, in order, that accepted.
    pub connected: Option<SocketAddr>,
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
}

#[derive(Debug, Clone, Serialize)]
pub struct NegRequestObs {
    /// "legacy" for the request without RDP_NEG_REQ, else the protocol names joined by '|'.
    pub label: String,
    /// Requested protocol names ("rdp", "ssl", "hybrid", "rdstls", "hybrid_ex", "rdsaad").
    pub requested: Vec<&'static str>,
    /// requestedProtocols as sent; null for the legacy request.
    pub requested_value: Option<u32>,
    pub outcome: NegOutcome,
    /// The selected protocol's name (RDP_NEG_RSP, or "rdp" for a legacy Connection Confirm).
    pub selected: Option<&'static str>,
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

/// The RDP connection sequence after negotiation ([MS-RDPBCGR] 1.3.1.1): MCS connect, channel joins,
/// Client Info, licensing, capabilities, finalization, up to the server's first update.
#[derive(Debug, Clone, Serialize)]
pub struct SessionObs {
    pub address: SocketAddr,
    /// The security protocol the sequence ran over ("ssl", "hybrid", "rdp").
    pub protocol: Option<&'static str>,
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
    pub ended_in: Option<&'static str>,
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

#[derive(Debug, Clone, Serialize)]
pub struct StageObs {
    /// "x224", "tls", "credssp", "mcs_connect", "channel_join", "client_info", "auto_detect", "licensing",
    /// "multitransport", "capabilities", "finalization", "first_update", "disconnect".
    pub name: &'static str,
    pub ms: f64,
    pub outcome: StageOutcome,
    pub detail: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServerFrameObs {
    /// The stage the frame arrived in.
    pub stage: &'static str,
    /// The classifier's kind ("set_error_info", "disconnect_provider_ultimatum", ...).
    pub kind: &'static str,
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
