//! The `rdp-doctor` binary: parses flags and wires the library together.

mod cli;

use clap::Parser;
use cli::{Cli, Command, CommonArgs};
use rdp_doctor::report::style::Style;
use rdp_doctor::report::text;
use rdp_doctor::{Options, demo, lab, probe, target::Target};
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
                opts.plan.no_session = args.no_session;
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
    let opts = Options { timeout: Duration::from_secs_f64(args.timeout), ..Options::default() };
    if let Some(name) = args.scenario {
        let Some(scenario) = lab::scenario(&name) else {
            return fail(EXIT_USAGE, &format!("no scenario {name:?}; `rdp-doctor lab --list` lists them"));
        };
        return match demo::diagnose_scenario(scenario, &opts).await {
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
