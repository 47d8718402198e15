//! Listing a namespace, and removing the names whose holders all died (for tools such as
//! `fmap ls` and `fmap gc`). Stale names are never reported as live.

use super::errors::os_error;
use super::object::{self, Place};
use super::section::{info_from, read_header};
use super::{dir, fd, filename, lock};
use crate::error::{ErrorKind, Result};
use crate::name::Scope;
use crate::types::Entry;
use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::io::{AsRawFd, OwnedFd};
use std::path::Path;
use std::sync::Arc;

/// Every name in the `scope` namespace under `root`, live or stale.
pub(crate) fn list(root: &Path, scope: Scope) -> Result<Vec<Entry>> {
    let places = match places(root, scope)? {
        Some(places) => places,
        None => return Ok(Vec::new()),
    };
    let mut entries = Vec::new();
    for place in places {
        if let Some(entry) = describe(&place, scope)? {
            entries.push(entry);
        }
    }
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(entries)
}

/// Removes the stale names of the `scope` namespace and returns them.
pub(crate) fn remove_stale(root: &Path, scope: Scope) -> Result<Vec<String>> {
    let mut removed = Vec::new();
    for place in places(root, scope)?.unwrap_or_default() {
        let name = display_name(&place, scope);
        let gone = object::remove_if_stale(&place)
            .map_err(|e| os_error(ErrorKind::Other, &format!("cannot remove {name}"), e))?;
        if gone {
            removed.push(name);
        }
    }
    removed.sort();
    Ok(removed)
}

fn places(root: &Path, scope: Scope) -> Result<Option<Vec<Place>>> {
    let dir = match dir::open_existing(root, scope)? {
        Some(dir) => Arc::new(dir),
        None => return Ok(None),
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
    Ok(Some(places))
}

fn describe(place: &Place, scope: Scope) -> Result<Option<Entry>> {
    let flags = libc::O_RDONLY | libc::O_NOFOLLOW;
    let obj: OwnedFd = match fd::open_at(place.dir.as_raw_fd(), &place.file, flags, 0) {
        Ok(obj) => obj,
        Err(libc::ENOENT) => return Ok(None),
        Err(libc::EACCES) => return Ok(Some(unreadable(place, scope))),
        Err(e) => {
            return Err(os_error(
                ErrorKind::Other,
                "cannot open a namespace entry",
                e,
            ))
        }
    };
    let raw = obj.as_raw_fd();
    let live = lock::any_slot_held_elsewhere(raw)
        .map_err(|e| os_error(ErrorKind::Other, "cannot test a namespace entry", e))?;
    let info = read_header(raw).ok().map(|h| info_from(&h));
    let handles = if live {
        lock::count_others(raw).ok()
    } else {
        Some(0)
    };
    let name = info.as_ref().and_then(|i| i.name().map(str::to_owned));
    Ok(Some(Entry {
        name: name.unwrap_or_else(|| display_name(place, scope)),
        live,
        info,
        handle_count: handles,
    }))
}

/// An entry whose file we may not open (another user's `Global\` object): live or not, we
/// cannot tell, so it is reported live with nothing else known.
fn unreadable(place: &Place, scope: Scope) -> Entry {
    Entry {
        name: display_name(place, scope),
        live: true,
        info: None,
        handle_count: None,
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
