//! Everything the benchmark creates, and its removal. Every name, file and directory is called
//! `fmbench-<pid>-…` in `/dev/shm`: POSIX names and files directly there, the objects of our
//! library under the private namespace root `/dev/shm/fmbench-<pid>-root`. The [`Workspace`]
//! guard removes them all when it drops, on success, error or panic, and first sweeps what
//! earlier runs that were killed left behind.

#![allow(unsafe_code)]

use crate::error::{BenchError, Result};
use std::ffi::{CStr, CString};
use std::path::{Path, PathBuf};

/// Where POSIX shared memory lives.
pub const SHM_DIR: &str = "/dev/shm";
/// The start of every name the benchmark makes.
const PREFIX: &str = "fmbench-";

/// The benchmark's private corner of `/dev/shm`; removed (with every name in it and every
/// `fmbench-<pid>-*` name of this process) on drop.
#[derive(Debug)]
pub struct Workspace {
    pid: u32,
    root: PathBuf,
}

impl Workspace {
    /// Sweeps the leftovers of dead runs and creates the private namespace root, which it also
    /// makes the environment's ([`filemapping::FILEMAPPING_DIR`]) for the C API and for the
    /// worker processes. Call it before starting any thread.
    ///
    /// # Errors
    ///
    /// If the root cannot be created.
    pub fn create() -> Result<Workspace> {
        sweep(pid_alive);
        let pid = std::process::id();
        let root = Path::new(SHM_DIR).join(format!("{PREFIX}{pid}-root"));
        let workspace = Workspace { pid, root };
        std::fs::create_dir(&workspace.root)
            .map_err(|e| BenchError::new(format!("{}: {e}", workspace.root.display())))?;
        std::env::set_var(filemapping::FILEMAPPING_DIR, &workspace.root);
        Ok(workspace)
    }

    /// The private namespace root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// A name of this run: `fmbench-<pid>-<what>`.
    pub fn name(&self, what: &str) -> Name {
        Name::new(format!("{PREFIX}{}-{what}", self.pid))
    }

    /// A path of this run in `/dev/shm`, `/dev/shm/fmbench-<pid>-<what>`, swept with the rest
    /// (a mount point, say).
    pub fn path(&self, what: &str) -> PathBuf {
        self.name(what).path
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        let me = self.pid;
        sweep(|pid| pid != me);
    }
}

/// Removes every `fmbench-<pid>-*` entry of `/dev/shm` whose pid `keep` refuses.
fn sweep(keep: impl Fn(u32) -> bool) {
    sweep_in(Path::new(SHM_DIR), PREFIX, keep);
}

/// Removes every `<prefix><pid>-*` entry of `dir` whose process is gone: what runs that were
/// killed left behind.
pub fn sweep_dead(dir: &Path, prefix: &str) {
    sweep_in(dir, prefix, pid_alive);
}

fn sweep_in(dir: &Path, prefix: &str, keep: impl Fn(u32) -> bool) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name();
        let pid = file.to_str().and_then(|file| pid_of(file, prefix));
        if pid.is_some_and(|pid| !keep(pid)) {
            remove(&entry.path());
        }
    }
}

/// The pid in `<prefix><pid>-…`.
fn pid_of(file: &str, prefix: &str) -> Option<u32> {
    let rest = file.strip_prefix(prefix)?;
    rest.split('-').next()?.parse().ok()
}

fn pid_alive(pid: u32) -> bool {
    Path::new("/proc").join(pid.to_string()).exists()
}

fn remove(path: &Path) {
    let is_dir = std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir());
    let _ = if is_dir {
        std::fs::remove_dir_all(path)
    } else {
        std::fs::remove_file(path)
    };
}

/// A name in every form the implementations take it.
#[derive(Clone, Debug)]
pub struct Name {
    text: String,
    c: CString,
    shm: CString,
    path: PathBuf,
}

impl Name {
    /// `text` (no `/`, no NUL) as an object name, a C string, a POSIX shm name and a path.
    pub fn new(text: String) -> Name {
        let c = CString::new(text.clone()).expect("names have no NUL");
        let shm = CString::new(format!("/{text}")).expect("names have no NUL");
        let path = Path::new(SHM_DIR).join(&text);
        Name { text, c, shm, path }
    }

    /// `text` as a name whose file is in `dir` instead of `/dev/shm` ([`Name::path`]).
    pub fn in_dir(dir: &Path, text: String) -> Name {
        let path = dir.join(&text);
        Name {
            path,
            ..Name::new(text)
        }
    }

    /// The plain name (our library, shared_memory's `os_id`).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The name as a C string (the C API).
    pub fn c_str(&self) -> &CStr {
        &self.c
    }

    /// `/name`, for `shm_open`.
    pub fn shm(&self) -> &CStr {
        &self.shm
    }

    /// `/dev/shm/name` (memmap2 over a file).
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Raises the soft limit on open descriptors to `want` (and the hard one too, where the
/// process may), and returns the soft limit in force afterwards.
pub fn raise_nofile(want: u64) -> u64 {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `lim` is a valid, writable rlimit for the duration of the call.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } != 0 {
        return 0;
    }
    if lim.rlim_cur >= want {
        return lim.rlim_cur;
    }
    let raised = libc::rlimit {
        rlim_cur: want,
        rlim_max: lim.rlim_max.max(want),
    };
    // SAFETY: `raised` is a valid rlimit that outlives the call.
    if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
        return want;
    }
    let capped = libc::rlimit {
        rlim_cur: lim.rlim_max,
        rlim_max: lim.rlim_max,
    };
    // SAFETY: as above; the soft limit may always rise to the hard one.
    if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &capped) } == 0 {
        return lim.rlim_max;
    }
    lim.rlim_cur
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pids_are_read_from_names() {
        assert_eq!(pid_of("fmbench-123-root", PREFIX), Some(123));
        assert_eq!(pid_of("fmbench-9-floor-x", PREFIX), Some(9));
        assert_eq!(pid_of("fmbench-x-1", PREFIX), None);
        assert_eq!(pid_of("other-1", PREFIX), None);
        assert_eq!(pid_of("fmbench-wine-7-0", "fmbench-wine-"), Some(7));
    }

    #[test]
    fn names_come_in_every_form() {
        let name = Name::new("fmbench-1-a".into());
        assert_eq!(name.text(), "fmbench-1-a");
        assert_eq!(name.shm().to_bytes(), b"/fmbench-1-a");
        assert_eq!(name.path(), Path::new("/dev/shm/fmbench-1-a"));
        let elsewhere = Name::in_dir(Path::new("/mnt/x"), "fmbench-1-a".into());
        assert_eq!(elsewhere.path(), Path::new("/mnt/x/fmbench-1-a"));
        assert_eq!(elsewhere.text(), "fmbench-1-a");
    }
}
