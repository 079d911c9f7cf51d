//! errorInfo codes of the Server Set Error Info PDU ([MS-RDPBCGR] 2.2.5.1.1). The Windows client
//! reports the same numbers as its ExtendedDisconnectReasonCode ("Extended error code" in the
//! dialog); the names of that enumeration are aliases in [`super::ALIASES`].

use super::{Basis, Cause, Entry, Layer, TableId};

// The values the rules, the lab and the folk-cause table name (0x8 only in ExtendedDisconnectReasonCode).
pub const ERRINFO_SERVER_DENIED_CONNECTION: u32 = 0x7;
pub const ERRINFO_SERVER_DENIED_CONNECTION_FIPS: u32 = 0x8;
pub const ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES: u32 = 0x9;
pub const ERRINFO_SERVER_FRESH_CREDENTIALS_REQUIRED: u32 = 0xA;

const SRC: &str = "[MS-RDPBCGR] 2.2.5.1.1 Set Error Info PDU Data (TS_SET_ERROR_INFO_PDU)";
const SRC_EX: &str = "ExtendedDisconnectReasonCode enumeration (Microsoft Learn)";
const SRC_FREERDP: &str = "FreeRDP include/freerdp/error.h";

const fn e(value: u32, name: &'static str, meaning: &'static str, layer: Layer, causes: &'static [Cause]) -> Entry {
    Entry {
        table: TableId::ErrorInfo,
        value,
        name,
        meaning,
        source: SRC,
        basis: Basis::Documented,
        layer: Some(layer),
        causes,
        note: None,
    }
}

const fn en(
    value: u32,
    name: &'static str,
    meaning: &'static str,
    layer: Layer,
    causes: &'static [Cause],
    note: &'static str,
) -> Entry {
    Entry {
        table: TableId::ErrorInfo,
        value,
        name,
        meaning,
        source: SRC,
        basis: Basis::Documented,
        layer: Some(layer),
        causes,
        note: Some(note),
    }
}

/// A protocol error: a malformed or unexpected PDU from the client.
const fn p(value: u32, name: &'static str, meaning: &'static str) -> Entry {
    e(value, name, meaning, Layer::Session, PROTOCOL)
}

const ADMIN: &[Cause] = &[Cause {
    text: "An administrator (or a tool running as one) disconnected or logged off the session",
    check: "On the server, look in Microsoft-Windows-TerminalServices-LocalSessionManager/Operational for who ended the session",
}];

const TIME_LIMIT: &[Cause] = &[Cause {
    text: "A session time-limit policy (idle or active limit) ended the session",
    check: "Check the RD Session Host 'Session Time Limits' group policies and the user's Sessions tab",
}];

const DENIED: &[Cause] = &[
    Cause {
        text: "The user is not allowed to log on through Remote Desktop (not in Remote Desktop Users / Administrators, or 'Deny log on through Remote Desktop Services' applies)",
        check: "rdp-doctor diagnose HOST --user USER; on the server check the 'Allow log on through Remote Desktop Services' user right and group membership",
    },
    Cause {
        text: "Remote connections are disabled or the connection limit is reached",
        check: "Check 'Allow remote connections to this computer' and the 'Limit number of connections' policy on the server",
    },
    Cause {
        text: "A single-session server already has a user and would not let this one in",
        check: "Query the server's sessions (qwinsta /server:HOST) and the 'Restrict each user to a single session' policy",
    },
];

const PRIVILEGES: &[Cause] = &[Cause {
    text: "The account lacks the right to log on remotely",
    check: "rdp-doctor diagnose HOST --user USER; add the user to Remote Desktop Users or grant 'Allow log on through Remote Desktop Services'",
}];

const FRESH_CREDS: &[Cause] = &[Cause {
    text: "The server requires the password to be typed at each connection ('Always prompt for password' policy) and the client used saved credentials",
    check: "Connect again typing the password; check the server's 'Always prompt for password upon connection' policy",
}];

const SERVER_CRASH: &[Cause] = &[
    Cause {
        text: "A component of the remote session (display driver, DWM, Winlogon, CSRSS) failed on the server",
        check: "Look in the server's System and Application event logs at the time of the disconnect",
    },
    Cause {
        text: "The server is short of resources or has a broken graphics driver",
        check: "Update or roll back the server's graphics driver; check memory and the RemoteFX / GPU settings",
    },
];

const LICENSING: &[Cause] = &[
    Cause {
        text: "The RD Session Host has no reachable license server, or its grace period ended",
        check: "Run the RD Licensing Diagnoser on the server; check the license server setting and its reachability",
    },
    Cause {
        text: "No client access licenses of the configured type are left",
        check: "Open RD Licensing Manager on the license server and look at issued vs available CALs",
    },
];

const CLIENT_LICENSE: &[Cause] = &[Cause {
    text: "The license stored on the client is damaged or does not match this machine",
    check: "On the Windows client delete HKLM\\SOFTWARE\\Microsoft\\MSLicensing and run the client once as administrator",
}];

const BROKER: &[Cause] = &[
    Cause {
        text: "The Connection Broker could not place the user on a session host or VM (pool exhausted, host offline, VM not starting)",
        check: "Look at the Connection Broker's event logs and the state of the collection's hosts or VMs",
    },
    Cause {
        text: "The client's routing token or collection name is wrong",
        check: "Check the loadbalanceinfo line of the .rdp file against the collection name",
    },
];

const PROTOCOL: &[Cause] = &[
    Cause {
        text: "The client sent a PDU the server considers malformed (a client bug or an unusual client setting)",
        check: "Try another client or a plain configuration (no extra channels, one monitor); rdp-doctor diagnose HOST shows how far a reference client gets",
    },
    Cause { text: "Something on the path altered the stream", check: "Connect from another network path and compare" },
];

const MONITOR: &[Cause] = &[Cause {
    text: "The client's monitor layout is not accepted by the server (too many monitors or too large a desktop)",
    check: "Connect with a single monitor and a common resolution; if that works, reduce the layout",
}];

const GRAPHICS: &[Cause] = &[Cause {
    text: "The server's graphics pipeline (RemoteFX / AVC / GPU) failed or does not support the requested mode",
    check: "Disable hardware graphics acceleration or AVC on the server by policy and reconnect",
}];

const STD_SECURITY: &[Cause] = &[Cause {
    text: "Standard RDP Security (legacy encryption) failed; client and server encryption settings disagree or FIPS mode differs",
    check: "rdp-doctor diagnose HOST: check the selected security protocol; prefer TLS/NLA on the server",
}];

/// Sorted by value.
pub static ERROR_INFO: &[Entry] = &[
    Entry {
        table: TableId::ErrorInfo,
        value: 0x0,
        name: "ERRINFO_NONE",
        meaning: "No error information: the server gave no reason (a plain network close shows this too).",
        source: SRC,
        basis: Basis::Documented,
        layer: None,
        causes: &[],
        note: Some(
            "FreeRDP calls 0 ERRINFO_SUCCESS and uses ERRINFO_NONE for 0xFFFFFFFF; in [MS-RDPBCGR] ERRINFO_NONE is 0.",
        ),
    },
    e(
        0x1,
        "ERRINFO_RPC_INITIATED_DISCONNECT",
        "An administrative tool on the server, run from another session, disconnected this session.",
        Layer::Session,
        ADMIN,
    ),
    e(
        0x2,
        "ERRINFO_RPC_INITIATED_LOGOFF",
        "An administrative tool on the server, run from another session, forced this session to log off.",
        Layer::Session,
        ADMIN,
    ),
    e(0x3, "ERRINFO_IDLE_TIMEOUT", "The session's idle time limit ran out.", Layer::Session, TIME_LIMIT),
    e(0x4, "ERRINFO_LOGON_TIMEOUT", "The session's active time limit ran out.", Layer::Session, TIME_LIMIT),
    e(
        0x5,
        "ERRINFO_DISCONNECTED_BY_OTHER_CONNECTION",
        "Another connection took over this session, so this one was disconnected.",
        Layer::Session,
        &[Cause {
            text: "The same user connected from another client (or another user took over a single-session host)",
            check: "Ask who else connected; check the 'Restrict each user to a single session' policy",
        }],
    ),
    e(0x6, "ERRINFO_OUT_OF_MEMORY", "The server ran out of memory.", Layer::Session, SERVER_CRASH),
    e(
        ERRINFO_SERVER_DENIED_CONNECTION,
        "ERRINFO_SERVER_DENIED_CONNECTION",
        "The server refused the session after the connection was set up.",
        Layer::Session,
        DENIED,
    ),
    Entry {
        table: TableId::ErrorInfo,
        value: ERRINFO_SERVER_DENIED_CONNECTION_FIPS,
        name: "exDiscReasonServerDeniedConnectionFips",
        meaning: "The server refused the connection because of FIPS-compliance requirements.",
        source: SRC_EX,
        basis: Basis::Documented,
        layer: Some(Layer::Negotiation),
        causes: &[Cause {
            text: "The server requires FIPS-compliant encryption and the client's security settings do not meet it",
            check: "Check the 'System cryptography: Use FIPS compliant algorithms' policy on both sides; rdp-doctor diagnose HOST shows the security protocol",
        }],
        note: Some("Only in ExtendedDisconnectReasonCode; [MS-RDPBCGR] 2.2.5.1.1 defines no errorInfo 0x8."),
    },
    e(
        ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES,
        "ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES",
        "The user does not have the rights needed to connect.",
        Layer::Session,
        PRIVILEGES,
    ),
    e(
        ERRINFO_SERVER_FRESH_CREDENTIALS_REQUIRED,
        "ERRINFO_SERVER_FRESH_CREDENTIALS_REQUIRED",
        "The server does not accept saved credentials; the user must type them for every connection.",
        Layer::Session,
        FRESH_CREDS,
    ),
    e(
        0xB,
        "ERRINFO_RPC_INITIATED_DISCONNECT_BY_USER",
        "An administrative tool run inside the user's own session disconnected it.",
        Layer::Session,
        &[],
    ),
    e(0xC, "ERRINFO_LOGOFF_BY_USER", "The user logged off the session.", Layer::Session, &[]),
    e(
        0xF,
        "ERRINFO_CLOSE_STACK_ON_DRIVER_NOT_READY",
        "The remote session's display driver did not report in time during start-up.",
        Layer::Session,
        SERVER_CRASH,
    ),
    e(
        0x10,
        "ERRINFO_SERVER_DWM_CRASH",
        "The Desktop Window Manager of the remote session stopped unexpectedly.",
        Layer::Session,
        SERVER_CRASH,
    ),
    e(
        0x11,
        "ERRINFO_CLOSE_STACK_ON_DRIVER_FAILURE",
        "The remote session's display driver could not finish starting up.",
        Layer::Session,
        SERVER_CRASH,
    ),
    e(
        0x12,
        "ERRINFO_CLOSE_STACK_ON_DRIVER_IFACE_FAILURE",
        "The remote session's display driver started but the remoting stack could not use it.",
        Layer::Session,
        SERVER_CRASH,
    ),
    e(
        0x17,
        "ERRINFO_SERVER_WINLOGON_CRASH",
        "Winlogon in the remote session stopped unexpectedly.",
        Layer::Session,
        SERVER_CRASH,
    ),
    e(
        0x18,
        "ERRINFO_SERVER_CSRSS_CRASH",
        "CSRSS in the remote session stopped unexpectedly.",
        Layer::Session,
        SERVER_CRASH,
    ),
    en(
        0x19,
        "ERRINFO_SERVER_SHUTDOWN",
        "The server is shutting down.",
        Layer::Session,
        &[],
        "Present in current [MS-RDPBCGR] and in IronRDP; FreeRDP's error.h does not define it.",
    ),
    en(
        0x1A,
        "ERRINFO_SERVER_REBOOT",
        "The server is restarting.",
        Layer::Session,
        &[],
        "Present in current [MS-RDPBCGR] and in IronRDP; FreeRDP's error.h does not define it.",
    ),
    e(
        0x100,
        "ERRINFO_LICENSE_INTERNAL",
        "The server's licensing component hit an internal error.",
        Layer::Licensing,
        LICENSING,
    ),
    e(
        0x101,
        "ERRINFO_LICENSE_NO_LICENSE_SERVER",
        "No Remote Desktop license server could be found to issue a license.",
        Layer::Licensing,
        LICENSING,
    ),
    e(
        0x102,
        "ERRINFO_LICENSE_NO_LICENSE",
        "No client access licenses are available for this server.",
        Layer::Licensing,
        LICENSING,
    ),
    e(
        0x103,
        "ERRINFO_LICENSE_BAD_CLIENT_MSG",
        "The server received a licensing message from the client that it could not accept.",
        Layer::Licensing,
        CLIENT_LICENSE,
    ),
    e(
        0x104,
        "ERRINFO_LICENSE_HWID_DOESNT_MATCH_LICENSE",
        "The license stored on the client was modified (it no longer matches the client).",
        Layer::Licensing,
        CLIENT_LICENSE,
    ),
    e(
        0x105,
        "ERRINFO_LICENSE_BAD_CLIENT_LICENSE",
        "The license stored on the client has an invalid format.",
        Layer::Licensing,
        CLIENT_LICENSE,
    ),
    e(
        0x106,
        "ERRINFO_LICENSE_CANT_FINISH_PROTOCOL",
        "Network problems interrupted the licensing exchange.",
        Layer::Licensing,
        LICENSING,
    ),
    e(
        0x107,
        "ERRINFO_LICENSE_CLIENT_ENDED_PROTOCOL",
        "The client stopped the licensing exchange early.",
        Layer::Licensing,
        CLIENT_LICENSE,
    ),
    e(
        0x108,
        "ERRINFO_LICENSE_BAD_CLIENT_ENCRYPTION",
        "A licensing message was encrypted incorrectly.",
        Layer::Licensing,
        CLIENT_LICENSE,
    ),
    e(
        0x109,
        "ERRINFO_LICENSE_CANT_UPGRADE_LICENSE",
        "The client's license could not be upgraded or renewed.",
        Layer::Licensing,
        LICENSING,
    ),
    e(
        0x10A,
        "ERRINFO_LICENSE_NO_REMOTE_CONNECTIONS",
        "The server is not licensed to accept remote connections.",
        Layer::Licensing,
        LICENSING,
    ),
    Entry {
        table: TableId::ErrorInfo,
        value: 0x10B,
        name: "exDiscReasonLicenseCreatingLicStoreAccDenied",
        meaning: "The client was denied access when creating its local license store.",
        source: SRC_EX,
        basis: Basis::Documented,
        layer: Some(Layer::Licensing),
        causes: &[Cause {
            text: "The client user may not write the license store (HKLM\\SOFTWARE\\Microsoft\\MSLicensing)",
            check: "Run the client once as administrator so it can create the store",
        }],
        note: Some(
            "Only in ExtendedDisconnectReasonCode (value 267); [MS-RDPBCGR] 2.2.5.1.1 defines no errorInfo 0x10B.",
        ),
    },
    Entry {
        table: TableId::ErrorInfo,
        value: 0x300,
        name: "exDiscReasonRdpEncInvalidCredentials",
        meaning: "The credentials given are not valid.",
        source: SRC_EX,
        basis: Basis::Documented,
        layer: Some(Layer::Credssp),
        causes: &[Cause {
            text: "Wrong user name or password",
            check: "rdp-doctor diagnose HOST --user USER: the CredSSP stage reports the server's status code",
        }],
        note: Some("Only in ExtendedDisconnectReasonCode (value 768); not an errorInfo value of [MS-RDPBCGR]."),
    },
    e(
        0x400,
        "ERRINFO_CB_DESTINATION_NOT_FOUND",
        "The Connection Broker could not find the target endpoint.",
        Layer::Session,
        BROKER,
    ),
    e(
        0x402,
        "ERRINFO_CB_LOADING_DESTINATION",
        "The target endpoint the client is redirected to is disconnecting from the Connection Broker.",
        Layer::Session,
        BROKER,
    ),
    e(
        0x404,
        "ERRINFO_CB_REDIRECTING_TO_DESTINATION",
        "Redirecting the connection to the target endpoint failed.",
        Layer::Session,
        BROKER,
    ),
    e(0x405, "ERRINFO_CB_SESSION_ONLINE_VM_WAKE", "Waking the target virtual machine failed.", Layer::Session, BROKER),
    e(
        0x406,
        "ERRINFO_CB_SESSION_ONLINE_VM_BOOT",
        "Starting the target virtual machine failed.",
        Layer::Session,
        BROKER,
    ),
    e(
        0x407,
        "ERRINFO_CB_SESSION_ONLINE_VM_NO_DNS",
        "The IP address of the target virtual machine could not be determined.",
        Layer::Session,
        BROKER,
    ),
    e(
        0x408,
        "ERRINFO_CB_DESTINATION_POOL_NOT_FREE",
        "No endpoint of the Connection Broker's pool is free.",
        Layer::Session,
        BROKER,
    ),
    e(
        0x409,
        "ERRINFO_CB_CONNECTION_CANCELLED",
        "The connection was cancelled while being processed.",
        Layer::Session,
        BROKER,
    ),
    e(
        0x410,
        "ERRINFO_CB_CONNECTION_ERROR_INVALID_SETTINGS",
        "The routing token in the X.224 Connection Request could not be validated.",
        Layer::Negotiation,
        BROKER,
    ),
    e(
        0x411,
        "ERRINFO_CB_SESSION_ONLINE_VM_BOOT_TIMEOUT",
        "Starting the target virtual machine timed out.",
        Layer::Session,
        BROKER,
    ),
    e(
        0x412,
        "ERRINFO_CB_SESSION_ONLINE_VM_SESSMON_FAILED",
        "Session monitoring failed while the target virtual machine was starting.",
        Layer::Session,
        BROKER,
    ),
    p(0x10C9, "ERRINFO_UNKNOWN_DATA_PDU_TYPE", "A Share Data Header carried an unknown pduType2."),
    p(0x10CA, "ERRINFO_UNKNOWN_PDU_TYPE", "A Share Control Header carried an unknown pduType."),
    p(0x10CB, "ERRINFO_DATA_PDU_SEQUENCE", "A slow-path data PDU arrived out of sequence."),
    p(0x10CD, "ERRINFO_CONTROL_PDU_SEQUENCE", "A slow-path non-data PDU arrived out of sequence."),
    p(0x10CE, "ERRINFO_INVALID_CONTROL_PDU_ACTION", "A Control PDU had an invalid action."),
    p(0x10CF, "ERRINFO_INVALID_INPUT_PDU_TYPE", "An input event had an invalid type or event code."),
    p(0x10D0, "ERRINFO_INVALID_INPUT_PDU_MOUSE", "A mouse event had invalid pointer flags."),
    p(0x10D1, "ERRINFO_INVALID_REFRESH_RECT_PDU", "A Refresh Rect PDU was invalid."),
    p(
        0x10D2,
        "ERRINFO_CREATE_USER_DATA_FAILED",
        "The server could not build its GCC Conference Create Response user data.",
    ),
    p(0x10D3, "ERRINFO_CONNECT_FAILED", "The channel connection phase of the connection sequence failed."),
    p(0x10D4, "ERRINFO_CONFIRM_ACTIVE_WRONG_SHAREID", "The client's Confirm Active PDU had a wrong shareID."),
    p(0x10D5, "ERRINFO_CONFIRM_ACTIVE_WRONG_ORIGINATOR", "The client's Confirm Active PDU had a wrong originatorID."),
    p(0x10DA, "ERRINFO_PERSISTENT_KEY_PDU_BAD_LENGTH", "A Persistent Key List PDU was too short."),
    p(
        0x10DB,
        "ERRINFO_PERSISTENT_KEY_PDU_ILLEGAL_FIRST",
        "A second Persistent Key List PDU was marked as the first one.",
    ),
    p(
        0x10DC,
        "ERRINFO_PERSISTENT_KEY_PDU_TOO_MANY_TOTAL_KEYS",
        "A Persistent Key List PDU announced too many bitmap cache entries in total.",
    ),
    p(
        0x10DD,
        "ERRINFO_PERSISTENT_KEY_PDU_TOO_MANY_CACHE_KEYS",
        "A Persistent Key List PDU announced too many keys for one bitmap cache.",
    ),
    p(0x10DE, "ERRINFO_INPUT_PDU_BAD_LENGTH", "An input PDU was too short."),
    p(0x10DF, "ERRINFO_BITMAP_CACHE_ERROR_PDU_BAD_LENGTH", "A Bitmap Cache Error PDU was too short."),
    p(0x10E0, "ERRINFO_SECURITY_DATA_TOO_SHORT", "The signature data of a fast-path input PDU was too short."),
    p(
        0x10E1,
        "ERRINFO_VCHANNEL_DATA_TOO_SHORT",
        "Virtual channel configuration data or a channel PDU header was too short.",
    ),
    p(0x10E2, "ERRINFO_SHARE_DATA_TOO_SHORT", "A share control / data header or control data was too short."),
    p(0x10E3, "ERRINFO_BAD_SUPPRESS_OUTPUT_PDU", "A Suppress Output PDU was too short or invalid."),
    p(0x10E5, "ERRINFO_CONFIRM_ACTIVE_PDU_TOO_SHORT", "A Confirm Active PDU was too short."),
    p(0x10E7, "ERRINFO_CAPABILITY_SET_TOO_SMALL", "A capability set header was too short."),
    p(0x10E8, "ERRINFO_CAPABILITY_SET_TOO_LARGE", "A capability set claimed more data than was received."),
    p(0x10E9, "ERRINFO_NO_CURSOR_CACHE", "The client announced no pointer cache at all."),
    p(0x10EA, "ERRINFO_BAD_CAPABILITIES", "The server did not accept the client's capabilities."),
    p(0x10EC, "ERRINFO_VIRTUAL_CHANNEL_DECOMPRESSION_ERR", "Decompressing a virtual channel PDU failed."),
    p(0x10ED, "ERRINFO_INVALID_VC_COMPRESSION_TYPE", "A channel PDU named an invalid compression type."),
    p(0x10EF, "ERRINFO_INVALID_CHANNEL_ID", "A virtual channel PDU named an invalid MCS channel."),
    p(0x10F0, "ERRINFO_VCHANNELS_TOO_MANY", "The client asked for more than 31 static virtual channels."),
    e(
        0x10F3,
        "ERRINFO_REMOTEAPP_NOT_ENABLED",
        "The server only hosts RemoteApp programs and the client did not ask for RemoteApp.",
        Layer::Session,
        &[Cause {
            text: "The server or collection is configured for RemoteApp only and a full desktop was requested",
            check: "Use the RemoteApp .rdp file published by the server, or enable full desktop on the collection",
        }],
    ),
    p(
        0x10F4,
        "ERRINFO_CACHE_CAP_NOT_SET",
        "A Persistent Key List PDU came without the bitmap cache capability it needs.",
    ),
    p(
        0x10F5,
        "ERRINFO_BITMAP_CACHE_ERROR_PDU_BAD_LENGTH2",
        "A Bitmap Cache Error PDU's block count did not match its data.",
    ),
    p(0x10F6, "ERRINFO_OFFSCREEN_CACHE_ERROR_PDU_BAD_LENGTH", "An Offscreen Bitmap Cache Error PDU was too short."),
    p(0x10F7, "ERRINFO_DNG_CACHE_ERROR_PDU_BAD_LENGTH", "A DrawNineGrid Cache Error PDU was too short."),
    p(0x10F8, "ERRINFO_GDIPLUS_PDU_BAD_LENGTH", "A GDI+ Error PDU was too short."),
    p(0x1111, "ERRINFO_SECURITY_DATA_TOO_SHORT2", "A Basic Security Header was too short."),
    p(0x1112, "ERRINFO_SECURITY_DATA_TOO_SHORT3", "A Non-FIPS or FIPS Security Header was too short."),
    p(0x1113, "ERRINFO_SECURITY_DATA_TOO_SHORT4", "The Security Exchange PDU was too short."),
    p(0x1114, "ERRINFO_SECURITY_DATA_TOO_SHORT5", "The Info Packet was too short for its strings."),
    p(0x1115, "ERRINFO_SECURITY_DATA_TOO_SHORT6", "The Info Packet was too short for its fixed fields."),
    p(
        0x1116,
        "ERRINFO_SECURITY_DATA_TOO_SHORT7",
        "The Extended Info Packet was too short for the client address family and length.",
    ),
    p(0x1117, "ERRINFO_SECURITY_DATA_TOO_SHORT8", "The Extended Info Packet was too short for the client address."),
    p(
        0x1118,
        "ERRINFO_SECURITY_DATA_TOO_SHORT9",
        "The Extended Info Packet was too short for the client directory length.",
    ),
    p(0x1119, "ERRINFO_SECURITY_DATA_TOO_SHORT10", "The Extended Info Packet was too short for the client directory."),
    p(0x111A, "ERRINFO_SECURITY_DATA_TOO_SHORT11", "The Extended Info Packet was too short for the client time zone."),
    p(0x111B, "ERRINFO_SECURITY_DATA_TOO_SHORT12", "The Extended Info Packet was too short for the client session id."),
    p(0x111C, "ERRINFO_SECURITY_DATA_TOO_SHORT13", "The Extended Info Packet was too short for the performance flags."),
    p(
        0x111D,
        "ERRINFO_SECURITY_DATA_TOO_SHORT14",
        "The Extended Info Packet was too short for the auto-reconnect cookie length.",
    ),
    p(
        0x111E,
        "ERRINFO_SECURITY_DATA_TOO_SHORT15",
        "The Extended Info Packet was too short for the auto-reconnect cookie.",
    ),
    p(0x111F, "ERRINFO_SECURITY_DATA_TOO_SHORT16", "The auto-reconnect cookie was longer than the 128 bytes allowed."),
    p(
        0x1120,
        "ERRINFO_SECURITY_DATA_TOO_SHORT17",
        "The Extended Info Packet was too short for the client address family and length.",
    ),
    p(0x1121, "ERRINFO_SECURITY_DATA_TOO_SHORT18", "The Extended Info Packet was too short for the client address."),
    p(
        0x1122,
        "ERRINFO_SECURITY_DATA_TOO_SHORT19",
        "The Extended Info Packet was too short for the client directory length.",
    ),
    p(0x1123, "ERRINFO_SECURITY_DATA_TOO_SHORT20", "The Extended Info Packet was too short for the client directory."),
    p(0x1124, "ERRINFO_SECURITY_DATA_TOO_SHORT21", "The Extended Info Packet was too short for the client time zone."),
    p(0x1125, "ERRINFO_SECURITY_DATA_TOO_SHORT22", "The Extended Info Packet was too short for the client session id."),
    p(0x1126, "ERRINFO_SECURITY_DATA_TOO_SHORT23", "The Client Info PDU was too short."),
    e(
        0x1129,
        "ERRINFO_BAD_MONITOR_DATA",
        "The Client Monitor Data held fewer monitors than it announced.",
        Layer::Session,
        MONITOR,
    ),
    p(
        0x112A,
        "ERRINFO_VC_DECOMPRESSED_REASSEMBLE_FAILED",
        "Decompressed virtual channel data was invalid or larger than the agreed chunk size.",
    ),
    p(0x112B, "ERRINFO_VC_DATA_TOO_LONG", "A virtual channel PDU was larger than the agreed chunk size."),
    p(0x112C, "ERRINFO_BAD_FRAME_ACK_DATA", "A Frame Acknowledge PDU was too short."),
    e(
        0x112D,
        "ERRINFO_GRAPHICS_MODE_NOT_SUPPORTED",
        "The server does not support the graphics mode the client asked for.",
        Layer::Session,
        GRAPHICS,
    ),
    e(
        0x112E,
        "ERRINFO_GRAPHICS_SUBSYSTEM_RESET_FAILED",
        "The server's graphics subsystem failed to reset.",
        Layer::Session,
        GRAPHICS,
    ),
    e(
        0x112F,
        "ERRINFO_GRAPHICS_SUBSYSTEM_FAILED",
        "The server's graphics subsystem is in an error state and cannot go on encoding.",
        Layer::Session,
        GRAPHICS,
    ),
    p(
        0x1130,
        "ERRINFO_TIMEZONE_KEY_NAME_LENGTH_TOO_SHORT",
        "The Extended Info Packet was too short for the dynamic time zone key name length.",
    ),
    p(
        0x1131,
        "ERRINFO_TIMEZONE_KEY_NAME_LENGTH_TOO_LONG",
        "The dynamic time zone key name length in the Extended Info Packet was too long.",
    ),
    p(
        0x1132,
        "ERRINFO_DYNAMIC_DST_DISABLED_FIELD_MISSING",
        "The Extended Info Packet lacked the dynamic daylight time flag.",
    ),
    p(0x1133, "ERRINFO_VC_DECODING_ERROR", "Processing dynamic virtual channel data failed."),
    e(
        0x1134,
        "ERRINFO_VIRTUALDESKTOPTOOLARGE",
        "The virtual desktop of the client's monitor layout is wider or taller than 32766 pixels.",
        Layer::Session,
        MONITOR,
    ),
    e(
        0x1135,
        "ERRINFO_MONITORGEOMETRYVALIDATIONFAILED",
        "The client's monitor geometry is invalid.",
        Layer::Session,
        MONITOR,
    ),
    e(0x1136, "ERRINFO_INVALIDMONITORCOUNT", "The client announced too many monitors.", Layer::Session, MONITOR),
    e(
        0x1191,
        "ERRINFO_UPDATE_SESSION_KEY_FAILED",
        "Updating the Standard RDP Security session keys failed.",
        Layer::Session,
        STD_SECURITY,
    ),
    e(
        0x1192,
        "ERRINFO_DECRYPT_FAILED",
        "Standard RDP Security decryption or session key creation failed.",
        Layer::Session,
        STD_SECURITY,
    ),
    e(0x1193, "ERRINFO_ENCRYPT_FAILED", "Standard RDP Security encryption failed.", Layer::Session, STD_SECURITY),
    e(
        0x1194,
        "ERRINFO_ENCRYPTION_PACKAGE_MISMATCH",
        "No usable encryption method was found among those the client offered.",
        Layer::Negotiation,
        STD_SECURITY,
    ),
    e(
        0x1195,
        "ERRINFO_DECRYPT_FAILED2",
        "Unencrypted data arrived where Standard RDP Security encryption was expected.",
        Layer::Session,
        STD_SECURITY,
    ),
    Entry {
        table: TableId::ErrorInfo,
        value: 0x1196,
        name: "ERRINFO_PEER_DISCONNECTED",
        meaning: "FreeRDP's own code: the peer closed the connection.",
        source: SRC_FREERDP,
        basis: Basis::Documented,
        layer: Some(Layer::Network),
        causes: &[],
        note: Some("Defined by FreeRDP only; a Windows server never sends it."),
    },
];
