//! Waiting for several objects at once (`WaitForMultipleObjects`) and signaling one while
//! waiting for another (`SignalObjectAndWait`), over every synchronization type: [`Event`],
//! [`Mutex`] and [`Semaphore`], mixed freely.
//!
//! [`wait_any`] returns as soon as one object is signaled, and names the lowest signaled index;
//! [`wait_all`] waits until every object is signaled at once and then takes them all, or, if the
//! timeout passes first, takes none. Taking an object is what a single wait does to it: an
//! auto-reset event is reset, a semaphore's count goes down by one, a mutex becomes owned by the
//! calling thread (and a mutex whose owner died is reported as abandoned).
//!
//! # Platform notes
//!
//! On Windows these are the kernel's calls. On Linux the wait sleeps in `futex_waitv` on the
//! objects' futex words (Linux 5.16 or later; before, a documented degraded path naps between
//! tries). A Linux wait-all takes the objects one after the other once it has seen them all free,
//! and gives back what it took if it loses a race; a timed-out wait-all consumes nothing, as on
//! Windows, but another thread may glimpse a wait-all half done (the Linux backend's
//! documentation of `waitable` says exactly what is and is not atomic).
//!
//! [`Event`]: crate::Event
//! [`Mutex`]: crate::Mutex
//! [`Semaphore`]: crate::Semaphore

use crate::error::{Error, ErrorKind, Result};
use crate::sys::{self, MultiOutcome, WaitRef};
use crate::types::WaitOutcome;
use std::time::Duration;

/// The most objects one wait takes (`MAXIMUM_WAIT_OBJECTS`, 64).
///
/// # Examples
///
/// ```
/// assert_eq!(filemapping::MAXIMUM_WAIT_OBJECTS, 64);
/// ```
pub const MAXIMUM_WAIT_OBJECTS: usize = 64;

/// An object that can be waited for: [`Event`](crate::Event), [`Mutex`](crate::Mutex) or
/// [`Semaphore`](crate::Semaphore). The trait is sealed: no other type implements it.
///
/// # Examples
///
/// ```
/// use filemapping::{EventOptions, SemaphoreOptions, Waitable};
///
/// let (event, _) = EventOptions::new().create()?;
/// let (semaphore, _) = SemaphoreOptions::new().initial(1).maximum(1).create()?;
/// let objects: [&dyn Waitable; 2] = [&event, &semaphore];
/// # let _ = objects;
/// # Ok::<(), filemapping::Error>(())
/// ```
pub trait Waitable: sealed::Sealed + std::fmt::Debug {}

impl Waitable for crate::Event {}
impl Waitable for crate::Mutex {}
impl Waitable for crate::Semaphore {}

pub(crate) mod sealed {
    /// What a wait needs of an object: its backend handle and the rights of this handle.
    #[derive(Clone, Copy, Debug)]
    pub struct Handle<'a> {
        pub(crate) object: crate::sys::WaitRef<'a>,
        /// Whether the handle has `SYNCHRONIZE`.
        pub(crate) can_wait: bool,
        /// Whether the handle may signal the object (`EVENT_MODIFY_STATE`,
        /// `SEMAPHORE_MODIFY_STATE`; a mutex's release checks ownership instead).
        pub(crate) can_signal: bool,
        pub(crate) bits: u32,
        pub(crate) what: &'static str,
    }

    pub trait Sealed {
        fn handle(&self) -> Handle<'_>;
    }
}

/// How [`wait_any`] ended.
///
/// # Examples
///
/// ```
/// use filemapping::WaitAnyOutcome;
///
/// assert_eq!(WaitAnyOutcome::Signaled(2).win32_wait_value(), 2);
/// assert_eq!(WaitAnyOutcome::Abandoned(1).win32_wait_value(), 0x81);
/// assert_eq!(WaitAnyOutcome::TimedOut.win32_wait_value(), 0x102);
/// ```
#[must_use]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WaitAnyOutcome {
    /// The object at this index was signaled, the lowest such index, and the wait took it
    /// (`WAIT_OBJECT_0 + i`).
    Signaled(usize),
    /// The object at this index is a mutex whose owner ended while owning it; the calling
    /// thread owns it now (`WAIT_ABANDONED_0 + i`).
    Abandoned(usize),
    /// The timeout passed first; nothing was taken (`WAIT_TIMEOUT`).
    TimedOut,
}

impl WaitAnyOutcome {
    /// The index of the object taken, if any.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(filemapping::WaitAnyOutcome::Abandoned(3).index(), Some(3));
    /// assert_eq!(filemapping::WaitAnyOutcome::TimedOut.index(), None);
    /// ```
    #[must_use]
    pub fn index(self) -> Option<usize> {
        match self {
            WaitAnyOutcome::Signaled(i) | WaitAnyOutcome::Abandoned(i) => Some(i),
            WaitAnyOutcome::TimedOut => None,
        }
    }

    /// The value `WaitForMultipleObjects` returns for this outcome.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(filemapping::WaitAnyOutcome::Signaled(0).win32_wait_value(), 0);
    /// ```
    #[must_use]
    pub fn win32_wait_value(self) -> u32 {
        match self {
            WaitAnyOutcome::Signaled(i) => i as u32,
            WaitAnyOutcome::Abandoned(i) => WAIT_ABANDONED_0 + i as u32,
            WaitAnyOutcome::TimedOut => WAIT_TIMEOUT,
        }
    }
}

/// How [`wait_all`] ended.
///
/// # Examples
///
/// ```
/// use filemapping::WaitAllOutcome;
///
/// assert_eq!(WaitAllOutcome::Signaled.win32_wait_value(), 0);
/// assert_eq!(WaitAllOutcome::Abandoned.win32_wait_value(), 0x80);
/// ```
#[must_use]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WaitAllOutcome {
    /// Every object was signaled and the wait took them all (`WAIT_OBJECT_0`).
    Signaled,
    /// As `Signaled`, and at least one of the objects is a mutex abandoned by an owner that
    /// ended (`WAIT_ABANDONED_0`: Windows names no index for a wait-all, and Wine agrees).
    Abandoned,
    /// The timeout passed first; nothing was taken (`WAIT_TIMEOUT`).
    TimedOut,
}

impl WaitAllOutcome {
    /// Whether the wait took every object.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(filemapping::WaitAllOutcome::Abandoned.is_acquired());
    /// ```
    #[must_use]
    pub fn is_acquired(self) -> bool {
        self != WaitAllOutcome::TimedOut
    }

    /// The value `WaitForMultipleObjects` returns for this outcome.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(filemapping::WaitAllOutcome::TimedOut.win32_wait_value(), 0x102);
    /// ```
    #[must_use]
    pub fn win32_wait_value(self) -> u32 {
        match self {
            WaitAllOutcome::Signaled => 0,
            WaitAllOutcome::Abandoned => WAIT_ABANDONED_0,
            WaitAllOutcome::TimedOut => WAIT_TIMEOUT,
        }
    }
}

const WAIT_ABANDONED_0: u32 = 0x80;
const WAIT_TIMEOUT: u32 = 0x102;

/// The backend handles of `objects`, checked: 1 to 64 of them, each with `SYNCHRONIZE`.
fn handles<'a>(objects: &[&'a dyn Waitable]) -> Result<Vec<WaitRef<'a>>> {
    if objects.is_empty() || objects.len() > MAXIMUM_WAIT_OBJECTS {
        return Err(Error::new(
            ErrorKind::InvalidParameter,
            format!(
                "a wait takes 1 to {MAXIMUM_WAIT_OBJECTS} objects, not {}",
                objects.len()
            ),
        ));
    }
    objects.iter().map(|o| waitable(o.handle())).collect()
}

fn waitable(handle: sealed::Handle<'_>) -> Result<WaitRef<'_>> {
    crate::waitable::require(
        handle.can_wait,
        handle.bits,
        handle.what,
        "wait for it (SYNCHRONIZE)",
    )?;
    Ok(handle.object)
}

/// Waits until one of `objects` is signaled and takes it (`WaitForMultipleObjects` with
/// `bWaitAll` false): the lowest signaled index wins. `None` waits forever (`INFINITE`);
/// `Some(Duration::ZERO)` only looks. The objects may be of different types, and the same
/// object may appear twice.
///
/// # Errors
///
/// [`ErrorKind::InvalidParameter`] for no objects or more than [`MAXIMUM_WAIT_OBJECTS`];
/// [`ErrorKind::AccessDenied`] if a handle lacks `SYNCHRONIZE` (`WAIT_FAILED` on Windows).
///
/// # Examples
///
/// ```
/// use filemapping::{wait_any, EventOptions, MutexOptions, WaitAnyOutcome};
/// use std::time::Duration;
///
/// let (stop, _) = EventOptions::new().create()?;
/// let (work, _) = EventOptions::new().create()?;
/// let (lock, _) = MutexOptions::new().create()?;
/// assert_eq!(wait_any(&[&stop, &work], Some(Duration::ZERO))?, WaitAnyOutcome::TimedOut);
/// work.set()?;
/// stop.set()?;
/// // Both are signaled: the lowest index wins, and only that event is consumed.
/// assert_eq!(wait_any(&[&stop, &work], None)?, WaitAnyOutcome::Signaled(0));
/// assert_eq!(wait_any(&[&stop, &work, &lock], None)?, WaitAnyOutcome::Signaled(1));
/// assert_eq!(wait_any(&[&stop, &work, &lock], None)?, WaitAnyOutcome::Signaled(2));
/// lock.release()?;
/// # Ok::<(), filemapping::Error>(())
/// ```
#[doc(alias = "WaitForMultipleObjects")]
pub fn wait_any(objects: &[&dyn Waitable], timeout: Option<Duration>) -> Result<WaitAnyOutcome> {
    let refs = handles(objects)?;
    Ok(match sys::wait_multiple(&refs, false, timeout)? {
        MultiOutcome::Signaled(i) => WaitAnyOutcome::Signaled(i),
        MultiOutcome::Abandoned(i) => WaitAnyOutcome::Abandoned(i),
        MultiOutcome::TimedOut => WaitAnyOutcome::TimedOut,
    })
}

/// Waits until every one of `objects` is signaled at once and takes them all
/// (`WaitForMultipleObjects` with `bWaitAll` true); if the timeout passes first, takes none.
///
/// # Errors
///
/// As [`wait_any`], and [`ErrorKind::InvalidParameter`] if one object appears twice (through
/// the same or another handle).
///
/// # Examples
///
/// ```
/// use filemapping::{wait_all, EventOptions, SemaphoreOptions, WaitAllOutcome};
/// use std::time::Duration;
///
/// let (ready, _) = EventOptions::new().create()?;
/// let (slots, _) = SemaphoreOptions::new().initial(1).maximum(4).create()?;
/// // The event is not set: the wait times out and leaves the semaphore's unit alone.
/// assert_eq!(wait_all(&[&ready, &slots], Some(Duration::ZERO))?, WaitAllOutcome::TimedOut);
/// assert_eq!(slots.release(1)?, 1);
/// ready.set()?;
/// assert_eq!(wait_all(&[&ready, &slots], None)?, WaitAllOutcome::Signaled);
/// assert_eq!(slots.release(1)?, 1, "one unit taken");
/// # Ok::<(), filemapping::Error>(())
/// ```
#[doc(alias = "WaitForMultipleObjects")]
pub fn wait_all(objects: &[&dyn Waitable], timeout: Option<Duration>) -> Result<WaitAllOutcome> {
    let refs = handles(objects)?;
    Ok(match sys::wait_multiple(&refs, true, timeout)? {
        MultiOutcome::Signaled(_) => WaitAllOutcome::Signaled,
        MultiOutcome::Abandoned(_) => WaitAllOutcome::Abandoned,
        MultiOutcome::TimedOut => WaitAllOutcome::TimedOut,
    })
}

/// Signals `signal` and waits for `wait` (`SignalObjectAndWait`, not alertable): signaling sets
/// an event, releases a mutex once, or releases a semaphore by one.
///
/// # Errors
///
/// [`ErrorKind::AccessDenied`] if `signal`'s handle may not signal it or `wait`'s lacks
/// `SYNCHRONIZE`; [`ErrorKind::NotOwner`] if `signal` is a mutex the calling thread does not own;
/// [`ErrorKind::TooManyPosts`] if it is a semaphore at its maximum. Nothing is waited for then.
///
/// # Platform notes
///
/// Windows signals and starts waiting in one step; on Linux the signal comes first, and another
/// thread can act between the two (for example take the mutex just released before the wait
/// begins).
///
/// # Examples
///
/// ```
/// use filemapping::{signal_and_wait, EventOptions, WaitOutcome};
/// use std::time::Duration;
///
/// let (ping, _) = EventOptions::new().create()?;
/// let (pong, _) = EventOptions::new().initial_state(true).create()?;
/// assert_eq!(signal_and_wait(&ping, &pong, Some(Duration::ZERO))?, WaitOutcome::Acquired);
/// assert!(ping.wait(Some(Duration::ZERO))?, "ping was set");
/// # Ok::<(), filemapping::Error>(())
/// ```
#[doc(alias = "SignalObjectAndWait")]
pub fn signal_and_wait(
    signal: &dyn Waitable,
    wait: &dyn Waitable,
    timeout: Option<Duration>,
) -> Result<WaitOutcome> {
    let to_signal = signal.handle();
    crate::waitable::require(
        to_signal.can_signal,
        to_signal.bits,
        to_signal.what,
        "signal it (MODIFY_STATE)",
    )?;
    let to_wait = waitable(wait.handle())?;
    Ok(
        match sys::signal_and_wait(to_signal.object, to_wait, timeout)? {
            MultiOutcome::Signaled(_) => WaitOutcome::Acquired,
            MultiOutcome::Abandoned(_) => WaitOutcome::Abandoned,
            MultiOutcome::TimedOut => WaitOutcome::TimedOut,
        },
    )
}
