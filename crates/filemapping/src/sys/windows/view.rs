//! Views on Windows: `MapViewOfFileEx` results, unmapped on drop.

#![allow(unsafe_code)]

use super::handle::{last_error, Handle};
use crate::error::Result;
use crate::sys::ViewOps;
use std::sync::Arc;
use windows_sys::Win32::Storage::FileSystem::FlushFileBuffers;
use windows_sys::Win32::System::Memory::{
    FlushViewOfFile, UnmapViewOfFile, VirtualAlloc, VirtualQuery, MEMORY_BASIC_INFORMATION,
    MEMORY_MAPPED_VIEW_ADDRESS, MEM_COMMIT,
};

/// One mapped view.
#[derive(Debug)]
pub(crate) struct View {
    ptr: *mut u8,
    len: usize,
    /// The view's `PAGE_*` protection, which commits use.
    protect: u32,
    file: Option<Arc<Handle>>,
}

// SAFETY: a view is an address range valid in the whole process until it is unmapped in `Drop`;
// access goes through raw pointers and atomics only.
unsafe impl Send for View {}
// SAFETY: as for `Send`.
unsafe impl Sync for View {}

impl View {
    pub(crate) fn new(ptr: *mut u8, len: usize, protect: u32, file: Option<Arc<Handle>>) -> View {
        View {
            ptr,
            len,
            protect,
            file,
        }
    }
}

/// The page-rounded length of the view at `base`, for handles that cannot query the section's
/// size (they lack `SECTION_QUERY`).
pub(crate) fn region_size(base: *mut std::ffi::c_void) -> usize {
    query(base).map_or(0, |info| info.RegionSize)
}

/// `VirtualQuery` of the pages at `addr`; `None` if it fails.
fn query(addr: *const std::ffi::c_void) -> Option<MEMORY_BASIC_INFORMATION> {
    // SAFETY: all-zero is a valid value of this plain C struct.
    let mut info: MEMORY_BASIC_INFORMATION = unsafe { std::mem::zeroed() };
    let len = std::mem::size_of::<MEMORY_BASIC_INFORMATION>();
    // SAFETY: `info` is writable for `len` bytes; VirtualQuery accepts any address.
    let written = unsafe { VirtualQuery(addr, &mut info, len) };
    (written != 0).then_some(info)
}

impl ViewOps for View {
    fn as_ptr(&self) -> *mut u8 {
        self.ptr
    }

    fn len(&self) -> usize {
        self.len
    }

    // A file cannot be cut short while Windows maps it, so every page of a view can be read.
    fn read_into(&self, offset: usize, buf: &mut [u8]) -> Result<()> {
        // SAFETY: the caller checked that `[offset, offset + buf.len())` is inside this
        // readable view, which stays mapped while `self` is borrowed.
        unsafe { crate::sys::volatile::copy_from(self.ptr.add(offset), buf) };
        Ok(())
    }

    fn write_from(&self, offset: usize, data: &[u8]) -> Result<()> {
        // SAFETY: as in `read_into`, for a writable range.
        unsafe { crate::sys::volatile::copy_to(self.ptr.add(offset), data) };
        Ok(())
    }

    fn flush(&self, offset: usize, len: usize, durable: bool) -> Result<()> {
        // SAFETY: the range lies inside this view (checked by the caller).
        let ok = unsafe { FlushViewOfFile(self.ptr.add(offset).cast(), len) };
        if ok == 0 {
            return Err(last_error("FlushViewOfFile"));
        }
        match (&self.file, durable) {
            // SAFETY: the file handle is owned by the Arc.
            (Some(file), true) if unsafe { FlushFileBuffers(file.raw()) } == 0 => {
                Err(last_error("FlushFileBuffers"))
            }
            _ => Ok(()),
        }
    }

    fn commit(&self, offset: usize, len: usize) -> Result<()> {
        // SAFETY: the range lies inside this view (checked by the caller); VirtualAlloc only
        // changes the commit state of pages the view already maps.
        let ptr =
            unsafe { VirtualAlloc(self.ptr.add(offset).cast(), len, MEM_COMMIT, self.protect) };
        if ptr.is_null() {
            return Err(last_error("VirtualAlloc"));
        }
        Ok(())
    }

    fn committed_run(&self, offset: usize) -> Result<(bool, usize)> {
        // SAFETY: `offset` lies inside this view (checked by the caller).
        let at = unsafe { self.ptr.add(offset) };
        let info = query(at.cast()).ok_or_else(|| last_error("VirtualQuery"))?;
        Ok((info.State == MEM_COMMIT, info.RegionSize))
    }

    fn unmap(self) -> Result<()> {
        drop(self);
        Ok(())
    }
}

impl Drop for View {
    fn drop(&mut self) {
        let addr = MEMORY_MAPPED_VIEW_ADDRESS {
            Value: self.ptr.cast(),
        };
        // SAFETY: the view was mapped by MapViewOfFileEx and is unmapped exactly once.
        unsafe { UnmapViewOfFile(addr) };
    }
}
