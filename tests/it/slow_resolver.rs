//! A resolver that never answers: the report is out at the deadline and the process ends then too,
//! whatever getaddrinfo does (the runtime does not wait for its blocking lookup thread). Runs the binary
//! in a private network and mount namespace (`unshare`, as root, as scripts/test.sh runs) whose
//! /etc/resolv.conf points at a DNS server that reads and never answers.

use std::process::Command;

#[test]
fn a_silent_resolver_does_not_hold_the_process_past_the_deadline() {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/scripts/slow-resolver.sh");
    let out = Command::new("unshare")
        .args(["--net", "--mount", "bash", script, env!("CARGO_BIN_EXE_rdp-doctor")])
        .output()
        .expect("unshare (util-linux) runs; this test needs root, as scripts/test.sh runs it");
    let text = String::from_utf8_lossy(&out.stdout);
    let value = |key: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(key))
            .map(str::trim)
            .unwrap_or_else(|| panic!("no {key:?} in {text:?}; stderr {}", String::from_utf8_lossy(&out.stderr)))
            .to_string()
    };
    assert_eq!(value("hangs "), "1", "the test resolver must hang for this test to mean anything");
    assert_eq!(value("exit "), "1", "dns-unresolved is exit 1");
    let elapsed: f64 = value("elapsed ").parse().unwrap();
    // --timeout 1; getaddrinfo itself would wait 5 s x 3 attempts.
    assert!(elapsed < 2.5, "the process ended {elapsed:.2} s after it started, past its 1 s deadline");
}
