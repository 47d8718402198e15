//! The floor: the cheapest raw syscalls that do each job, with none of the semantics (no
//! counting, no atomic publication, no rights, no commit): `shm_open`, `ftruncate`, `fstat`,
//! `mmap`, `munmap`, `close`, `shm_unlink`, and `memfd_create` for unnamed sections.

#![allow(unsafe_code)]

use super::shm::{Region, Shm, ShmName};
use crate::error::{BenchError, Result};
use crate::workspace::Name;
use std::ffi::CString;
use std::os::unix::io::{AsRawFd, FromRawFd, OwnedFd};

/// Raw syscalls through `libc`.
#[derive(Clone, Copy, Debug)]
pub struct Floor;

/// An open descriptor; the creator's also unlinks the name after closing it.
#[derive(Debug)]
pub struct FloorObject {
    fd: Option<OwnedFd>,
    size: usize,
    writable: bool,
    unlink: Option<CString>,
}

impl Drop for FloorObject {
    fn drop(&mut self) {
        drop(self.fd.take());
        if let Some(name) = &self.unlink {
            // SAFETY: `name` is NUL-terminated and outlives the call.
            unsafe { libc::shm_unlink(name.as_ptr()) };
        }
    }
}

/// A `mmap`ed range, `munmap`ed on drop.
#[derive(Debug)]
pub struct FloorView(Region);

impl Drop for FloorView {
    fn drop(&mut self) {
        // SAFETY: the range is exactly what `mmap` returned, and nothing uses it afterwards.
        unsafe { libc::munmap(self.0.ptr.cast(), self.0.len) };
    }
}

/// Wraps a descriptor a syscall just returned.
fn owned(fd: libc::c_int, what: &str) -> Result<OwnedFd> {
    if fd < 0 {
        return Err(BenchError::os(what));
    }
    // SAFETY: the kernel just returned `fd` as a new descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

fn shm_open(name: &Name, flags: libc::c_int) -> Result<OwnedFd> {
    // SAFETY: the name is NUL-terminated and outlives the call.
    owned(
        unsafe { libc::shm_open(name.shm().as_ptr(), flags, 0o600) },
        "shm_open",
    )
}

fn ftruncate(fd: &OwnedFd, size: usize) -> Result<()> {
    // SAFETY: ftruncate takes no pointers.
    match unsafe { libc::ftruncate(fd.as_raw_fd(), size as libc::off_t) } {
        0 => Ok(()),
        _ => Err(BenchError::os("ftruncate")),
    }
}

fn size_of(fd: &OwnedFd) -> Result<usize> {
    // SAFETY: `stat` is plain old data; all-zero is a valid value for fstat to overwrite.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: `st` is valid and writable for the duration of the call.
    match unsafe { libc::fstat(fd.as_raw_fd(), &mut st) } {
        0 => Ok(st.st_size as usize),
        _ => Err(BenchError::os("fstat")),
    }
}

impl FloorObject {
    fn new(fd: OwnedFd, size: usize, writable: bool, unlink: Option<&Name>) -> FloorObject {
        FloorObject {
            fd: Some(fd),
            size,
            writable,
            unlink: unlink.map(|n| n.shm().to_owned()),
        }
    }
}

// SAFETY: `region` reports the range `mmap` returned, mapped until the view drops, with the
// protection it was mapped with.
unsafe impl Shm for Floor {
    type Object = FloorObject;
    type View = FloorView;
    type Held = Option<ShmName>;

    fn create(&self, name: &Name, size: usize) -> Result<FloorObject> {
        let fd = shm_open(name, libc::O_CREAT | libc::O_EXCL | libc::O_RDWR)?;
        let object = FloorObject::new(fd, size, true, Some(name));
        ftruncate(object.fd.as_ref().expect("open"), size)?;
        Ok(object)
    }

    fn create_unnamed(&self, _name: &Name, size: usize) -> Result<FloorObject> {
        // SAFETY: the name is a NUL-terminated literal.
        let fd = unsafe { libc::memfd_create(c"fmbench".as_ptr(), libc::MFD_CLOEXEC) };
        let fd = owned(fd, "memfd_create")?;
        ftruncate(&fd, size)?;
        Ok(FloorObject::new(fd, size, true, None))
    }

    /// `O_CREAT` without `O_EXCL`; a size of 0 says the object is new and needs its size.
    fn create_or_open(&self, name: &Name, size: usize) -> Result<FloorObject> {
        let fd = shm_open(name, libc::O_CREAT | libc::O_RDWR)?;
        let mut existing = size_of(&fd)?;
        if existing == 0 {
            ftruncate(&fd, size)?;
            existing = size;
        }
        Ok(FloorObject::new(fd, existing, true, None))
    }

    fn open(&self, name: &Name) -> Result<FloorObject> {
        let fd = shm_open(name, libc::O_RDONLY)?;
        let size = size_of(&fd)?;
        Ok(FloorObject::new(fd, size, false, None))
    }

    fn map(&self, object: &FloorObject, write: bool) -> Result<FloorView> {
        if write && !object.writable {
            return Err(BenchError::new("opened read-only"));
        }
        let prot = if write {
            libc::PROT_READ | libc::PROT_WRITE
        } else {
            libc::PROT_READ
        };
        let fd = object.fd.as_ref().expect("open").as_raw_fd();
        let null = std::ptr::null_mut();
        // SAFETY: a new shared mapping at an address of the kernel's choosing replaces nothing.
        let ptr = unsafe { libc::mmap(null, object.size, prot, libc::MAP_SHARED, fd, 0) };
        if ptr == libc::MAP_FAILED {
            return Err(BenchError::os("mmap"));
        }
        Ok(FloorView(Region {
            ptr: ptr.cast(),
            len: object.size,
            writable: write,
        }))
    }

    fn region(&self, view: &FloorView) -> Region {
        view.0
    }

    fn persist(&self, mut object: FloorObject) -> Option<ShmName> {
        object.unlink.take().map(ShmName)
    }
}
