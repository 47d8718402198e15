//! Our library through its Rust API, in a private namespace root: with `SEC_COMMIT` sections
//! (the default) or `SEC_RESERVE` ones, copying through the safe `View::read_at` and
//! `View::write_at` or with `memcpy` through `View::as_ptr`.

#![allow(unsafe_code)]

use super::shm::{memcpy_in, memcpy_out, Region, Shm};
use crate::error::{BenchError, Result};
use crate::workspace::Name;
use filemapping::{
    CreateOptions, Disposition, FileMapAccess, FileMapping, Namespace, OpenOptions,
    SectionAttributes, View,
};
use std::path::Path;

/// `filemapping`'s `CreateOptions`, `OpenOptions` and `FileMapping::map_view`.
#[derive(Clone, Debug)]
pub struct Ours {
    namespace: Namespace,
    attributes: SectionAttributes,
    raw_copies: bool,
}

impl Ours {
    /// Ours, with names under `root`: `SEC_COMMIT` sections (no attribute: the default), safe
    /// copies.
    pub fn new(root: &Path) -> Ours {
        Ours {
            namespace: Namespace::at(root),
            attributes: SectionAttributes::NONE,
            raw_copies: false,
        }
    }

    /// The same with `SEC_RESERVE` sections.
    pub fn reserving(self) -> Ours {
        Ours {
            attributes: SectionAttributes::RESERVE,
            ..self
        }
    }

    /// The same copying with `memcpy` through `View::as_ptr` in [`Shm::read_at`] and
    /// [`Shm::write_at`].
    pub fn copying_raw(self) -> Ours {
        Ours {
            raw_copies: true,
            ..self
        }
    }

    fn options(&self, size: usize) -> CreateOptions<'static> {
        CreateOptions::new()
            .size(size as u64)
            .attributes(self.attributes)
            .namespace(&self.namespace)
    }
}

// SAFETY: `region` reports the view's own address and length, mapped until the `View` drops,
// writable exactly when its protection says so.
unsafe impl Shm for Ours {
    type Object = FileMapping;
    type View = View;
    type Held = ();

    fn create(&self, name: &Name, size: usize) -> Result<FileMapping> {
        match self.options(size).name(name.text()).create()? {
            (map, Disposition::Created) => Ok(map),
            (_, Disposition::OpenedExisting) => Err(BenchError::new("the name already exists")),
        }
    }

    fn create_unnamed(&self, _name: &Name, size: usize) -> Result<FileMapping> {
        Ok(self.options(size).create()?.0)
    }

    fn create_or_open(&self, name: &Name, size: usize) -> Result<FileMapping> {
        Ok(self.options(size).name(name.text()).create()?.0)
    }

    fn open(&self, name: &Name) -> Result<FileMapping> {
        let options = OpenOptions::new(FileMapAccess::READ).namespace(&self.namespace);
        Ok(options.open(name.text())?)
    }

    fn map(&self, object: &FileMapping, write: bool) -> Result<View> {
        let access = if write {
            FileMapAccess::WRITE
        } else {
            FileMapAccess::READ
        };
        Ok(object.map_view(access, 0, 0)?)
    }

    fn region(&self, view: &View) -> Region {
        Region {
            ptr: view.as_ptr(),
            len: view.len(),
            writable: view.protection().rights().1,
        }
    }

    fn counted(&self) -> bool {
        true
    }

    fn persist(&self, object: FileMapping) {
        drop(object);
    }

    /// Through the safe API, as a user would.
    fn write_byte(&self, view: &View, value: u8) -> Result<()> {
        Ok(view.write_at(0, &[value])?)
    }

    /// Through the safe API, as a user would.
    fn read_byte(&self, view: &View) -> Result<u8> {
        let mut byte = [0];
        view.read_at(0, &mut byte)?;
        Ok(byte[0])
    }

    /// `View::write_at`, or `memcpy` through `View::as_ptr` when copying raw.
    fn write_at(&self, view: &View, offset: usize, src: &[u8]) -> Result<()> {
        if self.raw_copies {
            return memcpy_in(self.region(view), offset, src);
        }
        Ok(view.write_at(offset, src)?)
    }

    /// `View::read_at`, or `memcpy` through `View::as_ptr` when copying raw.
    fn read_at(&self, view: &View, offset: usize, dst: &mut [u8]) -> Result<()> {
        if self.raw_copies {
            return memcpy_out(self.region(view), offset, dst);
        }
        Ok(view.read_at(offset, dst)?)
    }
}
