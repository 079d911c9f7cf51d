//! The TLS layer against the lab's TLS scenarios, over loopback: each gives its finding, with the
//! evidence that proves it, and the observations the JSON report documents.

use rdp_doctor::Options;
use rdp_doctor::demo::{diagnose_scenario, lab_options};
use rdp_doctor::diagnose::{Finding, Severity, Verdict};
use rdp_doctor::lab;
use rdp_doctor::observations::{CertificateSource, HandshakeOutcome, TlsObs};
use rdp_doctor::report::Report;
use std::time::Duration;

async fn run(name: &str) -> Report {
    run_with(name, lab_options(Duration::from_secs(10))).await
}

/// The full enumeration (`--full-scan`): every (version, suite) the server accepts, in its order.
async fn run_full(name: &str) -> Report {
    let mut opts = lab_options(Duration::from_secs(10));
    opts.plan.full_scan = true;
    run_with(name, opts).await
}

async fn run_with(name: &str, opts: Options) -> Report {
    let scenario = lab::find(name).unwrap_or_else(|_| panic!("no lab scenario {name}"));
    diagnose_scenario(scenario, &opts).await.expect("lab server starts")
}

fn tls(r: &Report) -> &TlsObs {
    r.observations.tls.as_ref().expect("the TLS layer ran")
}

fn finding<'a>(r: &'a Report, id: &str) -> &'a Finding {
    r.findings.iter().find(|f| f.id == id).unwrap_or_else(|| {
        panic!("finding {id} missing; got {:?}", r.findings.iter().map(|f| f.id.as_str()).collect::<Vec<_>>())
    })
}

fn ids(r: &Report) -> Vec<&'static str> {
    r.findings.iter().map(|f| f.id.as_str()).collect()
}

fn has_evidence(f: &Finding, needle: &str) -> bool {
    f.evidence.iter().any(|e| e.contains(needle))
}

fn has_remedy(f: &Finding, needle: &str) -> bool {
    f.remedies.iter().any(|e| e.contains(needle))
}

fn suite_ids(t: &TlsObs, version: &str) -> Vec<String> {
    t.suites.iter().filter(|s| s.version == version).map(|s| s.id.clone()).collect()
}

#[tokio::test]
async fn healthy_handshakes_on_both_paths_and_records_the_certificate() {
    let r = run_full("healthy").await;
    let t = tls(&r);
    let paths: Vec<(&str, u32)> = t.handshakes.iter().map(|h| (h.path, h.requested_value)).collect();
    assert_eq!(paths, vec![("hybrid", 0xB), ("ssl", 0x1)]);
    assert!(t.handshakes.iter().all(|h| h.outcome == HandshakeOutcome::Completed));
    assert_eq!(t.versions, vec!["tls1.2", "tls1.3"]);
    assert_eq!(suite_ids(t, "tls1.3"), vec!["0x1301", "0x1302", "0x1303"]);
    assert_eq!(t.certificate_source, Some(CertificateSource::Handshake));
    let c = t.certificate.as_ref().unwrap();
    assert!(c.self_signed && c.key_type == "EC" && c.sha1.len() == 40 && c.sha256.len() == 64);
    assert!(c.not_before.ends_with('Z') && c.not_after.starts_with("4096-01-01"));
    let v = t.validation.as_ref().unwrap();
    assert!(v.name_matches, "the lab certificate names 127.0.0.1");
    assert!(!v.trusted);
    // Self-signed is normal for RDP: info, with the domain fix.
    let u = finding(&r, "cert-untrusted");
    assert_eq!(u.severity, Severity::Info);
    assert!(has_remedy(u, "Server authentication certificate template"));
    assert_eq!(t.client_profile, "windows-11");
    assert!(t.client_profiles.iter().find(|p| p.profile == "windows-11").unwrap().can_connect);
    // Windows 7 (SSL 3.0 / TLS 1.0 only) cannot: an info finding, since it is not the client judged.
    let m = finding(&r, "tls-protocol-mismatch");
    assert_eq!(m.severity, Severity::Info);
    assert!(has_evidence(m, "windows-7: protocol mismatch"));
    assert_eq!(r.verdict, Verdict::Degraded);
    let json = serde_json::to_value(&r).unwrap();
    let jt = &json["observations"]["tls"];
    assert_eq!(jt["versions"], serde_json::json!(["tls1.2", "tls1.3"]));
    assert!(jt["suites"][0]["id"].as_str().unwrap().starts_with("0x"));
    assert!(jt["suites"][0]["preferred"].as_bool().unwrap());
    assert!(jt["certificate"]["sha1"].is_string() && jt["certificate"]["key_bits"] == 256);
    assert!(jt["client_profiles"][0]["can_connect"].is_boolean());
    assert!(json["timings_ms"]["tls"].is_number());
}

#[tokio::test]
async fn private_key_broken_is_an_aborted_handshake_not_a_mismatch() {
    let r = run("tls-private-key-broken").await;
    let t = tls(&r);
    assert!(t.aborted_every_hello);
    assert!(t.versions.is_empty());
    assert!(t.handshakes.iter().all(|h| matches!(h.outcome, HandshakeOutcome::Reset | HandshakeOutcome::Closed)));
    let f = finding(&r, "tls-handshake-aborted");
    assert_eq!(f.severity, Severity::Critical);
    assert!(f.summary.contains("36870") && f.summary.contains("private key"));
    assert!(has_evidence(f, "selected HYBRID: the connection was reset (RST) with no ServerHello and no alert"));
    assert!(has_evidence(f, "tls1.2 ClientHello → reset (RST)"));
    assert!(has_evidence(f, "not a version or suite mismatch"));
    assert!(has_remedy(f, "MachineKeys_old"));
    assert!(has_remedy(f, "Restart-Service TermService"));
    assert!(has_remedy(f, "SSLCertificateSHA1Hash"));
    for other in ["tls-protocol-mismatch", "tls-cipher-mismatch", "path-mtu-blackhole"] {
        assert!(!ids(&r).contains(&other), "{other} must not be reported: {:?}", ids(&r));
    }
    assert_eq!(r.verdict, Verdict::Failing);
    assert_eq!(r.predicted_client_error.as_ref().map(|c| c.code), Some(0x904));
}

#[tokio::test]
async fn an_expired_certificate() {
    let r = run("cert-expired").await;
    let c = tls(&r).certificate.as_ref().unwrap();
    assert!((-11..=-10).contains(&c.days_left), "{}", c.days_left);
    let f = finding(&r, "cert-expired");
    assert_eq!(f.severity, Severity::Error);
    assert!(f.summary.contains(&c.not_after));
    assert!(has_evidence(f, &c.sha1));
    assert!(has_remedy(f, "'Remote Desktop' store"));
    assert!(has_remedy(f, "SSLCertificateSHA1Hash"));
    assert!(has_remedy(f, r"C:\ProgramData\Microsoft\Crypto\RSA\MachineKeys"));
    assert!(!ids(&r).contains(&"cert-expiring-soon"));
    assert_eq!(r.verdict, Verdict::Failing);
}

#[tokio::test]
async fn a_certificate_not_valid_yet() {
    let r = run("cert-not-yet-valid").await;
    let c = tls(&r).certificate.as_ref().unwrap();
    assert!((10..=11).contains(&c.days_until_valid), "{}", c.days_until_valid);
    let f = finding(&r, "cert-not-yet-valid");
    assert!(f.summary.contains(&c.not_before));
    assert!(has_remedy(f, "w32tm"));
    assert!(!ids(&r).contains(&"cert-expired"));
}

#[tokio::test]
async fn expiring_soon_follows_the_threshold() {
    // The not-yet-valid certificate ends in 375 days: a 400-day threshold makes it "soon" — but a
    // certificate not valid yet is reported as that, never as expiring.
    let mut opts = lab_options(Duration::from_secs(10));
    opts.settings.cert_warn_days = 400;
    let r = run_with("cert-not-yet-valid", opts.clone()).await;
    assert!(!ids(&r).contains(&"cert-expiring-soon"));
    let d = rdp_doctor::diagnose::diagnose_with(
        &rdp_doctor::observations::Observations {
            tls: r.observations.tls.clone().map(|mut t| {
                if let Some(c) = t.certificate.as_mut() {
                    c.days_until_valid = 0;
                    c.days_left = 20;
                }
                t
            }),
            ..r.observations.clone()
        },
        &rdp_doctor::diagnose::Settings { cert_warn_days: 30 },
    );
    let f = d.findings.iter().find(|f| f.id == "cert-expiring-soon").expect("expiring soon");
    assert_eq!(f.severity, Severity::Info, "a self-signed Remote Desktop certificate renews itself");
    assert!(f.summary.contains("20 days left") && f.summary.contains("30 days"));
}

#[tokio::test]
async fn tls10_only_is_a_protocol_mismatch_for_windows_11() {
    let r = run_full("tls10-only").await;
    let t = tls(&r);
    assert_eq!(t.versions, vec!["tls1.0"]);
    assert_eq!(suite_ids(t, "tls1.0"), vec!["0x0035", "0x002F"]);
    // rustls cannot speak TLS 1.0: the certificate comes from the scan's Certificate message.
    assert_eq!(t.certificate_source, Some(CertificateSource::Scan));
    assert_eq!(t.certificate.as_ref().unwrap().key_bits, Some(2048));
    assert!(t.handshakes.iter().all(|h| h.outcome != HandshakeOutcome::Completed));
    let f = finding(&r, "tls-protocol-mismatch");
    assert_eq!(f.severity, Severity::Error);
    assert!(f.summary.starts_with("windows-11"), "{}", f.summary);
    assert!(has_evidence(f, "the server accepts tls1.0"));
    assert!(has_evidence(f, "windows-11: protocol mismatch"));
    assert!(has_evidence(f, "tls1.2 ClientHello → answered with tls1.0 instead"));
    assert!(has_remedy(f, "ssl_protocols=TLSv1.2, TLSv1.3"));
    let w10 = t.client_profiles.iter().find(|p| p.profile == "windows-10").unwrap();
    assert!(w10.can_connect && w10.suite.as_deref() == Some("0x0035"), "{}", w10.reason);
    assert!(finding(&r, "tls-legacy-only").summary.contains("tls1.0"));
    assert!(!ids(&r).contains(&"tls-handshake-aborted"));
    assert_eq!(r.verdict, Verdict::Failing);
}

#[tokio::test]
async fn the_client_flag_changes_whose_verdict_counts() {
    let mut opts = lab_options(Duration::from_secs(10));
    opts.plan.client_profile = "windows-10";
    let r = run_with("tls10-only", opts).await;
    let f = finding(&r, "tls-protocol-mismatch");
    assert_eq!(f.severity, Severity::Info, "windows-10 speaks TLS 1.0: only other clients are refused");
    assert_eq!(tls(&r).client_profile, "windows-10");
}

#[tokio::test]
async fn tls13_only_shuts_out_clients_without_tls13() {
    let r = run("tls13-only").await;
    let t = tls(&r);
    assert_eq!(t.versions, vec!["tls1.3"]);
    assert!(t.handshakes.iter().all(|h| h.version.as_deref() == Some("tls1.3")));
    let f = finding(&r, "tls-protocol-mismatch");
    assert_eq!(f.severity, Severity::Info, "windows-11 speaks TLS 1.3");
    assert!(has_evidence(f, "windows-10: protocol mismatch"));
    assert!(has_evidence(f, "tls1.2 ClientHello → alert 70 (protocol_version)"));
    assert!(!ids(&r).contains(&"tls-legacy-only"));
}

#[tokio::test]
async fn legacy_ciphers_only_is_a_cipher_mismatch_with_weak_suites() {
    let r = run_full("legacy-ciphers-only").await;
    let t = tls(&r);
    assert_eq!(t.versions, vec!["tls1.0", "tls1.1", "tls1.2"]);
    assert_eq!(suite_ids(t, "tls1.2"), vec!["0x000A", "0x0005"]);
    let f = finding(&r, "tls-cipher-mismatch");
    assert_eq!(f.severity, Severity::Error);
    assert!(has_evidence(f, "windows-11: cipher mismatch: both use tls1.2"));
    assert!(has_evidence(f, "TLS_RSA_WITH_3DES_EDE_CBC_SHA (0x000A)"));
    let w = finding(&r, "tls-weak-suites");
    assert!(has_evidence(w, "tls1.2: TLS_RSA_WITH_3DES_EDE_CBC_SHA (0x000A) — 3DES"));
    assert!(has_evidence(w, "TLS_RSA_WITH_RC4_128_SHA (0x0005) — RC4"));
    assert!(
        !ids(&r).contains(&"tls-protocol-mismatch") || finding(&r, "tls-protocol-mismatch").severity == Severity::Info
    );
    assert_eq!(r.verdict, Verdict::Failing);
}

#[tokio::test]
async fn a_weak_certificate() {
    let r = run("weak-cert").await;
    let t = tls(&r);
    let c = t.certificate.as_ref().unwrap();
    assert_eq!((c.key_type.as_str(), c.key_bits), ("RSA", Some(1024)));
    assert_eq!(c.signature_algorithm, "sha1WithRSAEncryption");
    assert_eq!(c.eku.as_deref(), Some(&["server_auth".to_string()][..]));
    let k = finding(&r, "cert-weak-key");
    assert!(k.summary.contains("1024 bits"));
    let s = finding(&r, "cert-weak-signature");
    assert!(has_evidence(s, "sha1WithRSAEncryption"));
    assert!(!ids(&r).contains(&"cert-wrong-usage"));
    assert!(!ids(&r).contains(&"cert-name-mismatch"));
}

#[tokio::test]
async fn an_mtu_blackhole_is_found_by_the_small_mss_retry() {
    let r = run("mtu-blackhole").await;
    let t = tls(&r);
    assert!(t.stalled_after_hello);
    let retry = t.small_mss_retry.as_ref().expect("the small-MSS retry ran");
    assert_eq!(retry.mss, 536);
    assert!(retry.server_hello);
    let f = finding(&r, "path-mtu-blackhole");
    assert!(has_evidence(f, "MSS 536 (TCP_MAXSEG) got a ServerHello"));
    assert!(has_evidence(f, "stayed open and no ServerHello came back"));
    assert!(has_remedy(f, "clamp-mss"));
    assert!(!ids(&r).contains(&"tls-handshake-aborted"));
    assert_eq!(r.verdict, Verdict::Failing);
}

#[tokio::test]
async fn quick_skips_the_tls_layer() {
    let mut opts = lab_options(Duration::from_secs(10));
    opts.plan.quick = true;
    let r = run_with("cert-expired", opts).await;
    assert!(r.observations.tls.is_none());
    assert!(!ids(&r).contains(&"cert-expired"));
}

#[tokio::test]
async fn no_tls_layer_without_a_tls_selection() {
    let r = run("rdp-security-only").await;
    assert!(r.observations.tls.is_none());
}

#[tokio::test]
async fn the_text_report_has_a_tls_section() {
    let r = run("weak-cert").await;
    let text = rdp_doctor::report::text::render(&r, rdp_doctor::report::style::Style::plain());
    assert!(text.contains("\nTLS  "));
    assert!(text.contains("key RSA 1024 bits, signed sha1WithRSAEncryption"));
    assert!(text.contains("windows-11 *"));
}

#[tokio::test]
async fn a_server_that_never_answers_the_hello_is_stalled_not_a_blackhole() {
    let r = run("tls-stalled").await;
    let f = finding(&r, "tls-handshake-stalled");
    assert_eq!(f.severity, Severity::Critical);
    let t = tls(&r);
    assert!(t.handshakes.iter().all(|h| h.outcome != HandshakeOutcome::Completed));
    // The small-MSS retry was made and stayed silent too: not an MTU problem.
    assert!(!ids(&r).contains(&"path-mtu-blackhole"), "{:?}", ids(&r));
    assert!(!ids(&r).contains(&"tls-handshake-aborted"), "{:?}", ids(&r));
    assert_eq!(r.verdict, Verdict::Failing);
}

/// The default plan asks targeted questions (one hello per client profile, version and weak class)
/// instead of enumerating: on every TLS scenario of the lab it must reach the same verdicts as the full
/// enumeration — the same versions, the same client profiles able to connect (with the same version),
/// the same findings — with suites that are a subset of the enumerated ones, and at most 30 connections in all (the
/// enumeration's count grows with the suites the server accepts; the targeted plan's does not).
#[tokio::test]
async fn targeted_questions_agree_with_the_full_enumeration() {
    for name in ["healthy", "tls10-only", "tls13-only", "legacy-ciphers-only", "weak-cert", "cert-expired"] {
        let (targeted, full) = (run(name).await, run_full(name).await);
        let (t, f) = (tls(&targeted), tls(&full));
        assert_eq!(t.versions, f.versions, "{name}: versions");
        for fp in &f.client_profiles {
            let tp = t
                .client_profiles
                .iter()
                .find(|p| p.profile == fp.profile)
                .unwrap_or_else(|| panic!("{name}: profile {} not judged by the targeted plan", fp.profile));
            assert_eq!(
                (tp.can_connect, tp.cause, &tp.version),
                (fp.can_connect, fp.cause, &fp.version),
                "{name}: {}",
                fp.profile
            );
        }
        for s in &t.suites {
            assert!(
                f.suites.iter().any(|x| x.version == s.version && x.id == s.id),
                "{name}: {} {} found by the targeted plan but not enumerated",
                s.version,
                s.id
            );
        }
        assert_eq!(ids(&targeted), ids(&full), "{name}: the findings");
        assert_eq!(targeted.verdict, full.verdict, "{name}: the verdict");
        let opened = targeted.observations.network.as_ref().map_or(0, |n| n.connections_opened);
        assert!(opened <= 30, "{name}: {opened} connections for a default diagnosis");
    }
}

/// `-v` traces every hello: one line per hello connection the TLS layer counts, in the full scan and
/// in the targeted questions alike, each saying what came back and how long X.224 and the hello took.
#[tokio::test]
async fn verbose_traces_every_hello_the_tls_layer_counts() {
    for (full, prefix) in [(true, "TLS scan hello "), (false, "TLS question: ")] {
        let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
        let sink = lines.clone();
        let mut opts = lab_options(Duration::from_secs(10));
        opts.plan.full_scan = full;
        opts.trace = Some(std::sync::Arc::new(move |l: &str| sink.lock().unwrap().push(l.to_string())));
        let r = run_with("healthy", opts).await;
        let hellos: Vec<String> = lines.lock().unwrap().iter().filter(|l| l.starts_with(prefix)).cloned().collect();
        let t = tls(&r);
        // The layer's count is the hellos, the real handshakes (traced on their own lines) and the
        // small-MSS retry (none here).
        let handshakes = t.handshakes.iter().filter(|h| h.outcome != HandshakeOutcome::NegotiationFailed).count();
        assert!(t.small_mss_retry.is_none());
        assert!(hellos.len() > 3, "{hellos:#?}");
        assert_eq!(hellos.len() + handshakes, t.connections as usize, "full={full}: {hellos:#?}");
        let accepted = hellos.iter().filter(|l| l.contains(": ServerHello tls1.")).count();
        assert!(accepted >= 2, "{hellos:#?}");
        assert!(hellos.iter().all(|l| l.contains(" ms of TCP and X.224)")), "{hellos:#?}");
    }
}
