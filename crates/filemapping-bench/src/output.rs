//! The results as a table (Markdown, readable in a terminal and pasteable into the docs), with
//! the headline ratios after it in a short table of their own, and as JSON: `{"cases": [{"case", "impl", "median_ns", "p99_ns", "ratio_to_floor"}, ...]}`, with
//! `"gb_per_s"` for the bandwidth cases and `"na"` (why) or `"error"` where there is no number.

use crate::peers::id::PeerId;
use crate::report::{Outcome, Report, Row};
use serde_json::{json, Map, Value};

/// The cases of the short table of ratios ([`summary`]), in its order.
pub const HEADLINE: [&str; 12] = [
    "create_map_close",
    "open_map_close",
    "create_close_256m/create",
    "create_close_256m/close",
    "first_touch_bandwidth",
    "first_touch_huge_tmpfs",
    "warm_bandwidth",
    "read_at_4k",
    "read_at_1m",
    "write_at_1m",
    "scale_open_100000",
    "race_create_8",
];

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
    if let Some(summary) = summary(&report.rows) {
        out += "\nThe headline ratios to the floor (time; lower is better):\n\n";
        out += &summary;
    }
    out
}

/// The short table: one line per headline case that was run ([`HEADLINE`]), one column per
/// implementation with a ratio in any of them, each cell its ratio to the floor (or `n/a`,
/// `error`, `skipped`); `None` if no headline case was run beside its floor.
pub fn summary(rows: &[Row]) -> Option<String> {
    let headline: Vec<&str> = HEADLINE
        .into_iter()
        .filter(|case| rows.iter().any(|row| row.case == *case))
        .collect();
    let in_headline = |row: &&Row| headline.contains(&row.case.as_str());
    let peers: Vec<PeerId> = PeerId::ALL
        .into_iter()
        .filter(|&peer| peer != PeerId::Floor)
        .filter(|&peer| rows.iter().filter(in_headline).any(|row| row.peer == peer))
        .collect();
    if headline.is_empty() || peers.is_empty() {
        return None;
    }
    let header: Vec<String> = ["case".to_owned()]
        .into_iter()
        .chain(peers.iter().map(|peer| peer.label().to_owned()))
        .collect();
    let lines: Vec<Vec<String>> = headline
        .iter()
        .map(|&case| {
            let cell = |&peer: &PeerId| {
                let row = rows.iter().find(|row| row.case == case && row.peer == peer);
                row.map_or(String::new(), summary_cell)
            };
            [case.to_owned()]
                .into_iter()
                .chain(peers.iter().map(cell))
                .collect()
        })
        .collect();
    Some(markdown_rows(&header, &lines))
}

fn summary_cell(row: &Row) -> String {
    match &row.outcome {
        Outcome::Measured { ratio, .. } => ratio.map_or(String::new(), |r| format!("{r:.2}x")),
        Outcome::Unavailable(why) if why.starts_with("skipped") => "skipped".into(),
        Outcome::Unavailable(_) => "n/a".into(),
        Outcome::Failed(_) => "error".into(),
    }
}

/// A Markdown table of `rows` under `header`, every column padded to its widest cell.
pub fn markdown<const N: usize>(header: &[&str; N], rows: &[[String; N]]) -> String {
    let rows: Vec<Vec<String>> = rows.iter().map(|row| row.to_vec()).collect();
    markdown_rows(&header.map(String::from), &rows)
}

/// [`markdown`], for rows whose length is known at run time (each as long as `header`).
pub fn markdown_rows(header: &[String], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = line(header, &widths);
    let rules: Vec<String> = widths.iter().map(|&w| "-".repeat(w)).collect();
    out += &line(&rules, &widths);
    for row in rows {
        out += &line(row, &widths);
    }
    out
}

fn line(cells: &[String], widths: &[usize]) -> String {
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
    fn the_summary_has_a_column_per_implementation_and_a_line_per_headline_case() {
        let mut rows = report().rows;
        rows.push(Row {
            case: "first_touch_huge_tmpfs".into(),
            peer: PeerId::Ours,
            outcome: Outcome::Unavailable("skipped: needs root".into()),
            bytes: None,
        });
        let ratio = |case: &str, peer, ratio| Row {
            outcome: Outcome::Measured {
                summary: Summary {
                    median_ns: 1.0,
                    p99_ns: 1.0,
                    samples: 1,
                },
                ratio: Some(ratio),
            },
            case: case.into(),
            peer,
            bytes: None,
        };
        rows.push(ratio("create_map_close", PeerId::FloorFallocate, 1.5));
        rows.push(ratio("create_map_close", PeerId::Ours, 2.25));
        rows.push(ratio("map_unmap", PeerId::Ours, 9.0));
        let text = summary(&rows).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 5, "{text}");
        assert!(lines[0].starts_with("| case") && lines[0].contains("| floor+fallocate |"));
        assert!(!lines[0].contains("| floor |") && !lines[0].contains("shared_memory"));
        assert!(lines[2].starts_with("| create_map_close ") && lines[2].contains("| 2.25x"));
        assert!(lines[3].starts_with("| first_touch_bandwidth"));
        assert!(lines[4].contains("| skipped"), "{text}");
        assert!(!text.contains("9.00x"), "map_unmap is not a headline case");
        assert_eq!(summary(&report().rows[1..]), None);
    }

    #[test]
    fn the_table_is_markdown_with_units() {
        let table = table(&report());
        assert!(table.contains("| first_touch_bandwidth | floor"));
        assert!(table.contains("268.4 ms"));
        assert!(table.contains("| n/a "));
        assert!(table.contains("no views |"));
        assert!(!table.contains("headline"), "no headline case was run");
        assert_eq!(duration(812.0), "812 ns");
        assert_eq!(duration(18_260.0), "18.3 µs");
    }
}
