//! Fault injection: what the library does when the system fails it. Each case makes a fault
//! that real systems have (a full or read-only namespace root, a root that disappears, an
//! address space that runs out) and checks the exact Win32 code at the call that meets it; that
//! the call left nothing behind (no entry in the namespace root, no descriptor, no mapping, no
//! object that an opener in another process could see); and that the next call works once the
//! fault is gone. Running out of descriptors is in `limits.rs`, which needs no root.
//!
//! Every case runs as root in a child process of its own (this binary, re-executed for one
//! test) in a private mount namespace (`unshare(CLONE_NEWNS)`, `/` made private): what it
//! mounts, fills or makes read-only is seen by nobody outside, and goes with the child.
//! Without root each case that mounts skips, saying so; the one that only removes its root
//! runs in a child all the same.

#![cfg(target_os = "linux")]
#![allow(unsafe_code)]

#[path = "support/skip.rs"]
mod skip;

#[path = "faults/harness.rs"]
mod harness;

use filemapping::{
    CreateOptions, EventOptions, FileMapAccess, FileMapping, MutexOptions, Namespace, OpenOptions,
    Protection, SectionAttributes, SemaphoreOptions, ERROR_ACCESS_DENIED, ERROR_COMMITMENT_LIMIT,
    ERROR_DISK_FULL, ERROR_FILE_NOT_FOUND, ERROR_NOT_ENOUGH_MEMORY, ERROR_PATH_NOT_FOUND,
};
use harness::{child_dir, entries, free_bytes, opener_sees, Census, Needs};
use std::path::Path;

const KIB: u64 = 1024;
const MIB: u64 = 1024 * KIB;

#[test]
#[ignore = "the opener in another process that the fault cases start"]
fn probe() {
    harness::probe();
}

/// A named section of `size` bytes in `ns`, with `attributes`.
fn section(
    ns: &Namespace,
    name: &str,
    size: u64,
    attributes: SectionAttributes,
) -> filemapping::Result<FileMapping> {
    CreateOptions::new()
        .name(name)
        .size(size)
        .attributes(attributes)
        .namespace(ns)
        .create()
        .map(|(map, _)| map)
}

/// Asserts that `result` failed with `code`, that it left no descriptor or mapping (`census`),
/// no entry under `root` (`before`), and that an opener in another process does not find
/// `what` (`kind:name`).
fn failed_cleanly<T>(
    result: filemapping::Result<T>,
    code: u32,
    call: &str,
    (census, root, before): (&Census, &Path, &[String]),
    what: &str,
) {
    let err = match result {
        Ok(_) => panic!("{call} succeeded"),
        Err(err) => err,
    };
    assert_eq!(err.win32_code(), code, "{call}: {err}");
    census.unchanged(call);
    assert_eq!(entries(root), before, "{call} left an entry");
    assert_eq!(
        opener_sees(root, what),
        ERROR_FILE_NOT_FOUND,
        "{call}: an opener found {what}"
    );
}

#[test]
fn a_full_namespace_root_fails_the_call_that_needs_room_and_leaves_nothing() {
    let test = "a_full_namespace_root_fails_the_call_that_needs_room_and_leaves_nothing";
    let dir = match child_dir(test, Needs::Mounts) {
        Some(dir) => dir,
        None => return,
    };
    let root = dir.join("root");
    harness::mount_tmpfs(&root, "size=256k");
    let ns = Namespace::at(&root);
    let commit = SectionAttributes::COMMIT;
    let live = section(&ns, "live", 32 * KIB, commit).unwrap();
    let live_view = live.map_view(FileMapAccess::WRITE, 0, 0).unwrap();
    let census = Census::take();
    let before = entries(&root);
    let state = (&census, root.as_path(), before.as_slice());

    // SEC_COMMIT reserves every page at create: a section bigger than the file system fails
    // there (the commit limit of the paging file, spec §2.2 and §0.4).
    let big = section(&ns, "big", MIB, commit);
    failed_cleanly(
        big,
        ERROR_COMMITMENT_LIMIT,
        "SEC_COMMIT create",
        state,
        "section:big",
    );
    let fits = section(&ns, "big", 64 * KIB, commit).unwrap();
    drop(fits);

    // SEC_RESERVE takes nothing at create; a commit that does not fit fails and takes nothing.
    let reserved = section(&ns, "reserved", MIB, SectionAttributes::RESERVE).unwrap();
    let view = reserved.map_view(FileMapAccess::WRITE, 0, 0).unwrap();
    let census2 = Census::take();
    let free = free_bytes(&root);
    let err = view.commit(0, MIB as usize).unwrap_err();
    assert_eq!(err.win32_code(), ERROR_COMMITMENT_LIMIT, "commit: {err}");
    census2.unchanged("a failed commit");
    assert_eq!(free_bytes(&root), free, "the failed commit kept pages");
    view.commit(0, 16 * KIB as usize).unwrap();
    view.write_at(0, b"committed").unwrap();
    drop((view, reserved));

    // A file on the full file system cannot grow to the section's size: ERROR_DISK_FULL
    // (spec §2.2), and the file keeps its size.
    let path = root.join("data.bin");
    std::fs::write(&path, vec![7u8; 4096]).unwrap();
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&path)
        .unwrap();
    let census = Census::take();
    let state = (&census, root.as_path(), before.as_slice());
    let grown = CreateOptions::new()
        .file(&file)
        .size(MIB)
        .name("grown")
        .namespace(&ns)
        .create();
    failed_cleanly(
        grown,
        ERROR_DISK_FULL,
        "file-backed create",
        state,
        "section:grown",
    );
    let unnamed = CreateOptions::new().file(&file).size(MIB).create();
    assert_eq!(unnamed.unwrap_err().win32_code(), ERROR_DISK_FULL);
    census.unchanged("an unnamed file-backed create");
    assert_eq!(file.metadata().unwrap().len(), 4096, "the file grew");
    let (grown, _) = CreateOptions::new()
        .file(&file)
        .size(16 * KIB)
        .name("grown")
        .namespace(&ns)
        .create()
        .unwrap();
    assert_eq!(file.metadata().unwrap().len(), 16 * KIB, "the file grew");
    drop(grown);

    // Room for the data but not for the header page before it: the object is never published.
    let filler = harness::fill(&root, "filler", 16 * KIB);
    let census = Census::take();
    let before = entries(&root);
    let state = (&census, root.as_path(), before.as_slice());
    let free = free_bytes(&root);
    let tight = section(&ns, "tight", 16 * KIB, commit);
    failed_cleanly(
        tight,
        ERROR_COMMITMENT_LIMIT,
        "a create without room for its header",
        state,
        "section:tight",
    );
    assert_eq!(free_bytes(&root), free, "the failed create kept pages");

    // No room at all: every kind of object fails at its header, and leaves nothing.
    std::fs::OpenOptions::new()
        .write(true)
        .open(&filler)
        .unwrap()
        .set_len(0)
        .unwrap();
    let filler = harness::fill(&root, "filler", 0);
    let empty = section(&ns, "empty", 4096, commit);
    failed_cleanly(
        empty,
        ERROR_COMMITMENT_LIMIT,
        "a section create",
        state,
        "section:empty",
    );
    let onfile = CreateOptions::new()
        .file(&file)
        .name("onfile")
        .namespace(&ns)
        .create();
    failed_cleanly(
        onfile,
        ERROR_COMMITMENT_LIMIT,
        "a file-backed create",
        state,
        "section:onfile",
    );
    let event = EventOptions::new().name("ev").namespace(&ns).create();
    failed_cleanly(
        event,
        ERROR_COMMITMENT_LIMIT,
        "an event create",
        state,
        "event:ev",
    );
    let mutex = MutexOptions::new().name("mx").namespace(&ns).create();
    failed_cleanly(
        mutex,
        ERROR_COMMITMENT_LIMIT,
        "a mutex create",
        state,
        "mutex:mx",
    );
    let semaphore = SemaphoreOptions::new()
        .name("sem")
        .maximum(1)
        .namespace(&ns)
        .create();
    failed_cleanly(
        semaphore,
        ERROR_COMMITMENT_LIMIT,
        "a semaphore create",
        state,
        "semaphore:sem",
    );

    // A section that committed its pages before the file system filled keeps them: writing
    // every page neither fails nor raises SIGBUS.
    let page = vec![9u8; 4096];
    for at in (0..32 * KIB as usize).step_by(4096) {
        live_view.write_at(at, &page).unwrap();
    }

    // Once there is room again, everything works.
    std::fs::remove_file(&filler).unwrap();
    let (event, _) = EventOptions::new()
        .name("ev")
        .namespace(&ns)
        .create()
        .unwrap();
    let again = section(&ns, "empty", 4096, commit).unwrap();
    assert_eq!(opener_sees(&root, "section:empty"), 0);
    assert_eq!(opener_sees(&root, "event:ev"), 0);
    drop((again, event, live_view, live));
}

#[test]
fn a_namespace_root_without_inodes_fails_creates_with_the_commit_limit() {
    let test = "a_namespace_root_without_inodes_fails_creates_with_the_commit_limit";
    let dir = match child_dir(test, Needs::Mounts) {
        Some(dir) => dir,
        None => return,
    };
    let root = dir.join("root");
    harness::mount_tmpfs(&root, "size=1m,nr_inodes=8");
    let ns = Namespace::at(&root);
    let mut held = Vec::new();
    let err = loop {
        let census = Census::take();
        match section(
            &ns,
            &format!("s{}", held.len()),
            4096,
            SectionAttributes::COMMIT,
        ) {
            Ok(map) => held.push(map),
            Err(err) => {
                census.unchanged("a create without an inode");
                break err;
            }
        }
        assert!(held.len() < 8, "8 inodes held more objects");
    };
    assert_eq!(err.win32_code(), ERROR_COMMITMENT_LIMIT, "{err}");
    let name = format!("section:s{}", held.len());
    assert_eq!(opener_sees(&root, &name), ERROR_FILE_NOT_FOUND);
    held.pop();
    let next = section(&ns, "next", 4096, SectionAttributes::COMMIT).unwrap();
    drop((next, held));
}

#[test]
fn a_read_only_namespace_root_refuses_creates_and_opens_for_reading() {
    let test = "a_read_only_namespace_root_refuses_creates_and_opens_for_reading";
    let dir = match child_dir(test, Needs::Mounts) {
        Some(dir) => dir,
        None => return,
    };
    // The objects are made through a writable mount; `ro` is a second, read-only mount of the
    // same file system, through which the test uses them.
    let rw = dir.join("rw");
    let ro = dir.join("ro");
    harness::mount_tmpfs(&rw, "size=1m");
    let writer = Namespace::at(&rw);
    let kept = section(&writer, "kept", 4096, SectionAttributes::COMMIT).unwrap();
    kept.map_view(FileMapAccess::WRITE, 0, 0)
        .unwrap()
        .write_at(0, b"before")
        .unwrap();
    let (event, _) = EventOptions::new()
        .name("ev")
        .namespace(&writer)
        .create()
        .unwrap();
    harness::bind(&rw, &ro);
    harness::set_read_only(&ro, true);
    let ns = Namespace::at(&ro);
    // A first open caches the namespace directory, so the census below sees no new descriptor.
    let reader = OpenOptions::new(FileMapAccess::READ)
        .namespace(&ns)
        .open("kept")
        .unwrap();
    let census = Census::take();
    let before = entries(&ro);
    let state = (&census, ro.as_path(), before.as_slice());

    // Nothing can be created (EROFS: ERROR_ACCESS_DENIED, as for a namespace the caller may
    // not create in).
    let new = section(&ns, "new", 4096, SectionAttributes::COMMIT);
    failed_cleanly(
        new,
        ERROR_ACCESS_DENIED,
        "a section create",
        state,
        "section:new",
    );
    let new = EventOptions::new().name("new-ev").namespace(&ns).create();
    failed_cleanly(
        new,
        ERROR_ACCESS_DENIED,
        "an event create",
        state,
        "event:new-ev",
    );

    // Existing sections open for reading, and their views read.
    let mut buf = [0u8; 6];
    let view = reader.map_view(FileMapAccess::READ, 0, 0).unwrap();
    view.read_at(0, &mut buf).unwrap();
    assert_eq!(&buf, b"before");
    let twin = reader.try_clone().unwrap();
    let (again, disposition) = CreateOptions::new()
        .name("kept")
        .size(4096)
        .protection(Protection::ReadOnly)
        .namespace(&ns)
        .create()
        .unwrap();
    assert_eq!(disposition, filemapping::Disposition::OpenedExisting);
    drop((view, twin, again));
    census.unchanged("the read-only handles, once closed");

    // Writing needs a writable file: refused, as for a handle without the right.
    let err = OpenOptions::new(FileMapAccess::WRITE)
        .namespace(&ns)
        .open("kept")
        .unwrap_err();
    assert_eq!(
        err.win32_code(),
        ERROR_ACCESS_DENIED,
        "open for writing: {err}"
    );
    let err = filemapping::EventOpenOptions::new(filemapping::EventAccess::SYNCHRONIZE)
        .namespace(&ns)
        .open("ev")
        .unwrap_err();
    assert_eq!(
        err.win32_code(),
        ERROR_ACCESS_DENIED,
        "an event's state is written: {err}"
    );
    census.unchanged("the refused opens");
    drop(reader);
    assert_eq!(
        opener_sees(&rw, "section:kept"),
        0,
        "the last reader took the name"
    );

    // Writable again: everything works.
    harness::set_read_only(&ro, false);
    let new = section(&ns, "new", 4096, SectionAttributes::COMMIT).unwrap();
    assert_eq!(opener_sees(&ro, "section:new"), 0);
    drop((new, kept, event));
}

#[test]
fn a_namespace_root_that_disappears_keeps_live_handles_and_comes_back() {
    let test = "a_namespace_root_that_disappears_keeps_live_handles_and_comes_back";
    let dir = match child_dir(test, Needs::Nothing) {
        Some(dir) => dir,
        None => return,
    };
    let parent = dir.join("parent");
    let root = parent.join("root");
    let ns = Namespace::at(&root);
    let live = section(&ns, "live", 64 * KIB, SectionAttributes::COMMIT).unwrap();
    let view = live.map_view(FileMapAccess::WRITE, 0, 0).unwrap();
    let (event, _) = EventOptions::new()
        .name("ev")
        .manual_reset(true)
        .namespace(&ns)
        .create()
        .unwrap();

    // The root goes, with the names in it; what is open keeps working.
    std::fs::remove_dir_all(&parent).unwrap();
    view.write_at(0, b"still here").unwrap();
    let second = live.map_view(FileMapAccess::READ, 0, 0).unwrap();
    let mut buf = [0u8; 10];
    second.read_at(0, &mut buf).unwrap();
    assert_eq!(&buf, b"still here");
    let twin = live.try_clone().unwrap();
    event.set().unwrap();
    assert!(event.wait(Some(std::time::Duration::ZERO)).unwrap());

    // Something else took the parent's place, so the root cannot be made again: the path is
    // not found (spec §0.4, STATUS_OBJECT_PATH_NOT_FOUND).
    std::fs::write(&parent, b"not a directory").unwrap();
    let census = Census::take();
    let err = section(&ns, "new", 4096, SectionAttributes::COMMIT).unwrap_err();
    assert_eq!(err.win32_code(), ERROR_PATH_NOT_FOUND, "create: {err}");
    let err = OpenOptions::new(FileMapAccess::READ)
        .namespace(&ns)
        .open("live")
        .unwrap_err();
    assert_eq!(err.win32_code(), ERROR_PATH_NOT_FOUND, "open: {err}");
    census.unchanged("the failed create and open");

    // The root can come back: a create makes it again, and other processes see the new name.
    std::fs::remove_file(&parent).unwrap();
    let new = section(&ns, "new", 4096, SectionAttributes::COMMIT).unwrap();
    assert_eq!(opener_sees(&root, "section:new"), 0);
    assert_eq!(opener_sees(&root, "section:live"), ERROR_FILE_NOT_FOUND);
    drop(new);
    assert_eq!(opener_sees(&root, "section:new"), ERROR_FILE_NOT_FOUND);

    // Closing the handles whose names went with the old root succeeds.
    twin.close().unwrap();
    live.close().unwrap();
    drop(event);
    second.read_at(0, &mut buf).unwrap();
    assert_eq!(&buf, b"still here");
}

#[test]
fn a_namespace_root_unmounted_under_live_handles_is_followed_to_its_new_file_system() {
    let test = "a_namespace_root_unmounted_under_live_handles_is_followed_to_its_new_file_system";
    let dir = match child_dir(test, Needs::Mounts) {
        Some(dir) => dir,
        None => return,
    };
    let root = dir.join("root");
    harness::mount_tmpfs(&root, "size=1m");
    let ns = Namespace::at(&root);
    let live = section(&ns, "live", 64 * KIB, SectionAttributes::COMMIT).unwrap();
    let view = live.map_view(FileMapAccess::WRITE, 0, 0).unwrap();

    // The file system goes while the handle and the view are open: they keep working, the name
    // goes with it, and a create uses what the root's path names now (the directory under it).
    harness::detach(&root);
    view.write_at(0, b"detached").unwrap();
    assert_eq!(opener_sees(&root, "section:live"), ERROR_FILE_NOT_FOUND);
    let under = section(&ns, "under", 4096, SectionAttributes::COMMIT).unwrap();
    assert_eq!(opener_sees(&root, "section:under"), 0);

    // A new file system at the root: creates and opens go there.
    harness::mount_tmpfs(&root, "size=1m");
    let back = section(&ns, "back", 4096, SectionAttributes::COMMIT).unwrap();
    assert_eq!(opener_sees(&root, "section:back"), 0);
    assert_eq!(opener_sees(&root, "section:under"), ERROR_FILE_NOT_FOUND);
    drop((back, under));
    live.close().unwrap();
    let mut buf = [0u8; 8];
    view.read_at(0, &mut buf).unwrap();
    assert_eq!(&buf, b"detached");
}

/// The process's address space in use (`VmSize`), in bytes.
fn address_space() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmSize:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmSize");
    kib * KIB
}

/// Sets the soft `RLIMIT_AS` to `bytes` (`RLIM_INFINITY` for no limit).
fn limit_address_space(bytes: libc::rlim_t) {
    let limit = libc::rlimit {
        rlim_cur: bytes,
        rlim_max: libc::RLIM_INFINITY,
    };
    // SAFETY: setrlimit reads the struct it is given, which lives for the call.
    assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_AS, &limit) }, 0);
}

#[test]
fn an_exhausted_address_space_fails_the_view_not_the_section() {
    let test = "an_exhausted_address_space_fails_the_view_not_the_section";
    let dir = match child_dir(test, Needs::Mounts) {
        Some(dir) => dir,
        None => return,
    };
    let root = dir.join("root");
    harness::mount_tmpfs(&root, "size=256m");
    let ns = Namespace::at(&root);
    let size = 64 * MIB;
    let map = section(&ns, "big", size, SectionAttributes::COMMIT).unwrap();
    drop(
        map.map_view(FileMapAccess::READ, 0, 64 * KIB as usize)
            .unwrap(),
    );
    let census = Census::take();

    // Room for small views only.
    limit_address_space(address_space() + 16 * MIB);
    let err = map.map_view(FileMapAccess::WRITE, 0, 0).unwrap_err();
    assert_eq!(err.win32_code(), ERROR_NOT_ENOUGH_MEMORY, "map: {err}");
    census.unchanged("the failed map");
    let small = map
        .map_view(FileMapAccess::WRITE, 0, 64 * KIB as usize)
        .unwrap();
    small.write_at(0, b"small").unwrap();
    drop(small);

    // Sections take no address space: they are made as before, and only their views fail.
    let (unnamed, _) = CreateOptions::new().size(size).create().unwrap();
    let err = unnamed.map_view(FileMapAccess::WRITE, 0, 0).unwrap_err();
    assert_eq!(
        err.win32_code(),
        ERROR_NOT_ENOUGH_MEMORY,
        "map unnamed: {err}"
    );
    let other = section(&ns, "other", size, SectionAttributes::RESERVE).unwrap();
    let err = other.map_view(FileMapAccess::WRITE, 0, 0).unwrap_err();
    assert_eq!(
        err.win32_code(),
        ERROR_NOT_ENOUGH_MEMORY,
        "map named: {err}"
    );
    drop((unnamed, other));
    census.unchanged("the sections made under the limit, once closed");

    // Without the limit, the same calls work.
    limit_address_space(libc::RLIM_INFINITY);
    let whole = map.map_view(FileMapAccess::WRITE, 0, 0).unwrap();
    whole.write_at(size as usize - 5, b"whole").unwrap();
    let mut buf = [0u8; 5];
    map.map_view(FileMapAccess::READ, 0, 0)
        .unwrap()
        .read_at(size as usize - 5, &mut buf)
        .unwrap();
    assert_eq!(&buf, b"whole");
}
