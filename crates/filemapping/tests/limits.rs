//! What the system's limits and other programs do to a process: safe functions never kill it
//! (DESIGN, invariant 9), and every failure carries the code Windows reports. `View::read_at`
//! and `View::write_at` report a page that cannot be had as `ERROR_SWAPERROR` where a plain
//! access would raise `SIGBUS`, whatever another program does to the file; running out of
//! descriptors is `ERROR_TOO_MANY_OPEN_FILES` on every path that opens one.
//!
//! Every case runs in a child process (this test binary, re-executed for one test:
//! `support/child.rs`), so that a `SIGBUS` fails the test with the signal named instead of
//! killing the test harness, and a lowered limit stays in the child.

#![cfg(target_os = "linux")]
#![allow(unsafe_code)]

#[path = "support/child.rs"]
mod child;
#[path = "support/cut_short.rs"]
mod cut_short;
#[path = "support/skip.rs"]
mod skip;

use child::child_dir;
use cut_short::{assert_in_page_error, cut, file_view};
use filemapping::{
    CreateOptions, FileMapAccess, FileMapping, Namespace, OpenOptions, SectionAttributes,
    ERROR_SWAPERROR, ERROR_TOO_MANY_OPEN_FILES,
};

#[test]
fn a_file_cut_short_by_another_program_is_an_error_not_a_signal() {
    let test = "a_file_cut_short_by_another_program_is_an_error_not_a_signal";
    let dir = match child_dir(test, &[]) {
        Some(dir) => dir,
        None => return,
    };
    let (path, _map, view) = file_view(&dir, 3 * 4096);
    let mut buf = [0u8; 8];
    view.read_at(4096, &mut buf).unwrap();
    assert_eq!(buf, [7; 8]);

    // Another program cuts the file to one page under the view.
    cut(&path, 4096);

    view.read_at(0, &mut buf).unwrap();
    assert_eq!(buf, [7; 8], "the page that is left still reads");
    assert_in_page_error(view.read_at(4096, &mut buf), "a read past the new end");
    assert_in_page_error(view.write_at(8192, b"x"), "a write past the new end");
    let mut across = vec![0u8; 4096];
    assert_in_page_error(view.read_at(2048, &mut across), "a read across the new end");
    view.write_at(0, b"still").unwrap();
}

#[test]
fn uncommitted_pages_on_a_full_file_system_are_an_error_not_a_signal() {
    let test = "uncommitted_pages_on_a_full_file_system_are_an_error_not_a_signal";
    if child::in_child(test).is_none() && !skip::running_as_root() {
        skip::skip(
            test,
            "needs root to mount a small tmpfs in a private mount namespace",
        );
        return;
    }
    // The child runs in a mount namespace of its own, with a 64 KiB tmpfs as the namespace
    // root, mounted over its scratch directory by `sh` before the test binary starts.
    let mount = "mount -t tmpfs -o size=64k filemapping-test \"$FILEMAPPING_TEST_SCRATCH\" && exec \"$0\" \"$@\"";
    let dir = match child_dir(
        test,
        &[
            "unshare",
            "-m",
            "--propagation",
            "private",
            "sh",
            "-c",
            mount,
        ],
    ) {
        Some(dir) => dir,
        None => return,
    };
    let ns = Namespace::at(&dir);
    let (map, _) = CreateOptions::new()
        .name("reserved")
        .size(1 << 20)
        .attributes(SectionAttributes::RESERVE)
        .namespace(&ns)
        .create()
        .unwrap();
    let view = map.map_view(FileMapAccess::WRITE, 0, 0).unwrap();
    // The file system holds 16 pages; writing 256 finds it full on the way.
    let page = vec![1u8; 4096];
    let mut failed = None;
    for i in 0..256 {
        if let Err(e) = view.write_at(i * 4096, &page) {
            failed = Some((i, e));
            break;
        }
    }
    let (at, err) = failed.expect("a 64 KiB file system held 1 MiB");
    assert!(at < 16, "failed only at page {at}");
    assert_eq!(err.win32_code(), ERROR_SWAPERROR, "{err}");
    let mut back = vec![0u8; 4096];
    view.read_at(0, &mut back).unwrap();
    assert_eq!(back, page, "the pages written before it are intact");
}

#[test]
fn running_out_of_descriptors_is_too_many_open_files_on_every_path() {
    let test = "running_out_of_descriptors_is_too_many_open_files_on_every_path";
    let dir = match child_dir(test, &[]) {
        Some(dir) => dir,
        None => return,
    };
    let ns = Namespace::at(&dir);
    let (map, _) = CreateOptions::new()
        .name("held")
        .size(4096)
        .namespace(&ns)
        .create()
        .unwrap();
    // The child alone lowers its limit to a few descriptors more than it has open.
    let open = std::fs::read_dir("/proc/self/fd").unwrap().count() as u64;
    let limit = libc::rlimit {
        rlim_cur: open + 8,
        rlim_max: open + 64,
    };
    // SAFETY: setrlimit reads the struct it is given, which lives for the call.
    assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) }, 0);
    let mut handles: Vec<FileMapping> = Vec::new();
    let failure = loop {
        match map.try_clone() {
            Ok(handle) => handles.push(handle),
            Err(err) => break err,
        }
        assert!(handles.len() < 64, "the limit was never reached");
    };
    assert_eq!(
        failure.win32_code(),
        ERROR_TOO_MANY_OPEN_FILES,
        "duplicate: {failure}"
    );
    let open = OpenOptions::new(FileMapAccess::READ)
        .namespace(&ns)
        .open("held");
    assert_eq!(
        open.unwrap_err().win32_code(),
        ERROR_TOO_MANY_OPEN_FILES,
        "open"
    );
    let create = CreateOptions::new()
        .name("new")
        .size(4096)
        .namespace(&ns)
        .create();
    assert_eq!(
        create.unwrap_err().win32_code(),
        ERROR_TOO_MANY_OPEN_FILES,
        "create"
    );
    // Once descriptors are free again, everything works and nothing was left behind.
    handles.clear();
    let (again, _) = CreateOptions::new()
        .name("new")
        .size(4096)
        .namespace(&ns)
        .create()
        .unwrap();
    drop((again, map));
    assert!(
        ns.list(filemapping::Scope::Local).unwrap().is_empty(),
        "no name is left"
    );
}
