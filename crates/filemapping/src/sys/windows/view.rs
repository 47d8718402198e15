//! Views on Windows: `MapViewOfFileEx` results, unmapped on drop.

#![allow(unsafe_code)]

use super::handle::{last_error, Handle};
use crate::error::Result;
use crate::protection::ViewProtection;
use crate::sys::ViewOps;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use windows_sys::Win32::Storage::FileSystem::FlushFileBuffers;
use windows_sys::Win32::System::Memory::{
    FlushViewOfFile, UnmapViewOfFile, UnmapViewOfFile2, VirtualAlloc, VirtualProtect, VirtualQuery,
    MEMORY_BASIC_INFORMATION, MEMORY_MAPPED_VIEW_ADDRESS, MEM_COMMIT, MEM_PRESERVE_PLACEHOLDER,
};
use windows_sys::Win32::System::Threading::GetCurrentProcess;

/// The page of every Windows target (x86, x86-64 and ARM64 all have 4 KiB pages).
const PAGE: usize = 4096;

/// One mapped view.
#[derive(Debug)]
pub(crate) struct View {
    ptr: *mut u8,
    len: usize,
    /// The view's `PAGE_*` protection.
    protect: u32,
    file: Option<Arc<Handle>>,
    /// Whether the view's pages come from a file (or may: the section could not be queried),
    /// so that a page can fail to come in and the copies go through the kernel.
    from_file: bool,
    /// Set once a page's protection changed, and from the start where pages may differ from
    /// the view's protection (see [`View::new`]): copies then ask Windows for each page's.
    changed: AtomicBool,
}

// SAFETY: a view is an address range valid in the whole process until it is unmapped in `Drop`;
// access goes through raw pointers and atomics only.
unsafe impl Send for View {}
// SAFETY: as for `Send`.
unsafe impl Sync for View {}

impl View {
    /// The view at `ptr`. Unless its pages are `uniform` (every one committed with the view's
    /// protection: a `SEC_COMMIT` or file section), copies ask Windows for each page first, as
    /// an access to a reserved page of a `SEC_RESERVE` section, or to a page of an image that
    /// its section's protection forbids, would raise an access violation. Where the pages come
    /// `from_file`, the copies go through the kernel (see [`super::copy`]).
    pub(crate) fn new(
        ptr: *mut u8,
        len: usize,
        protect: u32,
        file: Option<Arc<Handle>>,
        pages: Pages,
    ) -> View {
        View {
            ptr,
            len,
            protect,
            file,
            from_file: pages.from_file,
            changed: AtomicBool::new(!pages.uniform),
        }
    }

    /// The view's protection as the library names it.
    fn protection(&self) -> ViewProtection {
        ViewProtection::from_raw(self.protect).unwrap_or(ViewProtection::NoAccess)
    }
}

/// What a view's pages are, as its section tells.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Pages {
    /// Every page is committed with the view's protection (see [`View::new`]).
    pub(crate) uniform: bool,
    /// The pages come from a file, or may.
    pub(crate) from_file: bool,
}

/// The protection of a `PAGE_*` value Windows reports, without its modifiers; a guard page
/// (or one of no known protection) counts as no access.
fn from_reported(raw: u32) -> ViewProtection {
    const GUARD: u32 = 0x100;
    if raw & GUARD != 0 {
        return ViewProtection::NoAccess;
    }
    ViewProtection::from_raw(raw & 0xFF).unwrap_or(ViewProtection::NoAccess)
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

    fn check_access(&self, offset: usize, len: usize, write: bool) -> Result<()> {
        let allowed = |p| crate::sys::allows(p, write);
        if !self.changed.load(Ordering::Acquire) {
            let p = self.protection();
            return if allowed(p) {
                Ok(())
            } else {
                Err(crate::sys::denied(offset, p, write))
            };
        }
        let end = offset + len.max(1);
        let mut at = offset;
        while at < end {
            // SAFETY: `at` lies inside this view (checked by the caller).
            let addr = unsafe { self.ptr.add(at) };
            let info = query(addr.cast()).ok_or_else(|| last_error("VirtualQuery"))?;
            let p = from_reported(info.Protect);
            if info.State != MEM_COMMIT {
                return Err(crate::sys::reserved(at / PAGE * PAGE));
            }
            if !allowed(p) {
                return Err(crate::sys::denied(at, p, write));
            }
            at = info.BaseAddress as usize + info.RegionSize - self.ptr as usize;
        }
        Ok(())
    }

    // A page of the paging file always comes in; a page of a file may not (an I/O error, a
    // share or disk gone), and a plain access would then raise EXCEPTION_IN_PAGE_ERROR.
    fn read_into(&self, offset: usize, buf: &mut [u8]) -> Result<()> {
        // SAFETY: the caller checked that `[offset, offset + buf.len())` is inside this
        // readable view, which stays mapped while `self` is borrowed.
        let src = unsafe { self.ptr.add(offset) };
        if self.from_file {
            // SAFETY: as above.
            return unsafe { super::copy::read(src, buf) };
        }
        // SAFETY: as above; the paging file is taken to supply every page.
        unsafe { crate::sys::volatile::copy_from(src, buf) };
        Ok(())
    }

    fn write_from(&self, offset: usize, data: &[u8]) -> Result<()> {
        // SAFETY: as in `read_into`, for a writable range.
        let dst = unsafe { self.ptr.add(offset) };
        if self.from_file {
            // SAFETY: as above; the view is shared memory, never a Rust reference.
            return unsafe { super::copy::write(dst, data) };
        }
        // SAFETY: as above; the paging file is taken to supply every page.
        unsafe { crate::sys::volatile::copy_to(dst, data) };
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

    fn commit(&self, offset: usize, len: usize, protection: ViewProtection) -> Result<()> {
        let raw = protection.to_raw();
        if raw != self.protect {
            self.changed.store(true, Ordering::Release);
        }
        // SAFETY: the range lies inside this view (checked by the caller); VirtualAlloc only
        // changes the commit state and protection of pages the view already maps.
        let ptr = unsafe { VirtualAlloc(self.ptr.add(offset).cast(), len, MEM_COMMIT, raw) };
        if ptr.is_null() {
            return Err(last_error("VirtualAlloc"));
        }
        Ok(())
    }

    fn protect(
        &self,
        offset: usize,
        len: usize,
        protection: ViewProtection,
    ) -> Result<ViewProtection> {
        self.changed.store(true, Ordering::Release);
        let mut old = 0u32;
        // SAFETY: the range lies inside this view (checked by the caller); the callers'
        // contract says nothing uses pages that lose access; `old` is writable.
        let ok = unsafe {
            VirtualProtect(
                self.ptr.add(offset).cast(),
                len,
                protection.to_raw(),
                &mut old,
            )
        };
        if ok == 0 {
            return Err(last_error("VirtualProtect"));
        }
        Ok(from_reported(old))
    }

    fn protection_run(&self, offset: usize) -> Result<(ViewProtection, usize)> {
        // SAFETY: `offset` lies inside this view (checked by the caller).
        let at = unsafe { self.ptr.add(offset) };
        let info = query(at.cast()).ok_or_else(|| last_error("VirtualQuery"))?;
        let protection = if info.State == MEM_COMMIT {
            from_reported(info.Protect)
        } else {
            self.protection()
        };
        Ok((protection, info.RegionSize))
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

    fn unmap_to_placeholder(mut self) -> Result<()> {
        let addr = MEMORY_MAPPED_VIEW_ADDRESS {
            Value: self.ptr.cast(),
        };
        // SAFETY: the view was mapped into a placeholder and is unmapped exactly once: the
        // drop below sees a null pointer.
        if unsafe { UnmapViewOfFile2(GetCurrentProcess(), addr, MEM_PRESERVE_PLACEHOLDER) } == 0 {
            return Err(last_error("UnmapViewOfFile2"));
        }
        self.ptr = std::ptr::null_mut();
        Ok(())
    }
}

impl Drop for View {
    fn drop(&mut self) {
        let addr = MEMORY_MAPPED_VIEW_ADDRESS {
            Value: self.ptr.cast(),
        };
        if !self.ptr.is_null() {
            // SAFETY: the view was mapped by MapViewOfFileEx and is unmapped exactly once.
            unsafe { UnmapViewOfFile(addr) };
        }
    }
}
