//! The process-wide handle table. A `HANDLE` is an opaque number that names an entry here, never
//! a pointer to a Rust object: a closed, bogus or wrong-type handle is `ERROR_INVALID_HANDLE`,
//! never a crash. Values are multiples of 4 below 2^32, as on Windows (whose code may keep only
//! the low 32 bits), and a value is reused only after about a billion more handles have been
//! made, so in practice a stale handle never reaches a newer object.

use crate::error::Win32Error;
use crate::objects::Object;
use crate::types::{HANDLE, INVALID_HANDLE_VALUE};
use filemapping::ERROR_INVALID_HANDLE;
use std::collections::btree_map::Entry;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// The first handle value handed out, the distance between two values, and the bound they
/// stay below.
const FIRST: usize = 0x1000;
const STEP: usize = 4;
const LIMIT: usize = 1 << 32;

static TABLE: Mutex<BTreeMap<usize, Arc<Object>>> = Mutex::new(BTreeMap::new());
static NEXT: AtomicUsize = AtomicUsize::new(0);

/// The table, usable even if a thread panicked while holding it (every update is one map
/// operation, so a panic cannot leave it half-changed).
fn table() -> MutexGuard<'static, BTreeMap<usize, Arc<Object>>> {
    TABLE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The `n`th handle value: they cycle through `[FIRST, LIMIT)`.
fn value(n: usize) -> usize {
    FIRST + n % ((LIMIT - FIRST) / STEP) * STEP
}

/// Adds `object` and returns its new handle, the next value not in use.
pub(crate) fn insert(object: Object) -> HANDLE {
    let object = Arc::new(object);
    let mut table = table();
    loop {
        let value = value(NEXT.fetch_add(1, Ordering::Relaxed));
        if let Entry::Vacant(slot) = table.entry(value) {
            slot.insert(object);
            return value as HANDLE;
        }
    }
}

/// The object `handle` names. The table's lock is not held while the caller uses it, so a wait
/// or a copy in one thread never blocks the other threads' calls.
///
/// # Errors
///
/// `ERROR_INVALID_HANDLE` for NULL, `INVALID_HANDLE_VALUE` (the current process, which is not a
/// file-mapping object), and anything the table does not hold.
pub(crate) fn get(handle: HANDLE) -> Result<Arc<Object>, Win32Error> {
    table()
        .get(&(handle as usize))
        .cloned()
        .ok_or(Win32Error(ERROR_INVALID_HANDLE))
}

/// Removes `handle` from the table; the object is closed when the last call using it returns.
///
/// # Errors
///
/// As [`get`].
pub(crate) fn remove(handle: HANDLE) -> Result<Arc<Object>, Win32Error> {
    table()
        .remove(&(handle as usize))
        .ok_or(Win32Error(ERROR_INVALID_HANDLE))
}

/// Whether `handle` is the pseudo handle of the current process (`GetCurrentProcess`).
pub(crate) fn is_current_process(handle: HANDLE) -> bool {
    handle == INVALID_HANDLE_VALUE
}

#[cfg(test)]
mod tests {
    use super::*;
    use filemapping::EventOptions;

    fn event() -> Object {
        Object::Event(EventOptions::new().create().unwrap().0)
    }

    #[test]
    fn handles_are_checked_and_never_reused() {
        let a = insert(event());
        assert!(get(a).is_ok());
        assert!(remove(a).is_ok());
        assert_eq!(
            get(a).err().map(Win32Error::code),
            Some(ERROR_INVALID_HANDLE)
        );
        assert_eq!(
            remove(a).err().map(Win32Error::code),
            Some(ERROR_INVALID_HANDLE)
        );
        let b = insert(event());
        assert_ne!(a, b);
        assert_eq!(b as usize % STEP, 0);
        for bogus in [std::ptr::null_mut(), INVALID_HANDLE_VALUE, 0x1234 as HANDLE] {
            assert_eq!(
                get(bogus).err().map(Win32Error::code),
                Some(ERROR_INVALID_HANDLE)
            );
        }
        remove(b).unwrap();
    }

    #[test]
    fn values_stay_in_32_bits_and_wrap() {
        let last = (LIMIT - FIRST) / STEP - 1;
        assert_eq!(value(0), FIRST);
        assert!(value(last) < LIMIT);
        assert_eq!(value(last + 1), FIRST);
    }
}
