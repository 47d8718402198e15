//! The plain types that the public API and every backend share: what a create did
//! ([`Disposition`]), what a section is ([`SectionInfo`], [`Backing`]), who may open it
//! ([`Permissions`]) and what a namespace holds ([`Entry`]).
//!
//! This module is at the bottom of the crate with `error`, `name`, `protection` and
//! `granularity`: it imports only `codes` and `protection`, so that the platform layer (`sys`) can build
//! these values without importing the API above it.

use crate::codes::{ERROR_ALREADY_EXISTS, ERROR_SUCCESS};
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
/// On Linux these are the object file's mode bits: 0600, 0660, 0644 and 0666. A `Local\` name is
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
        }
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
}
