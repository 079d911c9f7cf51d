//! Findings of the RD Gateway path ([MS-TSGU] HTTP transport): the first stage that failed names the
//! cause; the gateway's certificate is judged as the Windows client judges it (it refuses a gateway
//! certificate that does not verify); a tunnel that worked gives `gateway-ok` with its transport.
//! Pure: built from `observations.gateway` only.

use super::{Finding, Severity};
use crate::diagnose::FindingId;
use crate::knowledge::{self, TableId};
use crate::observations::Observations;
use crate::observations::gateway::{GatewayObs, GatewayStage, GatewayStageObs, GatewayTransport, StageOutcome};

/// [MS-TSGU] 2.2.6 codes the rules match (full HRESULT form; the short HRESULT_CODE form also matches).
const E_PROXY_MAXCONNECTIONSREACHED: u32 = 0x59E6;
const E_PROXY_RAP_ACCESSDENIED: u32 = 0x59DA;
const E_PROXY_TS_CONNECTFAILED: u32 = 0x59DD;
/// Tunnel-authorization codes that are the CAP's (or health policy's) answer.
const CAP_CODES: &[u32] = &[0x59DB, 0x59ED, 0x59F8, 0x59F9, 0x59FB, 0x5A00];

/// What the gateway rules found: whether the gateway answered at all, and whether the target's
/// layers were probed through it.
pub(super) struct Reach {
    pub gateway: bool,
    pub target: bool,
}

/// The HRESULT with its name from the knowledge table ("E_PROXY_RAP_ACCESSDENIED (0x800759DA)").
pub fn hresult_text(code: u32) -> String {
    let entry = knowledge::lookup(TableId::GatewayHresult, code)
        .or_else(|| knowledge::lookup(TableId::GatewayHresult, code & 0xFFFF))
        .or_else(|| knowledge::lookup(TableId::GatewayHresult, 0x8007_0000 | (code & 0xFFFF)));
    match entry {
        Some(e) => format!("{} (0x{code:08X}): {}", e.name, e.meaning),
        None => format!("0x{code:08X}"),
    }
}

fn is(code: u32, short: u32) -> bool {
    code & 0xFFFF == short && (code >> 16 == 0 || code >> 16 == 0x8007)
}

fn stage_evidence(g: &GatewayObs, s: &GatewayStageObs) -> String {
    format!(
        "gateway {}:{} stage {}: {} after {:.1} ms{}{}",
        g.host,
        g.port,
        s.stage,
        s.outcome,
        s.ms,
        s.hresult.map(|h| format!(", {}", hresult_text(h))).unwrap_or_default(),
        s.detail.as_deref().map(|d| format!(" ({d})")).unwrap_or_default()
    )
}

fn http_evidence(g: &GatewayObs) -> Vec<String> {
    g.http
        .iter()
        .map(|x| {
            format!(
                "{} {} -> {}{}{}{}{}",
                x.method,
                x.path,
                x.status
                    .map(|s| format!("HTTP {s} {}", x.reason.as_deref().unwrap_or("")))
                    .unwrap_or_else(|| { format!("no HTTP answer ({})", x.error.as_deref().unwrap_or("?")) }),
                if x.offered.is_empty() {
                    String::new()
                } else {
                    format!(", WWW-Authenticate: {}", x.offered.join(", "))
                },
                x.server.as_deref().map(|s| format!(", Server: {s}")).unwrap_or_default(),
                x.content_type.as_deref().map(|c| format!(", Content-Type: {c}")).unwrap_or_default(),
                if x.html { ", an HTML page" } else { "" }
            )
        })
        .collect()
}

pub(super) fn findings(obs: &Observations, out: &mut Vec<Finding>) -> Reach {
    let Some(g) = &obs.gateway else { return Reach { gateway: false, target: false } };
    let failed = g.stages.iter().find(|s| matches!(s.outcome, StageOutcome::Failed | StageOutcome::Timeout));
    let skipped = g.stages.iter().find(|s| s.outcome == StageOutcome::Skipped);
    let tls_ok = g.stages.iter().any(|s| s.stage == GatewayStage::Tls && s.outcome == StageOutcome::Ok);
    if tls_ok {
        cert_findings(g, skipped.is_some(), out);
    }
    let mut f = |id: FindingId, summary: String, s: Option<&GatewayStageObs>| {
        let mut x = Finding::new(id, summary);
        if let Some(s) = s {
            x = x.evidence(stage_evidence(g, s));
        }
        for e in http_evidence(g) {
            x = x.evidence(e);
        }
        out.push(x);
    };
    if let Some(s) = failed {
        if s.outcome == StageOutcome::Timeout && s.stage != GatewayStage::Connect {
            // Our deadline, not the gateway's answer (a TCP connect timeout is the path's: no SYN-ACK).
            f(
                FindingId::GatewayNotChecked,
                format!("The gateway path was not checked past {}: the run's deadline ended first", s.stage),
                Some(s),
            );
            return Reach { gateway: true, target: false };
        }
        let (id, summary) = classify(g, s);
        f(id, summary, Some(s));
        // A connect that timed out is the path's silence (no SYN-ACK), unless the run's deadline cut it:
        // then the budget's gateway layer says so and the finding is not raised (`diagnose_with`).
        if s.outcome == StageOutcome::Timeout
            && let Some(x) = out.last_mut()
        {
            x.from_silence = true;
        }
        if id == FindingId::GatewayUnreachable {
            return Reach { gateway: false, target: false };
        }
        return Reach { gateway: true, target: false };
    }
    if let Some(s) = skipped {
        if g.cert_trust.is_none_or(|t| t.allows_credentials()) {
            f(
                FindingId::GatewayAuthNotChecked,
                "The RD Gateway asks for authentication and no gateway credentials were given".into(),
                Some(s),
            );
        }
        return Reach { gateway: true, target: false };
    }
    if !g.channel_closes.is_empty() {
        let codes: Vec<String> = g.channel_closes.iter().map(|c| hresult_text(*c)).collect();
        let mut x =
            Finding::new(FindingId::GatewayChannelClosed, "The RD Gateway closed channels once data had started")
                .evidence(format!("CLOSE_CHANNEL from the gateway: {}", codes.join("; ")));
        for e in http_evidence(g).into_iter().take(1) {
            x = x.evidence(e);
        }
        out.push(x);
        return Reach { gateway: true, target: g.tunnelled_probe };
    }
    // A later channel (one of the target's connections) that the gateway refused: the target's
    // findings after it are not the target's own.
    if let Some(first) = g.channel_failures.first() {
        let (id, summary) = classify(g, first);
        out.push(
            Finding::new(id, format!("{summary} (on {} of the later channels)", g.channel_failures.len()))
                .evidence(stage_evidence(g, first))
                .evidence(format!("{} channels opened, {} refused", g.channels_opened, g.channel_failures.len())),
        );
    }
    let transport = match g.transport {
        Some(GatewayTransport::Websocket) => "WebSocket (RDG_OUT_DATA upgraded)",
        Some(GatewayTransport::Legacy) => "the legacy two-channel transport (RDG_OUT_DATA + RDG_IN_DATA)",
        None => "an unknown transport",
    };
    let stages: Vec<String> = g.stages.iter().map(|s| format!("{} {:.1} ms", s.stage, s.ms)).collect();
    out.push(
        Finding::new(
            FindingId::GatewayOk,
            format!("The RD Gateway tunnel to {}:{} works over {transport}", g.target, g.target_port),
        )
        .severity(Severity::Info)
        .evidence(format!("stages: {}", stages.join(", ")))
        .evidence(format!("{} gateway channels opened by this diagnosis", g.channels_opened)),
    );
    Reach { gateway: true, target: g.tunnelled_probe }
}

/// The finding a failed stage gives: its id and summary.
fn classify(g: &GatewayObs, s: &GatewayStageObs) -> (FindingId, String) {
    let code = s.hresult.unwrap_or(0);
    // The answer to the RD Gateway methods (not to the RPC-over-HTTP check that may follow a 404).
    let last_status = g.http.iter().rev().filter(|x| x.method.starts_with("RDG_")).find_map(|x| x.status);
    match s.stage {
        GatewayStage::Resolve | GatewayStage::Connect => {
            (FindingId::GatewayUnreachable, format!("The RD Gateway {}:{} cannot be reached", g.host, g.port))
        }
        GatewayStage::Tls => (FindingId::GatewayTlsFailed, "The TLS handshake with the RD Gateway failed".into()),
        GatewayStage::OutChannel | GatewayStage::InChannel if last_status == Some(404) => {
            let rpc = match g.rpc_over_http {
                Some(true) => {
                    " (its RPC-over-HTTP endpoint /rpc/rpcproxy.dll answers: only the legacy RPC transport is on)"
                }
                _ => "",
            };
            (
                FindingId::GatewayHttpTransportDisabled,
                format!("The gateway answers 404 to RDG_OUT_DATA: the HTTP transport is not served{rpc}"),
            )
        }
        GatewayStage::OutChannel | GatewayStage::InChannel => (
            FindingId::GatewayHttpBlocked,
            format!(
                "Something in front of the gateway rejects the RD Gateway HTTP methods ({})",
                last_status.map(|s| format!("HTTP {s}")).unwrap_or_else(|| "no HTTP answer".into())
            ),
        ),
        GatewayStage::Authentication => (
            FindingId::GatewayAuthFailed,
            "The RD Gateway refused the credentials (a final 401 after the complete exchange)".into(),
        ),
        GatewayStage::TunnelCreate if is(code, E_PROXY_MAXCONNECTIONSREACHED) => {
            (FindingId::GatewayMaxConnections, "The RD Gateway has reached its maximum number of connections".into())
        }
        GatewayStage::TunnelAuthorization if CAP_CODES.iter().any(|c| is(code, *c)) => (
            FindingId::GatewayCapDenied,
            "The gateway's connection authorization policy (RD CAP) denied the user".into(),
        ),
        GatewayStage::ChannelCreate if is(code, E_PROXY_RAP_ACCESSDENIED) => (
            FindingId::GatewayRapDenied,
            format!("The gateway's resource authorization policy (RD RAP) does not let the user reach {}", g.target),
        ),
        GatewayStage::ChannelCreate if is(code, E_PROXY_TS_CONNECTFAILED) => (
            FindingId::GatewayTargetUnreachable,
            format!("The RD Gateway cannot connect to {}:{}", g.target, g.target_port),
        ),
        GatewayStage::Data if s.detail.as_deref() == Some("CLOSE_CHANNEL") => {
            (FindingId::GatewayChannelClosed, "The RD Gateway closed the channel once data had started".into())
        }
        _ => (FindingId::GatewayProtocolError, format!("The RD Gateway tunnel broke at {}", s.stage)),
    }
}

/// The Windows client's code for the gateway findings that have one (its RD Gateway codes
/// 0x3000001-0x3000050 with extended code 0, `knowledge::gateway_client`); inferred from the codes'
/// meanings: no source documents which code a gateway answer gives.
pub(super) fn predict_client_codes(obs: &Observations, out: &mut [Finding]) {
    let Some(g) = &obs.gateway else { return };
    // The E_PROXY answer that failed a stage, on the first channel or a later one.
    let answered = g
        .stages
        .iter()
        .chain(&g.channel_failures)
        .filter(|s| s.outcome == StageOutcome::Failed)
        .find_map(|s| s.hresult.and_then(knowledge::gateway_client::for_e_proxy))
        .map(|e| e.value);
    for f in out.iter_mut().filter(|f| f.client_error.is_none()) {
        let code = match f.id {
            FindingId::GatewayUnreachable => Some(0x300_000C),
            FindingId::GatewayCertUntrusted => Some(0x300_0005),
            FindingId::GatewayCertNameMismatch => Some(0x300_0006),
            FindingId::GatewayCertExpired => Some(0x300_0007),
            FindingId::GatewayAuthFailed => Some(0x300_0001),
            FindingId::GatewayCapDenied | FindingId::GatewayRapDenied | FindingId::GatewayMaxConnections => answered,
            _ => None,
        };
        if let Some(code) = code {
            f.client_error = Some(super::ClientError::new(code, 0, knowledge::Basis::Inferred));
        }
    }
}

/// The gateway certificate as the Windows client judges it: it must verify for the name typed.
fn cert_findings(g: &GatewayObs, withheld: bool, out: &mut Vec<Finding>) {
    let Some(c) = &g.certificate else { return };
    let who = format!("certificate of {} (SHA-256 {}, issuer {})", g.host, c.sha256, c.issuer);
    let trust = g
        .cert_trust
        .map(|t| {
            format!(
                "credentials {}",
                if t.allows_credentials() {
                    "sent on: an explicit trust choice or a verified chain"
                } else {
                    "withheld"
                }
            )
        })
        .unwrap_or_default();
    let mut found = false;
    if c.days_left < 0 {
        found = true;
        out.push(
            Finding::new(
                FindingId::GatewayCertExpired,
                format!("The RD Gateway certificate expired {} days ago", -c.days_left),
            )
            .evidence(format!("{who}: not after {}", c.not_after))
            .evidence(trust.clone()),
        );
    }
    if g.name_matches == Some(false) {
        found = true;
        out.push(
            Finding::new(
                FindingId::GatewayCertNameMismatch,
                format!("The RD Gateway certificate does not name {}", g.host),
            )
            .evidence(format!(
                "{who}: subjectAltName [{}], CN {}",
                c.san.join(", "),
                c.common_name.as_deref().unwrap_or("-")
            ))
            .evidence(trust.clone()),
        );
    }
    if let Some(why) = &g.verify_error
        && !found
    {
        let mut x = Finding::new(
            FindingId::GatewayCertUntrusted,
            "The RD Gateway certificate does not chain to a trusted root",
        )
        .evidence(format!("{who}: {why}"))
        .evidence(trust);
        if !withheld {
            // The user chose to trust it (pinned, accepted, --insecure-trust-any-cert), as one who
            // installs it in the trusted store: a warning; mstsc refuses it until then.
            x = x
                .severity(Severity::Warning)
                .evidence("the Windows client refuses a gateway certificate that does not verify until it is trusted on the client");
        }
        out.push(x);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observations::gateway::GatewayStageObs;

    fn obs(stages: Vec<(GatewayStage, StageOutcome, Option<u32>, Option<&str>)>) -> Observations {
        let g = GatewayObs {
            host: "gw.example.test".into(),
            port: 443,
            address: None,
            target: "rdp.example.test".into(),
            target_port: 3389,
            transport: None,
            stages: stages
                .into_iter()
                .map(|(stage, outcome, hresult, detail)| GatewayStageObs {
                    stage,
                    outcome,
                    ms: 1.0,
                    hresult,
                    detail: detail.map(str::to_string),
                })
                .collect(),
            http: vec![],
            certificate: None,
            name_matches: None,
            verify_error: None,
            cert_trust: None,
            rpc_over_http: None,
            channels_opened: 0,
            channel_closes: vec![],
            channel_failures: vec![],
            tunnelled_probe: false,
        };
        Observations { gateway: Some(g), ..Observations::default() }
    }

    fn ids(o: &Observations) -> Vec<&'static str> {
        let mut out = Vec::new();
        findings(o, &mut out);
        out.iter().map(|f| f.id.as_str()).collect()
    }

    #[test]
    fn handshake_error_is_a_protocol_error() {
        let o = obs(vec![(GatewayStage::Handshake, StageOutcome::Failed, Some(0x8007_59E8), None)]);
        assert_eq!(ids(&o), [FindingId::GatewayProtocolError]);
        let mut out = Vec::new();
        findings(&o, &mut out);
        assert!(out[0].evidence.iter().any(|e| e.contains("E_PROXY_NOTSUPPORTED")), "{:?}", out[0].evidence);
    }

    #[test]
    fn a_later_channel_refused_is_reported() {
        let mut o = obs(vec![(GatewayStage::Data, StageOutcome::Ok, None, None)]);
        let g = o.gateway.as_mut().unwrap();
        g.tunnelled_probe = true;
        g.channel_failures.push(GatewayStageObs {
            stage: GatewayStage::TunnelCreate,
            outcome: StageOutcome::Failed,
            ms: 1.0,
            hresult: Some(0x8007_59E6),
            detail: None,
        });
        assert_eq!(ids(&o), [FindingId::GatewayMaxConnections, FindingId::GatewayOk]);
    }

    #[test]
    fn our_deadline_is_not_a_gateway_fault() {
        let o = obs(vec![(GatewayStage::TunnelAuthorization, StageOutcome::Timeout, None, None)]);
        assert_eq!(ids(&o), [FindingId::GatewayNotChecked]);
    }

    #[test]
    fn short_and_full_forms_match() {
        for code in [0x8007_59E6, 0x0000_59E6] {
            let o = obs(vec![(GatewayStage::TunnelCreate, StageOutcome::Failed, Some(code), None)]);
            assert_eq!(ids(&o), [FindingId::GatewayMaxConnections]);
        }
        assert!(hresult_text(0x8007_59E6).starts_with("E_PROXY_MAXCONNECTIONSREACHED"));
    }
}
