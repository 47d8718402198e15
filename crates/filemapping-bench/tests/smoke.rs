//! The real binary, in its hidden `--smoke` mode (a handful of iterations of every case): the
//! JSON has the shape, the chart is written, and nothing is left in /dev/shm.

#![cfg(target_os = "linux")]

use serde_json::Value;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_filemapping-bench");
/// The implementation sets, in the order of the table.
const STANDARD: &[&str] = &[
    "floor",
    "filemapping",
    "filemapping-ffi",
    "shared_memory",
    "memmap2",
];
const WITH_FALLOCATE: &[&str] = &[
    "floor",
    "floor+fallocate",
    "filemapping",
    "filemapping-ffi",
    "shared_memory",
    "memmap2",
];
const SIZING: &[&str] = &[
    "floor",
    "floor+fallocate",
    "filemapping",
    "filemapping SEC_RESERVE",
];
const COPIES: &[&str] = &["floor", "filemapping", "filemapping as_ptr"];

/// Every case of a smoke run, in order, with its implementations.
fn expected() -> Vec<(String, &'static [&'static str])> {
    let mut cases: Vec<(String, &[&str])> = vec![("create_map_close".into(), WITH_FALLOCATE)];
    for case in ["open_map_close", "map_unmap", "create_existing"] {
        cases.push((case.into(), STANDARD));
    }
    for size in ["4k", "64k", "1m", "16m", "256m"] {
        cases.push((format!("create_close_{size}/create"), SIZING));
        cases.push((format!("create_close_{size}/close"), SIZING));
    }
    cases.push(("first_touch_bandwidth".into(), STANDARD));
    cases.push(("warm_bandwidth".into(), STANDARD));
    cases.push(("first_touch_huge_tmpfs".into(), COPIES));
    for size in ["4k", "64k", "1m"] {
        cases.push((format!("read_at_{size}"), COPIES));
        cases.push((format!("write_at_{size}"), COPIES));
    }
    for case in ["scale_open_10", "scale_open_100"] {
        cases.push((case.into(), STANDARD));
    }
    for case in ["race_create_2", "race_create_8", "race_create_32"] {
        cases.push((case.into(), STANDARD));
    }
    cases
}

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
    if case.contains("bandwidth") || case.contains("_at_") || case.contains("huge") {
        assert!(entry.get("gb_per_s").is_some(), "{case}/{imp}");
    }
    // The fmap cases need the fmap binary beside the bench's, which this test does not build;
    // the huge tmpfs needs root and a kernel that allows the mount, else every row says why.
    if case == "first_touch_huge_tmpfs" && !measured {
        let why = entry["na"].as_str().unwrap_or_default();
        assert!(why.starts_with("skipped: "), "{case}/{imp}: {entry}");
    } else if imp != "shared_memory" && imp != "memmap2" && !case.starts_with("sync_fmap") {
        assert!(measured, "{case}/{imp} should be measured: {entry}");
    }
    if imp == "floor" {
        assert_eq!(entry["ratio_to_floor"], 1.0);
    }
    if measured && !case.starts_with("sync_fmap") {
        assert!(entry["ratio_to_floor"].is_f64(), "{case}/{imp}: {entry}");
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
    let expected: Vec<(String, &str)> = expected()
        .into_iter()
        .flat_map(|(case, impls)| impls.iter().map(move |imp| (case.clone(), *imp)))
        .collect();
    let (mapping, sync) = entries.split_at(expected.len());
    for (entry, (case, imp)) in mapping.iter().zip(&expected) {
        assert_eq!(
            (entry["case"].as_str(), entry["impl"].as_str()),
            (Some(&**case), Some(*imp))
        );
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

/// The table of the cases that compare sizes, copies and the huge tmpfs: each of their rows has
/// a ratio, or says why it was skipped.
#[test]
fn the_table_gives_every_new_case_a_ratio_or_a_reason() {
    let new_cases = [
        "create_close_",
        "first_touch_huge_tmpfs",
        "read_at_",
        "write_at_",
    ];
    let mut command = Command::new(BIN);
    command.arg("--smoke").stderr(Stdio::null());
    for case in new_cases.iter().chain(&["create_map_close"]) {
        command.args(["--case", case]);
    }
    let output = command.output().unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    let (table, summary) = text
        .split_once("The headline ratios")
        .unwrap_or_else(|| panic!("no summary:\n{text}"));
    let summary_line = summary
        .lines()
        .find(|l| l.starts_with("| create_map_close "));
    assert!(summary_line.is_some_and(|l| l.contains('x')), "{summary}");
    let rows: Vec<Vec<&str>> = table
        .lines()
        .filter(|line| line.starts_with("| ") && !line.starts_with("| case"))
        .map(|line| line.split('|').map(str::trim).collect())
        .collect();
    let fallocate = rows
        .iter()
        .any(|r| r[1] == "create_map_close" && r[2] == "floor+fallocate" && r[5].ends_with('x'));
    assert!(
        fallocate,
        "create_map_close has a floor+fallocate ratio:\n{table}"
    );
    for (case, impls) in expected() {
        if !new_cases.iter().any(|prefix| case.starts_with(prefix)) {
            continue;
        }
        for imp in impls {
            let row = rows.iter().find(|r| r[1] == case && r[2] == *imp);
            let row = row.unwrap_or_else(|| panic!("no row {case}/{imp}:\n{table}"));
            let ratio = row[5].ends_with('x');
            assert!(ratio || row[7].starts_with("skipped: "), "{row:?}");
        }
    }
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
