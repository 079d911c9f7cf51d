//! X.224 security negotiation on the wire ([MS-RDPBCGR] 1.3.1.1, 2.2.1.1, 2.2.1.2): a sans-I/O codec.
//!
//! `encode_request` builds a Client X.224 Connection Request, `frame_status` and `classify_reply` read
//! whatever the server sent back, `decode_request` and `encode_confirm` serve the lab server from the
//! other side. The probe's driver (`probe::x224`) owns the socket and the deadline. Encoding and the
//! RDP_NEG_RSP/RDP_NEG_FAILURE layouts come from ironrdp-pdu; what it cannot tell apart (a legacy
//! Connection Confirm, a request with no RDP_NEG_REQ, a peer that is not TPKT) is read here by hand.

use ironrdp_pdu::mcs::DisconnectProviderUltimatum;
use ironrdp_pdu::nego::{
    ConnectionConfirm, ConnectionRequest, NegoRequestData, RequestFlags, ResponseFlags, SecurityProtocol,
};
use ironrdp_pdu::x224::X224;

// requestedProtocols / selectedProtocol values, [MS-RDPBCGR] 2.2.1.1.1.
pub const PROTOCOL_RDP: u32 = 0x0;
pub const PROTOCOL_SSL: u32 = 0x1;
pub const PROTOCOL_HYBRID: u32 = 0x2;
pub const PROTOCOL_RDSTLS: u32 = 0x4;
pub const PROTOCOL_HYBRID_EX: u32 = 0x8;
pub const PROTOCOL_RDSAAD: u32 = 0x10;

/// A security protocol of requestedProtocols / selectedProtocol ([MS-RDPBCGR] 2.2.1.1.1); the JSON
/// report spells it in snake case ("rdp", "ssl", "hybrid", "rdstls", "hybrid_ex", "rdsaad").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Protocol {
    /// Standard RDP Security (value 0: no bit).
    Rdp,
    Ssl,
    Hybrid,
    Rdstls,
    HybridEx,
    Rdsaad,
}

impl Protocol {
    /// The protocols with a bit, in bit order.
    pub const WITH_BITS: [Protocol; 5] =
        [Protocol::Ssl, Protocol::Hybrid, Protocol::Rdstls, Protocol::HybridEx, Protocol::Rdsaad];

    /// The requestedProtocols / selectedProtocol value.
    pub const fn bits(self) -> u32 {
        match self {
            Protocol::Rdp => PROTOCOL_RDP,
            Protocol::Ssl => PROTOCOL_SSL,
            Protocol::Hybrid => PROTOCOL_HYBRID,
            Protocol::Rdstls => PROTOCOL_RDSTLS,
            Protocol::HybridEx => PROTOCOL_HYBRID_EX,
            Protocol::Rdsaad => PROTOCOL_RDSAAD,
        }
    }

    /// The name the JSON report uses.
    pub const fn name(self) -> &'static str {
        match self {
            Protocol::Rdp => "rdp",
            Protocol::Ssl => "ssl",
            Protocol::Hybrid => "hybrid",
            Protocol::Rdstls => "rdstls",
            Protocol::HybridEx => "hybrid_ex",
            Protocol::Rdsaad => "rdsaad",
        }
    }

    /// CredSSP (Network Level Authentication) runs before the connection sequence: HYBRID and
    /// HYBRID_EX ([MS-RDPBCGR] 5.4.5.2).
    pub const fn is_nla(self) -> bool {
        matches!(self, Protocol::Hybrid | Protocol::HybridEx)
    }
}

impl std::fmt::Display for Protocol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl PartialEq<&str> for Protocol {
    fn eq(&self, other: &&str) -> bool {
        self.name() == *other
    }
}

/// RDP_NEG_RSP flags, [MS-RDPBCGR] 2.2.1.2.1.
pub const RESPONSE_FLAG_NAMES: &[(u8, &str)] = &[
    (0x01, "extended_client_data_supported"),
    (0x02, "dynvc_gfx_protocol_supported"),
    (0x04, "rdp_neg_rsp_reserved"),
    (0x08, "restricted_admin_mode_supported"),
    (0x10, "redirected_authentication_mode_supported"),
];
pub const RESTRICTED_ADMIN_MODE_SUPPORTED: u8 = 0x08;
pub const REDIRECTED_AUTHENTICATION_MODE_SUPPORTED: u8 = 0x10;

/// The largest server answer we read before the negotiation is classified. A Connection Confirm
/// is 19 bytes; anything beyond a few KiB is not one.
pub const MAX_REPLY: usize = 4096;

/// One Connection Request of the matrix: `None` is the legacy request with no RDP_NEG_REQ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NegRequest {
    pub protocols: Option<u32>,
}

/// The request the Windows client sends by default (mstsc): SSL|HYBRID|HYBRID_EX.
pub const WINDOWS_CLIENT_REQUEST: u32 = PROTOCOL_SSL | PROTOCOL_HYBRID | PROTOCOL_HYBRID_EX;

impl NegRequest {
    pub fn label(&self) -> String {
        match self.protocols {
            None => "legacy".into(),
            Some(p) => protocol_label(p),
        }
    }
}

/// "RDP" for 0, otherwise the set bits' names upper-cased and joined by '|'.
pub fn protocol_label(p: u32) -> String {
    if p == PROTOCOL_RDP {
        return "RDP".into();
    }
    let mut parts: Vec<String> = protocol_names(p).iter().map(|n| n.name().to_ascii_uppercase()).collect();
    let known: u32 = Protocol::WITH_BITS.iter().fold(0, |a, p| a | p.bits());
    if p & !known != 0 {
        parts.push(format!("0x{:X}", p & !known));
    }
    parts.join("|")
}

/// The set protocol bits; `[Rdp]` for 0.
pub fn protocol_names(p: u32) -> Vec<Protocol> {
    if p == PROTOCOL_RDP {
        return vec![Protocol::Rdp];
    }
    Protocol::WITH_BITS.into_iter().filter(|b| p & b.bits() != 0).collect()
}

/// The protocol of a selectedProtocol value (exactly one protocol, or RDP).
pub fn selected_name(p: u32) -> Option<Protocol> {
    if p == PROTOCOL_RDP {
        return Some(Protocol::Rdp);
    }
    Protocol::WITH_BITS.into_iter().find(|b| b.bits() == p)
}

/// Whether a selectedProtocol answers a request: PROTOCOL_RDP, or exactly one protocol the request
/// offered. [MS-RDPBCGR] 2.2.1.2.1: the server selects one of the protocols the client requested; a
/// Windows client drops a confirm that selects anything else. A request without RDP_NEG_REQ (legacy)
/// can only be answered with Standard RDP Security.
pub fn selection_valid(requested: Option<u32>, selected: u32) -> bool {
    if selected == PROTOCOL_RDP {
        return true;
    }
    match requested {
        None => false,
        Some(p) => selected.is_power_of_two() && selected_name(selected).is_some() && p & selected != 0,
    }
}

pub fn flag_names(flags: u8) -> Vec<&'static str> {
    RESPONSE_FLAG_NAMES.iter().filter(|(b, _)| flags & b != 0).map(|(_, n)| *n).collect()
}

/// The routingToken/cookie field, [MS-RDPBCGR] 2.2.1.1: "Cookie: mstshash=IDENTIFIER\r\n".
pub const COOKIE: &str = "rdpdoctor";

/// Client X.224 Connection Request PDU, [MS-RDPBCGR] 2.2.1.1: TPKT, X.224 CR TPDU, cookie and,
/// unless legacy, RDP_NEG_REQ (2.2.1.1.1).
pub fn encode_request(req: &NegRequest) -> Vec<u8> {
    match req.protocols {
        Some(p) => {
            let cr = ConnectionRequest {
                nego_data: Some(NegoRequestData::cookie(COOKIE.into())),
                flags: RequestFlags::empty(),
                protocol: SecurityProtocol::from_bits_retain(p),
                correlation_info: None,
            };
            ironrdp_pdu::encode_vec(&X224(cr)).unwrap_or_default()
        }
        None => {
            // Legacy: the same TPDU without RDP_NEG_REQ, as pre-RDP 5.2 clients send it.
            connection_request(format!("Cookie: mstshash={COOKIE}\r\n").as_bytes())
        }
    }
}

/// The Connection Request with a routing token in place of the cookie ([MS-RDPBCGR] 2.2.1.1: the
/// routingToken field, "terminated by a 0x0D0A two-byte sequence", its format the broker's): what
/// mstsc sends for `loadbalanceinfo` (a Connection Broker farm's `tsv://...` or an IP-redirect
/// `Cookie: msts=...`), written as given. RDP_NEG_REQ (2.2.1.1.1) follows unless legacy.
pub fn encode_request_routed(req: &NegRequest, token: &str) -> Vec<u8> {
    // CR and LF cannot be inside the token (they end it); a token too long for the one-byte X.224
    // length indicator is cut.
    let token: String = token.chars().filter(|c| *c != '\r' && *c != '\n').take(200).collect();
    let mut variable = format!("{token}\r\n").into_bytes();
    if let Some(p) = req.protocols {
        variable.extend_from_slice(&[0x01, 0x00, 0x08, 0x00]); // TYPE_RDP_NEG_REQ, flags 0, length 8
        variable.extend_from_slice(&p.to_le_bytes());
    }
    connection_request(&variable)
}

/// TPKT ([T.123] 8) and an X.224 Connection Request TPDU (class 0) carrying `variable`: the
/// cookie or routing token and, when there is one, RDP_NEG_REQ.
fn connection_request(variable: &[u8]) -> Vec<u8> {
    let li = 6 + variable.len();
    let total = 4 + 1 + li;
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(&[0x03, 0x00]); // TPKT version 3, reserved
    out.extend_from_slice(&super::len_u16(total).to_be_bytes());
    out.push(super::len_u8(li)); // X.224 length indicator
    out.extend_from_slice(&[0xE0, 0, 0, 0, 0, 0]); // CR CDT, DST-REF, SRC-REF, class 0
    out.extend_from_slice(variable);
    out
}

/// How much of a TPKT frame is in `buf`, [T.123] 8: version 3, reserved, length (big-endian, 16 bits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameStatus {
    NeedMore,
    /// A whole frame of this length is present.
    Complete(usize),
    /// The bytes cannot start a TPKT frame.
    NotTpkt,
    /// TPKT, but a length no Connection Confirm can have.
    BadLength(usize),
}

/// What a TPKT header ([T.123] 8: version 3, reserved, a 16-bit big-endian length) at the front of
/// `buf` says, whatever the frame carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TpktHeader {
    /// Fewer than the 4 header bytes (and the first, if any, is version 3).
    NeedMore,
    /// The first byte is not version 3.
    NotTpkt,
    /// The length the header announces, header included.
    Length(usize),
}

pub fn tpkt_header(buf: &[u8]) -> TpktHeader {
    match buf {
        [v, ..] if *v != 0x03 => TpktHeader::NotTpkt,
        [_, _, hi, lo, ..] => TpktHeader::Length(usize::from(u16::from_be_bytes([*hi, *lo]))),
        _ => TpktHeader::NeedMore,
    }
}

pub fn frame_status(buf: &[u8]) -> FrameStatus {
    if let [0x03, r, ..] = buf
        && *r != 0x00
    {
        return FrameStatus::NotTpkt;
    }
    let len = match tpkt_header(buf) {
        TpktHeader::NeedMore => return FrameStatus::NeedMore,
        TpktHeader::NotTpkt => return FrameStatus::NotTpkt,
        TpktHeader::Length(n) => n,
    };
    if !(7..=MAX_REPLY).contains(&len) {
        return FrameStatus::BadLength(len);
    }
    if buf.len() >= len { FrameStatus::Complete(len) } else { FrameStatus::NeedMore }
}

/// What a server's first frame says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// RDP_NEG_RSP, [MS-RDPBCGR] 2.2.1.2.1.
    Selected { protocol: u32, flags: u8 },
    /// RDP_NEG_FAILURE, [MS-RDPBCGR] 2.2.1.2.2.
    Failure { code: u32 },
    /// Connection Confirm without negotiation data: Standard RDP Security.
    Legacy,
    /// X.224 Data carrying an MCS Disconnect Provider Ultimatum ([T.125] 11.15): request not handled.
    Disconnect { reason: Option<u8> },
    /// Not TPKT: another service.
    NotRdp { service: Option<&'static str> },
    /// TPKT but not a Connection Confirm we can read.
    Malformed { what: String },
}

/// Classify one complete TPKT frame (or, for `NotRdp`, whatever bytes arrived).
pub fn classify_reply(buf: &[u8]) -> Reply {
    match frame_status(buf) {
        FrameStatus::NotTpkt => return Reply::NotRdp { service: recognise_service(buf) },
        FrameStatus::BadLength(n) => {
            return Reply::Malformed { what: format!("TPKT length {n} is not a Connection Confirm") };
        }
        FrameStatus::NeedMore => {
            return Reply::Malformed { what: format!("truncated TPKT frame ({} bytes)", buf.len()) };
        }
        FrameStatus::Complete(_) => {}
    }
    // Complete: at least 7 bytes (frame_status's bound), the TPKT length among them.
    let (Some(frame), Some(&li), Some(&code)) = (
        buf.get(
            ..usize::from(u16::from_be_bytes([buf.get(2).copied().unwrap_or(0), buf.get(3).copied().unwrap_or(0)])),
        ),
        buf.get(4),
        buf.get(5),
    ) else {
        return Reply::Malformed { what: format!("truncated TPKT frame ({} bytes)", buf.len()) };
    };
    let li = usize::from(li);
    let code = code & 0xF0;
    if 5 + li > frame.len() || li < 2 {
        return Reply::Malformed {
            what: format!("X.224 length indicator {li} does not fit the {}-byte frame", frame.len()),
        };
    }
    match code {
        // Connection Confirm (X.224 13.4). LI 6: fixed part only, no RDP_NEG_RSP/FAILURE.
        0xD0 if li == 6 => Reply::Legacy,
        0xD0 => match ironrdp_pdu::decode::<X224<ConnectionConfirm>>(frame) {
            Ok(X224(ConnectionConfirm::Response { flags, protocol })) => {
                Reply::Selected { protocol: protocol.bits(), flags: flags.bits() }
            }
            Ok(X224(ConnectionConfirm::Failure { code })) => Reply::Failure { code: u32::from(code) },
            Err(e) => Reply::Malformed { what: format!("Connection Confirm: {e}") },
        },
        // Data TPDU: an MCS PDU where a Connection Confirm belongs.
        0xF0 => match ironrdp_pdu::decode::<X224<DisconnectProviderUltimatum>>(frame) {
            Ok(X224(dpu)) => Reply::Disconnect { reason: Some(dpu.reason as u8) },
            Err(_) => {
                Reply::Malformed { what: "X.224 Data TPDU that is not an MCS Disconnect Provider Ultimatum".into() }
            }
        },
        0x80 => Reply::Disconnect { reason: None }, // X.224 Disconnect Request
        other => Reply::Malformed { what: format!("X.224 TPDU code 0x{other:02X} where a Connection Confirm belongs") },
    }
}

/// Name the service behind a non-TPKT answer from its first bytes, when it is recognisable.
pub fn recognise_service(buf: &[u8]) -> Option<&'static str> {
    const SIGNATURES: &[(&[u8], &str)] = &[
        (b"HTTP/", "HTTP"),
        (b"SSH-", "SSH"),
        (b"RFB ", "VNC (RFB)"),
        (b"220", "SMTP or FTP"),
        (b"+OK", "POP3"),
        (b"* OK", "IMAP"),
        (b"<html", "HTTP"),
        (b"<!DOCTYPE", "HTTP"),
    ];
    if let [0x15 | 0x16, 0x03, minor, ..] = buf
        && *minor <= 0x04
    {
        return Some("TLS (no RDP in front of it)"); // TLS alert or handshake record, RFC 5246 6.2.1
    }
    SIGNATURES
        .iter()
        .find(|(sig, _)| buf.get(..sig.len()).is_some_and(|head| head.eq_ignore_ascii_case(sig)))
        .map(|(_, name)| *name)
}

/// The server side of the same exchange, for the lab: what a Connection Request asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeenRequest {
    /// None: no RDP_NEG_REQ (legacy client).
    pub protocols: Option<u32>,
    pub flags: u8,
}

pub fn decode_request(frame: &[u8]) -> Option<SeenRequest> {
    let FrameStatus::Complete(len) = frame_status(frame) else { return None };
    let frame = frame.get(..len)?;
    let X224(cr) = ironrdp_pdu::decode::<X224<ConnectionRequest>>(frame).ok()?;
    // ironrdp reads a request without RDP_NEG_REQ as protocol 0: tell the two apart by size.
    let variable = usize::from(*frame.get(4)?).checked_sub(6)?;
    let nego_len = cr.nego_data.as_ref().map_or(0, |d| d.size());
    if variable <= nego_len {
        return Some(SeenRequest { protocols: None, flags: 0 });
    }
    Some(SeenRequest { protocols: Some(cr.protocol.bits()), flags: cr.flags.bits() })
}

/// Server X.224 Connection Confirm, [MS-RDPBCGR] 2.2.1.2. `None` for a legacy confirm.
pub fn encode_confirm(reply: &Reply) -> Vec<u8> {
    let cc = match reply {
        Reply::Selected { protocol, flags } => ConnectionConfirm::Response {
            flags: ResponseFlags::from_bits_retain(*flags),
            protocol: SecurityProtocol::from_bits_retain(*protocol),
        },
        Reply::Failure { code } => ConnectionConfirm::Failure { code: (*code).into() },
        // Legacy (and anything else): the fixed part only.
        _ => return vec![0x03, 0x00, 0x00, 0x0B, 0x06, 0xD0, 0, 0, 0x12, 0x34, 0x00],
    };
    ironrdp_pdu::encode_vec(&X224(cc)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_bytes_follow_the_spec() {
        // [MS-RDPBCGR] 4.1.1 shows the layout: TPKT, X.224 CR, cookie, RDP_NEG_REQ.
        let b = encode_request(&NegRequest { protocols: Some(0xB) });
        let cookie = b"Cookie: mstshash=rdpdoctor\r\n";
        assert_eq!(b.len(), 4 + 7 + cookie.len() + 8);
        assert_eq!(&b[..2], &[0x03, 0x00]);
        assert_eq!(u16::from_be_bytes([b[2], b[3]]) as usize, b.len());
        assert_eq!(b[4] as usize, b.len() - 5);
        assert_eq!(b[5], 0xE0);
        assert_eq!(&b[11..11 + cookie.len()], cookie);
        assert_eq!(&b[b.len() - 8..], &[0x01, 0x00, 0x08, 0x00, 0x0B, 0x00, 0x00, 0x00]);

        let routed =
            encode_request_routed(&NegRequest { protocols: Some(0xB) }, "tsv://MS Terminal Services Plugin.1.Desktops");
        let with_cookie = encode_request(&NegRequest { protocols: Some(0xB) });
        assert_eq!(&routed[..2], &[3, 0]);
        assert_eq!(u16::from_be_bytes([routed[2], routed[3]]) as usize, routed.len());
        assert_eq!(routed[4] as usize, routed.len() - 5);
        assert!(routed.windows(46).any(|w| w == b"tsv://MS Terminal Services Plugin.1.Desktops\r\n"));
        // The same RDP_NEG_REQ as with the cookie.
        assert_eq!(routed[routed.len() - 8..], with_cookie[with_cookie.len() - 8..]);
        let legacy = encode_request(&NegRequest { protocols: None });
        assert_eq!(legacy.len(), 11 + cookie.len());
        assert!(legacy.ends_with(cookie));
        assert_eq!(decode_request(&legacy), Some(SeenRequest { protocols: None, flags: 0 }));
        assert_eq!(decode_request(&b), Some(SeenRequest { protocols: Some(0xB), flags: 0 }));
        let rdp = encode_request(&NegRequest { protocols: Some(0) });
        assert_eq!(decode_request(&rdp), Some(SeenRequest { protocols: Some(0), flags: 0 }));
    }

    #[test]
    fn confirms_round_trip() {
        for reply in [
            Reply::Selected { protocol: PROTOCOL_HYBRID, flags: 0x1F },
            Reply::Selected { protocol: PROTOCOL_RDP, flags: 0 },
            Reply::Failure { code: 5 },
            Reply::Legacy,
        ] {
            assert_eq!(classify_reply(&encode_confirm(&reply)), reply);
        }
    }

    #[test]
    fn other_services_are_named() {
        assert_eq!(classify_reply(b"HTTP/1.1 400 Bad Request\r\n"), Reply::NotRdp { service: Some("HTTP") });
        assert_eq!(classify_reply(b"SSH-2.0-OpenSSH_9.2\r\n"), Reply::NotRdp { service: Some("SSH") });
        assert_eq!(
            classify_reply(&[0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x32]),
            Reply::NotRdp { service: Some("TLS (no RDP in front of it)") }
        );
        assert_eq!(classify_reply(&[0xFF, 0x00]), Reply::NotRdp { service: None });
    }

    #[test]
    fn a_selection_must_be_one_requested_protocol() {
        assert!(selection_valid(Some(0xB), PROTOCOL_HYBRID));
        assert!(selection_valid(Some(0xB), PROTOCOL_RDP));
        assert!(selection_valid(None, PROTOCOL_RDP));
        for bad in [0x3, 0xB, 0xFFFF_FFFF, 0x20] {
            assert!(!selection_valid(Some(0xB), bad), "0x{bad:X}");
        }
        assert!(!selection_valid(Some(PROTOCOL_SSL), PROTOCOL_RDSAAD));
        assert!(!selection_valid(Some(PROTOCOL_HYBRID), PROTOCOL_HYBRID_EX));
        assert!(!selection_valid(None, PROTOCOL_SSL));
    }

    #[test]
    fn mcs_disconnect_is_an_unsupported_request() {
        // X.224 Data TPDU + MCS Disconnect Provider Ultimatum, reason rn-user-requested (3): 21 80.
        let dpu = [0x03, 0x00, 0x00, 0x09, 0x02, 0xF0, 0x80, 0x21, 0x80];
        assert_eq!(classify_reply(&dpu), Reply::Disconnect { reason: Some(3) });
    }

    #[test]
    fn broken_frames_are_malformed_not_panics() {
        assert!(matches!(classify_reply(&[0x03, 0x00, 0x00, 0x03]), Reply::Malformed { .. }));
        assert!(matches!(
            classify_reply(&[0x03, 0x00, 0x00, 0x0B, 0x40, 0xD0, 0, 0, 0, 0, 0]),
            Reply::Malformed { .. }
        ));
        assert!(matches!(
            classify_reply(&[0x03, 0x00, 0x00, 0x0B, 0x06, 0x70, 0, 0, 0, 0, 0]),
            Reply::Malformed { .. }
        ));
        assert!(matches!(
            classify_reply(&[0x03, 0x00, 0x00, 0x13, 0x0E, 0xD0, 0, 0, 0, 0, 0, 0x09, 0, 8, 0, 0, 0, 0, 0]),
            Reply::Malformed { .. }
        ));
    }

    proptest::proptest! {
        #[test]
        fn classify_never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            let _ = classify_reply(&bytes);
            let _ = decode_request(&bytes);
        }

        #[test]
        fn tpkt_prefixed_garbage_never_panics(len in 0u16..400, body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            let mut b = vec![3, 0];
            b.extend_from_slice(&len.to_be_bytes());
            b.extend_from_slice(&body);
            let _ = classify_reply(&b);
            let _ = decode_request(&b);
        }
    }
}
