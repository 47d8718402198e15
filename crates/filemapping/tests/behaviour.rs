//! The behavioural suite that runs unchanged on every backend: on Linux against the emulation,
//! and under Wine against the real Win32 calls (`scripts/test-windows.sh`). Each test cites the
//! scenario row of `win32-semantics.md` §12 it checks; only rows with evidence D or T assert
//! exact Win32 codes. Names are unique per process and test, so tests may run in parallel.

use filemapping::{
    CreateOptions, Disposition, FileMapAccess as A, FileMapping, OpenOptions, Protection,
    SectionAttributes as S, ViewProtection,
};
use std::io::Write;

#[path = "support/skip.rs"]
mod skip;
use skip::{skip, skip_under_wine};

fn unique(tag: &str) -> String {
    format!("fm-beh-{}-{tag}", std::process::id())
}

fn anon(name: &str, size: u64) -> filemapping::Result<(FileMapping, Disposition)> {
    CreateOptions::new().name(name).size(size).create()
}

fn code<T: std::fmt::Debug>(result: filemapping::Result<T>) -> u32 {
    result.expect_err("the call must fail").win32_code()
}

fn temp_file(tag: &str, contents: &[u8]) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(unique(tag));
    std::fs::File::create(&path)
        .unwrap()
        .write_all(contents)
        .unwrap();
    path
}

fn rw(path: &std::path::Path) -> std::fs::File {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .unwrap()
}

#[test]
fn row_1_34_a_new_name_is_created_then_opened() {
    let name = unique("row1");
    let (first, disposition) = anon(&name, 0x1000).unwrap();
    assert_eq!(disposition, Disposition::Created);
    assert_eq!(first.info().unwrap().size(), 0x1000);
    let (_second, disposition) = anon(&name, 0x1000).unwrap();
    assert_eq!(disposition, Disposition::OpenedExisting);
    assert_eq!(disposition.win32_last_error(), 183);
}

#[test]
fn rows_2_3_memory_sections_need_a_size() {
    assert_eq!(code(CreateOptions::new().size(0).create()), 87);
    let name = unique("row3");
    let (_live, _) = anon(&name, 4096).unwrap();
    assert_eq!(code(anon(&name, 0)), 87, "checked before the name lookup");
}

#[test]
fn rows_21_to_28_section_attributes_on_memory() {
    let ok = [
        S::COMMIT | S::NOCACHE,
        S::COMMIT | S::WRITECOMBINE,
        S::RESERVE,
        S::RESERVE | S::NOCACHE,
    ];
    for attrs in ok {
        let made = CreateOptions::new()
            .size(0x10_0000)
            .attributes(attrs)
            .create();
        assert!(made.is_ok(), "{attrs:?}: {made:?}");
    }
    let invalid = [
        S::RESERVE | S::COMMIT,
        S::NOCACHE,
        S::WRITECOMBINE,
        S::LARGE_PAGES,
        S::RESERVE | S::LARGE_PAGES,
        S::IMAGE | S::COMMIT,
        S::FILE,
    ];
    for attrs in invalid {
        let made = CreateOptions::new().size(4096).attributes(attrs).create();
        assert_eq!(code(made), 87, "{attrs:?}");
    }
    assert_eq!(
        code(
            CreateOptions::new()
                .size(4096)
                .attributes(S::IMAGE)
                .create()
        ),
        193
    );
}

// Spec §3: names are not limited to MAX_PATH; a long one opens the same object again.
#[test]
fn a_long_name_opens_the_same_object() {
    let name = unique(&"long-".repeat(400));
    let (first, disposition) = anon(&name, 0x1000).unwrap();
    assert_eq!(disposition, Disposition::Created);
    first
        .map_view(A::WRITE, 0, 0)
        .unwrap()
        .write_at(0, b"far")
        .unwrap();
    let second = FileMapping::open(&name, A::READ).unwrap();
    let mut buf = [0u8; 3];
    second
        .map_view(A::READ, 0, 0)
        .unwrap()
        .read_at(0, &mut buf)
        .unwrap();
    assert_eq!(&buf, b"far");
}

#[test]
fn rows_35_36_names_are_case_sensitive() {
    let name = unique("Case Mapping");
    let (_lower, _) = anon(&name, 4096).unwrap();
    let upper = name.to_uppercase();
    assert_eq!(code(OpenOptions::new(A::ALL_ACCESS).open(&upper)), 2);
    let (_other, disposition) = anon(&upper, 4096).unwrap();
    assert_eq!(disposition, Disposition::Created);
}

#[test]
fn row_37_a_missing_name_is_file_not_found() {
    assert_eq!(code(FileMapping::open(&unique("nope"), A::READ)), 2);
}

#[test]
fn row_42_local_prefix_is_the_default_namespace() {
    let name = unique("row42");
    let (_local, _) = anon(&format!("Local\\{name}"), 4096).unwrap();
    let (_plain, disposition) = anon(&name, 4096).unwrap();
    assert_eq!(disposition, Disposition::OpenedExisting);
}

#[test]
fn rows_43_44_unknown_or_miscased_prefixes_are_path_not_found() {
    let name = unique("row43");
    assert_eq!(code(anon(&format!("NoSuchDir\\{name}"), 4096)), 3);
    assert_eq!(code(anon(&format!("local\\{name}"), 4096)), 3);
}

#[test]
fn row_48_an_existing_object_keeps_its_size() {
    let name = unique("row48");
    let (_first, _) = anon(&name, 4096).unwrap();
    let (second, disposition) = anon(&name, 65536).unwrap();
    assert_eq!(disposition, Disposition::OpenedExisting);
    assert_eq!(second.map_view(A::WRITE, 0, 0).unwrap().len(), 4096);
    assert_eq!(code(second.map_view(A::WRITE, 0, 65536)), 5);
}

#[test]
fn row_49_reopening_read_only_gives_a_read_only_handle() {
    let name = unique("row49");
    let (_rw, _) = anon(&name, 4096).unwrap();
    let (ro, _) = CreateOptions::new()
        .name(&name)
        .size(4096)
        .protection(Protection::ReadOnly)
        .create()
        .unwrap();
    assert_eq!(code(ro.map_view(A::WRITE, 0, 0)), 5);
}

#[test]
fn rows_50_to_52_the_name_dies_with_the_last_handle_not_the_last_view() {
    let name = unique("row50");
    let (map, _) = anon(&name, 0x10_0000).unwrap();
    let view = map.map_view(A::WRITE, 0, 0).unwrap();
    view.write_at(0, b"old").unwrap();
    drop(FileMapping::open(&name, A::READ).unwrap());
    map.close().unwrap();
    assert_eq!(code(FileMapping::open(&name, A::READ)), 2);
    let (fresh, disposition) = anon(&name, 0x10_0000).unwrap();
    assert_eq!(disposition, Disposition::Created);
    let mut buf = [0xffu8; 3];
    fresh
        .map_view(A::READ, 0, 0)
        .unwrap()
        .read_at(0, &mut buf)
        .unwrap();
    assert_eq!(buf, [0; 3], "a new, zero-filled section");
    view.read_at(0, &mut buf).unwrap();
    assert_eq!(&buf, b"old", "the view still works");
}

// Spec §1.3: a view does not count as a handle, whichever handle it was mapped through. Here the
// handle with live views closes first, and the handle without views is the last one.
#[test]
fn row_51_a_closed_handle_with_live_views_is_no_longer_counted() {
    let name = unique("row51v");
    let (map, _) = anon(&name, 0x1_0000).unwrap();
    let writer = map.map_view(A::WRITE, 0, 0).unwrap();
    let other = FileMapping::open(&name, A::READ).unwrap();
    let reader = other.map_view(A::READ, 0, 0).unwrap();
    let last = FileMapping::open(&name, A::READ).unwrap();
    map.close().unwrap();
    other.close().unwrap();
    if cfg!(target_os = "linux") {
        assert_eq!(
            last.handle_count().unwrap(),
            1,
            "only the last handle counts"
        );
    }
    writer.write_at(0, b"both").unwrap();
    let mut buf = [0u8; 4];
    reader.read_at(0, &mut buf).unwrap();
    assert_eq!(&buf, b"both", "the views still share the memory");
    last.close().unwrap();
    assert_eq!(code(FileMapping::open(&name, A::READ)), 2, "the name died");
}

#[test]
fn rows_59_to_61_opened_handles_have_exactly_the_requested_access() {
    let name = format!("Local\\{}", unique("row59"));
    let (_map, _) = anon(&name, 4090).unwrap();
    let reader = FileMapping::open(&name, A::READ).unwrap();
    assert_eq!(code(reader.map_view(A::WRITE, 0, 0)), 5);
    assert_eq!(
        reader.map_view(A::READ, 0, 0).unwrap().protection(),
        ViewProtection::ReadOnly
    );
    let writer = FileMapping::open(&name, A::WRITE).unwrap();
    assert_eq!(code(writer.map_view(A::READ, 0, 0)), 5);
    assert_eq!(
        writer.map_view(A::WRITE, 0, 0).unwrap().protection(),
        ViewProtection::ReadWrite
    );
}

#[test]
fn rows_66_67_70_71_72_the_view_matrix() {
    let (wc, _) = CreateOptions::new()
        .size(4096)
        .protection(Protection::WriteCopy)
        .create()
        .unwrap();
    assert_eq!(code(wc.map_view(A::WRITE, 0, 0)), 5);
    assert_eq!(
        wc.map_view(A::COPY, 0, 0).unwrap().protection(),
        ViewProtection::WriteCopy
    );
    let (rw, _) = CreateOptions::new().size(4096).create().unwrap();
    assert_eq!(code(rw.map_view(A::EXECUTE | A::READ, 0, 0)), 5);
    let ro = rw.map_view(A::READ | A::COPY, 0, 0).unwrap();
    assert_eq!(ro.protection(), ViewProtection::ReadOnly);
    assert_eq!(
        rw.map_view(A::ALL_ACCESS, 0, 0).unwrap().protection(),
        ViewProtection::ReadWrite
    );
    assert_eq!(
        rw.map_view(A::NONE, 0, 0).unwrap().protection(),
        ViewProtection::NoAccess
    );
}

#[test]
fn rows_73_to_75_duplicates_have_exactly_their_access() {
    let (map, _) = CreateOptions::new().size(4096).create().unwrap();
    let reader = map.duplicate(A::READ, false).unwrap();
    assert_eq!(code(reader.map_view(A::WRITE, 0, 0)), 5);
    assert_eq!(
        reader.map_view(A::NONE, 0, 0).unwrap().protection(),
        ViewProtection::NoAccess
    );
    let nothing = map.duplicate(A::NONE, false).unwrap();
    assert_eq!(code(nothing.map_view(A::NONE, 0, 0)), 5);
    let both = map.duplicate(A::READ | A::WRITE, false).unwrap();
    assert!(both.map_view(A::WRITE, 0, 0).is_ok());
}

#[test]
fn rows_76_77_offsets_are_multiples_of_64k() {
    let (map, _) = CreateOptions::new().size(128 * 1024).create().unwrap();
    for offset in [1, 4096, 0x1234, 69632] {
        assert_eq!(
            code(map.map_view(A::READ, offset, 0)),
            1132,
            "offset {offset}"
        );
    }
    assert_eq!(map.map_view(A::READ, 65536, 0).unwrap().len(), 65536);
}

#[test]
fn row_79_81_views_stay_inside_the_page_rounded_section() {
    let (map, _) = CreateOptions::new().size(4090).create().unwrap();
    assert!(map.map_view(A::READ, 0, 4096).is_ok());
    assert_eq!(code(map.map_view(A::READ, 0, 4097)), 5);
    let (big, _) = CreateOptions::new().size(65536).create().unwrap();
    assert_eq!(big.map_view(A::WRITE, 0, 0).unwrap().len(), 65536);
}

#[test]
fn rows_83_to_85_base_addresses() {
    let (map, _) = CreateOptions::new().size(65536).create().unwrap();
    let first = map.map_view(A::WRITE, 0, 0).unwrap();
    let taken = first.as_ptr() as usize;
    assert_eq!(code(map.map_view_at(A::WRITE, 0, 0, taken)), 487);
    assert_eq!(code(map.map_view_at(A::WRITE, 0, 0, taken + 0x1000)), 1132);
    assert_eq!(code(map.map_view_at(A::WRITE, 1, 0, taken)), 1132, "row 86");
    drop(first);
    let again = map.map_view_at(A::WRITE, 0, 0, taken).unwrap();
    assert_eq!(again.as_ptr() as usize, taken);
}

#[test]
fn row_88_two_views_are_coherent() {
    let (map, _) = CreateOptions::new().size(65536).create().unwrap();
    let a = map.map_view(A::WRITE, 0, 0).unwrap();
    let b = map.map_view(A::WRITE, 0, 0).unwrap();
    assert_ne!(a.as_ptr(), b.as_ptr());
    assert_eq!(a.as_ptr() as usize % 65536, 0);
    assert_eq!(b.as_ptr() as usize % 65536, 0);
    a.write_at(10, b"both").unwrap();
    let mut buf = [0u8; 4];
    b.read_at(10, &mut buf).unwrap();
    assert_eq!(&buf, b"both");
}

#[test]
fn row_4_an_empty_file_needs_a_size() {
    let path = temp_file("row4", b"");
    assert_eq!(code(CreateOptions::new().file(&rw(&path)).create()), 1006);
    std::fs::remove_file(path).unwrap();
}

#[test]
fn rows_8_9_12_file_section_sizes() {
    let path = temp_file("row8", &vec![7u8; 0x3456]);
    let file = rw(&path);
    let (whole, _) = CreateOptions::new()
        .file(&file)
        .protection(Protection::ReadOnly)
        .create()
        .unwrap();
    assert_eq!(whole.info().unwrap().size(), 0x3456);
    let too_big = CreateOptions::new()
        .file(&file)
        .size(0x3457)
        .protection(Protection::ReadOnly)
        .create();
    assert_eq!(code(too_big), 8);
    let (part, _) = CreateOptions::new()
        .file(&file)
        .size(36)
        .protection(Protection::ReadOnly)
        .create()
        .unwrap();
    assert_eq!(part.info().unwrap().size(), 36);
    drop((whole, part, file));
    assert_eq!(
        std::fs::metadata(&path).unwrap().len(),
        0x3456,
        "the file is unchanged"
    );
    std::fs::remove_file(path).unwrap();
}

#[test]
fn rows_11_105_a_writable_section_grows_the_file_and_writes_reach_it() {
    let path = temp_file("row11", &[0u8; 4096]);
    let file = rw(&path);
    let (map, _) = CreateOptions::new()
        .file(&file)
        .size(0x10_0000)
        .create()
        .unwrap();
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 0x10_0000);
    let view = map.map_view(A::ALL_ACCESS, 0, 0).unwrap();
    view.write_at(0, b"this is a test string").unwrap();
    view.flush().unwrap();
    drop((view, map, file));
    assert_eq!(
        &std::fs::read(&path).unwrap()[..21],
        b"this is a test string"
    );
    std::fs::remove_file(path).unwrap();
}

#[test]
fn rows_13_14_a_read_only_file_allows_only_read_only_sections() {
    let path = temp_file("row13", &[1u8; 4096]);
    let file = std::fs::File::open(&path).unwrap();
    assert_eq!(
        code(CreateOptions::new().file(&file).size(4096).create()),
        5
    );
    for protection in [Protection::ReadOnly, Protection::WriteCopy] {
        let made = CreateOptions::new()
            .file(&file)
            .size(4096)
            .protection(protection)
            .create();
        assert!(made.is_ok(), "{protection}: {made:?}");
    }
    drop(file);
    std::fs::remove_file(path).unwrap();
}

#[test]
fn handle_counts_follow_open_handles() {
    let name = unique("count");
    let (map, _) = anon(&name, 4096).unwrap();
    assert_eq!(map.handle_count().unwrap(), 1);
    let second = FileMapping::open(&name, A::READ).unwrap();
    assert_eq!(map.handle_count().unwrap(), 2);
    drop(second);
    assert_eq!(map.handle_count().unwrap(), 1);
}

#[test]
fn absurd_sizes_are_not_enough_memory() {
    let test = "absurd_sizes_are_not_enough_memory";
    if skip_under_wine(
        test,
        "Wine accepts an all-ones size and reports a 0-byte section",
    ) {
        return;
    }
    // Spec §2.2: STATUS_SECTION_TOO_BIG.
    assert_eq!(code(CreateOptions::new().size(u64::MAX).create()), 8);
}

#[test]
fn errors_never_panic_on_absurd_input() {
    assert_eq!(code(FileMapping::open("", A::READ)), 6);
    let (map, _) = CreateOptions::new().size(4096).create().unwrap();
    assert!(map.map_view(A::READ, u64::MAX - 65535, 0).is_err());
    assert!(map.map_view(A::READ, 0, usize::MAX).is_err());
}

/// A plain Win32 program in C (built by `scripts/test-windows.sh` with mingw, path in
/// `FILEMAPPING_INTEROP_EXE`) opens a mapping this library created and the bytes match.
#[test]
fn a_c_program_using_kernel32_shares_our_mapping() {
    let exe = match std::env::var_os("FILEMAPPING_INTEROP_EXE") {
        Some(exe) => exe,
        None => {
            let test = "a_c_program_using_kernel32_shares_our_mapping";
            let why = "FILEMAPPING_INTEROP_EXE is set only by scripts/test-windows.sh";
            return skip(test, why);
        }
    };
    let name = format!("Local\\{}", unique("interop"));
    let (map, _) = anon(&name, 4096).unwrap();
    let view = map.map_view(A::WRITE, 0, 0).unwrap();
    view.write_at(0, b"hello from Rust\0").unwrap();
    let out = std::process::Command::new(exe).arg(&name).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert_eq!(stdout.trim_end(), "read: hello from Rust");
    let mut reply = [0u8; 12];
    view.read_at(1024, &mut reply).unwrap();
    assert_eq!(&reply, b"hello from C");
}

/// Spec §6.3, rows 90-91: committing pages of a `SEC_RESERVE` view commits them in the section,
/// and another view sees them.
#[test]
fn rows_90_91_committing_reserved_pages_through_a_view() {
    let (map, _) = CreateOptions::new()
        .size(0x10_0000)
        .attributes(S::RESERVE)
        .create()
        .unwrap();
    let v1 = map.map_view(A::WRITE, 0, 0).unwrap();
    let v2 = map.map_view(A::WRITE, 0, 0).unwrap();
    // Spec §6.1: the views start reserved; the commit is the section's, for those pages only.
    assert_eq!(v1.committed_run(0).unwrap(), (false, 0x10_0000));
    v1.commit(0, 0x10000).unwrap();
    assert_eq!(v1.committed_run(0x1234).unwrap(), (true, 0xf000));
    assert_eq!(v2.committed_run(0).unwrap(), (true, 0x1_0000));
    assert_eq!(v2.committed_run(0x1_0000).unwrap(), (false, 0xf_0000));
    assert_eq!(code(v2.committed_run(0x10_0000)), 87);
    v1.write_at(0, b"committed").unwrap();
    let mut buf = [0u8; 9];
    v2.read_at(0, &mut buf).unwrap();
    assert_eq!(&buf, b"committed");
    assert_eq!(code(v1.commit(0, 0)), 87, "an empty range");
    assert_eq!(code(v1.commit(0x10_0000 - 4096, 8192)), 87, "past the view");
}

/// Spec §6.3: on a `SEC_COMMIT` view, a commit with the view's own protection succeeds.
#[test]
fn committing_a_commit_section_view_succeeds() {
    let (map, _) = CreateOptions::new().size(65536).create().unwrap();
    let view = map.map_view(A::WRITE, 0, 0).unwrap();
    view.commit(4096, 4096).unwrap();
    assert_eq!(view.committed_run(0x1000).unwrap(), (true, 0xf000));
}

/// Spec row 94: views of a file cannot be committed.
#[test]
fn row_94_file_views_cannot_be_committed() {
    let path = temp_file("row94", &[0u8; 8192]);
    let file = rw(&path);
    let (map, _) = CreateOptions::new().file(&file).create().unwrap();
    let view = map.map_view(A::WRITE, 0, 0).unwrap();
    assert_eq!(code(view.commit(0, 4096)), 5);
    drop((view, map, file));
    std::fs::remove_file(path).unwrap();
}

/// Spec §4, rows 39-41: mappings and events share one namespace; a name of the other type is
/// `ERROR_INVALID_HANDLE`, both ways.
#[test]
fn rows_39_to_41_events_and_mappings_share_one_namespace() {
    use filemapping::{Event, EventOptions};
    let event_name = unique("row39-event");
    let (_event, _) = EventOptions::new().name(&event_name).create().unwrap();
    assert_eq!(code(anon(&event_name, 4096)), 6, "row 39");
    assert_eq!(code(FileMapping::open(&event_name, A::READ)), 6, "row 40");
    let map_name = unique("row41-map");
    let (_map, _) = anon(&map_name, 4096).unwrap();
    assert_eq!(
        code(EventOptions::new().name(&map_name).create()),
        6,
        "row 41"
    );
    assert_eq!(code(Event::open(&map_name)), 6);
}

#[test]
fn auto_reset_events_release_one_wait_per_set() {
    use filemapping::EventOptions;
    use std::time::Duration;
    let (event, disposition) = EventOptions::new().name(&unique("auto")).create().unwrap();
    assert_eq!(disposition, Disposition::Created);
    assert!(!event.wait(Some(Duration::ZERO)).unwrap());
    event.set().unwrap();
    assert!(event.wait(Some(Duration::ZERO)).unwrap());
    assert!(
        !event.wait(Some(Duration::from_millis(20))).unwrap(),
        "consumed"
    );
}

#[test]
fn manual_reset_events_stay_signaled_until_reset() {
    use filemapping::{Event, EventOptions};
    use std::time::Duration;
    let name = unique("manual");
    let (event, _) = EventOptions::new()
        .name(&name)
        .manual_reset(true)
        .create()
        .unwrap();
    let (again, disposition) = EventOptions::new().name(&name).create().unwrap();
    assert_eq!(disposition, Disposition::OpenedExisting);
    assert!(
        again.is_manual_reset(),
        "the existing event keeps its reset mode"
    );
    let opened = Event::open(&name).unwrap();
    event.set().unwrap();
    assert!(opened.wait(Some(Duration::ZERO)).unwrap());
    assert!(again.wait(Some(Duration::ZERO)).unwrap());
    event.reset().unwrap();
    assert!(!opened.wait(Some(Duration::ZERO)).unwrap());
}

#[test]
fn a_wait_blocks_until_another_thread_sets_the_event() {
    use filemapping::{Event, EventOptions};
    use std::time::Duration;
    let name = unique("threads");
    let (event, _) = EventOptions::new().name(&name).create().unwrap();
    let waiter = Event::open(&name).unwrap();
    let handle = std::thread::spawn(move || waiter.wait(Some(Duration::from_secs(60))).unwrap());
    std::thread::sleep(Duration::from_millis(50));
    event.set().unwrap();
    assert!(handle.join().unwrap());
}

#[test]
fn an_event_name_dies_with_its_last_handle() {
    use filemapping::{Event, EventOptions};
    let name = unique("event-life");
    let (event, _) = EventOptions::new().name(&name).create().unwrap();
    let copy = event.try_clone().unwrap();
    drop(event);
    assert!(Event::open(&name).is_ok(), "the duplicate holds it");
    drop(copy);
    assert_eq!(code(Event::open(&name)), 2);
}

/// Spec §5.4: a base address in kernel space is `ERROR_INVALID_PARAMETER`.
#[test]
fn a_kernel_base_address_is_invalid_parameter() {
    let test = "a_kernel_base_address_is_invalid_parameter";
    if skip_under_wine(test, "Wine maps a view at a kernel-range address") {
        return;
    }
    let (map, _) = CreateOptions::new().size(65536).create().unwrap();
    let kernel = 0xFFFF_8000_0000_0000_u64 as usize;
    assert_eq!(code(map.map_view_at(A::WRITE, 0, 0, kernel)), 87);
}

/// A name that is only a namespace prefix names no object: creating it is
/// `ERROR_INVALID_NAME`, as Wine (the reference) answers.
#[test]
fn creating_a_bare_namespace_prefix_is_invalid_name() {
    assert_eq!(code(anon("Local\\", 4096)), 123);
    assert_eq!(code(anon("Global\\", 4096)), 123);
}
