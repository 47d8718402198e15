//! `fmap info`: everything about one mapping.

use crate::cli::InfoArgs;
use crate::failure::{Context, Failure};
use crate::output;
use crate::shown::shown;
use filemapping::{FileMapAccess, Namespace};

pub(crate) fn run(ns: &Namespace, args: &InfoArgs) -> Result<(), Failure> {
    let map = super::open(ns, &args.name, FileMapAccess::READ)?;
    let info = map.info().doing("cannot query the mapping")?;
    // This command's own handle is not counted.
    let handles = map
        .handle_count()
        .doing("cannot count the handles")?
        .saturating_sub(1);
    let me = std::process::id();
    let holders: Vec<u32> = map.holder_pids().into_iter().filter(|&p| p != me).collect();
    if args.json {
        let mut value = output::info_json(&info);
        value["handles"] = serde_json::json!(handles);
        value["holders"] = serde_json::json!(holders);
        println!("{value}");
        return Ok(());
    }
    let pids: Vec<String> = holders.iter().map(u32::to_string).collect();
    println!("name:        {}", shown(info.name().unwrap_or(&args.name)));
    println!("size:        {} bytes", info.size());
    println!("protection:  {}", info.protection());
    println!("attributes:  {}", output::attributes(info.attributes()));
    let large = info
        .attributes()
        .contains(filemapping::SectionAttributes::LARGE_PAGES);
    let page = if large {
        filemapping::large_page_minimum()
    } else {
        filemapping::page_size()
    };
    println!("page size:   {page} bytes");
    println!("backing:     {}", output::backing(info.backing()));
    println!("handles:     {handles}");
    println!(
        "holders:     {}",
        if pids.is_empty() {
            "-".to_owned()
        } else {
            pids.join(" ")
        }
    );
    Ok(())
}
