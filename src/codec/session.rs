//! Pure classifier for the frames a server sends during the connection sequence ([MS-RDPBCGR] 1.3.1.1).
//! The structure (TPKT, X.224 Data, MCS PDUs, redirection, Save Session Info) is decoded with
//! ironrdp-pdu; the numbers that matter (errorInfo, licensing dwErrorCode / dwStateTransition) are read
//! at their fixed offsets as well, so a code ironrdp-pdu does not know keeps its raw value.

use ironrdp_pdu::mcs::{DisconnectProviderUltimatum, McsMessage};
use ironrdp_pdu::rdp::server_redirection::decode_server_redirection;
use ironrdp_pdu::rdp::session_info::{InfoData, SaveSessionInfoPdu};
use ironrdp_pdu::x224::X224;

/// What one server frame is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerFrame {
    /// A fast-path output PDU ([MS-RDPBCGR] 2.2.9.1.2): an update.
    FastPathUpdate { len: usize },
    /// MCS Disconnect Provider Ultimatum ([T.125] 11.15, [MS-RDPBCGR] 2.2.2.3): the raw reason.
    DisconnectUltimatum { reason: u8 },
    /// Set Error Info PDU ([MS-RDPBCGR] 2.2.5.1): errorInfo as sent.
    SetErrorInfo { code: u32 },
    /// Licensing Error Message ([MS-RDPELE] 2.2.2.7.1, [MS-RDPBCGR] 2.2.1.12.1.3): dwErrorCode,
    /// dwStateTransition as sent.
    LicenseError { code: u32, state_transition: u32 },
    /// Any other licensing PDU (bMsgType, [MS-RDPBCGR] 2.2.1.12.1.1).
    License { msg_type: u8 },
    /// Server Redirection PDU ([MS-RDPBCGR] 2.2.13.1).
    Redirection {
        session_id: u32,
        target: Option<String>,
        target_fqdn: Option<String>,
        load_balance_info: Option<String>,
        username: Option<String>,
    },
    /// Save Session Info PDU ([MS-RDPBCGR] 2.2.10.1): infoType and, for logon errors (2.2.10.1.1.4),
    /// ErrorNotificationType / ErrorNotificationData.
    SaveSessionInfo { info_type: u32, logon_error: Option<(u32, u32)> },
    /// Deactivate All PDU ([MS-RDPBCGR] 2.2.3.1).
    DeactivateAll,
    /// Demand Active PDU ([MS-RDPBCGR] 2.2.1.13.1).
    DemandActive,
    /// Another Share Data PDU (pduType2).
    ShareData { pdu_type2: u8 },
    /// Another MCS PDU (connect response, attach user confirm, channel join confirm, other data).
    Mcs { what: &'static str },
    /// TPKT but undecodable.
    Malformed { what: String },
    /// Neither TPKT nor fast-path.
    NotRdp,
}

/// What kind of frame a `ServerFrame` is, without its fields: the JSON report's `kind`, in snake case
/// ("set_error_info", "disconnect_provider_ultimatum", ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FrameKind {
    FastPathUpdate,
    DisconnectProviderUltimatum,
    SetErrorInfo,
    LicenseError,
    License,
    Redirection,
    SaveSessionInfo,
    DeactivateAll,
    DemandActive,
    ShareData,
    Mcs,
    Malformed,
    NotRdp,
}

impl ServerFrame {
    /// The frame's kind, as the JSON report names it.
    pub fn kind(&self) -> FrameKind {
        match self {
            ServerFrame::FastPathUpdate { .. } => FrameKind::FastPathUpdate,
            ServerFrame::DisconnectUltimatum { .. } => FrameKind::DisconnectProviderUltimatum,
            ServerFrame::SetErrorInfo { .. } => FrameKind::SetErrorInfo,
            ServerFrame::LicenseError { .. } => FrameKind::LicenseError,
            ServerFrame::License { .. } => FrameKind::License,
            ServerFrame::Redirection { .. } => FrameKind::Redirection,
            ServerFrame::SaveSessionInfo { .. } => FrameKind::SaveSessionInfo,
            ServerFrame::DeactivateAll => FrameKind::DeactivateAll,
            ServerFrame::DemandActive => FrameKind::DemandActive,
            ServerFrame::ShareData { .. } => FrameKind::ShareData,
            ServerFrame::Mcs { .. } => FrameKind::Mcs,
            ServerFrame::Malformed { .. } => FrameKind::Malformed,
            ServerFrame::NotRdp => FrameKind::NotRdp,
        }
    }
}

// Share Control Header pduType ([MS-RDPBCGR] 2.2.8.1.1.1.1) and Share Data Header pduType2 (2.2.8.1.1.1.2).
const PDUTYPE_DEMANDACTIVEPDU: u16 = 0x1;
const PDUTYPE_DEACTIVATEALLPDU: u16 = 0x6;
const PDUTYPE_DATAPDU: u16 = 0x7;
const PDUTYPE_SERVER_REDIR_PKT: u16 = 0xA;
const PDUTYPE2_SAVE_SESSION_INFO: u8 = 0x26;
const PDUTYPE2_SET_ERROR_INFO_PDU: u8 = 0x2F;
// Basic Security Header flags ([MS-RDPBCGR] 2.2.8.1.1.2.1).
const SEC_LICENSE_PKT: u16 = 0x0080;
const SEC_REDIRECTION_PKT: u16 = 0x0400;
// bMsgType of a licensing preamble ([MS-RDPBCGR] 2.2.1.12.1.1).
const ERROR_ALERT: u8 = 0xFF;
// Save Session Info infoType ([MS-RDPBCGR] 2.2.10.1.1).
const INFOTYPE_LOGON_EXTENDED_INFO: u32 = 0x3;

fn u16le(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at.checked_add(2)?).and_then(|s| s.try_into().ok()).map(u16::from_le_bytes)
}

fn u32le(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at.checked_add(4)?).and_then(|s| s.try_into().ok()).map(u32::from_le_bytes)
}

/// Classify one whole frame (TPKT or fast-path) a server sent. Never panics.
pub fn classify_server_frame(frame: &[u8]) -> ServerFrame {
    let Some(&first) = frame.first() else { return ServerFrame::NotRdp };
    if first != 0x03 {
        // Fast-path: the action bits (low two) are 0 ([MS-RDPBCGR] 2.2.9.1.2).
        // Its length is one byte, or two with the top bit set.
        let len = match (frame.get(1), frame.get(2)) {
            (Some(&b1), _) if b1 & 0x80 == 0 => Some(b1 as usize),
            (Some(&b1), Some(&b2)) => Some((((b1 & 0x7F) as usize) << 8) | b2 as usize),
            _ => None,
        };
        return if first & 0x03 == 0 && len == Some(frame.len()) {
            ServerFrame::FastPathUpdate { len: frame.len() }
        } else {
            ServerFrame::NotRdp
        };
    }
    let msg = match ironrdp_pdu::decode::<X224<McsMessage<'_>>>(frame) {
        Ok(X224(m)) => m,
        Err(e) => {
            // ironrdp-pdu rejects reasons outside T.125's list; read the reason bits by hand
            // ([T.125] DisconnectProviderUltimatum: choice 8 << 2, reason in the next 3 bits).
            if let (Some(&b0), Some(&b1)) = (frame.get(7), frame.get(8)) {
                if frame.len() == 9 && b0 >> 2 == 8 {
                    return ServerFrame::DisconnectUltimatum { reason: ((b0 & 0x03) << 1) | (b1 >> 7) };
                }
            }
            return ServerFrame::Malformed { what: e.to_string() };
        }
    };
    match msg {
        McsMessage::DisconnectProviderUltimatum(DisconnectProviderUltimatum { reason }) => {
            ServerFrame::DisconnectUltimatum { reason: reason as u8 }
        }
        McsMessage::SendDataIndication(ind) => classify_user_data(&ind.user_data),
        McsMessage::AttachUserConfirm(_) => ServerFrame::Mcs { what: "attach_user_confirm" },
        McsMessage::ChannelJoinConfirm(_) => ServerFrame::Mcs { what: "channel_join_confirm" },
        _ => ServerFrame::Mcs { what: "other" },
    }
}

/// The user data of an MCS Send Data Indication on the I/O channel.
pub fn classify_user_data(ud: &[u8]) -> ServerFrame {
    let (Some(w0), Some(w1)) = (u16le(ud, 0), u16le(ud, 2)) else {
        return ServerFrame::Malformed { what: "send data indication shorter than a header".into() };
    };
    // A Share Control Header has a non-zero pduType in its second word where a Basic Security Header has
    // flagsHi = 0 (the same test ironrdp-pdu's decode_server_redirection makes).
    // Some servers (xrdp) put the licensing message size in flagsHi: a licensing preamble whose wMsgSize
    // matches the rest of the PDU identifies it too.
    let preamble_fits = u16le(ud, 6).is_some_and(|n| n as usize + 4 == ud.len());
    if w1 == 0 || (w0 & SEC_LICENSE_PKT != 0 && preamble_fits) {
        if w0 & SEC_LICENSE_PKT != 0 {
            // Licensing preamble after the 4-byte security header: bMsgType, flags, wMsgSize.
            let Some(&msg_type) = ud.get(4) else {
                return ServerFrame::Malformed { what: "short licensing PDU".into() };
            };
            if msg_type == ERROR_ALERT {
                // LICENSE_ERROR_MESSAGE: dwErrorCode, dwStateTransition ([MS-RDPELE] 2.2.2.7.1 / [MS-RDPBCGR] 2.2.1.12.1.3).
                return match (u32le(ud, 8), u32le(ud, 12)) {
                    (Some(code), Some(state_transition)) => ServerFrame::LicenseError { code, state_transition },
                    _ => ServerFrame::Malformed { what: "short licensing error message".into() },
                };
            }
            return ServerFrame::License { msg_type };
        }
        if w0 & SEC_REDIRECTION_PKT != 0 {
            return redirection(ud);
        }
        return ServerFrame::Mcs { what: "security_header_pdu" };
    }
    let total = w0 as usize;
    if total < 6 || total > ud.len() {
        // A Share Control Header's totalLength of 0x8000 marks a flow PDU; anything else must fit.
        if w0 == 0x8000 {
            return ServerFrame::Mcs { what: "flow_pdu" };
        }
        return ServerFrame::Malformed { what: format!("share control totalLength {total} with {} bytes", ud.len()) };
    }
    match w1 & 0x000F {
        PDUTYPE_DEMANDACTIVEPDU => ServerFrame::DemandActive,
        PDUTYPE_DEACTIVATEALLPDU => ServerFrame::DeactivateAll,
        PDUTYPE_SERVER_REDIR_PKT => redirection(ud),
        PDUTYPE_DATAPDU => {
            // Share Data Header after the 6-byte Share Control Header: shareId(4) pad(1) streamId(1)
            // uncompressedLength(2) pduType2(1) compressedType(1) compressedLength(2); body at 18.
            let Some(&pdu_type2) = ud.get(14) else {
                return ServerFrame::Malformed { what: "short share data header".into() };
            };
            let body = ud.get(18..).unwrap_or_default();
            match pdu_type2 {
                PDUTYPE2_SET_ERROR_INFO_PDU => match u32le(body, 0) {
                    Some(code) => ServerFrame::SetErrorInfo { code },
                    None => ServerFrame::Malformed { what: "short Set Error Info PDU".into() },
                },
                PDUTYPE2_SAVE_SESSION_INFO => save_session_info(body),
                other => ServerFrame::ShareData { pdu_type2: other },
            }
        }
        _ => ServerFrame::Mcs { what: "share_control_other" },
    }
}

fn redirection(ud: &[u8]) -> ServerFrame {
    match decode_server_redirection(ud) {
        Ok(Some(r)) => ServerFrame::Redirection {
            session_id: r.session_id,
            target: r.target_net_address.clone(),
            target_fqdn: r.target_fqdn.clone(),
            load_balance_info: r.load_balance_info.as_ref().map(|b| printable(b)),
            username: r.username.clone(),
        },
        Ok(None) => ServerFrame::Malformed { what: "not a redirection PDU".into() },
        Err(e) => ServerFrame::Malformed { what: format!("redirection PDU: {e}") },
    }
}

fn save_session_info(body: &[u8]) -> ServerFrame {
    let Some(info_type) = u32le(body, 0) else {
        return ServerFrame::Malformed { what: "short Save Session Info PDU".into() };
    };
    let logon_error = match ironrdp_pdu::decode::<SaveSessionInfoPdu>(body) {
        Ok(SaveSessionInfoPdu { info_data: InfoData::LogonExtended(ext), .. }) => {
            ext.errors_info.map(|e| (e.error_type.as_u32(), e.error_data.to_u32()))
        }
        Ok(_) => None,
        // ironrdp-pdu refuses some data values; read the logon error field by hand
        // (TS_LOGON_INFO_EXTENDED: Length(2) FieldsPresent(4), then per field cbFieldData(4) + data).
        Err(_) if info_type == INFOTYPE_LOGON_EXTENDED_INFO => logon_error_by_hand(body.get(4..).unwrap_or_default()),
        Err(e) => return ServerFrame::Malformed { what: format!("Save Session Info: {e}") },
    };
    ServerFrame::SaveSessionInfo { info_type, logon_error }
}

/// LOGON_EX_AUTORECONNECTCOOKIE = 1, LOGON_EX_LOGONERRORS = 2 ([MS-RDPBCGR] 2.2.10.1.1.4).
fn logon_error_by_hand(ext: &[u8]) -> Option<(u32, u32)> {
    let present = u32le(ext, 2)?;
    let mut at = 6usize;
    if present & 1 != 0 {
        let len = u32le(ext, at)? as usize;
        at = at.checked_add(4)?.checked_add(len)?;
    }
    if present & 2 != 0 {
        // cbFieldData, then ErrorNotificationType, ErrorNotificationData.
        return Some((u32le(ext, at + 4)?, u32le(ext, at + 8)?));
    }
    None
}

/// Load-balance info is usually "Cookie: msts=…" or "tsv://…" text; show it as text when it is.
fn printable(b: &[u8]) -> String {
    let s: String = b.iter().take(256).map(|&c| if (0x20..0x7F).contains(&c) { c as char } else { '.' }).collect();
    s.trim_end_matches(['.', '\r', '\n']).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// TPKT + X.224 Data + MCS Send Data Indication (user 1002, channel 1003) around `ud`.
    pub(crate) fn sdi(ud: &[u8]) -> Vec<u8> {
        let mut mcs = vec![0x68, 0x03, 0xEA, 0x03, 0xEB, 0x70];
        if ud.len() < 0x80 {
            mcs.push(ud.len() as u8);
        } else {
            mcs.extend_from_slice(&(0x8000u16 | ud.len() as u16).to_be_bytes());
        }
        mcs.extend_from_slice(ud);
        let total = 4 + 3 + mcs.len();
        let mut out = vec![0x03, 0x00];
        out.extend_from_slice(&(total as u16).to_be_bytes());
        out.extend_from_slice(&[0x02, 0xF0, 0x80]);
        out.extend_from_slice(&mcs);
        out
    }

    fn share_data(pdu_type2: u8, body: &[u8]) -> Vec<u8> {
        let total = 18 + body.len();
        let mut ud = Vec::new();
        ud.extend_from_slice(&(total as u16).to_le_bytes());
        ud.extend_from_slice(&0x0017u16.to_le_bytes()); // PDUTYPE_DATAPDU | version 1
        ud.extend_from_slice(&1002u16.to_le_bytes());
        ud.extend_from_slice(&0x0001_03EAu32.to_le_bytes());
        ud.extend_from_slice(&[0, 1]);
        ud.extend_from_slice(&((body.len() + 4) as u16).to_le_bytes());
        ud.extend_from_slice(&[pdu_type2, 0, 0, 0]);
        ud.extend_from_slice(body);
        ud
    }

    #[test]
    fn set_error_info_keeps_unknown_codes() {
        assert_eq!(
            classify_server_frame(&sdi(&share_data(0x2F, &7u32.to_le_bytes()))),
            ServerFrame::SetErrorInfo { code: 7 }
        );
        assert_eq!(
            classify_server_frame(&sdi(&share_data(0x2F, &0xDEAD_BEEFu32.to_le_bytes()))),
            ServerFrame::SetErrorInfo { code: 0xDEAD_BEEF }
        );
    }

    #[test]
    fn disconnect_ultimatum_reason() {
        // xrdp's answer to an unsupported request: TPKT, X.224 Data, DPU rn-provider-initiated.
        let f = [0x03, 0x00, 0x00, 0x09, 0x02, 0xF0, 0x80, 0x21, 0x80];
        assert_eq!(classify_server_frame(&f), ServerFrame::DisconnectUltimatum { reason: 3 });
        let f = [0x03, 0x00, 0x00, 0x09, 0x02, 0xF0, 0x80, 0x20, 0x80];
        assert_eq!(classify_server_frame(&f), ServerFrame::DisconnectUltimatum { reason: 1 });
        // A reason outside T.125's list (7) keeps its number.
        let f = [0x03, 0x00, 0x00, 0x09, 0x02, 0xF0, 0x80, 0x23, 0x80];
        assert_eq!(classify_server_frame(&f), ServerFrame::DisconnectUltimatum { reason: 7 });
    }

    #[test]
    fn licensing_error_keeps_codes() {
        let mut ud = vec![0x80, 0x00, 0x00, 0x00, 0xFF, 0x03, 0x10, 0x00];
        ud.extend_from_slice(&6u32.to_le_bytes());
        ud.extend_from_slice(&1u32.to_le_bytes());
        ud.extend_from_slice(&[0x04, 0x00, 0x00, 0x00]);
        assert_eq!(classify_server_frame(&sdi(&ud)), ServerFrame::LicenseError { code: 6, state_transition: 1 });
    }

    #[test]
    fn xrdp_licensing_with_flags_hi() {
        // xrdp 0.10: SEC_LICENSE_PKT with flagsHi = 0x0010, then STATUS_VALID_CLIENT / ST_NO_TRANSITION.
        let ud = [0x80, 0x00, 0x10, 0x00, 0xff, 0x02, 0x10, 0x00, 0x07, 0, 0, 0, 0x02, 0, 0, 0, 0x28, 0x14, 0, 0];
        assert_eq!(classify_server_frame(&sdi(&ud)), ServerFrame::LicenseError { code: 7, state_transition: 2 });
    }

    #[test]
    fn fast_path_and_garbage() {
        assert_eq!(classify_server_frame(&[0x00, 0x05, 1, 2, 3]), ServerFrame::FastPathUpdate { len: 5 });
        assert_eq!(classify_server_frame(b"HTTP/1.1"), ServerFrame::NotRdp);
        assert!(matches!(classify_server_frame(&[3, 0, 0, 7, 2, 0xF0, 0x80]), ServerFrame::Malformed { .. }));
    }

    proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let _ = classify_server_frame(&bytes);
            let _ = classify_user_data(&bytes);
        }

        #[test]
        fn never_panics_inside_a_valid_envelope(ud in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = classify_server_frame(&sdi(&ud));
        }

        #[test]
        fn never_panics_on_share_data(t in any::<u8>(), body in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = classify_server_frame(&sdi(&share_data(t, &body)));
        }
    }
}
