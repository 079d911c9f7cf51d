//! The lab's scenarios: one record each (`Scenario`), in one table (`SCENARIOS`). A record carries
//! everything about its scenario: how the server negotiates, its TLS server, its CredSSP and
//! connection-sequence scripts, the gateway in front, and the logon `rdp-doctor demo` runs. Nothing
//! looks a scenario up by name but [`find`], for the command line.

use super::credssp::{OnAuth, OnNegotiate, Script, WINDOWS_2022};
use super::session::{
    self, ERR_NO_LICENSE_SERVER, ERRINFO_UNKNOWN, LOGON_FAILED_BAD_PASSWORD, LOGON_FAILED_OTHER, REDIRECT_TARGET,
    ST_TOTAL_ABORT,
};
use super::{
    Behaviour, CertValidity, EXTENDED_CLIENT_DATA, FlakyFault, Nla, Policy, SecurityLayer, TlsServer, WINDOWS_FLAGS,
    gateway, tls_raw,
};
use crate::knowledge::errinfo::{
    ERRINFO_SERVER_DENIED_CONNECTION, ERRINFO_SERVER_DENIED_CONNECTION_FIPS, ERRINFO_SERVER_FRESH_CREDENTIALS_REQUIRED,
    ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES,
};
use crate::knowledge::ntstatus;
use crate::knowledge::tls_suites::{TLS10, TLS11, TLS12};
use ironrdp_pdu::mcs::DisconnectReason;
use std::fmt;

/// Which logon `rdp-doctor demo` runs against a scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoLogon {
    /// No credentials: the credential-less CredSSP probe only.
    None,
    /// A lab user with `LAB_PASSWORD` (the scenario's answer to a logon is the point).
    Password,
    /// A lab user with `LAB_PASSWORD` and `--restricted-admin`.
    RestrictedAdmin,
    /// A lab user with a password the lab refuses, sent by auto-logon (a refused auto-logon is the point).
    WrongPassword,
}

/// One lab scenario: everything the lab server and the demo do for it.
#[derive(Debug, PartialEq, Eq)]
pub struct Scenario {
    pub name: &'static str,
    pub description: &'static str,
    /// The negotiation (X.224), the TLS server behind it, or the RD Gateway in front of another scenario.
    pub behaviour: Behaviour,
    /// How CredSSP answers after a HYBRID or HYBRID_EX selection.
    pub credssp: Script,
    /// The connection sequence after TLS (SSL) or after CredSSP succeeded (HYBRID, HYBRID_EX).
    pub session: session::Script,
    /// The logon `rdp-doctor demo` runs against it.
    pub demo: DemoLogon,
}

/// What an entry that says nothing else does: CredSSP as Windows Server 2022 (a real NTLM server that
/// accepts the lab password), the whole connection sequence, no logon in the demo. Every entry names its
/// `name`, `description` and `behaviour` (the test below checks the first two).
const BASE: Scenario = Scenario {
    name: "",
    description: "",
    behaviour: Behaviour::Silent,
    credssp: WINDOWS_2022,
    session: session::Script::Healthy,
    demo: DemoLogon::None,
};

/// A Windows Server 2022-like CredSSP script that answers the AUTHENTICATE with this errorCode (NTSTATUS).
const fn status(code: u32) -> Script {
    Script { on_auth: OnAuth::ErrorCode(code), ..WINDOWS_2022 }
}

/// An unknown scenario name (from the command line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownScenario(pub String);

impl fmt::Display for UnknownScenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no lab scenario {:?}; `rdp-doctor lab --list` lists them", self.0)
    }
}

impl std::error::Error for UnknownScenario {}

/// The scenario called `name`: the one lookup by name, for `rdp-doctor lab --scenario` and `demo NAME`.
pub fn find(name: &str) -> Result<&'static Scenario, UnknownScenario> {
    SCENARIOS.iter().find(|s| s.name == name).ok_or_else(|| UnknownScenario(name.to_string()))
}

const fn policy(security_layer: SecurityLayer, nla: Nla, cert_ok: bool, hybrid_flags: u8) -> Behaviour {
    Behaviour::Negotiate(Policy {
        security_layer,
        nla,
        cert_ok,
        hybrid_flags,
        ignores_negotiation: false,
        hybrid_ex: false,
    })
}

/// A Windows-like negotiation: TLS required, CredSSP offered, with the flags Windows sets.
const WINDOWS_POLICY: Policy = Policy {
    security_layer: SecurityLayer::Tls,
    nla: Nla::Supported,
    cert_ok: true,
    hybrid_flags: WINDOWS_FLAGS,
    ignores_negotiation: false,
    hybrid_ex: false,
};

/// Windows 10 / Server 2016 and later with NLA required (UserAuthentication=1): HYBRID_EX for a client
/// that offers it (mstsc's 0xB), HYBRID otherwise.
const MODERN_NLA_POLICY: Policy = Policy { nla: Nla::Required, hybrid_ex: true, ..WINDOWS_POLICY };

/// A Windows-like negotiation (TLS required, CredSSP offered) in front of `tls`.
const fn windows_with(tls: TlsServer) -> Behaviour {
    Behaviour::NegotiateTls(WINDOWS_POLICY, tls)
}

/// Two records named here because a gateway scenario puts one of them behind the lab gateway
/// (`Gateway::backend`); the table lists them in their place like any other.
pub const HEALTHY: Scenario = Scenario {
    name: "healthy",
    description: "Windows-like: HYBRID for SSL|HYBRID|HYBRID_EX, SSL for SSL-only, TLS required, restricted admin supported; on the SSL path (no credentials) the connection sequence up to a first bitmap update",
    behaviour: policy(SecurityLayer::Tls, Nla::Supported, true, WINDOWS_FLAGS),
    ..BASE
};

const SERVER_DENIED: Scenario = Scenario {
    name: "server-denied",
    description: "TLS; after Client Info, Set Error Info ERRINFO_SERVER_DENIED_CONNECTION (0x7) then MCS Disconnect Provider Ultimatum, as Windows sends it",
    behaviour: policy(SecurityLayer::Tls, Nla::Off, true, EXTENDED_CLIENT_DATA),
    session: session::Script::ErrorInfoInLicensing(ERRINFO_SERVER_DENIED_CONNECTION),
    ..BASE
};

const RSA2048_CERT: &[u8] = include_bytes!("certs/rsa2048-sha256.der");
const WEAK_CERT: &[u8] = include_bytes!("certs/weak-rsa1024-sha1.der");

pub static SCENARIOS: &[Scenario] = &[
    HEALTHY,
    Scenario {
        name: "nla-required",
        description: "TLS and NLA required (UserAuthentication=1): requests without CredSSP get HYBRID_REQUIRED_BY_SERVER",
        behaviour: policy(SecurityLayer::Tls, Nla::Required, true, WINDOWS_FLAGS),
        ..BASE
    },
    Scenario {
        name: "tls-required",
        description: "TLS required, no CredSSP: Standard RDP Security requests get SSL_REQUIRED_BY_SERVER",
        behaviour: policy(SecurityLayer::Tls, Nla::Off, true, EXTENDED_CLIENT_DATA),
        ..BASE
    },
    Scenario {
        name: "rdp-security-only",
        description: "SecurityLayer=0: any TLS or CredSSP request gets SSL_NOT_ALLOWED_BY_SERVER",
        behaviour: policy(SecurityLayer::Rdp, Nla::Off, true, 0),
        ..BASE
    },
    Scenario {
        name: "cert-missing",
        description: "No usable certificate: TLS and CredSSP requests get SSL_CERT_NOT_ON_SERVER",
        behaviour: policy(SecurityLayer::Negotiate, Nla::Supported, false, WINDOWS_FLAGS),
        ..BASE
    },
    Scenario {
        name: "legacy-server",
        description: "Pre-RDP 5.2 server: ignores RDP_NEG_REQ, always a plain Connection Confirm",
        behaviour: Behaviour::Negotiate(Policy {
            security_layer: SecurityLayer::Rdp,
            nla: Nla::Off,
            cert_ok: false,
            hybrid_flags: 0,
            ignores_negotiation: true,
            hybrid_ex: false,
        }),
        ..BASE
    },
    Scenario {
        name: "accept-then-close",
        description: "Accepts the TCP connection, reads the request, closes it (FIN)",
        behaviour: Behaviour::AcceptThenClose,
        ..BASE
    },
    Scenario {
        name: "accept-then-reset",
        description: "Accepts the TCP connection, reads the request, resets it (RST)",
        behaviour: Behaviour::AcceptThenReset,
        ..BASE
    },
    Scenario {
        name: "silent",
        description: "Accepts the TCP connection and never answers",
        behaviour: Behaviour::Silent,
        ..BASE
    },
    Scenario { name: "not-rdp", description: "An HTTP server on the RDP port", behaviour: Behaviour::NotRdp, ..BASE },
    // --- CredSSP ---
    Scenario {
        name: "credssp-v2",
        description: "Windows 7 / 2008 R2 before the 2018 update: CredSSP version 2, no errorCode; closes after a bad logon",
        behaviour: policy(SecurityLayer::Tls, Nla::Required, true, EXTENDED_CLIENT_DATA),
        credssp: Script { version: 2, build: 7601, on_auth: OnAuth::Close, ..WINDOWS_2022 },
        ..BASE
    },
    Scenario {
        name: "credssp-v3",
        description: "Windows 8.1 / 2012 R2 before the 2018 update: CredSSP version 3",
        behaviour: policy(SecurityLayer::Tls, Nla::Required, true, EXTENDED_CLIENT_DATA),
        credssp: Script {
            version: 3,
            build: 9600,
            on_auth: OnAuth::ErrorCode(ntstatus::STATUS_LOGON_FAILURE),
            ..WINDOWS_2022
        },
        ..BASE
    },
    Scenario {
        name: "wrong-password",
        description: "Answers the NTLM AUTHENTICATE with errorCode STATUS_LOGON_FAILURE",
        behaviour: policy(SecurityLayer::Tls, Nla::Required, true, WINDOWS_FLAGS),
        // STATUS_LOGON_FAILURE
        credssp: status(ntstatus::STATUS_LOGON_FAILURE),
        demo: DemoLogon::Password,
        ..BASE
    },
    Scenario {
        name: "account-locked",
        description: "Answers the NTLM AUTHENTICATE with errorCode STATUS_ACCOUNT_LOCKED_OUT",
        behaviour: policy(SecurityLayer::Tls, Nla::Required, true, WINDOWS_FLAGS),
        // STATUS_ACCOUNT_LOCKED_OUT
        credssp: status(ntstatus::STATUS_ACCOUNT_LOCKED_OUT),
        demo: DemoLogon::Password,
        ..BASE
    },
    Scenario {
        name: "password-expired",
        description: "Answers the NTLM AUTHENTICATE with errorCode STATUS_PASSWORD_EXPIRED",
        behaviour: policy(SecurityLayer::Tls, Nla::Required, true, WINDOWS_FLAGS),
        // STATUS_PASSWORD_EXPIRED
        credssp: status(ntstatus::STATUS_PASSWORD_EXPIRED),
        demo: DemoLogon::Password,
        ..BASE
    },
    Scenario {
        name: "logon-right-missing",
        description: "HYBRID_EX: accepts the password (lab password), then Early User Authorization Result ACCESS_DENIED",
        behaviour: Behaviour::Negotiate(MODERN_NLA_POLICY),
        credssp: Script { on_auth: OnAuth::EarlyAuth(5), ..WINDOWS_2022 },
        demo: DemoLogon::Password,
        ..BASE
    },
    Scenario {
        name: "nla-close-after-auth",
        description: "Closes the connection after the NTLM AUTHENTICATE, without an errorCode",
        behaviour: policy(SecurityLayer::Tls, Nla::Required, true, WINDOWS_FLAGS),
        credssp: Script { on_auth: OnAuth::Close, ..WINDOWS_2022 },
        demo: DemoLogon::Password,
        ..BASE
    },
    Scenario {
        name: "tls-private-key-broken",
        description: "Windows with an unusable certificate key (MachineKeys): selects SSL/HYBRID, then resets on the ClientHello",
        behaviour: windows_with(TlsServer::ResetOnHello),
        ..BASE
    },
    Scenario {
        name: "cert-expired",
        description: "Self-signed certificate that expired 10 days ago (rustls, TLS 1.2 and 1.3)",
        behaviour: windows_with(TlsServer::Rustls { validity: CertValidity::Expired, tls13_only: false }),
        ..BASE
    },
    Scenario {
        name: "cert-not-yet-valid",
        description: "Self-signed certificate valid only from 10 days from now (rustls, TLS 1.2 and 1.3)",
        behaviour: windows_with(TlsServer::Rustls { validity: CertValidity::NotYetValid, tls13_only: false }),
        ..BASE
    },
    Scenario {
        name: "tls10-only",
        description: "TLS 1.0 only, AES-CBC with RSA key exchange (hand-written responder: ServerHello, Certificate, ServerHelloDone)",
        behaviour: windows_with(TlsServer::Raw(tls_raw::RawTls {
            versions: &[TLS10],
            suites: &[0x0035, 0x002F],
            certificate: RSA2048_CERT,
        })),
        ..BASE
    },
    Scenario {
        name: "tls13-only",
        description: "TLS 1.3 only (rustls): clients without TLS 1.3, such as Windows 10, cannot connect",
        behaviour: windows_with(TlsServer::Rustls { validity: CertValidity::Current, tls13_only: true }),
        ..BASE
    },
    Scenario {
        name: "legacy-ciphers-only",
        description: "TLS 1.0-1.2 with only TLS_RSA_WITH_3DES_EDE_CBC_SHA and TLS_RSA_WITH_RC4_128_SHA (hand-written responder)",
        behaviour: windows_with(TlsServer::Raw(tls_raw::RawTls {
            versions: &[TLS10, TLS11, TLS12],
            suites: &[0x000A, 0x0005],
            certificate: RSA2048_CERT,
        })),
        ..BASE
    },
    Scenario {
        name: "weak-cert",
        description: "RSA-1024 certificate signed with SHA-1; TLS 1.2 with RSA key exchange (hand-written responder)",
        behaviour: windows_with(TlsServer::Raw(tls_raw::RawTls {
            versions: &[TLS12],
            suites: &[0x009C, 0x0035, 0x002F],
            certificate: WEAK_CERT,
        })),
        ..BASE
    },
    Scenario {
        name: "mtu-blackhole",
        description: "A path that drops large packets: the lab reads the accepted socket's MSS (TCP_MAXSEG) and stays silent after the ClientHello above 536; a client that clamps its MSS to 536 gets the TLS answer",
        behaviour: windows_with(TlsServer::MtuBlackhole),
        ..BASE
    },
    Scenario {
        name: "password-must-change",
        description: "Answers the NTLM AUTHENTICATE with errorCode STATUS_PASSWORD_MUST_CHANGE",
        behaviour: policy(SecurityLayer::Tls, Nla::Required, true, WINDOWS_FLAGS),
        // STATUS_PASSWORD_MUST_CHANGE
        credssp: status(ntstatus::STATUS_PASSWORD_MUST_CHANGE),
        demo: DemoLogon::Password,
        ..BASE
    },
    Scenario {
        name: "account-disabled",
        description: "Answers the NTLM AUTHENTICATE with errorCode STATUS_ACCOUNT_DISABLED",
        behaviour: policy(SecurityLayer::Tls, Nla::Required, true, WINDOWS_FLAGS),
        // STATUS_ACCOUNT_DISABLED
        credssp: status(ntstatus::STATUS_ACCOUNT_DISABLED),
        demo: DemoLogon::Password,
        ..BASE
    },
    Scenario {
        name: "account-expired",
        description: "Answers the NTLM AUTHENTICATE with errorCode STATUS_ACCOUNT_EXPIRED",
        behaviour: policy(SecurityLayer::Tls, Nla::Required, true, WINDOWS_FLAGS),
        // STATUS_ACCOUNT_EXPIRED
        credssp: status(ntstatus::STATUS_ACCOUNT_EXPIRED),
        demo: DemoLogon::Password,
        ..BASE
    },
    Scenario {
        name: "account-restricted",
        description: "Answers the NTLM AUTHENTICATE with errorCode STATUS_ACCOUNT_RESTRICTION (blank password, logon hours)",
        behaviour: policy(SecurityLayer::Tls, Nla::Required, true, WINDOWS_FLAGS),
        // STATUS_ACCOUNT_RESTRICTION
        credssp: status(ntstatus::STATUS_ACCOUNT_RESTRICTION),
        demo: DemoLogon::Password,
        ..BASE
    },
    Scenario {
        name: "logon-type-not-granted",
        description: "Answers the NTLM AUTHENTICATE with errorCode STATUS_LOGON_TYPE_NOT_GRANTED",
        behaviour: policy(SecurityLayer::Tls, Nla::Required, true, WINDOWS_FLAGS),
        // STATUS_LOGON_TYPE_NOT_GRANTED
        credssp: status(ntstatus::STATUS_LOGON_TYPE_NOT_GRANTED),
        demo: DemoLogon::Password,
        ..BASE
    },
    Scenario {
        name: "credssp-close-after-negotiate",
        description: "Selects HYBRID, completes TLS, closes on the client's first TSRequest",
        behaviour: policy(SecurityLayer::Tls, Nla::Required, true, WINDOWS_FLAGS),
        credssp: Script { on_negotiate: OnNegotiate::Close, ..WINDOWS_2022 },
        ..BASE
    },
    Scenario {
        name: "credssp-malformed",
        description: "Answers the client's first TSRequest with malformed DER",
        behaviour: policy(SecurityLayer::Tls, Nla::Required, true, WINDOWS_FLAGS),
        credssp: Script { on_negotiate: OnNegotiate::MalformedDer, ..WINDOWS_2022 },
        ..BASE
    },
    Scenario {
        name: "ntlm-blocked",
        description: "Answers the NTLM NEGOTIATE with errorCode STATUS_NTLM_BLOCKED (Restrict NTLM)",
        behaviour: policy(SecurityLayer::Tls, Nla::Required, true, WINDOWS_FLAGS),
        // STATUS_NTLM_BLOCKED
        credssp: Script { on_negotiate: OnNegotiate::ErrorCode(ntstatus::STATUS_NTLM_BLOCKED), ..WINDOWS_2022 },
        ..BASE
    },
    Scenario {
        name: "restricted-admin-ok",
        description: "Accepts a restricted admin logon (empty TSPasswordCreds) after the lab password",
        behaviour: policy(SecurityLayer::Tls, Nla::Required, true, WINDOWS_FLAGS),
        credssp: Script { on_auth: OnAuth::RestrictedAdmin(true), ..WINDOWS_2022 },
        demo: DemoLogon::RestrictedAdmin,
        ..BASE
    },
    Scenario {
        name: "restricted-admin-denied",
        description: "DisableRestrictedAdmin = 1: closes right after empty TSPasswordCreds",
        behaviour: policy(SecurityLayer::Tls, Nla::Required, true, WINDOWS_FLAGS),
        credssp: Script { on_auth: OnAuth::RestrictedAdmin(false), ..WINDOWS_2022 },
        demo: DemoLogon::RestrictedAdmin,
        ..BASE
    },
    // Connection-sequence scenarios, served on the SSL path after TLS.
    SERVER_DENIED,
    // The case the project exists for: RDP_NEG_RSP selects HYBRID_EX ([MS-RDPBCGR] 2.2.1.2.1), the Early
    // User Authorization Result is SUCCESS (2.2.10.2), then Set Error Info 0x7 (2.2.5.1.1) in licensing.
    Scenario {
        name: "nla-hybrid-ex-denied",
        description: "Windows 10 / Server 2016 or later, NLA required: HYBRID_EX for the Windows client's 0xB, CredSSP succeeds with the lab password, then Set Error Info ERRINFO_SERVER_DENIED_CONNECTION (0x7) during licensing and MCS Disconnect Provider Ultimatum: 0x904 / 0x7 after NLA",
        behaviour: Behaviour::Negotiate(MODERN_NLA_POLICY),
        session: session::Script::ErrorInfoInLicensing(ERRINFO_SERVER_DENIED_CONNECTION),
        demo: DemoLogon::Password,
        ..BASE
    },
    Scenario {
        name: "insufficient-privileges",
        description: "TLS; after Client Info, Set Error Info ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES (0x9) then MCS Disconnect Provider Ultimatum",
        behaviour: policy(SecurityLayer::Tls, Nla::Off, true, EXTENDED_CLIENT_DATA),
        session: session::Script::ErrorInfoInLicensing(ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES),
        ..BASE
    },
    Scenario {
        name: "licensing-no-license-server",
        description: "TLS; a Licensing Error Message ERR_NO_LICENSE_SERVER / ST_TOTAL_ABORT instead of a license, then close",
        behaviour: policy(SecurityLayer::Tls, Nla::Off, true, EXTENDED_CLIENT_DATA),
        session: session::Script::LicenseError { code: ERR_NO_LICENSE_SERVER, state_transition: ST_TOTAL_ABORT },
        ..BASE
    },
    Scenario {
        name: "redirect",
        description: "TLS; a Server Redirection PDU to another lab address (127.0.0.2) in place of the Demand Active PDU",
        behaviour: policy(SecurityLayer::Tls, Nla::Off, true, EXTENDED_CLIENT_DATA),
        session: session::Script::Redirect { target: REDIRECT_TARGET, load_balance_info: "Cookie: msts=lab-target" },
        ..BASE
    },
    Scenario {
        name: "logon-failed-bad-password",
        description: "TLS without NLA; after finalization, a Save Session Info logon error LOGON_FAILED_BAD_PASSWORD when Client Info carried an auto-logon password",
        behaviour: policy(SecurityLayer::Tls, Nla::Off, true, EXTENDED_CLIENT_DATA),
        session: session::Script::LogonError {
            notification_type: LOGON_FAILED_OTHER,
            notification_data: LOGON_FAILED_BAD_PASSWORD,
        },
        demo: DemoLogon::WrongPassword,
        ..BASE
    },
    Scenario {
        name: "disconnect-mid-sequence",
        description: "TLS; after licensing, an MCS Disconnect Provider Ultimatum (rn-provider-initiated) in place of the Demand Active PDU",
        behaviour: policy(SecurityLayer::Tls, Nla::Off, true, EXTENDED_CLIENT_DATA),
        session: session::Script::DisconnectMidSequence { reason: DisconnectReason::ProviderInitiated as u8 },
        ..BASE
    },
    Scenario {
        name: "errinfo-unknown",
        description: "TLS; after Client Info, Set Error Info with an errorInfo no table knows (0x7A5E), then MCS Disconnect Provider Ultimatum",
        behaviour: policy(SecurityLayer::Tls, Nla::Off, true, EXTENDED_CLIENT_DATA),
        session: session::Script::ErrorInfoInLicensing(ERRINFO_UNKNOWN),
        ..BASE
    },
    Scenario {
        name: "inconsistent-flags",
        description: "Answers every request with RDP_NEG_FAILURE INCONSISTENT_FLAGS (contradictory security settings)",
        behaviour: Behaviour::Refuse(4),
        ..BASE
    },
    Scenario {
        name: "tls-user-auth-required",
        description: "Answers every request with RDP_NEG_FAILURE SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER (client certificates)",
        behaviour: Behaviour::Refuse(6),
        ..BASE
    },
    Scenario {
        name: "malformed-confirm",
        description: "Answers with a TPKT frame whose X.224 TPDU is not a Connection Confirm",
        behaviour: Behaviour::MalformedConfirm,
        ..BASE
    },
    Scenario {
        name: "tls-stalled",
        description: "Selects SSL/HYBRID, then never answers the ClientHello, even on a connection with a small MSS",
        behaviour: windows_with(TlsServer::Stall),
        ..BASE
    },
    Scenario {
        name: "fresh-credentials-required",
        description: "TLS; after Client Info, Set Error Info ERRINFO_SERVER_FRESH_CREDENTIALS_REQUIRED (0xA) then MCS Disconnect Provider Ultimatum",
        behaviour: policy(SecurityLayer::Tls, Nla::Off, true, EXTENDED_CLIENT_DATA),
        session: session::Script::ErrorInfoInLicensing(ERRINFO_SERVER_FRESH_CREDENTIALS_REQUIRED),
        ..BASE
    },
    Scenario {
        name: "server-denied-fips",
        description: "TLS; after Client Info, Set Error Info ERRINFO_SERVER_DENIED_CONNECTION_FIPS (0x8) then MCS Disconnect Provider Ultimatum",
        behaviour: policy(SecurityLayer::Tls, Nla::Off, true, EXTENDED_CLIENT_DATA),
        session: session::Script::ErrorInfoInLicensing(ERRINFO_SERVER_DENIED_CONNECTION_FIPS),
        ..BASE
    },
    Scenario {
        name: "garbage-mid-sequence",
        description: "TLS; after licensing, a TPKT frame with an MCS PDU that does not exist, in place of the Demand Active PDU",
        behaviour: policy(SecurityLayer::Tls, Nla::Off, true, EXTENDED_CLIENT_DATA),
        session: session::Script::GarbageMidSequence,
        ..BASE
    },
    // --- hostile and broken peers ---
    Scenario {
        name: "refuse-unknown-code",
        description: "Answers every request with RDP_NEG_FAILURE failureCode 0x99, a code [MS-RDPBCGR] 2.2.1.2.2 does not define",
        behaviour: Behaviour::Refuse(0x99),
        ..BASE
    },
    Scenario {
        name: "disconnect-request",
        description: "Answers every Connection Request with an X.224 Disconnect Request",
        behaviour: Behaviour::DisconnectRequest,
        ..BASE
    },
    Scenario {
        name: "hybrid-required-to-all",
        description: "Answers every request, those offering HYBRID included, with HYBRID_REQUIRED_BY_SERVER",
        behaviour: Behaviour::Refuse(5),
        ..BASE
    },
    Scenario {
        name: "select-several",
        description: "Answers every request with selectedProtocol 0xB (SSL|HYBRID|HYBRID_EX): not one protocol",
        behaviour: Behaviour::Select(0xB),
        ..BASE
    },
    Scenario {
        name: "select-unrequested",
        description: "Answers every request with selectedProtocol RDSAAD (0x10), which none of them offers",
        behaviour: Behaviour::Select(0x10),
        ..BASE
    },
    Scenario {
        name: "tls-garbage-certificate",
        description: "TLS 1.2 ServerHello with an ECDHE suite the client offered, then a Certificate that is not DER and no ServerKeyExchange (hand-written responder)",
        behaviour: windows_with(TlsServer::Raw(tls_raw::RawTls {
            versions: &[TLS12],
            suites: &[0xC02F, 0xC030],
            certificate: b"not a certificate",
        })),
        ..BASE
    },
    Scenario {
        name: "tls-answer-not-tls",
        description: "Selects SSL/HYBRID, then answers the ClientHello with a record of content type 99, which TLS does not have",
        behaviour: windows_with(TlsServer::Answer(&[99, 3, 3, 0, 4, 0xDE, 0xAD, 0xBE, 0xEF])),
        ..BASE
    },
    Scenario {
        name: "tls-answer-sslv2",
        description: "Selects SSL/HYBRID, then answers the ClientHello with an SSL 2.0 SERVER-HELLO",
        behaviour: windows_with(TlsServer::Answer(&SSL2_SERVER_HELLO)),
        ..BASE
    },
    Scenario {
        name: "tls-warning-alerts",
        description: "Selects SSL/HYBRID, then answers the ClientHello with warning alerts and nothing else",
        behaviour: windows_with(TlsServer::Answer(&WARNING_ALERTS)),
        ..BASE
    },
    Scenario {
        name: "session-stalled",
        description: "TLS; after licensing, silence: the Demand Active PDU never comes and the connection stays open",
        behaviour: policy(SecurityLayer::Tls, Nla::Off, true, EXTENDED_CLIENT_DATA),
        session: session::Script::StallMidSequence,
        ..BASE
    },
    Scenario {
        name: "credssp-version-huge",
        description: "Answers the NTLM NEGOTIATE with TSRequest version 2^31, no version [MS-CSSP] defines",
        behaviour: policy(SecurityLayer::Tls, Nla::Required, true, WINDOWS_FLAGS),
        // TSRequest version 2^31 (DER 02 05 00 80 00 00 00): no CredSSP version; must not read as "patched"
        credssp: Script { version: 0x8000_0000, on_auth: OnAuth::Close, ..WINDOWS_2022 },
        ..BASE
    },
    Scenario {
        name: "hostile-names",
        description: "TLS with a certificate whose subject and subjectAltName carry terminal escape sequences (clear screen, window title)",
        behaviour: windows_with(TlsServer::RustlsHostileNames),
        ..BASE
    },
    // RD Gateway scenarios (`gateway.rs`): the gateway on the lab address; `rdp-doctor-lab` behind it.
    Scenario {
        name: "gateway-websocket",
        description: "RD Gateway, HTTP transport upgraded to a WebSocket, NTLM; channels to loopback or rdp-doctor-lab (the healthy scenario)",
        behaviour: Behaviour::Gateway(gateway::Gateway::healthy()),
        ..BASE
    },
    Scenario {
        name: "gateway-legacy",
        description: "RD Gateway without WebSocket: the legacy two-channel transport (RDG_OUT_DATA + RDG_IN_DATA, chunked)",
        behaviour: Behaviour::Gateway(gateway::Gateway { websocket: false, ..gateway::Gateway::healthy() }),
        ..BASE
    },
    Scenario {
        name: "gateway-auth-failed",
        description: "RD Gateway that answers the complete NTLM exchange with a final 401",
        behaviour: Behaviour::Gateway(gateway::Gateway {
            fault: gateway::Fault::AuthFailed,
            ..gateway::Gateway::healthy()
        }),
        ..BASE
    },
    Scenario {
        name: "gateway-http-disabled",
        description: "RD Gateway with only RPC over HTTP: 404 to RDG_OUT_DATA, /rpc/rpcproxy.dll answers 401 NTLM",
        behaviour: Behaviour::Gateway(gateway::Gateway {
            fault: gateway::Fault::Http(404),
            ..gateway::Gateway::healthy()
        }),
        ..BASE
    },
    Scenario {
        name: "gateway-waf-501",
        description: "A WAF / reverse proxy in front of the gateway: 501 and an HTML page to the RDG_ methods",
        behaviour: Behaviour::Gateway(gateway::Gateway {
            fault: gateway::Fault::Http(501),
            ..gateway::Gateway::healthy()
        }),
        ..BASE
    },
    Scenario {
        name: "gateway-cap-denied",
        description: "RD Gateway whose CAP denies the user: tunnel authorization E_PROXY_NAP_ACCESSDENIED (0x800759DB)",
        behaviour: Behaviour::Gateway(gateway::Gateway {
            fault: gateway::Fault::TunnelAuth(gateway::E_PROXY_NAP_ACCESSDENIED),
            ..gateway::Gateway::healthy()
        }),
        ..BASE
    },
    Scenario {
        name: "gateway-rap-denied",
        description: "RD Gateway whose RAP does not list the target: channel create E_PROXY_RAP_ACCESSDENIED (0x800759DA)",
        behaviour: Behaviour::Gateway(gateway::Gateway {
            fault: gateway::Fault::Channel(gateway::E_PROXY_RAP_ACCESSDENIED),
            ..gateway::Gateway::healthy()
        }),
        ..BASE
    },
    Scenario {
        name: "gateway-target-unreachable",
        description: "RD Gateway that cannot reach the target: channel create E_PROXY_TS_CONNECTFAILED (0x800759DD)",
        behaviour: Behaviour::Gateway(gateway::Gateway {
            fault: gateway::Fault::Channel(gateway::E_PROXY_TS_CONNECTFAILED),
            ..gateway::Gateway::healthy()
        }),
        ..BASE
    },
    Scenario {
        name: "gateway-max-connections",
        description: "RD Gateway at its connection limit: tunnel create E_PROXY_MAXCONNECTIONSREACHED (0x800759E6)",
        behaviour: Behaviour::Gateway(gateway::Gateway {
            fault: gateway::Fault::TunnelCreate(gateway::E_PROXY_MAXCONNECTIONSREACHED),
            ..gateway::Gateway::healthy()
        }),
        ..BASE
    },
    Scenario {
        name: "gateway-cert-expired",
        description: "RD Gateway whose TLS certificate expired 10 days ago",
        behaviour: Behaviour::Gateway(gateway::Gateway {
            cert: gateway::GatewayCert::Expired,
            ..gateway::Gateway::healthy()
        }),
        ..BASE
    },
    Scenario {
        name: "gateway-cert-mismatch",
        description: "RD Gateway whose TLS certificate names only gateway.invalid",
        behaviour: Behaviour::Gateway(gateway::Gateway {
            cert: gateway::GatewayCert::WrongName,
            ..gateway::Gateway::healthy()
        }),
        ..BASE
    },
    Scenario {
        name: "gateway-channel-closed",
        description: "RD Gateway that closes the channel (CLOSE_CHANNEL E_PROXY_SESSIONTIMEOUT, 0x800759F6) after the target's first data",
        behaviour: Behaviour::Gateway(gateway::Gateway {
            fault: gateway::Fault::CloseAfterData(gateway::E_PROXY_SESSIONTIMEOUT),
            ..gateway::Gateway::healthy()
        }),
        ..BASE
    },
    Scenario {
        name: "gateway-server-denied",
        description: "A healthy RD Gateway in front of the server-denied scenario (ERRINFO 0x7 after Client Info): 0x904 / 0x7 behind a gateway",
        behaviour: Behaviour::Gateway(gateway::Gateway { backend: &SERVER_DENIED, ..gateway::Gateway::healthy() }),
        ..BASE
    },
    Scenario {
        name: "flaky",
        description: "Windows-like (TLS required, CredSSP offered), but 30 % of connections are reset (RST) at accept, spread evenly: an unstable VPN or load-balancer member",
        behaviour: Behaviour::Flaky { percent: 30, fault: FlakyFault::ResetAtAccept, policy: WINDOWS_POLICY },
        ..BASE
    },
    Scenario {
        name: "flaky-stall",
        description: "Windows-like, but on 30 % of connections (spread evenly) the ClientHello gets no answer: a TLS stack that hangs now and then",
        behaviour: Behaviour::Flaky { percent: 30, fault: FlakyFault::StallHandshake, policy: WINDOWS_POLICY },
        ..BASE
    },
];

/// An SSL 2.0 SERVER-HELLO header (draft-hickman-netscape-ssl-00): a two-byte record header with the
/// high bit set (length 0x2E), message type 4, no session-id hit, certificate type 1 (X.509), version 0x0002.
const SSL2_SERVER_HELLO: [u8; 16] =
    [0x80, 0x2E, 0x04, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x03, 0x00, 0x10, 0x01, 0x00, 0x80];

/// Forty warning alerts (level 1, user_canceled 90; [RFC 5246] 7.2), and no ServerHello.
// Evaluated when compiling: an index out of range fails the build, never a run.
#[allow(clippy::indexing_slicing)]
const WARNING_ALERTS: [u8; 7 * 40] = {
    let mut a = [0u8; 7 * 40];
    let mut i = 0;
    while i < 40 {
        let r = [21, 3, 3, 0, 2, 1, 90];
        let mut k = 0;
        while k < 7 {
            a[i * 7 + k] = r[k];
            k += 1;
        }
        i += 1;
    }
    a
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_record_is_named_once_and_described() {
        let mut names: Vec<&str> = SCENARIOS.iter().map(|s| s.name).collect();
        assert!(SCENARIOS.iter().all(|s| !s.name.is_empty() && !s.description.is_empty()));
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), SCENARIOS.len(), "a scenario name is used twice");
    }

    #[test]
    fn an_unknown_name_is_an_error_that_says_where_the_names_are() {
        assert_eq!(find("server-denied").map(|s| s.name), Ok("server-denied"));
        let e = find("sever-denied").unwrap_err();
        assert_eq!(e.to_string(), "no lab scenario \"sever-denied\"; `rdp-doctor lab --list` lists them");
    }

    /// A script on a scenario whose server never reaches it would be a fault that silently never happens.
    #[test]
    fn every_script_is_reachable() {
        for s in SCENARIOS {
            let policy = match s.behaviour {
                Behaviour::Negotiate(p) => Some(p),
                Behaviour::NegotiateTls(p, TlsServer::Rustls { .. } | TlsServer::RustlsHostileNames) => Some(p),
                _ => None,
            };
            let credssp =
                policy.is_some_and(|p| p.nla != Nla::Off && p.cert_ok && p.security_layer != SecurityLayer::Rdp);
            if s.credssp != WINDOWS_2022 || matches!(s.demo, DemoLogon::Password | DemoLogon::RestrictedAdmin) {
                assert!(credssp, "{}: a CredSSP script or logon, but the server never selects CredSSP", s.name);
            }
            if s.session != session::Script::Healthy {
                assert!(policy.is_some(), "{}: a session script, but the server never runs the sequence", s.name);
            }
        }
    }

    #[test]
    fn gateway_backends_are_records_of_the_table() {
        for s in SCENARIOS {
            if let Behaviour::Gateway(gw) = s.behaviour {
                assert!(SCENARIOS.contains(gw.backend), "{}: backend {} is not in SCENARIOS", s.name, gw.backend.name);
            }
        }
    }
}
