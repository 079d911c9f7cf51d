//! The TLS layer, end to end: a real rustls handshake on each path the negotiation selected (the
//! Windows client's own path travels on the first connection; see `probe::plan`), the certificate
//! chain parsed into facts, and the TLS questions answered by the hand-written scanner through X.224.
//!
//! By default the questions are *targeted*, one ClientHello each: one per client profile (which
//! clients connect, and with what: the server's choice from that client's own offer), one per TLS
//! version, and one per weak class (RC4, DES/3DES, export/NULL/anonymous). `--full-scan` enumerates
//! every (version, suite) instead, as sslscan does. When every hello stalls, one hello goes again on
//! a connection with a small MSS.
//!
//! Every connection takes its place from the per-server limiter (`ctx.limiter`), and every wait lasts
//! at most the layer's patience and never past the run's deadline. Nothing here judges a cause: the
//! diagnosis does (`diagnose/tls.rs`).

use super::network::ms_since;
use super::tls::{self, HandshakeFailure};
use super::tls_scan::{self, ConnOutcome, HelloSpec, ScanOptions, ServerHello, TlsScan};
use super::x224::{self, NegRequest, PROTOCOL_HYBRID, PROTOCOL_HYBRID_EX, PROTOCOL_SSL, WINDOWS_CLIENT_REQUEST};
use super::{Plan, Priority, ProbeContext, cert};
use crate::codec::x224::Protocol;
use crate::knowledge::client_profiles::{self, ClientProfile, ProfileVerdict};
use crate::knowledge::tls_suites::{self, TLS12};
use crate::observations::{
    CertificateSource, ChainValidation, HandshakeObs, HandshakeOutcome, NegOutcome, NegRequestObs, NegotiationObs,
    TlsObs, TlsScanMode,
};
use futures::future::join_all;
use std::io;
use std::net::SocketAddr;
use std::time::Instant;
use tokio::net::TcpStream;

/// The MSS of the retry when every hello stalls: the IPv4 default (RFC 879), small enough for any tunnel.
pub const SMALL_MSS: u32 = 536;
/// Most connections the full scan may open.
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
    let selected = |value: u32, names: &[Protocol]| {
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
            &[Protocol::Hybrid, Protocol::HybridEx][..],
            &[WINDOWS_CLIENT_REQUEST, PROTOCOL_HYBRID, PROTOCOL_SSL | PROTOCOL_HYBRID, PROTOCOL_HYBRID_EX][..],
        ),
        ("ssl", &[Protocol::Ssl][..], &[WINDOWS_CLIENT_REQUEST, PROTOCOL_SSL, PROTOCOL_SSL | PROTOCOL_HYBRID][..]),
    ] {
        if let Some(req) = prefs.iter().copied().find(|v| selected(*v, names)) {
            out.push(Path { name, request: req });
        }
    }
    // The Windows client's path first: it is the one whose certificate matters most.
    out.sort_by_key(|p| p.request != WINDOWS_CLIENT_REQUEST);
    out
}

/// The path a selected protocol name belongs to.
pub fn path_of(selected: Option<Protocol>, request: u32) -> Option<Path> {
    match selected? {
        Protocol::Hybrid | Protocol::HybridEx => Some(Path { name: "hybrid", request }),
        Protocol::Ssl => Some(Path { name: "ssl", request }),
        _ => None,
    }
}

/// A rustls handshake on `stream`, which the negotiation `neg` (for `path`) just opened. The TLS
/// session is handed back when the handshake completed, so CredSSP can go on on the same connection.
pub async fn handshake_on(
    stream: TcpStream,
    path: Path,
    neg: &NegRequestObs,
    host: &str,
    ctx: &ProbeContext,
) -> (HandshakeObs, Option<tls::TlsSession>) {
    let started = Instant::now();
    let mut obs = blank_handshake(path, neg);
    let result = tls::handshake(stream, host, ctx.patient()).await;
    obs.ms = ms_since(started) + neg.ms;
    match result {
        Ok(session) => {
            obs.outcome = HandshakeOutcome::Completed;
            obs.version = Some(session.version.to_string());
            obs.suite = Some(tls_suites::suite_name(session.suite_id).to_string());
            obs.suite_id = Some(tls_suites::hex_id(session.suite_id));
            obs.leaf_sha256 = session.chain.first().map(|c| tls::sha256_thumbprint(c));
            (obs, Some(session))
        }
        Err(e) => {
            record_failure(&mut obs, e);
            (obs, None)
        }
    }
}

fn blank_handshake(path: Path, neg: &NegRequestObs) -> HandshakeObs {
    HandshakeObs {
        path: path.name,
        request: neg.label.clone(),
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
        ms: neg.ms,
    }
}

fn record_failure(obs: &mut HandshakeObs, e: HandshakeFailure) {
    match e {
        HandshakeFailure::Alert(code) => {
            obs.outcome = HandshakeOutcome::Alert;
            obs.alert = Some(code);
            obs.alert_name = Some(tls_suites::alert_name(code).to_string());
        }
        HandshakeFailure::Closed => obs.outcome = HandshakeOutcome::Closed,
        HandshakeFailure::Reset => obs.outcome = HandshakeOutcome::Reset,
        HandshakeFailure::Timeout => obs.outcome = HandshakeOutcome::Timeout,
        HandshakeFailure::Other(text) => {
            obs.outcome = HandshakeOutcome::Failed;
            obs.detail = Some(text);
        }
    }
}

/// Negotiate `path.request` on a fresh connection (with a place from the limiter) and run a rustls
/// handshake on it. `None` when the run's deadline passed before it could start.
pub async fn handshake_path(
    addr: SocketAddr,
    path: Path,
    host: &str,
    prio: Priority,
    ctx: &ProbeContext,
) -> Option<(HandshakeObs, Option<Vec<Vec<u8>>>)> {
    let permit = ctx.permit(prio).await?;
    let req = NegRequest { protocols: Some(path.request) };
    let (neg, stream) = x224::negotiate(addr, &req, ctx).await;
    let Some(stream) = stream else {
        let mut obs = blank_handshake(path, &neg);
        obs.detail = Some(format!("the X.224 negotiation answered {}", neg_word(&neg)));
        if matches!(neg.outcome, NegOutcome::Closed | NegOutcome::Reset | NegOutcome::ConnectFailed) {
            permit.refused();
        }
        return Some((obs, None));
    };
    permit.answered();
    let (obs, session) = handshake_on(stream, path, &neg, host, ctx).await;
    let chain = session.map(|s| s.chain);
    Some((obs, chain))
}

fn neg_word(neg: &NegRequestObs) -> String {
    match neg.outcome {
        NegOutcome::Selected => format!("selected {}", neg.selected.map_or("?", Protocol::name)),
        NegOutcome::Failure => format!("RDP_NEG_FAILURE {}", neg.failure_name.unwrap_or("(unknown code)")),
        other => other.to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// Targeted questions
// ---------------------------------------------------------------------------------------------

/// A class of weak suites asked about with one hello that offers only them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeakClass {
    Rc4,
    Des,
    ExportNullAnon,
}

impl WeakClass {
    pub const ALL: [WeakClass; 3] = [WeakClass::Rc4, WeakClass::Des, WeakClass::ExportNullAnon];

    /// The suites offered for this class (TLS 1.2 and below).
    pub fn suites(self) -> Vec<u16> {
        let flags = match self {
            WeakClass::Rc4 => tls_suites::RC4,
            WeakClass::Des => tls_suites::TRIPLE_DES | tls_suites::DES,
            WeakClass::ExportNullAnon => tls_suites::EXPORT | tls_suites::NULL | tls_suites::ANON,
        };
        tls_suites::SUITES.iter().filter(|s| s.flags & flags != 0 && s.offered_in(TLS12)).map(|s| s.id).collect()
    }
}

/// One TLS question, answered by one ClientHello on its own connection.
#[derive(Debug, Clone, Copy)]
pub enum Question {
    /// Is this version accepted, and which suite does the server prefer in it?
    Version(u16),
    /// Does this client connect, and with what?
    Profile(&'static ClientProfile),
    /// Does the server accept any suite of this weak class?
    Weak(WeakClass),
}

/// The questions of the default (targeted) plan, each with its priority: the versions and the judged
/// profile decide the verdict; the other profiles and the weak classes are thoroughness.
pub fn targeted_questions(plan: &Plan) -> Vec<(Question, Priority)> {
    let mut out: Vec<(Question, Priority)> = Vec::new();
    for p in client_profiles::PROFILES.iter().filter(|p| p.name == plan.client_profile) {
        out.push((Question::Profile(p), Priority::Judged));
    }
    for v in tls_suites::VERSIONS.iter().rev() {
        out.push((Question::Version(v.code), Priority::Judged));
    }
    for p in client_profiles::PROFILES.iter().filter(|p| p.name != plan.client_profile) {
        out.push((Question::Profile(p), Priority::Thorough));
    }
    for w in WeakClass::ALL {
        out.push((Question::Weak(w), Priority::Thorough));
    }
    out
}

/// The ClientHello that asks `q`, with the spec it was built from (what was offered).
pub fn hello_for(q: &Question, host: &str, chunk_size: usize) -> (HelloSpec, Vec<u8>) {
    let random = tls_scan::fresh_random();
    let name = Some(host.to_string());
    match q {
        Question::Version(v) => {
            let spec = HelloSpec {
                version: *v,
                suites: tls_scan::suites_for_version(*v).into_iter().take(chunk_size).collect(),
                server_name: name,
            };
            let bytes = tls_scan::encode_client_hello(&spec, &random);
            (spec, bytes)
        }
        Question::Profile(p) => {
            let max = p.versions.iter().copied().max().unwrap_or(TLS12);
            let min = p.versions.iter().copied().min().unwrap_or(max);
            let spec = HelloSpec { version: max, suites: p.suites.to_vec(), server_name: name };
            let bytes = tls_scan::encode_client_hello_range(min, &spec, &random);
            (spec, bytes)
        }
        Question::Weak(w) => {
            let spec = HelloSpec { version: TLS12, suites: w.suites(), server_name: name };
            let bytes = tls_scan::encode_client_hello_range(tls_suites::SSL30, &spec, &random);
            (spec, bytes)
        }
    }
}

/// What one question got back.
#[derive(Debug, Clone)]
pub struct Answer {
    pub question: Question,
    pub offered: Vec<u16>,
    pub outcome: ConnOutcome,
    pub hello: Option<ServerHello>,
}

/// Ask one question: a place from the limiter, X.224 with `req`, the hello, the first flight back.
async fn ask(addr: SocketAddr, q: Question, prio: Priority, req: NegRequest, host: &str, ctx: &ProbeContext) -> Answer {
    let (spec, bytes) = hello_for(&q, host, tls_scan::ScanOptions::new(tokio::time::Instant::now()).chunk_size);
    let mut answer = Answer { question: q, offered: spec.suites, outcome: ConnOutcome::Skipped, hello: None };
    let Some(permit) = ctx.permit(prio).await else { return answer };
    let quiet = ProbeContext { trace: None, ..ctx.clone() };
    let opened = Instant::now();
    let (neg, stream) = x224::negotiate(addr, &req, &quiet).await;
    let Some(mut stream) = stream else {
        if matches!(neg.outcome, NegOutcome::Closed | NegOutcome::Reset | NegOutcome::ConnectFailed) {
            permit.refused();
        }
        answer.outcome = ConnOutcome::ConnectFailed { error: format!("X.224 negotiation: {}", neg_word(&neg)) };
        return answer;
    };
    // The server took the connection and answered X.224: whatever it does with the hello is its TLS
    // behaviour (a reset there is a finding, not throttling).
    permit.answered();
    let sent = Instant::now();
    let (outcome, hello) = tls_scan::exchange_hello(&mut stream, &bytes, ctx.patient().into()).await;
    if ctx.trace.is_some() {
        let what = match q {
            Question::Version(v) => format!("TLS question: version {}", tls_suites::version_label(v)),
            Question::Profile(p) => format!("TLS question: client {}", p.name),
            Question::Weak(c) => format!("TLS question: weak class {c:?}"),
        };
        ctx.trace(tls_scan::trace_line(&what, answer.offered.len(), &outcome, opened.into(), sent.into()));
    }
    answer.outcome = outcome;
    answer.hello = hello;
    answer
}

/// The answers of the targeted plan, gathered into the scan's shape, and the profiles judged.
fn gather(answers: &[Answer]) -> (TlsScan, Vec<ProfileVerdict>) {
    let mut scan = TlsScan::default();
    let mut accepted: Vec<u16> = Vec::new();
    let mut seen: Vec<(u16, u16)> = Vec::new();
    let mut chain: Option<(u16, Vec<Vec<u8>>)> = None;
    for a in answers {
        if let Question::Version(v) = a.question {
            let mut en = tls_scan::VersionEnumerator::new(v, a.offered.clone(), a.offered.len().max(1), false);
            en.record(&a.offered, &a.outcome);
            let r = en.result();
            let vname = tls_suites::version_label(v);
            if r.outcome == tls_scan::VersionOutcome::Accepted {
                accepted.push(v);
            }
            if let Some(first) = r.suites.first() {
                seen.push((v, *first));
            }
            scan.version_results.push(tls_scan::VersionResult {
                version: vname,
                outcome: r.outcome,
                server_preference: None,
                connections: r.connections,
            });
            scan.violations.extend(r.violations);
        }
    }
    accepted.sort_unstable();
    // Suites the other questions were answered with, at a version the server accepts, after the
    // version probes' own choices (the server's favourites).
    for a in answers {
        if let ConnOutcome::ServerHello { version, suite, .. } = a.outcome
            && a.offered.contains(&suite)
            && !seen.contains(&(version, suite))
        {
            seen.push((version, suite));
        }
        if let Some(h) = &a.hello
            && let Some(c) = &h.certificate_chain
            && !c.is_empty()
            && chain.as_ref().is_none_or(|(v, _)| h.version > *v)
        {
            chain = Some((h.version, c.clone()));
        }
    }
    for v in &accepted {
        let name = tls_suites::version_label(*v);
        scan.versions.push(name.clone());
        for (rank, (_, id)) in seen.iter().filter(|(sv, _)| sv == v).enumerate() {
            scan.suites.push(tls_scan::SuiteObs {
                version: name.clone(),
                id: tls_suites::hex_id(*id),
                name: tls_suites::suite_name(*id).to_string(),
                preferred: rank == 0,
                rank: u32::try_from(rank).unwrap_or(u32::MAX - 1) + 1,
                version_code: *v,
                id_code: *id,
            });
        }
    }
    let outcomes: Vec<&ConnOutcome> = answers.iter().map(|a| &a.outcome).collect();
    tls_scan::summarise_outcomes(&mut scan, &outcomes);
    if let Some((_, c)) = chain {
        scan.certificate_chain_sha256 = c.iter().map(|d| tls::sha256_thumbprint(d)).collect();
        scan.certificate_chain_der = Some(c);
    }
    let known = scan.suites_by_version();
    let profiles = answers
        .iter()
        .filter_map(|a| {
            let Question::Profile(p) = a.question else { return None };
            let chosen = match a.outcome {
                ConnOutcome::ServerHello { version, suite, .. } => Some((version, suite)),
                _ => None,
            };
            let refusal = match &a.outcome {
                ConnOutcome::Alert { description, .. } => {
                    format!("alert {description} {}", tls_suites::alert_name(*description))
                }
                // A close or reset is no answer about versions or suites (a flaky path, a broken
                // key: `tls-handshake-aborted` says so); nor is silence, not-TLS, no connection.
                _ if chosen.is_none() => return None,
                _ => String::new(),
            };
            Some(client_profiles::judge(p, &accepted, &known, chosen, &refusal))
        })
        .collect();
    (scan, profiles)
}

// ---------------------------------------------------------------------------------------------
// The layer
// ---------------------------------------------------------------------------------------------

/// The TLS layer after the negotiation: `first` is the handshake the Windows client's request already
/// made on its own connection (with the chain it got), when it made one. `None` when the server
/// never selected TLS or CredSSP.
pub async fn probe(
    host: &str,
    neg: &NegotiationObs,
    first: Option<(HandshakeObs, Option<Vec<Vec<u8>>>)>,
    plan: &Plan,
    ctx: &ProbeContext,
) -> Option<TlsObs> {
    let paths = paths(neg);
    let scan_path = paths.iter().find(|p| p.name == "ssl").or(paths.first()).copied()?;
    let started = Instant::now();
    let addr = neg.address;
    let scan_req = NegRequest { protocols: Some(scan_path.request) };

    // A real handshake on every selected path the first connection did not take.
    let done: Vec<&'static str> = first.iter().map(|(h, _)| h.path).collect();
    let other_paths: Vec<Path> = paths.iter().copied().filter(|p| !done.contains(&p.name)).collect();
    let handshakes = join_all(other_paths.iter().map(|p| handshake_path(addr, *p, host, Priority::Judged, ctx)));

    let first_stalled = first.as_ref().is_some_and(|(h, _)| h.outcome == HandshakeOutcome::Timeout);
    let mut early_mss = None;
    let (other_handshakes, scan, client_profiles, mode) = if plan.full_scan {
        let open = || async {
            let quiet = ProbeContext { trace: None, ..ctx.clone() };
            let (obs, stream) = x224::negotiate(addr, &scan_req, &quiet).await;
            stream.ok_or_else(|| io::Error::other(format!("X.224 negotiation: {}", neg_word(&obs))))
        };
        let mut opts = ScanOptions::new(tokio::time::Instant::from_std(ctx.deadline));
        opts.reply_timeout = ctx.patience;
        opts.server_name = Some(host.to_string());
        opts.max_connections = MAX_SCAN_CONNECTIONS;
        opts.limiter = Some(ctx.limiter.clone());
        opts.parallel_chains = ctx.limiter.stats().max as usize;
        opts.trace = ctx.trace.clone();
        let (h, scan) = tokio::join!(handshakes, tls_scan::scan(open, &opts));
        let profiles = client_profiles::evaluate_all(&scan.accepted_versions(), &scan.suites_by_version());
        (h, scan, profiles, TlsScanMode::Full)
    } else {
        // When the first handshake stalled, every hello will: one question and the small-MSS retry
        // beside it say whether it is the path (large packets dropped) or the server.
        let questions =
            if first_stalled { vec![(Question::Version(TLS12), Priority::Judged)] } else { targeted_questions(plan) };
        let asks = async {
            let asked = Instant::now();
            let answers =
                join_all(questions.into_iter().map(|(q, prio)| ask(addr, q, prio, scan_req, host, ctx))).await;
            (answers, u64::try_from(asked.elapsed().as_millis()).unwrap_or(u64::MAX))
        };
        let early_retry = async { if first_stalled { small_mss(addr, host, scan_req, ctx).await } else { None } };
        let (h, (answers, asked_ms), retry) = tokio::join!(handshakes, asks, early_retry);
        early_mss = retry;
        let (mut scan, profiles) = gather(&answers);
        scan.ms = asked_ms;
        (h, scan, profiles, TlsScanMode::Targeted)
    };
    let mut handshakes: Vec<(HandshakeObs, Option<Vec<Vec<u8>>>)> = first.into_iter().collect();
    handshakes.extend(other_handshakes.into_iter().flatten());
    for (h, _) in &handshakes {
        ctx.trace(format!(
            "TLS handshake via {} ({}): {} {} {}",
            h.request,
            h.path,
            h.outcome,
            h.version.as_deref().unwrap_or(""),
            h.suite.as_deref().or(h.detail.as_deref()).unwrap_or("")
        ));
    }
    ctx.trace(format!(
        "TLS {} via {}: versions [{}], {} suites, {} connections, {} ms",
        if mode == TlsScanMode::Full { "scan" } else { "questions" },
        x224::protocol_label(scan_path.request),
        scan.versions.join(", "),
        scan.suites.len(),
        scan.connections,
        scan.ms
    ));

    // Every hello stalled: try once more with a small MSS.
    let none_completed = handshakes.iter().all(|(h, _)| h.outcome != HandshakeOutcome::Completed);
    let small_mss_retry = if early_mss.is_some() {
        early_mss
    } else if scan.stalled_after_hello && none_completed && !ctx.expired() {
        small_mss(addr, host, scan_req, ctx).await
    } else {
        None
    };

    let mut chain: Option<Vec<Vec<u8>>> = None;
    let mut source = None;
    for (_, c) in &handshakes {
        if chain.is_none() && c.is_some() {
            chain = c.clone();
            source = Some(CertificateSource::Handshake);
        }
    }
    if chain.is_none() {
        chain = scan.certificate_chain_der.clone();
        source = chain.as_ref().map(|_| CertificateSource::Scan);
    }
    let now = cert::unix_now();
    let parsed: Vec<_> = chain.iter().flatten().map(|der| cert::parse(der, now)).collect();
    let validation = chain.as_ref().filter(|c| !c.is_empty()).and_then(|c| {
        let verdict = tls::verify_chain(c, host);
        Some(ChainValidation {
            name: host.to_string(),
            name_matches: cert::name_matches(parsed.first()?, host),
            trusted: verdict.is_ok(),
            error: verdict.err().map(|e| e.to_string()),
        })
    });
    let handshake_obs: Vec<HandshakeObs> = handshakes.into_iter().map(|(h, _)| h).collect();
    let connections = scan.connections
        + u32::try_from(handshake_obs.iter().filter(|h| h.outcome != HandshakeOutcome::NegotiationFailed).count())
            .unwrap_or(u32::MAX)
        + u32::from(small_mss_retry.as_ref().is_some_and(|r| !matches!(r.outcome, ConnOutcome::ConnectFailed { .. })));
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
        mode,
        ms: ms_since(started),
    })
}

/// One hello again on a connection whose MSS is clamped, when every hello stalled.
async fn small_mss(
    addr: SocketAddr,
    host: &str,
    scan_req: NegRequest,
    ctx: &ProbeContext,
) -> Option<tls_scan::SmallMssRetry> {
    let _permit = ctx.permit(Priority::Judged).await?;
    let spec = HelloSpec {
        version: TLS12,
        suites: tls_scan::suites_for_version(TLS12)
            .into_iter()
            .take(ScanOptions::new(tokio::time::Instant::now()).chunk_size)
            .collect(),
        server_name: Some(host.to_string()),
    };
    let quiet = ProbeContext { trace: None, ..ctx.clone() };
    let negotiate = |tcp| async move {
        let (obs, stream) = x224::negotiate_on(tcp, &scan_req, &quiet).await;
        stream.ok_or_else(|| io::Error::other(format!("X.224 negotiation: {}", neg_word(&obs))))
    };
    ctx.opened();
    let r = tls_scan::retry_small_mss(addr, SMALL_MSS, negotiate, &spec, ctx.patient().into()).await;
    ctx.trace(format!("TLS hello again with MSS {SMALL_MSS}: {}", r.outcome));
    Some(r)
}
