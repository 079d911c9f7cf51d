//! A recorded client machine (JSON), for the tests and for `rdp-doctor client --fixture FILE` on any
//! platform. Layout (every field optional):
//!
//! ```json
//! { "credentials": [{"target": "TERMSRV/host", "user_name": "DOM\\u", "last_written": "2026-01-02T03:04:05Z",
//!                    "persistence": "local_machine"}],
//!   "registry": {"SOFTWARE\\...\\CredSSP\\Parameters\\AllowEncryptionOracle": 0},
//!   "events": {"System": [{"id": 6041, "time": "...", "provider": "LsaSrv", "data": [["Name", "value"]]}]},
//!   "default_rdp": {"path": "C:\\Users\\u\\Documents\\Default.rdp", "text": "full address:s:host\n"},
//!   "unreadable": {"events": "the event log service is not running"} }
//! ```
//!
//! `registry` keys are `KEY\VALUE` under HKEY_LOCAL_MACHINE; `unreadable` makes a read fail with the
//! given reason ("credentials", "registry", "events", "default_rdp").

use super::{ClientSource, EventRecord, SavedCredential};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixtureSource {
    #[serde(default)]
    pub credentials: Vec<SavedCredential>,
    #[serde(default)]
    pub registry: BTreeMap<String, u32>,
    #[serde(default)]
    pub events: BTreeMap<String, Vec<EventRecord>>,
    #[serde(default)]
    pub default_rdp: Option<FixtureFile>,
    #[serde(default)]
    pub unreadable: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct FixtureFile {
    pub path: String,
    pub text: String,
}

impl FixtureSource {
    /// A fixture from its JSON text.
    pub fn from_json(text: &str) -> Result<FixtureSource, String> {
        serde_json::from_str(text).map_err(|e| format!("not a client fixture: {e}"))
    }

    fn fails(&self, what: &str) -> Result<(), String> {
        match self.unreadable.get(what) {
            Some(reason) => Err(reason.clone()),
            None => Ok(()),
        }
    }
}

impl ClientSource for FixtureSource {
    fn name(&self) -> &'static str {
        "fixture"
    }

    fn termsrv_credentials(&self) -> Result<Vec<SavedCredential>, String> {
        self.fails("credentials")?;
        Ok(self.credentials.iter().filter(|c| c.host().is_some()).cloned().collect())
    }

    fn hklm_dword(&self, key: &str, value: &str) -> Result<Option<u32>, String> {
        self.fails("registry")?;
        let wanted = format!(r"{key}\{value}");
        Ok(self.registry.iter().find(|(k, _)| k.eq_ignore_ascii_case(&wanted)).map(|(_, v)| *v))
    }

    fn events(&self, channel: &str, ids: &[u32], max: usize) -> Result<Vec<EventRecord>, String> {
        self.fails("events")?;
        let mut out: Vec<EventRecord> =
            self.events.get(channel).into_iter().flatten().filter(|e| ids.contains(&e.id)).cloned().collect();
        // Newest first, as the real log is read.
        out.sort_by(|a, b| b.time.cmp(&a.time));
        out.truncate(max);
        Ok(out)
    }

    fn default_rdp(&self) -> Result<Option<(String, String)>, String> {
        self.fails("default_rdp")?;
        Ok(self.default_rdp.as_ref().map(|f| (f.path.clone(), f.text.clone())))
    }
}
