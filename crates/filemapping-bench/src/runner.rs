//! Timing and interleaving. `Instant` goes around whole batches, never around assertions; the
//! implementations of a case take turns batch by batch (round-robin, with the starting one
//! rotating each round), so that noise from the machine hits all of them alike.

use crate::error::{BenchError, Result};
use crate::peers::id::PeerId;
use std::time::{Duration, Instant};

/// Something to measure: one implementation doing one case.
pub trait Workload {
    /// Runs `ops` operations and returns the mean nanoseconds per operation. Setup and teardown
    /// are not timed.
    ///
    /// # Errors
    ///
    /// The first failure of an operation.
    fn run(&mut self, ops: usize) -> Result<f64>;
}

impl<F: FnMut(usize) -> Result<f64>> Workload for F {
    fn run(&mut self, ops: usize) -> Result<f64> {
        self(ops)
    }
}

/// Times `ops` calls of `op` as one batch: one clock read before, one after.
///
/// # Errors
///
/// The first error of `op`.
pub fn time_batch(ops: usize, mut op: impl FnMut() -> Result<()>) -> Result<f64> {
    let start = Instant::now();
    for _ in 0..ops {
        op()?;
    }
    Ok(per_op(start.elapsed(), ops))
}

/// Times `ops` calls of `op`, each dropping what `op` returns only after the clock has stopped,
/// so that tearing down (unmapping 256 MiB, say) is not counted.
///
/// # Errors
///
/// The first error of `op`.
pub fn time_before_drop<T>(ops: usize, mut op: impl FnMut() -> Result<T>) -> Result<f64> {
    let mut total = Duration::ZERO;
    for _ in 0..ops {
        let start = Instant::now();
        let leftover = op()?;
        total += start.elapsed();
        drop(leftover);
    }
    Ok(per_op(total, ops))
}

/// Times only the dropping: `ops` times, `make` makes something with the clock stopped, and
/// the clock runs while it drops (closing a section, say).
///
/// # Errors
///
/// The first error of `make`.
pub fn time_drop<T>(ops: usize, mut make: impl FnMut() -> Result<T>) -> Result<f64> {
    let mut total = Duration::ZERO;
    for _ in 0..ops {
        let made = make()?;
        let start = Instant::now();
        drop(made);
        total += start.elapsed();
    }
    Ok(per_op(total, ops))
}

fn per_op(elapsed: Duration, ops: usize) -> f64 {
    elapsed.as_nanos() as f64 / ops.max(1) as f64
}

/// How a case is run: rounds of one batch per implementation, the first `warmup` rounds not
/// recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    /// Rounds run and thrown away first.
    pub warmup: usize,
    /// Rounds recorded: one sample per implementation each.
    pub rounds: usize,
    /// Operations per batch (per sample).
    pub batch: usize,
}

/// Where an implementation stands in a case.
pub enum Entry {
    /// Set up and running.
    Ready(Box<dyn Workload>),
    /// It cannot do the case; why.
    Unavailable(String),
    /// Setting up or running failed; why.
    Failed(String),
}

/// One implementation in one case, with the samples taken so far. `P` names the
/// implementation: a [`PeerId`] in the main run, the `--wine` run's own in [`crate::wine`].
pub struct Contender<P = PeerId> {
    /// The case's name.
    pub case: String,
    /// The implementation.
    pub peer: P,
    /// Its state.
    pub entry: Entry,
    /// Nanoseconds per operation, one per recorded batch.
    pub samples: Vec<f64>,
}

impl<P> Contender<P> {
    /// A contender that has not run yet.
    pub fn new(case: String, peer: P, entry: Entry) -> Contender<P> {
        Contender {
            case,
            peer,
            entry,
            samples: Vec::new(),
        }
    }

    fn step(&mut self, batch: usize, record: bool) {
        let Entry::Ready(workload) = &mut self.entry else {
            return;
        };
        match workload.run(batch) {
            Ok(ns) if record => self.samples.push(ns),
            Ok(_) => {}
            Err(BenchError(why)) => self.entry = Entry::Failed(why),
        }
    }
}

/// Runs every contender's batches in turn, `plan.warmup + plan.rounds` times. A contender that
/// fails is dropped (and so cleaned up) at once; the others go on.
pub fn interleave<P>(contenders: &mut [Contender<P>], plan: &Plan) {
    let n = contenders.len();
    for round in 0..plan.warmup + plan.rounds {
        for k in 0..n {
            contenders[(round + k) % n].step(plan.batch, round >= plan.warmup);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fake(ns: f64) -> Entry {
        Entry::Ready(Box::new(move |_ops: usize| Ok(ns)))
    }

    #[test]
    fn interleaving_records_only_after_warmup_and_drops_failures() {
        let mut calls = 0;
        let failing = move |_ops: usize| {
            calls += 1;
            if calls > 2 {
                Err(BenchError::new("boom"))
            } else {
                Ok(1.0)
            }
        };
        let mut contenders = vec![
            Contender::new("c".into(), PeerId::Floor, fake(10.0)),
            Contender::new("c".into(), PeerId::Ours, Entry::Ready(Box::new(failing))),
            Contender::new("c".into(), PeerId::Memmap2, Entry::Unavailable("no".into())),
        ];
        let plan = Plan {
            warmup: 1,
            rounds: 4,
            batch: 3,
        };
        interleave(&mut contenders, &plan);
        assert_eq!(contenders[0].samples, vec![10.0; 4]);
        assert_eq!(contenders[1].samples, vec![1.0]);
        assert!(matches!(&contenders[1].entry, Entry::Failed(why) if why == "boom"));
        assert!(contenders[2].samples.is_empty());
    }

    #[test]
    fn batches_are_timed_per_operation() {
        let mut count = 0;
        let ns = time_batch(10, || {
            count += 1;
            Ok(())
        })
        .unwrap();
        assert_eq!(count, 10);
        assert!(ns >= 0.0);
        assert!(time_batch(1, || Err(BenchError::new("x"))).is_err());
    }

    /// Counts its drops.
    struct Dropped<'a>(&'a std::cell::Cell<usize>);

    impl Drop for Dropped<'_> {
        fn drop(&mut self) {
            self.0.set(self.0.get() + 1);
        }
    }

    #[test]
    fn drops_are_timed_apart_from_making() {
        let (made, dropped) = (std::cell::Cell::new(0), std::cell::Cell::new(0));
        let make = || {
            made.set(made.get() + 1);
            Ok(Dropped(&dropped))
        };
        assert!(time_drop(5, make).unwrap() >= 0.0);
        assert_eq!((made.get(), dropped.get()), (5, 5));
        assert!(time_before_drop(3, || Ok(Dropped(&dropped))).unwrap() >= 0.0);
        assert_eq!(dropped.get(), 8, "time_before_drop drops each too");
        assert!(time_drop(1, || Err::<(), _>(BenchError::new("x"))).is_err());
    }
}
