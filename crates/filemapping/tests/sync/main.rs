//! Mutexes and semaphores: ownership, recursion and abandonment between threads and between
//! processes (this test binary re-executes itself as the peer), counts and their limits, rights,
//! the namespace shared with the other types, and lifetime after a crash.

#[path = "../support/peer.rs"]
mod peer;

use peer::{say, Peer, TestDir};

use filemapping::{
    CreateOptions, Disposition, ErrorKind, EventOptions, Mutex, MutexAccess, MutexOpenOptions,
    MutexOptions, Semaphore, SemaphoreAccess, SemaphoreOpenOptions, SemaphoreOptions, WaitOutcome,
};
use std::time::Duration;

/// Long enough for any peer to get going (a watchdog, not a performance bound).
const PATIENCE: Duration = Duration::from_secs(60);
const PEER: &str = "FM_SYNC_PEER";

/// The peer's entry point: `$FM_SYNC_PEER` is `WHAT NAME`. Ignored in normal runs.
#[test]
#[ignore = "entry point of the peer process, run by the other tests"]
fn peer_entry() {
    peer::serve(PEER, |what, name| match what {
        // Creates or opens the mutex, owns it, and waits to be killed.
        "own" => peer::own_until_killed(name),
        // Waits for the mutex, says how the wait ended, releases it.
        "wait" => {
            let mutex = Mutex::open(name).unwrap();
            say("waiting");
            peer::wait_and_release(&mutex);
        }
        // Releases the semaphore once, says the previous count.
        "post" => {
            let sem = SemaphoreOpenOptions::new(SemaphoreAccess::MODIFY_STATE)
                .open(name)
                .unwrap();
            say(&format!("previous {}", sem.release(1).unwrap()));
        }
        other => panic!("unknown peer command {other}"),
    });
}

#[test]
fn ownership_is_recursive_and_per_thread() {
    let (mutex, _) = MutexOptions::new().create().unwrap();
    assert_eq!(mutex.wait(None).unwrap(), WaitOutcome::Acquired);
    assert_eq!(
        mutex.wait(Some(Duration::ZERO)).unwrap(),
        WaitOutcome::Acquired
    );
    let other = mutex.try_clone().unwrap();
    let thread = std::thread::spawn(move || {
        let busy = other.wait(Some(Duration::from_millis(20))).unwrap();
        let release = other.release().unwrap_err().kind();
        let later = other.wait(Some(PATIENCE)).unwrap();
        other.release().unwrap();
        (busy, release, later)
    });
    std::thread::sleep(Duration::from_millis(100));
    mutex.release().unwrap();
    std::thread::sleep(Duration::from_millis(50));
    mutex.release().unwrap(); // the second acquisition: now it is free
    assert_eq!(mutex.release().unwrap_err().kind(), ErrorKind::NotOwner);
    let (busy, release, later) = thread.join().unwrap();
    assert_eq!(busy, WaitOutcome::TimedOut);
    assert_eq!(release, ErrorKind::NotOwner);
    assert_eq!(later, WaitOutcome::Acquired);
}

#[test]
fn a_thread_that_ends_owning_abandons_the_mutex() {
    let (mutex, _) = MutexOptions::new().create().unwrap();
    let copy = mutex.try_clone().unwrap();
    std::thread::spawn(move || {
        assert_eq!(copy.wait(None).unwrap(), WaitOutcome::Acquired);
        // Closing the handle does not release it; the thread ends owning it.
        drop(copy);
    })
    .join()
    .unwrap();
    assert_eq!(mutex.wait(Some(PATIENCE)).unwrap(), WaitOutcome::Abandoned);
    mutex.release().unwrap();
    assert_eq!(
        mutex.wait(None).unwrap(),
        WaitOutcome::Acquired,
        "abandoned once"
    );
    mutex.release().unwrap();
}

#[test]
fn the_initial_owner_owns_a_new_mutex_but_not_an_existing_one() {
    let dir = TestDir::new("sync", "initial");
    let (first, _) = MutexOptions::new()
        .name(&dir.n("m"))
        .initial_owner(true)
        .namespace(&dir.ns())
        .create()
        .unwrap();
    let (ns, name) = (dir.ns(), dir.n("m"));
    let (busy, disposition) = std::thread::spawn(move || {
        let (second, disposition) = MutexOptions::new()
            .name(&name)
            .initial_owner(true)
            .namespace(&ns)
            .create()
            .unwrap();
        (second.wait(Some(Duration::ZERO)).unwrap(), disposition)
    })
    .join()
    .unwrap();
    assert_eq!(disposition, Disposition::OpenedExisting);
    assert_eq!(busy, WaitOutcome::TimedOut);
    first.release().unwrap();
}

#[test]
fn sigkill_of_the_owner_process_abandons_the_mutex_to_the_next_waiter() {
    let dir = TestDir::new("sync", "sigkill");
    let (mutex, _) = dir.mutex("m");
    let mut owner = Peer::spawn(PEER, &dir, "own", &dir.n("m"));
    assert_eq!(owner.line(), "owned");
    assert_eq!(
        mutex.wait(Some(Duration::ZERO)).unwrap(),
        WaitOutcome::TimedOut
    );
    // A waiter of another process blocks in the kernel until the owner dies.
    let mut waiter = Peer::spawn(PEER, &dir, "wait", &dir.n("m"));
    assert_eq!(waiter.line(), "waiting");
    std::thread::sleep(Duration::from_millis(100));
    owner.kill();
    assert_eq!(waiter.line(), "Abandoned");
    waiter.finish();
    assert_eq!(mutex.wait(Some(PATIENCE)).unwrap(), WaitOutcome::Acquired);
    mutex.release().unwrap();
}

#[test]
fn a_waiting_process_gets_the_mutex_when_the_owner_releases_it() {
    let dir = TestDir::new("sync", "handoff");
    let (mutex, _) = dir.mutex("m");
    assert_eq!(mutex.wait(None).unwrap(), WaitOutcome::Acquired);
    let mut waiter = Peer::spawn(PEER, &dir, "wait", &dir.n("m"));
    assert_eq!(waiter.line(), "waiting");
    std::thread::sleep(Duration::from_millis(100));
    mutex.release().unwrap();
    assert_eq!(waiter.line(), "Acquired");
    waiter.finish();
}

#[test]
fn a_name_dies_with_its_last_handle_even_after_a_crash() {
    let dir = TestDir::new("sync", "crash");
    let mut owner = Peer::spawn(PEER, &dir, "own", &dir.n("m"));
    assert_eq!(owner.line(), "owned");
    let opener = MutexOpenOptions::new(MutexAccess::SYNCHRONIZE).namespace(&dir.ns());
    drop(opener.open(&dir.n("m")).unwrap());
    owner.kill();
    assert_eq!(
        opener.open(&dir.n("m")).unwrap_err().kind(),
        ErrorKind::NotFound
    );
    let (fresh, disposition) = dir.mutex("m");
    assert_eq!(disposition, Disposition::Created);
    assert_eq!(
        fresh.wait(None).unwrap(),
        WaitOutcome::Acquired,
        "a new mutex"
    );
    fresh.release().unwrap();
}

#[test]
fn names_of_other_types_are_invalid_handles() {
    let dir = TestDir::new("sync", "types");
    let ns = dir.ns();
    let (_m, _) = dir.mutex("mutex");
    let (_s, _) = SemaphoreOptions::new()
        .name(&dir.n("sem"))
        .namespace(&ns)
        .create()
        .unwrap();
    let (_e, _) = EventOptions::new()
        .name(&dir.n("event"))
        .namespace(&ns)
        .create()
        .unwrap();
    let (_f, _) = CreateOptions::new()
        .name(&dir.n("map"))
        .size(4096)
        .namespace(&ns)
        .create()
        .unwrap();
    for leaf in ["sem", "event", "map"] {
        let name = &dir.n(leaf);
        let err = MutexOptions::new()
            .name(name)
            .namespace(&ns)
            .create()
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidHandle, "create mutex {name}");
        let err = MutexOpenOptions::new(MutexAccess::SYNCHRONIZE)
            .namespace(&ns)
            .open(name)
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidHandle, "open mutex {name}");
    }
    for leaf in ["mutex", "event", "map"] {
        let name = &dir.n(leaf);
        let err = SemaphoreOptions::new()
            .name(name)
            .namespace(&ns)
            .create()
            .unwrap_err();
        assert_eq!(
            err.kind(),
            ErrorKind::InvalidHandle,
            "create semaphore {name}"
        );
        let err = SemaphoreOpenOptions::new(SemaphoreAccess::SYNCHRONIZE)
            .namespace(&ns)
            .open(name)
            .unwrap_err();
        assert_eq!(
            err.kind(),
            ErrorKind::InvalidHandle,
            "open semaphore {name}"
        );
    }
    let err = EventOptions::new()
        .name(&dir.n("mutex"))
        .namespace(&ns)
        .create()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidHandle);
    let err = CreateOptions::new()
        .name(&dir.n("sem"))
        .size(4096)
        .namespace(&ns)
        .create()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidHandle);
}

#[test]
fn mutex_rights_are_enforced_and_generic_rights_mapped() {
    let dir = TestDir::new("sync", "mutex-rights");
    let (_m, _) = dir.mutex("m");
    let open = |access| {
        MutexOpenOptions::new(access)
            .namespace(&dir.ns())
            .open(&dir.n("m"))
            .unwrap()
    };
    let modify = open(MutexAccess::MODIFY_STATE);
    assert_eq!(
        modify.wait(None).unwrap_err().kind(),
        ErrorKind::AccessDenied
    );
    let sync = open(MutexAccess::SYNCHRONIZE);
    assert_eq!(sync.wait(None).unwrap(), WaitOutcome::Acquired);
    // ReleaseMutex needs no right: only ownership.
    sync.release().unwrap();
    let exec = open(MutexAccess::GENERIC_EXECUTE);
    assert!(exec.access().contains(MutexAccess::SYNCHRONIZE));
    assert_eq!(exec.wait(None).unwrap(), WaitOutcome::Acquired);
    exec.release().unwrap();
    let read = open(MutexAccess::GENERIC_READ);
    assert_eq!(read.wait(None).unwrap_err().kind(), ErrorKind::AccessDenied);
    assert_eq!(
        open(MutexAccess::GENERIC_ALL).access(),
        MutexAccess::ALL_ACCESS
    );
}

#[test]
fn semaphore_counts_and_limits() {
    let zero = Some(Duration::ZERO);
    for (initial, maximum) in [(0, 0), (-1, 1), (2, 1), (0, -5)] {
        let err = SemaphoreOptions::new()
            .initial(initial)
            .maximum(maximum)
            .create()
            .unwrap_err();
        assert_eq!(
            err.kind(),
            ErrorKind::InvalidParameter,
            "{initial}/{maximum}"
        );
        assert_eq!(err.win32_code(), filemapping::ERROR_INVALID_PARAMETER);
    }
    let (sem, _) = SemaphoreOptions::new()
        .initial(2)
        .maximum(3)
        .create()
        .unwrap();
    assert!(sem.wait(zero).unwrap());
    assert!(sem.wait(zero).unwrap());
    assert!(!sem.wait(Some(Duration::from_millis(20))).unwrap());
    assert_eq!(sem.release(3).unwrap(), 0);
    let err = sem.release(1).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooManyPosts);
    assert_eq!(err.win32_code(), filemapping::ERROR_TOO_MANY_POSTS);
    assert_eq!(
        sem.release(0).unwrap_err().kind(),
        ErrorKind::InvalidParameter
    );
    assert_eq!(
        sem.release(-1).unwrap_err().kind(),
        ErrorKind::InvalidParameter
    );
    for _ in 0..3 {
        assert!(sem.wait(zero).unwrap());
    }
    assert!(!sem.wait(zero).unwrap());
}

#[test]
fn a_release_wakes_as_many_waiting_threads_as_its_count() {
    let (sem, _) = SemaphoreOptions::new().maximum(10).create().unwrap();
    let waiters: Vec<_> = (0..3)
        .map(|_| {
            let sem = sem.try_clone().unwrap();
            std::thread::spawn(move || sem.wait(Some(PATIENCE)).unwrap())
        })
        .collect();
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(sem.release(3).unwrap(), 0);
    for waiter in waiters {
        assert!(waiter.join().unwrap());
    }
    assert!(!sem.wait(Some(Duration::ZERO)).unwrap());
}

#[test]
fn another_process_releases_a_semaphore() {
    let dir = TestDir::new("sync", "sem-proc");
    let (sem, _) = SemaphoreOptions::new()
        .name(&dir.n("s"))
        .maximum(5)
        .namespace(&dir.ns())
        .create()
        .unwrap();
    let waiter = {
        let sem = sem.try_clone().unwrap();
        std::thread::spawn(move || sem.wait(Some(PATIENCE)).unwrap())
    };
    let mut poster = Peer::spawn(PEER, &dir, "post", &dir.n("s"));
    assert_eq!(poster.line(), "previous 0");
    poster.finish();
    assert!(waiter.join().unwrap());
}

#[test]
fn semaphore_rights_are_enforced_and_an_existing_one_keeps_its_counts() {
    let dir = TestDir::new("sync", "sem-rights");
    let ns = dir.ns();
    let (sem, _) = SemaphoreOptions::new()
        .name(&dir.n("s"))
        .initial(1)
        .maximum(1)
        .namespace(&ns)
        .create()
        .unwrap();
    let (again, disposition) = SemaphoreOptions::new()
        .name(&dir.n("s"))
        .initial(5)
        .maximum(9)
        .namespace(&ns)
        .create()
        .unwrap();
    assert_eq!(disposition, Disposition::OpenedExisting);
    assert_eq!(
        again.release(1).unwrap_err().kind(),
        ErrorKind::TooManyPosts
    );
    let open = |access| {
        SemaphoreOpenOptions::new(access)
            .namespace(&ns)
            .open(&dir.n("s"))
            .unwrap()
    };
    let sync = open(SemaphoreAccess::SYNCHRONIZE);
    assert_eq!(sync.release(1).unwrap_err().kind(), ErrorKind::AccessDenied);
    assert!(sync.wait(Some(Duration::ZERO)).unwrap());
    let write = open(SemaphoreAccess::GENERIC_WRITE);
    assert_eq!(
        write.wait(None).unwrap_err().kind(),
        ErrorKind::AccessDenied
    );
    assert_eq!(write.release(1).unwrap(), 0);
    assert_eq!(
        Semaphore::open("s-none").unwrap_err().kind(),
        ErrorKind::NotFound
    );
    drop(sem);
}
