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
    /// Name the cause from the server's own records: exported event logs (.evtx) and registry exports (.reg).
    Evidence(EvidenceArgs),
}

#[derive(Debug, Args)]
pub struct DiagnoseArgs {
    /// host, host:port, [ipv6]:port or rdp://host[:port] (port 3389 by default).
    pub target: String,
    #[command(flatten)]
    pub common: CommonArgs,
    /// Stop after the negotiation layer (no TLS handshake, certificate or scan).
    #[arg(long)]
    pub quick: bool,
    /// Skip the session layer (the RDP connection sequence after negotiation).
    #[arg(long)]
    pub no_session: bool,
    /// The client the TLS verdict is judged for; the report lists every profile.
    #[arg(long = "client", value_name = "PROFILE", default_value = rdp_doctor::probe::DEFAULT_CLIENT_PROFILE,
          value_parser = clap::builder::PossibleValuesParser::new(
              rdp_doctor::knowledge::client_profiles::PROFILES.iter().map(|p| p.name)))]
    pub client: String,
    /// Report a certificate that expires within this many days (cert-expiring-soon).
    #[arg(long, value_name = "DAYS", default_value_t = rdp_doctor::probe::DEFAULT_CERT_WARN_DAYS)]
    pub cert_warn_days: u32,
    #[command(flatten)]
    pub auth: AuthArgs,
    /// Cross-check with the server's records: .evtx/.reg files or folders (see `rdp-doctor evidence`).
    #[arg(long, value_name = "PATH", num_args = 1..)]
    pub evidence: Vec<std::path::PathBuf>,
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
