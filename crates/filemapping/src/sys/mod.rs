//! The only place with platform code. Each backend implements [`SectionOps`] and [`ViewOps`];
//! the rest of the crate is platform-free and talks to the backend through these two traits.

#![allow(unsafe_code)]

use crate::error::Result;
use crate::name::ObjectName;
use crate::protection::{
    EventAccess, FileMapAccess, Protection, SectionAttributes, ViewProtection,
};
use crate::types::{Disposition, Permissions, SectionInfo, WaitOutcome};
use std::path::PathBuf;

/// The direct copies of the backends that have views.
#[cfg(any(target_os = "linux", windows))]
mod volatile;

#[cfg(target_os = "linux")]
mod linux;
#[cfg(all(feature = "fuzzing", target_os = "linux"))]
pub(crate) use linux::probe;
#[cfg(target_os = "linux")]
pub(crate) use linux::{
    clean, large_page_size, list, page_size, signal_and_wait, wait_multiple, Event, Mutex, Section,
    Semaphore, View, DEFAULT_ROOT, EMULATED,
};

#[cfg(windows)]
mod windows;
#[cfg(windows)]
pub(crate) use self::windows::{
    clean, large_page_size, list, page_size, signal_and_wait, wait_multiple, Event, Mutex, Section,
    Semaphore, View, DEFAULT_ROOT, EMULATED,
};

#[cfg(not(any(target_os = "linux", windows)))]
mod unsupported;
#[cfg(not(any(target_os = "linux", windows)))]
pub(crate) use unsupported::{
    clean, large_page_size, list, page_size, signal_and_wait, wait_multiple, Event, Mutex, Section,
    Semaphore, View, DEFAULT_ROOT, EMULATED,
};

/// One object of a multi-object wait (`WaitForMultipleObjects`), or the object to signal of
/// `SignalObjectAndWait`: each backend's `wait_multiple` and `signal_and_wait` take these. The
/// API layer checked the handle's rights.
#[derive(Clone, Copy, Debug)]
#[cfg_attr(not(any(target_os = "linux", windows)), allow(dead_code))]
pub(crate) enum WaitRef<'a> {
    Event(&'a Event),
    Mutex(&'a Mutex),
    Semaphore(&'a Semaphore),
}

/// How a multi-object wait ended: the index of the object that satisfied a wait-any (the lowest
/// signaled one), of an abandoned mutex, or the timeout. A satisfied wait-all is `Signaled(0)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(not(any(target_os = "linux", windows)), allow(dead_code))]
pub(crate) enum MultiOutcome {
    Signaled(usize),
    Abandoned(usize),
    TimedOut,
}

/// A validated request to create a section (everything `CreateFileMapping` takes).
// Each backend reads the fields it needs: the emulation the parsed ones, the pass-through
// Windows backend the raw ones.
#[allow(dead_code)]
pub(crate) struct CreateRequest<'a> {
    pub(crate) name: Option<ObjectName>,
    /// The name exactly as given.
    pub(crate) raw_name: String,
    /// The attributes exactly as given.
    pub(crate) raw_attributes: SectionAttributes,
    pub(crate) root: PathBuf,
    /// The size asked for; 0 means "the file's size" for file-backed sections.
    pub(crate) size: u64,
    pub(crate) protection: Protection,
    /// The attributes as the section will report them (already validated).
    pub(crate) attributes: SectionAttributes,
    pub(crate) file: Option<&'a std::fs::File>,
    /// Whether the file handle carries the execute right, as the caller decided it (`None`:
    /// the emulation decides from the file's permission).
    pub(crate) file_execute: Option<bool>,
    pub(crate) inheritable: bool,
    pub(crate) permissions: Permissions,
}

/// A request to open a section by name.
// As for `CreateRequest`.
#[allow(dead_code)]
pub(crate) struct OpenRequest<'a> {
    pub(crate) name: &'a ObjectName,
    /// The name exactly as given.
    pub(crate) raw_name: &'a str,
    pub(crate) root: PathBuf,
    pub(crate) access: FileMapAccess,
    pub(crate) inheritable: bool,
}

/// A request to create an event (everything `CreateEventW` takes).
#[allow(dead_code)] // As for `CreateRequest`.
pub(crate) struct EventRequest<'a> {
    pub(crate) name: Option<ObjectName>,
    /// The name exactly as given.
    pub(crate) raw_name: &'a str,
    pub(crate) root: PathBuf,
    pub(crate) manual_reset: bool,
    pub(crate) initial_state: bool,
    pub(crate) inheritable: bool,
    pub(crate) permissions: Permissions,
}

/// A request to create a mutex or a semaphore (`CreateMutexExW`, `CreateSemaphoreExW`): what
/// every synchronization object takes, and `params`, what its type takes.
#[allow(dead_code)] // As for `CreateRequest`.
pub(crate) struct SyncRequest<'a, P> {
    pub(crate) name: Option<ObjectName>,
    /// The name exactly as given.
    pub(crate) raw_name: &'a str,
    pub(crate) root: PathBuf,
    /// The rights of the creator's handle (generic rights already mapped).
    pub(crate) access: u32,
    pub(crate) inheritable: bool,
    pub(crate) permissions: Permissions,
    pub(crate) params: P,
}

/// What a new mutex takes: whether the creating thread owns it at once (`bInitialOwner`).
#[allow(dead_code)] // Unread by the stub backend.
pub(crate) struct MutexParams {
    pub(crate) initial_owner: bool,
}

/// What a new semaphore takes, already validated: `0 <= initial <= maximum`, `maximum > 0`,
/// both at most `i32::MAX`.
#[allow(dead_code)] // Unread by the stub backend.
pub(crate) struct SemaphoreParams {
    pub(crate) initial: u32,
    pub(crate) maximum: u32,
}

/// A validated request to map a view: the range is inside the section, the offset aligned, and
/// the handle's rights suffice.
// As for `CreateRequest`.
#[allow(dead_code)]
pub(crate) struct MapRequest {
    pub(crate) protection: ViewProtection,
    /// The `FILE_MAP_*` access asked for.
    pub(crate) access: FileMapAccess,
    pub(crate) offset: u64,
    pub(crate) len: usize,
    pub(crate) base: Option<usize>,
    /// Whether the view replaces a reservation the caller owns at `base` (a placeholder,
    /// `MEM_REPLACE_PLACEHOLDER`) instead of needing the range free.
    pub(crate) replace: bool,
}

/// Whether a page of `protection` may be read (or, with `write`, written) by a copy
/// ([`ViewOps::check_access`]).
#[cfg(any(target_os = "linux", windows))]
pub(crate) fn allows(protection: ViewProtection, write: bool) -> bool {
    let (read, writable, _) = protection.rights();
    if write {
        writable
    } else {
        read
    }
}

/// A copy refused by the protection of the view's page at `offset` ([`ViewOps::check_access`]).
#[cfg(any(target_os = "linux", windows))]
pub(crate) fn denied(
    offset: usize,
    protection: ViewProtection,
    write: bool,
) -> crate::error::Error {
    crate::error::Error::new(
        crate::error::ErrorKind::AccessDenied,
        format!(
            "the page at offset {offset} is {protection:?}: it cannot be {}",
            if write { "written" } else { "read" }
        ),
    )
}

/// The error of a copy that reaches the reserved page (of a `SEC_RESERVE` section, not yet
/// committed) at `offset`: an access to it faults on Windows.
#[cfg(any(target_os = "linux", windows))]
pub(crate) fn reserved(offset: usize) -> crate::error::Error {
    crate::error::Error::new(
        crate::error::ErrorKind::AccessDenied,
        format!("the page at offset {offset} is reserved, not committed (see View::commit)"),
    )
}

/// A section handle of one backend: the contract every platform implements.
pub(crate) trait SectionOps: Sized + Send + Sync {
    /// The backend's view type.
    type View: ViewOps;
    /// Creates a section, or opens the live one of the same name (spec §2).
    fn create(req: &CreateRequest<'_>) -> Result<(Self, Disposition)>;
    /// Opens a live named section (spec §3).
    fn open(req: &OpenRequest<'_>) -> Result<Self>;
    /// A new handle to the same section with `access` (spec §7).
    fn duplicate(&self, access: FileMapAccess, inheritable: bool) -> Result<Self>;
    /// What the section is.
    fn info(&self) -> &SectionInfo;
    /// The rights of this handle.
    fn access(&self) -> FileMapAccess;
    /// The number of handles open on the section, in all processes.
    fn handle_count(&self) -> Result<u64>;
    /// The ids of the processes that hold the section open, where the OS can tell.
    fn holder_pids(&self) -> Vec<u32>;
    /// Maps a view (spec §5).
    fn map(&self, req: &MapRequest) -> Result<Self::View>;
    /// Maps `req` twice, back to back, at a system-chosen 64 KiB-aligned address (a ring
    /// buffer); `req.len` is a multiple of 64 KiB and `req.base` is `None`.
    fn map_ring(&self, req: &MapRequest) -> Result<(Self::View, Self::View)>;
    /// The text a child process passes to [`SectionOps::adopt`], if the handle is inheritable.
    fn inherit_token(&self) -> Option<String>;
    /// Adopts an inherited handle described by `token`.
    ///
    /// # Safety
    ///
    /// The handle(s) named by the token must be inherited from the parent and owned by nothing
    /// else in this process.
    unsafe fn adopt(token: &str) -> Result<Self>;
    /// Closes the handle, removing the name if it was the last handle anywhere.
    fn close(self) -> Result<()>;
}

/// Inheritance of an event, mutex or semaphore handle by a child process (the section's is
/// [`SectionOps::inherit_token`] and [`SectionOps::adopt`]). The API layer makes the token of
/// the raw value and the handle's rights, which it keeps itself.
pub(crate) trait InheritOps: Sized {
    /// The raw value the child inherits (the descriptor on Linux, the `HANDLE` on Windows), if
    /// the handle is inheritable.
    fn inherit_raw(&self) -> Option<u64>;
    /// Adopts the inherited handle `raw`, after checking that it is an object of this type:
    /// `ERROR_INVALID_HANDLE` if it is not.
    ///
    /// # Safety
    ///
    /// `raw` must be inherited from the parent and owned by nothing else in this process.
    unsafe fn adopt_raw(raw: u64) -> Result<Self>;
}

/// An event handle of one backend.
pub(crate) trait EventOps: InheritOps + Send + Sync {
    /// Creates an event, or opens the live one of the same name.
    fn create(req: &EventRequest<'_>) -> Result<(Self, Disposition)>;
    /// Opens a live named event with `access` (generic rights already mapped; the request's
    /// own access is a section's and unused). The API layer checks the rights before each call.
    fn open(req: &OpenRequest<'_>, access: EventAccess) -> Result<Self>;
    /// Signals the event (`SetEvent`).
    fn set(&self) -> Result<()>;
    /// Clears the event (`ResetEvent`).
    fn reset(&self) -> Result<()>;
    /// Waits until the event is signaled or `timeout` passes (`WaitForSingleObject`); `true`
    /// when signaled.
    fn wait(&self, timeout: Option<std::time::Duration>) -> Result<bool>;
    /// A new handle to the same event with `access` (generic rights already mapped).
    fn duplicate(&self, access: EventAccess, inheritable: bool) -> Result<Self>;
    /// Whether the event stays signaled until reset.
    fn is_manual_reset(&self) -> bool;
    /// Releases the waiters a `set` would release, then leaves the event non-signaled
    /// (`PulseEvent`).
    fn pulse(&self) -> Result<()>;
}

/// A mutex handle of one backend. Ownership belongs to the calling thread, as on Windows.
pub(crate) trait MutexOps: InheritOps + Send + Sync {
    /// Creates a mutex, or opens the live one of the same name (then `initial_owner` is
    /// ignored).
    fn create(req: &SyncRequest<'_, MutexParams>) -> Result<(Self, Disposition)>;
    /// Opens a live named mutex with `access` (generic rights already mapped; the request's
    /// own access is a section's and unused). The API layer checks the rights before each call.
    fn open(req: &OpenRequest<'_>, access: u32) -> Result<Self>;
    /// Acquires the mutex (recursively if the calling thread owns it), or times out.
    fn wait(&self, timeout: Option<std::time::Duration>) -> Result<WaitOutcome>;
    /// Releases one level of the calling thread's ownership; `ERROR_NOT_OWNER` if it owns none.
    fn release(&self) -> Result<()>;
    /// A new handle to the same mutex with `access` (generic rights already mapped).
    fn duplicate(&self, access: u32, inheritable: bool) -> Result<Self>;
}

/// A semaphore handle of one backend.
pub(crate) trait SemaphoreOps: InheritOps + Send + Sync {
    /// Creates a semaphore, or opens the live one of the same name (then the counts given are
    /// ignored).
    fn create(req: &SyncRequest<'_, SemaphoreParams>) -> Result<(Self, Disposition)>;
    /// Opens a live named semaphore with `access`, as [`MutexOps::open`].
    fn open(req: &OpenRequest<'_>, access: u32) -> Result<Self>;
    /// Takes one unit of the count, or times out (`false`).
    fn wait(&self, timeout: Option<std::time::Duration>) -> Result<bool>;
    /// Adds `count` (at least 1) to the count and returns the previous count;
    /// `ERROR_TOO_MANY_POSTS` (and no change) if that would pass the maximum.
    fn release(&self, count: u32) -> Result<u32>;
    /// A new handle to the same semaphore with `access` (generic rights already mapped).
    fn duplicate(&self, access: u32, inheritable: bool) -> Result<Self>;
}

/// A mapped view of one backend.
pub(crate) trait ViewOps: Send + Sync {
    /// The first byte of the view.
    fn as_ptr(&self) -> *mut u8;
    /// The length that was asked for (or the rest of the section).
    fn len(&self) -> usize;
    /// Fails with [`ErrorKind::AccessDenied`](crate::ErrorKind::AccessDenied) unless the current
    /// protection of every page of `[offset, offset + len)` (inside the view, checked by the
    /// caller; see [`ViewOps::protect`]) allows reading, or writing.
    fn check_access(&self, offset: usize, len: usize, write: bool) -> Result<()>;
    /// Copies `buf.len()` bytes from `offset` of the view into `buf`; the caller checked with
    /// [`ViewOps::check_access`] that the range is readable. A page that cannot be read is
    /// [`ErrorKind::InPageError`](crate::ErrorKind::InPageError), never a signal, where the
    /// backend can tell.
    fn read_into(&self, offset: usize, buf: &mut [u8]) -> Result<()>;
    /// Copies `data` to `offset` of the view, as [`ViewOps::read_into`] (the range is writable).
    fn write_from(&self, offset: usize, data: &[u8]) -> Result<()>;
    /// Writes dirty pages of `[offset, offset + len)` back to a backing file; with `durable`, waits
    /// for them and for the file's data to reach the disk.
    fn flush(&self, offset: usize, len: usize, durable: bool) -> Result<()>;
    /// Commits the pages of `[offset, offset + len)` and gives them `protection`
    /// (`VirtualAlloc(MEM_COMMIT, protection)` on a view); the caller checked that the view
    /// allows `protection` (spec §6.2-6.3).
    fn commit(&self, offset: usize, len: usize, protection: ViewProtection) -> Result<()>;
    /// Gives the committed pages of `[offset, offset + len)` `protection` (`VirtualProtect`)
    /// and returns the protection the first of them had. The caller checked that the range is
    /// inside the view and committed, and that the view allows `protection` (spec §6.2).
    fn protect(
        &self,
        offset: usize,
        len: usize,
        protection: ViewProtection,
    ) -> Result<ViewProtection>;
    /// The protection of the page holding `offset` as `VirtualQuery` reports it (a written
    /// copy-on-write page reads as read-write, spec §5.5), and how many bytes from that page on,
    /// up to the end of the view's region, share it.
    fn protection_run(&self, offset: usize) -> Result<(ViewProtection, usize)>;
    /// Whether the page holding `offset` is committed, and how many bytes from that page on,
    /// up to the end of the view's region, share its state.
    fn committed_run(&self, offset: usize) -> Result<(bool, usize)>;
    /// Unmaps the view.
    fn unmap(self) -> Result<()>;
    /// Unmaps the view and leaves its range reserved (a placeholder,
    /// `MEM_PRESERVE_PLACEHOLDER`), owned by the caller from then on.
    fn unmap_to_placeholder(self) -> Result<()>;
}
