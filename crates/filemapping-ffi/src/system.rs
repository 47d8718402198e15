//! `GetLastError`, `SetLastError`, `GetSystemInfo` and `GetLargePageMinimum` (spec §9).

#![allow(unsafe_code)]

use crate::boundary::guard;
use crate::last_error;
use crate::types::{DWORD, SIZE_T, SYSTEM_INFO};
use std::ffi::c_void;

/// `PROCESSOR_ARCHITECTURE_*` and `PROCESSOR_*` type of this build's target.
#[cfg(target_arch = "x86_64")]
const ARCHITECTURE: (u16, u32) = (9, 8664);
#[cfg(target_arch = "aarch64")]
const ARCHITECTURE: (u16, u32) = (12, 0);
#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
const ARCHITECTURE: (u16, u32) = (0xFFFF, 0);

/// The lowest and highest application addresses 64-bit Windows reports.
pub(crate) const MIN_ADDRESS: usize = 0x1_0000;
pub(crate) const MAX_ADDRESS: usize = 0x7FFF_FFFE_FFFF;

fn system_info() -> SYSTEM_INFO {
    let processors = std::thread::available_parallelism().map_or(1, |n| n.get().min(64));
    let mask = if processors == 64 {
        usize::MAX
    } else {
        (1usize << processors) - 1
    };
    SYSTEM_INFO {
        dwOemId: u32::from(ARCHITECTURE.0),
        dwPageSize: filemapping::page_size() as u32,
        lpMinimumApplicationAddress: MIN_ADDRESS as *mut c_void,
        lpMaximumApplicationAddress: MAX_ADDRESS as *mut c_void,
        dwActiveProcessorMask: mask,
        dwNumberOfProcessors: processors as u32,
        dwProcessorType: ARCHITECTURE.1,
        dwAllocationGranularity: filemapping::ALLOCATION_GRANULARITY as u32,
        wProcessorLevel: 6,
        wProcessorRevision: 0,
    }
}

/// The calling thread's last error.
///
/// # Safety
///
/// No requirement.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/errhandlingapi/nf-errhandlingapi-getlasterror>
#[no_mangle]
pub extern "C" fn GetLastError() -> DWORD {
    guard(0, || Ok(last_error::get()))
}

/// Sets the calling thread's last error.
///
/// # Safety
///
/// No requirement.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/errhandlingapi/nf-errhandlingapi-setlasterror>
#[no_mangle]
pub extern "C" fn SetLastError(dwErrCode: DWORD) {
    guard((), || {
        last_error::set(dwErrCode);
        Ok(())
    });
}

/// Fills in `lpSystemInfo`: the page size, the allocation granularity (65536), the number of
/// processors and the processor architecture.
///
/// # Safety
///
/// `lpSystemInfo` is NULL (nothing happens) or valid for writing a `SYSTEM_INFO`.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/sysinfoapi/nf-sysinfoapi-getsysteminfo>
#[no_mangle]
pub unsafe extern "C" fn GetSystemInfo(lpSystemInfo: *mut SYSTEM_INFO) {
    guard((), || {
        // SAFETY: NULL or valid for a write, as this function's contract requires.
        unsafe { crate::boundary::write_optional(lpSystemInfo, system_info()) };
        Ok(())
    });
}

/// The minimum large-page size: the kernel's huge-page size (2 MiB on x86-64), or 0 if it has
/// none.
///
/// # Platform notes
///
/// On Linux `SEC_LARGE_PAGES` sections take their pages from the hugetlb pool
/// (`vm.nr_hugepages`) at creation; without enough free pages `CreateFileMapping` fails with
/// `ERROR_PRIVILEGE_NOT_HELD`, as on Windows without `SeLockMemoryPrivilege`.
///
/// # Safety
///
/// No requirement.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/memoryapi/nf-memoryapi-getlargepageminimum>
#[no_mangle]
pub extern "C" fn GetLargePageMinimum() -> SIZE_T {
    guard(0, || Ok(filemapping::large_page_minimum()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn granularity_is_64k_spec_9() {
        let info = system_info();
        assert_eq!(info.dwAllocationGranularity, 65536);
        assert!(info.dwNumberOfProcessors >= 1);
        assert_eq!(info.dwPageSize as usize, filemapping::page_size());
    }
}
