//! Issue #11's acceptance: the JSON report of every lab scenario stays the same through a refactor,
//! timings aside. `tests/snapshots/lab-reports.json` holds every scenario's report, normalised by
//! `normalise` (timings, ports, clocks, random serials and challenges masked); this test diagnoses
//! every scenario again and compares. After a change that is MEANT to change a report (a new finding,
//! a new field), regenerate the file with `RDPD_BLESS=1 cargo test --test it report_identity` and review
//! the diff in the commit.

use rdp_doctor::demo::{demo_options, diagnose_scenario, lab_options};
use rdp_doctor::lab::SCENARIOS;
use regex::Regex;
use serde_json::Value;
use std::collections::BTreeMap;
use std::time::Duration;

/// Scenarios whose server misbehaves at random by design (30 % of connections reset or stalled): which
/// connections are hit changes from run to run, and so do their observations.
const RANDOM_BY_DESIGN: [&str; 2] = ["flaky", "flaky-stall"];

const SNAPSHOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots/lab-reports.json");

/// Keys whose values are measurements of this run (durations, the clock, the limiter's state).
fn is_timing_key(key: &str) -> bool {
    matches!(key, "ms" | "timings_ms" | "timestamp" | "politeness" | "days_left") || key.ends_with("_ms")
}

/// The report with everything that differs between two runs of the same scenario masked: durations
/// ("12.3 ms", "2 s"), loopback ports, clock readings (RFC 3339 and UNIX seconds, "11 days ago"),
/// certificate serials, and long hex strings (fresh certificates' thumbprints, NTLM server challenges).
fn normalise(v: Value, masks: &[(Regex, &str)]) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(k, _)| !is_timing_key(k))
                .map(|(k, v)| {
                    let v = match (k.as_str(), &v) {
                        ("port", Value::Number(_)) => Value::from(0),
                        // A certificate made when its server started (the lab's, the FreeRDP shadow server's).
                        ("serial", Value::String(_)) => Value::from("<serial>"),
                        _ => normalise(v, masks),
                    };
                    (k, v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(|v| normalise(v, masks)).collect()),
        Value::String(s) => Value::String(masks.iter().fold(s, |s, (re, with)| re.replace_all(&s, *with).into_owned())),
        other => other,
    }
}

fn masks() -> Vec<(Regex, &'static str)> {
    [
        (r"\b\d+(\.\d+)? ?(ms|s)\b", "<t>"),
        (r"(127\.0\.0\.1|\[::1\]|localhost):\d+", "$1:<port>"),
        (r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", "<time>"),
        (r"\b\d+ days? (ago|left)\b", "<days> $1"),
        (r"\b\d+ seconds (ago|in future)\b", "<secs> $1"),
        (r"\b\d{9,}\b", "<clock>"),
        (r"\b[0-9A-Fa-f]{16,}\b", "<hex>"),
    ]
    .into_iter()
    .map(|(re, with)| (Regex::new(re).expect("valid mask"), with))
    .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_lab_report_is_unchanged_timings_aside() {
    let masks = masks();
    let opts = lab_options(Duration::from_secs(30));
    let mut now = BTreeMap::new();
    // A few at a time: the lab servers share this process, and a starved lab server is judged slow.
    let scenarios: Vec<_> = SCENARIOS.iter().filter(|s| !RANDOM_BY_DESIGN.contains(&s.name)).collect();
    for batch in scenarios.chunks(4) {
        let runs = batch.iter().map(|&s| {
            let opts = demo_options(s, &opts);
            async move { (s.name, diagnose_scenario(s, &opts).await) }
        });
        for (name, report) in futures::future::join_all(runs).await {
            let report = report.unwrap_or_else(|e| panic!("{name}: the lab server did not start: {e}"));
            let json = serde_json::to_value(&report).expect("a report serialises");
            now.insert(name.to_string(), normalise(json, &masks));
        }
    }
    compare_or_bless(SNAPSHOT, now);
}

/// The same check against the real servers `scripts/test.sh` starts (xrdp, the FreeRDP shadow server,
/// a closed port): `tests/snapshots/interop-reports.json`, one report per configuration.
/// With `RDPD_BLESS` set, write `now` to `path`; otherwise fail, naming each report that differs and
/// its first differing line.
fn compare_or_bless(path: &str, now: BTreeMap<String, Value>) {
    if std::env::var_os("RDPD_BLESS").is_some() {
        let text = serde_json::to_string_pretty(&now).expect("serialises") + "\n";
        std::fs::write(path, text).expect("write the snapshot");
        return;
    }
    let before: BTreeMap<String, Value> =
        serde_json::from_str(&std::fs::read_to_string(path).expect("the snapshot is committed"))
            .expect("the snapshot is JSON");
    let mut differ = Vec::new();
    for name in before.keys().chain(now.keys()).collect::<std::collections::BTreeSet<_>>() {
        let (a, b) = (before.get(name), now.get(name));
        if a != b {
            let show = |v: Option<&Value>| v.map(|v| serde_json::to_string_pretty(v).unwrap_or_default());
            let (a, b) = (show(a).unwrap_or_default(), show(b).unwrap_or_default());
            let first = a.lines().zip(b.lines()).position(|(x, y)| x != y).unwrap_or(0);
            let line = |s: &str| s.lines().nth(first).unwrap_or("(missing)").to_string();
            differ.push(format!("{name}: line {first}:\n  before: {}\n  now:    {}", line(&a), line(&b)));
        }
    }
    assert!(differ.is_empty(), "{} report(s) changed:\n{}", differ.len(), differ.join("\n"));
}

#[cfg(feature = "interop")]
#[test]
fn every_real_server_report_is_unchanged_timings_aside() {
    const CONFIGS: [&str; 11] = [
        "RDPD_XRDP_TLS_PORT",
        "RDPD_XRDP_RDP_PORT",
        "RDPD_XRDP_TLS_NOCERT_PORT",
        "RDPD_XRDP_RDP_LOW_PORT",
        "RDPD_XRDP_RDP_FIPS_PORT",
        "RDPD_FREERDP_NLA_PORT",
        "RDPD_FREERDP_TLS_PORT",
        "RDPD_FREERDP_RDP_PORT",
        "RDPD_FREERDP_MIXED_PORT",
        "RDPD_CLOSED_PORT",
        "RDPD_XRDP_V6_PORT",
    ];
    const SNAPSHOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots/interop-reports.json");
    let masks = masks();
    let mut now = BTreeMap::new();
    for var in CONFIGS {
        let port = std::env::var(var).unwrap_or_else(|_| panic!("{var} is not set: run scripts/test.sh"));
        let host = if var == "RDPD_XRDP_V6_PORT" { "[::1]" } else { "127.0.0.1" };
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_rdp-doctor"))
            .args(["diagnose", "--json", &format!("{host}:{port}")])
            .output()
            .expect("run rdp-doctor");
        let json: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{var}: no JSON report ({e}): {}", String::from_utf8_lossy(&out.stderr)));
        now.insert(var.to_string(), normalise(json, &masks));
    }
    compare_or_bless(SNAPSHOT, now);
}
