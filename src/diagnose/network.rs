//! Findings of the network layer: name resolution and TCP.

use super::{Finding, Severity};
use crate::diagnose::FindingId;
use crate::knowledge::Basis;
use crate::knowledge::disc_reason::{DISC_DNS_LOOKUP_FAILED, DISC_SOCKET_CONNECT_FAILED};
use crate::observations::{ConnectOutcome, NetworkObs, Observations};

/// Adds the network findings; returns whether some address accepted the connection.
pub(super) fn findings(obs: &Observations, out: &mut Vec<Finding>) -> bool {
    let Some(net) = &obs.network else { return false };
    if net.resolve.addresses.is_empty() {
        out.push(
            Finding::new(FindingId::DnsUnresolved, "The name does not resolve to any address")
                .evidence(format!(
                    "name lookup failed after {:.0} ms: {}",
                    net.resolve.ms,
                    net.resolve.error.as_deref().unwrap_or("no A or AAAA record")
                ))
                .client_error(DISC_DNS_LOOKUP_FAILED, 0, Basis::Documented),
        );
        return false;
    }
    if net.connected.is_none() {
        for (outcome, id, how) in [
            (ConnectOutcome::Refused, FindingId::TcpRefused, "refused the connection (TCP reset)"),
            (ConnectOutcome::Timeout, FindingId::TcpTimeout, "did not answer before the deadline (no SYN-ACK)"),
            (ConnectOutcome::Unreachable, FindingId::TcpUnreachable, "is unreachable (ICMP unreachable or no route)"),
            (ConnectOutcome::Error, FindingId::TcpError, "could not be connected"),
        ] {
            let failed: Vec<_> = net.attempts.iter().filter(|a| a.outcome == outcome).collect();
            if failed.is_empty() {
                continue;
            }
            let mut f = Finding::new(id, format!("Port {} {how} on every address tried", port(net))).client_error(
                DISC_SOCKET_CONNECT_FAILED,
                0,
                Basis::Documented,
            );
            if outcome == ConnectOutcome::Timeout {
                f = f.from_silence();
            }
            for a in failed {
                f = f.evidence(format!(
                    "TCP connect to {}: {} after {:.1} ms{}",
                    a.address,
                    outcome_word(a.outcome),
                    a.ms,
                    a.error.as_deref().map(|e| format!(" ({e})")).unwrap_or_default()
                ));
            }
            out.push(f);
        }
        return false;
    }
    let failed: Vec<_> = net.attempts.iter().filter(|a| a.outcome != ConnectOutcome::Accepted).collect();
    if !failed.is_empty() {
        let mut f = Finding::new(
            FindingId::AddressUnreachable,
            format!(
                "{} of {} addresses do not accept connections on port {}",
                failed.len(),
                net.attempts.len(),
                port(net)
            ),
        )
        .severity(Severity::Warning);
        if failed.iter().any(|a| a.outcome == ConnectOutcome::Timeout) {
            f = f.from_silence();
        }
        for a in &failed {
            f = f.evidence(format!("TCP connect to {}: {} after {:.1} ms", a.address, outcome_word(a.outcome), a.ms));
        }
        if let Some(ok) = net.connected {
            f = f.evidence(format!("TCP connect to {ok}: accepted; the later layers use this address"));
        }
        out.push(f);
    }
    true
}

fn port(net: &NetworkObs) -> u16 {
    net.attempts.first().map_or(0, |a| a.address.port())
}

pub fn outcome_word(o: ConnectOutcome) -> &'static str {
    match o {
        ConnectOutcome::Accepted => "accepted",
        ConnectOutcome::Refused => "refused",
        ConnectOutcome::Timeout => "timed out",
        ConnectOutcome::Unreachable => "unreachable",
        ConnectOutcome::Error => "failed",
    }
}
