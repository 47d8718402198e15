//! Windows: a thin pass-through to the real Win32 calls. The kernel validates everything, so
//! the platform-free checks are skipped (`EMULATED` is false) and its error codes come through
//! unchanged.

mod copy;
mod event;
mod handle;
mod nt;
mod section;
mod sync;
mod view;

pub(crate) use event::Event;
pub(crate) use section::Section;
pub(crate) use sync::{signal_and_wait, wait_multiple, Mutex, Semaphore};
pub(crate) use view::View;

/// Windows has its own object namespace; the root is ignored.
pub(crate) const DEFAULT_ROOT: &str = "";

/// The kernel checks parameters itself.
pub(crate) const EMULATED: bool = false;

/// The page size (4 KiB on every Windows architecture this crate targets).
pub(crate) fn page_size() -> usize {
    4096
}

/// `GetLargePageMinimum`: the large page size, or 0 without large pages.
pub(crate) fn large_page_size() -> usize {
    // SAFETY: GetLargePageMinimum takes no arguments and cannot fail.
    unsafe { windows_sys::Win32::System::Memory::GetLargePageMinimum() }
}

/// Windows' namespace directories are not enumerated yet.
pub(crate) fn list(
    _: &std::path::Path,
    _: crate::name::Scope,
) -> crate::error::Result<Vec<crate::types::Entry>> {
    Err(handle::unsupported("listing the object namespace"))
}

/// Windows removes names itself; nothing is ever stale.
pub(crate) fn clean(
    _: &std::path::Path,
    _: crate::name::Scope,
) -> crate::error::Result<crate::types::Cleanup> {
    Ok(crate::types::Cleanup::default())
}
