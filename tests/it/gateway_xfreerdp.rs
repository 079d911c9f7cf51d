//! The lab RD Gateway against the real client: `xfreerdp` 2.11 (Debian freerdp2-x11) goes through
//! each `gateway-*` scenario to the real xrdp and FreeRDP NLA servers started by `scripts/test.sh`
//! (ports in RDPD_*), and logs the E_PROXY code of each deny scenario. Without the servers or
//! xfreerdp these tests FAIL, never skip.
//!
//! The passwords on xfreerdp's command line are lab constants (the lab gateway's and the interop
//! servers'), as in scripts/bench-credssp.sh: xfreerdp 2.11 has no other way to take a gateway password.
#![cfg(feature = "interop")] // needs xfreerdp and the real servers: `scripts/test.sh` (`--features interop`)

use rdp_doctor::lab;
use std::net::SocketAddr;
use std::process::Command;

fn env_var(name: &str) -> String {
    match std::env::var(name) {
        Ok(v) if !v.is_empty() => v,
        _ => panic!(
            "{name} is not set: run these tests with scripts/test.sh (or source /work/interop-state/servers.env)"
        ),
    }
}

async fn gateway(scenario: &str) -> lab::LabServer {
    let s = lab::find(scenario).expect("scenario");
    lab::start(s, SocketAddr::from(([127, 0, 0, 1], 0))).await.expect("lab gateway")
}

/// xfreerdp +auth-only through the gateway to `port`: (exit status, log).
fn xfreerdp(gw: SocketAddr, port: &str) -> (i32, String) {
    let out = Command::new("timeout")
        .args(["40", "xvfb-run", "-a", "xfreerdp"])
        .arg(format!("/v:127.0.0.1:{port}"))
        .arg(format!("/g:{gw}"))
        .args(["/gu:labuser", &format!("/gp:{}", lab::credssp::LAB_PASSWORD), "/gt:http", "/cert:ignore"])
        .arg(format!("/u:{}", env_var("RDPD_USER")))
        .arg(format!("/p:{}", env_var("RDPD_PASSWORD")))
        .args(["+auth-only", "/log-level:INFO", "/log-filters:com.freerdp.core.gateway.rdg:DEBUG"])
        .output()
        .expect("xfreerdp (freerdp2-x11) and xvfb-run must be installed: scripts/test.sh installs them");
    let log = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), log)
}

async fn gets_through(scenario: &str, port_var: &str, transport_line: &str) {
    let gw = gateway(scenario).await;
    let port = env_var(port_var);
    let addr = gw.addr;
    let (code, log) = tokio::task::spawn_blocking(move || xfreerdp(addr, &port)).await.unwrap();
    assert_eq!(code, 0, "xfreerdp did not get through {scenario} to {port_var}:\n{log}");
    assert!(log.contains("Authentication only, exit status 0"), "{log}");
    assert!(log.contains(transport_line), "expected {transport_line:?} in:\n{log}");
}

const WEBSOCKET: &str = "Upgraded to websocket";
const LEGACY: &str = "RDG_IN_DATA authorization result: 200";

#[tokio::test(flavor = "multi_thread")]
async fn xfreerdp_websocket_gateway_to_xrdp() {
    gets_through("gateway-websocket", "RDPD_XRDP_TLS_PORT", WEBSOCKET).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn xfreerdp_websocket_gateway_to_freerdp_nla() {
    gets_through("gateway-websocket", "RDPD_FREERDP_NLA_PORT", WEBSOCKET).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn xfreerdp_legacy_gateway_to_xrdp() {
    gets_through("gateway-legacy", "RDPD_XRDP_TLS_PORT", LEGACY).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn xfreerdp_legacy_gateway_to_freerdp_nla() {
    gets_through("gateway-legacy", "RDPD_FREERDP_NLA_PORT", LEGACY).await;
}

/// Each deny scenario: xfreerdp fails and logs the gateway's code, in the full HRESULT form.
#[tokio::test(flavor = "multi_thread")]
async fn xfreerdp_logs_each_deny_code() {
    let cases = [
        ("gateway-cap-denied", "E_PROXY_NAP_ACCESSDENIED [0x800759DB]"),
        ("gateway-rap-denied", "E_PROXY_RAP_ACCESSDENIED [0x800759DA]"),
        ("gateway-target-unreachable", "E_PROXY_TS_CONNECTFAILED [0x800759DD]"),
        ("gateway-max-connections", "E_PROXY_MAXCONNECTIONSREACHED [0x800759E6]"),
        ("gateway-channel-closed", "E_PROXY_SESSIONTIMEOUT [0x800759F6]"),
        ("gateway-auth-failed", "ERRCONNECT_ACCESS_DENIED [0x00020016]"),
        ("gateway-http-disabled", "RD Gateway does not support HTTP transport."),
        // xfreerdp 2.11 logs no HTTP status for a 501: only that the connection could not be set up.
        ("gateway-waf-501", "ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED [0x0002000C]"),
    ];
    for (scenario, expected) in cases {
        let gw = gateway(scenario).await;
        let port = env_var("RDPD_XRDP_TLS_PORT");
        let addr = gw.addr;
        let (code, log) = tokio::task::spawn_blocking(move || xfreerdp(addr, &port)).await.unwrap();
        assert_ne!(code, 0, "{scenario}: xfreerdp got through:\n{log}");
        assert!(log.contains(expected), "{scenario}: expected {expected:?} in:\n{log}");
    }
}
