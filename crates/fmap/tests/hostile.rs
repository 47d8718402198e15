//! `fmap` in a hostile `Global\` namespace (issue 11, item 3): entries that are not mappings
//! never make `ls`, `gc` or `info` hang or fail as a whole; `--verbose` says what was skipped.
//! Each command runs as a child process under a deadline, in a namespace root of its own.

#![cfg(target_os = "linux")]

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// How long a command may take before the test declares it hung (never a performance bound).
const DEADLINE: Duration = Duration::from_secs(60);

struct Sandbox {
    dir: PathBuf,
}

impl Sandbox {
    fn new(test: &str) -> Sandbox {
        let dir = std::env::temp_dir().join(format!("fmap-hostile-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Sandbox { dir }
    }

    /// Runs `fmap --dir DIR ARGS...` to its end, killing it (and failing) after [`DEADLINE`].
    fn run(&self, args: &[&str]) -> Output {
        let mut child = Command::new(env!("CARGO_BIN_EXE_fmap"))
            .arg("--dir")
            .arg(&self.dir)
            .args(args)
            .env("FILEMAPPING_DIR", &self.dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let start = Instant::now();
        while child.try_wait().unwrap().is_none() {
            if start.elapsed() > DEADLINE {
                let _ = child.kill();
                panic!("fmap {args:?} hangs: no end within {DEADLINE:?}");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        child.wait_with_output().unwrap()
    }

    /// The `Global\` directory, made by `fmap create`, then filled with entries that are not
    /// mappings.
    fn hostile_global(&self) -> PathBuf {
        let out = self.run(&["create", "Global\\seed", "--size", "4096", "--for", "0s"]);
        assert!(out.status.success(), "{out:?}");
        let global = self.dir.join("filemapping-global");
        let ok = Command::new("mkfifo").arg(global.join("fifo")).status();
        assert!(ok.unwrap().success());
        std::os::unix::fs::symlink("/etc", global.join("link")).unwrap();
        std::fs::create_dir(global.join("dir")).unwrap();
        std::fs::write(global.join("garbage"), b"not an object at all").unwrap();
        for name in ["fifo", "garbage"] {
            let mode = std::fs::Permissions::from_mode(0o666);
            std::fs::set_permissions(global.join(name), mode).unwrap();
        }
        global
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const SKIPPED: [&str; 4] = [
    "skipped Global\\dir: a directory, not an object",
    "skipped Global\\fifo: a FIFO, not an object",
    "skipped Global\\garbage: a file that is not an object",
    "skipped Global\\link: a symbolic link, not an object",
];

#[test]
fn ls_global_lists_past_planted_entries_and_says_so_when_verbose() {
    let sandbox = Sandbox::new("ls");
    sandbox.hostile_global();
    let quiet = sandbox.run(&["ls", "--global"]);
    assert!(quiet.status.success(), "{quiet:?}");
    assert_eq!(text(&quiet.stderr), "");
    assert_eq!(text(&quiet.stdout).lines().count(), 1, "only the header");
    let verbose = sandbox.run(&["ls", "--global", "--verbose"]);
    assert!(verbose.status.success(), "{verbose:?}");
    let stderr = text(&verbose.stderr);
    assert_eq!(stderr.lines().collect::<Vec<_>>(), SKIPPED);
    let json = sandbox.run(&["ls", "--global", "--json"]);
    assert!(json.status.success());
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(value["mappings"], serde_json::json!([]));
}

#[test]
fn gc_global_skips_planted_entries_and_removes_nothing_of_theirs() {
    let sandbox = Sandbox::new("gc");
    let global = sandbox.hostile_global();
    let out = sandbox.run(&["gc", "--global", "--verbose"]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(text(&out.stdout), "nothing to remove\n");
    assert_eq!(text(&out.stderr).lines().collect::<Vec<_>>(), SKIPPED);
    for name in ["fifo", "link", "dir", "garbage"] {
        assert!(
            std::fs::symlink_metadata(global.join(name)).is_ok(),
            "{name}"
        );
    }
}

#[test]
fn info_and_create_of_a_planted_name_fail_with_invalid_handle() {
    let sandbox = Sandbox::new("info");
    sandbox.hostile_global();
    for name in ["fifo", "link", "dir", "garbage"] {
        let full = format!("Global\\{name}");
        for args in [
            vec!["info", full.as_str()],
            vec!["create", full.as_str(), "--size", "4096", "--for", "0s"],
        ] {
            let out = sandbox.run(&args);
            assert_eq!(out.status.code(), Some(1), "{args:?}: {out:?}");
            let stderr = text(&out.stderr);
            assert!(stderr.contains("not an object"), "{args:?}: {stderr}");
            assert!(
                stderr.contains("ERROR_INVALID_HANDLE, 6"),
                "{args:?}: {stderr}"
            );
        }
    }
}
