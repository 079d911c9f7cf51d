//! The catalogue entries for the light probe, repetition, and the run itself.

use super::*;

pub(super) const DEFS: &[FindingDef] = &[
    // --- the light probe and repetition (scan --quick, watch, the exporter) ---
    FindingDef {
        id: FindingId::TlsHandshakeFailed,
        layer: Layer::Tls,
        severity: Severity::Error,
        title: "The TLS handshake does not complete: it fails after the server's ServerHello, or on the Windows client's own path (one connection, no scan)",
        remedies: &[
            "The server starts the handshake and then sends something a client cannot accept (the reason is in the evidence): a broken or empty certificate, a certificate chain too large, a suite or version the client never offered. Rebind a valid certificate to Remote Desktop (`Get-CimInstance -Namespace root/cimv2/TerminalServices -ClassName Win32_TSGeneralSetting` shows its SSLCertificateSHA1Hash) and check any TLS-inspecting device on the path.",
            "Run `rdp-doctor diagnose HOST`: its version and suite scan tells a broken certificate key, a version or cipher mismatch and a stalled path apart.",
            "On the server, check the System event log for Schannel errors (36870, 36874, 36888) and the Remote Desktop certificate (RDP-Tcp SSLCertificateSHA1Hash).",
        ],
    },
    FindingDef {
        id: FindingId::TlsAnswerNotTls,
        layer: Layer::Tls,
        severity: Severity::Error,
        title: "The server answers the ClientHello with bytes that are not a TLS handshake",
        remedies: &[
            "Something that does not speak TLS answers after the negotiation selected TLS: another service or a proxy on the port, an SSL 2.0-only stack, or a broken TLS terminator. Check what listens (`netstat -ano | findstr :3389`) and take any middlebox out of the path.",
        ],
    },
    FindingDef {
        id: FindingId::SessionStalled,
        layer: Layer::Session,
        severity: Severity::Error,
        title: "The server stopped answering in the middle of the connection sequence",
        remedies: &[
            "The server stopped answering mid-sequence without closing anything: a hung Remote Desktop service (`Restart-Service TermService -Force`), a licensing server that does not answer, or a device on the path that drops the larger packets of this stage. Read the TerminalServices-RemoteConnectionManager and LocalSessionManager logs at that time.",
        ],
    },
    FindingDef {
        id: FindingId::IntermittentFailures,
        layer: Layer::Network,
        severity: Severity::Error,
        title: "Some connections fail and others go through: which step, how, and how often",
        remedies: &[
            "Failures at the TCP connect or resets right after it: look at what sits in the path (VPN concentrator, load balancer, firewall session limits, NAT table exhaustion) and at the server's connection limits (MaxOutstandingConnections, MaxConnectionCount).",
            "Timeouts at the TLS handshake on some connections: a path that drops large packets now and then (MTU over a VPN), or a server whose TLS stack is overloaded; compare `rdp-doctor watch` from inside the server's network.",
            "Behind a load balancer, probe each member directly (`rdp-doctor watch MEMBER`): one bad member shows as a fixed share of failures.",
        ],
    },
    FindingDef {
        id: FindingId::LatencyUnstable,
        layer: Layer::Network,
        severity: Severity::Warning,
        title: "The time the connect, negotiation or handshake takes swings widely (jitter)",
        remedies: &[
            "Jitter on the TCP connect points at the path (a congested VPN or Wi-Fi link, a firewall under load): measure with `mtr HOST` or `ping -i 0.2 HOST` from the client.",
            "Jitter on the X.224 exchange or TLS handshake with a steady connect points at the server: CPU or memory pressure, or many sessions starting at once.",
        ],
    },
    // --- the run itself ---
    FindingDef {
        id: FindingId::DeadlineReached,
        layer: Layer::Client,
        severity: Severity::Warning,
        title: "The run's own deadline ended before every layer was checked (not a server fault)",
        remedies: &[
            "Nothing is known to be wrong with the layers not checked: they were not tried, or were cut while the server may still have been answering.",
        ],
    },
];
