//! The fault lab: RDP servers that misbehave on purpose, written from the specification, to
//! reproduce what only Windows shows. Each scenario is data (`SCENARIOS`); the server reuses the
//! probe's X.224 codec from the other side (`x224::decode_request`, `x224::encode_confirm`).

pub mod session;

use crate::probe::x224::{
    self, FrameStatus, PROTOCOL_HYBRID, PROTOCOL_HYBRID_EX, PROTOCOL_RDP, PROTOCOL_SSL, Reply, SeenRequest,
};
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    /// Answer the negotiation by `Policy`, then speak TLS when it selected TLS or CredSSP.
    Negotiate(Policy),
    /// Accept, read the request, close (FIN).
    AcceptThenClose,
    /// Accept, read the request, reset (RST).
    AcceptThenReset,
    /// Accept, read the request, say nothing.
    Silent,
    /// Answer like a web server.
    NotRdp,
}

#[derive(Debug)]
pub struct Scenario {
    pub name: &'static str,
    pub description: &'static str,
    pub behaviour: Behaviour,
}

const EXTENDED_CLIENT_DATA: u8 = 0x01;
/// Windows 10/11: extended client data, GFX, reserved, restricted admin, remote credential guard.
const WINDOWS_FLAGS: u8 = 0x1F;

const fn policy(security_layer: SecurityLayer, nla: Nla, cert_ok: bool, hybrid_flags: u8) -> Behaviour {
    Behaviour::Negotiate(Policy { security_layer, nla, cert_ok, hybrid_flags, ignores_negotiation: false })
}

pub static SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "healthy",
        description: "Windows-like: HYBRID for SSL|HYBRID|HYBRID_EX, SSL for SSL-only, TLS required, restricted admin supported; on the SSL path (no credentials) the connection sequence up to a first bitmap update",
        behaviour: policy(SecurityLayer::Tls, Nla::Supported, true, WINDOWS_FLAGS),
    },
    Scenario {
        name: "nla-required",
        description: "TLS and NLA required (UserAuthentication=1): requests without CredSSP get HYBRID_REQUIRED_BY_SERVER",
        behaviour: policy(SecurityLayer::Tls, Nla::Required, true, WINDOWS_FLAGS),
    },
    Scenario {
        name: "tls-required",
        description: "TLS required, no CredSSP: Standard RDP Security requests get SSL_REQUIRED_BY_SERVER",
        behaviour: policy(SecurityLayer::Tls, Nla::Off, true, EXTENDED_CLIENT_DATA),
    },
    Scenario {
        name: "rdp-security-only",
        description: "SecurityLayer=0: any TLS or CredSSP request gets SSL_NOT_ALLOWED_BY_SERVER",
        behaviour: policy(SecurityLayer::Rdp, Nla::Off, true, 0),
    },
    Scenario {
        name: "cert-missing",
        description: "No usable certificate: TLS and CredSSP requests get SSL_CERT_NOT_ON_SERVER",
        behaviour: policy(SecurityLayer::Negotiate, Nla::Supported, false, WINDOWS_FLAGS),
    },
    Scenario {
        name: "legacy-server",
        description: "Pre-RDP 5.2 server: ignores RDP_NEG_REQ, always a plain Connection Confirm",
        behaviour: Behaviour::Negotiate(Policy {
            security_layer: SecurityLayer::Rdp,
            nla: Nla::Off,
            cert_ok: false,
            hybrid_flags: 0,
            ignores_negotiation: true,
        }),
    },
    Scenario {
        name: "accept-then-close",
        description: "Accepts the TCP connection, reads the request, closes it (FIN)",
        behaviour: Behaviour::AcceptThenClose,
    },
    Scenario {
        name: "accept-then-reset",
        description: "Accepts the TCP connection, reads the request, resets it (RST)",
        behaviour: Behaviour::AcceptThenReset,
    },
    Scenario {
        name: "silent",
        description: "Accepts the TCP connection and never answers",
        behaviour: Behaviour::Silent,
    },
    Scenario { name: "not-rdp", description: "An HTTP server on the RDP port", behaviour: Behaviour::NotRdp },
    // Connection-sequence scenarios (`session::script`), served on the SSL path after TLS.
    Scenario {
        name: "server-denied",
        description: "TLS; after Client Info, Set Error Info ERRINFO_SERVER_DENIED_CONNECTION (0x7) then MCS Disconnect Provider Ultimatum, as Windows sends it",
        behaviour: policy(SecurityLayer::Tls, Nla::Off, true, EXTENDED_CLIENT_DATA),
    },
    Scenario {
        name: "insufficient-privileges",
        description: "TLS; after Client Info, Set Error Info ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES (0x9) then MCS Disconnect Provider Ultimatum",
        behaviour: policy(SecurityLayer::Tls, Nla::Off, true, EXTENDED_CLIENT_DATA),
    },
    Scenario {
        name: "licensing-no-license-server",
        description: "TLS; a Licensing Error Message ERR_NO_LICENSE_SERVER / ST_TOTAL_ABORT instead of a license, then close",
        behaviour: policy(SecurityLayer::Tls, Nla::Off, true, EXTENDED_CLIENT_DATA),
    },
    Scenario {
        name: "redirect",
        description: "TLS; a Server Redirection PDU to another lab address (127.0.0.2) in place of the Demand Active PDU",
        behaviour: policy(SecurityLayer::Tls, Nla::Off, true, EXTENDED_CLIENT_DATA),
    },
    Scenario {
        name: "logon-failed-bad-password",
        description: "TLS without NLA; after finalization, a Save Session Info logon error LOGON_FAILED_BAD_PASSWORD when Client Info carried an auto-logon password",
        behaviour: policy(SecurityLayer::Tls, Nla::Off, true, EXTENDED_CLIENT_DATA),
    },
    Scenario {
        name: "disconnect-mid-sequence",
        description: "TLS; after licensing, an MCS Disconnect Provider Ultimatum (rn-provider-initiated) in place of the Demand Active PDU",
        behaviour: policy(SecurityLayer::Tls, Nla::Off, true, EXTENDED_CLIENT_DATA),
    },
    Scenario {
        name: "errinfo-unknown",
        description: "TLS; after Client Info, Set Error Info with an errorInfo no table knows (0x7A5E), then MCS Disconnect Provider Ultimatum",
        behaviour: policy(SecurityLayer::Tls, Nla::Off, true, EXTENDED_CLIENT_DATA),
    },
];

pub fn scenario(name: &str) -> Option<&'static Scenario> {
    SCENARIOS.iter().find(|s| s.name == name)
}

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
                Nla::Required if wants_hybrid => {
                    Reply::Selected { protocol: PROTOCOL_HYBRID, flags: self.hybrid_flags }
                }
                Nla::Required => Reply::Failure { code: 5 }, // HYBRID_REQUIRED_BY_SERVER
                Nla::Supported if wants_hybrid => {
                    Reply::Selected { protocol: PROTOCOL_HYBRID, flags: self.hybrid_flags }
                }
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
    let listener = TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let tls = Arc::new(tls_acceptor()?);
    let task = tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { continue };
            let tls = tls.clone();
            tokio::spawn(async move {
                let _ = tokio::time::timeout(Duration::from_secs(60), serve(stream, scenario, &tls)).await;
            });
        }
    });
    Ok(LabServer { addr, scenario, task })
}

async fn serve(mut stream: TcpStream, scenario: &'static Scenario, tls: &tokio_rustls::TlsAcceptor) -> io::Result<()> {
    let _ = stream.set_nodelay(true);
    let request = read_request(&mut stream).await?;
    match scenario.behaviour {
        Behaviour::AcceptThenClose => stream.shutdown().await,
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
            stream.shutdown().await
        }
        Behaviour::Negotiate(policy) => {
            let Some(seen) = x224::decode_request(&request) else { return stream.shutdown().await };
            let reply = policy.answer(seen);
            stream.write_all(&x224::encode_confirm(&reply)).await?;
            match reply {
                Reply::Selected { protocol, .. } if protocol != PROTOCOL_RDP => {
                    let mut tls_stream = tls.accept(stream).await?;
                    // The connection sequence on the SSL path (the lab has no CredSSP); every scenario
                    // that gets here completes it unless `session::script` scripts a fault.
                    if protocol == PROTOCOL_SSL {
                        return session::serve(tls_stream, &request, protocol, session::script(scenario.name)).await;
                    }
                    let mut sink = [0u8; 1024];
                    while tls_stream.read(&mut sink).await? > 0 {}
                    Ok(())
                }
                Reply::Failure { .. } => stream.shutdown().await,
                // Standard RDP Security: the lab answers the MCS Connect Initial with its encryption.
                _ => session::serve_rdp_security(stream).await,
            }
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
            buf.extend_from_slice(&chunk[..n]);
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

/// A TLS acceptor with a fresh self-signed certificate (what an RDP host has by default).
fn tls_acceptor() -> io::Result<tokio_rustls::TlsAcceptor> {
    let other = |e: &dyn std::fmt::Display| io::Error::other(e.to_string());
    let ck = rcgen::generate_simple_self_signed(vec!["rdp-doctor-lab".to_string(), "localhost".to_string()])
        .map_err(|e| other(&e))?;
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(ck.signing_key.serialize_der().into());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| other(&e))?
        .with_no_client_auth()
        .with_single_cert(vec![ck.cert.der().clone()], key)
        .map_err(|e| other(&e))?;
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ask(p: Option<u32>, s: &str) -> Reply {
        let Behaviour::Negotiate(policy) = scenario(s).unwrap().behaviour else { panic!("{s} does not negotiate") };
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
