//! What the TLS layer observed (`observations.tls`): versions, suites, how each connection ended, the
//! small-MSS retry. Data only; `diagnose::tls` judges it.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::knowledge::tls_suites;

/// What one connection produced, as the state machine sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ConnOutcome {
    ServerHello {
        version: u16,
        suite: u16,
        hello_retry_request: bool,
    },
    Alert {
        level: u8,
        description: u8,
    },
    /// Orderly close (FIN) with no ServerHello and no alert.
    Closed {
        bytes: usize,
    },
    /// Connection reset with no ServerHello and no alert.
    Reset {
        bytes: usize,
    },
    /// The hello was sent, the connection stayed open, and no complete answer came in time.
    Timeout {
        bytes: usize,
    },
    NotTls {
        first_bytes: String,
    },
    Malformed {
        reason: String,
    },
    /// `open` (TCP connect + X.224) failed; no hello was sent.
    ConnectFailed {
        error: String,
    },
    /// The connection budget was used up; nothing was sent.
    Skipped,
}

impl ConnOutcome {
    pub fn hello_sent(&self) -> bool {
        !matches!(self, ConnOutcome::ConnectFailed { .. } | ConnOutcome::Skipped)
    }
}

/// How a version fared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum VersionOutcome {
    Accepted,
    RejectedAlert {
        description: u8,
        name: &'static str,
    },
    Closed,
    Reset,
    Timeout,
    /// The server answered with a lower version: the offered one is not supported.
    DowngradedTo {
        to: String,
    },
    NotTls,
    Malformed {
        reason: String,
    },
    ConnectFailed {
        error: String,
    },
    NotTested,
}

/// Protocol violations seen while enumerating (data, not verdicts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Violation {
    /// The server chose a suite that was not offered.
    UnofferedSuite { version: String, id: String },
    /// The server answered with a higher version than offered.
    HigherVersion { offered: String, answered: String },
}

/// Per-version result (`observations.tls.version_results[]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionResult {
    /// `"ssl3.0"` .. `"tls1.3"`.
    pub version: String,
    #[serde(flatten)]
    pub outcome: VersionOutcome,
    /// Whether the server imposes its own suite order (None: not tested).
    pub server_preference: Option<bool>,
    pub connections: u32,
}

/// One accepted suite (`observations.tls.suites[]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SuiteObs {
    pub version: String,
    /// `"0x0035"`.
    pub id: String,
    /// IANA name.
    pub name: String,
    /// The server's first choice in this version.
    pub preferred: bool,
    /// 1-based position in the server's order of preference.
    pub rank: u32,
    #[serde(skip)]
    pub version_code: u16,
    #[serde(skip)]
    pub id_code: u16,
}

/// Everything the scanner saw (`observations.tls`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TlsScan {
    /// Versions the server accepted, oldest first: `"tls1.2"`.
    pub versions: Vec<String>,
    /// How every tested version fared.
    pub version_results: Vec<VersionResult>,
    pub suites: Vec<SuiteObs>,
    /// The certificate chain from a TLS <= 1.2 Certificate message (DER), leaf first.
    #[serde(skip)]
    pub certificate_chain_der: Option<Vec<Vec<u8>>>,
    /// SHA-256 of each certificate in `certificate_chain_der`, hex.
    pub certificate_chain_sha256: Vec<String>,
    /// Connections that sent a hello.
    pub connections: u32,
    pub ms: u64,
    /// Every hello got a close or reset, with no ServerHello and no alert.
    pub aborted_every_hello: bool,
    /// No ServerHello and no alert anywhere, and at least one connection stayed open without a
    /// complete answer until its deadline.
    pub stalled_after_hello: bool,
    /// Bytes received on the stalled connections before their deadline (max over connections).
    pub stalled_bytes: usize,
    pub violations: Vec<Violation>,
}

impl TlsScan {
    /// Accepted version codes.
    pub fn accepted_versions(&self) -> Vec<u16> {
        self.versions.iter().filter_map(|v| tls_suites::version_code(v)).collect()
    }

    /// Accepted suites per version, in the server's order of preference.
    pub fn suites_by_version(&self) -> BTreeMap<u16, Vec<u16>> {
        let mut m: BTreeMap<u16, Vec<(u32, u16)>> = BTreeMap::new();
        for s in &self.suites {
            m.entry(s.version_code).or_default().push((s.rank, s.id_code));
        }
        m.into_iter()
            .map(|(v, mut l)| {
                l.sort_unstable();
                (v, l.into_iter().map(|(_, id)| id).collect())
            })
            .collect()
    }
}

/// Why [`connect_small_mss`] fails where a socket's MSS cannot be clamped.
pub const MSS_CLAMP_UNAVAILABLE: &str = "clamping a socket's MSS (TCP_MAXSEG) is not available on this platform";

/// Result of [`retry_small_mss`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SmallMssRetry {
    pub mss: u32,
    /// This platform cannot clamp a socket's MSS (Windows): the retry was not made.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub unavailable: bool,
    /// A ServerHello arrived on the small-MSS connection.
    pub server_hello: bool,
    pub outcome: ConnOutcome,
    pub ms: u64,
}
