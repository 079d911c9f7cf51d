//! What the RD Gateway layer saw ([MS-TSGU] HTTP transport): `observations.gateway` in the JSON report
//! (docs/report-schema.md). Each stage with its outcome, time and code; each HTTP exchange with its
//! status and the authentication schemes offered.

use super::{CertObs, CertTrustDecision};
use serde::Serialize;
use std::net::SocketAddr;

#[derive(Debug, Clone, Serialize)]
pub struct GatewayObs {
    /// The gateway as typed (`--gateway` or `gatewayhostname`), and its port.
    pub host: String,
    pub port: u16,
    /// The gateway address connected to.
    pub address: Option<SocketAddr>,
    /// The target name and port sent in the channel request, exactly as given.
    pub target: String,
    pub target_port: u16,
    /// The transport that carried the tunnel, when one did.
    pub transport: Option<GatewayTransport>,
    /// Each stage in order, up to the first that failed.
    pub stages: Vec<GatewayStageObs>,
    /// Each HTTP request and what came back.
    pub http: Vec<HttpExchangeObs>,
    /// The gateway's certificate (leaf) and how it was judged for the name typed.
    pub certificate: Option<CertObs>,
    /// Whether the certificate names the gateway as typed (subjectAltName or CN).
    pub name_matches: Option<bool>,
    /// Why the chain does not verify for the gateway name (None: it verifies).
    pub verify_error: Option<String>,
    /// Whether credentials were sent to the gateway, and on what grounds.
    pub cert_trust: Option<CertTrustDecision>,
    /// After a 404 to RDG_OUT_DATA: whether /rpc/rpcproxy.dll answered (RPC over HTTP only).
    pub rpc_over_http: Option<bool>,
    /// Gateway channels this diagnosis opened (each repeats the gateway's authentication).
    pub channels_opened: u32,
    /// CLOSE_CHANNEL statuses the gateway sent after data had started (HRESULTs).
    pub channel_closes: Vec<u32>,
    /// Later channels (the target's connections through the forwarder) that did not open: the stage
    /// each stopped at (at most 8 kept).
    pub channel_failures: Vec<GatewayStageObs>,
    /// The target's layers below were probed through this gateway (a local forwarder stood in for the
    /// target's address; `network` is then not the target's).
    pub tunnelled_probe: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GatewayTransport {
    /// RDG_OUT_DATA upgraded to a WebSocket (one connection).
    Websocket,
    /// The legacy two-channel transport: RDG_OUT_DATA and RDG_IN_DATA (two connections).
    Legacy,
}

/// The gateway path's stages, in order ([MS-TSGU] 3.3.5.1, 3.3.5.2, 3.7.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GatewayStage {
    Resolve,
    Connect,
    Tls,
    /// RDG_OUT_DATA (with the WebSocket upgrade request).
    OutChannel,
    /// HTTP authentication (NTLM / Negotiate / Basic).
    Authentication,
    /// RDG_IN_DATA (legacy transport only).
    InChannel,
    Handshake,
    TunnelCreate,
    TunnelAuthorization,
    ChannelCreate,
    /// The first DATA from the target through the channel.
    Data,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StageOutcome {
    Ok,
    Failed,
    /// The run's deadline ended the wait (our limit, not the gateway's answer).
    Timeout,
    /// Not attempted (credentials withheld from an unverified certificate, none given).
    Skipped,
}

#[derive(Debug, Clone, Serialize)]
pub struct GatewayStageObs {
    pub stage: GatewayStage,
    pub outcome: StageOutcome,
    pub ms: f64,
    /// The HRESULT the gateway returned for this stage (full form, as sent).
    pub hresult: Option<u32>,
    /// What happened, in a few words (an I/O error, a malformed packet, the HTTP status).
    pub detail: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HttpExchangeObs {
    pub method: String,
    pub path: String,
    /// The scheme of the Authorization sent (never the token).
    pub auth_sent: Option<String>,
    pub websocket_requested: bool,
    /// None: no HTTP answer (closed, reset, timeout, not HTTP).
    pub status: Option<u16>,
    pub reason: Option<String>,
    /// The schemes offered in WWW-Authenticate.
    pub offered: Vec<String>,
    pub server: Option<String>,
    pub content_type: Option<String>,
    /// The body looked like an HTML page (a reverse proxy or WAF answering).
    pub html: bool,
    pub ms: f64,
    pub error: Option<String>,
}
