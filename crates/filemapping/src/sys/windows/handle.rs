//! The owned handle type, and the one place where Win32 errors become [`Error`]s.

#![allow(unsafe_code)]

use crate::error::{Error, ErrorKind};
use windows_sys::Win32::Foundation::{CloseHandle, GetLastError, HANDLE};

/// A kernel handle this crate owns; closed on drop.
#[derive(Debug)]
pub(crate) struct Handle(HANDLE);

// SAFETY: a kernel handle is a process-wide value, usable from any thread.
unsafe impl Send for Handle {}
// SAFETY: as for `Send`; `&Handle` only passes the value to thread-safe kernel calls.
unsafe impl Sync for Handle {}

impl Handle {
    /// Takes ownership of a handle returned by a successful call, or reports the last error.
    pub(crate) fn from_result(raw: HANDLE, what: &str) -> crate::error::Result<Handle> {
        if raw.is_null() {
            return Err(last_error(what));
        }
        Ok(Handle(raw))
    }

    pub(crate) fn raw(&self) -> HANDLE {
        self.0
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        // SAFETY: the handle is owned by this value and closed exactly once.
        unsafe { CloseHandle(self.0) };
    }
}

/// The calling thread's last Win32 error, as an [`Error`].
pub(crate) fn last_error(what: &str) -> Error {
    // SAFETY: GetLastError only reads the calling thread's error slot.
    let code = unsafe { GetLastError() };
    from_code(code, what)
}

/// A Win32 error code as an [`Error`].
pub(crate) fn from_code(code: u32, what: &str) -> Error {
    let kind = ErrorKind::from_win32_code(code).unwrap_or(ErrorKind::Other);
    Error::new(kind, what.to_owned()).with_os_error(code as i32)
}

pub(crate) fn unsupported(what: &str) -> Error {
    Error::new(
        ErrorKind::Unsupported,
        format!("{what} is not supported on Windows yet"),
    )
}
