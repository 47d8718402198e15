//! [`FileMapping`]: a handle to a section (file-mapping object).

#![allow(unsafe_code)]

use crate::error::{Error, ErrorKind, Result};
use crate::granularity::ALLOCATION_GRANULARITY;
use crate::protection::{FileMapAccess, SectionAttributes, ViewProtection};
use crate::ring::RingView;
use crate::sys::{self, MapRequest, SectionOps};
use crate::types::SectionInfo;
use crate::view::View;

/// A handle to a section (a Windows file-mapping object).
///
/// A named section exists while at least one handle to it is open in any process; a process
/// that dies closes its handles. The memory lives on while views of it exist, even after the
/// last handle is closed (and the name is gone), as on Windows. Dropping the handle closes it.
///
/// # Platform notes
///
/// On Linux a handle is an open file description of an object file in the namespace directory,
/// holding a lock of its own; no daemon is involved. Unnamed sections are memfds sealed against
/// resizing.
///
/// # Examples
///
/// ```
/// use filemapping::{CreateOptions, FileMapAccess, FileMapping};
///
/// let name = format!("doc-mapping-{}", std::process::id());
/// let (writer, _) = CreateOptions::new().name(&name).size(4096).create()?;
/// let view = writer.map_view(FileMapAccess::WRITE, 0, 0)?;
/// view.write_at(0, b"hi")?;
///
/// let reader = FileMapping::open(&name, FileMapAccess::READ)?;
/// let mut buf = [0u8; 2];
/// reader.map_view(FileMapAccess::READ, 0, 2)?.read_at(0, &mut buf)?;
/// assert_eq!(&buf, b"hi");
/// # Ok::<(), filemapping::Error>(())
/// ```
#[derive(Debug)]
pub struct FileMapping {
    inner: sys::Section,
}

impl FileMapping {
    pub(crate) fn from_inner(inner: sys::Section) -> FileMapping {
        FileMapping { inner }
    }

    /// Maps a view of `len` bytes from `offset` (`MapViewOfFile`). `len == 0` maps to the end of
    /// the section. The view's protection derives from `access` (spec §5.1) and the view stays
    /// valid after this handle is closed.
    ///
    /// # Errors
    ///
    /// - [`ErrorKind::AccessDenied`]: the handle lacks the rights for `access` (spec §5.2), or
    ///   the range runs past the section (spec §5.4).
    /// - [`ErrorKind::InvalidParameter`]: the view would exceed the section's protection.
    /// - [`ErrorKind::MappedAlignment`]: `offset` is not a multiple of 64 KiB.
    /// - [`ErrorKind::NotEnoughMemory`]: no address space left.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{CreateOptions, ErrorKind, FileMapAccess};
    ///
    /// let (map, _) = CreateOptions::new().size(128 * 1024).create()?;
    /// let view = map.map_view(FileMapAccess::WRITE, 65536, 0)?;
    /// assert_eq!(view.len(), 65536);
    /// let err = map.map_view(FileMapAccess::READ, 4096, 0).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::MappedAlignment);
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    ///
    /// # References
    ///
    /// <https://learn.microsoft.com/en-us/windows/win32/api/memoryapi/nf-memoryapi-mapviewoffile>
    #[doc(alias = "MapViewOfFile")]
    pub fn map_view(&self, access: FileMapAccess, offset: u64, len: usize) -> Result<View> {
        self.map(access, offset, len, None, false)
    }

    /// Maps a view at exactly `base` (`MapViewOfFileEx`), which must be a multiple of 64 KiB and
    /// free in this process. Never replaces an existing mapping.
    ///
    /// # Errors
    ///
    /// As [`map_view`](Self::map_view), plus [`ErrorKind::MappedAlignment`] for a misaligned
    /// base and [`ErrorKind::InvalidAddress`] when the range is in use.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{CreateOptions, ErrorKind, FileMapAccess};
    ///
    /// let (map, _) = CreateOptions::new().size(65536).create()?;
    /// let first = map.map_view(FileMapAccess::WRITE, 0, 0)?;
    /// let taken = first.as_ptr() as usize;
    /// let err = map.map_view_at(FileMapAccess::WRITE, 0, 0, taken).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::InvalidAddress);
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    ///
    /// # References
    ///
    /// <https://learn.microsoft.com/en-us/windows/win32/api/memoryapi/nf-memoryapi-mapviewoffileex>
    #[doc(alias = "MapViewOfFileEx")]
    pub fn map_view_at(
        &self,
        access: FileMapAccess,
        offset: u64,
        len: usize,
        base: usize,
    ) -> Result<View> {
        self.map(access, offset, len, Some(base), false)
    }

    /// Maps a view at exactly `base`, replacing the reserved address range the caller owns
    /// there (a placeholder: `MapViewOfFile3` with `MEM_REPLACE_PLACEHOLDER`). The range is the
    /// view's from then on: dropping the view unmaps it, and
    /// [`View::unmap_to_placeholder`] turns it back into a reservation.
    ///
    /// With [`map_ring`](Self::map_ring) this is the way to place views side by side without a
    /// moment in which another thread could map something in between.
    ///
    /// # Errors
    ///
    /// As [`map_view`](Self::map_view), plus [`ErrorKind::MappedAlignment`] for a base that is
    /// not a multiple of 64 KiB.
    ///
    /// # Safety
    ///
    /// `[base, base + len)`, page-rounded (with `len` 0: the rest of the section), is a
    /// reservation that the caller owns and that nothing uses: on Linux an anonymous mapping of
    /// its own (`PROT_NONE`, say), on Windows a placeholder of exactly that size
    /// (`VirtualAlloc2` with `MEM_RESERVE_PLACEHOLDER`). Its pages are replaced.
    ///
    /// # References
    ///
    /// <https://learn.microsoft.com/en-us/windows/win32/api/memoryapi/nf-memoryapi-mapviewoffile3>
    #[doc(alias = "MapViewOfFile3")]
    pub unsafe fn map_view_in_placeholder(
        &self,
        access: FileMapAccess,
        offset: u64,
        len: usize,
        base: usize,
    ) -> Result<View> {
        self.map(access, offset, len, Some(base), true)
    }

    /// Maps `len` bytes of the section from `offset` twice, back to back: a ring buffer. The
    /// second copy starts where the first ends and shows the same memory, so a record that
    /// runs past the end of the ring is still one contiguous range: writing `n` bytes at
    /// `ring.as_ptr().add(pos)` for any `pos < len` and `n <= len` needs no split at the end.
    /// This is what Windows code builds from `VirtualAlloc2` placeholders and
    /// `MapViewOfFile3`; both halves are placed in one step on Linux.
    ///
    /// `len` must be a non-zero multiple of [the allocation granularity](crate::ALLOCATION_GRANULARITY)
    /// (64 KiB), the granularity at which views are placed.
    ///
    /// # Errors
    ///
    /// As [`map_view`](Self::map_view); [`ErrorKind::InvalidParameter`] for a `len` that is 0
    /// or not a multiple of 64 KiB.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{CreateOptions, FileMapAccess, ALLOCATION_GRANULARITY};
    ///
    /// let len = ALLOCATION_GRANULARITY;
    /// let (map, _) = CreateOptions::new().size(len as u64).create()?;
    /// let ring = map.map_ring(FileMapAccess::WRITE, 0, len)?;
    /// // A record across the end of the ring, written in one piece...
    /// ring.write_at(len - 3, b"wrapped")?;
    /// // ...lands at the end and, wrapping, at the start.
    /// let mut start = [0u8; 4];
    /// ring.read_at(0, &mut start)?;
    /// assert_eq!(&start, b"pped");
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    pub fn map_ring(&self, access: FileMapAccess, offset: u64, len: usize) -> Result<RingView> {
        if len == 0 || len % ALLOCATION_GRANULARITY != 0 {
            return Err(Error::new(
                ErrorKind::InvalidParameter,
                "a ring's length is a non-zero multiple of 64 KiB",
            ));
        }
        let request = self.view_request(access, offset, len, None)?;
        let (first, second) = self.inner.map_ring(&request)?;
        Ok(RingView::new(
            View::from_inner(first, request.protection, offset),
            View::from_inner(second, request.protection, offset),
        ))
    }

    fn map(
        &self,
        access: FileMapAccess,
        offset: u64,
        len: usize,
        base: Option<usize>,
        replace: bool,
    ) -> Result<View> {
        let mut request = self.view_request(access, offset, len, base)?;
        request.replace = replace;
        let inner = self.inner.map(&request)?;
        if self
            .inner
            .info()
            .attributes
            .contains(SectionAttributes::IMAGE)
        {
            // Image views are PAGE_EXECUTE_WRITECOPY whatever the access (spec §6.1).
            let view = View::from_inner(inner, ViewProtection::ExecuteWriteCopy, offset);
            return Ok(view.into_image());
        }
        Ok(View::from_inner(inner, request.protection, offset))
    }

    /// The checks of `MapViewOfFile`, in Windows' order (spec §5.2–§5.4).
    fn view_request(
        &self,
        access: FileMapAccess,
        offset: u64,
        len: usize,
        base: Option<usize>,
    ) -> Result<MapRequest> {
        let protection = ViewProtection::for_access(access);
        if !sys::EMULATED {
            return Ok(MapRequest {
                protection,
                access,
                offset,
                len,
                base,
                replace: false,
            });
        }
        if !self.inner.access().contains(protection.required_access()) {
            return Err(Error::new(
                ErrorKind::AccessDenied,
                format!("the handle's rights do not allow a {protection:?} view"),
            ));
        }
        let granularity = ALLOCATION_GRANULARITY as u64;
        if offset % granularity != 0 || base.map_or(false, |b| b % ALLOCATION_GRANULARITY != 0) {
            return Err(Error::new(
                ErrorKind::MappedAlignment,
                "view offsets and base addresses must be multiples of 64 KiB",
            ));
        }
        let info = self.inner.info();
        large_page_checks(info, access, offset, len, base)?;
        if !info.protection.allows(protection) {
            return Err(Error::new(
                ErrorKind::InvalidParameter,
                format!(
                    "a {protection:?} view exceeds the section's {}",
                    info.protection
                ),
            ));
        }
        let len = view_len(info.size, offset, len)?;
        Ok(MapRequest {
            protection,
            access,
            offset,
            len,
            base,
            replace: false,
        })
    }

    /// What the section is (`NtQuerySection`). The handle needs `SECTION_QUERY` (spec §3).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::AccessDenied`] if the handle lacks `SECTION_QUERY`.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{CreateOptions, ErrorKind, FileMapAccess};
    ///
    /// let (map, _) = CreateOptions::new().size(4096).create()?;
    /// assert_eq!(map.info()?.size(), 4096);
    /// let reader = map.duplicate(FileMapAccess::READ, false)?;
    /// assert_eq!(reader.info().unwrap_err().kind(), ErrorKind::AccessDenied);
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[doc(alias = "NtQuerySection")]
    pub fn info(&self) -> Result<SectionInfo> {
        if !self.inner.access().contains(FileMapAccess::QUERY) {
            return Err(Error::new(
                ErrorKind::AccessDenied,
                "the handle lacks SECTION_QUERY",
            ));
        }
        Ok(self.inner.info().clone())
    }

    /// The section's full name (`Local\x` or `Global\x`), or `None` if unnamed.
    ///
    /// # Examples
    ///
    /// ```
    /// let (map, _) = filemapping::CreateOptions::new().size(1).create()?;
    /// assert!(map.name().is_none());
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[must_use]
    pub fn name(&self) -> Option<&str> {
        self.inner.info().name.as_deref()
    }

    /// The rights of this handle.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{CreateOptions, FileMapAccess};
    ///
    /// let (map, _) = CreateOptions::new().size(1).create()?;
    /// assert!(map.access().contains(FileMapAccess::READ | FileMapAccess::WRITE));
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[must_use]
    pub fn access(&self) -> FileMapAccess {
        self.inner.access()
    }

    /// The number of handles open on the section in all processes (what Windows reports through
    /// `NtQueryObject`). A peer that holds the only other handle is gone when this drops to 1.
    ///
    /// # Platform notes
    ///
    /// On Linux a handle inherited by a child shares its open file description with the parent's
    /// and counts once.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Other`] if the OS cannot tell.
    ///
    /// # Examples
    ///
    /// ```
    /// let (map, _) = filemapping::CreateOptions::new().size(1).create()?;
    /// assert_eq!(map.handle_count()?, 1);
    /// let second = map.try_clone()?;
    /// assert_eq!(map.handle_count()?, 2);
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[doc(alias = "NtQueryObject")]
    pub fn handle_count(&self) -> Result<u64> {
        self.inner.handle_count()
    }

    /// The ids of the processes that hold the section open (this one included), where the OS
    /// can tell. Views alone also count on Linux, since a view keeps the object's file open.
    ///
    /// # Platform notes
    ///
    /// On Linux this scans `/proc`; processes of other users are visible only to root.
    ///
    /// # Examples
    ///
    /// ```
    /// let (map, _) = filemapping::CreateOptions::new().size(1).create()?;
    /// assert!(map.holder_pids().contains(&std::process::id()));
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[must_use]
    pub fn holder_pids(&self) -> Vec<u32> {
        self.inner.holder_pids()
    }

    /// A second handle with the same rights (`DuplicateHandle` with `DUPLICATE_SAME_ACCESS`).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::AccessDenied`] if the object's security no longer allows it.
    ///
    /// # Examples
    ///
    /// ```
    /// let (map, _) = filemapping::CreateOptions::new().size(1).create()?;
    /// let copy = map.try_clone()?;
    /// assert_eq!(copy.access(), map.access());
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[doc(alias = "DuplicateHandle")]
    pub fn try_clone(&self) -> Result<FileMapping> {
        self.duplicate(self.access(), false)
    }

    /// A second handle with exactly `access` (`DuplicateHandle`), inheritable or not; generic
    /// rights are mapped ([`FileMapAccess::map_generic`]). Rights are checked against the
    /// object's security, not against this handle's rights (spec §7).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::AccessDenied`] if the object's security refuses `access`.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{CreateOptions, ErrorKind, FileMapAccess};
    ///
    /// let (map, _) = CreateOptions::new().size(4096).create()?;
    /// let reader = map.duplicate(FileMapAccess::READ, false)?;
    /// let err = reader.map_view(FileMapAccess::WRITE, 0, 0).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::AccessDenied);
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[doc(alias = "DuplicateHandle")]
    pub fn duplicate(&self, access: FileMapAccess, inheritable: bool) -> Result<FileMapping> {
        self.inner
            .duplicate(access.map_generic(), inheritable)
            .map(FileMapping::from_inner)
    }

    /// For an inheritable handle: the text to pass to a child process (on its command line or in
    /// its environment) so that it can adopt the handle with
    /// [`from_inherit_token`](Self::from_inherit_token). `None` if the handle is not inheritable.
    ///
    /// Every child started while the handle is open inherits it, as with Windows'
    /// `bInheritHandles = TRUE`.
    ///
    /// # Examples
    ///
    /// ```
    /// let (map, _) = filemapping::CreateOptions::new().size(1).create()?;
    /// assert_eq!(map.inherit_token(), None);
    /// let child_copy = map.duplicate(map.access(), true)?;
    /// assert!(child_copy.inherit_token().is_some());
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[must_use]
    pub fn inherit_token(&self) -> Option<String> {
        self.inner.inherit_token()
    }

    /// Adopts a handle inherited from the parent process, described by the parent's
    /// [`inherit_token`](Self::inherit_token).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidHandle`] if the token is malformed or does not describe a section.
    ///
    /// # Safety
    ///
    /// The descriptors named by the token must have been inherited from the parent, be open,
    /// and be owned by nothing else in this process; adopt each token at most once.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use filemapping::FileMapping;
    ///
    /// let token = std::env::var("MY_MAPPING").expect("set by the parent");
    /// // SAFETY: the parent passed an inheritable handle's token, adopted only here.
    /// let map = unsafe { FileMapping::from_inherit_token(&token)? };
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    pub unsafe fn from_inherit_token(token: &str) -> Result<FileMapping> {
        // SAFETY: the caller upholds the contract of `SectionOps::adopt`, which is this
        // function's own.
        unsafe { sys::Section::adopt(token) }.map(FileMapping::from_inner)
    }

    /// Closes the handle (`CloseHandle`), reporting errors that dropping would ignore. Views stay
    /// valid. If it was the last handle anywhere, the name is gone.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Other`] if the OS failed to remove the name.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{ErrorKind, FileMapAccess, FileMapping};
    ///
    /// let name = format!("doc-close-{}", std::process::id());
    /// let (map, _) = FileMapping::create(&name, 4096)?;
    /// let view = map.map_view(FileMapAccess::WRITE, 0, 0)?;
    /// map.close()?;
    /// view.write_at(0, b"still mapped")?;
    /// let err = FileMapping::open(&name, FileMapAccess::READ).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::NotFound);
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[doc(alias = "CloseHandle")]
    pub fn close(self) -> Result<()> {
        self.inner.close()
    }
}

/// The view length: `len`, or the rest of the section for 0; the range must lie inside the
/// section (spec §5.4, rows 78–80).
fn view_len(size: u64, offset: u64, len: usize) -> Result<usize> {
    let past = || {
        Error::new(
            ErrorKind::AccessDenied,
            format!("the view runs past the end of the {size}-byte section"),
        )
    };
    if offset >= size {
        return Err(past());
    }
    let wanted = if len == 0 { size - offset } else { len as u64 };
    if wanted > size - offset {
        return Err(past());
    }
    usize::try_from(wanted).map_err(|_| {
        Error::new(
            ErrorKind::NotEnoughMemory,
            "the view does not fit the address space",
        )
    })
}

/// The view checks of a `SEC_LARGE_PAGES` section (spec §2.4, §5.4): its views' offsets and
/// bases are multiples of the large page (`ERROR_MAPPED_ALIGNMENT`, as for any misaligned
/// offset); `FILE_MAP_LARGE_PAGES` needs such a section and a length of whole large pages
/// (`ERROR_INVALID_PARAMETER`).
fn large_page_checks(
    info: &SectionInfo,
    access: FileMapAccess,
    offset: u64,
    len: usize,
    base: Option<usize>,
) -> Result<()> {
    let large = info
        .attributes
        .contains(crate::protection::SectionAttributes::LARGE_PAGES);
    let flag = access.contains(FileMapAccess::LARGE_PAGES);
    if !large {
        return if flag {
            Err(Error::new(
                ErrorKind::InvalidParameter,
                "FILE_MAP_LARGE_PAGES needs a SEC_LARGE_PAGES section",
            ))
        } else {
            Ok(())
        };
    }
    let page = crate::system::large_page_minimum().max(1);
    if offset % page as u64 != 0 || base.map_or(false, |b| b % page != 0) {
        return Err(Error::new(
            ErrorKind::MappedAlignment,
            format!("views of a SEC_LARGE_PAGES section start on large pages ({page} bytes)"),
        ));
    }
    if flag && len % page != 0 {
        return Err(Error::new(
            ErrorKind::InvalidParameter,
            format!("a FILE_MAP_LARGE_PAGES view is whole large pages ({page} bytes)"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn view_lengths_follow_spec_5_4() {
        assert_eq!(view_len(0x3452, 0, 0x3452).unwrap(), 0x3452);
        assert_eq!(
            view_len(0x3452, 0, 0x3453).unwrap_err().kind(),
            ErrorKind::AccessDenied
        );
        assert_eq!(view_len(4096, 0, 0).unwrap(), 4096);
        assert_eq!(
            view_len(65536, 65536, 0).unwrap_err().kind(),
            ErrorKind::AccessDenied
        );
        assert_eq!(view_len(131072, 65536, 0).unwrap(), 65536);
    }
}
