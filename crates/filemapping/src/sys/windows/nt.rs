//! The ntdll calls the Win32 API lacks: a section's size and attributes, an event's type, a
//! handle's object's handle count and type name, and copies of memory that report a page that
//! cannot come in as a status.

use std::ffi::c_void;
use windows_sys::Win32::Foundation::HANDLE;

#[repr(C)]
pub(crate) struct SectionBasicInformation {
    pub(crate) base_address: *mut c_void,
    pub(crate) attributes: u32,
    pub(crate) maximum_size: i64,
}

#[repr(C)]
pub(crate) struct ObjectBasicInformation {
    pub(crate) attributes: u32,
    pub(crate) granted_access: u32,
    pub(crate) handle_count: u32,
    pub(crate) pointer_count: u32,
    pub(crate) reserved: [u32; 10],
}

#[link(name = "ntdll")]
extern "system" {
    pub(crate) fn NtQuerySection(
        section: HANDLE,
        class: u32,
        info: *mut c_void,
        len: usize,
        ret: *mut usize,
    ) -> i32;
    pub(crate) fn NtQueryObject(
        handle: HANDLE,
        class: u32,
        info: *mut c_void,
        len: u32,
        ret: *mut u32,
    ) -> i32;
    pub(crate) fn RtlNtStatusToDosError(status: i32) -> u32;
    pub(crate) fn NtReadVirtualMemory(
        process: HANDLE,
        base: *const c_void,
        buffer: *mut c_void,
        len: usize,
        done: *mut usize,
    ) -> i32;
    pub(crate) fn NtWriteVirtualMemory(
        process: HANDLE,
        base: *mut c_void,
        buffer: *const c_void,
        len: usize,
        done: *mut usize,
    ) -> i32;
}

/// `SectionBasicInformation`.
pub(crate) const SECTION_BASIC: u32 = 0;
/// `ObjectBasicInformation`.
pub(crate) const OBJECT_BASIC: u32 = 0;
/// `ObjectTypeInformation`: a `PUBLIC_OBJECT_TYPE_INFORMATION`, whose first field is the type's
/// name ([`UnicodeString`]), followed by the name's characters in the same buffer.
pub(crate) const OBJECT_TYPE: u32 = 2;

/// `UNICODE_STRING`: a counted UTF-16 string (`length` in bytes, without a terminator).
#[repr(C)]
pub(crate) struct UnicodeString {
    pub(crate) length: u16,
    pub(crate) maximum_length: u16,
    pub(crate) buffer: *const u16,
}

#[repr(C)]
pub(crate) struct EventBasicInformation {
    /// 0: notification (manual-reset); 1: synchronization (auto-reset).
    pub(crate) event_type: u32,
    pub(crate) state: i32,
}

#[link(name = "ntdll")]
extern "system" {
    pub(crate) fn NtQueryEvent(
        event: HANDLE,
        class: u32,
        info: *mut c_void,
        len: u32,
        ret: *mut u32,
    ) -> i32;
}

/// `EventBasicInformation`.
pub(crate) const EVENT_BASIC: u32 = 0;
