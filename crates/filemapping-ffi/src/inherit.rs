//! Handle inheritance for C programs (spec §7, row 58): a handle made inheritable
//! (`bInheritHandle`, `SECURITY_ATTRIBUTES`, `DuplicateHandle`, `SetHandleInformation`) is
//! there, with the same value, access and object, in a child process started with `fork` and
//! `exec` or `posix_spawn`.
//!
//! Windows copies inheritable handles into the child that `CreateProcess` starts with
//! `bInheritHandles = TRUE`. Linux has no such call, so the porting layer does it with what
//! every way of starting a program keeps:
//!
//! - **descriptors**: an inheritable handle's descriptors are open without `FD_CLOEXEC`, so
//!   they survive `exec` (a handle that is not inheritable keeps `FD_CLOEXEC`);
//! - **the environment**: the variable [`VAR`] (`FILEMAPPING_HANDLES`) always lists this
//!   process's inheritable handles (mappings, files, events, mutexes and semaphores), each with
//!   its value, its descriptors and what they are; every create, close or
//!   `SetHandleInformation` that changes the list rewrites it, so a child started with the
//!   current environment (`execv`, `posix_spawn` with `environ`) gets the list of what it
//!   inherits;
//! - **adoption**: the child's first call that uses a handle takes each listed handle whose
//!   descriptor is still open and is still the very object listed (device and inode), under
//!   the same handle value. Entries that do not check out (a program that closed or reused the
//!   descriptor, text from an unrelated process, a kind this version does not know) are
//!   skipped. A `fork` without `exec` needs none of this: the child has a copy of the whole
//!   table.
//!
//! The list is entries separated by `;`, each `value/kind/dev/ino/rest/sum` ([`entry`]). Kinds
//! are `m` (mapping), `f` (file), `e` (event), `x` (mutex) and `s` (semaphore); a reader skips
//! the kinds it does not know, so a child built before a kind was added still adopts the
//! others.
//!
//! Limits: a child started with an environment of its own (`execve` with a made-up `envp`)
//! must be given the variable's value to adopt anything. The variable is written in place (two
//! buffers, alternately, so that a reader of the previous value is not torn); the first
//! inheritable handle of a process adds it to the environment, as `setenv` would: like every
//! change to the environment, that is unsafe while another thread reads the environment.

#![allow(unsafe_code)]

use crate::error::Win32Error;
use crate::handles::{self, Table};
use crate::objects::{FileAccess, FileObject, MappingObject, Object};
use filemapping::{Event, FileMapping, Mutex as SyncMutex, Semaphore};
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::fs::File;
use std::os::unix::io::{AsRawFd, FromRawFd, RawFd};
use std::sync::{Mutex, MutexGuard};

/// The environment variable that lists the inheritable handles.
pub(crate) const VAR: &str = "FILEMAPPING_HANDLES";

/// Whether `object`'s descriptors are inheritable (for the handle's `HANDLE_FLAG_INHERIT`).
pub(crate) fn is_inheritable(object: &Object) -> bool {
    match object {
        Object::File(f) => fd_inheritable(f.file.as_raw_fd()),
        _ => token(object).is_some(),
    }
}

/// The kind letter of an entry for `object`, and the library's inherit token of the handle if
/// it is inheritable (files have none: their entry is made here).
fn token(object: &Object) -> Option<(char, String)> {
    match object {
        Object::Mapping(m) => Some(('m', m.map.inherit_token()?)),
        Object::Event(e) => Some(('e', e.inherit_token()?)),
        Object::Mutex(m) => Some(('x', m.inherit_token()?)),
        Object::Semaphore(s) => Some(('s', s.inherit_token()?)),
        Object::File(_) => None,
    }
}

/// Whether `fd` survives `exec`.
fn fd_inheritable(fd: RawFd) -> bool {
    // SAFETY: F_GETFD only reads the descriptor's flags; a bad descriptor gives -1.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFD) };
    flags >= 0 && flags & libc::FD_CLOEXEC == 0
}

/// Makes `fd` survive `exec` or not.
pub(crate) fn set_fd_inheritable(fd: RawFd, inheritable: bool) -> Result<(), Win32Error> {
    let flags = if inheritable { 0 } else { libc::FD_CLOEXEC };
    // SAFETY: F_SETFD only changes the descriptor's close-on-exec flag.
    if unsafe { libc::fcntl(fd, libc::F_SETFD, flags) } < 0 {
        return Err(std::io::Error::last_os_error().into());
    }
    Ok(())
}

/// Makes `object` inheritable or not: a file in place (`None`), the others by a copy with the
/// same access that replaces it (the library fixes a handle's inheritance when it makes it).
pub(crate) fn set_inheritable(
    object: &Object,
    inheritable: bool,
) -> Result<Option<Object>, Win32Error> {
    Ok(Some(match object {
        Object::File(f) => {
            set_fd_inheritable(f.file.as_raw_fd(), inheritable)?;
            return Ok(None);
        }
        Object::Mapping(m) => {
            Object::Mapping(m.with_map(m.map.duplicate(m.map.access(), inheritable)?))
        }
        Object::Event(e) => Object::Event(e.duplicate(e.access(), inheritable)?),
        Object::Mutex(m) => Object::Mutex(m.duplicate(m.access(), inheritable)?),
        Object::Semaphore(s) => Object::Semaphore(s.duplicate(s.access(), inheritable)?),
    }))
}

/// Device and inode of an open descriptor.
fn identity(fd: RawFd) -> Option<(u64, u64)> {
    // SAFETY: an all-zero `stat` is a valid value of the plain C struct.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: fstat writes only into `st`; a bad descriptor gives -1.
    (unsafe { libc::fstat(fd, &mut st) } == 0).then_some((st.st_dev, st.st_ino))
}

/// A 32-bit FNV-1a sum: an entry torn by a concurrent rewrite does not check out.
fn checksum(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// The bits of a file handle's access in an entry.
fn access_bits(access: FileAccess) -> u32 {
    u32::from(access.read) | u32::from(access.write) << 1 | u32::from(access.execute) << 2
}

/// The entry for one handle: `value/kind/dev/ino/rest/sum`, where `kind` is `f` (rest:
/// `descriptor,access`) or `m`, `e`, `x`, `s` (rest: the library's inherit token of the
/// mapping, event, mutex or semaphore, whose first field is the object's descriptor), and
/// `dev/ino` identify that first descriptor. All numbers are hex but the descriptors.
fn entry(handle: usize, object: &Object) -> Option<String> {
    let (kind, rest) = match object {
        Object::File(f) if fd_inheritable(f.file.as_raw_fd()) => {
            let fd = f.file.as_raw_fd();
            ('f', format!("{fd},{:x}", access_bits(f.access)))
        }
        Object::File(_) => return None,
        _ => token(object)?,
    };
    let fd = first_fd(&rest)?;
    let (dev, ino) = identity(fd)?;
    let body = format!("{handle:x}/{kind}/{dev:x}/{ino:x}/{rest}");
    let sum = checksum(&body);
    Some(format!("{body}/{sum:x}"))
}

/// The descriptor in front of an entry's rest.
fn first_fd(rest: &str) -> Option<RawFd> {
    rest.split(',').next()?.parse().ok().filter(|fd| *fd >= 0)
}

/// The variable's value for `table`.
fn listing(table: &Table) -> String {
    let mut text = String::new();
    for (handle, e) in table {
        if e.flags & handles::HANDLE_FLAG_INHERIT == 0 {
            continue;
        }
        if let Some(entry) = entry(*handle, &e.object) {
            if !text.is_empty() {
                text.push(';');
            }
            let _ = write!(text, "{entry}");
        }
    }
    text
}

/// One `NAME=value` buffer that the environment points to. Never freed: a reader may hold a
/// pointer to it.
struct EnvBuffer {
    ptr: *mut u8,
    cap: usize,
}

// SAFETY: the buffer is leaked memory that only the writer below touches, under `BUFFERS`.
unsafe impl Send for EnvBuffer {}

/// The two buffers, and which one the environment points to.
struct Buffers {
    slots: [Option<EnvBuffer>; 2],
    current: usize,
}

static BUFFERS: Mutex<Buffers> = Mutex::new(Buffers {
    slots: [None, None],
    current: 0,
});

fn buffers() -> MutexGuard<'static, Buffers> {
    BUFFERS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Sets the variable to `value`: written into the buffer the environment does not point to
/// (a new, larger one if it does not fit), which then replaces the other in the environment.
fn set_var(value: &str) {
    let text = format!("{VAR}={value}\0");
    let mut buffers = buffers();
    let next = 1 - buffers.current;
    let fits = buffers.slots[next]
        .as_ref()
        .is_some_and(|b| b.cap >= text.len());
    if !fits {
        let cap = text.len().next_power_of_two().max(256);
        let leaked: &'static mut [u8] = Box::leak(vec![0u8; cap].into_boxed_slice());
        buffers.slots[next] = Some(EnvBuffer {
            ptr: leaked.as_mut_ptr(),
            cap,
        });
    }
    let Some(buffer) = buffers.slots[next].as_ref() else {
        return;
    };
    // SAFETY: the buffer holds `cap >= text.len()` bytes, and the environment does not point
    // to it (it points to the other one, or to none of ours), so no reader is looking at it.
    unsafe { std::ptr::copy_nonoverlapping(text.as_ptr(), buffer.ptr, text.len()) };
    // SAFETY: a NUL-terminated `NAME=value` in memory that lives for the rest of the process.
    // glibc's putenv replaces the variable's slot in the environment in place once it exists.
    unsafe { libc::putenv(buffer.ptr.cast()) };
    buffers.current = next;
}

/// Rewrites the variable for the inheritable handles in `table`.
pub(crate) fn publish(table: &Table) {
    set_var(&listing(table));
}

/// One entry of the variable, parsed and checked against its sum.
struct Listed<'a> {
    handle: usize,
    kind: &'a str,
    identity: (u64, u64),
    rest: &'a str,
}

fn parse(entry: &str) -> Option<Listed<'_>> {
    let (body, sum) = entry.rsplit_once('/')?;
    if u32::from_str_radix(sum, 16).ok()? != checksum(body) {
        return None;
    }
    let mut fields = body.splitn(5, '/');
    let handle = usize::from_str_radix(fields.next()?, 16).ok()?;
    let kind = fields.next()?;
    let dev = u64::from_str_radix(fields.next()?, 16).ok()?;
    let ino = u64::from_str_radix(fields.next()?, 16).ok()?;
    let rest = fields.next()?;
    Some(Listed {
        handle,
        kind,
        identity: (dev, ino),
        rest,
    })
}

/// The object for an entry whose first descriptor is still the object listed. The caller
/// ([`adopt`]) checked that the entry's descriptors are inheritable and that no other entry
/// names them.
fn adopt_one(listed: &Listed<'_>) -> Option<Object> {
    let fd = first_fd(listed.rest)?;
    if identity(fd)? != listed.identity {
        return None;
    }
    // SAFETY (for the four kinds whose rest is a library token): the token's descriptors were
    // inherited (open, without FD_CLOEXEC, the object listed), adoption runs once, before this
    // process made any handle, and no other entry names them, so nothing here owns them. The
    // library checks that the descriptor is an object of the kind it adopts.
    let token = listed.rest;
    match listed.kind {
        "m" => {
            // SAFETY: see above.
            let map = unsafe { FileMapping::from_inherit_token(token) }.ok()?;
            Some(Object::Mapping(MappingObject::new(map)))
        }
        // SAFETY: see above.
        "e" => unsafe { Event::from_inherit_token(token) }
            .ok()
            .map(Object::Event),
        // SAFETY: see above.
        "x" => unsafe { SyncMutex::from_inherit_token(token) }
            .ok()
            .map(Object::Mutex),
        // SAFETY: see above.
        "s" => unsafe { Semaphore::from_inherit_token(token) }
            .ok()
            .map(Object::Semaphore),
        "f" => {
            let bits = u32::from_str_radix(listed.rest.split(',').nth(1)?, 16).ok()?;
            let access = FileAccess {
                read: bits & 1 != 0,
                write: bits & 2 != 0,
                execute: bits & 4 != 0,
            };
            // SAFETY: as above: an inherited descriptor of the file listed, owned by nothing
            // else here, named by no other entry.
            let file = unsafe { File::from_raw_fd(fd) };
            Some(Object::File(FileObject { file, access }))
        }
        _ => None,
    }
}

/// The descriptors an entry names: the first, and a mapping's backing file (its token's second
/// field, `-1` for none). `None` if a field is not a descriptor.
fn descriptors(listed: &Listed<'_>) -> Option<Vec<RawFd>> {
    let mut fds = vec![first_fd(listed.rest)?];
    if listed.kind == "m" {
        let file: RawFd = listed.rest.split(',').nth(1)?.parse().ok()?;
        if file >= 0 {
            fds.push(file);
        }
    }
    Some(fds)
}

/// Adopts the handles the variable lists (once per process, before any other handle exists),
/// then lists this process's own. Whatever the text says, a handle value is taken once (the
/// first entry for it wins), only at a value this table hands out, and a descriptor belongs to
/// one entry at most: an entry that names a descriptor an earlier entry named, or one that is
/// not inheritable, is skipped, so no descriptor ends up with two owners.
pub(crate) fn adopt(table: &mut Table) {
    let Some(value) = std::env::var_os(VAR) else {
        return;
    };
    let value = value.to_string_lossy().into_owned();
    let mut claimed = BTreeSet::new();
    for listed in value.split(';').filter_map(parse) {
        if !handles::is_handle_value(listed.handle) || table.contains_key(&listed.handle) {
            continue;
        }
        let Some(fds) = descriptors(&listed) else {
            continue;
        };
        let fresh = fds
            .iter()
            .all(|fd| fd_inheritable(*fd) && !claimed.contains(fd));
        claimed.extend(fds.iter().copied());
        if !fresh {
            continue;
        }
        if let Some(object) = adopt_one(&listed) {
            handles::adopt_at(table, listed.handle, object);
        }
    }
    publish(table);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_and_torn_ones_fail() {
        let body = "1004/f/10/20/3,3";
        let entry = format!("{body}/{:x}", checksum(body));
        let listed = parse(&entry).unwrap();
        assert_eq!(listed.handle, 0x1004);
        assert_eq!(listed.kind, "f");
        assert_eq!(listed.identity, (0x10, 0x20));
        assert_eq!(first_fd(listed.rest), Some(3));
        assert!(parse(&entry.replace("1004", "1008")).is_none());
        assert!(parse("garbage").is_none());
    }
}
