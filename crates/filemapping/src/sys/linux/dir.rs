//! The namespace directories: one per user for `Local\`, one sticky machine-wide for `Global\`
//! (DESIGN invariants 5 and 8). They are opened without following symlinks and refused when
//! someone else could tamper with them. Opened directories are cached, so a process never moves
//! between directories, for as long as the directory's path still names it: one that was removed
//! (with its root) or whose file system was unmounted is chosen again by the rule below when a
//! create or an open does not find its name in the cached one ([`refresh`]; the root is made
//! again if it is missing, `ERROR_PATH_NOT_FOUND` if it cannot be made). An open that finds its
//! name pays nothing for the check. Live handles keep the directory they were made in, and
//! work on.
//!
//! # Where names live
//!
//! Under a namespace root `R`, `Local\` and unprefixed names live in `R/filemapping-local-<uid>`
//! (mode 0700, owned by the user) and `Global\` names in `R/filemapping-global` (sticky, mode
//! 1777). The uid is the effective uid.
//!
//! The default root, `/dev/shm`, is writable by every user, so anyone can create
//! `filemapping-local-<uid>` there before its user does (a *squat*). For that root only, the
//! `Local\` directory is chosen by this rule, which reads no environment variable, so that every
//! process of the user (a login shell, a cron job, a service, `sudo -u`) gets the same directory:
//!
//! 1. `/run/user/<uid>/filemapping-local-<uid>` (in the user's runtime directory), if it
//!    exists: it exists only because an earlier process found the squat below, and every
//!    process stays with it from then on (even if the squatter removes their directory);
//! 2. else `/dev/shm/filemapping-local-<uid>`, created if needed, if it is the user's;
//! 3. else, if the squatter owns that entry, `/run/user/<uid>/filemapping-local-<uid>`, created,
//!    when `/run/user/<uid>` is usable: a directory (not a symlink) owned by the user, with no
//!    permission for anyone else, on a tmpfs (the systemd-logind convention; `$XDG_RUNTIME_DIR`
//!    names the same directory in a login session, but the variable is not read: processes
//!    without it must find the same names). A squatter cannot create anything there;
//! 4. else the open fails with `ERROR_ACCESS_DENIED` and a message that names the squatted
//!    entry, its owner and its mode, and says what to do.
//!
//! `/run/user/<uid>` and `/dev/shm` are different mounts, but each directory is whole: an object
//! is built (`O_TMPFILE`) and linked in the one directory it lives in. The runtime directory
//! exists only while the user has a login session (or lingers); when logind removes it at
//! logout it also removes the user's files in `/dev/shm` when `RemoveIPC=yes` (upstream default).
//!
//! Any other root (`FILEMAPPING_DIR`, `Namespace::at`) is the caller's choice: both scopes live
//! under it and nothing moves; a squatted directory there is refused with the same message.
//! The rule depends on the root's path, not on how it was chosen: `FILEMAPPING_DIR=/dev/shm` is
//! the default root.
//!
//! `Global\` has no place that a squatter cannot reach first without an administrator, so its
//! directory is the same for every root. It is trusted when it is sticky and owned by root, or
//! owned by the caller (who then makes it 1777): a non-root user who creates it first owns it,
//! and every other user refuses it (its owner could remove their objects or chmod it) with a
//! message that says how root makes a trusted one.

use super::errors::os_error;
use super::fd::{self, cstring};
use crate::error::{Error, ErrorKind, Result};
use crate::name::{for_message, Scope};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::io::{AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// An opened namespace directory, and where it was found.
struct Cached {
    root: PathBuf,
    scope: Scope,
    dir: Arc<OwnedFd>,
    /// The directory's path as the kernel gave it when it was opened, and its `stat` then.
    at: Option<(std::ffi::CString, libc::stat)>,
}

impl Cached {
    fn new(root: &Path, scope: Scope, dir: Arc<OwnedFd>) -> Cached {
        let raw = dir.as_raw_fd();
        let path = fd::path_of(raw)
            .and_then(|p| std::ffi::CString::new(p.into_os_string().into_vec()).ok());
        let at = path.zip(fd::fstat(raw).ok());
        Cached {
            root: root.to_path_buf(),
            scope,
            dir,
            at,
        }
    }

    /// Whether the directory's path still names it: not if the directory was removed, or its
    /// file system unmounted (or another one mounted over it).
    fn still_there(&self) -> bool {
        match &self.at {
            Some((path, then)) => {
                fd::stat_at(libc::AT_FDCWD, path).map_or(false, |now| fd::same_file(&now, then))
            }
            None => true,
        }
    }
}

static CACHE: Mutex<Vec<Cached>> = Mutex::new(Vec::new());

/// Where the runtime directories of users are (`/run/user/<uid>`).
const RUN_USER: &str = "/run/user";

/// The directory's file name under the root.
pub(crate) fn dir_name(scope: Scope) -> String {
    match scope {
        Scope::Local => format!("filemapping-local-{}", fd::euid()),
        Scope::Global => "filemapping-global".to_owned(),
    }
}

/// Opens (creating if needed) the namespace directory of `scope` under `root`, or gives the
/// one opened before (unchecked: see [`refresh`]).
pub(crate) fn open(root: &Path, scope: Scope) -> Result<Arc<OwnedFd>> {
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(cached) = cache.iter().find(|c| c.root == root && c.scope == scope) {
        return Ok(Arc::clone(&cached.dir));
    }
    open_anew(&mut cache, root, scope)
}

/// The namespace directory of `scope` under `root` now, if it is no longer `dir`: `dir` was
/// removed, or its file system unmounted, since it was opened (one `stat` of its path). The
/// callers ask only when a name was not found in `dir`, so that finding one costs nothing.
pub(crate) fn refresh(
    root: &Path,
    scope: Scope,
    dir: &Arc<OwnedFd>,
) -> Result<Option<Arc<OwnedFd>>> {
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(i) = cache
        .iter()
        .position(|c| c.root == root && c.scope == scope)
    {
        if !Arc::ptr_eq(&cache[i].dir, dir) {
            // Another thread found it moved already.
            return Ok(Some(Arc::clone(&cache[i].dir)));
        }
        if cache[i].still_there() {
            return Ok(None);
        }
        cache.swap_remove(i);
    }
    open_anew(&mut cache, root, scope).map(Some)
}

/// Opens the directory by the rule of the module documentation and caches it.
fn open_anew(cache: &mut Vec<Cached>, root: &Path, scope: Scope) -> Result<Arc<OwnedFd>> {
    let dir = resolve(root, scope, true)?.ok_or_else(|| {
        let what = format!("the namespace directory under {} vanished", shown(root));
        os_error(ErrorKind::PathNotFound, &what, libc::ENOENT)
    })?;
    let dir = Arc::new(dir);
    cache.push(Cached::new(root, scope, Arc::clone(&dir)));
    Ok(dir)
}

/// Opens the namespace directory without creating anything; `None` if it does not exist.
pub(crate) fn open_existing(root: &Path, scope: Scope) -> Result<Option<OwnedFd>> {
    if !root.exists() {
        return Ok(None);
    }
    resolve(root, scope, false)
}

const DIR_FLAGS: libc::c_int = libc::O_RDONLY | libc::O_DIRECTORY | libc::O_NOFOLLOW;

/// The rule of the module documentation; `create` false creates nothing and gives `None` for
/// a directory that does not exist.
fn resolve(root: &Path, scope: Scope, create: bool) -> Result<Option<OwnedFd>> {
    let shared = scope == Scope::Local && root == Path::new(super::DEFAULT_ROOT);
    if shared {
        if let Some(dir) = runtime_local(false)? {
            return Ok(Some(dir));
        }
    }
    let root_fd = open_root(root, create)?;
    match open_in(&root_fd, root, scope, create) {
        Ok(dir) => Ok(dir),
        Err(Problem::Refused(e)) => Err(e),
        Err(Problem::Squatted(squat)) if shared => match runtime_local(create)? {
            Some(dir) => Ok(Some(dir)),
            None => Err(squat.error(&format!(
                "Root can remove it (`rm -r -- {path}`); until then your Local names need \
                 {RUN_USER}/{uid} (a directory of yours with mode 0700 on a tmpfs, made for a \
                 login session), which is missing or unusable.",
                path = shown(&squat.path),
                uid = fd::euid(),
            ))),
        },
        Err(Problem::Squatted(squat)) => Err(squat.error(&match scope {
            Scope::Local => format!(
                "Root can remove it (`rm -r -- {}`), or use another namespace root.",
                shown(&squat.path)
            ),
            Scope::Global => format!(
                "Only a directory that root made is trusted by every user: as root, \
                 `rm -r -- {p} && install -d -m 1777 -o root -g root -- {p}`.",
                p = shown(&squat.path)
            ),
        })),
    }
}

/// The `Local\` directory in the user's runtime directory, if that is usable (the rule's 1 and
/// 3); `None` if the runtime directory is unusable or, with `create` false, the `Local\`
/// directory does not exist.
fn runtime_local(create: bool) -> Result<Option<OwnedFd>> {
    let run = PathBuf::from(format!("{RUN_USER}/{}", fd::euid()));
    let path = cstring(&run.to_string_lossy()).map_err(|e| os_error(ErrorKind::Other, "", e))?;
    let run_fd = match fd::open_at(libc::AT_FDCWD, &path, DIR_FLAGS, 0) {
        Ok(dir) => dir,
        Err(_) => return Ok(None),
    };
    let usable = match fd::fstat(run_fd.as_raw_fd()) {
        Ok(st) => {
            st.st_uid == fd::euid()
                && st.st_mode & 0o077 == 0
                && fd::on_tmpfs(run_fd.as_raw_fd()) == Ok(true)
        }
        Err(_) => false,
    };
    if !usable {
        return Ok(None);
    }
    open_in(&run_fd, &run, Scope::Local, create).map_err(|problem| match problem {
        Problem::Refused(e) => e,
        Problem::Squatted(squat) => squat.error("Only root can have made it; remove it as root."),
    })
}

/// Why a namespace directory is refused.
enum Problem {
    /// Its entry belongs to a user who should not own it.
    Squatted(Squat),
    /// Any other reason, with its error.
    Refused(Error),
}

/// A namespace directory's entry that belongs to a user it should not belong to.
struct Squat {
    scope: Scope,
    path: PathBuf,
    /// The entry's owner.
    uid: u32,
    /// The entry's type and mode bits (`st_mode`).
    mode: u32,
}

impl Squat {
    fn of(scope: Scope, root: &Path, st: &libc::stat) -> Squat {
        Squat {
            scope,
            path: root.join(dir_name(scope)),
            uid: st.st_uid,
            mode: st.st_mode,
        }
    }

    /// `ERROR_ACCESS_DENIED`, naming the entry, its owner, its type and mode, and `advice`.
    fn error(&self, advice: &str) -> Error {
        let uid = self.uid;
        let owner = match fd::user_name(uid) {
            Some(name) => format!("uid {uid} ({})", for_message(&name)),
            None => format!("uid {uid}"),
        };
        let me = fd::euid();
        let rightful = match self.scope {
            Scope::Local => format!("you (uid {me})"),
            Scope::Global if me == 0 => "root".to_owned(),
            Scope::Global => format!("root or you (uid {me})"),
        };
        let kind = match self.mode & libc::S_IFMT {
            libc::S_IFDIR => "a directory",
            libc::S_IFLNK => "a symbolic link",
            libc::S_IFREG => "a regular file",
            _ => "a special file",
        };
        Error::new(
            ErrorKind::AccessDenied,
            format!(
                "the {scope:?} namespace directory {path} belongs to {owner}, not to {rightful} \
                 ({kind}, mode {mode:04o}): another user created it, which denies this \
                 namespace to its rightful users. {advice}",
                scope = self.scope,
                path = shown(&self.path),
                mode = self.mode & 0o7777,
            ),
        )
    }
}

/// Opens (with `create`, making it first) the directory of `scope` in the directory `root_fd`
/// (named `root` in messages), and checks it ([`check`]).
fn open_in(
    root_fd: &OwnedFd,
    root: &Path,
    scope: Scope,
    create: bool,
) -> std::result::Result<Option<OwnedFd>, Problem> {
    let name = cstring(&dir_name(scope))
        .map_err(|e| Problem::Refused(os_error(ErrorKind::InvalidName, "", e)))?;
    let mode = match scope {
        Scope::Local => 0o700,
        Scope::Global => 0o777,
    };
    if create {
        // An existing entry is no error here: what it is is checked below.
        fd::mkdir_at(root_fd.as_raw_fd(), &name, mode)
            .map_err(|e| Problem::Refused(dir_error(root, scope, e)))?;
    }
    let dir = match fd::open_at(root_fd.as_raw_fd(), &name, DIR_FLAGS, 0) {
        Ok(dir) => dir,
        Err(libc::ENOENT) if !create => return Ok(None),
        Err(errno) => {
            // A symlink, a file, or a directory we may not even open: whose is it?
            return Err(match fd::stat_at(root_fd.as_raw_fd(), &name) {
                Ok(st) if squatter(&st, scope) => Problem::Squatted(Squat::of(scope, root, &st)),
                _ => Problem::Refused(dir_error(root, scope, errno)),
            });
        }
    };
    let st = fd::fstat(dir.as_raw_fd())
        .map_err(|e| Problem::Refused(os_error(ErrorKind::Other, "fstat", e)))?;
    if squatter(&st, scope) {
        return Err(Problem::Squatted(Squat::of(scope, root, &st)));
    }
    check(&dir, &st, root, scope).map_err(Problem::Refused)?;
    Ok(Some(dir))
}

/// Whether the entry's owner is one that the `scope` directory must not have: anyone but the
/// caller for `Local\`; anyone but root or the caller for `Global\`.
fn squatter(st: &libc::stat, scope: Scope) -> bool {
    let me = fd::euid();
    match scope {
        Scope::Local => st.st_uid != me,
        Scope::Global => st.st_uid != me && st.st_uid != 0,
    }
}

/// Refuses a directory of the right owner that others could write (DESIGN invariant 5). The
/// global directory must be sticky; it is made 1777 if we own it.
fn check(dir: &OwnedFd, st: &libc::stat, root: &Path, scope: Scope) -> Result<()> {
    let mode = st.st_mode & 0o7777;
    let path = shown(&root.join(dir_name(scope)));
    let refuse = |why: String| Err(Error::new(ErrorKind::AccessDenied, why));
    match scope {
        Scope::Local if mode & 0o022 != 0 => refuse(format!(
            "the Local namespace directory {path} is writable by others (mode {mode:04o}); \
             make it 0700 (`chmod 0700 -- {path}`)"
        )),
        Scope::Global if mode != 0o1777 && st.st_uid == fd::euid() => {
            fd::fchmod(dir.as_raw_fd(), 0o1777)
                .map_err(|e| os_error(ErrorKind::AccessDenied, "chmod the Global directory", e))
        }
        Scope::Global if mode & 0o1000 == 0 => refuse(format!(
            "the Global namespace directory {path} is not sticky (mode {mode:04o}); as root, \
             `chmod 1777 -- {path}`"
        )),
        _ => Ok(()),
    }
}

fn open_root(root: &Path, create: bool) -> Result<OwnedFd> {
    if create && !root.exists() {
        std::fs::create_dir_all(root).map_err(|e| {
            Error::new(
                ErrorKind::PathNotFound,
                format!("cannot create the namespace root {}: {e}", shown(root)),
            )
        })?;
    }
    let path = std::ffi::CString::new(root.as_os_str().as_bytes())
        .map_err(|_| Error::new(ErrorKind::InvalidName, "the namespace root contains NUL"))?;
    let flags = libc::O_RDONLY | libc::O_DIRECTORY;
    fd::open_at(libc::AT_FDCWD, &path, flags, 0).map_err(|e| {
        let what = format!("cannot open the namespace root {}", shown(root));
        os_error(ErrorKind::PathNotFound, &what, e)
    })
}

fn dir_error(root: &Path, scope: Scope, errno: i32) -> Error {
    let what = format!(
        "cannot open the namespace directory {}",
        shown(&root.join(dir_name(scope)))
    );
    let kind = match errno {
        libc::ELOOP | libc::ENOTDIR => ErrorKind::AccessDenied,
        libc::ENOENT => ErrorKind::PathNotFound,
        _ => ErrorKind::Other,
    };
    os_error(kind, &what, errno)
}

/// A path for a message: control characters escaped, a long path cut.
fn shown(path: &Path) -> String {
    for_message(&path.to_string_lossy())
}
