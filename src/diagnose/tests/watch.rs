//! `diagnose/watch.rs` (`rdp-doctor watch`): what only repetition shows.

use super::given_watch;
use crate::observations::{FailureKind, LightStage, ProbeSample};

/// Probe `seq`: through (handshake in `ms`), or failed at a step.
fn probe(seq: u32, failed: Option<(LightStage, FailureKind)>, ms: f64) -> ProbeSample {
    ProbeSample {
        seq,
        stage: failed.map_or(LightStage::Done, |f| f.0),
        failure: failed.map(|f| f.1),
        connect_ms: Some(0.4),
        negotiation_ms: Some(2.0),
        handshake_ms: failed.is_none().then_some(ms),
        total_ms: ms + 2.4,
    }
}

/// Ten probes; every third reset at the negotiation.
fn every_third_reset() -> Vec<ProbeSample> {
    (1..=10).map(|i| probe(i, (i % 3 == 0).then_some((LightStage::Negotiation, FailureKind::Reset)), 20.0)).collect()
}

cases! {
    /// Some probes reset, the others go through: intermittent, with the step and how.
    resets_on_some_probes: given_watch(every_third_reset())
        .ids(&["intermittent-failures"])
        .says("intermittent-failures", "3 of 10 probes failed (30 %)")
        .says("intermittent-failures", "resets (RST) at the X.224 negotiation on 30 % of connections");
    /// Near miss: a server down for every probe is not intermittent (the single diagnosis explains it).
    down_for_every_probe: given_watch((1..=10).map(|i| probe(i, Some((LightStage::Connect, FailureKind::Timeout)), 0.0)).collect())
        .ids(&[]);
    /// The handshake takes 20 ms, and 400 ms one time in five.
    handshake_time_swings: given_watch((1..=20).map(|i| probe(i, None, if i % 5 == 0 { 400.0 } else { 20.0 })).collect())
        .ids(&["latency-unstable"])
        .says("latency-unstable", "TLS handshake: p50 20.0 ms, p95 400.0 ms");
    /// Near miss: a tenfold swing below the 100 ms floor is not felt.
    small_swings_are_not_felt: given_watch((1..=20).map(|i| probe(i, None, if i % 5 == 0 { 50.0 } else { 5.0 })).collect())
        .ids(&[]);
}
