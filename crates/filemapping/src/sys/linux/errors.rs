//! The one place where `errno` values become [`Error`]s, through the crate's one errno table
//! ([`crate::codes::ERRNO`]).

use crate::codes::{self, Reading};
use crate::error::{Error, ErrorKind};

/// An error for a failed syscall: `errno` picks the kind where the table says it decides
/// whatever the call was (`EACCES`, `ENOMEM`, `EBADF`, …), else `fallback`, which the caller
/// chose knowing what the call was for.
pub(crate) fn os_error(fallback: ErrorKind, what: &str, errno: i32) -> Error {
    let decided = match codes::errno_reading(errno) {
        Some((code, Reading::Always)) => ErrorKind::from_win32_code(code),
        _ => None,
    };
    Error::new(decided.unwrap_or(fallback), what.to_owned()).with_os_error(errno)
}

/// What holds a section's bytes, for [`grow_error`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Storage {
    /// A file the caller gave.
    File,
    /// The system's memory (a memfd or a file in `/dev/shm`): the paging file on Windows.
    Memory,
}

/// An error for a failed `fallocate`/`ftruncate` that gives a section (or a view's pages) its
/// bytes. The table reads a full or too-small file system as `ERROR_DISK_FULL`; for the system's
/// memory that is `ERROR_COMMITMENT_LIMIT`, and a size the file system cannot hold at all
/// (`EFBIG`) is a section too big, `ERROR_NOT_ENOUGH_MEMORY` (`STATUS_SECTION_TOO_BIG`,
/// spec §0.4).
pub(crate) fn grow_error(storage: Storage, what: &str, errno: i32) -> Error {
    let kind = match codes::errno_reading(errno) {
        Some(_) if errno == libc::EFBIG => ErrorKind::NotEnoughMemory,
        Some((codes::ERROR_DISK_FULL, _)) => match storage {
            Storage::File => ErrorKind::DiskFull,
            Storage::Memory => ErrorKind::CommitmentLimit,
        },
        _ => ErrorKind::Other,
    };
    os_error(kind, what, errno)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errno_picks_the_kind() {
        let kind = |errno| os_error(ErrorKind::Other, "x", errno).kind();
        assert_eq!(kind(libc::EACCES), ErrorKind::AccessDenied);
        assert_eq!(kind(libc::ENOMEM), ErrorKind::NotEnoughMemory);
        assert_eq!(kind(libc::EBADF), ErrorKind::InvalidHandle);
        assert_eq!(kind(libc::ENAMETOOLONG), ErrorKind::FilenameTooLong);
        assert_eq!(
            os_error(ErrorKind::DiskFull, "x", libc::ENOSPC).kind(),
            ErrorKind::DiskFull
        );
        // ENOENT is a missing file for a file call, but the caller knows better.
        assert_eq!(
            os_error(ErrorKind::PathNotFound, "x", libc::ENOENT).kind(),
            ErrorKind::PathNotFound
        );
        assert_eq!(
            os_error(ErrorKind::Other, "x", libc::EIO).raw_os_error(),
            Some(libc::EIO)
        );
    }

    #[test]
    fn full_storage_depends_on_the_store() {
        let kind = |storage, errno| grow_error(storage, "x", errno).kind();
        assert_eq!(kind(Storage::File, libc::ENOSPC), ErrorKind::DiskFull);
        assert_eq!(kind(Storage::File, libc::EDQUOT), ErrorKind::DiskFull);
        assert_eq!(
            kind(Storage::Memory, libc::ENOSPC),
            ErrorKind::CommitmentLimit
        );
        assert_eq!(
            kind(Storage::Memory, libc::EFBIG),
            ErrorKind::NotEnoughMemory
        );
        assert_eq!(kind(Storage::File, libc::EFBIG), ErrorKind::NotEnoughMemory);
        assert_eq!(kind(Storage::Memory, libc::EIO), ErrorKind::Other);
        assert_eq!(
            kind(Storage::File, libc::ENOMEM),
            ErrorKind::NotEnoughMemory
        );
    }
}
