//! The one way to standard output. A closed stdout (`fmap ls | head -1`) is not a failure: it
//! ends the command quietly with exit code 0, as `cat` and `ripgrep` do, after every handle was
//! dropped in order. Rust ignores `SIGPIPE`, so a write to a closed pipe is an `EPIPE` error here,
//! never a signal.

use crate::failure::Failure;
use std::io::{self, Write};

/// Writes one line to stdout (flushed, so a reader sees it at once).
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::out::line(format_args!($($arg)*))
    };
}
pub(crate) use outln;

/// Writes `text` and a newline to stdout and flushes.
pub(crate) fn line(text: std::fmt::Arguments<'_>) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    writeln!(out, "{text}")
        .and_then(|()| out.flush())
        .map_err(failure)
}

/// A write error of stdout as a failure: quiet for a closed pipe.
pub(crate) fn failure(err: io::Error) -> Failure {
    if err.kind() == io::ErrorKind::BrokenPipe {
        Failure::stdout_closed()
    } else {
        Failure::new(format!("cannot write stdout: {err}"))
    }
}

/// A line to stderr; a closed stderr is ignored (there is nowhere left to say anything).
macro_rules! errln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}
pub(crate) use errln;
