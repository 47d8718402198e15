//! Applies an image's base relocations to a view's memfd before the view is mapped: the
//! relocation directory is read back from the laid-out image, parsed by
//! [`ImageLayout::parse_relocations`], and each block's page is read, fixed up and written
//! back once; then the headers' `ImageBase` is set to the new base (Windows and Wine both
//! stamp it, and the loader keys further fixups on it). The memfd is the view's own, so the
//! relocated pages belong to no one else, and the file is never written.

use super::errors::os_error;
use super::fd;
use crate::error::{ErrorKind, Result};
use crate::image::{ImageLayout, Relocation};
use std::os::unix::io::RawFd;

/// Relocates the image laid out in `mem` for `base`.
pub(super) fn relocate(mem: RawFd, layout: &ImageLayout, base: u64) -> Result<()> {
    let delta = base.wrapping_sub(layout.image_base()) as i64;
    if delta == 0 || layout.is_flat() {
        return Ok(());
    }
    if let Some((va, size)) = layout.relocation_directory() {
        let mut dir = vec![0u8; size as usize];
        read(mem, &mut dir, u64::from(va))?;
        let relocations = ImageLayout::parse_relocations(&dir, layout.size_of_image())?;
        for page in by_page(&relocations) {
            fix_page(mem, page, delta)?;
        }
    }
    let (at, width) = layout.image_base_field();
    if at as usize + width <= layout.header_size() as usize {
        write(mem, &base.to_le_bytes()[..width], u64::from(at))?;
    }
    Ok(())
}

/// Applies `relocations`, which share a page, to `mem`.
fn fix_page(mem: RawFd, relocations: &[Relocation], delta: i64) -> Result<()> {
    let start = relocations[0].rva() & !0xfff;
    let end = relocations
        .iter()
        .map(|r| r.rva() as usize + r.kind().width())
        .max()
        .unwrap_or(0);
    let mut buf = vec![0u8; end - start as usize];
    read(mem, &mut buf, u64::from(start))?;
    for r in relocations {
        // The buffer covers every field of the run.
        let _ = r.apply(&mut buf, (r.rva() - start) as usize, delta);
    }
    write(mem, &buf, u64::from(start))
}

/// Runs of consecutive relocations that share a 4 KiB page.
fn by_page(relocations: &[Relocation]) -> Vec<&[Relocation]> {
    let mut runs = Vec::new();
    let mut first = 0;
    for i in 1..=relocations.len() {
        if i == relocations.len() || relocations[i].rva() >> 12 != relocations[first].rva() >> 12 {
            runs.push(&relocations[first..i]);
            first = i;
        }
    }
    runs
}

fn read(mem: RawFd, buf: &mut [u8], at: u64) -> Result<()> {
    fd::pread_exact(mem, buf, at)
        .map_err(|e| os_error(ErrorKind::NotEnoughMemory, "cannot read the image", e))
}

fn write(mem: RawFd, buf: &[u8], at: u64) -> Result<()> {
    fd::pwrite_all(mem, buf, at)
        .map_err(|e| os_error(ErrorKind::NotEnoughMemory, "cannot relocate the image", e))
}
