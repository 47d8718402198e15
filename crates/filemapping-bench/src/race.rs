//! `race_create`: N processes create-or-open (and close) one name at once. Each process is this
//! binary, started again with the hidden argument [`WORKER`] (see [`crate::workers`]); they all
//! start on one signal and run for the same time, and the case reports the system-wide time
//! per operation (the inverse of the total throughput).
//!
//! The protocol on each worker's stdin and stdout: the worker prints `ready`, waits for a line
//! (`go`), runs, and prints `<operations> <nanoseconds>`, or `error <why>` if an operation
//! failed.

use crate::args::{WorkerArgs, WORKER};
use crate::error::{BenchError, Result};
use crate::ops::create_or_open_close;
use crate::peers::id::PeerId;
use crate::peers::shm::Shm;
use crate::peers::{with_peer, PeerFn};
use crate::workers::{ready_then_wait_for, Worker, Workers};
use crate::workspace::Name;
use std::ffi::OsString;
use std::path::Path;
use std::time::{Duration, Instant};

/// Races `procs` workers of `args` and returns nanoseconds per operation, system-wide.
///
/// # Errors
///
/// If a worker cannot start, fails, or says something unexpected.
pub fn run(exe: &Path, args: &WorkerArgs, procs: usize) -> Result<f64> {
    let mut workers = Workers::default();
    for _ in 0..procs {
        let mut argv = vec![OsString::from(WORKER)];
        argv.extend(args.to_args());
        workers.0.push(Worker::spawn(exe, argv, &args.root)?);
    }
    for worker in &mut workers.0 {
        worker.expect("ready")?;
    }
    for worker in &mut workers.0 {
        worker.say("go")?;
    }
    let mut per_second = 0.0;
    for worker in &mut workers.0 {
        per_second += throughput(worker)?;
    }
    workers.wait()?;
    if per_second <= 0.0 {
        return Err(BenchError::new("the workers did nothing"));
    }
    Ok(1e9 / per_second)
}

/// Operations per second, from a worker's report.
fn throughput(worker: &mut Worker) -> Result<f64> {
    let line = worker.line()?;
    let bad = || BenchError::new(format!("a worker reported {line:?}"));
    let (ops, ns) = line.split_once(' ').ok_or_else(bad)?;
    let ops: f64 = ops.parse().map_err(|_| bad())?;
    let ns: f64 = ns.parse().map_err(|_| bad())?;
    Ok(if ns > 0.0 { ops * 1e9 / ns } else { 0.0 })
}

/// The worker's side: report ready, wait for the signal, race, report.
///
/// # Errors
///
/// If the parent goes away or an operation fails.
pub fn work(args: &WorkerArgs) -> Result<()> {
    if !ready_then_wait_for("go")? {
        return Ok(());
    }
    let race = Race {
        name: Name::new(args.name.clone()),
        time: Duration::from_millis(args.millis),
    };
    match with_peer(args.peer, &args.root, race) {
        Ok((ops, elapsed)) => println!("{ops} {}", elapsed.as_nanos()),
        Err(e) => println!("error {e}"),
    }
    Ok(())
}

/// Create-or-open and close, over and over, for `time`.
struct Race {
    name: Name,
    time: Duration,
}

impl PeerFn for Race {
    type Out = Result<(u64, Duration)>;

    fn call<S: Shm>(self, _id: PeerId, shm: S) -> Self::Out {
        let start = Instant::now();
        let mut ops = 0;
        loop {
            create_or_open_close(&shm, &self.name)?;
            ops += 1;
            let elapsed = start.elapsed();
            if elapsed >= self.time {
                return Ok((ops, elapsed));
            }
        }
    }
}
