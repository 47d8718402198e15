//! What a run is asked to do: how much ([`Mode`]) and which parts ([`Options`]).

use std::path::PathBuf;

/// How much a run does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The full run, for the README.
    Full,
    /// Under a minute.
    Quick,
    /// A handful of iterations of each case, to check the output's shape (tests).
    Smoke,
}

impl Mode {
    /// What the reader of a run in this mode should know, if anything.
    pub fn note(self) -> Option<&'static str> {
        match self {
            Mode::Full => None,
            Mode::Quick => {
                Some("quick run: fewer rounds, and scale_open among 10,000 names, not 100,000")
            }
            Mode::Smoke => {
                Some("smoke run: a handful of iterations, to check the output; no numbers to keep")
            }
        }
    }

    /// The mode's name.
    pub fn label(self) -> &'static str {
        match self {
            Mode::Full => "full",
            Mode::Quick => "quick",
            Mode::Smoke => "smoke",
        }
    }
}

/// The options of a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// How much to do.
    pub mode: Mode,
    /// JSON instead of the table.
    pub json: bool,
    /// Where to write the SVG chart, if anywhere.
    pub plot: Option<PathBuf>,
    /// Case-name prefixes to run (empty: all).
    pub only: Vec<String>,
    /// The C API against Wine ([`crate::wine`]) instead of the main run.
    pub wine: bool,
}
