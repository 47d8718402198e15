//! Integration tests of the `fmap` binary: each test runs the real program as child processes,
//! in a namespace root of its own (a fresh temporary directory passed with `--dir` and
//! `FILEMAPPING_DIR`), and never waits for anything without a deadline.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// How long anything may take before the test is declared hung. Never a performance bound.
const DEADLINE: Duration = Duration::from_secs(60);

/// The exit codes `fmap --help` documents.
const FAILED: i32 = 1;
const BAD_COMMAND_LINE: i32 = 2;
const TIMED_OUT: i32 = 3;

/// A namespace root of one test: a fresh directory, removed on drop.
struct Sandbox {
    dir: PathBuf,
}

impl Sandbox {
    fn new(test: &str) -> Sandbox {
        let dir = std::env::temp_dir().join(format!("fmap-cli-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("cannot create the sandbox");
        Sandbox { dir }
    }

    /// A sandbox on shared memory (under `/dev/shm` where it exists), as the default namespace
    /// root is.
    fn on_shared_memory(test: &str) -> Sandbox {
        let shm = Path::new("/dev/shm");
        if !shm.is_dir() {
            return Sandbox::new(test);
        }
        let dir = shm.join(format!("fmap-cli-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("cannot create the sandbox");
        Sandbox { dir }
    }

    /// `fmap --dir DIR ARGS...`, with `FILEMAPPING_DIR` set as well for anything it starts.
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = self.command_env_only();
        cmd.arg("--dir").arg(&self.dir).args(args);
        cmd
    }

    /// `fmap` without arguments, finding the sandbox through `FILEMAPPING_DIR` only.
    fn command_env_only(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_fmap"));
        cmd.env("FILEMAPPING_DIR", &self.dir);
        cmd
    }

    /// Starts `fmap ARGS...` with piped stdin, stdout and stderr.
    fn spawn(&self, args: &[&str]) -> Proc {
        Proc::spawn(self.command(args), args)
    }

    /// Runs `fmap ARGS...` with empty stdin to its end.
    fn run(&self, args: &[&str]) -> Output {
        self.run_with_input(args, "")
    }

    /// Runs `fmap ARGS...` with `input` on stdin to its end.
    fn run_with_input(&self, args: &[&str], input: &str) -> Output {
        let mut proc = self.spawn(args);
        proc.input(input);
        proc.wait()
    }

    /// The names `fmap ls` lists (first column), and those `fmap ls --json` lists, which must
    /// agree.
    fn listed(&self) -> Vec<String> {
        let table = self.run(&["ls"]).success();
        assert_eq!(
            table
                .stdout
                .first()
                .map(|h| h.split_whitespace().collect::<Vec<_>>()),
            Some(vec![
                "NAME",
                "SIZE",
                "PROTECTION",
                "ATTRIBUTES",
                "BACKING",
                "HANDLES"
            ]),
            "{table:?}"
        );
        let from_table: Vec<String> = table.stdout[1..]
            .iter()
            .map(|row| row.split_whitespace().next().unwrap_or("").to_owned())
            .collect();
        let from_json: Vec<String> = self
            .ls_json()
            .iter()
            .map(|m| m["name"].as_str().expect("a name").to_owned())
            .collect();
        assert_eq!(from_table, from_json, "ls and ls --json disagree");
        from_table
    }

    /// The `mappings` array of `fmap ls --json`.
    fn ls_json(&self) -> Vec<serde_json::Value> {
        let out = self.run(&["ls", "--json"]).success();
        let value: serde_json::Value = serde_json::from_str(&out.stdout_text())
            .unwrap_or_else(|e| panic!("ls --json is not JSON ({e}): {out:?}"));
        value["mappings"]
            .as_array()
            .unwrap_or_else(|| panic!("no mappings array: {value}"))
            .clone()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The lines of one output stream of a child, read by a thread.
struct Lines {
    what: String,
    rx: Receiver<String>,
    seen: Vec<String>,
    /// Lines before this index were consumed by `expect`.
    next: usize,
}

impl Lines {
    fn read(stream: impl Read + Send + 'static, what: String) -> Lines {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stream);
            let mut line = Vec::new();
            while reader.read_until(b'\n', &mut line).unwrap_or(0) > 0 {
                if line.ends_with(b"\n") {
                    line.pop();
                }
                let text = String::from_utf8(line.clone())
                    .unwrap_or_else(|e| format!("<not UTF-8: {:?}>", e.as_bytes()));
                if tx.send(text).is_err() {
                    return;
                }
                line.clear();
            }
        });
        Lines {
            what,
            rx,
            seen: Vec::new(),
            next: 0,
        }
    }

    /// Waits for the next line containing `needle` and returns it.
    fn expect(&mut self, needle: &str) -> String {
        self.next_containing(needle).unwrap_or_else(|| {
            panic!(
                "{}: ended without a line containing {needle:?}; got {:?}",
                self.what, self.seen
            )
        })
    }

    /// Waits for the next line containing `needle`; `None` if the stream ends first.
    fn next_containing(&mut self, needle: &str) -> Option<String> {
        let deadline = Instant::now() + DEADLINE;
        loop {
            if let Some(at) = self.seen[self.next..]
                .iter()
                .position(|l| l.contains(needle))
            {
                self.next += at + 1;
                return Some(self.seen[self.next - 1].clone());
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(line) => self.seen.push(line),
                Err(RecvTimeoutError::Timeout) => panic!(
                    "{}: no line containing {needle:?} within {DEADLINE:?}; got {:?}",
                    self.what, self.seen
                ),
                Err(RecvTimeoutError::Disconnected) => return None,
            }
        }
    }

    /// Every line, once the stream has ended (the process exited).
    fn all(&mut self) -> Vec<String> {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(line) => self.seen.push(line),
                Err(RecvTimeoutError::Disconnected) => return self.seen.clone(),
                Err(RecvTimeoutError::Timeout) => panic!(
                    "{}: still open {DEADLINE:?} after the process ended; got {:?}",
                    self.what, self.seen
                ),
            }
        }
    }

    /// The lines that arrived so far, without waiting.
    fn so_far(&mut self) -> Vec<String> {
        while let Ok(line) = self.rx.try_recv() {
            self.seen.push(line);
        }
        self.seen.clone()
    }
}

/// A running `fmap`, killed on drop if it is still running.
struct Proc {
    what: String,
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: Lines,
    stderr: Lines,
}

impl Proc {
    fn spawn(mut cmd: Command, args: &[&str]) -> Proc {
        let what = format!("fmap {}", args.join(" "));
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {what}: {e}"));
        let stdin = child.stdin.take();
        let stdout = Lines::read(
            child.stdout.take().expect("stdout"),
            format!("{what}: stdout"),
        );
        let stderr = Lines::read(
            child.stderr.take().expect("stderr"),
            format!("{what}: stderr"),
        );
        Proc {
            what,
            child,
            stdin,
            stdout,
            stderr,
        }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Writes `text` to stdin. A process that already ended (closing its stdin) is not an error
    /// here: its exit status tells.
    fn input(&mut self, text: &str) {
        let stdin = self.stdin.as_mut().expect("stdin is closed");
        match stdin
            .write_all(text.as_bytes())
            .and_then(|()| stdin.flush())
        {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            Err(e) => panic!("{}: cannot write stdin: {e}", self.what),
        }
    }

    /// Closes stdin (EOF).
    fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Whether the process is still running.
    fn is_running(&mut self) -> bool {
        self.child.try_wait().expect("cannot poll").is_none()
    }

    /// Sends SIGKILL and reaps the process.
    fn kill(&mut self) {
        self.child.kill().expect("cannot kill");
        self.child.wait().expect("cannot reap");
    }

    /// Closes stdin and waits for the end, at most [`DEADLINE`]; kills and panics after it.
    fn wait(mut self) -> Output {
        self.close_stdin();
        let deadline = Instant::now() + DEADLINE;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("cannot wait") {
                break status;
            }
            if Instant::now() >= deadline {
                self.kill();
                panic!(
                    "{} did not end within {DEADLINE:?}; stdout {:?}, stderr {:?}",
                    self.what,
                    self.stdout.so_far(),
                    self.stderr.so_far()
                );
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        Output {
            what: self.what.clone(),
            code: status.code(),
            stdout: self.stdout.all(),
            stderr: self.stderr.all().join("\n"),
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// How a finished `fmap` ended.
#[derive(Debug)]
struct Output {
    what: String,
    /// `None` when a signal ended it.
    code: Option<i32>,
    stdout: Vec<String>,
    stderr: String,
}

impl Output {
    fn success(self) -> Output {
        assert_eq!(self.code, Some(0), "{} failed: {self:?}", self.what);
        self
    }

    fn failure(self, code: i32) -> Output {
        assert_eq!(self.code, Some(code), "{}: {self:?}", self.what);
        assert!(self.stderr.contains("error"), "no error message: {self:?}");
        self
    }

    fn stdout_text(&self) -> String {
        self.stdout.join("\n")
    }
}

/// Starts `fmap send NAME` and waits until it created the name.
fn start_sender(sb: &Sandbox, name: &str, timeout: &str) -> Proc {
    let mut sender = sb.spawn(&["send", name, "--timeout", timeout]);
    let created = sender.stderr.expect("created");
    assert!(created.contains(&format!("Local\\{name}")), "{created}");
    sender
}

/// Starts `fmap recv NAME`, event-driven.
fn start_receiver(sb: &Sandbox, name: &str) -> Proc {
    sb.spawn(&["recv", name])
}

/// A sender and a receiver exchanging `lines` (then EOF); returns how each ended.
fn converse(sb: &Sandbox, name: &str, lines: &[&str]) -> (Output, Output) {
    let mut sender = start_sender(sb, name, "10s");
    let receiver = start_receiver(sb, name);
    for line in lines {
        sender.input(&format!("{line}\n"));
    }
    let sender = sender.wait();
    let receiver = receiver.wait();
    (sender, receiver)
}

/// Starts `fmap create NAME ARGS...` and waits until it holds the name.
fn start_create(sb: &Sandbox, name: &str, args: &[&str]) -> Proc {
    let mut all = vec!["create", name];
    all.extend_from_slice(args);
    let mut holder = sb.spawn(&all);
    let created = holder.stdout.expect("created");
    assert!(
        created.starts_with(&format!("created Local\\{name}:")),
        "{created}"
    );
    holder
}

#[test]
fn send_and_recv_carry_lines_unchanged() {
    let sb = Sandbox::new("send_and_recv_carry_lines_unchanged");
    let lines = [
        "hello",
        "Grüße aus Köln",
        "😀 𝄞",
        "mixed: ASCII, ü, 日本語, and 🎉 in one line",
    ];
    let (sender, receiver) = converse(&sb, "Chat", &lines);
    let sender = sender.success();
    let expected_sent: Vec<String> = lines.iter().map(|l| format!("sent: {l}")).collect();
    assert_eq!(sender.stdout, expected_sent, "{sender:?}");
    let receiver = receiver.success();
    assert_eq!(receiver.stdout, lines, "{receiver:?}");
    assert!(
        receiver.stderr.contains("the sender is gone"),
        "{receiver:?}"
    );
    assert!(sb.listed().is_empty());
}

#[test]
fn an_empty_line_ends_the_sender() {
    let sb = Sandbox::new("an_empty_line_ends_the_sender");
    let mut sender = start_sender(&sb, "Chat", "10s");
    let mut receiver = start_receiver(&sb, "Chat");
    sender.input("before\n");
    assert_eq!(receiver.stdout.expect("before"), "before");
    // The sender must end on the empty line, with its stdin still open (held here).
    sender.input("\nafter\n");
    let _still_open = sender.stdin.take();
    let sender = sender.wait().success();
    assert_eq!(sender.stdout, ["sent: before"]);
    let receiver = receiver.wait().success();
    assert_eq!(receiver.stdout, ["before"]);
}

#[test]
fn a_killed_sender_ends_the_receiver_and_its_name() {
    let sb = Sandbox::new("a_killed_sender_ends_the_receiver_and_its_name");
    let mut sender = start_sender(&sb, "Doomed", "10s");
    let mut receiver = start_receiver(&sb, "Doomed");
    sender.input("first\n");
    assert_eq!(receiver.stdout.expect("first"), "first");
    sender.stdout.expect("sent: first");
    assert_eq!(sb.listed(), ["Local\\Doomed"]);
    assert!(
        receiver.is_running(),
        "the receiver ended while the sender was alive: {:?}",
        receiver.stderr.so_far()
    );

    sender.kill();
    let receiver = receiver.wait().success();
    assert_eq!(receiver.stdout, ["first"]);
    assert!(
        receiver.stderr.contains("the sender is gone"),
        "{receiver:?}"
    );
    assert!(sb.listed().is_empty());
    assert!(sb.ls_json().is_empty());
    // The receiver's handle was the last one: closing it removed the name, nothing is stale.
    let gc = sb.run(&["gc"]).success();
    assert_eq!(gc.stdout, ["nothing to remove"], "{gc:?}");
}

#[test]
fn send_refuses_an_existing_name() {
    let sb = Sandbox::new("send_refuses_an_existing_name");
    let mut holder = start_create(&sb, "Taken", &["--size", "4k"]);

    let refused = sb
        .run_with_input(&["send", "Taken", "--timeout", "10s"], "intruder\n")
        .failure(FAILED);
    assert!(
        refused.stderr.contains("ERROR_ALREADY_EXISTS"),
        "{refused:?}"
    );
    let code = filemapping::ERROR_ALREADY_EXISTS.to_string();
    assert!(refused.stderr.contains(&code), "{refused:?}");
    assert!(refused.stdout.is_empty(), "{refused:?}");

    // Nothing was written into the holder's mapping, which is still there.
    let bytes = sb
        .run(&["read", "Taken", "--len", "16", "--format", "hex"])
        .success();
    assert_eq!(bytes.stdout.len(), 1, "{bytes:?}");
    assert!(
        bytes.stdout[0].starts_with(&format!("00000000  {}", ["00"; 16].join(" "))),
        "{bytes:?}"
    );
    assert_eq!(sb.listed(), ["Local\\Taken"]);

    // EOF on its stdin releases the name.
    holder.stdout.expect("holding it until");
    let holder = holder.wait().success();
    assert_eq!(
        holder.stdout.last().map(String::as_str),
        Some("released Local\\Taken")
    );
    assert!(sb.listed().is_empty());
}

#[test]
fn demo_shows_both_sides() {
    let sb = Sandbox::new("demo_shows_both_sides");
    let demo = sb.run(&["demo"]).success();
    let side = |label: &str| -> Vec<String> {
        demo.stdout
            .iter()
            .filter(|l| l.starts_with(label))
            .cloned()
            .collect()
    };
    let sender = side("[sender");
    let receiver = side("[receiver");
    assert_eq!(sender.len(), 4, "{demo:?}");
    assert_eq!(receiver.len(), 4, "{demo:?}");
    assert!(
        receiver
            .iter()
            .any(|l| l.ends_with("] Grüße aus Köln — non-ASCII travels as UTF-16")),
        "{demo:?}"
    );
    assert!(
        receiver
            .iter()
            .any(|l| l.ends_with("] Outside the BMP: 😀 𝄞")),
        "{demo:?}"
    );
    assert!(
        sender.iter().any(|l| l.ends_with("] sent: Bye!")),
        "{demo:?}"
    );
    assert!(
        demo.stdout
            .last()
            .is_some_and(|l| l.contains("the sender sent 4 messages")),
        "{demo:?}"
    );
    assert!(sb.listed().is_empty());
}

#[test]
fn recv_of_a_missing_name_fails() {
    let sb = Sandbox::new("recv_of_a_missing_name_fails");
    let out = sb.run(&["recv", "Missing"]).failure(FAILED);
    assert!(out.stderr.contains("ERROR_FILE_NOT_FOUND"), "{out:?}");
    assert!(out.stderr.contains("Local\\Missing"), "{out:?}");
    assert!(out.stdout.is_empty(), "{out:?}");
}

#[test]
fn long_messages_are_refused_never_truncated() {
    let sb = Sandbox::new("long_messages_are_refused_never_truncated");
    // 1023 UTF-16 units fit, whether as 1023 ASCII letters or 511 astral characters (two units
    // each) and one more letter; 512 astral characters are 1024 units and do not.
    let fits_ascii = "x".repeat(1023);
    let fits_astral = format!("{}a", "😀".repeat(511));
    let too_long = "😀".repeat(512);
    let (sender, receiver) = converse(
        &sb,
        "Slot",
        &[&fits_ascii, &too_long, &fits_astral, "still sent"],
    );
    // The long line is refused with a message, and the session goes on: the lines after it
    // arrive; the exit code says that a line was refused.
    let sender = sender.failure(FAILED);
    assert!(
        sender.stderr.contains("line 2 refused")
            && sender.stderr.contains("1024 UTF-16 code units")
            && sender.stderr.contains("1023")
            && sender.stderr.contains("1 of 4 lines were refused"),
        "{sender:?}"
    );
    assert_eq!(sender.stdout.len(), 3, "{sender:?}");
    let receiver = receiver.success();
    assert_eq!(
        receiver.stdout,
        [fits_ascii, fits_astral, "still sent".to_owned()]
    );
}

#[test]
fn an_ascii_message_of_1024_units_is_refused() {
    let sb = Sandbox::new("an_ascii_message_of_1024_units_is_refused");
    let too_long = "y".repeat(1024);
    let (sender, receiver) = converse(&sb, "Slot", &["short", &too_long]);
    let sender = sender.failure(FAILED);
    assert!(
        sender.stderr.contains("1024 UTF-16 code units"),
        "{sender:?}"
    );
    let receiver = receiver.success();
    // Not even a prefix of the long message arrives.
    assert_eq!(receiver.stdout, ["short"]);
}

#[test]
fn send_without_a_receiver_times_out() {
    let sb = Sandbox::new("send_without_a_receiver_times_out");
    let out = sb
        .run_with_input(&["send", "Lonely", "--timeout", "200ms"], "anyone?\n")
        .failure(TIMED_OUT);
    assert!(out.stderr.contains("no receiver took"), "{out:?}");
    assert!(out.stdout.is_empty(), "{out:?}");
    assert!(sb.listed().is_empty());
}

#[test]
fn create_ls_info_write_read_and_gc() {
    let sb = Sandbox::new("create_ls_info_write_read_and_gc");
    let mut small = start_create(&sb, "Small", &["--size", "64k", "--for", "30s"]);
    let mut big = start_create(&sb, "Big", &["--size", "128k", "--for", "30s"]);

    // ls: both, with their sizes and protection.
    assert_eq!(sb.listed(), ["Local\\Big", "Local\\Small"]);
    let table = sb.run(&["ls"]).success();
    let row = table
        .stdout
        .iter()
        .find(|l| l.starts_with("Local\\Small "))
        .unwrap_or_else(|| panic!("{table:?}"));
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(
        cells,
        [
            "Local\\Small",
            "65536",
            "PAGE_READWRITE",
            "SEC_COMMIT",
            "memory",
            "1"
        ],
        "{table:?}"
    );
    let json = sb.ls_json();
    let entry = json
        .iter()
        .find(|m| m["name"] == "Local\\Small")
        .unwrap_or_else(|| panic!("{json:?}"));
    assert_eq!(entry["size"], 65536, "{entry}");
    assert_eq!(entry["protection"], "PAGE_READWRITE", "{entry}");
    assert_eq!(entry["handles"], 1, "{entry}");

    // info: the size, one handle (its own is not counted), held by the create process.
    let info = sb.run(&["info", "Small"]).success();
    assert!(
        info.stdout
            .contains(&"name:        Local\\Small".to_owned()),
        "{info:?}"
    );
    assert!(
        info.stdout.contains(&"size:        65536 bytes".to_owned()),
        "{info:?}"
    );
    assert!(
        info.stdout.contains(&"handles:     1".to_owned()),
        "{info:?}"
    );
    assert!(
        info.stdout
            .contains(&format!("holders:     {}", small.pid())),
        "{info:?}"
    );
    let info_json = sb.run(&["info", "Small", "--json"]).success();
    let value: serde_json::Value = serde_json::from_str(&info_json.stdout_text()).unwrap();
    assert_eq!(value["size"], 65536, "{value}");
    assert_eq!(value["handles"], 1, "{value}");
    assert_eq!(
        value["holders"],
        serde_json::json!([small.pid()]),
        "{value}"
    );

    // Offset 70000 is past the end of 64 KiB: refused.
    let past = sb
        .run(&["write", "Small", "hello", "--offset", "70000"])
        .failure(FAILED);
    assert!(past.stderr.contains("ERROR_ACCESS_DENIED"), "{past:?}");
    // Inside 128 KiB, past the first 64 KiB allocation granule: written and read back.
    let wrote = sb
        .run(&["write", "Big", "hello", "--offset", "70000"])
        .success();
    assert_eq!(wrote.stdout, ["wrote 5 bytes at offset 70000"]);
    let text = sb
        .run(&[
            "read", "Big", "--offset", "70000", "--len", "5", "--format", "utf8",
        ])
        .success();
    assert_eq!(text.stdout, ["hello"]);
    let hex = sb
        .run(&[
            "read", "Big", "--offset", "70000", "--len", "5", "--format", "hex",
        ])
        .success();
    // 70000 = 0x11170.
    assert_eq!(hex.stdout.len(), 1, "{hex:?}");
    assert!(
        hex.stdout[0].starts_with("00011170  68 65 6c 6c 6f "),
        "{hex:?}"
    );
    assert!(hex.stdout[0].ends_with("|hello|"), "{hex:?}");

    // The holders crash: the names are no longer live, but only gc removes them.
    small.kill();
    big.kill();
    assert!(sb.listed().is_empty());
    assert!(sb.ls_json().is_empty());
    let gc = sb.run(&["gc"]).success();
    assert_eq!(
        gc.stdout,
        ["removed Local\\Big", "removed Local\\Small"],
        "{gc:?}"
    );
    let again = sb.run(&["gc"]).success();
    assert_eq!(again.stdout, ["nothing to remove"], "{again:?}");
}

// A SEC_RESERVE mapping's pages are reserved until committed: `write` commits the pages it
// writes, `read` of them works, and a read of pages nobody committed is refused with
// ERROR_ACCESS_DENIED. The namespace is on shared memory, as the default one is.
#[test]
fn write_commits_the_pages_of_a_reserve_mapping() {
    let sb = Sandbox::on_shared_memory("write_commits_the_pages_of_a_reserve_mapping");
    let mut holder = start_create(
        &sb,
        "Sparse",
        &["--size", "1m", "--reserve", "--for", "30s"],
    );
    let wrote = sb
        .run(&["write", "Sparse", "hello", "--offset", "8192"])
        .success();
    assert_eq!(wrote.stdout, ["wrote 5 bytes at offset 8192"]);
    let text = sb
        .run(&[
            "read", "Sparse", "--offset", "8192", "--len", "5", "--format", "utf8",
        ])
        .success();
    assert_eq!(text.stdout, ["hello"]);
    let refused = sb.run(&["read", "Sparse", "--len", "5"]).failure(FAILED);
    assert!(refused.stderr.contains("reserved"), "{refused:?}");
    assert!(
        refused.stderr.contains("ERROR_ACCESS_DENIED"),
        "{refused:?}"
    );
    assert!(refused.stderr.contains("once committed"), "{refused:?}");
    // info counts the committed page, of the 256.
    let info = sb.run(&["info", "Sparse"]).success();
    assert!(
        info.stdout
            .contains(&"committed:   4096 of 1048576 bytes".to_owned()),
        "{info:?}"
    );
    let json = sb.run(&["info", "Sparse", "--json"]).success();
    let value: serde_json::Value = serde_json::from_str(&json.stdout_text()).unwrap();
    assert_eq!(value["committed"], 4096, "{value}");
    holder.kill();
}

#[test]
fn a_held_name_is_found_through_the_environment() {
    let sb = Sandbox::new("a_held_name_is_found_through_the_environment");
    let holder = start_create(&sb, "ByEnv", &["--size", "4k"]);
    let mut cmd = sb.command_env_only();
    cmd.args(["ls", "--json"]);
    let out = Proc::spawn(cmd, &["ls", "--json"]).wait().success();
    let value: serde_json::Value = serde_json::from_str(&out.stdout_text()).expect("JSON");
    assert_eq!(value["mappings"][0]["name"], "Local\\ByEnv", "{value}");
    holder.wait().success();
    assert!(sb.listed().is_empty());
}

#[test]
fn bad_command_lines_exit_2() {
    let sb = Sandbox::new("bad_command_lines_exit_2");
    for args in [
        &["read"][..],
        &["create", "X", "--size", "1x"],
        &["create", "X"],
        &["send", "X", "--timeout", "soon"],
        &["write", "X"],
        &["read", "X", "--format", "octal"],
        &["frobnicate"],
    ] {
        let out = sb.run(args);
        assert_eq!(out.code, Some(BAD_COMMAND_LINE), "{out:?}");
        assert!(out.stderr.contains("error:"), "{out:?}");
        assert!(out.stdout.is_empty(), "{out:?}");
    }
    assert!(sb.listed().is_empty());
}

/// Other processes taking and dropping file locks must not make a receiver believe that its
/// sender is gone. (Ten more holders lock slots of their own objects; three loops of `fmap create
/// --for 0s` take and drop locks all the time; the receiver polls every millisecond.)
#[test]
fn the_receiver_stays_while_the_sender_lives_despite_lock_churn() {
    const MESSAGES: usize = 2000;
    let sb = Sandbox::new("the_receiver_stays_while_the_sender_lives_despite_lock_churn");
    let _holders: Vec<Proc> = (0..10)
        .map(|i| start_create(&sb, &format!("Hold{i}"), &["--size", "4k"]))
        .collect();
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        // Stops the churners however this ends, so that the scope can end.
        let _stop = StopOnDrop(&stop);
        for i in 0..3 {
            let (sb, stop) = (&sb, &stop);
            scope.spawn(move || {
                let name = format!("Churn{i}");
                while !stop.load(Ordering::Relaxed) {
                    sb.run(&["create", &name, "--size", "4k", "--for", "0s"])
                        .success();
                }
            });
        }
        let mut sender = start_sender(&sb, "Busy", "10s");
        let mut receiver = sb.spawn(&["recv", "Busy", "--interval", "1ms"]);
        let lost = (0..MESSAGES).find(|i| {
            let text = format!("message {i:04}");
            sender.input(&format!("{text}\n"));
            receiver.stdout.next_containing(&text).is_none()
        });
        if let Some(i) = lost {
            let sender_running = sender.is_running();
            let out = receiver.wait();
            panic!(
                "the receiver ended while the sender was alive (still running: \
                 {sender_running}) after {i} of {MESSAGES} messages: exit {:?}, stderr {:?}, \
                 last line {:?}",
                out.code,
                out.stderr,
                out.stdout.last()
            );
        }
        sender.wait().success();
        assert_eq!(receiver.wait().success().stdout.len(), MESSAGES);
    });
}

/// Sets its flag when dropped.
struct StopOnDrop<'a>(&'a AtomicBool);

impl Drop for StopOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

#[test]
fn hostile_names_reach_the_terminal_escaped() {
    let sb = Sandbox::new("hostile_names_reach_the_terminal_escaped");
    let name = "Evil\x1b[31m\nFAKE 1 2\u{202e}cod.exe";
    let mut holder = sb.spawn(&["create", name, "--size", "4k", "--for", "30s"]);
    let created = holder.stdout.expect("created");
    assert_eq!(
        created,
        "created Local\\Evil\\x1b[31m\\nFAKE 1 2\\u{202e}cod.exe: 4096 bytes, PAGE_READWRITE, \
         SEC_COMMIT, backed by memory"
    );
    let escaped = "Local\\Evil\\x1b[31m\\nFAKE";
    let table = sb.run(&["ls"]).success();
    assert_eq!(table.stdout.len(), 2, "one header and one row: {table:?}");
    assert!(table.stdout[1].starts_with(escaped), "{table:?}");
    let info = sb.run(&["info", name]).success();
    assert!(
        info.stdout[0].starts_with(&format!("name:        {escaped}")),
        "{info:?}"
    );
    // The JSON output carries the name exactly, escaped by JSON itself.
    assert_eq!(sb.ls_json()[0]["name"], format!("Local\\{name}"));
    for out in [&table, &info] {
        let text = out.stdout_text();
        assert!(
            !text.contains('\x1b') && !text.contains('\u{202e}'),
            "{out:?}"
        );
    }
    holder.kill();
    let gc = sb.run(&["gc"]).success();
    assert_eq!(
        gc.stdout,
        [format!("removed {escaped} 1 2\\u{{202e}}cod.exe")]
    );
}

#[test]
fn error_messages_escape_and_cut_long_names() {
    let sb = Sandbox::new("error_messages_escape_and_cut_long_names");
    let name = format!("\x1b]0;owned\x07{}", "n".repeat(400));
    let out = sb.run(&["info", &name]).failure(FAILED);
    assert!(
        !out.stderr.contains('\x1b') && !out.stderr.contains('\x07'),
        "{out:?}"
    );
    assert!(out.stderr.contains("\\x1b]0;owned\\x07"), "{out:?}");
    assert!(out.stderr.contains("more characters)"), "{out:?}");
    assert!(
        out.stderr.contains("(ERROR_FILE_NOT_FOUND, 2)"),
        "the code survives: {out:?}"
    );
    assert!(
        out.stderr.len() < 1000,
        "{} bytes: {out:?}",
        out.stderr.len()
    );
}

#[test]
fn a_second_receiver_is_refused_and_each_message_is_printed_once() {
    let sb = Sandbox::new("a_second_receiver_is_refused");
    let mut sender = start_sender(&sb, "Pair", "10s");
    let mut first = start_receiver(&sb, "Pair");
    sender.input("one\n");
    assert_eq!(first.stdout.expect("one"), "one");
    let second = sb.run(&["recv", "Pair"]).failure(FAILED);
    assert!(
        second
            .stderr
            .contains("another `fmap recv` is already reading"),
        "{second:?}"
    );
    sender.input("two\n");
    assert_eq!(first.stdout.expect("two"), "two");
    sender.close_stdin();
    assert_eq!(sender.wait().success().stdout, ["sent: one", "sent: two"]);
    let first = first.wait().success();
    assert_eq!(first.stdout, ["one", "two"]);
    assert!(first.stderr.contains("the sender is gone"), "{first:?}");
}

#[test]
fn the_sender_notices_a_killed_receiver_and_serves_the_next_one() {
    let sb = Sandbox::new("the_sender_notices_a_killed_receiver");
    let mut sender = start_sender(&sb, "Relay", "30s");
    let mut doomed = start_receiver(&sb, "Relay");
    sender.input("first\n");
    assert_eq!(doomed.stdout.expect("first"), "first");
    sender.stdout.expect("sent: first");
    doomed.kill();
    drop(doomed.wait());
    sender.input("second\n");
    sender.stderr.expect("the receiver is gone");
    let mut next = start_receiver(&sb, "Relay");
    assert_eq!(next.stdout.expect("second"), "second");
    sender.stdout.expect("sent: second");
    sender.close_stdin();
    sender.wait().success();
    assert_eq!(next.wait().success().stdout, ["second"]);
    assert!(sb.listed().is_empty());
}

#[test]
fn poll_keeps_the_classic_receiver() {
    let sb = Sandbox::new("poll_keeps_the_classic_receiver");
    let mut sender = start_sender(&sb, "Classic", "10s");
    let mut receiver = sb.spawn(&["recv", "Classic", "--poll", "5ms"]);
    sender.input("polled\n");
    assert_eq!(receiver.stdout.expect("polled"), "polled");
    sender.close_stdin();
    sender.wait().success();
    let receiver = receiver.wait().success();
    assert!(
        receiver.stderr.contains("the sender is gone"),
        "{receiver:?}"
    );
}
