//! `fmap ls`: the live named mappings of a namespace.

use super::Ctx;
use crate::cli::LsArgs;
use crate::failure::{Context, Failure};
use crate::out::outln;
use crate::output;
use crate::shown::shown;
use filemapping::{Entry, Scope};

pub(crate) fn run(ctx: &Ctx, args: &LsArgs) -> Result<(), Failure> {
    let ns = &ctx.ns;
    let scope = if args.global {
        Scope::Global
    } else {
        Scope::Local
    };
    let entries = ns.list(scope).doing("cannot list the namespace")?;
    if args.verbose {
        super::report_skipped(&entries);
    }
    // Stale names (every holder died) behave as if they did not exist; foreign entries (not
    // mappings at all) are never live. Events, mutexes and semaphores (such as those of `fmap
    // send`) are objects whose handles are counted but that have no section information: not
    // mappings either. (An entry this user cannot look into has neither, and is listed.)
    let live: Vec<&Entry> = entries
        .iter()
        .filter(|e| e.is_live() && !(e.info().is_none() && e.handle_count().is_some()))
        .collect();
    if ctx.json {
        let rows: Vec<_> = live.iter().map(|e| output::entry_json(e)).collect();
        return outln!("{}", serde_json::json!({ "mappings": rows }));
    }
    let rows: Vec<Vec<String>> = live.iter().map(|e| row(e)).collect();
    let header = [
        "NAME",
        "SIZE",
        "PROTECTION",
        "ATTRIBUTES",
        "BACKING",
        "HANDLES",
    ];
    outln!("{}", output::table(&header, &rows).trim_end_matches('\n'))
}

fn row(entry: &Entry) -> Vec<String> {
    let unknown = || "?".to_owned();
    let info = entry.info();
    vec![
        shown(entry.name()),
        info.map_or_else(unknown, |i| i.size().to_string()),
        info.map_or_else(unknown, |i| i.protection().to_string()),
        info.map_or_else(unknown, |i| output::attributes(i.attributes())),
        info.map_or_else(unknown, |i| output::backing(i.backing())),
        entry.handle_count().map_or_else(unknown, |n| n.to_string()),
    ]
}
