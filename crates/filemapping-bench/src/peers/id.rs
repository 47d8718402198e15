//! Which implementation: [`PeerId`], its label in the table and the JSON.

/// Which implementation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PeerId {
    /// Raw syscalls: the floor every ratio is taken against.
    Floor,
    /// Our library, Rust API.
    Ours,
    /// Our library, C API.
    Ffi,
    /// The `shared_memory` crate.
    SharedMemory,
    /// `memmap2` over a `/dev/shm` file.
    Memmap2,
}

impl PeerId {
    /// Every implementation, in the order of the table.
    pub const ALL: [PeerId; 5] = [
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
            PeerId::Ours => "filemapping",
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
}
