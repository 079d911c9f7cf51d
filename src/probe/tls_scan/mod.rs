//! A raw TLS scanner written by hand: no TLS library.
//!
//! It sends ClientHellos ([RFC 5246] 7.4.1.2, [RFC 8446] 4.1.2) with chosen versions and suites and
//! reads only the first server flight: ServerHello, Certificate (TLS <= 1.2), an alert, or a close.
//! That is enough to enumerate the versions and suites a server accepts, in its order of
//! preference, including the legacy suites no modern TLS library can speak.
//!
//! Layout, like rustls / quinn-proto:
//! * `codec::tls` ([`encode_client_hello`], [`ReplyParser`]) is the codec: bytes in, bytes out, no I/O.
//! * [`enumerate`] ([`VersionEnumerator`]) is the pure enumeration state machine: it says what to offer
//!   next and learns from each answer.
//! * this module ([`scan`], [`retry_small_mss`]) is the thin async driver: it owns sockets and deadlines.
//! * what it records is `observations::tls`.
//!
//! The probe records; it does not decide causes.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;

pub use crate::codec::tls::*;
pub use crate::observations::tls::*;
pub use enumerate::*;

mod enumerate;

use crate::knowledge::tls_suites::{self, SUITES};

// ---------------------------------------------------------------------------------------------
// Async driver
// ---------------------------------------------------------------------------------------------

/// How to scan.
#[derive(Clone)]
pub struct ScanOptions {
    /// Nothing is waited for past this instant.
    pub deadline: Instant,
    /// Longest wait for one reply (bounded by `deadline`).
    pub reply_timeout: Duration,
    /// Delay between connection starts to the server.
    pub pace: Duration,
    /// Versions to test (default SSL 3.0 .. TLS 1.3).
    pub versions: Vec<u16>,
    /// Host name for SNI.
    pub server_name: Option<String>,
    /// Most suites per hello.
    pub chunk_size: usize,
    /// Hard cap on connections.
    pub max_connections: u32,
    /// Offer the accepted suites reversed once to see whether the server follows the client order.
    pub detect_client_preference: bool,
    /// Enumeration chains per version run at once (1: one chain, the server's full order; more: the
    /// suites dealt into that many chains, see `scan_version_parallel`).
    pub parallel_chains: usize,
    /// The per-server connection limiter to share with the rest of the run; without one, the scan
    /// makes its own ([`super::limiter::DEFAULT_MAX_PARALLEL`] at once, `pace` apart).
    pub limiter: Option<super::Limiter>,
    /// `-v`: one line per hello (what was offered, what came back, how long each part took).
    pub trace: Option<crate::Trace>,
}

impl ScanOptions {
    pub fn new(deadline: Instant) -> Self {
        Self {
            deadline,
            reply_timeout: Duration::from_secs(5),
            pace: Duration::from_millis(100),
            versions: tls_suites::VERSIONS.iter().map(|v| v.code).collect(),
            server_name: None,
            chunk_size: 128,
            max_connections: 300,
            detect_client_preference: true,
            parallel_chains: 1,
            limiter: None,
            trace: None,
        }
    }
}

/// Sends one hello on `stream` and reads the reply until it is complete, the peer closes, or the
/// deadline passes. Returns the outcome and, for a ServerHello, the parsed hello.
pub async fn exchange_hello(
    stream: &mut TcpStream,
    hello: &[u8],
    deadline: Instant,
) -> (ConnOutcome, Option<ServerHello>) {
    match tokio::time::timeout_at(deadline, stream.write_all(hello)).await {
        Err(_) => return (ConnOutcome::Timeout { bytes: 0 }, None),
        Ok(Err(e)) if e.kind() == io::ErrorKind::ConnectionReset || e.kind() == io::ErrorKind::BrokenPipe => {
            return (ConnOutcome::Reset { bytes: 0 }, None);
        }
        Ok(Err(e)) => {
            return (ConnOutcome::Malformed { reason: format!("write failed: {e}") }, None);
        }
        Ok(Ok(())) => {}
    }
    let mut parser = ReplyParser::new();
    let mut buf = vec![0u8; 8192];
    let end = loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Err(_) => {
                break parser.on_eof().ok_or(ConnOutcome::Timeout { bytes: parser.bytes_received() });
            }
            Ok(Ok(0)) => {
                break parser.on_eof().ok_or(ConnOutcome::Closed { bytes: parser.bytes_received() });
            }
            Ok(Ok(n)) => {
                if let Progress::Done(r) = parser.feed(buf.get(..n).unwrap_or_default()) {
                    break Ok(r);
                }
            }
            Ok(Err(e)) => {
                let bytes = parser.bytes_received();
                break parser.on_eof().ok_or(if e.kind() == io::ErrorKind::ConnectionReset {
                    ConnOutcome::Reset { bytes }
                } else {
                    ConnOutcome::Malformed { reason: format!("read failed: {e}") }
                });
            }
        }
    };
    match end {
        Err(o) => (o, None),
        Ok(Reply::ServerHello(h)) => (
            ConnOutcome::ServerHello { version: h.version, suite: h.suite, hello_retry_request: h.hello_retry_request },
            Some(h),
        ),
        Ok(Reply::Alert { level, description }) => (ConnOutcome::Alert { level, description }, None),
        Ok(Reply::NotTls { first_bytes }) => (ConnOutcome::NotTls { first_bytes: hex::encode(&first_bytes) }, None),
        Ok(Reply::Malformed { reason }) => (ConnOutcome::Malformed { reason }, None),
    }
}

struct Shared<'a, F> {
    open: &'a F,
    opts: &'a ScanOptions,
    limiter: super::Limiter,
    budget: AtomicU32,
    log: Mutex<Vec<ConnOutcome>>,
    chain: Mutex<Option<(u16, Vec<Vec<u8>>)>>,
}

async fn one_connection<F, Fut>(sh: &Shared<'_, F>, spec: &HelloSpec) -> ConnOutcome
where
    F: Fn() -> Fut,
    Fut: Future<Output = io::Result<TcpStream>>,
{
    if sh.budget.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |b| b.checked_sub(1)).is_err() {
        return ConnOutcome::Skipped;
    }
    let Some(permit) = sh.limiter.acquire(super::Priority::Thorough, sh.opts.deadline).await else {
        return ConnOutcome::Skipped;
    };
    let now = Instant::now();
    let conn_deadline = sh.opts.deadline.min(now + sh.opts.reply_timeout);
    if now >= sh.opts.deadline {
        return ConnOutcome::Skipped;
    }
    let opened = Instant::now();
    let mut stream = match tokio::time::timeout_at(conn_deadline, (sh.open)()).await {
        Err(_) => {
            return ConnOutcome::ConnectFailed { error: "connect/negotiation timed out".into() };
        }
        Ok(Err(e)) => {
            permit.refused();
            return ConnOutcome::ConnectFailed { error: e.to_string() };
        }
        Ok(Ok(s)) => s,
    };
    let hello = encode_client_hello(spec, &fresh_random());
    let sent = Instant::now();
    let reply_deadline = sh.opts.deadline.min(sent + sh.opts.reply_timeout);
    let (outcome, hello_reply) = exchange_hello(&mut stream, &hello, reply_deadline).await;
    drop(stream);
    if let Some(trace) = &sh.opts.trace {
        let what = format!("TLS scan hello {}", tls_suites::version_label(spec.version));
        trace(&trace_line(&what, spec.suites.len(), &outcome, opened, sent));
    }
    // The server answered the hello (a ServerHello or an alert, the usual refusal of a suite): the
    // limiter may open one more connection at once.
    if matches!(outcome, ConnOutcome::ServerHello { .. } | ConnOutcome::Alert { .. }) {
        permit.answered();
    }
    drop(permit);
    if let Some(h) = hello_reply
        && let Some(chain) = h.certificate_chain
        && !chain.is_empty()
    {
        let mut c = sh.chain.lock().unwrap_or_else(|e| e.into_inner());
        // Prefer the chain from the highest version that sent one.
        if c.as_ref().is_none_or(|(v, _)| h.version > *v) {
            *c = Some((h.version, chain));
        }
    }
    sh.log.lock().unwrap_or_else(|e| e.into_inner()).push(outcome.clone());
    outcome
}

/// The `-v` line for one hello on its own connection: `what` was asked with `offered` suites, the
/// connection was opened at `opened` and the hello sent at `sent` (X.224 in between).
pub fn trace_line(what: &str, offered: usize, outcome: &ConnOutcome, opened: Instant, sent: Instant) -> String {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    format!(
        "{what} ({offered} suites): {} in {:.1} ms (after {:.1} ms of TCP and X.224)",
        traced(outcome),
        ms(sent.elapsed()),
        ms(sent - opened)
    )
}

/// The `-v` words for one hello's outcome: names where the codes have them.
fn traced(outcome: &ConnOutcome) -> String {
    match outcome {
        ConnOutcome::ServerHello { version, suite, hello_retry_request } => format!(
            "{} {} {}",
            if *hello_retry_request { "HelloRetryRequest" } else { "ServerHello" },
            tls_suites::version_label(*version),
            tls_suites::suite_name(*suite)
        ),
        ConnOutcome::Alert { description, .. } => format!("alert {}", tls_suites::alert_name(*description)),
        other => other.to_string(),
    }
}

async fn scan_version<F, Fut>(sh: &Shared<'_, F>, version: u16) -> VersionEnumResult
where
    F: Fn() -> Fut,
    Fut: Future<Output = io::Result<TcpStream>>,
{
    if sh.opts.parallel_chains > 1 {
        return scan_version_parallel(sh, version).await;
    }
    chain(sh, version, suites_for_version(version), sh.opts.chunk_size, sh.opts.detect_client_preference).await
}

/// One enumeration chain: offer, remove what was chosen, repeat (see [`VersionEnumerator`]).
async fn chain<F, Fut>(
    sh: &Shared<'_, F>,
    version: u16,
    suites: Vec<u16>,
    chunk_size: usize,
    detect_client_preference: bool,
) -> VersionEnumResult
where
    F: Fn() -> Fut,
    Fut: Future<Output = io::Result<TcpStream>>,
{
    let mut en = VersionEnumerator::new(version, suites, chunk_size, detect_client_preference);
    while let Some(offer) = en.next_offer() {
        let spec = HelloSpec { version, suites: offer.clone(), server_name: sh.opts.server_name.clone() };
        let outcome = one_connection(sh, &spec).await;
        en.record(&offer, &outcome);
    }
    en.result()
}

/// One hello offering every suite of the version first: a refused version costs that one connection
/// (the chains below would each pay one to hear the same refusal), and an accepted one names the
/// server's favourite. Then the rest of the version's suites dealt round-robin into at most
/// `parallel_chains` chains that run at once (the accepted suites, at the front of
/// [`suites_for_version`], spread over every chain), and one hello offering everything accepted in
/// reverse: the same favourite means the server imposes its own order. The order beyond the favourite
/// is each chain's own (the server's order within the suites that chain offered).
async fn scan_version_parallel<F, Fut>(sh: &Shared<'_, F>, version: u16) -> VersionEnumResult
where
    F: Fn() -> Fut,
    Fut: Future<Output = io::Result<TcpStream>>,
{
    let all = suites_for_version(version);
    let mut probe = VersionEnumerator::new(version, all.clone(), all.len().max(1), false);
    let spec = HelloSpec { version, suites: all.clone(), server_name: sh.opts.server_name.clone() };
    probe.record(&all, &one_connection(sh, &spec).await);
    let mut merged = probe.result();
    let Some(favourite) = merged.suites.first().copied() else { return merged };
    let rest: Vec<u16> = all.iter().copied().filter(|id| *id != favourite).collect();
    let k = sh.opts.parallel_chains.clamp(1, rest.len().max(1));
    let mut dealt: Vec<Vec<u16>> = vec![Vec::new(); k];
    for (i, id) in rest.iter().enumerate() {
        if let Some(d) = dealt.get_mut(i % k) {
            d.push(*id);
        }
    }
    dealt.retain(|d| !d.is_empty());
    let results = futures::future::join_all(dealt.into_iter().map(|d| {
        let n = d.len();
        chain(sh, version, d, n, false)
    }))
    .await;
    for r in &results {
        for s in &r.suites {
            if !merged.suites.contains(s) {
                merged.suites.push(*s);
            }
        }
        merged.violations.extend(r.violations.iter().cloned());
        merged.connections += r.connections;
    }
    if merged.suites.len() >= 2 {
        let reversed: Vec<u16> = merged.suites.iter().rev().copied().collect();
        let spec = HelloSpec { version, suites: reversed, server_name: sh.opts.server_name.clone() };
        let outcome = one_connection(sh, &spec).await;
        if outcome.hello_sent() {
            merged.connections += 1;
        }
        merged.server_preference = match outcome {
            // The same favourite whatever the client's order: the server imposes its own.
            ConnOutcome::ServerHello { version: v, suite, .. } if v == version => Some(suite == favourite),
            _ => None,
        };
    }
    merged
}

/// Enumerates versions and suites. `open` gives a fresh stream already past X.224 negotiation;
/// versions are scanned concurrently, connection starts are paced by `opts.pace`.
pub async fn scan<F, Fut>(open: F, opts: &ScanOptions) -> TlsScan
where
    F: Fn() -> Fut,
    Fut: Future<Output = io::Result<TcpStream>>,
{
    let started = Instant::now();
    let sh = Shared {
        open: &open,
        opts,
        limiter: opts
            .limiter
            .clone()
            .unwrap_or_else(|| super::Limiter::new(super::limiter::DEFAULT_MAX_PARALLEL, opts.pace)),
        budget: AtomicU32::new(opts.max_connections),
        log: Mutex::new(Vec::new()),
        chain: Mutex::new(None),
    };
    let mut versions = opts.versions.clone();
    versions.sort_unstable();
    versions.dedup();
    let results = futures::future::join_all(versions.iter().map(|v| scan_version(&sh, *v))).await;

    let mut scan = TlsScan::default();
    for r in &results {
        let vname = tls_suites::version_label(r.version);
        if r.outcome == VersionOutcome::Accepted {
            scan.versions.push(vname.clone());
        }
        for (i, id) in r.suites.iter().enumerate() {
            scan.suites.push(SuiteObs {
                version: vname.clone(),
                id: tls_suites::hex_id(*id),
                name: tls_suites::suite_name(*id).to_string(),
                preferred: i == 0,
                rank: u32::try_from(i).unwrap_or(u32::MAX - 1) + 1,
                version_code: r.version,
                id_code: *id,
            });
        }
        scan.version_results.push(VersionResult {
            version: vname,
            outcome: r.outcome.clone(),
            server_preference: r.server_preference,
            connections: r.connections,
        });
        scan.violations.extend(r.violations.iter().cloned());
    }
    let log = sh.log.into_inner().unwrap_or_else(|e| e.into_inner());
    summarise_outcomes(&mut scan, &log.iter().collect::<Vec<_>>());
    if let Some((_, chain)) = sh.chain.into_inner().unwrap_or_else(|e| e.into_inner()) {
        scan.certificate_chain_sha256 = chain.iter().map(|c| hex::encode(Sha256::digest(c))).collect();
        scan.certificate_chain_der = Some(chain);
    }
    scan.ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    scan
}

/// What every hello together says: how many were sent, whether every one was cut with no answer,
/// whether they stalled.
pub fn summarise_outcomes(scan: &mut TlsScan, outcomes: &[&ConnOutcome]) {
    let sent: Vec<&ConnOutcome> = outcomes.iter().copied().filter(|o| o.hello_sent()).collect();
    scan.connections = u32::try_from(sent.len()).unwrap_or(u32::MAX);
    let answered = sent.iter().any(|o| matches!(o, ConnOutcome::ServerHello { .. } | ConnOutcome::Alert { .. }));
    scan.aborted_every_hello =
        !sent.is_empty() && sent.iter().all(|o| matches!(o, ConnOutcome::Closed { .. } | ConnOutcome::Reset { .. }));
    let stalls: Vec<usize> =
        sent.iter().filter_map(|o| if let ConnOutcome::Timeout { bytes } = o { Some(*bytes) } else { None }).collect();
    scan.stalled_after_hello = !answered && !stalls.is_empty();
    scan.stalled_bytes = if scan.stalled_after_hello { stalls.iter().copied().max().unwrap_or(0) } else { 0 };
}

/// Opens a TCP connection whose MSS is clamped to `mss` (TCP_MAXSEG set before connect), so every
/// segment the peer sends is small.
pub async fn connect_small_mss(addr: SocketAddr, mss: u32, deadline: Instant) -> io::Result<TcpStream> {
    let sock =
        socket2::Socket::new(socket2::Domain::for_address(addr), socket2::Type::STREAM, Some(socket2::Protocol::TCP))?;
    clamp_mss(&sock, mss)?;
    sock.set_nonblocking(true)?;
    let std_stream: std::net::TcpStream = sock.into();
    let socket = tokio::net::TcpSocket::from_std_stream(std_stream);
    tokio::time::timeout_at(deadline, socket.connect(addr))
        .await
        .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "connect timed out"))?
}

/// TCP_MAXSEG can be set per socket on Unix only; Windows reads it (getsockopt) but never sets it.
#[cfg(unix)]
fn clamp_mss(sock: &socket2::Socket, mss: u32) -> io::Result<()> {
    sock.set_tcp_mss(mss)
}
#[cfg(not(unix))]
fn clamp_mss(_sock: &socket2::Socket, mss: u32) -> io::Result<()> {
    Err(io::Error::new(io::ErrorKind::Unsupported, format!("{MSS_CLAMP_UNAVAILABLE} (MSS {mss})")))
}

/// Retries one hello on a connection with a small MSS (e.g. 536). `negotiate` takes the fresh TCP
/// stream through X.224 (or returns it unchanged for bare TLS). If the ServerHello arrives here but
/// not on a normal connection, large packets are being dropped on the path.
pub async fn retry_small_mss<N, NFut>(
    addr: SocketAddr,
    mss: u32,
    negotiate: N,
    spec: &HelloSpec,
    deadline: Instant,
) -> SmallMssRetry
where
    N: FnOnce(TcpStream) -> NFut,
    NFut: Future<Output = io::Result<TcpStream>>,
{
    let started = Instant::now();
    let outcome = async {
        let tcp = connect_small_mss(addr, mss, deadline).await?;
        tokio::time::timeout_at(deadline, negotiate(tcp))
            .await
            .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "negotiation timed out"))?
    }
    .await;
    let outcome = match outcome {
        Err(e) => ConnOutcome::ConnectFailed { error: e.to_string() },
        Ok(mut s) => exchange_hello(&mut s, &encode_client_hello(spec, &fresh_random()), deadline).await.0,
    };
    SmallMssRetry {
        mss,
        unavailable: !cfg!(unix),
        server_hello: matches!(outcome, ConnOutcome::ServerHello { .. }),
        outcome,
        ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    }
}

#[cfg(test)]
mod tests;
