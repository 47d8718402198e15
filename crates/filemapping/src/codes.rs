//! The Win32 error codes (`ERROR_*`) this crate and its porting layer report, as `u32`
//! constants with their Windows names and values (the values `GetLastError` returns).
//!
//! Every constant is also re-exported at the crate root. [`ErrorKind`](crate::ErrorKind) maps
//! onto these codes one to one, except the few that no failure of the library stands for
//! (`ERROR_SUCCESS`, `ERROR_ALREADY_EXISTS`, which the library reports as a
//! [`Disposition`](crate::Disposition), and the file-call codes the porting layer needs).
//!
//! # Examples
//!
//! ```
//! use filemapping::{codes, ErrorKind, ERROR_ACCESS_DENIED};
//!
//! assert_eq!(ERROR_ACCESS_DENIED, 5);
//! assert_eq!(codes::ERROR_ACCESS_DENIED, ERROR_ACCESS_DENIED);
//! assert_eq!(ErrorKind::AccessDenied.win32_code(), ERROR_ACCESS_DENIED);
//! assert_eq!(filemapping::win32_name(ERROR_ACCESS_DENIED), Some("ERROR_ACCESS_DENIED"));
//! ```

/// Defines each code once, and the list of every code with its name.
macro_rules! codes {
    ($($(#[doc = $doc:expr])* $name:ident = $value:expr;)*) => {
        $(
            $(#[doc = $doc])*
            pub const $name: u32 = $value;
        )*

        /// Every code above with its name, in ascending order.
        pub(crate) const NAMED: &[(u32, &str)] = &[$(($name, stringify!($name))),*];
    };
}

codes! {
    /// `ERROR_SUCCESS` (0): no error; the last error after most successful calls.
    ERROR_SUCCESS = 0;
    /// `ERROR_FILE_NOT_FOUND` (2): no object (or file) has this name.
    ERROR_FILE_NOT_FOUND = 2;
    /// `ERROR_PATH_NOT_FOUND` (3): a prefix of the name (`Foo\`) or a directory of the path does
    /// not exist.
    ERROR_PATH_NOT_FOUND = 3;
    /// `ERROR_TOO_MANY_OPEN_FILES` (4): the process (or the system) has no descriptor left.
    ERROR_TOO_MANY_OPEN_FILES = 4;
    /// `ERROR_ACCESS_DENIED` (5): a right is missing, or a view runs past the section.
    ERROR_ACCESS_DENIED = 5;
    /// `ERROR_INVALID_HANDLE` (6): not a handle of the expected type, or a name held by another
    /// object type.
    ERROR_INVALID_HANDLE = 6;
    /// `ERROR_NOT_ENOUGH_MEMORY` (8): the section is too big, or the address space is exhausted.
    ERROR_NOT_ENOUGH_MEMORY = 8;
    /// `ERROR_BAD_LENGTH` (24): a buffer length is too small (`VirtualQuery`).
    ERROR_BAD_LENGTH = 24;
    /// `ERROR_GEN_FAILURE` (31): a failure with no better Win32 equivalent.
    ERROR_GEN_FAILURE = 31;
    /// `ERROR_SHARING_VIOLATION` (32): another handle's share mode excludes the access asked
    /// for (the porting layer ignores share modes; the constant is for ported code).
    ERROR_SHARING_VIOLATION = 32;
    /// `ERROR_NOT_SUPPORTED` (50): not implemented on this platform.
    ERROR_NOT_SUPPORTED = 50;
    /// `ERROR_UNEXP_NET_ERR` (59): `GetMappedFileName` on memory that is not a view.
    ERROR_UNEXP_NET_ERR = 59;
    /// `ERROR_FILE_EXISTS` (80): `CreateFile` with `CREATE_NEW` found the file.
    ERROR_FILE_EXISTS = 80;
    /// `ERROR_INVALID_PARAMETER` (87): a protection, attribute, size or access value is invalid.
    ERROR_INVALID_PARAMETER = 87;
    /// `ERROR_BUFFER_OVERFLOW` (111): a file name does not fit its buffer (`GetTempFileName`).
    ERROR_BUFFER_OVERFLOW = 111;
    /// `ERROR_DISK_FULL` (112): a file could not grow.
    ERROR_DISK_FULL = 112;
    /// `ERROR_INSUFFICIENT_BUFFER` (122): the buffer is too small for the answer.
    ERROR_INSUFFICIENT_BUFFER = 122;
    /// `ERROR_INVALID_NAME` (123): the name is malformed.
    ERROR_INVALID_NAME = 123;
    /// `ERROR_NEGATIVE_SEEK` (131): a file position before the start of the file.
    ERROR_NEGATIVE_SEEK = 131;
    /// `ERROR_BAD_PATHNAME` (161): the path's syntax is wrong (`STATUS_OBJECT_PATH_SYNTAX_BAD`).
    ERROR_BAD_PATHNAME = 161;
    /// `ERROR_ALREADY_EXISTS` (183): the last error after a create call that opened an existing
    /// object.
    ERROR_ALREADY_EXISTS = 183;
    /// `ERROR_BAD_EXE_FORMAT` (193): `SEC_IMAGE` on something that is not an executable image.
    ERROR_BAD_EXE_FORMAT = 193;
    /// `ERROR_FILENAME_EXCED_RANGE` (206): a name or path is too long.
    ERROR_FILENAME_EXCED_RANGE = 206;
    /// `ERROR_NOT_OWNER` (288): `ReleaseMutex` by a thread that does not own the mutex.
    ERROR_NOT_OWNER = 288;
    /// `ERROR_TOO_MANY_POSTS` (298): `ReleaseSemaphore` would take the count past its maximum.
    ERROR_TOO_MANY_POSTS = 298;
    /// `ERROR_INVALID_ADDRESS` (487): an address is in use, or is not a view.
    ERROR_INVALID_ADDRESS = 487;
    /// `ERROR_NOACCESS` (998): invalid access to a memory location (`VirtualProtect` without
    /// a place for the old protection).
    ERROR_NOACCESS = 998;
    /// `ERROR_SWAPERROR` (999): a page of a view could not be read or written ("Error
    /// performing inpage operation", Windows' `STATUS_IN_PAGE_ERROR`): its backing file was cut
    /// short, or the system's memory could not supply it.
    ERROR_SWAPERROR = 999;
    /// `ERROR_INVALID_FLAGS` (1004): flags a call does not accept (`MultiByteToWideChar`).
    ERROR_INVALID_FLAGS = 1004;
    /// `ERROR_FILE_INVALID` (1006): a zero-length file was given with size 0; or
    /// `GetMappedFileName` on a view of a section that no file backs.
    ERROR_FILE_INVALID = 1006;
    /// `ERROR_NO_UNICODE_TRANSLATION` (1113): text that is not valid in its encoding
    /// (`MultiByteToWideChar` with `MB_ERR_INVALID_CHARS`).
    ERROR_NO_UNICODE_TRANSLATION = 1113;
    /// `ERROR_MAPPED_ALIGNMENT` (1132): an offset or base address is not a multiple of the
    /// allocation granularity.
    ERROR_MAPPED_ALIGNMENT = 1132;
    /// `ERROR_USER_MAPPED_FILE` (1224): not allowed on a file with a mapped view.
    ERROR_USER_MAPPED_FILE = 1224;
    /// `ERROR_PRIVILEGE_NOT_HELD` (1314): the caller lacks a privilege the request needs.
    ERROR_PRIVILEGE_NOT_HELD = 1314;
    /// `ERROR_COMMITMENT_LIMIT` (1455): the system's memory cannot back the whole section.
    ERROR_COMMITMENT_LIMIT = 1455;
}

/// The symbolic name of a Win32 error code this crate knows, such as `"ERROR_ALREADY_EXISTS"`.
///
/// # Examples
///
/// ```
/// use filemapping::{win32_name, ERROR_ALREADY_EXISTS};
///
/// assert_eq!(win32_name(ERROR_ALREADY_EXISTS), Some("ERROR_ALREADY_EXISTS"));
/// assert_eq!(win32_name(183), Some("ERROR_ALREADY_EXISTS"));
/// assert_eq!(win32_name(4), Some("ERROR_TOO_MANY_OPEN_FILES"));
/// assert_eq!(win32_name(1), None); // ERROR_INVALID_FUNCTION: not one of this crate's
/// ```
#[must_use]
pub fn win32_name(code: u32) -> Option<&'static str> {
    NAMED
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, name)| *name)
}

/// How far an `errno` decides the Win32 code.
#[cfg(unix)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reading {
    /// The code whatever the call was (`EACCES` is `ERROR_ACCESS_DENIED`).
    Always,
    /// The code for a file call; a caller that knows what the file was overrides it (a missing
    /// namespace directory is `ERROR_PATH_NOT_FOUND`, a full `/dev/shm`
    /// `ERROR_COMMITMENT_LIMIT`).
    Usually,
}

/// The one translation of `errno` values into Win32 codes, as Windows reports the same failure;
/// an `errno` not listed is `ERROR_GEN_FAILURE`.
#[cfg(unix)]
pub(crate) const ERRNO: &[(i32, u32, Reading)] = &[
    (libc::EACCES, ERROR_ACCESS_DENIED, Reading::Always),
    (libc::EPERM, ERROR_ACCESS_DENIED, Reading::Always),
    // A read-only file system: a namespace root that refuses new objects, which Windows reports
    // as a namespace the caller may not create in (STATUS_ACCESS_DENIED), not as a medium
    // (ERROR_WRITE_PROTECT is for files on a write-protected disk; named objects are not files).
    (libc::EROFS, ERROR_ACCESS_DENIED, Reading::Always),
    // A descriptor that is not open: Windows' bad handle (STATUS_INVALID_HANDLE).
    (libc::EBADF, ERROR_INVALID_HANDLE, Reading::Always),
    (libc::ENOMEM, ERROR_NOT_ENOUGH_MEMORY, Reading::Always),
    (libc::EMFILE, ERROR_TOO_MANY_OPEN_FILES, Reading::Always),
    (libc::ENFILE, ERROR_TOO_MANY_OPEN_FILES, Reading::Always),
    // STATUS_NAME_TOO_LONG; a name Windows cannot take is 206 too (spec §4, row 47).
    (
        libc::ENAMETOOLONG,
        ERROR_FILENAME_EXCED_RANGE,
        Reading::Always,
    ),
    (libc::ENOENT, ERROR_FILE_NOT_FOUND, Reading::Usually),
    (libc::ENOTDIR, ERROR_PATH_NOT_FOUND, Reading::Usually),
    // A directory opened as a file (CreateFile without FILE_FLAG_BACKUP_SEMANTICS).
    (libc::EISDIR, ERROR_ACCESS_DENIED, Reading::Usually),
    (libc::EEXIST, ERROR_FILE_EXISTS, Reading::Usually),
    (libc::ENOSPC, ERROR_DISK_FULL, Reading::Usually),
    (libc::EDQUOT, ERROR_DISK_FULL, Reading::Usually),
    (libc::EFBIG, ERROR_DISK_FULL, Reading::Usually),
    (libc::EINVAL, ERROR_INVALID_PARAMETER, Reading::Usually),
];

/// The code and reading of `errno`, if the table lists it.
#[cfg(unix)]
pub(crate) fn errno_reading(errno: i32) -> Option<(u32, Reading)> {
    ERRNO
        .iter()
        .find(|(e, _, _)| *e == errno)
        .map(|&(_, code, reading)| (code, reading))
}

/// The Win32 code Windows reports for the failure a Unix `errno` describes, taken as a failed
/// file call (`ENOENT` is `ERROR_FILE_NOT_FOUND`, `EEXIST` `ERROR_FILE_EXISTS`, `EBADF`
/// `ERROR_INVALID_HANDLE`); `ERROR_GEN_FAILURE` for an `errno` without an equivalent.
///
/// This is the table the library's own Unix backend reads; it is public for porting layers
/// that make file calls of their own and report them as Win32 errors.
///
/// # Examples
///
/// ```
/// use filemapping::{win32_code_from_errno, ERROR_FILE_NOT_FOUND, ERROR_GEN_FAILURE};
///
/// let err = std::fs::File::open("/filemapping-doc/no-such-file").unwrap_err();
/// assert_eq!(win32_code_from_errno(err.raw_os_error().unwrap()), ERROR_FILE_NOT_FOUND);
/// assert_eq!(win32_code_from_errno(0), ERROR_GEN_FAILURE);
/// ```
#[cfg(unix)]
#[must_use]
pub fn win32_code_from_errno(errno: i32) -> u32 {
    errno_reading(errno).map_or(ERROR_GEN_FAILURE, |(code, _)| code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_constants_and_unique() {
        for (i, &(code, name)) in NAMED.iter().enumerate() {
            assert!(name.starts_with("ERROR_"), "{name}");
            assert_eq!(win32_name(code), Some(name));
            // Ascending, so no code is listed twice.
            assert!(i == 0 || NAMED[i - 1].0 < code, "{name} is out of order");
        }
    }

    #[cfg(unix)]
    #[test]
    fn every_errno_is_listed_once_with_a_known_code() {
        for (i, &(errno, code, _)) in ERRNO.iter().enumerate() {
            assert!(win32_name(code).is_some(), "errno {errno}");
            assert!(
                ERRNO[..i].iter().all(|(e, _, _)| *e != errno),
                "errno {errno} is listed twice"
            );
            assert_eq!(win32_code_from_errno(errno), code);
        }
        assert_eq!(win32_code_from_errno(libc::EIO), ERROR_GEN_FAILURE);
    }
}
