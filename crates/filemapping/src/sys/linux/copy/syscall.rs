//! The copies through `process_vm_readv`/`process_vm_writev` on this very process: the kernel
//! resolves the pages itself, and a page that cannot be had ends the copy with `EFAULT`
//! instead of a signal. A process may always do this to itself (no ptrace permission is
//! involved), but a seccomp filter may refuse the calls (`EPERM`, `ENOSYS`).
//!
//! The pid is asked for at every call, never cached: after a `fork` a cached pid would name
//! the parent.

#![allow(unsafe_code)]

use super::super::fd;

#[derive(Clone, Copy)]
pub(super) enum Direction {
    /// From the view into a private buffer.
    Read,
    /// From a private buffer into the view.
    Write,
}

pub(super) enum Outcome {
    /// Every byte moved.
    Done,
    /// A page of the range cannot be had.
    Failed,
    /// The kernel refused the calls: nothing was moved.
    Refused,
}

/// Moves `len` bytes between the view address `remote` and the private buffer `local`.
///
/// # Safety
///
/// `[local, local + len)` is a private buffer of this process, writable for a read; the
/// kernel checks the view side itself.
pub(super) unsafe fn transfer(
    direction: Direction,
    remote: usize,
    local: *mut u8,
    len: usize,
) -> Outcome {
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
            // ENOSYS (no cross-memory attach in this kernel) or EPERM (a seccomp filter):
            // nothing was moved.
            Err(_) => return Outcome::Refused,
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
    // SAFETY: both iovecs describe memory of this process that the callers of `transfer`
    // vouched for (the buffer) or that the kernel checks page by page (the view range),
    // reporting a bad page as EFAULT rather than touching it from user space.
    let moved = unsafe {
        match direction {
            Direction::Read => libc::process_vm_readv(pid, &local, 1, &remote, 1, 0),
            Direction::Write => libc::process_vm_writev(pid, &local, 1, &remote, 1, 0),
        }
    };
    usize::try_from(moved).map_err(|_| fd::errno())
}
