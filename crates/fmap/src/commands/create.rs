//! `fmap create`: create a mapping and hold it, since a name lives only while someone holds it.
//!
//! How long it holds: `--for DURATION`; `--hold` until a signal; otherwise until the end of
//! stdin when stdin can end (a pipe, or the terminal while in the foreground), and until a
//! signal when it cannot (`</dev/null`, a file, or the terminal of a background job, which a
//! read would stop with SIGTTIN). SIGINT, SIGTERM and SIGHUP always end the hold and release the
//! name. Only the first line ("created ...") must reach stdout: once it did, a holder keeps
//! holding even if its reader went away (`fmap create X --for 60s | head -1`), and later lines
//! are best effort.

use super::Ctx;
use crate::cli::{show_duration, CreateArgs, Protect};
use crate::failure::{Context, Failure};
use crate::out::{errln, outln};
use crate::output;
use crate::shown::{cut, shown};
use filemapping::{CreateOptions, Protection, SectionAttributes, ERROR_INVALID_NAME};
use std::io::Read;
use std::sync::mpsc;
use std::time::Duration;

pub(crate) fn run(ctx: &Ctx, args: &CreateArgs) -> Result<(), Failure> {
    if args.name.is_empty() {
        return Err(Failure::new(format!(
            "an empty name would make an unnamed section that no other process can open (ERROR_INVALID_NAME, {ERROR_INVALID_NAME})"
        ))
        .with_win32("ERROR_INVALID_NAME", ERROR_INVALID_NAME));
    }
    // Before anything is created: a signal from now on ends the hold and releases the name.
    let (tx, rx) = mpsc::channel();
    let on_signal = tx.clone();
    crate::signals::on_termination(move || {
        let _ = on_signal.send(());
    })?;
    let mut protection = protection(args.protect);
    let mut attributes = if args.large_pages {
        SectionAttributes::COMMIT | SectionAttributes::LARGE_PAGES
    } else if args.reserve {
        SectionAttributes::RESERVE
    } else {
        SectionAttributes::NONE
    };
    let mut path = args.file.as_ref();
    if let Some(image) = &args.image {
        // An image's pages take their sections' protections; the handle's only needs reading.
        (path, protection, attributes) =
            (Some(image), Protection::ReadOnly, SectionAttributes::IMAGE);
    }
    let file = match path {
        Some(path) => Some(BackingFile::open(path, protection)?),
        None => None,
    };
    let size = args.size.unwrap_or(0);
    let mut options = CreateOptions::new()
        .name(&args.name)
        .size(size)
        .protection(protection)
        .attributes(attributes)
        .namespace(&ctx.ns);
    if let Some(mode) = args.mode {
        options = options.permissions(mode);
    }
    if let Some(file) = &file {
        options = options.file(&file.file);
    }
    let created = options
        .create()
        .doing(&format!("cannot create {}", cut(&args.name)));
    let (map, disposition) = match created {
        Ok(created) => created,
        Err(failure) => {
            if let Some(file) = file {
                file.remove_if_made();
            }
            return Err(failure);
        }
    };
    let info = map.info().doing("cannot query the mapping")?;
    let name = info.name().unwrap_or(&args.name).to_owned();
    let hold = Hold::choose(args);
    if ctx.json {
        let mut value = output::info_json(&info);
        value["created"] = serde_json::json!(disposition.is_created());
        value["requested_size"] = serde_json::json!(size);
        value["holding"] = serde_json::json!(hold.describe());
        outln!("{value}")?;
    } else {
        let verb = if disposition.is_created() {
            "created"
        } else {
            "opened the existing"
        };
        outln!(
            "{verb} {}: {} bytes, {}, {}, backed by {}",
            shown(&name),
            info.size(),
            info.protection(),
            output::attributes(info.attributes()),
            output::backing(info.backing())
        )?;
        if disposition.is_created() && size != 0 && info.size() != size {
            errln!(
                "fmap create: note: {} bytes were asked for; the section has {} (whole pages)",
                size,
                info.size()
            );
        }
        let _ = outln!("holding it {}", hold.describe());
    }
    if !crate::signals::terminated() {
        hold.wait(tx, &rx);
    }
    drop(map);
    let _ = if ctx.json {
        outln!("{}", serde_json::json!({ "released": name }))
    } else {
        outln!("released {}", shown(&name))
    };
    Ok(())
}

/// How long to hold.
enum Hold {
    For(Duration),
    UntilEof,
    UntilSignal,
}

impl Hold {
    fn choose(args: &CreateArgs) -> Hold {
        match args.hold_for {
            Some(duration) => Hold::For(duration),
            None if args.hold || !stdin_can_end() => Hold::UntilSignal,
            None => Hold::UntilEof,
        }
    }

    fn describe(&self) -> String {
        match self {
            Hold::For(duration) => {
                format!("for {} (a signal ends sooner)", show_duration(*duration))
            }
            Hold::UntilEof => "until end of input (Ctrl-D) or a signal (Ctrl-C)".to_owned(),
            Hold::UntilSignal => format!("until a signal (Ctrl-C, or kill {})", std::process::id()),
        }
    }

    /// Waits for the end of the hold; every end is a normal one.
    /// `rx` receives a message on a signal; `tx` is for the end of stdin.
    fn wait(&self, tx: mpsc::Sender<()>, rx: &mpsc::Receiver<()>) {
        match self {
            Hold::For(duration) => {
                let _ = rx.recv_timeout(*duration);
            }
            Hold::UntilEof => {
                std::thread::spawn(move || {
                    // Read and discard: endless input must not fill the memory.
                    let mut sink = [0u8; 8192];
                    let mut stdin = std::io::stdin().lock();
                    loop {
                        match stdin.read(&mut sink) {
                            Ok(0) => break,
                            Ok(_) => {}
                            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                            Err(_) => break,
                        }
                    }
                    let _ = tx.send(());
                });
                let _ = rx.recv();
            }
            Hold::UntilSignal => {
                drop(tx);
                let _ = rx.recv();
            }
        }
    }
}

/// Whether reading stdin can reach an end that a person or a program chooses: a pipe, a
/// socket, or the terminal of the foreground. Not `/dev/null` or a file (they end at once), nor
/// the terminal of a background job.
fn stdin_can_end() -> bool {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        return in_foreground();
    }
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        use std::os::unix::fs::FileTypeExt;
        let kind = std::io::stdin()
            .as_fd()
            .try_clone_to_owned()
            .map(std::fs::File::from)
            .and_then(|f| f.metadata())
            .map(|m| m.file_type());
        matches!(kind, Ok(kind) if kind.is_fifo() || kind.is_socket())
    }
    #[cfg(not(unix))]
    {
        true
    }
}

/// Whether this process is in the foreground process group of its terminal (Linux: fields 5
/// and 8 of `/proc/self/stat`); elsewhere, assumed.
fn in_foreground() -> bool {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return true;
    };
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // After the name: state, ppid, pgrp, session, tty_nr, tpgid.
    match (fields.get(2), fields.get(5)) {
        (Some(pgrp), Some(tpgid)) => pgrp == tpgid,
        _ => true,
    }
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

/// The backing file, and whether this command made it (then a failed create removes it).
struct BackingFile {
    file: std::fs::File,
    path: std::path::PathBuf,
    made: bool,
}

impl BackingFile {
    /// Opens the file: read-write (created if missing) for writable protections.
    fn open(path: &std::path::Path, protection: Protection) -> Result<BackingFile, Failure> {
        let writable = protection.is_writable();
        let existed = std::fs::symlink_metadata(path).is_ok();
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(writable)
            .create(writable)
            .truncate(false)
            .open(path)
            .doing(&format!(
                "cannot open {}",
                shown(&path.display().to_string())
            ))?;
        Ok(BackingFile {
            file,
            path: path.to_owned(),
            made: !existed,
        })
    }

    fn remove_if_made(self) {
        if self.made {
            drop(self.file);
            let _ = std::fs::remove_file(&self.path);
        }
    }
}
