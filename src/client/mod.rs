//! The client side: checks this machine as an RDP client (`rdp-doctor client`). Saved credentials
//! for `TERMSRV/*` in Credential Manager, the client's CredSSP policy (Encryption Oracle
//! Remediation), its Schannel protocol settings, the RDP client's event log, LsaSrv 6041 in the
//! System log and `Default.rdp`.
//!
//! Everything is read through [`ClientSource`]: `win::WindowsSource` reads the real machine
//! (Windows only), [`fixture::FixtureSource`] a recorded one (JSON), so [`collect`] and the rules in
//! `diagnose::client` run and are tested on every platform. Like `probe`, this module records what
//! it read and decides nothing; `diagnose::client` turns a [`ClientObs`] into findings.

pub mod evtxml;
pub mod fixture;
pub mod rdpfile;
#[cfg(windows)]
pub mod win;

use crate::diagnose::{Diagnosis, Verdict};
use serde::{Deserialize, Serialize};

/// Where the client's CredSSP policy lives (group policy "Encryption Oracle Remediation"; KB4093492).
pub const CREDSSP_POLICY_KEY: &str = r"SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System\CredSSP\Parameters";
pub const CREDSSP_POLICY_VALUE: &str = "AllowEncryptionOracle";
/// Schannel's per-protocol client settings (`...\Protocols\TLS 1.2\Client`, values Enabled and
/// DisabledByDefault).
pub const SCHANNEL_PROTOCOLS_KEY: &str = r"SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols";
/// The Remote Desktop client's own log.
pub const RDP_CLIENT_CHANNEL: &str = "Microsoft-Windows-TerminalServices-RDPClient/Operational";
/// 1024 trying to connect (target), 1026 disconnected (reason), 1027 connected to domain,
/// 1102 multi-transport initiated, 1105 multi-transport disconnected.
pub const RDP_CLIENT_EVENT_IDS: &[u32] = &[1024, 1026, 1027, 1102, 1105];
pub const SYSTEM_CHANNEL: &str = "System";
/// LsaSrv 6041: a CredSSP authentication failed to agree on a protocol version (the remote host
/// offered one that Encryption Oracle Remediation does not permit).
pub const LSA_EVENT_IDS: &[u32] = &[6041];
/// At most this many records per log, newest first.
pub const MAX_EVENTS: usize = 200;

/// The Schannel protocols whose client settings are read, oldest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SchannelProtocol {
    #[serde(rename = "TLS 1.0")]
    Tls10,
    #[serde(rename = "TLS 1.1")]
    Tls11,
    #[serde(rename = "TLS 1.2")]
    Tls12,
    #[serde(rename = "TLS 1.3")]
    Tls13,
}

impl SchannelProtocol {
    pub const ALL: &'static [SchannelProtocol] =
        &[SchannelProtocol::Tls10, SchannelProtocol::Tls11, SchannelProtocol::Tls12, SchannelProtocol::Tls13];

    /// The registry key name under [`SCHANNEL_PROTOCOLS_KEY`].
    pub fn key_name(self) -> &'static str {
        match self {
            SchannelProtocol::Tls10 => "TLS 1.0",
            SchannelProtocol::Tls11 => "TLS 1.1",
            SchannelProtocol::Tls12 => "TLS 1.2",
            SchannelProtocol::Tls13 => "TLS 1.3",
        }
    }

    /// The name the TLS layer uses for the same version ("tls1.2").
    pub fn wire_name(self) -> &'static str {
        match self {
            SchannelProtocol::Tls10 => "tls1.0",
            SchannelProtocol::Tls11 => "tls1.1",
            SchannelProtocol::Tls12 => "tls1.2",
            SchannelProtocol::Tls13 => "tls1.3",
        }
    }
}

/// How long Credential Manager keeps a credential (CREDENTIALW.Persist).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Persistence {
    /// CRED_PERSIST_SESSION (1): until logoff.
    Session,
    /// CRED_PERSIST_LOCAL_MACHINE (2): this machine, across logons.
    LocalMachine,
    /// CRED_PERSIST_ENTERPRISE (3): roams with the profile.
    Enterprise,
    Unknown,
}

impl Persistence {
    pub fn from_raw(v: u32) -> Persistence {
        match v {
            1 => Persistence::Session,
            2 => Persistence::LocalMachine,
            3 => Persistence::Enterprise,
            _ => Persistence::Unknown,
        }
    }
}

/// One saved credential. The secret is never read into this: only who, when, and how long it stays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedCredential {
    /// "TERMSRV/host".
    pub target: String,
    pub user_name: Option<String>,
    /// UTC, "YYYY-MM-DDTHH:MM:SSZ".
    pub last_written: Option<String>,
    pub persistence: Persistence,
}

impl SavedCredential {
    /// The host part of "TERMSRV/host" (`None` for other targets).
    pub fn host(&self) -> Option<&str> {
        let (prefix, host) = self.target.split_once('/')?;
        prefix.eq_ignore_ascii_case("TERMSRV").then_some(host)
    }
}

/// One event log record, reduced to what the rules read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRecord {
    pub id: u32,
    /// UTC, as the log has it (SystemTime).
    pub time: String,
    pub provider: String,
    /// Correlation ActivityID: ties a 1026 to the 1024 of the same connection.
    #[serde(default)]
    pub activity_id: Option<String>,
    /// EventData, in order: (Name, value).
    #[serde(default)]
    pub data: Vec<(String, String)>,
}

impl EventRecord {
    /// The value of the `<Data Name=name>` element.
    pub fn data(&self, name: &str) -> Option<&str> {
        self.data.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// What one read gave: the value, or why it could not be read (then the check is "not checked").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Read<T> {
    Read(T),
    Failed(String),
}

impl<T> Read<T> {
    pub fn value(&self) -> Option<&T> {
        match self {
            Read::Read(v) => Some(v),
            Read::Failed(_) => None,
        }
    }
}

impl<T> From<Result<T, String>> for Read<T> {
    fn from(r: Result<T, String>) -> Self {
        match r {
            Ok(v) => Read::Read(v),
            Err(e) => Read::Failed(e),
        }
    }
}

/// The two values of one Schannel protocol's `Client` key (absent = the system default).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchannelClient {
    pub protocol: SchannelProtocol,
    pub enabled: Read<Option<u32>>,
    pub disabled_by_default: Read<Option<u32>>,
}

/// `Default.rdp` as found in Documents: where, and its settings (password fields dropped).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DefaultRdp {
    pub path: String,
    pub settings: Vec<rdpfile::Setting>,
}

/// Everything `rdp-doctor client` read on this machine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientObs {
    /// "windows", or "fixture" for a recorded machine.
    pub source: String,
    pub saved_credentials: Read<Vec<SavedCredential>>,
    /// AllowEncryptionOracle (absent = not configured: the default, 1 Mitigated since May 2018).
    pub credssp_policy: Read<Option<u32>>,
    pub schannel: Vec<SchannelClient>,
    pub rdp_client_events: Read<Vec<EventRecord>>,
    pub lsa_events: Read<Vec<EventRecord>>,
    pub default_rdp: Read<Option<DefaultRdp>>,
}

/// The reads `collect` makes. Implemented by `win::WindowsSource` (the real machine) and
/// [`fixture::FixtureSource`] (a recorded one).
pub trait ClientSource {
    /// "windows" or "fixture".
    fn name(&self) -> &'static str;
    /// The saved credentials whose target starts with "TERMSRV/" (no secrets).
    fn termsrv_credentials(&self) -> Result<Vec<SavedCredential>, String>;
    /// A REG_DWORD under HKEY_LOCAL_MACHINE; `Ok(None)` when the key or the value is absent.
    fn hklm_dword(&self, key: &str, value: &str) -> Result<Option<u32>, String>;
    /// Up to `max` records of `ids` from `channel`, newest first.
    fn events(&self, channel: &str, ids: &[u32], max: usize) -> Result<Vec<EventRecord>, String>;
    /// The path and text of Default.rdp in the user's Documents; `Ok(None)` when there is none.
    fn default_rdp(&self) -> Result<Option<(String, String)>, String>;
}

/// Read everything the rules need through `src`.
pub fn collect(src: &dyn ClientSource) -> ClientObs {
    let schannel = SchannelProtocol::ALL
        .iter()
        .map(|&p| {
            let key = format!(r"{SCHANNEL_PROTOCOLS_KEY}\{}\Client", p.key_name());
            SchannelClient {
                protocol: p,
                enabled: src.hklm_dword(&key, "Enabled").into(),
                disabled_by_default: src.hklm_dword(&key, "DisabledByDefault").into(),
            }
        })
        .collect();
    ClientObs {
        source: src.name().to_string(),
        saved_credentials: src.termsrv_credentials().into(),
        credssp_policy: src.hklm_dword(CREDSSP_POLICY_KEY, CREDSSP_POLICY_VALUE).into(),
        schannel,
        rdp_client_events: src.events(RDP_CLIENT_CHANNEL, RDP_CLIENT_EVENT_IDS, MAX_EVENTS).into(),
        lsa_events: src.events(SYSTEM_CHANNEL, LSA_EVENT_IDS, MAX_EVENTS).into(),
        default_rdp: src
            .default_rdp()
            .map(|f| f.map(|(path, text)| DefaultRdp { path, settings: rdpfile::parse(&text) }))
            .into(),
    }
}

/// What was measured on the wire for the target (`rdp-doctor client HOST`): the facts the client's
/// settings are judged against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServerFacts {
    pub target: String,
    pub host: String,
    /// The server's TSRequest version ([MS-CSSP] 2.2.1); `None` when CredSSP was not reached.
    pub credssp_version: Option<u32>,
    /// The TLS versions the server accepted ("tls1.2").
    pub tls_versions: Vec<String>,
    /// The server diagnosis's verdict.
    pub verdict: Verdict,
}

impl ServerFacts {
    /// The facts the client rules need from a server diagnosis.
    pub fn from_report(r: &crate::report::Report) -> ServerFacts {
        ServerFacts {
            target: r.target.input.clone(),
            host: r.target.host.clone(),
            credssp_version: r.observations.credssp.as_ref().and_then(|c| c.server_version),
            tls_versions: r.observations.tls.as_ref().map(|t| t.versions.clone()).unwrap_or_default(),
            verdict: r.verdict,
        }
    }
}

/// The `rdp-doctor client` report (docs/report-schema.md, "client report").
#[derive(Debug, Clone, Serialize)]
pub struct ClientReport {
    pub schema_version: u32,
    /// Always "client": tells this document from a diagnosis report.
    pub kind: &'static str,
    pub tool: crate::report::Tool,
    pub verdict: Verdict,
    pub findings: Vec<crate::diagnose::Finding>,
    pub observations: ClientObs,
    /// The target measured on the wire, when one was given.
    pub server: Option<ServerFacts>,
}

impl ClientReport {
    pub fn new(observations: ClientObs, server: Option<ServerFacts>) -> ClientReport {
        let Diagnosis { verdict, findings, .. } = crate::diagnose::client::diagnose(&observations, server.as_ref());
        ClientReport {
            schema_version: crate::report::SCHEMA_VERSION,
            kind: "client",
            tool: crate::report::Tool { name: env!("CARGO_PKG_NAME"), version: env!("CARGO_PKG_VERSION") },
            verdict,
            findings,
            observations,
            server,
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }

    /// The process exit status: as for a diagnosis (0 healthy or degraded, 1 failing).
    pub fn exit_code(&self) -> i32 {
        self.verdict.exit_code()
    }
}

/// Check the client read through `src`; with a target, diagnose it first (credential-less: the
/// CredSSP probe still reads the server's TSRequest version) and judge the client against it.
pub async fn check(
    src: &dyn ClientSource,
    target: Option<&crate::target::Target>,
    opts: &crate::Options,
) -> ClientReport {
    let server = match target {
        Some(t) => {
            let mut opts = opts.clone();
            opts.plan.no_session = true;
            Some(ServerFacts::from_report(&crate::run_diagnosis(t, &opts).await))
        }
        None => None,
    };
    ClientReport::new(collect(src), server)
}

/// The machine this build reads: the real Windows client, or `None` off Windows.
pub fn this_machine() -> Option<Box<dyn ClientSource>> {
    #[cfg(windows)]
    {
        Some(Box::new(win::WindowsSource))
    }
    #[cfg(not(windows))]
    {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn termsrv_host() {
        let c = SavedCredential {
            target: "TERMSRV/rds01.example.test".into(),
            user_name: None,
            last_written: None,
            persistence: Persistence::LocalMachine,
        };
        assert_eq!(c.host(), Some("rds01.example.test"));
        let other = SavedCredential { target: "Domain:target=x".into(), ..c };
        assert_eq!(other.host(), None);
    }
}
