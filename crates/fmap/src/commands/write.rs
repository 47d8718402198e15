//! `fmap write`: write bytes into a mapping, from an argument, stdin or a file.
//!
//! Input is streamed a chunk at a time straight into the view, never read whole, and never past
//! the end of the mapping: endless input (`--from /dev/zero`, `yes | fmap write X --stdin`)
//! fills the mapping from the offset to its end and stops there with a message and exit code 1.
//! The pages of a `SEC_RESERVE` mapping are committed as they are written, as a Windows program
//! commits them (`VirtualAlloc(MEM_COMMIT)`) before it writes.

use super::read::map_range;
use super::Ctx;
use crate::cli::WriteArgs;
use crate::failure::{Context, Failure};
use crate::out::outln;
use crate::shown::shown;
use filemapping::{FileMapAccess, SectionAttributes, ERROR_ACCESS_DENIED};
use std::io::Read;

const CHUNK: usize = 1 << 20;

pub(crate) fn run(ctx: &Ctx, args: &WriteArgs) -> Result<(), Failure> {
    let (mut input, input_len) = input(args)?;
    let map = super::open(&ctx.ns, &args.name, FileMapAccess::WRITE)?;
    let info = map.info().doing("cannot query the mapping")?;
    let size = info.size();
    let reserve = info.attributes().contains(SectionAttributes::RESERVE);
    if args.offset > size || input_len.is_some_and(|len| len > size - args.offset) {
        return Err(past_the_end(size, args.offset, input_len));
    }
    let room = usize::try_from(size - args.offset)
        .map_err(|_| Failure::new("the mapping does not fit in memory"))?;
    let view = match room {
        0 => None,
        _ => Some(map_range(&map, FileMapAccess::WRITE, args.offset, room)?),
    };
    let bar = super::progress(input_len.unwrap_or(0));
    let mut buf = vec![0u8; CHUNK.min(room.max(1))];
    let mut written = 0usize;
    let mut more = false;
    loop {
        let want = buf.len().min(room - written);
        if want == 0 {
            // Full: is there more input? One byte tells.
            more = read_some(&mut input, &mut [0u8; 1])? > 0;
            break;
        }
        let got = read_some(&mut input, &mut buf[..want])?;
        if got == 0 {
            break;
        }
        if let Some((view, skip)) = &view {
            if reserve {
                view.commit(skip + written, got)
                    .doing("cannot commit the pages")?;
            }
            view.write_at(skip + written, &buf[..got])
                .doing("cannot write the view")?;
        }
        written += got;
        bar.inc(got as u64);
    }
    bar.finish_and_clear();
    if let Some((view, _)) = &view {
        view.flush().doing("cannot flush the view")?;
    }
    let offset = args.offset;
    if more {
        return Err(Failure::new(format!(
            "the input is longer than the {room} bytes from offset {offset} to the end of the \
             {size}-byte mapping: wrote {written} bytes and stopped (ERROR_ACCESS_DENIED, \
             {ERROR_ACCESS_DENIED})"
        ))
        .with_win32("ERROR_ACCESS_DENIED", ERROR_ACCESS_DENIED));
    }
    if ctx.json {
        outln!(
            "{}",
            serde_json::json!({ "name": args.name, "wrote": written, "offset": offset })
        )
    } else {
        outln!("wrote {written} bytes at offset {offset}")
    }
}

/// The input, and its length where it is known beforehand (an argument, a regular file).
fn input(args: &WriteArgs) -> Result<(Box<dyn Read>, Option<u64>), Failure> {
    if let Some(text) = &args.data {
        let bytes = text.as_bytes().to_vec();
        let len = bytes.len() as u64;
        return Ok((Box::new(std::io::Cursor::new(bytes)), Some(len)));
    }
    if let Some(path) = &args.from {
        let what = format!("cannot read {}", shown(&path.display().to_string()));
        let file = std::fs::File::open(path).doing(&what)?;
        let meta = file.metadata().doing(&what)?;
        let len = meta.is_file().then_some(meta.len());
        return Ok((Box::new(file), len));
    }
    Ok((Box::new(std::io::stdin()), None))
}

/// Reads what is there (retrying interruptions), 0 at the end.
fn read_some(input: &mut dyn Read, buf: &mut [u8]) -> Result<usize, Failure> {
    loop {
        match input.read(buf) {
            Ok(n) => return Ok(n),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Failure::new(format!("cannot read the input: {e}"))),
        }
    }
}

fn past_the_end(size: u64, offset: u64, len: Option<u64>) -> Failure {
    let what = len.map_or_else(|| "the input".to_owned(), |len| format!("{len} bytes"));
    Failure::new(format!(
        "{what} at offset {offset} run past the end of the {size}-byte mapping (ERROR_ACCESS_DENIED, {ERROR_ACCESS_DENIED})"
    ))
    .with_win32("ERROR_ACCESS_DENIED", ERROR_ACCESS_DENIED)
}
