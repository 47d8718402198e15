//! Section handles on Linux: object files in the namespace (or memfds for unnamed sections),
//! each handle its own open file description holding a slot lock (the lock protocol is in
//! `object`).

#![allow(unsafe_code)]

use super::errors::{grow_error, os_error, Storage};
use super::fd;
use super::file::{self, FileBacking};
use super::header::{Header, ObjectKind, Store};
use super::hugetlb::{self, Thp};
use super::lock;
use super::object::{self, Place};
use super::view::{Mapping, Placement, Store as ViewStore, View};
use super::{backing, commit, dir, image, objfile};
use crate::error::{Error, ErrorKind, Result};
use crate::name::{ObjectName, Scope};
use crate::protection::{FileMapAccess, Protection, SectionAttributes};
use crate::sys::{CreateRequest, MapRequest, OpenRequest, SectionOps};
use crate::types::{Backing, Disposition, SectionInfo};
use std::os::unix::io::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// One handle to a section.
#[derive(Debug)]
pub(crate) struct Section {
    /// The object file's open file description, holding the handle's slot lock. Views of a
    /// handle that no child can inherit map it too (one `open` and `close` less per handle).
    obj: Option<Arc<OwnedFd>>,
    writable: bool,
    /// The backing file of a file-backed section.
    file: Option<Arc<OwnedFd>>,
    /// For an inheritable section in the system's memory: the lock-free open file description
    /// of the object file that views map, opened on the first view (why: see "Memory
    /// descriptions" in the lock protocol, `object`).
    mem: Mutex<Option<Arc<OwnedFd>>>,
    meta: Arc<Meta>,
    access: FileMapAccess,
    place: Option<Arc<Place>>,
    inheritable: bool,
}

/// What every handle of one section shares.
#[derive(Debug)]
struct Meta {
    info: SectionInfo,
    data_offset: u64,
    /// Whether the bytes are huge pages of a hugetlbfs file (`SEC_LARGE_PAGES`).
    large: bool,
    placement: Placement,
}

impl Meta {
    /// The shared part of a handle to the object `header` describes, whose object file is
    /// `raw`: how its views are placed depends on where its bytes are.
    fn of(header: &Header, raw: RawFd) -> Arc<Meta> {
        let placement = match header.store {
            Store::HugeTlb { .. } => {
                let page = hugetlb::large_page_size().max(fd::page_size());
                Placement {
                    page,
                    align: page,
                    advise: false,
                }
            }
            Store::Memory => memory_placement(header, raw),
            Store::File { .. } => Placement::plain(),
        };
        Arc::new(Meta {
            info: info_from(header),
            data_offset: header.data_offset,
            large: matches!(header.store, Store::HugeTlb { .. }),
            placement,
        })
    }
}

/// Views of a section kept in its object file are placed for huge pages when the object file's
/// tmpfs gives them and the data starts on a huge page (a creator on such a tmpfs puts it there
/// for every section of at least one huge page).
fn memory_placement(header: &Header, raw: RawFd) -> Placement {
    let pmd = hugetlb::pmd_size() as u64;
    if header.size < pmd || header.data_offset % pmd != 0 {
        return Placement::plain();
    }
    match hugetlb::thp_of(raw) {
        Thp::Never => Placement::plain(),
        thp => Placement {
            page: fd::page_size(),
            align: pmd as usize,
            advise: thp == Thp::Advise,
        },
    }
}

/// What one handle may do: the rights of its description and of the handle itself.
struct Rights {
    /// Whether its description was opened for writing.
    writable: bool,
    access: FileMapAccess,
    inheritable: bool,
}

impl SectionOps for Section {
    type View = View;

    fn create(req: &CreateRequest<'_>) -> Result<(Section, Disposition)> {
        let backing = match req.file {
            Some(f) => Some(file::prepare(
                f,
                req.protection,
                req.attributes,
                req.size,
                (req.inheritable, req.file_execute),
            )?),
            None => None,
        };
        match &req.name {
            None => Ok((build(req, backing, None)?, Disposition::Created)),
            Some(name) => create_named(req, name, backing),
        }
    }

    fn open(req: &OpenRequest<'_>) -> Result<Section> {
        objfile::open_named(&req.root, req.name, |place| {
            open_named(place, req.name, req.access, req.inheritable)
        })?
        .ok_or_else(|| {
            Error::new(
                ErrorKind::NotFound,
                format!(
                    "no object is named {}",
                    crate::name::for_message(&req.name.to_string())
                ),
            )
        })
    }

    fn duplicate(&self, access: FileMapAccess, inheritable: bool) -> Result<Section> {
        let obj = self.obj()?;
        let (fd, writable) = reopen(obj, access.contains(FileMapAccess::WRITE), inheritable)?;
        lock::claim_slot(fd.as_raw_fd(), writable)
            .map_err(|e| os_error(ErrorKind::Other, "cannot lock the duplicate", e))?;
        let file = match &self.file {
            Some(f) if inheritable => Some(Arc::new(dup(f.as_raw_fd(), false)?)),
            other => other.clone(),
        };
        let mem = match self.mem_if_open() {
            Some(_) if writable != self.writable => None,
            other => other,
        };
        let rights = Rights {
            writable,
            access,
            inheritable,
        };
        let mut dup =
            Section::assemble(fd, rights, file, Arc::clone(&self.meta), self.place.clone());
        dup.mem = Mutex::new(mem);
        Ok(dup)
    }

    fn info(&self) -> &SectionInfo {
        &self.meta.info
    }

    fn access(&self) -> FileMapAccess {
        self.access
    }

    fn handle_count(&self) -> Result<u64> {
        let others = lock::count_others(self.obj()?.as_raw_fd())
            .map_err(|e| os_error(ErrorKind::Other, "cannot count the handles", e))?;
        Ok(others + 1)
    }

    fn holder_pids(&self) -> Vec<u32> {
        match self.obj.as_deref().map(|obj| fd::fstat(obj.as_raw_fd())) {
            Some(Ok(st)) => super::holders::holders(st.st_dev, st.st_ino),
            _ => Vec::new(),
        }
    }

    fn map(&self, req: &MapRequest) -> Result<View> {
        let attributes = self.meta.info.attributes;
        if let (true, Some(file)) = (image::is_image(attributes), &self.file) {
            return image::map(file, req, attributes);
        }
        View::map(self.mapping(req)?)
    }

    fn map_ring(&self, req: &MapRequest) -> Result<(View, View)> {
        View::map_ring(self.mapping(req)?)
    }

    fn inherit_token(&self) -> Option<String> {
        let obj = self.obj.as_deref()?;
        if !self.inheritable {
            return None;
        }
        let file = self.file.as_ref().map_or(-1, |f| f.as_raw_fd());
        Some(format!(
            "{},{},{:x}",
            obj.as_raw_fd(),
            file,
            self.access.bits()
        ))
    }

    unsafe fn adopt(token: &str) -> Result<Section> {
        let (obj, file, access) = parse_token(token)?;
        // SAFETY: the caller guarantees that the token names inherited descriptors that nothing
        // else in this process owns.
        let obj = unsafe { OwnedFd::from_raw_fd(obj) };
        // SAFETY: as above, for the backing file's descriptor.
        let file = file.map(|f| Arc::new(unsafe { OwnedFd::from_raw_fd(f) }));
        adopt_fds(obj, file, access)
    }

    fn close(mut self) -> Result<()> {
        self.release()
    }
}

impl Drop for Section {
    fn drop(&mut self) {
        // Errors cannot be reported from drop; `close` reports them.
        let _ = self.release();
    }
}

impl Section {
    /// What to map for `req`: the descriptor range and how.
    fn mapping(&self, req: &MapRequest) -> Result<Mapping> {
        let store = match &self.file {
            Some(f) if self.meta.large => ViewStore::Memory {
                fd: Arc::clone(f),
                offset: req.offset,
                reserve: false,
            },
            Some(f) => ViewStore::File {
                fd: Arc::clone(f),
                offset: req.offset,
            },
            None => ViewStore::Memory {
                fd: self.view_fd()?,
                offset: self.meta.data_offset + req.offset,
                reserve: self
                    .meta
                    .info
                    .attributes
                    .contains(SectionAttributes::RESERVE),
            },
        };
        Ok(Mapping {
            store,
            len: req.len,
            protection: req.protection,
            base: req.base,
            replace: req.replace,
            placement: self.meta.placement,
        })
    }

    /// A handle around its own description `obj`, sharing `file`, `meta` and `place`.
    fn assemble(
        obj: OwnedFd,
        rights: Rights,
        file: Option<Arc<OwnedFd>>,
        meta: Arc<Meta>,
        place: Option<Arc<Place>>,
    ) -> Section {
        Section {
            obj: Some(Arc::new(obj)),
            writable: rights.writable,
            file,
            mem: Mutex::new(None),
            meta,
            access: rights.access,
            place,
            inheritable: rights.inheritable,
        }
    }

    fn obj(&self) -> Result<&OwnedFd> {
        self.obj
            .as_deref()
            .ok_or_else(|| Error::new(ErrorKind::InvalidHandle, "the handle is closed"))
    }

    /// The description that views of the system's memory map.
    fn view_fd(&self) -> Result<Arc<OwnedFd>> {
        match &self.obj {
            Some(obj) if !self.inheritable => Ok(Arc::clone(obj)),
            _ => self.mem(),
        }
    }

    /// The lock-free description views map, opened on first use.
    fn mem(&self) -> Result<Arc<OwnedFd>> {
        let obj = self.obj()?;
        let mut mem = self.mem.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(fd) = &*mem {
            return Ok(Arc::clone(fd));
        }
        let fd = objfile::mem_fd(obj, self.writable)?;
        *mem = Some(Arc::clone(&fd));
        Ok(fd)
    }

    fn mem_if_open(&self) -> Option<Arc<OwnedFd>> {
        self.mem.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn release(&mut self) -> Result<()> {
        let obj = match self.obj.take() {
            Some(obj) => obj,
            None => return Ok(()),
        };
        object::release(obj, self.writable, self.place.as_deref(), self.inheritable)
            .map_err(|e| os_error(ErrorKind::Other, "cannot close the handle", e))
    }
}

/// Create-or-open of a named section.
fn create_named(
    req: &CreateRequest<'_>,
    name: &ObjectName,
    mut backing: Option<FileBacking>,
) -> Result<(Section, Disposition)> {
    let access = req.protection.handle_access();
    objfile::create_or_open(
        &req.root,
        name,
        |place| open_named(place, name, access, req.inheritable),
        |place| build(req, backing.take(), Some(place)),
    )
}

impl objfile::Unpublished for Section {
    fn object(&self) -> Result<&OwnedFd> {
        self.obj()
    }

    fn published_at(&mut self, place: Arc<Place>) {
        self.place = Some(place);
    }
}

/// Builds a new, unpublished section: object file with header and reserved memory, and the
/// creator's slot (the create path of the lock protocol in `object`).
fn build(
    req: &CreateRequest<'_>,
    backing: Option<FileBacking>,
    place: Option<&Arc<Place>>,
) -> Result<Section> {
    let obj = match place {
        Some(place) => objfile::tmpfile(place.dir.as_raw_fd(), req.permissions)?,
        None => fd::memfd().map_err(|e| os_error(ErrorKind::NotEnoughMemory, "memfd_create", e))?,
    };
    let raw = obj.as_raw_fd();
    let large = if req.attributes.contains(SectionAttributes::LARGE_PAGES) {
        Some(hugetlb::create(req.size)?)
    } else {
        None
    };
    let huge = backing.is_none() && large.is_none() && place.is_some() && {
        req.size >= hugetlb::pmd_size() as u64 && hugetlb::thp_of(raw).usable()
    };
    let header = header_for(req, backing.as_ref(), large.as_ref(), huge)?;
    let data_offset = header.data_offset;
    fd::pwrite_all(raw, &header.encode(), 0).map_err(commit_error)?;
    match &backing {
        Some(b) if b.grow => file::grow(b)?,
        Some(_) => {}
        None if large.is_some() => {}
        None => reserve_memory(raw, req, data_offset, header.size, place.is_none())?,
    }
    lock::claim_slot(raw, true).map_err(|e| os_error(ErrorKind::Other, "lock", e))?;
    if req.inheritable {
        fd::set_cloexec(raw, false).map_err(|e| os_error(ErrorKind::Other, "fcntl", e))?;
    }
    let rights = Rights {
        writable: true,
        access: req.protection.handle_access(),
        inheritable: req.inheritable,
    };
    let meta = Meta::of(&header, raw);
    let file = match (backing, large) {
        (Some(b), _) => Some(Arc::new(b.fd)),
        (None, Some(large)) => {
            if req.inheritable {
                fd::set_cloexec(large.as_raw_fd(), false)
                    .map_err(|e| os_error(ErrorKind::Other, "fcntl", e))?;
            }
            Some(Arc::new(large))
        }
        (None, None) => None,
    };
    Ok(Section::assemble(obj, rights, file, meta, None))
}

/// The header of a new section. `large`: its huge pages (`SEC_LARGE_PAGES`); `huge`: its
/// object file is on a tmpfs that gives huge pages, so its data starts on a huge page.
fn header_for(
    req: &CreateRequest<'_>,
    backing: Option<&FileBacking>,
    large: Option<&OwnedFd>,
    huge: bool,
) -> Result<Header> {
    let name = req
        .name
        .as_ref()
        .map(ObjectName::to_string)
        .unwrap_or_default();
    let (size, store, data_offset) = match (backing, large) {
        (Some(b), _) => {
            let store = Store::File {
                path: b.path.clone(),
                dev: b.dev,
                ino: b.ino,
            };
            (b.size, store, 0)
        }
        (None, Some(large)) => {
            let st =
                fd::fstat(large.as_raw_fd()).map_err(|e| os_error(ErrorKind::Other, "fstat", e))?;
            let store = Store::HugeTlb {
                // While the creator lives, its descriptor leads openers to the pages at once.
                path: format!("/proc/{}/fd/{}", std::process::id(), large.as_raw_fd()).into(),
                dev: st.st_dev,
                ino: st.st_ino,
            };
            (req.size, store, 0)
        }
        (None, None) => {
            let page = if huge {
                hugetlb::pmd_size() as u64
            } else {
                fd::page_size() as u64
            };
            let fixed = super::header::FIXED_LEN as u64 + name.len() as u64;
            let offset = (fixed + page - 1) / page * page;
            (round_to_page(req.size), Store::Memory, offset)
        }
    };
    Ok(Header {
        kind: ObjectKind::Section as u32,
        protection: req.protection.to_raw(),
        attributes: req.attributes.bits(),
        size,
        data_offset,
        name,
        store,
    })
}

/// Page-rounded pagefile size (spec §2.2); absurd sizes saturate and fail at reservation.
fn round_to_page(size: u64) -> u64 {
    let page = fd::page_size() as u64;
    size.checked_add(page - 1)
        .map_or(u64::MAX, |s| s / page * page)
}

/// Reserves the memory of a section backed by the system's memory. `SEC_COMMIT` reserves every
/// byte now, so a full `/dev/shm` fails here and never later with SIGBUS. `SEC_RESERVE` only
/// sets the size.
fn reserve_memory(
    raw: RawFd,
    req: &CreateRequest<'_>,
    offset: u64,
    size: u64,
    memfd: bool,
) -> Result<()> {
    if offset
        .checked_add(size)
        .map_or(true, |end| end > i64::MAX as u64)
    {
        return Err(Error::new(
            ErrorKind::NotEnoughMemory,
            format!("a section of {} bytes is too big", req.size),
        ));
    }
    let result = if req.attributes.contains(SectionAttributes::RESERVE) {
        fd::set_len(raw, offset + size)
    } else {
        commit::check(size).and_then(|_| fd::allocate(raw, offset, size))
    };
    result.map_err(commit_error)?;
    if memfd {
        fd::seal_size(raw).map_err(|e| os_error(ErrorKind::Other, "cannot seal the memfd", e))?;
    }
    Ok(())
}

fn commit_error(errno: i32) -> Error {
    grow_error(
        Storage::Memory,
        "the system's memory cannot back the whole section",
        errno,
    )
}

/// Opens the live object at `place`, if there is one.
fn open_named(
    place: &Arc<Place>,
    name: &ObjectName,
    access: FileMapAccess,
    inheritable: bool,
) -> Result<Option<Section>> {
    let need_write = access.contains(FileMapAccess::WRITE);
    let attached = objfile::attach(place, name, need_write)?;
    let attached = match attached {
        Some(a) => a,
        None => return Ok(None),
    };
    let raw = attached.fd.as_raw_fd();
    let header = read_attached_header(&attached)?;
    objfile::check_name(&header, name, place)?;
    if inheritable {
        fd::set_cloexec(raw, false).map_err(|e| os_error(ErrorKind::Other, "fcntl", e))?;
    }
    let file = open_store(raw, &header, inheritable)?;
    let rights = Rights {
        writable: attached.writable,
        access,
        inheritable,
    };
    let meta = Meta::of(&header, raw);
    let place = Some(Arc::clone(place));
    Ok(Some(Section::assemble(
        attached.fd,
        rights,
        file,
        meta,
        place,
    )))
}

/// Reads a section's header; a name of another object type is `ERROR_INVALID_HANDLE` (spec §4,
/// rows 39–41), and so is a header that no creator of ours writes (a rewritten one: DESIGN
/// invariant 8): a protection or attributes that `create` refuses, or a size that is not whole
/// pages for a section in the system's memory.
pub(super) fn read_header(raw: RawFd) -> Result<Header> {
    checked(objfile::read_header(raw, ObjectKind::Section)?)
}

/// [`read_header`] of an attached handle, whose `fstat` it already has.
fn read_attached_header(attached: &object::Attached) -> Result<Header> {
    let raw = attached.fd.as_raw_fd();
    checked(objfile::read_header_of(
        raw,
        ObjectKind::Section,
        &attached.stat,
    )?)
}

/// The checks of [`read_header`] beyond the object file's own.
fn checked(header: Header) -> Result<Header> {
    if Protection::from_raw(header.protection).is_err() {
        return Err(objfile::malformed("has a bad protection"));
    }
    let attributes = SectionAttributes::from_bits(header.attributes);
    let page = fd::page_size() as u64;
    let large = SectionAttributes::LARGE_PAGES;
    let valid = match header.store {
        Store::Memory => {
            valid_memory_attributes(attributes)
                && !attributes.contains(large)
                && header.size % page == 0
        }
        Store::File { .. } => {
            valid_file_attributes(attributes) || image::valid_attributes(attributes)
        }
        Store::HugeTlb { .. } => {
            let huge = hugetlb::large_page_size() as u64;
            valid_memory_attributes(attributes)
                && attributes.contains(large | SectionAttributes::COMMIT)
                && huge != 0
                && header.size % huge == 0
        }
    };
    if !valid {
        return Err(objfile::malformed("has bad attributes or size"));
    }
    Ok(header)
}

/// What `SectionAttributes::validate` gives a section in the system's memory: known bits, one
/// of `SEC_COMMIT` and `SEC_RESERVE`, never `SEC_FILE` or `SEC_IMAGE`.
fn valid_memory_attributes(attributes: SectionAttributes) -> bool {
    use SectionAttributes as S;
    known(attributes)
        && attributes.contains(S::COMMIT) != attributes.contains(S::RESERVE)
        && !attributes.contains(S::FILE)
        && !attributes.contains(S::IMAGE)
}

/// What it gives a file-backed one: `SEC_FILE` and the cache modifiers only.
fn valid_file_attributes(attributes: SectionAttributes) -> bool {
    use SectionAttributes as S;
    let modifiers = S::NOCACHE.bits() | S::WRITECOMBINE.bits();
    attributes.contains(S::FILE) && attributes.bits() & !(S::FILE.bits() | modifiers) == 0
}

fn known(attributes: SectionAttributes) -> bool {
    attributes.bits() & !SectionAttributes::ALL.bits() == 0
}

/// Gets the backing file of a file-backed section, without trusting the header's path or
/// `(device, inode)` (`backing`; "Backing files" in the lock protocol, `object`). `raw` is the
/// object file: its owner, as the kernel reports it, is who wrote the header.
fn open_store(raw: RawFd, header: &Header, inheritable: bool) -> Result<Option<Arc<OwnedFd>>> {
    let (path, dev, ino) = match &header.store {
        Store::Memory => return Ok(None),
        Store::File { path, dev, ino } | Store::HugeTlb { path, dev, ino } => (path, *dev, *ino),
    };
    let large = matches!(header.store, Store::HugeTlb { .. });
    let owner = fd::fstat(raw)
        .map_err(|e| os_error(ErrorKind::Other, "fstat", e))?
        .st_uid;
    let fd = backing::open(&backing::Wanted {
        path,
        dev,
        ino,
        owner,
        // An image's section size is its view's, not the file's.
        size: if image::is_image(SectionAttributes::from_bits(header.attributes)) {
            0
        } else {
            header.size
        },
        writable: Protection::from_raw(header.protection).map_or(false, Protection::is_writable),
        follow: large,
    })?;
    if large
        && !(hugetlb::is_hugetlb(fd.as_raw_fd()) && fd::is_sealed_against_shrinking(fd.as_raw_fd()))
    {
        return Err(objfile::malformed(
            "names memory that is not sealed huge pages",
        ));
    }
    if inheritable {
        fd::set_cloexec(fd.as_raw_fd(), false)
            .map_err(|e| os_error(ErrorKind::Other, "fcntl", e))?;
    }
    Ok(Some(Arc::new(fd)))
}

pub(super) fn info_from(header: &Header) -> SectionInfo {
    let backing = match &header.store {
        Store::Memory | Store::HugeTlb { .. } => Backing::PagingFile,
        Store::File { path, .. } => {
            Backing::File(Some(path.clone()).filter(|p| !p.as_os_str().is_empty()))
        }
    };
    SectionInfo {
        size: header.size,
        protection: Protection::from_raw(header.protection).unwrap_or(Protection::ReadOnly),
        attributes: SectionAttributes::from_bits(header.attributes),
        name: Some(header.name.clone()).filter(|n| !n.is_empty()),
        backing,
    }
}

/// A new open file description of the same object, read-write when possible.
fn reopen(obj: &OwnedFd, need_write: bool, inheritable: bool) -> Result<(OwnedFd, bool)> {
    let raw = obj.as_raw_fd();
    let (fd, writable) = match fd::reopen(raw, libc::O_RDWR) {
        Ok(fd) => (fd, true),
        Err(e) if !need_write && fd::refuses_writing(e) => (reopen_ro(raw)?, false),
        Err(e) => {
            return Err(os_error(
                ErrorKind::AccessDenied,
                "cannot duplicate the handle",
                e,
            ))
        }
    };
    if inheritable {
        fd::set_cloexec(fd.as_raw_fd(), false)
            .map_err(|e| os_error(ErrorKind::Other, "fcntl", e))?;
    }
    Ok((fd, writable))
}

fn reopen_ro(raw: RawFd) -> Result<OwnedFd> {
    fd::reopen(raw, libc::O_RDONLY)
        .map_err(|e| os_error(ErrorKind::AccessDenied, "cannot duplicate the handle", e))
}

fn dup(raw: RawFd, cloexec: bool) -> Result<OwnedFd> {
    fd::dup(raw, cloexec).map_err(|e| os_error(ErrorKind::Other, "dup", e))
}

fn parse_token(token: &str) -> Result<(RawFd, Option<RawFd>, FileMapAccess)> {
    let bad = || {
        Error::new(
            ErrorKind::InvalidHandle,
            format!("{token:?} is not an inherited handle"),
        )
    };
    let mut parts = token.split(',');
    let mut next = || parts.next().ok_or_else(bad);
    let obj: RawFd = next()?.parse().map_err(|_| bad())?;
    let file: RawFd = next()?.parse().map_err(|_| bad())?;
    let access = u32::from_str_radix(next()?, 16).map_err(|_| bad())?;
    if obj < 0 || parts.next().is_some() {
        return Err(bad());
    }
    Ok((
        obj,
        Some(file).filter(|f| *f >= 0),
        FileMapAccess::from_bits(access),
    ))
}

/// Builds a handle around inherited descriptors, after checking that they are one of ours.
fn adopt_fds(obj: OwnedFd, file: Option<Arc<OwnedFd>>, access: FileMapAccess) -> Result<Section> {
    let raw = obj.as_raw_fd();
    let header = read_header(raw)?;
    let (readable, writable) =
        fd::rights(raw).map_err(|e| os_error(ErrorKind::InvalidHandle, "fcntl", e))?;
    let writable = readable && writable;
    let st = fd::fstat(raw).map_err(|e| os_error(ErrorKind::InvalidHandle, "fstat", e))?;
    let place = if header.name.is_empty() {
        None
    } else {
        inherited_place(raw, &header.name, &st)?
    };
    let rights = Rights {
        writable,
        access,
        inheritable: true,
    };
    let meta = Meta::of(&header, raw);
    Ok(Section::assemble(obj, rights, file, meta, place))
}

/// Finds the namespace directory of an inherited named object from the path the kernel reports
/// for it, and checks that the name there is this very object.
pub(super) fn inherited_place(
    raw: RawFd,
    name: &str,
    st: &libc::stat,
) -> Result<Option<Arc<Place>>> {
    let path: PathBuf = match fd::path_of(raw) {
        Some(p) if st.st_nlink > 0 => p,
        _ => return Ok(None),
    };
    let parsed = match crate::name::parse(name)? {
        crate::name::Parsed::Object(parsed) => parsed,
        _ => return Ok(None),
    };
    let root = path.parent().and_then(|d| d.parent()).unwrap_or(&path);
    let place = objfile::place_of(root, &parsed)?;
    let here = fd::open_at(
        place.dir.as_raw_fd(),
        &place.file,
        libc::O_RDONLY | libc::O_NOFOLLOW,
        0,
    )
    .and_then(|f| fd::fstat(f.as_raw_fd()))
    .map_err(|e| os_error(ErrorKind::InvalidHandle, "the inherited object's name", e))?;
    if (here.st_dev, here.st_ino) != (st.st_dev, st.st_ino) || parsed.scope != scope_of(&path) {
        return Err(Error::new(
            ErrorKind::InvalidHandle,
            "the inherited object's name moved",
        ));
    }
    Ok(Some(Arc::new(place)))
}

fn scope_of(path: &std::path::Path) -> Scope {
    let dir = path.parent().and_then(|d| d.file_name());
    if dir == Some(std::ffi::OsStr::new(&dir::dir_name(Scope::Global))) {
        Scope::Global
    } else {
        Scope::Local
    }
}
