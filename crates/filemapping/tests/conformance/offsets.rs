//! Spec §12.4 Offsets, sizes, addresses.

#![allow(unsafe_code)]

use super::*;

/// Rows 76–77 setup: a PAGE_READWRITE section of size 0 on `F[R+W](128 KiB)`.
fn rw_file_section_128k(sb: &Sandbox) -> (File, FileMapping) {
    let file = sb.file("f", 128 * 1024, Access::ReadWrite);
    let map = ok(sb.on_file(&file, Protection::ReadWrite, 0));
    (file, map)
}

// Row 76, spec §12.4 (§5.4): offsets must be multiples of 64 KiB, for a section of a file and
// for one of the system's memory alike.
#[test]
fn row_76_misaligned_offsets_are_mapped_alignment() {
    let sb = Sandbox::new("row76");
    let (_file, on_file) = rw_file_section_128k(&sb);
    let in_memory = sb.section(128 * 1024, Protection::ReadWrite);
    for map in [&on_file, &in_memory] {
        for offset in [4096, 1, 0x1234, 69632] {
            let result = map.map_view(A::READ, offset, 0);
            assert_code(result, ERROR_MAPPED_ALIGNMENT);
        }
    }
}

// Row 77, spec §12.4 (§5.4): an aligned offset with size 0 maps the rest of the section (of a
// file, and of the system's memory), and the view shows the bytes at that offset.
#[test]
fn row_77_an_aligned_offset_maps_the_rest_of_the_section() {
    let sb = Sandbox::new("row77");
    // Every 64 KiB block of the file holds its own byte, so a view of the wrong block shows.
    let blocks: Vec<u8> = (0..2 * 65536).map(|i| (i / 65536) as u8 + 1).collect();
    let file = sb.file_with("f", &blocks, false, Access::ReadWrite);
    let map = ok(sb.on_file(&file, Protection::ReadWrite, 0));
    let rest = ok(map.map_view(A::WRITE, 65536, 0));
    assert_eq!(rest.len(), 65536);
    assert_eq!(
        read(&rest, 0, 4),
        vec![2; 4],
        "the second block, not the first"
    );
    ok(rest.write_at(0, b"x"));
    assert_eq!(read(&ok(map.map_view(A::READ, 0, 0)), 65536, 1), b"x");
    let in_memory = sb.section(128 * 1024, Protection::ReadWrite);
    let whole = ok(in_memory.map_view(A::WRITE, 0, 0));
    ok(whole.write_at(65536, b"y"));
    let rest = ok(in_memory.map_view(A::READ, 65536, 0));
    assert_eq!(rest.len(), 65536);
    assert_eq!(read(&rest, 0, 1), b"y");
}

// Row 78, spec §12.4 (§5.4): a file section of 0x3452 bytes admits a view of exactly that many.
#[test]
fn row_78_a_file_view_may_not_pass_the_exact_section_size() {
    let sb = Sandbox::new("row78");
    let file = sb.file("f", 0x3452, Access::ReadWrite);
    let map = ok(sb.on_file(&file, Protection::ReadOnly, 0));
    ok(map.map_view(A::READ, 0, 0x3452));
    assert_code(map.map_view(A::READ, 0, 0x3453), ERROR_ACCESS_DENIED);
}

// Row 79, spec §12.4 (§2.2, §5.4): a 4090-byte section of the system's memory is 4096 bytes.
#[test]
fn row_79_a_pagefile_view_may_reach_the_page_rounded_size() {
    let sb = Sandbox::new("row79");
    let map = sb.section(4090, Protection::ReadWrite);
    ok(map.map_view(A::READ, 0, 4096));
    assert_code(map.map_view(A::READ, 0, 4097), ERROR_ACCESS_DENIED);
}

// Row 80, spec §12.4 (§5.4): an offset at or past the end of the section. Evidence X, I:
// failure only.
#[test]
fn row_80_an_offset_at_or_past_the_end_fails() {
    let sb = Sandbox::new("row80");
    let map = sb.section(65536, Protection::ReadWrite);
    assert_fails(map.map_view(A::READ, 65536, 0));
    assert_fails(map.map_view(A::READ, 131_072, 0));
}

// Row 81, spec §12.4 (§5.4): size 0 maps the whole section.
#[test]
fn row_81_a_size_0_view_maps_the_whole_section() {
    let sb = Sandbox::new("row81");
    let map = sb.section(65536, Protection::ReadWrite);
    let whole = view(&map, A::WRITE, 0, V::ReadWrite);
    assert_eq!((whole.len(), whole.region_size()), (65536, 65536));
}

// Row 82, spec §12.4 (§5.4): a view of a file section is page-rounded, and the bytes of its last
// page past the end of the file read as zero.
#[test]
fn row_82_a_file_view_is_page_rounded_and_zero_past_the_end_of_file() {
    let sb = Sandbox::new("row82");
    let file = sb.file("f", 132_880, Access::ReadWrite);
    let map = ok(sb.on_file(&file, Protection::ReadOnly, 0));
    let v = view(&map, A::READ, 0, V::ReadOnly);
    assert_eq!((v.len(), v.region_size()), (132_880, 135_168));
    assert_eq!(read(&v, 132_879, 1), vec![FILL]);
    let past_end: Vec<u8> = (v.len()..v.region_size())
        .map(|i| {
            // SAFETY: the view maps `region_size()` readable bytes from `as_ptr()` while `v`
            // lives; `i` is below that, and the last page holds the end of the file, so the
            // kernel backs it (zero-filled past the end) and the read cannot fault.
            unsafe { std::ptr::read_volatile(v.as_ptr().add(i)) }
        })
        .collect();
    assert!(
        past_end.iter().all(|&b| b == 0),
        "bytes past the end of file"
    );
}

/// A 64 KiB-aligned address that was free a moment ago: where a view of `map` was.
fn recently_free_base(map: &FileMapping) -> usize {
    let probe = ok(map.map_view(A::WRITE, 0, 0));
    let base = probe.as_ptr() as usize;
    assert_eq!(base % GRANULARITY, 0);
    base
}

// Row 83, spec §12.4 (§5.4): a base address inside an existing view.
#[test]
fn row_83_a_base_address_in_use_is_invalid_address() {
    let sb = Sandbox::new("row83");
    let map = sb.section(65536, Protection::ReadWrite);
    let v = view(&map, A::WRITE, 0, V::ReadWrite);
    let taken = v.as_ptr() as usize;
    assert_eq!(taken % GRANULARITY, 0);
    let result = map.map_view_at(A::WRITE, 0, 0, taken);
    assert_code(result, ERROR_INVALID_ADDRESS);
}

// Row 84, spec §12.4 (§5.4): a base address that is not a multiple of 64 KiB.
#[test]
fn row_84_a_misaligned_base_is_mapped_alignment() {
    let sb = Sandbox::new("row84");
    let map = sb.section(65536, Protection::ReadWrite);
    let free = recently_free_base(&map);
    for base in [free + 0x1000, free + 42] {
        let result = map.map_view_at(A::WRITE, 0, 0, base);
        assert_code(result, ERROR_MAPPED_ALIGNMENT);
    }
}

// Row 85, spec §12.4 (§5.4): a free, aligned base is used exactly. Another test thread may take
// the freed range in between, so a few attempts are allowed; each success must be exact.
#[test]
fn row_85_a_free_aligned_base_is_used_exactly() {
    let sb = Sandbox::new("row85");
    let map = sb.section(65536, Protection::ReadWrite);
    for _ in 0..100 {
        let base = recently_free_base(&map);
        match map.map_view_at(A::WRITE, 0, 0, base) {
            Ok(v) => {
                assert_eq!(v.as_ptr() as usize, base);
                return;
            }
            Err(err) => assert_eq!(err.win32_code(), ERROR_INVALID_ADDRESS, "{err}"),
        }
    }
    panic!("MapViewOfFileEx never mapped at a free base");
}

// Row 86, spec §12.4 (§5.4): the offset's alignment is checked before the address conflict.
#[test]
fn row_86_a_misaligned_offset_is_checked_before_the_conflict() {
    let sb = Sandbox::new("row86");
    let map = sb.section(65536, Protection::ReadWrite);
    let v = view(&map, A::WRITE, 0, V::ReadWrite);
    let taken = v.as_ptr() as usize;
    let result = map.map_view_at(A::WRITE, 1, 0, taken);
    assert_code(result, ERROR_MAPPED_ALIGNMENT);
    // The base's alignment too (row 84) is checked before the conflict.
    let result = map.map_view_at(A::WRITE, 0, 0, taken + 0x1000);
    assert_code(result, ERROR_MAPPED_ALIGNMENT);
}

// Row 88, spec §12.4 (§5.4, §8): two views of one section are at different 64 KiB-aligned
// addresses and see each other's writes.
#[test]
fn row_88_two_views_differ_and_are_coherent() {
    let sb = Sandbox::new("row88");
    let map = sb.section(65536, Protection::ReadWrite);
    let a = view(&map, A::WRITE, 0, V::ReadWrite);
    let b = view(&map, A::WRITE, 0, V::ReadWrite);
    let (pa, pb) = (a.as_ptr() as usize, b.as_ptr() as usize);
    assert_ne!(pa, pb);
    assert_eq!((pa % GRANULARITY, pb % GRANULARITY), (0, 0));
    ok(a.write_at(10, MARK));
    assert_eq!(read(&b, 10, MARK.len()), MARK);
}

// Spec §5.4: a base address in kernel space is ERROR_INVALID_PARAMETER.
#[test]
fn a_kernel_base_address_is_invalid_parameter() {
    let test = "a_kernel_base_address_is_invalid_parameter";
    let quirk = "Wine maps a view at a kernel-range address (spec §13, Wine deviation 14)";
    if skip_under_wine(test, quirk) {
        return;
    }
    let sb = Sandbox::new("kernel");
    let map = sb.section(65536, Protection::ReadWrite);
    let kernel = 0xFFFF_8000_0000_0000_u64 as usize;
    let result = map.map_view_at(A::WRITE, 0, 0, kernel);
    assert_code(result, ERROR_INVALID_PARAMETER);
}

// Absurd offsets and lengths fail with an error (whatever the code), never a panic or a crash.
#[test]
fn absurd_offsets_and_lengths_fail() {
    let sb = Sandbox::new("absurd");
    let map = sb.section(4096, Protection::ReadWrite);
    assert_fails(map.map_view(A::READ, u64::MAX - 65535, 0));
    assert_fails(map.map_view(A::READ, 0, usize::MAX));
}
