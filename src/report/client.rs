//! The human `rdp-doctor client` report: what was read on this machine, the server measured (when a
//! target was given), the findings and the verdict.

use super::style::Style;
use super::text::findings_section;
use crate::client::{ClientReport, Read};
use std::fmt::Write;

fn read_line<T>(r: &Read<T>, ok: impl FnOnce(&T) -> String, st: Style) -> String {
    match r {
        Read::Read(v) => ok(v),
        Read::Failed(e) => st.dim(&format!("not checked: {e}")),
    }
}

pub fn render(r: &ClientReport, st: Style) -> String {
    let mut o = String::new();
    let obs = &r.observations;
    let _ = writeln!(o, "{} {}  client check ({})", st.bold("rdp-doctor"), r.tool.version, obs.source);

    let _ = writeln!(o, "\n{}", st.bold("This client"));
    let creds = read_line(
        &obs.saved_credentials,
        |c| {
            if c.is_empty() { "none".into() } else { c.iter().map(|c| c.target.clone()).collect::<Vec<_>>().join(", ") }
        },
        st,
    );
    let _ = writeln!(o, "  {:<28} {creds}", "saved TERMSRV/ credentials");
    let policy = read_line(
        &obs.credssp_policy,
        |p| match p {
            Some(v) => format!("AllowEncryptionOracle = {v}"),
            None => "not configured (default 1, Mitigated)".into(),
        },
        st,
    );
    let _ = writeln!(o, "  {:<28} {policy}", "CredSSP policy");
    let schannel: Vec<String> = obs
        .schannel
        .iter()
        .map(|s| {
            let v = |r: &Read<Option<u32>>| match r {
                Read::Read(Some(v)) => v.to_string(),
                Read::Read(None) => "-".into(),
                Read::Failed(_) => "?".into(),
            };
            format!("{} {}/{}", s.protocol.key_name(), v(&s.enabled), v(&s.disabled_by_default))
        })
        .collect();
    let _ = writeln!(
        o,
        "  {:<28} {}  {}",
        "Schannel client",
        schannel.join("  "),
        st.dim("(Enabled/DisabledByDefault, - = default)")
    );
    let events =
        read_line(&obs.rdp_client_events, |e| format!("{} record(s) of 1024/1026/1027/1102/1105", e.len()), st);
    let _ = writeln!(o, "  {:<28} {events}", "RDP client log");
    let lsa = read_line(&obs.lsa_events, |e| format!("{} LsaSrv 6041 record(s)", e.len()), st);
    let _ = writeln!(o, "  {:<28} {lsa}", "System log");
    let rdp = read_line(
        &obs.default_rdp,
        |f| match f {
            Some(f) => format!("{} ({} settings)", f.path, f.settings.len()),
            None => "none".into(),
        },
        st,
    );
    let _ = writeln!(o, "  {:<28} {rdp}", "Default.rdp");

    if let Some(s) = &r.server {
        let _ = writeln!(o, "\n{}  {}", st.bold("Server"), st.dim("measured on the wire (rdp-doctor diagnose)"));
        let credssp =
            s.credssp_version.map(|v| format!("TSRequest version {v}")).unwrap_or_else(|| "not reached".into());
        let tls = if s.tls_versions.is_empty() { "-".into() } else { s.tls_versions.join(", ") };
        let _ = writeln!(o, "  {:<28} CredSSP {credssp}   TLS {tls}   verdict {}", s.target, s.verdict.as_str());
    }

    findings_section(&mut o, &r.findings, st);
    let verdict = super::text::verdict_word(r.verdict, st);
    let _ = writeln!(o, "\n{} {verdict}", st.bold("Verdict"));
    o
}
