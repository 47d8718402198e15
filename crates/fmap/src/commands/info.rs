//! `fmap info`: everything about one mapping.

use super::Ctx;
use crate::cli::InfoArgs;
use crate::failure::{Context, Failure};
use crate::out::outln;
use crate::output;
use crate::shown::shown;
use filemapping::{Backing, FileMapAccess, ImageLayout, SectionAttributes};

pub(crate) fn run(ctx: &Ctx, args: &InfoArgs) -> Result<(), Failure> {
    let map = super::open(&ctx.ns, &args.name, FileMapAccess::READ)?;
    let info = map.info().doing("cannot query the mapping")?;
    // This command's own handle is not counted.
    let handles = map
        .handle_count()
        .doing("cannot count the handles")?
        .saturating_sub(1);
    let me = std::process::id();
    let holders: Vec<u32> = map.holder_pids().into_iter().filter(|&p| p != me).collect();
    let committed = match info.attributes().contains(SectionAttributes::RESERVE) {
        true => Some(committed_bytes(&map, info.size())?),
        false => None,
    };
    if ctx.json {
        let mut value = output::info_json(&info);
        value["handles"] = serde_json::json!(handles);
        value["holders"] = serde_json::json!(holders);
        if let Some(bytes) = committed {
            value["committed"] = serde_json::json!(bytes);
        }
        return outln!("{value}");
    }
    let pids: Vec<String> = holders.iter().map(u32::to_string).collect();
    outln!("name:        {}", shown(info.name().unwrap_or(&args.name)))?;
    outln!("size:        {} bytes", info.size())?;
    outln!("protection:  {}", info.protection())?;
    outln!("attributes:  {}", output::attributes(info.attributes()))?;
    let page = if info.attributes().contains(SectionAttributes::LARGE_PAGES) {
        filemapping::large_page_minimum()
    } else {
        filemapping::page_size()
    };
    outln!("page size:   {page} bytes")?;
    outln!("backing:     {}", output::backing(info.backing()))?;
    if let Some(bytes) = committed {
        outln!("committed:   {bytes} of {} bytes", info.size())?;
    }
    outln!("handles:     {handles}")?;
    outln!(
        "holders:     {}",
        if pids.is_empty() {
            "-".to_owned()
        } else {
            pids.join(" ")
        }
    )?;
    if info.attributes().contains(SectionAttributes::IMAGE) {
        if let Backing::File(Some(path)) = info.backing() {
            image_sections(path)?;
        }
    }
    Ok(())
}

/// How many bytes of a `SEC_RESERVE` mapping of `size` bytes are committed, run by run
/// (`View::committed_run`, `VirtualQuery`'s `State`).
fn committed_bytes(map: &filemapping::FileMapping, size: u64) -> Result<u64, Failure> {
    let len =
        usize::try_from(size).map_err(|_| Failure::new("the mapping does not fit in memory"))?;
    if len == 0 {
        return Ok(0);
    }
    let view = map
        .map_view(FileMapAccess::READ, 0, len)
        .doing("cannot map a view")?;
    let (mut at, mut committed) = (0usize, 0u64);
    while at < len {
        let (yes, run) = view.committed_run(at).doing("cannot query the pages")?;
        let run = run.clamp(1, len - at);
        if yes {
            committed += run as u64;
        }
        at += run;
    }
    Ok(committed)
}

/// The sections of an image section's file, as its views lay them out.
fn image_sections(path: &std::path::Path) -> Result<(), Failure> {
    let layout = match ImageLayout::from_path(path) {
        Ok(layout) => layout,
        Err(e) => return outln!("sections:    cannot read the image: {e}"),
    };
    outln!(
        "image:       {}, base {:#x}, {} bytes",
        if layout.is_pe32_plus() {
            "PE32+"
        } else {
            "PE32"
        },
        layout.image_base(),
        layout.size_of_image()
    )?;
    for s in layout.sections() {
        outln!(
            "section:     {:<8} rva {:#010x} size {:#x} {:?}",
            shown(s.name()),
            s.virtual_address(),
            s.virtual_size(),
            s.protection()
        )?;
    }
    Ok(())
}
