//! The CredSSP lab scenarios, diagnosed over loopback without and with credentials: the observations,
//! findings, evidence and remedies each one must give.

use rdp_doctor::demo::diagnose_scenario;
use rdp_doctor::diagnose::{Finding, Severity, Verdict};
use rdp_doctor::lab::{self, credssp::LAB_PASSWORD};
use rdp_doctor::observations::{AuthOutcome, CertTrustDecision, CredsspOutcome, LogonMode, LogonStage};
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
    let scenario = lab::find(name).unwrap_or_else(|_| panic!("no lab scenario {name}"));
    let opts = Options { credentials, cert_trust: trust, ..rdp_doctor::demo::lab_options(Duration::from_secs(10)) };
    diagnose_scenario(scenario, &opts).await.expect("lab server starts")
}

async fn run_with_password(name: &str) -> Report {
    run(name, Some(creds(LAB_PASSWORD)), CertTrust::AcceptAny).await
}

fn finding<'a>(r: &'a Report, id: &str) -> &'a Finding {
    r.findings.iter().find(|f| f.id == id).unwrap_or_else(|| {
        panic!("finding {id} missing; got {:?}", r.findings.iter().map(|f| f.id.as_str()).collect::<Vec<_>>())
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
    assert_eq!(a.selected, Some(rdp_doctor::observations::Protocol::HybridEx));
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

/// An errorCode on the AUTHENTICATE step: the finding, the quoted NTSTATUS and a remedy of its own.
async fn status_case(scenario: &str, id: &str, quoted: &str, remedy: &str) {
    let r = run_with_password(scenario).await;
    let a = r.observations.authentication.as_ref().unwrap();
    assert_eq!(a.outcome, AuthOutcome::ErrorCode, "{scenario}");
    assert_eq!(a.stage, LogonStage::Authenticate, "{scenario}");
    let f = finding(&r, id);
    assert_eq!(f.severity, Severity::Error);
    assert!(has(f, &format!("TSRequest errorCode {quoted}")), "{scenario}: {:?}", f.evidence);
    assert!(has(f, "at step authenticate, TSRequest version 6"), "{:?}", f.evidence);
    assert!(f.remedies.iter().any(|m| m.contains(remedy)), "{scenario}: {:?}", f.remedies);
    assert!(!r.findings.iter().any(|f| f.id == "credentials-rejected" || f.id == "credentials-accepted"));
    assert_eq!(r.verdict, Verdict::Failing);
}

#[tokio::test]
async fn account_disabled() {
    status_case("account-disabled", "account-disabled", "STATUS_ACCOUNT_DISABLED (0xC0000072)", "Enable-ADAccount")
        .await;
}

#[tokio::test]
async fn account_expired() {
    status_case("account-expired", "account-expired", "STATUS_ACCOUNT_EXPIRED (0xC0000193)", "Set-ADAccountExpiration")
        .await;
}

#[tokio::test]
async fn account_restricted() {
    status_case(
        "account-restricted",
        "account-restricted",
        "STATUS_ACCOUNT_RESTRICTION (0xC000006E)",
        "LimitBlankPasswordUse",
    )
    .await;
}

#[tokio::test]
async fn logon_type_not_granted() {
    status_case(
        "logon-type-not-granted",
        "logon-type-not-granted",
        "STATUS_LOGON_TYPE_NOT_GRANTED (0xC000015B)",
        "Allow log on through Remote Desktop Services",
    )
    .await;
}

#[tokio::test]
async fn password_must_change() {
    status_case(
        "password-must-change",
        "password-must-change",
        "STATUS_PASSWORD_MUST_CHANGE (0xC0000224)",
        "NLA cannot change it",
    )
    .await;
}

/// The credential-less probe alone (no `--user`) sees a CredSSP break-off at the first reply.
async fn first_reply_failure(scenario: &str, outcome: CredsspOutcome) -> Report {
    let r = run(scenario, None, CertTrust::Verify).await;
    let c = r.observations.credssp.as_ref().unwrap();
    assert_eq!(c.outcome, outcome, "{scenario}: {c:?}");
    assert_eq!(c.selected, Some(rdp_doctor::observations::Protocol::Hybrid));
    let f = finding(&r, "credssp-failed");
    assert_eq!(f.severity, Severity::Error);
    assert!(f.remedies.iter().any(|m| m.contains("RdpCoreTS/Operational")), "{:?}", f.remedies);
    assert!(!r.findings.iter().any(|f| f.id == "credssp-host-info"));
    assert_eq!(r.verdict, Verdict::Failing);
    r
}

#[tokio::test]
async fn credssp_failed_when_the_server_closes_after_the_negotiate() {
    let r = first_reply_failure("credssp-close-after-negotiate", CredsspOutcome::Closed).await;
    let f = finding(&r, "credssp-failed");
    assert!(f.summary.contains("closed the connection (FIN) instead of answering"), "{}", f.summary);
    assert!(has(f, "step: the client's first TSRequest (version 6, NTLM NEGOTIATE)"));
    assert_eq!(
        f.client_error.as_ref().map(|c| (c.code, c.basis)),
        Some((0x904, rdp_doctor::knowledge::Basis::Inferred))
    );
}

#[tokio::test]
async fn credssp_failed_on_malformed_der() {
    let r = first_reply_failure("credssp-malformed", CredsspOutcome::Malformed).await;
    let f = finding(&r, "credssp-failed");
    assert!(f.summary.contains("not a readable TSRequest"), "{}", f.summary);
    assert!(has(f, "not a readable TSRequest: tag 0x02 length 5 overruns the data"), "{:?}", f.evidence);
    assert!(has(f, "first bytes received: 3004a0020205"));
    assert!(f.client_error.is_none(), "an answer was received: no socket-closed prediction");
}

#[tokio::test]
async fn credssp_failed_on_an_error_code_in_the_first_reply() {
    let r = first_reply_failure("ntlm-blocked", CredsspOutcome::ErrorCode).await;
    let c = r.observations.credssp.as_ref().unwrap();
    assert_eq!(c.error_code.as_deref(), Some("0xC0000418"));
    assert_eq!(c.error_name, Some("STATUS_NTLM_BLOCKED"));
    let f = finding(&r, "credssp-failed");
    assert!(f.summary.contains("answered the first CredSSP message with an error"));
    assert!(has(f, "in answer to an NTLM NEGOTIATE"));
    assert!(has(f, "with errorCode STATUS_NTLM_BLOCKED (0xC0000418)"), "{:?}", f.evidence);
    assert!(f.remedies.iter().any(|m| m.contains("Restrict NTLM")));
}

#[tokio::test]
async fn credssp_failed_at_the_first_reply_also_ends_the_credential_check() {
    // With --user the logon breaks off at the same step: credssp-failed, never a credential verdict.
    let r = run_with_password("credssp-close-after-negotiate").await;
    let a = r.observations.authentication.as_ref().unwrap();
    assert_eq!(a.outcome, AuthOutcome::Failed);
    assert!(!a.credentials_sent, "nothing secret goes out before the CHALLENGE");
    assert!(r.findings.iter().filter(|f| f.id == "credssp-failed").count() >= 1);
    assert!(
        !r.findings.iter().any(|f| f.id.as_str().starts_with("credentials-") || f.id.as_str().starts_with("account-"))
    );
}

async fn run_restricted_admin(name: &str) -> Report {
    let scenario = lab::find(name).unwrap();
    let mut opts = Options {
        credentials: Some(creds(LAB_PASSWORD)),
        cert_trust: CertTrust::AcceptAny,
        ..rdp_doctor::demo::lab_options(Duration::from_secs(10))
    };
    opts.plan.restricted_admin = true;
    diagnose_scenario(scenario, &opts).await.expect("lab server starts")
}

#[tokio::test]
async fn restricted_admin_accepted() {
    let r = run_restricted_admin("restricted-admin-ok").await;
    let a = r.observations.authentication.as_ref().unwrap();
    assert_eq!(a.mode, LogonMode::RestrictedAdmin);
    assert_eq!(a.outcome, AuthOutcome::Accepted);
    assert_eq!(a.stage, LogonStage::TsCredentials);
    let f = finding(&r, "restricted-admin-accepted");
    assert_eq!(f.severity, Severity::Info);
    assert!(has(f, "empty TSPasswordCreds"));
    assert!(f.remedies.iter().any(|m| m.contains("mstsc /restrictedAdmin")));
    assert!(!r.findings.iter().any(|f| f.id == "restricted-admin-refused" || f.id == "credentials-accepted"));
}

#[tokio::test]
async fn restricted_admin_refused() {
    let r = run_restricted_admin("restricted-admin-denied").await;
    let a = r.observations.authentication.as_ref().unwrap();
    assert_eq!(a.outcome, AuthOutcome::ClosedAfterAuthenticate);
    assert_eq!(a.stage, LogonStage::TsCredentials);
    let f = finding(&r, "restricted-admin-refused");
    assert_eq!(f.severity, Severity::Warning);
    assert!(has(f, "closed the connection after the empty TSCredentials"), "{:?}", f.evidence);
    assert!(f.remedies.iter().any(|m| m.contains("DisableRestrictedAdmin")));
    assert!(!r.findings.iter().any(|f| f.id == "restricted-admin-accepted" || f.id == "credentials-rejected"));
}

#[tokio::test]
async fn restricted_admin_denied_still_takes_a_password_logon() {
    // The same server takes a normal logon: the refusal is about the empty credentials only.
    let r = run_with_password("restricted-admin-denied").await;
    finding(&r, "credentials-accepted");
    assert!(
        !r.findings
            .iter()
            .any(|f| f.id.as_str().starts_with("restricted-admin-a") || f.id == "restricted-admin-refused")
    );
}

#[tokio::test]
async fn demo_rows_show_the_credential_findings() {
    let opts = rdp_doctor::demo::lab_options(Duration::from_secs(10));
    let rows = rdp_doctor::demo::run_all(&opts).await.expect("lab servers start");
    let row = |name: &str| &rows.iter().find(|(s, _)| s.name == name).unwrap_or_else(|| panic!("no row {name}")).1;
    let top = |name: &str| row(name).findings.first().map(|f| f.id.as_str()).unwrap_or("-");
    for (name, id) in [
        ("wrong-password", "credentials-rejected"),
        ("account-locked", "account-locked"),
        ("password-expired", "password-expired"),
        ("logon-right-missing", "user-not-authorized"),
        ("nla-close-after-auth", "credentials-rejected"),
        ("password-must-change", "password-must-change"),
        ("account-disabled", "account-disabled"),
        ("account-expired", "account-expired"),
        ("account-restricted", "account-restricted"),
        ("logon-type-not-granted", "logon-type-not-granted"),
        ("credssp-close-after-negotiate", "credssp-failed"),
        ("credssp-malformed", "credssp-failed"),
        ("ntlm-blocked", "credssp-failed"),
        ("restricted-admin-denied", "restricted-admin-refused"),
    ] {
        assert_eq!(top(name), id, "demo row {name}");
        assert_eq!(
            row(name).verdict,
            if id == "restricted-admin-refused" { Verdict::Degraded } else { Verdict::Failing }
        );
    }
    let pair = row("nla-close-after-auth").predicted_client_error.as_ref().expect("a predicted pair");
    assert_eq!((pair.code, pair.extended, pair.basis), (0x904, 0, rdp_doctor::knowledge::Basis::Inferred));
    assert!(row("restricted-admin-ok").findings.iter().any(|f| f.id == "restricted-admin-accepted"));
    // Scenarios without a demo logon stay credential-less.
    for name in ["healthy", "nla-required", "credssp-v2"] {
        assert!(row(name).observations.authentication.is_none(), "{name} ran a logon in the demo");
    }
    // The table says so too.
    let table = rdp_doctor::demo::table(&rows, rdp_doctor::report::style::Style::plain());
    let line = table.lines().find(|l| l.starts_with("nla-close-after-auth ")).unwrap();
    assert!(line.contains("credentials-rejected") && line.contains("0x904 / 0x0 (inferred)"), "{line}");
    // The case the project exists for: HYBRID_EX, the demo's logon accepted at NLA, then 0x904 / 0x7.
    let line = table.lines().find(|l| l.starts_with("nla-hybrid-ex-denied ")).unwrap();
    for part in ["failing", "server-denied-connection", "0x904 / 0x7 (observed)"] {
        assert!(line.contains(part), "{line}");
    }
    let f = &row("nla-hybrid-ex-denied").findings[0];
    assert!(f.evidence.iter().any(|e| e.starts_with("NLA (CredSSP) succeeded")), "{:?}", f.evidence);
}
