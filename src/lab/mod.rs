//! The fault lab: RDP servers that misbehave on purpose, written from the specification, to
//! reproduce what only Windows shows. Each scenario is one record in one table (`scenarios.rs`:
//! `Scenario`, `SCENARIOS`, `find`); the server reuses the probe's X.224 codec from the other side
//! (`x224::decode_request`, `x224::encode_confirm`), and for TLS either rustls or a hand-written
//! responder (`tls_raw`) for what rustls cannot serve.
//!
//! The lab reads what a client sends, so indexing, truncating casts, `unwrap` and `expect` are
//! denied as in `codec`; where an invariant truly holds the site says why in a local `allow`.
#![deny(clippy::indexing_slicing, clippy::cast_possible_truncation, clippy::unwrap_used, clippy::expect_used)]
#![cfg_attr(
    test,
    allow(clippy::indexing_slicing, clippy::cast_possible_truncation, clippy::unwrap_used, clippy::expect_used)
)]

pub mod accept;
pub mod credssp;
pub mod gateway;
pub mod link;
mod scenarios;
pub mod session;
pub mod tls_raw;

pub use scenarios::{DemoLogon, SCENARIOS, Scenario, UnknownScenario, find};

use crate::codec::x224::{
    self, FrameStatus, PROTOCOL_HYBRID, PROTOCOL_HYBRID_EX, PROTOCOL_RDP, PROTOCOL_SSL, Reply, SeenRequest,
};
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::task::JoinHandle;

/// The lab server's accept queue: one lab process stands for a whole fleet in the scan benchmark
/// (thousands of addresses, each with up to `--max-parallel` connections in flight).
pub const LAB_BACKLOG: u32 = 4096;
/// RDP-Tcp SecurityLayer: 0 Standard RDP Security, 1 Negotiate, 2 TLS required.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecurityLayer {
    Rdp,
    Negotiate,
    Tls,
}

/// CredSSP on the server: absent, offered, or required (RDP-Tcp UserAuthentication = 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nla {
    Off,
    Supported,
    Required,
}

/// How the server answers X.224 negotiation, as Windows' RDP-Tcp settings would make it answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub security_layer: SecurityLayer,
    pub nla: Nla,
    /// False: the certificate (or its private key) is unusable.
    pub cert_ok: bool,
    /// RDP_NEG_RSP flags sent with a CredSSP selection.
    pub hybrid_flags: u8,
    /// Pre-RDP 5.2 server: ignores RDP_NEG_REQ and always sends a plain Connection Confirm.
    pub ignores_negotiation: bool,
    /// Windows 10 / Server 2016 and later: a CredSSP selection is HYBRID_EX when the client offers it.
    pub hybrid_ex: bool,
}

/// The certificate's validity period, for the rustls server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertValidity {
    /// rcgen's default: 1975 to 4096.
    Current,
    /// Ended 10 days ago.
    Expired,
    /// Starts in 10 days.
    NotYetValid,
}

/// What the server does once the negotiation selected TLS or CredSSP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsServer {
    /// rustls (TLS 1.2 and 1.3, or 1.3 only) with a fresh self-signed certificate.
    Rustls { validity: CertValidity, tls13_only: bool },
    /// The hand-written responder: a ServerHello flight or an alert, nothing more.
    Raw(tls_raw::RawTls),
    /// Read the ClientHello, then reset the connection (a certificate whose private key cannot be used).
    ResetOnHello,
    /// Say nothing after the ClientHello unless the client clamped its MSS to 536 or less; then rustls.
    MtuBlackhole,
    /// Say nothing after the ClientHello, whatever the MSS (a hung TLS stack, or a path that drops more).
    Stall,
    /// Answer the ClientHello with these bytes (not TLS, or TLS nobody can use), then wait.
    Answer(&'static [u8]),
    /// rustls, with a certificate whose subject and subjectAltName carry terminal escape sequences.
    RustlsHostileNames,
}

/// The MSS at or below which the `mtu-blackhole` scenario answers.
pub const BLACKHOLE_MAX_MSS: u32 = 536;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    /// Answer the negotiation by `Policy`, then speak TLS when it selected TLS or CredSSP.
    Negotiate(Policy),
    /// The same, with a particular TLS server behind it.
    NegotiateTls(Policy, TlsServer),
    /// Accept, read the request, close (FIN).
    AcceptThenClose,
    /// Accept, read the request, reset (RST).
    AcceptThenReset,
    /// Accept, read the request, say nothing.
    Silent,
    /// Answer like a web server.
    NotRdp,
    /// Answer every Connection Request with RDP_NEG_FAILURE and this failureCode, then close.
    Refuse(u32),
    /// Answer with a TPKT frame that is not a Connection Confirm (X.224 TPDU code 0x70), then close.
    MalformedConfirm,
    /// Answer every Connection Request with an X.224 Disconnect Request TPDU (X.224 13.5), then close.
    DisconnectRequest,
    /// Answer every Connection Request with RDP_NEG_RSP selecting this value, whatever was requested.
    Select(u32),
    /// An RD Gateway (HTTPS, [MS-TSGU]) in front of a lab scenario or loopback servers (`gateway.rs`).
    Gateway(gateway::Gateway),
    /// A fixed share of connections meets a fault; the others are served by `policy` (an unstable
    /// VPN, an overloaded server). The faulty ones are spread evenly: exactly `percent` of any 100
    /// consecutive connections.
    Flaky { percent: u32, fault: FlakyFault, policy: Policy },
}

/// What the faulty connections of a `Flaky` scenario meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlakyFault {
    /// Reset (RST) right at accept, before reading anything.
    ResetAtAccept,
    /// Negotiation as usual, then no answer to the ClientHello.
    StallHandshake,
}

/// Whether connection `n` (0-based) of a server is one of the `percent` % that meet the fault.
pub fn flaky_hit(n: u64, percent: u32) -> bool {
    let p = u64::from(percent.min(100));
    (n + 1) * p / 100 != n * p / 100
}

const EXTENDED_CLIENT_DATA: u8 = 0x01;
/// Windows 10/11: extended client data, GFX, reserved, restricted admin, remote credential guard.
const WINDOWS_FLAGS: u8 = 0x1F;

/// The certificate names of the `hostile-names` scenario: what a hostile server puts where a report
/// shows it (erase the screen, set the window title, overwrite the line).
pub const HOSTILE_NAME: &str = "evil\x1b[2J\x1b]0;pwned\x07\rVerdict healthy";

impl Policy {
    /// The server's answer to one Connection Request ([MS-RDPBCGR] 3.3.5.3.1 and 2.2.1.2).
    pub fn answer(&self, req: SeenRequest) -> Reply {
        if self.ignores_negotiation {
            return Reply::Legacy;
        }
        let tls_bits = PROTOCOL_SSL | PROTOCOL_HYBRID | PROTOCOL_HYBRID_EX;
        let asked = req.protocols.map(|p| p & tls_bits);
        let wants_hybrid = asked.is_some_and(|p| p & (PROTOCOL_HYBRID | PROTOCOL_HYBRID_EX) != 0);
        let wants_ssl = asked.is_some_and(|p| p & PROTOCOL_SSL != 0);
        // The CredSSP protocol a selection names ([MS-RDPBCGR] 2.2.1.2.1): HYBRID_EX only where the client
        // offered it and the server is new enough.
        let hybrid = match req.protocols {
            Some(p) if self.hybrid_ex && p & PROTOCOL_HYBRID_EX != 0 => PROTOCOL_HYBRID_EX,
            _ => PROTOCOL_HYBRID,
        };
        let standard = |layer: SecurityLayer| match (layer, req.protocols) {
            (SecurityLayer::Tls, _) => Reply::Failure { code: 1 }, // SSL_REQUIRED_BY_SERVER
            (_, None) => Reply::Legacy,
            (_, Some(_)) => Reply::Selected { protocol: PROTOCOL_RDP, flags: 0 },
        };
        match self.security_layer {
            SecurityLayer::Rdp if asked.unwrap_or(0) != 0 => Reply::Failure { code: 2 }, // SSL_NOT_ALLOWED_BY_SERVER
            SecurityLayer::Rdp => standard(SecurityLayer::Rdp),
            _ if !self.cert_ok && asked.unwrap_or(0) != 0 => Reply::Failure { code: 3 }, // SSL_CERT_NOT_ON_SERVER
            layer => match self.nla {
                Nla::Required if wants_hybrid => Reply::Selected { protocol: hybrid, flags: self.hybrid_flags },
                Nla::Required => Reply::Failure { code: 5 }, // HYBRID_REQUIRED_BY_SERVER
                Nla::Supported if wants_hybrid => Reply::Selected { protocol: hybrid, flags: self.hybrid_flags },
                _ if wants_ssl => Reply::Selected { protocol: PROTOCOL_SSL, flags: EXTENDED_CLIENT_DATA },
                _ => standard(layer),
            },
        }
    }
}

/// A running lab server.
pub struct LabServer {
    pub addr: SocketAddr,
    pub scenario: &'static Scenario,
    task: JoinHandle<()>,
}

impl LabServer {
    pub fn stop(self) {
        self.task.abort();
    }
}

impl Drop for LabServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Start `scenario` listening on `addr` (port 0: a free port).
pub async fn start(scenario: &'static Scenario, addr: SocketAddr) -> io::Result<LabServer> {
    if let Behaviour::Gateway(gw) = scenario.behaviour {
        let running = Box::pin(gateway::start(gw, addr)).await?;
        let addr = running.addr;
        // The task owns the gateway (and its backend): aborting it stops both.
        let task = tokio::spawn(async move {
            let _running = running;
            std::future::pending::<()>().await
        });
        return Ok(LabServer { addr, scenario, task });
    }
    let listener = crate::net::listen(addr, LAB_BACKLOG)?;
    let addr = listener.local_addr()?;
    let (validity, tls13_only) = match scenario.behaviour {
        Behaviour::NegotiateTls(_, TlsServer::Rustls { validity, tls13_only }) => (validity, tls13_only),
        _ => (CertValidity::Current, false),
    };
    let name = match scenario.behaviour {
        Behaviour::NegotiateTls(_, TlsServer::RustlsHostileNames) => HOSTILE_NAME,
        _ => "rdp-doctor-lab",
    };
    let (tls, public_key) = tls_acceptor(validity, tls13_only, name)?;
    let tls = Arc::new(tls);
    let public_key = Arc::new(public_key);
    let mut accepted: u64 = 0;
    let task = tokio::spawn(accept::accept_loop(listener, move |stream| {
        let n = accepted;
        accepted += 1;
        let tls = tls.clone();
        let public_key = public_key.clone();
        tokio::spawn(async move {
            let _ = tokio::time::timeout(Duration::from_secs(60), serve(stream, n, scenario, &tls, &public_key)).await;
        });
    }));
    Ok(LabServer { addr, scenario, task })
}

async fn serve(
    mut stream: TcpStream,
    n: u64,
    scenario: &'static Scenario,
    tls: &tokio_rustls::TlsAcceptor,
    public_key: &[u8],
) -> io::Result<()> {
    let _ = stream.set_nodelay(true);
    let behaviour = match scenario.behaviour {
        Behaviour::Flaky { percent, fault, policy } if flaky_hit(n, percent) => match fault {
            FlakyFault::ResetAtAccept => {
                socket2::SockRef::from(&stream).set_linger(Some(Duration::ZERO))?;
                drop(stream);
                return Ok(());
            }
            FlakyFault::StallHandshake => Behaviour::NegotiateTls(policy, TlsServer::Stall),
        },
        Behaviour::Flaky { policy, .. } => Behaviour::Negotiate(policy),
        b => b,
    };
    let request = read_request(&mut stream).await?;
    match behaviour {
        // `start` serves gateways itself.
        Behaviour::Gateway(_) => crate::net::shutdown(&mut stream).await,
        Behaviour::AcceptThenClose => crate::net::shutdown(&mut stream).await,
        Behaviour::AcceptThenReset => {
            socket2::SockRef::from(&stream).set_linger(Some(Duration::ZERO))?;
            drop(stream);
            Ok(())
        }
        Behaviour::Silent => {
            let mut sink = [0u8; 512];
            while stream.read(&mut sink).await? > 0 {}
            Ok(())
        }
        Behaviour::NotRdp => {
            let body = "<html><body>400 Bad Request</body></html>";
            let reply = format!(
                "HTTP/1.1 400 Bad Request\r\nServer: lab\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            stream.write_all(reply.as_bytes()).await?;
            crate::net::shutdown(&mut stream).await
        }
        Behaviour::Refuse(code) => {
            stream.write_all(&x224::encode_confirm(&Reply::Failure { code })).await?;
            crate::net::shutdown(&mut stream).await
        }
        Behaviour::DisconnectRequest => {
            // TPKT, X.224 Disconnect Request (13.5): LI 6, code 0x80, DST-REF, SRC-REF, reason 0.
            stream.write_all(&[0x03, 0x00, 0x00, 0x0B, 0x06, 0x80, 0x00, 0x00, 0x12, 0x34, 0x00]).await?;
            crate::net::shutdown(&mut stream).await
        }
        Behaviour::Select(protocol) => {
            stream.write_all(&x224::encode_confirm(&Reply::Selected { protocol, flags: EXTENDED_CLIENT_DATA })).await?;
            crate::net::shutdown(&mut stream).await
        }
        Behaviour::Flaky { .. } => Ok(()), // resolved above
        Behaviour::MalformedConfirm => {
            // TPKT, X.224 length 6, TPDU code 0x70: no TPDU a Connection Request can be answered with.
            stream.write_all(&[0x03, 0x00, 0x00, 0x0B, 0x06, 0x70, 0x00, 0x00, 0x12, 0x34, 0x00]).await?;
            crate::net::shutdown(&mut stream).await
        }
        Behaviour::Negotiate(policy) | Behaviour::NegotiateTls(policy, _) => {
            let Some(seen) = x224::decode_request(&request) else { return crate::net::shutdown(&mut stream).await };
            let reply = policy.answer(seen);
            stream.write_all(&x224::encode_confirm(&reply)).await?;
            let server = match behaviour {
                Behaviour::NegotiateTls(_, server) => server,
                _ => TlsServer::Rustls { validity: CertValidity::Current, tls13_only: false },
            };
            match reply {
                Reply::Selected { protocol, .. }
                    if (protocol == PROTOCOL_HYBRID || protocol == PROTOCOL_HYBRID_EX)
                        && matches!(server, TlsServer::Rustls { .. } | TlsServer::RustlsHostileNames) =>
                {
                    let tls_stream = tls.accept(stream).await?;
                    match credssp::serve(
                        tls_stream,
                        scenario.credssp,
                        protocol == PROTOCOL_HYBRID_EX,
                        public_key.to_vec(),
                    )
                    .await?
                    {
                        // Authenticated: the connection sequence, as on the SSL path.
                        Some(s) => session::serve(s, &request, protocol, scenario.session).await,
                        None => Ok(()),
                    }
                }
                // The connection sequence on the SSL path (the lab's sessions run without CredSSP); every
                // scenario that gets here completes it unless its `session` script scripts a fault.
                Reply::Selected { protocol, .. }
                    if protocol == PROTOCOL_SSL
                        && matches!(server, TlsServer::Rustls { .. } | TlsServer::RustlsHostileNames) =>
                {
                    let tls_stream = tls.accept(stream).await?;
                    session::serve(tls_stream, &request, protocol, scenario.session).await
                }
                Reply::Selected { protocol, .. } if protocol != PROTOCOL_RDP => serve_tls(stream, server, tls).await,
                Reply::Failure { .. } => crate::net::shutdown(&mut stream).await,
                // Standard RDP Security: the lab answers the MCS Connect Initial with its encryption.
                _ => session::serve_rdp_security(stream).await,
            }
        }
    }
}

/// The accepted connection's MSS (TCP_MAXSEG) is at most [`BLACKHOLE_MAX_MSS`].
#[cfg(unix)]
fn small_mss(stream: &TcpStream) -> io::Result<bool> {
    Ok(socket2::SockRef::from(stream).tcp_mss()? <= BLACKHOLE_MAX_MSS)
}
/// Off Unix the lab does not read the MSS (socket2 has no reader there, and a Windows client cannot clamp
/// it anyway): the `mtu-blackhole` scenario then drops every answer, as `tls-stalled` does.
#[cfg(not(unix))]
fn small_mss(_stream: &TcpStream) -> io::Result<bool> {
    Ok(false)
}

/// The TLS part, after a confirm that selected TLS or CredSSP.
async fn serve_tls(mut stream: TcpStream, server: TlsServer, tls: &tokio_rustls::TlsAcceptor) -> io::Result<()> {
    let mut sink = [0u8; 1024];
    match server {
        TlsServer::Rustls { .. } | TlsServer::RustlsHostileNames => {
            let mut tls_stream = tls.accept(stream).await?;
            while tls_stream.read(&mut sink).await? > 0 {}
            Ok(())
        }
        TlsServer::MtuBlackhole => {
            if small_mss(&stream)? {
                let mut tls_stream = tls.accept(stream).await?;
                while tls_stream.read(&mut sink).await? > 0 {}
            } else {
                // The ClientHello arrives; the answer would be lost on the way back.
                while stream.read(&mut sink).await? > 0 {}
            }
            Ok(())
        }
        TlsServer::Stall => {
            while stream.read(&mut sink).await? > 0 {}
            Ok(())
        }
        TlsServer::Answer(bytes) => {
            if stream.read(&mut sink).await? > 0 {
                stream.write_all(bytes).await?;
            }
            while stream.read(&mut sink).await? > 0 {}
            Ok(())
        }
        TlsServer::ResetOnHello => {
            // Schannel cannot use the key: it drops the connection as soon as the ClientHello is in.
            if stream.read(&mut sink).await? > 0 {
                socket2::SockRef::from(&stream).set_linger(Some(Duration::ZERO))?;
            }
            drop(stream);
            Ok(())
        }
        TlsServer::Raw(cfg) => {
            let mut buf = Vec::new();
            let hello = loop {
                match tls_raw::read_client_hello(&buf) {
                    tls_raw::HelloRead::Hello(h) => break h,
                    tls_raw::HelloRead::Invalid => return crate::net::shutdown(&mut stream).await,
                    tls_raw::HelloRead::NeedMore if buf.len() > tls_raw::MAX_HELLO => {
                        return crate::net::shutdown(&mut stream).await;
                    }
                    tls_raw::HelloRead::NeedMore => {}
                }
                let n = stream.read(&mut sink).await?;
                if n == 0 {
                    return Ok(());
                }
                buf.extend_from_slice(sink.get(..n).unwrap_or_default());
            };
            let answer = tls_raw::answer(&cfg, &hello, &crate::codec::tls::fresh_random());
            stream.write_all(&answer).await?;
            // Wait for the client to give up (it cannot go on: the responder never finishes).
            while stream.read(&mut sink).await? > 0 {}
            Ok(())
        }
    }
}

/// Read one TPKT frame (bounded, with a deadline).
async fn read_request(stream: &mut TcpStream) -> io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 512];
    let read = async {
        loop {
            match x224::frame_status(&buf) {
                FrameStatus::NeedMore => {}
                _ => return Ok::<_, io::Error>(()),
            }
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(chunk.get(..n).unwrap_or_default());
            if buf.len() > x224::MAX_REPLY {
                return Ok(());
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(10), read)
        .await
        .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "no request"))??;
    Ok(buf)
}

/// A TLS acceptor with a fresh self-signed certificate (what an RDP host has by default), valid as
/// `validity` says, speaking TLS 1.2 and 1.3 or 1.3 only. Also returns the certificate's
/// subjectPublicKey (what CredSSP's pubKeyAuth binds).
fn tls_acceptor(
    validity: CertValidity,
    tls13_only: bool,
    name: &str,
) -> io::Result<(tokio_rustls::TlsAcceptor, Vec<u8>)> {
    let other = |e: &dyn std::fmt::Display| io::Error::other(e.to_string());
    let names = [name, "localhost", "127.0.0.1", "::1"].map(String::from).to_vec();
    let mut params = rcgen::CertificateParams::new(names).map_err(|e| other(&e))?;
    params.distinguished_name.push(rcgen::DnType::CommonName, name);
    let now = rcgen::date_time_ymd(1970, 1, 1)
        + std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    let day = Duration::from_secs(86_400);
    match validity {
        CertValidity::Current => {}
        CertValidity::Expired => {
            params.not_before = now - day * 375;
            params.not_after = now - day * 10;
        }
        CertValidity::NotYetValid => {
            params.not_before = now + day * 10;
            params.not_after = now + day * 375;
        }
    }
    let key_pair = rcgen::KeyPair::generate().map_err(|e| other(&e))?;
    let cert = params.self_signed(&key_pair).map_err(|e| other(&e))?;
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(key_pair.serialize_der().into());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ServerConfig::builder_with_provider(provider);
    let builder = if tls13_only {
        builder.with_protocol_versions(&[&rustls::version::TLS13])
    } else {
        builder.with_safe_default_protocol_versions()
    }
    .map_err(|e| other(&e))?;
    let config =
        builder.with_no_client_auth().with_single_cert(vec![cert.der().clone()], key).map_err(|e| other(&e))?;
    let public_key = crate::codec::tsrequest::subject_public_key(cert.der()).unwrap_or_default();
    Ok((tokio_rustls::TlsAcceptor::from(Arc::new(config)), public_key))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ask(p: Option<u32>, s: &str) -> Reply {
        let Behaviour::Negotiate(policy) = find(s).unwrap().behaviour else { panic!("{s} does not negotiate") };
        policy.answer(SeenRequest { protocols: p, flags: 0 })
    }

    #[test]
    fn windows_like_answers() {
        assert_eq!(ask(Some(0xB), "healthy"), Reply::Selected { protocol: PROTOCOL_HYBRID, flags: WINDOWS_FLAGS });
        assert_eq!(ask(Some(1), "healthy"), Reply::Selected { protocol: PROTOCOL_SSL, flags: 1 });
        assert_eq!(ask(Some(0), "healthy"), Reply::Failure { code: 1 });
        assert_eq!(ask(Some(1), "nla-required"), Reply::Failure { code: 5 });
        assert_eq!(ask(None, "nla-required"), Reply::Failure { code: 5 });
        assert_eq!(ask(Some(0xB), "rdp-security-only"), Reply::Failure { code: 2 });
        assert_eq!(ask(None, "rdp-security-only"), Reply::Legacy);
        assert_eq!(ask(Some(0), "rdp-security-only"), Reply::Selected { protocol: 0, flags: 0 });
        assert_eq!(ask(Some(0xB), "cert-missing"), Reply::Failure { code: 3 });
        assert_eq!(ask(Some(0), "cert-missing"), Reply::Selected { protocol: 0, flags: 0 });
        assert_eq!(ask(Some(0xB), "tls-required"), Reply::Selected { protocol: PROTOCOL_SSL, flags: 1 });
        assert_eq!(ask(Some(0xB), "legacy-server"), Reply::Legacy);
    }
}
