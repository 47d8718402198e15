//! The NUMA and `*2` variants of the file-mapping calls: `CreateFileMappingNumaA/W`,
//! `MapViewOfFileExNuma` and `CreateFileMapping2`. Linux places a section's pages on the node
//! of the thread that first touches them, so the preferred node is checked and otherwise taken
//! as a hint that changes nothing.

#![allow(unsafe_code)]

use crate::boundary::guard;
use crate::error::Win32Error;
use crate::mapping::create_file_mapping;
use crate::names::CName;
use crate::types::{DWORD, HANDLE, LPCSTR, LPCWSTR, SECURITY_ATTRIBUTES, SIZE_T};
use crate::{handles, last_error};
use filemapping::{FileMapAccess, ERROR_INVALID_PARAMETER};
use std::ffi::c_void;
use std::ptr::null_mut;

/// `NUMA_NO_PREFERRED_NODE`.
const NO_PREFERRED_NODE: u32 = u32::MAX;

/// The number of NUMA nodes Linux reports (1 without `/sys`).
fn node_count() -> u32 {
    let nodes = std::fs::read_dir("/sys/devices/system/node").map_or(0, |dir| {
        dir.filter_map(Result::ok)
            .filter(|e| {
                let name = e.file_name();
                let name = name.to_string_lossy();
                name.strip_prefix("node")
                    .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            })
            .count()
    });
    (nodes as u32).max(1)
}

/// A preferred node must be `NUMA_NO_PREFERRED_NODE` or a node of this machine.
fn check_node(node: u32) -> Result<(), Win32Error> {
    if node == NO_PREFERRED_NODE || node < node_count() {
        Ok(())
    } else {
        Err(Win32Error(ERROR_INVALID_PARAMETER))
    }
}

/// `CreateFileMappingNumaA/W` behind the boundary.
///
/// # Safety
///
/// As [`create_file_mapping`].
unsafe fn create_numa(
    file: HANDLE,
    attributes: *const SECURITY_ATTRIBUTES,
    (fl_protect, high, low): (DWORD, DWORD, DWORD),
    name: CName,
    node: DWORD,
) -> HANDLE {
    if let Err(err) = check_node(node) {
        last_error::set(err.code());
        return null_mut();
    }
    // SAFETY: this function's contract is `create_file_mapping`'s.
    unsafe { create_file_mapping(file, attributes, fl_protect, high, low, name) }
}

/// `CreateFileMappingA` with a preferred NUMA node for the section's memory
/// (`NUMA_NO_PREFERRED_NODE` or a node number; another is `ERROR_INVALID_PARAMETER`).
///
/// # Platform notes
///
/// The node is a hint: Linux puts each page on the node of the thread that first touches it.
///
/// # Safety
///
/// As [`CreateFileMappingA`](crate::mapping::CreateFileMappingA).
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/winbase/nf-winbase-createfilemappingnumaa>
#[no_mangle]
pub unsafe extern "C" fn CreateFileMappingNumaA(
    hFile: HANDLE,
    lpFileMappingAttributes: *const SECURITY_ATTRIBUTES,
    flProtect: DWORD,
    dwMaximumSizeHigh: DWORD,
    dwMaximumSizeLow: DWORD,
    lpName: LPCSTR,
    nndPreferred: DWORD,
) -> HANDLE {
    let sizes = (flProtect, dwMaximumSizeHigh, dwMaximumSizeLow);
    let name = CName::Ansi(lpName);
    // SAFETY: this function's contract is `create_numa`'s.
    unsafe { create_numa(hFile, lpFileMappingAttributes, sizes, name, nndPreferred) }
}

/// `CreateFileMappingW` with a preferred NUMA node. See [`CreateFileMappingNumaA`].
///
/// # Safety
///
/// As [`CreateFileMappingW`](crate::mapping::CreateFileMappingW).
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/memoryapi/nf-memoryapi-createfilemappingnumaw>
#[no_mangle]
pub unsafe extern "C" fn CreateFileMappingNumaW(
    hFile: HANDLE,
    lpFileMappingAttributes: *const SECURITY_ATTRIBUTES,
    flProtect: DWORD,
    dwMaximumSizeHigh: DWORD,
    dwMaximumSizeLow: DWORD,
    lpName: LPCWSTR,
    nndPreferred: DWORD,
) -> HANDLE {
    let sizes = (flProtect, dwMaximumSizeHigh, dwMaximumSizeLow);
    let name = CName::Wide(lpName);
    // SAFETY: this function's contract is `create_numa`'s.
    unsafe { create_numa(hFile, lpFileMappingAttributes, sizes, name, nndPreferred) }
}

/// `MapViewOfFileEx` with a preferred NUMA node (a hint, as for [`CreateFileMappingNumaA`]).
///
/// # Safety
///
/// No requirement: as [`MapViewOfFileEx`](crate::mapping::MapViewOfFileEx).
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/memoryapi/nf-memoryapi-mapviewoffileexnuma>
#[no_mangle]
pub extern "C" fn MapViewOfFileExNuma(
    hFileMappingObject: HANDLE,
    dwDesiredAccess: DWORD,
    dwFileOffsetHigh: DWORD,
    dwFileOffsetLow: DWORD,
    dwNumberOfBytesToMap: SIZE_T,
    lpBaseAddress: *mut c_void,
    nndPreferred: DWORD,
) -> *mut c_void {
    if let Err(err) = check_node(nndPreferred) {
        last_error::set(err.code());
        return null_mut();
    }
    crate::mapping::MapViewOfFileEx(
        hFileMappingObject,
        dwDesiredAccess,
        dwFileOffsetHigh,
        dwFileOffsetLow,
        dwNumberOfBytesToMap,
        lpBaseAddress,
    )
}

/// Creates a file mapping (Windows 10 1809's form): `PageProtection | AllocationAttributes`
/// as `CreateFileMappingW`'s `flProtect`, a 64-bit `MaximumSize`, a UTF-16 `Name`; the handle
/// has exactly `DesiredAccess` (`FILE_MAP_*`, `SECTION_*`, `GENERIC_*`), or the rights the
/// protection gives if it is 0. The last error is `ERROR_ALREADY_EXISTS` for an existing
/// section, as with `CreateFileMapping`.
///
/// # Platform notes
///
/// The extended parameters (a preferred NUMA node) are ignored.
///
/// # Safety
///
/// `SecurityAttributes` is NULL or points to a valid `SECURITY_ATTRIBUTES`; `Name` is NULL or
/// points to a NUL-terminated UTF-16 string (`ExtendedParameters` is not read).
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/memoryapi/nf-memoryapi-createfilemapping2>
#[no_mangle]
pub unsafe extern "C" fn CreateFileMapping2(
    File: HANDLE,
    SecurityAttributes: *const SECURITY_ATTRIBUTES,
    DesiredAccess: u32,
    PageProtection: u32,
    AllocationAttributes: u32,
    MaximumSize: u64,
    Name: LPCWSTR,
    ExtendedParameters: *mut c_void,
    ParameterCount: u32,
) -> HANDLE {
    let _ = (ExtendedParameters, ParameterCount);
    let fl_protect = PageProtection | AllocationAttributes;
    let (high, low) = ((MaximumSize >> 32) as u32, MaximumSize as u32);
    // SAFETY: this function's contract is `create_file_mapping`'s.
    let handle = unsafe {
        create_file_mapping(
            File,
            SecurityAttributes,
            fl_protect,
            high,
            low,
            CName::Wide(Name),
        )
    };
    if handle.is_null() || DesiredAccess == 0 {
        return handle;
    }
    let disposition = last_error::get();
    guard(null_mut(), || {
        let object = handles::get(handle)?;
        let copy = with_access(&object, DesiredAccess);
        drop(handles::remove(handle));
        let copy = handles::insert(copy?);
        last_error::set(disposition);
        Ok(copy)
    })
}

/// A copy of a new mapping handle with exactly `access`, inheritable as the original.
fn with_access(
    object: &crate::objects::Object,
    access: u32,
) -> Result<crate::objects::Object, Win32Error> {
    let mapping = object.mapping()?;
    let inheritable = mapping.map.inherit_token().is_some();
    let map = mapping
        .map
        .duplicate(FileMapAccess::from_bits(access), inheritable)?;
    Ok(crate::objects::Object::Mapping(mapping.with_map(map)))
}
