//! TLS layer probe: a real handshake with rustls (ring provider) over a stream that X.224 negotiation
//! has already moved to TLS or CredSSP ([MS-RDPBCGR] 5.4.5.1). The certificate verifier records the
//! chain and never aborts: judging the certificate is the diagnosis's job, and whether credentials may
//! be sent over this channel is the caller's decision, made from what was recorded here.

use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

use rustls::DigitallySignedStruct;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};

/// A completed handshake: the stream, and what the server presented.
pub struct TlsSession {
    pub stream: TlsStream<TcpStream>,
    /// The server's chain as sent, leaf first (DER).
    pub chain: Vec<Vec<u8>>,
    /// "tls1.2", "tls1.3".
    pub version: &'static str,
    /// The name of the negotiated suite (rustls' spelling).
    pub suite: String,
    /// The negotiated suite's IANA code point.
    pub suite_id: u16,
    pub ms: f64,
}

/// How a handshake that did not complete ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HandshakeFailure {
    /// The server sent a TLS alert (RFC 8446 6, RFC 5246 7.2): its description code.
    Alert(u8),
    /// FIN before the handshake completed.
    Closed,
    /// RST before the handshake completed.
    Reset,
    /// Nothing (more) arrived before the deadline.
    Timeout,
    /// Anything else rustls refused (an illegal message, an unsupported parameter), as its text.
    Other(String),
}

impl std::fmt::Display for HandshakeFailure {
    /// In words, for details and traces (never Rust's Debug text).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HandshakeFailure::Alert(code) => {
                write!(f, "the server sent TLS alert {code} ({})", crate::knowledge::tls_suites::alert_name(*code))
            }
            HandshakeFailure::Closed => f.write_str("the server closed the connection (FIN) during the handshake"),
            HandshakeFailure::Reset => f.write_str("the server reset the connection (RST) during the handshake"),
            HandshakeFailure::Timeout => f.write_str("no answer before the deadline"),
            HandshakeFailure::Other(text) => f.write_str(text),
        }
    }
}

/// A Rust identifier as words: `TooManyWarningAlertsReceived` → "too many warning alerts received",
/// `MissingData("x")` → "missing data".
fn words(ident: &str) -> String {
    let ident = ident.split(['(', '{', ' ']).next().unwrap_or(ident);
    let mut out = String::with_capacity(ident.len() + 8);
    let chars: Vec<char> = ident.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
        let prev = i.checked_sub(1).and_then(|p| chars.get(p));
        let prev_lower = prev.is_some_and(|p| p.is_lowercase() || p.is_ascii_digit());
        if prev.is_some() && c.is_uppercase() && (prev_lower || next_lower && prev.is_some_and(|p| p.is_uppercase())) {
            out.push(' ');
        }
        out.push(c);
    }
    // Keep acronyms (TLS, ECH, DER) as they are; lower-case the other words.
    out.split(' ')
        .map(|w| if w.chars().filter(|c| c.is_uppercase()).count() > 1 { w.to_string() } else { w.to_lowercase() })
        .collect::<Vec<_>>()
        .join(" ")
}

/// What rustls refused, in words: what the server did, never a Debug dump such as
/// `Alert("HandshakeFailure")` or `PeerMisbehaved(SelectedUnofferedCipherSuite)`.
pub fn rustls_reason(e: &rustls::Error) -> String {
    use rustls::Error as E;
    match e {
        E::AlertReceived(d) => {
            let code = u8::from(*d);
            format!("the server sent TLS alert {code} ({})", crate::knowledge::tls_suites::alert_name(code))
        }
        E::InappropriateHandshakeMessage { expect_types, got_type } => format!(
            "the server sent a {} handshake message where {} belongs",
            words(&format!("{got_type:?}")),
            expect_types.iter().map(|t| words(&format!("{t:?}"))).collect::<Vec<_>>().join(" or ")
        ),
        E::InappropriateMessage { expect_types, got_type } => format!(
            "the server sent a {} record where {} belongs",
            words(&format!("{got_type:?}")),
            expect_types.iter().map(|t| words(&format!("{t:?}"))).collect::<Vec<_>>().join(" or ")
        ),
        E::InvalidMessage(m) => format!("the server sent a message that cannot be read ({})", words(&format!("{m:?}"))),
        E::PeerMisbehaved(p) => format!("the server broke the TLS protocol ({})", words(&format!("{p:?}"))),
        E::PeerIncompatible(p) => {
            format!("the server and this client have nothing in common ({})", words(&format!("{p:?}")))
        }
        E::InvalidCertificate(c) => format!("the server's certificate was refused ({})", words(&format!("{c:?}"))),
        E::NoCertificatesPresented => "the server sent no certificate".into(),
        E::DecryptError => "a record from the server could not be decrypted or its signature did not verify".into(),
        E::PeerSentOversizedRecord => "the server sent a record larger than TLS allows".into(),
        other => other.to_string(),
    }
}

/// Records the chain instead of judging it; still checks the handshake signatures, so the peer
/// proves it holds the key of the certificate it sent.
#[derive(Debug)]
struct Recorder {
    chain: Mutex<Vec<Vec<u8>>>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for Recorder {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let mut chain = vec![end_entity.as_ref().to_vec()];
        chain.extend(intermediates.iter().map(|c| c.as_ref().to_vec()));
        if let Ok(mut slot) = self.chain.lock() {
            *slot = chain;
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Run a TLS handshake on `stream` within the deadline. `server_name` is what the user typed (SNI is
/// sent only for a name, never for an address literal).
pub async fn handshake(
    stream: TcpStream,
    server_name: &str,
    deadline: Instant,
) -> Result<TlsSession, HandshakeFailure> {
    let started = Instant::now();
    let provider = provider();
    let recorder =
        Arc::new(Recorder { chain: Mutex::new(Vec::new()), algorithms: provider.signature_verification_algorithms });
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| HandshakeFailure::Other(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(recorder.clone())
        .with_no_client_auth();
    // "rdp-server" is a valid DNS name: the fallback cannot fail.
    #[allow(clippy::expect_used)]
    let name = ServerName::try_from(server_name.to_string())
        .unwrap_or_else(|_| ServerName::try_from("rdp-server").expect("a valid DNS name"));
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let stream = match tokio::time::timeout_at(deadline.into(), connector.connect(name, stream)).await {
        Err(_) => return Err(HandshakeFailure::Timeout),
        Ok(Err(e)) => return Err(classify_io_error(&e)),
        Ok(Ok(s)) => s,
    };
    let (_, conn) = stream.get_ref();
    let version = match conn.protocol_version() {
        Some(rustls::ProtocolVersion::TLSv1_3) => "tls1.3",
        Some(rustls::ProtocolVersion::TLSv1_2) => "tls1.2",
        _ => "unknown",
    };
    // The suite's IANA name as rustls spells it (its code in hex when rustls has no name).
    let suite = conn
        .negotiated_cipher_suite()
        .map(|s| {
            s.suite()
                .as_str()
                .map_or_else(|| crate::knowledge::tls_suites::hex_id(u16::from(s.suite())), str::to_string)
        })
        .unwrap_or_default();
    let suite_id = conn.negotiated_cipher_suite().map(|s| u16::from(s.suite())).unwrap_or(0);
    let chain = recorder.chain.lock().map(|c| c.clone()).unwrap_or_default();
    let ms = (started.elapsed().as_secs_f64() * 10_000.0).round() / 10.0;
    Ok(TlsSession { stream, chain, version, suite, suite_id, ms })
}

/// Why a chain does not verify for a name, in the verifier's words (they reach the report).
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("no certificate")]
    NoCertificate,
    #[error("no trusted roots found on this system")]
    NoRoots,
    #[error("{0}")]
    Verifier(rustls::client::VerifierBuilderError),
    /// The name we were asked to check is no DNS name or IP address.
    #[error("{0}")]
    ServerName(rustls::pki_types::InvalidDnsNameError),
    /// The chain or the name does not pass (rustls's reason).
    #[error("{0}")]
    Rejected(rustls::Error),
}

/// Validate `chain` (leaf first, DER) for `server_name` against the system's trusted roots, as a client
/// that verifies certificates would. `Ok(())` when it verifies; otherwise the verifier's reason.
pub fn verify_chain(chain: &[Vec<u8>], server_name: &str) -> Result<(), VerifyError> {
    let Some((leaf, rest)) = chain.split_first() else { return Err(VerifyError::NoCertificate) };
    let roots = system_roots();
    if roots.is_empty() {
        return Err(VerifyError::NoRoots);
    }
    let verifier = rustls::client::WebPkiServerVerifier::builder_with_provider(roots, provider())
        .build()
        .map_err(VerifyError::Verifier)?;
    let name = ServerName::try_from(server_name.to_string()).map_err(VerifyError::ServerName)?;
    let leaf = CertificateDer::from(leaf.clone());
    let intermediates: Vec<CertificateDer<'static>> = rest.iter().map(|c| CertificateDer::from(c.clone())).collect();
    verifier
        .verify_server_cert(&leaf, &intermediates, &name, &[], UnixTime::now())
        .map(|_| ())
        .map_err(VerifyError::Rejected)
}

/// The system's trusted roots (loaded once).
fn system_roots() -> Arc<rustls::RootCertStore> {
    static ROOTS: std::sync::OnceLock<Arc<rustls::RootCertStore>> = std::sync::OnceLock::new();
    ROOTS
        .get_or_init(|| {
            let mut store = rustls::RootCertStore::empty();
            let loaded = rustls_native_certs::load_native_certs();
            let _ = store.add_parsable_certificates(loaded.certs);
            Arc::new(store)
        })
        .clone()
}

/// SHA-256 thumbprint of a DER certificate, lowercase hex (what `--trust-cert` takes).
pub fn sha256_thumbprint(der: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(der))
}

/// SHA-1 thumbprint, uppercase hex: what Windows shows and RDP-Tcp SSLCertificateSHA1Hash holds.
pub fn sha1_thumbprint(der: &[u8]) -> String {
    use sha1::Digest;
    hex::encode_upper(sha1::Sha1::digest(der))
}

/// What an I/O error from the handshake says about the peer.
pub fn classify_io_error(e: &std::io::Error) -> HandshakeFailure {
    use std::io::ErrorKind;
    if let Some(inner) = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
        return match inner {
            rustls::Error::AlertReceived(desc) => HandshakeFailure::Alert(u8::from(*desc)),
            other => HandshakeFailure::Other(rustls_reason(other)),
        };
    }
    match e.kind() {
        ErrorKind::UnexpectedEof => HandshakeFailure::Closed,
        ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted | ErrorKind::BrokenPipe => HandshakeFailure::Reset,
        ErrorKind::TimedOut => HandshakeFailure::Timeout,
        _ => HandshakeFailure::Other(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab;
    use crate::probe::ProbeContext;
    use crate::probe::x224::{self, NegRequest};
    use std::time::Duration;

    #[tokio::test]
    async fn handshake_with_the_lab_records_its_certificate() {
        let server = lab::start(lab::find("healthy").unwrap(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
        let ctx = ProbeContext::new(Duration::from_secs(5));
        let (obs, stream) =
            x224::negotiate(server.addr, &NegRequest { protocols: Some(x224::PROTOCOL_SSL) }, &ctx).await;
        assert_eq!(obs.selected, Some(crate::codec::x224::Protocol::Ssl));
        let session = handshake(stream.unwrap(), "127.0.0.1", ctx.deadline).await.unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(session.chain.len(), 1);
        assert!(session.version.starts_with("tls1."));
        let (_, cert) = x509_parser::parse_x509_certificate(&session.chain[0]).unwrap();
        assert!(cert.subject_alternative_name().unwrap().unwrap().value.general_names.len() >= 2);
        // A fresh self-signed certificate does not verify against the system roots.
        let why = verify_chain(&session.chain, "localhost").unwrap_err().to_string();
        assert!(
            why.contains("UnknownIssuer") || why.contains("unknown issuer") || why.contains("no trusted roots"),
            "{why}"
        );
        assert_eq!(sha256_thumbprint(&session.chain[0]).len(), 64);
        assert_eq!(sha1_thumbprint(b"abc"), "A9993E364706816ABA3E25717850C26C9CD0D89D");
    }

    #[test]
    fn rustls_reasons_are_words() {
        use rustls::{Error as E, PeerIncompatible, PeerMisbehaved};
        assert_eq!(
            rustls_reason(&E::PeerMisbehaved(PeerMisbehaved::TooManyWarningAlertsReceived)),
            "the server broke the TLS protocol (too many warning alerts received)"
        );
        assert_eq!(
            rustls_reason(&E::PeerMisbehaved(PeerMisbehaved::SelectedUnofferedCipherSuite)),
            "the server broke the TLS protocol (selected unoffered cipher suite)"
        );
        assert_eq!(
            rustls_reason(&E::PeerIncompatible(PeerIncompatible::ServerTlsVersionIsDisabledByOurConfig)),
            "the server and this client have nothing in common (server tls version is disabled by our config)"
        );
        assert_eq!(
            rustls_reason(&E::AlertReceived(rustls::AlertDescription::HandshakeFailure)),
            "the server sent TLS alert 40 (handshake_failure)"
        );
        assert_eq!(
            rustls_reason(&E::InvalidMessage(rustls::InvalidMessage::InvalidContentType)),
            "the server sent a message that cannot be read (invalid content type)"
        );
        assert_eq!(
            rustls_reason(&E::InvalidCertificate(rustls::CertificateError::BadEncoding)),
            "the server's certificate was refused (bad encoding)"
        );
        let e = rustls_reason(&E::InappropriateHandshakeMessage {
            expect_types: vec![rustls::HandshakeType::ServerKeyExchange],
            got_type: rustls::HandshakeType::ServerHelloDone,
        });
        assert_eq!(e, "the server sent a server hello done handshake message where server key exchange belongs");
        assert_eq!(HandshakeFailure::Alert(40).to_string(), "the server sent TLS alert 40 (handshake_failure)");
        for text in [e, HandshakeFailure::Alert(40).to_string()] {
            assert!(!text.contains('(') || !text.contains("(\""), "{text}");
        }
    }

    #[tokio::test]
    async fn a_peer_that_closes_is_closed() {
        let server = lab::start(lab::find("accept-then-close").unwrap(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
        let stream = TcpStream::connect(server.addr).await.unwrap();
        let r = handshake(stream, "localhost", Instant::now() + Duration::from_secs(3)).await;
        assert!(matches!(r, Err(HandshakeFailure::Closed | HandshakeFailure::Reset)), "{:?}", r.err());
    }
}
