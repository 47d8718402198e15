//! Huge pages: hugetlb memory for `SEC_LARGE_PAGES` sections, and the transparent huge pages a
//! tmpfs mounted with `huge=` gives ordinary sections ("Huge pages" in the lock protocol,
//! `object`, says how both shape the object file).

#![allow(unsafe_code)]

use super::errors::os_error;
use super::fd::{self, Sys};
use crate::error::{Error, ErrorKind, Result};
use std::os::unix::io::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::Mutex;

/// `MFD_HUGETLB` (Linux 4.14; `libc` before 0.2.184 may lack it).
const MFD_HUGETLB: libc::c_uint = 0x0004;

/// `MADV_HUGEPAGE`.
const MADV_HUGEPAGE: libc::c_int = 14;

/// The default huge page size (`Hugepagesize` in `/proc/meminfo`), or 0 if the kernel has
/// none. Read once.
pub(crate) fn large_page_size() -> usize {
    static SIZE: Mutex<Option<usize>> = Mutex::new(None);
    let mut size = SIZE.lock().unwrap_or_else(|e| e.into_inner());
    *size.get_or_insert_with(|| {
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        meminfo_field(&meminfo, "Hugepagesize:").map_or(0, |kb| kb as usize * 1024)
    })
}

/// A `kB` (or plain count) field of `/proc/meminfo`.
fn meminfo_field(meminfo: &str, field: &str) -> Option<u64> {
    let rest = meminfo.lines().find_map(|line| line.strip_prefix(field))?;
    let rest = rest.trim();
    rest.strip_suffix("kB")
        .unwrap_or(rest)
        .trim()
        .parse::<u64>()
        .ok()
}

/// How many pages of `page` bytes hold `self` bytes.
trait Pages {
    fn div_ceil_pages(self, page: usize) -> u64;
}

impl Pages for u64 {
    fn div_ceil_pages(self, page: usize) -> u64 {
        let page = page as u64;
        self / page + u64::from(self % page != 0)
    }
}

/// The hint every "no huge pages" error carries.
fn hint(needed: u64, page: usize) -> String {
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let free = meminfo_field(&meminfo, "HugePages_Free:").unwrap_or(0);
    let total = meminfo_field(&meminfo, "HugePages_Total:").unwrap_or(0);
    format!(
        "SEC_LARGE_PAGES needs {needed} free huge pages of {} KiB, and the pool has {free} free \
         of {total}: raise vm.nr_hugepages (as root: sysctl -w vm.nr_hugepages=N); the pages \
         come from the pool through memfd_create(MFD_HUGETLB), so no hugetlbfs mount is \
         needed, and a hugetlbfs mount's own size= limit does not apply",
        page / 1024
    )
}

/// The error of a large-page section that the huge page pool cannot back: what Windows says to
/// a caller without `SeLockMemoryPrivilege` (spec §2.4, row 26), with the hint.
fn no_pool(needed: u64, page: usize, errno: Option<i32>) -> Error {
    let err = Error::new(ErrorKind::PrivilegeNotHeld, hint(needed, page));
    match errno {
        Some(errno) => err.with_os_error(errno),
        None => err,
    }
}

/// A new hugetlb memfd holding `size` bytes (a multiple of the huge page size), every page
/// allocated now (so that no view ever faults with SIGBUS for want of a page) and the size
/// sealed. `ERROR_PRIVILEGE_NOT_HELD` if the kernel has no huge pages or the pool cannot hold
/// them all; `ERROR_INVALID_PARAMETER` for a size that is not whole huge pages.
pub(crate) fn create(size: u64) -> Result<OwnedFd> {
    let page = large_page_size();
    if page == 0 {
        return Err(no_pool(0, 2 << 20, None));
    }
    // Without a single free huge page, a caller is refused as Windows refuses one without the
    // privilege, before its size is looked at.
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    if meminfo_field(&meminfo, "HugePages_Free:") == Some(0) {
        return Err(no_pool(size.div_ceil_pages(page), page, None));
    }
    if size == 0 || size % page as u64 != 0 {
        return Err(Error::new(
            ErrorKind::InvalidParameter,
            format!(
                "a SEC_LARGE_PAGES section's size must be a multiple of the large page size \
                 ({page} bytes); {size} is not"
            ),
        ));
    }
    let needed = size / page as u64;
    let fd = memfd().map_err(|e| no_pool(needed, page, Some(e)))?;
    let raw = fd.as_raw_fd();
    fd::set_len(raw, size).map_err(|e| no_pool(needed, page, Some(e)))?;
    // fallocate on hugetlbfs takes the pages from the pool now, or fails with ENOSPC.
    fd::allocate(raw, 0, size).map_err(|e| match e {
        libc::ENOSPC | libc::ENOMEM => no_pool(needed, page, Some(e)),
        e => os_error(ErrorKind::Other, "cannot allocate the huge pages", e),
    })?;
    fd::seal_size(raw).map_err(|e| os_error(ErrorKind::Other, "cannot seal the memfd", e))?;
    Ok(fd)
}

/// `memfd_create(MFD_HUGETLB | MFD_CLOEXEC | MFD_ALLOW_SEALING)`.
fn memfd() -> Sys<OwnedFd> {
    let flags = MFD_HUGETLB | libc::MFD_CLOEXEC | libc::MFD_ALLOW_SEALING;
    // SAFETY: the name is a NUL-terminated literal.
    let raw = unsafe { libc::memfd_create(b"filemapping-large\0".as_ptr().cast(), flags) };
    if raw < 0 {
        return Err(fd::errno());
    }
    // SAFETY: memfd_create returned a new descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(raw) })
}

/// Whether `st` is a file of a hugetlbfs (a large-page section's memory).
pub(crate) fn is_hugetlb(raw: RawFd) -> bool {
    // SAFETY: `statfs` is plain old data; all-zero is a valid value that fstatfs overwrites.
    let mut st: libc::statfs = unsafe { std::mem::zeroed() };
    // SAFETY: `st` is a valid, writable `statfs` for the duration of the call.
    if unsafe { libc::fstatfs(raw, &mut st) } != 0 {
        return false;
    }
    // `f_type` is a different integer type on different targets; the magic fits all of them.
    #[allow(clippy::unnecessary_cast)]
    let hugetlb = st.f_type as i64 == libc::HUGETLBFS_MAGIC as i64;
    hugetlb
}

/// The transparent huge page policy of a tmpfs (its `huge=` mount option, or the system-wide
/// `force`), for the file system of a descriptor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Thp {
    /// No huge pages: 4 KiB pages only (`huge=never`, the default, or not a tmpfs).
    Never,
    /// Huge pages wherever they fit (`always`, `within_size`, or `force`).
    Always,
    /// Huge pages for mappings that ask (`madvise(MADV_HUGEPAGE)`).
    Advise,
}

impl Thp {
    /// Whether huge pages can back the file's data.
    pub(crate) fn usable(self) -> bool {
        self != Thp::Never
    }
}

/// The size of a transparent huge page of shared memory (a PMD: 2 MiB on x86-64).
pub(crate) fn pmd_size() -> usize {
    let page = large_page_size();
    if page == 0 {
        2 << 20
    } else {
        page
    }
}

/// The huge page policy of the file system holding `raw`: `st_blksize` of a tmpfs file is the
/// PMD size where huge pages are always used; `within_size` and `advise` mounts show 4 KiB
/// there, so the mount options (`/proc/thread-self/mountinfo`, found by device number) tell
/// them.
/// The system-wide `shmem_enabled` can force or deny huge pages on every tmpfs. Cached per
/// device.
pub(crate) fn thp_of(raw: RawFd) -> Thp {
    static CACHE: Mutex<Vec<(u64, Thp)>> = Mutex::new(Vec::new());
    let st = match fd::fstat(raw) {
        Ok(st) => st,
        Err(_) => return Thp::Never,
    };
    if !fd::on_tmpfs(raw).unwrap_or(false) {
        return Thp::Never;
    }
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, thp)) = cache.iter().find(|(dev, _)| *dev == st.st_dev) {
        return *thp;
    }
    let thp = match system_shmem_policy() {
        Some(thp) => thp,
        None if st.st_blksize as usize > fd::page_size() => Thp::Always,
        None => mount_policy(st.st_dev),
    };
    cache.push((st.st_dev, thp));
    thp
}

/// `force` or `deny` in `/sys/kernel/mm/transparent_hugepage/shmem_enabled` (the selected word
/// is in brackets): they override every mount's option.
fn system_shmem_policy() -> Option<Thp> {
    let text = std::fs::read_to_string("/sys/kernel/mm/transparent_hugepage/shmem_enabled").ok()?;
    if text.contains("[force]") {
        Some(Thp::Always)
    } else if text.contains("[deny]") {
        Some(Thp::Never)
    } else {
        None
    }
}

/// The `huge=` option of the tmpfs mounted with device number `dev`, in the mounts this thread
/// sees (`/proc/thread-self`: a thread may have a mount namespace of its own, which
/// `/proc/self`, the main thread's, would not show; `/proc/self` on kernels before 3.17).
fn mount_policy(dev: u64) -> Thp {
    let text = std::fs::read_to_string("/proc/thread-self/mountinfo")
        .or_else(|_| std::fs::read_to_string("/proc/self/mountinfo"))
        .unwrap_or_default();
    let (major, minor) = (libc::major(dev), libc::minor(dev));
    let wanted = format!("{major}:{minor}");
    for line in text.lines() {
        let mut fields = line.split(' ');
        if fields.nth(2) != Some(wanted.as_str()) {
            continue;
        }
        // After the optional fields: "- fstype source super-options".
        let tail = match line.split(" - ").nth(1) {
            Some(tail) => tail,
            None => continue,
        };
        let options = tail.split(' ').nth(2).unwrap_or("");
        return policy_from_options(options);
    }
    Thp::Never
}

/// The policy a tmpfs's super options give.
fn policy_from_options(options: &str) -> Thp {
    match options
        .split(',')
        .find_map(|option| option.strip_prefix("huge="))
    {
        Some("always") | Some("within_size") => Thp::Always,
        Some("advise") => Thp::Advise,
        _ => Thp::Never,
    }
}

/// Asks for huge pages on `[ptr, ptr + len)` (`MADV_HUGEPAGE`); a refusal changes nothing but
/// speed, so it is ignored.
///
/// # Safety
///
/// `[ptr, ptr + len)` is a range of a live mapping of ours.
pub(crate) unsafe fn advise(ptr: *mut u8, len: usize) {
    // SAFETY: the caller guarantees the range; the advice moves no page and changes no byte.
    unsafe { libc::madvise(ptr.cast(), len, MADV_HUGEPAGE) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meminfo_fields_parse() {
        let text =
            "HugePages_Total:       3\nHugePages_Free:        2\nHugepagesize:       2048 kB\n";
        assert_eq!(meminfo_field(text, "Hugepagesize:"), Some(2048));
        assert_eq!(meminfo_field(text, "HugePages_Free:"), Some(2));
        assert_eq!(meminfo_field(text, "Nope:"), None);
    }

    #[test]
    fn mount_options_give_the_policy() {
        assert_eq!(policy_from_options("rw,size=1g,huge=always"), Thp::Always);
        assert_eq!(policy_from_options("rw,huge=within_size"), Thp::Always);
        assert_eq!(policy_from_options("rw,huge=advise,inode64"), Thp::Advise);
        assert_eq!(policy_from_options("rw,huge=never"), Thp::Never);
        assert_eq!(policy_from_options("rw,nosuid,nodev"), Thp::Never);
    }

    #[test]
    fn the_default_pool_is_reported() {
        // Whatever the pool holds, the size is a power of two or 0.
        let page = large_page_size();
        assert!(page == 0 || page.is_power_of_two());
    }
}
