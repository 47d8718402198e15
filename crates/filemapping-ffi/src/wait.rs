//! Waiting for several objects and signaling one while waiting for another:
//! `WaitForMultipleObjects` and `SignalObjectAndWait`, over events, mutexes and semaphores mixed
//! freely ([`filemapping::wait_any`], [`filemapping::wait_all`],
//! [`filemapping::signal_and_wait`]). A file handle is always signaled, as in
//! `WaitForSingleObject`; a mapping handle lacks `SYNCHRONIZE` (`ERROR_ACCESS_DENIED`); a
//! closed or bogus handle is `ERROR_INVALID_HANDLE`. Every failure returns `WAIT_FAILED`.

#![allow(unsafe_code)]

use crate::boundary::guard;
use crate::error::Win32Error;
use crate::handles;
use crate::objects::Object;
use crate::types::{BOOL, DWORD, HANDLE};
use filemapping::{wait_all, wait_any, WaitAllOutcome, WaitAnyOutcome, WaitOutcome, Waitable};
use filemapping::{ERROR_ACCESS_DENIED, ERROR_INVALID_HANDLE, ERROR_INVALID_PARAMETER};
use filemapping::{ERROR_NOACCESS, MAXIMUM_WAIT_OBJECTS};
use std::sync::Arc;
use std::time::Duration;

const INFINITE: u32 = 0xFFFF_FFFF;
const WAIT_OBJECT_0: u32 = 0;
const WAIT_FAILED: u32 = 0xFFFF_FFFF;

fn timeout(millis: DWORD) -> Option<Duration> {
    (millis != INFINITE).then(|| Duration::from_millis(u64::from(millis)))
}

/// What a wait can do with the object of a handle.
enum Target<'a> {
    Object(&'a dyn Waitable),
    /// A file: always signaled.
    Signaled,
}

fn target(object: &Object) -> Result<Target<'_>, Win32Error> {
    Ok(match object {
        Object::Event(event) => Target::Object(event),
        Object::Mutex(mutex) => Target::Object(mutex),
        Object::Semaphore(semaphore) => Target::Object(semaphore),
        Object::File(_) => Target::Signaled,
        Object::Mapping(_) => return Err(Win32Error(ERROR_ACCESS_DENIED)),
    })
}

/// `WaitForMultipleObjects` in safe Rust, over the objects of `handles`.
fn wait_multiple(handles: &[HANDLE], all: bool, millis: DWORD) -> Result<u32, Win32Error> {
    let objects = handles
        .iter()
        .map(|&h| handles::get(h))
        .collect::<Result<Vec<Arc<Object>>, _>>()?;
    let targets = objects
        .iter()
        .map(|o| target(o))
        .collect::<Result<Vec<_>, _>>()?;
    // The waitable objects, and the index in `handles` of each.
    let mut waitables: Vec<&dyn Waitable> = Vec::new();
    let mut at: Vec<usize> = Vec::new();
    let mut first_file = None;
    for (i, t) in targets.iter().enumerate() {
        match t {
            Target::Object(o) => {
                waitables.push(*o);
                at.push(i);
            }
            Target::Signaled => {
                first_file.get_or_insert(i);
            }
        }
    }
    if all {
        if waitables.is_empty() {
            return Ok(WAIT_OBJECT_0);
        }
        return Ok(wait_all(&waitables, timeout(millis))?.win32_wait_value());
    }
    // A file is signaled: only the objects before the first one can win, and only if they are
    // signaled now.
    let (candidates, millis) = match first_file {
        Some(file) => (at.iter().take_while(|&&i| i < file).count(), 0),
        None => (waitables.len(), millis),
    };
    let outcome = if candidates == 0 {
        WaitAnyOutcome::TimedOut
    } else {
        wait_any(&waitables[..candidates], timeout(millis))?
    };
    Ok(match (outcome, first_file) {
        (WaitAnyOutcome::Signaled(j), _) => at[j] as u32,
        (WaitAnyOutcome::Abandoned(j), _) => WaitAnyOutcome::Abandoned(at[j]).win32_wait_value(),
        (WaitAnyOutcome::TimedOut, Some(file)) => file as u32,
        (WaitAnyOutcome::TimedOut, None) => WaitAllOutcome::TimedOut.win32_wait_value(),
    })
}

/// Waits until one of `nCount` objects (`bWaitAll` FALSE) or all of them at once (TRUE) are
/// signaled, or `dwMilliseconds` pass (`INFINITE`: forever). Wait-any returns
/// `WAIT_OBJECT_0 + i` for the lowest signaled index and takes only that object; wait-all takes
/// every object or, on `WAIT_TIMEOUT`, none. A mutex whose owner ended gives
/// `WAIT_ABANDONED_0 + i` (wait-all: `WAIT_ABANDONED_0`). `nCount` 0 or above
/// `MAXIMUM_WAIT_OBJECTS` is `ERROR_INVALID_PARAMETER`; a wait-all naming one object twice
/// is `ERROR_INVALID_PARAMETER` on Linux (Windows refuses it too; Wine does not check).
///
/// # Safety
///
/// `lpHandles` points to `nCount` handles (NULL is `ERROR_NOACCESS`); the handles themselves are
/// checked.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/synchapi/nf-synchapi-waitformultipleobjects>
#[no_mangle]
pub unsafe extern "C" fn WaitForMultipleObjects(
    nCount: DWORD,
    lpHandles: *const HANDLE,
    bWaitAll: BOOL,
    dwMilliseconds: DWORD,
) -> DWORD {
    guard(WAIT_FAILED, || {
        let count = nCount as usize;
        if count == 0 || count > MAXIMUM_WAIT_OBJECTS {
            return Err(Win32Error(ERROR_INVALID_PARAMETER));
        }
        if lpHandles.is_null() {
            return Err(Win32Error(ERROR_NOACCESS));
        }
        // SAFETY: the caller passes `nCount` readable handles at `lpHandles`, not NULL here.
        let handles = unsafe { std::slice::from_raw_parts(lpHandles, count) };
        wait_multiple(handles, bWaitAll != 0, dwMilliseconds)
    })
}

/// `SignalObjectAndWait` in safe Rust.
fn signal_then_wait(signal: HANDLE, wait: HANDLE, millis: DWORD) -> Result<u32, Win32Error> {
    let to_signal = handles::get(signal)?;
    let to_wait = handles::get(wait)?;
    let signal = match target(&to_signal) {
        Ok(Target::Object(o)) => o,
        _ => return Err(Win32Error(ERROR_INVALID_HANDLE)),
    };
    let outcome = match target(&to_wait)? {
        Target::Object(o) => filemapping::signal_and_wait(signal, o, timeout(millis))?,
        Target::Signaled => {
            match &*to_signal {
                Object::Event(event) => event.set()?,
                Object::Mutex(mutex) => mutex.release()?,
                Object::Semaphore(semaphore) => drop(semaphore.release(1)?),
                _ => return Err(Win32Error(ERROR_INVALID_HANDLE)),
            }
            WaitOutcome::Acquired
        }
    };
    Ok(outcome.win32_wait_value())
}

/// Signals `hObjectToSignal` (`SetEvent`, `ReleaseMutex`, or `ReleaseSemaphore` by 1) and
/// waits for `hObjectToWaitOn` as `WaitForSingleObject` does. `bAlertable` is ignored (there
/// are no APCs). An object to signal that is not an event, a mutex or a semaphore is
/// `ERROR_INVALID_HANDLE`; the signal's own failures (`ERROR_NOT_OWNER`,
/// `ERROR_TOO_MANY_POSTS`, `ERROR_ACCESS_DENIED`) come before any wait. On Linux the signal and
/// the start of the wait are two steps.
///
/// # Safety
///
/// No requirement: the handles are checked.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/synchapi/nf-synchapi-signalobjectandwait>
#[no_mangle]
pub extern "C" fn SignalObjectAndWait(
    hObjectToSignal: HANDLE,
    hObjectToWaitOn: HANDLE,
    dwMilliseconds: DWORD,
    bAlertable: BOOL,
) -> DWORD {
    let _ = bAlertable;
    guard(WAIT_FAILED, || {
        signal_then_wait(hObjectToSignal, hObjectToWaitOn, dwMilliseconds)
    })
}
