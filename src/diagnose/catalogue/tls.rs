//! The catalogue entries for TLS: the handshake, versions and suites, the certificate.

use super::*;

pub(super) const DEFS: &[FindingDef] = &[
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
];
