//! How commands fail: a sentence with the Win32 error name and code, a hint where one helps,
//! and the exit code.

use filemapping::ErrorKind;
use std::fmt;

/// A failed command.
#[derive(Debug)]
pub(crate) struct Failure {
    message: String,
    hint: Option<String>,
    code: u8,
}

impl Failure {
    /// Exit code 1: the operation failed.
    pub(crate) fn new(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            hint: None,
            code: 1,
        }
    }

    /// Exit code 3: nobody took a message in time.
    pub(crate) fn timed_out(message: impl Into<String>) -> Failure {
        Failure {
            code: 3,
            ..Failure::new(message)
        }
    }

    /// A library error, with what was being done.
    pub(crate) fn library(what: &str, err: &filemapping::Error) -> Failure {
        Failure {
            hint: hint_for(err.kind()),
            ..Failure::new(format!("{what}: {err}"))
        }
    }

    pub(crate) fn with_hint(mut self, hint: impl Into<String>) -> Failure {
        self.hint = Some(hint.into());
        self
    }

    pub(crate) fn exit_code(&self) -> u8 {
        self.code
    }
}

fn hint_for(kind: ErrorKind) -> Option<String> {
    let hint = match kind {
        ErrorKind::NotFound => {
            "`fmap ls` lists the live names; a name lives only while a handle is open"
        }
        ErrorKind::PathNotFound => {
            "names may start with Local\\ or Global\\ (case-sensitive), nothing else"
        }
        ErrorKind::AccessDenied => "the mapping's owner or permissions refuse this access",
        ErrorKind::CommitmentLimit => {
            "the system's memory is full: free /dev/shm or set FILEMAPPING_DIR"
        }
        ErrorKind::MappedAlignment => "offsets of views are multiples of 64 KiB",
        _ => return None,
    };
    Some(hint.to_owned())
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}", crate::shown::shown(&self.message))?;
        if let Some(hint) = &self.hint {
            write!(f, "\nhint: {hint}")?;
        }
        Ok(())
    }
}

/// `?` on library errors inside commands.
pub(crate) trait Context<T> {
    fn doing(self, what: &str) -> Result<T, Failure>;
}

impl<T> Context<T> for filemapping::Result<T> {
    fn doing(self, what: &str) -> Result<T, Failure> {
        self.map_err(|e| Failure::library(what, &e))
    }
}

impl<T> Context<T> for std::io::Result<T> {
    fn doing(self, what: &str) -> Result<T, Failure> {
        self.map_err(|e| Failure::new(format!("{what}: {e}")))
    }
}
