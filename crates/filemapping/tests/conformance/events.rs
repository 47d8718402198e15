//! Spec §4, §12.2 rows 39–41: events share the one namespace of named objects; and the events
//! themselves (the API has events, not mutexes).

use super::*;
use filemapping::{Event, EventOptions};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

/// Options that create the spec's event `name` in the sandbox.
fn event_named(sb: &Sandbox, name: &str) -> EventOptions {
    EventOptions::new().namespace(&sb.ns).name(&sb.name(name))
}

/// `OpenEvent` of the spec's `name` in the sandbox.
fn open_event(sb: &Sandbox, name: &str) -> Result<Event> {
    Event::open_in(&sb.name(name), &sb.ns)
}

// Rows 39–41, spec §12.2 (§4): a mapping named like an event, and an event named like a mapping,
// are ERROR_INVALID_HANDLE, both ways.
#[test]
fn rows_39_to_41_events_and_mappings_share_one_namespace() {
    named_scenario("row39", |sb| {
        let _event = created(event_named(sb, "X").create());
        assert_code(sb.anon(4096, "X"), ERROR_INVALID_HANDLE); // row 39
        assert_code(sb.open(A::READ, "X"), ERROR_INVALID_HANDLE); // row 40
        let _map = created(sb.anon(4096, "M"));
        assert_code(event_named(sb, "M").create(), ERROR_INVALID_HANDLE); // row 41
        assert_code(open_event(sb, "M"), ERROR_INVALID_HANDLE);
    });
}

#[test]
fn auto_reset_events_release_one_wait_per_set() {
    named_scenario("auto", |sb| {
        let event = created(event_named(sb, "auto").create());
        assert!(!ok(event.wait(Some(Duration::ZERO))));
        ok(event.set());
        assert!(ok(event.wait(Some(Duration::ZERO))));
        let again = ok(event.wait(Some(Duration::from_millis(20))));
        assert!(!again, "consumed");
    });
}

#[test]
fn manual_reset_events_stay_signaled_until_reset() {
    named_scenario("manual", |sb| {
        let event = created(event_named(sb, "manual").manual_reset(true).create());
        let again = opened_existing(event_named(sb, "manual").create());
        assert!(
            again.is_manual_reset(),
            "the existing event keeps its reset mode"
        );
        let opened = ok(open_event(sb, "manual"));
        ok(event.set());
        assert!(ok(opened.wait(Some(Duration::ZERO))));
        assert!(ok(again.wait(Some(Duration::ZERO))));
        ok(event.reset());
        assert!(!ok(opened.wait(Some(Duration::ZERO))));
    });
}

// A wait blocks until another thread sets the event. The setter records that it is about to set
// before it calls `set`, and the waiter records what it saw when its wait returned: a wait that
// does not block returns before the record (or returns false, or is done before the set).
#[test]
fn a_wait_blocks_until_another_thread_sets_the_event() {
    named_scenario("threads", |sb| {
        let event = created(event_named(sb, "threads").create());
        let waiter = ok(open_event(sb, "threads"));
        let setting = Arc::new(AtomicBool::new(false));
        let done = Arc::new(AtomicBool::new(false));
        let (seen, finished) = (setting.clone(), done.clone());
        let handle = std::thread::spawn(move || {
            let signaled = waiter.wait(Some(Duration::from_secs(60)));
            let after_set = seen.load(Ordering::SeqCst);
            finished.store(true, Ordering::SeqCst);
            (signaled, after_set)
        });
        std::thread::sleep(Duration::from_millis(50));
        assert!(!done.load(Ordering::SeqCst), "the wait returned unset");
        setting.store(true, Ordering::SeqCst);
        ok(event.set());
        let (signaled, after_set) = handle.join().unwrap();
        assert!(ok(signaled), "the wait timed out");
        assert!(after_set, "the wait returned before the event was set");
    });
}

#[test]
fn an_event_name_dies_with_its_last_handle() {
    named_scenario("event-life", |sb| {
        let event = created(event_named(sb, "life").create());
        let copy = ok(event.try_clone());
        drop(event);
        assert!(open_event(sb, "life").is_ok(), "the duplicate holds it");
        drop(copy);
        assert_code(open_event(sb, "life"), ERROR_FILE_NOT_FOUND);
    });
}
