//! Command-line flags (clap derive). Exit codes: 0 healthy or degraded, 1 failing or unreachable,
//! 2 usage error, 3 internal error, 4 incomplete (the run's deadline ended first).

use clap::{Args, Parser, Subcommand};

/// The version `--version` prints: the package version and the commit it was built from (build.rs).
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (commit ", env!("RDP_DOCTOR_COMMIT"), ")");

#[derive(Debug, Parser)]
#[command(
    name = "rdp-doctor",
    version = VERSION,
    about = "Finds out why a Remote Desktop connection fails, proves it, and says how to fix it"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Walk a connection to TARGET layer by layer and diagnose it.
    Diagnose(DiagnoseArgs),
    /// Decode a Remote Desktop error code (or pair) offline: meaning, how far the connection got, causes.
    Explain(ExplainArgs),
    /// Run a misbehaving RDP server from the fault lab.
    Lab(LabArgs),
    /// Diagnose every lab scenario on loopback and print a table (or one scenario's full report).
    Demo(DemoArgs),
    /// Check this machine as a Remote Desktop client (Windows): saved credentials, CredSSP policy,
    /// Schannel, the RDP client's event log, Default.rdp; with TARGET, judged against that server.
    Client(ClientArgs),
    /// Print a shell completion script to stdout.
    Completions(CompletionsArgs),
    /// Print the man page (roff) to stdout, or write every page into DIR (packaging).
    #[command(hide = true)]
    Manpage {
        /// Write rdp-doctor.1 and one page per subcommand here.
        dir: Option<std::path::PathBuf>,
    },
    /// Diagnose a fleet: many hosts at once, JSON Lines or CSV, a summary by finding.
    Scan(ScanArgs),
    /// Probe TARGET again and again (one connection each) and show when and where it fails.
    Watch(WatchArgs),
    /// A Prometheus exporter: GET /probe?target=HOST&module=quick|full|NAME, /metrics, /-/healthy.
    Serve(ServeArgs),
    /// Name the cause from the server's own records: exported event logs (.evtx) and registry exports (.reg).
    Evidence(EvidenceArgs),
}

#[derive(Debug, Args)]
pub struct DiagnoseArgs {
    /// host, host:port, [ipv6]:port, rdp://host[:port] (port 3389 by default), or a .rdp file.
    pub target: String,
    #[command(flatten)]
    pub common: CommonArgs,
    /// Stop after the negotiation layer (no TLS handshake, certificate or scan).
    #[arg(long)]
    pub quick: bool,
    /// Skip the session layer (the RDP connection sequence after negotiation).
    #[arg(long)]
    pub no_session: bool,
    /// Enumerate every TLS version and cipher suite the server accepts (as sslscan does), instead of
    /// one hello per client profile, version and weak class.
    #[arg(long)]
    pub full_scan: bool,
    /// The client the TLS verdict is judged for; the report lists every profile.
    #[arg(long = "client", value_name = "PROFILE", default_value = rdp_doctor::probe::DEFAULT_CLIENT_PROFILE,
          value_parser = clap::builder::PossibleValuesParser::new(
              rdp_doctor::knowledge::client_profiles::PROFILES.iter().map(|p| p.name)))]
    pub client: String,
    /// Report a certificate that expires within this many days (cert-expiring-soon).
    #[arg(long, value_name = "DAYS", default_value_t = rdp_doctor::diagnose::DEFAULT_CERT_WARN_DAYS)]
    pub cert_warn_days: u32,
    #[command(flatten)]
    pub auth: AuthArgs,
    #[command(flatten)]
    pub gateway: GatewayArgs,
    /// Send this routing token in the X.224 Connection Request in place of the cookie (a Connection
    /// Broker farm's loadbalanceinfo, e.g. "tsv://MS Terminal Services Plugin.1.COLLECTION").
    #[arg(long, value_name = "TOKEN")]
    pub routing_token: Option<String>,
    /// Cross-check with the server's records: .evtx/.reg files or folders (see `rdp-doctor evidence`).
    #[arg(long, value_name = "PATH", num_args = 1..)]
    pub evidence: Vec<std::path::PathBuf>,
}

/// The RD Gateway hop ([MS-TSGU] HTTP transport).
#[derive(Debug, Args)]
pub struct GatewayArgs {
    /// Reach TARGET through this RD Gateway: GW or GW:PORT (443 by default).
    #[arg(long, value_name = "GW[:PORT]")]
    pub gateway: Option<String>,
    /// Gateway user (DOMAIN\USER, USER@DOMAIN or USER); by default the --user credentials, as the
    /// Windows client's "use my RD Gateway credentials for the remote computer". Password from
    /// RDP_DOCTOR_GATEWAY_PASSWORD, --gateway-password-stdin, or a prompt.
    #[arg(long, value_name = "USER")]
    pub gateway_user: Option<String>,
    /// Read the gateway password from the first line of stdin.
    #[arg(long, requires = "gateway_user")]
    pub gateway_password_stdin: bool,
    /// Send credentials to the gateway only if its certificate has this SHA-256 thumbprint.
    #[arg(long, value_name = "SHA256")]
    pub gateway_trust_cert: Option<String>,
    /// Through the gateway, probe the target as a Windows client meets it (its own request, CredSSP,
    /// the session) instead of every layer: about 4 gateway channels instead of about 40.
    #[arg(long)]
    pub gateway_light: bool,
}

/// The opt-in credential check. The password never comes from argv: RDP_DOCTOR_PASSWORD,
/// --password-stdin, or a no-echo prompt on a terminal.
#[derive(Debug, Args)]
pub struct AuthArgs {
    /// Check these credentials with a real CredSSP (NLA) logon: DOMAIN\USER, USER@DOMAIN or USER.
    #[arg(long, value_name = "USER")]
    pub user: Option<String>,
    /// Read the password from the first line of stdin (otherwise RDP_DOCTOR_PASSWORD, or a prompt).
    #[arg(long, requires = "user")]
    pub password_stdin: bool,
    /// Send credentials only if the server's certificate has this SHA-256 thumbprint (hex, as the report shows it).
    #[arg(long, value_name = "SHA256")]
    pub trust_cert: Option<String>,
    /// Send credentials whatever the certificate (labs only: anyone in the middle gets them).
    #[arg(long, conflicts_with = "trust_cert")]
    pub insecure_trust_any_cert: bool,
    /// Try a restricted admin (credential-less) logon instead of sending the password.
    #[arg(long, requires = "user")]
    pub restricted_admin: bool,
}

#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Print one JSON document (docs/report-schema.md) instead of the human report.
    #[arg(long)]
    pub json: bool,
    /// One deadline for the whole run, in seconds. When it ends first, the layers not checked are
    /// reported as such (verdict incomplete, exit code 4), never as the server's fault.
    #[arg(long, default_value_t = 15.0, value_name = "SECONDS")]
    pub timeout: f64,
    /// A fixed pause between connection starts to one server, in milliseconds (default: none; the
    /// per-server limit of --max-parallel adapts instead).
    #[arg(long, default_value_t = 0, value_name = "MS")]
    pub pace_ms: u64,
    /// Connections in flight to one server at most; halved whenever the server refuses or resets one.
    #[arg(long, default_value_t = rdp_doctor::probe::limiter::DEFAULT_MAX_PARALLEL, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=64))]
    pub max_parallel: u32,
    /// Trace every exchange on stderr (summarised; never secrets).
    #[arg(short, long)]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// CODE [EXTENDED]: hex (0x904), decimal (2308), a symbolic name, or text pasted from the dialog.
    #[arg(required_unless_present = "list", num_args = 0..)]
    pub codes: Vec<String>,
    /// Print a JSON document (docs/explain-schema.md).
    #[arg(long)]
    pub json: bool,
    /// Print the tables (or one: disc-reason, errinfo, neg-failure, ...).
    #[arg(long, value_name = "TABLE", num_args = 0..=1)]
    pub list: Option<Option<String>>,
}

#[derive(Debug, Args)]
pub struct LabArgs {
    /// The scenario to run.
    #[arg(long, required_unless_present_any = ["list", "link"])]
    pub scenario: Option<String>,
    /// Address to listen on (default: 127.0.0.1 on a free port).
    #[arg(long, default_value = "127.0.0.1:0", value_name = "ADDR:PORT")]
    pub listen: String,
    /// List the scenarios, one line each.
    #[arg(long)]
    pub list: bool,
    /// Instead of a scenario: a slow, lossy link (a loopback proxy) in front of this server
    /// (ADDR:PORT on loopback), to try a diagnosis as over a VPN or WAN.
    #[arg(long, value_name = "UPSTREAM", conflicts_with_all = ["scenario", "list"])]
    pub link: Option<String>,
    /// The link's round-trip time, in milliseconds.
    #[arg(long, default_value_t = 50, value_name = "MS", requires = "link")]
    pub rtt_ms: u64,
    /// The link's loss: the probability (0..1) that a chunk waits one retransmission timeout.
    #[arg(long, default_value_t = 0.0, value_name = "P", requires = "link")]
    pub loss: f64,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Print the full report of this scenario instead of the table.
    pub scenario: Option<String>,
    /// Print JSON (with a scenario: its report; without: every report).
    #[arg(long)]
    pub json: bool,
    /// Deadline for each diagnosis, in seconds (the silent scenarios are judged by the lab's patience,
    /// two seconds per wait).
    #[arg(long, default_value_t = 10.0, value_name = "SECONDS")]
    pub timeout: f64,
}

#[derive(Debug, Args)]
pub struct ClientArgs {
    /// A server to judge this client against (its CredSSP version and TLS versions are measured).
    pub target: Option<String>,
    /// Read a recorded client (JSON, tests/fixtures/client/) instead of this machine; any platform.
    #[arg(long, value_name = "FILE")]
    pub fixture: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Hosts: host, host:port, [ipv6]:port, rdp://host[:port], or a CIDR range (10.0.0.0/24, [fd00::/120]:3390).
    pub targets: Vec<String>,
    /// Read targets from FILE, one per line (`#` comments); `-` reads stdin.
    #[arg(short = 'i', long = "input", value_name = "FILE")]
    pub inputs: Vec<String>,
    /// Ports for targets without one: 3389,3390 or 3389-3391.
    #[arg(long, value_name = "PORTS")]
    pub ports: Option<String>,
    /// One connection per host (TCP, the Windows client's X.224 request, the TLS handshake).
    #[arg(long)]
    pub quick: bool,
    /// JSON Lines on stdout: one `diagnose --json` report per host, plus `source`.
    #[arg(long)]
    pub json: bool,
    /// Also write one CSV row per host to FILE.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<String>,
    /// Compare with an earlier `scan --json` output: new and resolved findings, verdict changes.
    #[arg(long, value_name = "PREVIOUS.jsonl")]
    pub diff: Option<String>,
    /// Hosts in flight at once (default 512 with --quick, 256 otherwise; capped by the open files limit).
    #[arg(long, value_name = "N")]
    pub concurrency: Option<usize>,
    /// New hosts started per second, at most (for fragile networks).
    #[arg(long, value_name = "PER_SECOND")]
    pub rate: Option<f64>,
    /// Deadline for each host, in seconds (default 5 with --quick, 15 otherwise).
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,
    /// A fixed pause between connection starts to one server, in milliseconds (the full diagnosis;
    /// default: none, each server's connection limit adapts as in `diagnose`).
    #[arg(long, default_value_t = 0, value_name = "MS")]
    pub pace_ms: u64,
    /// Report a certificate that expires within this many days (cert-expiring-soon).
    #[arg(long, value_name = "DAYS", default_value_t = rdp_doctor::diagnose::DEFAULT_CERT_WARN_DAYS)]
    pub cert_warn_days: u32,
    #[command(flatten)]
    pub auth: AuthArgs,
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// host, host:port, [ipv6]:port or rdp://host[:port].
    pub target: String,
    /// Seconds from one probe's start to the next.
    #[arg(long, default_value_t = 1.0, value_name = "SECONDS")]
    pub interval: f64,
    /// Stop after N probes (default: until Ctrl-C).
    #[arg(long, value_name = "N")]
    pub count: Option<u32>,
    /// One JSON line per probe, then a line with `summary`.
    #[arg(long)]
    pub json: bool,
    /// The full diagnosis each time instead of the light probe (one connection).
    #[arg(long)]
    pub full: bool,
    /// Deadline of each probe, in seconds.
    #[arg(long, default_value_t = 5.0, value_name = "SECONDS")]
    pub timeout: f64,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (loopback by default).
    #[arg(long, default_value = rdp_doctor::serve::DEFAULT_LISTEN, value_name = "ADDR:PORT")]
    pub listen: String,
    /// YAML modules (docs/metrics.md); `quick` and `full` are built in.
    #[arg(long, value_name = "FILE")]
    pub config: Option<String>,
}

#[derive(Debug, Args)]
pub struct EvidenceArgs {
    /// .evtx files (wevtutil epl), .reg files (reg export), folders of them, or an MSRD-Collect output folder.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<std::path::PathBuf>,
    /// Print one JSON document (docs/report-schema.md) instead of the human report.
    #[arg(long)]
    pub json: bool,
    /// Only events at or after this time: 2024-05-01, 2024-05-01T10:00:00Z, or 7d / 12h / 30m ago.
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Only events at or before this time (same forms as --since).
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    /// Print the events in time order, grouped into connection attempts with their outcome and cause.
    #[arg(long)]
    pub timeline: bool,
}
