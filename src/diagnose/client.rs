//! Client-side rules (`rdp-doctor client`): what this machine's saved credentials, CredSSP policy,
//! Schannel settings, RDP client log and Default.rdp say, alone and against a server measured on the
//! wire. Pure functions of `ClientObs` and `ServerFacts`.

use super::{Diagnosis, Finding, Severity, Verdict};
use crate::client::{ClientObs, EventRecord, SchannelProtocol, ServerFacts, rdpfile};
use crate::diagnose::FindingId;
use crate::knowledge::credssp::{Interop, oracle_interop};
use crate::knowledge::{self, TableId};
use std::collections::BTreeMap;

/// The client's AllowEncryptionOracle when the policy is not configured (KB4093492: Mitigated since
/// the May 2018 update).
pub const DEFAULT_ENCRYPTION_ORACLE: u32 = 1;
/// The first TSRequest version with the CVE-2018-0886 fix ([MS-CSSP] 2.2.1: clientNonce).
const FIRST_PATCHED_CREDSSP: u32 = 5;

/// Findings and a verdict for this client, optionally against `server`.
pub fn diagnose(obs: &ClientObs, server: Option<&ServerFacts>) -> Diagnosis {
    let mut findings = Vec::new();
    saved_credentials(obs, server, &mut findings);
    credssp_policy(obs, server, &mut findings);
    lsa_6041(obs, &mut findings);
    schannel(obs, server, &mut findings);
    recent_disconnects(obs, server, &mut findings);
    default_rdp(obs, &mut findings);
    findings.sort_by_key(|f| f.severity);
    let verdict = if findings.iter().any(|f| f.severity <= Severity::Error) {
        Verdict::Failing
    } else if findings.iter().any(|f| f.severity == Severity::Warning) {
        Verdict::Degraded
    } else {
        Verdict::Healthy
    };
    Diagnosis { verdict, predicted_client_error: None, findings, folk_causes: Vec::new() }
}

fn same_host(a: &str, b: &str) -> bool {
    a.trim_end_matches('.').eq_ignore_ascii_case(b.trim_end_matches('.'))
}

fn saved_credentials(obs: &ClientObs, server: Option<&ServerFacts>, out: &mut Vec<Finding>) {
    let Some(creds) = obs.saved_credentials.value() else { return };
    if creds.is_empty() {
        return;
    }
    let for_target: Vec<_> =
        creds.iter().filter(|c| server.zip(c.host()).is_some_and(|(s, h)| same_host(h, &s.host))).collect();
    let shown: Vec<_> = if for_target.is_empty() { creds.iter().collect() } else { for_target.clone() };
    let summary = if for_target.is_empty() {
        format!(
            "Credential Manager holds {} saved Remote Desktop credential(s); mstsc sends a saved password without asking, \
             so a changed password fails the logon until the entry is removed",
            creds.len()
        )
    } else {
        format!(
            "Credential Manager holds a saved credential for {}: mstsc sends it without asking; if the password changed \
             since it was written, every logon fails (and may lock the account)",
            for_target[0].target
        )
    };
    let mut f = Finding::new(FindingId::ClientSavedCredential, summary);
    if !for_target.is_empty() {
        f = f.severity(Severity::Warning);
    }
    for c in &shown {
        f = f.evidence(format!(
            "{}: user {}, last written {}, kept {}",
            c.target,
            c.user_name.as_deref().unwrap_or("(none)"),
            c.last_written.as_deref().unwrap_or("(unknown)"),
            persistence_words(c.persistence)
        ));
    }
    let deletes: Vec<String> = shown.iter().map(|c| format!("cmdkey /delete:{}", c.target)).collect();
    f.remedies.insert(
        0,
        format!("Remove the saved entry and type the password on the next connection: {}", deletes.join("; ")),
    );
    out.push(f);
}

fn persistence_words(p: crate::client::Persistence) -> &'static str {
    use crate::client::Persistence::*;
    match p {
        Session => "until logoff",
        LocalMachine => "on this machine across logons",
        Enterprise => "in the roaming profile",
        Unknown => "(unknown persistence)",
    }
}

fn oracle_name(v: u32) -> &'static str {
    knowledge::lookup(TableId::EncryptionOracle, v).map(|e| e.name).unwrap_or("not a valid value")
}

fn credssp_policy(obs: &ClientObs, server: Option<&ServerFacts>, out: &mut Vec<Finding>) {
    let Some(configured) = obs.credssp_policy.value() else { return };
    let policy = configured.unwrap_or(DEFAULT_ENCRYPTION_ORACLE);
    let policy_words = match configured {
        Some(v) => format!("AllowEncryptionOracle = {v} ({})", oracle_name(*v)),
        None => format!(
            "AllowEncryptionOracle not configured: the default {DEFAULT_ENCRYPTION_ORACLE} ({})",
            oracle_name(DEFAULT_ENCRYPTION_ORACLE)
        ),
    };
    let Ok(policy_u8) = u8::try_from(policy) else { return };
    // The client runs this program, so it is Windows 10 or later: every such build carries the 2018
    // CredSSP update, and the policy is in force.
    let patched_client = "this client has the 2018 CredSSP update (every Windows that runs rdp-doctor does)";
    let server_version = server.and_then(|s| s.credssp_version.map(|v| (s, v)));
    match server_version {
        Some((s, v)) => {
            let server_patched = v >= FIRST_PATCHED_CREDSSP;
            let Some(row) = oracle_interop(true, policy_u8, server_patched) else { return };
            let server_words = format!(
                "{} answers CredSSP with TSRequest version {v} ({}), measured on the wire",
                s.host,
                knowledge::lookup(TableId::CredsspVersion, v).map(|e| e.name).unwrap_or("unknown version")
            );
            match row.outcome {
                Interop::Blocked => {
                    let f = Finding::new(
                        FindingId::ClientCredsspMismatch,
                        format!(
                            "This client refuses {}: the server lacks the CVE-2018-0886 CredSSP update and this client's \
                             policy does not fall back (\"An authentication error has occurred … CredSSP encryption oracle \
                             remediation\"). Patch the server; relax this client only as a stopgap",
                            s.host
                        ),
                    )
                    .evidence(format!("client: {policy_words}; {patched_client}"))
                    .evidence(format!("server: {server_words}: versions below {FIRST_PATCHED_CREDSSP} lack the fix"))
                    .evidence(format!("KB4093492: {}", row.text));
                    out.push(f);
                }
                Interop::AllowedVulnerable => {
                    let f = Finding::new(
                        FindingId::ClientCredsspVulnerable,
                        format!(
                            "This client connects to {} only by falling back to the CredSSP without the CVE-2018-0886 fix \
                             (Vulnerable): patch the server, then set this client back to Mitigated",
                            s.host
                        ),
                    )
                    .evidence(format!("client: {policy_words}; {patched_client}"))
                    .evidence(format!("server: {server_words}"))
                    .evidence(format!("KB4093492: {}", row.text));
                    out.push(f);
                }
                Interop::Allowed => {
                    if policy == 2 {
                        out.push(vulnerable_alone(&policy_words).evidence(format!(
                            "server: {server_words}: this connection is protected, but any unpatched server would be accepted"
                        )));
                    }
                }
            }
        }
        None if policy == 2 => out.push(vulnerable_alone(&policy_words)),
        None => {}
    }
}

fn vulnerable_alone(policy_words: &str) -> Finding {
    Finding::new(
        FindingId::ClientCredsspVulnerable,
        "This client is set to Vulnerable: it falls back to the CredSSP without the CVE-2018-0886 fix for any server \
         that lacks it (a workaround meant to be temporary)",
    )
    .evidence(format!("client: {policy_words}"))
}

fn lsa_6041(obs: &ClientObs, out: &mut Vec<Finding>) {
    let Some(events) = obs.lsa_events.value() else { return };
    let hits: Vec<&EventRecord> = events.iter().filter(|e| e.id == 6041).collect();
    let Some(newest) = hits.first() else { return };
    let mut f = Finding::new(
        FindingId::ClientCredsspVersionRefused,
        format!(
            "The System log records {} CredSSP version refusal(s) (LsaSrv 6041, last {}): a server offered a CredSSP \
             version this client's Encryption Oracle Remediation policy does not permit",
            hits.len(),
            newest.time
        ),
    );
    for e in hits.iter().take(5) {
        let data: Vec<String> = e.data.iter().map(|(n, v)| format!("{n}={v}")).collect();
        f = f.evidence(format!("{} {} 6041: {}", e.time, e.provider, data.join(", ")));
    }
    out.push(f);
}

/// The protocols the client's Schannel will not offer by default.
fn disabled_protocols(obs: &ClientObs) -> Vec<(SchannelProtocol, String)> {
    obs.schannel
        .iter()
        .filter_map(|s| {
            let enabled = s.enabled.value().copied().flatten();
            let dbd = s.disabled_by_default.value().copied().flatten();
            let why = match (enabled, dbd) {
                (Some(0), _) => "Enabled = 0".to_string(),
                (_, Some(1)) => "DisabledByDefault = 1".to_string(),
                _ => return None,
            };
            Some((s.protocol, why))
        })
        .collect()
}

fn schannel(obs: &ClientObs, server: Option<&ServerFacts>, out: &mut Vec<Finding>) {
    let disabled = disabled_protocols(obs);
    if disabled.is_empty() {
        return;
    }
    let words: Vec<String> =
        disabled.iter().map(|(p, why)| format!(r"SCHANNEL\Protocols\{}\Client {why}", p.key_name())).collect();
    let server_all_disabled = server
        .filter(|s| !s.tls_versions.is_empty())
        .filter(|s| s.tls_versions.iter().all(|v| disabled.iter().any(|(p, _)| p.wire_name() == v)));
    if let Some(s) = server_all_disabled {
        let f = Finding::new(
            FindingId::ClientTlsDisabled,
            format!(
                "This client's Schannel has turned off every TLS version {} accepts ({}): the TLS handshake cannot \
                 succeed from this machine",
                s.host,
                s.tls_versions.join(", ")
            ),
        )
        .severity(Severity::Error)
        .evidence(words.join("; "))
        .evidence(format!("{} accepts {} (measured on the wire)", s.host, s.tls_versions.join(", ")));
        out.push(f);
    } else if disabled.iter().any(|(p, _)| matches!(p, SchannelProtocol::Tls12)) {
        let f = Finding::new(
            FindingId::ClientTlsDisabled,
            "This client's Schannel has TLS 1.2 turned off for clients: servers that accept only TLS 1.2 (most \
             Windows Server releases) cannot be reached with TLS",
        )
        .evidence(words.join("; "));
        out.push(f);
    }
}

/// 1026 reasons that are not failures: the user or the server's user ended the session.
fn is_failure_reason(code: u32) -> bool {
    !matches!(code, 0x1 | 0x2)
}

fn parse_number(s: &str) -> Option<u32> {
    let s = s.trim();
    match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(h) => u32::from_str_radix(h, 16).ok(),
        None => s.parse().ok(),
    }
}

/// The failures in the RDP client log (1026 with a failure reason), grouped by the target of the
/// connection (the 1024 with the same ActivityID, else the last 1024 before it).
pub fn failures_by_target(events: &[EventRecord]) -> BTreeMap<String, Vec<(String, u32)>> {
    let mut chronological: Vec<&EventRecord> = events.iter().collect();
    chronological.sort_by(|a, b| a.time.cmp(&b.time));
    let mut by_activity: BTreeMap<&str, &str> = BTreeMap::new();
    let mut last_target: Option<&str> = None;
    let mut out: BTreeMap<String, Vec<(String, u32)>> = BTreeMap::new();
    for e in chronological {
        match e.id {
            1024 => {
                if let Some(t) = e.data("Value") {
                    last_target = Some(t);
                    if let Some(a) = e.activity_id.as_deref() {
                        by_activity.insert(a, t);
                    }
                }
            }
            1026 => {
                let Some(code) = e.data("Value").and_then(parse_number) else { continue };
                if !is_failure_reason(code) {
                    continue;
                }
                let target = e
                    .activity_id
                    .as_deref()
                    .and_then(|a| by_activity.get(a).copied())
                    .or(last_target)
                    .unwrap_or("(unknown target)");
                out.entry(target.to_string()).or_default().push((e.time.clone(), code));
            }
            _ => {}
        }
    }
    out
}

fn recent_disconnects(obs: &ClientObs, server: Option<&ServerFacts>, out: &mut Vec<Finding>) {
    let Some(events) = obs.rdp_client_events.value() else { return };
    let groups = failures_by_target(events);
    if groups.is_empty() {
        return;
    }
    let total: usize = groups.values().map(Vec::len).sum();
    let mut f = Finding::new(
        FindingId::ClientRecentDisconnects,
        format!(
            "The Remote Desktop client's log records {total} failed connection(s) to {} target(s) (event 1026 with a \
             failure reason)",
            groups.len()
        ),
    );
    let mut order: Vec<(&String, &Vec<(String, u32)>)> = groups.iter().collect();
    // The measured target first.
    order.sort_by_key(|(t, _)| !server.is_some_and(|s| same_host(t, &s.host)));
    for (target, fails) in order {
        let mut counts: BTreeMap<u32, usize> = BTreeMap::new();
        for (_, code) in fails {
            *counts.entry(*code).or_default() += 1;
        }
        let reasons: Vec<String> = counts
            .iter()
            .map(|(code, n)| {
                let e = knowledge::lookup(TableId::DiscReason, *code);
                format!(
                    "0x{code:X} {} ×{n}{}",
                    e.map(|e| e.name).unwrap_or("(not in the table)"),
                    e.map(|e| format!(": {}", e.meaning)).unwrap_or_default()
                )
            })
            .collect();
        let last = fails.iter().map(|(t, _)| t.as_str()).max().unwrap_or("?");
        // A 1027 (connected to the domain) on a connection to this target: it did work at some point.
        let activities: Vec<&str> = events
            .iter()
            .filter(|e| e.id == 1024 && e.data("Value").is_some_and(|v| v == target.as_str()))
            .filter_map(|e| e.activity_id.as_deref())
            .collect();
        let connected = events
            .iter()
            .filter(|e| e.id == 1027 && e.activity_id.as_deref().is_some_and(|a| activities.contains(&a)))
            .map(|e| e.time.as_str())
            .max()
            .map(|t| format!("; last connected (1027) {t}"))
            .unwrap_or_default();
        f = f.evidence(format!("{target}: {} failure(s), last {last}{connected}: {}", fails.len(), reasons.join("; ")));
    }
    out.push(f);
}

fn default_rdp(obs: &ClientObs, out: &mut Vec<Finding>) {
    let Some(Some(file)) = obs.default_rdp.value() else { return };
    let s = &file.settings;
    let mut problems = Vec::new();
    if rdpfile::get(s, "enablecredsspsupport") == Some("0") {
        problems.push(
            "enablecredsspsupport:i:0 - the client never uses CredSSP (NLA): every server that requires NLA refuses it \
             (0x904 / 0x7 style errors, 'The remote computer requires Network Level Authentication')",
        );
    }
    if rdpfile::get(s, "negotiate security layer") == Some("0") {
        problems.push(
            "negotiate security layer:i:0 - the client does not negotiate: it insists on Standard RDP Security, which \
             servers that require TLS or NLA refuse",
        );
    }
    if rdpfile::get(s, "authentication level") == Some("0") {
        problems.push(
            "authentication level:i:0 - the client connects without checking the server's identity (no warning on a \
             wrong certificate)",
        );
    }
    if problems.is_empty() {
        return;
    }
    let mut f = Finding::new(
        FindingId::ClientRdpDefaults,
        format!("Default.rdp ({}) changes how every new connection from mstsc is made", file.path),
    );
    for p in problems {
        f = f.evidence(p);
    }
    out.push(f);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::fixture::FixtureSource;
    use crate::client::{CREDSSP_POLICY_KEY, CREDSSP_POLICY_VALUE, collect};

    const FIXTURE: &str = include_str!("../../tests/fixtures/client/broken-client.json");

    fn server(version: Option<u32>, tls: &[&str]) -> ServerFacts {
        ServerFacts {
            target: "rds01.example.test".into(),
            host: "rds01.example.test".into(),
            credssp_version: version,
            tls_versions: tls.iter().map(|s| s.to_string()).collect(),
            verdict: Verdict::Failing,
        }
    }

    fn obs() -> ClientObs {
        collect(&FixtureSource::from_json(FIXTURE).expect("fixture"))
    }

    fn with_policy(v: Option<u32>) -> ClientObs {
        let mut src = FixtureSource::default();
        if let Some(v) = v {
            src.registry.insert(format!(r"{CREDSSP_POLICY_KEY}\{CREDSSP_POLICY_VALUE}"), v);
        }
        collect(&src)
    }

    fn ids(d: &Diagnosis) -> Vec<&'static str> {
        d.findings.iter().map(|f| f.id.as_str()).collect()
    }

    #[test]
    fn force_updated_client_against_credssp_v3_server_says_patch_the_server() {
        let d = diagnose(&with_policy(Some(0)), Some(&server(Some(3), &["tls1.2"])));
        let f = d.findings.iter().find(|f| f.id == FindingId::ClientCredsspMismatch).expect("mismatch");
        assert_eq!(f.severity, Severity::Error);
        assert!(f.summary.contains("Patch the server"), "{}", f.summary);
        assert!(f.evidence[0].contains("AllowEncryptionOracle = 0 (FORCE_UPDATED_CLIENTS)"), "{:?}", f.evidence);
        assert!(f.evidence[1].contains("TSRequest version 3 (CREDSSP_V3)"), "{:?}", f.evidence);
        assert!(f.remedies.iter().any(|r| r.contains("AllowEncryptionOracle") && r.contains("2")));
        assert_eq!(d.verdict, Verdict::Failing);
    }

    #[test]
    fn default_policy_blocks_too_and_patched_server_is_fine() {
        let d = diagnose(&with_policy(None), Some(&server(Some(2), &[])));
        assert_eq!(ids(&d), [FindingId::ClientCredsspMismatch]);
        assert!(d.findings[0].evidence[0].contains("not configured"));
        let d = diagnose(&with_policy(Some(0)), Some(&server(Some(6), &[])));
        assert!(d.findings.is_empty(), "{:?}", ids(&d));
        assert_eq!(d.verdict, Verdict::Healthy);
        // No CredSSP measured (the server does not offer NLA): nothing to judge.
        assert!(diagnose(&with_policy(Some(0)), Some(&server(None, &[]))).findings.is_empty());
    }

    #[test]
    fn vulnerable_client_is_a_warning_with_and_without_a_server() {
        let d = diagnose(&with_policy(Some(2)), Some(&server(Some(3), &[])));
        assert_eq!(ids(&d), [FindingId::ClientCredsspVulnerable]);
        assert_eq!(d.findings[0].severity, Severity::Warning);
        assert!(d.findings[0].evidence.iter().any(|e| e.contains("exposed")), "{:?}", d.findings[0].evidence);
        assert_eq!(ids(&diagnose(&with_policy(Some(2)), None)), [FindingId::ClientCredsspVulnerable]);
        assert!(diagnose(&with_policy(Some(1)), None).findings.is_empty());
    }

    #[test]
    fn the_recorded_broken_client() {
        let o = obs();
        let d = diagnose(&o, Some(&server(Some(3), &["tls1.2"])));
        let got = ids(&d);
        for id in [
            FindingId::ClientSavedCredential,
            FindingId::ClientCredsspMismatch,
            FindingId::ClientCredsspVersionRefused,
            FindingId::ClientTlsDisabled,
            FindingId::ClientRecentDisconnects,
            FindingId::ClientRdpDefaults,
        ] {
            assert!(got.contains(&id.as_str()), "{id} missing from {got:?}");
        }
        let cred = d.findings.iter().find(|f| f.id == FindingId::ClientSavedCredential).unwrap();
        assert_eq!(cred.severity, Severity::Warning, "the credential is for the target");
        assert!(cred.remedies[0].contains("cmdkey /delete:TERMSRV/rds01.example.test"), "{:?}", cred.remedies);
        assert!(cred.evidence[0].contains(r"EXAMPLE\alice") && cred.evidence[0].contains("2026-10-01T08:00:00Z"));
        let tls = d.findings.iter().find(|f| f.id == FindingId::ClientTlsDisabled).unwrap();
        assert_eq!(tls.severity, Severity::Error, "the server accepts only TLS 1.2, which the client disabled");
        let disc = d.findings.iter().find(|f| f.id == FindingId::ClientRecentDisconnects).unwrap();
        assert!(disc.evidence[0].starts_with("rds01.example.test: 2 failure(s)"), "{:?}", disc.evidence);
        assert!(disc.evidence[0].contains("0x904 disconnectReasonAtClientWinsockFDCLOSE ×2"), "{:?}", disc.evidence);
        assert!(
            disc.evidence.iter().any(|e| e.starts_with("legacy.example.test: 1 failure(s)")),
            "{:?}",
            disc.evidence
        );
        let rdp = d.findings.iter().find(|f| f.id == FindingId::ClientRdpDefaults).unwrap();
        assert!(rdp.evidence.iter().any(|e| e.starts_with("enablecredsspsupport:i:0")));
        // No secret survives into the observations.
        let json = serde_json::to_string(&o).unwrap();
        assert!(!json.contains("01000000D08C9DDF"), "the .rdp password blob leaked");
    }

    #[test]
    fn unreadable_sources_give_no_finding() {
        let src =
            FixtureSource::from_json(r#"{"unreadable": {"events": "EvtQuery: not implemented", "credentials": "no"}}"#)
                .unwrap();
        let o = collect(&src);
        assert!(matches!(o.rdp_client_events, crate::client::Read::Failed(_)));
        assert!(diagnose(&o, None).findings.is_empty());
    }

    #[test]
    fn a_normal_disconnect_is_not_a_failure() {
        let e = |id, time: &str, v: &str| EventRecord {
            id,
            time: time.into(),
            provider: "x".into(),
            activity_id: Some("{A}".into()),
            data: vec![("Value".into(), v.into())],
        };
        let events = vec![e(1024, "2026-01-01T00:00:00Z", "h1"), e(1026, "2026-01-01T00:01:00Z", "1")];
        assert!(failures_by_target(&events).is_empty());
        let events = vec![e(1026, "2026-01-01T00:01:00Z", "0x108"), e(1024, "2026-01-01T00:00:00Z", "h1")];
        assert_eq!(failures_by_target(&events)["h1"], [("2026-01-01T00:01:00Z".to_string(), 0x108)]);
    }
}
