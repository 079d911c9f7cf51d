//! The advice people commonly find (`knowledge::folk_causes`), judged against what this run measured:
//! a cause **fits** when an error finding proves it, is **ruled out** when the stage where it would
//! break the connection was seen working from here (or a finding shows it absent, or shows it absent
//! from a failure reproduced here, or the connection fails earlier, or the server named another
//! reason), and stays **possible** otherwise, with the command that would test it. A pure function of
//! the observations and the findings.

use super::{Finding, Severity};
use crate::codec::x224::Protocol;
use crate::diagnose::FindingId;
use crate::knowledge::folk_causes::{
    self, CodeLink, Command, FOLK_CAUSES, FolkCause, FolkVerdict as Verdict, Judged, Stage,
};
use crate::knowledge::{self, TableId};
use crate::observations::{
    AuthOutcome, CredsspOutcome, HandshakeOutcome, NegOutcome, Observations, SessionEnd, SessionStage,
};

/// Every cause of the table, judged against `obs` and the `findings` made from it.
pub fn folk_causes(obs: &Observations, findings: &[Finding]) -> Vec<Judged> {
    FOLK_CAUSES.iter().map(|c| judge(c, obs, findings)).collect()
}

fn judge(c: &FolkCause, obs: &Observations, findings: &[Finding]) -> Judged {
    let (verdict, why, command) = verdict(c, obs, findings);
    let check = match verdict {
        Verdict::Possible => command.line().to_string(),
        _ => folk_causes::check_line(c),
    };
    Judged { id: c.id, cause: c.cause, verdict, why, check }
}

/// The verdict, its reason, and the command that would test the cause further.
fn verdict(c: &FolkCause, obs: &Observations, findings: &[Finding]) -> (Verdict, String, Command) {
    let command = command_for(c, obs);
    let tied = |f: &&Finding| c.findings.contains(&f.id);
    if let Some(f) = findings.iter().filter(|f| f.severity <= Severity::Error).find(tied) {
        return (Verdict::Fits, format!("{}: {}", f.id, f.summary), command);
    }
    if let Some(f) = findings.iter().find(|f| c.absent_if.contains(&f.id)) {
        return (Verdict::RuledOut, format!("{}: {}", f.id, f.summary), command);
    }
    // The connection fails here for a reason this cause is not: the user's password accepted at NLA,
    // then 0x904/0x7, is no wrong password.
    if let Some((_, failed)) = first_failure(findings)
        && let Some(f) = findings.iter().find(|f| c.absent_if_failing.contains(&f.id))
    {
        return (
            Verdict::RuledOut,
            format!("{}: {}; the connection fails otherwise ({})", f.id, f.summary, failed.id),
            command,
        );
    }
    if let Some(x) = obs.session.as_ref().and_then(|s| s.error_info).filter(|&x| x != 0) {
        let own: Vec<u32> = c
            .produces
            .iter()
            .filter_map(|p| match p.link {
                CodeLink::ErrorInfo(v) => Some(v),
                _ => None,
            })
            .collect();
        if !own.is_empty() && !own.contains(&x) {
            let name = knowledge::lookup(TableId::ErrorInfo, x).map_or("an unknown code", |e| e.name);
            return (
                Verdict::RuledOut,
                format!("the server named another reason: errorInfo 0x{x:X} ({name})"),
                command,
            );
        }
    }
    let first = c.stages.first().copied().unwrap_or(Stage::Session);
    if let Some((stage, f)) = first_failure(findings).filter(|(s, _)| *s < first) {
        return (Verdict::RuledOut, format!("the connection fails earlier, at {} ({})", stage.name(), f.id), command);
    }
    if let Some(f) = findings.iter().filter(|f| f.severity <= Severity::Warning).find(tied) {
        return (Verdict::Possible, format!("{}: {} — {}", f.id, f.summary, command.line()), command);
    }
    let seen: Vec<Result<String, Untested>> = c.stages.iter().map(|&s| working(obs, s, c.needs_user)).collect();
    if seen.iter().all(Result::is_ok) {
        // The deepest stage seen working says it all: it proves the ones before it.
        let how = seen.into_iter().filter_map(Result::ok).next_back().unwrap_or_default();
        if c.lies_with_client {
            return (
                Verdict::Possible,
                format!("{how} from here; the user's client may differ — {}", Command::Client.line()),
                Command::Client,
            );
        }
        return (Verdict::RuledOut, format!("{how} from here"), command);
    }
    // The first stage not seen working is the one to test.
    let not = seen.into_iter().find_map(Result::err).unwrap_or(Untested::NotAsked(String::new()));
    match not {
        // The run's own deadline is a limit of this run, not news about the server.
        Untested::NotReached(what) if findings.iter().any(|f| f.id == FindingId::DeadlineReached) => (
            Verdict::Possible,
            format!("not tested: {what} (cut by the run's deadline) — {}", Command::DiagnoseLonger.line()),
            Command::DiagnoseLonger,
        ),
        Untested::NotReached(what) | Untested::NotAsked(what) => {
            (Verdict::Possible, format!("not tested: {what} — {}", command.line()), command)
        }
    }
}

/// The command that would test `c` from where this run stopped.
fn command_for(c: &FolkCause, obs: &Observations) -> Command {
    if c.needs_user && obs.authentication.is_none() && !obs.session.as_ref().is_some_and(|s| s.credentials_sent) {
        Command::DiagnoseUser
    } else if c.command == Command::DiagnoseUser {
        // The user's logon was tried: the server's own records say more.
        Command::Evidence
    } else {
        c.command
    }
}

/// The earliest stage an error finding names, and that finding.
fn first_failure(findings: &[Finding]) -> Option<(Stage, &Finding)> {
    findings
        .iter()
        .filter(|f| f.severity <= Severity::Error)
        .filter_map(|f| Stage::from_layer(f.layer).map(|s| (s, f)))
        .min_by_key(|(s, _)| *s)
}

/// Why a stage was not seen working.
enum Untested {
    /// The run did not get that far (the connection stopped, or the deadline ended).
    NotReached(String),
    /// This run did not ask: no `--user`, no gateway.
    NotAsked(String),
}

/// How `stage` was seen working from here (`Ok`), or why it was not tested (`Err`). With `as_user`,
/// only the user's own logon counts for the stages where the user matters.
fn working(obs: &Observations, stage: Stage, as_user: bool) -> Result<String, Untested> {
    use Untested::{NotAsked, NotReached};
    let neg = obs.negotiation.as_ref();
    let no_tls = neg.is_some_and(|n| n.supports.rdp && !n.supports.tls && !n.supports.credssp);
    let no_nla = neg.is_some_and(|n| !n.supports.credssp && (n.supports.tls || n.supports.rdp));
    match stage {
        Stage::Network => match obs.network.as_ref().and_then(|n| n.connected) {
            Some(a) => Ok(format!("TCP {a} accepted the connection")),
            None => Err(NotReached("no TCP connection".into())),
        },
        Stage::Gateway => Err(NotAsked("this run went straight to the server".into())),
        Stage::Negotiation => {
            let answered = neg.and_then(|n| {
                n.requests.iter().find(|q| matches!(q.outcome, NegOutcome::Selected | NegOutcome::Legacy))
            });
            match answered {
                Some(q) => Ok(format!(
                    "the server answered the security negotiation (selected {})",
                    q.selected.unwrap_or(Protocol::Rdp).name().to_ascii_uppercase()
                )),
                None => Err(NotReached("no answer to the security negotiation".into())),
            }
        }
        Stage::Tls => {
            let done =
                obs.tls.as_ref().and_then(|t| t.handshakes.iter().find(|h| h.outcome == HandshakeOutcome::Completed));
            match done {
                Some(h) => Ok(format!(
                    "a TLS handshake completed ({} {})",
                    h.version.as_deref().unwrap_or("?"),
                    h.suite.as_deref().unwrap_or("?")
                )),
                None if no_tls => Ok("the server uses no TLS (Standard RDP Security)".into()),
                None => Err(NotReached("no TLS handshake completed".into())),
            }
        }
        Stage::Credssp => {
            if no_nla {
                return Ok("the server does not use NLA".into());
            }
            if as_user {
                return match obs.authentication.as_ref() {
                    Some(a) if a.outcome == AuthOutcome::Accepted => {
                        Ok(format!("the server accepted {}'s credentials at NLA", a.user))
                    }
                    Some(_) => Err(NotReached("the user's NLA logon failed".into())),
                    None => Err(NotAsked("the user's NLA logon was not tried".into())),
                };
            }
            match obs.credssp.as_ref() {
                Some(c) if c.outcome == CredsspOutcome::Challenge => Ok(format!(
                    "the server answered CredSSP (version {})",
                    c.server_version.map_or("?".into(), |v| v.to_string())
                )),
                _ => Err(NotReached("CredSSP not answered".into())),
            }
        }
        Stage::McsConnect => {
            let ok = obs.session.as_ref().is_some_and(|s| {
                s.stages.iter().any(|st| {
                    st.name == SessionStage::McsConnect && st.outcome == crate::observations::StageOutcome::Ok
                })
            }) || obs
                .session
                .as_ref()
                .and_then(|s| s.rdp_security.as_ref())
                .is_some_and(|r| r.methods.iter().any(|m| m.accepted));
            if ok { Ok("the MCS connection completed".into()) } else { Err(NotReached("no MCS connection".into())) }
        }
        Stage::Session => {
            if as_user && !obs.session.as_ref().is_some_and(|s| s.credentials_sent) {
                return Err(NotAsked("the user's logon was not tried".into()));
            }
            let Some(s) = obs.session.as_ref().filter(|s| s.end == SessionEnd::Established) else {
                return Err(NotReached("no session set up".into()));
            };
            Ok(if s.credentials_sent {
                "the session was set up with the user's logon".into()
            } else {
                "the connection sequence completed to the first update".into()
            })
        }
    }
}
