//! Text in C buffers: the code-page conversions `MultiByteToWideChar` and
//! `WideCharToMultiByte` (UTF-8; `CP_ACP` is UTF-8 too), and the copy of an answer into an `A`
//! or a `W` buffer that the path calls share.

#![allow(unsafe_code)]

use crate::boundary::guard;
use crate::error::Win32Error;
use crate::types::{BOOL, DWORD, LPCSTR, LPCWSTR, WCHAR};
use filemapping::{
    ERROR_INSUFFICIENT_BUFFER, ERROR_INVALID_FLAGS, ERROR_INVALID_PARAMETER,
    ERROR_NO_UNICODE_TRANSLATION,
};
use std::ffi::c_char;

const CP_ACP: u32 = 0;
const CP_OEMCP: u32 = 1;
const CP_THREAD_ACP: u32 = 3;
const CP_UTF8: u32 = 65001;
const MB_ERR_INVALID_CHARS: u32 = 0x8;
const WC_ERR_INVALID_CHARS: u32 = 0x80;

/// An output buffer of an `A` function (bytes) or a `W` function (UTF-16 units).
#[derive(Clone, Copy)]
pub(crate) enum COut {
    Ansi(*mut c_char),
    Wide(*mut WCHAR),
}

/// Text in the units of one kind of buffer.
pub(crate) enum Units {
    Ansi(Vec<u8>),
    Wide(Vec<u16>),
}

impl Units {
    /// `text` (bytes, UTF-8 where it is not) in the units of `out`.
    pub(crate) fn of(out: COut, text: &[u8]) -> Units {
        match out {
            COut::Ansi(_) => Units::Ansi(text.to_vec()),
            COut::Wide(_) => Units::Wide(String::from_utf8_lossy(text).encode_utf16().collect()),
        }
    }

    pub(crate) fn len(&self) -> usize {
        match self {
            Units::Ansi(u) => u.len(),
            Units::Wide(u) => u.len(),
        }
    }
}

impl COut {
    pub(crate) fn is_null(self) -> bool {
        match self {
            COut::Ansi(p) => p.is_null(),
            COut::Wide(p) => p.is_null(),
        }
    }

    /// Writes the first `n` units of `units` and then a NUL.
    ///
    /// # Safety
    ///
    /// The buffer is valid for `n + 1` units of its kind, and `n <= units.len()`.
    pub(crate) unsafe fn write(self, units: &Units, n: usize) {
        match (self, units) {
            (COut::Ansi(p), Units::Ansi(u)) => {
                // SAFETY: `n + 1` bytes are valid, as this function's contract requires.
                unsafe {
                    std::ptr::copy_nonoverlapping(u.as_ptr(), p.cast::<u8>(), n);
                    p.add(n).write(0);
                }
            }
            (COut::Wide(p), Units::Wide(u)) => {
                // SAFETY: `n + 1` units are valid, as this function's contract requires.
                unsafe {
                    std::ptr::copy_nonoverlapping(u.as_ptr(), p, n);
                    p.add(n).write(0);
                }
            }
            _ => {}
        }
    }
}

/// The code page's encoding is UTF-8 (the only one here); others are `ERROR_INVALID_PARAMETER`.
fn check_code_page(code_page: u32) -> Result<(), Win32Error> {
    match code_page {
        CP_ACP | CP_OEMCP | CP_THREAD_ACP | CP_UTF8 => Ok(()),
        _ => Err(Win32Error(ERROR_INVALID_PARAMETER)),
    }
}

/// The input of a conversion: `len` units from `src`, -1 meaning up to and with the NUL.
///
/// # Safety
///
/// `src` is valid for `len` units, or NUL-terminated if `len` is -1.
unsafe fn input<'a, T: Copy + PartialEq + Default>(
    src: *const T,
    len: i32,
) -> Result<&'a [T], Win32Error> {
    if src.is_null() || len == 0 || len < -1 {
        return Err(Win32Error(ERROR_INVALID_PARAMETER));
    }
    let n = if len == -1 {
        let mut n = 0;
        // SAFETY: NUL-terminated, as this function's contract requires.
        while unsafe { src.add(n).read() } != T::default() {
            n += 1;
        }
        n + 1
    } else {
        len as usize
    };
    // SAFETY: `n` units are valid, as this function's contract requires.
    Ok(unsafe { std::slice::from_raw_parts(src, n) })
}

/// Stores `out` in `dst` (capacity `cap`; 0: only the count is asked for) and returns its
/// length.
///
/// # Safety
///
/// `dst` is valid for `cap` units when `cap > 0`.
unsafe fn output<T: Copy>(out: &[T], dst: *mut T, cap: i32) -> Result<i32, Win32Error> {
    if cap < 0 || (cap > 0 && dst.is_null()) {
        return Err(Win32Error(ERROR_INVALID_PARAMETER));
    }
    if cap > 0 {
        if out.len() > cap as usize {
            return Err(Win32Error(ERROR_INSUFFICIENT_BUFFER));
        }
        // SAFETY: `out.len() <= cap` units are valid, as this function's contract requires.
        unsafe { std::ptr::copy_nonoverlapping(out.as_ptr(), dst, out.len()) };
    }
    Ok(out.len() as i32)
}

/// UTF-8 to UTF-16; an invalid sequence is U+FFFD, or `ERROR_NO_UNICODE_TRANSLATION` with
/// `MB_ERR_INVALID_CHARS`.
fn decode(bytes: &[u8], strict: bool) -> Result<Vec<u16>, Win32Error> {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) if strict => return Err(Win32Error(ERROR_NO_UNICODE_TRANSLATION)),
        Err(_) => String::from_utf8_lossy(bytes),
    };
    Ok(text.encode_utf16().collect())
}

/// UTF-16 to UTF-8; an unpaired surrogate is U+FFFD, or `ERROR_NO_UNICODE_TRANSLATION` with
/// `WC_ERR_INVALID_CHARS`. Also says whether a replacement was made.
fn encode(units: &[u16], strict: bool) -> Result<(Vec<u8>, bool), Win32Error> {
    let mut out = String::with_capacity(units.len());
    let mut replaced = false;
    for c in char::decode_utf16(units.iter().copied()) {
        match c {
            Ok(c) => out.push(c),
            Err(_) if strict => return Err(Win32Error(ERROR_NO_UNICODE_TRANSLATION)),
            Err(_) => {
                replaced = true;
                out.push(char::REPLACEMENT_CHARACTER);
            }
        }
    }
    Ok((out.into_bytes(), replaced))
}

/// Converts `cbMultiByte` bytes of UTF-8 (-1: up to and with the NUL) to UTF-16 in
/// `lpWideCharStr` (`cchWideChar` units; 0: only count them). Returns the units written (or
/// needed), 0 on failure: `ERROR_INSUFFICIENT_BUFFER`, `ERROR_NO_UNICODE_TRANSLATION` (invalid
/// UTF-8 with `MB_ERR_INVALID_CHARS`; without it an invalid sequence becomes U+FFFD),
/// `ERROR_INVALID_FLAGS`, `ERROR_INVALID_PARAMETER`.
///
/// # Platform notes
///
/// `CP_UTF8` and `CP_ACP` (as on Windows set to "Use Unicode UTF-8"; `CP_OEMCP` and
/// `CP_THREAD_ACP` too) are UTF-8; other code pages are `ERROR_INVALID_PARAMETER`.
///
/// # Safety
///
/// `lpMultiByteStr` is valid for `cbMultiByte` bytes (NUL-terminated for -1);
/// `lpWideCharStr` is valid for `cchWideChar` units.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/stringapiset/nf-stringapiset-multibytetowidechar>
#[no_mangle]
pub unsafe extern "C" fn MultiByteToWideChar(
    CodePage: u32,
    dwFlags: DWORD,
    lpMultiByteStr: LPCSTR,
    cbMultiByte: i32,
    lpWideCharStr: *mut WCHAR,
    cchWideChar: i32,
) -> i32 {
    guard(0, || {
        check_code_page(CodePage)?;
        if dwFlags & !MB_ERR_INVALID_CHARS != 0 {
            return Err(Win32Error(ERROR_INVALID_FLAGS));
        }
        // SAFETY: valid for the length, as this function's contract requires.
        let bytes = unsafe { input(lpMultiByteStr.cast::<u8>(), cbMultiByte) }?;
        let units = decode(bytes, dwFlags & MB_ERR_INVALID_CHARS != 0)?;
        // SAFETY: valid for the capacity, as this function's contract requires.
        unsafe { output(&units, lpWideCharStr, cchWideChar) }
    })
}

/// Converts `cchWideChar` UTF-16 units (-1: up to and with the NUL) to UTF-8 in
/// `lpMultiByteStr` (`cbMultiByte` bytes; 0: only count them). Returns the bytes written (or
/// needed), 0 on failure: `ERROR_INSUFFICIENT_BUFFER`, `ERROR_NO_UNICODE_TRANSLATION` (an
/// unpaired surrogate with `WC_ERR_INVALID_CHARS`; without it, U+FFFD), `ERROR_INVALID_FLAGS`,
/// `ERROR_INVALID_PARAMETER` (for `CP_UTF8`, also a default character or its flag given).
///
/// # Platform notes
///
/// As [`MultiByteToWideChar`]. For `CP_ACP`, a default character is accepted and not used,
/// and `*lpUsedDefaultChar` says whether a U+FFFD replaced an unpaired surrogate.
///
/// # Safety
///
/// `lpWideCharStr` is valid for `cchWideChar` units (NUL-terminated for -1); `lpMultiByteStr`
/// is valid for `cbMultiByte` bytes; `lpUsedDefaultChar` is NULL or valid for writing a `BOOL`.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/stringapiset/nf-stringapiset-widechartomultibyte>
#[no_mangle]
pub unsafe extern "C" fn WideCharToMultiByte(
    CodePage: u32,
    dwFlags: DWORD,
    lpWideCharStr: LPCWSTR,
    cchWideChar: i32,
    lpMultiByteStr: *mut c_char,
    cbMultiByte: i32,
    lpDefaultChar: LPCSTR,
    lpUsedDefaultChar: *mut BOOL,
) -> i32 {
    guard(0, || {
        check_code_page(CodePage)?;
        if CodePage == CP_UTF8 && (!lpDefaultChar.is_null() || !lpUsedDefaultChar.is_null()) {
            return Err(Win32Error(ERROR_INVALID_PARAMETER));
        }
        if dwFlags & !WC_ERR_INVALID_CHARS != 0 {
            return Err(Win32Error(ERROR_INVALID_FLAGS));
        }
        // SAFETY: valid for the length, as this function's contract requires.
        let units = unsafe { input(lpWideCharStr, cchWideChar) }?;
        let (bytes, replaced) = encode(units, dwFlags & WC_ERR_INVALID_CHARS != 0)?;
        // SAFETY: valid for the capacity, as this function's contract requires.
        let n = unsafe { output(&bytes, lpMultiByteStr.cast::<u8>(), cbMultiByte) }?;
        // SAFETY: NULL or valid for a write, as this function's contract requires.
        unsafe { crate::boundary::write_optional(lpUsedDefaultChar, i32::from(replaced)) };
        Ok(n)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_text_is_replaced_or_refused() {
        assert_eq!(decode(b"a\xffb", false).unwrap(), [0x61, 0xFFFD, 0x62]);
        assert_eq!(
            decode(b"\xff", true),
            Err(Win32Error(ERROR_NO_UNICODE_TRANSLATION))
        );
        assert_eq!(
            encode(&[0xD800], false).unwrap(),
            (vec![0xEF, 0xBF, 0xBD], true)
        );
        assert!(encode(&[0xD800], true).is_err());
    }
}
