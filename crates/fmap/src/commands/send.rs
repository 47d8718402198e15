//! `fmap send`: create the 2048-byte mapping and hand each line of stdin to a receiver.
//!
//! Event-driven (the objects are described at `slot::Signals`): after each message the sender
//! sets `ready`, then sleeps until the receiver sets `taken`. While a receiver owns the
//! receiver mutex, the sender waits for that mutex too: it gets it the moment the receiver ends
//! or dies, says "the receiver is gone" and waits for another one (within `--timeout`); with no
//! receiver, it waits for `arrived` instead. A signal sets a local event that every wait
//! includes. Nothing polls. The sender owns the sender mutex from start to end, so that a
//! receiver learns of its end (or death) at once; a second sender of the same name finds it
//! owned and is refused.
//!
//! A line that does not fit the slot is refused with a message on stderr and the session goes
//! on with the next line; the exit code at the end says whether any line was refused. Lines are
//! read with a bound ([`MAX_LINE`]), so one endless line cannot fill the memory either. A signal
//! ends the session as EOF does, and the name goes away with the sender's handle.

use super::Ctx;
use crate::cli::SendArgs;
use crate::failure::{Context, Failure};
use crate::out::{errln, outln};
use crate::shown::{cut, shown};
use crate::slot;
use filemapping::{wait_any, CreateOptions, Disposition, FileMapAccess, View};
use filemapping::{Event as Flag, WaitAnyOutcome, ERROR_ALREADY_EXISTS};
use std::io::{BufRead, Read};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The longest line read whole, in bytes; a longer one is refused (a slot holds 1023 units,
/// at most 3069 bytes of UTF-8, and the rest leaves room for spaces that trimming removes).
const MAX_LINE: usize = 64 << 10;

/// What the reader of stdin and the signal handler tell the sender.
enum Event {
    Line(Result<String, String>),
    End,
}

pub(crate) fn run(ctx: &Ctx, args: &SendArgs) -> Result<(), Failure> {
    let (tx, rx) = mpsc::sync_channel(1);
    let on_signal = tx.clone();
    let stop = slot::stop_on_signal(move || {
        let _ = on_signal.try_send(Event::End);
    })?;
    let (signals, _) = slot::Signals::create(&ctx.ns, &args.name)
        .doing(&format!("cannot create the events of {}", cut(&args.name)))?;
    if !signals
        .sender
        .wait(Some(Duration::ZERO))
        .doing("cannot take the sender's mutex")?
        .is_acquired()
    {
        return Err(already_exists(&args.name));
    }
    let session = Session {
        signals: &signals,
        stop: &stop,
    };
    let result = serve(ctx, args, &session, &rx, tx);
    // The receiver learns at once that the sender is gone.
    let _ = signals.sender.release();
    result
}

/// The objects a session waits for.
struct Session<'a> {
    signals: &'a slot::Signals,
    stop: &'a Flag,
}

fn already_exists(name: &str) -> Failure {
    Failure::new(format!(
        "{} already exists (ERROR_ALREADY_EXISTS, {ERROR_ALREADY_EXISTS}); refusing to write into another program's mapping",
        cut(name)
    ))
    .with_win32("ERROR_ALREADY_EXISTS", ERROR_ALREADY_EXISTS)
    .with_hint(
        "choose another name; if another `fmap send` holds it, `fmap recv` reads it, \
         otherwise `fmap info` and `fmap read` show what it holds",
    )
}

fn serve(
    ctx: &Ctx,
    args: &SendArgs,
    session: &Session<'_>,
    rx: &mpsc::Receiver<Event>,
    tx: mpsc::SyncSender<Event>,
) -> Result<(), Failure> {
    let (map, disposition) = CreateOptions::new()
        .name(&args.name)
        .size(slot::SECTION_SIZE)
        .namespace(&ctx.ns)
        .create()
        .doing(&format!("cannot create {}", cut(&args.name)))?;
    if disposition == Disposition::OpenedExisting {
        return Err(already_exists(&args.name));
    }
    let view = map
        .map_view(FileMapAccess::WRITE, 0, 0)
        .doing("cannot map the slot")?;
    errln!(
        "fmap send: created {} ({} bytes); one message per line, an empty line or EOF ends",
        shown(map.name().unwrap_or(&args.name)),
        slot::SECTION_SIZE
    );
    std::thread::spawn(move || read_lines(&tx));
    let mut refused = 0;
    let mut number = 0;
    while !crate::signals::terminated() {
        let Ok(Event::Line(line)) = rx.recv() else {
            break;
        };
        number += 1;
        let refusal = match line {
            Ok(line) => {
                let text = line.trim();
                if text.is_empty() {
                    break;
                }
                match slot::encode(text) {
                    Ok(bytes) => {
                        send_one(ctx, session, &view, (text, &bytes), args.timeout)?;
                        continue;
                    }
                    Err(e) => format!(
                        "the message is {} UTF-16 code units long; the slot holds at most {}",
                        e.units,
                        slot::UNITS - 1
                    ),
                }
            }
            Err(why) => why,
        };
        refused += 1;
        errln!("fmap send: line {number} refused, never truncated: {refusal}; going on");
    }
    if refused > 0 {
        return Err(Failure::new(format!(
            "{refused} of {number} lines were refused (see above); the others were sent"
        )));
    }
    Ok(())
}

/// Sends stdin's lines, each at most [`MAX_LINE`] bytes (a longer one is skipped to its end
/// and refused), then [`Event::End`].
fn read_lines(tx: &mpsc::SyncSender<Event>) {
    let mut stdin = std::io::stdin().lock();
    let mut line = Vec::new();
    loop {
        line.clear();
        let limit = MAX_LINE as u64 + 1;
        match (&mut stdin).take(limit).read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        let event = if line.len() > MAX_LINE && !line.ends_with(b"\n") {
            let mut total = line.len();
            loop {
                line.clear();
                match (&mut stdin).take(limit).read_until(b'\n', &mut line) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => total += n,
                }
                if line.ends_with(b"\n") {
                    break;
                }
            }
            Err(format!(
                "the line has {total} bytes or more; at most {MAX_LINE} are read"
            ))
        } else {
            String::from_utf8(std::mem::take(&mut line))
                .map_err(|_| "the line is not UTF-8".to_owned())
        };
        if tx.send(Event::Line(event)).is_err() {
            return;
        }
    }
    let _ = tx.send(Event::End);
}

fn send_one(
    ctx: &Ctx,
    session: &Session<'_>,
    view: &View,
    (text, bytes): (&str, &[u8]),
    timeout: Duration,
) -> Result<(), Failure> {
    slot::put(view, bytes).doing("cannot write the slot")?;
    session
        .signals
        .ready
        .set()
        .doing("cannot signal the receiver")?;
    match wait_taken(session, timeout)? {
        Taken::Yes => {}
        Taken::Signal => return Ok(()),
        Taken::TimedOut => {
            return Err(Failure::timed_out(format!(
                "no receiver took the message within {}; stopping",
                crate::cli::show_duration(timeout)
            ))
            .with_hint("start `fmap recv` with the same name"))
        }
    }
    if ctx.json {
        outln!("{}", serde_json::json!({ "sent": text }))
    } else {
        outln!("sent: {text}")
    }
}

enum Taken {
    Yes,
    TimedOut,
    Signal,
}

/// Waits until the receiver took the message, `timeout` passed, or a signal came; notices a
/// receiver that goes away meanwhile and waits for the next one.
fn wait_taken(session: &Session<'_>, timeout: Duration) -> Result<Taken, Failure> {
    let deadline = Instant::now() + timeout;
    let signals = session.signals;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        // A receiver owns the receiver mutex: if this thread gets it, there is none.
        let receiver = signals
            .receiver
            .wait(Some(Duration::ZERO))
            .doing("cannot look for the receiver")?;
        let present = !receiver.is_acquired();
        if !present {
            signals
                .receiver
                .release()
                .doing("cannot release the receiver's mutex")?;
        }
        if receiver == filemapping::WaitOutcome::Abandoned {
            // It died since the last message.
            errln!("fmap send: the receiver is gone; waiting for another one");
        }
        let second: &dyn filemapping::Waitable = if present {
            &signals.receiver
        } else {
            &signals.arrived
        };
        let outcome = wait_any(&[&signals.taken, second, session.stop], Some(left))
            .doing("cannot wait for the receiver")?;
        match outcome {
            WaitAnyOutcome::Signaled(0) | WaitAnyOutcome::Abandoned(0) => return Ok(Taken::Yes),
            WaitAnyOutcome::Signaled(1) | WaitAnyOutcome::Abandoned(1) => {
                if present {
                    signals
                        .receiver
                        .release()
                        .doing("cannot release the receiver's mutex")?;
                    errln!("fmap send: the receiver is gone; waiting for another one");
                }
            }
            WaitAnyOutcome::TimedOut => return Ok(Taken::TimedOut),
            _ => return Ok(Taken::Signal),
        }
    }
}
