//! A slow, lossy link in a box: a TCP proxy on loopback that adds round-trip time and loss to every
//! connection, for tests and benchmarks on kernels without `tc netem` (this one has no sch_netem).
//!
//! Each accepted connection is forwarded to `upstream`. Every chunk waits RTT/2 in each direction,
//! in order; the first client bytes wait one more RTT (the SYN / SYN-ACK a real path costs before
//! data can flow, which the proxy's local accept does not). With `loss` > 0, a chunk is "lost" with
//! that probability and arrives one retransmission timeout later (max(200 ms, 2 × RTT), as TCP's
//! RTO would): the chunks behind it wait too, as TCP delivers in order. Loopback only.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// The link to simulate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinkProfile {
    pub rtt: Duration,
    /// Probability (0..1) that a chunk is lost once and retransmitted.
    pub loss: f64,
    /// Seed of the loss pattern (the same seed, the same losses).
    pub seed: u64,
}

impl LinkProfile {
    pub fn rtt(rtt: Duration) -> LinkProfile {
        LinkProfile { rtt, loss: 0.0, seed: 1 }
    }

    /// TCP's retransmission timeout on this path (RFC 6298: at least 200 ms on Linux).
    pub fn rto(&self) -> Duration {
        (self.rtt * 2).max(Duration::from_millis(200))
    }
}

/// A running link.
pub struct Link {
    pub addr: SocketAddr,
    /// Connections accepted so far (what a benchmark counts).
    pub accepted: Arc<AtomicU64>,
    task: JoinHandle<()>,
}

impl Drop for Link {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Start a link on `listen` (port 0: a free port) in front of `upstream`. Both must be loopback.
pub async fn start(listen: SocketAddr, upstream: SocketAddr, profile: LinkProfile) -> std::io::Result<Link> {
    if !listen.ip().is_loopback() || !upstream.ip().is_loopback() {
        return Err(std::io::Error::other("the lab link runs on loopback only"));
    }
    let listener = TcpListener::bind(listen).await?;
    let addr = listener.local_addr()?;
    let rng = Arc::new(AtomicU64::new(profile.seed.max(1)));
    let accepted = Arc::new(AtomicU64::new(0));
    let count = accepted.clone();
    let task = tokio::spawn(super::accept::accept_loop(listener, move |client| {
        count.fetch_add(1, Ordering::Relaxed);
        let rng = rng.clone();
        tokio::spawn(async move {
            let Ok(Ok(server)) = tokio::time::timeout(Duration::from_secs(10), TcpStream::connect(upstream)).await
            else {
                return;
            };
            let _ = client.set_nodelay(true);
            let _ = server.set_nodelay(true);
            let (cr, cw) = client.into_split();
            let (sr, sw) = server.into_split();
            let up = pump(cr, sw, profile, profile.rtt, rng.clone());
            let down = pump(sr, cw, profile, Duration::ZERO, rng);
            let _ = tokio::time::timeout(Duration::from_secs(300), async { tokio::join!(up, down) }).await;
        });
    }));
    Ok(Link { addr, accepted, task })
}

/// xorshift64*: a small deterministic generator for the loss pattern (not for anything secret).
fn next_unit(state: &AtomicU64) -> f64 {
    let mut x = state.load(Ordering::Relaxed);
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    state.store(x, Ordering::Relaxed);
    (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
}

/// Forward `from` to `to`, each chunk RTT/2 later (and `first_extra` more for the first one), in order.
async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    profile: LinkProfile,
    first_extra: Duration,
    rng: Arc<AtomicU64>,
) {
    let (tx, mut rx) = mpsc::unbounded_channel::<(Instant, Option<Vec<u8>>)>();
    let half = profile.rtt / 2;
    let reader = async move {
        let mut buf = vec![0u8; 16 * 1024];
        let mut first = true;
        let mut last_due = Instant::now();
        loop {
            let n = match from.read(&mut buf).await {
                Ok(0) | Err(_) => 0,
                Ok(n) => n,
            };
            let mut due = Instant::now() + half;
            if first {
                due += first_extra;
                first = false;
            }
            if n > 0 && profile.loss > 0.0 && next_unit(&rng) < profile.loss {
                due += profile.rto();
            }
            // In order: nothing overtakes a chunk that was delayed.
            due = due.max(last_due);
            last_due = due;
            let chunk = (n > 0).then(|| buf.get(..n).unwrap_or_default().to_vec());
            let end = chunk.is_none();
            if tx.send((due, chunk)).is_err() || end {
                break;
            }
        }
    };
    let writer = async move {
        while let Some((due, chunk)) = rx.recv().await {
            tokio::time::sleep_until(due).await;
            match chunk {
                Some(c) => {
                    if to.write_all(&c).await.is_err() {
                        break;
                    }
                }
                None => {
                    let _ = crate::net::shutdown(&mut to).await;
                    break;
                }
            }
        }
    };
    tokio::join!(reader, writer);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn adds_the_round_trip_and_keeps_the_bytes_in_order() {
        let echo = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let echo_addr = echo.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut s, _) = echo.accept().await.unwrap();
            let mut b = [0u8; 64];
            while let Ok(n) = s.read(&mut b).await {
                if n == 0 || s.write_all(&b[..n]).await.is_err() {
                    break;
                }
            }
        });
        let rtt = Duration::from_millis(100);
        let link = start("127.0.0.1:0".parse().unwrap(), echo_addr, LinkProfile::rtt(rtt)).await.unwrap();
        let mut c = TcpStream::connect(link.addr).await.unwrap();
        let t = Instant::now();
        c.write_all(b"ping").await.unwrap();
        let mut b = [0u8; 4];
        c.read_exact(&mut b).await.unwrap();
        assert_eq!(&b, b"ping");
        // The first exchange: the handshake's round trip plus the data's.
        assert!(t.elapsed() >= rtt * 2, "{:?}", t.elapsed());
        let t = Instant::now();
        c.write_all(b"pong").await.unwrap();
        c.read_exact(&mut b).await.unwrap();
        assert_eq!(&b, b"pong");
        assert!(t.elapsed() >= rtt && t.elapsed() < rtt * 2, "{:?}", t.elapsed());
    }

    #[tokio::test]
    async fn refuses_anything_but_loopback() {
        let r =
            start("127.0.0.1:0".parse().unwrap(), "192.0.2.1:3389".parse().unwrap(), LinkProfile::rtt(Duration::ZERO))
                .await;
        assert!(r.is_err());
    }
}
