//! Every code space rdp-doctor knows, as tables of data.
//!
//! Each table is a `static` array of [`Entry`], sorted by value with no duplicate values. Every entry
//! carries its source (a specification section or a document) and its basis (documented, observed or
//! inferred). Nothing outside this module writes a code's meaning; everything else looks codes up here.
//!
//! Meanings are written in our own words from the cited sources.

use serde::Serialize;

pub mod client_profiles;
pub mod credssp;
pub mod disc_reason;
pub mod errinfo;
pub mod freerdp;
// The Windows client's RD Gateway codes 0x3000001-0x3000050, next to the E_PROXY table (tsgu).
pub mod gateway_client;
pub mod hresult;
pub mod neg_failure;
pub mod ntstatus;
pub mod signatures;
pub mod tls_suites;
pub mod tsgu;
pub mod windows_builds;
// Session layer tables (connection sequence, licensing, logon, Standard RDP Security).
pub mod licensing;
pub mod logon;
pub mod mcs;
pub mod rdp_encryption;
// The causes and fixes people are commonly given, judged against codes (explain) and measurements (diagnose).
pub mod folk_causes;
// Windows event records and registry values (`rdp-doctor evidence`).
pub mod events;

/// How sure we are of an entry's meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Basis {
    /// Written in a specification or in the vendor's documentation.
    Documented,
    /// Seen on real systems, not (or not fully) documented.
    Observed,
    /// Derived by us (from the code's structure, a neighbour, a source's code); see the entry's note.
    Inferred,
}

/// The basis's JSON name (`documented`, `observed`, `inferred`), for text.
impl std::fmt::Display for Basis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Basis::Documented => "documented",
            Basis::Observed => "observed",
            Basis::Inferred => "inferred",
        })
    }
}

/// The layer of the connection a code belongs to, in the order a client walks them
/// (gateway first when one is used; `Client` is local to the client).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Layer {
    Network,
    Negotiation,
    Tls,
    Credssp,
    Session,
    Licensing,
    Gateway,
    Client,
}

impl Layer {
    /// Short lowercase name, as serialized.
    pub fn name(self) -> &'static str {
        match self {
            Layer::Network => "network",
            Layer::Negotiation => "negotiation",
            Layer::Tls => "tls",
            Layer::Credssp => "credssp",
            Layer::Session => "session",
            Layer::Licensing => "licensing",
            Layer::Gateway => "gateway",
            Layer::Client => "client",
        }
    }
}

/// The code spaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TableId {
    DiscReason,
    ErrorInfo,
    NegFailure,
    CredsspVersion,
    EncryptionOracle,
    NtStatus,
    SspiHresult,
    GatewayHresult,
    GatewayClient,
    FreerdpError,
    FreerdpExit,
    McsReason,
    LicenseError,
    LicenseState,
    LogonNotification,
    LogonErrorData,
    EncryptionMethod,
    EncryptionLevel,
}

impl TableId {
    /// Every table, in the order `--list` prints them.
    pub const ALL: &'static [TableId] = &[
        TableId::DiscReason,
        TableId::ErrorInfo,
        TableId::NegFailure,
        TableId::CredsspVersion,
        TableId::EncryptionOracle,
        TableId::NtStatus,
        TableId::SspiHresult,
        TableId::GatewayHresult,
        TableId::GatewayClient,
        TableId::FreerdpError,
        TableId::FreerdpExit,
        TableId::McsReason,
        TableId::LicenseError,
        TableId::LicenseState,
        TableId::LogonNotification,
        TableId::LogonErrorData,
        TableId::EncryptionMethod,
        TableId::EncryptionLevel,
    ];

    /// The table's name on the command line (`explain --list NAME`).
    pub fn name(self) -> &'static str {
        match self {
            TableId::DiscReason => "disc-reason",
            TableId::ErrorInfo => "errinfo",
            TableId::NegFailure => "neg-failure",
            TableId::CredsspVersion => "credssp-version",
            TableId::EncryptionOracle => "encryption-oracle",
            TableId::NtStatus => "ntstatus",
            TableId::SspiHresult => "sspi-hresult",
            TableId::GatewayHresult => "gateway-hresult",
            TableId::GatewayClient => "gateway-client",
            TableId::FreerdpError => "freerdp-error",
            TableId::FreerdpExit => "freerdp-exit",
            TableId::McsReason => "mcs-reason",
            TableId::LicenseError => "license-error",
            TableId::LicenseState => "license-state",
            TableId::LogonNotification => "logon-notification",
            TableId::LogonErrorData => "logon-error-data",
            TableId::EncryptionMethod => "encryption-method",
            TableId::EncryptionLevel => "encryption-level",
        }
    }

    /// One line saying what the table holds.
    pub fn title(self) -> &'static str {
        match self {
            TableId::DiscReason => "Windows client disconnect reasons (discReason, IMsTscAxEvents::OnDisconnected)",
            TableId::ErrorInfo => {
                "Server Set Error Info PDU errorInfo / ExtendedDisconnectReasonCode ([MS-RDPBCGR] 2.2.5.1.1)"
            }
            TableId::NegFailure => "RDP_NEG_FAILURE failureCode ([MS-RDPBCGR] 2.2.1.2.2)",
            TableId::CredsspVersion => "CredSSP TSRequest.version ([MS-CSSP] 2.2.1)",
            TableId::EncryptionOracle => "CredSSP AllowEncryptionOracle policy values (CVE-2018-0886)",
            TableId::NtStatus => "NTSTATUS values in TSRequest.errorCode ([MS-ERREF] 2.3)",
            TableId::SspiHresult => "SSPI / Schannel HRESULTs ([MS-ERREF] 2.1)",
            TableId::GatewayHresult => "RD Gateway HRESULTs ([MS-TSGU] 2.2.6)",
            TableId::GatewayClient => {
                "Windows client RD Gateway disconnect reasons 0x3000001-0x3000050 (the client's own descriptions)"
            }
            TableId::FreerdpError => "FreeRDP connect errors (ERRCONNECT_*, freerdp/error.h)",
            TableId::FreerdpExit => "xfreerdp process exit codes (XF_EXIT_*, client/X11/xfreerdp.h)",
            TableId::McsReason => "MCS Disconnect Provider Ultimatum reasons ([T.125], [MS-RDPBCGR] 2.2.2.3)",
            TableId::LicenseError => "Licensing Error Message dwErrorCode ([MS-RDPELE] 2.2.2.7.1)",
            TableId::LicenseState => "Licensing Error Message dwStateTransition ([MS-RDPELE] 2.2.2.7.1)",
            TableId::LogonNotification => {
                "Save Session Info logon ErrorNotificationType ([MS-RDPBCGR] 2.2.10.1.1.4.1.1)"
            }
            TableId::LogonErrorData => "Save Session Info logon ErrorNotificationData ([MS-RDPBCGR] 2.2.10.1.1.4.1.1)",
            TableId::EncryptionMethod => "Standard RDP Security encryptionMethod ([MS-RDPBCGR] 2.2.1.4.3)",
            TableId::EncryptionLevel => "Standard RDP Security encryptionLevel ([MS-RDPBCGR] 2.2.1.4.3)",
        }
    }

    /// Parses a table name as printed by [`TableId::name`] (case-insensitive; `_` accepted for `-`).
    pub fn from_name(name: &str) -> Option<TableId> {
        let wanted = name.trim().to_ascii_lowercase().replace('_', "-");
        TableId::ALL.iter().copied().find(|t| t.name() == wanted)
    }
}

/// A likely cause of a code and the check that confirms or rules it out.
#[derive(Debug, Serialize)]
pub struct Cause {
    pub text: &'static str,
    pub check: &'static str,
}

/// One code of one table.
#[derive(Debug, Serialize)]
pub struct Entry {
    pub table: TableId,
    pub value: u32,
    pub name: &'static str,
    pub meaning: &'static str,
    pub source: &'static str,
    pub basis: Basis,
    pub layer: Option<Layer>,
    /// Ranked, most likely first; may be empty.
    pub causes: &'static [Cause],
    /// Disagreement between sources, undocumented meaning, and the like.
    pub note: Option<&'static str>,
}

/// The entries of one table, sorted by value.
pub fn table(id: TableId) -> &'static [Entry] {
    match id {
        TableId::DiscReason => disc_reason::DISC_REASONS,
        TableId::ErrorInfo => errinfo::ERROR_INFO,
        TableId::NegFailure => neg_failure::NEG_FAILURES,
        TableId::CredsspVersion => credssp::CREDSSP_VERSIONS,
        TableId::EncryptionOracle => credssp::ENCRYPTION_ORACLE,
        TableId::NtStatus => ntstatus::NTSTATUS,
        TableId::SspiHresult => hresult::SSPI_HRESULTS,
        TableId::GatewayHresult => tsgu::GATEWAY_HRESULTS,
        TableId::GatewayClient => gateway_client::GATEWAY_CLIENT_CODES,
        TableId::FreerdpError => freerdp::FREERDP_ERRORS,
        TableId::FreerdpExit => freerdp::FREERDP_EXIT_CODES,
        TableId::McsReason => mcs::MCS_REASONS,
        TableId::LicenseError => licensing::LICENSE_ERRORS,
        TableId::LicenseState => licensing::LICENSE_STATES,
        TableId::LogonNotification => logon::LOGON_NOTIFICATIONS,
        TableId::LogonErrorData => logon::LOGON_ERROR_DATA,
        TableId::EncryptionMethod => rdp_encryption::ENCRYPTION_METHODS,
        TableId::EncryptionLevel => rdp_encryption::ENCRYPTION_LEVELS,
    }
}

/// The entry for `value` in `table`, if the table holds it.
pub fn lookup(table_id: TableId, value: u32) -> Option<&'static Entry> {
    let entries = table(table_id);
    entries.binary_search_by_key(&value, |e| e.value).ok().map(|i| &entries[i])
}

/// Other spellings of a symbolic name (the same code under another document's name).
/// Each alias points at exactly one entry.
pub struct Alias {
    pub alias: &'static str,
    pub table: TableId,
    pub value: u32,
}

/// Every entry whose symbolic name (or one of its aliases) equals `name`, case-insensitively.
pub fn find_by_name(name: &str) -> Vec<&'static Entry> {
    let name = name.trim();
    let mut found: Vec<&'static Entry> = Vec::new();
    if name.is_empty() {
        return found;
    }
    for &id in TableId::ALL {
        for e in table(id) {
            if e.name.eq_ignore_ascii_case(name) {
                found.push(e);
            }
        }
    }
    for a in ALIASES {
        if !a.alias.eq_ignore_ascii_case(name) {
            continue;
        }
        if let Some(e) = lookup(a.table, a.value) {
            if !found.iter().any(|f| std::ptr::eq(*f, e)) {
                found.push(e);
            }
        }
    }
    found
}

/// Names other documents use for codes in our tables.
pub static ALIASES: &[Alias] = &[
    // ExtendedDisconnectReasonCode names for the errorInfo codes they share.
    Alias { alias: "exDiscReasonNoInfo", table: TableId::ErrorInfo, value: 0x0 },
    Alias { alias: "exDiscReasonAPIInitiatedDisconnect", table: TableId::ErrorInfo, value: 0x1 },
    Alias { alias: "exDiscReasonAPIInitiatedLogoff", table: TableId::ErrorInfo, value: 0x2 },
    Alias { alias: "exDiscReasonServerIdleTimeout", table: TableId::ErrorInfo, value: 0x3 },
    Alias { alias: "exDiscReasonServerLogonTimeout", table: TableId::ErrorInfo, value: 0x4 },
    Alias { alias: "exDiscReasonReplacedByOtherConnection", table: TableId::ErrorInfo, value: 0x5 },
    Alias { alias: "exDiscReasonOutOfMemory", table: TableId::ErrorInfo, value: 0x6 },
    Alias { alias: "exDiscReasonServerDeniedConnection", table: TableId::ErrorInfo, value: 0x7 },
    Alias { alias: "exDiscReasonServerInsufficientPrivileges", table: TableId::ErrorInfo, value: 0x9 },
    Alias { alias: "exDiscReasonServerFreshCredsRequired", table: TableId::ErrorInfo, value: 0xA },
    Alias { alias: "exDiscReasonRpcInitiatedDisconnectByUser", table: TableId::ErrorInfo, value: 0xB },
    Alias { alias: "exDiscReasonLogoffByUser", table: TableId::ErrorInfo, value: 0xC },
    Alias { alias: "exDiscReasonLicenseInternal", table: TableId::ErrorInfo, value: 0x100 },
    Alias { alias: "exDiscReasonLicenseNoLicenseServer", table: TableId::ErrorInfo, value: 0x101 },
    Alias { alias: "exDiscReasonLicenseNoLicense", table: TableId::ErrorInfo, value: 0x102 },
    Alias { alias: "exDiscReasonLicenseErrClientMsg", table: TableId::ErrorInfo, value: 0x103 },
    Alias { alias: "exDiscReasonLicenseHwidDoesntMatchLicense", table: TableId::ErrorInfo, value: 0x104 },
    Alias { alias: "exDiscReasonLicenseErrClientLicense", table: TableId::ErrorInfo, value: 0x105 },
    Alias { alias: "exDiscReasonLicenseCantFinishProtocol", table: TableId::ErrorInfo, value: 0x106 },
    Alias { alias: "exDiscReasonLicenseClientEndedProtocol", table: TableId::ErrorInfo, value: 0x107 },
    Alias { alias: "exDiscReasonLicenseErrClientEncryption", table: TableId::ErrorInfo, value: 0x108 },
    Alias { alias: "exDiscReasonLicenseCantUpgradeLicense", table: TableId::ErrorInfo, value: 0x109 },
    Alias { alias: "exDiscReasonLicenseNoRemoteConnections", table: TableId::ErrorInfo, value: 0x10A },
    // FreeRDP's spellings of errorInfo codes where they differ from [MS-RDPBCGR].
    Alias { alias: "ERRINFO_CONFIRM_ACTIVE_HAS_WRONG_SHAREID", table: TableId::ErrorInfo, value: 0x10D4 },
    Alias { alias: "ERRINFO_CONFIRM_ACTIVE_HAS_WRONG_ORIGINATOR", table: TableId::ErrorInfo, value: 0x10D5 },
    Alias { alias: "ERRINFO_VIRTUAL_CHANNEL_DECOMPRESSION", table: TableId::ErrorInfo, value: 0x10EC },
    Alias { alias: "ERRINFO_DRAWNINEGRID_CACHE_ERROR_PDU_BAD_LENGTH", table: TableId::ErrorInfo, value: 0x10F7 },
    // FreeRDP's FREERDP_ERROR_* names for its connect errors.
    Alias { alias: "FREERDP_ERROR_CONNECT_TRANSPORT_FAILED", table: TableId::FreerdpError, value: 0x0002_000D },
    Alias { alias: "FREERDP_ERROR_CONNECT_FAILED", table: TableId::FreerdpError, value: 0x0002_0006 },
    Alias { alias: "FREERDP_ERROR_AUTHENTICATION_FAILED", table: TableId::FreerdpError, value: 0x0002_0009 },
    Alias { alias: "FREERDP_ERROR_TLS_CONNECT_FAILED", table: TableId::FreerdpError, value: 0x0002_0008 },
    Alias { alias: "FREERDP_ERROR_SECURITY_NEGO_CONNECT_FAILED", table: TableId::FreerdpError, value: 0x0002_000C },
    Alias { alias: "FREERDP_ERROR_CONNECT_LOGON_FAILURE", table: TableId::FreerdpError, value: 0x0002_0014 },
];

/// How the Windows client composes a disconnect reason: the low byte is a category, the bits above
/// it a detail number inside that category. Rows are keyed by the low byte.
pub struct DiscCategory {
    pub low_byte: u8,
    pub name: &'static str,
    pub meaning: &'static str,
    pub basis: Basis,
}

/// The low-byte categories of disconnect reasons. Microsoft documents the individual codes, not this
/// composition; the grouping is read off the documented codes and is therefore `inferred`.
pub static DISC_CATEGORIES: &[DiscCategory] = &[
    DiscCategory {
        low_byte: 0x00,
        name: "no information",
        meaning: "Only the code 0 (no information) is documented here.",
        basis: Basis::Documented,
    },
    DiscCategory {
        low_byte: 0x01,
        name: "local, not an error",
        meaning: "The disconnection was started on the client side (for example the user closed it).",
        basis: Basis::Documented,
    },
    DiscCategory {
        low_byte: 0x02,
        name: "remote by user, not an error",
        meaning: "The user's session on the server ended the connection.",
        basis: Basis::Documented,
    },
    DiscCategory {
        low_byte: 0x03,
        name: "remote by server",
        meaning: "The server ended the connection; the extended code (errorInfo) says why.",
        basis: Basis::Documented,
    },
    DiscCategory {
        low_byte: 0x04,
        name: "network / socket",
        meaning: "Failures of name resolution, TCP connect, send, receive or an unexpected socket close.",
        basis: Basis::Inferred,
    },
    DiscCategory {
        low_byte: 0x06,
        name: "security / protocol data",
        meaning: "Out of memory, bad security data, certificate, encryption and decryption failures.",
        basis: Basis::Inferred,
    },
    DiscCategory {
        low_byte: 0x07,
        name: "authentication / security layer (newer clients)",
        meaning: "Failures during TLS or NLA (CredSSP) in clients since RDP 6; Microsoft publishes no list for this family.",
        basis: Basis::Inferred,
    },
    DiscCategory {
        low_byte: 0x08,
        name: "client core / connection",
        meaning: "Client-side failures: timeouts, host not found, invalid address, licensing, decompression.",
        basis: Basis::Inferred,
    },
];

/// A code as the tables and the report write it: `0x904`, `0xC000006D` (upper case, no padding).
pub fn hex_code(v: u32) -> String {
    format!("0x{v:X}")
}

/// The category of a disconnect reason from its low byte, e.g. "network / socket" for 0x904.
pub fn disc_reason_category(code: u32) -> Option<&'static str> {
    let low = (code & 0xFF) as u8;
    if code > 0xFF && low == 0 {
        return None;
    }
    DISC_CATEGORIES.iter().find(|c| c.low_byte == low).map(|c| c.name)
}

/// Total number of entries in all tables.
pub fn total_entries() -> usize {
    TableId::ALL.iter().map(|&t| table(t).len()).sum()
}
