//! The plan by importance: walk the connection as a client does, but on a real link — 20 to 300 ms
//! of round-trip time, sometimes lossy — in as few round trips and as few connections as the
//! questions need, with what decides the verdict first.
//!
//! 1. Name resolution and TCP. The connection to the address the later layers use is kept: the
//!    Windows client's own request (SSL|HYBRID|HYBRID_EX) travels on it, then the TLS handshake of
//!    the path the server selected, then (for CredSSP) the credential-less NEGOTIATE: three answers
//!    on one connection.
//! 2. Beside it, the rest of the negotiation matrix, each request on its own connection.
//! 3. Once the negotiation is known (and the first TLS handshake did not break the path), at once:
//!    the TLS questions (`tls_layer`), the credential check (`--user`), the connection sequence.
//!
//! Every connection takes its place from the per-server limiter in its priority, so what is cut when
//! the run's deadline comes is thoroughness, not the verdict. The deadline is the tool's: what it
//! cut is recorded in `observations.budget` as not checked, never as the server's silence.

use super::network::ms_since;
use super::tls_layer;
use super::x224::{self, MATRIX, NegRequest, WINDOWS_CLIENT_REQUEST};
use super::{Plan, Priority, ProbeContext, credssp, network, session};
use crate::codec::x224::Protocol;
use crate::knowledge::Layer;
use crate::observations::{
    AuthOutcome, BudgetObs, CredsspObs, CredsspOutcome, HandshakeObs, HandshakeOutcome, LayerBudget, LayerStatus,
    NegOutcome, NegRequestObs, NegotiationObs, Observations, SessionEnd, TlsObs,
};
use crate::target::Target;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio::sync::oneshot;

/// What the first connection (the Windows client's own request) learned.
struct FirstConn {
    request: NegRequestObs,
    credssp: Option<CredsspObs>,
}

/// The first connection's TLS handshake and the chain it got.
type FirstHandshake = (HandshakeObs, Option<Vec<Vec<u8>>>);

/// The Windows client's request on `stream` (the network layer's connection, or a new one), then,
/// on the same connection, the TLS handshake of the selected path and the CredSSP NEGOTIATE.
/// `on_request` hears the negotiation answer as soon as it is in; `on_tls` the TLS handshake (none
/// when the first request selected no TLS path).
async fn first_connection(
    addr: SocketAddr,
    host: &str,
    stream: Option<TcpStream>,
    plan: &Plan,
    ctx: &ProbeContext,
    on_request: oneshot::Sender<NegRequestObs>,
    on_tls: oneshot::Sender<Option<FirstHandshake>>,
) -> FirstConn {
    let req = NegRequest { protocols: Some(WINDOWS_CLIENT_REQUEST) };
    let permit = ctx.permit(Priority::Verdict).await;
    let (request, stream) = match (stream, &permit) {
        (_, None) => (not_sent(&req), None),
        (Some(s), Some(_)) => x224::negotiate_on(s, &req, ctx).await,
        (None, Some(_)) => x224::negotiate(addr, &req, ctx).await,
    };
    let _ = on_request.send(request.clone());
    let mut first = FirstConn { request, credssp: None };
    let (Some(stream), false) = (stream, plan.quick) else {
        let _ = on_tls.send(None);
        return first;
    };
    let Some(path) = tls_layer::path_of(first.request.selected, WINDOWS_CLIENT_REQUEST) else {
        let _ = on_tls.send(None);
        return first;
    };
    let (hs, session) = tls_layer::handshake_on(stream, path, &first.request, host, ctx).await;
    let chain = session.as_ref().map(|s| s.chain.clone());
    let _ = on_tls.send(Some((hs, chain)));
    if let (Some(session), "hybrid") = (session, path.name) {
        let started = Instant::now();
        first.credssp = Some(credssp::probe_on(session, first.request.selected, &req, started, ctx).await);
    }
    drop(permit);
    first
}

fn not_sent(req: &NegRequest) -> NegRequestObs {
    let mut o = x224::blank_obs(req);
    o.outcome = NegOutcome::NotChecked;
    o.detail = Some("the run's deadline passed before this request was sent".into());
    o
}

/// Walk the connection (see the module documentation) and record what came back.
pub async fn run(target: &Target, plan: Plan, ctx: &ProbeContext) -> Observations {
    let (net, kept) = network::probe_keep(&target.host, target.port, ctx).await;
    let Some(addr) = net.connected else {
        let mut obs = Observations { network: Some(net), ..Observations::default() };
        obs.budget = Some(budget(&obs, &plan, ctx));
        finish_network(&mut obs, ctx, false);
        return obs;
    };
    let mut obs = run_layers(addr, &target.host, kept, plan, ctx).await;
    obs.network = Some(net);
    obs.budget = Some(budget(&obs, &plan, ctx));
    finish_network(&mut obs, ctx, true);
    obs
}

/// Every layer after the network one, against `addr` (the server, or a local forwarder into an RD
/// Gateway tunnel), with `host` as the name for TLS, SNI and certificates; `kept` is a connection to
/// `addr` already open for the Windows client's request. `observations.network` is left to the caller.
pub async fn run_layers(
    addr: SocketAddr,
    host: &str,
    kept: Option<TcpStream>,
    plan: Plan,
    ctx: &ProbeContext,
) -> Observations {
    let started = Instant::now();
    let mut obs = Observations::default();
    let (req_tx, req_rx) = oneshot::channel();
    let (tls_tx, tls_rx) = oneshot::channel();
    let first = first_connection(addr, host, kept, &plan, ctx, req_tx, tls_tx);

    // The connection sequence starts as soon as what it depends on is known (see `session_inputs`):
    // often on the first request's answer alone, beside that connection's TLS handshake and the rest
    // of the matrix. Whether that handshake broke the path comes separately (`broken`): a broken path
    // drops the connection sequence, which would only fail again at TLS.
    let (session_tx, session_rx) = oneshot::channel::<Option<NegotiationObs>>();
    let (broken_tx, mut broken_rx) = oneshot::channel::<bool>();
    let session_tx = std::sync::Mutex::new(Some(session_tx));
    let take_session_tx = || session_tx.lock().ok().and_then(|mut t| t.take());
    let rest = async {
        // The light plan (through a gateway, where each connection repeats the gateway's
        // authentication): the Windows client's request only.
        let others: Vec<(NegRequest, Priority)> = MATRIX
            .iter()
            .filter(|r| r.protocols != Some(WINDOWS_CLIENT_REQUEST) && !plan.light)
            .map(|r| (*r, x224::priority(r)))
            .collect();
        let first_in = async {
            let request =
                req_rx.await.unwrap_or_else(|_| not_sent(&NegRequest { protocols: Some(WINDOWS_CLIENT_REQUEST) }));
            if let Some(early) = session_inputs(addr, &request, &plan, ctx)
                && let Some(tx) = take_session_tx()
            {
                let _ = tx.send(Some(early));
            }
            // In the quick plan no handshake follows (`on_tls` hears None at once).
            let hs = tls_rx.await.unwrap_or(None);
            (request, hs)
        };
        let ((first_request, first_hs), mut requests) =
            tokio::join!(first_in, x224::probe_requests(addr, &others, ctx));
        // A path stops where it breaks: when the Windows client's TLS handshake failed, CredSSP and
        // the connection sequence would only fail again at TLS (the TLS findings say why).
        let tls_broken = first_hs.as_ref().is_some_and(|(h, _)| h.outcome != HandshakeOutcome::Completed);
        let _ = broken_tx.send(tls_broken);
        requests.insert(0, first_request);
        let neg = x224::assemble(addr, requests, ms_since(started));
        if let Some(tx) = take_session_tx() {
            let _ = tx.send((!plan.quick).then(|| neg.clone()));
        }
        if plan.quick {
            return (neg, None, None, None);
        }
        let later = Later { addr, host, plan: &plan, ctx, tls_broken };
        // The TLS questions, CredSSP and the logon, side by side (and beside the connection sequence).
        let tls = async { if plan.light { None } else { tls_layer::probe(host, &neg, first_hs, &plan, ctx).await } };
        let (tls, credssp_other, authentication) =
            tokio::join!(tls, later.credssp_elsewhere(&neg), later.credentials(&neg));
        (neg, tls, credssp_other, authentication)
    };
    let session = async {
        let neg = session_rx.await.ok().flatten()?;
        let later = Later { addr, host, plan: &plan, ctx, tls_broken: false };
        let run = later.session(&neg);
        tokio::pin!(run);
        let broken = tokio::select! {
            biased;
            b = &mut broken_rx => b.unwrap_or(false),
            s = &mut run => return if (&mut broken_rx).await.unwrap_or(false) { None } else { s },
        };
        if broken { None } else { run.await }
    };
    let (first, (neg, tls, credssp_other, authentication), session) = tokio::join!(first, rest, session);
    obs.credssp = first.credssp.or(credssp_other);
    obs.authentication = authentication;
    obs.session = session;
    obs.tls = tls;
    obs.negotiation = Some(neg);
    obs
}

/// The negotiation the connection sequence needs, from the Windows client's request alone, when the
/// rest of the matrix cannot change what it does: the session layer reads only `supports`
/// (`session::probe`), and that request decides it when the server selected TLS and no credentials
/// were given (TLS only), or CredSSP and credentials were given (CredSSP). Otherwise `None`: wait
/// for the matrix.
fn session_inputs(addr: SocketAddr, first: &NegRequestObs, plan: &Plan, ctx: &ProbeContext) -> Option<NegotiationObs> {
    if plan.quick || plan.no_session {
        return None;
    }
    let creds = ctx.credentials.is_some();
    let decided = match first.selected? {
        Protocol::Ssl => !creds,
        Protocol::Hybrid | Protocol::HybridEx => creds,
        _ => false,
    };
    decided.then(|| x224::assemble(addr, vec![first.clone()], first.ms))
}

fn finish_network(obs: &mut Observations, ctx: &ProbeContext, later_layers: bool) {
    if let Some(n) = &mut obs.network {
        n.connections_opened = ctx.connections.load(std::sync::atomic::Ordering::Relaxed);
        n.politeness = later_layers.then(|| ctx.limiter.stats());
    }
}

/// The layers that start once the negotiation is known.
struct Later<'a> {
    addr: SocketAddr,
    host: &'a str,
    plan: &'a Plan,
    ctx: &'a ProbeContext,
    tls_broken: bool,
}

impl Later<'_> {
    /// The credential-less CredSSP probe, when the first connection did not reach CredSSP but
    /// another request selected it.
    async fn credssp_elsewhere(&self, neg: &crate::observations::NegotiationObs) -> Option<CredsspObs> {
        if self.tls_broken {
            return None;
        }
        let first_selected = neg.requests.first().and_then(|r| r.selected);
        if first_selected.is_some_and(Protocol::is_nla) {
            return None; // done on the first connection
        }
        let req = credssp::credssp_request(neg)?;
        let _permit = self.ctx.permit(Priority::Verdict).await?;
        Some(credssp::probe(self.addr, self.host, &req, self.ctx).await)
    }

    /// The opt-in credential check, on its own connection.
    async fn credentials(
        &self,
        neg: &crate::observations::NegotiationObs,
    ) -> Option<crate::observations::AuthenticationObs> {
        let creds = self.ctx.credentials.as_ref()?;
        if self.tls_broken {
            return None;
        }
        let Some(req) = credssp::credssp_request(neg) else {
            return Some(credssp::not_checked_without_nla(creds, self.plan.restricted_admin));
        };
        let _permit = self.ctx.permit(Priority::Verdict).await?;
        let input = credssp::CheckInput {
            credentials: creds,
            trust: &self.ctx.cert_trust,
            prompt: self.ctx.cert_prompt.as_ref(),
            restricted_admin: self.plan.restricted_admin,
        };
        Some(credssp::check_credentials(self.addr, self.host, &req, &input, self.ctx).await)
    }

    /// The connection sequence to the server's own verdict.
    async fn session(&self, neg: &crate::observations::NegotiationObs) -> Option<crate::observations::SessionObs> {
        if self.plan.no_session || self.tls_broken {
            return None;
        }
        let _permit = self.ctx.permit(Priority::Verdict).await?;
        Some(session::probe(self.addr, self.host, neg, self.ctx).await)
    }
}

/// How far each layer got before the run's deadline (facts; the diagnosis judges).
pub fn budget(obs: &Observations, plan: &Plan, ctx: &ProbeContext) -> BudgetObs {
    budget_of(obs, plan, ctx, false)
}

/// The light probe's budget (`probe::light`): the network, the one request, the one TLS handshake.
pub fn light_budget(obs: &Observations, ctx: &ProbeContext) -> BudgetObs {
    budget_of(obs, &Plan::default(), ctx, true)
}

/// `one_connection`: the light probe, which stops after the TLS handshake.
fn budget_of(obs: &Observations, plan: &Plan, ctx: &ProbeContext, one_connection: bool) -> BudgetObs {
    let expired = ctx.expired();
    let mut layers = Vec::new();
    let mut push = |layer: Layer, partial: bool, missing: bool, progress: String| {
        let status = if missing && expired {
            LayerStatus::NotStarted
        } else if partial && expired {
            LayerStatus::Partial
        } else {
            LayerStatus::Complete
        };
        layers.push(LayerBudget { layer, status, progress });
    };
    // Through an RD Gateway its own path comes first ([MS-TSGU] stages); a wait in it the deadline cut
    // is the tool's, not the gateway's silence.
    if let Some(g) = &obs.gateway {
        let waiting = g.stages.iter().any(|s| s.outcome == crate::observations::gateway::StageOutcome::Timeout);
        let last = g.stages.last().map(|s| format!("{} {}", s.stage, s.outcome));
        push(Layer::Gateway, waiting, false, format!("reached {}", last.as_deref().unwrap_or("no stage")));
        if obs.negotiation.is_none() {
            // The gateway carried nothing to the target: its layers were never planned.
            return finish_budget(layers, expired, obs, ctx);
        }
    }
    let net = obs.network.as_ref();
    // Through a gateway tunnel there is no network layer of ours (the gateway observation has it).
    let tunnelled = net.is_none() && obs.negotiation.is_some();
    let connect_timeouts = net.is_some_and(|n| {
        n.connected.is_none()
            && (n.resolve.error.is_some() && n.resolve.addresses.is_empty()
                || n.attempts.iter().any(|a| a.outcome == crate::observations::ConnectOutcome::Timeout))
    });
    if !tunnelled {
        push(
            Layer::Network,
            connect_timeouts,
            net.is_none(),
            match net {
                Some(n) => format!(
                    "{} address(es), {} of {} connect attempt(s) accepted",
                    n.resolve.addresses.len(),
                    n.attempts.iter().filter(|a| a.outcome == crate::observations::ConnectOutcome::Accepted).count(),
                    n.attempts.len()
                ),
                None => "not started".into(),
            },
        );
    }
    if !tunnelled && net.and_then(|n| n.connected).is_none() {
        return finish_budget(layers, expired, obs, ctx);
    }
    if let Some(neg) = &obs.negotiation {
        let waiting =
            neg.requests.iter().filter(|r| matches!(r.outcome, NegOutcome::Timeout | NegOutcome::NotChecked)).count();
        let answered = neg.requests.len() - waiting;
        push(Layer::Negotiation, waiting > 0, false, format!("{answered} of {} requests answered", neg.requests.len()));
    }
    if plan.quick {
        return finish_budget(layers, expired, obs, ctx);
    }
    let tls_expected = !plan.light && obs.negotiation.as_ref().is_some_and(|n| !tls_layer::paths(n).is_empty());
    match &obs.tls {
        Some(t) => {
            let open = t.handshakes.iter().filter(|h| h.outcome == HandshakeOutcome::Timeout).count()
                + t.version_results
                    .iter()
                    .filter(|v| {
                        matches!(
                            v.outcome,
                            super::tls_scan::VersionOutcome::NotTested | super::tls_scan::VersionOutcome::Timeout
                        )
                    })
                    .count();
            push(
                Layer::Tls,
                open > 0,
                false,
                format!(
                    "{} handshake(s), {} hello(s) answered, {} version(s) still open",
                    t.handshakes.len(),
                    t.connections,
                    open
                ),
            );
        }
        None if tls_expected => push(Layer::Tls, true, true, "not started".into()),
        None => {}
    }
    if one_connection {
        return finish_budget(layers, expired, obs, ctx);
    }
    let credssp_expected = obs.negotiation.as_ref().is_some_and(|n| n.supports.credssp);
    match &obs.credssp {
        Some(c) => push(
            Layer::Credssp,
            matches!(c.outcome, CredsspOutcome::Timeout),
            false,
            format!("the server's answer to negotiate: {}", c.outcome),
        ),
        None if credssp_expected && !obs.tls.as_ref().is_some_and(tls_failed) => {
            push(Layer::Credssp, true, true, "not started".into())
        }
        None => {}
    }
    if let Some(a) = &obs.authentication {
        // The logon is judged in the CredSSP layer.
        if a.outcome == AuthOutcome::Failed && expired {
            push(Layer::Credssp, true, false, format!("the logon stopped at {}", a.stage));
        }
    } else if ctx.credentials.is_some() && credssp_expected && !obs.tls.as_ref().is_some_and(tls_failed) {
        push(Layer::Credssp, true, true, "the logon did not start".into());
    }
    match &obs.session {
        Some(s) => push(
            Layer::Session,
            s.end == SessionEnd::Timeout,
            false,
            format!(
                "reached {}",
                s.ended_in.or(s.stages.last().map(|st| st.name)).unwrap_or(crate::observations::SessionStage::X224)
            ),
        ),
        None if !plan.no_session && !obs.tls.as_ref().is_some_and(tls_failed) => {
            push(Layer::Session, true, true, "not started".into())
        }
        None => {}
    }
    finish_budget(layers, expired, obs, ctx)
}

fn finish_budget(layers: Vec<LayerBudget>, expired: bool, obs: &Observations, ctx: &ProbeContext) -> BudgetObs {
    let rtt_ms = obs.network.as_ref().and_then(|n| {
        n.attempts
            .iter()
            .filter(|a| a.outcome == crate::observations::ConnectOutcome::Accepted)
            .map(|a| a.ms)
            .reduce(f64::min)
    });
    let timeout = ctx.deadline.saturating_duration_since(ctx_started(ctx));
    BudgetObs {
        timeout_ms: ms(timeout),
        patience_ms: ms(ctx.patience),
        reached: expired && layers.iter().any(|l| l.status != LayerStatus::Complete),
        layers,
        rtt_ms,
    }
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 10_000.0).round() / 10.0
}

fn ctx_started(ctx: &ProbeContext) -> Instant {
    ctx.started
}

/// No handshake completed on the first path: the later layers were skipped on purpose.
fn tls_failed(t: &TlsObs) -> bool {
    !t.handshakes.is_empty() && t.handshakes.iter().all(|h| h.outcome != HandshakeOutcome::Completed)
}
