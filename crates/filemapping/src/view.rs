//! [`View`]: a mapped range of a section.
//!
//! Memory shared with other processes is outside Rust's aliasing model, so the safe API never
//! hands out `&[u8]` or `&mut [u8]`: it copies with volatile accesses, gives atomics at aligned
//! offsets, or a raw pointer. Slices are available behind `unsafe` with a written contract.

#![allow(unsafe_code)]

use crate::error::{Error, ErrorKind, Result};
use crate::protection::ViewProtection;
use crate::sys::{self, ViewOps};
use std::sync::atomic::{AtomicU32, AtomicU64};

/// A view of a section, mapped into this process (`MapViewOfFile`'s result). Dropping it unmaps
/// it (`UnmapViewOfFile`). A view keeps the section's memory alive even after every handle is
/// closed.
///
/// # Examples
///
/// ```
/// use filemapping::{CreateOptions, FileMapAccess};
///
/// let (map, _) = CreateOptions::new().size(4096).create()?;
/// let a = map.map_view(FileMapAccess::WRITE, 0, 0)?;
/// let b = map.map_view(FileMapAccess::READ, 0, 0)?;
/// a.write_at(100, b"shared")?;
/// let mut buf = [0u8; 6];
/// b.read_at(100, &mut buf)?;
/// assert_eq!(&buf, b"shared");
/// assert_ne!(a.as_ptr(), b.as_ptr());
/// # Ok::<(), filemapping::Error>(())
/// ```
#[derive(Debug)]
pub struct View {
    inner: sys::View,
    protection: ViewProtection,
    offset: u64,
}

impl View {
    pub(crate) fn from_inner(inner: sys::View, protection: ViewProtection, offset: u64) -> View {
        View {
            inner,
            protection,
            offset,
        }
    }

    /// The address of the view's first byte, a multiple of 64 KiB.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{CreateOptions, FileMapAccess, ALLOCATION_GRANULARITY};
    ///
    /// let (map, _) = CreateOptions::new().size(1).create()?;
    /// let view = map.map_view(FileMapAccess::READ, 0, 0)?;
    /// assert_eq!(view.as_ptr() as usize % ALLOCATION_GRANULARITY, 0);
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[must_use]
    pub fn as_ptr(&self) -> *mut u8 {
        self.inner.as_ptr()
    }

    /// The number of bytes asked for (or up to the section's end).
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{CreateOptions, FileMapAccess};
    ///
    /// let (map, _) = CreateOptions::new().size(10_000).create()?;
    /// assert_eq!(map.map_view(FileMapAccess::READ, 0, 10)?.len(), 10);
    /// assert_eq!(map.map_view(FileMapAccess::READ, 0, 0)?.len(), 12288);
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[must_use]
    pub fn len(&self) -> usize {
        self.inner.len()
    }

    /// Whether the view has no bytes (never true: a view maps at least one byte).
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{CreateOptions, FileMapAccess};
    ///
    /// let (map, _) = CreateOptions::new().size(1).create()?;
    /// assert!(!map.map_view(FileMapAccess::READ, 0, 0)?.is_empty());
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The mapped length rounded up to the page size, as `VirtualQuery` reports `RegionSize`.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{CreateOptions, FileMapAccess};
    ///
    /// let (map, _) = CreateOptions::new().size(4096).create()?;
    /// assert_eq!(map.map_view(FileMapAccess::READ, 0, 10)?.region_size(), filemapping::page_size());
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[must_use]
    pub fn region_size(&self) -> usize {
        let page = crate::system::page_size();
        (self.len() + page - 1) / page * page
    }

    /// The view's protection (spec §5.1).
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{CreateOptions, FileMapAccess, ViewProtection};
    ///
    /// let (map, _) = CreateOptions::new().size(1).create()?;
    /// let view = map.map_view(FileMapAccess::COPY, 0, 0)?;
    /// assert_eq!(view.protection(), ViewProtection::WriteCopy);
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[must_use]
    pub fn protection(&self) -> ViewProtection {
        self.protection
    }

    /// The offset in the section where the view starts.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{CreateOptions, FileMapAccess};
    ///
    /// let (map, _) = CreateOptions::new().size(131072).create()?;
    /// assert_eq!(map.map_view(FileMapAccess::READ, 65536, 0)?.offset(), 65536);
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[must_use]
    pub fn offset(&self) -> u64 {
        self.offset
    }

    fn check(&self, offset: usize, len: usize, write: bool) -> Result<()> {
        let (readable, writable, _) = self.protection.rights();
        if !(if write { writable } else { readable }) {
            return Err(Error::new(
                ErrorKind::AccessDenied,
                format!(
                    "a {:?} view cannot be {}",
                    self.protection,
                    if write { "written" } else { "read" }
                ),
            ));
        }
        if offset.checked_add(len).map_or(true, |end| end > self.len()) {
            return Err(Error::new(
                ErrorKind::InvalidParameter,
                format!(
                    "bytes {offset}..+{len} are outside the {}-byte view",
                    self.len()
                ),
            ));
        }
        Ok(())
    }

    /// Copies bytes from the view at `offset` into `buf`.
    ///
    /// This never kills the process, whatever another process does to the section's file: a
    /// page that cannot be read (its backing file was cut short, or the system's memory cannot
    /// supply it) is an error, where a read through [`View::as_ptr`] would raise `SIGBUS`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::AccessDenied`] for a no-access view; [`ErrorKind::InvalidParameter`] if the
    /// range is outside the view; [`ErrorKind::InPageError`] if a page cannot be read.
    ///
    /// # Platform notes
    ///
    /// On Linux the copy goes through `process_vm_readv` on the process itself, which reports
    /// such a page as `EFAULT`; views of an unnamed section (a sealed, fully committed memfd,
    /// whose pages cannot fail) copy directly. Where a seccomp filter refuses that call (some
    /// container runtimes do without `CAP_SYS_PTRACE`), the copy is direct and a cut-short
    /// file raises `SIGBUS` as on any `mmap`. On Windows a backing file cannot be cut short
    /// while it is mapped.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{CreateOptions, FileMapAccess};
    ///
    /// let (map, _) = CreateOptions::new().size(4096).create()?;
    /// let view = map.map_view(FileMapAccess::READ, 0, 0)?;
    /// let mut buf = [1u8; 4];
    /// view.read_at(0, &mut buf)?;
    /// assert_eq!(buf, [0; 4]); // new sections are zero-filled
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    pub fn read_at(&self, offset: usize, buf: &mut [u8]) -> Result<()> {
        self.check(offset, buf.len(), false)?;
        self.inner.read_into(offset, buf)
    }

    /// Copies `data` into the view at `offset`.
    ///
    /// As [`View::read_at`], this never kills the process: a page that cannot be written (its
    /// backing file was cut short, or the system's memory is full when an uncommitted page is
    /// first touched) is an error.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::AccessDenied`] for a view that cannot be written; [`ErrorKind::InvalidParameter`]
    /// if the range is outside the view; [`ErrorKind::InPageError`] if a page cannot be written.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{CreateOptions, ErrorKind, FileMapAccess};
    ///
    /// let (map, _) = CreateOptions::new().size(4096).create()?;
    /// map.map_view(FileMapAccess::WRITE, 0, 0)?.write_at(0, b"x")?;
    /// let ro = map.map_view(FileMapAccess::READ, 0, 0)?;
    /// assert_eq!(ro.write_at(0, b"x").unwrap_err().kind(), ErrorKind::AccessDenied);
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    pub fn write_at(&self, offset: usize, data: &[u8]) -> Result<()> {
        self.check(offset, data.len(), true)?;
        self.inner.write_from(offset, data)
    }

    fn atomic_ptr(&self, offset: usize, size: usize) -> Result<*mut u8> {
        self.check(offset, size, true)?;
        if offset % size != 0 {
            return Err(Error::new(
                ErrorKind::InvalidParameter,
                format!("offset {offset} is not aligned to {size} bytes"),
            ));
        }
        // SAFETY: `check` proved the range is inside the view.
        Ok(unsafe { self.as_ptr().add(offset) })
    }

    /// An atomic 32-bit word at `offset` (a multiple of 4), shared with every process that maps
    /// the same bytes. The view must be writable, since an atomic can be stored to.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::AccessDenied`] for a view that cannot be written; [`ErrorKind::InvalidParameter`]
    /// for a misaligned or out-of-range offset.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{CreateOptions, FileMapAccess};
    /// use std::sync::atomic::Ordering;
    ///
    /// let (map, _) = CreateOptions::new().size(4096).create()?;
    /// let view = map.map_view(FileMapAccess::WRITE, 0, 0)?;
    /// view.atomic_u32(8)?.fetch_add(5, Ordering::SeqCst);
    /// assert_eq!(view.atomic_u32(8)?.load(Ordering::SeqCst), 5);
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    pub fn atomic_u32(&self, offset: usize) -> Result<&AtomicU32> {
        let ptr = self.atomic_ptr(offset, 4)?;
        // SAFETY: the pointer is 4-aligned (view base is page-aligned, offset checked), inside the
        // writable view for 4 bytes, and lives as long as `&self`. Atomics are sound on memory
        // that other processes access concurrently.
        Ok(unsafe { &*ptr.cast::<AtomicU32>() })
    }

    /// An atomic 64-bit word at `offset` (a multiple of 8). See [`atomic_u32`](Self::atomic_u32).
    ///
    /// # Errors
    ///
    /// As [`atomic_u32`](Self::atomic_u32).
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{CreateOptions, FileMapAccess};
    /// use std::sync::atomic::Ordering;
    ///
    /// let (map, _) = CreateOptions::new().size(4096).create()?;
    /// let view = map.map_view(FileMapAccess::WRITE, 0, 0)?;
    /// view.atomic_u64(16)?.store(u64::MAX, Ordering::Release);
    /// assert!(view.atomic_u64(12).is_err());
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    pub fn atomic_u64(&self, offset: usize) -> Result<&AtomicU64> {
        let ptr = self.atomic_ptr(offset, 8)?;
        // SAFETY: as in `atomic_u32`, with 8-byte alignment and size.
        Ok(unsafe { &*ptr.cast::<AtomicU64>() })
    }

    /// The view's bytes as a slice.
    ///
    /// # Safety
    ///
    /// The view must be readable, and while the slice lives no one may write these bytes: no
    /// other view in this or another process, and no writer of the backing file. That holds, for
    /// example, for a read-only section whose file nobody writes, or for bytes that a protocol
    /// has handed to this process.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{CreateOptions, FileMapAccess};
    ///
    /// let (map, _) = CreateOptions::new().size(4096).create()?;
    /// let view = map.map_view(FileMapAccess::READ, 0, 16)?;
    /// // SAFETY: the section is unnamed and has no writable view.
    /// let bytes = unsafe { view.as_slice() };
    /// assert_eq!(bytes, &[0u8; 16]);
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[must_use]
    pub unsafe fn as_slice(&self) -> &[u8] {
        // SAFETY: the view maps `len` bytes at `as_ptr` for as long as `self` lives; the caller
        // guarantees readability and that no one writes them meanwhile.
        unsafe { std::slice::from_raw_parts(self.as_ptr(), self.len()) }
    }

    /// The view's bytes as a mutable slice.
    ///
    /// # Safety
    ///
    /// The view must be writable, and while the slice lives no one else may read or write these
    /// bytes: no other view in this or another process, and no user of the backing file. A
    /// copy-on-write view of a section nobody writes, or bytes a protocol has handed to this
    /// process exclusively, qualify.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{CreateOptions, FileMapAccess};
    ///
    /// let (map, _) = CreateOptions::new().size(4096).create()?;
    /// let mut view = map.map_view(FileMapAccess::COPY, 0, 0)?;
    /// // SAFETY: a copy-on-write view of an unnamed section: its pages are private to it.
    /// unsafe { view.as_mut_slice()[0] = 7 };
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    pub unsafe fn as_mut_slice(&mut self) -> &mut [u8] {
        // SAFETY: as for `as_slice`; `&mut self` makes the slice unique within this process and
        // the caller guarantees exclusivity across processes and writability.
        unsafe { std::slice::from_raw_parts_mut(self.as_ptr(), self.len()) }
    }

    /// Starts writing the view's dirty pages to the backing file (`FlushViewOfFile` with size 0).
    /// Succeeds at once for sections backed by the system's memory.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Other`] if the OS refuses.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{CreateOptions, FileMapAccess};
    ///
    /// let (map, _) = CreateOptions::new().size(4096).create()?;
    /// map.map_view(FileMapAccess::WRITE, 0, 0)?.flush()?;
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    ///
    /// # References
    ///
    /// <https://learn.microsoft.com/en-us/windows/win32/api/memoryapi/nf-memoryapi-flushviewoffile>
    #[doc(alias = "FlushViewOfFile")]
    pub fn flush(&self) -> Result<()> {
        self.inner.flush(0, 0, false)
    }

    /// Starts writing the dirty pages of `[offset, offset + len)` to the backing file; `len == 0`
    /// means to the end of the view.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidParameter`] if the range is outside the view.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{CreateOptions, FileMapAccess};
    ///
    /// let (map, _) = CreateOptions::new().size(8192).create()?;
    /// map.map_view(FileMapAccess::WRITE, 0, 0)?.flush_range(4096, 100)?;
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[doc(alias = "FlushViewOfFile")]
    pub fn flush_range(&self, offset: usize, len: usize) -> Result<()> {
        if offset.checked_add(len).map_or(true, |end| end > self.len()) {
            return Err(Error::new(
                ErrorKind::InvalidParameter,
                "the range is outside the view",
            ));
        }
        self.inner.flush(offset, len, false)
    }

    /// Writes the view's dirty pages to the backing file and waits until they, and the file's
    /// data, are on disk (`FlushViewOfFile` followed by `FlushFileBuffers`).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Other`] if the OS reports an I/O error.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{CreateOptions, FileMapAccess};
    ///
    /// let path = std::env::temp_dir().join(format!("fm-doc-durable-{}", std::process::id()));
    /// let file = std::fs::OpenOptions::new().read(true).write(true).create(true).open(&path)?;
    /// let (map, _) = CreateOptions::new().file(&file).size(4096).create()?;
    /// let view = map.map_view(FileMapAccess::WRITE, 0, 0)?;
    /// view.write_at(0, b"saved")?;
    /// view.flush_durable()?;
    /// assert_eq!(&std::fs::read(&path)?[..5], b"saved");
    /// # std::fs::remove_file(&path)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[doc(alias = "FlushFileBuffers")]
    pub fn flush_durable(&self) -> Result<()> {
        self.inner.flush(0, 0, true)
    }

    /// Commits the pages of `[offset, offset + len)` in the section (`VirtualAlloc` with
    /// `MEM_COMMIT` on the view, spec §6.3). For a `SEC_RESERVE` section backed by the system's
    /// memory this reserves those pages' backing store now, for every view in every process;
    /// for a `SEC_COMMIT` section it succeeds at once. Committed pages are never decommitted.
    ///
    /// # Platform notes
    ///
    /// On Linux, a `SEC_RESERVE` view's pages are usable before they are committed, as long as
    /// the system has memory; committing makes sure it does.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::AccessDenied`] for views of a file (spec row 94);
    /// [`ErrorKind::CommitmentLimit`] if the system's memory cannot back the pages;
    /// [`ErrorKind::InvalidParameter`] for an empty or out-of-range range.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{CreateOptions, FileMapAccess, SectionAttributes};
    ///
    /// let (map, _) = CreateOptions::new()
    ///     .size(1 << 30)
    ///     .attributes(SectionAttributes::RESERVE)
    ///     .create()?;
    /// let view = map.map_view(FileMapAccess::WRITE, 0, 0)?;
    /// view.commit(0, 65536)?;
    /// view.write_at(0, b"committed")?;
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    ///
    /// # References
    ///
    /// <https://learn.microsoft.com/en-us/windows/win32/api/memoryapi/nf-memoryapi-virtualalloc>
    #[doc(alias = "VirtualAlloc")]
    pub fn commit(&self, offset: usize, len: usize) -> Result<()> {
        if len == 0 || offset.checked_add(len).map_or(true, |end| end > self.len()) {
            return Err(Error::new(
                ErrorKind::InvalidParameter,
                "the range to commit is empty or outside the view",
            ));
        }
        self.inner.commit(offset, len)
    }

    /// Whether the page holding `offset` is committed, and how many bytes from that page on
    /// share its state (up to the end of the view's page-rounded region): what `VirtualQuery`
    /// reports as `State` and `RegionSize` (spec §6.1, rows 90–91).
    ///
    /// Views of a `SEC_COMMIT` section and of a file are committed throughout. A
    /// `SEC_RESERVE` view's pages start reserved; [`View::commit`], through any view of the
    /// section, commits them for every view.
    ///
    /// # Platform notes
    ///
    /// On Linux a `SEC_RESERVE` page counts as committed once the section's memory holds it:
    /// committed, or written through a view (which Windows would refuse), and not swapped out.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidParameter`] if `offset` is outside the view's region.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{CreateOptions, FileMapAccess, SectionAttributes};
    ///
    /// let (map, _) = CreateOptions::new()
    ///     .size(1 << 20)
    ///     .attributes(SectionAttributes::RESERVE)
    ///     .create()?;
    /// let view = map.map_view(FileMapAccess::WRITE, 0, 0)?;
    /// assert_eq!(view.committed_run(0)?, (false, 1 << 20));
    /// view.commit(0, 65536)?;
    /// assert_eq!(view.committed_run(0)?, (true, 65536));
    /// assert_eq!(view.committed_run(65536)?, (false, (1 << 20) - 65536));
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    ///
    /// # References
    ///
    /// <https://learn.microsoft.com/en-us/windows/win32/api/memoryapi/nf-memoryapi-virtualquery>
    #[doc(alias = "VirtualQuery")]
    pub fn committed_run(&self, offset: usize) -> Result<(bool, usize)> {
        if offset >= self.region_size() {
            return Err(Error::new(
                ErrorKind::InvalidParameter,
                "the offset is outside the view",
            ));
        }
        self.inner.committed_run(offset)
    }

    /// Unmaps the view (`UnmapViewOfFile`).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidAddress`] if the OS no longer knows the view.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{CreateOptions, FileMapAccess};
    ///
    /// let (map, _) = CreateOptions::new().size(1).create()?;
    /// map.map_view(FileMapAccess::READ, 0, 0)?.unmap()?;
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[doc(alias = "UnmapViewOfFile")]
    pub fn unmap(self) -> Result<()> {
        self.inner.unmap()
    }
}
