//! The hand-written TLS scanner against real `openssl s_server` instances on loopback, checked
//! against `sslscan --xml=-` on the same server.
//!
//! Needs `openssl` and `sslscan` (Debian packages); `scripts/test.sh` installs them.
#![cfg_attr(not(feature = "interop"), allow(dead_code, unused_imports))] // openssl/sslscan tests: `--features interop`

use crate::common;

use std::collections::BTreeSet;
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use rdp_doctor::knowledge::client_profiles;
use rdp_doctor::knowledge::tls_suites::{self, TLS12};
use rdp_doctor::probe::tls_scan::{self, HelloSpec, ScanOptions, TlsScan, VersionOutcome};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;

fn require(tool: &str) {
    let ok = Command::new(tool).arg("version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok()
        || Command::new(tool).arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok();
    assert!(ok, "`{tool}` is not installed: run scripts/test.sh, which installs openssl and sslscan");
}

struct Server {
    child: Child,
    addr: SocketAddr,
    _dir: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self._dir);
    }
}

fn cert_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "rdp-doctor-tls-{}-{}",
        std::process::id(),
        tls_scan::fresh_random()[..6].iter().map(|b| format!("{b:02x}")).collect::<String>()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let st = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-subj", "/CN=rdp-doctor-test"])
        .arg("-keyout")
        .arg(dir.join("key.pem"))
        .arg("-out")
        .arg(dir.join("cert.pem"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run openssl req");
    assert!(st.success(), "openssl req failed");
    dir
}

/// Starts `openssl s_server -www` on a free loopback port with extra arguments.
fn start_server(extra: &[&str]) -> Server {
    require("openssl");
    let dir = cert_dir();
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let child = Command::new("openssl")
        .arg("s_server")
        .arg("-accept")
        .arg(addr.to_string())
        .arg("-cert")
        .arg(dir.join("cert.pem"))
        .arg("-key")
        .arg(dir.join("key.pem"))
        .arg("-www")
        .arg("-quiet")
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start openssl s_server");
    let until = std::time::Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(addr).is_err() {
        assert!(std::time::Instant::now() < until, "s_server did not start: {extra:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
    Server { child, addr, _dir: dir }
}

/// sslscan's accepted (version, suite id) set and its listing order per version.
type Accepted = BTreeSet<(String, u16)>;

fn sslscan(addr: SocketAddr) -> (Accepted, Vec<(String, u16)>) {
    require("sslscan");
    common::sslscan(&addr.to_string(), false)
}

async fn scan(addr: SocketAddr) -> TlsScan {
    let opts = ScanOptions::new(Instant::now() + Duration::from_secs(60));
    tls_scan::scan(move || TcpStream::connect(addr), &opts).await
}

fn accepted_set(s: &TlsScan) -> BTreeSet<(String, u16)> {
    s.suites.iter().map(|o| (o.version.clone(), o.id_code)).collect()
}

fn report(label: &str, s: &TlsScan, sslscan: &BTreeSet<(String, u16)>) {
    let ids: Vec<String> = s.suites.iter().map(|o| format!("{}:{}", o.version, o.id)).collect();
    eprintln!(
        "[{label}] versions={:?} suites={ids:?} connections={} ms={} sslscan={}",
        s.versions,
        s.connections,
        s.ms,
        sslscan.len()
    );
    eprintln!("[{label}] version_results={}", serde_json::to_string(&s.version_results).unwrap());
}

#[cfg(feature = "interop")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls12_only_aes256_sha() {
    let srv = start_server(&["-tls1_2", "-cipher", "AES256-SHA"]);
    let s = scan(srv.addr).await;
    let (reference, _) = sslscan(srv.addr);
    report("tls1.2 AES256-SHA", &s, &reference);
    assert_eq!(s.versions, vec!["tls1.2"]);
    assert_eq!(accepted_set(&s), BTreeSet::from([("tls1.2".to_string(), 0x0035)]));
    assert_eq!(accepted_set(&s), reference);
    assert_eq!(s.suites[0].name, "TLS_RSA_WITH_AES_256_CBC_SHA");
    assert_eq!(s.suites[0].id, "0x0035");
    assert!(s.suites[0].preferred);
    // The certificate came from the raw TLS 1.2 Certificate message.
    let chain = s.certificate_chain_der.as_ref().expect("certificate chain");
    let (_, cert) = x509_parser::parse_x509_certificate(&chain[0]).unwrap();
    assert!(cert.subject().to_string().contains("rdp-doctor-test"));
    for r in &s.version_results {
        if r.version != "tls1.2" {
            assert_ne!(r.outcome, VersionOutcome::Accepted, "{r:?}");
        }
    }
    assert!(!s.aborted_every_hello && !s.stalled_after_hello);

    // Client profiles: hardened cannot connect (cipher), Windows 10 can.
    let by_version = s.suites_by_version();
    let versions = s.accepted_versions();
    let hardened = client_profiles::evaluate(client_profiles::profile("hardened").unwrap(), &versions, &by_version);
    assert!(!hardened.can_connect, "{hardened:?}");
    assert_eq!(hardened.cause, client_profiles::VerdictCause::NoCommonSuite);
    let w10 = client_profiles::evaluate(client_profiles::profile("windows-10").unwrap(), &versions, &by_version);
    assert!(w10.can_connect, "{w10:?}");
}

#[cfg(feature = "interop")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls13_only() {
    let srv = start_server(&["-tls1_3"]);
    let s = scan(srv.addr).await;
    let (reference, _) = sslscan(srv.addr);
    report("tls1.3 only", &s, &reference);
    assert_eq!(s.versions, vec!["tls1.3"]);
    let expected: BTreeSet<(String, u16)> =
        [0x1301, 0x1302, 0x1303].into_iter().map(|id| ("tls1.3".to_string(), id)).collect();
    assert_eq!(accepted_set(&s), expected);
    assert_eq!(accepted_set(&s), reference);
    let tls12 = s.version_results.iter().find(|r| r.version == "tls1.2").unwrap();
    assert_eq!(tls12.outcome, VersionOutcome::RejectedAlert { description: 70, name: "protocol_version" });
    // s_server without -serverpref follows the client's order.
    let tls13 = s.version_results.iter().find(|r| r.version == "tls1.3").unwrap();
    assert_eq!(tls13.server_preference, Some(false), "{tls13:?}");
}

#[cfg(feature = "interop")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn default_config_with_server_preference() {
    let srv = start_server(&["-serverpref"]);
    let s = scan(srv.addr).await;
    let (reference, sslscan_order) = sslscan(srv.addr);
    report("default -serverpref", &s, &reference);
    assert_eq!(s.versions, vec!["tls1.2", "tls1.3"]);
    assert_eq!(accepted_set(&s), reference);
    // With server preference, sslscan lists suites in the server's order too.
    let ours: Vec<(String, u16)> = s.suites.iter().map(|o| (o.version.clone(), o.id_code)).collect();
    let theirs12: Vec<&(String, u16)> = sslscan_order.iter().filter(|(v, _)| v == "tls1.2").collect();
    let ours12: Vec<&(String, u16)> = ours.iter().filter(|(v, _)| v == "tls1.2").collect();
    assert_eq!(ours12, theirs12);
    let tls12 = s.version_results.iter().find(|r| r.version == "tls1.2").unwrap();
    assert_eq!(tls12.server_preference, Some(true));
    let pref = s.suites.iter().find(|o| o.version == "tls1.2" && o.preferred).unwrap();
    assert_eq!(pref.rank, 1);
    for (v, _) in &reference {
        assert!(v == "tls1.2" || v == "tls1.3");
    }
    // Every accepted TLS 1.2 suite is in the table with its IANA name.
    for o in &s.suites {
        assert_eq!(tls_suites::suite(o.id_code).unwrap().name, o.name);
    }
}

#[cfg(feature = "interop")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls10_at_seclevel0() {
    let srv = start_server(&["-tls1", "-cipher", "DEFAULT:@SECLEVEL=0"]);
    let s = scan(srv.addr).await;
    let (reference, _) = sslscan(srv.addr);
    report("tls1.0 SECLEVEL=0", &s, &reference);
    assert_eq!(s.versions, vec!["tls1.0"]);
    assert_eq!(accepted_set(&s), reference);
    assert!(s.suites.iter().any(|o| o.id_code == 0x0035));
    // A TLS 1.2 hello is answered with a TLS 1.0 ServerHello.
    let tls12 = s.version_results.iter().find(|r| r.version == "tls1.2").unwrap();
    assert_eq!(tls12.outcome, VersionOutcome::DowngradedTo { to: "tls1.0".into() });
    let w11 = client_profiles::evaluate(
        client_profiles::profile("windows-11").unwrap(),
        &s.accepted_versions(),
        &s.suites_by_version(),
    );
    assert!(!w11.can_connect);
    assert_eq!(w11.cause, client_profiles::VerdictCause::NoCommonVersion);
}

/// A server that accepts and closes every connection without a word.
#[tokio::test]
async fn every_hello_aborted() {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = l.accept().await {
            let mut b = [0u8; 512];
            let _ = s.read(&mut b).await;
            drop(s);
        }
    });
    let mut opts = ScanOptions::new(Instant::now() + Duration::from_secs(20));
    opts.pace = Duration::from_millis(5);
    let s = tls_scan::scan(move || TcpStream::connect(addr), &opts).await;
    assert!(s.aborted_every_hello, "{s:?}");
    assert!(!s.stalled_after_hello);
    assert!(s.versions.is_empty());
    assert!(s.connections >= 5);
    assert!(s.version_results.iter().all(|r| matches!(r.outcome, VersionOutcome::Closed | VersionOutcome::Reset)));
}

/// A server that reads the hello and then says nothing (what a path MTU black hole looks like).
#[tokio::test]
async fn stalled_after_hello() {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((mut s, _)) = l.accept().await {
            let mut b = [0u8; 512];
            let _ = s.read(&mut b).await;
            held.push(s);
        }
    });
    let mut opts = ScanOptions::new(Instant::now() + Duration::from_secs(20));
    opts.pace = Duration::from_millis(5);
    opts.reply_timeout = Duration::from_millis(300);
    let started = std::time::Instant::now();
    let s = tls_scan::scan(move || TcpStream::connect(addr), &opts).await;
    assert!(s.stalled_after_hello, "{s:?}");
    assert!(!s.aborted_every_hello);
    assert_eq!(s.connections, 5, "one hello per version, then stop");
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(s.version_results.iter().all(|r| r.outcome == VersionOutcome::Timeout));
}

/// An RDP-style (non-TLS) answer is recorded as not_tls.
#[tokio::test]
async fn non_tls_answer() {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = l.accept().await {
            let mut b = [0u8; 512];
            let _ = s.read(&mut b).await;
            let _ = s.write_all(&[3, 0, 0, 11, 6, 0xD0, 0, 0, 0, 0, 0]).await;
        }
    });
    let mut opts = ScanOptions::new(Instant::now() + Duration::from_secs(20));
    opts.pace = Duration::from_millis(5);
    opts.versions = vec![TLS12];
    let s = tls_scan::scan(move || TcpStream::connect(addr), &opts).await;
    assert_eq!(s.version_results[0].outcome, VersionOutcome::NotTls);
    assert!(!s.aborted_every_hello && !s.stalled_after_hello);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn small_mss_retry_gets_server_hello() {
    let srv = start_server(&["-tls1_2", "-cipher", "AES256-SHA"]);
    let stream = tls_scan::connect_small_mss(srv.addr, 536, Instant::now() + Duration::from_secs(5)).await.unwrap();
    let mss = socket2::SockRef::from(&stream).tcp_mss().unwrap();
    assert!(mss <= 536, "mss {mss}");
    drop(stream);
    let spec = HelloSpec { version: TLS12, suites: tls_scan::suites_for_version(TLS12), server_name: None };
    let r = tls_scan::retry_small_mss(
        srv.addr,
        536,
        |s| async move { Ok(s) },
        &spec,
        Instant::now() + Duration::from_secs(10),
    )
    .await;
    assert!(r.server_hello, "{r:?}");
}

/// Minimal X.224 Connection Request asking for PROTOCOL_SSL ([MS-RDPBCGR] 2.2.1.1, 2.2.1.1.1),
/// then the Connection Confirm; returns the stream ready for the TLS ClientHello.
async fn open_rdp_tls(addr: SocketAddr) -> std::io::Result<TcpStream> {
    let mut s = TcpStream::connect(addr).await?;
    // TPKT (4) + X.224 CR (7) + RDP_NEG_REQ (8): requestedProtocols = PROTOCOL_SSL.
    let cr = [3, 0, 0, 19, 14, 0xE0, 0, 0, 0, 0, 0, 1, 0, 8, 0, 1, 0, 0, 0];
    s.write_all(&cr).await?;
    let mut hdr = [0u8; 4];
    s.read_exact(&mut hdr).await?;
    let len = u16::from_be_bytes([hdr[2], hdr[3]]) as usize;
    if hdr[0] != 3 || !(11..=64).contains(&len) {
        return Err(std::io::Error::other(format!("not a TPKT: {hdr:02x?}")));
    }
    let mut rest = vec![0u8; len - 4];
    s.read_exact(&mut rest).await?;
    // X.224 CC (7) then RDP_NEG_RSP: type 2, selectedProtocol 1.
    if rest.get(7) != Some(&2) || rest.get(11) != Some(&1) {
        return Err(std::io::Error::other(format!("server did not select TLS: {rest:02x?}")));
    }
    Ok(s)
}

/// The same enumeration through X.224 against xrdp, checked against `sslscan --rdp`.
/// The port comes from `scripts/interop-servers.sh` (run via scripts/test.sh).
#[cfg(feature = "interop")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xrdp_matches_sslscan_rdp() {
    let port: u16 = std::env::var("RDPD_XRDP_TLS_PORT")
        .expect("RDPD_XRDP_TLS_PORT is not set: run scripts/test.sh, which starts xrdp")
        .parse()
        .expect("RDPD_XRDP_TLS_PORT");
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let opts = ScanOptions::new(Instant::now() + Duration::from_secs(60));
    let s = tls_scan::scan(move || open_rdp_tls(addr), &opts).await;

    require("sslscan");
    let (reference, _) = common::sslscan(&addr.to_string(), true);
    report("xrdp via X.224", &s, &reference);
    assert_eq!(accepted_set(&s), reference);
    assert!(s.certificate_chain_der.is_some(), "certificate read from the TLS 1.2 flight");
}

#[cfg(feature = "interop")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn default_config() {
    let srv = start_server(&[]);
    let s = scan(srv.addr).await;
    let (reference, _) = sslscan(srv.addr);
    report("default", &s, &reference);
    assert_eq!(s.versions, vec!["tls1.2", "tls1.3"]);
    assert_eq!(accepted_set(&s), reference);
    assert!(s.suites.iter().any(|o| o.version == "tls1.2" && o.id_code == 0xC030));
    assert!(!s.suites.iter().any(|o| tls_suites::suite(o.id_code).unwrap().has(tls_suites::RC4)));
    // Without -serverpref OpenSSL follows the client's order.
    let tls12 = s.version_results.iter().find(|r| r.version == "tls1.2").unwrap();
    assert_eq!(tls12.server_preference, Some(false));
    let verdicts = client_profiles::evaluate_all(&s.accepted_versions(), &s.suites_by_version());
    let w7 = verdicts.iter().find(|v| v.profile == "windows-7").unwrap();
    assert!(!w7.can_connect, "{w7:?}");
    assert!(verdicts.iter().filter(|v| v.profile != "windows-7").all(|v| v.can_connect), "{verdicts:?}");
}
