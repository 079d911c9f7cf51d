//! CredSSP layer probe ([MS-CSSP] 3.1.5): over the TLS channel of a HYBRID/HYBRID_EX negotiation.
//!
//! * `probe` needs no credentials: it sends a TSRequest (version 6) with an NTLM NEGOTIATE token and
//!   records the server's answer — its version, any errorCode, and the host facts in the NTLM CHALLENGE.
//! * `check_credentials` (opt-in) runs a real CredSSP logon with sspi's NTLM client, including
//!   pubKeyAuth and TSCredentials, and records where and how it ended. Credentials go out only when
//!   the certificate is trusted (`decide_trust`).
//!
//! The `-v` trace names the messages and their sizes, never their contents.

use super::ProbeContext;
use super::network::ms_since;
use super::tls::{self, HandshakeFailure};
use super::x224::{self, NegRequest, PROTOCOL_HYBRID, PROTOCOL_HYBRID_EX};
use crate::codec::ntlm;
use crate::codec::tsrequest::{self as codec, Frame, TsRequest};
use crate::codec::x224::Protocol;
use crate::knowledge::{self, TableId};
use crate::observations::{
    AuthOutcome, AuthenticationObs, CertTrustDecision, CredsspObs, CredsspOutcome, LogonMode, LogonStage,
    NtlmChallengeObs, SecurityPackage,
};
use crate::{CertTrust, Credentials};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

/// The TSRequest version this tool announces ([MS-CSSP] 2.2.1: 6 is current).
pub const CLIENT_VERSION: u32 = 6;

/// What the interactive certificate prompt is shown.
#[derive(Debug, Clone)]
pub struct CertPromptInfo {
    pub host: String,
    pub sha256: String,
    pub sha1: String,
    pub verify_error: String,
}

/// Asks the user whether to trust a certificate that did not verify (true: send credentials).
/// Called on a blocking thread.
pub type CertPrompt = Arc<dyn Fn(&CertPromptInfo) -> bool + Send + Sync>;

/// How a read of one TSRequest ended.
#[derive(Debug)]
enum ReadEnd {
    Frame(Vec<u8>),
    Eof(Vec<u8>),
    Reset,
    Timeout(Vec<u8>),
    Bad(Vec<u8>),
}

async fn read_tsrequest(stream: &mut TlsStream<TcpStream>, deadline: Instant) -> ReadEnd {
    let mut buf = Vec::with_capacity(512);
    let mut chunk = [0u8; 4096];
    loop {
        match codec::frame_status(&buf) {
            Frame::Complete(n) => {
                buf.truncate(n);
                return ReadEnd::Frame(buf);
            }
            Frame::Bad => return ReadEnd::Bad(buf),
            Frame::NeedMore => {}
        }
        match tokio::time::timeout_at(deadline.into(), stream.read(&mut chunk)).await {
            Err(_) => return ReadEnd::Timeout(buf),
            Ok(Ok(0)) => return ReadEnd::Eof(buf),
            Ok(Ok(n)) => buf.extend_from_slice(chunk.get(..n).unwrap_or_default()),
            Ok(Err(e)) => {
                return match tls::classify_io_error(&e) {
                    HandshakeFailure::Closed => ReadEnd::Eof(buf),
                    HandshakeFailure::Timeout => ReadEnd::Timeout(buf),
                    _ => ReadEnd::Reset,
                };
            }
        }
    }
}

/// Why a TSRequest could not be sent.
#[derive(Debug, thiserror::Error)]
enum SendError {
    #[error("sending timed out")]
    Timeout,
    #[error("sending failed: {0}")]
    Io(std::io::Error),
}

/// Why the sspi CredSSP client could not be built.
#[derive(Debug, thiserror::Error)]
enum ClientSetupError {
    /// The user name does not parse as `user`, `DOMAIN\\user` or `user@domain`.
    #[error("{0}")]
    Username(String),
    #[error("{}", sspi_words(.0))]
    Sspi(sspi::Error),
}

/// An sspi error in words: the SSPI status's name from the knowledge table (its code when the table
/// lacks it) and sspi's description; never the Debug name of sspi's `ErrorKind`.
pub fn sspi_words(e: &sspi::Error) -> String {
    let code = e.error_type as u32;
    match knowledge::lookup(TableId::SspiHresult, code) {
        Some(entry) => format!("{} (0x{code:08X}): {}", entry.name, e.description),
        None => format!("SSPI status 0x{code:08X}: {}", e.description),
    }
}

async fn send(stream: &mut TlsStream<TcpStream>, bytes: &[u8], deadline: Instant) -> Result<(), SendError> {
    match tokio::time::timeout_at(deadline.into(), async {
        stream.write_all(bytes).await?;
        stream.flush().await
    })
    .await
    {
        Err(_) => Err(SendError::Timeout),
        Ok(Err(e)) => Err(SendError::Io(e)),
        Ok(Ok(())) => Ok(()),
    }
}

/// The negotiation request to use for CredSSP: the Windows client's own (SSL|HYBRID|HYBRID_EX) when
/// the server selected a CredSSP protocol for it, else HYBRID alone.
pub fn credssp_request(neg: &crate::observations::NegotiationObs) -> Option<NegRequest> {
    let hybrid = |v: Option<u32>| v.is_some_and(|p| p == PROTOCOL_HYBRID || p == PROTOCOL_HYBRID_EX);
    if let Some(r) = neg
        .requests
        .iter()
        .find(|r| r.requested_value == Some(x224::WINDOWS_CLIENT_REQUEST) && hybrid(r.selected_value))
    {
        return Some(NegRequest { protocols: r.requested_value });
    }
    neg.requests.iter().find(|r| hybrid(r.selected_value)).map(|r| NegRequest { protocols: r.requested_value })
}

/// Connect, negotiate `req` and run the TLS handshake. On failure: the outcome and what was seen.
async fn open(
    addr: SocketAddr,
    host: &str,
    req: &NegRequest,
    ctx: &ProbeContext,
) -> Result<(tls::TlsSession, Option<Protocol>), (CredsspOutcome, String)> {
    let (neg, stream) = x224::negotiate(addr, req, ctx).await;
    let selected = neg.selected;
    let Some(stream) = stream.filter(|_| selected.is_some_and(Protocol::is_nla)) else {
        return Err((
            CredsspOutcome::NegotiationFailed,
            format!(
                "requestedProtocols {} got {}{}",
                neg.label,
                neg.outcome,
                selected.map(|s| format!(" selecting {s}")).unwrap_or_default()
            ),
        ));
    };
    match tls::handshake(stream, host, ctx.patient()).await {
        Ok(s) => Ok((s, selected)),
        Err(e) => Err((CredsspOutcome::TlsFailed, format!("TLS handshake: {e}"))),
    }
}

/// Host facts from a CHALLENGE_MESSAGE.
pub fn challenge_obs(c: &ntlm::Challenge) -> NtlmChallengeObs {
    NtlmChallengeObs {
        target_name: c.target_name.clone(),
        nb_computer_name: c.nb_computer_name.clone(),
        nb_domain_name: c.nb_domain_name.clone(),
        dns_computer_name: c.dns_computer_name.clone(),
        dns_domain_name: c.dns_domain_name.clone(),
        dns_tree_name: c.dns_tree_name.clone(),
        os_version: c.version.map(|v| format!("{}.{}.{}", v.major, v.minor, v.build)),
        os_build: c.version.map(|v| v.build as u32),
        timestamp: c.timestamp.and_then(ntlm::filetime_to_rfc3339),
        negotiate_flags: c.flags,
    }
}

fn ntstatus_name(code: u32) -> Option<&'static str> {
    knowledge::lookup(TableId::NtStatus, code).map(|e| e.name)
}

/// Read the server's answer to a NEGOTIATE into `obs` (pure: the bytes of one TSRequest).
pub fn classify_first_reply(frame: &[u8], obs: &mut CredsspObs) {
    obs.received = crate::probe::hex_prefix(frame, 64);
    let r = match codec::decode(frame) {
        Ok(r) => r,
        Err(e) => {
            obs.outcome = CredsspOutcome::Malformed;
            obs.detail = Some(format!("not a readable TSRequest: {e}"));
            return;
        }
    };
    obs.server_version = Some(r.version);
    if let Some(code) = r.error_code {
        obs.outcome = CredsspOutcome::ErrorCode;
        obs.error_code = Some(format!("0x{code:08X}"));
        obs.error_name = ntstatus_name(code);
        return;
    }
    let Some(token) = r.nego_tokens.first() else {
        obs.outcome = CredsspOutcome::OtherToken;
        obs.detail = Some("TSRequest without negoTokens".into());
        return;
    };
    match ntlm::parse_challenge(token) {
        Ok(c) => {
            obs.outcome = CredsspOutcome::Challenge;
            obs.ntlm = Some(challenge_obs(&c));
        }
        Err(ntlm::ChallengeError::NotNtlm) => {
            obs.outcome = CredsspOutcome::OtherToken;
            obs.detail = Some(format!("a {}-byte token that is not NTLM (SPNEGO or Kerberos)", token.len()));
        }
        Err(e) => {
            obs.outcome = CredsspOutcome::Malformed;
            obs.detail = Some(e.to_string());
        }
    }
}

/// The credential-less probe: NEGOTIATE out, the server's TSRequest in.
pub async fn probe(addr: SocketAddr, host: &str, req: &NegRequest, ctx: &ProbeContext) -> CredsspObs {
    let started = Instant::now();
    match open(addr, host, req, ctx).await {
        Ok((session, selected)) => probe_on(session, selected, req, started, ctx).await,
        Err((outcome, detail)) => {
            let mut obs = blank_probe_obs(req);
            obs.outcome = outcome;
            obs.detail = Some(detail);
            obs.ms = ms_since(started);
            obs
        }
    }
}

fn blank_probe_obs(req: &NegRequest) -> CredsspObs {
    CredsspObs::blank(req.label())
}

/// The credential-less probe on a TLS session already open (negotiated with `req`, which selected
/// `selected`), e.g. the connection the Windows client's own request went out on.
pub async fn probe_on(
    mut session: tls::TlsSession,
    selected: Option<Protocol>,
    req: &NegRequest,
    started: Instant,
    ctx: &ProbeContext,
) -> CredsspObs {
    let mut obs = blank_probe_obs(req);
    obs.selected = selected;
    let request = codec::encode(&TsRequest {
        version: CLIENT_VERSION,
        nego_tokens: vec![ntlm::encode_negotiate()],
        ..TsRequest::default()
    });
    ctx.trace(format!("-> TSRequest v{CLIENT_VERSION} with NTLM NEGOTIATE ({} bytes)", request.len()));
    if let Err(e) = send(&mut session.stream, &request, ctx.patient()).await {
        obs.outcome = CredsspOutcome::Reset;
        obs.detail = Some(e.to_string());
        obs.ms = ms_since(started);
        return obs;
    }
    match read_tsrequest(&mut session.stream, ctx.patient()).await {
        ReadEnd::Frame(f) => classify_first_reply(&f, &mut obs),
        ReadEnd::Eof(b) => {
            obs.outcome = if b.is_empty() { CredsspOutcome::Closed } else { CredsspOutcome::Malformed };
            obs.received = crate::probe::hex_prefix(&b, 64);
            if !b.is_empty() {
                obs.detail = Some(format!("closed after {} bytes of an incomplete TSRequest", b.len()));
            }
        }
        ReadEnd::Reset => obs.outcome = CredsspOutcome::Reset,
        ReadEnd::Timeout(b) => {
            obs.outcome = CredsspOutcome::Timeout;
            obs.received = crate::probe::hex_prefix(&b, 64);
        }
        ReadEnd::Bad(b) => {
            obs.outcome = CredsspOutcome::Malformed;
            obs.received = crate::probe::hex_prefix(&b, 64);
            obs.detail = Some("the answer is not a DER TSRequest (or is too large)".into());
        }
    }
    obs.ms = ms_since(started);
    ctx.trace(format!(
        "<- CredSSP {}: version {}, errorCode {} ({:.1} ms)",
        obs.outcome,
        obs.server_version.map_or_else(|| "none".to_string(), |v| v.to_string()),
        obs.error_code.as_deref().unwrap_or("none"),
        obs.ms
    ));
    close(&mut session.stream, ctx).await;
    obs
}

/// The longest wait for a TLS close_notify and FIN to go out: a peer that stops reading must not hold us.
const CLOSE_WAIT: std::time::Duration = std::time::Duration::from_millis(500);

/// Close the TLS stream politely, within `CLOSE_WAIT` and the run's deadline.
async fn close<S: tokio::io::AsyncWrite + Unpin>(stream: &mut S, ctx: &ProbeContext) {
    use tokio::io::AsyncWriteExt;
    let until = ctx.deadline.min(Instant::now() + CLOSE_WAIT);
    let _ = tokio::time::timeout_at(until.into(), stream.shutdown()).await;
}

/// Normalise a thumbprint typed by a user: hex digits only, lowercase.
pub fn normalise_thumbprint(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_hexdigit()).map(|c| c.to_ascii_lowercase()).collect()
}

/// Whether credentials may be sent over a channel with this chain (pure apart from the prompt).
pub fn decide_trust(
    trust: &CertTrust,
    chain: &[Vec<u8>],
    host: &str,
    prompt: Option<&CertPrompt>,
) -> (CertTrustDecision, Option<String>) {
    let Some(leaf) = chain.first() else { return (CertTrustDecision::Untrusted, Some("no certificate".into())) };
    match trust {
        CertTrust::AcceptAny => (CertTrustDecision::AcceptAny, None),
        CertTrust::Pinned(pin) => {
            if tls::sha256_thumbprint(leaf) == normalise_thumbprint(pin) {
                (CertTrustDecision::Pinned, None)
            } else {
                (CertTrustDecision::PinMismatch, Some("the certificate does not match --trust-cert".into()))
            }
        }
        CertTrust::Verify => match tls::verify_chain(chain, host).map_err(|e| e.to_string()) {
            Ok(()) => (CertTrustDecision::Verified, None),
            Err(why) => match prompt {
                Some(p) => {
                    let info = CertPromptInfo {
                        host: host.to_string(),
                        sha256: tls::sha256_thumbprint(leaf),
                        sha1: tls::sha1_thumbprint(leaf),
                        verify_error: why.clone(),
                    };
                    if p(&info) {
                        (CertTrustDecision::PromptAccepted, Some(why))
                    } else {
                        (CertTrustDecision::PromptDeclined, Some(why))
                    }
                }
                None => (CertTrustDecision::Untrusted, Some(why)),
            },
        },
    }
}

pub use crate::codec::tsrequest::subject_public_key;

/// How the credential check may proceed.
pub struct CheckInput<'a> {
    pub credentials: &'a Credentials,
    pub trust: &'a CertTrust,
    pub prompt: Option<&'a CertPrompt>,
    /// Credential-less logon (restricted admin): empty TSPasswordCreds.
    pub restricted_admin: bool,
}

/// The opt-in credential check.
pub async fn check_credentials(
    addr: SocketAddr,
    host: &str,
    req: &NegRequest,
    input: &CheckInput<'_>,
    ctx: &ProbeContext,
) -> AuthenticationObs {
    let started = Instant::now();
    let mut obs = blank_authentication(input.credentials, input.restricted_admin);
    let (mut session, selected) = match open(addr, host, req, ctx).await {
        Ok(s) => s,
        Err((_, detail)) => {
            obs.detail = Some(detail);
            obs.ms = ms_since(started);
            return obs;
        }
    };
    obs.selected = selected;
    obs.cert_sha256 = session.chain.first().map(|c| tls::sha256_thumbprint(c));
    let chain = session.chain.clone();
    let (host_s, trust, prompt) = (host.to_string(), input.trust.clone(), input.prompt.cloned());
    let (decision, why) = tokio::task::spawn_blocking(move || decide_trust(&trust, &chain, &host_s, prompt.as_ref()))
        .await
        .unwrap_or((CertTrustDecision::Untrusted, Some("the trust decision failed".into())));
    obs.cert_trust = Some(decision);
    obs.cert_verify_error = why;
    if !decision.allows_credentials() {
        obs.outcome = AuthOutcome::NotSent;
        obs.ms = ms_since(started);
        ctx.trace(format!("credentials not sent: certificate trust {decision}"));
        close(&mut session.stream, ctx).await;
        return obs;
    }
    run_exchange(&mut session, host, selected == Some(Protocol::HybridEx), input, ctx, &mut obs).await;
    close(&mut session.stream, ctx).await;
    obs.ms = ms_since(started);
    obs
}

fn sspi_client(
    spki: Vec<u8>,
    creds: &Credentials,
    restricted_admin: bool,
    host: &str,
) -> Result<sspi::credssp::CredSspClient, ClientSetupError> {
    // DOMAIN\user as a down-level name; user@domain (or a bare user) as given.
    let username = match &creds.domain {
        Some(d) => sspi::Username::new(&creds.user, Some(d)),
        None => sspi::Username::parse(&creds.user),
    }
    .map_err(|e| ClientSetupError::Username(e.to_string()))?;
    let identity = sspi::AuthIdentity { username, password: sspi::Secret::new(creds.password.to_string()) };
    let mode = if restricted_admin {
        sspi::credssp::CredSspMode::CredentialLess
    } else {
        sspi::credssp::CredSspMode::WithCredentials
    };
    sspi::credssp::CredSspClient::new(
        spki,
        sspi::Credentials::AuthIdentity(identity),
        mode,
        sspi::credssp::ClientMode::Ntlm(sspi::ntlm::NtlmConfig::new("RDP-DOCTOR".into())),
        format!("TERMSRV/{host}"),
    )
    .map_err(ClientSetupError::Sspi)
}

async fn run_exchange(
    session: &mut tls::TlsSession,
    host: &str,
    early_auth: bool,
    input: &CheckInput<'_>,
    ctx: &ProbeContext,
    obs: &mut AuthenticationObs,
) {
    let Some(spki) = session.chain.first().and_then(|c| subject_public_key(c)) else {
        obs.detail = Some("the server's certificate has no readable public key".into());
        return;
    };
    let mut client = match sspi_client(spki, input.credentials, input.restricted_admin, host) {
        Ok(c) => c,
        Err(e) => {
            obs.detail = Some(format!("cannot start the CredSSP client: {e}"));
            return;
        }
    };
    let mut incoming = sspi::credssp::TsRequest::default();
    // Client messages in order: NEGOTIATE, AUTHENTICATE (+pubKeyAuth), TSCredentials.
    let stages = [LogonStage::Negotiate, LogonStage::Authenticate, LogonStage::TsCredentials];
    for (step, stage) in stages.into_iter().enumerate() {
        obs.stage = stage;
        let state = match client.process(incoming).resolve_to_result() {
            Ok(s) => s,
            Err(e) => {
                obs.detail = Some(format!("CredSSP client error at {stage}: {}", sspi_words(&e)));
                return;
            }
        };
        let (out, last) = match state {
            sspi::credssp::ClientState::ReplyNeeded(r) => (r, false),
            sspi::credssp::ClientState::FinalMessage(r) => (r, true),
        };
        let mut bytes = Vec::new();
        if let Err(e) = out.encode_ts_request(&mut bytes) {
            obs.detail = Some(format!("encoding the TSRequest: {e}"));
            return;
        }
        drop(out);
        if step >= 1 {
            obs.credentials_sent = true;
        }
        // Never the token contents: AUTHENTICATE and TSCredentials carry secrets.
        ctx.trace(format!("-> TSRequest ({stage}, {} bytes, contents redacted)", bytes.len()));
        let sent = send(&mut session.stream, &bytes, ctx.patient()).await;
        zeroize::Zeroize::zeroize(&mut bytes);
        if let Err(e) = sent {
            obs.detail = Some(e.to_string());
            if step == 1 {
                obs.outcome = AuthOutcome::ClosedAfterAuthenticate;
            }
            return;
        }
        if last {
            obs.stage = LogonStage::TsCredentials;
            finish(session, early_auth, input.restricted_admin, ctx, obs).await;
            return;
        }
        let reply = read_tsrequest(&mut session.stream, ctx.patient()).await;
        let frame = match reply {
            ReadEnd::Frame(f) => f,
            ReadEnd::Eof(_) | ReadEnd::Reset if step == 1 => {
                obs.outcome = AuthOutcome::ClosedAfterAuthenticate;
                obs.detail = Some("the server closed the connection right after the NTLM AUTHENTICATE message, without a TSRequest errorCode".into());
                ctx.trace("<- connection closed after AUTHENTICATE");
                return;
            }
            other => {
                obs.detail = Some(format!("after {stage}: {}", describe_end(&other)));
                return;
            }
        };
        let mine = match codec::decode(&frame) {
            Ok(r) => r,
            Err(e) => {
                obs.detail = Some(format!("after {stage}: not a readable TSRequest: {e}"));
                return;
            }
        };
        obs.server_version = Some(mine.version);
        ctx.trace(format!(
            "<- TSRequest v{} ({} bytes{})",
            mine.version,
            frame.len(),
            mine.error_code.map(|c| format!(", errorCode 0x{c:08X}")).unwrap_or_default()
        ));
        if let Some(code) = mine.error_code {
            obs.outcome = AuthOutcome::ErrorCode;
            obs.error_code = Some(format!("0x{code:08X}"));
            obs.error_name = ntstatus_name(code);
            return;
        }
        obs.stage = if step == 0 { LogonStage::Challenge } else { LogonStage::PubKeyAuth };
        incoming = match sspi::credssp::TsRequest::from_buffer(&frame) {
            Ok(r) => r,
            Err(e) => {
                obs.detail = Some(format!("the CredSSP client cannot read the TSRequest: {e}"));
                return;
            }
        };
    }
}

fn describe_end(e: &ReadEnd) -> String {
    match e {
        ReadEnd::Frame(_) => "a TSRequest".into(),
        ReadEnd::Eof(b) if b.is_empty() => "the server closed the connection".into(),
        ReadEnd::Eof(b) => format!("the server closed the connection after {} bytes of a TSRequest", b.len()),
        ReadEnd::Reset => "the server reset the connection".into(),
        ReadEnd::Timeout(_) => "no answer before the deadline".into(),
        ReadEnd::Bad(b) => format!("bytes that are not a TSRequest ({})", crate::probe::hex_prefix(b, 16)),
    }
}

/// After TSCredentials: HYBRID_EX reads the Early User Authorization Result ([MS-RDPBCGR] 2.2.10);
/// a restricted-admin logon watches for a close; otherwise the server's pubKeyAuth already proved it
/// accepted the NTLM logon.
async fn finish(
    session: &mut tls::TlsSession,
    early_auth: bool,
    restricted_admin: bool,
    ctx: &ProbeContext,
    obs: &mut AuthenticationObs,
) {
    if early_auth {
        obs.stage = LogonStage::EarlyUserAuthorization;
        let mut b = [0u8; 4];
        match tokio::time::timeout_at(ctx.patient().into(), session.stream.read_exact(&mut b)).await {
            Ok(Ok(_)) => {
                let v = u32::from_le_bytes(b);
                obs.early_auth_result = Some(v);
                obs.early_auth_name = knowledge::credssp::early_user_auth_result(v).map(|e| e.0);
                ctx.trace(format!("<- Early User Authorization Result {v}"));
                obs.outcome = if v == 0 { AuthOutcome::Accepted } else { AuthOutcome::AuthorizationDenied };
            }
            Ok(Err(e)) => {
                obs.outcome = AuthOutcome::Failed;
                obs.detail = Some(format!("no Early User Authorization Result: {e}"));
            }
            Err(_) => {
                obs.outcome = AuthOutcome::Failed;
                obs.detail = Some("no Early User Authorization Result before the deadline".into());
            }
        }
        return;
    }
    if restricted_admin {
        // A server that refuses the credential-less logon closes after TSCredentials.
        let wait = (Instant::now() + Duration::from_millis(500)).min(ctx.deadline);
        let mut b = [0u8; 64];
        match tokio::time::timeout_at(wait.into(), session.stream.read(&mut b)).await {
            Ok(Ok(0)) | Ok(Err(_)) => {
                obs.outcome = AuthOutcome::ClosedAfterAuthenticate;
                obs.detail = Some("the server closed the connection after the empty TSCredentials".into());
                return;
            }
            _ => {}
        }
    }
    obs.outcome = AuthOutcome::Accepted;
}

/// The credential check's record for a server that offers no CredSSP: nothing could be checked at
/// the NLA layer (the session layer checks credentials later).
pub fn not_checked_without_nla(creds: &Credentials, restricted_admin: bool) -> AuthenticationObs {
    AuthenticationObs {
        outcome: AuthOutcome::NoNla,
        detail: Some("the server selected no CredSSP protocol for any request".into()),
        ..blank_authentication(creds, restricted_admin)
    }
}

/// The credential check's record before anything happened: who, how, and nothing sent yet.
fn blank_authentication(creds: &Credentials, restricted_admin: bool) -> AuthenticationObs {
    AuthenticationObs {
        user: creds.user.clone(),
        domain: creds.domain.clone(),
        mode: if restricted_admin { LogonMode::RestrictedAdmin } else { LogonMode::Password },
        package: SecurityPackage::Ntlm,
        selected: None,
        cert_sha256: None,
        cert_trust: None,
        cert_verify_error: None,
        credentials_sent: false,
        outcome: AuthOutcome::Failed,
        stage: LogonStage::Negotiate,
        server_version: None,
        error_code: None,
        error_name: None,
        early_auth_result: None,
        early_auth_name: None,
        detail: None,
        ms: 0.0,
    }
}
