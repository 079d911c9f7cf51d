//! What the probes saw: data only, no judgement. This is `observations` in the JSON report
//! (docs/report-schema.md). Findings are built from these and nothing else.

use serde::Serialize;
use std::net::{IpAddr, SocketAddr};

#[derive(Debug, Clone, Default, Serialize)]
pub struct Observations {
    pub network: Option<NetworkObs>,
    pub negotiation: Option<NegotiationObs>,
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
