//! The X.224 codec against the real answers captured from xrdp 0.9.21 and FreeRDP 2.11.7
//! (tests/fixtures/x224/README.md says how each file was captured).

use rdp_doctor::probe::x224::{PROTOCOL_HYBRID, PROTOCOL_RDP, PROTOCOL_SSL, Reply, classify_reply};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/x224/{name}.bin", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn real_answers_classify_as_captured() {
    let cases: &[(&str, Reply)] = &[
        ("xrdp-tls-0x0b", Reply::Selected { protocol: PROTOCOL_SSL, flags: 0x01 }),
        ("xrdp-tls-0x02", Reply::Selected { protocol: PROTOCOL_RDP, flags: 0x01 }),
        ("xrdp-tls-legacy", Reply::Legacy),
        ("xrdp-rdp-0x01", Reply::Selected { protocol: PROTOCOL_RDP, flags: 0x01 }),
        ("xrdp-tls-nocert-0x0b", Reply::Failure { code: 3 }),
        ("xrdp-tls-nocert-0x00", Reply::Failure { code: 3 }),
        ("freerdp-nla-0x0b", Reply::Selected { protocol: PROTOCOL_HYBRID, flags: 0x03 }),
        ("freerdp-nla-0x00", Reply::Failure { code: 5 }),
        ("freerdp-nla-legacy", Reply::Failure { code: 5 }),
        ("freerdp-tls-0x00", Reply::Failure { code: 1 }),
        ("freerdp-rdp-0x0b", Reply::Failure { code: 2 }),
        ("freerdp-mixed-0x04", Reply::Failure { code: 2 }),
    ];
    for (name, want) in cases {
        assert_eq!(&classify_reply(&fixture(name)), want, "{name}");
    }
}

#[test]
fn xrdp_answers_requests_above_0xb_with_an_mcs_disconnect() {
    for server in ["xrdp-tls", "xrdp-rdp", "xrdp-tls-nocert", "xrdp-v6"] {
        let reply = classify_reply(&fixture(&format!("{server}-0x0f")));
        assert!(matches!(reply, Reply::Disconnect { reason: Some(_) }), "{server}: {reply:?}");
    }
}

#[test]
fn no_real_answer_is_malformed_or_foreign() {
    let dir = format!("{}/tests/fixtures/x224", env!("CARGO_MANIFEST_DIR"));
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("bin") {
            continue;
        }
        let reply = classify_reply(&std::fs::read(&path).unwrap());
        assert!(!matches!(reply, Reply::Malformed { .. } | Reply::NotRdp { .. }), "{}: {reply:?}", path.display());
        seen += 1;
    }
    assert_eq!(seen, 64);
}
