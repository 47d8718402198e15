//! `CreateFileMapping`, `OpenFileMapping`, `MapViewOfFile(Ex)`, `UnmapViewOfFile` and
//! `FlushViewOfFile`.

#![allow(unsafe_code)]

use crate::boundary::{guard, inheritable, to_bool};
use crate::error::Win32Error;
use crate::file_pins::{self, FilePin};
use crate::names::CName;
use crate::objects::{MappingObject, Object};
use crate::types::{
    BOOL, DWORD, HANDLE, INVALID_HANDLE_VALUE, LPCSTR, LPCWSTR, SECURITY_ATTRIBUTES, SIZE_T,
};
use crate::views::{self, ViewEntry};
use crate::{handles, last_error};
use filemapping::{
    CreateOptions, Disposition, FileMapAccess, OpenOptions, Protection, SectionAttributes,
};
use filemapping::{ERROR_ACCESS_DENIED, ERROR_INVALID_ADDRESS, ERROR_INVALID_PARAMETER};
use std::ffi::c_void;
use std::ptr::null_mut;

/// What `CreateFileMapping` was asked for, once the C arguments are read.
struct CreateArgs {
    file: HANDLE,
    inheritable: bool,
    fl_protect: u32,
    size: u64,
    name: Option<String>,
}

/// `CreateFileMapping` in safe Rust (spec §2): sets the last error to 0 or
/// `ERROR_ALREADY_EXISTS` on success.
fn create(args: CreateArgs) -> Result<HANDLE, Win32Error> {
    let (page, attributes) = SectionAttributes::split_fl_protect(args.fl_protect);
    let protection = Protection::from_raw(page)?;
    let options = CreateOptions::new()
        .name(args.name.as_deref().unwrap_or(""))
        .size(args.size)
        .protection(protection)
        .attributes(attributes)
        .inheritable(args.inheritable);
    // NULL reaches the kernel as "no file" (spec §2.1 step 4): the paging file, like
    // INVALID_HANDLE_VALUE.
    let (mapping, disposition) = if args.file.is_null() || args.file == INVALID_HANDLE_VALUE {
        let (map, disposition) = options.create()?;
        (MappingObject::new(map), disposition)
    } else {
        create_on_file(options, protection, args.file)?
    };
    let handle = handles::insert(Object::Mapping(mapping));
    last_error::set(disposition.win32_last_error());
    Ok(handle)
}

/// Creates a section backed by the file behind `handle`, which stays pinned for the life of the
/// mapping and its views if the section is the file's (an existing section of the same name may
/// have another backing).
fn create_on_file(
    options: CreateOptions<'_>,
    protection: Protection,
    handle: HANDLE,
) -> Result<(MappingObject, Disposition), Win32Error> {
    let object = handles::get(handle)?;
    let file = object.file()?;
    // Spec §2.3: an executable protection needs GENERIC_EXECUTE (rows 15-16), which this
    // layer keeps per handle as Windows does (CreateFile decides it).
    if protection.is_executable() && !file.access.execute {
        return Err(Win32Error(ERROR_ACCESS_DENIED));
    }
    // Pinned before the section exists, so that no truncation can slip in between.
    let pin = FilePin::new(file_pins::file_id(&file.file)?);
    let options = options.file(&file.file).file_execute(file.access.execute);
    let (map, disposition) = options.create()?;
    let mut mapping = MappingObject::new(map);
    if mapping.file_backed == Some(true) {
        mapping.pin = Some(pin);
    }
    Ok((mapping, disposition))
}

/// `OpenFileMapping` in safe Rust (spec §3). A NULL name is `ERROR_INVALID_PARAMETER` (row 38).
fn open(access: u32, inheritable: bool, name: Option<String>) -> Result<HANDLE, Win32Error> {
    let name = name.ok_or(Win32Error(ERROR_INVALID_PARAMETER))?;
    let map = OpenOptions::new(FileMapAccess::from_bits(access))
        .inheritable(inheritable)
        .open(&name)?;
    Ok(handles::insert(Object::Mapping(MappingObject::new(map))))
}

/// `MapViewOfFileEx` in safe Rust (spec §5); `base` 0 lets the system choose.
pub(crate) fn map_view(
    handle: HANDLE,
    access: u32,
    offset: u64,
    len: usize,
    base: usize,
) -> Result<*mut c_void, Win32Error> {
    let object = handles::get(handle)?;
    let mapping = object.mapping()?;
    let access = FileMapAccess::from_bits(access);
    let view = if base == 0 {
        mapping.map.map_view(access, offset, len)?
    } else {
        mapping.map.map_view_at(access, offset, len, base)?
    };
    let entry = ViewEntry {
        view,
        file_backed: mapping.file_backed,
        _pin: mapping.pin.clone(),
        file_path: mapping.file_path.clone(),
        placeholder: false,
        cache: crate::views::cache_modifier(&mapping.map),
    };
    Ok(views::insert(entry).cast())
}

/// `UnmapViewOfFile` in safe Rust: any address inside a view unmaps the whole view (spec §7,
/// rows 100-102).
pub(crate) fn unmap(addr: usize) -> Result<BOOL, Win32Error> {
    let entry = views::remove(addr).ok_or(Win32Error(ERROR_INVALID_ADDRESS))?;
    drop(entry);
    Ok(to_bool(true))
}

/// `FlushViewOfFile` in safe Rust (spec §8): from `addr` for `len` bytes, 0 meaning to the end
/// of the view. An address outside every view, or a range past the view's pages, is
/// `ERROR_INVALID_PARAMETER`, as Wine reports (Windows unverified).
fn flush(addr: usize, len: usize) -> Result<BOOL, Win32Error> {
    let invalid = Win32Error(ERROR_INVALID_PARAMETER);
    let Some(entry) = views::find(addr) else {
        // Private memory (VirtualAlloc) has nothing to write back: kernelbase turns the
        // kernel's STATUS_NOT_MAPPED_DATA into success there, as for pagefile views (Wine too).
        return if crate::private::contains(addr) {
            Ok(to_bool(true))
        } else {
            Err(invalid)
        };
    };
    let offset = addr - entry.base();
    if len > entry.view.region_size() - offset {
        return Err(invalid);
    }
    // The library flushes within the mapped length; the rest of the last page holds no data.
    let end = if len == 0 {
        entry.view.len()
    } else {
        (offset + len).min(entry.view.len())
    };
    if offset < end {
        entry.view.flush_range(offset, end - offset)?;
    }
    Ok(to_bool(true))
}

fn size64(high: DWORD, low: DWORD) -> u64 {
    (u64::from(high) << 32) | u64::from(low)
}

/// `CreateFileMappingA/W` behind the boundary.
///
/// # Safety
///
/// `attributes` is NULL or points to a valid `SECURITY_ATTRIBUTES`; `name` is NULL or
/// NUL-terminated.
pub(crate) unsafe fn create_file_mapping(
    file: HANDLE,
    attributes: *const SECURITY_ATTRIBUTES,
    fl_protect: DWORD,
    high: DWORD,
    low: DWORD,
    name: CName,
) -> HANDLE {
    guard(null_mut(), || {
        let args = CreateArgs {
            file,
            // SAFETY: NULL or valid, as this function's contract requires.
            inheritable: unsafe { inheritable(attributes) },
            fl_protect,
            size: size64(high, low),
            // SAFETY: NULL or NUL-terminated, as this function's contract requires.
            name: unsafe { name.object_name() }?,
        };
        create(args)
    })
}

/// `OpenFileMappingA/W` behind the boundary.
///
/// # Safety
///
/// `name` is NULL or NUL-terminated.
unsafe fn open_file_mapping(access: DWORD, inherit: BOOL, name: CName) -> HANDLE {
    guard(null_mut(), || {
        // SAFETY: NULL or NUL-terminated, as this function's contract requires.
        let name = unsafe { name.object_name() }?;
        open(access, inherit != 0, name)
    })
}

/// Creates a file mapping (a section), or opens the live one of the same name.
///
/// `hFile` is `INVALID_HANDLE_VALUE` for memory backed by the system, or a handle from
/// `CreateFile`. `flProtect` is a page protection OR-ed with `SEC_*` attributes. On success the
/// last error is `ERROR_SUCCESS` for a new section and `ERROR_ALREADY_EXISTS` for an existing
/// one (then with its own size). On failure it returns NULL.
///
/// `lpName` is UTF-8; a name of 260 or more characters fails with
/// `ERROR_FILENAME_EXCED_RANGE`. Only `bInheritHandle` of the security attributes is used.
///
/// # Safety
///
/// - `lpFileMappingAttributes` is NULL or points to a valid `SECURITY_ATTRIBUTES`.
/// - `lpName` is NULL or points to a NUL-terminated string.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/winbase/nf-winbase-createfilemappinga>
#[no_mangle]
pub unsafe extern "C" fn CreateFileMappingA(
    hFile: HANDLE,
    lpFileMappingAttributes: *const SECURITY_ATTRIBUTES,
    flProtect: DWORD,
    dwMaximumSizeHigh: DWORD,
    dwMaximumSizeLow: DWORD,
    lpName: LPCSTR,
) -> HANDLE {
    let (attributes, name) = (lpFileMappingAttributes, CName::Ansi(lpName));
    // SAFETY: this function's contract is `create_file_mapping`'s.
    unsafe {
        create_file_mapping(
            hFile,
            attributes,
            flProtect,
            dwMaximumSizeHigh,
            dwMaximumSizeLow,
            name,
        )
    }
}

/// Creates a file mapping, or opens the live one of the same name; the name is UTF-16. See
/// [`CreateFileMappingA`].
///
/// # Safety
///
/// - `lpFileMappingAttributes` is NULL or points to a valid `SECURITY_ATTRIBUTES`.
/// - `lpName` is NULL or points to a NUL-terminated UTF-16 string.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/memoryapi/nf-memoryapi-createfilemappingw>
#[no_mangle]
pub unsafe extern "C" fn CreateFileMappingW(
    hFile: HANDLE,
    lpFileMappingAttributes: *const SECURITY_ATTRIBUTES,
    flProtect: DWORD,
    dwMaximumSizeHigh: DWORD,
    dwMaximumSizeLow: DWORD,
    lpName: LPCWSTR,
) -> HANDLE {
    let (attributes, name) = (lpFileMappingAttributes, CName::Wide(lpName));
    // SAFETY: this function's contract is `create_file_mapping`'s.
    unsafe {
        create_file_mapping(
            hFile,
            attributes,
            flProtect,
            dwMaximumSizeHigh,
            dwMaximumSizeLow,
            name,
        )
    }
}

/// Opens the live file mapping `lpName` with exactly `dwDesiredAccess` (`FILE_MAP_*`;
/// `FILE_MAP_COPY` alone means `FILE_MAP_READ`; `GENERIC_*` rights are mapped through the
/// section generic mapping, e.g. `GENERIC_READ` to `STANDARD_RIGHTS_READ | SECTION_QUERY |
/// SECTION_MAP_READ`). NULL and `ERROR_FILE_NOT_FOUND` if no object
/// has the name, `ERROR_INVALID_HANDLE` if it names an event.
///
/// # Safety
///
/// `lpName` is NULL or points to a NUL-terminated string.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/winbase/nf-winbase-openfilemappinga>
#[no_mangle]
pub unsafe extern "C" fn OpenFileMappingA(
    dwDesiredAccess: DWORD,
    bInheritHandle: BOOL,
    lpName: LPCSTR,
) -> HANDLE {
    // SAFETY: this function's contract is `open_file_mapping`'s.
    unsafe { open_file_mapping(dwDesiredAccess, bInheritHandle, CName::Ansi(lpName)) }
}

/// Opens the live file mapping `lpName` (UTF-16). See [`OpenFileMappingA`].
///
/// # Safety
///
/// `lpName` is NULL or points to a NUL-terminated UTF-16 string.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/memoryapi/nf-memoryapi-openfilemappingw>
#[no_mangle]
pub unsafe extern "C" fn OpenFileMappingW(
    dwDesiredAccess: DWORD,
    bInheritHandle: BOOL,
    lpName: LPCWSTR,
) -> HANDLE {
    // SAFETY: this function's contract is `open_file_mapping`'s.
    unsafe { open_file_mapping(dwDesiredAccess, bInheritHandle, CName::Wide(lpName)) }
}

/// Maps a view of a file mapping at a 64 KiB-aligned address. `dwNumberOfBytesToMap` 0 maps to
/// the end of the section. The view's protection follows `dwDesiredAccess` (spec §5.1); the
/// view stays valid after the handle is closed. NULL on failure: `ERROR_ACCESS_DENIED`,
/// `ERROR_MAPPED_ALIGNMENT`, `ERROR_INVALID_HANDLE`, …
///
/// # Safety
///
/// No requirement: the handle is checked. Touching the returned memory follows the view's
/// protection, as on Windows.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/memoryapi/nf-memoryapi-mapviewoffile>
#[no_mangle]
pub extern "C" fn MapViewOfFile(
    hFileMappingObject: HANDLE,
    dwDesiredAccess: DWORD,
    dwFileOffsetHigh: DWORD,
    dwFileOffsetLow: DWORD,
    dwNumberOfBytesToMap: SIZE_T,
) -> *mut c_void {
    guard(null_mut(), || {
        let offset = size64(dwFileOffsetHigh, dwFileOffsetLow);
        map_view(
            hFileMappingObject,
            dwDesiredAccess,
            offset,
            dwNumberOfBytesToMap,
            0,
        )
    })
}

/// Maps a view at exactly `lpBaseAddress` (a multiple of 64 KiB that is free), or where the
/// system chooses if it is NULL. `ERROR_INVALID_ADDRESS` if the range is in use.
///
/// # Safety
///
/// No requirement: the new view never replaces memory that is in use.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/memoryapi/nf-memoryapi-mapviewoffileex>
#[no_mangle]
pub extern "C" fn MapViewOfFileEx(
    hFileMappingObject: HANDLE,
    dwDesiredAccess: DWORD,
    dwFileOffsetHigh: DWORD,
    dwFileOffsetLow: DWORD,
    dwNumberOfBytesToMap: SIZE_T,
    lpBaseAddress: *mut c_void,
) -> *mut c_void {
    guard(null_mut(), || {
        let offset = size64(dwFileOffsetHigh, dwFileOffsetLow);
        map_view(
            hFileMappingObject,
            dwDesiredAccess,
            offset,
            dwNumberOfBytesToMap,
            lpBaseAddress as usize,
        )
    })
}

/// Unmaps the view that holds `lpBaseAddress` (any address inside it). FALSE and
/// `ERROR_INVALID_ADDRESS` for anything that is not a view.
///
/// # Safety
///
/// Nothing may use the view's memory after the call (the address itself is only looked up).
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/memoryapi/nf-memoryapi-unmapviewoffile>
#[no_mangle]
pub unsafe extern "C" fn UnmapViewOfFile(lpBaseAddress: *const c_void) -> BOOL {
    guard(to_bool(false), || unmap(lpBaseAddress as usize))
}

/// Starts writing the dirty pages of a view range to its file (`dwNumberOfBytesToFlush` 0: to
/// the end of the view). TRUE at once for memory backed by the system.
///
/// # Safety
///
/// No requirement: the address is only looked up.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/memoryapi/nf-memoryapi-flushviewoffile>
#[no_mangle]
pub extern "C" fn FlushViewOfFile(
    lpBaseAddress: *const c_void,
    dwNumberOfBytesToFlush: SIZE_T,
) -> BOOL {
    guard(to_bool(false), || {
        flush(lpBaseAddress as usize, dwNumberOfBytesToFlush)
    })
}
