//! The soak test: worker processes run a seeded random mix of create, open, map, write, verify,
//! close, duplicate, event set/wait, mutex lock/unlock and handing a section to a child process
//! by handle inheritance, on a few names of a private namespace root, while the parent kills
//! them with SIGKILL at random moments and starts them again.
//!
//! `FILEMAPPING_SOAK_SECS` sets the duration (20 seconds by default). The invariants:
//!
//! - one creator per generation: a creator that is told [`Disposition::Created`] claims the
//!   fresh section's header with a compare-and-swap from zero; finding it non-zero (or any
//!   non-zero byte in the first page) is a violation;
//! - a header, once published, is consistent: its generation names its creator's pid;
//! - no half-built object: every open, create of a live name and duplicate sees the full size;
//! - no torn record: each worker slot writes a checksummed record under a seqlock; a reader
//!   that sees a stable even sequence and a bad checksum, or a record of another generation,
//!   counts a violation;
//! - mutual exclusion and abandonment: each mutex `x<k>` protects a pair of counters in the
//!   section `xd<k>`, which its holder increments one after the other (pausing in between, so
//!   that kills land there). A worker that acquires the mutex normally must find the pair
//!   equal; only an abandoned acquisition (its owner was killed) or the creator of a fresh
//!   mutex (created owned, `initial_owner`) may find it unequal, and repairs it. A process
//!   holds `xd<k>` only while it holds `x<k>` (opened after it, closed before it), so a pair
//!   left unequal outlives its mutex only if a fresh creator finds it;
//! - inheritance: a worker fills an unnamed section, starts a child process (this binary) with
//!   an inheritable duplicate's token, and the child adopts the handle, checks every word and
//!   answers in the section; anything else, or a failed child, is a violation;
//! - at the end, with every worker gone, nothing in the namespace is live, `remove_stale`
//!   collects the rest, no file is left under the root, and the parent has the descriptors it
//!   started with (once every child process, some orphaned by kills, has ended).
//!
//! Each worker appends lines to its own log (outside the namespace root) with single writes,
//! so a kill loses at most the figures since its last line.
#![cfg(target_os = "linux")]
// One `unsafe` call: a child adopts its inherited handle (`soak_child`).
#![allow(unsafe_code)]

use filemapping::{
    CreateOptions, Disposition, ErrorKind, Event, EventOptions, FileMapAccess, FileMapping, Mutex,
    MutexOptions, Namespace, Scope, View, WaitOutcome,
};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{fence, Ordering};
use std::time::{Duration, Instant};

/// The variable that makes this binary a worker: `slot seed log stop`.
const WORKER: &str = "FM_SOAK_WORKER";
/// The variable that makes this binary a worker's child: `nonce token marker-dir`.
const CHILD: &str = "FM_SOAK_CHILD";
/// Mutexes `x0`.., each with its data section `xd0`..
const MUTEXES: usize = 2;
/// Words of an inherited section that the child checks, and where it answers.
const INHERITED_WORDS: usize = 16;
const ANSWER: usize = 512;
/// Worker processes at a time.
const WORKERS: usize = 4;
/// Sections `m0`.. and events `e0`..
const SECTIONS: usize = 3;
const EVENTS: usize = 2;
const SIZE: u64 = 65536;
/// Header: generation at 0, creator pid at 8. Records: one per worker slot, 64 bytes each.
const GEN: usize = 0;
const PID: usize = 8;
const RECORDS: usize = 64;
/// Handles and views a worker holds at most.
const HOLD: usize = 8;

/// xorshift64*: deterministic for a seed, no dependencies.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn checksum(pid: u64, counter: u64, gen: u64) -> u64 {
    let mut x = pid ^ counter.rotate_left(17) ^ gen.rotate_left(41) ^ 0xA5A5_5A5A_DEAD_BEEF;
    x ^= x >> 33;
    x = x.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    x ^ (x >> 29)
}

/// A worker's log: one `write` per line, appended.
struct Log(std::fs::File);

impl Log {
    fn line(&mut self, text: &str) {
        let _ = self.0.write_all(format!("{text}\n").as_bytes());
    }
}

#[derive(Default)]
struct Held {
    maps: Vec<FileMapping>,
    views: Vec<View>,
    events: Vec<Event>,
    lockers: Vec<Locker>,
}

/// A mutex and the data it protects (the handle `_data` only keeps it). Fields drop in order:
/// the data goes before the mutex.
struct Locker {
    view: View,
    _data: FileMapping,
    mutex: Mutex,
}

/// The word of an inherited section at `i`, for `nonce`.
fn inherited_word(nonce: u64, i: usize) -> u64 {
    checksum(nonce, i as u64, 0x1E1E)
}

struct Worker {
    slot: usize,
    pid: u64,
    rng: Rng,
    log: Log,
    held: Held,
    generations: u64,
    ops: u64,
    records: u64,
    checked: u64,
    locks: u64,
    abandoned: u64,
    repaired: u64,
    children: u64,
    markers: PathBuf,
}

impl Worker {
    fn violation(&mut self, what: &str) {
        self.log.line(&format!("violation {what}"));
    }

    fn section_name(&mut self) -> String {
        format!("m{}", self.rng.below(SECTIONS))
    }

    fn check_size(&mut self, map: &FileMapping, how: &str) {
        match map.info() {
            Ok(info) if info.size() == SIZE => {}
            Ok(info) => self.violation(&format!("{how}: size {}", info.size())),
            Err(e) => self.violation(&format!("{how}: info failed: {e}")),
        }
    }

    fn keep_map(&mut self, map: FileMapping) {
        if self.held.maps.len() >= HOLD {
            let at = self.rng.below(HOLD);
            self.held.maps.swap_remove(at);
        }
        self.held.maps.push(map);
    }

    fn create(&mut self) {
        let name = self.section_name();
        let (map, disposition) = match CreateOptions::new().name(&name).size(SIZE).create() {
            Ok(created) => created,
            Err(e) => return self.violation(&format!("create {name}: {e}")),
        };
        self.check_size(&map, "create");
        if disposition == Disposition::Created {
            let view = match map.map_view(FileMapAccess::WRITE, 0, 0) {
                Ok(view) => view,
                Err(e) => return self.violation(&format!("map of a new section: {e}")),
            };
            let mut page = vec![0u8; 4096];
            view.read_at(0, &mut page).unwrap();
            if page.iter().any(|&b| b != 0) {
                self.violation("a created section is not zero-filled");
            }
            let claimed = view.atomic_u64(PID).unwrap().compare_exchange(
                0,
                self.pid,
                Ordering::AcqRel,
                Ordering::Acquire,
            );
            if let Err(other) = claimed {
                self.violation(&format!(
                    "a second creator: pid {other} before {}",
                    self.pid
                ));
            } else {
                self.generations += 1;
                let gen = (self.pid << 32) | self.generations;
                view.atomic_u64(GEN).unwrap().store(gen, Ordering::Release);
                self.log.line(&format!("gen {gen:x}"));
            }
            self.held.views.push(view);
        }
        self.keep_map(map);
    }

    fn open(&mut self) {
        let name = self.section_name();
        match FileMapping::open(&name, FileMapAccess::ALL_ACCESS) {
            Ok(map) => {
                self.check_size(&map, "open");
                self.keep_map(map);
            }
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => self.violation(&format!("open {name}: {e}")),
        }
    }

    fn duplicate(&mut self) {
        if self.held.maps.is_empty() {
            return;
        }
        let at = self.rng.below(self.held.maps.len());
        match self.held.maps[at].duplicate(FileMapAccess::ALL_ACCESS, false) {
            Ok(map) => {
                self.check_size(&map, "duplicate");
                self.keep_map(map);
            }
            Err(e) => self.violation(&format!("duplicate: {e}")),
        }
    }

    fn map(&mut self) {
        if self.held.maps.is_empty() {
            return;
        }
        let at = self.rng.below(self.held.maps.len());
        match self.held.maps[at].map_view(FileMapAccess::WRITE, 0, 0) {
            Ok(view) => {
                if self.held.views.len() >= HOLD {
                    let at = self.rng.below(HOLD);
                    self.held.views.swap_remove(at);
                }
                self.held.views.push(view);
            }
            Err(e) => self.violation(&format!("map: {e}")),
        }
    }

    /// The header's generation, or `None` while the creator has not published it yet.
    fn generation(&mut self, view: &View) -> Option<u64> {
        let gen = view.atomic_u64(GEN).unwrap().load(Ordering::Acquire);
        if gen == 0 {
            return None;
        }
        let pid = view.atomic_u64(PID).unwrap().load(Ordering::Acquire);
        if gen >> 32 != pid {
            self.violation(&format!("header: generation {gen:x} by pid {pid}"));
        }
        Some(gen)
    }

    /// Runs `f` on a random held view whose section's header is published, with its generation.
    fn with_published_view(&mut self, f: impl FnOnce(&mut Self, &View, u64)) {
        if self.held.views.is_empty() {
            return;
        }
        let at = self.rng.below(self.held.views.len());
        let view = self.held.views.swap_remove(at);
        if let Some(gen) = self.generation(&view) {
            f(self, &view, gen);
        }
        self.held.views.push(view);
    }

    /// Seqlock write of this slot's record: `seq` odd while writing. A predecessor in the slot
    /// killed mid-write leaves it odd; the next write moves on to the next odd value.
    fn write(&mut self) {
        self.with_published_view(|this, view, gen| {
            let base = RECORDS + this.slot * 64;
            let seq = view.atomic_u64(base).unwrap();
            let s = seq.load(Ordering::Relaxed);
            let odd = if s % 2 == 0 { s + 1 } else { s + 2 };
            seq.store(odd, Ordering::Relaxed);
            fence(Ordering::Release);
            this.records += 1;
            let words = [this.pid, this.records, gen];
            for (i, w) in words.iter().enumerate() {
                view.atomic_u64(base + 8 + 8 * i)
                    .unwrap()
                    .store(*w, Ordering::Relaxed);
            }
            view.atomic_u64(base + 32)
                .unwrap()
                .store(checksum(words[0], words[1], words[2]), Ordering::Relaxed);
            seq.store(odd + 1, Ordering::Release);
        });
    }

    fn verify(&mut self) {
        self.with_published_view(|this, view, gen| {
            for slot in 0..WORKERS {
                let base = RECORDS + slot * 64;
                let seq = view.atomic_u64(base).unwrap();
                let before = seq.load(Ordering::Acquire);
                if before == 0 || before % 2 == 1 {
                    continue;
                }
                let word = |i: usize| {
                    view.atomic_u64(base + 8 * i)
                        .unwrap()
                        .load(Ordering::Relaxed)
                };
                let (pid, counter, rgen, sum) = (word(1), word(2), word(3), word(4));
                fence(Ordering::Acquire);
                if seq.load(Ordering::Relaxed) != before {
                    continue;
                }
                this.checked += 1;
                if sum != checksum(pid, counter, rgen) {
                    this.violation(&format!("torn record in slot {slot}: seq {before}"));
                } else if rgen != gen {
                    this.violation(&format!("record of generation {rgen:x} in {gen:x}"));
                }
            }
        });
    }

    fn close(&mut self) {
        match self.rng.below(8) {
            // Now and then everything, so that names die and are created again.
            7 => self.held = Held::default(),
            0 if !self.held.maps.is_empty() => {
                let at = self.rng.below(self.held.maps.len());
                if let Err(e) = self.held.maps.swap_remove(at).close() {
                    self.violation(&format!("close: {e}"));
                }
            }
            1..=2 if !self.held.views.is_empty() => {
                let at = self.rng.below(self.held.views.len());
                drop(self.held.views.swap_remove(at));
            }
            3 if !self.held.lockers.is_empty() => {
                let at = self.rng.below(self.held.lockers.len());
                drop(self.held.lockers.swap_remove(at));
            }
            _ if !self.held.events.is_empty() => {
                let at = self.rng.below(self.held.events.len());
                drop(self.held.events.swap_remove(at));
            }
            _ => {}
        }
    }

    fn event(&mut self) {
        if self.held.events.len() < 2 || self.rng.below(4) == 0 {
            let name = format!("e{}", self.rng.below(EVENTS));
            match EventOptions::new().name(&name).create() {
                Ok((event, _)) => {
                    if self.held.events.len() >= HOLD {
                        self.held.events.swap_remove(0);
                    }
                    self.held.events.push(event);
                }
                Err(e) => return self.violation(&format!("event {name}: {e}")),
            }
        }
        let at = self.rng.below(self.held.events.len());
        let result = if self.rng.below(2) == 0 {
            self.held.events[at].set()
        } else {
            let timeout = Duration::from_millis(self.rng.below(5) as u64);
            self.held.events[at].wait(Some(timeout)).map(|_| ())
        };
        if let Err(e) = result {
            self.violation(&format!("event: {e}"));
        }
    }

    /// Takes a mutex `x<k>` (created owned if it is new) and then its data `xd<k>`.
    fn new_locker(&mut self) {
        let k = self.rng.below(MUTEXES);
        let created = MutexOptions::new()
            .name(&format!("x{k}"))
            .initial_owner(true)
            .create();
        let (mutex, disposition) = match created {
            Ok(created) => created,
            Err(e) => return self.violation(&format!("mutex x{k}: {e}")),
        };
        let data = CreateOptions::new()
            .name(&format!("xd{k}"))
            .size(4096)
            .create()
            .and_then(|(data, _)| Ok((data.map_view(FileMapAccess::WRITE, 0, 0)?, data)));
        let (view, data) = match data {
            Ok(data) => data,
            Err(e) => return self.violation(&format!("data of x{k}: {e}")),
        };
        let locker = Locker {
            view,
            _data: data,
            mutex,
        };
        if disposition == Disposition::Created {
            // Owned from its creation: nobody else has seen it, whatever the data says.
            self.update(&locker, true);
        }
        if self.held.lockers.len() >= HOLD {
            let at = self.rng.below(HOLD);
            self.held.lockers.swap_remove(at);
        }
        self.held.lockers.push(locker);
    }

    /// Under the mutex: the pair must be equal unless `repair` (an abandoned or fresh mutex);
    /// then both counters move on, with a pause between them; then the release.
    fn update(&mut self, locker: &Locker, repair: bool) {
        let (first, second) = (
            locker.view.atomic_u64(0).unwrap(),
            locker.view.atomic_u64(8).unwrap(),
        );
        let (a, b) = (
            first.load(Ordering::Acquire),
            second.load(Ordering::Acquire),
        );
        if a != b {
            if repair {
                self.repaired += 1;
            } else {
                self.violation(&format!("a normal acquisition found the pair at {a}, {b}"));
            }
        }
        first.store(a + 1, Ordering::Release);
        if self.rng.below(2) == 0 {
            std::thread::sleep(Duration::from_micros(self.rng.below(2000) as u64));
        }
        second.store(a + 1, Ordering::Release);
        self.locks += 1;
        if let Err(e) = locker.mutex.release() {
            self.violation(&format!("release: {e}"));
        }
    }

    fn mutex(&mut self) {
        if self.held.lockers.is_empty() || self.rng.below(4) == 0 {
            return self.new_locker();
        }
        let at = self.rng.below(self.held.lockers.len());
        let locker = self.held.lockers.swap_remove(at);
        let timeout = Duration::from_millis(self.rng.below(3) as u64);
        match locker.mutex.wait(Some(timeout)) {
            Ok(WaitOutcome::Acquired) => self.update(&locker, false),
            Ok(WaitOutcome::Abandoned) => {
                self.abandoned += 1;
                self.update(&locker, true);
            }
            Ok(WaitOutcome::TimedOut) => {}
            Err(e) => self.violation(&format!("mutex wait: {e}")),
        }
        self.held.lockers.push(locker);
    }

    /// Hands a filled unnamed section to a child process by handle inheritance; the child
    /// checks it and answers in it.
    fn inherit(&mut self) {
        let nonce = self.rng.next();
        let made = CreateOptions::new()
            .size(4096)
            .create()
            .and_then(|(map, _)| {
                let view = map.map_view(FileMapAccess::WRITE, 0, 0)?;
                let copy = map.duplicate(map.access(), true)?;
                Ok((view, copy))
            });
        let (view, copy) = match made {
            Ok(made) => made,
            Err(e) => return self.violation(&format!("a section to inherit: {e}")),
        };
        for i in 0..INHERITED_WORDS {
            view.atomic_u64(8 * i)
                .unwrap()
                .store(inherited_word(nonce, i), Ordering::Release);
        }
        let token = copy
            .inherit_token()
            .expect("an inheritable handle has a token");
        let child = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "soak_child", "--ignored", "--nocapture", "-q"])
            .env_remove(WORKER)
            .env(CHILD, format!("{nonce} {token} {}", self.markers.display()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        // The child holds its own copy now; this one goes.
        drop(copy);
        let status = match child.and_then(|mut child| child.wait()) {
            Ok(status) => status,
            Err(e) => return self.violation(&format!("a child: {e}")),
        };
        let answer = view.atomic_u64(ANSWER).unwrap().load(Ordering::Acquire);
        if !status.success() || answer != !nonce {
            self.violation(&format!(
                "a child: {status}, answer {answer:x} for {nonce:x}"
            ));
        } else {
            self.children += 1;
        }
    }

    fn step(&mut self) {
        if self.rng.below(1024) == 0 {
            self.inherit();
        }
        match self.rng.below(32) {
            0..=3 => self.create(),
            4..=7 => self.open(),
            8..=9 => self.duplicate(),
            10..=13 => self.map(),
            14..=19 => self.write(),
            20..=24 => self.verify(),
            25..=27 => self.close(),
            28..=29 => self.event(),
            _ => self.mutex(),
        }
        self.ops += 1;
    }
}

/// The worker's body (run by the parent through `--ignored --exact soak_worker`).
#[test]
#[ignore = "a worker process of the soak test"]
fn soak_worker() {
    let spec = match std::env::var(WORKER) {
        Ok(spec) => spec,
        Err(_) => return,
    };
    let parts: Vec<&str> = spec.splitn(4, ' ').collect();
    let slot: usize = parts[0].parse().unwrap();
    let seed: u64 = parts[1].parse().unwrap();
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(parts[2])
        .unwrap();
    let stop = Path::new(parts[3]);
    let markers = stop.parent().unwrap().join("children");
    let mut worker = Worker {
        slot,
        pid: u64::from(std::process::id()),
        rng: Rng::new(seed),
        log: Log(log),
        held: Held::default(),
        generations: 0,
        ops: 0,
        records: 0,
        checked: 0,
        locks: 0,
        abandoned: 0,
        repaired: 0,
        children: 0,
        markers,
    };
    let deadline = Instant::now() + Duration::from_secs(3600);
    while Instant::now() < deadline {
        for _ in 0..32 {
            worker.step();
        }
        let figures = format!(
            "ops {} checked {} locks {} abandoned {} repaired {} children {}",
            worker.ops,
            worker.checked,
            worker.locks,
            worker.abandoned,
            worker.repaired,
            worker.children
        );
        worker.log.line(&figures);
        if stop.exists() {
            break;
        }
    }
    worker.log.line("done");
}

/// The body of a worker's child (run through `--ignored --exact soak_child`): adopts the
/// inherited section, checks its words, answers.
#[test]
#[ignore = "a child process of a soak worker"]
fn soak_child() {
    let spec = match std::env::var(CHILD) {
        Ok(spec) => spec,
        Err(_) => return,
    };
    let parts: Vec<&str> = spec.splitn(3, ' ').collect();
    let nonce: u64 = parts[0].parse().unwrap();
    // The parent soak waits for every child that has a marker there, orphans of killed
    // workers too; the marker goes when this ends (a panic unwinds through `_marker` too).
    let _marker = Marker(Path::new(parts[2]).join(std::process::id().to_string()));
    std::fs::write(&_marker.0, b"").unwrap();
    // SAFETY: the worker passed the token of an inheritable handle, open when this process
    // started; this is its only adoption.
    let map = unsafe { FileMapping::from_inherit_token(parts[1]) }.unwrap();
    let view = map.map_view(FileMapAccess::WRITE, 0, 0).unwrap();
    for i in 0..INHERITED_WORDS {
        let word = view.atomic_u64(8 * i).unwrap().load(Ordering::Acquire);
        assert_eq!(word, inherited_word(nonce, i), "word {i}");
    }
    view.atomic_u64(ANSWER)
        .unwrap()
        .store(!nonce, Ordering::Release);
}

/// A child's marker file, removed when the child ends.
struct Marker(PathBuf);

impl Drop for Marker {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Waits (ten seconds at most) until every child process whose marker is in `markers` has
/// ended; returns how many had not. A marker stays only if its child died without unwinding:
/// its pid then counts while a process has it (pids are reused, so this errs on waiting).
fn wait_for_children(markers: &Path) -> usize {
    let until = Instant::now() + Duration::from_secs(10);
    let running = |pid: &str| {
        std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .map_or(false, |stat| !stat.contains(") Z"))
    };
    loop {
        let left = std::fs::read_dir(markers)
            .unwrap()
            .filter(|e| running(&e.as_ref().unwrap().file_name().to_string_lossy()))
            .count();
        if left == 0 || Instant::now() > until {
            return left;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn descriptors() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

/// Every file (not directory) under `dir`.
fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            files_under(&entry.path(), out);
        } else {
            out.push(entry.path());
        }
    }
}

struct Slot {
    child: Child,
}

fn spawn(root: &Path, logs: &Path, slot: usize, incarnation: usize, seed: u64) -> Slot {
    let log = logs.join(format!("w{slot}-{incarnation}.log"));
    let stop = logs.join("stop");
    let child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "soak_worker", "--ignored", "--nocapture", "-q"])
        .env(filemapping::FILEMAPPING_DIR, root)
        .env(
            WORKER,
            format!("{slot} {seed} {} {}", log.display(), stop.display()),
        )
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    Slot { child }
}

#[test]
fn soak() {
    let secs: u64 = std::env::var("FILEMAPPING_SOAK_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let seed: u64 = std::env::var("FILEMAPPING_SOAK_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(17);
    let base = std::env::temp_dir().join(format!("fm-soak-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let (root, logs) = (base.join("ns"), base.join("logs"));
    std::fs::create_dir_all(&root).unwrap();
    std::fs::create_dir_all(logs.join("children")).unwrap();
    let fds = descriptors();

    let mut rng = Rng::new(seed);
    let mut incarnation = 0;
    let mut slots: Vec<Slot> = (0..WORKERS)
        .map(|slot| {
            incarnation += 1;
            spawn(&root, &logs, slot, incarnation, rng.next())
        })
        .collect();
    let mut kills = 0u64;
    let end = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < end {
        std::thread::sleep(Duration::from_millis(10 + rng.below(200) as u64));
        let slot = rng.below(WORKERS);
        let child = &mut slots[slot].child;
        if child.try_wait().unwrap().is_some() {
            panic!("worker {slot} ended by itself");
        }
        child.kill().unwrap();
        child.wait().unwrap();
        kills += 1;
        incarnation += 1;
        slots[slot] = spawn(&root, &logs, slot, incarnation, rng.next());
    }

    // Stop: the workers see the file within a round of operations; ten seconds at most.
    std::fs::write(logs.join("stop"), b"").unwrap();
    let stop_by = Instant::now() + Duration::from_secs(10);
    let mut hung = 0;
    for slot in &mut slots {
        loop {
            if let Some(status) = slot.child.try_wait().unwrap() {
                assert!(status.success(), "a worker failed: {status}");
                break;
            }
            if Instant::now() > stop_by {
                hung += 1;
                slot.child.kill().unwrap();
                slot.child.wait().unwrap();
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
    drop(slots);
    let orphans = wait_for_children(&logs.join("children"));

    // The figures, from the logs.
    let (mut generations, mut violations) = (0u64, 0u64);
    // ops, checked, locks, abandoned, repaired, children: each log's last figures, summed.
    let mut totals = [0u64; 6];
    for entry in std::fs::read_dir(&logs).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().map_or(true, |e| e != "log") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let mut last = [0u64; 6];
        for line in text.lines() {
            let words: Vec<&str> = line.split(' ').collect();
            match words[0] {
                // A kill may cut a line short: only whole ones count.
                "ops" if words.len() == 12 => {
                    for (i, figure) in last.iter_mut().enumerate() {
                        *figure = words[2 * i + 1].parse().unwrap();
                    }
                }
                "gen" => generations += 1,
                "violation" => {
                    violations += 1;
                    eprintln!("{}: {line}", path.display());
                }
                _ => {}
            }
        }
        for (total, figure) in totals.iter_mut().zip(last) {
            *total += figure;
        }
    }
    let [ops, checked, locks, abandoned, repaired, children] = totals;

    // The namespace after everyone is gone.
    let ns = Namespace::at(&root);
    let live: Vec<String> = ns
        .list(Scope::Local)
        .unwrap()
        .into_iter()
        .filter(|e| e.is_live())
        .map(|e| e.name().to_owned())
        .collect();
    let removed = ns.remove_stale(Scope::Local).unwrap();
    let mut left = Vec::new();
    files_under(&root, &mut left);
    let fds_after = descriptors();

    println!(
        "soak: {secs} s, {WORKERS} workers, {ops} operations, {checked} records checked, \
         {kills} kills, {generations} generations, {locks} mutex locks ({abandoned} abandoned, \
         {repaired} repaired), {children} inherited sections checked by children, {} stale \
         names removed, {violations} violations",
        removed.len()
    );
    let _ = std::fs::remove_dir_all(&base);
    assert_eq!(violations, 0, "invariant violations (see above)");
    assert_eq!(hung, 0, "workers that did not stop within 10 s");
    assert_eq!(orphans, 0, "child processes that did not end within 10 s");
    assert!(
        live.is_empty(),
        "live names with every worker gone: {live:?}"
    );
    assert!(left.is_empty(), "files left in the namespace: {left:?}");
    assert_eq!(fds_after, fds, "the parent's descriptors");
    assert!(ops > 0 && generations > 0, "the workers did nothing");
    assert!(
        locks > 0 && children > 0,
        "no mutex taken or no section inherited"
    );
}
