//! Probes: the code that talks to the network. Each layer records what it saw as observations and
//! decides nothing; `run` walks the layers in the order a real client does and stops where a layer
//! leaves nothing to build on.
//!
//! Every byte a probe reads comes from the server, so indexing, truncating casts, `unwrap` and
//! `expect` are denied as in `codec`; where an invariant truly holds the site says why in a local `allow`.
#![deny(clippy::indexing_slicing, clippy::cast_possible_truncation, clippy::unwrap_used, clippy::expect_used)]
#![cfg_attr(
    test,
    allow(clippy::indexing_slicing, clippy::cast_possible_truncation, clippy::unwrap_used, clippy::expect_used)
)]

pub mod cert;
pub mod credssp;
pub mod gateway;
pub mod light;
pub mod limiter;
pub mod network;
pub mod plan;
pub mod session;
pub mod tls;
pub mod tls_layer;
pub mod tls_scan;
pub mod x224;

use crate::observations::Observations;
use crate::target::Target;
pub use limiter::{Limiter, Permit, Priority};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

pub use crate::Trace;

/// What every probe shares: one deadline for the whole run, the patience of one wait, the
/// per-server connection limiter, the count of connections opened, and the trace.
#[derive(Clone)]
pub struct ProbeContext {
    /// When the run started.
    pub started: Instant,
    /// The run's own deadline (`--timeout`): the tool's limit, never the server's fault.
    pub deadline: Instant,
    /// How long one wait for the server may last (a reply, a handshake, a frame): silence longer
    /// than this is the server's; a wait cut shorter by `deadline` is the tool's.
    pub patience: Duration,
    /// Fixed pause between connection starts (`--pace-ms`; zero by default: the limiter adapts).
    pub pace: Duration,
    pub trace: Option<Trace>,
    /// The credential check's input (opt-in) and when credentials may be sent.
    pub credentials: Option<crate::Credentials>,
    pub cert_trust: crate::CertTrust,
    pub cert_prompt: Option<credssp::CertPrompt>,
    /// Connections to the server in flight at once, and who goes first.
    pub limiter: Limiter,
    /// TCP connections opened so far (every attempt that sent a SYN).
    pub connections: Arc<AtomicU32>,
    /// A routing token sent in place of the cookie (`--routing-token`, `loadbalanceinfo`).
    pub routing_token: Option<String>,
}

impl ProbeContext {
    pub fn new(timeout: Duration) -> Self {
        let started = Instant::now();
        ProbeContext {
            started,
            deadline: started + timeout,
            patience: DEFAULT_PATIENCE,
            pace: Duration::ZERO,
            trace: None,
            credentials: None,
            cert_trust: crate::CertTrust::default(),
            cert_prompt: None,
            limiter: Limiter::new(limiter::DEFAULT_MAX_PARALLEL, Duration::ZERO),
            connections: Arc::new(AtomicU32::new(0)),
            routing_token: None,
        }
    }

    pub fn trace(&self, line: impl AsRef<str>) {
        if let Some(t) = &self.trace {
            t(line.as_ref());
        }
    }

    /// The end of one wait that starts now: the layer's patience, or the run's deadline if sooner.
    pub fn patient(&self) -> Instant {
        self.deadline.min(Instant::now() + self.patience)
    }

    /// True once the run's deadline has passed.
    pub fn expired(&self) -> bool {
        Instant::now() >= self.deadline
    }

    /// Count one more connection to the server.
    pub fn opened(&self) {
        self.connections.fetch_add(1, Ordering::Relaxed);
    }

    /// Wait for a place among the connections in flight to the server (until the run's deadline).
    pub async fn permit(&self, priority: Priority) -> Option<Permit> {
        self.limiter.acquire(priority, self.deadline.into()).await
    }
}

/// How long one wait for the server lasts by default: long enough for a loaded server behind a lossy
/// 300 ms path (a few retransmissions), short enough to leave the run time for the other layers.
pub const DEFAULT_PATIENCE: Duration = Duration::from_secs(5);

/// The first `max` bytes of `buf` as lowercase hex: how observations keep raw bytes.
pub fn hex_prefix(buf: &[u8], max: usize) -> String {
    hex::encode(buf.get(..max).unwrap_or(buf))
}

/// Pause between connection starts to one server by default: none. The per-server limiter adapts
/// instead (at most `--max-parallel` in flight, halved when the server refuses or resets);
/// `--pace-ms` adds a fixed pause for who wants one.
pub const DEFAULT_PACE: Duration = Duration::ZERO;

/// Which layers to run, and the choices the user made for them.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    /// Stop after the negotiation layer.
    pub quick: bool,
    /// Run the credential-less (restricted admin) CredSSP logon in the credential check.
    pub restricted_admin: bool,
    /// The client profile the TLS verdict is judged for (`--client`; a name in
    /// `knowledge::client_profiles::PROFILES`).
    pub client_profile: &'static str,
    /// Skip the session layer (`--no-session`).
    pub no_session: bool,
    /// Enumerate every (version, suite) instead of the targeted TLS questions (`--full-scan`).
    pub full_scan: bool,
    /// What a Windows client alone would meet: its own request (with its TLS handshake and CredSSP on
    /// that connection), the logon, the session; no rest of the matrix, no TLS questions. Through an
    /// RD Gateway, where every connection repeats the gateway's authentication (`--gateway-light`).
    pub light: bool,
}

/// The profile judged by default: the current Windows client.
pub const DEFAULT_CLIENT_PROFILE: &str = "windows-11";

impl Default for Plan {
    fn default() -> Self {
        Plan {
            quick: false,
            restricted_admin: false,
            client_profile: DEFAULT_CLIENT_PROFILE,
            no_session: false,
            full_scan: false,
            light: false,
        }
    }
}

/// Walk the connection layer by layer, by importance (`plan::run`).
pub async fn run(target: &Target, plan: Plan, ctx: &ProbeContext) -> Observations {
    plan::run(target, plan, ctx).await
}
