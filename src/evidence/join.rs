//! The join: `diagnose HOST --evidence PATH...` cross-checks what the wire showed with what the
//! server's records say (pure: network observations and findings plus [`EvidenceObs`] in, the
//! relations out). A record that proves a network finding's cause is added to that finding's
//! evidence; a record that contradicts the wire becomes a finding of its own.

use super::rules::{self, source_ip};
use super::{EvidenceObs, RegistryObs};
use crate::diagnose::FindingId;
use crate::diagnose::{Finding, Severity, Verdict};
use crate::knowledge::events as kn;
use crate::observations::Observations;
use serde::Serialize;

/// A 4625 this close (minutes, either side, for clock skew) to the run is the run's own logon.
const SAME_TIME_MIN: i64 = 15;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// The records prove or agree with the network finding.
    Confirms,
    /// The records say otherwise than the wire.
    Contradicts,
    /// The records show a cause the wire could not see.
    Adds,
}

/// One cross-check between the wire and the records.
#[derive(Debug, Clone, Serialize)]
pub struct CrossCheck {
    pub relation: Relation,
    /// The network finding concerned, if any.
    pub network_finding: Option<FindingId>,
    /// The evidence finding (or record kind) concerned.
    pub evidence_finding: Option<FindingId>,
    pub detail: String,
}

fn reg<'a>(ev: &'a EvidenceObs, name: &str) -> Option<&'a RegistryObs> {
    ev.registry.iter().find(|r| r.name == name)
}

fn reg_num(ev: &EvidenceObs, name: &str) -> Option<u64> {
    reg(ev, name).and_then(|r| r.effective.as_deref()).and_then(super::evtx::parse_num)
}

fn where_from(r: &RegistryObs) -> &'static str {
    match r.effective_source {
        super::RegSource::Policy => "Group Policy",
        super::RegSource::Listener => "the RDP-Tcp listener",
        _ => "its key",
    }
}

/// Cross-checks `network` (what the wire showed, and the findings drawn from it) with `ev`.
/// Returns the findings to report (network findings with confirming records added, then the
/// evidence's own findings and any contradiction) and the relations.
pub fn cross_check(network: &Observations, findings: &[Finding], ev: &EvidenceObs) -> (Vec<Finding>, Vec<CrossCheck>) {
    cross_check_at(network, findings, ev, super::now_ms())
}

/// [`cross_check`] with the time of the network run (milliseconds since the epoch), to tell a 4625
/// written during the run from an older one.
pub fn cross_check_at(
    network: &Observations,
    findings: &[Finding],
    ev: &EvidenceObs,
    run_ms: i64,
) -> (Vec<Finding>, Vec<CrossCheck>) {
    let mut out: Vec<Finding> = findings.to_vec();
    let mut checks = Vec::new();
    let has = |out: &[Finding], id: &FindingId| out.iter().any(|f| f.id == *id);

    // 1. The evidence's own findings: the same id as a network finding confirms it.
    for f in rules::findings(ev) {
        if let Some(nf) = out.iter_mut().find(|n| n.id == f.id) {
            for e in &f.evidence {
                nf.evidence.push(format!("confirmed by the server's records: {e}"));
            }
            checks.push(CrossCheck {
                relation: Relation::Confirms,
                network_finding: Some(nf.id),
                evidence_finding: Some(f.id),
                detail: f.evidence.first().cloned().unwrap_or_default(),
            });
        } else {
            // Records that name the cause behind a network symptom.
            let symptom = match f.id {
                FindingId::SchannelPrivateKeyUnusable | FindingId::RdpCertNotCreated => {
                    [FindingId::TlsHandshakeAborted, FindingId::CertNotOnServer, FindingId::CredsspFailed]
                        .into_iter()
                        .find(|s| has(&out, s))
                }
                FindingId::CredsspVersionRefused => Some(FindingId::CredsspServerUnpatched).filter(|s| has(&out, s)),
                _ => None,
            };
            checks.push(CrossCheck {
                relation: if symptom.is_some() { Relation::Confirms } else { Relation::Adds },
                network_finding: symptom,
                evidence_finding: Some(f.id),
                detail: f.summary.clone(),
            });
            if let Some(s) = symptom {
                if let Some(nf) = out.iter_mut().find(|n| n.id == s) {
                    nf.evidence.push(format!("the server's records name the cause: {} ({})", f.summary, f.id));
                }
            }
            out.push(f);
        }
    }

    // 2. NLA: the registry's effective UserAuthentication against what the negotiation showed.
    if let (Some(r), Some(wire)) =
        (reg(ev, "UserAuthentication"), network.negotiation.as_ref().and_then(|n| n.nla_required))
    {
        let required = reg_num(ev, "UserAuthentication") == Some(1);
        let line = format!(
            "registry UserAuthentication = {} from {} ({}); the negotiation showed NLA {}",
            r.effective.as_deref().unwrap_or("?"),
            where_from(r),
            r.key,
            if wire { "required" } else { "not required" }
        );
        if required == wire {
            let id = if wire { FindingId::NlaRequired } else { FindingId::NlaNotRequired };
            if let Some(nf) = out.iter_mut().find(|f| f.id == id) {
                nf.evidence.push(format!("confirmed by the registry: {line}"));
            }
            checks.push(CrossCheck {
                relation: Relation::Confirms,
                network_finding: Some(id),
                evidence_finding: None,
                detail: line,
            });
        } else {
            out.push(
                Finding::new(
                    FindingId::EvidenceNlaMismatch,
                    "The registry and the wire disagree about Network Level Authentication",
                )
                .evidence(line.clone()),
            );
            checks.push(CrossCheck {
                relation: Relation::Contradicts,
                network_finding: Some(if wire { FindingId::NlaRequired } else { FindingId::NlaNotRequired }),
                evidence_finding: Some(FindingId::EvidenceNlaMismatch),
                detail: line,
            });
        }
    }

    // 3. The certificate: the registry's thumbprint (or the last self-signed one TermService made)
    //    against the SHA-1 of the certificate served.
    let served = network.tls.as_ref().and_then(|t| t.certificate.as_ref()).map(|c| c.sha1.to_ascii_uppercase());
    let named = reg(ev, "SSLCertificateSHA1Hash")
        .and_then(|r| r.effective.clone().map(|v| (v, format!("registry SSLCertificateSHA1Hash ({})", r.key))))
        .or_else(|| {
            ev.events.iter().rev().find(|e| e.provider == kn::PR_RCM && e.event_id == 1056).and_then(|e| {
                e.field("Binary").map(|b| {
                    (b.to_string(), format!("the self-signed certificate TermService created ({})", e.label()))
                })
            })
        });
    if let (Some(served), Some((thumb, whence))) = (served, named) {
        let thumb: String = thumb.chars().filter(char::is_ascii_hexdigit).collect::<String>().to_ascii_uppercase();
        let line = format!("{whence}: SHA-1 {thumb}; the server presented SHA-1 {served}");
        if thumb == served {
            checks.push(CrossCheck {
                relation: Relation::Confirms,
                network_finding: None,
                evidence_finding: None,
                detail: line,
            });
        } else {
            out.push(
                Finding::new(
                    FindingId::EvidenceCertMismatch,
                    "The certificate served is not the one the server's records name",
                )
                .evidence(line.clone()),
            );
            checks.push(CrossCheck {
                relation: Relation::Contradicts,
                network_finding: None,
                evidence_finding: Some(FindingId::EvidenceCertMismatch),
                detail: line,
            });
        }
    }

    // 4. The port: the listener's PortNumber against the port probed, when TCP failed there (a
    //    port forward to another port is normal when it works).
    let tcp_failed = [FindingId::TcpRefused, FindingId::TcpTimeout, FindingId::NotRdp].iter().any(|id| has(&out, id));
    if let (Some(port), Some(net), true) = (reg_num(ev, "PortNumber"), network.network.as_ref(), tcp_failed) {
        let probed: Vec<u16> = net.attempts.iter().map(|a| a.address.port()).collect();
        if let Some(&p) = probed.first().filter(|p| u64::from(**p) != port) {
            let line =
                format!("registry PortNumber = {port}: the RDP-Tcp listener is not on port {p}, the port probed");
            for id in [FindingId::TcpRefused, FindingId::TcpTimeout, FindingId::NotRdp] {
                if let Some(nf) = out.iter_mut().find(|f| f.id == id) {
                    nf.evidence.push(line.clone());
                }
            }
            checks.push(CrossCheck {
                relation: Relation::Contradicts,
                network_finding: None,
                evidence_finding: None,
                detail: line,
            });
        }
    }

    // 5. The logon on the wire against the Security log: the same user's 4625.
    if let Some(a) = &network.authentication {
        let wire_id = out
            .iter()
            .find(|f| f.layer == crate::knowledge::Layer::Credssp && f.severity <= Severity::Error)
            .map(|f| f.id);
        let same_user: Vec<&super::EventObs> = ev
            .events
            .iter()
            .filter(|e| e.provider == kn::PR_AUDIT && e.event_id == 4625)
            .filter(|e| e.field("TargetUserName").is_some_and(|u| u.eq_ignore_ascii_case(&a.user)))
            .collect();
        if let (Some(wire_id), Some(last)) = (wire_id, same_user.last()) {
            let st = |f: &str| {
                last.field(f).and_then(super::evtx::parse_num).and_then(|n| u32::try_from(n).ok()).unwrap_or(0)
            };
            let rec_id = crate::diagnose::status_finding(st("SubStatus"))
                .or_else(|| crate::diagnose::status_finding(st("Status")));
            let minutes = (run_ms - last.epoch_ms) / 60_000;
            let when = if minutes.abs() <= SAME_TIME_MIN {
                "at the time of this run".to_string()
            } else {
                format!("{minutes} minutes before this run")
            };
            let line = format!(
                "{}: 4625 for {}{}, {when} ({} in all for this user)",
                last.label(),
                a.user,
                source_ip(last).map(|ip| format!(" from {ip}")).unwrap_or_default(),
                same_user.len()
            );
            let relation = if rec_id == Some(wire_id) { Relation::Confirms } else { Relation::Contradicts };
            if let Some(nf) = out.iter_mut().find(|f| f.id == wire_id) {
                nf.evidence.push(match relation {
                    Relation::Confirms => format!("confirmed by the Security log: {line}"),
                    _ => {
                        format!(
                            "the Security log says otherwise ({}): {line}",
                            rec_id.map_or("an unmapped status", FindingId::as_str)
                        )
                    }
                });
            }
            checks.push(CrossCheck {
                relation,
                network_finding: Some(wire_id),
                evidence_finding: rec_id,
                detail: line,
            });
        }
    }

    out.sort_by_key(|f| f.severity);
    (out, checks)
}

/// Adds the records to a finished network report: observations, findings, cross-checks and the
/// verdict (an unreachable verdict stays; otherwise the worst finding decides, as in `diagnose`).
pub fn join(report: &mut crate::report::Report, ev: &EvidenceObs) {
    let (findings, checks) = cross_check(&report.observations, &report.findings, ev);
    report.findings = findings;
    report.cross_checks = checks;
    report.observations.evidence = Some(ev.clone());
    if report.verdict != Verdict::Unreachable {
        report.verdict = rules::verdict(&report.findings);
    }
}
