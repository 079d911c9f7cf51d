//! Tests of the knowledge tables and of `rdp-doctor explain`.

use proptest::prelude::*;
use rdp_doctor::explain::{self, ExplainArgs};
use rdp_doctor::knowledge::{self, Basis, Layer, TableId, credssp};

fn run(codes: &[&str], json: bool) -> (i32, String) {
    let args = ExplainArgs { codes: codes.iter().map(|s| s.to_string()).collect(), json, list: None };
    let mut out: Vec<u8> = Vec::new();
    let rc = explain::run(&args, &mut out);
    (rc, String::from_utf8(out).expect("utf-8 output"))
}

fn run_json(codes: &[&str]) -> (i32, serde_json::Value) {
    let (rc, out) = run(codes, true);
    (rc, serde_json::from_str(&out).expect("valid JSON"))
}

fn list(which: Option<&str>, json: bool) -> (i32, String) {
    let args = ExplainArgs { codes: vec![], json, list: Some(which.map(str::to_string)) };
    let mut out: Vec<u8> = Vec::new();
    let rc = explain::run(&args, &mut out);
    (rc, String::from_utf8(out).expect("utf-8 output"))
}

#[test]
fn every_entry_round_trips_and_tables_are_sorted() {
    for &t in TableId::ALL {
        let entries = knowledge::table(t);
        assert!(!entries.is_empty(), "{} is empty", t.name());
        for w in entries.windows(2) {
            assert!(w[0].value < w[1].value, "{}: {:#x} not before {:#x}", t.name(), w[0].value, w[1].value);
        }
        for e in entries {
            assert_eq!(e.table, t, "{} sits in the wrong table", e.name);
            assert!(!e.name.is_empty() && !e.meaning.is_empty() && !e.source.is_empty());
            let found = knowledge::lookup(t, e.value).expect("lookup by value");
            assert!(std::ptr::eq(found, e));
            let by_name = knowledge::find_by_name(found.name);
            assert!(by_name.iter().any(|x| std::ptr::eq(*x, e)), "find_by_name({}) misses it", e.name);
            let back = by_name.iter().find(|x| x.table == t).expect("same table").value;
            assert_eq!(back, e.value);
            // Case-insensitive.
            assert!(!knowledge::find_by_name(&e.name.to_ascii_lowercase()).is_empty());
            if e.basis == Basis::Inferred {
                assert!(e.note.is_some(), "{}: an inferred entry must say why in its note", e.name);
            }
        }
    }
}

#[test]
fn tables_hold_at_least_150_codes() {
    let total = knowledge::total_entries();
    assert!(total >= 150, "only {total} codes");
}

#[test]
fn aliases_point_at_entries() {
    for a in knowledge::ALIASES {
        let e = knowledge::lookup(a.table, a.value).unwrap_or_else(|| panic!("alias {} dangles", a.alias));
        assert!(knowledge::find_by_name(a.alias).iter().any(|x| std::ptr::eq(*x, e)));
    }
}

#[test]
fn table_names_parse_back() {
    for &t in TableId::ALL {
        assert_eq!(TableId::from_name(t.name()), Some(t));
    }
    assert_eq!(TableId::from_name("disc_reason"), Some(TableId::DiscReason));
    assert_eq!(TableId::from_name("nope"), None);
}

#[test]
fn disc_reason_category_reads_the_low_byte() {
    assert_eq!(knowledge::disc_reason_category(0x904), Some("network / socket"));
    assert_eq!(knowledge::disc_reason_category(0x1207), Some("authentication / security layer (newer clients)"));
    assert_eq!(knowledge::disc_reason_category(0xC08), Some("client core / connection"));
    assert_eq!(knowledge::disc_reason_category(0x905), None);
}

#[test]
fn encryption_oracle_interop_matches_microsoft_table() {
    use credssp::Interop;
    assert_eq!(credssp::oracle_interop(true, 1, false).unwrap().outcome, Interop::Blocked);
    assert_eq!(credssp::oracle_interop(true, 2, false).unwrap().outcome, Interop::AllowedVulnerable);
    assert_eq!(credssp::oracle_interop(false, 0, true).unwrap().outcome, Interop::Blocked);
    assert_eq!(credssp::oracle_interop(false, 1, true).unwrap().outcome, Interop::AllowedVulnerable);
    assert_eq!(credssp::oracle_interop(true, 0, true).unwrap().outcome, Interop::Allowed);
    assert!(credssp::oracle_interop(true, 3, true).is_none());
    assert_eq!(knowledge::lookup(TableId::EncryptionOracle, 1).unwrap().name, "MITIGATED");
    assert_eq!(knowledge::lookup(TableId::CredsspVersion, 5).unwrap().name, "CREDSSP_V5");
}

#[test]
fn explain_0x904_0x7_decodes_both_and_says_how_far() {
    let (rc, out) = run(&["0x904", "0x7"], false);
    assert_eq!(rc, 0, "{out}");
    assert!(out.contains("disconnectReasonAtClientWinsockFDCLOSE"));
    assert!(out.contains("ERRINFO_SERVER_DENIED_CONNECTION"));
    assert!(out.contains("0x904 (2308)"));
    assert!(out.contains("How far the connection got"));
    assert!(out.contains("check:"));
    assert!(out.contains("rdp-doctor diagnose HOST"));

    let (rc, doc) = run_json(&["0x904", "0x7"]);
    assert_eq!(rc, 0);
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["unknown"], false);
    assert_eq!(doc["readings"][0]["table"], "disc_reason");
    assert_eq!(doc["readings"][0]["value"], 0x904);
    assert_eq!(doc["readings"][1]["name"], "ERRINFO_SERVER_DENIED_CONNECTION");
    assert_eq!(doc["readings"][1]["value_hex"], "0x7");
    let p = &doc["progress"];
    assert_eq!(p["failed_layer"], "session");
    let done: Vec<&str> = p["completed"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(done.len(), 4, "{done:?}");
    assert!(done[0].contains("TCP") && done[2].contains("TLS") && done[3].contains("CredSSP"));
    assert!(!doc["likely_causes"].as_array().unwrap().is_empty());
}

#[test]
fn explain_dialog_text() {
    let (rc, doc) = run_json(&["Error code: 0x204, Extended error code: 0x0"]);
    assert_eq!(rc, 0);
    let codes = doc["query"]["codes"].as_array().unwrap();
    assert_eq!(codes.len(), 2);
    assert_eq!(codes[0]["value"], 0x204);
    assert_eq!(codes[1]["role"], "extended");
    assert_eq!(doc["readings"][0]["name"], "disconnectReasonSocketConnectFailed");
    assert_eq!(doc["readings"][1]["name"], "ERRINFO_NONE");
    assert_eq!(doc["progress"]["failed_layer"], "network");
    assert_eq!(doc["progress"]["completed"].as_array().unwrap().len(), 0);

    // The order in the pasted text does not matter, nor does the separator.
    let (rc, doc) = run_json(&["Extended error code: 0x7 Error code: 0x904"]);
    assert_eq!(rc, 0);
    assert_eq!(doc["readings"][0]["name"], "disconnectReasonAtClientWinsockFDCLOSE");
    assert_eq!(doc["readings"][1]["name"], "ERRINFO_SERVER_DENIED_CONNECTION");
}

#[test]
fn explain_status_logon_failure() {
    let (rc, doc) = run_json(&["STATUS_LOGON_FAILURE"]);
    assert_eq!(rc, 0);
    assert_eq!(doc["readings"].as_array().unwrap().len(), 1);
    assert_eq!(doc["readings"][0]["value"], 0xC000_006Du32);
    assert_eq!(doc["readings"][0]["table"], "nt_status");
    assert_eq!(doc["diagnose_command"], "rdp-doctor diagnose HOST --user USER");
    assert_eq!(doc["progress"]["failed_layer"], "credssp");
}

#[test]
fn explain_gateway_hresult() {
    let (rc, out) = run(&["0x800759DD"], false);
    assert_eq!(rc, 0);
    assert!(out.contains("E_PROXY_TS_CONNECTFAILED"));
    assert!(out.contains("[MS-TSGU] 2.2.6"));
    let (_, doc) = run_json(&["E_PROXY_TS_CONNECTFAILED"]);
    assert_eq!(doc["readings"][0]["value"], 0x8007_59DDu32);
    assert_eq!(doc["progress"]["failed_at"], "RD Gateway");
}

#[test]
fn explain_errinfo_name() {
    let (rc, doc) = run_json(&["ERRINFO_SERVER_DENIED_CONNECTION"]);
    assert_eq!(rc, 0);
    assert_eq!(doc["readings"].as_array().unwrap().len(), 1);
    assert_eq!(doc["readings"][0]["value"], 7);
    assert_eq!(doc["readings"][0]["source"], "[MS-RDPBCGR] 2.2.5.1.1 Set Error Info PDU Data (TS_SET_ERROR_INFO_PDU)");
    // The ExtendedDisconnectReasonCode name of the same code.
    let (rc, doc) = run_json(&["exDiscReasonServerDeniedConnection"]);
    assert_eq!(rc, 0);
    assert_eq!(doc["readings"][0]["name"], "ERRINFO_SERVER_DENIED_CONNECTION");
}

#[test]
fn explain_147_lists_every_reading() {
    let (rc, doc) = run_json(&["147"]);
    assert_eq!(rc, 0);
    assert_eq!(doc["unknown"], false);
    let names: Vec<&str> = doc["readings"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"XF_EXIT_CONNECT_TRANSPORT_FAILED"), "{names:?}");
    let notes = doc["notes"].as_array().unwrap();
    assert!(notes.iter().any(|n| n.as_str().unwrap().contains("discReason")), "{notes:?}");
}

#[test]
fn ambiguous_small_number_lists_every_table() {
    let (rc, doc) = run_json(&["3"]);
    assert_eq!(rc, 0);
    let tables: Vec<&str> = doc["readings"].as_array().unwrap().iter().map(|r| r["table"].as_str().unwrap()).collect();
    for t in ["disc_reason", "error_info", "neg_failure", "credssp_version", "freerdp_exit"] {
        assert!(tables.contains(&t), "{t} missing from {tables:?}");
    }
    assert!(doc["progress"].is_null(), "ambiguous: no progress claimed");
}

#[test]
fn explain_freerdp_log_line_and_signed_hresult() {
    let (rc, doc) = run_json(&["[ERROR][com.freerdp.core] - ERRCONNECT_CONNECT_TRANSPORT_FAILED [0x0002000D]"]);
    assert_eq!(rc, 0);
    assert_eq!(doc["readings"].as_array().unwrap().len(), 1);
    assert_eq!(doc["readings"][0]["value"], 0x2_000D);
    // -2146893054 is SEC_E_UNSUPPORTED_FUNCTION printed as a signed 32-bit number.
    let (rc, doc) = run_json(&["-2146893054"]);
    assert_eq!(rc, 0);
    assert_eq!(doc["readings"][0]["name"], "SEC_E_UNSUPPORTED_FUNCTION");
    assert!(doc["readings"][0]["note"].as_str().unwrap().contains("TLS"));
    // FreeRDP's class-1 wrapper of errorInfo.
    let (_, doc) = run_json(&["0x00010007"]);
    assert_eq!(doc["readings"][0]["name"], "ERRINFO_SERVER_DENIED_CONNECTION");
}

#[test]
fn explain_nonsense_is_unknown_and_fails() {
    let (rc, out) = run(&["nonsense"], false);
    assert_eq!(rc, 1);
    assert!(out.contains("unknown"), "{out}");
    let (rc, doc) = run_json(&["nonsense"]);
    assert_eq!(rc, 1);
    assert_eq!(doc["unknown"], true);
    assert!(doc["readings"].as_array().unwrap().is_empty());
    assert!(doc["diagnose_command"].is_null());
}

#[test]
fn unknown_number_names_nearest_category() {
    let (rc, doc) = run_json(&["0x905"]);
    assert_eq!(rc, 1);
    assert!(doc["unknown_codes"][0]["nearest_category"].is_null());
    let (rc, doc) = run_json(&["0x2A07"]);
    assert_eq!(rc, 1);
    let cat = doc["unknown_codes"][0]["nearest_category"].as_str().unwrap();
    assert!(cat.contains("authentication"), "{cat}");
    let (rc, doc) = run_json(&["0x800759FF"]);
    assert_eq!(rc, 1);
    assert!(doc["unknown_codes"][0]["nearest_category"].as_str().unwrap().contains("E_PROXY"));
    // An unknown extended code next to a known main code still fails.
    let (rc, _) = run_json(&["0x904", "0x7777"]);
    assert_eq!(rc, 1);
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(run(&[], false).0, 2);
    assert_eq!(run(&["  "], false).0, 2);
    assert_eq!(list(Some("no-such-table"), false).0, 2);
}

#[test]
fn list_prints_tables() {
    let (rc, out) = list(Some("neg-failure"), false);
    assert_eq!(rc, 0);
    assert!(out.contains("SSL_REQUIRED_BY_SERVER") && out.contains("HYBRID_REQUIRED_BY_SERVER"));
    let (rc, out) = list(None, true);
    assert_eq!(rc, 0);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let tables = doc.as_array().unwrap();
    assert_eq!(tables.len(), TableId::ALL.len());
    let mut total = 0;
    for t in tables {
        for e in t["entries"].as_array().unwrap() {
            assert!(e["value"].is_u64() && e["name"].is_string());
            total += 1;
        }
    }
    assert_eq!(total, knowledge::total_entries());
}

#[test]
fn layers_serialize_snake_case() {
    assert_eq!(serde_json::to_string(&Layer::Credssp).unwrap(), "\"credssp\"");
    assert_eq!(serde_json::to_string(&Basis::Inferred).unwrap(), "\"inferred\"");
    assert_eq!(serde_json::to_string(&TableId::SspiHresult).unwrap(), "\"sspi_hresult\"");
}

/// Every `rdp-doctor explain ...` example in docs/explain-schema.md and the README, run as written,
/// exits as the document says (`# exit N`).
#[test]
fn documented_examples_behave_as_documented() {
    for doc in [include_str!("../../docs/explain-schema.md"), include_str!("../../README.md")] {
        documented_examples_in(doc);
    }
}

fn documented_examples_in(doc: &str) {
    let mut seen = 0;
    for line in doc.lines() {
        let Some(rest) = line.trim().strip_prefix("$ rdp-doctor explain ") else {
            continue;
        };
        let (cmd, expect) = rest.rsplit_once("# exit ").expect("example without '# exit N'");
        let expect: i32 = expect.trim().parse().unwrap();
        let args = split_shell(cmd.trim());
        let json = args.iter().any(|a| a == "--json");
        let codes: Vec<&str> = args.iter().filter(|a| *a != "--json").map(String::as_str).collect();
        let (rc, out) = run(&codes, json);
        assert_eq!(rc, expect, "example `{cmd}` printed:\n{out}");
        seen += 1;
    }
    assert!(seen >= 6, "only {seen} examples found");
}

fn split_shell(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in s.chars() {
        match c {
            '"' => quoted = !quoted,
            ' ' if !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            _ => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

proptest! {
    #[test]
    fn parser_and_explain_never_panic(input in proptest::collection::vec(".*", 0..4)) {
        let q = explain::parse_query(&input);
        let x = explain::explain(&q);
        let _ = serde_json::to_string(&x).unwrap();
    }

    #[test]
    fn run_never_panics_on_code_like_text(s in "(0x)?[0-9A-Fa-f]{0,12}|[A-Z_]{1,40}|-?[0-9]{0,12}") {
        let (rc, _) = run(&[s.as_str()], false);
        prop_assert!((0..=2).contains(&rc));
    }
}

/// The Windows client's RD Gateway codes (0x3000001-0x3000050): the table entry, the stage it points
/// to and the E_PROXY code it matches, in text and JSON.
#[test]
fn explain_gateway_client_rap_code() {
    let (rc, out) = run(&["0x300001B"], false);
    assert_eq!(rc, 0, "{out}");
    assert!(out.contains("gateway-client"), "{out}");
    assert!(out.contains("0x300001B (50331675)"), "{out}");
    assert!(out.contains("resource policy"), "{out}");
    assert!(out.contains("TechNet Wiki article 37870") && out.contains("Xpra"), "{out}");
    assert!(out.contains("basis    observed"), "{out}");
    assert!(out.contains("is a Windows client RD Gateway code"), "{out}");
    assert!(out.contains("failed at  channel creation (RD RAP)"), "{out}");
    assert!(out.contains("E_PROXY_RAP_ACCESSDENIED (0x800759DA)"), "{out}");
    assert!(out.contains("Resource Authorization Policies"), "{out}");
    assert!(out.contains("Test it: rdp-doctor diagnose HOST --gateway GW"), "{out}");

    let (rc, doc) = run_json(&["0x300001B"]);
    assert_eq!(rc, 0);
    assert_eq!(doc["unknown"], false);
    let readings = doc["readings"].as_array().unwrap();
    assert_eq!(readings.len(), 1, "{readings:?}");
    assert_eq!(readings[0]["table"], "gateway_client");
    assert_eq!(readings[0]["value"], 0x300_001B);
    assert_eq!(readings[0]["basis"], "observed");
    assert_eq!(readings[0]["layer"], "gateway");
    assert!(readings[0]["note"].as_str().unwrap().contains("inference"));
    assert_eq!(doc["progress"]["failed_layer"], "gateway");
    assert_eq!(doc["progress"]["failed_at"], "channel creation (RD RAP)");
    assert_eq!(doc["progress"]["completed"].as_array().unwrap().len(), 5);
    assert!(doc["likely_causes"][0]["text"].as_str().unwrap().contains("RD RAP"));
    let notes: Vec<&str> = doc["notes"].as_array().unwrap().iter().map(|n| n.as_str().unwrap()).collect();
    assert!(notes.iter().any(|n| n.contains("E_PROXY_RAP_ACCESSDENIED")), "{notes:?}");
    // The code's own text names the RAP: the gateway channel cause fits, a server-side cause is ruled out.
    let folk = |id: &str| {
        doc["folk_causes"].as_array().unwrap().iter().find(|c| c["id"] == id).map(|c| c["verdict"].clone()).unwrap()
    };
    assert_eq!(folk("gateway-channel"), "fits");
    assert_eq!(folk("credssp-mismatch"), "ruled_out");

    // As the dialog shows it, with extended code 0, and in decimal: the same reading.
    let (rc, doc) = run_json(&["Error code: 0x300001B Extended error code: 0x0"]);
    assert_eq!(rc, 0);
    assert_eq!(doc["readings"][0]["table"], "gateway_client");
    assert_eq!(doc["progress"]["failed_at"], "channel creation (RD RAP)");
    let (rc, doc) = run_json(&["50331675"]);
    assert_eq!(rc, 0);
    assert_eq!(doc["readings"][0]["value_hex"], "0x300001B");
    // With a non-zero extended code the pair is not documented: said so.
    let (rc, doc) = run_json(&["0x300001B", "0x7"]);
    assert_eq!(rc, 0);
    let notes = doc["notes"].to_string();
    assert!(notes.contains("extended code 0 only"), "{notes}");
}

/// 0x3000008 was unknown (nearest category none); read as a disconnect reason by its low byte it would
/// be "client core / connection". It is the gateway family's "error on the remote computer".
#[test]
fn explain_gateway_client_remote_error_replaces_the_low_byte_reading() {
    for input in ["0x3000008", "50331656"] {
        let (rc, out) = run(&[input], false);
        assert_eq!(rc, 0, "{out}");
        assert!(out.contains("GATEWAY_CLIENT_0x3000008"), "{out}");
        assert!(out.contains("remote (target) computer"), "{out}");
        assert!(!out.contains("low byte") && !out.contains("client core"), "old reading: {out}");
        assert!(!out.contains("unknown:"), "{out}");
        let (rc, doc) = run_json(&[input]);
        assert_eq!(rc, 0);
        assert_eq!(doc["unknown"], false);
        let tables: Vec<&str> =
            doc["readings"].as_array().unwrap().iter().map(|r| r["table"].as_str().unwrap()).collect();
        assert!(tables.contains(&"gateway_client") && !tables.contains(&"disc_reason"), "{tables:?}");
        let notes = doc["notes"].to_string();
        assert!(notes.contains("E_PROXY_TS_CONNECTFAILED") && notes.contains("may match"), "{notes}");
        assert!(!notes.contains("discReason"), "{notes}");
    }
    let (_, doc) = run_json(&["0x3000008"]);
    assert_eq!(doc["progress"]["failed_at"], "the RD Gateway's connection to the target computer");
    let checks = doc["likely_causes"].to_string();
    assert!(checks.contains("gatewayusagemethod"), "{checks}");
}

/// A code of the family without a published text: the family, never an invented meaning.
#[test]
fn explain_gateway_client_unpublished_code() {
    let (rc, out) = run(&["0x3000016"], false);
    assert_eq!(rc, 0, "{out}");
    assert!(out.contains("meaning is not published"), "{out}");
    assert!(out.contains("basis    inferred"), "{out}");
    assert!(!out.contains("Likely causes"), "no invented causes: {out}");
    assert!(!out.contains("How far the connection got"), "no invented stage: {out}");
    let (rc, doc) = run_json(&["0x3000016"]);
    assert_eq!(rc, 0);
    let r = &doc["readings"][0];
    assert_eq!(r["table"], "gateway_client");
    assert_eq!(r["basis"], "inferred");
    assert!(r["layer"].is_null());
    assert!(r["meaning"].as_str().unwrap().contains("not published"));
    assert!(doc["progress"].is_null());
    assert!(doc["likely_causes"].as_array().unwrap().is_empty());
    let notes = doc["notes"].to_string();
    assert!(notes.contains("RD Gateway code family") && notes.contains("only the family is known"), "{notes}");
    // Just outside the range: not the family.
    let (rc, doc) = run_json(&["0x3000051"]);
    assert_eq!(rc, 1);
    assert!(doc["readings"].as_array().unwrap().is_empty());
}
