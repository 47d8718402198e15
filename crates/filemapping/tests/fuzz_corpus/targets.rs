//! The bodies of the fuzz targets (`fuzz/fuzz_targets/`), shared with the stable harness
//! (`tests/fuzz_corpus/main.rs`) through `#[path]`, so the corpora run under `cargo test`.
#![allow(dead_code)]

use filemapping::{CreateOptions, FileMapAccess, ImageLayout, Namespace, OpenOptions};

/// Names: the bytes as UTF-8 (lossily) and as UTF-16 units, given to create and open in the
/// namespace `ns`. Whatever the name, the calls return a value or an error, never panic, and
/// a name that creates a named section opens again as an object of its size.
pub(crate) fn name(data: &[u8], ns: &Namespace) {
    let units: Vec<u16> = data
        .chunks(2)
        .map(|c| u16::from_le_bytes([c[0], *c.get(1).unwrap_or(&0)]))
        .collect();
    let wide = filemapping::name_from_utf16(&units);
    assert_eq!(filemapping::name_to_utf16(&wide), units);
    for name in [String::from_utf8_lossy(data).into_owned(), wide] {
        let created = CreateOptions::new()
            .name(&name)
            .size(4096)
            .namespace(ns)
            .create();
        // An empty name is an unnamed section, which no open finds.
        if let Some((map, _)) = created.ok().filter(|(map, _)| map.name().is_some()) {
            let again = OpenOptions::new(FileMapAccess::ALL_ACCESS)
                .namespace(ns)
                .open(&name)
                .expect("a name that creates opens");
            assert_eq!(again.info().unwrap().size(), map.info().unwrap().size());
        }
    }
}

/// The PE parser: any bytes, any claimed file length; a layout it accepts is consistent, and
/// relocating it (its `.reloc` directory as a view lays it out) gives a clean result. The bytes
/// are also parsed as a relocation directory on their own.
pub(crate) fn image(data: &[u8]) {
    let claimed = data.len() as u64;
    for file_len in [claimed, claimed / 2, claimed + 4096] {
        if let Ok(layout) = ImageLayout::parse(data, file_len) {
            assert!(layout.header_size() <= layout.size_of_image());
            assert!(
                layout.sections().len() <= 96,
                "more sections than the PE format has"
            );
            let _ = layout.file_pieces();
            let _ = layout.page_protections(4096, true);
            relocate(data, &layout);
        }
    }
    if let Ok(relocations) = ImageLayout::parse_relocations(data, 1 << 16) {
        let mut image = vec![0u8; 1 << 16];
        for r in relocations {
            assert!(r.apply(&mut image, r.rva() as usize, -0x1234_5000));
        }
    }
}

/// Lays `data` out as a view of `layout` (when that is small enough to build here) and
/// relocates it; a failure must be `ERROR_BAD_EXE_FORMAT`, and a success moves `ImageBase`.
fn relocate(data: &[u8], layout: &ImageLayout) {
    let size = layout.size_of_image() as usize;
    if size > 16 << 20 {
        return;
    }
    let mut image = vec![0u8; size];
    for (at, from, len) in layout.file_pieces() {
        let (at, from) = (at as usize, from as usize);
        let end = (from + len as usize).min(data.len());
        if from < end && at < size {
            let n = (end - from).min(size - at);
            image[at..at + n].copy_from_slice(&data[from..from + n]);
        }
    }
    let base = layout.image_base().wrapping_add(0x7_0000);
    match layout.relocate(&mut image, base) {
        Ok(()) if !layout.is_flat() => {
            let (at, width) = layout.image_base_field();
            if let Some(field) = image.get(at as usize..at as usize + width) {
                assert_eq!(field, &base.to_le_bytes()[..width]);
            }
        }
        Ok(()) => {}
        Err(e) => assert_eq!(e.kind(), filemapping::ErrorKind::BadExeFormat, "{e}"),
    }
}
