//! The catalogue entries for the RD Gateway path.

use super::*;

pub(super) const DEFS: &[FindingDef] = &[
    // --- RD Gateway ([MS-TSGU] HTTP transport; diagnose/gateway.rs) ---
    FindingDef {
        id: FindingId::GatewayUnreachable,
        layer: Layer::Gateway,
        severity: Severity::Critical,
        title: "The RD Gateway cannot be reached (name or TCP)",
        remedies: &[
            "Check the gateway name and port (gatewayhostname in the .rdp file; 443 by default): `Resolve-DnsName GW`, `Test-NetConnection GW -Port 443`.",
            "Check the firewall / load balancer in front of the gateway lets TCP 443 through, and that the RD Gateway service (TSGateway) and IIS run on it.",
        ],
    },
    FindingDef {
        id: FindingId::GatewayTlsFailed,
        layer: Layer::Gateway,
        severity: Severity::Critical,
        title: "The TLS handshake with the RD Gateway failed",
        remedies: &[
            "RD Gateway Manager > Properties > SSL Certificate: a certificate must be bound (an unbound or deleted certificate breaks every handshake), and `netsh http show sslcert` must list it on 0.0.0.0:443.",
            "Check the TLS versions and suites the gateway (Schannel) and anything in front of it (load balancer, reverse proxy) allow.",
        ],
    },
    FindingDef {
        id: FindingId::GatewayCertExpired,
        layer: Layer::Gateway,
        severity: Severity::Error,
        title: "The RD Gateway certificate has expired",
        remedies: &[
            "Renew the certificate and import it in RD Gateway Manager > Properties > SSL Certificate (or Server Manager > RDS > Deployment Properties > Certificates > RD Gateway).",
        ],
    },
    FindingDef {
        id: FindingId::GatewayCertNameMismatch,
        layer: Layer::Gateway,
        severity: Severity::Error,
        title: "The RD Gateway certificate does not name the gateway as the client typed it",
        remedies: &[
            "Use the gateway name the certificate lists (gatewayhostname in the .rdp file, or the RD Web / collection settings), or issue a certificate whose subjectAltName holds the public gateway name.",
        ],
    },
    FindingDef {
        id: FindingId::GatewayCertUntrusted,
        layer: Layer::Gateway,
        severity: Severity::Error,
        title: "The RD Gateway certificate does not chain to a trusted root",
        remedies: &[
            "Bind a certificate from a CA the clients trust (a public CA for clients outside the domain) in RD Gateway Manager > Properties > SSL Certificate; the Windows client does not offer to continue past an untrusted gateway certificate.",
            "With a private CA, deploy its root (and intermediates) to the clients' Trusted Root store, and make sure the gateway sends the intermediates.",
        ],
    },
    FindingDef {
        id: FindingId::GatewayAuthFailed,
        layer: Layer::Gateway,
        severity: Severity::Error,
        title: "The RD Gateway refused the credentials (HTTP 401 after the complete exchange)",
        remedies: &[
            "Check the gateway user name and password (DOMAIN\\user); in the .rdp file, gatewaycredentialssource and 'use my RD Gateway credentials for the remote computer' decide which credentials go to the gateway.",
            "On the gateway, the Security log (event 4625) and Microsoft-Windows-TerminalServices-Gateway/Operational say why; check the account is not locked and that NTLM is not restricted for the gateway.",
        ],
    },
    FindingDef {
        id: FindingId::GatewayAuthNotChecked,
        layer: Layer::Gateway,
        severity: Severity::Warning,
        title: "The RD Gateway asks for authentication and no gateway credentials were given",
        remedies: &[
            "Run again with --user (used for the gateway too, as the Windows client does) or --gateway-user, to check the gateway logon and the stages after it.",
        ],
    },
    FindingDef {
        id: FindingId::GatewayHttpTransportDisabled,
        layer: Layer::Gateway,
        severity: Severity::Error,
        title: "The gateway does not serve the HTTP transport (404 to RDG_OUT_DATA; RPC over HTTP only)",
        remedies: &[
            "On Windows Server 2012 and later, the HTTP transport is the default: check that the /remoteDesktopGateway/ application exists in IIS (Default Web Site) and that nothing rewrites it.",
            "A gateway still on Windows Server 2008 R2 speaks only RPC over HTTP: upgrade it; rdp-doctor recognises that transport but does not speak it.",
        ],
    },
    FindingDef {
        id: FindingId::GatewayHttpBlocked,
        layer: Layer::Gateway,
        severity: Severity::Error,
        title: "A reverse proxy or WAF in front of the gateway rejects the RD Gateway HTTP methods",
        remedies: &[
            "Let the RDG_OUT_DATA and RDG_IN_DATA methods (and the WebSocket upgrade) through to /remoteDesktopGateway/ on the proxy, WAF or load balancer; many WAFs block unknown HTTP methods by default.",
            "Publish the gateway with a TCP (layer 4) rule instead of an HTTP (layer 7) one, or use the proxy's RD Gateway template.",
        ],
    },
    FindingDef {
        id: FindingId::GatewayCapDenied,
        layer: Layer::Gateway,
        severity: Severity::Error,
        title: "The gateway's connection authorization policy (RD CAP) denied the user",
        remedies: &[
            "RD Gateway Manager > Policies > Connection Authorization Policies: the user must be in a user group of an enabled CAP, with the authentication method (password / smart card) the client uses; with a central NPS, check its network policies.",
            "Check device redirection and health (NAP) requirements of the CAP.",
        ],
    },
    FindingDef {
        id: FindingId::GatewayRapDenied,
        layer: Layer::Gateway,
        severity: Severity::Error,
        title: "The gateway's resource authorization policy (RD RAP) does not let the user reach the target",
        remedies: &[
            "RD Gateway Manager > Policies > Resource Authorization Policies: the user's group and the target computer (or its computer group) must match one RAP, with the port allowed (3389 by default).",
            "The RAP matches the name as typed: a target given by IP address or short name does not match a RAP listing the FQDN (or the reverse).",
        ],
    },
    FindingDef {
        id: FindingId::GatewayTargetUnreachable,
        layer: Layer::Gateway,
        severity: Severity::Error,
        title: "The RD Gateway cannot connect to the target (E_PROXY_TS_CONNECTFAILED)",
        remedies: &[
            "From the gateway: `Test-NetConnection TARGET -Port 3389` and resolve the target name there; the gateway must reach the target, the client does not.",
            "Run rdp-doctor diagnose TARGET from the gateway's network for the target's own layers.",
        ],
    },
    FindingDef {
        id: FindingId::GatewayMaxConnections,
        layer: Layer::Gateway,
        severity: Severity::Error,
        title: "The RD Gateway has reached its maximum number of connections",
        remedies: &[
            "RD Gateway Manager > Properties > General: raise 'Maximum allowed simultaneous connections' or allow the maximum; check the current connections in RD Gateway Manager > Monitoring.",
        ],
    },
    FindingDef {
        id: FindingId::GatewayChannelClosed,
        layer: Layer::Gateway,
        severity: Severity::Error,
        title: "The RD Gateway closed the channel after data had started",
        remedies: &[
            "The CLOSE_CHANNEL status names why: a session timeout or idle timeout of the CAP (RD Gateway Manager > Policies > CAP > Timeouts), a re-authentication that failed, or an administrator disconnect.",
            "Look in Microsoft-Windows-TerminalServices-Gateway/Operational on the gateway for the connection's events (302, 303).",
        ],
    },
    FindingDef {
        id: FindingId::GatewayProtocolError,
        layer: Layer::Gateway,
        severity: Severity::Error,
        title: "The RD Gateway tunnel broke during the handshake or with an unexpected answer",
        remedies: &[
            "The stage and code in the evidence say where; check Microsoft-Windows-TerminalServices-Gateway/Operational on the gateway and any proxy between client and gateway that may alter the stream.",
        ],
    },
    FindingDef {
        id: FindingId::GatewayNotChecked,
        layer: Layer::Gateway,
        severity: Severity::Info,
        title: "The gateway path was not checked to the end: the run's deadline ended first",
        remedies: &[
            "Run again with a longer --timeout; every channel through a gateway repeats its TLS handshake and logon.",
        ],
    },
    FindingDef {
        id: FindingId::GatewayOk,
        layer: Layer::Gateway,
        severity: Severity::Info,
        title: "The RD Gateway tunnel works",
        remedies: &["Nothing to fix at the gateway: the target's own findings follow."],
    },
];
