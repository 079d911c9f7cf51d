//! Packaging output generated from the clap definitions: shell completions and the man pages.

use crate::cli::Cli;
use clap::CommandFactory;
use std::process::ExitCode;

/// `rdp-doctor completions SHELL`: the completion script on stdout.
pub fn completions(shell: clap_complete::Shell) -> ExitCode {
    clap_complete::generate(shell, &mut Cli::command(), "rdp-doctor", &mut std::io::stdout());
    ExitCode::SUCCESS
}

/// `rdp-doctor manpage [DIR]`: rdp-doctor(1) on stdout, or every page (rdp-doctor.1,
/// rdp-doctor-diagnose.1, ...) written into DIR.
pub fn manpage(dir: Option<&std::path::Path>) -> ExitCode {
    let result = match dir {
        Some(dir) => clap_mangen::generate_to(Cli::command(), dir),
        None => clap_mangen::Man::new(Cli::command()).render(&mut std::io::stdout()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rdp-doctor: cannot write the man page: {e}");
            ExitCode::from(3)
        }
    }
}
