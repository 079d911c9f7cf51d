//! `diagnose/client.rs` (`rdp-doctor client`): this machine's saved credentials, CredSSP policy,
//! Schannel settings, RDP client log and Default.rdp, alone and against a server measured on the wire.

use super::given_client;
use crate::client::{
    ClientObs, DefaultRdp, EventRecord, Persistence, Read, SavedCredential, SchannelClient, SchannelProtocol,
    ServerFacts, rdpfile,
};
use crate::diagnose::{Severity, Verdict};

const TARGET: &str = "rds01.example.test";

/// A client with nothing remarkable: no saved credential, the default policy, Schannel untouched,
/// an empty log, no Default.rdp.
fn clean() -> ClientObs {
    ClientObs {
        source: "fixture".into(),
        saved_credentials: Read::Read(vec![]),
        credssp_policy: Read::Read(None),
        schannel: vec![],
        rdp_client_events: Read::Read(vec![]),
        lsa_events: Read::Read(vec![]),
        default_rdp: Read::Read(None),
    }
}

fn with(change: impl FnOnce(&mut ClientObs)) -> ClientObs {
    let mut c = clean();
    change(&mut c);
    c
}

/// The server measured on the wire: its CredSSP version and TLS versions.
fn server(credssp: Option<u32>, tls: &[&str]) -> Option<ServerFacts> {
    Some(ServerFacts {
        target: TARGET.into(),
        host: TARGET.into(),
        credssp_version: credssp,
        tls_versions: tls.iter().map(|s| s.to_string()).collect(),
        verdict: Verdict::Failing,
    })
}

fn saved(target: &str) -> SavedCredential {
    SavedCredential {
        target: target.into(),
        user_name: Some(r"EXAMPLE\alice".into()),
        last_written: Some("2026-10-01T08:00:00Z".into()),
        persistence: Persistence::LocalMachine,
    }
}

fn event(id: u32, time: &str, activity: &str, value: &str) -> EventRecord {
    EventRecord {
        id,
        time: time.into(),
        provider: "Microsoft-Windows-TerminalServices-ClientActiveXCore".into(),
        activity_id: Some(activity.into()),
        data: vec![("Value".into(), value.into())],
    }
}

/// TLS 1.2 off for clients (DisabledByDefault = 1).
fn tls12_off(c: &mut ClientObs) {
    c.schannel = vec![SchannelClient {
        protocol: SchannelProtocol::Tls12,
        enabled: Read::Read(None),
        disabled_by_default: Read::Read(Some(1)),
    }];
}

fn default_rdp(text: &str) -> Read<Option<DefaultRdp>> {
    Read::Read(Some(DefaultRdp {
        path: r"C:\Users\alice\Documents\Default.rdp".into(),
        settings: rdpfile::parse(text),
    }))
}

cases! {
    a_clean_client: given_client(clean(), server(Some(6), &["tls1.2"]))
        .ids(&[])
        .verdict(Verdict::Healthy);
    /// A saved password for the very server measured: mstsc sends it without asking.
    saved_credential_for_the_target: given_client(with(|c| c.saved_credentials = Read::Read(vec![saved("TERMSRV/rds01.example.test")])), server(Some(6), &["tls1.2"]))
        .ids(&["client-saved-credential"])
        .severity("client-saved-credential", Severity::Warning)
        .verdict(Verdict::Degraded)
        .says("client-saved-credential", "saved credential for TERMSRV/rds01.example.test");
    /// Near miss: a saved password for another host is information.
    saved_credential_for_another_host: given_client(with(|c| c.saved_credentials = Read::Read(vec![saved("TERMSRV/other.example.test")])), server(Some(6), &[]))
        .ids(&["client-saved-credential"])
        .severity("client-saved-credential", Severity::Info)
        .verdict(Verdict::Healthy);
    /// The default policy (Mitigated) against CredSSP 3: blocked; patch the server.
    default_policy_against_an_unpatched_server: given_client(clean(), server(Some(3), &[]))
        .ids(&["client-credssp-mismatch"])
        .severity("client-credssp-mismatch", Severity::Error)
        .verdict(Verdict::Failing)
        .says("client-credssp-mismatch", "AllowEncryptionOracle not configured");
    /// Vulnerable (2): connects to an unpatched server by falling back.
    vulnerable_policy_against_an_unpatched_server: given_client(with(|c| c.credssp_policy = Read::Read(Some(2))), server(Some(3), &[]))
        .ids(&["client-credssp-vulnerable"])
        .severity("client-credssp-vulnerable", Severity::Warning)
        .says("client-credssp-vulnerable", "exposed to CVE-2018-0886");
    /// Near miss: Force Updated Clients (0) against a patched server is fine.
    force_updated_against_a_patched_server: given_client(with(|c| c.credssp_policy = Read::Read(Some(0))), server(Some(6), &[]))
        .ids(&[])
        .verdict(Verdict::Healthy);
    /// LsaSrv 6041 in the System log.
    credssp_version_refusals_logged: given_client(with(|c| c.lsa_events = Read::Read(vec![EventRecord {
        id: 6041,
        time: "2026-11-20T09:00:00Z".into(),
        provider: "LsaSrv".into(),
        activity_id: None,
        data: vec![("TargetName".into(), "TERMSRV/legacy.example.test".into())],
    }])), None)
        .ids(&["client-credssp-version-refused"])
        .verdict(Verdict::Failing)
        .says("client-credssp-version-refused", "TargetName=TERMSRV/legacy.example.test");
    /// TLS 1.2 off on the client, and the server accepts only TLS 1.2: no handshake possible.
    tls12_off_against_a_tls12_server: given_client(with(tls12_off), server(Some(6), &["tls1.2"]))
        .ids(&["client-tls-disabled"])
        .severity("client-tls-disabled", Severity::Error)
        .verdict(Verdict::Failing)
        .says("client-tls-disabled", "accepts tls1.2 (measured on the wire)");
    /// Near miss: the server also accepts TLS 1.3: a warning about other servers only.
    tls12_off_against_a_tls13_server: given_client(with(tls12_off), server(Some(6), &["tls1.2", "tls1.3"]))
        .ids(&["client-tls-disabled"])
        .severity("client-tls-disabled", Severity::Warning)
        .says("client-tls-disabled", "TLS 1.2 turned off for clients");
    /// 1026 with 0x904 twice for the target (grouped by the 1024 of the same activity).
    recent_failed_connections: given_client(with(|c| c.rdp_client_events = Read::Read(vec![
        event(1024, "2026-11-28T10:00:00Z", "{A}", TARGET),
        event(1026, "2026-11-28T10:00:05Z", "{A}", "0x904"),
        event(1024, "2026-11-28T11:00:00Z", "{B}", TARGET),
        event(1026, "2026-11-28T11:00:05Z", "{B}", "2308"),
    ])), server(Some(6), &[]))
        .ids(&["client-recent-disconnects"])
        .says("client-recent-disconnects", "rds01.example.test: 2 failure(s)");
    /// Near miss: 1026 with reason 0x1 (the user ended it) is not a failure.
    a_normal_disconnect_is_not_a_failure: given_client(with(|c| c.rdp_client_events = Read::Read(vec![
        event(1024, "2026-11-28T10:00:00Z", "{A}", TARGET),
        event(1026, "2026-11-28T10:30:00Z", "{A}", "1"),
    ])), None)
        .ids(&[]);
    /// Default.rdp turns CredSSP off for every new mstsc connection.
    default_rdp_without_credssp: given_client(with(|c| c.default_rdp = default_rdp("full address:s:x\r\nenablecredsspsupport:i:0\r\n")), None)
        .ids(&["client-rdp-defaults"])
        .says("client-rdp-defaults", "enablecredsspsupport:i:0");
}
