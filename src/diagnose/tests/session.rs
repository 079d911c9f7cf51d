//! `diagnose/session.rs`: how the connection sequence ended ([MS-RDPBCGR] 1.3.1.1) and the Standard
//! RDP Security encryption a server offers (2.2.1.4.3).

use super::build::*;
use super::given;
use crate::codec::x224::Protocol;
use crate::diagnose::{Severity, Verdict};
use crate::observations::SessionStage;
use crate::observations::{
    LicenseErrorObs, LogonErrorObs, Observations, RdpMethodObs, RdpSecurityObs, RedirectionObs, SessionEnd,
};

/// Set Error Info `code` in licensing, over `protocol` (credentials sent or not).
fn denied(protocol: Protocol, credentials_sent: bool, code: u32) -> Observations {
    healthy().with(|o| {
        session_over(o, protocol, credentials_sent);
        error_info(o, SessionStage::Licensing, code);
    })
}

/// The sequence ended in `stage` with `end`, no PDU saying why.
fn ends(stage: SessionStage, end: SessionEnd) -> Observations {
    healthy().with(|o| session_ends(o, stage, end))
}

/// Standard RDP Security: the sequence is not run; the encryption methods are enumerated, each offered
/// alone: `accepted` are selected, the others refused; `level` is the encryptionLevel.
fn rdp_security(level: u32, accepted: &[u32], refused_with: Option<u32>) -> Observations {
    healthy().with(|o| {
        let s = o.session();
        s.protocol = Some(Protocol::Rdp);
        s.checked = false;
        s.not_checked = Some("Standard RDP Security: the connection sequence is not run".into());
        s.end = SessionEnd::NotChecked;
        s.rdp_security = Some(RdpSecurityObs {
            encryption_level: Some(level),
            methods: [0x01, 0x02, 0x08, 0x10]
                .into_iter()
                .map(|m| {
                    let ok = accepted.contains(&m);
                    RdpMethodObs {
                        offered: m,
                        accepted: ok,
                        selected: if ok { Some(m) } else { refused_with },
                        detail: (!ok && refused_with.is_none()).then(|| "MCS Disconnect Provider Ultimatum".into()),
                    }
                })
                .collect(),
        });
    })
}

cases! {
    established_to_the_first_update: given(healthy())
        .has(&["session-established"])
        .verdict(Verdict::Healthy)
        .says("session-established", "and the first update arrived")
        .says("session-established", "no session is left behind");
    /// The case the project exists for, on a modern Windows: HYBRID_EX selected, CredSSP succeeded,
    /// then ERRINFO_SERVER_DENIED_CONNECTION in licensing: the password was right (0x904 / 0x7).
    denied_after_nla_over_hybrid_ex: given(denied(Protocol::HybridEx, true, 0x7))
        .has(&["server-denied-connection"])
        .verdict(Verdict::Failing)
        .predicts(0x904, 0x7)
        .says("server-denied-connection", "NLA (CredSSP) succeeded, so the password was right")
        .never_says("server-denied-connection", "auto-logon")
        .says("server-denied-connection", "ERRINFO_SERVER_DENIED_CONNECTION (0x7)");
    /// The same over HYBRID (a server before Windows 10 / Server 2016).
    denied_after_nla_over_hybrid: given(denied(Protocol::Hybrid, true, 0x7))
        .has(&["server-denied-connection"])
        .predicts(0x904, 0x7)
        .says("server-denied-connection", "NLA (CredSSP) succeeded")
        .never_says("server-denied-connection", "auto-logon");
    /// TLS without NLA, credentials sent by auto-logon: a rejected logon is one cause.
    denied_after_auto_logon_over_tls: given(denied(Protocol::Ssl, true, 0x7))
        .predicts(0x904, 0x7)
        .says("server-denied-connection", "credentials were sent by auto-logon on a server without NLA")
        .never_says("server-denied-connection", "NLA (CredSSP) succeeded");
    /// No credentials at all: the refusal is about the connection.
    denied_before_any_logon: given(denied(Protocol::Ssl, false, 0x7))
        .predicts(0x904, 0x7)
        .says("server-denied-connection", "no credentials were sent")
        .never_says("server-denied-connection", "NLA (CredSSP) succeeded");
    denied_for_fips: given(denied(Protocol::HybridEx, true, 0x8))
        .has(&["server-denied-fips"])
        .verdict(Verdict::Failing)
        .predicts(0x904, 0x8);
    insufficient_privileges: given(denied(Protocol::HybridEx, true, 0x9))
        .has(&["server-insufficient-privileges"])
        .predicts(0x904, 0x9);
    fresh_credentials_required: given(denied(Protocol::HybridEx, true, 0xA))
        .has(&["fresh-credentials-required"])
        .predicts(0x904, 0xA);
    /// An errorInfo of the licensing range.
    licensing_error_info: given(denied(Protocol::HybridEx, true, 0x100))
        .has(&["licensing-failed"])
        .lacks(&["server-denied-connection", "disconnected-by-server"])
        .verdict(Verdict::Failing)
        .predicts(0x904, 0x100)
        .says("licensing-failed", "ERRINFO_LICENSE_INTERNAL (0x100)");
    /// A Licensing Error Message that is an error (not STATUS_VALID_CLIENT): 0x808.
    licensing_error_message: given(healthy().with(|o| {
        session_ends(o, SessionStage::Licensing, SessionEnd::ServerEnded);
        o.session().license_error = Some(LicenseErrorObs { code: 0x6, state_transition: 0x2 });
    }))
        .has(&["licensing-failed"])
        .verdict(Verdict::Failing)
        .predicts(0x808, 0)
        .says("licensing-failed", "ERR_NO_LICENSE_SERVER (0x6)");
    /// An errorInfo without a finding of its own.
    unknown_error_info: given(denied(Protocol::HybridEx, true, 0x1234))
        .has(&["disconnected-by-server"])
        .predicts(0x904, 0x1234)
        .says("disconnected-by-server", "an errorInfo this tool does not know");
    /// The server closed mid-sequence with no reason.
    closed_mid_sequence: given(ends(SessionStage::McsConnect, SessionEnd::Closed))
        .has(&["disconnected-by-server"])
        .verdict(Verdict::Failing)
        .predicts(0x904, 0)
        .says("disconnected-by-server", "no reason given")
        .says("disconnected-by-server", "ended in stage mcs_connect (TCP closed)");
    /// An MCS Disconnect Provider Ultimatum with its reason.
    disconnect_provider_ultimatum: given(ends(SessionStage::ChannelJoin, SessionEnd::ServerEnded).with(|o| o.session().disconnect_reason = Some(3)))
        .has(&["disconnected-by-server"])
        .says("disconnected-by-server", "rn-user-requested");
    /// The server stopped answering (its silence outlasted the patience, the run's deadline did not end).
    stalled_in_licensing: given(ends(SessionStage::Licensing, SessionEnd::Timeout))
        .has(&["session-stalled"])
        .lacks(&["disconnected-by-server"])
        .verdict(Verdict::Failing)
        .predicts_nothing()
        .says("session-stalled", "stopped answering in stage licensing");
    /// The client side could not go on.
    protocol_error_mid_sequence: given(ends(SessionStage::Capabilities, SessionEnd::ProtocolError).with(|o| o.session().error = Some("unexpected PDU".into())))
        .has(&["session-incomplete"])
        .verdict(Verdict::Failing)
        .says("session-incomplete", "unexpected PDU");
    redirected_to_another_host: given(healthy().with(|o| {
        session_ends(o, SessionStage::Finalization, SessionEnd::Redirected);
        o.session().redirection = Some(RedirectionObs {
            session_id: 7,
            target: Some("10.0.0.9".into()),
            target_fqdn: Some("rdsh02.example.test".into()),
            load_balance_info: None,
            username: None,
        });
    }))
        .has(&["redirected"])
        .severity("redirected", Severity::Info)
        .says("redirected", "redirects this connection to 10.0.0.9")
        .says("redirected", "target FQDN rdsh02.example.test");
    /// Auto-logon over TLS with a bad password: LOGON_FAILED_OTHER / LOGON_FAILED_BAD_PASSWORD.
    auto_logon_failed: given(healthy().with(|o| {
        session_over(o, Protocol::Ssl, true);
        session_ends(o, SessionStage::FirstUpdate, SessionEnd::ServerEnded);
        o.session().logon_errors = vec![LogonErrorObs { notification_type: 0xFFFF_FFFF, notification_data: 0x0 }];
    }))
        .has(&["logon-failed"])
        .verdict(Verdict::Failing)
        .says("logon-failed", "LOGON_FAILED_BAD_PASSWORD")
        .says("logon-failed", "auto-logon");
    /// Near miss: LOGON_MSG_SESSION_CONTINUE is not a failure.
    logon_continues_is_not_a_failure: given(healthy().with(|o| {
        o.session().logon_errors = vec![LogonErrorObs { notification_type: 0xFFFF_FFFE, notification_data: 0x0 }];
    }))
        .lacks(&["logon-failed"])
        .verdict(Verdict::Healthy);
    not_checked_without_credentials: given(healthy().with(|o| {
        let s = o.session();
        s.checked = false;
        s.not_checked = Some("NLA needs credentials: run with --user".into());
        s.end = SessionEnd::NotChecked;
    }))
        .has(&["session-not-checked"])
        .lacks(&["session-established", "session-incomplete"])
        .severity("session-not-checked", Severity::Info)
        .says("session-not-checked", "run with --user");
    /// Standard RDP Security with FIPS only.
    fips_only: given(rdp_security(4, &[0x10], None))
        .has(&["fips-required", "weak-rdp-encryption", "session-not-checked"])
        .severity("weak-rdp-encryption", Severity::Warning)
        .says("fips-required", "accepts only FIPS encryption");
    /// 40-bit RC4 accepted.
    forty_bit_rc4: given(rdp_security(2, &[0x01, 0x02], None))
        .has(&["weak-rdp-encryption"])
        .lacks(&["fips-required"])
        .severity("weak-rdp-encryption", Severity::Warning)
        .says("weak-rdp-encryption", "40- or 56-bit RC4");
    /// ENCRYPTION_LEVEL_NONE without TLS: clear text.
    no_encryption_at_all: given(rdp_security(0, &[], Some(0)))
        .has(&["rdp-no-encryption"])
        .lacks(&["weak-rdp-encryption"])
        .says("rdp-no-encryption", "clear text");
}

/// TS_LOGON_ERRORS_INFO with ErrorNotificationData LOGON_WARNING (0x3): the knowledge table reads it
/// as "the logon succeeded with a warning shown to the user", so it is no `logon-failed` (the filter
/// once matched LOGON_FAILED_OTHER whatever the data, leaving the LOGON_WARNING exclusion dead).
#[test]
fn a_logon_warning_is_not_a_failed_logon() {
    given(healthy().with(|o| {
        o.session().logon_errors = vec![LogonErrorObs { notification_type: 0xFFFF_FFFF, notification_data: 0x3 }];
    }))
    .lacks(&["logon-failed"])
    .verdict(Verdict::Healthy)
    .check("a_logon_warning_is_not_a_failed_logon");
}

/// The HYBRID_EX bug of issue #11, in its other rule: a Save Session Info logon error after NLA
/// succeeded (here LOGON_MSG_NO_PERMISSION over HYBRID_EX) gets the evidence "the credentials were sent
/// by auto-logon (Client Info) on a server without NLA", because `logon-failed` tests
/// `credentials_sent` alone and never the protocol (`server-denied-connection` tests `nla` first).
#[test]
fn a_logon_error_after_nla_is_not_blamed_on_auto_logon() {
    given(healthy().with(|o| {
        session_ends(o, SessionStage::FirstUpdate, SessionEnd::ServerEnded);
        o.session().logon_errors = vec![LogonErrorObs { notification_type: 0xFFFF_FFFA, notification_data: 0x0 }];
    }))
    .has(&["logon-failed"])
    .verdict(Verdict::Failing)
    .says("logon-failed", "LOGON_MSG_NO_PERMISSION")
    .never_says("logon-failed", "without NLA")
    .check("a_logon_error_after_nla_is_not_blamed_on_auto_logon");
}

/// The lab's `logon-failed-bad-password` report once read "The logon failed: The logon failed: wrong
/// user name or password." — the summary prefixed the knowledge table's meaning, which already says it.
#[test]
fn the_logon_failed_summary_says_it_once() {
    given(healthy().with(|o| {
        session_over(o, Protocol::Ssl, true);
        session_ends(o, SessionStage::FirstUpdate, SessionEnd::ServerEnded);
        o.session().logon_errors = vec![LogonErrorObs { notification_type: 0xFFFF_FFFF, notification_data: 0x0 }];
    }))
    .has(&["logon-failed"])
    .never_says("logon-failed", "The logon failed: The logon failed")
    .check("the_logon_failed_summary_says_it_once");
}
