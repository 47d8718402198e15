//! The base a dynamically relocated DLL is moved to (`ImageDynamicallyRelocated`, spec §6.1).
//!
//! Windows relocates such an image once, for a base its address-space layout randomization
//! picks, and every view of the section, in every process, shows that one relocated copy; a
//! view that cannot lie at that base lies elsewhere with the same bytes
//! (`STATUS_IMAGE_NOT_AT_BASE`, and the loader fixes up the rest). Wine models this with one
//! address per image file that its server hands out (`assign_map_address` and
//! `get_image_map_address` in `server/mapping.c`), and relocates every view for it
//! (`map_image_into_view` in `dlls/ntdll/unix/virtual.c`).
//!
//! Here no process holds a shared choice, so the base is derived from what every process
//! sees alike: the file's device and inode, and the boot's identifier (a new boot, a new
//! layout, as Windows draws a new one each boot). It lies 64 KiB-aligned in the range Windows
//! uses for DLLs of the image's kind: below 4 GiB for an image that prefers a base below
//! 4 GiB, else high in the 47-bit address space; never at the image's own base.

use super::fd;
use crate::granularity::ALLOCATION_GRANULARITY;
use crate::image::ImageLayout;
use std::os::unix::io::RawFd;

/// Where 32-bit DLLs go (Windows' bottom-up range for them ends at 0x7800_0000).
const LOW: (u64, u64) = (0x5000_0000, 0x7800_0000);
/// Where 64-bit DLLs go: far from the heap, the stacks and the mappings Linux places itself.
const HIGH: (u64, u64) = (0x6000_0000_0000, 0x7000_0000_0000);

/// The base the image in the file `raw` is relocated for, or `None` (no base fits, or the
/// file cannot be examined: the image then stays at its own base, unrelocated).
pub(super) fn dynamic_base(raw: RawFd, layout: &ImageLayout) -> Option<u64> {
    let st = fd::fstat(raw).ok()?;
    let boot = std::fs::read("/proc/sys/kernel/random/boot_id").unwrap_or_default();
    let mut key = boot;
    key.extend_from_slice(&(st.st_dev as u64).to_le_bytes());
    key.extend_from_slice(&(st.st_ino as u64).to_le_bytes());
    pick(fnv1a(&key), layout)
}

/// The base in the image's range that `hash` selects.
fn pick(hash: u64, layout: &ImageLayout) -> Option<u64> {
    let (start, end) = if layout.image_base() >> 32 == 0 {
        LOW
    } else {
        HIGH
    };
    let unit = ALLOCATION_GRANULARITY as u64;
    let size = (u64::from(layout.size_of_image()) + unit - 1) / unit * unit;
    let slots = end.checked_sub(start)?.checked_sub(size)? / unit;
    if slots < 2 || usize::try_from(end).is_err() {
        return None;
    }
    let mut slot = hash % slots;
    if start + slot * unit == layout.image_base() {
        slot = (slot + 1) % slots;
    }
    Some(start + slot * unit)
}

/// FNV-1a, 64 bits.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}
