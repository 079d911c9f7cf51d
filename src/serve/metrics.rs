//! A report as Prometheus metrics (docs/metrics.md): one registry per probe, encoded with
//! prometheus-client. Only what the report holds; nothing here probes or judges.

use crate::diagnose::Verdict;
use crate::knowledge::hex_code;
use crate::observations::{HandshakeOutcome, NegOutcome};
use crate::report::Report;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use std::sync::atomic::AtomicU64;

type Labels = Vec<(String, String)>;
type FGauge = Gauge<f64, AtomicU64>;

/// Every verdict the state set lists (the report's verdict names).
pub const VERDICTS: &[&str] = &["healthy", "degraded", "failing", "unreachable", "incomplete"];

/// Whether a probe counts as a success: the server was reached and nothing failing was found.
pub fn success(r: &Report) -> bool {
    matches!(r.verdict, Verdict::Healthy | Verdict::Degraded)
}

fn gauge(reg: &mut Registry, name: &str, help: &str, v: f64) {
    let g = FGauge::default();
    g.set(v);
    reg.register(name, help, g);
}

fn family(reg: &mut Registry, name: &str, help: &str, rows: Vec<(Labels, f64)>) {
    let f = Family::<Labels, FGauge>::default();
    for (labels, v) in rows {
        f.get_or_create(&labels).set(v);
    }
    reg.register(name, help, f);
}

fn l(pairs: &[(&str, &str)]) -> Labels {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// Seconds since the epoch of an RFC 3339 UTC time as `cert::rfc3339` writes it (YYYY-MM-DDTHH:MM:SSZ).
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok().map(|t| t.unix_timestamp())
}

/// Connections the probe opened to the server (TCP connects that were accepted).
pub fn connections_opened(r: &Report) -> u32 {
    let o = &r.observations;
    let neg = o
        .negotiation
        .as_ref()
        .map_or(0, |n| n.requests.iter().filter(|q| q.outcome != NegOutcome::ConnectFailed).count() as u32);
    // The light probe's handshake runs on its negotiation's connection.
    let light = o.tls.as_ref().is_some_and(|t| t.version_results.is_empty() && !t.stalled_after_hello);
    let tls = if light { 0 } else { o.tls.as_ref().map_or(0, |t| t.connections) };
    let credssp =
        u32::from(o.credssp.is_some()) + u32::from(o.authentication.as_ref().is_some_and(|a| a.credentials_sent));
    let session = u32::from(o.session.as_ref().is_some_and(|s| !s.stages.is_empty()));
    neg + tls + credssp + session
}

/// The report as the text `/probe` returns.
pub fn encode(r: &Report, probe_seconds: f64) -> String {
    let mut reg = Registry::default();
    gauge(
        &mut reg,
        "rdp_probe_success",
        "1 when the server was reached and no error was found (healthy or degraded)",
        if success(r) { 1.0 } else { 0.0 },
    );
    gauge(&mut reg, "rdp_probe_duration_seconds", "How long the probe took, in seconds", probe_seconds);
    let t = &r.timings_ms;
    let o = &r.observations;
    let mut layers: Vec<(Labels, f64)> = Vec::new();
    for (name, ms) in [
        ("resolve", t.resolve),
        ("connect", t.connect),
        ("negotiation", t.negotiation),
        ("tls", t.tls),
        ("credssp", o.credssp.as_ref().map(|c| c.ms)),
        ("session", o.session.as_ref().map(|s| s.ms)),
    ] {
        if let Some(ms) = ms {
            layers.push((l(&[("layer", name)]), ms / 1000.0));
        }
    }
    family(&mut reg, "rdp_layer_duration_seconds", "How long each layer of the probe took, in seconds", layers);
    let verdict = r.verdict.as_str();
    let mut states: Vec<&str> = VERDICTS.to_vec();
    if !states.contains(&verdict) {
        states.push(verdict);
    }
    family(
        &mut reg,
        "rdp_verdict",
        "The verdict as a state set: 1 for the current verdict, 0 for the others",
        states.iter().map(|v| (l(&[("verdict", v)]), if *v == verdict { 1.0 } else { 0.0 })).collect(),
    );
    family(
        &mut reg,
        "rdp_finding",
        "1 for each finding reported (docs/findings.md)",
        r.findings
            .iter()
            .map(|f| (l(&[("id", f.id.as_str()), ("severity", f.severity.as_str()), ("layer", f.layer.name())]), 1.0))
            .collect(),
    );
    if let Some(nla) = o.negotiation.as_ref().and_then(|n| n.nla_required) {
        gauge(
            &mut reg,
            "rdp_nla_required",
            "1 when the server refuses clients that do not offer CredSSP (NLA)",
            f64::from(u8::from(nla)),
        );
    }
    let mut versions: Vec<String> = o.tls.as_ref().map(|t| t.versions.clone()).unwrap_or_default();
    if versions.is_empty() {
        versions = o
            .tls
            .iter()
            .flat_map(|t| t.handshakes.iter())
            .filter(|h| h.outcome == HandshakeOutcome::Completed)
            .filter_map(|h| h.version.clone())
            .collect();
        versions.sort();
        versions.dedup();
    }
    family(
        &mut reg,
        "rdp_tls_version_supported",
        "1 for each TLS version the server accepted",
        versions.iter().map(|v| (l(&[("version", v)]), 1.0)).collect(),
    );
    if let Some(ts) = o.tls.as_ref().and_then(|t| t.certificate.as_ref()).and_then(|c| parse_rfc3339(&c.not_after)) {
        gauge(
            &mut reg,
            "rdp_cert_not_after_timestamp_seconds",
            "The leaf certificate's notAfter, in seconds since the epoch",
            ts as f64,
        );
    }
    if let Some(v) = o.credssp.as_ref().and_then(|c| c.server_version) {
        gauge(
            &mut reg,
            "rdp_credssp_server_version",
            "The TSRequest version the server's CredSSP answered with",
            f64::from(v),
        );
    }
    family(
        &mut reg,
        "rdp_predicted_client_error",
        "1 for the code pair the Windows client would show (hex)",
        r.predicted_client_error
            .iter()
            .map(|c| (l(&[("code", &hex_code(c.code)), ("extended", &hex_code(c.extended))]), 1.0))
            .collect(),
    );
    gauge(
        &mut reg,
        "rdp_connections_opened",
        "TCP connections the probe opened to the server",
        f64::from(connections_opened(r)),
    );
    let mut out = String::new();
    let _ = prometheus_client::encoding::text::encode(&mut out, &reg);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_round_trips_with_cert() {
        for ts in [0i64, 951_782_400, 1_795_075_525, 64_060_588_800] {
            assert_eq!(parse_rfc3339(&crate::probe::cert::rfc3339(ts)), Some(ts));
        }
        assert_eq!(parse_rfc3339("2026-13-01T00:00:00Z"), None);
        assert_eq!(parse_rfc3339("garbage"), None);
    }
}
