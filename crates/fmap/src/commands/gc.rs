//! `fmap gc`: remove the names whose holders all died, and say which stale names this user may
//! not remove. `--dry-run` only says which names are stale.

use super::Ctx;
use crate::cli::GcArgs;
use crate::failure::{Context, Failure};
use crate::out::outln;
use crate::shown::{cut, shown};
use filemapping::Scope;
use serde_json::json;

pub(crate) fn run(ctx: &Ctx, args: &GcArgs) -> Result<(), Failure> {
    let scope = if args.global {
        Scope::Global
    } else {
        Scope::Local
    };
    if args.dry_run {
        return dry_run(ctx, args, scope);
    }
    let cleanup = ctx.ns.clean(scope).doing("cannot clean the namespace")?;
    if args.verbose {
        super::report_skipped(cleanup.skipped());
    }
    if ctx.json {
        let not_removed: Vec<_> = cleanup
            .not_removed()
            .iter()
            .map(|kept| {
                json!({
                    "name": kept.name(),
                    "message": kept.error().to_string(),
                    "win32_code": kept.error().win32_code(),
                    "win32_name": kept.error().kind().win32_name(),
                })
            })
            .collect();
        return outln!(
            "{}",
            json!({ "removed": cleanup.removed(), "not_removed": not_removed })
        );
    }
    if cleanup.removed().is_empty() && cleanup.not_removed().is_empty() {
        outln!("nothing to remove")?;
    }
    for name in cleanup.removed() {
        outln!("removed {}", shown(name))?;
    }
    // Reported, not failed: another user's stale name is theirs (or root's) to remove.
    for kept in cleanup.not_removed() {
        outln!(
            "not removed {}: {}",
            shown(kept.name()),
            cut(&kept.error().to_string())
        )?;
    }
    Ok(())
}

/// The stale names, listed and left alone.
fn dry_run(ctx: &Ctx, args: &GcArgs, scope: Scope) -> Result<(), Failure> {
    let entries = ctx.ns.list(scope).doing("cannot list the namespace")?;
    if args.verbose {
        super::report_skipped(&entries);
    }
    let stale: Vec<&str> = entries
        .iter()
        .filter(|e| !e.is_live() && !e.is_foreign())
        .map(|e| e.name())
        .collect();
    if ctx.json {
        return outln!("{}", json!({ "would_remove": stale, "dry_run": true }));
    }
    if stale.is_empty() {
        outln!("nothing to remove")?;
    }
    for name in stale {
        outln!("would remove {}", shown(name))?;
    }
    Ok(())
}
