//! Ring buffers (`FileMapping::map_ring`) and views in placeholders
//! (`map_view_in_placeholder`, `View::unmap_to_placeholder`).

#![allow(unsafe_code)]

use filemapping::{CreateOptions, ErrorKind, FileMapAccess, ALLOCATION_GRANULARITY};

const G: usize = ALLOCATION_GRANULARITY;

/// The tests of this file run one at a time: one of them checks that a range it gave back is
/// free again, and a view mapped meanwhile by another test (views land where the last one was)
/// could take it.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

#[test]
fn the_second_half_shows_the_first() {
    let _serial = serial();
    let (map, _) = CreateOptions::new().size(2 * G as u64).create().unwrap();
    let ring = map.map_ring(FileMapAccess::WRITE, 0, 2 * G).unwrap();
    assert_eq!(ring.len(), 2 * G);
    assert_eq!(ring.as_ptr() as usize % G, 0);
    assert_eq!(
        ring.second().as_ptr() as usize,
        ring.as_ptr() as usize + 2 * G
    );
    ring.first().write_at(5, b"abc").unwrap();
    let mut back = [0u8; 3];
    ring.second().read_at(5, &mut back).unwrap();
    assert_eq!(&back, b"abc");
    // A copy across the end wraps, and reads back as one piece.
    ring.write_at(2 * G - 2, b"wxyz").unwrap();
    let mut all = [0u8; 4];
    ring.read_at(2 * G - 2, &mut all).unwrap();
    assert_eq!(&all, b"wxyz");
    // SAFETY: nothing writes the ring while the slice lives.
    assert_eq!(unsafe { ring.slice(2 * G - 2, 4) }.unwrap(), b"wxyz");
    ring.read_at(0, &mut back[..2]).unwrap();
    assert_eq!(&back[..2], b"yz");
    // Other views of the section see the same bytes.
    let other = map.map_view(FileMapAccess::READ, 0, 0).unwrap();
    other.read_at(0, &mut back[..2]).unwrap();
    assert_eq!(&back[..2], b"yz");
}

#[test]
fn a_ring_at_an_offset_and_read_only() {
    let _serial = serial();
    let (map, _) = CreateOptions::new().size(3 * G as u64).create().unwrap();
    let view = map.map_view(FileMapAccess::WRITE, 0, 0).unwrap();
    view.write_at(G, b"second block").unwrap();
    let ring = map.map_ring(FileMapAccess::READ, G as u64, G).unwrap();
    let mut buf = [0u8; 6];
    ring.second().read_at(0, &mut buf).unwrap();
    assert_eq!(&buf, b"second");
    let err = ring.write_at(0, b"x").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AccessDenied);
}

#[test]
fn bad_rings_are_refused() {
    let _serial = serial();
    let (map, _) = CreateOptions::new().size(G as u64).create().unwrap();
    for len in [0, 4096, G + 4096] {
        let err = map.map_ring(FileMapAccess::WRITE, 0, len).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidParameter, "len {len}");
    }
    // Past the section: as MapViewOfFile.
    assert!(map.map_ring(FileMapAccess::WRITE, 0, 2 * G).is_err());
    let ring = map.map_ring(FileMapAccess::WRITE, 0, G).unwrap();
    assert_eq!(
        ring.write_at(G, b"x").unwrap_err().kind(),
        ErrorKind::InvalidParameter
    );
    let big = vec![0u8; G + 1];
    assert_eq!(
        ring.write_at(0, &big).unwrap_err().kind(),
        ErrorKind::InvalidParameter
    );
}

#[test]
fn a_ring_of_a_file() {
    let _serial = serial();
    let dir = std::env::temp_dir().join(format!("fm-ring-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("data");
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(&path)
        .unwrap();
    file.set_len(G as u64).unwrap();
    let (map, _) = CreateOptions::new().file(&file).create().unwrap();
    let ring = map.map_ring(FileMapAccess::WRITE, 0, G).unwrap();
    ring.write_at(G - 1, b"ab").unwrap();
    ring.first().flush().unwrap();
    drop(ring);
    drop(map);
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!((bytes[0], bytes[G - 1]), (b'b', b'a'));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A view unmapped to a placeholder leaves its range reserved; another view can replace it.
#[cfg(target_os = "linux")]
#[test]
fn views_replace_placeholders_and_leave_them_behind() {
    let _serial = serial();
    let (map, _) = CreateOptions::new().size(G as u64).create().unwrap();
    let view = map.map_view(FileMapAccess::WRITE, 0, 0).unwrap();
    view.write_at(0, b"kept").unwrap();
    let base = view.as_ptr() as usize;
    view.unmap_to_placeholder().unwrap();
    // The range is still taken: MapViewOfFileEx there fails.
    let err = map
        .map_view_at(FileMapAccess::READ, 0, 0, base)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidAddress);
    // SAFETY: `[base, base + G)` is the reservation the unmap left, owned here.
    let again = unsafe { map.map_view_in_placeholder(FileMapAccess::READ, 0, 0, base) }.unwrap();
    assert_eq!(again.as_ptr() as usize, base);
    let mut buf = [0u8; 4];
    again.read_at(0, &mut buf).unwrap();
    assert_eq!(&buf, b"kept");
    drop(again);
    // Dropping the view unmapped the range.
    let free = map.map_view_at(FileMapAccess::READ, 0, 0, base).unwrap();
    assert_eq!(free.as_ptr() as usize, base);
    // SAFETY: a misaligned base is refused before anything is mapped.
    let err =
        unsafe { map.map_view_in_placeholder(FileMapAccess::READ, 0, 0, base + 4096) }.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MappedAlignment);
}
