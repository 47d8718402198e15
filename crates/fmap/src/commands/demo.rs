//! `fmap demo`: a receiver and a sender as two real processes, driven through a short scripted
//! conversation; both sides' output is shown as it happens.

use crate::failure::{Context, Failure};
use crate::out::outln;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::thread::JoinHandle;
use std::time::Duration;

const SCRIPT: [&str; 4] = [
    "Message from first process.",
    "Grüße aus Köln — non-ASCII travels as UTF-16",
    "Outside the BMP: \u{1F600} \u{1D11E}",
    "Bye!",
];

pub(crate) fn run(dir: Option<&Path>) -> Result<(), Failure> {
    let name = format!("fmap-demo-{}", std::process::id());
    outln!("demo: a sender and a receiver talk through {name} (2048 bytes of system memory)")?;
    let mut sender = spawn(dir, &["send", &name, "--timeout", "5s"], true)?;
    let sender_err = wait_until_created(&mut sender)?;
    let mut receiver = spawn(dir, &["recv", &name], false)?;
    let echo_sender = echo(sender.stdout.take(), "sender  ");
    let echo_receiver = echo(receiver.stdout.take(), "receiver");
    let mut stdin = sender
        .stdin
        .take()
        .ok_or_else(|| Failure::new("no stdin for the sender"))?;
    for line in SCRIPT {
        writeln!(stdin, "{line}").doing("cannot talk to the sender")?;
        std::thread::sleep(Duration::from_millis(150));
    }
    drop(stdin);
    let sent = finish(sender, "sender", echo_sender, Some(sender_err))?;
    finish(receiver, "receiver", echo_receiver, None)?;
    outln!("demo: done; the sender sent {sent} messages and {name} is gone")
}

fn spawn(dir: Option<&Path>, args: &[&str], piped_stdin: bool) -> Result<Child, Failure> {
    let exe = std::env::current_exe().doing("cannot find this program")?;
    let mut cmd = Command::new(exe);
    if let Some(dir) = dir {
        cmd.arg("--dir").arg(dir);
    }
    cmd.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
    if piped_stdin {
        cmd.stdin(Stdio::piped());
    }
    cmd.spawn().doing("cannot start a child process")
}

/// Reads the sender's stderr up to its "created" line, then keeps the rest for the end.
fn wait_until_created(sender: &mut Child) -> Result<JoinHandle<String>, Failure> {
    let stderr = sender
        .stderr
        .take()
        .ok_or_else(|| Failure::new("no stderr for the sender"))?;
    let mut reader = BufReader::new(stderr);
    let mut first = String::new();
    reader
        .read_line(&mut first)
        .doing("cannot read the sender")?;
    if !first.contains("created") {
        return Err(Failure::new(format!("the sender failed: {}", first.trim())));
    }
    Ok(std::thread::spawn(move || {
        let mut rest = String::new();
        let _ = reader.read_to_string(&mut rest);
        rest
    }))
}

/// Prints a child's stdout lines with a label; returns how many lines it printed.
fn echo(out: Option<impl Read + Send + 'static>, label: &'static str) -> JoinHandle<usize> {
    std::thread::spawn(move || {
        let mut count = 0;
        if let Some(out) = out {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                // A closed stdout is reported by the main thread's last line.
                let _ = outln!("[{label}] {line}");
                count += 1;
            }
        }
        count
    })
}

fn finish(
    mut child: Child,
    label: &str,
    echo: JoinHandle<usize>,
    stderr: Option<JoinHandle<String>>,
) -> Result<usize, Failure> {
    let status = child.wait().doing("cannot wait for a child")?;
    let lines = echo.join().unwrap_or(0);
    let mut errors = stderr
        .map(|h| h.join().unwrap_or_default())
        .unwrap_or_default();
    if let Some(mut err) = child.stderr.take() {
        let _ = err.read_to_string(&mut errors);
    }
    if !status.success() {
        return Err(Failure::new(format!(
            "the {label} failed ({status}): {}",
            errors.trim()
        )));
    }
    Ok(lines)
}
