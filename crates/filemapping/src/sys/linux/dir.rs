//! The namespace directories: one per user for `Local\`, one sticky machine-wide for `Global\`
//! (DESIGN invariant 5). They are opened without following symlinks and refused when someone
//! else could tamper with them. Opened directories are cached for the life of the process.

use super::errors::os_error;
use super::fd::{self, cstring};
use crate::error::{Error, ErrorKind, Result};
use crate::name::Scope;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::io::{AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

type Cache = Vec<(PathBuf, Scope, Arc<OwnedFd>)>;

static CACHE: Mutex<Cache> = Mutex::new(Vec::new());

/// The directory's file name under the root.
pub(crate) fn dir_name(scope: Scope) -> String {
    match scope {
        Scope::Local => format!("filemapping-local-{}", fd::euid()),
        Scope::Global => "filemapping-global".to_owned(),
    }
}

/// Opens (creating if needed) the namespace directory of `scope` under `root`.
pub(crate) fn open(root: &Path, scope: Scope) -> Result<Arc<OwnedFd>> {
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, _, dir)) = cache.iter().find(|(r, s, _)| r == root && *s == scope) {
        return Ok(Arc::clone(dir));
    }
    let dir = Arc::new(open_uncached(root, scope)?);
    cache.push((root.to_path_buf(), scope, Arc::clone(&dir)));
    Ok(dir)
}

/// Opens the namespace directory without creating anything; `None` if it does not exist.
pub(crate) fn open_existing(root: &Path, scope: Scope) -> Result<Option<OwnedFd>> {
    if !root.exists() {
        return Ok(None);
    }
    let root_fd = open_root(root, false)?;
    let name = cstring(&dir_name(scope)).map_err(|e| os_error(ErrorKind::InvalidName, "", e))?;
    match fd::open_at(root_fd.as_raw_fd(), &name, DIR_FLAGS, 0) {
        Ok(dir) => verify(&dir, scope).map(|_| Some(dir)),
        Err(libc::ENOENT) => Ok(None),
        Err(e) => Err(dir_error(root, scope, e)),
    }
}

const DIR_FLAGS: libc::c_int = libc::O_RDONLY | libc::O_DIRECTORY | libc::O_NOFOLLOW;

fn open_uncached(root: &Path, scope: Scope) -> Result<OwnedFd> {
    let root_fd = open_root(root, true)?;
    let name = cstring(&dir_name(scope)).map_err(|e| os_error(ErrorKind::InvalidName, "", e))?;
    let mode = match scope {
        Scope::Local => 0o700,
        Scope::Global => 0o777,
    };
    fd::mkdir_at(root_fd.as_raw_fd(), &name, mode).map_err(|e| dir_error(root, scope, e))?;
    let dir = fd::open_at(root_fd.as_raw_fd(), &name, DIR_FLAGS, 0)
        .map_err(|e| dir_error(root, scope, e))?;
    verify(&dir, scope)?;
    Ok(dir)
}

fn open_root(root: &Path, create: bool) -> Result<OwnedFd> {
    if create && !root.exists() {
        std::fs::create_dir_all(root).map_err(|e| {
            Error::new(
                ErrorKind::PathNotFound,
                format!("cannot create the namespace root {}: {e}", root.display()),
            )
        })?;
    }
    let path = std::ffi::CString::new(root.as_os_str().as_bytes())
        .map_err(|_| Error::new(ErrorKind::InvalidName, "the namespace root contains NUL"))?;
    let flags = libc::O_RDONLY | libc::O_DIRECTORY;
    fd::open_at(libc::AT_FDCWD, &path, flags, 0).map_err(|e| {
        let what = format!("cannot open the namespace root {}", root.display());
        os_error(ErrorKind::PathNotFound, &what, e)
    })
}

/// Refuses a directory that another user owns or could write (DESIGN invariant 5). The global
/// directory must be sticky, and owned by root or by the caller; it is made so if we own it.
fn verify(dir: &OwnedFd, scope: Scope) -> Result<()> {
    let st = fd::fstat(dir.as_raw_fd()).map_err(|e| os_error(ErrorKind::Other, "fstat", e))?;
    let me = fd::euid();
    let mode = st.st_mode & 0o7777;
    let refuse = |why: String| Err(Error::new(ErrorKind::AccessDenied, why));
    match scope {
        Scope::Local if st.st_uid != me => refuse(format!(
            "the Local namespace directory is owned by uid {}",
            st.st_uid
        )),
        Scope::Local if mode & 0o022 != 0 => refuse(format!(
            "the Local namespace directory is writable by others ({mode:o})"
        )),
        Scope::Global if st.st_uid != me && st.st_uid != 0 => refuse(format!(
            "the Global namespace directory is owned by uid {}, not by root",
            st.st_uid
        )),
        Scope::Global if mode != 0o1777 && st.st_uid == me => fd::fchmod(dir.as_raw_fd(), 0o1777)
            .map_err(|e| os_error(ErrorKind::AccessDenied, "chmod the Global directory", e)),
        Scope::Global if mode & 0o1000 == 0 => refuse(format!(
            "the Global namespace directory is not sticky ({mode:o})"
        )),
        _ => Ok(()),
    }
}

fn dir_error(root: &Path, scope: Scope, errno: i32) -> Error {
    let what = format!(
        "cannot open the namespace directory {}",
        root.join(dir_name(scope)).display()
    );
    let kind = match errno {
        libc::ELOOP | libc::ENOTDIR => ErrorKind::AccessDenied,
        libc::ENOENT => ErrorKind::PathNotFound,
        _ => ErrorKind::Other,
    };
    os_error(kind, &what, errno)
}
