//! `memmap2` over a file in `/dev/shm`, opened and created with `std::fs`: what a Rust user
//! without a shared-memory crate writes.

#![allow(unsafe_code)]

use super::shm::{Need, Region, Shm};
use crate::error::Result;
use crate::workspace::Name;
use memmap2::{Mmap, MmapMut};
use std::fs::File;
use std::path::PathBuf;

/// `std::fs::OpenOptions` + `MmapMut::map_mut` / `Mmap::map`.
#[derive(Clone, Copy, Debug)]
pub struct Memmap2;

/// An open file; its creator also removes it after closing it.
#[derive(Debug)]
pub struct MappedFile {
    file: Option<File>,
    remove: Option<PathBuf>,
}

impl Drop for MappedFile {
    fn drop(&mut self) {
        drop(self.file.take());
        if let Some(path) = &self.remove {
            let _ = std::fs::remove_file(path);
        }
    }
}

impl MappedFile {
    fn file(&self) -> &File {
        self.file.as_ref().expect("open until drop")
    }
}

/// Opens `name`'s file read-write, creating it: only if new (`exclusive`), or if missing.
fn open_rw(name: &Name, exclusive: bool) -> Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true);
    if exclusive {
        options.create_new(true);
    } else {
        options.create(true);
    }
    Ok(options.open(name.path())?)
}

/// A memmap2 mapping.
#[derive(Debug)]
pub enum MmapView {
    /// Read-write.
    Write(MmapMut),
    /// Read-only.
    Read(Mmap),
}

// SAFETY: `region` reports memmap2's own mapping, which lasts until the `MmapView` drops, and
// says writable only for an `MmapMut`.
unsafe impl Shm for Memmap2 {
    type Object = MappedFile;
    type View = MmapView;
    type Held = MappedFile;

    fn create(&self, name: &Name, size: usize) -> Result<MappedFile> {
        let file = open_rw(name, true)?;
        let object = MappedFile {
            file: Some(file),
            remove: Some(name.path().to_owned()),
        };
        object.file().set_len(size as u64)?;
        Ok(object)
    }

    fn create_or_open(&self, name: &Name, size: usize) -> Result<MappedFile> {
        let file = open_rw(name, false)?;
        if file.metadata()?.len() == 0 {
            file.set_len(size as u64)?;
        }
        Ok(MappedFile {
            file: Some(file),
            remove: None,
        })
    }

    fn open(&self, name: &Name) -> Result<MappedFile> {
        Ok(MappedFile {
            file: Some(File::open(name.path())?),
            remove: None,
        })
    }

    fn map(&self, object: &MappedFile, write: bool) -> Result<MmapView> {
        if write {
            // SAFETY: the file is this run's own, in /dev/shm under its prefix, and nothing
            // truncates it while it is mapped.
            let map = unsafe { MmapMut::map_mut(object.file())? };
            return Ok(MmapView::Write(map));
        }
        // SAFETY: as above.
        let map = unsafe { Mmap::map(object.file())? };
        Ok(MmapView::Read(map))
    }

    fn region(&self, view: &MmapView) -> Region {
        match view {
            MmapView::Write(m) => Region {
                ptr: m.as_ptr().cast_mut(),
                len: m.len(),
                writable: true,
            },
            MmapView::Read(m) => Region {
                ptr: m.as_ptr().cast_mut(),
                len: m.len(),
                writable: false,
            },
        }
    }

    /// Never called: memmap2 does not take part in the cases that keep names.
    fn persist(&self, object: MappedFile) -> MappedFile {
        object
    }

    fn lacks(&self, need: Need) -> Option<&'static str> {
        match need {
            Need::NamesOnly => {
                Some("maps nothing here: it would time std::fs, the floor's syscalls")
            }
            Need::SeparateViews => None,
        }
    }
}
