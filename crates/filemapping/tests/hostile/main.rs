//! The namespace is hostile input (DESIGN invariant 8; issue 11, items 3 and 7): a `Global\`
//! directory full of entries that are not objects, and objects of another user. Every listing,
//! `gc`, open and create in it finishes (under a deadline: a hang fails the test) with a clean
//! result. The tests that need a second user run, as root, a copy of this test binary as
//! `nobody`; without root they say that they skipped.

#![cfg(target_os = "linux")]

use filemapping::{
    CreateOptions, ErrorKind, EventOptions, FileMapAccess, FileMapping, Foreign, Namespace,
    OpenOptions, Permissions, Scope,
};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// How long anything may take before the test is declared hung (a watchdog, not a bound).
const DEADLINE: Duration = Duration::from_secs(60);

/// The user the peer runs as.
const NOBODY: u32 = 65534;

/// A namespace root of one test, readable by every user, removed on drop.
struct Root {
    path: PathBuf,
}

impl Root {
    fn new(test: &str) -> Root {
        let path = std::env::temp_dir().join(format!("fm-hostile-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create the root");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        Root { path }
    }

    fn ns(&self) -> Namespace {
        Namespace::at(&self.path)
    }

    /// The `Global\` directory, made by the library.
    fn global(&self) -> PathBuf {
        let (seed, _) = CreateOptions::new()
            .name("Global\\seed")
            .size(4096)
            .namespace(&self.ns())
            .create()
            .expect("create the Global directory");
        drop(seed);
        self.path.join("filemapping-global")
    }
}

impl Drop for Root {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// Runs `f` on a thread and fails the test if it does not finish within [`DEADLINE`].
fn within<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(DEADLINE) {
        Ok(value) => value,
        Err(_) => panic!("{what} did not finish within {DEADLINE:?}: it hangs"),
    }
}

/// Fills `global` with entries that are not objects; returns each name and what it is.
fn plant(global: &Path, real: &Path) -> Vec<(&'static str, Foreign)> {
    let status = Command::new("mkfifo").arg(global.join("fifo")).status();
    assert!(status.expect("mkfifo").success());
    std::os::unix::fs::symlink("/etc/passwd", global.join("link-to-file")).unwrap();
    std::os::unix::fs::symlink("/tmp", global.join("link-to-dir")).unwrap();
    std::os::unix::fs::symlink(real, global.join("link-to-object")).unwrap();
    std::os::unix::fs::symlink("/nonexistent", global.join("dangling")).unwrap();
    std::fs::create_dir(global.join("dir")).unwrap();
    let socket = std::os::unix::net::UnixListener::bind(global.join("socket")).unwrap();
    std::mem::forget(socket);
    std::fs::write(global.join("garbage"), [0x5au8; 3000]).unwrap();
    std::fs::write(global.join("empty"), b"").unwrap();
    let object = std::fs::read(real).unwrap();
    std::fs::write(global.join("truncated"), &object[..12]).unwrap();
    let mut bad = object.clone();
    bad[0] ^= 0xff;
    std::fs::write(global.join("bad-magic"), &bad).unwrap();
    for name in ["fifo", "garbage", "empty", "truncated", "bad-magic"] {
        let mode = std::fs::Permissions::from_mode(0o666);
        std::fs::set_permissions(global.join(name), mode).unwrap();
    }
    let file = Foreign::NotAnObject;
    vec![
        ("fifo", Foreign::Fifo),
        ("link-to-file", Foreign::SymbolicLink),
        ("link-to-dir", Foreign::SymbolicLink),
        ("link-to-object", Foreign::SymbolicLink),
        ("dangling", Foreign::SymbolicLink),
        ("dir", Foreign::Directory),
        ("socket", Foreign::Socket),
        ("garbage", file),
        ("empty", file),
        ("truncated", file),
        ("bad-magic", file),
    ]
}

fn create(ns: &Namespace, name: &str) -> filemapping::Result<FileMapping> {
    CreateOptions::new()
        .name(name)
        .size(4096)
        .permissions(Permissions::Everyone)
        .namespace(ns)
        .create()
        .map(|(map, _)| map)
}

fn open(ns: &Namespace, name: &str, access: FileMapAccess) -> filemapping::Result<FileMapping> {
    OpenOptions::new(access).namespace(ns).open(name)
}

#[test]
fn planted_entries_are_foreign_and_break_nothing() {
    let root = Root::new("planted");
    let global = root.global();
    let live = create(&root.ns(), "Global\\live").unwrap();
    let planted = plant(&global, &global.join("live"));
    let ns = root.ns();
    let entries = within("the listing", move || ns.list(Scope::Global)).unwrap();
    for (name, what) in &planted {
        let full = format!("Global\\{name}");
        let entry = entries.iter().find(|e| e.name() == full);
        let entry = entry.unwrap_or_else(|| panic!("{full} is not listed"));
        assert_eq!(entry.foreign(), Some(*what), "{full}");
        assert!(!entry.is_live() && entry.info().is_none(), "{full}");
    }
    let live_entry = entries.iter().find(|e| e.name() == "Global\\live").unwrap();
    assert!(live_entry.is_live() && !live_entry.is_foreign());
    assert_eq!(live_entry.handle_count(), Some(1));

    let ns = root.ns();
    let cleanup = within("gc", move || ns.clean(Scope::Global)).unwrap();
    assert!(cleanup.removed().is_empty(), "{:?}", cleanup.removed());
    assert!(cleanup.not_removed().is_empty());
    assert_eq!(cleanup.skipped().len(), planted.len());
    for (name, _) in &planted {
        assert!(
            std::fs::symlink_metadata(global.join(name)).is_ok(),
            "gc removed {name}, which is not ours"
        );
    }
    drop(live);
}

#[test]
fn open_and_create_of_a_planted_name_fail_with_invalid_handle() {
    let root = Root::new("names");
    let global = root.global();
    let real = create(&root.ns(), "Global\\real").unwrap();
    let planted = plant(&global, &global.join("real"));
    for (name, what) in planted {
        let full = format!("Global\\{name}");
        let ns = root.ns();
        let results = within(&format!("open and create of {full}"), move || {
            [
                open(&ns, &full, FileMapAccess::READ).map(drop),
                open(&ns, &full, FileMapAccess::WRITE).map(drop),
                create(&ns, &full).map(drop),
                EventOptions::new()
                    .name(&full)
                    .namespace(&ns)
                    .create()
                    .map(drop),
                filemapping::Event::open_in(&full, &ns).map(drop),
            ]
        });
        for result in results {
            let err = result.expect_err(name);
            assert_eq!(
                err.kind(),
                ErrorKind::InvalidHandle,
                "{name} ({what}): {err}"
            );
        }
    }
    assert!(std::fs::read_link(global.join("link-to-object")).is_ok());
    drop(real);
}

#[test]
fn gc_removes_a_stale_object_among_foreign_entries() {
    let root = Root::new("stale");
    let global = root.global();
    let peer = Peer::start(&root.path, "create Global\\crashed; hold", None);
    let mut peer = peer;
    peer.expect("created");
    peer.expect("holding");
    peer.kill();
    let planted = plant(&global, &global.join("crashed"));
    let ns = root.ns();
    let cleanup = within("gc", move || ns.clean(Scope::Global)).unwrap();
    assert_eq!(cleanup.removed(), ["Global\\crashed"]);
    assert_eq!(cleanup.skipped().len(), planted.len());
    assert!(!global.join("crashed").exists());
}

/// Whether this process may run a peer as another user; says why not otherwise.
fn second_user() -> bool {
    // /proc/self belongs to the effective user of the process.
    let root = std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap_or(false);
    if !root {
        println!("skipped: needs root to run a peer as uid {NOBODY}");
    }
    root
}

#[test]
fn another_users_stale_object_is_reported_not_removable_and_denies_create() {
    if !second_user() {
        return;
    }
    let root = Root::new("other-stale");
    let global = root.global();
    let mut owner = Peer::start(&root.path, "create Global\\theirs; hold", None);
    owner.expect("created");
    owner.expect("holding");
    owner.kill();
    assert!(global.join("theirs").exists());
    let script = "gc; create Global\\theirs; open Global\\theirs";
    let lines = Peer::start(&root.path, script, Some(NOBODY)).finish();
    assert_eq!(
        lines,
        ["kept Global\\theirs 5", "gc done", "err 5", "err 2"],
        "gc reports it, create is denied (ERROR_ACCESS_DENIED), open finds nothing"
    );
    assert!(
        global.join("theirs").exists(),
        "nobody may remove root's file"
    );
    let cleanup = root.ns().clean(Scope::Global).unwrap();
    assert_eq!(cleanup.removed(), ["Global\\theirs"], "its owner may");
}

#[test]
fn another_users_last_close_in_the_sticky_directory_succeeds() {
    if !second_user() {
        return;
    }
    let root = Root::new("other-close");
    let global = root.global();
    let mine = create(&root.ns(), "Global\\shared").unwrap();
    let mut peer = Peer::start(
        &root.path,
        "open Global\\shared; wait; close 0",
        Some(NOBODY),
    );
    peer.expect("opened");
    peer.expect("waiting");
    mine.close().unwrap();
    peer.resume();
    assert_eq!(peer.finish(), ["closed"]);
    let entries = root.ns().list(Scope::Global).unwrap();
    let shared = entries
        .iter()
        .find(|e| e.name() == "Global\\shared")
        .unwrap();
    assert!(!shared.is_live(), "the name is left stale, dead");
    assert!(matches!(
        open(&root.ns(), "Global\\shared", FileMapAccess::READ),
        Err(e) if e.kind() == ErrorKind::NotFound
    ));
    assert!(!global.join("shared").exists(), "root's open removed it");
}

#[test]
fn a_last_close_never_unlinks_what_was_renamed_to_the_name() {
    if !second_user() {
        return;
    }
    let root = Root::new("renamed");
    let global = root.global();
    let mine = create(&root.ns(), "Global\\moved").unwrap();
    let script = "open Global\\moved; wait; create Global\\moved; close 0; open Global\\moved";
    let mut peer = Peer::start(&root.path, script, Some(NOBODY));
    peer.expect("opened");
    peer.expect("waiting");
    // The owner renames its object away and lets go: the peer's handle is the last, and the
    // peer then publishes a new object of its own at the old name.
    std::fs::rename(global.join("moved"), global.join("elsewhere")).unwrap();
    mine.close().unwrap();
    peer.resume();
    assert_eq!(
        peer.finish(),
        ["created", "closed", "opened"],
        "the last close of the renamed object left the new one alone"
    );
}

/// A peer: a copy of this test binary (world-readable, mode 0755), run as `user` if given.
struct Peer {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Peer {
    fn start(root: &Path, script: &str, user: Option<u32>) -> Peer {
        let _spawning = SPAWNING.lock().unwrap_or_else(|e| e.into_inner());
        let mut cmd = Command::new(peer_exe(root));
        cmd.args(["--exact", "peer_entry", "--ignored", "--nocapture", "-q"])
            .env("FILEMAPPING_DIR", root)
            .env("FM_HOSTILE_SCRIPT", script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped());
        if let Some(uid) = user {
            cmd.uid(uid).gid(uid);
        }
        let mut child = cmd.spawn().expect("start the peer");
        let out = BufReader::new(child.stdout.take().unwrap());
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in out.lines().map_while(|l| l.ok()) {
                if let Some(rest) = line.strip_prefix("PEER ") {
                    let _ = tx.send(rest.to_owned());
                }
            }
        });
        Peer { child, lines }
    }

    fn expect(&mut self, want: &str) {
        match self.lines.recv_timeout(DEADLINE) {
            Ok(line) => assert_eq!(line, want),
            Err(_) => {
                self.kill();
                panic!("the peer did not say {want:?} within {DEADLINE:?}");
            }
        }
    }

    fn resume(&mut self) {
        let stdin = self.child.stdin.as_mut().unwrap();
        stdin.write_all(b"go\n").unwrap();
        stdin.flush().unwrap();
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    fn finish(mut self) -> Vec<String> {
        drop(self.child.stdin.take());
        let mut rest = Vec::new();
        loop {
            match self.lines.recv_timeout(DEADLINE) {
                Ok(line) => rest.push(line),
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    self.kill();
                    panic!("the peer did not finish within {DEADLINE:?}");
                }
            }
        }
        let _ = self.child.wait();
        rest
    }
}

/// Serialises making peer binaries and starting peers: a child forked while another thread
/// still holds a copy open for writing would keep it open, and starting that copy would fail
/// with "text file busy".
static SPAWNING: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// This test binary, copied into the test's root (removed with it), which every user may read:
/// the checkout may be in a directory that `nobody` cannot enter.
fn peer_exe(root: &Path) -> PathBuf {
    let exe = root.join("peer");
    if !exe.exists() {
        std::fs::copy(std::env::current_exe().unwrap(), &exe).unwrap();
        std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    exe
}

/// The peer's entry point: runs the steps of `FM_HOSTILE_SCRIPT`, separated by `;`, and says
/// what each gave on stdout (`PEER ...`).
#[test]
#[ignore = "entry point of the peer process, run by the other tests"]
fn peer_entry() {
    let script = std::env::var("FM_HOSTILE_SCRIPT").expect("run as a peer");
    let ns = Namespace::from_env();
    let mut handles: Vec<Option<FileMapping>> = Vec::new();
    let say = |line: String| {
        println!("PEER {line}");
        let _ = std::io::stdout().flush();
    };
    let code = |e: filemapping::Error| format!("err {}", e.win32_code());
    for step in script.split(';').map(str::trim) {
        let (op, arg) = step.split_once(' ').unwrap_or((step, ""));
        match op {
            "create" => match create(&ns, arg) {
                Ok(map) => {
                    handles.push(Some(map));
                    say("created".into());
                }
                Err(e) => say(code(e)),
            },
            "open" => match open(&ns, arg, FileMapAccess::READ | FileMapAccess::WRITE) {
                Ok(map) => {
                    handles.push(Some(map));
                    say("opened".into());
                }
                Err(e) => say(code(e)),
            },
            "close" => {
                let map = handles[arg.parse::<usize>().unwrap()].take().unwrap();
                say(map.close().map_or_else(code, |()| "closed".into()));
            }
            "gc" => {
                let cleanup = ns.clean(Scope::Global).unwrap();
                for name in cleanup.removed() {
                    say(format!("removed {name}"));
                }
                for kept in cleanup.not_removed() {
                    say(format!(
                        "kept {} {}",
                        kept.name(),
                        kept.error().win32_code()
                    ));
                }
                say("gc done".into());
            }
            "wait" => {
                say("waiting".into());
                let mut line = String::new();
                let _ = std::io::stdin().read_line(&mut line);
            }
            "hold" => {
                say("holding".into());
                std::thread::sleep(DEADLINE * 2);
            }
            other => panic!("unknown peer step {other:?}"),
        }
    }
}
