//! rdp-doctor: finds out why a Remote Desktop connection fails, proves it with evidence, and says
//! how to fix it.
//!
//! Data flows one way: [`probe`] talks to the network and records [`observations`];
//! [`diagnose`] turns observations into findings with pure functions; [`report`] renders them.
//! [`knowledge`] holds every code table; [`lab`] is the fault lab. Embed it with [`run_diagnosis`].

pub mod client;
pub mod codec;
pub mod demo;
pub mod diagnose;
pub mod evidence;
pub mod explain;
#[doc(hidden)]
pub mod fuzzing;
pub mod knowledge;
pub mod lab;
pub mod net;
pub mod observations;
pub mod probe;
pub mod rdpfile;
pub mod report;
pub mod scan;
pub mod serve;
pub mod target;
pub mod watch;

use std::time::{Duration, Instant};

/// Credentials for the opt-in credential check. The password is zeroized on drop and never printed:
/// `Debug` redacts it, and it is not `Serialize`.
#[derive(Clone)]
pub struct Credentials {
    pub user: String,
    pub domain: Option<String>,
    pub password: zeroize::Zeroizing<String>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("user", &self.user)
            .field("domain", &self.domain)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// When credentials may be sent over a TLS channel.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum CertTrust {
    /// Only when the chain verifies against the system roots for the name typed.
    #[default]
    Verify,
    /// When the leaf's SHA-256 thumbprint equals this (lowercase hex, no separators).
    Pinned(String),
    /// Whatever the certificate (labs only; the CLI prints a warning).
    AcceptAny,
}

/// A sink for the `-v` trace: one line per exchange, summarised, never secrets. The probe writes it;
/// `report::terminal::safe_trace` makes one that neutralises what came from the network.
pub type Trace = std::sync::Arc<dyn Fn(&str) + Send + Sync>;

/// What a diagnosis run may do.
#[derive(Clone)]
pub struct Options {
    /// One deadline for the whole run.
    pub timeout: Duration,
    /// Fixed pause between connection starts to one server (zero: the limiter adapts).
    pub pace: Duration,
    /// Connections in flight to one server at most (halved when it refuses or resets).
    pub max_parallel: u32,
    /// How long one wait for the server lasts at most (a reply, a handshake, a frame).
    pub patience: Duration,
    pub plan: probe::Plan,
    /// The thresholds the diagnosis judges with (`--cert-warn-days`).
    pub settings: diagnose::Settings,
    /// The `-v` trace sink.
    pub trace: Option<probe::Trace>,
    /// Credentials for the credential check (opt-in), and when they may be sent.
    pub credentials: Option<Credentials>,
    pub cert_trust: CertTrust,
    /// Asks the user to accept a certificate that does not verify (only when stdin is a terminal).
    pub cert_prompt: Option<probe::credssp::CertPrompt>,
    /// Reach the target through this RD Gateway (`--gateway`).
    pub gateway: Option<probe::gateway::GatewaySpec>,
    /// The routing token for the X.224 Connection Request (`--routing-token`, `loadbalanceinfo`).
    pub routing_token: Option<String>,
    /// The `.rdp` file the target came from: what was read and what it implies.
    pub rdp_file: Option<rdpfile::RdpFileObs>,
    /// The server's own records to cross-check the diagnosis with (`--evidence`).
    pub evidence: Option<std::sync::Arc<evidence::EvidenceObs>>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            timeout: Duration::from_secs(15),
            pace: probe::DEFAULT_PACE,
            max_parallel: probe::limiter::DEFAULT_MAX_PARALLEL,
            patience: probe::DEFAULT_PATIENCE,
            plan: probe::Plan::default(),
            settings: diagnose::Settings::default(),
            trace: None,
            credentials: None,
            cert_trust: CertTrust::default(),
            cert_prompt: None,
            gateway: None,
            routing_token: None,
            rdp_file: None,
            evidence: None,
        }
    }
}

/// How long past `--timeout` a diagnosis may run before the run as a whole is cut (its observations
/// then say only that the deadline was reached).
pub const RUN_GRACE: Duration = Duration::from_secs(2);

/// Probe `target`, diagnose what was seen, and return the report.
pub async fn run_diagnosis(target: &target::Target, opts: &Options) -> report::Report {
    let started = Instant::now();
    let mut ctx = probe::ProbeContext::new(opts.timeout);
    ctx.pace = opts.pace;
    ctx.patience = opts.patience;
    ctx.limiter = probe::Limiter::new(opts.max_parallel, opts.pace);
    ctx.trace = opts.trace.clone();
    ctx.credentials = opts.credentials.clone();
    ctx.cert_trust = opts.cert_trust.clone();
    ctx.cert_prompt = opts.cert_prompt.clone();
    ctx.routing_token = opts.routing_token.clone();
    let probe = async {
        match &opts.gateway {
            Some(gw) => probe::gateway::run(target, gw.clone(), opts.plan, &ctx).await,
            None => probe::run(target, opts.plan, &ctx).await,
        }
    };
    // Every wait is bounded by the deadline already; this bound is the backstop, so that no peer
    // behaviour can hold the process past the deadline (plus a grace to write what was seen).
    let observations = match tokio::time::timeout(opts.timeout + RUN_GRACE, probe).await {
        Ok(o) => o,
        Err(_) => {
            let mut o = observations::Observations::default();
            let mut budget = probe::plan::budget(&o, &opts.plan, &ctx);
            budget.reached = true;
            o.budget = Some(budget);
            o
        }
    };
    let mut observations = observations;
    observations.rdp_file = opts.rdp_file.clone();
    let diagnosis = diagnose::diagnose_with(&observations, &opts.settings);
    let total = (started.elapsed().as_secs_f64() * 10_000.0).round() / 10.0;
    let mut report = report::Report::new(target, observations, diagnosis, total);
    if let Some(ev) = &opts.evidence {
        evidence::join::join(&mut report, ev);
    }
    report
}

/// The light probe of `host`: ONE connection (TCP, the Windows client's X.224 request, the TLS
/// handshake on the selected path for the certificate), diagnosed by the same rules. What
/// `scan --quick`, `watch` and the exporter's `quick` module run. Uses `opts.timeout` as the deadline
/// and `opts.settings`; the rest of `opts` does not apply to one connection.
pub async fn run_light(target: &target::Target, opts: &Options) -> report::Report {
    let started = Instant::now();
    let mut ctx = probe::ProbeContext::new(opts.timeout);
    ctx.trace = opts.trace.clone();
    let observations = probe::light::run(target, &ctx).await;
    let diagnosis = diagnose::diagnose_with(&observations, &opts.settings);
    let total = (started.elapsed().as_secs_f64() * 10_000.0).round() / 10.0;
    report::Report::new(target, observations, diagnosis, total)
}
