//! `fmap read`: print bytes of a mapping as hex, raw bytes, or text.

use super::Ctx;
use crate::cli::{Format, ReadArgs};
use crate::dump::{use_color, Dumper};
use crate::failure::{Context, Failure};
use crate::out;
use filemapping::{
    FileMapAccess, SectionAttributes, SectionInfo, View, ALLOCATION_GRANULARITY,
    ERROR_ACCESS_DENIED,
};
use std::io::Write;

const CHUNK: usize = 1 << 20;

pub(crate) fn run(ctx: &Ctx, args: &ReadArgs) -> Result<(), Failure> {
    let map = super::open(&ctx.ns, &args.name, FileMapAccess::READ)?;
    let info = map.info().doing("cannot query the mapping")?;
    let (offset, len) = range(info.size(), args.offset, args.len)?;
    let (view, skip) = map_range(&map, FileMapAccess::READ, offset, len)?;
    let name = info.name().unwrap_or(&args.name).to_owned();
    let mut dumper = Dumper::new(args.format, usize::from(args.width), offset)
        .squeeze(!args.all_lines)
        .color(use_color(args.color))
        .c_array(&name, len as u64);
    let chunk_len = dumper.chunk_len(CHUNK);
    let mut text = Vec::new();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let bar = super::progress(len as u64);
    dumper.start(&mut out).map_err(out::failure)?;
    for start in (0..len).step_by(chunk_len) {
        let mut chunk = vec![0u8; chunk_len.min(len - start)];
        view.read_at(skip + start, &mut chunk)
            .doing("cannot read the view")
            .map_err(|f| reserve_hint(f, &info))?;
        match args.format {
            _ if ctx.json => text.extend_from_slice(&chunk),
            Format::Raw => out.write_all(&chunk).map_err(out::failure)?,
            Format::Hex | Format::Xxd | Format::C => {
                dumper.chunk(&mut out, &chunk).map_err(out::failure)?;
            }
            Format::Utf8 | Format::Utf16 => text.extend_from_slice(&chunk),
        }
        bar.inc(chunk.len() as u64);
    }
    bar.finish_and_clear();
    let written = match args.format {
        _ if ctx.json => {
            let hex: String = text.iter().map(|b| format!("{b:02x}")).collect();
            let value = serde_json::json!({
                "name": name, "offset": offset, "length": len, "hex": hex,
            });
            writeln!(out, "{value}")
        }
        Format::Utf8 => writeln!(out, "{}", utf8(&text)),
        Format::Utf16 => writeln!(out, "{}", utf16(&text)),
        Format::Hex | Format::Xxd | Format::C => dumper.finish(&mut out),
        Format::Raw => Ok(()),
    };
    written.and_then(|()| out.flush()).map_err(out::failure)
}

/// A read of a `SEC_RESERVE` mapping fails on pages nobody committed: says so, where the
/// general hint for a refused access would blame permissions.
pub(super) fn reserve_hint(failure: Failure, info: &SectionInfo) -> Failure {
    match info.attributes().contains(SectionAttributes::RESERVE) {
        true => failure.with_hint(
            "a SEC_RESERVE mapping's pages can be read once committed; `fmap write` commits \
             the pages it writes",
        ),
        false => failure,
    }
}

/// The byte range to read: from `offset`, `len` bytes or to the end; it must lie inside.
pub(super) fn range(size: u64, offset: u64, len: Option<u64>) -> Result<(u64, usize), Failure> {
    let end = match len {
        Some(len) => offset.checked_add(len),
        None => Some(size),
    };
    match end {
        Some(end) if offset <= end && end <= size => usize::try_from(end - offset)
            .map(|len| (offset, len))
            .map_err(|_| Failure::new("the range does not fit in memory")),
        _ => Err(Failure::new(format!(
            "the range runs past the end of the {size}-byte mapping (ERROR_ACCESS_DENIED, {ERROR_ACCESS_DENIED})"
        ))
        .with_win32("ERROR_ACCESS_DENIED", ERROR_ACCESS_DENIED)),
    }
}

/// Maps a view from the 64 KiB boundary at or before `offset`; returns it and where `offset` is
/// inside it.
pub(super) fn map_range(
    map: &filemapping::FileMapping,
    access: FileMapAccess,
    offset: u64,
    len: usize,
) -> Result<(View, usize), Failure> {
    let granularity = ALLOCATION_GRANULARITY as u64;
    let base = offset / granularity * granularity;
    let skip = (offset - base) as usize;
    let view = map
        .map_view(access, base, (skip + len).max(1))
        .doing("cannot map a view")?;
    Ok((view, skip))
}

fn utf8(bytes: &[u8]) -> String {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    String::from_utf8_lossy(&bytes[..end]).into_owned()
}

fn utf16(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
        .take_while(|&unit| unit != 0)
        .collect();
    String::from_utf16_lossy(&units)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_stay_inside() {
        assert_eq!(range(4096, 0, None).unwrap(), (0, 4096));
        assert_eq!(range(4096, 100, Some(10)).unwrap(), (100, 10));
        assert!(range(4096, 4000, Some(200)).is_err());
        assert!(range(4096, 5000, None).is_err());
        assert!(range(4096, u64::MAX, Some(2)).is_err());
    }

    #[test]
    fn text_stops_at_nul() {
        assert_eq!(utf8(b"hi\0junk"), "hi");
        assert_eq!(utf16(&[0x3d, 0xd8, 0x00, 0xde, 0, 0, 0x41, 0]), "\u{1F600}");
    }
}
