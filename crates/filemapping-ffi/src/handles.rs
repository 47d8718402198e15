//! The process-wide handle table. A `HANDLE` is an opaque number that names an entry here, never
//! a pointer to a Rust object: a closed, bogus or wrong-type handle is `ERROR_INVALID_HANDLE`,
//! never a crash. Values are multiples of 4 below 2^32, as on Windows (whose code may keep only
//! the low 32 bits), and a value is reused only after about a billion more handles have been
//! made, so in practice a stale handle never reaches a newer object.
//!
//! Each entry also keeps the handle's flags (`HANDLE_FLAG_INHERIT`,
//! `HANDLE_FLAG_PROTECT_FROM_CLOSE`: `GetHandleInformation`). Every change to the set of
//! inheritable handles republishes it for child processes ([`crate::inherit`]), and the first
//! look at the table adopts the handles this process inherited.

use crate::error::Win32Error;
use crate::inherit;
use crate::objects::Object;
use crate::types::{HANDLE, INVALID_HANDLE_VALUE};
use filemapping::ERROR_INVALID_HANDLE;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Once};

/// `HANDLE_FLAG_INHERIT`: child processes inherit the handle.
pub(crate) const HANDLE_FLAG_INHERIT: u32 = 0x1;
/// `HANDLE_FLAG_PROTECT_FROM_CLOSE`: `CloseHandle` refuses to close the handle.
pub(crate) const HANDLE_FLAG_PROTECT_FROM_CLOSE: u32 = 0x2;

/// The first handle value handed out, the distance between two values, and the bound they
/// stay below.
const FIRST: usize = 0x1000;
const STEP: usize = 4;
const LIMIT: usize = 1 << 32;

/// A handle's object and flags.
pub(crate) struct Entry {
    pub(crate) object: Arc<Object>,
    pub(crate) flags: u32,
}

/// The table: handle values and their entries.
pub(crate) type Table = BTreeMap<usize, Entry>;

static TABLE: Mutex<Table> = Mutex::new(BTreeMap::new());
static NEXT: AtomicUsize = AtomicUsize::new(0);
static ADOPTED: Once = Once::new();

/// The table without the adoption, usable even if a thread panicked while holding it (every
/// update is one map operation, so a panic cannot leave it half-changed).
fn raw_table() -> MutexGuard<'static, Table> {
    TABLE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The table, after this process adopted the handles it inherited (once, at the first call
/// that uses a handle).
fn table() -> MutexGuard<'static, Table> {
    ADOPTED.call_once(|| inherit::adopt(&mut raw_table()));
    raw_table()
}

/// Whether `flags` changed the inheritable set, then republishes it.
fn republish_if(table: &Table, flags: u32) {
    if flags & HANDLE_FLAG_INHERIT != 0 {
        inherit::publish(table);
    }
}

/// The `n`th handle value: they cycle through `[FIRST, LIMIT)`.
fn value(n: usize) -> usize {
    FIRST + n % ((LIMIT - FIRST) / STEP) * STEP
}

/// Adds `object` and returns its new handle, the next value not in use. The handle is
/// inheritable if the object is (the creating call asked for it: [`inherit::is_inheritable`]).
pub(crate) fn insert(object: Object) -> HANDLE {
    let flags = if inherit::is_inheritable(&object) {
        HANDLE_FLAG_INHERIT
    } else {
        0
    };
    let object = Arc::new(object);
    let mut table = table();
    loop {
        let value = value(NEXT.fetch_add(1, Ordering::Relaxed));
        if let std::collections::btree_map::Entry::Vacant(slot) = table.entry(value) {
            slot.insert(Entry { object, flags });
            republish_if(&table, flags);
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
        .map(|entry| Arc::clone(&entry.object))
        .ok_or(Win32Error(ERROR_INVALID_HANDLE))
}

/// The flags of `handle` (`HANDLE_FLAG_*`).
///
/// # Errors
///
/// As [`get`].
pub(crate) fn flags(handle: HANDLE) -> Result<u32, Win32Error> {
    table()
        .get(&(handle as usize))
        .map(|entry| entry.flags)
        .ok_or(Win32Error(ERROR_INVALID_HANDLE))
}

/// Sets the flags of `handle` in `mask` to those of `flags` (`SetHandleInformation`). Changing
/// `HANDLE_FLAG_INHERIT` makes the object's descriptors inheritable or not
/// ([`inherit::set_inheritable`], which may replace the object by an equivalent one).
///
/// # Errors
///
/// As [`get`], or what changing the descriptors reports.
pub(crate) fn set_flags(handle: HANDLE, mask: u32, flags: u32) -> Result<(), Win32Error> {
    let mask = mask & (HANDLE_FLAG_INHERIT | HANDLE_FLAG_PROTECT_FROM_CLOSE);
    let mut table = table();
    let entry = table
        .get_mut(&(handle as usize))
        .ok_or(Win32Error(ERROR_INVALID_HANDLE))?;
    let new = (entry.flags & !mask) | (flags & mask);
    let changed = entry.flags ^ new;
    if changed & HANDLE_FLAG_INHERIT != 0 {
        let inheritable = new & HANDLE_FLAG_INHERIT != 0;
        if let Some(object) = inherit::set_inheritable(&entry.object, inheritable)? {
            entry.object = Arc::new(object);
        }
    }
    entry.flags = new;
    republish_if(&table, changed);
    Ok(())
}

/// Removes `handle` from the table; the object is closed when the last call using it returns.
///
/// # Errors
///
/// As [`get`]; and `ERROR_INVALID_HANDLE` for a handle with `HANDLE_FLAG_PROTECT_FROM_CLOSE`,
/// which stays open (Windows' `STATUS_HANDLE_NOT_CLOSABLE`).
pub(crate) fn remove(handle: HANDLE) -> Result<Arc<Object>, Win32Error> {
    let mut table = table();
    let key = handle as usize;
    match table.get(&key) {
        Some(entry) if entry.flags & HANDLE_FLAG_PROTECT_FROM_CLOSE == 0 => {}
        _ => return Err(Win32Error(ERROR_INVALID_HANDLE)),
    }
    let entry = table.remove(&key).ok_or(Win32Error(ERROR_INVALID_HANDLE))?;
    republish_if(&table, entry.flags);
    Ok(entry.object)
}

/// Whether `handle` is a value [`insert`] can hand out (a multiple of 4 in `[FIRST, LIMIT)`):
/// the only values an inherited handle is adopted at.
pub(crate) fn is_handle_value(handle: usize) -> bool {
    (FIRST..LIMIT).contains(&handle) && handle % STEP == 0
}

/// Puts an inherited object in the table at the handle value the parent gave it (adoption,
/// before any other handle exists here).
pub(crate) fn adopt_at(table: &mut Table, handle: usize, object: Object) {
    let entry = Entry {
        object: Arc::new(object),
        flags: HANDLE_FLAG_INHERIT,
    };
    table.entry(handle).or_insert(entry);
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
