//! The cases: what each one measures, its name in the table, which implementations take part
//! and what they must be able to do. How long each runs is [`crate::budget`]'s; how each is
//! set up and timed, [`crate::workloads`]'.

use crate::peers::id::PeerId;
use crate::peers::shm::Need;

/// One case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Case {
    /// Create a named 64 KiB section, map it, touch one byte, unmap, close.
    CreateMapClose,
    /// Open a live section by name, map it, read one byte, unmap, close.
    OpenMapClose,
    /// Map and unmap a view of a held section.
    MapUnmap,
    /// Create-or-open on a live name: the "already exists" path.
    CreateExisting,
    /// Create a named section of this many bytes (closing it is not timed).
    Create(usize),
    /// Close a named section of this many bytes that was just created (the creation is not
    /// timed).
    Close(usize),
    /// Create a fresh section, map it and write it whole (the bandwidth size).
    FirstTouch,
    /// Write the same, already touched section again.
    Warm,
    /// [`Case::FirstTouch`] with named sections on a tmpfs mounted `huge=always`, written with
    /// each implementation's own copy.
    FirstTouchHuge,
    /// Copy this many bytes out of an already touched view.
    ReadAt(usize),
    /// Copy this many bytes into an already touched view.
    WriteAt(usize),
    /// Open+close one of this many live names, picked at random.
    ScaleOpen(usize),
    /// This many processes create-or-open (and close) one name at once.
    Race(usize),
}

/// `create_map_close`: the standard set and the floor that reserves as `SEC_COMMIT` does.
const LIFE_CYCLE_AND_FALLOCATE: [PeerId; 6] = [
    PeerId::Floor,
    PeerId::FloorFallocate,
    PeerId::Ours,
    PeerId::Ffi,
    PeerId::SharedMemory,
    PeerId::Memmap2,
];

/// The copy cases: `memcpy` through the raw mapping, our safe copies, and `memcpy` through
/// our `View::as_ptr`.
const COPIES: [PeerId; 3] = [PeerId::Floor, PeerId::Ours, PeerId::OursPtr];

/// Create and close by size: the floor sparse and reserved, ours committed and reserved.
const SIZING: [PeerId; 4] = [
    PeerId::Floor,
    PeerId::FloorFallocate,
    PeerId::Ours,
    PeerId::OursReserve,
];

impl Case {
    /// The name in the table and the JSON.
    pub fn name(self) -> String {
        match self {
            Case::CreateMapClose => "create_map_close".into(),
            Case::OpenMapClose => "open_map_close".into(),
            Case::MapUnmap => "map_unmap".into(),
            Case::CreateExisting => "create_existing".into(),
            Case::Create(bytes) => format!("create_close_{}/create", size_label(bytes)),
            Case::Close(bytes) => format!("create_close_{}/close", size_label(bytes)),
            Case::FirstTouch => "first_touch_bandwidth".into(),
            Case::Warm => "warm_bandwidth".into(),
            Case::FirstTouchHuge => "first_touch_huge_tmpfs".into(),
            Case::ReadAt(bytes) => format!("read_at_{}", size_label(bytes)),
            Case::WriteAt(bytes) => format!("write_at_{}", size_label(bytes)),
            Case::ScaleOpen(names) => format!("scale_open_{names}"),
            Case::Race(procs) => format!("race_create_{procs}"),
        }
    }

    /// The implementations that take part, in the order of the table.
    pub fn peers(self) -> &'static [PeerId] {
        match self {
            Case::CreateMapClose => &LIFE_CYCLE_AND_FALLOCATE,
            Case::Create(_) | Case::Close(_) => &SIZING,
            Case::ReadAt(_) | Case::WriteAt(_) | Case::FirstTouchHuge => &COPIES,
            _ => &PeerId::STANDARD,
        }
    }

    /// What an implementation must have to do the case.
    pub fn needs(self) -> Option<Need> {
        match self {
            Case::MapUnmap => Some(Need::SeparateViews),
            Case::CreateExisting | Case::ScaleOpen(_) | Case::Race(_) => Some(Need::NamesOnly),
            _ => None,
        }
    }

    /// The bytes each operation moves, for the cases that report GB/s; `bandwidth` is the
    /// size of the bandwidth cases.
    pub fn bytes(self, bandwidth: usize) -> Option<u64> {
        match self {
            Case::FirstTouch | Case::Warm | Case::FirstTouchHuge => Some(bandwidth as u64),
            Case::ReadAt(bytes) | Case::WriteAt(bytes) => Some(bytes as u64),
            _ => None,
        }
    }
}

/// `4k`, `64k`, `1m`, `256m`: a size in the largest binary unit that divides it.
pub fn size_label(bytes: usize) -> String {
    match bytes {
        0 => "0".into(),
        _ if bytes % (1 << 30) == 0 => format!("{}g", bytes >> 30),
        _ if bytes % (1 << 20) == 0 => format!("{}m", bytes >> 20),
        _ if bytes % (1 << 10) == 0 => format!("{}k", bytes >> 10),
        _ => bytes.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_names_say_their_size() {
        assert_eq!(Case::ScaleOpen(100_000).name(), "scale_open_100000");
        assert_eq!(Case::Race(32).name(), "race_create_32");
        assert_eq!(Case::ReadAt(4096).name(), "read_at_4k");
        assert_eq!(Case::WriteAt(1 << 20).name(), "write_at_1m");
        assert_eq!(Case::Create(256 << 20).name(), "create_close_256m/create");
        assert_eq!(Case::Close(64 << 10).name(), "create_close_64k/close");
        assert_eq!(size_label(3000), "3000");
        assert_eq!(size_label(2 << 30), "2g");
    }

    #[test]
    fn bytes_are_reported_for_the_cases_that_move_them() {
        assert_eq!(Case::Warm.bytes(10), Some(10));
        assert_eq!(Case::FirstTouchHuge.bytes(10), Some(10));
        assert_eq!(Case::ReadAt(4096).bytes(10), Some(4096));
        assert_eq!(Case::MapUnmap.bytes(10), None);
        assert_eq!(Case::Create(4096).bytes(10), None);
    }

    #[test]
    fn each_case_compares_with_the_floor_first() {
        for case in [
            Case::CreateMapClose,
            Case::Create(4096),
            Case::ReadAt(4096),
            Case::FirstTouchHuge,
            Case::Race(2),
        ] {
            assert_eq!(case.peers()[0], PeerId::Floor, "{case:?}");
        }
        let fallocate = Case::CreateMapClose.peers();
        assert!(fallocate.contains(&PeerId::FloorFallocate));
        assert!(Case::Close(4096).peers().contains(&PeerId::OursReserve));
        assert!(Case::WriteAt(4096).peers().contains(&PeerId::OursPtr));
    }
}
