//! A peer process for the synchronization tests: the test binary itself, started again to run
//! its ignored `peer_entry` test with a script in an environment variable, in the namespace of a
//! test's directory. It reports progress with lines `PEER <what>` on its stdout ([`say`]); its
//! entry point hands the script to [`serve`].
//!
//! Shared through `#[path = "../support/peer.rs"] mod peer;`; portable (Windows ignores the
//! namespace root, so names carry the test's tag: [`TestDir::n`]).
#![allow(dead_code)]

use filemapping::{Disposition, Mutex, MutexOptions, Namespace, WaitOutcome};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::Duration;

/// How long a peer waits for an object the test will signal (a watchdog, not a performance
/// bound).
const PATIENCE: Duration = Duration::from_secs(60);
/// How long the peer of [`own_until_killed`] holds its mutex, waiting to be killed.
const OWN_FOR: Duration = Duration::from_secs(600);

/// A fresh namespace root, removed on drop, and the tag of the test's names.
pub(crate) struct TestDir(pub(crate) PathBuf, String);

impl TestDir {
    /// The directory of `test` in the suite `suite`.
    pub(crate) fn new(suite: &str, test: &str) -> TestDir {
        let tag = format!("fm-{suite}-{}-{test}", std::process::id());
        let path = std::env::temp_dir().join(&tag);
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        TestDir(path, tag)
    }
    /// The test's object called `leaf`.
    pub(crate) fn n(&self, leaf: &str) -> String {
        format!("{}-{leaf}", self.1)
    }
    pub(crate) fn ns(&self) -> Namespace {
        Namespace::at(&self.0)
    }
    /// Creates or opens the test's mutex called `leaf` in its namespace.
    pub(crate) fn mutex(&self, leaf: &str) -> (Mutex, Disposition) {
        MutexOptions::new()
            .name(&self.n(leaf))
            .namespace(&self.ns())
            .create()
            .unwrap()
    }
}

impl Drop for TestDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A peer process running `what name` (in the variable `var`) in `dir`'s namespace.
pub(crate) struct Peer {
    child: Child,
    lines: std::io::Lines<BufReader<ChildStdout>>,
}

impl Peer {
    pub(crate) fn spawn(var: &str, dir: &TestDir, what: &str, name: &str) -> Peer {
        let exe = std::env::current_exe().unwrap();
        let mut child = Command::new(exe)
            .args(["--exact", "peer_entry", "--ignored", "--nocapture", "-q"])
            .env(filemapping::FILEMAPPING_DIR, &dir.0)
            .env(var, format!("{what} {name}"))
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let lines = BufReader::new(child.stdout.take().unwrap()).lines();
        Peer { child, lines }
    }

    /// The next `PEER` line, without the prefix.
    pub(crate) fn line(&mut self) -> String {
        for line in &mut self.lines {
            if let Some(rest) = line.unwrap().strip_prefix("PEER ") {
                return rest.to_owned();
            }
        }
        panic!("the peer ended without a line");
    }

    /// Kills the peer (SIGKILL; `TerminateProcess` on Windows) and reaps it.
    pub(crate) fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// Waits for the peer, which must succeed.
    pub(crate) fn finish(mut self) {
        assert!(self.child.wait().unwrap().success());
    }
}

/// In the peer: reads its script `WHAT NAME` from the variable `var` and runs `run(what, name)`.
pub(crate) fn serve(var: &str, run: impl FnOnce(&str, &str)) {
    let script = std::env::var(var).expect("run as a peer");
    let mut words = script.split(' ');
    let (what, name) = (words.next().unwrap(), words.next().unwrap());
    run(what, name);
}

/// In the peer: tells the test `line` (read there by [`Peer::line`]).
pub(crate) fn say(line: &str) {
    println!("PEER {line}");
}

/// In the peer: waits for `mutex`, says how the wait ended, and releases the mutex if the wait
/// acquired it.
pub(crate) fn wait_and_release(mutex: &Mutex) {
    let outcome = mutex.wait(Some(PATIENCE)).unwrap();
    say(&format!("{outcome:?}"));
    if outcome.is_acquired() {
        mutex.release().unwrap();
    }
}

/// In the peer: creates or opens the mutex `name`, owns it, says `owned`, and waits to be
/// killed.
pub(crate) fn own_until_killed(name: &str) {
    let (mutex, _) = MutexOptions::new().name(name).create().unwrap();
    assert_eq!(mutex.wait(None).unwrap(), WaitOutcome::Acquired);
    say("owned");
    std::thread::sleep(OWN_FOR);
}
