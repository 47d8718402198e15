//! The safe copies of views ([`View::read_at`](crate::View::read_at) and
//! [`View::write_at`](crate::View::write_at)): a page that cannot be read or written is an
//! error, never `SIGBUS` (DESIGN, invariant 9).
//!
//! A page of a shared mapping faults for good when another program cuts the file short under
//! it, or when the system's memory is full as an uncommitted page is first touched. Copying
//! through `process_vm_readv`/`process_vm_writev` on this very process makes the kernel resolve
//! the pages itself: such a page ends the copy with `EFAULT` instead of a signal. A process may
//! always do this to itself (no ptrace permission is involved), but a seccomp filter may refuse
//! the calls (`EPERM`, `ENOSYS`): then this process copies directly from then on, and a
//! cut-short file raises `SIGBUS` as with any `mmap`.
//!
//! The pid is asked for at every call, never cached: after a `fork` a cached pid would name
//! the parent.

#![allow(unsafe_code)]

use super::errors::os_error;
use super::fd;
use crate::error::{ErrorKind, Result};
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once the kernel refused the cross-memory calls in this process.
static REFUSED: AtomicBool = AtomicBool::new(false);

/// Copies from the view bytes at `at` into `buf`.
///
/// # Safety
///
/// `[at, at + buf.len())` lies inside a readable mapping of this process that stays mapped
/// during the call.
pub(crate) unsafe fn read(at: *const u8, buf: &mut [u8]) -> Result<()> {
    match transfer(Direction::Read, at as usize, buf.as_mut_ptr(), buf.len()) {
        Outcome::Done => Ok(()),
        Outcome::Failed => Err(in_page_error("read")),
        Outcome::Refused => {
            // SAFETY: the caller's promise, for a direct copy.
            unsafe { crate::sys::volatile::copy_from(at, buf) };
            Ok(())
        }
    }
}

/// Copies `data` to the view bytes at `at`.
///
/// # Safety
///
/// `[at, at + data.len())` lies inside a writable mapping of this process that stays mapped
/// during the call.
pub(crate) unsafe fn write(at: *mut u8, data: &[u8]) -> Result<()> {
    // The kernel only reads the local side of a `process_vm_writev`.
    let local = data.as_ptr() as *mut u8;
    match transfer(Direction::Write, at as usize, local, data.len()) {
        Outcome::Done => Ok(()),
        Outcome::Failed => Err(in_page_error("written")),
        Outcome::Refused => {
            // SAFETY: the caller's promise, for a direct copy.
            unsafe { crate::sys::volatile::copy_to(at, data) };
            Ok(())
        }
    }
}

#[derive(Clone, Copy)]
enum Direction {
    Read,
    Write,
}

enum Outcome {
    /// Every byte moved.
    Done,
    /// A page of the range cannot be had.
    Failed,
    /// The cross-memory calls are refused in this process: copy directly.
    Refused,
}

/// Moves `len` bytes between the view address `remote` and the private buffer `local`.
fn transfer(direction: Direction, remote: usize, local: *mut u8, len: usize) -> Outcome {
    if REFUSED.load(Ordering::Relaxed) {
        return Outcome::Refused;
    }
    let mut done = 0;
    while done < len {
        match step(
            direction,
            remote + done,
            local.wrapping_add(done),
            len - done,
        ) {
            Ok(0) | Err(libc::EFAULT) => return Outcome::Failed,
            Ok(moved) => done += moved,
            Err(libc::EINTR) => {}
            Err(_) => {
                // ENOSYS (no cross-memory attach in this kernel) or EPERM (a seccomp filter):
                // nothing was moved.
                REFUSED.store(true, Ordering::Relaxed);
                return Outcome::Refused;
            }
        }
    }
    Outcome::Done
}

/// One `process_vm_readv`/`process_vm_writev` of `[remote, remote + len)` in this process.
fn step(direction: Direction, remote: usize, local: *mut u8, len: usize) -> fd::Sys<usize> {
    let local = libc::iovec {
        iov_base: local.cast(),
        iov_len: len,
    };
    let remote = libc::iovec {
        iov_base: remote as *mut libc::c_void,
        iov_len: len,
    };
    // SAFETY: getpid has no preconditions.
    let pid = unsafe { libc::getpid() };
    // SAFETY: both iovecs describe memory of this process that the callers of `read` and
    // `write` vouched for (the view range) or own (the buffer); the kernel checks every page
    // itself and reports a bad one as EFAULT rather than touching it from user space.
    let moved = unsafe {
        match direction {
            Direction::Read => libc::process_vm_readv(pid, &local, 1, &remote, 1, 0),
            Direction::Write => libc::process_vm_writev(pid, &local, 1, &remote, 1, 0),
        }
    };
    usize::try_from(moved).map_err(|_| fd::errno())
}

fn in_page_error(done: &str) -> crate::error::Error {
    os_error(
        ErrorKind::InPageError,
        &format!(
            "a page of the view could not be {done}: its file was cut short, or the system's \
             memory is full"
        ),
        libc::EFAULT,
    )
}
