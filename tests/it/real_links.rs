//! Real links: the same diagnosis through a lab link adding 150 ms of round-trip time (a VPN, a WAN),
//! with the default `--timeout`. A healthy server must stay healthy, the logon must succeed, the
//! server's own refusal must still be named, and a deadline shorter than the diagnosis must give
//! `incomplete` (exit 4) with no error finding: the tool's limit is never the server's fault.
//! Times are not asserted here (the benchmark, scripts/bench-links.sh, measures them).

use rdp_doctor::diagnose::{Severity, Verdict};
use rdp_doctor::lab::{self, link};
use rdp_doctor::report::Report;
use rdp_doctor::{Options, run_diagnosis, target::Target};
use std::net::SocketAddr;
use std::time::Duration;

const RTT: Duration = Duration::from_millis(150);

async fn through_link(upstream: SocketAddr, opts: &Options) -> Report {
    let l = link::start("127.0.0.1:0".parse().unwrap(), upstream, link::LinkProfile::rtt(RTT)).await.expect("link");
    let target = Target::parse(&l.addr.to_string()).expect("target");
    run_diagnosis(&target, opts).await
}

async fn lab_through_link(name: &str, opts: &Options) -> Report {
    let scenario = lab::find(name).unwrap_or_else(|_| panic!("no scenario {name}"));
    let server = lab::start(scenario, "127.0.0.1:0".parse().unwrap()).await.expect("lab server");
    through_link(server.addr, opts).await
}

fn ids(r: &Report) -> Vec<&'static str> {
    r.findings.iter().map(|f| f.id.as_str()).collect()
}

fn no_error_findings(r: &Report) {
    let errors: Vec<_> = r.findings.iter().filter(|f| f.severity <= Severity::Error).map(|f| f.id.as_str()).collect();
    assert!(errors.is_empty(), "error findings from the tool's own deadline: {errors:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_healthy_server_behind_150ms_is_not_failing() {
    let r = lab_through_link("healthy", &Options::default()).await;
    assert!(matches!(r.verdict, Verdict::Healthy | Verdict::Degraded), "{:?}: {:?}", r.verdict, ids(&r));
    no_error_findings(&r);
    assert!(!ids(&r).contains(&"deadline-reached"), "{:?}", ids(&r));
    let s = r.observations.session.as_ref().expect("the session layer ran");
    assert_eq!(s.end, rdp_doctor::observations::SessionEnd::Established);
    let net = r.observations.network.as_ref().unwrap();
    assert!(net.connections_opened <= 30, "{} connections", net.connections_opened);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_s_own_refusal_is_still_named_behind_150ms() {
    let r = lab_through_link("server-denied", &Options::default()).await;
    assert_eq!(r.verdict, Verdict::Failing);
    assert_eq!(r.findings[0].id, "server-denied-connection", "{:?}", ids(&r));
    let pair = r.predicted_client_error.as_ref().expect("a predicted pair");
    assert_eq!((pair.code, pair.extended), (0x904, 0x7));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deadline_shorter_than_the_diagnosis_is_incomplete_not_a_finding() {
    let opts = Options { timeout: Duration::from_millis(900), ..Options::default() };
    let r = lab_through_link("healthy", &opts).await;
    assert_eq!(r.verdict, Verdict::Incomplete, "{:?}", ids(&r));
    assert_eq!(r.verdict.exit_code(), 4);
    no_error_findings(&r);
    let f = r.findings.iter().find(|f| f.id == "deadline-reached").expect("deadline-reached");
    assert!(f.summary.contains("--timeout 900 ms") || f.summary.contains("--timeout 0.9 s"), "{}", f.summary);
    assert!(f.remedies[0].contains("--timeout "), "{}", f.remedies[0]);
    let b = r.observations.budget.as_ref().expect("budget");
    assert!(b.reached && b.rtt_ms.is_some());
}

#[test]
fn the_binary_exits_4_when_its_deadline_ends_first() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (_server, l) = rt.block_on(async {
        let scenario = lab::find("healthy").unwrap();
        let server = lab::start(scenario, "127.0.0.1:0".parse().unwrap()).await.unwrap();
        let l = link::start("127.0.0.1:0".parse().unwrap(), server.addr, link::LinkProfile::rtt(RTT)).await.unwrap();
        (server, l)
    });
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rdp-doctor"))
        .args(["diagnose", &l.addr.to_string(), "--timeout", "0.8"])
        .env("NO_COLOR", "1")
        .output()
        .expect("run rdp-doctor");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(4), "{text}");
    assert!(text.contains("deadline-reached") && text.contains("Verdict incomplete"), "{text}");
    drop(rt);
}

/// The real FreeRDP NLA server behind the same link: the logon goes through.
#[cfg(feature = "interop")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn freerdp_nla_logon_behind_150ms() {
    use rdp_doctor::{CertTrust, Credentials};
    let port: u16 = std::env::var("RDPD_FREERDP_NLA_PORT")
        .expect("RDPD_FREERDP_NLA_PORT is not set: run scripts/test.sh, which starts the FreeRDP server")
        .parse()
        .expect("port");
    let user = std::env::var("RDPD_USER").unwrap_or_else(|_| "rdpdoctor".into());
    let password = std::env::var("RDPD_PASSWORD").unwrap_or_else(|_| "Correct-Horse-1".into());
    let opts = Options {
        credentials: Some(Credentials { user, domain: None, password: zeroize::Zeroizing::new(password) }),
        cert_trust: CertTrust::AcceptAny,
        ..Options::default()
    };
    let r = through_link(format!("127.0.0.1:{port}").parse().unwrap(), &opts).await;
    let a = r.observations.authentication.as_ref().expect("the credential check ran");
    assert_eq!(a.outcome, rdp_doctor::observations::AuthOutcome::Accepted, "{:?}", ids(&r));
    assert!(ids(&r).contains(&"credentials-accepted"), "{:?}", ids(&r));
    assert_ne!(r.verdict, Verdict::Failing, "{:?}", ids(&r));
    assert_ne!(r.verdict, Verdict::Incomplete, "{:?}", ids(&r));
}
