//! The owned handle type, and the one place where Win32 errors become [`Error`]s.

#![allow(unsafe_code)]

use super::nt;
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

    /// Takes over the inherited handle `raw`, once the kernel confirms that it is open and that
    /// its object is of the type `type_name` (as the kernel names types: `Event`, `Mutant`,
    /// `Semaphore`, `Section`); `ERROR_INVALID_HANDLE` if not, and the value is then left alone.
    ///
    /// # Safety
    ///
    /// `raw` must be inherited from the parent and owned by nothing else in this process.
    pub(crate) unsafe fn adopt(raw: u64, type_name: &str) -> crate::error::Result<Handle> {
        let invalid = || {
            Error::new(
                ErrorKind::InvalidHandle,
                format!("{raw:#x} is not an inherited handle of a {type_name}"),
            )
        };
        let raw = usize::try_from(raw).map_err(|_| invalid())? as HANDLE;
        let mut flags = 0;
        // SAFETY: only asks the kernel about the value; `flags` outlives the call.
        if raw.is_null() || unsafe { GetHandleInformation(raw, &mut flags) } == 0 {
            return Err(invalid());
        }
        if !is_of_type(raw, type_name) {
            return Err(invalid());
        }
        Ok(Handle(raw))
    }
}

/// Whether the object of the open handle `raw` is of the type `expected`, by the name
/// `NtQueryObject(ObjectTypeInformation)` gives its type.
fn is_of_type(raw: HANDLE, expected: &str) -> bool {
    // Room for the structure and its type's name; `u64`s for the structure's alignment.
    let mut buf = [0u64; 128];
    let size = std::mem::size_of_val(&buf);
    let mut written = 0u32;
    // SAFETY: the kernel writes at most `size` bytes into `buf` and the length into `written`,
    // both of which outlive the call; `raw` is only read.
    let status = unsafe {
        nt::NtQueryObject(
            raw,
            nt::OBJECT_TYPE,
            buf.as_mut_ptr().cast(),
            size as u32,
            &mut written,
        )
    };
    if status < 0 {
        return false;
    }
    // SAFETY: the buffer is initialised, 8-byte aligned and starts with the structure's
    // `UNICODE_STRING`, which the call filled in.
    let name = unsafe { std::ptr::read(buf.as_ptr().cast::<nt::UnicodeString>()) };
    let (start, at, len) = (
        buf.as_ptr() as usize,
        name.buffer as usize,
        name.length as usize,
    );
    let inside = at >= start && at % 2 == 0 && len % 2 == 0 && at + len <= start + size;
    if !inside {
        return false;
    }
    // SAFETY: the name's `len` bytes lie inside `buf` (checked just above), are initialised
    // and 2-byte aligned, and `buf` is not written while the slice lives.
    let chars = unsafe { std::slice::from_raw_parts(name.buffer, len / 2) };
    chars.iter().copied().eq(expected.encode_utf16())
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
