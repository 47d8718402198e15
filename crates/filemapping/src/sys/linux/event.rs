//! Named events on Linux: a synchronization object of type `Event` ([`waitable`]) whose state is
//! a futex word in its page. Waiting blocks in the kernel (`FUTEX_WAIT` on shared memory); it
//! never polls.
//!
//! The word is `generation << 1 | signaled`. A manual-reset event stays signaled until reset and
//! releases every waiter; a waiter also returns if a `set` happened while it slept, even if a
//! `reset` followed at once (as Windows releases the waits that `SetEvent` satisfied). An
//! auto-reset event is consumed by exactly one waiter.
//!
//! The second word of the page counts the sleepers (`waitable`, *Waiter counts*): a `set` with
//! nobody asleep is a compare-and-swap and no system call, and a `set` of an event that is
//! already signaled changes nothing at all (as on Windows). No spinning before sleeping: on
//! the machines measured, a waiter on another CPU is woken by the kernel at the same cost as a
//! spin that misses, and a spin on a shared CPU delays the setter it waits for.
//!
//! `PulseEvent` of a manual-reset event advances the generation without leaving the event
//! signaled: every waiter asleep at that moment returns. Of an auto-reset event, it signals
//! the event only if someone is waiting, for one of them to consume (Windows documents the
//! function as unreliable; this one has the same window: a waiter that times out in that
//! instant leaves the event signaled).

#![allow(unsafe_code)]

use super::header::ObjectKind;
use super::object::Place;
use super::objfile;
use super::waitable::{self, sleep_while, wake_waiters, Blueprint, Part, Target, Waitable};
use crate::error::Result;
use crate::protection::EventAccess;
use crate::sys::{EventOps, EventRequest, InheritOps, OpenRequest};
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

impl InheritOps for Event {
    fn inherit_raw(&self) -> Option<u64> {
        self.inner.inherit_fd()
    }

    unsafe fn adopt_raw(raw: u64) -> Result<Event> {
        // SAFETY: the caller upholds the contract, which is `Waitable::adopt`'s own.
        let (inner, header) = unsafe { Waitable::adopt(raw, ObjectKind::Event) }?;
        Ok(Event {
            inner,
            manual: header.attributes & 1 != 0,
        })
    }
}

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

    #[inline]
    fn set(&self) -> Result<()> {
        let word = self.inner.word();
        let mut current = word.load(Ordering::SeqCst);
        loop {
            if current & SIGNALED != 0 {
                // Already signaled: nobody sleeps on it, and Windows changes nothing either.
                return Ok(());
            }
            let next = (current | SIGNALED).wrapping_add(2);
            match word.compare_exchange(current, next, Ordering::SeqCst, Ordering::SeqCst) {
                Ok(_) => break,
                Err(seen) => current = seen,
            }
        }
        wake_waiters(word, self.inner.waiters());
        Ok(())
    }

    fn pulse(&self) -> Result<()> {
        let word = self.inner.word();
        if !self.manual {
            if self.inner.waiters().load(Ordering::SeqCst) != 0 {
                return self.set();
            }
            return self.reset();
        }
        let mut current = word.load(Ordering::SeqCst);
        loop {
            let next = (current & !SIGNALED).wrapping_add(2);
            match word.compare_exchange(current, next, Ordering::SeqCst, Ordering::SeqCst) {
                Ok(_) => break,
                Err(seen) => current = seen,
            }
        }
        wake_waiters(word, self.inner.waiters());
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
            let blocked = |value| !self.is_free_at(value, start, false);
            if sleep_while(word, self.inner.waiters(), deadline, blocked).is_err() {
                return Ok(false);
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
    /// Whether the word `current` releases a waiter that started at `start` (a manual-reset
    /// event set since then releases a wait-any even if reset again; a wait-all needs it
    /// signaled).
    fn is_free_at(&self, current: u32, start: u32, all: bool) -> bool {
        current & SIGNALED != 0 || (self.manual && !all && current >> 1 != start >> 1)
    }

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

#[cfg(test)]
impl Event {
    /// The waiter count, for the tests.
    pub(crate) fn inner_waiters(&self) -> u32 {
        self.inner.waiters().load(Ordering::SeqCst)
    }
}

impl Part for Event {
    fn waitable(&self) -> &Waitable {
        &self.inner
    }

    fn is_free(&self, start: u32, all: bool) -> bool {
        self.is_free_at(self.inner.word().load(Ordering::SeqCst), start, all)
    }

    fn take(&self, start: u32, all: bool) -> Result<Option<bool>> {
        let word = self.inner.word();
        let current = word.load(Ordering::SeqCst);
        let taken = if self.manual {
            self.is_free_at(current, start, all)
        } else {
            self.try_take(word, current, start)
        };
        Ok(taken.then_some(false))
    }

    fn give_back(&self, _: bool) {
        if !self.manual {
            let _ = self.set();
        }
    }

    fn register(&self, start: u32, all: bool) -> Option<u32> {
        self.inner.waiters().fetch_add(1, Ordering::SeqCst);
        let value = self.inner.word().load(Ordering::SeqCst);
        if self.is_free_at(value, start, all) {
            self.unregister();
            return None;
        }
        Some(value)
    }

    fn unregister(&self) {
        self.inner.waiters().fetch_sub(1, Ordering::SeqCst);
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
