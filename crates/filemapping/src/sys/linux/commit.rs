//! The commit limit: memory that a section commits (`SEC_COMMIT` at create, `View::commit`) is
//! allocated at once with `fallocate`, and a tmpfs or a memfd takes it from the system's
//! memory. The kernel does not fail such an allocation when memory runs out: it starts the OOM
//! killer, which may kill any process of the machine. Windows fails a commit beyond its commit
//! limit with `ERROR_COMMITMENT_LIMIT` instead, and so does this library: a commit larger than
//! the memory the system can still give (`MemAvailable` plus `SwapFree` in `/proc/meminfo`) is
//! refused before anything is allocated.
//!
//! Small commits are not checked (reading `/proc/meminfo` costs more than committing a few
//! pages, and they cannot exhaust the machine alone); the check is a snapshot, so commits racing
//! each other can still overshoot it together. A tmpfs mount's own size limit is the kernel's
//! to enforce (`ENOSPC`, the same error).

use super::fd::Sys;

/// Commits below this size are not checked.
const CHECKED_FROM: u64 = 64 << 20;

/// `Err(ENOSPC)` if committing `len` more bytes of memory would take more than the system can
/// still give.
pub(crate) fn check(len: u64) -> Sys<()> {
    if len < CHECKED_FROM {
        return Ok(());
    }
    match available() {
        Some(free) if len > free => Err(libc::ENOSPC),
        _ => Ok(()),
    }
}

/// The memory the system can still give, in bytes: `MemAvailable + SwapFree`; `None` if
/// `/proc/meminfo` cannot be read (then nothing is refused).
fn available() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = text.lines().find(|l| l.starts_with(name))?;
        let kib: u64 = line[name.len()..]
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()?;
        kib.checked_mul(1024)
    };
    Some(field("MemAvailable:")?.saturating_add(field("SwapFree:").unwrap_or(0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_commits_pass_and_impossible_ones_fail() {
        assert_eq!(check(4096), Ok(()));
        assert_eq!(check(CHECKED_FROM - 1), Ok(()));
        let free = available().expect("/proc/meminfo");
        assert!(free > 0);
        assert_eq!(check(free + (1 << 30)), Err(libc::ENOSPC));
        assert_eq!(check(u64::MAX), Err(libc::ENOSPC));
    }
}
