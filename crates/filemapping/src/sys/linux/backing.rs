//! How an opener gets the data file of a file-backed section without trusting its header: the
//! header's path and `(device, inode)` are the object owner's word, and the owner may have
//! rewritten them ("Backing files" in the lock protocol, `object`, says why each step is there).

use super::errors::os_error;
use super::{fd, holders};
use crate::error::{Error, ErrorKind, Result};
use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::io::{AsRawFd, OwnedFd};
use std::path::Path;

/// What the opener looks for: the data file the header names, and who wrote the header.
pub(super) struct Wanted<'a> {
    /// The path the creator's descriptor had (the kernel's name for it at creation).
    pub(super) path: &'a Path,
    pub(super) dev: u64,
    pub(super) ino: u64,
    /// The owner of the object file (`fstat`): the only user who can have written its header.
    pub(super) owner: u32,
    /// The section's size: the file must hold it, or views would fault.
    pub(super) size: u64,
    /// Open it for writing (a writable protection), else for reading.
    pub(super) writable: bool,
    /// The path is a `/proc/<pid>/fd/<n>` link (a large-page section's unnamed huge pages),
    /// to be followed like a holder's descriptor: only such a path is, whatever the header says.
    pub(super) follow: bool,
}

/// Opens a new description of the data file: from a descriptor of this process, else by the
/// header's path, else from a descriptor of another process that holds it (which finds the
/// file after it was renamed or deleted, as Windows would). Whatever the source, the file is
/// accepted only if it is the regular file `(dev, ino)` and the object's owner could access it
/// ([`vouched`]); the kernel checks the opener's own rights when the file is opened.
pub(super) fn open(wanted: &Wanted<'_>) -> Result<OwnedFd> {
    for link in holders::descriptors("self", wanted.dev, wanted.ino) {
        if let Some(file) = try_open(&link, true, wanted)? {
            return Ok(file);
        }
    }
    let follow = wanted.follow && is_fd_link(wanted.path);
    if let Some(file) = try_open(wanted.path, follow, wanted)? {
        return Ok(file);
    }
    let me = std::process::id();
    for pid in holders::pids().into_iter().filter(|pid| *pid != me) {
        for link in holders::descriptors(&pid.to_string(), wanted.dev, wanted.ino) {
            if let Some(file) = try_open(&link, true, wanted)? {
                return Ok(file);
            }
        }
    }
    Err(Error::new(
        ErrorKind::NotFound,
        format!(
            "the section's backing file {} was moved or deleted, and no process whose \
             descriptors this one may see (its user's; every one for root) holds it",
            shown(wanted.path)
        ),
    ))
}

/// Whether `path` is `/proc/<pid>/fd/<n>`: a descriptor of a process, which leads to its file
/// exactly as the scan of holders' descriptors does.
fn is_fd_link(path: &Path) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let text = match path.to_str() {
        Some(text) => text,
        None => return false,
    };
    let parts: Vec<&str> = text.split('/').collect();
    matches!(parts.as_slice(), ["", "proc", pid, "fd", n] if digits(pid) && digits(n))
}

/// Tries one way to the file: `Ok(None)` if `path` does not lead to it. `follow`: `path` is a
/// `/proc/<pid>/fd/<n>` link, to be followed; the header's path is opened without following a
/// last symlink (the creator's path is the kernel's name of a regular file, never a symlink).
///
/// The file is first opened `O_PATH`, which reads nothing and opens no device or FIFO, and
/// checked through that descriptor; only then is a readable or writable description opened from
/// it (`/proc/self/fd`), which is the same inode whatever happens to `path` meanwhile.
fn try_open(path: &Path, follow: bool, wanted: &Wanted<'_>) -> Result<Option<OwnedFd>> {
    let c_path = match CString::new(path.as_os_str().as_bytes()) {
        Ok(c_path) => c_path,
        Err(_) => return Ok(None),
    };
    let nofollow = if follow { 0 } else { libc::O_NOFOLLOW };
    let handle = match fd::open_at(libc::AT_FDCWD, &c_path, libc::O_PATH | nofollow, 0) {
        Ok(handle) => handle,
        Err(_) => return Ok(None),
    };
    let st = fd::fstat(handle.as_raw_fd()).map_err(|e| os_error(ErrorKind::Other, "fstat", e))?;
    let regular = st.st_mode & libc::S_IFMT == libc::S_IFREG;
    if !regular || (st.st_dev, st.st_ino) != (wanted.dev, wanted.ino) {
        return Ok(None);
    }
    if !vouched(&st, wanted.owner) {
        return Err(Error::new(
            ErrorKind::AccessDenied,
            format!(
                "the section's backing file {} belongs to uid {}, not to the section's owner \
                 (uid {})",
                shown(wanted.path),
                st.st_uid,
                wanted.owner
            ),
        ));
    }
    let access = if wanted.writable {
        libc::O_RDWR
    } else {
        libc::O_RDONLY
    };
    // O_NONBLOCK: a lease on the file fails the open instead of stalling it.
    let flags = access | libc::O_NOCTTY | libc::O_NONBLOCK;
    let file = fd::reopen(handle.as_raw_fd(), flags).map_err(|e| {
        let what = format!(
            "cannot open the section's backing file {}",
            shown(wanted.path)
        );
        os_error(ErrorKind::Other, &what, e)
    })?;
    let st = fd::fstat(file.as_raw_fd()).map_err(|e| os_error(ErrorKind::Other, "fstat", e))?;
    if (st.st_size as u64) < wanted.size {
        return Err(Error::new(
            ErrorKind::FileInvalid,
            format!(
                "the section's backing file {} holds {} bytes, less than the section's {}",
                shown(wanted.path),
                st.st_size,
                wanted.size
            ),
        ));
    }
    Ok(Some(file))
}

/// Whether an opener may use `file` for a section whose object file `owner` owns: the owner of
/// a file can give itself any access to it (`chmod`), so a file of the object's owner is one the
/// owner could access; root could access any file, so root's objects name whatever they like;
/// and an opener of the owner's own user gains nothing it did not have. Anything else would let
/// the object's owner point another user's program at a file that only that user may touch.
fn vouched(file: &libc::stat, owner: u32) -> bool {
    file.st_uid == owner || owner == 0 || fd::euid() == owner
}

fn shown(path: &Path) -> String {
    crate::name::for_message(&path.to_string_lossy())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_descriptor_links_are_followed() {
        assert!(is_fd_link(Path::new("/proc/12/fd/3")));
        for path in [
            "/proc/self/fd/3",
            "/proc/12/fd/3/x",
            "/tmp/proc/1/fd/2",
            "/proc/1/fd/",
        ] {
            assert!(!is_fd_link(Path::new(path)), "{path}");
        }
    }

    use std::os::unix::fs::MetadataExt;

    fn wanted_for<'a>(path: &'a Path, meta: &std::fs::Metadata, owner: u32) -> Wanted<'a> {
        Wanted {
            path,
            dev: meta.dev(),
            ino: meta.ino(),
            owner,
            size: meta.len(),
            writable: false,
            follow: false,
        }
    }

    #[test]
    fn finds_a_deleted_file_this_process_holds() {
        let path = std::env::temp_dir().join(format!("fm-backing-{}", std::process::id()));
        std::fs::write(&path, b"kept").unwrap();
        let held = std::fs::File::open(&path).unwrap();
        let meta = held.metadata().unwrap();
        std::fs::remove_file(&path).unwrap();
        let file = open(&wanted_for(&path, &meta, fd::euid())).unwrap();
        let mut buf = [0u8; 4];
        fd::pread_exact(file.as_raw_fd(), &mut buf, 0).unwrap();
        assert_eq!(&buf, b"kept");
        drop((held, file));
        let err = open(&wanted_for(&path, &meta, fd::euid())).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotFound);
    }

    #[test]
    fn refuses_a_file_that_is_bigger_in_the_header() {
        let path = std::env::temp_dir().join(format!("fm-backing-small-{}", std::process::id()));
        std::fs::write(&path, b"tiny").unwrap();
        let meta = std::fs::metadata(&path).unwrap();
        let mut wanted = wanted_for(&path, &meta, fd::euid());
        wanted.size = 1 << 30;
        let err = open(&wanted).unwrap_err();
        std::fs::remove_file(&path).unwrap();
        assert_eq!(err.kind(), ErrorKind::FileInvalid);
    }

    #[test]
    fn a_symlink_in_the_header_is_not_followed() {
        let dir = std::env::temp_dir().join(format!("fm-backing-link-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let target = dir.join("target");
        let link = dir.join("link");
        std::fs::write(&target, b"data").unwrap();
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let meta = std::fs::metadata(&target).unwrap();
        let err = open(&wanted_for(&link, &meta, fd::euid())).unwrap_err();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(err.kind(), ErrorKind::NotFound);
    }
}
