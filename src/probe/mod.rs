//! Probes: the code that talks to the network. Each layer records what it saw as observations and
//! decides nothing; `run` walks the layers in the order a real client does and stops where a layer
//! leaves nothing to build on.

pub mod cert;
pub mod credssp;
pub mod light;
pub mod network;
pub mod ntlm;
pub mod session;
pub mod tls;
pub mod tls_layer;
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
    /// The credential check's input (opt-in) and when credentials may be sent.
    pub credentials: Option<crate::Credentials>,
    pub cert_trust: crate::CertTrust,
    pub cert_prompt: Option<credssp::CertPrompt>,
}

impl ProbeContext {
    pub fn new(timeout: Duration) -> Self {
        ProbeContext {
            deadline: Instant::now() + timeout,
            pace: DEFAULT_PACE,
            trace: None,
            credentials: None,
            cert_trust: crate::CertTrust::default(),
            cert_prompt: None,
        }
    }

    pub fn trace(&self, line: impl AsRef<str>) {
        if let Some(t) = &self.trace {
            t(line.as_ref());
        }
    }
}

/// The first `max` bytes of `buf` as lowercase hex: how observations keep raw bytes.
pub fn hex_prefix(buf: &[u8], max: usize) -> String {
    buf.iter().take(max).map(|b| format!("{b:02x}")).collect()
}

/// Connection starts to one server, at least `pace` apart, shared by every connection of a layer.
pub struct Pacer {
    next: std::sync::Mutex<Option<tokio::time::Instant>>,
    pace: Duration,
}

impl Pacer {
    pub fn new(pace: Duration) -> Pacer {
        Pacer { next: std::sync::Mutex::new(None), pace }
    }

    /// Wait for this connection's turn.
    pub async fn wait(&self) {
        let slot = {
            let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
            let now = tokio::time::Instant::now();
            let slot = next.filter(|n| *n > now).unwrap_or(now);
            *next = Some(slot + self.pace);
            slot
        };
        tokio::time::sleep_until(slot).await;
    }
}

/// Pause between connection starts to one server (nmap waits 200 ms; Windows resets rapid reconnects).
pub const DEFAULT_PACE: Duration = Duration::from_millis(100);

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
    /// A certificate this many days or fewer from its end date is "expiring soon" (`--cert-warn-days`).
    pub cert_warn_days: u32,
    /// Skip the session layer (`--no-session`).
    pub no_session: bool,
}

/// The profile judged by default: the current Windows client.
pub const DEFAULT_CLIENT_PROFILE: &str = "windows-11";
pub const DEFAULT_CERT_WARN_DAYS: u32 = 30;

impl Default for Plan {
    fn default() -> Self {
        Plan {
            quick: false,
            restricted_admin: false,
            client_profile: DEFAULT_CLIENT_PROFILE,
            cert_warn_days: DEFAULT_CERT_WARN_DAYS,
            no_session: false,
        }
    }
}

/// Walk the connection: name resolution and TCP, then X.224 negotiation on the first address
/// that accepted, then (unless `plan.quick`) the TLS layer on every path the server selected, then
/// CredSSP where the server selected it, then (unless `plan.no_session`) the session layer.
pub async fn run(target: &Target, plan: Plan, ctx: &ProbeContext) -> Observations {
    let mut obs = Observations::default();
    let net = network::probe(&target.host, target.port, ctx).await;
    let connected = net.connected;
    obs.network = Some(net);
    let Some(addr) = connected else { return obs };
    let neg = x224::probe(addr, x224::MATRIX, ctx).await;
    if plan.quick {
        obs.negotiation = Some(neg);
        return obs;
    }
    obs.tls = tls_layer::probe(&target.host, &neg, &plan, ctx).await;
    obs.negotiation = Some(neg);
    // A path stops where it breaks: when no TLS handshake completed, CredSSP and the connection
    // sequence would only fail again at TLS (the TLS findings say why).
    let tls_broken = obs.tls.as_ref().is_some_and(|t| {
        !t.handshakes.is_empty()
            && t.handshakes.iter().all(|h| h.outcome != crate::observations::HandshakeOutcome::Completed)
    });
    if tls_broken {
        return obs;
    }
    run_credssp(target, addr, plan, ctx, &mut obs).await;
    // The session layer: the connection sequence to the first update (after the TLS/CredSSP layers).
    if !plan.no_session
        && let Some(neg) = &obs.negotiation
    {
        tokio::time::sleep(ctx.pace).await;
        obs.session = Some(session::probe(addr, &target.host, neg, ctx).await);
    }
    obs
}

/// CredSSP, when the server selected HYBRID/HYBRID_EX for some request: the credential-less probe,
/// then the opt-in credential check on a fresh connection.
async fn run_credssp(
    target: &Target,
    addr: std::net::SocketAddr,
    plan: Plan,
    ctx: &ProbeContext,
    obs: &mut Observations,
) {
    let Some(neg) = &obs.negotiation else { return };
    let Some(req) = credssp::credssp_request(neg) else {
        if let Some(creds) = &ctx.credentials {
            obs.authentication = Some(credssp::not_checked_without_nla(creds, plan.restricted_admin));
        }
        return;
    };
    tokio::time::sleep(ctx.pace).await;
    obs.credssp = Some(credssp::probe(addr, &target.host, &req, ctx).await);
    if let Some(creds) = &ctx.credentials {
        tokio::time::sleep(ctx.pace).await;
        let input = credssp::CheckInput {
            credentials: creds,
            trust: &ctx.cert_trust,
            prompt: ctx.cert_prompt.as_ref(),
            restricted_admin: plan.restricted_admin,
        };
        obs.authentication = Some(credssp::check_credentials(addr, &target.host, &req, &input, ctx).await);
    }
}
