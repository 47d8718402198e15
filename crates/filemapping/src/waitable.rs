//! What the handles of events, mutexes and semaphores share in the API layer: their names, their
//! open requests and their rights checks.

use crate::error::{Error, ErrorKind, Result};
use crate::name::{self, ObjectName, Parsed};
use crate::namespace::Namespace;
use crate::protection::FileMapAccess;
use crate::sys::OpenRequest;

/// The object name of a create call: `None` for an unnamed object; a namespace directory is
/// no object of type `what` (`ERROR_INVALID_HANDLE`).
pub(crate) fn create_name(name: &str, what: &str) -> Result<Option<ObjectName>> {
    match name::parse(name)? {
        Parsed::Unnamed => Ok(None),
        Parsed::Directory => Err(not_a(what)),
        Parsed::Object(name) => Ok(Some(name)),
    }
}

/// Runs `open` with the request to open `name` in `namespace` (a name is required).
pub(crate) fn open_by_name<T>(
    name: &str,
    namespace: &Namespace,
    inheritable: bool,
    what: &str,
    open: impl FnOnce(&OpenRequest<'_>) -> Result<T>,
) -> Result<T> {
    let parsed = match name::parse(name)? {
        Parsed::Object(parsed) => parsed,
        Parsed::Unnamed | Parsed::Directory => return Err(not_a(what)),
    };
    // The request's access is a section's: these types carry their rights beside it.
    let request = OpenRequest {
        name: &parsed,
        raw_name: name,
        root: namespace.root(),
        access: FileMapAccess::NONE,
        inheritable,
    };
    open(&request)
}

fn not_a(what: &str) -> Error {
    Error::new(
        ErrorKind::InvalidHandle,
        format!("the name is a namespace, not {what}"),
    )
}

/// `ERROR_ACCESS_DENIED` unless `held` (a handle's rights, `bits`) includes what `action`
/// needs.
pub(crate) fn require(held: bool, bits: u32, what: &str, action: &str) -> Result<()> {
    if held {
        return Ok(());
    }
    Err(Error::new(
        ErrorKind::AccessDenied,
        format!("the {what} handle (access {bits:#x}) lacks the right to {action}"),
    ))
}

/// The inherit token of a handle whose raw value a child inherits is `raw` (if it is
/// inheritable) and whose rights are `access`: `"raw,access"`, the access in hex.
pub(crate) fn inherit_token(raw: Option<u64>, access: u32) -> Option<String> {
    raw.map(|raw| format!("{raw},{access:x}"))
}

/// The raw value and the rights an inherit token names; `ERROR_INVALID_HANDLE` if it is
/// malformed.
pub(crate) fn parse_inherit_token(token: &str, what: &str) -> Result<(u64, u32)> {
    let bad = || {
        Error::new(
            ErrorKind::InvalidHandle,
            format!(
                "{:?} is not the inherit token of {what}",
                name::for_message(token)
            ),
        )
    };
    let (raw, access) = token.split_once(',').ok_or_else(bad)?;
    let raw = raw.parse::<u64>().map_err(|_| bad())?;
    let access = u32::from_str_radix(access, 16).map_err(|_| bad())?;
    Ok((raw, access))
}
