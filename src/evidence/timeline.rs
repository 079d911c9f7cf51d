//! The timeline: every relevant event of all files in time order, grouped into connection attempts
//! where the records allow it (pure). Events join an attempt by source address (within
//! [`GAP_MS`] of its last event), by RdpCoreTS ActivityID, or by session id; RCM 261 (no address)
//! opens an attempt the next addressed event on that computer adopts. Whatever cannot be tied to
//! an attempt stands alone (a certificate or Schannel event, for example).

use super::rules::{self, source_ip};
use super::{EventKind, EvidenceObs};
use crate::diagnose::FindingId;
use serde::Serialize;

/// Events further apart than this from the same address are separate attempts.
pub const GAP_MS: i64 = 120_000;
/// Session events (LSM 23/24/40 by session id) join their attempt within this long.
pub const SESSION_MS: i64 = 7 * 86_400_000;
/// An RCM 261 waits this long for the addressed event that names its client.
const ADOPT_MS: i64 = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A logon was refused (Security 4625, RdpCoreTS 140, Security 4825) or the server ended it.
    Failed,
    /// The transport broke (RdpCoreTS 142/143/226).
    Dropped,
    /// A session logon succeeded (LSM 21/22, Security 4624 type 10).
    SessionStarted,
    /// Network authentication passed (RCM 1149), no session record.
    Authenticated,
    /// Only the connection was recorded.
    ConnectionOnly,
    /// One event that belongs to no attempt.
    Event,
}

#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub time: String,
    /// "RdpCoreTS/Operational 140 IPString=..." (see `rules::describe`).
    pub what: String,
}

/// One connection attempt (or one lone event).
#[derive(Debug, Clone, Serialize)]
pub struct Attempt {
    pub start: String,
    pub computer: String,
    pub source: Option<String>,
    pub outcome: Outcome,
    /// The finding id that names the cause, when the records prove one.
    pub cause: Option<crate::diagnose::FindingId>,
    pub events: Vec<Entry>,
    #[serde(skip)]
    indexes: Vec<usize>,
    #[serde(skip)]
    last_ms: i64,
    #[serde(skip)]
    activities: Vec<String>,
    #[serde(skip)]
    sessions: Vec<String>,
}

fn session_of(e: &super::EventObs) -> Option<String> {
    e.field("SessionID").or_else(|| e.field("Session")).or_else(|| e.field("TargetSession")).map(str::to_string)
}

fn standalone(kind: EventKind) -> bool {
    matches!(
        kind,
        EventKind::PrivateKeyError
            | EventKind::NoSharedCipher
            | EventKind::TlsAlert
            | EventKind::CertCreated
            | EventKind::CertFailed
            | EventKind::CredsspRefused
            | EventKind::ClientDisconnected
    )
}

/// Groups the events of `obs` (already in time order) into attempts.
pub fn attempts(obs: &EvidenceObs) -> Vec<Attempt> {
    let mut out: Vec<Attempt> = Vec::new();
    let rdp_ips = rules::rdp_addresses(obs);
    for (i, e) in obs.events.iter().enumerate() {
        // A failed logon that is not Remote Desktop (local, OpenSSH, ...) is no attempt of ours.
        if e.provider == crate::knowledge::events::PR_AUDIT
            && e.event_id == 4625
            && !rules::is_rdp_logon_failure(e, rdp_ips.get(&e.computer))
        {
            continue;
        }
        let ip = source_ip(e);
        let session = session_of(e);
        let new = |source: Option<String>| Attempt {
            start: e.time.clone(),
            computer: e.computer.clone(),
            source,
            outcome: Outcome::ConnectionOnly,
            cause: None,
            events: Vec::new(),
            indexes: Vec::new(),
            last_ms: e.epoch_ms,
            activities: Vec::new(),
            sessions: Vec::new(),
        };
        let slot = if standalone(e.kind) {
            None
        } else {
            // Search recent attempts, newest first.
            out.iter().rposition(|a| {
                let age = e.epoch_ms - a.last_ms;
                if a.computer != e.computer || age > SESSION_MS {
                    return false;
                }
                let by_session = session.as_ref().is_some_and(|s| a.sessions.contains(s));
                if age > GAP_MS {
                    return by_session;
                }
                let by_ip = ip.is_some() && a.source == ip;
                let by_activity = e.activity.as_ref().is_some_and(|x| a.activities.contains(x));
                let adopt = ip.is_some()
                    && a.source.is_none()
                    && a.outcome == Outcome::ConnectionOnly
                    && e.epoch_ms - a.last_ms <= ADOPT_MS
                    && a.indexes.len() == 1;
                by_ip || by_activity || by_session || adopt
            })
        };
        let idx = match slot {
            Some(s) => s,
            None => {
                out.push(new(ip.clone()));
                out.len() - 1
            }
        };
        let a = &mut out[idx];
        if a.source.is_none() {
            a.source = ip;
        }
        if let Some(x) = &e.activity {
            if !a.activities.contains(x) {
                a.activities.push(x.clone());
            }
        }
        if let Some(s) = session {
            if !a.sessions.contains(&s) {
                a.sessions.push(s);
            }
        }
        a.last_ms = e.epoch_ms;
        a.indexes.push(i);
        a.events.push(Entry { time: e.time.clone(), what: rules::describe(e) });
    }
    for a in &mut out {
        judge(a, obs);
    }
    out
}

/// The attempt's outcome and cause from its events, the worst first.
fn judge(a: &mut Attempt, obs: &EvidenceObs) {
    let evs: Vec<&super::EventObs> = a.indexes.iter().map(|&i| &obs.events[i]).collect();
    if evs.len() == 1 && standalone(evs[0].kind) {
        a.outcome = Outcome::Event;
        let one = EvidenceObs { events: vec![evs[0].clone()], ..EvidenceObs::default() };
        a.cause = rules::findings(&one).first().map(|f| f.id);
        return;
    }
    let sub = EvidenceObs { events: evs.iter().map(|e| (*e).clone()).collect(), ..EvidenceObs::default() };
    let findings = rules::findings(&sub);
    let has = |k: EventKind| evs.iter().any(|e| e.kind == k);
    let failing =
        findings.iter().find(|f| f.id != FindingId::RdpNetworkDrops && f.id != FindingId::ClientDisconnectRecorded);
    (a.outcome, a.cause) = if let Some(f) = failing {
        (Outcome::Failed, Some(f.id))
    } else if has(EventKind::LoggedOn) || has(EventKind::Reconnected) {
        (Outcome::SessionStarted, None)
    } else if findings.iter().any(|f| f.id == FindingId::RdpNetworkDrops) {
        (Outcome::Dropped, Some(FindingId::RdpNetworkDrops))
    } else if has(EventKind::Authenticated) {
        (Outcome::Authenticated, None)
    } else {
        (Outcome::ConnectionOnly, None)
    };
}

impl Outcome {
    pub fn word(self) -> &'static str {
        match self {
            Outcome::Failed => "failed",
            Outcome::Dropped => "dropped",
            Outcome::SessionStarted => "session started",
            Outcome::Authenticated => "authenticated",
            Outcome::ConnectionOnly => "connection only",
            Outcome::Event => "event",
        }
    }
}
