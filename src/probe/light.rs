//! The light probe: ONE connection per host, as the Windows client opens it. Name resolution, a TCP
//! connect (addresses in the resolver's order, the first that accepts), the client's own X.224
//! Connection Request (SSL|HYBRID|HYBRID_EX, 0xB, [MS-RDPBCGR] 2.2.1.1.1), and, on the same
//! connection, the TLS handshake on the path the server selected ([MS-RDPBCGR] 5.4.5.1) for its
//! certificate. It is what `scan --quick`, `watch` and the exporter's `quick` module run.
//!
//! It records the same observations as the full probe (`NetworkObs`, `NegotiationObs` with one
//! request, `TlsObs` with one handshake and no scan) so the same diagnosis rules apply; it decides
//! nothing.

use super::network::{self, ms_since};
use super::tls;
use super::x224::{self, NegRequest, WINDOWS_CLIENT_REQUEST};
use super::{ProbeContext, cert};
use crate::codec::x224::Protocol;
use crate::observations::{
    CertificateSource, ChainValidation, ConnectOutcome, FailureKind, HandshakeOutcome, LightStage, NegOutcome,
    NegotiationObs, NetworkObs, Observations, ProbeSample, TlsObs,
};
use crate::target::Target;
use std::net::SocketAddr;
use std::time::Instant;

/// Walk the one connection. The run's deadline (`ctx.deadline`) bounds every wait; what it cut is
/// recorded in `observations.budget`, as the full probe does.
pub async fn run(target: &Target, ctx: &ProbeContext) -> Observations {
    let mut obs = walk(target, ctx).await;
    obs.budget = Some(super::plan::light_budget(&obs, ctx));
    obs
}

async fn walk(target: &Target, ctx: &ProbeContext) -> Observations {
    let mut obs = Observations::default();
    let resolve = network::resolve(&target.host, target.port, ctx).await;
    let mut attempts = Vec::new();
    let mut stream = None;
    // One connection: try the addresses in order and keep the first that accepts, as a client does.
    for ip in &resolve.addresses {
        let (attempt, s) = network::connect(SocketAddr::new(*ip, target.port), ctx).await;
        attempts.push(attempt);
        if s.is_some() {
            stream = s;
            break;
        }
    }
    let connected = stream.as_ref().and(attempts.last().map(|a| a.address));
    let connections_opened = u32::try_from(attempts.len()).unwrap_or(u32::MAX);
    obs.network = Some(NetworkObs { resolve, attempts, connected, connections_opened, politeness: None });
    let (Some(addr), Some(stream)) = (connected, stream) else { return obs };

    let started = Instant::now();
    let req = NegRequest { protocols: Some(WINDOWS_CLIENT_REQUEST) };
    let (neg_obs, stream) = x224::negotiate_on(stream, &req, ctx).await;
    let requests = vec![neg_obs];
    let (supports, nla_required, restricted_admin, redirected_auth) = crate::observations::capabilities(&requests);
    let selected = requests.first().and_then(|r| r.selected);
    obs.negotiation = Some(NegotiationObs {
        address: addr,
        requests,
        supports,
        // One request that offered CredSSP cannot show that the server refuses clients without it:
        // known only when the server did not select CredSSP (then NLA is plainly not required).
        nla_required: nla_required.filter(|r| !r),
        restricted_admin,
        redirected_auth,
        ms: ms_since(started),
    });
    let Some(stream) = stream else { return obs };
    let path = match selected {
        Some(Protocol::Ssl) => "ssl",
        Some(Protocol::Hybrid | Protocol::HybridEx) => "hybrid",
        // Standard RDP Security (or a value we do not know): no TLS on this path.
        _ => return obs,
    };
    let first = obs.negotiation.as_ref().and_then(|n| n.requests.first()).cloned();
    let Some(first) = first else { return obs };
    obs.tls = Some(handshake(stream, addr, path, &first, &target.host, ctx).await);
    obs
}

/// The TLS handshake on a connection the negotiation moved to TLS or CredSSP, recorded as a `TlsObs`
/// with one handshake and no version or suite scan.
async fn handshake(
    stream: tokio::net::TcpStream,
    addr: SocketAddr,
    path: &'static str,
    first: &crate::observations::NegRequestObs,
    host: &str,
    ctx: &ProbeContext,
) -> TlsObs {
    let started = Instant::now();
    let on = super::tls_layer::Path { name: path, request: WINDOWS_CLIENT_REQUEST };
    let (mut h, session) = super::tls_layer::handshake_on(stream, on, first, host, ctx).await;
    // The handshake alone (the negotiation has its own time in `negotiation.ms`).
    h.ms = ms_since(started);
    let chain = session.map(|s| s.chain).unwrap_or_default();
    ctx.trace(format!("TLS handshake on the same connection ({path}): {}", h.outcome));
    let now = cert::unix_now();
    let parsed: Vec<_> = chain.iter().map(|der| cert::parse(der, now)).collect();
    let validation = parsed.first().map(|leaf| {
        let verdict = tls::verify_chain(&chain, host);
        ChainValidation {
            name: host.to_string(),
            name_matches: cert::name_matches(leaf, host),
            trusted: verdict.is_ok(),
            error: verdict.err().map(|e| e.to_string()),
        }
    });
    TlsObs {
        address: addr,
        handshakes: vec![h],
        scan_request: String::new(),
        versions: Vec::new(),
        version_results: Vec::new(),
        suites: Vec::new(),
        certificate_source: parsed.first().map(|_| CertificateSource::Handshake),
        certificate: parsed.first().cloned(),
        chain: parsed,
        validation,
        client_profile: String::new(),
        client_profiles: Vec::new(),
        aborted_every_hello: false,
        stalled_after_hello: false,
        stalled_bytes: 0,
        small_mss_retry: None,
        violations: Vec::new(),
        connections: 1,
        mode: crate::observations::TlsScanMode::HandshakeOnly,
        ms: ms_since(started),
    }
}

/// Where a light probe's observations stop, how, and how long each step took: one `watch` sample.
pub fn sample(seq: u32, obs: &Observations, total_ms: f64) -> ProbeSample {
    let mut out = ProbeSample {
        seq,
        stage: LightStage::Done,
        failure: None,
        connect_ms: None,
        negotiation_ms: None,
        handshake_ms: None,
        total_ms,
    };
    let Some(net) = &obs.network else {
        out.stage = LightStage::Resolve;
        out.failure = Some(FailureKind::Other);
        return out;
    };
    if net.resolve.addresses.is_empty() {
        out.stage = LightStage::Resolve;
        out.failure = Some(if net.resolve.error.as_deref().is_some_and(|e| e.contains("deadline")) {
            FailureKind::Timeout
        } else {
            FailureKind::Other
        });
        return out;
    }
    out.connect_ms = net.attempts.last().map(|a| a.ms);
    if net.connected.is_none() {
        out.stage = LightStage::Connect;
        let last = net.attempts.last();
        // A connection reset while the connect completes (accepted, then RST at once) is a reset too.
        let reset_text =
            last.and_then(|a| a.error.as_deref()).is_some_and(|e| e.to_ascii_lowercase().contains("reset"));
        out.failure = Some(match last.map(|a| a.outcome) {
            Some(ConnectOutcome::Refused) => FailureKind::Reset,
            Some(ConnectOutcome::Timeout) => FailureKind::Timeout,
            _ if reset_text => FailureKind::Reset,
            _ => FailureKind::Other,
        });
        return out;
    }
    let Some(req) = obs.negotiation.as_ref().and_then(|n| n.requests.first()) else {
        out.stage = LightStage::Negotiation;
        out.failure = Some(FailureKind::Other);
        return out;
    };
    out.negotiation_ms = Some(req.ms);
    if !matches!(req.outcome, NegOutcome::Selected | NegOutcome::Legacy) {
        out.stage = LightStage::Negotiation;
        out.failure = Some(match req.outcome {
            NegOutcome::Reset => FailureKind::Reset,
            NegOutcome::Closed => FailureKind::Closed,
            NegOutcome::Timeout => FailureKind::Timeout,
            NegOutcome::Failure => FailureKind::Refused,
            _ => FailureKind::Other,
        });
        return out;
    }
    if let Some(h) = obs.tls.as_ref().and_then(|t| t.handshakes.first()) {
        out.handshake_ms = Some(h.ms);
        if h.outcome != HandshakeOutcome::Completed {
            out.stage = LightStage::Tls;
            out.failure = Some(match h.outcome {
                HandshakeOutcome::Reset => FailureKind::Reset,
                HandshakeOutcome::Closed => FailureKind::Closed,
                HandshakeOutcome::Timeout => FailureKind::Timeout,
                HandshakeOutcome::Alert => FailureKind::Refused,
                _ => FailureKind::Other,
            });
        }
    }
    out
}
