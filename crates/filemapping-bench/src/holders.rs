//! The live names of `scale_open` for our library. A name of ours lives only while a handle to
//! it is open, and a handle costs up to two descriptors; one process cannot hold 100,000 of them when
//! its hard limit is lower (20,000 here, and no `CAP_SYS_RESOURCE` to raise it). So helper
//! processes (this binary with [`HOLDER`](crate::args::HOLDER)) create the names and hold them, each as many as its
//! limit allows, until told to finish: the names are "held elsewhere", as in real use.

use crate::args::HoldArgs;
use crate::error::{BenchError, Result};
use crate::peers::ours::Ours;
use crate::peers::shm::Shm;
use crate::workers::{ready_then_wait_for, Worker, Workers};
use crate::workspace::{raise_nofile, Name};
use std::path::Path;

/// Descriptors a holder keeps free besides two per handle.
const SPARE_FDS: u64 = 256;

/// The `i`th name of a set.
pub fn name(prefix: &str, i: usize) -> Name {
    Name::new(format!("{prefix}{i}"))
}

/// How many of `count` handles one process may hold: up to two descriptors each, within its
/// open-file limit, raised as far as it goes (helpers inherit the raised limit).
pub fn per_process(count: usize) -> usize {
    let limit = raise_nofile(fds_for(count));
    (limit.saturating_sub(SPARE_FDS) / 2).max(1) as usize
}

fn fds_for(handles: usize) -> u64 {
    handles as u64 * 2 + SPARE_FDS
}

/// Starts holders for `count` names of `size` bytes named `<prefix><i>` under `root`, and
/// returns once every name is live. They are released when the returned value drops.
///
/// # Errors
///
/// If a holder cannot start or fails to create its names.
pub fn spawn(exe: &Path, root: &Path, prefix: &str, count: usize, size: usize) -> Result<Workers> {
    let share = per_process(count);
    let mut holders = Workers::default();
    for start in (0..count).step_by(share) {
        let args = HoldArgs {
            root: root.to_owned(),
            prefix: prefix.to_owned(),
            start,
            end: (start + share).min(count),
            size,
        };
        holders.0.push(Worker::spawn(exe, args.to_args(), root)?);
    }
    for holder in &mut holders.0 {
        holder.expect("ready")?;
    }
    Ok(holders)
}

/// The holder's side: create the names, say `ready`, hold them until stdin closes.
///
/// # Errors
///
/// If stdin cannot be read; a failure to create is reported to the parent as `error <why>`.
pub fn hold(args: &HoldArgs) -> Result<()> {
    raise_nofile(fds_for(args.end.saturating_sub(args.start)));
    let ours = Ours::new(&args.root);
    let mut held = Vec::with_capacity(args.end.saturating_sub(args.start));
    for i in args.start..args.end {
        match ours.create(&name(&args.prefix, i), args.size) {
            Ok(map) => held.push(map),
            Err(BenchError(why)) => {
                println!("error creating name {i}: {why}");
                return Ok(());
            }
        }
    }
    ready_then_wait_for("exit")?;
    Ok(())
}
