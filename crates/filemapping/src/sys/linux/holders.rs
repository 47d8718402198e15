//! Which processes hold an object: those with a descriptor of its file open, found by scanning
//! `/proc/<pid>/fd`. That is more than the processes with a handle: a view keeps the descriptor
//! it maps open after its handle closed, and a forked child holds copies until `exec` (see the
//! lock protocol in `object`). Processes of other users are invisible unless we are root.

use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;

/// The ids of the processes with a descriptor open on the file `(dev, ino)`, sorted.
pub(crate) fn holders(dev: u64, ino: u64) -> Vec<u32> {
    let mut pids: Vec<u32> = pids()
        .into_iter()
        .filter(|pid| !descriptors(&pid.to_string(), dev, ino).is_empty())
        .collect();
    pids.sort_unstable();
    pids
}

/// The ids of the running processes, in no particular order.
pub(crate) fn pids() -> Vec<u32> {
    match std::fs::read_dir("/proc") {
        Ok(procs) => procs
            .flatten()
            .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// The `/proc/<pid>/fd/<n>` links of process `pid` (a number, or `self`) that lead to the file
/// `(dev, ino)`; none for a process whose descriptors we may not see.
pub(crate) fn descriptors(pid: &str, dev: u64, ino: u64) -> Vec<PathBuf> {
    let fds = match std::fs::read_dir(format!("/proc/{pid}/fd")) {
        Ok(fds) => fds,
        Err(_) => return Vec::new(),
    };
    fds.flatten()
        .map(|fd| fd.path())
        .filter(|path| std::fs::metadata(path).map_or(false, |m| m.dev() == dev && m.ino() == ino))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_this_process_holding_a_file() {
        let file = std::fs::File::open("/proc/self/exe").unwrap();
        let meta = file.metadata().unwrap();
        let pids = holders(meta.dev(), meta.ino());
        assert!(pids.contains(&std::process::id()), "{pids:?}");
    }
}
