//! `diagnose/mod.rs` and `diagnose/budget.rs`: the run's own deadline (`--timeout`). What it cut is
//! "not checked", never the server's silence: `deadline-reached`, verdict `incomplete`, no client
//! error predicted, and none of the findings that rest on silence (`Finding::from_silence`).

use super::build::*;
use super::given;
use crate::diagnose::{Severity, Verdict};
use crate::knowledge::Layer;
use crate::observations::{ConnectOutcome, CredsspOutcome, HandshakeOutcome, NegOutcome, Observations, SessionEnd};
use crate::observations::{LogonStage, SessionStage};

/// Everything that rests on silence, which a deadline must never turn into a finding.
const SILENCE: &[&str] = &[
    "tcp-timeout",
    "no-response",
    "tls-handshake-stalled",
    "path-mtu-blackhole",
    "credssp-failed",
    "session-stalled",
    "session-incomplete",
    "disconnected-by-server",
];

/// The connection sequence was waiting in licensing when `--timeout` ran out.
fn session_cut() -> Observations {
    healthy().with(|o| {
        session_ends(o, SessionStage::Licensing, SessionEnd::Timeout);
        deadline_cuts(o, Layer::Session);
    })
}

/// The scan and the handshake were waiting for a ServerHello when `--timeout` ran out.
fn tls_cut() -> Observations {
    healthy().with(|o| {
        stalled(o);
        credssp_ended(o, CredsspOutcome::Timeout);
        o.authentication = None;
        session_ends(o, SessionStage::Tls, SessionEnd::Timeout);
        deadline_cuts(o, Layer::Tls);
    })
}

/// Every X.224 request was still waiting when `--timeout` ran out.
fn negotiation_cut() -> Observations {
    healthy().with(|o| {
        o.set_requests(every_request(NegOutcome::Timeout));
        o.tls = None;
        o.credssp = None;
        o.authentication = None;
        o.session = None;
        deadline_cuts(o, Layer::Negotiation);
    })
}

/// The TCP connect was still waiting for a SYN-ACK when `--timeout` ran out.
fn connect_cut() -> Observations {
    healthy().with(|o| {
        let n = o.network.as_mut().expect("network");
        n.attempts = vec![attempt(addr(), ConnectOutcome::Timeout)];
        n.connected = None;
        o.negotiation = None;
        o.tls = None;
        o.credssp = None;
        o.authentication = None;
        o.session = None;
        deadline_cuts(o, Layer::Network);
    })
}

/// Only the requests after mstsc's were never sent: what was sent answered.
fn requests_not_sent() -> Observations {
    healthy().with(|o| {
        let mut requests = healthy_requests();
        for r in requests.iter_mut().skip(1) {
            *r = ended(r.requested_value, NegOutcome::NotChecked);
        }
        o.set_requests(requests);
        deadline_cuts(o, Layer::Negotiation);
    })
}

cases! {
    /// The case the style guide names: the tool's deadline in the middle of the connection sequence.
    deadline_in_the_connection_sequence: given(session_cut())
        .has(&["deadline-reached"])
        .lacks(SILENCE)
        .severity("deadline-reached", Severity::Warning)
        .verdict(Verdict::Incomplete)
        .predicts_nothing()
        .says("deadline-reached", "--timeout 2 s")
        .says("deadline-reached", "not checked, not failed")
        .says("deadline-reached", "session: cut while waiting");
    /// The deadline during the TLS scan: neither a stall nor a black hole.
    deadline_during_the_tls_scan: given(tls_cut())
        .has(&["deadline-reached"])
        .lacks(SILENCE)
        .verdict(Verdict::Incomplete)
        .predicts_nothing()
        .says("deadline-reached", "tls: cut while waiting")
        .says("deadline-reached", "session: not started");
    /// The deadline during the negotiation: not `no-response`.
    deadline_during_the_negotiation: given(negotiation_cut())
        .ids(&["deadline-reached"])
        .verdict(Verdict::Incomplete)
        .predicts_nothing();
    /// The deadline during the TCP connect: not `tcp-timeout`, not unreachable.
    deadline_during_the_connect: given(connect_cut())
        .ids(&["deadline-reached"])
        .verdict(Verdict::Incomplete)
        .predicts_nothing();
    /// Requests never sent say nothing about the server; what was sent still counts.
    requests_the_deadline_kept_back: given(requests_not_sent())
        .ids(&["deadline-reached", "restricted-admin-supported", "credssp-host-info", "credentials-accepted", "session-established"])
        .lacks(&["no-response", "closed-before-negotiation", "no-protocol-usable"])
        .verdict(Verdict::Incomplete);
    /// Near miss: the deadline cut the scan, but the server itself refused the connection with an
    /// errorInfo: that answer is not silence; it is kept and decides the verdict.
    the_servers_own_refusal_survives_the_deadline: given(healthy().with(|o| {
        error_info(o, SessionStage::Licensing, 0x7);
        deadline_cuts(o, Layer::Tls);
        if let Some(b) = o.budget.as_mut() {
            for l in &mut b.layers {
                if l.layer == Layer::Session {
                    l.status = crate::observations::LayerStatus::Complete;
                }
            }
        }
    }))
        .has(&["server-denied-connection", "deadline-reached"])
        .verdict(Verdict::Failing)
        .predicts(0x904, 0x7);
    /// Near miss: the budget was recorded and did not run out: no finding about it.
    a_budget_that_sufficed: given(healthy())
        .lacks(&["deadline-reached"])
        .verdict(Verdict::Healthy);
}

/// The deadline cut the `--user` logon while the credential-less probe had its answer: an errorCode
/// the server sent. The answer is not silence: the server's own error stays (the filter once went by
/// id, `JUDGED_FROM_SILENCE`, and dropped it; it now goes by `Finding::from_silence`).
#[test]
fn an_error_code_is_not_silence_even_when_the_logon_was_cut() {
    given(healthy().with(|o| {
        let c = o.credssp();
        c.outcome = CredsspOutcome::ErrorCode;
        c.error_code = Some("0xC0000022".into());
        c.error_name = Some("STATUS_ACCESS_DENIED");
        c.ntlm = None;
        let a = o.auth();
        a.outcome = crate::observations::AuthOutcome::Failed;
        a.stage = LogonStage::Negotiate;
        a.detail = Some("the run's deadline passed".into());
        session_ends(o, SessionStage::Credssp, SessionEnd::CredsspFailed);
        deadline_cuts(o, Layer::Credssp);
    }))
    .has(&["credssp-failed", "deadline-reached"])
    .says("credssp-failed", "errorCode STATUS_ACCESS_DENIED")
    .verdict(Verdict::Failing)
    .check("an_error_code_is_not_silence_even_when_the_logon_was_cut");
}

/// The light probe's one handshake waited until the run's deadline: the silence may be the tool's.
/// `tls-handshake-failed` (light.rs) for a `timeout` handshake is judged from silence, so with the TLS
/// layer recorded as cut (`probe::light` records the budget) the verdict is `incomplete`, not failing.
#[test]
fn light_handshake_cut_by_the_deadline_is_not_a_failure() {
    given(super::light::light_handshake(HandshakeOutcome::Timeout).with(|o| {
        o.budget = Some(budget_complete());
        deadline_cuts(o, Layer::Tls);
    }))
    .lacks(&["tls-handshake-failed"])
    .has(&["deadline-reached"])
    .verdict(Verdict::Incomplete)
    .predicts_nothing()
    .check("light_handshake_cut_by_the_deadline_is_not_a_failure");
}
