//! Open-file-description (OFD) locks: the kernel-kept handle count behind every object.
//!
//! Byte [`HOLD`] carries one shared lock per handle; the kernel drops it when the handle's open
//! file description goes away, including when its process is killed. Byte [`CLOSING`] serialises
//! closers of one object, so that two last handles closing at once cannot both conclude that
//! someone else is left (which would leave the name behind).

use super::fd::{errno, Sys};
use std::os::unix::io::RawFd;

/// The byte that every handle holds a shared lock on.
pub(crate) const HOLD: i64 = 0;
/// The byte that closers hold exclusively while they decide whether they were the last.
pub(crate) const CLOSING: i64 = 1;

/// Lock kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Lock {
    Shared,
    Exclusive,
}

fn flock(kind: libc::c_int, byte: i64) -> libc::flock {
    // SAFETY: `flock` is plain old data; all-zero is valid and required for OFD locks (l_pid).
    let mut fl: libc::flock = unsafe { std::mem::zeroed() };
    fl.l_type = kind as libc::c_short;
    fl.l_whence = libc::SEEK_SET as libc::c_short;
    fl.l_start = byte as libc::off_t;
    fl.l_len = 1;
    fl
}

fn fcntl_lock(fd: RawFd, cmd: libc::c_int, fl: &mut libc::flock) -> Sys<()> {
    loop {
        // SAFETY: `fl` is a valid, initialised `flock` that outlives the call.
        let ret = unsafe { libc::fcntl(fd, cmd, fl as *mut libc::flock) };
        if ret == 0 {
            return Ok(());
        }
        match errno() {
            libc::EINTR => continue,
            e => return Err(e),
        }
    }
}

/// Takes (or converts to) a lock on `byte` without waiting. `EAGAIN` when another open file
/// description holds a conflicting lock; a failed upgrade keeps the shared lock.
pub(crate) fn try_lock(fd: RawFd, lock: Lock, byte: i64) -> Sys<()> {
    let kind = match lock {
        Lock::Shared => libc::F_RDLCK,
        Lock::Exclusive => libc::F_WRLCK,
    };
    match fcntl_lock(fd, libc::F_OFD_SETLK, &mut flock(kind, byte)) {
        Err(libc::EACCES) => Err(libc::EAGAIN),
        other => other,
    }
}

/// Takes an exclusive lock on `byte`, waiting for it.
pub(crate) fn lock_wait(fd: RawFd, byte: i64) -> Sys<()> {
    fcntl_lock(fd, libc::F_OFD_SETLKW, &mut flock(libc::F_WRLCK, byte))
}

/// Whether any other open file description holds a lock on `byte` (works on read-only
/// descriptors, which cannot take exclusive locks).
pub(crate) fn is_held_elsewhere(fd: RawFd, byte: i64) -> Sys<bool> {
    let mut fl = flock(libc::F_WRLCK, byte);
    fcntl_lock(fd, libc::F_OFD_GETLK, &mut fl)?;
    Ok(fl.l_type != libc::F_UNLCK as libc::c_short)
}

/// Counts the handles open on the file `(dev, ino)` system-wide: the OFD locks on [`HOLD`], as
/// listed in `/proc/locks`.
pub(crate) fn count_holders(dev: u64, ino: u64) -> std::io::Result<u64> {
    let text = std::fs::read_to_string("/proc/locks")?;
    let key = format!("{:02x}:{:02x}:{}", dev_major(dev), dev_minor(dev), ino);
    Ok(text.lines().filter(|line| holds(line, &key)).count() as u64)
}

/// Whether a `/proc/locks` line is a granted lock on [`HOLD`] of the file `key`.
fn holds(line: &str, key: &str) -> bool {
    let fields: Vec<&str> = line.split_whitespace().collect();
    // "1: OFDLCK ADVISORY READ -1 00:1a:1234 0 0"; waiters have "->" after the number.
    fields.len() == 8 && fields[1] != "->" && fields[5] == key && fields[6] == "0"
}

/// `major()` of a Linux `dev_t`.
pub(crate) fn dev_major(dev: u64) -> u64 {
    ((dev >> 32) & 0xffff_f000) | ((dev >> 8) & 0xfff)
}

/// `minor()` of a Linux `dev_t`.
pub(crate) fn dev_minor(dev: u64) -> u64 {
    ((dev >> 12) & 0xffff_ff00) | (dev & 0xff)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_locks_lines_are_parsed() {
        let key = "00:1a:42";
        assert!(holds("1: OFDLCK ADVISORY  READ  -1 00:1a:42 0 0", key));
        assert!(holds("2: OFDLCK ADVISORY  WRITE -1 00:1a:42 0 0", key));
        assert!(!holds("3: OFDLCK ADVISORY  WRITE -1 00:1a:42 1 1", key));
        assert!(!holds("4: OFDLCK ADVISORY  READ  -1 00:1a:43 0 0", key));
        assert!(!holds("5: -> OFDLCK ADVISORY  READ  -1 00:1a:42 0 0", key));
    }

    #[test]
    fn device_numbers_split_like_glibc() {
        for (major, minor) in [(0u32, 0x1au32), (8, 3), (259, 300), (0xabcde, 0x12345)] {
            let dev = libc::makedev(major, minor);
            assert_eq!(dev_major(dev), u64::from(major));
            assert_eq!(dev_minor(dev), u64::from(minor));
        }
    }
}
