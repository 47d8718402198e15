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
