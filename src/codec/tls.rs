//! TLS on the wire, sans I/O ([RFC 5246] 7.4.1.2, [RFC 8446] 4.1.2): ClientHellos with chosen versions
//! and suites, and a parser for the first server flight (ServerHello, Certificate for TLS <= 1.2, an
//! alert, or a close). Written by hand, with no TLS library, so that it can offer and recognise the
//! legacy suites no modern library speaks. The probe's scanner (`probe::tls_scan`) and the lab's raw
//! TLS server (`lab::tls_raw`) both use it.

use sha2::{Digest, Sha256};

use crate::knowledge::tls_suites::{
    self, GROUPS, SIGNATURE_SCHEMES, SSL30, TLS_EMPTY_RENEGOTIATION_INFO_SCSV, TLS10, TLS12, TLS13,
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
    let [_, rest @ ..] = super::len_u32(v.min(0xFF_FFFF)).to_be_bytes();
    out.extend_from_slice(&rest);
}

fn ext(out: &mut Vec<u8>, ty: u16, body: &[u8]) {
    put_u16(out, ty);
    put_u16(out, super::len_u16(body.len()));
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
    put_u16(&mut body, super::len_u16(suites.len() * 2));
    for s in &suites {
        put_u16(&mut body, *s);
    }
    body.extend_from_slice(&[1, 0]); // compression_methods: null

    if !ssl3 {
        let mut exts = Vec::with_capacity(256);
        if let Some(name) = spec.server_name.as_deref().and_then(sni_name) {
            // [RFC 6066] 3: ServerNameList { NameType host_name(0), HostName }.
            let mut b = Vec::new();
            put_u16(&mut b, super::len_u16(name.len() + 3));
            b.push(0);
            put_u16(&mut b, super::len_u16(name.len()));
            b.extend_from_slice(name.as_bytes());
            ext(&mut exts, EXT_SERVER_NAME, &b);
        }
        let groups: Vec<u16> =
            GROUPS.iter().map(|g| g.id).filter(|id| tls13 || !tls_suites::group_is_ffdhe(*id)).collect();
        let mut b = Vec::new();
        put_u16(&mut b, super::len_u16(groups.len() * 2));
        for g in &groups {
            put_u16(&mut b, *g);
        }
        ext(&mut exts, EXT_SUPPORTED_GROUPS, &b);
        if !only13 {
            ext(&mut exts, EXT_EC_POINT_FORMATS, &[1, 0]); // [RFC 8422] 5.1.2: uncompressed
        }
        if max >= TLS12 {
            let mut b = Vec::new();
            put_u16(&mut b, super::len_u16(SIGNATURE_SCHEMES.len() * 2));
            for s in SIGNATURE_SCHEMES {
                put_u16(&mut b, s.id);
            }
            ext(&mut exts, EXT_SIGNATURE_ALGORITHMS, &b);
        }
        if tls13 {
            // [RFC 8446] 4.2.1: a list of versions, highest first; TLS 1.0 and up only.
            let listed: Vec<u16> = [TLS13, TLS12, tls_suites::TLS11, TLS10].into_iter().filter(|v| *v >= min).collect();
            let mut b = vec![super::len_u8(listed.len() * 2)];
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
        put_u16(&mut body, super::len_u16(exts.len()));
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
    put_u16(&mut rec, super::len_u16(hs.len()));
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

pub(crate) fn u16_at(b: &[u8], i: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(i)?, *b.get(i + 1)?]))
}

pub(crate) fn u24_at(b: &[u8], i: usize) -> Option<usize> {
    Some(((*b.get(i)? as usize) << 16) | ((*b.get(i + 1)? as usize) << 8) | *b.get(i + 2)? as usize)
}

/// An SSL 2.0 SERVER-HELLO (draft-hickman-netscape-ssl-00, RFC 6176 prohibits it): a two-byte record
/// header with the high bit set, then message type 4, then version 0x0002 at offset 5.
fn is_sslv2_server_hello(b: &[u8]) -> bool {
    matches!(b, [first, _, 4, _, _, 0x00, 0x02, ..] if first & 0x80 != 0)
}

/// Why a ServerHello body cannot be read ([RFC 5246] 7.4.1.3, [RFC 8446] 4.1.3). The text reaches
/// the scanner's `malformed` reason, so it stays as it was when these were strings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HelloError {
    #[error("ServerHello too short")]
    TooShort,
    #[error("ServerHello too short for random")]
    NoRandom,
    #[error("ServerHello too short for session id")]
    NoSessionId,
    #[error("session id length {0} > 32")]
    SessionIdLength(usize),
    #[error("ServerHello too short for cipher suite")]
    NoCipherSuite,
    #[error("ServerHello too short for compression")]
    NoCompression,
    #[error("truncated extensions length")]
    ExtensionsLength,
    #[error("extensions overrun the message")]
    ExtensionsOverrun,
    #[error("truncated extension header")]
    ExtensionHeader,
    #[error("extension overruns")]
    ExtensionOverrun,
    #[error("empty supported_versions")]
    EmptySupportedVersions,
}

/// Why a Certificate body cannot be read ([RFC 5246] 7.4.2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertificateError {
    #[error("Certificate too short")]
    TooShort,
    #[error("certificate_list overruns the message")]
    ListOverrun,
    #[error("truncated certificate length")]
    Length,
    #[error("certificate overruns the list")]
    Overrun,
    #[error("more than 16 certificates")]
    TooMany,
}

/// Parses a ServerHello body ([RFC 5246] 7.4.1.3, [RFC 8446] 4.1.3).
pub fn parse_server_hello(b: &[u8]) -> Result<ServerHello, HelloError> {
    let legacy_version = u16_at(b, 0).ok_or(HelloError::TooShort)?;
    let random = b.get(2..34).ok_or(HelloError::NoRandom)?;
    let sid_len = *b.get(34).ok_or(HelloError::NoSessionId)? as usize;
    if sid_len > 32 {
        return Err(HelloError::SessionIdLength(sid_len));
    }
    let mut i = 35 + sid_len;
    let suite = u16_at(b, i).ok_or(HelloError::NoCipherSuite)?;
    let compression = *b.get(i + 2).ok_or(HelloError::NoCompression)?;
    i += 3;
    let mut extensions = Vec::new();
    let mut selected = None;
    if i < b.len() {
        let ext_len = u16_at(b, i).ok_or(HelloError::ExtensionsLength)? as usize;
        i += 2;
        let end = i.checked_add(ext_len).filter(|e| *e <= b.len()).ok_or(HelloError::ExtensionsOverrun)?;
        while i < end {
            let ty = u16_at(b, i).filter(|_| i + 4 <= end).ok_or(HelloError::ExtensionHeader)?;
            let len = u16_at(b, i + 2).ok_or(HelloError::ExtensionHeader)? as usize;
            let data = b.get(i + 4..i + 4 + len).filter(|_| i + 4 + len <= end).ok_or(HelloError::ExtensionOverrun)?;
            if ty == EXT_SUPPORTED_VERSIONS {
                selected = Some(u16_at(data, 0).ok_or(HelloError::EmptySupportedVersions)?);
            }
            extensions.push(ty);
            i += 4 + len;
        }
    }
    let hrr = random == HRR_RANDOM;
    let downgrade_sentinel = match random.get(24..).unwrap_or_default() {
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
pub fn parse_certificate_chain(b: &[u8]) -> Result<Vec<Vec<u8>>, CertificateError> {
    let total = u24_at(b, 0).ok_or(CertificateError::TooShort)?;
    let list = b.get(3..3 + total).ok_or(CertificateError::ListOverrun)?;
    let mut out = Vec::new();
    let mut i = 0;
    while i < list.len() {
        let len = u24_at(list, i).ok_or(CertificateError::Length)?;
        let der = list.get(i + 3..i + 3 + len).ok_or(CertificateError::Overrun)?;
        if out.len() >= 16 {
            return Err(CertificateError::TooMany);
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
        self.rec.extend_from_slice(bytes.get(..take).unwrap_or_default());
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
            let Some(&ct) = self.rec.first() else {
                return Progress::NeedMore;
            };
            // Recognise a non-TLS answer from the first byte(s).
            if !matches!(ct, CT_CHANGE_CIPHER_SPEC | CT_ALERT | CT_HANDSHAKE | CT_APPLICATION_DATA) {
                return self.not_tls();
            }
            let [_, major, _, hi, lo, ..] = self.rec[..] else {
                if self.rec.get(1).is_some_and(|&m| m != 3) {
                    return self.not_tls();
                }
                return Progress::NeedMore;
            };
            let len = usize::from(u16::from_be_bytes([hi, lo]));
            if major != 3 {
                return self.not_tls();
            }
            if len > MAX_RECORD {
                return self.finish(Reply::Malformed { reason: format!("record length {len} > {MAX_RECORD}") });
            }
            let Some(frag) = self.rec.get(5..5 + len) else {
                return Progress::NeedMore;
            };
            let frag: Vec<u8> = frag.to_vec();
            self.rec.drain(..5 + len);
            self.records += 1;
            match ct {
                CT_ALERT => {
                    if self.hello.is_some() {
                        return self.finish_hello();
                    }
                    let [level, description, ..] = frag[..] else {
                        return self.finish(Reply::Malformed { reason: format!("alert of {} bytes", frag.len()) });
                    };
                    if level == 1 {
                        // A warning ends nothing; endless warnings instead of a ServerHello are no answer.
                        self.warnings += 1;
                        self.last_warning = Some(description);
                        if self.warnings >= MAX_WARNING_ALERTS {
                            return self.finish(Reply::Malformed {
                                reason: format!(
                                    "{} warning alerts (last: {}) and no ServerHello",
                                    self.warnings, description
                                ),
                            });
                        }
                        continue;
                    }
                    return self.finish(Reply::Alert { level, description });
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
        if self.records == 0 && self.rec.first().is_some_and(|b| b & 0x80 != 0) && self.rec.len() < 7 {
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
            let (Some(&ty), true) = (self.hs.first(), self.hs.len() >= 4) else {
                return Progress::NeedMore;
            };
            let len = u24_at(&self.hs, 1).unwrap_or(usize::MAX);
            if len > MAX_REPLY {
                return if self.hello.is_some() {
                    self.finish_hello()
                } else {
                    self.finish(Reply::Malformed { reason: format!("handshake message of {len} bytes") })
                };
            }
            let Some(msg) = self.hs.get(4..4 + len) else {
                return Progress::NeedMore;
            };
            let msg: Vec<u8> = msg.to_vec();
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
                        Err(e) => return self.finish(Reply::Malformed { reason: e.to_string() }),
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

/// 32 fresh random bytes for a hello's random (not secret: these handshakes are never finished), from
/// the system's secure random source through the crypto provider rustls already uses.
pub fn fresh_random() -> [u8; 32] {
    let mut out = [0u8; 32];
    // Fails only where the OS has no random source at all; a hello's random then stays zero, which
    // every server still answers.
    let _ = rustls::crypto::ring::default_provider().secure_random.fill(&mut out);
    out
}
