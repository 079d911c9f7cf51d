//! The catalogue entries for what only the server's (or client's) own records show.

use super::*;

pub(super) const DEFS: &[FindingDef] = &[
    // --- evidence: what only the server's (or client's) own records show (`rdp-doctor evidence`) ---
    FindingDef {
        id: FindingId::SchannelPrivateKeyUnusable,
        layer: Layer::Tls,
        severity: Severity::Critical,
        title: "Schannel cannot use the private key of the server's TLS certificate (event 36870)",
        remedies: &[
            r"Delete the Remote Desktop certificate so it is regenerated: `Get-ChildItem 'Cert:\LocalMachine\Remote Desktop' | Remove-Item`, then `Restart-Service TermService -Force`.",
            r"If the key store itself is broken (the error code in the evidence says the key could not be opened): stop TermService, rename C:\ProgramData\Microsoft\Crypto\RSA\MachineKeys to MachineKeys_old (or restore its default permissions: Administrators Full control; Everyone list/read/write/create on this folder only) and start TermService again.",
            r"A certificate named by RDP-Tcp SSLCertificateSHA1Hash must be in LocalMachine\My with its private key, readable by NETWORK SERVICE (certlm.msc → the certificate → All Tasks → Manage Private Keys).",
        ],
    },
    FindingDef {
        id: FindingId::RdpCertNotCreated,
        layer: Layer::Tls,
        severity: Severity::Error,
        title: "The Remote Desktop service could not create or renew its certificate (events 1057/1058)",
        remedies: &[
            r"Check the MachineKeys folder (C:\ProgramData\Microsoft\Crypto\RSA\MachineKeys): SYSTEM and NETWORK SERVICE must be able to create keys there; a third-party hardening tool or a broken ACL is the usual cause.",
            r"Remove the stale certificate (`Get-ChildItem 'Cert:\LocalMachine\Remote Desktop' | Remove-Item`) and `Restart-Service TermService -Force`; a new 1056 event in the System log confirms the new certificate.",
        ],
    },
    FindingDef {
        id: FindingId::CredsspVersionRefused,
        layer: Layer::Credssp,
        severity: Severity::Error,
        title: "The client refused the server's CredSSP version (Encryption Oracle Remediation, event 6041)",
        remedies: &[
            "Install the CredSSP update (any cumulative update since May 2018) on the server named in the event: its CredSSP version is older than the client's policy allows.",
            r"Only until the server is updated, on the client: `reg add HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System\CredSSP\Parameters /v AllowEncryptionOracle /t REG_DWORD /d 2` (Vulnerable); set it back to 1 afterwards (CVE-2018-0886).",
        ],
    },
    FindingDef {
        id: FindingId::RdpNetworkDrops,
        layer: Layer::Network,
        severity: Severity::Warning,
        title: "Remote Desktop connections broke at the transport (RdpCoreTS 142/143/226)",
        remedies: &[
            "Network-name-deleted errors and resets (decoded in the evidence) mean the path dropped the connection: check idle timeouts on firewalls, NAT and VPN (RDP keep-alive: Group Policy 'Configure keep-alive connection interval'), and Wi-Fi or mobile links of the clients.",
            "Many drops from many addresses are scanners and password-guessers on an exposed port: put RDP behind a VPN or an RD Gateway.",
            "If UDP transport is in use, try TCP only (client: 'Turn off UDP on client'; server: 'Select RDP transport protocols' = Use only TCP) to tell a UDP path problem apart.",
        ],
    },
    FindingDef {
        id: FindingId::SessionEndedByServer,
        layer: Layer::Session,
        severity: Severity::Warning,
        title: "The server ended sessions for a server-side reason (LocalSessionManager 40)",
        remedies: &[
            "Read the reason in the evidence (`rdp-doctor explain REASON` decodes it): idle and logon time limits come from Group Policy (Remote Desktop Session Host → Session Time Limits); out-of-memory and protocol errors need the System log at the same time.",
        ],
    },
    FindingDef {
        id: FindingId::ClientDisconnectRecorded,
        layer: Layer::Client,
        severity: Severity::Info,
        title: "The Remote Desktop client recorded disconnects with their reason (RDPClient 1026)",
        remedies: &[
            "Decode each reason with `rdp-doctor explain CODE` and run `rdp-doctor diagnose HOST` from the same client to see which layer fails.",
        ],
    },
    FindingDef {
        id: FindingId::EvidenceNlaMismatch,
        layer: Layer::Negotiation,
        severity: Severity::Warning,
        title: "The registry and the wire disagree about Network Level Authentication",
        remedies: &[
            "The exported settings are not what answers on the wire: a Group Policy not yet applied (`gpupdate /force`, then reconnect), another listener or port (PortNumber), a load balancer sending you to another host, or exports from a different machine.",
        ],
    },
    FindingDef {
        id: FindingId::EvidenceCertMismatch,
        layer: Layer::Tls,
        severity: Severity::Warning,
        title: "The certificate served is not the one the server's records name",
        remedies: &[
            r"Something else answers with its own certificate (a TLS-inspecting firewall, a load balancer, another host), or the listener falls back to the self-signed certificate because the one in SSLCertificateSHA1Hash is missing or its key unusable: check `Get-ChildItem Cert:\LocalMachine\My\THUMBPRINT` and the System log (Schannel 36870, TermService 1057).",
        ],
    },
];
