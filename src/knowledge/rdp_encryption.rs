//! Standard RDP Security: encryption methods and levels of the Server Security Data
//! ([MS-RDPBCGR] 2.2.1.4.3 TS_UD_SC_SEC1, 5.3.1).

use super::{Basis, Cause, Entry, Layer, TableId};

const SRC: &str = "[MS-RDPBCGR] 2.2.1.4.3 Server Security Data (TS_UD_SC_SEC1)";

const fn m(value: u32, name: &'static str, meaning: &'static str, causes: &'static [Cause]) -> Entry {
    Entry {
        table: TableId::EncryptionMethod,
        value,
        name,
        meaning,
        source: SRC,
        basis: Basis::Documented,
        layer: Some(Layer::Negotiation),
        causes,
        note: None,
    }
}

const fn v(value: u32, name: &'static str, meaning: &'static str) -> Entry {
    Entry {
        table: TableId::EncryptionLevel,
        value,
        name,
        meaning,
        source: SRC,
        basis: Basis::Documented,
        layer: Some(Layer::Negotiation),
        causes: &[],
        note: None,
    }
}

const WEAK: &[Cause] = &[Cause {
    text: "The server's encryption level is Low or Client Compatible, or an old client offers only short keys",
    check: "Group Policy 'Set client connection encryption level' (MinEncryptionLevel under the RDP-Tcp key); xrdp: crypt_level in xrdp.ini",
}];

/// encryptionMethod values, sorted by value.
pub static ENCRYPTION_METHODS: &[Entry] = &[
    m(0x00, "ENCRYPTION_METHOD_NONE", "No encryption.", &[]),
    m(0x01, "ENCRYPTION_METHOD_40BIT", "RC4 with a 40-bit key (export-grade).", WEAK),
    m(0x02, "ENCRYPTION_METHOD_128BIT", "RC4 with a 128-bit key.", &[]),
    m(0x08, "ENCRYPTION_METHOD_56BIT", "RC4 with a 56-bit key.", WEAK),
    m(0x10, "ENCRYPTION_METHOD_FIPS", "Triple DES with SHA-1 MACs, the FIPS 140-1 compliant variant.", &[]),
];

/// encryptionLevel values, sorted by value.
pub static ENCRYPTION_LEVELS: &[Entry] = &[
    v(0, "ENCRYPTION_LEVEL_NONE", "No encryption (only valid with Enhanced RDP Security: TLS or CredSSP)."),
    v(1, "ENCRYPTION_LEVEL_LOW", "Only data from client to server is encrypted, with the client's strongest method."),
    v(2, "ENCRYPTION_LEVEL_CLIENT_COMPATIBLE", "Both directions, with the strongest method the client supports."),
    v(3, "ENCRYPTION_LEVEL_HIGH", "Both directions, with the server's strongest method; weaker clients are refused."),
    v(4, "ENCRYPTION_LEVEL_FIPS", "Both directions, FIPS methods only; clients without FIPS support are refused."),
];
