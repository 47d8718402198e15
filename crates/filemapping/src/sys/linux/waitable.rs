//! What every synchronization object (event, mutex, semaphore) shares on Linux: an object file of
//! its kind in the namespace of sections, with the same crash-safe, handle-counted lifetime (the
//! lock protocol in `object`), and one page of state at the data offset that every handle maps
//! once ("Memory descriptions" there). Each type reads and writes its state in that page: a
//! futex word (events, semaphores) or a robust pthread mutex (mutexes).

#![allow(unsafe_code)]

use super::errors::os_error;
use super::header::{Header, ObjectKind, Store};
use super::object::{self, Place};
use super::view::{Mapping, Placement, Store as ViewStore, View};
use super::{fd, lock, objfile};
use crate::error::{Error, ErrorKind, Result};
use crate::name::ObjectName;
use crate::protection::ViewProtection;
use crate::sys::ViewOps;
use crate::types::{Disposition, Permissions};
use std::os::unix::io::{AsRawFd, OwnedFd};
use std::path::Path;
use std::sync::atomic::AtomicU32;
use std::sync::Arc;
use std::time::Duration;

/// One handle to a synchronization object.
#[derive(Debug)]
pub(crate) struct Waitable {
    /// The object file's description, holding the handle's slot; the state page of a handle
    /// that no child can inherit maps it too.
    obj: Option<Arc<OwnedFd>>,
    writable: bool,
    place: Option<Arc<Place>>,
    inheritable: bool,
    /// The mapped state page (shared by duplicates).
    page: Arc<View>,
    /// The object file's `(device, inode)`: the object's identity within the machine.
    id: (u64, u64),
}

/// What a new object is: its kind, the header's two type-specific words, and its initial state
/// (written at the start of the page before anyone can see it).
pub(crate) struct Blueprint<'a> {
    pub(crate) kind: ObjectKind,
    pub(crate) protection: u32,
    pub(crate) attributes: u32,
    pub(crate) initial: &'a [u8],
}

/// Where and how to create a new object.
pub(crate) struct Target<'a> {
    pub(crate) name: Option<&'a ObjectName>,
    pub(crate) root: &'a Path,
    pub(crate) inheritable: bool,
    pub(crate) permissions: Permissions,
}

/// Create-or-open of the object `target` names (or a new unnamed one): `open` makes a handle of
/// the type from an opened [`Waitable`] and its header, `build` from a new, unpublished one
/// (the type may finish the state in its page there, before the object is published).
pub(super) fn create<T: objfile::Unpublished>(
    target: &Target<'_>,
    blueprint: &Blueprint<'_>,
    mut open: impl FnMut(Waitable, Header) -> Result<T>,
    mut build: impl FnMut(Waitable) -> Result<T>,
) -> Result<(T, Disposition)> {
    let name = match target.name {
        None => {
            return Ok((
                build(Waitable::build(target, blueprint, None)?)?,
                Disposition::Created,
            ))
        }
        Some(name) => name,
    };
    let place = Arc::new(objfile::place_of(target.root, name)?);
    objfile::create_or_open(
        &place,
        || match Waitable::open_named(&place, name, blueprint.kind, target.inheritable)? {
            Some((w, header)) => open(w, header).map(Some),
            None => Ok(None),
        },
        || build(Waitable::build(target, blueprint, Some(&place))?),
    )
}

/// Opens the live object `name` of `kind` in `root`: `ERROR_FILE_NOT_FOUND` if there is none.
pub(crate) fn open(
    root: &Path,
    name: &ObjectName,
    kind: ObjectKind,
    inheritable: bool,
) -> Result<(Waitable, Header)> {
    let place = Arc::new(objfile::place_of(root, name)?);
    Waitable::open_named(&place, name, kind, inheritable)?.ok_or_else(|| {
        Error::new(
            ErrorKind::NotFound,
            format!(
                "no object is named {}",
                crate::name::for_message(&name.to_string())
            ),
        )
    })
}

impl Waitable {
    /// Builds a new, unpublished object: object file with header and its state page, and the
    /// creator's slot (the create path of the lock protocol in `object`).
    fn build(
        target: &Target<'_>,
        blueprint: &Blueprint<'_>,
        place: Option<&Arc<Place>>,
    ) -> Result<Waitable> {
        let obj = match place {
            Some(place) => objfile::tmpfile(place.dir.as_raw_fd(), target.permissions)?,
            None => {
                fd::memfd().map_err(|e| os_error(ErrorKind::NotEnoughMemory, "memfd_create", e))?
            }
        };
        let raw = obj.as_raw_fd();
        let page = fd::page_size() as u64;
        let name = target.name.map(ObjectName::to_string).unwrap_or_default();
        let data_offset =
            (super::header::FIXED_LEN as u64 + name.len() as u64 + page - 1) / page * page;
        let header = Header {
            kind: blueprint.kind as u32,
            protection: blueprint.protection,
            attributes: blueprint.attributes,
            size: page,
            data_offset,
            name,
            store: Store::Memory,
        };
        let write = fd::pwrite_all(raw, &header.encode(), 0)
            .and_then(|_| fd::allocate(raw, data_offset, page))
            .and_then(|_| fd::pwrite_all(raw, blueprint.initial, data_offset))
            .and_then(|_| lock::claim_slot(raw, true));
        write.map_err(|e| os_error(ErrorKind::CommitmentLimit, "cannot build the object", e))?;
        Waitable::finish(obj, true, None, &header, target.inheritable)
    }

    /// Opens the live object of `kind` at `place`, if there is one.
    fn open_named(
        place: &Arc<Place>,
        name: &ObjectName,
        kind: ObjectKind,
        inheritable: bool,
    ) -> Result<Option<(Waitable, Header)>> {
        let attached = match objfile::attach(place, name, true)? {
            Some(a) => a,
            None => return Ok(None),
        };
        let header = objfile::read_header(attached.fd.as_raw_fd(), kind)?;
        objfile::check_name(&header, name, place)?;
        let place = Some(Arc::clone(place));
        let w = Waitable::finish(attached.fd, attached.writable, place, &header, inheritable)?;
        Ok(Some((w, header)))
    }

    /// A handle of the object file `obj`: inheritable if asked, with its state page mapped.
    fn finish(
        obj: OwnedFd,
        writable: bool,
        place: Option<Arc<Place>>,
        header: &Header,
        inheritable: bool,
    ) -> Result<Waitable> {
        if inheritable {
            fd::set_cloexec(obj.as_raw_fd(), false)
                .map_err(|e| os_error(ErrorKind::Other, "fcntl", e))?;
        }
        let st = fd::fstat(obj.as_raw_fd()).map_err(|e| os_error(ErrorKind::Other, "fstat", e))?;
        let obj = Arc::new(obj);
        let page = map_state(&obj, header, inheritable)?;
        Ok(Waitable {
            obj: Some(obj),
            writable,
            place,
            inheritable,
            page,
            id: (st.st_dev as u64, st.st_ino as u64),
        })
    }

    /// A new handle to the same object (the *Duplicate* path of the lock protocol).
    pub(crate) fn duplicate(&self, inheritable: bool) -> Result<Waitable> {
        let flags = if self.writable {
            libc::O_RDWR
        } else {
            libc::O_RDONLY
        };
        let fd = fd::reopen(self.obj()?.as_raw_fd(), flags)
            .map_err(|e| os_error(ErrorKind::AccessDenied, "cannot duplicate the handle", e))?;
        lock::claim_slot(fd.as_raw_fd(), self.writable)
            .map_err(|e| os_error(ErrorKind::Other, "cannot lock the duplicate", e))?;
        if inheritable {
            fd::set_cloexec(fd.as_raw_fd(), false)
                .map_err(|e| os_error(ErrorKind::Other, "fcntl", e))?;
        }
        Ok(Waitable {
            obj: Some(Arc::new(fd)),
            writable: self.writable,
            place: self.place.clone(),
            inheritable,
            page: Arc::clone(&self.page),
            id: self.id,
        })
    }

    fn obj(&self) -> Result<&OwnedFd> {
        self.obj
            .as_deref()
            .ok_or_else(|| Error::new(ErrorKind::InvalidHandle, "the handle is closed"))
    }

    /// The first byte of the state page.
    pub(crate) fn state(&self) -> *mut u8 {
        self.page.as_ptr()
    }

    /// The mapped state page, for what must keep it mapped beyond this handle.
    pub(crate) fn page(&self) -> &Arc<View> {
        &self.page
    }

    /// The object's identity: the same for every handle, in every process.
    pub(crate) fn id(&self) -> (u64, u64) {
        self.id
    }

    /// The first word of the state page.
    pub(crate) fn word(&self) -> &AtomicU32 {
        // SAFETY: the page is a shared, read-write mapping of a whole page, page-aligned,
        // alive as long as `self.page`; other processes touch the word only atomically.
        unsafe { &*self.state().cast::<AtomicU32>() }
    }
}

impl objfile::Unpublished for Waitable {
    fn object(&self) -> Result<&OwnedFd> {
        self.obj()
    }

    fn published_at(&mut self, place: Arc<Place>) {
        self.place = Some(place);
    }
}

impl Drop for Waitable {
    fn drop(&mut self) {
        if let Some(obj) = self.obj.take() {
            // Errors cannot be reported from drop.
            let _ = object::release(obj, self.writable, self.place.as_deref(), self.inheritable);
        }
    }
}

/// Maps the state page: through the handle's own description, whose locks closing drops
/// explicitly; through a lock-free one if a child may share the handle's (`inheritable`).
fn map_state(obj: &Arc<OwnedFd>, header: &Header, inheritable: bool) -> Result<Arc<View>> {
    let fd = if inheritable {
        objfile::mem_fd(obj, true)?
    } else {
        Arc::clone(obj)
    };
    let view = View::map(Mapping {
        store: ViewStore::Memory {
            fd,
            offset: header.data_offset,
            reserve: false,
        },
        len: fd::page_size(),
        protection: ViewProtection::ReadWrite,
        base: None,
        replace: false,
        placement: Placement::plain(),
    })?;
    Ok(Arc::new(view))
}

/// Sleeps while `word` still holds `expected`, at most `timeout`.
pub(crate) fn futex_wait(word: &AtomicU32, expected: u32, timeout: Option<Duration>) {
    let ts = timeout.map(|t| libc::timespec {
        tv_sec: t.as_secs().min(i64::MAX as u64) as libc::time_t,
        tv_nsec: libc::c_long::from(t.subsec_nanos() as i32),
    });
    let ts_ptr = ts
        .as_ref()
        .map_or(std::ptr::null(), |t| t as *const libc::timespec);
    // SAFETY: the word is a valid, aligned u32 in shared memory that outlives the call; the
    // timeout pointer is null or points at `ts`. A shared (not private) futex, since other
    // processes wait on the same word. Its result is ignored: every caller re-checks the word.
    unsafe {
        libc::syscall(
            libc::SYS_futex,
            word as *const AtomicU32 as *const u32,
            libc::FUTEX_WAIT,
            expected,
            ts_ptr,
        );
    }
}

/// Wakes up to `count` waiters on `word`.
pub(crate) fn futex_wake(word: &AtomicU32, count: i32) {
    // SAFETY: the word is a valid, aligned u32 in shared memory; FUTEX_WAKE reads nothing else.
    unsafe {
        libc::syscall(
            libc::SYS_futex,
            word as *const AtomicU32 as *const u32,
            libc::FUTEX_WAKE,
            count,
        );
    }
}

/// The time left until `deadline`, or `Err(())` once it has passed; `Ok(None)` waits forever.
pub(crate) fn remaining(
    deadline: Option<std::time::Instant>,
) -> std::result::Result<Option<Duration>, ()> {
    match deadline {
        None => Ok(None),
        Some(d) => {
            let now = std::time::Instant::now();
            if now >= d {
                Err(())
            } else {
                Ok(Some(d - now))
            }
        }
    }
}
