//! Soak: N diagnoses (default 1000) against lab servers in one process, round-robin over scenarios that
//! end fast, printing open file descriptors, resident memory and threads at intervals: all three must
//! stay flat. Run it with `scripts/soak.sh [N]` (Linux: reads /proc/self).

use rdp_doctor::demo::{demo_options, lab_options};
use rdp_doctor::{lab, run_diagnosis, target::Target};
use std::time::{Duration, Instant};

/// Scenarios that end without waiting out a deadline, across every layer and fault kind.
const SCENARIOS: &[&str] = &[
    "healthy",
    "nla-required",
    "server-denied",
    "not-rdp",
    "accept-then-reset",
    "wrong-password",
    "tls10-only",
    "tls-garbage-certificate",
    "tls-answer-not-tls",
    "select-several",
    "disconnect-request",
    "credssp-malformed",
    "hostile-names",
];

fn proc_status(field: &str) -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with(field)).map(|l| l[field.len()..].trim().to_string()))
        .unwrap_or_else(|| "?".into())
}

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map(|d| d.count()).unwrap_or(0)
}

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let every = (n / 10).max(1);
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    rt.block_on(async {
        let mut servers = Vec::new();
        for name in SCENARIOS {
            let s = lab::find(name).unwrap_or_else(|e| panic!("{e}"));
            servers.push(lab::start(s, "127.0.0.1:0".parse().unwrap()).await.expect("lab server"));
        }
        let base = lab_options(Duration::from_secs(5));
        println!("{:>6} {:>8} {:>6} {:>10} {:>8} {:>8}", "runs", "seconds", "fds", "rss", "threads", "runs/s");
        let started = Instant::now();
        let mut verdicts = std::collections::BTreeMap::<String, usize>::new();
        for i in 0..=n {
            if i % every == 0 {
                let secs = started.elapsed().as_secs_f64();
                println!(
                    "{i:>6} {secs:>8.1} {:>6} {:>10} {:>8} {:>8.1}",
                    open_fds(),
                    proc_status("VmRSS:"),
                    proc_status("Threads:"),
                    if secs > 0.0 { i as f64 / secs } else { 0.0 }
                );
            }
            if i == n {
                break;
            }
            let server = &servers[i % servers.len()];
            let target = Target::parse(&server.addr.to_string()).expect("lab address");
            let report = run_diagnosis(&target, &demo_options(server.scenario, &base)).await;
            *verdicts.entry(format!("{}={}", server.scenario.name, report.verdict.as_str())).or_default() += 1;
        }
        println!("verdicts: {verdicts:?}");
    });
}
