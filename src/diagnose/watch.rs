//! The diagnosis of repetition (`rdp-doctor watch`): a series of light probes in, a summary and the
//! findings only repetition shows out — `intermittent-failures` (some probes fail, others pass: which
//! step, how, how often) and `latency-unstable` (the time a step takes swings widely). Pure: it reads
//! `ProbeSample`s and nothing else.

use super::Finding;
use crate::diagnose::FindingId;
use crate::observations::{FailureKind, LightStage, ProbeSample};
use serde::Serialize;

/// A latency above which swings matter: below it, even a tenfold p95 is not something a user feels.
pub const JITTER_FLOOR_MS: f64 = 100.0;
/// p95 at least this many times p50 is unstable (with the floor above).
pub const JITTER_RATIO: f64 = 2.0;
/// Fewest successful probes before latency is judged.
pub const MIN_LATENCY_SAMPLES: usize = 5;

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Percentiles {
    /// Samples the figures are drawn from.
    pub n: usize,
    pub p50: Option<f64>,
    pub p95: Option<f64>,
    pub max: Option<f64>,
}

/// One (stage, how) pair of failures.
#[derive(Debug, Clone, Serialize)]
pub struct FailureCount {
    pub stage: LightStage,
    pub kind: FailureKind,
    pub count: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct WatchSummary {
    pub probes: u32,
    pub successes: u32,
    /// successes / probes, 0.0..=1.0 (0 when no probe ran).
    pub success_rate: f64,
    /// Failures by the step they happened at and how, most frequent first.
    pub failures: Vec<FailureCount>,
    pub resets: u32,
    pub timeouts: u32,
    pub connect_ms: Percentiles,
    pub negotiation_ms: Percentiles,
    pub handshake_ms: Percentiles,
    pub findings: Vec<Finding>,
}

/// Nearest-rank percentiles of `values` (any order).
pub fn percentiles(values: &[f64]) -> Percentiles {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return Percentiles::default();
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let rank = |p: f64| v[((p * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1];
    Percentiles { n: v.len(), p50: Some(rank(0.50)), p95: Some(rank(0.95)), max: v.last().copied() }
}

pub fn stage_word(s: LightStage) -> &'static str {
    match s {
        LightStage::Resolve => "name resolution",
        LightStage::Connect => "the TCP connect",
        LightStage::Negotiation => "the X.224 negotiation",
        LightStage::Tls => "the TLS handshake",
        LightStage::Done => "done",
    }
}

pub fn failure_word(k: FailureKind) -> &'static str {
    match k {
        FailureKind::Reset => "resets (RST)",
        FailureKind::Closed => "closes (FIN) before an answer",
        FailureKind::Timeout => "timeouts",
        FailureKind::Refused => "refusals",
        FailureKind::Other => "errors",
    }
}

fn pct(n: u32, of: u32) -> f64 {
    if of == 0 { 0.0 } else { 100.0 * f64::from(n) / f64::from(of) }
}

/// Summarise a series and judge it.
pub fn summarize(samples: &[ProbeSample]) -> WatchSummary {
    let probes = samples.len() as u32;
    let ok: Vec<&ProbeSample> = samples.iter().filter(|s| s.failure.is_none()).collect();
    let successes = ok.len() as u32;
    let mut failures: Vec<FailureCount> = Vec::new();
    for s in samples {
        let Some(kind) = s.failure else { continue };
        match failures.iter_mut().find(|f| f.stage == s.stage && f.kind == kind) {
            Some(f) => f.count += 1,
            None => failures.push(FailureCount { stage: s.stage, kind, count: 1 }),
        }
    }
    failures.sort_by(|a, b| b.count.cmp(&a.count).then(a.stage.cmp(&b.stage)));
    let count = |k: FailureKind| samples.iter().filter(|s| s.failure == Some(k)).count() as u32;
    let of = |f: fn(&ProbeSample) -> Option<f64>| percentiles(&ok.iter().filter_map(|s| f(s)).collect::<Vec<_>>());
    let mut summary = WatchSummary {
        probes,
        successes,
        success_rate: if probes == 0 { 0.0 } else { f64::from(successes) / f64::from(probes) },
        resets: count(FailureKind::Reset),
        timeouts: count(FailureKind::Timeout),
        connect_ms: of(|s| s.connect_ms),
        negotiation_ms: of(|s| s.negotiation_ms),
        handshake_ms: of(|s| s.handshake_ms),
        failures,
        findings: Vec::new(),
    };
    summary.findings = findings(&summary);
    summary
}

fn findings(s: &WatchSummary) -> Vec<Finding> {
    let mut out = Vec::new();
    let failed = s.probes - s.successes;
    // Some fail, some pass: a failure every probe shows is the single diagnosis's to explain.
    if failed > 0 && s.successes > 0 {
        let top = &s.failures[0];
        let mut f = Finding::new(
            FindingId::IntermittentFailures,
            format!(
                "{failed} of {} probes failed ({:.0} %), the others went through: {} at {} on {:.0} % of connections",
                s.probes,
                pct(failed, s.probes),
                failure_word(top.kind),
                stage_word(top.stage),
                pct(top.count, s.probes)
            ),
        );
        for c in &s.failures {
            f = f.evidence(format!(
                "{} at {}: {} of {} probes ({:.0} %)",
                failure_word(c.kind),
                stage_word(c.stage),
                c.count,
                s.probes,
                pct(c.count, s.probes)
            ));
        }
        f = f.evidence(format!("{} of {} probes completed TCP, X.224 and TLS", s.successes, s.probes));
        out.push(f);
    }
    let unstable: Vec<String> =
        [("TCP connect", &s.connect_ms), ("X.224 exchange", &s.negotiation_ms), ("TLS handshake", &s.handshake_ms)]
            .into_iter()
            .filter_map(|(name, p)| {
                let (p50, p95) = (p.p50?, p.p95?);
                (p.n >= MIN_LATENCY_SAMPLES && p95 >= JITTER_RATIO * p50 && p95 - p50 >= JITTER_FLOOR_MS).then(|| {
                    format!(
                        "{name}: p50 {p50:.1} ms, p95 {p95:.1} ms, max {:.1} ms over {} probes",
                        p.max.unwrap_or(p95),
                        p.n
                    )
                })
            })
            .collect();
    if !unstable.is_empty() {
        let mut f = Finding::new(
            FindingId::LatencyUnstable,
            "The time a step takes swings widely from probe to probe (p95 at least twice p50 and 100 ms above it)",
        );
        for u in unstable {
            f = f.evidence(u);
        }
        out.push(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(seq: u32, failure: Option<(LightStage, FailureKind)>, ms: f64) -> ProbeSample {
        ProbeSample {
            seq,
            stage: failure.map(|f| f.0).unwrap_or(LightStage::Done),
            failure: failure.map(|f| f.1),
            connect_ms: Some(0.2),
            negotiation_ms: Some(0.3),
            handshake_ms: failure.is_none().then_some(ms),
            total_ms: ms + 0.5,
        }
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let p = percentiles(&(1..=100).map(f64::from).collect::<Vec<_>>());
        assert_eq!((p.p50, p.p95, p.max, p.n), (Some(50.0), Some(95.0), Some(100.0), 100));
        assert_eq!(percentiles(&[]).p50, None);
    }

    #[test]
    fn resets_on_some_probes_are_intermittent() {
        let samples: Vec<_> = (1..=10)
            .map(|i| sample(i, (i % 3 == 0).then_some((LightStage::Negotiation, FailureKind::Reset)), 2.0))
            .collect();
        let s = summarize(&samples);
        assert_eq!((s.probes, s.successes, s.resets), (10, 7, 3));
        assert_eq!(s.findings.len(), 1);
        let f = &s.findings[0];
        assert_eq!(f.id, FindingId::IntermittentFailures);
        assert!(f.summary.contains("resets (RST) at the X.224 negotiation on 30 % of connections"), "{}", f.summary);
    }

    #[test]
    fn steady_success_and_steady_failure_are_not_intermittent() {
        let healthy: Vec<_> = (1..=10).map(|i| sample(i, None, 2.0)).collect();
        assert!(summarize(&healthy).findings.is_empty());
        let down: Vec<_> =
            (1..=10).map(|i| sample(i, Some((LightStage::Connect, FailureKind::Timeout)), 0.0)).collect();
        assert!(summarize(&down).findings.is_empty());
    }

    #[test]
    fn a_handshake_that_swings_is_latency_unstable() {
        let samples: Vec<_> = (1..=20).map(|i| sample(i, None, if i % 5 == 0 { 400.0 } else { 20.0 })).collect();
        let s = summarize(&samples);
        assert_eq!(s.findings.iter().map(|f| f.id).collect::<Vec<_>>(), [FindingId::LatencyUnstable]);
        assert!(s.findings[0].evidence[0].starts_with("TLS handshake: p50 20.0 ms, p95 400.0 ms"));
    }
}
