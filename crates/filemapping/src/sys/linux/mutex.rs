//! Named mutexes on Linux: a synchronization object of type `Mutex` ([`waitable`]) whose state
//! page holds a **robust, process-shared, recursive pthread mutex** (`PTHREAD_MUTEX_ROBUST`,
//! `PTHREAD_PROCESS_SHARED`, `PTHREAD_MUTEX_RECURSIVE`), initialised by the creator before the
//! object is published.
//!
//! # Why a robust pthread mutex
//!
//! Windows abandons a mutex when its owning *thread* ends, not only when its process dies, and
//! the next waiter gets `WAIT_ABANDONED` and owns it. The kernel must notice the death: no
//! daemon, no heartbeat (DESIGN invariant 1). The candidates were:
//!
//! - **A robust list of our own** (`set_robust_list`): the kernel walks it when a thread exits,
//!   marks each futex it names `FUTEX_OWNER_DIED` and wakes a waiter: exactly the rule. But the
//!   list head is per thread and glibc registers its own for every thread (for its robust
//!   mutexes): registering ours would silently break every robust pthread mutex of the process.
//! - **An OFD lock per owner**: the kernel drops it when its process dies, and a waiter blocked
//!   in `F_OFD_SETLKW` wakes up. But OFD locks belong to open file descriptions, not threads: a
//!   thread that ends with its process alive drops nothing (it would need a description per
//!   thread and a TLS destructor that closes it, and a thread killed by `pthread_exit` from
//!   foreign code, or one whose TLS destructors do not run, would keep the mutex for ever), and
//!   a blocking lock has no timeout.
//! - **A robust pthread mutex** in the shared page: glibc keeps the robust list of each thread
//!   (its own, so nothing is clobbered), the kernel walks it when a thread exits, however it
//!   exits (return, `pthread_exit`, the whole process killed by `SIGKILL`), and the next locker
//!   gets `EOWNERDEAD`: that is `WAIT_ABANDONED`, after `pthread_mutex_consistent`. Recursion
//!   and the owner check live in the shared mutex itself (`__count`, and the owner's tid in the
//!   futex word), so `ReleaseMutex` by another thread fails with `EPERM`: `ERROR_NOT_OWNER`.
//!   Timed waits are `pthread_mutex_timedlock`.
//!
//! This module takes the third.
//!
//! # Keeping the mutex mapped while it is owned
//!
//! The robust list is a linked list through the mutexes themselves, at the addresses where the
//! owning thread locked them; the kernel reads it when the thread exits. On Windows, closing a
//! handle does not release the mutex, so a thread may close every handle while it owns one. The
//! page it locked through must then stay mapped, or the list would point into unmapped (or
//! reused) memory. Each thread therefore keeps a reference to the page of every acquisition
//! (`OWNED`, thread-local, last in first out) until the matching release. When a thread ends
//! owning mutexes, its TLS destructor leaks those references (the pages stay mapped for the
//! process's life: one page per abandoned mutex), so that the kernel can mark them afterwards.
//!
//! # Limits
//!
//! - Owners are identified by thread id: processes in different PID namespaces must not share
//!   a mutex (their tids may collide). The glibc layout of `pthread_mutex_t` is shared, so every
//!   process must use glibc (musl's robust mutexes have another layout).
//! - The kernel walks at most 2048 robust entries per thread at its exit.
//! - Timed waits use `CLOCK_REALTIME` deadlines (`pthread_mutex_timedlock`): a jump of the clock
//!   changes how long they wait.
//! - A process that dies while it *initialises* a mutex leaves nothing (the object is not
//!   published before it is initialised).
//! - The state page is the object file's, and its owner can rewrite it. glibc aborts the
//!   process on some values of the type word (`__kind`: a priority-protected kind, for one),
//!   so every lock and unlock first checks that the word is the one this build writes, and a
//!   mutex whose word differs is `ERROR_INVALID_HANDLE`. The owner can still change the word
//!   between that check and glibc's read of it, a window of a few instructions. The other
//!   words of the mutex (lock word, owner, count, list) are not checked: the `header` fuzz
//!   target, which plants and rewrites mutex objects, has found no abort through them, but
//!   glibc does not promise that none exists.
//!
//! # Waiting for several objects (`WaitForMultipleObjects`)
//!
//! A pthread mutex cannot be waited on together with other objects, but its futex word can. The
//! glibc word of a robust mutex is the kernel's robust-futex format (`tid | FUTEX_WAITERS |
//! FUTEX_OWNER_DIED`, the first `int` of `pthread_mutex_t`, part of glibc's ABI), and the kernel
//! wakes a sleeper of it on unlock (glibc's robust unlock wakes one when `FUTEX_WAITERS` is
//! set) and on owner death. A multi-object wait (`waitable`, *Waiting for several objects*)
//! therefore looks at the word to see whether the mutex is free (no owner tid, or the calling
//! thread's own: recursion) without taking it, takes it with `pthread_mutex_trylock` (which
//! reports `EOWNERDEAD` too), sets `FUTEX_WAITERS` on the word before it sleeps on it in
//! `futex_waitv`, and hands on a wake it does not use. A wait-all that took an abandoned mutex
//! and lost a race for another object gives it back with `pthread_mutex_consistent`, unlock,
//! and `FUTEX_OWNER_DIED` set again on the free word, so that the next locker still learns
//! of the abandonment.

#![allow(unsafe_code)]

use super::errors::os_error;
use super::header::ObjectKind;
use super::object::Place;
use super::objfile;
use super::view::View;
use super::waitable::{self, Blueprint, Part, Target, Waitable};
use super::waitable::{FUTEX_OWNER_DIED, FUTEX_TID_MASK, FUTEX_WAITERS};
use crate::error::{Error, ErrorKind, Result};
use crate::sys::{InheritOps, MutexOps, MutexParams, OpenRequest, SyncRequest};
use crate::types::{Disposition, WaitOutcome};
use std::cell::RefCell;
use std::os::unix::io::OwnedFd;
use std::sync::atomic::{AtomicI32, AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

extern "C" {
    // glibc 2.12 and later; declared here because older `libc` releases lack them.
    fn pthread_mutexattr_setrobust(
        attr: *mut libc::pthread_mutexattr_t,
        robustness: libc::c_int,
    ) -> libc::c_int;
    fn pthread_mutex_consistent(mutex: *mut libc::pthread_mutex_t) -> libc::c_int;
}

/// `PTHREAD_MUTEX_ROBUST` on Linux.
const PTHREAD_MUTEX_ROBUST: libc::c_int = 1;

/// One handle to a mutex.
#[derive(Debug)]
pub(crate) struct Mutex {
    inner: Waitable,
    /// A creator's new object that this thread owns (`bInitialOwner`) and that is not published
    /// yet: if it loses the race to publish, dropping it releases the ownership.
    provisional: bool,
}

impl InheritOps for Mutex {
    fn inherit_raw(&self) -> Option<u64> {
        self.inner.inherit_fd()
    }

    unsafe fn adopt_raw(raw: u64) -> Result<Mutex> {
        // SAFETY: the caller upholds the contract, which is `Waitable::adopt`'s own.
        let (inner, _) = unsafe { Waitable::adopt(raw, ObjectKind::Mutex) }?;
        Ok(Mutex {
            inner,
            provisional: false,
        })
    }
}

impl MutexOps for Mutex {
    fn create(req: &SyncRequest<'_, MutexParams>) -> Result<(Mutex, Disposition)> {
        let target = Target {
            name: req.name.as_ref(),
            root: &req.root,
            inheritable: req.inheritable,
            permissions: req.permissions,
        };
        let blueprint = Blueprint {
            kind: ObjectKind::Mutex,
            protection: 0,
            attributes: 0,
            initial: &[],
        };
        waitable::create(
            &target,
            &blueprint,
            |inner, _| {
                Ok(Mutex {
                    inner,
                    provisional: false,
                })
            },
            |inner| {
                let mutex = Mutex {
                    inner,
                    provisional: req.params.initial_owner && req.name.is_some(),
                };
                mutex.init()?;
                if req.params.initial_owner {
                    let _new_and_ours = mutex.wait(Some(Duration::ZERO))?;
                }
                Ok(mutex)
            },
        )
    }

    // The emulation keeps no rights per handle: the API layer checks them.
    fn open(req: &OpenRequest<'_>, _: u32) -> Result<Mutex> {
        let (inner, _) = waitable::open(&req.root, req.name, ObjectKind::Mutex, req.inheritable)?;
        Ok(Mutex {
            inner,
            provisional: false,
        })
    }

    fn wait(&self, timeout: Option<Duration>) -> Result<WaitOutcome> {
        self.intact()?;
        let m = self.raw();
        // SAFETY: `m` is an initialised process-shared mutex in a page mapped while `self`
        // lives; the deadline outlives the call.
        let rc = unsafe {
            match timeout {
                None => libc::pthread_mutex_lock(m),
                Some(t) if t.is_zero() => libc::pthread_mutex_trylock(m),
                Some(t) => libc::pthread_mutex_timedlock(m, &deadline(t)),
            }
        };
        let outcome = match rc {
            0 => WaitOutcome::Acquired,
            libc::EOWNERDEAD => {
                // SAFETY: this thread owns `m` now; marking it consistent makes it an ordinary
                // mutex again for the next owners (Windows' abandonment happens once).
                unsafe { pthread_mutex_consistent(m) };
                WaitOutcome::Abandoned
            }
            libc::EBUSY | libc::ETIMEDOUT => return Ok(WaitOutcome::TimedOut),
            libc::EAGAIN => {
                return Err(Error::new(
                    ErrorKind::Other,
                    "the mutex's recursion count is at its limit",
                ))
            }
            e => return Err(os_error(ErrorKind::Other, "cannot lock the mutex", e)),
        };
        own(self.inner.id(), self.inner.page());
        Ok(outcome)
    }

    fn release(&self) -> Result<()> {
        self.intact()?;
        // SAFETY: as in `wait`.
        match unsafe { libc::pthread_mutex_unlock(self.raw()) } {
            0 => {
                disown(self.inner.id());
                Ok(())
            }
            libc::EPERM => Err(Error::new(
                ErrorKind::NotOwner,
                "the calling thread does not own the mutex",
            )),
            e => Err(os_error(ErrorKind::Other, "cannot unlock the mutex", e)),
        }
    }

    fn duplicate(&self, _: u32, inheritable: bool) -> Result<Mutex> {
        Ok(Mutex {
            inner: self.inner.duplicate(inheritable)?,
            provisional: false,
        })
    }
}

impl Mutex {
    /// Checks that the mutex's type word is still the one `init` wrote. The page is the object
    /// file's, which its owner may rewrite at any time (DESIGN invariant 8), and glibc aborts
    /// the process on some values of the word (a priority-protected kind, for one) instead of
    /// failing: such a mutex is `ERROR_INVALID_HANDLE`, as a file that is not an object is.
    /// The owner can still change the word between this check and glibc's read of it (*Limits*).
    fn intact(&self) -> Result<()> {
        // SAFETY: the word lies inside the mutex, in the state page mapped while `self` lives;
        // it is 4-byte aligned (the page is, and so is the offset), and other processes change
        // it only with atomic or word-sized stores.
        let word = unsafe { &*(self.raw().cast::<u8>().add(KIND_OFFSET).cast::<AtomicI32>()) };
        if word.load(Ordering::Relaxed) == expected_kind() {
            return Ok(());
        }
        Err(Error::new(
            ErrorKind::InvalidHandle,
            "the mutex's state was overwritten by the owner of its object file",
        ))
    }

    /// The pthread mutex at the start of the state page.
    fn raw(&self) -> *mut libc::pthread_mutex_t {
        self.inner.state().cast()
    }

    /// Initialises the robust, shared, recursive mutex in the page of a new object.
    fn init(&self) -> Result<()> {
        // SAFETY: the mutex is in a page mapped read-write for `self`'s life that no other
        // process can see yet (the object is unpublished).
        let rc = unsafe { init_mutex(self.raw()) };
        if rc != 0 {
            return Err(os_error(
                ErrorKind::Other,
                "cannot initialise the mutex",
                rc,
            ));
        }
        Ok(())
    }
}

/// Where glibc keeps the type of a `pthread_mutex_t` (`__kind`, after `__lock`, `__count`,
/// `__owner` and, on 64-bit targets, `__nusers`): part of its ABI.
#[cfg(target_pointer_width = "64")]
const KIND_OFFSET: usize = 16;
#[cfg(not(target_pointer_width = "64"))]
const KIND_OFFSET: usize = 12;

/// The type word that `init_mutex` gives a mutex, read from a private mutex made so (once;
/// threads that race to make it compute the same value).
fn expected_kind() -> i32 {
    const UNKNOWN: i32 = i32::MIN;
    static KIND: AtomicI32 = AtomicI32::new(UNKNOWN);
    let known = KIND.load(Ordering::Relaxed);
    if known != UNKNOWN {
        return known;
    }
    let mut private = std::mem::MaybeUninit::<libc::pthread_mutex_t>::zeroed();
    // SAFETY: a private, zeroed mutex of this function's own, initialised here and read back at
    // the type word's offset inside it (`pthread_mutex_t` is larger than the offset plus 4).
    let kind = unsafe {
        if init_mutex(private.as_mut_ptr()) != 0 {
            return UNKNOWN;
        }
        let kind = private
            .as_ptr()
            .cast::<u8>()
            .add(KIND_OFFSET)
            .cast::<i32>()
            .read();
        libc::pthread_mutex_destroy(private.as_mut_ptr());
        kind
    };
    KIND.store(kind, Ordering::Relaxed);
    kind
}

/// Initialises `mutex` as a robust, process-shared, recursive mutex; the `pthread` error code.
///
/// # Safety
///
/// `mutex` points to writable memory of a `pthread_mutex_t` that no thread uses meanwhile.
unsafe fn init_mutex(mutex: *mut libc::pthread_mutex_t) -> libc::c_int {
    let mut attr = std::mem::MaybeUninit::<libc::pthread_mutexattr_t>::uninit();
    let attr = attr.as_mut_ptr();
    // SAFETY: `attr` is initialised by the first call before the others use it, and destroyed
    // once; `mutex` is the caller's promise.
    unsafe {
        let mut rc = libc::pthread_mutexattr_init(attr);
        if rc == 0 {
            rc = libc::pthread_mutexattr_settype(attr, libc::PTHREAD_MUTEX_RECURSIVE);
            if rc == 0 {
                rc = libc::pthread_mutexattr_setpshared(attr, libc::PTHREAD_PROCESS_SHARED);
            }
            if rc == 0 {
                rc = pthread_mutexattr_setrobust(attr, PTHREAD_MUTEX_ROBUST);
            }
            if rc == 0 {
                rc = libc::pthread_mutex_init(mutex, attr);
            }
            libc::pthread_mutexattr_destroy(attr);
        }
        rc
    }
}

impl Part for Mutex {
    fn waitable(&self) -> &Waitable {
        &self.inner
    }

    fn is_free(&self, _: u32, _: bool) -> bool {
        let owner = self.inner.word().load(Ordering::SeqCst) & FUTEX_TID_MASK;
        owner == 0 || owner == current_tid()
    }

    fn take(&self, _: u32, _: bool) -> Result<Option<bool>> {
        Ok(match self.wait(Some(Duration::ZERO))? {
            WaitOutcome::Acquired => Some(false),
            WaitOutcome::Abandoned => Some(true),
            WaitOutcome::TimedOut => None,
        })
    }

    fn give_back(&self, abandoned: bool) {
        if self.release().is_ok() && abandoned {
            // Abandoned again for the next locker, unless one got in first.
            let _ = self.inner.word().compare_exchange(
                0,
                FUTEX_OWNER_DIED,
                Ordering::SeqCst,
                Ordering::SeqCst,
            );
        }
    }

    fn register(&self, _: u32, _: bool) -> Option<u32> {
        let word = self.inner.word();
        let mut value = word.load(Ordering::SeqCst);
        loop {
            let owner = value & FUTEX_TID_MASK;
            if owner == 0 || owner == current_tid() {
                return None;
            }
            if value & FUTEX_WAITERS != 0 {
                return Some(value);
            }
            match word.compare_exchange(
                value,
                value | FUTEX_WAITERS,
                Ordering::SeqCst,
                Ordering::SeqCst,
            ) {
                Ok(_) => return Some(value | FUTEX_WAITERS),
                Err(seen) => value = seen,
            }
        }
    }

    fn unregister(&self) {}

    fn mutex_word(&self) -> Option<&AtomicU32> {
        Some(self.inner.word())
    }
}

/// The calling thread's id, as the kernel and glibc write it into a robust mutex's word.
fn current_tid() -> u32 {
    // SAFETY: gettid takes no arguments and cannot fail.
    (unsafe { libc::syscall(libc::SYS_gettid) }) as u32 & FUTEX_TID_MASK
}

impl objfile::Unpublished for Mutex {
    fn object(&self) -> Result<&OwnedFd> {
        self.inner.object()
    }

    fn published_at(&mut self, place: Arc<Place>) {
        self.provisional = false;
        self.inner.published_at(place);
    }
}

impl Drop for Mutex {
    fn drop(&mut self) {
        if self.provisional {
            // A built object that lost the race to publish: nobody else can see it; give up
            // the ownership taken for `bInitialOwner` before its page goes.
            let _ = self.release();
        }
    }
}

/// The absolute `CLOCK_REALTIME` time `timeout` from now, as `pthread_mutex_timedlock` wants.
fn deadline(timeout: Duration) -> libc::timespec {
    waitable::clock_after(libc::CLOCK_REALTIME, timeout)
}

/// The pages this thread locked mutexes through, one entry per acquisition not yet released
/// (module documentation, *Keeping the mutex mapped while it is owned*).
struct Owned(Vec<((u64, u64), Arc<View>)>);

impl Drop for Owned {
    fn drop(&mut self) {
        // The thread is ending while it owns these mutexes: the kernel marks them abandoned
        // once the thread is gone, through the robust list, which points into these pages.
        for (_, page) in self.0.drain(..) {
            std::mem::forget(page);
        }
    }
}

thread_local! {
    static OWNED: RefCell<Owned> = const { RefCell::new(Owned(Vec::new())) };
}

/// Records one acquisition by this thread of the mutex `id` through `page`.
fn own(id: (u64, u64), page: &Arc<View>) {
    let page = Arc::clone(page);
    let _ = OWNED.try_with(|owned| owned.borrow_mut().0.push((id, page)));
}

/// Forgets this thread's latest acquisition of the mutex `id`.
fn disown(id: (u64, u64)) {
    let _ = OWNED.try_with(|owned| {
        let mut owned = owned.borrow_mut();
        if let Some(at) = owned.0.iter().rposition(|(held, _)| *held == id) {
            owned.0.remove(at);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_stay_normalised() {
        let d = deadline(Duration::new(1, 999_999_999));
        assert!(d.tv_nsec < 1_000_000_000);
        let far = deadline(Duration::MAX);
        assert!(far.tv_sec > 0);
    }

    #[test]
    fn the_page_of_an_acquisition_is_kept_until_its_release() {
        OWNED.with(|o| assert!(o.borrow().0.is_empty()));
        let (mutex, _) = <Mutex as MutexOps>::create(&SyncRequest {
            name: None,
            raw_name: "",
            root: std::env::temp_dir(),
            access: 0,
            inheritable: false,
            permissions: crate::types::Permissions::default(),
            params: MutexParams {
                initial_owner: true,
            },
        })
        .unwrap();
        assert_eq!(mutex.wait(None).unwrap(), WaitOutcome::Acquired);
        OWNED.with(|o| assert_eq!(o.borrow().0.len(), 2));
        mutex.release().unwrap();
        mutex.release().unwrap();
        OWNED.with(|o| assert!(o.borrow().0.is_empty()));
        assert_eq!(mutex.release().unwrap_err().kind(), ErrorKind::NotOwner);
    }
}
