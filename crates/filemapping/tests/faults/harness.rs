//! How the fault cases run: each in a child process of its own (this test binary, re-executed
//! for one test) that starts in a private mount namespace, so that what it mounts, fills or
//! makes read-only is seen by nobody outside; what a case checks after a fault (the process's
//! descriptors and mappings, the entries of the namespace root); and the opener in another
//! process that tells whether a name is visible.
#![allow(dead_code)]

use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Set in the child: the test to run as the child, and its scratch directory.
const CHILD: &str = "FILEMAPPING_FAULTS_CHILD";
const SCRATCH: &str = "FILEMAPPING_FAULTS_DIR";
/// Set in the opener process: what to open, as `kind:name`.
pub(crate) const PROBE: &str = "FILEMAPPING_FAULTS_PROBE";

/// A scratch directory of one test, removed on drop.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What a case needs of the system.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Needs {
    /// To mount file systems (root): the case skips without it.
    Mounts,
    /// Nothing: without root the child runs in the shared mount namespace (it mounts nothing).
    Nothing,
}

/// In the child: its scratch directory (inside its private mount namespace). In the parent:
/// `None` after the child passed, or after reporting the skip.
pub(crate) fn child_dir(test: &str, needs: Needs) -> Option<PathBuf> {
    if std::env::var(CHILD).as_deref() == Ok(test) {
        return Some(PathBuf::from(std::env::var_os(SCRATCH).unwrap()));
    }
    let root = super::skip::running_as_root();
    if needs == Needs::Mounts && !root {
        super::skip::skip(
            test,
            "needs root, to mount file systems in a private mount namespace",
        );
        return None;
    }
    let dir = std::env::temp_dir().join(format!("fm-faults-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let scratch = Scratch(dir);
    run_child(test, &scratch.0, root);
    None
}

/// Runs `test` of this binary in a child (in a private mount namespace if `private`), and
/// asserts that it passed: no signal, exit code 0, the test ran.
fn run_child(test: &str, dir: &Path, private: bool) {
    let exe = std::env::current_exe().unwrap();
    let mut cmd = Command::new(exe);
    cmd.args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, test)
        .env(SCRATCH, dir);
    if private {
        private_mounts(&mut cmd);
    }
    let out = match cmd.output() {
        Ok(out) => out,
        // Root without the capability to make mount namespaces (a container, say).
        Err(e) if e.raw_os_error() == Some(libc::EPERM) => {
            super::skip::skip(test, "cannot make a private mount namespace here");
            return;
        }
        Err(e) => panic!("cannot start the child: {e}"),
    };
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        out.status.signal(),
        None,
        "the child died of a signal:\n{text}"
    );
    assert!(out.status.success(), "the child failed:\n{text}");
    assert!(text.contains("1 passed"), "the child ran nothing:\n{text}");
}

fn cstr(path: &Path) -> CString {
    CString::new(path.as_os_str().as_bytes()).unwrap()
}

/// Makes `cmd` start in a mount namespace of its own in which every mount is private.
fn private_mounts(cmd: &mut Command) {
    // SAFETY: the closure runs in the forked child before `exec`, and makes only two system
    // calls (async-signal-safe), with a static NUL-terminated path and null pointers.
    unsafe {
        cmd.pre_exec(|| {
            if libc::unshare(libc::CLONE_NEWNS) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            let flags = libc::MS_PRIVATE | libc::MS_REC;
            let root = b"/\0".as_ptr().cast();
            if libc::mount(
                std::ptr::null(),
                root,
                std::ptr::null(),
                flags,
                std::ptr::null(),
            ) != 0
            {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

/// `mount(2)`, asserting success.
fn mount(source: Option<&Path>, target: &Path, fstype: &str, flags: libc::c_ulong, data: &str) {
    let source = source.map(cstr);
    let target = cstr(target);
    let fstype = CString::new(fstype).unwrap();
    let data = CString::new(data).unwrap();
    let ptr = |c: &CString| {
        if c.as_bytes().is_empty() {
            std::ptr::null()
        } else {
            c.as_ptr()
        }
    };
    // SAFETY: every pointer is null or a NUL-terminated string that outlives the call.
    let rc = unsafe {
        libc::mount(
            source.as_ref().map_or(std::ptr::null(), |s| s.as_ptr()),
            target.as_ptr(),
            ptr(&fstype),
            flags,
            ptr(&data).cast(),
        )
    };
    assert_eq!(
        rc,
        0,
        "mount {target:?} ({data:?}): {}",
        std::io::Error::last_os_error()
    );
}

/// Mounts a tmpfs at `dir` (made if needed) with `options` (`size=64k`, …).
pub(crate) fn mount_tmpfs(dir: &Path, options: &str) {
    std::fs::create_dir_all(dir).unwrap();
    mount(
        Some(Path::new("filemapping-faults")),
        dir,
        "tmpfs",
        0,
        options,
    );
}

/// Makes `to` a second mount of `from` (a bind mount).
pub(crate) fn bind(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    mount(Some(from), to, "", libc::MS_BIND, "");
}

/// Makes the bind mount `dir` read-only (`read_only`) or writable again; the file system
/// itself, and its other mounts, are unchanged.
pub(crate) fn set_read_only(dir: &Path, read_only: bool) {
    let ro = if read_only { libc::MS_RDONLY } else { 0 };
    mount(None, dir, "", libc::MS_REMOUNT | libc::MS_BIND | ro, "");
}

/// Detaches the mount at `dir` at once, even while files of it are open (`umount -l`).
pub(crate) fn detach(dir: &Path) {
    let target = cstr(dir);
    // SAFETY: `target` is a NUL-terminated string that outlives the call.
    let rc = unsafe { libc::umount2(target.as_ptr(), libc::MNT_DETACH) };
    assert_eq!(rc, 0, "umount {dir:?}: {}", std::io::Error::last_os_error());
}

/// Fills the file system of `dir` with a file `name` until at most `leave` bytes are free
/// (whole pages); returns the file, to be removed (or shrunk) to free the space again.
pub(crate) fn fill(dir: &Path, name: &str, leave: u64) -> PathBuf {
    let path = dir.join(name);
    let file = std::fs::File::create(&path).unwrap();
    let free = free_bytes(dir);
    let take = free.saturating_sub(leave);
    file.set_len(take).unwrap();
    use std::os::unix::io::AsRawFd;
    // SAFETY: fallocate takes no pointers; the descriptor is open for writing.
    let rc = unsafe { libc::fallocate(file.as_raw_fd(), 0, 0, take as libc::off_t) };
    assert_eq!(rc, 0, "fill: {}", std::io::Error::last_os_error());
    assert!(free_bytes(dir) <= leave, "the file system still has room");
    path
}

/// The bytes the file system of `dir` has free.
pub(crate) fn free_bytes(dir: &Path) -> u64 {
    let path = cstr(dir);
    // SAFETY: statvfs is plain data, and all zeroes is a valid value of it.
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: `path` is NUL-terminated and `st` is a valid place for the answer.
    let rc = unsafe { libc::statvfs(path.as_ptr(), &mut st) };
    assert_eq!(rc, 0, "statvfs");
    st.f_bavail as u64 * st.f_frsize as u64
}

/// What a failed call must not leave behind in this process: open descriptors and mappings.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Census {
    fds: usize,
    maps: usize,
}

impl Census {
    /// The process's open descriptors (`/proc/self/fd`) and mappings (`/proc/self/maps`).
    pub(crate) fn take() -> Census {
        let fds = std::fs::read_dir("/proc/self/fd").unwrap().count();
        let maps = std::fs::read_to_string("/proc/self/maps")
            .unwrap()
            .lines()
            .count();
        Census { fds, maps }
    }

    /// Asserts that the process has as many descriptors and mappings as when `self` was taken.
    pub(crate) fn unchanged(&self, what: &str) {
        assert_eq!(
            &Census::take(),
            self,
            "{what} left a descriptor or a mapping"
        );
    }
}

/// The names in the namespace directories under `root` (whatever directories it holds).
pub(crate) fn entries(root: &Path) -> Vec<String> {
    let mut names = Vec::new();
    let dirs = match std::fs::read_dir(root) {
        Ok(dirs) => dirs,
        Err(_) => return names,
    };
    for dir in dirs.flatten() {
        if let Ok(inner) = std::fs::read_dir(dir.path()) {
            names.extend(
                inner
                    .flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned()),
            );
        }
    }
    names.sort();
    names
}

/// The Win32 code that an opener in another process (this binary's `probe` test) gets for the
/// object `kind:name` (`section:foo`, `event:foo`, …) in the namespace root `root`; 0 if it
/// opens it.
pub(crate) fn opener_sees(root: &Path, what: &str) -> u32 {
    let exe = std::env::current_exe().unwrap();
    let out = Command::new(exe)
        .args([
            "probe",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(PROBE, what)
        .env("FILEMAPPING_DIR", root)
        .output()
        .expect("cannot start the opener");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "the opener failed:\n{text}");
    text.split("probe-code=")
        .nth(1)
        .and_then(|rest| rest.lines().next())
        .and_then(|c| c.trim().parse().ok())
        .unwrap_or_else(|| panic!("the opener said nothing:\n{text}"))
}

/// The opener of [`opener_sees`], run as this binary's ignored `probe` test: opens what
/// [`PROBE`] names in the namespace of `FILEMAPPING_DIR` and prints the Win32 code it got.
pub(crate) fn probe() {
    use filemapping::{
        EventAccess, EventOpenOptions, FileMapAccess, MutexAccess, MutexOpenOptions, Namespace,
        OpenOptions, SemaphoreAccess, SemaphoreOpenOptions,
    };
    let what = match std::env::var(PROBE) {
        Ok(what) => what,
        Err(_) => return,
    };
    let (kind, name) = what.split_once(':').expect("kind:name");
    let ns = Namespace::from_env();
    let code = |err: Option<filemapping::Error>| err.map_or(0, |e| e.win32_code());
    let got = match kind {
        "section" => code(
            OpenOptions::new(FileMapAccess::READ)
                .namespace(&ns)
                .open(name)
                .err(),
        ),
        "event" => code(
            EventOpenOptions::new(EventAccess::SYNCHRONIZE)
                .namespace(&ns)
                .open(name)
                .err(),
        ),
        "mutex" => code(
            MutexOpenOptions::new(MutexAccess::SYNCHRONIZE)
                .namespace(&ns)
                .open(name)
                .err(),
        ),
        "semaphore" => code(
            SemaphoreOpenOptions::new(SemaphoreAccess::SYNCHRONIZE)
                .namespace(&ns)
                .open(name)
                .err(),
        ),
        other => panic!("no such kind: {other}"),
    };
    println!("probe-code={got}\n");
}
