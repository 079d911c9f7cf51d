//! The advice people commonly find (`knowledge::folk_causes`): judged against code pairs by `explain`
//! (the stage model, as a table) and against measurements by `diagnose` (lab scenarios on loopback).

use rdp_doctor::Options;
use rdp_doctor::demo::{demo_options, diagnose_scenario};
use rdp_doctor::explain::{self, ExplainArgs};
use rdp_doctor::knowledge;
use rdp_doctor::knowledge::folk_causes::{CodeLink, FOLK_CAUSES, FolkVerdict as Verdict, Judged};
use rdp_doctor::lab;
use rdp_doctor::report::Report;
use std::time::Duration;

fn explain_json(codes: &[&str]) -> serde_json::Value {
    let args = ExplainArgs { codes: codes.iter().map(|s| s.to_string()).collect(), json: true, list: None };
    let mut out: Vec<u8> = Vec::new();
    let rc = explain::run(&args, &mut out);
    assert_eq!(rc, 0, "explain {codes:?}: {}", String::from_utf8_lossy(&out));
    serde_json::from_slice(&out).expect("valid JSON")
}

fn explain_text(codes: &[&str]) -> String {
    let args = ExplainArgs { codes: codes.iter().map(|s| s.to_string()).collect(), json: false, list: None };
    let mut out: Vec<u8> = Vec::new();
    explain::run(&args, &mut out);
    String::from_utf8(out).expect("utf-8")
}

/// (verdict, why) of cause `id` in an `explain --json` document.
fn folk<'a>(doc: &'a serde_json::Value, id: &str) -> (&'a str, &'a str) {
    let c = doc["folk_causes"]
        .as_array()
        .expect("folk_causes array")
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no folk cause {id} in {}", doc["folk_causes"]));
    for field in ["id", "cause", "verdict", "why", "check"] {
        assert!(c[field].as_str().is_some_and(|s| !s.is_empty()), "{id}: {field} missing: {c}");
    }
    (c["verdict"].as_str().unwrap(), c["why"].as_str().unwrap())
}

#[test]
fn explain_0x904_0x7_rules_out_what_broke_before_errorinfo_and_fits_the_refusals() {
    let doc = explain_json(&["0x904", "0x7"]);
    for id in ["firewall", "vpn-mtu", "tls-mismatch", "certificate", "machinekeys", "credssp-mismatch"] {
        assert_eq!(folk(&doc, id).0, "ruled_out", "{id}: {}", folk(&doc, id).1);
    }
    assert_eq!(folk(&doc, "tls-mismatch").1, "the TLS handshake completed before the server sent errorInfo 0x7");
    assert_eq!(folk(&doc, "machinekeys").1, "the TLS handshake completed before the server sent errorInfo 0x7");
    assert_eq!(folk(&doc, "firewall").1, "the TCP connection was made before the server sent errorInfo 0x7");
    assert_eq!(folk(&doc, "credssp-mismatch").1, "NLA (where required) completed before the server sent errorInfo 0x7");
    for id in ["logon-right", "session-limit"] {
        assert_eq!(folk(&doc, id).0, "fits", "{id}: {}", folk(&doc, id).1);
        assert!(folk(&doc, id).1.starts_with("0x904 / 0x7:"), "{}", folk(&doc, id).1);
    }
    // The server named its reason: the causes that send another errorInfo are out.
    assert_eq!(folk(&doc, "licensing").0, "ruled_out");
    assert!(folk(&doc, "licensing").1.contains("errorInfo 0x7"));
    assert_eq!(folk(&doc, "fips").0, "ruled_out");

    let text = explain_text(&["0x904", "0x7"]);
    let section = text.split("The advice you may have read").nth(1).expect("the advice section");
    assert!(section.contains("ruled out  an unusable MachineKeys private key"), "{section}");
    assert!(section.contains("fits       the user lacks the right to log on"), "{section}");
}

#[test]
fn explain_0x204_0x0_fits_the_firewall_and_the_listener_and_rules_out_the_logon_right() {
    let doc = explain_json(&["0x204", "0x0"]);
    assert_eq!(folk(&doc, "firewall").0, "fits");
    assert_eq!(folk(&doc, "server-not-listening").0, "fits");
    let (v, why) = folk(&doc, "logon-right");
    assert_eq!(v, "ruled_out");
    assert!(why.starts_with("the connection failed at the TCP connection (0x204 / 0x0), before NLA"), "{why}");
    assert_eq!(folk(&doc, "licensing").0, "ruled_out");
    assert_eq!(folk(&doc, "gateway-channel").0, "ruled_out");
}

#[test]
fn explain_0x904_0x0_leaves_most_possible_and_names_the_diagnose_run() {
    let doc = explain_json(&["0x904", "0x0"]);
    let all = doc["folk_causes"].as_array().unwrap();
    let possible: Vec<&serde_json::Value> = all.iter().filter(|c| c["verdict"] == "possible").collect();
    assert!(possible.len() * 2 > all.len(), "most causes stay possible: {}", doc["folk_causes"]);
    assert!(all.iter().all(|c| c["verdict"] != "fits"), "0x904 / 0x0 singles nothing out");
    for c in &possible {
        assert!(c["why"].as_str().unwrap().contains("rdp-doctor diagnose HOST"), "{c}");
    }
    // The socket was connected: nothing blocked the port.
    let (v, why) = folk(&doc, "firewall");
    assert_eq!(v, "ruled_out");
    assert!(why.contains("0x904 is the close (FD_CLOSE) of a connected socket"), "{why}");
}

/// The stage model, row by row: the code pair, the cause, the verdict and the reason it gives.
#[test]
fn stage_model_verdicts() {
    #[rustfmt::skip]
    let rows: &[(&[&str], &str, &str, &str)] = &[
        // errorInfo travels on the I/O channel: everything up to the MCS connection worked.
        (&["0x904", "0x7"], "gateway-channel", "ruled_out", "the channel to the server was open"),
        (&["0x904", "0x7"], "server-not-listening", "ruled_out", "the security negotiation completed before the server sent errorInfo 0x7"),
        (&["0x904", "0x7"], "security-layer", "ruled_out", "encryption settings were agreed before the server sent errorInfo 0x7"),
        (&["0x904", "0x7"], "strict-nla", "ruled_out", "NLA (where required) completed"),
        (&["0x904", "0x7"], "credentials", "possible", "0x904 / 0x7 does not name it"),
        (&["0x904", "0x9"], "logon-right", "fits", "0x904 / 0x9: errorInfo 0x9: the server says the user lacks the privileges"),
        (&["0x904", "0x8"], "fips", "fits", ""),
        (&["0x904", "0x101"], "licensing", "fits", ""),
        (&["0x904", "0x101"], "logon-right", "ruled_out", "the server named its reason, errorInfo 0x101"),
        // A failure at one stage rules out every cause that breaks only later.
        (&["0x204", "0x0"], "tls-mismatch", "ruled_out", "before the TLS handshake"),
        (&["0x204", "0x0"], "session-limit", "ruled_out", "before the session set-up"),
        (&["0x204", "0x0"], "vpn-mtu", "possible", "where this can break it"),
        (&["STATUS_LOGON_FAILURE"], "credentials", "fits", ""),
        (&["STATUS_LOGON_FAILURE"], "machinekeys", "ruled_out", "the TLS handshake completed before the connection failed at NLA"),
        (&["STATUS_LOGON_FAILURE"], "licensing", "ruled_out", "before the session set-up"),
        (&["ERRCONNECT_TLS_CONNECT_FAILED"], "tls-mismatch", "fits", ""),
        (&["ERRCONNECT_TLS_CONNECT_FAILED"], "machinekeys", "fits", ""),
        (&["ERRCONNECT_TLS_CONNECT_FAILED"], "certificate", "possible", ""),
        (&["ERRCONNECT_TLS_CONNECT_FAILED"], "firewall", "ruled_out", "the TCP connection was made before the connection failed at the TLS handshake"),
        (&["ERRCONNECT_TLS_CONNECT_FAILED"], "credssp-mismatch", "ruled_out", "before NLA"),
        (&["0x808", "0x0"], "licensing", "fits", ""),
        (&["0x808", "0x0"], "certificate", "ruled_out", "the TLS handshake completed"),
        (&["HYBRID_REQUIRED_BY_SERVER"], "strict-nla", "fits", ""),
        (&["HYBRID_REQUIRED_BY_SERVER"], "tls-mismatch", "ruled_out", "before the TLS handshake"),
        (&["HYBRID_REQUIRED_BY_SERVER"], "firewall", "ruled_out", "the TCP connection was made"),
        (&["0x904", "0x0"], "vpn-mtu", "possible", "can come from this"),
        (&["E_PROXY_TS_CONNECTFAILED"], "gateway-channel", "fits", ""),
        (&["E_PROXY_TS_CONNECTFAILED"], "firewall", "possible", "behind an RD Gateway"),
        (&["E_PROXY_TS_CONNECTFAILED"], "tls-mismatch", "ruled_out", "before the TLS handshake"),
        (&["STATUS_DOWNGRADE_DETECTED"], "credssp-mismatch", "possible", "inferred"),
        (&["0x904", "0x0"], "gateway-channel", "possible", "does not say where it failed"),
    ];
    for (codes, id, verdict, why) in rows {
        let doc = explain_json(codes);
        let (v, w) = folk(&doc, id);
        assert_eq!(v, *verdict, "{codes:?} {id}: {w}");
        assert!(w.contains(why), "{codes:?} {id}: {w:?} lacks {why:?}");
    }
}

/// The data agrees with itself: every code a cause claims to produce, explained, never rules that
/// cause out.
#[test]
fn no_cause_is_ruled_out_by_a_code_it_produces() {
    for c in FOLK_CAUSES {
        for p in c.produces {
            let codes: Vec<String> = match p.link {
                CodeLink::Pair { code, extended } => vec![format!("0x{code:X}"), format!("0x{extended:X}")],
                CodeLink::ErrorInfo(x) => vec!["0x904".into(), format!("0x{x:X}")],
                CodeLink::Code { table, value } => {
                    vec![knowledge::lookup(table, value).expect("in the tables").name.to_string()]
                }
            };
            let refs: Vec<&str> = codes.iter().map(String::as_str).collect();
            let doc = explain_json(&refs);
            let (v, why) = folk(&doc, c.id);
            assert_ne!(v, "ruled_out", "{} is ruled out by its own code {codes:?}: {why}", c.id);
        }
    }
}

#[test]
fn list_folk_causes_prints_the_table() {
    let args = ExplainArgs { codes: vec![], json: false, list: Some(Some("folk-causes".into())) };
    let mut out: Vec<u8> = Vec::new();
    assert_eq!(explain::run(&args, &mut out), 0);
    let text = String::from_utf8(out).unwrap();
    for c in FOLK_CAUSES {
        assert!(text.contains(c.id), "{} not listed", c.id);
    }
    assert!(text.contains("regenerates every machine key, not only RDP's"));
    let args = ExplainArgs { codes: vec![], json: true, list: Some(Some("folk-causes".into())) };
    let mut out: Vec<u8> = Vec::new();
    assert_eq!(explain::run(&args, &mut out), 0);
    let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(doc.as_array().unwrap().len(), FOLK_CAUSES.len());
    assert_eq!(doc[0]["stages"][0], "network");
    // Every table listed ends with it.
    let args = ExplainArgs { codes: vec![], json: false, list: Some(None) };
    let mut out: Vec<u8> = Vec::new();
    assert_eq!(explain::run(&args, &mut out), 0);
    assert!(String::from_utf8(out).unwrap().contains("folk-causes - "));
}

// ---------------------------------------------------------------------------------------------
// diagnose

async fn diagnose_lab(name: &str) -> Report {
    let scenario = lab::find(name).unwrap_or_else(|_| panic!("no lab scenario {name}"));
    let opts = Options { timeout: Duration::from_secs(3), ..Options::default() };
    diagnose_scenario(scenario, &demo_options(scenario, &opts)).await.expect("lab server starts")
}

fn verdict_of(r: &Report, id: &str) -> (Verdict, String) {
    let c: &Judged = r.folk_causes.iter().find(|c| c.id == id).unwrap_or_else(|| panic!("no {id}"));
    (c.verdict, c.why.clone())
}

fn assert_ends_with_the_advice(r: &Report) {
    let text = rdp_doctor::report::text::render(r, rdp_doctor::report::style::Style::plain());
    let verdict = text.rfind("\nVerdict ").expect("a verdict line");
    let advice = text.rfind("The advice you may have read").expect("the advice section");
    assert!(advice > verdict, "the advice closes the report:\n{text}");
    let lines: Vec<&str> = text[advice..].lines().skip(1).collect();
    assert_eq!(lines.len(), FOLK_CAUSES.len(), "one line per cause:\n{}", &text[advice..]);
    // Verdicts aligned: the id starts in the same column on every line.
    let col: Vec<usize> = lines.iter().zip(FOLK_CAUSES).map(|(l, c)| l.find(c.id).expect("id on its line")).collect();
    assert!(col.windows(2).all(|w| w[0] == w[1]), "{}", &text[advice..]);
    let json: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
    assert_eq!(json["folk_causes"].as_array().unwrap().len(), FOLK_CAUSES.len());
}

#[tokio::test]
async fn server_denied_rules_out_the_network_and_tls_advice_and_fits_the_refusals() {
    let r = diagnose_lab("server-denied").await;
    for id in ["firewall", "server-not-listening", "vpn-mtu", "tls-mismatch", "certificate", "machinekeys"] {
        let (v, why) = verdict_of(&r, id);
        assert_eq!(v, Verdict::RuledOut, "{id}: {why}");
        assert!(why.ends_with("from here"), "{id}: {why}");
    }
    let (v, why) = verdict_of(&r, "logon-right");
    assert_eq!(v, Verdict::Fits, "{why}");
    assert!(why.starts_with("server-denied-connection:"), "{why}");
    assert_eq!(verdict_of(&r, "session-limit").0, Verdict::Fits);
    let (v, why) = verdict_of(&r, "licensing");
    assert_eq!(v, Verdict::RuledOut);
    assert!(why.contains("errorInfo 0x7"), "{why}");
    // No credentials were given: the user's own logon stays to be tested.
    let (v, why) = verdict_of(&r, "credentials");
    assert_eq!(v, Verdict::Possible);
    assert!(why.contains("--user"), "{why}");
    assert_ends_with_the_advice(&r);
}

#[tokio::test]
async fn a_closed_port_fits_the_firewall_and_rules_out_everything_later() {
    // A port on loopback that nothing listens on: bind, read the port, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let target = rdp_doctor::target::Target::parse(&format!("127.0.0.1:{port}")).unwrap();
    let opts = Options { timeout: Duration::from_secs(3), ..Options::default() };
    let r = rdp_doctor::run_diagnosis(&target, &opts).await;
    let (v, why) = verdict_of(&r, "firewall");
    assert_eq!(v, Verdict::Fits, "{why}");
    assert!(why.starts_with("tcp-refused:"), "{why}");
    assert_eq!(verdict_of(&r, "server-not-listening").0, Verdict::Fits);
    for id in ["tls-mismatch", "machinekeys", "credssp-mismatch", "logon-right", "licensing"] {
        let (v, why) = verdict_of(&r, id);
        assert_eq!(v, Verdict::RuledOut, "{id}: {why}");
        assert_eq!(why, "the connection fails earlier, at the TCP connection (tcp-refused)", "{id}");
    }
    assert_ends_with_the_advice(&r);
}

#[tokio::test]
async fn an_unusable_private_key_fits_machinekeys_only() {
    let r = diagnose_lab("tls-private-key-broken").await;
    assert_eq!(verdict_of(&r, "machinekeys").0, Verdict::Fits);
    assert_eq!(verdict_of(&r, "firewall").0, Verdict::RuledOut);
    assert_eq!(verdict_of(&r, "logon-right").0, Verdict::RuledOut);
    let fits: Vec<&str> = r.folk_causes.iter().filter(|c| c.verdict == Verdict::Fits).map(|c| c.id).collect();
    assert_eq!(fits, ["machinekeys"]);
}

#[tokio::test]
async fn a_rejected_password_fits_credentials_and_the_client_side_causes_stay_possible() {
    let r = diagnose_lab("wrong-password").await;
    assert_eq!(verdict_of(&r, "credentials").0, Verdict::Fits);
    assert_eq!(verdict_of(&r, "tls-mismatch").0, Verdict::RuledOut);
    // The server speaks CredSSP fine from here; the user's client policy is another machine.
    let (v, why) = verdict_of(&r, "credssp-mismatch");
    assert_eq!(v, Verdict::Possible, "{why}");
    assert!(why.contains("rdp-doctor client"), "{why}");
    assert_eq!(verdict_of(&r, "licensing").0, Verdict::RuledOut);
}

#[tokio::test]
async fn a_healthy_server_rules_out_the_server_side_advice() {
    let r = diagnose_lab("healthy").await;
    assert!(r.folk_causes.iter().all(|c| c.verdict != Verdict::Fits));
    for id in ["firewall", "tls-mismatch", "certificate", "machinekeys", "licensing", "fips"] {
        assert_eq!(verdict_of(&r, id).0, Verdict::RuledOut, "{id}: {}", verdict_of(&r, id).1);
    }
    let (v, why) = verdict_of(&r, "gateway-channel");
    assert_eq!(v, Verdict::Possible);
    assert!(why.contains("--gateway"), "{why}");
}

#[tokio::test]
async fn standard_rdp_security_only_rules_out_the_tls_advice() {
    let r = diagnose_lab("rdp-security-only").await;
    for id in ["tls-mismatch", "certificate", "machinekeys"] {
        let (v, why) = verdict_of(&r, id);
        assert_eq!(v, Verdict::RuledOut, "{id}: {why}");
        assert!(why.starts_with("standard-rdp-security-only:"), "{id}: {why}");
    }
}

#[tokio::test]
async fn a_password_refused_after_the_sequence_fits_credentials_without_nla() {
    // No NLA: the auto-logon password is checked after the connection sequence (Save Session Info).
    let r = diagnose_lab("logon-failed-bad-password").await;
    let (v, why) = verdict_of(&r, "credentials");
    assert_eq!(v, Verdict::Fits, "{why}");
    assert!(why.starts_with("logon-failed:"), "{why}");
    assert_eq!(verdict_of(&r, "credssp-mismatch").0, Verdict::RuledOut);
    assert_eq!(verdict_of(&r, "licensing").0, Verdict::RuledOut);
}

#[tokio::test]
async fn the_runs_own_deadline_proves_nothing_and_asks_for_more_time() {
    let scenario = lab::find("healthy").unwrap();
    let opts = Options { timeout: Duration::from_millis(1), ..Options::default() };
    let r = diagnose_scenario(scenario, &opts).await.expect("lab server starts");
    assert!(r.findings.iter().any(|f| f.id == "deadline-reached"), "{:?}", r.findings);
    assert!(r.folk_causes.iter().all(|c| c.verdict != Verdict::Fits), "{:#?}", r.folk_causes);
    let cut: Vec<&Judged> = r.folk_causes.iter().filter(|c| c.why.contains("(cut by the run's deadline)")).collect();
    assert!(!cut.is_empty(), "{:#?}", r.folk_causes);
    for c in cut {
        assert_eq!(c.verdict, Verdict::Possible);
        assert_eq!(c.check, "rdp-doctor diagnose HOST --timeout 60", "{}", c.id);
    }
}
