//! Multi-process tests of what only the Linux emulation has: stale files left by crashed
//! holders, the namespace listing, and per-user directories.

#![allow(unsafe_code)]

use crate::create_in;
use crate::util::{peer_command_of, Peer, TestDir};
use filemapping::{
    CreateOptions, Disposition, ErrorKind, FileMapAccess, OpenOptions, Permissions,
    ERROR_ACCESS_DENIED, ERROR_FILE_NOT_FOUND,
};

#[test]
fn a_stale_name_is_replaced_on_create_without_an_open_first() {
    let dir = TestDir::new("stale-create");
    let mut peer = Peer::spawn(&dir.path, "create stale 8192; ready");
    peer.expect("created");
    peer.expect("ready");
    peer.kill();
    assert_eq!(dir.leftovers().len(), 1, "the killed holder left its file");
    let (fresh, disposition) = create_in(&dir, "stale", 4096);
    assert_eq!(disposition, Disposition::Created);
    assert_eq!(
        fresh.info().unwrap().size(),
        4096,
        "the new object, not the stale one"
    );
    drop(fresh);
    assert!(dir.leftovers().is_empty());
}

#[test]
fn a_local_object_of_one_user_cannot_be_opened_by_another() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    let dir = TestDir::new("users");
    if !crate::skip::running_as_root() {
        let test = "a_local_object_of_one_user_cannot_be_opened_by_another";
        crate::skip::skip(test, "needs root to run a peer as `nobody`");
        return;
    }
    make_world_traversable(&dir);
    let (_local, _) = create_in(&dir, "Local\\private", 4096);
    let (_global, _) = create_in(&dir, "Global\\private", 4096);
    let (_shared, _) = CreateOptions::new()
        .name("Global\\public")
        .size(4096)
        .permissions(Permissions::EveryoneRead)
        .namespace(&dir.namespace())
        .create()
        .unwrap();
    let script = "open Local\\private 4; open private 4; open Global\\private 4; \
                  open Global\\public 2; open Global\\public 4; map 4";
    // The checkout may live in a directory that `nobody` cannot enter (a fresh clone into
    // `mktemp -d` is one): that user runs a copy of this binary from the test's own directory.
    let exe = dir.path.join("peer");
    std::fs::copy(std::env::current_exe().unwrap(), &exe).unwrap();
    std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut cmd = peer_command_of(&exe, &dir.path, script);
    cmd.uid(65534).gid(65534);
    let lines = Peer::start(cmd).finish();
    // Another user's Local namespace is its own: the name does not exist there. Global objects
    // follow their permissions.
    let (not_found, denied) = (
        format!("error {ERROR_FILE_NOT_FOUND}"),
        format!("error {ERROR_ACCESS_DENIED}"),
    );
    assert_eq!(
        lines,
        [&not_found, &not_found, &denied, &denied, "opened", "mapped"]
    );
}

/// Lets `nobody` reach the test root and the test binary, like `/dev/shm`.
fn make_world_traversable(dir: &TestDir) {
    use std::os::unix::fs::PermissionsExt;
    let sticky = std::fs::Permissions::from_mode(0o1777);
    std::fs::set_permissions(&dir.path, sticky).unwrap();
}

#[test]
fn stale_names_are_never_listed_as_live_and_are_collected() {
    use filemapping::Scope;
    let dir = TestDir::new("gc");
    let (_live, _) = create_in(&dir, "alive", 4096);
    let mut peer = Peer::spawn(&dir.path, "create crashed 4096; ready");
    peer.expect("created");
    peer.expect("ready");
    let ns = dir.namespace();
    let before = ns.list(Scope::Local).unwrap();
    let summary: Vec<(&str, bool, Option<u64>)> = before
        .iter()
        .map(|e| (e.name(), e.is_live(), e.handle_count()))
        .collect();
    assert_eq!(
        summary,
        [
            ("Local\\alive", true, Some(1)),
            ("Local\\crashed", true, Some(1))
        ]
    );
    peer.kill();
    let after = ns.list(Scope::Local).unwrap();
    assert_eq!(after[1].name(), "Local\\crashed");
    assert!(!after[1].is_live(), "every holder died");
    assert_eq!(after[1].info().map(|i| i.size()), Some(4096));
    assert_eq!(ns.remove_stale(Scope::Local).unwrap(), ["Local\\crashed"]);
    let names: Vec<String> = ns
        .list(Scope::Local)
        .unwrap()
        .iter()
        .map(|e| e.name().to_owned())
        .collect();
    assert_eq!(names, ["Local\\alive"]);
}

/// A process that another thread forks holds a copy of every descriptor until it calls `exec`
/// (or, without `exec`, until it exits). Handles closed meanwhile must stop counting at once, or
/// the last closer would leave the name behind.
#[test]
fn a_forked_copy_of_a_closed_handle_does_not_keep_the_name() {
    let dir = TestDir::new("fork-copy");
    let (creator, _) = create_in(&dir, "forked", 4096);
    let other = crate::open_in(&dir, "forked", FileMapAccess::READ).unwrap();
    let _view = other.map_view(FileMapAccess::READ, 0, 0).unwrap();
    // SAFETY: the child only waits for a signal (async-signal-safe) and is killed below.
    let child = unsafe { libc::fork() };
    if child == 0 {
        loop {
            // SAFETY: pause takes no arguments and is async-signal-safe.
            unsafe { libc::pause() };
        }
    }
    assert!(child > 0, "fork failed");
    // Closing must neither hang (on a lock that the child's copy holds) nor leave the name.
    let (done, outcome) = std::sync::mpsc::channel();
    let namespace = dir.namespace();
    std::thread::spawn(move || {
        drop(other);
        drop(creator);
        let after = OpenOptions::new(FileMapAccess::READ)
            .namespace(&namespace)
            .open("forked");
        let _ = done.send(after.map(drop).map_err(|e| e.kind()));
    });
    let outcome = outcome.recv_timeout(std::time::Duration::from_secs(10));
    // SAFETY: `child` is our own child process; kill and waitpid take no pointers but the
    // status, which is a valid local.
    unsafe {
        libc::kill(child, libc::SIGKILL);
        libc::waitpid(child, &mut 0, 0);
    }
    let outcome = outcome.expect("closing the handles hung");
    assert_eq!(
        outcome,
        Err(ErrorKind::NotFound),
        "the name died with the last handle"
    );
    assert!(dir.leftovers().is_empty(), "{:?}", dir.leftovers());
}
