//! The `--wine` run's results: one row per case and implementation (measured, or failed with
//! why), each median also as a multiple of Wine's ("vs wine": Wine's median over this one, so
//! 10x means ten times faster than Wine), as a Markdown table or as JSON.

use super::cases::Impl;
use crate::options::Mode;
use crate::output::{duration, markdown};
use crate::report::{Outcome, Row};
use crate::runner::Plan;
use crate::stats;
use serde_json::{json, Value};
use std::path::PathBuf;

/// A whole `--wine` run.
#[derive(Clone, Debug)]
pub struct WineReport {
    /// How much it did.
    pub mode: Mode,
    /// The machine it ran on, in one line.
    pub machine: String,
    /// `wine --version`.
    pub wine: String,
    /// The Wine prefix: `WINEPREFIX`, or Wine's default.
    pub prefix: String,
    /// The C API's library the `filemapping-ffi` worker was linked with.
    pub library: PathBuf,
    /// Each case's batches.
    pub plans: Vec<(&'static str, Plan)>,
    /// Every case and implementation.
    pub rows: Vec<Row<Impl>>,
}

const LEGEND: &str = "median, p99: of the time per operation in each timed batch (the worker's \
own clock around the batch); vs wine: Wine's median / this median (higher is faster)";

const HEADER: [&str; 6] = ["case", "impl", "median", "p99", "vs wine", "note"];

/// How many times faster than Wine `row` is in its case: Wine's median over its own.
pub fn vs_wine(rows: &[Row<Impl>], row: &Row<Impl>) -> Option<f64> {
    let wine = rows
        .iter()
        .find(|r| r.case == row.case && r.peer == Impl::Wine)?;
    stats::ratio(wine.summary()?.median_ns, row.summary()?.median_ns)
}

/// The table, with the machine, Wine, the library and the batches above it.
pub fn table(report: &WineReport) -> String {
    let mut out = format!(
        "filemapping-bench --wine ({} run) on {}\n",
        report.mode.label(),
        report.machine
    );
    out += &format!(
        "Wine: {}, prefix {}; C API: {}\n",
        report.wine,
        report.prefix,
        report.library.display()
    );
    out += &format!("batches: {}\n{LEGEND}\n", batches(&report.plans));
    if let Some(note) = super::cases::note(report.mode) {
        out += &format!("{note}\n");
    }
    let cells: Vec<[String; 6]> = report.rows.iter().map(|r| cells(report, r)).collect();
    out + "\n" + &markdown(&HEADER, &cells)
}

fn batches(plans: &[(&str, Plan)]) -> String {
    let each: Vec<String> = plans
        .iter()
        .map(|(case, plan)| {
            format!(
                "{case}: {} warm-up + {} timed of {} operations",
                plan.warmup, plan.rounds, plan.batch
            )
        })
        .collect();
    each.join("; ")
}

fn cells(report: &WineReport, row: &Row<Impl>) -> [String; 6] {
    let (median, p99, note) = match &row.outcome {
        Outcome::Measured { summary, .. } => (
            duration(summary.median_ns),
            duration(summary.p99_ns),
            String::new(),
        ),
        Outcome::Unavailable(why) => ("n/a".into(), String::new(), why.clone()),
        Outcome::Failed(why) => ("error".into(), String::new(), why.clone()),
    };
    let speedup = vs_wine(&report.rows, row).map_or(String::new(), |x| format!("{x:.2}x"));
    let imp = row.peer.label().to_owned();
    [row.case.clone(), imp, median, p99, speedup, note]
}

/// The JSON document: `{"mode", "note", "machine", "wine", "prefix", "library", "cases":
/// [{"case", "impl", "median_ns", "p99_ns", "vs_wine", "ops_per_batch", "samples" | "error"}]}`.
pub fn json(report: &WineReport) -> Value {
    let cases: Vec<Value> = report.rows.iter().map(|r| json_row(report, r)).collect();
    json!({
        "mode": report.mode.label(),
        "note": super::cases::note(report.mode),
        "machine": report.machine,
        "wine": report.wine,
        "prefix": report.prefix,
        "library": report.library.display().to_string(),
        "cases": cases,
    })
}

fn json_row(report: &WineReport, row: &Row<Impl>) -> Value {
    let mut object = crate::output::json_fields(row, row.peer.label());
    object.insert("vs_wine".into(), json!(vs_wine(&report.rows, row)));
    let plan = report.plans.iter().find(|(case, _)| *case == row.case);
    object.insert("ops_per_batch".into(), json!(plan.map(|(_, p)| p.batch)));
    crate::output::json_outcome(&mut object, row);
    Value::Object(object)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Summary;

    fn measured(imp: Impl, median_ns: f64) -> Row<Impl> {
        Row {
            case: "create_map_close".into(),
            peer: imp,
            outcome: Outcome::Measured {
                summary: Summary {
                    median_ns,
                    p99_ns: median_ns * 2.0,
                    samples: 5,
                },
                ratio: None,
            },
            bytes: None,
        }
    }

    fn report() -> WineReport {
        let plan = Plan {
            warmup: 1,
            rounds: 5,
            batch: 24,
        };
        WineReport {
            mode: Mode::Smoke,
            machine: "a box".into(),
            wine: "wine-8.0".into(),
            prefix: "/p".into(),
            library: PathBuf::from("/lib/libfilemapping_ffi.so"),
            plans: vec![("create_map_close", plan)],
            rows: vec![
                measured(Impl::Wine, 150_000.0),
                measured(Impl::Ffi, 15_000.0),
                Row {
                    outcome: Outcome::Failed("shm_open failed with error 24".into()),
                    ..measured(Impl::Floor, 0.0)
                },
            ],
        }
    }

    #[test]
    fn speedups_are_wine_over_this() {
        let report = report();
        assert_eq!(vs_wine(&report.rows, &report.rows[0]), Some(1.0));
        assert_eq!(vs_wine(&report.rows, &report.rows[1]), Some(10.0));
        assert_eq!(vs_wine(&report.rows, &report.rows[2]), None);
        let without_wine = &report.rows[1..];
        assert_eq!(vs_wine(without_wine, &report.rows[1]), None);
    }

    #[test]
    fn the_table_shows_speedups_and_errors() {
        let table = table(&report());
        assert!(table.contains("| case "), "{table}");
        assert!(
            table.contains("| create_map_close | wine            | 150.0 µs | 300.0 µs | 1.00x")
        );
        assert!(table.contains("| filemapping-ffi | 15.0 µs  | 30.0 µs  | 10.00x"));
        assert!(table.contains("| floor           | error    |"), "{table}");
        assert!(
            table.contains("| shm_open failed with error 24 |"),
            "{table}"
        );
        assert!(table.contains("create_map_close: 1 warm-up + 5 timed of 24 operations"));
        assert!(table.contains("wine-8.0"));
    }

    #[test]
    fn json_has_one_entry_per_row() {
        let doc = json(&report());
        let cases = doc["cases"].as_array().unwrap();
        assert_eq!(cases.len(), 3);
        assert_eq!(cases[1]["impl"], "filemapping-ffi");
        assert_eq!(cases[1]["vs_wine"], 10.0);
        assert_eq!(cases[1]["ops_per_batch"], 24);
        assert_eq!(cases[1]["samples"], 5);
        assert_eq!(cases[2]["median_ns"], Value::Null);
        assert!(cases[2]["error"].is_string());
        assert_eq!(doc["wine"], "wine-8.0");
    }
}
