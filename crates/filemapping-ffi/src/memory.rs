//! `VirtualQuery`, `VirtualAlloc`, `VirtualFree` and `VirtualProtect`, on views (spec §6) and
//! on private memory (`VirtualAlloc` with an address outside every view).

#![allow(unsafe_code)]

use crate::boundary::{guard, to_bool, write_out};
use crate::error::Win32Error;
use crate::private::{self, MAX_ADDRESS, MEM_COMMIT, MEM_RESERVE, PAGE_NOACCESS};
use crate::types::{BOOL, DWORD, MEMORY_BASIC_INFORMATION, SIZE_T};
use crate::views::{self, ViewEntry};
use filemapping::{
    ViewProtection, ERROR_ACCESS_DENIED, ERROR_BAD_LENGTH, ERROR_INVALID_ADDRESS,
    ERROR_INVALID_PARAMETER, ERROR_NOACCESS, ERROR_NOT_SUPPORTED,
};
use std::ffi::c_void;
use std::mem::size_of;
use std::ptr::null_mut;

const PAGE_EXECUTE: u32 = 0x10;
const PAGE_GUARD: u32 = 0x100;
/// `PAGE_NOCACHE | PAGE_WRITECOMBINE`: accepted on views and dropped, as Wine does.
const CACHE_MODIFIERS: u32 = 0x600;
const MEM_DECOMMIT: u32 = 0x4000;
const MEM_RELEASE: u32 = 0x8000;
const MEM_FREE: u32 = 0x1_0000;
const MEM_MAPPED: u32 = 0x4_0000;
const MEM_IMAGE: u32 = 0x100_0000;
const MEM_RESET: u32 = 0x8_0000;

fn page_floor(addr: usize) -> usize {
    addr / filemapping::page_size() * filemapping::page_size()
}

/// What `VirtualQuery` reports for the view page of `addr` (spec §6.1): `State`, `Protect` and
/// `RegionSize` of the run of pages from that page on with the same state and protection.
fn query_view(entry: &ViewEntry, addr: usize) -> MEMORY_BASIC_INFORMATION {
    let page = page_floor(addr);
    let offset = page - entry.base();
    let allocation = entry.view.protection().to_raw();
    let rest = entry.view.region_size() - offset;
    let (committed, crun) = entry.view.committed_run(offset).unwrap_or((true, rest));
    let (protection, prun) = entry
        .view
        .protection_at(offset)
        .unwrap_or((entry.view.protection(), rest));
    MEMORY_BASIC_INFORMATION {
        BaseAddress: page as *mut c_void,
        AllocationBase: entry.base() as *mut c_void,
        AllocationProtect: allocation | entry.cache,
        PartitionId: 0,
        RegionSize: if committed { crun.min(prun) } else { crun },
        State: if committed { MEM_COMMIT } else { MEM_RESERVE },
        Protect: if committed {
            protection.to_raw() | entry.cache
        } else {
            0
        },
        Type: if entry.view.is_image() {
            MEM_IMAGE
        } else {
            MEM_MAPPED
        },
    }
}

/// What `VirtualQuery` reports for `addr`: a view's pages, private memory's, or one free page
/// if neither holds it (row 99); addresses above the user range are refused.
fn query(addr: usize) -> Result<MEMORY_BASIC_INFORMATION, Win32Error> {
    if addr > MAX_ADDRESS {
        return Err(Win32Error(ERROR_INVALID_PARAMETER));
    }
    if let Some(entry) = views::find(addr) {
        return Ok(query_view(&entry, addr));
    }
    if let Some(info) = private::query(addr) {
        return Ok(info);
    }
    if let Some(info) = crate::placeholder::query(addr) {
        return Ok(info);
    }
    Ok(MEMORY_BASIC_INFORMATION {
        BaseAddress: page_floor(addr) as *mut c_void,
        AllocationBase: null_mut(),
        AllocationProtect: 0,
        PartitionId: 0,
        RegionSize: filemapping::page_size(),
        State: MEM_FREE,
        Protect: PAGE_NOACCESS,
        Type: 0,
    })
}

/// The protection a view's pages take for `protect`: one of the seven view protections;
/// `PAGE_EXECUTE` counts as `PAGE_EXECUTE_READ` (spec §6.2), the cache modifiers are dropped.
/// `PAGE_GUARD` on views is not supported.
fn view_protection(protect: u32) -> Result<ViewProtection, Win32Error> {
    if protect & PAGE_GUARD != 0 {
        return Err(Win32Error(ERROR_NOT_SUPPORTED));
    }
    let base = protect & !CACHE_MODIFIERS;
    let base = if base == PAGE_EXECUTE { 0x20 } else { base };
    ViewProtection::from_raw(base).ok_or(Win32Error(ERROR_INVALID_PARAMETER))
}

/// The offset and length in `entry` of `[addr, addr + size)`, which must end inside the view.
fn view_range(entry: &ViewEntry, addr: usize, size: usize) -> Result<(usize, usize), Win32Error> {
    let offset = addr - entry.base();
    let end = offset
        .checked_add(size.max(1))
        .ok_or(Win32Error(ERROR_INVALID_PARAMETER))?;
    if end > entry.view.region_size() {
        return Err(Win32Error(ERROR_INVALID_PARAMETER));
    }
    // The last page may extend past the view's length: the library works in its bytes.
    Ok((
        offset,
        end.min(entry.view.len()).saturating_sub(offset).max(1),
    ))
}

/// `VirtualAlloc(MEM_COMMIT)` on `[addr, addr + size)` of a view (spec §6.3, rows 91-95): a
/// compatible protection is also a protection change.
fn commit(entry: &ViewEntry, addr: usize, size: usize, protect: u32) -> Result<usize, Win32Error> {
    let start = page_floor(addr);
    let end = addr
        .checked_add(size)
        .ok_or(Win32Error(ERROR_INVALID_ADDRESS))?;
    if size == 0 || end > entry.base() + entry.view.region_size() {
        return Err(Win32Error(ERROR_INVALID_ADDRESS));
    }
    if entry.file_backed == Some(true) {
        return Err(Win32Error(ERROR_ACCESS_DENIED));
    }
    let protection = view_protection(protect)?;
    if !entry.view.protection().allows_change_to(protection) {
        return Err(Win32Error(ERROR_INVALID_PARAMETER));
    }
    let offset = start - entry.base();
    let len = (end - entry.base()).min(entry.view.len()) - offset;
    entry.view.commit(offset, len)?;
    if protection != entry.view.protection() {
        // SAFETY: C code owns the view's accesses (the C contract of VirtualAlloc); the
        // porting layer itself never borrows from or copies through views.
        unsafe { entry.view.protect_shared(offset, len, protection) }?;
    }
    Ok(start)
}

/// `VirtualAlloc`: commits in a view, or reserves and commits private memory.
pub(crate) fn alloc(
    addr: usize,
    size: usize,
    kind: u32,
    protect: u32,
) -> Result<*mut c_void, Win32Error> {
    if addr != 0 {
        if let Some(entry) = views::find(addr) {
            let start = match kind {
                MEM_COMMIT => commit(&entry, addr, size, protect)?,
                // Row 93: resetting view pages succeeds and changes nothing visible.
                MEM_RESET => page_floor(addr),
                // A view's range is reserved already.
                k if k & MEM_RESERVE != 0 => return Err(Win32Error(ERROR_INVALID_ADDRESS)),
                _ => return Err(Win32Error(ERROR_INVALID_PARAMETER)),
            };
            return Ok(start as *mut c_void);
        }
        if kind == MEM_RESET {
            // The pages' contents may be discarded; keeping them is allowed.
            return if private::contains(addr) {
                Ok(page_floor(addr) as *mut c_void)
            } else {
                Err(Win32Error(ERROR_INVALID_ADDRESS))
            };
        }
    }
    Ok(private::alloc(addr, size, kind, protect)? as *mut c_void)
}

/// `VirtualFree`: view pages can be neither decommitted nor released (spec §6.3, row 92);
/// private memory is decommitted or released.
fn free(addr: usize, size: usize, kind: u32) -> Result<BOOL, Win32Error> {
    if views::find(addr).is_some() {
        return Err(Win32Error(ERROR_INVALID_PARAMETER));
    }
    if let Some(done) = crate::placeholder::free(addr, size, kind) {
        return done.map(|()| to_bool(true));
    }
    match kind {
        MEM_DECOMMIT => private::decommit(addr, size)?,
        MEM_RELEASE if size != 0 => return Err(Win32Error(ERROR_INVALID_PARAMETER)),
        MEM_RELEASE => private::release(addr)?,
        _ => return Err(Win32Error(ERROR_INVALID_PARAMETER)),
    }
    Ok(to_bool(true))
}

/// `VirtualProtect`: the pages of a view (spec §6.2) or of private memory.
fn protect(addr: usize, size: usize, new: u32) -> Result<u32, Win32Error> {
    if let Some(entry) = views::find(addr) {
        let protection = view_protection(new)?;
        let (offset, len) = view_range(&entry, addr, size)?;
        // SAFETY: as in `commit`: C code owns the accesses to the view's pages.
        let old = unsafe { entry.view.protect_shared(offset, len, protection) }?;
        return Ok(old.to_raw());
    }
    private::protect(addr, size, new).unwrap_or(Err(Win32Error(ERROR_INVALID_PARAMETER)))
}

/// Describes the pages at `lpAddress`. For a view, `BaseAddress` is the page of the address,
/// `AllocationBase` the view's start, `Type` `MEM_MAPPED`, `AllocationProtect` the view's
/// protection; `State` is `MEM_COMMIT` (with `Protect` the page's current protection, see
/// `VirtualProtect`) or, for pages of a `SEC_RESERVE` section not committed yet, `MEM_RESERVE`
/// (with `Protect` 0), and `RegionSize` the page-rounded extent of the pages with the same state
/// and protection. Private memory (`VirtualAlloc`) reports `MEM_PRIVATE` the same way.
/// Addresses outside both report `MEM_FREE`; addresses above the user range
/// (`lpMaximumApplicationAddress`) fail with `ERROR_INVALID_PARAMETER`. Returns the number of
/// bytes written, or 0.
///
/// # Platform notes
///
/// Memory that neither a view nor `VirtualAlloc` made (heap, stacks, libraries) reads as
/// `MEM_FREE`, one page at a time.
///
/// # Safety
///
/// `lpBuffer` is NULL or valid for writing `dwLength` bytes, aligned for
/// `MEMORY_BASIC_INFORMATION`.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/memoryapi/nf-memoryapi-virtualquery>
#[no_mangle]
pub unsafe extern "C" fn VirtualQuery(
    lpAddress: *const c_void,
    lpBuffer: *mut MEMORY_BASIC_INFORMATION,
    dwLength: SIZE_T,
) -> SIZE_T {
    guard(0, || {
        if dwLength < size_of::<MEMORY_BASIC_INFORMATION>() {
            return Err(Win32Error(ERROR_BAD_LENGTH));
        }
        let info = query(lpAddress as usize)?;
        // SAFETY: NULL or valid for a whole structure (checked length), as the contract says.
        unsafe { write_out(lpBuffer, info) }?;
        Ok(size_of::<MEMORY_BASIC_INFORMATION>())
    })
}

/// Reserves or commits memory. With `lpAddress` NULL or outside every view: private memory
/// (`MEM_RESERVE`, `MEM_COMMIT` or both) at a 64 KiB-aligned base, page-rounded; committing
/// pages of a reservation zero-fills them the first time and keeps their contents after.
/// With an address inside a view, `MEM_COMMIT` commits its pages (for a `SEC_RESERVE` section,
/// in the section, for every view in every process) and gives them `flProtect`; views of files
/// fail with `ERROR_ACCESS_DENIED`, a protection the view cannot take with
/// `ERROR_INVALID_PARAMETER`. `MEM_RESET` succeeds. Returns the page-aligned start, or NULL.
///
/// # Platform notes
///
/// `PAGE_GUARD` pages of private memory cannot be touched at all (`SIGSEGV`, where Windows
/// raises a one-time guard exception); on views `PAGE_GUARD` fails with
/// `ERROR_NOT_SUPPORTED`. `PAGE_NOCACHE` and `PAGE_WRITECOMBINE` are accepted and not reported
/// back. `PAGE_EXECUTE` on a view reads back as `PAGE_EXECUTE_READ`. `MEM_TOP_DOWN` is ignored;
/// `MEM_WRITE_WATCH`, `MEM_LARGE_PAGES` and `MEM_PHYSICAL` fail with `ERROR_INVALID_PARAMETER`.
///
/// # Safety
///
/// No requirement: the address is only looked up, and private memory is only ever placed
/// where nothing is mapped.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/memoryapi/nf-memoryapi-virtualalloc>
#[no_mangle]
pub extern "C" fn VirtualAlloc(
    lpAddress: *mut c_void,
    dwSize: SIZE_T,
    flAllocationType: DWORD,
    flProtect: DWORD,
) -> *mut c_void {
    guard(null_mut(), || {
        alloc(lpAddress as usize, dwSize, flAllocationType, flProtect)
    })
}

/// Decommits (`MEM_DECOMMIT`) or releases (`MEM_RELEASE`, size 0 and the allocation's base)
/// private memory. The pages of a view can be neither (`ERROR_INVALID_PARAMETER`; use
/// `UnmapViewOfFile`).
///
/// # Safety
///
/// Nothing uses the decommitted or released pages afterwards (they are the caller's, as on
/// Windows).
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/memoryapi/nf-memoryapi-virtualfree>
#[no_mangle]
pub extern "C" fn VirtualFree(lpAddress: *mut c_void, dwSize: SIZE_T, dwFreeType: DWORD) -> BOOL {
    guard(to_bool(false), || {
        free(lpAddress as usize, dwSize, dwFreeType)
    })
}

/// Changes the protection of the committed pages of `[lpAddress, lpAddress + dwSize)` (whole
/// pages) and stores the protection the first page had in `*lpflOldProtect`. On a view the new
/// protection may only take rights the view has, where `PAGE_WRITECOPY` counts as reading
/// (spec §6.2): a read-only view may become copy-on-write, then be written privately; a
/// copy-on-write page once written reads back as `PAGE_READWRITE`. Private memory takes any
/// protection but the copy-on-write ones. Fails with `ERROR_NOACCESS` if `lpflOldProtect` is
/// NULL (nothing changes), `ERROR_INVALID_PARAMETER` for a protection the pages cannot take or
/// a range past the view, `ERROR_INVALID_ADDRESS` if a page is not committed.
///
/// # Platform notes
///
/// As for `VirtualAlloc`: `PAGE_GUARD` on views fails with `ERROR_NOT_SUPPORTED`, and on private
/// memory cannot be touched at all.
///
/// # Safety
///
/// `lpflOldProtect` is NULL or valid for writing a `DWORD`; nothing touches the pages in a way
/// their new protection denies (as on Windows, where it would fault).
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/memoryapi/nf-memoryapi-virtualprotect>
#[no_mangle]
pub unsafe extern "C" fn VirtualProtect(
    lpAddress: *mut c_void,
    dwSize: SIZE_T,
    flNewProtect: DWORD,
    lpflOldProtect: *mut DWORD,
) -> BOOL {
    guard(to_bool(false), || {
        if lpflOldProtect.is_null() {
            return Err(Win32Error(ERROR_NOACCESS));
        }
        let old = protect(lpAddress as usize, dwSize, flNewProtect)?;
        // SAFETY: not NULL, and valid for a DWORD as the contract says.
        unsafe { write_out(lpflOldProtect, old) }?;
        Ok(to_bool(true))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn view_protections_spec_6_2() {
        assert_eq!(view_protection(0x10), Ok(ViewProtection::ExecuteRead));
        assert_eq!(view_protection(0x204), Ok(ViewProtection::ReadWrite));
        assert_eq!(view_protection(0x104), Err(Win32Error(ERROR_NOT_SUPPORTED)));
        assert_eq!(
            view_protection(0x06),
            Err(Win32Error(ERROR_INVALID_PARAMETER))
        );
    }

    #[test]
    fn free_memory_reports_mem_free() {
        let info = query(8).unwrap();
        assert_eq!(info.State, MEM_FREE);
        assert_eq!(info.Protect, PAGE_NOACCESS);
        assert!(info.AllocationBase.is_null());
    }

    #[test]
    fn addresses_above_the_user_range_are_refused() {
        assert!(query(MAX_ADDRESS).is_ok());
        assert_eq!(
            query(MAX_ADDRESS + 1).unwrap_err(),
            Win32Error(ERROR_INVALID_PARAMETER)
        );
        assert_eq!(
            query(usize::MAX).unwrap_err(),
            Win32Error(ERROR_INVALID_PARAMETER)
        );
    }
}
