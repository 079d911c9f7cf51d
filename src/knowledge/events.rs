//! Windows event records and registry values that bear on Remote Desktop: what each event id means,
//! in our own words, with its source. Event messages are not stored in `.evtx` files (the viewer
//! formats them from the provider's message DLL), so `rdp-doctor evidence` looks the meaning up here.
//!
//! Keys are (channel, provider, event id & 0xFFFF): the low 16 bits are the event id proper, the
//! high bits of classic (non-manifest) events carry the severity and facility qualifiers
//! ([MS-EVEN6] 2.2.4; `EventID Qualifiers=`).

use super::Basis;

pub const CH_SYSTEM: &str = "System";
pub const CH_SECURITY: &str = "Security";
pub const CH_RDPCORETS: &str = "Microsoft-Windows-RemoteDesktopServices-RdpCoreTS/Operational";
pub const CH_RCM: &str = "Microsoft-Windows-TerminalServices-RemoteConnectionManager/Operational";
pub const CH_LSM: &str = "Microsoft-Windows-TerminalServices-LocalSessionManager/Operational";
pub const CH_RDPCLIENT: &str = "Microsoft-Windows-TerminalServices-RDPClient/Operational";

pub const PR_SCHANNEL: &str = "Schannel";
pub const PR_LSASRV: &str = "LsaSrv";
pub const PR_AUDIT: &str = "Microsoft-Windows-Security-Auditing";
pub const PR_RDPCORETS: &str = "Microsoft-Windows-RemoteDesktopServices-RdpCoreTS";
pub const PR_RCM: &str = "Microsoft-Windows-TerminalServices-RemoteConnectionManager";
pub const PR_LSM: &str = "Microsoft-Windows-TerminalServices-LocalSessionManager";
pub const PR_RDPCLIENT: &str = "Microsoft-Windows-TerminalServices-ClientActiveXCore";

/// What a relevant event says happened, for the rules and the timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// The listener received a TCP connection (RCM 261, RdpCoreTS 131).
    ConnectionReceived,
    /// The user passed network authentication (RCM 1149).
    Authenticated,
    /// A logon succeeded (Security 4624 type 10, LSM 21) or the shell started (LSM 22).
    LoggedOn,
    /// A session reconnected (LSM 25, Security 4778).
    Reconnected,
    /// A session ended normally or was disconnected (LSM 23/24/39, Security 4779).
    SessionEnded,
    /// A session was disconnected with a reason code (LSM 40).
    DisconnectReason,
    /// A logon failed (Security 4625, RdpCoreTS 140).
    LogonFailed,
    /// The user was denied Remote Desktop access (Security 4825).
    AccessDenied,
    /// The transport broke (RdpCoreTS 142/143/226).
    NetworkError,
    /// Schannel could not use the server credential's private key (36870).
    PrivateKeyError,
    /// Schannel: no shared cipher suite (36874).
    NoSharedCipher,
    /// Schannel sent a fatal alert (36888).
    TlsAlert,
    /// The Remote Desktop certificate was created (RCM 1056).
    CertCreated,
    /// The Remote Desktop certificate could not be created or renewed (RCM 1057/1058).
    CertFailed,
    /// CredSSP refused the peer's version under Encryption Oracle Remediation (LsaSrv 6041).
    CredsspRefused,
    /// The Remote Desktop client disconnected (RDPClient 1026).
    ClientDisconnected,
}

/// One event id of one provider.
#[derive(Debug)]
pub struct EventDef {
    pub channel: &'static str,
    pub provider: &'static str,
    pub id: u16,
    pub kind: EventKind,
    /// What the event says, in our words.
    pub meaning: &'static str,
    /// The data fields that matter, in the order they are shown.
    pub fields: &'static [&'static str],
    pub source: &'static str,
    pub basis: Basis,
}

const SRC_SCHANNEL: &str = "Microsoft Learn: Schannel events / TLS-SSL troubleshooting (event ids 36870, 36874, 36888)";
const SRC_AUDIT: &str = "Microsoft Learn: Windows security auditing, events 4624, 4625, 4778, 4779, 4825";
const SRC_RDS: &str = "Microsoft Learn: Remote Desktop Services connection troubleshooting (RCM, LSM, RdpCoreTS operational logs); SANS/JPCERT RDP event id references";
const SRC_CREDSSP: &str = "Microsoft support: CredSSP updates for CVE-2018-0886 (KB4093492), event 6041";
const SRC_CERT: &str =
    "Microsoft Learn: Remove and regenerate the RDP self-signed certificate (TermService events 1056, 1057, 1058)";

#[allow(clippy::too_many_arguments)] // one row of the table, in column order
const fn ev(
    channel: &'static str,
    provider: &'static str,
    id: u16,
    kind: EventKind,
    meaning: &'static str,
    fields: &'static [&'static str],
    source: &'static str,
    basis: Basis,
) -> EventDef {
    EventDef { channel, provider, id, kind, meaning, fields, source, basis }
}

/// Every event rdp-doctor reads, by channel then id.
pub static EVENTS: &[EventDef] = &[
    // System
    ev(
        CH_SYSTEM,
        PR_SCHANNEL,
        36870,
        EventKind::PrivateKeyError,
        "Schannel could not open the private key of the TLS server credential (the certificate the server presents).",
        &["Type", "ErrorCode", "ErrorStatus"],
        SRC_SCHANNEL,
        Basis::Documented,
    ),
    ev(
        CH_SYSTEM,
        PR_SCHANNEL,
        36874,
        EventKind::NoSharedCipher,
        "A client asked for a TLS connection, but the server supports none of the cipher suites the client offered.",
        &["Protocol"],
        SRC_SCHANNEL,
        Basis::Documented,
    ),
    ev(
        CH_SYSTEM,
        PR_SCHANNEL,
        36888,
        EventKind::TlsAlert,
        "Schannel generated a fatal TLS alert and sent it to the peer (AlertDesc is the RFC alert number).",
        &["AlertDesc", "ErrorState"],
        SRC_SCHANNEL,
        Basis::Documented,
    ),
    ev(
        CH_SYSTEM,
        PR_RCM,
        1056,
        EventKind::CertCreated,
        "The Remote Desktop service created a new self-signed certificate for TLS; its SHA-1 thumbprint is in the binary data.",
        &["param1", "Binary"],
        SRC_CERT,
        Basis::Documented,
    ),
    ev(
        CH_SYSTEM,
        PR_RCM,
        1057,
        EventKind::CertFailed,
        "The Remote Desktop service could not create a new self-signed certificate for TLS (the status code says why).",
        &["param1", "Binary"],
        SRC_CERT,
        Basis::Documented,
    ),
    ev(
        CH_SYSTEM,
        PR_RCM,
        1058,
        EventKind::CertFailed,
        "The Remote Desktop service could not replace its expired self-signed certificate for TLS (the status code says why).",
        &["param1", "Binary"],
        SRC_CERT,
        Basis::Documented,
    ),
    ev(
        CH_SYSTEM,
        PR_LSASRV,
        6041,
        EventKind::CredsspRefused,
        "CredSSP could not agree a protocol version with the remote host: the version it offered is not allowed by the Encryption Oracle Remediation policy (logged on the client).",
        &["param1", "param2"],
        SRC_CREDSSP,
        Basis::Documented,
    ),
    // Security
    ev(
        CH_SECURITY,
        PR_AUDIT,
        4624,
        EventKind::LoggedOn,
        "An account logged on (logon type 10 is Remote Desktop).",
        &["TargetDomainName", "TargetUserName", "LogonType", "IpAddress"],
        SRC_AUDIT,
        Basis::Documented,
    ),
    ev(
        CH_SECURITY,
        PR_AUDIT,
        4625,
        EventKind::LogonFailed,
        "An account failed to log on; Status and SubStatus are the NTSTATUS reasons, LogonType how it was attempted.",
        &["TargetDomainName", "TargetUserName", "LogonType", "Status", "SubStatus", "IpAddress", "ProcessName"],
        SRC_AUDIT,
        Basis::Documented,
    ),
    ev(
        CH_SECURITY,
        PR_AUDIT,
        4778,
        EventKind::Reconnected,
        "A session was reconnected to a window station (ClientAddress is the client).",
        &["AccountDomain", "AccountName", "ClientName", "ClientAddress"],
        SRC_AUDIT,
        Basis::Documented,
    ),
    ev(
        CH_SECURITY,
        PR_AUDIT,
        4779,
        EventKind::SessionEnded,
        "A session was disconnected from a window station.",
        &["AccountDomain", "AccountName", "ClientName", "ClientAddress"],
        SRC_AUDIT,
        Basis::Documented,
    ),
    ev(
        CH_SECURITY,
        PR_AUDIT,
        4825,
        EventKind::AccessDenied,
        "A user was denied access to Remote Desktop: the account is not in Remote Desktop Users or Administrators, or lacks the 'Allow log on through Remote Desktop Services' right.",
        &["AccountDomain", "AccountName", "ClientAddress"],
        SRC_AUDIT,
        Basis::Documented,
    ),
    // RdpCoreTS
    ev(
        CH_RDPCORETS,
        PR_RDPCORETS,
        131,
        EventKind::ConnectionReceived,
        "The server accepted a new TCP connection from the client (ClientIP is address:port).",
        &["ConnType", "ClientIP"],
        SRC_RDS,
        Basis::Observed,
    ),
    ev(
        CH_RDPCORETS,
        PR_RDPCORETS,
        140,
        EventKind::LogonFailed,
        "A connection from the client failed because the user name or password is not correct (NLA).",
        &["IPString"],
        SRC_RDS,
        Basis::Observed,
    ),
    ev(
        CH_RDPCORETS,
        PR_RDPCORETS,
        142,
        EventKind::NetworkError,
        "A TCP socket write failed (the error is a Windows error code).",
        &["error"],
        SRC_RDS,
        Basis::Observed,
    ),
    ev(
        CH_RDPCORETS,
        PR_RDPCORETS,
        143,
        EventKind::NetworkError,
        "A TCP socket read failed (the error is a Windows error code).",
        &["error"],
        SRC_RDS,
        Basis::Observed,
    ),
    ev(
        CH_RDPCORETS,
        PR_RDPCORETS,
        226,
        EventKind::NetworkError,
        "The RDP transport hit an error while moving between states, usually to disconnected (ErrorCode is an HRESULT).",
        &["StateTransition", "PreviousStateName", "NewStateName", "EventName", "ErrorCode"],
        SRC_RDS,
        Basis::Observed,
    ),
    // RemoteConnectionManager
    ev(
        CH_RCM,
        PR_RCM,
        261,
        EventKind::ConnectionReceived,
        "The listener received a connection.",
        &["listenerName"],
        SRC_RDS,
        Basis::Documented,
    ),
    ev(
        CH_RCM,
        PR_RCM,
        1149,
        EventKind::Authenticated,
        "Remote Desktop Services: the user passed network authentication (Param1 user, Param2 domain, Param3 source address).",
        &["Param1", "Param2", "Param3"],
        SRC_RDS,
        Basis::Documented,
    ),
    // LocalSessionManager
    ev(
        CH_LSM,
        PR_LSM,
        21,
        EventKind::LoggedOn,
        "Session logon succeeded.",
        &["User", "SessionID", "Address"],
        SRC_RDS,
        Basis::Documented,
    ),
    ev(
        CH_LSM,
        PR_LSM,
        22,
        EventKind::LoggedOn,
        "The shell started in the session (the user reached the desktop).",
        &["User", "SessionID", "Address"],
        SRC_RDS,
        Basis::Documented,
    ),
    ev(
        CH_LSM,
        PR_LSM,
        23,
        EventKind::SessionEnded,
        "Session logoff succeeded.",
        &["User", "SessionID"],
        SRC_RDS,
        Basis::Documented,
    ),
    ev(
        CH_LSM,
        PR_LSM,
        24,
        EventKind::SessionEnded,
        "The session was disconnected.",
        &["User", "SessionID", "Address"],
        SRC_RDS,
        Basis::Documented,
    ),
    ev(
        CH_LSM,
        PR_LSM,
        25,
        EventKind::Reconnected,
        "The session was reconnected.",
        &["User", "SessionID", "Address"],
        SRC_RDS,
        Basis::Documented,
    ),
    ev(
        CH_LSM,
        PR_LSM,
        39,
        EventKind::SessionEnded,
        "The session was disconnected by another session (TargetSession by Source).",
        &["TargetSession", "Source"],
        SRC_RDS,
        Basis::Documented,
    ),
    ev(
        CH_LSM,
        PR_LSM,
        40,
        EventKind::DisconnectReason,
        "The session was disconnected; Reason is the server's disconnect reason (the errorInfo code space of [MS-RDPBCGR] 2.2.5.1.1).",
        &["Session", "Reason"],
        SRC_RDS,
        Basis::Observed,
    ),
    // RDP client
    ev(
        CH_RDPCLIENT,
        PR_RDPCLIENT,
        1026,
        EventKind::ClientDisconnected,
        "The Remote Desktop client (ActiveX) was disconnected; the value is the client's disconnect reason (discReason).",
        &["Name", "Value"],
        SRC_RDS,
        Basis::Observed,
    ),
];

/// The entry for (channel, provider, id & 0xFFFF); names compare case-insensitively.
pub fn event(channel: &str, provider: &str, id: u32) -> Option<&'static EventDef> {
    let id = (id & 0xFFFF) as u16;
    EVENTS
        .iter()
        .find(|e| e.id == id && e.provider.eq_ignore_ascii_case(provider) && e.channel.eq_ignore_ascii_case(channel))
}

/// Logon types of events 4624/4625 (Microsoft Learn: event 4624, "Logon types").
pub static LOGON_TYPES: &[(u32, &str, &str)] = &[
    (2, "Interactive", "at the keyboard of the machine"),
    (3, "Network", "over the network (SMB, and Remote Desktop with NLA, which authenticates as a network logon)"),
    (4, "Batch", "a scheduled task"),
    (5, "Service", "a service started"),
    (7, "Unlock", "the workstation was unlocked (also a Remote Desktop reconnection)"),
    (8, "NetworkCleartext", "over the network with a cleartext password (IIS basic auth, OpenSSH password logon)"),
    (9, "NewCredentials", "runas /netonly"),
    (10, "RemoteInteractive", "Remote Desktop (Terminal Services)"),
    (11, "CachedInteractive", "with cached domain credentials"),
];

pub fn logon_type(t: u32) -> Option<(&'static str, &'static str)> {
    LOGON_TYPES.iter().find(|(v, _, _)| *v == t).map(|(_, n, m)| (*n, *m))
}

/// Windows system error codes seen in RdpCoreTS socket events and as HRESULT_FROM_WIN32
/// (0x8007xxxx) ([MS-ERREF] 2.2 Win32 Error Codes).
pub static WIN32_ERRORS: &[(u32, &str, &str)] = &[
    (
        64,
        "ERROR_NETNAME_DELETED",
        "The network connection is no longer available (the peer or a device on the path dropped it).",
    ),
    (87, "ERROR_INVALID_PARAMETER", "A parameter is incorrect."),
    (121, "ERROR_SEM_TIMEOUT", "The operation timed out."),
    (1236, "ERROR_CONNECTION_ABORTED", "The connection was aborted by the local system."),
    (10053, "WSAECONNABORTED", "Software in the host aborted the connection (a timeout or protocol error)."),
    (10054, "WSAECONNRESET", "The peer reset the connection."),
    (10060, "WSAETIMEDOUT", "The peer did not answer in time."),
];

/// Decodes a Win32 error, or an HRESULT wrapping one (0x8007xxxx).
pub fn win32_error(code: u32) -> Option<(&'static str, &'static str)> {
    let code = if code & 0xFFFF_0000 == 0x8007_0000 { code & 0xFFFF } else { code };
    WIN32_ERRORS.iter().find(|(v, _, _)| *v == code).map(|(_, n, m)| (*n, *m))
}

/// Where a registry value lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RegScope {
    /// HKLM\SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services (Group Policy).
    TsPolicy,
    /// HKLM\SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp (the listener).
    RdpTcp,
    /// HKLM\SYSTEM\CurrentControlSet\Control\Terminal Server.
    TerminalServer,
    /// HKLM\SYSTEM\CurrentControlSet\Control\Lsa\FIPSAlgorithmPolicy.
    Fips,
    /// HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System\CredSSP\Parameters.
    Credssp,
    /// HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\<version>\Server.
    SchannelServer,
    /// HKLM\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002 (cipher suite order policy).
    CipherOrderPolicy,
}

pub const KEY_TS_POLICY: &str = r"HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services";
pub const KEY_RDP_TCP: &str =
    r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp";
pub const KEY_TERMINAL_SERVER: &str = r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\Terminal Server";
pub const KEY_FIPS: &str = r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\Lsa\FIPSAlgorithmPolicy";
pub const KEY_CREDSSP: &str =
    r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System\CredSSP\Parameters";
pub const KEY_SCHANNEL_PROTOCOLS: &str =
    r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols";
pub const KEY_CIPHER_ORDER: &str =
    r"HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002";

/// One registry setting rdp-doctor reads and what its values mean.
#[derive(Debug)]
pub struct RegSetting {
    /// The value name (and, for SCHANNEL, the protocol: "TLS 1.2 Server Enabled").
    pub name: &'static str,
    /// Where it may be set, the winning scope first.
    pub scopes: &'static [RegScope],
    pub meaning: &'static str,
    /// Meanings of the values, where they are a small set.
    pub values: &'static [(u32, &'static str)],
    pub source: &'static str,
}

const SRC_TS_GP: &str = "Microsoft Learn: Remote Desktop Services Group Policy (Security) and the RDP-Tcp WinStation settings; Group Policy values override the listener's";

pub static REG_SETTINGS: &[RegSetting] = &[
    RegSetting {
        name: "SecurityLayer",
        scopes: &[RegScope::TsPolicy, RegScope::RdpTcp],
        meaning: "Which security layer the listener requires",
        values: &[
            (0, "RDP (Standard RDP Security only)"),
            (1, "Negotiate (TLS if the client supports it)"),
            (2, "SSL (TLS required)"),
        ],
        source: SRC_TS_GP,
    },
    RegSetting {
        name: "UserAuthentication",
        scopes: &[RegScope::TsPolicy, RegScope::RdpTcp],
        meaning: "Whether Network Level Authentication (CredSSP) is required",
        values: &[(0, "NLA not required"), (1, "NLA required")],
        source: SRC_TS_GP,
    },
    RegSetting {
        name: "MinEncryptionLevel",
        scopes: &[RegScope::TsPolicy, RegScope::RdpTcp],
        meaning: "Standard RDP Security encryption level (values as encryptionLevel, [MS-RDPBCGR] 2.2.1.4.3)",
        values: &[],
        source: SRC_TS_GP,
    },
    RegSetting {
        name: "fDenyTSConnections",
        scopes: &[RegScope::TsPolicy, RegScope::TerminalServer],
        meaning: "Whether Remote Desktop connections are refused",
        values: &[(0, "connections allowed"), (1, "connections denied")],
        source: SRC_TS_GP,
    },
    RegSetting {
        name: "fPromptForPassword",
        scopes: &[RegScope::TsPolicy, RegScope::RdpTcp],
        meaning: "Always prompt for the password on connection (saved credentials refused)",
        values: &[(0, "saved credentials allowed"), (1, "always prompt")],
        source: SRC_TS_GP,
    },
    RegSetting {
        name: "PortNumber",
        scopes: &[RegScope::RdpTcp],
        meaning: "The TCP port the RDP-Tcp listener listens on",
        values: &[],
        source: SRC_TS_GP,
    },
    RegSetting {
        name: "SSLCertificateSHA1Hash",
        scopes: &[RegScope::RdpTcp],
        meaning: "SHA-1 thumbprint of the certificate the listener presents (absent: the self-signed one in the Remote Desktop store)",
        values: &[],
        source: SRC_TS_GP,
    },
    RegSetting {
        name: "FIPSAlgorithmPolicy Enabled",
        scopes: &[RegScope::Fips],
        meaning: "System cryptography: Use FIPS compliant algorithms",
        values: &[(0, "off"), (1, "on")],
        source: "Microsoft Learn: System cryptography: Use FIPS compliant algorithms",
    },
    RegSetting {
        name: "AllowEncryptionOracle",
        scopes: &[RegScope::Credssp],
        meaning: "CredSSP Encryption Oracle Remediation (values as the encryption-oracle table)",
        values: &[],
        source: SRC_CREDSSP,
    },
    RegSetting {
        name: "Functions",
        scopes: &[RegScope::CipherOrderPolicy],
        meaning: "The cipher suite order policy: the only suites Schannel offers when set",
        values: &[],
        source: "Microsoft Learn: Prioritizing Schannel cipher suites (SSL Cipher Suite Order policy)",
    },
];

/// SCHANNEL\Protocols\<name>\Server: Enabled / DisabledByDefault ([Microsoft Learn: TLS registry settings]).
pub static SCHANNEL_PROTOCOLS: &[(&str, &str)] = &[
    ("SSL 3.0", "ssl3.0"),
    ("TLS 1.0", "tls1.0"),
    ("TLS 1.1", "tls1.1"),
    ("TLS 1.2", "tls1.2"),
    ("TLS 1.3", "tls1.3"),
];

pub fn reg_setting(name: &str) -> Option<&'static RegSetting> {
    REG_SETTINGS.iter().find(|s| s.name.eq_ignore_ascii_case(name))
}

/// The meaning of `value` for `name`, when the setting has a small set of values.
pub fn reg_value_meaning(name: &str, value: u32) -> Option<&'static str> {
    reg_setting(name)?.values.iter().find(|(v, _)| *v == value).map(|(_, m)| *m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_lookup_masks_qualifiers() {
        let mut seen = std::collections::HashSet::new();
        for e in EVENTS {
            assert!(seen.insert((e.channel, e.provider, e.id)), "duplicate {} {}", e.provider, e.id);
            assert!(!e.source.is_empty() && !e.meaning.is_empty());
        }
        // Classic event: Qualifiers 49152 (0xC000) in the high word.
        let e = event("System", "Microsoft-Windows-TerminalServices-RemoteConnectionManager", 0xC000_0420).unwrap();
        assert_eq!(e.id, 1056);
        assert!(event("system", "schannel", 36870).is_some());
        assert!(event("Security", "Schannel", 36870).is_none());
    }

    #[test]
    fn win32_errors_decode_plain_and_as_hresult() {
        assert_eq!(win32_error(64).map(|e| e.0), Some("ERROR_NETNAME_DELETED"));
        assert_eq!(win32_error(0x8007_0040).map(|e| e.0), Some("ERROR_NETNAME_DELETED"));
        assert_eq!(win32_error(0x8009_030D), None);
    }
}
