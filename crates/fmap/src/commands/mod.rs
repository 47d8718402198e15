//! One file per subcommand; this one dispatches and holds what they share.

mod completions;
mod create;
mod demo;
mod gc;
mod info;
mod ls;
mod read;
mod recv;
mod send;
mod watch;
mod write;

use crate::cli::{Cli, Command};
use crate::failure::{Context, Failure};
use crate::shown::shown;
use filemapping::{FileMapAccess, FileMapping, Namespace, OpenOptions};
use std::path::Path;

/// What every command gets: the namespace and whether to print JSON.
pub(crate) struct Ctx {
    pub(crate) ns: Namespace,
    pub(crate) json: bool,
}

/// Runs the parsed command line.
pub(crate) fn run(cli: Cli) -> Result<(), Failure> {
    let ns = match &cli.dir {
        Some(dir) => {
            check_dir(dir)?;
            Namespace::at(dir)
        }
        None => Namespace::from_env(),
    };
    let ctx = Ctx { ns, json: cli.json };
    match cli.command {
        Command::Send(args) => send::run(&ctx, &args),
        Command::Recv(args) => recv::run(&ctx, &args),
        Command::Demo => demo::run(cli.dir.as_deref()),
        Command::Create(args) => create::run(&ctx, &args),
        Command::Ls(args) => ls::run(&ctx, &args),
        Command::Info(args) => info::run(&ctx, &args),
        Command::Read(args) => read::run(&ctx, &args),
        Command::Write(args) => write::run(&ctx, &args),
        Command::Watch(args) => watch::run(&ctx, &args),
        Command::Gc(args) => gc::run(&ctx, &args),
        Command::Completions(args) => completions::completions(args.shell),
        Command::Man => completions::man(),
    }
}

/// A `--dir` must be an existing directory: a typo must not create a whole tree, and a file
/// must not be blamed on the name's prefix.
fn check_dir(dir: &Path) -> Result<(), Failure> {
    let shown_dir = shown(&dir.display().to_string());
    match std::fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => Ok(()),
        Ok(_) => Err(Failure::new(format!(
            "--dir {shown_dir} is not a directory (ERROR_DIRECTORY, 267)"
        ))
        .with_win32("ERROR_DIRECTORY", 267)
        .with_hint("--dir names the namespace root, a directory such as /dev/shm")),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Failure::new(format!(
            "--dir {shown_dir} does not exist (ERROR_PATH_NOT_FOUND, 3)"
        ))
        .with_win32("ERROR_PATH_NOT_FOUND", 3)
        .with_hint("create the directory first; fmap never creates a namespace root it is given")),
        Err(e) => Err(Failure::new(format!("cannot use --dir {shown_dir}: {e}"))),
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
            crate::out::errln!("skipped {}: {what}", crate::shown::shown(entry.name()));
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
