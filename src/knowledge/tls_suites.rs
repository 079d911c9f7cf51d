//! TLS code spaces as data: cipher suites, protocol versions, named groups and signature schemes.
//!
//! Source: IANA "Transport Layer Security (TLS) Parameters" registry
//! (<https://www.iana.org/assignments/tls-parameters/>), with the defining RFC named per entry.
//! The table covers every registered suite a server realistically selects (RSA, DH, DHE, ECDH, ECDHE,
//! anonymous; NULL, export, RC4, RC2, IDEA, DES, 3DES, SEED, CAMELLIA, ARIA, AES-CBC/GCM/CCM,
//! CHACHA20) and leaves out PSK, SRP, KRB5 and GOST suites, which need configuration a server for RDP
//! never has. The five `EXPORT1024` suites (0x0062-0x0066) are not registered but were shipped by
//! Windows 2000/XP and OpenSSL 0.9.x.

use serde::Serialize;

/// Version code points, [RFC 8446] 4.2.1 / [RFC 5246] 6.2.1 (`ProtocolVersion`).
pub const SSL30: u16 = 0x0300;
pub const TLS10: u16 = 0x0301;
pub const TLS11: u16 = 0x0302;
pub const TLS12: u16 = 0x0303;
pub const TLS13: u16 = 0x0304;

/// A protocol version with its report name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Version {
    pub code: u16,
    /// Name used in the JSON report (`observations.tls.versions`).
    pub name: &'static str,
    pub label: &'static str,
    pub source: &'static str,
}

/// Every version the scanner knows, oldest first.
pub const VERSIONS: &[Version] = &[
    Version { code: SSL30, name: "ssl3.0", label: "SSL 3.0", source: "RFC 6101 (historic; prohibited by RFC 7568)" },
    Version { code: TLS10, name: "tls1.0", label: "TLS 1.0", source: "RFC 2246 (deprecated by RFC 8996)" },
    Version { code: TLS11, name: "tls1.1", label: "TLS 1.1", source: "RFC 4346 (deprecated by RFC 8996)" },
    Version { code: TLS12, name: "tls1.2", label: "TLS 1.2", source: "RFC 5246" },
    Version { code: TLS13, name: "tls1.3", label: "TLS 1.3", source: "RFC 8446" },
];

/// The version entry for a code point.
pub fn version(code: u16) -> Option<&'static Version> {
    VERSIONS.iter().find(|v| v.code == code)
}

/// The report name of a version code point (`"tls1.2"`), or `None` if unknown.
pub fn version_name(code: u16) -> Option<&'static str> {
    version(code).map(|v| v.name)
}

/// A version as the report writes it: its name (`"tls1.2"`), or the code point (`"0x0305"`) when
/// the table does not know it.
pub fn version_label(code: u16) -> String {
    version_name(code).map_or_else(|| format!("0x{code:04X}"), str::to_string)
}

/// The version code for a report name (`"tls1.2"` -> 0x0303).
pub fn version_code(name: &str) -> Option<u16> {
    VERSIONS.iter().find(|v| v.name == name).map(|v| v.code)
}

/// Key exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kx {
    /// TLS 1.3: negotiated separately (key_share).
    Any,
    Rsa,
    Dh,
    Dhe,
    Ecdh,
    Ecdhe,
}

/// Server authentication.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Auth {
    /// TLS 1.3: negotiated separately (signature_algorithms).
    Any,
    Rsa,
    Dss,
    Ecdsa,
    Anon,
}

/// Bulk cipher.
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cipher {
    Null,
    Rc4_40,
    Rc4_56,
    Rc4_128,
    Rc2Cbc40,
    IdeaCbc,
    Des40Cbc,
    DesCbc,
    TripleDesEdeCbc,
    SeedCbc,
    Aes128Cbc,
    Aes256Cbc,
    Aes128Gcm,
    Aes256Gcm,
    Aes128Ccm,
    Aes256Ccm,
    Aes128Ccm8,
    Aes256Ccm8,
    Camellia128Cbc,
    Camellia256Cbc,
    Camellia128Gcm,
    Camellia256Gcm,
    Aria128Cbc,
    Aria256Cbc,
    Aria128Gcm,
    Aria256Gcm,
    Chacha20Poly1305,
}

/// Record MAC (or AEAD).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mac {
    Md5,
    Sha1,
    Sha256,
    Sha384,
    Aead,
}

/// Weakness classes (bit flags in [`Suite::flags`]).
pub const RC4: u16 = 1 << 0;
/// Single DES or DES40.
pub const DES: u16 = 1 << 1;
pub const TRIPLE_DES: u16 = 1 << 2;
pub const EXPORT: u16 = 1 << 3;
pub const NULL: u16 = 1 << 4;
pub const ANON: u16 = 1 << 5;
pub const CBC: u16 = 1 << 6;
/// RSA key transport (no forward secrecy, ROBOT-class oracles).
pub const RSA_KX: u16 = 1 << 7;
/// Static key exchange (RSA, DH, ECDH): no forward secrecy.
pub const NO_PFS: u16 = 1 << 8;

/// One cipher suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Suite {
    pub id: u16,
    /// IANA name, e.g. `TLS_RSA_WITH_3DES_EDE_CBC_SHA`.
    pub name: &'static str,
    pub kx: Kx,
    pub auth: Auth,
    pub cipher: Cipher,
    pub mac: Mac,
    /// Weakness classes, see [`RC4`] .. [`NO_PFS`].
    pub flags: u16,
    /// Lowest version the suite is defined for.
    pub min_version: u16,
    /// Highest version the specification allows it in. Servers sometimes accept a suite beyond this
    /// (export or DES in TLS 1.2), so the scanner offers legacy suites in every version up to 1.2.
    pub max_version: u16,
    pub source: &'static str,
}

impl Suite {
    pub fn has(&self, flag: u16) -> bool {
        self.flags & flag != 0
    }
    pub fn is_aead(&self) -> bool {
        self.mac == Mac::Aead
    }
    pub fn is_tls13(&self) -> bool {
        self.min_version == TLS13
    }
    /// Whether the specification allows this suite in `version`.
    pub fn defined_for(&self, version: u16) -> bool {
        self.min_version <= version && version <= self.max_version
    }
    /// Whether the scanner offers this suite in a hello for `version`: TLS 1.3 suites only in 1.3,
    /// others from their minimum version up to TLS 1.2 (see [`Suite::max_version`]).
    pub fn offered_in(&self, version: u16) -> bool {
        if version >= TLS13 { self.is_tls13() } else { !self.is_tls13() && self.min_version <= version }
    }
    /// Report form of the id: `"0x0035"`.
    pub fn hex_id(&self) -> String {
        hex_id(self.id)
    }
}

/// `"0x0035"`.
pub fn hex_id(id: u16) -> String {
    format!("0x{id:04X}")
}

#[allow(clippy::too_many_arguments)]
const fn s(
    id: u16,
    name: &'static str,
    kx: Kx,
    auth: Auth,
    cipher: Cipher,
    mac: Mac,
    flags: u16,
    min_version: u16,
    max_version: u16,
    source: &'static str,
) -> Suite {
    Suite { id, name, kx, auth, cipher, mac, flags, min_version, max_version, source }
}

/// The suite table, ordered by code point.
#[rustfmt::skip]
pub static SUITES: &[Suite] = &[
    s(0x0001, "TLS_RSA_WITH_NULL_MD5", Kx::Rsa, Auth::Rsa, Cipher::Null, Mac::Md5, NULL | RSA_KX | NO_PFS, SSL30, TLS12, "RFC 5246 A.5"),
    s(0x0002, "TLS_RSA_WITH_NULL_SHA", Kx::Rsa, Auth::Rsa, Cipher::Null, Mac::Sha1, NULL | RSA_KX | NO_PFS, SSL30, TLS12, "RFC 5246 A.5"),
    s(0x0003, "TLS_RSA_EXPORT_WITH_RC4_40_MD5", Kx::Rsa, Auth::Rsa, Cipher::Rc4_40, Mac::Md5, RC4 | EXPORT | RSA_KX | NO_PFS, SSL30, TLS10, "RFC 2246 A.5"),
    s(0x0004, "TLS_RSA_WITH_RC4_128_MD5", Kx::Rsa, Auth::Rsa, Cipher::Rc4_128, Mac::Md5, RC4 | RSA_KX | NO_PFS, SSL30, TLS12, "RFC 5246 A.5"),
    s(0x0005, "TLS_RSA_WITH_RC4_128_SHA", Kx::Rsa, Auth::Rsa, Cipher::Rc4_128, Mac::Sha1, RC4 | RSA_KX | NO_PFS, SSL30, TLS12, "RFC 5246 A.5"),
    s(0x0006, "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5", Kx::Rsa, Auth::Rsa, Cipher::Rc2Cbc40, Mac::Md5, EXPORT | CBC | RSA_KX | NO_PFS, SSL30, TLS10, "RFC 2246 A.5"),
    s(0x0007, "TLS_RSA_WITH_IDEA_CBC_SHA", Kx::Rsa, Auth::Rsa, Cipher::IdeaCbc, Mac::Sha1, CBC | RSA_KX | NO_PFS, SSL30, TLS11, "RFC 5469 (deprecated in TLS 1.2)"),
    s(0x0008, "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA", Kx::Rsa, Auth::Rsa, Cipher::Des40Cbc, Mac::Sha1, DES | EXPORT | CBC | RSA_KX | NO_PFS, SSL30, TLS10, "RFC 2246 A.5"),
    s(0x0009, "TLS_RSA_WITH_DES_CBC_SHA", Kx::Rsa, Auth::Rsa, Cipher::DesCbc, Mac::Sha1, DES | CBC | RSA_KX | NO_PFS, SSL30, TLS11, "RFC 5469 (deprecated in TLS 1.2)"),
    s(0x000A, "TLS_RSA_WITH_3DES_EDE_CBC_SHA", Kx::Rsa, Auth::Rsa, Cipher::TripleDesEdeCbc, Mac::Sha1, TRIPLE_DES | CBC | RSA_KX | NO_PFS, SSL30, TLS12, "RFC 5246 A.5"),
    s(0x000B, "TLS_DH_DSS_EXPORT_WITH_DES40_CBC_SHA", Kx::Dh, Auth::Dss, Cipher::Des40Cbc, Mac::Sha1, DES | EXPORT | CBC | NO_PFS, SSL30, TLS10, "RFC 2246 A.5"),
    s(0x000C, "TLS_DH_DSS_WITH_DES_CBC_SHA", Kx::Dh, Auth::Dss, Cipher::DesCbc, Mac::Sha1, DES | CBC | NO_PFS, SSL30, TLS11, "RFC 5469 (deprecated in TLS 1.2)"),
    s(0x000D, "TLS_DH_DSS_WITH_3DES_EDE_CBC_SHA", Kx::Dh, Auth::Dss, Cipher::TripleDesEdeCbc, Mac::Sha1, TRIPLE_DES | CBC | NO_PFS, SSL30, TLS12, "RFC 5246 A.5"),
    s(0x000E, "TLS_DH_RSA_EXPORT_WITH_DES40_CBC_SHA", Kx::Dh, Auth::Rsa, Cipher::Des40Cbc, Mac::Sha1, DES | EXPORT | CBC | NO_PFS, SSL30, TLS10, "RFC 2246 A.5"),
    s(0x000F, "TLS_DH_RSA_WITH_DES_CBC_SHA", Kx::Dh, Auth::Rsa, Cipher::DesCbc, Mac::Sha1, DES | CBC | NO_PFS, SSL30, TLS11, "RFC 5469 (deprecated in TLS 1.2)"),
    s(0x0010, "TLS_DH_RSA_WITH_3DES_EDE_CBC_SHA", Kx::Dh, Auth::Rsa, Cipher::TripleDesEdeCbc, Mac::Sha1, TRIPLE_DES | CBC | NO_PFS, SSL30, TLS12, "RFC 5246 A.5"),
    s(0x0011, "TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA", Kx::Dhe, Auth::Dss, Cipher::Des40Cbc, Mac::Sha1, DES | EXPORT | CBC, SSL30, TLS10, "RFC 2246 A.5"),
    s(0x0012, "TLS_DHE_DSS_WITH_DES_CBC_SHA", Kx::Dhe, Auth::Dss, Cipher::DesCbc, Mac::Sha1, DES | CBC, SSL30, TLS11, "RFC 5469 (deprecated in TLS 1.2)"),
    s(0x0013, "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA", Kx::Dhe, Auth::Dss, Cipher::TripleDesEdeCbc, Mac::Sha1, TRIPLE_DES | CBC, SSL30, TLS12, "RFC 5246 A.5"),
    s(0x0014, "TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA", Kx::Dhe, Auth::Rsa, Cipher::Des40Cbc, Mac::Sha1, DES | EXPORT | CBC, SSL30, TLS10, "RFC 2246 A.5"),
    s(0x0015, "TLS_DHE_RSA_WITH_DES_CBC_SHA", Kx::Dhe, Auth::Rsa, Cipher::DesCbc, Mac::Sha1, DES | CBC, SSL30, TLS11, "RFC 5469 (deprecated in TLS 1.2)"),
    s(0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA", Kx::Dhe, Auth::Rsa, Cipher::TripleDesEdeCbc, Mac::Sha1, TRIPLE_DES | CBC, SSL30, TLS12, "RFC 5246 A.5"),
    s(0x0017, "TLS_DH_anon_EXPORT_WITH_RC4_40_MD5", Kx::Dhe, Auth::Anon, Cipher::Rc4_40, Mac::Md5, RC4 | EXPORT | ANON, SSL30, TLS10, "RFC 2246 A.5"),
    s(0x0018, "TLS_DH_anon_WITH_RC4_128_MD5", Kx::Dhe, Auth::Anon, Cipher::Rc4_128, Mac::Md5, RC4 | ANON, SSL30, TLS12, "RFC 5246 A.5"),
    s(0x0019, "TLS_DH_anon_EXPORT_WITH_DES40_CBC_SHA", Kx::Dhe, Auth::Anon, Cipher::Des40Cbc, Mac::Sha1, DES | EXPORT | ANON | CBC, SSL30, TLS10, "RFC 2246 A.5"),
    s(0x001A, "TLS_DH_anon_WITH_DES_CBC_SHA", Kx::Dhe, Auth::Anon, Cipher::DesCbc, Mac::Sha1, DES | ANON | CBC, SSL30, TLS11, "RFC 5469 (deprecated in TLS 1.2)"),
    s(0x001B, "TLS_DH_anon_WITH_3DES_EDE_CBC_SHA", Kx::Dhe, Auth::Anon, Cipher::TripleDesEdeCbc, Mac::Sha1, TRIPLE_DES | ANON | CBC, SSL30, TLS12, "RFC 5246 A.5"),
    s(0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA", Kx::Rsa, Auth::Rsa, Cipher::Aes128Cbc, Mac::Sha1, CBC | RSA_KX | NO_PFS, SSL30, TLS12, "RFC 5246 A.5 (RFC 3268)"),
    s(0x0030, "TLS_DH_DSS_WITH_AES_128_CBC_SHA", Kx::Dh, Auth::Dss, Cipher::Aes128Cbc, Mac::Sha1, CBC | NO_PFS, SSL30, TLS12, "RFC 5246 A.5 (RFC 3268)"),
    s(0x0031, "TLS_DH_RSA_WITH_AES_128_CBC_SHA", Kx::Dh, Auth::Rsa, Cipher::Aes128Cbc, Mac::Sha1, CBC | NO_PFS, SSL30, TLS12, "RFC 5246 A.5 (RFC 3268)"),
    s(0x0032, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA", Kx::Dhe, Auth::Dss, Cipher::Aes128Cbc, Mac::Sha1, CBC, SSL30, TLS12, "RFC 5246 A.5 (RFC 3268)"),
    s(0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", Kx::Dhe, Auth::Rsa, Cipher::Aes128Cbc, Mac::Sha1, CBC, SSL30, TLS12, "RFC 5246 A.5 (RFC 3268)"),
    s(0x0034, "TLS_DH_anon_WITH_AES_128_CBC_SHA", Kx::Dhe, Auth::Anon, Cipher::Aes128Cbc, Mac::Sha1, ANON | CBC, SSL30, TLS12, "RFC 5246 A.5 (RFC 3268)"),
    s(0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA", Kx::Rsa, Auth::Rsa, Cipher::Aes256Cbc, Mac::Sha1, CBC | RSA_KX | NO_PFS, SSL30, TLS12, "RFC 5246 A.5 (RFC 3268)"),
    s(0x0036, "TLS_DH_DSS_WITH_AES_256_CBC_SHA", Kx::Dh, Auth::Dss, Cipher::Aes256Cbc, Mac::Sha1, CBC | NO_PFS, SSL30, TLS12, "RFC 5246 A.5 (RFC 3268)"),
    s(0x0037, "TLS_DH_RSA_WITH_AES_256_CBC_SHA", Kx::Dh, Auth::Rsa, Cipher::Aes256Cbc, Mac::Sha1, CBC | NO_PFS, SSL30, TLS12, "RFC 5246 A.5 (RFC 3268)"),
    s(0x0038, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA", Kx::Dhe, Auth::Dss, Cipher::Aes256Cbc, Mac::Sha1, CBC, SSL30, TLS12, "RFC 5246 A.5 (RFC 3268)"),
    s(0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", Kx::Dhe, Auth::Rsa, Cipher::Aes256Cbc, Mac::Sha1, CBC, SSL30, TLS12, "RFC 5246 A.5 (RFC 3268)"),
    s(0x003A, "TLS_DH_anon_WITH_AES_256_CBC_SHA", Kx::Dhe, Auth::Anon, Cipher::Aes256Cbc, Mac::Sha1, ANON | CBC, SSL30, TLS12, "RFC 5246 A.5 (RFC 3268)"),
    s(0x003B, "TLS_RSA_WITH_NULL_SHA256", Kx::Rsa, Auth::Rsa, Cipher::Null, Mac::Sha256, NULL | RSA_KX | NO_PFS, TLS12, TLS12, "RFC 5246 A.5"),
    s(0x003C, "TLS_RSA_WITH_AES_128_CBC_SHA256", Kx::Rsa, Auth::Rsa, Cipher::Aes128Cbc, Mac::Sha256, CBC | RSA_KX | NO_PFS, TLS12, TLS12, "RFC 5246 A.5"),
    s(0x003D, "TLS_RSA_WITH_AES_256_CBC_SHA256", Kx::Rsa, Auth::Rsa, Cipher::Aes256Cbc, Mac::Sha256, CBC | RSA_KX | NO_PFS, TLS12, TLS12, "RFC 5246 A.5"),
    s(0x003E, "TLS_DH_DSS_WITH_AES_128_CBC_SHA256", Kx::Dh, Auth::Dss, Cipher::Aes128Cbc, Mac::Sha256, CBC | NO_PFS, TLS12, TLS12, "RFC 5246 A.5"),
    s(0x003F, "TLS_DH_RSA_WITH_AES_128_CBC_SHA256", Kx::Dh, Auth::Rsa, Cipher::Aes128Cbc, Mac::Sha256, CBC | NO_PFS, TLS12, TLS12, "RFC 5246 A.5"),
    s(0x0040, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256", Kx::Dhe, Auth::Dss, Cipher::Aes128Cbc, Mac::Sha256, CBC, TLS12, TLS12, "RFC 5246 A.5"),
    s(0x0041, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA", Kx::Rsa, Auth::Rsa, Cipher::Camellia128Cbc, Mac::Sha1, CBC | RSA_KX | NO_PFS, SSL30, TLS12, "RFC 5246 A.5"),
    s(0x0042, "TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA", Kx::Dh, Auth::Dss, Cipher::Camellia128Cbc, Mac::Sha1, CBC | NO_PFS, SSL30, TLS12, "RFC 5246 A.5"),
    s(0x0043, "TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA", Kx::Dh, Auth::Rsa, Cipher::Camellia128Cbc, Mac::Sha1, CBC | NO_PFS, SSL30, TLS12, "RFC 5246 A.5"),
    s(0x0044, "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA", Kx::Dhe, Auth::Dss, Cipher::Camellia128Cbc, Mac::Sha1, CBC, SSL30, TLS12, "RFC 5246 A.5"),
    s(0x0045, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA", Kx::Dhe, Auth::Rsa, Cipher::Camellia128Cbc, Mac::Sha1, CBC, SSL30, TLS12, "RFC 5246 A.5"),
    s(0x0046, "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA", Kx::Dhe, Auth::Anon, Cipher::Camellia128Cbc, Mac::Sha1, ANON | CBC, SSL30, TLS12, "RFC 5246 A.5"),
    s(0x0062, "TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA", Kx::Rsa, Auth::Rsa, Cipher::DesCbc, Mac::Sha1, DES | EXPORT | CBC | RSA_KX | NO_PFS, SSL30, TLS10, "draft-ietf-tls-56-bit-ciphersuites-01 (not IANA-registered; Windows 2000/XP, OpenSSL 0.9.x)"),
    s(0x0063, "TLS_DHE_DSS_EXPORT1024_WITH_DES_CBC_SHA", Kx::Dhe, Auth::Dss, Cipher::DesCbc, Mac::Sha1, DES | EXPORT | CBC, SSL30, TLS10, "draft-ietf-tls-56-bit-ciphersuites-01 (not IANA-registered; Windows 2000/XP, OpenSSL 0.9.x)"),
    s(0x0064, "TLS_RSA_EXPORT1024_WITH_RC4_56_SHA", Kx::Rsa, Auth::Rsa, Cipher::Rc4_56, Mac::Sha1, RC4 | EXPORT | RSA_KX | NO_PFS, SSL30, TLS10, "draft-ietf-tls-56-bit-ciphersuites-01 (not IANA-registered; Windows 2000/XP, OpenSSL 0.9.x)"),
    s(0x0065, "TLS_DHE_DSS_EXPORT1024_WITH_RC4_56_SHA", Kx::Dhe, Auth::Dss, Cipher::Rc4_56, Mac::Sha1, RC4 | EXPORT, SSL30, TLS10, "draft-ietf-tls-56-bit-ciphersuites-01 (not IANA-registered; Windows 2000/XP, OpenSSL 0.9.x)"),
    s(0x0066, "TLS_DHE_DSS_WITH_RC4_128_SHA", Kx::Dhe, Auth::Dss, Cipher::Rc4_128, Mac::Sha1, RC4, SSL30, TLS12, "draft-ietf-tls-56-bit-ciphersuites-01 (not IANA-registered; Windows 2000/XP, OpenSSL 0.9.x)"),
    s(0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", Kx::Dhe, Auth::Rsa, Cipher::Aes128Cbc, Mac::Sha256, CBC, TLS12, TLS12, "RFC 5246 A.5"),
    s(0x0068, "TLS_DH_DSS_WITH_AES_256_CBC_SHA256", Kx::Dh, Auth::Dss, Cipher::Aes256Cbc, Mac::Sha256, CBC | NO_PFS, TLS12, TLS12, "RFC 5246 A.5"),
    s(0x0069, "TLS_DH_RSA_WITH_AES_256_CBC_SHA256", Kx::Dh, Auth::Rsa, Cipher::Aes256Cbc, Mac::Sha256, CBC | NO_PFS, TLS12, TLS12, "RFC 5246 A.5"),
    s(0x006A, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256", Kx::Dhe, Auth::Dss, Cipher::Aes256Cbc, Mac::Sha256, CBC, TLS12, TLS12, "RFC 5246 A.5"),
    s(0x006B, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", Kx::Dhe, Auth::Rsa, Cipher::Aes256Cbc, Mac::Sha256, CBC, TLS12, TLS12, "RFC 5246 A.5"),
    s(0x006C, "TLS_DH_anon_WITH_AES_128_CBC_SHA256", Kx::Dhe, Auth::Anon, Cipher::Aes128Cbc, Mac::Sha256, ANON | CBC, TLS12, TLS12, "RFC 5246 A.5"),
    s(0x006D, "TLS_DH_anon_WITH_AES_256_CBC_SHA256", Kx::Dhe, Auth::Anon, Cipher::Aes256Cbc, Mac::Sha256, ANON | CBC, TLS12, TLS12, "RFC 5246 A.5"),
    s(0x0084, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA", Kx::Rsa, Auth::Rsa, Cipher::Camellia256Cbc, Mac::Sha1, CBC | RSA_KX | NO_PFS, SSL30, TLS12, "RFC 5932"),
    s(0x0085, "TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA", Kx::Dh, Auth::Dss, Cipher::Camellia256Cbc, Mac::Sha1, CBC | NO_PFS, SSL30, TLS12, "RFC 5932"),
    s(0x0086, "TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA", Kx::Dh, Auth::Rsa, Cipher::Camellia256Cbc, Mac::Sha1, CBC | NO_PFS, SSL30, TLS12, "RFC 5932"),
    s(0x0087, "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA", Kx::Dhe, Auth::Dss, Cipher::Camellia256Cbc, Mac::Sha1, CBC, SSL30, TLS12, "RFC 5932"),
    s(0x0088, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA", Kx::Dhe, Auth::Rsa, Cipher::Camellia256Cbc, Mac::Sha1, CBC, SSL30, TLS12, "RFC 5932"),
    s(0x0089, "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA", Kx::Dhe, Auth::Anon, Cipher::Camellia256Cbc, Mac::Sha1, ANON | CBC, SSL30, TLS12, "RFC 5932"),
    s(0x0096, "TLS_RSA_WITH_SEED_CBC_SHA", Kx::Rsa, Auth::Rsa, Cipher::SeedCbc, Mac::Sha1, CBC | RSA_KX | NO_PFS, SSL30, TLS12, "RFC 4162"),
    s(0x0097, "TLS_DH_DSS_WITH_SEED_CBC_SHA", Kx::Dh, Auth::Dss, Cipher::SeedCbc, Mac::Sha1, CBC | NO_PFS, SSL30, TLS12, "RFC 4162"),
    s(0x0098, "TLS_DH_RSA_WITH_SEED_CBC_SHA", Kx::Dh, Auth::Rsa, Cipher::SeedCbc, Mac::Sha1, CBC | NO_PFS, SSL30, TLS12, "RFC 4162"),
    s(0x0099, "TLS_DHE_DSS_WITH_SEED_CBC_SHA", Kx::Dhe, Auth::Dss, Cipher::SeedCbc, Mac::Sha1, CBC, SSL30, TLS12, "RFC 4162"),
    s(0x009A, "TLS_DHE_RSA_WITH_SEED_CBC_SHA", Kx::Dhe, Auth::Rsa, Cipher::SeedCbc, Mac::Sha1, CBC, SSL30, TLS12, "RFC 4162"),
    s(0x009B, "TLS_DH_anon_WITH_SEED_CBC_SHA", Kx::Dhe, Auth::Anon, Cipher::SeedCbc, Mac::Sha1, ANON | CBC, SSL30, TLS12, "RFC 4162"),
    s(0x009C, "TLS_RSA_WITH_AES_128_GCM_SHA256", Kx::Rsa, Auth::Rsa, Cipher::Aes128Gcm, Mac::Aead, RSA_KX | NO_PFS, TLS12, TLS12, "RFC 5288"),
    s(0x009D, "TLS_RSA_WITH_AES_256_GCM_SHA384", Kx::Rsa, Auth::Rsa, Cipher::Aes256Gcm, Mac::Aead, RSA_KX | NO_PFS, TLS12, TLS12, "RFC 5288"),
    s(0x009E, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", Kx::Dhe, Auth::Rsa, Cipher::Aes128Gcm, Mac::Aead, 0, TLS12, TLS12, "RFC 5288"),
    s(0x009F, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", Kx::Dhe, Auth::Rsa, Cipher::Aes256Gcm, Mac::Aead, 0, TLS12, TLS12, "RFC 5288"),
    s(0x00A0, "TLS_DH_RSA_WITH_AES_128_GCM_SHA256", Kx::Dh, Auth::Rsa, Cipher::Aes128Gcm, Mac::Aead, NO_PFS, TLS12, TLS12, "RFC 5288"),
    s(0x00A1, "TLS_DH_RSA_WITH_AES_256_GCM_SHA384", Kx::Dh, Auth::Rsa, Cipher::Aes256Gcm, Mac::Aead, NO_PFS, TLS12, TLS12, "RFC 5288"),
    s(0x00A2, "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256", Kx::Dhe, Auth::Dss, Cipher::Aes128Gcm, Mac::Aead, 0, TLS12, TLS12, "RFC 5288"),
    s(0x00A3, "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384", Kx::Dhe, Auth::Dss, Cipher::Aes256Gcm, Mac::Aead, 0, TLS12, TLS12, "RFC 5288"),
    s(0x00A4, "TLS_DH_DSS_WITH_AES_128_GCM_SHA256", Kx::Dh, Auth::Dss, Cipher::Aes128Gcm, Mac::Aead, NO_PFS, TLS12, TLS12, "RFC 5288"),
    s(0x00A5, "TLS_DH_DSS_WITH_AES_256_GCM_SHA384", Kx::Dh, Auth::Dss, Cipher::Aes256Gcm, Mac::Aead, NO_PFS, TLS12, TLS12, "RFC 5288"),
    s(0x00A6, "TLS_DH_anon_WITH_AES_128_GCM_SHA256", Kx::Dhe, Auth::Anon, Cipher::Aes128Gcm, Mac::Aead, ANON, TLS12, TLS12, "RFC 5288"),
    s(0x00A7, "TLS_DH_anon_WITH_AES_256_GCM_SHA384", Kx::Dhe, Auth::Anon, Cipher::Aes256Gcm, Mac::Aead, ANON, TLS12, TLS12, "RFC 5288"),
    s(0x00BA, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256", Kx::Rsa, Auth::Rsa, Cipher::Camellia128Cbc, Mac::Sha256, CBC | RSA_KX | NO_PFS, TLS12, TLS12, "RFC 5932"),
    s(0x00BB, "TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA256", Kx::Dh, Auth::Dss, Cipher::Camellia128Cbc, Mac::Sha256, CBC | NO_PFS, TLS12, TLS12, "RFC 5932"),
    s(0x00BC, "TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA256", Kx::Dh, Auth::Rsa, Cipher::Camellia128Cbc, Mac::Sha256, CBC | NO_PFS, TLS12, TLS12, "RFC 5932"),
    s(0x00BD, "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA256", Kx::Dhe, Auth::Dss, Cipher::Camellia128Cbc, Mac::Sha256, CBC, TLS12, TLS12, "RFC 5932"),
    s(0x00BE, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256", Kx::Dhe, Auth::Rsa, Cipher::Camellia128Cbc, Mac::Sha256, CBC, TLS12, TLS12, "RFC 5932"),
    s(0x00BF, "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA256", Kx::Dhe, Auth::Anon, Cipher::Camellia128Cbc, Mac::Sha256, ANON | CBC, TLS12, TLS12, "RFC 5932"),
    s(0x00C0, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256", Kx::Rsa, Auth::Rsa, Cipher::Camellia256Cbc, Mac::Sha256, CBC | RSA_KX | NO_PFS, TLS12, TLS12, "RFC 5932"),
    s(0x00C1, "TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA256", Kx::Dh, Auth::Dss, Cipher::Camellia256Cbc, Mac::Sha256, CBC | NO_PFS, TLS12, TLS12, "RFC 5932"),
    s(0x00C2, "TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA256", Kx::Dh, Auth::Rsa, Cipher::Camellia256Cbc, Mac::Sha256, CBC | NO_PFS, TLS12, TLS12, "RFC 5932"),
    s(0x00C3, "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA256", Kx::Dhe, Auth::Dss, Cipher::Camellia256Cbc, Mac::Sha256, CBC, TLS12, TLS12, "RFC 5932"),
    s(0x00C4, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256", Kx::Dhe, Auth::Rsa, Cipher::Camellia256Cbc, Mac::Sha256, CBC, TLS12, TLS12, "RFC 5932"),
    s(0x00C5, "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA256", Kx::Dhe, Auth::Anon, Cipher::Camellia256Cbc, Mac::Sha256, ANON | CBC, TLS12, TLS12, "RFC 5932"),
    s(0x1301, "TLS_AES_128_GCM_SHA256", Kx::Any, Auth::Any, Cipher::Aes128Gcm, Mac::Aead, 0, TLS13, TLS13, "RFC 8446 B.4"),
    s(0x1302, "TLS_AES_256_GCM_SHA384", Kx::Any, Auth::Any, Cipher::Aes256Gcm, Mac::Aead, 0, TLS13, TLS13, "RFC 8446 B.4"),
    s(0x1303, "TLS_CHACHA20_POLY1305_SHA256", Kx::Any, Auth::Any, Cipher::Chacha20Poly1305, Mac::Aead, 0, TLS13, TLS13, "RFC 8446 B.4"),
    s(0x1304, "TLS_AES_128_CCM_SHA256", Kx::Any, Auth::Any, Cipher::Aes128Ccm, Mac::Aead, 0, TLS13, TLS13, "RFC 8446 B.4"),
    s(0x1305, "TLS_AES_128_CCM_8_SHA256", Kx::Any, Auth::Any, Cipher::Aes128Ccm8, Mac::Aead, 0, TLS13, TLS13, "RFC 8446 B.4"),
    s(0xC001, "TLS_ECDH_ECDSA_WITH_NULL_SHA", Kx::Ecdh, Auth::Ecdsa, Cipher::Null, Mac::Sha1, NULL | NO_PFS, TLS10, TLS12, "RFC 8422 6 (RFC 4492)"),
    s(0xC002, "TLS_ECDH_ECDSA_WITH_RC4_128_SHA", Kx::Ecdh, Auth::Ecdsa, Cipher::Rc4_128, Mac::Sha1, RC4 | NO_PFS, TLS10, TLS12, "RFC 8422 6 (RFC 4492)"),
    s(0xC003, "TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA", Kx::Ecdh, Auth::Ecdsa, Cipher::TripleDesEdeCbc, Mac::Sha1, TRIPLE_DES | CBC | NO_PFS, TLS10, TLS12, "RFC 8422 6 (RFC 4492)"),
    s(0xC004, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA", Kx::Ecdh, Auth::Ecdsa, Cipher::Aes128Cbc, Mac::Sha1, CBC | NO_PFS, TLS10, TLS12, "RFC 8422 6 (RFC 4492)"),
    s(0xC005, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA", Kx::Ecdh, Auth::Ecdsa, Cipher::Aes256Cbc, Mac::Sha1, CBC | NO_PFS, TLS10, TLS12, "RFC 8422 6 (RFC 4492)"),
    s(0xC006, "TLS_ECDHE_ECDSA_WITH_NULL_SHA", Kx::Ecdhe, Auth::Ecdsa, Cipher::Null, Mac::Sha1, NULL, TLS10, TLS12, "RFC 8422 6 (RFC 4492)"),
    s(0xC007, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA", Kx::Ecdhe, Auth::Ecdsa, Cipher::Rc4_128, Mac::Sha1, RC4, TLS10, TLS12, "RFC 8422 6 (RFC 4492)"),
    s(0xC008, "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA", Kx::Ecdhe, Auth::Ecdsa, Cipher::TripleDesEdeCbc, Mac::Sha1, TRIPLE_DES | CBC, TLS10, TLS12, "RFC 8422 6 (RFC 4492)"),
    s(0xC009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", Kx::Ecdhe, Auth::Ecdsa, Cipher::Aes128Cbc, Mac::Sha1, CBC, TLS10, TLS12, "RFC 8422 6 (RFC 4492)"),
    s(0xC00A, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", Kx::Ecdhe, Auth::Ecdsa, Cipher::Aes256Cbc, Mac::Sha1, CBC, TLS10, TLS12, "RFC 8422 6 (RFC 4492)"),
    s(0xC00B, "TLS_ECDH_RSA_WITH_NULL_SHA", Kx::Ecdh, Auth::Rsa, Cipher::Null, Mac::Sha1, NULL | NO_PFS, TLS10, TLS12, "RFC 8422 6 (RFC 4492)"),
    s(0xC00C, "TLS_ECDH_RSA_WITH_RC4_128_SHA", Kx::Ecdh, Auth::Rsa, Cipher::Rc4_128, Mac::Sha1, RC4 | NO_PFS, TLS10, TLS12, "RFC 8422 6 (RFC 4492)"),
    s(0xC00D, "TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA", Kx::Ecdh, Auth::Rsa, Cipher::TripleDesEdeCbc, Mac::Sha1, TRIPLE_DES | CBC | NO_PFS, TLS10, TLS12, "RFC 8422 6 (RFC 4492)"),
    s(0xC00E, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA", Kx::Ecdh, Auth::Rsa, Cipher::Aes128Cbc, Mac::Sha1, CBC | NO_PFS, TLS10, TLS12, "RFC 8422 6 (RFC 4492)"),
    s(0xC00F, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA", Kx::Ecdh, Auth::Rsa, Cipher::Aes256Cbc, Mac::Sha1, CBC | NO_PFS, TLS10, TLS12, "RFC 8422 6 (RFC 4492)"),
    s(0xC010, "TLS_ECDHE_RSA_WITH_NULL_SHA", Kx::Ecdhe, Auth::Rsa, Cipher::Null, Mac::Sha1, NULL, TLS10, TLS12, "RFC 8422 6 (RFC 4492)"),
    s(0xC011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA", Kx::Ecdhe, Auth::Rsa, Cipher::Rc4_128, Mac::Sha1, RC4, TLS10, TLS12, "RFC 8422 6 (RFC 4492)"),
    s(0xC012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", Kx::Ecdhe, Auth::Rsa, Cipher::TripleDesEdeCbc, Mac::Sha1, TRIPLE_DES | CBC, TLS10, TLS12, "RFC 8422 6 (RFC 4492)"),
    s(0xC013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", Kx::Ecdhe, Auth::Rsa, Cipher::Aes128Cbc, Mac::Sha1, CBC, TLS10, TLS12, "RFC 8422 6 (RFC 4492)"),
    s(0xC014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", Kx::Ecdhe, Auth::Rsa, Cipher::Aes256Cbc, Mac::Sha1, CBC, TLS10, TLS12, "RFC 8422 6 (RFC 4492)"),
    s(0xC015, "TLS_ECDH_anon_WITH_NULL_SHA", Kx::Ecdhe, Auth::Anon, Cipher::Null, Mac::Sha1, NULL | ANON, TLS10, TLS12, "RFC 8422 6 (RFC 4492)"),
    s(0xC016, "TLS_ECDH_anon_WITH_RC4_128_SHA", Kx::Ecdhe, Auth::Anon, Cipher::Rc4_128, Mac::Sha1, RC4 | ANON, TLS10, TLS12, "RFC 8422 6 (RFC 4492)"),
    s(0xC017, "TLS_ECDH_anon_WITH_3DES_EDE_CBC_SHA", Kx::Ecdhe, Auth::Anon, Cipher::TripleDesEdeCbc, Mac::Sha1, TRIPLE_DES | ANON | CBC, TLS10, TLS12, "RFC 8422 6 (RFC 4492)"),
    s(0xC018, "TLS_ECDH_anon_WITH_AES_128_CBC_SHA", Kx::Ecdhe, Auth::Anon, Cipher::Aes128Cbc, Mac::Sha1, ANON | CBC, TLS10, TLS12, "RFC 8422 6 (RFC 4492)"),
    s(0xC019, "TLS_ECDH_anon_WITH_AES_256_CBC_SHA", Kx::Ecdhe, Auth::Anon, Cipher::Aes256Cbc, Mac::Sha1, ANON | CBC, TLS10, TLS12, "RFC 8422 6 (RFC 4492)"),
    s(0xC023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", Kx::Ecdhe, Auth::Ecdsa, Cipher::Aes128Cbc, Mac::Sha256, CBC, TLS12, TLS12, "RFC 5289"),
    s(0xC024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", Kx::Ecdhe, Auth::Ecdsa, Cipher::Aes256Cbc, Mac::Sha384, CBC, TLS12, TLS12, "RFC 5289"),
    s(0xC025, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256", Kx::Ecdh, Auth::Ecdsa, Cipher::Aes128Cbc, Mac::Sha256, CBC | NO_PFS, TLS12, TLS12, "RFC 5289"),
    s(0xC026, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384", Kx::Ecdh, Auth::Ecdsa, Cipher::Aes256Cbc, Mac::Sha384, CBC | NO_PFS, TLS12, TLS12, "RFC 5289"),
    s(0xC027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", Kx::Ecdhe, Auth::Rsa, Cipher::Aes128Cbc, Mac::Sha256, CBC, TLS12, TLS12, "RFC 5289"),
    s(0xC028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", Kx::Ecdhe, Auth::Rsa, Cipher::Aes256Cbc, Mac::Sha384, CBC, TLS12, TLS12, "RFC 5289"),
    s(0xC029, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256", Kx::Ecdh, Auth::Rsa, Cipher::Aes128Cbc, Mac::Sha256, CBC | NO_PFS, TLS12, TLS12, "RFC 5289"),
    s(0xC02A, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384", Kx::Ecdh, Auth::Rsa, Cipher::Aes256Cbc, Mac::Sha384, CBC | NO_PFS, TLS12, TLS12, "RFC 5289"),
    s(0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", Kx::Ecdhe, Auth::Ecdsa, Cipher::Aes128Gcm, Mac::Aead, 0, TLS12, TLS12, "RFC 5289"),
    s(0xC02C, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", Kx::Ecdhe, Auth::Ecdsa, Cipher::Aes256Gcm, Mac::Aead, 0, TLS12, TLS12, "RFC 5289"),
    s(0xC02D, "TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256", Kx::Ecdh, Auth::Ecdsa, Cipher::Aes128Gcm, Mac::Aead, NO_PFS, TLS12, TLS12, "RFC 5289"),
    s(0xC02E, "TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384", Kx::Ecdh, Auth::Ecdsa, Cipher::Aes256Gcm, Mac::Aead, NO_PFS, TLS12, TLS12, "RFC 5289"),
    s(0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", Kx::Ecdhe, Auth::Rsa, Cipher::Aes128Gcm, Mac::Aead, 0, TLS12, TLS12, "RFC 5289"),
    s(0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", Kx::Ecdhe, Auth::Rsa, Cipher::Aes256Gcm, Mac::Aead, 0, TLS12, TLS12, "RFC 5289"),
    s(0xC031, "TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256", Kx::Ecdh, Auth::Rsa, Cipher::Aes128Gcm, Mac::Aead, NO_PFS, TLS12, TLS12, "RFC 5289"),
    s(0xC032, "TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384", Kx::Ecdh, Auth::Rsa, Cipher::Aes256Gcm, Mac::Aead, NO_PFS, TLS12, TLS12, "RFC 5289"),
    s(0xC03C, "TLS_RSA_WITH_ARIA_128_CBC_SHA256", Kx::Rsa, Auth::Rsa, Cipher::Aria128Cbc, Mac::Sha256, CBC | RSA_KX | NO_PFS, TLS12, TLS12, "RFC 6209"),
    s(0xC03D, "TLS_RSA_WITH_ARIA_256_CBC_SHA384", Kx::Rsa, Auth::Rsa, Cipher::Aria256Cbc, Mac::Sha384, CBC | RSA_KX | NO_PFS, TLS12, TLS12, "RFC 6209"),
    s(0xC03E, "TLS_DH_DSS_WITH_ARIA_128_CBC_SHA256", Kx::Dh, Auth::Dss, Cipher::Aria128Cbc, Mac::Sha256, CBC | NO_PFS, TLS12, TLS12, "RFC 6209"),
    s(0xC03F, "TLS_DH_DSS_WITH_ARIA_256_CBC_SHA384", Kx::Dh, Auth::Dss, Cipher::Aria256Cbc, Mac::Sha384, CBC | NO_PFS, TLS12, TLS12, "RFC 6209"),
    s(0xC040, "TLS_DH_RSA_WITH_ARIA_128_CBC_SHA256", Kx::Dh, Auth::Rsa, Cipher::Aria128Cbc, Mac::Sha256, CBC | NO_PFS, TLS12, TLS12, "RFC 6209"),
    s(0xC041, "TLS_DH_RSA_WITH_ARIA_256_CBC_SHA384", Kx::Dh, Auth::Rsa, Cipher::Aria256Cbc, Mac::Sha384, CBC | NO_PFS, TLS12, TLS12, "RFC 6209"),
    s(0xC042, "TLS_DHE_DSS_WITH_ARIA_128_CBC_SHA256", Kx::Dhe, Auth::Dss, Cipher::Aria128Cbc, Mac::Sha256, CBC, TLS12, TLS12, "RFC 6209"),
    s(0xC043, "TLS_DHE_DSS_WITH_ARIA_256_CBC_SHA384", Kx::Dhe, Auth::Dss, Cipher::Aria256Cbc, Mac::Sha384, CBC, TLS12, TLS12, "RFC 6209"),
    s(0xC044, "TLS_DHE_RSA_WITH_ARIA_128_CBC_SHA256", Kx::Dhe, Auth::Rsa, Cipher::Aria128Cbc, Mac::Sha256, CBC, TLS12, TLS12, "RFC 6209"),
    s(0xC045, "TLS_DHE_RSA_WITH_ARIA_256_CBC_SHA384", Kx::Dhe, Auth::Rsa, Cipher::Aria256Cbc, Mac::Sha384, CBC, TLS12, TLS12, "RFC 6209"),
    s(0xC046, "TLS_DH_anon_WITH_ARIA_128_CBC_SHA256", Kx::Dhe, Auth::Anon, Cipher::Aria128Cbc, Mac::Sha256, ANON | CBC, TLS12, TLS12, "RFC 6209"),
    s(0xC047, "TLS_DH_anon_WITH_ARIA_256_CBC_SHA384", Kx::Dhe, Auth::Anon, Cipher::Aria256Cbc, Mac::Sha384, ANON | CBC, TLS12, TLS12, "RFC 6209"),
    s(0xC048, "TLS_ECDHE_ECDSA_WITH_ARIA_128_CBC_SHA256", Kx::Ecdhe, Auth::Ecdsa, Cipher::Aria128Cbc, Mac::Sha256, CBC, TLS12, TLS12, "RFC 6209"),
    s(0xC049, "TLS_ECDHE_ECDSA_WITH_ARIA_256_CBC_SHA384", Kx::Ecdhe, Auth::Ecdsa, Cipher::Aria256Cbc, Mac::Sha384, CBC, TLS12, TLS12, "RFC 6209"),
    s(0xC04A, "TLS_ECDH_ECDSA_WITH_ARIA_128_CBC_SHA256", Kx::Ecdh, Auth::Ecdsa, Cipher::Aria128Cbc, Mac::Sha256, CBC | NO_PFS, TLS12, TLS12, "RFC 6209"),
    s(0xC04B, "TLS_ECDH_ECDSA_WITH_ARIA_256_CBC_SHA384", Kx::Ecdh, Auth::Ecdsa, Cipher::Aria256Cbc, Mac::Sha384, CBC | NO_PFS, TLS12, TLS12, "RFC 6209"),
    s(0xC04C, "TLS_ECDHE_RSA_WITH_ARIA_128_CBC_SHA256", Kx::Ecdhe, Auth::Rsa, Cipher::Aria128Cbc, Mac::Sha256, CBC, TLS12, TLS12, "RFC 6209"),
    s(0xC04D, "TLS_ECDHE_RSA_WITH_ARIA_256_CBC_SHA384", Kx::Ecdhe, Auth::Rsa, Cipher::Aria256Cbc, Mac::Sha384, CBC, TLS12, TLS12, "RFC 6209"),
    s(0xC04E, "TLS_ECDH_RSA_WITH_ARIA_128_CBC_SHA256", Kx::Ecdh, Auth::Rsa, Cipher::Aria128Cbc, Mac::Sha256, CBC | NO_PFS, TLS12, TLS12, "RFC 6209"),
    s(0xC04F, "TLS_ECDH_RSA_WITH_ARIA_256_CBC_SHA384", Kx::Ecdh, Auth::Rsa, Cipher::Aria256Cbc, Mac::Sha384, CBC | NO_PFS, TLS12, TLS12, "RFC 6209"),
    s(0xC050, "TLS_RSA_WITH_ARIA_128_GCM_SHA256", Kx::Rsa, Auth::Rsa, Cipher::Aria128Gcm, Mac::Aead, RSA_KX | NO_PFS, TLS12, TLS12, "RFC 6209"),
    s(0xC051, "TLS_RSA_WITH_ARIA_256_GCM_SHA384", Kx::Rsa, Auth::Rsa, Cipher::Aria256Gcm, Mac::Aead, RSA_KX | NO_PFS, TLS12, TLS12, "RFC 6209"),
    s(0xC052, "TLS_DHE_RSA_WITH_ARIA_128_GCM_SHA256", Kx::Dhe, Auth::Rsa, Cipher::Aria128Gcm, Mac::Aead, 0, TLS12, TLS12, "RFC 6209"),
    s(0xC053, "TLS_DHE_RSA_WITH_ARIA_256_GCM_SHA384", Kx::Dhe, Auth::Rsa, Cipher::Aria256Gcm, Mac::Aead, 0, TLS12, TLS12, "RFC 6209"),
    s(0xC054, "TLS_DH_RSA_WITH_ARIA_128_GCM_SHA256", Kx::Dh, Auth::Rsa, Cipher::Aria128Gcm, Mac::Aead, NO_PFS, TLS12, TLS12, "RFC 6209"),
    s(0xC055, "TLS_DH_RSA_WITH_ARIA_256_GCM_SHA384", Kx::Dh, Auth::Rsa, Cipher::Aria256Gcm, Mac::Aead, NO_PFS, TLS12, TLS12, "RFC 6209"),
    s(0xC056, "TLS_DHE_DSS_WITH_ARIA_128_GCM_SHA256", Kx::Dhe, Auth::Dss, Cipher::Aria128Gcm, Mac::Aead, 0, TLS12, TLS12, "RFC 6209"),
    s(0xC057, "TLS_DHE_DSS_WITH_ARIA_256_GCM_SHA384", Kx::Dhe, Auth::Dss, Cipher::Aria256Gcm, Mac::Aead, 0, TLS12, TLS12, "RFC 6209"),
    s(0xC058, "TLS_DH_DSS_WITH_ARIA_128_GCM_SHA256", Kx::Dh, Auth::Dss, Cipher::Aria128Gcm, Mac::Aead, NO_PFS, TLS12, TLS12, "RFC 6209"),
    s(0xC059, "TLS_DH_DSS_WITH_ARIA_256_GCM_SHA384", Kx::Dh, Auth::Dss, Cipher::Aria256Gcm, Mac::Aead, NO_PFS, TLS12, TLS12, "RFC 6209"),
    s(0xC05A, "TLS_DH_anon_WITH_ARIA_128_GCM_SHA256", Kx::Dhe, Auth::Anon, Cipher::Aria128Gcm, Mac::Aead, ANON, TLS12, TLS12, "RFC 6209"),
    s(0xC05B, "TLS_DH_anon_WITH_ARIA_256_GCM_SHA384", Kx::Dhe, Auth::Anon, Cipher::Aria256Gcm, Mac::Aead, ANON, TLS12, TLS12, "RFC 6209"),
    s(0xC05C, "TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256", Kx::Ecdhe, Auth::Ecdsa, Cipher::Aria128Gcm, Mac::Aead, 0, TLS12, TLS12, "RFC 6209"),
    s(0xC05D, "TLS_ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384", Kx::Ecdhe, Auth::Ecdsa, Cipher::Aria256Gcm, Mac::Aead, 0, TLS12, TLS12, "RFC 6209"),
    s(0xC05E, "TLS_ECDH_ECDSA_WITH_ARIA_128_GCM_SHA256", Kx::Ecdh, Auth::Ecdsa, Cipher::Aria128Gcm, Mac::Aead, NO_PFS, TLS12, TLS12, "RFC 6209"),
    s(0xC05F, "TLS_ECDH_ECDSA_WITH_ARIA_256_GCM_SHA384", Kx::Ecdh, Auth::Ecdsa, Cipher::Aria256Gcm, Mac::Aead, NO_PFS, TLS12, TLS12, "RFC 6209"),
    s(0xC060, "TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256", Kx::Ecdhe, Auth::Rsa, Cipher::Aria128Gcm, Mac::Aead, 0, TLS12, TLS12, "RFC 6209"),
    s(0xC061, "TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384", Kx::Ecdhe, Auth::Rsa, Cipher::Aria256Gcm, Mac::Aead, 0, TLS12, TLS12, "RFC 6209"),
    s(0xC062, "TLS_ECDH_RSA_WITH_ARIA_128_GCM_SHA256", Kx::Ecdh, Auth::Rsa, Cipher::Aria128Gcm, Mac::Aead, NO_PFS, TLS12, TLS12, "RFC 6209"),
    s(0xC063, "TLS_ECDH_RSA_WITH_ARIA_256_GCM_SHA384", Kx::Ecdh, Auth::Rsa, Cipher::Aria256Gcm, Mac::Aead, NO_PFS, TLS12, TLS12, "RFC 6209"),
    s(0xC072, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256", Kx::Ecdhe, Auth::Ecdsa, Cipher::Camellia128Cbc, Mac::Sha256, CBC, TLS12, TLS12, "RFC 6367"),
    s(0xC073, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384", Kx::Ecdhe, Auth::Ecdsa, Cipher::Camellia256Cbc, Mac::Sha384, CBC, TLS12, TLS12, "RFC 6367"),
    s(0xC074, "TLS_ECDH_ECDSA_WITH_CAMELLIA_128_CBC_SHA256", Kx::Ecdh, Auth::Ecdsa, Cipher::Camellia128Cbc, Mac::Sha256, CBC | NO_PFS, TLS12, TLS12, "RFC 6367"),
    s(0xC075, "TLS_ECDH_ECDSA_WITH_CAMELLIA_256_CBC_SHA384", Kx::Ecdh, Auth::Ecdsa, Cipher::Camellia256Cbc, Mac::Sha384, CBC | NO_PFS, TLS12, TLS12, "RFC 6367"),
    s(0xC076, "TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256", Kx::Ecdhe, Auth::Rsa, Cipher::Camellia128Cbc, Mac::Sha256, CBC, TLS12, TLS12, "RFC 6367"),
    s(0xC077, "TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384", Kx::Ecdhe, Auth::Rsa, Cipher::Camellia256Cbc, Mac::Sha384, CBC, TLS12, TLS12, "RFC 6367"),
    s(0xC078, "TLS_ECDH_RSA_WITH_CAMELLIA_128_CBC_SHA256", Kx::Ecdh, Auth::Rsa, Cipher::Camellia128Cbc, Mac::Sha256, CBC | NO_PFS, TLS12, TLS12, "RFC 6367"),
    s(0xC079, "TLS_ECDH_RSA_WITH_CAMELLIA_256_CBC_SHA384", Kx::Ecdh, Auth::Rsa, Cipher::Camellia256Cbc, Mac::Sha384, CBC | NO_PFS, TLS12, TLS12, "RFC 6367"),
    s(0xC07A, "TLS_RSA_WITH_CAMELLIA_128_GCM_SHA256", Kx::Rsa, Auth::Rsa, Cipher::Camellia128Gcm, Mac::Aead, RSA_KX | NO_PFS, TLS12, TLS12, "RFC 6367"),
    s(0xC07B, "TLS_RSA_WITH_CAMELLIA_256_GCM_SHA384", Kx::Rsa, Auth::Rsa, Cipher::Camellia256Gcm, Mac::Aead, RSA_KX | NO_PFS, TLS12, TLS12, "RFC 6367"),
    s(0xC07C, "TLS_DHE_RSA_WITH_CAMELLIA_128_GCM_SHA256", Kx::Dhe, Auth::Rsa, Cipher::Camellia128Gcm, Mac::Aead, 0, TLS12, TLS12, "RFC 6367"),
    s(0xC07D, "TLS_DHE_RSA_WITH_CAMELLIA_256_GCM_SHA384", Kx::Dhe, Auth::Rsa, Cipher::Camellia256Gcm, Mac::Aead, 0, TLS12, TLS12, "RFC 6367"),
    s(0xC07E, "TLS_DH_RSA_WITH_CAMELLIA_128_GCM_SHA256", Kx::Dh, Auth::Rsa, Cipher::Camellia128Gcm, Mac::Aead, NO_PFS, TLS12, TLS12, "RFC 6367"),
    s(0xC07F, "TLS_DH_RSA_WITH_CAMELLIA_256_GCM_SHA384", Kx::Dh, Auth::Rsa, Cipher::Camellia256Gcm, Mac::Aead, NO_PFS, TLS12, TLS12, "RFC 6367"),
    s(0xC080, "TLS_DHE_DSS_WITH_CAMELLIA_128_GCM_SHA256", Kx::Dhe, Auth::Dss, Cipher::Camellia128Gcm, Mac::Aead, 0, TLS12, TLS12, "RFC 6367"),
    s(0xC081, "TLS_DHE_DSS_WITH_CAMELLIA_256_GCM_SHA384", Kx::Dhe, Auth::Dss, Cipher::Camellia256Gcm, Mac::Aead, 0, TLS12, TLS12, "RFC 6367"),
    s(0xC082, "TLS_DH_DSS_WITH_CAMELLIA_128_GCM_SHA256", Kx::Dh, Auth::Dss, Cipher::Camellia128Gcm, Mac::Aead, NO_PFS, TLS12, TLS12, "RFC 6367"),
    s(0xC083, "TLS_DH_DSS_WITH_CAMELLIA_256_GCM_SHA384", Kx::Dh, Auth::Dss, Cipher::Camellia256Gcm, Mac::Aead, NO_PFS, TLS12, TLS12, "RFC 6367"),
    s(0xC084, "TLS_DH_anon_WITH_CAMELLIA_128_GCM_SHA256", Kx::Dhe, Auth::Anon, Cipher::Camellia128Gcm, Mac::Aead, ANON, TLS12, TLS12, "RFC 6367"),
    s(0xC085, "TLS_DH_anon_WITH_CAMELLIA_256_GCM_SHA384", Kx::Dhe, Auth::Anon, Cipher::Camellia256Gcm, Mac::Aead, ANON, TLS12, TLS12, "RFC 6367"),
    s(0xC086, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_GCM_SHA256", Kx::Ecdhe, Auth::Ecdsa, Cipher::Camellia128Gcm, Mac::Aead, 0, TLS12, TLS12, "RFC 6367"),
    s(0xC087, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_GCM_SHA384", Kx::Ecdhe, Auth::Ecdsa, Cipher::Camellia256Gcm, Mac::Aead, 0, TLS12, TLS12, "RFC 6367"),
    s(0xC088, "TLS_ECDH_ECDSA_WITH_CAMELLIA_128_GCM_SHA256", Kx::Ecdh, Auth::Ecdsa, Cipher::Camellia128Gcm, Mac::Aead, NO_PFS, TLS12, TLS12, "RFC 6367"),
    s(0xC089, "TLS_ECDH_ECDSA_WITH_CAMELLIA_256_GCM_SHA384", Kx::Ecdh, Auth::Ecdsa, Cipher::Camellia256Gcm, Mac::Aead, NO_PFS, TLS12, TLS12, "RFC 6367"),
    s(0xC08A, "TLS_ECDHE_RSA_WITH_CAMELLIA_128_GCM_SHA256", Kx::Ecdhe, Auth::Rsa, Cipher::Camellia128Gcm, Mac::Aead, 0, TLS12, TLS12, "RFC 6367"),
    s(0xC08B, "TLS_ECDHE_RSA_WITH_CAMELLIA_256_GCM_SHA384", Kx::Ecdhe, Auth::Rsa, Cipher::Camellia256Gcm, Mac::Aead, 0, TLS12, TLS12, "RFC 6367"),
    s(0xC08C, "TLS_ECDH_RSA_WITH_CAMELLIA_128_GCM_SHA256", Kx::Ecdh, Auth::Rsa, Cipher::Camellia128Gcm, Mac::Aead, NO_PFS, TLS12, TLS12, "RFC 6367"),
    s(0xC08D, "TLS_ECDH_RSA_WITH_CAMELLIA_256_GCM_SHA384", Kx::Ecdh, Auth::Rsa, Cipher::Camellia256Gcm, Mac::Aead, NO_PFS, TLS12, TLS12, "RFC 6367"),
    s(0xC09C, "TLS_RSA_WITH_AES_128_CCM", Kx::Rsa, Auth::Rsa, Cipher::Aes128Ccm, Mac::Aead, RSA_KX | NO_PFS, TLS12, TLS12, "RFC 6655"),
    s(0xC09D, "TLS_RSA_WITH_AES_256_CCM", Kx::Rsa, Auth::Rsa, Cipher::Aes256Ccm, Mac::Aead, RSA_KX | NO_PFS, TLS12, TLS12, "RFC 6655"),
    s(0xC09E, "TLS_DHE_RSA_WITH_AES_128_CCM", Kx::Dhe, Auth::Rsa, Cipher::Aes128Ccm, Mac::Aead, 0, TLS12, TLS12, "RFC 6655"),
    s(0xC09F, "TLS_DHE_RSA_WITH_AES_256_CCM", Kx::Dhe, Auth::Rsa, Cipher::Aes256Ccm, Mac::Aead, 0, TLS12, TLS12, "RFC 6655"),
    s(0xC0A0, "TLS_RSA_WITH_AES_128_CCM_8", Kx::Rsa, Auth::Rsa, Cipher::Aes128Ccm8, Mac::Aead, RSA_KX | NO_PFS, TLS12, TLS12, "RFC 6655"),
    s(0xC0A1, "TLS_RSA_WITH_AES_256_CCM_8", Kx::Rsa, Auth::Rsa, Cipher::Aes256Ccm8, Mac::Aead, RSA_KX | NO_PFS, TLS12, TLS12, "RFC 6655"),
    s(0xC0A2, "TLS_DHE_RSA_WITH_AES_128_CCM_8", Kx::Dhe, Auth::Rsa, Cipher::Aes128Ccm8, Mac::Aead, 0, TLS12, TLS12, "RFC 6655"),
    s(0xC0A3, "TLS_DHE_RSA_WITH_AES_256_CCM_8", Kx::Dhe, Auth::Rsa, Cipher::Aes256Ccm8, Mac::Aead, 0, TLS12, TLS12, "RFC 6655"),
    s(0xC0AC, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM", Kx::Ecdhe, Auth::Ecdsa, Cipher::Aes128Ccm, Mac::Aead, 0, TLS12, TLS12, "RFC 7251"),
    s(0xC0AD, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM", Kx::Ecdhe, Auth::Ecdsa, Cipher::Aes256Ccm, Mac::Aead, 0, TLS12, TLS12, "RFC 7251"),
    s(0xC0AE, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8", Kx::Ecdhe, Auth::Ecdsa, Cipher::Aes128Ccm8, Mac::Aead, 0, TLS12, TLS12, "RFC 7251"),
    s(0xC0AF, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8", Kx::Ecdhe, Auth::Ecdsa, Cipher::Aes256Ccm8, Mac::Aead, 0, TLS12, TLS12, "RFC 7251"),
    s(0xCCA8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", Kx::Ecdhe, Auth::Rsa, Cipher::Chacha20Poly1305, Mac::Aead, 0, TLS12, TLS12, "RFC 7905"),
    s(0xCCA9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", Kx::Ecdhe, Auth::Ecdsa, Cipher::Chacha20Poly1305, Mac::Aead, 0, TLS12, TLS12, "RFC 7905"),
    s(0xCCAA, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", Kx::Dhe, Auth::Rsa, Cipher::Chacha20Poly1305, Mac::Aead, 0, TLS12, TLS12, "RFC 7905"),
];

/// The suite with this code point.
pub fn suite(id: u16) -> Option<&'static Suite> {
    SUITES.binary_search_by_key(&id, |s| s.id).ok().map(|i| &SUITES[i])
}

/// The suite with this IANA name.
pub fn suite_by_name(name: &str) -> Option<&'static Suite> {
    SUITES.iter().find(|s| s.name == name)
}

/// IANA name of a suite, or `"unknown"`.
pub fn suite_name(id: u16) -> &'static str {
    suite(id).map_or("unknown", |s| s.name)
}

/// Signalling values sent in the suite list, not suites ([RFC 5746] 3.3, [RFC 7507]).
pub const TLS_EMPTY_RENEGOTIATION_INFO_SCSV: u16 = 0x00FF;
pub const TLS_FALLBACK_SCSV: u16 = 0x5600;

/// A named group (`supported_groups`, [RFC 8446] 4.2.7, [RFC 8422] 5.1.1, [RFC 7919]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Group {
    pub id: u16,
    pub name: &'static str,
    pub source: &'static str,
}

/// Groups the scanner offers, in offer order.
pub const GROUPS: &[Group] = &[
    Group { id: 0x001D, name: "x25519", source: "RFC 8446 4.2.7 / RFC 7748" },
    Group { id: 0x0017, name: "secp256r1", source: "RFC 8422 5.1.1" },
    Group { id: 0x0018, name: "secp384r1", source: "RFC 8422 5.1.1" },
    Group { id: 0x0019, name: "secp521r1", source: "RFC 8422 5.1.1" },
    Group { id: 0x001E, name: "x448", source: "RFC 8446 4.2.7" },
    Group { id: 0x0016, name: "secp256k1", source: "RFC 4492 5.1.1 (deprecated)" },
    Group { id: 0x0015, name: "secp224r1", source: "RFC 4492 5.1.1 (deprecated)" },
    Group { id: 0x0013, name: "secp192r1", source: "RFC 4492 5.1.1 (deprecated)" },
    Group { id: 0x0100, name: "ffdhe2048", source: "RFC 7919" },
    Group { id: 0x0101, name: "ffdhe3072", source: "RFC 7919" },
    Group { id: 0x0102, name: "ffdhe4096", source: "RFC 7919" },
];

/// Whether a group is a finite-field group ([RFC 7919]); those are offered in TLS 1.3 only, since a
/// TLS 1.2 server that follows RFC 7919 4 would refuse DHE suites when none of ours matches its own.
pub fn group_is_ffdhe(id: u16) -> bool {
    (0x0100..=0x01FF).contains(&id)
}

/// A signature scheme (`signature_algorithms`, [RFC 8446] 4.2.3, [RFC 5246] 7.4.1.4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignatureScheme {
    pub id: u16,
    pub name: &'static str,
    pub source: &'static str,
}

/// Signature schemes the scanner offers, in offer order.
pub const SIGNATURE_SCHEMES: &[SignatureScheme] = &[
    SignatureScheme { id: 0x0403, name: "ecdsa_secp256r1_sha256", source: "RFC 8446 4.2.3" },
    SignatureScheme { id: 0x0503, name: "ecdsa_secp384r1_sha384", source: "RFC 8446 4.2.3" },
    SignatureScheme { id: 0x0603, name: "ecdsa_secp521r1_sha512", source: "RFC 8446 4.2.3" },
    SignatureScheme { id: 0x0807, name: "ed25519", source: "RFC 8446 4.2.3" },
    SignatureScheme { id: 0x0808, name: "ed448", source: "RFC 8446 4.2.3" },
    SignatureScheme { id: 0x0804, name: "rsa_pss_rsae_sha256", source: "RFC 8446 4.2.3" },
    SignatureScheme { id: 0x0805, name: "rsa_pss_rsae_sha384", source: "RFC 8446 4.2.3" },
    SignatureScheme { id: 0x0806, name: "rsa_pss_rsae_sha512", source: "RFC 8446 4.2.3" },
    SignatureScheme { id: 0x0809, name: "rsa_pss_pss_sha256", source: "RFC 8446 4.2.3" },
    SignatureScheme { id: 0x080A, name: "rsa_pss_pss_sha384", source: "RFC 8446 4.2.3" },
    SignatureScheme { id: 0x080B, name: "rsa_pss_pss_sha512", source: "RFC 8446 4.2.3" },
    SignatureScheme { id: 0x0401, name: "rsa_pkcs1_sha256", source: "RFC 8446 4.2.3" },
    SignatureScheme { id: 0x0501, name: "rsa_pkcs1_sha384", source: "RFC 8446 4.2.3" },
    SignatureScheme { id: 0x0601, name: "rsa_pkcs1_sha512", source: "RFC 8446 4.2.3" },
    SignatureScheme { id: 0x0303, name: "ecdsa_sha224", source: "RFC 5246 7.4.1.4.1 (hash 3, sig 3)" },
    SignatureScheme { id: 0x0301, name: "rsa_pkcs1_sha224", source: "RFC 5246 7.4.1.4.1 (hash 3, sig 1)" },
    SignatureScheme { id: 0x0302, name: "dsa_sha224", source: "RFC 5246 7.4.1.4.1 (hash 3, sig 2)" },
    SignatureScheme { id: 0x0402, name: "dsa_sha256", source: "RFC 5246 7.4.1.4.1 (hash 4, sig 2)" },
    SignatureScheme { id: 0x0203, name: "ecdsa_sha1", source: "RFC 8446 4.2.3 (legacy)" },
    SignatureScheme { id: 0x0201, name: "rsa_pkcs1_sha1", source: "RFC 8446 4.2.3 (legacy)" },
    SignatureScheme { id: 0x0202, name: "dsa_sha1", source: "RFC 5246 7.4.1.4.1 (hash 2, sig 2)" },
];

/// Alert descriptions ([RFC 8446] 6, [RFC 5246] 7.2).
pub const ALERTS: &[(u8, &str)] = &[
    (0, "close_notify"),
    (10, "unexpected_message"),
    (20, "bad_record_mac"),
    (21, "decryption_failed"),
    (22, "record_overflow"),
    (30, "decompression_failure"),
    (40, "handshake_failure"),
    (41, "no_certificate"),
    (42, "bad_certificate"),
    (43, "unsupported_certificate"),
    (44, "certificate_revoked"),
    (45, "certificate_expired"),
    (46, "certificate_unknown"),
    (47, "illegal_parameter"),
    (48, "unknown_ca"),
    (49, "access_denied"),
    (50, "decode_error"),
    (51, "decrypt_error"),
    (60, "export_restriction"),
    (70, "protocol_version"),
    (71, "insufficient_security"),
    (80, "internal_error"),
    (86, "inappropriate_fallback"),
    (90, "user_canceled"),
    (100, "no_renegotiation"),
    (109, "missing_extension"),
    (110, "unsupported_extension"),
    (112, "unrecognized_name"),
    (113, "bad_certificate_status_response"),
    (115, "unknown_psk_identity"),
    (116, "certificate_required"),
    (120, "no_application_protocol"),
];

/// Name of an alert description, or `"unknown"`.
pub fn alert_name(desc: u8) -> &'static str {
    ALERTS.iter().find(|(d, _)| *d == desc).map_or("unknown", |(_, n)| n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_unique_and_consistent() {
        for w in SUITES.windows(2) {
            assert!(w[0].id < w[1].id, "{} before {}", w[0].name, w[1].name);
        }
        for s in SUITES {
            assert!(s.min_version <= s.max_version, "{}", s.name);
            assert_eq!(s.is_tls13(), (0x1301..=0x1305).contains(&s.id), "{}", s.name);
            assert_eq!(s.is_aead(), s.name.contains("GCM") || s.name.contains("CCM") || s.name.contains("POLY1305"));
            assert_eq!(s.has(RC4), s.name.contains("RC4"), "{}", s.name);
            assert_eq!(s.has(EXPORT), s.name.contains("EXPORT"), "{}", s.name);
            assert_eq!(s.has(ANON), s.name.contains("anon"), "{}", s.name);
            assert_eq!(s.has(TRIPLE_DES), s.name.contains("3DES"), "{}", s.name);
            assert_eq!(s.has(CBC), s.name.contains("CBC"), "{}", s.name);
        }
        assert!(SUITES.len() >= 200);
    }

    #[test]
    fn lookups() {
        let s = suite(0x0035).unwrap();
        assert_eq!(s.name, "TLS_RSA_WITH_AES_256_CBC_SHA");
        assert_eq!(s.hex_id(), "0x0035");
        assert!(s.offered_in(SSL30) && s.offered_in(TLS12) && !s.offered_in(TLS13));
        let t = suite(0x1301).unwrap();
        assert!(t.offered_in(TLS13) && !t.offered_in(TLS12));
        assert_eq!(suite(0x000A).unwrap().name, "TLS_RSA_WITH_3DES_EDE_CBC_SHA");
        assert!(suite(0xC030).unwrap().defined_for(TLS12) && !suite(0xC030).unwrap().offered_in(TLS11));
        assert!(suite(0x00FF).is_none());
        assert_eq!(suite_by_name("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384").unwrap().id, 0xC030);
        assert_eq!(version_name(TLS12), Some("tls1.2"));
        assert_eq!(version_code("ssl3.0"), Some(SSL30));
        assert_eq!(alert_name(70), "protocol_version");
    }
}
