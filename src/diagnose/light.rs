//! Findings only the light probe needs (`scan --quick`, `watch`, the exporter's `quick` module):
//! with one connection there is no version scan to fall back on, so a TLS handshake that did not
//! complete on the Windows client's own path is a finding by itself.

use super::Finding;
use crate::diagnose::FindingId;
use crate::knowledge::Basis;
use crate::knowledge::disc_reason::DISC_SOCKET_CLOSED;
use crate::observations::{HandshakeOutcome, Observations};

pub(super) fn findings(obs: &Observations, out: &mut Vec<Finding>) {
    let Some(tls) = &obs.tls else { return };
    // The full TLS layer scans versions and judges a failed handshake from the scan
    // (`tls-handshake-aborted`, `-stalled`, the mismatches); only without a scan is this rule needed.
    let scanned = !tls.version_results.is_empty() || tls.aborted_every_hello || tls.stalled_after_hello;
    if scanned || tls.handshakes.is_empty() {
        return;
    }
    if tls.handshakes.iter().any(|h| h.outcome == HandshakeOutcome::Completed) {
        return;
    }
    let Some(h) = tls.handshakes.iter().find(|h| h.outcome != HandshakeOutcome::NegotiationFailed) else { return };
    let what = match h.outcome {
        HandshakeOutcome::Alert => format!(
            "the server sent TLS alert {} ({})",
            h.alert.map(|a| a.to_string()).unwrap_or_else(|| "?".into()),
            h.alert_name.as_deref().unwrap_or("?")
        ),
        HandshakeOutcome::Closed => "the server closed the connection (FIN) with no ServerHello and no alert".into(),
        HandshakeOutcome::Reset => "the server reset the connection (RST) with no ServerHello and no alert".into(),
        HandshakeOutcome::Timeout => "no answer to the ClientHello before the deadline".into(),
        _ => format!("rustls gave up: {}", h.detail.as_deref().unwrap_or("?")),
    };
    let mut f = Finding::new(
        FindingId::TlsHandshakeFailed,
        format!("The server selects {}, then the TLS handshake fails: {what}", h.selected.map_or("TLS".into(), |p| p.name().to_ascii_uppercase())),
    )
    .evidence(format!(
        "TLS handshake (rustls, offering TLS 1.2 and 1.3) on the connection where requestedProtocols {} (0x{:X}) selected {}: {what} ({:.1} ms)",
        h.request,
        h.requested_value,
        h.selected.map_or("?".into(), |p| p.name().to_ascii_uppercase()),
        h.ms
    ))
    .evidence("one connection only (light probe): run `rdp-doctor diagnose` for the version and suite scan that says why");
    if matches!(h.outcome, HandshakeOutcome::Closed | HandshakeOutcome::Reset) {
        f = f.client_error(DISC_SOCKET_CLOSED, 0, Basis::Inferred);
    }
    if h.outcome == HandshakeOutcome::Timeout {
        // The run's deadline may have cut this wait: then it is the tool's, not the server's (budget).
        f = f.from_silence();
    }
    out.push(f);
}
