//! `rdp-doctor client`: the client-side rules against a server measured on the wire (the lab), and
//! the command's behaviour off Windows. The Windows implementation itself is tested under wine by
//! scripts/test-windows.sh.

use rdp_doctor::client::{self, fixture::FixtureSource};
use rdp_doctor::diagnose::{Severity, Verdict};
use rdp_doctor::{Options, lab, target::Target};
use std::time::Duration;

fn client_with_policy(policy: u32, host: &str) -> FixtureSource {
    FixtureSource::from_json(&format!(
        r#"{{"credentials": [{{"target": "TERMSRV/{host}", "user_name": "LAB\\alice", "last_written": "2026-11-29T08:00:00Z", "persistence": "local_machine"}}],
            "registry": {{"{}\\{}": {policy}}}}}"#,
        client::CREDSSP_POLICY_KEY.replace('\\', "\\\\"),
        client::CREDSSP_POLICY_VALUE
    ))
    .expect("fixture")
}

#[tokio::test]
async fn force_updated_client_against_the_credssp_v3_lab_says_patch_the_server() {
    let server = lab::start(lab::find("credssp-v3").unwrap(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let target = Target::parse(&server.addr.to_string()).unwrap();
    let opts = Options { timeout: Duration::from_secs(5), ..Options::default() };
    let r = client::check(&client_with_policy(0, "127.0.0.1"), Some(&target), &opts).await;
    server.stop();
    let s = r.server.as_ref().expect("server facts");
    assert_eq!(s.credssp_version, Some(3), "measured on the wire");
    let f = r.findings.iter().find(|f| f.id == "client-credssp-mismatch").expect("client-credssp-mismatch");
    assert_eq!(f.severity, Severity::Error);
    assert!(f.evidence.iter().any(|e| e.contains("TSRequest version 3")), "{:?}", f.evidence);
    let cred = r.findings.iter().find(|f| f.id == "client-saved-credential").expect("saved credential");
    assert_eq!(cred.severity, Severity::Warning, "the credential is for the target");
    assert!(cred.remedies[0].contains("cmdkey /delete:TERMSRV/127.0.0.1"));
    assert_eq!(r.verdict, Verdict::Failing);
    let json: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
    assert_eq!(json["kind"], "client");
    assert_eq!(json["server"]["credssp_version"], 3);
}

#[tokio::test]
async fn vulnerable_client_reaches_the_credssp_v3_lab_exposed() {
    let server = lab::start(lab::find("credssp-v3").unwrap(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let target = Target::parse(&server.addr.to_string()).unwrap();
    let opts = Options { timeout: Duration::from_secs(5), ..Options::default() };
    let r = client::check(&client_with_policy(2, "elsewhere.test"), Some(&target), &opts).await;
    server.stop();
    let ids: Vec<_> = r.findings.iter().map(|f| f.id.as_str()).collect();
    assert!(ids.contains(&"client-credssp-vulnerable") && !ids.contains(&"client-credssp-mismatch"), "{ids:?}");
    let cred = r.findings.iter().find(|f| f.id == "client-saved-credential").unwrap();
    assert_eq!(cred.severity, Severity::Info, "the credential is for another host");
}

#[cfg(not(windows))]
#[test]
fn client_off_windows_exits_2_and_reads_a_fixture() {
    let bin = env!("CARGO_BIN_EXE_rdp-doctor");
    let out = std::process::Command::new(bin).arg("client").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("runs only on Windows"));
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/client/broken-client.json");
    let out = std::process::Command::new(bin).args(["client", "--fixture", fixture, "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "failing");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["observations"]["source"], "fixture");
    assert!(json["server"].is_null());
}

#[test]
fn completions_and_man_page_come_from_the_clap_definitions() {
    let bin = env!("CARGO_BIN_EXE_rdp-doctor");
    let out = std::process::Command::new(bin).args(["completions", "bash"]).output().unwrap();
    assert!(out.status.success());
    let bash = String::from_utf8(out.stdout).unwrap();
    assert!(bash.contains("rdp-doctor") && bash.contains("--fixture") && bash.contains("diagnose"));
    let out = std::process::Command::new(bin).arg("manpage").output().unwrap();
    assert!(out.status.success());
    let man = String::from_utf8(out.stdout).unwrap();
    assert!(man.starts_with(".ie") || man.contains(".TH rdp-doctor"), "{}", &man[..man.len().min(200)]);
    assert!(man.contains("diagnose") && man.contains("client"));
    let out = std::process::Command::new(bin).arg("--version").output().unwrap();
    let v = String::from_utf8(out.stdout).unwrap();
    assert!(v.starts_with(&format!("rdp-doctor {} (commit ", env!("CARGO_PKG_VERSION"))), "{v}");
}
