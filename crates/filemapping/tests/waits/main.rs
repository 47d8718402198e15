//! Waiting for several objects (`wait_any`, `wait_all`), `signal_and_wait` and `PulseEvent`:
//! lowest-index wins, all-or-nothing, abandonment between threads and between processes (this
//! test binary re-executes itself as the peer and kills it with SIGKILL, `TerminateProcess` on
//! Windows), limits, rights, and races between threads.
//!
//! The file is portable and builds with Rust 1.63, so the same tests run on Linux and, through
//! the Windows backend, under Wine (names carry the test's tag: Windows ignores the namespace
//! root).

#[path = "../support/peer.rs"]
mod peer;

use peer::{say, Peer, TestDir};

use filemapping::{
    signal_and_wait, wait_all, wait_any, ErrorKind, Event, EventAccess, EventOptions, Mutex,
    MutexOptions, Semaphore, SemaphoreOptions, WaitAllOutcome, WaitAnyOutcome, WaitOutcome,
    Waitable, MAXIMUM_WAIT_OBJECTS,
};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Long enough for anything to happen (a watchdog, not a performance bound).
const PATIENCE: Duration = Duration::from_secs(60);
/// A pause after which a thread that was told to wait is (very probably) asleep; the tests are
/// right however long it turns out to be.
const SETTLE: Duration = Duration::from_millis(50);
const ZERO: Option<Duration> = Some(Duration::ZERO);
const PEER: &str = "FM_WAITS_PEER";

fn event(manual: bool, signaled: bool) -> Event {
    let opts = EventOptions::new().manual_reset(manual);
    opts.initial_state(signaled).create().unwrap().0
}

fn semaphore(initial: i32, maximum: i32) -> Semaphore {
    let opts = SemaphoreOptions::new().initial(initial);
    opts.maximum(maximum).create().unwrap().0
}

fn mutex() -> Mutex {
    MutexOptions::new().create().unwrap().0
}

/// Runs `f` on a thread that owns `m` (a second handle) until `release` is set, then returns.
fn owned_elsewhere(m: &Mutex) -> (Event, std::thread::JoinHandle<()>) {
    let theirs = m.try_clone().unwrap();
    let (done, _) = EventOptions::new().create().unwrap();
    let (owned, _) = EventOptions::new().create().unwrap();
    let tell = owned.try_clone().unwrap();
    let until = done.try_clone().unwrap();
    let thread = std::thread::spawn(move || {
        assert!(theirs.wait(ZERO).unwrap().is_acquired());
        tell.set().unwrap();
        assert!(until.wait(Some(PATIENCE)).unwrap());
        theirs.release().unwrap();
    });
    assert!(owned.wait(Some(PATIENCE)).unwrap());
    (done, thread)
}

#[test]
fn wait_any_takes_the_lowest_signaled_index_only() {
    let (a, b) = (event(false, true), event(false, true));
    let s = semaphore(2, 5);
    let m = mutex();
    let objects: [&dyn Waitable; 4] = [&a, &b, &s, &m];
    // Each event once, the semaphore's two units, then the mutex; the mutex is this thread's
    // then, and recursion satisfies the wait again.
    for (wait, index) in [0, 1, 2, 2, 3, 3].into_iter().enumerate() {
        let outcome = wait_any(&objects, ZERO).unwrap();
        assert_eq!(outcome, WaitAnyOutcome::Signaled(index), "wait {wait}");
    }
    m.release().unwrap();
    m.release().unwrap();
    assert_eq!(m.release().unwrap_err().kind(), ErrorKind::NotOwner);
    // A manual-reset event stays signaled.
    let manual = event(true, true);
    for _ in 0..3 {
        assert_eq!(
            wait_any(&[&a, &manual], ZERO).unwrap(),
            WaitAnyOutcome::Signaled(1)
        );
    }
    assert_eq!(
        wait_any(&[&a, &b], Some(SETTLE)).unwrap(),
        WaitAnyOutcome::TimedOut
    );
}

#[test]
fn a_timed_out_wait_all_consumes_nothing() {
    let auto = event(false, true);
    let s = semaphore(1, 1);
    let free = mutex();
    let held = mutex();
    let (done, owner) = owned_elsewhere(&held);
    let objects: [&dyn Waitable; 4] = [&auto, &s, &free, &held];
    assert_eq!(wait_all(&objects, ZERO).unwrap(), WaitAllOutcome::TimedOut);
    assert_eq!(
        wait_all(&objects, Some(SETTLE)).unwrap(),
        WaitAllOutcome::TimedOut
    );
    // Nothing was taken: the event is still signaled, the unit still there, the mutex free.
    assert_eq!(
        free.release().unwrap_err().kind(),
        ErrorKind::NotOwner,
        "the free mutex was not left owned"
    );
    assert_eq!(s.release(1).unwrap_err().kind(), ErrorKind::TooManyPosts);
    // Once the other thread lets go, the same wait takes all four.
    let waiter = std::thread::spawn({
        let (auto, s) = (auto.try_clone().unwrap(), s.try_clone().unwrap());
        let (free, held) = (free.try_clone().unwrap(), held.try_clone().unwrap());
        move || {
            let outcome = wait_all(&[&auto, &s, &free, &held], Some(PATIENCE)).unwrap();
            free.release().unwrap();
            held.release().unwrap();
            outcome
        }
    });
    std::thread::sleep(SETTLE);
    done.set().unwrap();
    owner.join().unwrap();
    assert_eq!(waiter.join().unwrap(), WaitAllOutcome::Signaled);
    assert!(!auto.wait(ZERO).unwrap(), "the event was consumed");
    assert!(!s.wait(ZERO).unwrap(), "the unit was taken");
}

#[test]
fn wait_all_wakes_when_the_last_object_is_signaled() {
    let (a, b) = (event(false, false), event(true, false));
    let s = semaphore(0, 3);
    let (a2, b2, s2) = (
        a.try_clone().unwrap(),
        b.try_clone().unwrap(),
        s.try_clone().unwrap(),
    );
    let waiter = std::thread::spawn(move || wait_all(&[&a2, &b2, &s2], Some(PATIENCE)).unwrap());
    std::thread::sleep(SETTLE);
    a.set().unwrap();
    std::thread::sleep(SETTLE);
    s.release(2).unwrap();
    std::thread::sleep(SETTLE);
    assert!(!waiter.is_finished());
    b.set().unwrap();
    assert_eq!(waiter.join().unwrap(), WaitAllOutcome::Signaled);
    assert!(!a.wait(ZERO).unwrap());
    assert!(b.wait(ZERO).unwrap(), "a manual-reset event stays signaled");
    assert_eq!(s.release(1).unwrap(), 1, "one of the two units was taken");
}

#[test]
fn wait_any_sleeps_until_another_thread_signals() {
    let (stop, work) = (event(false, false), event(false, false));
    let s = semaphore(0, 1);
    let (stop2, work2, s2) = (
        stop.try_clone().unwrap(),
        work.try_clone().unwrap(),
        s.try_clone().unwrap(),
    );
    let waiter = std::thread::spawn(move || {
        let mut seen = Vec::new();
        for _ in 0..3 {
            seen.push(wait_any(&[&stop2, &work2, &s2], Some(PATIENCE)).unwrap());
        }
        seen
    });
    std::thread::sleep(SETTLE);
    work.set().unwrap();
    std::thread::sleep(SETTLE);
    s.release(1).unwrap();
    std::thread::sleep(SETTLE);
    stop.set().unwrap();
    assert_eq!(
        waiter.join().unwrap(),
        [
            WaitAnyOutcome::Signaled(1),
            WaitAnyOutcome::Signaled(2),
            WaitAnyOutcome::Signaled(0)
        ]
    );
}

#[test]
fn a_released_mutex_goes_to_a_multi_waiter_and_a_single_waiter_alike() {
    let m = mutex();
    let never = event(false, false);
    let (done, owner) = owned_elsewhere(&m);
    let got = Arc::new(AtomicUsize::new(0));
    let mut waiters = Vec::new();
    for i in 0..4 {
        let (m, never, got) = (
            m.try_clone().unwrap(),
            never.try_clone().unwrap(),
            Arc::clone(&got),
        );
        waiters.push(std::thread::spawn(move || {
            let outcome = if i % 2 == 0 {
                m.wait(Some(PATIENCE)).unwrap()
            } else {
                match wait_any(&[&never, &m], Some(PATIENCE)).unwrap() {
                    WaitAnyOutcome::Signaled(1) => WaitOutcome::Acquired,
                    other => panic!("{other:?}"),
                }
            };
            assert_eq!(outcome, WaitOutcome::Acquired);
            got.fetch_add(1, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(5));
            m.release().unwrap();
        }));
    }
    std::thread::sleep(SETTLE);
    done.set().unwrap();
    owner.join().unwrap();
    for w in waiters {
        w.join().unwrap();
    }
    assert_eq!(got.load(Ordering::SeqCst), 4, "no wake-up was lost");
}

#[test]
fn a_thread_that_ends_owning_abandons_to_a_multi_wait() {
    let (e, m) = (event(false, false), mutex());
    let theirs = m.try_clone().unwrap();
    std::thread::spawn(move || assert!(theirs.wait(ZERO).unwrap().is_acquired()))
        .join()
        .unwrap();
    assert_eq!(
        wait_any(&[&e, &m], ZERO).unwrap(),
        WaitAnyOutcome::Abandoned(1)
    );
    m.release().unwrap();
    assert_eq!(
        wait_any(&[&e, &m], ZERO).unwrap(),
        WaitAnyOutcome::Signaled(1)
    );
    m.release().unwrap();
}

#[test]
fn a_wait_all_that_loses_nothing_keeps_the_abandonment() {
    let (e, m) = (event(false, false), mutex());
    let theirs = m.try_clone().unwrap();
    std::thread::spawn(move || assert!(theirs.wait(ZERO).unwrap().is_acquired()))
        .join()
        .unwrap();
    // The event is not set: the wait-all takes nothing, and the mutex stays abandoned.
    assert_eq!(wait_all(&[&m, &e], ZERO).unwrap(), WaitAllOutcome::TimedOut);
    e.set().unwrap();
    assert_eq!(
        wait_all(&[&e, &m], ZERO).unwrap(),
        WaitAllOutcome::Abandoned
    );
    m.release().unwrap();
}

#[test]
fn limits_and_rights() {
    let e = event(false, true);
    let none: [&dyn Waitable; 0] = [];
    assert_eq!(
        wait_any(&none, ZERO).unwrap_err().kind(),
        ErrorKind::InvalidParameter
    );
    assert_eq!(
        wait_all(&none, ZERO).unwrap_err().kind(),
        ErrorKind::InvalidParameter
    );
    let many: Vec<Event> = (0..=MAXIMUM_WAIT_OBJECTS)
        .map(|_| event(true, true))
        .collect();
    let refs: Vec<&dyn Waitable> = many.iter().map(|e| e as &dyn Waitable).collect();
    let err = wait_any(&refs, ZERO).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidParameter);
    let max = &refs[..MAXIMUM_WAIT_OBJECTS];
    assert_eq!(wait_any(max, ZERO).unwrap(), WaitAnyOutcome::Signaled(0));
    assert_eq!(wait_all(max, ZERO).unwrap(), WaitAllOutcome::Signaled);
    // The last of 64 is found too.
    let mut last: Vec<Event> = (0..MAXIMUM_WAIT_OBJECTS)
        .map(|_| event(false, false))
        .collect();
    last[MAXIMUM_WAIT_OBJECTS - 1] = event(false, true);
    let refs: Vec<&dyn Waitable> = last.iter().map(|e| e as &dyn Waitable).collect();
    assert_eq!(wait_any(&refs, ZERO).unwrap(), WaitAnyOutcome::Signaled(63));
    // A handle without SYNCHRONIZE fails the whole wait, and nothing is taken.
    let setter = e.duplicate(EventAccess::MODIFY_STATE, false).unwrap();
    let err = wait_any(&[&e, &setter], ZERO).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AccessDenied);
    assert!(e.wait(ZERO).unwrap(), "still signaled");
    // The same handle twice: fine for wait-any.
    e.set().unwrap();
    assert_eq!(
        wait_any(&[&e, &e], ZERO).unwrap(),
        WaitAnyOutcome::Signaled(0)
    );
}

#[cfg(not(windows))]
#[test]
fn a_wait_all_naming_one_object_twice_is_invalid() {
    // Windows' kernel refuses it (STATUS_INVALID_PARAMETER_MIX); Wine does not check.
    let e = event(true, true);
    let again = e.try_clone().unwrap();
    let err = wait_all(&[&e, &again], ZERO).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidParameter);
}

#[test]
fn signal_and_wait_signals_each_type() {
    let (ping, pong) = (event(false, false), event(false, true));
    assert_eq!(
        signal_and_wait(&ping, &pong, ZERO).unwrap(),
        WaitOutcome::Acquired
    );
    assert!(ping.wait(ZERO).unwrap());
    assert_eq!(
        signal_and_wait(&ping, &pong, ZERO).unwrap(),
        WaitOutcome::TimedOut
    );
    let s = semaphore(0, 1);
    assert_eq!(
        signal_and_wait(&s, &s, ZERO).unwrap(),
        WaitOutcome::Acquired
    );
    s.release(1).unwrap();
    let err = signal_and_wait(&s, &ping, ZERO).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooManyPosts);
    let m = mutex();
    let err = signal_and_wait(&m, &ping, ZERO).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotOwner);
    assert!(m.wait(ZERO).unwrap().is_acquired());
    // Releasing the mutex and waiting for a set event.
    ping.set().unwrap();
    assert_eq!(
        signal_and_wait(&m, &ping, ZERO).unwrap(),
        WaitOutcome::Acquired
    );
    assert_eq!(m.release().unwrap_err().kind(), ErrorKind::NotOwner);
    let waiter = ping.duplicate(EventAccess::SYNCHRONIZE, false).unwrap();
    let err = signal_and_wait(&waiter, &pong, ZERO).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AccessDenied);
}

#[test]
fn pulse_releases_the_waiters_and_leaves_the_event_reset() {
    let manual = event(true, false);
    let woken = Arc::new(AtomicUsize::new(0));
    let waiters: Vec<_> = (0..3)
        .map(|_| {
            let (e, woken) = (manual.try_clone().unwrap(), Arc::clone(&woken));
            std::thread::spawn(move || {
                if e.wait(Some(PATIENCE)).unwrap() {
                    woken.fetch_add(1, Ordering::SeqCst);
                }
            })
        })
        .collect();
    std::thread::sleep(SETTLE * 4);
    manual.pulse().unwrap();
    for w in waiters {
        w.join().unwrap();
    }
    assert_eq!(woken.load(Ordering::SeqCst), 3);
    assert!(!manual.wait(ZERO).unwrap());
    // Nobody waits: a pulse of an auto-reset event resets it.
    let auto = event(false, true);
    auto.pulse().unwrap();
    assert!(!auto.wait(ZERO).unwrap());
}

#[test]
fn racing_wait_alls_and_wait_anys_conserve_the_counts() {
    // Two semaphores and a mutex; threads take units with wait-all and wait-any and give them
    // back; at the end every unit is back and the mutex is free.
    let (s1, s2) = (semaphore(3, 3), semaphore(2, 2));
    let m = mutex();
    let rounds = 300;
    std::thread::scope(|scope| {
        for t in 0..4 {
            let (s1, s2, m) = (
                s1.try_clone().unwrap(),
                s2.try_clone().unwrap(),
                m.try_clone().unwrap(),
            );
            scope.spawn(move || {
                for _ in 0..rounds {
                    if t % 2 == 0 {
                        let outcome = wait_all(&[&s1, &s2, &m], Some(PATIENCE)).unwrap();
                        assert_eq!(outcome, WaitAllOutcome::Signaled);
                        m.release().unwrap();
                        s2.release(1).unwrap();
                        s1.release(1).unwrap();
                    } else {
                        match wait_any(&[&m, &s1, &s2], Some(PATIENCE)).unwrap() {
                            WaitAnyOutcome::Signaled(0) => m.release().unwrap(),
                            WaitAnyOutcome::Signaled(1) => drop(s1.release(1).unwrap()),
                            WaitAnyOutcome::Signaled(2) => drop(s2.release(1).unwrap()),
                            other => panic!("{other:?}"),
                        }
                    }
                }
            });
        }
    });
    assert!(s1.wait(ZERO).unwrap());
    assert_eq!(s1.release(1).unwrap(), 2, "all 3 units back");
    assert_eq!(s2.release(1).unwrap_err().kind(), ErrorKind::TooManyPosts);
    assert!(m.wait(ZERO).unwrap().is_acquired());
    m.release().unwrap();
}

// ----- between processes -----

/// The peer's entry point: `$FM_WAITS_PEER` is `WHAT NAME`. Ignored in normal runs.
#[test]
#[ignore = "entry point of the peer process, run by the other tests"]
fn peer_entry() {
    peer::serve(PEER, |what, name| match what {
        // Owns the mutex and waits to be killed.
        "own" => peer::own_until_killed(name),
        // Sets the event `name`.
        "set" => {
            Event::open(name).unwrap().set().unwrap();
            say("set");
        }
        other => panic!("unknown peer command {other}"),
    });
}

#[test]
fn sigkill_of_the_owner_abandons_the_mutex_to_a_sleeping_wait_any() {
    let dir = TestDir::new("waits", "kill-any");
    let name = dir.n("m");
    let mut owner = Peer::spawn(PEER, &dir, "own", &name);
    assert_eq!(owner.line(), "owned");
    let (m, _) = dir.mutex("m");
    let e = event(false, false);
    assert_eq!(wait_any(&[&e, &m], ZERO).unwrap(), WaitAnyOutcome::TimedOut);
    let waiter = std::thread::spawn({
        let (e, m) = (e.try_clone().unwrap(), m.try_clone().unwrap());
        move || {
            let outcome = wait_any(&[&e, &m], Some(PATIENCE)).unwrap();
            m.release().unwrap();
            outcome
        }
    });
    std::thread::sleep(SETTLE);
    owner.kill();
    assert_eq!(waiter.join().unwrap(), WaitAnyOutcome::Abandoned(1));
    assert!(
        m.wait(ZERO).unwrap() == WaitOutcome::Acquired,
        "abandoned once only"
    );
    m.release().unwrap();
}

#[test]
fn sigkill_of_the_owner_completes_a_wait_all_as_abandoned() {
    let dir = TestDir::new("waits", "kill-all");
    let name = dir.n("m");
    let mut owner = Peer::spawn(PEER, &dir, "own", &name);
    assert_eq!(owner.line(), "owned");
    let (m, _) = dir.mutex("m");
    let s = semaphore(1, 1);
    let waiter = std::thread::spawn({
        let (s, m) = (s.try_clone().unwrap(), m.try_clone().unwrap());
        move || {
            let outcome = wait_all(&[&s, &m], Some(PATIENCE)).unwrap();
            m.release().unwrap();
            outcome
        }
    });
    std::thread::sleep(SETTLE);
    owner.kill();
    assert_eq!(waiter.join().unwrap(), WaitAllOutcome::Abandoned);
    assert!(!s.wait(ZERO).unwrap(), "the unit was taken with the mutex");
}

#[test]
fn another_process_wakes_a_wait_any() {
    let dir = TestDir::new("waits", "cross");
    let name = dir.n("e");
    let (e, _) = EventOptions::new()
        .name(&name)
        .namespace(&dir.ns())
        .create()
        .unwrap();
    let other = event(false, false);
    let waiter = std::thread::spawn({
        let e = e.try_clone().unwrap();
        move || wait_any(&[&other, &e], Some(PATIENCE)).unwrap()
    });
    std::thread::sleep(SETTLE);
    let mut peer = Peer::spawn(PEER, &dir, "set", &name);
    assert_eq!(peer.line(), "set");
    peer.finish();
    assert_eq!(waiter.join().unwrap(), WaitAnyOutcome::Signaled(1));
}
