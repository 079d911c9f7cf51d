//! `diagnose/gateway.rs`: the RD Gateway path ([MS-TSGU] HTTP transport), stage by stage, and the
//! gateway's certificate as the Windows client judges it.

use super::build::*;
use super::given;
use crate::diagnose::{Severity, Verdict};
use crate::observations::gateway::{GatewayStage, StageOutcome};
use crate::observations::{CertTrustDecision, Observations};

// [MS-TSGU] 2.2.6 HRESULTs, full form.
const E_PROXY_RAP_ACCESSDENIED: u32 = 0x8007_59DA;
const E_PROXY_NAP_ACCESSDENIED: u32 = 0x8007_59DB;
const E_PROXY_TS_CONNECTFAILED: u32 = 0x8007_59DD;
const E_PROXY_MAXCONNECTIONSREACHED: u32 = 0x8007_59E6;
const E_PROXY_NOTSUPPORTED: u32 = 0x8007_59E8;

/// The gateway stopped the path at `stage` with `outcome`.
fn stops(stage: GatewayStage, outcome: StageOutcome, hresult: Option<u32>) -> Observations {
    through_gateway().with(|o| gateway_stops(o, stage, outcome, hresult))
}

/// RDG_OUT_DATA answered with HTTP `status` (no tunnel).
fn out_channel_answered(status: u16, rpc_over_http: Option<bool>) -> Observations {
    stops(GatewayStage::OutChannel, StageOutcome::Failed, None).with(|o| {
        let g = o.gateway();
        g.http = vec![http("RDG_OUT_DATA", Some(status), &[])];
        g.rpc_over_http = rpc_over_http;
        if let Some(s) = g.stages.last_mut() {
            s.detail = Some(format!("HTTP {status}"));
        }
    })
}

/// Gateway credentials: none given (`skipped` at authentication), the certificate judged `trust`.
fn authentication_skipped(trust: CertTrustDecision, verify_error: Option<&str>) -> Observations {
    stops(GatewayStage::Authentication, StageOutcome::Skipped, None).with(|o| {
        let g = o.gateway();
        g.http = vec![http("RDG_OUT_DATA", Some(401), &["Negotiate", "NTLM"])];
        g.cert_trust = Some(trust);
        g.verify_error = verify_error.map(String::from);
    })
}

cases! {
    /// The tunnel works: the target's own findings follow as without a gateway.
    tunnel_works_over_websocket: given(through_gateway())
        .has(&["gateway-ok", "session-established", "credentials-accepted"])
        .severity("gateway-ok", Severity::Info)
        .verdict(Verdict::Healthy)
        .says("gateway-ok", "tunnel to rdp01.example.test:3389 works over WebSocket");
    /// The gateway cannot be reached: unreachable, and nothing of the target is judged.
    gateway_refuses_the_connect: given(stops(GatewayStage::Connect, StageOutcome::Failed, None))
        .ids(&["gateway-unreachable"])
        .verdict(Verdict::Unreachable)
        .says("gateway-unreachable", "gw.example.test:443 cannot be reached")
        .predicts(0x300_000C, 0);
    /// A connect timeout is the path's (no SYN-ACK), not the run's deadline.
    gateway_drops_the_syn: given(stops(GatewayStage::Connect, StageOutcome::Timeout, None))
        .ids(&["gateway-unreachable"])
        .verdict(Verdict::Unreachable);
    gateway_tls_fails: given(stops(GatewayStage::Tls, StageOutcome::Failed, None))
        .ids(&["gateway-tls-failed"])
        .predicts_nothing()
        .verdict(Verdict::Failing);
    /// 404 to RDG_OUT_DATA, RPC over HTTP answering: only the legacy transport is on.
    http_transport_disabled: given(out_channel_answered(404, Some(true)))
        .ids(&["gateway-http-transport-disabled"])
        .verdict(Verdict::Failing)
        .says("gateway-http-transport-disabled", "/rpc/rpcproxy.dll answers");
    /// Something in front of the gateway refuses the RDG_ methods.
    http_methods_blocked: given(out_channel_answered(501, None))
        .ids(&["gateway-http-blocked"])
        .says("gateway-http-blocked", "(HTTP 501)");
    gateway_refuses_the_credentials: given(stops(GatewayStage::Authentication, StageOutcome::Failed, None))
        .ids(&["gateway-auth-failed"])
        .predicts(0x300_0001, 0)
        .verdict(Verdict::Failing);
    /// No gateway credentials given: not checked (a warning), the target not reached.
    no_gateway_credentials: given(authentication_skipped(CertTrustDecision::Verified, None))
        .ids(&["gateway-auth-not-checked"])
        .severity("gateway-auth-not-checked", Severity::Warning)
        .verdict(Verdict::Incomplete);
    /// Near miss: credentials withheld because the certificate is not trusted: that is the finding.
    credentials_withheld_from_an_untrusted_gateway: given(authentication_skipped(CertTrustDecision::Untrusted, Some("UnknownIssuer")))
        .ids(&["gateway-cert-untrusted"])
        .severity("gateway-cert-untrusted", Severity::Error)
        .verdict(Verdict::Failing)
        .says("gateway-cert-untrusted", "UnknownIssuer")
        .predicts(0x300_0005, 0);
    /// Trusted by the user (pinned): mstsc would still refuse it until it is trusted on the client.
    pinned_gateway_certificate_that_does_not_verify: given(through_gateway().with(|o| {
        let g = o.gateway();
        g.cert_trust = Some(CertTrustDecision::Pinned);
        g.verify_error = Some("invalid peer certificate: UnknownIssuer".into());
    }))
        .has(&["gateway-cert-untrusted", "gateway-ok"])
        .severity("gateway-cert-untrusted", Severity::Warning)
        .says("gateway-cert-untrusted", "refuses a gateway certificate that does not verify");
    gateway_certificate_expired: given(through_gateway().with(|o| {
        let g = o.gateway();
        if let Some(c) = g.certificate.as_mut() {
            c.days_left = -12;
        }
        g.verify_error = Some("invalid peer certificate: Expired".into());
        g.cert_trust = Some(CertTrustDecision::AcceptAny);
    }))
        .has(&["gateway-cert-expired"])
        .lacks(&["gateway-cert-untrusted"])
        .verdict(Verdict::Failing)
        .says("gateway-cert-expired", "expired 12 days ago")
        .predicts(0x300_0007, 0);
    gateway_certificate_names_another_host: given(through_gateway().with(|o| {
        let g = o.gateway();
        g.name_matches = Some(false);
        g.verify_error = Some("invalid peer certificate: NotValidForName".into());
        g.cert_trust = Some(CertTrustDecision::AcceptAny);
    }))
        .has(&["gateway-cert-name-mismatch"])
        .lacks(&["gateway-cert-untrusted"])
        .says("gateway-cert-name-mismatch", "does not name gw.example.test")
        .predicts(0x300_0006, 0);
    gateway_at_its_connection_limit: given(stops(GatewayStage::TunnelCreate, StageOutcome::Failed, Some(E_PROXY_MAXCONNECTIONSREACHED)))
        .ids(&["gateway-max-connections"])
        .verdict(Verdict::Failing)
        .says("gateway-max-connections", "E_PROXY_MAXCONNECTIONSREACHED")
        .predicts(0x300_0022, 0);
    /// The RD CAP denies the user at tunnel authorization.
    connection_authorization_policy_denies: given(stops(GatewayStage::TunnelAuthorization, StageOutcome::Failed, Some(E_PROXY_NAP_ACCESSDENIED)))
        .ids(&["gateway-cap-denied"])
        .predicts(0x300_001C, 0)
        .verdict(Verdict::Failing);
    /// The RD RAP does not let the user reach the target.
    resource_authorization_policy_denies: given(stops(GatewayStage::ChannelCreate, StageOutcome::Failed, Some(E_PROXY_RAP_ACCESSDENIED)))
        .ids(&["gateway-rap-denied"])
        .says("gateway-rap-denied", "reach rdp01.example.test")
        .predicts(0x300_001B, 0);
    gateway_cannot_reach_the_target: given(stops(GatewayStage::ChannelCreate, StageOutcome::Failed, Some(E_PROXY_TS_CONNECTFAILED)))
        .ids(&["gateway-target-unreachable"])
        .verdict(Verdict::Failing)
        .says("gateway-target-unreachable", "cannot connect to rdp01.example.test:3389")
        .predicts_nothing();
    /// CLOSE_CHANNEL once data had started.
    channel_closed_after_data: given(stops(GatewayStage::Data, StageOutcome::Failed, None).with(|o| {
        if let Some(s) = o.gateway().stages.last_mut() {
            s.detail = Some("CLOSE_CHANNEL".into());
        }
    }))
        .ids(&["gateway-channel-closed"])
        .verdict(Verdict::Failing);
    /// CLOSE_CHANNEL statuses recorded on an otherwise complete path.
    channel_closes_recorded: given(through_gateway().with(|o| o.gateway().channel_closes = vec![E_PROXY_TS_CONNECTFAILED]))
        .has(&["gateway-channel-closed"])
        .lacks(&["gateway-ok"])
        .says("gateway-channel-closed", "CLOSE_CHANNEL from the gateway: E_PROXY_TS_CONNECTFAILED");
    /// An HRESULT at a stage without a finding of its own.
    handshake_error_is_a_protocol_error: given(stops(GatewayStage::Handshake, StageOutcome::Failed, Some(E_PROXY_NOTSUPPORTED)))
        .ids(&["gateway-protocol-error"])
        .says("gateway-protocol-error", "E_PROXY_NOTSUPPORTED");
    /// Near miss of the CAP: a non-CAP code at tunnel authorization is a protocol error.
    non_policy_code_at_tunnel_authorization: given(stops(GatewayStage::TunnelAuthorization, StageOutcome::Failed, Some(E_PROXY_NOTSUPPORTED)))
        .ids(&["gateway-protocol-error"]);
    /// The run's deadline ended the wait: not checked, never the gateway's fault.
    deadline_during_tunnel_authorization: given(stops(GatewayStage::TunnelAuthorization, StageOutcome::Timeout, None))
        .ids(&["gateway-not-checked"])
        .severity("gateway-not-checked", Severity::Info)
        .verdict(Verdict::Incomplete)
        .predicts_nothing();
    /// A later channel (one of the target's connections) refused: reported, the tunnel still works.
    a_later_channel_refused: given(through_gateway().with(|o| {
        o.gateway().channel_failures.push(gw_stage(GatewayStage::TunnelCreate, StageOutcome::Failed, Some(E_PROXY_MAXCONNECTIONSREACHED), None));
    }))
        .has(&["gateway-max-connections", "gateway-ok"])
        .says("gateway-max-connections", "(on 1 of the later channels)")
        .predicts(0x300_0022, 0);
}

/// Both HRESULT forms (full and HRESULT_CODE) match the rules.
#[test]
fn short_and_full_hresult_forms_match() {
    for code in [E_PROXY_MAXCONNECTIONSREACHED, E_PROXY_MAXCONNECTIONSREACHED & 0xFFFF] {
        given(stops(GatewayStage::TunnelCreate, StageOutcome::Failed, Some(code)))
            .ids(&["gateway-max-connections"])
            .check(&format!("0x{code:08X}"));
    }
}

/// `--timeout 2` against a gateway that drops the SYN: the connect wait (the layer's patience, 5 s)
/// was cut by the run's deadline. Without a gateway the same silence is `tcp-timeout`, which
/// is judged from silence and dropped when the deadline cut the network layer (verdict `incomplete`); the
/// gateway rule calls every Connect timeout the path's and says `gateway-unreachable` (verdict
/// `unreachable`) even with `budget.reached`, as the budget had no gateway layer to tell a cut wait
/// from the gateway's silence. It has one now (`probe::plan::budget`), and the cut wait is not raised.
#[test]
fn a_gateway_connect_cut_by_the_deadline_is_not_unreachable() {
    given(stops(GatewayStage::Connect, StageOutcome::Timeout, None).with(|o| {
        o.network = None;
        deadline_cuts(o, crate::knowledge::Layer::Gateway);
    }))
    .lacks(&["gateway-unreachable"])
    .has(&["deadline-reached"])
    .verdict(Verdict::Incomplete)
    .check("a_gateway_connect_cut_by_the_deadline_is_not_unreachable");
}
