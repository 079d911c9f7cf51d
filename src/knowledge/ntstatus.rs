//! NTSTATUS values a server reports in TSRequest.errorCode ([MS-CSSP] 2.2.1, CredSSP version 3 and
//! later) when NLA fails. Values from [MS-ERREF] 2.3.1.

use super::{Basis, Cause, Entry, Layer, TableId};

// The values the rules, the lab and the folk-cause table name ([MS-ERREF] 2.3.1).
pub const STATUS_NO_SUCH_USER: u32 = 0xC000_0064;
pub const STATUS_WRONG_PASSWORD: u32 = 0xC000_006A;
pub const STATUS_LOGON_FAILURE: u32 = 0xC000_006D;
pub const STATUS_ACCOUNT_RESTRICTION: u32 = 0xC000_006E;
pub const STATUS_INVALID_LOGON_HOURS: u32 = 0xC000_006F;
pub const STATUS_INVALID_WORKSTATION: u32 = 0xC000_0070;
pub const STATUS_PASSWORD_EXPIRED: u32 = 0xC000_0071;
pub const STATUS_ACCOUNT_DISABLED: u32 = 0xC000_0072;
pub const STATUS_LOGON_NOT_GRANTED: u32 = 0xC000_0155;
pub const STATUS_LOGON_TYPE_NOT_GRANTED: u32 = 0xC000_015B;
pub const STATUS_ACCOUNT_EXPIRED: u32 = 0xC000_0193;
pub const STATUS_PASSWORD_MUST_CHANGE: u32 = 0xC000_0224;
pub const STATUS_ACCOUNT_LOCKED_OUT: u32 = 0xC000_0234;
pub const STATUS_DOWNGRADE_DETECTED: u32 = 0xC000_0388;
pub const STATUS_NTLM_BLOCKED: u32 = 0xC000_0418;

const SRC: &str = "[MS-ERREF] 2.3.1 NTSTATUS Values";

const fn s(value: u32, name: &'static str, meaning: &'static str, causes: &'static [Cause]) -> Entry {
    Entry {
        table: TableId::NtStatus,
        value,
        name,
        meaning,
        source: SRC,
        basis: Basis::Documented,
        layer: Some(Layer::Credssp),
        causes,
        note: None,
    }
}

const fn sn(
    value: u32,
    name: &'static str,
    meaning: &'static str,
    causes: &'static [Cause],
    note: &'static str,
) -> Entry {
    Entry {
        table: TableId::NtStatus,
        value,
        name,
        meaning,
        source: SRC,
        basis: Basis::Documented,
        layer: Some(Layer::Credssp),
        causes,
        note: Some(note),
    }
}

const BAD_CREDS: &[Cause] = &[
    Cause {
        text: "Wrong user name or password (or the wrong domain: DOMAIN\\user vs user@domain vs .\\user for a local account)",
        check: "rdp-doctor diagnose HOST --user USER with the exact user name form; try .\\USER for a local account",
    },
    Cause {
        text: "The account exists only on another domain or machine",
        check: "Confirm the account on the server (net user USER, or the domain controller)",
    },
];

const ACCOUNT_STATE: &[Cause] = &[Cause {
    text: "The account's state on the server or domain forbids the logon",
    check: "Inspect the account (net user USER /domain, or Active Directory Users and Computers); rdp-doctor diagnose HOST --user USER confirms after the fix",
}];

const PASSWORD_CHANGE: &[Cause] = &[
    Cause {
        text: "The password must be changed and NLA cannot change it",
        check: "Change the password another way (Ctrl+Alt+Del on a domain machine, or an admin reset), then retry",
    },
    Cause {
        text: "The server requires NLA, so the logon screen that would allow the change is never reached",
        check: "Temporarily allow non-NLA connections only if policy permits, or reset the password",
    },
];

const RIGHTS: &[Cause] = &[Cause {
    text: "The user lacks 'Allow log on through Remote Desktop Services' or is listed in 'Deny log on through Remote Desktop Services'",
    check: "On the server: secpol.msc > User Rights Assignment, and membership of Remote Desktop Users",
}];

const DC: &[Cause] = &[
    Cause {
        text: "The server cannot reach a domain controller to check the credentials",
        check: "On the server run nltest /sc_verify:DOMAIN; check DNS and the secure channel",
    },
    Cause {
        text: "The clocks of client, server and domain controller differ by more than five minutes (Kerberos)",
        check: "Compare times (w32tm /stripchart /computer:DC) and fix time synchronisation",
    },
];

/// Sorted by value.
pub static NTSTATUS: &[Entry] = &[
    sn(
        0xC000_0016,
        "STATUS_MORE_PROCESSING_REQUIRED",
        "The authentication exchange needs another round; not an error by itself.",
        &[],
        "Seen in debug logs during NTLM/Kerberos exchanges; as a final result it means the exchange stopped half-way.",
    ),
    s(0xC000_0022, "STATUS_ACCESS_DENIED", "Access was denied.", RIGHTS),
    s(0xC000_005E, "STATUS_NO_LOGON_SERVERS", "No domain controller was available to check the logon.", DC),
    s(0xC000_005F, "STATUS_NO_SUCH_LOGON_SESSION", "The logon session does not exist (it may have ended).", &[]),
    s(0xC000_0062, "STATUS_INVALID_ACCOUNT_NAME", "The account name is not well formed.", BAD_CREDS),
    s(STATUS_NO_SUCH_USER, "STATUS_NO_SUCH_USER", "The user account does not exist.", BAD_CREDS),
    s(STATUS_WRONG_PASSWORD, "STATUS_WRONG_PASSWORD", "The password is wrong.", BAD_CREDS),
    s(0xC000_006C, "STATUS_PASSWORD_RESTRICTION", "The password does not meet the password policy.", PASSWORD_CHANGE),
    sn(
        STATUS_LOGON_FAILURE,
        "STATUS_LOGON_FAILURE",
        "The logon failed: the user name or password is wrong (the generic answer).",
        BAD_CREDS,
        "Servers often return this generic code instead of STATUS_WRONG_PASSWORD or STATUS_NO_SUCH_USER so as not to reveal which part was wrong.",
    ),
    s(
        STATUS_ACCOUNT_RESTRICTION,
        "STATUS_ACCOUNT_RESTRICTION",
        "An account restriction stops the logon (for example a blank password not allowed remotely, or logon hours).",
        &[
            Cause {
                text: "The account has a blank password; Windows refuses blank passwords over the network by default",
                check: "Give the account a password; check 'Accounts: Limit local account use of blank passwords to console logon only'",
            },
            Cause {
                text: "The account is restricted (logon workstations, Protected Users group, time restrictions)",
                check: "Inspect the account's restrictions in Active Directory",
            },
        ],
    ),
    s(
        STATUS_INVALID_LOGON_HOURS,
        "STATUS_INVALID_LOGON_HOURS",
        "The user may not log on at this time of day.",
        ACCOUNT_STATE,
    ),
    s(
        STATUS_INVALID_WORKSTATION,
        "STATUS_INVALID_WORKSTATION",
        "The user may not log on from this workstation.",
        ACCOUNT_STATE,
    ),
    s(STATUS_PASSWORD_EXPIRED, "STATUS_PASSWORD_EXPIRED", "The password has expired.", PASSWORD_CHANGE),
    s(STATUS_ACCOUNT_DISABLED, "STATUS_ACCOUNT_DISABLED", "The account is disabled.", ACCOUNT_STATE),
    s(0xC000_009A, "STATUS_INSUFFICIENT_RESOURCES", "The server lacks resources to complete the logon.", &[]),
    s(
        0xC000_00B5,
        "STATUS_IO_TIMEOUT",
        "An operation timed out (often a domain controller that answers too slowly).",
        DC,
    ),
    s(0xC000_010B, "STATUS_INVALID_LOGON_TYPE", "The requested logon type is not valid.", &[]),
    s(
        0xC000_0133,
        "STATUS_TIME_DIFFERENCE_AT_DC",
        "The clocks of this machine and the domain controller differ too much.",
        DC,
    ),
    s(
        STATUS_LOGON_NOT_GRANTED,
        "STATUS_LOGON_NOT_GRANTED",
        "A requested type of logon is not granted to the user.",
        RIGHTS,
    ),
    s(
        STATUS_LOGON_TYPE_NOT_GRANTED,
        "STATUS_LOGON_TYPE_NOT_GRANTED",
        "The user has not been granted this type of logon (remote interactive) on this machine.",
        RIGHTS,
    ),
    s(
        0xC000_018C,
        "STATUS_TRUSTED_DOMAIN_FAILURE",
        "The trust between the server's domain and the user's domain failed.",
        DC,
    ),
    s(
        0xC000_018D,
        "STATUS_TRUSTED_RELATIONSHIP_FAILURE",
        "The server's trust relationship with its domain failed (broken secure channel).",
        DC,
    ),
    s(0xC000_0192, "STATUS_NETLOGON_NOT_STARTED", "The Netlogon service is not running on the server.", DC),
    s(STATUS_ACCOUNT_EXPIRED, "STATUS_ACCOUNT_EXPIRED", "The account has expired.", ACCOUNT_STATE),
    s(
        STATUS_PASSWORD_MUST_CHANGE,
        "STATUS_PASSWORD_MUST_CHANGE",
        "The password must be changed before the first logon.",
        PASSWORD_CHANGE,
    ),
    s(
        STATUS_ACCOUNT_LOCKED_OUT,
        "STATUS_ACCOUNT_LOCKED_OUT",
        "The account is locked out after too many failed attempts.",
        &[Cause {
            text: "Too many wrong passwords, often from a saved password or a service somewhere else",
            check: "Find the source with the domain controller's 4740 events; unlock the account",
        }],
    ),
    s(0xC000_02FA, "STATUS_SMARTCARD_LOGON_REQUIRED", "The account must log on with a smart card.", ACCOUNT_STATE),
    s(
        STATUS_DOWNGRADE_DETECTED,
        "STATUS_DOWNGRADE_DETECTED",
        "The system detected a possible attempt to weaken the security.",
        &[],
    ),
    s(
        0xC000_0413,
        "STATUS_AUTHENTICATION_FIREWALL_FAILED",
        "The machine is not allowed to authenticate the user (selective authentication of a trust).",
        RIGHTS,
    ),
    s(
        STATUS_NTLM_BLOCKED,
        "STATUS_NTLM_BLOCKED",
        "The authentication failed because NTLM was blocked.",
        &[Cause {
            text: "NTLM is restricted on the server or its domain (Network security: Restrict NTLM)",
            check: "Connect by the server's DNS name so Kerberos can be used, or allow this client in the Restrict NTLM exceptions",
        }],
    ),
];
