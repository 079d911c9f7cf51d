//! `rdp-doctor scan` against a fleet of lab servers, each on its own loopback address (127.0.0.x,
//! ephemeral port): the JSON Lines equal the single-host reports host by host (timings aside), the CSV
//! has a row per host, the summary counts are right, `--diff` shows a changed finding, a SIGINT gives
//! the partial summary, and bad target lines are reported by number while the rest is scanned.

use rdp_doctor::lab::{self, LabServer};
use rdp_doctor::{Options, target::Target};
use serde_json::Value;
use std::collections::BTreeMap;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_rdp-doctor");

/// One lab server per scenario, the i-th on 127.0.0.(base + i).
async fn fleet(base: u8, names: &[&str]) -> Vec<LabServer> {
    let mut out = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let addr = format!("127.0.0.{}:0", base + i as u8).parse().unwrap();
        out.push(lab::start(lab::find(name).unwrap(), addr).await.expect("lab server starts"));
    }
    out
}

/// A loopback address with a port nobody listens on.
fn closed_port(ip: &str) -> String {
    let l = std::net::TcpListener::bind(format!("{ip}:0")).unwrap();
    l.local_addr().unwrap().to_string()
}

async fn run(args: Vec<String>) -> Output {
    tokio::task::spawn_blocking(move || Command::new(BIN).args(&args).output().expect("runs")).await.unwrap()
}

fn args(list: &[&str], targets: &[String]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).chain(targets.iter().cloned()).collect()
}

/// Drop what differs between two runs of the same probe: timings (`ms` fields, `timings_ms`, `rtt_ms`, and
/// "1.2 ms" inside evidence text), the scan's `source`, the tool version line.
fn scrub(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.remove("ms");
            m.remove("timings_ms");
            m.remove("rtt_ms"); // observations.budget: the fastest TCP handshake of this run
            m.remove("source");
            m.remove("timestamp");
            m.remove("days_left");
            m.remove("days_until_valid");
            if m.contains_key("ntlm") {
                // The CredSSP answer carries the server's random NTLM challenge.
                m.remove("received");
            }
            for x in m.values_mut() {
                scrub(x);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(scrub),
        // Clocks: the NTLM timestamp and the verifier's "verification time" move between runs.
        Value::String(s) if s.contains("server clock") || s.contains("verification time") => {
            *s = s.chars().map(|c| if c.is_ascii_digit() { '#' } else { c }).collect()
        }
        Value::String(s) => *s = scrub_ms(s),
        _ => {}
    }
}

fn scrub_ms(s: &str) -> String {
    let mut out = String::new();
    let mut num = String::new();
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if c.is_ascii_digit() || (c == '.' && !num.is_empty()) {
            num.push(c);
        } else {
            if !num.is_empty() {
                // The lab's expired certificate ends exactly 10 days before it started: whole days
                // flip between runs a second apart.
                out.push_str(if rest.starts_with(" ms") || rest.starts_with(" days") { "N" } else { &num });
                num.clear();
            }
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    out.push_str(&num);
    out
}

/// Equal JSON, or a panic naming the first path that differs.
fn same(a: &Value, b: &Value, what: &str) {
    fn walk(a: &Value, b: &Value, path: String, what: &str) {
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
                for k in keys {
                    walk(
                        x.get(k).unwrap_or(&Value::Null),
                        y.get(k).unwrap_or(&Value::Null),
                        format!("{path}/{k}"),
                        what,
                    );
                }
            }
            (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
                for (i, (p, q)) in x.iter().zip(y).enumerate() {
                    walk(p, q, format!("{path}/{i}"), what);
                }
            }
            _ => assert_eq!(a, b, "{what}: the scan's line differs from the single-host report at {path}"),
        }
    }
    walk(a, b, String::new(), what);
}

fn lines(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

fn by_target(values: Vec<Value>) -> BTreeMap<String, Value> {
    values.into_iter().map(|v| (v["target"]["input"].as_str().unwrap().to_string(), v)).collect()
}

const QUICK_FLEET: &[&str] = &[
    "healthy",
    "nla-required",
    "cert-expired",
    "tls-private-key-broken",
    "accept-then-reset",
    "not-rdp",
    "tls10-only",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quick_json_lines_equal_the_light_reports_and_csv_has_a_row_per_host() {
    let servers = fleet(20, QUICK_FLEET).await;
    let mut targets: Vec<String> = servers.iter().map(|s| s.addr.to_string()).collect();
    targets.push(closed_port("127.0.0.30"));
    let csv = std::env::temp_dir().join(format!("fleet-scan-{}.csv", std::process::id()));
    let out =
        run(args(&["scan", "--quick", "--json", "--timeout", "3", "--csv", csv.to_str().unwrap()], &targets)).await;
    assert_eq!(out.status.code(), Some(1), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let got = by_target(lines(&out));
    assert_eq!(got.len(), targets.len(), "one line per host");
    let opts = Options { timeout: Duration::from_secs(3), ..Options::default() };
    for t in &targets {
        let mut line = got[t].clone();
        assert_eq!(line["source"]["text"], Value::String(t.clone()));
        assert_eq!(line["source"]["line"], Value::Null, "an argument has no line number");
        let single = rdp_doctor::run_light(&Target::parse(t).unwrap(), &opts).await;
        let mut single = serde_json::to_value(&single).unwrap();
        scrub(&mut line);
        scrub(&mut single);
        same(&line, &single, t);
    }
    let verdict = |i: usize| got[&targets[i]]["verdict"].as_str().unwrap().to_string();
    let top = |i: usize| got[&targets[i]]["findings"][0]["id"].as_str().unwrap_or("").to_string();
    // By address, the lab's certificate does not name 127.0.0.20: a warning, nothing worse.
    assert_eq!(verdict(0), "degraded");
    assert!(got[&targets[0]]["findings"].as_array().unwrap().iter().any(|f| f["id"] == "cert-name-mismatch"));
    assert_eq!(top(2), "cert-expired");
    assert_eq!(top(3), "tls-handshake-failed");
    assert_eq!(top(4), "closed-before-negotiation");
    assert_eq!(top(5), "not-rdp");
    assert_eq!(verdict(7), "unreachable");
    // The light probe on TLS 1.0 only: rustls offers 1.2 and 1.3, the server answers 1.0: no handshake.
    assert_eq!(top(6), "tls-handshake-failed");

    let text = std::fs::read_to_string(&csv).unwrap();
    let _ = std::fs::remove_file(&csv);
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows[0], rdp_doctor::scan::output::CSV_HEADER);
    assert_eq!(rows.len(), targets.len() + 1, "{text}");
    for t in &targets {
        assert_eq!(rows.iter().filter(|r| r.starts_with(&format!("{t},"))).count(), 1, "{t} in {text}");
    }
    let expired = rows.iter().find(|r| r.starts_with(&format!("{},", targets[2]))).unwrap();
    let cols: Vec<&str> = expired.split(',').collect();
    assert_eq!(cols.len(), 12, "{expired}");
    assert_eq!(&cols[2..5], ["failing", "cert-expired", "error"]);
    assert!(cols[7].starts_with("tls1."), "{expired}");
    assert!(cols[9].starts_with('-'), "days left of an expired certificate: {expired}");
    let nla = rows.iter().find(|r| r.starts_with(&format!("{},", targets[0]))).unwrap();
    assert_eq!(nla.split(',').nth(6), Some(""), "one request that offered CredSSP cannot tell NLA required");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_json_lines_equal_diagnose_json() {
    let servers = fleet(40, &["healthy", "nla-required", "cert-expired"]).await;
    let targets: Vec<String> = servers.iter().map(|s| s.addr.to_string()).collect();
    let out = run(args(&["scan", "--json", "--timeout", "5", "--pace-ms", "20"], &targets)).await;
    assert_eq!(out.status.code(), Some(1), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let got = by_target(lines(&out));
    assert_eq!(got.len(), 3);
    for t in &targets {
        let single =
            run(args(&["diagnose", "--json", "--timeout", "5", "--pace-ms", "20"], std::slice::from_ref(t))).await;
        let mut single: Value = serde_json::from_slice(&single.stdout).expect("diagnose --json");
        let mut line = got[t].clone();
        scrub(&mut line);
        scrub(&mut single);
        same(&line, &single, t);
    }
    assert!(got[&targets[1]]["findings"].as_array().unwrap().iter().any(|f| f["id"] == "nla-required"));
    assert_eq!(got[&targets[2]]["verdict"], "failing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn summary_counts_and_bad_lines_by_number() {
    let servers = fleet(50, &["cert-expired", "cert-expired", "healthy"]).await;
    let closed = closed_port("127.0.0.60");
    let list = format!(
        "# fleet\n{}\nnot a host\n{}   # second\n{}\n\nrdp://{}\nhttp://web.example\n10.0.0.0/8\n{}\n",
        servers[0].addr, servers[1].addr, servers[2].addr, closed, servers[0].addr
    );
    let path = std::env::temp_dir().join(format!("fleet-scan-list-{}.txt", std::process::id()));
    std::fs::write(&path, list).unwrap();
    let out = run(vec!["scan".into(), "--quick".into(), "-i".into(), path.to_string_lossy().into()]).await;
    let _ = std::fs::remove_file(&path);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    let p = path.to_string_lossy();
    assert!(stderr.contains(&format!("{p}:3: \"not a host\": \" \" cannot be in a host name")), "{stderr}");
    assert!(stderr.contains(&format!("{p}:8: \"http://web.example\": only the rdp:// scheme")), "{stderr}");
    assert!(stderr.contains(&format!("{p}:9: \"10.0.0.0/8\"")) && stderr.contains("split the range"), "{stderr}");
    assert!(stdout.contains("     2 hosts: cert-expired"), "{stdout}");
    assert!(stdout.contains("     1 host : tcp-refused"), "{stdout}");
    assert!(stdout.contains("Unreachable (1)") && stdout.contains(&closed), "{stdout}");
    assert!(stdout.contains("4 hosts in"), "the duplicate is scanned once: {stdout}");
    assert!(stdout.contains("2 failing, 1 unreachable, 1 degraded"), "{stdout}");
    // The table: the worst first.
    let table: Vec<&str> = stdout.lines().take_while(|l| !l.is_empty()).collect();
    assert!(table[1].contains("cert-expired") && table[2].contains("cert-expired") && table[3].contains("degraded"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diff_reports_a_changed_finding() {
    let healthy = lab::start(lab::find("healthy").unwrap(), "127.0.0.70:0".parse().unwrap()).await.unwrap();
    let addr = healthy.addr;
    let same = fleet(71, &["nla-required"]).await;
    let targets = vec![addr.to_string(), same[0].addr.to_string()];
    let before = run(args(&["scan", "--quick", "--json"], &targets)).await;
    assert_eq!(before.status.code(), Some(0));
    let prev = std::env::temp_dir().join(format!("fleet-scan-prev-{}.jsonl", std::process::id()));
    std::fs::write(&prev, &before.stdout).unwrap();
    // Patch night: the first server now presents an expired certificate.
    healthy.stop();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let _expired = lab::start(lab::find("cert-expired").unwrap(), addr).await.expect("same address again");
    let after = run(args(&["scan", "--quick", "--diff", prev.to_str().unwrap()], &targets)).await;
    let json = run(args(&["scan", "--quick", "--json", "--diff", prev.to_str().unwrap()], &targets)).await;
    let _ = std::fs::remove_file(&prev);
    let stdout = String::from_utf8_lossy(&after.stdout);
    assert_eq!(after.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("(1 host(s) changed, 0 not scanned again)"), "{stdout}");
    let line = stdout.lines().find(|l| l.contains(&addr.to_string()) && l.contains("→")).expect("a diff line");
    // Connected by address, the lab's certificate does not name 127.0.0.70: degraded before.
    assert!(line.contains("degraded → failing") && line.contains("new: cert-expired"), "{line}");
    let got = by_target(lines(&json));
    let d = &got[&addr.to_string()]["diff"];
    assert_eq!(d["previous_verdict"], "degraded");
    assert_eq!(d["verdict"], "failing");
    assert!(d["new_findings"].as_array().unwrap().iter().any(|f| f == "cert-expired"), "{d}");
    let unchanged = &got[&same[0].addr.to_string()]["diff"];
    assert_eq!(unchanged["new_findings"], Value::Array(vec![]));
    assert_eq!(unchanged["resolved_findings"], Value::Array(vec![]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigint_stops_new_hosts_and_prints_the_partial_summary() {
    let servers = fleet(80, &["silent", "silent", "silent", "silent", "silent", "silent"]).await;
    let targets: Vec<String> = servers.iter().map(|s| s.addr.to_string()).collect();
    let started = Instant::now();
    let out = tokio::task::spawn_blocking(move || {
        let child = Command::new(BIN)
            .args(args(&["scan", "--quick", "--concurrency", "2", "--timeout", "2"], &targets))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(700));
        let kill = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
        assert!(kill.success());
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap();
    let elapsed = started.elapsed();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // The two in flight met their 2 s deadline before the 5 s patience: silent, but the silence was
    // cut by the tool's own deadline (incomplete, deadline-reached, never no-response); four never started.
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
    assert_eq!(out.status.code(), Some(4), "{stdout}\n{stderr}");
    assert!(stdout.contains("2 hosts in") && stdout.contains("2 incomplete"), "{stdout}");
    assert!(stdout.contains("interrupted: 4 host(s) not scanned"), "{stdout}");
    assert!(stdout.contains("     2 hosts: deadline-reached") && !stdout.contains("no-response"), "{stdout}");
    assert!(stderr.contains("interrupted"), "{stderr}");
}
