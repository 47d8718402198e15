//! Files that back live sections made through this API. Windows refuses to shrink such a file
//! (`ERROR_USER_MAPPED_FILE`: `SetEndOfFile`, spec row 106, and `CreateFile` with
//! `TRUNCATE_EXISTING` or `CREATE_ALWAYS`) or to delete it (`DeleteFile`:
//! `ERROR_ACCESS_DENIED`); every mapping handle and view made from a file handle pins the file
//! until it is closed or unmapped, and every path that shrinks or removes a file asks
//! [`unless_mapped`] first.
//!
//! The limit: the porting layer can only refuse for the sections it can see, those made by
//! `CreateFileMapping` from a file handle of this process (and their handles' copies and
//! views). A section another process made of the file, or one opened here by name only, does not
//! pin it; shrinking the file under such a view makes the next access to the lost pages raise
//! SIGBUS, as it does for any Linux mapping.

use crate::error::Win32Error;
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

/// Runs `op` unless a live section or view made through this API maps the file `id`, which
/// fails with `refusal` instead. No section can be made from a file while `op` runs (the pins
/// stay locked), so the check cannot go stale before `op` shrinks or removes the file.
///
/// Only sections this process made from its own file handles are known here: Linux cannot tell
/// whether another process, or code that does not go through this API, maps the file.
pub(crate) fn unless_mapped<T>(
    id: FileId,
    refusal: u32,
    op: impl FnOnce() -> Result<T, Win32Error>,
) -> Result<T, Win32Error> {
    let pins = pins();
    if pins.contains_key(&id) {
        return Err(Win32Error(refusal));
    }
    let result = op();
    drop(pins);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_count_until_the_last_is_dropped() {
        let id = (u64::MAX, 7);
        let ran = |refusal| unless_mapped(id, refusal, || Ok(()));
        let a = FilePin::new(id);
        let b = FilePin::new(id);
        drop(a);
        assert_eq!(ran(5), Err(Win32Error(5)));
        drop(b);
        assert_eq!(ran(5), Ok(()));
    }
}
