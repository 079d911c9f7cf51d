//! Through the lab RD Gateway (WebSocket and legacy) to the real xrdp and FreeRDP NLA servers started
//! by `scripts/test.sh` (RDPD_*): the target's findings equal those of the direct diagnosis, timings
//! aside. Without the servers these tests FAIL, never skip.
#![cfg(feature = "interop")] // needs the real xrdp and FreeRDP servers: `scripts/test.sh` (`--features interop`)

use rdp_doctor::lab;
use rdp_doctor::report::Report;
use rdp_doctor::target::Target;
use rdp_doctor::{CertTrust, Credentials, Options};
use std::time::Duration;

fn env_var(name: &str) -> String {
    match std::env::var(name) {
        Ok(v) if !v.is_empty() => v,
        _ => panic!(
            "{name} is not set: run these tests with scripts/test.sh (or source /work/interop-state/servers.env)"
        ),
    }
}

fn options(with_user: bool) -> Options {
    let mut o = Options { timeout: Duration::from_secs(30), ..Options::default() };
    if with_user {
        o.credentials = Some(Credentials {
            user: env_var("RDPD_USER"),
            domain: None,
            password: zeroize::Zeroizing::new(env_var("RDPD_PASSWORD")),
        });
        o.cert_trust = CertTrust::AcceptAny;
    }
    o
}

/// (id, severity) of every finding about the target (the gateway's own findings set aside).
fn target_findings(r: &Report) -> Vec<(String, String)> {
    let mut v: Vec<_> = r
        .findings
        .iter()
        .filter(|f| !f.id.as_str().starts_with("gateway-"))
        .map(|f| (f.id.to_string(), f.severity.as_str().to_string()))
        .collect();
    v.sort();
    v
}

async fn same_through_gateway(port_var: &str, with_user: bool) {
    let target = Target::parse(&format!("127.0.0.1:{}", env_var(port_var))).unwrap();
    let direct = rdp_doctor::run_diagnosis(&target, &options(with_user)).await;
    for scenario in ["gateway-websocket", "gateway-legacy"] {
        let gw = lab::start(lab::find(scenario).unwrap(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
        let mut opts = options(with_user);
        opts.gateway = Some(rdp_doctor::demo::gateway_spec(gw.addr));
        let via = rdp_doctor::run_diagnosis(&target, &opts).await;
        let g = via.observations.gateway.as_ref().expect("gateway observed");
        assert!(g.tunnelled_probe, "{scenario} {port_var}: {:?}", g.stages);
        assert!(via.findings.iter().any(|f| f.id == "gateway-ok"), "{scenario}");
        assert_eq!(target_findings(&via), target_findings(&direct), "{scenario} to {port_var}");
        let pair = |r: &Report| r.predicted_client_error.as_ref().map(|c| (c.code, c.extended));
        assert_eq!(pair(&via), pair(&direct), "{scenario} to {port_var}");
        eprintln!(
            "{scenario} -> {port_var}: {} gateway channels, stages {:?}, direct total {:.0} ms, through the gateway {:.0} ms",
            g.channels_opened,
            g.stages.iter().map(|s| (s.stage, s.ms)).collect::<Vec<_>>(),
            direct.timings_ms.total,
            via.timings_ms.total
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn xrdp_through_the_gateway_equals_direct() {
    same_through_gateway("RDPD_XRDP_TLS_PORT", false).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn freerdp_nla_with_user_through_the_gateway_equals_direct() {
    same_through_gateway("RDPD_FREERDP_NLA_PORT", true).await;
}
