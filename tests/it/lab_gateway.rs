//! The lab RD Gateway scenarios (src/lab/gateway.rs), diagnosed over loopback through the gateway
//! probe: each scenario gives its finding, the stage that failed and the gateway's code; a working
//! gateway lets the target's layers run through the tunnel.

use rdp_doctor::Options;
use rdp_doctor::demo::diagnose_scenario;
use rdp_doctor::diagnose::{Finding, Severity, Verdict};
use rdp_doctor::lab;
use rdp_doctor::observations::gateway::{GatewayObs, GatewayStage, GatewayTransport, StageOutcome};
use rdp_doctor::report::Report;
use std::time::Duration;

async fn run(name: &str) -> Report {
    let scenario = lab::find(name).unwrap_or_else(|_| panic!("no lab scenario {name}"));
    // diagnose_scenario goes through the gateway (and multiplies the deadline for its channels).
    let opts = Options { timeout: Duration::from_secs(5), pace: Duration::from_millis(5), ..Options::default() };
    diagnose_scenario(scenario, &opts).await.expect("lab gateway starts")
}

fn gateway(r: &Report) -> &GatewayObs {
    r.observations.gateway.as_ref().expect("gateway observed")
}

fn ids(r: &Report) -> Vec<&'static str> {
    r.findings.iter().map(|f| f.id.as_str()).collect()
}

fn finding<'a>(r: &'a Report, id: &str) -> &'a Finding {
    r.findings.iter().find(|f| f.id == id).unwrap_or_else(|| panic!("finding {id} missing; got {:?}", ids(r)))
}

fn has(f: &Finding, needle: &str) -> bool {
    f.evidence.iter().any(|e| e.contains(needle))
}

/// The scenario fails at `stage` with `code`, and gives `id` with the code's name in its evidence.
async fn denied(scenario: &str, id: &str, stage: GatewayStage, code: Option<u32>, name: &str) {
    let r = run(scenario).await;
    let g = gateway(&r);
    let last = g.stages.last().expect("stages");
    assert_eq!(
        (last.stage, last.outcome, last.hresult),
        (stage, StageOutcome::Failed, code),
        "{scenario}: {:?}",
        g.stages
    );
    let f = finding(&r, id);
    assert!(f.severity <= Severity::Error, "{scenario}: {f:?}");
    assert!(has(f, name), "{scenario}: {name} not in {:?}", f.evidence);
    assert_eq!(r.verdict, Verdict::Failing, "{scenario}");
    assert!(!g.tunnelled_probe && r.observations.negotiation.is_none(), "{scenario}: the target was probed");
    assert!(!ids(&r).contains(&"gateway-ok"), "{scenario}");
}

#[tokio::test]
async fn cap_denied() {
    denied(
        "gateway-cap-denied",
        "gateway-cap-denied",
        GatewayStage::TunnelAuthorization,
        Some(0x8007_59DB),
        "E_PROXY_NAP_ACCESSDENIED",
    )
    .await;
}

#[tokio::test]
async fn rap_denied() {
    denied(
        "gateway-rap-denied",
        "gateway-rap-denied",
        GatewayStage::ChannelCreate,
        Some(0x8007_59DA),
        "E_PROXY_RAP_ACCESSDENIED",
    )
    .await;
}

#[tokio::test]
async fn target_unreachable() {
    denied(
        "gateway-target-unreachable",
        "gateway-target-unreachable",
        GatewayStage::ChannelCreate,
        Some(0x8007_59DD),
        "E_PROXY_TS_CONNECTFAILED",
    )
    .await;
}

#[tokio::test]
async fn max_connections() {
    denied(
        "gateway-max-connections",
        "gateway-max-connections",
        GatewayStage::TunnelCreate,
        Some(0x8007_59E6),
        "E_PROXY_MAXCONNECTIONSREACHED",
    )
    .await;
}

#[tokio::test]
async fn auth_failed_after_the_complete_exchange() {
    denied("gateway-auth-failed", "gateway-auth-failed", GatewayStage::Authentication, None, "final HTTP 401").await;
    let r = run("gateway-auth-failed").await;
    let g = gateway(&r);
    // 401 (schemes offered), 401 with the NTLM challenge, the final 401.
    let statuses: Vec<_> = g.http.iter().map(|x| x.status).collect();
    assert_eq!(statuses, [Some(401), Some(401), Some(401)]);
    assert_eq!(g.http[0].offered, ["Negotiate", "NTLM", "Basic"]);
    assert_eq!(g.http[2].auth_sent.as_deref(), Some("NTLM"));
}

#[tokio::test]
async fn http_transport_disabled_recognises_rpc_over_http() {
    denied("gateway-http-disabled", "gateway-http-transport-disabled", GatewayStage::OutChannel, None, "HTTP 404")
        .await;
    let r = run("gateway-http-disabled").await;
    assert_eq!(gateway(&r).rpc_over_http, Some(true));
    assert!(has(finding(&r, "gateway-http-transport-disabled"), "RPC_IN_DATA /rpc/rpcproxy.dll"));
}

#[tokio::test]
async fn waf_501_html_page() {
    denied("gateway-waf-501", "gateway-http-blocked", GatewayStage::OutChannel, None, "HTTP 501").await;
    let r = run("gateway-waf-501").await;
    assert!(has(finding(&r, "gateway-http-blocked"), "an HTML page"));
    assert!(gateway(&r).http[0].html);
}

#[tokio::test]
async fn cert_expired_and_name_mismatch() {
    let r = run("gateway-cert-expired").await;
    assert!(has(finding(&r, "gateway-cert-expired"), "not after"));
    let r = run("gateway-cert-mismatch").await;
    assert!(has(finding(&r, "gateway-cert-name-mismatch"), "gateway.invalid"));
    assert_eq!(gateway(&r).name_matches, Some(false));
}

#[tokio::test]
async fn channel_closed_after_data() {
    let r = run("gateway-channel-closed").await;
    let g = gateway(&r);
    assert_eq!(g.channel_closes.first(), Some(&0x8007_59F6), "{:?}", g.stages);
    assert!(has(finding(&r, "gateway-channel-closed"), "E_PROXY_SESSIONTIMEOUT"));
    assert!(!ids(&r).contains(&"gateway-ok"));
}

#[tokio::test]
async fn websocket_and_legacy_tunnels_carry_the_target() {
    for (scenario, transport) in
        [("gateway-websocket", GatewayTransport::Websocket), ("gateway-legacy", GatewayTransport::Legacy)]
    {
        let r = run(scenario).await;
        let g = gateway(&r);
        assert_eq!(g.transport, Some(transport), "{scenario}");
        assert!(g.stages.iter().all(|s| s.outcome == StageOutcome::Ok), "{scenario}: {:?}", g.stages);
        assert_eq!(g.stages.last().map(|s| s.stage), Some(GatewayStage::Data));
        assert!(g.tunnelled_probe && g.channels_opened > 1, "{scenario}");
        let ok = finding(&r, "gateway-ok");
        assert_eq!(ok.severity, Severity::Info);
        // The lab certificate is self-signed and accepted explicitly: a warning, not a refusal.
        assert_eq!(finding(&r, "gateway-cert-untrusted").severity, Severity::Warning);
        // The target behind it (the healthy scenario) is diagnosed through the tunnel.
        assert!(ids(&r).contains(&"session-established"), "{scenario}: {:?}", ids(&r));
        assert!(r.observations.network.is_none());
    }
}

/// 0x904 / 0x7 behind a gateway: the target's verdict, with the gateway's part shown to work.
#[tokio::test]
async fn server_denied_behind_a_healthy_gateway() {
    let r = run("gateway-server-denied").await;
    let f = finding(&r, "server-denied-connection");
    assert!(f.severity <= Severity::Error);
    let c = r.predicted_client_error.as_ref().expect("client error");
    assert_eq!((c.code, c.extended), (0x904, 0x7));
    assert!(ids(&r).contains(&"gateway-ok"));
    assert!(gateway(&r).stages.iter().all(|s| s.outcome == StageOutcome::Ok));
}

#[tokio::test]
async fn no_gateway_credentials() {
    let scenario = lab::find("gateway-websocket").unwrap();
    let server = lab::start(scenario, "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let mut spec = rdp_doctor::demo::gateway_spec(server.addr);
    spec.credentials = None;
    let opts = Options { timeout: Duration::from_secs(10), gateway: Some(spec), ..Options::default() };
    let target = rdp_doctor::target::Target::parse(lab::gateway::LAB_TARGET).unwrap();
    let r = rdp_doctor::run_diagnosis(&target, &opts).await;
    let last = gateway(&r).stages.last().unwrap();
    assert_eq!((last.stage, last.outcome), (GatewayStage::Authentication, StageOutcome::Skipped));
    assert!(has(finding(&r, "gateway-auth-not-checked"), "no credentials"));
}

#[tokio::test]
async fn credentials_never_go_to_an_unverified_gateway() {
    let scenario = lab::find("gateway-websocket").unwrap();
    let server = lab::start(scenario, "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let mut spec = rdp_doctor::demo::gateway_spec(server.addr);
    spec.trust = rdp_doctor::CertTrust::Verify;
    let opts = Options { timeout: Duration::from_secs(10), gateway: Some(spec), ..Options::default() };
    let target = rdp_doctor::target::Target::parse(lab::gateway::LAB_TARGET).unwrap();
    let r = rdp_doctor::run_diagnosis(&target, &opts).await;
    let g = gateway(&r);
    assert!(g.http.iter().all(|x| x.auth_sent.is_none()), "{:?}", g.http);
    assert_eq!(g.stages.last().map(|s| s.outcome), Some(StageOutcome::Skipped));
    assert_eq!(finding(&r, "gateway-cert-untrusted").severity, Severity::Error);
}

async fn through(gw: std::net::SocketAddr) -> Report {
    let opts = Options {
        timeout: Duration::from_secs(5),
        gateway: Some(rdp_doctor::demo::gateway_spec(gw)),
        ..Options::default()
    };
    let target = rdp_doctor::target::Target::parse(lab::gateway::LAB_TARGET).unwrap();
    rdp_doctor::run_diagnosis(&target, &opts).await
}

#[tokio::test]
async fn gateway_port_closed() {
    // A port that was just free: nothing listens on it now.
    let addr = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap();
    let r = through(addr).await;
    assert!(has(finding(&r, "gateway-unreachable"), "stage connect: failed after"));
    assert!(has(finding(&r, "gateway-unreachable"), "(refused"));
    assert_eq!(r.verdict, Verdict::Unreachable);
}

#[tokio::test]
async fn gateway_tls_handshake_fails() {
    // Something that accepts TCP on the gateway port and closes on the ClientHello.
    let closer = lab::start(lab::find("accept-then-close").unwrap(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let r = through(closer.addr).await;
    let last = gateway(&r).stages.last().unwrap();
    assert_eq!((last.stage, last.outcome), (GatewayStage::Tls, StageOutcome::Failed));
    assert!(has(finding(&r, "gateway-tls-failed"), "the server closed the connection (FIN) during the handshake"));
}

/// The light plan through the gateway: the Windows request, CredSSP and the session only, in a few
/// channels; the target's verdict is still reached (0x904 / 0x7 behind the gateway).
#[tokio::test]
async fn light_plan_opens_few_channels() {
    let scenario = lab::find("gateway-server-denied").unwrap();
    let server = lab::start(scenario, "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let mut spec = rdp_doctor::demo::gateway_spec(server.addr);
    spec.plan = rdp_doctor::probe::gateway::TunnelPlan::Light;
    let opts = Options { timeout: Duration::from_secs(20), gateway: Some(spec), ..Options::default() };
    let target = rdp_doctor::target::Target::parse(lab::gateway::LAB_TARGET).unwrap();
    let r = rdp_doctor::run_diagnosis(&target, &opts).await;
    let g = gateway(&r);
    assert!(g.channels_opened <= 5, "{} channels", g.channels_opened);
    assert_eq!(r.observations.negotiation.as_ref().unwrap().requests.len(), 1);
    assert!(r.observations.tls.is_none());
    let c = r.predicted_client_error.as_ref().expect("client error");
    assert_eq!((c.code, c.extended), (0x904, 0x7), "{:?}", ids(&r));
}
