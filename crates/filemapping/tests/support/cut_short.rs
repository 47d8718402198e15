//! Files cut short under a view by another program (`truncate`), for the tests of the safe
//! copies: a view of a file of sevens, the cut, and the error the copies must give.
//!
//! Shared through `#[path = "support/cut_short.rs"] mod cut_short;` (`truncate` is the Linux
//! program: under Wine, `lost_pages.rs` runs it its own way).
#![allow(dead_code)]

use filemapping::{CreateOptions, ErrorKind, FileMapAccess, FileMapping, View, ERROR_SWAPERROR};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A file of `len` bytes of 7 in `dir`, a mapping of it and a writable view of all of it.
pub(crate) fn file_view(dir: &Path, len: usize) -> (PathBuf, FileMapping, View) {
    let path = dir.join("data");
    std::fs::write(&path, vec![7u8; len]).unwrap();
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&path)
        .unwrap();
    let (map, _) = CreateOptions::new().file(&file).create().unwrap();
    let view = map.map_view(FileMapAccess::WRITE, 0, 0).unwrap();
    (path, map, view)
}

/// Another program cuts the file at `path` to `len` bytes.
pub(crate) fn cut(path: &Path, len: usize) {
    let status = Command::new("truncate")
        .arg("-s")
        .arg(len.to_string())
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

pub(crate) fn assert_in_page_error(result: filemapping::Result<()>, what: &str) {
    let err = result.expect_err(what);
    assert_eq!(err.kind(), ErrorKind::InPageError, "{what}: {err}");
    assert_eq!(err.win32_code(), ERROR_SWAPERROR, "{what}: {err}");
}
