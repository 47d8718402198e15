//! Helper processes: this binary started again with a hidden first argument, talking over its
//! stdin and stdout one line at a time. `race_create` races them; `scale_open` has them hold
//! the names that no single process has descriptors enough to hold.

use crate::error::{BenchError, Result};
use std::ffi::OsString;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// How long a worker may take to exit once told to, before it is killed.
const EXIT_GRACE: Duration = Duration::from_secs(30);

/// One helper process.
pub struct Worker {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
}

impl Worker {
    /// Starts `exe args…` with our library's namespace root `root` in its environment.
    ///
    /// # Errors
    ///
    /// If the process cannot start.
    pub fn spawn(exe: &Path, args: Vec<OsString>, root: &Path) -> Result<Worker> {
        let mut child = Command::new(exe)
            .args(args)
            .env(filemapping::FILEMAPPING_DIR, root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| BenchError::new(format!("cannot start a worker: {e}")))?;
        let stdin = child.stdin.take();
        let stdout = BufReader::new(child.stdout.take().expect("piped"));
        Ok(Worker {
            child,
            stdin,
            stdout,
        })
    }

    /// The next line the worker prints; `error <why>` becomes an error.
    ///
    /// # Errors
    ///
    /// If the worker failed or went away.
    pub fn line(&mut self) -> Result<String> {
        let mut line = String::new();
        self.stdout.read_line(&mut line)?;
        let line = line.trim();
        if let Some(why) = line.strip_prefix("error ") {
            return Err(BenchError::new(format!("a worker failed: {why}")));
        }
        Ok(line.to_owned())
    }

    /// Reads a line and checks that it is `word`.
    ///
    /// # Errors
    ///
    /// If it is not.
    pub fn expect(&mut self, word: &str) -> Result<()> {
        match self.line()? {
            line if line == word => Ok(()),
            line => Err(BenchError::new(format!(
                "a worker said {line:?}, not {word}"
            ))),
        }
    }

    /// Sends the worker a line.
    ///
    /// # Errors
    ///
    /// If the worker went away.
    pub fn say(&mut self, word: &str) -> Result<()> {
        let stdin = self.stdin.as_mut().ok_or(BenchError::new("stdin closed"))?;
        Ok(writeln!(stdin, "{word}")?)
    }

    /// Closes the worker's stdin (its signal to finish) and waits for it (see [`finish`]).
    fn finish(&mut self) -> Result<ExitStatus> {
        drop(self.stdin.take());
        finish(&mut self.child)
    }
}

/// Waits for `child`, which has been told to exit, and kills it, by its own process id, if it
/// takes longer than the grace period.
///
/// # Errors
///
/// If waiting fails.
pub fn finish(child: &mut Child) -> Result<ExitStatus> {
    let deadline = Instant::now() + EXIT_GRACE;
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait()? {
            return Ok(status);
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let _ = child.kill();
    Ok(child.wait()?)
}

/// A group of workers; any still running when it drops are finished (see [`Worker`]).
#[derive(Default)]
pub struct Workers(pub Vec<Worker>);

impl Workers {
    /// Finishes every worker and checks that each succeeded.
    ///
    /// # Errors
    ///
    /// The first worker that failed (the rest are finished on drop).
    pub fn wait(&mut self) -> Result<()> {
        while let Some(mut worker) = self.0.pop() {
            let status = worker.finish()?;
            if !status.success() {
                return Err(BenchError::new(format!("a worker failed: {status}")));
            }
        }
        Ok(())
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        for worker in &mut self.0 {
            let _ = worker.finish();
        }
    }
}

/// The worker's side of a handshake: prints `ready`, then waits for a line. `false` if the
/// line is not `word` (or stdin closed): the parent gave up.
///
/// # Errors
///
/// If stdin cannot be read.
pub fn ready_then_wait_for(word: &str) -> Result<bool> {
    println!("ready");
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    Ok(line.trim() == word)
}
