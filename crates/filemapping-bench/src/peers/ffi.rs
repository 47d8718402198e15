//! Our library through its C API (`filemapping-ffi`): the exported `extern "C"` functions,
//! called directly from Rust. Names live in the environment's namespace root
//! (`FILEMAPPING_DIR`, which the [`Workspace`](crate::workspace::Workspace) sets).

#![allow(unsafe_code)]

use super::shm::{Region, Shm};
use crate::error::{BenchError, Result};
use crate::workspace::Name;
use filemapping_ffi::handle_api::CloseHandle;
use filemapping_ffi::mapping::{
    CreateFileMappingA, MapViewOfFile, OpenFileMappingA, UnmapViewOfFile,
};
use filemapping_ffi::system::GetLastError;
use filemapping_ffi::types::{HANDLE, INVALID_HANDLE_VALUE, LPCSTR};
use std::ffi::c_void;
use std::ptr::null;

const PAGE_READWRITE: u32 = 0x04;
const FILE_MAP_WRITE: u32 = 0x02;
const FILE_MAP_READ: u32 = 0x04;
const ERROR_ALREADY_EXISTS: u32 = 183;

/// `CreateFileMappingA`, `OpenFileMappingA`, `MapViewOfFile`, `UnmapViewOfFile`, `CloseHandle`.
#[derive(Clone, Copy, Debug)]
pub struct Ffi;

/// A handle from the C API, closed with `CloseHandle` on drop.
#[derive(Debug)]
pub struct Handle {
    handle: HANDLE,
    /// The size, where this handle created the object; else unknown.
    size: Option<usize>,
}

impl Drop for Handle {
    fn drop(&mut self) {
        CloseHandle(self.handle);
    }
}

/// A view from `MapViewOfFile`, unmapped with `UnmapViewOfFile` on drop.
#[derive(Debug)]
pub struct FfiView(Region);

impl Drop for FfiView {
    fn drop(&mut self) {
        // SAFETY: the address came from `MapViewOfFile` and nothing uses the view after this.
        unsafe { UnmapViewOfFile(self.0.ptr as *const c_void) };
    }
}

fn failed(call: &str) -> BenchError {
    BenchError::new(format!("{call} failed: error {}", GetLastError()))
}

impl Ffi {
    /// `CreateFileMappingA` on the paging file; `name` NULL for an unnamed section.
    fn create_mapping(name: LPCSTR, size: usize) -> Result<(Handle, bool)> {
        let size = size as u64;
        // SAFETY: NULL security attributes, and `name` is NULL or a NUL-terminated string the
        // caller keeps alive for the call.
        let handle = unsafe {
            CreateFileMappingA(
                INVALID_HANDLE_VALUE,
                null(),
                PAGE_READWRITE,
                (size >> 32) as u32,
                size as u32,
                name,
            )
        };
        if handle.is_null() {
            return Err(failed("CreateFileMappingA"));
        }
        let existed = GetLastError() == ERROR_ALREADY_EXISTS;
        let size = Some(size as usize).filter(|_| !existed);
        Ok((Handle { handle, size }, existed))
    }
}

// SAFETY: `region` reports the address `MapViewOfFile` returned, which stays mapped until the
// view drops; its length is the section's size when known, else one page (a view maps whole
// pages, at least one); writable exactly when mapped with FILE_MAP_WRITE.
unsafe impl Shm for Ffi {
    type Object = Handle;
    type View = FfiView;
    type Held = ();

    fn create(&self, name: &Name, size: usize) -> Result<Handle> {
        match Ffi::create_mapping(name.c_str().as_ptr(), size)? {
            (handle, false) => Ok(handle),
            (_, true) => Err(BenchError::new("the name already exists")),
        }
    }

    fn create_unnamed(&self, _name: &Name, size: usize) -> Result<Handle> {
        Ok(Ffi::create_mapping(null(), size)?.0)
    }

    fn create_or_open(&self, name: &Name, size: usize) -> Result<Handle> {
        Ok(Ffi::create_mapping(name.c_str().as_ptr(), size)?.0)
    }

    fn open(&self, name: &Name) -> Result<Handle> {
        // SAFETY: the name is NUL-terminated and outlives the call.
        let handle = unsafe { OpenFileMappingA(FILE_MAP_READ, 0, name.c_str().as_ptr()) };
        if handle.is_null() {
            return Err(failed("OpenFileMappingA"));
        }
        Ok(Handle { handle, size: None })
    }

    fn map(&self, object: &Handle, write: bool) -> Result<FfiView> {
        let access = if write { FILE_MAP_WRITE } else { FILE_MAP_READ };
        let ptr = MapViewOfFile(object.handle, access, 0, 0, 0);
        if ptr.is_null() {
            return Err(failed("MapViewOfFile"));
        }
        Ok(FfiView(Region {
            ptr: ptr.cast(),
            len: object.size.unwrap_or_else(filemapping::page_size),
            writable: write,
        }))
    }

    fn region(&self, view: &FfiView) -> Region {
        view.0
    }

    fn counted(&self) -> bool {
        true
    }

    fn persist(&self, object: Handle) {
        drop(object);
    }
}
