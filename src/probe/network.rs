//! Network layer probe: name resolution (A and AAAA) and one TCP connect per address.
//! Records what happened; deciding why is the diagnosis's job.

use super::{ProbeContext, limiter};
use crate::observations::{ConnectAttempt, ConnectOutcome, NetworkObs, ResolveObs};
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};
use tokio::net::TcpStream;

/// How long one connect attempt may take, at most, when the overall deadline is further away.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

pub async fn resolve(host: &str, port: u16, ctx: &ProbeContext) -> ResolveObs {
    let started = Instant::now();
    if let Ok(ip) = host.parse::<IpAddr>() {
        return ResolveObs { literal: true, addresses: vec![ip], error: None, ms: 0.0 };
    }
    let lookup = tokio::net::lookup_host((host.to_string(), port));
    let (addresses, error) = match tokio::time::timeout_at(ctx.deadline.into(), lookup).await {
        Ok(Ok(addrs)) => {
            let mut out: Vec<IpAddr> = Vec::new();
            for a in addrs {
                if !out.contains(&a.ip()) {
                    out.push(a.ip());
                }
            }
            (out, None)
        }
        Ok(Err(e)) => (Vec::new(), Some(e.to_string())),
        Err(_) => (Vec::new(), Some("the name lookup did not finish before the deadline".into())),
    };
    let ms = ms_since(started);
    ctx.trace(format!(
        "resolve {host}: [{}] {}",
        addresses.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
        error.as_deref().unwrap_or("")
    ));
    ResolveObs { literal: false, addresses, error, ms }
}

/// Connect to one address within the deadline, and classify the result.
///
/// Once a handshake to this address was timed, a SYN unanswered for a few of those round trips
/// ([`super::Limiter::syn_timeout`]) is sent again on a fresh socket that races the first (at most
/// [`EARLY_SYNS`] more, the wait doubling as RFC 6298 5.5 doubles a timer): the first handshake to
/// complete is the connection, and the others, still waiting for their SYN-ACK, are dropped (a late
/// SYN-ACK meets a reset). A lost SYN then costs a few round trips instead of the kernel's second.
/// The server sees one connection, and it is counted once.
pub async fn connect(addr: SocketAddr, ctx: &ProbeContext) -> (ConnectAttempt, Option<TcpStream>) {
    use futures::StreamExt;
    let started = Instant::now();
    let limit: tokio::time::Instant = ctx.deadline.min(started + CONNECT_TIMEOUT).into();
    ctx.opened();
    let attempt = |n: u32| async move { (n, Instant::now(), TcpStream::connect(addr).await) };
    let mut racing = futures::stream::FuturesUnordered::new();
    racing.push(attempt(0));
    let mut wait = ctx.limiter.syn_timeout(addr.ip());
    let mut next_syn = wait.map(|w| tokio::time::Instant::from_std(started) + w).filter(|t| *t < limit);
    let mut resent = 0u32;
    let result = loop {
        let early = async {
            match next_syn {
                Some(t) => tokio::time::sleep_until(t).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            Some(done) = racing.next() => break Some(done),
            () = early => {
                resent += 1;
                ctx.trace(format!(
                    "tcp connect {addr}: no SYN-ACK in {:.0} ms, a SYN again on a fresh socket",
                    started.elapsed().as_secs_f64() * 1000.0
                ));
                racing.push(attempt(resent));
                wait = wait.map(|w| w * 2).filter(|w| *w < limiter::SYN_RETRANSMIT);
                next_syn = match (wait, resent < EARLY_SYNS) {
                    (Some(w), true) => Some(tokio::time::Instant::now() + w).filter(|t| *t < limit),
                    _ => None,
                };
            }
            () = tokio::time::sleep_until(limit) => break None,
        }
    };
    drop(racing);
    let ms = ms_since(started);
    let (outcome, error, stream) = match result {
        Some((n, began, Ok(s))) => {
            let _ = s.set_nodelay(true);
            // The winner's own handshake time; a later SYN that won says the first was lost.
            ctx.limiter.connected(addr.ip(), began.elapsed());
            if resent > 0 {
                ctx.limiter.syns_resent(started.into(), resent, n > 0);
            }
            (ConnectOutcome::Accepted, None, Some(s))
        }
        Some((_, _, Err(e))) => (classify_connect_error(&e), Some(e.to_string()), None),
        None => {
            if resent > 0 {
                ctx.limiter.syns_resent(started.into(), resent, false);
                ctx.limiter.early_syn_unanswered();
            }
            (ConnectOutcome::Timeout, None, None)
        }
    };
    ctx.trace(format!("tcp connect {addr}: {outcome} in {ms:.1} ms"));
    (ConnectAttempt { address: addr, outcome, ms, error }, stream)
}

/// SYNs a connect may send on fresh sockets beside its first (see [`connect`]).
pub const EARLY_SYNS: u32 = 2;

/// Resolve, then connect to every address concurrently; the first accepted one in the
/// system's order of preference is the one later layers use.
pub async fn probe(host: &str, port: u16, ctx: &ProbeContext) -> NetworkObs {
    probe_keep(host, port, ctx).await.0
}

/// As [`probe`], and hand back the connection to the address the later layers use, so that the
/// first request can travel on it (one connection fewer, one round trip sooner).
pub async fn probe_keep(host: &str, port: u16, ctx: &ProbeContext) -> (NetworkObs, Option<TcpStream>) {
    let resolve = resolve(host, port, ctx).await;
    let addrs: Vec<SocketAddr> = resolve.addresses.iter().map(|ip| SocketAddr::new(*ip, port)).collect();
    let tasks = addrs.iter().map(|a| connect(*a, ctx));
    let results = futures::future::join_all(tasks).await;
    let mut attempts = Vec::with_capacity(results.len());
    let mut connected = None;
    let mut kept = None;
    for (attempt, stream) in results {
        if connected.is_none() && attempt.outcome == ConnectOutcome::Accepted {
            connected = Some(attempt.address);
            kept = stream;
        }
        attempts.push(attempt);
    }
    (NetworkObs { resolve, attempts, connected, connections_opened: 0, politeness: None }, kept)
}

/// A refused connect is a reset; an ICMP unreachable or a missing route is unreachable.
pub fn classify_connect_error(e: &io::Error) -> ConnectOutcome {
    match e.kind() {
        io::ErrorKind::ConnectionRefused => ConnectOutcome::Refused,
        io::ErrorKind::TimedOut => ConnectOutcome::Timeout,
        io::ErrorKind::HostUnreachable | io::ErrorKind::NetworkUnreachable => ConnectOutcome::Unreachable,
        _ => match e.raw_os_error() {
            // EHOSTUNREACH, ENETUNREACH on Linux; WSAEHOSTUNREACH, WSAENETUNREACH on Windows.
            Some(113) | Some(101) | Some(10065) | Some(10051) => ConnectOutcome::Unreachable,
            _ => ConnectOutcome::Error,
        },
    }
}

pub(crate) fn ms_since(t: Instant) -> f64 {
    (t.elapsed().as_secs_f64() * 1000.0 * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_classes() {
        let refused = io::Error::from(io::ErrorKind::ConnectionRefused);
        assert_eq!(classify_connect_error(&refused), ConnectOutcome::Refused);
        assert_eq!(classify_connect_error(&io::Error::from_raw_os_error(113)), ConnectOutcome::Unreachable);
        assert_eq!(classify_connect_error(&io::Error::from_raw_os_error(101)), ConnectOutcome::Unreachable);
        assert_eq!(classify_connect_error(&io::Error::from_raw_os_error(1)), ConnectOutcome::Error);
    }
}
