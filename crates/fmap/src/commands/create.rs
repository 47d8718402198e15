//! `fmap create`: create a mapping and hold it, since a name lives only while someone holds it.

use crate::cli::{CreateArgs, Protect};
use crate::failure::{Context, Failure};
use crate::output;
use crate::shown::{cut, shown};
use filemapping::{CreateOptions, Namespace, Protection, SectionAttributes};
use std::io::Read;
use std::sync::mpsc;

pub(crate) fn run(ns: &Namespace, args: &CreateArgs) -> Result<(), Failure> {
    let protection = protection(args.protect);
    let file = match &args.file {
        Some(path) => Some(open_file(path, protection)?),
        None => None,
    };
    let attributes = if args.large_pages {
        SectionAttributes::COMMIT | SectionAttributes::LARGE_PAGES
    } else if args.reserve {
        SectionAttributes::RESERVE
    } else {
        SectionAttributes::NONE
    };
    let mut options = CreateOptions::new()
        .name(&args.name)
        .size(args.size)
        .protection(protection)
        .attributes(attributes)
        .namespace(ns);
    if let Some(file) = &file {
        options = options.file(file);
    }
    let (map, disposition) = options
        .create()
        .doing(&format!("cannot create {}", cut(&args.name)))?;
    let info = map.info().doing("cannot query the mapping")?;
    let verb = if disposition.is_created() {
        "created"
    } else {
        "opened the existing"
    };
    println!(
        "{verb} {}: {} bytes, {}, {}, backed by {}",
        shown(info.name().unwrap_or(&args.name)),
        info.size(),
        info.protection(),
        output::attributes(info.attributes()),
        output::backing(info.backing())
    );
    hold(args.hold_for);
    drop(map);
    println!("released {}", shown(&args.name));
    Ok(())
}

fn protection(protect: Protect) -> Protection {
    match protect {
        Protect::Ro => Protection::ReadOnly,
        Protect::Rw => Protection::ReadWrite,
        Protect::Wc => Protection::WriteCopy,
        Protect::Rx => Protection::ExecuteRead,
        Protect::Rwx => Protection::ExecuteReadWrite,
        Protect::Wcx => Protection::ExecuteWriteCopy,
    }
}

/// Opens the backing file: read-write (created if missing) for writable protections.
fn open_file(path: &std::path::Path, protection: Protection) -> Result<std::fs::File, Failure> {
    let writable = protection.is_writable();
    std::fs::OpenOptions::new()
        .read(true)
        .write(writable)
        .create(writable)
        .truncate(false)
        .open(path)
        .doing(&format!("cannot open {}", path.display()))
}

/// Holds until the duration ends, or (without one) until EOF on stdin. Ctrl-C ends the process,
/// and the kernel releases the handle with it.
fn hold(duration: Option<std::time::Duration>) {
    match duration {
        Some(duration) => {
            println!("holding it for {duration:?} (Ctrl-C ends sooner)");
            std::thread::sleep(duration);
        }
        None => {
            println!("holding it until Ctrl-C or end of input (Ctrl-D)");
            let (tx, rx) = mpsc::channel();
            std::thread::spawn(move || {
                let mut sink = Vec::new();
                let _ = std::io::stdin().lock().read_to_end(&mut sink);
                let _ = tx.send(());
            });
            let _ = rx.recv();
        }
    }
}
