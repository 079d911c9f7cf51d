//! Colour for terminals only: off when stdout is not a terminal or NO_COLOR is set (no-color.org).

use std::io::IsTerminal;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub color: bool,
    /// A random key: colours are painted as markers derived from it, and only `report::terminal::finish`
    /// turns them into escape sequences, so a peer's string can never pass for one.
    key: u64,
}

impl Style {
    /// Colour when stdout is a terminal and NO_COLOR is unset or empty.
    pub fn detect() -> Style {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Style { color: !no_color && std::io::stdout().is_terminal(), key: random_key() }
    }

    pub fn plain() -> Style {
        Style { color: false, key: 0 }
    }

    /// Colour whatever stdout is.
    pub fn colored() -> Style {
        Style { color: true, key: random_key() }
    }

    /// The markers that stand for `ESC [` and `m` in painted text (None without colour).
    pub(crate) fn markers(&self) -> Option<(String, String)> {
        let marker = |salt: u32| -> String {
            (0..16).filter_map(|i| char::from_u32(0xE000 + salt * 16 + ((self.key >> (4 * i)) & 0xF) as u32)).collect()
        };
        self.color.then(|| (marker(0), marker(1)))
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
