//! Reading registry exports with `regashii`: `.reg` files as `reg export` and regedit write them
//! (UTF-16LE with a byte-order mark, or UTF-8 / ANSI for REGEDIT4), CRLF or LF, and the `.txt`
//! copies MSRD-Collect saves. Only the values in `knowledge::events::REG_SETTINGS` are kept, and
//! [`effective`] works out which one takes effect: Terminal Services Group Policy wins over the
//! RDP-Tcp listener's own value.

use super::{FileKind, FileObs, RegSource, RegistryObs};
use crate::knowledge::events::{self as kn, RegScope};
use crate::knowledge::{self, TableId};
use std::io::Read;
use std::path::Path;

/// Registry exports larger than this are not read (a whole-hive export is hundreds of MiB; the keys
/// rdp-doctor needs are a few KiB to a few MiB).
pub const MAX_REG_BYTES: u64 = 64 * 1024 * 1024;

/// One value found in an export.
#[derive(Debug, Clone)]
pub struct RegValue {
    pub name: String,
    pub scope: RegScope,
    pub value: String,
    pub number: Option<u64>,
    pub key: String,
    pub file: String,
}

/// Decodes an export's bytes: UTF-16LE (with or without BOM), UTF-8 (with or without BOM), or
/// Latin-1 as a last resort; CRLF becomes LF.
pub fn decode_text(bytes: &[u8]) -> String {
    let text = if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        utf16le(rest)
    } else if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        String::from_utf8_lossy(rest).into_owned()
    } else if bytes.len() >= 4 && bytes[1] == 0 && bytes[3] == 0 && bytes[0] != 0 {
        utf16le(bytes)
    } else {
        match std::str::from_utf8(bytes) {
            Ok(s) => s.to_string(),
            Err(_) => bytes.iter().map(|&b| b as char).collect(),
        }
    };
    text.replace("\r\n", "\n").trim_end_matches('\0').to_string()
}

fn utf16le(b: &[u8]) -> String {
    let units: Vec<u16> = b.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
    String::from_utf16_lossy(&units)
}

fn header_ok(text: &str) -> bool {
    let first = text.trim_start_matches('\u{feff}').trim_start();
    first.starts_with("Windows Registry Editor Version 5.00") || first.starts_with("REGEDIT4")
}

/// True when the file starts like a registry export (what MSRD-Collect's `.txt` copies are).
pub fn looks_like_reg_export(path: &Path) -> bool {
    let mut head = [0u8; 160];
    let Ok(mut f) = std::fs::File::open(path) else { return false };
    let n = f.read(&mut head).unwrap_or(0);
    header_ok(&decode_text(&head[..n]))
}

/// "HKLM\..." and "ControlSet001" spelled as in the knowledge table, upper-cased for comparison.
fn normalise_key(raw: &str) -> String {
    let mut k = raw.trim().to_ascii_uppercase();
    for (short, long) in [("HKLM\\", "HKEY_LOCAL_MACHINE\\")] {
        if let Some(rest) = k.strip_prefix(short) {
            k = format!("{long}{rest}");
        }
    }
    for n in 1..=9 {
        k = k.replace(&format!("\\CONTROLSET00{n}\\"), "\\CURRENTCONTROLSET\\");
        if k.ends_with(&format!("\\CONTROLSET00{n}")) {
            k = k.replace(&format!("\\CONTROLSET00{n}"), "\\CURRENTCONTROLSET");
        }
    }
    k
}

fn render(v: &regashii::Value) -> Option<(String, Option<u64>)> {
    use regashii::Value as V;
    Some(match v {
        V::Delete => return None,
        V::Sz(s) | V::ExpandSz(s) => (s.clone(), None),
        V::Dword(d) | V::DwordBigEndian(d) => (d.to_string(), Some(u64::from(*d))),
        V::Qword(q) => (q.to_string(), Some(*q)),
        V::MultiSz(v) => (v.join(","), None),
        V::Binary(b) => (hex::encode_upper(b), None),
        V::Hex { bytes, .. } => (hex::encode_upper(bytes), None),
    })
}

/// The (setting name, scope) a value under `key` is, if rdp-doctor reads it.
fn classify(key: &str, value: &str) -> Option<(String, RegScope)> {
    let up = |s: &str| s.to_ascii_uppercase();
    let v = up(value);
    if key == up(kn::KEY_TS_POLICY) {
        let s = kn::REG_SETTINGS.iter().find(|s| up(s.name) == v && s.scopes.contains(&RegScope::TsPolicy))?;
        return Some((s.name.to_string(), RegScope::TsPolicy));
    }
    if key == up(kn::KEY_RDP_TCP) {
        let s = kn::REG_SETTINGS.iter().find(|s| up(s.name) == v && s.scopes.contains(&RegScope::RdpTcp))?;
        return Some((s.name.to_string(), RegScope::RdpTcp));
    }
    if key == up(kn::KEY_TERMINAL_SERVER) && v == "FDENYTSCONNECTIONS" {
        return Some(("fDenyTSConnections".into(), RegScope::TerminalServer));
    }
    if key == up(kn::KEY_FIPS) && v == "ENABLED" {
        return Some(("FIPSAlgorithmPolicy Enabled".into(), RegScope::Fips));
    }
    if key == up(kn::KEY_CREDSSP) && v == "ALLOWENCRYPTIONORACLE" {
        return Some(("AllowEncryptionOracle".into(), RegScope::Credssp));
    }
    if key == up(kn::KEY_CIPHER_ORDER) && v == "FUNCTIONS" {
        return Some(("Functions".into(), RegScope::CipherOrderPolicy));
    }
    let rest = key.strip_prefix(&format!("{}\\", up(kn::KEY_SCHANNEL_PROTOCOLS)))?;
    let proto = rest.strip_suffix("\\SERVER")?;
    let (name, _) = kn::SCHANNEL_PROTOCOLS.iter().find(|(n, _)| up(n) == proto)?;
    let which = match v.as_str() {
        "ENABLED" => "Enabled",
        "DISABLEDBYDEFAULT" => "DisabledByDefault",
        _ => return None,
    };
    Some((format!("{name} Server {which}"), RegScope::SchannelServer))
}

fn take(reg: &regashii::Registry, file: &str, out: &mut Vec<RegValue>) -> u64 {
    let mut n = 0;
    for (key_name, key) in reg.keys() {
        let norm = normalise_key(key_name.raw());
        for (vname, value) in key.values() {
            n += 1;
            let Some((name, scope)) = classify(&norm, vname.raw()) else { continue };
            let Some((value, number)) = render(value) else { continue };
            out.retain(|v| !(v.name == name && v.scope == scope));
            out.push(RegValue { name, scope, value, number, key: key_name.raw().to_string(), file: file.to_string() });
        }
    }
    n
}

/// Value lines in an export (`"name"=...` or `@=...`, not counting continuation lines).
fn value_lines(text: &str) -> u64 {
    let mut n = 0;
    let mut continued = false;
    for line in text.lines() {
        let t = line.trim_start();
        if !continued && (t.starts_with('"') || t.starts_with("@=")) {
            n += 1;
        }
        continued = line.trim_end().ends_with('\\');
    }
    n
}

/// Parses an export's text: (values read, value lines that could not be read). regashii skips a
/// line it cannot read; a file it refuses as a whole is parsed key by key, so one bad section
/// costs only itself.
pub fn parse_text(text: &str, file: &str, out: &mut Vec<RegValue>) -> Result<(u64, u64), String> {
    if !header_ok(text) {
        return Err("not a registry export (no 'Windows Registry Editor Version 5.00' or 'REGEDIT4' header)".into());
    }
    if let Ok(reg) = regashii::Registry::deserialize(text) {
        let read = take(&reg, file, out);
        return Ok((read, value_lines(text).saturating_sub(read)));
    }
    let (header, body) = text.split_once('\n').unwrap_or((text, ""));
    let (mut read, mut bad) = (0, 0);
    for section in body.split("\n[").filter(|s| !s.trim().is_empty()) {
        let section = if section.trim_start().starts_with('[') { section.to_string() } else { format!("[{section}") };
        match regashii::Registry::deserialize(&format!("{header}\n\n{section}\n")) {
            Ok(reg) => read += take(&reg, file, out),
            Err(_) => bad += 1,
        }
    }
    Ok((read, bad))
}

pub fn read_file(path: &Path, out: &mut Vec<RegValue>) -> FileObs {
    let mut file = FileObs::new(path.display().to_string(), FileKind::Reg);
    let bytes = match std::fs::File::open(path).and_then(|f| {
        let mut buf = Vec::new();
        f.take(MAX_REG_BYTES + 1).read_to_end(&mut buf).map(|_| buf)
    }) {
        Ok(b) if b.len() as u64 > MAX_REG_BYTES => {
            file.error =
                Some(format!("larger than {} MiB: export only the keys the README lists", MAX_REG_BYTES >> 20));
            return file;
        }
        Ok(b) => b,
        Err(e) => {
            file.error = Some(e.to_string());
            return file;
        }
    };
    let before = out.len();
    match parse_text(&decode_text(&bytes), &file.path, out) {
        Ok((read, bad)) => {
            file.records = read;
            file.unreadable_records = bad;
            file.relevant = out.len().saturating_sub(before) as u64;
        }
        Err(e) => file.error = Some(e),
    }
    file
}

fn meaning(name: &str, v: &RegValue) -> Option<String> {
    let n = u32::try_from(v.number?).ok()?;
    let table = match name {
        "MinEncryptionLevel" => Some(TableId::EncryptionLevel),
        "AllowEncryptionOracle" => Some(TableId::EncryptionOracle),
        _ => None,
    };
    if let Some(t) = table {
        return knowledge::lookup(t, n).map(|e| format!("{}: {}", e.name, e.meaning));
    }
    kn::reg_value_meaning(name, n).map(str::to_string)
}

/// One entry per setting: the policy value if set (it wins), else the listener's (or the key's).
pub fn effective(values: &[RegValue]) -> Vec<RegistryObs> {
    let mut names: Vec<&str> = Vec::new();
    for v in values {
        if !names.contains(&v.name.as_str()) {
            names.push(&v.name);
        }
    }
    names
        .into_iter()
        .map(|name| {
            let policy = values.iter().find(|v| v.name == name && v.scope == RegScope::TsPolicy);
            let other = values.iter().find(|v| v.name == name && v.scope != RegScope::TsPolicy);
            let (winner, source) = match (policy, other) {
                (Some(p), _) => (p, RegSource::Policy),
                (None, Some(o)) if matches!(o.scope, RegScope::RdpTcp | RegScope::TerminalServer) => {
                    (o, RegSource::Listener)
                }
                (None, Some(o)) => (o, RegSource::Key),
                (None, None) => unreachable!("every name comes from a value"),
            };
            RegistryObs {
                name: name.to_string(),
                effective: Some(winner.value.clone()),
                effective_source: source,
                policy: policy.map(|v| v.value.clone()),
                listener: other.map(|v| v.value.clone()),
                meaning: meaning(name, winner),
                key: winner.key.clone(),
                file: winner.file.clone(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16_bom(s: &str) -> Vec<u8> {
        let mut b = vec![0xFF, 0xFE];
        for u in s.replace('\n', "\r\n").encode_utf16() {
            b.extend_from_slice(&u.to_le_bytes());
        }
        b
    }

    const EXPORT: &str = "Windows Registry Editor Version 5.00\n\n[HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet001\\Control\\Terminal Server\\WinStations\\RDP-Tcp]\n\"SecurityLayer\"=dword:00000002\n\"UserAuthentication\"=dword:00000001\n\"PortNumber\"=dword:00000d3d\n\"SSLCertificateSHA1Hash\"=hex:59,ef,f2,e3\n\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services]\n\"UserAuthentication\"=dword:00000000\n";

    #[test]
    fn utf16_bom_crlf_and_policy_wins() {
        let text = decode_text(&utf16_bom(EXPORT));
        let mut vals = Vec::new();
        let (read, bad) = parse_text(&text, "x.reg", &mut vals).unwrap();
        assert_eq!((read, bad), (5, 0));
        let eff = effective(&vals);
        let ua = eff.iter().find(|r| r.name == "UserAuthentication").unwrap();
        assert_eq!(ua.effective.as_deref(), Some("0"));
        assert_eq!(ua.effective_source, RegSource::Policy);
        assert_eq!(ua.listener.as_deref(), Some("1"));
        let port = eff.iter().find(|r| r.name == "PortNumber").unwrap();
        assert_eq!(port.effective.as_deref(), Some("3389"));
        let hash = eff.iter().find(|r| r.name == "SSLCertificateSHA1Hash").unwrap();
        assert_eq!(hash.effective.as_deref(), Some("59EFF2E3"));
    }

    #[test]
    fn one_bad_section_costs_only_itself() {
        let text = format!("{EXPORT}\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Broken]\n\"X\"=dword:zzzz\n");
        let mut vals = Vec::new();
        let (read, bad) = parse_text(&text, "x.reg", &mut vals).unwrap();
        assert_eq!(bad, 1);
        assert_eq!(read, 5);
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        let mut vals = Vec::new();
        assert!(parse_text(&decode_text(&[0xFF, 0xFE, 0x00, 0xD8, 0x41]), "x", &mut vals).is_err());
        assert!(parse_text("Windows Registry Editor Version 5.00\n[\n\"\"=\n[[[[", "x", &mut vals).is_ok());
    }
}
