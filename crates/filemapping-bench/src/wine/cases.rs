//! What the `--wine` run measures: its implementations (the same C program built four ways),
//! its cases (the worker's names for them) and how many batches of how many operations each
//! mode runs.

use crate::options::Mode;
use crate::runner::Plan;

/// One build of `c/win32_worker.c`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Impl {
    /// Built with mingw against the real `<windows.h>`, run under Wine: the reference.
    Wine,
    /// Built with `cc` against our `filemapping.h`, linked with `libfilemapping_ffi.so`.
    Ffi,
    /// `-DFLOOR`: raw POSIX syscalls (`shm_open`, `ftruncate`, `mmap`, ...), no semantics.
    Floor,
    /// `-DFLOOR -DFALLOCATE`: the floor reserving its pages with `fallocate`, as our library
    /// does for `SEC_COMMIT` sections.
    FloorFallocate,
}

impl Impl {
    /// Every implementation, in the order of the table.
    pub const ALL: [Impl; 4] = [Impl::Wine, Impl::Ffi, Impl::Floor, Impl::FloorFallocate];

    /// The name in the table and the JSON (`"impl"`).
    pub fn label(self) -> &'static str {
        match self {
            Impl::Wine => "wine",
            Impl::Ffi => "filemapping-ffi",
            Impl::Floor => "floor",
            Impl::FloorFallocate => "floor+fallocate",
        }
    }

    /// The `-D` flags of its build.
    pub fn defines(self) -> &'static [&'static str] {
        match self {
            Impl::Wine | Impl::Ffi => &[],
            Impl::Floor => &["-DFLOOR"],
            Impl::FloorFallocate => &["-DFLOOR", "-DFALLOCATE"],
        }
    }

    /// Whether its error codes are `errno` values (else Win32 `GetLastError` codes).
    pub fn reports_errno(self) -> bool {
        matches!(self, Impl::Floor | Impl::FloorFallocate)
    }
}

/// One case, as the worker names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WineCase {
    /// Create a new named 64 KiB section, map it, write a byte, unmap, close.
    CreateMapClose,
    /// Open the worker's live 64 KiB section by name, map it, write a byte, unmap, close.
    OpenMapClose,
    /// `CreateMapClose` with a 4096-byte section: the fixed cost without 16 pages to reserve.
    CreateMapClose4k,
}

impl WineCase {
    /// Every case, in the order of the table.
    pub const ALL: [WineCase; 3] = [
        WineCase::CreateMapClose,
        WineCase::OpenMapClose,
        WineCase::CreateMapClose4k,
    ];

    /// The name in the protocol, the table and the JSON.
    pub fn name(self) -> &'static str {
        match self {
            WineCase::CreateMapClose => "create_map_close",
            WineCase::OpenMapClose => "open_map_close",
            WineCase::CreateMapClose4k => "create_map_close_4k",
        }
    }

    /// Operations per batch in a full or quick run: 3-4 ms of Wine (about 150 µs per
    /// create+map+close, of 64 KiB or of 4 KiB, and 90 µs per open+map+close on the 2-core
    /// machine of the README), so that the clock and the pipe round trip are noise.
    fn batch(self) -> usize {
        match self {
            WineCase::CreateMapClose | WineCase::CreateMapClose4k => 24,
            WineCase::OpenMapClose => 40,
        }
    }

    /// How `mode` runs this case.
    pub fn plan(self, mode: Mode) -> Plan {
        let (warmup, rounds, batch) = match mode {
            Mode::Full => (20, 1000, self.batch()),
            Mode::Quick => (5, 200, self.batch()),
            Mode::Smoke => (1, 3, 2),
        };
        Plan {
            warmup,
            rounds,
            batch,
        }
    }
}

/// What the reader of a run in `mode` should know, if anything.
pub fn note(mode: Mode) -> Option<&'static str> {
    match mode {
        Mode::Full => None,
        Mode::Quick => Some("quick run: 200 rounds instead of 1000"),
        Mode::Smoke => Mode::Smoke.note(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_builds_differ() {
        let labels: Vec<&str> = Impl::ALL.iter().map(|i| i.label()).collect();
        assert_eq!(
            labels,
            ["wine", "filemapping-ffi", "floor", "floor+fallocate"]
        );
        assert!(Impl::FloorFallocate.defines().contains(&"-DFALLOCATE"));
        assert!(Impl::Floor.reports_errno() && !Impl::Wine.reports_errno());
    }

    #[test]
    fn smoke_runs_a_handful_and_full_runs_more_than_quick() {
        for case in WineCase::ALL {
            let smoke = case.plan(Mode::Smoke);
            assert!(smoke.rounds * smoke.batch <= 10);
            assert!(case.plan(Mode::Full).rounds > case.plan(Mode::Quick).rounds);
        }
    }
}
