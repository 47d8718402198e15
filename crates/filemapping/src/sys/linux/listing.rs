//! Listing a namespace, and removing the names whose holders all died (for tools such as
//! `fmap ls` and `fmap gc`). Stale names are never reported as live. The namespace is hostile
//! input (DESIGN invariant 8): an entry that is not an object of ours is reported as foreign,
//! never followed, never waited for, never removed, and never fails the walk.

use super::errors::os_error;
use super::object::{self, Cleaned, Opened, Place};
use super::section::{info_from, read_header};
use super::{dir, filename, lock, objfile};
use crate::error::{ErrorKind, Result};
use crate::name::Scope;
use crate::types::{Cleanup, Entry, Foreign, NotRemoved};
use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::io::{AsRawFd, OwnedFd};
use std::path::Path;
use std::sync::Arc;

/// Every name in the `scope` namespace under `root`, live, stale or foreign.
pub(crate) fn list(root: &Path, scope: Scope) -> Result<Vec<Entry>> {
    let mut entries: Vec<Entry> = places(root, scope)?
        .iter()
        .filter_map(|place| describe(place, scope))
        .collect();
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(entries)
}

/// Removes the stale objects of the `scope` namespace that this user may remove, and reports
/// the rest ([`Cleanup`]).
pub(crate) fn clean(root: &Path, scope: Scope) -> Result<Cleanup> {
    let mut cleanup = Cleanup::default();
    for place in places(root, scope)? {
        let name = display_name(&place, scope);
        match object::clean(&place, objfile::is_object) {
            Ok(Cleaned::Removed) => cleanup.removed.push(name),
            Ok(Cleaned::Kept(errno)) => cleanup.not_removed.push(NotRemoved {
                name,
                error: os_error(
                    ErrorKind::AccessDenied,
                    "stale, but this user may not remove it",
                    errno,
                ),
            }),
            Ok(Cleaned::Foreign(what)) => cleanup.skipped.push(foreign(name, what)),
            Ok(Cleaned::Absent) | Ok(Cleaned::Live) => {}
            // Not even readable by this user: it may be live, and is not ours to judge.
            Err(libc::EACCES) => {}
            Err(errno) => cleanup.not_removed.push(NotRemoved {
                name,
                error: os_error(ErrorKind::Other, "cannot examine it", errno),
            }),
        }
    }
    cleanup.removed.sort();
    cleanup.not_removed.sort_by(|a, b| a.name.cmp(&b.name));
    cleanup.skipped.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(cleanup)
}

/// The entries of the namespace directory (none if it does not exist).
fn places(root: &Path, scope: Scope) -> Result<Vec<Place>> {
    let dir = match dir::open_existing(root, scope)? {
        Some(dir) => Arc::new(dir),
        None => return Ok(Vec::new()),
    };
    let path = format!("/proc/self/fd/{}", dir.as_raw_fd());
    let entries = std::fs::read_dir(&path).map_err(|e| {
        os_error(
            ErrorKind::Other,
            "cannot list the namespace",
            e.raw_os_error().unwrap_or(libc::EIO),
        )
    })?;
    let mut places = Vec::new();
    for entry in entries.flatten() {
        if let Ok(file) = CString::new(entry.file_name().as_bytes()) {
            places.push(Place {
                dir: Arc::clone(&dir),
                file,
            });
        }
    }
    Ok(places)
}

/// The entry at `place`; `None` if it vanished meanwhile.
fn describe(place: &Place, scope: Scope) -> Option<Entry> {
    let obj: OwnedFd = match object::open_entry(place, libc::O_RDONLY) {
        Ok(Opened::File(obj)) => obj,
        Ok(Opened::Absent) => return None,
        Ok(Opened::Foreign(what)) => return Some(foreign(display_name(place, scope), what)),
        // A file we may not open (another user's private `Global\` object), or that failed to
        // open: live or not, we cannot tell, so it is reported live with nothing else known.
        Err(_) => return Some(unknown(place, scope)),
    };
    let raw = obj.as_raw_fd();
    let info = read_header(raw).ok().map(|h| info_from(&h));
    if info.is_none() && !objfile::is_object(raw) {
        return Some(foreign(display_name(place, scope), Foreign::NotAnObject));
    }
    let live = match lock::any_slot_held_elsewhere(raw) {
        Ok(live) => live,
        Err(_) => return Some(unknown(place, scope)),
    };
    let handles = if live {
        lock::count_others(raw).ok()
    } else {
        Some(0)
    };
    let name = info.as_ref().and_then(|i| i.name().map(str::to_owned));
    Some(Entry {
        name: name.unwrap_or_else(|| display_name(place, scope)),
        live,
        info,
        handle_count: handles,
        foreign: None,
    })
}

/// An entry that is not an object of ours.
fn foreign(name: String, what: Foreign) -> Entry {
    Entry {
        name,
        live: false,
        info: None,
        handle_count: None,
        foreign: Some(what),
    }
}

/// An entry we cannot look into.
fn unknown(place: &Place, scope: Scope) -> Entry {
    Entry {
        name: display_name(place, scope),
        live: true,
        info: None,
        handle_count: None,
        foreign: None,
    }
}

fn display_name(place: &Place, scope: Scope) -> String {
    let file = place.file.to_string_lossy();
    let leaf = filename::decode(&file).unwrap_or_else(|| file.into_owned());
    match scope {
        Scope::Local => format!("Local\\{leaf}"),
        Scope::Global => format!("Global\\{leaf}"),
    }
}
