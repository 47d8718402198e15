//! The Win32 file-mapping calls for C and C++ code: a porting layer over the
//! [`filemapping`] library.
//!
//! Windows code that shares memory through `CreateFileMapping`, `OpenFileMapping` and
//! `MapViewOfFile` builds on Linux with one include and one link flag: the header
//! `include/filemapping.h` declares the types, constants and functions below with their Win32
//! names and signatures, and this crate exports them from `libfilemapping_ffi.so` and
//! `libfilemapping_ffi.a`.
//!
//! - [`mapping`]: `CreateFileMappingA/W`, `OpenFileMappingA/W`, `MapViewOfFile(Ex)`,
//!   `UnmapViewOfFile`, `FlushViewOfFile`.
//! - [`memory`]: `VirtualQuery`, `VirtualAlloc`, `VirtualFree`, `VirtualProtect`, on views
//!   and on private memory.
//! - [`placeholder`]: `VirtualAlloc2` (placeholders: `MEM_RESERVE_PLACEHOLDER`,
//!   `MEM_REPLACE_PLACEHOLDER`), `MapViewOfFile3`, `UnmapViewOfFile2`, `UnmapViewOfFileEx`:
//!   one section mapped twice, back to back, is a ring buffer.
//! - [`numa`]: `CreateFileMappingNumaA/W`, `MapViewOfFileExNuma`, `CreateFileMapping2`;
//!   [`mapped_name`]: `GetMappedFileNameA/W`.
//! - [`handle_api`] and [`system`]: `CloseHandle`, `DuplicateHandle`, `GetCurrentProcess`,
//!   `GetHandleInformation`, `SetHandleInformation` (handle inheritance: a child started with
//!   `fork`+`exec` or `posix_spawn` adopts its inherited mapping and file handles),
//!   `GetLastError`, `SetLastError`, `GetSystemInfo`, `GetLargePageMinimum`.
//! - [`process`]: `GetCurrentProcessId`, `Sleep`, `GetTickCount(64)`,
//!   `QueryPerformanceCounter/Frequency`, `VirtualLock`, `VirtualUnlock`, `IsBadReadPtr`,
//!   `IsBadWritePtr`; [`text`]: `MultiByteToWideChar`, `WideCharToMultiByte`.
//! - [`file_open`], [`file_io`] and [`file_info`]: `CreateFileA/W`, `DeleteFileA/W`, `ReadFile`,
//!   `WriteFile`, `GetFileSize(Ex)`, `SetFilePointer(Ex)`, `SetEndOfFile`, `FlushFileBuffers`,
//!   `GetFileType`, `SetFileAttributesA/W`, `GetTempPathA/W`, `GetTempFileNameA/W`.
//! - [`event`]: `CreateEventA/W`, `OpenEventA/W`, `SetEvent`, `ResetEvent`,
//!   `WaitForSingleObject` (for mutexes and semaphores too).
//! - [`sync`]: `CreateMutexA/W`, `CreateMutexExA/W`, `OpenMutexA/W`, `ReleaseMutex`,
//!   `CreateSemaphoreA/W`, `CreateSemaphoreExA/W`, `OpenSemaphoreA/W`, `ReleaseSemaphore`.
//! - [`wait`]: `WaitForMultipleObjects`, `SignalObjectAndWait` (and [`event`]'s `PulseEvent`).
//!
//! Handles are opaque values from a process-wide table, checked on every call: a closed or
//! bogus handle fails with `ERROR_INVALID_HANDLE`, never a crash, from any thread.
//! `GetLastError` is per thread and set as Windows sets it. The `A` functions take UTF-8, the
//! `W` functions UTF-16; an object name given to a `W` function may hold unpaired surrogates, as
//! on Windows (kept losslessly: [`filemapping::name_from_utf16`]). No panic crosses into C: it
//! becomes `ERROR_GEN_FAILURE`.
//!
//! # Examples
//!
//! ```c
//! #include "filemapping.h"
//!
//! HANDLE map = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 2048,
//!                                 "MyFileMapping");
//! if (map == NULL) return GetLastError();
//! char *view = MapViewOfFile(map, FILE_MAP_WRITE, 0, 0, 0);
//! strcpy(view, "hello");
//! UnmapViewOfFile(view);
//! CloseHandle(map);
//! ```
//!
//! The same calls from Rust (the functions are plain `extern "C"` functions):
//!
//! ```
//! use filemapping::{ERROR_INVALID_HANDLE, ERROR_SUCCESS};
//! use filemapping_ffi::handle_api::CloseHandle;
//! use filemapping_ffi::mapping::{CreateFileMappingA, MapViewOfFile, UnmapViewOfFile};
//! use filemapping_ffi::system::GetLastError;
//! use filemapping_ffi::types::INVALID_HANDLE_VALUE;
//! use std::ptr::null;
//!
//! let name = format!("ffi-doc-{}\0", std::process::id());
//! // SAFETY: NULL attributes and a NUL-terminated name.
//! let map = unsafe {
//!     CreateFileMappingA(INVALID_HANDLE_VALUE, null(), 0x04, 0, 2048, name.as_ptr().cast())
//! };
//! assert!(!map.is_null());
//! assert_eq!(GetLastError(), ERROR_SUCCESS); // a new section
//! let view = MapViewOfFile(map, 0x02, 0, 0, 0); // FILE_MAP_WRITE
//! assert_eq!(view as usize % 65536, 0);
//! // SAFETY: the view is 2048 writable bytes, and nothing uses it after the unmap.
//! unsafe {
//!     view.cast::<u8>().write(7);
//!     assert_eq!(UnmapViewOfFile(view), 1);
//! }
//! assert_eq!(CloseHandle(map), 1);
//! assert_eq!(CloseHandle(map), 0);
//! assert_eq!(GetLastError(), ERROR_INVALID_HANDLE);
//! ```

// The exported functions, their parameters and the C types keep their Win32 names: they are
// the ABI that C code links against.
#![allow(non_snake_case, non_camel_case_types)]

mod boundary;
mod error;
mod file_pins;
mod handles;
mod inherit;
mod last_error;
mod names;
mod objects;
mod private;
mod views;

pub mod event;
pub mod file_info;
pub mod file_io;
pub mod file_open;
pub mod handle_api;
pub mod mapped_name;
pub mod mapping;
pub mod memory;
pub mod numa;
pub mod placeholder;
pub mod process;
pub mod sync;
pub mod system;
pub mod text;
pub mod types;
pub mod wait;
