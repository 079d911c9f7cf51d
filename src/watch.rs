//! `rdp-doctor watch`: the light probe again and again (or the full diagnosis with `--full`), a line
//! per probe, and at the end the diagnosis of repetition (`diagnose::watch`): success rate, where and
//! how failures happen, connect/handshake percentiles, `intermittent-failures`, `latency-unstable`.
//! The tool for "it works sometimes".

use crate::diagnose::watch::{self as judge, WatchSummary};
use crate::observations::ProbeSample;
use crate::report::Report;
use crate::scan::StopSignal;
use crate::target::Target;
use crate::{Options, probe, run_diagnosis, run_light};
use serde::Serialize;
use std::io::Write;
use std::time::Duration;

pub struct WatchOptions {
    /// From one probe's start to the next.
    pub interval: Duration,
    /// Stop after this many probes (`None`: until Ctrl-C).
    pub count: Option<u32>,
    /// Each probe's options (`timeout` is its deadline).
    pub probe: Options,
    /// The full diagnosis instead of the light probe.
    pub full: bool,
}

/// One probe as a JSON line.
#[derive(Serialize)]
struct ProbeLine<'a> {
    #[serde(flatten)]
    sample: &'a ProbeSample,
    verdict: &'static str,
    findings: Vec<crate::diagnose::FindingId>,
}

#[derive(Serialize)]
struct SummaryLine<'a> {
    summary: &'a WatchSummary,
}

/// Probe `target` until `opts.count` or `stop`; `each` sees every probe as it ends.
pub async fn run(
    target: &Target,
    opts: &WatchOptions,
    stop: &StopSignal,
    mut each: impl FnMut(&ProbeSample, &Report, &[ProbeSample]),
) -> WatchSummary {
    let mut samples: Vec<ProbeSample> = Vec::new();
    let mut next = tokio::time::Instant::now();
    let mut seq = 0u32;
    while opts.count.is_none_or(|c| seq < c) && !stop.stopped() {
        seq += 1;
        let report =
            if opts.full { run_diagnosis(target, &opts.probe).await } else { run_light(target, &opts.probe).await };
        let sample = probe::light::sample(seq, &report.observations, report.timings_ms.total);
        samples.push(sample);
        each(samples.last().expect("just pushed"), &report, &samples);
        if opts.count.is_some_and(|c| seq >= c) {
            break;
        }
        next += opts.interval;
        tokio::select! {
            _ = tokio::time::sleep_until(next) => {}
            _ = stop.wait() => break,
        }
    }
    judge::summarize(&samples)
}

fn ms(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.1} ms")).unwrap_or_else(|| "-".into())
}

/// A probe's live line.
pub fn line(s: &ProbeSample, so_far: &[ProbeSample]) -> String {
    let ok = so_far.iter().filter(|x| x.failure.is_none()).count();
    let what = match s.failure {
        None => format!(
            "ok    connect {:>9}  x224 {:>9}  tls {:>9}",
            ms(s.connect_ms),
            ms(s.negotiation_ms),
            ms(s.handshake_ms)
        ),
        Some(k) => format!("FAIL  {}: {}", judge::stage_word(s.stage), judge::failure_word(k)),
    };
    format!(
        "#{:<5} {what:<60} {:>9.1} ms   [{ok}/{} ok, {:.0} %]",
        s.seq,
        s.total_ms,
        so_far.len(),
        100.0 * ok as f64 / so_far.len().max(1) as f64
    )
}

/// The final summary for people.
pub fn summary_text(s: &WatchSummary) -> String {
    let mut out = String::new();
    let p = |name: &str, q: &judge::Percentiles| {
        format!("  {name:<15} p50 {:>10}  p95 {:>10}  max {:>10}  ({} probes)\n", ms(q.p50), ms(q.p95), ms(q.max), q.n)
    };
    out.push_str(&format!(
        "\n{} probes, {} ok ({:.1} %), {} resets, {} timeouts\n",
        s.probes,
        s.successes,
        100.0 * s.success_rate,
        s.resets,
        s.timeouts
    ));
    for f in &s.failures {
        out.push_str(&format!(
            "  failed at {}: {} x{}\n",
            judge::stage_word(f.stage),
            judge::failure_word(f.kind),
            f.count
        ));
    }
    out.push_str(&p("TCP connect", &s.connect_ms));
    out.push_str(&p("X.224 exchange", &s.negotiation_ms));
    out.push_str(&p("TLS handshake", &s.handshake_ms));
    if s.findings.is_empty() {
        out.push_str("No finding: every probe behaved alike.\n");
    }
    for f in &s.findings {
        out.push_str(&format!("\n{:<8} {}  {}\n", f.severity.as_str().to_uppercase(), f.id, f.summary));
        for e in &f.evidence {
            out.push_str(&format!("    - {e}\n"));
        }
        for r in &f.remedies {
            out.push_str(&format!("    → {r}\n"));
        }
    }
    out
}

/// The command: lines on stdout (JSON Lines with `json`), the summary at the end. Exit status 0 when
/// every probe went through, 1 otherwise.
pub async fn command(target: &Target, opts: &WatchOptions, json: bool) -> u8 {
    let stop = StopSignal::default();
    let on_ctrl_c = stop.clone();
    let ctrl_c = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_ctrl_c.stop();
        }
    });
    let stdout = std::io::stdout();
    let summary = run(target, opts, &stop, |s, report, so_far| {
        let mut out = stdout.lock();
        if json {
            let line = ProbeLine {
                sample: s,
                verdict: report.verdict.as_str(),
                findings: report.findings.iter().map(|f| f.id).collect(),
            };
            let _ = writeln!(out, "{}", serde_json::to_string(&line).unwrap_or_default());
        } else {
            let _ = writeln!(out, "{}", line(s, so_far));
        }
        let _ = out.flush();
    })
    .await;
    ctrl_c.abort();
    let mut out = stdout.lock();
    if json {
        let _ = writeln!(out, "{}", serde_json::to_string(&SummaryLine { summary: &summary }).unwrap_or_default());
    } else {
        let _ = write!(out, "{}", summary_text(&summary));
    }
    let _ = out.flush();
    u8::from(summary.successes < summary.probes)
}
