//! `rdp-doctor scan`: diagnose a fleet. Each host gets the light probe (`--quick`: one connection)
//! or the full diagnosis, at most `concurrency` at once and, with `rate`, no more than that many new
//! hosts a second; every report is handed to the caller's sink the moment it finishes (JSON Lines,
//! CSV rows), and only a small [`HostRow`] per host is kept for the summary.

pub mod command;
pub mod diff;
pub mod output;
pub mod targets;

use crate::diagnose::{Severity, Verdict};
use crate::report::Report;
use crate::{Options, run_diagnosis, run_light};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use targets::ScanTarget;
use tokio::sync::{Notify, Semaphore, mpsc};

/// Hosts in flight by default for `--quick` (one connection each; sized for 2 cores).
pub const DEFAULT_CONCURRENCY_QUICK: usize = 512;
/// Hosts in flight by default for the full diagnosis. Each opens tens of connections under its own
/// per-server limit (`probe::limiter`), so it spends most of its time waiting on the network: many
/// hosts at once cost little CPU.
pub const DEFAULT_CONCURRENCY_FULL: usize = 256;

/// Raise the soft limit on open files to the hard limit (a scan holds a socket per connection in
/// flight, and 1,024 is the usual soft default). Returns the soft limit in force afterwards.
#[cfg(unix)]
// getrlimit/setrlimit are C calls: the one unsafe block of the scan (Cargo.toml denies unsafe_code).
#[allow(unsafe_code)]
pub fn raise_open_files_limit() -> u64 {
    let mut lim = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit/setrlimit only read and write the struct passed by pointer.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
            return 1024;
        }
        if lim.rlim_cur < lim.rlim_max {
            let raised = libc::rlimit { rlim_cur: lim.rlim_max, rlim_max: lim.rlim_max };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                lim.rlim_cur = lim.rlim_max;
            }
        }
    }
    lim.rlim_cur
}

/// Windows has no per-process soft limit on sockets to raise (WinSock's limit is far above a scan's).
#[cfg(not(unix))]
pub fn raise_open_files_limit() -> u64 {
    16_384
}

/// How deep each host is probed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// The light probe: one connection.
    Quick,
    /// `run_diagnosis` with the options given.
    Full,
}

pub struct ScanOptions {
    pub depth: Depth,
    /// Per-host options (`timeout` is the per-host deadline).
    pub host: Options,
    pub concurrency: usize,
    /// New hosts started per second, at most.
    pub rate: Option<f64>,
}

/// Set to stop starting hosts (Ctrl-C); the ones in flight finish or meet their deadline.
#[derive(Clone, Default)]
pub struct StopSignal {
    flag: Arc<AtomicBool>,
    notify: Arc<Notify>,
}

impl StopSignal {
    pub fn stop(&self) {
        self.flag.store(true, Ordering::SeqCst);
        self.notify.notify_waiters();
    }

    pub fn stopped(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }

    /// Resolves once `stop` was called.
    pub async fn wait(&self) {
        let notified = self.notify.notified();
        if self.stopped() {
            return;
        }
        notified.await;
    }
}

/// What the summary keeps of one host.
#[derive(Debug, Clone)]
pub struct HostRow {
    pub target: String,
    pub address: Option<String>,
    pub verdict: Verdict,
    pub top: Option<(crate::diagnose::FindingId, Severity)>,
    pub findings: Vec<crate::diagnose::FindingId>,
}

impl HostRow {
    pub fn from_report(r: &Report) -> HostRow {
        HostRow {
            target: r.target.input.clone(),
            address: output::address(r),
            verdict: r.verdict,
            top: r.findings.first().map(|f| (f.id, f.severity)),
            findings: r.findings.iter().map(|f| f.id).collect(),
        }
    }
}

/// The run's totals.
#[derive(Debug, Default)]
pub struct Summary {
    pub rows: Vec<HostRow>,
    /// Hosts never started because the scan was stopped.
    pub not_started: usize,
    pub interrupted: bool,
    pub elapsed: Duration,
}

impl Summary {
    /// The exit status: 1 if any host is failing or unreachable, else 4 if any is incomplete (or the
    /// scan was interrupted), else 0.
    pub fn exit_code(&self) -> u8 {
        let mut code = if self.interrupted { EXIT_INCOMPLETE } else { 0 };
        for r in &self.rows {
            code = worse(code, host_exit_code(r.verdict));
        }
        code
    }
}

pub const EXIT_INCOMPLETE: u8 = 4;

/// One host's exit status, from its verdict (the verdict's own mapping: 0, 1, or 4 for incomplete).
pub fn host_exit_code(v: Verdict) -> u8 {
    u8::try_from(v.exit_code()).unwrap_or(1)
}

/// The status that says more: a failing host (1) before an incomplete one (4) before healthy (0).
pub fn worse(a: u8, b: u8) -> u8 {
    let rank = |c: u8| match c {
        0 => 0,
        EXIT_INCOMPLETE => 1,
        _ => 2,
    };
    if rank(b) > rank(a) { b } else { a }
}

/// Scan `list`, handing each finished report to `sink` with the target it came from, in the order
/// they finish. Returns the summary.
pub async fn run(
    list: Vec<ScanTarget>,
    opts: &ScanOptions,
    stop: &StopSignal,
    mut sink: impl FnMut(&ScanTarget, &Report),
) -> Summary {
    let started = Instant::now();
    let total = list.len();
    let permits = Arc::new(Semaphore::new(opts.concurrency.max(1)));
    let (tx, mut rx) = mpsc::channel::<(ScanTarget, Report)>(opts.concurrency.max(1));
    let host_opts = Arc::new(opts.host.clone());
    let depth = opts.depth;
    let interval = opts.rate.filter(|r| *r > 0.0).map(|r| Duration::from_secs_f64(1.0 / r));
    let stop_p = stop.clone();
    let producer = tokio::spawn(async move {
        let mut started_n = 0usize;
        let mut next = tokio::time::Instant::now();
        for t in list {
            if stop_p.stopped() {
                break;
            }
            if let Some(iv) = interval {
                tokio::select! {
                    _ = tokio::time::sleep_until(next) => {}
                    _ = stop_p.wait() => break,
                }
                next = next.max(tokio::time::Instant::now() - iv) + iv;
            }
            let permit = tokio::select! {
                p = permits.clone().acquire_owned() => match p { Ok(p) => p, Err(_) => break },
                _ = stop_p.wait() => break,
            };
            started_n += 1;
            let (tx, host_opts) = (tx.clone(), host_opts.clone());
            tokio::spawn(async move {
                let report = match depth {
                    Depth::Quick => run_light(&t.target, &host_opts).await,
                    Depth::Full => run_diagnosis(&t.target, &host_opts).await,
                };
                let _ = tx.send((t, report)).await;
                drop(permit);
            });
        }
        started_n
    });
    let mut summary = Summary::default();
    while let Some((t, report)) = rx.recv().await {
        sink(&t, &report);
        summary.rows.push(HostRow::from_report(&report));
    }
    let started_n = producer.await.unwrap_or(summary.rows.len());
    summary.not_started = total - started_n.min(total);
    summary.interrupted = stop.stopped();
    summary.elapsed = started.elapsed();
    summary
}
