//! The real binary with `--wine --smoke --json`: it builds the C worker four ways, runs them
//! (one under Wine) and reports every case with every implementation measured (wine,
//! filemapping-ffi, floor, floor+fallocate); nothing is left in /dev/shm or in the temporary
//! directory.
//!
//! It needs `cc`, `x86_64-w64-mingw32-gcc` and `wine` on PATH, and `libfilemapping_ffi.so`,
//! which cargo builds into `target/<profile>/deps` together with the bench binary (the bench
//! depends on `filemapping-ffi`, whose library types include `cdylib`); the binary finds it
//! there, as `filemapping-ffi`'s own `tests/c_api.rs` does.

#![cfg(target_os = "linux")]

use serde_json::Value;
use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_filemapping-bench");
const CASES: [&str; 3] = ["create_map_close", "open_map_close", "create_map_close_4k"];
const IMPLS: [&str; 4] = ["wine", "filemapping-ffi", "floor", "floor+fallocate"];

/// Entries of `dir` whose names start with `prefix`.
fn leftovers(dir: &Path, prefix: &str) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|name| name.starts_with(prefix))
        .collect()
}

fn check_entry(entry: &Value, case: &str, imp: &str) {
    assert_eq!(entry["case"], case, "{entry}");
    assert_eq!(entry["impl"], imp, "{entry}");
    let median = entry["median_ns"].as_f64();
    assert!(
        median.is_some_and(|m| m > 0.0),
        "{case}/{imp} not measured: {entry}"
    );
    assert!(entry["p99_ns"].as_f64() >= median, "{entry}");
    assert!(
        entry["vs_wine"].as_f64().is_some_and(|x| x > 0.0),
        "{entry}"
    );
    assert!(entry["samples"].as_u64().is_some_and(|n| n > 0), "{entry}");
    assert!(
        entry["ops_per_batch"].as_u64().is_some_and(|n| n > 0),
        "{entry}"
    );
    if imp == "wine" {
        assert_eq!(entry["vs_wine"], 1.0);
    }
}

/// Wine and mingw are not on every machine: `.ci/run` installs them and runs this test.
#[test]
#[ignore = "needs wine and x86_64-w64-mingw32-gcc; .ci/run runs it with --ignored"]
fn wine_smoke_run_reports_every_case_and_implementation() {
    let lib = Path::new(BIN)
        .parent()
        .unwrap()
        .join("deps/libfilemapping_ffi.so");
    assert!(lib.exists(), "cargo did not build {}", lib.display());
    let child = Command::new(BIN)
        .args(["--wine", "--smoke", "--json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{}\n{stderr}", output.status);
    assert_eq!(
        leftovers(Path::new("/dev/shm"), &format!("fmbench-{pid}-")),
        Vec::<String>::new()
    );
    let build_dirs = leftovers(&std::env::temp_dir(), &format!("fmbench-wine-{pid}-"));
    assert_eq!(build_dirs, Vec::<String>::new());

    let doc: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(doc["mode"], "smoke");
    assert!(
        doc["wine"].as_str().is_some_and(|v| v.starts_with("wine")),
        "{doc}"
    );
    assert!(doc["library"]
        .as_str()
        .is_some_and(|l| l.ends_with("libfilemapping_ffi.so")));
    let entries = doc["cases"].as_array().unwrap();
    assert_eq!(entries.len(), CASES.len() * IMPLS.len(), "{doc}");
    for (i, entry) in entries.iter().enumerate() {
        check_entry(entry, CASES[i / IMPLS.len()], IMPLS[i % IMPLS.len()]);
    }
}

#[test]
fn plot_does_not_go_with_wine() {
    let status = Command::new(BIN)
        .args(["--wine", "--plot", "x.svg"])
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(2));
}
