//! `diagnose/negotiation.rs`: the X.224 security negotiation ([MS-RDPBCGR] 2.2.1.1, 2.2.1.2).

use super::build::*;
use super::given;
use crate::codec::x224::Protocol;
use crate::diagnose::{Severity, Verdict};
use crate::observations::{HandshakeOutcome, NegOutcome, NegRequestObs, Observations};

/// The probe stops a path where it breaks: nothing after the negotiation was observed.
fn negotiation_only(o: &mut Observations) {
    o.tls = None;
    o.credssp = None;
    o.authentication = None;
    o.session = None;
}

/// The healthy server with `requests` instead, and nothing observed after the negotiation.
fn answers(requests: Vec<NegRequestObs>) -> Observations {
    healthy().with(|o| {
        o.set_requests(requests);
        negotiation_only(o);
    })
}

/// The healthy server with one request of the matrix answered otherwise.
fn one_answer(requested: Option<u32>, answer: NegRequestObs) -> Observations {
    healthy().with(|o| {
        let mut requests = healthy_requests();
        let at = requests.iter().position(|r| r.requested_value == requested).expect("a request of the matrix");
        requests[at] = answer;
        o.set_requests(requests);
    })
}

/// Every request of the matrix refused with `code`.
fn all_refused(code: u32) -> Vec<NegRequestObs> {
    [Some(WINDOWS), Some(RDP), Some(SSL), Some(HYBRID), Some(SSL | HYBRID), Some(RDSTLS), None]
        .into_iter()
        .map(|r| refused(r, code))
        .collect()
}

/// A server without NLA that selects TLS (UserAuthentication 0), diagnosed without `--user`.
fn without_nla() -> Observations {
    healthy().with(|o| {
        o.set_requests(tls_only_requests());
        o.tls().handshakes = vec![handshake("ssl", WINDOWS, HandshakeOutcome::Completed)];
        o.credssp = None;
        o.authentication = None;
        session_over(o, Protocol::Ssl, false);
    })
}

/// Standard RDP Security only: SSL_NOT_ALLOWED_BY_SERVER to every request offering TLS, RDP selected
/// for the request that offers only RDP (the fallback a client makes).
fn rdp_security_only() -> Observations {
    let mut requests = all_refused(SSL_NOT_ALLOWED_BY_SERVER);
    requests[1] = selected(Some(RDP), RDP, 0);
    requests[6] = ended(None, NegOutcome::Legacy);
    answers(requests)
}

/// Selects PROTOCOL_RDP whatever is offered (xrdp without a certificate).
fn downgrades_to_rdp() -> Observations {
    let requests = [Some(WINDOWS), Some(RDP), Some(SSL), Some(HYBRID), Some(SSL | HYBRID), Some(RDSTLS)]
        .into_iter()
        .map(|r| selected(r, RDP, 0))
        .chain([ended(None, NegOutcome::Legacy)])
        .collect();
    answers(requests)
}

fn not_rdp() -> Observations {
    let requests = every_request(NegOutcome::NotRdp)
        .into_iter()
        .map(|mut r| {
            r.service = Some("HTTP");
            r.received = "485454502f312e31203430302042616420526571756573740d0a".into();
            r
        })
        .collect();
    answers(requests)
}

fn malformed() -> Observations {
    let requests = every_request(NegOutcome::Malformed)
        .into_iter()
        .map(|mut r| {
            r.detail = Some("TPKT length 7 is shorter than a Connection Confirm".into());
            r.received = "03000007020000".into();
            r
        })
        .collect();
    answers(requests)
}

cases! {
    /// HYBRID_REQUIRED_BY_SERVER to the requests without CredSSP, mstsc's request selects HYBRID_EX:
    /// information, not a fault.
    nla_required_is_information_when_mstsc_gets_in: given(healthy())
        .has(&["nla-required"])
        .severity("nla-required", Severity::Info)
        .says("nla-required", "requestedProtocols RDP (0x0) → RDP_NEG_FAILURE HYBRID_REQUIRED_BY_SERVER (0x5)")
        .verdict(Verdict::Healthy);
    /// HYBRID_REQUIRED_BY_SERVER even to requests that offer HYBRID: the server contradicts itself and
    /// its word about NLA cannot be taken; no client connects.
    hybrid_required_to_every_request_contradicts_itself: given(answers(all_refused(HYBRID_REQUIRED_BY_SERVER)))
        .ids(&["no-protocol-usable"])
        .verdict(Verdict::Failing)
        .predicts(0x904, 0)
        .says("no-protocol-usable", "the server contradicts itself");
    /// A failureCode outside the six the specification defines.
    an_unknown_failure_code_on_every_request: given(answers(all_refused(0x9)))
        .ids(&["no-protocol-usable"])
        .verdict(Verdict::Failing)
        .predicts(0x904, 0)
        .says("no-protocol-usable", "failureCode 0x9 is none of the six");
    /// A TLS server without NLA: TLS required (information), NLA not required (warning), no
    /// restricted admin. Near miss: its SSL_NOT_ALLOWED_BY_SERVER to a HYBRID-only request is not
    /// `standard-rdp-security-only` (it selects TLS elsewhere).
    a_tls_server_without_nla: given(without_nla())
        .ids(&["tls-required", "nla-not-required", "restricted-admin-unsupported", "session-established"])
        .severity("tls-required", Severity::Info)
        .severity("nla-not-required", Severity::Warning)
        .verdict(Verdict::Degraded)
        .predicts_nothing()
        .says("nla-not-required", "does not support Network Level Authentication")
        .says("nla-not-required", "CredSSP was offered and not selected: requestedProtocols SSL|HYBRID|HYBRID_EX (0xB)")
        .says("restricted-admin-unsupported", "restricted admin needs CredSSP, and the server never selected it");
    /// NLA offered, not required: TLS alone selected for the TLS-only request (the lab's `healthy`).
    nla_offered_but_not_required: given(healthy().with(|o| {
        let mut requests = healthy_requests();
        requests[1] = refused(Some(RDP), SSL_REQUIRED_BY_SERVER);
        requests[2] = selected(Some(SSL), SSL, EXTENDED_CLIENT_DATA);
        requests[5] = refused(Some(RDSTLS), SSL_REQUIRED_BY_SERVER);
        requests[6] = refused(None, SSL_REQUIRED_BY_SERVER);
        o.set_requests(requests);
    }))
        .ids(&["nla-not-required", "tls-required", "restricted-admin-supported", "credssp-host-info", "credentials-accepted", "session-established"])
        .verdict(Verdict::Degraded)
        .says("nla-not-required", "lets clients in without Network Level Authentication")
        .says("nla-not-required", "requestedProtocols SSL (0x1) → RDP_NEG_RSP selected SSL (0x1)");
    /// SSL_NOT_ALLOWED_BY_SERVER to every TLS request, RDP accepted for the RDP-only fallback: the
    /// Windows client retries with Standard RDP Security, so a warning, not an error.
    standard_rdp_security_only_with_the_fallback: given(rdp_security_only())
        .ids(&["standard-rdp-security-only", "nla-not-required", "restricted-admin-unsupported"])
        .severity("standard-rdp-security-only", Severity::Warning)
        .verdict(Verdict::Degraded)
        .predicts_nothing()
        .says("nla-not-required", "does not support Network Level Authentication");
    /// RDP selected whatever was offered.
    downgrade_to_standard_rdp_security: given(downgrades_to_rdp())
        .ids(&["standard-rdp-security-only", "nla-not-required", "restricted-admin-unsupported"])
        .verdict(Verdict::Degraded)
        .says("standard-rdp-security-only", "even when TLS is offered")
        .says("standard-rdp-security-only", "requestedProtocols SSL|HYBRID|HYBRID_EX (0xB) → RDP_NEG_RSP selected RDP");
    /// A Connection Confirm without negotiation data to requests that carried RDP_NEG_REQ.
    a_pre_rdp_5_2_server: given(answers(every_request(NegOutcome::Legacy)))
        .ids(&["legacy-negotiation", "standard-rdp-security-only", "nla-not-required", "restricted-admin-unsupported"])
        .verdict(Verdict::Degraded)
        .says("legacy-negotiation", "Connection Confirm without negotiation data");
    /// SSL_CERT_NOT_ON_SERVER to mstsc's request: an error with the pair the client shows.
    no_certificate_refuses_mstsc: given(answers({
        let mut r = all_refused(SSL_CERT_NOT_ON_SERVER);
        r[1] = selected(Some(RDP), RDP, 0);
        r
    }))
        .has(&["cert-not-on-server"])
        .severity("cert-not-on-server", Severity::Error)
        .verdict(Verdict::Failing)
        .predicts(0x904, 0)
        .says("cert-not-on-server", "including the request the Windows client sends");
    /// Near miss: the same code to the TLS-only request while mstsc's selects HYBRID_EX: a warning.
    no_certificate_for_tls_only_is_a_warning: given(one_answer(Some(SSL), refused(Some(SSL), SSL_CERT_NOT_ON_SERVER)))
        .has(&["cert-not-on-server"])
        .severity("cert-not-on-server", Severity::Warning)
        .verdict(Verdict::Degraded)
        .predicts_nothing();
    inconsistent_flags_to_every_request: given(answers(all_refused(INCONSISTENT_FLAGS)))
        .ids(&["inconsistent-flags"])
        .severity("inconsistent-flags", Severity::Error)
        .verdict(Verdict::Failing)
        .predicts(0x904, 0)
        .says("inconsistent-flags", "INCONSISTENT_FLAGS (0x4)");
    tls_with_client_certificates_required: given(answers(all_refused(SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER)))
        .ids(&["tls-with-user-auth-required"])
        .verdict(Verdict::Failing)
        .predicts(0x904, 0);
    /// FIN on every request: nothing was negotiated, nothing else is judged.
    closed_before_negotiation_on_every_request: given(answers(every_request(NegOutcome::Closed)))
        .ids(&["closed-before-negotiation"])
        .severity("closed-before-negotiation", Severity::Critical)
        .verdict(Verdict::Failing)
        .predicts(0x904, 0)
        .says("closed-before-negotiation", "then closed (FIN) it");
    /// RST on mstsc's request only: an error (every default client fails), the other requests still judged.
    reset_on_the_windows_request_only: given(one_answer(Some(WINDOWS), ended(Some(WINDOWS), NegOutcome::Reset)))
        .has(&["closed-before-negotiation", "nla-required"])
        .severity("closed-before-negotiation", Severity::Error)
        .verdict(Verdict::Failing)
        .predicts(0x904, 0)
        .says("closed-before-negotiation", "reset (RST)");
    /// Silence on every request: the client's own timeout, 0x108.
    silent_after_the_tcp_handshake: given(answers(every_request(NegOutcome::Timeout)))
        .ids(&["no-response"])
        .severity("no-response", Severity::Critical)
        .verdict(Verdict::Failing)
        .predicts(0x108, 0)
        .says("no-response", "says nothing until the deadline");
    silent_on_the_windows_request_only: given(one_answer(Some(WINDOWS), ended(Some(WINDOWS), NegOutcome::Timeout)))
        .has(&["no-response"])
        .severity("no-response", Severity::Error)
        .verdict(Verdict::Failing)
        .predicts(0x108, 0);
    /// An HTTP server on the RDP port.
    another_service_on_the_port: given(not_rdp())
        .ids(&["not-rdp"])
        .severity("not-rdp", Severity::Critical)
        .verdict(Verdict::Failing)
        .predicts(0x904, 0)
        .says("not-rdp", "Another service answers on this port: HTTP")
        .says("not-rdp", "\"HTTP/1.1 400 Bad Request..\"");
    malformed_connection_confirm: given(malformed())
        .ids(&["malformed-response"])
        .verdict(Verdict::Failing)
        .says("malformed-response", "shorter than a Connection Confirm");
    /// selectedProtocol 0x3 (two protocols) for mstsc's request: a Windows client drops it.
    several_protocols_selected_for_mstsc: given(one_answer(Some(WINDOWS), selected(Some(WINDOWS), SSL | HYBRID, EXTENDED_CLIENT_DATA)))
        .has(&["invalid-protocol-selected"])
        .severity("invalid-protocol-selected", Severity::Error)
        .verdict(Verdict::Failing)
        .says("invalid-protocol-selected", "including the request the Windows client sends")
        .says("invalid-protocol-selected", "0x3 is not one protocol");
    /// Near miss: a protocol not offered, for a narrow request only: a warning.
    unrequested_protocol_for_a_narrow_request: given(one_answer(Some(RDSTLS), selected(Some(RDSTLS), SSL, EXTENDED_CLIENT_DATA)))
        .has(&["invalid-protocol-selected"])
        .severity("invalid-protocol-selected", Severity::Warning)
        .verdict(Verdict::Degraded)
        .says("invalid-protocol-selected", "0x1 was not among the requested 0x4");
    restricted_admin_announced: given(healthy())
        .has(&["restricted-admin-supported"])
        .lacks(&["restricted-admin-unsupported"])
        .says("restricted-admin-supported", "restricted_admin_mode_supported");
    /// CredSSP without the RESTRICTED_ADMIN_MODE_SUPPORTED flag.
    restricted_admin_not_announced: given(healthy().with(|o| {
        let requests = healthy_requests()
            .into_iter()
            .map(|r| match (r.requested_value, r.selected_value) {
                (req, Some(v)) => selected(req, v, EXTENDED_CLIENT_DATA),
                _ => r,
            })
            .collect();
        o.set_requests(requests);
    }))
        .has(&["restricted-admin-unsupported"])
        .lacks(&["restricted-admin-supported"])
        .verdict(Verdict::Healthy)
        .says("restricted-admin-unsupported", "do not carry RESTRICTED_ADMIN_MODE_SUPPORTED (0x08)");
}
