//! Page protections (`PAGE_*`), section attributes (`SEC_*`) and access rights (`FILE_MAP_*`
//! for sections, `EVENT_*` for events, and the generic rights each type maps), with the rules of
//! spec §2.1, §2.4 and §5 that tie them together. Platform-free.

use crate::error::{Error, ErrorKind, Result};
use std::fmt;
use std::ops::{BitAnd, BitOr, BitOrAssign};

/// The maximum page protection of a section, fixed at creation (`flProtect`'s page part).
///
/// Exactly these six values are valid for a section (spec §2.1 step 2). `ReadOnly` and
/// `WriteCopy` sections behave the same, as do `ExecuteRead` and `ExecuteWriteCopy` (spec §5.3).
///
/// # Examples
///
/// ```
/// use filemapping::Protection;
///
/// assert_eq!(Protection::from_raw(0x04)?, Protection::ReadWrite);
/// assert_eq!(Protection::ReadWrite.to_raw(), 0x04); // PAGE_READWRITE
/// assert!(Protection::from_raw(0x01).is_err()); // PAGE_NOACCESS is not a section protection
/// # Ok::<(), filemapping::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Protection {
    /// `PAGE_READONLY` (0x02).
    ReadOnly,
    /// `PAGE_READWRITE` (0x04).
    ReadWrite,
    /// `PAGE_WRITECOPY` (0x08).
    WriteCopy,
    /// `PAGE_EXECUTE_READ` (0x20).
    ExecuteRead,
    /// `PAGE_EXECUTE_READWRITE` (0x40).
    ExecuteReadWrite,
    /// `PAGE_EXECUTE_WRITECOPY` (0x80).
    ExecuteWriteCopy,
}

const PROTECTIONS: [(Protection, u32); 6] = [
    (Protection::ReadOnly, 0x02),
    (Protection::ReadWrite, 0x04),
    (Protection::WriteCopy, 0x08),
    (Protection::ExecuteRead, 0x20),
    (Protection::ExecuteReadWrite, 0x40),
    (Protection::ExecuteWriteCopy, 0x80),
];

impl Protection {
    /// Parses a `PAGE_*` value. Anything but the six section protections (0, `PAGE_NOACCESS`,
    /// `PAGE_EXECUTE`, combinations, modifiers) is `ERROR_INVALID_PARAMETER` (spec §2.1, rows
    /// 18–19).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidParameter`] for any other value.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{ErrorKind, Protection};
    ///
    /// assert_eq!(Protection::from_raw(0x80)?, Protection::ExecuteWriteCopy);
    /// assert_eq!(Protection::from_raw(0x06).unwrap_err().kind(), ErrorKind::InvalidParameter);
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    pub fn from_raw(raw: u32) -> Result<Protection> {
        PROTECTIONS
            .iter()
            .find(|(_, value)| *value == raw)
            .map(|(p, _)| *p)
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidParameter,
                    format!("{raw:#x} is not a section page protection"),
                )
            })
    }

    /// The `PAGE_*` value.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::Protection;
    ///
    /// assert_eq!(Protection::ExecuteRead.to_raw(), 0x20);
    /// ```
    #[must_use]
    pub fn to_raw(self) -> u32 {
        PROTECTIONS
            .iter()
            .find(|(p, _)| *p == self)
            .map_or(0, |e| e.1)
    }

    /// Whether views of the section may be shared-writable (`PAGE_READWRITE`,
    /// `PAGE_EXECUTE_READWRITE`). Only such protections extend a backing file (spec §2.2).
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::Protection;
    ///
    /// assert!(Protection::ReadWrite.is_writable());
    /// assert!(!Protection::WriteCopy.is_writable());
    /// ```
    #[must_use]
    pub fn is_writable(self) -> bool {
        matches!(self, Protection::ReadWrite | Protection::ExecuteReadWrite)
    }

    /// Whether views of the section may be executable.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::Protection;
    ///
    /// assert!(Protection::ExecuteRead.is_executable());
    /// assert!(!Protection::ReadOnly.is_executable());
    /// ```
    #[must_use]
    pub fn is_executable(self) -> bool {
        matches!(
            self,
            Protection::ExecuteRead | Protection::ExecuteReadWrite | Protection::ExecuteWriteCopy
        )
    }

    /// The access a handle returned by `CreateFileMapping` gets for this protection (spec §2.1
    /// step 3): `STANDARD_RIGHTS_REQUIRED | SECTION_QUERY | SECTION_MAP_READ`, plus
    /// `SECTION_MAP_WRITE` when writable and `SECTION_MAP_EXECUTE` when executable.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{FileMapAccess, Protection};
    ///
    /// let access = Protection::ReadOnly.handle_access();
    /// assert!(access.contains(FileMapAccess::READ));
    /// assert!(!access.contains(FileMapAccess::WRITE));
    /// ```
    #[must_use]
    pub fn handle_access(self) -> FileMapAccess {
        let mut access =
            FileMapAccess::STANDARD_RIGHTS_REQUIRED | FileMapAccess::QUERY | FileMapAccess::READ;
        if self.is_writable() {
            access |= FileMapAccess::WRITE;
        }
        if self.is_executable() {
            access |= FileMapAccess::MAP_EXECUTE;
        }
        access
    }

    /// Whether a view with protection `view` may be made of a section with this maximum
    /// protection (spec §5.3; a stronger view fails with `STATUS_SECTION_PROTECTION`).
    pub(crate) fn allows(self, view: ViewProtection) -> bool {
        let (_, write, execute) = view.rights();
        let shared_write = write && !view.is_copy_on_write();
        (!shared_write || self.is_writable()) && (!execute || self.is_executable())
    }
}

impl fmt::Display for Protection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Protection::ReadOnly => "PAGE_READONLY",
            Protection::ReadWrite => "PAGE_READWRITE",
            Protection::WriteCopy => "PAGE_WRITECOPY",
            Protection::ExecuteRead => "PAGE_EXECUTE_READ",
            Protection::ExecuteReadWrite => "PAGE_EXECUTE_READWRITE",
            Protection::ExecuteWriteCopy => "PAGE_EXECUTE_WRITECOPY",
        })
    }
}

/// The protection of one view, derived from the access it was mapped with (spec §5.1).
///
/// # Examples
///
/// ```
/// use filemapping::{FileMapAccess, ViewProtection};
///
/// assert_eq!(ViewProtection::for_access(FileMapAccess::COPY), ViewProtection::WriteCopy);
/// // FILE_MAP_COPY | FILE_MAP_READ is read-only, not copy-on-write.
/// assert_eq!(
///     ViewProtection::for_access(FileMapAccess::COPY | FileMapAccess::READ),
///     ViewProtection::ReadOnly
/// );
/// assert_eq!(ViewProtection::ReadWrite.to_raw(), 0x04);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ViewProtection {
    /// `PAGE_NOACCESS` (0x01): mapped, but any access faults.
    NoAccess,
    /// `PAGE_READONLY` (0x02).
    ReadOnly,
    /// `PAGE_READWRITE` (0x04).
    ReadWrite,
    /// `PAGE_WRITECOPY` (0x08): writes go to private copies of the pages.
    WriteCopy,
    /// `PAGE_EXECUTE_READ` (0x20).
    ExecuteRead,
    /// `PAGE_EXECUTE_READWRITE` (0x40).
    ExecuteReadWrite,
    /// `PAGE_EXECUTE_WRITECOPY` (0x80).
    ExecuteWriteCopy,
}

impl ViewProtection {
    /// Derives the view protection from `FILE_MAP_*` access exactly as `MapViewOfFile` does
    /// (spec §5.1): strip `FILE_MAP_EXECUTE`; exactly `FILE_MAP_COPY` is copy-on-write; else
    /// `FILE_MAP_WRITE` is read-write; else `FILE_MAP_READ` is read-only; else no access.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{FileMapAccess, ViewProtection};
    ///
    /// let rx = FileMapAccess::EXECUTE | FileMapAccess::READ;
    /// assert_eq!(ViewProtection::for_access(rx), ViewProtection::ExecuteRead);
    /// assert_eq!(ViewProtection::for_access(FileMapAccess::EXECUTE), ViewProtection::NoAccess);
    /// ```
    #[must_use]
    pub fn for_access(access: FileMapAccess) -> ViewProtection {
        let execute = access.contains(FileMapAccess::EXECUTE);
        let rest = FileMapAccess(access.0 & !FileMapAccess::EXECUTE.0);
        let (plain, exec) = if rest == FileMapAccess::COPY {
            (ViewProtection::WriteCopy, ViewProtection::ExecuteWriteCopy)
        } else if rest.contains(FileMapAccess::WRITE) {
            (ViewProtection::ReadWrite, ViewProtection::ExecuteReadWrite)
        } else if rest.contains(FileMapAccess::READ) {
            (ViewProtection::ReadOnly, ViewProtection::ExecuteRead)
        } else {
            return ViewProtection::NoAccess;
        };
        if execute {
            exec
        } else {
            plain
        }
    }

    /// The `PAGE_*` value.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::ViewProtection;
    ///
    /// assert_eq!(ViewProtection::NoAccess.to_raw(), 0x01);
    /// ```
    #[must_use]
    pub fn to_raw(self) -> u32 {
        match self {
            ViewProtection::NoAccess => 0x01,
            ViewProtection::ReadOnly => 0x02,
            ViewProtection::ReadWrite => 0x04,
            ViewProtection::WriteCopy => 0x08,
            ViewProtection::ExecuteRead => 0x20,
            ViewProtection::ExecuteReadWrite => 0x40,
            ViewProtection::ExecuteWriteCopy => 0x80,
        }
    }

    /// The protection whose `PAGE_*` value is exactly `raw`, if it is one of the seven a view
    /// can have (`PAGE_EXECUTE` and the modifiers `PAGE_GUARD`, `PAGE_NOCACHE`,
    /// `PAGE_WRITECOMBINE` are not).
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::ViewProtection;
    ///
    /// assert_eq!(ViewProtection::from_raw(0x08), Some(ViewProtection::WriteCopy));
    /// assert_eq!(ViewProtection::from_raw(0x10), None); // PAGE_EXECUTE
    /// assert_eq!(ViewProtection::from_raw(0x104), None); // PAGE_READWRITE | PAGE_GUARD
    /// ```
    #[must_use]
    pub fn from_raw(raw: u32) -> Option<ViewProtection> {
        Some(match raw {
            0x01 => ViewProtection::NoAccess,
            0x02 => ViewProtection::ReadOnly,
            0x04 => ViewProtection::ReadWrite,
            0x08 => ViewProtection::WriteCopy,
            0x20 => ViewProtection::ExecuteRead,
            0x40 => ViewProtection::ExecuteReadWrite,
            0x80 => ViewProtection::ExecuteWriteCopy,
            _ => return None,
        })
    }

    /// Whether pages of a view mapped with `self` may be given `new` protection
    /// (`VirtualProtect`, or `VirtualAlloc(MEM_COMMIT)` on a view; spec §6.2): the rights of
    /// `new` must be among the view's, where copy-on-write counts as reading only. So a
    /// read-only view may become copy-on-write (and then be written privately) but not
    /// read-write, and `NoAccess` is always allowed.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::ViewProtection::*;
    ///
    /// assert!(ReadOnly.allows_change_to(WriteCopy));
    /// assert!(!ReadOnly.allows_change_to(ReadWrite));
    /// assert!(!ReadOnly.allows_change_to(ExecuteRead));
    /// assert!(ReadWrite.allows_change_to(WriteCopy));
    /// assert!(!WriteCopy.allows_change_to(ReadWrite));
    /// assert!(NoAccess.allows_change_to(NoAccess));
    /// ```
    #[must_use]
    pub fn allows_change_to(self, new: ViewProtection) -> bool {
        let (r0, w0, x0) = self.change_rights();
        let (r1, w1, x1) = new.change_rights();
        (r0 || !r1) && (w0 || !w1) && (x0 || !x1)
    }

    /// `(read, write, execute)` for [`ViewProtection::allows_change_to`]: copy-on-write is
    /// reading.
    fn change_rights(self) -> (bool, bool, bool) {
        let (read, write, execute) = self.rights();
        (read, write && !self.is_copy_on_write(), execute)
    }

    /// The protection a copy-on-write page reads back as once it was written and became the
    /// process's private copy (spec §5.5): `WriteCopy` becomes `ReadWrite`, `ExecuteWriteCopy`
    /// `ExecuteReadWrite`; the others stay.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::ViewProtection;
    ///
    /// assert_eq!(ViewProtection::WriteCopy.once_copied(), ViewProtection::ReadWrite);
    /// assert_eq!(ViewProtection::ReadOnly.once_copied(), ViewProtection::ReadOnly);
    /// ```
    #[must_use]
    pub fn once_copied(self) -> ViewProtection {
        match self {
            ViewProtection::WriteCopy => ViewProtection::ReadWrite,
            ViewProtection::ExecuteWriteCopy => ViewProtection::ExecuteReadWrite,
            other => other,
        }
    }

    /// `(read, write, execute)`: what the view lets the process do with its pages.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::ViewProtection;
    ///
    /// assert_eq!(ViewProtection::WriteCopy.rights(), (true, true, false));
    /// ```
    #[must_use]
    pub fn rights(self) -> (bool, bool, bool) {
        match self {
            ViewProtection::NoAccess => (false, false, false),
            ViewProtection::ReadOnly => (true, false, false),
            ViewProtection::ReadWrite | ViewProtection::WriteCopy => (true, true, false),
            ViewProtection::ExecuteRead => (true, false, true),
            ViewProtection::ExecuteReadWrite | ViewProtection::ExecuteWriteCopy => {
                (true, true, true)
            }
        }
    }

    /// Whether writes go to private copies that no other view sees.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::ViewProtection;
    ///
    /// assert!(ViewProtection::ExecuteWriteCopy.is_copy_on_write());
    /// assert!(!ViewProtection::ReadWrite.is_copy_on_write());
    /// ```
    #[must_use]
    pub fn is_copy_on_write(self) -> bool {
        matches!(
            self,
            ViewProtection::WriteCopy | ViewProtection::ExecuteWriteCopy
        )
    }

    /// The handle rights a view of this protection needs (spec §5.2). Read-write views need
    /// only `SECTION_MAP_WRITE`.
    pub(crate) fn required_access(self) -> FileMapAccess {
        let base = match self {
            ViewProtection::ReadWrite | ViewProtection::ExecuteReadWrite => FileMapAccess::WRITE,
            _ => FileMapAccess::READ,
        };
        if self.rights().2 {
            base | FileMapAccess::MAP_EXECUTE
        } else {
            base
        }
    }
}

/// Access rights of a file-mapping handle, and the access requested for a view
/// (`FILE_MAP_*` / `SECTION_*` values, spec §0.3).
///
/// # Examples
///
/// ```
/// use filemapping::FileMapAccess;
///
/// let rw = FileMapAccess::READ | FileMapAccess::WRITE;
/// assert!(rw.contains(FileMapAccess::WRITE));
/// assert_eq!(rw.bits(), 0x6);
/// assert!(!FileMapAccess::ALL_ACCESS.contains(FileMapAccess::EXECUTE));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct FileMapAccess(u32);

impl FileMapAccess {
    /// No rights.
    pub const NONE: FileMapAccess = FileMapAccess(0);
    /// `FILE_MAP_COPY` (0x1): alone, a copy-on-write view. Numerically `SECTION_QUERY`.
    pub const COPY: FileMapAccess = FileMapAccess(0x1);
    /// `SECTION_QUERY` (0x1): the right to query the section.
    pub const QUERY: FileMapAccess = FileMapAccess(0x1);
    /// `FILE_MAP_WRITE` / `SECTION_MAP_WRITE` (0x2).
    pub const WRITE: FileMapAccess = FileMapAccess(0x2);
    /// `FILE_MAP_READ` / `SECTION_MAP_READ` (0x4).
    pub const READ: FileMapAccess = FileMapAccess(0x4);
    /// `SECTION_MAP_EXECUTE` (0x8): the handle right needed for executable views. It does not
    /// make a view executable by itself.
    pub const MAP_EXECUTE: FileMapAccess = FileMapAccess(0x8);
    /// `SECTION_EXTEND_SIZE` (0x10).
    pub const EXTEND_SIZE: FileMapAccess = FileMapAccess(0x10);
    /// `FILE_MAP_EXECUTE` (0x20): asks for an executable view.
    pub const EXECUTE: FileMapAccess = FileMapAccess(0x20);
    /// `FILE_MAP_LARGE_PAGES` (0x2000_0000, a view flag, numerically `GENERIC_EXECUTE`): the
    /// view's length must be a multiple of [`large_page_minimum`](crate::large_page_minimum) and
    /// the section `SEC_LARGE_PAGES` (spec §5.4).
    pub const LARGE_PAGES: FileMapAccess = FileMapAccess(0x2000_0000);
    /// `STANDARD_RIGHTS_REQUIRED` (0xF0000).
    pub const STANDARD_RIGHTS_REQUIRED: FileMapAccess = FileMapAccess(0xF_0000);
    /// `FILE_MAP_ALL_ACCESS` / `SECTION_ALL_ACCESS` (0xF001F). It does not contain
    /// `FILE_MAP_EXECUTE`.
    pub const ALL_ACCESS: FileMapAccess = FileMapAccess(0xF_001F);
    /// `GENERIC_READ` (0x8000_0000): as a handle's access, `STANDARD_RIGHTS_READ |
    /// SECTION_QUERY | SECTION_MAP_READ` (see [`map_generic`](Self::map_generic)).
    pub const GENERIC_READ: FileMapAccess = FileMapAccess(GENERIC_READ);
    /// `GENERIC_WRITE` (0x4000_0000): as a handle's access, `STANDARD_RIGHTS_WRITE |
    /// SECTION_MAP_WRITE`.
    pub const GENERIC_WRITE: FileMapAccess = FileMapAccess(GENERIC_WRITE);
    /// `GENERIC_EXECUTE` (0x2000_0000): as a handle's access, `STANDARD_RIGHTS_EXECUTE |
    /// SECTION_MAP_EXECUTE`.
    pub const GENERIC_EXECUTE: FileMapAccess = FileMapAccess(GENERIC_EXECUTE);
    /// `GENERIC_ALL` (0x1000_0000): as a handle's access, `SECTION_ALL_ACCESS`.
    pub const GENERIC_ALL: FileMapAccess = FileMapAccess(GENERIC_ALL);

    /// The section type's generic mapping: what each `GENERIC_*` right stands for.
    const GENERIC_MAPPING: GenericMapping = GenericMapping {
        read: READ_CONTROL | FileMapAccess::QUERY.0 | FileMapAccess::READ.0,
        write: READ_CONTROL | FileMapAccess::WRITE.0,
        execute: READ_CONTROL | FileMapAccess::MAP_EXECUTE.0,
        all: FileMapAccess::ALL_ACCESS.0,
    };

    /// Wraps raw `FILE_MAP_*` bits. Every value is accepted; unknown bits are kept.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::FileMapAccess;
    ///
    /// assert_eq!(FileMapAccess::from_bits(0x4), FileMapAccess::READ);
    /// ```
    #[must_use]
    pub const fn from_bits(bits: u32) -> FileMapAccess {
        FileMapAccess(bits)
    }

    /// The raw bits.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::FileMapAccess;
    ///
    /// assert_eq!(FileMapAccess::ALL_ACCESS.bits(), 0xF001F);
    /// ```
    #[must_use]
    pub const fn bits(self) -> u32 {
        self.0
    }

    /// Whether every bit of `other` is set in `self`.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::FileMapAccess;
    ///
    /// assert!(FileMapAccess::ALL_ACCESS.contains(FileMapAccess::READ | FileMapAccess::WRITE));
    /// ```
    #[must_use]
    pub const fn contains(self, other: FileMapAccess) -> bool {
        self.0 & other.0 == other.0
    }

    /// The rights a handle gets for this request: the `GENERIC_*` bits replaced by the section
    /// type's generic mapping (`GENERIC_READ` is `STANDARD_RIGHTS_READ | SECTION_QUERY |
    /// SECTION_MAP_READ`, `GENERIC_WRITE` is `STANDARD_RIGHTS_WRITE | SECTION_MAP_WRITE`,
    /// `GENERIC_EXECUTE` is `STANDARD_RIGHTS_EXECUTE | SECTION_MAP_EXECUTE`, `GENERIC_ALL` is
    /// `SECTION_ALL_ACCESS`), as the object manager maps them when it opens or duplicates a
    /// handle. Every other bit is kept.
    ///
    /// [`OpenOptions`](crate::OpenOptions) and
    /// [`FileMapping::duplicate`](crate::FileMapping::duplicate) apply it to the access they are
    /// given.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::FileMapAccess;
    ///
    /// let read = FileMapAccess::GENERIC_READ.map_generic();
    /// assert!(read.contains(FileMapAccess::READ | FileMapAccess::QUERY));
    /// assert!(!read.contains(FileMapAccess::GENERIC_READ));
    /// assert_eq!(FileMapAccess::GENERIC_ALL.map_generic(), FileMapAccess::ALL_ACCESS);
    /// assert_eq!(FileMapAccess::WRITE.map_generic(), FileMapAccess::WRITE);
    /// ```
    #[must_use]
    pub const fn map_generic(self) -> FileMapAccess {
        FileMapAccess(FileMapAccess::GENERIC_MAPPING.apply(self.0))
    }

    /// The rights `OpenFileMapping` grants for `desired`: exactly the request, except that
    /// `FILE_MAP_COPY` alone means `FILE_MAP_READ` (spec §3) and generic rights are mapped
    /// ([`map_generic`](Self::map_generic)).
    pub(crate) fn for_open(desired: FileMapAccess) -> FileMapAccess {
        if desired == FileMapAccess::COPY {
            FileMapAccess::READ
        } else {
            desired.map_generic()
        }
    }
}

const GENERIC_READ: u32 = 0x8000_0000;
const GENERIC_WRITE: u32 = 0x4000_0000;
const GENERIC_EXECUTE: u32 = 0x2000_0000;
const GENERIC_ALL: u32 = 0x1000_0000;
/// `READ_CONTROL`: `STANDARD_RIGHTS_READ`, `STANDARD_RIGHTS_WRITE` and
/// `STANDARD_RIGHTS_EXECUTE` are all this one right.
const READ_CONTROL: u32 = 0x2_0000;
/// `SYNCHRONIZE`.
const SYNCHRONIZE: u32 = 0x10_0000;
/// `STANDARD_RIGHTS_REQUIRED`: `DELETE | READ_CONTROL | WRITE_DAC | WRITE_OWNER`.
const STANDARD_RIGHTS_REQUIRED: u32 = 0xF_0000;

/// A type's `GENERIC_MAPPING`: the specific rights each generic right stands for.
struct GenericMapping {
    read: u32,
    write: u32,
    execute: u32,
    all: u32,
}

impl GenericMapping {
    /// `access` with its generic bits replaced by what they stand for.
    const fn apply(&self, access: u32) -> u32 {
        let pairs = [
            (GENERIC_READ, self.read),
            (GENERIC_WRITE, self.write),
            (GENERIC_EXECUTE, self.execute),
            (GENERIC_ALL, self.all),
        ];
        let mut out = access & !(GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE | GENERIC_ALL);
        let mut i = 0;
        while i < pairs.len() {
            if access & pairs[i].0 != 0 {
                out |= pairs[i].1;
            }
            i += 1;
        }
        out
    }
}

/// The methods every synchronization object's access type shares (raw bits, `contains`, the
/// generic mapping, `|`), for a type `$t(u32)` with a `GENERIC_MAPPING` constant. `$what` names
/// the type in the docs, `$right` is one of its rights (value `$bits`) for the examples.
macro_rules! sync_access {
    ($t:ident, $what:literal, $right:ident, $bits:literal) => {
        impl $t {
            /// Wraps raw access bits. Every value is accepted; unknown bits are kept.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!("use filemapping::", stringify!($t), ";")]
            ///
            #[doc = concat!("assert_eq!(", stringify!($t), "::from_bits(", stringify!($bits), "), ", stringify!($t), "::", stringify!($right), ");")]
            /// ```
            #[must_use]
            pub const fn from_bits(bits: u32) -> $t {
                $t(bits)
            }

            /// The raw bits.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!("use filemapping::", stringify!($t), ";")]
            ///
            #[doc = concat!("assert_eq!(", stringify!($t), "::SYNCHRONIZE.bits(), 0x10_0000);")]
            /// ```
            #[must_use]
            pub const fn bits(self) -> u32 {
                self.0
            }

            /// Whether every bit of `other` is set in `self`.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!("use filemapping::", stringify!($t), ";")]
            ///
            #[doc = concat!("assert!(", stringify!($t), "::ALL_ACCESS.contains(", stringify!($t), "::SYNCHRONIZE));")]
            /// ```
            #[must_use]
            pub const fn contains(self, other: $t) -> bool {
                self.0 & other.0 == other.0
            }

            #[doc = concat!("The rights a handle gets for this request: the `GENERIC_*` bits replaced by the ", $what, " type's generic mapping (the `GENERIC_*` constants of this type say what each stands for). Every other bit is kept. Opening and duplicating a handle apply it.")]
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!("use filemapping::", stringify!($t), ";")]
            ///
            #[doc = concat!("assert!(", stringify!($t), "::GENERIC_EXECUTE.map_generic().contains(", stringify!($t), "::SYNCHRONIZE));")]
            #[doc = concat!("assert!(!", stringify!($t), "::GENERIC_READ.map_generic().contains(", stringify!($t), "::SYNCHRONIZE));")]
            #[doc = concat!("assert_eq!(", stringify!($t), "::GENERIC_ALL.map_generic(), ", stringify!($t), "::ALL_ACCESS);")]
            /// ```
            #[must_use]
            pub const fn map_generic(self) -> $t {
                $t($t::GENERIC_MAPPING.apply(self.0))
            }
        }

        impl BitOr for $t {
            type Output = $t;
            fn bitor(self, rhs: $t) -> $t {
                $t(self.0 | rhs.0)
            }
        }
    };
}

/// Access rights of an event handle (`EVENT_*` values, and the standard and generic rights):
/// `WaitForSingleObject` needs [`SYNCHRONIZE`](Self::SYNCHRONIZE), `SetEvent` and
/// `ResetEvent` need [`MODIFY_STATE`](Self::MODIFY_STATE).
///
/// # Examples
///
/// ```
/// use filemapping::EventAccess;
///
/// let waiter = EventAccess::SYNCHRONIZE;
/// assert!(!waiter.contains(EventAccess::MODIFY_STATE));
/// assert!(EventAccess::ALL_ACCESS.contains(waiter | EventAccess::MODIFY_STATE));
/// assert_eq!(EventAccess::ALL_ACCESS.bits(), 0x1F_0003);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct EventAccess(u32);

impl EventAccess {
    /// No rights.
    pub const NONE: EventAccess = EventAccess(0);
    /// `EVENT_QUERY_STATE` (0x1): the right to ask the event's state and type.
    pub const QUERY_STATE: EventAccess = EventAccess(0x1);
    /// `EVENT_MODIFY_STATE` (0x2): the right to set and reset the event.
    pub const MODIFY_STATE: EventAccess = EventAccess(0x2);
    /// `SYNCHRONIZE` (0x10_0000): the right to wait for the event.
    pub const SYNCHRONIZE: EventAccess = EventAccess(SYNCHRONIZE);
    /// `EVENT_ALL_ACCESS` (0x1F_0003): every right; what a creator's handle gets.
    pub const ALL_ACCESS: EventAccess = EventAccess(STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x3);
    /// `GENERIC_READ`: as a handle's access, `STANDARD_RIGHTS_READ | EVENT_QUERY_STATE`.
    pub const GENERIC_READ: EventAccess = EventAccess(GENERIC_READ);
    /// `GENERIC_WRITE`: as a handle's access, `STANDARD_RIGHTS_WRITE | EVENT_MODIFY_STATE`.
    pub const GENERIC_WRITE: EventAccess = EventAccess(GENERIC_WRITE);
    /// `GENERIC_EXECUTE`: as a handle's access, `STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE`.
    pub const GENERIC_EXECUTE: EventAccess = EventAccess(GENERIC_EXECUTE);
    /// `GENERIC_ALL`: as a handle's access, `EVENT_ALL_ACCESS`.
    pub const GENERIC_ALL: EventAccess = EventAccess(GENERIC_ALL);

    /// The event type's generic mapping.
    const GENERIC_MAPPING: GenericMapping = GenericMapping {
        read: READ_CONTROL | EventAccess::QUERY_STATE.0,
        write: READ_CONTROL | EventAccess::MODIFY_STATE.0,
        execute: READ_CONTROL | SYNCHRONIZE,
        all: EventAccess::ALL_ACCESS.0,
    };
}

sync_access!(EventAccess, "event", MODIFY_STATE, 0x2);

/// Access rights of a mutex handle (`MUTEX_*` values, and the standard and generic rights):
/// `WaitForSingleObject` needs [`SYNCHRONIZE`](Self::SYNCHRONIZE). `ReleaseMutex` needs no
/// right at all, as on Windows: only the owning thread can release, whatever its handle.
///
/// # Examples
///
/// ```
/// use filemapping::MutexAccess;
///
/// assert_eq!(MutexAccess::ALL_ACCESS.bits(), 0x1F_0001);
/// assert!(MutexAccess::ALL_ACCESS.contains(MutexAccess::SYNCHRONIZE | MutexAccess::MODIFY_STATE));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct MutexAccess(u32);

impl MutexAccess {
    /// No rights.
    pub const NONE: MutexAccess = MutexAccess(0);
    /// `MUTEX_MODIFY_STATE` (0x1, the kernel's `MUTANT_QUERY_STATE`): reserved by Windows;
    /// `ReleaseMutex` does not ask for it.
    pub const MODIFY_STATE: MutexAccess = MutexAccess(0x1);
    /// `SYNCHRONIZE` (0x10_0000): the right to wait for (acquire) the mutex.
    pub const SYNCHRONIZE: MutexAccess = MutexAccess(SYNCHRONIZE);
    /// `MUTEX_ALL_ACCESS` (0x1F_0001): every right; what a creator's handle gets by default.
    pub const ALL_ACCESS: MutexAccess = MutexAccess(STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x1);
    /// `GENERIC_READ`: as a handle's access, `STANDARD_RIGHTS_READ | MUTANT_QUERY_STATE`.
    pub const GENERIC_READ: MutexAccess = MutexAccess(GENERIC_READ);
    /// `GENERIC_WRITE`: as a handle's access, `STANDARD_RIGHTS_WRITE`.
    pub const GENERIC_WRITE: MutexAccess = MutexAccess(GENERIC_WRITE);
    /// `GENERIC_EXECUTE`: as a handle's access, `STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE`.
    pub const GENERIC_EXECUTE: MutexAccess = MutexAccess(GENERIC_EXECUTE);
    /// `GENERIC_ALL`: as a handle's access, `MUTEX_ALL_ACCESS`.
    pub const GENERIC_ALL: MutexAccess = MutexAccess(GENERIC_ALL);

    /// The mutant type's generic mapping.
    const GENERIC_MAPPING: GenericMapping = GenericMapping {
        read: READ_CONTROL | MutexAccess::MODIFY_STATE.0,
        write: READ_CONTROL,
        execute: READ_CONTROL | SYNCHRONIZE,
        all: MutexAccess::ALL_ACCESS.0,
    };
}

sync_access!(MutexAccess, "mutex", MODIFY_STATE, 0x1);

/// Access rights of a semaphore handle (`SEMAPHORE_*` values, and the standard and generic
/// rights): `WaitForSingleObject` needs [`SYNCHRONIZE`](Self::SYNCHRONIZE), `ReleaseSemaphore`
/// needs [`MODIFY_STATE`](Self::MODIFY_STATE).
///
/// # Examples
///
/// ```
/// use filemapping::SemaphoreAccess;
///
/// assert_eq!(SemaphoreAccess::ALL_ACCESS.bits(), 0x1F_0003);
/// assert!(!SemaphoreAccess::SYNCHRONIZE.contains(SemaphoreAccess::MODIFY_STATE));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct SemaphoreAccess(u32);

impl SemaphoreAccess {
    /// No rights.
    pub const NONE: SemaphoreAccess = SemaphoreAccess(0);
    /// `SEMAPHORE_QUERY_STATE` (0x1): the right to ask the semaphore's count.
    pub const QUERY_STATE: SemaphoreAccess = SemaphoreAccess(0x1);
    /// `SEMAPHORE_MODIFY_STATE` (0x2): the right to release the semaphore.
    pub const MODIFY_STATE: SemaphoreAccess = SemaphoreAccess(0x2);
    /// `SYNCHRONIZE` (0x10_0000): the right to wait for the semaphore.
    pub const SYNCHRONIZE: SemaphoreAccess = SemaphoreAccess(SYNCHRONIZE);
    /// `SEMAPHORE_ALL_ACCESS` (0x1F_0003): every right; what a creator's handle gets by default.
    pub const ALL_ACCESS: SemaphoreAccess =
        SemaphoreAccess(STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x3);
    /// `GENERIC_READ`: as a handle's access, `STANDARD_RIGHTS_READ | SEMAPHORE_QUERY_STATE`.
    pub const GENERIC_READ: SemaphoreAccess = SemaphoreAccess(GENERIC_READ);
    /// `GENERIC_WRITE`: as a handle's access, `STANDARD_RIGHTS_WRITE | SEMAPHORE_MODIFY_STATE`.
    pub const GENERIC_WRITE: SemaphoreAccess = SemaphoreAccess(GENERIC_WRITE);
    /// `GENERIC_EXECUTE`: as a handle's access, `STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE`.
    pub const GENERIC_EXECUTE: SemaphoreAccess = SemaphoreAccess(GENERIC_EXECUTE);
    /// `GENERIC_ALL`: as a handle's access, `SEMAPHORE_ALL_ACCESS`.
    pub const GENERIC_ALL: SemaphoreAccess = SemaphoreAccess(GENERIC_ALL);

    /// The semaphore type's generic mapping.
    const GENERIC_MAPPING: GenericMapping = GenericMapping {
        read: READ_CONTROL | SemaphoreAccess::QUERY_STATE.0,
        write: READ_CONTROL | SemaphoreAccess::MODIFY_STATE.0,
        execute: READ_CONTROL | SYNCHRONIZE,
        all: SemaphoreAccess::ALL_ACCESS.0,
    };
}

sync_access!(SemaphoreAccess, "semaphore", MODIFY_STATE, 0x2);

impl BitOr for FileMapAccess {
    type Output = FileMapAccess;
    fn bitor(self, rhs: FileMapAccess) -> FileMapAccess {
        FileMapAccess(self.0 | rhs.0)
    }
}

impl BitOrAssign for FileMapAccess {
    fn bitor_assign(&mut self, rhs: FileMapAccess) {
        self.0 |= rhs.0;
    }
}

impl BitAnd for FileMapAccess {
    type Output = FileMapAccess;
    fn bitand(self, rhs: FileMapAccess) -> FileMapAccess {
        FileMapAccess(self.0 & rhs.0)
    }
}

/// Section attributes (`SEC_*` values OR-ed into `flProtect`, spec §2.4).
///
/// Any bits may be set; [`CreateOptions::create`](crate::CreateOptions::create) validates the
/// combination against the backing exactly as Windows does.
///
/// # Examples
///
/// ```
/// use filemapping::SectionAttributes;
///
/// let attrs = SectionAttributes::COMMIT | SectionAttributes::NOCACHE;
/// assert_eq!(attrs.bits(), 0x1800_0000);
/// assert!(attrs.contains(SectionAttributes::COMMIT));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct SectionAttributes(u32);

impl SectionAttributes {
    /// No attribute: means `SEC_COMMIT`.
    pub const NONE: SectionAttributes = SectionAttributes(0);
    /// `SEC_FILE` (0x0080_0000): reported for file-backed sections; invalid as input.
    pub const FILE: SectionAttributes = SectionAttributes(0x0080_0000);
    /// `SEC_IMAGE` (0x0100_0000).
    pub const IMAGE: SectionAttributes = SectionAttributes(0x0100_0000);
    /// `SEC_RESERVE` (0x0400_0000).
    pub const RESERVE: SectionAttributes = SectionAttributes(0x0400_0000);
    /// `SEC_COMMIT` (0x0800_0000), the default.
    pub const COMMIT: SectionAttributes = SectionAttributes(0x0800_0000);
    /// `SEC_NOCACHE` (0x1000_0000).
    pub const NOCACHE: SectionAttributes = SectionAttributes(0x1000_0000);
    /// `SEC_WRITECOMBINE` (0x4000_0000).
    pub const WRITECOMBINE: SectionAttributes = SectionAttributes(0x4000_0000);
    /// `SEC_LARGE_PAGES` (0x8000_0000).
    pub const LARGE_PAGES: SectionAttributes = SectionAttributes(0x8000_0000);
    /// `SEC_IMAGE_NO_EXECUTE` (0x1100_0000) = `SEC_IMAGE | SEC_NOCACHE`.
    pub const IMAGE_NO_EXECUTE: SectionAttributes = SectionAttributes(0x1100_0000);

    /// Every `SEC_*` bit (spec §2.1 step 1).
    pub(crate) const ALL: SectionAttributes = SectionAttributes(0xDD80_0000);

    /// Wraps raw `SEC_*` bits.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::SectionAttributes;
    ///
    /// assert_eq!(SectionAttributes::from_bits(0x0400_0000), SectionAttributes::RESERVE);
    /// ```
    #[must_use]
    pub const fn from_bits(bits: u32) -> SectionAttributes {
        SectionAttributes(bits)
    }

    /// The raw bits.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::SectionAttributes;
    ///
    /// assert_eq!(SectionAttributes::COMMIT.bits(), 0x0800_0000);
    /// ```
    #[must_use]
    pub const fn bits(self) -> u32 {
        self.0
    }

    /// Whether every bit of `other` is set.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::SectionAttributes;
    ///
    /// assert!(!SectionAttributes::RESERVE.contains(SectionAttributes::COMMIT));
    /// ```
    #[must_use]
    pub const fn contains(self, other: SectionAttributes) -> bool {
        self.0 & other.0 == other.0
    }

    /// Splits a raw `flProtect` into its page protection and its `SEC_*` bits (spec §2.1 step
    /// 1). The protection part is still unvalidated.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::SectionAttributes;
    ///
    /// let (page, attrs) = SectionAttributes::split_fl_protect(0x0800_0004);
    /// assert_eq!(page, 0x04);
    /// assert_eq!(attrs, SectionAttributes::COMMIT);
    /// ```
    #[must_use]
    pub const fn split_fl_protect(fl_protect: u32) -> (u32, SectionAttributes) {
        (
            fl_protect & !Self::ALL.0,
            SectionAttributes(fl_protect & Self::ALL.0),
        )
    }

    /// Validates a combination for the given backing (spec §2.4 validity table) and returns the
    /// attributes the section reports (`SEC_COMMIT` added when none; `SEC_FILE` for files, where
    /// `SEC_COMMIT`/`SEC_RESERVE` have no effect).
    pub(crate) fn validate(self, file_backed: bool) -> Result<SectionAttributes> {
        use SectionAttributes as S;
        let bad = |why: &str| {
            Err(Error::new(
                ErrorKind::InvalidParameter,
                format!("section attributes {:#x}: {why}", self.0),
            ))
        };
        if self == S::NONE {
            return Ok(if file_backed { S::FILE } else { S::COMMIT });
        }
        if self.contains(S::FILE) {
            return bad("SEC_FILE is not an input attribute");
        }
        if self.contains(S::IMAGE) {
            // An image section reports SEC_FILE too (spec §2.4).
            let image = self.validate_image()?;
            return Ok(if file_backed { image | S::FILE } else { image });
        }
        let commit = self.contains(S::COMMIT);
        let reserve = self.contains(S::RESERVE);
        if commit == reserve {
            return bad("exactly one of SEC_COMMIT and SEC_RESERVE must be given");
        }
        if self.contains(S::LARGE_PAGES) && (reserve || file_backed) {
            return bad("SEC_LARGE_PAGES needs SEC_COMMIT and the paging file");
        }
        let modifiers = SectionAttributes(self.0 & (S::NOCACHE.0 | S::WRITECOMBINE.0));
        if file_backed {
            Ok(S::FILE | modifiers)
        } else {
            Ok(self)
        }
    }

    /// `SEC_IMAGE` allows nothing else but `SEC_NOCACHE` (`SEC_IMAGE_NO_EXECUTE`).
    fn validate_image(self) -> Result<SectionAttributes> {
        if self != SectionAttributes::IMAGE && self != SectionAttributes::IMAGE_NO_EXECUTE {
            return Err(Error::new(
                ErrorKind::InvalidParameter,
                format!("SEC_IMAGE cannot be combined with {:#x}", self.0),
            ));
        }
        Ok(self)
    }
}

impl BitOr for SectionAttributes {
    type Output = SectionAttributes;
    fn bitor(self, rhs: SectionAttributes) -> SectionAttributes {
        SectionAttributes(self.0 | rhs.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use FileMapAccess as A;
    use Protection as P;
    use ViewProtection as V;

    #[test]
    fn protections_round_trip_and_reject_the_rest() {
        for (p, raw) in PROTECTIONS {
            assert_eq!(P::from_raw(raw).unwrap(), p);
            assert_eq!(p.to_raw(), raw);
        }
        // Spec rows 18-19.
        for raw in [0, 0x01, 0x10, 0x06, 0x30, 0x0C, 0x90, 0x104, 0x204] {
            assert_eq!(
                P::from_raw(raw).unwrap_err().kind(),
                ErrorKind::InvalidParameter
            );
        }
    }

    #[test]
    fn view_protection_follows_spec_5_1() {
        let cases = [
            (A::READ, V::ReadOnly),
            (A::WRITE, V::ReadWrite),
            (A::COPY, V::WriteCopy),
            (A::ALL_ACCESS, V::ReadWrite),
            (A::COPY | A::READ, V::ReadOnly),
            (A::COPY | A::WRITE, V::ReadWrite),
            (A::EXECUTE | A::READ, V::ExecuteRead),
            (A::EXECUTE | A::WRITE, V::ExecuteReadWrite),
            (A::EXECUTE | A::COPY, V::ExecuteWriteCopy),
            (A::EXECUTE, V::NoAccess),
            (A::NONE, V::NoAccess),
            (A::MAP_EXECUTE | A::READ, V::ReadOnly),
        ];
        for (access, view) in cases {
            assert_eq!(V::for_access(access), view, "{access:?}");
        }
    }

    /// The compatibility matrix of spec §5.3, for handles returned by `CreateFileMapping`.
    #[test]
    fn compatibility_matrix_spec_5_3() {
        let columns = [
            A::READ,
            A::WRITE,
            A::COPY,
            A::ALL_ACCESS,
            A::EXECUTE | A::READ,
            A::EXECUTE | A::WRITE,
            A::EXECUTE | A::COPY,
            A::NONE,
        ];
        use Option::None as X;
        let rows: [(P, [Option<V>; 8]); 6] = [
            (
                P::ReadOnly,
                [
                    Some(V::ReadOnly),
                    X,
                    Some(V::WriteCopy),
                    X,
                    X,
                    X,
                    X,
                    Some(V::NoAccess),
                ],
            ),
            (
                P::WriteCopy,
                [
                    Some(V::ReadOnly),
                    X,
                    Some(V::WriteCopy),
                    X,
                    X,
                    X,
                    X,
                    Some(V::NoAccess),
                ],
            ),
            (
                P::ReadWrite,
                [
                    Some(V::ReadOnly),
                    Some(V::ReadWrite),
                    Some(V::WriteCopy),
                    Some(V::ReadWrite),
                    X,
                    X,
                    X,
                    Some(V::NoAccess),
                ],
            ),
            (
                P::ExecuteRead,
                [
                    Some(V::ReadOnly),
                    X,
                    Some(V::WriteCopy),
                    X,
                    Some(V::ExecuteRead),
                    X,
                    Some(V::ExecuteWriteCopy),
                    Some(V::NoAccess),
                ],
            ),
            (
                P::ExecuteWriteCopy,
                [
                    Some(V::ReadOnly),
                    X,
                    Some(V::WriteCopy),
                    X,
                    Some(V::ExecuteRead),
                    X,
                    Some(V::ExecuteWriteCopy),
                    Some(V::NoAccess),
                ],
            ),
            (
                P::ExecuteReadWrite,
                [
                    Some(V::ReadOnly),
                    Some(V::ReadWrite),
                    Some(V::WriteCopy),
                    Some(V::ReadWrite),
                    Some(V::ExecuteRead),
                    Some(V::ExecuteReadWrite),
                    Some(V::ExecuteWriteCopy),
                    Some(V::NoAccess),
                ],
            ),
        ];
        for (section, expected) in rows {
            let handle = section.handle_access();
            for (access, want) in columns.iter().zip(expected) {
                let view = V::for_access(*access);
                let ok = handle.contains(view.required_access()) && section.allows(view);
                assert_eq!(ok.then_some(view), want, "{section} {access:?}");
            }
        }
    }

    /// The generic mappings of the section and event types, as Windows' object manager (and
    /// Wine's server) define them.
    #[test]
    fn generic_rights_map_through_the_types_mapping() {
        let section = |bits: u32| A::from_bits(bits).map_generic().bits();
        assert_eq!(section(0x8000_0000), 0x2_0005);
        assert_eq!(section(0x4000_0000), 0x2_0002);
        assert_eq!(section(0x2000_0000), 0x2_0008);
        assert_eq!(section(0x1000_0000), 0xF_001F);
        assert_eq!(section(0xC000_0000 | 0x20), 0x2_0027);
        assert_eq!(section(0x6), 0x6);
        let event = |bits: u32| EventAccess::from_bits(bits).map_generic().bits();
        assert_eq!(event(0x8000_0000), 0x2_0001);
        assert_eq!(event(0x4000_0000), 0x2_0002);
        assert_eq!(event(0x2000_0000), 0x12_0000);
        assert_eq!(event(0x1000_0000), 0x1F_0003);
        assert_eq!(A::for_open(A::COPY), A::READ);
        assert_eq!(A::for_open(A::GENERIC_READ), A::from_bits(0x2_0005));
    }

    #[test]
    fn attribute_validity_table_spec_2_4() {
        use SectionAttributes as S;
        let ok_pagefile = [
            S::NONE,
            S::COMMIT,
            S::COMMIT | S::NOCACHE,
            S::COMMIT | S::WRITECOMBINE,
            S::RESERVE,
            S::RESERVE | S::NOCACHE,
            S::RESERVE | S::WRITECOMBINE,
            S::COMMIT | S::LARGE_PAGES,
        ];
        for a in ok_pagefile {
            assert!(a.validate(false).is_ok(), "{a:?}");
        }
        let bad_pagefile = [
            S::RESERVE | S::COMMIT,
            S::NOCACHE,
            S::WRITECOMBINE,
            S::LARGE_PAGES,
            S::RESERVE | S::LARGE_PAGES,
            S::IMAGE | S::RESERVE,
            S::IMAGE | S::COMMIT,
            S::FILE,
            S::FILE | S::RESERVE,
            S::FILE | S::COMMIT,
        ];
        for a in bad_pagefile {
            assert_eq!(
                a.validate(false).unwrap_err().kind(),
                ErrorKind::InvalidParameter
            );
        }
        assert_eq!(S::NONE.validate(true).unwrap(), S::FILE);
        assert_eq!(S::RESERVE.validate(true).unwrap(), S::FILE);
        assert_eq!(
            (S::COMMIT | S::NOCACHE).validate(true).unwrap(),
            S::FILE | S::NOCACHE
        );
        assert_eq!(S::NONE.validate(false).unwrap(), S::COMMIT);
        for a in [
            S::COMMIT | S::LARGE_PAGES,
            S::RESERVE | S::LARGE_PAGES,
            S::NOCACHE,
        ] {
            assert_eq!(
                a.validate(true).unwrap_err().kind(),
                ErrorKind::InvalidParameter
            );
        }
        assert!(S::IMAGE.validate(true).is_ok());
        assert!(S::IMAGE_NO_EXECUTE.validate(true).is_ok());
        assert!((S::IMAGE | S::WRITECOMBINE).validate(true).is_err());
    }
}
