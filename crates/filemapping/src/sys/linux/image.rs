//! `SEC_IMAGE` sections on Linux: the file is checked when the section is created, and every
//! view is built in the mapping process from the file, as Windows' memory manager lays an
//! image out (`crate::image` has the layout and its checks).
//!
//! A view is built in four steps:
//!
//! 1. the file's headers are read and parsed again (a process that opened the section by
//!    name gets the file from the object's header, through `backing`, exactly like a data
//!    file; it builds the same layout from the same file);
//! 2. the layout is written into a fresh memfd of `SizeOfImage` bytes (page-rounded): the
//!    headers and each section's raw data copied from the file at their RVAs, everything else
//!    a hole, which reads as zero and costs no memory (a large `.bss` is free until it is
//!    written);
//! 3. a dynamically relocated DLL (`ImageLayout::is_dynamically_relocated`) is relocated in
//!    the memfd for the base `imagebase` derives for its file, the same in every view and
//!    every process, and the headers' `ImageBase` set to it (`relocate`); then the memfd's
//!    size is sealed;
//! 4. the memfd is mapped `MAP_PRIVATE` as an ordinary view of `PAGE_EXECUTE_WRITECOPY`
//!    (the view's `AllocationProtect`, spec §6.1), at the address `MapViewOfFileEx` names, else
//!    at that base (or, for any other image, its own `ImageBase`) when that range is free and
//!    64 KiB-aligned, else at a 64 KiB-aligned address of the system's choosing, with the same
//!    bytes: a view is never relocated for where it lands, as on Windows, whose memory
//!    manager shares one relocated copy among all views and leaves the rest to the loader
//!    (Wine's `map_image_into_view` relocates by `map_addr - base`, not by where the view
//!    lies; Wine's ntdll `test_syscalls` relocates a second view of ntdll.dll by its distance
//!    from the loaded one, on Windows too); then each run of pages gets its section's
//!    protection through the view's own per-page table ([`ViewOps::protect`]), which
//!    `VirtualQuery` and `VirtualProtect` use. Relocated pages are the view's file contents,
//!    not written pages: they stay `PAGE_WRITECOPY` or whatever their section gives.
//!
//! Why a copy and not a `MAP_PRIVATE` mapping of the file itself, where offsets allow: the
//! private pages of a file mapping that were never written show later writes to the file, and
//! pages past a shrunk file's end fault with SIGBUS. Windows refuses to write or shrink a file
//! while an image section of it exists; Linux cannot refuse, so each view takes a snapshot and
//! nothing another process does to the file reaches it (DESIGN invariant 9). Writes to the view
//! stay private to it: the memfd is this view's alone, and the mapping is copy-on-write anyway.
//! The cost is one copy of the image's raw data per view.

use super::errors::os_error;
use super::fd;
use super::imagebase;
use super::relocate;
use super::view::{Mapping, Placement, Store, View};
use crate::error::{ErrorKind, Result};
use crate::granularity::ALLOCATION_GRANULARITY;
use crate::image::{ImageLayout, HEADER_LIMIT};
use crate::protection::{SectionAttributes, ViewProtection};
use crate::sys::{MapRequest, ViewOps};
use std::os::unix::io::{AsRawFd, OwnedFd, RawFd};
use std::sync::Arc;

/// Reads and checks the image in the file `raw` (`ERROR_BAD_EXE_FORMAT` if it is not one).
pub(super) fn layout(raw: RawFd) -> Result<ImageLayout> {
    let len = fd::fstat(raw)
        .map_err(|e| os_error(ErrorKind::Other, "fstat", e))?
        .st_size as u64;
    let want = (len.min(HEADER_LIMIT as u64)) as usize;
    let mut head = vec![0u8; want];
    let got = read_up_to(raw, &mut head, 0)?;
    ImageLayout::parse(&head[..got], len)
}

/// Whether a file-backed section's header may carry `attributes`: `SEC_FILE | SEC_IMAGE`,
/// with `SEC_NOCACHE` for `SEC_IMAGE_NO_EXECUTE` (what `SectionAttributes::validate` gives).
pub(super) fn valid_attributes(attributes: SectionAttributes) -> bool {
    use SectionAttributes as S;
    attributes == S::FILE | S::IMAGE || attributes == S::FILE | S::IMAGE_NO_EXECUTE
}

/// Whether a section with `attributes` is an image.
pub(super) fn is_image(attributes: SectionAttributes) -> bool {
    attributes.contains(SectionAttributes::IMAGE)
}

/// Reads what the file holds of `buf.len()` bytes from `offset`; fewer at its end.
fn read_up_to(raw: RawFd, buf: &mut [u8], offset: u64) -> Result<usize> {
    let mut done = 0;
    while done < buf.len() {
        let n = fd::pread(raw, &mut buf[done..], offset + done as u64)
            .map_err(|e| os_error(ErrorKind::Other, "cannot read the image", e))?;
        if n == 0 {
            break;
        }
        done += n;
    }
    Ok(done)
}

/// Maps a view of the image in `file` (see the module documentation); `attributes` are the
/// section's (`SEC_IMAGE_NO_EXECUTE` drops execute from every page).
pub(super) fn map(
    file: &Arc<OwnedFd>,
    req: &MapRequest,
    attributes: SectionAttributes,
) -> Result<View> {
    let raw = file.as_raw_fd();
    let layout = layout(raw)?;
    let page = fd::page_size();
    let len = layout.size_of_image() as usize;
    let region = (len + page - 1) / page * page;
    let memfd = fd::memfd().map_err(|e| os_error(ErrorKind::NotEnoughMemory, "memfd_create", e))?;
    let mem = memfd.as_raw_fd();
    fd::set_len(mem, region as u64)
        .map_err(|e| os_error(ErrorKind::NotEnoughMemory, "cannot size the image", e))?;
    for (at, from, size) in layout.file_pieces() {
        copy(raw, mem, from, at, size)?;
    }
    let dynamic = dynamic_base(raw, &layout);
    if let Some(base) = dynamic {
        relocate::relocate(mem, &layout, base)?;
    }
    fd::seal_size(mem).map_err(|e| os_error(ErrorKind::Other, "cannot seal the image", e))?;
    let memfd = Arc::new(memfd);
    let mapping = |base| Mapping {
        store: Store::Memory {
            fd: Arc::clone(&memfd),
            offset: 0,
            reserve: false,
        },
        len,
        protection: ViewProtection::ExecuteWriteCopy,
        base,
        replace: false,
        placement: Placement::plain(),
    };
    let view = match req.base {
        Some(base) => View::map(mapping(Some(base)))?,
        None => match dynamic.or(Some(layout.image_base())).and_then(preferred) {
            Some(base) => match View::map(mapping(Some(base))) {
                Ok(view) => view,
                Err(_) => View::map(mapping(None))?,
            },
            None => View::map(mapping(None))?,
        },
    };
    let no_execute = attributes.contains(SectionAttributes::NOCACHE);
    let table = layout.page_protections(page, no_execute);
    let mut i = 0;
    while i < table.len() {
        let mut j = i + 1;
        while j < table.len() && table[j] == table[i] {
            j += 1;
        }
        if table[i] != ViewProtection::ExecuteWriteCopy {
            view.protect(i * page, ((j - i) * page).min(len - i * page), table[i])?;
        }
        i = j;
    }
    Ok(view)
}

/// The base a dynamically relocated DLL was moved to (`imagebase`), or `None` for any other
/// image, which keeps its own base and is never relocated (Windows and Wine alike: an image
/// without `IMAGE_DLLCHARACTERISTICS_DYNAMIC_BASE`, or with its relocations stripped and no
/// code, is mapped as the file has it, wherever the view lands).
fn dynamic_base(raw: RawFd, layout: &ImageLayout) -> Option<u64> {
    if layout.is_dll() && layout.is_dynamically_relocated() {
        imagebase::dynamic_base(raw, layout)
    } else {
        None
    }
}

/// The address a view of the image goes to when it is free: the base the image was relocated
/// for, or its own (Windows maps a view elsewhere when that range is taken, or at the address
/// `MapViewOfFileEx` names, with the same bytes: `STATUS_IMAGE_NOT_AT_BASE`, which
/// `MapViewOfFile` reports as success; the loader, not the memory manager, fixes up a view
/// that does not lie at the base its header names).
fn preferred(base: u64) -> Option<usize> {
    let base = usize::try_from(base).ok()?;
    (base != 0 && base % ALLOCATION_GRANULARITY == 0).then_some(base)
}

/// Copies `len` bytes of `src` from `from` to `dst` at `to`; what lies past the end of `src`
/// stays zero.
fn copy(src: RawFd, dst: RawFd, from: u64, to: u64, len: u64) -> Result<()> {
    let mut buf = vec![0u8; len.min(1 << 20) as usize];
    let mut done = 0;
    while done < len {
        let n = (len - done).min(buf.len() as u64) as usize;
        let got = read_up_to(src, &mut buf[..n], from + done)?;
        if got == 0 {
            break;
        }
        fd::pwrite_all(dst, &buf[..got], to + done)
            .map_err(|e| os_error(ErrorKind::NotEnoughMemory, "cannot build the image", e))?;
        done += got as u64;
    }
    Ok(())
}
