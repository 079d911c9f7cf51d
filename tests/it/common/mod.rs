//! Helpers shared by the integration tests.

use std::collections::BTreeSet;
use std::process::Command;

/// Accepted (version, suite id) pairs.
pub type Suites = BTreeSet<(String, u16)>;

/// What `sslscan --xml=-` (with `--rdp` when `rdp`) accepts on `target` ("host:port"): the set of
/// (version, suite id) and the listing order. Fails the test when sslscan is missing.
pub fn sslscan(target: &str, rdp: bool) -> (Suites, Vec<(String, u16)>) {
    let mut cmd = Command::new("sslscan");
    if rdp {
        cmd.arg("--rdp");
    }
    let out = cmd
        .args(["--xml=-", "--no-colour", "--no-heartbleed", "--no-renegotiation", "--no-compression"])
        .args(["--no-fallback", "--no-groups", "--no-check-certificate"])
        .arg(target)
        .output()
        .expect("sslscan is not installed: run scripts/test.sh, which installs it");
    let xml = String::from_utf8_lossy(&out.stdout);
    let attr = |line: &str, name: &str| -> Option<String> {
        let key = format!(" {name}=\"");
        let start = line.find(&key)? + key.len();
        let end = line[start..].find('"')? + start;
        Some(line[start..end].to_string())
    };
    let mut set = BTreeSet::new();
    let mut order = Vec::new();
    for line in xml.lines().filter(|l| l.trim_start().starts_with("<cipher ")) {
        let status = attr(line, "status").unwrap_or_default();
        if status != "accepted" && status != "preferred" {
            continue;
        }
        let v = match attr(line, "sslversion").as_deref() {
            Some("SSLv3") => "ssl3.0",
            Some("TLSv1.0") => "tls1.0",
            Some("TLSv1.1") => "tls1.1",
            Some("TLSv1.2") => "tls1.2",
            Some("TLSv1.3") => "tls1.3",
            other => panic!("unknown sslscan version {other:?} in {line}"),
        };
        let id = attr(line, "id").expect("id");
        let id = u16::from_str_radix(id.trim_start_matches("0x"), 16).expect("hex id");
        set.insert((v.to_string(), id));
        order.push((v.to_string(), id));
    }
    assert!(!set.is_empty(), "sslscan found nothing on {target}: {}", String::from_utf8_lossy(&out.stderr));
    (set, order)
}
