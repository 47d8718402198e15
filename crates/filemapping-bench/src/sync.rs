//! The synchronization cases (issue 14): events and mutexes against the raw futex floor, and
//! the message latency of `fmap send` -> `fmap recv`, event-driven and polling. All are `sync_*`
//! rows of the same table; the floor and ours take turns batch by batch (round-robin, the
//! starting one alternating), as everywhere in the bench.
//!
//! - `sync_event_round_trip[_cpu0|_cpu0_cpu1]`: a parent and a forked child process bounce a
//!   signal through two auto-reset events (ours) or two futex words in a shared page with a
//!   `FUTEX_WAKE` every hop (the floor, the "futex wait/wake every hop" row of perf-floors §5);
//!   unpinned, both on CPU 0, or on CPUs 0 and 1. Time per round trip.
//! - `sync_event_set_signaled`: `SetEvent` on an event nobody waits for and that is already set
//!   (a no-op on Windows too) against a plain release store to a shared word.
//! - `sync_event_set_reset`: `SetEvent` + `ResetEvent` of an event nobody waits for against two
//!   sequentially consistent stores (the cheapest a flag that must be visible at once can be).
//! - `sync_mutex_uncontended`, `sync_mutex_contended_2_threads`: acquire + release of our
//!   (robust, process-shared, recursive) mutex against a raw three-state futex lock; contended:
//!   two threads hammer one lock, time per pair.
//! - `sync_fmap_message_event`, `sync_fmap_message_poll_200ms`: the time from writing a line to
//!   `fmap send`'s stdin to reading it from `fmap recv`'s stdout (the real binaries, found beside
//!   this one; built by `cargo build --release -p fmap`), each message 2 ms (polling: 2 to 200 ms,
//!   spread) after the last was printed, so that it finds the receiver waiting. One implementation each: no floor.
//!
//! The forked children only touch shared memory and futexes, then `_exit`.

#![allow(unsafe_code)]

use crate::budget::by_mode;
use crate::error::{BenchError, Result};
use crate::options::Mode;
use crate::peers::id::PeerId;
use crate::report::{Outcome, Row};
use crate::stats;
use filemapping::{EventOptions, Mutex, MutexOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Instant;

/// Rounds and round trips (or operations) per batch, and messages for the `fmap` cases.
struct Budget {
    rounds: usize,
    batch: usize,
    fast_batch: usize,
    messages: usize,
    polled_messages: usize,
}

/// The budget of `mode` (each figure for the full, quick and smoke runs, as [`by_mode`] takes
/// them).
fn budget(mode: Mode) -> Budget {
    Budget {
        rounds: by_mode(mode, [200, 60, 2]),
        batch: by_mode(mode, [50, 30, 2]),
        fast_batch: by_mode(mode, [20_000, 5_000, 10]),
        messages: by_mode(mode, [200, 50, 2]),
        polled_messages: by_mode(mode, [20, 6, 1]),
    }
}

/// A case measured as `[floor samples, our samples]`.
type Measure = fn(&Budget) -> Result<[Vec<f64>; 2]>;

/// The names of every case, for `--only`.
pub const CASES: [&str; 9] = [
    "sync_event_round_trip",
    "sync_event_round_trip_cpu0",
    "sync_event_round_trip_cpu0_cpu1",
    "sync_event_set_signaled",
    "sync_event_set_reset",
    "sync_mutex_uncontended",
    "sync_mutex_contended_2_threads",
    "sync_fmap_message_event",
    "sync_fmap_message_poll_200ms",
];

/// Runs the cases whose names start with one of `only` (all if empty); `root` is the
/// workspace's namespace root, `exe` this binary (`fmap` is looked for beside it).
pub fn run(mode: Mode, only: &[String], root: &Path, exe: &Path) -> Vec<Row> {
    let b = budget(mode);
    let wanted = |name: &str| only.is_empty() || only.iter().any(|p| name.starts_with(p.as_str()));
    let mut rows = Vec::new();
    for (name, pins) in [
        (CASES[0], None),
        (CASES[1], Some((0, 0))),
        (CASES[2], Some((0, 1))),
    ] {
        if wanted(name) {
            eprintln!("[sync] {name}");
            rows.extend(pair(name, round_trips(&b, pins)));
        }
    }
    let fast: [(&str, Measure); 4] = [
        (CASES[3], set_signaled),
        (CASES[4], set_reset),
        (CASES[5], mutex_uncontended),
        (CASES[6], mutex_contended),
    ];
    for (name, case) in fast {
        if wanted(name) {
            eprintln!("[sync] {name}");
            rows.extend(pair(name, case(&b)));
        }
    }
    let fmap = exe.with_file_name("fmap");
    for (name, poll, count) in [
        (CASES[7], None, b.messages),
        (CASES[8], Some("200ms"), b.polled_messages),
    ] {
        if wanted(name) {
            eprintln!("[sync] {name}");
            let outcome = if fmap.is_file() {
                outcome(fmap_latency(&fmap, root, poll, count))
            } else {
                Outcome::Unavailable(format!(
                    "no fmap beside {} (cargo build --release -p fmap)",
                    exe.display()
                ))
            };
            rows.push(row(name, PeerId::Ours, outcome));
        }
    }
    rows
}

fn row(case: &str, peer: PeerId, outcome: Outcome) -> Row {
    Row {
        case: case.into(),
        peer,
        outcome,
        bytes: None,
    }
}

fn outcome(samples: Result<Vec<f64>>) -> Outcome {
    match samples {
        Ok(samples) => match stats::summarize(&samples) {
            Some(summary) => Outcome::Measured {
                summary,
                ratio: None,
            },
            None => Outcome::Failed("no samples".into()),
        },
        Err(e) => Outcome::Failed(e.0),
    }
}

/// The floor's and our rows of a case measured as `[floor samples, our samples]`.
fn pair(name: &str, samples: Result<[Vec<f64>; 2]>) -> Vec<Row> {
    match samples {
        Ok([floor, ours]) => vec![
            row(name, PeerId::Floor, outcome(Ok(floor))),
            row(name, PeerId::Ours, outcome(Ok(ours))),
        ],
        Err(e) => vec![
            row(name, PeerId::Floor, Outcome::Failed(e.0.clone())),
            row(name, PeerId::Ours, Outcome::Failed(e.0)),
        ],
    }
}

/// `rounds` batches of each of the two, alternating which goes first; nanoseconds per op.
fn interleave(
    b: &Budget,
    ops: usize,
    mut floor: impl FnMut(usize),
    mut ours: impl FnMut(usize) -> Result<()>,
) -> Result<[Vec<f64>; 2]> {
    let mut samples = [Vec::new(), Vec::new()];
    let time = |f: &mut dyn FnMut() -> Result<()>| -> Result<f64> {
        let start = Instant::now();
        f()?;
        Ok(start.elapsed().as_nanos() as f64 / ops as f64)
    };
    for round in 0..b.rounds + 1 {
        for turn in 0..2 {
            let which = (round + turn) % 2;
            let ns = if which == 0 {
                time(&mut || {
                    floor(ops);
                    Ok(())
                })?
            } else {
                time(&mut || ours(ops))?
            };
            // The first round warms up.
            if round > 0 {
                samples[which].push(ns);
            }
        }
    }
    Ok(samples)
}

// ----- shared memory, futexes, processes -----

/// A page of anonymous shared memory, inherited by forked children.
struct SharedPage(*mut u8);

impl SharedPage {
    fn new() -> Result<SharedPage> {
        // SAFETY: a fresh anonymous mapping; no pointer is passed in.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                4096,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            return Err(BenchError::os("mmap"));
        }
        Ok(SharedPage(p.cast()))
    }

    /// The `i`th word, on its own cache line.
    fn word(&self, i: usize) -> &AtomicU32 {
        assert!(i < 64);
        // SAFETY: the page is 4096 bytes, zeroed, aligned, mapped while `self` lives; the
        // words are only used atomically.
        unsafe { &*self.0.add(i * 64).cast::<AtomicU32>() }
    }
}

impl Drop for SharedPage {
    fn drop(&mut self) {
        // SAFETY: the mapping made in `new`, unmapped once.
        unsafe { libc::munmap(self.0.cast(), 4096) };
    }
}

fn futex_wait(word: &AtomicU32, value: u32) {
    // SAFETY: a valid shared futex word; no timeout.
    unsafe {
        libc::syscall(
            libc::SYS_futex,
            word.as_ptr(),
            libc::FUTEX_WAIT,
            value,
            std::ptr::null::<libc::timespec>(),
        )
    };
}

fn futex_wake(word: &AtomicU32, n: i32) {
    // SAFETY: a valid shared futex word.
    unsafe { libc::syscall(libc::SYS_futex, word.as_ptr(), libc::FUTEX_WAKE, n) };
}

/// Pins the calling thread (and a child forked later) to `cpu`.
fn pin(cpu: usize) -> Result<()> {
    // SAFETY: a zeroed cpu_set_t is a valid empty set; the calls only read it.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpu, &mut set);
        if libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) != 0 {
            return Err(BenchError::os("sched_setaffinity"));
        }
    }
    Ok(())
}

/// The calling thread's affinity, to restore afterwards.
fn affinity() -> libc::cpu_set_t {
    // SAFETY: as in `pin`; the call writes the set.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set);
        set
    }
}

fn restore(set: &libc::cpu_set_t) {
    // SAFETY: a set read by `affinity`.
    unsafe { libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), set) };
}

/// Forks a child that pins itself to `cpu` if asked, runs `serve`, and `_exit`s.
fn fork_partner(cpu: Option<usize>, serve: impl FnOnce()) -> Result<libc::pid_t> {
    // SAFETY: the child only pins itself, touches shared memory and futexes in `serve`, and
    // leaves with `_exit` (no destructors, no atexit handlers, no locks of the parent taken).
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(BenchError::os("fork"));
    }
    if pid == 0 {
        if let Some(cpu) = cpu {
            let _ = pin(cpu);
        }
        serve();
        // SAFETY: ends the child at once.
        unsafe { libc::_exit(0) };
    }
    Ok(pid)
}

fn reap(pid: libc::pid_t) {
    let mut status = 0;
    // SAFETY: `pid` is our child.
    unsafe { libc::waitpid(pid, &mut status, 0) };
}

// ----- the cases -----

fn round_trips(b: &Budget, pins: Option<(usize, usize)>) -> Result<[Vec<f64>; 2]> {
    let cpus = std::thread::available_parallelism().map_or(1, usize::from);
    if matches!(pins, Some((_, 1))) && cpus < 2 {
        return Err(BenchError::new("needs two CPUs"));
    }
    let saved = affinity();
    if let Some((parent, _)) = pins {
        pin(parent)?;
    }
    let result = round_trips_pinned(b, pins.map(|(_, child)| child));
    restore(&saved);
    result
}

fn round_trips_pinned(b: &Budget, child_cpu: Option<usize>) -> Result<[Vec<f64>; 2]> {
    let page = SharedPage::new()?;
    let (ping, pong, stop) = (page.word(0), page.word(1), page.word(2));
    let floor_child = fork_partner(child_cpu, || {
        let mut seen = 0;
        loop {
            let mut v = ping.load(Ordering::SeqCst);
            while v == seen {
                futex_wait(ping, v);
                v = ping.load(Ordering::SeqCst);
            }
            seen = v;
            if stop.load(Ordering::SeqCst) != 0 {
                return;
            }
            pong.fetch_add(1, Ordering::SeqCst);
            futex_wake(pong, 1);
        }
    })?;
    let (e_ping, _) = EventOptions::new().create().map_err(err)?;
    let (e_pong, _) = EventOptions::new().create().map_err(err)?;
    let ours_child = fork_partner(child_cpu, || loop {
        if e_ping.wait(None).is_err() || stop.load(Ordering::SeqCst) != 0 {
            return;
        }
        let _ = e_pong.set();
    })?;
    let mut expect = 0u32;
    let samples = interleave(
        b,
        b.batch,
        |n| {
            for _ in 0..n {
                ping.fetch_add(1, Ordering::SeqCst);
                futex_wake(ping, 1);
                expect += 1;
                let mut v = pong.load(Ordering::SeqCst);
                while v != expect {
                    futex_wait(pong, v);
                    v = pong.load(Ordering::SeqCst);
                }
            }
        },
        |n| {
            for _ in 0..n {
                e_ping.set().map_err(err)?;
                e_pong.wait(None).map_err(err)?;
            }
            Ok(())
        },
    );
    stop.store(1, Ordering::SeqCst);
    ping.fetch_add(1, Ordering::SeqCst);
    futex_wake(ping, 1);
    let _ = e_ping.set();
    reap(floor_child);
    reap(ours_child);
    samples
}

fn err(e: filemapping::Error) -> BenchError {
    BenchError::new(e.to_string())
}

fn set_signaled(b: &Budget) -> Result<[Vec<f64>; 2]> {
    let page = SharedPage::new()?;
    let word = page.word(0);
    let (event, _) = EventOptions::new()
        .initial_state(true)
        .create()
        .map_err(err)?;
    interleave(
        b,
        b.fast_batch,
        |n| {
            for i in 0..n {
                word.store(std::hint::black_box(i as u32), Ordering::Release);
            }
        },
        |n| {
            for _ in 0..n {
                event.set().map_err(err)?;
            }
            Ok(())
        },
    )
}

fn set_reset(b: &Budget) -> Result<[Vec<f64>; 2]> {
    let page = SharedPage::new()?;
    let word = page.word(0);
    let (event, _) = EventOptions::new().create().map_err(err)?;
    interleave(
        b,
        b.fast_batch,
        |n| {
            for _ in 0..n {
                word.store(1, Ordering::SeqCst);
                word.store(0, Ordering::SeqCst);
            }
        },
        |n| {
            for _ in 0..n {
                event.set().map_err(err)?;
                event.reset().map_err(err)?;
            }
            Ok(())
        },
    )
}

/// A raw three-state futex lock (0 free, 1 locked, 2 locked with waiters).
fn raw_lock(word: &AtomicU32) {
    if word
        .compare_exchange(0, 1, Ordering::Acquire, Ordering::Relaxed)
        .is_ok()
    {
        return;
    }
    while word.swap(2, Ordering::Acquire) != 0 {
        futex_wait(word, 2);
    }
}

fn raw_unlock(word: &AtomicU32) {
    if word.swap(0, Ordering::Release) == 2 {
        futex_wake(word, 1);
    }
}

fn ours_pair(mutex: &Mutex) -> Result<()> {
    let _acquired = mutex.wait(None).map_err(err)?;
    mutex.release().map_err(err)
}

fn mutex_uncontended(b: &Budget) -> Result<[Vec<f64>; 2]> {
    let page = SharedPage::new()?;
    let word = page.word(0);
    let (mutex, _) = MutexOptions::new().create().map_err(err)?;
    interleave(
        b,
        b.fast_batch,
        |n| {
            for _ in 0..n {
                raw_lock(word);
                raw_unlock(word);
            }
        },
        |n| (0..n).try_for_each(|_| ours_pair(&mutex)),
    )
}

fn mutex_contended(b: &Budget) -> Result<[Vec<f64>; 2]> {
    let page = SharedPage::new()?;
    let word = page.word(0);
    let (mutex, _) = MutexOptions::new().create().map_err(err)?;
    let other = mutex.try_clone().map_err(err)?;
    // Each batch: two threads, `n / 2` pairs each.
    interleave(
        b,
        b.fast_batch / 10,
        |n| {
            std::thread::scope(|s| {
                for _ in 0..2 {
                    s.spawn(|| {
                        for _ in 0..n / 2 {
                            raw_lock(word);
                            raw_unlock(word);
                        }
                    });
                }
            });
        },
        |n| {
            std::thread::scope(|s| {
                let handles: Vec<_> = [&mutex, &other]
                    .into_iter()
                    .map(|m| s.spawn(move || (0..n / 2).try_for_each(|_| ours_pair(m))))
                    .collect();
                handles
                    .into_iter()
                    .try_for_each(|h| h.join().unwrap_or(Err(BenchError::new("panicked"))))
            })
        },
    )
}

/// The latency of `count` messages from `fmap send`'s stdin to `fmap recv`'s stdout.
fn fmap_latency(fmap: &Path, root: &Path, poll: Option<&str>, count: usize) -> Result<Vec<f64>> {
    let name = format!(
        "bench-msg-{}-{}",
        std::process::id(),
        poll.unwrap_or("event")
    );
    let spawn = |args: &[&str], stdin: Stdio| {
        Command::new(fmap)
            .args(args)
            .env(filemapping::FILEMAPPING_DIR, root)
            .stdin(stdin)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| BenchError::new(format!("cannot start fmap: {e}")))
    };
    let mut sender = spawn(&["send", &name, "--timeout", "30s"], Stdio::piped())?;
    let mut created = String::new();
    let mut sender_err = BufReader::new(sender.stderr.take().expect("piped"));
    sender_err
        .read_line(&mut created)
        .map_err(|e| BenchError::new(e.to_string()))?;
    let mut args = vec!["recv", name.as_str()];
    if let Some(poll) = poll {
        args.extend(["--poll", poll]);
    }
    let mut receiver = spawn(&args, Stdio::null())?;
    let mut lines = BufReader::new(receiver.stdout.take().expect("piped")).lines();
    let mut stdin = sender.stdin.take().expect("piped");
    let mut samples = Vec::new();
    let mut failure = None;
    for i in 0..count + 1 {
        // A pause, so that each message finds the receiver waiting (asleep, or between two
        // looks at the slot) rather than still in the loop that printed the last one; spread
        // over the polling interval for a polling receiver, which a fixed pause would hit at
        // the same phase every time.
        let pause = if poll.is_some() {
            2 + (i as u64 * 61) % 199
        } else {
            2
        };
        std::thread::sleep(std::time::Duration::from_millis(pause));
        let start = Instant::now();
        if writeln!(stdin, "message {i}")
            .and_then(|()| stdin.flush())
            .is_err()
        {
            failure = Some("the sender went away".to_owned());
            break;
        }
        match lines.next() {
            Some(Ok(line)) if line == format!("message {i}") => {}
            other => {
                failure = Some(format!("the receiver printed {other:?}"));
                break;
            }
        }
        // The first message also waits for the receiver to start.
        if i > 0 {
            samples.push(start.elapsed().as_nanos() as f64);
        }
    }
    drop(stdin);
    let _ = sender.wait();
    let _ = receiver.wait();
    match failure {
        Some(why) => Err(BenchError::new(why)),
        None => Ok(samples),
    }
}
