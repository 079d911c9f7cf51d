//! The Windows client's disconnect reasons (discReason of IMsTscAxEvents::OnDisconnected, the
//! "Error code" of the Remote Desktop Connection dialog).
//!
//! The low byte is a category and the bits above it a detail number (see
//! [`super::DISC_CATEGORIES`]). The dialog's "Extended error code" is the
//! ExtendedDisconnectReasonCode, which for server-side reasons carries the errorInfo value the
//! server sent in its Set Error Info PDU ([MS-RDPBCGR] 2.2.5.1.1; see [`super::errinfo`]).

use super::{Basis, Cause, Entry, Layer, TableId};

// The reasons the rules and the folk-cause table name.
pub const DISC_DNS_LOOKUP_FAILED: u32 = 0x104;
pub const DISC_CONNECTION_TIMED_OUT: u32 = 0x108;
pub const DISC_SOCKET_CONNECT_FAILED: u32 = 0x204;
pub const DISC_LICENSING_FAILED: u32 = 0x808;
pub const DISC_SOCKET_CLOSED: u32 = 0x904;

const SRC: &str = "IMsTscAxEvents::OnDisconnected (Microsoft Learn, Remote Desktop Services API)";
const SRC_OLD: &str = "IMsTscAxEvents::OnDisconnected (Windows Embedded CE documentation) and OnConnectionTerminated";
const SRC_NONE: &str = "Not in Microsoft's published list; category from the low byte ([MS-RDPBCGR] gives no list)";

const fn d(
    value: u32,
    name: &'static str,
    meaning: &'static str,
    layer: Option<Layer>,
    causes: &'static [Cause],
) -> Entry {
    Entry {
        table: TableId::DiscReason,
        value,
        name,
        meaning,
        source: SRC,
        basis: Basis::Documented,
        layer,
        causes,
        note: None,
    }
}

const fn undocumented(
    value: u32,
    name: &'static str,
    meaning: &'static str,
    layer: Option<Layer>,
    causes: &'static [Cause],
    note: &'static str,
) -> Entry {
    Entry {
        table: TableId::DiscReason,
        value,
        name,
        meaning,
        source: SRC_NONE,
        basis: Basis::Inferred,
        layer,
        causes,
        note: Some(note),
    }
}

const DNS: &[Cause] = &[
    Cause {
        text: "The host name does not resolve (typo, missing DNS record, wrong DNS suffix or VPN DNS not in use)",
        check: "Resolve the name from the client (nslookup / Resolve-DnsName HOST) and compare with the server's real address",
    },
    Cause {
        text: "The client's DNS server is unreachable",
        check: "Resolve any well-known name from the same client; if that fails too, the DNS server is the problem",
    },
];

const TCP_CONNECT: &[Cause] = &[
    Cause {
        text: "Nothing listens on the RDP port (Remote Desktop disabled, service stopped, port changed)",
        check: "rdp-doctor diagnose HOST: the network stage shows 'refused' (RST) when the port is closed",
    },
    Cause {
        text: "A firewall on the path or on the server drops the connection",
        check: "rdp-doctor diagnose HOST: a 'timeout' at the TCP stage (no answer at all) points to a filtering firewall",
    },
    Cause {
        text: "The machine is off, asleep or the address is wrong",
        check: "Check the address resolves to the intended machine and that the machine answers on another port or ping",
    },
];

const SOCKET_CLOSED: &[Cause] = &[
    Cause {
        text: "The server closed the connection on purpose; the extended error code says why",
        check: "Read the extended error code (errorInfo) with rdp-doctor explain 0x904 EXTENDED",
    },
    Cause {
        text: "The server refused the security protocol the client asked for, or the TLS / NLA step failed silently",
        check: "rdp-doctor diagnose HOST: see at which stage (negotiation, TLS, CredSSP) the server hung up",
    },
    Cause {
        text: "A middlebox (load balancer, IPS, VPN) reset an idle or inspected connection",
        check: "Connect from inside the server's network; if it works there, inspect the devices on the path",
    },
];

const TIMEOUT: &[Cause] = &[
    Cause {
        text: "A firewall drops the packets silently",
        check: "rdp-doctor diagnose HOST: a timeout at the TCP stage means no answer at all from the port",
    },
    Cause {
        text: "The server accepted TCP but is too busy or hung to answer the RDP handshake",
        check: "rdp-doctor diagnose HOST: TCP connects but the X.224 answer never comes",
    },
];

const SECURITY_DATA: &[Cause] = &[
    Cause {
        text: "The client and server disagree on the security layer (Standard RDP Security vs TLS/NLA) or an old server uses weak encryption the client no longer accepts",
        check: "rdp-doctor diagnose HOST: compare the selected protocol and the server's encryption level",
    },
    Cause {
        text: "The server's RDP certificate or keys are damaged",
        check: "On the server, look at the Remote Desktop certificate (Certificates > Remote Desktop) and recreate it if invalid",
    },
];

const LICENSING: &[Cause] = &[
    Cause {
        text: "The RD Session Host cannot reach a license server or has no client access licenses left",
        check: "On the server run the RD Licensing Diagnoser; check the grace period and the configured license server",
    },
    Cause {
        text: "The client's stored license is damaged",
        check: "Delete HKLM\\SOFTWARE\\Microsoft\\MSLicensing on the Windows client and retry as administrator once",
    },
];

const AUTH_FAMILY: &[Cause] = &[
    Cause {
        text: "NLA (CredSSP) failed: wrong credentials, locked or restricted account, or a CredSSP policy mismatch",
        check: "rdp-doctor diagnose HOST --user USER: the CredSSP stage reports the server's NTSTATUS",
    },
    Cause {
        text: "TLS failed: no common protocol version or cipher suite, or the certificate was rejected",
        check: "rdp-doctor diagnose HOST: the TLS stage lists versions and suites offered and accepted",
    },
];

const DECRYPT: &[Cause] = &[
    Cause {
        text: "Data was damaged in transit or the session keys no longer match (often Standard RDP Security with an old server)",
        check: "rdp-doctor diagnose HOST: check whether Standard RDP Security is in use and prefer TLS",
    },
    Cause {
        text: "A network device modifies the RDP stream",
        check: "Connect from a different network path and compare",
    },
];

/// Sorted by value.
pub static DISC_REASONS: &[Entry] = &[
    d(0x0, "disconnectReasonNoInfo", "No information is available about why the connection ended.", None, &[]),
    d(
        0x1,
        "disconnectReasonLocalNotError",
        "The client ended the connection itself (for example the user closed the window). Not an error.",
        Some(Layer::Client),
        &[],
    ),
    d(
        0x2,
        "disconnectReasonRemoteByUser",
        "The user's session on the server ended the connection (disconnect or log off). Not an error.",
        Some(Layer::Session),
        &[],
    ),
    d(
        0x3,
        "disconnectReasonByServer",
        "The server ended the connection (an administrator or a policy). The extended code says why.",
        Some(Layer::Session),
        &[Cause {
            text: "An administrator or a session-time-limit policy disconnected the session",
            check: "Read the extended error code with rdp-doctor explain 0x3 EXTENDED; check the server's session time limits",
        }],
    ),
    d(
        DISC_DNS_LOOKUP_FAILED,
        "disconnectReasonDNSLookupFailed",
        "The host name could not be resolved.",
        Some(Layer::Network),
        DNS,
    ),
    d(0x106, "disconnectReasonOutOfMemory", "The client ran out of memory.", Some(Layer::Client), &[]),
    d(
        DISC_CONNECTION_TIMED_OUT,
        "disconnectReasonConnectionTimedOut",
        "The connection attempt timed out.",
        Some(Layer::Network),
        TIMEOUT,
    ),
    d(
        DISC_SOCKET_CONNECT_FAILED,
        "disconnectReasonSocketConnectFailed",
        "The TCP connection to the server could not be made.",
        Some(Layer::Network),
        TCP_CONNECT,
    ),
    d(0x206, "disconnectReasonOutOfMemory2", "The client ran out of memory.", Some(Layer::Client), &[]),
    d(0x208, "disconnectReasonHostNotFound", "The host was not found.", Some(Layer::Network), DNS),
    d(0x304, "disconnectReasonWinsockSendFailed", "Sending on the socket failed.", Some(Layer::Network), SOCKET_CLOSED),
    d(0x306, "disconnectReasonOutOfMemory3", "The client ran out of memory.", Some(Layer::Client), &[]),
    d(0x308, "disconnectReasonInvalidIPAddr", "The IP address given is not valid.", Some(Layer::Client), &[]),
    d(
        0x404,
        "disconnectReasonSocketRecvFailed",
        "Receiving on the socket failed.",
        Some(Layer::Network),
        SOCKET_CLOSED,
    ),
    d(
        0x406,
        "disconnectReasonInvalidSecurityData",
        "The security data received from the server is not valid.",
        Some(Layer::Negotiation),
        SECURITY_DATA,
    ),
    d(0x408, "disconnectReasonInternalError", "The client hit an internal error.", Some(Layer::Client), &[]),
    d(
        0x506,
        "disconnectReasonInvalidEncryption",
        "The encryption method given is not valid.",
        Some(Layer::Negotiation),
        SECURITY_DATA,
    ),
    d(0x508, "disconnectReasonDNSLookupFailed2", "The DNS lookup failed.", Some(Layer::Network), DNS),
    d(
        0x604,
        "disconnectReasonGetHostByNameFailed",
        "The name lookup (gethostbyname) failed.",
        Some(Layer::Network),
        DNS,
    ),
    d(
        0x606,
        "disconnectReasonInvalidServerSecurityInfo",
        "The server's security data is not valid.",
        Some(Layer::Negotiation),
        SECURITY_DATA,
    ),
    d(0x608, "disconnectReasonTimerError", "An internal timer of the client failed.", Some(Layer::Client), &[]),
    d(0x704, "disconnectReasonTimeoutOccurred", "A timeout occurred.", Some(Layer::Network), TIMEOUT),
    d(
        0x706,
        "disconnectReasonServerCertificateUnpackErr",
        "The server's certificate could not be unpacked.",
        Some(Layer::Negotiation),
        SECURITY_DATA,
    ),
    undocumented(
        0x708,
        "CLIENT_CORE_0x7",
        "A client-side connection failure (category 0x08); Microsoft does not publish its meaning.",
        Some(Layer::Client),
        &[],
        "Listed in the issue as seen in the dialog; absent from Microsoft's OnDisconnected list. Only the category is known.",
    ),
    d(0x804, "disconnectReasonInvalidIP", "The IP address given is not valid.", Some(Layer::Client), &[]),
    undocumented(
        0x806,
        "SECURITY_0x8",
        "A security / protocol data failure (category 0x06); Microsoft does not publish its meaning.",
        Some(Layer::Negotiation),
        SECURITY_DATA,
        "Absent from Microsoft's OnDisconnected list. Only the category is known.",
    ),
    undocumented(
        0x807,
        "AUTHENTICATION_0x8",
        "An authentication / security-layer failure (category 0x07); the exact meaning is not published.",
        Some(Layer::Credssp),
        AUTH_FAMILY,
        "The 0x..07 family appears in newer clients' dialogs; Microsoft's OnDisconnected page does not list it. Check the client's event log (TerminalServices-RDPClient/Operational) for the text.",
    ),
    d(
        DISC_LICENSING_FAILED,
        "disconnectReasonLicensingFailed",
        "Negotiating a license with the server failed.",
        Some(Layer::Licensing),
        LICENSING,
    ),
    d(
        DISC_SOCKET_CLOSED,
        "disconnectReasonAtClientWinsockFDCLOSE",
        "The socket was closed (the server or something on the path hung up). The extended code, if not 0, says why the server did.",
        None,
        SOCKET_CLOSED,
    ),
    d(
        0x906,
        "disconnectReasonInternalSecurityError",
        "An internal security error occurred.",
        Some(Layer::Negotiation),
        SECURITY_DATA,
    ),
    d(
        0x908,
        "disconnectReasonLicensingTimeout",
        "License negotiation with the server timed out.",
        Some(Layer::Licensing),
        LICENSING,
    ),
    d(
        0xA06,
        "disconnectReasonInternalSecurityError2",
        "An internal security error occurred.",
        Some(Layer::Negotiation),
        SECURITY_DATA,
    ),
    undocumented(
        0xA08,
        "CLIENT_CORE_0xA",
        "A client-side connection failure (category 0x08); Microsoft does not publish its meaning.",
        Some(Layer::Client),
        &[],
        "Listed in the issue as seen in the dialog; absent from Microsoft's OnDisconnected list. Only the category is known.",
    ),
    d(0xB06, "disconnectReasonEncryptionError", "Encrypting data failed.", Some(Layer::Negotiation), DECRYPT),
    undocumented(
        0xB08,
        "CLIENT_CORE_0xB",
        "A client-side connection failure (category 0x08); Microsoft does not publish its meaning.",
        Some(Layer::Client),
        &[],
        "Listed in the issue as seen in the dialog; absent from Microsoft's OnDisconnected list. Only the category is known.",
    ),
    d(
        0xC06,
        "disconnectReasonDecryptionError",
        "Decrypting data from the server failed.",
        Some(Layer::Negotiation),
        DECRYPT,
    ),
    d(
        0xC08,
        "disconnectReasonClientDecompressionError",
        "The client could not decompress data from the server.",
        Some(Layer::Client),
        DECRYPT,
    ),
    undocumented(
        0xD07,
        "AUTHENTICATION_0xD",
        "An authentication / security-layer failure (category 0x07); the exact meaning is not published.",
        Some(Layer::Credssp),
        AUTH_FAMILY,
        "The 0x..07 family is not in Microsoft's published list; treat the meaning as unknown beyond its category.",
    ),
    undocumented(
        0xF07,
        "AUTHENTICATION_0xF",
        "An authentication / security-layer failure (category 0x07); the exact meaning is not published.",
        Some(Layer::Credssp),
        AUTH_FAMILY,
        "The 0x..07 family is not in Microsoft's published list; treat the meaning as unknown beyond its category.",
    ),
    undocumented(
        0x1207,
        "AUTHENTICATION_0x12",
        "An authentication / security-layer failure (category 0x07); the exact meaning is not published.",
        Some(Layer::Credssp),
        AUTH_FAMILY,
        "The 0x..07 family is not in Microsoft's published list; treat the meaning as unknown beyond its category.",
    ),
    undocumented(
        0x1B07,
        "AUTHENTICATION_0x1B",
        "An authentication / security-layer failure (category 0x07); the exact meaning is not published.",
        Some(Layer::Credssp),
        AUTH_FAMILY,
        "The 0x..07 family is not in Microsoft's published list; treat the meaning as unknown beyond its category.",
    ),
];

/// Source of the older, numbers-only list that agrees with the named list above.
pub const OLDER_SOURCE: &str = SRC_OLD;
