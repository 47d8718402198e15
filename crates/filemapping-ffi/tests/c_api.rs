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
    compile_in(name, dir, link, Mode::Narrow)
}

/// How the generic-text names are built: as on Windows, without or with `UNICODE`.
#[derive(Clone, Copy, Debug)]
enum Mode {
    Narrow,
    Unicode,
}

/// [`compile`] in a generic-text mode (the executable is `<name>` or `<name>-unicode`).
fn compile_in(name: &str, dir: &Path, link: Link, mode: Mode) -> PathBuf {
    let lib = library_dir();
    let exe = match mode {
        Mode::Narrow => dir.join(name),
        Mode::Unicode => dir.join(format!("{name}-unicode")),
    };
    let mut cc = Command::new("cc");
    if let Mode::Unicode = mode {
        cc.args(["-DUNICODE", "-D_UNICODE"]);
    }
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

/// `exe`, to run in `dir` with `dir/ns` as its namespace root.
fn command(exe: &Path, dir: &Path) -> Command {
    let mut command = Command::new(exe);
    command
        .current_dir(dir)
        .env("FILEMAPPING_DIR", dir.join("ns"))
        // cargo puts `target/<profile>` on LD_LIBRARY_PATH, ahead of the rpath, and its copy of
        // the library is stale during `cargo test`.
        .env_remove("LD_LIBRARY_PATH");
    command
}

/// Runs `exe` in `dir` with `dir/ns` as its namespace root, under the watchdog; returns stdout.
fn run(exe: &Path, dir: &Path) -> String {
    run_with(exe, dir, &[])
}

/// [`run`] with arguments.
fn run_with(exe: &Path, dir: &Path, args: &[&str]) -> String {
    let mut child = command(exe, dir)
        .args(args)
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
    compare(name, &actual, &format!("{name}.expected"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Compares a program's output with `tests/c/<expected>`.
fn compare(name: &str, actual: &str, expected: &str) {
    let path = crate_dir().join("tests/c").join(expected);
    let expected = std::fs::read_to_string(&path).unwrap();
    assert!(
        actual == expected,
        "{name}: output differs from {}: {}\nfull output:\n{actual}",
        path.display(),
        first_difference(&expected, actual)
    );
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

/// A ring buffer from placeholders (VirtualAlloc2, MapViewOfFile3 with
/// MEM_REPLACE_PLACEHOLDER, UnmapViewOfFileEx with MEM_PRESERVE_PLACEHOLDER), and the *2/*3
/// calls without placeholders.
#[test]
fn ring_buffers_from_placeholders_match_windows() {
    check("ring", Link::Shared);
}

/// Handle inheritance (spec row 58): a parent's inheritable mapping, file, event, mutex and
/// semaphore handles work in children started with fork+execv and with posix_spawn, under the
/// same values, with the same rights and on the same objects; the others do not. (Windows: CreateProcess with bInheritHandles, compared by `scripts/test-ffi-wine.sh`.)
#[test]
fn children_inherit_inheritable_handles() {
    check("inherit", Link::Shared);
}

/// The smaller calls of issue 12 (file size and position, file type, GetMappedFileName, NUMA
/// variants, CreateFileMapping2, VirtualLock, clocks, temporary files, attributes, pointer
/// probes, UTF-8 conversions) and GENERIC_EXECUTE on ordinary files (item 8).
#[test]
fn porting_calls_match_windows() {
    check("calls", Link::Static);
}

/// Handles, last errors, threads, files and events; linked against the static library.
#[test]
fn api_promises_hold_with_the_static_library() {
    check("api", Link::Static);
}

/// `SEC_IMAGE` views of DLLs built now with MinGW (`filemapping/tests/image/image_dll.c`): the
/// regions `VirtualQuery` reports, and where views away from the image's base lie and what
/// they were relocated for. The bytes' hashes depend on the MinGW build, so they are
/// left out here; `scripts/test-ffi-wine.sh` compares them with Wine's.
#[test]
fn image_views_match_windows() {
    let dir = scratch("image");
    let src = crate_dir().join("../filemapping/tests/image/image_dll.c");
    let fixed = "-Wl,--disable-dynamicbase";
    let builds: [(&str, &[&str]); 4] = [
        ("image-basic.dll", &[fixed]),
        ("image-bss.dll", &[fixed, "-DBSS_SIZE=0x800000"]),
        (
            "image-align.dll",
            &[
                fixed,
                "-Wl,--file-alignment,0x1000",
                "-Wl,--section-alignment,0x10000",
            ],
        ),
        ("image-dynamic.dll", &["-Wl,--dynamicbase"]),
    ];
    for (dll, flags) in builds {
        let built = Command::new("x86_64-w64-mingw32-gcc")
            .args(["-shared", "-O2", "-s"])
            .args(flags)
            .arg(&src)
            .arg("-o")
            .arg(dir.join(dll))
            .status();
        match built {
            Ok(s) => assert!(s.success(), "building {dll} failed"),
            Err(_) => {
                let line = "skipped: image_views_match_windows: no x86_64-w64-mingw32-gcc\n";
                let _ = std::io::Write::write_all(&mut std::io::stderr(), line.as_bytes());
                return;
            }
        }
    }
    let exe = compile("image", &dir, Link::Shared);
    let actual = run(&exe, &dir);
    let unhashed: String = actual
        .lines()
        .map(|l| match l.find(" hash ") {
            Some(at) => format!("{}\n", &l[..at]),
            None => format!("{l}\n"),
        })
        .collect();
    compare("image", &unhashed, "image.expected");
    std::fs::remove_dir_all(&dir).unwrap();
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

/// WaitForMultipleObjects, SignalObjectAndWait and PulseEvent over every type, abandonment by a
/// thread and by a killed process; the output is the one Wine gives (scripts/test-ffi-wine.sh).
#[test]
fn multi_object_waits_match_windows() {
    check("waits", Link::Shared);
}

/// The generic-text layer (tchar.h, TCHAR, TEXT(), the undecorated names, the base types and
/// the memory macros) in one mode, compared with `generic[-unicode].expected`.
fn check_generic(mode: Mode, expected: &str) {
    let dir = scratch(&format!("generic-{mode:?}"));
    let exe = compile_in("generic", &dir, Link::Shared, mode);
    let actual = run(&exe, &dir);
    compare("generic", &actual, expected);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn generic_text_without_unicode() {
    check_generic(Mode::Narrow, "generic.expected");
}

#[test]
fn generic_text_with_unicode() {
    check_generic(Mode::Unicode, "generic-unicode.expected");
}

/// With UNICODE, tchar.h's main hands `_tmain` its arguments in UTF-16, and `_tprintf` writes
/// UTF-16 back as UTF-8: the program prints its argument's units (checked against Rust's own
/// UTF-16 encoding) and the argument itself, byte for byte.
#[test]
fn unicode_arguments_and_output_round_trip() {
    let dir = scratch("generic-argv");
    let exe = compile_in("generic", &dir, Link::Static, Mode::Unicode);
    for arg in ["plain", "h\u{e9}llo \u{4e16}\u{754c} \u{1F600}", ""] {
        let units: String = arg.encode_utf16().map(|u| format!(" {u}")).collect();
        let expected = format!("argument:{units}\n[{arg}]\n");
        assert_eq!(run_with(&exe, &dir, &[arg]), expected, "argument {arg:?}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The Win32 documentation's two-process sample ("Creating Named Shared Memory"), as
/// `shm_server.c` and `shm_client.c`: the server creates `Global\FilemappingSampleObject`,
/// writes its message, says so and waits for a line of input; the client, run meanwhile, opens
/// the mapping by name and prints the message; the server, given its line, closes and says so;
/// the client, run again, finds no object. The four parts, in that order, must equal
/// `shm_sample.expected` (which `scripts/test-ffi-wine.sh` checks against Wine), in both modes.
fn check_sample(mode: Mode) {
    use std::io::{BufRead, BufReader, Read, Write};

    let dir = scratch(&format!("sample-{mode:?}"));
    let server = compile_in("shm_server", &dir, Link::Shared, mode);
    let client = compile_in("shm_client", &dir, Link::Shared, mode);
    let mut child = command(&server, &dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the server starts");
    let mut input = child.stdin.take().unwrap();
    let mut output = BufReader::new(child.stdout.take().unwrap());
    // The server's first line says the message is there (the watchdog of `run` covers the
    // client; a server that never prints fails the read at its exit).
    let mut first = String::new();
    output.read_line(&mut first).unwrap();
    let during = run_client(&client, &dir);
    input.write_all(b"\n").unwrap();
    drop(input);
    let mut rest = String::new();
    output.read_to_string(&mut rest).unwrap();
    let status = child.wait().unwrap();
    assert!(
        status.success(),
        "the server failed ({status}): {first}{rest}"
    );
    let after = run_client(&client, &dir);
    compare(
        "the shared-memory sample",
        &format!("{first}{during}{rest}{after}"),
        "shm_sample.expected",
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Runs the sample's client; its output, whatever its exit status (the second run fails).
fn run_client(exe: &Path, dir: &Path) -> String {
    let out = command(exe, dir).output().expect("the client runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_documentation_sample_runs_without_unicode() {
    check_sample(Mode::Narrow);
}

#[test]
fn the_documentation_sample_runs_with_unicode() {
    check_sample(Mode::Unicode);
}

/// The headers also serve C++ (C++11: `TEXT()` makes `char16_t` strings, `WCHAR` is
/// `char16_t`): the generic-text programs compile as C++ in both modes, warnings as errors.
/// Skipped, with the reason printed, without `c++`.
#[test]
fn the_generic_text_programs_compile_as_cpp() {
    if Command::new("c++").arg("--version").output().is_err() {
        eprintln!("skipped: no `c++` compiler");
        return;
    }
    for name in ["generic", "shm_server", "shm_client"] {
        for unicode in [false, true] {
            let mut cxx = Command::new("c++");
            if unicode {
                cxx.args(["-DUNICODE", "-D_UNICODE"]);
            }
            let out = cxx
                .args([
                    "-x",
                    "c++",
                    "-std=c++11",
                    "-fsyntax-only",
                    "-Wall",
                    "-Wextra",
                ])
                .args(["-Werror", "-I"])
                .arg(crate_dir().join("include"))
                .arg(crate_dir().join("tests/c").join(format!("{name}.c")))
                .output()
                .expect("c++ runs");
            assert!(
                out.status.success(),
                "{name}.c as C++ (UNICODE: {unicode}):\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}
