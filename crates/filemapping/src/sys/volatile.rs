//! Volatile copies between shared memory and private buffers, a word at a time where aligned:
//! the copies of the backends where a page of the range cannot fail. Another process may change
//! the bytes at any time; volatile accesses keep the compiler from assuming otherwise.

#![allow(unsafe_code)]

/// Copies from shared memory with volatile reads, a word at a time where aligned.
///
/// # Safety
///
/// `src` must be valid for reads of `dst.len()` bytes.
pub(crate) unsafe fn copy_from(src: *const u8, dst: &mut [u8]) {
    let mut i = 0;
    while i < dst.len() {
        // SAFETY: `i < dst.len()`, so `src + i` is inside the range the caller vouched for.
        let at = unsafe { src.add(i) };
        if at as usize % 8 == 0 && dst.len() - i >= 8 {
            // SAFETY: aligned and 8 readable bytes remain.
            let word = unsafe { std::ptr::read_volatile(at.cast::<u64>()) };
            dst[i..i + 8].copy_from_slice(&word.to_ne_bytes());
            i += 8;
        } else {
            // SAFETY: one readable byte at `at`.
            dst[i] = unsafe { std::ptr::read_volatile(at) };
            i += 1;
        }
    }
}

/// Copies into shared memory with volatile writes, a word at a time where aligned.
///
/// # Safety
///
/// `dst` must be valid for writes of `src.len()` bytes.
pub(crate) unsafe fn copy_to(dst: *mut u8, src: &[u8]) {
    let mut i = 0;
    while i < src.len() {
        // SAFETY: `i < src.len()`, so `dst + i` is inside the range the caller vouched for.
        let at = unsafe { dst.add(i) };
        if at as usize % 8 == 0 && src.len() - i >= 8 {
            let mut word = [0u8; 8];
            word.copy_from_slice(&src[i..i + 8]);
            // SAFETY: aligned and 8 writable bytes remain.
            unsafe { std::ptr::write_volatile(at.cast::<u64>(), u64::from_ne_bytes(word)) };
            i += 8;
        } else {
            // SAFETY: one writable byte at `at`.
            unsafe { std::ptr::write_volatile(at, src[i]) };
            i += 1;
        }
    }
}
