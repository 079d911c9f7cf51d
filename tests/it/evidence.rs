//! `rdp-doctor evidence`: real event logs from the `evtx` crate's samples, hand-written regedit
//! exports, and records shaped exactly as the `evtx` crate emits them for the events no public
//! sample has (tests/fixtures/evidence/README.md says which is which).

use rdp_doctor::diagnose::FindingId;
use rdp_doctor::evidence::{self, EvidenceObs, RegSource, Window, join, rules, timeline};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_rdp-doctor");

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/evidence").join(name)
}

fn read(names: &[&str]) -> EvidenceObs {
    let paths: Vec<PathBuf> = names.iter().map(|n| fixture(n)).collect();
    evidence::read_paths(&paths, Window::default()).expect("readable")
}

fn finding<'a>(f: &'a [rdp_doctor::diagnose::Finding], id: &str) -> &'a rdp_doctor::diagnose::Finding {
    f.iter()
        .find(|f| f.id == id)
        .unwrap_or_else(|| panic!("no {id} in {:?}", f.iter().map(|f| f.id.as_str()).collect::<Vec<_>>()))
}

fn ids(f: &[rdp_doctor::diagnose::Finding]) -> Vec<&'static str> {
    f.iter().map(|f| f.id.as_str()).collect()
}

/// The shaped records, by name, decoded as the reader decodes a real record.
fn shaped(names: &[&str]) -> EvidenceObs {
    let all: Value = serde_json::from_str(&std::fs::read_to_string(fixture("shaped-records.json")).unwrap()).unwrap();
    let mut events: Vec<_> = names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let rec = all.get(*n).unwrap_or_else(|| panic!("no shaped record {n}"));
            evidence::evtx::decode(rec, 0, i as u64, 0).unwrap_or_else(|| panic!("{n} not decoded"))
        })
        .collect();
    events.sort_by_key(|e| e.epoch_ms);
    EvidenceObs { events, ..EvidenceObs::default() }
}

// ------------------------------------------------------------------ real logs

#[test]
fn dirty_rdpcorets_log_is_read_past_its_bad_records() {
    let obs = read(&["rdpcorets-operational-dirty.evtx"]);
    let f = &obs.files[0];
    assert_eq!((f.records, f.unreadable_records), (1910, 4), "{f:?}");
    assert!(f.error.is_none());
    assert_eq!(f.first.as_deref(), Some("2018-08-02T04:32:33.177Z"));
    let findings = rules::findings(&obs);
    // RdpCoreTS 140: "the user name or password is not correct".
    let c = finding(&findings, "credentials-rejected");
    assert!(
        c.evidence.iter().any(|e| e.contains("RdpCoreTS/Operational 140") && e.contains("from 43.228.99.228")),
        "{:?}",
        c.evidence
    );
    // RdpCoreTS 143 error 64 and 226 0x80070040, decoded from the Win32 table.
    let d = finding(&findings, "rdp-network-drops");
    assert!(
        d.evidence.iter().any(|e| e.contains("143") && e.contains("ERROR_NETNAME_DELETED (0x40)")),
        "{:?}",
        d.evidence
    );
    assert!(d.evidence.iter().any(|e| e.contains("226") && e.contains("(0x80070040)")), "{:?}", d.evidence);
    // 131 -> 140 -> 143 -> 226: one attempt, by address and by ActivityID, failed for the password.
    let tl = timeline::attempts(&obs);
    let a = tl.iter().find(|a| a.source.as_deref() == Some("62.170.2.215")).expect("an attempt from 62.170.2.215");
    let ids: Vec<&str> = a.events.iter().map(|e| e.what.split(' ').nth(1).unwrap()).collect();
    assert_eq!(ids, ["131", "140", "143", "226"], "{a:?}");
    assert_eq!((a.outcome, a.cause), (timeline::Outcome::Failed, Some(FindingId::CredentialsRejected)));
}

#[test]
fn rcm_261_then_1149_is_one_authenticated_attempt() {
    let obs = read(&["rcm-operational-dirty.evtx"]);
    assert_eq!(obs.files[0].unreadable_records, 2);
    assert!(rules::findings(&obs).is_empty(), "261 and 1149 alone prove nothing wrong");
    let tl = timeline::attempts(&obs);
    let auth: Vec<_> = tl.iter().filter(|a| a.outcome == timeline::Outcome::Authenticated).collect();
    assert_eq!(auth.len(), 5);
    let first = auth[0];
    assert_eq!(first.source.as_deref(), Some("174.127.93.2"));
    assert!(first.events[0].what.contains("261") && first.events[1].what.contains("1149 Param1=mpowers"), "{first:?}");
}

#[test]
fn system_log_6041_is_credssp_version_refused_and_1056_names_the_certificate() {
    let obs = read(&["system-lsasrv6041-rcm1056.evtx"]);
    let findings = rules::findings(&obs);
    let f = finding(&findings, "credssp-version-refused");
    assert!(
        f.evidence[0].contains("TERMSRV/74.118.139.108") && f.evidence[0].contains("CREDSSP_V4"),
        "{:?}",
        f.evidence
    );
    assert!(f.evidence.iter().any(|e| e.contains("CREDSSP_V2")), "{:?}", f.evidence);
    let cert = obs.events.iter().find(|e| e.event_id == 1056).expect("RCM 1056 in the System log");
    assert_eq!(cert.field("Binary"), Some("59EFF2E3B509C83137E81085E02A1AC63A7E61AA"));
}

#[test]
fn security_4625_type_10_is_credentials_rejected() {
    let obs = read(&["security-4625-type10.evtx"]);
    let findings = rules::findings(&obs);
    assert_eq!(ids(&findings), ["credentials-rejected"]);
    let e = &findings[0].evidence[0];
    assert!(e.contains("logon type 10 (RemoteInteractive)"), "{e}");
    assert!(e.contains("STATUS_WRONG_PASSWORD (0xC000006A)") && e.contains("from 23.94.153.202"), "{e}");
}

#[test]
fn security_4625_type_3_counts_from_the_network_not_from_local_processes() {
    let obs = read(&["security-4625-type3.evtx"]);
    let findings = rules::findings(&obs);
    // Four NTLM type-3 failures from 10.20.0.118 (NLA logs failures as type 3); the Guest type-3
    // failures from explorer.exe and the console (type 2) ones are not Remote Desktop.
    assert_eq!(ids(&findings), ["credentials-rejected"]);
    let f = &findings[0];
    assert!(
        f.evidence[0].contains("logon type 3 (Network)") && f.evidence[0].contains("STATUS_NO_SUCH_USER"),
        "{:?}",
        f.evidence
    );
    assert!(f.evidence.iter().any(|e| e.contains("4 records in all")), "{:?}", f.evidence);
    assert!(f.evidence.iter().any(|e| e.contains("11 other failed logon(s)")), "{:?}", f.evidence);
}

// ------------------------------------------------------------------ registry exports

#[test]
fn group_policy_wins_over_the_rdp_tcp_listener() {
    let obs = read(&["policy-overrides-rdp-tcp.reg"]);
    assert_eq!(obs.files[0].unreadable_records, 0);
    let ua = obs.registry.iter().find(|r| r.name == "UserAuthentication").unwrap();
    assert_eq!(
        (ua.effective.as_deref(), ua.effective_source, ua.listener.as_deref()),
        (Some("0"), RegSource::Policy, Some("1"))
    );
    let port = obs.registry.iter().find(|r| r.name == "PortNumber").unwrap();
    assert_eq!(port.effective.as_deref(), Some("3389"));
    let hash = obs.registry.iter().find(|r| r.name == "SSLCertificateSHA1Hash").unwrap();
    assert_eq!(hash.effective.as_deref(), Some("59EFF2E3B509C83137E81085E02A1AC63A7E61AA"));
    let findings = rules::findings(&obs);
    for id in ["standard-rdp-security-only", "nla-not-required", "weak-rdp-encryption"] {
        let f = finding(&findings, id);
        assert!(
            f.evidence[0].contains("from Group Policy, which wins over the RDP-Tcp listener's"),
            "{id}: {:?}",
            f.evidence
        );
    }
}

#[test]
fn schannel_registry_without_tls_1_2_is_a_protocol_mismatch() {
    let obs = read(&["schannel-tls12-disabled.reg"]);
    let findings = rules::findings(&obs);
    let f = finding(&findings, "tls-protocol-mismatch");
    assert!(f.evidence.iter().any(|e| e.contains("TLS 1.2 Server Enabled = 0")), "{:?}", f.evidence);
    let oracle = obs.registry.iter().find(|r| r.name == "AllowEncryptionOracle").unwrap();
    assert!(oracle.meaning.as_deref().is_some_and(|m| m.starts_with("FORCE_UPDATED_CLIENTS")), "{oracle:?}");
}

#[test]
fn msrd_collect_folder_reads_reg_txt_copies_and_skips_other_txt() {
    let obs = read(&["msrd-collect"]);
    let kinds: Vec<_> = obs.files.iter().map(|f| (f.path.rsplit('/').next().unwrap().to_string(), f.kind)).collect();
    assert_eq!(kinds.len(), 2, "{kinds:?}");
    assert!(kinds.iter().any(|(n, k)| n == "SRV01_Reg_RDP-Tcp.txt" && *k == evidence::FileKind::Reg));
    assert!(kinds.iter().any(|(n, k)| n == "SRV01_Security.evtx" && *k == evidence::FileKind::Evtx));
    let ua = obs.registry.iter().find(|r| r.name == "UserAuthentication").unwrap();
    assert_eq!((ua.effective.as_deref(), ua.effective_source), (Some("1"), RegSource::Listener));
}

// ------------------------------------------------------------------ hostile files

#[test]
fn truncated_garbage_and_empty_files_never_panic() {
    let dir = std::env::temp_dir().join(format!("evidence-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let real = std::fs::read(fixture("rdpcorets-operational-dirty.evtx")).unwrap();
    let mut paths = Vec::new();
    for (name, bytes) in [
        ("truncated-header.evtx", real[..2000].to_vec()),
        ("truncated-mid-chunk.evtx", real[..4096 + 65536 + 30000].to_vec()),
        ("empty.evtx", Vec::new()),
        ("garbage.evtx", (0..300_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect()),
        ("magic-then-garbage.evtx", {
            let mut b = b"ElfFile\0".to_vec();
            b.extend((0..200_000u32).map(|i| (i.wrapping_mul(40_503) >> 7) as u8));
            b
        }),
        ("garbage.reg", b"\xFF\xFE\x00\xD8Windows Registry".to_vec()),
        ("half.reg", b"Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\WinStations\\RDP-Tcp]\r\n\"PortNumber\"=dword:0000".to_vec()),
    ] {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        paths.push(p);
    }
    let obs = evidence::read_paths(&paths, Window::default()).expect("a partial result, not an error");
    let by = |n: &str| obs.files.iter().find(|f| f.path.ends_with(n)).unwrap();
    assert!(
        by("truncated-header.evtx").error.as_deref().is_some_and(|e| e.contains("2000 bytes")),
        "{:?}",
        by("truncated-header.evtx")
    );
    let mid = by("truncated-mid-chunk.evtx");
    assert!(mid.records > 0 || mid.unreadable_records > 0 || mid.error.is_some(), "{mid:?}");
    assert!(by("empty.evtx").error.is_some());
    assert!(by("garbage.evtx").error.as_deref().is_some_and(|e| e.contains("ElfFile")), "{:?}", by("garbage.evtx"));
    assert!(by("garbage.reg").error.is_some(), "{:?}", by("garbage.reg"));
    let _ = evidence::build_report(obs, true);
    std::fs::remove_dir_all(&dir).ok();
}

// ------------------------------------------------------------------ shaped records (no public sample)

#[test]
fn shaped_schannel_36870_is_an_unusable_private_key() {
    let f = rules::findings(&shaped(&["schannel_36870"]));
    assert_eq!(ids(&f), ["schannel-private-key-unusable"]);
    assert!(
        f[0].evidence[0].contains("SEC_E_UNKNOWN_CREDENTIALS (0x8009030D)")
            && f[0].evidence[0].contains("internal state 10001"),
        "{:?}",
        f[0].evidence
    );
}

#[test]
fn shaped_schannel_36874_and_36888_are_tls_mismatches() {
    let f = rules::findings(&shaped(&["schannel_36874", "schannel_36888_protocol", "schannel_36888_handshake"]));
    let cipher = finding(&f, "tls-cipher-mismatch");
    assert!(cipher.evidence.iter().any(|e| e.contains("TLS 1.2 connection request")), "{:?}", cipher.evidence);
    assert!(cipher.evidence.iter().any(|e| e.contains("alert 40 (handshake_failure)")), "{:?}", cipher.evidence);
    let proto = finding(&f, "tls-protocol-mismatch");
    assert!(
        proto.evidence[0].contains("alert 70 (protocol_version)") && proto.evidence[0].contains("error state 1205"),
        "{:?}",
        proto.evidence
    );
}

#[test]
fn shaped_rcm_1057_1058_are_a_certificate_not_created() {
    let f = rules::findings(&shaped(&["rcm_1057", "rcm_1058"]));
    let c = finding(&f, "rdp-cert-not-created");
    assert!(
        c.evidence[0].contains("could not create a new") && c.evidence[0].contains("SEC_E_UNKNOWN_CREDENTIALS"),
        "{:?}",
        c.evidence
    );
    assert!(
        c.evidence[1].contains("replace the expired") && c.evidence[1].contains("Keyset does not exist"),
        "{:?}",
        c.evidence
    );
}

#[test]
fn shaped_lsm_40_reasons_decode_from_errinfo() {
    let f = rules::findings(&shaped(&["lsm_40_denied", "lsm_40_licensing", "lsm_40_user"]));
    assert_eq!(ids(&f).len(), 2, "a user's own disconnect (reason 11) is no finding: {:?}", ids(&f));
    assert!(finding(&f, "server-denied-connection").evidence[0].contains("ERRINFO_SERVER_DENIED_CONNECTION (0x7)"));
    assert!(finding(&f, "licensing-failed").evidence[0].contains("(0x104)"));
}

#[test]
fn shaped_session_ended_by_server_from_an_idle_limit() {
    let mut obs = shaped(&["lsm_40_user"]);
    obs.events[0].fields.insert("Reason".into(), "3".into());
    let f = rules::findings(&obs);
    assert_eq!(ids(&f), ["session-ended-by-server"]);
    assert!(f[0].evidence[0].contains("(0x3)"), "{:?}", f[0].evidence);
}

#[test]
fn shaped_rdpclient_1026_decodes_the_disconnect_reason() {
    let f = rules::findings(&shaped(&["rdpclient_1026"]));
    assert_eq!(ids(&f), ["client-disconnect-recorded"]);
    assert!(f[0].evidence[0].contains("(0x904)"), "{:?}", f[0].evidence);
}

#[test]
fn shaped_security_failures_map_to_the_credssp_ids_and_openssh_is_left_out() {
    let f = rules::findings(&shaped(&[
        "security_4825",
        "security_4625_ssh",
        "security_4625_restricted",
        "security_4625_locked",
        "security_4625_expired",
        "security_4625_not_granted",
    ]));
    let mut got = ids(&f);
    got.sort();
    assert_eq!(
        got,
        ["account-locked", "account-restricted", "logon-type-not-granted", "password-expired", "user-not-authorized"]
    );
    assert!(
        finding(&f, "user-not-authorized").evidence[0]
            .contains("CONTOSO\\bob denied Remote Desktop access from 10.1.2.3")
    );
    assert!(finding(&f, "account-restricted").evidence[0].contains("STATUS_ACCOUNT_RESTRICTION (0xC000006E)"));
    assert!(
        !f.iter().flat_map(|f| &f.evidence).any(|e| e.contains("alice")),
        "the OpenSSH (type 8) failure is not RDP"
    );
}

#[test]
fn shaped_sequence_is_one_attempt_from_listener_to_desktop() {
    let obs = shaped(&["seq_261", "seq_131", "seq_1149", "seq_4624", "seq_21", "seq_22", "seq_24", "seq_40"]);
    let tl = timeline::attempts(&obs);
    assert_eq!(tl.len(), 1, "{tl:#?}");
    let a = &tl[0];
    assert_eq!(
        (a.outcome, a.source.as_deref(), a.events.len()),
        (timeline::Outcome::SessionStarted, Some("10.9.8.7"), 8)
    );
    assert!(a.events[0].what.starts_with("RemoteConnectionManager/Operational 261"));
    assert!(a.events[7].what.starts_with("LocalSessionManager/Operational 40"));
}

#[test]
fn failed_attempt_names_its_cause() {
    let obs = shaped(&["security_4625_locked"]);
    let tl = timeline::attempts(&obs);
    assert_eq!((tl[0].outcome, tl[0].cause), (timeline::Outcome::Failed, Some(FindingId::AccountLocked)));
}

// ------------------------------------------------------------------ the join (pure part)

#[test]
fn join_a_wire_logon_failure_with_the_same_users_4625() {
    // A 4625 needs a Windows server: the wire side is built by hand, the record is shaped.
    let mut ev = shaped(&["security_4625_locked"]);
    ev.events[0].fields.insert("TargetUserName".into(), "rdpdoctor".into());
    let network = rdp_doctor::observations::Observations {
        authentication: Some(rdp_doctor::observations::AuthenticationObs {
            user: "rdpdoctor".into(),
            domain: None,
            mode: rdp_doctor::observations::LogonMode::Password,
            package: rdp_doctor::observations::SecurityPackage::Ntlm,
            selected: Some(rdp_doctor::observations::Protocol::Hybrid),
            cert_sha256: None,
            cert_trust: None,
            cert_verify_error: None,
            credentials_sent: true,
            outcome: rdp_doctor::observations::AuthOutcome::ErrorCode,
            stage: rdp_doctor::observations::LogonStage::Authenticate,
            server_version: Some(6),
            error_code: Some("0xC0000234".into()),
            error_name: Some("STATUS_ACCOUNT_LOCKED_OUT"),
            early_auth_result: None,
            early_auth_name: None,
            detail: None,
            ms: 1.0,
        }),
        ..Default::default()
    };
    let wire = vec![rdp_doctor::diagnose::Finding::new(FindingId::AccountLocked, "locked")];
    let run_ms = ev.events[0].epoch_ms + 5 * 60_000;
    let (findings, checks) = join::cross_check_at(&network, &wire, &ev, run_ms);
    let f = finding(&findings, "account-locked");
    assert!(f.evidence.iter().any(|e| e.starts_with("confirmed by the server's records")), "{:?}", f.evidence);
    assert!(
        f.evidence.iter().any(|e| e.contains("4625 for rdpdoctor from 10.1.2.6, at the time of this run")),
        "{:?}",
        f.evidence
    );
    assert!(
        checks
            .iter()
            .any(|c| c.relation == join::Relation::Confirms && c.network_finding == Some(FindingId::AccountLocked))
    );
}

// ------------------------------------------------------------------ the command

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN).arg("evidence").args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn cli_json_has_the_findings_schema_and_observations_evidence() {
    let dir = fixture("");
    let (code, out, err) = run(&["--json", dir.join("security-4625-type10.evtx").to_str().unwrap()]);
    assert_eq!(code, 1, "a failing cause proven: {err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["verdict"], "failing");
    assert_eq!(v["findings"][0]["id"], "credentials-rejected");
    assert_eq!(v["findings"][0]["layer"], "credssp");
    let files = &v["observations"]["evidence"]["files"];
    assert_eq!(files[0]["kind"], "evtx");
    assert_eq!(files[0]["records"], 7);
    assert_eq!(files[0]["unreadable_records"], 0);
    let ev = &v["observations"]["evidence"]["events"][0];
    assert_eq!((ev["channel"].as_str(), ev["event_id"].as_u64()), (Some("Security"), Some(4625)));
    assert_eq!(ev["fields"]["LogonType"], "10");
}

#[test]
fn cli_exit_codes_and_window() {
    let rcm = fixture("rcm-operational-dirty.evtx");
    let (code, out, _) = run(&[rcm.to_str().unwrap()]);
    assert_eq!(code, 0, "nothing wrong in 261/1149 alone:\n{out}");
    assert!(out.contains("Findings (0)") && out.contains("2 unreadable"), "{out}");
    let (code, _, err) = run(&["/nonexistent/evidence"]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = run(&["--since", "yesterday-ish", rcm.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    let core = fixture("rdpcorets-operational-dirty.evtx");
    let (_, all, _) = run(&["--json", core.to_str().unwrap()]);
    let (_, win, _) =
        run(&["--json", "--since", "2018-08-07", "--until", "2018-08-07T19:00:00Z", core.to_str().unwrap()]);
    let n = |s: &str| {
        serde_json::from_str::<Value>(s).unwrap()["observations"]["evidence"]["events"].as_array().unwrap().len()
    };
    assert!(n(&win) > 0 && n(&win) < n(&all), "{} of {}", n(&win), n(&all));
    let v: Value = serde_json::from_str(&win).unwrap();
    assert!(v["observations"]["evidence"]["events"].as_array().unwrap().iter().all(|e| {
        let t = e["time"].as_str().unwrap();
        ("2018-08-07".."2018-08-07T19:00:00.0000001Z").contains(&t)
    }));
}

#[test]
fn cli_timeline_prints_attempts_in_time_order() {
    let rcm = fixture("rcm-operational-dirty.evtx");
    let (code, out, _) = run(&["--timeline", "--since", "2018-08-07T18:30:00Z", rcm.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(out.contains("Timeline ("), "{out}");
    assert!(out.contains("174.127.93.2  authenticated"), "{out}");
    let a = out.find("2018-08-07T18:37:11.6647936Z  RemoteConnectionManager/Operational 261").expect("261");
    let b = out.find("2018-08-07T18:37:12.9640911Z  RemoteConnectionManager/Operational 1149").expect("1149");
    assert!(a < b, "{out}");
}
