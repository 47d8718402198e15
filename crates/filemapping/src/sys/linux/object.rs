//! The crash-safe, handle-counted lifetime of a name (DESIGN, "The Linux namespace").
//!
//! - A handle is an open file description (OFD) of the object file holding a slot lock of its
//!   own (see [`lock`]). The kernel drops the lock when the last descriptor of that OFD closes,
//!   including at process death.
//! - Publishing: the object file is built unnamed (`O_TMPFILE`), its slot taken, then it is
//!   linked into place. `EEXIST` means another creator won; nobody can see a half-built object.
//! - Attaching: an opener that can lock every slot exclusively has found a stale name (every
//!   holder died): it unlinks it and reports "not found". Otherwise it claims a slot and checks
//!   that the file is still linked (a closer may have removed it in between).
//! - Releasing: a closer serialises with other closers on [`CLOSING`], then tries to lock every
//!   slot exclusively (its own merges). Success means it was the last handle anywhere: it
//!   unlinks the name. Only a holder of every slot of a still-linked file ever unlinks it, so a
//!   name is never removed from under a live handle, and never removed twice.

use super::fd::{self, Sys};
use super::lock::{self, CLOSING};
use std::ffi::CString;
use std::os::unix::io::{AsRawFd, OwnedFd, RawFd};
use std::sync::Arc;

/// Where a named object lives: its namespace directory and its file name there.
#[derive(Debug)]
pub(crate) struct Place {
    pub(crate) dir: Arc<OwnedFd>,
    pub(crate) file: CString,
}

/// An attached handle: the OFD holding its slot, and whether it was opened read-write.
pub(crate) struct Attached {
    pub(crate) fd: OwnedFd,
    pub(crate) writable: bool,
}

/// How many times an opener retries while a closer is removing the name it found.
const MAX_RETRIES: u32 = 10_000;

/// Makes the unnamed object file `tmp` (already holding its slot) visible as `place`.
/// `Ok(false)`: the name is taken.
pub(crate) fn publish(tmp: &OwnedFd, place: &Place) -> Sys<bool> {
    match fd::link_fd(tmp.as_raw_fd(), place.dir.as_raw_fd(), &place.file) {
        Ok(()) => Ok(true),
        Err(libc::EEXIST) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Attaches a new handle to the object named by `place`. `Ok(None)`: no live object has that
/// name. `need_write`: the handle must be able to write (else read-only is accepted when the
/// file's permissions refuse writing).
pub(crate) fn attach(place: &Place, need_write: bool) -> Sys<Option<Attached>> {
    for attempt in 0..MAX_RETRIES {
        match try_attach(place, need_write)? {
            Step::Done(found) => return Ok(found),
            Step::Retry => backoff(attempt),
        }
    }
    Err(libc::EBUSY)
}

enum Step {
    Done(Option<Attached>),
    Retry,
}

fn try_attach(place: &Place, need_write: bool) -> Sys<Step> {
    let (obj, writable) = match open_object(place, need_write)? {
        Some(opened) => opened,
        None => return Ok(Step::Done(None)),
    };
    let raw = obj.as_raw_fd();
    if stale(raw, writable)? {
        if writable && linked(raw)? {
            fd::unlink_at(place.dir.as_raw_fd(), &place.file)?;
        }
        return Ok(Step::Done(None));
    }
    match lock::claim_slot(raw, writable) {
        Ok(()) if linked(raw)? => Ok(Step::Done(Some(Attached { fd: obj, writable }))),
        Ok(()) | Err(libc::EAGAIN) => Ok(Step::Retry),
        Err(e) => Err(e),
    }
}

/// Opens the object file read-write, or read-only when allowed and writing is refused.
fn open_object(place: &Place, need_write: bool) -> Sys<Option<(OwnedFd, bool)>> {
    let dir = place.dir.as_raw_fd();
    let flags = libc::O_NOFOLLOW | libc::O_NOCTTY;
    let result = match fd::open_at(dir, &place.file, flags | libc::O_RDWR, 0) {
        Ok(obj) => Ok((obj, true)),
        Err(libc::EACCES) if !need_write => {
            fd::open_at(dir, &place.file, flags | libc::O_RDONLY, 0).map(|obj| (obj, false))
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(opened) => Ok(Some(opened)),
        Err(libc::ENOENT) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Whether no handle holds the object. A writable opener proves it by locking every slot
/// (and keeps it until the descriptor closes); a read-only one can only look.
fn stale(fd: RawFd, writable: bool) -> Sys<bool> {
    if !writable {
        return Ok(!lock::any_slot_held_elsewhere(fd)?);
    }
    match lock::try_claim_all(fd) {
        Ok(()) => Ok(true),
        Err(libc::EAGAIN) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Whether the file is still linked into its namespace.
fn linked(fd: RawFd) -> Sys<bool> {
    Ok(fd::fstat(fd)?.st_nlink > 0)
}

fn backoff(attempt: u32) {
    if attempt < 50 {
        std::thread::yield_now();
    } else {
        std::thread::sleep(std::time::Duration::from_micros(100));
    }
}

/// Closes a handle, removing the name if it was the last handle anywhere.
///
/// `inheritable` says the handle's OFD may also be held by a child process that inherited it: then
/// the decision is taken on a fresh OFD, after the handle's descriptor is closed. Otherwise views
/// may map the handle's own description (`obj` is then not the last reference to it): it keeps
/// living in them, so its locks are dropped here explicitly, since views must not keep the name
/// (spec §1.3).
pub(crate) fn release(
    obj: Arc<OwnedFd>,
    writable: bool,
    place: Option<&Place>,
    inheritable: bool,
) -> Sys<()> {
    let place = match place {
        Some(place) if writable => place,
        // An unnamed object's locks only count its handles: unless views hold the description,
        // they go with the descriptor.
        None if Arc::strong_count(&obj) == 1 => return Ok(()),
        _ => return let_go(obj, inheritable),
    };
    if inheritable {
        let fresh = fd::reopen(obj.as_raw_fd(), libc::O_RDWR)?;
        drop(obj);
        return judge(&fresh, place, true).map(drop);
    }
    match judge(&obj, place, false) {
        // The name is gone: what the description still holds concerns nobody.
        Ok(true) => Ok(()),
        Ok(false) => let_go(obj, false),
        Err(e) => let_go(obj, false).and(Err(e)),
    }
}

/// Decides on `raw`, a description holding no handle's lock if `fresh`, whether the last handle
/// is gone, and removes the name if so (`Ok(true)`).
fn judge(obj: &OwnedFd, place: &Place, fresh: bool) -> Sys<bool> {
    let raw = obj.as_raw_fd();
    lock::lock_wait(raw, CLOSING)?;
    // A handle that held its slot all along proves the file still linked (only a holder of every
    // slot unlinks); a fresh description must look.
    match lock::try_claim_all(raw) {
        Ok(()) if !fresh || linked(raw)? => {
            fd::unlink_at(place.dir.as_raw_fd(), &place.file).map(|()| true)
        }
        Ok(()) | Err(libc::EAGAIN) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Drops a handle's reference to its description, and first every lock it holds, unless the
/// description may be a child's handle too (`inheritable`). The descriptor alone would not do: views
/// map the description, and a process that another thread forks holds a copy of every
/// descriptor until it calls `exec`; neither may keep the handle counted (spec §1.3).
fn let_go(obj: Arc<OwnedFd>, inheritable: bool) -> Sys<()> {
    if !inheritable {
        lock::unlock_all(obj.as_raw_fd())?;
    }
    Ok(())
}

/// Removes the name at `place` if every holder is gone. `Ok(true)` if this call removed it.
pub(crate) fn remove_if_stale(place: &Place) -> Sys<bool> {
    let flags = libc::O_NOFOLLOW | libc::O_RDWR;
    let obj = match fd::open_at(place.dir.as_raw_fd(), &place.file, flags, 0) {
        Ok(obj) => obj,
        Err(libc::ENOENT) => return Ok(false),
        Err(e) => return Err(e),
    };
    let raw = obj.as_raw_fd();
    if stale(raw, true)? && linked(raw)? {
        fd::unlink_at(place.dir.as_raw_fd(), &place.file)?;
        return Ok(true);
    }
    Ok(false)
}
