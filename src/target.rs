//! The target the user typed: `host`, `host:port`, `[ipv6]:port`, a bare IPv6 address, or
//! `rdp://host[:port]`. The port defaults to 3389.

use serde::Serialize;
use std::fmt;

pub const DEFAULT_PORT: u16 = 3389;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Target {
    /// What the user typed.
    pub input: String,
    /// Host name or address literal, without brackets.
    pub host: String,
    pub port: u16,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetError(pub String);

impl fmt::Display for TargetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TargetError {}

impl Target {
    pub fn parse(input: &str) -> Result<Target, TargetError> {
        let err = |why: &str| TargetError(format!("invalid target {input:?}: {why}"));
        let trimmed = input.trim();
        let mut rest = trimmed;
        if let Some(scheme_end) = rest.find("://") {
            let scheme = &rest[..scheme_end];
            if !scheme.eq_ignore_ascii_case("rdp") {
                return Err(err("only the rdp:// scheme is understood"));
            }
            rest = &rest[scheme_end + 3..];
            // Drop a path or query, as in rdp://host:port/ .
            if let Some(end) = rest.find(['/', '?']) {
                rest = &rest[..end];
            }
        }
        if rest.is_empty() {
            return Err(err("no host"));
        }
        let (host, port) = if let Some(after) = rest.strip_prefix('[') {
            let close = after.find(']').ok_or_else(|| err("missing ']'"))?;
            let host = &after[..close];
            let tail = &after[close + 1..];
            let port = match tail.strip_prefix(':') {
                Some(p) => parse_port(p).ok_or_else(|| err("bad port"))?,
                None if tail.is_empty() => DEFAULT_PORT,
                None => return Err(err("unexpected text after ']'")),
            };
            if host.parse::<std::net::Ipv6Addr>().is_err() {
                return Err(err("not an IPv6 address inside brackets"));
            }
            (host.to_string(), port)
        } else if rest.matches(':').count() > 1 {
            // A bare IPv6 address: no port can be given without brackets.
            if rest.parse::<std::net::Ipv6Addr>().is_err() {
                return Err(err("an IPv6 address with a port needs brackets: [addr]:port"));
            }
            (rest.to_string(), DEFAULT_PORT)
        } else if let Some((h, p)) = rest.split_once(':') {
            (h.to_string(), parse_port(p).ok_or_else(|| err("bad port"))?)
        } else {
            (rest.to_string(), DEFAULT_PORT)
        };
        if host.is_empty() {
            return Err(err("no host"));
        }
        if host.contains(':') {
            // Checked above: an IPv6 literal (no zone: RFC 3986 3.2.2 has none, and `%` is no host character).
        } else if host.parse::<std::net::Ipv4Addr>().is_err() {
            check_host_name(&host).map_err(|why| err(&why))?;
        }
        Ok(Target { input: input.to_string(), host, port })
    }

    /// `host:port` with brackets around IPv6 literals.
    pub fn authority(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

/// A DNS host name as RFC 1123 2.1 (and RFC 3986 3.2.2's reg-name for a URI) allows it: at most 253
/// characters, dot-separated labels of 1 to 63 letters, digits and hyphens, no label starting or ending
/// with a hyphen, a top label that is not all digits (that would be a malformed IPv4 address). One
/// trailing dot (a fully qualified name) is allowed. Checked before any lookup, so a name no DNS name can
/// be is a usage error, never a resolver error.
fn check_host_name(host: &str) -> Result<(), String> {
    let name = host.strip_suffix('.').unwrap_or(host);
    if name.is_empty() {
        return Err("no host".into());
    }
    if name.len() > 253 {
        return Err(format!("a host name has at most 253 characters; this one has {}", name.len()));
    }
    if let Some(c) = name.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))) {
        return Err(format!(
            "{:?} cannot be in a host name (letters, digits, hyphens and dots only, RFC 1123)",
            c.escape_default().to_string()
        ));
    }
    for label in name.split('.') {
        if label.is_empty() {
            return Err("an empty label (two dots in a row)".into());
        }
        if label.len() > 63 {
            return Err(format!("a label has at most 63 characters; one has {}", label.len()));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(format!("the label {label:?} starts or ends with a hyphen"));
        }
    }
    if name.rsplit('.').next().is_some_and(|top| top.chars().all(|c| c.is_ascii_digit())) {
        return Err("not a valid IPv4 address, and a host name's last label is not all digits".into());
    }
    Ok(())
}

fn parse_port(p: &str) -> Option<u16> {
    p.parse::<u16>().ok().filter(|&n| n != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hp(s: &str) -> (String, u16) {
        let t = Target::parse(s).unwrap();
        (t.host, t.port)
    }

    #[test]
    fn forms() {
        assert_eq!(hp("server"), ("server".into(), 3389));
        assert_eq!(hp("server:3390"), ("server".into(), 3390));
        assert_eq!(hp("10.1.2.3"), ("10.1.2.3".into(), 3389));
        assert_eq!(hp("[::1]:33899"), ("::1".into(), 33899));
        assert_eq!(hp("[fe80::1]"), ("fe80::1".into(), 3389));
        assert_eq!(hp("::1"), ("::1".into(), 3389));
        assert_eq!(hp("rdp://host.example:4000"), ("host.example".into(), 4000));
        assert_eq!(hp("RDP://host/"), ("host".into(), 3389));
        assert_eq!(Target::parse("[::1]:5").unwrap().authority(), "[::1]:5");
    }

    #[test]
    fn errors() {
        for bad in ["", "host:", "host:0", "host:70000", "[::1", "[zz]:1", "http://x", "a b", "fe80::1:99999:"] {
            assert!(Target::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn names_no_dns_name_can_be_are_rejected_before_any_lookup() {
        let long = "a".repeat(10_000);
        let label64 = format!("{}.example", "b".repeat(64));
        let too_long = ["abcdefghi"; 26].join(".");
        for bad in [
            long.as_str(),
            label64.as_str(),
            too_long.as_str(),
            "%",
            "host%eth0",
            "under_score",
            "127.0.0.1%00",
            "127.0.0.1\0",
            "-lead.example",
            "trail-.example",
            "a..b",
            "999.1.1.1",
            "10.0.0",
            ".",
            "host\x1b[2J",
            "rdp://ho%st:3389",
            "[fe80::1%25eth0]:3389",
        ] {
            let e = Target::parse(bad).expect_err(bad);
            assert!(e.0.starts_with("invalid target"), "{e}");
        }
        // What RFC 1123 allows still passes.
        for good in ["server", "rdp-01.corp.example", "FQDN.example.", "1host", "a.b-c.d", &"c".repeat(63)] {
            assert!(Target::parse(good).is_ok(), "{good:?}");
        }
        assert_eq!(Target::parse(&format!("{}.example", "d".repeat(63))).unwrap().port, 3389);
    }
}
