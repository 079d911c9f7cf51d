//! `rdp-doctor demo`: every lab scenario started in-process on loopback, diagnosed, and summed up in
//! one table — the quickest way to see what rdp-doctor tells apart.

use crate::lab::{self, DemoLogon, SCENARIOS, Scenario};
use crate::report::Report;
use crate::report::style::Style;
use crate::target::Target;
use crate::{CertTrust, Credentials, Options, run_diagnosis};
use std::fmt::Write;
use std::net::SocketAddr;
use std::time::Duration;

/// Pause between connection starts to a lab server: in-process on loopback, nothing to protect.
/// How long one wait lasts against the lab on loopback: its silent scenarios are judged by it.
pub const LAB_PATIENCE: Duration = Duration::from_millis(2000);

/// Options for a diagnosis of a lab server on loopback: the run's deadline, the lab's patience.
pub fn lab_options(timeout: Duration) -> Options {
    Options { timeout, patience: LAB_PATIENCE, ..Options::default() }
}

/// Start the scenario on 127.0.0.1 (a free port) and diagnose it.
pub async fn diagnose_scenario(scenario: &'static Scenario, opts: &Options) -> std::io::Result<Report> {
    let addr: SocketAddr = "127.0.0.1:0".parse().expect("literal address");
    let server = lab::start(scenario, addr).await?;
    let mut target = Target::parse(&server.addr.to_string()).map_err(std::io::Error::other)?;
    let mut opts = opts.clone();
    if let lab::Behaviour::Gateway(_) = scenario.behaviour {
        // Through the lab gateway to its in-process target, logged on to the gateway as a lab user.
        target = Target::parse(lab::gateway::LAB_TARGET).map_err(std::io::Error::other)?;
        opts.gateway = Some(gateway_spec(server.addr));
        // Every connection to the target is a gateway channel with its own TLS and NTLM logon.
        opts.timeout *= 4;
    }
    let report = run_diagnosis(&target, &opts).await;
    server.stop();
    Ok(report)
}

/// How the demo (and the tests) reach a lab gateway: the lab user with the lab password, any certificate.
pub fn gateway_spec(gw: SocketAddr) -> crate::probe::gateway::GatewaySpec {
    crate::probe::gateway::GatewaySpec {
        host: gw.ip().to_string(),
        port: gw.port(),
        credentials: Some(Credentials {
            user: DEMO_USER.into(),
            domain: Some(DEMO_DOMAIN.into()),
            password: zeroize::Zeroizing::new(lab::credssp::LAB_PASSWORD.into()),
        }),
        trust: CertTrust::AcceptAny,
        prompt: None,
        plan: crate::probe::gateway::TunnelPlan::Full,
    }
}

/// The lab user the demo logs on as where the scenario's answer to a logon is the point.
pub const DEMO_USER: &str = "demo";
pub const DEMO_DOMAIN: &str = "LAB";

/// The options the demo diagnoses `scenario` with: `opts`, plus the logon its record asks for
/// (`Scenario::demo`): a lab user with the lab password (with `--restricted-admin` for
/// `RestrictedAdmin`), or for a refused auto-logon (`WrongPassword`) a wrong password. Trust is
/// `AcceptAny`: the lab server runs in this process on loopback with a certificate made a moment ago.
pub fn demo_options(scenario: &Scenario, opts: &Options) -> Options {
    let logon = scenario.demo;
    let mut o = opts.clone();
    match logon {
        DemoLogon::None => return o,
        DemoLogon::WrongPassword => {
            o.credentials = Some(lab_credentials());
            o.cert_trust = CertTrust::AcceptAny;
            return o;
        }
        DemoLogon::Password | DemoLogon::RestrictedAdmin => {}
    }
    o.credentials = Some(Credentials {
        user: DEMO_USER.into(),
        domain: Some(DEMO_DOMAIN.into()),
        password: zeroize::Zeroizing::new(lab::credssp::LAB_PASSWORD.into()),
    });
    o.cert_trust = CertTrust::AcceptAny;
    o.cert_prompt = None;
    o.plan.restricted_admin = logon == DemoLogon::RestrictedAdmin;
    o
}

/// The lab's account with a wrong password (the lab accepts none).
pub fn lab_credentials() -> crate::Credentials {
    crate::Credentials {
        user: "lab-user".into(),
        domain: None,
        password: zeroize::Zeroizing::new("wrong-password".into()),
    }
}

/// Diagnose every scenario concurrently (each with `demo_options`); reports in scenario order.
/// The gateway scenarios run after the others: each of their diagnoses opens dozens of gateway
/// channels, which would crowd the other scenarios' deadlines.
pub async fn run_all(opts: &Options) -> std::io::Result<Vec<(&'static Scenario, Report)>> {
    let is_gateway = |s: &Scenario| matches!(s.behaviour, lab::Behaviour::Gateway(_));
    let mut out = Vec::new();
    for batch in [false, true] {
        let tasks = SCENARIOS
            .iter()
            .filter(|s| is_gateway(s) == batch)
            .map(|s| async move { (s, diagnose_scenario(s, &demo_options(s, opts)).await) });
        for (s, r) in futures::future::join_all(tasks).await {
            out.push((s, r?));
        }
    }
    // Scenario order (the gateway scenarios are listed last, but keep it whatever the table's order).
    out.sort_by_key(|(s, _)| SCENARIOS.iter().position(|x| std::ptr::eq(x, *s)));
    Ok(out)
}

/// The demo table: scenario → verdict → top finding → predicted client error.
pub fn table(rows: &[(&'static Scenario, Report)], st: Style) -> String {
    let mut o = String::new();
    let w = rows.iter().map(|(s, _)| s.name.len()).max().unwrap_or(0).max(20);
    let _ = writeln!(
        o,
        "{}",
        st.bold(&format!("{:<w$} {:<12} {:<30} {}", "SCENARIO", "VERDICT", "TOP FINDING", "CLIENT ERROR"))
    );
    for (s, r) in rows {
        let top = r.findings.first().map_or("-", |f| f.id.as_str());
        let pair = r
            .predicted_client_error
            .as_ref()
            .map(|c| format!("0x{:X} / 0x{:X} ({})", c.code, c.extended, basis_word(c.basis)))
            .unwrap_or_else(|| "-".into());
        let verdict = format!("{:<12}", r.verdict.as_str());
        let verdict = match r.verdict {
            crate::diagnose::Verdict::Healthy => st.green(&verdict),
            crate::diagnose::Verdict::Degraded | crate::diagnose::Verdict::Incomplete => st.yellow(&verdict),
            _ => st.red(&verdict),
        };
        let _ = writeln!(o, "{:<w$} {verdict} {:<30} {pair}", s.name, top);
    }
    let _ = writeln!(
        o,
        "\n{}",
        st.dim("Full report for one scenario: rdp-doctor demo NAME   (lab servers: rdp-doctor lab --list)")
    );
    crate::report::terminal::finish(&o, st)
}

fn basis_word(b: crate::knowledge::Basis) -> &'static str {
    match b {
        crate::knowledge::Basis::Documented => "documented",
        crate::knowledge::Basis::Observed => "observed",
        crate::knowledge::Basis::Inferred => "inferred",
    }
}
