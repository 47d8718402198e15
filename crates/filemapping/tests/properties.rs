//! Property tests (proptest): the protection x view access x attribute matrices against the
//! spec (§2.2, §2.4, §5.1-5.4, §12.3), each written here from the spec's tables and not from the
//! library's; name round-trips (UTF-8, UTF-16 with unpaired surrogates, `Local\`/`Global\`,
//! file names and back); size, offset and granularity arithmetic. Sections are small (at most
//! 256 KiB), so the cases stay fast and commit little memory.

#[path = "support/spec_views.rs"]
mod spec_views;

use filemapping::{
    name_from_utf16, name_to_utf16, CreateOptions, ErrorKind, FileMapAccess, Namespace,
    OpenOptions, Protection, SectionAttributes,
};
use proptest::prelude::*;
use spec_views::view_protection;
use std::sync::atomic::{AtomicUsize, Ordering};

/// `PAGE_*` (spec §0.3).
const RO: u32 = 0x02;
const RW: u32 = 0x04;
const WC: u32 = 0x08;
const ERO: u32 = 0x20;
const ERW: u32 = 0x40;
const EWC: u32 = 0x80;
const NOACCESS: u32 = 0x01;
/// `FILE_MAP_*` (spec §0.3).
const FMC: u32 = 0x01;
const FMW: u32 = 0x02;
const FMR: u32 = 0x04;
const FMX: u32 = 0x20;
const FMA: u32 = 0xF001F;
/// `SECTION_MAP_EXECUTE`: the handle right that executable views need (spec §5.2), which
/// `FILE_MAP_EXECUTE` (`SECTION_MAP_EXECUTE_EXPLICIT`) is not.
const SECTION_MAP_EXECUTE: u32 = 0x08;
/// `SEC_*` (spec §0.3).
const SEC_FILE: u32 = 0x0080_0000;
const SEC_IMAGE: u32 = 0x0100_0000;
const SEC_RESERVE: u32 = 0x0400_0000;
const SEC_COMMIT: u32 = 0x0800_0000;
const SEC_NOCACHE: u32 = 0x1000_0000;
const SEC_WRITECOMBINE: u32 = 0x4000_0000;
const SEC_LARGE_PAGES: u32 = 0x8000_0000;

/// The section protections, in the row order of spec §5.3.
const SECTIONS: [u32; 6] = [RO, WC, RW, ERO, EWC, ERW];

/// Spec §5.3, cell by cell: the view protection a handle returned by `CreateFileMapping` gets
/// for each column (FMR, FMW, FMC, FMA, FMX+FMR, FMX+FMW, FMX+FMC, 0 or FMX), 0 for ✗.
const MATRIX: [(u32, [u32; 8]); 6] = [
    (RO, [RO, 0, WC, 0, 0, 0, 0, NOACCESS]),
    (WC, [RO, 0, WC, 0, 0, 0, 0, NOACCESS]),
    (RW, [RO, RW, WC, RW, 0, 0, 0, NOACCESS]),
    (ERO, [RO, 0, WC, 0, ERO, 0, EWC, NOACCESS]),
    (EWC, [RO, 0, WC, 0, ERO, 0, EWC, NOACCESS]),
    (ERW, [RO, RW, WC, RW, ERO, ERW, EWC, NOACCESS]),
];
/// The columns of [`MATRIX`].
const COLUMNS: [u32; 8] = [FMR, FMW, FMC, FMA, FMX | FMR, FMX | FMW, FMX | FMC, 0];

/// The column of spec §5.3 for a view protection: the access that the table lists for it.
fn column_of(protection: u32) -> usize {
    match protection {
        RO => 0,
        RW => 1,
        WC => 2,
        ERO => 4,
        ERW => 5,
        EWC => 6,
        _ => 7,
    }
}

/// Spec §5.3: the view a `CreateFileMapping` handle of a `section` protection maps for
/// `access`, or `None` (`ERROR_ACCESS_DENIED`).
fn matrix(section: u32, access: u32) -> Option<u32> {
    let row = MATRIX.iter().find(|(p, _)| *p == section).unwrap().1;
    let cell = row[column_of(view_protection(access))];
    (cell != 0).then_some(cell)
}

/// Spec §5.2: whether a handle with `FILE_MAP_*` rights `handle` may map a view of `view`
/// protection (read-write needs only `SECTION_MAP_WRITE`).
fn handle_allows(handle: u32, view: u32) -> bool {
    let (read, write) = (handle & FMR != 0, handle & FMW != 0);
    let execute = handle & SECTION_MAP_EXECUTE != 0;
    match view {
        NOACCESS | RO | WC => read,
        RW => write,
        ERO | EWC => read && execute,
        ERW => write && execute,
        _ => false,
    }
}

/// A fresh namespace root for one case.
fn namespace(test: &str) -> (Namespace, std::path::PathBuf) {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let root = std::env::temp_dir().join(format!("fm-prop-{test}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    (Namespace::at(&root), root)
}

/// `dwDesiredAccess` values: the table's columns and any mix of the `FILE_MAP_*` and section
/// rights bits.
fn access() -> impl Strategy<Value = u32> {
    prop_oneof![
        proptest::sample::select(COLUMNS.to_vec()),
        proptest::bits::u32::masked(FMC | FMW | FMR | 0x08 | 0x10 | FMX | 0xF_0000),
    ]
}

proptest! {
    /// Spec §5.1 and §5.3 (and §12.3 rows 64-72): a handle from `CreateFileMapping` of any
    /// section protection maps exactly the views the matrix allows, with the protection §5.1
    /// derives from the access; the others fail with `ERROR_ACCESS_DENIED`.
    #[test]
    fn created_handles_follow_the_matrix(
        section in proptest::sample::select(SECTIONS.to_vec()),
        access in access(),
        reserve in any::<bool>(),
        pages in 1u64..=16,
    ) {
        let attributes = if reserve { SEC_RESERVE } else { 0 };
        let (map, _) = CreateOptions::new()
            .size(pages * 4096)
            .protection(Protection::from_raw(section).unwrap())
            .attributes(SectionAttributes::from_bits(attributes))
            .create()
            .unwrap();
        match (map.map_view(FileMapAccess::from_bits(access), 0, 0), matrix(section, access)) {
            (Ok(view), Some(expected)) => prop_assert_eq!(view.protection().to_raw(), expected),
            (Err(e), None) => prop_assert_eq!(e.kind(), ErrorKind::AccessDenied),
            (Ok(view), None) => prop_assert!(false, "mapped {:?}", view.protection()),
            (Err(e), Some(expected)) => prop_assert!(false, "{:#x}: {:?}", expected, e),
        }
    }

    /// Spec §5.2 and §5.3 (§12.3 rows 59-63): a handle opened with some rights maps a view
    /// only if the rights allow its protection (else `ERROR_ACCESS_DENIED`), and only within
    /// the section's own protection (else refused: `ERROR_INVALID_PARAMETER` on Windows).
    #[test]
    fn opened_handles_need_their_rights(
        section in proptest::sample::select(SECTIONS.to_vec()),
        rights in proptest::bits::u32::masked(FMR | FMW | FMX | SECTION_MAP_EXECUTE)
            .prop_filter("some right", |r| *r != 0),
        access in access(),
    ) {
        let (ns, root) = namespace("open");
        let (_map, _) = CreateOptions::new()
            .name("prop")
            .size(4096)
            .protection(Protection::from_raw(section).unwrap())
            .namespace(&ns)
            .create()
            .unwrap();
        let opened = OpenOptions::new(FileMapAccess::from_bits(rights)).namespace(&ns).open("prop");
        let exceeds = |wanted: u32| {
            (wanted & FMW != 0 && !matches!(section, RW | ERW))
                || (wanted & (FMX | SECTION_MAP_EXECUTE) != 0 && !matches!(section, ERO | EWC | ERW))
        };
        let handle = match opened {
            Ok(handle) => handle,
            Err(e) => {
                prop_assert!(exceeds(rights), "open {:#x}: {:?}", rights, e);
                prop_assert_eq!(e.kind(), ErrorKind::AccessDenied);
                let _ = std::fs::remove_dir_all(&root);
                return Ok(());
            }
        };
        let view = view_protection(access);
        let got = handle.map_view(FileMapAccess::from_bits(access), 0, 0);
        if !handle_allows(rights, view) {
            prop_assert_eq!(got.unwrap_err().kind(), ErrorKind::AccessDenied);
        } else if matrix(section, access).is_none() {
            let kind = got.unwrap_err().kind();
            prop_assert!(matches!(kind, ErrorKind::AccessDenied | ErrorKind::InvalidParameter), "{:?}", kind);
        } else {
            prop_assert_eq!(got.unwrap().protection().to_raw(), view);
        }
        drop(handle);
        let _ = std::fs::remove_dir_all(&root);
    }

    /// Spec §2.4 beyond its table: whatever the `SEC_*` bits, `SEC_FILE` and `SEC_RESERVE` with
    /// `SEC_COMMIT` are refused, `SEC_NOCACHE`/`SEC_WRITECOMBINE` need `SEC_COMMIT` or
    /// `SEC_RESERVE`, `SEC_IMAGE` never makes a section of the system's memory, and anything
    /// created reports the attributes it was given.
    #[test]
    fn attribute_bits_follow_the_rules(bits in proptest::bits::u32::masked(
        SEC_FILE | SEC_IMAGE | SEC_RESERVE | SEC_COMMIT | SEC_NOCACHE | SEC_WRITECOMBINE
    )) {
        let created = CreateOptions::new()
            .size(65536)
            .attributes(SectionAttributes::from_bits(bits))
            .create();
        let has = |bit: u32| bits & bit != 0;
        let refused = has(SEC_FILE)
            || has(SEC_IMAGE)
            || (has(SEC_RESERVE) && has(SEC_COMMIT))
            || ((has(SEC_NOCACHE) || has(SEC_WRITECOMBINE)) && !has(SEC_RESERVE) && !has(SEC_COMMIT));
        match created {
            Ok((map, _)) => {
                prop_assert!(!refused, "{:#x} created", bits);
                let reported = map.info().unwrap().attributes().bits();
                let expected = if bits == 0 { SEC_COMMIT } else { bits };
                prop_assert_eq!(reported & !SEC_FILE, expected, "{:#x}", bits);
            }
            Err(e) => {
                prop_assert!(refused, "{:#x}: {:?}", bits, e);
                prop_assert!(matches!(e.kind(), ErrorKind::InvalidParameter | ErrorKind::BadExeFormat));
            }
        }
    }

    /// Spec §2.2: a section of the system's memory is its size rounded up to the page; §5.4:
    /// a view starts on a 64 KiB multiple inside the section, ends inside the page-rounded
    /// section, and length 0 maps to the end.
    #[test]
    fn sizes_and_offsets(
        size in 1u64..=262_144,
        offset in prop_oneof![(0u64..=4).prop_map(|k| k * 65536), 0u64..=300_000],
        len in prop_oneof![Just(0usize), 1usize..=300_000],
    ) {
        let (map, _) = CreateOptions::new().size(size).create().unwrap();
        let page = filemapping::page_size() as u64;
        let rounded = size.div_ceil(page) * page;
        prop_assert_eq!(map.info().unwrap().size(), rounded);
        let got = map.map_view(FileMapAccess::READ, offset, len);
        if offset % filemapping::ALLOCATION_GRANULARITY as u64 != 0 {
            prop_assert_eq!(got.unwrap_err().kind(), ErrorKind::MappedAlignment);
        } else if offset >= rounded || (len > 0 && offset + len as u64 > rounded) {
            let kind = got.unwrap_err().kind();
            prop_assert!(matches!(kind, ErrorKind::AccessDenied | ErrorKind::InvalidParameter), "{:?}", kind);
        } else {
            let view = got.unwrap();
            let expected = if len == 0 { rounded - offset } else { len as u64 };
            prop_assert_eq!(view.len() as u64, expected);
            prop_assert_eq!(view.offset(), offset);
        }
    }

    /// Spec §2.2: a data file's section of size 0 is the file's exact length; a size past the
    /// end of a read-only file fails with `ERROR_NOT_ENOUGH_MEMORY`; a view may end at the
    /// exact end, not a byte past it (§5.4: file sections are not rounded).
    #[test]
    fn file_sections_are_exact(len in 1u64..=200_000, extra in 1u64..=4096) {
        let path = std::env::temp_dir().join(format!(
            "fm-prop-file-{}-{len}-{extra}", std::process::id()
        ));
        std::fs::write(&path, vec![7u8; len as usize]).unwrap();
        let file = std::fs::File::open(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        let read_only = || CreateOptions::new().protection(Protection::from_raw(RO).unwrap()).file(&file);
        let (map, _) = read_only().create().unwrap();
        prop_assert_eq!(map.info().unwrap().size(), len);
        let whole = map.map_view(FileMapAccess::READ, 0, len as usize).unwrap();
        prop_assert_eq!(whole.len() as u64, len);
        let past = map.map_view(FileMapAccess::READ, 0, len as usize + 1);
        prop_assert!(past.is_err());
        let bigger = read_only().size(len + extra).create();
        prop_assert_eq!(bigger.unwrap_err().kind(), ErrorKind::NotEnoughMemory);
    }

    /// UTF-16 names, unpaired surrogates included: `name_from_utf16` is lossless
    /// (`name_to_utf16` gives the units back) for any units but NUL, which no name holds.
    #[test]
    fn utf16_names_round_trip(units in proptest::collection::vec(1u16..=u16::MAX, 0..64)) {
        let name = name_from_utf16(&units);
        prop_assert_eq!(name_to_utf16(&name), units);
    }

    /// UTF-8 names: valid UTF-16 is the same text both ways.
    #[test]
    fn utf8_names_round_trip(text in "[^\u{0}]{0,40}") {
        let units: Vec<u16> = text.encode_utf16().collect();
        prop_assert_eq!(name_from_utf16(&units), text.clone());
        prop_assert_eq!(name_to_utf16(&text), units);
    }
}

/// Spec §2.4's validity table for the system's memory, row by row (with `PAGE_READWRITE`):
/// the attributes and the result (`None`: created).
#[test]
fn attribute_table_for_memory() {
    use ErrorKind::{BadExeFormat, InvalidParameter};
    let rows: [(u32, Option<ErrorKind>); 18] = [
        (0, None),
        (SEC_COMMIT, None),
        (SEC_COMMIT | SEC_NOCACHE, None),
        (SEC_COMMIT | SEC_WRITECOMBINE, None),
        (SEC_RESERVE, None),
        (SEC_RESERVE | SEC_NOCACHE, None),
        (SEC_RESERVE | SEC_WRITECOMBINE, None),
        (SEC_RESERVE | SEC_COMMIT, Some(InvalidParameter)),
        (SEC_NOCACHE, Some(InvalidParameter)),
        (SEC_WRITECOMBINE, Some(InvalidParameter)),
        (SEC_LARGE_PAGES, Some(InvalidParameter)),
        (SEC_RESERVE | SEC_LARGE_PAGES, Some(InvalidParameter)),
        (SEC_IMAGE, Some(BadExeFormat)),
        (SEC_IMAGE | SEC_RESERVE, Some(InvalidParameter)),
        (SEC_IMAGE | SEC_COMMIT, Some(InvalidParameter)),
        (SEC_FILE, Some(InvalidParameter)),
        (SEC_FILE | SEC_RESERVE, Some(InvalidParameter)),
        (SEC_FILE | SEC_COMMIT, Some(InvalidParameter)),
    ];
    for (bits, expected) in rows {
        let created = CreateOptions::new()
            .size(65536)
            .attributes(SectionAttributes::from_bits(bits))
            .create();
        assert_eq!(created.err().map(|e| e.kind()), expected, "{bits:#x}");
    }
}

/// Spec §2.4's validity table for a data file, row by row (a read-write file, `PAGE_READWRITE`).
#[test]
fn attribute_table_for_files() {
    use ErrorKind::{BadExeFormat, InvalidParameter};
    let rows: [(u32, Option<ErrorKind>); 17] = [
        (0, None),
        (SEC_COMMIT, None),
        (SEC_RESERVE, None),
        (SEC_COMMIT | SEC_NOCACHE, None),
        (SEC_COMMIT | SEC_WRITECOMBINE, None),
        (SEC_RESERVE | SEC_NOCACHE, None),
        (SEC_RESERVE | SEC_WRITECOMBINE, None),
        (SEC_COMMIT | SEC_LARGE_PAGES, Some(InvalidParameter)),
        (SEC_RESERVE | SEC_LARGE_PAGES, Some(InvalidParameter)),
        (SEC_NOCACHE, Some(InvalidParameter)),
        (SEC_WRITECOMBINE, Some(InvalidParameter)),
        (SEC_LARGE_PAGES, Some(InvalidParameter)),
        (SEC_FILE, Some(InvalidParameter)),
        (SEC_RESERVE | SEC_COMMIT, Some(InvalidParameter)),
        (SEC_IMAGE | SEC_RESERVE, Some(InvalidParameter)),
        (SEC_IMAGE | SEC_COMMIT, Some(InvalidParameter)),
        (SEC_IMAGE, Some(BadExeFormat)),
    ];
    let path = std::env::temp_dir().join(format!("fm-prop-attr-file-{}", std::process::id()));
    std::fs::write(&path, [1u8; 8192]).unwrap();
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&path)
        .unwrap();
    std::fs::remove_file(&path).unwrap();
    for (bits, expected) in rows {
        let created = CreateOptions::new()
            .protection(Protection::from_raw(RW).unwrap())
            .attributes(SectionAttributes::from_bits(bits))
            .file(&file)
            .create();
        assert_eq!(created.err().map(|e| e.kind()), expected, "{bits:#x}");
    }
}

/// The granularity and page size (spec §5.4, §9): 64 KiB, a multiple of the page.
#[test]
fn granularity_is_a_page_multiple() {
    assert_eq!(filemapping::ALLOCATION_GRANULARITY, 65536);
    assert_eq!(
        filemapping::ALLOCATION_GRANULARITY % filemapping::page_size(),
        0
    );
}

/// Names through the namespace's files (Linux): prefixes, file names and back.
#[cfg(target_os = "linux")]
mod files {
    use super::*;
    use filemapping::fuzzing::{entry_path, file_name, leaf_name};
    use filemapping::Scope;

    /// A leaf name: any text without NUL or backslash, not empty.
    fn leaf() -> impl Strategy<Value = String> {
        "[^\u{0}\\\\]{1,80}"
    }

    proptest! {
        /// `Local\x` and `x` are one object file; `Global\x` is the same file name in the
        /// global directory; the file name is a safe single path component that decodes back
        /// to the leaf (or is a hash, for names too long to spell out).
        #[test]
        fn prefixes_and_file_names(leaf in leaf()) {
            let root = std::path::Path::new("/nonexistent-root");
            let plain = entry_path(root, &leaf).unwrap();
            prop_assert_eq!(&entry_path(root, &format!("Local\\{leaf}")).unwrap(), &plain);
            let global = entry_path(root, &format!("Global\\{leaf}")).unwrap();
            prop_assert_eq!(global.file_name(), plain.file_name());
            prop_assert_ne!(global.parent(), plain.parent());
            let file = file_name(&leaf);
            prop_assert_eq!(plain.file_name().unwrap().to_str().unwrap(), file.as_str());
            prop_assert!(file.len() <= 255 && !file.contains('/') && !file.starts_with('.'));
            match leaf_name(&file) {
                Some(back) => prop_assert_eq!(back, leaf),
                None => prop_assert!(file.starts_with("%H") && leaf.len() > 255 / 3),
            }
        }

        /// Distinct leaves never share a file name.
        #[test]
        fn file_names_are_distinct(a in leaf(), b in leaf()) {
            prop_assume!(a != b);
            prop_assert_ne!(file_name(&a), file_name(&b));
        }

        /// Through the API: a section named by any UTF-16 units (unpaired surrogates too, with
        /// either prefix) lists under its name, exactly, and opens by it.
        #[test]
        fn names_list_and_open_as_given(
            units in proptest::collection::vec(1u16..=u16::MAX, 1..24)
                .prop_filter("no backslash", |u| !u.contains(&u16::from(b'\\'))),
            global in any::<bool>(),
        ) {
            let (ns, root) = namespace("names");
            let leaf = name_from_utf16(&units);
            let (scope, name) = if global {
                (Scope::Global, format!("Global\\{leaf}"))
            } else {
                (Scope::Local, leaf.clone())
            };
            let (map, _) = CreateOptions::new().name(&name).size(4096).namespace(&ns).create().unwrap();
            let listed: Vec<String> = ns.list(scope).unwrap().iter().map(|e| e.name().to_owned()).collect();
            prop_assert!(listed.iter().any(|n| n.ends_with(leaf.as_str())), "{:?} in {:?}", leaf, listed);
            let again = OpenOptions::new(FileMapAccess::READ | FileMapAccess::QUERY).namespace(&ns).open(&name).unwrap();
            prop_assert_eq!(again.info().unwrap().size(), 4096);
            drop((map, again));
            let _ = std::fs::remove_dir_all(&root);
        }
    }
}
