//! The test image: `tests/image/image_dll.c` built at test time with a MinGW compiler.
//!
//! Shared through `#[path = "support/image_dll.rs"] mod image_dll;` by test binaries that also
//! have the `skip` module (`support/skip.rs`).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The MinGW compiler of PE32+ images.
pub(crate) const MINGW: &str = "x86_64-w64-mingw32-gcc";

/// Builds `tests/image/image_dll.c` with `cc` and `flags` into `dir/<name>.dll`; `None` (and a
/// skip line for `test`) where `cc` is missing.
pub(crate) fn build(
    cc: &str,
    test: &str,
    dir: &Path,
    name: &str,
    flags: &[&str],
) -> Option<PathBuf> {
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
            crate::skip::skip(test, &format!("no {cc} to build test images"));
            None
        }
    }
}
