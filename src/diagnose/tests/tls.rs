//! `diagnose/tls.rs`: how the handshake ends (hang-up, stall, refusal, garbage), the certificate,
//! and which clients share a version and a suite with the server.

use super::build::*;
use super::{given, given_with};
use crate::diagnose::{Settings, Severity, Verdict};
use crate::knowledge::client_profiles::VerdictCause;
use crate::observations::{CertObs, ChainValidation, CredsspOutcome, HandshakeOutcome, Observations, SessionEnd};
use crate::observations::{CertificateSource, SessionStage};
use crate::observations::{ConnOutcome, VersionOutcome};

/// TLS broke: the CredSSP probe and the connection sequence, run beside it, broke in their TLS too.
fn later_layers_break_in_tls(o: &mut Observations) {
    credssp_ended(o, CredsspOutcome::TlsFailed);
    o.authentication = None;
    session_ends(o, SessionStage::Tls, SessionEnd::TlsFailed);
}

/// Every ClientHello (the scan's and the real handshake) got `how` and nothing else.
fn every_hello(how: VersionOutcome, handshake_outcome: HandshakeOutcome) -> Observations {
    healthy().with(|o| {
        stalled(o);
        let t = o.tls();
        t.stalled_after_hello = false;
        t.handshakes = vec![handshake("hybrid", WINDOWS, handshake_outcome)];
        for v in &mut t.version_results {
            v.outcome = how.clone();
        }
        later_layers_break_in_tls(o);
    })
}

/// The scan stalled; the hello repeated with a small MSS got `retry`.
fn stall(retry: Option<crate::observations::SmallMssRetry>) -> Observations {
    healthy().with(|o| {
        stalled(o);
        o.tls().small_mss_retry = retry;
        credssp_ended(o, CredsspOutcome::Timeout);
        o.authentication = None;
        session_ends(o, SessionStage::Tls, SessionEnd::Timeout);
    })
}

/// Every hello refused with alert 70, as a server that speaks no version the client offers.
fn refuses_every_version() -> Observations {
    every_hello(VersionOutcome::RejectedAlert { description: 70, name: "protocol_version" }, HandshakeOutcome::Alert)
        .with(|o| {
            let t = o.tls();
            t.handshakes[0].alert = Some(70);
            t.handshakes[0].alert_name = Some("protocol_version".into());
            t.client_profiles = ["windows-11", "windows-10", "freerdp-openssl3"]
                .into_iter()
                .map(|p| profile(p, VerdictCause::NoCommonVersion))
                .collect();
        })
}

/// The healthy server, with the profile `name` judged `cause`.
fn profile_fails(name: &'static str, cause: VerdictCause) -> Observations {
    healthy().with(|o| {
        let t = o.tls();
        t.client_profiles.retain(|p| p.profile != name);
        t.client_profiles.push(profile(name, cause));
    })
}

/// The server accepts only TLS 1.0 and 1.1 (Windows 7 era): current clients have no version in common.
fn legacy_only() -> Observations {
    healthy().with(|o| {
        let t = o.tls();
        t.versions = vec!["tls1.0".into(), "tls1.1".into()];
        t.version_results = vec![
            version("ssl3.0", VersionOutcome::RejectedAlert { description: 40, name: "handshake_failure" }),
            version("tls1.0", VersionOutcome::Accepted),
            version("tls1.1", VersionOutcome::Accepted),
            version("tls1.2", VersionOutcome::DowngradedTo { to: "tls1.1".into() }),
            version("tls1.3", VersionOutcome::DowngradedTo { to: "tls1.1".into() }),
        ];
        t.suites = vec![suite("tls1.0", 0xC014, 1), suite("tls1.1", 0xC014, 1)];
        t.handshakes[0].outcome = HandshakeOutcome::Failed;
        t.handshakes[0].detail = Some("peer is incompatible: server chose unsupported version".into());
        t.client_profiles =
            vec![profile("windows-11", VerdictCause::NoCommonVersion), profile("windows-7", VerdictCause::Connects)];
    })
}

fn cert(change: impl FnOnce(&mut CertObs)) -> Observations {
    healthy().with(|o| leaf(o, change))
}

/// The chain check failed for `error` (rustls's words).
fn chain_error(o: &mut Observations, error: &str) {
    let v = o.tls().validation.as_mut().expect("validation");
    v.trusted = false;
    v.error = Some(format!("invalid peer certificate: {error}"));
}

fn expired(self_signed_too: bool) -> Observations {
    healthy().with(|o| {
        if self_signed_too {
            self_signed(o);
        }
        leaf(o, |c| {
            c.days_left = -3;
            c.not_after = "2026-11-26T00:00:00Z".into();
        });
        chain_error(o, if self_signed_too { "UnknownIssuer" } else { "Expired" });
    })
}

/// The name typed is not the one on the certificate.
fn typed_by_address() -> Observations {
    healthy().with(|o| {
        o.tls().validation = Some(ChainValidation {
            name: "10.0.0.5".into(),
            name_matches: false,
            trusted: false,
            error: Some("invalid peer certificate: NotValidForName".into()),
        });
    })
}

/// A chain whose self-signed root (a trust anchor, never checked) is signed with SHA-1.
fn sha1_root_only() -> Observations {
    healthy().with(|o| {
        let root = CertObs {
            subject: "CN=Example Root CA, O=Example".into(),
            issuer: "CN=Example Root CA, O=Example".into(),
            self_signed: true,
            is_ca: true,
            signature_algorithm: "sha1WithRSAEncryption".into(),
            ..ca_issued_leaf()
        };
        o.tls().chain.push(root);
    })
}

cases! {
    /// No ServerHello and no alert to any hello, the most permissive included: the broken private key
    /// of a Remote Desktop certificate (Schannel 36870), never a version mismatch.
    hang_up_on_every_hello: given(every_hello(VersionOutcome::Reset, HandshakeOutcome::Reset).with(|o| o.tls().aborted_every_hello = true))
        .has(&["tls-handshake-aborted"])
        .lacks(&["tls-protocol-mismatch", "tls-handshake-stalled", "tls-handshake-failed"])
        .severity("tls-handshake-aborted", Severity::Critical)
        .verdict(Verdict::Failing)
        .predicts(0x904, 0)
        .says("tls-handshake-aborted", "Schannel event 36870")
        .says("tls-handshake-aborted", "not a version or suite mismatch");
    /// The stall ends on a connection with a small MSS: the path drops large packets.
    stall_that_a_small_mss_cures: given(stall(Some(mss_retry(ConnOutcome::ServerHello { version: 0x0303, suite: 0xC030, hello_retry_request: false }))))
        .has(&["path-mtu-blackhole"])
        .lacks(&["tls-handshake-stalled", "tls-handshake-aborted"])
        .verdict(Verdict::Failing)
        .says("path-mtu-blackhole", "MSS 536 (TCP_MAXSEG) got a ServerHello (tls1.2");
    /// Silence on the small MSS too: the server, not the path.
    stall_even_with_a_small_mss: given(stall(Some(mss_retry(ConnOutcome::Timeout { bytes: 0 }))))
        .has(&["tls-handshake-stalled"])
        .lacks(&["path-mtu-blackhole"])
        .severity("tls-handshake-stalled", Severity::Critical)
        .verdict(Verdict::Failing)
        .says("tls-handshake-stalled", "not even on a connection with a small MSS");
    /// Windows cannot clamp the MSS: stalled, and the path question left open.
    stall_where_the_mss_cannot_be_clamped: given(stall(Some(crate::observations::SmallMssRetry { unavailable: true, ..mss_retry(ConnOutcome::Skipped) })))
        .has(&["tls-handshake-stalled"])
        .lacks(&["path-mtu-blackhole"])
        .says("tls-handshake-stalled", "this platform cannot clamp the MSS");
    /// Near miss of the stall: refusals with an alert are a version mismatch for the client judged.
    refusal_by_alert_is_a_mismatch_not_a_stall: given(refuses_every_version())
        .has(&["tls-protocol-mismatch"])
        .lacks(&["tls-handshake-stalled", "tls-handshake-aborted", "path-mtu-blackhole", "tls-handshake-failed"])
        .severity("tls-protocol-mismatch", Severity::Error)
        .verdict(Verdict::Failing)
        .says("tls-protocol-mismatch", "windows-11 (the client judged) cannot connect: no TLS version in common")
        .says("tls-protocol-mismatch", "tls1.2 ClientHello → alert 70 (protocol_version)");
    /// A profile other than the one judged has no version in common: information only.
    another_client_without_a_common_version: given(profile_fails("windows-7", VerdictCause::NoCommonVersion))
        .has(&["tls-protocol-mismatch"])
        .severity("tls-protocol-mismatch", Severity::Info)
        .verdict(Verdict::Healthy)
        .says("tls-protocol-mismatch", "These clients cannot connect, no TLS version in common with the server: windows-7");
    /// The client judged shares a version but no suite.
    no_common_suite_for_the_client_judged: given(profile_fails("windows-11", VerdictCause::NoCommonSuite))
        .has(&["tls-cipher-mismatch"])
        .severity("tls-cipher-mismatch", Severity::Error)
        .verdict(Verdict::Failing)
        .says("tls-cipher-mismatch", "a TLS version but no cipher suite in common");
    /// TLS 1.0 and 1.1 only: legacy, and windows-11 cannot connect (the failed handshake is
    /// explained by the mismatch, so no separate `tls-handshake-failed`).
    legacy_tls_only: given(legacy_only())
        .has(&["tls-legacy-only", "tls-protocol-mismatch"])
        .lacks(&["tls-handshake-failed"])
        .verdict(Verdict::Failing)
        .says("tls-legacy-only", "accepts only tls1.0, tls1.1");
    /// RC4 and 3DES accepted beside the strong suites.
    weak_suites_accepted: given(healthy().with(|o| {
        let t = o.tls();
        t.suites.push(suite("tls1.2", 0x0005, 3));
        t.suites.push(suite("tls1.2", 0x000A, 4));
    }))
        .has(&["tls-weak-suites"])
        .verdict(Verdict::Degraded)
        .says("tls-weak-suites", "TLS_RSA_WITH_RC4_128_SHA (0x0005) — RC4")
        .says("tls-weak-suites", "3DES");
    /// Expired, CA-issued: an error; the chain failing for the date is not also "untrusted".
    certificate_expired: given(expired(false))
        .has(&["cert-expired"])
        .lacks(&["cert-untrusted"])
        .severity("cert-expired", Severity::Error)
        .verdict(Verdict::Failing)
        .says("cert-expired", "expired on 2026-11-26T00:00:00Z (3 days ago)");
    /// Remote Desktop's own self-signed certificate, expired.
    self_signed_certificate_expired: given(expired(true))
        .has(&["cert-expired", "cert-untrusted"])
        .severity("cert-untrusted", Severity::Info)
        .says("cert-expired", "self-signed certificate expired");
    certificate_not_yet_valid: given(healthy().with(|o| {
        leaf(o, |c| {
            c.days_until_valid = 3;
            c.not_before = "2026-12-02T00:00:00Z".into();
        });
        chain_error(o, "NotValidYet");
    }))
        .has(&["cert-not-yet-valid"])
        .lacks(&["cert-untrusted", "cert-expired"])
        .verdict(Verdict::Failing)
        .says("cert-not-yet-valid", "3 days from now, by this machine's clock");
    certificate_expiring_soon: given(cert(|c| c.days_left = 10))
        .has(&["cert-expiring-soon"])
        .severity("cert-expiring-soon", Severity::Warning)
        .verdict(Verdict::Degraded)
        .says("cert-expiring-soon", "10 days left; the warning threshold is 30 days");
    /// Near miss: the same certificate under `--cert-warn-days 5`.
    expiring_after_the_threshold_set: given_with(cert(|c| c.days_left = 10), Settings { cert_warn_days: 5 })
        .lacks(&["cert-expiring-soon"])
        .verdict(Verdict::Healthy);
    /// Remote Desktop renews its own self-signed certificate: information.
    self_signed_expiring_soon_is_information: given(healthy().with(|o| {
        self_signed(o);
        leaf(o, |c| c.days_left = 10);
    }))
        .severity("cert-expiring-soon", Severity::Info)
        .verdict(Verdict::Healthy);
    /// Connected by address: the certificate names the host, not the address; not also "untrusted".
    name_typed_not_on_the_certificate: given(typed_by_address())
        .has(&["cert-name-mismatch"])
        .lacks(&["cert-untrusted"])
        .severity("cert-name-mismatch", Severity::Warning)
        .verdict(Verdict::Degraded)
        .says("cert-name-mismatch", "the name typed: 10.0.0.5; the certificate names: subjectAltName rdp01.example.test");
    /// Remote Desktop's default self-signed certificate: the client asks, information only.
    self_signed_by_default: given(healthy().with(self_signed))
        .has(&["cert-untrusted"])
        .severity("cert-untrusted", Severity::Info)
        .verdict(Verdict::Healthy)
        .says("cert-untrusted", "self-signed, as Remote Desktop's own certificate is by default");
    /// An enterprise CA this machine does not trust: a warning.
    issued_by_an_unknown_ca: given(healthy().with(|o| chain_error(o, "UnknownIssuer")))
        .has(&["cert-untrusted"])
        .severity("cert-untrusted", Severity::Warning)
        .verdict(Verdict::Degraded)
        .says("cert-untrusted", "does not chain to a root this machine trusts")
        .says("cert-untrusted", "UnknownIssuer");
    weak_key: given(cert(|c| c.key_bits = Some(1024)))
        .has(&["cert-weak-key"])
        .verdict(Verdict::Degraded)
        .says("cert-weak-key", "RSA key has 1024 bits");
    sha1_signed_leaf: given(cert(|c| c.signature_algorithm = "sha1WithRSAEncryption".into()))
        .has(&["cert-weak-signature"])
        .says("cert-weak-signature", "the leaf CN=rdp01.example.test is signed with sha1WithRSAEncryption");
    /// Near miss: a SHA-1 self-signed root is a trust anchor; its signature is never checked.
    sha1_root_is_not_a_weak_signature: given(sha1_root_only())
        .lacks(&["cert-weak-signature"])
        .verdict(Verdict::Healthy);
    /// Client Authentication only: Windows clients refuse it.
    certificate_for_client_authentication: given(cert(|c| c.eku = Some(vec!["client_auth".into()])))
        .has(&["cert-wrong-usage"])
        .says("cert-wrong-usage", "Extended Key Usage is client_auth");
    /// Near miss: the Remote Desktop Authentication usage is enough.
    remote_desktop_authentication_usage_is_right: given(cert(|c| c.eku = Some(vec!["remote_desktop_auth".into()])))
        .lacks(&["cert-wrong-usage"])
        .verdict(Verdict::Healthy);
    /// The server starts the handshake, then sends what no client can accept.
    handshake_fails_after_server_hello: given(healthy().with(|o| {
        let t = o.tls();
        t.handshakes[0].outcome = HandshakeOutcome::Failed;
        t.handshakes[0].detail = Some("invalid peer certificate: BadEncoding".into());
        t.certificate_source = Some(CertificateSource::Scan);
        if let Some(c) = t.certificate.as_mut() {
            c.parse_error = Some("unexpected end of DER".into());
        }
        later_layers_break_in_tls(o);
    }))
        .has(&["tls-handshake-failed"])
        .lacks(&["tls-handshake-aborted", "tls-handshake-stalled"])
        .verdict(Verdict::Failing)
        .says("tls-handshake-failed", "after the server's ServerHello: invalid peer certificate: BadEncoding")
        .says("tls-handshake-failed", "cannot be parsed: unexpected end of DER");
    /// Bytes that are not TLS records: not a version mismatch.
    answer_that_is_not_tls: given(every_hello(VersionOutcome::NotTls, HandshakeOutcome::Failed).with(|o| {
        o.tls().handshakes[0].detail = Some("received corrupt message of type InvalidContentType".into());
    }))
        .has(&["tls-answer-not-tls"])
        .lacks(&["tls-protocol-mismatch", "tls-handshake-failed", "tls-handshake-aborted"])
        .verdict(Verdict::Failing)
        .says("tls-answer-not-tls", "not a TLS handshake")
        .says("tls-answer-not-tls", "tls1.2 ClientHello → an answer that is not TLS");
}
