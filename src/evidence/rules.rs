//! Rules: the records and registry values in, findings out (pure). A cause the catalogue already
//! names keeps its id (the record is the evidence); ids of their own only for what only the records
//! show. Every code is decoded from `src/knowledge`.

use super::{EventObs, EvidenceObs, RegSource, RegistryObs, short_channel};
use crate::diagnose::FindingId;
use crate::diagnose::{Finding, Severity, Verdict};
use crate::knowledge::events::{self as kn, EventKind};
use crate::knowledge::{self, TableId};
use std::collections::{BTreeMap, BTreeSet};

/// Sample records quoted per finding; the rest are counted.
const SAMPLES: usize = 3;

/// NTSTATUS -> finding id, shared with the CredSSP layer (the same causes).
fn status_finding(code: u32) -> Option<FindingId> {
    crate::diagnose::status_finding(code)
}

/// "NAME (0x...): meaning" from a knowledge table, or the bare code.
pub fn code_text(table: TableId, code: u32) -> String {
    match knowledge::lookup(table, code) {
        Some(e) => format!("{} (0x{code:X}): {}", e.name, e.meaning.trim_end_matches('.')),
        None => crate::knowledge::hex_code(code),
    }
}

fn win32_text(code: u32) -> String {
    match kn::win32_error(code) {
        Some((n, m)) => format!("{n} ({code:#X}): {m}"),
        None => format!("{code:#X}"),
    }
}

fn num(e: &EventObs, field: &str) -> Option<u32> {
    e.field(field).and_then(super::evtx::parse_num).and_then(|n| u32::try_from(n).ok())
}

/// The address without a port ("1.2.3.4:50270" -> "1.2.3.4", "[::1]:3389" -> "::1").
pub fn host_of(addr: &str) -> String {
    let a = addr.trim();
    if let Ok(sa) = a.parse::<std::net::SocketAddr>() {
        return sa.ip().to_string();
    }
    a.to_string()
}

/// The source address an event names, if any.
pub fn source_ip(e: &EventObs) -> Option<String> {
    let raw =
        ["ClientIP", "IPString", "IpAddress", "ClientAddress", "Address", "Param3"].iter().find_map(|f| e.field(f))?;
    let h = host_of(raw);
    (!h.is_empty() && h != "-" && h != "LOCAL").then_some(h)
}

fn is_local(ip: &str) -> bool {
    ip.parse::<std::net::IpAddr>().is_ok_and(|a| a.is_loopback() || a.is_unspecified())
}

/// Whether a Security 4625 is a failed Remote Desktop logon: logon type 10, or type 3 (how NLA logs
/// it) from a remote address with no local process, and then, when RDP connection records are
/// loaded, from an address that connected over RDP. Type 8 (OpenSSH, IIS basic) and local logons
/// are not.
pub fn is_rdp_logon_failure(e: &EventObs, rdp_ips: Option<&BTreeSet<String>>) -> bool {
    let process = e.field("ProcessName").unwrap_or("-").to_ascii_lowercase();
    if process.contains("sshd") {
        return false;
    }
    match num(e, "LogonType") {
        Some(10) => true,
        Some(3) => {
            let Some(ip) = source_ip(e) else { return false };
            if is_local(&ip) || !(process == "-" || process.is_empty()) {
                return false;
            }
            rdp_ips.is_none_or(|ips| ips.contains(&ip))
        }
        _ => false,
    }
}

/// Per computer, the addresses its RDP connection records name (only computers whose RdpCoreTS or
/// RCM log was loaded have an entry).
pub fn rdp_addresses(obs: &EvidenceObs) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for e in obs.events.iter().filter(|e| e.channel == kn::CH_RDPCORETS || e.channel == kn::CH_RCM) {
        let set = out.entry(e.computer.clone()).or_default();
        if matches!(e.kind, EventKind::ConnectionReceived | EventKind::Authenticated | EventKind::LogonFailed) {
            set.extend(source_ip(e));
        }
    }
    out
}

/// Collects findings by id, with counted evidence.
#[derive(Default)]
struct Collector {
    order: Vec<FindingId>,
    by_id: BTreeMap<FindingId, Group>,
}

struct Group {
    summary: String,
    lines: Vec<String>,
    count: usize,
    ips: BTreeMap<String, usize>,
    first: String,
    last: String,
    extra: Vec<String>,
}

impl Collector {
    fn add(&mut self, id: FindingId, summary: &str, e: Option<&EventObs>, line: String) {
        let g = self.by_id.entry(id).or_insert_with(|| {
            self.order.push(id);
            Group {
                summary: summary.to_string(),
                lines: Vec::new(),
                count: 0,
                ips: BTreeMap::new(),
                first: String::new(),
                last: String::new(),
                extra: Vec::new(),
            }
        });
        g.count += 1;
        if g.lines.len() < SAMPLES {
            g.lines.push(line);
        }
        if let Some(e) = e {
            if g.first.is_empty() {
                g.first = e.time.clone();
            }
            g.last = e.time.clone();
            if let Some(ip) = source_ip(e) {
                *g.ips.entry(ip).or_default() += 1;
            }
        }
    }

    fn note(&mut self, id: FindingId, line: String) {
        if let Some(g) = self.by_id.get_mut(&id) {
            g.extra.push(line);
        }
    }

    fn finish(self) -> Vec<Finding> {
        let mut out = Vec::new();
        for id in self.order {
            let g = &self.by_id[&id];
            let mut f = Finding::new(id, g.summary.clone());
            for l in &g.lines {
                f = f.evidence(l.clone());
            }
            if g.count > g.lines.len() {
                f = f.evidence(format!("{} records in all, {} to {}", g.count, g.first, g.last));
            }
            if g.ips.len() > 1 || (g.count > 1 && !g.ips.is_empty()) {
                let mut ips: Vec<(&String, &usize)> = g.ips.iter().collect();
                ips.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
                let top: Vec<String> = ips.iter().take(5).map(|(ip, n)| format!("{ip} ({n})")).collect();
                f = f.evidence(format!("from {} address(es): {}", ips.len(), top.join(", ")));
            }
            for l in &g.extra {
                f = f.evidence(l.clone());
            }
            out.push(f);
        }
        out
    }
}

fn logon_failure_line(e: &EventObs, status: u32, sub: u32) -> String {
    let lt = num(e, "LogonType").unwrap_or(0);
    let lt_text = kn::logon_type(lt).map(|(n, _)| format!("{lt} ({n})")).unwrap_or_else(|| lt.to_string());
    let user = match (e.field("TargetDomainName"), e.field("TargetUserName")) {
        (Some(d), Some(u)) if !d.is_empty() && d != "-" => format!("{d}\\{u}"),
        (_, Some(u)) => u.to_string(),
        _ => "?".into(),
    };
    let mut s =
        format!("{}: user {user}, logon type {lt_text}, Status {}", e.label(), code_text(TableId::NtStatus, status));
    if sub != 0 {
        s.push_str(&format!(", SubStatus {}", code_text(TableId::NtStatus, sub)));
    }
    if let Some(ip) = source_ip(e) {
        s.push_str(&format!(", from {ip}"));
    }
    s
}

/// Findings from the events and the registry.
pub fn findings(obs: &EvidenceObs) -> Vec<Finding> {
    let mut c = Collector::default();
    let rdp_ips = rdp_addresses(obs);
    let mut skipped_non_rdp = 0usize;

    for e in &obs.events {
        match (e.provider.as_str(), e.event_id) {
            (kn::PR_AUDIT, 4625) => {
                if !is_rdp_logon_failure(e, rdp_ips.get(&e.computer)) {
                    skipped_non_rdp += 1;
                    continue;
                }
                let status = num(e, "Status").unwrap_or(0);
                let sub = num(e, "SubStatus").unwrap_or(0);
                let Some(id) = status_finding(sub).or_else(|| status_finding(status)) else { continue };
                c.add(id, &logon_summary(id), Some(e), logon_failure_line(e, status, sub));
            }
            (kn::PR_AUDIT, 4825) => {
                let user =
                    format!("{}\\{}", e.field("AccountDomain").unwrap_or(""), e.field("AccountName").unwrap_or("?"));
                c.add(
                    FindingId::UserNotAuthorized,
                    "Security 4825: users were denied Remote Desktop access",
                    Some(e),
                    format!("{}: user {user} denied Remote Desktop access{}", e.label(), from(e)),
                );
            }
            (kn::PR_RDPCORETS, 140) => c.add(
                FindingId::CredentialsRejected,
                &logon_summary(FindingId::CredentialsRejected),
                Some(e),
                format!(
                    "{}: a connection failed because the user name or password is not correct{}",
                    e.label(),
                    from(e)
                ),
            ),
            (kn::PR_RDPCORETS, 142 | 143 | 226) => {
                let code = num(e, "error").or_else(|| num(e, "ErrorCode")).unwrap_or(0);
                if code == 0 {
                    continue;
                }
                let what = match e.event_id {
                    142 => "a TCP write failed".to_string(),
                    143 => "a TCP read failed".to_string(),
                    _ => format!(
                        "the transport failed going from {} to {} on {}",
                        e.field("PreviousStateName").unwrap_or("?"),
                        e.field("NewStateName").unwrap_or("?"),
                        e.field("EventName").unwrap_or("?")
                    ),
                };
                c.add(
                    FindingId::RdpNetworkDrops,
                    "RdpCoreTS: Remote Desktop connections broke at the transport",
                    Some(e),
                    format!("{}: {what}: {}", e.label(), win32_text(code)),
                );
            }
            (kn::PR_SCHANNEL, 36870) => {
                let code = num(e, "ErrorCode").unwrap_or(0);
                c.add(
                    FindingId::SchannelPrivateKeyUnusable,
                    "Schannel 36870: the TLS server certificate's private key cannot be used",
                    Some(e),
                    format!(
                        "{}: the private key of the {} credential could not be opened: {}{}",
                        e.label(),
                        e.field("Type").unwrap_or("server"),
                        code_text(TableId::SspiHresult, code),
                        e.field("ErrorStatus").map(|s| format!(", internal state {s}")).unwrap_or_default()
                    ),
                );
            }
            (kn::PR_SCHANNEL, 36874) => c.add(
                FindingId::TlsCipherMismatch,
                "Schannel 36874: clients offered no cipher suite the server supports",
                Some(e),
                format!(
                    "{}: a {} connection request offered none of the server's cipher suites",
                    e.label(),
                    e.field("Protocol").unwrap_or("TLS")
                ),
            ),
            (kn::PR_SCHANNEL, 36888) => {
                let Some(alert) = num(e, "AlertDesc").and_then(|a| u8::try_from(a).ok()) else { continue };
                let id = match alert {
                    70 => FindingId::TlsProtocolMismatch,
                    40 | 71 => FindingId::TlsCipherMismatch,
                    _ => continue,
                };
                c.add(
                    id,
                    "Schannel 36888: the server refused TLS handshakes with a fatal alert",
                    Some(e),
                    format!(
                        "{}: fatal alert {alert} ({}) sent{}",
                        e.label(),
                        knowledge::tls_suites::alert_name(alert),
                        e.field("ErrorState").map(|s| format!(", Schannel error state {s}")).unwrap_or_default()
                    ),
                );
            }
            (kn::PR_RCM, 1057 | 1058) => {
                let status = e.field("param1").unwrap_or("?");
                let decoded = super::evtx::parse_num(status)
                    .and_then(|n| u32::try_from(n).ok())
                    .and_then(|n| {
                        knowledge::lookup(TableId::SspiHresult, n).map(|_| code_text(TableId::SspiHresult, n))
                    })
                    .unwrap_or_else(|| status.to_string());
                let what = if e.event_id == 1057 { "create a new" } else { "replace the expired" };
                c.add(
                    FindingId::RdpCertNotCreated,
                    "TermService 1057/1058: the Remote Desktop certificate could not be created or renewed",
                    Some(e),
                    format!("{}: could not {what} self-signed certificate: status {decoded}", e.label()),
                );
            }
            (kn::PR_LSASRV, 6041) => {
                let target = e.field("param1").unwrap_or("?");
                let version = num(e, "param2");
                let v = version.map(|v| code_text(TableId::CredsspVersion, v)).unwrap_or_else(|| "?".into());
                c.add(
                    FindingId::CredsspVersionRefused,
                    "LsaSrv 6041: this client refused the server's CredSSP version (Encryption Oracle Remediation)",
                    Some(e),
                    format!("{}: CredSSP to {target} failed: the remote host offered version {v}", e.label()),
                );
            }
            (kn::PR_LSM, 40) => {
                let Some(reason) = num(e, "Reason") else { continue };
                let Some(id) = lsm_reason_finding(reason) else { continue };
                c.add(
                    id,
                    "LocalSessionManager 40: the server ended sessions",
                    Some(e),
                    format!(
                        "{}: session {} disconnected, reason {}",
                        e.label(),
                        e.field("Session").unwrap_or("?"),
                        code_text(TableId::ErrorInfo, reason)
                    ),
                );
            }
            (kn::PR_RDPCLIENT, 1026) => {
                let Some(reason) = num(e, "Value").or_else(|| num(e, "Reason")) else { continue };
                c.add(
                    FindingId::ClientDisconnectRecorded,
                    "RDPClient 1026: the Remote Desktop client recorded disconnects",
                    Some(e),
                    format!("{}: disconnected, reason {}", e.label(), code_text(TableId::DiscReason, reason)),
                );
            }
            _ => {}
        }
    }
    if skipped_non_rdp > 0 {
        for id in [FindingId::CredentialsRejected, FindingId::AccountLocked, FindingId::AccountRestricted] {
            c.note(
                id,
                format!("{skipped_non_rdp} other failed logon(s) (Security 4625) were not Remote Desktop (local, service, OpenSSH or another network service) and are left out"),
            );
        }
    }
    let mut out = c.finish();
    registry_findings(&obs.registry, &mut out);
    out.sort_by_key(|f| f.severity);
    out
}

fn from(e: &EventObs) -> String {
    source_ip(e).map(|ip| format!(" from {ip}")).unwrap_or_default()
}

fn logon_summary(id: FindingId) -> String {
    format!("Failed Remote Desktop logons recorded on the server: {}", crate::diagnose::catalogue::def(id).title)
}

/// The finding an LSM 40 reason code proves, if it is the server's doing (errorInfo code space).
fn lsm_reason_finding(reason: u32) -> Option<FindingId> {
    match reason {
        // No information, admin tool disconnect/logoff, replaced by another connection, user
        // disconnect/logoff: normal endings.
        0 | 1 | 2 | 5 | 0xB | 0xC => None,
        0x7 => Some(FindingId::ServerDeniedConnection),
        0x8 => Some(FindingId::ServerDeniedFips),
        0x9 => Some(FindingId::ServerInsufficientPrivileges),
        0xA => Some(FindingId::FreshCredentialsRequired),
        0x100..=0x10A => Some(FindingId::LicensingFailed),
        _ => Some(FindingId::SessionEndedByServer),
    }
}

fn reg_line(r: &RegistryObs) -> String {
    let val = r.effective.as_deref().unwrap_or("?");
    let meaning = r.meaning.as_deref().map(|m| format!(" ({m})")).unwrap_or_default();
    let source = match r.effective_source {
        RegSource::Policy => match &r.listener {
            Some(l) => format!("from Group Policy, which wins over the RDP-Tcp listener's {l}"),
            None => "from Group Policy".to_string(),
        },
        RegSource::Listener => "from the RDP-Tcp listener (no Group Policy value exported)".into(),
        RegSource::Key | RegSource::Default => "from its key".into(),
    };
    format!("registry {} = {val}{meaning}, {source} [{}] in {}", r.name, r.key, r.file)
}

fn registry_findings(reg: &[RegistryObs], out: &mut Vec<Finding>) {
    let get = |name: &str| reg.iter().find(|r| r.name == name);
    let n = |name: &str| get(name).and_then(|r| r.effective.as_deref()).and_then(super::evtx::parse_num);
    if let Some(r) = get("SecurityLayer").filter(|_| n("SecurityLayer") == Some(0)) {
        out.push(
            Finding::new(
                FindingId::StandardRdpSecurityOnly,
                "The registry sets the listener to Standard RDP Security only",
            )
            .evidence(reg_line(r)),
        );
    }
    if let Some(r) = get("UserAuthentication").filter(|_| n("UserAuthentication") == Some(0)) {
        out.push(
            Finding::new(FindingId::NlaNotRequired, "The registry does not require Network Level Authentication")
                .evidence(reg_line(r)),
        );
    }
    if let Some(r) =
        get("MinEncryptionLevel").filter(|_| n("MinEncryptionLevel") == Some(1) && n("SecurityLayer") != Some(2))
    {
        out.push(
            Finding::new(
                FindingId::WeakRdpEncryption,
                "The registry allows low (40/56-bit RC4) Standard RDP Security encryption",
            )
            .evidence(reg_line(r)),
        );
    }
    let tls12 = n("TLS 1.2 Server Enabled");
    let tls13 = n("TLS 1.3 Server Enabled");
    if tls12 == Some(0) && tls13.unwrap_or(0) == 0 {
        let mut f = Finding::new(
            FindingId::TlsProtocolMismatch,
            "The registry disables TLS 1.2 for Schannel's server side: current clients share no TLS version with it",
        );
        for r in reg.iter().filter(|r| r.name.ends_with("Server Enabled") || r.name.ends_with("DisabledByDefault")) {
            f = f.evidence(reg_line(r));
        }
        out.push(f);
    }
}

/// The verdict of an evidence report: failing with any critical or error finding.
pub fn verdict(findings: &[Finding]) -> Verdict {
    if findings.iter().any(|f| f.severity <= Severity::Error) {
        Verdict::Failing
    } else if findings.iter().any(|f| f.severity == Severity::Warning) {
        Verdict::Degraded
    } else {
        Verdict::Healthy
    }
}

/// A one-line description of an event for the timeline.
pub fn describe(e: &EventObs) -> String {
    let mut parts = Vec::new();
    if let Some(def) = kn::event(&e.channel, &e.provider, u32::from(e.event_id)) {
        for f in def.fields {
            if let Some(v) = e.field(f).filter(|v| !v.is_empty() && *v != "-") {
                let v = if v.chars().count() > 60 {
                    format!("{}…", v.chars().take(60).collect::<String>())
                } else {
                    v.to_string()
                };
                parts.push(format!("{f}={v}"));
            }
        }
    }
    format!("{} {} {}", short_channel(&e.channel), e.event_id, parts.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(provider: &str, channel: &str, id: u16, fields: &[(&str, &str)]) -> EventObs {
        EventObs {
            time: "2024-03-01T10:00:00.0000000Z".into(),
            epoch_ms: 1_709_287_200_000,
            computer: "SRV".into(),
            channel: channel.into(),
            provider: provider.into(),
            event_id: id,
            level: Some(2),
            record_id: 1,
            activity: None,
            kind: kn::event(channel, provider, u32::from(id)).unwrap().kind,
            fields: fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            file: 0,
        }
    }

    #[test]
    fn openssh_and_local_failures_are_not_rdp() {
        let ssh = ev(
            kn::PR_AUDIT,
            kn::CH_SECURITY,
            4625,
            &[
                ("LogonType", "8"),
                ("ProcessName", "C:\\Windows\\System32\\OpenSSH\\sshd.exe"),
                ("IpAddress", "10.1.1.1"),
            ],
        );
        assert!(!is_rdp_logon_failure(&ssh, None));
        let local = ev(
            kn::PR_AUDIT,
            kn::CH_SECURITY,
            4625,
            &[("LogonType", "3"), ("ProcessName", "C:\\Windows\\explorer.exe"), ("IpAddress", "-")],
        );
        assert!(!is_rdp_logon_failure(&local, None));
        let nla = ev(
            kn::PR_AUDIT,
            kn::CH_SECURITY,
            4625,
            &[("LogonType", "3"), ("ProcessName", "-"), ("IpAddress", "10.1.1.1")],
        );
        assert!(is_rdp_logon_failure(&nla, None));
        let other: BTreeSet<String> = ["10.9.9.9".to_string()].into();
        assert!(!is_rdp_logon_failure(&nla, Some(&other)), "type 3 from an address that never connected over RDP");
    }

    #[test]
    fn lsm_reasons_map_to_catalogue_ids() {
        assert_eq!(lsm_reason_finding(0xB), None);
        assert_eq!(lsm_reason_finding(7), Some(FindingId::ServerDeniedConnection));
        assert_eq!(lsm_reason_finding(0x104), Some(FindingId::LicensingFailed));
        assert_eq!(lsm_reason_finding(3), Some(FindingId::SessionEndedByServer));
    }
}
