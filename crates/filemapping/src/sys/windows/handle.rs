//! The owned handle type, and the one place where Win32 errors become [`Error`]s.

#![allow(unsafe_code)]

use crate::error::{Error, ErrorKind};
use windows_sys::Win32::Foundation::{
    CloseHandle, GetHandleInformation, GetLastError, HANDLE, HANDLE_FLAG_INHERIT,
};

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

    /// The handle's value, for an inherit token, if a child inherits it.
    pub(crate) fn inherit_raw(&self) -> Option<u64> {
        let mut flags = 0;
        // SAFETY: the handle is owned by `self`; `flags` outlives the call.
        let ok = unsafe { GetHandleInformation(self.0, &mut flags) } != 0;
        (ok && flags & HANDLE_FLAG_INHERIT != 0).then_some(self.0 as usize as u64)
    }

    /// Takes over the inherited handle `raw`, once the kernel confirms that it is open
    /// (`ERROR_INVALID_HANDLE` if not; the value is then left alone).
    ///
    /// # Safety
    ///
    /// `raw` must be inherited from the parent and owned by nothing else in this process.
    pub(crate) unsafe fn adopt(raw: u64) -> crate::error::Result<Handle> {
        let invalid = || {
            Error::new(
                ErrorKind::InvalidHandle,
                format!("{raw:#x} is not an inherited handle"),
            )
        };
        let raw = usize::try_from(raw).map_err(|_| invalid())? as HANDLE;
        let mut flags = 0;
        // SAFETY: only asks the kernel about the value; `flags` outlives the call.
        if raw.is_null() || unsafe { GetHandleInformation(raw, &mut flags) } == 0 {
            return Err(invalid());
        }
        Ok(Handle(raw))
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
