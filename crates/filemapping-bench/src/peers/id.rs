//! Which implementation: [`PeerId`], its label in the table and the JSON.

/// Which implementation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PeerId {
    /// Raw syscalls: the floor every ratio is taken against (objects sized with `ftruncate`,
    /// sparse; copies are a plain `memcpy` through the mapping).
    Floor,
    /// The floor sizing its objects with `fallocate`, which reserves every page as our
    /// `SEC_COMMIT` does (a full `/dev/shm` fails at create, never later).
    FloorFallocate,
    /// Our library, Rust API (`SEC_COMMIT`, the default; copies through `View::read_at` and
    /// `View::write_at` where a case times copies).
    Ours,
    /// Our library with `SEC_RESERVE` sections: sparse until committed.
    OursReserve,
    /// Our library, copying with `memcpy` through `View::as_ptr` instead of the safe copies.
    OursPtr,
    /// Our library, C API.
    Ffi,
    /// The `shared_memory` crate.
    SharedMemory,
    /// `memmap2` over a `/dev/shm` file.
    Memmap2,
}

impl PeerId {
    /// Every implementation, in the order of the table.
    pub const ALL: [PeerId; 8] = [
        PeerId::Floor,
        PeerId::FloorFallocate,
        PeerId::Ours,
        PeerId::OursReserve,
        PeerId::OursPtr,
        PeerId::Ffi,
        PeerId::SharedMemory,
        PeerId::Memmap2,
    ];

    /// The implementations most cases compare: the floor, ours through both APIs, and the
    /// two peers.
    pub const STANDARD: [PeerId; 5] = [
        PeerId::Floor,
        PeerId::Ours,
        PeerId::Ffi,
        PeerId::SharedMemory,
        PeerId::Memmap2,
    ];

    /// The name in the table and the JSON (`"impl"`).
    pub fn label(self) -> &'static str {
        match self {
            PeerId::Floor => "floor",
            PeerId::FloorFallocate => "floor+fallocate",
            PeerId::Ours => "filemapping",
            PeerId::OursReserve => "filemapping SEC_RESERVE",
            PeerId::OursPtr => "filemapping as_ptr",
            PeerId::Ffi => "filemapping-ffi",
            PeerId::SharedMemory => "shared_memory",
            PeerId::Memmap2 => "memmap2",
        }
    }

    /// The implementation with this label.
    pub fn from_label(label: &str) -> Option<PeerId> {
        PeerId::ALL.into_iter().find(|p| p.label() == label)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_round_trip() {
        for peer in PeerId::ALL {
            assert_eq!(PeerId::from_label(peer.label()), Some(peer));
        }
        assert_eq!(PeerId::from_label("nope"), None);
    }

    #[test]
    fn the_standard_set_is_in_table_order() {
        let order = |p: &PeerId| PeerId::ALL.iter().position(|q| q == p);
        let positions: Vec<_> = PeerId::STANDARD.iter().map(order).collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]));
    }
}
