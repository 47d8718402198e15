//! The command line.

use crate::args::{HoldArgs, WorkerArgs, HOLDER, WORKER};
use crate::options::{Mode, Options};
use std::path::PathBuf;

/// What `--help` prints.
pub const USAGE: &str = "\
filemapping-bench: our file mappings (Rust and C API) side by side with the raw-syscall floor,
the shared_memory crate and memmap2, every case interleaved in one run.

usage: filemapping-bench [--quick] [--json] [--plot FILE] [--case NAME]...
       filemapping-bench --wine [--quick] [--json] [--case NAME]...

  --quick      a shorter run (under a minute; scale_open among 10,000 names, not 100,000)
  --json       print {\"cases\": [...]} instead of the table
  --plot FILE  also write the ratios to the floor as an SVG chart
  --case NAME  run only the cases whose names start with NAME (repeatable)
  --wine       instead: the C API (libfilemapping_ffi.so beside this binary) against the same
               Win32 calls under Wine and raw syscalls, each a C program built here with cc
               and x86_64-w64-mingw32-gcc; WINEPREFIX is used as set
  --help       print this
";

/// What the command line asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// A benchmark run.
    Run(Options),
    /// A `race_create` worker (hidden).
    Worker(WorkerArgs),
    /// A `scale_open` holder (hidden).
    Holder(HoldArgs),
    /// The usage text.
    Help,
}

/// Parses the arguments (without the program name).
///
/// # Errors
///
/// A message for an unknown or incomplete argument.
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let args: Vec<String> = args.into_iter().collect();
    match args.first().map(String::as_str) {
        Some(WORKER) => return WorkerArgs::parse(&args[1..]).map(Command::Worker),
        Some(HOLDER) => return HoldArgs::parse(&args[1..]).map(Command::Holder),
        _ => {}
    }
    let mut options = Options {
        mode: Mode::Full,
        json: false,
        plot: None,
        only: Vec::new(),
        wine: false,
    };
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let mut value = |what: &str| args.next().ok_or(format!("{arg} needs {what}"));
        match arg.as_str() {
            "--quick" => options.mode = Mode::Quick,
            "--smoke" => options.mode = Mode::Smoke,
            "--json" => options.json = true,
            "--plot" => options.plot = Some(PathBuf::from(value("a file")?)),
            "--case" => options.only.push(value("a case name")?),
            "--wine" => options.wine = true,
            "--help" | "-h" => return Ok(Command::Help),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if options.wine && options.plot.is_some() {
        return Err("--plot does not go with --wine (the chart is of the main run)".into());
    }
    Ok(Command::Run(options))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(line: &str) -> Result<Command, String> {
        parse(line.split_whitespace().map(String::from))
    }

    #[test]
    fn options_are_read() {
        let Ok(Command::Run(options)) = parse_str("--quick --json --plot x.svg --case scale")
        else {
            panic!("not a run");
        };
        assert_eq!(options.mode, Mode::Quick);
        assert!(options.json);
        assert_eq!(options.plot, Some(PathBuf::from("x.svg")));
        assert_eq!(options.only, vec!["scale".to_owned()]);
        assert!(!options.wine);
        assert_eq!(parse_str("--help"), Ok(Command::Help));
        assert!(parse_str("--plot").is_err());
        assert!(parse_str("--fast").is_err());
    }

    #[test]
    fn wine_runs_take_the_mode_json_and_cases_but_no_plot() {
        let Ok(Command::Run(options)) = parse_str("--wine --smoke --json --case open") else {
            panic!("not a run");
        };
        assert!(options.wine && options.json);
        assert_eq!(options.mode, Mode::Smoke);
        assert_eq!(options.only, vec!["open".to_owned()]);
        let Ok(Command::Run(options)) = parse_str("--quick --wine") else {
            panic!("not a run");
        };
        assert!(options.wine);
        assert_eq!(options.mode, Mode::Quick);
        assert!(parse_str("--wine --plot x.svg").is_err());
        assert!(parse_str("--wine --wat").is_err());
    }

    #[test]
    fn the_hidden_worker_argument_comes_first() {
        let line = format!("{WORKER} floor fmbench-1-x /tmp/r 10");
        assert!(matches!(parse_str(&line), Ok(Command::Worker(_))));
        assert!(parse_str(&format!("{WORKER} floor")).is_err());
        let line = format!("{HOLDER} /tmp/r fmbench-1-x- 0 10 4096");
        assert!(matches!(parse_str(&line), Ok(Command::Holder(_))));
    }
}
