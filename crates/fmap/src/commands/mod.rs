//! One file per subcommand; this one dispatches and holds what they share.

mod create;
mod demo;
mod gc;
mod info;
mod ls;
mod read;
mod recv;
mod send;
mod write;

use crate::cli::{Cli, Command};
use crate::failure::{Context, Failure};
use filemapping::{FileMapAccess, FileMapping, Namespace, OpenOptions};

/// Runs the parsed command line.
pub(crate) fn run(cli: Cli) -> Result<(), Failure> {
    let ns = match &cli.dir {
        Some(dir) => Namespace::at(dir),
        None => Namespace::from_env(),
    };
    match cli.command {
        Command::Send(args) => send::run(&ns, &args),
        Command::Recv(args) => recv::run(&ns, &args),
        Command::Demo => demo::run(cli.dir.as_deref()),
        Command::Create(args) => create::run(&ns, &args),
        Command::Ls(args) => ls::run(&ns, &args),
        Command::Info(args) => info::run(&ns, &args),
        Command::Read(args) => read::run(&ns, &args),
        Command::Write(args) => write::run(&ns, &args),
        Command::Gc(args) => gc::run(&ns, &args),
    }
}

/// Opens `name` with `access` plus the right to query it.
fn open(ns: &Namespace, name: &str, access: FileMapAccess) -> Result<FileMapping, Failure> {
    OpenOptions::new(access | FileMapAccess::QUERY)
        .namespace(ns)
        .open(name)
        .doing(&format!("cannot open {}", crate::shown::cut(name)))
}

/// Says on stderr which entries of a namespace are not mappings (and were skipped).
fn report_skipped(entries: &[filemapping::Entry]) {
    for entry in entries {
        if let Some(what) = entry.foreign() {
            eprintln!("skipped {}: {what}", crate::shown::shown(entry.name()));
        }
    }
}

/// A progress bar on stderr for long copies, shown only when stderr is a terminal.
fn progress(len: u64) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if len < (16 << 20) || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec}")
    {
        bar.set_style(style);
    }
    bar
}
