//! The body of the `ffi` fuzz target (`fuzz/fuzz_targets/ffi.rs`), shared with the stable
//! replay of its corpus (`tests/fuzz_ffi/main.rs`) through `#[path]`.
//!
//! Each input is a short program of C ABI calls with arguments decoded from the bytes. Handle
//! arguments are anything: NULL, `INVALID_HANDLE_VALUE`, small integers, garbage, and handles
//! returned earlier (live or closed). Pointer arguments are only NULL or memory this harness
//! owns (its own buffers, and addresses inside the views and allocations the calls returned):
//! the Win32 contract lets an arbitrary pointer crash the caller, so the harness never passes
//! one. The harness touches a view's memory only where `VirtualQuery` says the page is committed
//! with a protection that allows it.
//!
//! Checked for every input: nothing panics across the ABI (`ERROR_GEN_FAILURE`); every failure
//! sets a last error; a handle value that was never returned, or that was closed, fails with
//! `ERROR_INVALID_HANDLE` wherever a handle is expected; a view starts on a 64 KiB boundary.
//! At the end the harness closes, unmaps and frees what the calls made, and checks that nothing
//! is left: every handle is invalid, every view and allocation reads as free, and no name opens.
//!
//! An acquisition of a mutex through a handle the input then closed stays with this thread (as
//! on Windows, ownership outlives handles; the page it was locked through stays mapped), so a
//! long run keeps a page for each of those; every other acquisition is released at the end.
//!
//! Memory is bounded: a section is at most [`MAX_SECTION`] bytes and one input creates at most
//! [`MAX_COMMIT`] bytes of sections and as much private memory; a bigger request is refused by
//! the harness before it reaches the library.
#![allow(dead_code)]
#![allow(unsafe_code)]

use filemapping_ffi::event::{
    CreateEventW, OpenEventW, PulseEvent, ResetEvent, SetEvent, WaitForSingleObject,
};
use filemapping_ffi::handle_api::{
    CloseHandle, DuplicateHandle, GetCurrentProcess, GetHandleInformation, SetHandleInformation,
};
use filemapping_ffi::mapping::{
    CreateFileMappingA, CreateFileMappingW, MapViewOfFileEx, OpenFileMappingW, UnmapViewOfFile,
};
use filemapping_ffi::memory::{VirtualAlloc, VirtualFree, VirtualProtect, VirtualQuery};
use filemapping_ffi::sync::{
    CreateMutexW, CreateSemaphoreW, OpenMutexW, OpenSemaphoreW, ReleaseMutex, ReleaseSemaphore,
};
use filemapping_ffi::system::{GetLastError, SetLastError};
use filemapping_ffi::types::{
    HANDLE, INVALID_HANDLE_VALUE, MEMORY_BASIC_INFORMATION, SECURITY_ATTRIBUTES,
};
use filemapping_ffi::wait::WaitForMultipleObjects;
use std::collections::BTreeSet;
use std::ffi::c_void;
use std::mem::size_of;
use std::ptr::{null, null_mut};

/// The largest section the harness lets through (16 MiB).
pub(crate) const MAX_SECTION: u64 = 16 << 20;
/// The most bytes of sections (and, separately, of private memory) one input may ask for.
pub(crate) const MAX_COMMIT: u64 = 64 << 20;
/// The most calls one input makes.
const MAX_CALLS: usize = 64;

const ERROR_INVALID_HANDLE: u32 = 6;
const ERROR_GEN_FAILURE: u32 = 31;
const ERROR_INVALID_PARAMETER: u32 = 87;
const MEM_COMMIT: u32 = 0x1000;
const MEM_RESERVE: u32 = 0x2000;
const MEM_DECOMMIT: u32 = 0x4000;
const MEM_RELEASE: u32 = 0x8000;
const MEM_FREE: u32 = 0x1_0000;
const MEM_RESET: u32 = 0x8_0000;
const DUPLICATE_CLOSE_SOURCE: u32 = 1;
const DUPLICATE_SAME_ACCESS: u32 = 2;
const HANDLE_FLAG_PROTECT_FROM_CLOSE: u32 = 2;
const WAIT_FAILED: u32 = u32::MAX;
/// `SEC_*` bits (spec §0.3).
const SEC_BITS: [u32; 7] = [
    0x0080_0000,
    0x0100_0000,
    0x0400_0000,
    0x0800_0000,
    0x1000_0000,
    0x4000_0000,
    0x8000_0000,
];

/// The bytes of an input, read from the front; zeros once they run out.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn u8(&mut self) -> u8 {
        let (&first, rest) = self.0.split_first().unwrap_or((&0, &[]));
        self.0 = rest;
        first
    }
    fn u32(&mut self) -> u32 {
        u32::from_le_bytes([self.u8(), self.u8(), self.u8(), self.u8()])
    }
    fn usize(&mut self) -> usize {
        self.u32() as usize | (self.u32() as usize) << 32
    }
    /// One of `choices` for most bytes, else any value from `any`.
    fn pick<T: Copy>(&mut self, choices: &[T], any: impl FnOnce(&mut Self) -> T) -> T {
        let at = usize::from(self.u8());
        match choices.get(at % (choices.len() + 1)) {
            Some(&value) => value,
            None => any(self),
        }
    }
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// What the calls of one input made, and what the harness owns.
struct State {
    /// Every handle value a call returned.
    issued: Vec<usize>,
    /// The values known closed (no value is reused for a billion handles).
    closed: BTreeSet<usize>,
    /// Every view base returned.
    views: Vec<usize>,
    /// Every private allocation base returned.
    allocs: Vec<usize>,
    /// Every name passed (NUL-terminated UTF-16).
    names: Vec<Vec<u16>>,
    /// Bytes of sections asked for, and of private memory.
    sections: u64,
    private: u64,
    /// The harness's own memory for out-parameters.
    out_handle: HANDLE,
    out_dword: u32,
    out_long: i32,
    info: MEMORY_BASIC_INFORMATION,
    attributes: SECURITY_ATTRIBUTES,
}

impl State {
    fn new() -> State {
        State {
            issued: Vec::new(),
            closed: BTreeSet::new(),
            views: Vec::new(),
            allocs: Vec::new(),
            names: Vec::new(),
            sections: 0,
            private: 0,
            out_handle: null_mut(),
            out_dword: 0,
            out_long: 0,
            // SAFETY: a plain C struct of integers and pointers, for which zero is valid.
            info: unsafe { std::mem::zeroed() },
            attributes: SECURITY_ATTRIBUTES {
                nLength: size_of::<SECURITY_ATTRIBUTES>() as u32,
                lpSecurityDescriptor: null_mut(),
                bInheritHandle: 0,
            },
        }
    }

    /// A handle argument: an issued one most often, else a value that names nothing.
    fn handle(&mut self, input: &mut Bytes<'_>) -> HANDLE {
        let at = usize::from(input.u8());
        if at < 0x80 && !self.issued.is_empty() {
            return self.issued[at % self.issued.len()] as HANDLE;
        }
        let value = match at % 8 {
            0 => 0,
            1 => usize::MAX,
            2 => at % 16,
            3 => 0x1000 + 4 * (at % 32),
            4 => 0x1000 + 4 * (input.u8() as usize) + 1,
            5 => usize::MAX - 1,
            _ => input.usize(),
        };
        value as HANDLE
    }

    /// Whether `handle` is certainly not a handle now: never returned, or closed. The current
    /// process's pseudo handle (`INVALID_HANDLE_VALUE`) is left out.
    fn certainly_invalid(&self, handle: HANDLE) -> bool {
        let value = handle as usize;
        value != usize::MAX && (!self.issued.contains(&value) || self.closed.contains(&value))
    }

    /// Records a handle a call returned (NULL: none).
    fn got(&mut self, handle: HANDLE) {
        let value = handle as usize;
        if value == 0 {
            return;
        }
        assert!(
            !self.issued.contains(&value),
            "handle {value:#x} returned twice"
        );
        assert_eq!(value % 4, 0, "a handle is a multiple of 4");
        self.issued.push(value);
    }

    /// An address argument: NULL, or inside a view or allocation returned earlier (which may
    /// be gone by now: the calls only look such addresses up).
    fn address(&mut self, input: &mut Bytes<'_>) -> *mut c_void {
        let owned: Vec<usize> = self.views.iter().chain(&self.allocs).copied().collect();
        let at = usize::from(input.u8());
        if owned.is_empty() || at % 4 == 0 {
            return null_mut();
        }
        let base = owned[at % owned.len()];
        let delta = match input.u8() % 4 {
            0 => 0,
            1 => 4096 * usize::from(input.u8() % 32),
            2 => 65536 * usize::from(input.u8() % 8),
            _ => usize::from(input.u8()),
        };
        base.wrapping_add(delta) as *mut c_void
    }

    /// A name pointer: NULL, or a NUL-terminated UTF-16 name the harness keeps.
    fn name(&mut self, input: &mut Bytes<'_>) -> *const u16 {
        let fixed = [
            "fz-a",
            "fz-b",
            "Local\\fz-a",
            "Global\\fz-b",
            "",
            "Session\\1\\x",
        ];
        let at = usize::from(input.u8());
        let mut units: Vec<u16> = if at % 8 == 7 {
            return null();
        } else if at % 8 == 6 {
            let n = usize::from(input.u8() % 12);
            (0..n)
                .map(|_| u16::from_le_bytes([input.u8(), input.u8()]))
                .map(|u| if u == 0 { 0xDC00 } else { u })
                .collect()
        } else {
            fixed[at % 8 % fixed.len()].encode_utf16().collect()
        };
        units.push(0);
        self.names.push(units);
        self.names.last().unwrap().as_ptr()
    }

    /// Security attributes: NULL, or the harness's own, inheritable or not.
    fn security(&mut self, input: &mut Bytes<'_>) -> *const SECURITY_ATTRIBUTES {
        match input.u8() % 3 {
            0 => null(),
            n => {
                self.attributes.bInheritHandle = i32::from(n == 2);
                &self.attributes
            }
        }
    }
}

/// The last error after a failed call: set, and not the mark of a caught panic.
fn failed(call: &str) -> u32 {
    let code = GetLastError();
    assert_ne!(code, 0, "{call} failed without a last error");
    assert_ne!(
        code, ERROR_GEN_FAILURE,
        "{call} panicked inside the library"
    );
    code
}

/// Checks a call that takes `handle` and returned `ok`: a handle that cannot be one fails
/// with `ERROR_INVALID_HANDLE` (or, for a call with other arguments, which the system may
/// check first, `ERROR_INVALID_PARAMETER`).
fn check_handle_call(state: &State, call: &str, handle: HANDLE, ok: bool) {
    check_handle_call_with(state, call, handle, ok, &[]);
}

/// [`check_handle_call`] for a call with other arguments: `also` are the other errors it may
/// report first.
fn check_handle_call_with(state: &State, call: &str, handle: HANDLE, ok: bool, also: &[u32]) {
    if ok {
        assert!(
            !state.certainly_invalid(handle),
            "{call} succeeded on {:#x}, which is no handle",
            handle as usize
        );
        return;
    }
    let code = failed(call);
    if state.certainly_invalid(handle) {
        assert!(
            code == ERROR_INVALID_HANDLE || also.contains(&code),
            "{call} on {:#x}: error {code}",
            handle as usize
        );
    }
}

/// A section size from the input, or `None` when it is over the harness's bounds.
fn section_size(state: &mut State, input: &mut Bytes<'_>) -> Option<(u32, u32)> {
    let size = input.pick(&[4096u64, 1, 65536, 65537, 0, 1 << 20, MAX_SECTION], |b| {
        u64::from(b.u32())
    });
    if size > MAX_SECTION || state.sections + size > MAX_COMMIT {
        return None;
    }
    state.sections += size;
    Some(((size >> 32) as u32, size as u32))
}

/// `flProtect` for `CreateFileMapping`: a page protection and `SEC_*` bits.
fn section_protection(input: &mut Bytes<'_>) -> u32 {
    let page = input.pick(&[2u32, 4, 8, 0x20, 0x40, 0x80, 1, 0, 0x104], Bytes::u32);
    let mask = input.u8();
    let sec = SEC_BITS
        .iter()
        .enumerate()
        .filter(|(i, _)| mask & (1 << i) != 0 && mask & 0x80 != 0)
        .fold(0, |acc, (_, bit)| acc | bit);
    page | sec
}

/// The C ABI on the calls decoded from `data`; then everything made is closed, and checked gone.
pub(crate) fn ffi(data: &[u8]) {
    let mut input = Bytes(data);
    let mut state = State::new();
    for _ in 0..MAX_CALLS {
        if input.is_empty() {
            break;
        }
        SetLastError(0);
        call(&mut state, &mut input);
    }
    clean_up(&mut state);
}

/// One call, chosen and decoded from the input.
fn call(state: &mut State, input: &mut Bytes<'_>) {
    match input.u8() % 20 {
        0 | 1 => create_mapping(state, input),
        2 => open_by_name(state, input),
        3 | 4 => map_view(state, input),
        5 => unmap(state, input),
        6 => query(state, input),
        7 => protect(state, input),
        8 => alloc(state, input),
        9 => free(state, input),
        10 => duplicate(state, input),
        11 => close(state, input),
        12 => create_event(state, input),
        13 => signal(state, input),
        14 => wait_one(state, input),
        15 => handle_information(state, input),
        16 => create_mutex(state, input),
        17 => create_semaphore(state, input),
        18 => wait_many(state, input),
        _ => touch(state, input),
    }
}

fn create_mapping(state: &mut State, input: &mut Bytes<'_>) {
    let file = state.handle(input);
    let file = if input.u8() % 2 == 0 {
        INVALID_HANDLE_VALUE
    } else {
        file
    };
    let security = state.security(input);
    let protection = section_protection(input);
    let Some((high, low)) = section_size(state, input) else {
        return;
    };
    let name = state.name(input);
    let wide = input.u8() % 2 == 0;
    let handle = if wide {
        // SAFETY: NULL or the harness's attributes; NULL or a NUL-terminated name it keeps.
        unsafe { CreateFileMappingW(file, security, protection, high, low, name) }
    } else {
        let ansi: Option<Vec<u8>> = (!name.is_null()).then(|| {
            let units = state.names.last().unwrap();
            let text = String::from_utf16_lossy(&units[..units.len() - 1]);
            text.into_bytes().into_iter().chain([0]).collect()
        });
        let ptr = ansi.as_ref().map_or(null(), |a| a.as_ptr().cast());
        // SAFETY: as above, the name in UTF-8.
        unsafe { CreateFileMappingA(file, security, protection, high, low, ptr) }
    };
    // A bad file handle (NULL aside, which reaches the kernel as "no file", spec §2.1) never
    // makes a section; with nothing else wrong (a plain protection, no name, whose checks come
    // first) it fails with ERROR_INVALID_HANDLE.
    let bad_file =
        file as usize != 0 && file != INVALID_HANDLE_VALUE && state.certainly_invalid(file);
    if handle.is_null() {
        let code = failed("CreateFileMapping");
        let plain = [2, 4, 8, 0x20, 0x40, 0x80].contains(&protection) && name.is_null();
        if bad_file && plain {
            assert_eq!(
                code, ERROR_INVALID_HANDLE,
                "CreateFileMapping of a bad file"
            );
        }
    } else {
        assert!(
            !bad_file,
            "a section of the bad file handle {:#x}",
            file as usize
        );
    }
    state.got(handle);
}

fn open_by_name(state: &mut State, input: &mut Bytes<'_>) {
    let access = input.pick(
        &[0x4u32, 0x2, 0x1, 0xF001F, 0x20, 0, 0x1F0003, 0x10_0000],
        Bytes::u32,
    );
    let inherit = i32::from(input.u8() % 2);
    let name = state.name(input);
    let kind = input.u8() % 4;
    // SAFETY: NULL or a NUL-terminated name the harness keeps.
    let handle = unsafe {
        match kind {
            0 => OpenFileMappingW(access, inherit, name),
            1 => OpenEventW(access, inherit, name),
            2 => OpenMutexW(access, inherit, name),
            _ => OpenSemaphoreW(access, inherit, name),
        }
    };
    if handle.is_null() {
        failed("Open");
    }
    state.got(handle);
}

fn map_view(state: &mut State, input: &mut Bytes<'_>) {
    let handle = state.handle(input);
    let access = input.pick(
        &[
            0x4u32,
            0x2,
            0x1,
            0xF001F,
            0x24,
            0x22,
            0x21,
            0,
            0x20,
            0x8000_0000 | 4,
        ],
        Bytes::u32,
    );
    let offset = input.pick(&[0u64, 65536, 4096, 1, 1 << 20, 1 << 32], |b| {
        u64::from(b.u32())
    });
    let len = input.pick(&[0usize, 4096, 1, 65536, 65537, usize::MAX], Bytes::usize);
    let base = if input.u8() % 4 == 0 {
        state.address(input)
    } else {
        null_mut()
    };
    let view = MapViewOfFileEx(
        handle,
        access,
        (offset >> 32) as u32,
        offset as u32,
        len,
        base,
    );
    let also = [ERROR_INVALID_PARAMETER];
    check_handle_call_with(state, "MapViewOfFileEx", handle, !view.is_null(), &also);
    if !view.is_null() {
        assert_eq!(view as usize % 65536, 0, "a view on a 64 KiB boundary");
        if !base.is_null() {
            assert_eq!(view, base, "a view where it was asked for");
        }
        state.views.push(view as usize);
    }
}

fn unmap(state: &mut State, input: &mut Bytes<'_>) {
    let addr = state.address(input);
    // SAFETY: the harness touches a view only after VirtualQuery says it is there.
    if unsafe { UnmapViewOfFile(addr) } == 0 {
        failed("UnmapViewOfFile");
    }
}

fn query(state: &mut State, input: &mut Bytes<'_>) {
    let addr = state.address(input);
    let len = input.pick(&[size_of::<MEMORY_BASIC_INFORMATION>(), 0, 1], |b| {
        usize::from(b.u8())
    });
    let buffer = if len >= size_of::<MEMORY_BASIC_INFORMATION>() && input.u8() % 8 != 0 {
        &mut state.info as *mut MEMORY_BASIC_INFORMATION
    } else {
        null_mut()
    };
    let len = len.min(size_of::<MEMORY_BASIC_INFORMATION>());
    // SAFETY: NULL or the harness's structure, which is `len` bytes when given.
    let got = unsafe { VirtualQuery(addr, buffer, len) };
    if got == 0 {
        failed("VirtualQuery");
    } else {
        assert_eq!(got, size_of::<MEMORY_BASIC_INFORMATION>());
    }
}

fn protect(state: &mut State, input: &mut Bytes<'_>) {
    let addr = state.address(input);
    let size = input.pick(&[4096usize, 1, 0, 65536, 1 << 20], |b| b.u32() as usize);
    let protection = input.pick(
        &[2u32, 4, 8, 0x20, 0x40, 0x80, 1, 0x10, 0x104, 0x204],
        Bytes::u32,
    );
    let old = if input.u8() % 8 == 0 {
        null_mut()
    } else {
        &mut state.out_dword as *mut u32
    };
    // SAFETY: NULL or the harness's DWORD; the harness touches pages only after VirtualQuery.
    if unsafe { VirtualProtect(addr, size, protection, old) } == 0 {
        failed("VirtualProtect");
    }
}

fn alloc(state: &mut State, input: &mut Bytes<'_>) {
    let addr = state.address(input);
    let size = input.pick(&[4096usize, 65536, 0, 1, 1 << 20], |b| b.u32() as usize);
    let kind = input.pick(
        &[
            MEM_COMMIT | MEM_RESERVE,
            MEM_RESERVE,
            MEM_COMMIT,
            MEM_RESET,
            0,
        ],
        Bytes::u32,
    );
    let protection = input.pick(&[4u32, 2, 1, 0x40, 0x104, 8], Bytes::u32);
    if size as u64 > MAX_SECTION || state.private + size as u64 > MAX_COMMIT {
        return;
    }
    state.private += size as u64;
    let got = VirtualAlloc(addr, size, kind, protection);
    if got.is_null() {
        failed("VirtualAlloc");
    } else {
        // New private memory, or pages of a view or of an allocation made before (freeing
        // those at the end fails harmlessly): the end frees whatever it is.
        state.allocs.push(got as usize);
    }
}

fn free(state: &mut State, input: &mut Bytes<'_>) {
    let addr = state.address(input);
    let size = input.pick(&[0usize, 4096, 65536], |b| b.u32() as usize);
    let kind = input.pick(
        &[MEM_RELEASE, MEM_DECOMMIT, 0, MEM_RELEASE | MEM_DECOMMIT],
        Bytes::u32,
    );
    if VirtualFree(addr, size, kind) == 0 {
        failed("VirtualFree");
    }
}

fn duplicate(state: &mut State, input: &mut Bytes<'_>) {
    let source = state.handle(input);
    let process = |state: &mut State, input: &mut Bytes<'_>| {
        if input.u8() % 4 == 0 {
            state.handle(input)
        } else {
            GetCurrentProcess()
        }
    };
    let source_process = process(state, input);
    let target_process = process(state, input);
    let out = if input.u8() % 8 == 0 {
        null_mut()
    } else {
        &mut state.out_handle as *mut HANDLE
    };
    let access = input.pick(&[0u32, 4, 2, 0xF001F, 0x1F0003], Bytes::u32);
    let inherit = i32::from(input.u8() % 2);
    let options = input.pick(
        &[
            DUPLICATE_SAME_ACCESS,
            0,
            DUPLICATE_CLOSE_SOURCE | DUPLICATE_SAME_ACCESS,
        ],
        Bytes::u32,
    );
    state.out_handle = null_mut();
    // SAFETY: NULL or the harness's HANDLE slot.
    let ok = unsafe {
        DuplicateHandle(
            source_process,
            source,
            target_process,
            out,
            access,
            inherit,
            options,
        )
    } != 0;
    let pseudo = source_process == GetCurrentProcess() && target_process == GetCurrentProcess();
    if pseudo {
        let also = [ERROR_INVALID_PARAMETER];
        check_handle_call_with(state, "DuplicateHandle", source, ok, &also);
    } else if !ok {
        failed("DuplicateHandle");
    }
    if ok && !out.is_null() {
        let copy = state.out_handle;
        state.got(copy);
    }
    if options & DUPLICATE_CLOSE_SOURCE != 0 {
        note_if_closed(state, source);
    }
}

/// Records `handle` as closed if the table no longer has it.
fn note_if_closed(state: &mut State, handle: HANDLE) {
    let value = handle as usize;
    // SAFETY: NULL flags pointer.
    if unsafe { GetHandleInformation(handle, null_mut()) } == 0
        && GetLastError() == ERROR_INVALID_HANDLE
        && state.issued.contains(&value)
    {
        state.closed.insert(value);
    }
}

fn close(state: &mut State, input: &mut Bytes<'_>) {
    let handle = state.handle(input);
    let ok = CloseHandle(handle) != 0;
    if handle == GetCurrentProcess() {
        return;
    }
    check_handle_call(state, "CloseHandle", handle, ok);
    if ok {
        state.closed.insert(handle as usize);
    }
}

fn create_event(state: &mut State, input: &mut Bytes<'_>) {
    let security = state.security(input);
    let manual = i32::from(input.u8() % 2);
    let initial = i32::from(input.u8() % 2);
    let name = state.name(input);
    // SAFETY: NULL or the harness's attributes and name.
    let handle = unsafe { CreateEventW(security, manual, initial, name) };
    if handle.is_null() {
        failed("CreateEventW");
    }
    state.got(handle);
}

fn signal(state: &mut State, input: &mut Bytes<'_>) {
    let handle = state.handle(input);
    let (call, ok, also): (&str, bool, &[u32]) = match input.u8() % 5 {
        0 => ("SetEvent", SetEvent(handle) != 0, &[]),
        1 => ("ResetEvent", ResetEvent(handle) != 0, &[]),
        2 => ("PulseEvent", PulseEvent(handle) != 0, &[]),
        3 => ("ReleaseMutex", ReleaseMutex(handle) != 0, &[]),
        _ => {
            let count = input.pick(&[1i32, 0, -1, 2, i32::MAX], |b| b.u32() as i32);
            let previous = if input.u8() % 2 == 0 {
                null_mut()
            } else {
                &mut state.out_long as *mut i32
            };
            // SAFETY: NULL or the harness's LONG.
            let ok = unsafe { ReleaseSemaphore(handle, count, previous) } != 0;
            ("ReleaseSemaphore", ok, &[ERROR_INVALID_PARAMETER])
        }
    };
    check_handle_call_with(state, call, handle, ok, also);
}

fn wait_one(state: &mut State, input: &mut Bytes<'_>) {
    let handle = state.handle(input);
    let got = WaitForSingleObject(handle, 0);
    if handle == GetCurrentProcess() {
        return;
    }
    check_handle_call(state, "WaitForSingleObject", handle, got != WAIT_FAILED);
    if got != WAIT_FAILED {
        assert!(
            matches!(got, 0 | 0x80 | 0x102),
            "WaitForSingleObject returned {got:#x}"
        );
    }
}

fn wait_many(state: &mut State, input: &mut Bytes<'_>) {
    let n = usize::from(input.u8() % 5);
    let handles: Vec<HANDLE> = (0..n).map(|_| state.handle(input)).collect();
    let all = i32::from(input.u8() % 2);
    let ptr = if n == 0 && input.u8() % 2 == 0 {
        null()
    } else {
        handles.as_ptr()
    };
    // SAFETY: NULL (with a count of 0) or the harness's array of `n` handles.
    let got = unsafe { WaitForMultipleObjects(n as u32, ptr, all, 0) };
    if got == WAIT_FAILED {
        failed("WaitForMultipleObjects");
    } else {
        let n = n as u32;
        assert!(
            got < n || (0x80..0x80 + n).contains(&got) || got == 0x102,
            "WaitForMultipleObjects returned {got:#x} for {n} handles"
        );
        assert!(
            !handles.iter().any(|&h| state.certainly_invalid(h)),
            "WaitForMultipleObjects took a bad handle"
        );
    }
}

fn handle_information(state: &mut State, input: &mut Bytes<'_>) {
    let handle = state.handle(input);
    let set = input.u8() % 2 == 1;
    let ok = if !set {
        let flags = if input.u8() % 4 == 0 {
            null_mut()
        } else {
            &mut state.out_dword as *mut u32
        };
        // SAFETY: NULL or the harness's DWORD.
        unsafe { GetHandleInformation(handle, flags) != 0 }
    } else {
        let mask = input.pick(&[1u32, 2, 3, 0], Bytes::u32);
        let flags = input.pick(&[0u32, 1, 2, 3], Bytes::u32);
        SetHandleInformation(handle, mask, flags) != 0
    };
    if handle == GetCurrentProcess() {
        return;
    }
    let also: &[u32] = if set { &[ERROR_INVALID_PARAMETER] } else { &[] };
    check_handle_call_with(state, "Get/SetHandleInformation", handle, ok, also);
}

fn create_mutex(state: &mut State, input: &mut Bytes<'_>) {
    let security = state.security(input);
    let owner = i32::from(input.u8() % 2);
    let name = state.name(input);
    let (handle, call) = if input.u8() % 3 == 0 {
        let access = input.pick(&[0x1F0001u32, 0x10_0000, 0], Bytes::u32);
        let inherit = i32::from(owner == 1);
        // SAFETY: NULL or the harness's name.
        (unsafe { OpenMutexW(access, inherit, name) }, "OpenMutexW")
    } else {
        // SAFETY: NULL or the harness's attributes and name.
        (
            unsafe { CreateMutexW(security, owner, name) },
            "CreateMutexW",
        )
    };
    if handle.is_null() {
        failed(call);
    }
    state.got(handle);
}

fn create_semaphore(state: &mut State, input: &mut Bytes<'_>) {
    let security = state.security(input);
    let initial = input.pick(&[0i32, 1, -1, 5], |b| b.u32() as i32);
    let maximum = input.pick(&[1i32, 4, 0, -1, i32::MAX], |b| b.u32() as i32);
    let name = state.name(input);
    // SAFETY: NULL or the harness's attributes and name.
    let handle = unsafe { CreateSemaphoreW(security, initial, maximum, name) };
    if handle.is_null() {
        failed("CreateSemaphoreW");
    }
    state.got(handle);
}

/// Reads (and, where writable, rewrites) one byte of a view or allocation, where VirtualQuery
/// says its page is committed with a protection that allows it.
fn touch(state: &mut State, input: &mut Bytes<'_>) {
    let addr = state.address(input);
    if addr.is_null() {
        return;
    }
    let mut info = state.info;
    // SAFETY: the harness's structure, whole.
    let got = unsafe { VirtualQuery(addr, &mut info, size_of::<MEMORY_BASIC_INFORMATION>()) };
    if got == 0 || info.State != MEM_COMMIT {
        return;
    }
    let (read, write) = match info.Protect {
        0x02 | 0x20 => (true, false),
        0x04 | 0x08 | 0x40 | 0x80 => (true, true),
        _ => (false, false),
    };
    let byte = addr.cast::<u8>();
    if read {
        // SAFETY: VirtualQuery says the page is committed and readable, and the harness's
        // views and allocations are its own memory (no other thread uses them).
        let value = unsafe { byte.read_volatile() };
        if write {
            // SAFETY: as above, and writable.
            unsafe { byte.write_volatile(value) };
        }
    }
}

/// Closes every handle, unmaps every view and frees every allocation the input made, then
/// checks that none is left.
fn clean_up(state: &mut State) {
    for &value in &state.issued {
        if state.closed.contains(&value) {
            continue;
        }
        let handle = value as HANDLE;
        // A mutex stays owned by this thread after its handles close (as on Windows, until
        // the thread ends): release what the input acquired through a handle it still has.
        for _ in 0..=MAX_CALLS {
            if ReleaseMutex(handle) == 0 {
                break;
            }
        }
        SetHandleInformation(handle, HANDLE_FLAG_PROTECT_FROM_CLOSE, 0);
        assert_ne!(
            CloseHandle(handle),
            0,
            "closing {value:#x}: {}",
            GetLastError()
        );
        state.closed.insert(value);
    }
    for &view in &state.views {
        // SAFETY: the harness does not touch its views after this.
        unsafe { UnmapViewOfFile(view as *const c_void) };
    }
    for &base in &state.allocs {
        VirtualFree(base as *mut c_void, 0, MEM_RELEASE);
    }
    for &value in &state.issued {
        // SAFETY: a NULL flags pointer.
        let ok = unsafe { GetHandleInformation(value as HANDLE, null_mut()) };
        assert_eq!(ok, 0, "handle {value:#x} outlived its close");
    }
    for &base in state.views.iter().chain(&state.allocs) {
        let mut info = state.info;
        // SAFETY: the harness's structure, whole.
        let got = unsafe {
            VirtualQuery(
                base as *const c_void,
                &mut info,
                size_of::<MEMORY_BASIC_INFORMATION>(),
            )
        };
        assert_ne!(got, 0);
        assert_eq!(info.State, MEM_FREE, "{base:#x} is still in use");
    }
    for name in &state.names {
        // SAFETY: a NUL-terminated name the harness keeps.
        let handle = unsafe { OpenFileMappingW(4, 0, name.as_ptr()) };
        assert!(handle.is_null(), "a section outlived its handles");
        // SAFETY: as above.
        let handle = unsafe { OpenEventW(0x1F0003, 0, name.as_ptr()) };
        assert!(handle.is_null(), "an event outlived its handles");
        // SAFETY: as above.
        let handle = unsafe { OpenMutexW(0x1F0001, 0, name.as_ptr()) };
        assert!(handle.is_null(), "a mutex outlived its handles");
        // SAFETY: as above.
        let handle = unsafe { OpenSemaphoreW(0x1F0003, 0, name.as_ptr()) };
        assert!(handle.is_null(), "a semaphore outlived its handles");
    }
}
