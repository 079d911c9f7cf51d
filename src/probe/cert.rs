//! Certificate facts, read with x509-parser: names, validity, key, signature algorithm, thumbprints,
//! usages. Facts only: whether any of it is a problem is the diagnosis's call.

use super::tls::{sha1_thumbprint, sha256_thumbprint};
use crate::knowledge::signatures::signature_name;
use crate::observations::CertObs;
use std::net::IpAddr;
use x509_parser::oid_registry::{
    OID_EC_P256, OID_KEY_TYPE_DSA, OID_KEY_TYPE_EC_PUBLIC_KEY, OID_NIST_EC_P384, OID_NIST_EC_P521,
    OID_PKCS1_RSAENCRYPTION, OID_PKCS1_RSASSAPSS, OID_SIG_ED448, OID_SIG_ED25519,
};
use x509_parser::prelude::*;

/// The Remote Desktop Authentication EKU (szOID_RDP_AUTH... "Remote Desktop Authentication").
pub const OID_REMOTE_DESKTOP_AUTH: &str = "1.3.6.1.4.1.311.54.1.2";

/// Parse one DER certificate. `now` is Unix seconds (the probe's clock), for the day counts.
pub fn parse(der: &[u8], now: i64) -> CertObs {
    let mut obs = CertObs { sha1: sha1_thumbprint(der), sha256: sha256_thumbprint(der), ..CertObs::default() };
    let cert = match parse_x509_certificate(der) {
        Ok((_, c)) => c,
        Err(e) => {
            obs.parse_error = Some(e.to_string());
            return obs;
        }
    };
    obs.subject = cert.subject().to_string();
    obs.issuer = cert.issuer().to_string();
    obs.common_name = cert.subject().iter_common_name().next().and_then(|cn| cn.as_str().ok()).map(str::to_string);
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        for name in &san.value.general_names {
            match name {
                GeneralName::DNSName(d) => obs.san.push((*d).to_string()),
                GeneralName::IPAddress(b) => {
                    if let Some(ip) = ip_from_bytes(b) {
                        obs.san.push(ip.to_string());
                    }
                }
                _ => {}
            }
        }
    }
    obs.serial = hex::encode_upper(cert.raw_serial());
    let nb = cert.validity().not_before.timestamp();
    let na = cert.validity().not_after.timestamp();
    obs.not_before = rfc3339(nb);
    obs.not_after = rfc3339(na);
    obs.days_left = (na - now).div_euclid(86_400);
    obs.days_until_valid = if nb > now { (nb - now + 86_399) / 86_400 } else { (nb - now) / 86_400 };

    let spki = cert.public_key();
    let alg = &spki.algorithm.algorithm;
    let (key_type, bits) = if *alg == OID_PKCS1_RSAENCRYPTION || *alg == OID_PKCS1_RSASSAPSS {
        (
            "RSA".to_string(),
            spki.parsed().ok().and_then(|k| match k {
                x509_parser::public_key::PublicKey::RSA(r) => Some(bit_length(r.modulus)),
                _ => None,
            }),
        )
    } else if *alg == OID_KEY_TYPE_EC_PUBLIC_KEY {
        ("EC".to_string(), None)
    } else if *alg == OID_SIG_ED25519 {
        ("Ed25519".to_string(), Some(256))
    } else if *alg == OID_SIG_ED448 {
        ("Ed448".to_string(), Some(456))
    } else if *alg == OID_KEY_TYPE_DSA {
        ("DSA".to_string(), spki.parsed().ok().and_then(|k| u32::try_from(k.key_size()).ok()).filter(|b| *b > 0))
    } else {
        (alg.to_id_string(), None)
    };
    obs.key_type = key_type;
    obs.key_bits = bits;
    if obs.key_type == "EC" {
        let curve = spki.algorithm.parameters.as_ref().and_then(|p| p.as_oid().ok());
        let (name, b) = match curve {
            Some(o) if o == OID_EC_P256 => (Some("P-256".to_string()), Some(256)),
            Some(o) if o == OID_NIST_EC_P384 => (Some("P-384".to_string()), Some(384)),
            Some(o) if o == OID_NIST_EC_P521 => (Some("P-521".to_string()), Some(521)),
            Some(o) => (Some(o.to_id_string()), None),
            None => (None, None),
        };
        obs.curve = name;
        obs.key_bits = b;
    }
    obs.signature_algorithm = signature_name(&cert.signature_algorithm.algorithm.to_id_string());

    let ski = cert.iter_extensions().find_map(|e| match e.parsed_extension() {
        ParsedExtension::SubjectKeyIdentifier(k) => Some(k.0.to_vec()),
        _ => None,
    });
    let aki = cert.iter_extensions().find_map(|e| match e.parsed_extension() {
        ParsedExtension::AuthorityKeyIdentifier(a) => a.key_identifier.as_ref().map(|k| k.0.to_vec()),
        _ => None,
    });
    let same_name = cert.subject().as_raw() == cert.issuer().as_raw();
    obs.self_signed = same_name && !matches!((&ski, &aki), (Some(s), Some(a)) if s != a);
    obs.is_ca = cert.is_ca();
    if let Ok(Some(eku)) = cert.extended_key_usage() {
        let e = eku.value;
        let mut v = Vec::new();
        for (on, name) in [
            (e.any, "any"),
            (e.server_auth, "server_auth"),
            (e.client_auth, "client_auth"),
            (e.code_signing, "code_signing"),
            (e.email_protection, "email_protection"),
            (e.time_stamping, "time_stamping"),
            (e.ocsp_signing, "ocsp_signing"),
        ] {
            if on {
                v.push(name.to_string());
            }
        }
        for o in &e.other {
            let id = o.to_id_string();
            v.push(if id == OID_REMOTE_DESKTOP_AUTH { "remote_desktop_auth".to_string() } else { id });
        }
        obs.eku = Some(v);
    }
    if let Ok(Some(ku)) = cert.key_usage() {
        let k = ku.value;
        let mut v = Vec::new();
        for (on, name) in [
            (k.digital_signature(), "digital_signature"),
            (k.non_repudiation(), "non_repudiation"),
            (k.key_encipherment(), "key_encipherment"),
            (k.data_encipherment(), "data_encipherment"),
            (k.key_agreement(), "key_agreement"),
            (k.key_cert_sign(), "key_cert_sign"),
            (k.crl_sign(), "crl_sign"),
        ] {
            if on {
                v.push(name.to_string());
            }
        }
        obs.key_usage = Some(v);
    }
    obs
}

/// Whether the leaf covers `name` as a verifying client checks it: subjectAltName DNS names (with a
/// wildcard only as the whole leftmost label) and IP addresses; the CN only when the certificate has
/// no DNS or IP subjectAltName.
pub fn name_matches(cert: &CertObs, name: &str) -> bool {
    let name = name.trim_end_matches('.').trim_start_matches('[').trim_end_matches(']');
    let ip: Option<IpAddr> = name.parse().ok();
    let candidates: Vec<&str> = if cert.san.is_empty() {
        cert.common_name.as_deref().into_iter().collect()
    } else {
        cert.san.iter().map(String::as_str).collect()
    };
    candidates.iter().any(|c| match ip {
        Some(ip) => c.parse::<IpAddr>().is_ok_and(|cip| cip == ip),
        None => dns_matches(c, name),
    })
}

fn dns_matches(pattern: &str, name: &str) -> bool {
    let pattern = pattern.trim_end_matches('.').to_ascii_lowercase();
    let name = name.to_ascii_lowercase();
    if let Some(rest) = pattern.strip_prefix("*.") {
        // One label only, never the whole name, never across dots.
        return name.split_once('.').is_some_and(|(first, tail)| !first.is_empty() && tail == rest)
            && rest.contains('.');
    }
    pattern == name
}

fn ip_from_bytes(b: &[u8]) -> Option<IpAddr> {
    match b.len() {
        4 => Some(IpAddr::from(<[u8; 4]>::try_from(b).ok()?)),
        16 => Some(IpAddr::from(<[u8; 16]>::try_from(b).ok()?)),
        _ => None,
    }
}

/// Bits of an unsigned big-endian integer (leading zero bytes ignored).
fn bit_length(be: &[u8]) -> u32 {
    let Some(trimmed) = be.iter().position(|b| *b != 0).and_then(|i| be.get(i..)) else { return 0 };
    let Some(first) = trimmed.first() else { return 0 };
    u32::try_from(trimmed.len() - 1).unwrap_or(u32::MAX / 8).saturating_mul(8) + (8 - first.leading_zeros())
}

/// Unix seconds as RFC 3339 UTC (`2025-03-01T12:00:00Z`); empty outside years 0000-9999 (a
/// certificate's validity, an `ASN1Time`, is always inside).
pub fn rfc3339(ts: i64) -> String {
    ::time::OffsetDateTime::from_unix_timestamp(ts)
        .ok()
        .and_then(|t| t.format(&::time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_default()
}

/// Unix seconds now.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(rfc3339(-86_400), "1969-12-31T00:00:00Z");
        assert_eq!(rfc3339(4_102_444_799), "2099-12-31T23:59:59Z");
    }

    #[test]
    fn names() {
        let c = CertObs {
            san: vec!["*.example.com".into(), "host.local".into(), "10.0.0.5".into()],
            common_name: Some("ignored".into()),
            ..CertObs::default()
        };
        assert!(name_matches(&c, "a.example.com"));
        assert!(name_matches(&c, "HOST.local."));
        assert!(name_matches(&c, "10.0.0.5"));
        assert!(!name_matches(&c, "a.b.example.com"));
        assert!(!name_matches(&c, "example.com"));
        assert!(!name_matches(&c, "ignored"));
        assert!(!name_matches(&c, "10.0.0.6"));
        let cn_only = CertObs { common_name: Some("srv01.corp.example".into()), ..CertObs::default() };
        assert!(name_matches(&cn_only, "srv01.corp.example"));
        assert!(!name_matches(&cn_only, "srv01"));
    }

    #[test]
    fn key_bits() {
        assert_eq!(bit_length(&[0x00, 0x80, 0, 0]), 24);
        assert_eq!(bit_length(&[0x7F, 0]), 15);
        assert_eq!(bit_length(&[0; 3]), 0);
    }

    #[test]
    fn an_rcgen_certificate() {
        let ck = rcgen::generate_simple_self_signed(vec!["lab.example".to_string(), "127.0.0.1".to_string()]).unwrap();
        let c = parse(ck.cert.der(), unix_now());
        assert_eq!(c.parse_error, None);
        assert_eq!(c.key_type, "EC");
        assert_eq!(c.curve.as_deref(), Some("P-256"));
        assert_eq!(c.key_bits, Some(256));
        assert_eq!(c.signature_algorithm, "ecdsa-with-SHA256");
        assert!(c.self_signed);
        assert_eq!(c.san, vec!["lab.example".to_string(), "127.0.0.1".to_string()]);
        assert!(name_matches(&c, "127.0.0.1") && name_matches(&c, "lab.example"));
        assert!(c.days_left > 365 * 100);
        assert_eq!(c.sha1.len(), 40);
    }
}
