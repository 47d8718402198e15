//! `CreateFileA/W` and `DeleteFileA/W`: opening, creating and deleting files by path, with the
//! Win32 creation dispositions and error codes.

#![allow(unsafe_code)]

use crate::boundary::{guard, inheritable, to_bool};
use crate::error::Win32Error;
use crate::names::CName;
use crate::objects::{FileAccess, FileObject, Object};
use crate::types::{
    BOOL, DWORD, HANDLE, INVALID_HANDLE_VALUE, LPCSTR, LPCWSTR, SECURITY_ATTRIBUTES,
};
use crate::{file_pins, handles, last_error};
use filemapping::{
    ERROR_ACCESS_DENIED, ERROR_ALREADY_EXISTS, ERROR_PATH_NOT_FOUND, ERROR_SUCCESS,
    ERROR_USER_MAPPED_FILE,
};
use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};

const GENERIC_READ: u32 = 0x8000_0000;
const GENERIC_WRITE: u32 = 0x4000_0000;
const GENERIC_EXECUTE: u32 = 0x2000_0000;
const GENERIC_ALL: u32 = 0x1000_0000;
const FILE_READ_DATA: u32 = 0x1;
const FILE_WRITE_DATA: u32 = 0x2;
const FILE_APPEND_DATA: u32 = 0x4;
const FILE_EXECUTE: u32 = 0x20;

const CREATE_NEW: u32 = 1;
const CREATE_ALWAYS: u32 = 2;
const OPEN_EXISTING: u32 = 3;
const OPEN_ALWAYS: u32 = 4;
const TRUNCATE_EXISTING: u32 = 5;

/// The rights `dwDesiredAccess` asks for.
fn file_access(desired: u32) -> FileAccess {
    let any = |bits: u32| desired & (bits | GENERIC_ALL) != 0;
    FileAccess {
        read: any(GENERIC_READ | FILE_READ_DATA),
        write: any(GENERIC_WRITE | FILE_WRITE_DATA | FILE_APPEND_DATA),
        execute: any(GENERIC_EXECUTE | FILE_EXECUTE),
    }
}

/// Opens `path` with `flags` (`O_CREAT`, `O_EXCL`, `O_TRUNC`); a new file gets mode 0666 (less
/// the umask), as a file Windows creates grants everyone's rights, execute included. A handle
/// with neither read nor write access is an `O_PATH` descriptor, which the library refuses to
/// map (spec row 17).
fn open_with(path: &Path, access: FileAccess, flags: i32) -> io::Result<File> {
    let mode = 0o666;
    let mut options = OpenOptions::new();
    options.mode(mode).read(access.read).write(access.write);
    if access.read || access.write {
        return options.custom_flags(flags).open(path);
    }
    if flags != 0 {
        // O_PATH ignores the creation flags: create or truncate first.
        OpenOptions::new()
            .read(true)
            .mode(mode)
            .custom_flags(flags)
            .open(path)?;
    }
    options.read(true).custom_flags(libc::O_PATH).open(path)
}

/// Whether the file system of `file` lets files be mapped executable: Linux refuses
/// `PROT_EXEC` mappings on a `noexec` mount, whatever the file's permission bits, and checks
/// nothing else for a mapping.
fn mount_allows_execute(file: &File) -> io::Result<bool> {
    // SAFETY: an all-zero `statvfs` is a valid value of the plain C struct.
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: fstatvfs writes only into `st`.
    if unsafe { libc::fstatvfs(file.as_raw_fd(), &mut st) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(st.f_flag & libc::ST_NOEXEC == 0)
}

/// Tries to create `path` exclusively; `Ok(None)` if it exists.
fn create_exclusive(path: &Path, access: FileAccess) -> io::Result<Option<File>> {
    match open_with(path, access, libc::O_CREAT | libc::O_EXCL) {
        Ok(file) => Ok(Some(file)),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(None),
        Err(e) => Err(e),
    }
}

/// A file opened per `dwCreationDisposition`.
#[derive(Debug)]
struct Opened {
    file: File,
    /// Whether the file existed before.
    existed: bool,
    /// Whether the disposition cuts the existing file to 0 bytes ([`truncate`] does it).
    truncate: bool,
}

/// Opens per `dwCreationDisposition`. An existing file that `CREATE_ALWAYS` or
/// `TRUNCATE_EXISTING` overwrites is opened as it is, for [`truncate`] to check and cut.
fn open_disposition(path: &Path, access: FileAccess, disposition: u32) -> io::Result<Opened> {
    let existing = |truncate| {
        open_with(path, access, 0).map(|file| Opened {
            file,
            existed: true,
            truncate,
        })
    };
    let created = |file| {
        Ok(Opened {
            file,
            existed: false,
            truncate: false,
        })
    };
    match disposition {
        CREATE_NEW => open_with(path, access, libc::O_CREAT | libc::O_EXCL).and_then(created),
        CREATE_ALWAYS => create_exclusive(path, access)?.map_or_else(|| existing(true), created),
        OPEN_EXISTING => existing(false),
        OPEN_ALWAYS => create_exclusive(path, access)?.map_or_else(|| existing(false), created),
        TRUNCATE_EXISTING => existing(true),
        _ => Err(io::Error::from_raw_os_error(libc::EINVAL)),
    }
}

/// Cuts an existing file to 0 bytes for `CREATE_ALWAYS` or `TRUNCATE_EXISTING`, unless it
/// backs a live section made here: Windows refuses to truncate a mapped file with
/// `ERROR_USER_MAPPED_FILE`, where Linux would cut the pages from under the views (SIGBUS).
/// A directory is left alone (the caller refuses it).
fn truncate(file: &File) -> Result<(), Win32Error> {
    let meta = file.metadata()?;
    if meta.is_dir() {
        return Ok(());
    }
    let id = (meta.dev(), meta.ino());
    file_pins::unless_mapped(id, ERROR_USER_MAPPED_FILE, || {
        // Through a descriptor of its own: Windows overwrites for the disposition even when
        // the handle may not write, and this open checks the file's permission as `O_TRUNC`
        // on the first open would have.
        OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_TRUNC)
            .open(format!("/proc/self/fd/{}", file.as_raw_fd()))?;
        Ok(())
    })
}

/// The Win32 error for a failed open: a missing directory is `ERROR_PATH_NOT_FOUND`, not
/// `ERROR_FILE_NOT_FOUND`.
pub(crate) fn open_error(path: &Path, err: io::Error) -> Win32Error {
    let parent_missing = path
        .parent()
        .is_some_and(|p| !p.as_os_str().is_empty() && !p.exists());
    if err.kind() == io::ErrorKind::NotFound && parent_missing {
        return Win32Error(ERROR_PATH_NOT_FOUND);
    }
    err.into()
}

/// `CreateFile` in safe Rust. On success the last error is `ERROR_ALREADY_EXISTS` when
/// `CREATE_ALWAYS` or `OPEN_ALWAYS` found the file, else 0.
fn create_file(
    path: Option<PathBuf>,
    desired: u32,
    disposition: u32,
    inheritable: bool,
) -> Result<HANDLE, Win32Error> {
    let path = path.ok_or(Win32Error(ERROR_PATH_NOT_FOUND))?;
    let access = file_access(desired);
    let opened = open_disposition(&path, access, disposition).map_err(|e| open_error(&path, e))?;
    if opened.existed && (access.write || opened.truncate) && read_only(&opened.file)? {
        return Err(Win32Error(ERROR_ACCESS_DENIED));
    }
    if opened.truncate {
        truncate(&opened.file)?;
    }
    let (file, existed) = (opened.file, opened.existed);
    let meta = file.metadata()?;
    // A directory needs FILE_FLAG_BACKUP_SEMANTICS on Windows. GENERIC_EXECUTE is the right
    // to map the file executable (spec §2.3), which Windows grants on ordinary files and Linux
    // grants unless the file system is mounted `noexec`: the execute bits are not checked for
    // a mapping, so they are not checked here either.
    if meta.is_dir() || (access.execute && !mount_allows_execute(&file)?) {
        return Err(Win32Error(ERROR_ACCESS_DENIED));
    }
    if inheritable {
        crate::inherit::set_fd_inheritable(file.as_raw_fd(), true)?;
    }
    let handle = handles::insert(Object::File(FileObject { file, access }));
    let always = disposition == CREATE_ALWAYS || disposition == OPEN_ALWAYS;
    last_error::set(if always && existed {
        ERROR_ALREADY_EXISTS
    } else {
        ERROR_SUCCESS
    });
    Ok(handle)
}

/// Whether a regular file has Windows' `FILE_ATTRIBUTE_READONLY` (no write permission bit at
/// all, as `SetFileAttributes` keeps it): it refuses writers and deletion even to root, as
/// Windows refuses administrators.
fn read_only(file: &File) -> io::Result<bool> {
    let meta = file.metadata()?;
    Ok(meta.is_file() && meta.mode() & 0o222 == 0)
}

/// `DeleteFile` in safe Rust. A file that backs a live section made here cannot be deleted
/// (`ERROR_ACCESS_DENIED`, as Windows refuses); a symbolic link is deleted, not its target.
fn delete_file(path: Option<PathBuf>) -> Result<BOOL, Win32Error> {
    let path = path.ok_or(Win32Error(ERROR_PATH_NOT_FOUND))?;
    let meta = std::fs::symlink_metadata(&path).map_err(|e| open_error(&path, e))?;
    if meta.is_file() && meta.mode() & 0o222 == 0 {
        return Err(Win32Error(ERROR_ACCESS_DENIED));
    }
    file_pins::unless_mapped((meta.dev(), meta.ino()), ERROR_ACCESS_DENIED, || {
        std::fs::remove_file(&path).map_err(|e| open_error(&path, e))
    })?;
    Ok(to_bool(true))
}

/// `CreateFileA/W` behind the boundary.
///
/// # Safety
///
/// `name` is NULL or NUL-terminated; `attributes` is NULL or points to a valid
/// `SECURITY_ATTRIBUTES`.
unsafe fn create_file_c(
    name: CName,
    desired: DWORD,
    attributes: *const SECURITY_ATTRIBUTES,
    disposition: DWORD,
) -> HANDLE {
    guard(INVALID_HANDLE_VALUE, || {
        // SAFETY: NULL or valid, as this function's contract requires.
        let inherit = unsafe { inheritable(attributes) };
        // SAFETY: NULL or NUL-terminated, as this function's contract requires.
        create_file(unsafe { name.path() }?, desired, disposition, inherit)
    })
}

/// `DeleteFileA/W` behind the boundary.
///
/// # Safety
///
/// `name` is NULL or NUL-terminated.
unsafe fn delete_file_c(name: CName) -> BOOL {
    guard(to_bool(false), || {
        // SAFETY: NULL or NUL-terminated, as this function's contract requires.
        delete_file(unsafe { name.path() }?)
    })
}

/// Opens or creates a file; the handle can back a file mapping. `dwCreationDisposition` is one
/// of `CREATE_NEW`, `CREATE_ALWAYS`, `OPEN_EXISTING`, `OPEN_ALWAYS`, `TRUNCATE_EXISTING`.
/// Returns `INVALID_HANDLE_VALUE` on failure (`ERROR_FILE_NOT_FOUND`, `ERROR_FILE_EXISTS`,
/// `ERROR_ACCESS_DENIED`, …). `CREATE_ALWAYS` and `TRUNCATE_EXISTING` on a file that backs a
/// live section fail with `ERROR_USER_MAPPED_FILE` and leave the file as it is.
///
/// # Platform notes
///
/// The path is a Linux path (bytes as given). `dwShareMode`, `dwFlagsAndAttributes`, the
/// security descriptor and `hTemplateFile` are ignored; `bInheritHandle` of the security
/// attributes makes the handle inheritable (see [`SetHandleInformation`](crate::handle_api::SetHandleInformation)).
/// `GENERIC_EXECUTE` (the right to map the file executable) is granted as Windows grants it
/// on ordinary files, whatever the file's execute bits, since Linux does not check them for a
/// mapping; on a file system mounted `noexec`, where Linux refuses executable mappings,
/// `GENERIC_EXECUTE` fails with `ERROR_ACCESS_DENIED` (as a Windows file whose ACL denies
/// execute does). New files get mode 0666 less the umask. Only sections made here from a file
/// handle of this process keep a file from being truncated (see
/// [`SetEndOfFile`](crate::file_io::SetEndOfFile)).
///
/// # Safety
///
/// `lpFileName` is NULL or points to a NUL-terminated string; `lpSecurityAttributes` is NULL
/// or points to a valid `SECURITY_ATTRIBUTES`.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-createfilea>
#[no_mangle]
pub unsafe extern "C" fn CreateFileA(
    lpFileName: LPCSTR,
    dwDesiredAccess: DWORD,
    dwShareMode: DWORD,
    lpSecurityAttributes: *const SECURITY_ATTRIBUTES,
    dwCreationDisposition: DWORD,
    dwFlagsAndAttributes: DWORD,
    hTemplateFile: HANDLE,
) -> HANDLE {
    let _ = (dwShareMode, dwFlagsAndAttributes, hTemplateFile);
    let (name, attributes) = (CName::Ansi(lpFileName), lpSecurityAttributes);
    // SAFETY: this function's contract is `create_file_c`'s.
    unsafe { create_file_c(name, dwDesiredAccess, attributes, dwCreationDisposition) }
}

/// Opens or creates a file named by a UTF-16 path. See [`CreateFileA`].
///
/// # Safety
///
/// `lpFileName` is NULL or points to a NUL-terminated UTF-16 string; `lpSecurityAttributes`
/// is NULL or points to a valid `SECURITY_ATTRIBUTES`.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-createfilew>
#[no_mangle]
pub unsafe extern "C" fn CreateFileW(
    lpFileName: LPCWSTR,
    dwDesiredAccess: DWORD,
    dwShareMode: DWORD,
    lpSecurityAttributes: *const SECURITY_ATTRIBUTES,
    dwCreationDisposition: DWORD,
    dwFlagsAndAttributes: DWORD,
    hTemplateFile: HANDLE,
) -> HANDLE {
    let _ = (dwShareMode, dwFlagsAndAttributes, hTemplateFile);
    let (name, attributes) = (CName::Wide(lpFileName), lpSecurityAttributes);
    // SAFETY: this function's contract is `create_file_c`'s.
    unsafe { create_file_c(name, dwDesiredAccess, attributes, dwCreationDisposition) }
}

/// Deletes a file. A file that backs a live section or view fails with `ERROR_ACCESS_DENIED`,
/// as on Windows.
///
/// # Platform notes
///
/// Only sections made here from a file handle of this process keep a file from being deleted;
/// a file another process maps is deleted, its views staying valid (Linux keeps the data until
/// the last mapping goes).
///
/// # Safety
///
/// `lpFileName` is NULL or points to a NUL-terminated string.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-deletefilea>
#[no_mangle]
pub unsafe extern "C" fn DeleteFileA(lpFileName: LPCSTR) -> BOOL {
    // SAFETY: this function's contract is `delete_file_c`'s.
    unsafe { delete_file_c(CName::Ansi(lpFileName)) }
}

/// Deletes a file named by a UTF-16 path.
///
/// # Safety
///
/// `lpFileName` is NULL or points to a NUL-terminated UTF-16 string.
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-deletefilew>
#[no_mangle]
pub unsafe extern "C" fn DeleteFileW(lpFileName: LPCWSTR) -> BOOL {
    // SAFETY: this function's contract is `delete_file_c`'s.
    unsafe { delete_file_c(CName::Wide(lpFileName)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generic_rights_decode() {
        let rw = file_access(GENERIC_READ | GENERIC_WRITE);
        assert!(rw.read && rw.write && !rw.execute);
        assert_eq!(file_access(0), FileAccess::default());
        let all = file_access(GENERIC_ALL);
        assert!(all.read && all.write && all.execute);
    }

    #[test]
    fn dispositions_report_existence() {
        let dir = std::env::temp_dir().join(format!("fm-ffi-open-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("f");
        let rw = file_access(GENERIC_READ | GENERIC_WRITE);
        let opened = open_disposition(&path, rw, OPEN_ALWAYS).unwrap();
        assert!(!opened.existed && !opened.truncate);
        let opened = open_disposition(&path, rw, CREATE_ALWAYS).unwrap();
        assert!(opened.existed && opened.truncate);
        let err = open_disposition(&path, rw, CREATE_NEW).unwrap_err();
        assert_eq!(Win32Error::from(err).code(), filemapping::ERROR_FILE_EXISTS);
        let missing = dir.join("no/such");
        let err = open_disposition(&missing, rw, OPEN_EXISTING).unwrap_err();
        assert_eq!(open_error(&missing, err).code(), ERROR_PATH_NOT_FOUND);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
