//! The worker's line protocol (see `c/win32_worker.c`): `<case> <n>` asks for a batch of `n`
//! operations; the worker answers `ready` once at start-up, then one line per batch: the
//! batch's nanoseconds, or `error <code> <call>`. `quit` ends it. Wine's C runtime writes
//! `\r\n`, so answers are read with any surrounding white space.

use std::fmt;

/// One answer of a worker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// Start-up went well: the worker waits for requests.
    Ready,
    /// The batch took this many nanoseconds (by the worker's own clock).
    Elapsed(u64),
    /// A call failed.
    Failed(Failure),
}

/// A call that failed in a worker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// `GetLastError()` or `errno`.
    pub code: u64,
    /// The call, if the worker named it.
    pub call: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let call = if self.call.is_empty() {
            "a call"
        } else {
            &self.call
        };
        write!(f, "{call} failed with error {}", self.code)
    }
}

/// The request for a batch of `ops` operations of `case`, with its line end.
pub fn request(case: &str, ops: usize) -> String {
    format!("{case} {ops}\n")
}

/// The line that ends a worker.
pub const QUIT: &str = "quit\n";

/// Reads one answer line (`\n` or `\r\n` ended, or not ended at all).
///
/// # Errors
///
/// What is wrong with a line that is no answer.
pub fn parse(line: &str) -> Result<Answer, String> {
    let line = line.trim();
    if line == "ready" {
        return Ok(Answer::Ready);
    }
    if let Some(rest) = line.strip_prefix("error") {
        return parse_failure(rest).ok_or_else(|| format!("a malformed error answer: {line:?}"));
    }
    line.parse()
        .map(Answer::Elapsed)
        .map_err(|_| format!("not an answer: {line:?}"))
}

fn parse_failure(rest: &str) -> Option<Answer> {
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let mut words = rest.split_whitespace();
    let code = words.next()?.parse().ok()?;
    let call = words.collect::<Vec<_>>().join(" ");
    Some(Answer::Failed(Failure { code, call }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_read_with_either_line_end() {
        assert_eq!(parse("123456\n"), Ok(Answer::Elapsed(123_456)));
        assert_eq!(parse("123456\r\n"), Ok(Answer::Elapsed(123_456)));
        assert_eq!(parse("42"), Ok(Answer::Elapsed(42)));
        assert_eq!(parse("ready\r\n"), Ok(Answer::Ready));
    }

    #[test]
    fn errors_carry_the_code_and_the_call() {
        let failed = |code, call: &str| {
            Ok(Answer::Failed(Failure {
                code,
                call: call.into(),
            }))
        };
        assert_eq!(parse("error 5\n"), failed(5, ""));
        assert_eq!(parse("error 5\r\n"), failed(5, ""));
        assert_eq!(
            parse("error 183 CreateFileMappingA\r\n"),
            failed(183, "CreateFileMappingA")
        );
        let Ok(Answer::Failed(failure)) = parse("error 8 MapViewOfFile") else {
            panic!("not a failure");
        };
        assert_eq!(failure.to_string(), "MapViewOfFile failed with error 8");
    }

    #[test]
    fn anything_else_is_refused() {
        for bad in [
            "", "\r\n", "error", "error x", "errors 5", "-3", "1.5", "fine",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn requests_are_one_line() {
        assert_eq!(request("open_map_close", 64), "open_map_close 64\n");
    }
}
