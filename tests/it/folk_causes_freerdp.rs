//! The codes `knowledge::folk_causes` says FreeRDP shows for each cause, checked against the real
//! client: `xfreerdp` (Debian freerdp2-x11, 2.11) connects to a lab scenario served in-process on
//! loopback, or to a real server started by scripts/interop-servers.sh, and the code it logs
//! (`freerdp_set_last_error_ex NAME [0x000XXXXX]`) must be one the cause claims. A class-1 code
//! (0x0001XXXX, a server errorInfo) must also match an errorInfo or Windows pair the cause claims.
//! Every `observed` FreeRDP claim in the table is reproduced here. Needs xfreerdp, Xvfb and the
//! servers' environment (scripts/test.sh): fails, never skips, without them.
#![cfg(feature = "interop")] // needs xfreerdp, Xvfb and the real servers: `scripts/test.sh` (`--features interop`)

use rdp_doctor::knowledge::folk_causes::{self, CodeLink, FOLK_CAUSES};
use rdp_doctor::knowledge::{Basis, TableId};
use rdp_doctor::lab;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// Where xfreerdp connects.
enum Peer {
    /// A lab scenario, started in-process on 127.0.0.1:0.
    Lab(&'static str),
    /// A real server: the environment variable holding its loopback port.
    Real(&'static str),
}

/// (cause id, peer, extra xfreerdp arguments).
const REPRODUCTIONS: &[(&str, Peer, &[&str])] = &[
    ("firewall", Peer::Real("RDPD_CLOSED_PORT"), &[]),
    ("server-not-listening", Peer::Real("RDPD_CLOSED_PORT"), &[]),
    ("server-not-listening", Peer::Lab("accept-then-close"), &[]),
    ("security-layer", Peer::Real("RDPD_XRDP_RDP_PORT"), &["/sec:tls"]),
    ("tls-mismatch", Peer::Lab("legacy-ciphers-only"), &[]),
    ("tls-mismatch", Peer::Real("RDPD_XRDP_TLS10_PORT"), &[]),
    ("machinekeys", Peer::Lab("tls-private-key-broken"), &[]),
    ("strict-nla", Peer::Real("RDPD_FREERDP_NLA_PORT"), &["/sec:tls"]),
    ("credentials", Peer::Lab("wrong-password"), &[]),
    ("logon-right", Peer::Lab("server-denied"), &[]),
    ("logon-right", Peer::Lab("insufficient-privileges"), &[]),
    ("session-limit", Peer::Lab("server-denied"), &[]),
    // NLA with the lab password (a lab constant) succeeds, then ERRINFO 0x7: 0x00010007, not a logon failure.
    // xfreerdp 2.11 requests 0x3 (HYBRID_EX only with /sec-ext, which it cannot complete), so the lab
    // selects HYBRID here; rdp-doctor's own 0xB request gets HYBRID_EX (tests/lab_session.rs).
    ("logon-right", Peer::Lab("nla-hybrid-ex-denied"), &["/u:demo", "/d:LAB", "/p:Lab-Password-1"]),
    ("licensing", Peer::Lab("licensing-no-license-server"), &[]),
    ("fips", Peer::Lab("server-denied-fips"), &[]),
];

/// Xvfb on a display it picks itself (-displayfd), stopped on drop.
struct Xvfb {
    child: Child,
    display: String,
}

impl Xvfb {
    fn start() -> Xvfb {
        let mut child = Command::new("Xvfb")
            .args(["-displayfd", "1", "-nolisten", "tcp", "-noreset", "-screen", "0", "800x600x24"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb is not installed: run scripts/test.sh, which installs xvfb");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("Xvfb display number");
        let n: u32 = line.trim().parse().unwrap_or_else(|_| panic!("Xvfb said {line:?}"));
        Xvfb { child, display: format!(":{n}") }
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn env_port(name: &str) -> u16 {
    std::env::var(name)
        .unwrap_or_else(|_| panic!("{name} is not set: run scripts/test.sh (or source its servers.env)"))
        .parse()
        .unwrap_or_else(|_| panic!("{name} is not a port"))
}

/// Runs xfreerdp against 127.0.0.1:`port` and returns the first code it logs with
/// `freerdp_set_last_error_ex`, and its whole log.
fn xfreerdp(display: &str, home: &std::path::Path, port: u16, extra: &[&str]) -> (Option<u32>, String) {
    // A throwaway user and password for lab servers (never a real account's secret).
    let out = Command::new("timeout")
        .args(["20", "xfreerdp", &format!("/v:127.0.0.1:{port}"), "/cert:ignore", "/u:lab", "/p:not-a-secret"])
        .args(extra)
        .env("DISPLAY", display)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home)
        .stdin(Stdio::null())
        .output()
        .expect("xfreerdp is not installed: run scripts/test.sh, which installs freerdp2-x11");
    let log = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let code = log.lines().filter(|l| l.contains("freerdp_set_last_error_ex")).find_map(|l| {
        let start = l.rfind("[0x")? + 3;
        let end = l[start..].find(']')? + start;
        u32::from_str_radix(&l[start..end], 16).ok()
    });
    (code, log)
}

/// Whether `cause` claims FreeRDP's `code`: the ERRCONNECT code itself, or for a class-1 code the
/// errorInfo inside it.
fn claims(cause: &folk_causes::FolkCause, code: u32) -> bool {
    cause.produces.iter().any(|p| match p.link {
        CodeLink::Code { table: TableId::FreerdpError, value } => value == code,
        CodeLink::ErrorInfo(x) => code >> 16 == 1 && code & 0xFFFF == x,
        _ => false,
    })
}

#[test]
fn xfreerdp_logs_the_codes_the_table_claims() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let x = Xvfb::start();
    let home = std::env::temp_dir().join(format!("rdp-doctor-folk-xfreerdp-{}", std::process::id()));
    std::fs::create_dir_all(&home).unwrap();
    let mut failures = Vec::new();
    let mut seen: Vec<(&str, u32)> = Vec::new();
    for (id, peer, extra) in REPRODUCTIONS {
        let cause = folk_causes::cause(id).unwrap_or_else(|| panic!("no cause {id}"));
        let (code, log, what) = match peer {
            Peer::Lab(name) => {
                let scenario = lab::find(name).unwrap_or_else(|_| panic!("no lab scenario {name}"));
                let server = rt.block_on(lab::start(scenario, "127.0.0.1:0".parse().unwrap())).expect("lab starts");
                let port = server.addr.port();
                let (code, log) = xfreerdp(&x.display, &home, port, extra);
                server.stop();
                (code, log, format!("lab {name}"))
            }
            Peer::Real(var) => {
                let (code, log) = xfreerdp(&x.display, &home, env_port(var), extra);
                (code, log, format!("{var} {extra:?}"))
            }
        };
        match code {
            Some(c) if claims(cause, c) => seen.push((id, c)),
            Some(c) => failures.push(format!("{id} via {what}: xfreerdp logged 0x{c:08X}, not claimed\n{log}")),
            None => failures.push(format!("{id} via {what}: xfreerdp logged no error code\n{log}")),
        }
        // A class-1 code carries the server's errorInfo: the Windows client shows it as the extended code.
        if let Some(c) = code.filter(|c| c >> 16 == 1) {
            let x = c & 0xFFFF;
            let windows = cause.produces.iter().any(|p| {
                matches!(p.link, CodeLink::ErrorInfo(v) if v == x)
                    || matches!(p.link, CodeLink::Pair { extended, .. } if extended == x)
            });
            if !windows {
                failures.push(format!("{id} via {what}: no Windows pair or errorInfo 0x{x:X} claimed"));
            }
        }
    }
    let _ = std::fs::remove_dir_all(&home);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));

    // Every observed FreeRDP claim was reproduced above.
    for c in FOLK_CAUSES {
        for p in c.produces.iter().filter(|p| p.basis == Basis::Observed) {
            let covered = match p.link {
                CodeLink::Code { table: TableId::FreerdpError, value } => seen.contains(&(c.id, value)),
                CodeLink::ErrorInfo(x) => seen.contains(&(c.id, 0x0001_0000 | x)),
                _ => true,
            };
            assert!(covered, "{}: the observed claim {:?} is not reproduced by xfreerdp here", c.id, p.link);
        }
    }
}

#[test]
fn every_reproduction_names_a_known_cause() {
    for (id, peer, _) in REPRODUCTIONS {
        assert!(folk_causes::cause(id).is_some(), "{id}");
        if let Peer::Lab(name) = peer {
            assert!(lab::find(name).is_ok(), "{name}");
        }
    }
}
