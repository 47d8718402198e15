//! `fmap send`: create the 2048-byte mapping and hand each line of stdin to a receiver.

use crate::cli::SendArgs;
use crate::failure::{Context, Failure};
use crate::shown::{cut, shown};
use crate::slot;
use filemapping::{
    CreateOptions, Disposition, FileMapAccess, Namespace, View, ERROR_ALREADY_EXISTS,
};
use std::io::{BufRead, Write};
use std::time::{Duration, Instant};

pub(crate) fn run(ns: &Namespace, args: &SendArgs) -> Result<(), Failure> {
    let (map, disposition) = CreateOptions::new()
        .name(&args.name)
        .size(slot::SECTION_SIZE)
        .namespace(ns)
        .create()
        .doing(&format!("cannot create {}", cut(&args.name)))?;
    if disposition == Disposition::OpenedExisting {
        return Err(Failure::new(format!(
            "{} already exists (ERROR_ALREADY_EXISTS, {ERROR_ALREADY_EXISTS}); refusing to write into another program's mapping",
            cut(&args.name)
        ))
        .with_hint("choose another name, or read it with `fmap recv`"));
    }
    let view = map
        .map_view(FileMapAccess::WRITE, 0, 0)
        .doing("cannot map the slot")?;
    eprintln!(
        "fmap send: created {} ({} bytes); one message per line, an empty line or EOF ends",
        shown(map.name().unwrap_or(&args.name)),
        slot::SECTION_SIZE
    );
    for line in std::io::stdin().lock().lines() {
        let line = line.doing("cannot read stdin")?;
        let text = line.trim();
        if text.is_empty() {
            break;
        }
        send_one(&view, text, args.timeout)?;
    }
    Ok(())
}

fn send_one(view: &View, text: &str, timeout: Duration) -> Result<(), Failure> {
    let bytes = slot::encode(text).map_err(|e| {
        Failure::new(format!(
            "the message is {} UTF-16 code units long; the slot holds at most {}",
            e.units,
            slot::UNITS - 1
        ))
    })?;
    slot::put(view, &bytes).doing("cannot write the slot")?;
    if !wait_taken(view, timeout)? {
        return Err(Failure::timed_out(format!(
            "no receiver took the message within {timeout:?}; stopping"
        ))
        .with_hint("start `fmap recv` with the same name"));
    }
    let mut out = std::io::stdout().lock();
    writeln!(out, "sent: {text}")
        .and_then(|_| out.flush())
        .doing("cannot write stdout")
}

/// Waits until the receiver cleared the slot, or `timeout` passed.
fn wait_taken(view: &View, timeout: Duration) -> Result<bool, Failure> {
    let deadline = Instant::now() + timeout;
    loop {
        if slot::is_empty(view).doing("cannot read the slot")? {
            return Ok(true);
        }
        if Instant::now() >= deadline {
            return Ok(false);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}
