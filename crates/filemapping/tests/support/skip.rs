//! How a test says that it skips: one line `skipped: <why>` written straight to the process's
//! standard error. The test harness captures `println!`/`eprintln!` output of passing tests, so a
//! skip reported that way would be a silent pass; a write to `std::io::stderr()` is not captured
//! and shows in every run.
//!
//! Shared by the test binaries through `#[path = "../support/skip.rs"] mod skip;`, so each of
//! them may use only part of it.
#![allow(dead_code)]

use std::io::Write;

/// Reports that `test` (or a part of it) skips, and why.
pub(crate) fn skip(test: &str, why: &str) {
    let line = format!("skipped: {test}: {why}\n");
    // Nothing useful can be done if standard error is gone.
    let _ = std::io::stderr().write_all(line.as_bytes());
}

/// Whether the tests run under Wine (`scripts/test-windows.sh` sets `FILEMAPPING_UNDER_WINE=1`).
pub(crate) fn under_wine() -> bool {
    std::env::var_os("FILEMAPPING_UNDER_WINE").is_some()
}

/// A test that follows Windows where Wine differs (spec §13): reports the skip under Wine as
/// `skipped: <test>: Wine quirk: <quirk>`, the wording of the C tests, and returns whether to
/// skip.
pub(crate) fn skip_under_wine(test: &str, quirk: &str) -> bool {
    let wine = under_wine();
    if wine {
        skip(test, &format!("Wine quirk: {quirk}"));
    }
    wine
}

/// Whether the test runs as root (tests that need root skip otherwise, saying so).
#[cfg(unix)]
pub(crate) fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .map(|s| {
            s.lines()
                .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(2) == Some("0"))
        })
        .unwrap_or(false)
}
