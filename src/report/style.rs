//! Colour for terminals only: off when stdout is not a terminal or NO_COLOR is set (no-color.org).
//! On a Windows console, colour needs virtual-terminal processing (turned on here, or no colour), and
//! the marks and arrows (✓ ✗ → …) fall back to ASCII: the console fonts of cmd.exe and PowerShell's
//! classic host draw them as boxes. Windows Terminal (WT_SESSION) shows them.

use std::borrow::Cow;
use std::io::IsTerminal;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub color: bool,
    /// A random key: colours are painted as markers derived from it, and only `report::terminal::finish`
    /// turns them into escape sequences, so a peer's string can never pass for one.
    key: u64,
    /// Non-ASCII marks and arrows can be shown; otherwise [`Style::text`] transliterates them.
    pub unicode: bool,
}

impl Style {
    /// Colour when stdout is a terminal and NO_COLOR is unset or empty; ASCII on a classic Windows console.
    pub fn detect() -> Style {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let terminal = std::io::stdout().is_terminal();
        let windows_console = cfg!(windows) && terminal;
        let modern_terminal = std::env::var_os("WT_SESSION").is_some() || std::env::var_os("TERM_PROGRAM").is_some();
        Style {
            color: !no_color && terminal && (!windows_console || virtual_terminal()),
            unicode: !windows_console || modern_terminal,
            key: random_key(),
        }
    }

    pub fn plain() -> Style {
        Style { color: false, unicode: true, key: 0 }
    }

    /// Colour whatever stdout is.
    pub fn colored() -> Style {
        Style { color: true, unicode: true, key: random_key() }
    }

    /// The markers that stand for `ESC [` and `m` in painted text (None without colour).
    pub(crate) fn markers(&self) -> Option<(String, String)> {
        let marker = |salt: u32| -> String {
            (0..16).filter_map(|i| char::from_u32(0xE000 + salt * 16 + ((self.key >> (4 * i)) & 0xF) as u32)).collect()
        };
        self.color.then(|| (marker(0), marker(1)))
    }

    /// `s` as this output can show it: unchanged, or with the marks and arrows in ASCII (after
    /// `report::terminal::finish`: the colour markers are escape sequences by then).
    pub fn text<'a>(&self, s: &'a str) -> Cow<'a, str> {
        if self.unicode || s.is_ascii() { Cow::Borrowed(s) } else { Cow::Owned(to_ascii(s)) }
    }

    fn paint(&self, code: &str, s: &str) -> String {
        match self.markers() {
            Some((open, close)) => format!("{open}{code}{close}{s}{open}0{close}"),
            None => s.to_string(),
        }
    }

    pub fn red(&self, s: &str) -> String {
        self.paint("31", s)
    }
    pub fn bold_red(&self, s: &str) -> String {
        self.paint("1;31", s)
    }
    pub fn yellow(&self, s: &str) -> String {
        self.paint("33", s)
    }
    pub fn green(&self, s: &str) -> String {
        self.paint("32", s)
    }
    pub fn cyan(&self, s: &str) -> String {
        self.paint("36", s)
    }
    pub fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }
    pub fn dim(&self, s: &str) -> String {
        self.paint("2", s)
    }
}

/// 64 random bits (the standard library's per-process hash keys).
fn random_key() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(0x5eed);
    h.finish()
}

#[cfg(windows)]
fn virtual_terminal() -> bool {
    anstyle_query::windows::enable_ansi_colors().unwrap_or(false)
}
#[cfg(not(windows))]
fn virtual_terminal() -> bool {
    true
}

/// The marks and punctuation the reports use, in ASCII; any other non-ASCII character becomes '?'.
pub fn to_ascii(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            c if c.is_ascii() => o.push(c),
            '✓' => o.push('+'),
            '✗' => o.push('x'),
            '×' => o.push('x'),
            '–' | '—' | '‑' => o.push('-'),
            '→' => o.push_str("->"),
            '←' => o.push_str("<-"),
            '↳' => o.push_str("\\_"),
            '…' => o.push_str("..."),
            '·' | '•' => o.push('*'),
            '≥' => o.push_str(">="),
            '≤' => o.push_str("<="),
            '‘' | '’' => o.push('\''),
            '“' | '”' => o.push('"'),
            '\u{a0}' => o.push(' '),
            _ => o.push('?'),
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_fallback() {
        let st = Style { color: false, unicode: false, key: 0 };
        assert_eq!(
            st.text("  ✓ tcp  accepted — 1975 → 4096 … ← x×2 é"),
            "  + tcp  accepted - 1975 -> 4096 ... <- xx2 ?"
        );
        assert!(matches!(Style::plain().text("✓"), Cow::Borrowed("✓")));
        let report = crate::demo::table(&[], st);
        assert!(st.text(&report).is_ascii());
    }
}
