//! `VirtualQuery`, `VirtualAlloc` and `VirtualFree` on views (spec §6).

#![allow(unsafe_code)]

use crate::boundary::{guard, to_bool, write_out};
use crate::error::Win32Error;
use crate::types::{BOOL, DWORD, MEMORY_BASIC_INFORMATION, SIZE_T};
use crate::views::{self, ViewEntry};
use filemapping::{
    ERROR_ACCESS_DENIED, ERROR_BAD_LENGTH, ERROR_INVALID_ADDRESS, ERROR_INVALID_PARAMETER,
    ERROR_NOT_SUPPORTED,
};
use std::ffi::c_void;
use std::mem::size_of;
use std::ptr::null_mut;

const PAGE_NOACCESS: u32 = 0x01;
const MEM_COMMIT: u32 = 0x1000;
const MEM_RESERVE: u32 = 0x2000;
const MEM_FREE: u32 = 0x1_0000;
const MEM_MAPPED: u32 = 0x4_0000;
const MEM_RESET: u32 = 0x8_0000;

fn page_floor(addr: usize) -> usize {
    addr / filemapping::page_size() * filemapping::page_size()
}

/// What `VirtualQuery` reports for `addr` (spec §6.1): the view's pages from the page of
/// `addr` to the view's end, or one free page if no view holds it (row 99).
fn query(addr: usize) -> MEMORY_BASIC_INFORMATION {
    let page = page_floor(addr);
    match views::find(addr) {
        Some(entry) => {
            let protect = entry.view.protection().to_raw();
            let rest = entry.base() + entry.view.region_size() - page;
            let (committed, run) = entry
                .view
                .committed_run(page - entry.base())
                .unwrap_or((true, rest));
            MEMORY_BASIC_INFORMATION {
                BaseAddress: page as *mut c_void,
                AllocationBase: entry.base() as *mut c_void,
                AllocationProtect: protect,
                PartitionId: 0,
                RegionSize: run,
                State: if committed { MEM_COMMIT } else { MEM_RESERVE },
                Protect: if committed { protect } else { 0 },
                Type: MEM_MAPPED,
            }
        }
        None => MEMORY_BASIC_INFORMATION {
            BaseAddress: page as *mut c_void,
            AllocationBase: null_mut(),
            AllocationProtect: 0,
            PartitionId: 0,
            RegionSize: filemapping::page_size(),
            State: MEM_FREE,
            Protect: PAGE_NOACCESS,
            Type: 0,
        },
    }
}

/// `(read, write, execute)` of a `PAGE_*` value for a protection change, where write-copy
/// counts as read and `PAGE_EXECUTE` as read and execute (spec §6.2).
fn page_rights(protect: u32) -> Option<(bool, bool, bool)> {
    Some(match protect {
        0x01 => (false, false, false),
        0x02 | 0x08 => (true, false, false),
        0x04 => (true, true, false),
        0x10 | 0x20 | 0x80 => (true, false, true),
        0x40 => (true, true, true),
        _ => return None,
    })
}

/// Whether pages of `entry` may take `protect` (spec §6.3, row 95).
fn compatible(entry: &ViewEntry, protect: u32) -> bool {
    let view = page_rights(entry.view.protection().to_raw()).unwrap_or_default();
    let Some(wanted) = page_rights(protect) else {
        return false;
    };
    (!wanted.0 || view.0) && (!wanted.1 || view.1) && (!wanted.2 || view.2)
}

/// `VirtualAlloc(MEM_COMMIT)` on `[addr, addr + size)` of a view (spec §6.3, rows 91-95).
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
    if !compatible(entry, protect) {
        return Err(Win32Error(ERROR_INVALID_PARAMETER));
    }
    let offset = start - entry.base();
    let len = (end - entry.base()).min(entry.view.len()) - offset;
    entry.view.commit(offset, len)?;
    Ok(start)
}

/// `VirtualAlloc` in safe Rust: only addresses inside views are supported.
fn alloc(addr: usize, size: usize, kind: u32, protect: u32) -> Result<*mut c_void, Win32Error> {
    if addr == 0 {
        return Err(Win32Error(ERROR_NOT_SUPPORTED));
    }
    let entry = views::find(addr).ok_or(Win32Error(ERROR_INVALID_ADDRESS))?;
    let start = match kind {
        MEM_COMMIT => commit(&entry, addr, size, protect)?,
        // Row 93: resetting view pages succeeds and changes nothing visible.
        MEM_RESET => page_floor(addr),
        // A view's range is reserved already.
        k if k & MEM_RESERVE != 0 => return Err(Win32Error(ERROR_INVALID_ADDRESS)),
        _ => return Err(Win32Error(ERROR_INVALID_PARAMETER)),
    };
    Ok(start as *mut c_void)
}

/// `VirtualFree` in safe Rust: view pages cannot be decommitted or released (spec §6.3, row
/// 92); other memory is not this library's.
fn free(addr: usize) -> Result<BOOL, Win32Error> {
    match views::find(addr) {
        Some(_) => Err(Win32Error(ERROR_INVALID_PARAMETER)),
        None => Err(Win32Error(ERROR_INVALID_ADDRESS)),
    }
}

/// Describes the pages at `lpAddress`: for a view, `BaseAddress` is the page of the address,
/// `AllocationBase` the view's start, `Type` `MEM_MAPPED`, `AllocationProtect` the view's
/// protection; `State` is `MEM_COMMIT` (with `Protect` the view's protection) or, for pages of a
/// `SEC_RESERVE` section not committed yet, `MEM_RESERVE` (with `Protect` 0), and `RegionSize`
/// the page-rounded extent of the pages in that state. Addresses outside every view report
/// `MEM_FREE`. Returns the number of bytes written, or 0.
///
/// # Platform notes
///
/// The library does not track which copy-on-write pages were written, nor the protection that
/// `VirtualAlloc(MEM_COMMIT)` asks for: committed pages read with the view's protection.
/// Memory that no view holds (heap, stacks) also reads as `MEM_FREE`.
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
        let info = query(lpAddress as usize);
        // SAFETY: NULL or valid for a whole structure (checked length), as the contract says.
        unsafe { write_out(lpBuffer, info) }?;
        Ok(size_of::<MEMORY_BASIC_INFORMATION>())
    })
}

/// Commits pages of a view (`MEM_COMMIT` with an address inside a view): for a `SEC_RESERVE`
/// section the pages are committed in the section, for every view in every process. Returns the
/// page-aligned start. Views of files fail with `ERROR_ACCESS_DENIED`; a protection the view
/// cannot take fails with `ERROR_INVALID_PARAMETER`. `MEM_RESET` on a view succeeds.
///
/// # Platform notes
///
/// Only view addresses are supported: a NULL address (a new private allocation) fails with
/// `ERROR_NOT_SUPPORTED`. A compatible `flProtect` does not change the pages' protection.
///
/// # Safety
///
/// No requirement: the address is only looked up.
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

/// Always fails: the pages of a view can be neither decommitted nor released
/// (`ERROR_INVALID_PARAMETER`; use `UnmapViewOfFile`), and other memory is not managed here
/// (`ERROR_INVALID_ADDRESS`).
///
/// # Safety
///
/// No requirement: the address is only looked up.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/memoryapi/nf-memoryapi-virtualfree>
#[no_mangle]
pub extern "C" fn VirtualFree(lpAddress: *mut c_void, dwSize: SIZE_T, dwFreeType: DWORD) -> BOOL {
    let _ = (dwSize, dwFreeType);
    guard(to_bool(false), || free(lpAddress as usize))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protection_changes_stay_within_the_view_spec_6_2() {
        assert_eq!(page_rights(0x08), page_rights(0x02));
        assert_eq!(page_rights(0x10), Some((true, false, true)));
        assert_eq!(page_rights(0x06), None);
    }

    #[test]
    fn free_memory_reports_mem_free() {
        let info = query(8);
        assert_eq!(info.State, MEM_FREE);
        assert_eq!(info.Protect, PAGE_NOACCESS);
        assert!(info.AllocationBase.is_null());
    }
}
