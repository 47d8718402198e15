//! The older and smaller file calls ported code expects: `GetFileSize`, `SetFilePointer`,
//! `GetFileType`, `SetFileAttributesA/W`, `GetTempPathA/W` and `GetTempFileNameA/W`.

#![allow(unsafe_code)]

use crate::boundary::{guard, to_bool, write_optional};
use crate::error::Win32Error;
use crate::file_io::{seek, with_file};
use crate::file_open::open_error;
use crate::names::CName;
use crate::text::{COut, Units};
use crate::types::{BOOL, DWORD, HANDLE, LONG, LPCSTR, LPCWSTR, WCHAR};
use crate::{handles, last_error};
use filemapping::{
    ERROR_BUFFER_OVERFLOW, ERROR_INVALID_HANDLE, ERROR_INVALID_PARAMETER, ERROR_PATH_NOT_FOUND,
    ERROR_SUCCESS,
};
use std::ffi::{c_char, OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::PathBuf;

const INVALID_FILE_SIZE: u32 = u32::MAX;
const INVALID_SET_FILE_POINTER: u32 = u32::MAX;
const FILE_TYPE_UNKNOWN: u32 = 0;
const FILE_TYPE_DISK: u32 = 1;
const FILE_TYPE_CHAR: u32 = 2;
const FILE_TYPE_PIPE: u32 = 3;
const FILE_ATTRIBUTE_READONLY: u32 = 0x1;
/// `MAX_PATH`: `GetTempFileName`'s buffer.
const MAX_PATH: usize = 260;

/// Stores the file's size: the low 32 bits returned, the high ones in `*lpFileSizeHigh` (if it
/// is not NULL). `INVALID_FILE_SIZE` on failure; a size whose low half is `0xFFFFFFFF` sets the
/// last error to 0, to tell it from a failure.
///
/// # Safety
///
/// `lpFileSizeHigh` is NULL or valid for writing a `DWORD`.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-getfilesize>
#[no_mangle]
pub unsafe extern "C" fn GetFileSize(hFile: HANDLE, lpFileSizeHigh: *mut DWORD) -> DWORD {
    guard(INVALID_FILE_SIZE, || {
        let size = with_file(hFile, |f| Ok(f.file.metadata()?.len()))?;
        // SAFETY: NULL or valid for a write, as this function's contract requires.
        unsafe { write_optional(lpFileSizeHigh, (size >> 32) as u32) };
        if size as u32 == INVALID_FILE_SIZE {
            last_error::set(ERROR_SUCCESS);
        }
        Ok(size as u32)
    })
}

/// Moves the file position by a signed distance from `FILE_BEGIN`, `FILE_CURRENT` or
/// `FILE_END`: `lDistanceToMove` alone (32 bits), or with `*lpDistanceToMoveHigh` as its high
/// half (64 bits; the new position's high half is stored back there). Returns the new
/// position's low 32 bits, `INVALID_SET_FILE_POINTER` on failure (`ERROR_NEGATIVE_SEEK` before
/// the start; a position whose low half is `0xFFFFFFFF` sets the last error to 0).
///
/// # Safety
///
/// `lpDistanceToMoveHigh` is NULL or valid for reading and writing a `LONG`.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-setfilepointer>
#[no_mangle]
pub unsafe extern "C" fn SetFilePointer(
    hFile: HANDLE,
    lDistanceToMove: LONG,
    lpDistanceToMoveHigh: *mut LONG,
    dwMoveMethod: DWORD,
) -> DWORD {
    guard(INVALID_SET_FILE_POINTER, || {
        // SAFETY: NULL or valid for a read, as this function's contract requires.
        let high = unsafe { lpDistanceToMoveHigh.as_ref() }.copied();
        let distance = match high {
            Some(high) => (i64::from(high) << 32) | i64::from(lDistanceToMove as u32),
            None => i64::from(lDistanceToMove),
        };
        let position = with_file(hFile, |f| seek(f, distance, dwMoveMethod))?;
        // SAFETY: as above, for a write.
        unsafe { write_optional(lpDistanceToMoveHigh, (position >> 32) as i32) };
        if position as u32 == INVALID_SET_FILE_POINTER {
            last_error::set(ERROR_SUCCESS);
        }
        Ok(position as u32)
    })
}

/// `GetFileType` in safe Rust.
fn file_type(handle: HANDLE) -> Result<DWORD, Win32Error> {
    let object = handles::get(handle)?;
    let file = object.file()?;
    let kind = file.file.metadata()?.file_type();
    Ok(if kind.is_char_device() {
        FILE_TYPE_CHAR
    } else if kind.is_fifo() || kind.is_socket() {
        FILE_TYPE_PIPE
    } else {
        FILE_TYPE_DISK
    })
}

/// What a file handle is: `FILE_TYPE_DISK` (files and directories), `FILE_TYPE_CHAR` (devices
/// such as `/dev/null`), `FILE_TYPE_PIPE` (pipes and sockets). `FILE_TYPE_UNKNOWN` and
/// `ERROR_INVALID_HANDLE` for anything that is not a file handle.
///
/// # Safety
///
/// No requirement: the handle is checked.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-getfiletype>
#[no_mangle]
pub extern "C" fn GetFileType(hFile: HANDLE) -> DWORD {
    guard(FILE_TYPE_UNKNOWN, || {
        file_type(hFile).map_err(|_| Win32Error(ERROR_INVALID_HANDLE))
    })
}

/// `SetFileAttributes` in safe Rust: `FILE_ATTRIBUTE_READONLY` takes every write permission
/// away, its absence gives the owner's back to a file that had none; the other attributes have
/// no Linux equivalent and are accepted.
fn set_attributes(path: Option<PathBuf>, attributes: u32) -> Result<BOOL, Win32Error> {
    let path = path.ok_or(Win32Error(ERROR_PATH_NOT_FOUND))?;
    let meta = std::fs::metadata(&path).map_err(|e| open_error(&path, e))?;
    if meta.is_dir() {
        // Windows keeps FILE_ATTRIBUTE_READONLY on a directory as a mere mark.
        return Ok(to_bool(true));
    }
    let mode = meta.permissions().mode();
    let new = if attributes & FILE_ATTRIBUTE_READONLY != 0 {
        mode & !0o222
    } else if mode & 0o222 == 0 {
        mode | 0o200
    } else {
        mode
    };
    if new != mode {
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(new))
            .map_err(|e| open_error(&path, e))?;
    }
    Ok(to_bool(true))
}

/// Sets a file's attributes. `FILE_ATTRIBUTE_READONLY` makes the file read-only: opening it for
/// writing, truncating or deleting it then fails with `ERROR_ACCESS_DENIED` (even for root,
/// as for Windows' administrators); without it the file is writable again.
///
/// # Platform notes
///
/// Linux keeps the read-only attribute as the absence of every write permission bit. The
/// other attributes (`HIDDEN`, `SYSTEM`, `ARCHIVE`, `TEMPORARY`, `NORMAL`, ...) are accepted
/// and not kept.
///
/// # Safety
///
/// `lpFileName` is NULL or points to a NUL-terminated string.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-setfileattributesa>
#[no_mangle]
pub unsafe extern "C" fn SetFileAttributesA(lpFileName: LPCSTR, dwFileAttributes: DWORD) -> BOOL {
    guard(to_bool(false), || {
        // SAFETY: NULL or NUL-terminated, as this function's contract requires.
        set_attributes(unsafe { CName::Ansi(lpFileName).path() }?, dwFileAttributes)
    })
}

/// Sets a file's attributes; the path is UTF-16. See [`SetFileAttributesA`].
///
/// # Safety
///
/// `lpFileName` is NULL or points to a NUL-terminated UTF-16 string.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-setfileattributesw>
#[no_mangle]
pub unsafe extern "C" fn SetFileAttributesW(lpFileName: LPCWSTR, dwFileAttributes: DWORD) -> BOOL {
    guard(to_bool(false), || {
        // SAFETY: NULL or NUL-terminated, as this function's contract requires.
        set_attributes(unsafe { CName::Wide(lpFileName).path() }?, dwFileAttributes)
    })
}

/// The directory for temporary files, with a trailing `/`: `$TMPDIR`, else `/tmp`.
fn temp_dir() -> Vec<u8> {
    let mut dir = std::env::var_os("TMPDIR")
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| OsString::from("/tmp"))
        .into_vec();
    if dir.last() != Some(&b'/') {
        dir.push(b'/');
    }
    dir
}

/// `GetTempPath` in safe Rust.
///
/// # Safety
///
/// `out` is valid for `len` units of its kind.
unsafe fn temp_path(len: DWORD, out: COut) -> Result<DWORD, Win32Error> {
    let units = Units::of(out, &temp_dir());
    let needed = units.len() + 1;
    if (len as usize) < needed {
        return Ok(needed as DWORD);
    }
    if out.is_null() {
        return Err(Win32Error(ERROR_INVALID_PARAMETER));
    }
    // SAFETY: `len >= units.len() + 1` units are valid, as this function's contract requires.
    unsafe { out.write(&units, units.len()) };
    Ok(units.len() as DWORD)
}

/// Stores the directory for temporary files, with a trailing separator, and returns its length
/// without the NUL; if `nBufferLength` is too small, returns the length the buffer needs (NUL
/// included) and stores nothing.
///
/// # Platform notes
///
/// The directory is `$TMPDIR`, else `/tmp` (Windows looks at `TMP`, `TEMP` and
/// `USERPROFILE`), with a trailing `/`.
///
/// # Safety
///
/// `lpBuffer` is valid for writing `nBufferLength` bytes.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-gettemppatha>
#[no_mangle]
pub unsafe extern "C" fn GetTempPathA(nBufferLength: DWORD, lpBuffer: *mut c_char) -> DWORD {
    // SAFETY: this function's contract is `temp_path`'s.
    guard(0, || unsafe {
        temp_path(nBufferLength, COut::Ansi(lpBuffer))
    })
}

/// The directory for temporary files in UTF-16. See [`GetTempPathA`].
///
/// # Safety
///
/// `lpBuffer` is valid for writing `nBufferLength` UTF-16 units.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-gettemppathw>
#[no_mangle]
pub unsafe extern "C" fn GetTempPathW(nBufferLength: DWORD, lpBuffer: *mut WCHAR) -> DWORD {
    // SAFETY: this function's contract is `temp_path`'s.
    guard(0, || unsafe {
        temp_path(nBufferLength, COut::Wide(lpBuffer))
    })
}

/// The first three characters of a prefix.
fn prefix3(prefix: Option<String>) -> String {
    prefix.unwrap_or_default().chars().take(3).collect()
}

/// `dir/PREFIXuuuu.tmp` for `unique` (its low 16 bits, in hexadecimal).
fn temp_name(dir: &OsStr, prefix: &str, unique: u32) -> Vec<u8> {
    let mut name = dir.as_bytes().to_vec();
    if name.last() != Some(&b'/') {
        name.push(b'/');
    }
    name.extend_from_slice(format!("{prefix}{:X}.tmp", unique & 0xFFFF).as_bytes());
    name
}

/// `GetTempFileName` in safe Rust.
///
/// # Safety
///
/// `out` is valid for `MAX_PATH` units of its kind.
unsafe fn temp_file_name(
    dir: Option<PathBuf>,
    prefix: Option<String>,
    unique: u32,
    out: COut,
) -> Result<u32, Win32Error> {
    let dir = dir.ok_or(Win32Error(ERROR_INVALID_PARAMETER))?;
    if out.is_null() {
        return Err(Win32Error(ERROR_INVALID_PARAMETER));
    }
    let prefix = prefix3(prefix);
    let fits = |name: &[u8]| Units::of(out, name).len() < MAX_PATH;
    let (name, number) = if unique != 0 {
        (temp_name(dir.as_os_str(), &prefix, unique), unique & 0xFFFF)
    } else {
        let start = (crate::process::GetTickCount() ^ std::process::id()) & 0xFFFF;
        let mut number = start.max(1);
        loop {
            let name = temp_name(dir.as_os_str(), &prefix, number);
            if !fits(&name) {
                return Err(Win32Error(ERROR_BUFFER_OVERFLOW));
            }
            let path = PathBuf::from(OsStr::from_bytes(&name));
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(_) => break (name, number),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(open_error(&path, e)),
            }
            number = if number == 0xFFFF { 1 } else { number + 1 };
            if number == start.max(1) {
                return Err(Win32Error(filemapping::ERROR_FILE_EXISTS));
            }
        }
    };
    if !fits(&name) {
        return Err(Win32Error(ERROR_BUFFER_OVERFLOW));
    }
    let units = Units::of(out, &name);
    // SAFETY: `units.len() < MAX_PATH`, and the buffer holds MAX_PATH units.
    unsafe { out.write(&units, units.len()) };
    Ok(number)
}

/// Makes a name for a temporary file, `lpPathName/PREuuuu.tmp` (`PRE`: the first three
/// characters of `lpPrefixString`; `uuuu`: the number in hexadecimal), in `lpTempFileName`
/// (`MAX_PATH` characters). With `uUnique` 0 it picks a number whose file does not exist,
/// creates that empty file and returns the number; otherwise it uses `uUnique`'s low 16 bits
/// and creates nothing. 0 on failure (`ERROR_BUFFER_OVERFLOW` if the name does not fit,
/// `ERROR_PATH_NOT_FOUND`, ...).
///
/// # Safety
///
/// `lpPathName` and `lpPrefixString` are NULL or NUL-terminated; `lpTempFileName` is valid for
/// writing `MAX_PATH` bytes.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-gettempfilenamea>
#[no_mangle]
pub unsafe extern "C" fn GetTempFileNameA(
    lpPathName: LPCSTR,
    lpPrefixString: LPCSTR,
    uUnique: u32,
    lpTempFileName: *mut c_char,
) -> u32 {
    guard(0, || {
        // SAFETY: NULL or NUL-terminated, as this function's contract requires.
        let (dir, prefix) = unsafe {
            (
                CName::Ansi(lpPathName).path()?,
                CName::Ansi(lpPrefixString).path()?,
            )
        };
        let prefix = prefix.map(|p| p.to_string_lossy().into_owned());
        // SAFETY: MAX_PATH bytes, as this function's contract requires.
        unsafe { temp_file_name(dir, prefix, uUnique, COut::Ansi(lpTempFileName)) }
    })
}

/// Makes a name for a temporary file, in UTF-16. See [`GetTempFileNameA`].
///
/// # Safety
///
/// `lpPathName` and `lpPrefixString` are NULL or NUL-terminated UTF-16 strings;
/// `lpTempFileName` is valid for writing `MAX_PATH` UTF-16 units.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-gettempfilenamew>
#[no_mangle]
pub unsafe extern "C" fn GetTempFileNameW(
    lpPathName: LPCWSTR,
    lpPrefixString: LPCWSTR,
    uUnique: u32,
    lpTempFileName: *mut WCHAR,
) -> u32 {
    guard(0, || {
        // SAFETY: NULL or NUL-terminated, as this function's contract requires.
        let (dir, prefix) = unsafe {
            (
                CName::Wide(lpPathName).path()?,
                CName::Wide(lpPrefixString).path()?,
            )
        };
        let prefix = prefix.map(|p| p.to_string_lossy().into_owned());
        // SAFETY: MAX_PATH units, as this function's contract requires.
        unsafe { temp_file_name(dir, prefix, uUnique, COut::Wide(lpTempFileName)) }
    })
}
