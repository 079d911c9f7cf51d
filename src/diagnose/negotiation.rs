//! Findings of the X.224 security negotiation layer ([MS-RDPBCGR] 1.3.1.1, 2.2.1.2).
//!
//! The request that matters most is the one the Windows client sends (SSL|HYBRID|HYBRID_EX): what
//! fails there fails for every default client; what fails only for narrower requests is information
//! about the clients that would offer only those.

use super::{Finding, Severity};
use crate::codec::x224::Protocol;
use crate::codec::x224::{PROTOCOL_HYBRID, PROTOCOL_HYBRID_EX, PROTOCOL_SSL, WINDOWS_CLIENT_REQUEST, selection_valid};
use crate::diagnose::FindingId;
use crate::knowledge::disc_reason::{DISC_CONNECTION_TIMED_OUT, DISC_SOCKET_CLOSED};
use crate::knowledge::{self, Basis};
use crate::observations::{NegOutcome, NegRequestObs, NegotiationObs, Observations};

/// An answer a client can go on from: a Connection Confirm without negotiation data, or an RDP_NEG_RSP
/// whose selectedProtocol is one protocol the request offered ([MS-RDPBCGR] 2.2.1.2.1).
fn usable(r: &NegRequestObs) -> bool {
    match r.outcome {
        NegOutcome::Legacy => true,
        NegOutcome::Selected => r.selected_value.is_some_and(|v| selection_valid(r.requested_value, v)),
        _ => false,
    }
}

/// An RDP_NEG_FAILURE that demands a protocol the request did offer: SSL_REQUIRED_BY_SERVER (1) to a
/// request with PROTOCOL_SSL, HYBRID_REQUIRED_BY_SERVER (5) to one with HYBRID or HYBRID_EX
/// ([MS-RDPBCGR] 2.2.1.2.2). The server contradicts itself; no client can satisfy it.
fn contradictory(r: &NegRequestObs) -> bool {
    let offered = r.requested_value.unwrap_or(0);
    r.outcome == NegOutcome::Failure
        && match r.failure_code {
            Some(1) => offered & PROTOCOL_SSL != 0,
            Some(5) => offered & (PROTOCOL_HYBRID | PROTOCOL_HYBRID_EX) != 0,
            _ => false,
        }
}

/// One line of evidence for a request: what was asked, what came back.
pub(super) fn describe(r: &NegRequestObs) -> String {
    let asked = match r.requested_value {
        Some(v) => format!("requestedProtocols {} (0x{v:X})", r.label),
        None => "request without RDP_NEG_REQ (legacy)".to_string(),
    };
    let answer = match r.outcome {
        NegOutcome::Selected => format!(
            "RDP_NEG_RSP selected {} (0x{:X}), flags 0x{:02X}{}",
            r.selected.map_or("an unknown protocol".to_ascii_uppercase(), |p| p.name().to_ascii_uppercase()),
            r.selected_value.unwrap_or(0),
            r.flags_value.unwrap_or(0),
            if r.flags.is_empty() { String::new() } else { format!(" [{}]", r.flags.join(", ")) }
        ),
        NegOutcome::Failure => format!(
            "RDP_NEG_FAILURE {} (0x{:X})",
            r.failure_name.unwrap_or("unknown code"),
            r.failure_code.unwrap_or(0)
        ),
        NegOutcome::Legacy => "Connection Confirm without negotiation data (Standard RDP Security)".into(),
        NegOutcome::Closed => "connection closed (FIN) before any answer".into(),
        NegOutcome::Reset => "connection reset (RST) before any answer".into(),
        NegOutcome::Timeout => "no answer before the deadline".into(),
        NegOutcome::NotRdp => format!(
            "an answer that is not TPKT{}: {}",
            r.service.map(|s| format!(" ({s})")).unwrap_or_default(),
            printable(&r.received)
        ),
        NegOutcome::UnsupportedRequest => {
            format!("{} — the server does not handle this request", r.detail.as_deref().unwrap_or("MCS disconnect"))
        }
        NegOutcome::Malformed => format!("a malformed answer: {}", r.detail.as_deref().unwrap_or("unreadable")),
        NegOutcome::ConnectFailed => format!("the TCP connection failed: {}", r.detail.as_deref().unwrap_or("")),
        NegOutcome::NotChecked => "not sent: the run's deadline passed first".into(),
    };
    let retried = if r.retried { ", on a retry alone" } else { "" };
    format!("{asked} → {answer} ({:.1} ms{retried})", r.ms)
}

/// The first bytes of a non-RDP answer, as text where they are printable.
fn printable(hex: &str) -> String {
    let bytes: Vec<u8> =
        (0..hex.len() / 2).filter_map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()).collect();
    let text: String =
        bytes.iter().take(40).map(|&b| if (0x20..0x7F).contains(&b) { b as char } else { '.' }).collect();
    format!("\"{text}\" (hex {})", &hex[..hex.len().min(32)])
}

pub(super) fn findings(obs: &Observations, out: &mut Vec<Finding>) {
    let Some(neg) = &obs.negotiation else { return };
    let before = out.len();
    answer_findings(neg, out);
    invalid_selection(neg, out);
    // One rule for every server that answers and yet leaves a client nothing to go on with, unless a
    // finding above already says why at error level.
    if !neg.requests.iter().any(usable) && !out[before..].iter().any(|f| f.severity <= Severity::Error) {
        no_protocol_usable(neg, out);
    }
}

/// A selectedProtocol that is not one protocol, or not one the request offered.
fn invalid_selection(neg: &NegotiationObs, out: &mut Vec<Finding>) {
    let bad: Vec<&NegRequestObs> =
        neg.requests.iter().filter(|r| r.outcome == NegOutcome::Selected && !usable(r)).collect();
    if bad.is_empty() {
        return;
    }
    let windows_hit = bad.iter().any(|r| r.requested_value == Some(WINDOWS_CLIENT_REQUEST));
    let mut f = Finding::new(
        FindingId::InvalidProtocolSelected,
        "The server's Connection Confirm selects a protocol that is not one of those requested: a Windows client \
         drops such a connection",
    );
    if windows_hit || !neg.requests.iter().any(usable) {
        f = f.severity(Severity::Error);
        if windows_hit {
            f.summary = format!("{} — including the request the Windows client sends", f.summary);
        }
    }
    for r in bad {
        let why = match r.selected_value {
            Some(v) if !v.is_power_of_two() => format!("0x{v:X} is not one protocol"),
            Some(v) => format!("0x{v:X} was not among the requested 0x{:X}", r.requested_value.unwrap_or(0)),
            None => "no value".into(),
        };
        f = f.evidence(format!("{} — selectedProtocol {why}", describe(r)));
    }
    f = f.evidence(
        "[MS-RDPBCGR] 2.2.1.2.1: selectedProtocol is one of the protocols the client listed in requestedProtocols",
    );
    out.push(f);
}

/// The server answered, yet no request got an answer a client can go on from.
fn no_protocol_usable(neg: &NegotiationObs, out: &mut Vec<Finding>) {
    let mut f = Finding::new(
        FindingId::NoProtocolUsable,
        "The server answers the negotiation, but refuses every request — whatever a client offers, it cannot connect",
    )
    .client_error(DISC_SOCKET_CLOSED, 0, Basis::Inferred);
    for r in &neg.requests {
        f = f.evidence(describe(r));
    }
    for r in neg.requests.iter().filter(|r| contradictory(r)) {
        f = f.evidence(format!(
            "{} demands a protocol the request offered (requestedProtocols 0x{:X}): the server contradicts itself",
            r.failure_name.unwrap_or("the failure code"),
            r.requested_value.unwrap_or(0)
        ));
    }
    let mut unknown: Vec<String> = neg
        .requests
        .iter()
        .filter(|r| r.outcome == NegOutcome::Failure && r.failure_name.is_none())
        .filter_map(|r| r.failure_code.map(knowledge::hex_code))
        .collect();
    unknown.dedup();
    if !unknown.is_empty() {
        f = f.evidence(format!("failureCode {} is none of the six [MS-RDPBCGR] 2.2.1.2.2 defines", unknown.join(", ")));
    }
    out.push(f);
}

fn answer_findings(neg: &NegotiationObs, out: &mut Vec<Finding>) {
    let windows = neg.requests.iter().find(|r| r.requested_value == Some(WINDOWS_CLIENT_REQUEST));
    let windows_ok = windows.is_some_and(usable);

    if !transport_findings(neg, windows, out) {
        return;
    }

    // Each RDP_NEG_FAILURE code seen: an error when the Windows client's own request gets it, unless
    // the code tells the client to fall back (SSL_NOT_ALLOWED_BY_SERVER: retry with Standard RDP
    // Security, [MS-RDPBCGR] 2.2.1.2.2) and the server accepted that fallback.
    let rdp_fallback_ok =
        neg.requests.iter().any(|r| r.requested_value == Some(0) && r.selected == Some(Protocol::Rdp) && usable(r));
    for (code, id, falls_back, what) in [
        (
            1,
            FindingId::TlsRequired,
            false,
            "The server requires TLS: clients that offer only Standard RDP Security are refused",
        ),
        (
            2,
            FindingId::StandardRdpSecurityOnly,
            rdp_fallback_ok,
            "The server accepts only Standard RDP Security: no TLS and no NLA",
        ),
        (3, FindingId::CertNotOnServer, false, "The server has no usable TLS certificate (SSL_CERT_NOT_ON_SERVER)"),
        (
            4,
            FindingId::InconsistentFlags,
            false,
            "The server finds the requested protocols inconsistent with its settings (INCONSISTENT_FLAGS)",
        ),
        (
            5,
            FindingId::NlaRequired,
            false,
            "The server requires Network Level Authentication: clients that do not offer CredSSP are refused",
        ),
        (
            6,
            FindingId::TlsWithUserAuthRequired,
            false,
            "The server requires TLS with client certificate authentication",
        ),
    ] {
        // A refusal that demands what the request offered says nothing about the server's policy
        // (`no-protocol-usable` lists it).
        let hits: Vec<&NegRequestObs> = neg
            .requests
            .iter()
            .filter(|r| r.outcome == NegOutcome::Failure && r.failure_code == Some(code) && !contradictory(r))
            .collect();
        // A server that demands what was offered for this code cannot be taken at its word.
        if hits.is_empty() || neg.requests.iter().any(|r| contradictory(r) && r.failure_code == Some(code)) {
            continue;
        }
        // SSL_NOT_ALLOWED_BY_SERVER from a server that did select TLS or CredSSP for other requests
        // refuses only the protocol asked for (FreeRDP answers an RDSTLS-only request so): no finding.
        if code == 2 && (neg.supports.tls || neg.supports.credssp) {
            continue;
        }
        let windows_hit = hits.iter().any(|r| r.requested_value == Some(WINDOWS_CLIENT_REQUEST));
        let mut f = Finding::new(id, what);
        if windows_hit && !falls_back {
            f = f.severity(Severity::Error).client_error(DISC_SOCKET_CLOSED, 0, Basis::Inferred);
            f.summary = format!("{what} — including the request the Windows client sends");
        }
        for r in hits {
            f = f.evidence(describe(r));
        }
        out.push(f);
    }

    // Standard RDP Security chosen although TLS or CredSSP was offered (e.g. xrdp without its certificate).
    let downgraded: Vec<&NegRequestObs> = neg
        .requests
        .iter()
        .filter(|r| usable(r) && r.selected == Some(Protocol::Rdp) && r.requested_value.unwrap_or(0) != 0)
        .collect();
    let windows_rdp_only = windows.is_some_and(|w| w.selected == Some(Protocol::Rdp));
    if !downgraded.is_empty() && (windows_rdp_only || !neg.supports.tls && !neg.supports.credssp) {
        if let Some(existing) = out.iter_mut().find(|f| f.id == FindingId::StandardRdpSecurityOnly) {
            for r in downgraded {
                existing.evidence.push(describe(r));
            }
        } else {
            let mut f = Finding::new(
                FindingId::StandardRdpSecurityOnly,
                "The server selects Standard RDP Security even when TLS is offered: no TLS and no NLA",
            );
            for r in downgraded {
                f = f.evidence(describe(r));
            }
            out.push(f);
        }
    }

    // A request with RDP_NEG_REQ answered as if it had none.
    let legacy: Vec<&NegRequestObs> =
        neg.requests.iter().filter(|r| r.outcome == NegOutcome::Legacy && r.requested_value.is_some()).collect();
    if !legacy.is_empty() {
        let mut f = Finding::new(
            FindingId::LegacyNegotiation,
            "The server ignores the negotiation request and answers like a pre-RDP 5.2 server (Standard RDP Security)",
        );
        for r in legacy {
            f = f.evidence(describe(r));
        }
        out.push(f);
    }

    // Clients get in without CredSSP.
    let without_nla: Vec<&NegRequestObs> =
        neg.requests.iter().filter(|r| usable(r)).filter(|r| !r.selected.is_some_and(Protocol::is_nla)).collect();
    if !without_nla.is_empty() && (windows_ok || rdp_fallback_ok) {
        let summary = if neg.supports.credssp {
            "The server lets clients in without Network Level Authentication"
        } else {
            "The server does not support Network Level Authentication: every client gets in without it"
        };
        let mut f = Finding::new(FindingId::NlaNotRequired, summary);
        for r in without_nla {
            f = f.evidence(describe(r));
        }
        let hybrid_asked: Vec<&NegRequestObs> = neg
            .requests
            .iter()
            .filter(|r| r.requested_value.is_some_and(|p| p & (PROTOCOL_HYBRID | PROTOCOL_HYBRID_EX) != 0))
            .filter(|r| usable(r) && r.outcome == NegOutcome::Selected)
            .filter(|r| !r.selected.is_some_and(Protocol::is_nla))
            .collect();
        for r in hybrid_asked {
            f = f.evidence(format!("CredSSP was offered and not selected: {}", describe(r)));
        }
        out.push(f);
    }

    // Restricted admin (mstsc /restrictedAdmin), the workaround often suggested for extended error 0x7.
    match (neg.supports.credssp, neg.restricted_admin) {
        (true, Some(true)) => {
            let r = neg.requests.iter().find(|r| r.flags.contains(&"restricted_admin_mode_supported"));
            let mut f = Finding::new(
                FindingId::RestrictedAdminSupported,
                "The server announces restricted admin mode: `mstsc /restrictedAdmin` can work here (for administrators)",
            );
            if let Some(r) = r {
                f = f.evidence(describe(r));
            }
            out.push(f);
        }
        (credssp, _) if windows_ok || rdp_fallback_ok => {
            let why = if credssp {
                "the CredSSP answers do not carry RESTRICTED_ADMIN_MODE_SUPPORTED (0x08)"
            } else {
                "restricted admin needs CredSSP, and the server never selected it"
            };
            out.push(
                Finding::new(
                    FindingId::RestrictedAdminUnsupported,
                    "Restricted admin mode (`mstsc /restrictedAdmin`) cannot work here",
                )
                .evidence(why),
            );
        }
        _ => {}
    }
}

/// Findings where the negotiation itself did not happen: closed, reset, silent, another service,
/// unreadable answers. Returns false when nothing was negotiated at all (no further findings).
fn transport_findings(neg: &NegotiationObs, windows: Option<&NegRequestObs>, out: &mut Vec<Finding>) -> bool {
    let answered = neg
        .requests
        .iter()
        .any(|r| matches!(r.outcome, NegOutcome::Selected | NegOutcome::Failure | NegOutcome::Legacy));

    let not_rdp: Vec<&NegRequestObs> = neg.requests.iter().filter(|r| r.outcome == NegOutcome::NotRdp).collect();
    if !not_rdp.is_empty() {
        let service = not_rdp.iter().find_map(|r| r.service);
        let summary = match service {
            Some(s) => format!("Another service answers on this port: {s}, not Remote Desktop"),
            None => "Something that is not Remote Desktop answers on this port".into(),
        };
        let mut f = Finding::new(FindingId::NotRdp, summary).client_error(DISC_SOCKET_CLOSED, 0, Basis::Inferred);
        if answered {
            f = f.severity(Severity::Error);
        }
        f = f.evidence(describe(not_rdp[0]));
        out.push(f);
    }

    let malformed: Vec<&NegRequestObs> = neg.requests.iter().filter(|r| r.outcome == NegOutcome::Malformed).collect();
    if !malformed.is_empty() {
        let mut f = Finding::new(
            FindingId::MalformedResponse,
            "The server's answer to the Connection Request is not a valid Connection Confirm",
        );
        for r in malformed {
            f = f.evidence(format!("{} — received {}", describe(r), &r.received[..r.received.len().min(64)]));
        }
        out.push(f);
    }

    // Closed or reset before any answer, or silence: on every request, or on the Windows client's.
    let cut = |r: &&NegRequestObs| matches!(r.outcome, NegOutcome::Closed | NegOutcome::Reset);
    let silent = |r: &&NegRequestObs| r.outcome == NegOutcome::Timeout;
    let windows_cut = windows.is_some_and(|w| cut(&w));
    let windows_silent = windows.is_some_and(|w| silent(&w));
    // Requests the run's deadline kept from being sent say nothing about the server.
    let sent: Vec<&NegRequestObs> = neg.requests.iter().filter(|r| r.outcome != NegOutcome::NotChecked).collect();
    let all_cut = !sent.is_empty() && sent.iter().all(cut);
    let all_silent = !sent.is_empty() && sent.iter().all(silent);
    if all_cut || windows_cut {
        let resets = neg.requests.iter().filter(|r| r.outcome == NegOutcome::Reset).count();
        let how = if resets > 0 { "reset (RST)" } else { "closed (FIN)" };
        let mut f = Finding::new(
            FindingId::ClosedBeforeNegotiation,
            format!("The server accepts the TCP connection, then {how} it before answering the negotiation"),
        )
        .client_error(DISC_SOCKET_CLOSED, 0, Basis::Inferred);
        if !all_cut {
            f = f.severity(Severity::Error);
        }
        for r in neg.requests.iter().filter(cut) {
            f = f.evidence(describe(r));
        }
        out.push(f);
    }
    if all_silent || windows_silent {
        let mut f = Finding::new(
            FindingId::NoResponse,
            "The server accepts the TCP connection and then says nothing until the deadline",
        )
        .client_error(DISC_CONNECTION_TIMED_OUT, 0, Basis::Inferred)
        .from_silence();
        if !all_silent {
            f = f.severity(Severity::Error);
        }
        for r in neg.requests.iter().filter(silent).take(3) {
            f = f.evidence(describe(r));
        }
        out.push(f);
    }
    answered
}
