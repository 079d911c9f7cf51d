//! `scan --diff PREVIOUS.jsonl`: what changed per host since an earlier scan (its JSON Lines): new
//! findings, resolved findings, the verdict. Only each previous host's verdict and finding ids are
//! kept in memory.

use crate::report::Report;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// The previous scan, by `host:port`.
#[derive(Debug, Default)]
pub struct Previous {
    hosts: HashMap<String, (String, BTreeSet<String>)>,
    /// Keys matched by this scan (what is left was not scanned again).
    seen: BTreeSet<String>,
}

/// One host's changes.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct HostDiff {
    /// The verdict in the previous scan; null when the host was not in it.
    pub previous_verdict: Option<String>,
    pub verdict: String,
    pub new_findings: Vec<String>,
    pub resolved_findings: Vec<String>,
}

impl HostDiff {
    pub fn changed(&self) -> bool {
        self.previous_verdict.as_deref() != Some(self.verdict.as_str())
            || !self.new_findings.is_empty()
            || !self.resolved_findings.is_empty()
    }
}

fn key(host: &str, port: u64) -> String {
    format!("{}|{port}", host.to_ascii_lowercase())
}

impl Previous {
    /// Read JSON Lines as `scan --json` writes them; a line that is not a report is an error with its number.
    pub fn parse(text: &str) -> Result<Previous, String> {
        let mut hosts = HashMap::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let v: serde_json::Value =
                serde_json::from_str(line).map_err(|e| format!("line {}: not JSON: {e}", i + 1))?;
            let host = v.pointer("/target/host").and_then(|h| h.as_str());
            let port = v.pointer("/target/port").and_then(|p| p.as_u64());
            let verdict = v.get("verdict").and_then(|x| x.as_str());
            let (Some(host), Some(port), Some(verdict)) = (host, port, verdict) else {
                return Err(format!("line {}: not an rdp-doctor report (no target.host, target.port, verdict)", i + 1));
            };
            let ids = v
                .get("findings")
                .and_then(|f| f.as_array())
                .map(|a| a.iter().filter_map(|f| f.get("id")?.as_str().map(String::from)).collect())
                .unwrap_or_default();
            hosts.insert(key(host, port), (verdict.to_string(), ids));
        }
        Ok(Previous { hosts, seen: BTreeSet::new() })
    }

    /// Compare one new report with the previous scan.
    pub fn compare(&mut self, r: &Report) -> HostDiff {
        let k = key(&r.target.host, u64::from(r.target.port));
        let now: BTreeSet<String> = r.findings.iter().map(|f| f.id.to_string()).collect();
        let verdict = r.verdict.as_str().to_string();
        self.seen.insert(k.clone());
        match self.hosts.get(&k) {
            None => HostDiff {
                previous_verdict: None,
                verdict,
                new_findings: now.into_iter().collect(),
                resolved_findings: vec![],
            },
            Some((pv, before)) => HostDiff {
                previous_verdict: Some(pv.clone()),
                verdict,
                new_findings: now.difference(before).cloned().collect(),
                resolved_findings: before.difference(&now).cloned().collect(),
            },
        }
    }

    /// Hosts of the previous scan this one did not reach, as `host:port`.
    pub fn missing(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .hosts
            .keys()
            .filter(|k| !self.seen.contains(*k))
            .map(|k| {
                let (h, p) = k.rsplit_once('|').unwrap_or((k, ""));
                if h.contains(':') { format!("[{h}]:{p}") } else { format!("{h}:{p}") }
            })
            .collect();
        out.sort();
        out
    }
}

/// One line of the human diff.
pub fn describe(target: &str, d: &HostDiff) -> String {
    let mut parts = Vec::new();
    match &d.previous_verdict {
        None => parts.push(format!("new host, {}", d.verdict)),
        Some(p) if *p != d.verdict => parts.push(format!("{p} → {}", d.verdict)),
        Some(_) => {}
    }
    if d.previous_verdict.is_some() && !d.new_findings.is_empty() {
        parts.push(format!("new: {}", d.new_findings.join(", ")));
    }
    if !d.resolved_findings.is_empty() {
        parts.push(format!("resolved: {}", d.resolved_findings.join(", ")));
    }
    format!("  {target:<28} {}", parts.join("; "))
}
