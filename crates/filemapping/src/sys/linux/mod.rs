//! Linux: the Windows object namespace emulated with files, open file description locks and
//! `mmap` (DESIGN, "The Linux namespace"). No daemon: processes coordinate through the kernel.

mod backing;
mod commit;
mod copy;
mod dir;
mod errors;
mod event;
mod fd;
mod file;
mod filename;
mod header;
mod holders;
mod hugetlb;
mod image;
mod imagebase;
mod listing;
mod lock;
mod mutex;
mod object;
mod objfile;
#[cfg(feature = "fuzzing")]
pub(crate) mod probe;
mod relocate;
mod reserve;
mod section;
mod semaphore;
mod view;
mod waitable;

pub(crate) use event::Event;
pub(crate) use listing::{clean, list};
pub(crate) use mutex::Mutex;
pub(crate) use section::Section;
pub(crate) use semaphore::Semaphore;
pub(crate) use view::View;
pub(crate) use waitable::{signal_and_wait, wait_multiple};

/// The default namespace root.
pub(crate) const DEFAULT_ROOT: &str = "/dev/shm";

/// The emulation makes every check Windows' kernel makes, with its error codes.
pub(crate) const EMULATED: bool = true;

/// The system's page size.
pub(crate) fn page_size() -> usize {
    fd::page_size()
}

/// The default huge page size, or 0 if the kernel has none.
pub(crate) fn large_page_size() -> usize {
    hugetlb::large_page_size()
}
