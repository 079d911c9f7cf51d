//! `diagnose/credssp.rs`: the credential-less CredSSP probe ([MS-CSSP] 2.2.1, [MS-NLMP] 2.2.1.2) and
//! the opt-in credential check (`--user`, [MS-CSSP] 3.1.5, [MS-RDPBCGR] 2.2.10).

use super::build::*;
use super::given;
use crate::codec::x224::Protocol;
use crate::diagnose::{Severity, Verdict};
use crate::observations::{AuthOutcome, CertTrustDecision, CredsspOutcome, HandshakeOutcome, Observations, SessionEnd};
use crate::observations::{LogonMode, LogonStage, SessionStage};

/// The connection sequence, run beside the logon, broke in CredSSP too.
fn session_breaks_in_credssp(o: &mut Observations) {
    session_ends(o, SessionStage::Credssp, SessionEnd::CredsspFailed);
}

/// The credential-less probe ended with `outcome`; no `--user`.
fn probe_ends(outcome: CredsspOutcome) -> Observations {
    healthy().with(|o| {
        credssp_ended(o, outcome);
        o.authentication = None;
        session_breaks_in_credssp(o);
    })
}

/// The probe's TSRequest carries CredSSP version `v` (and the NTLM CHALLENGE).
fn credssp_version(v: u32) -> Observations {
    healthy().with(|o| o.credssp().server_version = Some(v))
}

/// `--user`: the logon ended with TSRequest.errorCode `status`.
fn logon_refused(status: u32) -> Observations {
    healthy().with(|o| {
        logon_error(o, status);
        session_breaks_in_credssp(o);
    })
}

/// `--user`: the logon ended with `outcome` (mode password unless `restricted`).
fn logon(outcome: AuthOutcome, restricted: bool) -> Observations {
    healthy().with(|o| {
        let a = o.auth();
        a.outcome = outcome;
        a.early_auth_result = None;
        a.early_auth_name = None;
        if restricted {
            a.mode = LogonMode::RestrictedAdmin;
        }
        if outcome != AuthOutcome::Accepted {
            a.stage = LogonStage::Authenticate;
            session_breaks_in_credssp(o);
        }
    })
}

/// Credentials withheld: the certificate is self-signed, and the trust decision was `trust`.
fn withheld(trust: CertTrustDecision) -> Observations {
    healthy().with(|o| {
        self_signed(o);
        let a = o.auth();
        a.outcome = AuthOutcome::NotSent;
        a.credentials_sent = false;
        a.cert_trust = Some(trust);
        a.cert_verify_error = Some("invalid peer certificate: UnknownIssuer".into());
        a.stage = LogonStage::Negotiate;
        a.early_auth_result = None;
        a.early_auth_name = None;
        let s = o.session();
        s.checked = false;
        s.not_checked = Some("NLA needs credentials and none were sent (the certificate is not trusted)".into());
        s.credentials_sent = false;
        s.end = SessionEnd::NotChecked;
    })
}

/// A server without NLA (TLS selected), diagnosed with `--user`.
fn no_nla_with_user() -> Observations {
    healthy().with(|o| {
        o.set_requests(tls_only_requests());
        o.tls().handshakes = vec![handshake("ssl", WINDOWS, HandshakeOutcome::Completed)];
        o.credssp = None;
        let a = o.auth();
        a.outcome = AuthOutcome::NoNla;
        a.credentials_sent = false;
        a.selected = Some(Protocol::Ssl);
        a.early_auth_result = None;
        a.early_auth_name = None;
        session_over(o, Protocol::Ssl, true);
    })
}

cases! {
    /// An errorCode in answer to the first NEGOTIATE.
    error_code_to_the_first_message: given(probe_ends(CredsspOutcome::ErrorCode).with(|o| {
        let c = o.credssp();
        c.server_version = Some(6);
        c.error_code = Some("0xC0000022".into());
        c.error_name = Some("STATUS_ACCESS_DENIED");
    }))
        .has(&["credssp-failed"])
        .verdict(Verdict::Failing)
        .says("credssp-failed", "errorCode STATUS_ACCESS_DENIED (0xC0000022)");
    /// FIN instead of a TSRequest: the pair the client shows is 0x904.
    closed_instead_of_a_challenge: given(probe_ends(CredsspOutcome::Closed))
        .has(&["credssp-failed"])
        .verdict(Verdict::Failing)
        .predicts(0x904, 0)
        .says("credssp-failed", "closed the connection (FIN) instead of answering");
    /// Silence: no pair (the client's own timeout decides what it shows).
    silent_after_the_negotiate: given(probe_ends(CredsspOutcome::Timeout))
        .has(&["credssp-failed"])
        .verdict(Verdict::Failing)
        .predicts_nothing()
        .says("credssp-failed", "did not answer before the deadline");
    /// Near miss: a token we cannot read (Kerberos only) is not a failure.
    kerberos_only_answer_is_not_a_failure: given(healthy().with(|o| {
        let c = o.credssp();
        c.outcome = CredsspOutcome::OtherToken;
        c.ntlm = None;
    }))
        .lacks(&["credssp-failed", "credssp-host-info", "credssp-server-unpatched"])
        .verdict(Verdict::Healthy);
    /// CredSSP version 3: no CVE-2018-0886 fix; updated clients refuse it.
    server_without_the_2018_update: given(credssp_version(3))
        .has(&["credssp-server-unpatched", "credssp-host-info"])
        .severity("credssp-server-unpatched", Severity::Error)
        .verdict(Verdict::Failing)
        .says("credssp-server-unpatched", "TSRequest version 3")
        .says("credssp-server-unpatched", "interoperability (KB4093492): an updated client with AllowEncryptionOracle = 0 is blocked")
        .never_says("credssp-server-unpatched", "version 2 has no errorCode");
    /// Version 2 cannot even say why a logon fails.
    credssp_version_2: given(credssp_version(2))
        .has(&["credssp-server-unpatched"])
        .says("credssp-server-unpatched", "version 2 has no errorCode field");
    /// Version 4, the last before the fix: still unpatched.
    credssp_version_4_is_unpatched: given(credssp_version(4))
        .has(&["credssp-server-unpatched"])
        .says("credssp-server-unpatched", "the update brings version 5 or later")
        .never_says("credssp-server-unpatched", "version 2 has no errorCode");
    /// Near miss: version 5 carries the fix.
    credssp_version_5_is_patched: given(credssp_version(5))
        .lacks(&["credssp-server-unpatched"])
        .verdict(Verdict::Healthy)
        .says("credssp-host-info", "interoperability (KB4093492)");
    /// What the NTLM CHALLENGE tells about the host.
    host_facts_from_the_challenge: given(healthy())
        .has(&["credssp-host-info"])
        .severity("credssp-host-info", Severity::Info)
        .says("credssp-host-info", "NLA answers: rdp01.example.test, NTLM version 10.0.20348 (Windows Server 2022), CredSSP version 6")
        .says("credssp-host-info", "NetBIOS domain EXAMPLE");
    the_password_is_accepted: given(healthy())
        .has(&["credentials-accepted"])
        .says("credentials-accepted", "accepts the password of EXAMPLE\\alice")
        .says("credentials-accepted", "Early User Authorization Result SUCCESS (0x00000000)");
    wrong_password: given(logon_refused(0xC000_006D))
        .has(&["credentials-rejected"])
        .lacks(&["credssp-failed"])
        .verdict(Verdict::Failing)
        .says("credentials-rejected", "STATUS_LOGON_FAILURE (0xC000006D)")
        .says("credentials-rejected", "the password stored for EXAMPLE\\alice is not accepted");
    password_expired: given(logon_refused(0xC000_0071)).has(&["password-expired"]).verdict(Verdict::Failing).says("password-expired", "0xC0000071");
    password_must_change: given(logon_refused(0xC000_0224)).has(&["password-must-change"]).verdict(Verdict::Failing);
    account_locked: given(logon_refused(0xC000_0234)).has(&["account-locked"]).verdict(Verdict::Failing);
    account_disabled: given(logon_refused(0xC000_0072)).has(&["account-disabled"]).verdict(Verdict::Failing);
    account_expired: given(logon_refused(0xC000_0193)).has(&["account-expired"]).verdict(Verdict::Failing);
    account_restricted: given(logon_refused(0xC000_006E)).has(&["account-restricted"]).verdict(Verdict::Failing);
    logon_type_not_granted: given(logon_refused(0xC000_015B)).has(&["logon-type-not-granted"]).verdict(Verdict::Failing);
    /// An NTSTATUS without a finding of its own: a CredSSP failure with its name.
    unknown_logon_status: given(logon_refused(0xC000_0022))
        .has(&["credssp-failed"])
        .lacks(&["credentials-rejected"])
        .says("credssp-failed", "failed with 0xC0000022")
        .says("credssp-failed", "STATUS_ACCESS_DENIED");
    /// A server without errorCode (CredSSP 2 or 5, FreeRDP) closes after a bad AUTHENTICATE.
    closed_after_the_authenticate: given(logon(AuthOutcome::ClosedAfterAuthenticate, false))
        .has(&["credentials-rejected"])
        .verdict(Verdict::Failing)
        .predicts(0x904, 0)
        .says("credentials-rejected", "basis: inferred");
    /// HYBRID_EX: the password is right, the Early User Authorization Result is ACCESS_DENIED.
    right_password_no_remote_logon_right: given(logon(AuthOutcome::AuthorizationDenied, false).with(|o| {
        let a = o.auth();
        a.early_auth_result = Some(5);
        a.early_auth_name = Some("ACCESS_DENIED");
    }))
        .has(&["user-not-authorized"])
        .lacks(&["credentials-rejected"])
        .verdict(Verdict::Failing)
        .says("user-not-authorized", "Early User Authorization Result ACCESS_DENIED (0x00000005)");
    /// The certificate does not verify and nobody could be asked: credentials withheld (a warning).
    credentials_withheld_from_an_untrusted_certificate: given(withheld(CertTrustDecision::Untrusted))
        .has(&["credentials-not-sent", "session-not-checked"])
        .severity("credentials-not-sent", Severity::Warning)
        .verdict(Verdict::Degraded)
        .says("credentials-not-sent", "does not verify (invalid peer certificate: UnknownIssuer)");
    /// The pin given does not match: an error (someone else may be answering).
    certificate_pin_mismatch: given(withheld(CertTrustDecision::PinMismatch))
        .has(&["credentials-not-sent"])
        .severity("credentials-not-sent", Severity::Error)
        .verdict(Verdict::Failing)
        .says("credentials-not-sent", "does not match --trust-cert");
    /// No CredSSP on the server: the password is checked later, at the logon screen.
    no_nla_to_check_the_password_against: given(no_nla_with_user())
        .has(&["credentials-not-checked", "nla-not-required"])
        .severity("credentials-not-checked", Severity::Info)
        .verdict(Verdict::Degraded)
        .says("credentials-not-checked", "no request selected HYBRID or HYBRID_EX");
    restricted_admin_logon_accepted: given(logon(AuthOutcome::Accepted, true))
        .has(&["restricted-admin-accepted"])
        .lacks(&["credentials-accepted"])
        .verdict(Verdict::Healthy);
    /// Restricted admin closed after the AUTHENTICATE: refused, not a wrong password.
    restricted_admin_logon_refused: given(logon(AuthOutcome::ClosedAfterAuthenticate, true))
        .has(&["restricted-admin-refused"])
        .lacks(&["credentials-rejected"])
        .severity("restricted-admin-refused", Severity::Warning);
    /// The logon broke off for another reason.
    logon_broke_off: given(logon(AuthOutcome::Failed, false).with(|o| o.auth().detail = Some("TLS alert 80 (internal_error)".into())))
        .has(&["credssp-failed"])
        .verdict(Verdict::Failing)
        .says("credssp-failed", "broke off at step authenticate")
        .says("credssp-failed", "TLS alert 80");
}

/// Every NTSTATUS of the CredSSP table proves its finding through the logon rule.
#[test]
fn every_logon_status_raises_its_finding() {
    for (code, id) in [
        (0xC000_0064, "credentials-rejected"),
        (0xC000_006A, "credentials-rejected"),
        (0xC000_006D, "credentials-rejected"),
        (0xC000_006E, "account-restricted"),
        (0xC000_006F, "account-restricted"),
        (0xC000_0070, "account-restricted"),
        (0xC000_0071, "password-expired"),
        (0xC000_0072, "account-disabled"),
        (0xC000_0155, "logon-type-not-granted"),
        (0xC000_015B, "logon-type-not-granted"),
        (0xC000_0193, "account-expired"),
        (0xC000_0224, "password-must-change"),
        (0xC000_0234, "account-locked"),
    ] {
        assert_eq!(crate::diagnose::status_finding(code).map(|f| f.as_str()), Some(id), "0x{code:08X}");
        given(logon_refused(code)).has(&[id]).verdict(Verdict::Failing).check(&format!("status 0x{code:08X}"));
    }
}

/// xrdp and FreeRDP send the NTLM AV_PAIRs with empty names (the lab's `healthy` does too): the
/// summary once read "NLA answers: , NTLM version …" and the evidence "NetBIOS computer , NetBIOS
/// domain , …". An empty name is no name.
#[test]
fn empty_host_names_are_not_listed() {
    given(healthy().with(|o| {
        let n = o.credssp().ntlm.as_mut().expect("ntlm");
        for name in [&mut n.nb_computer_name, &mut n.nb_domain_name, &mut n.dns_computer_name, &mut n.dns_domain_name] {
            *name = Some(String::new());
        }
    }))
    .has(&["credssp-host-info"])
    .says("credssp-host-info", "NLA answers: the server, NTLM version 10.0.20348")
    .never_says("credssp-host-info", "NetBIOS computer ,")
    .check("empty_host_names_are_not_listed");
}
