//! The catalogue entries for this machine as an RDP client (`rdp-doctor client`).

use super::*;

pub(super) const DEFS: &[FindingDef] = &[
    // --- client (rdp-doctor client: this machine as an RDP client) ---
    FindingDef {
        id: FindingId::ClientSavedCredential,
        layer: Layer::Client,
        severity: Severity::Info,
        title: "Credential Manager holds a saved Remote Desktop credential (TERMSRV/host)",
        remedies: &[
            "Control Panel → Credential Manager → Windows Credentials: remove the TERMSRV/host entry (the same as `cmdkey /delete:TERMSRV/host`), connect again and type the current password; tick 'Remember me' only once it works.",
        ],
    },
    FindingDef {
        id: FindingId::ClientCredsspMismatch,
        layer: Layer::Client,
        severity: Severity::Error,
        title: "This client's CredSSP policy refuses the server's CredSSP version (CVE-2018-0886 patch levels differ)",
        remedies: &[
            "Patch the server: install a cumulative update from May 2018 or later (the CredSSP fix for CVE-2018-0886); its TSRequest version then reads 5 or more in `rdp-doctor diagnose HOST`.",
            r"Only as a stopgap until the server is patched, relax this client: Group Policy 'Computer Configuration → Administrative Templates → System → Credentials Delegation → Encryption Oracle Remediation' = Vulnerable, or `reg add HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System\CredSSP\Parameters /v AllowEncryptionOracle /t REG_DWORD /d 2 /f`; set it back to 1 (Mitigated) afterwards.",
        ],
    },
    FindingDef {
        id: FindingId::ClientCredsspVulnerable,
        layer: Layer::Client,
        severity: Severity::Warning,
        title: "This client falls back to CredSSP without the CVE-2018-0886 fix (AllowEncryptionOracle = 2)",
        remedies: &[
            "Patch the servers that need the fallback, then set Encryption Oracle Remediation back to Mitigated: `reg add HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System\\CredSSP\\Parameters /v AllowEncryptionOracle /t REG_DWORD /d 1 /f` (or remove the value).",
        ],
    },
    FindingDef {
        id: FindingId::ClientCredsspVersionRefused,
        layer: Layer::Client,
        severity: Severity::Error,
        title: "The System log records CredSSP version refusals (LsaSrv 6041)",
        remedies: &[
            "The servers named in the events lack the 2018 CredSSP update: patch them. Check one with `rdp-doctor client HOST`, which measures its CredSSP version and says which side to change.",
        ],
    },
    FindingDef {
        id: FindingId::ClientTlsDisabled,
        layer: Layer::Client,
        severity: Severity::Warning,
        title: "This client's Schannel has TLS versions turned off that servers need",
        remedies: &[
            r"Turn the version back on for clients: under HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2\Client set Enabled = 1 and DisabledByDefault = 0 (or delete both values to get the system default), then restart.",
            "If the server accepts only old versions (TLS 1.0/1.1), update the server rather than re-enabling them on clients.",
        ],
    },
    FindingDef {
        id: FindingId::ClientRecentDisconnects,
        layer: Layer::Client,
        severity: Severity::Warning,
        title: "The Remote Desktop client's event log records recent failed connections",
        remedies: &[
            "Diagnose each target named in the evidence: `rdp-doctor diagnose HOST` (and `rdp-doctor explain CODE` for a reason code). The full log: Event Viewer → Applications and Services Logs → Microsoft → Windows → TerminalServices-ClientActiveXCore → Microsoft-Windows-TerminalServices-RDPClient/Operational.",
        ],
    },
    FindingDef {
        id: FindingId::ClientRdpDefaults,
        layer: Layer::Client,
        severity: Severity::Warning,
        title: "Default.rdp changes how every new mstsc connection is made",
        remedies: &[
            "Edit Documents\\Default.rdp (a hidden file) and remove the lines named in the evidence, or delete the file: mstsc writes a fresh one with the defaults.",
        ],
    },
];
