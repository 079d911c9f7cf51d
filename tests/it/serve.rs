//! The exporter in process (`rdp_doctor::serve::router`) in front of lab servers, over real HTTP on
//! loopback: 50 concurrent scrapes with a limit of 8 all answer within their scrape timeout; every
//! metric emitted and every metric the shipped dashboard and alerts use is documented; credentials
//! named by a module are not sent to an unverified certificate; bad requests are refused and counted.

use rdp_doctor::lab::{self, LabServer};
use rdp_doctor::serve::{Config, Exporter, router};
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn exporter(yaml: Option<&str>) -> SocketAddr {
    let config = Config::load(yaml).expect("config");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router(Exporter::new(config))).await });
    addr
}

/// GET `path` (HTTP/1.1, Connection: close) with extra header lines; the status and body.
async fn get(addr: SocketAddr, path: &str, headers: &str) -> (u16, String) {
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{headers}\r\n");
    s.write_all(req.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await.unwrap();
    let text = String::from_utf8_lossy(&buf).to_string();
    let status = text.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (status, body)
}

async fn labs(names: &[&str]) -> Vec<LabServer> {
    let mut out = Vec::new();
    for n in names {
        out.push(lab::start(lab::find(n).unwrap(), "127.0.0.1:0".parse().unwrap()).await.unwrap());
    }
    out
}

fn value(body: &str, series: &str) -> Option<f64> {
    body.lines().find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_scrapes_with_a_limit_of_8_stay_within_their_timeouts() {
    // 50 different targets: most answer at once; four hold a slot until their deadline (a stalled
    // handshake, a silent server), so half the slots stay busy while the others serve the rest.
    let mut names = vec!["healthy"; 46];
    names.extend(["tls-stalled"; 2]);
    names.extend(["silent"; 2]);
    let servers = labs(&names).await;
    let ex = exporter(Some("max_concurrent: 8\n")).await;
    let started = Instant::now();
    let scrapes = servers.iter().map(|s| {
        let target = s.addr;
        async move {
            let t0 = Instant::now();
            let r =
                get(ex, &format!("/probe?target={target}&module=quick"), "X-Prometheus-Scrape-Timeout-Seconds: 3\r\n")
                    .await;
            (r, t0.elapsed())
        }
    });
    let results = futures_join(scrapes).await;
    for (i, ((status, body), took)) in results.iter().enumerate() {
        assert_eq!(*status, 200, "{body}");
        assert!(*took < Duration::from_secs(3), "scrape {i} took {took:?}, past its 3 s timeout");
        let ok = value(body, "rdp_probe_success").expect("rdp_probe_success");
        if names[i] == "healthy" {
            assert_eq!(ok, 1.0, "healthy lab {i}: {body}");
        } else {
            assert_eq!(ok, 0.0, "{} lab {i}", names[i]);
        }
    }
    assert!(started.elapsed() < Duration::from_secs(4));
    let (_, own) = get(ex, "/metrics", "").await;
    assert_eq!(value(&own, "rdp_exporter_probes_in_flight"), Some(0.0), "{own}");
    let total: f64 = own
        .lines()
        .filter(|l| l.starts_with("rdp_exporter_probes_total{"))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum();
    assert_eq!(total, 50.0, "{own}");
}

async fn futures_join<F>(futs: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futs.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

fn metric_names(text: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(pos) = text[i..].find("rdp_") {
        let start = i + pos;
        let prev_ok = start == 0 || !(bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_');
        let end = text[start..]
            .find(|c: char| !(c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit()))
            .map_or(text.len(), |e| start + e);
        if prev_ok {
            names.push(text[start..end].to_string());
        }
        i = end;
    }
    names.sort();
    names.dedup();
    names
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_metric_emitted_and_used_is_documented() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/metrics.md")).unwrap();
    let documented = |name: &str| {
        let base = name.trim_end_matches("_bucket").trim_end_matches("_sum").trim_end_matches("_count");
        doc.contains(&format!("`{name}`")) || doc.contains(&format!("`{base}`"))
    };
    let servers = labs(&["healthy", "cert-expired", "accept-then-reset"]).await;
    let ex = exporter(None).await;
    let mut emitted = Vec::new();
    for s in &servers {
        for module in ["quick", "full"] {
            let (status, body) = get(ex, &format!("/probe?target={}&module={module}", s.addr), "").await;
            assert_eq!(status, 200);
            emitted.extend(
                body.lines()
                    .filter(|l| !l.starts_with('#'))
                    .filter_map(|l| l.split(['{', ' ']).next())
                    .map(String::from),
            );
        }
    }
    let (_, own) = get(ex, "/metrics", "").await;
    emitted.extend(
        own.lines().filter(|l| !l.starts_with('#')).filter_map(|l| l.split(['{', ' ']).next()).map(String::from),
    );
    emitted.sort();
    emitted.dedup();
    for must in [
        "rdp_probe_success",
        "rdp_finding",
        "rdp_verdict",
        "rdp_cert_not_after_timestamp_seconds",
        "rdp_credssp_server_version",
        "rdp_predicted_client_error",
        "rdp_nla_required",
        "rdp_tls_version_supported",
        "rdp_layer_duration_seconds",
        "rdp_connections_opened",
    ] {
        assert!(emitted.iter().any(|e| e == must), "{must} never emitted: {emitted:?}");
    }
    for name in &emitted {
        assert!(documented(name), "{name} is emitted but not in docs/metrics.md");
    }
    for file in ["grafana-dashboard.json", "rdp-alerts.yml", "prometheus.yml"] {
        let text =
            std::fs::read_to_string(format!("{}/contrib/prometheus/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        for name in metric_names(&text) {
            assert!(documented(&name), "{file} uses {name}, which docs/metrics.md does not document");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
// set_var is unsafe since edition 2024 (another thread may read the environment at once).
#[allow(unsafe_code)]
async fn module_credentials_are_not_sent_to_an_unverified_certificate() {
    // SAFETY of the test: the variable is read only by this test's exporter.
    unsafe { std::env::set_var("FLEET_TEST_RDP_PASSWORD", "Correct-Horse-1") };
    let yaml = "modules:\n  logon:\n    depth: full\n    timeout: 10\n    pace_ms: 20\n    credentials:\n      user: 'LAB\\labuser'\n      password_env: FLEET_TEST_RDP_PASSWORD\n";
    let servers = labs(&["wrong-password"]).await;
    let ex = exporter(Some(yaml)).await;
    let (status, body) = get(ex, &format!("/probe?target={}&module=logon", servers[0].addr), "").await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("rdp_finding{id=\"credentials-not-sent\""), "{body}");
    assert!(!body.contains("credentials-rejected"), "credentials went to a self-signed certificate: {body}");
    assert!(!body.contains("Correct-Horse-1"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_are_refused_and_counted() {
    let ex = exporter(None).await;
    assert_eq!(get(ex, "/-/healthy", "").await, (200, "Healthy\n".to_string()));
    assert_eq!(get(ex, "/probe?target=bad%20host", "").await.0, 400);
    assert_eq!(get(ex, "/probe?target=127.0.0.1:1&module=nope", "").await.0, 400);
    assert_eq!(get(ex, "/probe?target=127.0.0.1:1", "X-Prometheus-Scrape-Timeout-Seconds: 0.4\r\n").await.0, 400);
    let (_, own) = get(ex, "/metrics", "").await;
    for reason in ["bad_target", "unknown_module", "no_budget"] {
        assert_eq!(value(&own, &format!("rdp_exporter_errors_total{{reason=\"{reason}\"}}")), Some(1.0), "{own}");
    }
    // An unknown key (a gateway module) is a configuration error, not silently ignored.
    assert!(Config::load(Some("modules:\n  gw:\n    depth: full\n    gateway: gw.example\n")).is_err());
    assert!(Config::load(Some("modules:\n  c:\n    depth: full\n    credentials:\n      user: u\n")).is_err());
}
