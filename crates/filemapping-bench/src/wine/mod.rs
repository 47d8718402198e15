//! `--wine`: our C API against the same Win32 calls under Wine, with a raw-syscall floor.
//!
//! One C program, `c/win32_worker.c`, is built four ways ([`toolchain`]): against our
//! `filemapping.h` and `libfilemapping_ffi.so`, with mingw against the real `<windows.h>` (run
//! under Wine), and twice with raw POSIX syscalls (the floor, sized with `ftruncate` or with
//! `fallocate`). Each build runs as one long-lived worker process ([`worker`]) that times whole
//! batches of operations with its own clock and answers over a line protocol ([`protocol`]).
//! The implementations take turns batch by batch, as in the main run
//! ([`crate::runner::interleave`]); the report ([`report`]) gives the median and p99 of the time
//! per operation and how many times faster than Wine each one is.
//!
//! Everything the run creates is removed when it ends, on error too: the builds' temporary
//! directory ([`toolchain::BuildDir`]), our library's names under the private namespace root
//! and the floor's `fmbench-<pid>-floor-…` names ([`crate::workspace::Workspace`]); the
//! workers remove their own names and Wine's live only as long as the Wine process.

pub mod cases;
pub mod protocol;
pub mod report;
pub mod toolchain;
pub mod worker;

use crate::error::Result;
use crate::options::Options;
use crate::report::{row, Row};
use crate::runner::{interleave, Contender, Entry, Plan};
use crate::workspace::Workspace;
use cases::{Impl, WineCase};
use report::WineReport;
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::rc::Rc;
use std::time::Instant;
use toolchain::{BuildDir, Toolchain};
use worker::Worker;

/// A started worker, shared by the cases; or why it did not start.
type Slot = std::result::Result<Rc<RefCell<Worker>>, String>;

/// Runs the `--wine` cases that `options` select; `exe` is this binary (the library is looked
/// for beside it).
///
/// # Errors
///
/// If a program or the library is missing, a build fails, or the private namespace cannot be
/// set up. A worker that fails to start or fails a call becomes an `error` row instead.
pub fn run(options: &Options, exe: &Path) -> Result<WineReport> {
    let tools = Toolchain::find(exe)?;
    let build = BuildDir::create()?;
    let workspace = Workspace::create()?;
    eprintln!("[wine] building the workers in {}", build.path().display());
    let binaries = tools.compile_all(&build)?;
    eprintln!("[wine] starting the workers (Wine's first start in a new prefix takes 10-30 s)");
    let workers = start_all(&tools, &binaries, &workspace);
    let selected: Vec<WineCase> = WineCase::ALL
        .into_iter()
        .filter(|case| {
            let name = case.name();
            options.only.is_empty() || options.only.iter().any(|p| name.starts_with(p.as_str()))
        })
        .collect();
    let mut rows = Vec::new();
    for (i, case) in selected.iter().enumerate() {
        eprintln!("[{}/{}] {}", i + 1, selected.len(), case.name());
        rows.extend(run_case(*case, case.plan(options.mode), &workers));
    }
    Ok(WineReport {
        mode: options.mode,
        machine: crate::report::machine(),
        wine: tools.wine_version(),
        prefix: wine_prefix(),
        library: tools.library.clone(),
        plans: selected
            .iter()
            .map(|case| (case.name(), case.plan(options.mode)))
            .collect(),
        rows,
    })
}

/// Starts every worker at once, then waits for each to be ready.
fn start_all(tools: &Toolchain, binaries: &[(Impl, PathBuf)], ws: &Workspace) -> Vec<(Impl, Slot)> {
    let started = Instant::now();
    let spawned: Vec<(Impl, Result<Worker>)> = binaries
        .iter()
        .map(|(imp, binary)| (*imp, Worker::spawn(*imp, command(*imp, binary, tools, ws))))
        .collect();
    spawned
        .into_iter()
        .map(|(imp, spawned)| {
            let ready = spawned.and_then(|mut worker| {
                let took = worker.ready(started)?;
                eprintln!(
                    "[wine] {} ready after {:.1} s",
                    imp.label(),
                    took.as_secs_f64()
                );
                Ok(Rc::new(RefCell::new(worker)))
            });
            (imp, ready.map_err(|e| e.0))
        })
        .collect()
}

/// How `imp`'s worker is started: Wine quiet and in the user's prefix; ours in the private
/// namespace root; the floors' names under the run's prefix, so that the workspace's sweep
/// covers them.
fn command(imp: Impl, binary: &Path, tools: &Toolchain, workspace: &Workspace) -> Command {
    match imp {
        Impl::Wine => {
            let mut command = Command::new(&tools.wine);
            command.arg(binary).env("WINEDEBUG", "-all");
            command
        }
        Impl::Ffi => {
            let mut command = Command::new(binary);
            // cargo's LD_LIBRARY_PATH may name a stale copy of the library ahead of the rpath.
            command
                .env(filemapping::FILEMAPPING_DIR, workspace.root())
                .env_remove("LD_LIBRARY_PATH");
            command
        }
        Impl::Floor | Impl::FloorFallocate => {
            let mut command = Command::new(binary);
            command.arg(format!("/{}", workspace.name("floor").text()));
            command
        }
    }
}

/// One case: every started worker's batches, interleaved.
fn run_case(case: WineCase, plan: Plan, workers: &[(Impl, Slot)]) -> Vec<Row<Impl>> {
    let name = case.name();
    let mut contenders: Vec<Contender<Impl>> = workers
        .iter()
        .map(|(imp, slot)| {
            let entry = match slot {
                Ok(worker) => {
                    let worker = Rc::clone(worker);
                    Entry::Ready(Box::new(move |ops: usize| {
                        worker.borrow_mut().batch(name, ops)
                    }))
                }
                Err(why) => Entry::Failed(why.clone()),
            };
            Contender::new(name.to_owned(), *imp, entry)
        })
        .collect();
    interleave(&mut contenders, &plan);
    contenders.into_iter().map(|c| row(c, None)).collect()
}

/// `WINEPREFIX`, or where Wine's default prefix is.
fn wine_prefix() -> String {
    match std::env::var_os("WINEPREFIX") {
        Some(prefix) if !prefix.is_empty() => prefix.to_string_lossy().into_owned(),
        _ => {
            let home = std::env::var_os("HOME").unwrap_or_default();
            format!("{}/.wine (the default)", home.to_string_lossy())
        }
    }
}
