//! Hand-built observations. `healthy()` is what a full run (`diagnose --user`) records against a
//! Windows Server 2022 that requires NLA, has a CA-issued certificate for its name and lets the user
//! in; each case changes one thing with `.with(...)` or one of the named changes below, so a case
//! reads as "a healthy server, except ...".
//!
//! The values follow what the probes record (field by field as in a lab run's JSON report); the
//! negotiation's `supports`/`nla_required`/`restricted_admin` are derived by the probe's own
//! `capabilities`, so a case cannot describe a negotiation the probe would never record.

use crate::codec::x224::Protocol;
use crate::knowledge::client_profiles::{ProfileVerdict, VerdictCause};
use crate::knowledge::{self, Layer, TableId, tls_suites};
use crate::observations::gateway::{
    GatewayObs, GatewayStage, GatewayStageObs, GatewayTransport, HttpExchangeObs, StageOutcome as GwOutcome,
};
use crate::observations::*;
// The TLS scan's observation types and the X.224 helpers still live under `probe` (issue #11 moves
// them to `observations`/`codec`; the imports follow at merge).
use crate::codec::x224::{flag_names, protocol_label, protocol_names, selected_name};
use crate::observations::capabilities;
use crate::observations::{ConnOutcome, SmallMssRetry, SuiteObs, VersionOutcome, VersionResult};
use std::net::SocketAddr;

/// The name the user typed, and the certificate's.
pub const HOST: &str = "rdp01.example.test";

// requestedProtocols / selectedProtocol bits ([MS-RDPBCGR] 2.2.1.1.1).
pub const RDP: u32 = 0x0;
pub const SSL: u32 = 0x1;
pub const HYBRID: u32 = 0x2;
pub const RDSTLS: u32 = 0x4;
pub const HYBRID_EX: u32 = 0x8;
/// What mstsc sends: SSL|HYBRID|HYBRID_EX.
pub const WINDOWS: u32 = SSL | HYBRID | HYBRID_EX;

// RDP_NEG_FAILURE failureCode ([MS-RDPBCGR] 2.2.1.2.2).
pub const SSL_REQUIRED_BY_SERVER: u32 = 1;
pub const SSL_NOT_ALLOWED_BY_SERVER: u32 = 2;
pub const SSL_CERT_NOT_ON_SERVER: u32 = 3;
pub const INCONSISTENT_FLAGS: u32 = 4;
pub const HYBRID_REQUIRED_BY_SERVER: u32 = 5;
pub const SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER: u32 = 6;

// RDP_NEG_RSP flags ([MS-RDPBCGR] 2.2.1.2.1).
pub const EXTENDED_CLIENT_DATA: u8 = 0x01;
pub const RESTRICTED_ADMIN: u8 = 0x08;

pub fn addr() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 3389))
}

/// Changes to observations, one at a time.
pub trait With: Sized {
    fn with(self, change: impl FnOnce(&mut Observations)) -> Self;
}

impl With for Observations {
    fn with(mut self, change: impl FnOnce(&mut Observations)) -> Self {
        change(&mut self);
        self
    }
}

/// The layers a test changes, reached without `Option` noise.
pub trait Layers {
    fn neg(&mut self) -> &mut NegotiationObs;
    fn tls(&mut self) -> &mut TlsObs;
    fn credssp(&mut self) -> &mut CredsspObs;
    fn auth(&mut self) -> &mut AuthenticationObs;
    fn session(&mut self) -> &mut SessionObs;
    fn gateway(&mut self) -> &mut GatewayObs;
    /// Replace the negotiation's requests (supports and flags derived again, as the probe does).
    fn set_requests(&mut self, requests: Vec<NegRequestObs>);
}

impl Layers for Observations {
    fn neg(&mut self) -> &mut NegotiationObs {
        self.negotiation.as_mut().expect("negotiation observed")
    }
    fn tls(&mut self) -> &mut TlsObs {
        self.tls.as_mut().expect("tls observed")
    }
    fn credssp(&mut self) -> &mut CredsspObs {
        self.credssp.as_mut().expect("credssp observed")
    }
    fn auth(&mut self) -> &mut AuthenticationObs {
        self.authentication.as_mut().expect("authentication observed")
    }
    fn session(&mut self) -> &mut SessionObs {
        self.session.as_mut().expect("session observed")
    }
    fn gateway(&mut self) -> &mut GatewayObs {
        self.gateway.as_mut().expect("gateway observed")
    }
    fn set_requests(&mut self, requests: Vec<NegRequestObs>) {
        *self.neg() = negotiation(requests);
    }
}

// --- the healthy server ---

/// A Windows Server 2022 with NLA required, a CA-issued certificate for `HOST`, CredSSP 6, checked
/// with `--user` (the password is accepted) and a connection sequence that completes over HYBRID_EX.
pub fn healthy() -> Observations {
    Observations {
        network: Some(network_ok()),
        negotiation: Some(negotiation(healthy_requests())),
        tls: Some(healthy_tls()),
        credssp: Some(healthy_credssp()),
        authentication: Some(accepted_logon()),
        session: Some(established()),
        gateway: None,
        rdp_file: None,
        evidence: None,
        budget: Some(budget_complete()),
    }
}

pub fn network_ok() -> NetworkObs {
    NetworkObs {
        resolve: ResolveObs { literal: false, addresses: vec![addr().ip()], error: None, ms: 1.2 },
        attempts: vec![attempt(addr(), ConnectOutcome::Accepted)],
        connected: Some(addr()),
        connections_opened: 24,
        politeness: None,
    }
}

pub fn attempt(address: SocketAddr, outcome: ConnectOutcome) -> ConnectAttempt {
    ConnectAttempt { address, outcome, ms: 0.4, error: None }
}

/// The matrix the probe sends (x224::MATRIX), answered as a Windows server with NLA required does:
/// HYBRID_EX for mstsc's request, HYBRID where only HYBRID is offered, HYBRID_REQUIRED_BY_SERVER to
/// every request without CredSSP.
pub fn healthy_requests() -> Vec<NegRequestObs> {
    let nla_flags = EXTENDED_CLIENT_DATA | RESTRICTED_ADMIN;
    vec![
        selected(Some(WINDOWS), HYBRID_EX, nla_flags),
        refused(Some(RDP), HYBRID_REQUIRED_BY_SERVER),
        refused(Some(SSL), HYBRID_REQUIRED_BY_SERVER),
        selected(Some(HYBRID), HYBRID, nla_flags),
        selected(Some(SSL | HYBRID), HYBRID, nla_flags),
        refused(Some(RDSTLS), HYBRID_REQUIRED_BY_SERVER),
        refused(None, HYBRID_REQUIRED_BY_SERVER),
    ]
}

/// The requests of a server without NLA that selects TLS (xrdp with a certificate, Windows with
/// SecurityLayer 2 and UserAuthentication 0).
pub fn tls_only_requests() -> Vec<NegRequestObs> {
    vec![
        selected(Some(WINDOWS), SSL, EXTENDED_CLIENT_DATA),
        refused(Some(RDP), SSL_REQUIRED_BY_SERVER),
        selected(Some(SSL), SSL, EXTENDED_CLIENT_DATA),
        refused(Some(HYBRID), SSL_NOT_ALLOWED_BY_SERVER),
        selected(Some(SSL | HYBRID), SSL, EXTENDED_CLIENT_DATA),
        refused(Some(RDSTLS), SSL_REQUIRED_BY_SERVER),
        refused(None, SSL_REQUIRED_BY_SERVER),
    ]
}

pub fn negotiation(requests: Vec<NegRequestObs>) -> NegotiationObs {
    let (supports, nla_required, restricted_admin, redirected_auth) = capabilities(&requests);
    NegotiationObs { address: addr(), requests, supports, nla_required, restricted_admin, redirected_auth, ms: 40.0 }
}

fn request(requested: Option<u32>, outcome: NegOutcome) -> NegRequestObs {
    NegRequestObs {
        label: requested.map_or_else(|| "legacy".to_string(), protocol_label),
        requested: requested.map(protocol_names).unwrap_or_default(),
        requested_value: requested,
        outcome,
        selected: None,
        selected_value: None,
        failure_code: None,
        failure_name: None,
        flags: vec![],
        flags_value: None,
        service: None,
        detail: None,
        received: String::new(),
        retried: false,
        ms: 2.0,
    }
}

/// An RDP_NEG_RSP selecting `value` (which may be invalid: several bits, or one not offered).
pub fn selected(requested: Option<u32>, value: u32, flags: u8) -> NegRequestObs {
    NegRequestObs {
        selected: selected_name(value),
        selected_value: Some(value),
        flags: flag_names(flags),
        flags_value: Some(flags),
        received: "030000130ed00000000000020108000b000000".into(),
        ..request(requested, NegOutcome::Selected)
    }
}

/// An RDP_NEG_FAILURE with `code`, named from the knowledge table.
pub fn refused(requested: Option<u32>, code: u32) -> NegRequestObs {
    NegRequestObs {
        failure_code: Some(code),
        failure_name: knowledge::lookup(TableId::NegFailure, code).map(|e| e.name),
        received: "030000130ed000000000000300080005000000".into(),
        ..request(requested, NegOutcome::Failure)
    }
}

/// Any other ending of one request (closed, reset, timeout, legacy confirm, not RDP, ...).
pub fn ended(requested: Option<u32>, outcome: NegOutcome) -> NegRequestObs {
    let mut r = request(requested, outcome);
    if outcome == NegOutcome::Legacy {
        r.selected = Some(Protocol::Rdp);
        r.selected_value = Some(RDP);
    }
    r
}

/// The same ending for every request of the matrix.
pub fn every_request(outcome: NegOutcome) -> Vec<NegRequestObs> {
    [Some(WINDOWS), Some(RDP), Some(SSL), Some(HYBRID), Some(SSL | HYBRID), Some(RDSTLS), None]
        .into_iter()
        .map(|r| ended(r, outcome))
        .collect()
}

// --- TLS ---

pub fn healthy_tls() -> TlsObs {
    let leaf = ca_issued_leaf();
    TlsObs {
        address: addr(),
        handshakes: vec![handshake("hybrid", WINDOWS, HandshakeOutcome::Completed)],
        scan_request: "HYBRID".into(),
        versions: vec!["tls1.2".into(), "tls1.3".into()],
        version_results: vec![
            version("ssl3.0", VersionOutcome::RejectedAlert { description: 70, name: "protocol_version" }),
            version("tls1.0", VersionOutcome::RejectedAlert { description: 70, name: "protocol_version" }),
            version("tls1.1", VersionOutcome::RejectedAlert { description: 70, name: "protocol_version" }),
            version("tls1.2", VersionOutcome::Accepted),
            version("tls1.3", VersionOutcome::Accepted),
        ],
        suites: vec![suite("tls1.2", 0xC030, 1), suite("tls1.2", 0xC02F, 2), suite("tls1.3", 0x1302, 1)],
        certificate_source: Some(CertificateSource::Handshake),
        chain: vec![leaf.clone(), intermediate()],
        certificate: Some(leaf),
        validation: Some(ChainValidation { name: HOST.into(), name_matches: true, trusted: true, error: None }),
        client_profile: "windows-11".into(),
        client_profiles: ["windows-11", "windows-server-2022", "windows-10", "freerdp-openssl3"]
            .into_iter()
            .map(|p| profile(p, VerdictCause::Connects))
            .collect(),
        aborted_every_hello: false,
        stalled_after_hello: false,
        stalled_bytes: 0,
        small_mss_retry: None,
        violations: vec![],
        connections: 12,
        mode: TlsScanMode::Targeted,
        ms: 120.0,
    }
}

pub fn handshake(path: &'static str, requested: u32, outcome: HandshakeOutcome) -> HandshakeObs {
    let done = outcome == HandshakeOutcome::Completed;
    HandshakeObs {
        path,
        request: protocol_label(requested),
        requested_value: requested,
        selected: Some(if path == "hybrid" { Protocol::HybridEx } else { Protocol::Ssl }),
        outcome,
        version: done.then(|| "tls1.3".into()),
        suite: done.then(|| "TLS_AES_256_GCM_SHA384".into()),
        suite_id: done.then(|| "0x1302".into()),
        alert: None,
        alert_name: None,
        detail: None,
        leaf_sha256: done.then(|| ca_issued_leaf().sha256),
        ms: 9.0,
    }
}

pub fn version(v: &str, outcome: VersionOutcome) -> VersionResult {
    VersionResult { version: v.into(), outcome, server_preference: None, connections: 1 }
}

pub fn suite(v: &str, id: u16, rank: u32) -> SuiteObs {
    SuiteObs {
        version: v.into(),
        id: tls_suites::hex_id(id),
        name: tls_suites::suite_name(id).into(),
        preferred: rank == 1,
        rank,
        version_code: tls_suites::version_code(v).unwrap_or(0),
        id_code: id,
    }
}

pub fn profile(name: &str, cause: VerdictCause) -> ProfileVerdict {
    let can_connect = cause == VerdictCause::Connects;
    ProfileVerdict {
        profile: name.into(),
        can_connect,
        reason: match cause {
            VerdictCause::Connects => "connects with tls1.3 using TLS_AES_128_GCM_SHA256 (0x1301)".into(),
            VerdictCause::NoCommonVersion => format!("protocol mismatch: no common TLS version - {name}"),
            VerdictCause::NoCommonSuite => format!("cipher mismatch: no common suite in tls1.2 - {name}"),
        },
        cause,
        version: can_connect.then(|| "tls1.3".into()),
        suite: can_connect.then(|| "0x1301".into()),
    }
}

/// The scan found no ServerHello and no alert: every connection stayed open (a stall).
pub fn stalled(o: &mut Observations) {
    let t = o.tls();
    t.handshakes = vec![handshake("hybrid", WINDOWS, HandshakeOutcome::Timeout)];
    t.versions.clear();
    t.version_results = ["ssl3.0", "tls1.0", "tls1.1", "tls1.2", "tls1.3"]
        .into_iter()
        .map(|v| version(v, VersionOutcome::Timeout))
        .collect();
    t.suites.clear();
    t.certificate_source = None;
    t.certificate = None;
    t.chain.clear();
    t.validation = None;
    t.client_profiles.clear();
    t.stalled_after_hello = true;
    t.stalled_bytes = 0;
}

/// The hello retried on a connection with a small MSS got `outcome`.
pub fn mss_retry(outcome: ConnOutcome) -> SmallMssRetry {
    let server_hello = matches!(outcome, ConnOutcome::ServerHello { .. });
    SmallMssRetry { mss: 536, unavailable: false, server_hello, outcome, ms: 12 }
}

/// A leaf issued by an enterprise CA for `HOST`, 200 days left.
pub fn ca_issued_leaf() -> CertObs {
    CertObs {
        subject: format!("CN={HOST}"),
        issuer: "CN=Example Issuing CA, O=Example".into(),
        common_name: Some(HOST.into()),
        san: vec![HOST.into()],
        serial: "1A2B3C".into(),
        not_before: "2026-05-18T00:00:00Z".into(),
        not_after: "2027-06-17T00:00:00Z".into(),
        days_left: 200,
        days_until_valid: -195,
        key_type: "RSA".into(),
        key_bits: Some(2048),
        curve: None,
        signature_algorithm: "sha256WithRSAEncryption".into(),
        sha1: "0123456789ABCDEF0123456789ABCDEF01234567".into(),
        sha256: "aa".repeat(32),
        self_signed: false,
        is_ca: false,
        eku: Some(vec!["server_auth".into()]),
        key_usage: Some(vec!["digital_signature".into(), "key_encipherment".into()]),
        parse_error: None,
    }
}

fn intermediate() -> CertObs {
    CertObs {
        subject: "CN=Example Issuing CA, O=Example".into(),
        issuer: "CN=Example Root CA, O=Example".into(),
        common_name: Some("Example Issuing CA".into()),
        san: vec![],
        is_ca: true,
        eku: None,
        key_usage: Some(vec!["key_cert_sign".into(), "crl_sign".into()]),
        sha1: "89ABCDEF0123456789ABCDEF0123456789ABCDEF".into(),
        sha256: "bb".repeat(32),
        days_left: 2000,
        ..ca_issued_leaf()
    }
}

/// Remote Desktop's own self-signed certificate (the default on Windows): named for the computer,
/// not trusted by the client.
pub fn self_signed(o: &mut Observations) {
    let leaf = CertObs {
        subject: format!("CN={HOST}"),
        issuer: format!("CN={HOST}"),
        self_signed: true,
        eku: Some(vec!["server_auth".into()]),
        key_usage: Some(vec!["key_encipherment".into(), "data_encipherment".into()]),
        ..ca_issued_leaf()
    };
    let t = o.tls();
    t.chain = vec![leaf.clone()];
    t.certificate = Some(leaf);
    t.validation = Some(ChainValidation {
        name: HOST.into(),
        name_matches: true,
        trusted: false,
        error: Some("invalid peer certificate: UnknownIssuer".into()),
    });
}

/// The leaf (in the certificate and first in the chain) changed.
pub fn leaf(o: &mut Observations, change: impl FnOnce(&mut CertObs)) {
    let t = o.tls();
    let mut c = t.certificate.clone().expect("certificate observed");
    change(&mut c);
    if let Some(first) = t.chain.first_mut() {
        *first = c.clone();
    }
    t.certificate = Some(c);
}

// --- CredSSP ---

pub fn healthy_credssp() -> CredsspObs {
    CredsspObs {
        request: "SSL|HYBRID|HYBRID_EX".into(),
        selected: Some(Protocol::HybridEx),
        outcome: CredsspOutcome::Challenge,
        server_version: Some(6),
        error_code: None,
        error_name: None,
        ntlm: Some(NtlmChallengeObs {
            target_name: Some("EXAMPLE".into()),
            nb_computer_name: Some("RDP01".into()),
            nb_domain_name: Some("EXAMPLE".into()),
            dns_computer_name: Some(HOST.into()),
            dns_domain_name: Some("example.test".into()),
            dns_tree_name: Some("example.test".into()),
            os_version: Some("10.0.20348".into()),
            os_build: Some(20348),
            timestamp: Some("2026-11-29T10:00:00Z".into()),
            negotiate_flags: 0xE28A_8235,
        }),
        detail: None,
        received: "3082".into(),
        ms: 30.0,
    }
}

/// The credential-less probe ended with `outcome` (no token to read).
pub fn credssp_ended(o: &mut Observations, outcome: CredsspOutcome) {
    let c = o.credssp();
    c.outcome = outcome;
    c.server_version = None;
    c.ntlm = None;
    c.received = String::new();
}

/// `--user alice`: the password went out over HYBRID_EX and the server took it.
pub fn accepted_logon() -> AuthenticationObs {
    AuthenticationObs {
        user: "alice".into(),
        domain: Some("EXAMPLE".into()),
        mode: LogonMode::Password,
        package: SecurityPackage::Ntlm,
        selected: Some(Protocol::HybridEx),
        cert_sha256: Some("aa".repeat(32)),
        cert_trust: Some(CertTrustDecision::Verified),
        cert_verify_error: None,
        credentials_sent: true,
        outcome: AuthOutcome::Accepted,
        stage: LogonStage::EarlyUserAuthorization,
        server_version: Some(6),
        error_code: None,
        error_name: None,
        early_auth_result: Some(0),
        early_auth_name: Some("SUCCESS"),
        detail: None,
        ms: 80.0,
    }
}

/// The logon ended with TSRequest.errorCode `code` (an NTSTATUS) at the AUTHENTICATE.
pub fn logon_error(o: &mut Observations, code: u32) {
    let a = o.auth();
    a.outcome = AuthOutcome::ErrorCode;
    a.stage = LogonStage::Authenticate;
    a.error_code = Some(format!("0x{code:08X}"));
    a.error_name = knowledge::lookup(TableId::NtStatus, code).map(|e| e.name);
    a.early_auth_result = None;
    a.early_auth_name = None;
}

// --- session ---

const STAGES: &[SessionStage] = &[
    SessionStage::X224,
    SessionStage::Tls,
    SessionStage::Credssp,
    SessionStage::McsConnect,
    SessionStage::ChannelJoin,
    SessionStage::ClientInfo,
    SessionStage::Licensing,
    SessionStage::Capabilities,
    SessionStage::Finalization,
    SessionStage::FirstUpdate,
    SessionStage::Disconnect,
];

/// The connection sequence over HYBRID_EX, completed up to the first update, then ended by us.
pub fn established() -> SessionObs {
    SessionObs {
        address: addr(),
        protocol: Some(Protocol::HybridEx),
        checked: true,
        not_checked: None,
        credentials_sent: true,
        stages: STAGES
            .iter()
            .map(|&name| StageObs { name, ms: 5.0, outcome: StageOutcome::Ok, detail: None })
            .collect(),
        end: SessionEnd::Established,
        ended_in: None,
        error: None,
        server_frames: vec![],
        error_info: None,
        disconnect_reason: None,
        license_error: Some(LicenseErrorObs { code: 0x7, state_transition: 0x2 }),
        redirection: None,
        logon_errors: vec![],
        deactivated: false,
        first_update: true,
        disconnected_cleanly: true,
        rdp_security: None,
        ms: 55.0,
    }
}

/// The sequence ended in `stage` with `end`: the stages after it never ran.
pub fn session_ends(o: &mut Observations, stage: SessionStage, end: SessionEnd) {
    let s = o.session();
    let at = s.stages.iter().position(|st| st.name == stage).expect("a stage of this sequence");
    s.stages.truncate(at + 1);
    if let Some(last) = s.stages.last_mut() {
        last.outcome = StageOutcome::Failed;
        last.ms = 5000.0;
    }
    s.end = end;
    s.ended_in = Some(stage);
    s.first_update = false;
    s.disconnected_cleanly = false;
}

/// The server sent Set Error Info `code` in `stage`, then closed.
pub fn error_info(o: &mut Observations, stage: SessionStage, code: u32) {
    session_ends(o, stage, SessionEnd::ServerEnded);
    let s = o.session();
    s.error_info = Some(code);
    s.server_frames.push(ServerFrameObs {
        stage,
        kind: FrameKind::SetErrorInfo,
        summary: format!("errorInfo 0x{code:X}"),
        len: 22,
        head: String::new(),
    });
}

/// The session ran over `protocol`, with or without credentials sent (auto-logon for TLS).
pub fn session_over(o: &mut Observations, protocol: Protocol, credentials_sent: bool) {
    let s = o.session();
    s.protocol = Some(protocol);
    s.credentials_sent = credentials_sent;
    if !protocol.is_nla() {
        s.stages.retain(|st| st.name != SessionStage::Credssp);
    }
}

// --- gateway ---

const GATEWAY_STAGES: &[GatewayStage] = &[
    GatewayStage::Resolve,
    GatewayStage::Connect,
    GatewayStage::Tls,
    GatewayStage::OutChannel,
    GatewayStage::Authentication,
    GatewayStage::Handshake,
    GatewayStage::TunnelCreate,
    GatewayStage::TunnelAuthorization,
    GatewayStage::ChannelCreate,
    GatewayStage::Data,
];

/// The healthy server reached through an RD Gateway over WebSocket, every stage ok, the target's
/// layers probed through the tunnel.
pub fn through_gateway() -> Observations {
    healthy().with(|o| {
        o.gateway = Some(GatewayObs {
            host: "gw.example.test".into(),
            port: 443,
            address: Some(SocketAddr::from(([127, 0, 0, 2], 443))),
            target: HOST.into(),
            target_port: 3389,
            transport: Some(GatewayTransport::Websocket),
            stages: GATEWAY_STAGES.iter().map(|&s| gw_stage(s, GwOutcome::Ok, None, None)).collect(),
            http: vec![http("RDG_OUT_DATA", Some(101), &["NTLM", "Negotiate"])],
            certificate: Some(CertObs {
                subject: "CN=gw.example.test".into(),
                common_name: Some("gw.example.test".into()),
                san: vec!["gw.example.test".into()],
                sha256: "cc".repeat(32),
                ..ca_issued_leaf()
            }),
            name_matches: Some(true),
            verify_error: None,
            cert_trust: Some(CertTrustDecision::Verified),
            rpc_over_http: None,
            channels_opened: 6,
            channel_closes: vec![],
            channel_failures: vec![],
            tunnelled_probe: true,
        });
    })
}

pub fn gw_stage(
    stage: GatewayStage,
    outcome: GwOutcome,
    hresult: Option<u32>,
    detail: Option<&str>,
) -> GatewayStageObs {
    GatewayStageObs { stage, outcome, ms: 3.0, hresult, detail: detail.map(str::to_string) }
}

pub fn http(method: &str, status: Option<u16>, offered: &[&str]) -> HttpExchangeObs {
    HttpExchangeObs {
        method: method.into(),
        path: "/remoteDesktopGateway/".into(),
        auth_sent: None,
        websocket_requested: true,
        status,
        reason: status.map(|s| if s == 101 { "Switching Protocols".into() } else { "Status".into() }),
        offered: offered.iter().map(|s| s.to_string()).collect(),
        server: Some("Microsoft-HTTPAPI/2.0".into()),
        content_type: None,
        html: false,
        ms: 4.0,
        error: None,
    }
}

/// The gateway path stopped at `stage` with `outcome` (and the HRESULT it sent): the stages after it
/// never ran, and the target was not probed.
pub fn gateway_stops(o: &mut Observations, stage: GatewayStage, outcome: GwOutcome, hresult: Option<u32>) {
    let g = o.gateway();
    let at = g.stages.iter().position(|s| s.stage == stage).expect("a gateway stage");
    g.stages.truncate(at);
    g.stages.push(gw_stage(stage, outcome, hresult, None));
    g.tunnelled_probe = false;
    g.transport = None;
    // Nothing of the target was probed through a gateway that did not carry it.
    o.negotiation = None;
    o.tls = None;
    o.credssp = None;
    o.authentication = None;
    o.session = None;
}

// --- the run's budget ---

const LAYERS: &[Layer] = &[Layer::Network, Layer::Negotiation, Layer::Tls, Layer::Credssp, Layer::Session];

pub fn budget_complete() -> BudgetObs {
    BudgetObs {
        timeout_ms: 15_000.0,
        patience_ms: 5_000.0,
        reached: false,
        layers: LAYERS
            .iter()
            .map(|&layer| LayerBudget { layer, status: LayerStatus::Complete, progress: "done".into() })
            .collect(),
        rtt_ms: Some(0.4),
    }
}

/// `--timeout` ran out while `layer` waited: it is partial, the layers after it never started. A
/// layer the budget lacks (the RD Gateway's) is put first: it comes before the target's.
pub fn deadline_cuts(o: &mut Observations, layer: Layer) {
    let b = o.budget.get_or_insert_with(budget_complete);
    if !b.layers.iter().any(|l| l.layer == layer) {
        b.layers.insert(0, LayerBudget { layer, status: LayerStatus::Complete, progress: "done".into() });
    }
    b.reached = true;
    b.timeout_ms = 2_000.0;
    let mut cut = false;
    for l in &mut b.layers {
        if l.layer == layer {
            l.status = LayerStatus::Partial;
            l.progress = "cut while waiting".into();
            cut = true;
        } else if cut {
            l.status = LayerStatus::NotStarted;
            l.progress = "not started".into();
        }
    }
}
