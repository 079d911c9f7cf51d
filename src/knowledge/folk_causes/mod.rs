//! The causes and fixes people are commonly given for a failed Remote Desktop connection ("open the
//! firewall", "patch CredSSP", "rename MachineKeys", …), as data: for each, the connection stage where it
//! breaks the connection, the codes it produces (the Windows client's pair, FreeRDP's code, the server's
//! status codes) with their basis, how rdp-doctor proves or rules it out, the fix, and when the fix
//! does harm. Written in our own words.
//!
//! [`judge_codes`] answers, for codes a user pasted, which of these causes fit, are ruled out or remain
//! possible. Every verdict is derived from this data: the stage the codes prove was reached, the stage
//! where each cause breaks the connection, and the explicit links between codes and causes.
//! `diagnose` judges the same table against measurements (`crate::diagnose::advice`).
//!
//! Basis of a produced code: `documented` when the code's published meaning is this failure (or the
//! status is the one the protocol carries for it), `observed` when the real FreeRDP client (xfreerdp
//! 2.11) logged it against our lab or the real servers (tests/it/folk_causes_freerdp.rs reproduces every
//! one), `inferred` when we reason from the stage and the protocol (the note says how).

mod table;

use super::{Basis, Layer, TableId};
use crate::diagnose::FindingId;
use serde::Serialize;

/// The stages of a connection, in the order a client walks them ([MS-RDPBCGR] 1.3.1.1). A stage that
/// completed proves every stage before it completed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Name resolution and the TCP connection (to the server, or to the RD Gateway when one is used).
    Network,
    /// The RD Gateway's channel to the server, when one is used ([MS-TSGU]).
    Gateway,
    /// X.224 Connection Request/Confirm: the security protocol ([MS-RDPBCGR] 2.2.1.1-2.2.1.2).
    Negotiation,
    /// The TLS handshake and the server certificate.
    Tls,
    /// CredSSP / NLA ([MS-CSSP]), when the server uses it.
    Credssp,
    /// MCS Connect Initial/Response (GCC: Standard RDP Security encryption), channel joins, security
    /// exchange ([MS-RDPBCGR] 2.2.1.3-2.2.1.10): before the I/O channel exists.
    McsConnect,
    /// Client Info, licensing, capabilities, finalization and the logon: the part where the server can
    /// say why it ends the connection (Set Error Info, [MS-RDPBCGR] 2.2.5.1.1).
    Session,
}

impl Stage {
    pub const ALL: &'static [Stage] = &[
        Stage::Network,
        Stage::Gateway,
        Stage::Negotiation,
        Stage::Tls,
        Stage::Credssp,
        Stage::McsConnect,
        Stage::Session,
    ];

    /// The stage in words, as a sentence uses it ("failed at the TLS handshake").
    pub fn name(self) -> &'static str {
        match self {
            Stage::Gateway => "the RD Gateway channel (when one is used)",
            Stage::Network => "the TCP connection",
            Stage::Negotiation => "the security negotiation (X.224)",
            Stage::Tls => "the TLS handshake",
            Stage::Credssp => "NLA (CredSSP)",
            Stage::McsConnect => "the MCS connection (encryption settings)",
            Stage::Session => "the session set-up (licensing, logon)",
        }
    }

    /// The stage as completed ("the TLS handshake completed").
    pub fn completed(self) -> &'static str {
        match self {
            Stage::Gateway => "the channel to the server was open (through the RD Gateway, if one is used)",
            Stage::Network => "the TCP connection was made",
            Stage::Negotiation => "the security negotiation completed",
            Stage::Tls => "the TLS handshake completed",
            Stage::Credssp => "NLA (where required) completed",
            Stage::McsConnect => "the MCS connection and its encryption settings were agreed",
            Stage::Session => "the session was set up",
        }
    }

    /// The stage a code's layer names. `Client` (local to the client) has none.
    pub fn from_layer(layer: Layer) -> Option<Stage> {
        match layer {
            Layer::Gateway => Some(Stage::Gateway),
            Layer::Network => Some(Stage::Network),
            Layer::Negotiation => Some(Stage::Negotiation),
            Layer::Tls => Some(Stage::Tls),
            Layer::Credssp => Some(Stage::Credssp),
            Layer::Session | Layer::Licensing => Some(Stage::Session),
            Layer::Client => None,
        }
    }

    /// The stage before this one, if any.
    pub fn previous(self) -> Option<Stage> {
        let i = Stage::ALL.iter().position(|&s| s == self)?;
        i.checked_sub(1).map(|j| Stage::ALL[j])
    }
}

/// A code that points at a cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CodeLink {
    /// The Windows client's pair: disconnect reason and extended code.
    Pair { code: u32, extended: u32 },
    /// A server errorInfo (the extended code), whatever the disconnect reason next to it
    /// (FreeRDP logs it as 0x0001XXXX).
    ErrorInfo(u32),
    /// One code of another table (RDP_NEG_FAILURE, TSRequest NTSTATUS, SSPI HRESULT, E_PROXY, FreeRDP).
    Code { table: TableId, value: u32 },
}

/// One code a cause produces, with how sure we are.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Produces {
    pub link: CodeLink,
    pub basis: Basis,
    /// Where it was seen, or why we think so.
    pub note: &'static str,
}

/// What `diagnose` would need to test a cause it could not test: the command to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Command {
    /// `rdp-doctor diagnose HOST`.
    Diagnose,
    /// `rdp-doctor diagnose HOST --user USER`: the user's own logon.
    DiagnoseUser,
    /// `rdp-doctor diagnose HOST --gateway GW`: the path through the RD Gateway.
    DiagnoseGateway,
    /// `rdp-doctor evidence PATH`: the server's event logs and registry.
    Evidence,
    /// `rdp-doctor client`: the user's Windows client.
    Client,
    /// `rdp-doctor diagnose HOST --timeout 60`: the same run with more time (the deadline cut it).
    DiagnoseLonger,
}

impl Command {
    pub fn line(self) -> &'static str {
        match self {
            Command::Diagnose => "rdp-doctor diagnose HOST",
            Command::DiagnoseUser => "rdp-doctor diagnose HOST --user USER",
            Command::DiagnoseGateway => "rdp-doctor diagnose HOST --gateway GW",
            Command::Evidence => "rdp-doctor evidence PATH",
            Command::Client => "rdp-doctor client",
            Command::DiagnoseLonger => "rdp-doctor diagnose HOST --timeout 60",
        }
    }
}

/// One commonly given cause, with its fix.
#[derive(Debug, Serialize)]
pub struct FolkCause {
    /// Stable id (kebab-case): part of the JSON of `explain` and `diagnose`.
    pub id: &'static str,
    /// The cause in a few words.
    pub cause: &'static str,
    /// The stages where it breaks a connection, in order.
    pub stages: &'static [Stage],
    /// It concerns one user's account: a stage seen working without that user's logon proves nothing.
    pub needs_user: bool,
    /// The codes it produces.
    pub produces: &'static [Produces],
    /// `diagnose` finding ids that prove it (an error finding) or show its precondition (warning, info).
    pub findings: &'static [FindingId],
    /// `diagnose` finding ids whose presence shows it is absent.
    pub absent_if: &'static [FindingId],
    /// `diagnose` finding ids whose presence shows it absent when the connection still fails here: the
    /// failure reproduced from here is not this cause. Without a failure, a cause that lies with the
    /// user's client stays possible (that client may differ).
    #[serde(skip_serializing_if = "<[FindingId]>::is_empty")]
    pub absent_if_failing: &'static [FindingId],
    /// What `rdp-doctor evidence` reads for it (event ids, registry values).
    pub evidence: &'static [&'static str],
    /// What `rdp-doctor client` checks for it on the user's machine, if it can lie there.
    pub client: Option<&'static str>,
    /// It can sit in the user's client (its policy, its saved credentials, its settings): a stage seen
    /// working from here does not rule it out.
    pub lies_with_client: bool,
    /// The command that tests it when `diagnose` could not.
    pub command: Command,
    pub fix: &'static str,
    /// When the fix is harmful.
    pub harm: &'static str,
    pub source: &'static str,
}

/// What a code proves was reached, beyond the stage its layer names.
#[derive(Debug, Serialize)]
pub struct CodeFact {
    pub table: TableId,
    pub value: u32,
    /// The last stage this code proves completed.
    pub reached: Stage,
    /// Why, in a few words ("0x904 is the close of a connected socket").
    pub proof: &'static str,
    pub basis: Basis,
    pub source: &'static str,
}

const SRC_WINSOCK: &str = "Winsock WSAAsyncSelect (FD_CLOSE, FD_CONNECT), Microsoft Learn";

/// Codes that prove more than their layer says.
pub static CODE_FACTS: &[CodeFact] = &[
    CodeFact {
        table: TableId::DiscReason,
        value: 0x304,
        reached: Stage::Network,
        proof: "0x304 is a send on a connected socket failing",
        basis: Basis::Documented,
        source: SRC_WINSOCK,
    },
    CodeFact {
        table: TableId::DiscReason,
        value: 0x404,
        reached: Stage::Network,
        proof: "0x404 is a receive on a connected socket failing",
        basis: Basis::Documented,
        source: SRC_WINSOCK,
    },
    CodeFact {
        table: TableId::DiscReason,
        value: super::disc_reason::DISC_SOCKET_CLOSED,
        reached: Stage::Network,
        proof: "0x904 is the close (FD_CLOSE) of a connected socket",
        basis: Basis::Documented,
        source: SRC_WINSOCK,
    },
];

/// What `code` of `table` proves was reached, if more than its layer says.
pub fn code_fact(table: TableId, value: u32) -> Option<&'static CodeFact> {
    CODE_FACTS.iter().find(|f| f.table == table && f.value == value)
}

pub use table::FOLK_CAUSES;

/// The cause with this id.
pub fn cause(id: &str) -> Option<&'static FolkCause> {
    FOLK_CAUSES.iter().find(|c| c.id == id)
}

// ---------------------------------------------------------------------------------------------
// Verdicts

/// How a cause relates to what was seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FolkVerdict {
    /// The codes (or the measurements) point at it.
    Fits,
    /// It cannot have produced what was seen.
    RuledOut,
    /// Nothing seen tells; `check` says what would.
    Possible,
}

impl FolkVerdict {
    pub fn word(self) -> &'static str {
        match self {
            FolkVerdict::Fits => "fits",
            FolkVerdict::RuledOut => "ruled out",
            FolkVerdict::Possible => "possible",
        }
    }
}

/// One cause judged: the `folk_causes[]` element of `explain --json` and `diagnose --json`.
#[derive(Debug, Clone, Serialize)]
pub struct Judged {
    pub id: &'static str,
    pub cause: &'static str,
    pub verdict: FolkVerdict,
    /// One line.
    pub why: String,
    /// What proves or rules it out.
    pub check: String,
}

/// What a set of codes says about the connection, as [`judge_codes`] reads it.
#[derive(Debug, Clone)]
pub struct CodeEvidence {
    /// The Windows pair, when one was given.
    pub pair: Option<(u32, u32)>,
    /// Every (table, value) the codes read as.
    pub readings: Vec<(TableId, u32)>,
    /// The stage the codes say failed, when they say it unambiguously.
    pub failed: Option<Stage>,
    /// What the codes are, in words ("errorInfo 0x7", "0x204").
    pub label: String,
    /// The last stage proven completed, and the sentence that says why.
    pub reached: Option<(Stage, String)>,
    /// A reason the server stated (an errorInfo other than 0 in the session stage).
    pub server_reason: Option<u32>,
}

/// A code that more causes than this produce (documented or observed) tells them apart no better than
/// its stage does: those causes stay `possible`.
pub const MAX_CAUSES_FOR_FIT: usize = 2;

impl CodeEvidence {
    /// Reads the codes: `pair` (disconnect reason, extended) if given, `readings` (every table entry
    /// the codes matched), `failed` (the stage the codes' layers name, if unambiguous).
    pub fn new(pair: Option<(u32, u32)>, readings: Vec<(TableId, u32)>, failed: Option<Stage>, label: String) -> Self {
        let extended = pair
            .map(|p| p.1)
            .or_else(|| readings.iter().find(|r| r.0 == TableId::ErrorInfo).map(|r| r.1))
            .filter(|&x| x != 0);
        let server_sent = extended.filter(|_| failed == Some(Stage::Session));
        let reached = if let Some(x) = server_sent {
            // A Set Error Info PDU travels on the I/O channel: everything up to the MCS connection worked.
            Some((Stage::McsConnect, format!("before the server sent errorInfo 0x{x:X}")))
        } else if let Some(f) = failed.filter(|&f| f > Stage::Network).and_then(Stage::previous) {
            Some((f, format!("before the connection failed at {} ({label})", failed.map_or("", |s| s.name()))))
        } else {
            // A code that proves more than its layer (0x904: the socket was connected).
            readings
                .iter()
                .filter_map(|&(t, v)| code_fact(t, v))
                .max_by_key(|f| f.reached)
                .map(|f| (f.reached, format!("({})", f.proof)))
        };
        CodeEvidence { pair, readings, failed, label, reached, server_reason: server_sent }
    }

    fn matches(&self, link: CodeLink) -> bool {
        match link {
            CodeLink::Pair { code, extended } => self.pair == Some((code, extended)),
            CodeLink::ErrorInfo(x) => {
                self.pair.is_some_and(|p| p.1 == x) || self.readings.contains(&(TableId::ErrorInfo, x))
            }
            CodeLink::Code { table, value } => self.readings.contains(&(table, value)),
        }
    }
}

/// The line saying how rdp-doctor proves or rules a cause out.
pub fn check_line(c: &FolkCause) -> String {
    let mut parts = Vec::new();
    if !c.findings.is_empty() {
        let cmd = if c.needs_user { Command::DiagnoseUser } else { Command::Diagnose };
        parts.push(format!(
            "{} ({})",
            cmd.line(),
            c.findings.iter().map(|f| f.as_str()).collect::<Vec<_>>().join(", ")
        ));
    } else if c.command == Command::DiagnoseGateway {
        parts.push(Command::DiagnoseGateway.line().to_string());
    }
    if let Some(first) = c.evidence.first() {
        parts.push(format!("{}: {first}", Command::Evidence.line()));
    }
    if let Some(client) = c.client {
        parts.push(format!("{}: {client}", Command::Client.line()));
    }
    parts.join("; ")
}

/// Judges every cause of the table against what the codes say.
pub fn judge_codes(ev: &CodeEvidence) -> Vec<Judged> {
    FOLK_CAUSES.iter().map(|c| judge_one(c, ev)).collect()
}

fn judge_one(c: &FolkCause, ev: &CodeEvidence) -> Judged {
    let first = c.stages.first().copied().unwrap_or(Stage::Session);
    let last = c.stages.last().copied().unwrap_or(Stage::Session);
    // The strongest link the codes match: documented or observed ones can make it fit, an inferred one
    // only keeps it possible.
    let matched: Vec<&Produces> = c.produces.iter().filter(|p| ev.matches(p.link)).collect();
    let linked = matched.iter().find(|p| p.basis != Basis::Inferred).or(matched.first()).copied();
    let sharing = linked.map_or(0, |p| {
        FOLK_CAUSES.iter().filter(|o| o.produces.iter().any(|q| q.link == p.link && q.basis != Basis::Inferred)).count()
    });
    let (verdict, why) = if let Some(p) = linked.filter(|p| p.basis == Basis::Inferred) {
        (
            FolkVerdict::Possible,
            format!(
                "{} can come from this ({}; inferred), but does not prove it; `rdp-doctor diagnose HOST` tells it apart",
                ev.label, p.note
            ),
        )
    } else if let Some(p) = linked.filter(|_| sharing <= MAX_CAUSES_FOR_FIT) {
        (FolkVerdict::Fits, format!("{}: {} ({})", ev.label, p.note, basis_word(p.basis)))
    } else if let Some(p) = linked {
        (
            FolkVerdict::Possible,
            format!(
                "{} is what this produces ({}), and so do {} other causes; `rdp-doctor diagnose HOST` tells them apart",
                ev.label,
                p.note,
                sharing - 1
            ),
        )
    } else if let Some((reached, proof)) = ev.reached.as_ref().filter(|(r, _)| *r >= last) {
        (FolkVerdict::RuledOut, format!("{} {proof}", reached_phrase(last, *reached)))
    } else if let Some(failed) = ev.failed {
        if failed < first {
            (
                FolkVerdict::RuledOut,
                format!(
                    "the connection failed at {} ({}), before {} where this breaks it",
                    failed.name(),
                    ev.label,
                    first.name()
                ),
            )
        } else if !c.stages.contains(&failed) {
            (
                FolkVerdict::RuledOut,
                format!("{} names a failure at {}, where this does not break a connection", ev.label, failed.name()),
            )
        } else if let Some(x) = ev.server_reason.filter(|_| has_errinfo_at(c)) {
            let own: Vec<String> = c
                .produces
                .iter()
                .filter_map(|p| match p.link {
                    CodeLink::ErrorInfo(v) => Some(super::hex_code(v)),
                    _ => None,
                })
                .collect();
            (
                FolkVerdict::RuledOut,
                format!(
                    "the server named its reason, errorInfo 0x{x:X}; this one sends errorInfo {}",
                    own.join(" or ")
                ),
            )
        } else {
            (
                FolkVerdict::Possible,
                format!(
                    "the connection failed at {}, where this can break it; {} does not name it",
                    failed.name(),
                    ev.label
                ),
            )
        }
    } else {
        let how = match &ev.reached {
            Some((r, proof)) => format!("{} {proof}, but {} does not say where it failed", r.completed(), ev.label),
            None => format!("{} does not say at which stage the connection failed", ev.label),
        };
        (FolkVerdict::Possible, format!("{how}; `rdp-doctor diagnose HOST` walks each stage"))
    };
    Judged { id: c.id, cause: c.cause, verdict, why, check: check_line(c) }
}

/// "the TLS handshake completed" when the cause's last stage is the one reached, else that stage's
/// completion followed by the reached one's ("the TLS handshake completed (and NLA …)").
fn reached_phrase(last: Stage, reached: Stage) -> String {
    if last == reached { reached.completed().to_string() } else { last.completed().to_string() }
}

fn has_errinfo_at(c: &FolkCause) -> bool {
    c.produces.iter().any(|p| matches!(p.link, CodeLink::ErrorInfo(_)))
}

fn basis_word(b: Basis) -> &'static str {
    match b {
        Basis::Documented => "documented",
        Basis::Observed => "observed",
        Basis::Inferred => "inferred",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_unique_stages_ordered_and_every_cause_says_how_to_check_it() {
        let mut seen = std::collections::HashSet::new();
        for c in FOLK_CAUSES {
            assert!(seen.insert(c.id), "duplicate {}", c.id);
            assert!(c.id.chars().all(|ch| ch.is_ascii_lowercase() || ch == '-'), "{}", c.id);
            assert!(!c.stages.is_empty(), "{}", c.id);
            assert!(c.stages.windows(2).all(|w| w[0] < w[1]), "{}: stages out of order", c.id);
            assert!(!c.fix.is_empty() && !c.harm.is_empty() && !c.source.is_empty(), "{}", c.id);
            assert!(!check_line(c).is_empty(), "{}", c.id);
        }
    }

    #[test]
    fn every_linked_code_is_in_the_tables() {
        for c in FOLK_CAUSES {
            for p in c.produces {
                match p.link {
                    CodeLink::Pair { code, extended } => {
                        assert!(super::super::lookup(TableId::DiscReason, code).is_some(), "{}: 0x{code:X}", c.id);
                        assert!(
                            super::super::lookup(TableId::ErrorInfo, extended).is_some(),
                            "{}: 0x{extended:X}",
                            c.id
                        );
                    }
                    CodeLink::ErrorInfo(x) => {
                        assert!(super::super::lookup(TableId::ErrorInfo, x).is_some(), "{}: errorInfo 0x{x:X}", c.id)
                    }
                    CodeLink::Code { table, value } => {
                        assert!(super::super::lookup(table, value).is_some(), "{}: {} 0x{value:X}", c.id, table.name())
                    }
                }
            }
        }
    }

    #[test]
    fn every_finding_named_is_catalogued() {
        for c in FOLK_CAUSES {
            for id in c.findings.iter().chain(c.absent_if).chain(c.absent_if_failing) {
                assert!(crate::diagnose::CATALOGUE.iter().any(|d| d.id == *id), "{}: unknown finding {id}", c.id);
            }
        }
    }
}
