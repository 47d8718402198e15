//! A tmpfs mounted `huge=always`, for `first_touch_huge_tmpfs`: [`in_huge_tmpfs`] runs a closure
//! on a thread of its own that has a private mount namespace (`unshare(CLONE_NEWNS)` unshares
//! only the calling thread's), with the tmpfs mounted on a directory of the run. Nothing else
//! sees the mount: not the other threads, not the system, and it goes away with the thread,
//! whatever happens. It needs root (`CAP_SYS_ADMIN`); without it, or where the kernel refuses
//! any step, the error says why.

#![allow(unsafe_code)]

use crate::error::{BenchError, Result};
use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// The mount's options: huge pages for every file, whatever its size.
pub const OPTIONS: &str = "huge=always";

/// Creates `dir`, mounts a `huge=always` tmpfs on it in a private mount namespace and runs `f`
/// there, on a thread of its own; then unmounts and removes `dir`.
///
/// # Errors
///
/// Why the mount could not be made (not root, `unshare` or `mount` refused, or the kernel
/// gives the mount no huge pages); `f` has not run then.
pub fn in_huge_tmpfs<T: Send>(dir: &Path, f: impl FnOnce() -> T + Send) -> Result<T> {
    if !is_root() {
        return Err(BenchError::new(
            "needs root, to mount a tmpfs in a private mount namespace",
        ));
    }
    std::fs::create_dir(dir)
        .map_err(|e| BenchError::new(format!("the mount point {}: {e}", dir.display())))?;
    let result = std::thread::scope(|scope| {
        let mounted = scope.spawn(|| {
            mount_private(dir)?;
            let out = f();
            unmount(dir);
            Ok(out)
        });
        mounted
            .join()
            .unwrap_or_else(|_| Err(BenchError::new("the thread on the mount panicked")))
    });
    let _ = std::fs::remove_dir(dir);
    result
}

fn is_root() -> bool {
    // SAFETY: geteuid takes no arguments and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

fn c_path(path: &Path) -> Result<CString> {
    CString::new(path.as_os_str().as_bytes()).map_err(|e| BenchError::new(e.to_string()))
}

/// On the calling thread: a mount namespace of its own, nothing in it propagating back to the
/// system's, and the tmpfs on `dir`; checked to give its files huge pages.
fn mount_private(dir: &Path) -> Result<()> {
    // SAFETY: unshare takes no pointers; CLONE_NEWNS changes only this thread's namespace.
    if unsafe { libc::unshare(libc::CLONE_NEWNS) } != 0 {
        return Err(BenchError::os("unshare(CLONE_NEWNS)"));
    }
    let flags = libc::MS_REC | libc::MS_PRIVATE;
    let null = std::ptr::null();
    // SAFETY: a NUL-terminated path and NULLs, as mount(2) takes them for a propagation change.
    if unsafe { libc::mount(null, c"/".as_ptr(), null, flags, null.cast()) } != 0 {
        return Err(BenchError::os("mount --make-rprivate /"));
    }
    let (target, options) = (c_path(dir)?, CString::new(OPTIONS).expect("no NUL"));
    let tmpfs = c"tmpfs".as_ptr();
    // SAFETY: NUL-terminated strings that outlive the call, as mount(2) takes them.
    if unsafe { libc::mount(tmpfs, target.as_ptr(), tmpfs, 0, options.as_ptr().cast()) } != 0 {
        return Err(BenchError::os("mount -t tmpfs -o huge=always"));
    }
    let huge = gives_huge_pages(dir);
    if let Err(e) = huge {
        unmount(dir);
        return Err(e);
    }
    Ok(())
}

/// Whether a file on the mount has huge blocks (`st_blksize` of a tmpfs file is the huge page
/// size where huge pages are used; `shmem_enabled` set to `deny` turns them off everywhere).
fn gives_huge_pages(dir: &Path) -> Result<()> {
    let probe = dir.join("probe");
    let blksize = std::fs::File::create(&probe).and_then(|file| file.metadata());
    let _ = std::fs::remove_file(&probe);
    match blksize?.blksize() {
        size if size > 4096 => Ok(()),
        _ => Err(BenchError::new(
            "the kernel gives the huge=always mount no huge pages (shmem_enabled is deny?)",
        )),
    }
}

fn unmount(dir: &Path) {
    if let Ok(target) = c_path(dir) {
        // SAFETY: a NUL-terminated path that outlives the call.
        unsafe { libc::umount2(target.as_ptr(), libc::MNT_DETACH) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mounted_here(dir: &Path) -> bool {
        let mountinfo = std::fs::read_to_string("/proc/thread-self/mountinfo").unwrap();
        let dir = dir.to_str().unwrap();
        mountinfo
            .lines()
            .any(|line| line.split(' ').nth(4) == Some(dir))
    }

    #[test]
    fn the_mount_is_huge_and_seen_only_by_its_thread() {
        if !is_root() {
            println!("skipped: the_mount_is_huge_and_seen_only_by_its_thread: needs root");
            return;
        }
        let dir = std::env::temp_dir().join(format!("fmbench-{}-huge-test", std::process::id()));
        let inside = in_huge_tmpfs(&dir, || {
            let file = std::fs::File::create(dir.join("x")).unwrap();
            (mounted_here(&dir), file.metadata().unwrap().blksize())
        });
        let Ok((mounted, blksize)) = inside else {
            println!("skipped: the_mount_is_huge_and_seen_only_by_its_thread: {inside:?}");
            return;
        };
        assert!(mounted, "the closure runs on the mount");
        assert!(blksize > 4096, "huge blocks: {blksize}");
        assert!(
            !mounted_here(&dir),
            "the test's thread never sees the mount"
        );
        assert!(!dir.exists(), "the mount point is removed");
    }
}
