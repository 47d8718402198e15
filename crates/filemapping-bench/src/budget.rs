//! How much of everything a run does, in each mode: the [`Plan`] of every case, and the groups
//! the cases run in. A group of cases runs interleaved: every implementation of every case in
//! the group takes its turn each round (`scale_open` among 10 and among 100,000 names share
//! rounds, so that their comparison is fair; so do the creation and the closing of one size).

use crate::cases::Case;
use crate::options::Mode;
use crate::runner::Plan;

/// One size of a family of cases, and how it runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BySize {
    /// The size, in bytes.
    pub bytes: usize,
    /// How its cases run.
    pub plan: Plan,
}

/// How much of everything a run does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Budget {
    /// `create_map_close`, `open_map_close`, `map_unmap`, `create_existing`.
    pub lifecycle: Plan,
    /// The sizes of `create_close_*/create` and `create_close_*/close`.
    pub create_close: Vec<BySize>,
    /// Bytes written by the bandwidth cases.
    pub bandwidth_bytes: usize,
    /// `first_touch_bandwidth`.
    pub first_touch: Plan,
    /// `warm_bandwidth`.
    pub warm: Plan,
    /// `first_touch_huge_tmpfs`.
    pub huge: Plan,
    /// The sizes of `read_at_*` and `write_at_*`.
    pub copies: Vec<BySize>,
    /// How many live names `scale_open` opens among (10 first, then more).
    pub scale_names: &'static [usize],
    /// `scale_open`.
    pub scale: Plan,
    /// The process counts of `race_create`.
    pub race_procs: &'static [usize],
    /// How long each worker of `race_create` runs.
    pub race_millis: u64,
    /// `race_create`: one sample per race.
    pub race: Plan,
}

const fn plan(warmup: usize, rounds: usize, batch: usize) -> Plan {
    Plan {
        warmup,
        rounds,
        batch,
    }
}

const fn sized(bytes: usize, plan: Plan) -> BySize {
    BySize { bytes, plan }
}

const KIB: usize = 1 << 10;
const MIB: usize = 1 << 20;

/// The one of `values` that a run in `mode` uses: they are given for the full run (for the docs,
/// 2-3 minutes), the quick one (under a minute) and the smoke one (a handful of iterations of
/// everything, for the tests), in that order.
pub(crate) fn by_mode<T>(mode: Mode, values: [T; 3]) -> T {
    let [full, quick, smoke] = values;
    match mode {
        Mode::Full => full,
        Mode::Quick => quick,
        Mode::Smoke => smoke,
    }
}

/// The sizes of `create_close_*` and their plans, by mode (as [`by_mode`]). 256 MiB: about
/// 80 ms to fallocate and as much to free, per implementation that reserves.
const CREATE_CLOSE: [(usize, [Plan; 3]); 5] = [
    (
        4 * KIB,
        [plan(20, 1000, 4), plan(10, 300, 4), plan(0, 2, 2)],
    ),
    (
        64 * KIB,
        [plan(20, 1000, 4), plan(10, 300, 4), plan(0, 2, 2)],
    ),
    (MIB, [plan(10, 300, 2), plan(5, 100, 2), plan(0, 2, 1)]),
    (16 * MIB, [plan(3, 60, 1), plan(2, 20, 1), plan(0, 1, 1)]),
    (256 * MIB, [plan(2, 15, 1), plan(1, 5, 1), plan(0, 1, 1)]),
];

/// The sizes of `read_at_*` and `write_at_*` and their plans, by mode: batches of 10-100 µs in
/// the full and quick runs, so that the clock is noise.
const COPIES: [(usize, [Plan; 3]); 3] = [
    (
        4 * KIB,
        [plan(20, 1000, 64), plan(10, 300, 64), plan(0, 2, 2)],
    ),
    (
        64 * KIB,
        [plan(20, 1000, 8), plan(10, 300, 8), plan(0, 2, 2)],
    ),
    (MIB, [plan(10, 500, 2), plan(5, 150, 2), plan(0, 2, 1)]),
];

/// The sizes of `table` with their plans in `mode`.
fn sizes(mode: Mode, table: &[(usize, [Plan; 3])]) -> Vec<BySize> {
    let by_size = |&(bytes, plans): &(usize, [Plan; 3])| sized(bytes, by_mode(mode, plans));
    table.iter().map(by_size).collect()
}

impl Budget {
    /// The budget of `mode`: each figure is given for the full, quick and smoke runs, in that
    /// order.
    pub fn for_mode(mode: Mode) -> Budget {
        let scale_names: [&'static [usize]; 3] =
            [&[10, 10_000, 100_000], &[10, 10_000], &[10, 100]];
        Budget {
            lifecycle: by_mode(mode, [plan(50, 5000, 4), plan(20, 1500, 4), plan(1, 3, 2)]),
            create_close: sizes(mode, &CREATE_CLOSE),
            bandwidth_bytes: by_mode(mode, [256 * MIB, 256 * MIB, 4 * MIB]),
            first_touch: by_mode(mode, [plan(2, 15, 1), plan(1, 5, 1), plan(0, 2, 1)]),
            warm: by_mode(mode, [plan(2, 30, 1), plan(1, 10, 1), plan(0, 2, 1)]),
            huge: by_mode(mode, [plan(2, 11, 1), plan(1, 4, 1), plan(0, 2, 1)]),
            copies: sizes(mode, &COPIES),
            scale_names: by_mode(mode, scale_names),
            scale: by_mode(mode, [plan(20, 2000, 8), plan(10, 600, 8), plan(1, 3, 2)]),
            race_procs: &[2, 8, 32],
            race_millis: by_mode(mode, [1000, 200, 20]),
            race: by_mode(mode, [plan(1, 5, 1), plan(0, 2, 1), plan(0, 1, 1)]),
        }
    }

    /// The plan of `case`.
    pub fn plan(&self, case: Case) -> Plan {
        let of_size = |sizes: &[BySize], bytes: usize| {
            let size = sizes.iter().find(|s| s.bytes == bytes);
            size.map_or(self.lifecycle, |s| s.plan)
        };
        match case {
            Case::Create(bytes) | Case::Close(bytes) => of_size(&self.create_close, bytes),
            Case::FirstTouch => self.first_touch,
            Case::Warm => self.warm,
            Case::FirstTouchHuge => self.huge,
            Case::ReadAt(bytes) | Case::WriteAt(bytes) => of_size(&self.copies, bytes),
            Case::ScaleOpen(_) => self.scale,
            Case::Race(_) => self.race,
            _ => self.lifecycle,
        }
    }

    /// Every case, in groups that run interleaved, in the order of the table.
    pub fn groups(&self) -> Vec<Vec<Case>> {
        let alone = |cases: &[Case]| cases.iter().map(|&case| vec![case]).collect::<Vec<_>>();
        let mut groups = alone(&[
            Case::CreateMapClose,
            Case::OpenMapClose,
            Case::MapUnmap,
            Case::CreateExisting,
        ]);
        let sizes = self.create_close.iter();
        groups.extend(sizes.map(|s| vec![Case::Create(s.bytes), Case::Close(s.bytes)]));
        groups.extend(alone(&[Case::FirstTouch, Case::Warm, Case::FirstTouchHuge]));
        let sizes = self.copies.iter();
        groups.extend(sizes.map(|s| vec![Case::ReadAt(s.bytes), Case::WriteAt(s.bytes)]));
        groups.push(
            self.scale_names
                .iter()
                .map(|&n| Case::ScaleOpen(n))
                .collect(),
        );
        groups.extend(self.race_procs.iter().map(|&n| vec![Case::Race(n)]));
        groups
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_open_compares_10_names_with_many_in_one_group() {
        let groups = Budget::for_mode(Mode::Quick).groups();
        let scale = vec![Case::ScaleOpen(10), Case::ScaleOpen(10_000)];
        assert!(groups.contains(&scale));
        assert_eq!(groups.len(), 4 + 5 + 3 + 3 + 1 + 3);
    }

    #[test]
    fn every_size_of_the_task_is_run_and_creation_shares_rounds_with_closing() {
        let groups = Budget::for_mode(Mode::Full).groups();
        for bytes in [4 << 10, 64 << 10, 1 << 20, 16 << 20, 256 << 20] {
            assert!(groups.contains(&vec![Case::Create(bytes), Case::Close(bytes)]));
        }
        for bytes in [4 << 10, 64 << 10, 1 << 20] {
            assert!(groups.contains(&vec![Case::ReadAt(bytes), Case::WriteAt(bytes)]));
        }
        assert!(groups.contains(&vec![Case::FirstTouchHuge]));
    }

    #[test]
    fn big_sizes_run_fewer_rounds_and_every_size_has_its_own_plan() {
        for mode in [Mode::Full, Mode::Quick, Mode::Smoke] {
            let budget = Budget::for_mode(mode);
            let rounds = |bytes| budget.plan(Case::Create(bytes)).rounds;
            assert!(rounds(256 << 20) < rounds(1 << 20), "{mode:?}");
            assert!(rounds(16 << 20) <= rounds(4 << 10), "{mode:?}");
            for size in &budget.create_close {
                assert_eq!(budget.plan(Case::Close(size.bytes)), size.plan);
            }
            for size in &budget.copies {
                assert_eq!(budget.plan(Case::WriteAt(size.bytes)), size.plan);
            }
        }
        let (full, quick) = (Budget::for_mode(Mode::Full), Budget::for_mode(Mode::Quick));
        assert!(full.plan(Case::FirstTouchHuge).rounds > quick.plan(Case::FirstTouchHuge).rounds);
    }
}
