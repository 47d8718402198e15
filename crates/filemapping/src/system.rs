//! What the system reports (`GetSystemInfo`, spec §9): the page size, asked of the backend.

/// The page size: section sizes backed by the system's memory and view lengths are rounded up
/// to it.
///
/// # Examples
///
/// ```
/// let page = filemapping::page_size();
/// assert!(page.is_power_of_two() && page <= filemapping::ALLOCATION_GRANULARITY);
/// ```
#[must_use]
pub fn page_size() -> usize {
    crate::sys::page_size()
}

/// The large page size (`GetLargePageMinimum`, spec §9): sizes of `SEC_LARGE_PAGES` sections,
/// and offsets and bases of their views, are multiples of it. 0 if the system has no large
/// pages.
///
/// # Platform notes
///
/// On Linux this is the kernel's default huge page size (`Hugepagesize` in `/proc/meminfo`,
/// 2 MiB on x86-64), whether or not the huge page pool (`vm.nr_hugepages`) holds any.
///
/// # Examples
///
/// ```
/// let large = filemapping::large_page_minimum();
/// assert!(large == 0 || (large.is_power_of_two() && large >= filemapping::page_size()));
/// ```
#[doc(alias = "GetLargePageMinimum")]
#[must_use]
pub fn large_page_minimum() -> usize {
    crate::sys::large_page_size()
}
