//! The operations the cases are made of, each written once over [`Shm`]: the main run times
//! them ([`crate::cases`]), `race_create`'s workers repeat one ([`crate::race`]) and the divan
//! suite (`benches/core`) times them one by one.

use crate::error::Result;
use crate::peers::shm::Shm;
use crate::workspace::Name;

/// The size of the sections of the life-cycle cases.
pub const SECTION: usize = 64 * 1024;

/// `create_map_close`: create a named 64 KiB section, map it, touch one byte, unmap, close.
///
/// # Errors
///
/// The first failure.
pub fn create_map_close<S: Shm>(shm: &S, name: &Name) -> Result<()> {
    let object = shm.create(name, SECTION)?;
    let view = shm.map(&object, true)?;
    shm.write_byte(&view, 1)?;
    drop(view);
    drop(object);
    Ok(())
}

/// `open_map_close`: open a live section by name, map it, read one byte, unmap, close.
///
/// # Errors
///
/// The first failure.
pub fn open_map_close<S: Shm>(shm: &S, name: &Name) -> Result<u8> {
    let object = shm.open(name)?;
    let view = shm.map(&object, false)?;
    let byte = std::hint::black_box(shm.read_byte(&view)?);
    drop(view);
    drop(object);
    Ok(byte)
}

/// `map_unmap`: map and unmap a view of `object`.
///
/// # Errors
///
/// The failure to map.
pub fn map_unmap<S: Shm>(shm: &S, object: &S::Object) -> Result<()> {
    drop(shm.map(object, true)?);
    Ok(())
}

/// `create_existing` and `race_create`: create-or-open `name`, then close it.
///
/// # Errors
///
/// The first failure.
pub fn create_or_open_close<S: Shm>(shm: &S, name: &Name) -> Result<()> {
    drop(shm.create_or_open(name, SECTION)?);
    Ok(())
}

/// `scale_open`: open `name` and close it.
///
/// # Errors
///
/// The failure to open.
pub fn open_close<S: Shm>(shm: &S, name: &Name) -> Result<()> {
    drop(shm.open(name)?);
    Ok(())
}

/// A live, touched 64 KiB section named `name`, for the cases that need one held.
///
/// # Errors
///
/// The first failure.
pub fn held<S: Shm>(shm: &S, name: &Name) -> Result<S::Object> {
    let object = shm.create(name, SECTION)?;
    shm.write_byte(&shm.map(&object, true)?, 1)?;
    Ok(object)
}

/// `first_touch_bandwidth`: create a fresh section of `src.len()` bytes, map it and write
/// `src` into it. Returns the view and the handle, for the caller to drop untimed.
///
/// # Errors
///
/// The first failure.
pub fn first_touch<S: Shm>(shm: &S, name: &Name, src: &[u8]) -> Result<(S::View, S::Object)> {
    let object = shm.create_unnamed(name, src.len())?;
    let view = shm.map(&object, true)?;
    shm.copy_in(&view, src)?;
    Ok((view, object))
}

/// `first_touch_huge_tmpfs`: create a fresh named section of `src.len()` bytes (its file where
/// the implementation keeps named ones), map it and write `src` with the implementation's own
/// copy ([`Shm::write_at`]). Returns the view and the handle, for the caller to drop untimed.
///
/// # Errors
///
/// The first failure.
pub fn first_write<S: Shm>(shm: &S, name: &Name, src: &[u8]) -> Result<(S::View, S::Object)> {
    let object = shm.create(name, src.len())?;
    let view = shm.map(&object, true)?;
    shm.write_at(&view, 0, src)?;
    Ok((view, object))
}

/// The section of `read_at_*` and `write_at_*`: named, `bytes` long, mapped writable, and every
/// page touched (written, then read) before anything is timed.
///
/// # Errors
///
/// The first failure.
pub fn touched<S: Shm>(shm: &S, name: &Name, bytes: usize) -> Result<(S::View, S::Object)> {
    let object = shm.create(name, bytes)?;
    let view = shm.map(&object, true)?;
    let mut buf = vec![0xA5; bytes];
    shm.copy_in(&view, &buf)?;
    shm.read_at(&view, 0, &mut buf)?;
    Ok((view, object))
}
