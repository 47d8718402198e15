//! Named semaphores on Linux: a synchronization object of type `Semaphore` ([`waitable`]) whose
//! state is one futex word, the count; the maximum is in the header (its `attributes` word),
//! written once before the object is published. A wait takes one unit with a compare-and-swap,
//! or sleeps in the kernel (`FUTEX_WAIT`) while the count is 0; a release adds its count with a
//! compare-and-swap (refusing to pass the maximum) and wakes the sleepers, if the waiter
//! count beside the word says there are any (`waitable`, *Waiter counts*). Nothing is owned,
//! so nothing is abandoned: a process that dies simply takes no more units.

#![allow(unsafe_code)]

use super::header::ObjectKind;
use super::object::Place;
use super::objfile;
use super::waitable::{self, sleep_while, wake_waiters, Blueprint, Part, Target, Waitable};
use crate::error::{Error, ErrorKind, Result};
use crate::sys::{InheritOps, OpenRequest, SemaphoreOps, SemaphoreParams, SyncRequest};
use crate::types::Disposition;
use std::os::unix::io::OwnedFd;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// One handle to a semaphore.
#[derive(Debug)]
pub(crate) struct Semaphore {
    inner: Waitable,
    maximum: u32,
}

impl InheritOps for Semaphore {
    fn inherit_raw(&self) -> Option<u64> {
        self.inner.inherit_fd()
    }

    unsafe fn adopt_raw(raw: u64) -> Result<Semaphore> {
        // SAFETY: the caller upholds the contract, which is `Waitable::adopt`'s own.
        let (inner, header) = unsafe { Waitable::adopt(raw, ObjectKind::Semaphore) }?;
        Ok(Semaphore {
            inner,
            maximum: header.attributes,
        })
    }
}

impl SemaphoreOps for Semaphore {
    fn create(req: &SyncRequest<'_, SemaphoreParams>) -> Result<(Semaphore, Disposition)> {
        let target = Target {
            name: req.name.as_ref(),
            root: &req.root,
            inheritable: req.inheritable,
            permissions: req.permissions,
        };
        let initial = req.params.initial.to_le_bytes();
        let blueprint = Blueprint {
            kind: ObjectKind::Semaphore,
            protection: 0,
            attributes: req.params.maximum,
            initial: &initial,
        };
        let of = |inner, maximum| Ok(Semaphore { inner, maximum });
        waitable::create(
            &target,
            &blueprint,
            |inner, header| of(inner, header.attributes),
            |inner| of(inner, req.params.maximum),
        )
    }

    // The emulation keeps no rights per handle: the API layer checks them.
    fn open(req: &OpenRequest<'_>, _: u32) -> Result<Semaphore> {
        let (inner, header) =
            waitable::open(&req.root, req.name, ObjectKind::Semaphore, req.inheritable)?;
        Ok(Semaphore {
            inner,
            maximum: header.attributes,
        })
    }

    fn wait(&self, timeout: Option<Duration>) -> Result<bool> {
        let deadline = timeout.map(|t| Instant::now() + t);
        let word = self.inner.word();
        loop {
            let count = word.load(Ordering::SeqCst);
            if count > 0 {
                let taken =
                    word.compare_exchange(count, count - 1, Ordering::SeqCst, Ordering::SeqCst);
                if taken.is_ok() {
                    return Ok(true);
                }
                continue;
            }
            if sleep_while(word, self.inner.waiters(), deadline, |n| n == 0).is_err() {
                return Ok(false);
            }
        }
    }

    fn release(&self, count: u32) -> Result<u32> {
        let word = self.inner.word();
        let mut previous = word.load(Ordering::SeqCst);
        loop {
            let next = match previous.checked_add(count) {
                Some(next) if next <= self.maximum => next,
                _ => {
                    return Err(Error::new(
                        ErrorKind::TooManyPosts,
                        format!(
                            "releasing {count} would take the semaphore's count {previous} past its maximum {}",
                            self.maximum
                        ),
                    ))
                }
            };
            match word.compare_exchange(previous, next, Ordering::SeqCst, Ordering::SeqCst) {
                Ok(_) => break,
                Err(seen) => previous = seen,
            }
        }
        wake_waiters(word, self.inner.waiters());
        Ok(previous)
    }

    fn duplicate(&self, _: u32, inheritable: bool) -> Result<Semaphore> {
        Ok(Semaphore {
            inner: self.inner.duplicate(inheritable)?,
            maximum: self.maximum,
        })
    }
}

impl Semaphore {
    /// Takes one unit if there is one.
    fn try_take(&self) -> bool {
        let word = self.inner.word();
        let mut count = word.load(Ordering::SeqCst);
        while count > 0 {
            match word.compare_exchange(count, count - 1, Ordering::SeqCst, Ordering::SeqCst) {
                Ok(_) => return true,
                Err(seen) => count = seen,
            }
        }
        false
    }
}

impl Part for Semaphore {
    fn waitable(&self) -> &Waitable {
        &self.inner
    }

    fn is_free(&self, _: u32, _: bool) -> bool {
        self.inner.word().load(Ordering::SeqCst) > 0
    }

    fn take(&self, _: u32, _: bool) -> Result<Option<bool>> {
        Ok(self.try_take().then_some(false))
    }

    fn give_back(&self, _: bool) {
        // The unit taken leaves room below the maximum.
        self.inner.word().fetch_add(1, Ordering::SeqCst);
        wake_waiters(self.inner.word(), self.inner.waiters());
    }

    fn register(&self, _: u32, _: bool) -> Option<u32> {
        self.inner.waiters().fetch_add(1, Ordering::SeqCst);
        if self.inner.word().load(Ordering::SeqCst) > 0 {
            self.unregister();
            return None;
        }
        Some(0)
    }

    fn unregister(&self) {
        self.inner.waiters().fetch_sub(1, Ordering::SeqCst);
    }
}

impl objfile::Unpublished for Semaphore {
    fn object(&self) -> Result<&OwnedFd> {
        self.inner.object()
    }

    fn published_at(&mut self, place: Arc<Place>) {
        self.inner.published_at(place);
    }
}
