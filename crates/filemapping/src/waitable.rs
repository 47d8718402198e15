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
