//! X.224 security negotiation, the driver: it owns the socket and the deadline; the bytes are
//! `codec::x224`'s.

use super::limiter::{self, Priority};
use super::network::{self, ms_since};
use super::{ProbeContext, hex_prefix};
pub use crate::codec::x224::*; // the driver speaks in the codec's terms; probe code names them through here
use crate::observations::{NegOutcome, NegRequestObs, NegotiationObs};
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The matrix sent by default: each request on its own connection. Never every bit ORed
/// together: xrdp answers requestedProtocols above 0xB with an MCS Disconnect Provider Ultimatum.
pub const MATRIX: &[NegRequest] = &[
    NegRequest { protocols: Some(PROTOCOL_SSL | PROTOCOL_HYBRID | PROTOCOL_HYBRID_EX) }, // what mstsc sends
    NegRequest { protocols: Some(PROTOCOL_RDP) },
    NegRequest { protocols: Some(PROTOCOL_SSL) },
    NegRequest { protocols: Some(PROTOCOL_HYBRID) },
    NegRequest { protocols: Some(PROTOCOL_SSL | PROTOCOL_HYBRID) },
    NegRequest { protocols: Some(PROTOCOL_RDSTLS) },
    NegRequest { protocols: None },
];

/// Read one reply frame within the deadline. Returns the bytes and how the wait ended.
enum ReadEnd {
    Frame,
    Eof,
    Reset,
    Timeout,
    Error(String),
}

async fn read_reply(stream: &mut TcpStream, deadline: Instant) -> (Vec<u8>, ReadEnd) {
    let mut buf = Vec::with_capacity(64);
    let mut chunk = [0u8; 1024];
    loop {
        match frame_status(&buf) {
            FrameStatus::Complete(_) | FrameStatus::BadLength(_) => return (buf, ReadEnd::Frame),
            FrameStatus::NotTpkt => {
                // Another service: give it a moment to say more, so it can be named.
                let more = Instant::now() + Duration::from_millis(200);
                if buf.len() < 64
                    && let Ok(Ok(n)) = tokio::time::timeout_at(more.min(deadline).into(), stream.read(&mut chunk)).await
                {
                    buf.extend_from_slice(chunk.get(..n.min(MAX_REPLY - buf.len().min(MAX_REPLY))).unwrap_or_default());
                }
                return (buf, ReadEnd::Frame);
            }
            FrameStatus::NeedMore => {}
        }
        match tokio::time::timeout_at(deadline.into(), stream.read(&mut chunk)).await {
            Err(_) => return (buf, ReadEnd::Timeout),
            Ok(Ok(0)) => return (buf, ReadEnd::Eof),
            Ok(Ok(n)) => {
                let room = MAX_REPLY.saturating_sub(buf.len());
                buf.extend_from_slice(chunk.get(..n.min(room)).unwrap_or_default());
                if buf.len() >= MAX_REPLY {
                    return (buf, ReadEnd::Frame);
                }
            }
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionReset => return (buf, ReadEnd::Reset),
            Ok(Err(e)) => return (buf, ReadEnd::Error(e.to_string())),
        }
    }
}

/// Send one Connection Request on `stream` and record the answer. The stream is handed back when
/// the server selected a protocol, so a later layer can go on from there.
pub async fn negotiate_on(
    mut stream: TcpStream,
    req: &NegRequest,
    ctx: &ProbeContext,
) -> (NegRequestObs, Option<TcpStream>) {
    let started = Instant::now();
    let mut obs = blank_obs(req);
    let bytes = match ctx.routing_token.as_deref() {
        Some(token) => encode_request_routed(req, token),
        None => encode_request(req),
    };
    ctx.trace(format!("-> X.224 Connection Request {} ({} bytes)", obs.label, bytes.len()));
    if let Err(e) = tokio::time::timeout_at(ctx.patient().into(), stream.write_all(&bytes))
        .await
        .unwrap_or_else(|_| Err(std::io::Error::new(std::io::ErrorKind::TimedOut, "send timed out")))
    {
        obs.outcome =
            if e.kind() == std::io::ErrorKind::ConnectionReset { NegOutcome::Reset } else { NegOutcome::Closed };
        obs.detail = Some(format!("sending the request failed: {e}"));
        obs.ms = ms_since(started);
        return (obs, None);
    }
    let (buf, end) = read_reply(&mut stream, ctx.patient()).await;
    obs.ms = ms_since(started);
    obs.received = hex_prefix(&buf, 64);
    match end {
        ReadEnd::Timeout if buf.is_empty() => obs.outcome = NegOutcome::Timeout,
        ReadEnd::Eof if buf.is_empty() => obs.outcome = NegOutcome::Closed,
        ReadEnd::Reset if buf.is_empty() => obs.outcome = NegOutcome::Reset,
        ReadEnd::Error(e) if buf.is_empty() => {
            obs.outcome = NegOutcome::Reset;
            obs.detail = Some(e);
        }
        _ => apply_reply(&mut obs, &classify_reply(&buf)),
    }
    ctx.trace(format!("<- {} ({} bytes, {:.1} ms): {}", obs.label, buf.len(), obs.ms, summarise(&obs)));
    let keep = obs.outcome == NegOutcome::Selected;
    (obs, keep.then_some(stream))
}

pub fn blank_obs(req: &NegRequest) -> NegRequestObs {
    NegRequestObs {
        label: req.label(),
        requested: req.protocols.map(protocol_names).unwrap_or_default(),
        requested_value: req.protocols,
        outcome: NegOutcome::Malformed,
        selected: None,
        selected_value: None,
        failure_code: None,
        failure_name: None,
        flags: Vec::new(),
        flags_value: None,
        service: None,
        detail: None,
        received: String::new(),
        retried: false,
        ms: 0.0,
    }
}

fn apply_reply(obs: &mut NegRequestObs, reply: &Reply) {
    match reply {
        Reply::Selected { protocol, flags } => {
            obs.outcome = NegOutcome::Selected;
            obs.selected = selected_name(*protocol);
            obs.selected_value = Some(*protocol);
            obs.flags = flag_names(*flags);
            obs.flags_value = Some(*flags);
            if obs.selected.is_none() {
                obs.detail = Some(format!("selectedProtocol 0x{protocol:X} is not one protocol"));
            } else if !selection_valid(obs.requested_value, *protocol) {
                obs.detail = Some(format!("selectedProtocol 0x{protocol:X} was not requested"));
            }
        }
        Reply::Failure { code } => {
            obs.outcome = NegOutcome::Failure;
            obs.failure_code = Some(*code);
            obs.failure_name = crate::knowledge::lookup(crate::knowledge::TableId::NegFailure, *code).map(|e| e.name);
        }
        Reply::Legacy => {
            obs.outcome = NegOutcome::Legacy;
            obs.selected = Some(Protocol::Rdp);
            obs.selected_value = Some(PROTOCOL_RDP);
        }
        Reply::Disconnect { reason } => {
            obs.outcome = NegOutcome::UnsupportedRequest;
            obs.detail = Some(match reason {
                Some(r) => format!("MCS Disconnect Provider Ultimatum, reason {r}"),
                None => "X.224 Disconnect Request".into(),
            });
        }
        Reply::NotRdp { service } => {
            obs.outcome = NegOutcome::NotRdp;
            obs.service = *service;
        }
        Reply::Malformed { what } => {
            obs.outcome = NegOutcome::Malformed;
            obs.detail = Some(what.clone());
        }
    }
}

fn summarise(obs: &NegRequestObs) -> String {
    match obs.outcome {
        NegOutcome::Selected => {
            format!(
                "RDP_NEG_RSP selected {} flags 0x{:02X}",
                obs.selected.map_or("?", Protocol::name),
                obs.flags_value.unwrap_or(0)
            )
        }
        NegOutcome::Failure => {
            format!("RDP_NEG_FAILURE {} ({})", obs.failure_name.unwrap_or("unknown"), obs.failure_code.unwrap_or(0))
        }
        other => format!("{other} {}", obs.detail.as_deref().unwrap_or("")),
    }
}

/// Connect to `addr` and negotiate one request.
pub async fn negotiate(addr: SocketAddr, req: &NegRequest, ctx: &ProbeContext) -> (NegRequestObs, Option<TcpStream>) {
    let (attempt, stream) = network::connect(addr, ctx).await;
    match stream {
        Some(s) => negotiate_on(s, req, ctx).await,
        None => {
            let mut obs = blank_obs(req);
            obs.outcome = NegOutcome::ConnectFailed;
            obs.detail =
                Some(format!("{}{}", attempt.outcome, attempt.error.map(|e| format!(": {e}")).unwrap_or_default()));
            obs.ms = attempt.ms;
            (obs, None)
        }
    }
}

/// Run the matrix: each request on its own connection, under the per-server limit (`ctx.limiter`).
pub async fn probe(addr: SocketAddr, matrix: &[NegRequest], ctx: &ProbeContext) -> NegotiationObs {
    let started = Instant::now();
    let planned: Vec<(NegRequest, Priority)> = matrix.iter().map(|r| (*r, priority(r))).collect();
    let requests = probe_requests(addr, &planned, ctx).await;
    assemble(addr, requests, ms_since(started))
}

/// How much a request of the matrix matters to the verdict: the Windows client's own first, then
/// the ones that tell whether NLA is required (RDP, SSL), then the rest.
pub fn priority(req: &NegRequest) -> Priority {
    match req.protocols {
        Some(WINDOWS_CLIENT_REQUEST) => Priority::Verdict,
        Some(PROTOCOL_RDP | PROTOCOL_SSL) => Priority::Judged,
        _ => Priority::Thorough,
    }
}

/// Negotiate each request on its own connection, each taking its place from the per-server limiter
/// in its priority. A request cut off (closed, reset) while others were answered is tried once more
/// on its own after a pause (Windows resets rapid reconnects), and the limit is halved.
pub async fn probe_requests(
    addr: SocketAddr,
    planned: &[(NegRequest, Priority)],
    ctx: &ProbeContext,
) -> Vec<NegRequestObs> {
    let tasks = planned.iter().map(|(req, prio)| async move { negotiate_with_permit(addr, req, *prio, ctx).await });
    let mut requests = futures::future::join_all(tasks).await;
    let answered =
        |o: &NegRequestObs| matches!(o.outcome, NegOutcome::Selected | NegOutcome::Failure | NegOutcome::Legacy);
    if requests.iter().any(answered) {
        // `requests` holds one answer per planned request, in order.
        let cut: Vec<(usize, (NegRequest, Priority))> = requests
            .iter()
            .zip(planned.iter().copied())
            .enumerate()
            .filter(|(_, (o, _))| matches!(o.outcome, NegOutcome::Closed | NegOutcome::Reset))
            .map(|(i, (_, p))| (i, p))
            .collect();
        let again = cut.iter().map(|&(_, (req, prio))| async move {
            tokio::time::sleep(limiter::BACKOFF_STEP * 2).await;
            let mut o = negotiate_with_permit(addr, &req, prio, ctx).await;
            o.retried = true;
            o
        });
        for ((i, _), o) in cut.iter().zip(futures::future::join_all(again).await) {
            if o.outcome != NegOutcome::NotChecked
                && let Some(slot) = requests.get_mut(*i)
            {
                *slot = o;
            }
        }
    }
    requests
}

/// One request on its own connection, once the limiter lets it start; `not_checked` when the run's
/// deadline passes first.
async fn negotiate_with_permit(
    addr: SocketAddr,
    req: &NegRequest,
    prio: Priority,
    ctx: &ProbeContext,
) -> NegRequestObs {
    let Some(permit) = ctx.permit(prio).await else {
        let mut obs = blank_obs(req);
        obs.outcome = NegOutcome::NotChecked;
        obs.detail = Some("the run's deadline passed before this request was sent".into());
        return obs;
    };
    // A server that says nothing for a while is silent, not overloaded: the request gives its place
    // back so that the other requests go out and the silence costs one wait, not one per window.
    let mut permit = Some(permit);
    let work = negotiate(addr, req, ctx);
    tokio::pin!(work);
    let release = tokio::time::sleep(limiter::SILENT_RELEASE);
    tokio::pin!(release);
    let obs = loop {
        tokio::select! {
            (o, _) = &mut work => break o,
            () = &mut release, if permit.is_some() => permit = None,
        }
    };
    if let Some(permit) = permit {
        match obs.outcome {
            NegOutcome::Selected | NegOutcome::Failure | NegOutcome::Legacy => permit.answered(),
            NegOutcome::Closed | NegOutcome::Reset | NegOutcome::ConnectFailed => permit.refused(),
            _ => {}
        }
    }
    obs
}

/// The negotiation observation from the requests' answers (capabilities derived from them).
pub fn assemble(addr: SocketAddr, requests: Vec<NegRequestObs>, ms: f64) -> NegotiationObs {
    let (supports, nla_required, restricted_admin, redirected_auth) = crate::observations::capabilities(&requests);
    NegotiationObs { address: addr, requests, supports, nla_required, restricted_admin, redirected_auth, ms }
}
