//! Conformance with the scenario table of `win32-semantics.md` (§12.1–§12.4), walked row by row
//! through the public API on Linux.
//!
//! Each test names the row it checks and cites the spec sections behind it. How strict a test is
//! follows the row's evidence codes (§0.1): a row with D or T asserts the exact Win32 error code;
//! a row with P or O (strict-ish) asserts it too; a row with only X or I asserts success or
//! failure, never the code.
//!
//! Every test works in a namespace root of its own: a fresh temporary directory that also holds
//! its files and is removed when the test ends. Tests that create named objects check at the end
//! that closing every handle left no name behind (§1.3).
//!
//! Concepts: `anon(N, name)` is [`Sandbox::anon`]; `F[R](n)`, `F[R+W](n)` are files of `n` bytes
//! opened read-only or read-write; `GENERIC_EXECUTE` is the file's execute permission (these tests
//! run as root, for whom any execute bit grants it); `F[0]` is an `O_PATH` descriptor, which has no
//! access at all.
//!
//! Rows not covered, and why:
//! - 26: needs a caller without the lock-memory privilege; these tests run as root, which holds
//!   `CAP_IPC_LOCK` (Linux's `SeLockMemoryPrivilege`), and dropping it needs `capset`.
//! - 32, first half: `SEC_IMAGE` on a real PE image (only the invalid `SEC_IMAGE|SEC_WRITECOMBINE`
//!   half is covered).
//! - 39–41: events live in `tests/behaviour.rs` (mutexes do not exist in the API).
//! - 45–46: `Global\` privileges and sessions (`SeCreateGlobalPrivilege`, services).
//! - 47: the limit of the ANSI `CreateFileMappingA`; the API takes Unicode names, as the W
//!   functions do.
//! - 55–58: need child processes; `tests/multiprocess` covers them.
//! - 87: a NULL or `INVALID_HANDLE_VALUE` handle cannot be expressed: a `FileMapping` is always a
//!   handle.
//! - 89–108 (§12.5): `VirtualQuery`, `VirtualAlloc`, `VirtualProtect`, `VirtualFree`,
//!   `UnmapViewOfFile` on arbitrary addresses, flushing and system information are outside this
//!   module.

#![cfg(target_os = "linux")]
#![cfg(target_os = "linux")]

use filemapping::{
    CreateOptions, Disposition, FileMapAccess as A, FileMapping, Namespace, OpenOptions,
    Protection, Result, SectionAttributes as S, View, ViewProtection as V,
};
use std::fmt::Debug;
use std::fs::{self, File};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

// Win32 error codes (spec §0.3).
const ERROR_SUCCESS: u32 = 0;
const ERROR_FILE_NOT_FOUND: u32 = 2;
const ERROR_PATH_NOT_FOUND: u32 = 3;
const ERROR_ACCESS_DENIED: u32 = 5;
const ERROR_NOT_ENOUGH_MEMORY: u32 = 8;
const ERROR_INVALID_PARAMETER: u32 = 87;
const ERROR_ALREADY_EXISTS: u32 = 183;
const ERROR_BAD_EXE_FORMAT: u32 = 193;
const ERROR_INVALID_ADDRESS: u32 = 487;
const ERROR_FILE_INVALID: u32 = 1006;
const ERROR_MAPPED_ALIGNMENT: u32 = 1132;

// Raw page protections for `flProtect` (spec §0.3).
const PAGE_NOACCESS: u32 = 0x01;
const PAGE_READWRITE: u32 = 0x04;
const PAGE_EXECUTE: u32 = 0x10;

const MIB: u64 = 1 << 20;
const GRANULARITY: usize = 65536;

/// The six valid section protections (spec §2.1 step 2).
const PROTECTIONS: [Protection; 6] = [
    Protection::ReadOnly,
    Protection::ReadWrite,
    Protection::WriteCopy,
    Protection::ExecuteRead,
    Protection::ExecuteReadWrite,
    Protection::ExecuteWriteCopy,
];

/// File permissions without and with execute permission (`GENERIC_EXECUTE`).
const NO_EXECUTE: u32 = 0o600;
const EXECUTE: u32 = 0o700;

/// Every byte of a test file, so that zeros can only come from the section.
const FILL: u8 = 0x5a;
const MARK: &[u8] = b"conformance";

/// Linux's `O_PATH`: a descriptor with no read, write or execute access, the counterpart of a
/// Windows file handle opened with access 0.
#[cfg(not(any(target_arch = "sparc", target_arch = "sparc64")))]
const O_PATH: i32 = 0o10_000_000;
#[cfg(any(target_arch = "sparc", target_arch = "sparc64"))]
const O_PATH: i32 = 0x100_0000;

static NEXT_SANDBOX: AtomicUsize = AtomicUsize::new(0);

/// A private namespace root for one test, removed on drop; the test's files live in it too.
struct Sandbox {
    root: PathBuf,
    ns: Namespace,
}

impl Sandbox {
    fn new(test: &str) -> Sandbox {
        let n = NEXT_SANDBOX.fetch_add(1, Ordering::Relaxed);
        let dir = format!("fm-conf-{}-{n}-{test}", std::process::id());
        let root = std::env::temp_dir().join(dir);
        // Left over by a killed run that had the same process id.
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(&root).unwrap();
        let ns = Namespace::at(&root);
        Sandbox { root, ns }
    }

    fn options<'a>(&self) -> CreateOptions<'a> {
        CreateOptions::new().namespace(&self.ns)
    }

    /// `anon(size, name)`: a `PAGE_READWRITE` section of the system's memory ("" = unnamed).
    fn anon(&self, size: u64, name: &str) -> Result<(FileMapping, Disposition)> {
        let options = self.options().name(name).size(size);
        options.protection(Protection::ReadWrite).create()
    }

    /// A new unnamed section of the system's memory.
    fn section(&self, size: u64, protection: Protection) -> FileMapping {
        created(self.options().size(size).protection(protection).create())
    }

    /// An unnamed `PAGE_READWRITE` section of the system's memory with `attributes`.
    fn with_attributes(&self, attributes: S) -> Result<(FileMapping, Disposition)> {
        let options = self.options().size(MIB).protection(Protection::ReadWrite);
        options.attributes(attributes).create()
    }

    /// A section of `file` (size 0: the file's size).
    fn on_file(&self, file: &File, protection: Protection, size: u64) -> Result<FileMapping> {
        let options = self.options().file(file).protection(protection).size(size);
        options.create().map(|(map, _)| map)
    }

    /// `CreateFileMapping(file, NULL, fl_protect, 0, size, NULL)` with a raw `flProtect`.
    fn create_raw(&self, file: &File, fl_protect: u32, size: u64) -> Result<FileMapping> {
        let (page, attributes) = S::split_fl_protect(fl_protect);
        let options = self.options().file(file).size(size).attributes(attributes);
        let (map, _) = options.protection(Protection::from_raw(page)?).create()?;
        Ok(map)
    }

    fn open(&self, access: A, name: &str) -> Result<FileMapping> {
        OpenOptions::new(access).namespace(&self.ns).open(name)
    }

    fn path(&self, file: &str) -> PathBuf {
        self.root.join(file)
    }

    /// A file holding `contents` with permissions `mode`, opened with `access`.
    fn file_with(&self, name: &str, contents: &[u8], mode: u32, access: Access) -> File {
        let path = self.path(name);
        fs::write(&path, contents).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
        access.open(&path)
    }

    /// `F[access](len)` without execute permission.
    fn file(&self, name: &str, len: usize, access: Access) -> File {
        self.file_with(name, &vec![FILL; len], NO_EXECUTE, access)
    }

    /// `F[access+X](len)`: the file may also be executed.
    fn exec_file(&self, name: &str, len: usize, access: Access) -> File {
        self.file_with(name, &vec![FILL; len], EXECUTE, access)
    }

    /// The `filemapping-local-*` directories under the root, each with the names left in it.
    fn local_dirs(&self) -> Vec<(PathBuf, Vec<String>)> {
        let entries = fs::read_dir(&self.root).unwrap().map(|e| e.unwrap().path());
        let local = |p: &PathBuf| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            name.starts_with("filemapping-local-") && p.is_dir()
        };
        entries
            .filter(local)
            .map(|dir| (dir.clone(), names_in(&dir)))
            .collect()
    }

    /// With every handle closed, no name is left (spec §1.3). The Local directory must exist, so
    /// that names created somewhere else cannot pass unnoticed.
    fn assert_no_names_left(&self) {
        let dirs = self.local_dirs();
        assert!(!dirs.is_empty(), "no Local namespace under {:?}", self.root);
        for (dir, names) in dirs {
            assert!(names.is_empty(), "names left in {dir:?}: {names:?}");
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.root);
    }
}

fn names_in(dir: &Path) -> Vec<String> {
    let entries = fs::read_dir(dir).unwrap();
    entries
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

/// Runs a scenario that creates named objects in its own namespace, then checks that closing
/// every handle (all of them are dropped when `body` returns) removed every name.
fn named_scenario(test: &str, body: impl FnOnce(&Sandbox)) {
    let sandbox = Sandbox::new(test);
    body(&sandbox);
    sandbox.assert_no_names_left();
}

/// `CreateFileMapping(F[access](len), NULL, protection, 0, size, NULL)` in a sandbox of its own.
fn on_new_file(
    test: &str,
    len: usize,
    access: Access,
    protection: Protection,
    size: u64,
) -> Result<FileMapping> {
    let sb = Sandbox::new(test);
    let file = sb.file("f", len, access);
    sb.on_file(&file, protection, size)
}

/// The access a test file is opened with (`F[...]`).
#[derive(Clone, Copy)]
enum Access {
    /// Access 0: an `O_PATH` descriptor.
    Nothing,
    Read,
    Write,
    ReadWrite,
}

impl Access {
    fn open(self, path: &Path) -> File {
        let mut options = fs::OpenOptions::new();
        match self {
            Access::Nothing => options.read(true).custom_flags(O_PATH),
            Access::Read => options.read(true),
            Access::Write => options.write(true),
            Access::ReadWrite => options.read(true).write(true),
        };
        options.open(path).unwrap()
    }
}

/// A strict row: the call fails with exactly `code`.
#[track_caller]
fn assert_code<T: Debug>(result: Result<T>, code: u32) {
    match result {
        Ok(value) => panic!("expected Win32 error {code}, but it succeeded: {value:?}"),
        Err(err) => assert_eq!(err.win32_code(), code, "{err}"),
    }
}

/// A lenient row (evidence X or I only): the call fails, whatever the code.
#[track_caller]
fn assert_fails<T: Debug>(result: Result<T>) {
    if let Ok(value) = result {
        panic!("expected a failure, but the call succeeded: {value:?}");
    }
}

/// `CreateFileMapping` made a new object: `GetLastError() == ERROR_SUCCESS`.
#[track_caller]
fn created(result: Result<(FileMapping, Disposition)>) -> FileMapping {
    assert_disposition(result, ERROR_SUCCESS)
}

/// `CreateFileMapping` opened a live object: `GetLastError() == ERROR_ALREADY_EXISTS`.
#[track_caller]
fn opened_existing(result: Result<(FileMapping, Disposition)>) -> FileMapping {
    assert_disposition(result, ERROR_ALREADY_EXISTS)
}

#[track_caller]
fn assert_disposition(result: Result<(FileMapping, Disposition)>, last_error: u32) -> FileMapping {
    let (map, disposition) = match result {
        Ok(made) => made,
        Err(err) => panic!("CreateFileMapping failed: {err}"),
    };
    assert_eq!(
        disposition.win32_last_error(),
        last_error,
        "{disposition:?}"
    );
    map
}

#[track_caller]
fn ok<T>(result: Result<T>) -> T {
    match result {
        Ok(value) => value,
        Err(err) => panic!("the call failed: {err}"),
    }
}

/// Maps a view of `len` bytes (0: to the end) and checks the protection it reports.
#[track_caller]
fn view(map: &FileMapping, access: A, len: usize, protection: V) -> View {
    let view = ok(map.map_view(access, 0, len));
    assert_eq!(view.protection(), protection, "view mapped with {access:?}");
    view
}

fn read(view: &View, offset: usize, len: usize) -> Vec<u8> {
    let mut buf = vec![0xee; len];
    ok(view.read_at(offset, &mut buf));
    buf
}

fn size_of(map: &FileMapping) -> u64 {
    ok(map.info()).size()
}

fn file_len(file: &File) -> u64 {
    file.metadata().unwrap().len()
}

mod access_matrix;
mod create_params;
mod names_lifetime;
mod offsets;
