//! Sections that the system's memory cannot back fail at creation with a clear error, never later
//! with SIGBUS, and leave no name behind (spec §2.2; DESIGN, "The Linux namespace").

#![cfg(target_os = "linux")]

use filemapping::{CreateOptions, ErrorKind, FileMapAccess, Namespace, SectionAttributes};
use std::path::PathBuf;

#[path = "support/skip.rs"]
mod skip;

/// A namespace on the machine's tmpfs, removed on drop.
struct ShmDir(PathBuf);

impl ShmDir {
    /// The namespace for `test`, or `None` (with the skip reported) where the machine has no
    /// tmpfs under `/dev/shm` to fill.
    fn new(test: &str) -> Option<ShmDir> {
        let base = PathBuf::from("/dev/shm");
        if !base.is_dir() {
            skip::skip(test, "no /dev/shm on this machine");
            return None;
        }
        let path = base.join(format!("fm-res-{}-{test}", std::process::id()));
        if let Err(err) = std::fs::create_dir_all(&path) {
            skip::skip(test, &format!("cannot create {path:?}: {err}"));
            return None;
        }
        Some(ShmDir(path))
    }

    fn leftovers(&self) -> usize {
        std::fs::read_dir(&self.0)
            .unwrap()
            .flatten()
            .map(|dir| std::fs::read_dir(dir.path()).unwrap().count())
            .sum()
    }
}

impl Drop for ShmDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// More bytes than the tmpfs under /dev/shm can hold.
fn more_than_shm() -> u64 {
    let out = std::process::Command::new("df")
        .args(["-B1", "--output=size", "/dev/shm"])
        .output();
    let total = out
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.lines().nth(1).and_then(|l| l.trim().parse::<u64>().ok()))
        .unwrap_or(1 << 40);
    total + (1 << 30)
}

#[test]
fn a_commit_section_larger_than_the_system_memory_fails_at_creation() {
    let dir = match ShmDir::new("a_commit_section_larger_than_the_system_memory_fails_at_creation")
    {
        Some(dir) => dir,
        None => return,
    };
    let ns = Namespace::at(&dir.0);
    let err = CreateOptions::new()
        .name("too-big")
        .size(more_than_shm())
        .namespace(&ns)
        .create()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::CommitmentLimit, "{err}");
    assert_eq!(err.win32_code(), filemapping::ERROR_COMMITMENT_LIMIT);
    assert_eq!(dir.leftovers(), 0, "no name and no file is left behind");
    let (small, _) = CreateOptions::new()
        .name("too-big")
        .size(4096)
        .namespace(&ns)
        .create()
        .unwrap();
    assert_eq!(small.info().unwrap().size(), 4096);
}

#[test]
fn a_reserve_section_larger_than_the_system_memory_is_not_charged_up_front() {
    let dir = match ShmDir::new(
        "a_reserve_section_larger_than_the_system_memory_is_not_charged_up_front",
    ) {
        Some(dir) => dir,
        None => return,
    };
    let ns = Namespace::at(&dir.0);
    let size = more_than_shm();
    let (map, _) = CreateOptions::new()
        .name("sparse")
        .size(size)
        .attributes(SectionAttributes::RESERVE)
        .namespace(&ns)
        .create()
        .unwrap();
    assert_eq!(map.info().unwrap().attributes(), SectionAttributes::RESERVE);
    let view = map.map_view(FileMapAccess::WRITE, 0, 65536).unwrap();
    view.commit(0, 4096).unwrap();
    view.write_at(0, b"first page").unwrap();
}

#[test]
fn absurd_sizes_are_not_enough_memory() {
    // Spec §2.2: an all-ones size fails with ERROR_NOT_ENOUGH_MEMORY.
    let err = CreateOptions::new().size(u64::MAX).create().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotEnoughMemory, "{err}");
}

#[test]
fn large_pages_are_validated_then_need_the_huge_page_pool() {
    let commit_large = SectionAttributes::COMMIT | SectionAttributes::LARGE_PAGES;
    // Without huge pages (the default pool is empty) this is what a caller without
    // SeLockMemoryPrivilege gets (spec row 26); tests/large_pages.rs fills the pool, and another
    // test binary may be doing that right now, so success is accepted too.
    match CreateOptions::new()
        .size(2 << 20)
        .attributes(commit_large)
        .create()
    {
        Ok(_) => {}
        Err(err) => {
            assert_eq!(err.kind(), ErrorKind::PrivilegeNotHeld, "{err}");
            assert!(err.message().contains("vm.nr_hugepages"), "{err}");
        }
    }
    let reserve_large = SectionAttributes::RESERVE | SectionAttributes::LARGE_PAGES;
    let err = CreateOptions::new()
        .size(2 << 20)
        .attributes(reserve_large)
        .create()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidParameter, "spec row 25");
}
