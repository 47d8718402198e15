//! Private memory: `VirtualAlloc` with an address outside every view (or NULL), `VirtualFree`,
//! and what `VirtualProtect` and `VirtualQuery` do on it (`MEM_PRIVATE`).
//!
//! An allocation is a `PROT_NONE`, `MAP_NORESERVE` anonymous mapping at a 64 KiB-aligned base
//! (the reservation); committing pages maps them again, accounted, with their protection (so a
//! first commit is zero-filled and takes commit charge, `ERROR_COMMITMENT_LIMIT` where the
//! system refuses it); committing committed pages only changes their protection, and keeps
//! their contents; decommitting maps them back to an unaccounted `PROT_NONE` reservation, which
//! drops their contents. The state of every page lives in a registry here: Linux can tell a
//! page's protection only through `/proc/self/maps`.
//!
//! `PAGE_GUARD` pages are inaccessible (`PROT_NONE`) and read back with the flag; Windows' one-
//! time guard exception is not emulated: touching such a page raises `SIGSEGV`. `PAGE_NOCACHE`
//! and `PAGE_WRITECOMBINE` are accepted and dropped, as Wine does.

#![allow(unsafe_code)]

use crate::error::Win32Error;
use crate::types::MEMORY_BASIC_INFORMATION;
use filemapping::{
    ERROR_COMMITMENT_LIMIT, ERROR_INVALID_ADDRESS, ERROR_INVALID_PARAMETER, ERROR_NOT_ENOUGH_MEMORY,
};
use std::collections::BTreeMap;
use std::ffi::c_void;
use std::sync::{Mutex, MutexGuard};

pub(crate) const PAGE_NOACCESS: u32 = 0x01;
const PAGE_GUARD: u32 = 0x100;
/// `PAGE_NOCACHE | PAGE_WRITECOMBINE`: accepted, not kept.
const CACHE_MODIFIERS: u32 = 0x600;
pub(crate) const MEM_COMMIT: u32 = 0x1000;
pub(crate) const MEM_RESERVE: u32 = 0x2000;
pub(crate) const MEM_PRIVATE: u32 = 0x2_0000;

/// The highest address of the user range (`GetSystemInfo`'s `lpMaximumApplicationAddress`).
pub(crate) const MAX_ADDRESS: usize = crate::system::MAX_ADDRESS;

/// One allocation: its reserved pages, each 0 (reserved) or its committed `PAGE_*` value.
struct Allocation {
    size: usize,
    protect: u32,
    pages: Vec<u32>,
    /// Whether the allocation replaced a placeholder (`VirtualAlloc2` with
    /// `MEM_REPLACE_PLACEHOLDER`), which `MEM_PRESERVE_PLACEHOLDER` gives back.
    placeholder: bool,
}

static ALLOCATIONS: Mutex<BTreeMap<usize, Allocation>> = Mutex::new(BTreeMap::new());

/// The registry, usable even if a thread panicked while holding it.
fn allocations() -> MutexGuard<'static, BTreeMap<usize, Allocation>> {
    ALLOCATIONS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn page() -> usize {
    filemapping::page_size()
}

fn invalid() -> Win32Error {
    Win32Error(ERROR_INVALID_PARAMETER)
}

fn not_ours() -> Win32Error {
    Win32Error(ERROR_INVALID_ADDRESS)
}

/// The base of the allocation that holds `addr`.
fn holder(all: &BTreeMap<usize, Allocation>, addr: usize) -> Option<usize> {
    let (&base, alloc) = all.range(..=addr).next_back()?;
    (addr - base < alloc.size).then_some(base)
}

/// Whether `addr` is inside private memory allocated here.
pub(crate) fn contains(addr: usize) -> bool {
    holder(&allocations(), addr).is_some()
}

/// The `PROT_*` value of a valid `PAGE_*` value for private memory (no copy-on-write), or
/// `None`.
pub(crate) fn prot_of(protect: u32) -> Option<libc::c_int> {
    let modifiers = protect & !0xFF;
    if modifiers & !(PAGE_GUARD | CACHE_MODIFIERS) != 0 {
        return None;
    }
    let (r, w, x) = match protect & 0xFF {
        0x01 if modifiers == 0 => (false, false, false),
        0x02 => (true, false, false),
        0x04 => (true, true, false),
        0x10 | 0x20 => (true, false, true),
        0x40 => (true, true, true),
        _ => return None,
    };
    if modifiers & PAGE_GUARD != 0 {
        return Some(libc::PROT_NONE);
    }
    let mut prot = libc::PROT_NONE;
    if r {
        prot |= libc::PROT_READ;
    }
    if w {
        prot |= libc::PROT_WRITE;
    }
    if x {
        prot |= libc::PROT_EXEC;
    }
    Some(prot)
}

/// The protection as it is kept and reported: without the cache modifiers.
fn kept(protect: u32) -> u32 {
    protect & !CACHE_MODIFIERS
}

fn os_failure(errno: i32) -> Win32Error {
    match errno {
        libc::ENOMEM => Win32Error(ERROR_COMMITMENT_LIMIT),
        _ => Win32Error(ERROR_NOT_ENOUGH_MEMORY),
    }
}

fn errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

/// Maps `[addr, addr + len)` of an allocation of ours again: committed with `prot` (accounted),
/// or, with `None`, reserved (`PROT_NONE`, unaccounted, contents dropped).
fn remap(addr: usize, len: usize, prot: Option<libc::c_int>) -> Result<(), Win32Error> {
    let (prot, extra) = match prot {
        Some(p) => (p, 0),
        None => (libc::PROT_NONE, libc::MAP_NORESERVE),
    };
    let flags = libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED | extra;
    // SAFETY: the range lies inside an allocation made here (callers hold the registry lock and
    // checked it), so MAP_FIXED replaces only our own pages; no Rust reference points into them.
    let ptr = unsafe { libc::mmap(addr as *mut c_void, len, prot, flags, -1, 0) };
    if ptr == libc::MAP_FAILED {
        return Err(os_failure(errno()));
    }
    Ok(())
}

/// `mprotect` of committed pages of ours.
fn reprotect(addr: usize, len: usize, prot: libc::c_int) -> Result<(), Win32Error> {
    // SAFETY: as in `remap`; changing the protection touches no Rust reference.
    if unsafe { libc::mprotect(addr as *mut c_void, len, prot) } != 0 {
        return Err(os_failure(errno()));
    }
    Ok(())
}

/// Reserves `[at, at + size)` (page-rounded) at a 64 KiB-aligned base: exactly at `at` rounded
/// down to 64 KiB, or where the system chooses. Returns the base.
fn reserve(at: Option<usize>, size: usize, protect: u32) -> Result<usize, Win32Error> {
    let granularity = filemapping::ALLOCATION_GRANULARITY;
    let (base, end) = match at {
        Some(addr) => {
            let base = addr / granularity * granularity;
            let end = addr.checked_add(size).ok_or_else(invalid)?;
            (Some(base), end - base)
        }
        None => (None, size),
    };
    let size = end.checked_add(page() - 1).ok_or_else(invalid)? / page() * page();
    if size > MAX_ADDRESS || base.is_some_and(|b| b + size > MAX_ADDRESS + 1) {
        return Err(invalid());
    }
    let base = reserve_range(base, size)?;
    register(base, size, protect, false);
    Ok(base)
}

/// Records the reserved range `[base, base + size)` as an allocation.
fn register(base: usize, size: usize, protect: u32, placeholder: bool) {
    allocations().insert(
        base,
        Allocation {
            size,
            protect: kept(protect),
            pages: vec![0; size / page()],
            placeholder,
        },
    );
}

/// Reserves `size` bytes (page-rounded, checked by the caller) of address space, `PROT_NONE`
/// and unaccounted: exactly at `base` (`ERROR_INVALID_ADDRESS` if the range is in use), or at
/// a 64 KiB-aligned address of the system's choosing. The caller registers the range.
pub(crate) fn reserve_range(base: Option<usize>, size: usize) -> Result<usize, Win32Error> {
    let granularity = filemapping::ALLOCATION_GRANULARITY;
    let flags = libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE;
    let base = match base {
        Some(base) => {
            // SAFETY: MAP_FIXED_NOREPLACE never replaces an existing mapping.
            let ptr = unsafe {
                libc::mmap(
                    base as *mut c_void,
                    size,
                    libc::PROT_NONE,
                    flags | libc::MAP_FIXED_NOREPLACE,
                    -1,
                    0,
                )
            };
            if ptr == libc::MAP_FAILED {
                return Err(match errno() {
                    libc::EEXIST => not_ours(),
                    e => os_failure(e),
                });
            }
            if ptr as usize != base {
                // A kernel that took the flag as a hint.
                // SAFETY: the mapping was just made here and nothing uses it.
                unsafe { libc::munmap(ptr, size) };
                return Err(not_ours());
            }
            base
        }
        None => {
            let span = size.checked_add(granularity).ok_or_else(invalid)?;
            // SAFETY: a fresh reservation at a kernel-chosen address replaces nothing.
            let ptr =
                unsafe { libc::mmap(std::ptr::null_mut(), span, libc::PROT_NONE, flags, -1, 0) };
            if ptr == libc::MAP_FAILED {
                return Err(Win32Error(ERROR_NOT_ENOUGH_MEMORY));
            }
            let start = ptr as usize;
            let base = start.div_ceil(granularity) * granularity;
            // SAFETY: both trimmed pieces are parts of the reservation just made, outside
            // `[base, base + size)`.
            unsafe {
                if base > start {
                    libc::munmap(ptr, base - start);
                }
                if start + span > base + size {
                    libc::munmap((base + size) as *mut c_void, start + span - base - size);
                }
            }
            base
        }
    };
    Ok(base)
}

/// The pages `[first, last)` of the allocation at `base` that `[addr, addr + size)` covers;
/// `ERROR_INVALID_ADDRESS` if the range leaves it.
fn span(
    base: usize,
    alloc: &Allocation,
    addr: usize,
    size: usize,
) -> Result<(usize, usize), Win32Error> {
    let end = addr.checked_add(size.max(1)).ok_or_else(not_ours)?;
    if end > base + alloc.size {
        return Err(not_ours());
    }
    let first = (addr - base) / page();
    let last = (end - base).div_ceil(page());
    Ok((first, last))
}

/// Commits `[addr, addr + size)` of an allocation with `protect`.
fn commit_in(addr: usize, size: usize, protect: u32) -> Result<usize, Win32Error> {
    let prot = prot_of(protect).ok_or_else(invalid)?;
    let mut all = allocations();
    let base = holder(&all, addr).ok_or_else(not_ours)?;
    let alloc = all.get_mut(&base).ok_or_else(not_ours)?;
    let (first, last) = span(base, alloc, addr, size)?;
    let mut i = first;
    while i < last {
        let fresh = alloc.pages[i] == 0;
        let mut j = i + 1;
        while j < last && (alloc.pages[j] == 0) == fresh {
            j += 1;
        }
        let (at, len) = (base + i * page(), (j - i) * page());
        if fresh {
            remap(at, len, Some(prot))?;
        } else {
            reprotect(at, len, prot)?;
        }
        for p in &mut alloc.pages[i..j] {
            *p = kept(protect);
        }
        i = j;
    }
    Ok(base + first * page())
}

/// `VirtualAlloc` outside views: reserve and/or commit.
pub(crate) fn alloc(
    addr: usize,
    size: usize,
    kind: u32,
    protect: u32,
) -> Result<usize, Win32Error> {
    const MEM_TOP_DOWN: u32 = 0x10_0000;
    let kind = kind & !MEM_TOP_DOWN;
    if size == 0 || kind & !(MEM_COMMIT | MEM_RESERVE) != 0 || kind == 0 {
        return Err(invalid());
    }
    prot_of(protect).ok_or_else(invalid)?;
    if kind & MEM_RESERVE == 0 && addr != 0 {
        return commit_in(addr, size, protect);
    }
    let base = reserve((addr != 0).then_some(addr), size, protect)?;
    if kind & MEM_COMMIT != 0 {
        let reserved = allocations().get(&base).map_or(0, |a| a.size);
        if let Err(e) = commit_in(base, reserved, protect) {
            let _ = release(base);
            return Err(e);
        }
    }
    Ok(base)
}

/// `VirtualFree(MEM_DECOMMIT)`: size 0 means the whole allocation, from its base only.
pub(crate) fn decommit(addr: usize, size: usize) -> Result<(), Win32Error> {
    let mut all = allocations();
    let base = holder(&all, addr).ok_or_else(invalid)?;
    let alloc = all.get_mut(&base).ok_or_else(not_ours)?;
    let (first, last) = if size == 0 {
        if addr != base {
            return Err(not_ours());
        }
        (0, alloc.pages.len())
    } else {
        span(base, alloc, addr, size)?
    };
    remap(base + first * page(), (last - first) * page(), None)?;
    for p in &mut alloc.pages[first..last] {
        *p = 0;
    }
    Ok(())
}

/// Makes the placeholder `[base, base + size)`, reserved and owned by the caller, private
/// memory (`VirtualAlloc2` with `MEM_REPLACE_PLACEHOLDER`), committed with `protect` if
/// `commit`.
pub(crate) fn adopt_placeholder(
    base: usize,
    size: usize,
    protect: u32,
    commit: bool,
) -> Result<(), Win32Error> {
    register(base, size, protect, true);
    if commit {
        commit_in(base, size, protect)?;
    }
    Ok(())
}

/// `VirtualFree(MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER)` of the whole allocation at `addr`,
/// which replaced a placeholder: its pages are reserved again, unaccounted, and the range is
/// returned as `(base, size)` for the caller to register as a placeholder.
pub(crate) fn release_to_placeholder(
    addr: usize,
    size: usize,
) -> Option<Result<(usize, usize), Win32Error>> {
    let mut all = allocations();
    let base = holder(&all, addr)?;
    let alloc = &all[&base];
    if base != addr || (size != 0 && size != alloc.size) || !alloc.placeholder {
        return Some(Err(invalid()));
    }
    let size = alloc.size;
    Some(remap(base, size, None).map(|()| {
        all.remove(&base);
        (base, size)
    }))
}

/// `VirtualFree(MEM_RELEASE)` of the allocation at `addr`, its base.
pub(crate) fn release(addr: usize) -> Result<(), Win32Error> {
    let mut all = allocations();
    let base = holder(&all, addr).ok_or_else(invalid)?;
    if base != addr {
        return Err(not_ours());
    }
    let size = all.get(&base).map_or(0, |a| a.size);
    // SAFETY: the allocation was made here, is forgotten below, and no Rust reference points
    // into it; the C caller gives it up by releasing it.
    unsafe { libc::munmap(base as *mut c_void, size) };
    all.remove(&base);
    Ok(())
}

/// `VirtualProtect` on private memory: every page must be committed; copy-on-write
/// protections are refused. Returns the old protection of the first page.
pub(crate) fn protect(addr: usize, size: usize, protect: u32) -> Option<Result<u32, Win32Error>> {
    let mut all = allocations();
    let base = holder(&all, addr)?;
    let alloc = all.get_mut(&base)?;
    Some((|| {
        let prot = prot_of(protect).ok_or_else(invalid)?;
        let (first, last) = span(base, alloc, addr, size)?;
        if alloc.pages[first..last].contains(&0) {
            return Err(not_ours());
        }
        reprotect(base + first * page(), (last - first) * page(), prot)?;
        let old = alloc.pages[first];
        for p in &mut alloc.pages[first..last] {
            *p = kept(protect);
        }
        Ok(old)
    })())
}

/// What `VirtualQuery` reports for `addr` inside private memory; `None` outside it.
pub(crate) fn query(addr: usize) -> Option<MEMORY_BASIC_INFORMATION> {
    let all = allocations();
    let base = holder(&all, addr)?;
    let alloc = &all[&base];
    let first = (addr - base) / page();
    let state = alloc.pages[first];
    let run = alloc.pages[first..]
        .iter()
        .take_while(|p| **p == state)
        .count();
    Some(MEMORY_BASIC_INFORMATION {
        BaseAddress: (base + first * page()) as *mut c_void,
        AllocationBase: base as *mut c_void,
        AllocationProtect: alloc.protect,
        PartitionId: 0,
        RegionSize: run * page(),
        State: if state == 0 { MEM_RESERVE } else { MEM_COMMIT },
        Protect: state,
        Type: MEM_PRIVATE,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserve_commit_decommit_release() {
        let base = alloc(0, 3 * page(), MEM_RESERVE, 0x04).unwrap();
        assert_eq!(base % filemapping::ALLOCATION_GRANULARITY, 0);
        assert_eq!(query(base).unwrap().State, MEM_RESERVE);
        assert_eq!(
            commit_in(base + page() + 1, 1, 0x02).unwrap(),
            base + page()
        );
        let info = query(base + page()).unwrap();
        assert_eq!(
            (info.State, info.Protect, info.RegionSize),
            (MEM_COMMIT, 0x02, page())
        );
        assert_eq!(
            protect(base + page(), 1, 0x08).unwrap().unwrap_err(),
            invalid()
        );
        assert_eq!(protect(base, 1, 0x04).unwrap().unwrap_err(), not_ours());
        decommit(base + page(), page()).unwrap();
        assert_eq!(query(base).unwrap().RegionSize, 3 * page());
        assert_eq!(release(base + page()).unwrap_err(), not_ours());
        release(base).unwrap();
        assert!(query(base).is_none());
    }

    #[test]
    fn protections_for_private_memory() {
        assert_eq!(prot_of(0x04), Some(libc::PROT_READ | libc::PROT_WRITE));
        assert_eq!(prot_of(0x104), Some(libc::PROT_NONE));
        assert_eq!(prot_of(0x204), Some(libc::PROT_READ | libc::PROT_WRITE));
        assert_eq!(prot_of(0x08), None);
        assert_eq!(prot_of(0x101), None);
        assert_eq!(prot_of(0), None);
    }
}
