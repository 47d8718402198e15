//! The process, the clock and memory probes: `GetCurrentProcessId`, `Sleep`, `GetTickCount`,
//! `GetTickCount64`, `QueryPerformanceCounter`, `QueryPerformanceFrequency`, `VirtualLock`,
//! `VirtualUnlock`, `IsBadReadPtr` and `IsBadWritePtr`.

#![allow(unsafe_code)]

use crate::boundary::{guard, to_bool};
use crate::error::Win32Error;
use crate::types::{BOOL, DWORD, LARGE_INTEGER, SIZE_T};
use filemapping::{ERROR_INVALID_PARAMETER, ERROR_NOACCESS, ERROR_NOT_ENOUGH_MEMORY};
use std::ffi::c_void;
use std::time::Duration;

/// `INFINITE`.
const INFINITE: u32 = u32::MAX;

/// The performance counter's frequency: it counts nanoseconds.
const COUNTS_PER_SECOND: i64 = 1_000_000_000;

/// A clock's reading in nanoseconds.
fn clock_ns(clock: libc::clockid_t) -> i64 {
    // SAFETY: an all-zero timespec is a valid value of the plain C struct.
    let mut ts: libc::timespec = unsafe { std::mem::zeroed() };
    // SAFETY: clock_gettime writes only into `ts`; the clocks used here always exist on Linux.
    unsafe { libc::clock_gettime(clock, &mut ts) };
    ts.tv_sec as i64 * 1_000_000_000 + ts.tv_nsec as i64
}

/// Milliseconds since the system started, time asleep included (as Windows counts them).
fn ticks() -> u64 {
    (clock_ns(libc::CLOCK_BOOTTIME) / 1_000_000) as u64
}

/// The process's id.
///
/// # Safety
///
/// No requirement.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/processthreadsapi/nf-processthreadsapi-getcurrentprocessid>
#[no_mangle]
pub extern "C" fn GetCurrentProcessId() -> DWORD {
    guard(0, || Ok(std::process::id()))
}

/// Suspends the calling thread for at least `dwMilliseconds` (`INFINITE`: for ever; 0 yields).
///
/// # Safety
///
/// No requirement.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/synchapi/nf-synchapi-sleep>
#[no_mangle]
pub extern "C" fn Sleep(dwMilliseconds: DWORD) {
    guard((), || {
        match dwMilliseconds {
            0 => std::thread::yield_now(),
            INFINITE => loop {
                std::thread::park();
            },
            ms => std::thread::sleep(Duration::from_millis(u64::from(ms))),
        }
        Ok(())
    });
}

/// Milliseconds since the system started, wrapping every 49.7 days.
///
/// # Safety
///
/// No requirement.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/sysinfoapi/nf-sysinfoapi-gettickcount>
#[no_mangle]
pub extern "C" fn GetTickCount() -> DWORD {
    guard(0, || Ok(ticks() as u32))
}

/// Milliseconds since the system started.
///
/// # Safety
///
/// No requirement.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/sysinfoapi/nf-sysinfoapi-gettickcount64>
#[no_mangle]
pub extern "C" fn GetTickCount64() -> u64 {
    guard(0, || Ok(ticks()))
}

/// Stores the performance counter (the monotonic clock, in units of
/// [`QueryPerformanceFrequency`]). FALSE and `ERROR_NOACCESS` for NULL.
///
/// # Safety
///
/// `lpPerformanceCount` is NULL or valid for writing a `LARGE_INTEGER`.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/profileapi/nf-profileapi-queryperformancecounter>
#[no_mangle]
pub unsafe extern "C" fn QueryPerformanceCounter(lpPerformanceCount: *mut LARGE_INTEGER) -> BOOL {
    let now = clock_ns(libc::CLOCK_MONOTONIC);
    // SAFETY: this function's contract is `store`'s.
    unsafe { store(lpPerformanceCount, now) }
}

/// Stores the performance counter's frequency in counts per second (10^9: nanoseconds), fixed
/// for the life of the system. FALSE and `ERROR_NOACCESS` for NULL.
///
/// # Safety
///
/// `lpFrequency` is NULL or valid for writing a `LARGE_INTEGER`.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/profileapi/nf-profileapi-queryperformancefrequency>
#[no_mangle]
pub unsafe extern "C" fn QueryPerformanceFrequency(lpFrequency: *mut LARGE_INTEGER) -> BOOL {
    // SAFETY: this function's contract is `store`'s.
    unsafe { store(lpFrequency, COUNTS_PER_SECOND) }
}

/// Stores `value`; NULL is `ERROR_NOACCESS` (Windows faults on the write).
///
/// # Safety
///
/// `at` is NULL or valid for writing a `LARGE_INTEGER`.
unsafe fn store(at: *mut LARGE_INTEGER, value: i64) -> BOOL {
    guard(to_bool(false), || {
        if at.is_null() {
            return Err(Win32Error(ERROR_NOACCESS));
        }
        // SAFETY: not NULL, and valid for a write as this function's contract requires.
        unsafe { at.write(LARGE_INTEGER { QuadPart: value }) };
        Ok(to_bool(true))
    })
}

/// The pages that hold `[addr, addr + size)`: their first address and total length.
fn page_range(addr: usize, size: usize) -> Result<(usize, usize), Win32Error> {
    let page = filemapping::page_size();
    let end = addr
        .checked_add(size.max(1))
        .and_then(|e| e.checked_add(page - 1))
        .ok_or(Win32Error(ERROR_INVALID_PARAMETER))?
        & !(page - 1);
    let start = addr & !(page - 1);
    Ok((start, end - start))
}

/// `VirtualLock` (`lock`) or `VirtualUnlock` in safe Rust.
fn lock(addr: usize, size: usize, lock: bool) -> Result<BOOL, Win32Error> {
    let (start, len) = page_range(addr, size)?;
    let ptr = start as *const c_void;
    // SAFETY: mlock and munlock change only whether the pages stay in memory; an unmapped
    // range gives ENOMEM.
    let result = unsafe {
        if lock {
            libc::mlock(ptr, len)
        } else {
            libc::munlock(ptr, len)
        }
    };
    if result == 0 {
        return Ok(to_bool(true));
    }
    let err = std::io::Error::last_os_error();
    Err(Win32Error(match err.raw_os_error() {
        Some(libc::ENOMEM) if lock && mapped(start, len, |_| true) => ERROR_NOT_ENOUGH_MEMORY,
        Some(libc::EAGAIN | libc::EPERM) => ERROR_NOT_ENOUGH_MEMORY,
        _ => ERROR_NOACCESS,
    }))
}

/// Keeps the pages of `[lpAddress, lpAddress + dwSize)` in memory: no access to them faults
/// (views and private memory alike). `ERROR_NOACCESS` if part of the range is not mapped.
///
/// # Platform notes
///
/// Locked memory counts against `RLIMIT_MEMLOCK` (`ulimit -l`), where Windows counts it against
/// the working set: beyond the limit the call fails with `ERROR_NOT_ENOUGH_MEMORY`. Reserved
/// pages of a `SEC_RESERVE` view are locked too (Windows refuses them).
///
/// # Safety
///
/// No requirement: only the pages' residency changes.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/memoryapi/nf-memoryapi-virtuallock>
#[no_mangle]
pub extern "C" fn VirtualLock(lpAddress: *mut c_void, dwSize: SIZE_T) -> BOOL {
    guard(to_bool(false), || lock(lpAddress as usize, dwSize, true))
}

/// Lets the pages of `[lpAddress, lpAddress + dwSize)` be paged out again.
///
/// # Platform notes
///
/// Unlocking pages that were not locked succeeds (Windows: `ERROR_NOT_LOCKED`).
///
/// # Safety
///
/// No requirement: only the pages' residency changes.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/memoryapi/nf-memoryapi-virtualunlock>
#[no_mangle]
pub extern "C" fn VirtualUnlock(lpAddress: *mut c_void, dwSize: SIZE_T) -> BOOL {
    guard(to_bool(false), || lock(lpAddress as usize, dwSize, false))
}

/// Whether every byte of `[start, start + len)` is in a mapping whose permissions (`rwxp` of
/// `/proc/self/maps`) satisfy `allowed`.
fn mapped(start: usize, len: usize, allowed: impl Fn(&[u8]) -> bool) -> bool {
    let Ok(maps) = std::fs::read_to_string("/proc/self/maps") else {
        return false;
    };
    let end = start.saturating_add(len);
    let mut covered = start;
    for line in maps.lines() {
        let mut fields = line.split_whitespace();
        let (Some(range), Some(perms)) = (fields.next(), fields.next()) else {
            continue;
        };
        let Some((lo, hi)) = range.split_once('-') else {
            continue;
        };
        let (Ok(lo), Ok(hi)) = (usize::from_str_radix(lo, 16), usize::from_str_radix(hi, 16))
        else {
            continue;
        };
        if hi <= covered {
            continue;
        }
        if lo > covered {
            return false; // a gap: the lines are in address order
        }
        if !allowed(perms.as_bytes()) {
            return false;
        }
        covered = hi;
        if covered >= end {
            return true;
        }
    }
    covered >= end
}

/// `IsBadReadPtr` (`write` false) or `IsBadWritePtr` in safe Rust.
fn is_bad(addr: usize, len: usize, write: bool) -> bool {
    if len == 0 {
        return false;
    }
    if addr == 0 || addr.checked_add(len).is_none() {
        return true;
    }
    let index = if write { 1 } else { 0 };
    let want = if write { b'w' } else { b'r' };
    !mapped(addr, len, |perms| perms.get(index) == Some(&want))
}

/// Whether any byte of `[lp, lp + ucb)` cannot be read (TRUE) or all can (FALSE); FALSE for
/// `ucb` 0. Microsoft discourages it, as another thread may change the memory right after.
///
/// # Safety
///
/// No requirement: the memory is not touched, only looked up.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/winbase/nf-winbase-isbadreadptr>
#[no_mangle]
pub extern "C" fn IsBadReadPtr(lp: *const c_void, ucb: usize) -> BOOL {
    guard(to_bool(true), || {
        Ok(to_bool(is_bad(lp as usize, ucb, false)))
    })
}

/// Whether any byte of `[lp, lp + ucb)` cannot be written (TRUE) or all can (FALSE); FALSE for
/// `ucb` 0. Copy-on-write pages count as writable, as on Windows.
///
/// # Safety
///
/// No requirement: the memory is not touched, only looked up.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/winbase/nf-winbase-isbadwriteptr>
#[no_mangle]
pub extern "C" fn IsBadWritePtr(lp: *mut c_void, ucb: usize) -> BOOL {
    guard(to_bool(true), || {
        Ok(to_bool(is_bad(lp as usize, ucb, true)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probes_tell_readable_from_writable() {
        let data = [1u8; 64];
        let text = "a string literal lives in read-only memory";
        assert!(!is_bad(data.as_ptr() as usize, data.len(), false));
        assert!(is_bad(0, 1, false));
        assert!(!is_bad(0, 0, true));
        assert!(is_bad(text.as_ptr() as usize, text.len(), true));
        assert!(!is_bad(text.as_ptr() as usize, text.len(), false));
    }
}
