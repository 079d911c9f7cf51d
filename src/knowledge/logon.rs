//! Logon notifications of the Save Session Info PDU ([MS-RDPBCGR] 2.2.10.1.1.4.1.1 TS_LOGON_ERRORS_INFO):
//! ErrorNotificationType and ErrorNotificationData.

use super::{Basis, Cause, Entry, Layer, TableId};

const SRC: &str = "[MS-RDPBCGR] 2.2.10.1.1.4.1.1 Logon Errors Info (TS_LOGON_ERRORS_INFO)";

const fn t(value: u32, name: &'static str, meaning: &'static str, causes: &'static [Cause]) -> Entry {
    Entry {
        table: TableId::LogonNotification,
        value,
        name,
        meaning,
        source: SRC,
        basis: Basis::Documented,
        layer: Some(Layer::Session),
        causes,
        note: None,
    }
}

const fn d(value: u32, name: &'static str, meaning: &'static str, causes: &'static [Cause]) -> Entry {
    Entry {
        table: TableId::LogonErrorData,
        value,
        name,
        meaning,
        source: SRC,
        basis: Basis::Documented,
        layer: Some(Layer::Session),
        causes,
        note: None,
    }
}

const BAD_PASSWORD: &[Cause] = &[Cause {
    text: "The user name or password given for auto-logon is wrong, or the account is locked or disabled",
    check: "Log on at the console with the same account; on the server read the Security log (event 4625, its Status and Sub Status)",
}];

/// ErrorNotificationType, sorted by value.
pub static LOGON_NOTIFICATIONS: &[Entry] = &[
    t(
        0xFFFF_FFF8,
        "LOGON_MSG_SESSION_BUSY_OPTIONS",
        "The session the user wants is busy; Winlogon shows the options to the user.",
        &[],
    ),
    t(0xFFFF_FFF9, "LOGON_MSG_DISCONNECT_REFUSED", "The session owner refused to be disconnected.", &[]),
    t(0xFFFF_FFFA, "LOGON_MSG_NO_PERMISSION", "The user has no permission to connect to the session.", &[]),
    t(
        0xFFFF_FFFB,
        "LOGON_MSG_BUMP_OPTIONS",
        "Another user is logged on; connecting will disconnect them (the user is asked).",
        &[],
    ),
    t(
        0xFFFF_FFFC,
        "LOGON_MSG_RECONNECT_OPTIONS",
        "The user is asked whether to reconnect to an existing session.",
        &[],
    ),
    t(0xFFFF_FFFD, "LOGON_MSG_SESSION_TERMINATE", "The logon process ended the connection.", &[]),
    t(0xFFFF_FFFE, "LOGON_MSG_SESSION_CONTINUE", "The logon process carries on.", &[]),
    t(0xFFFF_FFFF, "LOGON_FAILED_OTHER", "The automatic logon failed; ErrorNotificationData says why.", BAD_PASSWORD),
];

/// ErrorNotificationData for a logon failure, sorted by value.
pub static LOGON_ERROR_DATA: &[Entry] = &[
    d(0x0, "LOGON_FAILED_BAD_PASSWORD", "The logon failed: wrong user name or password.", BAD_PASSWORD),
    d(
        0x1,
        "LOGON_FAILED_UPDATE_PASSWORD",
        "The logon failed: the password must be changed first.",
        &[Cause {
            text: "The account's password expired or is marked 'User must change password at next logon'",
            check: "Change the password (Ctrl+Alt+End → Change a password, or at the console); with NLA the client cannot change it remotely",
        }],
    ),
    d(0x2, "LOGON_FAILED_OTHER_REASON", "The logon failed for another reason.", &[]),
    d(0x3, "LOGON_WARNING", "The logon succeeded with a warning shown to the user.", &[]),
];
