//! Multi-process tests of the Linux namespace invariants (DESIGN, "The Linux namespace"), with
//! real separate processes: this test binary re-executes itself as the peer.

#[cfg(target_os = "linux")]
mod linux;
mod peer;
#[path = "../support/skip.rs"]
mod skip;
mod util;

use filemapping::{
    CreateOptions, Disposition, ErrorKind, FileMapAccess, FileMapping, OpenOptions,
    SectionAttributes,
};
use util::{peer_command, Peer, TestDir};

/// The peer's entry point. Ignored in normal runs; peers run it with `--ignored`.
#[test]
#[ignore = "entry point of the peer process, run by the other tests"]
fn peer_entry() {
    let script = std::env::var(peer::SCRIPT).expect("run as a peer by the other tests");
    peer::run(&script);
}

pub(crate) fn open_in(
    dir: &TestDir,
    name: &str,
    access: FileMapAccess,
) -> filemapping::Result<FileMapping> {
    OpenOptions::new(access)
        .namespace(&dir.namespace())
        .open(name)
}

pub(crate) fn create_in(dir: &TestDir, name: &str, size: u64) -> (FileMapping, Disposition) {
    CreateOptions::new()
        .name(name)
        .size(size)
        .namespace(&dir.namespace())
        .create()
        .expect("create")
}

// Spec §2.4, §6.1, §6.3: the pages of a SEC_RESERVE section are reserved until a view commits
// them, and then committed for every view in every process. The safe copies refuse a reserved
// page (an access to it faults on Windows) on both sides.
#[test]
fn pages_committed_in_one_process_can_be_copied_in_another() {
    let dir = TestDir::on_shared_memory("reserve");
    let (map, _) = CreateOptions::new()
        .name("reserve-commit")
        .size(1 << 20)
        .attributes(SectionAttributes::RESERVE)
        .namespace(&dir.namespace())
        .create()
        .unwrap();
    let view = map.map_view(FileMapAccess::WRITE, 0, 0).unwrap();
    let mut buf = [0u8; 10];
    let err = view.read_at(0, &mut buf).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AccessDenied, "{err}");
    let script = "open reserve-commit 6; map 6; write 0 early; commit 0 4096; write 0 from-child";
    let lines = Peer::spawn(&dir.path, script).finish();
    assert_eq!(lines, ["opened", "mapped", "error 5", "committed", "wrote"]);
    view.read_at(0, &mut buf).unwrap();
    assert_eq!(&buf, b"from-child");
    let err = view.read_at(4096, &mut buf).unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::AccessDenied,
        "the next page is still reserved: {err}"
    );
}

#[test]
fn data_written_in_one_process_is_read_in_another() {
    let dir = TestDir::new("data");
    let (map, _) = create_in(&dir, "shared", 4096);
    let view = map.map_view(FileMapAccess::WRITE, 0, 0).unwrap();
    view.write_at(0, b"from-parent").unwrap();
    let peer = Peer::spawn(
        &dir.path,
        "open shared 6; map 6; read 0 11; write 100 from-child; count",
    );
    let lines = peer.finish();
    assert_eq!(
        lines,
        ["opened", "mapped", "read from-parent", "wrote", "count 2"]
    );
    let mut buf = [0u8; 10];
    view.read_at(100, &mut buf).unwrap();
    assert_eq!(&buf, b"from-child");
    assert_eq!(
        map.handle_count().unwrap(),
        1,
        "the peer's handle died with it"
    );
    drop(map);
    assert!(dir.leftovers().is_empty());
}

#[test]
fn a_holder_killed_with_sigkill_leaves_no_name_behind() {
    let dir = TestDir::new("sigkill");
    let mut peer = Peer::spawn(
        &dir.path,
        "create doomed 4096; map 6; write 0 stale-data; ready",
    );
    peer.expect("created");
    peer.expect("mapped");
    peer.expect("wrote");
    peer.expect("ready");
    let seen = open_in(&dir, "doomed", FileMapAccess::READ).expect("the peer holds it");
    assert_eq!(seen.handle_count().unwrap(), 2);
    drop(seen);
    peer.kill();
    // Spec row 51, DESIGN invariant 2: the name died with its last holder.
    let err = open_in(&dir, "doomed", FileMapAccess::READ).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let (fresh, disposition) = create_in(&dir, "doomed", 4096);
    assert_eq!(disposition, Disposition::Created);
    let mut buf = [0xffu8; 10];
    fresh
        .map_view(FileMapAccess::READ, 0, 0)
        .unwrap()
        .read_at(0, &mut buf)
        .unwrap();
    assert_eq!(buf, [0u8; 10], "a fresh object is zero-filled");
    drop(fresh);
    assert!(dir.leftovers().is_empty(), "{:?}", dir.leftovers());
}

#[test]
fn closing_all_handles_removes_the_name_while_views_still_work() {
    let dir = TestDir::new("views-outlive");
    let script = "create keep 4096; map 6; write 0 still-here; close; ready; read 0 10";
    let mut peer = Peer::spawn(&dir.path, script);
    for want in ["created", "mapped", "wrote", "closed", "ready"] {
        peer.expect(want);
    }
    // Spec §1.3, rows 50-52: no handle is left, so the name is gone though a view exists.
    let err = open_in(&dir, "keep", FileMapAccess::READ).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(dir.leftovers().is_empty());
    let (other, disposition) = create_in(&dir, "keep", 4096);
    assert_eq!(disposition, Disposition::Created);
    other
        .map_view(FileMapAccess::WRITE, 0, 0)
        .unwrap()
        .write_at(0, b"new-object")
        .unwrap();
    peer.resume();
    assert_eq!(
        peer.finish(),
        ["read still-here"],
        "the old view keeps the old memory"
    );
}

#[test]
fn thirty_two_processes_race_to_create_one_name_a_hundred_times() {
    const PEERS: u64 = 32;
    const GENERATIONS: u64 = 100;
    let dir = TestDir::new("race");
    let (ctl, _) = create_in(&dir, "ctl", 16 * GENERATIONS);
    let peers: Vec<Peer> = (1..=PEERS)
        .map(|id| Peer::spawn(&dir.path, &format!("race {PEERS} {GENERATIONS} {id}")))
        .collect();
    let reports: Vec<Vec<String>> = peers.into_iter().map(Peer::finish).collect();
    for gen in 0..GENERATIONS {
        let prefix = format!("gen {gen} ");
        let lines: Vec<&String> = reports
            .iter()
            .flatten()
            .filter(|l| l.starts_with(&prefix))
            .collect();
        assert_eq!(lines.len() as u64, PEERS, "generation {gen}: {lines:?}");
        let creators: Vec<(usize, &&String)> = lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.contains(" created "))
            .collect();
        assert_eq!(
            creators.len(),
            1,
            "generation {gen}: exactly one creator: {lines:?}"
        );
        let stamp = lines[0].rsplit(' ').next().unwrap();
        assert!(
            lines.iter().all(|l| l.ends_with(&format!(" {stamp}"))),
            "{lines:?}"
        );
        assert_ne!(stamp, "0");
    }
    drop(ctl);
    assert!(dir.leftovers().is_empty(), "{:?}", dir.leftovers());
}

#[test]
fn an_inherited_handle_keeps_the_name_alive_in_the_child() {
    let dir = TestDir::new("inherit");
    let guard = util::inherit_lock();
    let (map, _) = CreateOptions::new()
        .name("heirloom")
        .size(4096)
        .inheritable(true)
        .namespace(&dir.namespace())
        .create()
        .unwrap();
    map.map_view(FileMapAccess::WRITE, 0, 0)
        .unwrap()
        .write_at(0, b"inherited")
        .unwrap();
    let token = map.inherit_token().expect("inheritable");
    let mut cmd = peer_command(&dir.path, "adopt FM_TOKEN; map 4; read 0 9; ready; count");
    cmd.env("FM_TOKEN", token);
    let mut peer = Peer::start_while_locked(cmd);
    for want in ["adopted", "mapped", "read inherited", "ready"] {
        peer.expect(want);
    }
    // The parent closes; the child's inherited handle keeps the object and its name.
    map.close().unwrap();
    drop(guard);
    let again = open_in(&dir, "heirloom", FileMapAccess::READ).expect("the child holds it");
    drop(again);
    peer.resume();
    assert_eq!(peer.finish(), ["count 1"]);
    let err = open_in(&dir, "heirloom", FileMapAccess::READ).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "gone with the child");
    assert!(dir.leftovers().is_empty());
}

#[test]
fn a_duplicated_read_only_handle_is_inherited_with_its_access() {
    let dir = TestDir::new("dup-inherit");
    let (map, _) = CreateOptions::new()
        .size(4096)
        .namespace(&dir.namespace())
        .create()
        .unwrap();
    map.map_view(FileMapAccess::WRITE, 0, 0)
        .unwrap()
        .write_at(0, b"unnamed")
        .unwrap();
    let guard = util::inherit_lock();
    let reader = map.duplicate(FileMapAccess::READ, true).unwrap();
    assert_eq!(map.handle_count().unwrap(), 2);
    let mut cmd = peer_command(&dir.path, "adopt FM_TOKEN; map 6; map 4; read 0 7");
    cmd.env("FM_TOKEN", reader.inherit_token().unwrap());
    let peer = Peer::start_while_locked(cmd);
    drop(reader);
    drop(guard);
    // Spec row 73: a FILE_MAP_READ duplicate cannot map a writable view.
    assert_eq!(
        peer.finish(),
        [
            "adopted",
            &format!("error {}", filemapping::ERROR_ACCESS_DENIED),
            "mapped",
            "read unnamed"
        ]
    );
    assert_eq!(map.handle_count().unwrap(), 1);
}

/// Spec rows 56-57: a child's copy-on-write writes stay private; `FILE_MAP_COPY | FILE_MAP_WRITE`
/// is a shared read-write view.
#[test]
fn copy_on_write_views_stay_private_across_processes() {
    let dir = TestDir::new("cow");
    let (map, _) = create_in(&dir, "cow", 4096);
    let view = map.map_view(FileMapAccess::READ, 0, 0).unwrap();
    let lines = Peer::spawn(&dir.path, "open cow 6; map 1; write 0 private; read 0 7").finish();
    assert_eq!(lines, ["opened", "mapped", "wrote", "read private"]);
    let mut buf = [0xffu8; 7];
    view.read_at(0, &mut buf).unwrap();
    assert_eq!(buf, [0u8; 7], "row 56: the parent sees 0");
    let lines = Peer::spawn(&dir.path, "open cow 6; map 3; write 0 visible").finish();
    assert_eq!(lines, ["opened", "mapped", "wrote"]);
    view.read_at(0, &mut buf).unwrap();
    assert_eq!(&buf, b"visible", "row 57: FMC+FMW writes are shared");
}

/// Spec row 55: a second process's CreateFileMapping of a live name opens it, sees the data,
/// and says ERROR_ALREADY_EXISTS.
#[test]
fn a_second_creator_in_another_process_opens_the_live_object() {
    let dir = TestDir::new("second-creator");
    let (map, _) = create_in(&dir, "winetest_virtual.c", 4096);
    map.map_view(FileMapAccess::WRITE, 0, 0)
        .unwrap()
        .write_at(0, b"1a2b3c4d")
        .unwrap();
    let lines = Peer::spawn(&dir.path, "create winetest_virtual.c 8192; map 6; read 0 8").finish();
    assert_eq!(lines, ["existing", "mapped", "read 1a2b3c4d"]);
}

/// A named event wakes a peer process blocked in a real wait; it then reads the mapping.
#[test]
fn an_event_wakes_a_waiting_process() {
    let dir = TestDir::new("event");
    let (map, _) = create_in(&dir, "payload", 4096);
    let (event, _) = filemapping::EventOptions::new()
        .name("ready")
        .namespace(&dir.namespace())
        .create()
        .unwrap();
    let mut peer = Peer::spawn(
        &dir.path,
        "open payload 4; map 4; event ready; ready; wait 60000; read 0 5",
    );
    for want in ["opened", "mapped", "event", "ready"] {
        peer.expect(want);
    }
    peer.resume();
    map.map_view(FileMapAccess::WRITE, 0, 0)
        .unwrap()
        .write_at(0, b"hello")
        .unwrap();
    event.set().unwrap();
    assert_eq!(peer.finish(), ["signaled", "read hello"]);
}
