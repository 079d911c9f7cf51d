//! `diagnose HOST --evidence PATH...` against the real FreeRDP servers (scripts/test.sh starts them):
//! the registry export says one thing, the wire another.
#![cfg(feature = "interop")] // needs the real FreeRDP servers: `scripts/test.sh` (`--features interop`)

use serde_json::Value;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_rdp-doctor");

fn env_var(name: &str) -> String {
    match std::env::var(name) {
        Ok(v) if !v.is_empty() => v,
        _ => panic!(
            "{name} is not set: run with scripts/test.sh or `source $RDPD_STATE/servers.env` (the real RDP servers)"
        ),
    }
}

fn diagnose_with_evidence(port_var: &str, evidence: &std::path::Path) -> (i32, Value) {
    let target = format!("127.0.0.1:{}", env_var(port_var));
    let out = Command::new(BIN)
        .args(["diagnose", &target, "--json", "--no-session", "--timeout", "30", "--evidence"])
        .arg(evidence)
        .output()
        .unwrap();
    let v =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap_or(-1), v)
}

fn export(dir: &std::path::Path, name: &str, user_auth: u32, sha1: &str) -> std::path::PathBuf {
    let bytes: Vec<String> =
        sha1.as_bytes().chunks(2).map(|c| String::from_utf8_lossy(c).to_ascii_lowercase()).collect();
    let text = format!(
        "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\WinStations\\RDP-Tcp]\r\n\"UserAuthentication\"=dword:{user_auth:08x}\r\n\"SSLCertificateSHA1Hash\"=hex:{}\r\n\r\n",
        bytes.join(",")
    );
    let mut b = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        b.extend_from_slice(&u.to_le_bytes());
    }
    let p = dir.join(name);
    std::fs::write(&p, b).unwrap();
    p
}

/// SHA-1 of a PEM certificate, uppercase hex (openssl, as an admin would compute it).
fn pem_sha1(path: &str) -> String {
    let out = Command::new("openssl").args(["x509", "-noout", "-fingerprint", "-sha1", "-in", path]).output().unwrap();
    let s = String::from_utf8_lossy(&out.stdout);
    s.trim().rsplit('=').next().unwrap().replace(':', "").to_ascii_uppercase()
}

fn ids(v: &Value) -> Vec<String> {
    v["findings"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap().to_string()).collect()
}

#[test]
fn registry_nla_and_thumbprint_contradict_a_tls_only_server() {
    let dir = std::env::temp_dir().join(format!("evidence-interop-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let reg = export(&dir, "rdp-tcp.reg", 1, "00112233445566778899AABBCCDDEEFF00112233");
    let (code, v) = diagnose_with_evidence("RDPD_FREERDP_TLS_PORT", &reg);
    let got = ids(&v);
    assert!(got.contains(&"evidence-nla-mismatch".into()) && got.contains(&"evidence-cert-mismatch".into()), "{got:?}");
    assert_eq!(code, 0, "warnings only: degraded");
    let checks = v["cross_checks"].as_array().unwrap();
    assert!(
        checks.iter().any(|c| c["relation"] == "contradicts"
            && c["evidence_finding"] == "evidence-nla-mismatch"
            && c["detail"].as_str().unwrap().contains("the negotiation showed NLA not required")),
        "{checks:?}"
    );
    let reg = v["observations"]["evidence"]["registry"].as_array().unwrap();
    assert!(
        reg.iter()
            .any(|r| r["name"] == "UserAuthentication" && r["effective"] == "1" && r["effective_source"] == "listener"),
        "{reg:?}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn registry_confirms_an_nla_server_and_its_certificate() {
    let dir = std::env::temp_dir().join(format!("evidence-interop-ok-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sha1 = pem_sha1(&env_var("RDPD_FREERDP_NLA_CERT"));
    let reg = export(&dir, "rdp-tcp.reg", 1, &sha1);
    let (_, v) = diagnose_with_evidence("RDPD_FREERDP_NLA_PORT", &reg);
    let got = ids(&v);
    assert!(!got.iter().any(|i| i.starts_with("evidence-")), "{got:?}");
    let nla = v["findings"].as_array().unwrap().iter().find(|f| f["id"] == "nla-required").expect("nla-required");
    assert!(
        nla["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e.as_str().unwrap().starts_with("confirmed by the registry")),
        "{nla}"
    );
    let checks = v["cross_checks"].as_array().unwrap();
    assert!(
        checks.iter().any(|c| c["relation"] == "confirms" && c["detail"].as_str().unwrap().contains(&sha1)),
        "{checks:?}"
    );
    std::fs::remove_dir_all(&dir).ok();
}
