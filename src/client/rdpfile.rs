//! `.rdp` files: one setting per line, `name:type:value` with type `i` (integer), `s` (string) or
//! `b` (binary). mstsc writes them in UTF-16LE with a byte-order mark. Password fields (`password
//! 51:b:...`, an encrypted blob) are dropped when read: they never reach a report.

use serde::{Deserialize, Serialize};

/// A `.rdp` file larger than this is not read (mstsc's are about 2 KiB).
pub const MAX_RDP_FILE: usize = 64 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Setting {
    pub name: String,
    /// 'i', 's' or 'b'.
    pub kind: String,
    pub value: String,
}

/// The text of a `.rdp` file from its bytes: UTF-16LE (with or without a BOM) or UTF-8.
pub fn decode(bytes: &[u8]) -> String {
    let bytes = &bytes[..bytes.len().min(MAX_RDP_FILE)];
    let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || (bytes.len() >= 2 && bytes[1] == 0 && bytes[0] != 0);
    if utf16 {
        let body = bytes.strip_prefix(&[0xFF, 0xFE]).unwrap_or(bytes);
        let units: Vec<u16> = body.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
        String::from_utf16_lossy(&units)
    } else {
        let body = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
        String::from_utf8_lossy(body).into_owned()
    }
}

/// The settings of a `.rdp` file, in order, without password fields and without malformed lines.
pub fn parse(text: &str) -> Vec<Setting> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
            let (name, rest) = line.split_once(':')?;
            let (kind, value) = rest.split_once(':')?;
            if name.is_empty() || !matches!(kind, "i" | "s" | "b") || name.to_ascii_lowercase().contains("password") {
                return None;
            }
            Some(Setting { name: name.to_string(), kind: kind.to_string(), value: value.to_string() })
        })
        .collect()
}

/// The value of setting `name` (names compare case-insensitively, as mstsc does).
pub fn get<'a>(settings: &'a [Setting], name: &str) -> Option<&'a str> {
    settings.iter().find(|s| s.name.eq_ignore_ascii_case(name)).map(|s| s.value.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_with_bom_and_password_dropped() {
        let text = "screen mode id:i:2\r\nfull address:s:rds01.example.test\r\npassword 51:b:01000000D08C9DDF\r\nenablecredsspsupport:i:0\r\nbroken line\r\n";
        let mut bytes = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let s = parse(&decode(&bytes));
        assert_eq!(s.len(), 3, "{s:?}");
        assert_eq!(get(&s, "full address"), Some("rds01.example.test"));
        assert_eq!(get(&s, "EnableCredSSPSupport"), Some("0"));
        assert!(s.iter().all(|x| !x.name.contains("password")));
    }

    #[test]
    fn utf8_and_garbage_never_panic() {
        assert_eq!(parse(&decode(b"authentication level:i:2\n")).len(), 1);
        assert!(parse(&decode(&[0xFF, 0xFE, 0x00])).is_empty());
        assert!(parse(&decode(&[0xC3, 0x28, 0x3A, 0x3A])).is_empty());
    }
}
