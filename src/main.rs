//! The `rdp-doctor` binary: parses flags and wires the library together.

mod cli;
mod packaging;

use clap::Parser;
use cli::{Cli, Command, CommonArgs};
use rdp_doctor::report::style::Style;
use rdp_doctor::report::text;
use rdp_doctor::{CertTrust, Credentials, Options, demo, lab, probe, target::Target};
use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

const EXIT_USAGE: u8 = 2;
const EXIT_INTERNAL: u8 = 3;
/// What a shell reports for a process ended by SIGPIPE (128 + 13): the reader of our output went away.
const EXIT_PIPE: i32 = 141;

/// Stdout that ends the process quietly, with the conventional status, when the reader has gone
/// (`rdp-doctor lab --list | head -5`), instead of panicking on EPIPE.
struct PipeSafe<W: Write>(W);

impl<W: Write> Write for PipeSafe<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf).map_err(quiet_exit_on_broken_pipe)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush().map_err(quiet_exit_on_broken_pipe)
    }
}

fn quiet_exit_on_broken_pipe(e: std::io::Error) -> std::io::Error {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(EXIT_PIPE);
    }
    e
}

/// Print to stdout (never panics; a closed pipe ends the process quietly).
fn out(text: &str) {
    let mut o = PipeSafe(std::io::stdout().lock());
    let _ = o.write_all(text.as_bytes()).and_then(|()| o.flush());
}

/// Print a line to stderr (never panics: a closed stderr is ignored).
fn err_line(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => return fail(EXIT_INTERNAL, &format!("cannot start the runtime: {e}")),
    };
    let code = runtime.block_on(async {
        match cli.command {
            Command::Diagnose(mut args) => {
                let rdp_file = match rdp_file(&mut args) {
                    Ok(f) => f,
                    Err(e) => return fail(EXIT_USAGE, &e),
                };
                let target = match Target::parse(&args.target) {
                    Ok(t) => t,
                    Err(e) => return fail(EXIT_USAGE, &e.to_string()),
                };
                let Some(mut opts) = options(&args.common) else {
                    return fail(EXIT_USAGE, "--timeout must be a positive number of seconds");
                };
                opts.plan.quick = args.quick;
                opts.settings.cert_warn_days = args.cert_warn_days;
                if let Some(p) = rdp_doctor::knowledge::client_profiles::profile(&args.client) {
                    opts.plan.client_profile = p.name;
                }
                if let Err(e) = auth_options(&args.auth, &mut opts) {
                    return fail(EXIT_USAGE, &e);
                }
                opts.plan.no_session = args.no_session;
                opts.plan.full_scan = args.full_scan;
                if let Err(e) = gateway_options(&args.gateway, &mut opts) {
                    return fail(EXIT_USAGE, &e);
                }
                opts.routing_token = args.routing_token.clone();
                opts.rdp_file = rdp_file;
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
                let mut buf = Vec::new();
                let code = rdp_doctor::explain::run(&args, &mut buf);
                let text = String::from_utf8_lossy(&buf);
                out(&if args.json { text.into_owned() } else { Style::detect().text(&text).into_owned() });
                ExitCode::from(u8::try_from(code).unwrap_or(EXIT_INTERNAL))
            }
            Command::Lab(args) => run_lab(args).await,
            Command::Demo(args) => run_demo(args).await,
            Command::Client(args) => run_client(args).await,
            Command::Completions(args) => packaging::completions(args.shell),
            Command::Manpage { dir } => packaging::manpage(dir.as_deref()),
            Command::Scan(args) => run_scan(args).await,
            Command::Watch(args) => run_watch(args).await,
            Command::Serve(args) => run_serve(args).await,
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
    });
    // Do not wait for a name lookup still blocked in getaddrinfo: the run's deadline has passed and
    // the report is out; the process ends now, whatever the resolver does.
    runtime.shutdown_background();
    code
}

fn options(c: &CommonArgs) -> Option<Options> {
    if !(c.timeout.is_finite() && c.timeout > 0.0 && c.timeout < 86_400.0) {
        return None;
    }
    let trace: Option<probe::Trace> = c.verbose.then(|| {
        let start = std::time::Instant::now();
        // Trace lines carry what servers sent: escaped before they reach the terminal.
        rdp_doctor::report::terminal::safe_trace(move |line: &str| {
            err_line(&format!("[{:>8.1} ms] {line}", start.elapsed().as_secs_f64() * 1000.0))
        })
    });
    Some(Options {
        timeout: Duration::from_secs_f64(c.timeout),
        pace: Duration::from_millis(c.pace_ms),
        max_parallel: c.max_parallel,
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
            err_line(
                "rdp-doctor: WARNING: --insecure-trust-any-cert sends credentials to whatever certificate the server shows; use it only in a lab",
            );
            CertTrust::AcceptAny
        }
        (None, false) => CertTrust::Verify,
    };
    let Some(user) = &a.user else { return Ok(()) };
    opts.credentials = Some(read_credentials(user, "RDP_DOCTOR_PASSWORD", a.password_stdin, "--password-stdin")?);
    if std::io::stdin().is_terminal() && opts.cert_trust == CertTrust::Verify {
        opts.cert_prompt = Some(Arc::new(|info: &probe::credssp::CertPromptInfo| {
            use rdp_doctor::report::terminal::neutralise;
            err_line(&format!(
                "\nThe certificate of {} cannot be verified: {}\n  SHA-256 {}\n  SHA-1   {}\nSend the credentials to this server anyway? [y/N] ",
                neutralise(&info.host),
                neutralise(&info.verify_error),
                neutralise(&info.sha256),
                neutralise(&info.sha1)
            ));
            let mut answer = String::new();
            std::io::stdin().read_line(&mut answer).is_ok() && matches!(answer.trim(), "y" | "Y" | "yes" | "Yes")
        }));
    }
    Ok(())
}

/// A TARGET ending in `.rdp`: read the file, and let its settings stand for the flags not given
/// (`full address`/`server port` for TARGET, the gateway, `loadbalanceinfo` for --routing-token).
fn rdp_file(args: &mut cli::DiagnoseArgs) -> Result<Option<rdp_doctor::rdpfile::RdpFileObs>, String> {
    use rdp_doctor::rdpfile;
    if !args.target.to_ascii_lowercase().ends_with(".rdp") {
        return Ok(None);
    }
    let path = args.target.clone();
    let len = std::fs::metadata(&path).map_err(|e| format!("cannot read {path}: {e}"))?.len();
    if len > rdpfile::MAX_FILE as u64 {
        return Err(format!("{path} is larger than {} bytes: not an .rdp file", rdpfile::MAX_FILE));
    }
    let bytes = std::fs::read(&path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let (text, encoding) = rdpfile::decode(&bytes).map_err(|e| format!("{path}: {e}"))?;
    let file = rdpfile::parse(&text);
    args.target = file.target().ok_or_else(|| format!("{path} has no full address"))?;
    if args.gateway.gateway.is_none() {
        args.gateway.gateway = file.gateway().map(str::to_string);
    }
    if args.routing_token.is_none() {
        args.routing_token = file.load_balance_info.clone();
    }
    let settings = file.implications();
    if !args.common.json {
        eprintln!("rdp-doctor: read {path} ({encoding}):");
        for s in &settings {
            eprintln!("  {}: {}  -> {}", s.name, s.value, s.implies);
        }
    }
    let uses_gateway = args.gateway.gateway.is_some();
    Ok(Some(rdpfile::RdpFileObs { path, encoding, settings, uses_gateway }))
}

/// The gateway hop from the flags: its address, credentials (the target's by default) and trust.
fn gateway_options(g: &cli::GatewayArgs, opts: &mut Options) -> Result<(), String> {
    let Some(gw) = &g.gateway else { return Ok(()) };
    let t = Target::parse(gw).map_err(|e| format!("--gateway: {e}"))?;
    let port = if gw.contains(':') { t.port } else { probe::gateway::DEFAULT_PORT };
    let trust = match &g.gateway_trust_cert {
        Some(pin) => {
            let pin = probe::credssp::normalise_thumbprint(pin);
            if pin.len() != 64 {
                return Err("--gateway-trust-cert takes a SHA-256 thumbprint: 64 hex digits".into());
            }
            CertTrust::Pinned(pin)
        }
        None if opts.cert_trust == CertTrust::AcceptAny => CertTrust::AcceptAny,
        None => CertTrust::Verify,
    };
    let credentials = match &g.gateway_user {
        Some(user) => Some(read_credentials(
            user,
            "RDP_DOCTOR_GATEWAY_PASSWORD",
            g.gateway_password_stdin,
            "--gateway-password-stdin",
        )?),
        None => opts.credentials.clone(),
    };
    opts.gateway = Some(probe::gateway::GatewaySpec {
        host: t.host,
        port,
        credentials,
        trust,
        prompt: opts.cert_prompt.clone(),
        plan: if g.gateway_light { probe::gateway::TunnelPlan::Light } else { probe::gateway::TunnelPlan::Full },
    });
    Ok(())
}

/// USER (DOMAIN\\USER or USER) and a password from `env`, stdin or a no-echo prompt (never argv).
fn read_credentials(user: &str, env: &str, stdin: bool, stdin_flag: &str) -> Result<Credentials, String> {
    use std::io::IsTerminal;
    let (domain, name) = match user.split_once('\\') {
        Some((d, u)) if !d.is_empty() && !u.is_empty() => (Some(d.to_string()), u.to_string()),
        _ => (None, user.to_string()),
    };
    let password = if let Ok(p) = std::env::var(env) {
        zeroize::Zeroizing::new(p)
    } else if stdin {
        let mut line = zeroize::Zeroizing::new(String::new());
        std::io::stdin().read_line(&mut line).map_err(|e| format!("cannot read the password from stdin: {e}"))?;
        zeroize::Zeroizing::new(line.trim_end_matches(['\r', '\n']).to_string())
    } else if std::io::stdin().is_terminal() {
        zeroize::Zeroizing::new(
            rpassword::prompt_password(format!("Password for {user}: "))
                .map_err(|e| format!("cannot read the password: {e}"))?,
        )
    } else {
        return Err(format!("{user} needs a password: set {env}, use {stdin_flag}, or run on a terminal"));
    };
    Ok(Credentials { user: name, domain, password })
}

fn print_report(report: &rdp_doctor::report::Report, json: bool) {
    if json {
        out(&format!("{}\n", report.to_json()));
    } else {
        let st = Style::detect();
        out(&st.text(&text::render(report, st)));
    }
}

async fn run_lab(args: cli::LabArgs) -> ExitCode {
    if args.list {
        let mut o = PipeSafe(std::io::stdout().lock());
        for s in lab::SCENARIOS {
            let _ = writeln!(o, "{:<22} {}", s.name, s.description);
        }
        let _ = o.flush();
        return ExitCode::SUCCESS;
    }
    if let Some(upstream) = &args.link {
        return run_link(upstream, &args).await;
    }
    let name = args.scenario.unwrap_or_default();
    let scenario = match lab::find(&name) {
        Ok(s) => s,
        Err(e) => return fail(EXIT_USAGE, &e.to_string()),
    };
    let Ok(addr) = args.listen.parse() else {
        return fail(EXIT_USAGE, &format!("--listen {:?} is not ADDR:PORT", args.listen));
    };
    match lab::start(scenario, addr).await {
        Ok(server) => {
            out(&format!("lab scenario {} listening on {}  (Ctrl-C stops it)\n", scenario.name, server.addr));
            let _ = tokio::signal::ctrl_c().await;
            server.stop();
            ExitCode::SUCCESS
        }
        Err(e) => fail(EXIT_INTERNAL, &format!("cannot listen on {addr}: {e}")),
    }
}

async fn run_link(upstream: &str, args: &cli::LabArgs) -> ExitCode {
    let (Ok(upstream), Ok(listen)) = (upstream.parse(), args.listen.parse()) else {
        return fail(EXIT_USAGE, "--link and --listen take ADDR:PORT");
    };
    if !(0.0..1.0).contains(&args.loss) {
        return fail(EXIT_USAGE, "--loss is a probability from 0 to 1 (exclusive)");
    }
    let profile = lab::link::LinkProfile { rtt: Duration::from_millis(args.rtt_ms), loss: args.loss, seed: 1 };
    match lab::link::start(listen, upstream, profile).await {
        Ok(link) => {
            println!(
                "lab link {} -> {upstream}: {} ms RTT, {} loss  (Ctrl-C stops it)",
                link.addr, args.rtt_ms, args.loss
            );
            // One line whenever the count of connections through the link changes (benchmarks read it).
            let count = link.accepted.clone();
            let report = async move {
                let mut last = 0;
                loop {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    let now = count.load(std::sync::atomic::Ordering::Relaxed);
                    if now != last {
                        last = now;
                        println!("connections: {now}");
                    }
                }
            };
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = report => {}
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(EXIT_USAGE, &format!("cannot start the link: {e}")),
    }
}

async fn run_demo(args: cli::DemoArgs) -> ExitCode {
    if !(args.timeout.is_finite() && args.timeout > 0.0 && args.timeout < 3600.0) {
        return fail(EXIT_USAGE, "--timeout must be a positive number of seconds");
    }
    let opts = demo::lab_options(Duration::from_secs_f64(args.timeout));
    if let Some(name) = args.scenario {
        let scenario = match lab::find(&name) {
            Ok(s) => s,
            Err(e) => return fail(EXIT_USAGE, &e.to_string()),
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
            out(&format!("{}\n", serde_json::to_string_pretty(&docs).unwrap_or_default()));
            ExitCode::SUCCESS
        }
        Ok(rows) => {
            let st = Style::detect();
            out(&st.text(&demo::table(&rows, st)));
            ExitCode::SUCCESS
        }
        Err(e) => fail(EXIT_INTERNAL, &format!("cannot run the lab servers: {e}")),
    }
}

/// `rdp-doctor client`: this machine (Windows), or a recorded one (`--fixture`, any platform).
async fn run_client(args: cli::ClientArgs) -> ExitCode {
    use rdp_doctor::client;
    let source: Box<dyn client::ClientSource> = match &args.fixture {
        Some(path) => match std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|t| client::fixture::FixtureSource::from_json(&t))
        {
            Ok(f) => Box::new(f),
            Err(e) => return fail(EXIT_USAGE, &format!("{}: {e}", path.display())),
        },
        None => match client::this_machine() {
            Some(s) => s,
            None => {
                return fail(
                    EXIT_USAGE,
                    "`client` checks this machine's Windows Remote Desktop client and runs only on Windows \
                     (`--fixture FILE` reads a recorded client on any platform)",
                );
            }
        },
    };
    let target = match args.target.as_deref().map(Target::parse).transpose() {
        Ok(t) => t,
        Err(e) => return fail(EXIT_USAGE, &e.to_string()),
    };
    let Some(opts) = options(&args.common) else {
        return fail(EXIT_USAGE, "--timeout must be a positive number of seconds");
    };
    let report = client::check(source.as_ref(), target.as_ref(), &opts).await;
    if args.common.json {
        println!("{}", report.to_json());
    } else {
        let st = Style::detect();
        print!("{}", st.text(&rdp_doctor::report::client::render(&report, st)));
    }
    ExitCode::from(report.exit_code() as u8)
}

async fn run_serve(args: cli::ServeArgs) -> ExitCode {
    use rdp_doctor::serve;
    let Ok(addr) = args.listen.parse() else {
        return fail(EXIT_USAGE, &format!("--listen {:?} is not ADDR:PORT", args.listen));
    };
    let text = match args.config.as_deref().map(std::fs::read_to_string).transpose() {
        Ok(t) => t,
        Err(e) => return fail(EXIT_USAGE, &format!("cannot read --config: {e}")),
    };
    let config = match serve::Config::load(text.as_deref()) {
        Ok(c) => c,
        Err(e) => return fail(EXIT_USAGE, &format!("--config: {e}")),
    };
    let ready = |a| eprintln!("rdp-doctor exporter listening on http://{a}/ (probe: /probe?target=HOST&module=quick)");
    match serve::run(config, addr, ready).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(EXIT_INTERNAL, &format!("cannot serve on {addr}: {e}")),
    }
}

async fn run_watch(args: cli::WatchArgs) -> ExitCode {
    let target = match Target::parse(&args.target) {
        Ok(t) => t,
        Err(e) => return fail(EXIT_USAGE, &e.to_string()),
    };
    let ok = |s: f64| (0.0..86_400.0).contains(&s);
    if !ok(args.interval) || !ok(args.timeout) || args.timeout == 0.0 || args.count == Some(0) {
        return fail(EXIT_USAGE, "--interval, --timeout and --count must be positive");
    }
    let opts = rdp_doctor::watch::WatchOptions {
        interval: Duration::from_secs_f64(args.interval),
        count: args.count,
        probe: Options { timeout: Duration::from_secs_f64(args.timeout), ..Options::default() },
        full: args.full,
    };
    ExitCode::from(rdp_doctor::watch::command(&target, &opts, args.json).await)
}

async fn run_scan(args: cli::ScanArgs) -> ExitCode {
    use rdp_doctor::scan::{Depth, ScanOptions, command};
    let depth = if args.quick { Depth::Quick } else { Depth::Full };
    let timeout = args.timeout.unwrap_or(if args.quick { 5.0 } else { 15.0 });
    if !(timeout.is_finite() && timeout > 0.0 && timeout < 86_400.0) {
        return fail(EXIT_USAGE, "--timeout must be a positive number of seconds");
    }
    if args.rate.is_some_and(|r| !(r.is_finite() && r > 0.0)) || args.concurrency == Some(0) {
        return fail(EXIT_USAGE, "--rate and --concurrency must be positive");
    }
    if args.auth.password_stdin && args.inputs.iter().any(|i| i == "-") {
        return fail(EXIT_USAGE, "--password-stdin and -i - both read stdin: use RDP_DOCTOR_PASSWORD or a file");
    }
    let ports = match args.ports.as_deref().map(rdp_doctor::scan::targets::parse_ports).transpose() {
        Ok(p) => p.unwrap_or_default(),
        Err(e) => return fail(EXIT_USAGE, &format!("--ports: {e}")),
    };
    let mut host = Options {
        timeout: Duration::from_secs_f64(timeout),
        pace: Duration::from_millis(args.pace_ms),
        ..Options::default()
    };
    host.settings.cert_warn_days = args.cert_warn_days;
    if let Err(e) = auth_options(&args.auth, &mut host) {
        return fail(EXIT_USAGE, &e);
    }
    // No prompt per host in a scan: an unverified certificate gets no credentials.
    host.cert_prompt = None;
    let cmd = command::ScanCommand {
        targets: args.targets,
        inputs: args.inputs,
        ports,
        json: args.json,
        csv: args.csv,
        diff: args.diff,
        scan: ScanOptions {
            depth,
            host,
            concurrency: args.concurrency.unwrap_or(command::ScanCommand::default_concurrency(depth)),
            rate: args.rate,
        },
    };
    ExitCode::from(command::run(cmd).await)
}

fn fail(code: u8, msg: &str) -> ExitCode {
    err_line(&format!("rdp-doctor: {msg}"));
    ExitCode::from(code)
}
