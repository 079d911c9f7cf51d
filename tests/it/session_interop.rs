//! The session layer against the real servers of scripts/interop-servers.sh (run by scripts/test.sh,
//! which exports the ports and the test account). A missing variable fails the test: run scripts/test.sh.
#![cfg(feature = "interop")] // needs xrdp and FreeRDP: `scripts/test.sh` runs it (`--features interop`)

use rdp_doctor::observations::{SessionEnd, SessionStage as S, StageOutcome};
use rdp_doctor::report::Report;
use rdp_doctor::target::Target;
use rdp_doctor::{CertTrust, Credentials, Options};
use std::time::Duration;

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set: run scripts/test.sh"))
}

async fn diagnose(port: &str, credentials: Option<Credentials>) -> Report {
    let target = Target::parse(&format!("127.0.0.1:{port}")).unwrap();
    let opts = Options {
        timeout: Duration::from_secs(20),
        credentials,
        cert_trust: CertTrust::AcceptAny,
        ..Options::default()
    };
    rdp_doctor::run_diagnosis(&target, &opts).await
}

fn assert_established(r: &Report) {
    let s = r.observations.session.as_ref().expect("session observed");
    assert_eq!(s.end, SessionEnd::Established, "{s:#?}");
    for name in [S::X224, S::Tls, S::McsConnect, S::ChannelJoin, S::ClientInfo, S::Capabilities, S::Finalization] {
        let st = s.stages.iter().find(|st| st.name == name).unwrap_or_else(|| panic!("no stage {name}: {s:#?}"));
        assert_eq!(st.outcome, StageOutcome::Ok, "{name}");
        assert!(st.ms >= 0.0);
    }
    assert!(s.disconnected_cleanly, "no clean disconnect");
    let f = r.findings.iter().find(|f| f.id == "session-established").expect("session-established");
    assert!(f.evidence.iter().any(|e| e.starts_with("stages: x224")), "{:?}", f.evidence);
    assert!(r.predicted_client_error.is_none(), "{:?}", r.predicted_client_error);
}

#[tokio::test]
async fn xrdp_tls_reaches_the_first_update() {
    let r = diagnose(&env("RDPD_XRDP_TLS_PORT"), None).await;
    assert_established(&r);
    let s = r.observations.session.as_ref().unwrap();
    assert_eq!(s.protocol, Some(rdp_doctor::observations::Protocol::Ssl));
    assert!(s.first_update, "xrdp sends its login screen at once");
    assert!(!s.credentials_sent);
}

#[tokio::test]
async fn freerdp_nla_with_the_right_password_is_established() {
    let creds =
        Credentials { user: env("RDPD_USER"), domain: None, password: zeroize::Zeroizing::new(env("RDPD_PASSWORD")) };
    let r = diagnose(&env("RDPD_FREERDP_NLA_PORT"), Some(creds)).await;
    assert_established(&r);
    let s = r.observations.session.as_ref().unwrap();
    assert_eq!(s.protocol, Some(rdp_doctor::observations::Protocol::Hybrid));
    assert!(s.credentials_sent);
    assert!(s.stages.iter().any(|st| st.name == S::Credssp && st.outcome == StageOutcome::Ok));
    // The password never reaches the report.
    assert!(!r.to_json().contains(&env("RDPD_PASSWORD")));
}

#[tokio::test]
async fn freerdp_nla_without_credentials_is_not_checked() {
    let r = diagnose(&env("RDPD_FREERDP_NLA_PORT"), None).await;
    let s = r.observations.session.as_ref().unwrap();
    assert!(!s.checked);
    assert!(s.not_checked.as_deref().unwrap().contains("no credentials"));
    assert!(r.findings.iter().any(|f| f.id == "session-not-checked"));
}

/// FreeRDP's shadow server over an unchanging Xvfb screen sends no update after finalization: the
/// connection is still established (finalization is the end of the sequence, [MS-RDPBCGR] 1.3.1.1).
fn assert_established_without_requiring_an_update(r: &Report) {
    assert_established(r);
    let s = r.observations.session.as_ref().unwrap();
    assert_eq!(s.protocol, Some(rdp_doctor::observations::Protocol::Ssl));
    let fu = s.stages.iter().find(|st| st.name == S::FirstUpdate).expect("first_update stage");
    assert_ne!(fu.outcome, StageOutcome::Failed, "{fu:?}");
    // Waited at most briefly for it.
    assert!(fu.ms < 1500.0, "{fu:?}");
    assert!(!r.findings.iter().any(|f| f.id == "disconnected-by-server"));
    assert_ne!(r.verdict.as_str(), "failing");
}

#[tokio::test]
async fn freerdp_tls_is_established_without_an_update() {
    let r = diagnose(&env("RDPD_FREERDP_TLS_PORT"), None).await;
    assert_established_without_requiring_an_update(&r);
}

#[tokio::test]
async fn freerdp_mixed_is_established_without_an_update() {
    let r = diagnose(&env("RDPD_FREERDP_MIXED_PORT"), None).await;
    assert_established_without_requiring_an_update(&r);
}

/// xrdp with security_layer=rdp: the connector cannot go on (RC4), so the session layer says it was not
/// checked and the encryption is enumerated from the MCS Connect Response, one method offered at a time.
async fn rdp_security(port_var: &str) -> (Report, rdp_doctor::observations::RdpSecurityObs) {
    let r = diagnose(&env(port_var), None).await;
    let s = r.observations.session.as_ref().expect("session observed");
    assert_eq!(s.protocol, Some(rdp_doctor::observations::Protocol::Rdp));
    assert!(!s.checked);
    assert!(s.not_checked.as_deref().unwrap().contains("Standard RDP Security only"), "{s:#?}");
    assert!(r.findings.iter().any(|f| f.id == "session-not-checked"));
    let sec = s.rdp_security.clone().expect("encryption enumerated");
    assert_eq!(sec.methods.iter().map(|m| m.offered).collect::<Vec<_>>(), [0x01, 0x08, 0x02, 0x10]);
    (r, sec)
}

fn accepted(sec: &rdp_doctor::observations::RdpSecurityObs) -> Vec<u32> {
    sec.methods.iter().filter(|m| m.accepted).map(|m| m.offered).collect()
}

fn finding<'a>(r: &'a Report, id: &str) -> &'a rdp_doctor::diagnose::Finding {
    r.findings.iter().find(|f| f.id == id).unwrap_or_else(|| {
        panic!("finding {id} missing; got {:?}", r.findings.iter().map(|f| f.id.as_str()).collect::<Vec<_>>())
    })
}

#[tokio::test]
async fn xrdp_rdp_high_is_128_bit_rc4() {
    let (r, sec) = rdp_security("RDPD_XRDP_RDP_PORT").await;
    assert_eq!(sec.encryption_level, Some(3), "crypt_level=high");
    assert_eq!(accepted(&sec), [0x02]);
    // xrdp answers every offer with its own method.
    assert!(sec.methods.iter().all(|m| m.selected == Some(0x02)), "{sec:?}");
    let f = finding(&r, "weak-rdp-encryption");
    assert!(f.summary.contains("Standard RDP Security"), "{}", f.summary);
    assert!(
        f.evidence.iter().any(|e| e.contains("offered ENCRYPTION_METHOD_128BIT (0x2) alone: accepted")),
        "{:?}",
        f.evidence
    );
    assert!(f.evidence.iter().any(|e| e.contains("encryption level") && e.contains("(0x3)")), "{:?}", f.evidence);
    assert!(!r.findings.iter().any(|f| f.id == "fips-required"));
}

#[tokio::test]
async fn xrdp_rdp_low_is_40_bit_rc4() {
    let (r, sec) = rdp_security("RDPD_XRDP_RDP_LOW_PORT").await;
    assert_eq!(sec.encryption_level, Some(1), "crypt_level=low");
    assert_eq!(accepted(&sec), [0x01]);
    let f = finding(&r, "weak-rdp-encryption");
    assert!(f.summary.contains("40- or 56-bit"), "{}", f.summary);
    assert!(f.evidence.iter().any(|e| e.contains("ENCRYPTION_METHOD_40BIT (0x1) alone: accepted")), "{:?}", f.evidence);
    assert!(!r.findings.iter().any(|f| f.id == "fips-required"));
}

#[tokio::test]
async fn xrdp_rdp_fips_requires_fips() {
    let (r, sec) = rdp_security("RDPD_XRDP_RDP_FIPS_PORT").await;
    assert_eq!(sec.encryption_level, Some(4), "crypt_level=fips");
    assert_eq!(accepted(&sec), [0x10]);
    let f = finding(&r, "fips-required");
    assert!(f.evidence.iter().any(|e| e.contains("ENCRYPTION_METHOD_FIPS (0x10) alone: accepted")), "{:?}", f.evidence);
    assert!(
        f.evidence.iter().any(|e| e.contains("ENCRYPTION_METHOD_128BIT (0x2) alone: answered with")),
        "{:?}",
        f.evidence
    );
    let c = f.client_error.as_ref().expect("client error");
    assert_eq!((c.code, c.extended), (0x904, 0x8));
}

#[tokio::test]
async fn freerdp_rdp_runs_without_any_encryption() {
    // freerdp-shadow-cli /sec:rdp answers every offer with ENCRYPTION_METHOD_NONE at level NONE.
    let (r, sec) = rdp_security("RDPD_FREERDP_RDP_PORT").await;
    assert_eq!(sec.encryption_level, Some(0));
    assert!(accepted(&sec).is_empty());
    assert!(sec.methods.iter().all(|m| m.selected == Some(0)), "{:?}", sec.methods);
    let f = finding(&r, "rdp-no-encryption");
    assert!(f.summary.contains("clear text"), "{}", f.summary);
    assert!(f.evidence.iter().any(|e| e.contains("ENCRYPTION_LEVEL_NONE")), "{:?}", f.evidence);
    assert!(f.remedies.iter().any(|m| m.contains("/sec:tls")), "{:?}", f.remedies);
    assert!(!r.findings.iter().any(|f| f.id == "weak-rdp-encryption"));
}
