//! The human evidence report: findings first (evidence before remedies), then the files read, the
//! effective registry settings and, with `--timeline`, the connection attempts.

use super::timeline::Outcome;
use super::{EvidenceReport, FileKind, RegSource};
use crate::report::style::Style;
use std::fmt::Write;

/// Timeline attempts printed in full; the rest are counted (the JSON has them all).
const TIMELINE_ROWS: usize = 400;

/// The text report, safe for a terminal: every control character a record or an export carried is
/// shown escaped (`\x1b[2J`, issue 10), and only the colours `st` painted become escape sequences.
pub fn render(r: &EvidenceReport, st: Style) -> String {
    crate::report::terminal::finish(&render_unchecked(r, st), st)
}

/// A value read from a file, on one line: `finish` keeps line breaks (the layout's own), so a break
/// inside a value (an event's text, a registry string) is escaped here, with every other control.
fn one_line(s: &str) -> std::borrow::Cow<'_, str> {
    crate::report::terminal::neutralise(s)
}

fn render_unchecked(r: &EvidenceReport, st: Style) -> String {
    let mut o = String::new();
    let ev = &r.observations.evidence;
    let _ = writeln!(
        o,
        "{} {}  evidence: {} file(s), {} relevant event(s)",
        st.bold("rdp-doctor"),
        r.tool.version,
        ev.files.len(),
        ev.events.len()
    );
    if ev.since.is_some() || ev.until.is_some() {
        let _ = writeln!(
            o,
            "  {} {} .. {}",
            st.dim("window:"),
            ev.since.as_deref().unwrap_or("start"),
            ev.until.as_deref().unwrap_or("end")
        );
    }

    crate::report::text::findings_section(&mut o, &r.findings, st);

    let _ = writeln!(o, "\n{}", st.bold("Files"));
    for f in &ev.files {
        let kind = match f.kind {
            FileKind::Evtx => "evtx",
            FileKind::Reg => "reg ",
        };
        let range = match (&f.first, &f.last) {
            (Some(a), Some(b)) => format!("  {} .. {}", one_line(a), one_line(b)),
            _ => String::new(),
        };
        let bad = if f.unreadable_records > 0 {
            st.yellow(&format!(", {} unreadable", f.unreadable_records))
        } else {
            String::new()
        };
        let _ =
            writeln!(o, "  {kind} {}  {} records{bad}, {} relevant{range}", one_line(&f.path), f.records, f.relevant);
        if let Some(e) = &f.error {
            let _ = writeln!(o, "       {} {}", st.red("✗"), one_line(e));
        }
    }
    if ev.events_dropped > 0 {
        let _ = writeln!(
            o,
            "  {} {} more relevant events not kept (limit {})",
            st.yellow("!"),
            ev.events_dropped,
            super::MAX_EVENTS
        );
    }

    if !ev.events.is_empty() {
        let _ = writeln!(o, "\n{}", st.bold("Events (relevant, by id)"));
        let mut counts: Vec<(&str, &str, u16, usize)> = Vec::new();
        for e in &ev.events {
            match counts.iter_mut().find(|c| c.0 == e.channel && c.1 == e.provider && c.2 == e.event_id) {
                Some(c) => c.3 += 1,
                None => counts.push((&e.channel, &e.provider, e.event_id, 1)),
            }
        }
        counts.sort_by(|a, b| a.0.cmp(b.0).then(a.2.cmp(&b.2)));
        for (ch, pr, id, n) in counts {
            let meaning = crate::knowledge::events::event(ch, pr, u32::from(id)).map_or("", |d| d.meaning);
            let name = format!("{} {} {id}", one_line(super::short_channel(ch)), one_line(super::short_provider(pr)));
            let _ = writeln!(o, "  {name:<50} {n:>7}  {}", st.dim(meaning));
        }
    }

    if !ev.registry.is_empty() {
        let _ = writeln!(o, "\n{}", st.bold("Registry (effective values)"));
        for g in &ev.registry {
            let from = match g.effective_source {
                RegSource::Policy => "Group Policy",
                RegSource::Listener => "listener",
                RegSource::Key => "key",
                RegSource::Default => "default",
            };
            let both = match (&g.policy, &g.listener, g.effective_source) {
                (Some(_), Some(l), RegSource::Policy) => format!("  (wins over RDP-Tcp {})", one_line(l)),
                _ => String::new(),
            };
            let meaning = g.meaning.as_deref().map(|m| format!("  {}", st.dim(m))).unwrap_or_default();
            let _ = writeln!(
                o,
                "  {:<30} {:<12} {:<12}{both}{meaning}",
                one_line(&g.name),
                one_line(g.effective.as_deref().unwrap_or("-")),
                from
            );
        }
    }

    if let Some(tl) = &r.timeline {
        let _ = writeln!(o, "\n{}", st.bold(&format!("Timeline ({} item(s))", tl.len())));
        for a in tl.iter().take(TIMELINE_ROWS) {
            let word = match a.outcome {
                Outcome::Failed => st.red(a.outcome.word()),
                Outcome::Dropped => st.yellow(a.outcome.word()),
                Outcome::SessionStarted | Outcome::Authenticated => st.green(a.outcome.word()),
                _ => st.dim(a.outcome.word()),
            };
            let cause = a.cause.map(|c| format!(": {c}")).unwrap_or_default();
            let source = a.source.as_deref().unwrap_or("-");
            let _ =
                writeln!(o, "  {}  {}  {}  {word}{cause}", one_line(&a.start), one_line(&a.computer), one_line(source));
            if a.outcome != Outcome::Event || a.events.len() > 1 {
                for e in &a.events {
                    let _ = writeln!(o, "      {}  {}", one_line(&e.time), one_line(&e.what));
                }
            } else if let Some(e) = a.events.first() {
                let _ = writeln!(o, "      {}", one_line(&e.what));
            }
        }
        if tl.len() > TIMELINE_ROWS {
            let _ = writeln!(o, "  … {} more (see --json)", tl.len() - TIMELINE_ROWS);
        }
    }

    let verdict = crate::report::text::verdict_word(r.verdict, st);
    let _ = writeln!(o, "\n{} {}", st.bold("Verdict"), verdict);
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A hostile event log cannot drive the terminal: a computer name that retitles the window and
    /// fields that clear the screen are shown escaped, with or without colour.
    /// The evidence report of one Security 4625 (a failed RDP logon) whose fields a hostile log chose.
    fn report_of_4625(computer: &str, ip: &str, user: &str) -> super::super::EvidenceReport {
        let rec = serde_json::json!({"Event": {"System": {
            "Provider": {"#attributes": {"Name": "Microsoft-Windows-Security-Auditing"}},
            "EventID": 4625, "Channel": "Security", "Computer": computer,
            "TimeCreated": {"#attributes": {"SystemTime": "2024-01-02T03:04:05.0000000Z"}}},
            "EventData": {"LogonType": "10", "IpAddress": ip, "TargetUserName": user,
                "Status": "0xc000006d", "SubStatus": "0xc000006a"}}});
        let e = super::super::evtx::decode(&rec, 0, 1, 0).expect("a 4625 record");
        super::super::build_report(super::super::EvidenceObs { events: vec![e], ..Default::default() }, true)
    }

    #[test]
    fn escape_sequences_from_records_are_shown_escaped() {
        let report = report_of_4625("H\u{1b}]0;pwned\u{7}", "10.0.0.1\u{1b}[2J", "bob\u{1b}[2J");
        let plain = render(&report, Style::plain());
        assert!(!plain.contains('\x1b') && !plain.contains('\x07'), "{plain}");
        assert!(plain.contains("H\\x1b]0;pwned\\x07") && plain.contains("10.0.0.1\\x1b[2J"), "{plain}");
        let colored = render(&report, Style::colored());
        assert!(!colored.contains("\x1b]0;") && !colored.contains("\x1b[2J"), "{colored}");
        assert!(colored.contains("\x1b["), "the painted colours are still there: {colored}");
    }

    #[test]
    fn a_line_break_inside_a_value_stays_on_its_line() {
        let report = report_of_4625("HOST\nVerdict healthy", "10.0.0.1\r\n  forged line", "bob");
        let plain = render(&report, Style::plain());
        assert!(plain.contains("HOST\\nVerdict healthy"), "{plain}");
        assert!(
            !plain.lines().any(|l| l.starts_with("Verdict healthy") || l.trim_start().starts_with("forged line")),
            "{plain}"
        );
        assert_eq!(plain.lines().filter(|l| l.starts_with("Verdict")).count(), 1, "{plain}");
    }
}
