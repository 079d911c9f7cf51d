//! Hostile and broken peers (issue 10), each served by a lab scenario over loopback: the finding, its
//! evidence and the exit code; terminal injection; the command line's usage errors and closed pipes.

use rdp_doctor::Options;
use rdp_doctor::demo::diagnose_scenario;
use rdp_doctor::diagnose::{Finding, Severity, Verdict};
use rdp_doctor::lab;
use rdp_doctor::report::Report;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

async fn run(name: &str) -> Report {
    let scenario = lab::find(name).unwrap_or_else(|_| panic!("no lab scenario {name}"));
    // The lab's patience (2 s per wait) judges silence; the run's deadline is well beyond it.
    diagnose_scenario(scenario, &rdp_doctor::demo::lab_options(Duration::from_secs(10)))
        .await
        .expect("lab server starts")
}

fn ids(r: &Report) -> Vec<&'static str> {
    r.findings.iter().map(|f| f.id.as_str()).collect()
}

fn finding<'a>(r: &'a Report, id: &str) -> &'a Finding {
    r.findings.iter().find(|f| f.id == id).unwrap_or_else(|| panic!("finding {id} missing; got {:?}", ids(r)))
}

/// The top finding is `id`, at error level, and the run fails with exit code 1.
fn fails_with<'a>(r: &'a Report, id: &str) -> &'a Finding {
    assert_eq!(r.findings.first().map(|f| f.id.as_str()), Some(id), "{:?}", ids(r));
    let f = finding(r, id);
    assert!(f.severity <= Severity::Error, "{id} is {:?}", f.severity);
    assert_eq!(r.verdict, Verdict::Failing);
    assert_eq!(r.verdict.exit_code(), 1);
    f
}

fn has(f: &Finding, needle: &str) -> bool {
    f.evidence.iter().any(|e| e.contains(needle)) || f.summary.contains(needle)
}

// --- shape 1: nothing usable is an error, once ---

#[tokio::test]
async fn an_unknown_failure_code_on_every_request_is_no_protocol_usable() {
    let r = run("refuse-unknown-code").await;
    let f = fails_with(&r, "no-protocol-usable");
    assert!(has(f, "failureCode 0x99 is none of the six"), "{:?}", f.evidence);
    assert_eq!(r.predicted_client_error.as_ref().map(|c| c.code), Some(0x904));
}

#[tokio::test]
async fn an_x224_disconnect_request_on_every_request_is_no_protocol_usable() {
    let r = run("disconnect-request").await;
    let f = fails_with(&r, "no-protocol-usable");
    assert!(has(f, "X.224 Disconnect Request"), "{:?}", f.evidence);
}

#[tokio::test]
async fn hybrid_required_to_a_hybrid_request_is_a_contradiction_not_nla_required() {
    let r = run("hybrid-required-to-all").await;
    let f = fails_with(&r, "no-protocol-usable");
    assert!(has(f, "HYBRID_REQUIRED_BY_SERVER demands a protocol the request offered"), "{:?}", f.evidence);
    assert!(!ids(&r).contains(&"nla-required"), "{:?}", ids(&r));
}

// --- shape 2: a selectedProtocol that is not one requested protocol ---

#[tokio::test]
async fn several_protocols_selected_at_once_is_a_protocol_violation() {
    let r = run("select-several").await;
    let f = fails_with(&r, "invalid-protocol-selected");
    assert!(has(f, "0xB is not one protocol"), "{:?}", f.evidence);
    assert!(f.summary.contains("including the request the Windows client sends"));
    assert!(!ids(&r).contains(&"nla-not-required"), "{:?}", ids(&r));
    let neg = r.observations.negotiation.as_ref().unwrap();
    assert!(!neg.supports.tls && !neg.supports.credssp);
}

#[tokio::test]
async fn a_protocol_nobody_requested_is_a_protocol_violation() {
    let r = run("select-unrequested").await;
    let f = fails_with(&r, "invalid-protocol-selected");
    assert!(has(f, "0x10 was not among the requested 0x1"), "{:?}", f.evidence);
    assert!(!ids(&r).contains(&"nla-not-required"), "{:?}", ids(&r));
}

// --- shape 3: a handshake that fails after a ServerHello ---

#[tokio::test]
async fn a_handshake_that_fails_after_the_server_hello_is_its_own_finding_in_words() {
    let r = run("tls-garbage-certificate").await;
    let f = fails_with(&r, "tls-handshake-failed");
    assert!(f.summary.contains("after the server's ServerHello"), "{}", f.summary);
    assert!(f.summary.contains("server key exchange"), "{}", f.summary);
    assert!(has(f, "the server accepts tls1.2"), "{:?}", f.evidence);
    // rustls' reason in words, no Debug text anywhere in the report.
    let json = r.to_json();
    for debug in ["Alert(\"", "PeerMisbehaved(", "InvalidMessage(", "PeerIncompatible(", "InappropriateHandshake"] {
        assert!(!json.contains(debug), "{debug} in the report");
    }
}

// --- shape 5: an answer to the ClientHello that is not TLS ---

#[tokio::test]
async fn answers_that_are_not_tls_are_not_a_version_mismatch() {
    for (name, needle) in [
        ("tls-answer-not-tls", "an answer that is not TLS"),
        ("tls-answer-sslv2", "SSL 2.0 SERVER-HELLO"),
        ("tls-warning-alerts", "warning alerts"),
    ] {
        let r = run(name).await;
        let f = fails_with(&r, "tls-answer-not-tls");
        assert!(has(f, needle), "{name}: {:?}", f.evidence);
        assert!(!ids(&r).contains(&"tls-protocol-mismatch"), "{name}: {:?}", ids(&r));
    }
}

// --- shape 4: silence mid-sequence is a stall, not a disconnect ---

#[tokio::test]
async fn a_server_silent_mid_sequence_is_stalled_not_disconnected() {
    let r = run("session-stalled").await;
    let f = fails_with(&r, "session-stalled");
    assert!(f.summary.contains("stopped answering in stage"), "{}", f.summary);
    assert!(has(f, "with the connection open; no PDU, no close, no reset"), "{:?}", f.evidence);
    assert!(!ids(&r).contains(&"disconnected-by-server"), "{:?}", ids(&r));
    assert!(r.predicted_client_error.is_none(), "{:?}", r.predicted_client_error);
    // The same silence with a run deadline shorter than the patience proves nothing: not checked.
    let scenario = lab::find("session-stalled").unwrap();
    let short = Options { timeout: Duration::from_secs(1), ..rdp_doctor::demo::lab_options(Duration::from_secs(1)) };
    let r = diagnose_scenario(scenario, &short).await.expect("lab server starts");
    assert_eq!(r.verdict, Verdict::Incomplete, "{:?}", ids(&r));
    assert!(!ids(&r).contains(&"session-stalled"), "{:?}", ids(&r));
}

// --- shape 9: TSRequest version 2^31 ---

#[tokio::test]
async fn a_tsrequest_version_beyond_32_signed_bits_is_malformed_not_patched() {
    let r = run("credssp-version-huge").await;
    let c = r.observations.credssp.as_ref().expect("credssp observed");
    assert_eq!(c.server_version, None);
    assert!(c.detail.as_deref().unwrap_or("").contains("version 2147483648 is no CredSSP version"), "{:?}", c.detail);
    let f = fails_with(&r, "credssp-failed");
    assert!(has(f, "not a readable TSRequest"), "{:?}", f.evidence);
}

// --- shape 7: terminal injection ---

#[tokio::test]
async fn server_strings_reach_the_terminal_escaped_and_the_json_exact() {
    let r = run("hostile-names").await;
    let c = r.observations.tls.as_ref().and_then(|t| t.certificate.as_ref()).expect("certificate");
    assert!(c.subject.contains('\x1b'), "the lab's subject carries the escapes: {}", c.subject);
    for st in [rdp_doctor::report::style::Style::plain(), rdp_doctor::report::style::Style::colored()] {
        let text = rdp_doctor::report::text::render(&r, st);
        assert!(text.contains("CN=evil\\x1b[2J\\x1b]0;pwned\\x07\\rVerdict healthy"), "{text}");
        for c in ['\x07', '\r', '\u{9b}'] {
            assert!(!text.contains(c), "{c:?} reached the text");
        }
        // Only the report's own colours remain (ESC followed by one of its own SGR codes).
        let escapes: Vec<String> =
            text.match_indices('\x1b').map(|(i, _)| text[i..].chars().take(6).collect()).collect();
        let own = ["\x1b[0m", "\x1b[1m", "\x1b[2m", "\x1b[31m", "\x1b[32m", "\x1b[33m", "\x1b[36m", "\x1b[1;31m"];
        assert!(escapes.iter().all(|e| own.iter().any(|o| e.starts_with(o))), "{escapes:?}");
        assert_eq!(escapes.is_empty(), !st.color);
    }
    // The JSON keeps the exact value, escaped by JSON.
    let json = r.to_json();
    assert!(json.contains("evil\\u001b[2J\\u001b]0;pwned\\u0007\\rVerdict healthy"), "{json}");
}

// --- the binary: usage errors, closed pipes, traces, a resolver that would hold the process ---

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rdp-doctor"))
}

#[test]
fn a_name_no_dns_name_can_be_is_a_usage_error_before_any_lookup() {
    for target in [
        "a".repeat(10_000),
        format!("{}.example", "b".repeat(64)),
        "%".into(),
        "under_score".into(),
        "127.0.0.1%00".into(),
    ] {
        let started = Instant::now();
        let out = bin().args(["diagnose", &target, "--timeout", "5"]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{target:.40}: {out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("invalid target"), "{err}");
        assert!(started.elapsed() < Duration::from_secs(2), "a usage error must not wait for anything");
    }
}

#[test]
fn a_closed_pipe_ends_quietly_with_the_conventional_status() {
    for args in [&["lab", "--list"][..], &["explain", "--list"][..]] {
        let mut child = bin().args(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        drop(child.stdout.take()); // the reader goes away at once, as `| head -0` would
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(141), "{args:?}: {out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked") && !err.contains("Broken pipe"), "{err}");
    }
}
