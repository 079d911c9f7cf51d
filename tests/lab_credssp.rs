//! The CredSSP lab scenarios, diagnosed over loopback without and with credentials: the observations,
//! findings, evidence and remedies each one must give.

use rdp_doctor::demo::diagnose_scenario;
use rdp_doctor::diagnose::{Finding, Severity, Verdict};
use rdp_doctor::lab::{self, credssp::LAB_PASSWORD};
use rdp_doctor::observations::{AuthOutcome, CertTrustDecision, CredsspOutcome};
use rdp_doctor::report::Report;
use rdp_doctor::{CertTrust, Credentials, Options};
use std::time::Duration;

fn creds(password: &str) -> Credentials {
    Credentials {
        user: "tester".into(),
        domain: Some("LAB".into()),
        password: zeroize::Zeroizing::new(password.into()),
    }
}

async fn run(name: &str, credentials: Option<Credentials>, trust: CertTrust) -> Report {
    let scenario = lab::scenario(name).unwrap_or_else(|| panic!("no lab scenario {name}"));
    let opts = Options { timeout: Duration::from_secs(5), credentials, cert_trust: trust, ..Options::default() };
    diagnose_scenario(scenario, &opts).await.expect("lab server starts")
}

async fn run_with_password(name: &str) -> Report {
    run(name, Some(creds(LAB_PASSWORD)), CertTrust::AcceptAny).await
}

fn finding<'a>(r: &'a Report, id: &str) -> &'a Finding {
    r.findings.iter().find(|f| f.id == id).unwrap_or_else(|| {
        panic!("finding {id} missing; got {:?}", r.findings.iter().map(|f| f.id).collect::<Vec<_>>())
    })
}

fn has(f: &Finding, text: &str) -> bool {
    f.evidence.iter().any(|e| e.contains(text))
}

#[tokio::test]
async fn credssp_v2_is_unpatched_and_closes_after_a_bad_logon() {
    let r = run_with_password("credssp-v2").await;
    let c = r.observations.credssp.as_ref().unwrap();
    assert_eq!(c.outcome, CredsspOutcome::Challenge);
    assert_eq!(c.server_version, Some(2));
    assert_eq!(c.ntlm.as_ref().unwrap().os_version.as_deref(), Some("10.0.7601"));
    let f = finding(&r, "credssp-server-unpatched");
    assert_eq!(f.severity, Severity::Error);
    assert!(has(f, "TSRequest version 2 (CREDSSP_V2)"));
    assert!(has(f, "no errorCode field"));
    assert!(has(f, "AllowEncryptionOracle = 1 is blocked"), "{:?}", f.evidence);
    assert!(has(f, "AllowEncryptionOracle = 2 connects, exposed to CVE-2018-0886"));
    assert!(f.remedies.iter().any(|m| m.contains("AllowEncryptionOracle /t REG_DWORD /d 2") && m.contains("Risk")));
    let rej = finding(&r, "credentials-rejected");
    assert!(has(rej, "without a TSRequest errorCode"));
    assert!(has(rej, "basis: inferred"));
    assert_eq!(rej.client_error.as_ref().map(|c| c.code), Some(0x904));
    assert_eq!(r.verdict, Verdict::Failing);
}

#[tokio::test]
async fn credssp_v3_is_unpatched_and_reports_its_error_code() {
    let r = run_with_password("credssp-v3").await;
    assert_eq!(r.observations.credssp.as_ref().unwrap().server_version, Some(3));
    assert!(has(finding(&r, "credssp-server-unpatched"), "TSRequest version 3 (CREDSSP_V3)"));
    assert!(has(finding(&r, "credssp-host-info"), "build 9600 is Windows 8.1 / Windows Server 2012 R2"));
}

#[tokio::test]
async fn wrong_password_quotes_the_status_and_speaks_to_pam_operators() {
    let r = run("wrong-password", Some(creds("not-the-password")), CertTrust::AcceptAny).await;
    let a = r.observations.authentication.as_ref().unwrap();
    assert_eq!(a.outcome, AuthOutcome::ErrorCode);
    assert_eq!(a.error_code.as_deref(), Some("0xC000006D"));
    assert!(a.credentials_sent);
    let f = finding(&r, "credentials-rejected");
    assert!(has(f, "STATUS_LOGON_FAILURE (0xC000006D)"));
    assert!(has(f, "the password stored for LAB\\tester is not accepted by"));
    assert!(f.remedies.iter().any(|m| m.contains("cmdkey")));
    assert!(!r.findings.iter().any(|f| f.id == "credssp-server-unpatched"));
}

#[tokio::test]
async fn account_locked() {
    let r = run_with_password("account-locked").await;
    let f = finding(&r, "account-locked");
    assert!(has(f, "STATUS_ACCOUNT_LOCKED_OUT (0xC0000234)"));
    assert!(f.remedies.iter().any(|m| m.contains("Unlock-ADAccount") && !m.is_empty()));
    assert!(f.remedies.iter().any(|m| m.contains("4740")));
}

#[tokio::test]
async fn password_expired() {
    let r = run_with_password("password-expired").await;
    let f = finding(&r, "password-expired");
    assert!(has(f, "STATUS_PASSWORD_EXPIRED (0xC0000071)"));
    assert!(f.remedies.iter().any(|m| m.contains("NLA cannot change")));
}

#[tokio::test]
async fn logon_right_missing_is_access_denied_after_a_good_password() {
    let r = run_with_password("logon-right-missing").await;
    let a = r.observations.authentication.as_ref().unwrap();
    assert_eq!(a.selected, Some("hybrid_ex"));
    assert_eq!(a.early_auth_result, Some(5));
    assert_eq!(a.outcome, AuthOutcome::AuthorizationDenied);
    let f = finding(&r, "user-not-authorized");
    assert!(has(f, "Early User Authorization Result ACCESS_DENIED (0x00000005)"));
    assert!(f.summary.contains("password of LAB\\tester is right"));
    assert!(f.remedies.iter().any(|m| m.contains("Remote Desktop Users")));
}

#[tokio::test]
async fn nla_close_after_auth_is_an_inferred_rejection() {
    let r = run_with_password("nla-close-after-auth").await;
    let a = r.observations.authentication.as_ref().unwrap();
    assert_eq!(a.outcome, AuthOutcome::ClosedAfterAuthenticate);
    assert_eq!(a.error_code, None);
    let f = finding(&r, "credentials-rejected");
    assert!(has(f, "basis: inferred"));
    assert_eq!(f.client_error.as_ref().map(|c| c.basis), Some(rdp_doctor::knowledge::Basis::Inferred));
}

#[tokio::test]
async fn healthy_lab_accepts_the_lab_password_and_shows_host_facts() {
    let r = run_with_password("healthy").await;
    let f = finding(&r, "credentials-accepted");
    assert_eq!(f.severity, Severity::Info);
    assert!(has(f, "returned its pubKeyAuth"));
    let h = finding(&r, "credssp-host-info");
    assert!(has(h, "CredSSP TSRequest version 6 (CREDSSP_V6)"));
}

#[tokio::test]
async fn self_signed_without_pin_or_terminal_sends_nothing() {
    let r = run("wrong-password", Some(creds(LAB_PASSWORD)), CertTrust::Verify).await;
    let a = r.observations.authentication.as_ref().unwrap();
    assert_eq!(a.outcome, AuthOutcome::NotSent);
    assert!(!a.credentials_sent);
    assert_eq!(a.cert_trust, Some(CertTrustDecision::Untrusted));
    let f = finding(&r, "credentials-not-sent");
    assert!(f.summary.contains("no terminal to ask and no --trust-cert pin"));
    let thumb = a.cert_sha256.clone().unwrap();
    assert!(has(f, &thumb));
    // The lab server would have answered STATUS_LOGON_FAILURE had anything been sent.
    assert!(!r.findings.iter().any(|f| f.id == "credentials-rejected"));
}

#[tokio::test]
async fn a_wrong_pin_sends_nothing() {
    let r = run("healthy", Some(creds(LAB_PASSWORD)), CertTrust::Pinned("00".repeat(32))).await;
    let a = r.observations.authentication.as_ref().unwrap();
    assert_eq!(a.cert_trust, Some(CertTrustDecision::PinMismatch));
    assert!(!a.credentials_sent);
    let f = finding(&r, "credentials-not-sent");
    assert_eq!(f.severity, Severity::Error);
    assert!(f.summary.contains("does not match --trust-cert"));
}

#[tokio::test]
async fn without_nla_the_credentials_are_not_checked_and_never_called_accepted() {
    let r = run("tls-required", Some(creds(LAB_PASSWORD)), CertTrust::AcceptAny).await;
    assert!(r.observations.credssp.is_none());
    let a = r.observations.authentication.as_ref().unwrap();
    assert_eq!(a.outcome, AuthOutcome::NoNla);
    let f = finding(&r, "credentials-not-checked");
    assert!(f.summary.contains("could not be checked at the NLA layer"));
    assert!(!r.findings.iter().any(|f| f.id == "credentials-accepted"));
}
