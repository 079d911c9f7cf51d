//! Reports: a diagnosis rendered for people (`text`) or programs (`json`, docs/report-schema.md).

pub mod client;
pub mod style;
pub mod terminal;
pub mod text;

use crate::diagnose::{ClientError, Diagnosis, Finding, Verdict};
use crate::observations::Observations;
use crate::target::Target;
use serde::Serialize;
use std::net::IpAddr;

/// Bumped whenever a field changes meaning or goes away (adding a field does not bump it).
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema_version: u32,
    pub tool: Tool,
    pub target: TargetReport,
    pub verdict: Verdict,
    pub predicted_client_error: Option<ClientError>,
    pub findings: Vec<Finding>,
    pub observations: Observations,
    pub timings_ms: Timings,
    /// The commonly given causes: fits, ruled out or possible from what was measured.
    pub folk_causes: Vec<crate::knowledge::folk_causes::Judged>,
    /// `--evidence`: which server records confirm or contradict the network findings.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cross_checks: Vec<crate::evidence::join::CrossCheck>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct TargetReport {
    pub input: String,
    pub host: String,
    pub port: u16,
    pub addresses: Vec<IpAddr>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Timings {
    pub total: f64,
    pub resolve: Option<f64>,
    pub connect: Option<f64>,
    pub negotiation: Option<f64>,
    pub tls: Option<f64>,
}

impl Report {
    pub fn new(target: &Target, observations: Observations, diagnosis: Diagnosis, total_ms: f64) -> Report {
        let net = observations.network.as_ref();
        let timings = Timings {
            total: total_ms,
            resolve: net.map(|n| n.resolve.ms),
            connect: net.and_then(|n| n.attempts.iter().map(|a| a.ms).reduce(f64::max)),
            negotiation: observations.negotiation.as_ref().map(|n| n.ms),
            tls: observations.tls.as_ref().map(|t| t.ms),
        };
        Report {
            schema_version: SCHEMA_VERSION,
            tool: Tool { name: env!("CARGO_PKG_NAME"), version: env!("CARGO_PKG_VERSION") },
            target: TargetReport {
                input: target.input.clone(),
                host: target.host.clone(),
                port: target.port,
                addresses: net.map(|n| n.resolve.addresses.clone()).unwrap_or_default(),
            },
            verdict: diagnosis.verdict,
            predicted_client_error: diagnosis.predicted_client_error,
            findings: diagnosis.findings,
            observations,
            timings_ms: timings,
            folk_causes: diagnosis.folk_causes,
            cross_checks: Vec::new(),
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }
}
