//! Every finding id rdp-doctor can report: the public, stable spelling (docs/findings.md) is the
//! serde name. The order is the catalogue's (`catalogue::CATALOGUE`), checked when compiling.

use serde::{Deserialize, Serialize};

/// A finding id. `as_str()` and the JSON give the kebab-case id of docs/findings.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum FindingId {
    #[serde(rename = "dns-unresolved")]
    DnsUnresolved,
    #[serde(rename = "tcp-refused")]
    TcpRefused,
    #[serde(rename = "tcp-timeout")]
    TcpTimeout,
    #[serde(rename = "tcp-unreachable")]
    TcpUnreachable,
    #[serde(rename = "tcp-error")]
    TcpError,
    #[serde(rename = "address-unreachable")]
    AddressUnreachable,
    #[serde(rename = "closed-before-negotiation")]
    ClosedBeforeNegotiation,
    #[serde(rename = "no-response")]
    NoResponse,
    #[serde(rename = "not-rdp")]
    NotRdp,
    #[serde(rename = "malformed-response")]
    MalformedResponse,
    #[serde(rename = "nla-required")]
    NlaRequired,
    #[serde(rename = "tls-required")]
    TlsRequired,
    #[serde(rename = "standard-rdp-security-only")]
    StandardRdpSecurityOnly,
    #[serde(rename = "cert-not-on-server")]
    CertNotOnServer,
    #[serde(rename = "inconsistent-flags")]
    InconsistentFlags,
    #[serde(rename = "tls-with-user-auth-required")]
    TlsWithUserAuthRequired,
    #[serde(rename = "nla-not-required")]
    NlaNotRequired,
    #[serde(rename = "legacy-negotiation")]
    LegacyNegotiation,
    #[serde(rename = "restricted-admin-supported")]
    RestrictedAdminSupported,
    #[serde(rename = "restricted-admin-unsupported")]
    RestrictedAdminUnsupported,
    #[serde(rename = "tls-handshake-aborted")]
    TlsHandshakeAborted,
    #[serde(rename = "path-mtu-blackhole")]
    PathMtuBlackhole,
    #[serde(rename = "tls-handshake-stalled")]
    TlsHandshakeStalled,
    #[serde(rename = "tls-protocol-mismatch")]
    TlsProtocolMismatch,
    #[serde(rename = "tls-cipher-mismatch")]
    TlsCipherMismatch,
    #[serde(rename = "tls-legacy-only")]
    TlsLegacyOnly,
    #[serde(rename = "tls-weak-suites")]
    TlsWeakSuites,
    #[serde(rename = "cert-expired")]
    CertExpired,
    #[serde(rename = "cert-not-yet-valid")]
    CertNotYetValid,
    #[serde(rename = "cert-expiring-soon")]
    CertExpiringSoon,
    #[serde(rename = "cert-name-mismatch")]
    CertNameMismatch,
    #[serde(rename = "cert-untrusted")]
    CertUntrusted,
    #[serde(rename = "cert-weak-key")]
    CertWeakKey,
    #[serde(rename = "cert-weak-signature")]
    CertWeakSignature,
    #[serde(rename = "cert-wrong-usage")]
    CertWrongUsage,
    #[serde(rename = "credssp-server-unpatched")]
    CredsspServerUnpatched,
    #[serde(rename = "credssp-failed")]
    CredsspFailed,
    #[serde(rename = "credssp-host-info")]
    CredsspHostInfo,
    #[serde(rename = "credentials-accepted")]
    CredentialsAccepted,
    #[serde(rename = "credentials-rejected")]
    CredentialsRejected,
    #[serde(rename = "password-expired")]
    PasswordExpired,
    #[serde(rename = "password-must-change")]
    PasswordMustChange,
    #[serde(rename = "account-locked")]
    AccountLocked,
    #[serde(rename = "account-disabled")]
    AccountDisabled,
    #[serde(rename = "account-expired")]
    AccountExpired,
    #[serde(rename = "account-restricted")]
    AccountRestricted,
    #[serde(rename = "logon-type-not-granted")]
    LogonTypeNotGranted,
    #[serde(rename = "user-not-authorized")]
    UserNotAuthorized,
    #[serde(rename = "credentials-not-sent")]
    CredentialsNotSent,
    #[serde(rename = "credentials-not-checked")]
    CredentialsNotChecked,
    #[serde(rename = "restricted-admin-accepted")]
    RestrictedAdminAccepted,
    #[serde(rename = "restricted-admin-refused")]
    RestrictedAdminRefused,
    #[serde(rename = "session-established")]
    SessionEstablished,
    #[serde(rename = "session-not-checked")]
    SessionNotChecked,
    #[serde(rename = "server-denied-connection")]
    ServerDeniedConnection,
    #[serde(rename = "server-insufficient-privileges")]
    ServerInsufficientPrivileges,
    #[serde(rename = "fresh-credentials-required")]
    FreshCredentialsRequired,
    #[serde(rename = "server-denied-fips")]
    ServerDeniedFips,
    #[serde(rename = "licensing-failed")]
    LicensingFailed,
    #[serde(rename = "redirected")]
    Redirected,
    #[serde(rename = "logon-failed")]
    LogonFailed,
    #[serde(rename = "disconnected-by-server")]
    DisconnectedByServer,
    #[serde(rename = "session-incomplete")]
    SessionIncomplete,
    #[serde(rename = "fips-required")]
    FipsRequired,
    #[serde(rename = "rdp-no-encryption")]
    RdpNoEncryption,
    #[serde(rename = "weak-rdp-encryption")]
    WeakRdpEncryption,
    #[serde(rename = "no-protocol-usable")]
    NoProtocolUsable,
    #[serde(rename = "invalid-protocol-selected")]
    InvalidProtocolSelected,
    #[serde(rename = "tls-handshake-failed")]
    TlsHandshakeFailed,
    #[serde(rename = "tls-answer-not-tls")]
    TlsAnswerNotTls,
    #[serde(rename = "session-stalled")]
    SessionStalled,
    #[serde(rename = "intermittent-failures")]
    IntermittentFailures,
    #[serde(rename = "latency-unstable")]
    LatencyUnstable,
    #[serde(rename = "deadline-reached")]
    DeadlineReached,
    #[serde(rename = "client-saved-credential")]
    ClientSavedCredential,
    #[serde(rename = "client-credssp-mismatch")]
    ClientCredsspMismatch,
    #[serde(rename = "client-credssp-vulnerable")]
    ClientCredsspVulnerable,
    #[serde(rename = "client-credssp-version-refused")]
    ClientCredsspVersionRefused,
    #[serde(rename = "client-tls-disabled")]
    ClientTlsDisabled,
    #[serde(rename = "client-recent-disconnects")]
    ClientRecentDisconnects,
    #[serde(rename = "client-rdp-defaults")]
    ClientRdpDefaults,
    #[serde(rename = "gateway-unreachable")]
    GatewayUnreachable,
    #[serde(rename = "gateway-tls-failed")]
    GatewayTlsFailed,
    #[serde(rename = "gateway-cert-expired")]
    GatewayCertExpired,
    #[serde(rename = "gateway-cert-name-mismatch")]
    GatewayCertNameMismatch,
    #[serde(rename = "gateway-cert-untrusted")]
    GatewayCertUntrusted,
    #[serde(rename = "gateway-auth-failed")]
    GatewayAuthFailed,
    #[serde(rename = "gateway-auth-not-checked")]
    GatewayAuthNotChecked,
    #[serde(rename = "gateway-http-transport-disabled")]
    GatewayHttpTransportDisabled,
    #[serde(rename = "gateway-http-blocked")]
    GatewayHttpBlocked,
    #[serde(rename = "gateway-cap-denied")]
    GatewayCapDenied,
    #[serde(rename = "gateway-rap-denied")]
    GatewayRapDenied,
    #[serde(rename = "gateway-target-unreachable")]
    GatewayTargetUnreachable,
    #[serde(rename = "gateway-max-connections")]
    GatewayMaxConnections,
    #[serde(rename = "gateway-channel-closed")]
    GatewayChannelClosed,
    #[serde(rename = "gateway-protocol-error")]
    GatewayProtocolError,
    #[serde(rename = "gateway-not-checked")]
    GatewayNotChecked,
    #[serde(rename = "gateway-ok")]
    GatewayOk,
    #[serde(rename = "schannel-private-key-unusable")]
    SchannelPrivateKeyUnusable,
    #[serde(rename = "rdp-cert-not-created")]
    RdpCertNotCreated,
    #[serde(rename = "credssp-version-refused")]
    CredsspVersionRefused,
    #[serde(rename = "rdp-network-drops")]
    RdpNetworkDrops,
    #[serde(rename = "session-ended-by-server")]
    SessionEndedByServer,
    #[serde(rename = "client-disconnect-recorded")]
    ClientDisconnectRecorded,
    #[serde(rename = "evidence-nla-mismatch")]
    EvidenceNlaMismatch,
    #[serde(rename = "evidence-cert-mismatch")]
    EvidenceCertMismatch,
}

impl FindingId {
    /// Every id, in the catalogue's order.
    pub const ALL: [FindingId; 106] = [
        FindingId::DnsUnresolved,
        FindingId::TcpRefused,
        FindingId::TcpTimeout,
        FindingId::TcpUnreachable,
        FindingId::TcpError,
        FindingId::AddressUnreachable,
        FindingId::ClosedBeforeNegotiation,
        FindingId::NoResponse,
        FindingId::NotRdp,
        FindingId::MalformedResponse,
        FindingId::NlaRequired,
        FindingId::TlsRequired,
        FindingId::StandardRdpSecurityOnly,
        FindingId::CertNotOnServer,
        FindingId::InconsistentFlags,
        FindingId::TlsWithUserAuthRequired,
        FindingId::NlaNotRequired,
        FindingId::LegacyNegotiation,
        FindingId::RestrictedAdminSupported,
        FindingId::RestrictedAdminUnsupported,
        FindingId::TlsHandshakeAborted,
        FindingId::PathMtuBlackhole,
        FindingId::TlsHandshakeStalled,
        FindingId::TlsProtocolMismatch,
        FindingId::TlsCipherMismatch,
        FindingId::TlsLegacyOnly,
        FindingId::TlsWeakSuites,
        FindingId::CertExpired,
        FindingId::CertNotYetValid,
        FindingId::CertExpiringSoon,
        FindingId::CertNameMismatch,
        FindingId::CertUntrusted,
        FindingId::CertWeakKey,
        FindingId::CertWeakSignature,
        FindingId::CertWrongUsage,
        FindingId::CredsspServerUnpatched,
        FindingId::CredsspFailed,
        FindingId::CredsspHostInfo,
        FindingId::CredentialsAccepted,
        FindingId::CredentialsRejected,
        FindingId::PasswordExpired,
        FindingId::PasswordMustChange,
        FindingId::AccountLocked,
        FindingId::AccountDisabled,
        FindingId::AccountExpired,
        FindingId::AccountRestricted,
        FindingId::LogonTypeNotGranted,
        FindingId::UserNotAuthorized,
        FindingId::CredentialsNotSent,
        FindingId::CredentialsNotChecked,
        FindingId::RestrictedAdminAccepted,
        FindingId::RestrictedAdminRefused,
        FindingId::SessionEstablished,
        FindingId::SessionNotChecked,
        FindingId::ServerDeniedConnection,
        FindingId::ServerInsufficientPrivileges,
        FindingId::FreshCredentialsRequired,
        FindingId::ServerDeniedFips,
        FindingId::LicensingFailed,
        FindingId::Redirected,
        FindingId::LogonFailed,
        FindingId::DisconnectedByServer,
        FindingId::SessionIncomplete,
        FindingId::FipsRequired,
        FindingId::RdpNoEncryption,
        FindingId::WeakRdpEncryption,
        FindingId::NoProtocolUsable,
        FindingId::InvalidProtocolSelected,
        FindingId::TlsHandshakeFailed,
        FindingId::TlsAnswerNotTls,
        FindingId::SessionStalled,
        FindingId::IntermittentFailures,
        FindingId::LatencyUnstable,
        FindingId::DeadlineReached,
        FindingId::ClientSavedCredential,
        FindingId::ClientCredsspMismatch,
        FindingId::ClientCredsspVulnerable,
        FindingId::ClientCredsspVersionRefused,
        FindingId::ClientTlsDisabled,
        FindingId::ClientRecentDisconnects,
        FindingId::ClientRdpDefaults,
        FindingId::GatewayUnreachable,
        FindingId::GatewayTlsFailed,
        FindingId::GatewayCertExpired,
        FindingId::GatewayCertNameMismatch,
        FindingId::GatewayCertUntrusted,
        FindingId::GatewayAuthFailed,
        FindingId::GatewayAuthNotChecked,
        FindingId::GatewayHttpTransportDisabled,
        FindingId::GatewayHttpBlocked,
        FindingId::GatewayCapDenied,
        FindingId::GatewayRapDenied,
        FindingId::GatewayTargetUnreachable,
        FindingId::GatewayMaxConnections,
        FindingId::GatewayChannelClosed,
        FindingId::GatewayProtocolError,
        FindingId::GatewayNotChecked,
        FindingId::GatewayOk,
        FindingId::SchannelPrivateKeyUnusable,
        FindingId::RdpCertNotCreated,
        FindingId::CredsspVersionRefused,
        FindingId::RdpNetworkDrops,
        FindingId::SessionEndedByServer,
        FindingId::ClientDisconnectRecorded,
        FindingId::EvidenceNlaMismatch,
        FindingId::EvidenceCertMismatch,
    ];

    /// The id as docs/findings.md, the JSON report and the metrics spell it.
    pub const fn as_str(self) -> &'static str {
        match self {
            FindingId::DnsUnresolved => "dns-unresolved",
            FindingId::TcpRefused => "tcp-refused",
            FindingId::TcpTimeout => "tcp-timeout",
            FindingId::TcpUnreachable => "tcp-unreachable",
            FindingId::TcpError => "tcp-error",
            FindingId::AddressUnreachable => "address-unreachable",
            FindingId::ClosedBeforeNegotiation => "closed-before-negotiation",
            FindingId::NoResponse => "no-response",
            FindingId::NotRdp => "not-rdp",
            FindingId::MalformedResponse => "malformed-response",
            FindingId::NlaRequired => "nla-required",
            FindingId::TlsRequired => "tls-required",
            FindingId::StandardRdpSecurityOnly => "standard-rdp-security-only",
            FindingId::CertNotOnServer => "cert-not-on-server",
            FindingId::InconsistentFlags => "inconsistent-flags",
            FindingId::TlsWithUserAuthRequired => "tls-with-user-auth-required",
            FindingId::NlaNotRequired => "nla-not-required",
            FindingId::LegacyNegotiation => "legacy-negotiation",
            FindingId::RestrictedAdminSupported => "restricted-admin-supported",
            FindingId::RestrictedAdminUnsupported => "restricted-admin-unsupported",
            FindingId::TlsHandshakeAborted => "tls-handshake-aborted",
            FindingId::PathMtuBlackhole => "path-mtu-blackhole",
            FindingId::TlsHandshakeStalled => "tls-handshake-stalled",
            FindingId::TlsProtocolMismatch => "tls-protocol-mismatch",
            FindingId::TlsCipherMismatch => "tls-cipher-mismatch",
            FindingId::TlsLegacyOnly => "tls-legacy-only",
            FindingId::TlsWeakSuites => "tls-weak-suites",
            FindingId::CertExpired => "cert-expired",
            FindingId::CertNotYetValid => "cert-not-yet-valid",
            FindingId::CertExpiringSoon => "cert-expiring-soon",
            FindingId::CertNameMismatch => "cert-name-mismatch",
            FindingId::CertUntrusted => "cert-untrusted",
            FindingId::CertWeakKey => "cert-weak-key",
            FindingId::CertWeakSignature => "cert-weak-signature",
            FindingId::CertWrongUsage => "cert-wrong-usage",
            FindingId::CredsspServerUnpatched => "credssp-server-unpatched",
            FindingId::CredsspFailed => "credssp-failed",
            FindingId::CredsspHostInfo => "credssp-host-info",
            FindingId::CredentialsAccepted => "credentials-accepted",
            FindingId::CredentialsRejected => "credentials-rejected",
            FindingId::PasswordExpired => "password-expired",
            FindingId::PasswordMustChange => "password-must-change",
            FindingId::AccountLocked => "account-locked",
            FindingId::AccountDisabled => "account-disabled",
            FindingId::AccountExpired => "account-expired",
            FindingId::AccountRestricted => "account-restricted",
            FindingId::LogonTypeNotGranted => "logon-type-not-granted",
            FindingId::UserNotAuthorized => "user-not-authorized",
            FindingId::CredentialsNotSent => "credentials-not-sent",
            FindingId::CredentialsNotChecked => "credentials-not-checked",
            FindingId::RestrictedAdminAccepted => "restricted-admin-accepted",
            FindingId::RestrictedAdminRefused => "restricted-admin-refused",
            FindingId::SessionEstablished => "session-established",
            FindingId::SessionNotChecked => "session-not-checked",
            FindingId::ServerDeniedConnection => "server-denied-connection",
            FindingId::ServerInsufficientPrivileges => "server-insufficient-privileges",
            FindingId::FreshCredentialsRequired => "fresh-credentials-required",
            FindingId::ServerDeniedFips => "server-denied-fips",
            FindingId::LicensingFailed => "licensing-failed",
            FindingId::Redirected => "redirected",
            FindingId::LogonFailed => "logon-failed",
            FindingId::DisconnectedByServer => "disconnected-by-server",
            FindingId::SessionIncomplete => "session-incomplete",
            FindingId::FipsRequired => "fips-required",
            FindingId::RdpNoEncryption => "rdp-no-encryption",
            FindingId::WeakRdpEncryption => "weak-rdp-encryption",
            FindingId::NoProtocolUsable => "no-protocol-usable",
            FindingId::InvalidProtocolSelected => "invalid-protocol-selected",
            FindingId::TlsHandshakeFailed => "tls-handshake-failed",
            FindingId::TlsAnswerNotTls => "tls-answer-not-tls",
            FindingId::SessionStalled => "session-stalled",
            FindingId::IntermittentFailures => "intermittent-failures",
            FindingId::LatencyUnstable => "latency-unstable",
            FindingId::DeadlineReached => "deadline-reached",
            FindingId::ClientSavedCredential => "client-saved-credential",
            FindingId::ClientCredsspMismatch => "client-credssp-mismatch",
            FindingId::ClientCredsspVulnerable => "client-credssp-vulnerable",
            FindingId::ClientCredsspVersionRefused => "client-credssp-version-refused",
            FindingId::ClientTlsDisabled => "client-tls-disabled",
            FindingId::ClientRecentDisconnects => "client-recent-disconnects",
            FindingId::ClientRdpDefaults => "client-rdp-defaults",
            FindingId::GatewayUnreachable => "gateway-unreachable",
            FindingId::GatewayTlsFailed => "gateway-tls-failed",
            FindingId::GatewayCertExpired => "gateway-cert-expired",
            FindingId::GatewayCertNameMismatch => "gateway-cert-name-mismatch",
            FindingId::GatewayCertUntrusted => "gateway-cert-untrusted",
            FindingId::GatewayAuthFailed => "gateway-auth-failed",
            FindingId::GatewayAuthNotChecked => "gateway-auth-not-checked",
            FindingId::GatewayHttpTransportDisabled => "gateway-http-transport-disabled",
            FindingId::GatewayHttpBlocked => "gateway-http-blocked",
            FindingId::GatewayCapDenied => "gateway-cap-denied",
            FindingId::GatewayRapDenied => "gateway-rap-denied",
            FindingId::GatewayTargetUnreachable => "gateway-target-unreachable",
            FindingId::GatewayMaxConnections => "gateway-max-connections",
            FindingId::GatewayChannelClosed => "gateway-channel-closed",
            FindingId::GatewayProtocolError => "gateway-protocol-error",
            FindingId::GatewayNotChecked => "gateway-not-checked",
            FindingId::GatewayOk => "gateway-ok",
            FindingId::SchannelPrivateKeyUnusable => "schannel-private-key-unusable",
            FindingId::RdpCertNotCreated => "rdp-cert-not-created",
            FindingId::CredsspVersionRefused => "credssp-version-refused",
            FindingId::RdpNetworkDrops => "rdp-network-drops",
            FindingId::SessionEndedByServer => "session-ended-by-server",
            FindingId::ClientDisconnectRecorded => "client-disconnect-recorded",
            FindingId::EvidenceNlaMismatch => "evidence-nla-mismatch",
            FindingId::EvidenceCertMismatch => "evidence-cert-mismatch",
        }
    }

    /// The id spelled `s`, if there is one.
    pub fn parse(s: &str) -> Option<FindingId> {
        FindingId::ALL.into_iter().find(|id| id.as_str() == s)
    }
}

impl std::fmt::Display for FindingId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for FindingId {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<str> for FindingId {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<FindingId> for &str {
    fn eq(&self, other: &FindingId) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<FindingId> for str {
    fn eq(&self, other: &FindingId) -> bool {
        self == other.as_str()
    }
}
