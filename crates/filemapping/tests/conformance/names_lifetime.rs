//! Spec §12.2 Names, existing objects, lifetime.

use super::*;

// Row 34, spec §12.2 (§2.1 step 6, §2.5): the same name again opens the live object.
#[test]
fn row_34_the_same_name_again_opens_the_existing_object() {
    named_scenario("row34", |sb| {
        let first = created(sb.anon(4096, "Wine Test Mapping"));
        let again = opened_existing(sb.anon(4096, "Wine Test Mapping"));
        ok(view(&first, A::WRITE, 0, V::ReadWrite).write_at(0, MARK));
        let seen = view(&again, A::READ, 0, V::ReadOnly);
        assert_eq!(read(&seen, 0, MARK.len()), MARK, "the same object");
    });
}

// Row 35, spec §12.2 (§4): names are case-sensitive, so another case is another object.
#[test]
fn row_35_names_that_differ_in_case_are_different_objects() {
    named_scenario("row35", |sb| {
        let lower = created(sb.anon(4096, "Wine Test Mapping"));
        let upper = created(sb.anon(4096, "WINE TEST MAPPING"));
        ok(view(&lower, A::WRITE, 0, V::ReadWrite).write_at(0, MARK));
        let other = view(&upper, A::READ, 0, V::ReadOnly);
        assert_eq!(read(&other, 0, MARK.len()), vec![0; MARK.len()]);
    });
}

// Row 36, spec §12.2 (§3, §4): opening with another case finds nothing.
#[test]
fn row_36_open_with_another_case_is_file_not_found() {
    named_scenario("row36", |sb| {
        let _live = created(sb.anon(4096, "Wine Test Mapping"));
        let result = sb.open(A::ALL_ACCESS, "WINE TEST MAPPING");
        assert_code(result, ERROR_FILE_NOT_FOUND);
    });
}

// Row 37, spec §12.2 (§3): opening a missing name.
#[test]
fn row_37_open_a_missing_name_is_file_not_found() {
    let sb = Sandbox::new("row37");
    assert_code(sb.open(A::READ, "nope"), ERROR_FILE_NOT_FOUND);
}

// Row 38, spec §12.2 (§3): OpenFileMapping without a name (NULL; the API's nearest is "").
// Evidence I only (87 for NULL), yet the exact code for the empty name is asserted: both backends
// answer ERROR_INVALID_HANDLE, as Windows does for an empty object name.
#[test]
fn row_38_open_without_a_name_fails() {
    let sb = Sandbox::new("row38");
    assert_code(sb.open(A::READ, ""), ERROR_INVALID_HANDLE);
}

// Row 42, spec §12.2 (§4): `Local\Foo` and `Foo` are one object.
#[test]
fn row_42_the_local_prefix_is_the_default_namespace() {
    named_scenario("row42", |sb| {
        let local = created(sb.anon(4096, "Local\\Foo"));
        let plain = opened_existing(sb.anon(4096, "Foo"));
        ok(view(&local, A::WRITE, 0, V::ReadWrite).write_at(0, MARK));
        let seen = view(&plain, A::READ, 0, V::ReadOnly);
        assert_eq!(read(&seen, 0, MARK.len()), MARK);
    });
}

// Row 43, spec §12.2 (§4): an unknown directory in the name.
#[test]
fn row_43_an_unknown_directory_is_path_not_found() {
    let sb = Sandbox::new("row43");
    assert_code(sb.anon(4096, "NoSuchDir\\Foo"), ERROR_PATH_NOT_FOUND);
}

// Row 44, spec §12.2 (§4): the prefixes are case-sensitive keywords.
#[test]
fn row_44_a_miscased_local_prefix_is_path_not_found() {
    let sb = Sandbox::new("row44");
    assert_code(sb.anon(4096, "local\\Foo"), ERROR_PATH_NOT_FOUND);
}

// Row 48, spec §12.2 (§2.5): an opened object keeps its own size.
#[test]
fn row_48_an_existing_object_keeps_its_size() {
    named_scenario("row48", |sb| {
        let _first = created(sb.anon(4096, "S"));
        let second = opened_existing(sb.anon(65536, "S"));
        assert_eq!(view(&second, A::WRITE, 0, V::ReadWrite).len(), 4096);
        assert_code(second.map_view(A::WRITE, 0, 65536), ERROR_ACCESS_DENIED);
    });
}

// Row 49, spec §12.2 (§2.5): the handle's rights derive from the new protection.
#[test]
fn row_49_reopening_read_only_gives_a_read_only_handle() {
    named_scenario("row49", |sb| {
        let _rw = created(sb.anon(4096, "S"));
        let options = sb.named("S").size(4096);
        let ro = opened_existing(options.protection(Protection::ReadOnly).create());
        assert_code(ro.map_view(A::WRITE, 0, 0), ERROR_ACCESS_DENIED);
    });
}

/// Rows 50–52 setup: `anon(1 MiB, "Foo")`, a FILE_MAP_WRITE view holding MARK, an extra
/// OpenFileMapping handle closed, then the creating handle closed. Returns the view.
fn foo_view_without_handles(sb: &Sandbox) -> View {
    let map = created(sb.anon(MIB, "Foo"));
    let v = view(&map, A::WRITE, 0, V::ReadWrite);
    ok(v.write_at(0, MARK));
    ok(ok(sb.open(A::READ, "Foo")).close());
    ok(map.close());
    v
}

// Row 50, spec §12.2 (§1.2): the view stays fully usable after every handle is closed.
#[test]
fn row_50_a_view_outlives_every_handle() {
    named_scenario("row50", |sb| {
        let v = foo_view_without_handles(sb);
        let all = read(&v, 0, MIB as usize);
        assert_eq!(&all[..MARK.len()], MARK);
        assert_eq!(v.protection(), V::ReadWrite);
        assert_eq!(v.region_size(), MIB as usize);
    });
}

// Row 51, spec §12.2 (§1.3): the name dies with the last handle, although a view is mapped.
#[test]
fn row_51_the_name_dies_with_the_last_handle_despite_a_live_view() {
    named_scenario("row51", |sb| {
        let _v = foo_view_without_handles(sb);
        assert_code(sb.open(A::READ, "Foo"), ERROR_FILE_NOT_FOUND);
    });
}

// Row 51, spec §1.3: a view does not count as a handle, whichever handle it was mapped through.
// Here the handles with live views close first, and a handle without views is the last one.
#[test]
fn row_51_a_closed_handle_with_live_views_is_no_longer_counted() {
    named_scenario("row51v", |sb| {
        let map = created(sb.anon(0x1_0000, "S"));
        let writer = view(&map, A::WRITE, 0, V::ReadWrite);
        let other = ok(sb.open(A::READ, "S"));
        let reader = view(&other, A::READ, 0, V::ReadOnly);
        let last = ok(sb.open(A::READ, "S"));
        ok(map.close());
        ok(other.close());
        assert_eq!(ok(last.handle_count()), 1, "only the last handle counts");
        ok(writer.write_at(0, MARK));
        assert_eq!(
            read(&reader, 0, MARK.len()),
            MARK,
            "the views share the memory"
        );
        ok(last.close());
        assert_code(sb.open(A::READ, "S"), ERROR_FILE_NOT_FOUND);
    });
}

// Row 52, spec §12.2 (§1.3, §1.4): the same name then creates a new, zero-filled section that
// does not share the old view's memory.
#[test]
fn row_52_recreating_the_name_makes_a_new_zeroed_section() {
    named_scenario("row52", |sb| {
        let old = foo_view_without_handles(sb);
        let map = created(sb.anon(MIB, "Foo"));
        let new = view(&map, A::WRITE, 0, V::ReadWrite);
        assert_eq!(read(&new, 0, MARK.len()), vec![0; MARK.len()]);
        ok(new.write_at(100, MARK));
        assert_eq!(read(&old, 100, MARK.len()), vec![0; MARK.len()]);
        assert_eq!(read(&old, 0, MARK.len()), MARK, "the old view still works");
    });
}

// Row 53, spec §12.2 (§1.3): the same for a file-backed named section.
#[test]
fn row_53_a_file_backed_name_dies_with_the_last_handle() {
    named_scenario("row53", |sb| {
        let file = sb.file("f", 4096, Access::ReadWrite);
        let options = sb.named("Foo").file(&file).size(MIB);
        let options = options.protection(Protection::ReadWrite);
        let map = created(options.clone().create());
        let _v = view(&map, A::WRITE, 0, V::ReadWrite);
        ok(ok(sb.open(A::READ, "Foo")).close());
        ok(map.close());
        assert_code(sb.open(A::READ, "Foo"), ERROR_FILE_NOT_FOUND);
        created(options.create());
    });
}

// Row 54, spec §12.2 (§1.4): once every view and handle is gone, the data is gone; a new
// section is zero-filled.
#[test]
fn row_54_a_recreated_section_is_zero_filled() {
    named_scenario("row54", |sb| {
        let map = created(sb.anon(4096, "S"));
        let v = view(&map, A::WRITE, 0, V::ReadWrite);
        ok(v.write_at(0, &0x1a2b_3c4d_u32.to_ne_bytes()));
        ok(v.unmap());
        ok(map.close());
        let fresh = created(sb.anon(4096, "S"));
        let first = view(&fresh, A::READ, 0, V::ReadOnly);
        assert_eq!(read(&first, 0, 4), vec![0; 4]);
    });
}

// Spec §3: names are not limited to MAX_PATH; a long one opens the same object again.
#[test]
fn a_long_name_opens_the_same_object() {
    named_scenario("long", |sb| {
        let long = "long-".repeat(400);
        let first = created(sb.anon(0x1000, &long));
        ok(view(&first, A::WRITE, 0, V::ReadWrite).write_at(0, MARK));
        let second = ok(sb.open(A::READ, &long));
        let seen = view(&second, A::READ, 0, V::ReadOnly);
        assert_eq!(read(&seen, 0, MARK.len()), MARK);
    });
}

// Spec §1.3 (`NtQueryObject`): the handle count follows the open handles of the object.
#[test]
fn handle_counts_follow_open_handles() {
    named_scenario("count", |sb| {
        let map = created(sb.anon(4096, "S"));
        assert_eq!(ok(map.handle_count()), 1);
        let second = ok(sb.open(A::READ, "S"));
        assert_eq!(ok(map.handle_count()), 2);
        drop(second);
        assert_eq!(ok(map.handle_count()), 1);
    });
}

// Spec §4: a name that is only a namespace prefix names no object: creating it is
// ERROR_INVALID_NAME, as Wine (the reference) answers. These names bypass the sandbox's prefix,
// which would make them names of objects; nothing is ever created under them.
#[test]
fn creating_a_bare_namespace_prefix_is_invalid_name() {
    let sb = Sandbox::new("bare");
    for prefix in ["Local\\", "Global\\"] {
        let result = sb.options().name(prefix).size(4096).create();
        assert_code(result, ERROR_INVALID_NAME);
    }
}

/// A plain Win32 program in C (built by `scripts/test-windows.sh` with mingw, path in
/// `FILEMAPPING_INTEROP_EXE`) opens a mapping this library created, by name, and the bytes
/// match both ways.
#[test]
fn a_c_program_using_kernel32_shares_our_mapping() {
    let test = "a_c_program_using_kernel32_shares_our_mapping";
    let exe = match std::env::var_os("FILEMAPPING_INTEROP_EXE") {
        Some(exe) => exe,
        None => {
            let why = "FILEMAPPING_INTEROP_EXE (a kernel32 program) is set only by \
                       scripts/test-windows.sh";
            return skip(test, why);
        }
    };
    named_scenario("interop", |sb| {
        let name = sb.name("Local\\interop");
        let map = created(sb.options().name(&name).size(4096).create());
        let v = view(&map, A::WRITE, 0, V::ReadWrite);
        ok(v.write_at(0, b"hello from Rust\0"));
        let out = std::process::Command::new(exe).arg(&name).output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{stdout}");
        assert_eq!(stdout.trim_end(), "read: hello from Rust");
        assert_eq!(read(&v, 1024, 12), b"hello from C");
    });
}
