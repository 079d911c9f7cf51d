//! The RD Gateway HTTP transport codec ([MS-TSGU] 2.2.10, the "RDGHTTP" protocol): the 8-byte packet
//! header and every packet a client and a gateway exchange, the HTTP/1.1 heads around them (parsed
//! with `httparse`), chunked bodies (the legacy two-channel transport) and WebSocket frames (RFC 6455,
//! framed with `tungstenite`'s frame codec).
//!
//! Shared on purpose: the probe (`probe::gateway`) speaks it as a client and the lab gateway
//! (`lab::gateway`) as a server. It does no I/O: every function takes and returns bytes. Every
//! decoder is bounded (`MAX_PACKET`, `MAX_HEAD`, `MAX_CHUNK`) and never panics on any input.

use std::io::Cursor;

/// HTTP_PACKET_HEADER ([MS-TSGU] 2.2.10.9): packetType u16, reserved u16, packetLength u32 (little
/// endian; the length counts the header).
pub const HEADER_LEN: usize = 8;
/// The largest packet we accept: a DATA packet carries at most 0xFFFF bytes ([MS-TSGU] 2.2.10.6),
/// and no control packet is near that size.
pub const MAX_PACKET: usize = HEADER_LEN + 2 + 0xFFFF;

// Packet types ([MS-TSGU] 2.2.5.3.3 HTTP_PACKET_TYPE).
pub const PKT_TYPE_HANDSHAKE_REQUEST: u16 = 0x1;
pub const PKT_TYPE_HANDSHAKE_RESPONSE: u16 = 0x2;
pub const PKT_TYPE_EXTENDED_AUTH_MSG: u16 = 0x3;
pub const PKT_TYPE_TUNNEL_CREATE: u16 = 0x4;
pub const PKT_TYPE_TUNNEL_RESPONSE: u16 = 0x5;
pub const PKT_TYPE_TUNNEL_AUTH: u16 = 0x6;
pub const PKT_TYPE_TUNNEL_AUTH_RESPONSE: u16 = 0x7;
pub const PKT_TYPE_CHANNEL_CREATE: u16 = 0x8;
pub const PKT_TYPE_CHANNEL_RESPONSE: u16 = 0x9;
pub const PKT_TYPE_DATA: u16 = 0xA;
pub const PKT_TYPE_SERVICE_MESSAGE: u16 = 0xB;
pub const PKT_TYPE_REAUTH_MESSAGE: u16 = 0xC;
pub const PKT_TYPE_KEEPALIVE: u16 = 0xD;
pub const PKT_TYPE_CLOSE_CHANNEL: u16 = 0x10;
pub const PKT_TYPE_CLOSE_CHANNEL_RESPONSE: u16 = 0x11;

/// HTTP_CAPABILITY_TYPE ([MS-TSGU] 2.2.5.3.2): the client asks for statement-of-health quarantine.
pub const HTTP_CAPABILITY_TYPE_QUAR_SOH: u32 = 0x1;
pub const HTTP_CAPABILITY_IDLE_TIMEOUT: u32 = 0x2;
/// HTTP_EXTENDED_AUTH ([MS-TSGU] 2.2.5.3.4): none (HTTP authentication only).
pub const HTTP_EXTENDED_AUTH_NONE: u16 = 0x0;
/// The channel's protocol: RDP ([MS-TSGU] 2.2.10.2, protocol field).
pub const PROTOCOL_RDP: u16 = 3;

// Optional-field flags.
const TUNNEL_PACKET_FIELD_PAA_COOKIE: u16 = 0x1; // 2.2.5.3.6
const TUNNEL_PACKET_FIELD_REAUTH: u16 = 0x2;
const TUNNEL_RESPONSE_FIELD_TUNNEL_ID: u16 = 0x1; // 2.2.5.3.8
const TUNNEL_RESPONSE_FIELD_CAPS: u16 = 0x2;
const TUNNEL_AUTH_FIELD_SOH: u16 = 0x1; // 2.2.5.3.5
const TUNNEL_AUTH_RESPONSE_FIELD_REDIR_FLAGS: u16 = 0x1; // 2.2.5.3.7
const TUNNEL_AUTH_RESPONSE_FIELD_IDLE_TIMEOUT: u16 = 0x2;
const CHANNEL_RESPONSE_FIELD_CHANNELID: u16 = 0x1; // 2.2.5.3.1

/// One RDGHTTP packet, decoded. Strings are UTF-16LE on the wire (HTTP_UNICODE_STRING, 2.2.10.22).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Packet {
    /// 2.2.10.10 HTTP_HANDSHAKE_REQUEST_PACKET.
    HandshakeRequest { ver_major: u8, ver_minor: u8, client_version: u16, extended_auth: u16 },
    /// 2.2.10.11 HTTP_HANDSHAKE_RESPONSE_PACKET.
    HandshakeResponse { error_code: u32, ver_major: u8, ver_minor: u8, server_version: u16, extended_auth: u16 },
    /// 2.2.10.8 HTTP_EXTENDED_AUTH_PACKET.
    ExtendedAuth { error_code: u32, blob: Vec<u8> },
    /// 2.2.10.18 HTTP_TUNNEL_PACKET.
    TunnelCreate { caps: u32, paa_cookie: Option<Vec<u8>> },
    /// 2.2.10.20 HTTP_TUNNEL_RESPONSE (with 2.2.10.21's tunnelId and capsFlags when present).
    TunnelResponse { server_version: u16, status_code: u32, tunnel_id: Option<u32>, caps: Option<u32> },
    /// 2.2.10.14 HTTP_TUNNEL_AUTH_PACKET.
    TunnelAuth { client_name: String },
    /// 2.2.10.16 HTTP_TUNNEL_AUTH_RESPONSE (with 2.2.10.17's redirFlags and idleTimeout when present).
    TunnelAuthResponse { error_code: u32, redir_flags: Option<u32>, idle_timeout: Option<u32> },
    /// 2.2.10.2 HTTP_CHANNEL_PACKET: the target names exactly as the user typed them.
    ChannelCreate { resources: Vec<String>, alt_resources: Vec<String>, port: u16, protocol: u16 },
    /// 2.2.10.4 HTTP_CHANNEL_RESPONSE (with 2.2.10.5's channelId when present).
    ChannelResponse { error_code: u32, channel_id: Option<u32> },
    /// 2.2.10.6 HTTP_DATA_PACKET.
    Data(Vec<u8>),
    /// 2.2.10.13 HTTP_SERVICE_MESSAGE.
    ServiceMessage(String),
    /// 2.2.10.12 HTTP_REAUTH_MESSAGE.
    Reauth { context: u64 },
    /// 2.2.10.7 HTTP_KEEPALIVE_PACKET (a header only).
    Keepalive,
    /// 2.2.10.3 HTTP_CLOSE_PACKET (PKT_TYPE_CLOSE_CHANNEL).
    CloseChannel { status: u32 },
    /// 2.2.10.3 HTTP_CLOSE_PACKET (PKT_TYPE_CLOSE_CHANNEL_RESPONSE).
    CloseChannelResponse { status: u32 },
    /// A packet type this codec does not know (kept, not fatal: FreeRDP and Windows skip them).
    Unknown { packet_type: u16 },
}

impl Packet {
    /// The packet's name in [MS-TSGU] 2.2.10 (for a detail line; never Debug text).
    pub fn name(&self) -> &'static str {
        match self {
            Packet::HandshakeRequest { .. } => "HTTP_HANDSHAKE_REQUEST_PACKET",
            Packet::HandshakeResponse { .. } => "HTTP_HANDSHAKE_RESPONSE_PACKET",
            Packet::ExtendedAuth { .. } => "HTTP_EXTENDED_AUTH_PACKET",
            Packet::TunnelCreate { .. } => "HTTP_TUNNEL_PACKET",
            Packet::TunnelResponse { .. } => "HTTP_TUNNEL_RESPONSE",
            Packet::TunnelAuth { .. } => "HTTP_TUNNEL_AUTH_PACKET",
            Packet::TunnelAuthResponse { .. } => "HTTP_TUNNEL_AUTH_RESPONSE",
            Packet::ChannelCreate { .. } => "HTTP_CHANNEL_PACKET",
            Packet::ChannelResponse { .. } => "HTTP_CHANNEL_RESPONSE",
            Packet::Data(_) => "HTTP_DATA_PACKET",
            Packet::ServiceMessage(_) => "HTTP_SERVICE_MESSAGE",
            Packet::Reauth { .. } => "HTTP_REAUTH_MESSAGE",
            Packet::Keepalive => "HTTP_KEEPALIVE_PACKET",
            Packet::CloseChannel { .. } => "HTTP_CLOSE_PACKET (CLOSE_CHANNEL)",
            Packet::CloseChannelResponse { .. } => "HTTP_CLOSE_PACKET (CLOSE_CHANNEL_RESPONSE)",
            Packet::Unknown { .. } => "an unknown packet type",
        }
    }
}

/// Why a packet could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Malformed {
    /// packetLength is below the header or above `MAX_PACKET`.
    #[error("packet length {0} out of bounds")]
    BadLength(u32),
    /// The packet ends before a field it must carry.
    #[error("packet type 0x{0:X} truncated")]
    Truncated(u16),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decoded {
    /// A packet and the bytes it took.
    Packet(Packet, usize),
    NeedMore,
    Malformed(Malformed),
}

/// A bounds-checked little-endian reader: every read is an `Option`.
struct Rd<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Rd<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(n)?;
        let s = self.b.get(self.at..end)?;
        self.at = end;
        Some(s)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take(1).and_then(|s| s.first().copied())
    }
    fn u16(&mut self) -> Option<u16> {
        self.take(2).and_then(|s| s.try_into().ok()).map(u16::from_le_bytes)
    }
    fn u32(&mut self) -> Option<u32> {
        self.take(4).and_then(|s| s.try_into().ok()).map(u32::from_le_bytes)
    }
    fn u64(&mut self) -> Option<u64> {
        self.take(8).map(|s| {
            let mut a = [0u8; 8];
            a.copy_from_slice(s);
            u64::from_le_bytes(a)
        })
    }
    /// HTTP_UNICODE_STRING ([MS-TSGU] 2.2.10.22): cbLen u16, then UTF-16LE (a trailing NUL dropped).
    fn unicode(&mut self) -> Option<String> {
        let n = usize::from(self.u16()?);
        Some(utf16_to_string(self.take(n)?))
    }
    /// HTTP_BYTE_BLOB ([MS-TSGU] 2.2.10.1): cbLen u16, then the bytes.
    fn blob(&mut self) -> Option<Vec<u8>> {
        let n = usize::from(self.u16()?);
        self.take(n).map(<[u8]>::to_vec)
    }
}

fn utf16_to_string(b: &[u8]) -> String {
    let units: Vec<u16> = b.chunks_exact(2).filter_map(|c| c.try_into().ok()).map(u16::from_le_bytes).collect();
    String::from_utf16_lossy(&units).trim_end_matches('\0').to_string()
}

/// UTF-16LE with a terminating NUL, as HTTP_UNICODE_STRING carries it (cbLen counts the NUL).
fn unicode_bytes(s: &str) -> Vec<u8> {
    s.encode_utf16().chain(std::iter::once(0)).take(0x7FFF).flat_map(u16::to_le_bytes).collect()
}

/// The header alone, when 8 bytes are there: (packetType, packetLength).
pub fn peek_header(buf: &[u8]) -> Option<(u16, u32)> {
    let mut r = Rd { b: buf, at: 0 };
    let t = r.u16()?;
    r.u16()?;
    Some((t, r.u32()?))
}

/// Decode the first packet in `buf`.
pub fn decode(buf: &[u8]) -> Decoded {
    let Some((packet_type, len)) = peek_header(buf) else { return Decoded::NeedMore };
    let n = len as usize;
    if !(HEADER_LEN..=MAX_PACKET).contains(&n) {
        return Decoded::Malformed(Malformed::BadLength(len));
    }
    let Some(body) = buf.get(HEADER_LEN..n) else { return Decoded::NeedMore };
    match decode_body(packet_type, body) {
        Some(p) => Decoded::Packet(p, n),
        None => Decoded::Malformed(Malformed::Truncated(packet_type)),
    }
}

fn decode_body(packet_type: u16, body: &[u8]) -> Option<Packet> {
    let mut r = Rd { b: body, at: 0 };
    Some(match packet_type {
        PKT_TYPE_HANDSHAKE_REQUEST => Packet::HandshakeRequest {
            ver_major: r.u8()?,
            ver_minor: r.u8()?,
            client_version: r.u16()?,
            extended_auth: r.u16()?,
        },
        PKT_TYPE_HANDSHAKE_RESPONSE => Packet::HandshakeResponse {
            error_code: r.u32()?,
            ver_major: r.u8()?,
            ver_minor: r.u8()?,
            server_version: r.u16()?,
            extended_auth: r.u16()?,
        },
        PKT_TYPE_EXTENDED_AUTH_MSG => Packet::ExtendedAuth { error_code: r.u32()?, blob: r.blob()? },
        PKT_TYPE_TUNNEL_CREATE => {
            let caps = r.u32()?;
            let fields = r.u16()?;
            r.u16()?;
            if fields & TUNNEL_PACKET_FIELD_REAUTH != 0 {
                r.u64()?;
            }
            let paa_cookie = if fields & TUNNEL_PACKET_FIELD_PAA_COOKIE != 0 { Some(r.blob()?) } else { None };
            Packet::TunnelCreate { caps, paa_cookie }
        }
        PKT_TYPE_TUNNEL_RESPONSE => {
            let server_version = r.u16()?;
            let status_code = r.u32()?;
            let fields = r.u16()?;
            r.u16()?;
            // The optional fields only follow a success; a failure may stop after `reserved`.
            let tunnel_id = if fields & TUNNEL_RESPONSE_FIELD_TUNNEL_ID != 0 { r.u32() } else { None };
            let caps = if fields & TUNNEL_RESPONSE_FIELD_CAPS != 0 { r.u32() } else { None };
            Packet::TunnelResponse { server_version, status_code, tunnel_id, caps }
        }
        PKT_TYPE_TUNNEL_AUTH => {
            let fields = r.u16()?;
            let n = usize::from(r.u16()?);
            let client_name = utf16_to_string(r.take(n)?);
            if fields & TUNNEL_AUTH_FIELD_SOH != 0 {
                r.blob()?;
            }
            Packet::TunnelAuth { client_name }
        }
        PKT_TYPE_TUNNEL_AUTH_RESPONSE => {
            let error_code = r.u32()?;
            let fields = r.u16()?;
            r.u16()?;
            let redir_flags = if fields & TUNNEL_AUTH_RESPONSE_FIELD_REDIR_FLAGS != 0 { r.u32() } else { None };
            let idle_timeout = if fields & TUNNEL_AUTH_RESPONSE_FIELD_IDLE_TIMEOUT != 0 { r.u32() } else { None };
            Packet::TunnelAuthResponse { error_code, redir_flags, idle_timeout }
        }
        PKT_TYPE_CHANNEL_CREATE => {
            let n = r.u8()?;
            let alt = r.u8()?;
            let port = r.u16()?;
            let protocol = r.u16()?;
            let mut resources = Vec::new();
            for _ in 0..n {
                resources.push(r.unicode()?);
            }
            let mut alt_resources = Vec::new();
            for _ in 0..alt {
                alt_resources.push(r.unicode()?);
            }
            Packet::ChannelCreate { resources, alt_resources, port, protocol }
        }
        PKT_TYPE_CHANNEL_RESPONSE => {
            let error_code = r.u32()?;
            let fields = r.u16()?;
            r.u16()?;
            let channel_id = if fields & CHANNEL_RESPONSE_FIELD_CHANNELID != 0 { r.u32() } else { None };
            Packet::ChannelResponse { error_code, channel_id }
        }
        PKT_TYPE_DATA => {
            let n = usize::from(r.u16()?);
            Packet::Data(r.take(n)?.to_vec())
        }
        PKT_TYPE_SERVICE_MESSAGE => Packet::ServiceMessage(r.unicode()?),
        PKT_TYPE_REAUTH_MESSAGE => Packet::Reauth { context: r.u64()? },
        PKT_TYPE_KEEPALIVE => Packet::Keepalive,
        PKT_TYPE_CLOSE_CHANNEL => Packet::CloseChannel { status: r.u32()? },
        PKT_TYPE_CLOSE_CHANNEL_RESPONSE => Packet::CloseChannelResponse { status: r.u32()? },
        t => Packet::Unknown { packet_type: t },
    })
}

fn frame(packet_type: u16, body: &[u8]) -> Vec<u8> {
    let len = HEADER_LEN + body.len();
    let mut out = Vec::with_capacity(len);
    out.extend_from_slice(&packet_type.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&super::len_u32(len).to_le_bytes());
    out.extend_from_slice(body);
    out
}

/// Encode a packet. DATA longer than 0xFFFF bytes is cut to 0xFFFF (callers split larger writes).
pub fn encode(p: &Packet) -> Vec<u8> {
    let mut b = Vec::new();
    let le16 = |b: &mut Vec<u8>, v: u16| b.extend_from_slice(&v.to_le_bytes());
    let le32 = |b: &mut Vec<u8>, v: u32| b.extend_from_slice(&v.to_le_bytes());
    let t = match p {
        Packet::HandshakeRequest { ver_major, ver_minor, client_version, extended_auth } => {
            b.extend_from_slice(&[*ver_major, *ver_minor]);
            le16(&mut b, *client_version);
            le16(&mut b, *extended_auth);
            PKT_TYPE_HANDSHAKE_REQUEST
        }
        Packet::HandshakeResponse { error_code, ver_major, ver_minor, server_version, extended_auth } => {
            le32(&mut b, *error_code);
            b.extend_from_slice(&[*ver_major, *ver_minor]);
            le16(&mut b, *server_version);
            le16(&mut b, *extended_auth);
            PKT_TYPE_HANDSHAKE_RESPONSE
        }
        Packet::ExtendedAuth { error_code, blob } => {
            le32(&mut b, *error_code);
            let n = blob.len().min(0xFFFF);
            le16(&mut b, super::len_u16(n));
            b.extend_from_slice(blob.get(..n).unwrap_or_default());
            PKT_TYPE_EXTENDED_AUTH_MSG
        }
        Packet::TunnelCreate { caps, paa_cookie } => {
            le32(&mut b, *caps);
            le16(&mut b, if paa_cookie.is_some() { TUNNEL_PACKET_FIELD_PAA_COOKIE } else { 0 });
            le16(&mut b, 0);
            if let Some(c) = paa_cookie {
                let n = c.len().min(0xFFFF);
                le16(&mut b, super::len_u16(n));
                b.extend_from_slice(c.get(..n).unwrap_or_default());
            }
            PKT_TYPE_TUNNEL_CREATE
        }
        Packet::TunnelResponse { server_version, status_code, tunnel_id, caps } => {
            le16(&mut b, *server_version);
            le32(&mut b, *status_code);
            let fields = if tunnel_id.is_some() { TUNNEL_RESPONSE_FIELD_TUNNEL_ID } else { 0 }
                | if caps.is_some() { TUNNEL_RESPONSE_FIELD_CAPS } else { 0 };
            le16(&mut b, fields);
            le16(&mut b, 0);
            if let Some(v) = tunnel_id {
                le32(&mut b, *v);
            }
            if let Some(v) = caps {
                le32(&mut b, *v);
            }
            PKT_TYPE_TUNNEL_RESPONSE
        }
        Packet::TunnelAuth { client_name } => {
            let name = unicode_bytes(client_name);
            le16(&mut b, 0);
            le16(&mut b, super::len_u16(name.len()));
            b.extend_from_slice(&name);
            PKT_TYPE_TUNNEL_AUTH
        }
        Packet::TunnelAuthResponse { error_code, redir_flags, idle_timeout } => {
            le32(&mut b, *error_code);
            let fields = if redir_flags.is_some() { TUNNEL_AUTH_RESPONSE_FIELD_REDIR_FLAGS } else { 0 }
                | if idle_timeout.is_some() { TUNNEL_AUTH_RESPONSE_FIELD_IDLE_TIMEOUT } else { 0 };
            le16(&mut b, fields);
            le16(&mut b, 0);
            if let Some(v) = redir_flags {
                le32(&mut b, *v);
            }
            if let Some(v) = idle_timeout {
                le32(&mut b, *v);
            }
            PKT_TYPE_TUNNEL_AUTH_RESPONSE
        }
        Packet::ChannelCreate { resources, alt_resources, port, protocol } => {
            b.push(super::len_u8(resources.len()));
            b.push(super::len_u8(alt_resources.len()));
            le16(&mut b, *port);
            le16(&mut b, *protocol);
            for s in resources.iter().take(255).chain(alt_resources.iter().take(255)) {
                let u = unicode_bytes(s);
                le16(&mut b, super::len_u16(u.len()));
                b.extend_from_slice(&u);
            }
            PKT_TYPE_CHANNEL_CREATE
        }
        Packet::ChannelResponse { error_code, channel_id } => {
            le32(&mut b, *error_code);
            le16(&mut b, if channel_id.is_some() { CHANNEL_RESPONSE_FIELD_CHANNELID } else { 0 });
            le16(&mut b, 0);
            if let Some(v) = channel_id {
                le32(&mut b, *v);
            }
            PKT_TYPE_CHANNEL_RESPONSE
        }
        Packet::Data(d) => {
            let n = d.len().min(0xFFFF);
            le16(&mut b, super::len_u16(n));
            b.extend_from_slice(d.get(..n).unwrap_or_default());
            PKT_TYPE_DATA
        }
        Packet::ServiceMessage(s) => {
            let u = unicode_bytes(s);
            le16(&mut b, super::len_u16(u.len()));
            b.extend_from_slice(&u);
            PKT_TYPE_SERVICE_MESSAGE
        }
        Packet::Reauth { context } => {
            b.extend_from_slice(&context.to_le_bytes());
            PKT_TYPE_REAUTH_MESSAGE
        }
        Packet::Keepalive => PKT_TYPE_KEEPALIVE,
        Packet::CloseChannel { status } => {
            le32(&mut b, *status);
            PKT_TYPE_CLOSE_CHANNEL
        }
        Packet::CloseChannelResponse { status } => {
            le32(&mut b, *status);
            PKT_TYPE_CLOSE_CHANNEL_RESPONSE
        }
        Packet::Unknown { packet_type } => *packet_type,
    };
    frame(t, &b)
}

/// Packets out of a byte stream (the WebSocket payloads or the chunked/raw body, concatenated).
#[derive(Debug, Default)]
pub struct PacketReader {
    buf: Vec<u8>,
}

impl PacketReader {
    pub fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// The next whole packet, `Ok(None)` when more bytes are needed.
    pub fn next_packet(&mut self) -> Result<Option<Packet>, Malformed> {
        match decode(&self.buf) {
            Decoded::Packet(p, n) => {
                self.buf.drain(..n);
                Ok(Some(p))
            }
            Decoded::NeedMore => Ok(None),
            Decoded::Malformed(m) => Err(m),
        }
    }

    /// Drop bytes up to the first place `pattern` starts (the legacy OUT channel's random seed body
    /// before the first packet, [MS-TSGU] 3.3.5.1). False when the pattern is not (yet) there.
    pub fn skip_to(&mut self, pattern: &[u8]) -> bool {
        match self.buf.windows(pattern.len()).position(|w| w == pattern) {
            Some(i) => {
                self.buf.drain(..i);
                true
            }
            None => false,
        }
    }

    pub fn buffered(&self) -> usize {
        self.buf.len()
    }
}

/// The header of the HANDSHAKE_RESPONSE a gateway answers first (type 2, length 18): how a client
/// finds the first packet after the legacy OUT channel's seed body.
pub const HANDSHAKE_RESPONSE_HEADER: [u8; 8] = [0x02, 0x00, 0x00, 0x00, 0x12, 0x00, 0x00, 0x00];

// ---------------------------------------------------------------------------------------------
// HTTP/1.1 heads ([MS-TSGU] 3.3.5.1, 3.3.5.2; RFC 9112) with httparse.

/// The largest HTTP head we read.
pub const MAX_HEAD: usize = 16 * 1024;
const MAX_HEADERS: usize = 64;

/// Methods of the HTTP transport ([MS-TSGU] 3.3.5.1): the OUT channel (and the WebSocket upgrade)
/// and the legacy IN channel.
pub const RDG_OUT_DATA: &str = "RDG_OUT_DATA";
pub const RDG_IN_DATA: &str = "RDG_IN_DATA";
/// The path every RD Gateway serves the HTTP transport on.
pub const RDG_PATH: &str = "/remoteDesktopGateway/";
/// The RPC-over-HTTP endpoint of the legacy RPC transport ([MS-TSGU] 2.1, [MS-RPCH]).
pub const RPC_PATH: &str = "/rpc/rpcproxy.dll";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    /// Request: method and path. Response: empty method, the reason phrase in `path`.
    pub method: String,
    pub path: String,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// Bytes the head took (what follows is body).
    pub len: usize,
}

impl Head {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
    pub fn all(&self, name: &str) -> impl Iterator<Item = &str> {
        self.headers.iter().filter(move |(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
    pub fn content_length(&self) -> Option<usize> {
        self.header("Content-Length").and_then(|v| v.trim().parse().ok())
    }
    pub fn chunked(&self) -> bool {
        self.header("Transfer-Encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked"))
    }
    /// The authentication offers of a 401 (`WWW-Authenticate`), as (scheme, token) in order.
    pub fn auth_offers(&self) -> Vec<(String, Option<String>)> {
        self.all("WWW-Authenticate").flat_map(split_auth).collect()
    }
    /// The `Authorization` of a request as (scheme, token).
    pub fn authorization(&self) -> Option<(String, Option<String>)> {
        self.header("Authorization").and_then(|v| split_auth(v).into_iter().next())
    }
}

/// `Negotiate abc==` -> (Negotiate, abc==). A comma-separated list with parameters (`Basic
/// realm="x", NTLM`) gives each scheme.
fn split_auth(v: &str) -> Vec<(String, Option<String>)> {
    let v = v.trim();
    let (scheme, rest) = v.split_once(' ').unwrap_or((v, ""));
    let rest = rest.trim();
    if scheme.contains(',') {
        return v.split(',').filter(|s| !s.trim().is_empty()).flat_map(split_auth).collect();
    }
    let token = (!rest.is_empty() && !rest.contains('=') || rest.ends_with('=') && !rest.contains('"'))
        .then(|| rest.split(',').next().unwrap_or("").trim().to_string())
        .filter(|t| !t.is_empty());
    vec![(scheme.to_string(), token)]
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeadParse {
    Complete(Head),
    NeedMore,
    /// Not HTTP, or a head larger than `MAX_HEAD`.
    Bad,
}

fn collect(headers: &[httparse::Header<'_>]) -> Vec<(String, String)> {
    headers.iter().map(|h| (h.name.to_string(), String::from_utf8_lossy(h.value).into_owned())).collect()
}

pub fn parse_response(buf: &[u8]) -> HeadParse {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut r = httparse::Response::new(&mut headers);
    match r.parse(buf) {
        Ok(httparse::Status::Complete(len)) => HeadParse::Complete(Head {
            method: String::new(),
            path: r.reason.unwrap_or("").to_string(),
            status: r.code.unwrap_or(0),
            headers: collect(r.headers),
            len,
        }),
        Ok(httparse::Status::Partial) if buf.len() < MAX_HEAD => HeadParse::NeedMore,
        _ => HeadParse::Bad,
    }
}

pub fn parse_request(buf: &[u8]) -> HeadParse {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut r = httparse::Request::new(&mut headers);
    match r.parse(buf) {
        Ok(httparse::Status::Complete(len)) => HeadParse::Complete(Head {
            method: r.method.unwrap_or("").to_string(),
            path: r.path.unwrap_or("").to_string(),
            status: 0,
            headers: collect(r.headers),
            len,
        }),
        Ok(httparse::Status::Partial) if buf.len() < MAX_HEAD => HeadParse::NeedMore,
        _ => HeadParse::Bad,
    }
}

/// An HTTP/1.1 request head.
pub fn encode_request(method: &str, path: &str, host: &str, headers: &[(&str, String)]) -> Vec<u8> {
    let mut s = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\n");
    for (n, v) in headers {
        s.push_str(&format!("{n}: {v}\r\n"));
    }
    s.push_str("\r\n");
    s.into_bytes()
}

/// An HTTP/1.1 response head.
pub fn encode_response(status: u16, reason: &str, headers: &[(&str, String)]) -> Vec<u8> {
    let mut s = format!("HTTP/1.1 {status} {reason}\r\n");
    for (n, v) in headers {
        s.push_str(&format!("{n}: {v}\r\n"));
    }
    s.push_str("\r\n");
    s.into_bytes()
}

/// The WebSocket upgrade headers a client adds ([MS-TSGU] 3.3.5.1 with RFC 6455 4.1).
pub fn websocket_request_headers(key: &str) -> Vec<(&'static str, String)> {
    vec![
        ("Connection", "Upgrade".into()),
        ("Upgrade", "websocket".into()),
        ("Sec-WebSocket-Version", "13".into()),
        ("Sec-WebSocket-Key", key.into()),
    ]
}

/// RFC 6455 4.2.2: the Sec-WebSocket-Accept for a Sec-WebSocket-Key.
pub fn websocket_accept(key: &str) -> String {
    tungstenite::handshake::derive_accept_key(key.as_bytes())
}

// ---------------------------------------------------------------------------------------------
// Chunked transfer coding (RFC 9112 7.1): the legacy IN channel's body.

/// The largest chunk we accept (a DATA packet with its header fits easily).
pub const MAX_CHUNK: usize = 1 << 20;

pub fn encode_chunk(data: &[u8]) -> Vec<u8> {
    let mut out = format!("{:x}\r\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\r\n");
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dechunk {
    /// Body bytes were produced (maybe none); feed more.
    Ok,
    /// The last chunk (size 0) arrived.
    End,
    /// Not chunked coding, or a chunk above `MAX_CHUNK`.
    Bad,
}

/// Decodes chunked coding incrementally: `feed` bytes, take the body from `out`.
#[derive(Debug, Default)]
pub struct Dechunker {
    pending: Vec<u8>,
    /// Body bytes still to read in the current chunk, plus its CRLF.
    left: usize,
}

impl Dechunker {
    pub fn feed(&mut self, bytes: &[u8], out: &mut Vec<u8>) -> Dechunk {
        self.pending.extend_from_slice(bytes);
        loop {
            if self.left > 0 {
                // Body then CRLF: `left` counts both; the CRLF's 2 bytes are dropped.
                let take = self.left.min(self.pending.len());
                let body = take.min(self.left.saturating_sub(2));
                out.extend_from_slice(self.pending.get(..body).unwrap_or_default());
                self.pending.drain(..take);
                self.left -= take;
                if self.left > 0 {
                    return Dechunk::Ok;
                }
                continue;
            }
            let Some(eol) = self.pending.windows(2).position(|w| w == b"\r\n") else {
                return if self.pending.len() > 64 { Dechunk::Bad } else { Dechunk::Ok };
            };
            let line = String::from_utf8_lossy(self.pending.get(..eol).unwrap_or_default()).into_owned();
            let size_hex = line.split(';').next().unwrap_or("").trim();
            let Ok(size) = usize::from_str_radix(size_hex, 16) else { return Dechunk::Bad };
            if size > MAX_CHUNK {
                return Dechunk::Bad;
            }
            self.pending.drain(..eol + 2);
            if size == 0 {
                return Dechunk::End;
            }
            self.left = size + 2;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// WebSocket frames (RFC 6455 5.2) with tungstenite's frame codec.

pub use tungstenite::protocol::frame::coding::{Control, Data as WsData, OpCode};

/// The largest WebSocket payload we accept.
pub const MAX_WS_PAYLOAD: u64 = 1 << 20;

/// One binary frame; a client masks (RFC 6455 5.3), a server does not.
pub fn ws_binary(payload: &[u8], mask: Option<[u8; 4]>) -> Vec<u8> {
    ws_frame(OpCode::Data(WsData::Binary), payload, mask)
}

pub fn ws_frame(opcode: OpCode, payload: &[u8], mask: Option<[u8; 4]>) -> Vec<u8> {
    let header = tungstenite::protocol::frame::FrameHeader { opcode, mask, ..Default::default() };
    let frame = tungstenite::protocol::frame::Frame::from_payload(header, payload.to_vec().into());
    let mut out = Vec::with_capacity(payload.len() + 14);
    // Writing to a Vec cannot fail.
    let _ = frame.format(&mut out);
    out
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WsDecoded {
    /// Opcode, FIN, the unmasked payload, and the bytes the frame took.
    Frame {
        opcode: OpCode,
        fin: bool,
        payload: Vec<u8>,
        len: usize,
    },
    NeedMore,
    /// A frame tungstenite rejects, or a payload above `MAX_WS_PAYLOAD`.
    Bad,
}

pub fn ws_decode(buf: &[u8]) -> WsDecoded {
    let mut cur = Cursor::new(buf);
    match tungstenite::protocol::frame::FrameHeader::parse(&mut cur) {
        Ok(Some((header, length))) => {
            if length > MAX_WS_PAYLOAD {
                return WsDecoded::Bad;
            }
            // Both within `buf` or `MAX_WS_PAYLOAD`: a failed conversion is a frame we will not read.
            let (Ok(start), Ok(length)) = (usize::try_from(cur.position()), usize::try_from(length)) else {
                return WsDecoded::Bad;
            };
            let end = start + length;
            let Some(p) = buf.get(start..end) else { return WsDecoded::NeedMore };
            let mut payload = p.to_vec();
            if let Some(m) = header.mask {
                for (b, k) in payload.iter_mut().zip(m.iter().cycle()) {
                    *b ^= k;
                }
            }
            WsDecoded::Frame { opcode: header.opcode, fin: header.is_final, payload, len: end }
        }
        Ok(None) => WsDecoded::NeedMore,
        Err(_) => WsDecoded::Bad,
    }
}

// ---------------------------------------------------------------------------------------------
// One direction of a tunnel: bytes as they arrive on a connection -> packets.

/// How packets are wrapped on one direction of the transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// WebSocket frames (RFC 6455), both directions of the WebSocket transport.
    WebSocket,
    /// A chunked body: the legacy IN channel (client to gateway).
    Chunked,
    /// Raw after a random seed body: the legacy OUT channel (gateway to client, [MS-TSGU] 3.3.5.1).
    RawAfterSeed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StreamError {
    /// A WebSocket frame tungstenite rejects, or too large.
    #[error("bad WebSocket frame")]
    BadFrame,
    /// A WebSocket Close frame.
    #[error("WebSocket closed")]
    WebSocketClosed,
    #[error("bad HTTP chunk")]
    BadChunk,
    /// No handshake response within the first `MAX_SEED` bytes of the legacy OUT channel.
    #[error("no packet after the seed")]
    NoPacketAfterSeed,
    #[error("malformed packet: {0}")]
    Packet(Malformed),
}

/// The longest seed body we skip ([MS-TSGU] says 100 bytes; Windows sends about 10).
pub const MAX_SEED: usize = 1024;

/// Unwraps one direction of a tunnel into packets; feed it bytes, take packets.
#[derive(Debug)]
pub struct StreamDecoder {
    framing: Framing,
    raw: Vec<u8>,
    dechunk: Dechunker,
    pkts: PacketReader,
    seed_skipped: bool,
}

impl StreamDecoder {
    pub fn new(framing: Framing) -> StreamDecoder {
        StreamDecoder {
            framing,
            raw: Vec::new(),
            dechunk: Dechunker::default(),
            pkts: PacketReader::default(),
            seed_skipped: framing != Framing::RawAfterSeed,
        }
    }

    pub fn feed(&mut self, bytes: &[u8]) -> Result<(), StreamError> {
        match self.framing {
            Framing::RawAfterSeed => self.pkts.push(bytes),
            Framing::Chunked => {
                let mut out = Vec::new();
                if self.dechunk.feed(bytes, &mut out) == Dechunk::Bad {
                    return Err(StreamError::BadChunk);
                }
                self.pkts.push(&out);
            }
            Framing::WebSocket => {
                self.raw.extend_from_slice(bytes);
                loop {
                    match ws_decode(&self.raw) {
                        WsDecoded::Frame { opcode, payload, len, .. } => {
                            self.raw.drain(..len);
                            match opcode {
                                OpCode::Data(_) => self.pkts.push(&payload),
                                OpCode::Control(Control::Close) => return Err(StreamError::WebSocketClosed),
                                OpCode::Control(_) => {}
                            }
                        }
                        WsDecoded::NeedMore => break,
                        WsDecoded::Bad => return Err(StreamError::BadFrame),
                    }
                }
            }
        }
        Ok(())
    }

    /// The next whole packet, `Ok(None)` when more bytes are needed.
    pub fn next_packet(&mut self) -> Result<Option<Packet>, StreamError> {
        if !self.seed_skipped {
            if !self.pkts.skip_to(&HANDSHAKE_RESPONSE_HEADER) {
                return if self.pkts.buffered() > MAX_SEED { Err(StreamError::NoPacketAfterSeed) } else { Ok(None) };
            }
            self.seed_skipped = true;
        }
        self.pkts.next_packet().map_err(StreamError::Packet)
    }
}

#[cfg(test)]
mod tests;
