//! `fmap gc`: remove the names whose holders all died.

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
    let removed = ns.remove_stale(scope).doing("cannot clean the namespace")?;
    if removed.is_empty() {
        println!("nothing to remove");
    }
    for name in removed {
        println!("removed {}", shown(&name));
    }
    Ok(())
}
