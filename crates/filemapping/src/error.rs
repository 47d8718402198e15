//! The crate's one error type: a kind, the Win32 error code it stands for, and the OS error.

use crate::codes;
use std::borrow::Cow;
use std::fmt;
use std::io;

/// What went wrong, in Win32 terms.
///
/// Each kind stands for exactly one Win32 error code (see [`ErrorKind::win32_code`] and the
/// constants of [the `codes` module](crate::codes)). The list
/// follows the errors that `CreateFileMapping`, `OpenFileMapping` and `MapViewOfFile` report on
/// Windows; new kinds may be added, so match with a wildcard arm.
///
/// # Examples
///
/// ```
/// use filemapping::{ErrorKind, FileMapping, FileMapAccess, ERROR_FILE_NOT_FOUND};
///
/// let err = FileMapping::open("filemapping-doc-no-such-name", FileMapAccess::READ).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::NotFound);
/// assert_eq!(err.win32_code(), ERROR_FILE_NOT_FOUND); // 2
/// ```
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// `ERROR_FILE_NOT_FOUND` (2): no object has this name.
    NotFound,
    /// `ERROR_PATH_NOT_FOUND` (3): the name has a prefix (`Foo\`) that is not a namespace.
    PathNotFound,
    /// `ERROR_TOO_MANY_OPEN_FILES` (4): no file descriptor is left (`EMFILE`, `ENFILE`).
    TooManyOpenFiles,
    /// `ERROR_ACCESS_DENIED` (5): the handle lacks a right, the view runs past the section, or the
    /// object's security refuses the caller.
    AccessDenied,
    /// `ERROR_INVALID_HANDLE` (6): the handle is not a file-mapping handle, or the name belongs to
    /// an object of another type.
    InvalidHandle,
    /// `ERROR_NOT_ENOUGH_MEMORY` (8): the section is too big for its backing, or the address space
    /// is exhausted.
    NotEnoughMemory,
    /// `ERROR_INVALID_PARAMETER` (87): a protection, attribute, size or access value is invalid.
    InvalidParameter,
    /// `ERROR_DISK_FULL` (112): a file could not be extended to the section size.
    DiskFull,
    /// `ERROR_INVALID_NAME` (123): the name is malformed (an empty path component, a NUL) or
    /// too long.
    InvalidName,
    /// `ERROR_BAD_PATHNAME` (161): the name's syntax is wrong for a path relative to the
    /// namespace (it starts with a backslash).
    BadPathname,
    /// `ERROR_BAD_EXE_FORMAT` (193): `SEC_IMAGE` on something that is not an executable image.
    BadExeFormat,
    /// `ERROR_FILENAME_EXCED_RANGE` (206): a name does not fit the ANSI `MAX_PATH` buffer, or a
    /// path is too long for the OS (`ENAMETOOLONG`).
    FilenameTooLong,
    /// `ERROR_INVALID_ADDRESS` (487): the requested base address is in use, or an address is not
    /// a view.
    InvalidAddress,
    /// `ERROR_SWAPERROR` (999): a page of a view could not be read or written, where a plain
    /// access would raise `SIGBUS` (Windows' in-page error).
    InPageError,
    /// `ERROR_FILE_INVALID` (1006): a zero-length file was given with size 0.
    FileInvalid,
    /// `ERROR_MAPPED_ALIGNMENT` (1132): an offset or base address is not a multiple of the
    /// allocation granularity (64 KiB).
    MappedAlignment,
    /// `ERROR_USER_MAPPED_FILE` (1224): the operation is not allowed on a file with a mapped view.
    UserMappedFile,
    /// `ERROR_PRIVILEGE_NOT_HELD` (1314): the request needs a privilege the caller lacks.
    PrivilegeNotHeld,
    /// `ERROR_COMMITMENT_LIMIT` (1455): the system's memory (the paging file; `/dev/shm` on Linux)
    /// cannot back the whole section.
    CommitmentLimit,
    /// `ERROR_NOT_SUPPORTED` (50): valid on Windows, not implemented on this platform yet.
    Unsupported,
    /// `ERROR_NOT_OWNER` (288): the calling thread does not own the mutex it releases.
    NotOwner,
    /// `ERROR_TOO_MANY_POSTS` (298): the release would take a semaphore past its maximum count.
    TooManyPosts,
    /// `ERROR_GEN_FAILURE` (31): an operating-system failure with no better Win32 equivalent; the
    /// OS error says more.
    Other,
}

/// One row of [`TABLE`]: a kind and everything derived from it.
struct Row {
    kind: ErrorKind,
    code: u32,
    name: &'static str,
    io: io::ErrorKind,
}

/// A row from the kind, the name of its code's constant (written once, so the name cannot
/// disagree with the code) and the `io::ErrorKind` it converts to.
macro_rules! row {
    ($kind:ident, $code:ident, $io:ident) => {
        Row {
            kind: ErrorKind::$kind,
            code: codes::$code,
            name: stringify!($code),
            io: io::ErrorKind::$io,
        }
    };
}

/// `ERROR_GEN_FAILURE`: also the row of a kind the table would lack (the tests rule that out).
const OTHER: Row = row!(Other, ERROR_GEN_FAILURE, Other);

/// The single table of the kinds: one row per kind, and every lookup below reads it.
const TABLE: &[Row] = &[
    row!(NotFound, ERROR_FILE_NOT_FOUND, NotFound),
    row!(PathNotFound, ERROR_PATH_NOT_FOUND, NotFound),
    row!(TooManyOpenFiles, ERROR_TOO_MANY_OPEN_FILES, Other),
    row!(AccessDenied, ERROR_ACCESS_DENIED, PermissionDenied),
    row!(InvalidHandle, ERROR_INVALID_HANDLE, InvalidInput),
    row!(NotEnoughMemory, ERROR_NOT_ENOUGH_MEMORY, OutOfMemory),
    OTHER,
    row!(Unsupported, ERROR_NOT_SUPPORTED, Unsupported),
    row!(InvalidParameter, ERROR_INVALID_PARAMETER, InvalidInput),
    row!(DiskFull, ERROR_DISK_FULL, Other),
    row!(InvalidName, ERROR_INVALID_NAME, InvalidInput),
    row!(BadPathname, ERROR_BAD_PATHNAME, InvalidInput),
    row!(BadExeFormat, ERROR_BAD_EXE_FORMAT, InvalidInput),
    row!(FilenameTooLong, ERROR_FILENAME_EXCED_RANGE, InvalidInput),
    row!(InvalidAddress, ERROR_INVALID_ADDRESS, InvalidInput),
    row!(InPageError, ERROR_SWAPERROR, Other),
    row!(FileInvalid, ERROR_FILE_INVALID, InvalidInput),
    row!(MappedAlignment, ERROR_MAPPED_ALIGNMENT, InvalidInput),
    row!(UserMappedFile, ERROR_USER_MAPPED_FILE, Other),
    row!(PrivilegeNotHeld, ERROR_PRIVILEGE_NOT_HELD, PermissionDenied),
    row!(CommitmentLimit, ERROR_COMMITMENT_LIMIT, OutOfMemory),
    row!(NotOwner, ERROR_NOT_OWNER, PermissionDenied),
    row!(TooManyPosts, ERROR_TOO_MANY_POSTS, InvalidInput),
];

impl ErrorKind {
    fn row(self) -> &'static Row {
        TABLE.iter().find(|row| row.kind == self).unwrap_or(&OTHER)
    }

    /// The Win32 error code (`ERROR_*` value) of this kind, as `GetLastError` would return it.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{ErrorKind, ERROR_MAPPED_ALIGNMENT};
    ///
    /// assert_eq!(ErrorKind::MappedAlignment.win32_code(), ERROR_MAPPED_ALIGNMENT);
    /// assert_eq!(ERROR_MAPPED_ALIGNMENT, 1132);
    /// ```
    #[must_use]
    pub fn win32_code(self) -> u32 {
        self.row().code
    }

    /// The kind that stands for a Win32 error code, if any.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{ErrorKind, ERROR_ACCESS_DENIED, ERROR_SUCCESS};
    ///
    /// assert_eq!(ErrorKind::from_win32_code(ERROR_ACCESS_DENIED), Some(ErrorKind::AccessDenied));
    /// assert_eq!(ErrorKind::from_win32_code(ERROR_SUCCESS), None);
    /// ```
    #[must_use]
    pub fn from_win32_code(code: u32) -> Option<ErrorKind> {
        TABLE
            .iter()
            .find(|row| row.code == code)
            .map(|row| row.kind)
    }

    /// The symbolic Win32 name of this kind's code, such as `"ERROR_ACCESS_DENIED"`.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::ErrorKind;
    ///
    /// assert_eq!(ErrorKind::NotFound.win32_name(), "ERROR_FILE_NOT_FOUND");
    /// ```
    #[must_use]
    pub fn win32_name(self) -> &'static str {
        self.row().name
    }

    fn io_kind(self) -> io::ErrorKind {
        self.row().io
    }
}

/// An error from this crate: a [`ErrorKind`] with its Win32 code, the OS error that caused it
/// (if any), and a sentence that says what was attempted.
///
/// # Examples
///
/// ```
/// use filemapping::{CreateOptions, ErrorKind, ERROR_INVALID_PARAMETER};
///
/// // A section backed by the system's memory must have a size (spec §2.1).
/// let err = CreateOptions::new().size(0).create().unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::InvalidParameter);
/// assert_eq!(err.win32_code(), ERROR_INVALID_PARAMETER);
/// let io: std::io::Error = err.into();
/// assert_eq!(io.kind(), std::io::ErrorKind::InvalidInput);
/// ```
#[derive(Clone, Debug)]
pub struct Error {
    kind: ErrorKind,
    os: Option<i32>,
    message: Cow<'static, str>,
}

impl Error {
    /// Creates an error of `kind` with a message.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{Error, ErrorKind, ERROR_ACCESS_DENIED};
    ///
    /// let err = Error::new(ErrorKind::AccessDenied, "the handle cannot map writable views");
    /// assert_eq!(err.win32_code(), ERROR_ACCESS_DENIED);
    /// ```
    pub fn new(kind: ErrorKind, message: impl Into<Cow<'static, str>>) -> Error {
        Error {
            kind,
            os: None,
            message: message.into(),
        }
    }

    /// Attaches the OS error number (`errno` on Unix, `GetLastError` on Windows) that caused it.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{Error, ErrorKind};
    ///
    /// let err = Error::new(ErrorKind::Other, "mmap failed").with_os_error(12);
    /// assert_eq!(err.raw_os_error(), Some(12));
    /// ```
    #[must_use]
    pub fn with_os_error(mut self, code: i32) -> Error {
        self.os = Some(code);
        self
    }

    /// The kind of error.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{Error, ErrorKind};
    ///
    /// assert_eq!(Error::new(ErrorKind::DiskFull, "x").kind(), ErrorKind::DiskFull);
    /// ```
    #[must_use]
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The Win32 error code, the value Windows' `GetLastError` gives for the same failure.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{Error, ErrorKind, ERROR_FILE_INVALID};
    ///
    /// let err = Error::new(ErrorKind::FileInvalid, "empty file");
    /// assert_eq!(err.win32_code(), ERROR_FILE_INVALID);
    /// ```
    #[must_use]
    pub fn win32_code(&self) -> u32 {
        self.kind.win32_code()
    }

    /// The underlying OS error number, if an OS call failed.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{Error, ErrorKind};
    ///
    /// assert_eq!(Error::new(ErrorKind::InvalidParameter, "bad").raw_os_error(), None);
    /// ```
    #[must_use]
    pub fn raw_os_error(&self) -> Option<i32> {
        self.os
    }

    /// The sentence that says what failed, without the code.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{Error, ErrorKind};
    ///
    /// assert_eq!(Error::new(ErrorKind::Other, "it broke").message(), "it broke");
    /// ```
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({}, {})",
            self.message,
            self.kind.win32_name(),
            self.kind.win32_code()
        )?;
        if let Some(os) = self.os {
            write!(f, ": {}", io::Error::from_raw_os_error(os))?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

impl From<Error> for io::Error {
    fn from(err: Error) -> io::Error {
        io::Error::new(err.kind.io_kind(), err)
    }
}

/// Shorthand for results of this crate.
pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    /// A distinct number for every kind. The match has no wildcard, so a new kind does not
    /// compile until it is given one here, and the test below then wants a row for it.
    fn ordinal(kind: ErrorKind) -> usize {
        match kind {
            ErrorKind::NotFound => 0,
            ErrorKind::PathNotFound => 1,
            ErrorKind::AccessDenied => 2,
            ErrorKind::InvalidHandle => 3,
            ErrorKind::NotEnoughMemory => 4,
            ErrorKind::InvalidParameter => 5,
            ErrorKind::DiskFull => 6,
            ErrorKind::InvalidName => 7,
            ErrorKind::BadExeFormat => 8,
            ErrorKind::FilenameTooLong => 9,
            ErrorKind::InvalidAddress => 10,
            ErrorKind::FileInvalid => 11,
            ErrorKind::MappedAlignment => 12,
            ErrorKind::UserMappedFile => 13,
            ErrorKind::PrivilegeNotHeld => 14,
            ErrorKind::CommitmentLimit => 15,
            ErrorKind::Unsupported => 16,
            ErrorKind::Other => 17,
            ErrorKind::InPageError => 18,
            ErrorKind::BadPathname => 19,
            ErrorKind::NotOwner => 20,
            ErrorKind::TooManyPosts => 21,
            ErrorKind::TooManyOpenFiles => 22,
        }
    }
    const KINDS: usize = 23;

    #[test]
    fn the_table_has_one_row_per_kind_and_every_lookup_agrees_with_it() {
        let mut seen = [false; KINDS];
        for (i, row) in TABLE.iter().enumerate() {
            let kind = row.kind;
            assert!(!seen[ordinal(kind)], "{kind:?} has two rows");
            seen[ordinal(kind)] = true;
            assert!(
                TABLE[..i].iter().all(|other| other.code != row.code),
                "{kind:?} shares its code {} with another kind",
                row.code
            );
            // The name is the constant's, so the code's name in the list of all codes.
            assert!(row.name.starts_with("ERROR_"), "{kind:?}");
            assert_eq!(codes::win32_name(row.code), Some(row.name), "{kind:?}");
            assert_eq!(kind.win32_code(), row.code);
            assert_eq!(kind.win32_name(), row.name);
            assert_eq!(ErrorKind::from_win32_code(kind.win32_code()), Some(kind));
            let io: io::Error = Error::new(kind, "x").into();
            assert_eq!(io.kind(), row.io, "{kind:?}");
        }
        assert!(seen.iter().all(|&s| s), "a kind has no row");
        assert_eq!(OTHER.kind, ErrorKind::Other);
        assert_eq!(OTHER.code, codes::ERROR_GEN_FAILURE);
    }

    /// The io kinds agree with std's reading of the errno values the table translates, where
    /// std's reading is stable.
    #[cfg(unix)]
    #[test]
    fn io_kinds_agree_with_std() {
        for errno in [
            libc::ENOENT,
            libc::EACCES,
            libc::EPERM,
            libc::ENOMEM,
            libc::EINVAL,
        ] {
            let code = codes::win32_code_from_errno(errno);
            let kind = ErrorKind::from_win32_code(code).expect("a kind for the code");
            let std_kind = io::Error::from_raw_os_error(errno).kind();
            assert_eq!(kind.io_kind(), std_kind, "errno {errno}: {kind:?}");
        }
    }

    #[test]
    fn display_names_the_code_and_the_os_error() {
        let err = Error::new(ErrorKind::AccessDenied, "cannot open").with_os_error(13);
        let text = err.to_string();
        assert!(
            text.starts_with("cannot open (ERROR_ACCESS_DENIED, 5): "),
            "{text}"
        );
        let io: io::Error = err.into();
        assert_eq!(io.kind(), io::ErrorKind::PermissionDenied);
    }
}
