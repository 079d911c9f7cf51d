//! The lab RD Gateway: the server side of the [MS-TSGU] HTTP transport, written from the
//! specification with the probe's codec (`probe::gateway::codec`), so real clients (xfreerdp) and
//! rdp-doctor can take a gateway path on loopback and each scenario can fail one stage.
//!
//! HTTP authentication is NTLM (sspi's server, over `WWW-Authenticate: NTLM` or `Negotiate` with a raw
//! NTLM token) or Basic (the gateway is always TLS); any user with `credssp::LAB_PASSWORD` passes.
//! Channels go only to loopback: a loopback address as requested, or the name `rdp-doctor-lab`, which
//! is the scenario's in-process lab server. Any other name fails as E_PROXY_TS_CONNECTFAILED.

use super::credssp::LAB_PASSWORD;
use crate::codec::tsgu::{self as codec, Framing, HeadParse, Packet, StreamDecoder};
use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The host name the lab gateway maps to its in-process lab server.
pub const LAB_TARGET: &str = "rdp-doctor-lab";

// HRESULTs in the full form ([MS-TSGU] 2.2.6; FreeRDP ignores the short HRESULT_CODE forms).
pub const E_PROXY_NAP_ACCESSDENIED: u32 = 0x8007_59DB;
pub const E_PROXY_RAP_ACCESSDENIED: u32 = 0x8007_59DA;
pub const E_PROXY_TS_CONNECTFAILED: u32 = 0x8007_59DD;
pub const E_PROXY_MAXCONNECTIONSREACHED: u32 = 0x8007_59E6;
pub const E_PROXY_SESSIONTIMEOUT: u32 = 0x8007_59F6;

/// Where the lab gateway fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    None,
    /// Every RDG_ request gets this status and an HTML page (a WAF or reverse proxy; 404 is a
    /// gateway with only RPC over HTTP, whose /rpc/rpcproxy.dll answers 401 NTLM).
    Http(u16),
    /// A final 401 after a complete NTLM exchange.
    AuthFailed,
    /// HTTP_TUNNEL_RESPONSE statusCode.
    TunnelCreate(u32),
    /// HTTP_TUNNEL_AUTH_RESPONSE errorCode (CAP).
    TunnelAuth(u32),
    /// HTTP_CHANNEL_RESPONSE errorCode (RAP, target unreachable).
    Channel(u32),
    /// CLOSE_CHANNEL with this status after the first data from the target.
    CloseAfterData(u32),
}

/// Which certificate the gateway shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GatewayCert {
    /// Self-signed, current, for localhost, 127.0.0.1, ::1 and rdp-doctor-lab.
    Good,
    /// Ended 10 days ago.
    Expired,
    /// Current, but only for gateway.invalid.
    WrongName,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gateway {
    /// Upgrade RDG_OUT_DATA to a WebSocket when asked; false: the legacy two-channel transport only.
    pub websocket: bool,
    pub cert: GatewayCert,
    pub fault: Fault,
    /// The lab scenario behind the name `rdp-doctor-lab`.
    pub backend: &'static super::Scenario,
}

impl Gateway {
    pub const fn healthy() -> Gateway {
        Gateway { websocket: true, cert: GatewayCert::Good, fault: Fault::None, backend: &super::scenarios::HEALTHY }
    }
}

/// A running lab gateway (and its backend lab server).
pub struct Running {
    pub addr: SocketAddr,
    pub backend_addr: SocketAddr,
    pub task: tokio::task::JoinHandle<()>,
    _backend: super::LabServer,
}

type Tls = tokio_rustls::server::TlsStream<TcpStream>;

/// Legacy OUT channels waiting for their IN channel, by RDG-Connection-Id.
type Pending = Arc<Mutex<HashMap<String, tokio::sync::oneshot::Sender<(Tls, Vec<u8>)>>>>;

pub async fn start(gw: Gateway, addr: SocketAddr) -> io::Result<Running> {
    let backend = Box::pin(super::start(gw.backend, SocketAddr::from(([127, 0, 0, 1], 0)))).await?;
    let backend_addr = backend.addr;
    let listener = TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let acceptor = acceptor(gw.cert)?;
    let pending: Pending = Arc::default();
    let task = tokio::spawn(super::accept::accept_loop(listener, move |tcp| {
        let _ = tcp.set_nodelay(true);
        let (acceptor, pending) = (acceptor.clone(), pending.clone());
        tokio::spawn(async move {
            let Ok(Ok(tls)) = tokio::time::timeout(Duration::from_secs(10), acceptor.accept(tcp)).await else {
                return;
            };
            let _ = tokio::time::timeout(Duration::from_secs(120), serve(tls, gw, backend_addr, pending)).await;
        });
    }));
    Ok(Running { addr, backend_addr, task, _backend: backend })
}

impl Drop for Running {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn acceptor(cert: GatewayCert) -> io::Result<tokio_rustls::TlsAcceptor> {
    let other = |e: &dyn std::fmt::Display| io::Error::other(e.to_string());
    let names = match cert {
        GatewayCert::WrongName => vec!["gateway.invalid".to_string()],
        _ => ["localhost", "127.0.0.1", "::1", LAB_TARGET].map(String::from).to_vec(),
    };
    let mut params = rcgen::CertificateParams::new(names).map_err(|e| other(&e))?;
    params.distinguished_name.push(rcgen::DnType::CommonName, "rdp-doctor-lab-gateway");
    if cert == GatewayCert::Expired {
        let now = rcgen::date_time_ymd(1970, 1, 1)
            + std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        let day = Duration::from_secs(86_400);
        params.not_before = now - day * 375;
        params.not_after = now - day * 10;
    }
    let key_pair = rcgen::KeyPair::generate().map_err(|e| other(&e))?;
    let cert = params.self_signed(&key_pair).map_err(|e| other(&e))?;
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(key_pair.serialize_der().into());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| other(&e))?
        .with_no_client_auth()
        .with_single_cert(vec![cert.der().clone()], key)
        .map_err(|e| other(&e))?;
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

/// Read one HTTP request head; returns it and the bytes after it.
async fn read_head<S: AsyncRead + Unpin>(s: &mut S, buf: &mut Vec<u8>) -> Option<codec::Head> {
    loop {
        match codec::parse_request(buf) {
            HeadParse::Complete(h) => {
                buf.drain(..h.len);
                return Some(h);
            }
            HeadParse::Bad => return None,
            HeadParse::NeedMore => {}
        }
        let mut chunk = [0u8; 4096];
        let n = tokio::time::timeout(Duration::from_secs(15), s.read(&mut chunk)).await.ok()?.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(chunk.get(..n).unwrap_or_default());
    }
}

fn page(status: u16) -> Vec<u8> {
    let reason = reason(status);
    let body = format!(
        "<html><head><title>{status} {reason}</title></head><body><h1>{status} {reason}</h1><p>Request rejected.</p></body></html>"
    );
    let mut out = codec::encode_response(
        status,
        reason,
        &[
            ("Content-Type", "text/html".into()),
            ("Content-Length", body.len().to_string()),
            ("Server", "lab-waf".into()),
        ],
    );
    out.extend_from_slice(body.as_bytes());
    out
}

fn reason(status: u16) -> &'static str {
    match status {
        101 => "Switching Protocols",
        200 => "OK",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        501 => "Not Implemented",
        _ => "Error",
    }
}

fn unauthorized(offers: &[String]) -> Vec<u8> {
    let mut headers: Vec<(&str, String)> = offers.iter().map(|o| ("WWW-Authenticate", o.clone())).collect();
    headers.push(("Content-Length", "0".into()));
    headers.push(("Server", "Microsoft-HTTPAPI/2.0".into()));
    codec::encode_response(401, "Unauthorized", &headers)
}

const OFFERS: [&str; 3] = ["Negotiate", "NTLM", "Basic realm=\"rdp-doctor-lab\""];

/// The NTLM server of one HTTP connection ([MS-NLMP] with sspi; the password is `LAB_PASSWORD`).
struct NtlmServer {
    ntlm: sspi::Ntlm,
    creds: Option<sspi::AcquireCredentialsHandleResult<Option<sspi::AuthIdentityBuffers>>>,
}

enum AuthStep {
    Challenge(Vec<u8>),
    Done(bool),
}

impl NtlmServer {
    fn new() -> NtlmServer {
        NtlmServer { ntlm: sspi::Ntlm::new(), creds: None }
    }

    fn step(&mut self, token: &[u8]) -> Result<AuthStep, sspi::Error> {
        use sspi::{
            BufferType, DataRepresentation, SecurityBuffer, SecurityStatus, ServerRequestFlags, Sspi, SspiEx, SspiImpl,
        };
        if self.creds.is_none() {
            let c = self
                .ntlm
                .acquire_credentials_handle()
                .with_credential_use(sspi::CredentialUse::Inbound)
                .execute(&mut self.ntlm)?;
            self.creds = Some(c);
        }
        let Some(creds) = self.creds.as_mut() else { return Ok(AuthStep::Done(false)) };
        let mut input = vec![SecurityBuffer::new(token.to_vec(), BufferType::Token)];
        let mut output = vec![SecurityBuffer::new(Vec::new(), BufferType::Token)];
        let builder = self
            .ntlm
            .accept_security_context()
            .with_credentials_handle(&mut creds.credentials_handle)
            .with_context_requirements(ServerRequestFlags::ALLOCATE_MEMORY)
            .with_target_data_representation(DataRepresentation::Native)
            .with_input(&mut input)
            .with_output(&mut output);
        let result = self.ntlm.accept_security_context_impl(builder)?.resolve_to_result()?;
        match result.status {
            SecurityStatus::ContinueNeeded => Ok(AuthStep::Challenge(output.remove(0).buffer)),
            SecurityStatus::CompleteNeeded | SecurityStatus::Ok => {
                let names = self.ntlm.query_context_names()?;
                self.ntlm.custom_set_auth_identity(sspi::AuthIdentity {
                    username: names.username,
                    password: LAB_PASSWORD.to_string().into(),
                })?;
                Ok(AuthStep::Done(self.ntlm.complete_auth_token(&mut []).is_ok()))
            }
            _ => Ok(AuthStep::Done(false)),
        }
    }
}

fn basic_ok(token: &str) -> bool {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(token)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.split_once(':').map(|(_, p)| p == LAB_PASSWORD))
        .unwrap_or(false)
}

/// One TLS connection: HTTP requests until a channel is authenticated, then the tunnel.
async fn serve(mut tls: Tls, gw: Gateway, backend: SocketAddr, pending: Pending) {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut buf = Vec::new();
    let mut ntlm = NtlmServer::new();
    loop {
        let Some(head) = read_head(&mut tls, &mut buf).await else { return };
        let is_rdg = head.method.starts_with("RDG_");
        if !is_rdg || !head.path.to_ascii_lowercase().starts_with("/remotedesktopgateway") {
            // RPC over HTTP: only the 404 scenario's gateway has it.
            let answer = if gw.fault == Fault::Http(404) && head.path.to_ascii_lowercase().starts_with(codec::RPC_PATH)
            {
                unauthorized(&["Negotiate".into(), "NTLM".into()])
            } else {
                page(404)
            };
            let _ = tls.write_all(&answer).await;
            continue;
        }
        if let Fault::Http(status) = gw.fault {
            let _ = tls.write_all(&page(status)).await;
            let _ = crate::net::shutdown(&mut tls).await;
            return;
        }
        let offers: Vec<String> = OFFERS.iter().map(|s| s.to_string()).collect();
        let authenticated = match head.authorization() {
            None => {
                let _ = tls.write_all(&unauthorized(&offers)).await;
                continue;
            }
            Some((scheme, Some(token))) if scheme.eq_ignore_ascii_case("Basic") => basic_ok(&token),
            Some((scheme, Some(token)))
                if scheme.eq_ignore_ascii_case("NTLM") || scheme.eq_ignore_ascii_case("Negotiate") =>
            {
                let Ok(bytes) = b64.decode(token.trim()) else { return };
                match ntlm.step(&bytes) {
                    Ok(AuthStep::Challenge(c)) => {
                        let _ = tls.write_all(&unauthorized(&[format!("{scheme} {}", b64.encode(c))])).await;
                        continue;
                    }
                    Ok(AuthStep::Done(ok)) => ok,
                    Err(_) => false,
                }
            }
            Some(_) => false,
        };
        if !authenticated || gw.fault == Fault::AuthFailed {
            let _ = tls.write_all(&unauthorized(&offers)).await;
            let _ = crate::net::shutdown(&mut tls).await;
            return;
        }
        let conn_id = head.header("RDG-Connection-Id").unwrap_or("").to_string();
        if head.method == codec::RDG_OUT_DATA {
            if gw.websocket
                && let Some(key) = head.header("Sec-WebSocket-Key")
            {
                let resp = codec::encode_response(
                    101,
                    "Switching Protocols",
                    &[
                        ("Connection", "Upgrade".into()),
                        ("Upgrade", "websocket".into()),
                        ("Sec-WebSocket-Accept", codec::websocket_accept(key)),
                    ],
                );
                if tls.write_all(&resp).await.is_err() {
                    return;
                }
                let (r, w) = tokio::io::split(tls);
                let rx = ClientRx::new(r, Framing::WebSocket, buf);
                tunnel(rx, ClientTx::Ws(w), gw, backend).await;
                return;
            }
            // The legacy OUT channel: 200, then a random seed body without a length ([MS-TSGU]
            // 3.3.5.1), then the gateway's packets, raw, until the connection ends. It waits for its
            // IN channel under the RDG-Connection-Id, registered before the 200 goes out: the client
            // opens the IN channel once it has the 200, and must find it there.
            let (tx, rx) = tokio::sync::oneshot::channel();
            pending.lock().unwrap_or_else(|e| e.into_inner()).insert(conn_id.clone(), tx);
            let mut resp = codec::encode_response(200, "OK", &[("Server", "Microsoft-HTTPAPI/2.0".into())]);
            resp.extend_from_slice(&[0x5A; 10]);
            let paired = async {
                tls.write_all(&resp).await.ok()?;
                tokio::time::timeout(Duration::from_secs(15), rx).await.ok()?.ok()
            };
            let Some((in_tls, in_buf)) = paired.await else {
                pending.lock().unwrap_or_else(|e| e.into_inner()).remove(&conn_id);
                return;
            };
            let (in_r, _in_w) = tokio::io::split(in_tls);
            let rx = ClientRx::new(in_r, Framing::Chunked, in_buf);
            tunnel(rx, ClientTx::Legacy(Box::new(tls)), gw, backend).await;
            return;
        }
        // The legacy IN channel: 200 to the authenticated request, then the client's request whose
        // (chunked) body carries its packets.
        let ok = codec::encode_response(200, "OK", &[("Content-Length", "0".into())]);
        if tls.write_all(&ok).await.is_err() {
            return;
        }
        let Some(_body_head) = read_head(&mut tls, &mut buf).await else { return };
        let Some(tx) = pending.lock().unwrap_or_else(|e| e.into_inner()).remove(&conn_id) else { return };
        let _ = tx.send((tls, buf));
        return;
    }
}

/// The client-to-gateway packet stream: WebSocket payloads or the dechunked IN channel body.
struct ClientRx {
    src: tokio::io::ReadHalf<Tls>,
    dec: StreamDecoder,
    pre: Vec<u8>,
}

impl ClientRx {
    fn new(src: tokio::io::ReadHalf<Tls>, framing: Framing, pre: Vec<u8>) -> ClientRx {
        ClientRx { src, dec: StreamDecoder::new(framing), pre }
    }

    /// The next packet; None at the end or on garbage.
    async fn next_packet(&mut self) -> Option<Packet> {
        if !self.pre.is_empty() {
            let pre = std::mem::take(&mut self.pre);
            self.dec.feed(&pre).ok()?;
        }
        loop {
            if let Some(p) = self.dec.next_packet().ok()? {
                return Some(p);
            }
            let mut chunk = vec![0u8; 16 * 1024];
            let n = self.src.read(&mut chunk).await.ok()?;
            if n == 0 {
                return None;
            }
            self.dec.feed(chunk.get(..n).unwrap_or_default()).ok()?;
        }
    }
}

enum ClientTx {
    Ws(tokio::io::WriteHalf<Tls>),
    Legacy(Box<Tls>),
}

impl ClientTx {
    async fn send(&mut self, p: &Packet) -> io::Result<()> {
        let bytes = codec::encode(p);
        match self {
            ClientTx::Ws(w) => w.write_all(&codec::ws_binary(&bytes, None)).await,
            ClientTx::Legacy(w) => w.write_all(&bytes).await,
        }
    }
}

/// Where a channel goes: loopback addresses as requested, `rdp-doctor-lab` to the backend lab.
fn channel_target(resource: &str, port: u16, backend: SocketAddr) -> Option<SocketAddr> {
    if resource.eq_ignore_ascii_case(LAB_TARGET) {
        return Some(backend);
    }
    let host = resource.trim_start_matches('[').trim_end_matches(']');
    match host.parse::<IpAddr>() {
        Ok(ip) if ip.is_loopback() => Some(SocketAddr::new(ip, port)),
        _ if host.eq_ignore_ascii_case("localhost") => Some(SocketAddr::from(([127, 0, 0, 1], port))),
        _ => None,
    }
}

/// The tunnel's packets in order ([MS-TSGU] 3.3.5.2 with 3.7.5): handshake, tunnel create, tunnel
/// authorization, channel create, then DATA both ways.
async fn tunnel(mut rx: ClientRx, mut tx: ClientTx, gw: Gateway, backend: SocketAddr) {
    let Some(Packet::HandshakeRequest { .. }) = rx.next_packet().await else { return };
    let hs =
        Packet::HandshakeResponse { error_code: 0, ver_major: 1, ver_minor: 0, server_version: 0, extended_auth: 0 };
    if tx.send(&hs).await.is_err() {
        return;
    }
    let Some(Packet::TunnelCreate { .. }) = rx.next_packet().await else { return };
    let status = if let Fault::TunnelCreate(code) = gw.fault { code } else { 0 };
    let ok = status == 0;
    let resp = Packet::TunnelResponse {
        server_version: 5,
        status_code: status,
        tunnel_id: ok.then_some(1),
        caps: ok.then_some(codec::HTTP_CAPABILITY_IDLE_TIMEOUT),
    };
    if tx.send(&resp).await.is_err() || !ok {
        return;
    }
    let Some(Packet::TunnelAuth { .. }) = rx.next_packet().await else { return };
    let code = if let Fault::TunnelAuth(code) = gw.fault { code } else { 0 };
    let ok = code == 0;
    let resp = Packet::TunnelAuthResponse {
        error_code: code,
        redir_flags: ok.then_some(0x8000_0000), // HTTP_TUNNEL_REDIR_ENABLE_ALL
        idle_timeout: ok.then_some(0),
    };
    if tx.send(&resp).await.is_err() || !ok {
        return;
    }
    let Some(Packet::ChannelCreate { resources, port, .. }) = rx.next_packet().await else { return };
    let mut code = if let Fault::Channel(code) = gw.fault { code } else { 0 };
    let mut stream = None;
    if code == 0 {
        let target = resources.first().and_then(|r| channel_target(r, port, backend));
        stream = match target {
            Some(addr) => {
                tokio::time::timeout(Duration::from_secs(5), TcpStream::connect(addr)).await.ok().and_then(Result::ok)
            }
            None => None,
        };
        if stream.is_none() {
            code = E_PROXY_TS_CONNECTFAILED;
        }
    }
    let resp = Packet::ChannelResponse { error_code: code, channel_id: (code == 0).then_some(1) };
    if tx.send(&resp).await.is_err() {
        return;
    }
    let Some(mut target) = stream.filter(|_| code == 0) else { return };
    let close_after_data = if let Fault::CloseAfterData(s) = gw.fault { Some(s) } else { None };
    let mut chunk = vec![0u8; 16 * 1024];
    loop {
        tokio::select! {
            p = rx.next_packet() => match p {
                Some(Packet::Data(d)) => {
                    if target.write_all(&d).await.is_err() {
                        let _ = tx.send(&Packet::CloseChannel { status: 0 }).await;
                        return;
                    }
                }
                Some(Packet::CloseChannel { .. }) => {
                    let _ = tx.send(&Packet::CloseChannelResponse { status: 0 }).await;
                    return;
                }
                Some(_) => {}
                None => return,
            },
            n = target.read(&mut chunk) => {
                let n = n.unwrap_or(0);
                if n == 0 {
                    let _ = tx.send(&Packet::CloseChannel { status: 0 }).await;
                    return;
                }
                if tx.send(&Packet::Data(chunk.get(..n).unwrap_or_default().to_vec())).await.is_err() {
                    return;
                }
                if let Some(status) = close_after_data {
                    let _ = tx.send(&Packet::CloseChannel { status }).await;
                    // Wait for the client's CLOSE_CHANNEL_RESPONSE (or its end), briefly.
                    let _ = tokio::time::timeout(Duration::from_secs(2), rx.next_packet()).await;
                    return;
                }
            }
        }
    }
}
