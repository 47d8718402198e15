//! The failures this layer reports: a Win32 code (the library's `ERROR_*` constants), taken
//! from the library's errors and, for this layer's own file calls, from OS errors through the
//! library's one errno table ([`filemapping::win32_code_from_errno`]).

use filemapping::ERROR_GEN_FAILURE;
use std::io;

/// A failed call: the value `GetLastError` will return.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Win32Error(pub(crate) u32);

impl Win32Error {
    /// The `ERROR_*` code.
    pub(crate) fn code(self) -> u32 {
        self.0
    }
}

impl From<filemapping::Error> for Win32Error {
    fn from(err: filemapping::Error) -> Win32Error {
        Win32Error(err.win32_code())
    }
}

impl From<io::Error> for Win32Error {
    fn from(err: io::Error) -> Win32Error {
        let code = err
            .raw_os_error()
            .map_or(ERROR_GEN_FAILURE, filemapping::win32_code_from_errno);
        Win32Error(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use filemapping::{
        ERROR_DISK_FULL, ERROR_FILENAME_EXCED_RANGE, ERROR_FILE_EXISTS, ERROR_FILE_NOT_FOUND,
        ERROR_INVALID_HANDLE, ERROR_MAPPED_ALIGNMENT,
    };

    #[test]
    fn library_errors_keep_their_code() {
        let err = filemapping::Error::new(filemapping::ErrorKind::MappedAlignment, "x");
        assert_eq!(Win32Error::from(err).code(), ERROR_MAPPED_ALIGNMENT);
    }

    #[test]
    fn os_errors_map_to_file_codes() {
        let code = |e| Win32Error::from(io::Error::from_raw_os_error(e)).code();
        assert_eq!(code(libc::ENOENT), ERROR_FILE_NOT_FOUND);
        assert_eq!(code(libc::EEXIST), ERROR_FILE_EXISTS);
        assert_eq!(code(libc::ENOSPC), ERROR_DISK_FULL);
        assert_eq!(code(libc::ENAMETOOLONG), ERROR_FILENAME_EXCED_RANGE);
        // A descriptor that is not open; this layer's own descriptors are always open, and a
        // handle without the access a call needs is refused before the call (see `file_io`).
        assert_eq!(code(libc::EBADF), ERROR_INVALID_HANDLE);
        assert_eq!(
            Win32Error::from(io::Error::other("x")).code(),
            ERROR_GEN_FAILURE
        );
    }
}
