//! The hot paths of the lock protocol, each run three times between marker calls, so that
//! `strace` shows exactly the system calls of each (the table "What the hot paths cost" in the
//! lock protocol's documentation, `src/sys/linux/object.rs`):
//!
//! ```sh
//! cargo build --release -p filemapping --example syscall_trace
//! dir=$(mktemp -d)
//! FILEMAPPING_DIR=$dir strace -o trace target/release/examples/syscall_trace
//! awk '/MARK-open_map_close-2/,/MARK-end/' trace
//! ```
//!
//! The markers are `stat` calls of paths that do not exist (`/MARK-<path>-<round>`); the first
//! rounds include one-time work (the namespace directory, the first view's placement).
use filemapping::{CreateOptions, FileMapAccess, FileMapping, OpenOptions};

fn mark(s: &str) {
    let _ = std::fs::metadata(format!("/MARK-{s}"));
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let held = CreateOptions::new().name("sc-held").size(65536).create()?.0;
    let v = held.map_view(FileMapAccess::WRITE, 0, 65536)?;
    v.write_at(0, &[1])?;
    for round in 0..3 {
        mark(&format!("open_map_close-{round}"));
        let m: FileMapping = OpenOptions::new(FileMapAccess::READ).open("sc-held")?;
        let view = m.map_view(FileMapAccess::READ, 0, 65536)?;
        let mut b = [0u8];
        view.read_at(0, &mut b)?;
        drop(view);
        drop(m);
        mark(&format!("create_existing-{round}"));
        drop(CreateOptions::new().name("sc-held").size(65536).create()?);
        mark(&format!("create_map_close-{round}"));
        let (m, _) = CreateOptions::new()
            .name(&format!("sc-new{round}"))
            .size(65536)
            .create()?;
        let view = m.map_view(FileMapAccess::WRITE, 0, 65536)?;
        view.write_at(0, &[1])?;
        drop(view);
        drop(m);
        mark("end");
    }
    Ok(())
}
