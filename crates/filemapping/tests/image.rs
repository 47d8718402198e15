//! `SEC_IMAGE` sections (spec §2.4, §6.1): images built at test time with the MinGW
//! toolchain (`tests/image/image_dll.c`), mapped and compared with their files; and the parser
//! fed thousands of mutated images, which must each give a layout or a clean
//! `ERROR_BAD_EXE_FORMAT`, never a panic.

#[path = "support/skip.rs"]
mod skip;

use filemapping::{
    CreateOptions, ErrorKind, FileMapAccess, ImageLayout, OpenOptions, Protection,
    SectionAttributes, ViewProtection,
};
use std::path::{Path, PathBuf};
use std::process::Command;

const MINGW: &str = "x86_64-w64-mingw32-gcc";

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fm-image-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("ns")).unwrap();
    dir
}

/// Builds `tests/image/image_dll.c` into `dir/<name>.dll` with `flags`; `None` (and a skip
/// line) without MinGW.
fn build_dll(test: &str, dir: &Path, name: &str, flags: &[&str]) -> Option<PathBuf> {
    build_with(MINGW, test, dir, name, flags)
}

/// [`build_dll`] with another compiler (`i686-w64-mingw32-gcc` for PE32).
fn build_with(cc: &str, test: &str, dir: &Path, name: &str, flags: &[&str]) -> Option<PathBuf> {
    let out = dir.join(format!("{name}.dll"));
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/image/image_dll.c");
    let status = Command::new(cc)
        .args(["-shared", "-O2", "-s"])
        .args(flags)
        .arg(&src)
        .arg("-o")
        .arg(&out)
        .status();
    match status {
        Ok(s) if s.success() => Some(out),
        Ok(s) => panic!("{cc} failed: {s}"),
        Err(_) => {
            skip::skip(test, &format!("no {cc} to build test images"));
            None
        }
    }
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
    let variants: [(&str, &str, &[&str]); 4] = [
        (MINGW, "basic", &[]),
        (MINGW, "bss", &["-DBSS_SIZE=0x800000"]),
        (
            MINGW,
            "align",
            &[
                "-Wl,--file-alignment,0x1000",
                "-Wl,--section-alignment,0x10000",
            ],
        ),
        // PE32, where the 32-bit MinGW compiler is installed.
        ("i686-w64-mingw32-gcc", "pe32", &[]),
    ];
    for (cc, name, flags) in variants {
        let dll = match build_with(cc, test, &dir, name, flags) {
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
    let dll = match build_dll(test, &dir, "named", &[]) {
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
    let seed = match build_dll("mutated_images", &dir, "seed", &[]) {
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
