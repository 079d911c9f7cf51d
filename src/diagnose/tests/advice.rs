//! `diagnose/advice.rs`: the causes people commonly give (`knowledge::folk_causes`), judged against
//! what was measured: fits, ruled out, or possible with the command that would tell.

use super::build::*;
use super::given;
use crate::diagnose::Verdict;
use crate::knowledge::Layer;
use crate::knowledge::folk_causes::FolkVerdict::{Fits, Possible, RuledOut};
use crate::observations::ConnOutcome;
use crate::observations::SessionStage;
use crate::observations::{ConnectOutcome, CredsspOutcome, Observations, SessionEnd};

/// 0x904 / 0x7 after NLA over HYBRID_EX, with `--user` accepted at NLA.
fn denied_after_nla() -> Observations {
    healthy().with(|o| error_info(o, SessionStage::Licensing, 0x7))
}

fn port_closed() -> Observations {
    healthy().with(|o| {
        let n = o.network.as_mut().expect("network");
        n.attempts = vec![attempt(addr(), ConnectOutcome::Refused)];
        n.connected = None;
        o.negotiation = None;
        o.tls = None;
        o.credssp = None;
        o.authentication = None;
        o.session = None;
    })
}

/// The TLS scan stalled; `retry` is what the hello on a small MSS got.
fn tls_stalls(retry: ConnOutcome) -> Observations {
    healthy().with(|o| {
        stalled(o);
        o.tls().small_mss_retry = Some(mss_retry(retry));
        credssp_ended(o, CredsspOutcome::Timeout);
        o.authentication = None;
        session_ends(o, SessionStage::Tls, SessionEnd::Timeout);
    })
}

cases! {
    /// Everything works from here: the causes of the stages seen working are ruled out; what lies
    /// with the user's own client stays possible.
    a_healthy_server_rules_causes_out: given(healthy())
        .verdict(Verdict::Healthy)
        .folk("firewall", RuledOut, "accepted the connection from here")
        .folk("tls-mismatch", RuledOut, "a TLS handshake completed")
        .folk("credentials", Possible, "the user's client may differ")
        .folk("gateway-channel", Possible, "this run went straight to the server");
    /// The port refuses: the firewall fits, the later causes are ruled out by the earlier failure.
    a_refused_port_fits_the_firewall: given(port_closed())
        .verdict(Verdict::Unreachable)
        .folk("firewall", Fits, "tcp-refused")
        .folk("certificate", RuledOut, "the connection fails earlier, at");
    /// 0x904 / 0x7 after NLA: the logon right and session limits fit; the server named its reason, so
    /// licensing and FIPS are ruled out.
    denied_after_nla_fits_the_logon_right: given(denied_after_nla())
        .verdict(Verdict::Failing)
        .predicts(0x904, 0x7)
        .folk("logon-right", Fits, "server-denied-connection")
        .folk("session-limit", Fits, "server-denied-connection")
        .folk("licensing", RuledOut, "the server named another reason: errorInfo 0x7")
        .folk("fips", RuledOut, "errorInfo 0x7");
    /// The ServerHello arrives only on a small MSS: the VPN/MTU cause fits.
    a_black_hole_fits_the_vpn_mtu: given(tls_stalls(ConnOutcome::ServerHello { version: 0x0303, suite: 0xC030, hello_retry_request: false }))
        .has(&["path-mtu-blackhole"])
        .folk("vpn-mtu", Fits, "path-mtu-blackhole");
    /// The same stall, cut by the run's deadline: never blamed on the path or the server.
    a_stall_cut_by_the_deadline_fits_nothing: given(tls_stalls(ConnOutcome::Timeout { bytes: 0 }).with(|o| deadline_cuts(o, Layer::Tls)))
        .verdict(Verdict::Incomplete)
        .folk("vpn-mtu", Possible, "cut by the run's deadline")
        .folk("machinekeys", Possible, "cut by the run's deadline");
    /// An expired certificate fits the certificate cause.
    an_expired_certificate_fits: given(healthy().with(|o| leaf(o, |c| c.days_left = -3)))
        .has(&["cert-expired"])
        .folk("certificate", Fits, "cert-expired");
    /// CredSSP 3: the oracle-remediation mismatch fits.
    an_unpatched_credssp_fits_the_mismatch: given(healthy().with(|o| o.credssp().server_version = Some(3)))
        .folk("credssp-mismatch", Fits, "credssp-server-unpatched");
    /// STATUS_LOGON_FAILURE at NLA: the credentials cause fits.
    a_wrong_password_fits_the_credentials: given(healthy().with(|o| {
        logon_error(o, 0xC000_006D);
        session_ends(o, SessionStage::Credssp, SessionEnd::CredsspFailed);
    }))
        .folk("credentials", Fits, "credentials-rejected");
    /// The run's deadline in the connection sequence: what it did not reach is "not tested", with a
    /// longer `--timeout` as the way to tell.
    the_deadline_leaves_causes_untested: given(healthy().with(|o| {
        session_ends(o, SessionStage::Licensing, SessionEnd::Timeout);
        deadline_cuts(o, Layer::Session);
    }))
        .verdict(Verdict::Incomplete)
        .folk("licensing", Possible, "cut by the run's deadline");
}

/// 0x904 / 0x7 after NLA accepted the user's password (the case of issue #11): the finding's evidence
/// says "NLA (CredSSP) succeeded, so the password was right", and the commonly given cause "wrong or
/// expired credentials" must not stay `possible` ("not tested: no session set up"), pointing the admin
/// back at the password: `credentials-accepted` (the user's own logon, accepted at NLA) with the failure
/// reproduced rules it out (`absent_if_failing`).
#[test]
fn a_password_accepted_at_nla_rules_out_wrong_credentials() {
    given(denied_after_nla())
        .has(&["credentials-accepted", "server-denied-connection"])
        .folk("credentials", RuledOut, "")
        .check("a_password_accepted_at_nla_rules_out_wrong_credentials");
}
