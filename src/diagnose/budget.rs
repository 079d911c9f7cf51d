//! The run's own budget: when `--timeout` ended before every layer had its answer, one finding says
//! which layers were not checked, how far each got, and what `--timeout` would have sufficed. It is
//! never an error: the deadline is the tool's limit, not the server's doing.

use super::{Finding, Severity};
use crate::diagnose::FindingId;
use crate::observations::{BudgetObs, LayerStatus};

/// Round trips a default diagnosis needs on its longest path (connect, negotiation, TLS, CredSSP,
/// the connection sequence), with room for a few retransmissions.
pub const ROUND_TRIPS_NEEDED: f64 = 40.0;

/// The `--timeout` (whole seconds) estimated to suffice: twice the one that ran out, or the round
/// trips a diagnosis needs at the measured RTT plus two waits of the layers' patience, whichever is
/// larger.
pub fn suggested_timeout_s(b: &BudgetObs) -> u64 {
    let twice = 2.0 * b.timeout_ms / 1000.0;
    let by_rtt = b.rtt_ms.map_or(0.0, |r| ROUND_TRIPS_NEEDED * r / 1000.0) + 2.0 * b.patience_ms / 1000.0;
    twice.max(by_rtt).ceil().max(1.0) as u64
}

pub fn deadline_reached(b: &BudgetObs) -> Finding {
    let cut: Vec<&crate::observations::LayerBudget> =
        b.layers.iter().filter(|l| l.status != LayerStatus::Complete).collect();
    let names: Vec<&str> = cut.iter().map(|l| l.layer.name()).collect();
    let suggested = suggested_timeout_s(b);
    let mut f = Finding::new(
        FindingId::DeadlineReached,
        format!(
            "The run's own deadline (--timeout {}) ended before {} could be checked: not checked, not failed",
            seconds(b.timeout_ms),
            if names.is_empty() { "every layer".to_string() } else { names.join(", ") }
        ),
    )
    .severity(Severity::Warning);
    for l in &cut {
        let how = match l.status {
            LayerStatus::NotStarted => "not started",
            _ => "cut while waiting",
        };
        f = f.evidence(format!("{}: {how} ({})", l.layer.name(), l.progress));
    }
    if let Some(r) = b.rtt_ms {
        f = f.evidence(format!("the fastest TCP handshake took {r:.1} ms: about one round trip on this path"));
    }
    f = f.evidence(format!(
        "each wait for the server lasts at most {} (its patience); only a wait that outlasts it is the server's silence",
        seconds(b.patience_ms)
    ));
    f.remedies.insert(
        0,
        format!(
            "Run again with `--timeout {suggested}` (estimated: {} round trips at the measured RTT plus the server's own work), \
             or `--quick` for negotiation only",
            ROUND_TRIPS_NEEDED as u32
        ),
    );
    f
}

fn seconds(ms: f64) -> String {
    let s = ms / 1000.0;
    if (s - s.round()).abs() < 0.05 { format!("{:.0} s", s) } else { format!("{s:.1} s") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::Layer;
    use crate::observations::LayerBudget;

    fn budget(timeout_ms: f64, rtt: Option<f64>) -> BudgetObs {
        BudgetObs {
            timeout_ms,
            patience_ms: 5000.0,
            reached: true,
            layers: vec![
                LayerBudget { layer: Layer::Network, status: LayerStatus::Complete, progress: "ok".into() },
                LayerBudget { layer: Layer::Tls, status: LayerStatus::Partial, progress: "3 of 15".into() },
                LayerBudget { layer: Layer::Session, status: LayerStatus::NotStarted, progress: "not started".into() },
            ],
            rtt_ms: rtt,
        }
    }

    #[test]
    fn names_the_cut_layers_and_a_timeout_that_would_do() {
        let f = deadline_reached(&budget(2000.0, Some(300.0)));
        assert_eq!(f.id, FindingId::DeadlineReached);
        assert_eq!(f.severity, Severity::Warning);
        assert!(f.summary.contains("--timeout 2 s") && f.summary.contains("tls, session"), "{}", f.summary);
        assert!(f.evidence.iter().any(|e| e.starts_with("tls: cut while waiting (3 of 15)")), "{:?}", f.evidence);
        assert!(f.evidence.iter().any(|e| e.starts_with("session: not started")), "{:?}", f.evidence);
        // 40 round trips of 300 ms + two 5 s waits = 22 s, more than twice 2 s.
        assert_eq!(suggested_timeout_s(&budget(2000.0, Some(300.0))), 22);
        assert!(f.remedies[0].contains("--timeout 22"), "{}", f.remedies[0]);
        // Without an RTT: twice the budget, at least the patience twice.
        assert_eq!(suggested_timeout_s(&budget(30_000.0, None)), 60);
    }
}
