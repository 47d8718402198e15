//! The cases: what each one does (made of the operations of [`crate::ops`], written once over
//! [`Shm`]), and how long each runs in each mode. A group of cases runs interleaved: every implementation of every case in the group
//! takes its turn each round (`scale_open` among 10 and among 100,000 names share rounds, so
//! that their comparison is fair).

use crate::args::WorkerArgs;
use crate::error::Result;
use crate::holders;
use crate::ops::{
    create_map_close, create_or_open_close, first_touch, held, map_unmap, open_close,
    open_map_close,
};
use crate::options::Mode;
use crate::peers::id::PeerId;
use crate::peers::shm::{Need, Shm};
use crate::peers::{with_peer, PeerFn};
use crate::race;
use crate::report::{self, Row};
use crate::runner::{interleave, time_batch, time_before_drop, Contender, Entry, Plan, Workload};
use crate::workspace::{Name, Workspace};
use std::any::Any;
use std::cell::OnceCell;
use std::path::PathBuf;
use std::rc::Rc;

/// The size of each of the many sections of `scale_open`.
pub const SCALE_SECTION: usize = 4096;
/// One case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Case {
    /// Create a named 64 KiB section, map it, touch one byte, unmap, close.
    CreateMapClose,
    /// Open a live section by name, map it, read one byte, unmap, close.
    OpenMapClose,
    /// Map and unmap a view of a held section.
    MapUnmap,
    /// Create-or-open on a live name: the "already exists" path.
    CreateExisting,
    /// Create a fresh section, map it and write it whole (the bandwidth size).
    FirstTouch,
    /// Write the same, already touched section again.
    Warm,
    /// Open+close one of this many live names, picked at random.
    ScaleOpen(usize),
    /// This many processes create-or-open (and close) one name at once.
    Race(usize),
}

impl Case {
    /// The name in the table and the JSON.
    pub fn name(self) -> String {
        match self {
            Case::CreateMapClose => "create_map_close".into(),
            Case::OpenMapClose => "open_map_close".into(),
            Case::MapUnmap => "map_unmap".into(),
            Case::CreateExisting => "create_existing".into(),
            Case::FirstTouch => "first_touch_bandwidth".into(),
            Case::Warm => "warm_bandwidth".into(),
            Case::ScaleOpen(names) => format!("scale_open_{names}"),
            Case::Race(procs) => format!("race_create_{procs}"),
        }
    }

    /// What an implementation must have to do the case.
    pub fn needs(self) -> Option<Need> {
        match self {
            Case::MapUnmap => Some(Need::SeparateViews),
            Case::CreateExisting | Case::ScaleOpen(_) | Case::Race(_) => Some(Need::NamesOnly),
            _ => None,
        }
    }

    /// Whether it moves bytes (and so reports GB/s).
    pub fn is_bandwidth(self) -> bool {
        matches!(self, Case::FirstTouch | Case::Warm)
    }
}

/// How much of everything a run does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Budget {
    /// `create_map_close`, `open_map_close`, `map_unmap`, `create_existing`.
    pub lifecycle: Plan,
    /// Bytes written by the bandwidth cases.
    pub bandwidth_bytes: usize,
    /// `first_touch_bandwidth`.
    pub first_touch: Plan,
    /// `warm_bandwidth`.
    pub warm: Plan,
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

/// The full run, for the README (a few minutes).
const FULL: Budget = Budget {
    lifecycle: plan(50, 5000, 4),
    bandwidth_bytes: 256 << 20,
    first_touch: plan(2, 15, 1),
    warm: plan(2, 30, 1),
    scale_names: &[10, 10_000, 100_000],
    scale: plan(20, 2000, 8),
    race_procs: &[2, 8, 32],
    race_millis: 1000,
    race: plan(1, 5, 1),
};

/// Under a minute.
const QUICK: Budget = Budget {
    lifecycle: plan(20, 1500, 4),
    first_touch: plan(1, 5, 1),
    warm: plan(1, 10, 1),
    scale_names: &[10, 10_000],
    scale: plan(10, 600, 8),
    race_millis: 200,
    race: plan(0, 2, 1),
    ..FULL
};

/// A handful of iterations of everything, for the tests.
const SMOKE: Budget = Budget {
    lifecycle: plan(1, 3, 2),
    bandwidth_bytes: 4 << 20,
    first_touch: plan(0, 2, 1),
    warm: plan(0, 2, 1),
    scale_names: &[10, 100],
    scale: plan(1, 3, 2),
    race_millis: 20,
    race: plan(0, 1, 1),
    ..FULL
};

impl Budget {
    /// The budget of `mode`.
    pub fn for_mode(mode: Mode) -> Budget {
        match mode {
            Mode::Full => FULL,
            Mode::Quick => QUICK,
            Mode::Smoke => SMOKE,
        }
    }

    /// The plan of `case`.
    pub fn plan(&self, case: Case) -> Plan {
        match case {
            Case::FirstTouch => self.first_touch,
            Case::Warm => self.warm,
            Case::ScaleOpen(_) => self.scale,
            Case::Race(_) => self.race,
            _ => self.lifecycle,
        }
    }

    /// Every case, in groups that run interleaved.
    pub fn groups(&self) -> Vec<Vec<Case>> {
        let mut groups: Vec<Vec<Case>> = [
            Case::CreateMapClose,
            Case::OpenMapClose,
            Case::MapUnmap,
            Case::CreateExisting,
            Case::FirstTouch,
            Case::Warm,
        ]
        .into_iter()
        .map(|case| vec![case])
        .collect();
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

/// What the cases share in one run.
pub struct Ctx<'w> {
    /// How much to do.
    pub budget: Budget,
    /// Where names live.
    pub workspace: &'w Workspace,
    /// This binary, started again as the `race_create` workers.
    pub exe: PathBuf,
    source: OnceCell<Rc<Vec<u8>>>,
}

impl<'w> Ctx<'w> {
    /// A run's context.
    pub fn new(budget: Budget, workspace: &'w Workspace, exe: PathBuf) -> Ctx<'w> {
        Ctx {
            budget,
            workspace,
            exe,
            source: OnceCell::new(),
        }
    }

    /// The bandwidth cases' data: a private, already touched buffer.
    fn source(&self) -> Rc<Vec<u8>> {
        let bytes = self.budget.bandwidth_bytes;
        Rc::clone(self.source.get_or_init(|| Rc::new(vec![0xA5; bytes])))
    }
}

/// Runs one group of cases, every implementation interleaved, and returns a row for each.
pub fn run_group(cases: &[Case], ctx: &Ctx<'_>) -> Vec<Row> {
    let mut contenders = Vec::new();
    for &case in cases {
        for peer in PeerId::ALL {
            let entry = with_peer(peer, ctx.workspace.root(), Prepare { case, ctx });
            contenders.push((case, Contender::new(case.name(), peer, entry)));
        }
    }
    let plan = ctx.budget.plan(cases[0]);
    let (kinds, mut contenders): (Vec<Case>, Vec<Contender>) = contenders.into_iter().unzip();
    interleave(&mut contenders, &plan);
    let bytes = ctx.budget.bandwidth_bytes as u64;
    kinds
        .into_iter()
        .zip(contenders)
        .map(|(case, c)| report::row(c, case.is_bandwidth().then_some(bytes)))
        .collect()
}

/// Sets one implementation up for one case.
struct Prepare<'c, 'w> {
    case: Case,
    ctx: &'c Ctx<'w>,
}

impl PeerFn for Prepare<'_, '_> {
    type Out = Entry;

    fn call<S: Shm>(self, id: PeerId, shm: S) -> Entry {
        if let Some(why) = self.case.needs().and_then(|need| shm.lacks(need)) {
            return Entry::Unavailable(why.to_owned());
        }
        match workload(shm, id, self.case, self.ctx) {
            Ok(workload) => Entry::Ready(workload),
            Err(e) => Entry::Failed(e.0),
        }
    }
}

fn workload<S: Shm>(shm: S, id: PeerId, case: Case, ctx: &Ctx<'_>) -> Result<Box<dyn Workload>> {
    let name = ctx
        .workspace
        .name(&format!("{}-{}", id.label(), case.name()));
    Ok(match case {
        Case::CreateMapClose => {
            Box::new(move |ops: usize| time_batch(ops, || create_map_close(&shm, &name)))
        }
        Case::OpenMapClose => {
            let holder = held(&shm, &name)?;
            Box::new(move |ops: usize| {
                let _keep = &holder;
                time_batch(ops, || open_map_close(&shm, &name).map(drop))
            })
        }
        Case::MapUnmap => {
            let holder = held(&shm, &name)?;
            Box::new(move |ops: usize| time_batch(ops, || map_unmap(&shm, &holder)))
        }
        Case::CreateExisting => {
            let holder = held(&shm, &name)?;
            Box::new(move |ops: usize| {
                let _keep = &holder;
                time_batch(ops, || create_or_open_close(&shm, &name))
            })
        }
        Case::FirstTouch => {
            let src = ctx.source();
            Box::new(move |ops: usize| time_before_drop(ops, || first_touch(&shm, &name, &src)))
        }
        Case::Warm => warm(shm, &name, ctx.source())?,
        Case::ScaleOpen(count) => scale(shm, id, count, ctx)?,
        Case::Race(procs) => race_workload(id, procs, &name, ctx),
    })
}

fn warm<S: Shm>(shm: S, name: &Name, src: Rc<Vec<u8>>) -> Result<Box<dyn Workload>> {
    let (view, object) = first_touch(&shm, name, &src)?;
    Ok(Box::new(move |ops: usize| {
        let _keep = &object;
        time_batch(ops, || shm.copy_in(&view, &src))
    }))
}

fn scale<S: Shm>(shm: S, id: PeerId, count: usize, ctx: &Ctx<'_>) -> Result<Box<dyn Workload>> {
    let prefix = ctx.workspace.name(&format!("{}-scale{count}-", id.label()));
    let prefix = prefix.text();
    let names: Vec<Name> = (0..count).map(|i| holders::name(prefix, i)).collect();
    let keep: Box<dyn Any> = if shm.counted() {
        let root = ctx.workspace.root();
        Box::new(holders::spawn(
            &ctx.exe,
            root,
            prefix,
            count,
            SCALE_SECTION,
        )?)
    } else {
        Box::new(persist_all(&shm, &names)?)
    };
    let mut pick = Pick::new(count);
    Ok(Box::new(move |ops: usize| {
        let _keep = &keep;
        time_batch(ops, || open_close(&shm, &names[pick.next_index()]))
    }))
}

/// Creates every name and keeps it, without a handle, until the result drops.
fn persist_all<S: Shm>(shm: &S, names: &[Name]) -> Result<Vec<S::Held>> {
    names
        .iter()
        .map(|name| Ok(shm.persist(shm.create(name, SCALE_SECTION)?)))
        .collect()
}

fn race_workload(id: PeerId, procs: usize, name: &Name, ctx: &Ctx<'_>) -> Box<dyn Workload> {
    let args = WorkerArgs {
        peer: id,
        name: name.text().to_owned(),
        root: ctx.workspace.root().to_owned(),
        millis: ctx.budget.race_millis,
    };
    let exe = ctx.exe.clone();
    Box::new(move |_ops: usize| race::run(&exe, &args, procs))
}

/// Picks indices below a bound, spread evenly and cheaply (xorshift64).
#[derive(Clone, Debug)]
pub struct Pick {
    state: u64,
    bound: u64,
}

impl Pick {
    /// Indices below `bound` (at least 1).
    pub fn new(bound: usize) -> Pick {
        Pick {
            state: 0x9E37_79B9_7F4A_7C15,
            bound: bound.max(1) as u64,
        }
    }

    /// The next index.
    pub fn next_index(&mut self) -> usize {
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        (self.state % self.bound) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_stay_below_the_bound_and_cover_it() {
        let mut pick = Pick::new(10);
        let mut seen = [false; 10];
        for _ in 0..1000 {
            seen[pick.next_index()] = true;
        }
        assert!(seen.iter().all(|&s| s));
    }

    #[test]
    fn scale_open_compares_10_names_with_many_in_one_group() {
        let budget = Budget::for_mode(Mode::Quick);
        let groups = budget.groups();
        assert_eq!(
            groups[6],
            vec![Case::ScaleOpen(10), Case::ScaleOpen(10_000)]
        );
        assert_eq!(groups.len(), 10);
    }

    #[test]
    fn case_names_say_their_size() {
        assert_eq!(Case::ScaleOpen(100_000).name(), "scale_open_100000");
        assert_eq!(Case::Race(32).name(), "race_create_32");
        assert!(Case::Warm.is_bandwidth() && !Case::MapUnmap.is_bandwidth());
    }
}
