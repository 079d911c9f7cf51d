//! A raw TLS scanner written by hand: no TLS library.
//!
//! It sends ClientHellos ([RFC 5246] 7.4.1.2, [RFC 8446] 4.1.2) with chosen versions and suites and
//! reads only the first server flight: ServerHello, Certificate (TLS <= 1.2), an alert, or a close.
//! That is enough to enumerate the versions and suites a server accepts, in its order of
//! preference, including the legacy suites no modern TLS library can speak.
//!
//! Layout, like rustls / quinn-proto:
//! * [`encode_client_hello`] and [`ReplyParser`] are the codec: bytes in, bytes out, no I/O.
//! * [`VersionEnumerator`] is the pure enumeration state machine: it says what to offer next and
//!   learns from each answer.
//! * [`scan`] and [`retry_small_mss`] are the thin async driver: they own sockets and deadlines.
//!
//! The probe records; it does not decide causes.

use std::collections::BTreeMap;
use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::task::Poll;
use std::time::Duration;

use serde::Serialize;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;

use crate::knowledge::tls_suites::{
    self, GROUPS, SIGNATURE_SCHEMES, SSL30, SUITES, TLS_EMPTY_RENEGOTIATION_INFO_SCSV, TLS10, TLS12, TLS13,
};

// ---------------------------------------------------------------------------------------------
// Encoding
// ---------------------------------------------------------------------------------------------

/// What one ClientHello offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelloSpec {
    /// The version offered: 0x0300 (SSL 3.0) .. 0x0304 (TLS 1.3). For TLS 1.3 the hello carries
    /// `legacy_version` 0x0303 and `supported_versions` = [0x0304].
    pub version: u16,
    /// Cipher suites, in the client's order of preference.
    pub suites: Vec<u16>,
    /// Host name for SNI; ignored when it is an IP address ([RFC 6066] 3).
    pub server_name: Option<String>,
}

// Record content types, [RFC 5246] 6.2.1 / [RFC 8446] 5.1.
const CT_CHANGE_CIPHER_SPEC: u8 = 20;
const CT_ALERT: u8 = 21;
const CT_HANDSHAKE: u8 = 22;
const CT_APPLICATION_DATA: u8 = 23;
// Handshake types, [RFC 5246] 7.4 / [RFC 8446] 4.
const HT_CLIENT_HELLO: u8 = 1;
const HT_SERVER_HELLO: u8 = 2;
const HT_CERTIFICATE: u8 = 11;
// Extension types, IANA "TLS ExtensionType Values".
const EXT_SERVER_NAME: u16 = 0;
const EXT_SUPPORTED_GROUPS: u16 = 10;
const EXT_EC_POINT_FORMATS: u16 = 11;
const EXT_SIGNATURE_ALGORITHMS: u16 = 13;
const EXT_PADDING: u16 = 21;
const EXT_SUPPORTED_VERSIONS: u16 = 43;
const EXT_PSK_KEY_EXCHANGE_MODES: u16 = 45;
const EXT_KEY_SHARE: u16 = 51;
const EXT_RENEGOTIATION_INFO: u16 = 0xFF01;
const GROUP_X25519: u16 = 0x001D;

/// `SHA-256("HelloRetryRequest")`, the ServerHello.random of a HelloRetryRequest, [RFC 8446] 4.1.3.
pub const HRR_RANDOM: [u8; 32] = [
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91, 0xC2, 0xA2, 0x11,
    0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
];

/// Largest TLSCiphertext fragment, [RFC 5246] 6.2.3: 2^14 + 2048.
pub const MAX_RECORD: usize = 16384 + 2048;
/// Cap on the bytes read from one reply.
pub const MAX_REPLY: usize = 64 * 1024;

fn put_u16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_be_bytes());
}

fn put_u24(out: &mut Vec<u8>, v: usize) {
    let v = v.min(0xFF_FFFF) as u32;
    out.extend_from_slice(&v.to_be_bytes()[1..]);
}

fn ext(out: &mut Vec<u8>, ty: u16, body: &[u8]) {
    put_u16(out, ty);
    put_u16(out, body.len() as u16);
    out.extend_from_slice(body);
}

fn derive(random: &[u8; 32], label: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(random);
    h.update(label);
    let d = h.finalize();
    let mut out = [0u8; 32];
    out.copy_from_slice(&d);
    out
}

/// A valid SNI host name: not an IP address, ASCII letters/digits/hyphen/dot, at most 253 bytes.
fn sni_name(name: &str) -> Option<&str> {
    let name = name.trim_end_matches('.');
    if name.is_empty() || name.len() > 253 || name.parse::<std::net::IpAddr>().is_ok() {
        return None;
    }
    if name.trim_start_matches('[').trim_end_matches(']').parse::<std::net::Ipv6Addr>().is_ok() {
        return None;
    }
    name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_').then_some(name)
}

/// Encodes a complete TLS record holding one ClientHello.
///
/// * SSL 3.0: no extensions; the renegotiation SCSV is appended to the suites ([RFC 5746] 3.3).
/// * TLS 1.0 .. 1.2: `client_version` = the version; extensions server_name, supported_groups (EC
///   groups only), ec_point_formats, signature_algorithms (1.2 only, [RFC 5246] 7.4.1.4.1) and
///   renegotiation_info.
/// * TLS 1.3: `legacy_version` 0x0303, a 32-byte legacy session id (middlebox compatibility,
///   [RFC 8446] D.4), supported_versions [0x0304], supported_groups, signature_algorithms,
///   key_share with an x25519 share ([RFC 7748]: any 32 bytes are a valid public value) and
///   psk_key_exchange_modes.
///
/// The session id and the key share are derived from `random`. A hello whose handshake message
/// would be 256..511 bytes long is padded to 512 ([RFC 7685]), as browsers do, because some servers
/// hang on hellos of that size.
pub fn encode_client_hello(spec: &HelloSpec, random: &[u8; 32]) -> Vec<u8> {
    encode_hello(spec.version, spec.version, spec, random)
}

/// A ClientHello as a client enabling every version from `min` to `spec.version` sends it, for the
/// client-profile questions: with TLS 1.3 on top, `supported_versions` lists them all (highest
/// first, [RFC 8446] 4.2.1) and the TLS 1.2 extensions are kept; below TLS 1.3, `client_version` is
/// the highest and the server may answer any lower one ([RFC 5246] E.1).
pub fn encode_client_hello_range(min: u16, spec: &HelloSpec, random: &[u8; 32]) -> Vec<u8> {
    encode_hello(min.min(spec.version), spec.version, spec, random)
}

fn encode_hello(min: u16, max: u16, spec: &HelloSpec, random: &[u8; 32]) -> Vec<u8> {
    let tls13 = max >= TLS13;
    // Only TLS 1.3 on offer: no TLS 1.2 extensions.
    let only13 = min >= TLS13;
    let ssl3 = max <= SSL30;
    let legacy_version = if tls13 { TLS12 } else { max };

    let mut body = Vec::with_capacity(512);
    put_u16(&mut body, legacy_version);
    body.extend_from_slice(random);
    if tls13 {
        body.push(32);
        body.extend_from_slice(&derive(random, b"session id"));
    } else {
        body.push(0);
    }
    let mut suites: Vec<u16> = spec.suites.iter().copied().take(0x7FFF - 1).collect();
    if ssl3 {
        suites.push(TLS_EMPTY_RENEGOTIATION_INFO_SCSV);
    }
    put_u16(&mut body, (suites.len() * 2) as u16);
    for s in &suites {
        put_u16(&mut body, *s);
    }
    body.extend_from_slice(&[1, 0]); // compression_methods: null

    if !ssl3 {
        let mut exts = Vec::with_capacity(256);
        if let Some(name) = spec.server_name.as_deref().and_then(sni_name) {
            // [RFC 6066] 3: ServerNameList { NameType host_name(0), HostName }.
            let mut b = Vec::new();
            put_u16(&mut b, (name.len() + 3) as u16);
            b.push(0);
            put_u16(&mut b, name.len() as u16);
            b.extend_from_slice(name.as_bytes());
            ext(&mut exts, EXT_SERVER_NAME, &b);
        }
        let groups: Vec<u16> =
            GROUPS.iter().map(|g| g.id).filter(|id| tls13 || !tls_suites::group_is_ffdhe(*id)).collect();
        let mut b = Vec::new();
        put_u16(&mut b, (groups.len() * 2) as u16);
        for g in &groups {
            put_u16(&mut b, *g);
        }
        ext(&mut exts, EXT_SUPPORTED_GROUPS, &b);
        if !only13 {
            ext(&mut exts, EXT_EC_POINT_FORMATS, &[1, 0]); // [RFC 8422] 5.1.2: uncompressed
        }
        if max >= TLS12 {
            let mut b = Vec::new();
            put_u16(&mut b, (SIGNATURE_SCHEMES.len() * 2) as u16);
            for s in SIGNATURE_SCHEMES {
                put_u16(&mut b, s.id);
            }
            ext(&mut exts, EXT_SIGNATURE_ALGORITHMS, &b);
        }
        if tls13 {
            // [RFC 8446] 4.2.1: a list of versions, highest first; TLS 1.0 and up only.
            let listed: Vec<u16> = [TLS13, TLS12, tls_suites::TLS11, TLS10].into_iter().filter(|v| *v >= min).collect();
            let mut b = vec![(listed.len() * 2) as u8];
            for v in &listed {
                b.extend_from_slice(&v.to_be_bytes());
            }
            ext(&mut exts, EXT_SUPPORTED_VERSIONS, &b);
            let share = derive(random, b"x25519 key share");
            let mut b = Vec::new();
            put_u16(&mut b, 2 + 2 + 32);
            put_u16(&mut b, GROUP_X25519);
            put_u16(&mut b, 32);
            b.extend_from_slice(&share);
            ext(&mut exts, EXT_KEY_SHARE, &b);
            ext(&mut exts, EXT_PSK_KEY_EXCHANGE_MODES, &[1, 1]); // psk_dhe_ke
        }
        if !only13 {
            ext(&mut exts, EXT_RENEGOTIATION_INFO, &[0]);
        }
        // Padding, [RFC 7685]: handshake message (4-byte header + body) into 512 bytes.
        let msg_len = 4 + body.len() + 2 + exts.len();
        if (256..512).contains(&msg_len) {
            let mut pad = 512 - msg_len;
            pad = if pad >= 5 { pad - 4 } else { 1 };
            ext(&mut exts, EXT_PADDING, &vec![0u8; pad]);
        }
        put_u16(&mut body, exts.len() as u16);
        body.extend_from_slice(&exts);
    }

    let mut hs = Vec::with_capacity(body.len() + 4);
    hs.push(HT_CLIENT_HELLO);
    put_u24(&mut hs, body.len());
    hs.extend_from_slice(&body);

    let mut rec = Vec::with_capacity(hs.len() + 5);
    rec.push(CT_HANDSHAKE);
    // Record version: {3,0} for SSL 3.0, {3,1} otherwise ([RFC 5246] E.1, [RFC 8446] 5.1).
    put_u16(&mut rec, if ssl3 { SSL30 } else { TLS10 });
    put_u16(&mut rec, hs.len() as u16);
    rec.extend_from_slice(&hs);
    rec
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

/// What the ServerHello said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerHello {
    /// `server_version` / `legacy_version` field.
    pub legacy_version: u16,
    /// The negotiated version: `supported_versions` if present ([RFC 8446] 4.2.1), else
    /// `legacy_version`.
    pub version: u16,
    pub suite: u16,
    pub compression: u8,
    /// This is a HelloRetryRequest ([RFC 8446] 4.1.4): the suite is chosen, a new share is asked for.
    pub hello_retry_request: bool,
    /// The [RFC 8446] 4.1.3 downgrade sentinel in the random: 0x0303 ("DOWNGRD\x01", the server
    /// supports TLS 1.3) or 0x0302 ("DOWNGRD\x00", it supports TLS 1.2).
    pub downgrade_sentinel: Option<u16>,
    /// Extension types present, in order.
    pub extensions: Vec<u16>,
    /// The DER certificates of the Certificate message (TLS <= 1.2) when it arrived.
    pub certificate_chain: Option<Vec<Vec<u8>>>,
}

/// The first server flight, classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    ServerHello(ServerHello),
    Alert {
        level: u8,
        description: u8,
    },
    /// The first bytes are not a TLS record (e.g. an RDP/TPKT answer or an HTTP page).
    NotTls {
        first_bytes: Vec<u8>,
    },
    /// TLS framing, but broken or out of order.
    Malformed {
        reason: String,
    },
}

/// Result of feeding bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    NeedMore,
    Done(Reply),
}

/// Incremental, bounded parser of the server's reply to a ClientHello.
#[derive(Debug, Default)]
pub struct ReplyParser {
    rec: Vec<u8>,
    hs: Vec<u8>,
    total: usize,
    records: usize,
    hello: Option<ServerHello>,
    done: Option<Reply>,
    /// Warning alerts before any ServerHello, and the last one's description.
    warnings: usize,
    last_warning: Option<u8>,
}

/// Warning alerts tolerated before a ServerHello ([RFC 5246] 7.2: a warning does not end the
/// handshake); past this many with nothing else, the answer is not a handshake.
pub const MAX_WARNING_ALERTS: usize = 4;

fn u16_at(b: &[u8], i: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(i)?, *b.get(i + 1)?]))
}

fn u24_at(b: &[u8], i: usize) -> Option<usize> {
    Some(((*b.get(i)? as usize) << 16) | ((*b.get(i + 1)? as usize) << 8) | *b.get(i + 2)? as usize)
}

/// An SSL 2.0 SERVER-HELLO (draft-hickman-netscape-ssl-00, RFC 6176 prohibits it): a two-byte record
/// header with the high bit set, then message type 4, then version 0x0002 at offset 5.
fn is_sslv2_server_hello(b: &[u8]) -> bool {
    b.len() >= 7 && b[0] & 0x80 != 0 && b[2] == 4 && b[5] == 0x00 && b[6] == 0x02
}

/// Parses a ServerHello body ([RFC 5246] 7.4.1.3, [RFC 8446] 4.1.3).
pub fn parse_server_hello(b: &[u8]) -> Result<ServerHello, String> {
    let legacy_version = u16_at(b, 0).ok_or("ServerHello too short")?;
    let random = b.get(2..34).ok_or("ServerHello too short for random")?;
    let sid_len = *b.get(34).ok_or("ServerHello too short for session id")? as usize;
    if sid_len > 32 {
        return Err(format!("session id length {sid_len} > 32"));
    }
    let mut i = 35 + sid_len;
    let suite = u16_at(b, i).ok_or("ServerHello too short for cipher suite")?;
    let compression = *b.get(i + 2).ok_or("ServerHello too short for compression")?;
    i += 3;
    let mut extensions = Vec::new();
    let mut selected = None;
    if i < b.len() {
        let ext_len = u16_at(b, i).ok_or("truncated extensions length")? as usize;
        i += 2;
        let end = i.checked_add(ext_len).filter(|e| *e <= b.len()).ok_or("extensions overrun the message")?;
        while i < end {
            let ty = u16_at(b, i).filter(|_| i + 4 <= end).ok_or("truncated extension header")?;
            let len = u16_at(b, i + 2).ok_or("truncated extension header")? as usize;
            let data = b.get(i + 4..i + 4 + len).filter(|_| i + 4 + len <= end).ok_or("extension overruns")?;
            if ty == EXT_SUPPORTED_VERSIONS {
                selected = Some(u16_at(data, 0).ok_or("empty supported_versions")?);
            }
            extensions.push(ty);
            i += 4 + len;
        }
    }
    let hrr = random == HRR_RANDOM;
    let downgrade_sentinel = match &random[24..] {
        [0x44, 0x4F, 0x57, 0x4E, 0x47, 0x52, 0x44, 0x01] => Some(0x0303),
        [0x44, 0x4F, 0x57, 0x4E, 0x47, 0x52, 0x44, 0x00] => Some(0x0302),
        _ => None,
    };
    Ok(ServerHello {
        legacy_version,
        version: selected.unwrap_or(legacy_version),
        suite,
        compression,
        hello_retry_request: hrr,
        downgrade_sentinel,
        extensions,
        certificate_chain: None,
    })
}

/// Parses a TLS <= 1.2 Certificate body ([RFC 5246] 7.4.2) into DER certificates.
pub fn parse_certificate_chain(b: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let total = u24_at(b, 0).ok_or("Certificate too short")?;
    let list = b.get(3..3 + total).ok_or("certificate_list overruns the message")?;
    let mut out = Vec::new();
    let mut i = 0;
    while i < list.len() {
        let len = u24_at(list, i).ok_or("truncated certificate length")?;
        let der = list.get(i + 3..i + 3 + len).ok_or("certificate overruns the list")?;
        if out.len() >= 16 {
            return Err("more than 16 certificates".into());
        }
        out.push(der.to_vec());
        i += 3 + len;
    }
    Ok(out)
}

impl ReplyParser {
    pub fn new() -> Self {
        Self::default()
    }

    /// Bytes fed so far (capped at [`MAX_REPLY`]).
    pub fn bytes_received(&self) -> usize {
        self.total
    }

    /// The ServerHello, once parsed (even if the flight is not complete yet).
    pub fn server_hello(&self) -> Option<&ServerHello> {
        self.hello.as_ref()
    }

    /// What the bytes so far amount to when the peer closes or the deadline passes: the ServerHello
    /// if one was parsed (without its certificate), else nothing.
    pub fn on_eof(&self) -> Option<Reply> {
        if let Some(d) = &self.done {
            return Some(d.clone());
        }
        match (&self.hello, self.last_warning) {
            (Some(h), _) => Some(Reply::ServerHello(h.clone())),
            // Fewer than 7 bytes with the high bit set, then the end: not TLS either way.
            (None, None) if self.records == 0 && self.rec.first().is_some_and(|b| b & 0x80 != 0) => {
                Some(Reply::NotTls { first_bytes: self.rec.iter().take(16).copied().collect() })
            }
            // A warning alert, then the end: the server said no (as before warnings were tolerated).
            (None, Some(description)) => Some(Reply::Alert { level: 1, description }),
            (None, None) => None,
        }
    }

    fn finish(&mut self, r: Reply) -> Progress {
        self.done = Some(r.clone());
        Progress::Done(r)
    }

    fn finish_hello(&mut self) -> Progress {
        match self.hello.clone() {
            Some(h) => self.finish(Reply::ServerHello(h)),
            None => self.finish(Reply::Malformed { reason: "no ServerHello".into() }),
        }
    }

    /// Feeds bytes from the socket. Never panics; allocation is bounded by [`MAX_REPLY`].
    pub fn feed(&mut self, bytes: &[u8]) -> Progress {
        if let Some(d) = &self.done {
            return Progress::Done(d.clone());
        }
        let room = MAX_REPLY.saturating_sub(self.total);
        let take = bytes.len().min(room);
        self.total += take;
        self.rec.extend_from_slice(&bytes[..take]);
        let p = self.process();
        if p == Progress::NeedMore && take < bytes.len() {
            return if self.hello.is_some() {
                self.finish_hello()
            } else {
                self.finish(Reply::Malformed { reason: format!("no ServerHello within {MAX_REPLY} bytes") })
            };
        }
        p
    }

    fn process(&mut self) -> Progress {
        loop {
            if self.rec.is_empty() {
                return Progress::NeedMore;
            }
            // Recognise a non-TLS answer from the first byte(s).
            let ct = self.rec[0];
            if !matches!(ct, CT_CHANGE_CIPHER_SPEC | CT_ALERT | CT_HANDSHAKE | CT_APPLICATION_DATA) {
                return self.not_tls();
            }
            if self.rec.len() < 5 {
                if self.rec.len() >= 2 && self.rec[1] != 3 {
                    return self.not_tls();
                }
                return Progress::NeedMore;
            }
            let major = self.rec[1];
            let len = u16::from_be_bytes([self.rec[3], self.rec[4]]) as usize;
            if major != 3 {
                return self.not_tls();
            }
            if len > MAX_RECORD {
                return self.finish(Reply::Malformed { reason: format!("record length {len} > {MAX_RECORD}") });
            }
            if self.rec.len() < 5 + len {
                return Progress::NeedMore;
            }
            let frag: Vec<u8> = self.rec[5..5 + len].to_vec();
            self.rec.drain(..5 + len);
            self.records += 1;
            match ct {
                CT_ALERT => {
                    if self.hello.is_some() {
                        return self.finish_hello();
                    }
                    if frag.len() < 2 {
                        return self.finish(Reply::Malformed { reason: format!("alert of {} bytes", frag.len()) });
                    }
                    if frag[0] == 1 {
                        // A warning ends nothing; endless warnings instead of a ServerHello are no answer.
                        self.warnings += 1;
                        self.last_warning = Some(frag[1]);
                        if self.warnings >= MAX_WARNING_ALERTS {
                            return self.finish(Reply::Malformed {
                                reason: format!(
                                    "{} warning alerts (last: {}) and no ServerHello",
                                    self.warnings, frag[1]
                                ),
                            });
                        }
                        continue;
                    }
                    return self.finish(Reply::Alert { level: frag[0], description: frag[1] });
                }
                CT_HANDSHAKE => {
                    self.hs.extend_from_slice(&frag);
                    if let Progress::Done(r) = self.process_handshake() {
                        return Progress::Done(r);
                    }
                }
                _ => {
                    // ChangeCipherSpec or encrypted data: the cleartext part of the flight is over.
                    if self.hello.is_some() {
                        return self.finish_hello();
                    }
                    return self.finish(Reply::Malformed { reason: format!("record type {ct} before ServerHello") });
                }
            }
        }
    }

    fn not_tls(&mut self) -> Progress {
        if self.hello.is_some() {
            return self.finish_hello();
        }
        // An SSL 2.0 record header has the high bit set: wait for the 7 bytes that tell, so the verdict
        // does not depend on how the bytes arrived (fuzz regression).
        if self.records == 0 && self.rec[0] & 0x80 != 0 && self.rec.len() < 7 {
            return Progress::NeedMore;
        }
        let first_bytes: Vec<u8> = self.rec.iter().take(16).copied().collect();
        if self.records == 0 && is_sslv2_server_hello(&first_bytes) {
            return self.finish(Reply::Malformed { reason: "an SSL 2.0 SERVER-HELLO (SSL 2.0 is not TLS)".into() });
        }
        if self.records == 0 {
            self.finish(Reply::NotTls { first_bytes })
        } else {
            self.finish(Reply::Malformed { reason: "non-TLS bytes after a TLS record".into() })
        }
    }

    fn process_handshake(&mut self) -> Progress {
        loop {
            if self.hs.len() < 4 {
                return Progress::NeedMore;
            }
            let ty = self.hs[0];
            let len = u24_at(&self.hs, 1).unwrap_or(usize::MAX);
            if len > MAX_REPLY {
                return if self.hello.is_some() {
                    self.finish_hello()
                } else {
                    self.finish(Reply::Malformed { reason: format!("handshake message of {len} bytes") })
                };
            }
            if self.hs.len() < 4 + len {
                return Progress::NeedMore;
            }
            let msg: Vec<u8> = self.hs[4..4 + len].to_vec();
            self.hs.drain(..4 + len);
            match &mut self.hello {
                None => {
                    if ty == 0 && len == 0 {
                        continue; // HelloRequest: ignore ([RFC 5246] 7.4.1.1)
                    }
                    if ty != HT_SERVER_HELLO {
                        return self
                            .finish(Reply::Malformed { reason: format!("handshake type {ty} before ServerHello") });
                    }
                    match parse_server_hello(&msg) {
                        Ok(h) => {
                            let complete = h.hello_retry_request || h.version >= TLS13;
                            self.hello = Some(h);
                            if complete {
                                return self.finish_hello();
                            }
                        }
                        Err(reason) => return self.finish(Reply::Malformed { reason }),
                    }
                }
                Some(h) => {
                    // TLS <= 1.2: the Certificate follows the ServerHello unless the suite is
                    // anonymous ([RFC 5246] 7.3).
                    if ty == HT_CERTIFICATE
                        && let Ok(chain) = parse_certificate_chain(&msg)
                    {
                        h.certificate_chain = Some(chain);
                    }
                    return self.finish_hello();
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Enumeration state machine
// ---------------------------------------------------------------------------------------------

/// What one connection produced, as the state machine sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ConnOutcome {
    ServerHello {
        version: u16,
        suite: u16,
        hello_retry_request: bool,
    },
    Alert {
        level: u8,
        description: u8,
    },
    /// Orderly close (FIN) with no ServerHello and no alert.
    Closed {
        bytes: usize,
    },
    /// Connection reset with no ServerHello and no alert.
    Reset {
        bytes: usize,
    },
    /// The hello was sent, the connection stayed open, and no complete answer came in time.
    Timeout {
        bytes: usize,
    },
    NotTls {
        first_bytes: String,
    },
    Malformed {
        reason: String,
    },
    /// `open` (TCP connect + X.224) failed; no hello was sent.
    ConnectFailed {
        error: String,
    },
    /// The connection budget was used up; nothing was sent.
    Skipped,
}

impl ConnOutcome {
    fn hello_sent(&self) -> bool {
        !matches!(self, ConnOutcome::ConnectFailed { .. } | ConnOutcome::Skipped)
    }
}

/// How a version fared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum VersionOutcome {
    Accepted,
    RejectedAlert {
        description: u8,
        name: &'static str,
    },
    Closed,
    Reset,
    Timeout,
    /// The server answered with a lower version: the offered one is not supported.
    DowngradedTo {
        to: String,
    },
    NotTls,
    Malformed {
        reason: String,
    },
    ConnectFailed {
        error: String,
    },
    NotTested,
}

/// Protocol violations seen while enumerating (data, not verdicts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Violation {
    /// The server chose a suite that was not offered.
    UnofferedSuite { version: String, id: String },
    /// The server answered with a higher version than offered.
    HigherVersion { offered: String, answered: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Phase {
    /// Offer chunk `chunk` minus what was chosen, until refused.
    Discover {
        chunk: usize,
        remaining: Vec<u16>,
    },
    /// Re-offer everything accepted (it came from several chunks) to learn the global order.
    Order {
        remaining: Vec<u16>,
    },
    /// Offer the accepted suites in reverse once: does the server follow the client's order?
    ClientPreference,
    Done,
}

/// Pure enumeration of one version's suites.
///
/// "Offer everything, remove what was chosen, repeat": each ServerHello names the server's favourite
/// among what is still offered, so the order in which suites are chosen is the server's preference.
/// Long suite lists are split into chunks (to keep hellos near 512 bytes); when several chunks
/// contribute, the union is offered again to learn the global order.
#[derive(Debug, Clone)]
pub struct VersionEnumerator {
    version: u16,
    chunks: Vec<Vec<u16>>,
    phase: Phase,
    /// Accepted suites in discovery order, and the chunk each came from.
    found: Vec<(u16, usize)>,
    order: Vec<u16>,
    first_failure: Option<ConnOutcome>,
    first_alert: Option<u8>,
    downgraded_to: Option<u16>,
    server_preference: Option<bool>,
    detect_client_preference: bool,
    violations: Vec<Violation>,
    connections: u32,
}

/// What a [`VersionEnumerator`] learned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionEnumResult {
    pub version: u16,
    pub outcome: VersionOutcome,
    /// Accepted suites, in the server's order of preference.
    pub suites: Vec<u16>,
    /// `Some(true)` if the server imposes its own order, `Some(false)` if it follows the client's,
    /// `None` if not tested (fewer than two suites).
    pub server_preference: Option<bool>,
    pub violations: Vec<Violation>,
    pub connections: u32,
}

/// The suites offered for `version`, realistic ones first (those any server commonly picks), then
/// the exotic rest, so that one chunk usually holds everything a server accepts.
pub fn suites_for_version(version: u16) -> Vec<u16> {
    let mut v: Vec<&tls_suites::Suite> = SUITES.iter().filter(|s| s.offered_in(version)).collect();
    v.sort_by_key(|s| (exotic(s), std::cmp::Reverse(s.is_aead()), s.id));
    v.into_iter().map(|s| s.id).collect()
}

fn exotic(s: &tls_suites::Suite) -> bool {
    use tls_suites::{Cipher::*, Kx};
    let common_cipher = matches!(
        s.cipher,
        Aes128Cbc | Aes256Cbc | Aes128Gcm | Aes256Gcm | Chacha20Poly1305 | TripleDesEdeCbc | Rc4_128
    );
    let common_kx = matches!(s.kx, Kx::Any | Kx::Rsa | Kx::Dhe | Kx::Ecdhe);
    !(common_cipher && common_kx) || s.has(tls_suites::ANON) || s.has(tls_suites::EXPORT)
}

impl VersionEnumerator {
    /// `suites` in offer order; `chunk_size` suites per hello at most.
    pub fn new(version: u16, suites: Vec<u16>, chunk_size: usize, detect_client_preference: bool) -> Self {
        let chunk_size = chunk_size.max(1);
        let chunks: Vec<Vec<u16>> = suites.chunks(chunk_size).map(|c| c.to_vec()).collect();
        let phase = match chunks.first() {
            Some(c) => Phase::Discover { chunk: 0, remaining: c.clone() },
            None => Phase::Done,
        };
        Self {
            version,
            chunks,
            phase,
            found: Vec::new(),
            order: Vec::new(),
            first_failure: None,
            first_alert: None,
            downgraded_to: None,
            server_preference: None,
            detect_client_preference,
            violations: Vec::new(),
            connections: 0,
        }
    }

    pub fn version(&self) -> u16 {
        self.version
    }

    pub fn is_done(&self) -> bool {
        self.phase == Phase::Done
    }

    /// The suites to offer in the next hello, or `None` when finished.
    pub fn next_offer(&self) -> Option<Vec<u16>> {
        match &self.phase {
            Phase::Discover { remaining, .. } | Phase::Order { remaining } => Some(remaining.clone()),
            Phase::ClientPreference => Some(self.order.iter().rev().copied().collect()),
            Phase::Done => None,
        }
    }

    fn next_chunk(&mut self, chunk: usize) {
        let next = chunk + 1;
        if next < self.chunks.len() {
            self.phase = Phase::Discover { chunk: next, remaining: self.chunks[next].clone() };
        } else {
            self.after_discovery();
        }
    }

    fn after_discovery(&mut self) {
        let mut chunks: Vec<usize> = self.found.iter().map(|(_, c)| *c).collect();
        chunks.dedup();
        if chunks.len() > 1 {
            let mut all: Vec<u16> = self.found.iter().map(|(s, _)| *s).collect();
            all.sort_unstable_by_key(|id| self.chunks.iter().flatten().position(|x| x == id));
            self.phase = Phase::Order { remaining: all };
        } else {
            self.order = self.found.iter().map(|(s, _)| *s).collect();
            self.after_order();
        }
    }

    fn after_order(&mut self) {
        self.phase =
            if self.detect_client_preference && self.order.len() >= 2 { Phase::ClientPreference } else { Phase::Done };
    }

    fn note_failure(&mut self, o: &ConnOutcome) {
        if let ConnOutcome::Alert { description, .. } = o
            && self.first_alert.is_none()
        {
            self.first_alert = Some(*description);
        }
        if self.first_failure.is_none() {
            self.first_failure = Some(o.clone());
        }
    }

    /// Learns from the answer to the hello made of `offered`.
    pub fn record(&mut self, offered: &[u16], outcome: &ConnOutcome) {
        if outcome.hello_sent() {
            self.connections += 1;
        }
        let vname = |v: u16| tls_suites::version_name(v).unwrap_or("unknown").to_string();
        let phase = std::mem::replace(&mut self.phase, Phase::Done);
        match phase {
            Phase::Done => {}
            Phase::Discover { chunk, mut remaining } => match outcome {
                ConnOutcome::ServerHello { version, suite, .. } => {
                    if *version < self.version {
                        if self.found.is_empty() {
                            self.downgraded_to = Some(*version);
                            self.phase = Phase::Done;
                        } else {
                            self.next_chunk(chunk);
                        }
                    } else if *version > self.version {
                        self.violations.push(Violation::HigherVersion {
                            offered: vname(self.version),
                            answered: format!("0x{version:04X}"),
                        });
                        self.phase = Phase::Done;
                    } else if !offered.contains(suite) || !remaining.contains(suite) {
                        self.violations.push(Violation::UnofferedSuite {
                            version: vname(self.version),
                            id: tls_suites::hex_id(*suite),
                        });
                        self.next_chunk(chunk);
                    } else {
                        self.found.push((*suite, chunk));
                        remaining.retain(|s| s != suite);
                        if remaining.is_empty() {
                            self.next_chunk(chunk);
                        } else {
                            self.phase = Phase::Discover { chunk, remaining };
                        }
                    }
                }
                ConnOutcome::Alert { description: 70, .. } if self.found.is_empty() => {
                    // protocol_version: the version itself is refused; other chunks won't help.
                    self.note_failure(outcome);
                    self.phase = Phase::Done;
                }
                ConnOutcome::Timeout { .. } | ConnOutcome::Skipped => {
                    self.note_failure(outcome);
                    if self.found.is_empty() {
                        self.phase = Phase::Done;
                    } else {
                        self.after_discovery_or_done();
                    }
                }
                ConnOutcome::ConnectFailed { .. } => {
                    self.note_failure(outcome);
                    self.phase = Phase::Done;
                }
                _ => {
                    self.note_failure(outcome);
                    self.next_chunk(chunk);
                }
            },
            Phase::Order { mut remaining } => match outcome {
                ConnOutcome::ServerHello { version, suite, .. }
                    if *version == self.version && remaining.contains(suite) =>
                {
                    self.order.push(*suite);
                    remaining.retain(|s| s != suite);
                    if remaining.is_empty() {
                        self.after_order();
                    } else {
                        self.phase = Phase::Order { remaining };
                    }
                }
                _ => {
                    // Could not finish ordering: keep what is known, then discovery order.
                    for (s, _) in &self.found {
                        if !self.order.contains(s) {
                            self.order.push(*s);
                        }
                    }
                    self.phase = Phase::Done;
                }
            },
            Phase::ClientPreference => {
                if let ConnOutcome::ServerHello { version, suite, .. } = outcome
                    && *version == self.version
                {
                    let reversed_first = self.order.last().copied();
                    self.server_preference =
                        Some(!(Some(*suite) == reversed_first && self.order.first().copied() != reversed_first));
                }
                self.phase = Phase::Done;
            }
        }
    }

    fn after_discovery_or_done(&mut self) {
        self.order = self.found.iter().map(|(s, _)| *s).collect();
        self.phase = Phase::Done;
    }

    /// What was learned (call when done; callable any time).
    pub fn result(&self) -> VersionEnumResult {
        let mut suites = self.order.clone();
        for (s, _) in &self.found {
            if !suites.contains(s) {
                suites.push(*s);
            }
        }
        let outcome = if !suites.is_empty() {
            VersionOutcome::Accepted
        } else if let Some(v) = self.downgraded_to {
            VersionOutcome::DowngradedTo {
                to: tls_suites::version_name(v).map_or_else(|| format!("0x{v:04X}"), str::to_string),
            }
        } else if let Some(d) = self.first_alert {
            VersionOutcome::RejectedAlert { description: d, name: tls_suites::alert_name(d) }
        } else {
            match &self.first_failure {
                None | Some(ConnOutcome::Skipped) => VersionOutcome::NotTested,
                Some(ConnOutcome::Closed { .. }) => VersionOutcome::Closed,
                Some(ConnOutcome::Reset { .. }) => VersionOutcome::Reset,
                Some(ConnOutcome::Timeout { .. }) => VersionOutcome::Timeout,
                Some(ConnOutcome::NotTls { .. }) => VersionOutcome::NotTls,
                Some(ConnOutcome::Malformed { reason }) => VersionOutcome::Malformed { reason: reason.clone() },
                Some(ConnOutcome::ConnectFailed { error }) => VersionOutcome::ConnectFailed { error: error.clone() },
                Some(ConnOutcome::Alert { description, .. }) => VersionOutcome::RejectedAlert {
                    description: *description,
                    name: tls_suites::alert_name(*description),
                },
                Some(ConnOutcome::ServerHello { .. }) => VersionOutcome::Malformed { reason: "unexpected".into() },
            }
        };
        VersionEnumResult {
            version: self.version,
            outcome,
            suites,
            server_preference: self.server_preference,
            violations: self.violations.clone(),
            connections: self.connections,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Observations
// ---------------------------------------------------------------------------------------------

/// Per-version result (`observations.tls.version_results[]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionResult {
    /// `"ssl3.0"` .. `"tls1.3"`.
    pub version: String,
    #[serde(flatten)]
    pub outcome: VersionOutcome,
    /// Whether the server imposes its own suite order (None: not tested).
    pub server_preference: Option<bool>,
    pub connections: u32,
}

/// One accepted suite (`observations.tls.suites[]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SuiteObs {
    pub version: String,
    /// `"0x0035"`.
    pub id: String,
    /// IANA name.
    pub name: String,
    /// The server's first choice in this version.
    pub preferred: bool,
    /// 1-based position in the server's order of preference.
    pub rank: u32,
    #[serde(skip)]
    pub version_code: u16,
    #[serde(skip)]
    pub id_code: u16,
}

/// Everything the scanner saw (`observations.tls`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TlsScan {
    /// Versions the server accepted, oldest first: `"tls1.2"`.
    pub versions: Vec<String>,
    /// How every tested version fared.
    pub version_results: Vec<VersionResult>,
    pub suites: Vec<SuiteObs>,
    /// The certificate chain from a TLS <= 1.2 Certificate message (DER), leaf first.
    #[serde(skip)]
    pub certificate_chain_der: Option<Vec<Vec<u8>>>,
    /// SHA-256 of each certificate in `certificate_chain_der`, hex.
    pub certificate_chain_sha256: Vec<String>,
    /// Connections that sent a hello.
    pub connections: u32,
    pub ms: u64,
    /// Every hello got a close or reset, with no ServerHello and no alert.
    pub aborted_every_hello: bool,
    /// No ServerHello and no alert anywhere, and at least one connection stayed open without a
    /// complete answer until its deadline.
    pub stalled_after_hello: bool,
    /// Bytes received on the stalled connections before their deadline (max over connections).
    pub stalled_bytes: usize,
    pub violations: Vec<Violation>,
}

impl TlsScan {
    /// Accepted version codes.
    pub fn accepted_versions(&self) -> Vec<u16> {
        self.versions.iter().filter_map(|v| tls_suites::version_code(v)).collect()
    }

    /// Accepted suites per version, in the server's order of preference.
    pub fn suites_by_version(&self) -> BTreeMap<u16, Vec<u16>> {
        let mut m: BTreeMap<u16, Vec<(u32, u16)>> = BTreeMap::new();
        for s in &self.suites {
            m.entry(s.version_code).or_default().push((s.rank, s.id_code));
        }
        m.into_iter()
            .map(|(v, mut l)| {
                l.sort_unstable();
                (v, l.into_iter().map(|(_, id)| id).collect())
            })
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// Async driver
// ---------------------------------------------------------------------------------------------

/// How to scan.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Nothing is waited for past this instant.
    pub deadline: Instant,
    /// Longest wait for one reply (bounded by `deadline`).
    pub reply_timeout: Duration,
    /// Delay between connection starts to the server.
    pub pace: Duration,
    /// Versions to test (default SSL 3.0 .. TLS 1.3).
    pub versions: Vec<u16>,
    /// Host name for SNI.
    pub server_name: Option<String>,
    /// Most suites per hello.
    pub chunk_size: usize,
    /// Hard cap on connections.
    pub max_connections: u32,
    /// Offer the accepted suites reversed once to see whether the server follows the client order.
    pub detect_client_preference: bool,
    /// Enumeration chains per version run at once (1: one chain, the server's full order; more: the
    /// suites dealt into that many chains, see `scan_version_parallel`).
    pub parallel_chains: usize,
    /// The per-server connection limiter to share with the rest of the run; without one, the scan
    /// makes its own ([`super::limiter::DEFAULT_MAX_PARALLEL`] at once, `pace` apart).
    pub limiter: Option<super::Limiter>,
}

impl ScanOptions {
    pub fn new(deadline: Instant) -> Self {
        Self {
            deadline,
            reply_timeout: Duration::from_secs(5),
            pace: Duration::from_millis(100),
            versions: tls_suites::VERSIONS.iter().map(|v| v.code).collect(),
            server_name: None,
            chunk_size: 128,
            max_connections: 300,
            detect_client_preference: true,
            parallel_chains: 1,
            limiter: None,
        }
    }
}

/// 32 fresh random bytes for the hello (not secret: the handshake is never finished).
pub fn fresh_random() -> [u8; 32] {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = Sha256::new();
    let mut sip = std::collections::hash_map::RandomState::new().build_hasher();
    sip.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.update(sip.finish().to_le_bytes());
    h.update(format!("{:?}{:?}", std::time::SystemTime::now(), std::thread::current().id()).as_bytes());
    h.update(COUNTER.load(Ordering::Relaxed).to_le_bytes());
    let d = h.finalize();
    let mut out = [0u8; 32];
    out.copy_from_slice(&d);
    out
}

fn hex(bytes: &[u8]) -> String {
    super::hex_prefix(bytes, usize::MAX)
}

/// Sends one hello on `stream` and reads the reply until it is complete, the peer closes, or the
/// deadline passes. Returns the outcome and, for a ServerHello, the parsed hello.
pub async fn exchange_hello(
    stream: &mut TcpStream,
    hello: &[u8],
    deadline: Instant,
) -> (ConnOutcome, Option<ServerHello>) {
    match tokio::time::timeout_at(deadline, stream.write_all(hello)).await {
        Err(_) => return (ConnOutcome::Timeout { bytes: 0 }, None),
        Ok(Err(e)) if e.kind() == io::ErrorKind::ConnectionReset || e.kind() == io::ErrorKind::BrokenPipe => {
            return (ConnOutcome::Reset { bytes: 0 }, None);
        }
        Ok(Err(e)) => {
            return (ConnOutcome::Malformed { reason: format!("write failed: {e}") }, None);
        }
        Ok(Ok(())) => {}
    }
    let mut parser = ReplyParser::new();
    let mut buf = vec![0u8; 8192];
    let end = loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Err(_) => {
                break parser.on_eof().ok_or(ConnOutcome::Timeout { bytes: parser.bytes_received() });
            }
            Ok(Ok(0)) => {
                break parser.on_eof().ok_or(ConnOutcome::Closed { bytes: parser.bytes_received() });
            }
            Ok(Ok(n)) => {
                if let Progress::Done(r) = parser.feed(&buf[..n]) {
                    break Ok(r);
                }
            }
            Ok(Err(e)) => {
                let bytes = parser.bytes_received();
                break parser.on_eof().ok_or(if e.kind() == io::ErrorKind::ConnectionReset {
                    ConnOutcome::Reset { bytes }
                } else {
                    ConnOutcome::Malformed { reason: format!("read failed: {e}") }
                });
            }
        }
    };
    match end {
        Err(o) => (o, None),
        Ok(Reply::ServerHello(h)) => (
            ConnOutcome::ServerHello { version: h.version, suite: h.suite, hello_retry_request: h.hello_retry_request },
            Some(h),
        ),
        Ok(Reply::Alert { level, description }) => (ConnOutcome::Alert { level, description }, None),
        Ok(Reply::NotTls { first_bytes }) => (ConnOutcome::NotTls { first_bytes: hex(&first_bytes) }, None),
        Ok(Reply::Malformed { reason }) => (ConnOutcome::Malformed { reason }, None),
    }
}

struct Shared<'a, F> {
    open: &'a F,
    opts: &'a ScanOptions,
    limiter: super::Limiter,
    budget: AtomicU32,
    log: Mutex<Vec<ConnOutcome>>,
    chain: Mutex<Option<(u16, Vec<Vec<u8>>)>>,
}

async fn one_connection<F, Fut>(sh: &Shared<'_, F>, spec: &HelloSpec) -> ConnOutcome
where
    F: Fn() -> Fut,
    Fut: Future<Output = io::Result<TcpStream>>,
{
    if sh.budget.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |b| b.checked_sub(1)).is_err() {
        return ConnOutcome::Skipped;
    }
    let Some(permit) = sh.limiter.acquire(super::Priority::Thorough, sh.opts.deadline).await else {
        return ConnOutcome::Skipped;
    };
    let now = Instant::now();
    let conn_deadline = sh.opts.deadline.min(now + sh.opts.reply_timeout);
    if now >= sh.opts.deadline {
        return ConnOutcome::Skipped;
    }
    let mut stream = match tokio::time::timeout_at(conn_deadline, (sh.open)()).await {
        Err(_) => {
            return ConnOutcome::ConnectFailed { error: "connect/negotiation timed out".into() };
        }
        Ok(Err(e)) => {
            permit.refused();
            return ConnOutcome::ConnectFailed { error: e.to_string() };
        }
        Ok(Ok(s)) => s,
    };
    let hello = encode_client_hello(spec, &fresh_random());
    let reply_deadline = sh.opts.deadline.min(Instant::now() + sh.opts.reply_timeout);
    let (outcome, hello_reply) = exchange_hello(&mut stream, &hello, reply_deadline).await;
    drop(stream);
    drop(permit);
    if let Some(h) = hello_reply
        && let Some(chain) = h.certificate_chain
        && !chain.is_empty()
    {
        let mut c = sh.chain.lock().unwrap_or_else(|e| e.into_inner());
        // Prefer the chain from the highest version that sent one.
        if c.as_ref().is_none_or(|(v, _)| h.version > *v) {
            *c = Some((h.version, chain));
        }
    }
    sh.log.lock().unwrap_or_else(|e| e.into_inner()).push(outcome.clone());
    outcome
}

async fn scan_version<F, Fut>(sh: &Shared<'_, F>, version: u16) -> VersionEnumResult
where
    F: Fn() -> Fut,
    Fut: Future<Output = io::Result<TcpStream>>,
{
    if sh.opts.parallel_chains > 1 {
        return scan_version_parallel(sh, version).await;
    }
    chain(sh, version, suites_for_version(version), sh.opts.chunk_size, sh.opts.detect_client_preference).await
}

/// One enumeration chain: offer, remove what was chosen, repeat (see [`VersionEnumerator`]).
async fn chain<F, Fut>(
    sh: &Shared<'_, F>,
    version: u16,
    suites: Vec<u16>,
    chunk_size: usize,
    detect_client_preference: bool,
) -> VersionEnumResult
where
    F: Fn() -> Fut,
    Fut: Future<Output = io::Result<TcpStream>>,
{
    let mut en = VersionEnumerator::new(version, suites, chunk_size, detect_client_preference);
    while let Some(offer) = en.next_offer() {
        let spec = HelloSpec { version, suites: offer.clone(), server_name: sh.opts.server_name.clone() };
        let outcome = one_connection(sh, &spec).await;
        en.record(&offer, &outcome);
    }
    en.result()
}

/// The version's suites dealt round-robin into `parallel_chains` chains that run at once (so the
/// accepted suites, which sit at the front of [`suites_for_version`], spread over every chain); then
/// two hellos offering everything accepted, in the order found and reversed: the server's favourite
/// goes first, and whether it follows the client's order is known. The order beyond the favourite is
/// each chain's own (the server's order within the suites that chain offered).
async fn scan_version_parallel<F, Fut>(sh: &Shared<'_, F>, version: u16) -> VersionEnumResult
where
    F: Fn() -> Fut,
    Fut: Future<Output = io::Result<TcpStream>>,
{
    let all = suites_for_version(version);
    let k = sh.opts.parallel_chains.max(1);
    let mut dealt: Vec<Vec<u16>> = vec![Vec::new(); k];
    for (i, id) in all.iter().enumerate() {
        if let Some(d) = dealt.get_mut(i % k) {
            d.push(*id);
        }
    }
    dealt.retain(|d| !d.is_empty());
    let results = join_all(
        dealt
            .into_iter()
            .map(|d| {
                let n = d.len();
                chain(sh, version, d, n, false)
            })
            .collect(),
    )
    .await;
    let mut merged = VersionEnumResult {
        version,
        outcome: VersionOutcome::NotTested,
        suites: Vec::new(),
        server_preference: None,
        violations: Vec::new(),
        connections: 0,
    };
    for r in &results {
        for s in &r.suites {
            if !merged.suites.contains(s) {
                merged.suites.push(*s);
            }
        }
        merged.violations.extend(r.violations.iter().cloned());
        merged.connections += r.connections;
    }
    merged.outcome = if merged.suites.is_empty() {
        // A downgrade on any chain says the version itself is refused; otherwise the first chain's answer.
        results
            .iter()
            .find(|r| matches!(r.outcome, VersionOutcome::DowngradedTo { .. }))
            .or(results.first())
            .map_or(VersionOutcome::NotTested, |r| r.outcome.clone())
    } else {
        VersionOutcome::Accepted
    };
    if merged.suites.len() >= 2 {
        let favourite = |offer: Vec<u16>| async move {
            let spec = HelloSpec { version, suites: offer, server_name: sh.opts.server_name.clone() };
            match one_connection(sh, &spec).await {
                ConnOutcome::ServerHello { version: v, suite, .. } if v == version => Some(suite),
                _ => None,
            }
        };
        let reversed: Vec<u16> = merged.suites.iter().rev().copied().collect();
        let (first, first_reversed) = tokio::join!(favourite(merged.suites.clone()), favourite(reversed.clone()));
        merged.connections += 2;
        if let Some(f) = first {
            merged.suites.retain(|s| *s != f);
            merged.suites.insert(0, f);
        }
        merged.server_preference = match (first, first_reversed) {
            // The same favourite whatever the client's order: the server imposes its own.
            (Some(a), Some(b)) => Some(a == b),
            _ => None,
        };
    }
    merged
}

/// Polls all futures to completion, concurrently, in the calling task.
async fn join_all<T, Fu: Future<Output = T>>(futs: Vec<Fu>) -> Vec<T> {
    let mut futs: Vec<Pin<Box<Fu>>> = futs.into_iter().map(Box::pin).collect();
    let mut out: Vec<Option<T>> = futs.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (f, slot) in futs.iter_mut().zip(out.iter_mut()) {
            if slot.is_none() {
                match f.as_mut().poll(cx) {
                    Poll::Ready(v) => *slot = Some(v),
                    Poll::Pending => pending = true,
                }
            }
        }
        if pending { Poll::Pending } else { Poll::Ready(()) }
    })
    .await;
    out.into_iter().flatten().collect()
}

/// Enumerates versions and suites. `open` gives a fresh stream already past X.224 negotiation;
/// versions are scanned concurrently, connection starts are paced by `opts.pace`.
pub async fn scan<F, Fut>(open: F, opts: &ScanOptions) -> TlsScan
where
    F: Fn() -> Fut,
    Fut: Future<Output = io::Result<TcpStream>>,
{
    let started = Instant::now();
    let sh = Shared {
        open: &open,
        opts,
        limiter: opts
            .limiter
            .clone()
            .unwrap_or_else(|| super::Limiter::new(super::limiter::DEFAULT_MAX_PARALLEL, opts.pace)),
        budget: AtomicU32::new(opts.max_connections),
        log: Mutex::new(Vec::new()),
        chain: Mutex::new(None),
    };
    let mut versions = opts.versions.clone();
    versions.sort_unstable();
    versions.dedup();
    let results = join_all(versions.iter().map(|v| scan_version(&sh, *v)).collect()).await;

    let mut scan = TlsScan::default();
    for r in &results {
        let vname = tls_suites::version_name(r.version).map_or_else(|| format!("0x{:04X}", r.version), str::to_string);
        if r.outcome == VersionOutcome::Accepted {
            scan.versions.push(vname.clone());
        }
        for (i, id) in r.suites.iter().enumerate() {
            scan.suites.push(SuiteObs {
                version: vname.clone(),
                id: tls_suites::hex_id(*id),
                name: tls_suites::suite_name(*id).to_string(),
                preferred: i == 0,
                rank: i as u32 + 1,
                version_code: r.version,
                id_code: *id,
            });
        }
        scan.version_results.push(VersionResult {
            version: vname,
            outcome: r.outcome.clone(),
            server_preference: r.server_preference,
            connections: r.connections,
        });
        scan.violations.extend(r.violations.iter().cloned());
    }
    let log = sh.log.into_inner().unwrap_or_else(|e| e.into_inner());
    summarise_outcomes(&mut scan, &log.iter().collect::<Vec<_>>());
    if let Some((_, chain)) = sh.chain.into_inner().unwrap_or_else(|e| e.into_inner()) {
        scan.certificate_chain_sha256 = chain.iter().map(|c| hex(&Sha256::digest(c))).collect();
        scan.certificate_chain_der = Some(chain);
    }
    scan.ms = started.elapsed().as_millis() as u64;
    scan
}

/// What every hello together says: how many were sent, whether every one was cut with no answer,
/// whether they stalled.
pub fn summarise_outcomes(scan: &mut TlsScan, outcomes: &[&ConnOutcome]) {
    let sent: Vec<&ConnOutcome> = outcomes.iter().copied().filter(|o| o.hello_sent()).collect();
    scan.connections = sent.len() as u32;
    let answered = sent.iter().any(|o| matches!(o, ConnOutcome::ServerHello { .. } | ConnOutcome::Alert { .. }));
    scan.aborted_every_hello =
        !sent.is_empty() && sent.iter().all(|o| matches!(o, ConnOutcome::Closed { .. } | ConnOutcome::Reset { .. }));
    let stalls: Vec<usize> =
        sent.iter().filter_map(|o| if let ConnOutcome::Timeout { bytes } = o { Some(*bytes) } else { None }).collect();
    scan.stalled_after_hello = !answered && !stalls.is_empty();
    scan.stalled_bytes = if scan.stalled_after_hello { stalls.iter().copied().max().unwrap_or(0) } else { 0 };
}

/// Opens a TCP connection whose MSS is clamped to `mss` (TCP_MAXSEG set before connect), so every
/// segment the peer sends is small.
pub async fn connect_small_mss(addr: SocketAddr, mss: u32, deadline: Instant) -> io::Result<TcpStream> {
    let sock =
        socket2::Socket::new(socket2::Domain::for_address(addr), socket2::Type::STREAM, Some(socket2::Protocol::TCP))?;
    clamp_mss(&sock, mss)?;
    sock.set_nonblocking(true)?;
    let std_stream: std::net::TcpStream = sock.into();
    let socket = tokio::net::TcpSocket::from_std_stream(std_stream);
    tokio::time::timeout_at(deadline, socket.connect(addr))
        .await
        .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "connect timed out"))?
}

/// TCP_MAXSEG can be set per socket on Unix only; Windows reads it (getsockopt) but never sets it.
#[cfg(unix)]
fn clamp_mss(sock: &socket2::Socket, mss: u32) -> io::Result<()> {
    sock.set_tcp_mss(mss)
}
#[cfg(not(unix))]
fn clamp_mss(_sock: &socket2::Socket, mss: u32) -> io::Result<()> {
    Err(io::Error::new(io::ErrorKind::Unsupported, format!("{MSS_CLAMP_UNAVAILABLE} (MSS {mss})")))
}

/// Why [`connect_small_mss`] fails where a socket's MSS cannot be clamped.
pub const MSS_CLAMP_UNAVAILABLE: &str = "clamping a socket's MSS (TCP_MAXSEG) is not available on this platform";

/// Result of [`retry_small_mss`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SmallMssRetry {
    pub mss: u32,
    /// This platform cannot clamp a socket's MSS (Windows): the retry was not made.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub unavailable: bool,
    /// A ServerHello arrived on the small-MSS connection.
    pub server_hello: bool,
    pub outcome: ConnOutcome,
    pub ms: u64,
}

/// Retries one hello on a connection with a small MSS (e.g. 536). `negotiate` takes the fresh TCP
/// stream through X.224 (or returns it unchanged for bare TLS). If the ServerHello arrives here but
/// not on a normal connection, large packets are being dropped on the path.
pub async fn retry_small_mss<N, NFut>(
    addr: SocketAddr,
    mss: u32,
    negotiate: N,
    spec: &HelloSpec,
    deadline: Instant,
) -> SmallMssRetry
where
    N: FnOnce(TcpStream) -> NFut,
    NFut: Future<Output = io::Result<TcpStream>>,
{
    let started = Instant::now();
    let outcome = async {
        let tcp = connect_small_mss(addr, mss, deadline).await?;
        tokio::time::timeout_at(deadline, negotiate(tcp))
            .await
            .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "negotiation timed out"))?
    }
    .await;
    let outcome = match outcome {
        Err(e) => ConnOutcome::ConnectFailed { error: e.to_string() },
        Ok(mut s) => exchange_hello(&mut s, &encode_client_hello(spec, &fresh_random()), deadline).await.0,
    };
    SmallMssRetry {
        mss,
        unavailable: !cfg!(unix),
        server_hello: matches!(outcome, ConnOutcome::ServerHello { .. }),
        outcome,
        ms: started.elapsed().as_millis() as u64,
    }
}

#[cfg(test)]
mod tests;
