//! The scan's target list: arguments and `-i FILE` lines (host, host:port, [v6]:port, rdp://host[:port],
//! a CIDR range `10.0.0.0/24[:port]` or `[2001:db8::/120]:port`, `#` comments), expanded over
//! `--ports` for entries without a port, deduplicated. A bad line is reported with its number and
//! why; the rest is scanned.

use crate::target::{DEFAULT_PORT, Target};
use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Most addresses one scan expands to (a /12 of IPv4): a typo such as /8 fails loudly instead of
/// filling memory.
pub const MAX_HOSTS: usize = 1 << 20;

/// One host to scan and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanTarget {
    pub target: Target,
    /// The line (or argument) it came from, as typed.
    pub source: String,
    /// 1-based line number in the input file; `None` for a command-line argument.
    pub line: Option<usize>,
}

/// A line that could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    /// "FILE:LINE" or "argument N".
    pub place: String,
    pub text: String,
    pub why: String,
}

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {:?}: {}", self.place, self.text, self.why)
    }
}

/// Collects targets from arguments and files, expanding and deduplicating as it goes.
pub struct TargetList {
    /// Ports for entries without one (`--ports`); `[3389]` by default.
    ports: Vec<u16>,
    seen: HashSet<(String, u16)>,
    pub targets: Vec<ScanTarget>,
    pub errors: Vec<LineError>,
    /// Entries dropped as duplicates.
    pub duplicates: usize,
}

impl TargetList {
    pub fn new(ports: &[u16]) -> TargetList {
        let ports = if ports.is_empty() { vec![DEFAULT_PORT] } else { ports.to_vec() };
        TargetList { ports, seen: HashSet::new(), targets: Vec::new(), errors: Vec::new(), duplicates: 0 }
    }

    /// Add one command-line argument.
    pub fn add_arg(&mut self, n: usize, arg: &str) {
        self.add_entry(arg, None, format!("argument {n}"));
    }

    /// Add every line of a file's text (`name` for messages).
    pub fn add_text(&mut self, name: &str, text: &str) {
        for (i, raw) in text.lines().enumerate() {
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            self.add_entry(line, Some(i + 1), format!("{name}:{}", i + 1));
        }
    }

    fn add_entry(&mut self, entry: &str, line: Option<usize>, place: String) {
        let err = |why: String| LineError { place: place.clone(), text: entry.to_string(), why };
        if self.targets.len() >= MAX_HOSTS {
            self.errors.push(err(format!("more than {MAX_HOSTS} hosts in one scan; split the list")));
            return;
        }
        // Hook: a `.rdp` file names its server in `full address:s:` (another change reads it).
        if entry.to_ascii_lowercase().ends_with(".rdp") && !entry.contains("://") {
            match rdp_file_targets(entry) {
                Ok(list) => {
                    for t in list {
                        self.push(t, entry, line);
                    }
                }
                Err(why) => self.errors.push(err(why)),
            }
            return;
        }
        match expand(entry, &self.ports) {
            Ok(list) => {
                if self.targets.len() + list.len() > MAX_HOSTS {
                    self.errors.push(err(format!("more than {MAX_HOSTS} hosts in one scan; split the range")));
                    return;
                }
                for t in list {
                    self.push(t, entry, line);
                }
            }
            Err(why) => self.errors.push(err(why)),
        }
    }

    fn push(&mut self, target: Target, source: &str, line: Option<usize>) {
        if self.seen.insert((target.host.to_ascii_lowercase(), target.port)) {
            self.targets.push(ScanTarget { target, source: source.to_string(), line });
        } else {
            self.duplicates += 1;
        }
    }
}

/// The targets a `.rdp` file names. Not read yet: the `.rdp` reader is another change; this is where it plugs in.
pub fn rdp_file_targets(path: &str) -> Result<Vec<Target>, String> {
    Err(format!("{path}: reading .rdp files is not supported yet; give the server's name or address"))
}

/// One entry expanded: a CIDR range to every address in it, an entry without a port to every port
/// of `ports`.
pub fn expand(entry: &str, ports: &[u16]) -> Result<Vec<Target>, String> {
    if let Some((net, port)) = parse_cidr(entry)? {
        let ports: Vec<u16> = port.map(|p| vec![p]).unwrap_or_else(|| ports.to_vec());
        let mut out = Vec::new();
        for ip in net {
            for &p in &ports {
                let host = ip.to_string();
                let input = if ip.is_ipv6() { format!("[{host}]:{p}") } else { format!("{host}:{p}") };
                out.push(Target { input, host, port: p });
            }
        }
        return Ok(out);
    }
    // The error text names the entry; the caller shows the entry already.
    let t = Target::parse(entry).map_err(|e| e.0.split_once(": ").map(|(_, why)| why.to_string()).unwrap_or(e.0))?;
    if has_port(entry) {
        return Ok(vec![t]);
    }
    Ok(ports
        .iter()
        .map(|&p| {
            let mut t = t.clone();
            t.port = p;
            if ports.len() > 1 || p != DEFAULT_PORT {
                t.input = t.authority();
            }
            t
        })
        .collect())
}

/// Whether the entry names a port itself.
fn has_port(entry: &str) -> bool {
    let rest = entry.split_once("://").map(|(_, r)| r).unwrap_or(entry);
    let rest = rest.split(['/', '?']).next().unwrap_or(rest);
    if let Some(after) = rest.strip_prefix('[') {
        return after.split_once(']').is_some_and(|(_, tail)| tail.starts_with(':'));
    }
    rest.matches(':').count() == 1
}

/// A CIDR range: `a.b.c.d/len[:port]`, `v6/len`, `[v6/len]:port`. `Ok(None)` when the entry is not one.
/// The addresses of a range, and the port it names (if any).
type Range = (Vec<IpAddr>, Option<u16>);

fn parse_cidr(entry: &str) -> Result<Option<Range>, String> {
    let rest = entry.strip_prefix("rdp://").unwrap_or(entry);
    // A range is an address literal, a slash and digits; anything else is left to `Target::parse`.
    let Some((addr, _)) = rest.trim_start_matches('[').split_once('/') else { return Ok(None) };
    if addr.parse::<IpAddr>().is_err() {
        return Ok(None);
    }
    let (body, port) = if let Some(after) = rest.strip_prefix('[') {
        let (inside, tail) = after.split_once(']').ok_or("missing ']'")?;
        let port = match tail.strip_prefix(':') {
            Some(p) => Some(parse_port(p)?),
            None if tail.is_empty() => None,
            None => return Err("unexpected text after ']'".into()),
        };
        (inside, port)
    } else if rest.matches(':').count() == 1 {
        let (b, p) = rest.rsplit_once(':').ok_or("bad range")?;
        (b, Some(parse_port(p)?))
    } else {
        (rest, None)
    };
    let (addr, len) = body.split_once('/').ok_or("bad range")?;
    let len: u32 = len.parse().map_err(|_| format!("bad prefix length {len:?}"))?;
    let ip: IpAddr = addr.parse().map_err(|_| format!("{addr:?} is not an IP address (a range needs one)"))?;
    let bits = if ip.is_ipv4() { 32 } else { 128 };
    if len > bits {
        return Err(format!("prefix length /{len} is longer than {bits} bits"));
    }
    let host_bits = bits - len;
    if host_bits > 20 {
        return Err(format!("/{len} holds more than {MAX_HOSTS} addresses; split the range"));
    }
    let count = 1u128 << host_bits;
    let out = match ip {
        IpAddr::V4(v4) => {
            let base = u32::from(v4) & (u32::MAX.checked_shl(host_bits).unwrap_or(0));
            // A /31 or /32 has no network or broadcast address to skip (RFC 3021).
            let (first, last) = if host_bits >= 2 { (1, count - 1) } else { (0, count) };
            (first..last).map(|i| IpAddr::V4(Ipv4Addr::from(base + i as u32))).collect()
        }
        IpAddr::V6(v6) => {
            let base = u128::from(v6) & (u128::MAX.checked_shl(host_bits).unwrap_or(0));
            (0..count).map(|i| IpAddr::V6(Ipv6Addr::from(base + i))).collect()
        }
    };
    Ok(Some((out, port)))
}

fn parse_port(p: &str) -> Result<u16, String> {
    p.parse::<u16>().ok().filter(|&n| n != 0).ok_or_else(|| format!("bad port {p:?}"))
}

/// `--ports 3389,3390-3392`.
pub fn parse_ports(s: &str) -> Result<Vec<u16>, String> {
    let mut out = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (parse_port(a)?, parse_port(b)?);
                if a > b || b - a > 1024 {
                    return Err(format!("bad port range {part:?}"));
                }
                out.extend(a..=b);
            }
            None => out.push(parse_port(part)?),
        }
    }
    out.dedup();
    if out.is_empty() {
        return Err("no port given".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts(list: &TargetList) -> Vec<String> {
        list.targets.iter().map(|t| t.target.authority()).collect()
    }

    #[test]
    fn lines_ranges_ports_and_comments() {
        let mut l = TargetList::new(&[3389, 3390]);
        l.add_text(
            "fleet.txt",
            "# the fleet\nserver1\n  server2:4000   # a comment\n[::1]:5000\nrdp://Server1:3389\n10.0.0.0/30\n[fd00::/127]:3391\n\nbad host\n10.0.0.0/8\nserver1\n",
        );
        assert_eq!(
            hosts(&l),
            [
                "server1:3389",
                "server1:3390",
                "server2:4000",
                "[::1]:5000",
                "10.0.0.1:3389",
                "10.0.0.1:3390",
                "10.0.0.2:3389",
                "10.0.0.2:3390",
                "[fd00::]:3391",
                "[fd00::1]:3391"
            ]
        );
        assert_eq!(l.duplicates, 3, "rdp://Server1:3389 and server1 twice");
        assert_eq!(l.errors.len(), 2, "{:?}", l.errors);
        assert_eq!(l.errors[0].place, "fleet.txt:9");
        assert!(l.errors[0].why.contains("cannot be in a host name"), "{}", l.errors[0]);
        assert_eq!(l.errors[1].place, "fleet.txt:10");
        assert!(l.errors[1].why.contains("split the range"), "{}", l.errors[1]);
        assert_eq!(l.targets[4].line, Some(6));
        assert_eq!(l.targets[4].source, "10.0.0.0/30");
    }

    #[test]
    fn small_ranges_keep_every_address() {
        let mut l = TargetList::new(&[]);
        l.add_arg(1, "127.1.0.0/31");
        l.add_arg(2, "127.2.0.7/32:3390");
        l.add_arg(3, "rdp://host.example.com/");
        l.add_arg(4, "x.rdp");
        assert_eq!(hosts(&l), ["127.1.0.0:3389", "127.1.0.1:3389", "127.2.0.7:3390", "host.example.com:3389"]);
        assert!(l.errors[0].why.contains(".rdp files"), "{:?}", l.errors);
    }

    #[test]
    fn ports() {
        assert_eq!(parse_ports("3389, 3390-3392").unwrap(), [3389, 3390, 3391, 3392]);
        assert!(parse_ports("0").is_err() && parse_ports("5-1").is_err() && parse_ports("").is_err());
    }
}
