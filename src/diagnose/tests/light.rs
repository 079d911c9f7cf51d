//! `diagnose/light.rs`: the light probe (`scan --quick`, `watch`): one connection, mstsc's request,
//! the TLS handshake on it, and no version scan to fall back on.

use super::build::*;
use super::given;
use crate::diagnose::Verdict;
use crate::observations::{HandshakeOutcome, Observations, TlsScanMode};

/// What the light probe records against the healthy server: one request, one handshake, no scan,
/// no CredSSP, no session, no budget.
fn light() -> Observations {
    healthy().with(|o| {
        o.set_requests(vec![selected(Some(WINDOWS), HYBRID_EX, EXTENDED_CLIENT_DATA | RESTRICTED_ADMIN)]);
        // One request offering CredSSP cannot show NLA is required (probe::light).
        o.neg().nla_required = None;
        let t = o.tls();
        t.scan_request = String::new();
        t.versions.clear();
        t.version_results.clear();
        t.suites.clear();
        t.client_profile = String::new();
        t.client_profiles.clear();
        t.connections = 1;
        t.mode = TlsScanMode::HandshakeOnly;
        o.credssp = None;
        o.authentication = None;
        o.session = None;
        o.budget = None;
    })
}

/// The one handshake ended with `outcome`.
pub(super) fn light_handshake(outcome: HandshakeOutcome) -> Observations {
    light().with(|o| {
        let t = o.tls();
        t.handshakes = vec![handshake("hybrid", WINDOWS, outcome)];
        if outcome != HandshakeOutcome::Completed {
            t.certificate = None;
            t.certificate_source = None;
            t.chain.clear();
            t.validation = None;
        }
    })
}

cases! {
    light_probe_of_a_healthy_server: given(light())
        .ids(&["restricted-admin-supported"])
        .verdict(Verdict::Healthy)
        .predicts_nothing();
    /// An alert on the one handshake: the light probe cannot say why (no scan), but it failed.
    light_handshake_refused_with_an_alert: given(light_handshake(HandshakeOutcome::Alert).with(|o| {
        o.tls().handshakes[0].alert = Some(40);
        o.tls().handshakes[0].alert_name = Some("handshake_failure".into());
    }))
        .ids(&["restricted-admin-supported", "tls-handshake-failed"])
        .verdict(Verdict::Failing)
        .predicts_nothing()
        .says("tls-handshake-failed", "the server sent TLS alert 40 (handshake_failure)")
        .says("tls-handshake-failed", "one connection only (light probe)");
    /// FIN on the one handshake: the client shows 0x904.
    light_handshake_closed: given(light_handshake(HandshakeOutcome::Closed))
        .has(&["tls-handshake-failed"])
        .verdict(Verdict::Failing)
        .predicts(0x904, 0)
        .says("tls-handshake-failed", "closed the connection (FIN) with no ServerHello");
    /// Near miss: with a version scan (the full probe) this rule stays out of the way.
    full_probe_is_judged_by_the_scan_not_by_the_light_rule: given(healthy().with(|o| {
        let t = o.tls();
        t.handshakes[0].outcome = HandshakeOutcome::Alert;
        t.handshakes[0].alert = Some(40);
    }))
        .lacks(&["tls-handshake-failed"]);
}
