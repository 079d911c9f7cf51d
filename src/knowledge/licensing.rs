//! Licensing Error Message codes ([MS-RDPELE] 2.2.2.7.1, the LICENSE_ERROR_MESSAGE of [MS-RDPBCGR]
//! 2.2.1.12.1.3): dwErrorCode and dwStateTransition.

use super::{Basis, Cause, Entry, Layer, TableId};

const SRC: &str = "[MS-RDPBCGR] 2.2.1.12.1.3 Licensing Error Message (LICENSE_ERROR_MESSAGE), [MS-RDPELE] 2.2.2.7.1";

const fn l(value: u32, name: &'static str, meaning: &'static str, causes: &'static [Cause]) -> Entry {
    Entry {
        table: TableId::LicenseError,
        value,
        name,
        meaning,
        source: SRC,
        basis: Basis::Documented,
        layer: Some(Layer::Licensing),
        causes,
        note: None,
    }
}

const fn s(value: u32, name: &'static str, meaning: &'static str) -> Entry {
    Entry {
        table: TableId::LicenseState,
        value,
        name,
        meaning,
        source: SRC,
        basis: Basis::Documented,
        layer: Some(Layer::Licensing),
        causes: &[],
        note: None,
    }
}

const NO_SERVER: &[Cause] = &[
    Cause {
        text: "The RD Session Host has no license server configured, or cannot reach it (firewall, DNS, the Remote Desktop Licensing service stopped)",
        check: "On the session host run the RD Licensing Diagnoser (lsdiag.msc); check 'Use the specified Remote Desktop license servers' and `Get-Service TermServLicensing` on the license server",
    },
    Cause {
        text: "The 120-day licensing grace period ended and no license server was ever configured",
        check: "`(Get-WmiObject -Namespace root/cimv2/TerminalServices -Class Win32_TerminalServiceSetting).GetGracePeriodDays().DaysLeft` on the session host",
    },
];

const NO_CAL: &[Cause] = &[Cause {
    text: "The license server has no RDS CALs of the configured type left (Per Device exhausted, or the mode does not match the installed CALs)",
    check: "RD Licensing Manager (licmgr.exe): installed and issued CALs; compare 'Set the Remote Desktop licensing mode' (Per User / Per Device) with the CAL type",
}];

/// Sorted by value.
pub static LICENSE_ERRORS: &[Entry] = &[
    l(0x01, "ERR_INVALID_SERVER_CERTIFICATE", "The client could not use the server's licensing certificate.", &[]),
    l(0x02, "ERR_NO_LICENSE", "The client has no license to present.", &[]),
    l(0x03, "ERR_INVALID_MAC", "A licensing message failed its integrity (MAC) check.", &[]),
    l(0x04, "ERR_INVALID_SCOPE", "The license server does not serve the scope the client asked for.", NO_CAL),
    l(0x06, "ERR_NO_LICENSE_SERVER", "The server could not reach any license server to issue a license.", NO_SERVER),
    l(
        0x07,
        "STATUS_VALID_CLIENT",
        "Not an error: the client's license is valid (or no license is needed) and licensing is complete.",
        &[],
    ),
    l(0x08, "ERR_INVALID_CLIENT", "The client's license or licensing data was not accepted.", NO_CAL),
    l(0x0B, "ERR_INVALID_PRODUCTID", "The product identifier in the licensing request is not valid.", &[]),
    l(0x0C, "ERR_INVALID_MESSAGE_LEN", "A licensing message had an invalid length.", &[]),
];

/// Sorted by value.
pub static LICENSE_STATES: &[Entry] = &[
    s(0x1, "ST_TOTAL_ABORT", "Licensing is abandoned: the server ends the connection."),
    s(0x2, "ST_NO_TRANSITION", "Licensing carries on from where it is (used with STATUS_VALID_CLIENT)."),
    s(0x3, "ST_RESET_PHASE_TO_START", "Licensing starts over from the beginning."),
    s(0x4, "ST_RESEND_LAST_MESSAGE", "The client is asked to send its last licensing message again."),
];
