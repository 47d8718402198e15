//! How commands fail: a sentence with the Win32 error name and code, a hint where one helps,
//! and the exit code; or, with `--json`, the same as one JSON object on stderr.

use filemapping::ErrorKind;
use std::fmt;

/// A failed command.
#[derive(Debug)]
pub(crate) struct Failure {
    message: String,
    hint: Option<String>,
    /// The Win32 error's name and code, where one applies.
    win32: Option<(&'static str, u32)>,
    code: u8,
    /// Nothing to say: stdout was closed by its reader, or a signal ended a holder.
    quiet: bool,
}

impl Failure {
    /// Exit code 1: the operation failed.
    pub(crate) fn new(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            hint: None,
            win32: None,
            code: 1,
            quiet: false,
        }
    }

    /// Exit code 3: nobody took a message in time.
    pub(crate) fn timed_out(message: impl Into<String>) -> Failure {
        Failure {
            code: 3,
            ..Failure::new(message)
        }
    }

    /// Exit code 0 without a word: the reader of stdout went away (`| head`).
    pub(crate) fn stdout_closed() -> Failure {
        Failure {
            code: 0,
            quiet: true,
            ..Failure::new("stdout was closed")
        }
    }

    /// A library error, with what was being done.
    pub(crate) fn library(what: &str, err: &filemapping::Error) -> Failure {
        // ENOTDIR where a namespace directory was opened: a link or a file stands in its place.
        let not_a_directory = err.raw_os_error() == Some(20) && err.message().contains("directory");
        let hint = if not_a_directory {
            Some(
                "a symbolic link or a file stands where the namespace directory should be; \
                 fmap never follows a link there: remove it, and a safe directory is made again"
                    .to_owned(),
            )
        } else {
            hint_for(err.kind())
        };
        Failure {
            hint,
            win32: Some((err.kind().win32_name(), err.win32_code())),
            ..Failure::new(format!("{what}: {err}"))
        }
    }

    pub(crate) fn with_hint(mut self, hint: impl Into<String>) -> Failure {
        self.hint = Some(hint.into());
        self
    }

    /// Names the Win32 error this failure stands for (for `--json`).
    pub(crate) fn with_win32(mut self, name: &'static str, code: u32) -> Failure {
        self.win32 = Some((name, code));
        self
    }

    pub(crate) fn exit_code(&self) -> u8 {
        self.code
    }

    pub(crate) fn is_quiet(&self) -> bool {
        self.quiet
    }

    /// `{"error": {"message", "hint", "win32_code", "win32_name", "exit_code"}}`.
    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::json!({ "error": {
            "message": self.message,
            "hint": self.hint,
            "win32_code": self.win32.map(|(_, code)| code),
            "win32_name": self.win32.map(|(name, _)| name),
            "exit_code": self.code,
        }})
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
        ErrorKind::TooManyOpenFiles => {
            "no file descriptor is left: raise the limit (`ulimit -n`) or close some handles"
        }
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
