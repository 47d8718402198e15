//! `GetMappedFileNameA/W`: the file behind a view.

#![allow(unsafe_code)]

use crate::boundary::guard;
use crate::error::Win32Error;
use crate::text::{COut, Units};
use crate::types::{DWORD, HANDLE, WCHAR};
use crate::{handles, views};
use filemapping::{
    ERROR_FILE_INVALID, ERROR_INSUFFICIENT_BUFFER, ERROR_INVALID_HANDLE, ERROR_INVALID_PARAMETER,
    ERROR_UNEXP_NET_ERR,
};
use std::ffi::{c_char, c_void};
use std::os::unix::ffi::OsStrExt;

/// `GetMappedFileName` in safe Rust.
///
/// # Safety
///
/// `out` is valid for `size` units of its kind.
unsafe fn mapped_file_name(
    process: HANDLE,
    addr: usize,
    out: COut,
    size: DWORD,
) -> Result<DWORD, Win32Error> {
    if size > 0 && out.is_null() {
        return Err(Win32Error(ERROR_INVALID_PARAMETER));
    }
    if !handles::is_current_process(process) {
        return Err(Win32Error(ERROR_INVALID_HANDLE));
    }
    let entry = views::find(addr).ok_or(Win32Error(ERROR_UNEXP_NET_ERR))?;
    let path = match (&entry.file_path, entry.file_backed) {
        (Some(path), _) => path,
        // No file behind the section (Windows: STATUS_FILE_INVALID).
        _ => return Err(Win32Error(ERROR_FILE_INVALID)),
    };
    if size == 0 {
        return Err(Win32Error(ERROR_INSUFFICIENT_BUFFER));
    }
    let units = Units::of(out, path.as_os_str().as_bytes());
    let len = units.len();
    let size = size as usize;
    // A name that does not fit is cut to `size - 1` characters and a NUL, and the call
    // returns `size` without setting the last error (as Wine's psapi does, after Windows).
    let copied = len.min(size - 1);
    // SAFETY: `copied + 1 <= size` units are valid, as this function's contract requires.
    unsafe { out.write(&units, copied) };
    Ok(len.min(size) as DWORD)
}

/// Stores the path of the file that backs the view holding `lpv` (any address inside it) and
/// returns its length without the NUL; a path that does not fit `nSize` characters is cut to
/// `nSize - 1` and a NUL, and the call returns `nSize`. 0 on failure: a view of a section
/// that no file backs is `ERROR_FILE_INVALID`; memory that is not a view `ERROR_UNEXP_NET_ERR`
/// (Windows' code for it); `nSize` 0 `ERROR_INSUFFICIENT_BUFFER`; a NULL buffer
/// `ERROR_INVALID_PARAMETER`; a process other than `GetCurrentProcess()`
/// `ERROR_INVALID_HANDLE`.
///
/// # Platform notes
///
/// The path is the backing file's absolute Linux path when the section was created, where
/// Windows gives a device path (`\Device\HarddiskVolume3\dir\file`): code that keeps the part
/// after the last separator works on both.
///
/// # Safety
///
/// `lpFilename` is NULL or valid for writing `nSize` bytes.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/psapi/nf-psapi-getmappedfilenamea>
#[no_mangle]
pub unsafe extern "C" fn GetMappedFileNameA(
    hProcess: HANDLE,
    lpv: *mut c_void,
    lpFilename: *mut c_char,
    nSize: DWORD,
) -> DWORD {
    let out = COut::Ansi(lpFilename);
    // SAFETY: this function's contract is `mapped_file_name`'s.
    guard(0, || unsafe {
        mapped_file_name(hProcess, lpv as usize, out, nSize)
    })
}

/// The path of the file behind a view, in UTF-16. See [`GetMappedFileNameA`].
///
/// # Safety
///
/// `lpFilename` is NULL or valid for writing `nSize` UTF-16 units.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/psapi/nf-psapi-getmappedfilenamew>
#[no_mangle]
pub unsafe extern "C" fn GetMappedFileNameW(
    hProcess: HANDLE,
    lpv: *mut c_void,
    lpFilename: *mut WCHAR,
    nSize: DWORD,
) -> DWORD {
    let out = COut::Wide(lpFilename);
    // SAFETY: this function's contract is `mapped_file_name`'s.
    guard(0, || unsafe {
        mapped_file_name(hProcess, lpv as usize, out, nSize)
    })
}
