//! RD Gateway HRESULTs ([MS-TSGU] 2.2.6), returned by a gateway to a client. Some are defined in the
//! specification as HRESULT_CODE(E_PROXY_...) and therefore appear without the 0x8007 prefix.
//! Values cross-checked against FreeRDP libfreerdp/core/gateway/tsg.h.

use super::{Basis, Cause, Entry, Layer, TableId};

const SRC: &str = "[MS-TSGU] 2.2.6 HRESULT Return Codes";

const fn g(value: u32, name: &'static str, meaning: &'static str, causes: &'static [Cause]) -> Entry {
    Entry {
        table: TableId::GatewayHresult,
        value,
        name,
        meaning,
        source: SRC,
        basis: Basis::Documented,
        layer: Some(Layer::Gateway),
        causes,
        note: None,
    }
}

const fn gn(
    value: u32,
    name: &'static str,
    meaning: &'static str,
    causes: &'static [Cause],
    note: &'static str,
) -> Entry {
    Entry {
        table: TableId::GatewayHresult,
        value,
        name,
        meaning,
        source: SRC,
        basis: Basis::Documented,
        layer: Some(Layer::Gateway),
        causes,
        note: Some(note),
    }
}

const RAP: &[Cause] = &[
    Cause {
        text: "No Resource Authorization Policy (RD RAP) lets this user reach this computer",
        check: "In RD Gateway Manager, check the RAPs: the user's group and the target computer (or its group) must both match; the target name must be exactly the one in the RAP",
    },
    Cause {
        text: "The target is given by IP address or short name while the RAP lists the FQDN (or the reverse)",
        check: "Connect with the name form listed in the RAP's computer group",
    },
];

const CAP: &[Cause] = &[Cause {
    text: "No Connection Authorization Policy (RD CAP) admits the user, or a device redirection / health requirement is not met",
    check: "In RD Gateway Manager, check the CAPs: user group membership and the authentication method (password / smart card)",
}];

const TARGET: &[Cause] = &[
    Cause {
        text: "The gateway cannot reach the target on its RDP port (target off, firewall between gateway and target, wrong name)",
        check: "From the gateway run Test-NetConnection TARGET -Port 3389; rdp-doctor diagnose TARGET from the gateway's network",
    },
    Cause {
        text: "The gateway cannot resolve the target's name",
        check: "Resolve the target name on the gateway itself",
    },
];

/// Sorted by value.
pub static GATEWAY_HRESULTS: &[Entry] = &[
    gn(
        0x0000_04D4,
        "E_PROXY_CONNECTIONABORTED",
        "The gateway aborted the connection.",
        &[],
        "Equals the Win32 error ERROR_CONNECTION_ABORTED (1236) without an HRESULT prefix.",
    ),
    gn(
        0x0000_59E6,
        "E_PROXY_MAXCONNECTIONSREACHED",
        "The gateway reached its maximum number of connections.",
        &[Cause {
            text: "The gateway's connection limit is reached",
            check: "Check the gateway's 'Maximum allowed simultaneous connections' setting and current connections",
        }],
        "Given by the specification as HRESULT_CODE(E_PROXY_MAXCONNECTIONSREACHED).",
    ),
    gn(
        0x0000_59E8,
        "E_PROXY_NOTSUPPORTED",
        "The gateway does not support the request.",
        &[],
        "Given by the specification as HRESULT_CODE(E_PROXY_NOTSUPPORTED).",
    ),
    gn(
        0x0000_59F6,
        "E_PROXY_SESSIONTIMEOUT",
        "The gateway's session timeout ended the connection.",
        &[Cause {
            text: "The gateway's session timeout policy ended the connection",
            check: "Check the session timeout setting of the RD CAP",
        }],
        "Given by the specification as HRESULT_CODE(E_PROXY_SESSIONTIMEOUT).",
    ),
    gn(
        0x0000_59FA,
        "E_PROXY_REAUTH_AUTHN_FAILED",
        "Re-authentication at the gateway failed.",
        CAP,
        "Given by the specification as HRESULT_CODE(E_PROXY_REAUTH_AUTHN_FAILED).",
    ),
    gn(
        0x0000_59FB,
        "E_PROXY_REAUTH_CAP_FAILED",
        "On re-authentication the user no longer passes the connection authorization policy.",
        CAP,
        "Given by the specification as HRESULT_CODE(E_PROXY_REAUTH_CAP_FAILED).",
    ),
    gn(
        0x0000_59FC,
        "E_PROXY_REAUTH_RAP_FAILED",
        "On re-authentication the user no longer passes the resource authorization policy.",
        RAP,
        "Given by the specification as HRESULT_CODE(E_PROXY_REAUTH_RAP_FAILED).",
    ),
    gn(
        0x0000_59FD,
        "E_PROXY_SDR_NOT_SUPPORTED_BY_TS",
        "The target server does not support the session-duration reconnection the gateway needs.",
        &[],
        "Given by the specification as HRESULT_CODE(E_PROXY_SDR_NOT_SUPPORTED_BY_TS).",
    ),
    gn(
        0x0000_5A00,
        "E_PROXY_REAUTH_NAP_FAILED",
        "On re-authentication the client no longer passes the health (NAP) policy.",
        CAP,
        "Given by the specification as HRESULT_CODE(E_PROXY_REAUTH_NAP_FAILED).",
    ),
    g(
        0x8007_59D8,
        "E_PROXY_INTERNALERROR",
        "The gateway hit an internal error.",
        &[Cause {
            text: "The RD Gateway service or its IIS / RPC-over-HTTP components are unhealthy",
            check: "Look in the gateway's Microsoft-Windows-TerminalServices-Gateway/Operational log",
        }],
    ),
    g(
        0x8007_59DA,
        "E_PROXY_RAP_ACCESSDENIED",
        "The resource authorization policy (RD RAP) does not let the user reach the target.",
        RAP,
    ),
    g(
        0x8007_59DB,
        "E_PROXY_NAP_ACCESSDENIED",
        "The connection authorization policy (RD CAP / health policy) denied the user.",
        CAP,
    ),
    g(0x8007_59DD, "E_PROXY_TS_CONNECTFAILED", "The gateway could not connect to the target computer.", TARGET),
    g(0x8007_59DF, "E_PROXY_ALREADYDISCONNECTED", "The connection was already closed at the gateway.", &[]),
    g(
        0x8007_59E9,
        "E_PROXY_CAPABILITYMISMATCH",
        "The client and gateway have no capabilities in common.",
        &[Cause {
            text: "An old client or a gateway feature (for example device redirection enforcement) the client lacks",
            check: "Update the client; check the gateway's device redirection enforcement",
        }],
    ),
    g(
        0x8007_59ED,
        "E_PROXY_QUARANTINE_ACCESSDENIED",
        "The client failed the gateway's health (quarantine) check.",
        CAP,
    ),
    g(
        0x8007_59EE,
        "E_PROXY_NOCERTAVAILABLE",
        "The gateway has no certificate to use.",
        &[Cause {
            text: "No SSL certificate is bound to the gateway, or it expired",
            check: "RD Gateway Manager > Properties > SSL Certificate",
        }],
    ),
    g(0x8007_59F7, "E_PROXY_COOKIE_BADPACKET", "The authentication cookie sent to the gateway is malformed.", &[]),
    g(0x8007_59F8, "E_PROXY_COOKIE_AUTHENTICATION_ACCESS_DENIED", "Authentication with the cookie was denied.", CAP),
    g(
        0x8007_59F9,
        "E_PROXY_UNSUPPORTED_AUTHENTICATION_METHOD",
        "The gateway does not accept the authentication method used.",
        CAP,
    ),
];
