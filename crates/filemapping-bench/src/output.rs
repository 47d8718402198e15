//! The results as a table (Markdown, readable in a terminal and pasteable into the README) and
//! as JSON: `{"cases": [{"case", "impl", "median_ns", "p99_ns", "ratio_to_floor"}, ...]}`, with
//! `"gb_per_s"` for the bandwidth cases and `"na"` (why) or `"error"` where there is no number.

use crate::report::{Outcome, Report, Row};
use serde_json::{json, Map, Value};

const LEGEND: &str = "median, p99: of the time per operation in each timed batch; \
ratio: median / the floor's median (lower is better)";

const HEADER: [&str; 7] = ["case", "impl", "median", "p99", "ratio", "GB/s", "note"];

/// The table, with a line on the machine and the run above it.
pub fn table(report: &Report) -> String {
    let cells: Vec<[String; 7]> = report.rows.iter().map(cells).collect();
    let mut out = format!(
        "filemapping-bench ({} run) on {}\n{}\n",
        report.mode.label(),
        report.machine,
        LEGEND
    );
    if let Some(note) = report.mode.note() {
        out += &format!("{note}\n");
    }
    out += "\n";
    out += &markdown(&HEADER, &cells);
    out
}

/// A Markdown table of `rows` under `header`, every column padded to its widest cell.
pub fn markdown<const N: usize>(header: &[&str; N], rows: &[[String; N]]) -> String {
    let mut widths = header.map(str::len);
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = line(&header.map(String::from), &widths);
    out += &line(&widths.map(|w| "-".repeat(w)), &widths);
    for row in rows {
        out += &line(row, &widths);
    }
    out
}

fn line<const N: usize>(cells: &[String; N], widths: &[usize; N]) -> String {
    let padded: Vec<String> = cells
        .iter()
        .zip(widths)
        .map(|(cell, &w)| format!("{cell}{}", " ".repeat(w - cell.chars().count())))
        .collect();
    format!("| {} |\n", padded.join(" | ").trim_end())
}

fn cells(row: &Row) -> [String; 7] {
    let (median, p99, ratio, gb, note) = match &row.outcome {
        Outcome::Measured { summary, ratio } => (
            duration(summary.median_ns),
            duration(summary.p99_ns),
            ratio.map_or(String::new(), |r| format!("{r:.2}x")),
            row.gb_per_s().map_or(String::new(), |g| format!("{g:.2}")),
            String::new(),
        ),
        Outcome::Unavailable(why) => na("n/a", why),
        Outcome::Failed(why) => na("error", why),
    };
    let case = row.case.clone();
    [case, row.peer.label().into(), median, p99, ratio, gb, note]
}

fn na(what: &str, why: &str) -> (String, String, String, String, String) {
    let empty = String::new;
    (what.into(), empty(), empty(), empty(), why.into())
}

/// `ns` nanoseconds in the unit that suits them.
pub fn duration(ns: f64) -> String {
    match ns {
        _ if ns < 1e3 => format!("{ns:.0} ns"),
        _ if ns < 1e6 => format!("{:.1} µs", ns / 1e3),
        _ if ns < 1e9 => format!("{:.1} ms", ns / 1e6),
        _ => format!("{:.2} s", ns / 1e9),
    }
}

/// The JSON document.
pub fn json(report: &Report) -> Value {
    let cases: Vec<Value> = report.rows.iter().map(json_row).collect();
    let note = report.mode.note();
    json!({ "mode": report.mode.label(), "note": note, "machine": report.machine, "cases": cases })
}

fn json_row(row: &Row) -> Value {
    let mut object = json_fields(row, row.peer.label());
    object.insert("ratio_to_floor".into(), json!(row.ratio()));
    if row.bytes.is_some() {
        object.insert("gb_per_s".into(), json!(row.gb_per_s()));
    }
    json_outcome(&mut object, row);
    Value::Object(object)
}

/// The fields every JSON row starts with: the case, the implementation's `label`, the median
/// and the p99.
pub fn json_fields<P>(row: &Row<P>, label: &str) -> Map<String, Value> {
    let mut object = Map::new();
    object.insert("case".into(), json!(row.case));
    object.insert("impl".into(), json!(label));
    let summary = row.summary();
    object.insert("median_ns".into(), json!(summary.map(|s| s.median_ns)));
    object.insert("p99_ns".into(), json!(summary.map(|s| s.p99_ns)));
    object
}

/// What came of the row: its number of samples, or why it has none.
pub fn json_outcome<P>(object: &mut Map<String, Value>, row: &Row<P>) {
    match &row.outcome {
        Outcome::Measured { summary, .. } => {
            object.insert("samples".into(), json!(summary.samples))
        }
        Outcome::Unavailable(why) => object.insert("na".into(), json!(why)),
        Outcome::Failed(why) => object.insert("error".into(), json!(why)),
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::Mode;
    use crate::peers::id::PeerId;
    use crate::stats::Summary;

    fn report() -> Report {
        let summary = Summary {
            median_ns: 268_435_456.0,
            p99_ns: 300e6,
            samples: 3,
        };
        let rows = vec![
            Row {
                case: "first_touch_bandwidth".into(),
                peer: PeerId::Floor,
                outcome: Outcome::Measured {
                    summary,
                    ratio: Some(1.0),
                },
                bytes: Some(256 << 20),
            },
            Row {
                case: "map_unmap".into(),
                peer: PeerId::SharedMemory,
                outcome: Outcome::Unavailable("no views".into()),
                bytes: None,
            },
        ];
        Report {
            mode: Mode::Smoke,
            machine: "a box".into(),
            rows,
        }
    }

    #[test]
    fn json_has_the_issue_s_shape() {
        let doc = json(&report());
        let cases = doc["cases"].as_array().unwrap();
        assert_eq!(cases[0]["impl"], "floor");
        assert_eq!(cases[0]["ratio_to_floor"], 1.0);
        assert_eq!(cases[0]["gb_per_s"], 1.0);
        assert_eq!(cases[1]["median_ns"], Value::Null);
        assert_eq!(cases[1]["na"], "no views");
        assert!(cases[1].get("gb_per_s").is_none());
    }

    #[test]
    fn the_table_is_markdown_with_units() {
        let table = table(&report());
        assert!(table.contains("| first_touch_bandwidth | floor"));
        assert!(table.contains("268.4 ms"));
        assert!(table.contains("| n/a "));
        assert!(table.contains("no views |"));
        assert_eq!(duration(812.0), "812 ns");
        assert_eq!(duration(18_260.0), "18.3 µs");
    }
}
