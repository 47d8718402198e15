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
    /// A view of a `SEC_IMAGE` section.
    image: bool,
}

impl View {
    pub(crate) fn from_inner(inner: sys::View, protection: ViewProtection, offset: u64) -> View {
        View {
            inner,
            protection,
            offset,
            image: false,
        }
    }

    /// The same view, marked as a view of a `SEC_IMAGE` section.
    pub(crate) fn into_image(mut self) -> View {
        self.image = true;
        self
    }

    /// Whether this is a view of a `SEC_IMAGE` section (`VirtualQuery` reports `MEM_IMAGE`
    /// for it, spec §6.1). Its pages carry the protections of the image's sections.
    #[must_use]
    pub fn is_image(&self) -> bool {
        self.image
    }

    /// For an image view, a request for read-write becomes write-copy (spec §6.2): writes to
    /// an image never reach its file.
    fn for_pages(&self, protection: ViewProtection) -> ViewProtection {
        match (self.image, protection) {
            (true, ViewProtection::ReadWrite) => ViewProtection::WriteCopy,
            (true, ViewProtection::ExecuteReadWrite) => ViewProtection::ExecuteWriteCopy,
            (_, other) => other,
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

    #[inline]
    fn check(&self, offset: usize, len: usize, write: bool) -> Result<()> {
        // No page of a no-access view can ever be read or written; the other views' pages
        // are checked one by one below (a read-only view's page may be made copy-on-write).
        if self.protection == ViewProtection::NoAccess {
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
        self.inner.check_access(offset, len, write)
    }

    /// Copies bytes from the view at `offset` into `buf`.
    ///
    /// This never kills the process, whatever another process does to the section's file: a
    /// page that cannot be read (its backing file was cut short or cannot supply it, or the
    /// system's memory cannot supply it) is an error, where a read through [`View::as_ptr`]
    /// would raise `SIGBUS` (on Windows, `EXCEPTION_IN_PAGE_ERROR`).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::AccessDenied`] if a page of the range cannot be read (a no-access view, a
    /// page made no-access by [`View::protect`], or a page of a `SEC_RESERVE` section not yet
    /// committed, see [`View::commit`]); [`ErrorKind::InvalidParameter`] if the range is outside
    /// the view; [`ErrorKind::InPageError`] if a page cannot be read.
    ///
    /// # Platform notes
    ///
    /// On x86-64 Linux the copy is one `rep movsb` in assembly (as fast as `memcpy` from 4 KiB
    /// on), and a `SIGBUS`/`SIGSEGV` handler that the first copy installs for the process turns
    /// a fault of that instruction into this error; every other fault goes on to the handler
    /// the process had before, or kills it as it would have. With the environment variable
    /// `FILEMAPPING_SAFE_COPY=syscall`, on other architectures, or if a handler that the
    /// program installs later replaces that one without passing its faults on (noticed as the
    /// next view is mapped), the copy goes through `process_vm_readv` on the process itself,
    /// which reports such a page as `EFAULT`. Where a seccomp filter refuses that call (some
    /// container runtimes do without `CAP_SYS_PTRACE`), the copy is direct and a cut-short
    /// file raises `SIGBUS` as on any `mmap`. On Windows a backing file cannot be cut short
    /// while it is mapped, but a page of it can still fail to come in (an I/O error, a network
    /// share or a removable disk gone), which a plain access raises as
    /// `EXCEPTION_IN_PAGE_ERROR`: for a view of a file (or of a section whose attributes the
    /// handle cannot query) the copy goes through `NtReadVirtualMemory` on the process itself,
    /// which reports such a page as a status, named in the error's message; a view of the
    /// paging file is copied directly.
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
    #[inline]
    pub fn read_at(&self, offset: usize, buf: &mut [u8]) -> Result<()> {
        self.check(offset, buf.len(), false)?;
        self.inner.read_into(offset, buf)
    }

    /// Copies `data` into the view at `offset`.
    ///
    /// As [`View::read_at`], this never kills the process: a page that cannot be written (its
    /// backing file was cut short, or a sparse file's file system is full when the page is
    /// first touched, or on Windows the file cannot supply it) is an error. On Windows a view of
    /// a file is written through `NtWriteVirtualMemory`, which never changes a page's
    /// protection (see the platform notes of [`View::read_at`]).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::AccessDenied`] if a page of the range cannot be written (its current
    /// protection, see [`View::protect`], is read-only or no-access, or it is a page of a
    /// `SEC_RESERVE` section not yet committed; copy-on-write pages are written privately);
    /// [`ErrorKind::InvalidParameter`] if the range is outside the view;
    /// [`ErrorKind::InPageError`] if a page cannot be written.
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
    #[inline]
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
    /// Until a page is committed, [`View::read_at`] and [`View::write_at`] refuse it on every
    /// platform. On Linux a raw pointer may still touch it (Windows raises an access
    /// violation): the page is then taken from the system's memory, and committed from then on,
    /// as long as the system has memory; committing makes sure it does. The copies tell
    /// committed pages on shared memory (a memfd or a tmpfs namespace root, the default); under
    /// a root on another file system they do not refuse uncommitted pages.
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
        self.check_range(offset, len, "commit")?;
        self.inner.commit(offset, len, self.protection)
    }

    /// Commits the pages of `[offset, offset + len)` as [`View::commit`] does and gives them
    /// `protection` (`VirtualAlloc(MEM_COMMIT, protection)` on a view, spec §6.3): on a view of
    /// the system's memory this changes the pages' protection as [`View::protect`] would.
    ///
    /// # Errors
    ///
    /// As [`View::commit`]; [`ErrorKind::InvalidParameter`] if the view cannot take
    /// `protection` (spec §6.2, row 95).
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{CreateOptions, ErrorKind, FileMapAccess, SectionAttributes};
    /// use filemapping::ViewProtection;
    ///
    /// let (map, _) = CreateOptions::new()
    ///     .size(1 << 20)
    ///     .attributes(SectionAttributes::RESERVE)
    ///     .create()?;
    /// let mut view = map.map_view(FileMapAccess::WRITE, 0, 0)?;
    /// view.commit_with(0, 65536, ViewProtection::ReadOnly)?;
    /// assert_eq!(view.protection_at(0)?, (ViewProtection::ReadOnly, 65536));
    /// assert_eq!(view.write_at(0, b"x").unwrap_err().kind(), ErrorKind::AccessDenied);
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    ///
    /// # References
    ///
    /// <https://learn.microsoft.com/en-us/windows/win32/api/memoryapi/nf-memoryapi-virtualalloc>
    #[doc(alias = "VirtualAlloc")]
    pub fn commit_with(
        &mut self,
        offset: usize,
        len: usize,
        protection: ViewProtection,
    ) -> Result<()> {
        self.check_range(offset, len, "commit")?;
        let protection = self.for_pages(protection);
        self.check_change(protection)?;
        self.inner.commit(offset, len, protection)
    }

    /// Changes the protection of the pages of `[offset, offset + len)` (rounded out to whole
    /// pages) and returns the protection the first of them had (`VirtualProtect`, spec §6.2).
    ///
    /// The new protection may only take rights the view has, where copy-on-write counts as
    /// reading: a read-only view may become [`ViewProtection::WriteCopy`] (its writes then go
    /// to private copies of the pages that no other view sees) but not read-write;
    /// [`ViewProtection::NoAccess`] is always allowed. [`View::read_at`] and
    /// [`View::write_at`] follow each page's current protection, and [`View::protection_at`]
    /// reports it (a written copy-on-write page reads back as read-write).
    ///
    /// This takes `&mut self`, so that no atomic or slice borrowed from the view can outlive
    /// its pages' access; [`View::protect_shared`] is the `unsafe` form for a shared view.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidParameter`] for a protection the view cannot take, or an empty range
    /// or one outside the view; [`ErrorKind::InvalidAddress`] if a page of the range is not
    /// committed (a `SEC_RESERVE` section's).
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{CreateOptions, ErrorKind, FileMapAccess, ViewProtection};
    ///
    /// let (map, _) = CreateOptions::new().size(8192).create()?;
    /// let mut view = map.map_view(FileMapAccess::WRITE, 0, 0)?;
    /// let old = view.protect(4096, 4096, ViewProtection::ReadOnly)?;
    /// assert_eq!(old, ViewProtection::ReadWrite);
    /// assert_eq!(view.protection_at(0)?, (ViewProtection::ReadWrite, 4096));
    /// assert_eq!(view.protection_at(4096)?, (ViewProtection::ReadOnly, 4096));
    /// view.write_at(0, b"ok")?;
    /// assert_eq!(view.write_at(4096, b"no").unwrap_err().kind(), ErrorKind::AccessDenied);
    ///
    /// // A read-only view may become copy-on-write, never read-write.
    /// let mut ro = map.map_view(FileMapAccess::READ, 0, 0)?;
    /// let err = ro.protect(0, 1, ViewProtection::ReadWrite).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::InvalidParameter);
    /// ro.protect(0, 1, ViewProtection::WriteCopy)?;
    /// ro.write_at(0, b"mine")?;
    /// let mut buf = [0u8; 4];
    /// view.read_at(0, &mut buf)?;
    /// assert_eq!(&buf, b"ok\0\0"); // the private copy is not the section's
    /// assert_eq!(ro.protection_at(0)?.0, ViewProtection::ReadWrite); // a written copy
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    ///
    /// # References
    ///
    /// <https://learn.microsoft.com/en-us/windows/win32/api/memoryapi/nf-memoryapi-virtualprotect>
    #[doc(alias = "VirtualProtect")]
    pub fn protect(
        &mut self,
        offset: usize,
        len: usize,
        protection: ViewProtection,
    ) -> Result<ViewProtection> {
        // SAFETY: `&mut self`: nothing borrowed from the view exists, and no copy runs.
        unsafe { self.protect_shared(offset, len, protection) }
    }

    /// [`View::protect`] through a shared reference, for views that several owners or threads
    /// hold (the C porting layer's `VirtualProtect`).
    ///
    /// # Safety
    ///
    /// While the call runs, no other thread copies to or from the view ([`View::read_at`],
    /// [`View::write_at`]) or accesses the range; and afterwards no reference obtained from the
    /// view ([`View::atomic_u32`], [`View::atomic_u64`], [`View::as_slice`]), nor any pointer,
    /// is used to access a page in a way its new protection denies.
    ///
    /// # Errors
    ///
    /// As [`View::protect`].
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{CreateOptions, FileMapAccess, ViewProtection};
    ///
    /// let (map, _) = CreateOptions::new().size(4096).create()?;
    /// let view = std::sync::Arc::new(map.map_view(FileMapAccess::WRITE, 0, 0)?);
    /// // SAFETY: no other thread uses the view, and nothing borrows its bytes.
    /// unsafe { view.protect_shared(0, 4096, ViewProtection::NoAccess)? };
    /// assert!(view.read_at(0, &mut [0u8; 1]).is_err());
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[doc(alias = "VirtualProtect")]
    pub unsafe fn protect_shared(
        &self,
        offset: usize,
        len: usize,
        protection: ViewProtection,
    ) -> Result<ViewProtection> {
        self.check_range(offset, len, "protect")?;
        let protection = self.for_pages(protection);
        self.check_change(protection)?;
        let end = offset + len;
        let mut at = offset / crate::system::page_size() * crate::system::page_size();
        while at < end {
            let (committed, run) = self.inner.committed_run(at)?;
            if !committed {
                return Err(Error::new(
                    ErrorKind::InvalidAddress,
                    format!("the page at offset {at} is not committed"),
                ));
            }
            at += run.max(1);
        }
        self.inner.protect(offset, len, protection)
    }

    /// The protection of the page holding `offset` and how many bytes from that page on share
    /// it (up to the end of the view's page-rounded region): what `VirtualQuery` reports as
    /// `Protect` and `RegionSize` for committed pages (spec §6.1, §6.2). A copy-on-write page
    /// that was written reads as read-write (spec §5.5).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidParameter`] if `offset` is outside the view's region.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{CreateOptions, FileMapAccess, ViewProtection};
    ///
    /// let (map, _) = CreateOptions::new().size(3 * 4096).create()?;
    /// let mut view = map.map_view(FileMapAccess::COPY, 0, 0)?;
    /// assert_eq!(view.protection_at(0)?, (ViewProtection::WriteCopy, 3 * 4096));
    /// view.write_at(4096, b"private")?;
    /// assert_eq!(view.protection_at(0)?, (ViewProtection::WriteCopy, 4096));
    /// assert_eq!(view.protection_at(4096)?, (ViewProtection::ReadWrite, 4096));
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    ///
    /// # References
    ///
    /// <https://learn.microsoft.com/en-us/windows/win32/api/memoryapi/nf-memoryapi-virtualquery>
    #[doc(alias = "VirtualQuery")]
    pub fn protection_at(&self, offset: usize) -> Result<(ViewProtection, usize)> {
        if offset >= self.region_size() {
            return Err(Error::new(
                ErrorKind::InvalidParameter,
                "the offset is outside the view",
            ));
        }
        self.inner.protection_run(offset)
    }

    /// Fails unless `[offset, offset + len)` is a non-empty range inside the view.
    fn check_range(&self, offset: usize, len: usize, what: &str) -> Result<()> {
        if len == 0 || offset.checked_add(len).map_or(true, |end| end > self.len()) {
            return Err(Error::new(
                ErrorKind::InvalidParameter,
                format!("the range to {what} is empty or outside the view"),
            ));
        }
        Ok(())
    }

    /// Fails unless the view may give its pages `protection` (spec §6.2).
    fn check_change(&self, protection: ViewProtection) -> Result<()> {
        if !self.protection.allows_change_to(protection) {
            return Err(Error::new(
                ErrorKind::InvalidParameter,
                format!(
                    "a {:?} view cannot give its pages {:?} protection",
                    self.protection, protection
                ),
            ));
        }
        Ok(())
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
    /// On Linux a `SEC_RESERVE` page counts as committed once the section's file holds it:
    /// committed, or touched through a raw pointer (which Windows would refuse), in memory or
    /// swapped out. Under a namespace root that is not on shared memory (a tmpfs or a memfd),
    /// the page cache tells instead, and a committed page that was never written counts as
    /// reserved again once the kernel drops it from the cache.
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

    /// Unmaps the view and leaves its address range reserved, for the caller to map another
    /// view into with [`FileMapping::map_view_in_placeholder`](crate::FileMapping::map_view_in_placeholder)
    /// (`UnmapViewOfFile2` with `MEM_PRESERVE_PLACEHOLDER`). The range stays reserved until the
    /// caller gives it back (`munmap` on Linux, `VirtualFree(MEM_RELEASE)` on Windows); this
    /// library never touches it again.
    ///
    /// # Platform notes
    ///
    /// On Windows the view must have been mapped into a placeholder.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::NotEnoughMemory`] if the OS cannot make the reservation (the view is then
    /// still unmapped on Linux); on Windows, the error of `UnmapViewOfFile2`.
    ///
    /// # References
    ///
    /// <https://learn.microsoft.com/en-us/windows/win32/api/memoryapi/nf-memoryapi-unmapviewoffile2>
    #[doc(alias = "UnmapViewOfFile2")]
    pub fn unmap_to_placeholder(self) -> Result<()> {
        self.inner.unmap_to_placeholder()
    }
}
