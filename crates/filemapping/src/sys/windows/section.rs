//! Section handles on Windows: `CreateFileMappingW`, `OpenFileMappingW`, `DuplicateHandle`,
//! `MapViewOfFileEx`, and the ntdll queries.

#![allow(unsafe_code)]

use super::handle::{from_code, last_error, Handle};
use super::nt;
use super::view::{Pages, View};
use crate::error::{Error, ErrorKind, Result};
use crate::protection::{FileMapAccess, Protection, SectionAttributes};
use crate::sys::{CreateRequest, MapRequest, OpenRequest, SectionOps};
use crate::types::{Backing, Disposition, SectionInfo};
use std::os::windows::io::AsRawHandle;
use std::sync::Arc;
use windows_sys::Win32::Foundation::{
    DuplicateHandle, GetLastError, ERROR_ALREADY_EXISTS, HANDLE, INVALID_HANDLE_VALUE,
};
use windows_sys::Win32::Security::SECURITY_ATTRIBUTES;
use windows_sys::Win32::System::Memory::{
    CreateFileMappingW, MapViewOfFile3, MapViewOfFileEx, OpenFileMappingW, VirtualAlloc,
    VirtualFree, MEM_RELEASE, MEM_REPLACE_PLACEHOLDER, MEM_RESERVE, PAGE_NOACCESS,
};
use windows_sys::Win32::System::Threading::GetCurrentProcess;

/// One handle to a section.
#[derive(Debug)]
pub(crate) struct Section {
    handle: Option<Handle>,
    info: SectionInfo,
    access: FileMapAccess,
    inheritable: bool,
    /// The backing file, for durable flushes (known only to the creator).
    file: Option<Arc<Handle>>,
}

/// An object name for a `W` function, NUL-terminated; an unpaired surrogate spelled as
/// `name_from_utf16` spells it is that unit again.
pub(super) fn wide(name: &str) -> Vec<u16> {
    let mut units = crate::name::name_to_utf16(name);
    units.push(0);
    units
}

fn name_ptr(name: &Option<Vec<u16>>) -> *const u16 {
    name.as_ref().map_or(std::ptr::null(), |n| n.as_ptr())
}

impl SectionOps for Section {
    type View = View;

    fn create(req: &CreateRequest<'_>) -> Result<(Section, Disposition)> {
        let name = Some(req.raw_name.as_str())
            .filter(|n| !n.is_empty())
            .map(wide);
        let attrs = security(req.inheritable);
        let file = req
            .file
            .map_or(INVALID_HANDLE_VALUE, |f| f.as_raw_handle() as HANDLE);
        let protect = req.protection.to_raw() | req.raw_attributes.bits();
        // SAFETY: every pointer is valid for the call or null where the API allows it.
        let raw = unsafe {
            CreateFileMappingW(
                file,
                &attrs,
                protect,
                (req.size >> 32) as u32,
                req.size as u32,
                name_ptr(&name),
            )
        };
        // SAFETY: reads the calling thread's error slot right after the call.
        let existed = unsafe { GetLastError() } == ERROR_ALREADY_EXISTS;
        let handle = Handle::from_result(raw, "CreateFileMappingW")?;
        let file = match req.file {
            Some(f) => Some(Arc::new(duplicate_raw(
                f.as_raw_handle() as HANDLE,
                0,
                false,
                true,
            )?)),
            None => None,
        };
        let guess = (req.protection, req.file.is_some(), req.size);
        let info = query(
            &handle,
            Some(req.raw_name.clone()).filter(|n| !n.is_empty()),
            guess,
        );
        let disposition = if existed {
            Disposition::OpenedExisting
        } else {
            Disposition::Created
        };
        let access = req.protection.handle_access();
        Ok((
            Section {
                handle: Some(handle),
                info,
                access,
                inheritable: req.inheritable,
                file,
            },
            disposition,
        ))
    }

    fn open(req: &OpenRequest<'_>) -> Result<Section> {
        let name = wide(req.raw_name);
        // SAFETY: `name` is NUL-terminated and outlives the call.
        let raw =
            unsafe { OpenFileMappingW(req.access.bits(), req.inheritable.into(), name.as_ptr()) };
        let handle = Handle::from_result(raw, "OpenFileMappingW")?;
        let guess = (guess_protection(req.access), false, 0);
        let info = query(&handle, Some(req.raw_name.to_owned()), guess);
        Ok(Section {
            handle: Some(handle),
            info,
            access: req.access,
            inheritable: req.inheritable,
            file: None,
        })
    }

    fn duplicate(&self, access: FileMapAccess, inheritable: bool) -> Result<Section> {
        let handle = duplicate_raw(self.raw()?, access.bits(), inheritable, false)?;
        Ok(Section {
            handle: Some(handle),
            info: self.info.clone(),
            access,
            inheritable,
            file: self.file.clone(),
        })
    }

    fn info(&self) -> &SectionInfo {
        &self.info
    }

    fn access(&self) -> FileMapAccess {
        self.access
    }

    fn handle_count(&self) -> Result<u64> {
        // SAFETY: all-zero is a valid value of this plain C struct.
        let mut info: nt::ObjectBasicInformation = unsafe { std::mem::zeroed() };
        let len = std::mem::size_of::<nt::ObjectBasicInformation>() as u32;
        // SAFETY: `info` is writable for `len` bytes; the handle is owned by `self`.
        let status = unsafe {
            nt::NtQueryObject(
                self.raw()?,
                nt::OBJECT_BASIC,
                (&mut info as *mut nt::ObjectBasicInformation).cast(),
                len,
                std::ptr::null_mut(),
            )
        };
        if status < 0 {
            // SAFETY: a pure conversion function.
            return Err(from_code(
                unsafe { nt::RtlNtStatusToDosError(status) },
                "NtQueryObject",
            ));
        }
        Ok(u64::from(info.handle_count))
    }

    fn holder_pids(&self) -> Vec<u32> {
        Vec::new()
    }

    fn map(&self, req: &MapRequest) -> Result<View> {
        let base = req
            .base
            .map_or(std::ptr::null(), |b| b as *const std::ffi::c_void);
        let addr = if req.replace {
            // SAFETY: the handle is owned by `self`; the caller owns the placeholder at `base`,
            // which only MEM_REPLACE_PLACEHOLDER may replace.
            let addr = unsafe {
                MapViewOfFile3(
                    self.raw()?,
                    GetCurrentProcess(),
                    base,
                    req.offset,
                    req.len,
                    MEM_REPLACE_PLACEHOLDER,
                    req.protection.to_raw(),
                    std::ptr::null_mut(),
                    0,
                )
            };
            if addr.Value.is_null() {
                return Err(last_error("MapViewOfFile3"));
            }
            addr
        } else {
            // SAFETY: the handle is owned by `self`; a non-null base is only a request that
            // the kernel checks (it never replaces existing memory).
            let addr = unsafe {
                MapViewOfFileEx(
                    self.raw()?,
                    req.access.bits(),
                    (req.offset >> 32) as u32,
                    req.offset as u32,
                    req.len,
                    base,
                )
            };
            if addr.Value.is_null() {
                return Err(last_error("MapViewOfFileEx"));
            }
            addr
        };
        let len = match (req.len, self.info.size) {
            (0, 0) => super::view::region_size(addr.Value),
            (0, size) => size.saturating_sub(req.offset) as usize,
            (len, _) => len,
        };
        Ok(View::new(
            addr.Value.cast(),
            len,
            req.protection.to_raw(),
            self.file.clone(),
            Pages {
                uniform: uniform(self.info.attributes),
                from_file: self.file.is_some() || from_file(self.info.attributes),
            },
        ))
    }

    fn map_ring(&self, req: &MapRequest) -> Result<(View, View)> {
        // A free range of twice the length is found by reserving it and letting it go; another
        // thread may take it before both views are in, so the whole attempt is repeated (this
        // works on every Windows version; placeholders would need Windows 10 1803).
        let mut last = None;
        for _ in 0..64 {
            // SAFETY: a fresh reservation at a system-chosen address, released at once.
            let at =
                unsafe { VirtualAlloc(std::ptr::null(), req.len * 2, MEM_RESERVE, PAGE_NOACCESS) };
            if at.is_null() {
                return Err(last_error("VirtualAlloc"));
            }
            // SAFETY: `at` is the reservation just made, used by nothing.
            unsafe { VirtualFree(at, 0, MEM_RELEASE) };
            let base = at as usize;
            let half = |start: usize| MapRequest {
                protection: req.protection,
                access: req.access,
                offset: req.offset,
                len: req.len,
                base: Some(start),
                replace: false,
            };
            let first = match self.map(&half(base)) {
                Ok(view) => view,
                Err(e) => {
                    last = Some(e);
                    continue;
                }
            };
            match self.map(&half(base + req.len)) {
                Ok(second) => return Ok((first, second)),
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| Error::new(ErrorKind::NotEnoughMemory, "no room for a ring")))
    }

    fn inherit_token(&self) -> Option<String> {
        let handle = self.handle.as_ref()?;
        self.inheritable
            .then(|| format!("{},{:x}", handle.raw() as usize, self.access.bits()))
    }

    unsafe fn adopt(token: &str) -> Result<Section> {
        let bad = || {
            Error::new(
                ErrorKind::InvalidHandle,
                format!("{token:?} is not an inherited handle"),
            )
        };
        let (raw, access) = token.split_once(',').ok_or_else(bad)?;
        let raw: u64 = raw.parse().map_err(|_| bad())?;
        let access = u32::from_str_radix(access, 16).map_err(|_| bad())?;
        // SAFETY: the caller upholds the contract, which is `Handle::adopt`'s own.
        let handle = unsafe { Handle::adopt(raw, "Section") }?;
        let access = FileMapAccess::from_bits(access);
        let info = query(&handle, None, (guess_protection(access), false, 0));
        Ok(Section {
            handle: Some(handle),
            info,
            access,
            inheritable: true,
            file: None,
        })
    }

    fn close(mut self) -> Result<()> {
        drop(self.handle.take());
        Ok(())
    }
}

impl Section {
    fn raw(&self) -> Result<HANDLE> {
        self.handle
            .as_ref()
            .map(Handle::raw)
            .ok_or_else(|| Error::new(ErrorKind::InvalidHandle, "the handle is closed"))
    }
}

pub(super) fn security(inheritable: bool) -> SECURITY_ATTRIBUTES {
    SECURITY_ATTRIBUTES {
        nLength: std::mem::size_of::<SECURITY_ATTRIBUTES>() as u32,
        lpSecurityDescriptor: std::ptr::null_mut(),
        bInheritHandle: inheritable.into(),
    }
}

/// `DuplicateHandle` within this process.
pub(super) fn duplicate_raw(
    source: HANDLE,
    access: u32,
    inheritable: bool,
    same_access: bool,
) -> Result<Handle> {
    let mut out: HANDLE = std::ptr::null_mut();
    let options = if same_access { 2 } else { 0 }; // DUPLICATE_SAME_ACCESS
                                                   // SAFETY: the process pseudo-handle needs no closing; `out` is writable.
    let ok = unsafe {
        let me = GetCurrentProcess();
        DuplicateHandle(
            me,
            source,
            me,
            &mut out,
            access,
            inheritable.into(),
            options,
        )
    };
    if ok == 0 {
        return Err(last_error("DuplicateHandle"));
    }
    Handle::from_result(out, "DuplicateHandle")
}

/// Windows cannot tell a section's maximum protection; this is the best guess from a handle's
/// rights.
fn guess_protection(access: FileMapAccess) -> Protection {
    match (
        access.contains(FileMapAccess::WRITE),
        access.contains(FileMapAccess::MAP_EXECUTE),
    ) {
        (true, true) => Protection::ExecuteReadWrite,
        (true, false) => Protection::ReadWrite,
        (false, true) => Protection::ExecuteRead,
        (false, false) => Protection::ReadOnly,
    }
}

/// Whether every page of a view of a section with `attributes` is committed with the view's
/// protection: a `SEC_COMMIT` or file section. Attributes that could not be queried count as
/// not.
fn uniform(attributes: SectionAttributes) -> bool {
    !attributes.contains(SectionAttributes::IMAGE)
        && (attributes.contains(SectionAttributes::COMMIT)
            || attributes.contains(SectionAttributes::FILE))
}

/// Whether the pages of a section with `attributes` may come from a file: a file or image
/// section, or one whose attributes could not be queried (a handle without `SECTION_QUERY`).
fn from_file(attributes: SectionAttributes) -> bool {
    attributes == SectionAttributes::NONE
        || attributes.contains(SectionAttributes::FILE)
        || attributes.contains(SectionAttributes::IMAGE)
}

/// What `NtQuerySection` tells (size and attributes), plus what we know.
fn query(handle: &Handle, name: Option<String>, guess: (Protection, bool, u64)) -> SectionInfo {
    let (protection, file_backed, size) = guess;
    // SAFETY: all-zero is a valid value of this plain C struct.
    let mut sbi: nt::SectionBasicInformation = unsafe { std::mem::zeroed() };
    let len = std::mem::size_of::<nt::SectionBasicInformation>();
    // SAFETY: `sbi` is writable for `len` bytes; the handle is valid.
    let status = unsafe {
        nt::NtQuerySection(
            handle.raw(),
            nt::SECTION_BASIC,
            (&mut sbi as *mut nt::SectionBasicInformation).cast(),
            len,
            std::ptr::null_mut(),
        )
    };
    let (size, attributes) = if status >= 0 {
        (
            sbi.maximum_size as u64,
            SectionAttributes::from_bits(sbi.attributes),
        )
    } else {
        (size, SectionAttributes::NONE)
    };
    let file_backed = file_backed || attributes.contains(SectionAttributes::FILE);
    SectionInfo {
        size,
        protection,
        attributes,
        name: name.map(qualified),
        backing: if file_backed {
            Backing::File(None)
        } else {
            Backing::PagingFile
        },
    }
}

/// The name with its prefix, as the other platforms report it.
fn qualified(name: String) -> String {
    if name.starts_with("Local\\") || name.starts_with("Global\\") {
        name
    } else {
        format!("Local\\{name}")
    }
}
