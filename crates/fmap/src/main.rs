//! `fmap`: see, create, inspect and talk through named file mappings from a shell.
//!
//! This file only parses, runs, and maps errors to exit codes (see `cli::EXIT_CODES`).

#![forbid(unsafe_code)]

mod cli;
mod commands;
mod failure;
mod output;
mod shown;
mod slot;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("fmap: {failure}");
            ExitCode::from(failure.exit_code())
        }
    }
}
