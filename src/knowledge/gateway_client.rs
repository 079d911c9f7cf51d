//! The Windows client's RD Gateway disconnect reasons, 0x3000001-0x3000050 (decimal 50331649-50331728):
//! the "Error code" the Remote Desktop Connection dialog shows, with "Extended error code: 0x0", when
//! the path through an RD Gateway (or a broker in front of the host) fails.
//!
//! Microsoft's reference page for the disconnect reasons (IMsTscAxEvents::OnDisconnected) does not
//! list this range. The client itself describes each code (IMsRdpClient5::GetErrorDescription); those
//! descriptions, taken with extended code 0, are tabled in the TechNet Wiki article 37870 and copied
//! in Xpra-org/xpra. Meanings here are our own words for them. Nine values of the range have no
//! published text: for those only the family is known.
//!
//! The gateway stage each code points to, and the [MS-TSGU] 2.2.6 E_PROXY code it matches by meaning
//! (looked up in [`super::tsgu`]), are our inference: no source assigns them.

use serde::Serialize;

use super::folk_causes::Stage;
use super::{Basis, Cause, Entry, Layer, TableId};

/// The first and last value of the family.
pub const FIRST: u32 = 0x300_0001;
pub const LAST: u32 = 0x300_0050;

/// True for a value in the RD Gateway client range 0x3000001-0x3000050.
pub fn in_family(value: u32) -> bool {
    (FIRST..=LAST).contains(&value)
}

const SRC: &str = "Text the client's mstscax returns for the code with extended code 0 (GetErrorDescription), as tabled in the Microsoft TechNet Wiki article 37870 \"Remote Desktop Client Troubleshooting: Disconnect Codes and Reasons\" and copied in Xpra-org/xpra xpra/platform/win32/desktoplogon_lib.py; not in Microsoft's reference documentation";
const SRC_NONE: &str = "None: the TechNet Wiki article 37870 table (and its copy in Xpra-org/xpra desktoplogon_lib.py) skips this value inside the RD Gateway client range";

const NOTE: &str = "Seen as the client's own description of the code (published for extended code 0 only; another extended code is not documented with it). The gateway stage and any E_PROXY code named with it are our inference.";
const NOTE_BROKER: &str = "Seen as the client's own description of the code (published for extended code 0 only). It shares the gateway range but comes from a resource broker (Azure Virtual Desktop, the retired Azure RemoteApp), not a classic RD Gateway; the stage is our inference.";
const NOTE_NONE: &str = "Inside the RD Gateway client range 0x3000001-0x3000050, but no source gives a meaning for this value: only the family is known. The client's TerminalServices-RDPClient/Operational log and the gateway's TerminalServices-Gateway/Operational log say more.";

/// The meaning given to the nine values without a published text.
pub const UNPUBLISHED: &str =
    "An RD Gateway client code whose meaning is not published; only its family (the gateway path) is known.";

/// Where on the way through a gateway a code points. The order is the order a client walks them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GatewayClientStage {
    /// A forward web proxy or firewall between the client and the gateway.
    Proxy,
    /// Name, TCP and HTTPS transport to the gateway, and the gateway service itself.
    Reach,
    /// The gateway's TLS certificate.
    Tls,
    /// Authentication to the gateway (HTTP / SSPI: password, smart card).
    Authentication,
    /// Web pre-authentication: the pluggable-authentication cookie.
    WebPreAuth,
    /// Tunnel creation: version and capabilities ([MS-TSGU] 3.2.5.2 tunnel create).
    Tunnel,
    /// Tunnel authorization: the connection authorization policy (RD CAP) and NAP health.
    Cap,
    /// Channel creation: the resource authorization policy (RD RAP).
    Rap,
    /// The gateway's connection to the target computer.
    Target,
    /// An established gateway connection that the gateway ended.
    Session,
    /// The client computer itself (its components, smart card, local policy).
    Client,
    /// A resource broker in front of the hosts (Azure Virtual Desktop, Azure RemoteApp).
    Broker,
    /// Not published.
    Unknown,
}

/// The stages of the path through a gateway, in order, for "how far the connection got".
const WALK: &[GatewayClientStage] = &[
    GatewayClientStage::Reach,
    GatewayClientStage::Tls,
    GatewayClientStage::Authentication,
    GatewayClientStage::Tunnel,
    GatewayClientStage::Cap,
    GatewayClientStage::Rap,
    GatewayClientStage::Target,
    GatewayClientStage::Session,
];

impl GatewayClientStage {
    /// The stage in words.
    pub fn name(self) -> &'static str {
        match self {
            GatewayClientStage::Proxy => "a web proxy or firewall between the client and the RD Gateway",
            GatewayClientStage::Reach => "reaching the RD Gateway (name, TCP, HTTPS)",
            GatewayClientStage::Tls => "the RD Gateway's TLS certificate",
            GatewayClientStage::Authentication => "authentication to the RD Gateway",
            GatewayClientStage::WebPreAuth => "web pre-authentication (the gateway's authentication cookie)",
            GatewayClientStage::Tunnel => "tunnel creation (version, capabilities)",
            GatewayClientStage::Cap => "tunnel authorization (RD CAP, NAP health)",
            GatewayClientStage::Rap => "channel creation (RD RAP)",
            GatewayClientStage::Target => "the RD Gateway's connection to the target computer",
            GatewayClientStage::Session => "the established gateway connection",
            GatewayClientStage::Client => "the client computer itself",
            GatewayClientStage::Broker => "the resource broker (Azure Virtual Desktop / Azure RemoteApp)",
            GatewayClientStage::Unknown => "a gateway stage that is not published",
        }
    }

    /// The stages of the gateway path that completed before this one failed, when it is on the path.
    pub fn completed_before(self) -> Option<Vec<&'static str>> {
        let at = match self {
            GatewayClientStage::Proxy | GatewayClientStage::Broker => 0,
            GatewayClientStage::WebPreAuth => 2,
            GatewayClientStage::Client | GatewayClientStage::Unknown => return None,
            other => WALK.iter().position(|s| *s == other)?,
        };
        Some(WALK[..at].iter().map(|s| s.name()).collect())
    }

    /// The stage of [`super::folk_causes`] the code says the connection failed at: reaching the
    /// gateway is the network stage, the rest of the gateway path the gateway stage.
    pub fn folk_stage(self) -> Option<Stage> {
        match self {
            GatewayClientStage::Proxy | GatewayClientStage::Reach => Some(Stage::Network),
            GatewayClientStage::Client | GatewayClientStage::Unknown => None,
            _ => Some(Stage::Gateway),
        }
    }
}

/// The [MS-TSGU] 2.2.6 codes (values of [`super::tsgu::GATEWAY_HRESULTS`]) a client code matches
/// by meaning. Inferred: no source links them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EProxyLink {
    /// The same condition.
    Same(&'static [u32]),
    /// Possibly the same condition; the texts overlap only in part.
    Maybe(&'static [u32]),
}

impl EProxyLink {
    pub fn values(self) -> &'static [u32] {
        match self {
            EProxyLink::Same(v) | EProxyLink::Maybe(v) => v,
        }
    }
}

/// What a code says about the gateway path beyond its table entry.
#[derive(Debug, Serialize)]
pub struct Facts {
    pub value: u32,
    pub stage: GatewayClientStage,
    pub e_proxy: Option<EProxyLink>,
}

/// The stage and E_PROXY link of a code in the family.
pub fn facts(value: u32) -> Option<&'static Facts> {
    FACTS.binary_search_by_key(&value, |f| f.value).ok().map(|i| &FACTS[i])
}

/// The client code the Windows client shows for a gateway's E_PROXY answer (full or HRESULT_CODE
/// form), from the `Same` links of the table. Inferred.
pub fn for_e_proxy(hresult: u32) -> Option<&'static Entry> {
    if hresult >> 16 != 0 && hresult >> 16 != 0x8007 {
        return None;
    }
    let low = hresult & 0xFFFF;
    FACTS
        .iter()
        .find(|f| matches!(f.e_proxy, Some(EProxyLink::Same(v)) if v.iter().any(|x| x & 0xFFFF == low)))
        .and_then(|f| super::lookup(TableId::GatewayClient, f.value))
}

const fn seen(value: u32, name: &'static str, layer: Layer, meaning: &'static str, causes: &'static [Cause]) -> Entry {
    Entry {
        table: TableId::GatewayClient,
        value,
        name,
        meaning,
        source: SRC,
        basis: Basis::Observed,
        layer: Some(layer),
        causes,
        note: Some(NOTE),
    }
}

const fn broker(value: u32, name: &'static str, meaning: &'static str, causes: &'static [Cause]) -> Entry {
    Entry {
        table: TableId::GatewayClient,
        value,
        name,
        meaning,
        source: SRC,
        basis: Basis::Observed,
        layer: Some(Layer::Gateway),
        causes,
        note: Some(NOTE_BROKER),
    }
}

const fn unpublished(value: u32, name: &'static str) -> Entry {
    Entry {
        table: TableId::GatewayClient,
        value,
        name,
        meaning: UNPUBLISHED,
        source: SRC_NONE,
        basis: Basis::Inferred,
        layer: None,
        causes: &[],
        note: Some(NOTE_NONE),
    }
}

// [MS-TSGU] 2.2.6 values as the tsgu table holds them (short HRESULT_CODE form where the spec gives it).
const E_PROXY_CONNECTIONABORTED: u32 = 0x0000_04D4;
const E_PROXY_MAXCONNECTIONSREACHED: u32 = 0x0000_59E6;
const E_PROXY_NOTSUPPORTED: u32 = 0x0000_59E8;
const E_PROXY_SESSIONTIMEOUT: u32 = 0x0000_59F6;
const E_PROXY_REAUTH_AUTHN_FAILED: u32 = 0x0000_59FA;
const E_PROXY_REAUTH_CAP_FAILED: u32 = 0x0000_59FB;
const E_PROXY_REAUTH_RAP_FAILED: u32 = 0x0000_59FC;
const E_PROXY_SDR_NOT_SUPPORTED_BY_TS: u32 = 0x0000_59FD;
const E_PROXY_REAUTH_NAP_FAILED: u32 = 0x0000_5A00;
const E_PROXY_RAP_ACCESSDENIED: u32 = 0x8007_59DA;
const E_PROXY_NAP_ACCESSDENIED: u32 = 0x8007_59DB;
const E_PROXY_TS_CONNECTFAILED: u32 = 0x8007_59DD;
const E_PROXY_CAPABILITYMISMATCH: u32 = 0x8007_59E9;
const E_PROXY_QUARANTINE_ACCESSDENIED: u32 = 0x8007_59ED;
const E_PROXY_NOCERTAVAILABLE: u32 = 0x8007_59EE;
const E_PROXY_COOKIE_BADPACKET: u32 = 0x8007_59F7;
const E_PROXY_COOKIE_AUTHENTICATION_ACCESS_DENIED: u32 = 0x8007_59F8;
const E_PROXY_UNSUPPORTED_AUTHENTICATION_METHOD: u32 = 0x8007_59F9;

const CREDENTIALS: &[Cause] = &[
    Cause {
        text: "The user name or password given for the gateway is wrong, or the account is locked, disabled or expired",
        check: "On the gateway (or its NPS server) look for Security 4625 and TerminalServices-Gateway/Operational 200/201 at that time; rdp-doctor diagnose TARGET --gateway GW --gateway-user USER (gateway-auth-failed)",
    },
    Cause {
        text: "The client sends other saved credentials to the gateway than the ones for the target",
        check: "Credential Manager on the client (cmdkey /list) for the gateway's name; the .rdp file's gatewaycredentialssource and 'use my RD Gateway credentials for the remote computer'",
    },
];

const CRL: &[Cause] = &[Cause {
    text: "The client cannot reach the certificate revocation list (CDP) named in the gateway certificate",
    check: "On the client: certutil -verify -urlfetch on the gateway certificate; open its CRL distribution point URL from the client's network (proxy, firewall)",
}];

const CERT_ANY: &[Cause] = &[
    Cause {
        text: "The gateway certificate does not name the gateway as typed, has expired or been revoked, or does not chain to a root the client trusts",
        check: "rdp-doctor diagnose TARGET --gateway GW (gateway-cert-name-mismatch, gateway-cert-expired, gateway-cert-untrusted); RD Gateway Manager > Properties > SSL Certificate",
    },
    Cause {
        text: "Revocation of the gateway certificate cannot be checked from the client",
        check: "certutil -verify -urlfetch on the gateway certificate from the client",
    },
];

const REVOKED: &[Cause] = &[Cause {
    text: "The CA revoked the gateway's certificate",
    check: "certutil -verify -urlfetch on the certificate; issue a new one and bind it in RD Gateway Manager > Properties > SSL Certificate",
}];

const UNTRUSTED: &[Cause] = &[Cause {
    text: "The gateway certificate is self-signed or from a private CA the client does not trust",
    check: "rdp-doctor diagnose TARGET --gateway GW (gateway-cert-untrusted); install the issuing CA in the client's Trusted Root store, or bind a certificate from a public CA",
}];

const NAME: &[Cause] = &[Cause {
    text: "The gateway name the client uses (gatewayhostname) is not in the certificate's subject alternative names",
    check: "rdp-doctor diagnose TARGET --gateway GW (gateway-cert-name-mismatch); use the name the certificate carries, or reissue it with the public name",
}];

const EXPIRED: &[Cause] = &[Cause {
    text: "The gateway certificate has expired (or was revoked)",
    check: "RD Gateway Manager > Properties > SSL Certificate: the expiry date; rdp-doctor diagnose TARGET --gateway GW (gateway-cert-expired); renew and bind the new certificate",
}];

const REMOTE: &[Cause] = &[
    Cause {
        text: "The client goes through a gateway it should not use for this target (the .rdp file or client setting forces it)",
        check: "The .rdp file's gatewayusagemethod and gatewayhostname (Advanced > RD Gateway settings: 'Do not use an RD Gateway server' for a direct target)",
    },
    Cause {
        text: "The target failed after the gateway reached it",
        check: "rdp-doctor diagnose TARGET --gateway GW: the target's own findings through the tunnel; the gateway's TerminalServices-Gateway/Operational 302/303 for the channel",
    },
    Cause {
        text: "The client's gateway component (aaclient.dll) does not match the rest of the client",
        check: "Update the Remote Desktop client; compare the version of aaclient.dll with mstscax.dll",
    },
];

const UNREACHABLE: &[Cause] = &[
    Cause {
        text: "The gateway's name or port is wrong, or the gateway is down",
        check: "rdp-doctor diagnose TARGET --gateway GW (gateway-unreachable); Test-NetConnection GW -Port 443 from the client; the .rdp file's gatewayhostname",
    },
    Cause {
        text: "A firewall, proxy or VPN on the path drops HTTPS to the gateway",
        check: "Open https://GW/ from the client; netsh winhttp show proxy on the client",
    },
];

const BROKEN_LINK: &[Cause] = &[
    Cause {
        text: "The network between client and gateway dropped, or the gateway went away mid-connection",
        check: "Repeat rdp-doctor diagnose TARGET --gateway GW; look at the client's network and the gateway's TerminalServices-Gateway/Operational log at that time",
    },
    Cause {
        text: "A proxy or load balancer in front of the gateway cuts long HTTPS connections",
        check: "The idle timeout of the load balancer / reverse proxy in front of the gateway (it must carry long-lived RDG_OUT_DATA / WebSocket connections)",
    },
];

const UNAVAILABLE: &[Cause] = &[Cause {
    text: "The RD Gateway service is stopped, restarting or short of resources",
    check: "On the gateway: Get-Service TSGateway, its TerminalServices-Gateway/Operational log, memory and the connection count in RD Gateway Manager > Monitoring",
}];

const LOGON_METHOD: &[Cause] = &[Cause {
    text: "The gateway does not accept the logon method the client used (password vs smart card, or another method)",
    check: "RD CAP > Requirements: the allowed Windows authentication methods; the .rdp file's gatewaycredentialssource (0 ask for password, 1 smart card, 4 let the user choose)",
}];

const CLIENT_COMPONENT: &[Cause] = &[Cause {
    text: "The client's Remote Desktop gateway components are missing, damaged or of another version",
    check: "Update the Remote Desktop client (Windows Update or the current MSRDC); sfc /scannow on the client",
}];

const SMART_CARD: &[Cause] = &[Cause {
    text: "The client has no working smart card service, reader or card for the gateway logon",
    check: "On the client: Get-Service SCardSvr, CertPropSvc; certutil -scinfo; reinsert the card",
}];

const SSPI: &[Cause] = &[Cause {
    text: "A security package (Kerberos, NTLM, Negotiate) failed on the HTTPS transport to the gateway",
    check: "The client's System log (Kerberos, Schannel) and TerminalServices-RDPClient/Operational; the gateway's authentication settings in IIS (Windows authentication providers of the RDG site)",
}];

const ENDED: &[Cause] = &[Cause {
    text: "The gateway ended the connection (service restart, an administrator, a policy)",
    check: "The gateway's TerminalServices-Gateway/Operational at that time: 202 (disconnected by an administrator), 303 (connection closed, with its reason)",
}];

const RAP: &[Cause] = &[
    Cause {
        text: "No RD RAP lets this user reach this target name",
        check: "RD Gateway Manager > Policies > Resource Authorization Policies: the user's group and the target's computer group; TerminalServices-Gateway/Operational 301 on the gateway; rdp-doctor diagnose TARGET --gateway GW (gateway-rap-denied)",
    },
    Cause {
        text: "The target is typed in a form the RAP does not list (short NetBIOS name, FQDN or IP address)",
        check: "Connect with exactly the name the RAP's computer group lists (a RAP matches the name as typed)",
    },
];

const CAP: &[Cause] = &[
    Cause {
        text: "No RD CAP admits this user (or this client computer): group membership",
        check: "RD Gateway Manager > Policies > Connection Authorization Policies: user groups and client computer groups; TerminalServices-Gateway/Operational 201; the NPS log when the CAPs are stored on NPS",
    },
    Cause {
        text: "The CAP requires another authentication method (a smart card where a password was given)",
        check: "RD CAP > Requirements: the allowed Windows authentication methods",
    },
];

const RESTRICTED: &[Cause] = &[Cause {
    text: "An administrator limits who may use this gateway (CAP groups, or the gateway set to refuse new connections)",
    check: "RD CAP user groups; RD Gateway Manager > Properties > General: 'Disable new connections' / the connection limit",
}];

const PROXY_AUTH: &[Cause] = &[Cause {
    text: "A web proxy between the client and the gateway asks for its own authentication",
    check: "The client's proxy settings (netsh winhttp show proxy, Internet Options); let the gateway's name through the proxy without authentication",
}];

const PASSWORD_CHANGE: &[Cause] = &[Cause {
    text: "The account's password has expired or must be changed at the next logon; the gateway does not change it",
    check: "The account in Active Directory ('User must change password at next logon', password age); change it elsewhere (RD Web Access password page, a domain computer)",
}];

const MAX_CONNECTIONS: &[Cause] = &[Cause {
    text: "The gateway's connection limit is reached",
    check: "RD Gateway Manager > Properties > General: maximum allowed simultaneous connections; Monitoring: current connections; rdp-doctor diagnose TARGET --gateway GW (gateway-max-connections)",
}];

const VERSIONS: &[Cause] = &[Cause {
    text: "The client is too old for the gateway, or the gateway enforces a feature the client lacks (device redirection enforcement)",
    check: "Update the client; RD Gateway Manager > Properties > Device Redirection (redirection enforced for clients that support it)",
}];

const NAP: &[Cause] = &[Cause {
    text: "The client does not meet the health policy (NAP) the gateway's CAP requires",
    check: "RD CAP > Requirements: 'Enable NAP health policy' and the NPS health policies; the client's NAP agent state",
}];

const NO_CERT: &[Cause] = &[Cause {
    text: "No SSL certificate is bound on the gateway",
    check: "RD Gateway Manager > Properties > SSL Certificate; the HTTPS binding of the gateway's IIS site",
}];

const TRUSTED_LIST: &[Cause] = &[Cause {
    text: "A client policy limits which gateways the client may use, and this gateway is not among them",
    check: "The client's applied Group Policy for the Remote Desktop Connection Client (gpresult /h report.html)",
}];

const NAP_CERT: &[Cause] = &[Cause {
    text: "The gateway certificate fails the client's checks (name, expiry, revocation, trust, key usage, CRL)",
    check: "rdp-doctor diagnose TARGET --gateway GW (gateway-cert-* findings); certutil -verify -urlfetch on the gateway certificate from the client",
}];

const FIREWALL_AUTH: &[Cause] = &[Cause {
    text: "A firewall in front of the gateway requires its own authentication and did not get (valid) credentials",
    check: "The firewall's authentication settings for the gateway's address; the credentials the client gives it",
}];

const TIMEOUTS: &[Cause] = &[Cause {
    text: "The RD CAP's idle timeout or session timeout ended the connection",
    check: "RD CAP > Timeouts: idle timeout, session timeout and the action when it ends (disconnect or reauthenticate)",
}];

const COOKIE: &[Cause] = &[Cause {
    text: "The gateway's pluggable-authentication (web pre-authentication) cookie was malformed, expired, rejected or too large",
    check: "Sign in again on the web portal that issues the cookie; the gateway's pluggable authentication settings",
}];

const AUTH_METHOD: &[Cause] = &[Cause {
    text: "The gateway accepts another authentication method than the one the client used",
    check: "The authentication methods the gateway offers (rdp-doctor diagnose TARGET --gateway GW lists the WWW-Authenticate schemes); RD CAP > Requirements; the .rdp file's gatewaycredentialssource",
}];

const REAUTH: &[Cause] = &[Cause {
    text: "The periodic reauthentication or reauthorization failed (password changed, group removed, policy changed)",
    check: "RD CAP > Timeouts: 'Reauthenticate'; the user's current group membership against the CAP and RAP; TerminalServices-Gateway/Operational 201/301",
}];

const POLICY_EXCHANGE: &[Cause] = &[Cause {
    text: "The target cannot take the gateway's policies, refuses new connections, or its link to the gateway ended",
    check: "rdp-doctor diagnose TARGET --gateway GW (the target's findings through the tunnel); the target's connection limit and 'Allow users to connect remotely'",
}];

const WEB_SIGN_IN: &[Cause] = &[Cause {
    text: "The gateway requires a sign-in on an authentication website first (web pre-authentication)",
    check: "Sign in at the URL the client shows, then connect again; the gateway's pluggable authentication settings",
}];

const FORWARD_PROXY: &[Cause] = &[Cause {
    text: "The client's forward proxy (or the network) does not let HTTPS through to the gateway",
    check: "netsh winhttp show proxy on the client; whether the proxy allows CONNECT to the gateway on 443",
}];

const BROKER_ASSIGNMENT: &[Cause] = &[Cause {
    text: "The user is not assigned to this resource (application group or published desktop)",
    check: "The application group's assignments in the host pool (Azure Virtual Desktop) or the collection's user groups",
}];

const BROKER_CAPACITY: &[Cause] = &[Cause {
    text: "No session host is available: all busy, in drain mode, unhealthy or still being provisioned",
    check: "The host pool's session hosts: status, drain mode, maximum session limit",
}];

const BROKER_ACCESS: &[Cause] = &[Cause {
    text: "The broker could not hand the connection to a session host",
    check: "The session hosts' agent health in the host pool; update the client (a field report fixed it with the reverse-connect setting fReverseConnectMode)",
}];

const UPDATE_CLIENT: &[Cause] = &[Cause {
    text: "The service requires a newer client",
    check: "Update the Remote Desktop client to its current version",
}];

const FEED_USER: &[Cause] = &[Cause {
    text: "The user signs in with another account than the one the feed was subscribed with",
    check: "Unsubscribe and subscribe to the feed again with the account used to sign in",
}];

const RETIRED: &[Cause] = &[Cause {
    text: "Azure RemoteApp is a retired service; a client showing this still uses an old feed",
    check: "Remove the old Azure RemoteApp feed from the client; use the current deployment's feed",
}];

const USER_LIMIT: &[Cause] = &[Cause {
    text: "The deployment's user limit is reached",
    check: "The deployment's maximum users or session limit",
}];

/// One line per code, in value order: value, stage, E_PROXY link, then the entry's constructor and
/// its arguments (layer, meaning, causes). It expands to the entry table and the stage table in the
/// same order, so each code's facts are written once.
macro_rules! gateway_client_codes {
    ($($value:literal $stage:ident $link:expr => $ctor:ident($($arg:expr),*);)*) => {
        /// Sorted by value; every value of 0x3000001-0x3000050.
        pub static GATEWAY_CLIENT_CODES: &[Entry] =
            &[$($ctor($value, concat!("GATEWAY_CLIENT_", stringify!($value)) $(, $arg)*)),*];
        /// Sorted by value, in step with [`GATEWAY_CLIENT_CODES`].
        static FACTS: &[Facts] =
            &[$(Facts { value: $value, stage: GatewayClientStage::$stage, e_proxy: $link }),*];
    };
}

use EProxyLink::{Maybe, Same};
use Layer::{Client, Gateway};

gateway_client_codes! {
    0x3000001 Authentication None => seen(Gateway, "The RD Gateway rejected the user name or password.", CREDENTIALS);
    0x3000002 Tls None => seen(Gateway, "The client could not check the RD Gateway certificate against its revocation list (CRL).", CRL);
    0x3000003 Tls None => seen(Gateway, "The RD Gateway certificate is not acceptable: wrong name, expired or revoked, or an untrusted root.", CERT_ANY);
    0x3000004 Tls None => seen(Gateway, "The RD Gateway's certificate was revoked by the authority that issued it.", REVOKED);
    0x3000005 Tls None => seen(Gateway, "The client cannot verify the RD Gateway's identity: its certificate is not trusted.", UNTRUSTED);
    0x3000006 Tls None => seen(Gateway, "The RD Gateway address the client asked for does not match the certificate's subject.", NAME);
    0x3000007 Tls None => seen(Gateway, "The RD Gateway certificate has expired or been revoked.", EXPIRED);
    0x3000008 Target Some(Maybe(&[E_PROXY_TS_CONNECTFAILED])) => seen(Gateway, "An error occurred on the remote (target) computer reached through the RD Gateway.", REMOTE);
    0x3000009 Reach None => seen(Gateway, "Sending data to the RD Gateway failed: the gateway is unavailable or the network is down.", BROKEN_LINK);
    0x300000A Reach None => seen(Gateway, "Receiving data from the RD Gateway failed: the gateway is unavailable or the network is down.", BROKEN_LINK);
    0x300000B Authentication None => seen(Gateway, "The RD Gateway requires another (alternate) logon method.", LOGON_METHOD);
    0x300000C Reach None => seen(Gateway, "The RD Gateway address is unreachable or wrong.", UNREACHABLE);
    0x300000D Reach None => seen(Gateway, "The RD Gateway is temporarily unavailable.", UNAVAILABLE);
    0x300000E Client None => seen(Client, "The client's RD Gateway component is missing or of the wrong version.", CLIENT_COMPONENT);
    0x300000F Reach None => seen(Gateway, "The RD Gateway is low on resources and temporarily unavailable.", UNAVAILABLE);
    0x3000010 Client None => seen(Client, "The client's rpcrt4.dll (the RPC-over-HTTP transport) is of the wrong version.", CLIENT_COMPONENT);
    0x3000011 Client None => seen(Client, "No smart card service is installed on the client.", SMART_CARD);
    0x3000012 Client None => seen(Client, "The smart card was removed; a valid card is needed.", SMART_CARD);
    0x3000013 Client None => seen(Client, "No smart card is available.", SMART_CARD);
    0x3000014 Client None => seen(Client, "The smart card was removed; it must be inserted again.", SMART_CARD);
    0x3000015 Authentication None => seen(Gateway, "The RD Gateway rejected the user name or password (a second variant of 0x3000001).", CREDENTIALS);
    0x3000016 Unknown None => unpublished();
    0x3000017 Authentication None => seen(Gateway, "A security package (SSPI) failed in the transport to the RD Gateway.", SSPI);
    0x3000018 Session Some(Maybe(&[E_PROXY_CONNECTIONABORTED])) => seen(Gateway, "The RD Gateway ended the connection.", ENDED);
    0x3000019 Session None => seen(Gateway, "An RD Gateway administrator ended the connection.", ENDED);
    0x300001A Authentication None => seen(Gateway, "The credentials are wrong or the smart card was not recognised.", CREDENTIALS);
    0x300001B Rap Some(Same(&[E_PROXY_RAP_ACCESSDENIED])) => seen(Gateway, "The RD Gateway's resource policy does not let the user reach this target, or the target was named in a NetBIOS form where an FQDN or IP address is needed.", RAP);
    0x300001C Cap Some(Same(&[E_PROXY_NAP_ACCESSDENIED])) => seen(Gateway, "The user or the client computer is not authorized on the RD Gateway, or used another authentication method than required (e.g. a password where a smart card is needed).", CAP);
    0x300001D Unknown None => unpublished();
    0x300001E Unknown None => unpublished();
    0x300001F Cap None => seen(Gateway, "An administrator has restricted access to this RD Gateway.", RESTRICTED);
    0x3000020 Proxy None => seen(Gateway, "A web proxy in front of the RD Gateway requires authentication.", PROXY_AUTH);
    0x3000021 Authentication None => seen(Gateway, "The password has expired or must be changed before the RD Gateway accepts it.", PASSWORD_CHANGE);
    0x3000022 Tunnel Some(Same(&[E_PROXY_MAXCONNECTIONSREACHED])) => seen(Gateway, "The RD Gateway has reached its maximum number of connections.", MAX_CONNECTIONS);
    0x3000023 Tunnel Some(Same(&[E_PROXY_NOTSUPPORTED])) => seen(Gateway, "The RD Gateway does not support the request.", VERSIONS);
    0x3000024 Tunnel Some(Same(&[E_PROXY_CAPABILITYMISMATCH])) => seen(Gateway, "The client lacks a capability the RD Gateway requires.", VERSIONS);
    0x3000025 Tunnel None => seen(Gateway, "The RD Gateway and the client are incompatible (versions).", VERSIONS);
    0x3000026 Authentication None => seen(Gateway, "The credentials are invalid: a valid smart card and PIN, or a valid password, are needed.", CREDENTIALS);
    0x3000027 Cap Some(Same(&[E_PROXY_QUARANTINE_ACCESSDENIED])) => seen(Gateway, "The client does not meet the RD Gateway's health (NAP) requirements.", NAP);
    0x3000028 Tls Some(Same(&[E_PROXY_NOCERTAVAILABLE])) => seen(Gateway, "No certificate is configured on the RD Gateway.", NO_CERT);
    0x3000029 Client None => seen(Client, "This RD Gateway is not in the client's list of trusted gateways (a local policy).", TRUSTED_LIST);
    0x300002A Tls None => seen(Gateway, "A health (NAP) requirement is not met because of a problem with the RD Gateway certificate (name, expiry or revocation, trust, key usage, CRL).", NAP_CERT);
    0x300002B Authentication None => seen(Gateway, "The RD Gateway wants a user name and password, not a smart card.", LOGON_METHOD);
    0x300002C Authentication None => seen(Gateway, "The RD Gateway wants a smart card, not a user name and password.", LOGON_METHOD);
    0x300002D Client None => seen(Client, "No smart card reader was detected on the client.", SMART_CARD);
    0x300002E Unknown None => unpublished();
    0x300002F Proxy None => seen(Gateway, "Firewall authentication failed: no firewall credentials were given.", FIREWALL_AUTH);
    0x3000030 Proxy None => seen(Gateway, "Firewall authentication failed: the firewall credentials are invalid.", FIREWALL_AUTH);
    0x3000031 Unknown None => unpublished();
    0x3000032 Session None => seen(Gateway, "The gateway connection ended because there was no user input for too long (idle timeout).", TIMEOUTS);
    0x3000033 Session Some(Same(&[E_PROXY_SESSIONTIMEOUT])) => seen(Gateway, "The gateway connection reached its session time limit.", TIMEOUTS);
    0x3000034 WebPreAuth Some(Same(&[E_PROXY_COOKIE_BADPACKET])) => seen(Gateway, "The authentication cookie sent to the RD Gateway is invalid.", COOKIE);
    0x3000035 WebPreAuth Some(Same(&[E_PROXY_COOKIE_AUTHENTICATION_ACCESS_DENIED])) => seen(Gateway, "The RD Gateway rejected the authentication cookie.", COOKIE);
    0x3000036 Unknown None => unpublished();
    0x3000037 Authentication Some(Same(&[E_PROXY_UNSUPPORTED_AUTHENTICATION_METHOD])) => seen(Gateway, "The RD Gateway expects another authentication method.", AUTH_METHOD);
    0x3000038 Session Some(Same(&[E_PROXY_REAUTH_AUTHN_FAILED])) => seen(Gateway, "The periodic re-authentication at the RD Gateway failed.", REAUTH);
    0x3000039 Session Some(Same(&[E_PROXY_REAUTH_CAP_FAILED, E_PROXY_REAUTH_RAP_FAILED])) => seen(Gateway, "The periodic re-authorization at the RD Gateway failed.", REAUTH);
    0x300003A Unknown None => unpublished();
    0x300003B Target Some(Maybe(&[E_PROXY_SDR_NOT_SUPPORTED_BY_TS])) => seen(Gateway, "The RD Gateway and the target could not exchange policies: the target cannot, refuses new connections, or the link between them ended.", POLICY_EXCHANGE);
    0x300003C Client None => seen(Client, "The smart card is invalid, its certificate is not in the certificate store, or the Certificate Propagation service is not running.", SMART_CARD);
    0x300003D WebPreAuth None => seen(Gateway, "The user must first sign in at an authentication website (the client shows its address).", WEB_SIGN_IN);
    0x300003E WebPreAuth None => seen(Gateway, "The user must first sign in at an authentication website.", WEB_SIGN_IN);
    0x300003F WebPreAuth None => seen(Gateway, "The gateway connection ended; signing in at the authentication website (address shown) lets it continue.", WEB_SIGN_IN);
    0x3000040 WebPreAuth None => seen(Gateway, "The gateway connection ended; signing in at an authentication website lets it continue.", WEB_SIGN_IN);
    0x3000041 Session Some(Same(&[E_PROXY_REAUTH_NAP_FAILED])) => seen(Gateway, "The periodic re-authorization failed on the health (NAP) check.", NAP);
    0x3000042 WebPreAuth None => seen(Gateway, "The authentication cookie is larger than supported.", COOKIE);
    0x3000043 Unknown None => unpublished();
    0x3000044 Proxy None => seen(Gateway, "The connection failed with the configured forward-proxy settings.", FORWARD_PROXY);
    0x3000045 Broker None => broker("The user has no permission to this remote resource.", BROKER_ASSIGNMENT);
    0x3000046 Broker None => broker("No resources are available at the moment.", BROKER_CAPACITY);
    0x3000047 Broker None => broker("An error occurred while accessing the resource.", BROKER_ACCESS);
    0x3000048 Unknown None => unpublished();
    0x3000049 Broker None => broker("The client must be updated to the newest version.", UPDATE_CLIENT);
    0x300004A Proxy None => seen(Gateway, "The network (a web proxy) does not allow the HTTPS ports the connection needs.", FORWARD_PROXY);
    0x300004B Broker None => broker("More resources are being provisioned; try again later.", BROKER_CAPACITY);
    0x300004C Broker None => broker("The user name differs from the one used to subscribe to the feed.", FEED_USER);
    0x300004D Broker None => broker("The Azure RemoteApp service is overloaded.", RETIRED);
    0x300004E Broker None => broker("The maximum number of users has been reached.", USER_LIMIT);
    0x300004F Broker None => broker("The Azure RemoteApp trial has expired.", RETIRED);
    0x3000050 Broker None => broker("Access to Azure RemoteApp has been removed.", RETIRED);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::lookup;

    const NO_SOURCE: [u32; 9] =
        [0x3000016, 0x300001D, 0x300001E, 0x300002E, 0x3000031, 0x3000036, 0x300003A, 0x3000043, 0x3000048];

    #[test]
    fn every_code_of_the_range_resolves_once_in_order() {
        assert_eq!(GATEWAY_CLIENT_CODES.len(), (LAST - FIRST + 1) as usize);
        assert_eq!(FACTS.len(), GATEWAY_CLIENT_CODES.len());
        for (i, v) in (FIRST..=LAST).enumerate() {
            let e = lookup(TableId::GatewayClient, v).unwrap_or_else(|| panic!("0x{v:X} missing"));
            assert_eq!(e.value, v);
            assert!(std::ptr::eq(e, &GATEWAY_CLIENT_CODES[i]), "0x{v:X} out of order or duplicated");
            assert_eq!(FACTS[i].value, v, "stage table out of step at 0x{v:X}");
            assert_eq!(facts(v).map(|f| f.value), Some(v));
            assert!((!e.meaning.trim().is_empty() && !e.causes.is_empty()) || NO_SOURCE.contains(&v), "0x{v:X}");
            assert_eq!(e.name, format!("GATEWAY_CLIENT_0x{v:X}"));
        }
        assert!(lookup(TableId::GatewayClient, FIRST - 1).is_none());
        assert!(lookup(TableId::GatewayClient, LAST + 1).is_none());
        assert!(!in_family(0x3000000) && in_family(0x3000001) && in_family(0x3000050) && !in_family(0x3000051));
    }

    #[test]
    fn the_nine_unsourced_codes_say_unpublished_and_nothing_more() {
        for e in GATEWAY_CLIENT_CODES {
            let f = facts(e.value).unwrap();
            if NO_SOURCE.contains(&e.value) {
                assert_eq!(e.meaning, UNPUBLISHED);
                assert_eq!(e.basis, Basis::Inferred);
                assert!(e.causes.is_empty() && e.layer.is_none() && f.e_proxy.is_none());
                assert_eq!(f.stage, GatewayClientStage::Unknown);
                assert!(e.note.unwrap().contains("only the family is known"));
            } else {
                assert_eq!(e.basis, Basis::Observed, "0x{:X}", e.value);
                assert_ne!(e.meaning, UNPUBLISHED);
                assert_ne!(f.stage, GatewayClientStage::Unknown, "0x{:X}", e.value);
                assert!(e.source.contains("37870") && e.source.contains("Xpra"));
                assert!(e.note.unwrap().contains("inference"));
            }
        }
        assert_eq!(GATEWAY_CLIENT_CODES.iter().filter(|e| e.basis == Basis::Observed).count(), 71);
    }

    #[test]
    fn e_proxy_links_name_entries_of_the_gateway_hresult_table() {
        let mut linked = 0;
        for f in FACTS {
            for v in f.e_proxy.map(EProxyLink::values).unwrap_or(&[]) {
                let e = lookup(TableId::GatewayHresult, *v).unwrap_or_else(|| panic!("0x{v:X} not in tsgu"));
                assert!(e.name.starts_with("E_PROXY_"));
                linked += 1;
            }
        }
        assert!(linked >= 15, "{linked}");
    }

    #[test]
    fn e_proxy_answers_give_the_client_code() {
        let code = |h| for_e_proxy(h).map(|e| e.value);
        assert_eq!(code(0x8007_59DA), Some(0x300001B)); // RAP denied
        assert_eq!(code(0x8007_59DB), Some(0x300001C)); // CAP denied
        assert_eq!(code(0x8007_59E6), Some(0x3000022)); // both forms of max connections
        assert_eq!(code(0x59E6), Some(0x3000022));
        assert_eq!(code(0x8007_59FC), Some(0x3000039));
        // A weak link gives no prediction, nor does another facility.
        assert_eq!(code(0x8007_59DD), None);
        assert_eq!(code(0x8009_59DA), None);
    }

    #[test]
    fn stages_walk_in_order() {
        let rap = GatewayClientStage::Rap.completed_before().unwrap();
        assert_eq!(rap.len(), 5);
        assert_eq!(rap[0], GatewayClientStage::Reach.name());
        assert_eq!(GatewayClientStage::Reach.completed_before().unwrap().len(), 0);
        assert_eq!(GatewayClientStage::Broker.completed_before().unwrap().len(), 0);
        assert!(GatewayClientStage::Client.completed_before().is_none());
        assert_eq!(GatewayClientStage::Reach.folk_stage(), Some(Stage::Network));
        assert_eq!(GatewayClientStage::Rap.folk_stage(), Some(Stage::Gateway));
    }
}
