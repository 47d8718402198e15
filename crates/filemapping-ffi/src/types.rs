//! The Win32 types of the C API, laid out exactly as `include/filemapping.h` (and 64-bit
//! Windows) declares them.

use std::ffi::{c_char, c_void};

/// An opaque object handle (`HANDLE`): a value from the process-wide handle table, never a
/// pointer.
pub type HANDLE = *mut c_void;
/// `BOOL`: 0 is false, anything else true.
pub type BOOL = i32;
/// `DWORD`: an unsigned 32-bit value.
pub type DWORD = u32;
/// `LONG`: a signed 32-bit value.
pub type LONG = i32;
/// `LONGLONG`: a signed 64-bit value.
pub type LONGLONG = i64;
/// `SIZE_T`: a pointer-sized unsigned value.
pub type SIZE_T = usize;
/// `LPCSTR`: a NUL-terminated 8-bit string (UTF-8 here).
pub type LPCSTR = *const c_char;
/// `WCHAR`: a UTF-16 code unit.
pub type WCHAR = u16;
/// `LPCWSTR`: a NUL-terminated UTF-16 string.
pub type LPCWSTR = *const WCHAR;

/// `LARGE_INTEGER`: a signed 64-bit value. The C union (`QuadPart`, `LowPart`/`HighPart`) has
/// this size, alignment and calling convention.
#[allow(non_snake_case)] // The Win32 field names are part of the C API.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LARGE_INTEGER {
    /// The value.
    pub QuadPart: LONGLONG,
}

/// `INVALID_HANDLE_VALUE`, also the pseudo handle of the current process.
pub const INVALID_HANDLE_VALUE: HANDLE = usize::MAX as HANDLE;

/// `SECURITY_ATTRIBUTES`: only `bInheritHandle` is used; objects get their default security.
#[allow(non_snake_case)] // The Win32 field names are part of the C API.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct SECURITY_ATTRIBUTES {
    /// The size of the structure (not checked, as on Windows).
    pub nLength: DWORD,
    /// Ignored.
    pub lpSecurityDescriptor: *mut c_void,
    /// Whether the new handle is inheritable.
    pub bInheritHandle: BOOL,
}

/// `SYSTEM_INFO`, as `GetSystemInfo` fills it in.
#[allow(non_snake_case)] // The Win32 field names are part of the C API.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct SYSTEM_INFO {
    /// `wProcessorArchitecture` (low word) and `wReserved` (high word).
    pub dwOemId: DWORD,
    /// The page size.
    pub dwPageSize: DWORD,
    /// The lowest address applications can use.
    pub lpMinimumApplicationAddress: *mut c_void,
    /// The highest address applications can use.
    pub lpMaximumApplicationAddress: *mut c_void,
    /// One bit per processor available to the process.
    pub dwActiveProcessorMask: usize,
    /// The number of processors available to the process.
    pub dwNumberOfProcessors: DWORD,
    /// The processor type (`PROCESSOR_AMD_X8664`, …).
    pub dwProcessorType: DWORD,
    /// The allocation granularity: 65536.
    pub dwAllocationGranularity: DWORD,
    /// The processor level.
    pub wProcessorLevel: u16,
    /// The processor revision.
    pub wProcessorRevision: u16,
}

/// `MEMORY_BASIC_INFORMATION`, as `VirtualQuery` fills it in.
#[allow(non_snake_case)] // The Win32 field names are part of the C API.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct MEMORY_BASIC_INFORMATION {
    /// The start of the region: the page that holds the queried address.
    pub BaseAddress: *mut c_void,
    /// The start of the view that holds it, or NULL for free memory.
    pub AllocationBase: *mut c_void,
    /// The view's protection (`PAGE_*`), or 0 for free memory.
    pub AllocationProtect: DWORD,
    /// The memory partition (always 0).
    pub PartitionId: u16,
    /// The length of the region from `BaseAddress`.
    pub RegionSize: SIZE_T,
    /// `MEM_COMMIT` or `MEM_FREE`.
    pub State: DWORD,
    /// The pages' protection (`PAGE_*`).
    pub Protect: DWORD,
    /// `MEM_MAPPED` for views, 0 for free memory.
    pub Type: DWORD,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::{offset_of, size_of};

    /// The layouts of 64-bit Windows (checked against mingw's headers by the C tests too).
    #[cfg(target_pointer_width = "64")]
    #[test]
    fn layouts_match_win64() {
        assert_eq!(size_of::<SECURITY_ATTRIBUTES>(), 24);
        assert_eq!(size_of::<LARGE_INTEGER>(), 8);
        assert_eq!(size_of::<SYSTEM_INFO>(), 48);
        assert_eq!(offset_of!(SYSTEM_INFO, dwAllocationGranularity), 40);
        assert_eq!(size_of::<MEMORY_BASIC_INFORMATION>(), 48);
        assert_eq!(offset_of!(MEMORY_BASIC_INFORMATION, RegionSize), 24);
        assert_eq!(offset_of!(MEMORY_BASIC_INFORMATION, Type), 40);
    }
}
