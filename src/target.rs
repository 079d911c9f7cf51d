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
        if !host.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':' | '%')) {
            return Err(err("the host name has characters a host name cannot have"));
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
}
