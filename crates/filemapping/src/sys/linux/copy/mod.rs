//! The safe copies of views ([`View::read_at`](crate::View::read_at) and
//! [`View::write_at`](crate::View::write_at)): a page that cannot be read or written is an
//! error, never `SIGBUS` (DESIGN, invariant 9).
//!
//! A page of a shared mapping faults for good when another program cuts the file short under
//! it, or when the system's memory is full as an uncommitted page is first touched; and a page
//! faults with `SIGSEGV` when another thread changes its protection (or unmaps it) during a
//! copy. Three ways to copy, chosen once per process at the first copy:
//!
//! 1. **Fault fixup** (x86-64, the default): the bytes move with one `rep movsb` in assembly
//!    ([`asm`]; copies of 256 bytes to 16 KiB, where `rep movsb` starts too slowly, with a
//!    loop of four 32-byte AVX2 moves a round where the processor has them), and a
//!    process-wide `SIGBUS`/`SIGSEGV` handler ([`fault`]) that finds the fault inside the
//!    routine resumes it at a fixup that returns the bytes not copied; every other fault goes on to the handler it replaced, exactly as the kernel
//!    would have delivered it. With fast-string microcode (ERMS/FSRM) `rep movsb` is what
//!    glibc's `memcpy` itself switches to from a few KiB (8 KiB on the machine below) up to
//!    about the size of the caches.
//! 2. **Cross-memory calls**: `process_vm_readv`/`process_vm_writev` on this very process
//!    ([`syscall`]), which report such a page as `EFAULT`. Used where there is no fixup routine
//!    (other architectures), where the handler could not be installed, when the handler is
//!    found replaced ([`recheck`]), and when the environment variable `FILEMAPPING_SAFE_COPY` is
//!    `syscall` (read once, at the first copy; any other value is the default).
//! 3. **Direct volatile copies** ([`crate::sys::volatile`]), once a seccomp filter refused the
//!    cross-memory calls: a cut-short file then raises `SIGBUS` as with any `mmap`.
//!
//! Views whose pages cannot fail ([`read_unfailing`]) copy with the routine of way 1 whether
//! or not the handler is installed (volatile copies elsewhere).
//!
//! # Soundness of the fixup
//!
//! - *No data race in Rust's sense.* The view's bytes are shared with other processes that may
//!   write them at any time. The routine is assembly, opaque to the compiler: to Rust the call
//!   is one to an unknown C function that may read `[src, src + len)` and write
//!   `[dst, dst + len)`, and Rust code never reads or writes the shared bytes itself, so no
//!   Rust-level access can race; a concurrent writer only makes the copied bytes inconsistent
//!   (torn), as a `memcpy` from a device or another process's memory would. The private side
//!   is an ordinary `&mut [u8]`/`&[u8]` that the caller holds exclusively (or shared, only
//!   read) for the call.
//! - *The fault is precise and restartable.* Only the instructions between a routine's two
//!   labels touch the copy's memory (`rep movsb`, and the loads and stores of the AVX2 loop);
//!   a fault there stops the processor at the faulting instruction with `rcx` still counting
//!   bytes not copied (`rep movsb` stops at the faulting byte; the loop counts down a round
//!   only after its stores), and the handler changes nothing but the instruction pointer of
//!   the saved context. The fixup (`mov rax, rcx; ret`, after a `vzeroupper` in the AVX2
//!   routine) then returns that count, never 0 there, to the caller as an ordinary return (the
//!   routines save no registers and keep no stack frame, so the return address is still on
//!   top of the stack), and every callee-saved register is as the caller left it (the `ymm`
//!   registers are all caller-saved). The copy reports the error; the bytes already copied
//!   are unspecified for the caller.
//! - *Only our faults are taken.* The handler redirects only when the signal was raised by the
//!   kernel for a fault (`si_code > 0`) and the interrupted instruction pointer lies between
//!   a routine's labels, whose addresses are link-time constants; nothing else in the process runs
//!   there. Every other `SIGBUS`/`SIGSEGV` (a genuine crash, a stack overflow, a `kill`) goes
//!   to the previous disposition ([`fault`] says how, exactly).
//! - *Async-signal safety.* The handler reads state written before it was installed, calls
//!   only async-signal-safe functions and takes no lock, so it cannot deadlock with the
//!   thread it interrupted.
//!
//! What the handler cannot help: an application that installs its own `SIGBUS`/`SIGSEGV`
//! handler after the first copy and does not chain to the one it replaces takes those faults
//! (checking the disposition at every copy would cost a system call per copy, more than a
//! 4 KiB copy itself). [`recheck`] notices at the next view mapped and switches the process
//! to the cross-memory calls from then on.
//!
//! # Speed
//!
//! Measured by `cargo run --release -p filemapping --example copy_speed`: copies into and out
//! of an already touched view of a named section (a file in `/dev/shm`), best of 300 short
//! bursts taking turns with `memcpy` through `View::as_ptr`; each figure is `memcpy` time over
//! the copy's time, so 1.0 is as fast as `memcpy`. A shared 2-core x86-64 VM (ERMS, FSRM,
//! AVX-512; glibc's `memcpy` is `__memmove_avx512_unaligned_erms`, 28 ns for 4 KiB):
//!
//! | size    | read, fixup | write, fixup | read, syscall | write, syscall |
//! |---------|-------------|--------------|---------------|----------------|
//! | 256 B   | 0.33        | 0.31         | 0.01          | 0.01           |
//! | 4 KiB   | 0.84        | 0.82         | 0.05          | 0.05           |
//! | 64 KiB  | 0.99        | 1.00         | 0.48          | 0.50           |
//! | 1 MiB   | 1.00        | 1.00         | 0.63          | 0.63           |
//!
//! Views of unnamed sections (the routine without the handler) measure the same (0.85 at
//! 4 KiB, where the volatile word loop they used before read at 0.09). Below a few KiB the
//! fixed cost of the call dominates (the range and protection checks, about 150 instructions
//! with the dispatch; at 256 bytes `memcpy` takes 4 ns). The AVX2 loop gains 0.05-0.07 over
//! `rep movsb` alone at 256 bytes to 4 KiB (0.78-0.80 at 4 KiB with `rep movsb`), nothing from
//! 16 KiB on. Alternatives timed on the same machine: an SSE2 loop (four unaligned 16-byte
//! moves a round) copies at 0.65 of `memcpy` at 4 KiB and 0.9 from 64 KiB on; aligning the
//! destination to 64 bytes before `rep movsb` gained nothing.

#![allow(unsafe_code)]

#[cfg(target_arch = "x86_64")]
mod asm;
#[cfg(target_arch = "x86_64")]
mod fault;
mod syscall;

use super::errors::os_error;
use crate::error::{ErrorKind, Result};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Once;
use syscall::{Direction, Outcome};

/// The environment variable that chooses the copies: `syscall` for the cross-memory calls.
const CHOICE: &str = "FILEMAPPING_SAFE_COPY";

/// How this process copies: one of the constants below, [`UNDECIDED`] before the first copy.
static MODE: AtomicU8 = AtomicU8::new(UNDECIDED);
static DECIDE: Once = Once::new();

const UNDECIDED: u8 = 0;
/// The assembly routine with the fault handler installed.
const FIXUP: u8 = 1;
/// `process_vm_readv`/`process_vm_writev`.
const CROSS_MEMORY: u8 = 2;
/// Volatile copies: the kernel refused the cross-memory calls.
const REFUSED: u8 = 3;

/// Copies from the view bytes at `at` into `buf`.
///
/// # Safety
///
/// `[at, at + buf.len())` lies inside a readable mapping of this process that stays mapped
/// during the call.
pub(crate) unsafe fn read(at: *const u8, buf: &mut [u8]) -> Result<()> {
    // SAFETY: the caller's promise for the view; `buf` is writable and held for the call.
    let moved = unsafe { transfer(Direction::Read, at as *mut u8, buf.as_mut_ptr(), buf.len()) };
    done_or_error(moved, "read")
}

/// Copies `data` to the view bytes at `at`.
///
/// # Safety
///
/// `[at, at + data.len())` lies inside a writable mapping of this process that stays mapped
/// during the call.
pub(crate) unsafe fn write(at: *mut u8, data: &[u8]) -> Result<()> {
    // SAFETY: the caller's promise for the view; `data` is only read.
    let moved = unsafe { transfer(Direction::Write, at, data.as_ptr() as *mut u8, data.len()) };
    done_or_error(moved, "written")
}

/// Moves `len` bytes between the view bytes at `view` and the private buffer `local`, the way
/// this process copies; returns whether every byte moved.
///
/// # Safety
///
/// `[view, view + len)` lies inside a mapping of this process that stays mapped during the
/// call, readable for [`Direction::Read`] and writable for [`Direction::Write`]; `local` is a
/// private buffer of `len` bytes held for the call: writable (from a `&mut [u8]`) for a read,
/// readable (from a `&[u8]`, never written) for a write.
unsafe fn transfer(direction: Direction, view: *mut u8, local: *mut u8, len: usize) -> bool {
    let (dst, src) = match direction {
        Direction::Read => (local, view as *const u8),
        Direction::Write => (view, local as *const u8),
    };
    let outcome = match mode() {
        // SAFETY: the caller's promise, and the handler is installed: a page that faults ends
        // the copy early.
        FIXUP => return unsafe { fixup_copy(dst, src, len) },
        // SAFETY: the caller's promise; the kernel checks the view's pages itself.
        CROSS_MEMORY => unsafe { syscall::transfer(direction, view as usize, local, len) },
        _ => Outcome::Refused,
    };
    match outcome {
        Outcome::Done => true,
        Outcome::Failed => false,
        Outcome::Refused => {
            MODE.store(REFUSED, Ordering::Relaxed);
            // SAFETY: the caller's promise, for a direct copy.
            unsafe { volatile_copy(direction, view, local, len) };
            true
        }
    }
}

/// Copies with volatile accesses to the view, as [`transfer`] says.
///
/// # Safety
///
/// As [`transfer`].
unsafe fn volatile_copy(direction: Direction, view: *mut u8, local: *mut u8, len: usize) {
    match direction {
        Direction::Read => {
            // SAFETY: for a read, `local` came from a `&mut [u8]` of `len` bytes held for the
            // call (the caller's promise).
            let buf = unsafe { std::slice::from_raw_parts_mut(local, len) };
            // SAFETY: the caller's promise for the view.
            unsafe { crate::sys::volatile::copy_from(view, buf) };
        }
        Direction::Write => {
            // SAFETY: for a write, `local` came from a `&[u8]` of `len` bytes.
            let data = unsafe { std::slice::from_raw_parts(local as *const u8, len) };
            // SAFETY: the caller's promise for the view.
            unsafe { crate::sys::volatile::copy_to(view, data) };
        }
    }
}

/// Copies from view bytes whose pages cannot fail (a sealed, fully committed memfd) into `buf`.
///
/// # Safety
///
/// `[at, at + buf.len())` lies inside a readable mapping of this process that stays mapped
/// during the call, and no page of it can fault.
pub(crate) unsafe fn read_unfailing(at: *const u8, buf: &mut [u8]) -> Result<()> {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: the caller's promise; no page faults, so the routine needs no handler (and if
    // one faulted after all with the handler installed, the copy ends early).
    let moved = unsafe { asm::copy(buf.as_mut_ptr(), at, buf.len()) == 0 };
    #[cfg(not(target_arch = "x86_64"))]
    let moved = {
        // SAFETY: the caller's promise.
        unsafe { crate::sys::volatile::copy_from(at, buf) };
        true
    };
    done_or_error(moved, "read")
}

/// Copies `data` to view bytes whose pages cannot fail.
///
/// # Safety
///
/// `[at, at + data.len())` lies inside a writable mapping of this process that stays mapped
/// during the call, and no page of it can fault.
pub(crate) unsafe fn write_unfailing(at: *mut u8, data: &[u8]) -> Result<()> {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: as in `read_unfailing`.
    let moved = unsafe { asm::copy(at, data.as_ptr(), data.len()) == 0 };
    #[cfg(not(target_arch = "x86_64"))]
    let moved = {
        // SAFETY: the caller's promise.
        unsafe { crate::sys::volatile::copy_to(at, data) };
        true
    };
    done_or_error(moved, "written")
}

/// Checks that the fault handler is still installed, if the copies rely on it; if another
/// handler replaced it, the copies use the cross-memory calls from then on. Two `sigaction`
/// queries; called as a view is mapped.
pub(crate) fn recheck() {
    #[cfg(target_arch = "x86_64")]
    if MODE.load(Ordering::Relaxed) == FIXUP && !fault::still_installed() {
        MODE.store(CROSS_MEMORY, Ordering::Relaxed);
    }
}

/// The process's way to copy, chosen at the first call.
fn mode() -> u8 {
    match MODE.load(Ordering::Relaxed) {
        UNDECIDED => {
            DECIDE.call_once(|| MODE.store(choose(), Ordering::Relaxed));
            MODE.load(Ordering::Relaxed)
        }
        mode => mode,
    }
}

fn choose() -> u8 {
    let opted_out = std::env::var_os(CHOICE).map_or(false, |v| v == "syscall");
    if !opted_out && install_handler() {
        FIXUP
    } else {
        CROSS_MEMORY
    }
}

#[cfg(target_arch = "x86_64")]
fn install_handler() -> bool {
    fault::install()
}

#[cfg(not(target_arch = "x86_64"))]
fn install_handler() -> bool {
    false
}

/// Copies `len` bytes with the fixup routine; returns whether every byte moved.
///
/// # Safety
///
/// As [`asm::copy`]; only with the handler installed ([`FIXUP`]).
#[cfg(target_arch = "x86_64")]
unsafe fn fixup_copy(dst: *mut u8, src: *const u8, len: usize) -> bool {
    // SAFETY: the caller's promise.
    unsafe { asm::copy(dst, src, len) == 0 }
}

#[cfg(not(target_arch = "x86_64"))]
unsafe fn fixup_copy(_: *mut u8, _: *const u8, _: usize) -> bool {
    unreachable!("no fixup routine on this architecture")
}

#[inline]
fn done_or_error(moved: bool, done: &str) -> Result<()> {
    if moved {
        Ok(())
    } else {
        Err(in_page_error(done))
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Two private pages, the second without access: a copy that reaches it raises `SIGSEGV`
    /// (as a page whose protection another thread changed during the copy would).
    struct Guarded(*mut u8, usize);

    impl Guarded {
        fn new() -> Guarded {
            let page = super::super::page_size();
            // SAFETY: a fresh anonymous mapping; nothing else refers to it.
            let ptr = unsafe {
                libc::mmap(
                    std::ptr::null_mut(),
                    2 * page,
                    libc::PROT_READ | libc::PROT_WRITE,
                    libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                    -1,
                    0,
                )
            };
            assert_ne!(ptr, libc::MAP_FAILED);
            let ptr = ptr.cast::<u8>();
            // SAFETY: the second page of the mapping just made.
            let ok = unsafe { libc::mprotect(ptr.add(page).cast(), page, libc::PROT_NONE) };
            assert_eq!(ok, 0);
            Guarded(ptr, page)
        }
    }

    impl Drop for Guarded {
        fn drop(&mut self) {
            // SAFETY: the mapping made by `new`, unmapped once.
            unsafe { libc::munmap(self.0.cast(), 2 * self.1) };
        }
    }

    #[test]
    fn a_sigsegv_inside_a_copy_is_an_in_page_error() {
        let guarded = Guarded::new();
        let page = guarded.1;
        let mut buf = vec![1u8; 300];
        // SAFETY: the range is in the mapping, which stays mapped; its second page faults,
        // which the copy must report.
        let at = unsafe { guarded.0.add(page - 100) };
        // SAFETY: as above.
        let err = unsafe { read(at, &mut buf) }.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InPageError, "{err}");
        // SAFETY: as above.
        let err = unsafe { write(at, &buf) }.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InPageError, "{err}");
        // SAFETY: the first page alone is readable and writable.
        unsafe { write(guarded.0, &[1u8; 100]) }.unwrap();
        let mut back = [0u8; 100];
        // SAFETY: as above.
        unsafe { read(guarded.0, &mut back) }.unwrap();
        assert_eq!(back, [1u8; 100]);
    }
}
