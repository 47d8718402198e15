//! Named events: `CreateEventA/W`, `OpenEventA/W`, `SetEvent`, `ResetEvent`, `PulseEvent` and
//! `WaitForSingleObject`. Events share the namespace of file mappings: a name held by the other
//! type is `ERROR_INVALID_HANDLE` (spec §4, rows 39-41).

#![allow(unsafe_code)]

use crate::boundary::{guard, inheritable, to_bool};
use crate::error::Win32Error;
use crate::names::CName;
use crate::objects::Object;
use crate::types::{BOOL, DWORD, HANDLE, LPCSTR, LPCWSTR, SECURITY_ATTRIBUTES};
use crate::{handles, last_error};
use filemapping::{Event, EventAccess, EventOpenOptions, EventOptions};
use filemapping::{ERROR_ACCESS_DENIED, ERROR_INVALID_PARAMETER};
use std::ptr::null_mut;
use std::time::Duration;

const INFINITE: u32 = 0xFFFF_FFFF;
const WAIT_OBJECT_0: u32 = 0;
const WAIT_TIMEOUT: u32 = 0x102;
const WAIT_FAILED: u32 = 0xFFFF_FFFF;

/// What `CreateEvent` was asked for, once the C arguments are read.
struct CreateArgs {
    inheritable: bool,
    manual_reset: bool,
    initial_state: bool,
    name: Option<String>,
}

/// `CreateEvent` in safe Rust: sets the last error to 0 or `ERROR_ALREADY_EXISTS`.
fn create(args: CreateArgs) -> Result<HANDLE, Win32Error> {
    let (event, disposition) = EventOptions::new()
        .name(args.name.as_deref().unwrap_or(""))
        .manual_reset(args.manual_reset)
        .initial_state(args.initial_state)
        .inheritable(args.inheritable)
        .create()?;
    let handle = handles::insert(Object::Event(event));
    last_error::set(disposition.win32_last_error());
    Ok(handle)
}

/// `OpenEvent` in safe Rust. A NULL name is `ERROR_INVALID_PARAMETER`.
fn open(access: u32, inheritable: bool, name: Option<String>) -> Result<HANDLE, Win32Error> {
    let name = name.ok_or(Win32Error(ERROR_INVALID_PARAMETER))?;
    let event = EventOpenOptions::new(EventAccess::from_bits(access))
        .inheritable(inheritable)
        .open(&name)?;
    Ok(handles::insert(Object::Event(event)))
}

/// Runs `op` on the event behind `handle` (`ERROR_INVALID_HANDLE` for any other handle).
fn with_event<T>(
    handle: HANDLE,
    op: impl FnOnce(&Event) -> filemapping::Result<T>,
) -> Result<T, Win32Error> {
    let object = handles::get(handle)?;
    Ok(op(object.event()?)?)
}

/// `WaitForSingleObject` in safe Rust: a blocking wait in the kernel, never polling. A file
/// is always signaled (no I/O is ever pending); a mapping handle, and an event handle opened
/// without it, lack `SYNCHRONIZE`.
fn wait(handle: HANDLE, millis: u32) -> Result<u32, Win32Error> {
    let timeout = (millis != INFINITE).then(|| Duration::from_millis(u64::from(millis)));
    let signaled = match &*handles::get(handle)? {
        Object::Event(event) => event.wait(timeout)?,
        Object::Semaphore(semaphore) => semaphore.wait(timeout)?,
        Object::Mutex(mutex) => return Ok(mutex.wait(timeout)?.win32_wait_value()),
        Object::File(_) => true,
        Object::Mapping(_) => return Err(Win32Error(ERROR_ACCESS_DENIED)),
    };
    Ok(if signaled {
        WAIT_OBJECT_0
    } else {
        WAIT_TIMEOUT
    })
}

/// `CreateEventA/W` behind the boundary; `flags` are `(bManualReset, bInitialState)`.
///
/// # Safety
///
/// `attributes` is NULL or points to a valid `SECURITY_ATTRIBUTES`; `name` is NULL or
/// NUL-terminated.
unsafe fn create_event(
    attributes: *const SECURITY_ATTRIBUTES,
    flags: (BOOL, BOOL),
    name: CName,
) -> HANDLE {
    guard(null_mut(), || {
        let args = CreateArgs {
            // SAFETY: NULL or valid, as this function's contract requires.
            inheritable: unsafe { inheritable(attributes) },
            manual_reset: flags.0 != 0,
            initial_state: flags.1 != 0,
            // SAFETY: NULL or NUL-terminated, as this function's contract requires.
            name: unsafe { name.object_name() }?,
        };
        create(args)
    })
}

/// `OpenEventA/W` behind the boundary.
///
/// # Safety
///
/// `name` is NULL or NUL-terminated.
unsafe fn open_event(access: DWORD, inherit: BOOL, name: CName) -> HANDLE {
    guard(null_mut(), || {
        // SAFETY: NULL or NUL-terminated, as this function's contract requires.
        open(access, inherit != 0, unsafe { name.object_name() }?)
    })
}

/// Creates an event, or opens the live one of the same name (then the last error is
/// `ERROR_ALREADY_EXISTS` and the flags are ignored). A manual-reset event stays signaled until
/// `ResetEvent`; an auto-reset event releases one waiter. NULL on failure; a name held by a file
/// mapping is `ERROR_INVALID_HANDLE`.
///
/// # Safety
///
/// - `lpEventAttributes` is NULL or points to a valid `SECURITY_ATTRIBUTES`.
/// - `lpName` is NULL or points to a NUL-terminated string.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/synchapi/nf-synchapi-createeventa>
#[no_mangle]
pub unsafe extern "C" fn CreateEventA(
    lpEventAttributes: *const SECURITY_ATTRIBUTES,
    bManualReset: BOOL,
    bInitialState: BOOL,
    lpName: LPCSTR,
) -> HANDLE {
    let flags = (bManualReset, bInitialState);
    // SAFETY: this function's contract is `create_event`'s.
    unsafe { create_event(lpEventAttributes, flags, CName::Ansi(lpName)) }
}

/// Creates or opens an event named in UTF-16. See [`CreateEventA`].
///
/// # Safety
///
/// - `lpEventAttributes` is NULL or points to a valid `SECURITY_ATTRIBUTES`.
/// - `lpName` is NULL or points to a NUL-terminated UTF-16 string.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/synchapi/nf-synchapi-createeventw>
#[no_mangle]
pub unsafe extern "C" fn CreateEventW(
    lpEventAttributes: *const SECURITY_ATTRIBUTES,
    bManualReset: BOOL,
    bInitialState: BOOL,
    lpName: LPCWSTR,
) -> HANDLE {
    let flags = (bManualReset, bInitialState);
    // SAFETY: this function's contract is `create_event`'s.
    unsafe { create_event(lpEventAttributes, flags, CName::Wide(lpName)) }
}

/// Opens the live event `lpName` with exactly `dwDesiredAccess` (`SYNCHRONIZE` to wait,
/// `EVENT_MODIFY_STATE` to set and reset, `EVENT_ALL_ACCESS`; `GENERIC_*` rights mapped through
/// the event generic mapping). NULL and `ERROR_FILE_NOT_FOUND` if no object has the name,
/// `ERROR_INVALID_HANDLE` if a file mapping has it.
///
/// # Safety
///
/// `lpName` is NULL or points to a NUL-terminated string.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/synchapi/nf-synchapi-openeventa>
#[no_mangle]
pub unsafe extern "C" fn OpenEventA(
    dwDesiredAccess: DWORD,
    bInheritHandle: BOOL,
    lpName: LPCSTR,
) -> HANDLE {
    // SAFETY: this function's contract is `open_event`'s.
    unsafe { open_event(dwDesiredAccess, bInheritHandle, CName::Ansi(lpName)) }
}

/// Opens the live event named `lpName` in UTF-16. See [`OpenEventA`].
///
/// # Safety
///
/// `lpName` is NULL or points to a NUL-terminated UTF-16 string.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/synchapi/nf-synchapi-openeventw>
#[no_mangle]
pub unsafe extern "C" fn OpenEventW(
    dwDesiredAccess: DWORD,
    bInheritHandle: BOOL,
    lpName: LPCWSTR,
) -> HANDLE {
    // SAFETY: this function's contract is `open_event`'s.
    unsafe { open_event(dwDesiredAccess, bInheritHandle, CName::Wide(lpName)) }
}

/// Signals an event, in every process that has it open. FALSE and `ERROR_ACCESS_DENIED` for a
/// handle without `EVENT_MODIFY_STATE`.
///
/// # Safety
///
/// No requirement: the handle is checked.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/synchapi/nf-synchapi-setevent>
#[no_mangle]
pub extern "C" fn SetEvent(hEvent: HANDLE) -> BOOL {
    guard(to_bool(false), || {
        with_event(hEvent, Event::set).map(|()| to_bool(true))
    })
}

/// Clears an event. FALSE and `ERROR_ACCESS_DENIED` for a handle without
/// `EVENT_MODIFY_STATE`.
///
/// # Safety
///
/// No requirement: the handle is checked.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/synchapi/nf-synchapi-resetevent>
#[no_mangle]
pub extern "C" fn ResetEvent(hEvent: HANDLE) -> BOOL {
    guard(to_bool(false), || {
        with_event(hEvent, Event::reset).map(|()| to_bool(true))
    })
}

/// Releases the threads waiting for an event (all of them for a manual-reset event, one for an
/// auto-reset event) and leaves it non-signaled. FALSE and `ERROR_ACCESS_DENIED` for a handle
/// without `EVENT_MODIFY_STATE`.
///
/// # Safety
///
/// No requirement: the handle is checked.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/winbase/nf-winbase-pulseevent>
#[no_mangle]
pub extern "C" fn PulseEvent(hEvent: HANDLE) -> BOOL {
    guard(to_bool(false), || {
        with_event(hEvent, Event::pulse).map(|()| to_bool(true))
    })
}

/// Waits until an event is signaled (`WAIT_OBJECT_0`) or `dwMilliseconds` pass
/// (`WAIT_TIMEOUT`); `INFINITE` waits forever. The wait blocks in the kernel. A file handle is
/// always signaled; a mapping handle, or an event handle without `SYNCHRONIZE`, gives
/// `WAIT_FAILED` and `ERROR_ACCESS_DENIED`, a closed or bogus one `WAIT_FAILED` and
/// `ERROR_INVALID_HANDLE`.
///
/// # Safety
///
/// No requirement: the handle is checked.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/synchapi/nf-synchapi-waitforsingleobject>
#[no_mangle]
pub extern "C" fn WaitForSingleObject(hHandle: HANDLE, dwMilliseconds: DWORD) -> DWORD {
    guard(WAIT_FAILED, || wait(hHandle, dwMilliseconds))
}
