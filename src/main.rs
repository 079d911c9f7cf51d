//! The `rdp-doctor` binary: parses flags and wires the library together.

mod cli;

use clap::Parser;
use cli::{Cli, Command, CommonArgs};
use rdp_doctor::report::style::Style;
use rdp_doctor::report::text;
use rdp_doctor::{CertTrust, Credentials, Options, demo, lab, probe, target::Target};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

const EXIT_USAGE: u8 = 2;
const EXIT_INTERNAL: u8 = 3;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => return fail(EXIT_INTERNAL, &format!("cannot start the runtime: {e}")),
    };
    runtime.block_on(async {
        match cli.command {
            Command::Diagnose(args) => {
                let target = match Target::parse(&args.target) {
                    Ok(t) => t,
                    Err(e) => return fail(EXIT_USAGE, &e.to_string()),
                };
                let Some(mut opts) = options(&args.common) else {
                    return fail(EXIT_USAGE, "--timeout must be a positive number of seconds");
                };
                opts.plan.quick = args.quick;
                opts.plan.cert_warn_days = args.cert_warn_days;
                if let Some(p) = rdp_doctor::knowledge::client_profiles::profile(&args.client) {
                    opts.plan.client_profile = p.name;
                }
                if let Err(e) = auth_options(&args.auth, &mut opts) {
                    return fail(EXIT_USAGE, &e);
                }
                opts.plan.no_session = args.no_session;
                if !args.evidence.is_empty() {
                    match rdp_doctor::evidence::read_paths(&args.evidence, Default::default()) {
                        Ok(ev) => opts.evidence = Some(Arc::new(ev)),
                        Err(e) => return fail(EXIT_USAGE, &e.to_string()),
                    }
                }
                let report = rdp_doctor::run_diagnosis(&target, &opts).await;
                print_report(&report, args.common.json);
                ExitCode::from(report.verdict.exit_code() as u8)
            }
            Command::Explain(args) => {
                let args = rdp_doctor::explain::ExplainArgs { codes: args.codes, json: args.json, list: args.list };
                let code = rdp_doctor::explain::run(&args, &mut std::io::stdout().lock());
                ExitCode::from(u8::try_from(code).unwrap_or(EXIT_INTERNAL))
            }
            Command::Lab(args) => run_lab(args).await,
            Command::Demo(args) => run_demo(args).await,
            Command::Evidence(a) => {
                let args = rdp_doctor::evidence::RunArgs {
                    paths: a.paths,
                    json: a.json,
                    since: a.since,
                    until: a.until,
                    timeline: a.timeline,
                };
                let code = rdp_doctor::evidence::run(&args, &mut std::io::stdout().lock(), Style::detect());
                ExitCode::from(u8::try_from(code).unwrap_or(EXIT_INTERNAL))
            }
        }
    })
}

fn options(c: &CommonArgs) -> Option<Options> {
    if !(c.timeout.is_finite() && c.timeout > 0.0 && c.timeout < 86_400.0) {
        return None;
    }
    let trace: Option<probe::Trace> = c.verbose.then(|| {
        let start = std::time::Instant::now();
        Arc::new(move |line: &str| eprintln!("[{:>8.1} ms] {line}", start.elapsed().as_secs_f64() * 1000.0))
            as probe::Trace
    });
    Some(Options {
        timeout: Duration::from_secs_f64(c.timeout),
        pace: Duration::from_millis(c.pace_ms),
        trace,
        ..Options::default()
    })
}

/// Credentials, certificate trust and the certificate prompt from the flags (the password never from argv).
fn auth_options(a: &cli::AuthArgs, opts: &mut Options) -> Result<(), String> {
    use std::io::IsTerminal;
    opts.plan.restricted_admin = a.restricted_admin;
    opts.cert_trust = match (&a.trust_cert, a.insecure_trust_any_cert) {
        (Some(pin), _) => {
            let pin = probe::credssp::normalise_thumbprint(pin);
            if pin.len() != 64 {
                return Err("--trust-cert takes a SHA-256 thumbprint: 64 hex digits".into());
            }
            CertTrust::Pinned(pin)
        }
        (None, true) => {
            eprintln!(
                "rdp-doctor: WARNING: --insecure-trust-any-cert sends credentials to whatever certificate the server shows; use it only in a lab"
            );
            CertTrust::AcceptAny
        }
        (None, false) => CertTrust::Verify,
    };
    let Some(user) = &a.user else { return Ok(()) };
    let (domain, name) = match user.split_once('\\') {
        Some((d, u)) if !d.is_empty() && !u.is_empty() => (Some(d.to_string()), u.to_string()),
        _ => (None, user.clone()),
    };
    let password = if let Ok(p) = std::env::var("RDP_DOCTOR_PASSWORD") {
        zeroize::Zeroizing::new(p)
    } else if a.password_stdin {
        let mut line = zeroize::Zeroizing::new(String::new());
        std::io::stdin().read_line(&mut line).map_err(|e| format!("cannot read the password from stdin: {e}"))?;
        zeroize::Zeroizing::new(line.trim_end_matches(['\r', '\n']).to_string())
    } else if std::io::stdin().is_terminal() {
        zeroize::Zeroizing::new(
            rpassword::prompt_password(format!("Password for {user}: "))
                .map_err(|e| format!("cannot read the password: {e}"))?,
        )
    } else {
        return Err(
            "--user needs a password: set RDP_DOCTOR_PASSWORD, use --password-stdin, or run on a terminal".into()
        );
    };
    opts.credentials = Some(Credentials { user: name, domain, password });
    if std::io::stdin().is_terminal() && opts.cert_trust == CertTrust::Verify {
        opts.cert_prompt = Some(Arc::new(|info: &probe::credssp::CertPromptInfo| {
            eprintln!(
                "\nThe certificate of {} cannot be verified: {}\n  SHA-256 {}\n  SHA-1   {}\nSend the credentials to this server anyway? [y/N] ",
                info.host, info.verify_error, info.sha256, info.sha1
            );
            let mut answer = String::new();
            std::io::stdin().read_line(&mut answer).is_ok() && matches!(answer.trim(), "y" | "Y" | "yes" | "Yes")
        }));
    }
    Ok(())
}

fn print_report(report: &rdp_doctor::report::Report, json: bool) {
    if json {
        println!("{}", report.to_json());
    } else {
        print!("{}", text::render(report, Style::detect()));
    }
}

async fn run_lab(args: cli::LabArgs) -> ExitCode {
    if args.list {
        for s in lab::SCENARIOS {
            println!("{:<22} {}", s.name, s.description);
        }
        return ExitCode::SUCCESS;
    }
    let name = args.scenario.unwrap_or_default();
    let Some(scenario) = lab::scenario(&name) else {
        return fail(EXIT_USAGE, &format!("no scenario {name:?}; `rdp-doctor lab --list` lists them"));
    };
    let Ok(addr) = args.listen.parse() else {
        return fail(EXIT_USAGE, &format!("--listen {:?} is not ADDR:PORT", args.listen));
    };
    match lab::start(scenario, addr).await {
        Ok(server) => {
            println!("lab scenario {} listening on {}  (Ctrl-C stops it)", scenario.name, server.addr);
            let _ = tokio::signal::ctrl_c().await;
            server.stop();
            ExitCode::SUCCESS
        }
        Err(e) => fail(EXIT_INTERNAL, &format!("cannot listen on {addr}: {e}")),
    }
}

async fn run_demo(args: cli::DemoArgs) -> ExitCode {
    if !(args.timeout.is_finite() && args.timeout > 0.0 && args.timeout < 3600.0) {
        return fail(EXIT_USAGE, "--timeout must be a positive number of seconds");
    }
    let opts = Options { timeout: Duration::from_secs_f64(args.timeout), pace: demo::LAB_PACE, ..Options::default() };
    if let Some(name) = args.scenario {
        let Some(scenario) = lab::scenario(&name) else {
            return fail(EXIT_USAGE, &format!("no scenario {name:?}; `rdp-doctor lab --list` lists them"));
        };
        return match demo::diagnose_scenario(scenario, &demo::demo_options(scenario, &opts)).await {
            Ok(report) => {
                print_report(&report, args.json);
                ExitCode::SUCCESS
            }
            Err(e) => fail(EXIT_INTERNAL, &format!("cannot run the lab server: {e}")),
        };
    }
    match demo::run_all(&opts).await {
        Ok(rows) if args.json => {
            let docs: Vec<_> =
                rows.iter().map(|(s, r)| serde_json::json!({ "scenario": s.name, "report": r })).collect();
            println!("{}", serde_json::to_string_pretty(&docs).unwrap_or_default());
            ExitCode::SUCCESS
        }
        Ok(rows) => {
            print!("{}", demo::table(&rows, Style::detect()));
            ExitCode::SUCCESS
        }
        Err(e) => fail(EXIT_INTERNAL, &format!("cannot run the lab servers: {e}")),
    }
}

fn fail(code: u8, msg: &str) -> ExitCode {
    eprintln!("rdp-doctor: {msg}");
    ExitCode::from(code)
}
