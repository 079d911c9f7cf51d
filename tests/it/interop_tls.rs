//! The TLS layer against real xrdp servers configured TLS 1.0-only, TLS 1.3-only, single-suite
//! (AES256-SHA) and with an expired certificate, each on loopback, started by
//! `scripts/interop-servers.sh` (`start`, or `start-tls` for these alone). The accepted
//! (version, suite id) set is checked against `sslscan --rdp` on the same server.
#![cfg(feature = "interop")] // needs the xrdp TLS variants and sslscan: `scripts/test.sh` runs it (`--features interop`)

use crate::common;

use rdp_doctor::diagnose::{Severity, Verdict};
use rdp_doctor::observations::CertificateSource;
use rdp_doctor::report::Report;
use rdp_doctor::target::Target;
use rdp_doctor::{Options, run_diagnosis};
use std::collections::BTreeSet;
use std::time::Duration;

fn port(var: &str) -> u16 {
    std::env::var(var)
        .unwrap_or_else(|_| panic!("{var} is not set: run scripts/test.sh, which starts the xrdp TLS variants"))
        .parse()
        .unwrap_or_else(|_| panic!("{var} is not a port"))
}

async fn diagnose(var: &str) -> Report {
    let target = Target::parse(&format!("127.0.0.1:{}", port(var))).unwrap();
    // The sslscan comparison is about the full enumeration (`--full-scan`).
    let mut opts = Options { timeout: Duration::from_secs(30), ..Options::default() };
    opts.plan.full_scan = true;
    run_diagnosis(&target, &opts).await
}

fn ours(r: &Report) -> BTreeSet<(String, String)> {
    r.observations.tls.as_ref().unwrap().suites.iter().map(|s| (s.version.clone(), s.id.clone())).collect()
}

/// sslscan --rdp's accepted (version, "0xNNNN") set.
fn sslscan(var: &str) -> BTreeSet<(String, String)> {
    let (set, _) = common::sslscan(&format!("127.0.0.1:{}", port(var)), true);
    set.into_iter().map(|(v, id)| (v, format!("0x{id:04X}"))).collect()
}

fn ids(r: &Report) -> Vec<&'static str> {
    r.findings.iter().map(|f| f.id.as_str()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xrdp_tls10_only() {
    let r = diagnose("RDPD_XRDP_TLS10_PORT").await;
    let t = r.observations.tls.as_ref().unwrap();
    assert_eq!(t.versions, vec!["tls1.0"]);
    assert_eq!(ours(&r), sslscan("RDPD_XRDP_TLS10_PORT"));
    // rustls does not speak TLS 1.0: the certificate is read from the scan's Certificate message.
    assert_eq!(t.certificate_source, Some(CertificateSource::Scan));
    let f = r.findings.iter().find(|f| f.id == "tls-protocol-mismatch").expect("protocol mismatch");
    assert_eq!(f.severity, Severity::Error);
    assert!(f.evidence.iter().any(|e| e.contains("windows-11: protocol mismatch")));
    assert!(ids(&r).contains(&"tls-legacy-only"));
    assert_eq!(r.verdict, Verdict::Failing);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xrdp_tls13_only() {
    let r = diagnose("RDPD_XRDP_TLS13_PORT").await;
    let t = r.observations.tls.as_ref().unwrap();
    assert_eq!(t.versions, vec!["tls1.3"]);
    assert_eq!(ours(&r), sslscan("RDPD_XRDP_TLS13_PORT"));
    assert!(t.handshakes.iter().any(|h| h.version.as_deref() == Some("tls1.3")));
    let f = r.findings.iter().find(|f| f.id == "tls-protocol-mismatch").expect("protocol mismatch");
    assert_eq!(f.severity, Severity::Info);
    assert!(f.evidence.iter().any(|e| e.contains("windows-10: protocol mismatch")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xrdp_single_suite() {
    let r = diagnose("RDPD_XRDP_AES256SHA_PORT").await;
    let t = r.observations.tls.as_ref().unwrap();
    assert_eq!(t.versions, vec!["tls1.2"]);
    assert_eq!(ours(&r), BTreeSet::from([("tls1.2".to_string(), "0x0035".to_string())]));
    assert_eq!(ours(&r), sslscan("RDPD_XRDP_AES256SHA_PORT"));
    let hardened = t.client_profiles.iter().find(|p| p.profile == "hardened").unwrap();
    assert!(!hardened.can_connect && hardened.reason.contains("cipher mismatch"));
    let f = r.findings.iter().find(|f| f.id == "tls-cipher-mismatch").expect("cipher mismatch for hardened");
    assert_eq!(f.severity, Severity::Info, "windows-11 offers TLS_RSA_WITH_AES_256_CBC_SHA");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xrdp_expired_certificate() {
    let r = diagnose("RDPD_XRDP_EXPIRED_PORT").await;
    let t = r.observations.tls.as_ref().unwrap();
    let c = t.certificate.as_ref().unwrap();
    assert_eq!(c.not_before, "2020-01-01T00:00:00Z");
    assert_eq!(c.not_after, "2021-01-01T00:00:00Z");
    assert!(c.days_left < -365);
    assert_eq!(t.certificate_source, Some(CertificateSource::Handshake));
    assert_eq!(ours(&r), sslscan("RDPD_XRDP_EXPIRED_PORT"));
    let f = r.findings.iter().find(|f| f.id == "cert-expired").expect("cert-expired");
    assert!(f.summary.contains("2021-01-01T00:00:00Z"));
    assert!(f.evidence.iter().any(|e| e.contains(&c.sha1)));
    assert_eq!(r.verdict, Verdict::Failing);
}

/// The default Debian cipher list (many TLS 1.2 suites and the TLS 1.3 ones) on xrdp's negotiate
/// config, and FreeRDP's TLS server: the parallel enumeration finds sslscan's set, no more, no less,
/// with the server's favourite first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_suites_equal_sslscan() {
    for var in ["RDPD_XRDP_TLS_PORT", "RDPD_FREERDP_TLS_PORT"] {
        let r = diagnose(var).await;
        let t = r.observations.tls.as_ref().unwrap();
        let theirs = sslscan(var);
        assert!(theirs.len() >= 10, "{var}: sslscan found {} suites", theirs.len());
        assert_eq!(ours(&r), theirs, "{var}");
        for v in &t.versions {
            let first = t.suites.iter().filter(|s| &s.version == v).min_by_key(|s| s.rank).unwrap();
            assert!(first.preferred && first.rank == 1, "{var} {v}: the favourite is ranked first");
        }
    }
}
