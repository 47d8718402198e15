//! The results: one row per case and implementation, measured, unavailable (with why) or
//! failed (with why), and each measured row's ratio to the floor of its case.

use crate::options::Mode;
use crate::peers::id::PeerId;
use crate::runner::{Contender, Entry};
use crate::stats::{self, Summary};
use std::collections::HashMap;

/// A whole run.
#[derive(Clone, Debug)]
pub struct Report {
    /// How much it did.
    pub mode: Mode,
    /// The machine it ran on, in one line.
    pub machine: String,
    /// Every case and implementation.
    pub rows: Vec<Row>,
}

/// One implementation in one case; `P` names the implementation (see [`Contender`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Row<P = PeerId> {
    /// The case's name.
    pub case: String,
    /// The implementation.
    pub peer: P,
    /// What came of it.
    pub outcome: Outcome,
    /// Bytes moved per operation, for the bandwidth cases.
    pub bytes: Option<u64>,
}

/// What came of one implementation in one case.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// Measured: the summary, and the ratio of its median to the floor's.
    Measured {
        /// Median and p99.
        summary: Summary,
        /// `median / floor median`, once known.
        ratio: Option<f64>,
    },
    /// The implementation cannot do the case.
    Unavailable(String),
    /// It failed.
    Failed(String),
}

impl<P> Row<P> {
    /// The summary, if measured.
    pub fn summary(&self) -> Option<&Summary> {
        match &self.outcome {
            Outcome::Measured { summary, .. } => Some(summary),
            _ => None,
        }
    }

    /// The ratio to the floor, if measured and the floor was too.
    pub fn ratio(&self) -> Option<f64> {
        match self.outcome {
            Outcome::Measured { ratio, .. } => ratio,
            _ => None,
        }
    }

    /// GB/s for the bandwidth cases.
    pub fn gb_per_s(&self) -> Option<f64> {
        Some(stats::gb_per_s(self.bytes?, self.summary()?.median_ns))
    }
}

/// The row of a contender that has run; `bytes` for a bandwidth case.
pub fn row<P>(contender: Contender<P>, bytes: Option<u64>) -> Row<P> {
    let outcome = match contender.entry {
        Entry::Unavailable(why) => Outcome::Unavailable(why),
        Entry::Failed(why) => Outcome::Failed(why),
        Entry::Ready(_) => match stats::summarize(&contender.samples) {
            Some(summary) => Outcome::Measured {
                summary,
                ratio: None,
            },
            None => Outcome::Failed("no samples".into()),
        },
    };
    Row {
        case: contender.case,
        peer: contender.peer,
        outcome,
        bytes,
    }
}

/// Sets every measured row's ratio to the floor's median of the same case.
pub fn fill_ratios(rows: &mut [Row]) {
    let floors: HashMap<String, f64> = rows
        .iter()
        .filter(|row| row.peer == PeerId::Floor)
        .filter_map(|row| Some((row.case.clone(), row.summary()?.median_ns)))
        .collect();
    for row in rows {
        let floor = floors.get(&row.case).copied();
        if let Outcome::Measured { summary, ratio } = &mut row.outcome {
            *ratio = floor.and_then(|f| stats::ratio(summary.median_ns, f));
        }
    }
}

/// The machine in one line: CPUs, CPU model, kernel.
pub fn machine() -> String {
    let cpus = std::thread::available_parallelism().map_or(0, usize::from);
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")?
                .split_once(':')
                .map(|(_, m)| m.trim())
        })
        .unwrap_or("unknown CPU")
        .to_owned();
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    format!("{cpus} CPUs, {model}, Linux {}", kernel.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measured(case: &str, peer: PeerId, median_ns: f64) -> Row {
        let summary = Summary {
            median_ns,
            p99_ns: median_ns * 2.0,
            samples: 1,
        };
        Row {
            case: case.into(),
            peer,
            outcome: Outcome::Measured {
                summary,
                ratio: None,
            },
            bytes: Some(40),
        }
    }

    #[test]
    fn ratios_are_taken_against_the_floor_of_the_same_case() {
        let mut rows = vec![
            measured("a", PeerId::Ours, 30.0),
            measured("a", PeerId::Floor, 20.0),
            measured("b", PeerId::Ours, 5.0),
            Row {
                outcome: Outcome::Unavailable("no".into()),
                ..measured("a", PeerId::Memmap2, 1.0)
            },
        ];
        fill_ratios(&mut rows);
        assert_eq!(rows[0].ratio(), Some(1.5));
        assert_eq!(rows[1].ratio(), Some(1.0));
        assert_eq!(rows[2].ratio(), None, "case b has no floor");
        assert_eq!(rows[3].ratio(), None);
        assert_eq!(rows[1].gb_per_s(), Some(2.0), "40 bytes in 20 ns");
    }
}
