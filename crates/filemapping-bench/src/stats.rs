//! The statistics of a case: median, p99, and the ratio to the floor.
//!
//! Samples are nanoseconds per operation, one per timed batch. Percentiles use the nearest-rank
//! definition, so a p99 is always one of the samples; the median of an even count is the mean
//! of the two middle samples.

/// The median and the 99th percentile of one implementation's samples in one case.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    /// The median, in nanoseconds per operation.
    pub median_ns: f64,
    /// The 99th percentile (nearest rank), in nanoseconds per operation.
    pub p99_ns: f64,
    /// How many samples (timed batches) there were.
    pub samples: usize,
}

/// The summary of `samples`, or `None` if there are none.
pub fn summarize(samples: &[f64]) -> Option<Summary> {
    Some(Summary {
        median_ns: median(samples)?,
        p99_ns: percentile(samples, 99.0)?,
        samples: samples.len(),
    })
}

/// The median: the middle sample, or the mean of the two middle ones. `None` if empty.
pub fn median(samples: &[f64]) -> Option<f64> {
    let sorted = sorted(samples);
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

/// The `p`th percentile (0 < p <= 100) by nearest rank: the smallest sample that at least `p`
/// percent of the samples do not exceed. `None` if empty.
pub fn percentile(samples: &[f64], p: f64) -> Option<f64> {
    let sorted = sorted(samples);
    if sorted.is_empty() {
        return None;
    }
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

/// How many times the floor's time `value` is: `value / floor`. `None` when the floor is not a
/// positive, finite time.
pub fn ratio(value: f64, floor: f64) -> Option<f64> {
    (floor.is_finite() && floor > 0.0 && value.is_finite()).then(|| value / floor)
}

/// Gigabytes (10^9 bytes) per second for `bytes` moved in `ns` nanoseconds.
pub fn gb_per_s(bytes: u64, ns: f64) -> f64 {
    bytes as f64 / ns
}

fn sorted(samples: &[f64]) -> Vec<f64> {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[5.0]), Some(5.0));
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
    }

    #[test]
    fn p99_is_the_nearest_rank() {
        let hundred: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&hundred, 99.0), Some(99.0));
        assert_eq!(percentile(&hundred, 100.0), Some(100.0));
        let thousand: Vec<f64> = (1..=1000).rev().map(f64::from).collect();
        assert_eq!(percentile(&thousand, 99.0), Some(990.0));
        assert_eq!(percentile(&[7.0, 1.0], 99.0), Some(7.0));
        assert_eq!(percentile(&[7.0], 99.0), Some(7.0));
        assert_eq!(percentile(&[], 99.0), None);
    }

    #[test]
    fn summary_holds_median_p99_and_count() {
        let s = summarize(&[10.0, 30.0, 20.0]).unwrap();
        assert_eq!((s.median_ns, s.p99_ns, s.samples), (20.0, 30.0, 3));
        assert_eq!(summarize(&[]), None);
    }

    #[test]
    fn ratio_to_the_floor() {
        assert_eq!(ratio(30.0, 20.0), Some(1.5));
        assert_eq!(ratio(20.0, 20.0), Some(1.0));
        assert_eq!(ratio(1.0, 0.0), None);
        assert_eq!(ratio(1.0, f64::NAN), None);
        assert_eq!(ratio(f64::INFINITY, 1.0), None);
    }

    #[test]
    fn bandwidth_in_gb_per_s() {
        assert_eq!(gb_per_s(1_000_000_000, 1e9), 1.0);
        assert_eq!(gb_per_s(256 << 20, 268_435_456.0 / 2.0), 2.0);
    }
}
