//! Huge pages (spec §2.4, §5.4, §9): `SEC_LARGE_PAGES` sections in the hugetlb pool, shared
//! across processes and living exactly as long as their handles (and their memory as long as
//! handles and views), and ordinary sections on a tmpfs mounted with `huge=`, whose views are
//! placed for huge pages.
//!
//! The tests that need huge pages change the system: they run as root only (else they skip,
//! saying why), raise `vm.nr_hugepages` under a lock file that serialises every change to it
//! (other test binaries may run at the same time) and restore it, and mount their tmpfs in a
//! private mount namespace (`unshare -m`), in which a child runs this binary's `child_*` test.

#![cfg(target_os = "linux")]
#![allow(unsafe_code)]

#[path = "support/skip.rs"]
mod skip;

use filemapping::{
    large_page_minimum, CreateOptions, ErrorKind, FileMapAccess, Namespace, OpenOptions,
    SectionAttributes, ViewProtection,
};
use std::io::{Read, Write};
use std::os::unix::io::AsRawFd;
use std::path::PathBuf;
use std::process::Command;

/// Set in the children that run the `child_*` tests, which do nothing otherwise.
const CHILD: &str = "FM_LARGE_CHILD";

fn large() -> SectionAttributes {
    SectionAttributes::COMMIT | SectionAttributes::LARGE_PAGES
}

const NR_HUGEPAGES: &str = "/proc/sys/vm/nr_hugepages";

/// `vm.nr_hugepages` raised by `extra` pages for as long as this lives, under an exclusive lock
/// on a lock file that every test changing it takes; restored on drop.
struct Pool {
    old: u64,
    _lock: std::fs::File,
}

impl Pool {
    fn raise(test: &str, extra: u64) -> Option<Pool> {
        if !skip::running_as_root() {
            skip::skip(test, "needs root, to set vm.nr_hugepages");
            return None;
        }
        if large_page_minimum() == 0 {
            skip::skip(test, "the kernel has no huge pages");
            return None;
        }
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open("/tmp/filemapping-nr_hugepages.lock")
            .expect("the lock file");
        // SAFETY: flock takes no pointers; the descriptor is open.
        let locked = unsafe { libc::flock(lock.as_raw_fd(), libc::LOCK_EX) };
        assert_eq!(locked, 0, "flock");
        let old = read_u64(NR_HUGEPAGES);
        std::fs::write(NR_HUGEPAGES, (old + extra).to_string()).expect("set nr_hugepages");
        if free_pages() < extra {
            std::fs::write(NR_HUGEPAGES, old.to_string()).expect("restore nr_hugepages");
            skip::skip(
                test,
                "the kernel could not find free huge pages for the pool",
            );
            return None;
        }
        Some(Pool { old, _lock: lock })
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        let _ = std::fs::write(NR_HUGEPAGES, self.old.to_string());
    }
}

fn read_u64(path: &str) -> u64 {
    let mut text = String::new();
    std::fs::File::open(path)
        .and_then(|mut f| f.read_to_string(&mut text))
        .expect(path);
    text.trim().parse().expect("a number")
}

fn free_pages() -> u64 {
    let meminfo = std::fs::read_to_string("/proc/meminfo").expect("meminfo");
    meminfo
        .lines()
        .find_map(|l| l.strip_prefix("HugePages_Free:"))
        .and_then(|v| v.trim().parse().ok())
        .expect("HugePages_Free")
}

/// A fresh namespace root under `/dev/shm`, removed on drop.
struct Root(PathBuf);

impl Root {
    fn new(test: &str) -> Root {
        let path = PathBuf::from(format!("/dev/shm/fm-large-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create the test root");
        Root(path)
    }
}

impl Drop for Root {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs this binary's ignored test `name` as a child with `FILEMAPPING_DIR=root`, through
/// `wrapper` (a command prefix) if given; whether it passed.
fn child(name: &str, root: &std::path::Path, wrapper: &[&str]) -> bool {
    let exe = std::env::current_exe().expect("the test binary");
    let mut cmd = match wrapper.split_first() {
        Some((first, rest)) => {
            let mut cmd = Command::new(first);
            cmd.args(rest).arg(&exe);
            cmd
        }
        None => Command::new(&exe),
    };
    cmd.args([
        "--exact",
        name,
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ])
    .env(CHILD, "1")
    .env("FILEMAPPING_DIR", root);
    cmd.status().map(|s| s.success()).unwrap_or(false)
}

#[test]
fn large_page_views_need_large_page_sections() {
    let (map, _) = CreateOptions::new().size(65536).create().unwrap();
    let err = map
        .map_view(FileMapAccess::READ | FileMapAccess::LARGE_PAGES, 0, 0)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidParameter, "{err}");
}

#[test]
fn a_named_large_page_section_is_shared_and_lives_with_its_handles() {
    let test = "a_named_large_page_section_is_shared_and_lives_with_its_handles";
    let pool = match Pool::raise(test, 4) {
        Some(pool) => pool,
        None => return,
    };
    let root = Root::new("shared");
    let ns = Namespace::at(&root.0);
    let page = large_page_minimum();
    let before = free_pages();

    // Sizes and offsets are whole large pages, with Windows' codes.
    let err = CreateOptions::new()
        .size(page as u64 + 4096)
        .attributes(large())
        .create()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidParameter, "{err}");

    let (map, _) = CreateOptions::new()
        .namespace(&ns)
        .name("big")
        .size(2 * page as u64)
        .attributes(large())
        .create()
        .unwrap();
    assert_eq!(free_pages(), before - 2, "the pages are taken at create");
    let info = map.info().unwrap();
    assert!(info.attributes().contains(large()), "{info:?}");

    let view = map.map_view(FileMapAccess::WRITE, 0, 0).unwrap();
    assert_eq!(view.as_ptr() as usize % page, 0);
    assert_eq!(view.region_size(), 2 * page);
    view.write_at(page, b"parent").unwrap();
    let err = map.map_view(FileMapAccess::READ, 65536, 0).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MappedAlignment, "{err}");
    let err = map
        .map_view(FileMapAccess::READ | FileMapAccess::LARGE_PAGES, 0, 4096)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidParameter, "{err}");
    let second = map
        .map_view(
            FileMapAccess::READ | FileMapAccess::LARGE_PAGES,
            page as u64,
            page,
        )
        .unwrap();

    // A protection change covers whole large pages.
    let mut ro = map.map_view(FileMapAccess::WRITE, 0, 0).unwrap();
    ro.protect(0, 4096, ViewProtection::ReadOnly).unwrap();
    assert_eq!(
        ro.protection_at(0).unwrap(),
        (ViewProtection::ReadOnly, page)
    );
    assert_eq!(
        ro.write_at(4096, b"x").unwrap_err().kind(),
        ErrorKind::AccessDenied
    );
    drop(ro);

    // Another process opens the name, sees the bytes and writes back.
    assert!(child("child_opens_the_large_section", &root.0, &[]));
    let mut buf = [0u8; 5];
    second.read_at(0, &mut buf).unwrap();
    assert_eq!(&buf, b"child");

    // The name goes with the last handle; the memory stays while views do, then returns to
    // the pool.
    drop(map);
    let err = OpenOptions::new(FileMapAccess::READ)
        .namespace(&ns)
        .open("big")
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    second.read_at(0, &mut buf).unwrap();
    assert_eq!(&buf, b"child");
    assert_eq!(free_pages(), before - 2);
    drop((view, second));
    assert_eq!(free_pages(), before, "the pages go back with the last view");
    drop(pool);
}

#[test]
#[ignore = "run by a_named_large_page_section_is_shared_and_lives_with_its_handles"]
fn child_opens_the_large_section() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    let ns = Namespace::from_env();
    let page = large_page_minimum();
    let map = OpenOptions::new(FileMapAccess::WRITE)
        .namespace(&ns)
        .open("big")
        .unwrap();
    let view = map.map_view(FileMapAccess::WRITE, page as u64, 0).unwrap();
    let mut buf = [0u8; 6];
    view.read_at(0, &mut buf).unwrap();
    assert_eq!(&buf, b"parent");
    view.write_at(0, b"child").unwrap();
    std::io::stdout().flush().unwrap();
}

#[test]
fn views_on_a_huge_tmpfs_are_placed_for_huge_pages() {
    let test = "views_on_a_huge_tmpfs_are_placed_for_huge_pages";
    if !skip::running_as_root() {
        skip::skip(
            test,
            "needs root, to mount a tmpfs with huge= in a private mount namespace",
        );
        return;
    }
    let root = PathBuf::from(format!("/tmp/fm-hugetmpfs-{}", std::process::id()));
    std::fs::create_dir_all(&root).unwrap();
    let mount = format!(
        "mount -t tmpfs -o huge=within_size,size=256m none '{}' && exec \"$@\"",
        root.display()
    );
    let wrapper = [
        "unshare",
        "--mount",
        "--propagation=private",
        "sh",
        "-c",
        &mount,
        "sh",
    ];
    let ok = child("child_maps_on_a_huge_tmpfs", &root, &wrapper);
    let _ = std::fs::remove_dir(&root);
    assert!(ok);
}

#[test]
#[ignore = "run by views_on_a_huge_tmpfs_are_placed_for_huge_pages"]
fn child_maps_on_a_huge_tmpfs() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    let ns = Namespace::from_env();
    let huge = 2 << 20;
    let (map, _) = CreateOptions::new()
        .namespace(&ns)
        .name("thp")
        .size(8 << 20)
        .create()
        .unwrap();
    let view = map.map_view(FileMapAccess::WRITE, 0, 0).unwrap();
    assert_eq!(
        view.as_ptr() as usize % huge,
        0,
        "a whole view starts on a huge page"
    );
    for i in 0..128 {
        view.write_at(i * 65536, &(i as u32).to_le_bytes()).unwrap();
    }
    // A view at a 64 KiB offset keeps Windows' granularity, its address congruent to it.
    let other = OpenOptions::new(FileMapAccess::READ)
        .namespace(&ns)
        .open("thp")
        .unwrap();
    let at = 3 * 65536;
    let part = other.map_view(FileMapAccess::READ, at, 4 << 20).unwrap();
    assert_eq!(part.as_ptr() as usize % huge, at as usize);
    let mut word = [0u8; 4];
    for i in 0..64 {
        part.read_at(i * 65536, &mut word).unwrap();
        assert_eq!(u32::from_le_bytes(word), i as u32 + 3);
    }
    // The object file keeps its data on a huge page boundary (the header page before it).
    let len = object_file_len(&ns.root());
    assert_eq!(len, huge as u64 + (8 << 20), "data at 2 MiB");
    let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap();
    let pmd: u64 = smaps
        .lines()
        .filter_map(|l| l.strip_prefix("ShmemPmdMapped:"))
        .filter_map(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .sum();
    // Huge pages depend on free contiguous memory, so their number is reported, not asserted.
    println!("PMD-mapped: {pmd} kB");
}

#[test]
fn a_thread_with_its_own_mount_namespace_sees_its_huge_tmpfs() {
    let test = "a_thread_with_its_own_mount_namespace_sees_its_huge_tmpfs";
    if !skip::running_as_root() {
        skip::skip(
            test,
            "needs root, to mount a tmpfs in a thread's own mount namespace",
        );
        return;
    }
    let root = PathBuf::from(format!("/tmp/fm-thread-thp-{}", std::process::id()));
    std::fs::create_dir_all(&root).unwrap();
    let inside = root.clone();
    // Only this thread sees the mount: the main thread's /proc/self/mountinfo does not list it.
    let len = std::thread::spawn(move || data_end_in_own_namespace(&inside))
        .join()
        .unwrap();
    let _ = std::fs::remove_dir(&root);
    let len = match len {
        Some(len) => len,
        None => {
            skip::skip(test, "this kernel refuses a mount namespace to a thread");
            return;
        }
    };
    // `huge=within_size` is found in the mount options (st_blksize shows 4 KiB there), so the
    // data starts at 2 MiB, after the header page.
    assert_eq!(len, (2 << 20) + (4 << 20), "data at 2 MiB");
}

/// In a mount namespace of this thread's own, with a `huge=within_size` tmpfs at `root`: the
/// length of a new 4 MiB section's object file. `None` if the thread cannot have the namespace.
fn data_end_in_own_namespace(root: &std::path::Path) -> Option<u64> {
    // SAFETY: unshare and mount take no pointers but the NUL-terminated strings built here.
    unsafe {
        if libc::unshare(libc::CLONE_NEWNS) != 0 {
            return None;
        }
        let slash = b"/\0".as_ptr().cast();
        let private = libc::MS_PRIVATE | libc::MS_REC;
        assert_eq!(
            libc::mount(
                std::ptr::null(),
                slash,
                std::ptr::null(),
                private,
                std::ptr::null()
            ),
            0
        );
        let target = std::ffi::CString::new(root.as_os_str().to_str().unwrap()).unwrap();
        let fstype = b"tmpfs\0".as_ptr().cast();
        let options = b"huge=within_size,size=64m\0".as_ptr().cast();
        assert_eq!(libc::mount(fstype, target.as_ptr(), fstype, 0, options), 0);
    }
    let ns = Namespace::at(root);
    let (map, _) = CreateOptions::new()
        .namespace(&ns)
        .name("thread-thp")
        .size(4 << 20)
        .create()
        .unwrap();
    let len = object_file_len(root);
    drop(map);
    Some(len)
}

/// The length of the one object file in the namespace root `root`.
fn object_file_len(root: &std::path::Path) -> u64 {
    let entry = std::fs::read_dir(root)
        .unwrap()
        .flatten()
        .find(|e| e.file_type().map_or(false, |t| t.is_dir()))
        .and_then(|dir| std::fs::read_dir(dir.path()).ok()?.flatten().next())
        .expect("the object file");
    entry.metadata().unwrap().len()
}
