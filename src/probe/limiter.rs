//! Politeness towards one server: how many of our connections may be open at once, and who goes
//! first.
//!
//! Every connection a diagnosis opens to the server takes a [`Permit`] first. At most `limit` are in
//! flight; the limit starts at `--max-parallel` (default [`DEFAULT_MAX_PARALLEL`]), halves when the
//! server refuses or resets a connection before answering (Windows throttles bursts of incomplete
//! connections: MaxOutstandingConnections, Event 1006) and each halving also holds new connections
//! back for a moment. Waiting connections start in the order of their [`Priority`], so what decides
//! the verdict goes first and what is merely thorough is what the deadline cuts.
//!
//! Connection starts to one server are at least [`START_GAP`] apart, and an optional fixed pace
//! (`--pace-ms`) spaces them further.

use crate::observations::PolitenessObs;
use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::time::Instant;

/// Connections in flight to one server by default (`--max-parallel`).
pub const DEFAULT_MAX_PARALLEL: u32 = 8;
/// Connections in flight at the start (all of them by default). Connection starts are
/// [`START_GAP`] apart, which is what spares a small accept queue; a window that started at 3 and
/// grew cost two extra waves of round trips before the negotiation matrix was even asked (at 300 ms,
/// a second). As TCP's congestion control (RFC 5681 3.1): up to a larger `--max-parallel` the limit
/// grows by one per answer (slow start) until the first refusal, which halves it; from then on by
/// one per `limit` answers (congestion avoidance).
pub const INITIAL_WINDOW: u32 = 8;
/// The least time between two connection starts to one server. xrdp listens with a backlog of 2:
/// eight SYNs in the same instant overflow its accept queue, and the kernel drops the SYNs beyond it
/// for a 1 s retransmission (measured on loopback: four of eight connects took 1.02 s; 2 ms apart,
/// none did; 5 ms leaves room for a loaded server). A few milliseconds cost nothing on a real path,
/// where round trips are tens of them.
pub const START_GAP: Duration = Duration::from_millis(5);
/// How long new connections wait after the server refused or reset one, per halving in a row.
pub const BACKOFF_STEP: Duration = Duration::from_millis(150);

/// How long a request may go unanswered before it gives its place back: a silent server is not an
/// overloaded one, and its silence must cost one wait of the layer's patience, not one per window.
pub const SILENT_RELEASE: Duration = Duration::from_millis(500);

/// The first SYN retransmission timeout (RFC 6298 2.1: 1 s): a connect at least this slow lost its SYN.
pub const SYN_RETRANSMIT: Duration = Duration::from_millis(900);

/// The least wait for a SYN-ACK before a connect sends its SYN again on a fresh socket, once a
/// handshake to this server has been timed: Linux's least retransmission timeout (TCP_RTO_MIN).
pub const SYN_RTO_MIN: Duration = Duration::from_millis(200);
/// A SYN-ACK later than this many fastest handshakes is taken as lost (RFC 6298 2.3 sets RTO to
/// SRTT + 4 RTTVAR; with one sample, SRTT = R and RTTVAR = R/2, 3 R).
pub const SYN_RTO_RTTS: u32 = 3;

/// Who goes first when connections wait for a permit: lower first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Priority {
    /// On the path to the verdict: the Windows client's request and its TLS/CredSSP, the logon, the
    /// connection sequence.
    Verdict = 0,
    /// Judged by the verdict too, but one step removed: the judged client profile, the TLS versions,
    /// the requests that decide whether NLA is required.
    Judged = 1,
    /// Thoroughness: the rest of the negotiation matrix, the other client profiles, weak-suite probes,
    /// the full scan.
    Thorough = 2,
}

#[derive(Debug)]
struct State {
    limit: u32,
    max: u32,
    in_flight: u32,
    /// Waiters by (priority, arrival).
    waiting: BTreeMap<(Priority, u64), oneshot::Sender<()>>,
    seq: u64,
    /// No new connection starts before this instant (backoff, fixed pace).
    hold_until: Option<Instant>,
    halvings_in_a_row: u32,
    /// The most connections that were ever in flight at once.
    peak: u32,
    /// How often the limit was halved.
    halvings: u32,
    /// SYNs sent again by a connect's own early retry.
    syns_resent: u32,
    /// The fastest TCP handshake seen, per address (about one round trip to it; through an RD
    /// Gateway the layers' connections go to a loopback forwarder and the forwarder's to the
    /// gateway, under one limiter).
    fastest_connect: BTreeMap<IpAddr, Duration>,
    /// When the window was last halved for a lost SYN: one halving per loss event, as TCP's.
    last_loss_halving: Option<Instant>,
    /// A connect went unanswered to its end although it sent its SYN again: the path (or an IPS)
    /// drops everything, and sending more SYNs earlier would only add to it.
    early_syn_off: bool,
    /// Answers since the limit last grew.
    credit: u32,
    /// Slow start until the first refusal, then congestion avoidance.
    slow_start: bool,
}

/// One server's connection limiter (cheap to clone).
#[derive(Debug, Clone)]
pub struct Limiter {
    state: Arc<Mutex<State>>,
    pace: Duration,
}

/// A place among the connections in flight; released on drop.
#[derive(Debug)]
pub struct Permit {
    limiter: Limiter,
}

impl Drop for Permit {
    fn drop(&mut self) {
        let mut s = self.limiter.lock();
        s.in_flight = s.in_flight.saturating_sub(1);
        Limiter::wake(&mut s);
    }
}

impl Permit {
    /// The server refused or reset this connection before answering: fewer at once from now on.
    pub fn refused(&self) {
        self.limiter.refused();
    }

    /// The server answered on this connection: a refusal streak is over, and one more connection may
    /// be in flight (up to the maximum).
    pub fn answered(&self) {
        let mut s = self.limiter.lock();
        s.halvings_in_a_row = 0;
        s.credit += 1;
        // Slow start (one more per answer) until the first refusal, then additive increase (one more
        // per `limit` answers); `refused` decreases multiplicatively.
        if s.limit < s.max && (s.slow_start || s.credit >= s.limit) {
            s.limit += 1;
            s.credit = 0;
            Limiter::wake(&mut s);
        }
    }
}

impl Limiter {
    /// `max` connections at once (at least 1), starts at least `pace` apart.
    pub fn new(max: u32, pace: Duration) -> Limiter {
        let max = max.max(1);
        Limiter {
            state: Arc::new(Mutex::new(State {
                limit: max.min(INITIAL_WINDOW),
                max,
                in_flight: 0,
                waiting: BTreeMap::new(),
                seq: 0,
                hold_until: None,
                halvings_in_a_row: 0,
                peak: 0,
                halvings: 0,
                syns_resent: 0,
                fastest_connect: BTreeMap::new(),
                last_loss_halving: None,
                early_syn_off: false,
                credit: 0,
                slow_start: true,
            })),
            pace,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Hand free places to the first waiters, in priority order.
    fn wake(s: &mut State) {
        while s.in_flight < s.limit {
            let Some((_, tx)) = s.waiting.pop_first() else { break };
            if tx.send(()).is_ok() {
                s.in_flight += 1;
                s.peak = s.peak.max(s.in_flight);
            }
        }
    }

    /// Wait for a place, then for the pace and any backoff. `None` when `deadline` passes first.
    pub async fn acquire(&self, priority: Priority, deadline: Instant) -> Option<Permit> {
        let (key, mut rx) = {
            let mut s = self.lock();
            let (tx, rx) = oneshot::channel();
            let key = (priority, s.seq);
            s.seq += 1;
            s.waiting.insert(key, tx);
            Limiter::wake(&mut s);
            (key, rx)
        };
        // `rx` stays alive until the lock below, so a place granted at the last moment is known.
        let granted = tokio::time::timeout_at(deadline, &mut rx).await;
        if !matches!(granted, Ok(Ok(()))) {
            let mut s = self.lock();
            if s.waiting.remove(&key).is_none() {
                // Granted while the deadline passed: give the place back.
                s.in_flight = s.in_flight.saturating_sub(1);
                Limiter::wake(&mut s);
            }
            return None;
        }
        let permit = Permit { limiter: self.clone() };
        // Pace and backoff: the start slot is claimed under the lock, slept for outside it.
        let start = {
            let mut s = self.lock();
            let now = Instant::now();
            let slot = s.hold_until.filter(|t| *t > now).unwrap_or(now);
            s.hold_until = Some(slot + self.pace.max(START_GAP));
            slot
        };
        if start >= deadline {
            return None;
        }
        tokio::time::sleep_until(start).await;
        Some(permit)
    }

    /// The server refused or reset a connection: halve the limit and hold new starts back a little.
    pub fn refused(&self) {
        let mut s = self.lock();
        Self::halve(&mut s);
        s.halvings_in_a_row += 1;
        let hold = BACKOFF_STEP * s.halvings_in_a_row.min(8);
        let until = Instant::now() + hold;
        s.hold_until = Some(s.hold_until.map_or(until, |t| t.max(until)));
    }

    /// A TCP handshake to `ip` took `took`. One far slower than the fastest to the same address (a
    /// second or more, when the fastest took a third of that or less) means a SYN was dropped and
    /// sent again by the kernel: the server's accept queue overflowed (xrdp listens with a backlog
    /// of 2), which is a refusal in disguise.
    pub fn connected(&self, ip: IpAddr, took: Duration) {
        let slow = {
            let mut s = self.lock();
            let fastest = s.fastest_connect.get(&ip).map_or(took, |f| (*f).min(took));
            s.fastest_connect.insert(ip, fastest);
            took >= SYN_RETRANSMIT && took >= fastest * 3
        };
        if slow {
            self.refused();
        }
    }

    /// How long a connect to `ip` waits for its SYN-ACK before sending a SYN again on a fresh
    /// socket (racing the first), when a handshake to that address was already timed and the wait
    /// is shorter than the kernel's own first retransmission (1 s, RFC 6298 2.1): the first connect
    /// has no round trip to go by, and a lost SYN then costs a second, twenty round trips of a 50 ms
    /// VPN. None once a connect went unanswered to its end despite the early SYN.
    pub fn syn_timeout(&self, ip: IpAddr) -> Option<Duration> {
        let s = self.lock();
        if s.early_syn_off {
            return None;
        }
        let fastest = *s.fastest_connect.get(&ip)?;
        Some((fastest * SYN_RTO_RTTS).max(SYN_RTO_MIN)).filter(|t| *t < SYN_RETRANSMIT)
    }

    /// A connect started at `started` sent `resent` SYNs again; `lost` when one of those, not the
    /// first, made the connection (the first SYN or its SYN-ACK was lost, on the path or at a full
    /// accept queue). As TCP halves its window once per loss event, a loss halves the window once
    /// for every connect that started after the last such halving; no hold, the SYN already
    /// waited its round trips.
    pub fn syns_resent(&self, started: Instant, resent: u32, lost: bool) {
        let mut s = self.lock();
        s.syns_resent += resent;
        if lost && s.last_loss_halving.is_none_or(|t| started > t) {
            Self::halve(&mut s);
            s.last_loss_halving = Some(Instant::now());
        }
    }

    /// A connect that had sent its SYN again still went unanswered: no more early SYNs this run.
    pub fn early_syn_unanswered(&self) {
        self.lock().early_syn_off = true;
    }

    fn halve(s: &mut State) {
        s.credit = 0;
        s.slow_start = false;
        s.limit = (s.limit / 2).max(1);
        s.halvings += 1;
    }

    /// The limit now, the most in flight at once so far, and how often the limit was halved.
    pub fn stats(&self) -> PolitenessObs {
        let s = self.lock();
        PolitenessObs { limit: s.limit, max: s.max, peak: s.peak, halvings: s.halvings, syns_resent: s.syns_resent }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IP: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);

    #[tokio::test]
    async fn never_more_than_the_limit_and_priority_first() {
        let l = Limiter::new(2, Duration::ZERO);
        let far = Instant::now() + Duration::from_secs(5);
        let a = l.acquire(Priority::Thorough, far).await.unwrap();
        let b = l.acquire(Priority::Thorough, far).await.unwrap();
        // Two waiters: the thorough one arrives first, the verdict one must still go first.
        let order = Arc::new(Mutex::new(Vec::new()));
        let (l1, o1) = (l.clone(), order.clone());
        let t1 = tokio::spawn(async move {
            let p = l1.acquire(Priority::Thorough, far).await;
            o1.lock().unwrap().push("thorough");
            p
        });
        tokio::task::yield_now().await;
        let (l2, o2) = (l.clone(), order.clone());
        let t2 = tokio::spawn(async move {
            let p = l2.acquire(Priority::Verdict, far).await;
            o2.lock().unwrap().push("verdict");
            p
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(order.lock().unwrap().is_empty(), "nobody gets in while two are in flight");
        drop(a);
        let p2 = t2.await.unwrap();
        assert!(p2.is_some());
        assert_eq!(*order.lock().unwrap(), vec!["verdict"]);
        drop(b);
        let p1 = t1.await.unwrap();
        assert!(p1.is_some());
        assert_eq!(l.stats().peak, 2);
    }

    #[tokio::test]
    async fn refusals_halve_the_limit_and_a_deadline_ends_the_wait() {
        let l = Limiter::new(8, Duration::ZERO);
        assert_eq!(l.stats().limit, 8, "the whole window at once: starts are spaced instead");
        l.refused();
        l.refused();
        assert_eq!(l.stats().limit, 2);
        assert_eq!(l.stats().halvings, 2);
        let far = Instant::now() + Duration::from_secs(5);
        let _a = l.acquire(Priority::Verdict, far).await.unwrap();
        let _b = l.acquire(Priority::Verdict, far).await.unwrap();
        let soon = Instant::now() + Duration::from_millis(30);
        assert!(l.acquire(Priority::Verdict, soon).await.is_none(), "a third waits past its deadline");
        for _ in 0..5 {
            l.refused();
        }
        assert_eq!(l.stats().limit, 1, "never below one");
        // After a refusal the limit grows by one per `limit` answers only.
        let l = Limiter::new(8, Duration::ZERO);
        l.refused();
        assert_eq!(l.stats().limit, 4);
        let far = Instant::now() + Duration::from_secs(5);
        for answers in [4, 5] {
            for _ in 0..answers {
                l.acquire(Priority::Verdict, far).await.unwrap().answered();
            }
        }
        assert_eq!(l.stats().limit, 6, "4 answers to reach 5, 5 to reach 6");
        // Up to a larger maximum, before any refusal: one more per answer (slow start).
        let l = Limiter::new(16, Duration::ZERO);
        assert_eq!(l.stats().limit, INITIAL_WINDOW);
        for _ in 0..8 {
            l.acquire(Priority::Verdict, far).await.unwrap().answered();
        }
        assert_eq!(l.stats().limit, 16);
    }

    #[test]
    fn a_connect_a_syn_retransmission_slower_is_a_refusal() {
        let l = Limiter::new(8, Duration::ZERO);
        l.connected(IP, Duration::from_millis(2));
        l.connected(IP, Duration::from_millis(40));
        assert_eq!(l.stats().limit, INITIAL_WINDOW, "jitter is not a refusal");
        l.connected(IP, Duration::from_millis(1003));
        assert_eq!(l.stats().limit, INITIAL_WINDOW / 2, "a dropped SYN, sent again after 1 s");
        // On a 400 ms path a 1.2 s connect is three round trips: not proof of a drop.
        let far = Limiter::new(8, Duration::ZERO);
        far.connected(IP, Duration::from_millis(400));
        far.connected(IP, Duration::from_millis(1100));
        assert_eq!(far.stats().limit, INITIAL_WINDOW);
    }

    #[test]
    fn the_syn_timeout_comes_from_the_fastest_handshake_to_that_address() {
        let l = Limiter::new(8, Duration::ZERO);
        assert_eq!(l.syn_timeout(IP), None, "no handshake timed yet: the kernel's own timers");
        l.connected(IP, Duration::from_micros(100));
        assert_eq!(l.syn_timeout(IP), Some(SYN_RTO_MIN), "loopback: the floor");
        // Through a gateway: the forwarder on loopback is fast, the gateway is not.
        let gateway: IpAddr = "192.0.2.7".parse().unwrap();
        assert_eq!(l.syn_timeout(gateway), None, "another address: nothing to go by");
        l.connected(gateway, Duration::from_millis(400));
        assert_eq!(l.syn_timeout(gateway), None, "1.2 s: the kernel's own retransmission comes first");
        l.connected(gateway, Duration::from_millis(1100));
        assert_eq!(l.stats().limit, INITIAL_WINDOW, "three round trips to the gateway, not a lost SYN");
        let wan = Limiter::new(8, Duration::ZERO);
        wan.connected(gateway, Duration::from_millis(150));
        assert_eq!(wan.syn_timeout(gateway), Some(Duration::from_millis(450)), "three round trips");
        let far = Limiter::new(8, Duration::ZERO);
        far.connected(IP, Duration::from_millis(300));
        assert_eq!(far.syn_timeout(IP), None, "900 ms is no sooner than the kernel's retransmission");
    }

    #[test]
    fn a_lost_syn_halves_once_per_loss_event_and_an_unanswered_one_stops_early_syns() {
        let l = Limiter::new(8, Duration::ZERO);
        l.connected(IP, Duration::from_micros(100));
        let burst = Instant::now();
        l.syns_resent(burst, 1, false);
        assert_eq!(l.stats().limit, INITIAL_WINDOW, "the first SYN won after all: nothing was lost");
        l.syns_resent(burst, 1, true);
        l.syns_resent(burst, 2, true);
        assert_eq!(l.stats().limit, INITIAL_WINDOW / 2, "one burst's losses: one halving");
        assert_eq!(l.stats().syns_resent, 4);
        l.syns_resent(Instant::now(), 1, true);
        assert_eq!(l.stats().limit, INITIAL_WINDOW / 4, "a connect started after it: a new loss event");
        l.early_syn_unanswered();
        assert_eq!(l.syn_timeout(IP), None, "a path that drops everything gets no more early SYNs");
    }
}
