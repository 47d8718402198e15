//! Names and paths from C strings: the `A` functions take UTF-8, the `W` functions UTF-16.

#![allow(unsafe_code)]

use crate::error::Win32Error;
use crate::types::{LPCSTR, LPCWSTR};
use filemapping::{ERROR_FILENAME_EXCED_RANGE, ERROR_INVALID_NAME};
use std::ffi::{CStr, OsStr};
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

/// A name or path as the C caller passed it: UTF-8 to an `A` function, UTF-16 to a `W` one.
#[derive(Clone, Copy, Debug)]
pub(crate) enum CName {
    Ansi(LPCSTR),
    Wide(LPCWSTR),
}

impl CName {
    /// The object name (`None` for NULL).
    ///
    /// # Errors
    ///
    /// As [`ansi_name`] (a `W` name is never refused here).
    ///
    /// # Safety
    ///
    /// The pointer is NULL or points to a NUL-terminated string of its kind.
    pub(crate) unsafe fn object_name(self) -> Result<Option<String>, Win32Error> {
        match self {
            // SAFETY: the caller's guarantee is `ansi_name`'s contract.
            CName::Ansi(name) => unsafe { ansi_name(name) },
            // SAFETY: the caller's guarantee is `wide_name`'s contract.
            CName::Wide(name) => Ok(unsafe { wide_name(name) }),
        }
    }

    /// The file path (`None` for NULL).
    ///
    /// # Errors
    ///
    /// As [`wide_path`].
    ///
    /// # Safety
    ///
    /// As [`object_name`](Self::object_name).
    pub(crate) unsafe fn path(self) -> Result<Option<PathBuf>, Win32Error> {
        match self {
            // SAFETY: the caller's guarantee is `ansi_path`'s contract.
            CName::Ansi(path) => Ok(unsafe { ansi_path(path) }),
            // SAFETY: the caller's guarantee is `wide_path`'s contract.
            CName::Wide(path) => unsafe { wide_path(path) },
        }
    }
}

/// `MAX_PATH`: an `A` function converts the name into a buffer of this many UTF-16 units,
/// terminator included (spec §4, row 47).
const MAX_PATH: usize = 260;

/// An object name given to an `A` function: `None` for NULL.
///
/// # Errors
///
/// `ERROR_FILENAME_EXCED_RANGE` for 260 or more UTF-16 units; `ERROR_INVALID_NAME` if the bytes
/// are not UTF-8.
///
/// # Safety
///
/// `name` is NULL or points to a NUL-terminated string.
unsafe fn ansi_name(name: LPCSTR) -> Result<Option<String>, Win32Error> {
    if name.is_null() {
        return Ok(None);
    }
    // SAFETY: not NULL, and the caller guarantees a NUL-terminated string.
    let bytes = unsafe { CStr::from_ptr(name) }.to_bytes();
    let text = std::str::from_utf8(bytes).map_err(|_| Win32Error(ERROR_INVALID_NAME))?;
    if text.encode_utf16().count() >= MAX_PATH {
        return Err(Win32Error(ERROR_FILENAME_EXCED_RANGE));
    }
    Ok(Some(text.to_owned()))
}

/// An object name given to a `W` function: `None` for NULL. Any units are a name: an
/// unpaired surrogate is a valid name character on Windows, and comes through in the
/// library's lossless spelling ([`filemapping::name_from_utf16`]).
///
/// # Safety
///
/// `name` is NULL or points to a NUL-terminated UTF-16 string.
unsafe fn wide_name(name: LPCWSTR) -> Option<String> {
    if name.is_null() {
        return None;
    }
    // SAFETY: not NULL, and the caller guarantees a NUL-terminated string.
    let units = unsafe { wide_units(name) };
    Some(filemapping::name_from_utf16(units))
}

/// A file path given to an `A` function: its bytes as they are (`None` for NULL).
///
/// # Safety
///
/// As [`ansi_name`].
unsafe fn ansi_path(path: LPCSTR) -> Option<PathBuf> {
    if path.is_null() {
        return None;
    }
    // SAFETY: not NULL, and the caller guarantees a NUL-terminated string.
    let bytes = unsafe { CStr::from_ptr(path) }.to_bytes();
    Some(PathBuf::from(OsStr::from_bytes(bytes)))
}

/// A file path given to a `W` function (`None` for NULL).
///
/// # Errors
///
/// `ERROR_INVALID_NAME` if the units are not valid UTF-16 (an unpaired surrogate: Linux file
/// names here are UTF-8).
///
/// # Safety
///
/// As [`wide_name`].
unsafe fn wide_path(path: LPCWSTR) -> Result<Option<PathBuf>, Win32Error> {
    if path.is_null() {
        return Ok(None);
    }
    // SAFETY: not NULL, and the caller guarantees a NUL-terminated string.
    let units = unsafe { wide_units(path) };
    String::from_utf16(units)
        .map(|text| Some(PathBuf::from(text)))
        .map_err(|_| Win32Error(ERROR_INVALID_NAME))
}

/// The units of a NUL-terminated UTF-16 string, without the terminator.
///
/// # Safety
///
/// `s` points to a NUL-terminated UTF-16 string that outlives `'a`.
unsafe fn wide_units<'a>(s: LPCWSTR) -> &'a [u16] {
    let mut len = 0;
    // SAFETY: every unit up to and including the terminator is readable (caller's guarantee).
    while unsafe { *s.add(len) } != 0 {
        len += 1;
    }
    // SAFETY: the `len` units before the terminator were just read.
    unsafe { std::slice::from_raw_parts(s, len) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CString;

    fn ansi(s: &str) -> Result<Option<String>, Win32Error> {
        let c = CString::new(s).unwrap();
        // SAFETY: a NUL-terminated string that lives through the call.
        unsafe { ansi_name(c.as_ptr()) }
    }

    #[test]
    fn ansi_names_stop_at_max_path_row_47() {
        assert_eq!(ansi(&"a".repeat(259)).unwrap().unwrap().len(), 259);
        assert_eq!(
            ansi(&"a".repeat(260)).unwrap_err().code(),
            ERROR_FILENAME_EXCED_RANGE
        );
        // SAFETY: NULL is allowed.
        assert_eq!(unsafe { ansi_name(std::ptr::null()) }.unwrap(), None);
    }

    #[test]
    fn wide_names_are_utf16_and_keep_unpaired_surrogates() {
        let units: Vec<u16> = "Grüße 😀".encode_utf16().chain([0]).collect();
        // SAFETY: NUL-terminated and alive through the call.
        let name = unsafe { wide_name(units.as_ptr()) };
        assert_eq!(name.as_deref(), Some("Grüße 😀"));
        let lone = [0x78, 0xD800u16, 0];
        // SAFETY: as above.
        let name = unsafe { wide_name(lone.as_ptr()) }.unwrap();
        assert_eq!(filemapping::name_to_utf16(&name), [0x78, 0xD800]);
        // SAFETY: as above.
        let err = unsafe { wide_path(lone.as_ptr()) }.unwrap_err();
        assert_eq!(err.code(), ERROR_INVALID_NAME);
    }
}
