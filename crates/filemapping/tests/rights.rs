//! Issue 12, items 2, 3 and 7, in the library: generic rights map through each type's generic
//! mapping, an event handle has exactly the rights it was opened with, and the name syntax
//! errors have Windows' codes. Portable: the same assertions hold against Windows itself (the
//! Windows backend passes the rights through), and the file builds with rustc 1.63.

use filemapping::{
    name_from_utf16, name_to_utf16, CreateOptions, ErrorKind, Event, EventAccess, EventOpenOptions,
    EventOptions, FileMapAccess, OpenOptions, Protection, ERROR_ACCESS_DENIED, ERROR_BAD_PATHNAME,
    ERROR_INVALID_NAME,
};
use std::time::Duration;

fn unique(what: &str) -> String {
    format!("fm-rights-{what}-{}", std::process::id())
}

fn denied<T: std::fmt::Debug>(result: filemapping::Result<T>) -> bool {
    let err = result.unwrap_err();
    err.kind() == ErrorKind::AccessDenied && err.win32_code() == ERROR_ACCESS_DENIED
}

/// Item 2: `GENERIC_READ` is `STANDARD_RIGHTS_READ | SECTION_QUERY | SECTION_MAP_READ`,
/// `GENERIC_WRITE` is `STANDARD_RIGHTS_WRITE | SECTION_MAP_WRITE`, `GENERIC_EXECUTE` is
/// `STANDARD_RIGHTS_EXECUTE | SECTION_MAP_EXECUTE`, `GENERIC_ALL` is `SECTION_ALL_ACCESS`.
#[test]
fn generic_rights_open_sections_through_the_section_mapping() {
    let name = unique("section");
    let (_map, _) = CreateOptions::new()
        .name(&name)
        .size(4096)
        .create()
        .unwrap();
    let open = |access: FileMapAccess| OpenOptions::new(access).open(&name).unwrap();

    let read = open(FileMapAccess::GENERIC_READ);
    assert_eq!(read.access().bits(), 0x2_0005);
    assert!(read.info().is_ok(), "GENERIC_READ includes SECTION_QUERY");
    read.map_view(FileMapAccess::READ, 0, 0).unwrap();
    read.map_view(FileMapAccess::COPY, 0, 0).unwrap();
    assert!(denied(read.map_view(FileMapAccess::WRITE, 0, 0)));

    let write = open(FileMapAccess::GENERIC_WRITE);
    assert_eq!(write.access().bits(), 0x2_0002);
    write.map_view(FileMapAccess::WRITE, 0, 0).unwrap();
    assert!(denied(write.map_view(FileMapAccess::READ, 0, 0)));

    let all = open(FileMapAccess::GENERIC_ALL);
    assert_eq!(all.access(), FileMapAccess::ALL_ACCESS);
    all.map_view(FileMapAccess::ALL_ACCESS, 0, 0).unwrap();

    // FILE_MAP_COPY alone still means FILE_MAP_READ.
    assert_eq!(open(FileMapAccess::COPY).access(), FileMapAccess::READ);
}

#[test]
fn generic_execute_gives_the_right_to_executable_views() {
    let name = unique("section-x");
    let (_map, _) = CreateOptions::new()
        .name(&name)
        .size(4096)
        .protection(Protection::ExecuteReadWrite)
        .create()
        .unwrap();
    let rx = FileMapAccess::EXECUTE | FileMapAccess::READ;
    let exec = OpenOptions::new(FileMapAccess::GENERIC_READ | FileMapAccess::GENERIC_EXECUTE)
        .open(&name)
        .unwrap();
    assert!(exec.access().contains(FileMapAccess::MAP_EXECUTE));
    exec.map_view(rx, 0, 0).unwrap();
    let read = OpenOptions::new(FileMapAccess::GENERIC_READ)
        .open(&name)
        .unwrap();
    assert!(denied(read.map_view(rx, 0, 0)));
}

#[test]
fn generic_rights_duplicate_sections_through_the_section_mapping() {
    let (map, _) = CreateOptions::new().size(4096).create().unwrap();
    let read = map.duplicate(FileMapAccess::GENERIC_READ, false).unwrap();
    assert_eq!(read.access().bits(), 0x2_0005);
    read.map_view(FileMapAccess::READ, 0, 0).unwrap();
    assert!(denied(read.map_view(FileMapAccess::WRITE, 0, 0)));
    let write = map.duplicate(FileMapAccess::GENERIC_WRITE, false).unwrap();
    write.map_view(FileMapAccess::WRITE, 0, 0).unwrap();
    let all = map.duplicate(FileMapAccess::GENERIC_ALL, false).unwrap();
    assert_eq!(all.access(), FileMapAccess::ALL_ACCESS);
}

/// Item 3: waiting needs `SYNCHRONIZE`, setting and resetting `EVENT_MODIFY_STATE`.
#[test]
fn event_handles_have_exactly_their_rights() {
    let name = unique("event");
    let (event, _) = EventOptions::new()
        .name(&name)
        .manual_reset(true)
        .create()
        .unwrap();
    assert_eq!(event.access(), EventAccess::ALL_ACCESS);
    let zero = Some(Duration::ZERO);

    let waiter = EventOpenOptions::new(EventAccess::SYNCHRONIZE)
        .open(&name)
        .unwrap();
    assert!(denied(waiter.set()));
    assert!(denied(waiter.reset()));
    assert!(!waiter.wait(zero).unwrap());

    let setter = EventOpenOptions::new(EventAccess::MODIFY_STATE)
        .open(&name)
        .unwrap();
    setter.set().unwrap();
    assert!(denied(setter.wait(zero)));
    assert!(waiter.wait(zero).unwrap());
    setter.reset().unwrap();
    assert!(!waiter.wait(zero).unwrap());

    let query = EventOpenOptions::new(EventAccess::QUERY_STATE)
        .open(&name)
        .unwrap();
    assert!(denied(query.set()));
    assert!(denied(query.wait(zero)));
    assert!(
        query.is_manual_reset(),
        "the reset mode is known without SYNCHRONIZE"
    );

    // Event::open asks for every right.
    let full = Event::open(&name).unwrap();
    assert_eq!(full.access(), EventAccess::ALL_ACCESS);
    full.set().unwrap();
    assert!(full.wait(zero).unwrap());
    full.reset().unwrap();
}

/// Item 2 for events: `GENERIC_READ` is `STANDARD_RIGHTS_READ | EVENT_QUERY_STATE`,
/// `GENERIC_WRITE` is `STANDARD_RIGHTS_WRITE | EVENT_MODIFY_STATE`, `GENERIC_EXECUTE` is
/// `STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE`, `GENERIC_ALL` is `EVENT_ALL_ACCESS`.
#[test]
fn generic_rights_open_events_through_the_event_mapping() {
    let name = unique("event-generic");
    let (_event, _) = EventOptions::new()
        .name(&name)
        .manual_reset(true)
        .create()
        .unwrap();
    let open = |access: EventAccess| EventOpenOptions::new(access).open(&name).unwrap();
    let zero = Some(Duration::ZERO);

    let read = open(EventAccess::GENERIC_READ);
    assert_eq!(read.access().bits(), 0x2_0001);
    assert!(denied(read.set()));
    assert!(denied(read.wait(zero)));

    let write = open(EventAccess::GENERIC_WRITE);
    assert_eq!(write.access().bits(), 0x2_0002);
    write.set().unwrap();
    assert!(denied(write.wait(zero)));

    let execute = open(EventAccess::GENERIC_EXECUTE);
    assert_eq!(execute.access().bits(), 0x12_0000);
    assert!(denied(execute.reset()));
    assert!(execute.wait(zero).unwrap());

    let all = open(EventAccess::GENERIC_ALL);
    assert_eq!(all.access(), EventAccess::ALL_ACCESS);
    all.reset().unwrap();
    assert!(!all.wait(zero).unwrap());
}

#[test]
fn duplicated_events_get_the_rights_asked_for() {
    let (event, _) = EventOptions::new().create().unwrap();
    let waiter = event.duplicate(EventAccess::SYNCHRONIZE, false).unwrap();
    assert_eq!(waiter.access(), EventAccess::SYNCHRONIZE);
    assert!(denied(waiter.set()));
    let setter = event.duplicate(EventAccess::GENERIC_WRITE, false).unwrap();
    setter.set().unwrap();
    assert!(denied(setter.wait(Some(Duration::ZERO))));
    assert!(waiter.wait(Some(Duration::ZERO)).unwrap());
    // try_clone keeps the rights (DUPLICATE_SAME_ACCESS).
    let clone = waiter.try_clone().unwrap();
    assert_eq!(clone.access(), EventAccess::SYNCHRONIZE);
    assert!(denied(clone.reset()));
}

/// Item 7: a leading backslash is `ERROR_BAD_PATHNAME`, an empty component
/// `ERROR_INVALID_NAME`; an unknown directory stays `ERROR_PATH_NOT_FOUND`.
#[test]
fn name_syntax_errors_have_windows_codes() {
    let create = |name: &str| {
        CreateOptions::new()
            .name(name)
            .size(4096)
            .create()
            .unwrap_err()
    };
    let open = |name: &str| {
        OpenOptions::new(FileMapAccess::READ)
            .open(name)
            .unwrap_err()
    };
    let leading = format!("\\{}", unique("leading"));
    let empty = format!("Local\\\\{}", unique("empty"));
    for err in [create(&leading), open(&leading)] {
        assert_eq!(err.kind(), ErrorKind::BadPathname);
        assert_eq!(err.win32_code(), ERROR_BAD_PATHNAME);
    }
    for err in [create(&empty), open(&empty)] {
        assert_eq!(err.kind(), ErrorKind::InvalidName);
        assert_eq!(err.win32_code(), ERROR_INVALID_NAME);
    }
    let event_err = EventOptions::new().name(&leading).create().unwrap_err();
    assert_eq!(event_err.kind(), ErrorKind::BadPathname);
    let event_err = EventOpenOptions::new(EventAccess::SYNCHRONIZE)
        .open(&empty)
        .unwrap_err();
    assert_eq!(event_err.kind(), ErrorKind::InvalidName);
    let unknown = format!("NoSuchDir\\\\{}", unique("empty"));
    assert_eq!(create(&unknown).kind(), ErrorKind::PathNotFound);
}

/// Item 7: an unpaired surrogate is a name character, kept apart from every other name.
#[test]
fn names_with_unpaired_surrogates_round_trip() {
    let units = |lone: u16| -> Vec<u16> {
        let mut units: Vec<u16> = unique("lone").encode_utf16().collect();
        units.push(lone);
        units
    };
    let high = name_from_utf16(&units(0xD800));
    let low = name_from_utf16(&units(0xDC00));
    assert_eq!(name_to_utf16(&high), units(0xD800));
    assert_ne!(high, low);

    let (map, disposition) = CreateOptions::new()
        .name(&high)
        .size(4096)
        .create()
        .unwrap();
    assert_eq!(disposition, filemapping::Disposition::Created);
    map.map_view(FileMapAccess::WRITE, 0, 0)
        .unwrap()
        .write_at(0, b"lone")
        .unwrap();
    let again = OpenOptions::new(FileMapAccess::READ).open(&high).unwrap();
    let mut buf = [0u8; 4];
    again
        .map_view(FileMapAccess::READ, 0, 0)
        .unwrap()
        .read_at(0, &mut buf)
        .unwrap();
    assert_eq!(&buf, b"lone");
    assert_eq!(
        OpenOptions::new(FileMapAccess::READ)
            .open(&low)
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );
    // Any other NUL is still refused.
    let nul = format!("{}\0x", unique("nul"));
    assert_eq!(
        CreateOptions::new()
            .name(&nul)
            .size(4096)
            .create()
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidName
    );
}
