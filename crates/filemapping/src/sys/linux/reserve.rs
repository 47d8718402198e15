//! Which pages of a `SEC_RESERVE` section are committed (spec §2.4, §6.1).
//!
//! On Windows a page of such a section stays reserved until a view commits it, and every access
//! to a reserved page faults. Here the section's bytes are a sparse file, and a page is
//! committed once the file holds it: committed by [`View::commit`](crate::View::commit)
//! (`fallocate`, then read in) or written through a raw pointer. The mappings themselves let
//! every page be touched (no process can change another's page protections), so the safe
//! copies ask before they touch: a copy that reaches a reserved page is refused with
//! `ERROR_ACCESS_DENIED`, as the same copy is on Windows.
//!
//! Where the file lives on shared memory (a memfd, or a tmpfs root as `/dev/shm`), the file's
//! data (`SEEK_DATA`) is the committed pages, whether in memory or swapped out. On another file
//! system a committed page that was never written may leave the page cache and read as a hole
//! again, so there only [`View::committed_run`](crate::View::committed_run) reports pages, from
//! the page cache (`mincore`), and copies are not refused.

#![allow(unsafe_code)]

use super::errors::os_error;
use super::fd;
use crate::error::{ErrorKind, Result};
use std::os::unix::io::RawFd;

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
    /// committed (only asked where the file's data tells, [`Commits::Data`]).
    #[inline]
    pub(crate) fn check(&self, commits: Commits, offset: usize, len: usize) -> Result<()> {
        if commits != Commits::Data {
            return Ok(());
        }
        let page = fd::page_size();
        let start = offset / page * page;
        let end = offset + len.max(1);
        let hole = self.next(start, libc::SEEK_HOLE)?;
        match hole {
            Some(at) if at < end => Err(crate::sys::reserved(at.max(start))),
            _ => Ok(()),
        }
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
