//! Placeholders: `VirtualAlloc2`, `MapViewOfFile3`, `UnmapViewOfFile2` and
//! `UnmapViewOfFileEx`, and what `VirtualFree` and `VirtualQuery` do with placeholders. The
//! Windows way to put views side by side (a ring buffer: one section mapped twice, back to
//! back) with no moment in which another thread could take the range.
//!
//! A placeholder is a reserved range (`PROT_NONE`, unaccounted) that this module owns and
//! registers; `MapViewOfFile3` with `MEM_REPLACE_PLACEHOLDER` maps a view over it in one
//! `mmap(MAP_FIXED)`, and `UnmapViewOfFile2`/`UnmapViewOfFileEx` with
//! `MEM_PRESERVE_PLACEHOLDER` turn the view back into one in one step. Splitting and
//! coalescing (`VirtualFree` with `MEM_PRESERVE_PLACEHOLDER` / `MEM_COALESCE_PLACEHOLDERS`)
//! only change the registry: the range stays reserved throughout.

#![allow(unsafe_code)]

use crate::boundary::{guard, to_bool};
use crate::error::Win32Error;
use crate::private::{self, MEM_COMMIT, MEM_PRIVATE, MEM_RESERVE, PAGE_NOACCESS};
use crate::types::{BOOL, HANDLE, MEMORY_BASIC_INFORMATION, SIZE_T};
use crate::views::{self, ViewEntry};
use crate::{handles, mapping};
use filemapping::{
    FileMapAccess, ALLOCATION_GRANULARITY, ERROR_INVALID_ADDRESS, ERROR_INVALID_HANDLE,
    ERROR_INVALID_PARAMETER,
};
use std::collections::BTreeMap;
use std::ffi::c_void;
use std::ptr::null_mut;
use std::sync::{Arc, Mutex, MutexGuard};

pub(crate) const MEM_COALESCE_PLACEHOLDERS: u32 = 0x1;
pub(crate) const MEM_PRESERVE_PLACEHOLDER: u32 = 0x2;
const MEM_REPLACE_PLACEHOLDER: u32 = 0x4000;
const MEM_RESERVE_PLACEHOLDER: u32 = 0x4_0000;
const MEM_LARGE_PAGES: u32 = 0x2000_0000;
/// `UnmapViewOfFile2`'s `MEM_UNMAP_WITH_TRANSIENT_BOOST`: a scheduling hint, ignored.
const MEM_UNMAP_WITH_TRANSIENT_BOOST: u32 = 0x1;

/// The placeholders, by base: each one's size.
static PLACEHOLDERS: Mutex<BTreeMap<usize, usize>> = Mutex::new(BTreeMap::new());

/// The registry, usable even if a thread panicked while holding it.
fn placeholders() -> MutexGuard<'static, BTreeMap<usize, usize>> {
    PLACEHOLDERS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn invalid() -> Win32Error {
    Win32Error(ERROR_INVALID_PARAMETER)
}

fn aligned(n: usize) -> bool {
    n % ALLOCATION_GRANULARITY == 0
}

/// The placeholder that holds `addr`: its base and size.
fn holder(all: &BTreeMap<usize, usize>, addr: usize) -> Option<(usize, usize)> {
    let (&base, &size) = all.range(..=addr).next_back()?;
    (addr - base < size).then_some((base, size))
}

/// The process handle of the `*2`/`*3` calls: NULL or `GetCurrentProcess()`.
fn check_process(process: HANDLE) -> Result<(), Win32Error> {
    if process.is_null() || handles::is_current_process(process) {
        Ok(())
    } else {
        Err(Win32Error(ERROR_INVALID_HANDLE))
    }
}

/// Takes the placeholder that is exactly `[base, base + size)` out of the registry: the range
/// is the caller's to replace. `ERROR_INVALID_ADDRESS` if no placeholder starts at `base`,
/// `ERROR_INVALID_PARAMETER` if it has another size.
fn take(base: usize, size: usize) -> Result<(), Win32Error> {
    let mut all = placeholders();
    match all.get(&base) {
        None => Err(Win32Error(ERROR_INVALID_ADDRESS)),
        Some(&have) if have != size => Err(invalid()),
        Some(_) => {
            all.remove(&base);
            Ok(())
        }
    }
}

/// Registers `[base, base + size)`, reserved and owned by the caller, as a placeholder.
fn give_back(base: usize, size: usize) {
    placeholders().insert(base, size);
}

/// What `VirtualQuery` reports for `addr` inside a placeholder: reserved private memory.
pub(crate) fn query(addr: usize) -> Option<MEMORY_BASIC_INFORMATION> {
    let (base, size) = holder(&placeholders(), addr)?;
    let page = addr / filemapping::page_size() * filemapping::page_size();
    Some(MEMORY_BASIC_INFORMATION {
        BaseAddress: page as *mut c_void,
        AllocationBase: base as *mut c_void,
        AllocationProtect: PAGE_NOACCESS,
        PartitionId: 0,
        RegionSize: base + size - page,
        State: MEM_RESERVE,
        Protect: 0,
        Type: MEM_PRIVATE,
    })
}

/// `VirtualFree` of a placeholder or of private memory that replaced one; `None` if `kind`
/// has no placeholder flag and `addr` is not in a placeholder (then `VirtualFree` goes on).
pub(crate) fn free(addr: usize, size: usize, kind: u32) -> Option<Result<(), Win32Error>> {
    const MEM_RELEASE: u32 = 0x8000;
    let flags = kind & (MEM_PRESERVE_PLACEHOLDER | MEM_COALESCE_PLACEHOLDERS);
    let mut all = placeholders();
    let found = holder(&all, addr);
    if flags == 0 {
        let (base, size_of) = found?;
        // MEM_RELEASE of a whole placeholder gives the range back; nothing else applies.
        if kind != MEM_RELEASE || base != addr || (size != 0 && size != size_of) {
            return Some(Err(invalid()));
        }
        all.remove(&base);
        // SAFETY: the placeholder was reserved here and is forgotten above; nothing uses it.
        unsafe { libc::munmap(base as *mut c_void, size_of) };
        return Some(Ok(()));
    }
    if kind != MEM_RELEASE | flags || flags == MEM_PRESERVE_PLACEHOLDER | MEM_COALESCE_PLACEHOLDERS
    {
        return Some(Err(invalid()));
    }
    if flags == MEM_PRESERVE_PLACEHOLDER {
        let Some((base, whole)) = found else {
            drop(all);
            // Private memory that replaced a placeholder becomes one again.
            return Some(match private::release_to_placeholder(addr, size) {
                Some(Ok((base, size))) => {
                    give_back(base, size);
                    Ok(())
                }
                Some(Err(e)) => Err(e),
                None => Err(invalid()),
            });
        };
        // Split: `[addr, addr + size)` becomes a placeholder of its own.
        let end = addr.checked_add(size);
        if size == 0 || !aligned(addr) || !aligned(size) || end.map_or(true, |e| e > base + whole) {
            return Some(Err(invalid()));
        }
        if size == whole {
            return Some(Err(invalid()));
        }
        all.remove(&base);
        let end = addr + size;
        for (start, stop) in [(base, addr), (addr, end), (end, base + whole)] {
            if stop > start {
                all.insert(start, stop - start);
            }
        }
        return Some(Ok(()));
    }
    // Coalesce: the placeholders that exactly tile `[addr, addr + size)` become one.
    let Some(end) = addr.checked_add(size) else {
        return Some(Err(invalid()));
    };
    let mut at = addr;
    let mut parts = Vec::new();
    while at < end {
        match all.get(&at) {
            Some(&n) => {
                parts.push(at);
                at += n;
            }
            None => return Some(Err(invalid())),
        }
    }
    if at != end || parts.len() < 2 {
        return Some(Err(invalid()));
    }
    for part in parts {
        all.remove(&part);
    }
    all.insert(addr, size);
    Some(Ok(()))
}

/// The `FILE_MAP_*` access of a view protection (`MapViewOfFile3`'s `PageProtection`).
fn access_of(protection: u32) -> Result<u32, Win32Error> {
    const READ: u32 = 0x4;
    const WRITE: u32 = 0x2;
    const COPY: u32 = 0x1;
    const EXECUTE: u32 = 0x20;
    Ok(match protection {
        0x02 => READ,
        0x04 => READ | WRITE,
        0x08 => COPY,
        0x20 => READ | EXECUTE,
        0x40 => READ | WRITE | EXECUTE,
        0x80 => COPY | EXECUTE,
        _ => return Err(invalid()),
    })
}

/// `VirtualAlloc2` in safe Rust.
fn alloc2(addr: usize, size: usize, kind: u32, protect: u32) -> Result<usize, Win32Error> {
    if kind & MEM_RESERVE_PLACEHOLDER != 0 {
        if kind != MEM_RESERVE | MEM_RESERVE_PLACEHOLDER
            || protect != PAGE_NOACCESS
            || size == 0
            || !aligned(size)
            || !aligned(addr)
        {
            return Err(invalid());
        }
        let base = private::reserve_range((addr != 0).then_some(addr), size)?;
        give_back(base, size);
        return Ok(base);
    }
    if kind & MEM_REPLACE_PLACEHOLDER != 0 {
        let rest = kind & !(MEM_REPLACE_PLACEHOLDER | MEM_COMMIT);
        if rest != MEM_RESERVE || addr == 0 || private::prot_of(protect).is_none() {
            return Err(invalid());
        }
        take(addr, size)?;
        if let Err(e) = private::adopt_placeholder(addr, size, protect, kind & MEM_COMMIT != 0) {
            // The pages are reserved again as the placeholder they were.
            if let Some(Ok((base, size))) = private::release_to_placeholder(addr, 0) {
                give_back(base, size);
            }
            return Err(e);
        }
        return Ok(addr);
    }
    crate::memory::alloc(addr, size, kind, protect).map(|p| p as usize)
}

/// `MapViewOfFile3` in safe Rust.
fn map3(
    handle: HANDLE,
    base: usize,
    offset: u64,
    size: usize,
    kind: u32,
    protection: u32,
) -> Result<*mut c_void, Win32Error> {
    if kind & !(MEM_RESERVE | MEM_REPLACE_PLACEHOLDER | MEM_LARGE_PAGES) != 0 {
        return Err(invalid());
    }
    let access = access_of(protection)?;
    if kind & MEM_REPLACE_PLACEHOLDER == 0 {
        return mapping::map_view(handle, access, offset, size, base);
    }
    if base == 0 || size == 0 {
        return Err(invalid());
    }
    let object = handles::get(handle)?;
    let mapping = object.mapping()?;
    take(base, size)?;
    // SAFETY: `[base, base + size)` was a placeholder of this module, taken out of the registry
    // above: a reservation owned here that nothing uses.
    let view = unsafe {
        mapping
            .map
            .map_view_in_placeholder(FileMapAccess::from_bits(access), offset, size, base)
    };
    let view = match view {
        Ok(view) => view,
        Err(e) => {
            // The reservation is untouched: still a placeholder.
            give_back(base, size);
            return Err(e.into());
        }
    };
    let entry = ViewEntry {
        view,
        file_backed: mapping.file_backed,
        _pin: mapping.pin.clone(),
        file_path: mapping.file_path.clone(),
        placeholder: true,
        cache: crate::views::cache_modifier(&mapping.map),
    };
    Ok(views::insert(entry).cast())
}

/// `UnmapViewOfFile2`/`UnmapViewOfFileEx` in safe Rust.
fn unmap2(addr: usize, flags: u32) -> Result<BOOL, Win32Error> {
    if flags & !(MEM_PRESERVE_PLACEHOLDER | MEM_UNMAP_WITH_TRANSIENT_BOOST) != 0 {
        return Err(invalid());
    }
    if flags & MEM_PRESERVE_PLACEHOLDER == 0 {
        return mapping::unmap(addr);
    }
    match views::find(addr) {
        None => return Err(Win32Error(ERROR_INVALID_ADDRESS)),
        Some(entry) if !entry.placeholder => return Err(invalid()),
        Some(_) => {}
    }
    let mut entry = views::remove(addr).ok_or(Win32Error(ERROR_INVALID_ADDRESS))?;
    let (base, size) = (entry.base(), entry.view.region_size());
    // Other threads hold the entry only for the length of a call (a query or a flush).
    let entry = loop {
        match Arc::try_unwrap(entry) {
            Ok(entry) => break entry,
            Err(shared) => {
                entry = shared;
                std::thread::yield_now();
            }
        }
    };
    entry.view.unmap_to_placeholder()?;
    give_back(base, size);
    Ok(to_bool(true))
}

/// Reserves, commits or changes memory, as `VirtualAlloc`, and handles placeholders:
/// `MEM_RESERVE | MEM_RESERVE_PLACEHOLDER` (with `PAGE_NOACCESS`, a size and address that are
/// multiples of 64 KiB) reserves a placeholder, which `VirtualFree(MEM_RELEASE |
/// MEM_PRESERVE_PLACEHOLDER)` splits, `VirtualFree(MEM_RELEASE | MEM_COALESCE_PLACEHOLDERS)`
/// joins again, `MapViewOfFile3` or `VirtualAlloc2(MEM_RESERVE | MEM_REPLACE_PLACEHOLDER)`
/// replace, and `VirtualFree(MEM_RELEASE)` frees. `Process` is NULL or
/// `GetCurrentProcess()` (else `ERROR_INVALID_HANDLE`).
///
/// # Platform notes
///
/// The extended parameters (address requirements, NUMA node) are ignored.
///
/// # Safety
///
/// No requirement: memory is only ever placed where nothing is mapped, or in placeholders.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/memoryapi/nf-memoryapi-virtualalloc2>
#[no_mangle]
pub extern "C" fn VirtualAlloc2(
    Process: HANDLE,
    BaseAddress: *mut c_void,
    Size: SIZE_T,
    AllocationType: u32,
    PageProtection: u32,
    ExtendedParameters: *mut c_void,
    ParameterCount: u32,
) -> *mut c_void {
    let _ = (ExtendedParameters, ParameterCount);
    guard(null_mut(), || {
        check_process(Process)?;
        alloc2(BaseAddress as usize, Size, AllocationType, PageProtection).map(|p| p as *mut c_void)
    })
}

/// Maps a view of a file mapping with a page protection (`PAGE_READONLY`, `PAGE_READWRITE`,
/// `PAGE_WRITECOPY`, or an execute one), as `MapViewOfFileEx` with the matching `FILE_MAP_*`
/// access; with `MEM_REPLACE_PLACEHOLDER` the view replaces the placeholder that is exactly
/// `[BaseAddress, BaseAddress + ViewSize)` (`ERROR_INVALID_ADDRESS` if no placeholder starts
/// there, `ERROR_INVALID_PARAMETER` if it has another size). `Process` is NULL or
/// `GetCurrentProcess()`.
///
/// # Platform notes
///
/// The extended parameters are ignored; `MEM_RESERVE` and `MEM_LARGE_PAGES` are accepted and
/// map an ordinary view.
///
/// # Safety
///
/// No requirement: a view only ever replaces a placeholder of this layer.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/memoryapi/nf-memoryapi-mapviewoffile3>
#[no_mangle]
pub extern "C" fn MapViewOfFile3(
    FileMapping: HANDLE,
    Process: HANDLE,
    BaseAddress: *mut c_void,
    Offset: u64,
    ViewSize: SIZE_T,
    AllocationType: u32,
    PageProtection: u32,
    ExtendedParameters: *mut c_void,
    ParameterCount: u32,
) -> *mut c_void {
    let _ = (ExtendedParameters, ParameterCount);
    guard(null_mut(), || {
        check_process(Process)?;
        map3(
            FileMapping,
            BaseAddress as usize,
            Offset,
            ViewSize,
            AllocationType,
            PageProtection,
        )
    })
}

/// Unmaps the view that holds `BaseAddress`, as `UnmapViewOfFile`; with
/// `MEM_PRESERVE_PLACEHOLDER` a view that replaced a placeholder becomes that placeholder
/// again (any other view: `ERROR_INVALID_PARAMETER`). `MEM_UNMAP_WITH_TRANSIENT_BOOST` is
/// ignored. `Process` is NULL or `GetCurrentProcess()`.
///
/// # Safety
///
/// Nothing may use the view's memory after the call.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/memoryapi/nf-memoryapi-unmapviewoffile2>
#[no_mangle]
pub unsafe extern "C" fn UnmapViewOfFile2(
    Process: HANDLE,
    BaseAddress: *mut c_void,
    UnmapFlags: u32,
) -> BOOL {
    guard(to_bool(false), || {
        check_process(Process)?;
        unmap2(BaseAddress as usize, UnmapFlags)
    })
}

/// `UnmapViewOfFile2` in the current process.
///
/// # Safety
///
/// Nothing may use the view's memory after the call.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/memoryapi/nf-memoryapi-unmapviewoffileex>
#[no_mangle]
pub unsafe extern "C" fn UnmapViewOfFileEx(BaseAddress: *mut c_void, UnmapFlags: u32) -> BOOL {
    guard(to_bool(false), || unmap2(BaseAddress as usize, UnmapFlags))
}
