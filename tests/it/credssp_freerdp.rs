//! CredSSP against the real FreeRDP shadow server (/sec:nla, SAM file) and the TLS-only servers started
//! by scripts/interop-servers.sh. Run them through scripts/test.sh, which exports the ports and account.
//! Also the leak test: the password appears nowhere in stdout, stderr, JSON or the `-v` trace.
#![cfg(feature = "interop")] // needs the FreeRDP NLA server: `scripts/test.sh` runs it (`--features interop`)

use std::process::{Command, Output};

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set: run scripts/test.sh"))
}

fn rdp_doctor(args: &[&str], password: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rdp-doctor"));
    cmd.args(args).stdin(std::process::Stdio::null()).env_remove("RDP_DOCTOR_PASSWORD");
    if let Some(p) = password {
        cmd.env("RDP_DOCTOR_PASSWORD", p);
    }
    cmd.output().expect("rdp-doctor runs")
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

fn ids(v: &serde_json::Value) -> Vec<String> {
    v["findings"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap().to_string()).collect()
}

fn nla_target() -> String {
    format!("127.0.0.1:{}", env("RDPD_FREERDP_NLA_PORT"))
}

#[test]
fn freerdp_nla_without_credentials_gives_version_6_and_host_facts() {
    let out = rdp_doctor(&["diagnose", &nla_target(), "--json"], None);
    let v = json(&out);
    let c = &v["observations"]["credssp"];
    assert_eq!(c["outcome"], "challenge");
    assert_eq!(c["server_version"], 6);
    assert_eq!(c["error_code"], serde_json::Value::Null);
    assert_eq!(c["ntlm"]["os_version"], "6.1.7601");
    assert!(c["ntlm"]["nb_computer_name"].as_str().is_some_and(|s| !s.is_empty()));
    assert!(c["ntlm"]["timestamp"].as_str().unwrap().ends_with('Z'));
    assert!(ids(&v).contains(&"credssp-host-info".to_string()));
    assert!(!ids(&v).contains(&"credssp-server-unpatched".to_string()));
    assert_eq!(v["observations"]["authentication"], serde_json::Value::Null);
}

fn check(user: &str, password: &str) -> (serde_json::Value, Output) {
    let out = rdp_doctor(
        &["diagnose", &nla_target(), "--json", "-v", "--user", user, "--insecure-trust-any-cert"],
        Some(password),
    );
    (json(&out), out)
}

fn assert_no_leak(out: &Output, password: &str) {
    for (name, stream) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        let text = String::from_utf8_lossy(stream);
        assert!(!text.contains(password), "the password leaked into {name}");
        // Nor as UTF-16LE (how NTLM and TSCredentials carry it).
        let utf16: String = password.chars().flat_map(|c| [c, '\0']).collect();
        assert!(!text.contains(&utf16), "the password leaked into {name} as UTF-16");
    }
}

#[test]
fn right_password_is_accepted_and_never_printed() {
    let password = env("RDPD_PASSWORD");
    let (v, out) = check(&env("RDPD_USER"), &password);
    assert!(ids(&v).contains(&"credentials-accepted".to_string()), "{:?}", ids(&v));
    assert_eq!(v["observations"]["authentication"]["outcome"], "accepted");
    assert_eq!(v["observations"]["authentication"]["credentials_sent"], true);
    let trace = String::from_utf8_lossy(&out.stderr);
    assert!(trace.contains("contents redacted"), "the -v trace ran: {trace}");
    assert_no_leak(&out, &password);
}

#[test]
fn wrong_password_is_rejected_inferred_and_never_printed() {
    let password = "Wrong-Horse-9-leaktest";
    let (v, out) = check(&env("RDPD_USER"), password);
    assert!(ids(&v).contains(&"credentials-rejected".to_string()), "{:?}", ids(&v));
    let a = &v["observations"]["authentication"];
    assert_eq!(a["outcome"], "closed_after_authenticate");
    let f = v["findings"].as_array().unwrap().iter().find(|f| f["id"] == "credentials-rejected").unwrap();
    assert_eq!(f["client_error"]["basis"], "inferred");
    assert!(f["evidence"].to_string().contains("is not accepted by"));
    assert_no_leak(&out, password);
}

#[test]
fn unknown_user_is_rejected() {
    let (v, out) = check("no-such-user-rdpd", "Whatever-1-leaktest");
    assert!(ids(&v).contains(&"credentials-rejected".to_string()), "{:?}", ids(&v));
    assert_no_leak(&out, "Whatever-1-leaktest");
}

#[test]
fn self_signed_without_pin_and_terminal_sends_nothing() {
    let password = env("RDPD_PASSWORD");
    let out = rdp_doctor(&["diagnose", &nla_target(), "--json", "--user", &env("RDPD_USER")], Some(&password));
    let v = json(&out);
    let a = &v["observations"]["authentication"];
    assert_eq!(a["outcome"], "not_sent");
    assert_eq!(a["credentials_sent"], false);
    assert!(ids(&v).contains(&"credentials-not-sent".to_string()));
    // With the thumbprint the report shows, the same run sends them and they are accepted.
    let pin = a["cert_sha256"].as_str().unwrap().to_string();
    let out = rdp_doctor(
        &["diagnose", &nla_target(), "--json", "--user", &env("RDPD_USER"), "--trust-cert", &pin],
        Some(&password),
    );
    let v = json(&out);
    assert_eq!(v["observations"]["authentication"]["cert_trust"], "pinned");
    assert!(ids(&v).contains(&"credentials-accepted".to_string()));
    assert_no_leak(&out, &password);
}

#[test]
fn tls_only_servers_say_nla_is_not_available() {
    for port in [env("RDPD_FREERDP_TLS_PORT"), env("RDPD_XRDP_TLS_PORT")] {
        let out =
            rdp_doctor(&["diagnose", &format!("127.0.0.1:{port}"), "--json", "--user", "x"], Some("Leak-Check-77"));
        let v = json(&out);
        assert_eq!(v["observations"]["credssp"], serde_json::Value::Null, "port {port}");
        assert_eq!(v["observations"]["authentication"]["outcome"], "no_nla", "port {port}");
        assert!(ids(&v).contains(&"credentials-not-checked".to_string()), "port {port}: {:?}", ids(&v));
        assert!(!ids(&v).contains(&"credentials-accepted".to_string()));
        assert_no_leak(&out, "Leak-Check-77");
    }
}
