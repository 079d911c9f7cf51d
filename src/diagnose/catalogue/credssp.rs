//! The catalogue entries for CredSSP (NLA) and the credentials.

use super::*;

pub(super) const DEFS: &[FindingDef] = &[
    // --- credssp (NLA) ---
    FindingDef {
        id: FindingId::CredsspServerUnpatched,
        layer: Layer::Credssp,
        severity: Severity::Error,
        title: "The server lacks the CredSSP update for CVE-2018-0886",
        remedies: &[
            "Install the CredSSP update on the server: any cumulative/monthly rollup since May 2018 (KB4103725 for Windows 8.1/2012 R2, KB4103718 for Windows 7/2008 R2, or the current one); check with `Get-HotFix` and that `HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System\\CredSSP\\Parameters` accepts the policy.",
            "Temporary client-side workaround only until the server is updated: `reg add HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System\\CredSSP\\Parameters /v AllowEncryptionOracle /t REG_DWORD /d 2` (Group Policy: Computer Configuration → Administrative Templates → System → Credentials Delegation → Encryption Oracle Remediation = Vulnerable). Risk: the client then talks to unpatched servers, exposed to CVE-2018-0886 (remote code execution through a relayed CredSSP session); set it back to 1 (Mitigated) afterwards.",
        ],
    },
    FindingDef {
        id: FindingId::CredsspFailed,
        layer: Layer::Credssp,
        severity: Severity::Error,
        title: "The server broke off CredSSP (NLA)",
        remedies: &[
            "On the server, read the System log (source Schannel, TermDD) and `Microsoft-Windows-RemoteDesktopServices-RdpCoreTS/Operational` for the failed connection at the same time.",
            "Check the NLA settings: `(Get-WmiObject -Namespace root\\cimv2\\TerminalServices -Class Win32_TSGeneralSetting -Filter \"TerminalName='RDP-Tcp'\").UserAuthenticationRequired`, and that the CredSSP/NTLM policies (Network security: Restrict NTLM) allow this client.",
            "If the server's certificate or its private key is damaged, CredSSP fails after TLS: delete the RDP certificate from the 'Remote Desktop' store (certlm.msc) and restart TermService so it makes a new one.",
        ],
    },
    FindingDef {
        id: FindingId::CredsspHostInfo,
        layer: Layer::Credssp,
        severity: Severity::Info,
        title: "What the server tells about itself in CredSSP (NTLM CHALLENGE)",
        remedies: &[
            "Nothing to fix. Compare the names with the server you meant to reach (a DNS or load-balancer mix-up shows here), and the build with `winver` on the server; `rdp-doctor diagnose HOST --user USER` checks a logon.",
        ],
    },
    FindingDef {
        id: FindingId::CredentialsAccepted,
        layer: Layer::Credssp,
        severity: Severity::Info,
        title: "The server accepts the credentials at the NLA layer",
        remedies: &[
            "Nothing to fix at the NLA layer. If the session still fails, the cause is later: the user's Remote Desktop logon right, licensing or the session host (see the session findings).",
        ],
    },
    FindingDef {
        id: FindingId::CredentialsRejected,
        layer: Layer::Credssp,
        severity: Severity::Error,
        title: "The user name or password is not accepted",
        remedies: &[
            "Check the user name form: DOMAIN\\user or user@domain.fqdn for a domain account, .\\user or HOSTNAME\\user for a local account of the server.",
            "Reset or re-enter the password (for a stored or vaulted password: update the stored secret, then `cmdkey /list` on the client and delete stale TERMSRV/HOST entries with `cmdkey /delete:TERMSRV/HOST`).",
            "On the server, Security event 4625 (Status/Sub Status) names the exact reason.",
        ],
    },
    FindingDef {
        id: FindingId::PasswordExpired,
        layer: Layer::Credssp,
        severity: Severity::Error,
        title: "The password has expired",
        remedies: &[
            "Change the password elsewhere (Ctrl+Alt+Del → Change a password on another machine, `Set-ADAccountPassword`, or the self-service portal): NLA cannot change an expired password.",
            "If users must change expired passwords over RDP, an RD Web/Gateway password-change page or temporarily `UserAuthentication = 0` on RDP-Tcp lets the logon screen do it (weaker: it turns NLA off).",
        ],
    },
    FindingDef {
        id: FindingId::PasswordMustChange,
        layer: Layer::Credssp,
        severity: Severity::Error,
        title: "The password must be changed before the first logon",
        remedies: &[
            "Set a new password first (`Set-ADAccountPassword -Reset`, or clear 'User must change password at next logon' in Active Directory Users and Computers / `net user USER /logonpasswordchg:no`): NLA cannot change it.",
        ],
    },
    FindingDef {
        id: FindingId::AccountLocked,
        layer: Layer::Credssp,
        severity: Severity::Error,
        title: "The account is locked out",
        remedies: &[
            "Unlock it: `Unlock-ADAccount USER` (or Active Directory Users and Computers → Account → Unlock), `net user USER /active:yes` is not enough for a local lockout: wait for the lockout duration or reset it in lusrmgr.msc.",
            "Find what keeps sending the wrong password: event 4740 on the PDC emulator names the caller computer (stale saved RDP credentials, mapped drives, services).",
        ],
    },
    FindingDef {
        id: FindingId::AccountDisabled,
        layer: Layer::Credssp,
        severity: Severity::Error,
        title: "The account is disabled",
        remedies: &["Enable it: `Enable-ADAccount USER` or `net user USER /active:yes` for a local account."],
    },
    FindingDef {
        id: FindingId::AccountExpired,
        layer: Layer::Credssp,
        severity: Severity::Error,
        title: "The account has expired",
        remedies: &[
            "Extend it: `Set-ADAccountExpiration USER -DateTime ...` (or clear it with `Clear-ADAccountExpiration USER`); for a local account `net user USER /expires:never`.",
        ],
    },
    FindingDef {
        id: FindingId::AccountRestricted,
        layer: Layer::Credssp,
        severity: Severity::Error,
        title: "An account restriction stops the logon (blank password, logon hours, workstations)",
        remedies: &[
            "A blank password is refused over the network by 'Accounts: Limit local account use of blank passwords to console logon only' (LimitBlankPasswordUse): give the account a password.",
            "Check the account's Logon Hours and 'Log On To' workstation list (Active Directory Users and Computers → Account), and membership of Protected Users.",
        ],
    },
    FindingDef {
        id: FindingId::LogonTypeNotGranted,
        layer: Layer::Credssp,
        severity: Severity::Error,
        title: "The user lacks the right to log on through Remote Desktop Services",
        remedies: &[
            "Add the user (or a group) to 'Remote Desktop Users' on the server: `Add-LocalGroupMember -Group 'Remote Desktop Users' -Member USER`.",
            "Check secpol.msc → Local Policies → User Rights Assignment: 'Allow log on through Remote Desktop Services' must include the user's group and 'Deny log on through Remote Desktop Services' must not; `gpresult /h` shows which GPO sets them.",
        ],
    },
    FindingDef {
        id: FindingId::UserNotAuthorized,
        layer: Layer::Credssp,
        severity: Severity::Error,
        title: "The password is right, but the user may not log on remotely (ACCESS_DENIED)",
        remedies: &[
            "Add the user to 'Remote Desktop Users' on the server (`Add-LocalGroupMember -Group 'Remote Desktop Users' -Member USER`) or to the group named in 'Allow log on through Remote Desktop Services'.",
            "Check 'Deny log on through Remote Desktop Services' in secpol.msc / `gpresult /h`, and for an RD Session Host collection the user groups of the collection.",
        ],
    },
    FindingDef {
        id: FindingId::CredentialsNotSent,
        layer: Layer::Credssp,
        severity: Severity::Warning,
        title: "The credentials were not sent: the server's certificate is not trusted",
        remedies: &[
            "Compare the thumbprint shown with the server's own: `Get-ChildItem Cert:\\LocalMachine\\'Remote Desktop'` (or the certificate bound in `Win32_TSGeneralSetting.SSLCertificateSHA1Hash`); if it matches, pass it with `--trust-cert SHA256`.",
            "Run rdp-doctor from a terminal to be asked, as the Windows client asks; or give the server a certificate from a CA the clients trust (Group Policy: Remote Desktop Services → Security → Server authentication certificate template).",
        ],
    },
    FindingDef {
        id: FindingId::CredentialsNotChecked,
        layer: Layer::Credssp,
        severity: Severity::Info,
        title: "The credentials could not be checked at the NLA layer (no CredSSP on the server)",
        remedies: &[
            "Without NLA the server asks for credentials on its logon screen, inside the session; enable NLA on Windows with `UserAuthentication = 1` under HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\WinStations\\RDP-Tcp.",
        ],
    },
    FindingDef {
        id: FindingId::RestrictedAdminAccepted,
        layer: Layer::Credssp,
        severity: Severity::Info,
        title: "The server accepts a restricted admin (credential-less) logon",
        remedies: &[
            "`mstsc /restrictedAdmin` works for this account: the password is not sent to the server (the session has no network identity of the user).",
        ],
    },
    FindingDef {
        id: FindingId::RestrictedAdminRefused,
        layer: Layer::Credssp,
        severity: Severity::Warning,
        title: "The server refuses a restricted admin (credential-less) logon",
        remedies: &[
            "On the server set `DisableRestrictedAdmin` = 0 (REG_DWORD) under HKLM\\System\\CurrentControlSet\\Control\\Lsa, and log on with an account of the local Administrators group; otherwise the `mstsc /restrictedAdmin` workaround for extended error 0x7 does not apply.",
        ],
    },
];
