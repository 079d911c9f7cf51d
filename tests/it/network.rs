//! The network layer against loopback peers made here: a closed port, and a listener whose accept
//! queue is full, so the kernel drops further SYNs — what a firewall that drops them looks like to
//! the client. (Firewalls in a network namespace are covered by tests/interop.rs.)

use rdp_doctor::Options;
use rdp_doctor::diagnose::Verdict;
use rdp_doctor::observations::ConnectOutcome;
use rdp_doctor::target::Target;
use std::process::Command;
use std::time::{Duration, Instant};

fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    port
}

#[tokio::test]
async fn closed_port_is_refused() {
    let port = closed_port();
    let target = Target::parse(&format!("127.0.0.1:{port}")).unwrap();
    let r = rdp_doctor::run_diagnosis(&target, &Options::default()).await;
    let net = r.observations.network.as_ref().unwrap();
    assert_eq!(net.attempts[0].outcome, ConnectOutcome::Refused);
    assert_eq!(r.findings[0].id, "tcp-refused");
    assert_eq!(r.verdict, Verdict::Unreachable);
    let ce = r.predicted_client_error.as_ref().unwrap();
    assert_eq!((ce.code, ce.extended), (0x204, 0));
    assert!(r.observations.negotiation.is_none());
}

#[test]
fn closed_port_exits_1_through_the_binary() {
    let port = closed_port();
    let out = Command::new(env!("CARGO_BIN_EXE_rdp-doctor"))
        .args(["diagnose", &format!("127.0.0.1:{port}"), "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["findings"][0]["id"], "tcp-refused");
    assert_eq!(v["observations"]["network"]["attempts"][0]["outcome"], "refused");
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        vec!["diagnose", "[::1"],
        vec!["diagnose", "host:0"],
        vec!["nonsense"],
        vec!["diagnose", "h", "--timeout", "-1"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_rdp-doctor")).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

#[test]
fn dropped_syn_times_out_within_the_deadline() {
    // A listener with a backlog of 1 that never accepts: once its queue is full, Linux drops new SYNs.
    let sock = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    sock.bind(&"127.0.0.1:0".parse::<std::net::SocketAddr>().unwrap().into()).unwrap();
    sock.listen(1).unwrap();
    let addr = sock.local_addr().unwrap().as_socket().unwrap();
    let mut fillers = Vec::new();
    for _ in 0..4 {
        let s = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
        s.set_nonblocking(true).unwrap();
        let _ = s.connect(&addr.into());
        fillers.push(s);
    }
    std::thread::sleep(Duration::from_millis(200));
    let run = |timeout: &str| {
        let started = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_rdp-doctor"))
            .args(["diagnose", &addr.to_string(), "--json", "--timeout", timeout])
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (out.status.code(), v, started.elapsed())
    };
    // The connect's own patience (5 s) outlasted: the SYN is dropped, the server's silence is proven.
    let (code, v, took) = run("7");
    assert!(took < Duration::from_secs(7), "took {took:?}");
    assert_eq!(code, Some(1));
    assert_eq!(v["observations"]["network"]["attempts"][0]["outcome"], "timeout");
    assert_eq!(v["findings"][0]["id"], "tcp-timeout");
    assert_eq!(v["verdict"], "unreachable");
    // A --timeout shorter than that patience proves nothing: not checked, exit 4, no finding about it.
    let (code, v, took) = run("2");
    assert!(took < Duration::from_secs(4), "took {took:?}");
    assert_eq!(code, Some(4), "{v}");
    assert_eq!(v["verdict"], "incomplete");
    assert_eq!(v["findings"][0]["id"], "deadline-reached");
    assert!(v["findings"].as_array().unwrap().iter().all(|f| f["id"] != "tcp-timeout"));
    drop(fillers);
}
