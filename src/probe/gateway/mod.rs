//! The RD Gateway layer ([MS-TSGU] HTTP transport), as a client: DNS, TCP and TLS to the gateway (its
//! certificate judged for the name typed), RDG_OUT_DATA with the WebSocket upgrade or the legacy
//! two-channel transport, HTTP authentication (NTLM or Negotiate through sspi, Basic), the handshake,
//! tunnel create, tunnel authorization, channel create to the target exactly as given, then DATA.
//! Each stage is recorded with its time and outcome in `GatewayObs`; nothing here decides a cause.
//!
//! Through the tunnel, the target is probed as a direct target is: a local forwarder listens on
//! 127.0.0.1 and turns each accepted connection into one new gateway channel (each repeats the
//! gateway's authentication), and `run` walks the target's layers against it while keeping the
//! target's name for TLS and certificate checks.
//!
//! The packets, HTTP heads and frames come from `codec` (shared with the lab gateway). Every wait is
//! under the run's deadline; every read is bounded by the codec.

mod forward;
use forward::*;

use super::ProbeContext;
use crate::codec::tsgu::{self as codec, Framing, HeadParse, Packet, StreamDecoder};
use crate::observations::gateway::{
    GatewayObs, GatewayStage, GatewayStageObs, GatewayTransport, HttpExchangeObs, StageOutcome,
};
use crate::observations::{CertTrustDecision, Observations};
use crate::target::Target;
use crate::{CertTrust, Credentials};
use base64::Engine;
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio::io::{AsyncReadExt, AsyncWriteExt, ReadHalf, WriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::client::TlsStream;

/// The gateway's default port (HTTPS).
pub const DEFAULT_PORT: u16 = 443;

/// What the user gave for the gateway hop.
#[derive(Clone)]
pub struct GatewaySpec {
    pub host: String,
    pub port: u16,
    /// Gateway credentials (`--gateway-user`, or the target's by default).
    pub credentials: Option<Credentials>,
    /// When credentials may go to the gateway (`--gateway-trust-cert`, `--insecure-trust-any-cert`).
    pub trust: CertTrust,
    pub prompt: Option<super::credssp::CertPrompt>,
    /// Which of the target's layers run through the tunnel.
    pub plan: TunnelPlan,
}

/// The target's layers through the gateway. Every connection is one gateway channel (TLS and a logon
/// at the gateway each), so the choice is explicit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TunnelPlan {
    /// The same layers as a direct diagnosis (the whole negotiation matrix, the TLS layer with its
    /// scan, CredSSP, the session): the target's findings equal a direct diagnosis'. About 40 channels.
    #[default]
    Full,
    /// What a Windows client would meet: its own X.224 request only, CredSSP, the session; no TLS
    /// scan (no cipher-suite or version findings). About 4 channels.
    Light,
}

impl std::fmt::Debug for GatewaySpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GatewaySpec").field("host", &self.host).field("port", &self.port).finish_non_exhaustive()
    }
}

type Tls = TlsStream<TcpStream>;

fn ms_since(t: Instant) -> f64 {
    (t.elapsed().as_secs_f64() * 10_000.0).round() / 10.0
}

/// Four random bytes from the crypto provider: a WebSocket mask (RFC 6455 5.3 asks for a strong
/// source) and the parts of a channel's RDG-Connection-Id, which pairs its IN and OUT connections at
/// the gateway and so must not repeat among the channels in flight (the time-and-counter mix this
/// replaces was not guaranteed to).
fn mask() -> [u8; 4] {
    let [a, b, c, d, ..] = crate::codec::tls::fresh_random();
    [a, b, c, d]
}

/// A TLS connection to the gateway and the bytes read past the last HTTP head.
struct Conn {
    tls: Tls,
    buf: Vec<u8>,
}

/// Where the gateway was reached, for the next connections of the same diagnosis.
#[derive(Clone)]
struct Reached {
    addr: SocketAddr,
    trusted: bool,
}

/// Records stages into the observation.
struct Rec<'a> {
    obs: &'a mut GatewayObs,
    ctx: &'a ProbeContext,
}

impl Rec<'_> {
    fn stage(
        &mut self,
        stage: GatewayStage,
        outcome: StageOutcome,
        started: Instant,
        hresult: Option<u32>,
        detail: Option<String>,
    ) {
        let ms = ms_since(started);
        self.ctx.trace(format!(
            "gateway {stage}: {outcome} in {ms:.1} ms{}{}",
            hresult.map(|h| format!(" 0x{h:08X}")).unwrap_or_default(),
            detail.as_deref().map(|d| format!(" ({d})")).unwrap_or_default()
        ));
        self.obs.stages.push(GatewayStageObs { stage, outcome, ms, hresult, detail });
    }
}

/// A new observation for a gateway path to `target:port`.
pub fn new_obs(spec: &GatewaySpec, target: &str, port: u16) -> GatewayObs {
    GatewayObs {
        host: spec.host.clone(),
        port: spec.port,
        address: None,
        target: target.to_string(),
        target_port: port,
        transport: None,
        stages: Vec::new(),
        http: Vec::new(),
        certificate: None,
        name_matches: None,
        verify_error: None,
        cert_trust: None,
        rpc_over_http: None,
        channels_opened: 0,
        channel_closes: Vec::new(),
        channel_failures: Vec::new(),
        tunnelled_probe: false,
    }
}

/// DNS, TCP and TLS to the gateway. On the first connection the certificate is recorded and judged.
async fn connect(spec: &GatewaySpec, reached: Option<&Reached>, rec: &mut Rec<'_>) -> Option<(Conn, Reached)> {
    let addr = match reached {
        Some(r) => r.addr,
        None => {
            let t = Instant::now();
            let res = super::network::resolve(&spec.host, spec.port, rec.ctx).await;
            let Some(ip) = res.addresses.first().copied() else {
                rec.stage(GatewayStage::Resolve, StageOutcome::Failed, t, None, res.error);
                return None;
            };
            rec.stage(GatewayStage::Resolve, StageOutcome::Ok, t, None, None);
            SocketAddr::new(ip, spec.port)
        }
    };
    let t = Instant::now();
    let (attempt, stream) = super::network::connect(addr, rec.ctx).await;
    let Some(stream) = stream else {
        let outcome = if attempt.outcome == crate::observations::ConnectOutcome::Timeout {
            StageOutcome::Timeout
        } else {
            StageOutcome::Failed
        };
        let detail =
            Some(format!("{}{}", attempt.outcome, attempt.error.map(|e| format!(": {e}")).unwrap_or_default()));
        rec.stage(GatewayStage::Connect, outcome, t, None, detail);
        return None;
    };
    if reached.is_none() {
        rec.obs.address = Some(addr);
        rec.stage(GatewayStage::Connect, StageOutcome::Ok, t, None, None);
    }
    let t = Instant::now();
    let session = match super::tls::handshake(stream, &spec.host, rec.ctx.deadline).await {
        Ok(s) => s,
        Err(e) => {
            let outcome =
                if e == super::tls::HandshakeFailure::Timeout { StageOutcome::Timeout } else { StageOutcome::Failed };
            rec.stage(GatewayStage::Tls, outcome, t, None, Some(e.to_string()));
            return None;
        }
    };
    if let Some(r) = reached {
        return Some((Conn { tls: session.stream, buf: Vec::new() }, r.clone()));
    }
    let detail = format!("{} {}", session.version, session.suite);
    if let Some(leaf) = session.chain.first() {
        let cert = super::cert::parse(leaf, super::cert::unix_now());
        rec.obs.name_matches = Some(super::cert::name_matches(&cert, &spec.host));
        rec.obs.certificate = Some(cert);
    }
    rec.obs.verify_error = super::tls::verify_chain(&session.chain, &spec.host).err().map(|e| e.to_string());
    let (decision, _) = super::credssp::decide_trust(&spec.trust, &session.chain, &spec.host, spec.prompt.as_ref());
    rec.obs.cert_trust = Some(decision);
    let trusted = matches!(
        decision,
        CertTrustDecision::Verified
            | CertTrustDecision::Pinned
            | CertTrustDecision::AcceptAny
            | CertTrustDecision::PromptAccepted
    );
    rec.stage(GatewayStage::Tls, StageOutcome::Ok, t, None, Some(detail));
    Some((Conn { tls: session.stream, buf: Vec::new() }, Reached { addr, trusted }))
}

/// Send a request head; read the response head (and a bounded body when it has a length).
async fn exchange(
    conn: &mut Conn,
    method: &str,
    path: &str,
    host: &str,
    headers: &[(&str, String)],
    rec: &mut Rec<'_>,
) -> Option<codec::Head> {
    let t = Instant::now();
    let auth_sent = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("Authorization"))
        .map(|(_, v)| v.split(' ').next().unwrap_or("").to_string());
    let websocket_requested = headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("Sec-WebSocket-Key"));
    let mut x = HttpExchangeObs {
        method: method.to_string(),
        path: path.to_string(),
        auth_sent,
        websocket_requested,
        status: None,
        reason: None,
        offered: Vec::new(),
        server: None,
        content_type: None,
        html: false,
        ms: 0.0,
        error: None,
    };
    let req = codec::encode_request(method, path, host, headers);
    let result = async {
        conn.tls.write_all(&req).await.map_err(|e| e.to_string())?;
        let head = loop {
            match codec::parse_response(&conn.buf) {
                HeadParse::Complete(h) => {
                    conn.buf.drain(..h.len);
                    break h;
                }
                HeadParse::Bad => return Err("not an HTTP response".to_string()),
                HeadParse::NeedMore => {}
            }
            let mut chunk = [0u8; 4096];
            let n = conn.tls.read(&mut chunk).await.map_err(|e| e.to_string())?;
            if n == 0 {
                return Err("closed before an HTTP response".to_string());
            }
            conn.buf.extend_from_slice(chunk.get(..n).unwrap_or_default());
        };
        // A body with a length (error pages, 401s): read it, bounded, so the next request lines up.
        if let Some(len) =
            head.content_length().filter(|_| head.status != 101 && head.status != 200 || method == codec::RDG_IN_DATA)
        {
            let len = len.min(64 * 1024);
            while conn.buf.len() < len {
                let mut chunk = [0u8; 4096];
                match conn.tls.read(&mut chunk).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => conn.buf.extend_from_slice(chunk.get(..n).unwrap_or_default()),
                }
            }
            let body: Vec<u8> = conn.buf.drain(..len.min(conn.buf.len())).collect();
            let lower =
                String::from_utf8_lossy(body.get(..body.len().min(512)).unwrap_or_default()).to_ascii_lowercase();
            x.html = lower.contains("<html") || lower.contains("<!doctype");
        }
        Ok(head)
    };
    let head = match tokio::time::timeout_at(rec.ctx.deadline.into(), result).await {
        Ok(Ok(h)) => Some(h),
        Ok(Err(e)) => {
            x.error = Some(e);
            None
        }
        Err(_) => {
            x.error = Some("timeout".into());
            None
        }
    };
    if let Some(h) = &head {
        x.status = Some(h.status);
        x.reason = Some(h.path.clone());
        x.offered = h.auth_offers().into_iter().map(|(s, _)| s).collect();
        x.server = h.header("Server").map(str::to_string);
        x.content_type = h.header("Content-Type").map(str::to_string);
        x.html |= x.content_type.as_deref().is_some_and(|c| c.contains("html"));
    }
    x.ms = ms_since(t);
    rec.ctx.trace(format!(
        "gateway {method} {path}: {} {}",
        x.status.map_or_else(|| "no status".to_string(), |s| format!("HTTP {s}")),
        x.error.as_deref().unwrap_or("")
    ));
    rec.obs.http.push(x);
    head
}

/// Why the NTLM client of an HTTP authentication could not go on ([MS-NLMP] through sspi).
#[derive(Debug, thiserror::Error)]
enum NtlmClientError {
    /// The user name does not parse as `user`, `DOMAIN\\user` or `user@domain`.
    #[error("{0}")]
    Username(String),
    #[error("{}", crate::probe::credssp::sspi_words(.0))]
    Sspi(#[from] sspi::Error),
}

/// Why a gateway channel did not give the next packet.
#[derive(Debug, thiserror::Error)]
enum ChannelError {
    /// The deadline passed first.
    #[error("timeout")]
    Timeout,
    #[error("the gateway closed the connection")]
    Closed,
    #[error(transparent)]
    Io(#[from] io::Error),
    /// The stream does not decode as [MS-TSGU] packets.
    #[error(transparent)]
    Stream(#[from] codec::StreamError),
}

/// The NTLM client of one HTTP authentication ([MS-NLMP] through sspi).
struct NtlmClient {
    ntlm: sspi::Ntlm,
    creds: sspi::AcquireCredentialsHandleResult<Option<sspi::AuthIdentityBuffers>>,
    target: String,
}

impl NtlmClient {
    fn new(c: &Credentials, gateway: &str) -> Result<NtlmClient, NtlmClientError> {
        use sspi::Sspi;
        let username = match &c.domain {
            Some(d) => sspi::Username::new(&c.user, Some(d)),
            None => sspi::Username::parse(&c.user),
        }
        .map_err(|e| NtlmClientError::Username(e.to_string()))?;
        let identity = sspi::AuthIdentity { username, password: sspi::Secret::new(c.password.to_string()) };
        let mut ntlm = sspi::Ntlm::new();
        let creds = ntlm
            .acquire_credentials_handle()
            .with_credential_use(sspi::CredentialUse::Outbound)
            .with_auth_data(&identity)
            .execute(&mut ntlm)?;
        Ok(NtlmClient { ntlm, creds, target: format!("HTTP/{gateway}") })
    }

    fn step(&mut self, input: Option<&[u8]>) -> Result<Vec<u8>, NtlmClientError> {
        use sspi::{
            BufferType, ClientRequestFlags, DataRepresentation, SecurityBuffer, SecurityStatus, Sspi, SspiImpl,
        };
        let mut output = vec![SecurityBuffer::new(Vec::new(), BufferType::Token)];
        let mut input_buf = vec![SecurityBuffer::new(input.unwrap_or_default().to_vec(), BufferType::Token)];
        let mut builder = self
            .ntlm
            .initialize_security_context()
            .with_credentials_handle(&mut self.creds.credentials_handle)
            .with_context_requirements(ClientRequestFlags::CONFIDENTIALITY | ClientRequestFlags::ALLOCATE_MEMORY)
            .with_target_data_representation(DataRepresentation::Native)
            .with_target_name(&self.target)
            .with_output(&mut output);
        if input.is_some() {
            builder = builder.with_input(&mut input_buf);
        }
        let result = self.ntlm.initialize_security_context_impl(&mut builder)?.resolve_to_result()?;
        if matches!(result.status, SecurityStatus::CompleteAndContinue | SecurityStatus::CompleteNeeded) {
            self.ntlm.complete_auth_token(&mut output)?;
        }
        Ok(output.remove(0).buffer)
    }
}

fn base_headers(conn_id: &str) -> Vec<(&'static str, String)> {
    vec![
        ("Accept", "*/*".into()),
        ("Cache-Control", "no-cache".into()),
        ("Pragma", "no-cache".into()),
        ("User-Agent", "MS-RDGateway/1.0".into()),
        ("RDG-Connection-Id", conn_id.to_string()),
    ]
}

/// How an HTTP channel request ended.
enum HttpEnd {
    /// 101 (WebSocket) or 200.
    Open(Box<Conn>, u16),
    Failed,
}

/// One authenticated HTTP request (RDG_OUT_DATA or RDG_IN_DATA): first without credentials (what the
/// gateway offers), then NTLM / Negotiate / Basic when credentials may be sent.
async fn authenticated(
    spec: &GatewaySpec,
    reached: &mut Option<Reached>,
    method: &str,
    conn_id: &str,
    websocket: bool,
    rec: &mut Rec<'_>,
    record_stages: bool,
) -> HttpEnd {
    let stage = if method == codec::RDG_OUT_DATA { GatewayStage::OutChannel } else { GatewayStage::InChannel };
    let Some((mut conn, r)) = connect(spec, reached.as_ref(), rec).await else { return HttpEnd::Failed };
    *reached = Some(r.clone());
    let ws_key = base64::engine::general_purpose::STANDARD.encode(mask().repeat(4));
    let mut headers = base_headers(conn_id);
    if websocket {
        headers.extend(codec::websocket_request_headers(&ws_key));
    }
    let host = if spec.port == DEFAULT_PORT { spec.host.clone() } else { format!("{}:{}", spec.host, spec.port) };
    let t = Instant::now();
    let Some(head) = exchange(&mut conn, method, codec::RDG_PATH, &host, &headers, rec).await else {
        rec.stage(stage, StageOutcome::Failed, t, None, Some("no HTTP answer".into()));
        return HttpEnd::Failed;
    };
    match head.status {
        101 | 200 => {
            rec.stage(stage, StageOutcome::Ok, t, None, Some(format!("HTTP {} without authentication", head.status)));
            return HttpEnd::Open(Box::new(conn), head.status);
        }
        401 => {
            if record_stages {
                rec.stage(stage, StageOutcome::Ok, t, None, Some("HTTP 401: authentication required".into()));
            }
        }
        status => {
            rec.stage(stage, StageOutcome::Failed, t, None, Some(format!("HTTP {status}")));
            if status == 404 && method == codec::RDG_OUT_DATA {
                rec.obs.rpc_over_http = Some(rpc_answers(spec, &r, rec).await);
            }
            return HttpEnd::Failed;
        }
    }
    let t = Instant::now();
    let offers = head.auth_offers();
    let Some(creds) = spec.credentials.as_ref() else {
        rec.stage(GatewayStage::Authentication, StageOutcome::Skipped, t, None, Some("no credentials".into()));
        return HttpEnd::Failed;
    };
    if !r.trusted {
        rec.stage(
            GatewayStage::Authentication,
            StageOutcome::Skipped,
            t,
            None,
            Some("credentials withheld: the gateway certificate is not trusted".into()),
        );
        return HttpEnd::Failed;
    }
    let has = |s: &str| offers.iter().any(|(o, _)| o.eq_ignore_ascii_case(s));
    let scheme = if has("NTLM") {
        "NTLM"
    } else if has("Negotiate") {
        "Negotiate"
    } else if has("Basic") {
        "Basic"
    } else {
        rec.stage(
            GatewayStage::Authentication,
            StageOutcome::Failed,
            t,
            None,
            Some("no scheme we speak is offered".into()),
        );
        return HttpEnd::Failed;
    };
    let final_head = if scheme == "Basic" {
        // Only over TLS: every gateway connection here is TLS.
        let user = match &creds.domain {
            Some(d) => format!("{d}\\{}", creds.user),
            None => creds.user.clone(),
        };
        let token = zeroize::Zeroizing::new(
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{}", creds.password.as_str())),
        );
        let mut h = headers.clone();
        h.push(("Authorization", format!("Basic {}", token.as_str())));
        exchange(&mut conn, method, codec::RDG_PATH, &host, &h, rec).await
    } else {
        let mut client = match NtlmClient::new(creds, &spec.host) {
            Ok(c) => c,
            Err(e) => {
                rec.stage(GatewayStage::Authentication, StageOutcome::Failed, t, None, Some(e.to_string()));
                return HttpEnd::Failed;
            }
        };
        let Ok(negotiate) = client.step(None) else { return HttpEnd::Failed };
        let b64 = base64::engine::general_purpose::STANDARD;
        let mut h = headers.clone();
        h.push(("Authorization", format!("{scheme} {}", b64.encode(negotiate))));
        let Some(challenge_head) = exchange(&mut conn, method, codec::RDG_PATH, &host, &h, rec).await else {
            rec.stage(
                GatewayStage::Authentication,
                StageOutcome::Failed,
                t,
                None,
                Some("no answer to NEGOTIATE".into()),
            );
            return HttpEnd::Failed;
        };
        let challenge = challenge_head
            .auth_offers()
            .into_iter()
            .find(|(s, tok)| s.eq_ignore_ascii_case(scheme) && tok.is_some())
            .and_then(|(_, tok)| tok)
            .and_then(|tok| b64.decode(tok.trim()).ok());
        let Some(challenge) = challenge.filter(|_| challenge_head.status == 401) else {
            let detail = format!("HTTP {} to the NTLM NEGOTIATE, no challenge", challenge_head.status);
            rec.stage(GatewayStage::Authentication, StageOutcome::Failed, t, None, Some(detail));
            return HttpEnd::Failed;
        };
        let authenticate = match client.step(Some(&challenge)) {
            Ok(a) => a,
            Err(e) => {
                rec.stage(GatewayStage::Authentication, StageOutcome::Failed, t, None, Some(e.to_string()));
                return HttpEnd::Failed;
            }
        };
        let mut h = headers.clone();
        h.push(("Authorization", format!("{scheme} {}", b64.encode(authenticate))));
        exchange(&mut conn, method, codec::RDG_PATH, &host, &h, rec).await
    };
    match final_head.map(|h| h.status) {
        Some(s @ (101 | 200)) => {
            if record_stages {
                rec.stage(GatewayStage::Authentication, StageOutcome::Ok, t, None, Some(format!("{scheme}: HTTP {s}")));
            }
            HttpEnd::Open(Box::new(conn), s)
        }
        Some(s) => {
            rec.stage(
                GatewayStage::Authentication,
                StageOutcome::Failed,
                t,
                None,
                Some(format!("{scheme}: final HTTP {s}")),
            );
            HttpEnd::Failed
        }
        None => {
            rec.stage(
                GatewayStage::Authentication,
                StageOutcome::Failed,
                t,
                None,
                Some(format!("{scheme}: no final answer")),
            );
            HttpEnd::Failed
        }
    }
}

/// After a 404 to RDG_OUT_DATA: does the RPC-over-HTTP endpoint answer (401 or 200)?
async fn rpc_answers(spec: &GatewaySpec, r: &Reached, rec: &mut Rec<'_>) -> bool {
    let Some((mut conn, _)) = connect(spec, Some(r), rec).await else { return false };
    let headers = [("Content-Length", "0".to_string()), ("User-Agent", "MSRPC".to_string())];
    let path = format!("{}?localhost:3388", codec::RPC_PATH);
    let head = exchange(&mut conn, "RPC_IN_DATA", &path, &spec.host, &headers, rec).await;
    head.is_some_and(|h| matches!(h.status, 200 | 401))
}

/// An open channel: the gateway-to-client packets and the client-to-gateway writer.
pub struct Channel {
    rx: ReadHalf<Tls>,
    dec: StreamDecoder,
    tx: ChanTx,
    pre: Vec<u8>,
}

enum ChanTx {
    Ws(WriteHalf<Tls>),
    In(Box<Tls>),
}

impl Channel {
    async fn send(&mut self, p: &Packet) -> io::Result<()> {
        let bytes = codec::encode(p);
        match &mut self.tx {
            ChanTx::Ws(w) => w.write_all(&codec::ws_binary(&bytes, Some(mask()))).await,
            ChanTx::In(w) => w.write_all(&codec::encode_chunk(&bytes)).await,
        }
    }

    /// The next packet, under `deadline`; keepalives and service messages are skipped.
    async fn recv(&mut self, deadline: Instant) -> Result<Packet, ChannelError> {
        if !self.pre.is_empty() {
            let pre = std::mem::take(&mut self.pre);
            self.dec.feed(&pre)?;
        }
        let read = async {
            loop {
                match self.dec.next_packet()? {
                    Some(Packet::Keepalive | Packet::ServiceMessage(_) | Packet::Unknown { .. }) => continue,
                    Some(p) => return Ok(p),
                    None => {}
                }
                let mut chunk = vec![0u8; 16 * 1024];
                let n = self.rx.read(&mut chunk).await?;
                if n == 0 {
                    return Err(ChannelError::Closed);
                }
                self.dec.feed(chunk.get(..n).unwrap_or_default())?;
            }
        };
        tokio::time::timeout_at(deadline.into(), read).await.map_err(|_| ChannelError::Timeout)?
    }
}

/// One channel to `target:port` through the gateway, every stage recorded. `record_stages` false:
/// a forwarder's channel (HTTP stages that worked on the first channel are not repeated).
async fn open_channel(
    spec: &GatewaySpec,
    reached: &mut Option<Reached>,
    rec: &mut Rec<'_>,
    record_stages: bool,
) -> Option<Channel> {
    let conn_id =
        format!("{{{:08X}-0000-4000-8000-{:012X}}}", u32::from_le_bytes(mask()), u64::from(u32::from_le_bytes(mask())));
    let (out, status) =
        match authenticated(spec, reached, codec::RDG_OUT_DATA, &conn_id, true, rec, record_stages).await {
            HttpEnd::Open(c, s) => (c, s),
            HttpEnd::Failed => return None,
        };
    let mut channel = if status == 101 {
        rec.obs.transport = Some(GatewayTransport::Websocket);
        let (rx, tx) = tokio::io::split(out.tls);
        Channel { rx, dec: StreamDecoder::new(Framing::WebSocket), tx: ChanTx::Ws(tx), pre: out.buf }
    } else {
        rec.obs.transport = Some(GatewayTransport::Legacy);
        let in_conn = match authenticated(spec, reached, codec::RDG_IN_DATA, &conn_id, false, rec, record_stages).await
        {
            HttpEnd::Open(c, _) => c,
            HttpEnd::Failed => return None,
        };
        let mut in_tls = in_conn.tls;
        let host = if spec.port == DEFAULT_PORT { spec.host.clone() } else { format!("{}:{}", spec.host, spec.port) };
        let mut h = base_headers(&conn_id);
        h.push(("Transfer-Encoding", "chunked".into()));
        if in_tls.write_all(&codec::encode_request(codec::RDG_IN_DATA, codec::RDG_PATH, &host, &h)).await.is_err() {
            return None;
        }
        let (rx, _tx) = tokio::io::split(out.tls);
        Channel { rx, dec: StreamDecoder::new(Framing::RawAfterSeed), tx: ChanTx::In(Box::new(in_tls)), pre: out.buf }
    };
    let deadline = rec.ctx.deadline;
    // [MS-TSGU] 3.3.5.2 / 3.7.5: handshake, tunnel create, tunnel authorization, channel create.
    let t = Instant::now();
    let hs = Packet::HandshakeRequest {
        ver_major: 1,
        ver_minor: 0,
        client_version: 0,
        extended_auth: codec::HTTP_EXTENDED_AUTH_NONE,
    };
    let answer = match channel.send(&hs).await {
        Ok(()) => channel.recv(deadline).await,
        Err(e) => Err(e.into()),
    };
    match answer {
        Ok(Packet::HandshakeResponse { error_code: 0, .. }) => {
            if record_stages {
                rec.stage(GatewayStage::Handshake, StageOutcome::Ok, t, None, None);
            }
        }
        other => return fail(rec, GatewayStage::Handshake, t, other),
    }
    let t = Instant::now();
    let tc = Packet::TunnelCreate { caps: codec::HTTP_CAPABILITY_TYPE_QUAR_SOH, paa_cookie: None };
    let answer = match channel.send(&tc).await {
        Ok(()) => channel.recv(deadline).await,
        Err(e) => Err(e.into()),
    };
    match answer {
        Ok(Packet::TunnelResponse { status_code: 0, .. }) => {
            if record_stages {
                rec.stage(GatewayStage::TunnelCreate, StageOutcome::Ok, t, None, None);
            }
        }
        other => return fail(rec, GatewayStage::TunnelCreate, t, other),
    }
    let t = Instant::now();
    let ta = Packet::TunnelAuth { client_name: "RDP-DOCTOR".into() };
    let answer = match channel.send(&ta).await {
        Ok(()) => channel.recv(deadline).await,
        Err(e) => Err(e.into()),
    };
    match answer {
        Ok(Packet::TunnelAuthResponse { error_code: 0, .. }) => {
            if record_stages {
                rec.stage(GatewayStage::TunnelAuthorization, StageOutcome::Ok, t, None, None);
            }
        }
        other => return fail(rec, GatewayStage::TunnelAuthorization, t, other),
    }
    let t = Instant::now();
    let cc = Packet::ChannelCreate {
        resources: vec![rec.obs.target.clone()],
        alt_resources: vec![],
        port: rec.obs.target_port,
        protocol: codec::PROTOCOL_RDP,
    };
    let answer = match channel.send(&cc).await {
        Ok(()) => channel.recv(deadline).await,
        Err(e) => Err(e.into()),
    };
    match answer {
        Ok(Packet::ChannelResponse { error_code: 0, .. }) => {
            rec.obs.channels_opened += 1;
            if record_stages {
                rec.stage(GatewayStage::ChannelCreate, StageOutcome::Ok, t, None, None);
            }
        }
        other => return fail(rec, GatewayStage::ChannelCreate, t, other),
    }
    Some(channel)
}

/// Record a stage that did not get its success answer. A packet with an error code gives the code.
fn fail<T>(rec: &mut Rec<'_>, stage: GatewayStage, t: Instant, answer: Result<Packet, ChannelError>) -> Option<T> {
    let (outcome, code, detail) = match answer {
        Ok(Packet::HandshakeResponse { error_code, .. })
        | Ok(Packet::TunnelAuthResponse { error_code, .. })
        | Ok(Packet::ChannelResponse { error_code, .. }) => (StageOutcome::Failed, Some(error_code), None),
        Ok(Packet::TunnelResponse { status_code, .. }) => (StageOutcome::Failed, Some(status_code), None),
        Ok(Packet::CloseChannel { status }) => (StageOutcome::Failed, Some(status), Some("CLOSE_CHANNEL".to_string())),
        Ok(p) => (StageOutcome::Failed, None, Some(format!("unexpected {}", p.name()))),
        Err(ChannelError::Timeout) => (StageOutcome::Timeout, None, None),
        Err(e) => (StageOutcome::Failed, None, Some(e.to_string())),
    };
    rec.stage(stage, outcome, t, code, detail);
    None
}

/// The Data stage on the diagnostic channel: the Windows X.224 Connection Request in, the first DATA
/// out; a CLOSE_CHANNEL right after it is recorded.
async fn data_stage(channel: &mut Channel, rec: &mut Rec<'_>) -> bool {
    let t = Instant::now();
    let cr = super::x224::MATRIX.first().map(super::x224::encode_request).unwrap_or_default();
    if let Err(e) = channel.send(&Packet::Data(cr)).await {
        rec.stage(GatewayStage::Data, StageOutcome::Failed, t, None, Some(e.to_string()));
        return false;
    }
    match channel.recv(rec.ctx.deadline).await {
        Ok(Packet::Data(d)) => {
            rec.stage(
                GatewayStage::Data,
                StageOutcome::Ok,
                t,
                None,
                Some(format!("{} bytes from the target", d.len())),
            );
        }
        other => {
            if let Ok(Packet::CloseChannel { status }) = &other {
                rec.obs.channel_closes.push(*status);
            }
            let _: Option<()> = fail(rec, GatewayStage::Data, t, other);
            return false;
        }
    }
    // A gateway that closes the channel once data flows does it now (or within a moment).
    let soon = Instant::now() + std::time::Duration::from_millis(300);
    if let Ok(Packet::CloseChannel { status }) = channel.recv(soon.min(rec.ctx.deadline)).await {
        rec.obs.channel_closes.push(status);
        let _ = channel.send(&Packet::CloseChannelResponse { status: 0 }).await;
        return false;
    }
    let _ = channel.send(&Packet::CloseChannel { status: 0 }).await;
    true
}

/// The gateway path, then (when a channel carries data) the target's layers through it. The budget
/// has the gateway's own layer first (`plan::budget`), then the target's.
pub async fn run(target: &Target, spec: GatewaySpec, plan: super::Plan, ctx: &ProbeContext) -> Observations {
    let plan = super::Plan { light: spec.plan == TunnelPlan::Light, ..plan };
    let mut obs = walk(target, spec, plan, ctx).await;
    obs.budget = Some(super::plan::budget(&obs, &plan, ctx));
    obs
}

async fn walk(target: &Target, spec: GatewaySpec, plan: super::Plan, ctx: &ProbeContext) -> Observations {
    let mut gobs = new_obs(&spec, &target.host, target.port);
    let mut reached = None;
    let channel = {
        let mut rec = Rec { obs: &mut gobs, ctx };
        open_channel(&spec, &mut reached, &mut rec, true).await
    };
    let mut obs = Observations::default();
    let data_ok = match channel {
        Some(mut ch) => {
            let mut rec = Rec { obs: &mut gobs, ctx };
            data_stage(&mut ch, &mut rec).await
        }
        None => false,
    };
    let Some(reached) = reached.filter(|_| data_ok) else {
        obs.gateway = Some(gobs);
        return obs;
    };
    let fwd = match forwarder(spec, reached, gobs.clone(), ctx.clone()).await {
        Ok(f) => f,
        Err(_) => {
            obs.gateway = Some(gobs);
            return obs;
        }
    };
    tokio::time::sleep(ctx.pace).await;
    obs = run_via(target, fwd.addr, plan, ctx).await;
    if let Ok(s) = fwd.stats.lock() {
        gobs.channels_opened += s.channels;
        gobs.channel_closes.extend(s.closes.iter().copied());
        gobs.channel_failures.extend(s.failures.iter().cloned());
    }
    gobs.tunnelled_probe = true;
    obs.gateway = Some(gobs);
    obs
}

/// The plan through a gateway: the same layers as a direct target, in the same order, against the
/// forwarder's address, with the target's NAME for TLS, SNI and certificate checks. `network` stays
/// empty: the target's address was never connected to by us (the gateway observation says how it was
/// reached). Every connection below is one gateway channel; `channels_opened` counts them.
async fn run_via(target: &Target, via: SocketAddr, plan: super::Plan, ctx: &ProbeContext) -> Observations {
    super::plan::run_layers(via, &target.host, None, plan, ctx).await
}
