//! Findings of the CredSSP layer ([MS-CSSP] 2.2.1, [MS-NLMP] 2.2.1.2) and of the opt-in credential
//! check ([MS-CSSP] 3.1.5, [MS-RDPBCGR] 2.2.10).

use super::{Finding, Severity};
use crate::diagnose::FindingId;
use crate::knowledge::credssp::{Interop, oracle_interop};
use crate::knowledge::disc_reason::DISC_SOCKET_CLOSED;
use crate::knowledge::{self, Basis, TableId, ntstatus, windows_builds};
use crate::observations::{
    AuthOutcome, AuthenticationObs, CertTrustDecision, CredsspObs, CredsspOutcome, LogonMode, Observations,
};

/// NTSTATUS codes in TSRequest.errorCode and the finding each one is ([MS-ERREF] 2.3.1; names and
/// meanings come from the knowledge table).
const STATUS_FINDINGS: &[(u32, FindingId)] = &[
    (ntstatus::STATUS_NO_SUCH_USER, FindingId::CredentialsRejected),
    (ntstatus::STATUS_WRONG_PASSWORD, FindingId::CredentialsRejected),
    (ntstatus::STATUS_LOGON_FAILURE, FindingId::CredentialsRejected),
    (ntstatus::STATUS_ACCOUNT_RESTRICTION, FindingId::AccountRestricted),
    (ntstatus::STATUS_INVALID_LOGON_HOURS, FindingId::AccountRestricted),
    (ntstatus::STATUS_INVALID_WORKSTATION, FindingId::AccountRestricted),
    (ntstatus::STATUS_PASSWORD_EXPIRED, FindingId::PasswordExpired),
    (ntstatus::STATUS_ACCOUNT_DISABLED, FindingId::AccountDisabled),
    (ntstatus::STATUS_LOGON_NOT_GRANTED, FindingId::LogonTypeNotGranted),
    (ntstatus::STATUS_LOGON_TYPE_NOT_GRANTED, FindingId::LogonTypeNotGranted),
    (ntstatus::STATUS_ACCOUNT_EXPIRED, FindingId::AccountExpired),
    (ntstatus::STATUS_PASSWORD_MUST_CHANGE, FindingId::PasswordMustChange),
    (ntstatus::STATUS_ACCOUNT_LOCKED_OUT, FindingId::AccountLocked),
];

/// The finding an NTSTATUS logon failure proves, if any.
pub(super) fn status_finding(code: u32) -> Option<FindingId> {
    STATUS_FINDINGS.iter().find(|(c, _)| *c == code).map(|(_, id)| *id)
}

fn host_name(obs: &Observations) -> String {
    obs.negotiation.as_ref().map(|n| n.address.to_string()).unwrap_or_else(|| "the server".into())
}

/// "NAME (0xC000006D): meaning" from the NTSTATUS table.
fn status_text(hex: &str) -> String {
    let code = u32::from_str_radix(hex.trim_start_matches("0x"), 16).unwrap_or(0);
    match knowledge::lookup(TableId::NtStatus, code) {
        Some(e) => format!("{} ({hex}): {}", e.name, e.meaning),
        None => format!("NTSTATUS {hex} (not in our table)"),
    }
}

pub(super) fn findings(obs: &Observations, out: &mut Vec<Finding>) {
    if let Some(c) = &obs.credssp {
        probe_findings(c, out);
    }
    if let Some(a) = &obs.authentication {
        auth_findings(obs, a, out);
    }
}

fn probe_findings(c: &CredsspObs, out: &mut Vec<Finding>) {
    let via =
        format!("over {} negotiated with requestedProtocols {}", c.selected.map_or("CredSSP", |p| p.name()), c.request);
    match c.outcome {
        CredsspOutcome::Challenge | CredsspOutcome::OtherToken => {}
        CredsspOutcome::ErrorCode => {
            let code = c.error_code.as_deref().unwrap_or("0x0");
            out.push(
                Finding::new(FindingId::CredsspFailed, "The server answered the first CredSSP message with an error")
                    .evidence(format!(
                        "TSRequest version {} in answer to an NTLM NEGOTIATE, {via}, with errorCode {}",
                        c.server_version.unwrap_or(0),
                        status_text(code)
                    )),
            );
        }
        other => {
            let (how, closed) = match other {
                CredsspOutcome::NegotiationFailed => ("the negotiation for CredSSP did not select it again", false),
                CredsspOutcome::TlsFailed => ("the TLS handshake inside CredSSP failed", false),
                CredsspOutcome::Closed => ("the server closed the connection (FIN) instead of answering", true),
                CredsspOutcome::Reset => ("the server reset the connection (RST) instead of answering", true),
                CredsspOutcome::Timeout => ("the server did not answer before the deadline", false),
                _ => ("the server's answer is not a readable TSRequest", false),
            };
            let mut f =
                Finding::new(FindingId::CredsspFailed, format!("The server broke off CredSSP: {how}")).evidence(
                    format!("step: the client's first TSRequest (version 6, NTLM NEGOTIATE), {via}, {:.1} ms", c.ms),
                );
            if let Some(d) = &c.detail {
                f = f.evidence(d.clone());
            }
            if !c.received.is_empty() {
                f = f.evidence(format!("first bytes received: {}", c.received));
            }
            if closed {
                f = f.client_error(DISC_SOCKET_CLOSED, 0, Basis::Inferred);
            }
            if other == CredsspOutcome::Timeout {
                f = f.from_silence();
            }
            out.push(f);
            return;
        }
    }
    let Some(version) = c.server_version else { return };
    let server_patched = version >= 5;
    let vname = knowledge::lookup(TableId::CredsspVersion, version).map(|e| e.name).unwrap_or("unknown version");
    let interop: Vec<String> = [(true, 0u8), (true, 1), (true, 2), (false, 1)]
        .iter()
        .filter_map(|&(client_patched, policy)| {
            let row = oracle_interop(client_patched, policy, server_patched)?;
            let client = if client_patched {
                format!("an updated client with AllowEncryptionOracle = {policy}")
            } else {
                "a client without the 2018 update".to_string()
            };
            let word = match row.outcome {
                Interop::Allowed => "connects",
                Interop::AllowedVulnerable => "connects, exposed to CVE-2018-0886",
                Interop::Blocked => "is blocked",
            };
            Some(format!("{client} {word}: {}", row.text))
        })
        .collect();
    if !server_patched {
        let mut f = Finding::new(
            FindingId::CredsspServerUnpatched,
            "The server lacks the CredSSP update for CVE-2018-0886: updated clients refuse it",
        )
        .evidence(format!(
            "the server answered with TSRequest version {version} ({vname}); the update brings version 5 or later"
        ));
        if version < 3 {
            f = f.evidence("version 2 has no errorCode field: the server cannot say why a logon fails");
        }
        for line in &interop {
            f = f.evidence(format!("interoperability (KB4093492): {line}"));
        }
        out.push(f);
    }
    if let Some(n) = &c.ntlm {
        let mut f = Finding::new(FindingId::CredsspHostInfo, host_summary(c));
        f = f.evidence(format!("CredSSP TSRequest version {version} ({vname}) {via}"));
        let names = [
            ("target name", &n.target_name),
            ("NetBIOS computer", &n.nb_computer_name),
            ("NetBIOS domain", &n.nb_domain_name),
            ("DNS computer", &n.dns_computer_name),
            ("DNS domain", &n.dns_domain_name),
            ("DNS tree", &n.dns_tree_name),
        ];
        // xrdp and FreeRDP send the name AV_PAIRs empty: an empty name is no name.
        let mut listed: Vec<String> = names.iter().filter_map(|(k, v)| named(v).map(|v| format!("{k} {v}"))).collect();
        if listed.is_empty() && names.iter().any(|(_, v)| v.is_some()) {
            listed.push("no names".into());
        }
        if let Some(t) = &n.timestamp {
            listed.push(format!("server clock {t}"));
        }
        if !listed.is_empty() {
            f = f.evidence(format!("NTLM CHALLENGE: {}", listed.join(", ")));
        }
        if let Some(v) = &n.os_version {
            let release = n.os_build.and_then(windows_builds::release);
            f = f.evidence(match release {
                Some(r) => format!(
                    "NTLM VERSION {v}: build {} is {} ({}: {}); non-Windows servers (FreeRDP, xrdp) announce a fixed value",
                    r.build, r.release, r.basis, r.source
                ),
                None => format!("NTLM VERSION {v}: a build not in our table"),
            });
        }
        if server_patched {
            for line in &interop {
                f = f.evidence(format!("interoperability (KB4093492): {line}"));
            }
        }
        out.push(f);
    }
}

/// An NTLM name, when it is one (not absent, not empty).
fn named(v: &Option<String>) -> Option<&str> {
    v.as_deref().filter(|v| !v.is_empty())
}

fn host_summary(c: &CredsspObs) -> String {
    let n = c.ntlm.as_ref();
    let name = n.and_then(|n| named(&n.dns_computer_name).or(named(&n.nb_computer_name))).unwrap_or("the server");
    let os = n.and_then(|n| n.os_version.clone()).map(|v| {
        let rel = n.and_then(|n| n.os_build).and_then(windows_builds::release);
        match rel {
            Some(r) => format!(", NTLM version {v} ({})", r.release),
            None => format!(", NTLM version {v}"),
        }
    });
    format!(
        "NLA answers: {name}{}, CredSSP version {}",
        os.unwrap_or_default(),
        c.server_version.map(|v| v.to_string()).unwrap_or_else(|| "?".into())
    )
}

fn who(a: &AuthenticationObs) -> String {
    match &a.domain {
        Some(d) => format!("{d}\\{}", a.user),
        None => a.user.clone(),
    }
}

fn auth_findings(obs: &Observations, a: &AuthenticationObs, out: &mut Vec<Finding>) {
    let host = host_name(obs);
    let user = who(a);
    let restricted = a.mode == LogonMode::RestrictedAdmin;
    let trust = a.cert_trust.map(|t| format!("certificate trust: {t}")).unwrap_or_default();
    let thumb = a.cert_sha256.as_deref().unwrap_or("?");
    match a.outcome {
        AuthOutcome::NoNla => {
            out.push(
                Finding::new(
                    FindingId::CredentialsNotChecked,
                    format!("The credentials of {user} could not be checked at the NLA layer: the server offers no CredSSP"),
                )
                .evidence("no request selected HYBRID or HYBRID_EX; the server checks credentials later, at the logon screen of the session")
                .from_silence(),
            );
        }
        AuthOutcome::NotSent => {
            let why = match a.cert_trust {
                Some(CertTrustDecision::PinMismatch) => {
                    format!("the certificate's SHA-256 thumbprint {thumb} does not match --trust-cert")
                }
                Some(CertTrustDecision::PromptDeclined) => "the certificate was declined at the prompt".into(),
                _ => format!(
                    "the certificate does not verify ({}) and there is no terminal to ask and no --trust-cert pin",
                    a.cert_verify_error.as_deref().unwrap_or("not trusted")
                ),
            };
            out.push(
                Finding::new(
                    FindingId::CredentialsNotSent,
                    format!("The credentials of {user} were not sent to {host}: {why}"),
                )
                .evidence(format!("server certificate SHA-256 thumbprint {thumb}"))
                .evidence(trust),
            );
        }
        AuthOutcome::Accepted if restricted => {
            out.push(
                Finding::new(
                    FindingId::RestrictedAdminAccepted,
                    format!("{host} accepts a restricted admin logon for {user}"),
                )
                .evidence(format!(
                    "credential-less CredSSP logon (empty TSPasswordCreds) completed, stage {}",
                    a.stage
                )),
            );
        }
        AuthOutcome::Accepted => {
            let mut f = Finding::new(FindingId::CredentialsAccepted, format!("{host} accepts the password of {user}"))
                .evidence(format!(
                    "the server verified the NTLM AUTHENTICATE and returned its pubKeyAuth (CredSSP version {}); TSCredentials sent",
                    a.server_version.unwrap_or(0)
                ));
            if let Some(v) = a.early_auth_result {
                f = f.evidence(format!(
                    "Early User Authorization Result {} (0x{v:08X})",
                    a.early_auth_name.unwrap_or("unknown")
                ));
            }
            out.push(f.evidence(trust));
        }
        AuthOutcome::ErrorCode => {
            let hex = a.error_code.as_deref().unwrap_or("0x0");
            let code = u32::from_str_radix(hex.trim_start_matches("0x"), 16).unwrap_or(0);
            let id = STATUS_FINDINGS.iter().find(|(c, _)| *c == code).map(|(_, id)| *id);
            let status = status_text(hex);
            let step = format!("at step {}, TSRequest version {}", a.stage, a.server_version.unwrap_or(0));
            let f = match id {
                Some(id) => {
                    let title = super::catalogue::def(id).title;
                    let mut f = Finding::new(id, format!("{title}: {user} on {host}"))
                        .evidence(format!("TSRequest errorCode {status}, {step}"));
                    if id == FindingId::CredentialsRejected {
                        f = f.evidence(format!("the password stored for {user} is not accepted by {host}"));
                    }
                    f
                }
                None => {
                    Finding::new(FindingId::CredsspFailed, format!("The CredSSP logon of {user} failed with {hex}"))
                        .evidence(format!("TSRequest errorCode {status}, {step}"))
                }
            };
            out.push(f);
        }
        AuthOutcome::ClosedAfterAuthenticate if restricted => {
            out.push(
                Finding::new(
                    FindingId::RestrictedAdminRefused,
                    format!("{host} refuses a restricted admin logon for {user}"),
                )
                .evidence(format!(
                    "{} (stage {})",
                    a.detail.as_deref().unwrap_or("the server closed the connection"),
                    a.stage
                )),
            );
        }
        AuthOutcome::ClosedAfterAuthenticate => {
            out.push(
                Finding::new(FindingId::CredentialsRejected, format!("The credentials of {user} are not accepted by {host}"))
                    .evidence(format!(
                        "{} (CredSSP version {}); a server without errorCode (version 2 or 5, FreeRDP) ends a failed logon this way",
                        a.detail.as_deref().unwrap_or("the server closed the connection after the AUTHENTICATE message"),
                        a.server_version.unwrap_or(0)
                    ))
                    .evidence(format!("the password stored for {user} is not accepted by {host}"))
                    .evidence("basis: inferred — the server gave no error code; a close right after the AUTHENTICATE message is how it refuses a logon")
                    .client_error(DISC_SOCKET_CLOSED, 0, Basis::Inferred),
            );
        }
        AuthOutcome::AuthorizationDenied => {
            out.push(
                Finding::new(
                    FindingId::UserNotAuthorized,
                    format!("The password of {user} is right, but {user} may not log on to {host} remotely"),
                )
                .evidence(format!(
                    "HYBRID_EX Early User Authorization Result {} (0x{:08X}) after a completed CredSSP logon",
                    a.early_auth_name.unwrap_or("unknown"),
                    a.early_auth_result.unwrap_or(0)
                )),
            );
        }
        AuthOutcome::Failed => {
            out.push(
                Finding::new(
                    FindingId::CredsspFailed,
                    format!("The CredSSP logon of {user} broke off at step {}", a.stage),
                )
                .evidence(a.detail.clone().unwrap_or_else(|| "no detail".into()))
                .evidence(trust)
                .from_silence(),
            );
        }
    }
    // Raise nothing above what the evidence says; a rejected credential check is the run's failure.
    if let Some(last) = out.last_mut()
        && last.id == FindingId::CredentialsNotSent
        && a.cert_trust == Some(CertTrustDecision::PinMismatch)
    {
        last.severity = Severity::Error;
    }
}
