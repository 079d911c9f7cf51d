//! Findings of the TLS layer: how the handshake ends (a hang-up on every hello, a stall the path is to
//! blame for), the certificate (dates, name, trust, key, signature, usage), and which clients share a
//! version and a suite with the server.

use super::{Finding, Settings, Severity};
use crate::diagnose::FindingId;
use crate::knowledge::Basis;
use crate::knowledge::client_profiles::{ProfileVerdict, VerdictCause};
use crate::knowledge::disc_reason::DISC_SOCKET_CLOSED;
use crate::knowledge::signatures::signature_hash;
use crate::knowledge::tls_suites;
use crate::observations::{CertObs, CertificateSource, HandshakeObs, HandshakeOutcome, Observations, TlsObs};
use crate::observations::{ConnOutcome, MSS_CLAMP_UNAVAILABLE, VersionOutcome, VersionResult};

pub(super) fn findings(obs: &Observations, settings: &Settings, out: &mut Vec<Finding>) {
    let Some(tls) = &obs.tls else { return };
    if not_tls_finding(tls, out) || handshake_findings(tls, out) {
        return;
    }
    certificate_findings(tls, settings, out);
    let before = out.len();
    protocol_findings(tls, out);
    handshake_failed_finding(tls, before, out);
}

/// The server answers the ClientHello, but not with TLS: no version accepted or refused anywhere, and
/// the answers are bytes that are not TLS records, an SSL 2.0 hello, or warning alerts without end.
fn not_tls_finding(tls: &TlsObs, out: &mut Vec<Finding>) -> bool {
    let tried: Vec<&HandshakeObs> =
        tls.handshakes.iter().filter(|h| h.outcome != HandshakeOutcome::NegotiationFailed).collect();
    let tls_answer = tls.version_results.iter().any(|v| {
        matches!(
            v.outcome,
            VersionOutcome::Accepted | VersionOutcome::RejectedAlert { .. } | VersionOutcome::DowngradedTo { .. }
        )
    });
    let garbled: Vec<&VersionResult> = tls
        .version_results
        .iter()
        .filter(|v| matches!(v.outcome, VersionOutcome::NotTls | VersionOutcome::Malformed { .. }))
        .collect();
    if !tls.versions.is_empty()
        || tls_answer
        || garbled.is_empty()
        || tried.iter().any(|h| matches!(h.outcome, HandshakeOutcome::Completed | HandshakeOutcome::Alert))
    {
        return false;
    }
    let mut f = Finding::new(
        FindingId::TlsAnswerNotTls,
        format!(
            "The server selects {}, then answers the ClientHello with bytes that are not a TLS handshake: no client \
             can go on (this is not a TLS version mismatch)",
            path_word(tls)
        ),
    );
    for v in garbled {
        f = f.evidence(describe_version(v));
    }
    for h in &tried {
        f = f.evidence(describe_handshake(h));
    }
    out.push(f);
    true
}

/// Real handshakes that fail with an answer (after a ServerHello, or on something rustls refuses), when no
/// version or suite mismatch for the client judged explains it.
fn handshake_failed_finding(tls: &TlsObs, before: usize, out: &mut Vec<Finding>) {
    let tried: Vec<&HandshakeObs> =
        tls.handshakes.iter().filter(|h| h.outcome != HandshakeOutcome::NegotiationFailed).collect();
    if tried.iter().any(|h| h.outcome == HandshakeOutcome::Completed) {
        return;
    }
    let Some(first) = tried.iter().find(|h| h.outcome == HandshakeOutcome::Failed) else { return };
    let explained = out[before..].iter().any(|f| {
        matches!(f.id, FindingId::TlsProtocolMismatch | FindingId::TlsCipherMismatch) && f.severity <= Severity::Error
    });
    if explained {
        return;
    }
    let reason = first.detail.as_deref().unwrap_or("rustls gave up");
    let when = if tls.versions.is_empty() { "" } else { " after the server's ServerHello" };
    let mut f = Finding::new(FindingId::TlsHandshakeFailed, format!("The TLS handshake fails{when}: {reason}"));
    for h in &tried {
        f = f.evidence(describe_handshake(h));
    }
    if !tls.versions.is_empty() {
        f = f.evidence(format!(
            "the scan's ServerHellos: the server accepts {} — it starts the handshake, then sends what a client \
             cannot accept",
            tls.versions.join(", ")
        ));
    }
    if let Some(c) = &tls.certificate
        && let Some(e) = &c.parse_error
    {
        f = f.evidence(format!("the certificate in the server's flight cannot be parsed: {e}"));
    }
    out.push(f);
}

fn path_word(tls: &TlsObs) -> String {
    let mut names: Vec<&str> =
        tls.handshakes.iter().map(|h| if h.path == "hybrid" { "CredSSP (HYBRID)" } else { "TLS (SSL)" }).collect();
    names.dedup();
    if names.is_empty() { "TLS".into() } else { names.join(" and ") }
}

fn describe_handshake(h: &HandshakeObs) -> String {
    let what = match h.outcome {
        HandshakeOutcome::Completed => format!(
            "completed: {} with {} ({})",
            h.version.as_deref().unwrap_or("?"),
            h.suite.as_deref().unwrap_or("?"),
            h.suite_id.as_deref().unwrap_or("?")
        ),
        HandshakeOutcome::Alert => format!(
            "the server sent alert {} ({})",
            h.alert.map(|a| a.to_string()).unwrap_or_else(|| "?".into()),
            h.alert_name.as_deref().unwrap_or("?")
        ),
        HandshakeOutcome::Closed => "the connection was closed (FIN) with no ServerHello and no alert".into(),
        HandshakeOutcome::Reset => "the connection was reset (RST) with no ServerHello and no alert".into(),
        HandshakeOutcome::Timeout => "the connection stayed open and no answer came before the deadline".into(),
        HandshakeOutcome::Failed => format!("rustls gave up: {}", h.detail.as_deref().unwrap_or("?")),
        HandshakeOutcome::NegotiationFailed => {
            format!("not attempted: {}", h.detail.as_deref().unwrap_or("the negotiation did not select it again"))
        }
    };
    format!(
        "TLS handshake (rustls, offering TLS 1.2 and 1.3) after requestedProtocols {} (0x{:X}) selected {}: {what} ({:.1} ms)",
        h.request,
        h.requested_value,
        h.selected.map_or("nothing".to_ascii_uppercase(), |p| p.name().to_ascii_uppercase()),
        h.ms
    )
}

fn describe_version(v: &VersionResult) -> String {
    let what = match &v.outcome {
        VersionOutcome::Accepted => "accepted".to_string(),
        VersionOutcome::RejectedAlert { description, name } => format!("alert {description} ({name})"),
        VersionOutcome::Closed => "closed (FIN), no ServerHello, no alert".into(),
        VersionOutcome::Reset => "reset (RST), no ServerHello, no alert".into(),
        VersionOutcome::Timeout => "no answer before the deadline".into(),
        VersionOutcome::DowngradedTo { to } => format!("answered with {to} instead"),
        VersionOutcome::NotTls => "an answer that is not TLS".into(),
        VersionOutcome::Malformed { reason } => format!("a malformed answer: {reason}"),
        VersionOutcome::ConnectFailed { error } => format!("no connection: {error}"),
        VersionOutcome::NotTested => "not tested (out of time)".into(),
    };
    format!(
        "{} ClientHello → {what} ({} connection{})",
        v.version,
        v.connections,
        if v.connections == 1 { "" } else { "s" }
    )
}

/// Findings where the handshake never gets anywhere. True when one was made (nothing else to judge).
fn handshake_findings(tls: &TlsObs, out: &mut Vec<Finding>) -> bool {
    let tried: Vec<&HandshakeObs> =
        tls.handshakes.iter().filter(|h| h.outcome != HandshakeOutcome::NegotiationFailed).collect();
    let completed = tried.iter().any(|h| h.outcome == HandshakeOutcome::Completed);
    let answered = !tls.versions.is_empty()
        || tried.iter().any(|h| matches!(h.outcome, HandshakeOutcome::Completed | HandshakeOutcome::Alert))
        || tls.version_results.iter().any(|v| {
            matches!(
                v.outcome,
                VersionOutcome::Accepted | VersionOutcome::RejectedAlert { .. } | VersionOutcome::DowngradedTo { .. }
            )
        });

    let cut = |h: &&&HandshakeObs| matches!(h.outcome, HandshakeOutcome::Closed | HandshakeOutcome::Reset);
    if tls.aborted_every_hello && !answered && tried.iter().all(|h| cut(&h)) {
        let paths = path_word(tls);
        let mut f = Finding::new(
            FindingId::TlsHandshakeAborted,
            format!(
                "The server selects {paths}, then hangs up on every ClientHello — the most permissive included — \
                 with no ServerHello and no alert: on Windows, the signature of a Remote Desktop certificate whose \
                 private key cannot be used (corrupted MachineKeys or wrong permissions; Schannel event 36870)"
            ),
        )
        .client_error(DISC_SOCKET_CLOSED, 0, Basis::Inferred);
        for h in &tried {
            f = f.evidence(describe_handshake(h));
        }
        f = f.evidence(format!(
            "the scan's {} ClientHellos (through X.224 {}): {}",
            tls.connections.saturating_sub(tried.len() as u32),
            tls.scan_request,
            tls.version_results.iter().map(describe_version).collect::<Vec<_>>().join("; ")
        ));
        f = f.evidence(
            "not a version or suite mismatch: a mismatch ends in an alert (40 handshake_failure, 70 protocol_version, \
             71 insufficient_security) or in a ServerHello for another offer; here nothing came back at all",
        );
        out.push(f);
        return true;
    }

    if tls.stalled_after_hello && !completed && !answered {
        let waited = format!(
            "{} ClientHello(s) through X.224 {}: the connections stayed open and no ServerHello came back ({} bytes at most)",
            tls.connections, tls.scan_request, tls.stalled_bytes
        );
        match &tls.small_mss_retry {
            Some(r) if r.server_hello => {
                let mut f = Finding::new(
                    FindingId::PathMtuBlackhole,
                    "The ClientHello reaches the server, but its answer (ServerHello and certificate, in full-size \
                     packets) never arrives — until the MSS is clamped: the path drops large packets (typical of VPN \
                     tunnels without MSS clamping)",
                )
                .from_silence();
                f = f.evidence(waited);
                for h in &tried {
                    f = f.evidence(describe_handshake(h));
                }
                f = f.evidence(format!(
                    "the same kind of hello on a connection with MSS {} (TCP_MAXSEG) got {} in {} ms",
                    r.mss,
                    conn_outcome(&r.outcome),
                    r.ms
                ));
                out.push(f);
            }
            Some(r) if r.unavailable => {
                let mut f = Finding::new(
                    FindingId::TlsHandshakeStalled,
                    "The server selects TLS/CredSSP, then never answers the ClientHello (whether a path that drops \
                     large packets is the cause is not checked: this platform cannot clamp the MSS)",
                )
                .from_silence();
                f = f.evidence(waited);
                for h in &tried {
                    f = f.evidence(describe_handshake(h));
                }
                f = f.evidence(format!(
                    "no retry with MSS {}: {}; run rdp-doctor from Linux or macOS on the same path to tell a path that \
                     drops large packets (path-mtu-blackhole) from a stalled server",
                    r.mss, MSS_CLAMP_UNAVAILABLE
                ));
                out.push(f);
            }
            retry => {
                let mut f = Finding::new(
                    FindingId::TlsHandshakeStalled,
                    "The server selects TLS/CredSSP, then never answers the ClientHello, not even on a connection \
                     with a small MSS",
                )
                .from_silence();
                f = f.evidence(waited);
                for h in &tried {
                    f = f.evidence(describe_handshake(h));
                }
                if let Some(r) = retry {
                    f = f.evidence(format!(
                        "a hello on a connection with MSS {} (TCP_MAXSEG): {} after {} ms",
                        r.mss,
                        conn_outcome(&r.outcome),
                        r.ms
                    ));
                }
                out.push(f);
            }
        }
        return true;
    }
    false
}

fn conn_outcome(o: &ConnOutcome) -> String {
    match o {
        ConnOutcome::ServerHello { version, suite, .. } => format!(
            "a ServerHello ({}, {} {})",
            tls_suites::version_name(*version).unwrap_or("?"),
            tls_suites::suite_name(*suite),
            tls_suites::hex_id(*suite)
        ),
        ConnOutcome::Alert { description, .. } => {
            format!("alert {description} ({})", tls_suites::alert_name(*description))
        }
        ConnOutcome::Closed { bytes } => format!("a close (FIN) after {bytes} bytes"),
        ConnOutcome::Reset { bytes } => format!("a reset (RST) after {bytes} bytes"),
        ConnOutcome::Timeout { bytes } => format!("nothing ({bytes} bytes) before the deadline"),
        ConnOutcome::NotTls { first_bytes } => format!("bytes that are not TLS ({first_bytes})"),
        ConnOutcome::Malformed { reason } => format!("a malformed answer ({reason})"),
        ConnOutcome::ConnectFailed { error } => format!("no connection ({error})"),
        ConnOutcome::Skipped => "nothing (not sent)".into(),
    }
}

fn cert_line(c: &CertObs, source: Option<CertificateSource>) -> String {
    format!(
        "leaf certificate: subject {}, issuer {}{}; valid {} → {}; SHA-1 thumbprint {} (as certlm.msc shows it and RDP-Tcp \
         SSLCertificateSHA1Hash holds it){}",
        c.subject,
        c.issuer,
        if c.self_signed { " (self-signed)" } else { "" },
        c.not_before,
        c.not_after,
        c.sha1,
        if source == Some(CertificateSource::Scan) {
            "; read from the scan's Certificate message (no handshake completed)"
        } else {
            ""
        }
    )
}

fn which_cert_remedy(c: &CertObs) -> String {
    format!(
        "To see which certificate Remote Desktop uses: `Get-CimInstance -Namespace root/cimv2/TerminalServices \
         -ClassName Win32_TSGeneralSetting | Select TerminalName, SSLCertificateSHA1Hash` — this one is {}.",
        c.sha1
    )
}

fn certificate_findings(tls: &TlsObs, settings: &Settings, out: &mut Vec<Finding>) {
    let Some(c) = &tls.certificate else { return };
    if c.parse_error.is_some() {
        return;
    }
    let line = cert_line(c, tls.certificate_source);

    if c.days_left < 0 {
        let ago = -c.days_left;
        let mut f = Finding::new(
            FindingId::CertExpired,
            format!(
                "The server's {}certificate expired on {} ({ago} day{} ago): clients that check it refuse it, mstsc warns",
                if c.self_signed { "self-signed " } else { "" },
                c.not_after,
                if ago == 1 { "" } else { "s" }
            ),
        )
        .evidence(line.clone());
        f.remedies.push(which_cert_remedy(c));
        out.push(f);
    } else if c.days_until_valid > 0 {
        let mut f = Finding::new(
            FindingId::CertNotYetValid,
            format!(
                "The server's certificate is not valid until {} ({} day{} from now, by this machine's clock)",
                c.not_before,
                c.days_until_valid,
                if c.days_until_valid == 1 { "" } else { "s" }
            ),
        )
        .evidence(line.clone());
        f.remedies.push(which_cert_remedy(c));
        out.push(f);
    } else if c.days_left <= i64::from(settings.cert_warn_days) {
        let mut f = Finding::new(
            FindingId::CertExpiringSoon,
            format!(
                "The server's certificate expires on {} ({} day{} left; the warning threshold is {} days)",
                c.not_after,
                c.days_left,
                if c.days_left == 1 { "" } else { "s" },
                settings.cert_warn_days
            ),
        )
        .evidence(line.clone());
        if c.self_signed {
            f = f.severity(Severity::Info);
        }
        f.remedies.push(which_cert_remedy(c));
        out.push(f);
    }

    if let Some(v) = &tls.validation {
        if !v.name_matches {
            let names = if c.san.is_empty() {
                format!("no subjectAltName; CN {}", c.common_name.as_deref().unwrap_or("(none)"))
            } else {
                format!("subjectAltName {}", c.san.join(", "))
            };
            out.push(
                Finding::new(
                    FindingId::CertNameMismatch,
                    format!(
                        "The certificate does not name {:?}, the host typed: clients warn about the identity",
                        v.name
                    ),
                )
                .evidence(format!("the name typed: {}; the certificate names: {names}", v.name))
                .evidence(line.clone()),
            );
        }
        let other_reason = v.error.as_deref().is_some_and(|e| {
            ["Expired", "NotValidYet", "NotValidForName", "no trusted roots"].iter().any(|k| e.contains(k))
        });
        if !v.trusted && (!other_reason || c.self_signed) {
            let mut f = if c.self_signed {
                Finding::new(
                    FindingId::CertUntrusted,
                    "The certificate is self-signed, as Remote Desktop's own certificate is by default: clients \
                     cannot verify the server's identity and ask the user",
                )
                .severity(Severity::Info)
            } else {
                Finding::new(
                    FindingId::CertUntrusted,
                    "The certificate does not chain to a root this machine trusts: clients cannot verify the server's \
                     identity",
                )
            };
            f = f.evidence(format!(
                "chain of {} certificate(s) checked against this system's trusted roots for {:?}: {}",
                tls.chain.len(),
                v.name,
                v.error.as_deref().unwrap_or("not trusted")
            ));
            f = f.evidence(line.clone());
            out.push(f);
        }
    }

    let weak_key = match (c.key_type.as_str(), c.key_bits) {
        ("RSA" | "DSA", Some(b)) => b < 2048,
        ("EC", Some(b)) => b < 224,
        _ => false,
    };
    if weak_key {
        out.push(
            Finding::new(
                FindingId::CertWeakKey,
                format!(
                    "The certificate's {} key has {} bits: clients with current security levels refuse it",
                    c.key_type,
                    c.key_bits.unwrap_or(0)
                ),
            )
            .evidence(format!("public key {} {} bits; {line}", c.key_type, c.key_bits.unwrap_or(0))),
        );
    }

    let weak_sigs: Vec<String> = tls
        .chain
        .iter()
        .enumerate()
        // A self-signed CA at the top is a trust anchor: its own signature is never checked.
        .filter(|(i, cert)| *i == 0 || !(cert.self_signed && cert.is_ca))
        .filter(|(_, cert)| matches!(signature_hash(&cert.signature_algorithm), Some("md2" | "md4" | "md5" | "sha1")))
        .map(|(i, cert)| {
            format!(
                "{} {} is signed with {}",
                if i == 0 { "the leaf" } else { "chain certificate" },
                cert.subject,
                cert.signature_algorithm
            )
        })
        .collect();
    if !weak_sigs.is_empty() {
        let mut f =
            Finding::new(FindingId::CertWeakSignature, "The certificate is signed with a broken hash (SHA-1 or MD5)");
        for w in weak_sigs {
            f = f.evidence(w);
        }
        out.push(f);
    }

    let mut usage = Vec::new();
    if let Some(eku) = &c.eku
        && !eku.iter().any(|e| matches!(e.as_str(), "server_auth" | "remote_desktop_auth" | "any"))
    {
        usage.push(format!(
            "Extended Key Usage is {} — neither Server Authentication (1.3.6.1.5.5.7.3.1) nor Remote Desktop \
             Authentication (1.3.6.1.4.1.311.54.1.2)",
            if eku.is_empty() { "empty".to_string() } else { eku.join(", ") }
        ));
    }
    if let Some(ku) = &c.key_usage
        && !ku.iter().any(|k| matches!(k.as_str(), "digital_signature" | "key_encipherment" | "key_agreement"))
    {
        usage.push(format!(
            "Key Usage is {} — no Digital Signature or Key Encipherment",
            if ku.is_empty() { "empty".to_string() } else { ku.join(", ") }
        ));
    }
    if !usage.is_empty() {
        let mut f = Finding::new(
            FindingId::CertWrongUsage,
            "The certificate is not meant for server authentication: Windows clients refuse it (SEC_E_CERT_WRONG_USAGE)",
        );
        for u in usage {
            f = f.evidence(u);
        }
        out.push(f.evidence(line));
    }
}

fn protocol_findings(tls: &TlsObs, out: &mut Vec<Finding>) {
    // Without an accepted version, only a complete scan says something about the server.
    let complete = tls.version_results.iter().all(|v| {
        !matches!(v.outcome, VersionOutcome::NotTested | VersionOutcome::Timeout | VersionOutcome::ConnectFailed { .. })
    });
    if tls.versions.is_empty() && (!complete || tls.version_results.is_empty()) {
        return;
    }
    let judged = tls.client_profile.as_str();
    let accepted = if tls.versions.is_empty() { "none".to_string() } else { tls.versions.join(", ") };

    for (cause, id, what) in [
        (VerdictCause::NoCommonVersion, FindingId::TlsProtocolMismatch, "no TLS version in common"),
        (VerdictCause::NoCommonSuite, FindingId::TlsCipherMismatch, "a TLS version but no cipher suite in common"),
    ] {
        let hit: Vec<&ProfileVerdict> = tls.client_profiles.iter().filter(|p| p.cause == cause).collect();
        if hit.is_empty() {
            continue;
        }
        let names: Vec<&str> = hit.iter().map(|p| p.profile.as_str()).collect();
        let judged_hit = names.contains(&judged);
        let summary = if judged_hit {
            format!(
                "{judged} (the client judged) cannot connect: {what} with the server (also: {})",
                names.iter().filter(|n| **n != judged).copied().collect::<Vec<_>>().join(", ")
            )
            .replace(" (also: )", "")
        } else {
            format!("These clients cannot connect, {what} with the server: {}", names.join(", "))
        };
        // A version the scan had no answer for counts as refused: the verdict may rest on silence.
        let mut f = Finding::new(id, summary).from_silence();
        if !judged_hit {
            f = f.severity(Severity::Info);
        }
        f = f.evidence(format!("the server accepts {accepted}"));
        if cause == VerdictCause::NoCommonVersion {
            for v in &tls.version_results {
                f = f.evidence(describe_version(v));
            }
        }
        for p in hit {
            f = f.evidence(format!("{}: {}", p.profile, p.reason));
        }
        out.push(f);
    }

    let codes: Vec<u16> = tls.versions.iter().filter_map(|v| tls_suites::version_code(v)).collect();
    if !codes.is_empty() && codes.iter().all(|v| *v <= tls_suites::TLS11) {
        out.push(
            Finding::new(
                FindingId::TlsLegacyOnly,
                format!("The server accepts only {accepted}: no TLS 1.2 or 1.3, which current clients require"),
            )
            .evidence(tls.version_results.iter().map(describe_version).collect::<Vec<_>>().join("; "))
            .from_silence(),
        );
    }

    let weak_flags = [
        (tls_suites::RC4, "RC4"),
        (tls_suites::TRIPLE_DES, "3DES"),
        (tls_suites::DES, "DES"),
        (tls_suites::EXPORT, "export"),
        (tls_suites::NULL, "NULL"),
        (tls_suites::ANON, "anonymous"),
    ];
    let weak: Vec<String> = tls
        .suites
        .iter()
        .filter_map(|s| {
            let def = tls_suites::suite(s.id_code)?;
            let why: Vec<&str> = weak_flags.iter().filter(|(f, _)| def.has(*f)).map(|(_, n)| *n).collect();
            (!why.is_empty()).then(|| format!("{}: {} ({}) — {}", s.version, s.name, s.id, why.join(", ")))
        })
        .collect();
    if !weak.is_empty() {
        let mut f = Finding::new(
            FindingId::TlsWeakSuites,
            format!(
                "The server accepts {} weak cipher suite(s) (RC4, 3DES, DES, export, NULL or anonymous)",
                weak.len()
            ),
        );
        for w in weak {
            f = f.evidence(w);
        }
        out.push(f);
    }
}
