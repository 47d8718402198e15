//! The namespace is hostile input (DESIGN invariant 8, issue 11 items 1, 2 and 8), shown with
//! real separate processes: this test binary re-executes a copy of itself as the peer, as
//! another user (uid 65534, `nobody`) where the test needs one.
//!
//! - a `Global\` file-backed object whose header another user pointed at a root-only file:
//!   root's opens are refused and the file is untouched (the confused deputy);
//! - a header that claims more than its file holds: the open is refused, nobody faults;
//! - a backing file renamed or deleted while a holder lives: the name still opens, same bytes.

#![cfg(target_os = "linux")]

use filemapping::{
    CreateOptions, FileMapAccess, FileMapping, Namespace, OpenOptions, Permissions, Scope,
    ERROR_ACCESS_DENIED, ERROR_FILE_INVALID, ERROR_INVALID_HANDLE,
};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Mutex, MutexGuard};

/// The other user: `nobody`. Root may take any uid, listed in `/etc/passwd` or not, so no user
/// is created.
const OTHER: u32 = 65534;
const ROLE: &str = "FM_TRUST_ROLE";

/// Header layout (`sys/linux/header.rs`): where the fields an attacker rewrites are.
const SIZE_AT: usize = 24;
const DATA_OFFSET_AT: usize = 32;
const NAME_LEN_AT: usize = 44;
const DEV_AT: usize = 48;
const INO_AT: usize = 56;
const PATH_LEN_AT: usize = 64;
const FIXED_LEN: usize = 72;

/// The peer's entry point, run by the tests' peers with `--ignored`.
#[test]
#[ignore = "entry point of the peer process, run by the other tests"]
fn peer_entry() {
    let role = std::env::var(ROLE).expect("run as a peer by the other tests");
    let words: Vec<&str> = role.split(' ').collect();
    let ns = Namespace::from_env();
    match words.as_slice() {
        ["hold", name, path] => hold(&ns, name, Path::new(path)),
        ["attack", name, bait, victim] => attack(&ns, name, Path::new(bait), Path::new(victim)),
        ["read", name, offset, len] => {
            let access = FileMapAccess::READ;
            let got = OpenOptions::new(access)
                .namespace(&ns)
                .open(name)
                .and_then(|map| map.map_view(access, num(offset), num(len) as usize))
                .and_then(|view| {
                    let mut buf = vec![0u8; view.len()];
                    view.read_at(0, &mut buf).map(|()| buf)
                });
            match got {
                Ok(buf) => say(&format!("read {}", String::from_utf8_lossy(&buf))),
                Err(e) => say(&format!("error {}", e.win32_code())),
            }
        }
        other => panic!("unknown role {other:?}"),
    }
}

fn num(word: &str) -> u64 {
    word.parse().expect("number")
}

fn say(line: &str) {
    println!("PEER {line}");
    std::io::stdout().flush().expect("stdout");
}

fn wait_for_go() {
    let mut line = String::new();
    let _ = std::io::stdin().read_line(&mut line);
}

/// Holds a file-backed section of `path` with bytes of its own, until told to go.
fn hold(ns: &Namespace, name: &str, path: &Path) {
    let file = open_rw(path);
    let map = create_file_backed(ns, name, &file);
    let view = map.map_view(FileMapAccess::WRITE, 0, 0).expect("map");
    view.write_at(0, b"held bytes").expect("write");
    say("ready");
    wait_for_go();
}

/// As the attacker: a `Global\` section of a file of its own, whose header it then points at
/// `victim` (path and `(device, inode)`, which anyone who can `stat` it knows).
fn attack(ns: &Namespace, name: &str, bait: &Path, victim: &Path) {
    std::fs::write(bait, b"attacker's bait bytes").expect("bait");
    let file = open_rw(bait);
    let _map = create_file_backed(ns, name, &file);
    let meta = std::fs::metadata(victim).expect("stat the victim");
    let object = object_file(&ns.root(), Scope::Global, name);
    rewrite(&object, |header| {
        let name_len = u32_at(header, NAME_LEN_AT) as usize;
        header.truncate(FIXED_LEN + name_len);
        header.extend_from_slice(victim.as_os_str().to_str().unwrap().as_bytes());
        let path_len = (header.len() - FIXED_LEN - name_len) as u32;
        put(header, DEV_AT, &meta.dev().to_le_bytes());
        put(header, INO_AT, &meta.ino().to_le_bytes());
        put(header, PATH_LEN_AT, &path_len.to_le_bytes());
    });
    say("ready");
    wait_for_go();
}

fn open_rw(path: &Path) -> std::fs::File {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .expect("open the backing file")
}

fn create_file_backed(ns: &Namespace, name: &str, file: &std::fs::File) -> FileMapping {
    CreateOptions::new()
        .name(name)
        .file(file)
        .permissions(Permissions::Everyone)
        .namespace(ns)
        .create()
        .expect("create the section")
        .0
}

/// Where the object file of `name` lives (names of plain ASCII letters map to themselves).
fn object_file(root: &Path, scope: Scope, name: &str) -> PathBuf {
    let leaf = name.rsplit('\\').next().unwrap();
    let dir = match scope {
        Scope::Global => "filemapping-global".to_owned(),
        Scope::Local => format!("filemapping-local-{}", euid()),
    };
    root.join(dir).join(leaf)
}

/// The effective uid of this process (the owner of its `/proc` entry).
fn euid() -> u32 {
    std::fs::metadata("/proc/self").expect("/proc/self").uid()
}

/// Rewrites the header of an object file in place, as its owner may.
fn rewrite(object: &Path, edit: impl FnOnce(&mut Vec<u8>)) {
    let bytes = std::fs::read(object).expect("read the object file");
    let name_len = u32_at(&bytes, NAME_LEN_AT) as usize;
    let path_len = u32_at(&bytes, PATH_LEN_AT) as usize;
    let mut header = bytes[..FIXED_LEN + name_len + path_len].to_vec();
    edit(&mut header);
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .open(object)
        .expect("open the object file");
    file.write_all(&header).expect("rewrite the header");
}

fn u32_at(buf: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(buf[at..at + 4].try_into().unwrap())
}

fn put(buf: &mut [u8], at: usize, bytes: &[u8]) {
    buf[at..at + bytes.len()].copy_from_slice(bytes);
}

/// A private namespace root that another user may enter (mode 0755), with a copy of this test
/// binary that another user may run (the checkout may be in a 0700 directory). Removed on drop.
struct Root {
    path: PathBuf,
    exe: PathBuf,
}

impl Root {
    fn new(test: &str) -> Root {
        let path = std::env::temp_dir().join(format!("fm-trust-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create the root");
        set_mode(&path, 0o755);
        let bin = path.join("bin");
        std::fs::create_dir(&bin).expect("bin");
        set_mode(&bin, 0o755);
        let exe = bin.join("peer");
        let _guard = spawning();
        std::fs::copy(std::env::current_exe().expect("test binary"), &exe).expect("copy");
        set_mode(&exe, 0o755);
        Root { path, exe }
    }

    fn namespace(&self) -> Namespace {
        Namespace::at(&self.path)
    }

    /// Starts a peer with `role`, as `uid` if given.
    fn peer(&self, role: &str, uid: Option<u32>) -> Peer {
        let mut cmd = Command::new(&self.exe);
        cmd.args(["--exact", "peer_entry", "--ignored", "--nocapture"])
            .args(["--test-threads=1", "-q"])
            .env(filemapping::FILEMAPPING_DIR, &self.path)
            .env(ROLE, role)
            .current_dir("/")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped());
        if let Some(uid) = uid {
            cmd.uid(uid).gid(uid);
        }
        let mut child = {
            let _guard = spawning();
            cmd.spawn().expect("spawn the peer")
        };
        let stdin = child.stdin.take();
        let stdout = BufReader::new(child.stdout.take().expect("stdout"));
        Peer {
            child,
            stdin,
            stdout,
        }
    }
}

impl Drop for Root {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

static SPAWNING: Mutex<()> = Mutex::new(());

/// Held while a copy of the binary is written and while a peer starts: a child forked while
/// another test's copy is open for writing would hold that descriptor until its `exec`, and the
/// copy would not run meanwhile (`ETXTBSY`).
fn spawning() -> MutexGuard<'static, ()> {
    SPAWNING.lock().unwrap_or_else(|e| e.into_inner())
}

fn set_mode(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

struct Peer {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<std::process::ChildStdout>,
}

impl Peer {
    /// The next `PEER` line; `None` once the peer's output ends.
    fn line(&mut self) -> Option<String> {
        let mut line = String::new();
        loop {
            line.clear();
            if self.stdout.read_line(&mut line).expect("read the peer") == 0 {
                return None;
            }
            if let Some(rest) = line.trim_end().strip_prefix("PEER ") {
                return Some(rest.to_owned());
            }
        }
    }

    fn expect(&mut self, want: &str) {
        assert_eq!(self.line().as_deref(), Some(want));
    }

    /// Lets the peer go on, waits for it and checks that it exited normally (a SIGBUS fails).
    fn finish(mut self) {
        drop(self.stdin.take());
        while self.line().is_some() {}
        let status = self.child.wait().expect("wait for the peer");
        assert!(
            status.success(),
            "the peer failed: {status} (signal {:?})",
            status.signal()
        );
    }
}

/// The single answer of a peer that only reads.
fn answer(root: &Root, role: &str, uid: Option<u32>) -> String {
    let mut peer = root.peer(role, uid);
    let line = peer.line().expect("an answer");
    peer.finish();
    line
}

fn is_root() -> bool {
    euid() == 0
}

/// A root for a test with two users: `None` (and a printed reason) unless we are root. Root
/// makes the Global directory (root-owned, sticky), as on a real system, and a directory of
/// the other user's (returned) for its files.
fn two_users(test: &str) -> Option<(Root, PathBuf)> {
    if !is_root() {
        println!("skipped: needs root to run a peer as another user (uid {OTHER})");
        return None;
    }
    let root = Root::new(test);
    drop(
        CreateOptions::new()
            .name("Global\\Warmup")
            .size(4096)
            .namespace(&root.namespace())
            .create()
            .expect("warm up"),
    );
    let theirs = root.path.join("theirs");
    std::fs::create_dir(&theirs).expect("the other user's directory");
    std::os::unix::fs::chown(&theirs, Some(OTHER), Some(OTHER)).expect("chown");
    Some((root, theirs))
}

#[test]
fn another_users_header_cannot_make_root_touch_roots_files() {
    let (root, attacker) = match two_users("deputy") {
        Some(two) => two,
        None => return,
    };
    let ns = root.namespace();
    let victim = root.path.join("victim");
    std::fs::write(&victim, b"root's secret bytes").expect("victim");
    set_mode(&victim, 0o600);
    let bait = attacker.join("bait");
    let role = format!(
        "attack Global\\Deputy {} {}",
        bait.display(),
        victim.display()
    );
    let mut peer = root.peer(&role, Some(OTHER));
    peer.expect("ready");
    // Root holds the victim open too, as a root daemon might: no descriptor of its own is used.
    let _held = std::fs::File::open(&victim).expect("hold the victim");

    for access in [FileMapAccess::READ, FileMapAccess::WRITE] {
        let got = OpenOptions::new(access)
            .namespace(&ns)
            .open("Global\\Deputy");
        match got {
            Err(e) => assert_eq!(e.win32_code(), ERROR_ACCESS_DENIED, "{e}"),
            Ok(map) => {
                // Only the attacker's own file could be behind it.
                let view = map.map_view(FileMapAccess::READ, 0, 0).expect("map");
                let mut buf = vec![0u8; view.len()];
                view.read_at(0, &mut buf).expect("read");
                assert!(!buf.starts_with(b"root's"), "root read its own secret");
            }
        }
    }
    let created = CreateOptions::new()
        .name("Global\\Deputy")
        .size(4096)
        .namespace(&ns)
        .create();
    assert_eq!(
        created.map(drop).unwrap_err().win32_code(),
        ERROR_ACCESS_DENIED
    );
    // `fmap`-style read by root through a separate process: refused too.
    assert_eq!(
        answer(&root, "read Global\\Deputy 0 19", None),
        format!("error {ERROR_ACCESS_DENIED}")
    );
    assert_eq!(std::fs::read(&victim).unwrap(), b"root's secret bytes");
    peer.finish();
    assert_eq!(std::fs::read(&victim).unwrap(), b"root's secret bytes");
}

#[test]
fn a_header_that_claims_more_than_its_file_holds_is_refused_without_a_fault() {
    let root = Root::new("oversized");
    let ns = root.namespace();
    let (map, _) = CreateOptions::new()
        .name("Local\\Big")
        .size(4096)
        .namespace(&ns)
        .create()
        .expect("create");
    let object = object_file(&root.path, Scope::Local, "Local\\Big");
    rewrite(&object, |h| put(h, SIZE_AT, &(1u64 << 30).to_le_bytes()));
    let offset = 512 << 20;
    assert_eq!(
        answer(&root, &format!("read Local\\Big {offset} 4096"), None),
        format!("error {ERROR_INVALID_HANDLE}")
    );
    // An offset that is not on a page of its own, past the file: refused the same way.
    rewrite(&object, |h| {
        put(h, SIZE_AT, &4096u64.to_le_bytes());
        put(h, DATA_OFFSET_AT, &100u64.to_le_bytes());
    });
    assert_eq!(
        answer(&root, "read Local\\Big 0 4096", None),
        format!("error {ERROR_INVALID_HANDLE}")
    );
    drop(map);

    // A file-backed section whose header claims more than the data file holds.
    let data = root.path.join("data");
    std::fs::write(&data, vec![7u8; 4096]).expect("data");
    let file = open_rw(&data);
    let map = create_file_backed(&ns, "Local\\Filed", &file);
    let object = object_file(&root.path, Scope::Local, "Local\\Filed");
    rewrite(&object, |h| put(h, SIZE_AT, &(1u64 << 30).to_le_bytes()));
    assert_eq!(
        answer(&root, &format!("read Local\\Filed {offset} 4096"), None),
        format!("error {ERROR_FILE_INVALID}")
    );
    drop(map);
}

#[test]
fn a_renamed_or_deleted_backing_file_still_opens_by_name() {
    let root = Root::new("moved");
    let ns = root.namespace();
    let data = root.path.join("data");
    std::fs::write(&data, vec![0u8; 4096]).expect("data");
    let mut holder = root.peer(&format!("hold Local\\Moved {}", data.display()), None);
    holder.expect("ready");
    let moved = root.path.join("moved");
    std::fs::rename(&data, &moved).expect("rename");
    // Something else at the old path is not taken for the file.
    std::fs::write(&data, b"an impostor at the old path").expect("impostor");
    assert_eq!(
        answer(&root, "read Local\\Moved 0 10", None),
        "read held bytes"
    );
    std::fs::remove_file(&moved).expect("delete");
    std::fs::remove_file(&data).expect("delete the impostor");
    assert_eq!(
        answer(&root, "read Local\\Moved 0 10", None),
        "read held bytes"
    );
    // The listing and the open agree: live, and it opens.
    let entries = ns.list(Scope::Local).expect("list");
    let entry = entries.iter().find(|e| e.name() == "Local\\Moved").unwrap();
    assert!(entry.is_live());
    let map = OpenOptions::new(FileMapAccess::READ)
        .namespace(&ns)
        .open("Local\\Moved")
        .expect("open by name");
    holder.finish();
    // This process holds the only handle now, and a second one still opens.
    drop(
        OpenOptions::new(FileMapAccess::READ)
            .namespace(&ns)
            .open("Local\\Moved")
            .expect("open from this process's own handle"),
    );
    drop(map);
}

#[test]
fn another_users_deleted_backing_file_still_opens_for_root() {
    let (root, home) = match two_users("moved-other") {
        Some(two) => two,
        None => return,
    };
    let data = home.join("data");
    std::fs::write(&data, vec![0u8; 4096]).expect("data");
    std::os::unix::fs::chown(&data, Some(OTHER), Some(OTHER)).expect("chown");
    let mut holder = root.peer(
        &format!("hold Global\\Theirs {}", data.display()),
        Some(OTHER),
    );
    holder.expect("ready");
    std::fs::remove_file(&data).expect("delete");
    assert_eq!(
        answer(&root, "read Global\\Theirs 0 10", None),
        "read held bytes"
    );
    holder.finish();
}
