//! What every object file has in common, whatever its type: where it lives, how an unnamed one is
//! made, its header, and the lock-free descriptor through which its memory is mapped.

use super::errors::os_error;
use super::header::{Bad, Header, ObjectKind};
use super::object::Place;
use super::{dir, fd, filename};
use crate::error::{Error, ErrorKind, Result};
use crate::name::ObjectName;
use crate::options::Permissions;
use std::os::unix::io::{AsRawFd, OwnedFd, RawFd};
use std::sync::Arc;

/// The namespace directory and file name of `name`.
pub(super) fn place_of(root: &std::path::Path, name: &ObjectName) -> Result<Place> {
    let dir = dir::open(root, name.scope)?;
    let file = fd::cstring(&filename::encode(&name.leaf))
        .map_err(|e| os_error(ErrorKind::InvalidName, "bad name", e))?;
    Ok(Place { dir, file })
}

/// A new, unnamed object file in `dir`, to be linked into place once it is complete.
pub(super) fn tmpfile(dir: RawFd, permissions: Permissions) -> Result<OwnedFd> {
    let flags = libc::O_TMPFILE | libc::O_RDWR;
    let mode = permissions.mode();
    let here = fd::cstring(".").map_err(|e| os_error(ErrorKind::Other, "", e))?;
    let obj = fd::open_at(dir, &here, flags, mode)
        .map_err(|e| os_error(ErrorKind::Other, "cannot create the object file", e))?;
    if mode != 0o600 {
        fd::fchmod(obj.as_raw_fd(), mode).map_err(|e| os_error(ErrorKind::Other, "fchmod", e))?;
    }
    Ok(obj)
}

/// Reads an object file's header and checks its type: a name of another type of object is
/// `ERROR_INVALID_HANDLE` (spec §4).
pub(super) fn read_header(raw: RawFd, kind: ObjectKind) -> Result<Header> {
    let mut buf = vec![0u8; 4096.min(file_len(raw)?)];
    let header = loop {
        fd::pread_exact(raw, &mut buf, 0)
            .map_err(|e| os_error(ErrorKind::Other, "read header", e))?;
        match Header::decode(&buf) {
            Ok(header) => break header,
            Err(Bad::Short(n)) if n <= file_len(raw)? && n > buf.len() => buf.resize(n, 0),
            Err(_) => return Err(wrong_type(kind)),
        }
    };
    if header.kind != kind as u32 {
        return Err(wrong_type(kind));
    }
    Ok(header)
}

fn file_len(raw: RawFd) -> Result<usize> {
    let st = fd::fstat(raw).map_err(|e| os_error(ErrorKind::Other, "fstat", e))?;
    Ok(st.st_size as usize)
}

/// The error for a name that belongs to another type of object.
pub(super) fn wrong_type(wanted: ObjectKind) -> Error {
    let what = match wanted {
        ObjectKind::Section => "a file mapping",
        ObjectKind::Event => "an event",
    };
    Error::new(
        ErrorKind::InvalidHandle,
        format!("the name belongs to an object that is not {what}"),
    )
}

/// The lock-free description that views of an object's memory map.
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
