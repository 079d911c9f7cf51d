//! The scan's outputs: a JSON line per host (the `diagnose --json` report plus where the host came
//! from), a CSV row per host, and the human summary (a table sorted by severity, totals by finding
//! id, the unreachable hosts).

use super::{HostRow, Summary};
use crate::diagnose::Verdict;
use crate::report::Report;
use crate::scan::targets::ScanTarget;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Where a host came from: the line as typed and its number in the input file (null for an argument).
#[derive(Debug, Serialize)]
pub struct Source<'a> {
    pub text: &'a str,
    pub line: Option<usize>,
}

#[derive(Serialize)]
struct JsonLine<'a, D: Serialize> {
    /// The `diagnose --json` report, field for field.
    #[serde(flatten)]
    report: &'a Report,
    source: Source<'a>,
    /// With `--diff`: what changed since the previous scan.
    #[serde(skip_serializing_if = "Option::is_none")]
    diff: Option<D>,
}

/// One JSON line: the report with `source` (and `diff`) added.
pub fn json_line<D: Serialize>(t: &ScanTarget, report: &Report, diff: Option<D>) -> String {
    let line = JsonLine { report, source: Source { text: &t.source, line: t.line }, diff };
    serde_json::to_string(&line).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

/// The address the probe used (or the first one resolved).
pub fn address(r: &Report) -> Option<String> {
    let net = r.observations.network.as_ref()?;
    net.connected.map(|a| a.ip().to_string()).or_else(|| net.resolve.addresses.first().map(|a| a.to_string()))
}

pub const CSV_HEADER: &str = "target,address,verdict,top_finding,severity,client_error,nla_required,tls_versions,cert_not_after,cert_days_left,credssp_version,windows_build";

/// One CSV row (RFC 4180 quoting).
pub fn csv_row(r: &Report) -> String {
    let top = r.findings.first();
    let obs = &r.observations;
    let nla = obs.negotiation.as_ref().and_then(|n| n.nla_required).map(|b| if b { "yes" } else { "no" });
    let mut versions: Vec<String> = obs.tls.as_ref().map(|t| t.versions.clone()).unwrap_or_default();
    if versions.is_empty() {
        // The light probe: the version its one handshake agreed.
        versions = obs.tls.iter().flat_map(|t| t.handshakes.iter().filter_map(|h| h.version.clone())).collect();
        versions.dedup();
    }
    let cert = obs.tls.as_ref().and_then(|t| t.certificate.as_ref());
    let credssp = obs.credssp.as_ref();
    let fields = [
        r.target.input.clone(),
        address(r).unwrap_or_default(),
        r.verdict.as_str().to_string(),
        top.map(|f| f.id.to_string()).unwrap_or_default(),
        top.map(|f| f.severity.as_str().to_string()).unwrap_or_default(),
        r.predicted_client_error.as_ref().map(|c| format!("0x{:X}/0x{:X}", c.code, c.extended)).unwrap_or_default(),
        nla.unwrap_or("").to_string(),
        versions.join(" "),
        cert.map(|c| c.not_after.clone()).unwrap_or_default(),
        cert.map(|c| c.days_left.to_string()).unwrap_or_default(),
        credssp.and_then(|c| c.server_version).map(|v| v.to_string()).unwrap_or_default(),
        credssp.and_then(|c| c.ntlm.as_ref()).and_then(|n| n.os_version.clone()).unwrap_or_default(),
    ];
    fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(",")
}

fn csv_field(f: &str) -> String {
    // A leading = + - @ would be a formula in a spreadsheet: quote it as text.
    let formula = f.starts_with(['=', '+', '-', '@']) && f.parse::<f64>().is_err();
    if f.contains([',', '"', '\n', '\r']) || formula {
        format!("\"{}\"", f.replace('"', "\"\""))
    } else {
        f.to_string()
    }
}

/// Order of the table: the worst verdict first.
fn verdict_rank(v: Verdict) -> u8 {
    match v.as_str() {
        "failing" => 0,
        "unreachable" => 1,
        "incomplete" => 2,
        "degraded" => 3,
        _ => 4,
    }
}

/// The human summary.
pub fn human(summary: &Summary) -> String {
    let mut out = String::new();
    let mut rows: Vec<&HostRow> = summary.rows.iter().filter(|r| r.verdict != Verdict::Unreachable).collect();
    rows.sort_by(|a, b| {
        a.top
            .map(|t| t.1)
            .cmp(&b.top.map(|t| t.1))
            .then(verdict_rank(a.verdict).cmp(&verdict_rank(b.verdict)))
            .then(a.target.cmp(&b.target))
    });
    // None sorts first for Option; hosts without findings belong last.
    rows.sort_by_key(|r| r.top.is_none());
    if !rows.is_empty() {
        let _ = writeln!(out, "{:<28} {:<16} {:<12} {:<9} TOP FINDING", "TARGET", "ADDRESS", "VERDICT", "SEVERITY");
        for r in &rows {
            let _ = writeln!(
                out,
                "{:<28} {:<16} {:<12} {:<9} {}",
                r.target,
                r.address.as_deref().unwrap_or("-"),
                r.verdict.as_str(),
                r.top.map(|t| t.1.as_str()).unwrap_or("-"),
                r.top.map_or("-", |t| t.0.as_str())
            );
        }
        out.push('\n');
    }
    let mut totals: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &summary.rows {
        for id in &r.findings {
            *totals.entry(id.as_str()).or_default() += 1;
        }
    }
    let mut totals: Vec<(&str, usize)> = totals.into_iter().collect();
    totals.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    if !totals.is_empty() {
        let _ = writeln!(out, "Findings");
        for (id, n) in totals {
            let _ = writeln!(out, "  {n:>6} host{}: {id}", if n == 1 { " " } else { "s" });
        }
        out.push('\n');
    }
    let unreachable: Vec<&HostRow> = summary.rows.iter().filter(|r| r.verdict == Verdict::Unreachable).collect();
    if !unreachable.is_empty() {
        let _ = writeln!(out, "Unreachable ({})", unreachable.len());
        for r in unreachable {
            let _ = writeln!(out, "  {:<28} {}", r.target, r.top.map_or("-", |t| t.0.as_str()));
        }
        out.push('\n');
    }
    out.push_str(&totals_line(summary));
    out.push('\n');
    out
}

/// "N hosts in S s (R hosts/s): 3 healthy, 1 failing, ...".
pub fn totals_line(summary: &Summary) -> String {
    let mut by: BTreeMap<u8, (&str, usize)> = BTreeMap::new();
    for r in &summary.rows {
        by.entry(verdict_rank(r.verdict)).or_insert((r.verdict.as_str(), 0)).1 += 1;
    }
    let secs = summary.elapsed.as_secs_f64();
    let n = summary.rows.len();
    let parts: Vec<String> = by.values().map(|(v, c)| format!("{c} {v}")).collect();
    let mut line = format!(
        "{n} host{} in {secs:.1} s ({:.0} hosts/s): {}",
        if n == 1 { "" } else { "s" },
        if secs > 0.0 { n as f64 / secs } else { 0.0 },
        if parts.is_empty() { "none".to_string() } else { parts.join(", ") }
    );
    if summary.interrupted {
        let _ = write!(line, "; interrupted: {} host(s) not scanned", summary.not_started);
    }
    line
}
