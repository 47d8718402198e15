//! The ratios to the floor as an SVG bar chart (plotters, SVG backend): one bar per measured
//! case and implementation, on a log scale, with the floor at 1 and the targets marked.

use crate::error::{BenchError, Result};
use crate::peers::id::PeerId;
use crate::report::{Report, Row};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::Path;

/// The project's targets, as ratios to the floor (time; 0.5 is "twice the bandwidth", 1.25
/// is "0.8x the bandwidth").
pub const TARGETS: [(&str, f64); 4] = [
    ("create_map_close", 1.5),
    ("open_map_close", 1.3),
    ("first_touch_bandwidth", 0.5),
    ("first_touch_huge_tmpfs", 1.25),
];

/// One bar.
struct Bar {
    case: String,
    peer: PeerId,
    ratio: f64,
}

const ROW_PX: u32 = 22;
const LABEL_PX: u32 = 300;

/// Writes the chart of `report`'s ratios to `path`.
///
/// # Errors
///
/// If there is nothing to plot or the file cannot be written.
pub fn write_svg(report: &Report, path: &Path) -> Result<()> {
    let bars = bars(&report.rows);
    if bars.is_empty() {
        return Err(BenchError::new("no ratios to plot"));
    }
    let height = 130 + ROW_PX * bars.len() as u32;
    let root = SVGBackend::new(path, (1000, height)).into_drawing_area();
    root.fill(&WHITE).map_err(plot_error)?;
    draw(&root, &bars, report).map_err(plot_error)?;
    root.present().map_err(plot_error)
}

fn plot_error(e: impl std::fmt::Display) -> BenchError {
    BenchError::new(format!("plot: {e}"))
}

fn bars(rows: &[Row]) -> Vec<Bar> {
    rows.iter()
        .filter(|row| row.peer != PeerId::Floor)
        .filter_map(|row| {
            Some(Bar {
                case: row.case.clone(),
                peer: row.peer,
                ratio: row.ratio()?,
            })
        })
        .collect()
}

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;
type DrawResult = std::result::Result<(), DrawingAreaErrorKind<std::io::Error>>;

fn draw(root: &Area<'_>, bars: &[Bar], report: &Report) -> DrawResult {
    let (lo, hi) = x_range(bars);
    let rows = bars.len() as f64;
    let caption = format!(
        "filemapping-bench ({} run): time / the floor's time",
        report.mode.label()
    );
    let mut chart = ChartBuilder::on(root)
        .caption(caption, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(LABEL_PX)
        .build_cartesian_2d((lo..hi).log_scale(), 0.0..rows)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(1)
        .y_label_formatter(&|_| String::new())
        .x_desc("ratio to the floor, log scale (1 = floor; lower is better; red: the targets)")
        .draw()?;
    for (i, bar) in bars.iter().enumerate() {
        draw_bar(root, &mut chart, bar, rows - 1.0 - i as f64, lo)?;
    }
    chart.draw_series([PathElement::new(
        vec![(1.0, 0.0), (1.0, rows)],
        BLACK.stroke_width(2),
    )])?;
    draw_targets(&mut chart, bars)
}

type Chart<'a, 'b> = ChartContext<
    'a,
    SVGBackend<'b>,
    Cartesian2d<
        plotters::coord::combinators::LogCoord<f64>,
        plotters::coord::types::RangedCoordf64,
    >,
>;

/// One bar at height `y`, with its value at its end and its label left of the axis.
fn draw_bar(root: &Area<'_>, chart: &mut Chart<'_, '_>, bar: &Bar, y: f64, lo: f64) -> DrawResult {
    let bar_box = [(lo, y + 0.15), (bar.ratio, y + 0.85)];
    chart.draw_series([Rectangle::new(bar_box, colour(bar.peer).filled())])?;
    let font = ("sans-serif", 12).into_font().color(&BLACK);
    let value = format!(" {:.2}x", bar.ratio);
    let at_end = font.pos(Pos::new(HPos::Left, VPos::Center));
    chart.draw_series([Text::new(value, (bar.ratio, y + 0.5), at_end)])?;
    let (px, py) = chart.backend_coord(&(lo, y + 0.5));
    let label = format!("{}  {}", bar.case, bar.peer.label());
    let left_of_axis = font.pos(Pos::new(HPos::Right, VPos::Center));
    root.draw(&Text::new(label, (px - 6, py), left_of_axis))
}

/// A red line at each target, across the bars of its case.
fn draw_targets(chart: &mut Chart<'_, '_>, bars: &[Bar]) -> DrawResult {
    let rows = bars.len() as f64;
    for (case, target) in TARGETS {
        let ys: Vec<f64> = bars
            .iter()
            .enumerate()
            .filter(|(_, bar)| bar.case == case)
            .map(|(i, _)| rows - 1.0 - i as f64)
            .collect();
        let (Some(low), Some(high)) = (ys.iter().copied().reduce(f64::min), ys.first()) else {
            continue;
        };
        let line = vec![(target, low), (target, high + 1.0)];
        chart.draw_series([PathElement::new(line, RED.stroke_width(3))])?;
    }
    Ok(())
}

/// A log-scale range around every ratio, 1 and the targets.
fn x_range(bars: &[Bar]) -> (f64, f64) {
    let ratios = bars
        .iter()
        .map(|b| b.ratio)
        .chain(TARGETS.map(|t| t.1))
        .chain([1.0]);
    let (lo, hi) = ratios.fold((f64::MAX, f64::MIN), |(lo, hi), r| (lo.min(r), hi.max(r)));
    (lo / 1.5, hi * 2.0)
}

fn colour(peer: PeerId) -> RGBColor {
    match peer {
        PeerId::Floor => RGBColor(90, 90, 90),
        PeerId::FloorFallocate => RGBColor(150, 150, 150),
        PeerId::Ours => RGBColor(31, 119, 180),
        PeerId::OursReserve => RGBColor(148, 103, 189),
        PeerId::OursPtr => RGBColor(140, 86, 75),
        PeerId::Ffi => RGBColor(23, 190, 207),
        PeerId::SharedMemory => RGBColor(255, 127, 14),
        PeerId::Memmap2 => RGBColor(44, 160, 44),
    }
}
