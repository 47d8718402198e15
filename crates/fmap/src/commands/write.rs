//! `fmap write`: write bytes into a mapping, from an argument, stdin or a file.

use super::read::{map_range, range};
use crate::cli::WriteArgs;
use crate::failure::{Context, Failure};
use filemapping::{FileMapAccess, Namespace};
use std::io::Read;

const CHUNK: usize = 1 << 20;

pub(crate) fn run(ns: &Namespace, args: &WriteArgs) -> Result<(), Failure> {
    let data = data(args)?;
    let map = super::open(ns, &args.name, FileMapAccess::WRITE)?;
    let size = map.info().doing("cannot query the mapping")?.size();
    let (offset, len) = range(size, args.offset, Some(data.len() as u64))?;
    let (view, skip) = map_range(&map, FileMapAccess::WRITE, offset, len)?;
    let bar = super::progress(len as u64);
    for (i, chunk) in data.chunks(CHUNK).enumerate() {
        view.write_at(skip + i * CHUNK, chunk)
            .doing("cannot write the view")?;
        bar.inc(chunk.len() as u64);
    }
    bar.finish_and_clear();
    view.flush().doing("cannot flush the view")?;
    println!("wrote {len} bytes at offset {offset}");
    Ok(())
}

fn data(args: &WriteArgs) -> Result<Vec<u8>, Failure> {
    if let Some(text) = &args.data {
        return Ok(text.as_bytes().to_vec());
    }
    if let Some(path) = &args.from {
        return std::fs::read(path).doing(&format!("cannot read {}", path.display()));
    }
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .read_to_end(&mut bytes)
        .doing("cannot read stdin")?;
    Ok(bytes)
}
