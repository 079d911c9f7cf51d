//! `.rdp` files as TARGET: a file with gatewayhostname and gatewayusagemethod:i:1 (UTF-16LE with a BOM,
//! as mstsc saves it) runs the same diagnosis as the flags, through the lab gateway.

use rdp_doctor::lab;
use serde_json::Value;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_rdp-doctor");

fn diagnose(args: &[&str]) -> Value {
    let out = Command::new(BIN)
        .arg("diagnose")
        .args(args)
        .args(["--gateway-user", "demo", "--insecure-trust-any-cert", "--json", "--timeout", "40", "--pace-ms", "10"])
        .env("RDP_DOCTOR_GATEWAY_PASSWORD", lab::credssp::LAB_PASSWORD)
        .output()
        .expect("rdp-doctor runs");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    })
}

fn findings(v: &Value) -> Vec<(String, String)> {
    let mut f: Vec<_> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| (f["id"].as_str().unwrap().to_string(), f["severity"].as_str().unwrap().to_string()))
        .collect();
    f.sort();
    f
}

#[tokio::test(flavor = "multi_thread")]
async fn rdp_file_with_a_gateway_equals_the_flags() {
    let gw = lab::start(lab::find("gateway-websocket").unwrap(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let text = format!(
        "screen mode id:i:2\r\nfull address:s:{}\r\nserver port:i:3389\r\ngatewayhostname:s:{}\r\ngatewayusagemethod:i:1\r\ngatewaycredentialssource:i:0\r\nauthentication level:i:2\r\n",
        lab::gateway::LAB_TARGET,
        gw.addr
    );
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let path = std::env::temp_dir().join(format!("rdp-doctor-gateway-{}.rdp", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    let gw_flag = gw.addr.to_string();
    let path_s = path.to_string_lossy().to_string();
    let (from_file, from_flags) = tokio::task::spawn_blocking(move || {
        (diagnose(&[&path_s]), diagnose(&[lab::gateway::LAB_TARGET, "--gateway", &gw_flag]))
    })
    .await
    .unwrap();
    let _ = std::fs::remove_file(&path);
    assert_eq!(findings(&from_file), findings(&from_flags));
    assert!(findings(&from_file).iter().any(|(id, _)| id == "gateway-ok"), "{:?}", findings(&from_file));
    assert_eq!(from_file["verdict"], from_flags["verdict"]);
    let g = &from_file["observations"]["gateway"];
    assert_eq!(g["target"], lab::gateway::LAB_TARGET);
    assert_eq!(g["port"].as_u64(), Some(u64::from(gw.addr.port())));
    let rdp = &from_file["observations"]["rdp_file"];
    assert_eq!(rdp["encoding"], "utf-16le");
    assert_eq!(rdp["uses_gateway"], true);
    let names: Vec<_> = rdp["settings"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "full address",
            "server port",
            "gatewayhostname",
            "gatewayusagemethod",
            "gatewaycredentialssource",
            "authentication level"
        ]
    );
}
