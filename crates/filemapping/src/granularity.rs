//! Page size and allocation granularity (spec §9).

/// The allocation granularity: view offsets and base addresses are multiples of it on every OS
/// (64 KiB, as `GetSystemInfo` reports on Windows).
///
/// # Examples
///
/// ```
/// assert_eq!(filemapping::ALLOCATION_GRANULARITY, 65536);
/// ```
pub const ALLOCATION_GRANULARITY: usize = 64 * 1024;

/// The page size: section sizes backed by the system's memory and view lengths are rounded up
/// to it.
///
/// # Examples
///
/// ```
/// let page = filemapping::page_size();
/// assert!(page.is_power_of_two() && page <= filemapping::ALLOCATION_GRANULARITY);
/// ```
pub fn page_size() -> usize {
    crate::sys::page_size()
}
