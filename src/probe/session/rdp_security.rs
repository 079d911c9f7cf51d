//! Standard RDP Security enumeration: the connector implements only the no-encryption variant, so for a
//! server that selects PROTOCOL_RDP the session layer stops after the MCS Connect Response and reads
//! which encryption the server accepts, as nmap's rdp-enum-encryption does. One connection per method:
//! X.224 Connection Request for PROTOCOL_RDP ([MS-RDPBCGR] 2.2.1.1), MCS Connect Initial with client
//! core, security and network data offering that one encryptionMethods bit (2.2.1.3, 2.2.1.3.3), then
//! the Server Security Data of the Connect Response (2.2.1.4.3): encryptionMethod and encryptionLevel.

use crate::codec::x224::TpktHeader;
use crate::net::FrameError;
use crate::observations::{RdpMethodObs, RdpSecurityObs};
use crate::probe::ProbeContext;
use crate::probe::x224::{self, NegRequest, Reply};
use ironrdp_pdu::gcc::EncryptionLevel;
use ironrdp_pdu::gcc::{
    self, ClientCoreData, ClientCoreOptionalData, ClientEarlyCapabilityFlags, ClientGccBlocks, ClientNetworkData,
    ClientSecurityData, ColorDepth, EncryptionMethod, HighColorDepth, RdpVersion, SecureAccessSequence,
    SupportedColorDepths,
};
use ironrdp_pdu::mcs::{ConnectInitial, ConnectResponse};
use ironrdp_pdu::nego::SecurityProtocol;
use ironrdp_pdu::x224::{X224, X224Data};
use std::borrow::Cow;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;

/// encryptionMethods offered one at a time ([MS-RDPBCGR] 2.2.1.3.3): 40-bit, 56-bit, 128-bit RC4, FIPS.
pub const METHODS: [u32; 4] = [0x01, 0x08, 0x02, 0x10];
/// The longest one attempt may take (within the run's deadline).
const ATTEMPT_WAIT: Duration = Duration::from_secs(5);
/// TPKT lengths are 16-bit.
const MAX_FRAME: usize = 0xFFFF;

/// MCS Connect Initial (X.224 Data, [MS-RDPBCGR] 2.2.1.3) offering `method` alone.
pub fn encode_connect_initial(method: u32) -> Vec<u8> {
    let core = ClientCoreData {
        version: RdpVersion::V5_PLUS,
        desktop_width: 1024,
        desktop_height: 768,
        color_depth: ColorDepth::Bpp8,
        sec_access_sequence: SecureAccessSequence::Del,
        keyboard_layout: 0x409,
        client_build: 0,
        client_name: "rdp-doctor".into(),
        keyboard_type: gcc::KeyboardType::IBM_ENHANCED,
        keyboard_subtype: 0,
        keyboard_functional_keys_count: 12,
        ime_file_name: String::new(),
        optional_data: ClientCoreOptionalData {
            post_beta2_color_depth: Some(ColorDepth::Bpp8),
            client_product_id: Some(1),
            serial_number: Some(0),
            high_color_depth: Some(HighColorDepth::Rgb565Bpp16),
            supported_color_depths: Some(SupportedColorDepths::BPP16),
            early_capability_flags: Some(ClientEarlyCapabilityFlags::SUPPORT_ERR_INFO_PDU),
            dig_product_id: Some(String::new()),
            connection_type: Some(gcc::ConnectionType::Lan),
            server_selected_protocol: Some(SecurityProtocol::empty()),
            ..Default::default()
        },
    };
    let blocks = ClientGccBlocks {
        core,
        security: ClientSecurityData {
            encryption_methods: EncryptionMethod::from_bits_retain(method),
            ext_encryption_methods: 0,
        },
        network: Some(ClientNetworkData { channels: Vec::new() }),
        cluster: None,
        monitor: None,
        message_channel: None,
        multi_transport_channel: None,
        monitor_extended: None,
    };
    match ConnectInitial::with_gcc_blocks(blocks) {
        Ok(ci) => ironrdp_pdu::encode_vec(&ci).map(x224_data).unwrap_or_default(),
        Err(_) => Vec::new(),
    }
}

/// TPKT + X.224 Data around an MCS PDU.
fn x224_data(mcs: Vec<u8>) -> Vec<u8> {
    ironrdp_pdu::encode_vec(&X224(X224Data { data: Cow::Owned(mcs) })).unwrap_or_default()
}

fn level_value(l: EncryptionLevel) -> u32 {
    match l {
        EncryptionLevel::None => 0,
        EncryptionLevel::Low => 1,
        EncryptionLevel::ClientCompatible => 2,
        EncryptionLevel::High => 3,
        EncryptionLevel::Fips => 4,
    }
}

/// Why a Connect Response gives no Server Security Data ([MS-RDPBCGR] 2.2.1.4).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectResponseError {
    /// A Disconnect Provider Ultimatum ([T.125] 11.15) is how xrdp and Windows refuse.
    #[error("MCS Disconnect Provider Ultimatum (reason {reason})")]
    Refused { reason: u8 },
    /// ironrdp-pdu's reason the bytes are no MCS Connect Response.
    #[error("not an MCS Connect Response: {0}")]
    NotConnectResponse(String),
}

/// Why one offered method got no Connect Response.
#[derive(Debug, thiserror::Error)]
pub enum AttemptError {
    #[error("the TCP connection could not be made")]
    NoConnection,
    #[error("not TPKT: {0}")]
    NotTpkt(String),
    #[error("TPKT length {0}")]
    TpktLength(usize),
    #[error("oversized frame")]
    Oversized,
    #[error("no answer before the deadline")]
    NoAnswer,
    #[error("read: {0}")]
    Read(std::io::Error),
    #[error("the server closed the connection (FIN)")]
    Closed,
    #[error("write timed out")]
    WriteTimeout,
    #[error("write: {0}")]
    Write(std::io::Error),
    /// The X.224 answer to a request for Standard RDP Security alone, described.
    #[error("the server did not select Standard RDP Security: {0}")]
    NotSelected(String),
    #[error(transparent)]
    ConnectResponse(#[from] ConnectResponseError),
}

/// encryptionMethod and encryptionLevel of a Connect Response's Server Security Data.
pub fn decode_connect_response(frame: &[u8]) -> Result<(u32, u32), ConnectResponseError> {
    let mcs = ironrdp_pdu::decode::<X224<X224Data<'_>>>(frame)
        .map_err(|e| e.to_string())
        .and_then(|X224(d)| ironrdp_pdu::decode::<ConnectResponse>(d.data.as_ref()).map_err(|e| e.to_string()));
    match mcs {
        Ok(r) => {
            let sec = &r.conference_create_response.gcc_blocks().security;
            Ok((sec.encryption_method.bits(), level_value(sec.encryption_level)))
        }
        Err(e) => {
            // A Disconnect Provider Ultimatum is how xrdp and Windows refuse.
            match crate::codec::session::classify_server_frame(frame) {
                crate::codec::session::ServerFrame::DisconnectUltimatum { reason } => {
                    Err(ConnectResponseError::Refused { reason })
                }
                _ => Err(ConnectResponseError::NotConnectResponse(e)),
            }
        }
    }
}

/// Read one TPKT frame ([T.123] 8: version 3, a 16-bit length), bounded, by `until`.
async fn read_tpkt(s: &mut tokio::net::TcpStream, until: Instant) -> Result<Vec<u8>, AttemptError> {
    let size = |buf: &[u8]| match crate::codec::x224::tpkt_header(buf) {
        TpktHeader::NotTpkt => Err(AttemptError::NotTpkt(crate::probe::hex_prefix(buf, 16))),
        TpktHeader::Length(n) if n < 4 => Err(AttemptError::TpktLength(n)),
        TpktHeader::Length(n) => Ok(Some(n)),
        TpktHeader::NeedMore => Ok(None),
    };
    let mut buf = Vec::new();
    crate::net::read_frame(s, &mut buf, size, MAX_FRAME, until.into()).await.map_err(|e| match e {
        FrameError::Unrecognised(e) => e,
        FrameError::Oversized(_) => AttemptError::Oversized,
        FrameError::Timeout => AttemptError::NoAnswer,
        FrameError::Io(e) => AttemptError::Read(e),
        FrameError::Closed => AttemptError::Closed,
    })
}

async fn send(s: &mut tokio::net::TcpStream, bytes: &[u8], until: Instant) -> Result<(), AttemptError> {
    match tokio::time::timeout_at(until.into(), s.write_all(bytes)).await {
        Err(_) => Err(AttemptError::WriteTimeout),
        Ok(r) => r.map_err(AttemptError::Write),
    }
}

/// The X.224 answer in words (for a detail line; never Debug text).
fn describe_reply(r: &Reply) -> String {
    match r {
        Reply::Selected { protocol, .. } => format!("it selected protocol 0x{protocol:08X}"),
        Reply::Failure { code } => format!("RDP_NEG_FAILURE 0x{code:08X}"),
        Reply::Legacy => "a Connection Confirm without negotiation data".into(),
        Reply::Disconnect { reason } => format!(
            "an MCS Disconnect Provider Ultimatum{}",
            reason.map(|r| format!(" (reason {r})")).unwrap_or_default()
        ),
        Reply::NotRdp { service } => format!("not RDP{}", service.map(|s| format!(" ({s})")).unwrap_or_default()),
        Reply::Malformed { what } => format!("a malformed answer: {what}"),
    }
}

/// One method offered alone: `Ok((selected method, level))` or why there is no answer.
async fn attempt(addr: SocketAddr, method: u32, ctx: &ProbeContext) -> Result<(u32, u32), AttemptError> {
    let until = ctx.deadline.min(Instant::now() + ATTEMPT_WAIT);
    let (_, stream) = crate::probe::network::connect(addr, ctx).await;
    let mut s = stream.ok_or(AttemptError::NoConnection)?;
    let _ = s.set_nodelay(true);
    send(&mut s, &x224::encode_request(&NegRequest { protocols: Some(x224::PROTOCOL_RDP) }), until).await?;
    let confirm = read_tpkt(&mut s, until).await?;
    match x224::classify_reply(&confirm) {
        Reply::Selected { protocol, .. } if protocol == x224::PROTOCOL_RDP => {}
        Reply::Legacy => {}
        other => return Err(AttemptError::NotSelected(describe_reply(&other))),
    }
    send(&mut s, &encode_connect_initial(method), until).await?;
    let response = read_tpkt(&mut s, until).await?;
    let _ = tokio::time::timeout_at(until.into(), s.shutdown()).await;
    Ok(decode_connect_response(&response)?)
}

/// Offer each method alone and record what the server chose.
pub async fn enumerate(addr: SocketAddr, ctx: &ProbeContext) -> RdpSecurityObs {
    let tries = METHODS.iter().map(|&m| async move { (m, attempt(addr, m, ctx).await) });
    let mut obs = RdpSecurityObs { encryption_level: None, methods: Vec::new() };
    for (offered, result) in futures::future::join_all(tries).await {
        obs.methods.push(match result {
            Ok((selected, level)) => {
                obs.encryption_level = obs.encryption_level.or(Some(level));
                RdpMethodObs { offered, accepted: selected == offered, selected: Some(selected), detail: None }
            }
            Err(e) => RdpMethodObs { offered, accepted: false, selected: None, detail: Some(e.to_string()) },
        });
    }
    obs
}

#[cfg(test)]
mod tests {
    use super::*;
    use ironrdp_pdu::gcc::{ServerCoreData, ServerGccBlocks, ServerNetworkData, ServerSecurityData};

    #[test]
    fn connect_initial_offers_one_method() {
        for m in METHODS {
            let bytes = encode_connect_initial(m);
            let X224(d) = ironrdp_pdu::decode::<X224<X224Data<'_>>>(&bytes).expect("X.224 data");
            let ci = ironrdp_pdu::decode::<ConnectInitial>(d.data.as_ref()).expect("decodes");
            let blocks = ci.conference_create_request.gcc_blocks();
            assert_eq!(blocks.security.encryption_methods.bits(), m);
            assert_eq!(blocks.core.optional_data.server_selected_protocol, Some(SecurityProtocol::empty()));
        }
    }

    #[test]
    fn connect_response_gives_method_and_level() {
        let gcc = ServerGccBlocks {
            core: ServerCoreData { version: RdpVersion::V5_PLUS, optional_data: Default::default() },
            network: ServerNetworkData { io_channel: 1003, channel_ids: Vec::new() },
            security: ServerSecurityData {
                encryption_method: EncryptionMethod::BIT_128,
                encryption_level: EncryptionLevel::High,
                server_random: Some([7; 32]),
                server_cert: vec![1, 2, 3],
            },
            message_channel: None,
            multi_transport_channel: None,
        };
        let resp = ConnectResponse {
            conference_create_response: gcc::ConferenceCreateResponse::new(1002, gcc).unwrap(),
            called_connect_id: 1,
            domain_parameters: ironrdp_pdu::mcs::DomainParameters::target(),
        };
        let bytes = x224_data(ironrdp_pdu::encode_vec(&resp).unwrap());
        assert_eq!(decode_connect_response(&bytes), Ok((0x02, 3)));
        let dpu = [0x03, 0x00, 0x00, 0x09, 0x02, 0xF0, 0x80, 0x21, 0x80];
        assert!(decode_connect_response(&dpu).unwrap_err().to_string().contains("Disconnect Provider Ultimatum"));
        assert!(decode_connect_response(&[3, 0, 0, 7, 2, 0xF0, 0x80]).is_err());
    }

    proptest::proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
            let _ = decode_connect_response(&bytes);
        }
    }
}
