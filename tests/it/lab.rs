//! Every lab scenario, diagnosed over loopback: the observations the probe records, and the findings,
//! evidence, remedies and verdict the diagnosis draws from them.

use rdp_doctor::demo::diagnose_scenario;
use rdp_doctor::diagnose::{Severity, Verdict};
use rdp_doctor::lab;
use rdp_doctor::observations::NegOutcome;
use rdp_doctor::report::Report;
use std::time::Duration;

async fn run(name: &str) -> Report {
    let scenario = lab::find(name).unwrap_or_else(|_| panic!("no lab scenario {name}"));
    let opts = rdp_doctor::demo::lab_options(Duration::from_secs(10));
    diagnose_scenario(scenario, &opts).await.expect("lab server starts")
}

fn request<'a>(r: &'a Report, label: &str) -> &'a rdp_doctor::observations::NegRequestObs {
    let neg = r.observations.negotiation.as_ref().expect("negotiation observed");
    neg.requests.iter().find(|q| q.label == label).unwrap_or_else(|| panic!("no request {label}"))
}

fn finding<'a>(r: &'a Report, id: &str) -> &'a rdp_doctor::diagnose::Finding {
    r.findings.iter().find(|f| f.id == id).unwrap_or_else(|| {
        panic!("finding {id} missing; got {:?}", r.findings.iter().map(|f| f.id.as_str()).collect::<Vec<_>>())
    })
}

fn ids(r: &Report) -> Vec<&'static str> {
    r.findings.iter().map(|f| f.id.as_str()).collect()
}

#[tokio::test]
async fn healthy_selects_hybrid_for_the_windows_request() {
    let r = run("healthy").await;
    let w = request(&r, "SSL|HYBRID|HYBRID_EX");
    assert_eq!(w.outcome, NegOutcome::Selected);
    assert_eq!(w.selected, Some(rdp_doctor::observations::Protocol::Hybrid));
    assert!(w.flags.contains(&"restricted_admin_mode_supported"));
    assert_eq!(request(&r, "SSL").selected, Some(rdp_doctor::observations::Protocol::Ssl));
    assert_eq!(request(&r, "RDP").failure_name, Some("SSL_REQUIRED_BY_SERVER"));
    let neg = r.observations.negotiation.as_ref().unwrap();
    assert!(neg.supports.tls && neg.supports.credssp && !neg.supports.rdp);
    assert_eq!(neg.nla_required, Some(false));
    assert_eq!(neg.restricted_admin, Some(true));
    assert_eq!(neg.redirected_auth, Some(true));
    // SSL without CredSSP is accepted: clients get in without NLA.
    let f = finding(&r, "nla-not-required");
    assert_eq!(f.severity, Severity::Warning);
    assert!(f.evidence.iter().any(|e| e.contains("requestedProtocols SSL (0x1)") && e.contains("selected SSL")));
    assert!(f.remedies.iter().any(|m| m.contains("UserAuthentication = 1")));
    assert!(ids(&r).contains(&"restricted-admin-supported"));
    assert_eq!(r.verdict, Verdict::Degraded);
    assert!(r.predicted_client_error.is_none());
}

#[tokio::test]
async fn nla_required_is_healthy_and_says_who_is_refused() {
    let r = run("nla-required").await;
    let f = finding(&r, "nla-required");
    assert_eq!(f.severity, Severity::Info);
    assert!(f.evidence.iter().any(|e| e.contains("RDP_NEG_FAILURE HYBRID_REQUIRED_BY_SERVER (0x5)")));
    assert_eq!(r.observations.negotiation.as_ref().unwrap().nla_required, Some(true));
    assert!(!ids(&r).contains(&"nla-not-required"));
    assert_eq!(r.verdict, Verdict::Healthy);
}

#[tokio::test]
async fn tls_required_without_credssp() {
    let r = run("tls-required").await;
    assert!(finding(&r, "tls-required").evidence.iter().any(|e| e.contains("SSL_REQUIRED_BY_SERVER (0x1)")));
    let nla = finding(&r, "nla-not-required");
    assert!(nla.summary.contains("does not support Network Level Authentication"));
    assert!(nla.evidence.iter().any(|e| e.starts_with("CredSSP was offered and not selected")));
    assert!(ids(&r).contains(&"restricted-admin-unsupported"));
    assert!(!r.observations.negotiation.as_ref().unwrap().supports.credssp);
}

#[tokio::test]
async fn rdp_security_only_falls_back_and_warns() {
    let r = run("rdp-security-only").await;
    assert_eq!(request(&r, "SSL|HYBRID|HYBRID_EX").failure_name, Some("SSL_NOT_ALLOWED_BY_SERVER"));
    assert_eq!(request(&r, "RDP").selected, Some(rdp_doctor::observations::Protocol::Rdp));
    assert_eq!(request(&r, "legacy").outcome, NegOutcome::Legacy);
    let f = finding(&r, "standard-rdp-security-only");
    // mstsc falls back to Standard RDP Security on SSL_NOT_ALLOWED_BY_SERVER: a warning, not an error.
    assert_eq!(f.severity, Severity::Warning);
    assert!(f.remedies.iter().any(|m| m.contains("SecurityLayer")));
    assert_eq!(r.verdict, Verdict::Degraded);
}

#[tokio::test]
async fn cert_missing_fails_the_windows_request() {
    let r = run("cert-missing").await;
    let f = finding(&r, "cert-not-on-server");
    assert_eq!(f.severity, Severity::Error);
    assert!(
        f.evidence
            .iter()
            .any(|e| e.contains("SSL|HYBRID|HYBRID_EX (0xB)") && e.contains("SSL_CERT_NOT_ON_SERVER (0x3)"))
    );
    assert!(f.remedies.iter().any(|m| m.contains("MachineKeys")));
    assert!(f.remedies.iter().any(|m| m.contains("SSLCertificateSHA1Hash")));
    assert_eq!(r.verdict, Verdict::Failing);
    assert_eq!(r.findings[0].id, "cert-not-on-server");
}

#[tokio::test]
async fn legacy_server_ignores_negotiation() {
    let r = run("legacy-server").await;
    assert_eq!(request(&r, "SSL|HYBRID|HYBRID_EX").outcome, NegOutcome::Legacy);
    assert!(finding(&r, "legacy-negotiation").evidence.len() >= 6);
    assert!(ids(&r).contains(&"standard-rdp-security-only"));
    assert!(r.observations.negotiation.as_ref().unwrap().supports.rdp);
}

#[tokio::test]
async fn accept_then_close() {
    let r = run("accept-then-close").await;
    let neg = r.observations.negotiation.as_ref().unwrap();
    assert!(neg.requests.iter().all(|q| q.outcome == NegOutcome::Closed), "{:?}", neg.requests);
    let f = finding(&r, "closed-before-negotiation");
    assert_eq!(f.severity, Severity::Critical);
    assert!(f.summary.contains("closed (FIN)"));
    assert_eq!(r.verdict, Verdict::Failing);
    assert_eq!(r.predicted_client_error.as_ref().map(|c| c.code), Some(0x904));
}

#[tokio::test]
async fn accept_then_reset() {
    let r = run("accept-then-reset").await;
    let neg = r.observations.negotiation.as_ref().unwrap();
    assert!(neg.requests.iter().all(|q| q.outcome == NegOutcome::Reset), "{:?}", neg.requests);
    assert!(finding(&r, "closed-before-negotiation").summary.contains("reset (RST)"));
}

#[tokio::test]
async fn silent_server_waits_only_until_the_deadline() {
    let started = std::time::Instant::now();
    let r = run("silent").await;
    // The deadline (3 s) bounds the whole run.
    assert!(started.elapsed() < Duration::from_secs(4), "took {:?}", started.elapsed());
    let neg = r.observations.negotiation.as_ref().unwrap();
    assert!(neg.requests.iter().all(|q| q.outcome == NegOutcome::Timeout));
    assert_eq!(finding(&r, "no-response").severity, Severity::Critical);
}

#[tokio::test]
async fn not_rdp_names_the_service() {
    let r = run("not-rdp").await;
    let w = request(&r, "SSL|HYBRID|HYBRID_EX");
    assert_eq!(w.outcome, NegOutcome::NotRdp);
    assert_eq!(w.service, Some("HTTP"));
    let f = finding(&r, "not-rdp");
    assert!(f.summary.contains("HTTP"));
    assert!(f.evidence[0].contains("HTTP/1.1 400"));
}

#[tokio::test]
async fn json_report_carries_the_public_fields() {
    let r = run("cert-missing").await;
    let v: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["tool"]["name"], "rdp-doctor");
    assert_eq!(v["verdict"], "failing");
    assert_eq!(v["target"]["addresses"][0], "127.0.0.1");
    let req = v["observations"]["negotiation"]["requests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["label"] == "SSL|HYBRID|HYBRID_EX")
        .unwrap()
        .clone();
    assert_eq!(req["outcome"], "failure");
    assert_eq!(req["failure_code"], 3);
    assert_eq!(req["failure_name"], "SSL_CERT_NOT_ON_SERVER");
    assert_eq!(req["requested"], serde_json::json!(["ssl", "hybrid", "hybrid_ex"]));
    let f = &v["findings"][0];
    assert_eq!(f["id"], "cert-not-on-server");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["layer"], "negotiation");
    assert_eq!(f["client_error"]["code"], "0x904");
    assert_eq!(f["client_error"]["basis"], "inferred");
    assert!(v["timings_ms"]["total"].as_f64().unwrap() > 0.0);
    for key in ["rdp", "tls", "credssp", "credssp_early_auth", "rdstls"] {
        assert!(v["observations"]["negotiation"]["supports"][key].is_boolean(), "{key}");
    }
}

#[tokio::test]
async fn inconsistent_flags_on_the_windows_request_is_an_error() {
    let r = run("inconsistent-flags").await;
    assert_eq!(request(&r, "SSL|HYBRID|HYBRID_EX").failure_name, Some("INCONSISTENT_FLAGS"));
    let f = finding(&r, "inconsistent-flags");
    assert_eq!(f.severity, Severity::Error);
    assert!(f.evidence.iter().any(|e| e.contains("RDP_NEG_FAILURE INCONSISTENT_FLAGS (0x4)")));
    assert!(f.remedies.iter().any(|m| m.contains("SecurityLayer")));
    assert_eq!(r.verdict, Verdict::Failing);
}

#[tokio::test]
async fn tls_with_user_auth_required() {
    let r = run("tls-user-auth-required").await;
    let f = finding(&r, "tls-with-user-auth-required");
    assert!(f.evidence.iter().any(|e| e.contains("SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER (0x6)")), "{:?}", f.evidence);
    assert_eq!(f.severity, Severity::Error);
}

#[tokio::test]
async fn a_frame_that_is_not_a_confirm_is_malformed() {
    let r = run("malformed-confirm").await;
    let w = request(&r, "SSL|HYBRID|HYBRID_EX");
    assert_eq!(w.outcome, NegOutcome::Malformed);
    assert!(w.detail.as_deref().unwrap_or("").contains("0x70"), "{:?}", w.detail);
    let f = finding(&r, "malformed-response");
    assert!(f.evidence.iter().any(|e| e.contains("0300000b0670")), "{:?}", f.evidence);
    assert_eq!(r.verdict, Verdict::Failing);
}

/// A mistyped scenario name is a usage error that says where the names are, never a healthy server.
#[test]
fn an_unknown_scenario_name_is_a_usage_error() {
    for args in [&["lab", "--scenario", "sever-denied", "--listen", "127.0.0.1:0"][..], &["demo", "sever-denied"]] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_rdp-doctor")).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("no lab scenario \"sever-denied\"; `rdp-doctor lab --list` lists them"), "{err}");
        assert!(out.stdout.is_empty(), "{args:?}: {}", String::from_utf8_lossy(&out.stdout));
    }
}
