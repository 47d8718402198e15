//! Spec §5.1, written from the spec (not from the library's tables), for the tests that check
//! the library against it: the view protection that `MapViewOfFile`'s `dwDesiredAccess` asks
//! for.

/// The page protections, by their `PAGE_*` values (spec §0.3).
pub(crate) const PAGE_NOACCESS: u32 = 0x01;
pub(crate) const PAGE_READONLY: u32 = 0x02;
pub(crate) const PAGE_READWRITE: u32 = 0x04;
pub(crate) const PAGE_WRITECOPY: u32 = 0x08;
pub(crate) const PAGE_EXECUTE_READ: u32 = 0x20;
pub(crate) const PAGE_EXECUTE_READWRITE: u32 = 0x40;
pub(crate) const PAGE_EXECUTE_WRITECOPY: u32 = 0x80;
const FILE_MAP_COPY: u32 = 0x1;
const FILE_MAP_WRITE: u32 = 0x2;
const FILE_MAP_READ: u32 = 0x4;
const FILE_MAP_EXECUTE: u32 = 0x20;

/// The view protection `access` asks for: copy alone is copy-on-write, else write, else read,
/// else no access; `FILE_MAP_EXECUTE` adds execute to any of the first three.
pub(crate) fn view_protection(access: u32) -> u32 {
    let execute = access & FILE_MAP_EXECUTE != 0;
    let rest = access & !FILE_MAP_EXECUTE;
    let (plain, exec) = if rest == FILE_MAP_COPY {
        (PAGE_WRITECOPY, PAGE_EXECUTE_WRITECOPY)
    } else if rest & FILE_MAP_WRITE != 0 {
        (PAGE_READWRITE, PAGE_EXECUTE_READWRITE)
    } else if rest & FILE_MAP_READ != 0 {
        (PAGE_READONLY, PAGE_EXECUTE_READ)
    } else {
        return PAGE_NOACCESS;
    };
    if execute {
        exec
    } else {
        plain
    }
}
