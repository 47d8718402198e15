//! `fmap gc`: remove the names whose holders all died, and say which stale names this user may
//! not remove.

use crate::cli::GcArgs;
use crate::failure::{Context, Failure};
use crate::shown::shown;
use filemapping::{Namespace, Scope};

pub(crate) fn run(ns: &Namespace, args: &GcArgs) -> Result<(), Failure> {
    let scope = if args.global {
        Scope::Global
    } else {
        Scope::Local
    };
    let cleanup = ns.clean(scope).doing("cannot clean the namespace")?;
    if args.verbose {
        super::report_skipped(cleanup.skipped());
    }
    if cleanup.removed().is_empty() && cleanup.not_removed().is_empty() {
        println!("nothing to remove");
    }
    for name in cleanup.removed() {
        println!("removed {}", shown(name));
    }
    // Reported, not failed: another user's stale name is theirs (or root's) to remove.
    for kept in cleanup.not_removed() {
        println!(
            "not removed {}: {}",
            shown(kept.name()),
            crate::shown::cut(&kept.error().to_string())
        );
    }
    Ok(())
}
