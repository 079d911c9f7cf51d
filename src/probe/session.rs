//! The RDP connection sequence after negotiation ([MS-RDPBCGR] 1.3.1.1), driven step by step with
//! ironrdp-connector's `ClientConnector` over our own transport: X.224 (the connector's own request),
//! TLS (`tls::handshake`), CredSSP (the connector's `CredsspSequence`, NTLM only), then MCS connect
//! (client core data with RNS_UD_CS_SUPPORT_ERRINFO_PDU, 2.2.1.3.2), channel joins, Client Info,
//! licensing, capabilities and finalization, up to the server's first update.
//!
//! The driver records each stage's time and the last frames the server sent; `classify` reads them,
//! because the connector reports, say, a Set Error Info during licensing as a plain decode error.
//! Once established it disconnects (MCS Disconnect Provider Ultimatum) and never sends input.
//! Standard RDP Security (RC4) is beyond the connector: `rdp_security` enumerates the server's
//! encryption from its MCS Connect Response instead.

pub mod rdp_security;

use super::network::ms_since;
use super::{ProbeContext, tls};
use crate::Credentials;
use crate::codec::session::{ServerFrame, classify_server_frame};
use crate::codec::x224::Protocol;
use crate::net::FrameError;
use crate::observations::{
    LicenseErrorObs, LogonErrorObs, NegotiationObs, RedirectionObs, ServerFrameObs, SessionEnd, SessionObs,
    SessionStage, StageObs, StageOutcome,
};
use ironrdp_connector::credssp::CredsspSequence;
use ironrdp_connector::sspi::generator::GeneratorState;
use ironrdp_connector::{ClientConnector, ClientConnectorState, Sequence as _};
use ironrdp_pdu::WriteBuf;
use ironrdp_pdu::rdp::capability_sets::{MajorPlatformType, RailSupportLevel};
use ironrdp_pdu::rdp::client_info::{PerformanceFlags, TimezoneInfo};
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

/// How many of the server's last frames are kept.
pub const MAX_FRAMES: usize = 8;
/// The largest frame read (TPKT and fast-path lengths are 16-bit; this bounds either).
pub const MAX_FRAME: usize = 0x1_0000;
/// How long to wait for the first update after finalization. The connection is established once
/// finalization completes ([MS-RDPBCGR] 1.3.1.1); an update is a bonus (an idle desktop may send none).
pub const FIRST_UPDATE_WAIT: Duration = Duration::from_millis(500);

trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// The name of the stage the connector is in.
pub fn stage_name(state: &ClientConnectorState) -> SessionStage {
    use ClientConnectorState as S;
    match state {
        S::Consumed | S::ConnectionInitiationSendRequest | S::ConnectionInitiationWaitConfirm { .. } => {
            SessionStage::X224
        }
        S::EnhancedSecurityUpgrade { .. } => SessionStage::Tls,
        S::Credssp { .. } => SessionStage::Credssp,
        S::EntraAuthWaitNonce | S::EntraAuthPending { .. } | S::EntraAuthWaitResult => SessionStage::EntraAuth,
        S::BasicSettingsExchangeSendInitial { .. } | S::BasicSettingsExchangeWaitResponse { .. } => {
            SessionStage::McsConnect
        }
        S::ChannelConnection { .. } => SessionStage::ChannelJoin,
        S::SecureSettingsExchange { .. } => SessionStage::ClientInfo,
        S::ConnectTimeAutoDetection { .. } => SessionStage::AutoDetect,
        S::LicensingExchange { .. } => SessionStage::Licensing,
        S::MultitransportBootstrapping { .. } | S::MultitransportPending { .. } => SessionStage::Multitransport,
        S::CapabilitiesExchange { .. } => SessionStage::Capabilities,
        S::ConnectionFinalization { .. } => SessionStage::Finalization,
        S::Connected { .. } => SessionStage::Connected,
        S::Redirected { .. } => SessionStage::Redirected,
        _ => SessionStage::Unknown,
    }
}

/// The stage recorder: one open stage at a time, closed when the next starts.
struct Stages {
    done: Vec<StageObs>,
    open: Option<(SessionStage, Instant)>,
}

impl Stages {
    fn new() -> Self {
        Stages { done: Vec::new(), open: None }
    }
    fn enter(&mut self, name: SessionStage) {
        if self.open.map(|(n, _)| n) == Some(name) {
            return;
        }
        self.close(StageOutcome::Ok, None);
        self.open = Some((name, Instant::now()));
    }
    fn current(&self) -> SessionStage {
        self.open.map_or(SessionStage::X224, |(n, _)| n)
    }
    fn close(&mut self, outcome: StageOutcome, detail: Option<String>) {
        if let Some((name, at)) = self.open.take() {
            self.done.push(StageObs { name, ms: ms_since(at), outcome, detail });
        }
    }
}

/// The record being built.
struct Rec {
    obs: SessionObs,
    stages: Stages,
    frames: VecDeque<ServerFrameObs>,
}

impl Rec {
    fn new(addr: SocketAddr) -> Self {
        Rec {
            obs: SessionObs {
                address: addr,
                protocol: None,
                checked: true,
                not_checked: None,
                credentials_sent: false,
                stages: Vec::new(),
                end: SessionEnd::NotChecked,
                ended_in: None,
                error: None,
                server_frames: Vec::new(),
                error_info: None,
                disconnect_reason: None,
                license_error: None,
                redirection: None,
                logon_errors: Vec::new(),
                deactivated: false,
                first_update: false,
                disconnected_cleanly: false,
                rdp_security: None,
                ms: 0.0,
            },
            stages: Stages::new(),
            frames: VecDeque::new(),
        }
    }

    /// Record one server frame: classify it and keep the facts it carries.
    fn frame(&mut self, frame: &[u8]) -> ServerFrame {
        let c = classify_server_frame(frame);
        let summary = match &c {
            ServerFrame::SetErrorInfo { code } => {
                self.obs.error_info = Some(*code);
                format!("errorInfo 0x{code:X}")
            }
            ServerFrame::DisconnectUltimatum { reason } => {
                self.obs.disconnect_reason = Some(*reason);
                format!("reason {reason}")
            }
            ServerFrame::LicenseError { code, state_transition } => {
                self.obs.license_error = Some(LicenseErrorObs { code: *code, state_transition: *state_transition });
                format!("dwErrorCode 0x{code:X}, dwStateTransition 0x{state_transition:X}")
            }
            ServerFrame::Redirection { session_id, target, target_fqdn, load_balance_info, username } => {
                self.obs.redirection = Some(RedirectionObs {
                    session_id: *session_id,
                    target: target.clone(),
                    target_fqdn: target_fqdn.clone(),
                    load_balance_info: load_balance_info.clone(),
                    username: username.clone(),
                });
                format!("to {}", target.as_deref().or(target_fqdn.as_deref()).unwrap_or("(no address)"))
            }
            ServerFrame::SaveSessionInfo { info_type, logon_error } => {
                if let Some((t, d)) = logon_error {
                    self.obs.logon_errors.push(LogonErrorObs { notification_type: *t, notification_data: *d });
                    format!("infoType 0x{info_type:X}, logon error type 0x{t:X} data 0x{d:X}")
                } else {
                    format!("infoType 0x{info_type:X}")
                }
            }
            ServerFrame::DeactivateAll => {
                self.obs.deactivated = true;
                String::new()
            }
            ServerFrame::License { msg_type } => format!("bMsgType 0x{msg_type:02X}"),
            ServerFrame::ShareData { pdu_type2 } => format!("pduType2 0x{pdu_type2:02X}"),
            ServerFrame::Mcs { what } => (*what).to_string(),
            ServerFrame::Malformed { what } => what.clone(),
            ServerFrame::FastPathUpdate { .. } | ServerFrame::DemandActive | ServerFrame::NotRdp => String::new(),
        };
        if self.frames.len() == MAX_FRAMES {
            self.frames.pop_front();
        }
        self.frames.push_back(ServerFrameObs {
            stage: self.stages.current(),
            kind: c.kind(),
            summary,
            len: frame.len(),
            head: crate::probe::hex_prefix(frame, 64),
        });
        c
    }

    fn not_checked(mut self, why: impl Into<String>, started: Instant) -> SessionObs {
        self.stages.close(StageOutcome::NotChecked, None);
        self.obs.checked = false;
        self.obs.not_checked = Some(why.into());
        self.obs.end = SessionEnd::NotChecked;
        self.finish(started)
    }

    fn fail(&mut self, end: SessionEnd, error: impl Into<String>) {
        let error = error.into();
        self.obs.ended_in = Some(self.stages.current());
        self.stages.close(StageOutcome::Failed, Some(error.clone()));
        self.obs.end = end;
        self.obs.error = Some(error);
    }

    /// Record how the sequence ended and stop there.
    fn stop(&mut self, end: SessionEnd, error: impl Into<String>) -> Stop {
        self.fail(end, error);
        Stop::Ended
    }

    fn finish(mut self, started: Instant) -> SessionObs {
        self.stages.close(StageOutcome::Ok, None);
        self.obs.stages = self.stages.done;
        self.obs.server_frames = self.frames.into_iter().collect();
        self.obs.ms = ms_since(started);
        self.obs
    }
}

/// Read one frame the hint can size, within the deadline and `MAX_FRAME` (`net::read_frame`).
async fn read_frame(
    io: &mut (dyn Io + '_),
    buf: &mut Vec<u8>,
    hint: &dyn ironrdp_pdu::PduHint,
    deadline: Instant,
) -> Result<Vec<u8>, (SessionEnd, String)> {
    let size = |b: &[u8]| hint.find_size(b).map(|found| found.map(|(_, n)| n));
    crate::net::read_frame(io, buf, size, MAX_FRAME, deadline.into()).await.map_err(|e| match e {
        FrameError::Oversized(Some(n)) => (SessionEnd::ProtocolError, format!("frame of {n} bytes")),
        FrameError::Oversized(None) => (SessionEnd::ProtocolError, "oversized frame".into()),
        FrameError::Unrecognised(e) => {
            // Not something the hint knows: keep what arrived as a frame so it is classified.
            let all = std::mem::take(buf);
            (SessionEnd::ProtocolError, format!("unexpected bytes ({e}): {}", crate::probe::hex_prefix(&all, 32)))
        }
        FrameError::Timeout => (SessionEnd::Timeout, "no answer before the deadline".into()),
        FrameError::Io(e) => io_end(&e),
        FrameError::Closed => (SessionEnd::Closed, "the server closed the connection (FIN)".into()),
    })
}

fn io_end(e: &std::io::Error) -> (SessionEnd, String) {
    match tls::classify_io_error(e) {
        a @ tls::HandshakeFailure::Alert(_) => (SessionEnd::TlsFailed, a.to_string()),
        tls::HandshakeFailure::Closed => (SessionEnd::Closed, "the server closed the connection (FIN)".into()),
        tls::HandshakeFailure::Reset => (SessionEnd::Reset, "the server reset the connection (RST)".into()),
        tls::HandshakeFailure::Timeout => (SessionEnd::Timeout, "timed out".into()),
        tls::HandshakeFailure::Other(s) => (SessionEnd::ProtocolError, s),
    }
}

async fn write_all(io: &mut (dyn Io + '_), bytes: &[u8], deadline: Instant) -> Result<(), (SessionEnd, String)> {
    match tokio::time::timeout_at(deadline.into(), io.write_all(bytes)).await {
        Err(_) => Err((SessionEnd::Timeout, "write timed out".into())),
        Ok(Err(e)) => Err(io_end(&e)),
        Ok(Ok(())) => Ok(()),
    }
}

fn config(creds: Option<&Credentials>, tls: bool, credssp: bool) -> ironrdp_connector::Config {
    use ironrdp_pdu::gcc;
    ironrdp_connector::Config {
        desktop_size: ironrdp_connector::DesktopSize { width: 1024, height: 768 },
        monitor_layout: None,
        desktop_scale_factor: 0,
        desktop_physical_size: None,
        desktop_orientation: None,
        device_scale_factor: None,
        monitor_extended_layout: None,
        relative_mouse_input: false,
        enable_tls: tls,
        enable_credssp: credssp,
        enable_standard_rdp_security: false,
        credentials: ironrdp_connector::Credentials::UsernamePassword {
            username: creds.map(|c| c.user.clone()).unwrap_or_default(),
            password: creds.map(|c| c.password.to_string()).unwrap_or_default(),
        },
        domain: creds.and_then(|c| c.domain.clone()),
        client_build: 0,
        client_name: "rdp-doctor".into(),
        keyboard_type: gcc::KeyboardType::IBM_ENHANCED,
        keyboard_subtype: 0,
        keyboard_functional_keys_count: 12,
        keyboard_layout: 0x409,
        connection_type: gcc::ConnectionType::Lan,
        ime_file_name: String::new(),
        bitmap: None,
        dig_product_id: String::new(),
        client_dir: String::new(),
        alternate_shell: String::new(),
        work_dir: String::new(),
        remote_application_mode: false,
        rail_support_level: RailSupportLevel::empty(),
        platform: MajorPlatformType::UNIX,
        hardware_id: None,
        request_data: Some(ironrdp_pdu::nego::NegoRequestData::cookie(super::x224::COOKIE.into())),
        autologon: creds.is_some(),
        enable_audio_playback: false,
        enable_audio_capture: false,
        performance_flags: PerformanceFlags::default(),
        license_cache: None,
        timezone_info: TimezoneInfo::default(),
        compression_type: None,
        enable_server_pointer: false,
        pointer_software_rendering: true,
        multitransport_flags: None,
        support_dyn_vc_gfx_protocol: false,
    }
}

/// Why the layer stopped before its natural end.
enum Stop {
    /// Not run to a verdict, and why (`SessionObs::not_checked`).
    NotChecked(String),
    /// Ended; the record says how (`Rec::fail`, a redirection, nothing left to disconnect).
    Ended,
}

/// The connection between the phases: the connector, the bytes read ahead of it, its output buffer.
struct Conn {
    connector: ClientConnector,
    buf: Vec<u8>,
    out: WriteBuf,
}

/// Run the session layer against `addr`. `neg` is what negotiation saw; it decides the protocol.
pub async fn probe(addr: SocketAddr, host: &str, neg: &NegotiationObs, ctx: &ProbeContext) -> SessionObs {
    let started = Instant::now();
    let mut rec = Rec::new(addr);
    match run(&mut rec, addr, host, neg, ctx).await {
        Err(Stop::NotChecked(why)) => rec.not_checked(why, started),
        Ok(()) | Err(Stop::Ended) => rec.finish(started),
    }
}

/// The phases in order: the path, X.224, TLS and CredSSP, MCS connect .. finalization, the first
/// update, a clean disconnect.
async fn run(
    rec: &mut Rec,
    addr: SocketAddr,
    host: &str,
    neg: &NegotiationObs,
    ctx: &ProbeContext,
) -> Result<(), Stop> {
    let use_credssp = choose_path(rec, addr, neg, ctx).await?;
    let (mut conn, tcp) = negotiate(rec, addr, ctx, use_credssp).await?;
    let mut io = secure(rec, &mut conn, tcp, host, ctx).await?;
    connection_sequence(rec, &mut conn, &mut *io, ctx).await?;
    first_update(rec, &mut conn.buf, &mut *io, ctx.deadline).await?;
    disconnect(rec, &mut *io, ctx.deadline).await;
    Ok(())
}

/// Whether the sequence runs over CredSSP (NLA) or TLS, from what negotiation selected and whether
/// credentials were given; Standard RDP Security only is enumerated instead.
async fn choose_path(rec: &mut Rec, addr: SocketAddr, neg: &NegotiationObs, ctx: &ProbeContext) -> Result<bool, Stop> {
    let s = neg.supports;
    if !s.tls && !s.credssp {
        if s.rdp {
            rec.obs.protocol = Some(Protocol::Rdp);
            rec.obs.rdp_security = Some(rdp_security::enumerate(addr, ctx).await);
            return Err(Stop::NotChecked(
                "Standard RDP Security only: the connection sequence needs RC4 encryption, which this probe does not implement; the server's encryption was enumerated instead".into(),
            ));
        }
        return Err(Stop::NotChecked("negotiation selected no protocol the session layer can use".into()));
    }
    let use_credssp = s.credssp && ctx.credentials.is_some();
    if !s.tls && !use_credssp {
        return Err(Stop::NotChecked(
            "the server requires Network Level Authentication and no credentials were given (--user, --password-stdin)"
                .into(),
        ));
    }
    Ok(use_credssp)
}

/// X.224, by the connector itself, up to the security upgrade; records the selected protocol.
async fn negotiate(
    rec: &mut Rec,
    addr: SocketAddr,
    ctx: &ProbeContext,
    use_credssp: bool,
) -> Result<(Conn, TcpStream), Stop> {
    rec.stages.enter(SessionStage::X224);
    let (attempt, stream) = super::network::connect(addr, ctx).await;
    let Some(mut tcp) = stream else {
        let end = match attempt.outcome {
            crate::observations::ConnectOutcome::Timeout => SessionEnd::Timeout,
            _ => SessionEnd::Closed,
        };
        return Err(rec.stop(end, "the TCP connection could not be made"));
    };
    let _ = tcp.set_nodelay(true);
    let local = tcp.local_addr().unwrap_or(addr);
    let mut cfg = config(ctx.credentials.as_ref(), !use_credssp, use_credssp);
    // A routing token (`--routing-token`, `loadbalanceinfo`) of the IP-redirect form: ironrdp writes
    // it as "Cookie: msts=VALUE". Other forms (a broker's `tsv://...`) it cannot write as given: the
    // session layer then keeps the cookie, and only the negotiation layer carries the token.
    if let Some(v) = ctx.routing_token.as_deref().and_then(|t| t.strip_prefix("Cookie: msts=")) {
        cfg.request_data = Some(ironrdp_pdu::nego::NegoRequestData::routing_token(v.to_string()));
    }
    let mut conn = Conn { connector: ClientConnector::new(cfg, local), buf: Vec::new(), out: WriteBuf::new() };
    while !conn.connector.should_perform_security_upgrade() {
        if let Err((end, e)) = step(&mut conn, &mut tcp, rec, ctx.patient()).await {
            return Err(rec.stop(end, e));
        }
    }
    let selected = match conn.connector.state {
        ClientConnectorState::EnhancedSecurityUpgrade { selected_protocol } => selected_protocol,
        _ => ironrdp_pdu::nego::SecurityProtocol::empty(),
    };
    rec.obs.protocol = super::x224::selected_name(selected.bits());
    Ok((conn, tcp))
}

/// The TLS upgrade, then the credentials: CredSSP (NTLM) or, for auto-logon, the Client Info that
/// follows; either only over a channel the user trusts.
async fn secure(
    rec: &mut Rec,
    conn: &mut Conn,
    tcp: TcpStream,
    host: &str,
    ctx: &ProbeContext,
) -> Result<Box<dyn Io>, Stop> {
    rec.stages.enter(SessionStage::Tls);
    let session = match tls::handshake(tcp, host, ctx.patient()).await {
        Ok(s) => s,
        Err(e) => {
            let end = match e {
                tls::HandshakeFailure::Closed => SessionEnd::Closed,
                tls::HandshakeFailure::Reset => SessionEnd::Reset,
                tls::HandshakeFailure::Timeout => SessionEnd::Timeout,
                _ => SessionEnd::TlsFailed,
            };
            return Err(rec.stop(end, format!("TLS handshake: {e}")));
        }
    };
    conn.connector.mark_security_upgrade_as_done();
    // The same trust rule as the credential check (no second prompt: a pin or a verified chain).
    let (decision, why) = super::credssp::decide_trust(&ctx.cert_trust, &session.chain, host, None);
    // Why credentials may not go out (the verifier's reason, else the trust decision's name).
    let untrusted = |why: Option<String>| {
        Stop::NotChecked(format!(
            "credentials were not sent: the server's certificate is not trusted ({}); use --trust-cert",
            why.unwrap_or_else(|| decision.to_string())
        ))
    };
    let chain = session.chain.clone();
    let mut io: Box<dyn Io> = Box::new(session.stream);

    // CredSSP (NTLM), only over a trusted channel.
    if conn.connector.should_perform_credssp() {
        rec.stages.enter(SessionStage::Credssp);
        if !decision.allows_credentials() {
            return Err(untrusted(why));
        }
        let Some(key) = chain.first().and_then(|leaf| super::credssp::subject_public_key(leaf)) else {
            return Err(rec.stop(SessionEnd::CredsspFailed, "no public key in the server's certificate"));
        };
        rec.obs.credentials_sent = true;
        if let Err(e) = credssp(&mut conn.connector, &mut *io, &mut conn.buf, host, key, ctx.patient()).await {
            return Err(rec.stop(SessionEnd::CredsspFailed, e.to_string()));
        }
        conn.connector.mark_credssp_as_done();
    } else if ctx.credentials.is_some() {
        if !decision.allows_credentials() {
            // Auto-logon would send the password in Client Info: not over an untrusted channel.
            return Err(untrusted(why));
        }
        rec.obs.credentials_sent = true;
    }
    Ok(io)
}

/// MCS connect .. finalization (multitransport declined); a Server Redirection PDU ends it.
async fn connection_sequence(
    rec: &mut Rec,
    conn: &mut Conn,
    io: &mut (dyn Io + '_),
    ctx: &ProbeContext,
) -> Result<(), Stop> {
    loop {
        if conn.connector.should_perform_multitransport() {
            conn.out.clear();
            match conn.connector.skip_multitransport(&mut conn.out) {
                Ok(w) => {
                    if let Some(n) = w.size() {
                        if let Err((end, e)) =
                            write_all(io, conn.out.filled().get(..n).unwrap_or_default(), ctx.patient()).await
                        {
                            return Err(rec.stop(end, e));
                        }
                    }
                }
                Err(e) => return Err(rec.stop(SessionEnd::ProtocolError, e.to_string())),
            }
            continue;
        }
        if let Err((end, e)) = step(conn, io, rec, ctx.patient()).await {
            return Err(rec.stop(end, e));
        }
        match &conn.connector.state {
            ClientConnectorState::Connected { .. } => break,
            ClientConnectorState::Redirected { .. } => {
                rec.obs.ended_in = Some(rec.stages.current());
                rec.stages.close(StageOutcome::Ok, None);
                rec.obs.end = SessionEnd::Redirected;
                return Err(Stop::Ended);
            }
            _ => {}
        }
    }
    rec.stages.close(StageOutcome::Ok, None);
    rec.obs.end = SessionEnd::Established;
    Ok(())
}

/// The server's first update (or its reason for ending the connection) within `FIRST_UPDATE_WAIT`.
/// `Stop::Ended` when the connection is gone (nothing left to disconnect).
async fn first_update(rec: &mut Rec, buf: &mut Vec<u8>, io: &mut (dyn Io + '_), deadline: Instant) -> Result<(), Stop> {
    rec.stages.enter(SessionStage::FirstUpdate);
    let wait = deadline.min(Instant::now() + FIRST_UPDATE_WAIT);
    loop {
        match read_frame(io, buf, &ironrdp_pdu::RDP_HINT, wait).await {
            Ok(frame) => match rec.frame(&frame) {
                ServerFrame::FastPathUpdate { .. } | ServerFrame::ShareData { pdu_type2: 0x02 } => {
                    rec.obs.first_update = true;
                    return Ok(());
                }
                ServerFrame::SetErrorInfo { .. }
                | ServerFrame::DisconnectUltimatum { .. }
                | ServerFrame::DeactivateAll
                | ServerFrame::SaveSessionInfo { .. } => continue,
                _ => continue,
            },
            Err((end, e)) => {
                // Only a server that says why it ends (Set Error Info, Disconnect Provider Ultimatum)
                // turns an established connection into a failure; silence or a bare close does not.
                if end != SessionEnd::Timeout
                    && (rec.obs.error_info.is_some_and(|c| c != 0) || rec.obs.disconnect_reason.is_some())
                {
                    rec.fail(end, e);
                    rec.obs.end = SessionEnd::ServerEnded;
                    return Err(Stop::Ended);
                }
                let why = match end {
                    SessionEnd::Timeout => format!(
                        "no update within {} ms (an idle desktop may send none; not a failure)",
                        FIRST_UPDATE_WAIT.as_millis()
                    ),
                    _ => format!("{e} before any update (after finalization; not a failure)"),
                };
                rec.stages.close(StageOutcome::NotChecked, Some(why));
                if end != SessionEnd::Timeout {
                    // Nothing left to disconnect.
                    return Err(Stop::Ended);
                }
                return Ok(());
            }
        }
    }
}

/// End the established connection ourselves: an MCS Disconnect Provider Ultimatum, then a bounded
/// shutdown.
async fn disconnect(rec: &mut Rec, io: &mut (dyn Io + '_), deadline: Instant) {
    rec.stages.enter(SessionStage::Disconnect);
    let dpu =
        ironrdp_pdu::mcs::DisconnectProviderUltimatum::from_reason(ironrdp_pdu::mcs::DisconnectReason::UserRequested);
    let bytes = ironrdp_pdu::encode_vec(&ironrdp_pdu::x224::X224(dpu)).unwrap_or_default();
    let bye = deadline.min(Instant::now() + Duration::from_secs(2));
    if write_all(io, &bytes, bye).await.is_ok() {
        let _ = tokio::time::timeout_at(bye.into(), io.shutdown()).await;
        rec.obs.disconnected_cleanly = true;
    }
    rec.stages.close(StageOutcome::Ok, None);
}

/// One connector step: read the frame its hint asks for (recording it), step, write the answer.
async fn step(
    conn: &mut Conn,
    io: &mut (dyn Io + '_),
    rec: &mut Rec,
    deadline: Instant,
) -> Result<(), (SessionEnd, String)> {
    let Conn { connector, buf, out } = conn;
    rec.stages.enter(stage_name(&connector.state));
    out.clear();
    let written = if let Some(hint) = connector.next_pdu_hint() {
        let frame = match read_frame(io, buf, hint, deadline).await {
            Ok(f) => f,
            Err((end, e)) => {
                return Err(if rec.obs.error_info.is_some() || rec.obs.disconnect_reason.is_some() {
                    (SessionEnd::ServerEnded, e)
                } else {
                    (end, e)
                });
            }
        };
        // The connector reads a stage's first PDU while still in the state before it (auto-detect and
        // multitransport wait for what comes next): name the stage by the PDU.
        let peek = classify_server_frame(&frame);
        match peek {
            ServerFrame::License { .. } | ServerFrame::LicenseError { .. } => rec.stages.enter(SessionStage::Licensing),
            // After Client Info the connector's auto-detect state hands anything else to licensing.
            ServerFrame::SetErrorInfo { .. } | ServerFrame::DisconnectUltimatum { .. }
                if rec.stages.current() == SessionStage::AutoDetect =>
            {
                rec.stages.enter(SessionStage::Licensing)
            }
            ServerFrame::DemandActive => rec.stages.enter(SessionStage::Capabilities),
            _ => {}
        }
        let class = rec.frame(&frame);
        match connector.step(&frame, None, out) {
            Ok(w) => w,
            Err(e) => {
                let end = end_for(&class, rec);
                if end == SessionEnd::ServerEnded {
                    drain(io, buf, rec, deadline).await;
                }
                return Err((end, format!("the connector stopped: {e}")));
            }
        }
    } else {
        connector.step_no_input(out).map_err(|e| (SessionEnd::ProtocolError, e.to_string()))?
    };
    if let Some(n) = written.size() {
        write_all(io, out.filled().get(..n).unwrap_or_default(), deadline).await?;
    }
    Ok(())
}

/// How long the frames a server sends after the one that stopped the connector are still read.
pub const DRAIN_WAIT: Duration = Duration::from_millis(300);

/// Record what the server sends after ending the sequence (a Set Error Info is followed by an MCS
/// Disconnect Provider Ultimatum, [MS-RDPBCGR] 1.3.1.3), until it closes or `DRAIN_WAIT` passes.
async fn drain(io: &mut (dyn Io + '_), buf: &mut Vec<u8>, rec: &mut Rec, deadline: Instant) {
    let until = deadline.min(Instant::now() + DRAIN_WAIT);
    for _ in 0..MAX_FRAMES {
        match read_frame(io, buf, &ironrdp_pdu::RDP_HINT, until).await {
            Ok(frame) => {
                if let ServerFrame::DisconnectUltimatum { .. } = rec.frame(&frame) {
                    return;
                }
            }
            Err(_) => return,
        }
    }
}

/// Why the connector stopped, from the frame it stopped on.
fn end_for(class: &ServerFrame, rec: &Rec) -> SessionEnd {
    match class {
        ServerFrame::SetErrorInfo { .. }
        | ServerFrame::DisconnectUltimatum { .. }
        | ServerFrame::LicenseError { .. }
        | ServerFrame::SaveSessionInfo { .. }
        | ServerFrame::DeactivateAll => SessionEnd::ServerEnded,
        ServerFrame::Redirection { .. } => SessionEnd::Redirected,
        _ if rec.obs.error_info.is_some() => SessionEnd::ServerEnded,
        _ => SessionEnd::ProtocolError,
    }
}

/// Why the connector's CredSSP exchange stopped.
#[derive(Debug, thiserror::Error)]
enum CredsspError {
    #[error("the connector is not in its CredSSP state")]
    NotInCredsspState,
    /// The connector could not start or go on with the sequence.
    #[error("{0}")]
    Connector(ironrdp_connector::ConnectorError),
    /// The CredSSP exchange itself failed (the server's answer or the client's step).
    #[error("CredSSP: {0}")]
    Credssp(ironrdp_connector::ConnectorError),
    /// The sspi client's step failed.
    #[error("CredSSP: {}", super::credssp::sspi_words(.0))]
    Sspi(sspi::Error),
    #[error("CredSSP wanted a Kerberos KDC; only NTLM is used")]
    KerberosWanted,
    /// Writing or reading the frames: the session's own words for how the transport ended.
    #[error("{0}")]
    Transport(String),
}

/// The CredSSP exchange with the connector's sequence (NTLM; a Kerberos network request is refused).
async fn credssp(
    connector: &mut ClientConnector,
    io: &mut (dyn Io + '_),
    buf: &mut Vec<u8>,
    host: &str,
    key: Vec<u8>,
    deadline: Instant,
) -> Result<(), CredsspError> {
    let selected = match connector.state {
        ClientConnectorState::Credssp { selected_protocol } => selected_protocol,
        _ => return Err(CredsspError::NotInCredsspState),
    };
    let (mut sequence, mut ts_request) = CredsspSequence::init(
        connector.config.credentials.clone(),
        connector.config.domain.as_deref(),
        selected,
        ironrdp_connector::ServerName::new(host),
        key,
        None,
    )
    .map_err(CredsspError::Connector)?;
    let mut out = WriteBuf::new();
    loop {
        let state = {
            let mut generator = sequence.process_ts_request(ts_request);
            match generator.start() {
                GeneratorState::Completed(r) => r.map_err(CredsspError::Sspi)?,
                GeneratorState::Suspended(_) => return Err(CredsspError::KerberosWanted),
            }
        };
        out.clear();
        let written = sequence.handle_process_result(state, &mut out).map_err(CredsspError::Connector)?;
        if let Some(n) = written.size() {
            write_all(io, out.filled().get(..n).unwrap_or_default(), deadline)
                .await
                .map_err(|(_, e)| CredsspError::Transport(e))?;
        }
        let Some(hint) = sequence.next_pdu_hint() else { return Ok(()) };
        let frame = read_frame(io, buf, hint, deadline).await.map_err(|(_, e)| CredsspError::Transport(e))?;
        match sequence.decode_server_message(&frame).map_err(CredsspError::Credssp)? {
            Some(next) => ts_request = next,
            None => return Ok(()),
        }
    }
}
