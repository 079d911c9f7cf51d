//! FreeRDP's own codes: connect errors as FreeRDP logs them (`ERRCONNECT_NAME [0x0002000D]`: class 2
//! in the high 16 bits, the ERRCONNECT_* number in the low 16) and the exit codes of xfreerdp.
//! Source: FreeRDP include/freerdp/error.h, client/X11/xfreerdp.h and xf_client.c.

use super::{Basis, Cause, Entry, Layer, TableId};

const SRC_ERR: &str = "FreeRDP include/freerdp/error.h (ERRCONNECT_*, class 2 = FREERDP_ERROR_CONNECT_CLASS)";
const SRC_EXIT: &str = "FreeRDP client/X11/xfreerdp.h (enum XF_EXIT_CODE) and xf_client.c";

/// FreeRDP error class of connect errors (high 16 bits of a logged code).
pub const CONNECT_CLASS: u32 = 2;
/// FreeRDP error class that wraps errorInfo codes (high 16 bits of a logged code).
pub const ERRINFO_CLASS: u32 = 1;

const fn c(
    low: u32,
    name: &'static str,
    meaning: &'static str,
    layer: Option<Layer>,
    causes: &'static [Cause],
) -> Entry {
    Entry {
        table: TableId::FreerdpError,
        value: (CONNECT_CLASS << 16) | low,
        name,
        meaning,
        source: SRC_ERR,
        basis: Basis::Documented,
        layer,
        causes,
        note: None,
    }
}

const fn x(
    value: u32,
    name: &'static str,
    meaning: &'static str,
    layer: Option<Layer>,
    causes: &'static [Cause],
) -> Entry {
    Entry {
        table: TableId::FreerdpExit,
        value,
        name,
        meaning,
        source: SRC_EXIT,
        basis: Basis::Documented,
        layer,
        causes,
        note: None,
    }
}

const fn xn(
    value: u32,
    name: &'static str,
    meaning: &'static str,
    layer: Option<Layer>,
    causes: &'static [Cause],
    note: &'static str,
) -> Entry {
    Entry {
        table: TableId::FreerdpExit,
        value,
        name,
        meaning,
        source: SRC_EXIT,
        basis: Basis::Documented,
        layer,
        causes,
        note: Some(note),
    }
}

const DNS: &[Cause] = &[Cause {
    text: "The host name does not resolve from this machine",
    check: "getent hosts HOST (or nslookup HOST) on the client",
}];

const TCP: &[Cause] = &[
    Cause {
        text: "Nothing listens on the RDP port, or a firewall drops or rejects the connection",
        check: "rdp-doctor diagnose HOST: the network stage says refused (closed port) or timeout (filtered)",
    },
    Cause {
        text: "The server closed the connection during the handshake (security protocol refused, TLS or NLA failure)",
        check: "rdp-doctor diagnose HOST: see which stage the server hung up in",
    },
];

const TLS: &[Cause] = &[
    Cause {
        text: "No TLS version or cipher suite in common (old server with TLS 1.0 only, or a hardened OpenSSL security level on the client)",
        check: "rdp-doctor diagnose HOST: the TLS stage lists what the server accepts",
    },
    Cause {
        text: "The certificate was rejected (not trusted, name mismatch, changed since last time)",
        check: "rdp-doctor diagnose HOST: the TLS stage shows the certificate; compare with ~/.config/freerdp/server/ known hosts",
    },
];

const AUTH: &[Cause] = &[
    Cause {
        text: "Wrong user name, password or domain",
        check: "rdp-doctor diagnose HOST --user USER: the CredSSP stage reports the server's NTSTATUS",
    },
    Cause {
        text: "CredSSP / NTLM could not complete (account restriction, CredSSP version policy, Kerberos problems)",
        check: "rdp-doctor diagnose HOST --user USER",
    },
];

const NEGO: &[Cause] = &[Cause {
    text: "Client and server have no security protocol in common (for example the server requires NLA and the client forced TLS or RDP security)",
    check: "rdp-doctor diagnose HOST: the negotiation stage lists what the server accepts (see RDP_NEG_FAILURE codes)",
}];

const ACCOUNT: &[Cause] = &[Cause {
    text: "The account's state forbids the logon",
    check: "rdp-doctor diagnose HOST --user USER; inspect the account on the server or domain",
}];

/// Connect errors, sorted by value (all in class 2).
pub static FREERDP_ERRORS: &[Entry] = &[
    c(
        0x01,
        "ERRCONNECT_PRE_CONNECT_FAILED",
        "The client's preparation before connecting failed (settings, channels, plugins).",
        Some(Layer::Client),
        &[],
    ),
    c(0x02, "ERRCONNECT_CONNECT_UNDEFINED", "The connection failed for an unspecified reason.", None, TCP),
    c(
        0x03,
        "ERRCONNECT_POST_CONNECT_FAILED",
        "The client's set-up after connecting failed (display, channels).",
        Some(Layer::Client),
        &[],
    ),
    c(0x04, "ERRCONNECT_DNS_ERROR", "Name resolution failed.", Some(Layer::Network), DNS),
    c(0x05, "ERRCONNECT_DNS_NAME_NOT_FOUND", "The host name was not found.", Some(Layer::Network), DNS),
    c(0x06, "ERRCONNECT_CONNECT_FAILED", "The connection could not be made.", Some(Layer::Network), TCP),
    c(
        0x07,
        "ERRCONNECT_MCS_CONNECT_INITIAL_ERROR",
        "The MCS Connect Initial exchange (basic settings) failed.",
        Some(Layer::Session),
        &[],
    ),
    c(0x08, "ERRCONNECT_TLS_CONNECT_FAILED", "The TLS handshake failed.", Some(Layer::Tls), TLS),
    c(0x09, "ERRCONNECT_AUTHENTICATION_FAILED", "Authentication (NLA) failed.", Some(Layer::Credssp), AUTH),
    c(
        0x0A,
        "ERRCONNECT_INSUFFICIENT_PRIVILEGES",
        "The user lacks the privileges to connect.",
        Some(Layer::Session),
        ACCOUNT,
    ),
    c(
        0x0B,
        "ERRCONNECT_CONNECT_CANCELLED",
        "The connection was cancelled (by the user or a callback).",
        Some(Layer::Client),
        &[],
    ),
    c(
        0x0C,
        "ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED",
        "Security negotiation failed: no security protocol in common.",
        Some(Layer::Negotiation),
        NEGO,
    ),
    c(
        0x0D,
        "ERRCONNECT_CONNECT_TRANSPORT_FAILED",
        "The transport (TCP, TLS or gateway) failed while connecting.",
        None,
        TCP,
    ),
    c(0x0E, "ERRCONNECT_PASSWORD_EXPIRED", "The password has expired.", Some(Layer::Credssp), ACCOUNT),
    c(
        0x0F,
        "ERRCONNECT_PASSWORD_CERTAINLY_EXPIRED",
        "The password has expired (reported where no Kerberos server can be asked, on non-domain machines).",
        Some(Layer::Credssp),
        ACCOUNT,
    ),
    c(0x10, "ERRCONNECT_CLIENT_REVOKED", "The client's credentials were revoked.", Some(Layer::Credssp), ACCOUNT),
    c(
        0x11,
        "ERRCONNECT_KDC_UNREACHABLE",
        "No Kerberos KDC could be reached.",
        Some(Layer::Credssp),
        &[Cause {
            text: "The KDC (domain controller) is not reachable from the client",
            check: "Check the krb5 configuration and reachability of the KDC on port 88",
        }],
    ),
    c(0x12, "ERRCONNECT_ACCOUNT_DISABLED", "The account is disabled.", Some(Layer::Credssp), ACCOUNT),
    c(
        0x13,
        "ERRCONNECT_PASSWORD_MUST_CHANGE",
        "The password must be changed before logging on.",
        Some(Layer::Credssp),
        ACCOUNT,
    ),
    c(0x14, "ERRCONNECT_LOGON_FAILURE", "The logon failed (wrong user name or password).", Some(Layer::Credssp), AUTH),
    c(0x15, "ERRCONNECT_WRONG_PASSWORD", "The password is wrong.", Some(Layer::Credssp), AUTH),
    c(0x16, "ERRCONNECT_ACCESS_DENIED", "Access was denied.", Some(Layer::Credssp), ACCOUNT),
    c(
        0x17,
        "ERRCONNECT_ACCOUNT_RESTRICTION",
        "An account restriction prevents the logon.",
        Some(Layer::Credssp),
        ACCOUNT,
    ),
    c(0x18, "ERRCONNECT_ACCOUNT_LOCKED_OUT", "The account is locked out.", Some(Layer::Credssp), ACCOUNT),
    c(0x19, "ERRCONNECT_ACCOUNT_EXPIRED", "The account has expired.", Some(Layer::Credssp), ACCOUNT),
    c(
        0x1A,
        "ERRCONNECT_LOGON_TYPE_NOT_GRANTED",
        "The user is not granted remote logon on the server.",
        Some(Layer::Credssp),
        ACCOUNT,
    ),
    c(
        0x1B,
        "ERRCONNECT_NO_OR_MISSING_CREDENTIALS",
        "No credentials were given, or some are missing.",
        Some(Layer::Credssp),
        AUTH,
    ),
    c(0x1C, "ERRCONNECT_ACTIVATION_TIMEOUT", "The session activation phase timed out.", Some(Layer::Session), &[]),
    c(0x1D, "ERRCONNECT_TARGET_BOOTING", "The target is still starting up.", Some(Layer::Session), &[]),
    c(
        0x1E,
        "ERRCONNECT_HYBRID_REQUIRED_BY_SERVER",
        "The server requires NLA (CredSSP) and the client did not use it.",
        Some(Layer::Negotiation),
        NEGO,
    ),
];

const LICENSE_EXIT_NOTE: &str = "The enum reserves 16-26 for licensing errors, but xf_client.c's helper computes them by an offset that does not land on 16-26, so whether xfreerdp really exits with these is uncertain.";

/// xfreerdp exit codes, sorted by value.
pub static FREERDP_EXIT_CODES: &[Entry] = &[
    x(0, "XF_EXIT_SUCCESS", "xfreerdp ended without error.", None, &[]),
    x(
        1,
        "XF_EXIT_DISCONNECT",
        "The server disconnected the session from an administrative tool (errorInfo 0x1).",
        Some(Layer::Session),
        &[],
    ),
    x(
        2,
        "XF_EXIT_LOGOFF",
        "The session was logged off (errorInfo 0x2, or a user-requested disconnect).",
        Some(Layer::Session),
        &[],
    ),
    x(
        3,
        "XF_EXIT_IDLE_TIMEOUT",
        "The server's idle time limit ended the session (errorInfo 0x3).",
        Some(Layer::Session),
        &[],
    ),
    x(
        4,
        "XF_EXIT_LOGON_TIMEOUT",
        "The server's active-session time limit ended the session (errorInfo 0x4).",
        Some(Layer::Session),
        &[],
    ),
    x(
        5,
        "XF_EXIT_CONN_REPLACED",
        "Another connection took over the session (errorInfo 0x5).",
        Some(Layer::Session),
        &[],
    ),
    x(6, "XF_EXIT_OUT_OF_MEMORY", "The server ran out of memory (errorInfo 0x6).", Some(Layer::Session), &[]),
    x(7, "XF_EXIT_CONN_DENIED", "The server denied the connection (errorInfo 0x7).", Some(Layer::Session), &[]),
    x(
        8,
        "XF_EXIT_CONN_DENIED_FIPS",
        "The server denied the connection for FIPS reasons (extended reason 0x8).",
        Some(Layer::Negotiation),
        &[],
    ),
    x(
        9,
        "XF_EXIT_USER_PRIVILEGES",
        "The user lacks the privileges to connect (errorInfo 0x9).",
        Some(Layer::Session),
        &[],
    ),
    x(
        10,
        "XF_EXIT_FRESH_CREDENTIALS_REQUIRED",
        "The server wants freshly typed credentials (errorInfo 0xA).",
        Some(Layer::Session),
        &[],
    ),
    x(
        11,
        "XF_EXIT_DISCONNECT_BY_USER",
        "Disconnected by a tool inside the user's session (errorInfo 0xB).",
        Some(Layer::Session),
        &[],
    ),
    xn(
        16,
        "XF_EXIT_LICENSE_INTERNAL",
        "Licensing: internal error on the server (errorInfo 0x100).",
        Some(Layer::Licensing),
        &[],
        LICENSE_EXIT_NOTE,
    ),
    xn(
        17,
        "XF_EXIT_LICENSE_NO_LICENSE_SERVER",
        "Licensing: no license server (errorInfo 0x101).",
        Some(Layer::Licensing),
        &[],
        LICENSE_EXIT_NOTE,
    ),
    xn(
        18,
        "XF_EXIT_LICENSE_NO_LICENSE",
        "Licensing: no license available (errorInfo 0x102).",
        Some(Layer::Licensing),
        &[],
        LICENSE_EXIT_NOTE,
    ),
    xn(
        19,
        "XF_EXIT_LICENSE_BAD_CLIENT_MSG",
        "Licensing: bad message from the client (errorInfo 0x103).",
        Some(Layer::Licensing),
        &[],
        LICENSE_EXIT_NOTE,
    ),
    xn(
        20,
        "XF_EXIT_LICENSE_HWID_DOESNT_MATCH",
        "Licensing: client license modified (errorInfo 0x104).",
        Some(Layer::Licensing),
        &[],
        LICENSE_EXIT_NOTE,
    ),
    xn(
        21,
        "XF_EXIT_LICENSE_BAD_CLIENT",
        "Licensing: client license invalid (errorInfo 0x105).",
        Some(Layer::Licensing),
        &[],
        LICENSE_EXIT_NOTE,
    ),
    xn(
        22,
        "XF_EXIT_LICENSE_CANT_FINISH_PROTOCOL",
        "Licensing: exchange interrupted (errorInfo 0x106).",
        Some(Layer::Licensing),
        &[],
        LICENSE_EXIT_NOTE,
    ),
    xn(
        23,
        "XF_EXIT_LICENSE_CLIENT_ENDED_PROTOCOL",
        "Licensing: client ended the exchange (errorInfo 0x107).",
        Some(Layer::Licensing),
        &[],
        LICENSE_EXIT_NOTE,
    ),
    xn(
        24,
        "XF_EXIT_LICENSE_BAD_CLIENT_ENCRYPTION",
        "Licensing: badly encrypted message (errorInfo 0x108).",
        Some(Layer::Licensing),
        &[],
        LICENSE_EXIT_NOTE,
    ),
    xn(
        25,
        "XF_EXIT_LICENSE_CANT_UPGRADE",
        "Licensing: license could not be upgraded (errorInfo 0x109).",
        Some(Layer::Licensing),
        &[],
        LICENSE_EXIT_NOTE,
    ),
    xn(
        26,
        "XF_EXIT_LICENSE_NO_REMOTE_CONNECTIONS",
        "Licensing: server not licensed for remote connections (errorInfo 0x10A).",
        Some(Layer::Licensing),
        &[],
        LICENSE_EXIT_NOTE,
    ),
    x(
        32,
        "XF_EXIT_RDP",
        "An RDP protocol error (errorInfo 0x10C9-0x1193) ended the session.",
        Some(Layer::Session),
        &[],
    ),
    x(128, "XF_EXIT_PARSE_ARGUMENTS", "The command line could not be parsed.", Some(Layer::Client), &[]),
    x(129, "XF_EXIT_MEMORY", "xfreerdp ran out of memory.", Some(Layer::Client), &[]),
    x(130, "XF_EXIT_PROTOCOL", "A protocol error.", Some(Layer::Session), &[]),
    x(
        131,
        "XF_EXIT_CONN_FAILED",
        "The connection failed (the catch-all when no more specific code applies).",
        None,
        TCP,
    ),
    x(
        132,
        "XF_EXIT_AUTH_FAILURE",
        "Authentication failed (ERRCONNECT_AUTHENTICATION_FAILED).",
        Some(Layer::Credssp),
        AUTH,
    ),
    x(
        133,
        "XF_EXIT_NEGO_FAILURE",
        "Security negotiation failed (ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED).",
        Some(Layer::Negotiation),
        NEGO,
    ),
    x(134, "XF_EXIT_LOGON_FAILURE", "Logon failed (ERRCONNECT_LOGON_FAILURE).", Some(Layer::Credssp), AUTH),
    x(
        135,
        "XF_EXIT_ACCOUNT_LOCKED_OUT",
        "The account is locked out (ERRCONNECT_ACCOUNT_LOCKED_OUT).",
        Some(Layer::Credssp),
        ACCOUNT,
    ),
    x(
        136,
        "XF_EXIT_PRE_CONNECT_FAILED",
        "Preparation before connecting failed (ERRCONNECT_PRE_CONNECT_FAILED).",
        Some(Layer::Client),
        &[],
    ),
    x(137, "XF_EXIT_CONNECT_UNDEFINED", "Unspecified connection failure (ERRCONNECT_CONNECT_UNDEFINED).", None, TCP),
    x(
        138,
        "XF_EXIT_POST_CONNECT_FAILED",
        "Set-up after connecting failed (ERRCONNECT_POST_CONNECT_FAILED).",
        Some(Layer::Client),
        &[],
    ),
    x(139, "XF_EXIT_DNS_ERROR", "Name resolution failed (ERRCONNECT_DNS_ERROR).", Some(Layer::Network), DNS),
    x(
        140,
        "XF_EXIT_DNS_NAME_NOT_FOUND",
        "Host name not found (ERRCONNECT_DNS_NAME_NOT_FOUND).",
        Some(Layer::Network),
        DNS,
    ),
    x(
        141,
        "XF_EXIT_CONNECT_FAILED",
        "The connection could not be made (ERRCONNECT_CONNECT_FAILED).",
        Some(Layer::Network),
        TCP,
    ),
    x(
        142,
        "XF_EXIT_MCS_CONNECT_INITIAL_ERROR",
        "The MCS Connect Initial exchange failed (ERRCONNECT_MCS_CONNECT_INITIAL_ERROR).",
        Some(Layer::Session),
        &[],
    ),
    x(
        143,
        "XF_EXIT_TLS_CONNECT_FAILED",
        "The TLS handshake failed (ERRCONNECT_TLS_CONNECT_FAILED).",
        Some(Layer::Tls),
        TLS,
    ),
    x(
        144,
        "XF_EXIT_INSUFFICIENT_PRIVILEGES",
        "Insufficient privileges (ERRCONNECT_INSUFFICIENT_PRIVILEGES).",
        Some(Layer::Session),
        ACCOUNT,
    ),
    x(
        145,
        "XF_EXIT_CONNECT_CANCELLED",
        "The connection was cancelled (ERRCONNECT_CONNECT_CANCELLED).",
        Some(Layer::Client),
        &[],
    ),
    x(
        147,
        "XF_EXIT_CONNECT_TRANSPORT_FAILED",
        "The transport (TCP, TLS or gateway) failed while connecting (ERRCONNECT_CONNECT_TRANSPORT_FAILED).",
        None,
        TCP,
    ),
    x(148, "XF_EXIT_CONNECT_PASSWORD_EXPIRED", "The password has expired.", Some(Layer::Credssp), ACCOUNT),
    x(149, "XF_EXIT_CONNECT_PASSWORD_MUST_CHANGE", "The password must be changed.", Some(Layer::Credssp), ACCOUNT),
    x(150, "XF_EXIT_CONNECT_KDC_UNREACHABLE", "No Kerberos KDC could be reached.", Some(Layer::Credssp), &[]),
    x(151, "XF_EXIT_CONNECT_ACCOUNT_DISABLED", "The account is disabled.", Some(Layer::Credssp), ACCOUNT),
    x(
        152,
        "XF_EXIT_CONNECT_PASSWORD_CERTAINLY_EXPIRED",
        "The password has expired (non-domain check).",
        Some(Layer::Credssp),
        ACCOUNT,
    ),
    x(153, "XF_EXIT_CONNECT_CLIENT_REVOKED", "The client's credentials were revoked.", Some(Layer::Credssp), ACCOUNT),
    x(154, "XF_EXIT_CONNECT_WRONG_PASSWORD", "The password is wrong.", Some(Layer::Credssp), AUTH),
    x(155, "XF_EXIT_CONNECT_ACCESS_DENIED", "Access was denied.", Some(Layer::Credssp), ACCOUNT),
    x(
        156,
        "XF_EXIT_CONNECT_ACCOUNT_RESTRICTION",
        "An account restriction prevents the logon.",
        Some(Layer::Credssp),
        ACCOUNT,
    ),
    x(157, "XF_EXIT_CONNECT_ACCOUNT_EXPIRED", "The account has expired.", Some(Layer::Credssp), ACCOUNT),
    x(
        158,
        "XF_EXIT_CONNECT_LOGON_TYPE_NOT_GRANTED",
        "The user is not granted remote logon.",
        Some(Layer::Credssp),
        ACCOUNT,
    ),
    x(
        159,
        "XF_EXIT_CONNECT_NO_OR_MISSING_CREDENTIALS",
        "No credentials, or some are missing.",
        Some(Layer::Credssp),
        AUTH,
    ),
    x(160, "XF_EXIT_CONNECT_TARGET_BOOTING", "The target is still starting up.", Some(Layer::Session), &[]),
    x(
        161,
        "XF_EXIT_CONNECT_HYBRID_REQUIRED_BY_SERVER",
        "The server requires NLA and the client did not use it.",
        Some(Layer::Negotiation),
        NEGO,
    ),
    x(255, "XF_EXIT_UNKNOWN", "An error xfreerdp could not classify.", None, &[]),
];
