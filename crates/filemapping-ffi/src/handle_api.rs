//! `CloseHandle`, `DuplicateHandle`, `GetCurrentProcess`, `GetHandleInformation` and
//! `SetHandleInformation`.

#![allow(unsafe_code)]

use crate::boundary::{guard, to_bool, write_optional};
use crate::error::Win32Error;
use crate::handles;
use crate::objects::{FileObject, Object};
use crate::types::{BOOL, DWORD, HANDLE, INVALID_HANDLE_VALUE};
use filemapping::ERROR_INVALID_HANDLE;
use filemapping::{EventAccess, FileMapAccess, MutexAccess, SemaphoreAccess};
use std::os::unix::io::AsRawFd;

const DUPLICATE_CLOSE_SOURCE: u32 = 0x1;
const DUPLICATE_SAME_ACCESS: u32 = 0x2;

/// `CloseHandle` in safe Rust. Closing the current-process pseudo handle does nothing, as on
/// Windows.
fn close(handle: HANDLE) -> Result<BOOL, Win32Error> {
    if !handles::is_current_process(handle) {
        drop(handles::remove(handle)?);
    }
    Ok(to_bool(true))
}

/// A second object for `object`: mappings, events, mutexes and semaphores get `access` with generic rights mapped
/// through their type's generic mapping (spec §7, rows 73-75), or the same rights for
/// `DUPLICATE_SAME_ACCESS`; files keep their rights.
fn copy(object: &Object, access: u32, same: bool, inherit: bool) -> Result<Object, Win32Error> {
    Ok(match object {
        Object::Mapping(m) => {
            let access = if same {
                m.map.access()
            } else {
                FileMapAccess::from_bits(access)
            };
            Object::Mapping(m.with_map(m.map.duplicate(access, inherit)?))
        }
        Object::File(f) => {
            let file = f.file.try_clone()?;
            crate::inherit::set_fd_inheritable(file.as_raw_fd(), inherit)?;
            Object::File(FileObject {
                file,
                access: f.access,
            })
        }
        Object::Event(e) => {
            let access = if same {
                e.access()
            } else {
                EventAccess::from_bits(access)
            };
            Object::Event(e.duplicate(access, inherit)?)
        }
        Object::Mutex(m) => {
            let access = if same {
                m.access()
            } else {
                MutexAccess::from_bits(access)
            };
            Object::Mutex(m.duplicate(access, inherit)?)
        }
        Object::Semaphore(s) => {
            let access = if same {
                s.access()
            } else {
                SemaphoreAccess::from_bits(access)
            };
            Object::Semaphore(s.duplicate(access, inherit)?)
        }
    })
}

/// What `DuplicateHandle` was asked for, once the C arguments are read.
struct DuplicateArgs {
    source_process: HANDLE,
    source: HANDLE,
    target_process: HANDLE,
    access: u32,
    inherit: bool,
    options: u32,
}

/// `DuplicateHandle` in safe Rust, within this process. `DUPLICATE_CLOSE_SOURCE` closes the
/// source even when the copy fails, as on Windows.
fn duplicate(args: &DuplicateArgs) -> Result<HANDLE, Win32Error> {
    if !handles::is_current_process(args.source_process)
        || !handles::is_current_process(args.target_process)
    {
        return Err(Win32Error(ERROR_INVALID_HANDLE));
    }
    let object = handles::get(args.source)?;
    let same = args.options & DUPLICATE_SAME_ACCESS != 0;
    let result = copy(&object, args.access, same, args.inherit);
    if args.options & DUPLICATE_CLOSE_SOURCE != 0 {
        let _ = handles::remove(args.source);
    }
    Ok(handles::insert(result?))
}

/// Closes a handle. Views made from a mapping handle stay valid; a named object disappears when
/// its last handle in any process is closed. FALSE and `ERROR_INVALID_HANDLE` for a closed or
/// bogus handle.
///
/// # Safety
///
/// No requirement: the handle is checked.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/handleapi/nf-handleapi-closehandle>
#[no_mangle]
pub extern "C" fn CloseHandle(hObject: HANDLE) -> BOOL {
    guard(to_bool(false), || close(hObject))
}

/// Copies a handle within this process. For a file mapping or an event, `dwDesiredAccess`
/// gives the copy exactly those rights (`FILE_MAP_*`, `EVENT_*`, `SYNCHRONIZE`; `GENERIC_*`
/// mapped through the type's generic mapping), unless `DUPLICATE_SAME_ACCESS` is set;
/// `DUPLICATE_CLOSE_SOURCE` closes the source. Both process handles must be
/// `GetCurrentProcess()`.
///
/// # Safety
///
/// `lpTargetHandle` is NULL (the copy is made and closed again) or valid for writing a
/// `HANDLE`.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/handleapi/nf-handleapi-duplicatehandle>
#[no_mangle]
pub unsafe extern "C" fn DuplicateHandle(
    hSourceProcessHandle: HANDLE,
    hSourceHandle: HANDLE,
    hTargetProcessHandle: HANDLE,
    lpTargetHandle: *mut HANDLE,
    dwDesiredAccess: DWORD,
    bInheritHandle: BOOL,
    dwOptions: DWORD,
) -> BOOL {
    guard(to_bool(false), || {
        let args = DuplicateArgs {
            source_process: hSourceProcessHandle,
            source: hSourceHandle,
            target_process: hTargetProcessHandle,
            access: dwDesiredAccess,
            inherit: bInheritHandle != 0,
            options: dwOptions,
        };
        let copy = duplicate(&args)?;
        if lpTargetHandle.is_null() {
            close(copy)?;
        }
        // SAFETY: NULL or valid for a write, as this function's contract requires.
        unsafe { write_optional(lpTargetHandle, copy) };
        Ok(to_bool(true))
    })
}

/// The pseudo handle of the current process: `(HANDLE)-1`, for `DuplicateHandle`.
///
/// # Safety
///
/// No requirement.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/processthreadsapi/nf-processthreadsapi-getcurrentprocess>
#[no_mangle]
pub extern "C" fn GetCurrentProcess() -> HANDLE {
    guard(INVALID_HANDLE_VALUE, || Ok(INVALID_HANDLE_VALUE))
}

/// `GetHandleInformation` in safe Rust. The current-process pseudo handle has no flags.
fn handle_information(handle: HANDLE) -> Result<u32, Win32Error> {
    if handles::is_current_process(handle) {
        return Ok(0);
    }
    handles::flags(handle)
}

/// Stores the flags of `hObject` in `*lpdwFlags`: `HANDLE_FLAG_INHERIT` (child processes
/// inherit it) and `HANDLE_FLAG_PROTECT_FROM_CLOSE` (`CloseHandle` refuses it).
///
/// # Safety
///
/// `lpdwFlags` is NULL (nothing is stored) or valid for writing a `DWORD`.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/handleapi/nf-handleapi-gethandleinformation>
#[no_mangle]
pub unsafe extern "C" fn GetHandleInformation(hObject: HANDLE, lpdwFlags: *mut DWORD) -> BOOL {
    guard(to_bool(false), || {
        let flags = handle_information(hObject)?;
        // SAFETY: NULL or valid for a write, as this function's contract requires.
        unsafe { write_optional(lpdwFlags, flags) };
        Ok(to_bool(true))
    })
}

/// Sets the flags of `hObject` that `dwMask` selects to those of `dwFlags`:
/// `HANDLE_FLAG_INHERIT` and `HANDLE_FLAG_PROTECT_FROM_CLOSE` (a protected handle makes
/// `CloseHandle` fail with `ERROR_INVALID_HANDLE` and stays open). Other bits are ignored.
///
/// # Platform notes
///
/// A child process started with `fork` and `exec`, or with `posix_spawn`, adopts the
/// inheritable handles of its parent (file mappings, files, events, mutexes and semaphores) at
/// its first call that uses a handle, with the same handle values and access, and naming the
/// same objects, as a child `CreateProcess` starts with `bInheritHandles = TRUE` does on
/// Windows. The parent keeps the list in the environment variable `FILEMAPPING_HANDLES`, so the
/// child must be started with the parent's environment (`execv`, `execvp`, `posix_spawn` with
/// `environ`).
///
/// # Safety
///
/// No requirement: the handle is checked.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/handleapi/nf-handleapi-sethandleinformation>
#[no_mangle]
pub extern "C" fn SetHandleInformation(hObject: HANDLE, dwMask: DWORD, dwFlags: DWORD) -> BOOL {
    guard(to_bool(false), || {
        handles::set_flags(hObject, dwMask, dwFlags)?;
        Ok(to_bool(true))
    })
}
