//! `CloseHandle`, `DuplicateHandle` and `GetCurrentProcess`.

#![allow(unsafe_code)]

use crate::boundary::{guard, to_bool, write_optional};
use crate::error::Win32Error;
use crate::handles;
use crate::objects::{FileObject, MappingObject, Object};
use crate::types::{BOOL, DWORD, HANDLE, INVALID_HANDLE_VALUE};
use filemapping::ERROR_INVALID_HANDLE;
use filemapping::{EventAccess, FileMapAccess, MutexAccess, SemaphoreAccess};

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
            Object::Mapping(MappingObject {
                map: m.map.duplicate(access, inherit)?,
                file_backed: m.file_backed,
                pin: m.pin.clone(),
            })
        }
        Object::File(f) => Object::File(FileObject {
            file: f.file.try_clone()?,
            access: f.access,
        }),
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
