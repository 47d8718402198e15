//! The crate's one error type: a kind, the Win32 error code it stands for, and the OS error.

use std::borrow::Cow;
use std::fmt;
use std::io;

/// What went wrong, in Win32 terms.
///
/// Each kind stands for exactly one Win32 error code (see [`ErrorKind::win32_code`]). The list
/// follows the errors that `CreateFileMapping`, `OpenFileMapping` and `MapViewOfFile` report on
/// Windows; new kinds may be added, so match with a wildcard arm.
///
/// # Examples
///
/// ```
/// use filemapping::{ErrorKind, FileMapping, FileMapAccess};
///
/// let err = FileMapping::open("filemapping-doc-no-such-name", FileMapAccess::READ).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::NotFound);
/// assert_eq!(err.win32_code(), 2); // ERROR_FILE_NOT_FOUND
/// ```
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// `ERROR_FILE_NOT_FOUND` (2): no object has this name.
    NotFound,
    /// `ERROR_PATH_NOT_FOUND` (3): the name has a prefix (`Foo\`) that is not a namespace.
    PathNotFound,
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
    /// `ERROR_INVALID_NAME` (123): the name is malformed or too long.
    InvalidName,
    /// `ERROR_BAD_EXE_FORMAT` (193): `SEC_IMAGE` on something that is not an executable image.
    BadExeFormat,
    /// `ERROR_FILENAME_EXCED_RANGE` (206): a name does not fit the ANSI `MAX_PATH` buffer.
    FilenameTooLong,
    /// `ERROR_INVALID_ADDRESS` (487): the requested base address is in use, or an address is not
    /// a view.
    InvalidAddress,
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
    /// `ERROR_GEN_FAILURE` (31): an operating-system failure with no better Win32 equivalent; the
    /// OS error says more.
    Other,
}

/// The single translation table between kinds and Win32 error codes.
const TABLE: &[(ErrorKind, u32)] = &[
    (ErrorKind::NotFound, 2),
    (ErrorKind::PathNotFound, 3),
    (ErrorKind::AccessDenied, 5),
    (ErrorKind::InvalidHandle, 6),
    (ErrorKind::NotEnoughMemory, 8),
    (ErrorKind::Other, 31),
    (ErrorKind::Unsupported, 50),
    (ErrorKind::InvalidParameter, 87),
    (ErrorKind::DiskFull, 112),
    (ErrorKind::InvalidName, 123),
    (ErrorKind::BadExeFormat, 193),
    (ErrorKind::FilenameTooLong, 206),
    (ErrorKind::InvalidAddress, 487),
    (ErrorKind::FileInvalid, 1006),
    (ErrorKind::MappedAlignment, 1132),
    (ErrorKind::UserMappedFile, 1224),
    (ErrorKind::PrivilegeNotHeld, 1314),
    (ErrorKind::CommitmentLimit, 1455),
];

impl ErrorKind {
    /// The Win32 error code (`ERROR_*` value) of this kind, as `GetLastError` would return it.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::ErrorKind;
    ///
    /// assert_eq!(ErrorKind::MappedAlignment.win32_code(), 1132);
    /// ```
    pub fn win32_code(self) -> u32 {
        TABLE
            .iter()
            .find(|(kind, _)| *kind == self)
            .map_or(31, |(_, code)| *code)
    }

    /// The kind that stands for a Win32 error code, if any.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::ErrorKind;
    ///
    /// assert_eq!(ErrorKind::from_win32_code(5), Some(ErrorKind::AccessDenied));
    /// assert_eq!(ErrorKind::from_win32_code(0), None);
    /// ```
    pub fn from_win32_code(code: u32) -> Option<ErrorKind> {
        TABLE
            .iter()
            .find(|(_, c)| *c == code)
            .map(|(kind, _)| *kind)
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
    pub fn win32_name(self) -> &'static str {
        match self {
            ErrorKind::NotFound => "ERROR_FILE_NOT_FOUND",
            ErrorKind::PathNotFound => "ERROR_PATH_NOT_FOUND",
            ErrorKind::AccessDenied => "ERROR_ACCESS_DENIED",
            ErrorKind::InvalidHandle => "ERROR_INVALID_HANDLE",
            ErrorKind::NotEnoughMemory => "ERROR_NOT_ENOUGH_MEMORY",
            ErrorKind::InvalidParameter => "ERROR_INVALID_PARAMETER",
            ErrorKind::DiskFull => "ERROR_DISK_FULL",
            ErrorKind::InvalidName => "ERROR_INVALID_NAME",
            ErrorKind::BadExeFormat => "ERROR_BAD_EXE_FORMAT",
            ErrorKind::FilenameTooLong => "ERROR_FILENAME_EXCED_RANGE",
            ErrorKind::InvalidAddress => "ERROR_INVALID_ADDRESS",
            ErrorKind::FileInvalid => "ERROR_FILE_INVALID",
            ErrorKind::MappedAlignment => "ERROR_MAPPED_ALIGNMENT",
            ErrorKind::UserMappedFile => "ERROR_USER_MAPPED_FILE",
            ErrorKind::PrivilegeNotHeld => "ERROR_PRIVILEGE_NOT_HELD",
            ErrorKind::CommitmentLimit => "ERROR_COMMITMENT_LIMIT",
            ErrorKind::Unsupported => "ERROR_NOT_SUPPORTED",
            ErrorKind::Other => "ERROR_GEN_FAILURE",
        }
    }

    fn io_kind(self) -> io::ErrorKind {
        match self {
            ErrorKind::NotFound | ErrorKind::PathNotFound => io::ErrorKind::NotFound,
            ErrorKind::AccessDenied | ErrorKind::PrivilegeNotHeld => {
                io::ErrorKind::PermissionDenied
            }
            ErrorKind::NotEnoughMemory | ErrorKind::CommitmentLimit => io::ErrorKind::OutOfMemory,
            ErrorKind::Unsupported => io::ErrorKind::Unsupported,
            ErrorKind::Other | ErrorKind::DiskFull | ErrorKind::UserMappedFile => {
                io::ErrorKind::Other
            }
            _ => io::ErrorKind::InvalidInput,
        }
    }
}

/// An error from this crate: a [`ErrorKind`] with its Win32 code, the OS error that caused it
/// (if any), and a sentence that says what was attempted.
///
/// # Examples
///
/// ```
/// use filemapping::{CreateOptions, ErrorKind};
///
/// // A section backed by the system's memory must have a size (spec §2.1).
/// let err = CreateOptions::new().size(0).create().unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::InvalidParameter);
/// assert_eq!(err.win32_code(), 87);
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
    /// use filemapping::{Error, ErrorKind};
    ///
    /// let err = Error::new(ErrorKind::AccessDenied, "the handle cannot map writable views");
    /// assert_eq!(err.win32_code(), 5);
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
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The Win32 error code, the value Windows' `GetLastError` gives for the same failure.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{Error, ErrorKind};
    ///
    /// assert_eq!(Error::new(ErrorKind::FileInvalid, "empty file").win32_code(), 1006);
    /// ```
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

    const ALL: &[ErrorKind] = &[
        ErrorKind::NotFound,
        ErrorKind::PathNotFound,
        ErrorKind::AccessDenied,
        ErrorKind::InvalidHandle,
        ErrorKind::NotEnoughMemory,
        ErrorKind::InvalidParameter,
        ErrorKind::DiskFull,
        ErrorKind::InvalidName,
        ErrorKind::BadExeFormat,
        ErrorKind::FilenameTooLong,
        ErrorKind::InvalidAddress,
        ErrorKind::FileInvalid,
        ErrorKind::MappedAlignment,
        ErrorKind::UserMappedFile,
        ErrorKind::PrivilegeNotHeld,
        ErrorKind::CommitmentLimit,
        ErrorKind::Unsupported,
        ErrorKind::Other,
    ];

    /// Exhaustive: a new kind that is not listed here fails to compile the match below.
    fn listed(kind: ErrorKind) -> bool {
        match kind {
            ErrorKind::NotFound
            | ErrorKind::PathNotFound
            | ErrorKind::AccessDenied
            | ErrorKind::InvalidHandle
            | ErrorKind::NotEnoughMemory
            | ErrorKind::InvalidParameter
            | ErrorKind::DiskFull
            | ErrorKind::InvalidName
            | ErrorKind::BadExeFormat
            | ErrorKind::FilenameTooLong
            | ErrorKind::InvalidAddress
            | ErrorKind::FileInvalid
            | ErrorKind::MappedAlignment
            | ErrorKind::UserMappedFile
            | ErrorKind::PrivilegeNotHeld
            | ErrorKind::CommitmentLimit
            | ErrorKind::Unsupported
            | ErrorKind::Other => ALL.contains(&kind),
        }
    }

    #[test]
    fn every_kind_has_one_code_and_round_trips() {
        assert_eq!(TABLE.len(), ALL.len());
        for &kind in ALL {
            assert!(listed(kind));
            let code = kind.win32_code();
            assert_eq!(ErrorKind::from_win32_code(code), Some(kind), "{kind:?}");
            assert!(kind.win32_name().starts_with("ERROR_"));
        }
    }

    #[test]
    fn spec_codes_are_exact() {
        // Spec §0.3.
        let expected = [
            (ErrorKind::NotFound, 2),
            (ErrorKind::PathNotFound, 3),
            (ErrorKind::AccessDenied, 5),
            (ErrorKind::InvalidHandle, 6),
            (ErrorKind::NotEnoughMemory, 8),
            (ErrorKind::InvalidParameter, 87),
            (ErrorKind::DiskFull, 112),
            (ErrorKind::InvalidName, 123),
            (ErrorKind::BadExeFormat, 193),
            (ErrorKind::FilenameTooLong, 206),
            (ErrorKind::InvalidAddress, 487),
            (ErrorKind::FileInvalid, 1006),
            (ErrorKind::MappedAlignment, 1132),
            (ErrorKind::UserMappedFile, 1224),
            (ErrorKind::PrivilegeNotHeld, 1314),
            (ErrorKind::CommitmentLimit, 1455),
        ];
        for (kind, code) in expected {
            assert_eq!(kind.win32_code(), code);
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
