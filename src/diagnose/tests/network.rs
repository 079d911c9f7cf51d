//! `diagnose/network.rs`: name resolution and TCP connects.

use super::build::*;
use super::{Case, given};
use crate::diagnose::{Severity, Verdict};
use crate::observations::{ConnectAttempt, ConnectOutcome, Observations};
use std::net::SocketAddr;

/// Only the network layer was observed: the probe stops a path where it breaks.
fn network_only(o: &mut Observations) {
    o.negotiation = None;
    o.tls = None;
    o.credssp = None;
    o.authentication = None;
    o.session = None;
}

fn connects(attempts: Vec<ConnectAttempt>) -> Observations {
    healthy().with(|o| {
        let n = o.network.as_mut().expect("network");
        n.resolve.addresses = attempts.iter().map(|a| a.address.ip()).collect();
        n.connected = attempts.iter().find(|a| a.outcome == ConnectOutcome::Accepted).map(|a| a.address);
        n.attempts = attempts;
        if n.connected.is_none() {
            network_only(o);
        }
    })
}

fn failed(outcome: ConnectOutcome, error: Option<&str>) -> Observations {
    connects(vec![ConnectAttempt { error: error.map(String::from), ..attempt(addr(), outcome) }])
}

fn v6() -> SocketAddr {
    "[::1]:3389".parse().expect("address")
}

fn does_not_resolve() -> Case {
    // Built by hand: a failed lookup cannot be provoked without asking a DNS server off this machine.
    given(healthy().with(|o| {
        let n = o.network.as_mut().expect("network");
        n.resolve.addresses.clear();
        n.resolve.error = Some("failed to lookup address information: Name or service not known".into());
        n.attempts.clear();
        n.connected = None;
        network_only(o);
    }))
}

cases! {
    /// The name does not resolve: the client shows 0x104, nothing else was tried.
    a_name_that_does_not_resolve: does_not_resolve()
        .ids(&["dns-unresolved"])
        .verdict(Verdict::Unreachable)
        .predicts(0x104, 0)
        .says("dns-unresolved", "Name or service not known");
    /// RST to the SYN.
    a_refused_port: given(failed(ConnectOutcome::Refused, Some("Connection refused (os error 111)")))
        .ids(&["tcp-refused"])
        .verdict(Verdict::Unreachable)
        .predicts(0x204, 0)
        .says("tcp-refused", "127.0.0.1:3389: refused");
    /// No SYN-ACK before the layer's patience: dropped.
    a_dropped_syn: given(failed(ConnectOutcome::Timeout, None))
        .ids(&["tcp-timeout"])
        .verdict(Verdict::Unreachable)
        .predicts(0x204, 0)
        .says("tcp-timeout", "timed out");
    /// ICMP unreachable.
    an_unreachable_host: given(failed(ConnectOutcome::Unreachable, Some("No route to host (os error 113)")))
        .ids(&["tcp-unreachable"])
        .verdict(Verdict::Unreachable)
        .predicts(0x204, 0)
        .says("tcp-unreachable", "No route to host");
    /// A local socket error (not the server's doing, still no connection).
    a_local_socket_error_is_tcp_error: given(failed(ConnectOutcome::Error, Some("Address not available (os error 99)")))
        .ids(&["tcp-error"])
        .verdict(Verdict::Unreachable)
        .says("tcp-error", "os error 99");
    /// Two addresses, each failing its own way: one finding per way.
    every_address_failing_differently: given(connects(vec![attempt(v6(), ConnectOutcome::Timeout), attempt(addr(), ConnectOutcome::Refused)]))
        .ids(&["tcp-refused", "tcp-timeout"])
        .verdict(Verdict::Unreachable)
        .says("tcp-timeout", "[::1]:3389: timed out")
        .says("tcp-refused", "127.0.0.1:3389: refused");
    /// One of two addresses answers: a warning, and the rest of the diagnosis runs on the other.
    one_address_of_two_failing_is_a_warning: given(connects(vec![attempt(v6(), ConnectOutcome::Timeout), attempt(addr(), ConnectOutcome::Accepted)]))
        .has(&["address-unreachable", "session-established"])
        .severity("address-unreachable", Severity::Warning)
        .verdict(Verdict::Degraded)
        .predicts_nothing()
        .says("address-unreachable", "[::1]:3389: timed out")
        .says("address-unreachable", "127.0.0.1:3389: accepted");
    /// Near miss: every address accepts, so no address is unreachable.
    every_address_accepting_is_not_a_finding: given(connects(vec![attempt(v6(), ConnectOutcome::Accepted), attempt(addr(), ConnectOutcome::Accepted)]))
        .lacks(&["address-unreachable"])
        .verdict(Verdict::Healthy);
}
