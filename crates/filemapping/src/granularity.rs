//! The allocation granularity (spec §9): a constant of the contract, the same on every OS. This
//! module imports nothing, so that the API and every backend can use it.

/// The allocation granularity: view offsets and base addresses are multiples of it on every OS
/// (64 KiB, as `GetSystemInfo` reports on Windows).
///
/// # Examples
///
/// ```
/// assert_eq!(filemapping::ALLOCATION_GRANULARITY, 65536);
/// ```
pub const ALLOCATION_GRANULARITY: usize = 64 * 1024;
