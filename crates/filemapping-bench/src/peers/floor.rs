//! The floor: the cheapest raw syscalls that do each job, with none of the semantics (no
//! counting, no atomic publication, no rights, no commit): `shm_open`, `ftruncate`, `fstat`,
//! `mmap`, `munmap`, `close`, `shm_unlink`, and `memfd_create` for unnamed sections. Two
//! variations: sizing with `fallocate` instead of `ftruncate` (every page reserved at create,
//! as our `SEC_COMMIT` does), and plain files (`open`, `unlink` of [`Name::path`]) in a
//! directory of the case's choosing instead of `shm_open` names.

#![allow(unsafe_code)]

use super::shm::{Region, Shm};
use crate::error::{BenchError, Result};
use crate::workspace::Name;
use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::io::{AsRawFd, FromRawFd, OwnedFd};

/// Raw syscalls through `libc`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Floor {
    sizing: Sizing,
    place: Place,
}

/// How the floor gives a new object its size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sizing {
    /// `ftruncate`: sparse, a page is allocated when first touched.
    Truncate,
    /// `fallocate`: every page allocated now.
    Fallocate,
}

/// Where the floor's names live.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// POSIX shared memory: `shm_open` and `shm_unlink` of [`Name::shm`].
    Shm,
    /// Plain files: `open` and `unlink` of [`Name::path`].
    Files,
}

impl Floor {
    /// The floor of most cases: `shm_open` names sized with `ftruncate`.
    pub const SPARSE: Floor = Floor {
        sizing: Sizing::Truncate,
        place: Place::Shm,
    };

    /// A floor sizing with `sizing`, its names in `place`.
    pub fn new(sizing: Sizing, place: Place) -> Floor {
        Floor { sizing, place }
    }
}

/// An open descriptor (or none, once [`Shm::persist`] closed it); the creator's also unlinks
/// the name after closing it.
#[derive(Debug)]
pub struct FloorObject {
    fd: Option<OwnedFd>,
    size: usize,
    writable: bool,
    unlink: Option<(Place, CString)>,
}

impl Drop for FloorObject {
    fn drop(&mut self) {
        drop(self.fd.take());
        match &self.unlink {
            // SAFETY: `name` is NUL-terminated and outlives the call.
            Some((Place::Shm, name)) => unsafe { libc::shm_unlink(name.as_ptr()) },
            // SAFETY: as above.
            Some((Place::Files, path)) => unsafe { libc::unlink(path.as_ptr()) },
            None => 0,
        };
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

/// `name` as `place` spells it: `/name` for `shm_open`, the file's path for `open`.
fn spelled(name: &Name, place: Place) -> CString {
    match place {
        Place::Shm => name.shm().to_owned(),
        Place::Files => {
            CString::new(name.path().as_os_str().as_bytes()).expect("paths of names have no NUL")
        }
    }
}

fn open(name: &Name, place: Place, flags: libc::c_int) -> Result<OwnedFd> {
    let spelled = spelled(name, place);
    let fd = match place {
        // SAFETY: the name is NUL-terminated and outlives the call.
        Place::Shm => unsafe { libc::shm_open(spelled.as_ptr(), flags, 0o600) },
        // SAFETY: as above; the flags are what glibc's shm_open adds to its own.
        Place::Files => unsafe {
            libc::open(
                spelled.as_ptr(),
                flags | libc::O_NOFOLLOW | libc::O_CLOEXEC,
                0o600,
            )
        },
    };
    owned(
        fd,
        if place == Place::Shm {
            "shm_open"
        } else {
            "open"
        },
    )
}

fn ftruncate(fd: &OwnedFd, size: usize) -> Result<()> {
    // SAFETY: ftruncate takes no pointers.
    match unsafe { libc::ftruncate(fd.as_raw_fd(), size as libc::off_t) } {
        0 => Ok(()),
        _ => Err(BenchError::os("ftruncate")),
    }
}

fn fallocate(fd: &OwnedFd, size: usize) -> Result<()> {
    // SAFETY: fallocate takes no pointers.
    match unsafe { libc::fallocate(fd.as_raw_fd(), 0, 0, size as libc::off_t) } {
        0 => Ok(()),
        _ => Err(BenchError::os("fallocate")),
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
    fn new(
        fd: OwnedFd,
        size: usize,
        writable: bool,
        unlink: Option<(Place, &Name)>,
    ) -> FloorObject {
        FloorObject {
            fd: Some(fd),
            size,
            writable,
            unlink: unlink.map(|(place, name)| (place, spelled(name, place))),
        }
    }

    fn fd(&self) -> &OwnedFd {
        self.fd.as_ref().expect("open until drop")
    }
}

impl Floor {
    /// Gives a new object its size, as the floor sizes.
    fn size(&self, fd: &OwnedFd, size: usize) -> Result<()> {
        match self.sizing {
            Sizing::Truncate => ftruncate(fd, size),
            Sizing::Fallocate => fallocate(fd, size),
        }
    }
}

// SAFETY: `region` reports the range `mmap` returned, mapped until the view drops, with the
// protection it was mapped with.
unsafe impl Shm for Floor {
    type Object = FloorObject;
    type View = FloorView;
    type Held = FloorObject;

    fn create(&self, name: &Name, size: usize) -> Result<FloorObject> {
        let flags = libc::O_CREAT | libc::O_EXCL | libc::O_RDWR;
        let fd = open(name, self.place, flags)?;
        let object = FloorObject::new(fd, size, true, Some((self.place, name)));
        self.size(object.fd(), size)?;
        Ok(object)
    }

    fn create_unnamed(&self, _name: &Name, size: usize) -> Result<FloorObject> {
        // SAFETY: the name is a NUL-terminated literal.
        let fd = unsafe { libc::memfd_create(c"fmbench".as_ptr(), libc::MFD_CLOEXEC) };
        let fd = owned(fd, "memfd_create")?;
        self.size(&fd, size)?;
        Ok(FloorObject::new(fd, size, true, None))
    }

    /// `O_CREAT` without `O_EXCL`; a size of 0 says the object is new and needs its size.
    fn create_or_open(&self, name: &Name, size: usize) -> Result<FloorObject> {
        let fd = open(name, self.place, libc::O_CREAT | libc::O_RDWR)?;
        let mut existing = size_of(&fd)?;
        if existing == 0 {
            self.size(&fd, size)?;
            existing = size;
        }
        Ok(FloorObject::new(fd, existing, true, None))
    }

    fn open(&self, name: &Name) -> Result<FloorObject> {
        let fd = open(name, self.place, libc::O_RDONLY)?;
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
        let fd = object.fd().as_raw_fd();
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

    /// The object with its descriptor closed: it removes the name when it drops.
    fn persist(&self, mut object: FloorObject) -> FloorObject {
        drop(object.fd.take());
        object
    }
}
