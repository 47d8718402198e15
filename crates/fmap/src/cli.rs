//! The command line, as clap derives it.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::time::Duration;

/// See, create, inspect and talk through named file mappings.
#[derive(Debug, Parser)]
#[command(name = "fmap", version, about, after_help = EXIT_CODES)]
pub(crate) struct Cli {
    /// The namespace root (default: $FILEMAPPING_DIR, else /dev/shm).
    #[arg(long, global = true, value_name = "DIR")]
    pub(crate) dir: Option<PathBuf>,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The exit codes, shown by `--help`.
pub(crate) const EXIT_CODES: &str = "Exit codes:
  0  success
  1  the operation failed (the message names the Win32 error)
  2  bad command line
  3  timed out: no receiver took a message";

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Create a 2048-byte mapping and send each line of stdin to a receiver through it.
    Send(SendArgs),
    /// Open a mapping and print the messages a sender puts in it, until the sender is gone.
    Recv(RecvArgs),
    /// Run a receiver and a sender as two processes and drive a short conversation.
    Demo,
    /// Create a mapping and hold it open until Ctrl-C, --for DURATION, or EOF on stdin.
    Create(CreateArgs),
    /// List the live named mappings of a namespace.
    Ls(LsArgs),
    /// Show everything about one mapping.
    Info(InfoArgs),
    /// Print bytes of a mapping.
    Read(ReadArgs),
    /// Write bytes into a mapping.
    Write(WriteArgs),
    /// Remove the names whose holders all died.
    Gc(GcArgs),
}

#[derive(Debug, Args)]
pub(crate) struct SendArgs {
    /// The mapping's name.
    #[arg(default_value = crate::slot::DEFAULT_NAME)]
    pub(crate) name: String,
    /// How long to wait for a receiver to take each message (e.g. 500ms, 2s).
    #[arg(long, default_value = "1s", value_parser = parse_duration)]
    pub(crate) timeout: Duration,
}

#[derive(Debug, Args)]
pub(crate) struct RecvArgs {
    /// The mapping's name.
    #[arg(default_value = crate::slot::DEFAULT_NAME)]
    pub(crate) name: String,
    /// How often to look at the slot (e.g. 200ms).
    #[arg(long, default_value = "200ms", value_parser = parse_duration)]
    pub(crate) interval: Duration,
}

#[derive(Debug, Args)]
pub(crate) struct CreateArgs {
    /// The mapping's name (`Local\` or `Global\` prefix optional).
    pub(crate) name: String,
    /// The size in bytes (suffixes k, m, g allowed; 0 with --file: the file's size).
    #[arg(long, value_parser = parse_size)]
    pub(crate) size: u64,
    /// Back the mapping with this file instead of the system's memory.
    #[arg(long, value_name = "PATH")]
    pub(crate) file: Option<PathBuf>,
    /// The page protection.
    #[arg(long, value_enum, default_value = "rw")]
    pub(crate) protect: Protect,
    /// Reserve the memory instead of committing it (SEC_RESERVE).
    #[arg(long)]
    pub(crate) reserve: bool,
    /// Back it with large pages (SEC_COMMIT|SEC_LARGE_PAGES; Linux: the vm.nr_hugepages pool).
    #[arg(long, conflicts_with_all = ["reserve", "file"])]
    pub(crate) large_pages: bool,
    /// Hold for this long, then exit (e.g. 30s, 5m).
    #[arg(long = "for", value_name = "DURATION", value_parser = parse_duration)]
    pub(crate) hold_for: Option<Duration>,
}

/// Page protections by short name.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum Protect {
    /// PAGE_READONLY
    Ro,
    /// PAGE_READWRITE
    Rw,
    /// PAGE_WRITECOPY
    Wc,
    /// PAGE_EXECUTE_READ
    Rx,
    /// PAGE_EXECUTE_READWRITE
    Rwx,
    /// PAGE_EXECUTE_WRITECOPY
    Wcx,
}

#[derive(Debug, Args)]
pub(crate) struct LsArgs {
    /// List the machine-wide Global\ namespace instead of your Local\ one.
    #[arg(long)]
    pub(crate) global: bool,
    /// Print JSON.
    #[arg(long)]
    pub(crate) json: bool,
    /// Also say, on stderr, which entries were skipped because they are not mappings.
    #[arg(long, short)]
    pub(crate) verbose: bool,
}

#[derive(Debug, Args)]
pub(crate) struct InfoArgs {
    /// The mapping's name.
    pub(crate) name: String,
    /// Print JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

/// Output formats of `read`.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum Format {
    /// A hex dump.
    Hex,
    /// The bytes as they are.
    Raw,
    /// UTF-8 text, up to the first NUL.
    Utf8,
    /// UTF-16LE text, up to the first NUL.
    Utf16,
}

#[derive(Debug, Args)]
pub(crate) struct ReadArgs {
    /// The mapping's name.
    pub(crate) name: String,
    /// Where to start, in bytes.
    #[arg(long, default_value = "0", value_parser = parse_size)]
    pub(crate) offset: u64,
    /// How many bytes (default: to the end).
    #[arg(long, value_parser = parse_size)]
    pub(crate) len: Option<u64>,
    /// How to print the bytes.
    #[arg(long, value_enum, default_value = "hex")]
    pub(crate) format: Format,
}

#[derive(Debug, Args)]
pub(crate) struct WriteArgs {
    /// The mapping's name.
    pub(crate) name: String,
    /// The text to write.
    #[arg(required_unless_present_any = ["stdin", "from"], conflicts_with_all = ["stdin", "from"])]
    pub(crate) data: Option<String>,
    /// Where to start, in bytes.
    #[arg(long, default_value = "0", value_parser = parse_size)]
    pub(crate) offset: u64,
    /// Write what stdin gives.
    #[arg(long, conflicts_with = "from")]
    pub(crate) stdin: bool,
    /// Write the contents of this file.
    #[arg(long, value_name = "FILE")]
    pub(crate) from: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct GcArgs {
    /// Clean the machine-wide Global\ namespace instead of your Local\ one.
    #[arg(long)]
    pub(crate) global: bool,
    /// Also say, on stderr, which entries were skipped because they are not mappings.
    #[arg(long, short)]
    pub(crate) verbose: bool,
}

/// Parses `250ms`, `2s`, `5m`, `1h`, or plain seconds.
pub(crate) fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = split_unit(text);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a duration"))?;
    let seconds = match unit {
        "ms" => value / 1000.0,
        "" | "s" => value,
        "m" => value * 60.0,
        "h" => value * 3600.0,
        _ => return Err(format!("{text:?}: use ms, s, m or h")),
    };
    if !(0.0..=1e9).contains(&seconds) {
        return Err(format!("{text:?} is out of range"));
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// Parses `4096`, `64k`, `1m`, `2g` (powers of 1024).
pub(crate) fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let (number, unit) = split_unit(text);
    let value: u64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a size"))?;
    let shift = match unit.to_ascii_lowercase().as_str() {
        "" => 0,
        "k" | "kib" => 10,
        "m" | "mib" => 20,
        "g" | "gib" => 30,
        _ => return Err(format!("{text:?}: use k, m or g")),
    };
    value
        .checked_mul(1 << shift)
        .ok_or_else(|| format!("{text:?} is too big"))
}

fn split_unit(text: &str) -> (&str, &str) {
    let at = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    text.split_at(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("200ms").unwrap(), Duration::from_millis(200));
        assert_eq!(parse_duration("1s").unwrap(), Duration::from_secs(1));
        assert_eq!(parse_duration("2").unwrap(), Duration::from_secs(2));
        assert_eq!(parse_duration("1.5m").unwrap(), Duration::from_secs(90));
        assert!(parse_duration("1 fortnight").is_err());
        assert!(parse_duration("-1s").is_err());
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("4096").unwrap(), 4096);
        assert_eq!(parse_size("64k").unwrap(), 65536);
        assert_eq!(parse_size("2M").unwrap(), 2 << 20);
        assert!(parse_size("1x").is_err());
        assert!(parse_size("99999999999999g").is_err());
    }

    #[test]
    fn the_command_line_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
