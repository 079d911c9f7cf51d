//! The catalogue entries for the connection sequence, and hostile or broken peers.

use super::*;

pub(super) const DEFS: &[FindingDef] = &[
    // --- session: the connection sequence ([MS-RDPBCGR] 1.3.1.1) ---
    FindingDef {
        id: FindingId::SessionEstablished,
        layer: Layer::Session,
        severity: Severity::Info,
        title: "The connection sequence completed (MCS, licensing, capabilities, finalization)",
        remedies: &[
            "Nothing to fix at this layer. If users still fail, run with their account (`--user USER --password-stdin`) so the logon itself is tested, and compare the stage timings with a slow client.",
        ],
    },
    FindingDef {
        id: FindingId::SessionNotChecked,
        layer: Layer::Session,
        severity: Severity::Info,
        title: "The session layer was not checked",
        remedies: &[
            "Read the reason in the evidence: give credentials for an NLA server (`--user USER --password-stdin`), trust its certificate (`--trust-cert SHA256`), or enable TLS on a Standard-RDP-Security-only server to let the sequence be tested.",
        ],
    },
    FindingDef {
        id: FindingId::ServerDeniedConnection,
        layer: Layer::Session,
        severity: Severity::Error,
        title: "The server refused the connection after it was set up (errorInfo 0x7)",
        remedies: &[
            "A user not allowed to connect: the account must be in 'Remote Desktop Users' or Administrators (`net localgroup \"Remote Desktop Users\"`) and hold 'Allow log on through Remote Desktop Services' (secpol.msc → Local Policies → User Rights Assignment); check `gpresult /h gp.html` for 'Deny log on through Remote Desktop Services'.",
            "A deny policy: Group Policy 'Allow users to connect remotely by using Remote Desktop Services' (fDenyTSConnections), 'Limit number of connections' (MaxInstanceCount) and 'Restrict Remote Desktop Services users to a single Remote Desktop Services session' (fSingleSessionPerUser); `qwinsta /server:HOST` shows the sessions in use.",
            "A broker or collection refusal (RDS farm): the user must be in the collection's User Groups (Server Manager → Remote Desktop Services → Collections → Properties); check Microsoft-Windows-TerminalServices-SessionBroker/Operational on the broker.",
            "Credentials rejected on a server without NLA: with auto-logon the server checks the password after the sequence; check Security event 4625 on the server, or enable NLA (RDP-Tcp UserAuthentication = 1) so the client is told at CredSSP.",
            "A PAM or proxy decision (xrdp, an RDP proxy or PAM-RDP gateway): read the proxy's or xrdp's log (`/var/log/xrdp.log`, `journalctl -u xrdp-sesman`) and its access rules for this user and source address.",
        ],
    },
    FindingDef {
        id: FindingId::ServerInsufficientPrivileges,
        layer: Layer::Session,
        severity: Severity::Error,
        title: "The user lacks the privileges to connect (errorInfo 0x9)",
        remedies: &[
            "Add the user to 'Remote Desktop Users' (`net localgroup \"Remote Desktop Users\" DOMAIN\\user /add`) or grant 'Allow log on through Remote Desktop Services' (secpol.msc → User Rights Assignment); check the RDP-Tcp listener's permissions (`wmic /namespace:\\\\root\\cimv2\\TerminalServices PATH Win32_TSPermissionsSetting`).",
        ],
    },
    FindingDef {
        id: FindingId::FreshCredentialsRequired,
        layer: Layer::Session,
        severity: Severity::Error,
        title: "The server wants freshly typed credentials (errorInfo 0xA)",
        remedies: &[
            "The policy 'Always prompt for password upon connection' (fPromptForPassword = 1 under HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services) refuses saved credentials: type the password at each connection, or clear the policy if saved credentials are acceptable.",
        ],
    },
    FindingDef {
        id: FindingId::ServerDeniedFips,
        layer: Layer::Session,
        severity: Severity::Error,
        title: "The server refused the connection for FIPS compliance (errorInfo 0x8)",
        remedies: &[
            "The server enforces 'System cryptography: Use FIPS compliant algorithms for encryption, hashing, and signing' (HKLM\\System\\CurrentControlSet\\Control\\Lsa\\FIPSAlgorithmPolicy\\Enabled = 1): use a client that supports FIPS / TLS, or switch the server to TLS (SecurityLayer = 2) so FIPS applies to TLS instead of RDP encryption.",
        ],
    },
    FindingDef {
        id: FindingId::LicensingFailed,
        layer: Layer::Licensing,
        severity: Severity::Error,
        title: "RDS licensing failed",
        remedies: &[
            "Run the RD Licensing Diagnoser on the session host (lsdiag.msc) and fix what it reports.",
            "No license server: set 'Use the specified Remote Desktop license servers' and 'Set the Remote Desktop licensing mode' (Computer Configuration → Administrative Templates → Windows Components → Remote Desktop Services → Remote Desktop Session Host → Licensing), and make sure the Remote Desktop Licensing service runs on that server and is reachable (TCP 135 and RPC).",
            "No CALs or grace period over: install RDS CALs of the configured mode (Per User or Per Device) in RD Licensing Manager (licmgr.exe) and activate the license server; the 120-day grace period cannot be extended.",
        ],
    },
    FindingDef {
        id: FindingId::Redirected,
        layer: Layer::Session,
        severity: Severity::Info,
        title: "The server redirects the connection to another host (broker or load balancer)",
        remedies: &[
            "Probe the target as well (`rdp-doctor diagnose TARGET`): a user's failure there is not visible from here.",
            "If the redirection is unexpected, check the RD Connection Broker's collection settings and the load-balancing info the client sends (loadbalanceinfo in the .rdp file).",
        ],
    },
    FindingDef {
        id: FindingId::LogonFailed,
        layer: Layer::Session,
        severity: Severity::Error,
        title: "The automatic logon failed (Save Session Info logon error)",
        remedies: &[
            "Check the user name (DOMAIN\\user or user@domain) and the password; Security event 4625 on the server gives the reason (Status / Sub Status).",
            "A password that must be changed cannot be changed without NLA over auto-logon: change it first, or enable NLA (RDP-Tcp UserAuthentication = 1).",
        ],
    },
    FindingDef {
        id: FindingId::DisconnectedByServer,
        layer: Layer::Session,
        severity: Severity::Error,
        title: "The server ended the connection sequence",
        remedies: &[
            "Look up the reason in the evidence (`rdp-doctor explain 0x904 ERRORINFO`), and read the server's logs at that time: Microsoft-Windows-TerminalServices-RemoteConnectionManager/Operational and LocalSessionManager/Operational on Windows, /var/log/xrdp.log on xrdp.",
        ],
    },
    FindingDef {
        id: FindingId::SessionIncomplete,
        layer: Layer::Session,
        severity: Severity::Error,
        title: "The connection sequence stopped before it was established",
        remedies: &[
            "The server sent something this client could not go on with: read the frames in observations.session.server_frames and compare with a real client (`xfreerdp /v:HOST /log-level:TRACE`); a protocol-rewriting proxy in the path is a common cause.",
        ],
    },
    FindingDef {
        id: FindingId::FipsRequired,
        layer: Layer::Session,
        severity: Severity::Warning,
        title: "Standard RDP Security with FIPS encryption only",
        remedies: &[
            "Clients without FIPS support for Standard RDP Security fail (FreeRDP before 2.x, many thin clients). Prefer TLS: RDP-Tcp SecurityLayer = 2 (Group Policy 'Require use of specific security layer for remote (RDP) connections' = SSL); on xrdp `security_layer=tls` or `negotiate` with a certificate.",
            "If FIPS is required by policy, keep 'System cryptography: Use FIPS compliant algorithms' and move clients to TLS, where FIPS applies to the TLS suites.",
        ],
    },
    FindingDef {
        id: FindingId::RdpNoEncryption,
        layer: Layer::Session,
        severity: Severity::Warning,
        title: "Standard RDP Security without any encryption: a cleartext session",
        remedies: &[
            "Require TLS: RDP-Tcp SecurityLayer = 2 and UserAuthentication = 1 on Windows; on xrdp `security_layer=tls` (or `negotiate`) with a certificate; on the FreeRDP shadow server `/sec:tls` or `/sec:nla` instead of `/sec:rdp`.",
            "If Standard RDP Security must stay, set 'Set client connection encryption level' to High (MinEncryptionLevel = 3) so a session cannot run without encryption.",
        ],
    },
    FindingDef {
        id: FindingId::WeakRdpEncryption,
        layer: Layer::Session,
        severity: Severity::Warning,
        title: "Weak Standard RDP Security encryption (short RC4 keys, or RC4 without TLS)",
        remedies: &[
            "Set 'Set client connection encryption level' to High (MinEncryptionLevel = 3) so 40/56-bit RC4 is refused, and move to TLS: RDP-Tcp SecurityLayer = 2. On xrdp: `crypt_level=high` and `security_layer=tls` (or `negotiate`) in xrdp.ini.",
        ],
    },
    // --- hostile and broken peers ---
    FindingDef {
        id: FindingId::NoProtocolUsable,
        layer: Layer::Negotiation,
        severity: Severity::Error,
        title: "The server answers the negotiation but leaves no protocol a client can use",
        remedies: &[
            "The server refuses every request (an RDP_NEG_FAILURE code outside 1-6, an X.224 Disconnect Request, or a refusal that demands what the request offered): check the RDP-Tcp SecurityLayer and UserAuthentication values (`Get-ItemProperty 'HKLM:\\System\\CurrentControlSet\\Control\\Terminal Server\\WinStations\\RDP-Tcp'`) and any RDP proxy or gateway in front of the server.",
            "Compare with a real client (`xfreerdp /v:HOST /log-level:TRACE`): a load balancer or protocol-rewriting middlebox often answers this way.",
        ],
    },
    FindingDef {
        id: FindingId::InvalidProtocolSelected,
        layer: Layer::Negotiation,
        severity: Severity::Warning,
        title: "The Connection Confirm selects a protocol that was not requested, or several at once",
        remedies: &[
            "selectedProtocol must be exactly one of the protocols the client requested ([MS-RDPBCGR] 2.2.1.2.1): this is a server or middlebox bug. Update the RDP server, or take the proxy that rewrites the negotiation out of the path.",
        ],
    },
];
