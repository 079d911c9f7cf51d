//! Command-line flags (clap derive). Exit codes: 0 healthy or degraded, 1 failing or unreachable,
//! 2 usage error, 3 internal error.

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "rdp-doctor",
    version,
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
}

#[derive(Debug, Args)]
pub struct DiagnoseArgs {
    /// host, host:port, [ipv6]:port or rdp://host[:port] (port 3389 by default).
    pub target: String,
    #[command(flatten)]
    pub common: CommonArgs,
    /// Stop after the negotiation layer.
    #[arg(long)]
    pub quick: bool,
    /// Skip the session layer (the RDP connection sequence after negotiation).
    #[arg(long)]
    pub no_session: bool,
}

#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Print one JSON document (docs/report-schema.md) instead of the human report.
    #[arg(long)]
    pub json: bool,
    /// One deadline for the whole run, in seconds.
    #[arg(long, default_value_t = 15.0, value_name = "SECONDS")]
    pub timeout: f64,
    /// Pause between connection starts to one server, in milliseconds.
    #[arg(long, default_value_t = 100, value_name = "MS")]
    pub pace_ms: u64,
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
    #[arg(long, required_unless_present = "list")]
    pub scenario: Option<String>,
    /// Address to listen on (default: 127.0.0.1 on a free port).
    #[arg(long, default_value = "127.0.0.1:0", value_name = "ADDR:PORT")]
    pub listen: String,
    /// List the scenarios, one line each.
    #[arg(long)]
    pub list: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Print the full report of this scenario instead of the table.
    pub scenario: Option<String>,
    /// Print JSON (with a scenario: its report; without: every report).
    #[arg(long)]
    pub json: bool,
    /// Deadline for each diagnosis, in seconds (the silent scenario waits for it).
    #[arg(long, default_value_t = 3.0, value_name = "SECONDS")]
    pub timeout: f64,
}
