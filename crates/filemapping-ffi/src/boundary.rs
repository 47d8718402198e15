//! The edge between C and Rust: every exported function runs its body through [`guard`], which
//! catches panics and turns errors into the thread's last error, and reads C pointers through
//! the checked helpers below.

#![allow(unsafe_code)]

use crate::error::Win32Error;
use crate::last_error;
use crate::types::SECURITY_ATTRIBUTES;
use filemapping::{ERROR_GEN_FAILURE, ERROR_INVALID_PARAMETER};
use std::panic::{self, AssertUnwindSafe};

/// Runs `body`; on an error sets the last error to its code and returns `failure`. A panic never
/// crosses into C: it becomes `ERROR_GEN_FAILURE` and `failure`.
pub(crate) fn guard<T>(failure: T, body: impl FnOnce() -> Result<T, Win32Error>) -> T {
    // The body's state is either owned by it or behind the handle table's locks, which recover
    // from poisoning, so observing it after a panic is sound.
    match panic::catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(value)) => value,
        Ok(Err(err)) => {
            last_error::set(err.code());
            failure
        }
        Err(_) => {
            last_error::set(ERROR_GEN_FAILURE);
            failure
        }
    }
}

/// A Win32 `BOOL` from a Rust `bool`.
pub(crate) fn to_bool(value: bool) -> i32 {
    i32::from(value)
}

/// The object `ptr` points to, or `None` for NULL.
///
/// # Safety
///
/// `ptr` is NULL or points to a valid, aligned `T` that outlives `'a` and that nothing writes
/// meanwhile.
pub(crate) unsafe fn optional<'a, T>(ptr: *const T) -> Option<&'a T> {
    // SAFETY: the caller guarantees NULL or a valid, aligned, unaliased-for-writes `T`.
    unsafe { ptr.as_ref() }
}

/// The `bInheritHandle` of optional security attributes (false for NULL).
///
/// # Safety
///
/// `attributes` is NULL or points to a valid `SECURITY_ATTRIBUTES`.
pub(crate) unsafe fn inheritable(attributes: *const SECURITY_ATTRIBUTES) -> bool {
    // SAFETY: the caller's guarantee is `optional`'s contract.
    unsafe { optional(attributes) }.is_some_and(|sa| sa.bInheritHandle != 0)
}

/// Stores `value` through an out-pointer; NULL is `ERROR_INVALID_PARAMETER`.
///
/// # Safety
///
/// `ptr` is NULL or valid for an aligned write of a `T`.
pub(crate) unsafe fn write_out<T>(ptr: *mut T, value: T) -> Result<(), Win32Error> {
    if ptr.is_null() {
        return Err(Win32Error(ERROR_INVALID_PARAMETER));
    }
    // SAFETY: not NULL, and the caller guarantees it is valid for an aligned write.
    unsafe { ptr.write(value) };
    Ok(())
}

/// Stores `value` through an optional out-pointer; NULL is allowed and ignored.
///
/// # Safety
///
/// As [`write_out`].
pub(crate) unsafe fn write_optional<T>(ptr: *mut T, value: T) {
    if !ptr.is_null() {
        // SAFETY: not NULL, and the caller guarantees it is valid for an aligned write.
        unsafe { ptr.write(value) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use filemapping::ERROR_INVALID_HANDLE;

    #[test]
    fn errors_and_panics_become_the_last_error() {
        assert_eq!(guard(0, || Err(Win32Error(ERROR_INVALID_HANDLE))), 0);
        assert_eq!(last_error::get(), ERROR_INVALID_HANDLE);
        assert_eq!(
            guard(0, || -> Result<i32, Win32Error> { panic!("boom") }),
            0
        );
        assert_eq!(last_error::get(), ERROR_GEN_FAILURE);
        assert_eq!(guard(0, || Ok(7)), 7);
        assert_eq!(
            last_error::get(),
            ERROR_GEN_FAILURE,
            "success leaves it alone"
        );
    }

    #[test]
    fn null_out_pointers_are_invalid_parameters() {
        // SAFETY: NULL is an allowed argument.
        let err = unsafe { write_out::<u32>(std::ptr::null_mut(), 1) }.unwrap_err();
        assert_eq!(err.code(), ERROR_INVALID_PARAMETER);
        let mut slot = 0u32;
        // SAFETY: `slot` is a valid, aligned u32.
        unsafe { write_out(&mut slot, 9) }.unwrap();
        assert_eq!(slot, 9);
    }
}
