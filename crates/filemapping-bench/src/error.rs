//! The benchmark's one error type. Every failure ends up as text in a row of the table (or on
//! stderr), so a message is all it carries.

use std::fmt;

/// A failure, with what failed and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BenchError(pub String);

/// A result with a [`BenchError`].
pub type Result<T> = std::result::Result<T, BenchError>;

impl BenchError {
    /// An error with this message.
    pub fn new(message: impl Into<String>) -> BenchError {
        BenchError(message.into())
    }

    /// The error of the last failed syscall of this thread (`errno`), named `what`.
    pub fn os(what: &str) -> BenchError {
        BenchError(format!("{what}: {}", std::io::Error::last_os_error()))
    }
}

impl fmt::Display for BenchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BenchError {}

impl From<std::io::Error> for BenchError {
    fn from(e: std::io::Error) -> BenchError {
        BenchError(e.to_string())
    }
}

impl From<filemapping::Error> for BenchError {
    fn from(e: filemapping::Error) -> BenchError {
        BenchError(e.to_string())
    }
}

impl From<shared_memory::ShmemError> for BenchError {
    fn from(e: shared_memory::ShmemError) -> BenchError {
        BenchError(format!("shared_memory: {e}"))
    }
}
