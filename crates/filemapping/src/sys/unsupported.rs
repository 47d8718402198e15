//! A stub backend for platforms without an implementation yet: every constructor fails with
//! [`ErrorKind::Unsupported`], so dependent crates still build there.

#![allow(unsafe_code)]

use crate::error::{Error, ErrorKind, Result};
use crate::protection::{FileMapAccess, ViewProtection};
use crate::sys::{
    CreateRequest, EventOps, EventRequest, InheritOps, MapRequest, OpenRequest, SectionOps, ViewOps,
};
use crate::types::{Disposition, SectionInfo};

/// The default namespace root (unused).
pub(crate) const DEFAULT_ROOT: &str = "";

/// Whether this backend emulates the Windows checks (else the OS makes them).
pub(crate) const EMULATED: bool = true;

/// The page size assumed where the OS is not asked.
pub(crate) fn page_size() -> usize {
    4096
}

/// No large pages here.
pub(crate) fn large_page_size() -> usize {
    0
}

fn unsupported() -> Error {
    Error::new(
        ErrorKind::Unsupported,
        "file mappings are not implemented on this platform yet",
    )
}

/// Nothing to list.
pub(crate) fn list(_: &std::path::Path, _: crate::name::Scope) -> Result<Vec<crate::types::Entry>> {
    Err(unsupported())
}

/// Nothing to remove.
pub(crate) fn clean(_: &std::path::Path, _: crate::name::Scope) -> Result<crate::types::Cleanup> {
    Err(unsupported())
}

/// Uninhabited: no section can exist here.
#[derive(Debug)]
pub(crate) enum Section {}

/// Uninhabited: no view can exist here.
#[derive(Debug)]
pub(crate) enum View {}

impl SectionOps for Section {
    type View = View;
    fn create(_: &CreateRequest<'_>) -> Result<(Section, Disposition)> {
        Err(unsupported())
    }
    fn open(_: &OpenRequest<'_>) -> Result<Section> {
        Err(unsupported())
    }
    fn duplicate(&self, _: FileMapAccess, _: bool) -> Result<Section> {
        match *self {}
    }
    fn info(&self) -> &SectionInfo {
        match *self {}
    }
    fn access(&self) -> FileMapAccess {
        match *self {}
    }
    fn handle_count(&self) -> Result<u64> {
        match *self {}
    }
    fn holder_pids(&self) -> Vec<u32> {
        match *self {}
    }
    fn map(&self, _: &MapRequest) -> Result<View> {
        match *self {}
    }
    fn map_ring(&self, _: &MapRequest) -> Result<(View, View)> {
        match *self {}
    }
    fn inherit_token(&self) -> Option<String> {
        match *self {}
    }
    unsafe fn adopt(_: &str) -> Result<Section> {
        Err(unsupported())
    }
    fn close(self) -> Result<()> {
        match self {}
    }
}

impl ViewOps for View {
    fn as_ptr(&self) -> *mut u8 {
        match *self {}
    }
    fn len(&self) -> usize {
        match *self {}
    }
    fn check_access(&self, _: usize, _: usize, _: bool) -> Result<()> {
        match *self {}
    }
    fn read_into(&self, _: usize, _: &mut [u8]) -> Result<()> {
        match *self {}
    }
    fn write_from(&self, _: usize, _: &[u8]) -> Result<()> {
        match *self {}
    }
    fn flush(&self, _: usize, _: usize, _: bool) -> Result<()> {
        match *self {}
    }
    fn commit(&self, _: usize, _: usize, _: ViewProtection) -> Result<()> {
        match *self {}
    }
    fn protect(&self, _: usize, _: usize, _: ViewProtection) -> Result<ViewProtection> {
        match *self {}
    }
    fn protection_run(&self, _: usize) -> Result<(ViewProtection, usize)> {
        match *self {}
    }
    fn committed_run(&self, _: usize) -> Result<(bool, usize)> {
        match *self {}
    }
    fn unmap(self) -> Result<()> {
        match self {}
    }
    fn unmap_to_placeholder(self) -> Result<()> {
        match self {}
    }
}

/// Uninhabited: no event can exist here.
#[derive(Debug)]
pub(crate) enum Event {}

impl InheritOps for Event {
    fn inherit_raw(&self) -> Option<u64> {
        match *self {}
    }
    unsafe fn adopt_raw(_: u64) -> Result<Event> {
        Err(unsupported())
    }
}

impl EventOps for Event {
    fn create(_: &EventRequest<'_>) -> Result<(Event, Disposition)> {
        Err(unsupported())
    }
    fn open(_: &OpenRequest<'_>, _: crate::protection::EventAccess) -> Result<Event> {
        Err(unsupported())
    }
    fn set(&self) -> Result<()> {
        match *self {}
    }
    fn reset(&self) -> Result<()> {
        match *self {}
    }
    fn wait(&self, _: Option<std::time::Duration>) -> Result<bool> {
        match *self {}
    }
    fn duplicate(&self, _: crate::protection::EventAccess, _: bool) -> Result<Event> {
        match *self {}
    }
    fn is_manual_reset(&self) -> bool {
        match *self {}
    }
    fn pulse(&self) -> Result<()> {
        match *self {}
    }
}

/// No object can be waited for here.
pub(crate) fn wait_multiple(
    _: &[crate::sys::WaitRef<'_>],
    _: bool,
    _: Option<std::time::Duration>,
) -> Result<crate::sys::MultiOutcome> {
    Err(unsupported())
}

/// No object can be signaled here.
pub(crate) fn signal_and_wait(
    _: crate::sys::WaitRef<'_>,
    _: crate::sys::WaitRef<'_>,
    _: Option<std::time::Duration>,
) -> Result<crate::sys::MultiOutcome> {
    Err(unsupported())
}

/// No mutex can be made here.
#[derive(Debug)]
pub(crate) enum Mutex {}

impl InheritOps for Mutex {
    fn inherit_raw(&self) -> Option<u64> {
        match *self {}
    }
    unsafe fn adopt_raw(_: u64) -> Result<Mutex> {
        Err(unsupported())
    }
}

impl crate::sys::MutexOps for Mutex {
    fn create(
        _: &crate::sys::SyncRequest<'_, crate::sys::MutexParams>,
    ) -> Result<(Mutex, Disposition)> {
        Err(unsupported())
    }
    fn open(_: &OpenRequest<'_>, _: u32) -> Result<Mutex> {
        Err(unsupported())
    }
    fn wait(&self, _: Option<std::time::Duration>) -> Result<crate::types::WaitOutcome> {
        match *self {}
    }
    fn release(&self) -> Result<()> {
        match *self {}
    }
    fn duplicate(&self, _: u32, _: bool) -> Result<Mutex> {
        match *self {}
    }
}

/// No semaphore can be made here.
#[derive(Debug)]
pub(crate) enum Semaphore {}

impl InheritOps for Semaphore {
    fn inherit_raw(&self) -> Option<u64> {
        match *self {}
    }
    unsafe fn adopt_raw(_: u64) -> Result<Semaphore> {
        Err(unsupported())
    }
}

impl crate::sys::SemaphoreOps for Semaphore {
    fn create(
        _: &crate::sys::SyncRequest<'_, crate::sys::SemaphoreParams>,
    ) -> Result<(Semaphore, Disposition)> {
        Err(unsupported())
    }
    fn open(_: &OpenRequest<'_>, _: u32) -> Result<Semaphore> {
        Err(unsupported())
    }
    fn wait(&self, _: Option<std::time::Duration>) -> Result<bool> {
        match *self {}
    }
    fn release(&self, _: u32) -> Result<u32> {
        match *self {}
    }
    fn duplicate(&self, _: u32, _: bool) -> Result<Semaphore> {
        match *self {}
    }
}
