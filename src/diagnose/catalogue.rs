//! The finding catalogue: every finding id rdp-doctor can report, with its layer, default severity,
//! one-line title and remedies. The ids are a public interface (docs/findings.md); a rule may raise or
//! lower the severity where the evidence says so (for example when the Windows client's own request
//! is the one refused).

use super::Severity;
use crate::knowledge::Layer;

#[derive(Debug)]
pub struct FindingDef {
    pub id: &'static str,
    pub layer: Layer,
    pub severity: Severity,
    pub title: &'static str,
    pub remedies: &'static [&'static str],
}

/// Look a finding up by id. The ids used in code are all in the table (a unit test checks it).
pub fn def(id: &str) -> &'static FindingDef {
    debug_assert!(CATALOGUE.iter().any(|d| d.id == id), "finding id {id} is not in the catalogue");
    CATALOGUE.iter().find(|d| d.id == id).unwrap_or(&UNKNOWN)
}

static UNKNOWN: FindingDef = FindingDef {
    id: "internal-unknown-finding",
    layer: Layer::Client,
    severity: Severity::Error,
    title: "A finding id missing from the catalogue (a bug in rdp-doctor)",
    remedies: &[],
};

pub static CATALOGUE: &[FindingDef] = &[
    // --- network ---
    FindingDef {
        id: "dns-unresolved",
        layer: Layer::Network,
        severity: Severity::Critical,
        title: "The host name does not resolve",
        remedies: &[
            "Check the name from the client: `Resolve-DnsName HOST` (Windows) or `getent ahosts HOST` (Linux); a typo, a short name without the DNS suffix (try the FQDN), or a VPN/split-DNS resolver that does not know internal names.",
            "If the server should register itself in DNS, run `ipconfig /registerdns` on it and check its DNS client settings.",
        ],
    },
    FindingDef {
        id: "tcp-refused",
        layer: Layer::Network,
        severity: Severity::Critical,
        title: "The port refuses connections (TCP reset)",
        remedies: &[
            r"On the server, check that Remote Desktop is enabled: `Get-ItemProperty 'HKLM:\System\CurrentControlSet\Control\Terminal Server' fDenyTSConnections` must be 0 (System Properties → Remote → Allow remote connections).",
            "Check that the service runs and listens: `Get-Service TermService`, `netstat -ano | findstr :3389` must show LISTENING, `qwinsta` must list rdp-tcp in state Listen.",
            "If RDP listens on another port, read PortNumber under the RDP-Tcp key and connect to HOST:PORT.",
            "A firewall set to reject also answers with a reset: check the 'Remote Desktop - User Mode (TCP-In)' rule of Windows Defender Firewall and every firewall on the path.",
        ],
    },
    FindingDef {
        id: "tcp-timeout",
        layer: Layer::Network,
        severity: Severity::Critical,
        title: "No answer to the TCP connect (dropped)",
        remedies: &[
            "A firewall drops the SYN: allow TCP 3389 (or the RDP port) in Windows Defender Firewall ('Remote Desktop - User Mode (TCP-In)'), the network firewall, and any cloud security group or NSG.",
            "Check that the host is up and awake, and that the VPN is connected and routes the server's subnet: `Test-NetConnection HOST -Port 3389`, `tracert HOST`.",
        ],
    },
    FindingDef {
        id: "tcp-unreachable",
        layer: Layer::Network,
        severity: Severity::Critical,
        title: "The host or network is unreachable (ICMP)",
        remedies: &[
            "A router or firewall answered 'unreachable', or the client has no route: check the client's routes and VPN (`route print`, `ip route`), and `tracert HOST` to see where it stops.",
            "A firewall rule that rejects with ICMP host-unreachable looks the same: check the rules between client and server for TCP 3389.",
        ],
    },
    FindingDef {
        id: "tcp-error",
        layer: Layer::Network,
        severity: Severity::Critical,
        title: "The TCP connect failed with a local socket error",
        remedies: &[
            "Read the socket error in the evidence: a local firewall, a proxy or an exhausted port range on the client can cause it.",
        ],
    },
    FindingDef {
        id: "address-unreachable",
        layer: Layer::Network,
        severity: Severity::Warning,
        title: "Some of the host's addresses do not accept connections",
        remedies: &[
            "Clients that try the failing address first wait for it to time out, or fail: remove the stale A/AAAA record, or make RDP reachable on that address family too.",
            "For IPv6, check that the firewall allows TCP 3389 over IPv6 as well as IPv4.",
        ],
    },
    // --- negotiation: transport ---
    FindingDef {
        id: "closed-before-negotiation",
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
        id: "no-response",
        layer: Layer::Negotiation,
        severity: Severity::Critical,
        title: "The connection is accepted, then nothing is said",
        remedies: &[
            "A hung Remote Desktop service accepts and never answers: restart TermService and check the System event log.",
            "A TCP proxy, port forward or SSL-inspecting firewall that accepts and has no working backend looks the same: test from the server's own subnet.",
        ],
    },
    FindingDef {
        id: "not-rdp",
        layer: Layer::Negotiation,
        severity: Severity::Critical,
        title: "Another service answers on the port",
        remedies: &[
            "Check the port: RDP listens where PortNumber under the RDP-Tcp key says (3389 by default); a port forward may point at the wrong host or service.",
            "An RD Gateway listens on HTTPS 443: set it as the gateway in the client (Advanced → Settings), not as host:443.",
        ],
    },
    FindingDef {
        id: "malformed-response",
        layer: Layer::Negotiation,
        severity: Severity::Error,
        title: "The answer to the Connection Request is not a valid Connection Confirm",
        remedies: &[
            "A proxy or protocol filter in the path is rewriting RDP, or the server is broken: capture the exchange (`rdp-doctor diagnose -v`) and test from the server's own subnet.",
        ],
    },
    // --- negotiation: security ---
    FindingDef {
        id: "nla-required",
        layer: Layer::Negotiation,
        severity: Severity::Info,
        title: "The server requires Network Level Authentication (CredSSP)",
        remedies: &[
            "Clients must offer CredSSP: mstsc does by default; FreeRDP needs /sec:nla or no /sec; a client that says 'The remote computer requires Network Level Authentication, which your computer does not support' must enable CredSSP.",
            "Only to admit clients without NLA (not recommended): clear 'Allow connections only from computers running Remote Desktop with Network Level Authentication', i.e. RDP-Tcp UserAuthentication = 0.",
        ],
    },
    FindingDef {
        id: "tls-required",
        layer: Layer::Negotiation,
        severity: Severity::Info,
        title: "The server requires TLS (SSL_REQUIRED_BY_SERVER)",
        remedies: &[
            "Clients that offer only Standard RDP Security fail; every current client offers TLS. RDP-Tcp SecurityLayer = 2 (Group Policy 'Require use of specific security layer for remote (RDP) connections' = SSL) is what makes TLS mandatory.",
        ],
    },
    FindingDef {
        id: "standard-rdp-security-only",
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
        id: "cert-not-on-server",
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
        id: "inconsistent-flags",
        layer: Layer::Negotiation,
        severity: Severity::Warning,
        title: "The server finds the requested protocols inconsistent (INCONSISTENT_FLAGS)",
        remedies: &[
            "The server's security settings contradict what the client offers: compare RDP-Tcp SecurityLayer and UserAuthentication with Group Policy ('Require use of specific security layer', 'Require user authentication … by using Network Level Authentication') and the FIPS policy ('System cryptography: Use FIPS compliant algorithms').",
        ],
    },
    FindingDef {
        id: "tls-with-user-auth-required",
        layer: Layer::Negotiation,
        severity: Severity::Warning,
        title: "The server requires TLS with client certificate authentication",
        remedies: &[
            "SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER: the server wants a client certificate during TLS. Most clients, mstsc included, cannot do this; check the RDP-Tcp listener's security configuration and any third-party authentication package on the server.",
        ],
    },
    FindingDef {
        id: "nla-not-required",
        layer: Layer::Negotiation,
        severity: Severity::Warning,
        title: "Clients get in without Network Level Authentication",
        remedies: &[
            "Without NLA anyone who reaches the port gets a logon screen and a session before authenticating (the exposure behind BlueKeep-class bugs). On Windows enable 'Allow connections only from computers running Remote Desktop with Network Level Authentication' or the Group Policy 'Require user authentication for remote connections by using Network Level Authentication' (RDP-Tcp UserAuthentication = 1).",
            "xrdp has no NLA: limit who can reach it (firewall, VPN) or put it behind an RD Gateway.",
        ],
    },
    FindingDef {
        id: "legacy-negotiation",
        layer: Layer::Negotiation,
        severity: Severity::Warning,
        title: "The server ignores security negotiation (pre-RDP 5.2 behaviour)",
        remedies: &[
            "The server (or a proxy in front of it) answers a negotiation request with a plain Connection Confirm: only Standard RDP Security is possible. Update the server, or check for a protocol-unaware proxy that strips RDP_NEG_REQ.",
        ],
    },
    FindingDef {
        id: "restricted-admin-supported",
        layer: Layer::Negotiation,
        severity: Severity::Info,
        title: "Restricted admin mode is announced",
        remedies: &[
            "`mstsc /restrictedAdmin` logs on without sending the password to the server; it needs an administrator account and DisableRestrictedAdmin = 0 under HKLM\\System\\CurrentControlSet\\Control\\Lsa on the server.",
        ],
    },
    FindingDef {
        id: "restricted-admin-unsupported",
        layer: Layer::Negotiation,
        severity: Severity::Info,
        title: "Restricted admin mode cannot work",
        remedies: &[
            "Advice to try `mstsc /restrictedAdmin` (often given for extended error 0x7) does not apply to this server.",
        ],
    },
    // --- session: the connection sequence ([MS-RDPBCGR] 1.3.1.1) ---
    FindingDef {
        id: "session-established",
        layer: Layer::Session,
        severity: Severity::Info,
        title: "The connection sequence completed (MCS, licensing, capabilities, finalization)",
        remedies: &[
            "Nothing to fix at this layer. If users still fail, run with their account (`--user USER --password-stdin`) so the logon itself is tested, and compare the stage timings with a slow client.",
        ],
    },
    FindingDef {
        id: "session-not-checked",
        layer: Layer::Session,
        severity: Severity::Info,
        title: "The session layer was not checked",
        remedies: &[
            "Read the reason in the evidence: give credentials for an NLA server (`--user USER --password-stdin`), trust its certificate (`--trust-cert SHA256`), or enable TLS on a Standard-RDP-Security-only server to let the sequence be tested.",
        ],
    },
    FindingDef {
        id: "server-denied-connection",
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
        id: "server-insufficient-privileges",
        layer: Layer::Session,
        severity: Severity::Error,
        title: "The user lacks the privileges to connect (errorInfo 0x9)",
        remedies: &[
            "Add the user to 'Remote Desktop Users' (`net localgroup \"Remote Desktop Users\" DOMAIN\\user /add`) or grant 'Allow log on through Remote Desktop Services' (secpol.msc → User Rights Assignment); check the RDP-Tcp listener's permissions (`wmic /namespace:\\\\root\\cimv2\\TerminalServices PATH Win32_TSPermissionsSetting`).",
        ],
    },
    FindingDef {
        id: "fresh-credentials-required",
        layer: Layer::Session,
        severity: Severity::Error,
        title: "The server wants freshly typed credentials (errorInfo 0xA)",
        remedies: &[
            "The policy 'Always prompt for password upon connection' (fPromptForPassword = 1 under HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services) refuses saved credentials: type the password at each connection, or clear the policy if saved credentials are acceptable.",
        ],
    },
    FindingDef {
        id: "server-denied-fips",
        layer: Layer::Session,
        severity: Severity::Error,
        title: "The server refused the connection for FIPS compliance (errorInfo 0x8)",
        remedies: &[
            "The server enforces 'System cryptography: Use FIPS compliant algorithms for encryption, hashing, and signing' (HKLM\\System\\CurrentControlSet\\Control\\Lsa\\FIPSAlgorithmPolicy\\Enabled = 1): use a client that supports FIPS / TLS, or switch the server to TLS (SecurityLayer = 2) so FIPS applies to TLS instead of RDP encryption.",
        ],
    },
    FindingDef {
        id: "licensing-failed",
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
        id: "redirected",
        layer: Layer::Session,
        severity: Severity::Info,
        title: "The server redirects the connection to another host (broker or load balancer)",
        remedies: &[
            "Probe the target as well (`rdp-doctor diagnose TARGET`): a user's failure there is not visible from here.",
            "If the redirection is unexpected, check the RD Connection Broker's collection settings and the load-balancing info the client sends (loadbalanceinfo in the .rdp file).",
        ],
    },
    FindingDef {
        id: "logon-failed",
        layer: Layer::Session,
        severity: Severity::Error,
        title: "The automatic logon failed (Save Session Info logon error)",
        remedies: &[
            "Check the user name (DOMAIN\\user or user@domain) and the password; Security event 4625 on the server gives the reason (Status / Sub Status).",
            "A password that must be changed cannot be changed without NLA over auto-logon: change it first, or enable NLA (RDP-Tcp UserAuthentication = 1).",
        ],
    },
    FindingDef {
        id: "disconnected-by-server",
        layer: Layer::Session,
        severity: Severity::Error,
        title: "The server ended the connection sequence",
        remedies: &[
            "Look up the reason in the evidence (`rdp-doctor explain 0x904 ERRORINFO`), and read the server's logs at that time: Microsoft-Windows-TerminalServices-RemoteConnectionManager/Operational and LocalSessionManager/Operational on Windows, /var/log/xrdp.log on xrdp.",
        ],
    },
    FindingDef {
        id: "session-incomplete",
        layer: Layer::Session,
        severity: Severity::Error,
        title: "The connection sequence stopped before it was established",
        remedies: &[
            "The server sent something this client could not go on with: read the frames in observations.session.server_frames and compare with a real client (`xfreerdp /v:HOST /log-level:TRACE`); a protocol-rewriting proxy in the path is a common cause.",
        ],
    },
    FindingDef {
        id: "fips-required",
        layer: Layer::Session,
        severity: Severity::Warning,
        title: "Standard RDP Security with FIPS encryption only",
        remedies: &[
            "Clients without FIPS support for Standard RDP Security fail (FreeRDP before 2.x, many thin clients). Prefer TLS: RDP-Tcp SecurityLayer = 2 (Group Policy 'Require use of specific security layer for remote (RDP) connections' = SSL); on xrdp `security_layer=tls` or `negotiate` with a certificate.",
            "If FIPS is required by policy, keep 'System cryptography: Use FIPS compliant algorithms' and move clients to TLS, where FIPS applies to the TLS suites.",
        ],
    },
    FindingDef {
        id: "weak-rdp-encryption",
        layer: Layer::Session,
        severity: Severity::Warning,
        title: "Weak Standard RDP Security encryption (short RC4 keys, or RC4 without TLS)",
        remedies: &[
            "Set 'Set client connection encryption level' to High (MinEncryptionLevel = 3) so 40/56-bit RC4 is refused, and move to TLS: RDP-Tcp SecurityLayer = 2. On xrdp: `crypt_level=high` and `security_layer=tls` (or `negotiate`) in xrdp.ini.",
        ],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_kebab_case() {
        let mut seen = std::collections::HashSet::new();
        for d in CATALOGUE {
            assert!(seen.insert(d.id), "duplicate id {}", d.id);
            assert!(d.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'), "{}", d.id);
            assert!(!d.remedies.is_empty(), "{} has no remedy", d.id);
        }
    }

    #[test]
    fn findings_doc_lists_every_id() {
        let doc = include_str!("../../docs/findings.md");
        for d in CATALOGUE {
            assert!(doc.contains(&format!("`{}`", d.id)), "docs/findings.md does not document {}", d.id);
        }
    }
}
