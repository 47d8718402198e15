//! Named events on Linux: a synchronization object of type `Event` ([`waitable`]) whose state is
//! a futex word in its page. Waiting blocks in the kernel (`FUTEX_WAIT` on shared memory); it
//! never polls.
//!
//! The word is `generation << 1 | signaled`. A manual-reset event stays signaled until reset and
//! releases every waiter; a waiter also returns if a `set` happened while it slept, even if a
//! `reset` followed at once (as Windows releases the waits that `SetEvent` satisfied). An
//! auto-reset event is consumed by exactly one waiter.

use super::header::ObjectKind;
use super::object::Place;
use super::objfile;
use super::waitable::{self, futex_wait, futex_wake, Blueprint, Target, Waitable};
use crate::error::Result;
use crate::protection::EventAccess;
use crate::sys::{EventOps, EventRequest, OpenRequest};
use crate::types::Disposition;
use std::os::unix::io::OwnedFd;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// One handle to an event.
#[derive(Debug)]
pub(crate) struct Event {
    inner: Waitable,
    manual: bool,
}

const SIGNALED: u32 = 1;

impl EventOps for Event {
    fn create(req: &EventRequest<'_>) -> Result<(Event, Disposition)> {
        let target = Target {
            name: req.name.as_ref(),
            root: &req.root,
            inheritable: req.inheritable,
            permissions: req.permissions,
        };
        let initial = u32::from(req.initial_state).to_le_bytes();
        let blueprint = Blueprint {
            kind: ObjectKind::Event,
            protection: 0,
            attributes: u32::from(req.manual_reset),
            initial: &initial,
        };
        waitable::create(
            &target,
            &blueprint,
            |inner, header| {
                Ok(Event {
                    inner,
                    manual: header.attributes & 1 != 0,
                })
            },
            |inner| {
                Ok(Event {
                    inner,
                    manual: req.manual_reset,
                })
            },
        )
    }

    // The emulation keeps no rights per handle: the API layer checks them.
    fn open(req: &OpenRequest<'_>, _: EventAccess) -> Result<Event> {
        let (inner, header) =
            waitable::open(&req.root, req.name, ObjectKind::Event, req.inheritable)?;
        Ok(Event {
            inner,
            manual: header.attributes & 1 != 0,
        })
    }

    fn set(&self) -> Result<()> {
        let word = self.inner.word();
        let mut current = word.load(Ordering::SeqCst);
        loop {
            let next = (current | SIGNALED).wrapping_add(2);
            match word.compare_exchange(current, next, Ordering::SeqCst, Ordering::SeqCst) {
                Ok(_) => break,
                Err(seen) => current = seen,
            }
        }
        futex_wake(word, if self.manual { i32::MAX } else { 1 });
        Ok(())
    }

    fn reset(&self) -> Result<()> {
        self.inner.word().fetch_and(!SIGNALED, Ordering::SeqCst);
        Ok(())
    }

    fn wait(&self, timeout: Option<Duration>) -> Result<bool> {
        let deadline = timeout.map(|t| Instant::now() + t);
        let word = self.inner.word();
        let start = word.load(Ordering::SeqCst);
        loop {
            let current = word.load(Ordering::SeqCst);
            if self.try_take(word, current, start) {
                return Ok(true);
            }
            match waitable::remaining(deadline) {
                Ok(left) => futex_wait(word, current, left),
                Err(()) => return Ok(false),
            }
        }
    }

    fn duplicate(&self, _: EventAccess, inheritable: bool) -> Result<Event> {
        Ok(Event {
            inner: self.inner.duplicate(inheritable)?,
            manual: self.manual,
        })
    }

    fn is_manual_reset(&self) -> bool {
        self.manual
    }
}

impl Event {
    /// Whether a waiter that started at `start` and now sees `current` is released, consuming
    /// the signal of an auto-reset event.
    fn try_take(&self, word: &AtomicU32, current: u32, start: u32) -> bool {
        if self.manual {
            return current & SIGNALED != 0 || current >> 1 != start >> 1;
        }
        current & SIGNALED != 0
            && word
                .compare_exchange(
                    current,
                    current & !SIGNALED,
                    Ordering::SeqCst,
                    Ordering::SeqCst,
                )
                .is_ok()
    }
}

impl objfile::Unpublished for Event {
    fn object(&self) -> Result<&OwnedFd> {
        self.inner.object()
    }

    fn published_at(&mut self, place: Arc<Place>) {
        self.inner.published_at(place);
    }
}
