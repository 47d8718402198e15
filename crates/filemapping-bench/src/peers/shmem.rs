//! The `shared_memory` crate: named POSIX shared memory whose name lives until its creator
//! (the owner) drops it, however many others still use it: persistent, not counted. Opening
//! always maps the whole object.

#![allow(unsafe_code)]

use super::shm::{Need, Region, Shm, ShmName};
use crate::error::Result;
use crate::workspace::Name;
use shared_memory::{Shmem, ShmemConf, ShmemError};
use std::ffi::CString;

/// `ShmemConf::create`, `ShmemConf::open` and drop.
#[derive(Clone, Copy, Debug)]
pub struct SharedMemory;

// SAFETY: `region` reports the crate's own mapping (`as_ptr`, `len`), which it keeps until the
// `Shmem` drops; the cases drop every view before its object. The crate maps read-write.
unsafe impl Shm for SharedMemory {
    type Object = Shmem;
    type View = Region;
    type Held = ShmName;

    fn create(&self, name: &Name, size: usize) -> Result<Shmem> {
        Ok(ShmemConf::new().size(size).os_id(name.text()).create()?)
    }

    fn create_or_open(&self, name: &Name, size: usize) -> Result<Shmem> {
        match ShmemConf::new().size(size).os_id(name.text()).create() {
            Err(ShmemError::MappingIdExists) => self.open(name),
            other => Ok(other?),
        }
    }

    fn open(&self, name: &Name) -> Result<Shmem> {
        Ok(ShmemConf::new().os_id(name.text()).open()?)
    }

    /// The mapping the crate made when it created or opened the object.
    fn map(&self, object: &Shmem, _write: bool) -> Result<Region> {
        Ok(Region {
            ptr: object.as_ptr(),
            len: object.len(),
            writable: true,
        })
    }

    fn region(&self, view: &Region) -> Region {
        *view
    }

    /// `set_owner(false)`: the crate's way to let a name outlive its creator.
    fn persist(&self, mut object: Shmem) -> ShmName {
        object.set_owner(false);
        ShmName(CString::new(object.get_os_id()).expect("names have no NUL"))
    }

    fn lacks(&self, need: Need) -> Option<&'static str> {
        match need {
            Need::SeparateViews => Some("maps once per open: no view to map on its own"),
            Need::NamesOnly => None,
        }
    }
}
