//! The C tests: each program under `tests/c/` is compiled with the system C compiler (`cc`)
//! against `include/filemapping.h` and the library cargo built for this test run, run in a
//! private directory and namespace, and its output compared with `tests/c/<name>.expected`.
//!
//! The same sources, built with mingw against the real `<windows.h>` and run under Wine, print
//! the same lines (`scripts/test-ffi-wine.sh`), which is how the expected files were checked.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long a C program may run before the watchdog kills it (a hang is a failure, not a slow
/// run: the programs finish in well under a second).
const WATCHDOG: Duration = Duration::from_secs(120);

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `target/<profile>/deps`: where cargo built `libfilemapping_ffi.so` and `.a` for this run,
/// beside this test binary. (`target/<profile>` gets a copy only from `cargo build`, so it may
/// be stale during `cargo test`.)
fn library_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let dir = exe.parent().expect("target/<profile>/deps");
    assert!(
        dir.join("libfilemapping_ffi.so").exists(),
        "{} has no libfilemapping_ffi.so",
        dir.display()
    );
    dir.to_path_buf()
}

/// A fresh directory for one program: its working directory and its namespace root.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fm-ffi-c-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("ns")).unwrap();
    dir
}

/// How the program links the library.
#[derive(Clone, Copy)]
enum Link {
    Shared,
    Static,
}

/// Compiles `tests/c/<name>.c` into `dir` and returns the executable.
fn compile(name: &str, dir: &Path, link: Link) -> PathBuf {
    let lib = library_dir();
    let exe = dir.join(name);
    let mut cc = Command::new("cc");
    cc.args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-I"])
        .arg(crate_dir().join("include"))
        .arg(crate_dir().join("tests/c").join(format!("{name}.c")))
        .arg("-o")
        .arg(&exe);
    match link {
        Link::Shared => cc
            .arg("-L")
            .arg(&lib)
            .arg("-lfilemapping_ffi")
            .arg(format!("-Wl,-rpath,{}", lib.display())),
        Link::Static => cc.arg(lib.join("libfilemapping_ffi.a")),
    };
    cc.args(["-lpthread", "-ldl", "-lm"]);
    let out = cc.output().expect("the system C compiler `cc` runs");
    assert!(
        out.status.success(),
        "cc failed for {name}.c:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    exe
}

/// Runs `exe` in `dir` with `dir/ns` as its namespace root, under the watchdog; returns stdout.
fn run(exe: &Path, dir: &Path) -> String {
    let mut child = Command::new(exe)
        .current_dir(dir)
        .env("FILEMAPPING_DIR", dir.join("ns"))
        // cargo puts `target/<profile>` on LD_LIBRARY_PATH, ahead of the rpath, and its copy of
        // the library is stale during `cargo test`.
        .env_remove("LD_LIBRARY_PATH")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the C program starts");
    let deadline = Instant::now() + WATCHDOG;
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("{} hung; killed after {WATCHDOG:?}", exe.display());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{} failed ({}):\n{stdout}\n{}",
        exe.display(),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// The first differing line between the expected and the actual output, for the failure message.
fn first_difference(expected: &str, actual: &str) -> String {
    let mut actual_lines = actual.lines();
    for (n, want) in expected.lines().enumerate() {
        match actual_lines.next() {
            Some(got) if got == want => continue,
            got => return format!("line {}: expected `{want}`, got `{got:?}`", n + 1),
        }
    }
    match actual_lines.next() {
        Some(extra) => format!("unexpected extra line `{extra}`"),
        None => "no difference".to_owned(),
    }
}

/// Compiles, runs and compares `tests/c/<name>.c` with `tests/c/<name>.expected`.
fn check(name: &str, link: Link) {
    let dir = scratch(name);
    let exe = compile(name, &dir, link);
    let actual = run(&exe, &dir);
    let path = crate_dir().join("tests/c").join(format!("{name}.expected"));
    let expected = std::fs::read_to_string(&path).unwrap();
    assert!(
        actual == expected,
        "{name}: output differs from {}: {}\nfull output:\n{actual}",
        path.display(),
        first_difference(&expected, &actual)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Spec §12 rows 1-108 through the C API.
#[test]
fn conformance_rows_match_windows() {
    check("conformance", Link::Shared);
}

/// VirtualProtect, VirtualAlloc with a protection, private memory and VirtualQuery's limits
/// (spec §6, rows 91 and 95-98; issue 12, items 4-6).
#[test]
fn virtual_memory_calls_match_windows() {
    check("virtual", Link::Shared);
}

/// Handles, last errors, threads, files and events; linked against the static library.
#[test]
fn api_promises_hold_with_the_static_library() {
    check("api", Link::Static);
}

/// Every constant and layout of the header is Windows' own.
#[test]
fn header_constants_and_layouts_match_windows() {
    check("header", Link::Shared);
}

/// A parent and a child process share a named mapping and block on named events (rows 55-57).
#[test]
fn two_processes_share_a_mapping_and_events() {
    check("events", Link::Shared);
}
