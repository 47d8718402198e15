//! Where named objects live: the namespace root.

use crate::error::Result;
use crate::name::Scope;
use crate::types::{Cleanup, Entry};
use std::path::{Path, PathBuf};

/// The environment variable that relocates the namespace root for a process and its children.
pub const FILEMAPPING_DIR: &str = "FILEMAPPING_DIR";

/// A namespace root: the place where the `Local\` and `Global\` namespaces of named objects live.
///
/// Processes see each other's names only if they use the same root. The default is taken from
/// the environment variable [`FILEMAPPING_DIR`] when it is set, else the system's shared-memory
/// directory.
///
/// # Platform notes
///
/// On Linux the default root is `/dev/shm`. Under a root, `filemapping-local-<uid>` (mode 0700,
/// one per user, by effective uid) holds `Local\` and unprefixed names, and `filemapping-global`
/// (mode 1777, sticky) holds `Global\` names. A directory that belongs to another user is
/// refused with [`ErrorKind::AccessDenied`](crate::ErrorKind::AccessDenied) and a message that
/// names its owner; a `Global\` directory is trusted when root owns it (and it is sticky) or
/// the caller does.
///
/// Any user can create `/dev/shm/filemapping-local-<uid>` before its user does (a squat). For
/// the default root only, a user whose directory there belongs to someone else keeps their
/// `Local\` names in `/run/user/<uid>/filemapping-local-<uid>` instead, when `/run/user/<uid>`
/// (the login session's runtime directory, `$XDG_RUNTIME_DIR`) is theirs, private and on a
/// tmpfs; once that directory exists every process of the user uses it, whatever its
/// environment. A root given by [`FILEMAPPING_DIR`] or [`Namespace::at`] holds both
/// namespaces, always (`FILEMAPPING_DIR=/dev/shm` is the default root). On Windows the kernel's
/// object namespace is used and the root is ignored.
///
/// # Examples
///
/// ```
/// use filemapping::{CreateOptions, Namespace};
///
/// let dir = std::env::temp_dir().join(format!("fm-doc-ns-{}", std::process::id()));
/// let ns = Namespace::at(&dir);
/// let (map, _) = CreateOptions::new().name("in-my-root").size(4096).namespace(&ns).create()?;
/// assert_eq!(map.name(), Some("Local\\in-my-root"));
/// # drop(map);
/// # std::fs::remove_dir_all(&dir).ok();
/// # Ok::<(), filemapping::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Namespace {
    root: Option<PathBuf>,
}

impl Namespace {
    /// The namespace selected by the environment: [`FILEMAPPING_DIR`] if set and non-empty, else
    /// the system default. It is read each time an object is created or opened.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::Namespace;
    ///
    /// assert_eq!(Namespace::from_env(), Namespace::default());
    /// ```
    #[must_use]
    pub fn from_env() -> Namespace {
        Namespace { root: None }
    }

    /// A namespace rooted at `root`, which is created if it does not exist.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::Namespace;
    ///
    /// let ns = Namespace::at("/tmp/my-app-objects");
    /// assert_eq!(ns.root(), std::path::Path::new("/tmp/my-app-objects"));
    /// ```
    pub fn at(root: impl AsRef<Path>) -> Namespace {
        Namespace {
            root: Some(root.as_ref().to_path_buf()),
        }
    }

    /// The root directory this namespace resolves to now.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::Namespace;
    ///
    /// let root = Namespace::from_env().root();
    /// assert!(root.is_absolute() || std::env::var_os("FILEMAPPING_DIR").is_some());
    /// ```
    #[must_use]
    pub fn root(&self) -> PathBuf {
        if let Some(root) = &self.root {
            return root.clone();
        }
        match std::env::var_os(FILEMAPPING_DIR) {
            Some(dir) if !dir.is_empty() => PathBuf::from(dir),
            _ => PathBuf::from(crate::sys::DEFAULT_ROOT),
        }
    }

    /// Every name in the `scope` namespace, sorted. Names whose holders all died are listed
    /// with [`Entry::is_live`] false; they behave as if they did not exist. Entries that are not
    /// objects of this library (anyone may plant a FIFO, a symbolic link or a file in
    /// `Global\`) are listed with [`Entry::foreign`] saying what they are; none of them can make
    /// the listing block, follow a link, or fail as a whole.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::AccessDenied`](crate::ErrorKind::AccessDenied) if the namespace directory
    /// is unsafe; [`ErrorKind::Other`](crate::ErrorKind::Other) if it cannot be read.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{CreateOptions, Namespace, Scope};
    ///
    /// let dir = std::env::temp_dir().join(format!("fm-doc-list-{}", std::process::id()));
    /// let ns = Namespace::at(&dir);
    /// let (map, _) = CreateOptions::new().name("listed").size(4096).namespace(&ns).create()?;
    /// let entries = ns.list(Scope::Local)?;
    /// assert_eq!(entries[0].name(), "Local\\listed");
    /// assert!(entries[0].is_live());
    /// assert_eq!(entries[0].handle_count(), Some(1));
    /// # drop(map);
    /// # std::fs::remove_dir_all(&dir).ok();
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    pub fn list(&self, scope: Scope) -> Result<Vec<Entry>> {
        crate::sys::list(&self.root(), scope)
    }

    /// Removes the names of `scope` whose holders all died (after a crash) and returns them.
    /// Live names are never touched. Opening or creating a stale name also removes it, so this
    /// is only housekeeping. [`clean`](Self::clean) says also what it left and why.
    ///
    /// # Errors
    ///
    /// As [`list`](Self::list).
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{Namespace, Scope};
    ///
    /// let ns = Namespace::at(std::env::temp_dir().join(format!("fm-doc-gc-{}", std::process::id())));
    /// assert!(ns.remove_stale(Scope::Local)?.is_empty());
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    pub fn remove_stale(&self, scope: Scope) -> Result<Vec<String>> {
        self.clean(scope).map(|cleanup| cleanup.removed)
    }

    /// Removes the stale names of `scope` that this user may remove, and reports the rest.
    ///
    /// Only objects of this library are removed, and only once every holder is gone. The walk
    /// never stops at an entry: a stale name this user may not remove (another user's object in
    /// the sticky `Global\` directory, or one it can only read) is reported in
    /// [`Cleanup::not_removed`], and an entry that is not an object (a FIFO, a symbolic link, a
    /// directory, a file without a valid header) is left untouched and reported in
    /// [`Cleanup::skipped`]. An entry this user may not even read is left alone silently: it
    /// may be live, and nothing about it is this user's to decide.
    ///
    /// # Errors
    ///
    /// As [`list`](Self::list): only a namespace directory that cannot be opened or read fails
    /// the whole call.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{Namespace, Scope};
    ///
    /// let ns = Namespace::at(std::env::temp_dir().join(format!("fm-doc-clean-{}", std::process::id())));
    /// let cleanup = ns.clean(Scope::Local)?;
    /// for name in cleanup.removed() {
    ///     println!("removed {name}");
    /// }
    /// for kept in cleanup.not_removed() {
    ///     println!("not removed {}: {}", kept.name(), kept.error());
    /// }
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    pub fn clean(&self, scope: Scope) -> Result<Cleanup> {
        crate::sys::clean(&self.root(), scope)
    }
}
