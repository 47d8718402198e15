//! Events, mutexes and semaphores inherited by a child process: the parent makes a handle
//! inheritable and passes its inherit token, and the child (this test binary re-executed as a
//! peer) adopts it with `from_inherit_token` and waits on the very object the parent signals.
//! A bogus token is a clean `ERROR_INVALID_HANDLE`.

#![allow(unsafe_code)]

#[path = "support/peer.rs"]
mod peer;

use peer::{say, Peer, TestDir};

use filemapping::{
    ErrorKind, Event, EventOptions, Mutex, MutexOptions, Semaphore, SemaphoreOptions, WaitOutcome,
};
use std::time::Duration;

/// Long enough for any peer to get going (a watchdog, not a performance bound).
const PATIENCE: Duration = Duration::from_secs(60);
const PEER: &str = "FM_INHERIT_SYNC_PEER";

/// The peer's entry point: `$FM_INHERIT_SYNC_PEER` is `WHAT TOKEN`. Ignored in normal runs.
#[test]
#[ignore = "entry point of the peer process, run by the other tests"]
fn peer_entry() {
    peer::serve(PEER, |what, token| match what {
        // Adopts the event and waits for it.
        "event" => {
            // SAFETY: the parent passed the token of a handle this process inherited.
            let event = unsafe { Event::from_inherit_token(token) }.unwrap();
            say("adopted");
            say(&format!("signaled {}", event.wait(Some(PATIENCE)).unwrap()));
        }
        // Adopts the mutex, waits to own it, and releases it.
        "mutex" => {
            // SAFETY: as above.
            let mutex = unsafe { Mutex::from_inherit_token(token) }.unwrap();
            say("adopted");
            peer::wait_and_release(&mutex);
        }
        // Adopts the semaphore, takes one unit, and gives back two.
        "semaphore" => {
            // SAFETY: as above.
            let sem = unsafe { Semaphore::from_inherit_token(token) }.unwrap();
            say("adopted");
            say(&format!("took {}", sem.wait(Some(PATIENCE)).unwrap()));
            say(&format!("previous {}", sem.release(2).unwrap()));
        }
        other => panic!("unknown peer command {other}"),
    });
}

#[test]
fn child_adopts_an_inherited_event() {
    let dir = TestDir::new("inherit-sync", "event");
    let (event, _) = EventOptions::new()
        .name(&dir.n("e"))
        .namespace(&dir.ns())
        .manual_reset(true)
        .create()
        .unwrap();
    assert_eq!(event.inherit_token(), None);
    let child_copy = event.duplicate(event.access(), true).unwrap();
    let token = child_copy
        .inherit_token()
        .expect("an inheritable handle has a token");
    let mut peer = Peer::spawn(PEER, &dir, "event", &token);
    assert_eq!(peer.line(), "adopted");
    event.set().unwrap();
    assert_eq!(peer.line(), "signaled true");
    peer.finish();
    // The parent's inheritable handle is still its own.
    assert!(child_copy.wait(Some(Duration::ZERO)).unwrap());
}

#[test]
fn child_adopts_an_inherited_mutex() {
    let dir = TestDir::new("inherit-sync", "mutex");
    let (mutex, _) = MutexOptions::new().initial_owner(true).create().unwrap();
    let child_copy = mutex.duplicate(mutex.access(), true).unwrap();
    let token = child_copy.inherit_token().unwrap();
    let mut peer = Peer::spawn(PEER, &dir, "mutex", &token);
    assert_eq!(peer.line(), "adopted");
    // The child cannot own it while this thread does.
    std::thread::sleep(Duration::from_millis(100));
    mutex.release().unwrap();
    assert_eq!(peer.line(), format!("{:?}", WaitOutcome::Acquired));
    peer.finish();
    // The child released it before it exited: free, not abandoned.
    assert_eq!(mutex.wait(Some(PATIENCE)).unwrap(), WaitOutcome::Acquired);
    mutex.release().unwrap();
}

#[test]
fn child_adopts_an_inherited_semaphore() {
    let dir = TestDir::new("inherit-sync", "semaphore");
    let (sem, _) = SemaphoreOptions::new()
        .name(&dir.n("s"))
        .namespace(&dir.ns())
        .initial(0)
        .maximum(4)
        .inheritable(true)
        .create()
        .unwrap();
    let token = sem.inherit_token().expect("created inheritable");
    let mut peer = Peer::spawn(PEER, &dir, "semaphore", &token);
    assert_eq!(peer.line(), "adopted");
    assert_eq!(sem.release(1).unwrap(), 0);
    assert_eq!(peer.line(), "took true");
    assert_eq!(peer.line(), "previous 0");
    peer.finish();
    assert!(sem.wait(Some(Duration::ZERO)).unwrap());
    assert!(sem.wait(Some(Duration::ZERO)).unwrap());
    assert!(!sem.wait(Some(Duration::ZERO)).unwrap());
}

#[test]
fn a_bogus_token_is_an_invalid_handle() {
    // 2^31 - 2: a descriptor or a handle value that nothing has open.
    let unused = "2147483646,1f0003";
    for token in ["", "nonsense", "12", "x,1", "3,zz", "-1,1f0003", unused] {
        // SAFETY: a bogus token names no handle that anything owns; adopting it must fail.
        let event = unsafe { Event::from_inherit_token(token) };
        assert_eq!(
            event.unwrap_err().kind(),
            ErrorKind::InvalidHandle,
            "{token:?}"
        );
        // SAFETY: as above.
        let mutex = unsafe { Mutex::from_inherit_token(token) };
        assert_eq!(
            mutex.unwrap_err().kind(),
            ErrorKind::InvalidHandle,
            "{token:?}"
        );
        // SAFETY: as above.
        let sem = unsafe { Semaphore::from_inherit_token(token) };
        assert_eq!(
            sem.unwrap_err().kind(),
            ErrorKind::InvalidHandle,
            "{token:?}"
        );
    }
}

/// The token of a handle this process has open that is no event, mutex, semaphore or mapping:
/// a file's (a descriptor on Linux, a `HANDLE` on Windows).
fn token_of_a_file(file: &std::fs::File) -> String {
    #[cfg(unix)]
    let raw = std::os::unix::io::AsRawFd::as_raw_fd(file) as u64;
    #[cfg(windows)]
    let raw = std::os::windows::io::AsRawHandle::as_raw_handle(file) as usize as u64;
    format!("{raw},1f0003")
}

/// A handle that is no object of the library, or an object of another kind, is refused, and
/// left open for its owner (Linux checks the object file's header before it adopts, Windows the
/// kernel's name of the handle's object type).
#[test]
fn a_token_of_the_wrong_kind_is_an_invalid_handle() {
    let file = std::fs::File::open(std::env::current_exe().unwrap()).unwrap();
    let not_ours = token_of_a_file(&file);
    let (event, _) = EventOptions::new().inheritable(true).create().unwrap();
    let (mutex, _) = MutexOptions::new().inheritable(true).create().unwrap();
    let (sem, _) = SemaphoreOptions::new().inheritable(true).create().unwrap();
    let (an_event, a_mutex) = (
        event.inherit_token().unwrap(),
        mutex.inherit_token().unwrap(),
    );
    let a_semaphore = sem.inherit_token().unwrap();
    let check = |what: &str, token: &str, result: Option<ErrorKind>| {
        assert_eq!(result, Some(ErrorKind::InvalidHandle), "{what} {token:?}");
    };
    for token in [&not_ours, &a_mutex, &a_semaphore] {
        // SAFETY: the handles are this process's own (here and below); adopting them as an
        // object of another kind must fail and leave them to their owners.
        let wrong = unsafe { Event::from_inherit_token(token) };
        check("event", token, wrong.err().map(|e| e.kind()));
    }
    for token in [&not_ours, &an_event, &a_semaphore] {
        // SAFETY: see above.
        let wrong = unsafe { Mutex::from_inherit_token(token) };
        check("mutex", token, wrong.err().map(|e| e.kind()));
    }
    for token in [&not_ours, &an_event, &a_mutex] {
        // SAFETY: see above.
        let wrong = unsafe { Semaphore::from_inherit_token(token) };
        check("semaphore", token, wrong.err().map(|e| e.kind()));
    }
    for token in [&not_ours, &an_event, &a_mutex, &a_semaphore] {
        // SAFETY: see above.
        let wrong = unsafe { filemapping::FileMapping::from_inherit_token(token) };
        check("mapping", token, wrong.err().map(|e| e.kind()));
    }
    // All of them are still open and working.
    event.set().unwrap();
    assert!(event.wait(Some(Duration::ZERO)).unwrap());
    assert!(mutex.wait(Some(Duration::ZERO)).unwrap().is_acquired());
    mutex.release().unwrap();
    assert_eq!(sem.release(1).unwrap(), 0);
    assert!(file.metadata().is_ok());
}
