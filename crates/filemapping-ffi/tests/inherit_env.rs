//! A hostile or malformed `FILEMAPPING_HANDLES` (the list of inherited handles a child adopts
//! at its first call that uses a handle) is ignored, entry by entry, without a crash: garbage
//! text, entries that fail their sum, handle values the table never hands out, a handle value
//! or a descriptor listed twice, descriptors that are not inheritable, not open, not the object
//! listed or of another kind, and kinds this version does not know. The well-formed entries
//! around them are still adopted.
//!
//! Adoption runs once per process, so the test runs a peer: this binary again, running its
//! ignored `peer_entry`, which opens the descriptors, writes the variable and then calls the C
//! API. The peer's objects that the variable wrongly names are still its own afterwards.

#![allow(unsafe_code)]

use filemapping::{Event, EventOptions, MutexOptions};
use filemapping_ffi::event::{SetEvent, WaitForSingleObject};
use filemapping_ffi::handle_api::{CloseHandle, GetHandleInformation};
use filemapping_ffi::types::HANDLE;
use std::os::unix::ffi::OsStringExt;
use std::os::unix::io::{AsRawFd, RawFd};
use std::process::Command;

const PEER: &str = "FM_FFI_INHERIT_ENV_PEER";
const VAR: &str = "FILEMAPPING_HANDLES";
const WAIT_OBJECT_0: u32 = 0;
const WAIT_TIMEOUT: u32 = 0x102;
const WAIT_FAILED: u32 = 0xFFFF_FFFF;

/// The variable's per-entry sum (32-bit FNV-1a), as the porting layer computes it.
fn checksum(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// Device and inode of `fd`.
fn identity(fd: RawFd) -> (u64, u64) {
    // SAFETY: an all-zero `stat` is a valid value of the plain C struct.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: fstat writes only into `st`.
    assert_eq!(unsafe { libc::fstat(fd, &mut st) }, 0, "fstat({fd})");
    (st.st_dev, st.st_ino)
}

/// A well-formed entry: handle `value`, `kind`, the identity of `fd`, `rest` and the sum.
fn entry(value: u64, kind: &str, fd: RawFd, rest: &str) -> String {
    let (dev, ino) = identity(fd);
    let body = format!("{value:x}/{kind}/{dev:x}/{ino:x}/{rest}");
    format!("{body}/{:x}", checksum(&body))
}

/// Whether `fd` is open.
fn is_open(fd: RawFd) -> bool {
    // SAFETY: F_GETFD only reads the descriptor's flags.
    unsafe { libc::fcntl(fd, libc::F_GETFD) >= 0 }
}

/// A new inheritable event's handle of the library, and its descriptor.
fn inheritable_event() -> (Event, RawFd, String) {
    let (event, _) = EventOptions::new()
        .manual_reset(true)
        .inheritable(true)
        .create()
        .unwrap();
    let token = event.inherit_token().unwrap();
    let fd = token.split(',').next().unwrap().parse().unwrap();
    (event, fd, token)
}

/// What `WaitForSingleObject(handle, 0)` returns.
fn wait(handle: u64) -> u32 {
    WaitForSingleObject(handle as usize as HANDLE, 0)
}

/// The peer: builds the variable, then reports what the C API sees. Every line is `PEER name
/// result`.
#[test]
#[ignore = "entry point of the peer process, run by the other test"]
fn peer_entry() {
    if std::env::var_os(PEER).is_none() {
        return;
    }
    // Adopted: the positive controls, whose descriptors the C layer takes over.
    let (good, good_fd, good_token) = inheritable_event();
    let (after_unknown, after_fd, after_token) = inheritable_event();
    // Named wrongly by the variable: they must stay the peer's own.
    let (twice, twice_fd, twice_token) = inheritable_event();
    let (as_mutex, as_mutex_fd, as_mutex_token) = inheritable_event();
    let (mutex, _) = MutexOptions::new().inheritable(true).create().unwrap();
    let mutex_token = mutex.inherit_token().unwrap();
    let mutex_fd: RawFd = mutex_token.split(',').next().unwrap().parse().unwrap();
    let path = std::env::temp_dir().join(format!("fm-ffi-inherit-env-{}", std::process::id()));
    let plain = std::fs::File::create(&path).unwrap();
    let plain_fd = plain.as_raw_fd();
    // A regular file that a child would inherit, listed as an event.
    let inheritable_plain = std::fs::File::open(&path).unwrap();
    let inheritable_plain_fd = inheritable_plain.as_raw_fd();
    // SAFETY: clears only the close-on-exec flag of this process's own descriptor.
    let cleared = unsafe { libc::fcntl(inheritable_plain_fd, libc::F_SETFD, 0) };
    assert_eq!(cleared, 0);

    let garbage = "x".repeat(10_000);
    let bad_sum = {
        let e = entry(0x3000, "e", after_fd, &after_token);
        e.replacen("3000", "3004", 1)
    };
    let entries = [
        String::new(),
        ";;".to_owned(),
        "////".to_owned(),
        garbage,
        bad_sum,
        // Fields that are not numbers, with a good sum.
        {
            let body = "zz/e/1/2/3,1f0003";
            format!("{body}/{:x}", checksum(body))
        },
        entry(0x2000, "e", good_fd, &good_token),
        // The same handle value again, with another descriptor: the first entry wins.
        entry(0x2000, "e", twice_fd, &twice_token),
        // The same descriptor again, at another value.
        entry(0x2004, "e", good_fd, &good_token),
        // Values the table never hands out.
        entry(0, "e", twice_fd, &twice_token),
        entry(0x2009, "e", twice_fd, &twice_token),
        entry(0x1_0000_0000, "e", twice_fd, &twice_token),
        // An event listed as a mutex, a mutex as a semaphore, files as events.
        entry(0x2010, "x", as_mutex_fd, &as_mutex_token),
        entry(0x2014, "s", mutex_fd, &mutex_token),
        entry(0x2018, "e", plain_fd, &format!("{plain_fd},1f0003")),
        entry(
            0x201c,
            "e",
            inheritable_plain_fd,
            &format!("{inheritable_plain_fd},1f0003"),
        ),
        // A descriptor that is not the object listed (another's identity), and one not open.
        {
            let (dev, ino) = identity(plain_fd);
            let body = format!("2020/e/{dev:x}/{ino:x}/{twice_token}");
            format!("{body}/{:x}", checksum(&body))
        },
        {
            let (dev, ino) = identity(plain_fd);
            let body = format!("2024/e/{dev:x}/{ino:x}/99999,1f0003");
            format!("{body}/{:x}", checksum(&body))
        },
        // A kind of a later version, then a known one.
        entry(0x2028, "z", twice_fd, &twice_token),
        entry(0x202c, "e", after_fd, &after_token),
    ];
    let mut value = entries.join(";").into_bytes();
    // Bytes that are not UTF-8, in an entry of their own.
    value.extend_from_slice(b";\xff\xfe/\x80");
    std::env::set_var(VAR, std::ffi::OsString::from_vec(value));

    let say = |name: &str, result: u32| println!("PEER {name} {result}");
    // The controls now belong to the C layer.
    std::mem::forget(good);
    std::mem::forget(after_unknown);
    say("adopted", wait(0x2000));
    let mut flags = 7;
    // SAFETY: `flags` is a writable DWORD.
    let known = unsafe { GetHandleInformation(0x2000 as HANDLE, &mut flags) };
    say("flags", if known != 0 { flags } else { WAIT_FAILED });
    say("set", SetEvent(0x2000 as HANDLE) as u32);
    say("signaled", wait(0x2000));
    say("after-unknown-kind", wait(0x202c));
    for (name, value) in [
        ("same-descriptor", 0x2004u64),
        ("null", 0),
        ("unaligned", 0x2009),
        ("high", 0x1_0000_0000),
        ("event-as-mutex", 0x2010),
        ("mutex-as-semaphore", 0x2014),
        ("cloexec-file-as-event", 0x2018),
        ("file-as-event", 0x201c),
        ("other-identity", 0x2020),
        ("closed-descriptor", 0x2024),
        ("unknown-kind", 0x2028),
        ("bad-sum", 0x3004),
    ] {
        say(name, wait(value));
    }
    // What the variable named wrongly is untouched.
    twice.set().unwrap();
    as_mutex.set().unwrap();
    let mine = twice.wait(Some(std::time::Duration::ZERO)).unwrap()
        && as_mutex.wait(Some(std::time::Duration::ZERO)).unwrap()
        && mutex
            .wait(Some(std::time::Duration::ZERO))
            .unwrap()
            .is_acquired()
        && is_open(plain_fd)
        && is_open(inheritable_plain_fd);
    say("left-alone", u32::from(mine));
    say("closed", CloseHandle(0x2000 as HANDLE) as u32);
    drop((plain, inheritable_plain));
    let _ = std::fs::remove_file(&path);
}

#[test]
fn a_hostile_handle_list_is_ignored() {
    let ns = std::env::temp_dir().join(format!("fm-ffi-inherit-env-ns-{}", std::process::id()));
    std::fs::create_dir_all(&ns).unwrap();
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "peer_entry", "--ignored", "--nocapture", "-q"])
        .env(PEER, "1")
        .env("FILEMAPPING_DIR", &ns)
        .env_remove(VAR)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&ns);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the peer failed ({}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("PEER "))
        .collect();
    let failed = WAIT_FAILED.to_string();
    let mut expected = vec![
        format!("adopted {WAIT_TIMEOUT}"),
        "flags 1".to_owned(),
        "set 1".to_owned(),
        format!("signaled {WAIT_OBJECT_0}"),
        format!("after-unknown-kind {WAIT_TIMEOUT}"),
    ];
    for name in [
        "same-descriptor",
        "null",
        "unaligned",
        "high",
        "event-as-mutex",
        "mutex-as-semaphore",
        "cloexec-file-as-event",
        "file-as-event",
        "other-identity",
        "closed-descriptor",
        "unknown-kind",
        "bad-sum",
    ] {
        expected.push(format!("{name} {failed}"));
    }
    expected.push("left-alone 1".to_owned());
    expected.push("closed 1".to_owned());
    assert_eq!(lines, expected, "peer output:\n{stdout}");
}
