//! The lab's CredSSP side ([MS-CSSP] 3.2.5): after the TLS accept on a HYBRID/HYBRID_EX selection, answer
//! TSRequests as the scenario's script (`Scenario::credssp`) says. Scripted answers reuse the probe's codecs (TSRequest,
//! NTLM CHALLENGE); `OnAuth::Verify` runs sspi's CredSSP server, which accepts any user with
//! `LAB_PASSWORD`, so a full logon (pubKeyAuth, TSCredentials, Early User Authorization Result) works.

use crate::codec::ntlm;
use crate::codec::tsrequest::{self as codec, Frame, TsRequest};
use std::io;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The password every lab server accepts for any user (a lab constant, not a secret).
pub const LAB_PASSWORD: &str = "Lab-Password-1";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnAuth {
    /// A real CredSSP server (sspi) that accepts `LAB_PASSWORD`.
    Verify,
    /// Answer the AUTHENTICATE with this errorCode (NTSTATUS).
    ErrorCode(u32),
    /// Close the connection after the AUTHENTICATE, without an errorCode.
    Close,
    /// Verify, then send this Early User Authorization Result ([MS-RDPBCGR] 2.2.10; HYBRID_EX only).
    EarlyAuth(u32),
    /// Verify; empty TSPasswordCreds ([MS-CSSP] 2.2.1.2.1, restricted admin) are taken when `true`,
    /// else the server closes right after them (DisableRestrictedAdmin = 1).
    RestrictedAdmin(bool),
}

/// How the server answers the client's first TSRequest (the NTLM NEGOTIATE).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnNegotiate {
    /// An NTLM CHALLENGE ([MS-NLMP] 2.2.1.2).
    Challenge,
    /// Close the TLS connection without answering.
    Close,
    /// A complete DER SEQUENCE whose contents are not a TSRequest ([MS-CSSP] 2.2.1).
    MalformedDer,
    /// A TSRequest with this errorCode and no token.
    ErrorCode(u32),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Script {
    /// The TSRequest version the server answers with.
    pub version: u32,
    /// The Windows build in the NTLM VERSION field.
    pub build: u16,
    pub on_negotiate: OnNegotiate,
    pub on_auth: OnAuth,
}

/// Windows Server 2022: CredSSP 6, a real NTLM exchange that accepts the lab password. A scenario's
/// script (`Scenario::credssp`) is this one unless its record says otherwise.
pub const WINDOWS_2022: Script =
    Script { version: 6, build: 20348, on_negotiate: OnNegotiate::Challenge, on_auth: OnAuth::Verify };

async fn read<S: AsyncReadExt + Unpin>(s: &mut S) -> io::Result<Option<Vec<u8>>> {
    // Exactly one DER TSRequest: what follows it (the client's MCS Connect Initial right after its
    // TSCredentials) belongs to the connection sequence and must stay in the stream.
    let mut buf = vec![0u8; 2];
    if s.read_exact(&mut buf).await.is_err() {
        return Ok(None);
    }
    let Some(&first_len) = buf.get(1) else { return Ok(None) };
    let extra = match first_len {
        l if l < 0x80 => 0,
        l @ 0x81..=0x84 => usize::from(l - 0x80),
        _ => return Ok(None),
    };
    let mut more = vec![0u8; extra];
    if s.read_exact(&mut more).await.is_err() {
        return Ok(None);
    }
    buf.extend_from_slice(&more);
    loop {
        match codec::frame_status(&buf) {
            Frame::Complete(n) if n == buf.len() => return Ok(Some(buf)),
            Frame::Bad | Frame::Complete(_) => return Ok(None),
            Frame::NeedMore => {}
        }
        let total = match extra {
            0 => 2 + usize::from(first_len),
            _ => {
                2 + extra
                    + buf.get(2..2 + extra).unwrap_or_default().iter().fold(0usize, |a, &b| (a << 8) | usize::from(b))
            }
        };
        if total > codec::MAX_TSREQUEST || total <= buf.len() {
            return Ok(None);
        }
        let mut rest = vec![0u8; total - buf.len()];
        if s.read_exact(&mut rest).await.is_err() {
            return Ok(None);
        }
        buf.extend_from_slice(&rest);
    }
}

fn challenge(script: &Script) -> Vec<u8> {
    ntlm::encode_challenge(&ntlm::Challenge {
        flags: ntlm::CLIENT_FLAGS | ntlm::TARGET_TYPE_DOMAIN,
        target_name: Some("LAB".into()),
        nb_computer_name: Some("RDLAB01".into()),
        nb_domain_name: Some("LAB".into()),
        dns_computer_name: Some("rdlab01.lab.example".into()),
        dns_domain_name: Some("lab.example".into()),
        dns_tree_name: Some("lab.example".into()),
        version: Some(ntlm::Version { major: 10, minor: 0, build: script.build, revision: 15 }),
        timestamp: Some(133_500_000_000_000_000),
    })
}

/// Serve CredSSP on an accepted TLS stream. `hybrid_ex`: HYBRID_EX was selected. Returns the stream when
/// the client authenticated and may go on to the connection sequence; `None` when the script ended it.
pub async fn serve<S: AsyncReadExt + AsyncWriteExt + Unpin>(
    s: S,
    script: Script,
    hybrid_ex: bool,
    public_key: Vec<u8>,
) -> io::Result<Option<S>> {
    if script.on_negotiate == OnNegotiate::Challenge
        && matches!(script.on_auth, OnAuth::Verify | OnAuth::EarlyAuth(_) | OnAuth::RestrictedAdmin(_))
    {
        return verify(s, script, hybrid_ex, public_key).await;
    }
    scripted_break_off(s, script).await.map(|()| None)
}

/// The scripts that end CredSSP: NEGOTIATE → CHALLENGE (or a break-off), AUTHENTICATE → as scripted.
async fn scripted_break_off<S: AsyncReadExt + AsyncWriteExt + Unpin>(mut s: S, script: Script) -> io::Result<()> {
    let Some(first) = read(&mut s).await? else { return Ok(()) };
    if codec::decode(&first).is_err() {
        return crate::net::shutdown(&mut s).await;
    }
    let reply = match script.on_negotiate {
        OnNegotiate::Challenge => {
            TsRequest { version: script.version, nego_tokens: vec![challenge(&script)], ..TsRequest::default() }
        }
        OnNegotiate::Close => return crate::net::shutdown(&mut s).await,
        OnNegotiate::MalformedDer => {
            // SEQUENCE { [0] { INTEGER of length 5 with no content bytes } }: the frame is complete,
            // the DER inside it is not.
            s.write_all(&[0x30, 0x04, 0xA0, 0x02, 0x02, 0x05]).await?;
            return crate::net::shutdown(&mut s).await;
        }
        OnNegotiate::ErrorCode(code) => {
            let r = TsRequest { version: script.version, error_code: Some(code), ..TsRequest::default() };
            s.write_all(&codec::encode(&r)).await?;
            return crate::net::shutdown(&mut s).await;
        }
    };
    s.write_all(&codec::encode(&reply)).await?;
    let Some(_auth) = read(&mut s).await? else { return Ok(()) };
    if let OnAuth::ErrorCode(code) = script.on_auth {
        let r = TsRequest { version: script.version, error_code: Some(code), ..TsRequest::default() };
        s.write_all(&codec::encode(&r)).await?;
    }
    crate::net::shutdown(&mut s).await
}

struct LabProxy;

impl sspi::credssp::CredentialsProxy for LabProxy {
    type AuthenticationData = sspi::AuthIdentity;
    fn auth_data_by_user(&mut self, username: &sspi::Username) -> io::Result<sspi::AuthIdentity> {
        Ok(sspi::AuthIdentity { username: username.clone(), password: LAB_PASSWORD.to_string().into() })
    }
    fn auth_data(&mut self) -> io::Result<Vec<sspi::AuthIdentity>> {
        Ok(Vec::new())
    }
}

async fn verify<S: AsyncReadExt + AsyncWriteExt + Unpin>(
    mut s: S,
    script: Script,
    hybrid_ex: bool,
    public_key: Vec<u8>,
) -> io::Result<Option<S>> {
    let mode = sspi::credssp::ServerMode::Ntlm(sspi::ntlm::NtlmConfig::default());
    let mut server = sspi::credssp::CredSspServer::new(public_key, LabProxy, mode).map_err(io::Error::other)?;
    loop {
        let Some(frame) = read(&mut s).await? else { return Ok(None) };
        let Ok(req) = sspi::credssp::TsRequest::from_buffer(&frame) else {
            return crate::net::shutdown(&mut s).await.map(|()| None);
        };
        match server.process(req).resolve_to_result() {
            Ok(sspi::credssp::ServerState::ReplyNeeded(r)) => {
                let mut out = Vec::new();
                r.encode_ts_request(&mut out)?;
                s.write_all(&out).await?;
            }
            Ok(sspi::credssp::ServerState::Finished(identity)) => {
                let empty = identity.username.account_name().is_empty() && identity.password.as_ref().is_empty();
                if empty && script.on_auth == OnAuth::RestrictedAdmin(false) {
                    // Restricted admin disabled: the empty TSPasswordCreds end the connection.
                    return crate::net::shutdown(&mut s).await.map(|()| None);
                }
                if hybrid_ex {
                    // Early User Authorization Result, [MS-RDPBCGR] 2.2.10.2.
                    let result = if let OnAuth::EarlyAuth(v) = script.on_auth { v } else { 0 };
                    s.write_all(&result.to_le_bytes()).await?;
                    if result != 0 {
                        return crate::net::shutdown(&mut s).await.map(|()| None);
                    }
                }
                // Authenticated: the connection sequence follows.
                return Ok(Some(s));
            }
            Err(e) => {
                if let Some(r) = e.ts_request {
                    let mut out = Vec::new();
                    r.encode_ts_request(&mut out)?;
                    s.write_all(&out).await?;
                }
                return crate::net::shutdown(&mut s).await.map(|()| None);
            }
        }
    }
}
