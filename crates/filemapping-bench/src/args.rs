//! The hidden command lines that make this binary a helper process (see [`crate::workers`]):
//! [`WORKER`] and its [`WorkerArgs`] for `race_create`, [`HOLDER`] and its [`HoldArgs`] for
//! `scale_open`.

use crate::peers::id::PeerId;
use std::ffi::OsString;
use std::path::PathBuf;

/// The hidden first argument that makes the binary a worker.
pub const WORKER: &str = "--race-worker";

/// What a worker does: which implementation, which name, where, for how long.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkerArgs {
    /// The implementation.
    pub peer: PeerId,
    /// The name all workers race on.
    pub name: String,
    /// Our library's namespace root.
    pub root: PathBuf,
    /// How long to run, in milliseconds.
    pub millis: u64,
}

impl WorkerArgs {
    /// The command-line arguments after [`WORKER`].
    pub fn to_args(&self) -> Vec<OsString> {
        vec![
            self.peer.label().into(),
            self.name.clone().into(),
            self.root.clone().into(),
            self.millis.to_string().into(),
        ]
    }

    /// Reads what [`to_args`](Self::to_args) wrote.
    ///
    /// # Errors
    ///
    /// A message for a malformed command line.
    pub fn parse(args: &[String]) -> std::result::Result<WorkerArgs, String> {
        let [peer, name, root, millis] = args else {
            return Err(format!("{WORKER} takes PEER NAME ROOT MILLIS"));
        };
        Ok(WorkerArgs {
            peer: PeerId::from_label(peer).ok_or_else(|| format!("unknown peer {peer}"))?,
            name: name.clone(),
            root: PathBuf::from(root),
            millis: millis
                .parse()
                .map_err(|_| format!("bad duration {millis}"))?,
        })
    }
}

/// The hidden first argument that makes the binary a holder.
pub const HOLDER: &str = "--hold-worker";

/// What a holder holds: names `<prefix><start>` to `<prefix><end - 1>`, of `size` bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoldArgs {
    /// Our library's namespace root.
    pub root: PathBuf,
    /// The names' common start.
    pub prefix: String,
    /// The first index.
    pub start: usize,
    /// One past the last index.
    pub end: usize,
    /// Each section's size.
    pub size: usize,
}

impl HoldArgs {
    /// The command-line arguments, [`HOLDER`] first.
    pub fn to_args(&self) -> Vec<OsString> {
        let mut args: Vec<OsString> = vec![HOLDER.into(), self.root.clone().into()];
        args.push(self.prefix.clone().into());
        for n in [self.start, self.end, self.size] {
            args.push(n.to_string().into());
        }
        args
    }

    /// Reads the arguments after [`HOLDER`].
    ///
    /// # Errors
    ///
    /// A message for a malformed command line.
    pub fn parse(args: &[String]) -> std::result::Result<HoldArgs, String> {
        let [root, prefix, start, end, size] = args else {
            return Err(format!("{HOLDER} takes ROOT PREFIX START END SIZE"));
        };
        let number = |s: &String| s.parse().map_err(|_| format!("not a number: {s}"));
        Ok(HoldArgs {
            root: PathBuf::from(root),
            prefix: prefix.clone(),
            start: number(start)?,
            end: number(end)?,
            size: number(size)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worker_arguments_round_trip() {
        let args = WorkerArgs {
            peer: PeerId::Ffi,
            name: "fmbench-1-x".into(),
            root: "/dev/shm/fmbench-1-root".into(),
            millis: 250,
        };
        let text: Vec<String> = args
            .to_args()
            .into_iter()
            .map(|a| a.into_string().unwrap())
            .collect();
        assert_eq!(WorkerArgs::parse(&text), Ok(args));
        assert!(WorkerArgs::parse(&text[..3]).is_err());
    }

    #[test]
    fn holder_arguments_round_trip() {
        let args = HoldArgs {
            root: "/dev/shm/fmbench-1-root".into(),
            prefix: "fmbench-1-filemapping-scale10-".into(),
            start: 0,
            end: 10,
            size: 4096,
        };
        let text: Vec<String> = args.to_args()[1..]
            .iter()
            .map(|a| a.clone().into_string().unwrap())
            .collect();
        assert_eq!(HoldArgs::parse(&text), Ok(args));
        assert!(HoldArgs::parse(&text[..2]).is_err());
    }
}
