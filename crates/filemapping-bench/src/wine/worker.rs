//! A running worker (one build of `c/win32_worker.c`): requests go to its stdin; a thread reads
//! its stdout, so that every wait for an answer has a deadline (Wine's start-up can take half
//! a minute in a fresh prefix; a hung worker must not hang the run). Dropping it says `quit`,
//! closes its stdin and waits for it, killing it (by its own process id) after a grace period.

use super::cases::Impl;
use super::protocol::{self, Answer, Failure};
use crate::error::{BenchError, Result};
use crate::workers;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// How long a worker may take to start (Wine creating a fresh prefix takes 10-30 s).
pub const START_TIMEOUT: Duration = Duration::from_secs(180);
/// How long one batch may take.
pub const BATCH_TIMEOUT: Duration = Duration::from_secs(120);

/// One worker process.
pub struct Worker {
    imp: Impl,
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<std::io::Result<String>>,
}

impl Worker {
    /// Starts `command` (the worker, with its arguments and environment) as `imp`'s worker.
    ///
    /// # Errors
    ///
    /// If it cannot start.
    pub fn spawn(imp: Impl, mut command: Command) -> Result<Worker> {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| {
                BenchError::new(format!("cannot start the {} worker: {e}", imp.label()))
            })?;
        let stdin = child.stdin.take();
        let stdout = BufReader::new(child.stdout.take().expect("piped"));
        let (send, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in stdout.lines() {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        Ok(Worker {
            imp,
            child,
            stdin,
            lines,
        })
    }

    /// Waits for the worker's `ready`; returns how long it took.
    ///
    /// # Errors
    ///
    /// If it failed to set up, said something else, went away or took too long.
    pub fn ready(&mut self, started: Instant) -> Result<Duration> {
        match self.answer(START_TIMEOUT)? {
            Answer::Ready => Ok(started.elapsed()),
            other => Err(self.unexpected(&other, "ready")),
        }
    }

    /// Runs a batch of `ops` operations of `case`; returns the mean nanoseconds per operation.
    ///
    /// # Errors
    ///
    /// If an operation failed or the worker went away.
    pub fn batch(&mut self, case: &str, ops: usize) -> Result<f64> {
        self.say(&protocol::request(case, ops))?;
        match self.answer(BATCH_TIMEOUT)? {
            Answer::Elapsed(ns) => Ok(ns as f64 / ops.max(1) as f64),
            other => Err(self.unexpected(&other, "a time")),
        }
    }

    fn say(&mut self, line: &str) -> Result<()> {
        let stdin = self.stdin.as_mut().ok_or(BenchError::new("stdin closed"))?;
        stdin
            .write_all(line.as_bytes())
            .and_then(|()| stdin.flush())
            .map_err(|e| BenchError::new(format!("{} worker: {e}", self.imp.label())))
    }

    fn answer(&mut self, timeout: Duration) -> Result<Answer> {
        let label = self.imp.label();
        let line = match self.lines.recv_timeout(timeout) {
            Ok(Ok(line)) => line,
            Ok(Err(e)) => return Err(BenchError::new(format!("{label} worker: {e}"))),
            Err(RecvTimeoutError::Timeout) => {
                return Err(BenchError::new(format!(
                    "the {label} worker gave no answer within {timeout:?}"
                )))
            }
            Err(RecvTimeoutError::Disconnected) => {
                let status = self.child.try_wait().ok().flatten();
                let how = status.map_or("its output closed".into(), |s| s.to_string());
                return Err(BenchError::new(format!(
                    "the {label} worker exited ({how})"
                )));
            }
        };
        protocol::parse(&line).map_err(|why| BenchError::new(format!("{label} worker: {why}")))
    }

    fn unexpected(&self, answer: &Answer, wanted: &str) -> BenchError {
        match answer {
            Answer::Failed(failure) => BenchError::new(describe(self.imp, failure)),
            other => BenchError::new(format!(
                "the {} worker answered {other:?}, not {wanted}",
                self.imp.label()
            )),
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.say(protocol::QUIT);
        drop(self.stdin.take());
        let _ = workers::finish(&mut self.child);
    }
}

/// A failure with its code explained: `errno` text for the floors, the `ERROR_*` name for the
/// common Win32 codes.
pub fn describe(imp: Impl, failure: &Failure) -> String {
    let meaning = if imp.reports_errno() {
        i32::try_from(failure.code)
            .map(|code| std::io::Error::from_raw_os_error(code).to_string())
            .unwrap_or_default()
    } else {
        win32_name(failure.code).unwrap_or_default().to_owned()
    };
    if meaning.is_empty() {
        format!("{failure}")
    } else {
        format!("{failure} ({meaning})")
    }
}

fn win32_name(code: u64) -> Option<&'static str> {
    Some(match code {
        2 => "ERROR_FILE_NOT_FOUND",
        5 => "ERROR_ACCESS_DENIED",
        6 => "ERROR_INVALID_HANDLE",
        8 => "ERROR_NOT_ENOUGH_MEMORY",
        87 => "ERROR_INVALID_PARAMETER",
        183 => "ERROR_ALREADY_EXISTS",
        1455 => "ERROR_COMMITMENT_LIMIT",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(code: u64) -> Failure {
        Failure {
            code,
            call: "X".into(),
        }
    }

    #[test]
    fn codes_are_explained_in_their_own_system() {
        assert_eq!(
            describe(Impl::Wine, &failure(183)),
            "X failed with error 183 (ERROR_ALREADY_EXISTS)"
        );
        assert_eq!(
            describe(Impl::Ffi, &failure(4242)),
            "X failed with error 4242"
        );
        let floor = describe(Impl::Floor, &failure(libc::EEXIST as u64));
        assert!(floor.starts_with("X failed with error 17 ("), "{floor}");
    }
}
