//! `SEC_IMAGE` sections (spec §2.4, §6.1): images built at test time with the MinGW
//! toolchain (`tests/image/image_dll.c`), mapped and compared with their files; and the parser
//! fed thousands of mutated images, which must each give a layout or a clean
//! `ERROR_BAD_EXE_FORMAT`, never a panic.

#[path = "support/image_dll.rs"]
mod image_dll;
#[path = "support/skip.rs"]
mod skip;

use filemapping::{
    CreateOptions, ErrorKind, FileMapAccess, ImageLayout, OpenOptions, Protection,
    SectionAttributes, ViewProtection,
};
use image_dll::MINGW;
use std::path::{Path, PathBuf};

/// The linker flag for an image that keeps its own base (no `DYNAMIC_BASE`).
const FIXED: &str = "-Wl,--disable-dynamicbase";
/// The linker flag for an image the system moves to a base of its choosing.
const DYNAMIC: &str = "-Wl,--dynamicbase";

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fm-image-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("ns")).unwrap();
    dir
}

/// Builds `tests/image/image_dll.c` into `dir/<name>.dll` with `flags`; `None` (and a skip
/// line) without MinGW.
fn build_dll(test: &str, dir: &Path, name: &str, flags: &[&str]) -> Option<PathBuf> {
    image_dll::build(MINGW, test, dir, name, flags)
}

fn image_options(file: &std::fs::File) -> CreateOptions<'_> {
    CreateOptions::new()
        .file(file)
        .protection(Protection::ReadOnly)
        .attributes(SectionAttributes::IMAGE)
}

/// Maps `dll` as an image and checks every page against the layout and the file.
fn check_view(dll: &Path, no_execute: bool) {
    let bytes = std::fs::read(dll).unwrap();
    let layout = ImageLayout::parse(&bytes, bytes.len() as u64).unwrap();
    let file = std::fs::File::open(dll).unwrap();
    let attributes = if no_execute {
        SectionAttributes::IMAGE_NO_EXECUTE
    } else {
        SectionAttributes::IMAGE
    };
    let (map, _) = image_options(&file)
        .attributes(attributes)
        .create()
        .unwrap();
    let info = map.info().unwrap();
    assert!(info.attributes().contains(SectionAttributes::IMAGE));
    assert!(info.attributes().contains(SectionAttributes::FILE));
    assert_eq!(info.size(), u64::from(layout.size_of_image()));
    let mut view = map.map_view(FileMapAccess::READ, 0, 0).unwrap();
    assert!(view.is_image());
    assert_eq!(view.protection(), ViewProtection::ExecuteWriteCopy);
    assert_eq!(view.len(), layout.size_of_image() as usize);
    let page = filemapping::page_size();
    let table = layout.page_protections(page, no_execute);
    let (first, run) = view.protection_at(0).unwrap();
    assert_eq!(first, ViewProtection::ReadOnly);
    if !no_execute {
        assert_eq!(run, page, "one page of headers, then code");
    }
    for (i, want) in table.iter().enumerate() {
        assert_eq!(view.protection_at(i * page).unwrap().0, *want, "page {i}");
        if no_execute {
            assert!(!want.rights().2, "page {i} executable");
        }
    }
    // Contents: the file's pieces at their RVAs, zero elsewhere.
    let mut expected = vec![0u8; view.len()];
    for (at, from, len) in layout.file_pieces() {
        let (at, from) = (at as usize, from as usize);
        let end = (from + len as usize).min(bytes.len());
        expected[at..at + (end - from)].copy_from_slice(&bytes[from..end]);
    }
    let mut seen = vec![0u8; view.len()];
    for (i, want) in table.iter().enumerate() {
        let start = i * page;
        let end = (start + page).min(view.len());
        if want.rights().0 {
            view.read_at(start, &mut seen[start..end]).unwrap();
        }
    }
    assert!(seen == expected, "the view shows the image's layout");
    // .data is write-copy: writing gives a private read-write page, never the file.
    let data = layout
        .sections()
        .iter()
        .find(|s| s.name() == ".data")
        .unwrap();
    let at = data.virtual_address() as usize;
    assert_eq!(view.protection_at(at).unwrap().0, ViewProtection::WriteCopy);
    view.write_at(at, b"private").unwrap();
    assert_eq!(view.protection_at(at).unwrap().0, ViewProtection::ReadWrite);
    assert_eq!(
        std::fs::read(dll).unwrap(),
        bytes,
        "writes never reach the file"
    );
    // VirtualProtect(PAGE_READWRITE) on an image page becomes PAGE_WRITECOPY (spec §6.2).
    let rdata = layout
        .sections()
        .iter()
        .find(|s| s.name() == ".rdata")
        .unwrap();
    let at = rdata.virtual_address() as usize;
    view.protect(at, 1, ViewProtection::ReadWrite).unwrap();
    assert_eq!(view.protection_at(at).unwrap().0, ViewProtection::WriteCopy);
    // A second view of the same section shows the file again, not the first view's writes.
    let second = map.map_view(FileMapAccess::READ, 0, 0).unwrap();
    let mut buf = [0u8; 7];
    second
        .read_at(data.virtual_address() as usize, &mut buf)
        .unwrap();
    assert_ne!(&buf, b"private");
}

#[test]
fn images_of_every_layout_map_as_windows_lays_them_out() {
    let test = "images_of_every_layout_map_as_windows_lays_them_out";
    let dir = scratch("layouts");
    // Without DYNAMIC_BASE: these keep their own base, so a view shows the file's bytes.
    let variants: [(&str, &str, &[&str]); 4] = [
        (MINGW, "basic", &[FIXED]),
        (MINGW, "bss", &[FIXED, "-DBSS_SIZE=0x800000"]),
        (
            MINGW,
            "align",
            &[
                FIXED,
                "-Wl,--file-alignment,0x1000",
                "-Wl,--section-alignment,0x10000",
            ],
        ),
        // PE32, where the 32-bit MinGW compiler is installed.
        ("i686-w64-mingw32-gcc", "pe32", &[FIXED]),
    ];
    for (cc, name, flags) in variants {
        let dll = match image_dll::build(cc, test, &dir, name, flags) {
            Some(dll) => dll,
            None if name == "pe32" => continue,
            None => return,
        };
        check_view(&dll, false);
        check_view(&dll, true);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_named_image_opens_by_name_with_the_same_layout() {
    let test = "a_named_image_opens_by_name_with_the_same_layout";
    let dir = scratch("named");
    let dll = match build_dll(test, &dir, "named", &[DYNAMIC]) {
        Some(dll) => dll,
        None => return,
    };
    let ns = filemapping::Namespace::at(dir.join("ns"));
    let file = std::fs::File::open(&dll).unwrap();
    let name = "image-by-name";
    let (map, _) = image_options(&file)
        .name(name)
        .namespace(&ns)
        .create()
        .unwrap();
    let opened = OpenOptions::new(FileMapAccess::READ | FileMapAccess::QUERY)
        .namespace(&ns)
        .open(name)
        .unwrap();
    let info = opened.info().unwrap();
    assert_eq!(info.size(), map.info().unwrap().size());
    assert!(info.attributes().contains(SectionAttributes::IMAGE));
    let a = map.map_view(FileMapAccess::READ, 0, 0).unwrap();
    let b = opened.map_view(FileMapAccess::READ, 0, 0).unwrap();
    assert!(b.is_image());
    let page = filemapping::page_size();
    let mut off = 0;
    while off < a.len() {
        assert_eq!(a.protection_at(off).unwrap(), b.protection_at(off).unwrap());
        off += a.protection_at(off).unwrap().1.max(page);
    }
    drop((a, b, map, opened));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn files_that_are_not_images_are_bad_exe_format() {
    let dir = scratch("bad");
    let data = dir.join("data.bin");
    std::fs::write(&data, vec![0x5a; 8192]).unwrap();
    let file = std::fs::File::open(&data).unwrap();
    let err = image_options(&file).create().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BadExeFormat);
    assert_eq!(err.win32_code(), filemapping::ERROR_BAD_EXE_FORMAT);
    // A truncated image.
    if let Some(dll) = build_dll("files_that_are_not_images", &dir, "cut", &[]) {
        let bytes = std::fs::read(&dll).unwrap();
        let cut = dir.join("cut-short.dll");
        std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
        let file = std::fs::File::open(&cut).unwrap();
        let err = image_options(&file).create().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::BadExeFormat);
    }
    // SEC_IMAGE with another attribute is ERROR_INVALID_PARAMETER (row 32).
    let file = std::fs::File::open(&data).unwrap();
    let err = image_options(&file)
        .attributes(SectionAttributes::IMAGE | SectionAttributes::WRITECOMBINE)
        .create()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidParameter);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Where the DLL's pointer from `.data` to `.rdata` lies and what it points to, as RVAs,
/// found in the file: the `.rdata` string, and the `.data` word that holds its address for the
/// file's `ImageBase`.
fn pointer_rvas(bytes: &[u8], layout: &ImageLayout) -> (usize, usize) {
    let mut image = vec![0u8; layout.size_of_image() as usize];
    for (at, from, len) in layout.file_pieces() {
        let (at, from) = (at as usize, from as usize);
        let end = (from + len as usize).min(bytes.len());
        image[at..at + (end - from)].copy_from_slice(&bytes[from..end]);
    }
    let text = b"filemapping SEC_IMAGE .rdata";
    let target = image.windows(text.len()).position(|w| w == text).unwrap();
    let value = (layout.image_base() + target as u64).to_le_bytes();
    let data = layout
        .sections()
        .iter()
        .find(|s| s.name() == ".data")
        .unwrap();
    let start = data.virtual_address() as usize;
    let end = start + data.virtual_size() as usize;
    let pointer = start
        + image[start..end]
            .windows(8)
            .position(|w| w == value)
            .unwrap();
    (pointer, target)
}

fn u64_at(view: &filemapping::View, at: usize) -> u64 {
    let mut b = [0u8; 8];
    view.read_at(at, &mut b).unwrap();
    u64::from_le_bytes(b)
}

/// Every readable byte of `view`, unreadable pages as zero.
fn readable_bytes(view: &filemapping::View) -> Vec<u8> {
    let mut out = vec![0u8; view.len()];
    let mut at = 0;
    while at < view.len() {
        let (p, run) = view.protection_at(at).unwrap();
        let end = (at + run).min(view.len());
        if p.rights().0 {
            view.read_at(at, &mut out[at..end]).unwrap();
        }
        at = end;
    }
    out
}

#[test]
fn a_dynamic_base_dll_is_relocated_once_and_every_view_shows_that_copy() {
    let test = "a_dynamic_base_dll_is_relocated_once_and_every_view_shows_that_copy";
    let dir = scratch("dynamic");
    let dll = match build_dll(test, &dir, "dynamic", &[DYNAMIC]) {
        Some(dll) => dll,
        None => return,
    };
    let bytes = std::fs::read(&dll).unwrap();
    let layout = ImageLayout::parse(&bytes, bytes.len() as u64).unwrap();
    assert!(layout.is_dll() && layout.is_dynamically_relocated());
    let (pointer, target) = pointer_rvas(&bytes, &layout);
    let (field, _) = layout.image_base_field();
    let file = std::fs::File::open(&dll).unwrap();
    let (map, _) = image_options(&file).create().unwrap();
    let first = map.map_view(FileMapAccess::READ, 0, 0).unwrap();
    let base = u64_at(&first, field as usize);
    assert_ne!(base, layout.image_base(), "moved away from the file's base");
    assert_eq!(base % 0x10000, 0);
    assert_eq!(
        first.as_ptr() as u64,
        base,
        "the first view lies at that base"
    );
    assert_eq!(u64_at(&first, pointer), base + target as u64);
    // A second view, and one at an address of the caller's choosing, show the same bytes:
    // relocated for the section's base, not for where they lie.
    let second = map.map_view(FileMapAccess::READ, 0, 0).unwrap();
    assert_ne!(second.as_ptr(), first.as_ptr());
    assert_eq!(u64_at(&second, pointer), base + target as u64);
    assert!(readable_bytes(&second) == readable_bytes(&first));
    let hole = map.map_view(FileMapAccess::READ, 0, 0).unwrap();
    let at = hole.as_ptr() as usize;
    drop(hole);
    let placed = map.map_view_at(FileMapAccess::READ, 0, 0, at).unwrap();
    assert_eq!(placed.as_ptr() as usize, at);
    assert_eq!(u64_at(&placed, pointer), base + target as u64);
    assert_eq!(
        placed.protection_at(pointer).unwrap().0,
        ViewProtection::WriteCopy,
        "relocated pages are still the image's, not written ones"
    );
    // Another section of the same file picks the same base; the file is untouched.
    let (again, _) = image_options(&file).create().unwrap();
    let other = again.map_view(FileMapAccess::READ, 0, 0).unwrap();
    assert_eq!(u64_at(&other, field as usize), base);
    assert_eq!(std::fs::read(&dll).unwrap(), bytes);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn images_without_dynamic_base_or_relocations_keep_their_own_base() {
    let test = "images_without_dynamic_base_or_relocations_keep_their_own_base";
    let dir = scratch("fixed");
    let dll = match build_dll(test, &dir, "fixed", &[FIXED]) {
        Some(dll) => dll,
        None => return,
    };
    let bytes = std::fs::read(&dll).unwrap();
    // The same image marked IMAGE_FILE_RELOCS_STRIPPED, its relocation directory emptied.
    let mut stripped = bytes.clone();
    let layout = ImageLayout::parse(&bytes, bytes.len() as u64).unwrap();
    let (field, _) = layout.image_base_field();
    let opt = field as usize - 24;
    stripped[opt - 2] |= 1;
    stripped[opt + 112 + 5 * 8..opt + 112 + 6 * 8].fill(0);
    let stripped_path = dir.join("stripped.dll");
    std::fs::write(&stripped_path, &stripped).unwrap();
    for (path, image) in [(&dll, &bytes), (&stripped_path, &stripped)] {
        let layout = ImageLayout::parse(image, image.len() as u64).unwrap();
        assert!(!layout.is_dynamically_relocated());
        let (pointer, target) = pointer_rvas(image, &layout);
        let file = std::fs::File::open(path).unwrap();
        let (map, _) = image_options(&file).create().unwrap();
        let views: Vec<_> = (0..2)
            .map(|_| map.map_view(FileMapAccess::READ, 0, 0).unwrap())
            .collect();
        assert_ne!(views[0].as_ptr(), views[1].as_ptr());
        for view in &views {
            assert_eq!(u64_at(view, field as usize), layout.image_base());
            assert_eq!(u64_at(view, pointer), layout.image_base() + target as u64);
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn malformed_relocation_blocks_fail_the_view_with_bad_exe_format() {
    let test = "malformed_relocation_blocks_fail_the_view_with_bad_exe_format";
    let dir = scratch("badreloc");
    let dll = match build_dll(test, &dir, "dynamic", &[DYNAMIC]) {
        Some(dll) => dll,
        None => return,
    };
    let bytes = std::fs::read(&dll).unwrap();
    let layout = ImageLayout::parse(&bytes, bytes.len() as u64).unwrap();
    let reloc = layout
        .sections()
        .iter()
        .find(|s| s.name() == ".reloc")
        .unwrap();
    let at = reloc.file_offset() as usize;
    let put = |image: &mut Vec<u8>, off: usize, v: u32| {
        image[at + off..at + off + 4].copy_from_slice(&v.to_le_bytes())
    };
    type Patch = fn(&mut Vec<u8>, &dyn Fn(&mut Vec<u8>, usize, u32));
    let cases: [(&str, Patch, bool); 5] = [
        (
            "a block smaller than its header",
            |i, put| put(i, 4, 4),
            false,
        ),
        (
            "a block past the directory",
            |i, put| put(i, 4, 0x10_0000),
            false,
        ),
        (
            "a page outside the image",
            |i, put| put(i, 0, 0x7fff_0000),
            false,
        ),
        ("an unknown type", |i, put| put(i, 8, 0x5000_5000), false),
        // SizeOfBlock 0 ends the directory: nothing is fixed up, and the view maps.
        ("an empty first block", |i, put| put(i, 4, 0), true),
    ];
    for (what, patch, maps) in cases {
        let mut image = bytes.clone();
        patch(&mut image, &put);
        let path = dir.join("patched.dll");
        std::fs::write(&path, &image).unwrap();
        let file = std::fs::File::open(&path).unwrap();
        let (map, _) = image_options(&file).create().unwrap();
        match map.map_view(FileMapAccess::READ, 0, 0) {
            Ok(view) => {
                assert!(maps, "{what}: mapped");
                let (pointer, target) = pointer_rvas(&image, &layout);
                let (field, _) = layout.image_base_field();
                assert_ne!(u64_at(&view, field as usize), layout.image_base());
                assert_eq!(u64_at(&view, pointer), layout.image_base() + target as u64);
            }
            Err(e) => {
                assert!(!maps, "{what}: {e}");
                assert_eq!(e.kind(), ErrorKind::BadExeFormat, "{what}");
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// xorshift64*: a deterministic PRNG, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

#[test]
fn mutated_images_give_a_layout_or_a_clean_error() {
    let dir = scratch("fuzz");
    let seed = match build_dll("mutated_images", &dir, "seed", &[DYNAMIC]) {
        Some(dll) => std::fs::read(dll).unwrap(),
        None => tiny_image(),
    };
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let header_end = seed.len().min(0x600);
    let mut parsed = 0;
    for round in 0..20_000 {
        let mut image = seed.clone();
        let flips = 1 + rng.next() % 8;
        for _ in 0..flips {
            let at = (rng.next() as usize) % header_end;
            match rng.next() % 4 {
                0 => image[at] ^= 1 << (rng.next() % 8),
                1 => image[at] = rng.next() as u8,
                2 => image[at] = 0xff,
                _ => image[at] = 0,
            }
        }
        let len = if round % 7 == 0 {
            (rng.next() as usize) % (image.len() + 1)
        } else {
            image.len()
        };
        match ImageLayout::parse(&image[..len], len as u64) {
            Ok(layout) => {
                parsed += 1;
                // Whatever parses must be mappable: pieces inside the image and the file.
                let size = u64::from(layout.size_of_image());
                for (at, from, n) in layout.file_pieces() {
                    assert!(at + n <= (size + 4095) / 4096 * 4096, "round {round}");
                    assert!(from < len as u64 || n == 0, "round {round}");
                }
                let pages = layout.page_protections(4096, round % 2 == 0);
                assert_eq!(pages.len() as u64, (size + 4095) / 4096);
            }
            Err(e) => assert_eq!(e.kind(), ErrorKind::BadExeFormat, "round {round}: {e}"),
        }
    }
    assert!(parsed > 0, "some mutations keep a valid image");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A minimal PE32+ image for machines without MinGW: headers and one `.text` section.
fn tiny_image() -> Vec<u8> {
    let mut f = vec![0u8; 0x400];
    let put =
        |f: &mut Vec<u8>, at: usize, bytes: &[u8]| f[at..at + bytes.len()].copy_from_slice(bytes);
    put(&mut f, 0, b"MZ");
    put(&mut f, 0x3c, &0x40u32.to_le_bytes());
    put(&mut f, 0x40, b"PE\0\0");
    put(&mut f, 0x44, &0x8664u16.to_le_bytes());
    put(&mut f, 0x46, &1u16.to_le_bytes());
    put(&mut f, 0x54, &240u16.to_le_bytes());
    let opt = 0x58;
    put(&mut f, opt, &0x20bu16.to_le_bytes());
    put(&mut f, opt + 24, &0x1_8000_0000u64.to_le_bytes());
    put(&mut f, opt + 32, &0x1000u32.to_le_bytes());
    put(&mut f, opt + 36, &0x200u32.to_le_bytes());
    put(&mut f, opt + 56, &0x2000u32.to_le_bytes());
    put(&mut f, opt + 60, &0x200u32.to_le_bytes());
    put(&mut f, opt + 108, &16u32.to_le_bytes());
    let sec = opt + 240;
    put(&mut f, sec, b".text");
    put(&mut f, sec + 8, &0x200u32.to_le_bytes());
    put(&mut f, sec + 12, &0x1000u32.to_le_bytes());
    put(&mut f, sec + 16, &0x200u32.to_le_bytes());
    put(&mut f, sec + 20, &0x200u32.to_le_bytes());
    put(&mut f, sec + 36, &0x6000_0020u32.to_le_bytes());
    f
}

/// The fuzz corpus's hand-made images with one relocation each (`fuzz/corpus/image/
/// pe32plus-reloc`: a DIR64; `pe32-reloc`: a HIGHLOW), relocated by the parser's own
/// `relocate`: the pointer and the headers' `ImageBase` move by the same distance, nothing
/// else changes.
#[test]
fn hand_made_pe32_and_pe32_plus_images_relocate_their_pointer() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/image");
    for (seed, width) in [("pe32plus-reloc", 8), ("pe32-reloc", 4)] {
        let bytes = std::fs::read(corpus.join(seed)).unwrap();
        let layout = ImageLayout::parse(&bytes, bytes.len() as u64).unwrap();
        assert!(
            layout.is_dll() && layout.is_dynamically_relocated(),
            "{seed}"
        );
        let mut image = vec![0u8; layout.size_of_image() as usize];
        for (at, from, len) in layout.file_pieces() {
            let (at, from) = (at as usize, from as usize);
            let end = (from + len as usize).min(bytes.len());
            image[at..at + (end - from)].copy_from_slice(&bytes[from..end]);
        }
        let before = image.clone();
        let base = layout.image_base() + 0x20_0000;
        layout.relocate(&mut image, base).unwrap();
        let read = |img: &[u8], at: usize| {
            let mut b = [0u8; 8];
            b[..width].copy_from_slice(&img[at..at + width]);
            u64::from_le_bytes(b)
        };
        assert_eq!(read(&image, 0x1000), base + 0x1008, "{seed}: the pointer");
        let (field, w) = layout.image_base_field();
        assert_eq!(w, width);
        assert_eq!(read(&image, field as usize), base, "{seed}: ImageBase");
        let changed: Vec<usize> = (0..image.len())
            .filter(|&i| image[i] != before[i])
            .collect();
        assert!(
            changed
                .iter()
                .all(|&i| (0x1000..0x1000 + width).contains(&i)
                    || (field as usize..field as usize + width).contains(&i)),
            "{seed}: only the pointer and ImageBase change"
        );
    }
}
