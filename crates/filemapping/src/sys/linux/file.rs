//! Sections backed by a data file: the checks `CreateFileMapping` makes on the file (spec §2.2,
//! §2.3), in Windows' order.

use super::errors::{grow_error, os_error, Storage};
use super::fd;
use crate::error::{Error, ErrorKind, Result};
use crate::protection::{Protection, SectionAttributes};
use std::os::unix::io::{AsRawFd, OwnedFd, RawFd};
use std::path::PathBuf;

/// A file that passed the checks, ready to back a section.
pub(crate) struct FileBacking {
    /// Our own descriptor of the file.
    pub(crate) fd: OwnedFd,
    /// The section size.
    pub(crate) size: u64,
    /// The file must first be extended to the section size (writable protections only).
    pub(crate) grow: bool,
    pub(crate) path: PathBuf,
    pub(crate) dev: u64,
    pub(crate) ino: u64,
}

/// Checks `file` for a section of `requested` bytes (0: the file's size) with `protection`;
/// `(inheritable, execute)`: whether the section's handle is inheritable, and whether the file
/// handle carries the execute right as the caller decided it (`None`: see [`may_execute`]).
pub(crate) fn prepare(
    file: &std::fs::File,
    protection: Protection,
    attributes: SectionAttributes,
    requested: u64,
    (inheritable, execute): (bool, Option<bool>),
) -> Result<FileBacking> {
    let raw = file.as_raw_fd();
    check_access(raw, protection, execute)?;
    let st = fd::fstat(raw).map_err(|e| os_error(ErrorKind::InvalidHandle, "fstat", e))?;
    if st.st_mode & libc::S_IFMT != libc::S_IFREG {
        return Err(Error::new(
            ErrorKind::InvalidParameter,
            "only regular files can back a section",
        ));
    }
    let (size, grow) = if attributes.contains(SectionAttributes::IMAGE) {
        // The section is the image's view size, whatever size was asked for.
        let layout = super::image::layout(raw)?;
        (u64::from(layout.size_of_image()), false)
    } else {
        section_size(st.st_size as u64, requested, protection)?
    };
    let fd = fd::dup(raw, !inheritable).map_err(|e| os_error(ErrorKind::Other, "dup", e))?;
    let path = fd::path_of(fd.as_raw_fd()).unwrap_or_default();
    Ok(FileBacking {
        fd,
        size,
        grow,
        path,
        dev: st.st_dev,
        ino: st.st_ino,
    })
}

/// The file handle needs read access, plus write access for writable protections and execute
/// permission for executable ones (spec §2.3). This is checked before the size (row 6).
fn check_access(raw: RawFd, protection: Protection, execute: Option<bool>) -> Result<()> {
    let (readable, writable) =
        fd::rights(raw).map_err(|e| os_error(ErrorKind::InvalidHandle, "fcntl", e))?;
    let denied = |why: &str| Err(Error::new(ErrorKind::AccessDenied, why.to_owned()));
    if !readable {
        return denied("the file is not open for reading");
    }
    if protection.is_writable() && !writable {
        return denied("a writable protection needs a file opened for writing");
    }
    if protection.is_executable() && !execute.map_or_else(|| may_execute(raw), Ok)? {
        return denied("an executable protection needs a file the caller may execute");
    }
    Ok(())
}

/// Linux descriptors carry no execute right; unless the caller decided it
/// ([`CreateOptions::file_execute`](crate::CreateOptions::file_execute)), the file's execute
/// permission stands in for `GENERIC_EXECUTE`.
fn may_execute(raw: RawFd) -> Result<bool> {
    let st = fd::fstat(raw).map_err(|e| os_error(ErrorKind::InvalidHandle, "fstat", e))?;
    let me = fd::euid();
    let bits = if me == 0 {
        0o111
    } else if st.st_uid == me {
        0o100
    } else {
        0o011
    };
    Ok(st.st_mode & bits != 0)
}

/// The section size and whether the file must grow (spec §2.2, rows 4–12).
fn section_size(file_size: u64, requested: u64, protection: Protection) -> Result<(u64, bool)> {
    if requested == 0 {
        if file_size == 0 {
            return Err(Error::new(
                ErrorKind::FileInvalid,
                "a section of an empty file needs a size",
            ));
        }
        return Ok((file_size, false));
    }
    if requested <= file_size {
        return Ok((requested, false));
    }
    if !protection.is_writable() || requested > i64::MAX as u64 {
        return Err(Error::new(
            ErrorKind::NotEnoughMemory,
            format!("the file is smaller than {requested} bytes and {protection} cannot extend it"),
        ));
    }
    Ok((requested, true))
}

/// Extends the file to the section size, reserving its blocks.
pub(crate) fn grow(backing: &FileBacking) -> Result<()> {
    let raw = backing.fd.as_raw_fd();
    let current = fd::fstat(raw)
        .map_err(|e| os_error(ErrorKind::Other, "fstat", e))?
        .st_size as u64;
    if current >= backing.size {
        return Ok(());
    }
    let more = backing.size - current;
    // A file on a tmpfs takes its pages from the system's memory (see `commit`).
    let checked = match fd::on_tmpfs(raw) {
        Ok(true) => super::commit::check(more),
        _ => Ok(()),
    };
    checked
        .and_then(|_| fd::allocate(raw, current, more))
        .map_err(|e| {
            grow_error(
                Storage::File,
                "cannot extend the file to the section size",
                e,
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_follow_spec_2_2() {
        use Protection::*;
        assert_eq!(section_size(0x3456, 0, ReadOnly).unwrap(), (0x3456, false));
        assert_eq!(
            section_size(0, 0, ReadWrite).unwrap_err().kind(),
            ErrorKind::FileInvalid
        );
        assert_eq!(
            section_size(0x3456, 0x3457, ReadOnly).unwrap_err().kind(),
            ErrorKind::NotEnoughMemory
        );
        assert_eq!(
            section_size(4096, 8192, WriteCopy).unwrap_err().kind(),
            ErrorKind::NotEnoughMemory
        );
        assert_eq!(
            section_size(4096, 0x10_0000, ReadWrite).unwrap(),
            (0x10_0000, true)
        );
        assert_eq!(section_size(4096, 36, ReadOnly).unwrap(), (36, false));
        assert_eq!(
            section_size(4096, u64::MAX, ReadWrite).unwrap_err().kind(),
            ErrorKind::NotEnoughMemory
        );
    }
}
