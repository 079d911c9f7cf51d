//! A hand-written TLS responder for the lab: the server side of the scanner's codec. It reads one
//! ClientHello and answers the way a TLS 1.0-1.2 server with a fixed version range and suite list
//! would — a ServerHello, Certificate and ServerHelloDone flight ([RFC 5246] 7.4), or a fatal alert
//! (70 protocol_version, 40 handshake_failure) — and never goes further. That is all a scanner sees,
//! and it serves what rustls cannot: TLS 1.0, 3DES, RC4, a 1024-bit RSA certificate.
//!
//! Like a server that predates TLS 1.3, it ignores `supported_versions` and negotiates from the
//! ClientHello's `client_version` ([RFC 5246] E.1).

use crate::codec::tls::u16_at;
use crate::knowledge::tls_suites;

// Record content types and handshake types, [RFC 5246] 6.2.1 and 7.4.
const CT_ALERT: u8 = 21;
const CT_HANDSHAKE: u8 = 22;
const HT_CLIENT_HELLO: u8 = 1;
const HT_SERVER_HELLO: u8 = 2;
const HT_CERTIFICATE: u8 = 11;
const HT_SERVER_HELLO_DONE: u8 = 14;
const EXT_RENEGOTIATION_INFO: u16 = 0xFF01;
/// The most bytes read for one ClientHello.
pub const MAX_HELLO: usize = 16 * 1024;

/// What a ClientHello offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientHello {
    pub record_version: u16,
    /// `client_version` / `legacy_version`.
    pub client_version: u16,
    pub suites: Vec<u16>,
    /// Extension types, in order.
    pub extensions: Vec<u16>,
}

/// Progress of reading a ClientHello.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelloRead {
    NeedMore,
    Hello(ClientHello),
    /// Not a TLS handshake record, or not a ClientHello.
    Invalid,
}

/// Read a ClientHello from the bytes received so far (it may span several records).
pub fn read_client_hello(buf: &[u8]) -> HelloRead {
    let mut hs = Vec::new();
    let mut i = 0;
    let mut record_version = 0;
    loop {
        let Some(&[ct, major, minor, hi, lo]) = buf.get(i..i + 5) else {
            return HelloRead::NeedMore;
        };
        if ct != CT_HANDSHAKE || major != 3 {
            return HelloRead::Invalid;
        }
        if i == 0 {
            record_version = u16::from_be_bytes([major, minor]);
        }
        let len = usize::from(u16::from_be_bytes([hi, lo]));
        let Some(fragment) = buf.get(i + 5..i + 5 + len) else {
            return HelloRead::NeedMore;
        };
        hs.extend_from_slice(fragment);
        i += 5 + len;
        if let [ty, l0, l1, l2, ..] = hs[..] {
            if ty != HT_CLIENT_HELLO {
                return HelloRead::Invalid;
            }
            let msg_len = (usize::from(l0) << 16) | (usize::from(l1) << 8) | usize::from(l2);
            if msg_len > MAX_HELLO {
                return HelloRead::Invalid;
            }
            if let Some(body) = hs.get(4..4 + msg_len) {
                return match parse_body(body, record_version) {
                    Some(h) => HelloRead::Hello(h),
                    None => HelloRead::Invalid,
                };
            }
        }
    }
}

fn parse_body(b: &[u8], record_version: u16) -> Option<ClientHello> {
    let client_version = u16_at(b, 0)?;
    let sid = usize::from(*b.get(34)?);
    let mut i = 35 + sid;
    let n = usize::from(u16_at(b, i)?);
    let suites = (0..n / 2).map(|k| u16_at(b, i + 2 + 2 * k)).collect::<Option<Vec<u16>>>()?;
    i += 2 + n;
    let comp = usize::from(*b.get(i)?);
    i += 1 + comp;
    let mut extensions = Vec::new();
    if let Some(total) = u16_at(b, i) {
        let end = (i + 2 + usize::from(total)).min(b.len());
        i += 2;
        while i + 4 <= end {
            extensions.push(u16_at(b, i)?);
            i += 4 + usize::from(u16_at(b, i + 2)?);
        }
    }
    Some(ClientHello { record_version, client_version, suites, extensions })
}

/// What the responder serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawTls {
    /// Versions accepted (each 0x0300..0x0303).
    pub versions: &'static [u16],
    /// Suites accepted, in the server's order of preference.
    pub suites: &'static [u16],
    /// The certificate sent (DER).
    pub certificate: &'static [u8],
}

/// The bytes to send back for one ClientHello.
pub fn answer(cfg: &RawTls, hello: &ClientHello, random: &[u8; 32]) -> Vec<u8> {
    let lowest = cfg.versions.iter().copied().min().unwrap_or(tls_suites::TLS10);
    let Some(version) = cfg.versions.iter().copied().filter(|v| *v <= hello.client_version).max() else {
        return alert(hello.client_version.min(lowest.max(tls_suites::SSL30)), 70); // protocol_version
    };
    let valid = |id: u16| tls_suites::suite(id).is_none_or(|s| s.min_version <= version && !s.is_tls13());
    let Some(suite) = cfg.suites.iter().copied().find(|s| hello.suites.contains(s) && valid(*s)) else {
        return alert(version, 40); // handshake_failure
    };

    let mut sh = Vec::with_capacity(80);
    sh.extend_from_slice(&version.to_be_bytes());
    sh.extend_from_slice(random);
    sh.push(0); // no session id
    sh.extend_from_slice(&suite.to_be_bytes());
    sh.push(0); // null compression
    let secure_reneg = hello.extensions.contains(&EXT_RENEGOTIATION_INFO)
        || hello.suites.contains(&tls_suites::TLS_EMPTY_RENEGOTIATION_INFO_SCSV);
    if secure_reneg && version > tls_suites::SSL30 {
        // [RFC 5746] 3.6: an empty renegotiated_connection.
        sh.extend_from_slice(&[0x00, 0x05, 0xFF, 0x01, 0x00, 0x01, 0x00]);
    }
    let mut certs = Vec::new();
    put_u24(&mut certs, cfg.certificate.len());
    certs.extend_from_slice(cfg.certificate);
    let mut cert_body = Vec::new();
    put_u24(&mut cert_body, certs.len());
    cert_body.extend_from_slice(&certs);

    let mut hs = Vec::new();
    for (ty, body) in [(HT_SERVER_HELLO, &sh[..]), (HT_CERTIFICATE, &cert_body[..]), (HT_SERVER_HELLO_DONE, &[][..])] {
        hs.push(ty);
        put_u24(&mut hs, body.len());
        hs.extend_from_slice(body);
    }
    let mut out = Vec::with_capacity(hs.len() + 5);
    out.push(CT_HANDSHAKE);
    out.extend_from_slice(&version.to_be_bytes());
    out.extend_from_slice(&crate::codec::len_u16(hs.len()).to_be_bytes());
    out.extend_from_slice(&hs);
    out
}

/// A fatal alert record.
pub fn alert(record_version: u16, description: u8) -> Vec<u8> {
    let mut out = vec![CT_ALERT];
    out.extend_from_slice(&record_version.to_be_bytes());
    out.extend_from_slice(&[0, 2, 2, description]);
    out
}

fn put_u24(out: &mut Vec<u8>, v: usize) {
    let [_, rest @ ..] = crate::codec::len_u32(v.min(0xFF_FFFF)).to_be_bytes();
    out.extend_from_slice(&rest);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::tls::{self as tls_scan, HelloSpec, Progress, Reply, ReplyParser};
    use crate::knowledge::tls_suites::{SSL30, TLS10, TLS12, TLS13};

    const CERT: &[u8] = include_bytes!("certs/rsa2048-sha256.der");
    const TLS10_ONLY: RawTls = RawTls { versions: &[TLS10], suites: &[0x0035, 0x002F], certificate: CERT };

    fn hello(version: u16, suites: &[u16]) -> ClientHello {
        let bytes = tls_scan::encode_client_hello(
            &HelloSpec { version, suites: suites.to_vec(), server_name: Some("lab".into()) },
            &[7; 32],
        );
        match read_client_hello(&bytes) {
            HelloRead::Hello(h) => h,
            other => panic!("{other:?}"),
        }
    }

    fn reply(cfg: &RawTls, h: &ClientHello) -> Reply {
        let mut p = ReplyParser::new();
        match p.feed(&answer(cfg, h, &[9; 32])) {
            Progress::Done(r) => r,
            Progress::NeedMore => p.on_eof().expect("a complete answer"),
        }
    }

    #[test]
    fn reads_the_scanners_hellos() {
        let h = hello(TLS12, &[0x0035, 0xC030]);
        assert_eq!(h.client_version, TLS12);
        assert_eq!(h.suites, vec![0x0035, 0xC030]);
        assert!(h.extensions.contains(&EXT_RENEGOTIATION_INFO));
        let h13 = hello(TLS13, &[0x1301]);
        assert_eq!(h13.client_version, TLS12); // legacy_version
        let ssl3 = hello(SSL30, &[0x000A]);
        assert!(ssl3.suites.contains(&tls_suites::TLS_EMPTY_RENEGOTIATION_INFO_SCSV));
        assert_eq!(read_client_hello(&[22, 3, 1, 0]), HelloRead::NeedMore);
        assert_eq!(read_client_hello(b"GET / HTTP/1.1\r\n"), HelloRead::Invalid);
    }

    #[test]
    fn answers_like_a_tls10_only_server() {
        // A higher version is answered with TLS 1.0 and the server's favourite suite; the scanner reads
        // the certificate from the flight.
        match reply(&TLS10_ONLY, &hello(TLS12, &[0x002F, 0x0035, 0xC030])) {
            Reply::ServerHello(sh) => {
                assert_eq!((sh.version, sh.suite), (TLS10, 0x0035));
                assert_eq!(sh.certificate_chain, Some(vec![CERT.to_vec()]));
                assert!(sh.extensions.contains(&EXT_RENEGOTIATION_INFO));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(reply(&TLS10_ONLY, &hello(SSL30, &[0x0035])), Reply::Alert { level: 2, description: 70 });
        assert_eq!(reply(&TLS10_ONLY, &hello(TLS10, &[0xC014])), Reply::Alert { level: 2, description: 40 });
        // A TLS 1.3 hello carries only 1.3 suites: nothing in common at 1.0.
        assert_eq!(reply(&TLS10_ONLY, &hello(TLS13, &[0x1301])), Reply::Alert { level: 2, description: 40 });
    }

    #[test]
    fn garbage_never_panics() {
        for n in 0..200u16 {
            let mut b = vec![22, 3, 1, 0, (n % 60) as u8, 1, 0, 0, (n % 50) as u8];
            b.extend((0..n).map(|k| (k * 31 % 251) as u8));
            let _ = read_client_hello(&b);
        }
    }
}
