//! The human report: a header, per layer what was tried and what came back, then the findings
//! (most severe first, evidence before remedies) and the verdict.

use super::Report;
use super::style::Style;
use crate::diagnose::{Severity, Verdict};
use crate::observations::VersionOutcome;
use crate::observations::{ConnectOutcome, HandshakeOutcome, NegOutcome, NegRequestObs, TlsObs};
use std::fmt::Write;

const WIDTH: usize = 100;

pub fn render(r: &Report, st: Style) -> String {
    // Every string from the network or a file escaped (report::terminal); the JSON keeps them exact.
    let safe = super::terminal::neutralised(r);
    super::terminal::finish(&render_unchecked(&safe, st), st)
}

fn render_unchecked(r: &Report, st: Style) -> String {
    let mut o = String::new();
    let addrs: Vec<String> = r.target.addresses.iter().map(|a| a.to_string()).collect();
    let _ = writeln!(
        o,
        "{} {}  {}:{}  ({})",
        st.bold("rdp-doctor"),
        r.tool.version,
        r.target.host,
        r.target.port,
        match &r.observations.gateway {
            Some(g) if addrs.is_empty() => format!("via RD Gateway {}:{}", g.host, g.port),
            _ if addrs.is_empty() => "no address".into(),
            _ => addrs.join(", "),
        }
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

    if let Some(g) = &r.observations.gateway {
        let _ = writeln!(o, "\n{}  {}", st.bold("RD Gateway"), st.dim("[MS-TSGU] HTTP transport"));
        for s in &g.stages {
            use crate::observations::gateway::StageOutcome;
            let mark = match s.outcome {
                StageOutcome::Ok => st.green("✓"),
                StageOutcome::Skipped => st.yellow("-"),
                _ => st.red("✗"),
            };
            let what = match (s.hresult, &s.detail) {
                (Some(h), _) => crate::diagnose::gateway::hresult_text(h).split(':').next().unwrap_or("").to_string(),
                (None, Some(d)) => d.clone(),
                (None, None) => s.outcome.to_string(),
            };
            let what: String = what.chars().take(44).collect();
            let _ = writeln!(o, "  {mark} {:<28} {:<44} {:>8}", s.stage.to_string(), what, ms(s.ms));
        }
        if g.tunnelled_probe {
            let _ = writeln!(
                o,
                "  {}",
                st.dim(&format!("the target's layers below went through {} gateway channels", g.channels_opened))
            );
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

    if let Some(tls) = &r.observations.tls {
        tls_section(&mut o, tls, st);
    }
    if let Some(c) = &r.observations.credssp {
        let _ = writeln!(
            o,
            "\n{}  {}",
            st.bold("CredSSP"),
            st.dim("TSRequest, [MS-CSSP] 2.2.1; NTLM CHALLENGE, [MS-NLMP] 2.2.1.2")
        );
        let ok = matches!(c.outcome, crate::observations::CredsspOutcome::Challenge);
        let what = match (c.server_version, &c.error_code) {
            (Some(v), Some(e)) => format!("version {v}, errorCode {e} {}", c.error_name.unwrap_or("")),
            (Some(v), None) => format!("version {v}, {}", c.outcome),
            (None, _) => c.outcome.to_string(),
        };
        let mark = if ok { st.green("✓") } else { st.red("✗") };
        let _ = writeln!(o, "  {mark} {:<28} {:<44} {:>8}", format!("NEGOTIATE via {}", c.request), what, ms(c.ms));
        if let Some(n) = &c.ntlm {
            let name = n.dns_computer_name.clone().or(n.nb_computer_name.clone()).unwrap_or_default();
            let _ = writeln!(
                o,
                "  {} {}   {} {}   {} {}",
                st.dim("host:"),
                name,
                st.dim("domain:"),
                n.dns_domain_name.clone().or(n.nb_domain_name.clone()).unwrap_or_default(),
                st.dim("NTLM version:"),
                n.os_version.clone().unwrap_or_else(|| "not sent".into())
            );
        }
    }
    if let Some(a) = &r.observations.authentication {
        use crate::observations::AuthOutcome;
        let mark = if a.outcome == AuthOutcome::Accepted { st.green("✓") } else { st.red("✗") };
        let what = format!(
            "{} at {}{}",
            a.outcome,
            a.stage,
            a.error_code.as_ref().map(|e| format!(", errorCode {e}")).unwrap_or_default()
        )
        .to_lowercase();
        let _ = writeln!(o, "  {mark} {:<28} {:<44} {:>8}", format!("logon {} ({})", a.user, a.mode), what, ms(a.ms));
        if let Some(t) = &a.cert_sha256 {
            let _ = writeln!(
                o,
                "  {} {t}  {}",
                st.dim("certificate SHA-256:"),
                st.dim(&a.cert_trust.map(|t| format!("trust: {t}")).unwrap_or_default())
            );
        }
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
            use crate::observations::FrameKind as K;
            if matches!(
                f.kind,
                K::SetErrorInfo
                    | K::DisconnectProviderUltimatum
                    | K::LicenseError
                    | K::Redirection
                    | K::SaveSessionInfo
                    | K::DeactivateAll
            ) {
                let _ = writeln!(o, "  {} {:<28} {}", st.dim("←"), f.kind, f.summary);
            }
        }
    }

    findings_section(&mut o, &r.findings, st);

    if !r.cross_checks.is_empty() {
        let _ = writeln!(o, "\n{}", st.bold("Cross-checks with the server's records (--evidence)"));
        for c in &r.cross_checks {
            let word = match c.relation {
                crate::evidence::join::Relation::Confirms => st.green("confirms   "),
                crate::evidence::join::Relation::Contradicts => st.yellow("contradicts"),
                crate::evidence::join::Relation::Adds => st.cyan("adds       "),
            };
            let about = c.network_finding.or(c.evidence_finding).map_or("-", |f| f.as_str());
            wrap_into(&mut o, &word, &format!("{about}: {}", c.detail));
        }
    }

    let verdict = verdict_word(r.verdict, st);
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
        st.dim(&format!(
            "({}, {} connection{} to the server{})",
            ms(r.timings_ms.total),
            r.observations.network.as_ref().map_or(0, |n| n.connections_opened),
            if r.observations.network.as_ref().map_or(0, |n| n.connections_opened) == 1 { "" } else { "s" },
            match r.observations.network.as_ref().and_then(|n| n.politeness.as_ref()).map_or(0, |p| p.syns_resent) {
                0 => String::new(),
                1 => ", 1 SYN sent again".to_string(),
                n => format!(", {n} SYNs sent again"),
            }
        ))
    );
    folk_section(&mut o, r, st);
    o
}

/// The advice people commonly find, judged against this run: one line per cause, verdict aligned.
fn folk_section(o: &mut String, r: &Report, st: Style) {
    use crate::knowledge::folk_causes::FolkVerdict as V;
    if r.folk_causes.is_empty() {
        return;
    }
    let _ = writeln!(
        o,
        "\n{}  {}",
        st.bold("The advice you may have read"),
        st.dim("(rdp-doctor explain --list folk-causes)")
    );
    let width = r.folk_causes.iter().map(|c| c.id.len()).max().unwrap_or(0);
    for c in &r.folk_causes {
        let word = format!("{:<9}", c.verdict.word());
        let word = match c.verdict {
            V::Fits => st.red(&word),
            V::RuledOut => st.green(&word),
            V::Possible => st.yellow(&word),
        };
        // Wider than the rest of the report: one line per cause, the finding it cites is above in full.
        let room = (WIDTH + 50).saturating_sub(2 + 9 + 2 + width + 2).max(40);
        let _ = writeln!(o, "  {word}  {:<width$}  {}", c.id, one_line(&c.why, room));
    }
}

/// `text` cut to `room` characters with '…', keeping a closing " — rdp-doctor …" command whole.
fn one_line(text: &str, room: usize) -> String {
    if text.chars().count() <= room {
        return text.to_string();
    }
    let (head, tail) = match text.rfind(" — rdp-doctor ") {
        Some(i) => (&text[..i], &text[i..]),
        None => (text, ""),
    };
    let keep = room.saturating_sub(tail.chars().count() + 1).max(20);
    let cut: String = head.chars().take(keep).collect();
    format!("{}…{tail}", cut.trim_end())
}

/// The verdict, coloured by how bad it is.
pub(crate) fn verdict_word(v: Verdict, st: Style) -> String {
    match v {
        Verdict::Healthy => st.green("healthy"),
        Verdict::Degraded => st.yellow("degraded"),
        Verdict::Failing => st.red("failing"),
        Verdict::Unreachable => st.bold_red("unreachable"),
        Verdict::Incomplete => st.yellow("incomplete"),
    }
}

/// "Findings (n)" and each finding: severity, id, summary, evidence, the client's code pair, remedies.
pub(crate) fn findings_section(o: &mut String, findings: &[crate::diagnose::Finding], st: Style) {
    let _ = writeln!(o, "\n{}", st.bold(&format!("Findings ({})", findings.len())));
    if findings.is_empty() {
        let _ = writeln!(o, "  none");
    }
    for f in findings {
        let label = format!("{:<8}", f.severity.as_str().to_ascii_uppercase());
        let label = match f.severity {
            Severity::Critical => st.bold_red(&label),
            Severity::Error => st.red(&label),
            Severity::Warning => st.yellow(&label),
            Severity::Info => st.cyan(&label),
        };
        let _ = writeln!(o, "  {label} {}  {}", st.bold(f.id.as_str()), f.summary);
        for e in &f.evidence {
            wrap_into(o, &st.dim("evidence"), e);
        }
        if let Some(ce) = &f.client_error {
            let text = format!(
                "error code 0x{:X}, extended error code 0x{:X} ({}){}",
                ce.code,
                ce.extended,
                serde_json::to_value(ce.basis).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default(),
                ce.meaning.map(|m| format!(": {m}")).unwrap_or_default()
            );
            wrap_into(o, &st.dim("client  "), &text);
        }
        for rem in &f.remedies {
            wrap_into(o, &st.dim("fix     "), rem);
        }
    }
}

fn request_line(q: &NegRequestObs, st: Style) -> (String, String) {
    let ok = st.green("✓");
    let bad = st.red("✗");
    match q.outcome {
        NegOutcome::Selected => {
            (ok, format!("selected {}", q.selected.map_or("?".into(), |p| p.name().to_ascii_uppercase())))
        }
        NegOutcome::Legacy => (ok, "legacy confirm (Standard RDP Security)".into()),
        NegOutcome::Failure => (bad, format!("failure {}", q.failure_name.unwrap_or("unknown code"))),
        NegOutcome::UnsupportedRequest => (st.dim("–"), "not handled (MCS disconnect)".into()),
        NegOutcome::NotRdp => (bad, format!("not RDP{}", q.service.map(|s| format!(": {s}")).unwrap_or_default())),
        NegOutcome::Closed => (bad, "closed before answering".into()),
        NegOutcome::Reset => (bad, "reset before answering".into()),
        NegOutcome::Timeout => (bad, "no answer".into()),
        NegOutcome::Malformed => (bad, "malformed answer".into()),
        NegOutcome::ConnectFailed => (bad, "TCP connect failed".into()),
        NegOutcome::NotChecked => (st.dim("–"), "not checked (the run's deadline)".into()),
    }
}

fn ms(v: f64) -> String {
    if v >= 1000.0 { format!("{:.2} s", v / 1000.0) } else { format!("{v:.1} ms") }
}

/// "  label  text…" with the text wrapped under itself.
pub(crate) fn wrap_into(o: &mut String, label: &str, text: &str) {
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

fn tls_section(o: &mut String, tls: &TlsObs, st: Style) {
    let _ = writeln!(
        o,
        "\n{}  {}",
        st.bold("TLS"),
        st.dim("a real handshake per selected path (rustls), then a version and suite scan")
    );
    for h in &tls.handshakes {
        let label = format!("{} via 0x{:X}", h.path.to_ascii_uppercase(), h.requested_value);
        let (mark, what) = match h.outcome {
            HandshakeOutcome::Completed => (
                st.green("✓"),
                format!("{} {}", h.version.as_deref().unwrap_or("?"), h.suite.as_deref().unwrap_or("?")),
            ),
            HandshakeOutcome::Alert => (
                st.red("✗"),
                format!(
                    "alert {} {}",
                    h.alert.map(|a| a.to_string()).unwrap_or_default(),
                    h.alert_name.as_deref().unwrap_or("")
                ),
            ),
            HandshakeOutcome::Closed => (st.red("✗"), "closed, no ServerHello".into()),
            HandshakeOutcome::Reset => (st.red("✗"), "reset, no ServerHello".into()),
            HandshakeOutcome::Timeout => (st.red("✗"), "no answer".into()),
            HandshakeOutcome::Failed => (st.red("✗"), format!("failed: {}", h.detail.as_deref().unwrap_or(""))),
            HandshakeOutcome::NegotiationFailed => (st.dim("–"), "not selected again".into()),
        };
        let what: String = what.chars().take(44).collect();
        let _ = writeln!(o, "  {mark} {label:<28} {what:<44} {:>8}", ms(h.ms));
    }
    let others: Vec<String> = tls
        .version_results
        .iter()
        .filter(|v| v.outcome != VersionOutcome::Accepted)
        .map(|v| {
            let why = match &v.outcome {
                VersionOutcome::RejectedAlert { description, name } => format!("alert {description} {name}"),
                VersionOutcome::DowngradedTo { to } => format!("answered {to}"),
                VersionOutcome::NotTested => "not tested".into(),
                other => serde_json::to_value(other)
                    .ok()
                    .and_then(|v| v.get("outcome").and_then(|x| x.as_str()).map(str::to_string))
                    .unwrap_or_default(),
            };
            format!("{} {why}", v.version)
        })
        .collect();
    let versions = if tls.versions.is_empty() { "none".to_string() } else { tls.versions.join(", ") };
    let rest = if others.is_empty() { String::new() } else { format!("   ({})", others.join("; ")) };
    wrap_at(o, &format!("  {} ", st.dim("versions:")), 12, &format!("{versions}{rest}"));
    for v in &tls.versions {
        let list: Vec<String> = tls
            .suites
            .iter()
            .filter(|s| &s.version == v)
            .map(|s| format!("{} {}", s.id, s.name.trim_start_matches("TLS_")))
            .collect();
        wrap_at(o, &format!("  {} ", st.dim(&format!("{v:<9}"))), 12, &list.join(", "));
    }
    if let Some(c) = &tls.certificate {
        let src = if tls.certificate_source == Some(crate::observations::CertificateSource::Scan) {
            " (from the scan)"
        } else {
            ""
        };
        wrap_at(
            o,
            &format!("  {} ", st.dim("certificate")),
            14,
            &format!("{}{}  issued by {}{src}", c.subject, if c.self_signed { " (self-signed)" } else { "" }, c.issuer),
        );
        let days = if c.days_left < 0 {
            st.red(&format!("expired {} days ago", -c.days_left))
        } else if c.days_until_valid > 0 {
            st.red(&format!("valid in {} days", c.days_until_valid))
        } else {
            format!("{} days left", c.days_left)
        };
        let _ = writeln!(o, "{:14}valid {} → {}  {days}", "", c.not_before, c.not_after);
        let key = match (&c.curve, c.key_bits) {
            (Some(curve), _) => format!("{} {curve}", c.key_type),
            (None, Some(b)) => format!("{} {b} bits", c.key_type),
            _ => c.key_type.clone(),
        };
        let eku = c.eku.as_ref().map(|e| format!("; EKU {}", e.join(", "))).unwrap_or_default();
        wrap_at(
            o,
            &" ".repeat(14),
            14,
            &format!(
                "key {key}, signed {}; SAN {}{eku}",
                c.signature_algorithm,
                if c.san.is_empty() { "none".to_string() } else { c.san.join(", ") }
            ),
        );
        let _ = writeln!(o, "{:14}SHA-1 {}  SHA-256 {}…", "", c.sha1, &c.sha256[..c.sha256.len().min(16)]);
        if let Some(v) = &tls.validation {
            let yn = |b: bool| if b { st.green("yes") } else { st.yellow("no") };
            let _ = writeln!(
                o,
                "{:14}trusted by this system: {}{}   name {} covered: {}",
                "",
                yn(v.trusted),
                v.error.as_ref().map(|e| format!(" ({e})")).unwrap_or_default(),
                v.name,
                yn(v.name_matches)
            );
        }
        if tls.chain.len() > 1 {
            for c in &tls.chain[1..] {
                wrap_at(o, &format!("{:14}", ""), 16, &format!("↳ {} (SHA-1 {})", c.subject, c.sha1));
            }
        }
    }
    if let Some(r) = &tls.small_mss_retry {
        let _ = writeln!(
            o,
            "  {} MSS {}: {}",
            st.dim("retry with"),
            r.mss,
            if r.unavailable {
                "not available on this platform"
            } else if r.server_hello {
                "a ServerHello came back"
            } else {
                "no ServerHello either"
            }
        );
    }
    if !tls.client_profiles.is_empty() && !tls.versions.is_empty() {
        let _ = writeln!(o, "  {}", st.dim("clients:"));
        for p in &tls.client_profiles {
            let mark = if p.can_connect { st.green("✓") } else { st.red("✗") };
            let judged = if p.profile == tls.client_profile { " *" } else { "" };
            let text = if p.can_connect {
                format!(
                    "{} {}",
                    p.version.as_deref().unwrap_or("?"),
                    p.suite
                        .as_deref()
                        .map(|s| {
                            let id = u16::from_str_radix(s.trim_start_matches("0x"), 16).unwrap_or(0);
                            crate::knowledge::tls_suites::suite_name(id).to_string()
                        })
                        .unwrap_or_default()
                )
            } else {
                p.reason.clone()
            };
            wrap_at(o, &format!("    {mark} {:<22}", format!("{}{judged}", p.profile)), 29, &text);
        }
        let _ = writeln!(o, "    {}", st.dim(&format!("* the client judged (--client {})", tls.client_profile)));
    }
    let _ = writeln!(
        o,
        "  {}",
        st.dim(&format!(
            "{} connections through X.224 {}, {}{}",
            tls.connections,
            tls.scan_request,
            ms(tls.ms),
            match tls.mode {
                crate::observations::TlsScanMode::Targeted => {
                    "; one hello per client profile, version and weak class (--full-scan lists every suite)"
                }
                crate::observations::TlsScanMode::Full => "; every suite enumerated (--full-scan)",
                crate::observations::TlsScanMode::HandshakeOnly => "; the Windows client's handshake only",
            }
        ))
    );
}

/// `prefix` then `text`, wrapped to the report width with continuation lines indented by `indent`.
fn wrap_at(o: &mut String, prefix: &str, indent: usize, text: &str) {
    let room = WIDTH.saturating_sub(indent).max(40);
    let mut line = String::new();
    let mut first = true;
    let mut flush = |o: &mut String, line: &str| {
        if first {
            let _ = writeln!(o, "{prefix}{line}");
            first = false;
        } else {
            let _ = writeln!(o, "{:indent$}{line}", "");
        }
    };
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > room {
            flush(o, &line);
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    flush(o, &line);
}
