//! Probes: the code that talks to the network. Each layer records what it saw as observations and
//! decides nothing; `run` walks the layers in the order a real client does and stops where a layer
//! leaves nothing to build on.

pub mod network;
pub mod session;
pub mod tls;
pub mod tls_scan;
pub mod x224;

use crate::observations::Observations;
use crate::target::Target;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A sink for the `-v` trace: one line per exchange, summarised, never secrets.
pub type Trace = Arc<dyn Fn(&str) + Send + Sync>;

/// What every probe shares: one deadline for the whole run, the pacing between connections to one
/// server, and the trace.
#[derive(Clone)]
pub struct ProbeContext {
    pub deadline: Instant,
    pub pace: Duration,
    pub trace: Option<Trace>,
    /// Credentials and certificate trust for the session layer.
    pub session: session::SessionPlan,
}

impl ProbeContext {
    pub fn new(timeout: Duration) -> Self {
        ProbeContext {
            deadline: Instant::now() + timeout,
            pace: DEFAULT_PACE,
            trace: None,
            session: Default::default(),
        }
    }

    pub fn trace(&self, line: impl AsRef<str>) {
        if let Some(t) = &self.trace {
            t(line.as_ref());
        }
    }
}

/// Pause between connection starts to one server (nmap waits 200 ms; Windows resets rapid reconnects).
pub const DEFAULT_PACE: Duration = Duration::from_millis(100);

/// Which layers to run.
#[derive(Debug, Clone, Copy, Default)]
pub struct Plan {
    /// Stop after the negotiation layer.
    pub quick: bool,
    /// Skip the session layer (`--no-session`).
    pub no_session: bool,
}

/// Walk the connection: name resolution and TCP, then X.224 negotiation on the first address
/// that accepted.
pub async fn run(target: &Target, plan: Plan, ctx: &ProbeContext) -> Observations {
    let mut obs = Observations::default();
    let net = network::probe(&target.host, target.port, ctx).await;
    let connected = net.connected;
    obs.network = Some(net);
    let Some(addr) = connected else { return obs };
    obs.negotiation = Some(x224::probe(addr, x224::MATRIX, ctx).await);
    // The session layer: the connection sequence to the first update (after the TLS/CredSSP layers).
    if !plan.quick && !plan.no_session {
        if let Some(neg) = &obs.negotiation {
            tokio::time::sleep(ctx.pace).await;
            obs.session = Some(session::probe(addr, &target.host, neg, &ctx.session, ctx).await);
        }
    }
    obs
}
