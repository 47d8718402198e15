//! `scripts/install-ffi.sh` into a fresh prefix, with the libraries cargo built for this test
//! run: the files land where the script says, the shared library carries its SONAME, and a C
//! program built with nothing but `pkg-config --cflags --libs filemapping_ffi` (headers, tchar.h
//! and the library from the prefix) links against `libfilemapping_ffi.so.0` and prints what it
//! prints when built in the crate (`tests/c/generic-unicode.expected`).
//!
//! And the README's CMake way: its `CMakeLists.txt` and its `app.c`, taken from the README
//! itself, configured and built by `cmake` against the same kind of prefix; the program runs
//! without `LD_LIBRARY_PATH` and prints what the README says it prints.
//!
//! Skipped, with the reason printed, where `pkg-config`, `readelf`, `cc`, `cmake` or `make` is
//! missing.

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

/// Whether a tool of `tools` is not installed; if so, prints that `test` is skipped.
fn missing(test: &str, tools: &[&str]) -> bool {
    match tools.iter().find(|t| !have(t)) {
        Some(tool) => {
            println!("skipped: {test}: `{tool}` is not installed");
            true
        }
        None => false,
    }
}

/// A fresh work directory for `test` (with a namespace `ns/`), and the install script's run
/// into its `prefix/`.
fn install(test: &str) -> (PathBuf, PathBuf) {
    let work = std::env::temp_dir().join(format!("fm-ffi-{test}-{}", std::process::id()));
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
    (work, prefix)
}

#[test]
fn installs_under_a_prefix_and_builds_with_pkg_config() {
    if missing("install", &["pkg-config", "readelf", "cc"]) {
        return;
    }
    let (work, prefix) = install("install");

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

/// The body of the README's first fenced block of `lang` after the line that starts with
/// `after`.
fn readme_block(readme: &str, after: &str, lang: &str) -> String {
    let from = readme
        .find(after)
        .unwrap_or_else(|| panic!("README: no {after:?}"));
    let fence = format!("```{lang}\n");
    let start = from + readme[from..].find(&fence).expect("README: no block") + fence.len();
    let len = readme[start..].find("```").expect("README: an open block");
    readme[start..start + len].to_owned()
}

#[test]
fn the_readme_cmake_project_builds_against_the_installed_library() {
    if missing("cmake", &["pkg-config", "cc", "cmake", "make"]) {
        return;
    }
    let readme = std::fs::read_to_string(crate_dir().join("../../README.md")).unwrap();
    let lists = readme_block(&readme, "CMake finds it", "cmake");
    let app = readme_block(&readme, "declares them with the types", "c");
    assert!(
        lists.contains("add_executable(app app.c)") && app.starts_with("/* app.c */"),
        "README:\n{lists}\n{app}"
    );
    let (work, prefix) = install("cmake");
    let source = work.join("app");
    std::fs::create_dir_all(&source).unwrap();
    std::fs::write(source.join("CMakeLists.txt"), lists).unwrap();
    std::fs::write(source.join("app.c"), app).unwrap();
    let build = source.join("build");
    let pkgconfig = prefix.join("lib/pkgconfig");
    output(
        Command::new("cmake")
            .args(["-S", ".", "-B", "build"])
            .current_dir(&source)
            .env("PKG_CONFIG_PATH", &pkgconfig),
    );
    output(
        Command::new("cmake")
            .args(["--build", "build"])
            .current_dir(&source),
    );
    // Found through the run path CMake recorded, not through the environment.
    let printed = output(
        Command::new(build.join("app"))
            .current_dir(&work)
            .env("FILEMAPPING_DIR", work.join("ns"))
            .env_remove("LD_LIBRARY_PATH"),
    );
    assert_eq!(printed, "created Message from first process.\n");
    let maps = output(
        Command::new("ldd")
            .arg(build.join("app"))
            .env_remove("LD_LIBRARY_PATH"),
    );
    assert!(
        maps.contains(
            &prefix
                .join("lib/libfilemapping_ffi.so")
                .display()
                .to_string()
        ),
        "the program does not load the prefix's library:\n{maps}"
    );
    std::fs::remove_dir_all(&work).unwrap();
}
