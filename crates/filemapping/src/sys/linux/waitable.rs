//! What every synchronization object (event, mutex, semaphore) shares on Linux: an object file of
//! its kind in the namespace of sections, with the same crash-safe, handle-counted lifetime (the
//! lock protocol in `object`), and one page of state at the data offset that every handle maps
//! once ("Memory descriptions" there). Each type reads and writes its state in that page: a
//! futex word (events, semaphores) or a robust pthread mutex (mutexes).
//!
//! # Waiter counts
//!
//! Events and semaphores keep a second word beside their futex word: the number of threads,
//! in every process, that sleep (or are about to sleep) on it. A waiter adds itself (SeqCst)
//! *before* it reads the word a last time and sleeps; a setter changes the word (SeqCst) and
//! only then reads the count: of the two, one sees the other, so a setter that reads 0 needs no
//! `FUTEX_WAKE`, and an uncontended `SetEvent`/`ReleaseSemaphore` makes no system call. A waiter
//! killed in its sleep leaves its count behind: later setters then make one needless wake each
//! (a cost, never a lost or a spurious wake-up). Setters wake every sleeper, not one: a sleeper
//! of a multi-object wait may decline what woke it, and every other sleeper must get to look.
//!
//! # Waiting for several objects (`WaitForMultipleObjects`)
//!
//! [`wait_multiple`] runs one loop for every mix of types:
//!
//! 1. **Try.** Wait-any takes the first object, in index order, that is free (so the lowest
//!    signaled index wins, as on Windows). Wait-all first *looks* at every object without
//!    changing any; only if all are free does it take them, in index order, and if one was
//!    taken by someone else in between, it gives back what it took (in reverse order) and tries
//!    again.
//! 2. **Sleep.** Otherwise it registers on each object that is not free (events and semaphores:
//!    their waiter count; mutexes: the `FUTEX_WAITERS` bit of the glibc word, as glibc's own
//!    lockers do), reads each word a last time, and sleeps in `futex_waitv` (Linux 5.16) on all
//!    of those words with their values, until one changes, the deadline (`CLOCK_MONOTONIC`)
//!    passes, or a wake comes; then it goes back to 1.
//! 3. **Hand on.** A mutex's unlock (or its owner's death) wakes one sleeper only; a multi-wait
//!    that was woken and leaves a free mutex untaken wakes the next sleeper of that mutex, and
//!    one that takes a mutex after sleeping marks its word `FUTEX_WAITERS`, so that its own
//!    unlock wakes the sleepers it may have overtaken.
//!
//! Without `futex_waitv` (`ENOSYS`: kernels before 5.16, some sandboxes), a single word is
//! waited with `FUTEX_WAIT`, and several words with a **degraded path**: the loop sleeps
//! 50 µs, doubling up to 5 ms between tries (and never past the deadline). It stays correct, but
//! a wake-up can be late by that much and an idle wait costs a few hundred wake-ups a second.
//!
//! What is atomic, compared to Windows, whose kernel checks and takes all objects of a wait-all
//! under one lock:
//!
//! - A wait-all that times out or fails **consumes nothing**: it only takes when it has seen
//!   every object free, and gives back what it took if one was lost in a race.
//! - But its takes are one object at a time: between the first and the last, another thread can
//!   observe the first taken (an auto-reset event non-signaled, a semaphore one lower, a mutex
//!   owned) while the last is still free; and a give-back after a lost race is seen as a new
//!   `SetEvent` (waking the event's waiters), a `ReleaseSemaphore` or an unlock. An abandoned
//!   mutex given back after a lost race is marked abandoned again, but a thread that locks it in
//!   that instant owns it normally.
//! - A manual-reset event satisfies a wait-any if it was set at any time during the wait (even if
//!   reset at once, `PulseEvent`); a wait-all needs it signaled at the moment the others are all
//!   free too.
//! - Two wait-alls on overlapping sets can each take part and both give back; they retry, so no
//!   deadlock, but under heavy contention a wait-all can starve where Windows would serve it.

#![allow(unsafe_code)]

use super::errors::os_error;
use super::header::{Header, ObjectKind, Store};
use super::object::{self, Place};
use super::view::{Mapping, Placement, Store as ViewStore, View};
use super::{fd, lock, objfile};
use crate::error::{Error, ErrorKind, Result};
use crate::name::ObjectName;
use crate::protection::ViewProtection;
use crate::sys::{MultiOutcome, ViewOps, WaitRef};
use crate::types::{Disposition, Permissions};
use std::os::unix::io::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

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
    /// Its address, kept at hand for the fast paths (`SetEvent`).
    state: usize,
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
    objfile::create_or_open(
        target.root,
        name,
        |place| match Waitable::open_named(place, name, blueprint.kind, target.inheritable)? {
            Some((w, header)) => open(w, header).map(Some),
            None => Ok(None),
        },
        |place| build(Waitable::build(target, blueprint, Some(place))?),
    )
}

/// Opens the live object `name` of `kind` in `root`: `ERROR_FILE_NOT_FOUND` if there is none.
pub(crate) fn open(
    root: &Path,
    name: &ObjectName,
    kind: ObjectKind,
    inheritable: bool,
) -> Result<(Waitable, Header)> {
    objfile::open_named(root, name, |place| {
        Waitable::open_named(place, name, kind, inheritable)
    })?
    .ok_or_else(|| {
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
        let header = objfile::read_header_of(attached.fd.as_raw_fd(), kind, &attached.stat)?;
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
            state: page.as_ptr() as usize,
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
            state: self.state,
            id: self.id,
        })
    }

    /// The descriptor a child inherits, if the handle is inheritable.
    pub(crate) fn inherit_fd(&self) -> Option<u64> {
        let obj = self.obj.as_deref()?;
        self.inheritable.then(|| obj.as_raw_fd() as u64)
    }

    /// Adopts the inherited descriptor `raw` of an object of `kind`, as a section's `adopt_fds`
    /// does: `ERROR_INVALID_HANDLE` unless it is an open object file of that kind. The
    /// descriptor is checked before it is taken over, so one that fails stays open.
    ///
    /// # Safety
    ///
    /// `raw` must be inherited from the parent and owned by nothing else in this process.
    pub(crate) unsafe fn adopt(raw: u64, kind: ObjectKind) -> Result<(Waitable, Header)> {
        let fd = RawFd::try_from(raw).map_err(|_| {
            Error::new(
                ErrorKind::InvalidHandle,
                format!("{raw} is not a descriptor"),
            )
        })?;
        let (readable, writable) =
            fd::rights(fd).map_err(|e| os_error(ErrorKind::InvalidHandle, "fcntl", e))?;
        let header = objfile::read_header(fd, kind).map_err(|e| {
            if e.kind() == ErrorKind::InvalidHandle {
                e
            } else {
                objfile::wrong_type(kind)
            }
        })?;
        let st = fd::fstat(fd).map_err(|e| os_error(ErrorKind::InvalidHandle, "fstat", e))?;
        let place = if header.name.is_empty() {
            None
        } else {
            super::section::inherited_place(fd, &header.name, &st)?
        };
        // SAFETY: the caller guarantees that `fd` is inherited and owned by nothing else here;
        // it is open and an object file of `kind` (checked above).
        let obj = unsafe { OwnedFd::from_raw_fd(fd) };
        let w = Waitable::finish(obj, readable && writable, place, &header, true)?;
        Ok((w, header))
    }

    fn obj(&self) -> Result<&OwnedFd> {
        self.obj
            .as_deref()
            .ok_or_else(|| Error::new(ErrorKind::InvalidHandle, "the handle is closed"))
    }

    /// The first byte of the state page.
    #[inline]
    pub(crate) fn state(&self) -> *mut u8 {
        self.state as *mut u8
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
    #[inline]
    pub(crate) fn word(&self) -> &AtomicU32 {
        // SAFETY: the page is a shared, read-write mapping of a whole page, page-aligned,
        // alive as long as `self.page`; other processes touch the word only atomically.
        unsafe { &*self.state().cast::<AtomicU32>() }
    }

    /// The second word of the state page: the waiter count of an event or a semaphore
    /// (module documentation, *Waiter counts*).
    pub(crate) fn waiters(&self) -> &AtomicU32 {
        // SAFETY: as in `word`; the page holds far more than two words.
        unsafe { &*self.state().cast::<AtomicU32>().add(1) }
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
pub(crate) fn remaining(deadline: Option<Instant>) -> std::result::Result<Option<Duration>, ()> {
    match deadline {
        None => Ok(None),
        Some(d) => {
            let now = Instant::now();
            if now >= d {
                Err(())
            } else {
                Ok(Some(d - now))
            }
        }
    }
}

/// Wakes every sleeper on `word` if the waiter count says there may be one; called after the
/// word changed (module documentation, *Waiter counts*).
pub(crate) fn wake_waiters(word: &AtomicU32, waiters: &AtomicU32) {
    if waiters.load(Ordering::SeqCst) != 0 {
        futex_wake(word, i32::MAX);
    }
}

/// Sleeps on `word` while `blocked(value)` holds for its value, at most until `deadline`,
/// counted in `waiters`; returns when the word may have changed (the caller looks again) or
/// `Err(())` once the deadline has passed.
pub(crate) fn sleep_while(
    word: &AtomicU32,
    waiters: &AtomicU32,
    deadline: Option<Instant>,
    blocked: impl Fn(u32) -> bool,
) -> std::result::Result<(), ()> {
    let left = remaining(deadline)?;
    waiters.fetch_add(1, Ordering::SeqCst);
    let value = word.load(Ordering::SeqCst);
    if blocked(value) {
        futex_wait(word, value, left);
    }
    waiters.fetch_sub(1, Ordering::SeqCst);
    Ok(())
}

/// What a multi-object wait needs of each type on Linux (module documentation, *Waiting for
/// several objects*). `start` is the object's word when the wait began.
pub(crate) trait Part {
    /// The object's state: its first word and the handle behind it.
    fn waitable(&self) -> &Waitable;
    /// Whether a take would succeed now; changes nothing.
    fn is_free(&self, start: u32, all: bool) -> bool;
    /// Takes the object if it is free: `Some(abandoned)` when taken.
    fn take(&self, start: u32, all: bool) -> Result<Option<bool>>;
    /// Gives back a take of a wait-all that lost a race (`abandoned` as `take` said).
    fn give_back(&self, abandoned: bool);
    /// Registers as a sleeper and returns the value to sleep on, or `None` if the object turned
    /// free meanwhile (then nothing stays registered).
    fn register(&self, start: u32, all: bool) -> Option<u32>;
    /// Undoes [`Part::register`].
    fn unregister(&self);
    /// Whether the object is a mutex (module documentation, *Hand on*).
    fn mutex_word(&self) -> Option<&AtomicU32> {
        None
    }
}

fn part<'a>(object: &WaitRef<'a>) -> &'a dyn Part {
    match *object {
        WaitRef::Event(event) => event,
        WaitRef::Mutex(mutex) => mutex,
        WaitRef::Semaphore(semaphore) => semaphore,
    }
}

/// `WaitForMultipleObjects` (the caller checked the count and the rights).
pub(crate) fn wait_multiple(
    objects: &[WaitRef<'_>],
    all: bool,
    timeout: Option<Duration>,
) -> Result<MultiOutcome> {
    let parts: Vec<&dyn Part> = objects.iter().map(part).collect();
    if all {
        let mut ids: Vec<(u64, u64)> = parts.iter().map(|p| p.waitable().id()).collect();
        ids.sort_unstable();
        if ids.windows(2).any(|pair| pair[0] == pair[1]) {
            return Err(Error::new(
                ErrorKind::InvalidParameter,
                "a wait for all objects names one object twice",
            ));
        }
    }
    let deadline = timeout.map(|t| Instant::now() + t);
    let starts: Vec<u32> = parts
        .iter()
        .map(|p| p.waitable().word().load(Ordering::SeqCst))
        .collect();
    let mut slept = false;
    let mut backoff = Duration::from_micros(50);
    loop {
        let outcome = if all {
            try_all(&parts, &starts)?
        } else {
            try_any(&parts, &starts)?
        };
        if slept {
            hand_on(&parts, outcome, all);
        }
        if let Some(outcome) = outcome {
            if slept {
                mark_waiters(&parts, outcome, all);
            }
            return Ok(outcome);
        }
        let left = match remaining(deadline) {
            Ok(left) => left,
            Err(()) => return Ok(MultiOutcome::TimedOut),
        };
        // Register on every object that is not free, then sleep on their words.
        let mut words: Vec<(&AtomicU32, u32)> = Vec::with_capacity(parts.len());
        let mut registered: Vec<&dyn Part> = Vec::with_capacity(parts.len());
        let mut turned_free = false;
        for (p, &start) in parts.iter().zip(&starts) {
            if all && p.is_free(start, all) {
                continue;
            }
            match p.register(start, all) {
                Some(value) => {
                    words.push((p.waitable().word(), value));
                    registered.push(*p);
                }
                None => {
                    turned_free = true;
                    break;
                }
            }
        }
        if !turned_free && !words.is_empty() {
            sleep_on(&words, deadline, left, &mut backoff);
            slept = true;
        }
        for p in registered {
            p.unregister();
        }
    }
}

/// Wait-any's try: the first free object, in index order.
fn try_any(parts: &[&dyn Part], starts: &[u32]) -> Result<Option<MultiOutcome>> {
    for (i, (p, &start)) in parts.iter().zip(starts).enumerate() {
        match p.take(start, false)? {
            Some(false) => return Ok(Some(MultiOutcome::Signaled(i))),
            Some(true) => return Ok(Some(MultiOutcome::Abandoned(i))),
            None => {}
        }
    }
    Ok(None)
}

/// Wait-all's try: takes nothing unless every object looks free; gives back on a lost race.
fn try_all(parts: &[&dyn Part], starts: &[u32]) -> Result<Option<MultiOutcome>> {
    if !parts.iter().zip(starts).all(|(p, &s)| p.is_free(s, true)) {
        return Ok(None);
    }
    let mut taken: Vec<(usize, bool)> = Vec::with_capacity(parts.len());
    for (i, (p, &start)) in parts.iter().zip(starts).enumerate() {
        let took = match p.take(start, true) {
            Ok(took) => took,
            Err(e) => {
                give_back(parts, &taken);
                return Err(e);
            }
        };
        match took {
            Some(abandoned) => taken.push((i, abandoned)),
            None => {
                give_back(parts, &taken);
                std::thread::yield_now();
                return Ok(None);
            }
        }
    }
    Ok(Some(match taken.iter().find(|(_, abandoned)| *abandoned) {
        Some(&(i, _)) => MultiOutcome::Abandoned(i),
        None => MultiOutcome::Signaled(0),
    }))
}

fn give_back(parts: &[&dyn Part], taken: &[(usize, bool)]) {
    for &(i, abandoned) in taken.iter().rev() {
        parts[i].give_back(abandoned);
    }
}

/// Whether the multi-wait's `outcome` took object `i`.
fn took(outcome: Option<MultiOutcome>, i: usize, all: bool) -> bool {
    match outcome {
        None | Some(MultiOutcome::TimedOut) => false,
        Some(_) if all => true,
        Some(MultiOutcome::Signaled(j) | MultiOutcome::Abandoned(j)) => i == j,
    }
}

/// After a sleep: wakes the next sleeper of each free mutex this wait leaves untaken.
fn hand_on(parts: &[&dyn Part], outcome: Option<MultiOutcome>, all: bool) {
    for (i, p) in parts.iter().enumerate() {
        if let Some(word) = p.mutex_word() {
            if !took(outcome, i, all) && word.load(Ordering::SeqCst) & FUTEX_TID_MASK == 0 {
                futex_wake(word, 1);
            }
        }
    }
}

/// After a sleep: marks the words of the mutexes this wait took `FUTEX_WAITERS`, so that their
/// unlock wakes the sleepers this wait may have overtaken.
fn mark_waiters(parts: &[&dyn Part], outcome: MultiOutcome, all: bool) {
    for (i, p) in parts.iter().enumerate() {
        if let Some(word) = p.mutex_word() {
            if took(Some(outcome), i, all) {
                word.fetch_or(FUTEX_WAITERS, Ordering::SeqCst);
            }
        }
    }
}

/// The glibc robust-mutex word's bits (the kernel's robust-futex format).
pub(crate) const FUTEX_WAITERS: u32 = 0x8000_0000;
pub(crate) const FUTEX_OWNER_DIED: u32 = 0x4000_0000;
pub(crate) const FUTEX_TID_MASK: u32 = 0x3fff_ffff;

/// Whether `futex_waitv` is missing (learnt at its first `ENOSYS`).
static NO_WAITV: AtomicBool = AtomicBool::new(false);

/// Sleeps until one of `words` may no longer hold its value, `deadline` passes, or a wake.
fn sleep_on(
    words: &[(&AtomicU32, u32)],
    deadline: Option<Instant>,
    left: Option<Duration>,
    backoff: &mut Duration,
) {
    if let [(word, value)] = words {
        futex_wait(word, *value, left);
        return;
    }
    if !NO_WAITV.load(Ordering::Relaxed) {
        if futex_waitv(words, deadline) {
            return;
        }
        NO_WAITV.store(true, Ordering::Relaxed);
    }
    // The degraded path (module documentation).
    let nap = left.map_or(*backoff, |left| left.min(*backoff));
    std::thread::sleep(nap);
    *backoff = (*backoff * 2).min(Duration::from_millis(5));
}

/// One element of `futex_waitv`'s array (`struct futex_waitv`, linux/futex.h).
#[repr(C)]
struct FutexWaitv {
    val: u64,
    uaddr: u64,
    flags: u32,
    reserved: u32,
}

/// `FUTEX2_SIZE_U32`: a 32-bit futex word, shared (no `FUTEX2_PRIVATE`).
const FUTEX2_SIZE_U32: u32 = 0x02;
/// `__NR_futex_waitv`: 449 on every architecture (the unified table of new system calls).
const SYS_FUTEX_WAITV: libc::c_long = 449;

/// Sleeps in `futex_waitv` on `words`; `false` if the kernel lacks it (`ENOSYS`).
fn futex_waitv(words: &[(&AtomicU32, u32)], deadline: Option<Instant>) -> bool {
    let waiters: Vec<FutexWaitv> = words
        .iter()
        .map(|(word, value)| FutexWaitv {
            val: u64::from(*value),
            uaddr: *word as *const AtomicU32 as usize as u64,
            flags: FUTEX2_SIZE_U32,
            reserved: 0,
        })
        .collect();
    let ts = deadline.map(monotonic_at);
    let ts_ptr = ts
        .as_ref()
        .map_or(std::ptr::null(), |t| t as *const libc::timespec);
    // SAFETY: `waiters` is an array of `words.len()` (at most 64, below FUTEX_WAITV_MAX)
    // initialised `struct futex_waitv`s naming aligned u32 words in mappings that outlive the
    // call; the timeout is null or an absolute CLOCK_MONOTONIC time in `ts`. The result is
    // only checked for ENOSYS: every caller looks at the words again.
    let rc = unsafe {
        libc::syscall(
            SYS_FUTEX_WAITV,
            waiters.as_ptr(),
            waiters.len() as libc::c_uint,
            0 as libc::c_uint,
            ts_ptr,
            libc::CLOCK_MONOTONIC,
        )
    };
    !(rc == -1 && std::io::Error::last_os_error().raw_os_error() == Some(libc::ENOSYS))
}

/// The `CLOCK_MONOTONIC` time of `deadline` (`Instant` is that clock on Linux).
fn monotonic_at(deadline: Instant) -> libc::timespec {
    clock_after(
        libc::CLOCK_MONOTONIC,
        deadline.saturating_duration_since(Instant::now()),
    )
}

/// The time `left` from now on `clock`, normalised, and far enough to be "never" without
/// overflowing `time_t` for huge durations.
pub(crate) fn clock_after(clock: libc::clockid_t, left: Duration) -> libc::timespec {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid timespec to write.
    unsafe { libc::clock_gettime(clock, &mut now) };
    let secs = left.as_secs().min(1 << 40) as libc::time_t;
    let mut sec = now.tv_sec + secs;
    let mut nsec = now.tv_nsec + libc::c_long::from(left.subsec_nanos() as i32);
    if nsec >= 1_000_000_000 {
        nsec -= 1_000_000_000;
        sec += 1;
    }
    libc::timespec {
        tv_sec: sec,
        tv_nsec: nsec,
    }
}

/// `SignalObjectAndWait`: signals `signal` (`SetEvent`, `ReleaseMutex` or `ReleaseSemaphore`
/// by 1), then waits for `wait`. On Linux the two steps are not one atomic operation: a thread
/// that looks in between sees the signal done and the wait not begun.
pub(crate) fn signal_and_wait(
    signal: WaitRef<'_>,
    wait: WaitRef<'_>,
    timeout: Option<Duration>,
) -> Result<MultiOutcome> {
    use crate::sys::{EventOps, MutexOps, SemaphoreOps};
    match signal {
        WaitRef::Event(event) => event.set()?,
        WaitRef::Mutex(mutex) => mutex.release()?,
        WaitRef::Semaphore(semaphore) => semaphore.release(1).map(drop)?,
    }
    wait_multiple(&[wait], false, timeout)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sys::{EventOps, EventRequest};

    fn event() -> crate::sys::Event {
        let request = EventRequest {
            name: None,
            raw_name: "",
            root: std::env::temp_dir(),
            manual_reset: false,
            initial_state: false,
            inheritable: false,
            permissions: crate::types::Permissions::default(),
        };
        <crate::sys::Event as EventOps>::create(&request).unwrap().0
    }

    #[test]
    fn the_degraded_path_still_wakes_a_multi_wait() {
        // As after an ENOSYS from futex_waitv (other tests running meanwhile take the degraded
        // path too, which is correct, only slower).
        NO_WAITV.store(true, Ordering::Relaxed);
        let (a, b) = (Arc::new(event()), Arc::new(event()));
        let setter = {
            let b = Arc::clone(&b);
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(30));
                b.set().unwrap();
            })
        };
        let objects = [WaitRef::Event(&a), WaitRef::Event(&b)];
        let outcome = wait_multiple(&objects, false, Some(Duration::from_secs(60)));
        setter.join().unwrap();
        let timed = wait_multiple(&objects, false, Some(Duration::from_millis(20)));
        NO_WAITV.store(false, Ordering::Relaxed);
        assert_eq!(outcome.unwrap(), MultiOutcome::Signaled(1));
        assert_eq!(timed.unwrap(), MultiOutcome::TimedOut);
    }

    #[test]
    fn waiter_counts_return_to_zero() {
        let e = event();
        let objects = [WaitRef::Event(&e), WaitRef::Event(&e)];
        let timed = wait_multiple(&objects, false, Some(Duration::from_millis(5))).unwrap();
        assert_eq!(timed, MultiOutcome::TimedOut);
        assert!(!e.wait(Some(Duration::from_millis(5))).unwrap());
        assert_eq!(e.inner_waiters(), 0, "no sleeper is left counted");
    }
}
