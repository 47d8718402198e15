//! What a handle can name: a file mapping, a file, an event, a mutex or a semaphore. Passing a handle of one kind where
//! another is expected is `ERROR_INVALID_HANDLE` (`STATUS_OBJECT_TYPE_MISMATCH`, spec §0.4).

use crate::error::Win32Error;
use crate::file_pins::FilePin;
use filemapping::ERROR_INVALID_HANDLE;
use filemapping::{Backing, Event, FileMapping, Mutex, Semaphore};
use std::fs::File;
use std::path::PathBuf;
use std::sync::Arc;

/// An object in the handle table.
pub(crate) enum Object {
    Mapping(MappingObject),
    File(FileObject),
    Event(Event),
    Mutex(Mutex),
    Semaphore(Semaphore),
}

/// A file-mapping handle, with what is known of its section's backing.
pub(crate) struct MappingObject {
    pub(crate) map: FileMapping,
    /// Whether a file backs the section; `None` if the handle may not query it.
    pub(crate) file_backed: Option<bool>,
    /// The backing file, when the section was created from a file handle of this process.
    pub(crate) pin: Option<Arc<FilePin>>,
    /// The backing file's path as the section reports it (`GetMappedFileName`).
    pub(crate) file_path: Option<Arc<PathBuf>>,
}

impl MappingObject {
    pub(crate) fn new(map: FileMapping) -> MappingObject {
        let backing = map.info().ok().map(|info| info.backing().clone());
        let file_backed = backing
            .as_ref()
            .map(|backing| matches!(backing, Backing::File(_)));
        let file_path = match backing {
            Some(Backing::File(Some(path))) => Some(Arc::new(path)),
            _ => None,
        };
        MappingObject {
            map,
            file_backed,
            pin: None,
            file_path,
        }
    }

    /// Another handle (`map`) to the same section, with what is known of it.
    pub(crate) fn with_map(&self, map: FileMapping) -> MappingObject {
        MappingObject {
            map,
            file_backed: self.file_backed,
            pin: self.pin.clone(),
            file_path: self.file_path.clone(),
        }
    }
}

/// The rights a file handle was opened with (`GENERIC_*`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct FileAccess {
    pub(crate) read: bool,
    pub(crate) write: bool,
    pub(crate) execute: bool,
}

/// A file handle (`CreateFile`).
pub(crate) struct FileObject {
    pub(crate) file: File,
    pub(crate) access: FileAccess,
}

fn wrong_type() -> Win32Error {
    Win32Error(ERROR_INVALID_HANDLE)
}

impl Object {
    /// The file mapping, or `ERROR_INVALID_HANDLE`.
    pub(crate) fn mapping(&self) -> Result<&MappingObject, Win32Error> {
        match self {
            Object::Mapping(mapping) => Ok(mapping),
            _ => Err(wrong_type()),
        }
    }

    /// The file, or `ERROR_INVALID_HANDLE`.
    pub(crate) fn file(&self) -> Result<&FileObject, Win32Error> {
        match self {
            Object::File(file) => Ok(file),
            _ => Err(wrong_type()),
        }
    }

    /// The mutex, or `ERROR_INVALID_HANDLE`.
    pub(crate) fn mutex(&self) -> Result<&Mutex, Win32Error> {
        match self {
            Object::Mutex(mutex) => Ok(mutex),
            _ => Err(wrong_type()),
        }
    }

    /// The semaphore, or `ERROR_INVALID_HANDLE`.
    pub(crate) fn semaphore(&self) -> Result<&Semaphore, Win32Error> {
        match self {
            Object::Semaphore(semaphore) => Ok(semaphore),
            _ => Err(wrong_type()),
        }
    }

    /// The event, or `ERROR_INVALID_HANDLE`.
    pub(crate) fn event(&self) -> Result<&Event, Win32Error> {
        match self {
            Object::Event(event) => Ok(event),
            _ => Err(wrong_type()),
        }
    }
}
