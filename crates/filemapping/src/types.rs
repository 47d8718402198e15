//! The plain types that the public API and every backend share: what a create did
//! ([`Disposition`]), what a section is ([`SectionInfo`], [`Backing`]), who may open it
//! ([`Permissions`]) and what a namespace holds ([`Entry`]).
//!
//! This module is at the bottom of the crate with `error`, `name`, `protection` and
//! `granularity`: it imports only `codes`, `error` and `protection`, so that the platform layer (`sys`) can build
//! these values without importing the API above it.

use crate::codes::{ERROR_ALREADY_EXISTS, ERROR_SUCCESS};
use crate::error::Error;
use crate::protection::{Protection, SectionAttributes};
use std::path::PathBuf;

/// Whether [`CreateOptions::create`](crate::CreateOptions::create) made a new object or opened a live one.
///
/// # Examples
///
/// ```
/// use filemapping::Disposition;
///
/// assert_eq!(Disposition::OpenedExisting.win32_last_error(), 183); // ERROR_ALREADY_EXISTS
/// assert!(Disposition::Created.is_created());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Disposition {
    /// A new, zero-filled object was created (`GetLastError() == ERROR_SUCCESS`).
    Created,
    /// A live object of that name was opened (`GetLastError() == ERROR_ALREADY_EXISTS`).
    OpenedExisting,
}

impl Disposition {
    /// Whether a new object was created.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(!filemapping::Disposition::OpenedExisting.is_created());
    /// ```
    #[must_use]
    pub fn is_created(self) -> bool {
        self == Disposition::Created
    }

    /// What Windows' `GetLastError` returns after a successful `CreateFileMapping`: 0 or 183.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(filemapping::Disposition::Created.win32_last_error(), 0);
    /// ```
    #[must_use]
    pub fn win32_last_error(self) -> u32 {
        match self {
            Disposition::Created => ERROR_SUCCESS,
            Disposition::OpenedExisting => ERROR_ALREADY_EXISTS,
        }
    }
}

/// What stores a section's bytes.
///
/// # Examples
///
/// ```
/// use filemapping::{Backing, CreateOptions};
///
/// let (map, _) = CreateOptions::new().size(4096).create()?;
/// assert_eq!(map.info()?.backing(), &Backing::PagingFile);
/// # Ok::<(), filemapping::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Backing {
    /// The system's memory (Windows' paging file; `/dev/shm` on Linux).
    PagingFile,
    /// A file, with its path where the OS can tell.
    File(Option<PathBuf>),
}

/// What a section is: the answer to `NtQuerySection`, plus its name and backing.
///
/// # Examples
///
/// ```
/// use filemapping::{CreateOptions, Protection, SectionAttributes};
///
/// let (map, _) = CreateOptions::new().size(0x3457).create()?;
/// let info = map.info()?;
/// assert_eq!(info.size(), 0x4000);
/// assert_eq!(info.protection(), Protection::ReadWrite);
/// assert_eq!(info.attributes(), SectionAttributes::COMMIT);
/// # Ok::<(), filemapping::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SectionInfo {
    pub(crate) size: u64,
    pub(crate) protection: Protection,
    pub(crate) attributes: SectionAttributes,
    pub(crate) name: Option<String>,
    pub(crate) backing: Backing,
}

impl SectionInfo {
    /// The section size in bytes: page-rounded for the system's memory, exact for a file.
    ///
    /// # Examples
    ///
    /// ```
    /// let (map, _) = filemapping::CreateOptions::new().size(1).create()?;
    /// assert_eq!(map.info()?.size(), filemapping::page_size() as u64);
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[must_use]
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The maximum protection the section was created with.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{CreateOptions, Protection};
    ///
    /// let (map, _) = CreateOptions::new().size(1).protection(Protection::WriteCopy).create()?;
    /// assert_eq!(map.info()?.protection(), Protection::WriteCopy);
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[must_use]
    pub fn protection(&self) -> Protection {
        self.protection
    }

    /// The attributes as Windows reports them: `SEC_COMMIT` when none was given, `SEC_FILE`
    /// (plus `SEC_NOCACHE`/`SEC_WRITECOMBINE`) for files.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{CreateOptions, SectionAttributes};
    ///
    /// let (map, _) = CreateOptions::new().size(1).attributes(SectionAttributes::RESERVE).create()?;
    /// assert_eq!(map.info()?.attributes(), SectionAttributes::RESERVE);
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[must_use]
    pub fn attributes(&self) -> SectionAttributes {
        self.attributes
    }

    /// The full name with its prefix (`Local\x`, `Global\x`), or `None` if unnamed.
    ///
    /// # Examples
    ///
    /// ```
    /// let name = format!("doc-info-name-{}", std::process::id());
    /// let (map, _) = filemapping::CreateOptions::new().name(&name).size(1).create()?;
    /// assert_eq!(map.info()?.name(), Some(format!("Local\\{name}").as_str()));
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[must_use]
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// What stores the bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{Backing, CreateOptions};
    ///
    /// let (map, _) = CreateOptions::new().size(1).create()?;
    /// assert!(matches!(map.info()?.backing(), Backing::PagingFile));
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[must_use]
    pub fn backing(&self) -> &Backing {
        &self.backing
    }
}

/// Who may open a new named object, besides its creator (the object's security).
///
/// The default is [`Permissions::OwnerOnly`], like the default security of a Windows object
/// created by a normal user.
///
/// # Platform notes
///
/// On Linux these are the object file's mode bits: 0600, 0660, 0644, 0666, or any other
/// combination of read and write bits that keeps the owner's ([`Permissions::from_mode`]). A
/// `Local\` name is
/// never visible to other users, whatever its permissions; they matter for `Global\` names. On
/// Windows they are ignored and the default security descriptor applies.
///
/// # Examples
///
/// ```
/// use filemapping::Permissions;
///
/// assert_eq!(Permissions::default(), Permissions::OwnerOnly);
/// assert_eq!(Permissions::EveryoneRead.mode(), 0o644);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Permissions {
    /// Only the creating user (mode 0600).
    #[default]
    OwnerOnly,
    /// The creating user and its group may read and write (0660).
    OwnerAndGroup,
    /// Everyone may read; only the owner may write (0644).
    EveryoneRead,
    /// Everyone may read and write (0666).
    Everyone,
    /// Other read and write bits for group and others (0640, 0620, ...), made by
    /// [`Permissions::from_mode`]; the owner always reads and writes.
    Mode(u32),
}

impl Permissions {
    /// The Unix mode bits.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::Permissions;
    ///
    /// assert_eq!(Permissions::OwnerOnly.mode(), 0o600);
    /// ```
    #[must_use]
    pub fn mode(self) -> u32 {
        match self {
            Permissions::OwnerOnly => 0o600,
            Permissions::OwnerAndGroup => 0o660,
            Permissions::EveryoneRead => 0o644,
            Permissions::Everyone => 0o666,
            Permissions::Mode(mode) => mode,
        }
    }

    /// The permissions of a Unix `mode`: read and write bits only (`0o666` at most), and the
    /// owner's read and write always set; `None` for any other mode. The four common modes give
    /// their named variants.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::Permissions;
    ///
    /// assert_eq!(Permissions::from_mode(0o644), Some(Permissions::EveryoneRead));
    /// assert_eq!(Permissions::from_mode(0o640).map(Permissions::mode), Some(0o640));
    /// assert_eq!(Permissions::from_mode(0o755), None, "no execute bits");
    /// assert_eq!(Permissions::from_mode(0o400), None, "the owner writes too");
    /// ```
    #[must_use]
    pub fn from_mode(mode: u32) -> Option<Permissions> {
        if mode & !0o666 != 0 || mode & 0o600 != 0o600 {
            return None;
        }
        let named = [
            Permissions::OwnerOnly,
            Permissions::OwnerAndGroup,
            Permissions::EveryoneRead,
            Permissions::Everyone,
        ];
        Some(
            named
                .into_iter()
                .find(|p| p.mode() == mode)
                .unwrap_or(Permissions::Mode(mode)),
        )
    }
}

/// A name found in a namespace by [`Namespace::list`](crate::Namespace::list).
///
/// # Examples
///
/// ```
/// use filemapping::{Namespace, Scope};
///
/// for entry in Namespace::from_env().list(Scope::Local)? {
///     println!("{} live={} handles={:?}", entry.name(), entry.is_live(), entry.handle_count());
/// }
/// # Ok::<(), filemapping::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub(crate) name: String,
    pub(crate) live: bool,
    pub(crate) info: Option<SectionInfo>,
    pub(crate) handle_count: Option<u64>,
    pub(crate) foreign: Option<Foreign>,
}

impl Entry {
    /// The full name, with its `Local\` or `Global\` prefix.
    ///
    /// # Examples
    ///
    /// ```
    /// # let entries = filemapping::Namespace::from_env().list(filemapping::Scope::Global)?;
    /// for entry in entries {
    ///     assert!(entry.name().starts_with("Global\\"));
    /// }
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether a handle to it is open somewhere. `false` means that no handle holds it any
    /// more (every holder died, or the name was left behind by a handle that could not remove
    /// it): the name is stale, opens treat it as absent and `Namespace::remove_stale` collects it.
    ///
    /// # Examples
    ///
    /// ```
    /// # let entries = filemapping::Namespace::from_env().list(filemapping::Scope::Local)?;
    /// let live = entries.iter().filter(|e| e.is_live()).count();
    /// # let _ = live;
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[must_use]
    pub fn is_live(&self) -> bool {
        self.live
    }

    /// What the section is, if its header could be read.
    ///
    /// # Examples
    ///
    /// ```
    /// # let entries = filemapping::Namespace::from_env().list(filemapping::Scope::Local)?;
    /// for entry in entries {
    ///     if let Some(info) = entry.info() {
    ///         println!("{}: {} bytes", entry.name(), info.size());
    ///     }
    /// }
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[must_use]
    pub fn info(&self) -> Option<&SectionInfo> {
        self.info.as_ref()
    }

    /// The number of handles open on it system-wide, where the OS can tell.
    ///
    /// # Examples
    ///
    /// ```
    /// # let entries = filemapping::Namespace::from_env().list(filemapping::Scope::Local)?;
    /// let handles: u64 = entries.iter().filter_map(|e| e.handle_count()).sum();
    /// # let _ = handles;
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[must_use]
    pub fn handle_count(&self) -> Option<u64> {
        self.handle_count
    }

    /// What the entry is, if it is not an object of this library: anyone may plant a FIFO, a
    /// symbolic link, a directory or a file of their own in the `Global\` namespace. Such an
    /// entry is never live, has no [`info`](Self::info) and no handle count; opening or creating
    /// its name fails with [`ErrorKind::InvalidHandle`](crate::ErrorKind::InvalidHandle), as for
    /// a name of another type of object.
    ///
    /// # Examples
    ///
    /// ```
    /// # let entries = filemapping::Namespace::from_env().list(filemapping::Scope::Global)?;
    /// for entry in entries.iter().filter(|e| e.is_foreign()) {
    ///     if let Some(what) = entry.foreign() {
    ///         println!("skipped {}: {what}", entry.name());
    ///     }
    /// }
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[must_use]
    pub fn foreign(&self) -> Option<Foreign> {
        self.foreign
    }

    /// Whether the entry is not an object of this library ([`foreign`](Self::foreign) says what
    /// it is instead).
    ///
    /// # Examples
    ///
    /// ```
    /// # let entries = filemapping::Namespace::from_env().list(filemapping::Scope::Local)?;
    /// let objects = entries.iter().filter(|e| !e.is_foreign()).count();
    /// # let _ = objects;
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[must_use]
    pub fn is_foreign(&self) -> bool {
        self.foreign.is_some()
    }
}

/// What a namespace entry is when it is not an object of this library ([`Entry::foreign`]).
///
/// Listings and [`Namespace::clean`](crate::Namespace::clean) skip such entries and never
/// touch them; nothing opens them in a way that could block or follow a link.
///
/// # Examples
///
/// ```
/// use filemapping::Foreign;
///
/// assert_eq!(Foreign::Fifo.to_string(), "a FIFO, not an object");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Foreign {
    /// A symbolic link (never followed).
    SymbolicLink,
    /// A directory.
    Directory,
    /// A named pipe.
    Fifo,
    /// A Unix domain socket.
    Socket,
    /// A character or block device node.
    Device,
    /// A regular file without a valid object header: empty, truncated, another format, a wrong
    /// magic, or an object of another build's header version.
    NotAnObject,
}

impl std::fmt::Display for Foreign {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = match self {
            Foreign::SymbolicLink => "a symbolic link, not an object",
            Foreign::Directory => "a directory, not an object",
            Foreign::Fifo => "a FIFO, not an object",
            Foreign::Socket => "a socket, not an object",
            Foreign::Device => "a device node, not an object",
            Foreign::NotAnObject => "a file that is not an object",
        };
        f.write_str(what)
    }
}

/// What [`Namespace::clean`](crate::Namespace::clean) did: the stale names it removed, the
/// stale names it could not remove, and the entries it skipped because they are not objects.
///
/// # Examples
///
/// ```
/// use filemapping::{Namespace, Scope};
///
/// let ns = Namespace::at(std::env::temp_dir().join(format!("fm-doc-cleanup-{}", std::process::id())));
/// let cleanup = ns.clean(Scope::Local)?;
/// assert!(cleanup.removed().is_empty() && cleanup.not_removed().is_empty());
/// assert!(cleanup.skipped().is_empty());
/// # Ok::<(), filemapping::Error>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct Cleanup {
    pub(crate) removed: Vec<String>,
    pub(crate) not_removed: Vec<NotRemoved>,
    pub(crate) skipped: Vec<Entry>,
}

impl Cleanup {
    /// The stale names removed, sorted.
    ///
    /// # Examples
    ///
    /// ```
    /// # let ns = filemapping::Namespace::at(std::env::temp_dir().join(format!("fm-doc-rm-{}", std::process::id())));
    /// for name in ns.clean(filemapping::Scope::Local)?.removed() {
    ///     println!("removed {name}");
    /// }
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[must_use]
    pub fn removed(&self) -> &[String] {
        &self.removed
    }

    /// The names found stale (or that could not be examined) and left in place, each with the
    /// reason: typically another user's stale object in the sticky `Global\` directory, which
    /// only its owner (or root) may remove (`ERROR_ACCESS_DENIED`).
    ///
    /// # Examples
    ///
    /// ```
    /// # let ns = filemapping::Namespace::at(std::env::temp_dir().join(format!("fm-doc-nr-{}", std::process::id())));
    /// for kept in ns.clean(filemapping::Scope::Global)?.not_removed() {
    ///     println!("not removed {}: {}", kept.name(), kept.error());
    /// }
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[must_use]
    pub fn not_removed(&self) -> &[NotRemoved] {
        &self.not_removed
    }

    /// The entries that are not objects of this library, left untouched (each has
    /// [`Entry::foreign`]).
    ///
    /// # Examples
    ///
    /// ```
    /// # let ns = filemapping::Namespace::at(std::env::temp_dir().join(format!("fm-doc-sk-{}", std::process::id())));
    /// for entry in ns.clean(filemapping::Scope::Global)?.skipped() {
    ///     assert!(entry.is_foreign());
    /// }
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[must_use]
    pub fn skipped(&self) -> &[Entry] {
        &self.skipped
    }
}

/// A name that [`Namespace::clean`](crate::Namespace::clean) left in place, and why.
///
/// # Examples
///
/// ```
/// # let ns = filemapping::Namespace::at(std::env::temp_dir().join(format!("fm-doc-kept-{}", std::process::id())));
/// for kept in ns.clean(filemapping::Scope::Global)?.not_removed() {
///     assert_eq!(kept.error().win32_code(), filemapping::ERROR_ACCESS_DENIED);
/// #   let _ = kept.name();
/// }
/// # Ok::<(), filemapping::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct NotRemoved {
    pub(crate) name: String,
    pub(crate) error: Error,
}

impl NotRemoved {
    /// The full name, with its `Local\` or `Global\` prefix.
    ///
    /// # Examples
    ///
    /// ```
    /// # let ns = filemapping::Namespace::at(std::env::temp_dir().join(format!("fm-doc-nrn-{}", std::process::id())));
    /// let cleanup = ns.clean(filemapping::Scope::Local)?;
    /// let names: Vec<&str> = cleanup.not_removed().iter().map(|k| k.name()).collect();
    /// assert!(names.is_empty());
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Why it was left: the Win32 code and the OS error.
    ///
    /// # Examples
    ///
    /// ```
    /// # let ns = filemapping::Namespace::at(std::env::temp_dir().join(format!("fm-doc-nre-{}", std::process::id())));
    /// for kept in ns.clean(filemapping::Scope::Local)?.not_removed() {
    ///     eprintln!("{}: {}", kept.name(), kept.error());
    /// }
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[must_use]
    pub fn error(&self) -> &Error {
        &self.error
    }
}

/// How a wait for a mutex ended (`WaitForSingleObject`'s `WAIT_OBJECT_0`, `WAIT_ABANDONED`,
/// `WAIT_TIMEOUT`): a value, not an error, since an abandoned mutex is acquired all the same.
///
/// # Examples
///
/// ```
/// use filemapping::{MutexOptions, WaitOutcome};
/// use std::time::Duration;
///
/// let (mutex, _) = MutexOptions::new().create()?;
/// match mutex.wait(Some(Duration::from_secs(5)))? {
///     WaitOutcome::Acquired => {}
///     WaitOutcome::Abandoned => { /* the owner died holding it: check the shared data */ }
///     WaitOutcome::TimedOut => panic!("nobody else holds it"),
/// }
/// mutex.release()?;
/// # Ok::<(), filemapping::Error>(())
/// ```
#[must_use]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WaitOutcome {
    /// The caller owns the mutex now (`WAIT_OBJECT_0`).
    Acquired,
    /// The previous owner thread ended (or its process died) while owning the mutex: the caller
    /// owns it now, but what the mutex protects may be half-updated (`WAIT_ABANDONED`). Later
    /// waits see an ordinary mutex again.
    Abandoned,
    /// The timeout passed first; the caller does not own the mutex (`WAIT_TIMEOUT`).
    TimedOut,
}

impl WaitOutcome {
    /// Whether the caller owns the mutex now ([`Acquired`](Self::Acquired) or
    /// [`Abandoned`](Self::Abandoned)).
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::WaitOutcome;
    ///
    /// assert!(WaitOutcome::Abandoned.is_acquired());
    /// assert!(!WaitOutcome::TimedOut.is_acquired());
    /// ```
    #[must_use]
    pub fn is_acquired(self) -> bool {
        self != WaitOutcome::TimedOut
    }

    /// The value `WaitForSingleObject` returns for this outcome: `WAIT_OBJECT_0` (0),
    /// `WAIT_ABANDONED` (0x80) or `WAIT_TIMEOUT` (0x102).
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(filemapping::WaitOutcome::Abandoned.win32_wait_value(), 0x80);
    /// ```
    #[must_use]
    pub fn win32_wait_value(self) -> u32 {
        match self {
            WaitOutcome::Acquired => 0,
            WaitOutcome::Abandoned => 0x80,
            WaitOutcome::TimedOut => 0x102,
        }
    }
}
