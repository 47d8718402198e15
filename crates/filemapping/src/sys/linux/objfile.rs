//! What every object file has in common, whatever its type: where it lives, how an unnamed one is
//! made, its header, the lock-free descriptor through which inheritable handles map its memory,
//! and the create-or-open loop (the lock protocol they follow is in `object`).

use super::errors::{grow_error, os_error, Storage};
use super::header::{Bad, Header, ObjectKind, Store};
use super::object::{self, Place};
use super::{dir, fd, filename};
use crate::error::{Error, ErrorKind, Result};
use crate::name::ObjectName;
use crate::types::{Disposition, Permissions};
use std::os::unix::io::{AsRawFd, OwnedFd, RawFd};
use std::sync::Arc;

/// The namespace directory and file name of `name`.
pub(super) fn place_of(root: &std::path::Path, name: &ObjectName) -> Result<Place> {
    let dir = dir::open(root, name.scope)?;
    let file = fd::cstring(&filename::encode(&name.leaf))
        .map_err(|e| os_error(ErrorKind::InvalidName, "bad name", e))?;
    Ok(Place { dir, file })
}

/// `place` (of `name`) in the namespace directory that `root` gives now, if that is no longer
/// the one `place` is in (see [`dir::refresh`]).
fn moved(root: &std::path::Path, name: &ObjectName, place: &Place) -> Result<Option<Arc<Place>>> {
    Ok(dir::refresh(root, name.scope, &place.dir)?.map(|dir| {
        Arc::new(Place {
            dir,
            file: place.file.clone(),
        })
    }))
}

/// Opens the live object `name` in `root` with `open`, if there is one. A miss is asked once
/// more in the namespace directory that `root` gives now, if that moved.
pub(super) fn open_named<T>(
    root: &std::path::Path,
    name: &ObjectName,
    open: impl Fn(&Arc<Place>) -> Result<Option<T>>,
) -> Result<Option<T>> {
    let place = Arc::new(place_of(root, name)?);
    if let Some(found) = open(&place)? {
        return Ok(Some(found));
    }
    match moved(root, name, &place)? {
        Some(place) => open(&place),
        None => Ok(None),
    }
}

/// A new, unnamed object file in `dir`, to be linked into place once it is complete.
pub(super) fn tmpfile(dir: RawFd, permissions: Permissions) -> Result<OwnedFd> {
    let flags = libc::O_TMPFILE | libc::O_RDWR;
    let mode = permissions.mode();
    let here = fd::cstring(".").map_err(|e| os_error(ErrorKind::Other, "", e))?;
    // A namespace root without room for another file (no inode left) is the system's memory
    // running out, as a full one is for the object's bytes.
    let obj = fd::open_at(dir, &here, flags, mode)
        .map_err(|e| grow_error(Storage::Memory, "cannot create the object file", e))?;
    if mode != 0o600 {
        fd::fchmod(obj.as_raw_fd(), mode).map_err(|e| os_error(ErrorKind::Other, "fchmod", e))?;
    }
    Ok(obj)
}

/// Reads an object file's header and checks its type: a name of another type of object is
/// `ERROR_INVALID_HANDLE` (spec §4). The header is hostile input (DESIGN invariant 8): its
/// owner may have rewritten it. So it is checked against what the kernel says of the file
/// (`fstat`) before anything uses it, and a file whose header does not fit it is "not an object
/// of ours", `ERROR_INVALID_HANDLE` too ([`malformed`]), never a fault later.
pub(super) fn read_header(raw: RawFd, kind: ObjectKind) -> Result<Header> {
    let st = fd::fstat(raw).map_err(|e| os_error(ErrorKind::Other, "fstat", e))?;
    read_header_of(raw, kind, &st)
}

/// [`read_header`] of an object file whose `fstat` the caller already has (an attached handle's:
/// *Open*, step 4 of the lock protocol).
pub(super) fn read_header_of(raw: RawFd, kind: ObjectKind, st: &libc::stat) -> Result<Header> {
    let read_error = |e| os_error(ErrorKind::Other, "cannot read the object's header", e);
    // Enough for the header of most names; a longer one is read again at its full length.
    let mut buf = vec![0u8; FIRST_READ];
    let got = fd::pread(raw, &mut buf, 0).map_err(read_error)?;
    buf.truncate(got);
    let header = match Header::decode(&buf) {
        Ok(header) => header,
        // A header that would end past its file is no header of ours.
        Err(Bad::Short(n)) if n as u64 > st.st_size as u64 => return Err(wrong_type(kind)),
        Err(Bad::Short(n)) if n > buf.len() && n <= MAX_HEADER => {
            buf.resize(n, 0);
            fd::pread_exact(raw, &mut buf, 0).map_err(read_error)?;
            Header::decode(&buf).map_err(|_| wrong_type(kind))?
        }
        Err(_) => return Err(wrong_type(kind)),
    };
    if header.kind != kind as u32 {
        return Err(wrong_type(kind));
    }
    fits(&header, st, buf.len() as u64)?;
    Ok(header)
}

/// Checks the header (`len` bytes) against the kernel's view of its file, `st`: a regular file
/// linked at most once (an object file is linked once, at its name; an unnamed one or one
/// whose name was removed has no link), whose memory, if it keeps its bytes, lies on whole pages
/// after the header and inside the file (at any page-aligned offset: a huge-page tmpfs puts it
/// at 2 MiB); a section kept in a data file or in huge pages keeps nothing there (offset 0). The creator sizes the file before it publishes it, so
/// an object of ours always fits.
fn fits(header: &Header, st: &libc::stat, len: u64) -> Result<()> {
    if st.st_mode & libc::S_IFMT != libc::S_IFREG {
        return Err(malformed("is not a regular file"));
    }
    if st.st_nlink > 1 {
        return Err(malformed("has more than one name"));
    }
    match header.store {
        Store::Memory => {
            let page = fd::page_size() as u64;
            let end = header.data_offset.checked_add(header.size);
            if header.data_offset % page != 0 || header.data_offset < len {
                return Err(malformed("has its data at a bad offset"));
            }
            if header.size == 0 || end.map_or(true, |end| end > st.st_size as u64) {
                return Err(malformed(&format!(
                    "claims {} bytes but holds {}",
                    header.size,
                    (st.st_size as u64).saturating_sub(header.data_offset)
                )));
            }
        }
        Store::File { .. } | Store::HugeTlb { .. }
            if header.data_offset != 0 || header.size == 0 =>
        {
            return Err(malformed(
                "has a bad size or offset for a section kept outside it",
            ));
        }
        Store::File { .. } | Store::HugeTlb { .. } => {}
    }
    Ok(())
}

/// The error for an object file whose header does not fit the file (or is inconsistent in
/// itself): not an object of ours, like one of another type (`ERROR_INVALID_HANDLE`).
pub(super) fn malformed(why: &str) -> Error {
    Error::new(
        ErrorKind::InvalidHandle,
        format!("the name belongs to a malformed object: its file {why}"),
    )
}

/// Checks that the header names the object looked up as `name` at `place`. Only a hashed file
/// name (a very long name) can hold another name's object by accident: that is
/// `ERROR_INVALID_NAME` (a collision); any other mismatch is a rewritten header.
pub(super) fn check_name(header: &Header, name: &ObjectName, place: &Place) -> Result<()> {
    if header.name == name.to_string() {
        return Ok(());
    }
    // `encode` escapes every `%` of a name, so only its hashes start with `%H`.
    if place.file.as_bytes().starts_with(b"%H") {
        return Err(Error::new(
            ErrorKind::InvalidName,
            "the name collides with another name's hash",
        ));
    }
    Err(malformed("names another object"))
}

/// How much of the header the first read takes.
const FIRST_READ: usize = 512;

/// The longest header there can be: a name of 32 766 UTF-16 units (3 bytes each in UTF-8) and a
/// path of `PATH_MAX` bytes.
const MAX_HEADER: usize = super::header::FIXED_LEN + 3 * crate::name::MAX_NAME_UNITS + 4096;

/// The error for a name that belongs to another type of object.
pub(super) fn wrong_type(wanted: ObjectKind) -> Error {
    let what = match wanted {
        ObjectKind::Section => "a file mapping",
        ObjectKind::Event => "an event",
        ObjectKind::Mutex => "a mutex",
        ObjectKind::Semaphore => "a semaphore",
    };
    Error::new(
        ErrorKind::InvalidHandle,
        format!("the name belongs to an object that is not {what}"),
    )
}

/// A lock-free description of the object, for what an inheritable handle maps (its views, an
/// event's state page): that handle's own description may be a child's handle too, whose locks
/// closing must not drop ("Memory descriptions" in the lock protocol, `object`).
pub(super) fn mem_fd(obj: &OwnedFd, writable: bool) -> Result<Arc<OwnedFd>> {
    let flags = if writable {
        libc::O_RDWR
    } else {
        libc::O_RDONLY
    };
    fd::reopen(obj.as_raw_fd(), flags)
        .map(Arc::new)
        .map_err(|e| os_error(ErrorKind::Other, "cannot open the object's memory", e))
}

/// A handle built unnamed that can be published under a name.
pub(super) trait Unpublished: Sized {
    /// The object file's descriptor.
    fn object(&self) -> Result<&OwnedFd>;
    /// Called once the object is linked at `place`: from now on closing it concerns the name.
    fn published_at(&mut self, place: Arc<Place>);
}

/// Whether the object file `raw` has a header of this build, of any type: an object of ours,
/// not a file someone else planted ([`object::Ours`]).
pub(super) fn is_object(raw: RawFd) -> bool {
    ObjectKind::ALL
        .iter()
        .any(|&kind| read_header(raw, kind).is_ok())
}

/// How many times create-or-open goes round (open, publish, look at what holds the name) before
/// it gives up: each round is a lost race against a name that appeared and vanished again.
const MAX_ROUNDS: u32 = 1_000;

/// Create-or-open: open the live object, else publish a new one; repeat if another creator wins
/// the race to publish, so exactly one creator sees `Created` (DESIGN invariant 4). A new object
/// is built once, at the first miss, and reused across lost races. A name held by something this
/// user can neither open nor remove ends the loop with an error (see [`taken`]), and so does a
/// name that keeps changing for [`MAX_ROUNDS`] rounds.
///
/// `open` and `build` work at the place of `name` in `root` that they are given: before the
/// first build, a miss is checked against the namespace directory that `root` gives now, and
/// the loop goes on in that one if it moved ([`dir::refresh`]).
pub(super) fn create_or_open<T: Unpublished>(
    root: &std::path::Path,
    name: &ObjectName,
    mut open: impl FnMut(&Arc<Place>) -> Result<Option<T>>,
    mut build: impl FnMut(&Arc<Place>) -> Result<T>,
) -> Result<(T, Disposition)> {
    let mut place = Arc::new(place_of(root, name)?);
    let mut built: Option<T> = None;
    let mut checked = false;
    for round in 0..MAX_ROUNDS {
        if let Some(existing) = open(&place)? {
            return Ok((existing, Disposition::OpenedExisting));
        }
        if !checked {
            checked = true;
            if let Some(now) = moved(root, name, &place)? {
                place = now;
                continue;
            }
        }
        let mut new = match built.take() {
            Some(new) => new,
            None => build(&place)?,
        };
        let published = object::publish(new.object()?, &place)
            .map_err(|e| os_error(ErrorKind::Other, "cannot publish the object", e))?;
        if published {
            new.published_at(Arc::clone(&place));
            return Ok((new, Disposition::Created));
        }
        built = Some(new);
        taken(&place)?;
        object::backoff(round);
    }
    Err(Error::new(
        ErrorKind::Other,
        "the name kept changing while the object was being created",
    )
    .with_os_error(libc::EBUSY))
}

/// After a lost race to publish at `place`: `Ok` if another round may succeed (a live object
/// appeared, or the name is free again), else why the name cannot be used. A stale object that
/// this user may not remove (another user's, in the sticky `Global\` directory, or one that it
/// may only read) is `ERROR_ACCESS_DENIED`, what Windows reports for a name whose object the
/// caller may not open; an entry that is not an object is `ERROR_INVALID_HANDLE`, as for an
/// object of another type (spec §4).
fn taken(place: &Place) -> Result<()> {
    let cleaned = object::clean(place, is_object)
        .map_err(|e| os_error(ErrorKind::Other, "cannot use the name", e))?;
    match cleaned {
        object::Cleaned::Kept(errno) => Err(os_error(
            ErrorKind::AccessDenied,
            "the name is held by a stale object that this user may not remove",
            errno,
        )),
        object::Cleaned::Foreign(what) => Err(foreign(what)),
        _ => Ok(()),
    }
}

/// The error for a name held by something that is not an object of ours.
fn foreign(what: crate::types::Foreign) -> Error {
    Error::new(
        ErrorKind::InvalidHandle,
        format!("the name is taken by {what}"),
    )
}

/// [`object::attach`] of the object `name` at `place`, with the name in the error. `None`: no
/// live object has the name; a name held by something that is not an object of ours is
/// `ERROR_INVALID_HANDLE`, as for an object of another type (spec §4).
pub(crate) fn attach(
    place: &Place,
    name: &ObjectName,
    need_write: bool,
) -> Result<Option<object::Attached>> {
    let shown = || crate::name::for_message(&name.to_string());
    let found = object::attach(place, need_write, is_object)
        .map_err(|e| os_error(ErrorKind::Other, &format!("cannot open {}", shown()), e))?;
    match found {
        object::Found::Live(attached) => Ok(Some(attached)),
        object::Found::Absent => Ok(None),
        object::Found::Foreign(what) => Err(Error::new(
            ErrorKind::InvalidHandle,
            format!("{} is {what}", shown()),
        )),
    }
}
