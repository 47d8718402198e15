//! Files that back live sections made through this API. Windows refuses to shrink such a file
//! (`ERROR_USER_MAPPED_FILE`, spec row 106); every mapping handle and view made from a file
//! handle pins the file until it is closed or unmapped.

use std::collections::BTreeMap;
use std::fs::File;
use std::io;
use std::os::unix::fs::MetadataExt;
use std::sync::{Arc, Mutex, MutexGuard};

/// A file's identity: device and inode.
pub(crate) type FileId = (u64, u64);

static PINS: Mutex<BTreeMap<FileId, usize>> = Mutex::new(BTreeMap::new());

/// The pin counts, usable even if a thread panicked while holding them (every update is one
/// map operation).
fn pins() -> MutexGuard<'static, BTreeMap<FileId, usize>> {
    PINS.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The identity of an open file.
pub(crate) fn file_id(file: &File) -> io::Result<FileId> {
    let meta = file.metadata()?;
    Ok((meta.dev(), meta.ino()))
}

/// One pin on a file, released on drop. Shared by a mapping handle, its copies and its views.
#[derive(Debug)]
pub(crate) struct FilePin {
    id: FileId,
}

impl FilePin {
    pub(crate) fn new(id: FileId) -> Arc<FilePin> {
        *pins().entry(id).or_insert(0) += 1;
        Arc::new(FilePin { id })
    }
}

impl Drop for FilePin {
    fn drop(&mut self) {
        let mut pins = pins();
        if let Some(count) = pins.get_mut(&self.id) {
            *count -= 1;
            if *count == 0 {
                pins.remove(&self.id);
            }
        }
    }
}

/// Whether a live section or view made through this API maps the file.
pub(crate) fn is_pinned(id: FileId) -> bool {
    pins().contains_key(&id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_count_until_the_last_is_dropped() {
        let id = (u64::MAX, 7);
        let a = FilePin::new(id);
        let b = FilePin::new(id);
        drop(a);
        assert!(is_pinned(id));
        drop(b);
        assert!(!is_pinned(id));
    }
}
