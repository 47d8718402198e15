//! The real binary, in its hidden `--smoke` mode (a handful of iterations of every case): the
//! JSON has the shape, the chart is written, and nothing is left in /dev/shm.

#![cfg(target_os = "linux")]

use serde_json::Value;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_filemapping-bench");
const CASES: [&str; 11] = [
    "create_map_close",
    "open_map_close",
    "map_unmap",
    "create_existing",
    "first_touch_bandwidth",
    "warm_bandwidth",
    "scale_open_10",
    "scale_open_100",
    "race_create_2",
    "race_create_8",
    "race_create_32",
];
const IMPLS: [&str; 5] = [
    "floor",
    "filemapping",
    "filemapping-ffi",
    "shared_memory",
    "memmap2",
];

fn leftovers(pid: u32) -> Vec<String> {
    let prefix = format!("fmbench-{pid}-");
    std::fs::read_dir("/dev/shm")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|name| name.starts_with(&prefix))
        .collect()
}

fn check_entry(entry: &Value) {
    let (case, imp) = (
        entry["case"].as_str().unwrap(),
        entry["impl"].as_str().unwrap(),
    );
    for key in ["median_ns", "p99_ns", "ratio_to_floor"] {
        assert!(entry.get(key).is_some(), "{case}/{imp} lacks {key}");
    }
    let measured = entry["median_ns"].is_f64();
    let explained = entry["na"].is_string() || entry["error"].is_string();
    assert!(measured != explained, "{case}/{imp}: {entry}");
    if case.contains("bandwidth") {
        assert!(entry.get("gb_per_s").is_some(), "{case}/{imp}");
    }
    // The fmap cases need the fmap binary beside the bench's, which this test does not build.
    if ["floor", "filemapping", "filemapping-ffi"].contains(&imp) && !case.starts_with("sync_fmap")
    {
        assert!(measured, "{case}/{imp} should be measured: {entry}");
    }
    if imp == "floor" {
        assert_eq!(entry["ratio_to_floor"], 1.0);
    }
}

#[test]
fn smoke_run_reports_every_case_and_implementation() {
    let svg = std::env::temp_dir().join(format!("fmbench-smoke-{}.svg", std::process::id()));
    let child = Command::new(BIN)
        .args(["--smoke", "--json", "--plot"])
        .arg(&svg)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    assert_eq!(leftovers(pid), Vec::<String>::new());
    let doc: Value = serde_json::from_slice(&output.stdout).unwrap();
    let entries = doc["cases"].as_array().unwrap();
    let (mapping, sync) = entries.split_at(CASES.len() * IMPLS.len());
    for (i, entry) in mapping.iter().enumerate() {
        assert_eq!(entry["case"], CASES[i / IMPLS.len()]);
        assert_eq!(entry["impl"], IMPLS[i % IMPLS.len()]);
        check_entry(entry);
    }
    // The synchronization cases: the floor and ours, or ours alone for fmap's latency.
    let sync_cases: Vec<&str> = sync.iter().map(|e| e["case"].as_str().unwrap()).collect();
    for case in filemapping_bench::sync::CASES {
        let rows = sync_cases.iter().filter(|c| **c == case).count();
        assert_eq!(
            rows,
            if case.starts_with("sync_fmap") { 1 } else { 2 },
            "{case}"
        );
    }
    sync.iter().for_each(check_entry);
    let chart = std::fs::read_to_string(&svg).unwrap();
    std::fs::remove_file(&svg).unwrap();
    assert!(chart.starts_with("<svg") && chart.contains("create_map_close"));
}

#[test]
fn a_bad_command_line_exits_2() {
    let status = Command::new(BIN)
        .arg("--fast")
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(2));
}
