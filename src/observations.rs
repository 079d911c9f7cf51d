//! What the probes saw: data only, no judgement. This is `observations` in the JSON report
//! (docs/report-schema.md). Findings are built from these and nothing else.

use serde::Serialize;
use std::net::{IpAddr, SocketAddr};

#[derive(Debug, Clone, Default, Serialize)]
pub struct Observations {
    pub network: Option<NetworkObs>,
    pub negotiation: Option<NegotiationObs>,
    /// The credential-less CredSSP probe ([MS-CSSP] 2.2.1, [MS-NLMP] 2.2.1.2).
    pub credssp: Option<CredsspObs>,
    /// The opt-in credential check (`--user`).
    pub authentication: Option<AuthenticationObs>,
}

/// Name resolution and TCP connects.
#[derive(Debug, Clone, Serialize)]
pub struct NetworkObs {
    pub resolve: ResolveObs,
    /// One connect attempt per resolved address, in the order the system prefers them.
    pub attempts: Vec<ConnectAttempt>,
    /// The address the later layers use: the first, in order, that accepted.
    pub connected: Option<SocketAddr>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ResolveObs {
    /// True when the host was an address literal and no lookup was made.
    pub literal: bool,
    pub addresses: Vec<IpAddr>,
    /// The resolver's error, when the lookup failed.
    pub error: Option<String>,
    pub ms: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConnectOutcome {
    /// The three-way handshake completed.
    Accepted,
    /// The peer answered the SYN with a reset.
    Refused,
    /// No answer before the deadline: dropped by a firewall, host down, VPN or routing.
    Timeout,
    /// An ICMP unreachable (host or network) came back, or there is no route.
    Unreachable,
    /// Any other socket error (kept in `error`).
    Error,
}

#[derive(Debug, Clone, Serialize)]
pub struct ConnectAttempt {
    pub address: SocketAddr,
    pub outcome: ConnectOutcome,
    pub ms: f64,
    pub error: Option<String>,
}

/// X.224 security negotiation ([MS-RDPBCGR] 1.3.1.1, 2.2.1.1, 2.2.1.2).
#[derive(Debug, Clone, Serialize)]
pub struct NegotiationObs {
    pub address: SocketAddr,
    pub requests: Vec<NegRequestObs>,
    /// Derived from `requests`: which protocols the server selected for some request.
    pub supports: Supports,
    /// True when every request that did not offer CredSSP was refused; null when not determinable.
    pub nla_required: Option<bool>,
    /// RESTRICTED_ADMIN_MODE_SUPPORTED in a CredSSP RDP_NEG_RSP; null when not determinable.
    pub restricted_admin: Option<bool>,
    /// REDIRECTED_AUTHENTICATION_MODE_SUPPORTED (Remote Credential Guard); null when not determinable.
    pub redirected_auth: Option<bool>,
    pub ms: f64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Supports {
    pub rdp: bool,
    pub tls: bool,
    pub credssp: bool,
    pub credssp_early_auth: bool,
    pub rdstls: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NegOutcome {
    /// RDP_NEG_RSP: the server selected a protocol.
    Selected,
    /// RDP_NEG_FAILURE with a code.
    Failure,
    /// A Connection Confirm with no negotiation data (Standard RDP Security, pre-RDP 5.2 style).
    Legacy,
    /// FIN before any answer.
    Closed,
    /// RST before any answer.
    Reset,
    /// Silence until the deadline.
    Timeout,
    /// The answer is not TPKT: another service listens there.
    NotRdp,
    /// The server answered with an MCS Disconnect Provider Ultimatum: it does not handle this request.
    UnsupportedRequest,
    /// TPKT, but not a well-formed Connection Confirm.
    Malformed,
    /// The TCP connection for this request could not be made.
    ConnectFailed,
}

#[derive(Debug, Clone, Serialize)]
pub struct NegRequestObs {
    /// "legacy" for the request without RDP_NEG_REQ, else the protocol names joined by '|'.
    pub label: String,
    /// Requested protocol names ("rdp", "ssl", "hybrid", "rdstls", "hybrid_ex", "rdsaad").
    pub requested: Vec<&'static str>,
    /// requestedProtocols as sent; null for the legacy request.
    pub requested_value: Option<u32>,
    pub outcome: NegOutcome,
    /// The selected protocol's name (RDP_NEG_RSP, or "rdp" for a legacy Connection Confirm).
    pub selected: Option<&'static str>,
    pub selected_value: Option<u32>,
    pub failure_code: Option<u32>,
    pub failure_name: Option<&'static str>,
    /// RDP_NEG_RSP flag names.
    pub flags: Vec<&'static str>,
    pub flags_value: Option<u8>,
    /// For `not_rdp`: the service recognised from its first bytes, when recognisable.
    pub service: Option<&'static str>,
    /// For `unsupported_request`: the MCS disconnect reason; for `malformed`/`connect_failed`: what was wrong.
    pub detail: Option<String>,
    /// The first bytes the server sent, hex (at most 64 bytes).
    pub received: String,
    /// True when this request was repeated alone after a concurrent attempt was cut off.
    pub retried: bool,
    pub ms: f64,
}

/// How the credential-less CredSSP exchange ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CredsspOutcome {
    /// The server answered the NEGOTIATE with a TSRequest carrying an NTLM CHALLENGE.
    Challenge,
    /// The server answered with a TSRequest carrying an errorCode.
    ErrorCode,
    /// The server answered with a TSRequest without a token we can read (e.g. SPNEGO or Kerberos only).
    OtherToken,
    /// The negotiation for CredSSP did not select HYBRID/HYBRID_EX on this connection.
    NegotiationFailed,
    /// The TLS handshake inside CredSSP failed.
    TlsFailed,
    /// FIN before a TSRequest came back.
    Closed,
    /// RST before a TSRequest came back.
    Reset,
    /// Nothing came back before the deadline.
    Timeout,
    /// Bytes that are not a readable TSRequest.
    Malformed,
}

/// Host facts from the NTLM CHALLENGE_MESSAGE ([MS-NLMP] 2.2.1.2, AV_PAIRs 2.2.2.1, VERSION 2.2.2.10).
#[derive(Debug, Clone, Default, Serialize)]
pub struct NtlmChallengeObs {
    pub target_name: Option<String>,
    pub nb_computer_name: Option<String>,
    pub nb_domain_name: Option<String>,
    pub dns_computer_name: Option<String>,
    pub dns_domain_name: Option<String>,
    pub dns_tree_name: Option<String>,
    /// "major.minor.build" from the VERSION field, as the server announces it.
    pub os_version: Option<String>,
    /// The build number alone (for lookups).
    pub os_build: Option<u32>,
    /// MsvAvTimestamp as RFC 3339 UTC.
    pub timestamp: Option<String>,
    pub negotiate_flags: u32,
}

/// The credential-less CredSSP probe.
#[derive(Debug, Clone, Serialize)]
pub struct CredsspObs {
    /// The negotiation request used ("SSL|HYBRID|HYBRID_EX" or "HYBRID").
    pub request: String,
    /// "hybrid" or "hybrid_ex" as selected on this connection.
    pub selected: Option<&'static str>,
    pub outcome: CredsspOutcome,
    /// The TSRequest version the server answered with.
    pub server_version: Option<u32>,
    /// TSRequest.errorCode, hex ("0xC000006D").
    pub error_code: Option<String>,
    /// The NTSTATUS name of `error_code`, from the knowledge tables.
    pub error_name: Option<&'static str>,
    pub ntlm: Option<NtlmChallengeObs>,
    /// For malformed answers, TLS failures and tokens we cannot read: what was seen.
    pub detail: Option<String>,
    /// The first bytes of the server's TSRequest, hex (at most 64).
    pub received: String,
    pub ms: f64,
}

/// How the decision to send credentials over this TLS channel was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CertTrustDecision {
    /// The chain verified against the system roots for the name typed.
    Verified,
    /// The leaf matched `--trust-cert`.
    Pinned,
    /// The user accepted the thumbprint at the prompt.
    PromptAccepted,
    /// The user declined at the prompt.
    PromptDeclined,
    /// `--insecure-trust-any-cert`.
    AcceptAny,
    /// Not verified, no matching pin, no terminal to ask: credentials were not sent.
    Untrusted,
    /// The leaf did not match `--trust-cert`.
    PinMismatch,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthOutcome {
    /// The server verified the NTLM AUTHENTICATE (its pubKeyAuth came back) and took the credentials;
    /// with HYBRID_EX, the Early User Authorization Result said SUCCESS.
    Accepted,
    /// The server answered with a TSRequest errorCode.
    ErrorCode,
    /// The server closed (or reset) the connection right after the AUTHENTICATE message, without an errorCode.
    ClosedAfterAuthenticate,
    /// HYBRID_EX: the Early User Authorization Result was not SUCCESS.
    AuthorizationDenied,
    /// Credentials were not sent (the certificate was not trusted).
    NotSent,
    /// The server does not offer CredSSP: nothing to check at the NLA layer.
    NoNla,
    /// The exchange broke off for another reason (TLS, protocol error, timeout).
    Failed,
}

/// The opt-in credential check.
#[derive(Debug, Clone, Serialize)]
pub struct AuthenticationObs {
    /// The user name as given (never the password).
    pub user: String,
    pub domain: Option<String>,
    /// "password" or "restricted_admin" (credential-less logon).
    pub mode: &'static str,
    /// "ntlm".
    pub package: &'static str,
    pub selected: Option<&'static str>,
    /// The leaf certificate's SHA-256 thumbprint (what `--trust-cert` takes).
    pub cert_sha256: Option<String>,
    pub cert_trust: Option<CertTrustDecision>,
    /// Why the chain did not verify, when it did not.
    pub cert_verify_error: Option<String>,
    pub credentials_sent: bool,
    pub outcome: AuthOutcome,
    /// The step reached: "negotiate", "challenge", "authenticate", "pub_key_auth", "ts_credentials",
    /// "early_user_authorization".
    pub stage: &'static str,
    pub server_version: Option<u32>,
    /// TSRequest.errorCode, hex.
    pub error_code: Option<String>,
    pub error_name: Option<&'static str>,
    /// HYBRID_EX Early User Authorization Result ([MS-RDPBCGR] 2.2.10).
    pub early_auth_result: Option<u32>,
    pub early_auth_name: Option<&'static str>,
    pub detail: Option<String>,
    pub ms: f64,
}
