//! The TLS layer, end to end: for each path the negotiation selected (SSL and/or HYBRID) a real rustls
//! handshake on a fresh connection; the certificate chain parsed into facts; the hand-written scanner
//! run through X.224 for versions and suites; the client profiles checked against what it found; and,
//! when every hello stalls, one hello again on a connection with a small MSS.
//!
//! Every connection of the layer takes its turn from one pacer (`ctx.pace` apart) and waits no longer
//! than the run's deadline. Nothing here judges: the diagnosis does (`diagnose/tls.rs`).

use super::network::{futures_join_all, ms_since};
use super::tls::{self, HandshakeFailure};
use super::tls_scan::{self, HelloSpec, ScanOptions};
use super::x224::{self, NegRequest, PROTOCOL_HYBRID, PROTOCOL_HYBRID_EX, PROTOCOL_SSL, WINDOWS_CLIENT_REQUEST};
use super::{Plan, ProbeContext, cert};
use crate::knowledge::client_profiles;
use crate::knowledge::tls_suites::{self, TLS12};
use crate::observations::{ChainValidation, HandshakeObs, HandshakeOutcome, NegOutcome, NegotiationObs, TlsObs};
use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// The MSS of the retry when every hello stalls: the IPv4 default (RFC 879), small enough for any tunnel.
pub const SMALL_MSS: u32 = 536;
/// Longest wait for one answer in this layer, when the deadline is further away.
pub const REPLY_TIMEOUT: Duration = Duration::from_secs(5);
/// Most connections the scanner may open.
pub const MAX_SCAN_CONNECTIONS: u32 = 150;

/// One path to test: the protocol the server selected and the request that made it select it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Path {
    pub name: &'static str,
    pub request: u32,
}

/// The paths the negotiation selected, each with the request to reach it again: the Windows client's
/// request (0xB) when it led there, else the narrowest request that did.
pub fn paths(neg: &NegotiationObs) -> Vec<Path> {
    let selected = |value: u32, names: &[&str]| {
        neg.requests.iter().any(|r| {
            r.requested_value == Some(value)
                && r.outcome == NegOutcome::Selected
                && r.selected.is_some_and(|s| names.contains(&s))
        })
    };
    let mut out = Vec::new();
    for (name, names, prefs) in [
        (
            "hybrid",
            &["hybrid", "hybrid_ex"][..],
            &[WINDOWS_CLIENT_REQUEST, PROTOCOL_HYBRID, PROTOCOL_SSL | PROTOCOL_HYBRID, PROTOCOL_HYBRID_EX][..],
        ),
        ("ssl", &["ssl"][..], &[WINDOWS_CLIENT_REQUEST, PROTOCOL_SSL, PROTOCOL_SSL | PROTOCOL_HYBRID][..]),
    ] {
        if let Some(req) = prefs.iter().copied().find(|v| selected(*v, names)) {
            out.push(Path { name, request: req });
        }
    }
    // The Windows client's path first: it is the one whose certificate matters most.
    out.sort_by_key(|p| p.request != WINDOWS_CLIENT_REQUEST);
    out
}

/// How much faster than `--pace-ms` the layer's connections start once the server has coped with the
/// negotiation matrix.
pub const SCAN_PACE_DIVISOR: u32 = 5;

/// Run the layer against the address the negotiation used. `None` when the server never selected
/// TLS or CredSSP.
pub async fn probe(host: &str, neg: &NegotiationObs, plan: &Plan, ctx: &ProbeContext) -> Option<TlsObs> {
    let paths = paths(neg);
    let scan_path = paths.iter().find(|p| p.name == "ssl").or(paths.first()).copied()?;
    let started = Instant::now();
    let addr = neg.address;
    let quiet = ProbeContext { trace: None, ..ctx.clone() };
    // A server that took the whole negotiation matrix without cutting a connection copes with faster
    // reconnects: the layer's connections then start a fifth of the pace apart.
    let coped = neg.requests.iter().all(|r| !r.retried && !matches!(r.outcome, NegOutcome::Closed | NegOutcome::Reset));
    let pace = if coped { ctx.pace / SCAN_PACE_DIVISOR } else { ctx.pace };
    let pacer = super::Pacer::new(pace);
    // Leave room after a stall for the small-MSS retry: no single wait takes more than about a
    // third of what is left.
    let left = ctx.deadline.saturating_duration_since(started);
    let reply_timeout = REPLY_TIMEOUT.min(left.mul_f64(0.35)).max(Duration::from_millis(50));

    let handshakes =
        futures_join_all(paths.iter().map(|p| handshake_path(addr, *p, host, &pacer, &quiet, reply_timeout)));

    let scan_req = NegRequest { protocols: Some(scan_path.request) };
    let open = || {
        let (pacer, quiet) = (&pacer, &quiet);
        async move {
            pacer.wait().await;
            let (obs, stream) = x224::negotiate(addr, &scan_req, quiet).await;
            stream.ok_or_else(|| io::Error::other(format!("X.224 negotiation: {:?}", obs.outcome)))
        }
    };
    let mut opts = ScanOptions::new(tokio::time::Instant::from_std(ctx.deadline));
    opts.reply_timeout = reply_timeout;
    opts.pace = Duration::ZERO; // the layer's pacer, in `open`, spaces the connections
    opts.server_name = Some(host.to_string());
    opts.max_connections = MAX_SCAN_CONNECTIONS;
    let scan = tls_scan::scan(open, &opts);

    let (handshakes, scan) = tokio::join!(handshakes, scan);
    let mut handshake_obs = Vec::new();
    let mut chain: Option<Vec<Vec<u8>>> = None;
    for (obs, c) in handshakes {
        ctx.trace(format!(
            "TLS handshake via {} ({}): {:?} {} {}",
            obs.request,
            obs.path,
            obs.outcome,
            obs.version.as_deref().unwrap_or(""),
            obs.suite.as_deref().or(obs.detail.as_deref()).unwrap_or("")
        ));
        if chain.is_none() {
            chain = c;
        }
        handshake_obs.push(obs);
    }
    ctx.trace(format!(
        "TLS scan via {}: versions {:?}, {} suites, {} connections, {} ms",
        x224::protocol_label(scan_path.request),
        scan.versions,
        scan.suites.len(),
        scan.connections,
        scan.ms
    ));

    // Every hello stalled: try once more with a small MSS.
    let none_completed = handshake_obs.iter().all(|h| h.outcome != HandshakeOutcome::Completed);
    let small_mss_retry = if scan.stalled_after_hello && none_completed {
        let spec = HelloSpec {
            version: TLS12,
            suites: tls_scan::suites_for_version(TLS12).into_iter().take(opts.chunk_size).collect(),
            server_name: Some(host.to_string()),
        };
        pacer.wait().await;
        let negotiate = |tcp| async move {
            let (obs, stream) = x224::negotiate_on(tcp, &scan_req, &quiet).await;
            stream.ok_or_else(|| io::Error::other(format!("X.224 negotiation: {:?}", obs.outcome)))
        };
        let r =
            tls_scan::retry_small_mss(addr, SMALL_MSS, negotiate, &spec, tokio::time::Instant::from_std(ctx.deadline))
                .await;
        ctx.trace(format!("TLS hello again with MSS {SMALL_MSS}: {:?}", r.outcome));
        Some(r)
    } else {
        None
    };

    let mut source = chain.as_ref().map(|_| "handshake");
    if chain.is_none() {
        chain = scan.certificate_chain_der.clone();
        source = chain.as_ref().map(|_| "scan");
    }
    let now = cert::unix_now();
    let parsed: Vec<_> = chain.iter().flatten().map(|der| cert::parse(der, now)).collect();
    let validation = chain.as_ref().filter(|c| !c.is_empty()).map(|c| {
        let verdict = tls::verify_chain(c, host);
        ChainValidation {
            name: host.to_string(),
            name_matches: cert::name_matches(&parsed[0], host),
            trusted: verdict.is_ok(),
            error: verdict.err(),
        }
    });

    let client_profiles = client_profiles::evaluate_all(&scan.accepted_versions(), &scan.suites_by_version());
    let connections = scan.connections
        + handshake_obs.iter().filter(|h| h.outcome != HandshakeOutcome::NegotiationFailed).count() as u32
        + u32::from(
            small_mss_retry.as_ref().is_some_and(|r| !matches!(r.outcome, tls_scan::ConnOutcome::ConnectFailed { .. })),
        );
    Some(TlsObs {
        address: addr,
        handshakes: handshake_obs,
        scan_request: x224::protocol_label(scan_path.request),
        versions: scan.versions,
        version_results: scan.version_results,
        suites: scan.suites,
        certificate_source: source,
        certificate: parsed.first().cloned(),
        chain: parsed,
        validation,
        client_profile: plan.client_profile.to_string(),
        client_profiles,
        aborted_every_hello: scan.aborted_every_hello,
        stalled_after_hello: scan.stalled_after_hello,
        stalled_bytes: scan.stalled_bytes,
        small_mss_retry,
        violations: scan.violations,
        connections,
        ms: ms_since(started),
    })
}

/// Negotiate `path.request` on a fresh connection and run a rustls handshake on it.
async fn handshake_path(
    addr: SocketAddr,
    path: Path,
    host: &str,
    pacer: &super::Pacer,
    ctx: &ProbeContext,
    reply_timeout: Duration,
) -> (HandshakeObs, Option<Vec<Vec<u8>>>) {
    pacer.wait().await;
    let started = Instant::now();
    let req = NegRequest { protocols: Some(path.request) };
    let (neg, stream) = x224::negotiate(addr, &req, ctx).await;
    let mut obs = HandshakeObs {
        path: path.name,
        request: req.label(),
        requested_value: path.request,
        selected: neg.selected,
        outcome: HandshakeOutcome::NegotiationFailed,
        version: None,
        suite: None,
        suite_id: None,
        alert: None,
        alert_name: None,
        detail: None,
        leaf_sha256: None,
        ms: 0.0,
    };
    let Some(stream) = stream else {
        obs.detail = Some(format!("the X.224 negotiation answered {:?}", neg.outcome));
        obs.ms = ms_since(started);
        return (obs, None);
    };
    let deadline = ctx.deadline.min(Instant::now() + reply_timeout);
    let result = tls::handshake(stream, host, deadline).await;
    obs.ms = ms_since(started);
    match result {
        Ok(session) => {
            obs.outcome = HandshakeOutcome::Completed;
            obs.version = Some(session.version.to_string());
            obs.suite = Some(tls_suites::suite_name(session.suite_id).to_string());
            obs.suite_id = Some(tls_suites::hex_id(session.suite_id));
            obs.leaf_sha256 = session.chain.first().map(|c| tls::sha256_thumbprint(c));
            (obs, Some(session.chain))
        }
        Err(e) => {
            match e {
                HandshakeFailure::Alert(name) => {
                    obs.outcome = HandshakeOutcome::Alert;
                    obs.alert = tls::alert_code(&name);
                    obs.alert_name = Some(obs.alert.map(tls_suites::alert_name).unwrap_or(&name).to_string());
                }
                HandshakeFailure::Closed => obs.outcome = HandshakeOutcome::Closed,
                HandshakeFailure::Reset => obs.outcome = HandshakeOutcome::Reset,
                HandshakeFailure::Timeout => obs.outcome = HandshakeOutcome::Timeout,
                HandshakeFailure::Other(text) => {
                    obs.outcome = HandshakeOutcome::Failed;
                    obs.detail = Some(text);
                }
            }
            (obs, None)
        }
    }
}
