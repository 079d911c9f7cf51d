//! The human report: a header, per layer what was tried and what came back, then the findings
//! (most severe first, evidence before remedies) and the verdict.

use super::Report;
use super::style::Style;
use crate::diagnose::{Severity, Verdict};
use crate::observations::{ConnectOutcome, NegOutcome, NegRequestObs};
use std::fmt::Write;

const WIDTH: usize = 100;

pub fn render(r: &Report, st: Style) -> String {
    let mut o = String::new();
    let addrs: Vec<String> = r.target.addresses.iter().map(|a| a.to_string()).collect();
    let _ = writeln!(
        o,
        "{} {}  {}:{}  ({})",
        st.bold("rdp-doctor"),
        r.tool.version,
        r.target.host,
        r.target.port,
        if addrs.is_empty() { "no address".into() } else { addrs.join(", ") }
    );

    if let Some(net) = &r.observations.network {
        let _ = writeln!(o, "\n{}", st.bold("Network"));
        if !net.resolve.literal {
            let mark = if net.resolve.addresses.is_empty() { st.red("✗") } else { st.green("✓") };
            let what = match &net.resolve.error {
                Some(e) => format!("lookup failed: {e}"),
                None => format!("{} address(es)", net.resolve.addresses.len()),
            };
            let _ = writeln!(o, "  {mark} {:<28} {:<44} {:>8}", "resolve", what, ms(net.resolve.ms));
        }
        for a in &net.attempts {
            let mark = if a.outcome == ConnectOutcome::Accepted { st.green("✓") } else { st.red("✗") };
            let word = crate::diagnose::network_outcome_word(a.outcome);
            let _ = writeln!(o, "  {mark} {:<28} {:<44} {:>8}", format!("tcp {}", a.address), word, ms(a.ms));
        }
    }

    if let Some(neg) = &r.observations.negotiation {
        let _ = writeln!(
            o,
            "\n{}  {}",
            st.bold("Negotiation"),
            st.dim("X.224 Connection Request/Confirm, [MS-RDPBCGR] 2.2.1.1-2.2.1.2")
        );
        for q in &neg.requests {
            let (mark, what) = request_line(q, st);
            let _ = writeln!(o, "  {mark} {:<28} {:<44} {:>8}", q.label, what, ms(q.ms));
        }
        let s = neg.supports;
        let mut accepts = Vec::new();
        for (on, name) in [
            (s.rdp, "Standard RDP Security"),
            (s.tls, "TLS"),
            (s.credssp, "CredSSP (NLA)"),
            (s.credssp_early_auth, "CredSSP early auth (HYBRID_EX)"),
            (s.rdstls, "RDSTLS"),
        ] {
            if on {
                accepts.push(name);
            }
        }
        let yn = |v: Option<bool>| match v {
            Some(true) => "yes",
            Some(false) => "no",
            None => "unknown",
        };
        let _ = writeln!(
            o,
            "  {} {}\n  {} {}   {} {}   {} {}",
            st.dim("server accepts:"),
            if accepts.is_empty() { "nothing".into() } else { accepts.join(", ") },
            st.dim("NLA required:"),
            yn(neg.nla_required),
            st.dim("restricted admin:"),
            yn(neg.restricted_admin),
            st.dim("remote credential guard:"),
            yn(neg.redirected_auth)
        );
    }

    if let Some(sess) = &r.observations.session {
        let _ = writeln!(o, "\n{}  {}", st.bold("Session"), st.dim("connection sequence, [MS-RDPBCGR] 1.3.1.1"));
        if !sess.checked {
            let _ = writeln!(o, "  {} not checked: {}", st.dim("–"), sess.not_checked.as_deref().unwrap_or(""));
        }
        for stg in &sess.stages {
            let mark = match stg.outcome {
                crate::observations::StageOutcome::Ok => st.green("✓"),
                crate::observations::StageOutcome::Failed => st.red("✗"),
                crate::observations::StageOutcome::NotChecked => st.dim("–"),
            };
            let _ =
                writeln!(o, "  {mark} {:<28} {:<44} {:>8}", stg.name, stg.detail.as_deref().unwrap_or(""), ms(stg.ms));
        }
        if let Some(sec) = &sess.rdp_security {
            for m in &sec.methods {
                let mark = if m.accepted { st.green("✓") } else { st.dim("–") };
                let what = crate::knowledge::lookup(crate::knowledge::TableId::EncryptionMethod, m.offered)
                    .map_or_else(|| format!("0x{:X}", m.offered), |e| e.name.to_string());
                let _ = writeln!(o, "  {mark} {:<28} {}", what, if m.accepted { "accepted" } else { "refused" });
            }
        }
        for f in &sess.server_frames {
            if matches!(
                f.kind,
                "set_error_info"
                    | "disconnect_provider_ultimatum"
                    | "license_error"
                    | "redirection"
                    | "save_session_info"
                    | "deactivate_all"
            ) {
                let _ = writeln!(o, "  {} {:<28} {}", st.dim("←"), f.kind, f.summary);
            }
        }
    }

    let _ = writeln!(o, "\n{}", st.bold(&format!("Findings ({})", r.findings.len())));
    if r.findings.is_empty() {
        let _ = writeln!(o, "  none");
    }
    for f in &r.findings {
        let label = format!("{:<8}", f.severity.as_str().to_ascii_uppercase());
        let label = match f.severity {
            Severity::Critical => st.bold_red(&label),
            Severity::Error => st.red(&label),
            Severity::Warning => st.yellow(&label),
            Severity::Info => st.cyan(&label),
        };
        let _ = writeln!(o, "  {label} {}  {}", st.bold(f.id), f.summary);
        for e in &f.evidence {
            wrap_into(&mut o, &st.dim("evidence"), e);
        }
        if let Some(ce) = &f.client_error {
            let text = format!(
                "error code 0x{:X}, extended error code 0x{:X} ({}){}",
                ce.code,
                ce.extended,
                serde_json::to_value(ce.basis).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default(),
                ce.meaning.map(|m| format!(": {m}")).unwrap_or_default()
            );
            wrap_into(&mut o, &st.dim("client  "), &text);
        }
        for rem in &f.remedies {
            wrap_into(&mut o, &st.dim("fix     "), rem);
        }
    }

    let verdict = match r.verdict {
        Verdict::Healthy => st.green("healthy"),
        Verdict::Degraded => st.yellow("degraded"),
        Verdict::Failing => st.red("failing"),
        Verdict::Unreachable => st.bold_red("unreachable"),
    };
    let predicted = r
        .predicted_client_error
        .as_ref()
        .map(|c| format!("   the Windows client would show 0x{:X} / 0x{:X}", c.code, c.extended))
        .unwrap_or_default();
    let _ = writeln!(
        o,
        "\n{} {}{}   {}",
        st.bold("Verdict"),
        verdict,
        predicted,
        st.dim(&format!("({})", ms(r.timings_ms.total)))
    );
    o
}

fn request_line(q: &NegRequestObs, st: Style) -> (String, String) {
    let ok = st.green("✓");
    let bad = st.red("✗");
    match q.outcome {
        NegOutcome::Selected => (ok, format!("selected {}", q.selected.unwrap_or("?").to_ascii_uppercase())),
        NegOutcome::Legacy => (ok, "legacy confirm (Standard RDP Security)".into()),
        NegOutcome::Failure => (bad, format!("failure {}", q.failure_name.unwrap_or("unknown code"))),
        NegOutcome::UnsupportedRequest => (st.dim("–"), "not handled (MCS disconnect)".into()),
        NegOutcome::NotRdp => (bad, format!("not RDP{}", q.service.map(|s| format!(": {s}")).unwrap_or_default())),
        NegOutcome::Closed => (bad, "closed before answering".into()),
        NegOutcome::Reset => (bad, "reset before answering".into()),
        NegOutcome::Timeout => (bad, "no answer".into()),
        NegOutcome::Malformed => (bad, "malformed answer".into()),
        NegOutcome::ConnectFailed => (bad, "TCP connect failed".into()),
    }
}

fn ms(v: f64) -> String {
    if v >= 1000.0 { format!("{:.2} s", v / 1000.0) } else { format!("{v:.1} ms") }
}

/// "  label  text…" with the text wrapped under itself.
fn wrap_into(o: &mut String, label: &str, text: &str) {
    let indent = 11 + 10;
    let room = WIDTH.saturating_sub(indent).max(40);
    let mut line = String::new();
    let mut first = true;
    let flush = |o: &mut String, line: &str, first: bool| {
        if first {
            let _ = writeln!(o, "{:11}{label}  {line}", "");
        } else {
            let _ = writeln!(o, "{:indent$}{line}", "");
        }
    };
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > room {
            flush(o, &line, first);
            first = false;
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || first {
        flush(o, &line, first);
    }
}
