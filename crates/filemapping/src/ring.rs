//! Ring buffers: one range of a section mapped twice, back to back
//! ([`FileMapping::map_ring`](crate::FileMapping::map_ring)).

#![allow(unsafe_code)]

use crate::error::{Error, ErrorKind, Result};
use crate::view::View;

/// A range of a section mapped twice, back to back: the bytes at `as_ptr() + len() + i` are
/// the bytes at `as_ptr() + i`, so any run of at most [`len`](Self::len) bytes starting inside
/// the ring is contiguous in memory, however close to the end it starts. Made by
/// [`FileMapping::map_ring`](crate::FileMapping::map_ring); dropping it unmaps both halves.
///
/// The copies ([`read_at`](Self::read_at), [`write_at`](Self::write_at)) take a position
/// inside the ring and may run past its end, wrapping to its start; like [`View`]'s, they never
/// kill the process. The memory may be shared with other processes, so borrowing it as a
/// slice is `unsafe` with the contract of [`View::as_slice`].
#[derive(Debug)]
pub struct RingView {
    first: View,
    second: View,
}

impl RingView {
    pub(crate) fn new(first: View, second: View) -> RingView {
        RingView { first, second }
    }

    /// The first byte of the ring; the `2 * len()` bytes from here are mapped, the second
    /// half showing the first.
    #[must_use]
    pub fn as_ptr(&self) -> *mut u8 {
        self.first.as_ptr()
    }

    /// The ring's length: the size of the range mapped twice (a multiple of 64 KiB).
    #[must_use]
    pub fn len(&self) -> usize {
        self.first.len()
    }

    /// Always false: a ring is never empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The first mapping, `[as_ptr(), as_ptr() + len())`.
    #[must_use]
    pub fn first(&self) -> &View {
        &self.first
    }

    /// The second mapping, right after the first.
    #[must_use]
    pub fn second(&self) -> &View {
        &self.second
    }

    /// The two pieces `[pos, pos + n)` covers: `(offset in the first view, its length)` and
    /// the length that wraps into the second.
    fn split(&self, pos: usize, n: usize) -> Result<(usize, usize)> {
        if pos >= self.len() || n > self.len() {
            return Err(Error::new(
                ErrorKind::InvalidParameter,
                format!(
                    "{n} bytes at {pos} do not fit a ring of {} bytes",
                    self.len()
                ),
            ));
        }
        let head = n.min(self.len() - pos);
        Ok((head, n - head))
    }

    /// Copies `buf.len()` bytes (at most [`len`](Self::len)) from position `pos` of the ring
    /// into `buf`, wrapping past the end to the start.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidParameter`] if `pos >= len()` or `buf` is longer than the ring; as
    /// [`View::read_at`] otherwise.
    pub fn read_at(&self, pos: usize, buf: &mut [u8]) -> Result<()> {
        let (head, tail) = self.split(pos, buf.len())?;
        self.first.read_at(pos, &mut buf[..head])?;
        self.second.read_at(0, &mut buf[head..head + tail])
    }

    /// Copies `data` (at most [`len`](Self::len) bytes) to position `pos` of the ring,
    /// wrapping past the end to the start.
    ///
    /// # Errors
    ///
    /// As [`read_at`](Self::read_at), and [`View::write_at`].
    pub fn write_at(&self, pos: usize, data: &[u8]) -> Result<()> {
        let (head, _) = self.split(pos, data.len())?;
        self.first.write_at(pos, &data[..head])?;
        self.second.write_at(0, &data[head..])
    }

    /// The `n` bytes from position `pos`, as one slice even where they wrap.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidParameter`] if `pos >= len()` or `n > len()`.
    ///
    /// # Safety
    ///
    /// As [`View::as_slice`]: nothing writes the bytes (in this process or another) while the
    /// slice lives, every page of them is readable, and a backing file is not cut short.
    pub unsafe fn slice(&self, pos: usize, n: usize) -> Result<&[u8]> {
        self.split(pos, n)?;
        // SAFETY: `[pos, pos + n)` lies inside the `2 * len()` mapped bytes (pos < len,
        // n <= len); the caller guarantees that nothing writes them meanwhile.
        Ok(unsafe { std::slice::from_raw_parts(self.as_ptr().add(pos), n) })
    }
}
