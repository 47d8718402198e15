//! The filemapping benchmark: our library, through its Rust and its C API, side by side with
//! the raw-syscall floor, the `shared_memory` crate and `memmap2` over a `/dev/shm` file, every
//! case in one run with the implementations interleaved.
//!
//! - [`cases`], [`budget`], [`workloads`], [`ops`]: what each case measures and with which
//!   implementations, how long it runs, how it is set up and timed (its operations written
//!   once, over [`peers::shm::Shm`]).
//! - [`peers`]: the implementations.
//! - [`runner`]: `Instant` around batches, round-robin over the implementations.
//! - [`race`], [`holders`], [`workers`]: `race_create`'s racing processes and the processes
//!   that hold `scale_open`'s names (this binary, started again, with the [`args`] it is given).
//! - [`huge`]: the `huge=always` tmpfs of `first_touch_huge_tmpfs`, in a private mount
//!   namespace.
//! - [`options`], [`cli`]: what a run is asked to do, and the command line that says it.
//! - [`stats`], [`report`]: median, p99, ratios to the floor.
//! - [`output`], [`plot`]: the table, the JSON, the SVG chart.
//! - [`workspace`]: every name lives under one prefix and is removed by a guard.
//! - [`sync`]: the synchronization cases (events, mutexes, `fmap send`/`recv` latency), each
//!   against the raw futex floor.
//! - [`wine`]: `--wine`, the C API against the same Win32 calls under Wine and a raw-syscall
//!   floor, each a C program built by the run.
//!
//! It measures the Linux emulation, so it is empty on other systems.
//!
//! # Layers
//!
//! Each module imports only modules of its own layer or of lower ones, and the imports make no
//! cycle (the test module in layers.rs reads the sources and checks both, and that every module
//! is listed here):
//!
//! 1. Plain types, and pure functions of them: `error`, `options`, `args`, `peers::id`, `stats`,
//!    `wine::protocol`; and `layers`, the test, which imports nothing.
//! 2. The work: `workspace`, `workers`, `runner`, `huge`, `peers::shm`, `sync`, the
//!    implementations (`peers::ffi`, `peers::floor`, `peers::memmap`, `peers::ours`,
//!    `peers::shmem`), `peers` (which picks one), `ops`, `holders`, `race`, `cases`, `budget`,
//!    `workloads`, `report`, `output`, `plot`, `wine::cases`, `wine::toolchain`,
//!    `wine::worker`, `wine::report`.
//! 3. The runs: `crate` (its [`run`]) and `wine` (its [`wine::run`]).
//! 4. The command line: `cli`; above it only the binary (main.rs).

#![cfg(target_os = "linux")]

pub mod args;
pub mod budget;
pub mod cases;
pub mod cli;
pub mod error;
pub mod holders;
pub mod huge;
#[cfg(test)]
mod layers;
pub mod ops;
pub mod options;
pub mod output;
pub mod peers;
pub mod plot;
pub mod race;
pub mod report;
pub mod runner;
pub mod stats;
pub mod sync;
pub mod wine;
pub mod workers;
pub mod workloads;
pub mod workspace;

use budget::Budget;
use cases::Case;
use error::Result;
use options::Options;
use report::Report;
use std::path::PathBuf;
use workloads::{run_group, Ctx};
use workspace::Workspace;

/// Runs the cases `options` select; `exe` is this binary (started again for `race_create`).
/// Everything the run creates is removed before it returns, whatever happens.
///
/// # Errors
///
/// If the private namespace cannot be set up. Failures of a case or an implementation become
/// rows of the report instead.
pub fn run(options: &Options, exe: PathBuf) -> Result<Report> {
    let budget = Budget::for_mode(options.mode);
    let workspace = Workspace::create()?;
    let ctx = Ctx::new(budget, &workspace, exe);
    let groups: Vec<Vec<Case>> = ctx
        .budget
        .groups()
        .into_iter()
        .filter(|group| selected(group, &options.only))
        .collect();
    let mut rows = Vec::new();
    for (i, group) in groups.iter().enumerate() {
        let names: Vec<String> = group.iter().map(|c| c.name()).collect();
        eprintln!("[{}/{}] {}", i + 1, groups.len(), names.join(", "));
        rows.extend(run_group(group, &ctx));
    }
    rows.extend(sync::run(
        options.mode,
        &options.only,
        ctx.workspace.root(),
        &ctx.exe,
    ));
    report::fill_ratios(&mut rows);
    Ok(Report {
        mode: options.mode,
        machine: report::machine(),
        rows,
    })
}

fn selected(group: &[Case], only: &[String]) -> bool {
    only.is_empty()
        || group.iter().any(|case| {
            only.iter()
                .any(|prefix| case.name().starts_with(prefix.as_str()))
        })
}
