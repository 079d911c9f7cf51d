//! The lab's connection-sequence scenarios (src/lab/session.rs), diagnosed over loopback: each fault the
//! lab injects → the session observation, the finding, its evidence and the predicted client error pair.

use rdp_doctor::demo::{demo_options, diagnose_scenario};
use rdp_doctor::diagnose::{Finding, Severity, Verdict};
use rdp_doctor::knowledge::Basis;
use rdp_doctor::lab;
use rdp_doctor::observations::{SessionEnd, SessionObs, SessionStage as S, StageOutcome};
use rdp_doctor::report::Report;
use std::time::{Duration, Instant};

async fn run(name: &str) -> Report {
    let scenario = lab::find(name).unwrap_or_else(|_| panic!("no lab scenario {name}"));
    let opts = rdp_doctor::demo::lab_options(Duration::from_secs(10));
    diagnose_scenario(scenario, &opts).await.expect("lab server starts")
}

/// As the demo runs it: with the credentials the scenario's point needs (`demo::demo_options`).
async fn run_as_demo(name: &str) -> Report {
    let scenario = lab::find(name).unwrap_or_else(|_| panic!("no lab scenario {name}"));
    let opts = rdp_doctor::demo::lab_options(Duration::from_secs(10));
    diagnose_scenario(scenario, &demo_options(scenario, &opts)).await.expect("lab server starts")
}

fn session(r: &Report) -> &SessionObs {
    r.observations.session.as_ref().expect("session observed")
}

fn finding<'a>(r: &'a Report, id: &str) -> &'a Finding {
    r.findings.iter().find(|f| f.id == id).unwrap_or_else(|| {
        panic!("finding {id} missing; got {:?}", r.findings.iter().map(|f| f.id.as_str()).collect::<Vec<_>>())
    })
}

fn has(f: &Finding, needle: &str) -> bool {
    f.evidence.iter().any(|e| e.contains(needle))
}

fn pair(r: &Report) -> (u32, u32, Basis) {
    let c = r.predicted_client_error.as_ref().expect("a predicted client error");
    (c.code, c.extended, c.basis)
}

#[tokio::test]
async fn healthy_reaches_the_first_update_on_the_ssl_path() {
    let started = Instant::now();
    let r = run("healthy").await;
    let s = session(&r);
    // No credentials: the SSL path (the lab's HYBRID path has no CredSSP).
    assert_eq!(s.protocol, Some(rdp_doctor::observations::Protocol::Ssl));
    assert_eq!(s.end, SessionEnd::Established, "{s:#?}");
    assert!(s.first_update, "the lab sends a bitmap update after finalization");
    assert!(s.disconnected_cleanly);
    for name in
        [S::McsConnect, S::ChannelJoin, S::ClientInfo, S::Licensing, S::Capabilities, S::Finalization, S::FirstUpdate]
    {
        let st = s.stages.iter().find(|st| st.name == name).unwrap_or_else(|| panic!("no stage {name}: {s:#?}"));
        assert_eq!(st.outcome, StageOutcome::Ok, "{name}");
    }
    let f = finding(&r, "session-established");
    assert!(f.summary.contains("first update arrived"), "{}", f.summary);
    assert!(has(f, "stages: x224"));
    assert!(r.predicted_client_error.is_none());
    assert_ne!(r.verdict, Verdict::Failing);
    // The first update arrives at once: no waiting out the first-update window or the deadline.
    assert!(started.elapsed() < Duration::from_millis(2500), "{:?}", started.elapsed());
}

#[tokio::test]
async fn server_denied_is_0x904_0x7_during_licensing() {
    let r = run("server-denied").await;
    let s = session(&r);
    assert_eq!(s.error_info, Some(0x7));
    assert_eq!(s.disconnect_reason, Some(3));
    assert_eq!(s.end, SessionEnd::ServerEnded);
    assert_eq!(s.ended_in, Some(S::Licensing));
    assert!(!s.credentials_sent);
    let f = finding(&r, "server-denied-connection");
    assert_eq!(f.severity, Severity::Error);
    assert!(has(f, "ERRINFO_SERVER_DENIED_CONNECTION (0x7)"), "{:?}", f.evidence);
    assert!(has(f, "no credentials were sent"), "{:?}", f.evidence);
    assert!(has(f, "server sent set_error_info in licensing: errorInfo 0x7"), "{:?}", f.evidence);
    assert!(has(f, "ended in stage licensing"), "{:?}", f.evidence);
    assert!(f.remedies.len() >= 3, "its causes: {:?}", f.remedies);
    assert_eq!(pair(&r), (0x904, 0x7, Basis::Observed));
    assert_eq!(r.verdict, Verdict::Failing);
}

#[tokio::test]
async fn insufficient_privileges_is_0x904_0x9() {
    let r = run("insufficient-privileges").await;
    assert_eq!(session(&r).error_info, Some(0x9));
    let f = finding(&r, "server-insufficient-privileges");
    assert!(has(f, "ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES (0x9)"), "{:?}", f.evidence);
    assert_eq!(pair(&r), (0x904, 0x9, Basis::Inferred));
    assert_eq!(r.verdict, Verdict::Failing);
}

#[tokio::test]
async fn no_license_server_is_a_licensing_failure() {
    let r = run("licensing-no-license-server").await;
    let s = session(&r);
    let l = s.license_error.expect("licensing error recorded");
    assert_eq!((l.code, l.state_transition), (0x6, 0x1));
    assert_eq!(s.ended_in, Some(S::Licensing));
    let f = finding(&r, "licensing-failed");
    assert!(f.summary.contains("ERR_NO_LICENSE_SERVER"), "{}", f.summary);
    assert!(has(f, "dwErrorCode ERR_NO_LICENSE_SERVER (0x6)"), "{:?}", f.evidence);
    assert!(has(f, "dwStateTransition ST_TOTAL_ABORT (0x1)"), "{:?}", f.evidence);
    assert_eq!(pair(&r), (0x808, 0x0, Basis::Inferred));
    assert_eq!(r.verdict, Verdict::Failing);
}

#[tokio::test]
async fn redirect_names_the_other_lab_address() {
    let r = run("redirect").await;
    let s = session(&r);
    assert_eq!(s.end, SessionEnd::Redirected);
    let red = s.redirection.as_ref().expect("redirection recorded");
    assert_eq!(red.target.as_deref(), Some(lab::session::REDIRECT_TARGET));
    assert_eq!(red.load_balance_info.as_deref(), Some("Cookie: msts=lab-target"));
    let f = finding(&r, "redirected");
    assert!(f.summary.contains("127.0.0.2"), "{}", f.summary);
    assert!(has(f, "load-balance info Cookie: msts=lab-target"), "{:?}", f.evidence);
    // A redirection is not an error: the client follows it.
    assert!(r.predicted_client_error.is_none(), "{:?}", r.predicted_client_error);
}

#[tokio::test]
async fn wrong_auto_logon_password_is_a_logon_failure() {
    // The demo sends the lab account with a wrong password (never shown in the report).
    let r = run_as_demo("logon-failed-bad-password").await;
    let s = session(&r);
    assert!(s.credentials_sent);
    assert_eq!(s.protocol, Some(rdp_doctor::observations::Protocol::Ssl));
    let le = s.logon_errors.first().expect("logon error recorded");
    assert_eq!((le.notification_type, le.notification_data), (0xFFFF_FFFF, 0x0));
    let f = finding(&r, "logon-failed");
    assert!(has(f, "LOGON_FAILED_BAD_PASSWORD (0x0)"), "{:?}", f.evidence);
    assert!(has(f, "auto-logon"), "{:?}", f.evidence);
    // Windows keeps the connection and shows its logon screen: no disconnect to predict.
    assert!(r.predicted_client_error.is_none(), "{:?}", r.predicted_client_error);
    let json = r.to_json();
    assert!(!json.contains(&*rdp_doctor::demo::lab_credentials().password));
}

#[tokio::test]
async fn wrong_password_scenario_without_credentials_is_established() {
    // Without auto-logon the lab has nothing to reject: the same server completes the sequence.
    let scenario = lab::find("logon-failed-bad-password").unwrap();
    let server = lab::start(scenario, "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let target = rdp_doctor::target::Target::parse(&server.addr.to_string()).unwrap();
    let opts = rdp_doctor::demo::lab_options(Duration::from_secs(10));
    let r = rdp_doctor::run_diagnosis(&target, &opts).await;
    let s = session(&r);
    assert!(!s.credentials_sent);
    assert!(s.logon_errors.is_empty());
    finding(&r, "session-established");
    assert!(!r.findings.iter().any(|f| f.id == "logon-failed"));
}

#[tokio::test]
async fn disconnect_mid_sequence_is_0x904() {
    let r = run("disconnect-mid-sequence").await;
    let s = session(&r);
    assert_eq!(s.disconnect_reason, Some(1));
    assert_eq!(s.error_info, None);
    assert_eq!(s.end, SessionEnd::ServerEnded);
    let f = finding(&r, "disconnected-by-server");
    assert!(f.summary.contains("rn-provider-initiated") || has(f, "(0x1)"), "{} {:?}", f.summary, f.evidence);
    assert!(has(f, "MCS Disconnect Provider Ultimatum, reason"), "{:?}", f.evidence);
    assert_eq!(pair(&r), (0x904, 0x0, Basis::Inferred));
}

#[tokio::test]
async fn unknown_errinfo_keeps_its_number() {
    let code = lab::session::ERRINFO_UNKNOWN;
    let r = run("errinfo-unknown").await;
    assert_eq!(session(&r).error_info, Some(code));
    let f = finding(&r, "disconnected-by-server");
    assert!(has(f, &format!("0x{code:X} (not in the")), "{:?}", f.evidence);
    assert_eq!(pair(&r), (0x904, code, Basis::Inferred));
    let json: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
    assert_eq!(json["observations"]["session"]["error_info"], serde_json::json!(code));
    let text = json.to_string();
    assert!(text.contains(&format!("0x{code:X}")), "the number is in the JSON findings");
}

#[tokio::test]
async fn rdp_security_only_enumerates_the_lab_encryption() {
    let r = run("rdp-security-only").await;
    let s = session(&r);
    assert!(!s.checked);
    assert!(s.not_checked.as_deref().unwrap().contains("Standard RDP Security only"));
    let sec = s.rdp_security.as_ref().expect("encryption enumerated");
    assert_eq!(sec.encryption_level, Some(2), "client compatible");
    let accepted: Vec<u32> = sec.methods.iter().filter(|m| m.accepted).map(|m| m.offered).collect();
    assert_eq!(accepted, [0x01, 0x08, 0x02]);
    let fips = sec.methods.iter().find(|m| m.offered == 0x10).unwrap();
    assert!(fips.detail.as_deref().unwrap().contains("Disconnect Provider Ultimatum"), "{fips:?}");
    let f = finding(&r, "weak-rdp-encryption");
    assert!(f.summary.contains("40- or 56-bit"), "{}", f.summary);
    assert!(!r.findings.iter().any(|f| f.id == "fips-required"));
}

#[tokio::test]
async fn fresh_credentials_required_is_0x904_0xa() {
    let r = run("fresh-credentials-required").await;
    assert_eq!(session(&r).error_info, Some(0xA));
    let f = finding(&r, "fresh-credentials-required");
    assert!(has(f, "ERRINFO_SERVER_FRESH_CREDENTIALS_REQUIRED (0xA)"), "{:?}", f.evidence);
    assert!(!f.remedies.is_empty());
    assert_eq!(pair(&r), (0x904, 0xA, Basis::Inferred));
    assert_eq!(r.verdict, Verdict::Failing);
}

#[tokio::test]
async fn server_denied_fips_is_0x904_0x8() {
    let r = run("server-denied-fips").await;
    assert_eq!(session(&r).error_info, Some(0x8));
    let f = finding(&r, "server-denied-fips");
    assert!(has(f, "(0x8)"), "{:?}", f.evidence);
    assert_eq!(pair(&r), (0x904, 0x8, Basis::Inferred));
}

#[tokio::test]
async fn an_unreadable_pdu_mid_sequence_is_incomplete_not_a_server_verdict() {
    let r = run("garbage-mid-sequence").await;
    let s = session(&r);
    assert!(
        s.server_frames.iter().any(|f| f.kind == rdp_doctor::observations::FrameKind::Malformed),
        "{:?}",
        s.server_frames
    );
    let f = finding(&r, "session-incomplete");
    assert!(has(f, "decode"), "{:?}", f.evidence);
    assert!(!r.findings.iter().any(|f| f.id == "disconnected-by-server" || f.id == "session-established"));
    assert_eq!(r.verdict, Verdict::Failing);
}

/// The case the project exists for: a Windows 10 / Server 2016 or later server selects HYBRID_EX for
/// mstsc's 0xB, NLA succeeds, then the server refuses with ERRINFO_SERVER_DENIED_CONNECTION during
/// licensing. The Windows client shows 0x904 / 0x7; the diagnosis must say the password was right.
#[tokio::test]
async fn nla_hybrid_ex_then_server_denied_is_0x904_0x7_after_nla() {
    let r = run_as_demo("nla-hybrid-ex-denied").await;
    let a = r.observations.authentication.as_ref().expect("the demo logs on");
    assert_eq!(a.selected, Some(rdp_doctor::observations::Protocol::HybridEx));
    assert_eq!(a.early_auth_result, Some(0), "Early User Authorization Result SUCCESS: {a:?}");
    let s = session(&r);
    assert_eq!(s.protocol, Some(rdp_doctor::observations::Protocol::HybridEx));
    assert!(s.stages.iter().any(|st| st.name == S::Credssp && st.outcome == StageOutcome::Ok), "{:?}", s.stages);
    assert_eq!(s.error_info, Some(0x7));
    assert_eq!(s.disconnect_reason, Some(3));
    assert_eq!(s.end, SessionEnd::ServerEnded);
    assert_eq!(s.ended_in, Some(S::Licensing));
    let f = finding(&r, "server-denied-connection");
    assert_eq!(f.severity, Severity::Error);
    assert!(has(f, "ERRINFO_SERVER_DENIED_CONNECTION (0x7)"), "{:?}", f.evidence);
    assert!(has(f, "NLA (CredSSP) succeeded, so the password was right"), "{:?}", f.evidence);
    assert!(!has(f, "without NLA") && !has(f, "no credentials were sent"), "{:?}", f.evidence);
    assert!(has(f, "over HYBRID_EX ended in stage licensing"), "{:?}", f.evidence);
    assert!(has(f, "server sent set_error_info in licensing: errorInfo 0x7"), "{:?}", f.evidence);
    finding(&r, "credentials-accepted");
    assert_eq!(r.findings.first().map(|f| f.id.as_str()), Some("server-denied-connection"), "the top finding");
    assert_eq!(pair(&r), (0x904, 0x7, Basis::Observed));
    assert_eq!(r.verdict, Verdict::Failing);
    assert_eq!(r.verdict.exit_code(), 1);
    assert!(!r.to_json().contains(lab::credssp::LAB_PASSWORD), "the password is never serialized");
}

/// The same server through the binary, as an admin runs it: `diagnose --user`, exit status 1.
#[tokio::test]
async fn nla_hybrid_ex_denied_through_the_binary_exits_1() {
    let server = lab::start(lab::find("nla-hybrid-ex-denied").unwrap(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let target = server.addr.to_string();
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_rdp-doctor"))
            .args(["diagnose", &target, "--json", "--timeout", "20", "--user", "LAB\\demo"])
            .arg("--insecure-trust-any-cert")
            .env("RDP_DOCTOR_PASSWORD", lab::credssp::LAB_PASSWORD)
            .stdin(std::process::Stdio::null())
            .output()
            .expect("rdp-doctor runs")
    })
    .await
    .unwrap();
    server.stop();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    });
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(v["verdict"], "failing");
    assert_eq!(v["findings"][0]["id"], "server-denied-connection");
    assert_eq!(v["predicted_client_error"]["code"], "0x904");
    assert_eq!(v["predicted_client_error"]["extended"], "0x7");
    assert_eq!(v["observations"]["session"]["protocol"], "hybrid_ex");
}
