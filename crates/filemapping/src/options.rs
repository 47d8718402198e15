//! Builders: [`CreateOptions`] (everything `CreateFileMapping` takes) and [`OpenOptions`]
//! (`OpenFileMapping`). Options that only make sense on creation cannot be passed to open.

use crate::error::{Error, ErrorKind, Result};
use crate::mapping::FileMapping;
use crate::name::{self, Parsed};
use crate::namespace::Namespace;
use crate::protection::{FileMapAccess, Protection, SectionAttributes};
use crate::sys::{self, CreateRequest, OpenRequest, SectionOps};
use crate::types::{Disposition, Permissions};
use std::fs::File;

/// Options for creating a section: the arguments of `CreateFileMappingW`.
///
/// The defaults are an unnamed section backed by the system's memory, `PAGE_READWRITE`,
/// `SEC_COMMIT`, not inheritable, owner-only, in the environment's namespace.
///
/// # Examples
///
/// ```
/// use filemapping::{CreateOptions, Disposition, FileMapAccess, Protection};
///
/// let name = format!("doc-create-{}", std::process::id());
/// let (map, disposition) = CreateOptions::new()
///     .name(&name)
///     .size(2048)
///     .protection(Protection::ReadWrite)
///     .create()?;
/// assert_eq!(disposition, Disposition::Created);
///
/// // Creating the same name again opens the live object, with its own size.
/// let (again, disposition) = CreateOptions::new().name(&name).size(1 << 20).create()?;
/// assert_eq!(disposition, Disposition::OpenedExisting);
/// assert_eq!(again.info()?.size(), 4096); // 2048 rounded up to the page size
/// # Ok::<(), filemapping::Error>(())
/// ```
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/memoryapi/nf-memoryapi-createfilemappingw>
#[doc(alias = "CreateFileMappingW")]
#[doc(alias = "CreateFileMappingA")]
#[derive(Clone, Debug)]
pub struct CreateOptions<'a> {
    name: String,
    size: u64,
    protection: Protection,
    attributes: SectionAttributes,
    file: Option<&'a File>,
    file_execute: Option<bool>,
    inheritable: bool,
    permissions: Permissions,
    namespace: Namespace,
}

impl Default for CreateOptions<'_> {
    fn default() -> Self {
        CreateOptions {
            name: String::new(),
            size: 0,
            protection: Protection::ReadWrite,
            attributes: SectionAttributes::NONE,
            file: None,
            file_execute: None,
            inheritable: false,
            permissions: Permissions::OwnerOnly,
            namespace: Namespace::from_env(),
        }
    }
}

impl<'a> CreateOptions<'a> {
    /// The default options (see the type's documentation).
    ///
    /// # Examples
    ///
    /// ```
    /// let (map, _) = filemapping::CreateOptions::new().size(4096).create()?;
    /// assert_eq!(map.name(), None);
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[must_use]
    pub fn new() -> CreateOptions<'a> {
        CreateOptions::default()
    }

    create_setters!("filemapping::CreateOptions::new()");

    /// The maximum size in bytes (64-bit). Sections backed by the system's memory need a size
    /// greater than zero, rounded up to the page size; for a file, 0 means the file's size.
    ///
    /// # Examples
    ///
    /// ```
    /// let (map, _) = filemapping::CreateOptions::new().size(4090).create()?;
    /// assert_eq!(map.info()?.size(), 4096);
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[must_use]
    pub fn size(mut self, size: u64) -> Self {
        self.size = size;
        self
    }

    /// The section's maximum page protection. The handle's rights derive from it (spec §2.1).
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{CreateOptions, FileMapAccess, Protection};
    ///
    /// let (map, _) = CreateOptions::new().size(4096).protection(Protection::ReadOnly).create()?;
    /// assert!(!map.access().contains(FileMapAccess::WRITE));
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[must_use]
    pub fn protection(mut self, protection: Protection) -> Self {
        self.protection = protection;
        self
    }

    /// Section attributes (`SEC_*`), validated on [`create`](Self::create) as spec §2.4 says.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{CreateOptions, ErrorKind, SectionAttributes};
    ///
    /// let both = SectionAttributes::RESERVE | SectionAttributes::COMMIT;
    /// let err = CreateOptions::new().size(4096).attributes(both).create().unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::InvalidParameter);
    /// ```
    #[must_use]
    pub fn attributes(mut self, attributes: SectionAttributes) -> Self {
        self.attributes = attributes;
        self
    }

    /// Backs the section with `file` instead of the system's memory. The file must be open for
    /// reading, and for writing when the protection is writable (spec §2.3). A writable section
    /// larger than the file extends the file on disk.
    ///
    /// # Platform notes
    ///
    /// Linux cannot forbid another program to truncate a mapped file, as Windows does
    /// (`ERROR_USER_MAPPED_FILE`); touching a view past the new end then raises SIGBUS. Do not
    /// truncate files that back live sections.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{CreateOptions, FileMapAccess};
    /// use std::io::Write;
    ///
    /// let path = std::env::temp_dir().join(format!("fm-doc-file-{}", std::process::id()));
    /// let mut file = std::fs::OpenOptions::new().read(true).write(true).create(true).open(&path)?;
    /// file.write_all(b"hello")?;
    /// let (map, _) = CreateOptions::new().file(&file).create()?;
    /// assert_eq!(map.info()?.size(), 5);
    /// let view = map.map_view(FileMapAccess::READ, 0, 0)?;
    /// let mut buf = [0u8; 5];
    /// view.read_at(0, &mut buf)?;
    /// assert_eq!(&buf, b"hello");
    /// # std::fs::remove_file(&path)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn file(mut self, file: &'a File) -> Self {
        self.file = Some(file);
        self
    }

    /// Whether the file handle given to [`file`](Self::file) carries the execute right (Windows'
    /// `GENERIC_EXECUTE`), as the caller decided it; an executable protection needs it (spec
    /// §2.3, rows 15-16).
    ///
    /// Without this setting the library decides, and on Linux, whose descriptors carry no
    /// execute right, the file's execute permission for the caller stands in for it. A porting
    /// layer that tracks the right per handle, as Windows does, passes its own answer here:
    /// Linux itself only needs a mount without `noexec` to map a file executable, whatever its
    /// permission bits. The Windows backend ignores it: the handle's own rights decide there.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{CreateOptions, ErrorKind, Protection};
    ///
    /// let path = std::env::temp_dir().join(format!("fm-doc-exec-{}", std::process::id()));
    /// std::fs::write(&path, [0u8; 4096])?;
    /// let file = std::fs::File::open(&path)?;
    /// let options = CreateOptions::new().file(&file).protection(Protection::ExecuteRead);
    /// let err = options.clone().file_execute(false).create().unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::AccessDenied);
    /// # #[cfg(target_os = "linux")]
    /// assert!(options.file_execute(true).create().is_ok());
    /// # std::fs::remove_file(&path)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn file_execute(mut self, granted: bool) -> Self {
        self.file_execute = Some(granted);
        self
    }

    /// Creates the section, or opens the live one of the same name.
    ///
    /// Returns the handle and whether it was [`Disposition::Created`] or
    /// [`Disposition::OpenedExisting`] (Windows' `ERROR_ALREADY_EXISTS`). An existing object
    /// keeps its own size, attributes and backing; the handle's rights still derive from the
    /// protection asked for here (spec §2.5). Among processes racing to create one name, exactly
    /// one sees `Created`.
    ///
    /// # Errors
    ///
    /// - [`ErrorKind::InvalidParameter`]: size 0 without a file; invalid attributes (spec §2.4).
    /// - [`ErrorKind::PathNotFound`], [`ErrorKind::InvalidName`]: bad name (spec §4).
    /// - [`ErrorKind::InvalidHandle`]: the name belongs to another type of object.
    /// - [`ErrorKind::AccessDenied`], [`ErrorKind::FileInvalid`], [`ErrorKind::NotEnoughMemory`],
    ///   [`ErrorKind::DiskFull`]: the file cannot back the section (spec §2.2, §2.3).
    /// - [`ErrorKind::CommitmentLimit`]: the system's memory cannot back a `SEC_COMMIT` section.
    /// - [`ErrorKind::BadExeFormat`]: `SEC_IMAGE` on something that is not an image.
    /// - [`ErrorKind::PrivilegeNotHeld`]: `SEC_LARGE_PAGES` without huge pages to back it (on
    ///   Windows, without `SeLockMemoryPrivilege`; on Linux, a huge page pool too small: the
    ///   message names `vm.nr_hugepages`).
    /// - [`ErrorKind::InvalidParameter`]: a `SEC_LARGE_PAGES` size that is not a multiple of
    ///   [`large_page_minimum`](crate::large_page_minimum).
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{CreateOptions, ErrorKind};
    ///
    /// let err = CreateOptions::new().name("NoSuchDir\\x").size(4096).create().unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::PathNotFound);
    /// ```
    pub fn create(&self) -> Result<(FileMapping, Disposition)> {
        let attributes = if sys::EMULATED {
            self.validate()?
        } else {
            self.attributes
        };
        let name = match name::parse(&self.name)? {
            Parsed::Unnamed => None,
            // Windows (as Wine shows) refuses to create an object named like a namespace.
            Parsed::Directory => {
                return Err(Error::new(
                    ErrorKind::InvalidName,
                    "the name is a namespace (Local\\ or Global\\) without an object name",
                ))
            }
            Parsed::Object(name) => Some(name),
        };
        let request = CreateRequest {
            name,
            raw_name: self.name.clone(),
            raw_attributes: self.attributes,
            root: self.namespace.root(),
            size: self.size,
            protection: self.protection,
            attributes,
            file: self.file,
            file_execute: self.file_execute,
            inheritable: self.inheritable,
            permissions: self.permissions,
        };
        let (inner, disposition) = sys::Section::create(&request)?;
        Ok((FileMapping::from_inner(inner), disposition))
    }
}

impl CreateOptions<'_> {
    /// The parameter checks of `CreateFileMapping` (spec §2.1, §2.4); returns the attributes
    /// the section will report.
    fn validate(&self) -> Result<SectionAttributes> {
        let file_backed = self.file.is_some();
        // Spec §2.1: the size check comes before any name lookup.
        if !file_backed && self.size == 0 {
            return Err(Error::new(
                ErrorKind::InvalidParameter,
                "a section backed by the system's memory needs a size greater than zero",
            ));
        }
        let attributes = self.attributes.validate(file_backed)?;
        check_supported(attributes, file_backed)?;
        Ok(attributes)
    }
}

/// Pagefile `SEC_IMAGE` passes validation but needs an image (`SEC_IMAGE` on a file is checked
/// against the file by the backend).
fn check_supported(attributes: SectionAttributes, file_backed: bool) -> Result<()> {
    if attributes.contains(SectionAttributes::IMAGE) && !file_backed {
        return Err(Error::new(
            ErrorKind::BadExeFormat,
            "SEC_IMAGE needs an executable image file",
        ));
    }
    Ok(())
}

/// `Local\` or `Global\` alone names the namespace directory, not an object
/// (`STATUS_OBJECT_TYPE_MISMATCH`).
fn directory_error() -> Error {
    Error::new(
        ErrorKind::InvalidHandle,
        "the name is a namespace, not a file mapping",
    )
}

/// Options for opening a named section: the arguments of `OpenFileMappingW`.
///
/// # Examples
///
/// ```
/// use filemapping::{CreateOptions, FileMapAccess, OpenOptions};
///
/// let name = format!("doc-open-{}", std::process::id());
/// let (_creator, _) = CreateOptions::new().name(&name).size(4096).create()?;
/// let reader = OpenOptions::new(FileMapAccess::READ).open(&name)?;
/// assert_eq!(reader.access(), FileMapAccess::READ);
/// # Ok::<(), filemapping::Error>(())
/// ```
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/memoryapi/nf-memoryapi-openfilemappingw>
#[doc(alias = "OpenFileMappingW")]
#[doc(alias = "OpenFileMappingA")]
#[derive(Clone, Debug)]
pub struct OpenOptions {
    access: FileMapAccess,
    inheritable: bool,
    namespace: Namespace,
}

impl OpenOptions {
    /// Options to open with `access` (`dwDesiredAccess`). The handle gets exactly these rights,
    /// except that `FILE_MAP_COPY` alone means `FILE_MAP_READ` (spec §3) and generic rights
    /// are mapped ([`FileMapAccess::map_generic`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{FileMapAccess, OpenOptions};
    ///
    /// let opts = OpenOptions::new(FileMapAccess::ALL_ACCESS);
    /// # let _ = opts;
    /// ```
    #[must_use]
    pub fn new(access: FileMapAccess) -> OpenOptions {
        OpenOptions {
            access,
            inheritable: false,
            namespace: Namespace::from_env(),
        }
    }

    handle_setters!("filemapping::OpenOptions::new(filemapping::FileMapAccess::READ)");

    /// Opens the live section named `name`.
    ///
    /// # Errors
    ///
    /// - [`ErrorKind::NotFound`]: no live object has this name (also after every holder died).
    /// - [`ErrorKind::InvalidHandle`]: the name belongs to another type of object, or is empty.
    /// - [`ErrorKind::PathNotFound`], [`ErrorKind::InvalidName`]: bad name (spec §4).
    /// - [`ErrorKind::AccessDenied`]: the object's security refuses the access.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{ErrorKind, FileMapAccess, OpenOptions};
    ///
    /// let err = OpenOptions::new(FileMapAccess::READ).open("doc-nope").unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::NotFound);
    /// ```
    pub fn open(&self, name: &str) -> Result<FileMapping> {
        let raw_name = name;
        let name = match name::parse(raw_name)? {
            Parsed::Object(name) => name,
            Parsed::Unnamed | Parsed::Directory => return Err(directory_error()),
        };
        let request = OpenRequest {
            name: &name,
            raw_name,
            root: self.namespace.root(),
            access: FileMapAccess::for_open(self.access),
            inheritable: self.inheritable,
        };
        sys::Section::open(&request).map(FileMapping::from_inner)
    }
}

// The shorthands live beside the builders they wrap, so that `mapping` never imports `options`.
impl FileMapping {
    /// Creates (or opens, if live) a named read-write section of `size` bytes backed by the
    /// system's memory. Shorthand for [`CreateOptions`].
    ///
    /// # Errors
    ///
    /// As [`CreateOptions::create`].
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{Disposition, FileMapping};
    ///
    /// let name = format!("doc-short-{}", std::process::id());
    /// let (map, disposition) = FileMapping::create(&name, 2048)?;
    /// assert_eq!(disposition, Disposition::Created);
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[doc(alias = "CreateFileMappingW")]
    pub fn create(name: &str, size: u64) -> Result<(FileMapping, Disposition)> {
        CreateOptions::new().name(name).size(size).create()
    }

    /// Opens the live section `name` with `access`. Shorthand for [`OpenOptions`].
    ///
    /// # Errors
    ///
    /// As [`OpenOptions::open`].
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{ErrorKind, FileMapAccess, FileMapping};
    ///
    /// let err = FileMapping::open("doc-missing", FileMapAccess::READ).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::NotFound);
    /// ```
    #[doc(alias = "OpenFileMappingW")]
    pub fn open(name: &str, access: FileMapAccess) -> Result<FileMapping> {
        OpenOptions::new(access).open(name)
    }
}
