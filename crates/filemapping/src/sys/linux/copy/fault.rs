//! The process-wide `SIGBUS`/`SIGSEGV` handler that turns a fault of the copy routine
//! ([`super::asm`]) into an early return, and passes every other fault on exactly as the
//! kernel would have delivered it without this handler.
//!
//! Installed once, lazily, at the first copy (`sigaction` with `SA_SIGINFO | SA_ONSTACK |
//! SA_NODEFER`, keeping `SA_RESTART` if the disposition it replaces had it). The dispositions
//! it replaces are kept, and a signal that is not a fault of the copy instruction goes to them:
//!
//! - a handler runs with the mask it asked for (its `sa_mask`, plus the signal unless it has
//!   `SA_NODEFER`), with the same arguments (`SA_SIGINFO`) or the signal number alone; one with
//!   `SA_RESETHAND` runs once, later signals taking the default action;
//! - the default action, or `SIG_IGN` for a fault (the kernel forces the default action on an
//!   ignored fault): the default disposition is put back and the handler returns, so the
//!   faulting instruction runs again and the process dies of the signal as it would have
//!   without us (with its core dump); a signal sent by `kill` is raised again instead;
//! - `SIG_IGN` for a signal sent by `kill`: nothing.
//!
//! `SA_NODEFER` leaves the signal unblocked while the handler runs, so that the previous
//! handler runs with exactly the mask the kernel would have given it, rather than with the
//! signal blocked whatever it asked for (a handler that leaves by `siglongjmp` would otherwise
//! find the signal blocked for good). The handler itself cannot fault.
//!
//! Only a fault raised by the kernel (`si_code > 0`) at the copy instruction is taken; a
//! `SIGBUS` sent by another process while a copy runs is passed on. The handler calls only
//! async-signal-safe functions (`sigaction`, `sigaddset`, `pthread_sigmask`, `raise`) and
//! reads only what was written before it was installed.
//!
//! Threads share the handler; each thread's alternate stack (if it has one) is used; a `fork`ed
//! child inherits the handler and the same code addresses, and `exec` resets it. A handler
//! that the application installs later replaces this one: faults of the copy routine then go
//! to it (most such handlers, like the one of Rust's standard library, chain to the handler
//! they replaced, which is this one). [`still_installed`] lets the copies notice and stop
//! relying on it.

#![allow(unsafe_code)]

use super::asm;
use std::cell::UnsafeCell;
use std::mem::MaybeUninit;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Once;

/// The signals a copy of a view may raise: `SIGBUS` (a page that cannot be had) and `SIGSEGV`
/// (a page whose protection another thread changed, or that it unmapped, during the copy).
const SIGNALS: [libc::c_int; 2] = [libc::SIGBUS, libc::SIGSEGV];

/// The dispositions the handler replaced, one per entry of [`SIGNALS`].
struct Previous {
    actions: UnsafeCell<[MaybeUninit<libc::sigaction>; 2]>,
    /// Whether a `SA_RESETHAND` handler has run: the default action from then on.
    reset: [AtomicBool; 2],
}

// SAFETY: `actions` is written only by `query_previous`, inside `INSTALL`'s one run and before
// the handler (its only reader) is installed; it is never written again, so the shared reads
// of the handler on any thread never race with a write. `reset` is atomic.
unsafe impl Sync for Previous {}

static PREVIOUS: Previous = Previous {
    actions: UnsafeCell::new([MaybeUninit::uninit(); 2]),
    reset: [AtomicBool::new(false), AtomicBool::new(false)],
};

static INSTALL: Once = Once::new();
static INSTALLED: AtomicBool = AtomicBool::new(false);

/// Installs the handler (once per process); returns whether it is installed.
pub(super) fn install() -> bool {
    INSTALL.call_once(|| INSTALLED.store(install_now(), Ordering::Release));
    INSTALLED.load(Ordering::Acquire)
}

/// Whether both signals still have this handler: an application that installs its own
/// handler later replaces it. One `sigaction` query per signal.
pub(super) fn still_installed() -> bool {
    SIGNALS.iter().all(|&signal| {
        let mut current = MaybeUninit::<libc::sigaction>::uninit();
        // SAFETY: a null new action only queries; the kernel writes the current one into
        // `current`, which is then initialised.
        let ok = unsafe { libc::sigaction(signal, std::ptr::null(), current.as_mut_ptr()) } == 0;
        // SAFETY: initialised by the successful call.
        ok && unsafe { current.assume_init() }.sa_sigaction == handler_address()
    })
}

fn handler_address() -> libc::sighandler_t {
    on_fault as extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) as usize
}

fn install_now() -> bool {
    if !query_previous() {
        return false;
    }
    for (i, &signal) in SIGNALS.iter().enumerate() {
        let before = previous(i);
        let ours = our_action(before.sa_flags & libc::SA_RESTART);
        let mut replaced = MaybeUninit::<libc::sigaction>::uninit();
        // SAFETY: `ours` is a complete action whose handler is `on_fault`; the kernel writes
        // the replaced action into `replaced`.
        let ok = unsafe { libc::sigaction(signal, &ours, replaced.as_mut_ptr()) } == 0;
        if !ok {
            back_out(i, None);
            return false;
        }
        // SAFETY: initialised by the successful call.
        let replaced = unsafe { replaced.assume_init() };
        if replaced.sa_sigaction != before.sa_sigaction || replaced.sa_flags != before.sa_flags {
            // Another thread changed the disposition between the query and now: leave it
            // theirs, and do without the handler.
            back_out(i, Some(&replaced));
            return false;
        }
    }
    true
}

/// Records the current dispositions of [`SIGNALS`] in [`PREVIOUS`]; returns whether it could.
fn query_previous() -> bool {
    let slots = PREVIOUS
        .actions
        .get()
        .cast::<MaybeUninit<libc::sigaction>>();
    SIGNALS.iter().enumerate().all(|(i, &signal)| {
        // SAFETY: `i < 2`, inside the array; nothing reads it yet (see `Previous`), and this
        // runs once. A null new action only queries.
        unsafe { libc::sigaction(signal, std::ptr::null(), (*slots.add(i)).as_mut_ptr()) == 0 }
    })
}

/// Puts back the dispositions of the signals before `failed`, and `theirs` for `failed`.
fn back_out(failed: usize, theirs: Option<&libc::sigaction>) {
    for (i, &signal) in SIGNALS.iter().enumerate().take(failed) {
        restore(signal, previous(i));
    }
    if let Some(theirs) = theirs {
        restore(SIGNALS[failed], theirs);
    }
}

fn restore(signal: libc::c_int, action: &libc::sigaction) {
    // SAFETY: `action` is a complete action the kernel gave.
    unsafe { libc::sigaction(signal, action, std::ptr::null_mut()) };
}

/// The disposition that entry `i` of [`SIGNALS`] had before the handler.
fn previous(i: usize) -> &'static libc::sigaction {
    let slots = PREVIOUS
        .actions
        .get()
        .cast::<MaybeUninit<libc::sigaction>>();
    // SAFETY: called only after `query_previous` succeeded, which initialised both slots and
    // never writes them again (see `Previous`); `i < 2`.
    unsafe { (*slots.add(i)).assume_init_ref() }
}

fn our_action(extra_flags: libc::c_int) -> libc::sigaction {
    // SAFETY: all-zero is a valid `sigaction` (integers, a mask and an optional function).
    let mut action: libc::sigaction = unsafe { std::mem::zeroed() };
    action.sa_sigaction = handler_address();
    action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK | libc::SA_NODEFER | extra_flags;
    // SAFETY: `sa_mask` is a valid set to clear.
    unsafe { libc::sigemptyset(&mut action.sa_mask) };
    action
}

extern "C" fn on_fault(
    signal: libc::c_int,
    info: *mut libc::siginfo_t,
    context: *mut libc::c_void,
) {
    // SAFETY: the kernel passes an SA_SIGINFO handler a valid `siginfo_t` and the interrupted
    // context, both live while it runs.
    let fault = !info.is_null() && unsafe { (*info).si_code } > 0;
    // SAFETY: as above; `context` is the running handler's context.
    if fault && !context.is_null() && unsafe { asm::redirect(context) } {
        return;
    }
    // SAFETY: as above.
    unsafe { chain(signal, info, context, fault) };
}

/// Delivers `signal` to the disposition this handler replaced, as the kernel would have.
///
/// # Safety
///
/// Called from `on_fault` with the arguments the kernel gave it.
unsafe fn chain(
    signal: libc::c_int,
    info: *mut libc::siginfo_t,
    context: *mut libc::c_void,
    fault: bool,
) {
    let i = usize::from(signal != SIGNALS[0]);
    let before = previous(i);
    let handler =
        if PREVIOUS.reset[i].load(Ordering::Relaxed) || before.sa_sigaction == handler_address() {
            libc::SIG_DFL
        } else {
            before.sa_sigaction
        };
    match handler {
        libc::SIG_IGN if !fault => {}
        libc::SIG_DFL | libc::SIG_IGN => {
            restore(signal, &default_action());
            if !fault {
                // SAFETY: raise is async-signal-safe; the signal is not blocked (SA_NODEFER)
                // and now has its default action.
                unsafe { libc::raise(signal) };
            }
        }
        handler => {
            if before.sa_flags & libc::SA_RESETHAND != 0 {
                PREVIOUS.reset[i].store(true, Ordering::Relaxed);
            }
            block_for(signal, before);
            // SAFETY: `handler` is the function the application installed with these flags,
            // called with the arguments the kernel gave, as the kernel would have called it.
            unsafe { call(handler, before.sa_flags, signal, info, context) };
        }
    }
}

/// Blocks what the kernel would have blocked while `before`'s handler runs.
fn block_for(signal: libc::c_int, before: &libc::sigaction) {
    let mut mask = before.sa_mask;
    if before.sa_flags & libc::SA_NODEFER == 0 {
        // SAFETY: `mask` is a valid set and `signal` a valid signal number.
        unsafe { libc::sigaddset(&mut mask, signal) };
    }
    // SAFETY: `mask` is a valid set; adding to the running handler's mask, which the kernel
    // puts back from the context as the handler returns.
    unsafe { libc::pthread_sigmask(libc::SIG_BLOCK, &mask, std::ptr::null_mut()) };
}

/// Calls the application's handler at address `handler`.
///
/// # Safety
///
/// `handler` was installed with `flags` for `signal`, and the other arguments are the
/// kernel's.
unsafe fn call(
    handler: libc::sighandler_t,
    flags: libc::c_int,
    signal: libc::c_int,
    info: *mut libc::siginfo_t,
    context: *mut libc::c_void,
) {
    type WithInfo = extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void);
    type Plain = extern "C" fn(libc::c_int);
    if flags & libc::SA_SIGINFO != 0 {
        // SAFETY: installed with SA_SIGINFO, so it is a three-argument handler.
        let handler = unsafe { std::mem::transmute::<libc::sighandler_t, WithInfo>(handler) };
        handler(signal, info, context);
    } else {
        // SAFETY: installed without SA_SIGINFO, so it is a one-argument handler.
        let handler = unsafe { std::mem::transmute::<libc::sighandler_t, Plain>(handler) };
        handler(signal);
    }
}

fn default_action() -> libc::sigaction {
    // SAFETY: all-zero is a valid `sigaction`: SIG_DFL, no flags, an empty mask.
    unsafe { std::mem::zeroed() }
}
