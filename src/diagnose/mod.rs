//! Diagnosis: pure functions from observations to findings. Nothing here touches a socket; every
//! finding is built from `Observations` only. Each finding id, its layer, default severity and
//! remedies live in the catalogue (`catalogue/`, one table per layer), which docs/findings.md documents.

pub mod advice;
mod budget;
pub mod catalogue;
pub mod client;
mod credssp;
mod finding_id;
pub mod gateway;
mod light;
mod negotiation;
mod network;
mod session;
mod tls;
pub mod watch;

pub use network::outcome_word as network_outcome_word;

/// The finding an NTSTATUS logon failure proves (the CredSSP layer's table, shared with `evidence`).
pub fn status_finding(code: u32) -> Option<FindingId> {
    credssp::status_finding(code)
}

use crate::knowledge::{self, Basis, Layer, TableId};
use crate::observations::Observations;
use serde::{Serialize, Serializer};

pub use catalogue::{CATALOGUE, FindingDef};
pub use finding_id::FindingId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    // Declared from most to least severe: sorting ascending puts the worst first.
    Critical,
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Healthy,
    Degraded,
    Failing,
    Unreachable,
    /// The run's own deadline (`--timeout`) ended before the layers that decide the verdict were
    /// checked, and nothing checked so far failed: a limit of the tool, not a fault of the server.
    Incomplete,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Healthy => "healthy",
            Verdict::Degraded => "degraded",
            Verdict::Failing => "failing",
            Verdict::Unreachable => "unreachable",
            Verdict::Incomplete => "incomplete",
        }
    }

    /// The process exit status for this verdict (README: exit codes).
    pub fn exit_code(self) -> i32 {
        match self {
            Verdict::Healthy | Verdict::Degraded => 0,
            Verdict::Failing | Verdict::Unreachable => 1,
            Verdict::Incomplete => 4,
        }
    }
}

/// The Windows client's code pair for a failure: discReason and the extended (server errorInfo) code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientError {
    #[serde(serialize_with = "hex")]
    pub code: u32,
    #[serde(serialize_with = "hex")]
    pub extended: u32,
    pub basis: Basis,
    /// The disconnect reason's meaning, from the knowledge tables.
    pub meaning: Option<&'static str>,
}

impl ClientError {
    pub fn new(code: u32, extended: u32, basis: Basis) -> Self {
        let meaning = knowledge::lookup(TableId::DiscReason, code)
            .or_else(|| knowledge::lookup(TableId::GatewayClient, code))
            .map(|e| e.meaning);
        ClientError { code, extended, basis, meaning }
    }
}

fn hex<S: Serializer>(v: &u32, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&crate::knowledge::hex_code(*v))
}

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub id: FindingId,
    pub severity: Severity,
    pub layer: Layer,
    pub summary: String,
    /// The observations the finding rests on, in words, with raw codes.
    pub evidence: Vec<String>,
    pub remedies: Vec<String>,
    pub client_error: Option<ClientError>,
    /// True when the finding rests on the server's silence (a wait that ended with no answer), not on
    /// something the server sent: when the run's deadline cut its layer, the silence may be the tool's
    /// own, so it is not raised (`diagnose_with`). Not serialized.
    #[serde(skip)]
    pub from_silence: bool,
}

impl Finding {
    /// A finding from the catalogue entry `id`, with its default severity and remedies.
    pub fn new(id: FindingId, summary: impl Into<String>) -> Finding {
        let def = catalogue::def(id);
        Finding {
            id: def.id,
            severity: def.severity,
            layer: def.layer,
            summary: summary.into(),
            evidence: Vec::new(),
            remedies: def.remedies.iter().map(|r| r.to_string()).collect(),
            client_error: None,
            from_silence: false,
        }
    }

    /// Mark the finding as judged from silence (see `from_silence`).
    pub fn from_silence(mut self) -> Self {
        self.from_silence = true;
        self
    }

    pub fn severity(mut self, s: Severity) -> Self {
        self.severity = s;
        self
    }

    pub fn evidence(mut self, e: impl Into<String>) -> Self {
        self.evidence.push(e.into());
        self
    }

    pub fn client_error(mut self, code: u32, extended: u32, basis: Basis) -> Self {
        self.client_error = Some(ClientError::new(code, extended, basis));
        self
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Diagnosis {
    pub verdict: Verdict,
    /// The pair the Windows client would show for the first failing stage, if any.
    pub predicted_client_error: Option<ClientError>,
    pub findings: Vec<Finding>,
    /// The commonly given causes judged against what was measured (`advice.rs`).
    pub folk_causes: Vec<crate::knowledge::folk_causes::Judged>,
}

/// The user's thresholds for judging what was observed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// A certificate this many days or fewer from its end date is `cert-expiring-soon`.
    pub cert_warn_days: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { cert_warn_days: DEFAULT_CERT_WARN_DAYS }
    }
}

/// `--cert-warn-days` by default.
pub const DEFAULT_CERT_WARN_DAYS: u32 = 30;

/// Observations in, findings and a verdict out (default settings).
pub fn diagnose(obs: &Observations) -> Diagnosis {
    diagnose_with(obs, &Settings::default())
}

/// Observations in, findings and a verdict out.
pub fn diagnose_with(obs: &Observations, settings: &Settings) -> Diagnosis {
    let mut findings = Vec::new();
    // Through an RD Gateway the gateway path stands in for the network layer (`diagnose::gateway`).
    let (reached, answered) = match &obs.gateway {
        Some(_) => {
            let r = gateway::findings(obs, &mut findings);
            gateway::predict_client_codes(obs, &mut findings);
            (r.target, r.gateway)
        }
        None => {
            let r = network::findings(obs, &mut findings);
            (r, r)
        }
    };
    if reached {
        negotiation::findings(obs, &mut findings);
        tls::findings(obs, settings, &mut findings);
        credssp::findings(obs, &mut findings);
        session::findings(obs, &mut findings);
        light::findings(obs, &mut findings);
    }
    // The run's deadline is the tool's: what it cut is "not checked", never the server's silence.
    let budget = obs.budget.as_ref();
    let cut = |layer: Layer| budget.is_some_and(|b| b.cut(layer));
    findings.retain(|f| !(f.from_silence && cut(f.layer)));
    let incomplete = budget.is_some_and(|b| b.reached);
    if let Some(b) = budget.filter(|b| b.reached) {
        findings.push(budget::deadline_reached(b));
    }
    // Most severe first; the stable sort keeps the layer order within one severity.
    findings.sort_by_key(|f| f.severity);
    let failing = findings.iter().any(|f| f.severity <= Severity::Error);
    let verdict = if failing && !answered {
        Verdict::Unreachable
    } else if failing {
        Verdict::Failing
    } else if incomplete || !reached {
        Verdict::Incomplete
    } else if findings.iter().any(|f| f.severity == Severity::Warning) {
        Verdict::Degraded
    } else {
        Verdict::Healthy
    };
    let predicted_client_error =
        findings.iter().filter(|f| f.severity <= Severity::Error).find_map(|f| f.client_error.clone());
    let folk_causes = advice::folk_causes(obs, &findings);
    Diagnosis { verdict, predicted_client_error, findings, folk_causes }
}

#[cfg(test)]
mod tests;
