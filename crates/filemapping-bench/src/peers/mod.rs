//! The implementations side by side, each behind the same small trait ([`shm::Shm`]), so that
//! every case is written once and run against all of them (as iceoryx2's conformance tests
//! are); [`with_peer`] picks the one an [`id::PeerId`] names.
//!
//! - [`ours::Ours`]: our library through its Rust API (also with `SEC_RESERVE` sections, and
//!   copying through `View::as_ptr`).
//! - [`ffi::Ffi`]: our library through its C API (`filemapping-ffi`), called directly.
//! - [`floor::Floor`]: raw syscalls with no semantics: `shm_open`, `ftruncate` (or
//!   `fallocate`), `mmap`, `munmap`, `close`, `shm_unlink`, and `memfd_create` for unnamed
//!   sections.
//! - [`shmem::SharedMemory`]: the `shared_memory` crate (persistent, non-counted names).
//! - [`memmap::Memmap2`]: `memmap2` over a `/dev/shm` file.

pub mod ffi;
pub mod floor;
pub mod id;
pub mod memmap;
pub mod ours;
pub mod shm;
pub mod shmem;

use floor::{Floor, Place, Sizing};
use id::PeerId;
use ours::Ours;
use shm::Shm;
use std::path::Path;

/// Something to do with an implementation, whichever it is: the generic code is compiled once
/// per implementation and [`with_peer`] picks the right one at run time.
pub trait PeerFn {
    /// What it gives back.
    type Out;
    /// Does it with `shm`.
    fn call<S: Shm>(self, id: PeerId, shm: S) -> Self::Out;
}

/// Calls `f` with the implementation `id`; `root` is our library's namespace root.
pub fn with_peer<F: PeerFn>(id: PeerId, root: &Path, f: F) -> F::Out {
    with_peer_in(id, root, Place::Shm, f)
}

/// [`with_peer`], with the floor's names in `place` (plain files where the case's names have
/// their paths in our namespace root, say).
pub fn with_peer_in<F: PeerFn>(id: PeerId, root: &Path, place: Place, f: F) -> F::Out {
    match id {
        PeerId::Floor => f.call(id, Floor::new(Sizing::Truncate, place)),
        PeerId::FloorFallocate => f.call(id, Floor::new(Sizing::Fallocate, place)),
        PeerId::Ours => f.call(id, Ours::new(root)),
        PeerId::OursReserve => f.call(id, Ours::new(root).reserving()),
        PeerId::OursPtr => f.call(id, Ours::new(root).copying_raw()),
        PeerId::Ffi => f.call(id, ffi::Ffi),
        PeerId::SharedMemory => f.call(id, shmem::SharedMemory),
        PeerId::Memmap2 => f.call(id, memmap::Memmap2),
    }
}
