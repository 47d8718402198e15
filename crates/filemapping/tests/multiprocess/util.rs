//! Helpers: a private namespace per test, and peer processes under a watchdog.

use filemapping::Namespace;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// How long a peer may take before the test fails (a watchdog, not a performance bound).
pub(crate) const PATIENCE: Duration = Duration::from_secs(120);

/// A fresh namespace root, removed on drop.
pub(crate) struct TestDir {
    pub(crate) path: PathBuf,
}

impl TestDir {
    pub(crate) fn new(test: &str) -> TestDir {
        let path = std::env::temp_dir().join(format!("fm-mp-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create test dir");
        TestDir { path }
    }

    /// A fresh namespace root on shared memory (under `/dev/shm` on Linux, where it exists),
    /// as the default root is: where a section's commit state is its file's.
    pub(crate) fn on_shared_memory(test: &str) -> TestDir {
        let shm = Path::new("/dev/shm");
        if !cfg!(target_os = "linux") || !shm.is_dir() {
            return TestDir::new(test);
        }
        let path = shm.join(format!("fm-mp-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create test dir");
        TestDir { path }
    }

    pub(crate) fn namespace(&self) -> Namespace {
        Namespace::at(&self.path)
    }

    /// The object files left in every namespace directory under the root.
    pub(crate) fn leftovers(&self) -> Vec<String> {
        let mut names = Vec::new();
        for dir in read_dir(&self.path) {
            if dir.is_dir() {
                names.extend(read_dir(&dir).iter().map(|p| p.display().to_string()));
            }
        }
        names
    }
}

fn read_dir(path: &Path) -> Vec<PathBuf> {
    match std::fs::read_dir(path) {
        Ok(entries) => entries.filter_map(|e| e.ok()).map(|e| e.path()).collect(),
        Err(_) => Vec::new(),
    }
}

impl Drop for TestDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

static INHERIT: Mutex<()> = Mutex::new(());

/// Held by a test while its process has inheritable handles: every child started meanwhile
/// would inherit them, as on Windows.
pub(crate) fn inherit_lock() -> MutexGuard<'static, ()> {
    INHERIT.lock().unwrap_or_else(|e| e.into_inner())
}

/// A running peer: this test binary re-executed with a script.
pub(crate) struct Peer {
    pub(crate) child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
}

/// A command that runs the peer script `script` in namespace `dir`.
pub(crate) fn peer_command(dir: &Path, script: &str) -> Command {
    let exe = std::env::current_exe().expect("test binary");
    peer_command_of(&exe, dir, script)
}

/// [`peer_command`] with the test binary at `exe` (a copy that another user may run).
pub(crate) fn peer_command_of(exe: &Path, dir: &Path, script: &str) -> Command {
    let mut cmd = Command::new(exe);
    cmd.args([
        "--exact",
        "peer_entry",
        "--ignored",
        "--nocapture",
        "--test-threads=1",
        "-q",
    ])
    .env(filemapping::FILEMAPPING_DIR, dir)
    .env(crate::peer::SCRIPT, script)
    .stdin(Stdio::piped())
    .stdout(Stdio::piped());
    cmd
}

impl Peer {
    pub(crate) fn spawn(dir: &Path, script: &str) -> Peer {
        Peer::start(peer_command(dir, script))
    }

    /// Starts a peer. Waits while a test holds [`inherit_lock`], so that no peer inherits
    /// another test's inheritable handles.
    pub(crate) fn start(cmd: Command) -> Peer {
        let _guard = inherit_lock();
        Peer::start_while_locked(cmd)
    }

    /// Starts a peer while the caller holds [`inherit_lock`].
    pub(crate) fn start_while_locked(mut cmd: Command) -> Peer {
        let mut child = cmd.spawn().expect("spawn peer");
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("peer stdout");
        Peer {
            child,
            stdin,
            lines: forward(stdout),
        }
    }

    /// The next `PEER` line, without the prefix; panics after [`PATIENCE`].
    pub(crate) fn expect_line(&mut self) -> String {
        match self.lines.recv_timeout(PATIENCE) {
            Ok(line) => line,
            Err(_) => {
                let _ = self.child.kill();
                panic!("the peer said nothing for {PATIENCE:?}");
            }
        }
    }

    /// Checks that the next line is `want`.
    pub(crate) fn expect(&mut self, want: &str) {
        assert_eq!(self.expect_line(), want);
    }

    /// Lets a peer waiting in `ready` go on.
    pub(crate) fn resume(&mut self) {
        let stdin = self.stdin.as_mut().expect("peer stdin");
        stdin.write_all(b"go\n").expect("write to peer");
        stdin.flush().expect("flush to peer");
    }

    /// Waits for the peer to exit and returns every remaining line; panics after [`PATIENCE`].
    pub(crate) fn finish(mut self) -> Vec<String> {
        drop(self.stdin.take());
        let mut rest = Vec::new();
        loop {
            match self.lines.recv_timeout(PATIENCE) {
                Ok(line) => rest.push(line),
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    let _ = self.child.kill();
                    panic!("the peer did not finish within {PATIENCE:?}");
                }
            }
        }
        let status = self.child.wait().expect("wait for peer");
        assert!(status.success(), "peer failed: {status}");
        rest
    }

    /// Kills the peer with SIGKILL and reaps it.
    pub(crate) fn kill(mut self) {
        self.child.kill().expect("SIGKILL the peer");
        self.child.wait().expect("reap the peer");
    }
}

fn forward(stdout: ChildStdout) -> Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let line = match line {
                Ok(line) => line,
                Err(_) => break,
            };
            if let Some(rest) = line.strip_prefix("PEER ") {
                if tx.send(rest.to_owned()).is_err() {
                    break;
                }
            }
        }
    });
    rx
}
