//! Views: `mmap`s placed at 64 KiB-aligned addresses, with page-rounded lengths (spec §5.4).
//! Where huge pages can back a view, its address is also congruent to its file offset modulo
//! the huge page size, so that the kernel can map whole huge pages (PMD mappings); a
//! large-page view's pages are its huge pages.

#![allow(unsafe_code)]

use super::errors::{grow_error, os_error, Storage};
use super::reserve::{Commits, Known, Pages};
use super::{copy, fd};
use crate::error::{Error, ErrorKind, Result};
use crate::granularity::ALLOCATION_GRANULARITY;
use crate::protection::ViewProtection;
use crate::sys::ViewOps;
use std::os::unix::fs::FileExt;
use std::os::unix::io::{AsRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// One mapped view. It owns its pages and unmaps them on drop.
#[derive(Debug)]
pub(crate) struct View {
    ptr: *mut u8,
    len: usize,
    region: usize,
    /// The view's page: the system's page, or the huge page of a large-page view (protections
    /// and lengths are whole pages of it).
    page: usize,
    store: Store,
    /// Whether every page of the view can always be read and written ([`DIRECT`]), or a copy
    /// must be guarded ([`GUARDED`]); [`UNKNOWN`] until the first copy asks.
    pages: AtomicU8,
    /// The protection the view was mapped with (its `AllocationProtect`).
    protection: ViewProtection,
    /// The offset in the descriptor where the view's first page is mapped.
    fd_offset: i64,
    /// How committed pages are told from reserved ones (`SEC_RESERVE`), and the pages seen
    /// committed.
    commits: Commits,
    known: Known,
    /// Set (before the table) once a page's protection changed: copies then check each page.
    changed: AtomicBool,
    /// The protection of each page, once one changed (`VirtualProtect`, spec §6.2); `None`
    /// while every page has the view's. Linux can tell a page's protection only through
    /// `/proc/self/maps`, so the view keeps its own table.
    table: Mutex<Option<Vec<Page>>>,
}

/// What the view knows of one of its pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Page {
    /// The protection last given to the page.
    protection: ViewProtection,
    /// Whether the page is mapped `MAP_PRIVATE` (copy-on-write): it was, or is, `WriteCopy`.
    private: bool,
}

/// How a protection change treats a run of pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Change {
    /// `mprotect`: the pages stay mapped as they are.
    Protect,
    /// Map the pages again, `MAP_PRIVATE`, at the same address: they become copy-on-write and
    /// still show the section's bytes until written.
    MapPrivate,
    /// Map the pages again, `MAP_SHARED`: copy-on-write pages never written go back to the
    /// section (a read-write view's page made `WriteCopy` and back).
    MapShared,
}

const UNKNOWN: u8 = 0;
/// A sealed memfd without reserved pages: it can neither shrink nor run out of its pages.
const DIRECT: u8 = 1;
/// A file another program may cut short, or pages that may find the memory full.
const GUARDED: u8 = 2;

/// What a view maps, as far as committing and flushing need to know.
#[derive(Clone, Debug)]
pub(crate) enum Store {
    /// A data file, kept open while the view exists (spec §1.5) and synced by durable flushes,
    /// and the view's offset in it.
    File { fd: Arc<OwnedFd>, offset: u64 },
    /// The system's memory: the object's data descriptor, the view's offset in it, and whether
    /// the section is `SEC_RESERVE` (its pages are reserved in the backing store on commit).
    Memory {
        fd: Arc<OwnedFd>,
        offset: u64,
        reserve: bool,
    },
}

// SAFETY: a `View` is an address range plus a descriptor. The mapping stays valid until `Drop`,
// no method hands out references tied to a thread, and the memory may be shared with other
// processes anyway, so every access already goes through raw pointers or atomics.
unsafe impl Send for View {}
// SAFETY: as for `Send`: `&View` only exposes the raw address and syscalls on the range.
unsafe impl Sync for View {}

/// What to map: a descriptor range and how.
pub(crate) struct Mapping {
    pub(crate) store: Store,
    pub(crate) len: usize,
    pub(crate) protection: ViewProtection,
    pub(crate) base: Option<usize>,
    /// Whether `[base, base + len)` is a reservation the caller owns, which the view replaces.
    pub(crate) replace: bool,
    /// How the section's views are placed and paged.
    pub(crate) placement: Placement,
}

/// How a section's views are placed and paged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Placement {
    /// The page of the view (the system's, or the huge page of a large-page section).
    pub(crate) page: usize,
    /// The alignment of system-chosen addresses relative to the file offset: 64 KiB, or the
    /// huge page size where huge pages can back the view.
    pub(crate) align: usize,
    /// Whether to ask for transparent huge pages (`MADV_HUGEPAGE`, a `huge=advise` tmpfs).
    pub(crate) advise: bool,
}

impl Placement {
    /// 64 KiB-aligned views of 4 KiB pages.
    pub(crate) fn plain() -> Placement {
        Placement {
            page: fd::page_size(),
            align: ALLOCATION_GRANULARITY,
            advise: false,
        }
    }
}

impl View {
    /// Maps `m` at a 64 KiB-aligned address (or exactly at `m.base`).
    pub(crate) fn map(m: Mapping) -> Result<View> {
        let page = m.placement.page;
        let region = round_up(m.len, page).ok_or_else(too_big)?;
        let (fd, offset) = match &m.store {
            Store::File { fd, offset } => (fd.as_raw_fd(), *offset),
            Store::Memory { fd, offset, .. } => (fd.as_raw_fd(), *offset),
        };
        let offset = i64::try_from(offset).map_err(|_| too_big())?;
        let (prot, flags) = prot_flags(m.protection);
        let align = m.placement.align.max(ALLOCATION_GRANULARITY);
        // Huge pages need the address congruent to the file offset; a 64 KiB placement only
        // needs the address aligned (the offset is a multiple of 64 KiB in any case).
        let phase = if align > ALLOCATION_GRANULARITY && region >= align {
            offset as usize % align
        } else {
            0
        };
        let align = if phase == 0 && region < align {
            ALLOCATION_GRANULARITY.max(page)
        } else {
            align
        };
        let ptr = match m.base {
            Some(base) if m.replace => map_over(base, region, prot, flags, fd, offset)?,
            Some(base) => map_at(base, region, prot, flags, fd, offset)?,
            None => {
                let src = Source {
                    prot,
                    flags,
                    fd,
                    off: offset,
                };
                map_aligned(region, src, (align, phase))?
            }
        };
        if m.placement.advise {
            // SAFETY: `[ptr, ptr + region)` is the mapping just made.
            unsafe { super::hugetlb::advise(ptr, region) };
        }
        copy::recheck();
        Ok(View::mapped(ptr, region, m, offset))
    }

    /// The view mapped at `ptr` for `m`.
    fn mapped(ptr: *mut u8, region: usize, m: Mapping, offset: i64) -> View {
        let commits = match &m.store {
            Store::Memory {
                fd, reserve: true, ..
            } => Commits::of(fd.as_raw_fd(), true),
            _ => Commits::All,
        };
        View {
            ptr,
            len: m.len,
            region,
            page: m.placement.page,
            store: m.store,
            pages: AtomicU8::new(UNKNOWN),
            protection: m.protection,
            fd_offset: offset,
            commits,
            known: Known::default(),
            changed: AtomicBool::new(false),
            table: Mutex::new(None),
        }
    }

    /// Maps `m` twice, back to back, at a 64 KiB-aligned address: the second view starts where
    /// the first ends and shows the same pages (a ring buffer). `m.len` is a multiple of 64 KiB.
    pub(crate) fn map_ring(m: Mapping) -> Result<(View, View)> {
        let len = m.len;
        let both = len.checked_mul(2).ok_or_else(too_big)?;
        let base = reserve_aligned(both, (ALLOCATION_GRANULARITY, 0))?;
        let second = Mapping {
            store: m.store.clone(),
            len,
            protection: m.protection,
            base: Some(base + len),
            replace: true,
            placement: m.placement,
        };
        let first = Mapping {
            base: Some(base),
            replace: true,
            ..m
        };
        // Each half replaces its part of the reservation, which this function owns; on a
        // failure the half not yet mapped is still reserved and given back here.
        let first = match View::map(first) {
            Ok(view) => view,
            Err(e) => {
                unmap(base as *mut u8, both);
                return Err(e);
            }
        };
        let second = match View::map(second) {
            Ok(view) => view,
            Err(e) => {
                unmap((base + len) as *mut u8, len);
                return Err(e);
            }
        };
        Ok((first, second))
    }
}

impl View {
    /// The page table, usable even if a thread panicked while holding it (each change
    /// leaves it consistent with the pages that were changed).
    fn table(&self) -> MutexGuard<'_, Option<Vec<Page>>> {
        self.table
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// What every page is until a protection changes.
    fn initial(&self) -> Page {
        Page {
            protection: self.protection,
            private: self.protection.is_copy_on_write(),
        }
    }

    /// The view's pages in its descriptor, for the questions of a `SEC_RESERVE` section.
    fn reserve_pages(&self) -> Pages {
        let fd = match &self.store {
            Store::File { fd, .. } | Store::Memory { fd, .. } => fd.as_raw_fd(),
        };
        Pages {
            fd,
            ptr: self.ptr,
            fd_offset: self.fd_offset as u64,
            region: self.region,
        }
    }

    /// Fails unless every page of `[offset, offset + len)` may be read (or written).
    #[inline]
    fn check_pages(&self, offset: usize, len: usize, write: bool) -> Result<()> {
        let allowed = |protection| crate::sys::allows(protection, write);
        if !self.changed.load(Ordering::Acquire) {
            // Every page has the view's protection (the copies' fast path: no page arithmetic).
            return match allowed(self.protection) {
                true => Ok(()),
                false => Err(crate::sys::denied(
                    offset / self.page * self.page,
                    self.protection,
                    write,
                )),
            };
        }
        let page = self.page;
        let first = offset / page;
        let last = if len == 0 {
            first
        } else {
            (offset + len - 1) / page
        };
        let table = self.table();
        let pages = match table.as_deref() {
            Some(pages) => pages,
            None if allowed(self.protection) => return Ok(()),
            None => return Err(crate::sys::denied(first * page, self.protection, write)),
        };
        for (i, p) in pages.iter().enumerate().take(last + 1).skip(first) {
            if !allowed(p.protection) {
                return Err(crate::sys::denied(i * page, p.protection, write));
            }
        }
        Ok(())
    }

    /// Applies `change` with `protection` to pages `[first, last)`.
    fn apply(
        &self,
        change: Change,
        first: usize,
        last: usize,
        protection: ViewProtection,
    ) -> Result<()> {
        let page = self.page;
        let (prot, _) = prot_flags(protection);
        // SAFETY: `first < last <= region / page`, so the range is inside this view.
        let at = unsafe { self.ptr.add(first * page) };
        let len = (last - first) * page;
        let share = match change {
            Change::Protect => {
                // SAFETY: the range is a page-aligned part of this live mapping; changing its
                // protection touches no Rust reference (the callers' contract: nothing uses
                // pages that lose access).
                if unsafe { libc::mprotect(at.cast(), len, prot) } != 0 {
                    return Err(map_error(fd::errno()));
                }
                return Ok(());
            }
            Change::MapPrivate => libc::MAP_PRIVATE,
            Change::MapShared => libc::MAP_SHARED,
        };
        let fd = match &self.store {
            Store::File { fd, .. } | Store::Memory { fd, .. } => fd.as_raw_fd(),
        };
        let off = self.fd_offset + (first * page) as i64;
        // SAFETY: MAP_FIXED replaces exactly `[at, at + len)`, which this view owns; the same
        // descriptor range is mapped again, so the pages keep showing the section's bytes.
        let ptr = unsafe { libc::mmap(at.cast(), len, prot, share | libc::MAP_FIXED, fd, off) };
        if ptr == libc::MAP_FAILED {
            return Err(map_error(fd::errno()));
        }
        Ok(())
    }

    /// Which of pages `[first, last)` are private copies: copy-on-write pages that were
    /// written (`/proc/self/pagemap` shows them as anonymous, present or swapped). Without
    /// `/proc`, none.
    fn copied(&self, first: usize, last: usize) -> Vec<bool> {
        let mut copied = vec![false; last - first];
        let map = match std::fs::File::open("/proc/self/pagemap") {
            Ok(map) => map,
            Err(_) => return copied,
        };
        let page = fd::page_size();
        if self.page != page {
            // One entry per system page: a huge page is copied when its first page is.
            let stride = self.page / page;
            for (i, copied) in copied.iter_mut().enumerate() {
                let at = self.ptr as usize / page + (first + i) * stride;
                let mut entry = [0u8; 8];
                if map.read_exact_at(&mut entry, (at * 8) as u64).is_ok() {
                    *copied = entry_copied(u64::from_ne_bytes(entry));
                }
            }
            return copied;
        }
        let base = self.ptr as usize / page + first;
        let mut buf = vec![0u8; 8 * copied.len().min(4096)];
        let mut done = 0;
        while done < copied.len() {
            let n = (copied.len() - done).min(4096);
            let bytes = &mut buf[..8 * n];
            if map
                .read_exact_at(bytes, ((base + done) * 8) as u64)
                .is_err()
            {
                break;
            }
            for (i, entry) in bytes.chunks_exact(8).enumerate() {
                let mut word = [0u8; 8];
                word.copy_from_slice(entry);
                copied[done + i] = entry_copied(u64::from_ne_bytes(word));
            }
            done += n;
        }
        copied
    }

    /// The protections `VirtualQuery` reports for pages `[first, last)`.
    fn reported(&self, pages: Option<&[Page]>, first: usize, last: usize) -> Vec<ViewProtection> {
        let at = |i: usize| pages.map_or(self.initial(), |p| p[i]);
        let any_cow = (first..last).any(|i| at(i).protection.is_copy_on_write() && at(i).private);
        let copied = if any_cow {
            self.copied(first, last)
        } else {
            Vec::new()
        };
        (first..last)
            .map(|i| {
                let p = at(i);
                if p.private && p.protection.is_copy_on_write() && copied[i - first] {
                    p.protection.once_copied()
                } else {
                    p.protection
                }
            })
            .collect()
    }

    /// Commits the pages of `[offset, offset + len)` in the section (spec §6.3).
    fn commit_pages(&self, offset: usize, len: usize) -> Result<()> {
        match &self.store {
            Store::File { .. } => Err(Error::new(
                ErrorKind::AccessDenied,
                "views of a file are always committed (spec row 94)",
            )),
            Store::Memory { reserve: false, .. } => Ok(()),
            Store::Memory {
                fd, offset: base, ..
            } => {
                let page = fd::page_size();
                let start = offset / page * page;
                let end = round_up(offset + len, page).ok_or_else(too_big)?;
                let len = (end - start) as u64;
                super::commit::check(len)
                    .and_then(|_| fd::allocate(fd.as_raw_fd(), base + start as u64, len))
                    .map_err(|e| grow_error(Storage::Memory, "cannot commit the pages", e))?;
                // SAFETY: `[start, end)` is a page-aligned range inside this view (the caller
                // checked `offset + len`, and `end` is rounded up within the region).
                unsafe { populate(self.ptr.add(start), end.min(self.region) - start) };
                Ok(())
            }
        }
    }
}

/// Whether a `/proc/self/pagemap` entry is a private copy: anonymous, present or swapped.
fn entry_copied(entry: u64) -> bool {
    let present = entry & (1 << 63) != 0;
    let swapped = entry & (1 << 62) != 0;
    let file = entry & (1 << 61) != 0;
    swapped || (present && !file)
}

impl View {
    /// Whether no page of this view can ever fail (see [`DIRECT`]); asked of the kernel once.
    #[inline]
    fn direct(&self) -> bool {
        if self.changed.load(Ordering::Acquire) {
            // A page may have lost its access (or, if a remap failed, its mapping).
            return false;
        }
        match self.pages.load(Ordering::Relaxed) {
            DIRECT => return true,
            GUARDED => return false,
            _ => {}
        }
        let direct = match &self.store {
            Store::Memory {
                fd, reserve: false, ..
            } => fd::is_sealed_against_shrinking(fd.as_raw_fd()),
            _ => false,
        };
        let pages = if direct { DIRECT } else { GUARDED };
        self.pages.store(pages, Ordering::Relaxed);
        direct
    }
}

fn prot_flags(protection: ViewProtection) -> (libc::c_int, libc::c_int) {
    let (read, write, exec) = protection.rights();
    let mut prot = libc::PROT_NONE;
    if read {
        prot |= libc::PROT_READ;
    }
    if write {
        prot |= libc::PROT_WRITE;
    }
    if exec {
        prot |= libc::PROT_EXEC;
    }
    let share = if protection.is_copy_on_write() {
        libc::MAP_PRIVATE
    } else {
        libc::MAP_SHARED
    };
    (prot, share)
}

fn too_big() -> Error {
    Error::new(
        ErrorKind::NotEnoughMemory,
        "the view does not fit the address space",
    )
}

fn round_up(n: usize, to: usize) -> Option<usize> {
    Some(n.checked_add(to - 1)? / to * to)
}

fn map_error(errno: i32) -> Error {
    os_error(ErrorKind::NotEnoughMemory, "cannot map the view", errno)
}

/// `MapViewOfFileEx` with a base: exactly there, or `ERROR_INVALID_ADDRESS` if the range is in
/// use (spec rows 83–85). Never replaces an existing mapping.
fn map_at(
    base: usize,
    region: usize,
    prot: i32,
    flags: i32,
    fd: RawFd,
    off: i64,
) -> Result<*mut u8> {
    check_user_space(base, region)?;
    let flags = flags | libc::MAP_FIXED_NOREPLACE;
    // SAFETY: MAP_FIXED_NOREPLACE never replaces an existing mapping; the kernel checks the range.
    let ptr = unsafe { libc::mmap(base as *mut libc::c_void, region, prot, flags, fd, off) };
    if ptr == libc::MAP_FAILED {
        return match fd::errno() {
            libc::EEXIST => Err(Error::new(
                ErrorKind::InvalidAddress,
                "the address range is in use",
            )),
            e => Err(map_error(e)),
        };
    }
    if ptr as usize != base {
        // An old kernel that treats the flag as a hint put it elsewhere.
        unmap(ptr.cast(), region);
        return Err(Error::new(
            ErrorKind::InvalidAddress,
            "the address range is in use",
        ));
    }
    Ok(ptr.cast())
}

/// Maps at exactly `base` over a reservation the caller owns (a placeholder): `MAP_FIXED`
/// replaces its pages in one step, so no other mapping can slip into the range meanwhile.
fn map_over(
    base: usize,
    region: usize,
    prot: i32,
    flags: i32,
    fd: RawFd,
    off: i64,
) -> Result<*mut u8> {
    if base % ALLOCATION_GRANULARITY != 0 {
        return Err(Error::new(
            ErrorKind::MappedAlignment,
            "the base address is not a multiple of 64 KiB",
        ));
    }
    check_user_space(base, region)?;
    // SAFETY: the caller of `View::map` guarantees that `[base, base + region)` is a
    // reservation it owns and that nothing uses: MAP_FIXED replaces only that.
    let ptr = unsafe {
        libc::mmap(
            base as *mut libc::c_void,
            region,
            prot,
            flags | libc::MAP_FIXED,
            fd,
            off,
        )
    };
    if ptr == libc::MAP_FAILED {
        return Err(map_error(fd::errno()));
    }
    Ok(ptr.cast())
}

/// `ERROR_INVALID_PARAMETER` unless `[base, base + region)` is in user space (spec §5.4).
fn check_user_space(base: usize, region: usize) -> Result<()> {
    if base
        .checked_add(region)
        .map_or(true, |end| end > USER_SPACE_END)
    {
        return Err(Error::new(
            ErrorKind::InvalidParameter,
            "the base address is not in user space",
        ));
    }
    Ok(())
}

/// The end of the user half of the x86-64 (and 48-bit arm64) address space; a base address
/// past it is a kernel address (spec §5.4: `ERROR_INVALID_PARAMETER`).
const USER_SPACE_END: usize = 1 << 47;

/// What a view maps, and how: `mmap`'s protection, flags, descriptor and offset.
#[derive(Clone, Copy)]
struct Source {
    prot: i32,
    flags: i32,
    fd: RawFd,
    off: i64,
}

/// Where the last view was placed: a view mapped and unmapped in a loop lands there again, so
/// one `mmap` with this hint usually gives an aligned address at once.
static HINT: AtomicUsize = AtomicUsize::new(0);

/// Maps at an address of the system's choosing that is `phase` past a multiple of `align` (a
/// multiple of 64 KiB): first with the hint, which costs one call when the kernel honours it;
/// else through a reservation.
fn map_aligned(region: usize, src: Source, (align, phase): (usize, usize)) -> Result<*mut u8> {
    let Source {
        prot,
        flags,
        fd,
        off,
    } = src;
    let hint = HINT.load(Ordering::Relaxed);
    if hint != 0 && align == ALLOCATION_GRANULARITY {
        // SAFETY: without MAP_FIXED the address is only a hint; the kernel never replaces an
        // existing mapping.
        let ptr = unsafe { libc::mmap(hint as *mut libc::c_void, region, prot, flags, fd, off) };
        if ptr != libc::MAP_FAILED && ptr as usize % ALLOCATION_GRANULARITY == 0 {
            return Ok(ptr.cast());
        }
        if ptr != libc::MAP_FAILED {
            unmap(ptr.cast(), region);
        }
    }
    let ptr = map_reserved(region, src, (align, phase))?;
    HINT.store(ptr as usize, Ordering::Relaxed);
    Ok(ptr)
}

/// Maps at a system-chosen address `phase` past a multiple of `align`: reserve more than
/// needed, map over the aligned part of the reservation, and give back the rest.
fn map_reserved(region: usize, src: Source, (align, phase): (usize, usize)) -> Result<*mut u8> {
    let aligned = reserve_aligned(region, (align, phase))?;
    let fixed = src.flags | libc::MAP_FIXED;
    // SAFETY: `[aligned, aligned + region)` is the reservation made above, which this function
    // owns, so MAP_FIXED replaces nothing but our own placeholder.
    let ptr = unsafe {
        libc::mmap(
            aligned as *mut libc::c_void,
            region,
            src.prot,
            fixed,
            src.fd,
            src.off,
        )
    };
    if ptr == libc::MAP_FAILED {
        let err = fd::errno();
        unmap(aligned as *mut u8, region);
        return Err(map_error(err));
    }
    Ok(ptr.cast())
}

/// Reserves `region` bytes (`PROT_NONE`, unaccounted) at a system-chosen address `phase` past a
/// multiple of `align`: reserve more than needed and give back the edges. The caller owns the
/// range.
fn reserve_aligned(region: usize, (align, phase): (usize, usize)) -> Result<usize> {
    let span = region.checked_add(align).ok_or_else(too_big)?;
    let anon = libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE;
    // SAFETY: a fresh anonymous PROT_NONE reservation at a kernel-chosen address touches no
    // existing mapping.
    let start = unsafe { libc::mmap(std::ptr::null_mut(), span, libc::PROT_NONE, anon, -1, 0) };
    if start == libc::MAP_FAILED {
        return Err(map_error(fd::errno()));
    }
    let start = start as usize;
    let aligned = start + (phase + align - start % align) % align;
    unmap(start as *mut u8, aligned - start);
    let end = aligned + region;
    unmap(end as *mut u8, start + span - end);
    Ok(aligned)
}

/// Unmaps a range this module mapped; nothing to do for an empty range.
fn unmap(ptr: *mut u8, len: usize) {
    if len > 0 {
        // SAFETY: callers pass only ranges inside mappings this module created and still owns;
        // no reference into them outlives this call.
        unsafe { libc::munmap(ptr.cast(), len) };
    }
}

impl ViewOps for View {
    fn as_ptr(&self) -> *mut u8 {
        self.ptr
    }

    fn len(&self) -> usize {
        self.len
    }

    #[inline]
    fn check_access(&self, offset: usize, len: usize, write: bool) -> Result<()> {
        self.check_pages(offset, len, write)?;
        match self.commits {
            Commits::Data => self.reserve_pages().check(&self.known, offset, len),
            Commits::All | Commits::Cached => Ok(()),
        }
    }

    #[inline]
    fn read_into(&self, offset: usize, buf: &mut [u8]) -> Result<()> {
        // SAFETY: the caller checked that `[offset, offset + buf.len())` is inside this
        // readable view, which stays mapped while `self` is borrowed.
        let at = unsafe { self.ptr.add(offset) };
        if self.direct() {
            // SAFETY: as above; and no page of a direct view can fault.
            return unsafe { copy::read_unfailing(at, buf) };
        }
        // SAFETY: as above.
        unsafe { copy::read(at, buf) }
    }

    #[inline]
    fn write_from(&self, offset: usize, data: &[u8]) -> Result<()> {
        // SAFETY: as in `read_into`, for a writable range.
        let at = unsafe { self.ptr.add(offset) };
        if self.direct() {
            // SAFETY: as above; and no page of a direct view can fault.
            return unsafe { copy::write_unfailing(at, data) };
        }
        // SAFETY: as above.
        unsafe { copy::write(at, data) }
    }

    fn flush(&self, offset: usize, len: usize, durable: bool) -> Result<()> {
        let page = self.page;
        let start = offset / page * page;
        let end = if len == 0 { self.region } else { offset + len };
        let flags = if durable {
            libc::MS_SYNC
        } else {
            libc::MS_ASYNC
        };
        // SAFETY: `[ptr + start, ptr + end)` lies inside this view (checked by the caller against
        // `len`, and `start` is rounded down to a page inside it); msync does not access memory
        // through Rust references.
        let ret = unsafe { libc::msync(self.ptr.add(start).cast(), end - start, flags) };
        if ret != 0 {
            return Err(os_error(ErrorKind::Other, "msync", fd::errno()));
        }
        match (&self.store, durable) {
            // SAFETY: fsync takes no pointers; the descriptor is owned by the Arc.
            (Store::File { fd, .. }, true) if unsafe { libc::fsync(fd.as_raw_fd()) } != 0 => {
                Err(os_error(ErrorKind::Other, "fsync", fd::errno()))
            }
            _ => Ok(()),
        }
    }

    fn commit(&self, offset: usize, len: usize, protection: ViewProtection) -> Result<()> {
        self.commit_pages(offset, len)?;
        let same = !self.changed.load(Ordering::Acquire) && protection == self.protection;
        if !same {
            self.protect(offset, len, protection)?;
        }
        Ok(())
    }

    fn protect(
        &self,
        offset: usize,
        len: usize,
        protection: ViewProtection,
    ) -> Result<ViewProtection> {
        let page = self.page;
        let npages = self.region / page;
        let first = offset / page;
        let last = round_up(offset + len, page)
            .ok_or_else(too_big)?
            .min(self.region)
            / page;
        let mut table = self.table();
        let initial = self.initial();
        let pages = table.get_or_insert_with(|| vec![initial; npages]);
        self.changed.store(true, Ordering::Release);
        let old = self.reported(Some(pages), first, first + 1)[0];
        // Pages that leave copy-on-write for a shared protection go back to the section
        // unless they were written (then they stay the process's private copies, spec §5.5).
        let back = !self.protection.is_copy_on_write() && !protection.is_copy_on_write();
        let copied = if back && pages[first..last].iter().any(|p| p.private) {
            self.copied(first, last)
        } else {
            vec![false; last - first]
        };
        let changes: Vec<Change> = pages[first..last]
            .iter()
            .zip(&copied)
            .map(|(p, copied)| {
                if protection.is_copy_on_write() && !p.private {
                    Change::MapPrivate
                } else if back && p.private && !copied {
                    Change::MapShared
                } else {
                    Change::Protect
                }
            })
            .collect();
        let mut i = first;
        while i < last {
            let kind = changes[i - first];
            let mut j = i + 1;
            while j < last && changes[j - first] == kind {
                j += 1;
            }
            self.apply(kind, i, j, protection)?;
            for p in &mut pages[i..j] {
                p.protection = protection;
                p.private = match kind {
                    Change::MapPrivate => true,
                    Change::MapShared => false,
                    Change::Protect => p.private,
                };
            }
            i = j;
        }
        Ok(old)
    }

    fn protection_run(&self, offset: usize) -> Result<(ViewProtection, usize)> {
        let page = self.page;
        let first = offset / page;
        let npages = self.region / page;
        let table = self.table();
        if table.is_none() && !self.protection.is_copy_on_write() {
            return Ok((self.protection, self.region - first * page));
        }
        let reported = self.reported(table.as_deref(), first, npages);
        let same = reported.iter().take_while(|p| **p == reported[0]).count();
        Ok((reported[0], same * page))
    }

    fn committed_run(&self, offset: usize) -> Result<(bool, usize)> {
        let page = fd::page_size();
        self.reserve_pages().run(self.commits, offset / page * page)
    }

    fn unmap(self) -> Result<()> {
        drop(self);
        Ok(())
    }

    fn unmap_to_placeholder(mut self) -> Result<()> {
        let flags = libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE | libc::MAP_FIXED;
        // SAFETY: MAP_FIXED replaces exactly this view's pages, which it owns, with a fresh
        // PROT_NONE reservation in one step; nothing else can be mapped there meanwhile.
        let ptr =
            unsafe { libc::mmap(self.ptr.cast(), self.region, libc::PROT_NONE, flags, -1, 0) };
        if ptr == libc::MAP_FAILED {
            return Err(map_error(fd::errno()));
        }
        // The range is the caller's now: the drop below must not unmap it.
        self.region = 0;
        Ok(())
    }
}

/// `madvise(MADV_POPULATE_READ)`, which Linux 5.14 introduced.
const MADV_POPULATE_READ: libc::c_int = 22;

/// Reads the committed pages `[ptr, ptr + len)` in, so that the section's file holds them as
/// committed (see the `reserve` module). They were reserved (`fallocate`) just before, so this
/// cannot fail for lack of memory. Kernels before 5.14 lack `MADV_POPULATE_READ`: there, one
/// guarded copy of a byte of each page reads it in.
///
/// # Safety
///
/// `[ptr, ptr + len)` is a page-aligned range of a live mapping of ours.
unsafe fn populate(ptr: *mut u8, len: usize) {
    // SAFETY: the caller guarantees the range; populating only faults pages in, and reports
    // (never raises) a fault it cannot serve.
    if unsafe { libc::madvise(ptr.cast(), len, MADV_POPULATE_READ) } == 0 {
        return;
    }
    let mut byte = [0u8; 1];
    for at in (0..len).step_by(fd::page_size()) {
        // SAFETY: `at` is inside the range the caller vouched for; the copy reports a page
        // that cannot be read (a file an owner cut short meanwhile) instead of faulting.
        let _ = unsafe { copy::read(ptr.add(at), &mut byte) };
    }
}

impl Drop for View {
    fn drop(&mut self) {
        unmap(self.ptr, self.region);
    }
}
