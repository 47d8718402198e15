//! The implementations side by side, each behind the same small trait ([`shm::Shm`]), so that
//! every case is written once and run against all of them (as iceoryx2's conformance tests
//! are); [`with_peer`] picks the one an [`id::PeerId`] names.
//!
//! - [`ours::Ours`]: our library through its Rust API.
//! - [`ffi::Ffi`]: our library through its C API (`filemapping-ffi`), called directly.
//! - [`floor::Floor`]: raw syscalls with no semantics: `shm_open`, `ftruncate`, `mmap`,
//!   `munmap`, `close`, `shm_unlink`, and `memfd_create` for unnamed sections.
//! - [`shmem::SharedMemory`]: the `shared_memory` crate (persistent, non-counted names).
//! - [`memmap::Memmap2`]: `memmap2` over a `/dev/shm` file.

pub mod ffi;
pub mod floor;
pub mod id;
pub mod memmap;
pub mod ours;
pub mod shm;
pub mod shmem;

use id::PeerId;
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
    match id {
        PeerId::Floor => f.call(id, floor::Floor),
        PeerId::Ours => f.call(id, ours::Ours::new(root)),
        PeerId::Ffi => f.call(id, ffi::Ffi),
        PeerId::SharedMemory => f.call(id, shmem::SharedMemory),
        PeerId::Memmap2 => f.call(id, memmap::Memmap2),
    }
}
