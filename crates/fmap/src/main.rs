//! `fmap`: see, create, inspect and talk through named file mappings from a shell.
//!
//! This file only parses, runs, and maps errors to exit codes (see `cli::EXIT_CODES`).

#![forbid(unsafe_code)]

mod cli;
mod commands;
mod dump;
mod failure;
mod out;
mod output;
mod shown;
mod signals;
mod slot;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let json = cli.json;
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            if failure.is_quiet() {
            } else if json {
                out::errln!("{}", failure.json());
            } else {
                out::errln!("fmap: {failure}");
            }
            ExitCode::from(failure.exit_code())
        }
    }
}
