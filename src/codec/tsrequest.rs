//! TSRequest, [MS-CSSP] 2.2.1, in ASN.1 DER:
//!
//! ```text
//! TSRequest ::= SEQUENCE {
//!     version    [0] INTEGER,
//!     negoTokens [1] NegoData  OPTIONAL,   -- SEQUENCE OF SEQUENCE { negoToken [0] OCTET STRING }
//!     authInfo   [2] OCTET STRING OPTIONAL,
//!     pubKeyAuth [3] OCTET STRING OPTIONAL,
//!     errorCode  [4] INTEGER   OPTIONAL,   -- version 3 and later
//!     clientNonce [5] OCTET STRING OPTIONAL -- version 5 and later
//! }
//! ```
//!
//! Pure and bounded: `frame_status` says how much of a TSRequest is buffered, `decode` reads one
//! without panicking on any bytes, `encode` writes one (the probe's requests and the lab's answers).

/// The largest TSRequest read. NTLM exchanges are a few hundred bytes; Kerberos tickets a few KiB.
pub const MAX_TSREQUEST: usize = 64 * 1024;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TsRequest {
    pub version: u32,
    pub nego_tokens: Vec<Vec<u8>>,
    pub auth_info: Option<Vec<u8>>,
    pub pub_key_auth: Option<Vec<u8>>,
    /// NTSTATUS, as its 32 bits.
    pub error_code: Option<u32>,
    pub client_nonce: Option<Vec<u8>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frame {
    NeedMore,
    /// A whole TSRequest of this many bytes is buffered.
    Complete(usize),
    /// Not a DER SEQUENCE, or a length we will not read.
    Bad,
}

/// DER definite length at `b[at..]`: (length, bytes used). `None` when more bytes are needed;
/// `Some(Err)` for a length form DER does not allow or that exceeds our cap.
fn der_len(b: &[u8], at: usize) -> Option<Result<(usize, usize), ()>> {
    let first = *b.get(at)?;
    if first < 0x80 {
        return Some(Ok((first as usize, 1)));
    }
    let n = (first & 0x7F) as usize;
    if n == 0 || n > 3 {
        return Some(Err(())); // indefinite, or more than 16 MiB
    }
    let mut len = 0usize;
    for i in 0..n {
        len = (len << 8) | *b.get(at + 1 + i)? as usize;
    }
    Some(Ok((len, 1 + n)))
}

pub fn frame_status(buf: &[u8]) -> Frame {
    match buf.first() {
        None => return Frame::NeedMore,
        Some(0x30) => {}
        Some(_) => return Frame::Bad,
    }
    match der_len(buf, 1) {
        None => Frame::NeedMore,
        Some(Err(())) => Frame::Bad,
        Some(Ok((len, used))) => {
            let total = 1 + used + len;
            if total > MAX_TSREQUEST {
                Frame::Bad
            } else if buf.len() >= total {
                Frame::Complete(total)
            } else {
                Frame::NeedMore
            }
        }
    }
}

/// Why bytes are not a readable TSRequest ([MS-CSSP] 2.2.1, DER per X.690). The texts reach the
/// CredSSP observation's `detail`, so they stay as they were when these were strings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TsRequestError {
    #[error("{0} bytes is more than a TSRequest")]
    TooLong(usize),
    #[error("truncated: no tag")]
    NoTag,
    #[error("truncated length")]
    TruncatedLength,
    #[error("unsupported length form after tag 0x{tag:02X}")]
    LengthForm { tag: u8 },
    #[error("tag 0x{tag:02X} length {len} overruns the data")]
    Overrun { tag: u8, len: usize },
    #[error("{what}: tag 0x{found:02X} where 0x{expected:02X} belongs")]
    WrongTag { what: &'static str, found: u8, expected: u8 },
    #[error("tag 0x{tag:02X} where the TSRequest SEQUENCE belongs")]
    NotASequence { tag: u8 },
    #[error("negoTokens item: tag 0x{tag:02X}")]
    NegoTokenItem { tag: u8 },
    #[error("INTEGER of {0} bytes")]
    IntegerSize(usize),
    #[error("version INTEGER of {0} bytes")]
    VersionSize(usize),
    #[error("TSRequest version {0} is no CredSSP version ([MS-CSSP] 2.2.1 defines 2 to 6)")]
    NotAVersion(i64),
    #[error("unknown TSRequest field tag 0x{tag:02X}")]
    UnknownField { tag: u8 },
    #[error("TSRequest without a version")]
    NoVersion,
}

/// One TLV: (tag, value, total bytes used).
fn tlv(b: &[u8]) -> Result<(u8, &[u8], usize), TsRequestError> {
    let tag = *b.first().ok_or(TsRequestError::NoTag)?;
    let (len, used) = match der_len(b, 1) {
        None => return Err(TsRequestError::TruncatedLength),
        Some(Err(())) => return Err(TsRequestError::LengthForm { tag }),
        Some(Ok(v)) => v,
    };
    let start = 1 + used;
    let value = b.get(start..start + len).ok_or(TsRequestError::Overrun { tag, len })?;
    Ok((tag, value, start + len))
}

fn expect(b: &[u8], tag: u8, what: &'static str) -> Result<Vec<u8>, TsRequestError> {
    let (t, v, _) = tlv(b)?;
    if t != tag {
        return Err(TsRequestError::WrongTag { what, found: t, expected: tag });
    }
    Ok(v.to_vec())
}

/// A DER INTEGER's value as the 32 bits it carries (NTSTATUS values arrive both as negative
/// four-byte and positive five-byte integers).
fn integer(v: &[u8]) -> Result<u32, TsRequestError> {
    let Some(&first) = v.first().filter(|_| v.len() <= 5) else { return Err(TsRequestError::IntegerSize(v.len())) };
    if v.len() == 5 && first != 0 && first != 0xFF {
        return Err(TsRequestError::IntegerSize(v.len()));
    }
    let mut x: i64 = if first & 0x80 != 0 { -1 } else { 0 };
    for &b in v {
        x = (x << 8) | i64::from(b);
    }
    // The low 32 bits are the value (an NTSTATUS is kept as its bits, whatever the sign).
    u32::try_from(x & 0xFFFF_FFFF).map_err(|_| TsRequestError::IntegerSize(v.len()))
}

/// TSRequest.version read as the signed INTEGER it is (X.690 8.3): -1 is -1, not 0xFFFFFFFF. [MS-CSSP]
/// 2.2.1 defines versions 2 to 6; a negative version, or one beyond 32 signed bits, is no version a
/// CredSSP implementation sends, and the TSRequest is malformed.
fn version(v: &[u8]) -> Result<u32, TsRequestError> {
    let Some(&first) = v.first().filter(|_| v.len() <= 8) else { return Err(TsRequestError::VersionSize(v.len())) };
    let mut x: i64 = if first & 0x80 != 0 { -1 } else { 0 };
    for &b in v {
        x = (x << 8) | i64::from(b);
    }
    u32::try_from(x).ok().filter(|&n| n >= 1 && i32::try_from(n).is_ok()).ok_or(TsRequestError::NotAVersion(x))
}

/// A DER definite length (X.690 8.1.3): short form below 0x80, else 0x80 | the count of big-endian
/// length bytes, then those bytes.
fn encode_len(out: &mut Vec<u8>, len: usize) {
    match u8::try_from(len) {
        Ok(short) if short < 0x80 => out.push(short),
        _ => {
            let be = len.to_be_bytes();
            let digits = be.iter().position(|&b| b != 0).and_then(|i| be.get(i..)).unwrap_or_default();
            out.push(0x80 | u8::try_from(digits.len()).unwrap_or(0));
            out.extend_from_slice(digits);
        }
    }
}

fn wrap(tag: u8, value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len() + 5);
    out.push(tag);
    encode_len(&mut out, value.len());
    out.extend_from_slice(value);
    out
}

/// Minimal two's-complement INTEGER content for a value kept as its 32 bits, written non-negative
/// (as Windows writes NTSTATUS codes, e.g. 02 05 00 C0 00 00 6D).
fn integer_bytes(v: u32) -> Vec<u8> {
    let mut b: Vec<u8> = v.to_be_bytes().to_vec();
    while b.len() > 1 && b.first() == Some(&0) && b.get(1).is_some_and(|x| x & 0x80 == 0) {
        b.remove(0);
    }
    if b.first().is_some_and(|x| x & 0x80 != 0) {
        b.insert(0, 0);
    }
    b
}

pub fn encode(r: &TsRequest) -> Vec<u8> {
    let mut body = wrap(0xA0, &wrap(0x02, &integer_bytes(r.version)));
    if !r.nego_tokens.is_empty() {
        let items: Vec<u8> = r.nego_tokens.iter().flat_map(|t| wrap(0x30, &wrap(0xA0, &wrap(0x04, t)))).collect();
        body.extend(wrap(0xA1, &wrap(0x30, &items)));
    }
    for (tag, v) in [(0xA2, &r.auth_info), (0xA3, &r.pub_key_auth)] {
        if let Some(v) = v {
            body.extend(wrap(tag, &wrap(0x04, v)));
        }
    }
    if let Some(code) = r.error_code {
        body.extend(wrap(0xA4, &wrap(0x02, &integer_bytes(code))));
    }
    if let Some(n) = &r.client_nonce {
        body.extend(wrap(0xA5, &wrap(0x04, n)));
    }
    wrap(0x30, &body)
}

/// Decode one TSRequest (the whole frame `frame_status` found).
pub fn decode(b: &[u8]) -> Result<TsRequest, TsRequestError> {
    if b.len() > MAX_TSREQUEST {
        return Err(TsRequestError::TooLong(b.len()));
    }
    let (tag, mut body, _) = tlv(b)?;
    if tag != 0x30 {
        return Err(TsRequestError::NotASequence { tag });
    }
    let mut r = TsRequest::default();
    let mut seen_version = false;
    while !body.is_empty() {
        let (tag, v, used) = tlv(body)?;
        body = body.get(used..).unwrap_or_default();
        match tag {
            0xA0 => {
                r.version = version(&expect(v, 0x02, "version")?)?;
                seen_version = true;
            }
            0xA1 => {
                let mut items = expect(v, 0x30, "negoTokens")?;
                let mut rest: &[u8] = &items;
                let mut tokens = Vec::new();
                while !rest.is_empty() && tokens.len() < 8 {
                    let (t, item, used) = tlv(rest)?;
                    if t != 0x30 {
                        return Err(TsRequestError::NegoTokenItem { tag: t });
                    }
                    tokens.push(expect(&expect(item, 0xA0, "negoToken")?, 0x04, "negoToken")?);
                    rest = rest.get(used..).unwrap_or_default();
                }
                items.clear();
                r.nego_tokens = tokens;
            }
            0xA2 => r.auth_info = Some(expect(v, 0x04, "authInfo")?),
            0xA3 => r.pub_key_auth = Some(expect(v, 0x04, "pubKeyAuth")?),
            0xA4 => r.error_code = Some(integer(&expect(v, 0x02, "errorCode")?)?),
            0xA5 => r.client_nonce = Some(expect(v, 0x04, "clientNonce")?),
            other => return Err(TsRequestError::UnknownField { tag: other }),
        }
    }
    if !seen_version {
        return Err(TsRequestError::NoVersion);
    }
    Ok(r)
}

/// The subjectPublicKey of a DER certificate: what CredSSP's pubKeyAuth binds ([MS-CSSP] 3.1.5).
pub fn subject_public_key(der: &[u8]) -> Option<Vec<u8>> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    Some(cert.public_key().subject_public_key.data.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn windows_error_code_bytes() {
        // Windows writes STATUS_LOGON_FAILURE as a five-byte positive INTEGER.
        let r = TsRequest { version: 6, error_code: Some(0xC000_006D), ..TsRequest::default() };
        let b = encode(&r);
        assert_eq!(b, [0x30, 0x0E, 0xA0, 0x03, 0x02, 0x01, 0x06, 0xA4, 0x07, 0x02, 0x05, 0x00, 0xC0, 0x00, 0x00, 0x6D]);
        assert_eq!(decode(&b), Ok(r));
        // ... and others as a negative four-byte one.
        let neg = [0x30, 0x0D, 0xA0, 0x03, 0x02, 0x01, 0x03, 0xA4, 0x06, 0x02, 0x04, 0xC0, 0x00, 0x00, 0x6D];
        assert_eq!(decode(&neg).unwrap().error_code, Some(0xC000_006D));
        assert_eq!(frame_status(&b[..5]), Frame::NeedMore);
        assert_eq!(frame_status(&b), Frame::Complete(b.len()));
        assert_eq!(frame_status(b"HTTP"), Frame::Bad);
    }

    #[test]
    fn round_trip_every_field() {
        let r = TsRequest {
            version: 6,
            nego_tokens: vec![vec![7; 300]],
            auth_info: Some(vec![1, 2]),
            pub_key_auth: Some(vec![3; 200]),
            error_code: None,
            client_nonce: Some(vec![9; 32]),
        };
        let b = encode(&r);
        assert_eq!(frame_status(&b), Frame::Complete(b.len()));
        assert_eq!(decode(&b), Ok(r));
    }

    #[test]
    fn a_negative_or_huge_version_is_malformed_not_patched() {
        // 30 05 A0 03 02 01 FF: version -1 (a one-byte INTEGER 0xFF).
        let minus_one = [0x30, 0x05, 0xA0, 0x03, 0x02, 0x01, 0xFF];
        let e = decode(&minus_one).unwrap_err();
        assert_eq!(e, TsRequestError::NotAVersion(-1));
        assert!(e.to_string().contains("version -1 "), "{e}");
        // version 2^31 as a positive five-byte INTEGER 00 80 00 00 00.
        let two_31 = [0x30, 0x09, 0xA0, 0x07, 0x02, 0x05, 0x00, 0x80, 0x00, 0x00, 0x00];
        let e = decode(&two_31).unwrap_err();
        assert_eq!(e, TsRequestError::NotAVersion(2_147_483_648));
        // -2^31 as four bytes 80 00 00 00.
        let min = [0x30, 0x08, 0xA0, 0x06, 0x02, 0x04, 0x80, 0x00, 0x00, 0x00];
        assert_eq!(decode(&min).unwrap_err(), TsRequestError::NotAVersion(-2_147_483_648));
        // Real versions still read.
        let six = [0x30, 0x05, 0xA0, 0x03, 0x02, 0x01, 0x06];
        assert_eq!(decode(&six).unwrap().version, 6);
    }

    proptest! {
        #[test]
        fn decode_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = frame_status(&bytes);
            let _ = decode(&bytes);
        }

        #[test]
        fn decode_survives_mutations(pos in 0usize..64, byte in any::<u8>()) {
            let mut b = encode(&TsRequest { version: 3, nego_tokens: vec![vec![1; 40]], error_code: Some(0xC0000071), ..TsRequest::default() });
            let i = pos % b.len();
            b[i] = byte;
            let _ = decode(&b);
        }

        #[test]
        fn round_trip(version in 1u32..10, token in proptest::collection::vec(any::<u8>(), 0..2000), code in proptest::option::of(any::<u32>())) {
            let r = TsRequest { version, nego_tokens: vec![token], error_code: code, ..TsRequest::default() };
            prop_assert_eq!(decode(&encode(&r)), Ok(r));
        }
    }
}
