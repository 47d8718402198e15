//! `fmap recv`: print the messages a sender puts in the slot, until the sender is gone (or a
//! signal comes). A mapping that is not a sender's slot (see `slot`) is refused, never printed
//! as text.

use super::Ctx;
use crate::cli::RecvArgs;
use crate::failure::{Context, Failure};
use crate::out::{errln, outln};
use crate::shown::cut;
use crate::slot::{self, NotSlot};
use filemapping::{FileMapAccess, View};
use std::time::Duration;

/// `ERROR_INVALID_DATA`: the data is invalid.
const ERROR_INVALID_DATA: u32 = 13;

pub(crate) fn run(ctx: &Ctx, args: &RecvArgs) -> Result<(), Failure> {
    let signal = crate::signals::channel()?;
    let map = super::open(&ctx.ns, &args.name, FileMapAccess::WRITE)?;
    let size = map.info().doing("cannot query the mapping")?.size();
    slot::check_size(size).map_err(|not| not_a_slot(&args.name, &not))?;
    let view = map
        .map_view(FileMapAccess::WRITE, 0, 0)
        .doing("cannot map the slot")?;
    check_idle(&view).map_err(|not| not_a_slot(&args.name, &not))?;
    loop {
        drain(ctx, &view, &args.name)?;
        // Our handle is the only one left: the sender is gone.
        if map.handle_count().doing("cannot count the handles")? <= 1 {
            drain(ctx, &view, &args.name)?;
            errln!("fmap recv: the sender is gone");
            return Ok(());
        }
        if signal.recv_timeout(args.interval).is_ok() || crate::signals::terminated() {
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

fn drain(ctx: &Ctx, view: &View, name: &str) -> Result<(), Failure> {
    while let Some(message) = slot::take(view).doing("cannot read the slot")? {
        let message = message.map_err(|not| not_a_slot(name, &not))?;
        if ctx.json {
            outln!("{}", serde_json::json!({ "message": message }))?;
        } else {
            outln!("{message}")?;
        }
    }
    Ok(())
}
