//! Mutexes and semaphores on Windows: `CreateMutexExW`, `OpenMutexW`, `ReleaseMutex`,
//! `CreateSemaphoreExW`, `OpenSemaphoreW`, `ReleaseSemaphore`, `WaitForSingleObject`,
//! `WaitForMultipleObjects` and `SignalObjectAndWait`, passed through. The kernel owns, counts
//! and abandons, and checks and takes all objects of a wait-all at once.

#![allow(unsafe_code)]

use super::handle::{last_error, Handle};
use super::section::{duplicate_raw, security, wide};
use crate::error::Result;
use crate::sys::{InheritOps, MultiOutcome, MutexOps, MutexParams, OpenRequest, SemaphoreOps};
use crate::sys::{SemaphoreParams, SyncRequest, WaitRef};
use crate::types::{Disposition, WaitOutcome};
use std::time::Duration;
use windows_sys::Win32::Foundation::{
    GetLastError, ERROR_ALREADY_EXISTS, HANDLE, WAIT_ABANDONED, WAIT_OBJECT_0, WAIT_TIMEOUT,
};
use windows_sys::Win32::System::Threading::{
    CreateMutexExW, CreateSemaphoreExW, OpenMutexW, OpenSemaphoreW, ReleaseMutex, ReleaseSemaphore,
    SignalObjectAndWait, WaitForMultipleObjects, WaitForSingleObject, CREATE_MUTEX_INITIAL_OWNER,
    INFINITE,
};

/// One handle to a mutex.
#[derive(Debug)]
pub(crate) struct Mutex(Handle);

/// One handle to a semaphore.
#[derive(Debug)]
pub(crate) struct Semaphore(Handle);

/// Runs a create call `make(attributes, name or NULL)`, and says whether it made the object.
fn create<P>(
    req: &SyncRequest<'_, P>,
    what: &str,
    make: impl FnOnce(*const windows_sys::Win32::Security::SECURITY_ATTRIBUTES, *const u16) -> HANDLE,
) -> Result<(Handle, Disposition)> {
    let name = Some(req.raw_name).filter(|n| !n.is_empty()).map(wide);
    let name_ptr = name.as_ref().map_or(std::ptr::null(), |n| n.as_ptr());
    let attrs = security(req.inheritable);
    let raw = make(&attrs, name_ptr);
    // SAFETY: reads the calling thread's error slot right after the call.
    let existed = unsafe { GetLastError() } == ERROR_ALREADY_EXISTS;
    let handle = Handle::from_result(raw, what)?;
    let disposition = if existed {
        Disposition::OpenedExisting
    } else {
        Disposition::Created
    };
    Ok((handle, disposition))
}

/// A timeout in milliseconds, `INFINITE` for none.
fn millis(timeout: Option<Duration>) -> u32 {
    timeout.map_or(INFINITE, |t| {
        t.as_millis().min(u128::from(INFINITE - 1)) as u32
    })
}

/// The kernel handle behind a multi-wait's object.
fn raw(object: WaitRef<'_>) -> HANDLE {
    match object {
        WaitRef::Event(event) => event.raw(),
        WaitRef::Mutex(mutex) => mutex.0.raw(),
        WaitRef::Semaphore(semaphore) => semaphore.0.raw(),
    }
}

/// A wait's result for `count` objects: `WAIT_OBJECT_0 + i`, `WAIT_ABANDONED_0 + i`,
/// `WAIT_TIMEOUT`, else the last error of `what`.
fn outcome(code: u32, count: usize, what: &str) -> Result<MultiOutcome> {
    let count = count as u32;
    if code == WAIT_TIMEOUT {
        Ok(MultiOutcome::TimedOut)
    } else if (WAIT_OBJECT_0..WAIT_OBJECT_0 + count).contains(&code) {
        Ok(MultiOutcome::Signaled((code - WAIT_OBJECT_0) as usize))
    } else if (WAIT_ABANDONED..WAIT_ABANDONED + count).contains(&code) {
        Ok(MultiOutcome::Abandoned((code - WAIT_ABANDONED) as usize))
    } else {
        Err(last_error(what))
    }
}

/// `WaitForMultipleObjects` (the caller checked the count and the rights).
pub(crate) fn wait_multiple(
    objects: &[WaitRef<'_>],
    all: bool,
    timeout: Option<Duration>,
) -> Result<MultiOutcome> {
    let handles: Vec<HANDLE> = objects.iter().copied().map(raw).collect();
    // SAFETY: `handles` holds `handles.len()` (at most 64) handles owned by the objects, which
    // outlive the call.
    let code = unsafe {
        WaitForMultipleObjects(
            handles.len() as u32,
            handles.as_ptr(),
            all.into(),
            millis(timeout),
        )
    };
    outcome(code, handles.len(), "WaitForMultipleObjects")
}

/// `SignalObjectAndWait`, not alertable.
pub(crate) fn signal_and_wait(
    signal: WaitRef<'_>,
    wait: WaitRef<'_>,
    timeout: Option<Duration>,
) -> Result<MultiOutcome> {
    // SAFETY: both handles are owned by objects that outlive the call.
    let code = unsafe { SignalObjectAndWait(raw(signal), raw(wait), millis(timeout), 0) };
    outcome(code, 1, "SignalObjectAndWait")
}

/// `WaitForSingleObject` on `handle`.
fn wait(handle: &Handle, timeout: Option<Duration>) -> Result<u32> {
    let ms = millis(timeout);
    // SAFETY: the handle is owned by the caller's object.
    match unsafe { WaitForSingleObject(handle.raw(), ms) } {
        code @ (WAIT_OBJECT_0 | WAIT_ABANDONED | WAIT_TIMEOUT) => Ok(code),
        _ => Err(last_error("WaitForSingleObject")),
    }
}

impl InheritOps for Mutex {
    fn inherit_raw(&self) -> Option<u64> {
        self.0.inherit_raw()
    }

    unsafe fn adopt_raw(raw: u64) -> Result<Mutex> {
        // SAFETY: the caller upholds the contract, which is `Handle::adopt`'s own.
        unsafe { Handle::adopt(raw, "Mutant") }.map(Mutex)
    }
}

impl MutexOps for Mutex {
    fn create(req: &SyncRequest<'_, MutexParams>) -> Result<(Mutex, Disposition)> {
        let flags = if req.params.initial_owner {
            CREATE_MUTEX_INITIAL_OWNER
        } else {
            0
        };
        // SAFETY: every pointer is valid for the call or null where the API allows it.
        let made = create(req, "CreateMutexExW", |attrs, name| unsafe {
            CreateMutexExW(attrs, name, flags, req.access)
        })?;
        Ok((Mutex(made.0), made.1))
    }

    fn open(req: &OpenRequest<'_>, access: u32) -> Result<Mutex> {
        let name = wide(req.raw_name);
        // SAFETY: `name` is NUL-terminated and outlives the call.
        let raw = unsafe { OpenMutexW(access, req.inheritable.into(), name.as_ptr()) };
        Handle::from_result(raw, "OpenMutexW").map(Mutex)
    }

    fn wait(&self, timeout: Option<Duration>) -> Result<WaitOutcome> {
        Ok(match wait(&self.0, timeout)? {
            WAIT_OBJECT_0 => WaitOutcome::Acquired,
            WAIT_ABANDONED => WaitOutcome::Abandoned,
            _ => WaitOutcome::TimedOut,
        })
    }

    fn release(&self) -> Result<()> {
        // SAFETY: the handle is owned by `self`.
        if unsafe { ReleaseMutex(self.0.raw()) } == 0 {
            return Err(last_error("ReleaseMutex"));
        }
        Ok(())
    }

    fn duplicate(&self, access: u32, inheritable: bool) -> Result<Mutex> {
        duplicate_raw(self.0.raw(), access, inheritable, false).map(Mutex)
    }
}

impl InheritOps for Semaphore {
    fn inherit_raw(&self) -> Option<u64> {
        self.0.inherit_raw()
    }

    unsafe fn adopt_raw(raw: u64) -> Result<Semaphore> {
        // SAFETY: the caller upholds the contract, which is `Handle::adopt`'s own.
        unsafe { Handle::adopt(raw, "Semaphore") }.map(Semaphore)
    }
}

impl SemaphoreOps for Semaphore {
    fn create(req: &SyncRequest<'_, SemaphoreParams>) -> Result<(Semaphore, Disposition)> {
        let (initial, maximum) = (req.params.initial as i32, req.params.maximum as i32);
        // SAFETY: every pointer is valid for the call or null where the API allows it.
        let made = create(req, "CreateSemaphoreExW", |attrs, name| unsafe {
            CreateSemaphoreExW(attrs, initial, maximum, name, 0, req.access)
        })?;
        Ok((Semaphore(made.0), made.1))
    }

    fn open(req: &OpenRequest<'_>, access: u32) -> Result<Semaphore> {
        let name = wide(req.raw_name);
        // SAFETY: `name` is NUL-terminated and outlives the call.
        let raw = unsafe { OpenSemaphoreW(access, req.inheritable.into(), name.as_ptr()) };
        Handle::from_result(raw, "OpenSemaphoreW").map(Semaphore)
    }

    fn wait(&self, timeout: Option<Duration>) -> Result<bool> {
        Ok(wait(&self.0, timeout)? != WAIT_TIMEOUT)
    }

    fn release(&self, count: u32) -> Result<u32> {
        let mut previous = 0i32;
        // SAFETY: the handle is owned by `self`; `previous` is writable.
        if unsafe { ReleaseSemaphore(self.0.raw(), count as i32, &mut previous) } == 0 {
            return Err(last_error("ReleaseSemaphore"));
        }
        Ok(previous as u32)
    }

    fn duplicate(&self, access: u32, inheritable: bool) -> Result<Semaphore> {
        duplicate_raw(self.0.raw(), access, inheritable, false).map(Semaphore)
    }
}
