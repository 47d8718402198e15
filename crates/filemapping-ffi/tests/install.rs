//! `scripts/install-ffi.sh` into a fresh prefix, with the libraries cargo built for this test
//! run: the files land where the script says, the shared library carries its SONAME, and a C
//! program built with nothing but `pkg-config --cflags --libs filemapping_ffi` (headers, tchar.h
//! and the library from the prefix) links against `libfilemapping_ffi.so.0` and prints what it
//! prints when built in the crate (`tests/c/generic-unicode.expected`).
//!
//! Skipped, with the reason printed, where `pkg-config`, `readelf` or `cc` is missing.

use std::path::{Path, PathBuf};
use std::process::Command;

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `target/<profile>/deps`, where cargo built the libraries for this run (see `c_api.rs`).
fn library_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    exe.parent().expect("target/<profile>/deps").to_path_buf()
}

fn have(tool: &str) -> bool {
    Command::new(tool).arg("--version").output().is_ok()
}

/// Runs a command; its stdout, or a panic with everything it said.
fn output(command: &mut Command) -> String {
    let out = command
        .output()
        .unwrap_or_else(|e| panic!("{command:?}: {e}"));
    assert!(
        out.status.success(),
        "{command:?} failed ({}):\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `readelf -d` of a file.
fn dynamic_section(file: &Path) -> String {
    output(Command::new("readelf").arg("-d").arg(file))
}

#[test]
fn installs_under_a_prefix_and_builds_with_pkg_config() {
    if let Some(missing) = ["pkg-config", "readelf", "cc"]
        .into_iter()
        .find(|t| !have(t))
    {
        eprintln!("skipped: `{missing}` is not installed");
        return;
    }
    let work = std::env::temp_dir().join(format!("fm-ffi-install-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    let prefix = work.join("prefix");
    std::fs::create_dir_all(work.join("ns")).unwrap();
    let script = crate_dir().join("../../scripts/install-ffi.sh");
    output(
        Command::new("bash")
            .arg(&script)
            .arg("--lib-dir")
            .arg(library_dir())
            .arg(&prefix),
    );

    let version = env!("CARGO_PKG_VERSION");
    let major = env!("CARGO_PKG_VERSION_MAJOR");
    let lib = prefix.join("lib");
    let real = format!("libfilemapping_ffi.so.{version}");
    let soname = format!("libfilemapping_ffi.so.{major}");
    for file in [
        lib.join(&real),
        lib.join("libfilemapping_ffi.a"),
        lib.join("pkgconfig/filemapping_ffi.pc"),
        prefix.join("include/filemapping/filemapping.h"),
        prefix.join("include/filemapping/tchar.h"),
    ] {
        assert!(file.is_file(), "{} is missing", file.display());
    }
    assert_eq!(
        std::fs::read_link(lib.join(&soname)).unwrap(),
        Path::new(&real)
    );
    assert_eq!(
        std::fs::read_link(lib.join("libfilemapping_ffi.so")).unwrap(),
        Path::new(&soname)
    );
    let section = dynamic_section(&lib.join(&real));
    assert!(
        section.contains(&format!("Library soname: [{soname}]")),
        "no SONAME {soname}:\n{section}"
    );

    // A program built with the prefix's pkg-config flags only.
    let flags = output(
        Command::new("pkg-config")
            .args(["--cflags", "--libs", "filemapping_ffi"])
            .env("PKG_CONFIG_PATH", lib.join("pkgconfig")),
    );
    assert!(
        flags.contains(&format!(
            "-I{}",
            prefix.join("include/filemapping").display()
        )),
        "pkg-config --cflags: {flags}"
    );
    let exe = work.join("generic");
    output(
        Command::new("cc")
            .args([
                "-std=c11",
                "-Wall",
                "-Wextra",
                "-Werror",
                "-DUNICODE",
                "-D_UNICODE",
            ])
            .arg(crate_dir().join("tests/c/generic.c"))
            .arg("-o")
            .arg(&exe)
            .args(flags.split_whitespace()),
    );
    let needed = dynamic_section(&exe);
    assert!(
        needed.contains(&format!("Shared library: [{soname}]")),
        "the program does not need {soname}:\n{needed}"
    );
    let printed = output(
        Command::new(&exe)
            .current_dir(&work)
            .env("FILEMAPPING_DIR", work.join("ns"))
            .env("LD_LIBRARY_PATH", &lib),
    );
    let expected =
        std::fs::read_to_string(crate_dir().join("tests/c/generic-unicode.expected")).unwrap();
    assert!(
        printed == expected,
        "the installed build prints:\n{printed}"
    );
    std::fs::remove_dir_all(&work).unwrap();
}
