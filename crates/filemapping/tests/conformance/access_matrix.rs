//! Spec §12.3 Handle access and the view compatibility matrix.

use super::*;

/// Rows 59–61 setup: `anon(4090, "Local\Foo")`.
fn local_foo_4090(sb: &Sandbox) -> FileMapping {
    created(sb.anon(4090, "Local\\Foo"))
}

// Row 59, spec §12.3 (§3, §5.2): a FILE_MAP_READ handle cannot map a writable view.
#[test]
fn row_59_an_opened_read_handle_cannot_map_a_write_view() {
    named_scenario("row59", |sb| {
        let _map = local_foo_4090(sb);
        let reader = ok(sb.open(A::READ, "Local\\Foo"));
        assert_code(reader.map_view(A::WRITE, 0, 0), ERROR_ACCESS_DENIED);
    });
}

// Row 60, spec §12.3 (§5.1, §5.4): it maps a read-only view of the page-rounded section.
#[test]
fn row_60_an_opened_read_handle_maps_a_read_only_view() {
    named_scenario("row60", |sb| {
        let _map = local_foo_4090(sb);
        let reader = ok(sb.open(A::READ, "Local\\Foo"));
        let ro = view(&reader, A::READ, 0, V::ReadOnly);
        assert_eq!(ro.region_size(), 4096);
    });
}

// Row 61, spec §12.3 (§5.2): FILE_MAP_WRITE alone maps read-write views but not read-only ones.
#[test]
fn row_61_an_opened_write_handle_maps_rw_but_not_ro_views() {
    named_scenario("row61", |sb| {
        let _map = local_foo_4090(sb);
        let writer = ok(sb.open(A::WRITE, "Local\\Foo"));
        assert_code(writer.map_view(A::READ, 0, 0), ERROR_ACCESS_DENIED);
        view(&writer, A::WRITE, 0, V::ReadWrite);
    });
}

// Row 62, spec §12.3 (§3): PAGE_READWRITE (4) passed as access is FILE_MAP_READ.
#[test]
fn row_62_page_readwrite_as_open_access_means_file_map_read() {
    named_scenario("row62", |sb| {
        let _map = created(sb.anon(4096, "S"));
        let handle = ok(sb.open(A::from_bits(PAGE_READWRITE), "S"));
        let result = handle.map_view(A::READ | A::WRITE, 0, 0);
        assert_code(result, ERROR_ACCESS_DENIED);
    });
}

// Row 63, spec §12.3 (§5.3): a handle with more rights than the section's protection still
// cannot map a writable view of a read-only section. Evidence X for the code: failure only.
#[test]
fn row_63_an_all_access_handle_cannot_map_write_views_of_a_read_only_section() {
    let test = "row_63_an_all_access_handle_cannot_map_write_views_of_a_read_only_section";
    let quirk = "Wine does not record a section's maximum protection and maps the view \
                 (spec §13, Wine deviation 4; T ROS-kmMV for Windows)";
    if skip_under_wine(test, quirk) {
        return;
    }
    named_scenario("row63", |sb| {
        let options = sb.named("S").size(4096);
        let _ro = created(options.protection(Protection::ReadOnly).create());
        let handle = ok(sb.open(A::ALL_ACCESS, "S"));
        assert_fails(handle.map_view(A::WRITE, 0, 0));
    });
}

/// Rows 64–65 setup: a PAGE_READONLY section of 4096 bytes of `F[R+W](12288)`.
fn read_only_file_section(sb: &Sandbox) -> (File, FileMapping) {
    let file = sb.file("f", 12288, Access::ReadWrite);
    let map = ok(sb.on_file(&file, Protection::ReadOnly, 4096));
    (file, map)
}

// Row 64, spec §12.3 (§5.3): FILE_MAP_READ, FILE_MAP_COPY and 0 on a read-only section.
#[test]
fn row_64_a_read_only_file_section_maps_ro_wc_and_noaccess_views() {
    let sb = Sandbox::new("row64");
    let (_file, map) = read_only_file_section(&sb);
    view(&map, A::READ, 4096, V::ReadOnly);
    view(&map, A::COPY, 4096, V::WriteCopy);
    view(&map, A::NONE, 4096, V::NoAccess);
}

// Row 65, spec §12.3 (§2.1 step 3, §5.3): FILE_MAP_WRITE on a read-only section.
#[test]
fn row_65_a_read_only_file_section_refuses_a_write_view() {
    let sb = Sandbox::new("row65");
    let (_file, map) = read_only_file_section(&sb);
    assert_code(map.map_view(A::WRITE, 0, 4096), ERROR_ACCESS_DENIED);
}

// Row 66, spec §12.3 (§5.3): a PAGE_WRITECOPY section refuses FILE_MAP_WRITE, allows
// FILE_MAP_COPY.
#[test]
fn row_66_a_writecopy_section_refuses_write_and_allows_copy() {
    let sb = Sandbox::new("row66");
    let map = sb.section(4096, Protection::WriteCopy);
    assert_code(map.map_view(A::WRITE, 0, 0), ERROR_ACCESS_DENIED);
    view(&map, A::COPY, 0, V::WriteCopy);
}

// Row 67, spec §12.3 (§5.3): no executable view of a PAGE_READWRITE section.
#[test]
fn row_67_an_execute_view_of_a_rw_section_is_access_denied() {
    let sb = Sandbox::new("row67");
    let map = sb.section(4096, Protection::ReadWrite);
    let result = map.map_view(A::EXECUTE | A::READ, 0, 0);
    assert_code(result, ERROR_ACCESS_DENIED);
}

// Row 68, spec §12.3 (§5.1, §5.3): FILE_MAP_EXECUTE | FILE_MAP_WRITE of a
// PAGE_EXECUTE_READWRITE section on a file with read, write and execute access.
#[test]
fn row_68_an_execute_readwrite_section_maps_an_execute_readwrite_view() {
    let sb = Sandbox::new("row68");
    let file = sb.exec_file("f", 4096, Access::ReadWrite);
    let map = ok(sb.on_file(&file, Protection::ExecuteReadWrite, 0));
    let v = view(&map, A::EXECUTE | A::WRITE, 0, V::ExecuteReadWrite);
    ok(v.write_at(0, MARK));
}

// Row 69, spec §12.3 (§5.3): a PAGE_EXECUTE_READ section maps FILE_MAP_EXECUTE | FILE_MAP_COPY
// as PAGE_EXECUTE_WRITECOPY and refuses FILE_MAP_WRITE.
#[test]
fn row_69_an_execute_read_section_maps_execute_writecopy_but_not_write() {
    let sb = Sandbox::new("row69");
    let file = sb.exec_file("f", 4096, Access::Read);
    let map = ok(sb.on_file(&file, Protection::ExecuteRead, 0));
    view(&map, A::EXECUTE | A::COPY, 0, V::ExecuteWriteCopy);
    assert_code(map.map_view(A::WRITE, 0, 0), ERROR_ACCESS_DENIED);
}

// Row 70, spec §12.3 (§5.1): FILE_MAP_READ | FILE_MAP_COPY is read-only, not copy-on-write.
#[test]
fn row_70_copy_plus_read_is_read_only() {
    let sb = Sandbox::new("row70");
    let map = sb.section(4096, Protection::ReadWrite);
    view(&map, A::READ | A::COPY, 0, V::ReadOnly);
}

// Row 71, spec §12.3 (§5.1): FILE_MAP_ALL_ACCESS is FILE_MAP_WRITE.
#[test]
fn row_71_an_all_access_view_is_read_write() {
    let sb = Sandbox::new("row71");
    let map = sb.section(4096, Protection::ReadWrite);
    view(&map, A::ALL_ACCESS, 0, V::ReadWrite);
}

// Row 72, spec §12.3 (§5.1): access 0 or FILE_MAP_EXECUTE alone maps a PAGE_NOACCESS view of a
// section of any protection; touching it fails.
#[test]
fn row_72_access_0_or_execute_alone_gives_a_noaccess_view() {
    let sb = Sandbox::new("row72");
    for protection in PROTECTIONS {
        let map = sb.section(4096, protection);
        for access in [A::NONE, A::EXECUTE] {
            let v = view(&map, access, 0, V::NoAccess);
            assert_fails(v.read_at(0, &mut [0u8; 1]));
        }
    }
}

// Row 73, spec §12.3 (§7): a duplicate with FILE_MAP_READ cannot map FILE_MAP_WRITE, but maps 0.
#[test]
fn row_73_a_read_duplicate_cannot_map_write_but_maps_noaccess() {
    let sb = Sandbox::new("row73");
    let map = sb.section(4096, Protection::ReadWrite);
    let reader = ok(map.duplicate(A::READ, false));
    assert_code(reader.map_view(A::WRITE, 0, 0), ERROR_ACCESS_DENIED);
    view(&reader, A::NONE, 0, V::NoAccess);
}

// Row 74, spec §12.3 (§5.2, §7): a duplicate with access 0 cannot map even a no-access view.
#[test]
fn row_74_a_duplicate_with_access_0_cannot_map_anything() {
    let sb = Sandbox::new("row74");
    let map = sb.section(4096, Protection::ReadWrite);
    let nothing = ok(map.duplicate(A::NONE, false));
    assert_code(nothing.map_view(A::NONE, 0, 0), ERROR_ACCESS_DENIED);
}

// Row 75, spec §12.3 (§7): a duplicate with FILE_MAP_READ | FILE_MAP_WRITE maps writable views.
#[test]
fn row_75_a_read_write_duplicate_maps_a_write_view() {
    let sb = Sandbox::new("row75");
    let map = sb.section(4096, Protection::ReadWrite);
    let both = ok(map.duplicate(A::READ | A::WRITE, false));
    view(&both, A::WRITE, 0, V::ReadWrite);
}
