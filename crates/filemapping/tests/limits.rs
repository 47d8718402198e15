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

#[path = "faults/harness.rs"]
mod harness;

use child::child_dir;
use cut_short::{assert_in_page_error, cut, file_view};
use filemapping::{
    CreateOptions, EventAccess, EventOpenOptions, EventOptions, FileMapAccess, FileMapping,
    MutexAccess, MutexOpenOptions, MutexOptions, Namespace, OpenOptions, SectionAttributes,
    SemaphoreAccess, SemaphoreOpenOptions, SemaphoreOptions, ERROR_ACCESS_DENIED,
    ERROR_FILE_NOT_FOUND, ERROR_SWAPERROR, ERROR_TOO_MANY_OPEN_FILES,
};
use std::any::Any;
use std::fs::File;
use std::os::unix::fs::FileExt;

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
fn pages_a_full_file_system_cannot_supply_are_an_error_not_a_signal() {
    let test = "pages_a_full_file_system_cannot_supply_are_an_error_not_a_signal";
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
    let page = vec![1u8; 4096];
    // An uncommitted page is refused as on Windows, before it takes anything from the file
    // system; a committed one works.
    let err = view.write_at(0, &page).unwrap_err();
    assert_eq!(err.win32_code(), ERROR_ACCESS_DENIED, "{err}");
    view.commit(0, 4096).unwrap();
    view.write_at(0, &page).unwrap();
    drop((view, map));

    // A sparse file's pages are taken as they are written: the file system holds 16 pages,
    // and writing 256 finds it full on the way.
    let path = dir.join("sparse");
    let file = File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(&path)
        .unwrap();
    file.set_len(1 << 20).unwrap();
    let (map, _) = CreateOptions::new().file(&file).create().unwrap();
    let view = map.map_view(FileMapAccess::WRITE, 0, 0).unwrap();
    let mut failed = None;
    for i in 0..256 {
        if let Err(e) = view.write_at(i * 4096, &page) {
            failed = Some((i, e));
            break;
        }
    }
    let (at, err) = failed.expect("a 64 KiB file system held 1 MiB");
    assert!(at <= 16, "failed only at page {at}");
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

#[test]
#[ignore = "the opener in another process that the descriptor case starts"]
fn probe() {
    harness::probe();
}

/// Descriptors that fill the process's table up to its limit, so that the next call gets
/// exactly as many as the test leaves free.
struct Fillers(Vec<File>);

impl Fillers {
    /// Fills the table, then frees `free` descriptors.
    fn leave(&mut self, free: usize) {
        while let Ok(file) = File::open("/dev/null") {
            self.0.push(file);
        }
        for _ in 0..free {
            self.0.pop();
        }
    }
}

/// What a failed call must not leave behind, counted without opening anything (the table may
/// be full): the open descriptors (`fcntl(F_GETFD)` on each number below `limit`, as
/// `/proc/self/fd` lists them) and the mappings (lines of `/proc/self/maps`, read again
/// through `maps`, opened beforehand).
fn census(limit: u64, maps: &File) -> (usize, usize) {
    // SAFETY: F_GETFD takes no argument and only asks whether the descriptor is open.
    let fds = (0..limit as i32)
        .filter(|&fd| unsafe { libc::fcntl(fd, libc::F_GETFD) } != -1)
        .count();
    let mut text = Vec::new();
    let mut chunk = vec![0u8; 1 << 16];
    loop {
        let n = maps.read_at(&mut chunk, text.len() as u64).unwrap();
        if n == 0 {
            break;
        }
        text.extend_from_slice(&chunk[..n]);
    }
    (fds, text.iter().filter(|&&b| b == b'\n').count())
}

type Op<'a> = Box<dyn Fn() -> filemapping::Result<Box<dyn Any>> + 'a>;

/// A call of the descriptor case: what it is, the `kind:name` it creates (if any), the call.
fn op<'a, T: 'static>(
    what: &'static str,
    creates: &'static str,
    call: impl Fn() -> filemapping::Result<T> + 'a,
) -> (&'static str, &'static str, Op<'a>) {
    let boxed: Op<'a> = Box::new(move || call().map(|made| Box::new(made) as Box<dyn Any>));
    (what, creates, boxed)
}

#[test]
fn every_call_that_needs_a_descriptor_fails_cleanly_without_one() {
    let test = "every_call_that_needs_a_descriptor_fails_cleanly_without_one";
    let dir = match child_dir(test, &[]) {
        Some(dir) => dir,
        None => return,
    };
    let ns = Namespace::at(&dir);
    let (held, _) = CreateOptions::new()
        .name("held")
        .size(4096)
        .namespace(&ns)
        .create()
        .unwrap();
    let (event, _) = EventOptions::new()
        .name("ev")
        .namespace(&ns)
        .create()
        .unwrap();
    let (mutex, _) = MutexOptions::new()
        .name("mx")
        .namespace(&ns)
        .create()
        .unwrap();
    let (semaphore, _) = SemaphoreOptions::new()
        .name("sem")
        .maximum(1)
        .namespace(&ns)
        .create()
        .unwrap();
    std::fs::write(dir.join("data"), vec![1u8; 4096]).unwrap();
    let data = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(dir.join("data"))
        .unwrap();
    let before = harness::entries(&dir);
    let ops = vec![
        op("section create", "section:new", || {
            CreateOptions::new()
                .name("new")
                .size(4096)
                .namespace(&ns)
                .create()
        }),
        op("unnamed section create", "", || {
            CreateOptions::new().size(4096).create()
        }),
        op("file-backed create", "section:onfile", || {
            CreateOptions::new()
                .file(&data)
                .name("onfile")
                .namespace(&ns)
                .create()
        }),
        op("section open", "", || {
            OpenOptions::new(FileMapAccess::READ)
                .namespace(&ns)
                .open("held")
        }),
        op("section duplicate", "", || held.try_clone()),
        // An inheritable handle's first view opens a description of its own.
        op("map", "", || {
            let (map, _) = CreateOptions::new().size(4096).inheritable(true).create()?;
            map.map_view(FileMapAccess::READ, 0, 0)
        }),
        op("event create", "event:new-ev", || {
            EventOptions::new().name("new-ev").namespace(&ns).create()
        }),
        op("event open", "", || {
            EventOpenOptions::new(EventAccess::SYNCHRONIZE)
                .namespace(&ns)
                .open("ev")
        }),
        op("event duplicate", "", || event.try_clone()),
        op("mutex create", "mutex:new-mx", || {
            MutexOptions::new().name("new-mx").namespace(&ns).create()
        }),
        op("mutex open", "", || {
            MutexOpenOptions::new(MutexAccess::SYNCHRONIZE)
                .namespace(&ns)
                .open("mx")
        }),
        op("mutex duplicate", "", || mutex.try_clone()),
        op("semaphore create", "semaphore:new-sem", || {
            SemaphoreOptions::new()
                .name("new-sem")
                .maximum(1)
                .namespace(&ns)
                .create()
        }),
        op("semaphore open", "", || {
            SemaphoreOpenOptions::new(SemaphoreAccess::SYNCHRONIZE)
                .namespace(&ns)
                .open("sem")
        }),
        op("semaphore duplicate", "", || semaphore.try_clone()),
    ];
    // Each call once with descriptors to spare, so that what it caches for the process (the
    // namespace directory) is there before the counting starts.
    for (what, _, call) in &ops {
        drop(call().unwrap_or_else(|e| panic!("{what}: {e}")));
    }

    // The child alone lowers its limit; the table is then kept full but for a few.
    let maps = File::open("/proc/self/maps").unwrap();
    let open = std::fs::read_dir("/proc/self/fd").unwrap().count() as u64;
    let limit = open + 16;
    let rlimit = libc::rlimit {
        rlim_cur: limit,
        rlim_max: limit,
    };
    // SAFETY: setrlimit reads the struct it is given, which lives for the call.
    assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &rlimit) }, 0);
    let mut fillers = Fillers(Vec::new());
    for (what, _, call) in &ops {
        // With no descriptor free, then one, two, …: every failure is EMFILE and leaves
        // nothing; once the call has what it needs, it works.
        let mut failures = 0;
        for free in 0..8 {
            fillers.leave(free);
            let counted = census(limit, &maps);
            match call() {
                Ok(made) => {
                    drop(made);
                    break;
                }
                Err(err) => {
                    assert_eq!(err.win32_code(), ERROR_TOO_MANY_OPEN_FILES, "{what}: {err}");
                    assert_eq!(census(limit, &maps), counted, "{what} with {free} free");
                    failures += 1;
                }
            }
            assert!(free < 7, "{what} failed with 7 descriptors free");
        }
        assert!(failures > 0, "{what} needs no descriptor");
    }
    drop(fillers);

    // No name was left half-created: the directory holds what it held, and an opener in
    // another process finds none of the new names.
    assert_eq!(harness::entries(&dir), before, "a name was left");
    for (what, creates, _) in &ops {
        if !creates.is_empty() {
            let code = harness::opener_sees(&dir, creates);
            assert_eq!(code, ERROR_FILE_NOT_FOUND, "{what}: {creates} is visible");
        }
    }
    drop(ops);
    drop((held, event, mutex, semaphore));
}

/// More memory than the machine has (twice its RAM and swap), in bytes.
fn more_than_the_machine_has() -> u64 {
    let text = std::fs::read_to_string("/proc/meminfo").unwrap();
    let kib = |name: &str| -> u64 {
        let line = text.lines().find(|l| l.starts_with(name)).unwrap();
        line[name.len()..]
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .unwrap()
    };
    2 * (kib("MemTotal:") + kib("SwapTotal:")) * 1024
}

#[test]
fn committing_more_memory_than_the_machine_has_is_an_error_not_the_oom_killer() {
    let test = "committing_more_memory_than_the_machine_has_is_an_error_not_the_oom_killer";
    let dir = match child_dir(test, &[]) {
        Some(dir) => dir,
        None => return,
    };
    // Should the check ever fail, the kernel's OOM killer takes this child first, and the
    // parent sees it killed instead of the machine losing other processes.
    std::fs::write("/proc/self/oom_score_adj", "1000").unwrap();
    let size = more_than_the_machine_has();
    let ns = Namespace::at(&dir);
    let commit_limit = |result: filemapping::Result<(FileMapping, filemapping::Disposition)>| {
        let err = result
            .map(drop)
            .expect_err("a section larger than the machine");
        assert_eq!(
            err.win32_code(),
            filemapping::ERROR_COMMITMENT_LIMIT,
            "{err}"
        );
    };
    commit_limit(CreateOptions::new().namespace(&ns).size(size).create());
    commit_limit(
        CreateOptions::new()
            .namespace(&ns)
            .name("huge")
            .size(size)
            .create(),
    );
    assert!(
        std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .all(|scope| std::fs::read_dir(scope.path())
                .map_or(true, |mut entries| entries.next().is_none())),
        "no name was left"
    );
    // SEC_RESERVE creates it sparse; committing all of it is refused the same way.
    let (map, _) = CreateOptions::new()
        .namespace(&ns)
        .size(size)
        .attributes(SectionAttributes::RESERVE)
        .create()
        .unwrap();
    let view = map.map_view(FileMapAccess::WRITE, 0, 1 << 30).unwrap();
    view.commit(0, 1 << 20).unwrap();
    let err = map
        .map_view(FileMapAccess::WRITE, 0, 0)
        .and_then(|whole| whole.commit(0, whole.len()));
    if let Err(err) = err {
        assert!(
            [
                filemapping::ERROR_COMMITMENT_LIMIT,
                filemapping::ERROR_NOT_ENOUGH_MEMORY
            ]
            .contains(&err.win32_code()),
            "{err}"
        );
    } else {
        panic!("committing more than the machine has succeeded");
    }
}
