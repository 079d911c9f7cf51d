//! Terminal safety: every string that came from the network or a file is shown with its control
//! characters escaped (`\x1b[2J`, `\r`, `\u{202e}`), so a hostile server cannot clear the screen, retitle
//! the window or overwrite the lines of the report a helpdesk reads. The JSON report keeps the exact
//! values (JSON escapes them itself).
//!
//! Two layers: [`neutralised`] escapes every string field of a report copy before the text renderer sees
//! it (newlines included, so a value cannot forge a report line), and [`finish`] escapes whatever control
//! character is left in the rendered text except its own line breaks and the colours [`Style`] painted
//! (marked with a per-render random key no peer can guess).

use super::Report;
use super::style::Style;
use std::borrow::Cow;
use std::fmt::Write;

/// True for a character a terminal may act on: C0 controls, DEL, C1 controls, and the Unicode
/// bidirectional overrides and isolates that reorder what is shown (Trojan Source, CVE-2021-42574).
fn dangerous(c: char) -> bool {
    c.is_control() || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `s` with every dangerous character written out as an escape (`\x1b`, `\r`, `\n`, `\u{202e}`).
pub fn neutralise(s: &str) -> Cow<'_, str> {
    if !s.chars().any(dangerous) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        push_escaped(&mut out, c);
    }
    Cow::Owned(out)
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if dangerous(c) && (c as u32) < 0x100 => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c if dangerous(c) => {
            let _ = write!(out, "\\u{{{:04x}}}", c as u32);
        }
        c => out.push(c),
    }
}

fn fix(s: &mut String) {
    if let Cow::Owned(o) = neutralise(s) {
        *s = o;
    }
}

fn fix_opt(s: &mut Option<String>) {
    if let Some(s) = s {
        fix(s);
    }
}

fn fix_all(v: &mut [String]) {
    v.iter_mut().for_each(fix);
}

/// A copy of `r` whose strings are safe to print on a terminal (for the text renderer only).
pub fn neutralised(r: &Report) -> Report {
    let mut r = r.clone();
    fix(&mut r.target.input);
    fix(&mut r.target.host);
    for f in &mut r.findings {
        fix(&mut f.summary);
        fix_all(&mut f.evidence);
        fix_all(&mut f.remedies);
    }
    let o = &mut r.observations;
    if let Some(n) = &mut o.network {
        fix_opt(&mut n.resolve.error);
        n.attempts.iter_mut().for_each(|a| fix_opt(&mut a.error));
    }
    if let Some(n) = &mut o.negotiation {
        for q in &mut n.requests {
            fix(&mut q.label);
            fix_opt(&mut q.detail);
            fix(&mut q.received);
        }
    }
    if let Some(t) = &mut o.tls {
        for h in &mut t.handshakes {
            fix(&mut h.request);
            fix_opt(&mut h.version);
            fix_opt(&mut h.suite);
            fix_opt(&mut h.suite_id);
            fix_opt(&mut h.alert_name);
            fix_opt(&mut h.detail);
            fix_opt(&mut h.leaf_sha256);
        }
        fix(&mut t.scan_request);
        fix_all(&mut t.versions);
        for c in t.certificate.iter_mut().chain(t.chain.iter_mut()) {
            fix(&mut c.subject);
            fix(&mut c.issuer);
            fix_opt(&mut c.common_name);
            fix_all(&mut c.san);
            fix(&mut c.serial);
            fix(&mut c.not_before);
            fix(&mut c.not_after);
            fix(&mut c.key_type);
            fix_opt(&mut c.curve);
            fix(&mut c.signature_algorithm);
            if let Some(e) = &mut c.eku {
                fix_all(e);
            }
            if let Some(k) = &mut c.key_usage {
                fix_all(k);
            }
            fix_opt(&mut c.parse_error);
        }
        if let Some(v) = &mut t.validation {
            fix(&mut v.name);
            fix_opt(&mut v.error);
        }
    }
    if let Some(c) = &mut o.credssp {
        fix(&mut c.request);
        fix_opt(&mut c.error_code);
        fix_opt(&mut c.detail);
        if let Some(n) = &mut c.ntlm {
            for s in [
                &mut n.target_name,
                &mut n.nb_computer_name,
                &mut n.nb_domain_name,
                &mut n.dns_computer_name,
                &mut n.dns_domain_name,
                &mut n.dns_tree_name,
                &mut n.os_version,
                &mut n.timestamp,
            ] {
                fix_opt(s);
            }
        }
    }
    if let Some(a) = &mut o.authentication {
        fix(&mut a.user);
        fix_opt(&mut a.domain);
        fix_opt(&mut a.cert_verify_error);
        fix_opt(&mut a.error_code);
        fix_opt(&mut a.detail);
    }
    if let Some(s) = &mut o.session {
        fix_opt(&mut s.not_checked);
        fix_opt(&mut s.error);
        for st in &mut s.stages {
            fix_opt(&mut st.detail);
        }
        for f in &mut s.server_frames {
            fix(&mut f.summary);
            fix(&mut f.head);
        }
        if let Some(rd) = &mut s.redirection {
            fix_opt(&mut rd.target);
            fix_opt(&mut rd.target_fqdn);
            fix_opt(&mut rd.load_balance_info);
            fix_opt(&mut rd.username);
        }
        if let Some(sec) = &mut s.rdp_security {
            sec.methods.iter_mut().for_each(|m| fix_opt(&mut m.detail));
        }
    }
    r
}

/// A `-v` trace sink that escapes each line before `sink` prints it: trace lines summarise what servers
/// sent.
pub fn safe_trace(sink: impl Fn(&str) + Send + Sync + 'static) -> crate::Trace {
    std::sync::Arc::new(move |line: &str| sink(&neutralise(line)))
}

/// The rendered text made safe: every control character but a line break escaped, then the colours
/// `st` painted (and only those) turned into real escape sequences.
pub fn finish(rendered: &str, st: Style) -> String {
    let mut out = String::with_capacity(rendered.len());
    for c in rendered.chars() {
        if c == '\n' { out.push(c) } else { push_escaped(&mut out, c) }
    }
    match st.markers() {
        Some((open, close)) => out.replace(&open, "\x1b[").replace(&close, "m"),
        None => out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_a_terminal_acts_on() {
        assert_eq!(neutralise("CN=lab"), "CN=lab");
        assert_eq!(neutralise("a\x1b[2Jb"), "a\\x1b[2Jb");
        assert_eq!(neutralise("\x1b]0;pwned\x07"), "\\x1b]0;pwned\\x07");
        assert_eq!(neutralise("x\ry\nz"), "x\\ry\\nz");
        assert_eq!(neutralise("\u{9b}31m"), "\\x9b31m");
        assert_eq!(neutralise("abc\u{202E}fed"), "abc\\u{202e}fed");
        assert_eq!(neutralise("Ünïcödé ✓"), "Ünïcödé ✓");
    }

    #[test]
    fn trace_lines_are_escaped_before_the_sink() {
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
        let keep = seen.clone();
        let trace = safe_trace(move |l| keep.lock().unwrap().push(l.to_string()));
        trace("<- CN=\x1b]0;pwned\x07 (12 bytes)");
        assert_eq!(seen.lock().unwrap().as_slice(), ["<- CN=\\x1b]0;pwned\\x07 (12 bytes)"]);
    }

    #[test]
    fn finish_keeps_only_the_painted_colours() {
        let st = Style::colored();
        let text = format!("{} CN=\x1b[2J\u{1b}[31mfake\n", st.red("✗"));
        let out = finish(&text, st);
        assert!(out.starts_with("\x1b[31m✗\x1b[0m"), "{out:?}");
        assert!(out.contains("CN=\\x1b[2J\\x1b[31mfake\n"), "{out:?}");
        assert_eq!(out.matches('\x1b').count(), 2);
        // Without colour, no escape at all.
        assert!(!finish(&text, Style::plain()).contains('\x1b'));
    }
}
