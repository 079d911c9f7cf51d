//! Findings of the session layer: how the RDP connection sequence ended ([MS-RDPBCGR] 1.3.1.1), and
//! the Standard RDP Security encryption a server offers (2.2.1.4.3).

use super::{Finding, FindingId};
use crate::knowledge::disc_reason::{DISC_LICENSING_FAILED, DISC_SOCKET_CLOSED};
use crate::knowledge::errinfo::{
    ERRINFO_SERVER_DENIED_CONNECTION, ERRINFO_SERVER_DENIED_CONNECTION_FIPS, ERRINFO_SERVER_FRESH_CREDENTIALS_REQUIRED,
    ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES,
};
use crate::knowledge::{self, Basis, TableId};
use crate::observations::{FrameKind, Observations, SessionEnd, SessionObs, SessionStage, StageOutcome};

/// The licensing errorInfo range (ERRINFO_LICENSE_*).
const ERRINFO_LICENSE: std::ops::RangeInclusive<u32> = 0x100..=0x10A;
/// Licensing dwErrorCode that is not an error ([MS-RDPELE] 2.2.2.7.1).
const STATUS_VALID_CLIENT: u32 = 0x7;
/// ErrorNotificationType values that mean the logon failed ([MS-RDPBCGR] 2.2.10.1.1.4.1.1).
const LOGON_FAILED_OTHER: u32 = 0xFFFF_FFFF;
const LOGON_MSG_NO_PERMISSION: u32 = 0xFFFF_FFFA;
const LOGON_MSG_SESSION_TERMINATE: u32 = 0xFFFF_FFFD;
const LOGON_WARNING: u32 = 0x3;

fn name(t: TableId, v: u32) -> String {
    match knowledge::lookup(t, v) {
        Some(e) => format!("{} (0x{v:X})", e.name),
        None => format!("0x{v:X} (not in the {} table)", t.name()),
    }
}

fn meaning(t: TableId, v: u32) -> &'static str {
    knowledge::lookup(t, v).map_or("a code this tool does not know", |e| e.meaning)
}

fn stages_line(s: &SessionObs) -> String {
    let parts: Vec<String> = s
        .stages
        .iter()
        .map(|st| {
            let mark = match st.outcome {
                StageOutcome::Ok => "",
                StageOutcome::Failed => " FAILED",
                StageOutcome::NotChecked => " not checked",
            };
            format!("{} {:.1} ms{mark}", st.name, st.ms)
        })
        .collect();
    format!("stages: {}", parts.join(", "))
}

/// `f` with `line` as evidence when there is one (an absent or blank text is no evidence).
fn evidence_if(f: Finding, line: Option<&String>) -> Finding {
    match line.filter(|l| !l.trim().is_empty()) {
        Some(l) => f.evidence(l.clone()),
        None => f,
    }
}

/// Evidence common to every ending: where it ended and the frames that ended it.
fn ending_evidence(mut f: Finding, s: &SessionObs) -> Finding {
    f = f.evidence(format!(
        "the connection sequence over {} ended in stage {} ({})",
        s.protocol.map_or("?".to_ascii_uppercase(), |p| p.name().to_ascii_uppercase()),
        s.ended_in.map_or_else(|| "?".to_string(), |st| st.to_string()),
        match s.end {
            SessionEnd::ServerEnded => "ended by the server",
            SessionEnd::Closed => "TCP closed",
            SessionEnd::Reset => "TCP reset",
            SessionEnd::Timeout => "no answer",
            SessionEnd::Redirected => "redirected",
            _ => "stopped",
        }
    ));
    for fr in s.server_frames.iter().rev().take(3).rev() {
        if matches!(
            fr.kind,
            FrameKind::SetErrorInfo
                | FrameKind::DisconnectProviderUltimatum
                | FrameKind::LicenseError
                | FrameKind::SaveSessionInfo
        ) {
            f = f.evidence(format!("server sent {} in {}: {}", fr.kind, fr.stage, fr.summary));
        }
    }
    if let Some(r) = s.disconnect_reason {
        f = f.evidence(format!("MCS Disconnect Provider Ultimatum, reason {}", name(TableId::McsReason, r as u32)));
    }
    f.evidence(stages_line(s))
}

pub(super) fn findings(obs: &Observations, out: &mut Vec<Finding>) {
    let Some(s) = &obs.session else { return };
    if let Some(sec) = &s.rdp_security {
        rdp_security(s, sec, out);
    }
    if !s.checked {
        let f = Finding::new(FindingId::SessionNotChecked, "The session layer (connection sequence) was not checked")
            .from_silence();
        out.push(evidence_if(f, s.not_checked.as_ref()));
        return;
    }
    let creds = s.credentials_sent;
    let nla = s.over_nla();
    if let Some(code) = s.error_info.filter(|&c| c != 0) {
        let pair = |f: Finding, basis| f.client_error(DISC_SOCKET_CLOSED, code, basis);
        let errinfo = name(TableId::ErrorInfo, code);
        let f = match code {
            ERRINFO_SERVER_DENIED_CONNECTION => {
                let mut f = Finding::new(
                    FindingId::ServerDeniedConnection,
                    "The server refused the connection after it was set up (ERRINFO_SERVER_DENIED_CONNECTION)",
                )
                .evidence(format!("Set Error Info {errinfo}: {}", meaning(TableId::ErrorInfo, code)));
                // The causes that fit what was seen so far.
                if nla {
                    f = f.evidence("NLA (CredSSP) succeeded, so the password was right: the refusal is a policy on this user or this connection");
                } else if creds {
                    f = f.evidence(
                        "credentials were sent by auto-logon on a server without NLA: a rejected logon is one cause",
                    );
                } else {
                    f = f.evidence("no credentials were sent: the server refused before any logon, so the refusal is about the connection, not a password");
                }
                pair(f, Basis::Observed)
            }
            ERRINFO_SERVER_DENIED_CONNECTION_FIPS => pair(
                Finding::new(FindingId::ServerDeniedFips, "The server refused the connection for FIPS compliance")
                    .evidence(format!("Set Error Info {errinfo}: {}", meaning(TableId::ErrorInfo, code))),
                Basis::Inferred,
            ),
            ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES => pair(
                Finding::new(FindingId::ServerInsufficientPrivileges, "The user may not connect to this server")
                    .evidence(format!("Set Error Info {errinfo}: {}", meaning(TableId::ErrorInfo, code))),
                Basis::Inferred,
            ),
            ERRINFO_SERVER_FRESH_CREDENTIALS_REQUIRED => pair(
                Finding::new(
                    FindingId::FreshCredentialsRequired,
                    "The server wants the password typed for this connection",
                )
                .evidence(format!("Set Error Info {errinfo}: {}", meaning(TableId::ErrorInfo, code))),
                Basis::Inferred,
            ),
            c if ERRINFO_LICENSE.contains(&c) => {
                let mut f =
                    Finding::new(FindingId::LicensingFailed, "Licensing failed: the server has no license to give")
                        .evidence(format!("Set Error Info {errinfo}: {}", meaning(TableId::ErrorInfo, code)));
                if let Some(l) = s.license_error {
                    f = f.evidence(license_line(l.code, l.state_transition));
                }
                pair(f, Basis::Inferred)
            }
            _ => pair(
                Finding::new(
                    FindingId::DisconnectedByServer,
                    format!(
                        "The server ended the connection: {}",
                        knowledge::lookup(TableId::ErrorInfo, code)
                            .map_or("an errorInfo this tool does not know", |e| e.name)
                    ),
                )
                .evidence(format!("Set Error Info {errinfo}: {}", meaning(TableId::ErrorInfo, code))),
                Basis::Inferred,
            ),
        };
        out.push(ending_evidence(f, s));
        return;
    }
    if let Some(l) = s.license_error.filter(|l| l.code != STATUS_VALID_CLIENT) {
        let f = Finding::new(
            FindingId::LicensingFailed,
            format!(
                "Licensing failed: {}",
                knowledge::lookup(TableId::LicenseError, l.code).map_or("unknown code", |e| e.name)
            ),
        )
        .evidence(license_line(l.code, l.state_transition))
        .client_error(DISC_LICENSING_FAILED, 0, Basis::Inferred);
        out.push(ending_evidence(f, s));
        return;
    }
    if let Some(le) = s.logon_errors.iter().find(|e| {
        matches!(e.notification_type, LOGON_MSG_NO_PERMISSION | LOGON_MSG_SESSION_TERMINATE)
            || (e.notification_type == LOGON_FAILED_OTHER && e.notification_data != LOGON_WARNING)
    }) {
        // The ErrorNotificationData meanings say "The logon failed: …" themselves.
        let data = knowledge::lookup(TableId::LogonErrorData, le.notification_data);
        let summary = match (le.notification_type, data) {
            (LOGON_FAILED_OTHER, Some(e)) => e.meaning.to_string(),
            (LOGON_FAILED_OTHER, None) => {
                format!("The logon failed: {}", meaning(TableId::LogonErrorData, le.notification_data))
            }
            (t, _) => format!("The logon failed: {}", meaning(TableId::LogonNotification, t)),
        };
        let mut f = Finding::new(FindingId::LogonFailed, summary).evidence(format!(
            "Save Session Info logon error: ErrorNotificationType {}, ErrorNotificationData {}",
            name(TableId::LogonNotification, le.notification_type),
            if le.notification_type == LOGON_FAILED_OTHER {
                name(TableId::LogonErrorData, le.notification_data)
            } else {
                format!("0x{:X}", le.notification_data)
            }
        ));
        if creds && !nla {
            f = f.evidence("the credentials were sent by auto-logon (Client Info) on a server without NLA");
        }
        out.push(ending_evidence(f, s));
        return;
    }
    if let Some(r) = &s.redirection {
        let to = r.target.as_deref().or(r.target_fqdn.as_deref()).unwrap_or("(no address)");
        let mut f = Finding::new(FindingId::Redirected, format!("The server redirects this connection to {to}"))
            .evidence(format!("Server Redirection PDU: session id {}, target {to}", r.session_id));
        if let Some(fq) = &r.target_fqdn {
            f = f.evidence(format!("target FQDN {fq}"));
        }
        if let Some(lb) = &r.load_balance_info {
            f = f.evidence(format!("load-balance info {lb}"));
        }
        out.push(f.evidence(stages_line(s)));
        return;
    }
    match s.end {
        SessionEnd::Established => {
            let total: f64 = s.stages.iter().filter(|st| st.name != SessionStage::Disconnect).map(|st| st.ms).sum();
            let mut f = Finding::new(
                FindingId::SessionEstablished,
                format!(
                    "The connection sequence completed in {total:.0} ms{}",
                    if s.first_update { " and the first update arrived" } else { "" }
                ),
            )
            .evidence(stages_line(s));
            if s.disconnected_cleanly {
                f = f.evidence(
                    "rdp-doctor then disconnected (MCS Disconnect Provider Ultimatum): no session is left behind",
                );
            }
            out.push(f);
        }
        SessionEnd::Timeout => {
            // Silence is not an ending: the server closed nothing and sent no reason.
            let waited = s.ended_in.and_then(|e| s.stages.iter().rev().find(|st| st.name == e)).map(|st| st.ms);
            let stage = s.ended_in.map_or_else(|| "?".to_string(), |st| st.to_string());
            let f = Finding::new(
                FindingId::SessionStalled,
                format!(
                    "The server stopped answering in stage {stage} of the connection sequence{}",
                    waited.map(|ms| format!(": nothing came for {:.1} s", ms / 1000.0)).unwrap_or_default()
                ),
            )
            .from_silence()
            .evidence(format!(
                "waited in stage {stage}{} with the connection open; no PDU, no close, no reset",
                waited.map(|ms| format!(" {ms:.0} ms")).unwrap_or_default()
            ));
            out.push(ending_evidence(evidence_if(f, s.error.as_ref()), s));
        }
        SessionEnd::ServerEnded | SessionEnd::Closed | SessionEnd::Reset => {
            let why = match s.disconnect_reason {
                Some(r) => knowledge::lookup(TableId::McsReason, r as u32).map_or("an unknown MCS reason", |e| e.name),
                None => "no reason given",
            };
            let f = Finding::new(
                FindingId::DisconnectedByServer,
                format!("The server ended the connection sequence ({why})"),
            )
            .client_error(DISC_SOCKET_CLOSED, 0, Basis::Inferred)
            .from_silence();
            out.push(ending_evidence(evidence_if(f, s.error.as_ref()), s));
        }
        _ => {
            let f =
                Finding::new(FindingId::SessionIncomplete, "The connection sequence stopped before it was established")
                    .from_silence();
            out.push(ending_evidence(evidence_if(f, s.error.as_ref()), s));
        }
    }
}

fn license_line(code: u32, st: u32) -> String {
    format!(
        "Licensing Error Message dwErrorCode {}: {}; dwStateTransition {}",
        name(TableId::LicenseError, code),
        meaning(TableId::LicenseError, code),
        name(TableId::LicenseState, st)
    )
}

// encryptionMethod bits ([MS-RDPBCGR] 2.2.1.4.3).
const METHOD_40: u32 = 0x01;
const METHOD_56: u32 = 0x08;
const METHOD_FIPS: u32 = 0x10;

fn rdp_security(s: &SessionObs, sec: &crate::observations::RdpSecurityObs, out: &mut Vec<Finding>) {
    let accepted: Vec<u32> = sec.methods.iter().filter(|m| m.accepted).map(|m| m.offered).collect();
    let mut lines: Vec<String> = sec
        .methods
        .iter()
        .map(|m| {
            format!(
                "offered {} alone: {}",
                name(TableId::EncryptionMethod, m.offered),
                match (m.accepted, m.selected) {
                    (true, _) => "accepted".to_string(),
                    (false, Some(v)) => format!("answered with {}", name(TableId::EncryptionMethod, v)),
                    (false, None) => m.detail.clone().unwrap_or_else(|| "refused".into()),
                }
            )
        })
        .collect();
    if let Some(l) = sec.encryption_level {
        lines.push(format!(
            "encryption level {}: {}",
            name(TableId::EncryptionLevel, l),
            meaning(TableId::EncryptionLevel, l)
        ));
    }
    let _ = s;
    if accepted == [METHOD_FIPS] {
        let mut f =
            Finding::new(FindingId::FipsRequired, "The server accepts only FIPS encryption (Standard RDP Security)");
        for l in &lines {
            f = f.evidence(l.clone());
        }
        out.push(f.client_error(DISC_SOCKET_CLOSED, ERRINFO_SERVER_DENIED_CONNECTION_FIPS, Basis::Inferred));
    }
    // ENCRYPTION_LEVEL_NONE is valid only under TLS or CredSSP (2.2.1.4.3); with Standard RDP Security it
    // means a cleartext session.
    if sec.encryption_level == Some(0) && accepted.is_empty() && sec.methods.iter().any(|m| m.selected == Some(0)) {
        let mut f = Finding::new(
            FindingId::RdpNoEncryption,
            "Standard RDP Security with no encryption at all: the session, typed passwords included, crosses the network in clear text",
        );
        for l in &lines {
            f = f.evidence(l.clone());
        }
        out.push(f);
    }
    if !accepted.is_empty() {
        // One severity, the catalogue's warning, for short RC4 keys and for 128-bit RC4 or FIPS 3DES
        // without TLS alike (docs/findings.md); the summary says which.
        let weak = accepted.iter().any(|&m| m == METHOD_40 || m == METHOD_56);
        let mut f = Finding::new(
            FindingId::WeakRdpEncryption,
            if weak {
                "The server accepts 40- or 56-bit RC4 (Standard RDP Security without TLS)"
            } else {
                "The session is protected by Standard RDP Security (RC4 or 3DES without TLS, no server authentication)"
            },
        );
        for l in &lines {
            f = f.evidence(l.clone());
        }
        out.push(f);
    }
}
