//! `fmap watch`: the live bytes of a range, refreshed like `watch hexdump -C`, with the bytes
//! that changed since the last refresh highlighted (in colour), or their lines marked with `>`
//! (without colour). On a terminal the screen is redrawn at every refresh; elsewhere (a pipe, a
//! file) a frame is written only when the bytes changed. Ends after `--count` refreshes, on a
//! signal, or when no other handle to the mapping is left.

use super::read::{map_range, range};
use super::Ctx;
use crate::cli::{show_duration, Format, WatchArgs};
use crate::dump::{use_color, Dumper};
use crate::failure::{Context, Failure};
use crate::out::errln;
use crate::shown::shown;
use filemapping::FileMapAccess;
use std::io::{IsTerminal, Write};

/// The range shown when `--len` is not given, at most.
const DEFAULT_LEN: u64 = 256;

pub(crate) fn run(ctx: &Ctx, args: &WatchArgs) -> Result<(), Failure> {
    let signal = crate::signals::channel()?;
    let map = super::open(&ctx.ns, &args.name, FileMapAccess::READ)?;
    let info = map.info().doing("cannot query the mapping")?;
    let size = info.size();
    let len = args
        .len
        .unwrap_or_else(|| DEFAULT_LEN.min(size.saturating_sub(args.offset)));
    let (offset, len) = range(size, args.offset, Some(len))?;
    let (view, skip) = map_range(&map, FileMapAccess::READ, offset, len)?;
    let name = shown(info.name().unwrap_or(&args.name));
    let color = use_color(args.color);
    let redraw = std::io::stdout().is_terminal();
    let width = usize::from(args.width);
    let mut previous: Option<Vec<u8>> = None;
    let mut refresh = 0u64;
    loop {
        let mut bytes = vec![0u8; len];
        view.read_at(skip, &mut bytes)
            .doing("cannot read the view")
            .map_err(|f| super::read::reserve_hint(f, &info))?;
        refresh += 1;
        if redraw || previous.as_deref() != Some(&bytes[..]) {
            let mut frame = Vec::new();
            if redraw {
                frame.extend_from_slice(b"\x1b[H\x1b[2J");
            }
            let _ = writeln!(
                frame,
                "Every {}: {name}, {len} bytes at offset {offset}, refresh {refresh}",
                show_duration(args.interval)
            );
            render(
                &mut frame,
                &bytes,
                previous.as_deref(),
                offset,
                width,
                color,
            );
            let mut out = std::io::stdout().lock();
            out.write_all(&frame)
                .and_then(|()| out.flush())
                .map_err(crate::out::failure)?;
        }
        previous = Some(bytes);
        if args.count.is_some_and(|count| refresh >= count) {
            return Ok(());
        }
        if map.handle_count().doing("cannot count the handles")? <= 1 {
            errln!("fmap watch: no other handle to {name} is left; stopping");
            return Ok(());
        }
        if signal.recv_timeout(args.interval).is_ok() || crate::signals::terminated() {
            return Ok(());
        }
    }
}

/// Every line of the range (never squeezed: lines keep their place), marked where the bytes
/// differ from `previous`.
fn render(
    out: &mut Vec<u8>,
    bytes: &[u8],
    previous: Option<&[u8]>,
    offset: u64,
    width: usize,
    color: bool,
) {
    for (i, line) in bytes.chunks(width).enumerate() {
        let start = i * width;
        let changed: Vec<bool> = line
            .iter()
            .enumerate()
            .map(|(j, b)| previous.is_some_and(|p| p.get(start + j) != Some(b)))
            .collect();
        if !color {
            let mark = if changed.contains(&true) { "> " } else { "  " };
            out.extend_from_slice(mark.as_bytes());
        }
        let dumper = Dumper::new(Format::Hex, width, offset + start as u64).color(color);
        let _ = dumper.line(out, line, Some(&changed));
    }
}
