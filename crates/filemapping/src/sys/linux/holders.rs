//! Which processes hold an object: those with a descriptor of its file open, found by scanning
//! `/proc/<pid>/fd`. That is more than the processes with a handle: a view keeps the descriptor
//! it maps open after its handle closed, and a forked child holds copies until `exec` (see the
//! lock protocol in `object`). Processes of other users are invisible unless we are root.

use std::os::unix::fs::MetadataExt;

/// The ids of the processes with a descriptor open on the file `(dev, ino)`, sorted.
pub(crate) fn holders(dev: u64, ino: u64) -> Vec<u32> {
    let procs = match std::fs::read_dir("/proc") {
        Ok(procs) => procs,
        Err(_) => return Vec::new(),
    };
    let mut pids: Vec<u32> = procs
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| has_open(*pid, dev, ino))
        .collect();
    pids.sort_unstable();
    pids
}

fn has_open(pid: u32, dev: u64, ino: u64) -> bool {
    let fds = match std::fs::read_dir(format!("/proc/{pid}/fd")) {
        Ok(fds) => fds,
        Err(_) => return false,
    };
    fds.flatten()
        .any(|fd| std::fs::metadata(fd.path()).map_or(false, |m| m.dev() == dev && m.ino() == ino))
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
