//! The peer: this test binary, re-executed as a child process, runs a small script of commands
//! against the public API and reports on stdout, one `PEER ...` line per result.
//!
//! Commands (separated by `;`):
//! - `create NAME SIZE` → `created` / `existing`
//! - `open NAME ACCESS_HEX` → `opened`
//! - `adopt ENV_VAR` → `adopted` (an inherited handle whose token is in that variable)
//! - `map ACCESS_HEX` → `mapped`
//! - `write OFFSET TEXT` → `wrote`; `read OFFSET LEN` → `read TEXT`
//! - `commit OFFSET LEN` → `committed` (`View::commit` on the view)
//! - `count` → `count N`; `close` → `closed`
//! - `ready` → `ready`, then waits for one line on stdin
//! - `event NAME` → `event` (opens a live event); `wait MS` → `signaled` / `timeout`
//! - `race N GENERATIONS ID` → see [`race`]
//!
//! A failing command prints `error CODE` and the script goes on.

#![allow(unsafe_code)]

use filemapping::{CreateOptions, Event, FileMapAccess, FileMapping, View};
use std::io::BufRead;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// The environment variable that carries the script.
pub(crate) const SCRIPT: &str = "FM_PEER_SCRIPT";

#[derive(Default)]
struct State {
    map: Option<FileMapping>,
    view: Option<View>,
    event: Option<Event>,
}

fn say(line: &str) {
    println!("PEER {line}");
}

/// Runs the script in `$FM_PEER_SCRIPT`.
pub(crate) fn run(script: &str) {
    let mut state = State::default();
    for command in script.split(';').map(str::trim).filter(|c| !c.is_empty()) {
        let words: Vec<&str> = command.split(' ').collect();
        if let Err(e) = step(&mut state, &words) {
            say(&format!("error {}", e.win32_code()));
        }
    }
}

fn hex(word: &str) -> FileMapAccess {
    FileMapAccess::from_bits(u32::from_str_radix(word, 16).expect("hex access"))
}

fn num(word: &str) -> u64 {
    word.parse().expect("number")
}

fn step(state: &mut State, words: &[&str]) -> filemapping::Result<()> {
    match words {
        ["create", name, size] => create(state, name, num(size)),
        ["open", name, access] => {
            state.map = Some(FileMapping::open(name, hex(access))?);
            say("opened");
            Ok(())
        }
        ["adopt", var] => {
            let token = std::env::var(var).expect("token variable");
            // SAFETY: the parent made this handle inheritable and passed its token; nothing else
            // in this process adopts it.
            state.map = Some(unsafe { FileMapping::from_inherit_token(&token)? });
            say("adopted");
            Ok(())
        }
        ["map", access] => {
            state.view = Some(handle(state)?.map_view(hex(access), 0, 0)?);
            say("mapped");
            Ok(())
        }
        ["write", offset, text] => {
            view(state)?.write_at(num(offset) as usize, text.as_bytes())?;
            say("wrote");
            Ok(())
        }
        ["read", offset, len] => read(state, num(offset) as usize, num(len) as usize),
        ["commit", offset, len] => {
            view(state)?.commit(num(offset) as usize, num(len) as usize)?;
            say("committed");
            Ok(())
        }
        ["count"] => {
            say(&format!("count {}", handle(state)?.handle_count()?));
            Ok(())
        }
        ["close"] => {
            state.map.take().map_or(Ok(()), FileMapping::close)?;
            say("closed");
            Ok(())
        }
        ["ready"] => {
            say("ready");
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line).expect("stdin");
            Ok(())
        }
        ["event", name] => {
            state.event = Some(Event::open(name)?);
            say("event");
            Ok(())
        }
        ["wait", ms] => {
            let event = state.event.as_ref().expect("an event first");
            let signaled = event.wait(Some(Duration::from_millis(num(ms))))?;
            say(if signaled { "signaled" } else { "timeout" });
            Ok(())
        }
        ["race", peers, generations, id] => race(num(peers), num(generations), num(id)),
        other => panic!("unknown peer command {other:?}"),
    }
}

fn handle(state: &State) -> filemapping::Result<&FileMapping> {
    state
        .map
        .as_ref()
        .ok_or_else(|| filemapping::Error::new(filemapping::ErrorKind::InvalidHandle, "no handle"))
}

fn view(state: &State) -> filemapping::Result<&View> {
    state
        .view
        .as_ref()
        .ok_or_else(|| filemapping::Error::new(filemapping::ErrorKind::InvalidAddress, "no view"))
}

fn create(state: &mut State, name: &str, size: u64) -> filemapping::Result<()> {
    let (map, disposition) = CreateOptions::new().name(name).size(size).create()?;
    state.map = Some(map);
    say(if disposition.is_created() {
        "created"
    } else {
        "existing"
    });
    Ok(())
}

fn read(state: &State, offset: usize, len: usize) -> filemapping::Result<()> {
    let mut buf = vec![0u8; len];
    view(state)?.read_at(offset, &mut buf)?;
    let text: String = buf
        .iter()
        .map(|&b| if b == 0 { '.' } else { char::from(b) })
        .collect();
    say(&format!("read {text}"));
    Ok(())
}

/// Waits until `cond` holds, failing the peer after a minute.
fn spin(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut rounds = 0u32;
    while !cond() {
        assert!(
            Instant::now() < deadline,
            "peer timed out waiting for {what}"
        );
        rounds += 1;
        if rounds < 100 {
            std::thread::yield_now();
        } else {
            std::thread::sleep(Duration::from_micros(200));
        }
    }
}

/// One of `peers` processes racing to create-or-open the name `race`, `generations` times.
///
/// The parent's section `ctl` holds two counters per generation: arrivals and departures. In
/// each generation a peer waits until everyone left the previous one, creates-or-opens `race`,
/// and if it created it, checks that the memory is zero-filled and stamps its id at offset 0.
/// Then it arrives, waits until all peers hold the object, reads the stamp, closes and leaves.
/// It reports `gen G created|existing STAMP`.
fn race(peers: u64, generations: u64, id: u64) -> filemapping::Result<()> {
    let ctl =
        FileMapping::open("ctl", FileMapAccess::WRITE)?.map_view(FileMapAccess::WRITE, 0, 0)?;
    for gen in 0..generations as usize {
        if gen > 0 {
            let left = ctl.atomic_u64(16 * (gen - 1) + 8)?;
            spin("the previous generation", || {
                left.load(Ordering::SeqCst) == peers
            });
        }
        let (map, disposition) = CreateOptions::new().name("race").size(4096).create()?;
        let shared = map.map_view(FileMapAccess::WRITE, 0, 0)?;
        if disposition.is_created() {
            let mut fresh = [0xffu8; 64];
            shared.read_at(0, &mut fresh)?;
            assert_eq!(fresh, [0u8; 64], "a created object must be zero-filled");
            shared.atomic_u64(0)?.store(id, Ordering::SeqCst);
        }
        let arrived = ctl.atomic_u64(16 * gen)?;
        arrived.fetch_add(1, Ordering::SeqCst);
        spin("all peers to arrive", || {
            arrived.load(Ordering::SeqCst) == peers
        });
        let stamp = shared.atomic_u64(0)?.load(Ordering::SeqCst);
        let verb = if disposition.is_created() {
            "created"
        } else {
            "existing"
        };
        say(&format!("gen {gen} {verb} {stamp}"));
        drop(shared);
        map.close()?;
        ctl.atomic_u64(16 * gen + 8)?.fetch_add(1, Ordering::SeqCst);
    }
    Ok(())
}
