//! Two processes talk through a named mapping, as in the classic Windows example: the sender
//! creates `MyFileMapping`, 2048 bytes of system memory, and a receiver opens it by name.
//!
//! `cargo run --example sender_receiver` runs the sender, which starts the receiver as a second
//! process (this same program with the argument `receive`).
//!
//! The section holds one message: a NUL-terminated UTF-16LE string in the first 2040 bytes, and
//! a ready flag (an atomic `u32`) at byte 2044. The receiver ends when it holds the only handle
//! left, that is, when the sender is gone.

use filemapping::{CreateOptions, Disposition, FileMapAccess, FileMapping, View};
use std::error::Error;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

const NAME: &str = "MyFileMapping";
const SIZE: u64 = 2048;
const TEXT_BYTES: usize = 2040;
const FLAG: usize = 2044;

fn main() -> Result<(), Box<dyn Error>> {
    let name = std::env::args().nth(2).unwrap_or_else(|| NAME.to_owned());
    match std::env::args().nth(1).as_deref() {
        Some("receive") => receive(&name),
        _ => send(&name),
    }
}

fn send(name: &str) -> Result<(), Box<dyn Error>> {
    let (map, disposition) = CreateOptions::new().name(name).size(SIZE).create()?;
    if disposition == Disposition::OpenedExisting {
        return Err(format!("{name} already exists (ERROR_ALREADY_EXISTS, 183)").into());
    }
    let view = map.map_view(FileMapAccess::WRITE, 0, SIZE as usize)?;
    let exe = std::env::current_exe()?;
    let mut receiver = std::process::Command::new(exe)
        .args(["receive", name])
        .spawn()?;
    for message in [
        "Message from first process.",
        "Grüße aus Köln",
        "smile \u{1F600}",
    ] {
        println!("sender:   {message}");
        post(&view, message)?;
        wait_until_taken(flag(&view)?)?;
    }
    drop(view);
    map.close()?;
    let status = receiver.wait()?;
    println!("sender:   receiver exited with {status}");
    Ok(())
}

fn post(view: &View, message: &str) -> Result<(), Box<dyn Error>> {
    let mut bytes: Vec<u8> = message.encode_utf16().flat_map(u16::to_le_bytes).collect();
    bytes.extend_from_slice(&[0, 0]);
    if bytes.len() > TEXT_BYTES {
        return Err("message too long for the slot".into());
    }
    view.write_at(0, &bytes)?;
    flag(view)?.store(1, Ordering::Release);
    Ok(())
}

fn wait_until_taken(flag: &AtomicU32) -> Result<(), Box<dyn Error>> {
    for _ in 0..200 {
        if flag.load(Ordering::Acquire) == 0 {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    Err("no receiver took the message within 2 s".into())
}

fn flag(view: &View) -> filemapping::Result<&AtomicU32> {
    view.atomic_u32(FLAG)
}

fn receive(name: &str) -> Result<(), Box<dyn Error>> {
    let map = FileMapping::open(name, FileMapAccess::WRITE)?;
    let view = map.map_view(FileMapAccess::WRITE, 0, 0)?;
    loop {
        if flag(&view)?.load(Ordering::Acquire) == 1 {
            println!("receiver: {}", take(&view)?);
        } else if map.handle_count()? == 1 {
            println!("receiver: the sender is gone");
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn take(view: &View) -> Result<String, Box<dyn Error>> {
    let mut bytes = vec![0u8; TEXT_BYTES];
    view.read_at(0, &mut bytes)?;
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
        .take_while(|&unit| unit != 0)
        .collect();
    view.write_at(0, &[0, 0])?;
    flag(view)?.store(0, Ordering::Release);
    Ok(String::from_utf16(&units)?)
}
