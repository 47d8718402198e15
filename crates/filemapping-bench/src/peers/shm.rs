//! The trait every implementation implements ([`Shm`]), the types it speaks in ([`Region`],
//! [`Need`], [`ShmName`]) and the byte accesses it gives them all.

#![allow(unsafe_code)]

use crate::error::{BenchError, Result};
use crate::workspace::Name;
use std::ffi::CString;

/// What a case needs that not every implementation has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// Mapping and unmapping a view of an object that stays open.
    SeparateViews,
    /// Nothing but names: the case maps nothing (create-or-open, open+close).
    NamesOnly,
}

/// A mapped range, as the cases touch it.
#[derive(Clone, Copy, Debug)]
pub struct Region {
    /// The first byte.
    pub ptr: *mut u8,
    /// How many bytes are mapped (at least one).
    pub len: usize,
    /// Whether the range may be written.
    pub writable: bool,
}

/// One implementation's way of doing the operations the cases are made of. Dropping an
/// `Object` closes it (removing a name it owns, where the implementation does that); dropping a
/// `View` unmaps it.
///
/// # Safety
///
/// [`region`](Shm::region) must describe memory that stays mapped, `len` bytes long and
/// writable if it says so, for as long as the view lives: the default methods access it through
/// raw pointers.
pub unsafe trait Shm: 'static {
    /// An open handle.
    type Object: 'static;
    /// A mapped view.
    type View: 'static;
    /// What keeps a persistent name alive once its handle is closed.
    type Held: 'static;

    /// Creates a new named object of `size` bytes; an error if the name exists.
    ///
    /// # Errors
    ///
    /// Any failure of the implementation.
    fn create(&self, name: &Name, size: usize) -> Result<Self::Object>;

    /// Creates a fresh object nobody else needs to find: unnamed where the implementation can
    /// (memfd), else named `name`.
    ///
    /// # Errors
    ///
    /// Any failure of the implementation.
    fn create_unnamed(&self, name: &Name, size: usize) -> Result<Self::Object> {
        self.create(name, size)
    }

    /// Creates `name`, or opens it if it exists.
    ///
    /// # Errors
    ///
    /// Any failure of the implementation.
    fn create_or_open(&self, name: &Name, size: usize) -> Result<Self::Object>;

    /// Opens the existing `name` for reading.
    ///
    /// # Errors
    ///
    /// Any failure of the implementation.
    fn open(&self, name: &Name) -> Result<Self::Object>;

    /// Maps a view of the whole object, writable if `write`.
    ///
    /// # Errors
    ///
    /// Any failure of the implementation.
    fn map(&self, object: &Self::Object, write: bool) -> Result<Self::View>;

    /// Where `view` is mapped.
    fn region(&self, view: &Self::View) -> Region;

    /// Whether a name lives only while a handle to it is open (our library), rather than until
    /// someone removes it.
    fn counted(&self) -> bool {
        false
    }

    /// Closes `object` but keeps its name until the returned value drops. For counted names
    /// (see [`counted`](Shm::counted)) the name goes with the handle: nothing is kept.
    fn persist(&self, object: Self::Object) -> Self::Held;

    /// Why the implementation cannot do a case that needs `need`, or `None` if it can.
    fn lacks(&self, need: Need) -> Option<&'static str> {
        let _ = need;
        None
    }

    /// Writes one byte at the start of the view.
    ///
    /// # Errors
    ///
    /// If the view is read-only.
    fn write_byte(&self, view: &Self::View, value: u8) -> Result<()> {
        let region = writable(self.region(view))?;
        // SAFETY: the trait's contract: the region is mapped, writable and at least one byte.
        unsafe { region.ptr.write_volatile(value) };
        Ok(())
    }

    /// Reads the byte at the start of the view.
    ///
    /// # Errors
    ///
    /// None by default; an implementation may check more.
    fn read_byte(&self, view: &Self::View) -> Result<u8> {
        let region = self.region(view);
        // SAFETY: the trait's contract: the region is mapped and at least one byte long.
        Ok(unsafe { region.ptr.read_volatile() })
    }

    /// Copies `src` to the start of the view (the bandwidth cases).
    ///
    /// # Errors
    ///
    /// If the view is read-only or shorter than `src`.
    fn copy_in(&self, view: &Self::View, src: &[u8]) -> Result<()> {
        memcpy_in(self.region(view), 0, src)
    }

    /// Copies `src` into the view at `offset`, as a user of the implementation would (the
    /// safe-copy cases): a plain `memcpy` by default.
    ///
    /// # Errors
    ///
    /// If the view is read-only or the range is outside it.
    fn write_at(&self, view: &Self::View, offset: usize, src: &[u8]) -> Result<()> {
        memcpy_in(self.region(view), offset, src)
    }

    /// Copies bytes of the view from `offset` into `dst`, as a user of the implementation
    /// would: a plain `memcpy` by default.
    ///
    /// # Errors
    ///
    /// If the range is outside the view.
    fn read_at(&self, view: &Self::View, offset: usize, dst: &mut [u8]) -> Result<()> {
        memcpy_out(self.region(view), offset, dst)
    }
}

/// `[offset, offset + len)` if it lies inside `region`.
fn inside(region: Region, offset: usize, len: usize) -> Result<()> {
    match offset.checked_add(len) {
        Some(end) if end <= region.len => Ok(()),
        _ => Err(BenchError::new("the range is outside the view")),
    }
}

/// `memcpy` of `src` into `region` at `offset`.
///
/// # Errors
///
/// If the region is read-only or shorter than `offset + src.len()`.
pub fn memcpy_in(region: Region, offset: usize, src: &[u8]) -> Result<()> {
    let region = writable(region)?;
    inside(region, offset, src.len())?;
    // SAFETY: the region is mapped and writable for `region.len >= offset + src.len()` bytes
    // (the `Shm` contract of whoever made it), and a private buffer cannot overlap a mapping.
    unsafe { std::ptr::copy_nonoverlapping(src.as_ptr(), region.ptr.add(offset), src.len()) };
    Ok(())
}

/// `memcpy` from `region` at `offset` into `dst`.
///
/// # Errors
///
/// If the region is shorter than `offset + dst.len()`.
pub fn memcpy_out(region: Region, offset: usize, dst: &mut [u8]) -> Result<()> {
    inside(region, offset, dst.len())?;
    // SAFETY: the region is mapped for `region.len >= offset + dst.len()` bytes (the `Shm`
    // contract of whoever made it), and a private buffer cannot overlap a mapping.
    unsafe { std::ptr::copy_nonoverlapping(region.ptr.add(offset), dst.as_mut_ptr(), dst.len()) };
    Ok(())
}

/// A persistent POSIX shared-memory name, removed (`shm_unlink`) when this drops.
#[derive(Debug)]
pub struct ShmName(pub CString);

impl Drop for ShmName {
    fn drop(&mut self) {
        // SAFETY: the name is NUL-terminated and outlives the call.
        unsafe { libc::shm_unlink(self.0.as_ptr()) };
    }
}

fn writable(region: Region) -> Result<Region> {
    if region.writable {
        Ok(region)
    } else {
        Err(BenchError::new("the view is read-only"))
    }
}
