//! Copies of views whose pages come from a file, through the kernel: `NtReadVirtualMemory` and
//! `NtWriteVirtualMemory` on the current process. A page that the file cannot supply (an I/O
//! error, a network share or disk gone, a file cut short) raises `EXCEPTION_IN_PAGE_ERROR` on a
//! plain access; the kernel copies under its own exception handling and returns a status
//! instead. Unlike `WriteProcessMemory`, the Nt calls never change a page's protection.

#![allow(unsafe_code)]

use super::nt;
use crate::error::{Error, ErrorKind, Result};
use windows_sys::Win32::System::Threading::GetCurrentProcess;

/// Copies `buf.len()` bytes from `src` into `buf`.
///
/// # Safety
///
/// `src` must be the start of `buf.len()` bytes mapped in this process whose pages allow
/// reading (a page may still fail to come in from its file).
pub(super) unsafe fn read(src: *const u8, buf: &mut [u8]) -> Result<()> {
    if buf.is_empty() {
        return Ok(());
    }
    let mut done = 0usize;
    // SAFETY: the pseudo-handle of the current process has every right; `buf` is writable for
    // its length and `done` is writable; the kernel checks the source range itself and
    // reports a page it cannot read as a status, never as an exception.
    let status = unsafe {
        nt::NtReadVirtualMemory(
            GetCurrentProcess(),
            src.cast(),
            buf.as_mut_ptr().cast(),
            buf.len(),
            &mut done,
        )
    };
    outcome(status, done, buf.len(), "read")
}

/// Copies `data` to `dst`.
///
/// # Safety
///
/// `dst` must be the start of `data.len()` bytes mapped in this process whose pages allow
/// writing, which nothing else in this process reads or writes as Rust references.
pub(super) unsafe fn write(dst: *mut u8, data: &[u8]) -> Result<()> {
    if data.is_empty() {
        return Ok(());
    }
    let mut done = 0usize;
    // SAFETY: as in `read`, with `data` readable for its length; the caller checked that the
    // pages allow writing, so the kernel writes only where a plain store could.
    let status = unsafe {
        nt::NtWriteVirtualMemory(
            GetCurrentProcess(),
            dst.cast(),
            data.as_ptr().cast(),
            data.len(),
            &mut done,
        )
    };
    outcome(status, done, data.len(), "written")
}

/// The result of a copy of `len` bytes that moved `done` of them and returned `status`.
fn outcome(status: i32, done: usize, len: usize, verb: &str) -> Result<()> {
    if status >= 0 && done == len {
        return Ok(());
    }
    // SAFETY: a pure conversion function.
    let code = unsafe { nt::RtlNtStatusToDosError(status) };
    Err(in_page_error(status, done, verb).with_os_error(code as i32))
}

/// `ERROR_SWAPERROR` for a copy that stopped after `done` bytes with `status`.
fn in_page_error(status: i32, done: usize, verb: &str) -> Error {
    Error::new(
        ErrorKind::InPageError,
        format!(
            "a page of the view could not be {verb} after {done} bytes (NTSTATUS {:#010X}): \
             its file could not supply it (an I/O error, or the file was cut short)",
            status as u32
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_copy_is_an_in_page_error_that_names_the_status() {
        const STATUS_PARTIAL_COPY: i32 = 0x8000_000D_u32 as i32;
        let err = outcome(STATUS_PARTIAL_COPY, 4096, 8192, "read").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InPageError);
        assert_eq!(err.win32_code(), crate::ERROR_SWAPERROR);
        assert!(err.to_string().contains("0x8000000D"), "{err}");
        assert!(err.to_string().contains("after 4096 bytes"), "{err}");
        assert_eq!(err.raw_os_error(), Some(299), "ERROR_PARTIAL_COPY: {err}");
    }

    #[test]
    fn a_short_copy_that_claims_success_is_an_error_too() {
        assert!(outcome(0, 10, 12, "written").is_err());
        assert!(outcome(0, 12, 12, "written").is_ok());
    }

    #[test]
    fn a_copy_of_a_readable_range_moves_every_byte() {
        let src: Vec<u8> = (0..=255).collect();
        let mut dst = vec![0u8; src.len()];
        // SAFETY: `src` is readable for its length.
        unsafe { read(src.as_ptr(), &mut dst) }.unwrap();
        assert_eq!(dst, src);
        let mut target = vec![0u8; 16];
        // SAFETY: `target` is writable for 16 bytes.
        unsafe { write(target.as_mut_ptr(), &src[..16]) }.unwrap();
        assert_eq!(target, &src[..16]);
    }
}
