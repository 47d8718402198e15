//! Named mutexes and semaphores: `CreateMutexA/W`, `CreateMutexExA/W`, `OpenMutexA/W`,
//! `ReleaseMutex`, `CreateSemaphoreA/W`, `CreateSemaphoreExA/W`, `OpenSemaphoreA/W` and
//! `ReleaseSemaphore`; `WaitForSingleObject` ([`crate::event`]) waits for them too. They share
//! the namespace of file mappings and events: a name held by another type is
//! `ERROR_INVALID_HANDLE` (spec §4). Mutex ownership belongs to the calling thread.

#![allow(unsafe_code)]

use crate::boundary::{guard, inheritable, to_bool, write_optional};
use crate::error::Win32Error;
use crate::names::CName;
use crate::objects::Object;
use crate::types::{BOOL, DWORD, HANDLE, LONG, LPCSTR, LPCWSTR, SECURITY_ATTRIBUTES};
use crate::{handles, last_error};
use filemapping::{Disposition, ERROR_INVALID_PARAMETER};
use filemapping::{MutexAccess, MutexOpenOptions, MutexOptions};
use filemapping::{SemaphoreAccess, SemaphoreOpenOptions, SemaphoreOptions};
use std::ptr::null_mut;

const CREATE_MUTEX_INITIAL_OWNER: u32 = 0x1;
const MUTEX_ALL_ACCESS: u32 = 0x1F_0001;
const SEMAPHORE_ALL_ACCESS: u32 = 0x1F_0003;

/// What every create call takes besides its type's own arguments, once the C arguments are
/// read.
struct Common {
    inheritable: bool,
    name: Option<String>,
    access: u32,
}

/// Reads the attributes and the name of a create call.
///
/// # Safety
///
/// `attributes` is NULL or points to a valid `SECURITY_ATTRIBUTES`; `name` is NULL or
/// NUL-terminated.
unsafe fn common(
    attributes: *const SECURITY_ATTRIBUTES,
    name: CName,
    access: u32,
) -> Result<Common, Win32Error> {
    Ok(Common {
        // SAFETY: NULL or valid, as this function's contract requires.
        inheritable: unsafe { inheritable(attributes) },
        // SAFETY: NULL or NUL-terminated, as this function's contract requires.
        name: unsafe { name.object_name() }?,
        access,
    })
}

impl Common {
    /// The object's name; empty for an unnamed object.
    fn name(&self) -> &str {
        self.name.as_deref().unwrap_or("")
    }
}

/// A create call behind the boundary: `make` creates the object from the common arguments;
/// the last error is then 0 or `ERROR_ALREADY_EXISTS`.
///
/// # Safety
///
/// As [`common`].
unsafe fn create_named(
    attributes: *const SECURITY_ATTRIBUTES,
    name: CName,
    access: DWORD,
    make: impl FnOnce(Common) -> filemapping::Result<(Object, Disposition)>,
) -> HANDLE {
    guard(null_mut(), || {
        // SAFETY: this function's contract is `common`'s.
        let args = unsafe { common(attributes, name, access) }?;
        let (object, disposition) = make(args)?;
        let handle = handles::insert(object);
        last_error::set(disposition.win32_last_error());
        Ok(handle)
    })
}

/// `CreateMutexEx` behind the boundary.
///
/// # Safety
///
/// As [`common`].
unsafe fn create_mutex(
    attributes: *const SECURITY_ATTRIBUTES,
    name: CName,
    flags: DWORD,
    access: DWORD,
) -> HANDLE {
    let owner = flags & CREATE_MUTEX_INITIAL_OWNER != 0;
    // SAFETY: this function's contract is `create_named`'s.
    unsafe { create_named(attributes, name, access, |args| make_mutex(args, owner)) }
}

/// The `dwFlags` of `CreateMutexEx` that say what `bInitialOwner` of `CreateMutex` says.
fn initial_owner_flags(initial_owner: BOOL) -> DWORD {
    if initial_owner != 0 {
        CREATE_MUTEX_INITIAL_OWNER
    } else {
        0
    }
}

/// `CreateSemaphoreEx` behind the boundary; `counts` are `(lInitialCount, lMaximumCount)`.
///
/// # Safety
///
/// As [`common`].
unsafe fn create_semaphore(
    attributes: *const SECURITY_ATTRIBUTES,
    counts: (LONG, LONG),
    name: CName,
    access: DWORD,
) -> HANDLE {
    let make = |args| make_semaphore(args, counts);
    // SAFETY: this function's contract is `create_named`'s.
    unsafe { create_named(attributes, name, access, make) }
}

fn make_mutex(args: Common, owner: bool) -> filemapping::Result<(Object, Disposition)> {
    MutexOptions::new()
        .name(args.name())
        .initial_owner(owner)
        .access(MutexAccess::from_bits(args.access))
        .inheritable(args.inheritable)
        .create()
        .map(|(mutex, disposition)| (Object::Mutex(mutex), disposition))
}

fn make_semaphore(
    args: Common,
    counts: (LONG, LONG),
) -> filemapping::Result<(Object, Disposition)> {
    SemaphoreOptions::new()
        .name(args.name())
        .initial(counts.0)
        .maximum(counts.1)
        .access(SemaphoreAccess::from_bits(args.access))
        .inheritable(args.inheritable)
        .create()
        .map(|(semaphore, disposition)| (Object::Semaphore(semaphore), disposition))
}

/// `OpenMutex` or `OpenSemaphore` behind the boundary: `open` makes the object from
/// `(dwDesiredAccess, bInheritHandle, name)`. A NULL name is `ERROR_INVALID_PARAMETER`.
///
/// # Safety
///
/// `name` is NULL or NUL-terminated.
unsafe fn open_named(
    name: CName,
    access: DWORD,
    inherit: BOOL,
    open: fn(DWORD, BOOL, &str) -> filemapping::Result<Object>,
) -> HANDLE {
    guard(null_mut(), || {
        // SAFETY: NULL or NUL-terminated, as this function's contract requires.
        let name = unsafe { name.object_name() }?.ok_or(Win32Error(ERROR_INVALID_PARAMETER))?;
        Ok(handles::insert(open(access, inherit, &name)?))
    })
}

fn open_mutex(access: DWORD, inherit: BOOL, name: &str) -> filemapping::Result<Object> {
    MutexOpenOptions::new(MutexAccess::from_bits(access))
        .inheritable(inherit != 0)
        .open(name)
        .map(Object::Mutex)
}

fn open_semaphore(access: DWORD, inherit: BOOL, name: &str) -> filemapping::Result<Object> {
    SemaphoreOpenOptions::new(SemaphoreAccess::from_bits(access))
        .inheritable(inherit != 0)
        .open(name)
        .map(Object::Semaphore)
}

/// Creates a mutex, or opens the live one of the same name (then the last error is
/// `ERROR_ALREADY_EXISTS` and `bInitialOwner` is ignored). NULL on failure; a name held by
/// another type of object is `ERROR_INVALID_HANDLE`.
///
/// # Safety
///
/// - `lpMutexAttributes` is NULL or points to a valid `SECURITY_ATTRIBUTES`.
/// - `lpName` is NULL or points to a NUL-terminated string.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/synchapi/nf-synchapi-createmutexa>
#[no_mangle]
pub unsafe extern "C" fn CreateMutexA(
    lpMutexAttributes: *const SECURITY_ATTRIBUTES,
    bInitialOwner: BOOL,
    lpName: LPCSTR,
) -> HANDLE {
    let flags = initial_owner_flags(bInitialOwner);
    // SAFETY: this function's contract is `create_mutex`'s.
    unsafe {
        create_mutex(
            lpMutexAttributes,
            CName::Ansi(lpName),
            flags,
            MUTEX_ALL_ACCESS,
        )
    }
}

/// Creates or opens a mutex named in UTF-16. See [`CreateMutexA`].
///
/// # Safety
///
/// As [`CreateMutexA`], with a UTF-16 name.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/synchapi/nf-synchapi-createmutexw>
#[no_mangle]
pub unsafe extern "C" fn CreateMutexW(
    lpMutexAttributes: *const SECURITY_ATTRIBUTES,
    bInitialOwner: BOOL,
    lpName: LPCWSTR,
) -> HANDLE {
    let flags = initial_owner_flags(bInitialOwner);
    // SAFETY: this function's contract is `create_mutex`'s.
    unsafe {
        create_mutex(
            lpMutexAttributes,
            CName::Wide(lpName),
            flags,
            MUTEX_ALL_ACCESS,
        )
    }
}

/// [`CreateMutexA`] with the handle's rights (`dwDesiredAccess`, generic rights mapped) and
/// `CREATE_MUTEX_INITIAL_OWNER` in `dwFlags`.
///
/// # Safety
///
/// As [`CreateMutexA`].
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/synchapi/nf-synchapi-createmutexexa>
#[no_mangle]
pub unsafe extern "C" fn CreateMutexExA(
    lpMutexAttributes: *const SECURITY_ATTRIBUTES,
    lpName: LPCSTR,
    dwFlags: DWORD,
    dwDesiredAccess: DWORD,
) -> HANDLE {
    // SAFETY: this function's contract is `create_mutex`'s.
    unsafe {
        create_mutex(
            lpMutexAttributes,
            CName::Ansi(lpName),
            dwFlags,
            dwDesiredAccess,
        )
    }
}

/// [`CreateMutexExA`] with a UTF-16 name.
///
/// # Safety
///
/// As [`CreateMutexA`], with a UTF-16 name.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/synchapi/nf-synchapi-createmutexexw>
#[no_mangle]
pub unsafe extern "C" fn CreateMutexExW(
    lpMutexAttributes: *const SECURITY_ATTRIBUTES,
    lpName: LPCWSTR,
    dwFlags: DWORD,
    dwDesiredAccess: DWORD,
) -> HANDLE {
    // SAFETY: this function's contract is `create_mutex`'s.
    unsafe {
        create_mutex(
            lpMutexAttributes,
            CName::Wide(lpName),
            dwFlags,
            dwDesiredAccess,
        )
    }
}

/// Opens the live mutex `lpName` with exactly `dwDesiredAccess` (`SYNCHRONIZE` to wait;
/// `ReleaseMutex` needs no right). NULL and `ERROR_FILE_NOT_FOUND` if no object has the name,
/// `ERROR_INVALID_HANDLE` if another type has it.
///
/// # Safety
///
/// `lpName` is NULL or points to a NUL-terminated string.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/synchapi/nf-synchapi-openmutexw>
#[no_mangle]
pub unsafe extern "C" fn OpenMutexA(
    dwDesiredAccess: DWORD,
    bInheritHandle: BOOL,
    lpName: LPCSTR,
) -> HANDLE {
    let name = CName::Ansi(lpName);
    // SAFETY: this function's contract is `open_named`'s.
    unsafe { open_named(name, dwDesiredAccess, bInheritHandle, open_mutex) }
}

/// [`OpenMutexA`] with a UTF-16 name.
///
/// # Safety
///
/// `lpName` is NULL or points to a NUL-terminated UTF-16 string.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/synchapi/nf-synchapi-openmutexw>
#[no_mangle]
pub unsafe extern "C" fn OpenMutexW(
    dwDesiredAccess: DWORD,
    bInheritHandle: BOOL,
    lpName: LPCWSTR,
) -> HANDLE {
    let name = CName::Wide(lpName);
    // SAFETY: this function's contract is `open_named`'s.
    unsafe { open_named(name, dwDesiredAccess, bInheritHandle, open_mutex) }
}

/// Releases one acquisition of the mutex by the calling thread. FALSE and `ERROR_NOT_OWNER` if
/// the thread does not own it, `ERROR_INVALID_HANDLE` for a handle that is not a mutex.
///
/// # Safety
///
/// No requirement: the handle is checked.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/synchapi/nf-synchapi-releasemutex>
#[no_mangle]
pub extern "C" fn ReleaseMutex(hMutex: HANDLE) -> BOOL {
    guard(to_bool(false), || {
        let object = handles::get(hMutex)?;
        object.mutex()?.release()?;
        Ok(to_bool(true))
    })
}

/// Creates a semaphore, or opens the live one of the same name (then the last error is
/// `ERROR_ALREADY_EXISTS` and the counts are ignored). NULL and `ERROR_INVALID_PARAMETER` for a
/// maximum below 1 or an initial count outside `[0, maximum]`.
///
/// # Safety
///
/// - `lpSemaphoreAttributes` is NULL or points to a valid `SECURITY_ATTRIBUTES`.
/// - `lpName` is NULL or points to a NUL-terminated string.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/winbase/nf-winbase-createsemaphorea>
#[no_mangle]
pub unsafe extern "C" fn CreateSemaphoreA(
    lpSemaphoreAttributes: *const SECURITY_ATTRIBUTES,
    lInitialCount: LONG,
    lMaximumCount: LONG,
    lpName: LPCSTR,
) -> HANDLE {
    let counts = (lInitialCount, lMaximumCount);
    let name = CName::Ansi(lpName);
    // SAFETY: this function's contract is `create_semaphore`'s.
    unsafe { create_semaphore(lpSemaphoreAttributes, counts, name, SEMAPHORE_ALL_ACCESS) }
}

/// [`CreateSemaphoreA`] with a UTF-16 name.
///
/// # Safety
///
/// As [`CreateSemaphoreA`], with a UTF-16 name.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/synchapi/nf-synchapi-createsemaphorew>
#[no_mangle]
pub unsafe extern "C" fn CreateSemaphoreW(
    lpSemaphoreAttributes: *const SECURITY_ATTRIBUTES,
    lInitialCount: LONG,
    lMaximumCount: LONG,
    lpName: LPCWSTR,
) -> HANDLE {
    let counts = (lInitialCount, lMaximumCount);
    let name = CName::Wide(lpName);
    // SAFETY: this function's contract is `create_semaphore`'s.
    unsafe { create_semaphore(lpSemaphoreAttributes, counts, name, SEMAPHORE_ALL_ACCESS) }
}

/// [`CreateSemaphoreA`] with the handle's rights (`dwDesiredAccess`, generic rights mapped);
/// `dwFlags` is reserved.
///
/// # Safety
///
/// As [`CreateSemaphoreA`].
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/winbase/nf-winbase-createsemaphoreexa>
#[no_mangle]
pub unsafe extern "C" fn CreateSemaphoreExA(
    lpSemaphoreAttributes: *const SECURITY_ATTRIBUTES,
    lInitialCount: LONG,
    lMaximumCount: LONG,
    lpName: LPCSTR,
    _dwFlags: DWORD,
    dwDesiredAccess: DWORD,
) -> HANDLE {
    let counts = (lInitialCount, lMaximumCount);
    let name = CName::Ansi(lpName);
    // SAFETY: this function's contract is `create_semaphore`'s.
    unsafe { create_semaphore(lpSemaphoreAttributes, counts, name, dwDesiredAccess) }
}

/// [`CreateSemaphoreExA`] with a UTF-16 name.
///
/// # Safety
///
/// As [`CreateSemaphoreA`], with a UTF-16 name.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/synchapi/nf-synchapi-createsemaphoreexw>
#[no_mangle]
pub unsafe extern "C" fn CreateSemaphoreExW(
    lpSemaphoreAttributes: *const SECURITY_ATTRIBUTES,
    lInitialCount: LONG,
    lMaximumCount: LONG,
    lpName: LPCWSTR,
    _dwFlags: DWORD,
    dwDesiredAccess: DWORD,
) -> HANDLE {
    let counts = (lInitialCount, lMaximumCount);
    let name = CName::Wide(lpName);
    // SAFETY: this function's contract is `create_semaphore`'s.
    unsafe { create_semaphore(lpSemaphoreAttributes, counts, name, dwDesiredAccess) }
}

/// Opens the live semaphore `lpName` with exactly `dwDesiredAccess` (`SYNCHRONIZE` to wait,
/// `SEMAPHORE_MODIFY_STATE` to release). NULL and `ERROR_FILE_NOT_FOUND` if no object has the
/// name, `ERROR_INVALID_HANDLE` if another type has it.
///
/// # Safety
///
/// `lpName` is NULL or points to a NUL-terminated string.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/synchapi/nf-synchapi-opensemaphorew>
#[no_mangle]
pub unsafe extern "C" fn OpenSemaphoreA(
    dwDesiredAccess: DWORD,
    bInheritHandle: BOOL,
    lpName: LPCSTR,
) -> HANDLE {
    let name = CName::Ansi(lpName);
    // SAFETY: this function's contract is `open_named`'s.
    unsafe { open_named(name, dwDesiredAccess, bInheritHandle, open_semaphore) }
}

/// [`OpenSemaphoreA`] with a UTF-16 name.
///
/// # Safety
///
/// `lpName` is NULL or points to a NUL-terminated UTF-16 string.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/synchapi/nf-synchapi-opensemaphorew>
#[no_mangle]
pub unsafe extern "C" fn OpenSemaphoreW(
    dwDesiredAccess: DWORD,
    bInheritHandle: BOOL,
    lpName: LPCWSTR,
) -> HANDLE {
    let name = CName::Wide(lpName);
    // SAFETY: this function's contract is `open_named`'s.
    unsafe { open_named(name, dwDesiredAccess, bInheritHandle, open_semaphore) }
}

/// Adds `lReleaseCount` to the semaphore's count and stores the count before in
/// `*lpPreviousCount` (if not NULL). FALSE and `ERROR_TOO_MANY_POSTS` if the count would pass
/// the maximum (nothing changes), `ERROR_INVALID_PARAMETER` for a count below 1,
/// `ERROR_ACCESS_DENIED` without `SEMAPHORE_MODIFY_STATE`.
///
/// # Safety
///
/// `lpPreviousCount` is NULL or points to a writable `LONG`.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/synchapi/nf-synchapi-releasesemaphore>
#[no_mangle]
pub unsafe extern "C" fn ReleaseSemaphore(
    hSemaphore: HANDLE,
    lReleaseCount: LONG,
    lpPreviousCount: *mut LONG,
) -> BOOL {
    guard(to_bool(false), || {
        let object = handles::get(hSemaphore)?;
        let previous = object.semaphore()?.release(lReleaseCount)?;
        // SAFETY: NULL or writable, as this function's contract requires.
        unsafe { write_optional(lpPreviousCount, previous) };
        Ok(to_bool(true))
    })
}
