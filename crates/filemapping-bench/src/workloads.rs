//! How each case is set up and timed (made of the operations of [`crate::ops`], written once
//! over [`Shm`]), and [`run_group`], which runs a group of cases with every implementation
//! interleaved and returns a row for each.

use crate::args::WorkerArgs;
use crate::budget::Budget;
use crate::cases::Case;
use crate::error::Result;
use crate::holders;
use crate::huge::in_huge_tmpfs;
use crate::ops::{
    create_map_close, create_or_open_close, first_touch, first_write, held, map_unmap, open_close,
    open_map_close, touched,
};
use crate::peers::floor::Place;
use crate::peers::id::PeerId;
use crate::peers::shm::Shm;
use crate::peers::{with_peer, with_peer_in, PeerFn};
use crate::race;
use crate::report::{self, Outcome, Row};
use crate::runner::{
    interleave, time_batch, time_before_drop, time_drop, Contender, Entry, Plan, Workload,
};
use crate::workspace::{Name, Workspace};
use std::any::Any;
use std::cell::OnceCell;
use std::hint::black_box;
use std::path::PathBuf;
use std::rc::Rc;

/// The size of each of the many sections of `scale_open`.
pub const SCALE_SECTION: usize = 4096;

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

    /// The name `id` uses in `case` (`fmbench-<pid>-<impl>-<case>`, made of characters every
    /// implementation takes).
    fn name(&self, id: PeerId, case: Case) -> Name {
        let what = format!("{}-{}", id.label(), case.name());
        self.workspace.name(&what.replace([' ', '/'], "-"))
    }
}

/// Runs one group of cases, every implementation interleaved, and returns a row for each.
pub fn run_group(cases: &[Case], ctx: &Ctx<'_>) -> Vec<Row> {
    if cases == [Case::FirstTouchHuge] {
        return on_huge_tmpfs(ctx);
    }
    let mut contenders = Vec::new();
    for &case in cases {
        for &peer in case.peers() {
            let entry = with_peer(peer, ctx.workspace.root(), Prepare { case, ctx });
            contenders.push((case, Contender::new(case.name(), peer, entry)));
        }
    }
    let plan = ctx.budget.plan(cases[0]);
    let (kinds, mut contenders): (Vec<Case>, Vec<Contender>) = contenders.into_iter().unzip();
    interleave(&mut contenders, &plan);
    let bandwidth = ctx.budget.bandwidth_bytes;
    kinds
        .into_iter()
        .zip(contenders)
        .map(|(case, c)| report::row(c, case.bytes(bandwidth)))
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
        ready(workload(shm, id, self.case, self.ctx))
    }
}

fn ready(workload: Result<Box<dyn Workload>>) -> Entry {
    match workload {
        Ok(workload) => Entry::Ready(workload),
        Err(e) => Entry::Failed(e.0),
    }
}

fn workload<S: Shm>(shm: S, id: PeerId, case: Case, ctx: &Ctx<'_>) -> Result<Box<dyn Workload>> {
    let name = ctx.name(id, case);
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
        Case::Create(bytes) => {
            Box::new(move |ops: usize| time_before_drop(ops, || shm.create(&name, bytes)))
        }
        Case::Close(bytes) => {
            Box::new(move |ops: usize| time_drop(ops, || shm.create(&name, bytes)))
        }
        Case::FirstTouch => {
            let src = ctx.source();
            Box::new(move |ops: usize| time_before_drop(ops, || first_touch(&shm, &name, &src)))
        }
        Case::Warm => warm(shm, &name, ctx.source())?,
        Case::FirstTouchHuge => FirstWrite {
            name,
            src: ctx.source(),
        }
        .workload(shm),
        Case::ReadAt(bytes) => copies(shm, &name, bytes, true)?,
        Case::WriteAt(bytes) => copies(shm, &name, bytes, false)?,
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

/// `read_at_<size>` (`read`) and `write_at_<size>`: the implementation's copy out of or into a
/// touched view, with a touched private buffer.
fn copies<S: Shm>(shm: S, name: &Name, bytes: usize, read: bool) -> Result<Box<dyn Workload>> {
    let (view, object) = touched(&shm, name, bytes)?;
    let mut buffer = PageAligned::new(bytes);
    Ok(Box::new(move |ops: usize| {
        let _keep = &object;
        let buffer = black_box(buffer.bytes_mut());
        time_batch(ops, || match read {
            true => shm.read_at(&view, 0, buffer),
            false => shm.write_at(&view, 0, buffer),
        })
    }))
}

/// A private, touched buffer that starts on a page boundary, as the views do: where a small
/// buffer lands in the heap would otherwise decide how fast `memcpy` runs (a destination a
/// little past the source modulo 4 KiB makes the CPU see false dependencies), and the copy
/// cases would compare heap addresses.
struct PageAligned {
    vec: Vec<u8>,
    start: usize,
    len: usize,
}

impl PageAligned {
    fn new(len: usize) -> PageAligned {
        let page = filemapping::page_size();
        let vec = vec![0x5A; len + page];
        let start = vec.as_ptr().align_offset(page);
        PageAligned { vec, start, len }
    }

    fn bytes_mut(&mut self) -> &mut [u8] {
        &mut self.vec[self.start..self.start + self.len]
    }
}

/// `first_touch_huge_tmpfs`'s workload: a fresh named section written whole, its teardown
/// untimed.
struct FirstWrite {
    name: Name,
    src: Rc<Vec<u8>>,
}

impl FirstWrite {
    fn workload<S: Shm>(self, shm: S) -> Box<dyn Workload> {
        let FirstWrite { name, src } = self;
        Box::new(move |ops: usize| time_before_drop(ops, || first_write(&shm, &name, &src)))
    }
}

impl PeerFn for FirstWrite {
    type Out = Entry;

    fn call<S: Shm>(self, _id: PeerId, shm: S) -> Entry {
        Entry::Ready(self.workload(shm))
    }
}

/// `first_touch_huge_tmpfs`: the implementations' names (our namespace root, the floor's
/// files) on a `huge=always` tmpfs of the run's own, on the thread that sees it; every row
/// says why it was skipped if there is no such mount.
fn on_huge_tmpfs(ctx: &Ctx<'_>) -> Vec<Row> {
    let case = Case::FirstTouchHuge;
    let (plan, bytes) = (ctx.budget.plan(case), ctx.budget.bandwidth_bytes);
    let dir = ctx.workspace.path("huge");
    let names: Vec<(PeerId, Name)> = case
        .peers()
        .iter()
        .map(|&id| (id, Name::in_dir(&dir, ctx.name(id, case).text().to_owned())))
        .collect();
    let measured = in_huge_tmpfs(&dir, || {
        let src = Rc::new(vec![0xA5; bytes]);
        let contenders: Vec<Contender> = names
            .iter()
            .map(|(id, name)| {
                let first_write = FirstWrite {
                    name: name.clone(),
                    src: Rc::clone(&src),
                };
                let entry = with_peer_in(*id, &dir, Place::Files, first_write);
                Contender::new(case.name(), *id, entry)
            })
            .collect();
        run_contenders(contenders, &plan, case.bytes(bytes))
    });
    measured.unwrap_or_else(|why| {
        let skipped = |&peer| Row {
            case: case.name(),
            peer,
            outcome: Outcome::Unavailable(format!("skipped: {why}")),
            bytes: case.bytes(bytes),
        };
        case.peers().iter().map(skipped).collect()
    })
}

fn run_contenders(mut contenders: Vec<Contender>, plan: &Plan, bytes: Option<u64>) -> Vec<Row> {
    interleave(&mut contenders, plan);
    contenders
        .into_iter()
        .map(|c| report::row(c, bytes))
        .collect()
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
    fn copy_buffers_start_on_a_page() {
        for len in [1, 4096, 65536] {
            let mut buffer = PageAligned::new(len);
            let bytes = buffer.bytes_mut();
            assert_eq!(bytes.len(), len);
            assert_eq!(bytes.as_ptr() as usize % filemapping::page_size(), 0);
        }
    }

    #[test]
    fn picks_stay_below_the_bound_and_cover_it() {
        let mut pick = Pick::new(10);
        let mut seen = [false; 10];
        for _ in 0..1000 {
            seen[pick.next_index()] = true;
        }
        assert!(seen.iter().all(|&s| s));
    }
}
