//! Named events on Linux: an object file of type `Event` in the same namespace as sections, with
//! the same crash-safe, handle-counted lifetime (the lock protocol in `object`), whose state is
//! a futex word in its memory page.
//! Waiting blocks in the kernel (`FUTEX_WAIT` on shared memory); it never polls.
//!
//! The word is `generation << 1 | signaled`. A manual-reset event stays signaled until reset and
//! releases every waiter; a waiter also returns if a `set` happened while it slept, even if a
//! `reset` followed at once (as Windows releases the waits that `SetEvent` satisfied). An
//! auto-reset event is consumed by exactly one waiter.

#![allow(unsafe_code)]

use super::errors::os_error;
use super::header::{Header, ObjectKind, Store};
use super::object::{self, Place};
use super::view::{Mapping, Store as ViewStore, View};
use super::{fd, lock, objfile};
use crate::error::{Error, ErrorKind, Result};
use crate::name::ObjectName;
use crate::protection::{EventAccess, ViewProtection};
use crate::sys::{EventOps, EventRequest, OpenRequest, ViewOps};
use crate::types::Disposition;
use std::os::unix::io::{AsRawFd, OwnedFd};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// One handle to an event.
#[derive(Debug)]
pub(crate) struct Event {
    /// The object file's description, holding the handle's slot; the state page of a handle
    /// that no child can inherit maps it too.
    obj: Option<Arc<OwnedFd>>,
    writable: bool,
    place: Option<Arc<Place>>,
    inheritable: bool,
    manual: bool,
    /// The mapped page whose first word is the state.
    page: Arc<View>,
}

const SIGNALED: u32 = 1;

impl EventOps for Event {
    fn create(req: &EventRequest<'_>) -> Result<(Event, Disposition)> {
        let name = match &req.name {
            None => return Ok((build(req, None)?, Disposition::Created)),
            Some(name) => name,
        };
        let place = Arc::new(objfile::place_of(&req.root, name)?);
        objfile::create_or_open(
            &place,
            || open_named(&place, name, req.inheritable),
            || build(req, Some(&place)),
        )
    }

    // The emulation keeps no rights per handle: the API layer checks them.
    fn open(req: &OpenRequest<'_>, _: EventAccess) -> Result<Event> {
        let place = Arc::new(objfile::place_of(&req.root, req.name)?);
        open_named(&place, req.name, req.inheritable)?.ok_or_else(|| {
            Error::new(
                ErrorKind::NotFound,
                format!(
                    "no object is named {}",
                    crate::name::for_message(&req.name.to_string())
                ),
            )
        })
    }

    fn set(&self) -> Result<()> {
        let word = self.word();
        let mut current = word.load(Ordering::SeqCst);
        loop {
            let next = (current | SIGNALED).wrapping_add(2);
            match word.compare_exchange(current, next, Ordering::SeqCst, Ordering::SeqCst) {
                Ok(_) => break,
                Err(seen) => current = seen,
            }
        }
        futex_wake(word, if self.manual { i32::MAX } else { 1 });
        Ok(())
    }

    fn reset(&self) -> Result<()> {
        self.word().fetch_and(!SIGNALED, Ordering::SeqCst);
        Ok(())
    }

    fn wait(&self, timeout: Option<Duration>) -> Result<bool> {
        let deadline = timeout.map(|t| Instant::now() + t);
        let word = self.word();
        let start = word.load(Ordering::SeqCst);
        loop {
            let current = word.load(Ordering::SeqCst);
            if self.try_take(word, current, start) {
                return Ok(true);
            }
            let remaining = match deadline {
                Some(d) if Instant::now() >= d => return Ok(false),
                Some(d) => Some(d - Instant::now()),
                None => None,
            };
            futex_wait(word, current, remaining);
        }
    }

    fn duplicate(&self, _: EventAccess, inheritable: bool) -> Result<Event> {
        let flags = if self.writable {
            libc::O_RDWR
        } else {
            libc::O_RDONLY
        };
        let fd = fd::reopen(self.obj()?.as_raw_fd(), flags)
            .map_err(|e| os_error(ErrorKind::AccessDenied, "cannot duplicate the event", e))?;
        lock::claim_slot(fd.as_raw_fd(), self.writable)
            .map_err(|e| os_error(ErrorKind::Other, "cannot lock the duplicate", e))?;
        if inheritable {
            fd::set_cloexec(fd.as_raw_fd(), false)
                .map_err(|e| os_error(ErrorKind::Other, "fcntl", e))?;
        }
        Ok(Event {
            obj: Some(Arc::new(fd)),
            writable: self.writable,
            place: self.place.clone(),
            inheritable,
            manual: self.manual,
            page: Arc::clone(&self.page),
        })
    }

    fn is_manual_reset(&self) -> bool {
        self.manual
    }
}

impl Event {
    fn obj(&self) -> Result<&OwnedFd> {
        self.obj
            .as_deref()
            .ok_or_else(|| Error::new(ErrorKind::InvalidHandle, "the handle is closed"))
    }

    fn word(&self) -> &AtomicU32 {
        // SAFETY: the page is a shared, read-write mapping of at least 4 bytes, page-aligned,
        // alive as long as `self.page`; other processes touch the word only atomically.
        unsafe { &*self.page.as_ptr().cast::<AtomicU32>() }
    }

    /// Whether a waiter that started at `start` and now sees `current` is released, consuming
    /// the signal of an auto-reset event.
    fn try_take(&self, word: &AtomicU32, current: u32, start: u32) -> bool {
        if self.manual {
            return current & SIGNALED != 0 || current >> 1 != start >> 1;
        }
        current & SIGNALED != 0
            && word
                .compare_exchange(
                    current,
                    current & !SIGNALED,
                    Ordering::SeqCst,
                    Ordering::SeqCst,
                )
                .is_ok()
    }
}

impl objfile::Unpublished for Event {
    fn object(&self) -> Result<&OwnedFd> {
        self.obj()
    }

    fn published_at(&mut self, place: Arc<Place>) {
        self.place = Some(place);
    }
}

impl Drop for Event {
    fn drop(&mut self) {
        if let Some(obj) = self.obj.take() {
            // Errors cannot be reported from drop.
            let _ = object::release(obj, self.writable, self.place.as_deref(), self.inheritable);
        }
    }
}

/// Builds a new, unpublished event: object file with header and its state page, and the
/// creator's slot (the create path of the lock protocol in `object`).
fn build(req: &EventRequest<'_>, place: Option<&Arc<Place>>) -> Result<Event> {
    let obj = match place {
        Some(place) => objfile::tmpfile(place.dir.as_raw_fd(), req.permissions)?,
        None => fd::memfd().map_err(|e| os_error(ErrorKind::NotEnoughMemory, "memfd_create", e))?,
    };
    let raw = obj.as_raw_fd();
    let page = fd::page_size() as u64;
    let name = req
        .name
        .as_ref()
        .map(ObjectName::to_string)
        .unwrap_or_default();
    let data_offset =
        (super::header::FIXED_LEN as u64 + name.len() as u64 + page - 1) / page * page;
    let header = Header {
        kind: ObjectKind::Event as u32,
        protection: 0,
        attributes: u32::from(req.manual_reset),
        size: page,
        data_offset,
        name,
        store: Store::Memory,
    };
    let initial = u32::from(req.initial_state).to_le_bytes();
    let write = fd::pwrite_all(raw, &header.encode(), 0)
        .and_then(|_| fd::allocate(raw, data_offset, page))
        .and_then(|_| fd::pwrite_all(raw, &initial, data_offset))
        .and_then(|_| lock::claim_slot(raw, true));
    write.map_err(|e| os_error(ErrorKind::CommitmentLimit, "cannot build the event", e))?;
    if req.inheritable {
        fd::set_cloexec(raw, false).map_err(|e| os_error(ErrorKind::Other, "fcntl", e))?;
    }
    let obj = Arc::new(obj);
    let page = map_state(&obj, &header, req.inheritable)?;
    Ok(Event {
        obj: Some(obj),
        writable: true,
        place: None,
        inheritable: req.inheritable,
        manual: req.manual_reset,
        page,
    })
}

/// Opens the live event at `place`, if there is one.
fn open_named(place: &Arc<Place>, name: &ObjectName, inheritable: bool) -> Result<Option<Event>> {
    let attached = objfile::attach(place, name, true)?;
    let attached = match attached {
        Some(a) => a,
        None => return Ok(None),
    };
    let header = objfile::read_header(attached.fd.as_raw_fd(), ObjectKind::Event)?;
    objfile::check_name(&header, name, place)?;
    if inheritable {
        fd::set_cloexec(attached.fd.as_raw_fd(), false)
            .map_err(|e| os_error(ErrorKind::Other, "fcntl", e))?;
    }
    let obj = Arc::new(attached.fd);
    let page = map_state(&obj, &header, inheritable)?;
    Ok(Some(Event {
        obj: Some(obj),
        writable: attached.writable,
        place: Some(Arc::clone(place)),
        inheritable,
        manual: header.attributes & 1 != 0,
        page,
    }))
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
        len: 4,
        protection: ViewProtection::ReadWrite,
        base: None,
        replace: false,
    })?;
    Ok(Arc::new(view))
}

/// Sleeps while `word` still holds `expected`, at most `timeout`.
fn futex_wait(word: &AtomicU32, expected: u32, timeout: Option<Duration>) {
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
fn futex_wake(word: &AtomicU32, count: i32) {
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
