//! `fmap recv`: print the messages a sender puts in the slot, until the sender is gone.

use crate::cli::RecvArgs;
use crate::failure::{Context, Failure};
use crate::slot;
use filemapping::{FileMapAccess, Namespace, View};
use std::io::Write;

pub(crate) fn run(ns: &Namespace, args: &RecvArgs) -> Result<(), Failure> {
    let map = super::open(ns, &args.name, FileMapAccess::WRITE)?;
    let size = map.info().doing("cannot query the mapping")?.size();
    if size < slot::SECTION_SIZE {
        return Err(Failure::new(format!(
            "{} has {size} bytes; a message slot needs {}",
            args.name,
            slot::SECTION_SIZE
        )));
    }
    let view = map
        .map_view(FileMapAccess::WRITE, 0, 0)
        .doing("cannot map the slot")?;
    loop {
        drain(&view)?;
        // Our handle is the only one left: the sender is gone.
        if map.handle_count().doing("cannot count the handles")? <= 1 {
            drain(&view)?;
            eprintln!("fmap recv: the sender is gone");
            return Ok(());
        }
        std::thread::sleep(args.interval);
    }
}

fn drain(view: &View) -> Result<(), Failure> {
    while let Some(message) = slot::take(view).doing("cannot read the slot")? {
        let mut out = std::io::stdout().lock();
        writeln!(out, "{message}")
            .and_then(|_| out.flush())
            .doing("cannot write stdout")?;
    }
    Ok(())
}
