//! The views mapped through the C API, by address: `UnmapViewOfFile`, `FlushViewOfFile` and the
//! `Virtual*` functions find a view from any address inside it (spec §7).

use crate::file_pins::FilePin;
use filemapping::View;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

/// A mapped view and what is known of its section.
pub(crate) struct ViewEntry {
    pub(crate) view: View,
    /// Whether a file backs the section; `None` if the handle could not tell.
    pub(crate) file_backed: Option<bool>,
    /// Keeps the backing file from being shrunk while the view lives (spec row 106); only
    /// held, never read.
    pub(crate) _pin: Option<Arc<FilePin>>,
    /// Whether the view replaced a placeholder (`MapViewOfFile3` with
    /// `MEM_REPLACE_PLACEHOLDER`), which `MEM_PRESERVE_PLACEHOLDER` unmaps back to.
    pub(crate) placeholder: bool,
    /// The backing file's path, if a file backs the section (`GetMappedFileName`).
    pub(crate) file_path: Option<Arc<std::path::PathBuf>>,
    /// `PAGE_NOCACHE` or `PAGE_WRITECOMBINE` for a view of a `SEC_NOCACHE` or
    /// `SEC_WRITECOMBINE` section, which `VirtualQuery` adds to its protections (spec §6.1);
    /// Linux keeps normal caching for such views.
    pub(crate) cache: u32,
}

/// `PAGE_NOCACHE` (0x200) and `PAGE_WRITECOMBINE` (0x400), as `VirtualQuery` reports them.
const PAGE_NOCACHE: u32 = 0x200;
const PAGE_WRITECOMBINE: u32 = 0x400;

/// The modifier `VirtualQuery` adds to the protections of a view of `map`.
pub(crate) fn cache_modifier(map: &filemapping::FileMapping) -> u32 {
    let attributes = map.info().map(|i| i.attributes()).unwrap_or_default();
    if attributes.contains(filemapping::SectionAttributes::NOCACHE) {
        PAGE_NOCACHE
    } else if attributes.contains(filemapping::SectionAttributes::WRITECOMBINE) {
        PAGE_WRITECOMBINE
    } else {
        0
    }
}

impl ViewEntry {
    /// The view's first address.
    pub(crate) fn base(&self) -> usize {
        self.view.as_ptr() as usize
    }

    /// Whether `addr` is inside the view's page-rounded extent.
    fn contains(&self, addr: usize) -> bool {
        addr >= self.base() && addr - self.base() < self.view.region_size()
    }
}

static VIEWS: Mutex<BTreeMap<usize, Arc<ViewEntry>>> = Mutex::new(BTreeMap::new());

/// The registry, usable even if a thread panicked while holding it (every update is one map
/// operation).
fn views() -> MutexGuard<'static, BTreeMap<usize, Arc<ViewEntry>>> {
    VIEWS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Records a new view and returns its address.
pub(crate) fn insert(entry: ViewEntry) -> *mut u8 {
    let ptr = entry.view.as_ptr();
    views().insert(ptr as usize, Arc::new(entry));
    ptr
}

/// The view that holds `addr`, if any. It stays mapped while the caller holds it, even if
/// another thread unmaps it meanwhile.
pub(crate) fn find(addr: usize) -> Option<Arc<ViewEntry>> {
    let views = views();
    let (_, entry) = views.range(..=addr).next_back()?;
    entry.contains(addr).then(|| Arc::clone(entry))
}

/// Forgets the view that holds `addr` and returns it; it is unmapped when dropped.
pub(crate) fn remove(addr: usize) -> Option<Arc<ViewEntry>> {
    let mut views = views();
    let base = *views.range(..=addr).next_back()?.0;
    if views[&base].contains(addr) {
        views.remove(&base)
    } else {
        None
    }
}
