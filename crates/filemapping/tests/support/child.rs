//! Tests that run in a child process: the test binary, re-executed to run that one test, so
//! that a signal fails the test with the signal named instead of killing the test harness, and
//! a changed limit or signal disposition stays in the child.
//!
//! Shared through `#[path = "support/child.rs"] mod child;` (Unix only; the test binary
//! allows `unsafe_code`), so each test binary may use only part of it.
#![allow(dead_code)]

use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};

/// Set in the child: the test it runs.
pub(crate) const CHILD: &str = "FILEMAPPING_TEST_CHILD";
/// Set in the child: its scratch directory.
pub(crate) const SCRATCH: &str = "FILEMAPPING_TEST_SCRATCH";
/// How long a child may run before its watchdog ends it.
const WATCHDOG_SECONDS: u32 = 300;

/// A scratch directory of one test, removed on drop.
pub(crate) struct Scratch(pub(crate) PathBuf);

impl Scratch {
    pub(crate) fn new(test: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("fm-child-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// How a child ended, and everything it printed.
pub(crate) struct Ended {
    pub(crate) status: ExitStatus,
    pub(crate) text: String,
}

impl Ended {
    /// Asserts that the child's test passed: no signal, exit code 0, one test run.
    pub(crate) fn assert_passed(&self) {
        let text = &self.text;
        assert_eq!(
            self.status.signal(),
            None,
            "the child died of a signal:\n{text}"
        );
        assert!(self.status.success(), "the child failed:\n{text}");
        assert!(text.contains("1 passed"), "the child ran nothing:\n{text}");
    }
}

/// Runs `test` of this binary in a child with `prefix` before it (for example `unshare -m`)
/// and the variables `env` set.
pub(crate) fn run(test: &str, dir: &Path, prefix: &[&str], env: &[(&str, &str)]) -> Ended {
    let exe = std::env::current_exe().unwrap();
    let mut cmd = match prefix.split_first() {
        Some((program, args)) => {
            let mut cmd = Command::new(program);
            cmd.args(args).arg(&exe);
            cmd
        }
        None => Command::new(&exe),
    };
    cmd.args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, test)
        .env(SCRATCH, dir)
        .envs(env.iter().copied());
    let out = cmd.output().expect("cannot start the child");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Ended {
        status: out.status,
        text,
    }
}

/// In the child running `test`: its scratch directory. The child also arms its watchdog: a
/// `SIGALRM` ends it if it hangs (never a timing assertion: each child here finishes in well
/// under a second, and the alarm is minutes away).
pub(crate) fn in_child(test: &str) -> Option<PathBuf> {
    if std::env::var(CHILD).as_deref() != Ok(test) {
        return None;
    }
    // SAFETY: alarm has no preconditions; SIGALRM keeps its default action (termination).
    unsafe { libc::alarm(WATCHDOG_SECONDS) };
    Some(PathBuf::from(std::env::var_os(SCRATCH).unwrap()))
}

/// In the child: the scratch directory. In the parent: `None` after running the child (with
/// `prefix`) and asserting that it passed.
pub(crate) fn child_dir(test: &str, prefix: &[&str]) -> Option<PathBuf> {
    if let Some(dir) = in_child(test) {
        return Some(dir);
    }
    let scratch = Scratch::new(test);
    run(test, &scratch.0, prefix, &[]).assert_passed();
    None
}
