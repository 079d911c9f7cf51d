//! What real RDP clients offer in TLS, as data, and a pure check of a server's scan result against
//! each of them.
//!
//! Each profile is the client's *default* configuration: the protocol versions it enables and the
//! cipher suites it offers, in its priority order, with the source they were transcribed from.
//! Suites are IANA code points and must be present in [`super::tls_suites::SUITES`].

use std::collections::BTreeMap;

use serde::Serialize;

use super::tls_suites::{self, SSL30, TLS10, TLS11, TLS12, TLS13};

/// A named client configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientProfile {
    /// Profile name used in the report (`windows-11`).
    pub name: &'static str,
    pub description: &'static str,
    /// Versions the client enables by default, oldest first.
    pub versions: &'static [u16],
    /// Suites the client offers, in its priority order.
    pub suites: &'static [u16],
    /// Where the versions and suites come from.
    pub source: &'static str,
}

// Microsoft Learn, "TLS Cipher Suites in Windows Server 2022" / "... in Windows 11": default
// priority order of the Microsoft Schannel provider (NULL and PSK suites, which Schannel lists but
// never offers unless the application asks for them, are left out).
const SCHANNEL_2022: &[u16] = &[
    0x1302, // TLS_AES_256_GCM_SHA384
    0x1301, // TLS_AES_128_GCM_SHA256
    0xC02C, // TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
    0xC02B, // TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
    0xC030, // TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
    0xC02F, // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
    0x009F, // TLS_DHE_RSA_WITH_AES_256_GCM_SHA384
    0x009E, // TLS_DHE_RSA_WITH_AES_128_GCM_SHA256
    0xC024, // TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384
    0xC023, // TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256
    0xC028, // TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384
    0xC027, // TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256
    0xC00A, // TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA
    0xC009, // TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA
    0xC014, // TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA
    0xC013, // TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA
    0x009D, // TLS_RSA_WITH_AES_256_GCM_SHA384
    0x009C, // TLS_RSA_WITH_AES_128_GCM_SHA256
    0x003D, // TLS_RSA_WITH_AES_256_CBC_SHA256
    0x003C, // TLS_RSA_WITH_AES_128_CBC_SHA256
    0x0035, // TLS_RSA_WITH_AES_256_CBC_SHA
    0x002F, // TLS_RSA_WITH_AES_128_CBC_SHA
];

// Microsoft Learn, "TLS Cipher Suites in Windows 10 v22H2" (same list since v1903).
const SCHANNEL_WIN10: &[u16] = &[
    0xC02C, // TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
    0xC02B, // TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
    0xC030, // TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
    0xC02F, // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
    0xC024, // TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384
    0xC023, // TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256
    0xC028, // TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384
    0xC027, // TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256
    0xC00A, // TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA
    0xC009, // TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA
    0xC014, // TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA
    0xC013, // TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA
    0x009D, // TLS_RSA_WITH_AES_256_GCM_SHA384
    0x009C, // TLS_RSA_WITH_AES_128_GCM_SHA256
    0x003D, // TLS_RSA_WITH_AES_256_CBC_SHA256
    0x003C, // TLS_RSA_WITH_AES_128_CBC_SHA256
    0x0035, // TLS_RSA_WITH_AES_256_CBC_SHA
    0x002F, // TLS_RSA_WITH_AES_128_CBC_SHA
    0x000A, // TLS_RSA_WITH_3DES_EDE_CBC_SHA
];

// Microsoft Learn, "TLS Cipher Suites in Windows 8.1" (order after update KB3042058).
const SCHANNEL_WIN81: &[u16] = &[
    0xC028, // TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384
    0xC027, // TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256
    0xC014, // TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA
    0xC013, // TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA
    0x009F, // TLS_DHE_RSA_WITH_AES_256_GCM_SHA384
    0x009E, // TLS_DHE_RSA_WITH_AES_128_GCM_SHA256
    0x009D, // TLS_RSA_WITH_AES_256_GCM_SHA384
    0x009C, // TLS_RSA_WITH_AES_128_GCM_SHA256
    0x003D, // TLS_RSA_WITH_AES_256_CBC_SHA256
    0x003C, // TLS_RSA_WITH_AES_128_CBC_SHA256
    0x0035, // TLS_RSA_WITH_AES_256_CBC_SHA
    0x002F, // TLS_RSA_WITH_AES_128_CBC_SHA
    0xC02C, // TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
    0xC02B, // TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
    0xC024, // TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384
    0xC023, // TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256
    0xC00A, // TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA
    0xC009, // TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA
    0x006A, // TLS_DHE_DSS_WITH_AES_256_CBC_SHA256
    0x0040, // TLS_DHE_DSS_WITH_AES_128_CBC_SHA256
    0x0038, // TLS_DHE_DSS_WITH_AES_256_CBC_SHA
    0x0032, // TLS_DHE_DSS_WITH_AES_128_CBC_SHA
    0x000A, // TLS_RSA_WITH_3DES_EDE_CBC_SHA
    0x0013, // TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA
    0x0005, // TLS_RSA_WITH_RC4_128_SHA
    0x0004, // TLS_RSA_WITH_RC4_128_MD5
];

// Microsoft Learn, "TLS Cipher Suites in Windows 7" (order after update KB3042058).
const SCHANNEL_WIN7: &[u16] = &[
    0xC028, // TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384
    0xC027, // TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256
    0xC014, // TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA
    0xC013, // TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA
    0x009F, // TLS_DHE_RSA_WITH_AES_256_GCM_SHA384
    0x009E, // TLS_DHE_RSA_WITH_AES_128_GCM_SHA256
    0x009D, // TLS_RSA_WITH_AES_256_GCM_SHA384
    0x009C, // TLS_RSA_WITH_AES_128_GCM_SHA256
    0x003D, // TLS_RSA_WITH_AES_256_CBC_SHA256
    0x003C, // TLS_RSA_WITH_AES_128_CBC_SHA256
    0x0035, // TLS_RSA_WITH_AES_256_CBC_SHA
    0x002F, // TLS_RSA_WITH_AES_128_CBC_SHA
    0xC02C, // TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
    0xC02B, // TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
    0xC024, // TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384
    0xC023, // TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256
    0xC00A, // TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA
    0xC009, // TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA
    0x006A, // TLS_DHE_DSS_WITH_AES_256_CBC_SHA256
    0x0040, // TLS_DHE_DSS_WITH_AES_128_CBC_SHA256
    0x0038, // TLS_DHE_DSS_WITH_AES_256_CBC_SHA
    0x0032, // TLS_DHE_DSS_WITH_AES_128_CBC_SHA
    0x000A, // TLS_RSA_WITH_3DES_EDE_CBC_SHA
    0x0013, // TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA
    0x0005, // TLS_RSA_WITH_RC4_128_SHA
    0x0004, // TLS_RSA_WITH_RC4_128_MD5
];

// `openssl ciphers -V -stdname 'DEFAULT:@SECLEVEL=1'` with OpenSSL 3.0, without the PSK and SRP
// suites (offered only when a PSK or SRP callback is set, which FreeRDP does not do).
const OPENSSL3_DEFAULT: &[u16] = &[
    0x1302, 0x1303, 0x1301, 0xC02C, 0xC030, 0x009F, 0xCCA9, 0xCCA8, 0xCCAA, 0xC02B, 0xC02F, 0x009E, 0xC024, 0xC028,
    0x006B, 0xC023, 0xC027, 0x0067, 0xC00A, 0xC014, 0x0039, 0xC009, 0xC013, 0x0033, 0x009D, 0x009C, 0x003D, 0x003C,
    0x0035, 0x002F,
];

// TLS 1.2+ with forward-secret AEAD suites only (e.g. Mozilla "modern"/"intermediate" guidance,
// NIST SP 800-52r2 3.3.1 with CBC removed).
const HARDENED: &[u16] =
    &[0x1302, 0x1301, 0x1303, 0xC02C, 0xC030, 0xC02B, 0xC02F, 0xCCA9, 0xCCA8, 0x009F, 0x009E, 0xCCAA];

/// The profiles, newest Windows first.
pub static PROFILES: &[ClientProfile] = &[
    ClientProfile {
        name: "windows-11",
        description: "Windows 11 mstsc / Schannel defaults, with TLS 1.0 and 1.1 disabled",
        versions: &[TLS12, TLS13],
        suites: SCHANNEL_2022,
        source: "Microsoft Learn \"TLS Cipher Suites in Windows 11\" (default priority order); \
                 TLS 1.0/1.1 disabled by default per Microsoft \"TLS 1.0 and TLS 1.1 soon to be \
                 disabled in Windows\" (2023) - earlier Windows 11 builds still enable them",
    },
    ClientProfile {
        name: "windows-server-2022",
        description: "Windows Server 2022 Schannel defaults (TLS 1.3 enabled, TLS 1.0/1.1 still on)",
        versions: &[TLS10, TLS11, TLS12, TLS13],
        suites: SCHANNEL_2022,
        source: "Microsoft Learn \"TLS Cipher Suites in Windows Server 2022\" and \"Protocols in \
                 TLS/SSL (Schannel SSP)\"",
    },
    ClientProfile {
        name: "windows-10",
        description: "Windows 10 (v1903-22H2) mstsc / Schannel defaults, no TLS 1.3",
        versions: &[TLS10, TLS11, TLS12],
        suites: SCHANNEL_WIN10,
        source: "Microsoft Learn \"TLS Cipher Suites in Windows 10 v22H2\" and \"Protocols in \
                 TLS/SSL (Schannel SSP)\" (TLS 1.3 not enabled by default on Windows 10)",
    },
    ClientProfile {
        name: "windows-8.1",
        description: "Windows 8.1 / Server 2012 R2 Schannel defaults",
        versions: &[SSL30, TLS10, TLS11, TLS12],
        suites: SCHANNEL_WIN81,
        source: "Microsoft Learn \"TLS Cipher Suites in Windows 8.1\" (after KB3042058) and \
                 \"Protocols in TLS/SSL (Schannel SSP)\"",
    },
    ClientProfile {
        name: "windows-7",
        description: "Windows 7 SP1 Schannel client defaults: TLS 1.1/1.2 present but disabled",
        versions: &[SSL30, TLS10],
        suites: SCHANNEL_WIN7,
        source: "Microsoft Learn \"TLS Cipher Suites in Windows 7\" (after KB3042058) and \
                 \"Protocols in TLS/SSL (Schannel SSP)\": TLS 1.1/1.2 client need the \
                 DisabledByDefault=0 registry values (KB3140245)",
    },
    ClientProfile {
        name: "freerdp-openssl3",
        description: "FreeRDP linked against OpenSSL 3 at security level 1 (no TLS 1.0/1.1 unless \
                      /tls-seclevel:0)",
        versions: &[TLS12, TLS13],
        suites: OPENSSL3_DEFAULT,
        source: "OpenSSL 3.0 SSL_CTX_set_security_level(3): TLS below 1.2 only at level 0; suites \
                 from `openssl ciphers -V -stdname 'DEFAULT:@SECLEVEL=1'` (OpenSSL 3.0.19)",
    },
    ClientProfile {
        name: "hardened",
        description: "A hardened client: TLS 1.2+ with forward-secret AEAD suites only",
        versions: &[TLS12, TLS13],
        suites: HARDENED,
        source: "NIST SP 800-52 Rev. 2 3.3.1 restricted to AEAD; Mozilla server-side TLS \
                 \"intermediate\" configuration",
    },
];

/// The profile with this name.
pub fn profile(name: &str) -> Option<&'static ClientProfile> {
    PROFILES.iter().find(|p| p.name == name)
}

/// Why a client can or cannot connect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VerdictCause {
    /// A common version with a common suite.
    Connects,
    /// The client and server enable no version in common.
    NoCommonVersion,
    /// The negotiated version has no suite both sides accept.
    NoCommonSuite,
}

/// Result of checking one profile against a server (`observations.tls.client_profiles[]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProfileVerdict {
    pub profile: String,
    pub can_connect: bool,
    pub reason: String,
    pub cause: VerdictCause,
    /// The version the client would negotiate (`"tls1.2"`), if any is common.
    pub version: Option<String>,
    /// The suite the server would pick (`"0xC030"`), if the client can connect.
    pub suite: Option<String>,
}

fn vname(v: u16) -> &'static str {
    tls_suites::version_name(v).unwrap_or("unknown")
}

fn vlist(vs: &[u16]) -> String {
    if vs.is_empty() {
        return "none".into();
    }
    vs.iter().map(|v| vname(*v)).collect::<Vec<_>>().join(", ")
}

fn slist(ids: &[u16], max: usize) -> String {
    let mut parts: Vec<String> = ids
        .iter()
        .take(max)
        .map(|id| format!("{} ({})", tls_suites::suite_name(*id), tls_suites::hex_id(*id)))
        .collect();
    if ids.len() > max {
        parts.push(format!("and {} more", ids.len() - max));
    }
    parts.join(", ")
}

/// The verdict for a client that connects with `version` and suite `id`.
fn connects(profile: &ClientProfile, version: u16, id: u16) -> ProfileVerdict {
    ProfileVerdict {
        profile: profile.name.into(),
        can_connect: true,
        reason: format!(
            "connects with {} using {} ({})",
            vname(version),
            tls_suites::suite_name(id),
            tls_suites::hex_id(id)
        ),
        cause: VerdictCause::Connects,
        version: Some(vname(version).into()),
        suite: Some(tls_suites::hex_id(id)),
    }
}

/// Whether a client enabling `version` offers `suite` in it: TLS 1.3 suites only in 1.3, others
/// only from the version that defines them up to TLS 1.2.
fn client_offers_in(id: u16, version: u16) -> bool {
    tls_suites::suite(id).is_some_and(|s| s.offered_in(version))
}

/// Checks one client profile against what a server accepts.
///
/// `server_versions` are the versions the server accepted; `server_suites_by_version` maps each
/// version to the suites the server accepted in it, in the server's preference order. The client
/// negotiates the highest common version ([RFC 5246] E.1, [RFC 8446] 4.2.1) and does not fall back
/// to a lower one when that version has no common suite (Schannel and OpenSSL clients do not retry).
pub fn evaluate(
    profile: &ClientProfile,
    server_versions: &[u16],
    server_suites_by_version: &BTreeMap<u16, Vec<u16>>,
) -> ProfileVerdict {
    let mut server_sorted: Vec<u16> = server_versions.to_vec();
    server_sorted.sort_unstable();
    server_sorted.dedup();
    let common: Option<u16> = profile.versions.iter().copied().filter(|v| server_sorted.contains(v)).max();
    let Some(version) = common else {
        return ProfileVerdict {
            profile: profile.name.into(),
            can_connect: false,
            reason: format!(
                "protocol mismatch: no common TLS version - {} enables {}; the server accepts {}",
                profile.name,
                vlist(profile.versions),
                vlist(&server_sorted)
            ),
            cause: VerdictCause::NoCommonVersion,
            version: None,
            suite: None,
        };
    };
    let empty = Vec::new();
    let server_suites = server_suites_by_version.get(&version).unwrap_or(&empty);
    let client_suites: Vec<u16> = profile.suites.iter().copied().filter(|id| client_offers_in(*id, version)).collect();
    let chosen = server_suites.iter().copied().find(|id| client_suites.contains(id));
    match chosen {
        Some(id) => connects(profile, version, id),
        None => ProfileVerdict {
            profile: profile.name.into(),
            can_connect: false,
            reason: format!(
                "cipher mismatch: both use {} but share no cipher suite - the server accepts {}; \
                 {} offers {}",
                vname(version),
                if server_suites.is_empty() { "none".to_string() } else { slist(server_suites, 8) },
                profile.name,
                if client_suites.is_empty() { "none".to_string() } else { slist(&client_suites, 6) }
            ),
            cause: VerdictCause::NoCommonSuite,
            version: Some(vname(version).into()),
            suite: None,
        },
    }
}

/// Judges one profile from the server's answer to that profile's own ClientHello (every version and
/// suite the client enables, in its order): the server's choice is what this client would get. The
/// version the server accepts come from one hello per version (`server_versions`).
///
/// `answer` is the (version, suite) of the ServerHello; `refusal` says how the server refused when
/// there was none (an alert, a close). A hello that got no answer at all is not judged (the caller
/// leaves the profile out).
pub fn judge(
    profile: &ClientProfile,
    server_versions: &[u16],
    known_suites: &BTreeMap<u16, Vec<u16>>,
    answer: Option<(u16, u16)>,
    refusal: &str,
) -> ProfileVerdict {
    let mut server_sorted: Vec<u16> = server_versions.to_vec();
    if let Some((v, _)) = answer {
        server_sorted.push(v);
    }
    server_sorted.sort_unstable();
    server_sorted.dedup();
    let common: Option<u16> = profile.versions.iter().copied().filter(|v| server_sorted.contains(v)).max();
    match (answer, common) {
        (Some((v, id)), _) if profile.versions.contains(&v) => connects(profile, v, id),
        (Some((v, _)), _) => ProfileVerdict {
            profile: profile.name.into(),
            can_connect: false,
            reason: format!(
                "protocol mismatch: the server answered {}, which {} does not enable ({})",
                vname(v),
                profile.name,
                vlist(profile.versions)
            ),
            cause: VerdictCause::NoCommonVersion,
            version: None,
            suite: None,
        },
        (None, None) => ProfileVerdict {
            profile: profile.name.into(),
            can_connect: false,
            reason: format!(
                "protocol mismatch: no common TLS version - {} enables {}; the server accepts {} (its hello got {refusal})",
                profile.name,
                vlist(profile.versions),
                vlist(&server_sorted)
            ),
            cause: VerdictCause::NoCommonVersion,
            version: None,
            suite: None,
        },
        (None, Some(v)) => {
            let offered: Vec<u16> = profile.suites.iter().copied().filter(|id| client_offers_in(*id, v)).collect();
            ProfileVerdict {
                profile: profile.name.into(),
                can_connect: false,
                reason: format!(
                    "cipher mismatch: both use {} but share no cipher suite - the server accepts {} and refused {}'s \
                     hello ({refusal}); {} offers {}",
                    vname(v),
                    match known_suites.get(&v) {
                        Some(k) if !k.is_empty() => format!("{} (at least)", slist(k, 8)),
                        _ => "none of them".to_string(),
                    },
                    profile.name,
                    profile.name,
                    if offered.is_empty() { "none".to_string() } else { slist(&offered, 6) }
                ),
                cause: VerdictCause::NoCommonSuite,
                version: Some(vname(v).into()),
                suite: None,
            }
        }
    }
}

/// Checks every profile.
pub fn evaluate_all(
    server_versions: &[u16],
    server_suites_by_version: &BTreeMap<u16, Vec<u16>>,
) -> Vec<ProfileVerdict> {
    PROFILES.iter().map(|p| evaluate(p, server_versions, server_suites_by_version)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(pairs: &[(u16, &[u16])]) -> (Vec<u16>, BTreeMap<u16, Vec<u16>>) {
        let versions = pairs.iter().map(|(v, _)| *v).collect();
        let map = pairs.iter().map(|(v, s)| (*v, s.to_vec())).collect();
        (versions, map)
    }

    #[test]
    fn every_profile_suite_is_in_the_table_and_required_profiles_exist() {
        for p in PROFILES {
            for id in p.suites {
                assert!(tls_suites::suite(*id).is_some(), "{}: 0x{id:04X} missing", p.name);
            }
            assert!(!p.versions.is_empty() && !p.source.is_empty());
        }
        for name in [
            "windows-7",
            "windows-8.1",
            "windows-10",
            "windows-11",
            "windows-server-2022",
            "freerdp-openssl3",
            "hardened",
        ] {
            assert!(profile(name).is_some(), "{name}");
        }
        for id in profile("hardened").unwrap().suites {
            assert!(tls_suites::suite(*id).unwrap().is_aead());
        }
    }

    #[test]
    fn tls10_only_server_rejects_windows_11_for_protocol() {
        let (v, m) = server(&[(TLS10, &[0x0035, 0x002F])]);
        let r = evaluate(profile("windows-11").unwrap(), &v, &m);
        assert!(!r.can_connect);
        assert_eq!(r.cause, VerdictCause::NoCommonVersion);
        assert!(r.reason.contains("protocol mismatch"), "{}", r.reason);
        assert!(r.reason.contains("tls1.2, tls1.3") && r.reason.contains("accepts tls1.0"), "{}", r.reason);
        // Windows 7 speaks TLS 1.0 and offers AES256-SHA.
        let r7 = evaluate(profile("windows-7").unwrap(), &v, &m);
        assert!(r7.can_connect, "{}", r7.reason);
        assert_eq!(r7.suite.as_deref(), Some("0x0035"));
        let rf = evaluate(profile("freerdp-openssl3").unwrap(), &v, &m);
        assert_eq!(rf.cause, VerdictCause::NoCommonVersion);
    }

    #[test]
    fn aes256_sha_only_server_rejects_hardened_for_cipher() {
        let (v, m) = server(&[(TLS12, &[0x0035])]);
        let r = evaluate(profile("hardened").unwrap(), &v, &m);
        assert!(!r.can_connect);
        assert_eq!(r.cause, VerdictCause::NoCommonSuite);
        assert_eq!(r.version.as_deref(), Some("tls1.2"));
        assert!(r.reason.contains("cipher mismatch"), "{}", r.reason);
        assert!(r.reason.contains("TLS_RSA_WITH_AES_256_CBC_SHA (0x0035)"), "{}", r.reason);
        let w10 = evaluate(profile("windows-10").unwrap(), &v, &m);
        assert!(w10.can_connect && w10.suite.as_deref() == Some("0x0035"), "{}", w10.reason);
    }

    #[test]
    fn picks_highest_common_version_and_server_preference() {
        let (v, m) = server(&[(TLS12, &[0x009C, 0xC030]), (TLS13, &[0x1301])]);
        let r = evaluate(profile("windows-10").unwrap(), &v, &m);
        assert_eq!(r.version.as_deref(), Some("tls1.2"));
        assert_eq!(r.suite.as_deref(), Some("0x009C"));
        let r = evaluate(profile("windows-11").unwrap(), &v, &m);
        assert_eq!(r.version.as_deref(), Some("tls1.3"));
        // Only 3DES at 1.2 and a 1.3 suite Windows does not offer.
        let (v, m) = server(&[(TLS12, &[0x000A]), (TLS13, &[0x1303])]);
        let r = evaluate(profile("windows-server-2022").unwrap(), &v, &m);
        assert_eq!(r.cause, VerdictCause::NoCommonSuite);
        assert_eq!(r.version.as_deref(), Some("tls1.3"));
    }
}
