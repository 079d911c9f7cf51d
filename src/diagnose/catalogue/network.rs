//! The catalogue entries for DNS and TCP.

use super::*;

pub(super) const DEFS: &[FindingDef] = &[
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
];
