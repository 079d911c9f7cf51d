//! The `scan` command end to end, for the binary: read the target lists, run the scan with a progress
//! bar on a terminal, stream JSON Lines or CSV, print the summary and the diff, and give the exit status.

use super::diff::{self, Previous};
use super::targets::TargetList;
use super::{Depth, ScanOptions, StopSignal, output};
use crate::diagnose::Verdict;
use std::io::{IsTerminal, Read, Write};

pub const EXIT_USAGE: u8 = 2;

pub struct ScanCommand {
    pub targets: Vec<String>,
    /// `-i FILE` (or `-` for stdin), in order.
    pub inputs: Vec<String>,
    pub ports: Vec<u16>,
    pub json: bool,
    pub csv: Option<String>,
    pub diff: Option<String>,
    pub scan: ScanOptions,
}

/// Run the command; returns the exit status. Ctrl-C stops new hosts and prints the partial summary.
pub async fn run(mut cmd: ScanCommand) -> u8 {
    // Keep the hosts in flight within the open-files limit: about 16 sockets per full diagnosis.
    let files = super::raise_open_files_limit();
    let per_host = if cmd.scan.depth == Depth::Quick { 1 } else { 16 };
    let fit = (files.saturating_sub(64) / per_host).max(1) as usize;
    if cmd.scan.concurrency > fit {
        eprintln!("rdp-doctor: {fit} hosts at once at most (open files limit {files})");
        cmd.scan.concurrency = fit;
    }
    let mut list = TargetList::new(&cmd.ports);
    for (i, t) in cmd.targets.iter().enumerate() {
        list.add_arg(i + 1, t);
    }
    for input in &cmd.inputs {
        let text = if input == "-" {
            let mut s = String::new();
            std::io::stdin().read_to_string(&mut s).map(|_| s)
        } else {
            std::fs::read_to_string(input)
        };
        match text {
            Ok(text) => list.add_text(if input == "-" { "stdin" } else { input }, &text),
            Err(e) => {
                eprintln!("rdp-doctor: cannot read {input}: {e}");
                return EXIT_USAGE;
            }
        }
    }
    for e in &list.errors {
        eprintln!("rdp-doctor: skipped {e}");
    }
    if list.targets.is_empty() {
        eprintln!("rdp-doctor: no target to scan");
        return EXIT_USAGE;
    }
    let mut previous = match &cmd.diff {
        Some(path) => {
            match std::fs::read_to_string(path).map_err(|e| e.to_string()).and_then(|t| Previous::parse(&t)) {
                Ok(p) => Some(p),
                Err(e) => {
                    eprintln!("rdp-doctor: --diff {path}: {e}");
                    return EXIT_USAGE;
                }
            }
        }
        None => None,
    };
    let mut csv = match &cmd.csv {
        Some(path) => match std::fs::File::create(path) {
            Ok(f) => {
                let mut w = std::io::BufWriter::new(f);
                let _ = writeln!(w, "{}", output::CSV_HEADER);
                Some(w)
            }
            Err(e) => {
                eprintln!("rdp-doctor: cannot write {path}: {e}");
                return EXIT_USAGE;
            }
        },
        None => None,
    };

    let stop = StopSignal::default();
    let on_ctrl_c = stop.clone();
    let ctrl_c = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_ctrl_c.stop();
        }
    });
    let total = list.targets.len() as u64;
    let bar = (!cmd.json && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::with_draw_target(Some(total), indicatif::ProgressDrawTarget::stderr());
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} hosts  {per_sec}  eta {eta}  {msg}")
        {
            bar.set_style(style);
        }
        bar
    });
    let mut failing = 0usize;
    let mut changes: Vec<String> = Vec::new();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let summary = super::run(list.targets, &cmd.scan, &stop, |t, report| {
        let d = previous.as_mut().map(|p| p.compare(report));
        if let Some(d) = &d
            && d.changed()
        {
            changes.push(diff::describe(&report.target.input, d));
        }
        if cmd.json {
            let _ = writeln!(out, "{}", output::json_line(t, report, d));
            let _ = out.flush();
        }
        if let Some(w) = csv.as_mut() {
            let _ = writeln!(w, "{}", output::csv_row(report));
        }
        if matches!(report.verdict, Verdict::Failing | Verdict::Unreachable) {
            failing += 1;
        }
        if let Some(bar) = &bar {
            bar.inc(1);
            bar.set_message(format!("{failing} failing or unreachable"));
        }
    })
    .await;
    ctrl_c.abort();
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    if let Some(mut w) = csv {
        let _ = w.flush();
    }
    if cmd.json {
        eprintln!("{}", output::totals_line(&summary));
    } else {
        let _ = write!(out, "{}", output::human(&summary));
        if let Some(p) = &previous {
            let missing = p.missing();
            let _ = writeln!(
                out,
                "\nChanges since {} ({} host(s) changed, {} not scanned again)",
                cmd.diff.as_deref().unwrap_or(""),
                changes.len(),
                missing.len()
            );
            for c in &changes {
                let _ = writeln!(out, "{c}");
            }
            for m in missing {
                let _ = writeln!(out, "  {m:<28} not scanned this time");
            }
        }
    }
    let _ = out.flush();
    if summary.interrupted {
        eprintln!("rdp-doctor: interrupted: {} host(s) not scanned", summary.not_started);
    }
    summary.exit_code()
}

impl ScanCommand {
    /// The default per-host concurrency for `depth`.
    pub fn default_concurrency(depth: Depth) -> usize {
        match depth {
            Depth::Quick => super::DEFAULT_CONCURRENCY_QUICK,
            Depth::Full => super::DEFAULT_CONCURRENCY_FULL,
        }
    }
}
