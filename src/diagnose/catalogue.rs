//! The finding catalogue: every finding id rdp-doctor can report, with its layer, default severity,
//! one-line title and remedies. The ids are a public interface (docs/findings.md); a rule may raise or
//! lower the severity where the evidence says so (for example when the Windows client's own request
//! is the one refused).

use super::{FindingId, Severity};
use crate::knowledge::Layer;

#[derive(Debug)]
pub struct FindingDef {
    pub id: FindingId,
    pub layer: Layer,
    pub severity: Severity,
    pub title: &'static str,
    pub remedies: &'static [&'static str],
}

/// A finding's catalogue entry. Total: every `FindingId` has exactly one, at its own index.
pub fn def(id: FindingId) -> &'static FindingDef {
    // In bounds and the right entry: `_CATALOGUE_IS_TOTAL` is checked when compiling.
    #[allow(clippy::indexing_slicing)]
    &CATALOGUE[id as usize]
}

/// The catalogue holds one entry per `FindingId`, in the enum's order, so that `def` is total. A
/// missing, extra or misplaced entry fails the build.
const _CATALOGUE_IS_TOTAL: () = {
    assert!(CATALOGUE.len() == FindingId::ALL.len(), "the catalogue and FindingId differ in length");
    let mut i = 0;
    while i < CATALOGUE.len() {
        assert!(CATALOGUE[i].id as usize == i, "a catalogue entry is out of FindingId's order");
        i += 1;
    }
};

pub const CATALOGUE: &[FindingDef] = &[
    // --- network ---
    FindingDef {
        id: FindingId::DnsUnresolved,
        layer: Layer::Network,
        severity: Severity::Critical,
        title: "The host name does not resolve",
        remedies: &[
            "Check the name from the client: `Resolve-DnsName HOST` (Windows) or `getent ahosts HOST` (Linux); a typo, a short name without the DNS suffix (try the FQDN), or a VPN/split-DNS resolver that does not know internal names.",
            "If the server should register itself in DNS, run `ipconfig /registerdns` on it and check its DNS client settings.",
        ],
    },
    FindingDef {
        id: FindingId::TcpRefused,
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
        id: FindingId::TcpTimeout,
        layer: Layer::Network,
        severity: Severity::Critical,
        title: "No answer to the TCP connect (dropped)",
        remedies: &[
            "A firewall drops the SYN: allow TCP 3389 (or the RDP port) in Windows Defender Firewall ('Remote Desktop - User Mode (TCP-In)'), the network firewall, and any cloud security group or NSG.",
            "Check that the host is up and awake, and that the VPN is connected and routes the server's subnet: `Test-NetConnection HOST -Port 3389`, `tracert HOST`.",
        ],
    },
    FindingDef {
        id: FindingId::TcpUnreachable,
        layer: Layer::Network,
        severity: Severity::Critical,
        title: "The host or network is unreachable (ICMP)",
        remedies: &[
            "A router or firewall answered 'unreachable', or the client has no route: check the client's routes and VPN (`route print`, `ip route`), and `tracert HOST` to see where it stops.",
            "A firewall rule that rejects with ICMP host-unreachable looks the same: check the rules between client and server for TCP 3389.",
        ],
    },
    FindingDef {
        id: FindingId::TcpError,
        layer: Layer::Network,
        severity: Severity::Critical,
        title: "The TCP connect failed with a local socket error",
        remedies: &[
            "Read the socket error in the evidence: a local firewall, a proxy or an exhausted port range on the client can cause it.",
        ],
    },
    FindingDef {
        id: FindingId::AddressUnreachable,
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
    // --- tls: the handshake ---
    FindingDef {
        id: FindingId::TlsHandshakeAborted,
        layer: Layer::Tls,
        severity: Severity::Critical,
        title: "The server selects TLS/CredSSP, then hangs up on every ClientHello (unusable certificate key)",
        remedies: &[
            r"On the server, look in the System event log for Schannel event 36870 ('A fatal error occurred when attempting to access the TLS server credential private key'): the Remote Desktop certificate's private key cannot be used.",
            r"Delete the Remote Desktop certificate so it is regenerated: certlm.msc → Remote Desktop → Certificates (or `Get-ChildItem 'Cert:\LocalMachine\Remote Desktop' | Remove-Item`), then `Restart-Service TermService -Force`: the service creates a new self-signed certificate with a new key.",
            r"If that fails, the key store itself is broken: stop TermService, rename C:\ProgramData\Microsoft\Crypto\RSA\MachineKeys to MachineKeys_old (or restore its default permissions: Administrators Full control; Everyone list/read/write/create on this folder only), and restart TermService so the key is created anew.",
            r"If RDP-Tcp SSLCertificateSHA1Hash names a certificate (HKLM\SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp), check that it is still in LocalMachine\My with its private key (`certutil -verifystore My THUMBPRINT`) and that NETWORK SERVICE may read the key (certlm.msc → the certificate → All Tasks → Manage Private Keys); or delete the value to fall back to the self-signed certificate.",
        ],
    },
    FindingDef {
        id: FindingId::PathMtuBlackhole,
        layer: Layer::Tls,
        severity: Severity::Critical,
        title: "Large packets are dropped on the path: the server's TLS flight never arrives",
        remedies: &[
            "Clamp the TCP MSS on the VPN or tunnel gateway (Linux: `iptables -t mangle -A FORWARD -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu`; Cisco: `ip tcp adjust-mss 1360`), or lower the tunnel interface's MTU (Windows: `netsh interface ipv4 set subinterface \"VPN\" mtu=1400 store=persistent`).",
            "Let ICMP 'fragmentation needed' (IPv4 type 3 code 4) and ICMPv6 'packet too big' through every firewall on the path, so Path MTU Discovery works.",
            "Find the path MTU: `ping -f -l 1472 HOST` (Windows) or `ping -M do -s 1472 HOST` (Linux), lowering the size until replies come back; add 28 bytes of headers.",
        ],
    },
    FindingDef {
        id: FindingId::TlsHandshakeStalled,
        layer: Layer::Tls,
        severity: Severity::Critical,
        title: "The server selects TLS/CredSSP, then never answers the ClientHello",
        remedies: &[
            "A hung Remote Desktop service reads the ClientHello and never answers: restart it (`Restart-Service TermService -Force`) and check the System event log for Schannel and TermService errors.",
            "A firewall or proxy that inspects TLS and holds the connection looks the same: test from the server's own subnet.",
        ],
    },
    // --- tls: versions and suites ---
    FindingDef {
        id: FindingId::TlsProtocolMismatch,
        layer: Layer::Tls,
        severity: Severity::Error,
        title: "Some clients share no TLS version with the server",
        remedies: &[
            r"Windows server: enable TLS 1.2 for the server side of Schannel (HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2\Server: Enabled=1, DisabledByDefault=0); Windows Server 2008 R2 needs update KB3080079 for RDP over TLS 1.1/1.2.",
            "xrdp: list the versions clients use in xrdp.ini, e.g. `ssl_protocols=TLSv1.2, TLSv1.3`, and restart xrdp.",
            r"Old clients (Windows 7): enable TLS 1.2 on the client (update KB3140245 and DefaultSecureProtocols, SCHANNEL\Protocols\TLS 1.2\Client Enabled=1) rather than re-enabling TLS 1.0 on the server.",
        ],
    },
    FindingDef {
        id: FindingId::TlsCipherMismatch,
        layer: Layer::Tls,
        severity: Severity::Error,
        title: "Some clients share a TLS version but no cipher suite with the server",
        remedies: &[
            "Windows server: enable a suite the client offers (an ECDHE AES-GCM suite such as TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384): Group Policy Computer Configuration → Administrative Templates → Network → SSL Configuration Settings → 'SSL Cipher Suite Order', or `Enable-TlsCipherSuite -Name NAME`; `Get-TlsCipherSuite` lists what is enabled.",
            "xrdp: widen `tls_ciphers` in xrdp.ini (e.g. `tls_ciphers=HIGH`) and restart xrdp.",
            "A hardening tool that removed every suite a client offers breaks RDP for that client: compare the two lists in the evidence.",
        ],
    },
    FindingDef {
        id: FindingId::TlsLegacyOnly,
        layer: Layer::Tls,
        severity: Severity::Warning,
        title: "The server accepts only TLS 1.1 or older",
        remedies: &[
            r"Enable TLS 1.2 on the server (SCHANNEL\Protocols\TLS 1.2\Server Enabled=1, DisabledByDefault=0; KB3080079 on Windows Server 2008 R2; `ssl_protocols=TLSv1.2, TLSv1.3` on xrdp): current Windows clients have TLS 1.0 and 1.1 disabled, and OpenSSL 3 clients refuse them below security level 0.",
        ],
    },
    FindingDef {
        id: FindingId::TlsWeakSuites,
        layer: Layer::Tls,
        severity: Severity::Warning,
        title: "The server accepts weak cipher suites (RC4, 3DES, DES, export, NULL or anonymous)",
        remedies: &[
            r"Windows server: disable RC4 and 3DES (SCHANNEL\Ciphers\RC4 128/128 and Triple DES 168: Enabled=0) and remove the suites from 'SSL Cipher Suite Order' (`Disable-TlsCipherSuite -Name NAME`).",
            "xrdp: set `tls_ciphers=HIGH:!aNULL:!eNULL:!3DES:!RC4` (or an explicit AES-GCM list) in xrdp.ini.",
        ],
    },
    // --- tls: the certificate ---
    FindingDef {
        id: FindingId::CertExpired,
        layer: Layer::Tls,
        severity: Severity::Error,
        title: "The server's certificate has expired",
        remedies: &[
            r"Self-signed (the default): delete the expired certificate from the 'Remote Desktop' store (certlm.msc → Remote Desktop → Certificates, or `Get-ChildItem 'Cert:\LocalMachine\Remote Desktop' | Remove-Item`) and run `Restart-Service TermService -Force`: Remote Desktop Services creates a new one.",
            r#"Issued by a CA: renew it into LocalMachine\My, then point RDP-Tcp at the new one: `wmic /namespace:\\root\cimv2\TerminalServices PATH Win32_TSGeneralSetting Set SSLCertificateSHA1Hash="NEW_THUMBPRINT"` (the value lives under HKLM\SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp); NETWORK SERVICE must be able to read its key in C:\ProgramData\Microsoft\Crypto\RSA\MachineKeys (Manage Private Keys)."#,
            "xrdp: replace the files `certificate=` and `key_file=` name in xrdp.ini and restart xrdp.",
        ],
    },
    FindingDef {
        id: FindingId::CertNotYetValid,
        layer: Layer::Tls,
        severity: Severity::Error,
        title: "The server's certificate is not valid yet",
        remedies: &[
            "Check the clocks of server and client (`w32tm /query /status`, `w32tm /resync`): a server clock in the past, or a certificate issued by a host whose clock runs ahead, gives a start date in the future.",
            r"Self-signed: delete it from the 'Remote Desktop' store (certlm.msc) and `Restart-Service TermService -Force` once the clock is right, so it is regenerated with a correct start date; CA-issued: reissue it and update RDP-Tcp SSLCertificateSHA1Hash.",
        ],
    },
    FindingDef {
        id: FindingId::CertExpiringSoon,
        layer: Layer::Tls,
        severity: Severity::Warning,
        title: "The server's certificate expires soon",
        remedies: &[
            r#"Renew it before the end date and point RDP-Tcp SSLCertificateSHA1Hash at the new thumbprint (`wmic /namespace:\\root\cimv2\TerminalServices PATH Win32_TSGeneralSetting Set SSLCertificateSHA1Hash="NEW_THUMBPRINT"`); with the 'Server authentication certificate template' policy, auto-enrolment renews it (`certutil -pulse`)."#,
            "A self-signed Remote Desktop certificate is renewed by the service itself; if it is not, delete it from the 'Remote Desktop' store and restart TermService.",
        ],
    },
    FindingDef {
        id: FindingId::CertNameMismatch,
        layer: Layer::Tls,
        severity: Severity::Warning,
        title: "The certificate does not name the host the client connects to",
        remedies: &[
            "Connect with a name the certificate lists (see the evidence), usually the full DNS name, or issue a certificate whose subjectAltName holds every name clients use, and set it as RDP-Tcp SSLCertificateSHA1Hash.",
            "Connecting by IP address always mismatches a certificate that names only host names: use the DNS name.",
        ],
    },
    FindingDef {
        id: FindingId::CertUntrusted,
        layer: Layer::Tls,
        severity: Severity::Warning,
        title: "The certificate does not chain to a root this machine trusts",
        remedies: &[
            "In a domain, give every RDP host a CA-issued certificate automatically: Group Policy Computer Configuration → Administrative Templates → Windows Components → Remote Desktop Services → Remote Desktop Session Host → Security → 'Server authentication certificate template', naming a template (based on Computer) with the Server Authentication or Remote Desktop Authentication (1.3.6.1.4.1.311.54.1.2) usage and auto-enrolment: the service installs it in the 'Remote Desktop' store and uses it.",
            "Or make clients trust the issuer: deploy the issuing CA's certificate to Trusted Root Certification Authorities (Group Policy → Public Key Policies); a chain missing an intermediate needs the intermediate installed on the server.",
            "Without either, clients see 'The identity of the remote computer cannot be verified' every time; checking the SHA-1 thumbprint in that dialog against the one in the evidence proves the server is the right one.",
        ],
    },
    FindingDef {
        id: FindingId::CertWeakKey,
        layer: Layer::Tls,
        severity: Severity::Warning,
        title: "The certificate's key is too short (RSA under 2048 bits)",
        remedies: &[
            "Issue a certificate with an RSA key of at least 2048 bits (or ECDSA P-256): OpenSSL 3 clients such as FreeRDP refuse shorter keys at their default security level.",
            r"Self-signed: delete it from the 'Remote Desktop' store and `Restart-Service TermService -Force`; from a template: raise its minimum key size, re-enrol and update RDP-Tcp SSLCertificateSHA1Hash.",
        ],
    },
    FindingDef {
        id: FindingId::CertWeakSignature,
        layer: Layer::Tls,
        severity: Severity::Warning,
        title: "The certificate is signed with SHA-1 or MD5",
        remedies: &[
            "Reissue the certificate signed with SHA-256 or better (a CA still signing with SHA-1 needs its hash algorithm changed: `certutil -setreg ca\\csp\\CNGHashAlgorithm SHA256`).",
            r"Self-signed: delete it from the 'Remote Desktop' store and `Restart-Service TermService -Force`; current Windows versions create it with SHA-256.",
        ],
    },
    FindingDef {
        id: FindingId::CertWrongUsage,
        layer: Layer::Tls,
        severity: Severity::Warning,
        title: "The certificate's usages do not allow server authentication",
        remedies: &[
            "Use a certificate whose Extended Key Usage includes Server Authentication (1.3.6.1.5.5.7.3.1) or Remote Desktop Authentication (1.3.6.1.4.1.311.54.1.2), with key usage Digital Signature/Key Encipherment; Windows clients refuse others (SEC_E_CERT_WRONG_USAGE, 0x80090349).",
            "Set the new certificate as RDP-Tcp SSLCertificateSHA1Hash, or use the 'Server authentication certificate template' policy with a template that has these usages.",
        ],
    },
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_kebab_case() {
        let mut seen = std::collections::HashSet::new();
        for d in CATALOGUE {
            assert!(seen.insert(d.id), "duplicate id {}", d.id);
            assert!(
                d.id.as_str().chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{}",
                d.id
            );
            assert!(!d.remedies.is_empty(), "{} has no remedy", d.id);
        }
    }

    /// docs/findings.md's table is the catalogue: one row per id, no other, with the same layer and
    /// default severity (its \"what it means\" column words the title for readers, with notes).
    #[test]
    fn findings_doc_table_matches_the_catalogue() {
        let doc = include_str!("../../docs/findings.md");
        let rows: Vec<Vec<&str>> = doc
            .lines()
            .filter(|l| l.starts_with("| `"))
            .map(|l| l.trim_matches('|').split(" | ").map(str::trim).collect())
            .collect();
        let mut seen = std::collections::BTreeSet::new();
        for row in &rows {
            let id = row[0].trim_matches('`');
            let id = FindingId::parse(id)
                .unwrap_or_else(|| panic!("docs/findings.md documents `{id}`, not in the catalogue"));
            assert!(seen.insert(id), "docs/findings.md lists {id} twice");
            let d = def(id);
            assert_eq!(
                row[1].split(" (").next().unwrap_or_default(),
                d.layer.name(),
                "{id}: layer in docs/findings.md"
            );
            let severity = row[2].split(" (").next().unwrap_or_default();
            assert_eq!(severity, d.severity.as_str(), "{id}: default severity in docs/findings.md");
        }
        let missing: Vec<_> = FindingId::ALL.iter().filter(|id| !seen.contains(id)).collect();
        assert!(missing.is_empty(), "docs/findings.md does not document {missing:?}");
    }
}
