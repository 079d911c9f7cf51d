//! The catalogue entries for the X.224 security negotiation.

use super::*;

pub(super) const DEFS: &[FindingDef] = &[
    // --- negotiation: transport ---
    FindingDef {
        id: FindingId::ClosedBeforeNegotiation,
        layer: Layer::Negotiation,
        severity: Severity::Critical,
        title: "The connection is accepted, then closed before any negotiation answer",
        remedies: &[
            "The listener accepts the socket but the Remote Desktop service does not take it: restart it (`Restart-Service TermService -Force`) and check the System event log for TermService and Schannel errors.",
            "A load balancer or port forward with no healthy backend, or an IPS that kills RDP, behaves the same: connect to the server's own address from its subnet to tell them apart.",
            "Check the connection limits of the RDP-Tcp listener (MaxInstanceCount, 'Limit number of connections') and any IP restriction in front of it.",
        ],
    },
    FindingDef {
        id: FindingId::NoResponse,
        layer: Layer::Negotiation,
        severity: Severity::Critical,
        title: "The connection is accepted, then nothing is said",
        remedies: &[
            "A hung Remote Desktop service accepts and never answers: restart TermService and check the System event log.",
            "A TCP proxy, port forward or SSL-inspecting firewall that accepts and has no working backend looks the same: test from the server's own subnet.",
        ],
    },
    FindingDef {
        id: FindingId::NotRdp,
        layer: Layer::Negotiation,
        severity: Severity::Critical,
        title: "Another service answers on the port",
        remedies: &[
            "Check the port: RDP listens where PortNumber under the RDP-Tcp key says (3389 by default); a port forward may point at the wrong host or service.",
            "An RD Gateway listens on HTTPS 443: set it as the gateway in the client (Advanced → Settings), not as host:443.",
        ],
    },
    FindingDef {
        id: FindingId::MalformedResponse,
        layer: Layer::Negotiation,
        severity: Severity::Error,
        title: "The answer to the Connection Request is not a valid Connection Confirm",
        remedies: &[
            "A proxy or protocol filter in the path is rewriting RDP, or the server is broken: capture the exchange (`rdp-doctor diagnose -v`) and test from the server's own subnet.",
        ],
    },
    // --- negotiation: security ---
    FindingDef {
        id: FindingId::NlaRequired,
        layer: Layer::Negotiation,
        severity: Severity::Info,
        title: "The server requires Network Level Authentication (CredSSP)",
        remedies: &[
            "Clients must offer CredSSP: mstsc does by default; FreeRDP needs /sec:nla or no /sec; a client that says 'The remote computer requires Network Level Authentication, which your computer does not support' must enable CredSSP.",
            "Only to admit clients without NLA (not recommended): clear 'Allow connections only from computers running Remote Desktop with Network Level Authentication', i.e. RDP-Tcp UserAuthentication = 0.",
        ],
    },
    FindingDef {
        id: FindingId::TlsRequired,
        layer: Layer::Negotiation,
        severity: Severity::Info,
        title: "The server requires TLS (SSL_REQUIRED_BY_SERVER)",
        remedies: &[
            "Clients that offer only Standard RDP Security fail; every current client offers TLS. RDP-Tcp SecurityLayer = 2 (Group Policy 'Require use of specific security layer for remote (RDP) connections' = SSL) is what makes TLS mandatory.",
        ],
    },
    FindingDef {
        id: FindingId::StandardRdpSecurityOnly,
        layer: Layer::Negotiation,
        severity: Severity::Warning,
        title: "Only Standard RDP Security: no TLS, no NLA",
        remedies: &[
            "Standard RDP Security does not verify the server's identity and protects the session with RC4 only. Set RDP-Tcp SecurityLayer to 2 (TLS) or 1 (Negotiate): Group Policy 'Require use of specific security layer for remote (RDP) connections', or `Set-ItemProperty 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\WinStations\\RDP-Tcp' SecurityLayer 2`.",
            "On xrdp: `security_layer=negotiate` (or `tls`) in xrdp.ini, with `certificate=` and `key_file=` naming a readable certificate and key; xrdp falls back to Standard RDP Security silently when they are missing.",
            "Then require NLA where the server supports it: RDP-Tcp UserAuthentication = 1.",
        ],
    },
    FindingDef {
        id: FindingId::CertNotOnServer,
        layer: Layer::Negotiation,
        severity: Severity::Warning,
        title: "The server has no usable TLS certificate (SSL_CERT_NOT_ON_SERVER)",
        remedies: &[
            "Windows: check the 'Remote Desktop' certificate store (certlm.msc → Remote Desktop → Certificates); the thumbprint in RDP-Tcp SSLCertificateSHA1Hash must name a certificate that is there, with its private key.",
            r"A private key Schannel cannot use (corrupted file or wrong permissions in C:\ProgramData\Microsoft\Crypto\RSA\MachineKeys; Schannel event 36870): restore read access for SYSTEM and NETWORK SERVICE, or rename MachineKeys to MachineKeys_old, delete the Remote Desktop certificate and `Restart-Service TermService -Force` so it is regenerated.",
            "xrdp: the files named by `certificate=` and `key_file=` in xrdp.ini must exist and be readable by the xrdp user.",
        ],
    },
    FindingDef {
        id: FindingId::InconsistentFlags,
        layer: Layer::Negotiation,
        severity: Severity::Warning,
        title: "The server finds the requested protocols inconsistent (INCONSISTENT_FLAGS)",
        remedies: &[
            "The server's security settings contradict what the client offers: compare RDP-Tcp SecurityLayer and UserAuthentication with Group Policy ('Require use of specific security layer', 'Require user authentication … by using Network Level Authentication') and the FIPS policy ('System cryptography: Use FIPS compliant algorithms').",
        ],
    },
    FindingDef {
        id: FindingId::TlsWithUserAuthRequired,
        layer: Layer::Negotiation,
        severity: Severity::Warning,
        title: "The server requires TLS with client certificate authentication",
        remedies: &[
            "SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER: the server wants a client certificate during TLS. Most clients, mstsc included, cannot do this; check the RDP-Tcp listener's security configuration and any third-party authentication package on the server.",
        ],
    },
    FindingDef {
        id: FindingId::NlaNotRequired,
        layer: Layer::Negotiation,
        severity: Severity::Warning,
        title: "Clients get in without Network Level Authentication",
        remedies: &[
            "Without NLA anyone who reaches the port gets a logon screen and a session before authenticating (the exposure behind BlueKeep-class bugs). On Windows enable 'Allow connections only from computers running Remote Desktop with Network Level Authentication' or the Group Policy 'Require user authentication for remote connections by using Network Level Authentication' (RDP-Tcp UserAuthentication = 1).",
            "xrdp has no NLA: limit who can reach it (firewall, VPN) or put it behind an RD Gateway.",
        ],
    },
    FindingDef {
        id: FindingId::LegacyNegotiation,
        layer: Layer::Negotiation,
        severity: Severity::Warning,
        title: "The server ignores security negotiation (pre-RDP 5.2 behaviour)",
        remedies: &[
            "The server (or a proxy in front of it) answers a negotiation request with a plain Connection Confirm: only Standard RDP Security is possible. Update the server, or check for a protocol-unaware proxy that strips RDP_NEG_REQ.",
        ],
    },
    FindingDef {
        id: FindingId::RestrictedAdminSupported,
        layer: Layer::Negotiation,
        severity: Severity::Info,
        title: "Restricted admin mode is announced",
        remedies: &[
            "`mstsc /restrictedAdmin` logs on without sending the password to the server; it needs an administrator account and DisableRestrictedAdmin = 0 under HKLM\\System\\CurrentControlSet\\Control\\Lsa on the server.",
        ],
    },
    FindingDef {
        id: FindingId::RestrictedAdminUnsupported,
        layer: Layer::Negotiation,
        severity: Severity::Info,
        title: "Restricted admin mode cannot work",
        remedies: &[
            "Advice to try `mstsc /restrictedAdmin` (often given for extended error 0x7) does not apply to this server.",
        ],
    },
];
