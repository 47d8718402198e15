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
    /// Print JSON: one object per report line, and a failure as {"error": {...}} on stderr.
    #[arg(long, global = true)]
    pub(crate) json: bool,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The exit codes, shown by `--help`.
pub(crate) const EXIT_CODES: &str = "Exit codes:
  0  success
  1  the operation failed (the message names the Win32 error)
  2  bad command line
  3  timed out: no receiver took a message

A closed stdout (`fmap ls | head -1`) ends a command quietly with 0. SIGINT, SIGTERM and SIGHUP
end create, send, recv and watch normally: they release their handles and exit 0.";

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Create a 2048-byte mapping and send each line of stdin to a receiver through it.
    Send(SendArgs),
    /// Open a mapping and print the messages a sender puts in it, until the sender is gone.
    Recv(RecvArgs),
    /// Run a receiver and a sender as two processes and drive a short conversation.
    Demo,
    /// Create a mapping and hold it open until a signal, --for DURATION, or EOF on stdin.
    Create(CreateArgs),
    /// List the live named mappings of a namespace.
    Ls(LsArgs),
    /// Show everything about one mapping.
    Info(InfoArgs),
    /// Print bytes of a mapping.
    Read(ReadArgs),
    /// Write bytes into a mapping.
    Write(WriteArgs),
    /// Show the live bytes of a range, refreshing, with what changed highlighted.
    Watch(WatchArgs),
    /// Remove the names whose holders all died.
    Gc(GcArgs),
    /// Print a shell completion script (e.g. `fmap completions bash > /etc/bash_completion.d/fmap`).
    Completions(CompletionsArgs),
    /// Print the manual page (roff), e.g. `fmap man | man -l -`.
    Man,
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
    /// Poll the slot every INTERVAL (e.g. 200ms; at least 1ms) instead of sleeping on the
    /// sender's event: the classic example's way, for senders without events.
    #[arg(long, alias = "interval", value_name = "INTERVAL", value_parser = parse_interval)]
    pub(crate) poll: Option<Duration>,
}

#[derive(Debug, Args)]
pub(crate) struct CreateArgs {
    /// The mapping's name (`Local\` or `Global\` prefix optional).
    pub(crate) name: String,
    /// The size in bytes (suffixes k, m, g, as KiB/kb too; 0 with --file: the file's size).
    #[arg(long, value_parser = parse_size, required_unless_present = "image")]
    pub(crate) size: Option<u64>,
    /// Back the mapping with this file instead of the system's memory.
    #[arg(long, value_name = "PATH", conflicts_with = "image")]
    pub(crate) file: Option<PathBuf>,
    /// Map this PE image as Windows' loader lays it out (SEC_IMAGE; read-only by default).
    #[arg(long, value_name = "PATH", conflicts_with = "reserve")]
    pub(crate) image: Option<PathBuf>,
    /// The page protection.
    #[arg(long, value_enum, default_value = "rw")]
    pub(crate) protect: Protect,
    /// Reserve the memory instead of committing it (SEC_RESERVE).
    #[arg(long)]
    pub(crate) reserve: bool,
    /// Back it with large pages (SEC_COMMIT|SEC_LARGE_PAGES; Linux: the vm.nr_hugepages pool).
    #[arg(long, conflicts_with_all = ["reserve", "file", "image"])]
    pub(crate) large_pages: bool,
    /// Hold for this long, then exit (e.g. 30s, 5m, 1m30s, 1d).
    #[arg(long = "for", value_name = "DURATION", value_parser = parse_duration)]
    pub(crate) hold_for: Option<Duration>,
    /// Hold until a signal (SIGINT, SIGTERM, SIGHUP), whatever stdin is: for `fmap create X &`.
    #[arg(long, conflicts_with = "hold_for")]
    pub(crate) hold: bool,
    /// Who else may open a new Global\ object, in octal: 600 (owner only), 640 (group reads),
    /// 660 (group too), 644 (everyone reads), 666 (everyone), or any read and write bits that
    /// keep the owner's.
    #[arg(long, value_name = "MODE", value_parser = parse_mode)]
    pub(crate) mode: Option<filemapping::Permissions>,
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
    /// Also say, on stderr, which entries were skipped because they are not mappings.
    #[arg(long, short)]
    pub(crate) verbose: bool,
}

#[derive(Debug, Args)]
pub(crate) struct InfoArgs {
    /// The mapping's name.
    pub(crate) name: String,
}

/// Output formats of `read`.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum Format {
    /// A hex dump as `hexdump -C` prints it (repeated lines squeezed to `*`).
    Hex,
    /// A hex dump as `xxd` prints it.
    Xxd,
    /// A C array initialiser, as `xxd -i` prints it.
    C,
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
    /// Bytes per line of a dump.
    #[arg(long, default_value = "16", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub(crate) width: u16,
    /// Show every line, also the repeats that a dump squeezes to `*`.
    #[arg(long, short = 'v')]
    pub(crate) all_lines: bool,
    /// Colour a dump: auto (on a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, value_enum, default_value = "auto")]
    pub(crate) color: Color,
}

/// When to colour output.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub(crate) enum Color {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

#[derive(Debug, Args)]
pub(crate) struct WatchArgs {
    /// The mapping's name.
    pub(crate) name: String,
    /// Where to start, in bytes.
    #[arg(long, default_value = "0", value_parser = parse_size)]
    pub(crate) offset: u64,
    /// How many bytes (default: 256, or to the end if less).
    #[arg(long, value_parser = parse_size)]
    pub(crate) len: Option<u64>,
    /// Bytes per line.
    #[arg(long, default_value = "16", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub(crate) width: u16,
    /// How often to refresh (at least 1ms).
    #[arg(long, default_value = "500ms", value_parser = parse_interval)]
    pub(crate) interval: Duration,
    /// Stop after this many refreshes (default: until a signal or the mapping's end of life).
    #[arg(long)]
    pub(crate) count: Option<u64>,
    /// Highlight changed bytes: auto (on a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, value_enum, default_value = "auto")]
    pub(crate) color: Color,
}

#[derive(Debug, Args)]
pub(crate) struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub(crate) shell: clap_complete::Shell,
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
    /// Say what would be removed, and remove nothing.
    #[arg(long, short = 'n')]
    pub(crate) dry_run: bool,
}

/// Parses `250ms`, `2s`, `5m`, `1h`, `1d`, sums of them (`1m30s`), or plain seconds.
pub(crate) fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let mut rest = text;
    let mut seconds = 0.0;
    if rest.is_empty() {
        return Err("an empty duration".to_owned());
    }
    while !rest.is_empty() {
        let (number, after) = split_number(rest);
        let (unit, after) = split_unit(after);
        let value: f64 = number
            .parse()
            .map_err(|_| format!("{text:?} is not a duration (e.g. 500ms, 2s, 1m30s, 1d)"))?;
        let scale = match unit {
            "ms" => 0.001,
            "" if after.is_empty() && seconds == 0.0 => 1.0,
            "s" => 1.0,
            "m" | "min" => 60.0,
            "h" => 3600.0,
            "d" => 86400.0,
            _ => return Err(format!("{text:?}: use ms, s, m, h or d (e.g. 1m30s)")),
        };
        seconds += value * scale;
        rest = after;
    }
    if !(0.0..=1e9).contains(&seconds) {
        return Err(format!("{text:?} is out of range"));
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// A polling interval: a duration of at least 1 ms (0 would spin a CPU).
pub(crate) fn parse_interval(text: &str) -> Result<Duration, String> {
    let interval = parse_duration(text)?;
    if interval < Duration::from_millis(1) {
        return Err(format!(
            "{text:?} is too short: an interval is at least 1ms"
        ));
    }
    Ok(interval)
}

/// A duration as people write it: `0s`, `250ms`, `1m30s`, `1d2h`.
pub(crate) fn show_duration(duration: Duration) -> String {
    let total = duration.as_millis();
    if total == 0 {
        return "0s".to_owned();
    }
    let parts = [
        (total / 86_400_000, "d"),
        (total / 3_600_000 % 24, "h"),
        (total / 60_000 % 60, "m"),
        (total / 1000 % 60, "s"),
        (total % 1000, "ms"),
    ];
    parts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| format!("{n}{unit}"))
        .collect()
}

/// Parses `4096`, `64k`, `64kb`, `64KiB`, `1m`, `2g` (powers of 1024).
pub(crate) fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let (number, unit) = split_number(text);
    let value: u64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a size (e.g. 4096, 64k, 1m)"))?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        _ => return Err(format!("{text:?}: use k, m or g (powers of 1024)")),
    };
    value
        .checked_mul(1 << shift)
        .ok_or_else(|| format!("{text:?} is too big"))
}

/// Parses an octal mode of read and write bits that keeps the owner's (600, 640, 660, 644, ...).
pub(crate) fn parse_mode(text: &str) -> Result<filemapping::Permissions, String> {
    let mode = u32::from_str_radix(text.trim().trim_start_matches("0o"), 8)
        .map_err(|_| format!("{text:?} is not an octal mode"))?;
    filemapping::Permissions::from_mode(mode).ok_or_else(|| {
        format!("{text:?}: a mode has read and write bits only, and the owner's both (600 .. 666)")
    })
}

fn split_number(text: &str) -> (&str, &str) {
    let at = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    text.split_at(at)
}

fn split_unit(text: &str) -> (&str, &str) {
    let at = text
        .find(|c: char| c.is_ascii_digit() || c == '.')
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
        assert_eq!(parse_duration("1m30s").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("1d").unwrap(), Duration::from_secs(86400));
        assert_eq!(
            parse_duration("1h2m3s4ms").unwrap(),
            Duration::from_millis(3_723_004)
        );
        assert!(parse_duration("1s2").is_err());
        assert!(parse_duration("").is_err());
        assert!(parse_interval("0s").is_err());
    }

    #[test]
    fn durations_are_shown_as_written() {
        for text in ["0s", "250ms", "1m30s", "1d2h", "15s"] {
            assert_eq!(show_duration(parse_duration(text).unwrap()), text);
        }
    }

    #[test]
    fn modes() {
        assert_eq!(parse_mode("0660").unwrap().mode(), 0o660);
        assert_eq!(parse_mode("644").unwrap().mode(), 0o644);
        assert_eq!(parse_mode("0640").unwrap().mode(), 0o640);
        assert!(parse_mode("0755").is_err(), "no execute bits");
        assert!(parse_mode("0440").is_err(), "the owner writes");
        assert!(parse_mode("9").is_err());
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("4096").unwrap(), 4096);
        assert_eq!(parse_size("64k").unwrap(), 65536);
        assert_eq!(parse_size("2M").unwrap(), 2 << 20);
        assert!(parse_size("1x").is_err());
        assert_eq!(parse_size("4kb").unwrap(), 4096);
        assert_eq!(parse_size("4KiB").unwrap(), 4096);
        assert!(parse_size("99999999999999g").is_err());
    }

    #[test]
    fn the_command_line_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
