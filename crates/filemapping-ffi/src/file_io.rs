//! `ReadFile`, `WriteFile`, `GetFileSizeEx`, `SetFilePointerEx`, `SetEndOfFile` and
//! `FlushFileBuffers` on handles from `CreateFile`.

#![allow(unsafe_code)]

use crate::boundary::{guard, to_bool, write_optional, write_out};
use crate::error::Win32Error;
use crate::objects::FileObject;
use crate::types::{BOOL, DWORD, HANDLE, LARGE_INTEGER};
use crate::{file_pins, handles};
use filemapping::{
    ERROR_ACCESS_DENIED, ERROR_INVALID_PARAMETER, ERROR_NEGATIVE_SEEK, ERROR_USER_MAPPED_FILE,
};
use std::ffi::c_void;
use std::io::{self, Seek, SeekFrom};
use std::os::unix::io::AsRawFd;

const FILE_BEGIN: u32 = 0;
const FILE_CURRENT: u32 = 1;
const FILE_END: u32 = 2;

/// Runs `op` on the file behind `handle` (`ERROR_INVALID_HANDLE` for any other handle).
pub(crate) fn with_file<T>(
    handle: HANDLE,
    op: impl FnOnce(&FileObject) -> Result<T, Win32Error>,
) -> Result<T, Win32Error> {
    let object = handles::get(handle)?;
    op(object.file()?)
}

/// Moves up to `len` bytes through `step` (one `read` or `write` call from the given offset in
/// the buffer) until done or the file ends, retrying interrupted calls; returns the bytes moved.
fn transfer(len: usize, mut step: impl FnMut(usize) -> isize) -> io::Result<usize> {
    let mut done = 0;
    while done < len {
        match step(done) {
            0 => break,
            n if n > 0 => done += n as usize,
            _ => {
                let err = io::Error::last_os_error();
                if err.kind() != io::ErrorKind::Interrupted {
                    return Err(err);
                }
            }
        }
    }
    Ok(done)
}

/// What a `ReadFile` or `WriteFile` call was asked for.
struct Io {
    handle: HANDLE,
    buf: *mut c_void,
    len: usize,
    overlapped: bool,
}

/// `ReadFile` (`write` false) or `WriteFile` in Rust, with raw pointers only: the buffer may be
/// a view shared with other processes, so no Rust reference to it is made.
///
/// # Safety
///
/// `io.buf` is valid for `io.len` bytes of reads (`WriteFile`) or writes (`ReadFile`).
unsafe fn read_write(io: &Io, write: bool) -> Result<u32, Win32Error> {
    if io.overlapped || (io.buf.is_null() && io.len > 0) {
        return Err(Win32Error(ERROR_INVALID_PARAMETER));
    }
    with_file(io.handle, |f| {
        // Windows checks the handle's granted access before it moves a byte. (Linux would say
        // EBADF for a descriptor not open for the transfer, a closed handle in Win32 terms.)
        let granted = if write { f.access.write } else { f.access.read };
        if !granted {
            return Err(Win32Error(ERROR_ACCESS_DENIED));
        }
        let fd = f.file.as_raw_fd();
        let moved = transfer(io.len, |done| {
            // SAFETY: `done < io.len`, so `buf + done` and the `io.len - done` bytes after it
            // are inside the caller's buffer, valid as this function's contract requires.
            let at = unsafe { io.buf.cast::<u8>().add(done) }.cast::<c_void>();
            // SAFETY: as above; read/write only touch those bytes.
            unsafe {
                if write {
                    libc::write(fd, at, io.len - done)
                } else {
                    libc::read(fd, at, io.len - done)
                }
            }
        })?;
        Ok(moved as u32)
    })
}

/// `ReadFile` (`write` false) or `WriteFile` behind the boundary: stores the bytes moved in
/// `*count` (0 on failure).
///
/// # Safety
///
/// As [`read_write`], and `count` is NULL or valid for writing a `DWORD`.
unsafe fn io_call(io: &Io, count: *mut DWORD, write: bool) -> BOOL {
    guard(to_bool(false), || {
        // SAFETY: NULL or valid for a write, as this function's contract requires.
        unsafe { write_optional(count, 0) };
        // SAFETY: the buffer is valid for the length, as this function's contract requires.
        let moved = unsafe { read_write(io, write) }?;
        // SAFETY: as above.
        unsafe { write_optional(count, moved) };
        Ok(to_bool(true))
    })
}

/// `SetFilePointerEx` in safe Rust; a position before the start is `ERROR_NEGATIVE_SEEK`.
pub(crate) fn seek(f: &FileObject, distance: i64, method: u32) -> Result<i64, Win32Error> {
    let mut file = &f.file;
    let base = match method {
        FILE_BEGIN => 0,
        FILE_CURRENT => file.stream_position()? as i64,
        FILE_END => file.metadata()?.len() as i64,
        _ => return Err(Win32Error(ERROR_INVALID_PARAMETER)),
    };
    let target = base.checked_add(distance).filter(|t| *t >= 0);
    let target = target.ok_or(Win32Error(ERROR_NEGATIVE_SEEK))?;
    Ok(file.seek(SeekFrom::Start(target as u64))? as i64)
}

/// `SetEndOfFile` in safe Rust: the file ends at the current position. A file that backs a
/// live section made here cannot shrink (spec row 106).
fn set_end(f: &FileObject) -> Result<BOOL, Win32Error> {
    if !f.access.write {
        return Err(Win32Error(ERROR_ACCESS_DENIED));
    }
    let position = (&f.file).stream_position()?;
    if position >= f.file.metadata()?.len() {
        f.file.set_len(position)?;
        return Ok(to_bool(true));
    }
    let id = file_pins::file_id(&f.file)?;
    file_pins::unless_mapped(id, ERROR_USER_MAPPED_FILE, || {
        f.file.set_len(position)?;
        Ok(to_bool(true))
    })
}

/// `FlushFileBuffers` in safe Rust.
fn flush(f: &FileObject) -> Result<BOOL, Win32Error> {
    if !f.access.write {
        return Err(Win32Error(ERROR_ACCESS_DENIED));
    }
    f.file.sync_all()?;
    Ok(to_bool(true))
}

/// Reads up to `nNumberOfBytesToRead` bytes at the file position; fewer only at the end of the
/// file (TRUE with 0 bytes there). `ERROR_ACCESS_DENIED` without read access.
///
/// # Platform notes
///
/// Overlapped I/O is not supported: `lpOverlapped` must be NULL (else `ERROR_INVALID_PARAMETER`).
///
/// # Safety
///
/// - `lpBuffer` is valid for writing `nNumberOfBytesToRead` bytes.
/// - `lpNumberOfBytesRead` is NULL or valid for writing a `DWORD`.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-readfile>
#[no_mangle]
pub unsafe extern "C" fn ReadFile(
    hFile: HANDLE,
    lpBuffer: *mut c_void,
    nNumberOfBytesToRead: DWORD,
    lpNumberOfBytesRead: *mut DWORD,
    lpOverlapped: *mut c_void,
) -> BOOL {
    let io = Io {
        handle: hFile,
        buf: lpBuffer,
        len: nNumberOfBytesToRead as usize,
        overlapped: !lpOverlapped.is_null(),
    };
    // SAFETY: this function's contract is `io_call`'s.
    unsafe { io_call(&io, lpNumberOfBytesRead, false) }
}

/// Writes `nNumberOfBytesToWrite` bytes at the file position. `ERROR_ACCESS_DENIED` without
/// write access.
///
/// # Platform notes
///
/// Overlapped I/O is not supported: `lpOverlapped` must be NULL (else `ERROR_INVALID_PARAMETER`).
///
/// # Safety
///
/// - `lpBuffer` is valid for reading `nNumberOfBytesToWrite` bytes.
/// - `lpNumberOfBytesWritten` is NULL or valid for writing a `DWORD`.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-writefile>
#[no_mangle]
pub unsafe extern "C" fn WriteFile(
    hFile: HANDLE,
    lpBuffer: *const c_void,
    nNumberOfBytesToWrite: DWORD,
    lpNumberOfBytesWritten: *mut DWORD,
    lpOverlapped: *mut c_void,
) -> BOOL {
    let io = Io {
        handle: hFile,
        buf: lpBuffer.cast_mut(),
        len: nNumberOfBytesToWrite as usize,
        overlapped: !lpOverlapped.is_null(),
    };
    // SAFETY: this function's contract is `io_call`'s.
    unsafe { io_call(&io, lpNumberOfBytesWritten, true) }
}

/// Stores the file's size in `*lpFileSize`.
///
/// # Safety
///
/// `lpFileSize` is NULL (`ERROR_INVALID_PARAMETER`) or valid for writing a `LARGE_INTEGER`.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-getfilesizeex>
#[no_mangle]
pub unsafe extern "C" fn GetFileSizeEx(hFile: HANDLE, lpFileSize: *mut LARGE_INTEGER) -> BOOL {
    guard(to_bool(false), || {
        let size = with_file(hFile, |f| Ok(f.file.metadata()?.len() as i64))?;
        // SAFETY: NULL or valid for a write, as this function's contract requires.
        unsafe { write_out(lpFileSize, LARGE_INTEGER { QuadPart: size }) }?;
        Ok(to_bool(true))
    })
}

/// Moves the file position by `liDistanceToMove` from `FILE_BEGIN`, `FILE_CURRENT` or
/// `FILE_END`, and stores the new position in `*lpNewFilePointer` if it is not NULL.
///
/// # Safety
///
/// `lpNewFilePointer` is NULL or valid for writing a `LARGE_INTEGER`.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-setfilepointerex>
#[no_mangle]
pub unsafe extern "C" fn SetFilePointerEx(
    hFile: HANDLE,
    liDistanceToMove: LARGE_INTEGER,
    lpNewFilePointer: *mut LARGE_INTEGER,
    dwMoveMethod: DWORD,
) -> BOOL {
    guard(to_bool(false), || {
        let position = with_file(hFile, |f| seek(f, liDistanceToMove.QuadPart, dwMoveMethod))?;
        // SAFETY: NULL or valid for a write, as this function's contract requires.
        unsafe { write_optional(lpNewFilePointer, LARGE_INTEGER { QuadPart: position }) };
        Ok(to_bool(true))
    })
}

/// Makes the file end at the current file position (extending it with zeros or truncating).
///
/// Shrinking a file that backs a live section or view made through this API fails with
/// `ERROR_USER_MAPPED_FILE`, as on Windows.
///
/// # Platform notes
///
/// The porting layer can only refuse for the sections it can see: those made here from a file
/// handle of this process. Linux cannot stop other programs, or sections opened here by name
/// only, from truncating a mapped file; touching a view past the new end then raises SIGBUS.
///
/// # Safety
///
/// No requirement: the handle is checked.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-setendoffile>
#[no_mangle]
pub extern "C" fn SetEndOfFile(hFile: HANDLE) -> BOOL {
    guard(to_bool(false), || with_file(hFile, set_end))
}

/// Writes the file's data and metadata to disk. `ERROR_ACCESS_DENIED` without write access.
///
/// # Safety
///
/// No requirement: the handle is checked.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-flushfilebuffers>
#[no_mangle]
pub extern "C" fn FlushFileBuffers(hFile: HANDLE) -> BOOL {
    guard(to_bool(false), || with_file(hFile, flush))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::objects::{FileAccess, Object};

    /// A handle without the access a transfer needs is refused before the transfer, with
    /// `ERROR_ACCESS_DENIED`, even for zero bytes (Linux would say EBADF, which reads as a closed
    /// handle).
    #[test]
    fn transfers_need_the_handles_access() {
        let path = std::env::temp_dir().join(format!("fm-ffi-io-{}", std::process::id()));
        let file = std::fs::File::create(&path).unwrap();
        let access = FileAccess {
            write: true,
            ..FileAccess::default()
        };
        let handle = handles::insert(Object::File(FileObject { file, access }));
        let mut buf = [0u8; 4];
        let at = buf.as_mut_ptr();
        let transfer = |len: usize, write: bool| {
            let io = Io {
                handle,
                buf: at.cast(),
                len,
                overlapped: false,
            };
            // SAFETY: `buf` is valid for 4 bytes of reads and writes, and `len <= 4`.
            unsafe { read_write(&io, write) }
        };
        assert_eq!(transfer(4, true), Ok(4));
        assert_eq!(transfer(4, false), Err(Win32Error(ERROR_ACCESS_DENIED)));
        assert_eq!(transfer(0, false), Err(Win32Error(ERROR_ACCESS_DENIED)));
        handles::remove(handle).unwrap();
        std::fs::remove_file(&path).unwrap();
    }
}
