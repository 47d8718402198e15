//! `fmap completions SHELL` and `fmap man`: generated from the clap definition, so they never
//! disagree with `fmap --help`.

use crate::cli::Cli;
use crate::failure::Failure;
use clap::CommandFactory;
use std::io::Write;

pub(crate) fn completions(shell: clap_complete::Shell) -> Result<(), Failure> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "fmap", &mut out);
    write_all(&out)
}

pub(crate) fn man() -> Result<(), Failure> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut out)
        .map_err(|e| Failure::new(format!("cannot render the manual page: {e}")))?;
    write_all(&out)
}

fn write_all(bytes: &[u8]) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(bytes)
        .and_then(|()| stdout.flush())
        .map_err(crate::out::failure)
}
