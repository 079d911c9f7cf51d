//! CredSSP: TSRequest versions ([MS-CSSP] 2.2.1), the AllowEncryptionOracle policy and Microsoft's
//! interoperability table for CVE-2018-0886 (support article "CredSSP updates for CVE-2018-0886",
//! KB4093492).

use super::{Basis, Cause, Entry, Layer, TableId};

const SRC_CSSP: &str = "[MS-CSSP] 2.2.1 TSRequest";
const SRC_KB: &str = "Microsoft support: CredSSP updates for CVE-2018-0886 (KB4093492)";

const UNPATCHED: &[Cause] = &[Cause {
    text: "This side lacks the CredSSP update of March/May 2018 (CVE-2018-0886)",
    check: "rdp-doctor diagnose HOST --user USER: the CredSSP stage shows the server's TSRequest version (5 or more means updated)",
}];

/// Sorted by value.
pub static CREDSSP_VERSIONS: &[Entry] = &[
    Entry {
        table: TableId::CredsspVersion,
        value: 2,
        name: "CREDSSP_V2",
        meaning: "Original CredSSP. No errorCode field and no client nonce: a peer that speaks only version 2 lacks the CVE-2018-0886 fix.",
        source: SRC_CSSP,
        basis: Basis::Documented,
        layer: Some(Layer::Credssp),
        causes: UNPATCHED,
        note: None,
    },
    Entry {
        table: TableId::CredsspVersion,
        value: 3,
        name: "CREDSSP_V3",
        meaning: "Adds the errorCode field (the server can report an NTSTATUS). Still without the CVE-2018-0886 fix.",
        source: SRC_CSSP,
        basis: Basis::Documented,
        layer: Some(Layer::Credssp),
        causes: UNPATCHED,
        note: None,
    },
    Entry {
        table: TableId::CredsspVersion,
        value: 4,
        name: "CREDSSP_V4",
        meaning: "A pre-2018 revision; behaves like version 3 for error reporting. Without the CVE-2018-0886 fix.",
        source: SRC_CSSP,
        basis: Basis::Inferred,
        layer: Some(Layer::Credssp),
        causes: UNPATCHED,
        note: Some(
            "[MS-CSSP] lists 4 as a valid version but we did not confirm what it changed; 'unpatched' follows from versions below 5 lacking the clientNonce.",
        ),
    },
    Entry {
        table: TableId::CredsspVersion,
        value: 5,
        name: "CREDSSP_V5",
        meaning: "Adds the clientNonce and binds the public-key check to it: the CVE-2018-0886 update is installed.",
        source: SRC_CSSP,
        basis: Basis::Documented,
        layer: Some(Layer::Credssp),
        causes: &[],
        note: None,
    },
    Entry {
        table: TableId::CredsspVersion,
        value: 6,
        name: "CREDSSP_V6",
        meaning: "Current version with the clientNonce: the CVE-2018-0886 update is installed.",
        source: SRC_CSSP,
        basis: Basis::Documented,
        layer: Some(Layer::Credssp),
        causes: &[],
        note: None,
    },
];

/// Values of the AllowEncryptionOracle policy (HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\
/// Policies\System\CredSSP\Parameters, group policy "Encryption Oracle Remediation"). Sorted.
pub static ENCRYPTION_ORACLE: &[Entry] = &[
    Entry {
        table: TableId::EncryptionOracle,
        value: 0,
        name: "FORCE_UPDATED_CLIENTS",
        meaning: "Most secure: an updated client will not fall back to the old protocol, and an updated server refuses clients without the update.",
        source: SRC_KB,
        basis: Basis::Documented,
        layer: Some(Layer::Credssp),
        causes: &[Cause {
            text: "A client without the 2018 CredSSP update connects to a server with this setting and is refused",
            check: "Update the client; rdp-doctor diagnose HOST --user USER shows the server's CredSSP version",
        }],
        note: None,
    },
    Entry {
        table: TableId::EncryptionOracle,
        value: 1,
        name: "MITIGATED",
        meaning: "The default since the May 2018 update: an updated client refuses to talk to servers without the update; an updated server still accepts old clients.",
        source: SRC_KB,
        basis: Basis::Documented,
        layer: Some(Layer::Credssp),
        causes: &[Cause {
            text: "An updated client meets a server without the update: the client shows 'This could be due to CredSSP encryption oracle remediation' (0x80090302 in some dialogs)",
            check: "rdp-doctor diagnose HOST --user USER: a server TSRequest version below 5 confirms the server needs the update",
        }],
        note: None,
    },
    Entry {
        table: TableId::EncryptionOracle,
        value: 2,
        name: "VULNERABLE",
        meaning: "Least secure: falls back to the old protocol, exposing the connection to CVE-2018-0886. Meant only as a temporary workaround.",
        source: SRC_KB,
        basis: Basis::Documented,
        layer: Some(Layer::Credssp),
        causes: &[],
        note: Some(
            "Setting this on a client to reach an unpatched server works but leaves the connection attackable; update the server instead.",
        ),
    },
];

/// Outcome of one combination in the interoperability table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Interop {
    /// Connection works and is protected.
    Allowed,
    /// Connection works but the fix is not in force (exposed to CVE-2018-0886).
    AllowedVulnerable,
    /// Connection is refused.
    Blocked,
}

/// One row of Microsoft's patched/unpatched interoperability table.
#[derive(Debug, serde::Serialize)]
pub struct InteropRow {
    pub client_patched: bool,
    /// AllowEncryptionOracle in force on the updated side (0, 1 or 2). When both sides are updated
    /// or both are not, the value does not change the outcome.
    pub policy: u8,
    pub server_patched: bool,
    pub outcome: Interop,
    pub text: &'static str,
}

const fn row(
    client_patched: bool,
    policy: u8,
    server_patched: bool,
    outcome: Interop,
    text: &'static str,
) -> InteropRow {
    InteropRow { client_patched, policy, server_patched, outcome, text }
}

/// The interoperability table. Source: KB4093492; our reading is that the policy matters on the
/// side that has the update (a client's policy for old servers, a server's policy for old clients).
pub static ORACLE_INTEROP: &[InteropRow] = &[
    row(true, 0, true, Interop::Allowed, "Both sides updated: the connection works and is protected."),
    row(true, 1, true, Interop::Allowed, "Both sides updated: the connection works and is protected."),
    row(true, 2, true, Interop::Allowed, "Both sides updated: the connection works and is protected."),
    row(
        true,
        0,
        false,
        Interop::Blocked,
        "Updated client (Force Updated Clients) refuses the server without the update.",
    ),
    row(
        true,
        1,
        false,
        Interop::Blocked,
        "Updated client (Mitigated, the default) refuses the server without the update: 'CredSSP encryption oracle remediation' error.",
    ),
    row(
        true,
        2,
        false,
        Interop::AllowedVulnerable,
        "Updated client set to Vulnerable connects to the old server, exposed to CVE-2018-0886.",
    ),
    row(
        false,
        0,
        true,
        Interop::Blocked,
        "Updated server (Force Updated Clients) refuses the client without the update.",
    ),
    row(
        false,
        1,
        true,
        Interop::AllowedVulnerable,
        "Updated server (Mitigated) still accepts the client without the update; the connection is exposed.",
    ),
    row(
        false,
        2,
        true,
        Interop::AllowedVulnerable,
        "Updated server (Vulnerable) accepts the client without the update; the connection is exposed.",
    ),
    row(
        false,
        0,
        false,
        Interop::AllowedVulnerable,
        "Neither side updated: the connection works but is exposed (the policy does not exist without the update).",
    ),
    row(
        false,
        1,
        false,
        Interop::AllowedVulnerable,
        "Neither side updated: the connection works but is exposed (the policy does not exist without the update).",
    ),
    row(
        false,
        2,
        false,
        Interop::AllowedVulnerable,
        "Neither side updated: the connection works but is exposed (the policy does not exist without the update).",
    ),
];

/// Looks up the interoperability table. `policy` is the AllowEncryptionOracle value on the updated
/// side; values above 2 give `None`.
pub fn oracle_interop(client_patched: bool, policy: u8, server_patched: bool) -> Option<&'static InteropRow> {
    ORACLE_INTEROP
        .iter()
        .find(|r| r.client_patched == client_patched && r.policy == policy && r.server_patched == server_patched)
}

/// Early User Authorization Result PDU values ([MS-RDPBCGR] 2.2.10): (value, name, meaning).
/// Sent by the server after CredSSP when HYBRID_EX was selected.
pub static EARLY_USER_AUTH_RESULTS: &[(u32, &str, &str)] = &[
    (0x0000_0000, "SUCCESS", "The user has permission to access the server."),
    (
        0x0000_0005,
        "ACCESS_DENIED",
        "The user does not have permission to access the server (the credentials are valid, but the user may not log on remotely).",
    ),
];
pub const SRC_EARLY_AUTH: &str = "[MS-RDPBCGR] 2.2.10 Early User Authorization Result PDU";

/// (name, meaning) of an Early User Authorization Result value.
pub fn early_user_auth_result(v: u32) -> Option<(&'static str, &'static str)> {
    EARLY_USER_AUTH_RESULTS.iter().find(|e| e.0 == v).map(|e| (e.1, e.2))
}
