//! The one place where `errno` values become [`Error`]s.

use crate::error::{Error, ErrorKind};

/// An error for a failed syscall: `errno` picks the kind where it is unambiguous, else `fallback`.
pub(crate) fn os_error(fallback: ErrorKind, what: &str, errno: i32) -> Error {
    let kind = match errno {
        libc::EACCES | libc::EPERM | libc::EROFS => ErrorKind::AccessDenied,
        libc::ENOMEM => ErrorKind::NotEnoughMemory,
        libc::ENAMETOOLONG => ErrorKind::InvalidName,
        libc::EBADF => ErrorKind::InvalidHandle,
        _ => fallback,
    };
    Error::new(kind, what.to_owned()).with_os_error(errno)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errno_picks_the_kind() {
        assert_eq!(
            os_error(ErrorKind::Other, "x", libc::EACCES).kind(),
            ErrorKind::AccessDenied
        );
        assert_eq!(
            os_error(ErrorKind::Other, "x", libc::ENOMEM).kind(),
            ErrorKind::NotEnoughMemory
        );
        assert_eq!(
            os_error(ErrorKind::DiskFull, "x", libc::ENOSPC).kind(),
            ErrorKind::DiskFull
        );
        assert_eq!(
            os_error(ErrorKind::Other, "x", libc::EIO).raw_os_error(),
            Some(libc::EIO)
        );
    }
}
