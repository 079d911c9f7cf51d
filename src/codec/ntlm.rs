//! NTLM messages, as far as the credential-less CredSSP probe needs them ([MS-NLMP] 2.2): the client's
//! NEGOTIATE_MESSAGE (2.2.1.1), and a reader for the server's CHALLENGE_MESSAGE (2.2.1.2) with its
//! AV_PAIRs (2.2.2.1) and VERSION (2.2.2.10). `encode_challenge` serves the lab from the other side.
//! Pure functions over bytes: every offset and length is checked, nothing here can panic.

/// "NTLMSSP\0", [MS-NLMP] 2.2.1.
pub const SIGNATURE: &[u8; 8] = b"NTLMSSP\0";

// NegotiateFlags, [MS-NLMP] 2.2.2.5.
pub const NEGOTIATE_UNICODE: u32 = 0x0000_0001;
pub const REQUEST_TARGET: u32 = 0x0000_0004;
pub const NEGOTIATE_SIGN: u32 = 0x0000_0010;
pub const NEGOTIATE_SEAL: u32 = 0x0000_0020;
pub const NEGOTIATE_NTLM: u32 = 0x0000_0200;
pub const NEGOTIATE_ALWAYS_SIGN: u32 = 0x0000_8000;
pub const TARGET_TYPE_DOMAIN: u32 = 0x0001_0000;
pub const NEGOTIATE_EXTENDED_SESSIONSECURITY: u32 = 0x0008_0000;
pub const NEGOTIATE_TARGET_INFO: u32 = 0x0080_0000;
pub const NEGOTIATE_VERSION: u32 = 0x0200_0000;
pub const NEGOTIATE_128: u32 = 0x2000_0000;
pub const NEGOTIATE_KEY_EXCH: u32 = 0x4000_0000;
pub const NEGOTIATE_56: u32 = 0x8000_0000;

/// What a current Windows client asks for in its NEGOTIATE_MESSAGE.
pub const CLIENT_FLAGS: u32 = NEGOTIATE_56
    | NEGOTIATE_KEY_EXCH
    | NEGOTIATE_128
    | NEGOTIATE_VERSION
    | NEGOTIATE_EXTENDED_SESSIONSECURITY
    | NEGOTIATE_ALWAYS_SIGN
    | NEGOTIATE_NTLM
    | NEGOTIATE_SEAL
    | NEGOTIATE_SIGN
    | REQUEST_TARGET
    | NEGOTIATE_UNICODE;

/// The largest CHALLENGE_MESSAGE we read (a real one is a few hundred bytes).
pub const MAX_CHALLENGE: usize = 8192;

/// VERSION, [MS-NLMP] 2.2.2.10: 8 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Version {
    pub major: u8,
    pub minor: u8,
    pub build: u16,
    /// NTLMRevisionCurrent (0x0F: NTLMSSP_REVISION_W2K3).
    pub revision: u8,
}

impl Version {
    pub fn encode(&self) -> [u8; 8] {
        let b = self.build.to_le_bytes();
        [self.major, self.minor, b[0], b[1], 0, 0, 0, self.revision]
    }
}

/// The version this tool announces: Windows 10 build 19041, NTLM revision 15.
pub const CLIENT_VERSION: Version = Version { major: 10, minor: 0, build: 19041, revision: 0x0F };

/// NEGOTIATE_MESSAGE, [MS-NLMP] 2.2.1.1: signature, type 1, flags, empty DomainNameFields and
/// WorkstationFields (offsets point past the fixed part), VERSION. 40 bytes.
pub fn encode_negotiate() -> Vec<u8> {
    let mut m = Vec::with_capacity(40);
    m.extend_from_slice(SIGNATURE);
    m.extend_from_slice(&1u32.to_le_bytes());
    m.extend_from_slice(&CLIENT_FLAGS.to_le_bytes());
    for _ in 0..2 {
        m.extend_from_slice(&0u16.to_le_bytes()); // Len
        m.extend_from_slice(&0u16.to_le_bytes()); // MaxLen
        m.extend_from_slice(&40u32.to_le_bytes()); // BufferOffset
    }
    m.extend_from_slice(&CLIENT_VERSION.encode());
    m
}

/// The NTLM message type of a token (1 NEGOTIATE, 2 CHALLENGE, 3 AUTHENTICATE), if it is NTLM at all.
pub fn message_type(token: &[u8]) -> Option<u32> {
    if token.get(..8)? != SIGNATURE {
        return None;
    }
    token.get(8..12).and_then(|s| s.try_into().ok()).map(u32::from_le_bytes)
}

/// What a CHALLENGE_MESSAGE says about the server.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Challenge {
    pub flags: u32,
    pub target_name: Option<String>,
    pub nb_computer_name: Option<String>,
    pub nb_domain_name: Option<String>,
    pub dns_computer_name: Option<String>,
    pub dns_domain_name: Option<String>,
    pub dns_tree_name: Option<String>,
    /// Present when NEGOTIATE_VERSION is set.
    pub version: Option<Version>,
    /// MsvAvTimestamp: a FILETIME (100 ns since 1601-01-01 UTC).
    pub timestamp: Option<u64>,
}

/// Why a token is not a readable CHALLENGE_MESSAGE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChallengeError {
    NotNtlm,
    WrongType(u32),
    Truncated(usize),
    TooLarge(usize),
    BadField(&'static str),
}

impl std::fmt::Display for ChallengeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChallengeError::NotNtlm => write!(f, "the token is not NTLM (no NTLMSSP signature)"),
            ChallengeError::WrongType(t) => write!(f, "NTLM message type {t} where a CHALLENGE (2) belongs"),
            ChallengeError::Truncated(n) => write!(f, "CHALLENGE_MESSAGE truncated ({n} bytes)"),
            ChallengeError::TooLarge(n) => write!(f, "CHALLENGE_MESSAGE of {n} bytes is too large"),
            ChallengeError::BadField(what) => write!(f, "CHALLENGE_MESSAGE {what} field points outside the message"),
        }
    }
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes([*b.get(at)?, *b.get(at + 1)?, *b.get(at + 2)?, *b.get(at + 3)?]))
}

/// A Len/MaxLen/Offset field (8 bytes) at `at`, resolved against the message.
fn payload<'a>(m: &'a [u8], at: usize, what: &'static str) -> Result<&'a [u8], ChallengeError> {
    let len = u16_at(m, at).ok_or(ChallengeError::Truncated(m.len()))? as usize;
    let off = u32_at(m, at + 4).ok_or(ChallengeError::Truncated(m.len()))? as usize;
    if len == 0 {
        return Ok(&[]);
    }
    m.get(off..off.checked_add(len).ok_or(ChallengeError::BadField(what))?).ok_or(ChallengeError::BadField(what))
}

/// UTF-16LE to a String, lossily; at most 256 characters kept.
fn utf16(b: &[u8]) -> String {
    let units: Vec<u16> =
        b.chunks_exact(2).take(256).filter_map(|c| c.try_into().ok()).map(u16::from_le_bytes).collect();
    String::from_utf16_lossy(&units)
}

/// Parse a CHALLENGE_MESSAGE, [MS-NLMP] 2.2.1.2.
pub fn parse_challenge(m: &[u8]) -> Result<Challenge, ChallengeError> {
    match message_type(m) {
        None => return Err(ChallengeError::NotNtlm),
        Some(2) => {}
        Some(t) => return Err(ChallengeError::WrongType(t)),
    }
    if m.len() > MAX_CHALLENGE {
        return Err(ChallengeError::TooLarge(m.len()));
    }
    // Fixed part: TargetNameFields at 12, NegotiateFlags at 20, ServerChallenge at 24, Reserved at 32,
    // TargetInfoFields at 40, Version at 48 (when NEGOTIATE_VERSION).
    if m.len() < 48 {
        return Err(ChallengeError::Truncated(m.len()));
    }
    let flags = u32_at(m, 20).ok_or(ChallengeError::Truncated(m.len()))?;
    let unicode = flags & NEGOTIATE_UNICODE != 0;
    let name = payload(m, 12, "TargetName")?;
    let mut c = Challenge { flags, ..Challenge::default() };
    if !name.is_empty() {
        c.target_name = Some(if unicode {
            utf16(name)
        } else {
            String::from_utf8_lossy(name.get(..name.len().min(256)).unwrap_or_default()).into()
        });
    }
    if flags & NEGOTIATE_VERSION != 0
        && let (Some(&major), Some(&minor), Some(&revision)) = (m.get(48), m.get(49), m.get(55))
    {
        c.version = Some(Version { major, minor, build: u16_at(m, 50).unwrap_or(0), revision });
    }
    let info = payload(m, 40, "TargetInfo")?;
    // AV_PAIRs, [MS-NLMP] 2.2.2.1: AvId (2), AvLen (2), value; ends at MsvAvEOL.
    let mut at = 0usize;
    while at + 4 <= info.len() {
        let id = u16_at(info, at).unwrap_or(0);
        let len = u16_at(info, at + 2).unwrap_or(0) as usize;
        let Some(value) = info.get(at + 4..at + 4 + len) else { return Err(ChallengeError::BadField("AV_PAIR")) };
        match id {
            0 => break, // MsvAvEOL
            1 => c.nb_computer_name = Some(utf16(value)),
            2 => c.nb_domain_name = Some(utf16(value)),
            3 => c.dns_computer_name = Some(utf16(value)),
            4 => c.dns_domain_name = Some(utf16(value)),
            5 => c.dns_tree_name = Some(utf16(value)),
            7 if len == 8 => {
                c.timestamp = Some(u64::from_le_bytes(value.try_into().unwrap_or([0; 8])));
            }
            _ => {}
        }
        at += 4 + len;
    }
    Ok(c)
}

/// Build a CHALLENGE_MESSAGE (for the lab server): the fields in `c`, a fixed server challenge.
pub fn encode_challenge(c: &Challenge) -> Vec<u8> {
    let mut info = Vec::new();
    let mut av = |id: u16, v: &[u8]| {
        info.extend_from_slice(&id.to_le_bytes());
        info.extend_from_slice(&super::len_u16(v.len()).to_le_bytes());
        info.extend_from_slice(v);
    };
    let u = |s: &Option<String>| s.as_deref().map(|s| s.encode_utf16().flat_map(|x| x.to_le_bytes()).collect());
    let fields: [(u16, Option<Vec<u8>>); 5] = [
        (2, u(&c.nb_domain_name)),
        (1, u(&c.nb_computer_name)),
        (4, u(&c.dns_domain_name)),
        (3, u(&c.dns_computer_name)),
        (5, u(&c.dns_tree_name)),
    ];
    for (id, v) in fields {
        if let Some(v) = v {
            av(id, &v);
        }
    }
    if let Some(ts) = c.timestamp {
        av(7, &ts.to_le_bytes());
    }
    av(0, &[]);
    let name: Vec<u8> = u(&c.target_name).unwrap_or_default();
    let fixed = 56usize;
    let mut m = Vec::with_capacity(fixed + name.len() + info.len());
    m.extend_from_slice(SIGNATURE);
    m.extend_from_slice(&2u32.to_le_bytes());
    m.extend_from_slice(&super::len_u16(name.len()).to_le_bytes());
    m.extend_from_slice(&super::len_u16(name.len()).to_le_bytes());
    m.extend_from_slice(&super::len_u32(fixed).to_le_bytes());
    let flags =
        c.flags | NEGOTIATE_UNICODE | NEGOTIATE_TARGET_INFO | if c.version.is_some() { NEGOTIATE_VERSION } else { 0 };
    m.extend_from_slice(&flags.to_le_bytes());
    m.extend_from_slice(&[0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88]); // ServerChallenge
    m.extend_from_slice(&[0; 8]); // Reserved
    m.extend_from_slice(&super::len_u16(info.len()).to_le_bytes());
    m.extend_from_slice(&super::len_u16(info.len()).to_le_bytes());
    m.extend_from_slice(&super::len_u32(fixed + name.len()).to_le_bytes());
    m.extend_from_slice(&c.version.map(|v| v.encode()).unwrap_or([0; 8]));
    m.extend_from_slice(&name);
    m.extend_from_slice(&info);
    m
}

/// A FILETIME as "YYYY-MM-DDTHH:MM:SSZ" (UTC); `None` before 1970 or absurdly late.
pub fn filetime_to_rfc3339(ft: u64) -> Option<String> {
    const EPOCH_DIFF: u64 = 11_644_473_600; // seconds from 1601-01-01 to 1970-01-01
    let secs = (ft / 10_000_000).checked_sub(EPOCH_DIFF)?;
    // RFC 3339 has four-digit years: a time after 9999-12-31 is out of range, hence `None`.
    let t = time::OffsetDateTime::from_unix_timestamp(i64::try_from(secs).ok()?).ok()?;
    t.format(&time::format_description::well_known::Rfc3339).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn negotiate_layout() {
        let m = encode_negotiate();
        assert_eq!(m.len(), 40);
        assert_eq!(message_type(&m), Some(1));
        assert_eq!(u32_at(&m, 12), Some(CLIENT_FLAGS));
        assert_eq!(&m[32..], &[10, 0, 0x61, 0x4A, 0, 0, 0, 15]);
    }

    #[test]
    fn challenge_round_trip() {
        let c = Challenge {
            flags: NEGOTIATE_UNICODE | NEGOTIATE_TARGET_INFO | NEGOTIATE_VERSION,
            target_name: Some("CONTOSO".into()),
            nb_computer_name: Some("RDSH01".into()),
            nb_domain_name: Some("CONTOSO".into()),
            dns_computer_name: Some("rdsh01.contoso.com".into()),
            dns_domain_name: Some("contoso.com".into()),
            dns_tree_name: Some("contoso.com".into()),
            version: Some(Version { major: 10, minor: 0, build: 20348, revision: 15 }),
            timestamp: Some(133_500_000_000_000_000),
        };
        assert_eq!(parse_challenge(&encode_challenge(&c)), Ok(c));
    }

    #[test]
    fn filetime() {
        // 2024-01-01T00:00:00Z = unix 1704067200.
        assert_eq!(filetime_to_rfc3339((1_704_067_200 + 11_644_473_600) * 10_000_000).unwrap(), "2024-01-01T00:00:00Z");
        assert_eq!(filetime_to_rfc3339(0), None);
        // The last second RFC 3339's four-digit years can write, and the one after it.
        let last = (253_402_300_799 + 11_644_473_600) * 10_000_000;
        assert_eq!(filetime_to_rfc3339(last).as_deref(), Some("9999-12-31T23:59:59Z"));
        assert_eq!(filetime_to_rfc3339(last + 10_000_000), None);
        // Sub-second ticks are dropped, as Windows shows the time.
        assert_eq!(
            filetime_to_rfc3339((1_704_067_200 + 11_644_473_600) * 10_000_000 + 9_999_999).as_deref(),
            Some("2024-01-01T00:00:00Z")
        );
    }

    #[test]
    fn bad_challenges() {
        assert_eq!(parse_challenge(b"hello"), Err(ChallengeError::NotNtlm));
        assert_eq!(parse_challenge(&encode_negotiate()), Err(ChallengeError::WrongType(1)));
        let mut m = encode_challenge(&Challenge { version: Some(CLIENT_VERSION), ..Challenge::default() });
        m[44] = 0xFF; // TargetInfo offset far outside
        assert_eq!(parse_challenge(&m), Err(ChallengeError::BadField("TargetInfo")));
        assert!(matches!(parse_challenge(&m[..30]), Err(ChallengeError::Truncated(30))));
    }

    proptest! {
        #[test]
        fn parse_challenge_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let _ = parse_challenge(&bytes);
        }

        #[test]
        fn parse_challenge_never_panics_behind_a_valid_header(tail in proptest::collection::vec(any::<u8>(), 0..400)) {
            let mut m = SIGNATURE.to_vec();
            m.extend_from_slice(&2u32.to_le_bytes());
            m.extend_from_slice(&tail);
            let _ = parse_challenge(&m);
        }
    }
}
