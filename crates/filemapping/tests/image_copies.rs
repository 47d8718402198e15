//! The safe copies of a `SEC_IMAGE` view follow each page's protection (spec §2.4, §6.1): the
//! headers read, a write to a page its section keeps read-only (`.text`) is
//! `ERROR_ACCESS_DENIED` where a plain store would fault (an access violation on Windows), and
//! a write-copy page (`.data`) is written privately, never to the file.
//!
//! The image is the DLL built from `tests/image/image_dll.c`: `FILEMAPPING_TEST_IMAGE` names
//! it where a script built it (`scripts/test-windows.sh`, for the run under Wine); otherwise
//! the test builds it with MinGW, or skips, saying so, without it. `tests/image.rs` has the
//! other image cases (Linux).

#[path = "support/image_dll.rs"]
mod image_dll;
#[path = "support/skip.rs"]
mod skip;

use filemapping::{
    CreateOptions, ErrorKind, FileMapAccess, ImageLayout, Protection, SectionAttributes,
    ViewProtection,
};
use std::path::{Path, PathBuf};

const TEST: &str = "copies_of_an_image_view_follow_its_pages";

/// The scratch directory of the test, removed on drop.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The image to map: the one a script built, or one built here with MinGW.
fn image(scratch: &Path) -> Option<PathBuf> {
    match std::env::var_os("FILEMAPPING_TEST_IMAGE") {
        Some(path) => Some(PathBuf::from(path)),
        None => image_dll::build(image_dll::MINGW, TEST, scratch, "image", &[]),
    }
}

#[test]
fn copies_of_an_image_view_follow_its_pages() {
    let scratch = Scratch(std::env::temp_dir().join(format!("fm-imgcopy-{}", std::process::id())));
    std::fs::create_dir_all(&scratch.0).unwrap();
    let path = match image(&scratch.0) {
        Some(path) => path,
        None => return,
    };
    let bytes = std::fs::read(&path).unwrap();
    let layout = ImageLayout::from_path(&path).unwrap();
    let file = std::fs::File::open(&path).unwrap();
    let (map, _) = CreateOptions::new()
        .file(&file)
        .protection(Protection::ReadOnly)
        .attributes(SectionAttributes::IMAGE)
        .create()
        .unwrap();
    // A copy-on-write view: the view's own protection lets every write through, so only the
    // pages' protections can refuse the one to `.text`.
    let view = map.map_view(FileMapAccess::COPY, 0, 0).unwrap();

    let mut mz = [0u8; 2];
    view.read_at(0, &mut mz).unwrap();
    assert_eq!(&mz, b"MZ", "the headers read");

    let sections = layout.sections();
    let fixed = sections
        .iter()
        .find(|s| s.virtual_size() > 0 && !s.protection().rights().1)
        .expect("a section that is not writable (.text)");
    let at = fixed.virtual_address() as usize;
    let err = view.write_at(at, b"x").unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::AccessDenied,
        "{}: {err}",
        fixed.name()
    );
    let mut code = [0u8; 1];
    view.read_at(at, &mut code).unwrap();

    let data = sections
        .iter()
        .find(|s| s.protection() == ViewProtection::WriteCopy)
        .expect("a write-copy section (.data)");
    let at = data.virtual_address() as usize;
    view.write_at(at, b"private").unwrap();
    let mut back = [0u8; 7];
    view.read_at(at, &mut back).unwrap();
    assert_eq!(&back, b"private");
    drop((view, map, file));
    assert_eq!(
        std::fs::read(&path).unwrap(),
        bytes,
        "writes never reach the file"
    );
}
