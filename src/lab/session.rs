//! The lab's connection sequence ([MS-RDPBCGR] 1.3.1.1) after its TLS accept: ironrdp-acceptor's
//! `Acceptor` stepped by hand, with the scenario's PDU injected at the stage where Windows sends it.
//! Served on the SSL path, and on HYBRID/HYBRID_EX after `lab/credssp.rs` authenticated the client.

use ironrdp_acceptor::{Acceptor, DesktopSize};
use ironrdp_connector::Sequence as _;
use ironrdp_pdu::WriteBuf;
use ironrdp_pdu::mcs::{DisconnectReason, McsMessage, SendDataIndication};
use ironrdp_pdu::nego::SecurityProtocol;
use ironrdp_pdu::rdp::capability_sets::{
    Bitmap, BitmapDrawingFlags, CapabilitySet, General, GeneralExtraFlags, MajorPlatformType,
};
use ironrdp_pdu::rdp::headers::{ShareControlHeader, ShareControlPdu};
use ironrdp_pdu::rdp::server_redirection::ServerRedirectionPdu;
use ironrdp_pdu::x224::X224;
use std::borrow::Cow;
use std::io;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// What the lab does in the connection sequence (`Scenario::session`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    /// The whole sequence, then one bitmap update.
    Healthy,
    /// After Client Info, where licensing starts: Set Error Info with this errorInfo, then MCS Disconnect
    /// Provider Ultimatum (how Windows refuses, e.g. ERRINFO_SERVER_DENIED_CONNECTION).
    ErrorInfoInLicensing(u32),
    /// A Licensing Error Message instead of the license, then the connection is closed.
    LicenseError { code: u32, state_transition: u32 },
    /// A Server Redirection PDU in place of the Demand Active PDU.
    Redirect { target: &'static str, load_balance_info: &'static str },
    /// After finalization, a Save Session Info logon error when Client Info carried a password (auto-logon);
    /// without one, like `Healthy`.
    LogonError { notification_type: u32, notification_data: u32 },
    /// MCS Disconnect Provider Ultimatum after licensing, in place of the Demand Active PDU.
    DisconnectMidSequence { reason: u8 },
    /// A well-framed TPKT whose X.224/MCS content is nonsense, in place of the Demand Active PDU.
    GarbageMidSequence,
    /// After licensing, nothing: the Demand Active PDU never comes and the connection stays open.
    StallMidSequence,
}

/// An errorInfo ([MS-RDPBCGR] 2.2.5.1.1) no table knows (the probe must keep its number).
pub const ERRINFO_UNKNOWN: u32 = 0x0000_7A5E;
// Licensing Error Message ([MS-RDPELE] 2.2.2.7.1 / [MS-RDPBCGR] 2.2.1.12.1.3).
pub(super) const ERR_NO_LICENSE_SERVER: u32 = 0x6;
pub(super) const ST_TOTAL_ABORT: u32 = 0x1;
// Logon errors ([MS-RDPBCGR] 2.2.10.1.1.4.1.1), as the knowledge table logon.rs names them.
pub(super) const LOGON_FAILED_OTHER: u32 = 0xFFFF_FFFF;
pub(super) const LOGON_FAILED_BAD_PASSWORD: u32 = 0x0;
/// Where the redirect scenario sends clients: another loopback address of the lab.
pub const REDIRECT_TARGET: &str = "127.0.0.2";

// MCS channels of ironrdp-acceptor (user 1002, I/O 1003).
const USER_CHANNEL: u16 = 1002;
const IO_CHANNEL: u16 = 1003;
const SHARE_ID: u32 = 0x0001_03EA;
const MAX_FRAME: usize = 0x1_0000;
/// Every read of the lab waits at most this long.
const READ_WAIT: Duration = Duration::from_secs(10);

fn capabilities() -> Vec<CapabilitySet> {
    vec![
        CapabilitySet::General(General {
            major_platform_type: MajorPlatformType::WINDOWS,
            extra_flags: GeneralExtraFlags::FASTPATH_OUTPUT_SUPPORTED,
            ..Default::default()
        }),
        CapabilitySet::Bitmap(Bitmap {
            pref_bits_per_pix: 32,
            desktop_width: 1024,
            desktop_height: 768,
            desktop_resize_flag: false,
            drawing_flags: BitmapDrawingFlags::empty(),
        }),
    ]
}

fn other(e: impl std::fmt::Display) -> io::Error {
    io::Error::other(e.to_string())
}

/// TPKT + X.224 Data + MCS Send Data Indication on the I/O channel around `user_data`.
pub fn send_data_indication(user_data: &[u8]) -> Vec<u8> {
    let sdi =
        SendDataIndication { initiator_id: USER_CHANNEL, channel_id: IO_CHANNEL, user_data: Cow::Borrowed(user_data) };
    ironrdp_pdu::encode_vec(&X224(McsMessage::SendDataIndication(sdi))).unwrap_or_default()
}

/// A Share Data PDU ([MS-RDPBCGR] 2.2.8.1.1.1.1 Share Control Header, 2.2.8.1.1.1.2 Share Data Header).
pub fn share_data(pdu_type2: u8, body: &[u8]) -> Vec<u8> {
    let total = 18 + body.len();
    let mut ud = Vec::with_capacity(total);
    ud.extend_from_slice(&crate::codec::len_u16(total).to_le_bytes());
    ud.extend_from_slice(&0x0017u16.to_le_bytes()); // PDUTYPE_DATAPDU | TS_PROTOCOL_VERSION
    ud.extend_from_slice(&USER_CHANNEL.to_le_bytes());
    ud.extend_from_slice(&SHARE_ID.to_le_bytes());
    ud.extend_from_slice(&[0, 1]); // pad1, STREAM_LOW
    ud.extend_from_slice(&crate::codec::len_u16(body.len() + 4).to_le_bytes());
    ud.extend_from_slice(&[pdu_type2, 0, 0, 0]);
    ud.extend_from_slice(body);
    ud
}

/// Set Error Info PDU ([MS-RDPBCGR] 2.2.5.1.1, pduType2 0x2F), with any errorInfo.
pub fn set_error_info(code: u32) -> Vec<u8> {
    send_data_indication(&share_data(0x2F, &code.to_le_bytes()))
}

/// MCS Disconnect Provider Ultimatum ([T.125] 11.15): the reason in three bits after the choice.
pub fn disconnect_ultimatum(reason: u8) -> Vec<u8> {
    let r = reason & 0x07;
    vec![0x03, 0x00, 0x00, 0x09, 0x02, 0xF0, 0x80, 0x20 | (r >> 1), (r & 1) << 7]
}

/// Licensing Error Message ([MS-RDPBCGR] 2.2.1.12.1.3): security header SEC_LICENSE_PKT, preamble
/// ERROR_ALERT / PREAMBLE_VERSION_3_0, dwErrorCode, dwStateTransition, empty BB_ERROR_BLOB.
pub fn license_error(code: u32, state_transition: u32) -> Vec<u8> {
    let mut ud = vec![0x80, 0x00, 0x00, 0x00, 0xFF, 0x03];
    ud.extend_from_slice(&16u16.to_le_bytes()); // wMsgSize: preamble + codes + blob header
    ud.extend_from_slice(&code.to_le_bytes());
    ud.extend_from_slice(&state_transition.to_le_bytes());
    ud.extend_from_slice(&[0x04, 0x00, 0x00, 0x00]); // BB_ERROR_BLOB, length 0
    send_data_indication(&ud)
}

/// Enhanced Security Server Redirection PDU ([MS-RDPBCGR] 2.2.13.3.1).
pub fn redirection(target: &str, load_balance_info: &str) -> Vec<u8> {
    let pdu = ServerRedirectionPdu {
        session_id: 7,
        target_net_address: Some(target.to_string()),
        load_balance_info: Some(load_balance_info.as_bytes().to_vec()),
        ..Default::default()
    };
    let header = ShareControlHeader {
        share_control_pdu: ShareControlPdu::ServerRedirect(pdu),
        pdu_source: USER_CHANNEL,
        share_id: 0,
    };
    send_data_indication(&ironrdp_pdu::encode_vec(&header).unwrap_or_default())
}

/// Save Session Info PDU with a logon error ([MS-RDPBCGR] 2.2.10.1, INFOTYPE_LOGON_EXTENDED_INFO,
/// TS_LOGON_INFO_EXTENDED with LOGON_EX_LOGONERRORS, 2.2.10.1.1.4).
pub fn logon_error(notification_type: u32, notification_data: u32) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(&3u32.to_le_bytes()); // INFOTYPE_LOGON_EXTENDED_INFO
    body.extend_from_slice(&18u16.to_le_bytes()); // Length
    body.extend_from_slice(&2u32.to_le_bytes()); // FieldsPresent: LOGON_EX_LOGONERRORS
    body.extend_from_slice(&8u32.to_le_bytes()); // cbFieldData
    body.extend_from_slice(&notification_type.to_le_bytes());
    body.extend_from_slice(&notification_data.to_le_bytes());
    body.extend_from_slice(&[0u8; 570]); // Pad
    send_data_indication(&share_data(0x26, &body))
}

/// One fast-path bitmap update ([MS-RDPBCGR] 2.2.9.1.2 fast-path output header, 2.2.9.1.2.1.2
/// FASTPATH_UPDATETYPE_BITMAP, 2.2.9.1.1.3.1.2 TS_UPDATE_BITMAP_DATA): a 4x1 uncompressed 16 bpp rectangle.
pub fn bitmap_update() -> Vec<u8> {
    let mut upd = Vec::new();
    upd.extend_from_slice(&1u16.to_le_bytes()); // updateType UPDATETYPE_BITMAP
    upd.extend_from_slice(&1u16.to_le_bytes()); // numberRectangles
    for v in [0u16, 0, 3, 0, 4, 1, 16, 0, 8] {
        // destLeft, destTop, destRight, destBottom, width, height, bitsPerPixel, flags, bitmapLength
        upd.extend_from_slice(&v.to_le_bytes());
    }
    upd.extend_from_slice(&[0x1F, 0x00, 0xE0, 0x07, 0x00, 0xF8, 0xFF, 0xFF]);
    let mut fp = vec![0x01]; // updateCode FASTPATH_UPDATETYPE_BITMAP
    fp.extend_from_slice(&crate::codec::len_u16(upd.len()).to_le_bytes());
    fp.extend_from_slice(&upd);
    let total = 1 + 2 + fp.len();
    let mut out = vec![0x00]; // FASTPATH_OUTPUT_ACTION_FASTPATH
    out.extend_from_slice(&(0x8000u16 | crate::codec::len_u16(total)).to_be_bytes());
    out.extend_from_slice(&fp);
    out
}

/// One frame the hint can size (`net::read_frame`), within `READ_WAIT` and `MAX_FRAME`.
async fn read_frame<S: AsyncRead + Unpin>(
    io: &mut S,
    buf: &mut Vec<u8>,
    hint: &dyn ironrdp_pdu::PduHint,
) -> io::Result<Vec<u8>> {
    let size = |b: &[u8]| hint.find_size(b).map(|found| found.map(|(_, n)| n));
    let deadline = tokio::time::Instant::now() + READ_WAIT;
    crate::net::read_frame(io, buf, size, MAX_FRAME, deadline).await.map_err(|e| match e {
        crate::net::FrameError::Timeout => io::Error::new(io::ErrorKind::TimedOut, "client silent"),
        crate::net::FrameError::Closed => io::ErrorKind::UnexpectedEof.into(),
        crate::net::FrameError::Io(e) => e,
        crate::net::FrameError::Unrecognised(e) => other(e),
        e @ crate::net::FrameError::Oversized(_) => other(e),
    })
}

async fn end<S: AsyncWrite + Unpin>(io: &mut S, frames: &[Vec<u8>]) -> io::Result<()> {
    for f in frames {
        io.write_all(f).await?;
    }
    io.flush().await?;
    crate::net::shutdown(io).await
}

/// Serve the connection sequence over `io` (the TLS stream) for a client whose X.224 request was `request`
/// and to which the lab selected `protocol` (PROTOCOL_SSL, or HYBRID/HYBRID_EX after lab/credssp.rs).
pub async fn serve<S: AsyncRead + AsyncWrite + Unpin>(
    mut io: S,
    request: &[u8],
    protocol: u32,
    script: Script,
) -> io::Result<()> {
    let security = SecurityProtocol::from_bits_truncate(protocol);
    let mut acc = Acceptor::new(security, DesktopSize { width: 1024, height: 768 }, capabilities(), None);
    // The lab already answered the X.224 request: replay it into the acceptor and drop its confirm.
    let mut out = WriteBuf::new();
    acc.step(request, None, &mut out).map_err(other)?;
    acc.step_no_input(&mut out).map_err(other)?;
    if acc.reached_security_upgrade().is_none() {
        return Err(other("the acceptor did not select the lab's protocol"));
    }
    acc.mark_security_upgrade_as_done();
    if acc.should_perform_credssp() {
        // lab/credssp.rs has already authenticated the client on this stream.
        acc.mark_credssp_as_done();
    }
    let mut buf = Vec::new();
    while !acc.state().is_terminal() {
        match (script, acc.state().name()) {
            (Script::ErrorInfoInLicensing(code), "LicensingExchange") => {
                return end(
                    &mut io,
                    &[set_error_info(code), disconnect_ultimatum(DisconnectReason::UserRequested as u8)],
                )
                .await;
            }
            (Script::LicenseError { code, state_transition }, "LicensingExchange") => {
                return end(&mut io, &[license_error(code, state_transition)]).await;
            }
            (Script::Redirect { target, load_balance_info }, "CapabilitiesSendServer") => {
                return end(&mut io, &[redirection(target, load_balance_info)]).await;
            }
            (Script::DisconnectMidSequence { reason }, "CapabilitiesSendServer") => {
                return end(&mut io, &[disconnect_ultimatum(reason)]).await;
            }
            (Script::StallMidSequence, "CapabilitiesSendServer") => {
                // Read (and drop) whatever the client sends until it gives up; answer nothing.
                let mut sink = [0u8; 1024];
                while io.read(&mut sink).await? > 0 {}
                return Ok(());
            }
            (Script::GarbageMidSequence, "CapabilitiesSendServer") => {
                // TPKT (T.123 8) around an X.224 Data TPDU whose MCS PDU type does not exist.
                return end(&mut io, &[vec![0x03, 0x00, 0x00, 0x0C, 0x02, 0xF0, 0x80, 0xFC, 0xFF, 0xFF, 0xFF, 0xFF]])
                    .await;
            }
            _ => {}
        }
        out.clear();
        let written = match acc.next_pdu_hint() {
            Some(hint) => {
                let frame = read_frame(&mut io, &mut buf, hint).await?;
                acc.step(&frame, None, &mut out)
            }
            None => acc.step_no_input(&mut out),
        }
        .map_err(other)?;
        if let Some(n) = written.size() {
            io.write_all(out.filled().get(..n).unwrap_or_default()).await?;
        }
    }
    let result = acc.get_result();
    let autologon = result.as_ref().and_then(|r| r.credentials.as_ref()).is_some_and(|c| !c.password.is_empty());
    match script {
        Script::LogonError { notification_type, notification_data } if autologon => {
            // Windows shows its logon screen with the error; the connection stays up.
            io.write_all(&logon_error(notification_type, notification_data)).await?;
        }
        _ => io.write_all(&bitmap_update()).await?,
    }
    io.flush().await?;
    // Until the client leaves.
    let mut sink = [0u8; 1024];
    while tokio::time::timeout(READ_WAIT, io.read(&mut sink)).await.map_err(other)?? > 0 {}
    Ok(())
}

/// Standard RDP Security on the lab's RDP path (RDP-Tcp SecurityLayer=0, MinEncryptionLevel=2 "client
/// compatible"): the MCS Connect Response's Server Security Data ([MS-RDPBCGR] 2.2.1.4.3) selects the
/// strongest RC4 method the client offered; a client offering none gets an MCS Disconnect Provider
/// Ultimatum. The lab implements no RC4: it closes after the answer (enough for an enumeration).
pub fn rdp_security_answer(connect_initial: &[u8]) -> Vec<u8> {
    use ironrdp_pdu::gcc::{
        ConferenceCreateResponse, EncryptionLevel, EncryptionMethod, RdpVersion, ServerCoreData, ServerGccBlocks,
        ServerNetworkData, ServerSecurityData,
    };
    use ironrdp_pdu::mcs::{ConnectInitial, ConnectResponse, DomainParameters};
    use ironrdp_pdu::x224::X224Data;
    let offered = ironrdp_pdu::decode::<X224<X224Data<'_>>>(connect_initial)
        .ok()
        .and_then(|X224(d)| ironrdp_pdu::decode::<ConnectInitial>(d.data.as_ref()).ok())
        .map(|ci| ci.conference_create_request.gcc_blocks().security.encryption_methods);
    let Some(offered) = offered else { return disconnect_ultimatum(DisconnectReason::ProviderInitiated as u8) };
    let method = [EncryptionMethod::BIT_128, EncryptionMethod::BIT_56, EncryptionMethod::BIT_40]
        .into_iter()
        .find(|m| offered.contains(*m));
    let Some(method) = method else { return disconnect_ultimatum(DisconnectReason::ProviderInitiated as u8) };
    let blocks = ServerGccBlocks {
        core: ServerCoreData { version: RdpVersion::V5_PLUS, optional_data: Default::default() },
        network: ServerNetworkData { io_channel: IO_CHANNEL, channel_ids: Vec::new() },
        security: ServerSecurityData {
            encryption_method: method,
            encryption_level: EncryptionLevel::ClientCompatible,
            server_random: Some([0x5A; 32]),
            // A placeholder where the server's proprietary certificate (2.2.1.4.3.1.1) goes.
            server_cert: vec![0u8; 16],
        },
        message_channel: None,
        multi_transport_channel: None,
    };
    let Ok(ccr) = ConferenceCreateResponse::new(USER_CHANNEL, blocks) else { return Vec::new() };
    let resp = ConnectResponse {
        conference_create_response: ccr,
        called_connect_id: 1,
        domain_parameters: DomainParameters::target(),
    };
    let mcs = ironrdp_pdu::encode_vec(&resp).unwrap_or_default();
    ironrdp_pdu::encode_vec(&X224(X224Data { data: Cow::Owned(mcs) })).unwrap_or_default()
}

/// Read the MCS Connect Initial after a PROTOCOL_RDP (or legacy) confirm, answer it, close.
pub async fn serve_rdp_security<S: AsyncRead + AsyncWrite + Unpin>(mut io: S) -> io::Result<()> {
    let mut buf = Vec::new();
    let frame = read_frame(&mut io, &mut buf, &ironrdp_pdu::X224_HINT).await?;
    end(&mut io, &[rdp_security_answer(&frame)]).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::session::{ServerFrame, classify_server_frame};

    #[test]
    fn the_lab_pdus_classify_as_what_they_are() {
        assert_eq!(classify_server_frame(&set_error_info(7)), ServerFrame::SetErrorInfo { code: 7 });
        assert_eq!(classify_server_frame(&disconnect_ultimatum(3)), ServerFrame::DisconnectUltimatum { reason: 3 });
        assert_eq!(classify_server_frame(&disconnect_ultimatum(1)), ServerFrame::DisconnectUltimatum { reason: 1 });
        assert_eq!(
            classify_server_frame(&license_error(6, 1)),
            ServerFrame::LicenseError { code: 6, state_transition: 1 }
        );
        assert_eq!(
            classify_server_frame(&logon_error(LOGON_FAILED_OTHER, 0)),
            ServerFrame::SaveSessionInfo { info_type: 3, logon_error: Some((LOGON_FAILED_OTHER, 0)) }
        );
        let b = bitmap_update();
        assert_eq!(classify_server_frame(&b), ServerFrame::FastPathUpdate { len: b.len() });
        match classify_server_frame(&redirection("127.0.0.2", "Cookie: msts=x")) {
            ServerFrame::Redirection { target, load_balance_info, .. } => {
                assert_eq!(target.as_deref(), Some("127.0.0.2"));
                assert_eq!(load_balance_info.as_deref(), Some("Cookie: msts=x"));
            }
            other => panic!("{other:?}"),
        }
    }
}
