//! `rdp-doctor watch` against the lab: the `flaky` scenario resets 30 % of connections at accept and
//! `flaky-stall` leaves 30 % of ClientHellos unanswered; watch measures the failure rate within ±10
//! points and reports `intermittent-failures` at the right stage; a healthy server gives no finding.

use rdp_doctor::lab;
use serde_json::Value;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_rdp-doctor");

async fn watch(scenario: &str, extra: &[&str]) -> (Output, Vec<Value>) {
    let server = lab::start(lab::find(scenario).unwrap(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let mut args: Vec<String> = vec!["watch".into(), server.addr.to_string(), "--json".into()];
    args.extend(extra.iter().map(|s| s.to_string()));
    let out = tokio::task::spawn_blocking(move || Command::new(BIN).args(&args).output().unwrap()).await.unwrap();
    drop(server);
    let lines = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    (out, lines)
}

fn finding_ids(summary: &Value) -> Vec<String> {
    summary["findings"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap().to_string()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flaky_at_30_percent_resets_is_measured_and_intermittent() {
    let (out, lines) = watch("flaky", &["--count", "40", "--interval", "0.01"]).await;
    assert_eq!(lines.len(), 41, "40 probe lines and the summary");
    assert_eq!(out.status.code(), Some(1));
    let s = &lines[40]["summary"];
    let failure_rate = 1.0 - s["success_rate"].as_f64().unwrap();
    assert!((failure_rate - 0.30).abs() <= 0.10, "failure rate {failure_rate}");
    assert_eq!(
        s["resets"].as_u64().unwrap() + s["timeouts"].as_u64().unwrap(),
        s["probes"].as_u64().unwrap() - s["successes"].as_u64().unwrap()
    );
    assert!(s["resets"].as_u64().unwrap() >= 8, "{s}");
    assert_eq!(finding_ids(s), ["intermittent-failures"]);
    let f = &s["findings"][0];
    assert!(f["summary"].as_str().unwrap().contains("resets (RST)"), "{f}");
    // Each probe line names its stage and failure.
    let failed: Vec<&Value> = lines[..40].iter().filter(|l| !l["failure"].is_null()).collect();
    assert!(failed.iter().all(|l| l["failure"] == "reset" && (l["stage"] == "connect" || l["stage"] == "negotiation")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_handshakes_are_intermittent_tls_timeouts() {
    let (_, lines) = watch("flaky-stall", &["--count", "10", "--interval", "0.01", "--timeout", "0.5"]).await;
    let s = &lines.last().unwrap()["summary"];
    assert_eq!(s["timeouts"], 3, "{s}");
    assert_eq!(s["failures"][0]["stage"], "tls");
    assert_eq!(finding_ids(s), ["intermittent-failures"]);
    assert!(s["findings"][0]["summary"].as_str().unwrap().contains("timeouts at the TLS handshake on 30 %"), "{s}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_healthy_server_gives_no_finding() {
    let (out, lines) = watch("healthy", &["--count", "15", "--interval", "0.01"]).await;
    assert_eq!(out.status.code(), Some(0));
    let s = &lines.last().unwrap()["summary"];
    assert_eq!(s["success_rate"], 1.0);
    assert!(finding_ids(s).is_empty(), "{s}");
    assert!(s["handshake_ms"]["p95"].as_f64().unwrap() > 0.0);
}

#[test]
fn flaky_connections_are_spread_evenly() {
    for p in [0, 30, 100] {
        let hits = (0..100).filter(|n| lab::flaky_hit(*n, p)).count();
        assert_eq!(hits as u32, p);
        let window = (37..137).filter(|n| lab::flaky_hit(*n, p)).count();
        assert_eq!(window as u32, p, "any 100 consecutive connections");
    }
}
