//! Which pages of a `SEC_RESERVE` section are committed (spec §2.4, §6.1).
//!
//! On Windows a page of such a section stays reserved until a view commits it, and every access
//! to a reserved page faults. Here the section's bytes are a sparse file, and a page is
//! committed once the file holds it: committed by [`View::commit`](crate::View::commit)
//! (`fallocate`, then read in) or touched through a raw pointer. The mappings themselves let
//! every page be touched (no process can change another's page protections), so the safe
//! copies ask before they touch: a copy that reaches a reserved page is refused with
//! `ERROR_ACCESS_DENIED`, as the same copy is on Windows.
//!
//! Where the file lives on shared memory (a memfd, or a tmpfs root as `/dev/shm`), the file's
//! data (`SEEK_DATA`) is the committed pages, whether in memory or swapped out. On another file
//! system a committed page that was never written may leave the page cache and read as a hole
//! again, so there only [`View::committed_run`](crate::View::committed_run) reports pages, from
//! the page cache (`mincore`), and copies are not refused. (`lseek` moves the file offset that
//! the descriptor shares with its duplicates; nothing uses it, as every read and write of an
//! object file names its offset.)

#![allow(unsafe_code)]

use super::errors::os_error;
use super::fd;
use crate::error::{ErrorKind, Result};
use std::os::unix::io::RawFd;
use std::sync::atomic::{AtomicU64, Ordering};

/// How a view of memory tells committed pages from reserved ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Commits {
    /// Every page is committed: a `SEC_COMMIT` section, a file or an image.
    All,
    /// `SEC_RESERVE` on shared memory: the file's data is what is committed.
    Data,
    /// `SEC_RESERVE` elsewhere: the page cache tells, and only `committed_run` asks.
    Cached,
}

impl Commits {
    /// How the pages of a `SEC_RESERVE` section (when `reserve`) in the file `fd` are told apart.
    pub(crate) fn of(fd: RawFd, reserve: bool) -> Commits {
        match (reserve, fd::on_tmpfs(fd)) {
            (false, _) => Commits::All,
            (true, Ok(true)) => Commits::Data,
            _ => Commits::Cached,
        }
    }
}

/// The pages of a mapping of `fd`, for the questions below: the mapping's address, the file
/// offset it starts at, and its length.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Pages {
    pub(crate) fd: RawFd,
    pub(crate) ptr: *mut u8,
    pub(crate) fd_offset: u64,
    pub(crate) region: usize,
}

impl Pages {
    /// Whether the page at `start` (page-aligned, inside the mapping) is committed, and for how
    /// many bytes from there, to the end of the mapping at most, the pages are in that state.
    pub(crate) fn run(&self, commits: Commits, start: usize) -> Result<(bool, usize)> {
        let rest = self.region - start;
        match commits {
            Commits::All => Ok((true, rest)),
            Commits::Data => self.data_run(start, rest),
            // SAFETY: `start` is a page inside the mapping, so `[ptr + start, ptr + region)`
            // is the rest of this live mapping.
            Commits::Cached => resident_run(unsafe { self.ptr.add(start) }, rest),
        }
    }

    /// Fails with `ERROR_ACCESS_DENIED` unless every page of `[offset, offset + len)` is
    /// committed, as the file's data tells ([`Commits::Data`], the only case where copies
    /// ask). What it finds committed is remembered in `known`, so that copies within pages
    /// already seen committed cost no call.
    #[inline]
    pub(crate) fn check(&self, known: &Known, offset: usize, len: usize) -> Result<()> {
        let page = fd::page_size();
        let first = offset / page;
        let last = (offset + len.max(1) - 1) / page;
        if known.covers(first, last) {
            return Ok(());
        }
        let start = first * page;
        let hole = self.next(start, libc::SEEK_HOLE)?.unwrap_or(self.region);
        if hole <= last * page {
            return Err(crate::sys::reserved(hole.max(start)));
        }
        known.learn(first, hole / page);
        Ok(())
    }

    /// The run of pages from `start` in one state, told by the file's data and holes.
    fn data_run(&self, start: usize, rest: usize) -> Result<(bool, usize)> {
        let committed = self.next(start, libc::SEEK_DATA)? == Some(start);
        let whence = if committed {
            libc::SEEK_HOLE
        } else {
            libc::SEEK_DATA
        };
        let until = self.next(start, whence)?.unwrap_or(self.region);
        let page = fd::page_size();
        let len = (until.min(self.region) - start + page - 1) / page * page;
        Ok((committed, len.min(rest)))
    }

    /// The mapping offset of the next data or hole of the file at or after the mapping offset
    /// `at`, if it is inside the mapping (a hole at the end of the file counts as outside).
    fn next(&self, at: usize, whence: libc::c_int) -> Result<Option<usize>> {
        let found = fd::seek(self.fd, self.fd_offset + at as u64, whence)
            .map_err(|e| os_error(ErrorKind::Other, "lseek", e))?;
        Ok(found
            .map(|f| (f - self.fd_offset) as usize)
            .filter(|&f| f < self.region))
    }
}

/// The pages of a view seen committed: one run of page indices `[first, end)`, packed in one
/// word so that every value read is a run that was seen whole. Pages are never decommitted
/// (spec §2.4), so a run seen committed stays committed. (A hostile owner may punch a hole in
/// the file: the copy then reads a fresh zero page, or reports the page it cannot have, as
/// for any page of the file.)
#[derive(Debug, Default)]
pub(crate) struct Known(AtomicU64);

impl Known {
    /// Whether pages `first..=last` lie inside the run.
    #[inline]
    fn covers(&self, first: usize, last: usize) -> bool {
        let (lo, hi) = unpack(self.0.load(Ordering::Relaxed));
        lo <= first && last < hi
    }

    /// Adds the committed pages `[first, end)`: joined to the run where they touch it, in its
    /// place otherwise. Page indices past 32 bits are not remembered.
    fn learn(&self, first: usize, end: usize) {
        if u32::try_from(end).is_err() {
            return;
        }
        let (lo, hi) = unpack(self.0.load(Ordering::Relaxed));
        let run = match first <= hi && lo <= end && lo < hi {
            true => (lo.min(first), hi.max(end)),
            false => (first, end),
        };
        self.0
            .store(((run.0 as u64) << 32) | run.1 as u64, Ordering::Relaxed);
    }
}

/// The run `[first, end)` of a packed word.
fn unpack(word: u64) -> (usize, usize) {
    ((word >> 32) as usize, (word & 0xFFFF_FFFF) as usize)
}

/// The page cache's answer: `mincore` tells, for the `len` bytes at `ptr`, which pages the
/// file's page cache holds; the run is the leading pages in the first page's state.
fn resident_run(ptr: *mut u8, len: usize) -> Result<(bool, usize)> {
    let page = fd::page_size();
    let mut vec = vec![0u8; len / page];
    // SAFETY: `[ptr, ptr + len)` is a page-aligned range of a live mapping of ours, and `vec`
    // has one byte per page of it, as mincore writes.
    let ret = unsafe { libc::mincore(ptr.cast(), len, vec.as_mut_ptr()) };
    if ret != 0 {
        return Err(os_error(ErrorKind::Other, "mincore", fd::errno()));
    }
    let first = vec.first().map_or(true, |p| p & 1 != 0);
    let same = vec.iter().take_while(|p| (*p & 1 != 0) == first).count();
    Ok((first, same * page))
}

#[cfg(test)]
mod tests {
    use super::Known;

    #[test]
    fn a_run_covers_only_the_pages_seen() {
        let known = Known::default();
        assert!(!known.covers(0, 0), "nothing is known at first");
        known.learn(2, 5);
        assert!(known.covers(2, 4));
        assert!(!known.covers(1, 2));
        assert!(!known.covers(4, 5));
    }

    #[test]
    fn runs_that_touch_are_joined_and_others_replace() {
        let known = Known::default();
        known.learn(0, 4);
        known.learn(4, 8);
        assert!(known.covers(0, 7), "adjacent runs join");
        known.learn(6, 10);
        assert!(known.covers(0, 9), "overlapping runs join");
        known.learn(20, 21);
        assert!(known.covers(20, 20));
        assert!(
            !known.covers(0, 0),
            "a distant run takes the place of the old one"
        );
    }

    #[test]
    fn pages_past_32_bits_are_not_remembered() {
        let known = Known::default();
        known.learn(0, 1 << 33);
        assert!(!known.covers(0, 0));
    }
}
