//! The set-up that differs between the backends: how a test file is opened with a given access,
//! how it gets execute access, and how a directory is opened as a file. Everything else in the
//! suite uses the public API and `std` only.
//!
//! `GENERIC_EXECUTE` on a file is a right of the handle on Windows; the Linux emulation takes it
//! from the file's execute permission (these tests run as root, for whom any execute bit grants
//! it), so on Linux "execute access" is the file's mode.

use std::fs::{self, File};
use std::path::Path;

/// The access a test file is opened with (`F[...]` in the spec).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Access {
    /// Access 0: an `O_PATH` descriptor on Linux, a handle opened with access 0 on Windows.
    Nothing,
    Read,
    Write,
    ReadWrite,
}

#[cfg(target_os = "linux")]
mod imp {
    use super::Access;
    use std::fs::{self, File};
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    use std::path::Path;

    /// Linux's `O_PATH`: a descriptor with no read, write or execute access.
    #[cfg(not(any(target_arch = "sparc", target_arch = "sparc64")))]
    const O_PATH: i32 = 0o10_000_000;
    #[cfg(any(target_arch = "sparc", target_arch = "sparc64"))]
    const O_PATH: i32 = 0x100_0000;

    /// File permissions without and with execute permission.
    const NO_EXECUTE: u32 = 0o600;
    const EXECUTE: u32 = 0o700;

    fn set_execute(path: &Path, execute: bool) {
        let mode = if execute { EXECUTE } else { NO_EXECUTE };
        fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
    }

    pub(crate) fn open(path: &Path, access: Access, execute: bool) -> File {
        set_execute(path, execute);
        let mut options = fs::OpenOptions::new();
        match access {
            Access::Nothing => options.read(true).custom_flags(O_PATH),
            Access::Read => options.read(true),
            Access::Write => options.write(true),
            Access::ReadWrite => options.read(true).write(true),
        };
        options.open(path).unwrap()
    }

    /// The file's mode grants execute access to every descriptor, `file` included.
    pub(crate) fn with_execute(path: &Path, file: File, _access: Access) -> File {
        set_execute(path, true);
        file
    }

    pub(crate) fn open_dir(path: &Path) -> File {
        File::open(path).unwrap()
    }
}

#[cfg(windows)]
mod imp {
    use super::Access;
    use std::fs::{self, File};
    use std::os::windows::fs::OpenOptionsExt;
    use std::path::Path;

    const GENERIC_READ: u32 = 0x8000_0000;
    const GENERIC_WRITE: u32 = 0x4000_0000;
    const GENERIC_EXECUTE: u32 = 0x2000_0000;
    /// `CreateFile` opens a directory only with this flag.
    const FILE_FLAG_BACKUP_SEMANTICS: u32 = 0x0200_0000;

    pub(crate) fn open(path: &Path, access: Access, execute: bool) -> File {
        let rights = match access {
            Access::Nothing => 0,
            Access::Read => GENERIC_READ,
            Access::Write => GENERIC_WRITE,
            Access::ReadWrite => GENERIC_READ | GENERIC_WRITE,
        };
        let execute = if execute { GENERIC_EXECUTE } else { 0 };
        let mode = match access {
            // Access 0 stays 0: execute access would be an access.
            Access::Nothing => 0,
            _ => rights | execute,
        };
        let mut options = fs::OpenOptions::new();
        options.access_mode(mode).open(path).unwrap()
    }

    /// On Windows execute access is the handle's: a new handle with it replaces `file`.
    pub(crate) fn with_execute(path: &Path, file: File, access: Access) -> File {
        drop(file);
        open(path, access, true)
    }

    pub(crate) fn open_dir(path: &Path) -> File {
        let mut options = fs::OpenOptions::new();
        options.read(true).custom_flags(FILE_FLAG_BACKUP_SEMANTICS);
        options.open(path).unwrap()
    }
}

/// Writes `contents` to `path` and opens it with `access`, with execute access or without.
pub(crate) fn file_with(path: &Path, contents: &[u8], execute: bool, access: Access) -> File {
    fs::write(path, contents).unwrap();
    imp::open(path, access, execute)
}

/// `file` (at `path`, opened with `access`), or a handle that replaces it, with execute access.
pub(crate) fn with_execute(path: &Path, file: File, access: Access) -> File {
    imp::with_execute(path, file, access)
}

/// A directory opened as a file: a handle that is not a file.
pub(crate) fn open_dir(path: &Path) -> File {
    imp::open_dir(path)
}
