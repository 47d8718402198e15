//! The Win32 error codes this layer reports, and the translations into them from the library's
//! errors and from OS errors.

use std::io;

pub(crate) const ERROR_PATH_NOT_FOUND: u32 = 3;
pub(crate) const ERROR_ACCESS_DENIED: u32 = 5;
pub(crate) const ERROR_INVALID_HANDLE: u32 = 6;
pub(crate) const ERROR_NOT_ENOUGH_MEMORY: u32 = 8;
pub(crate) const ERROR_BAD_LENGTH: u32 = 24;
pub(crate) const ERROR_GEN_FAILURE: u32 = 31;
pub(crate) const ERROR_NOT_SUPPORTED: u32 = 50;
pub(crate) const ERROR_FILE_EXISTS: u32 = 80;
pub(crate) const ERROR_INVALID_PARAMETER: u32 = 87;
pub(crate) const ERROR_DISK_FULL: u32 = 112;
pub(crate) const ERROR_INVALID_NAME: u32 = 123;
pub(crate) const ERROR_NEGATIVE_SEEK: u32 = 131;
pub(crate) const ERROR_ALREADY_EXISTS: u32 = 183;
pub(crate) const ERROR_FILENAME_EXCED_RANGE: u32 = 206;
pub(crate) const ERROR_INVALID_ADDRESS: u32 = 487;
pub(crate) const ERROR_USER_MAPPED_FILE: u32 = 1224;
pub(crate) const ERROR_FILE_NOT_FOUND: u32 = 2;

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
        Win32Error(err.raw_os_error().map_or(ERROR_GEN_FAILURE, errno_code))
    }
}

/// The Win32 code Windows reports for the file-system failure an errno describes.
pub(crate) fn errno_code(errno: i32) -> u32 {
    match errno {
        libc::ENOENT => ERROR_FILE_NOT_FOUND,
        libc::ENOTDIR => ERROR_PATH_NOT_FOUND,
        libc::EACCES | libc::EPERM | libc::EBADF | libc::EISDIR | libc::EROFS => {
            ERROR_ACCESS_DENIED
        }
        libc::EEXIST => ERROR_FILE_EXISTS,
        libc::ENOSPC | libc::EDQUOT | libc::EFBIG => ERROR_DISK_FULL,
        libc::EINVAL => ERROR_INVALID_PARAMETER,
        libc::ENAMETOOLONG => ERROR_FILENAME_EXCED_RANGE,
        libc::ENOMEM => ERROR_NOT_ENOUGH_MEMORY,
        _ => ERROR_GEN_FAILURE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn library_errors_keep_their_code() {
        let err = filemapping::Error::new(filemapping::ErrorKind::MappedAlignment, "x");
        assert_eq!(Win32Error::from(err).code(), 1132);
    }

    #[test]
    fn os_errors_map_to_file_codes() {
        let code = |e| Win32Error::from(io::Error::from_raw_os_error(e)).code();
        assert_eq!(code(libc::ENOENT), ERROR_FILE_NOT_FOUND);
        assert_eq!(code(libc::EEXIST), ERROR_FILE_EXISTS);
        assert_eq!(code(libc::EBADF), ERROR_ACCESS_DENIED);
        assert_eq!(code(libc::ENOSPC), ERROR_DISK_FULL);
        assert_eq!(
            Win32Error::from(io::Error::other("x")).code(),
            ERROR_GEN_FAILURE
        );
    }
}
