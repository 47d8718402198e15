//! `fmap recv`: print the messages a sender puts in the slot, until the sender is gone (or a
//! signal comes). A mapping that is not a sender's slot (see `slot`) is refused, never printed
//! as text.
//!
//! Event-driven (the objects are described at `slot::Signals`): the receiver owns the receiver
//! mutex (a second receiver is refused: each message is printed exactly once), says it arrived,
//! and sleeps in one wait for the sender's `ready` event, the sender's mutex and a local event
//! that a signal sets. A message is printed as soon as it is put; after each one it sets
//! `taken`. It gets the sender's mutex when the sender ends or dies (even by SIGKILL): then it
//! prints what is left and ends. Nothing polls.
//!
//! `--poll INTERVAL` (or a sender without the events: the classic example) looks at the slot
//! every INTERVAL instead, and ends when its handle is the last one to the mapping.

use super::Ctx;
use crate::cli::RecvArgs;
use crate::failure::{Context, Failure};
use crate::out::{errln, outln};
use crate::shown::cut;
use crate::slot::{self, NotSlot};
use filemapping::{wait_any, FileMapAccess, View, WaitAnyOutcome};
use std::time::Duration;

/// The interval of polling for a sender without events.
const CLASSIC_POLL: Duration = Duration::from_millis(200);

/// `ERROR_INVALID_DATA`: the data is invalid.
const ERROR_INVALID_DATA: u32 = 13;

pub(crate) fn run(ctx: &Ctx, args: &RecvArgs) -> Result<(), Failure> {
    let stop = slot::stop_on_signal(|| {})?;
    let map = super::open(&ctx.ns, &args.name, FileMapAccess::WRITE)?;
    let size = map.info().doing("cannot query the mapping")?.size();
    slot::check_size(size).map_err(|not| not_a_slot(&args.name, &not))?;
    let view = map
        .map_view(FileMapAccess::WRITE, 0, 0)
        .doing("cannot map the slot")?;
    check_idle(&view).map_err(|not| not_a_slot(&args.name, &not))?;
    let signals = slot::Signals::open(&ctx.ns, &args.name)
        .doing(&format!("cannot open the events of {}", cut(&args.name)))?;
    if let Some(signals) = &signals {
        let mine = signals
            .receiver
            .wait(Some(Duration::ZERO))
            .doing("cannot take the receiver's mutex")?;
        if !mine.is_acquired() {
            return Err(Failure::new(format!(
                "another `fmap recv` is already reading {}: a slot has one receiver, so that each message is printed once",
                cut(&args.name)
            ))
            .with_hint("stop the other receiver first, or give each pair its own name"));
        }
        signals.arrived.set().doing("cannot tell the sender")?;
    }
    let result = match (&signals, args.poll) {
        (Some(signals), None) => listen(ctx, (&map, &view), &args.name, signals, &stop),
        (_, poll) => {
            if poll.is_none() {
                errln!(
                    "fmap recv: the sender made no events (a classic sender); polling every {}",
                    crate::cli::show_duration(CLASSIC_POLL)
                );
            }
            let interval = poll.unwrap_or(CLASSIC_POLL);
            poll_slot(
                ctx,
                &map,
                &view,
                &args.name,
                signals.as_ref(),
                (&stop, interval),
            )
        }
    };
    if let Some(signals) = &signals {
        let _ = signals.receiver.release();
    }
    result
}

/// The event-driven loop.
fn listen(
    ctx: &Ctx,
    (map, view): (&filemapping::FileMapping, &View),
    name: &str,
    signals: &slot::Signals,
    stop: &filemapping::Event,
) -> Result<(), Failure> {
    loop {
        drain(ctx, view, name, Some(signals))?;
        let outcome = wait_any(&[&signals.ready, &signals.sender, stop], None)
            .doing("cannot wait for the sender")?;
        match outcome {
            WaitAnyOutcome::Signaled(0) => {}
            WaitAnyOutcome::Signaled(1) | WaitAnyOutcome::Abandoned(1) => {
                let _ = signals.sender.release();
                drain(ctx, view, name, Some(signals))?;
                if outcome == WaitAnyOutcome::Abandoned(1) {
                    outlive(map);
                }
                errln!("fmap recv: the sender is gone");
                return Ok(());
            }
            _ => return Ok(()),
        }
    }
}

/// Waits (a little) until a dead sender's handle is closed. The kernel marks a dead thread's
/// mutexes abandoned before it closes the process's files, so the receiver can learn of the
/// death while the sender's handle to the mapping is still open; if the receiver closed first,
/// neither close would be the last one's and the name would stay behind, stale. The wait is
/// bounded (2 s): a process's files close within moments of its death.
fn outlive(map: &filemapping::FileMapping) {
    let deadline = std::time::Instant::now() + Duration::from_secs(2);
    while std::time::Instant::now() < deadline {
        match map.handle_count() {
            Ok(n) if n > 1 => std::thread::sleep(Duration::from_millis(1)),
            _ => return,
        }
    }
}

/// The classic loop: a look at the slot every `interval`.
fn poll_slot(
    ctx: &Ctx,
    map: &filemapping::FileMapping,
    view: &View,
    name: &str,
    signals: Option<&slot::Signals>,
    (stop, interval): (&filemapping::Event, Duration),
) -> Result<(), Failure> {
    loop {
        drain(ctx, view, name, signals)?;
        // Our handle is the only one left: the sender is gone.
        if map.handle_count().doing("cannot count the handles")? <= 1 {
            drain(ctx, view, name, signals)?;
            errln!("fmap recv: the sender is gone");
            return Ok(());
        }
        if stop.wait(Some(interval)).doing("cannot wait")? {
            return Ok(());
        }
    }
}

/// An empty slot is all zeros; a sender writes a message's first unit last, so non-zero bytes
/// behind a zero first unit that stay there are not a sender's.
fn check_idle(view: &View) -> Result<(), NotSlot> {
    for attempt in 0..3 {
        let mut bytes = vec![0u8; slot::UNITS * 2];
        if view.read_at(0, &mut bytes).is_err() || bytes[..2] != [0, 0] || slot::is_clean(&bytes) {
            return Ok(());
        }
        if attempt < 2 {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    Err(NotSlot(
        "its first two bytes are zero but bytes follow them".to_owned(),
    ))
}

fn not_a_slot(name: &str, not: &NotSlot) -> Failure {
    Failure::new(format!(
        "{} is not a sender's slot: {} (ERROR_INVALID_DATA, {ERROR_INVALID_DATA})",
        cut(name),
        not.0
    ))
    .with_win32("ERROR_INVALID_DATA", ERROR_INVALID_DATA)
    .with_hint(format!(
        "`fmap recv` reads what `fmap send` writes; `fmap read {}` shows any mapping's bytes",
        cut(name)
    ))
}

/// Prints every message in the slot, telling the sender after each one.
fn drain(
    ctx: &Ctx,
    view: &View,
    name: &str,
    signals: Option<&slot::Signals>,
) -> Result<(), Failure> {
    while let Some(message) = slot::take(view).doing("cannot read the slot")? {
        let message = message.map_err(|not| not_a_slot(name, &not))?;
        if let Some(signals) = signals {
            signals.taken.set().doing("cannot tell the sender")?;
        }
        if ctx.json {
            outln!("{}", serde_json::json!({ "message": message }))?;
        } else {
            outln!("{message}")?;
        }
    }
    Ok(())
}
