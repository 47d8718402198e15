//! Open-file-description (OFD) locks: the kernel-kept handle count behind every object.
//!
//! The calls only: one slot per handle ([`claim_slot`]), the lock over every slot
//! ([`try_claim_all`]), and the looks and the count that work on read-only descriptors. What they mean and who takes them when is the lock protocol in the
//! documentation of `object` (`sys/linux/object.rs`).

#![allow(unsafe_code)]

use super::fd::{errno, Sys};
use std::os::unix::io::RawFd;

/// The first slot byte. Bytes 0-15 hold no lock of this build (earlier builds of version 2 take
/// byte 1 while they close: see *Versions* in `object`), so no slot lock merges with theirs.
const SLOTS: i64 = 16;
/// How many slot bytes there are.
const SLOT_SPAN: i64 = 1 << 30;
/// How many slots a new handle tries before it reports `EAGAIN`: a collision with another
/// handle is rare, so failing them all means that someone holds the whole range (a closer
/// deciding, or an opener removing a stale name).
const PROBES: i64 = 64;

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

/// Takes a lock on `byte` without waiting. `EAGAIN` when another open file description holds a
/// conflicting lock.
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

/// Takes the exclusive lock over every slot without waiting, merging with this description's own
/// slot: success means that no other handle holds the object. `EAGAIN` otherwise, and then the
/// description keeps its own slot.
pub(crate) fn try_claim_all(fd: RawFd) -> Sys<()> {
    let mut fl = flock(libc::F_WRLCK, SLOTS);
    fl.l_len = SLOT_SPAN;
    match fcntl_lock(fd, libc::F_OFD_SETLK, &mut fl) {
        Err(libc::EACCES) => Err(libc::EAGAIN),
        other => other,
    }
}

/// Whether another open file description holds a lock on any slot, i.e. whether the object has
/// a handle other than `fd`'s. Only looks (`F_OFD_GETLK` over the whole slot range), so it works
/// on read-only descriptors: the stale check of a read-only opener, and listings.
pub(crate) fn any_slot_held_elsewhere(fd: RawFd) -> Sys<bool> {
    let mut fl = flock(libc::F_WRLCK, SLOTS);
    fl.l_len = SLOT_SPAN;
    fcntl_lock(fd, libc::F_OFD_GETLK, &mut fl)?;
    Ok(fl.l_type != libc::F_UNLCK as libc::c_short)
}

/// Drops every lock that the open file description `fd` holds.
pub(crate) fn unlock_all(fd: RawFd) -> Sys<()> {
    let mut fl = flock(libc::F_UNLCK, 0);
    fl.l_len = 0;
    fcntl_lock(fd, libc::F_OFD_SETLK, &mut fl)
}

/// Whether another open file description holds a lock on the one byte `byte` (`F_OFD_GETLK`).
/// Works on read-only descriptors, which cannot take exclusive locks: they use it to find a free
/// slot before taking a shared lock on it (see [`claim_slot`]).
pub(crate) fn byte_held_elsewhere(fd: RawFd, byte: i64) -> Sys<bool> {
    let mut fl = flock(libc::F_WRLCK, byte);
    fcntl_lock(fd, libc::F_OFD_GETLK, &mut fl)?;
    Ok(fl.l_type != libc::F_UNLCK as libc::c_short)
}

/// Claims a slot for a new handle. A read-only descriptor cannot take exclusive locks; it takes
/// a shared lock on a slot that it saw free. `EAGAIN`: no free slot among the probes (someone
/// holds the whole range; try again later).
pub(crate) fn claim_slot(fd: RawFd, writable: bool) -> Sys<()> {
    let seed = slot_seed();
    for probe in 0..PROBES {
        let slot = SLOTS + (seed + probe).rem_euclid(SLOT_SPAN);
        let claimed = if writable {
            try_lock(fd, Lock::Exclusive, slot)
        } else if byte_held_elsewhere(fd, slot)? {
            Err(libc::EAGAIN)
        } else {
            try_lock(fd, Lock::Shared, slot)
        };
        match claimed {
            Err(libc::EAGAIN) => continue,
            other => return other,
        }
    }
    Err(libc::EAGAIN)
}

/// Where a new handle starts looking for a free slot: spread by process and by handle, so that
/// claims rarely collide. The process id is read once (a `getpid` per handle costs).
fn slot_seed() -> i64 {
    use std::sync::atomic::{AtomicI64, Ordering};
    static PID: AtomicI64 = AtomicI64::new(0);
    static NEXT: AtomicI64 = AtomicI64::new(0);
    let mut pid = PID.load(Ordering::Relaxed);
    if pid == 0 {
        pid = i64::from(std::process::id());
        PID.store(pid, Ordering::Relaxed);
    }
    pid.wrapping_mul(0x9E37_79B1) + NEXT.fetch_add(7919, Ordering::Relaxed)
}

/// Counts the handles of the object other than the one (if any) that `fd` is: the slots locked
/// by other open file descriptions.
pub(crate) fn count_others(fd: RawFd) -> Sys<u64> {
    let mut ranges = vec![(SLOTS, SLOTS + SLOT_SPAN)];
    let mut count = 0;
    while let Some((start, end)) = ranges.pop() {
        let mut fl = flock(libc::F_WRLCK, start);
        fl.l_len = end - start;
        fcntl_lock(fd, libc::F_OFD_GETLK, &mut fl)?;
        if fl.l_type == libc::F_UNLCK as libc::c_short {
            continue;
        }
        count += 1;
        let found = fl.l_start;
        let found_end = if fl.l_len == 0 { end } else { found + fl.l_len };
        ranges.push((start, found.max(start)));
        ranges.push((found_end.min(end), end));
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_count_each_other_handle_once() {
        let path = std::env::temp_dir().join(format!("fm-slots-{}", std::process::id()));
        let open = || {
            let file = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path);
            std::os::unix::io::OwnedFd::from(file.unwrap())
        };
        use std::os::unix::io::AsRawFd;
        let handles: Vec<_> = (0..5).map(|_| open()).collect();
        for h in &handles {
            claim_slot(h.as_raw_fd(), true).unwrap();
        }
        let reader = std::os::unix::io::OwnedFd::from(std::fs::File::open(&path).unwrap());
        claim_slot(reader.as_raw_fd(), false).unwrap();
        let outsider = open();
        assert_eq!(count_others(outsider.as_raw_fd()).unwrap(), 6);
        assert_eq!(count_others(handles[0].as_raw_fd()).unwrap(), 5);
        drop(handles);
        assert_eq!(count_others(outsider.as_raw_fd()).unwrap(), 1);
        std::fs::remove_file(&path).unwrap();
    }
}
