//! The pure enumeration state machine of the full scan: what to offer next for one version, learning
//! from each answer. No I/O; the driver in `super` owns the sockets.

use super::*;

// ---------------------------------------------------------------------------------------------
// Enumeration state machine
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
enum Phase {
    /// Offer chunk `chunk` minus what was chosen, until refused.
    Discover {
        chunk: usize,
        remaining: Vec<u16>,
    },
    /// Re-offer everything accepted (it came from several chunks) to learn the global order.
    Order {
        remaining: Vec<u16>,
    },
    /// Offer the accepted suites in reverse once: does the server follow the client's order?
    ClientPreference,
    Done,
}

/// Pure enumeration of one version's suites.
///
/// "Offer everything, remove what was chosen, repeat": each ServerHello names the server's favourite
/// among what is still offered, so the order in which suites are chosen is the server's preference.
/// Long suite lists are split into chunks (to keep hellos near 512 bytes); when several chunks
/// contribute, the union is offered again to learn the global order.
#[derive(Debug, Clone)]
pub struct VersionEnumerator {
    version: u16,
    chunks: Vec<Vec<u16>>,
    phase: Phase,
    /// Accepted suites in discovery order, and the chunk each came from.
    found: Vec<(u16, usize)>,
    order: Vec<u16>,
    first_failure: Option<ConnOutcome>,
    first_alert: Option<u8>,
    downgraded_to: Option<u16>,
    server_preference: Option<bool>,
    detect_client_preference: bool,
    violations: Vec<Violation>,
    connections: u32,
}

/// What a [`VersionEnumerator`] learned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionEnumResult {
    pub version: u16,
    pub outcome: VersionOutcome,
    /// Accepted suites, in the server's order of preference.
    pub suites: Vec<u16>,
    /// `Some(true)` if the server imposes its own order, `Some(false)` if it follows the client's,
    /// `None` if not tested (fewer than two suites).
    pub server_preference: Option<bool>,
    pub violations: Vec<Violation>,
    pub connections: u32,
}

/// The suites offered for `version`, realistic ones first (those any server commonly picks), then
/// the exotic rest, so that one chunk usually holds everything a server accepts.
pub fn suites_for_version(version: u16) -> Vec<u16> {
    let mut v: Vec<&tls_suites::Suite> = SUITES.iter().filter(|s| s.offered_in(version)).collect();
    v.sort_by_key(|s| (exotic(s), std::cmp::Reverse(s.is_aead()), s.id));
    v.into_iter().map(|s| s.id).collect()
}

fn exotic(s: &tls_suites::Suite) -> bool {
    use tls_suites::{Cipher::*, Kx};
    let common_cipher = matches!(
        s.cipher,
        Aes128Cbc | Aes256Cbc | Aes128Gcm | Aes256Gcm | Chacha20Poly1305 | TripleDesEdeCbc | Rc4_128
    );
    let common_kx = matches!(s.kx, Kx::Any | Kx::Rsa | Kx::Dhe | Kx::Ecdhe);
    !(common_cipher && common_kx) || s.has(tls_suites::ANON) || s.has(tls_suites::EXPORT)
}

impl VersionEnumerator {
    /// `suites` in offer order; `chunk_size` suites per hello at most.
    pub fn new(version: u16, suites: Vec<u16>, chunk_size: usize, detect_client_preference: bool) -> Self {
        let chunk_size = chunk_size.max(1);
        let chunks: Vec<Vec<u16>> = suites.chunks(chunk_size).map(|c| c.to_vec()).collect();
        let phase = match chunks.first() {
            Some(c) => Phase::Discover { chunk: 0, remaining: c.clone() },
            None => Phase::Done,
        };
        Self {
            version,
            chunks,
            phase,
            found: Vec::new(),
            order: Vec::new(),
            first_failure: None,
            first_alert: None,
            downgraded_to: None,
            server_preference: None,
            detect_client_preference,
            violations: Vec::new(),
            connections: 0,
        }
    }

    pub fn version(&self) -> u16 {
        self.version
    }

    pub fn is_done(&self) -> bool {
        self.phase == Phase::Done
    }

    /// The suites to offer in the next hello, or `None` when finished.
    pub fn next_offer(&self) -> Option<Vec<u16>> {
        match &self.phase {
            Phase::Discover { remaining, .. } | Phase::Order { remaining } => Some(remaining.clone()),
            Phase::ClientPreference => Some(self.order.iter().rev().copied().collect()),
            Phase::Done => None,
        }
    }

    fn next_chunk(&mut self, chunk: usize) {
        let next = chunk + 1;
        if let Some(remaining) = self.chunks.get(next) {
            self.phase = Phase::Discover { chunk: next, remaining: remaining.clone() };
        } else {
            self.after_discovery();
        }
    }

    fn after_discovery(&mut self) {
        let mut chunks: Vec<usize> = self.found.iter().map(|(_, c)| *c).collect();
        chunks.dedup();
        if chunks.len() > 1 {
            let mut all: Vec<u16> = self.found.iter().map(|(s, _)| *s).collect();
            all.sort_unstable_by_key(|id| self.chunks.iter().flatten().position(|x| x == id));
            self.phase = Phase::Order { remaining: all };
        } else {
            self.order = self.found.iter().map(|(s, _)| *s).collect();
            self.after_order();
        }
    }

    fn after_order(&mut self) {
        self.phase =
            if self.detect_client_preference && self.order.len() >= 2 { Phase::ClientPreference } else { Phase::Done };
    }

    fn note_failure(&mut self, o: &ConnOutcome) {
        if let ConnOutcome::Alert { description, .. } = o
            && self.first_alert.is_none()
        {
            self.first_alert = Some(*description);
        }
        if self.first_failure.is_none() {
            self.first_failure = Some(o.clone());
        }
    }

    /// Learns from the answer to the hello made of `offered`.
    pub fn record(&mut self, offered: &[u16], outcome: &ConnOutcome) {
        if outcome.hello_sent() {
            self.connections += 1;
        }
        let vname = |v: u16| tls_suites::version_name(v).unwrap_or("unknown").to_string();
        let phase = std::mem::replace(&mut self.phase, Phase::Done);
        match phase {
            Phase::Done => {}
            Phase::Discover { chunk, mut remaining } => match outcome {
                ConnOutcome::ServerHello { version, suite, .. } => {
                    if *version < self.version {
                        if self.found.is_empty() {
                            self.downgraded_to = Some(*version);
                            self.phase = Phase::Done;
                        } else {
                            self.next_chunk(chunk);
                        }
                    } else if *version > self.version {
                        self.violations.push(Violation::HigherVersion {
                            offered: vname(self.version),
                            answered: format!("0x{version:04X}"),
                        });
                        self.phase = Phase::Done;
                    } else if !offered.contains(suite) || !remaining.contains(suite) {
                        self.violations.push(Violation::UnofferedSuite {
                            version: vname(self.version),
                            id: tls_suites::hex_id(*suite),
                        });
                        self.next_chunk(chunk);
                    } else {
                        self.found.push((*suite, chunk));
                        remaining.retain(|s| s != suite);
                        if remaining.is_empty() {
                            self.next_chunk(chunk);
                        } else {
                            self.phase = Phase::Discover { chunk, remaining };
                        }
                    }
                }
                ConnOutcome::Alert { description: 70, .. } if self.found.is_empty() => {
                    // protocol_version: the version itself is refused; other chunks won't help.
                    self.note_failure(outcome);
                    self.phase = Phase::Done;
                }
                ConnOutcome::Timeout { .. } | ConnOutcome::Skipped => {
                    self.note_failure(outcome);
                    if self.found.is_empty() {
                        self.phase = Phase::Done;
                    } else {
                        self.after_discovery_or_done();
                    }
                }
                ConnOutcome::ConnectFailed { .. } => {
                    self.note_failure(outcome);
                    self.phase = Phase::Done;
                }
                _ => {
                    self.note_failure(outcome);
                    self.next_chunk(chunk);
                }
            },
            Phase::Order { mut remaining } => match outcome {
                ConnOutcome::ServerHello { version, suite, .. }
                    if *version == self.version && remaining.contains(suite) =>
                {
                    self.order.push(*suite);
                    remaining.retain(|s| s != suite);
                    if remaining.is_empty() {
                        self.after_order();
                    } else {
                        self.phase = Phase::Order { remaining };
                    }
                }
                _ => {
                    // Could not finish ordering: keep what is known, then discovery order.
                    for (s, _) in &self.found {
                        if !self.order.contains(s) {
                            self.order.push(*s);
                        }
                    }
                    self.phase = Phase::Done;
                }
            },
            Phase::ClientPreference => {
                if let ConnOutcome::ServerHello { version, suite, .. } = outcome
                    && *version == self.version
                {
                    let reversed_first = self.order.last().copied();
                    self.server_preference =
                        Some(!(Some(*suite) == reversed_first && self.order.first().copied() != reversed_first));
                }
                self.phase = Phase::Done;
            }
        }
    }

    fn after_discovery_or_done(&mut self) {
        self.order = self.found.iter().map(|(s, _)| *s).collect();
        self.phase = Phase::Done;
    }

    /// What was learned (call when done; callable any time).
    pub fn result(&self) -> VersionEnumResult {
        let mut suites = self.order.clone();
        for (s, _) in &self.found {
            if !suites.contains(s) {
                suites.push(*s);
            }
        }
        let outcome = if !suites.is_empty() {
            VersionOutcome::Accepted
        } else if let Some(v) = self.downgraded_to {
            VersionOutcome::DowngradedTo { to: tls_suites::version_label(v) }
        } else if let Some(d) = self.first_alert {
            VersionOutcome::RejectedAlert { description: d, name: tls_suites::alert_name(d) }
        } else {
            match &self.first_failure {
                None | Some(ConnOutcome::Skipped) => VersionOutcome::NotTested,
                Some(ConnOutcome::Closed { .. }) => VersionOutcome::Closed,
                Some(ConnOutcome::Reset { .. }) => VersionOutcome::Reset,
                Some(ConnOutcome::Timeout { .. }) => VersionOutcome::Timeout,
                Some(ConnOutcome::NotTls { .. }) => VersionOutcome::NotTls,
                Some(ConnOutcome::Malformed { reason }) => VersionOutcome::Malformed { reason: reason.clone() },
                Some(ConnOutcome::ConnectFailed { error }) => VersionOutcome::ConnectFailed { error: error.clone() },
                Some(ConnOutcome::Alert { description, .. }) => VersionOutcome::RejectedAlert {
                    description: *description,
                    name: tls_suites::alert_name(*description),
                },
                Some(ConnOutcome::ServerHello { .. }) => VersionOutcome::Malformed { reason: "unexpected".into() },
            }
        };
        VersionEnumResult {
            version: self.version,
            outcome,
            suites,
            server_preference: self.server_preference,
            violations: self.violations.clone(),
            connections: self.connections,
        }
    }
}
