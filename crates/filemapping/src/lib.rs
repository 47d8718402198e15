//! Windows file-mapping objects (`CreateFileMapping`, `OpenFileMapping`, `MapViewOfFile`, …)
//! with their exact semantics, on every OS.
//!
//! A program names a piece of memory, backed by the system's memory or by a file; other
//! processes open it by name, map views of it and share the bytes. The name disappears when the
//! last handle to it closes, in any process, even after a crash. On Linux no daemon is involved:
//! processes coordinate through the kernel alone.
//!
//! - [`CreateOptions`] creates a section, or opens the live one of the same name and says so
//!   with a [`Disposition`] (Windows' `ERROR_ALREADY_EXISTS`, as a value).
//! - [`OpenOptions`] / [`FileMapping::open`] open a live section by name.
//! - [`FileMapping::map_view`] maps a [`View`] at a 64 KiB-aligned address. Views outlive
//!   handles.
//! - Every failure is an [`Error`] that carries the Win32 error code Windows reports for it;
//!   [`codes`] has the `ERROR_*` constants (also here at the crate root).
//!
//! Memory shared with other processes is never exposed as a safe `&[u8]`: views offer volatile
//! copies, atomics and raw pointers, and slices only behind `unsafe`.
//!
//! # Examples
//!
//! ```
//! use filemapping::{CreateOptions, Disposition, FileMapAccess, FileMapping};
//!
//! let name = format!("Local\\crate-doc-{}", std::process::id());
//! let (sender, disposition) = CreateOptions::new().name(&name).size(2048).create()?;
//! assert_eq!(disposition, Disposition::Created);
//! sender.map_view(FileMapAccess::WRITE, 0, 0)?.write_at(0, b"hello")?;
//!
//! // Usually another process:
//! let receiver = FileMapping::open(&name, FileMapAccess::READ)?;
//! let mut buf = [0u8; 5];
//! receiver.map_view(FileMapAccess::READ, 0, 0)?.read_at(0, &mut buf)?;
//! assert_eq!(&buf, b"hello");
//! # Ok::<(), filemapping::Error>(())
//! ```

// Builders do nothing until they build, and queries do nothing but answer: say so to callers
// that drop what they return.
#![warn(clippy::must_use_candidate, clippy::return_self_not_must_use)]

#[macro_use]
mod setters;

pub mod codes;
mod error;
mod event;
#[cfg(all(feature = "fuzzing", target_os = "linux"))]
#[doc(hidden)]
pub mod fuzzing;
mod granularity;
mod image;
mod mapping;
mod mutex;
mod name;
mod namespace;
mod options;
mod protection;
mod ring;
mod semaphore;
mod sys;
mod system;
mod types;
mod view;
mod wait;
mod waitable;

pub use codes::*;
pub use error::{Error, ErrorKind, Result};
pub use event::{Event, EventOpenOptions, EventOptions};
pub use granularity::ALLOCATION_GRANULARITY;
pub use image::{ImageLayout, ImageSection, Relocation, RelocationKind, HEADER_LIMIT};
pub use mapping::FileMapping;
pub use mutex::{Mutex, MutexOpenOptions, MutexOptions};
pub use name::{name_from_utf16, name_to_utf16, Scope};
pub use namespace::{Namespace, FILEMAPPING_DIR};
pub use options::{CreateOptions, OpenOptions};
pub use protection::{
    EventAccess, FileMapAccess, MutexAccess, Protection, SectionAttributes, SemaphoreAccess,
    ViewProtection,
};
pub use ring::RingView;
pub use semaphore::{Semaphore, SemaphoreOpenOptions, SemaphoreOptions};
pub use system::{large_page_minimum, page_size};
pub use types::{
    Backing, Cleanup, Disposition, Entry, Foreign, NotRemoved, Permissions, SectionInfo,
    WaitOutcome,
};
pub use view::View;
pub use wait::{
    signal_and_wait, wait_all, wait_any, WaitAllOutcome, WaitAnyOutcome, Waitable,
    MAXIMUM_WAIT_OBJECTS,
};
