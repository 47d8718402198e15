//! Thin, safe wrappers over the file syscalls the namespace needs. Each returns the raw `errno`
//! on failure; callers turn it into an [`Error`](crate::Error) with context.

#![allow(unsafe_code)]

use std::ffi::{CStr, CString};
use std::os::unix::io::{FromRawFd, OwnedFd, RawFd};

/// A syscall result: the value, or `errno`.
pub(crate) type Sys<T> = std::result::Result<T, i32>;

pub(crate) fn errno() -> i32 {
    std::io::Error::last_os_error()
        .raw_os_error()
        .unwrap_or(libc::EIO)
}

/// Turns a `-1`-on-error return value into `Sys`.
fn check(ret: libc::c_int) -> Sys<libc::c_int> {
    if ret < 0 {
        Err(errno())
    } else {
        Ok(ret)
    }
}

/// Wraps a fresh descriptor returned by a syscall.
fn owned(ret: libc::c_int) -> Sys<OwnedFd> {
    let fd = check(ret)?;
    // SAFETY: `fd` was just returned by the kernel as a new descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

pub(crate) fn cstring(s: &str) -> Sys<CString> {
    CString::new(s).map_err(|_| libc::EINVAL)
}

/// `openat(dir, name, flags | O_CLOEXEC, mode)`.
pub(crate) fn open_at(dir: RawFd, name: &CStr, flags: libc::c_int, mode: u32) -> Sys<OwnedFd> {
    // SAFETY: `name` is a NUL-terminated string that outlives the call; the kernel checks `dir`.
    owned(unsafe { libc::openat(dir, name.as_ptr(), flags | libc::O_CLOEXEC, mode) })
}

/// Opens a new open file description for the file behind `fd` (through `/proc/self/fd`).
pub(crate) fn reopen(fd: RawFd, flags: libc::c_int) -> Sys<OwnedFd> {
    let path = cstring(&format!("/proc/self/fd/{fd}"))?;
    open_at(libc::AT_FDCWD, &path, flags, 0)
}

/// `mkdirat(dir, name, mode)`; an existing entry is not an error.
pub(crate) fn mkdir_at(dir: RawFd, name: &CStr, mode: u32) -> Sys<()> {
    // SAFETY: `name` is NUL-terminated and outlives the call.
    match check(unsafe { libc::mkdirat(dir, name.as_ptr(), mode) }) {
        Ok(_) => Ok(()),
        Err(libc::EEXIST) => Ok(()),
        Err(e) => Err(e),
    }
}

/// `unlinkat(dir, name, 0)`.
pub(crate) fn unlink_at(dir: RawFd, name: &CStr) -> Sys<()> {
    // SAFETY: `name` is NUL-terminated and outlives the call.
    check(unsafe { libc::unlinkat(dir, name.as_ptr(), 0) }).map(drop)
}

/// Gives the unnamed file `fd` (from `O_TMPFILE`) the name `dir/name`; `EEXIST` if taken.
/// `AT_EMPTY_PATH` needs a capability on older kernels; `/proc/self/fd` works for everyone.
pub(crate) fn link_fd(fd: RawFd, dir: RawFd, name: &CStr) -> Sys<()> {
    // SAFETY: both strings are NUL-terminated and outlive the call.
    let direct = unsafe {
        libc::linkat(
            fd,
            b"\0".as_ptr().cast(),
            dir,
            name.as_ptr(),
            libc::AT_EMPTY_PATH,
        )
    };
    match check(direct) {
        Err(libc::ENOENT) | Err(libc::EPERM) => {}
        other => return other.map(drop),
    }
    let src = cstring(&format!("/proc/self/fd/{fd}"))?;
    // SAFETY: both paths are NUL-terminated and outlive the call.
    let ret = unsafe {
        libc::linkat(
            libc::AT_FDCWD,
            src.as_ptr(),
            dir,
            name.as_ptr(),
            libc::AT_SYMLINK_FOLLOW,
        )
    };
    check(ret).map(drop)
}

pub(crate) fn fstat(fd: RawFd) -> Sys<libc::stat> {
    // SAFETY: `stat` is plain old data; all-zero is a valid value that fstat overwrites.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: `st` is a valid, writable `stat` for the duration of the call.
    check(unsafe { libc::fstat(fd, &mut st) })?;
    Ok(st)
}

/// `fstatat(dir, name, AT_SYMLINK_NOFOLLOW)`: what the entry `name` of `dir` is, without opening
/// it and without following a symbolic link.
pub(crate) fn stat_at(dir: RawFd, name: &CStr) -> Sys<libc::stat> {
    // SAFETY: `stat` is plain old data; all-zero is a valid value that fstatat overwrites.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    let flags = libc::AT_SYMLINK_NOFOLLOW;
    // SAFETY: `name` is NUL-terminated and `st` writable, both for the duration of the call.
    check(unsafe { libc::fstatat(dir, name.as_ptr(), &mut st, flags) })?;
    Ok(st)
}

/// Whether an open for writing failed with `errno` because writing is refused, by the file's
/// permissions (`EACCES`) or by a file system mounted read-only (`EROFS`), so that an open for
/// reading may still succeed.
pub(crate) fn refuses_writing(errno: i32) -> bool {
    errno == libc::EACCES || errno == libc::EROFS
}

/// Whether two `stat` results describe the same file (device and inode).
pub(crate) fn same_file(a: &libc::stat, b: &libc::stat) -> bool {
    a.st_dev == b.st_dev && a.st_ino == b.st_ino
}

pub(crate) fn fchmod(fd: RawFd, mode: u32) -> Sys<()> {
    // SAFETY: fchmod takes no pointers.
    check(unsafe { libc::fchmod(fd, mode) }).map(drop)
}

/// Writes all of `buf` at `offset`.
pub(crate) fn pwrite_all(fd: RawFd, mut buf: &[u8], mut offset: u64) -> Sys<()> {
    while !buf.is_empty() {
        let off = i64::try_from(offset).map_err(|_| libc::EFBIG)?;
        // SAFETY: `buf` is a valid readable slice of `buf.len()` bytes.
        let n = unsafe { libc::pwrite(fd, buf.as_ptr().cast(), buf.len(), off) };
        if n < 0 {
            match errno() {
                libc::EINTR => continue,
                e => return Err(e),
            }
        }
        let n = n as usize;
        buf = &buf[n..];
        offset += n as u64;
    }
    Ok(())
}

/// Reads what there is into `buf` from `offset`, with a single call when it succeeds.
pub(crate) fn pread(fd: RawFd, buf: &mut [u8], offset: u64) -> Sys<usize> {
    let off = i64::try_from(offset).map_err(|_| libc::EFBIG)?;
    loop {
        // SAFETY: `buf` is a valid writable slice of `buf.len()` bytes.
        let n = unsafe { libc::pread(fd, buf.as_mut_ptr().cast(), buf.len(), off) };
        match n {
            n if n >= 0 => return Ok(n as usize),
            _ if errno() == libc::EINTR => continue,
            _ => return Err(errno()),
        }
    }
}

/// Reads into all of `buf` from `offset`; `EIO` if the file ends first.
pub(crate) fn pread_exact(fd: RawFd, buf: &mut [u8], offset: u64) -> Sys<()> {
    let mut done = 0;
    while done < buf.len() {
        let off = i64::try_from(offset + done as u64).map_err(|_| libc::EFBIG)?;
        let rest = &mut buf[done..];
        // SAFETY: `rest` is a valid writable slice of `rest.len()` bytes.
        let n = unsafe { libc::pread(fd, rest.as_mut_ptr().cast(), rest.len(), off) };
        match n {
            0 => return Err(libc::EIO),
            n if n < 0 && errno() == libc::EINTR => continue,
            n if n < 0 => return Err(errno()),
            n => done += n as usize,
        }
    }
    Ok(())
}

/// Reserves the byte range `[offset, offset + len)`, extending the file if needed. Falls back to
/// `ftruncate` (no reservation) on file systems without `fallocate`.
pub(crate) fn allocate(fd: RawFd, offset: u64, len: u64) -> Sys<()> {
    let off = i64::try_from(offset).map_err(|_| libc::EFBIG)?;
    let n = i64::try_from(len).map_err(|_| libc::EFBIG)?;
    let end = off.checked_add(n).ok_or(libc::EFBIG)?;
    loop {
        // SAFETY: fallocate takes no pointers.
        match check(unsafe { libc::fallocate(fd, 0, off, n) }) {
            Ok(_) => return Ok(()),
            Err(libc::EINTR) => continue,
            Err(libc::EOPNOTSUPP) => return set_len(fd, end as u64),
            Err(e) => return Err(e),
        }
    }
}

/// Where the next data (`SEEK_DATA`) or the next hole (`SEEK_HOLE`) of the file starts at or
/// after `offset`; `None` where there is no more data (`ENXIO`).
pub(crate) fn seek(fd: RawFd, offset: u64, whence: libc::c_int) -> Sys<Option<u64>> {
    let off = i64::try_from(offset).map_err(|_| libc::EFBIG)?;
    // SAFETY: lseek takes no pointers.
    match unsafe { libc::lseek(fd, off, whence) } {
        at if at >= 0 => Ok(Some(at as u64)),
        _ if errno() == libc::ENXIO => Ok(None),
        _ => Err(errno()),
    }
}

/// `ftruncate(fd, len)`.
pub(crate) fn set_len(fd: RawFd, len: u64) -> Sys<()> {
    let len = i64::try_from(len).map_err(|_| libc::EFBIG)?;
    // SAFETY: ftruncate takes no pointers.
    check(unsafe { libc::ftruncate(fd, len) }).map(drop)
}

/// Whether the descriptor was opened for reading and for writing. An `O_PATH` descriptor (the
/// counterpart of a Windows handle opened with access 0) allows neither.
pub(crate) fn rights(fd: RawFd) -> Sys<(bool, bool)> {
    // SAFETY: F_GETFL takes no pointer argument.
    let flags = check(unsafe { libc::fcntl(fd, libc::F_GETFL) })?;
    if flags & libc::O_PATH != 0 {
        return Ok((false, false));
    }
    let mode = flags & libc::O_ACCMODE;
    Ok((mode != libc::O_WRONLY, mode != libc::O_RDONLY))
}

/// `dup` with or without `FD_CLOEXEC`.
pub(crate) fn dup(fd: RawFd, cloexec: bool) -> Sys<OwnedFd> {
    let cmd = if cloexec {
        libc::F_DUPFD_CLOEXEC
    } else {
        libc::F_DUPFD
    };
    // SAFETY: F_DUPFD(_CLOEXEC) takes an integer argument and returns a new descriptor.
    owned(unsafe { libc::fcntl(fd, cmd, 0) })
}

/// Sets or clears `FD_CLOEXEC`.
pub(crate) fn set_cloexec(fd: RawFd, cloexec: bool) -> Sys<()> {
    let flag = if cloexec { libc::FD_CLOEXEC } else { 0 };
    // SAFETY: F_SETFD takes an integer argument.
    check(unsafe { libc::fcntl(fd, libc::F_SETFD, flag) }).map(drop)
}

/// `memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING)`.
pub(crate) fn memfd() -> Sys<OwnedFd> {
    let flags = libc::MFD_CLOEXEC | libc::MFD_ALLOW_SEALING;
    // SAFETY: the name is a NUL-terminated literal.
    owned(unsafe { libc::memfd_create(b"filemapping\0".as_ptr().cast(), flags) })
}

/// Seals a memfd against shrinking and growing, so that no view can ever fault with SIGBUS.
pub(crate) fn seal_size(fd: RawFd) -> Sys<()> {
    let seals = libc::F_SEAL_SHRINK | libc::F_SEAL_GROW | libc::F_SEAL_SEAL;
    // SAFETY: F_ADD_SEALS takes an integer argument.
    check(unsafe { libc::fcntl(fd, libc::F_ADD_SEALS, seals) }).map(drop)
}

/// Whether `fd` is a memfd sealed against shrinking (so that no page of it can disappear).
pub(crate) fn is_sealed_against_shrinking(fd: RawFd) -> bool {
    // SAFETY: F_GET_SEALS takes no argument; a descriptor that is not a memfd gives EINVAL.
    let seals = unsafe { libc::fcntl(fd, libc::F_GET_SEALS) };
    seals >= 0 && seals & libc::F_SEAL_SHRINK != 0
}

/// The path the descriptor was opened with, as the kernel reports it.
pub(crate) fn path_of(fd: RawFd) -> Option<std::path::PathBuf> {
    std::fs::read_link(format!("/proc/self/fd/{fd}")).ok()
}

/// The page size of this system.
pub(crate) fn page_size() -> usize {
    // SAFETY: sysconf takes no pointers.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    usize::try_from(size).unwrap_or(4096)
}

/// The effective user id of this process.
pub(crate) fn euid() -> u32 {
    // SAFETY: geteuid cannot fail and takes no arguments.
    unsafe { libc::geteuid() }
}

/// Whether the descriptor's file system is a tmpfs (`fstatfs`).
pub(crate) fn on_tmpfs(fd: RawFd) -> Sys<bool> {
    // SAFETY: `statfs` is plain old data; all-zero is a valid value that fstatfs overwrites.
    let mut st: libc::statfs = unsafe { std::mem::zeroed() };
    // SAFETY: `st` is a valid, writable `statfs` for the duration of the call.
    check(unsafe { libc::fstatfs(fd, &mut st) })?;
    // `f_type` is a different integer type on different targets; the magic fits all of them.
    #[allow(clippy::unnecessary_cast)]
    Ok(st.f_type as i64 == libc::TMPFS_MAGIC as i64)
}

/// The login name of `uid` from the user database (`getpwuid_r`), if it has one.
pub(crate) fn user_name(uid: u32) -> Option<String> {
    let mut size = 1024;
    while size <= 1 << 20 {
        let mut buf = vec![0 as libc::c_char; size];
        // SAFETY: `passwd` is plain old data; all-zero is a valid value that getpwuid_r fills.
        let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
        let mut found: *mut libc::passwd = std::ptr::null_mut();
        // SAFETY: every pointer is valid and writable for the call; `buf` has `size` bytes.
        let ret = unsafe { libc::getpwuid_r(uid, &mut pwd, buf.as_mut_ptr(), size, &mut found) };
        match ret {
            0 if found.is_null() || pwd.pw_name.is_null() => return None,
            0 => {
                // SAFETY: on success `pw_name` points to a NUL-terminated string inside `buf`,
                // which is still alive.
                let name = unsafe { CStr::from_ptr(pwd.pw_name) };
                return Some(name.to_string_lossy().into_owned());
            }
            libc::ERANGE => size *= 4,
            _ => return None,
        }
    }
    None
}
