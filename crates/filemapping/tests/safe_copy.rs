//! The safe copies of views (`View::read_at`, `View::write_at`) on Linux: exact bytes at every
//! length and alignment; a page that faults in the middle of a copy is `ERROR_SWAPERROR` and
//! the process lives on; the fault handler behind them takes only its own faults (a genuine
//! `SIGBUS`/`SIGSEGV` still kills the process, an application's handler installed before is
//! still called, one installed after is noticed); `FILEMAPPING_SAFE_COPY=syscall` copies
//! through the kernel and installs nothing.
//!
//! Every case that faults or changes a signal disposition runs in a child process (this test
//! binary, re-executed for one test: `support/child.rs`); the parent checks how it ended.

#![cfg(target_os = "linux")]
#![allow(unsafe_code)]

#[path = "support/child.rs"]
mod child;
#[path = "support/cut_short.rs"]
mod cut_short;

use child::{Ended, Scratch};
use cut_short::{assert_in_page_error, cut, file_view};
use filemapping::{CreateOptions, ErrorKind, FileMapAccess, Namespace, View, ViewProtection};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};

const PAGE: usize = 4096;
/// The variable that chooses the copies.
const CHOICE: &str = "FILEMAPPING_SAFE_COPY";
/// What the application's handlers in these tests exit with.
const APP_EXIT: i32 = 42;

/// In the child: its scratch directory. In the parent: runs the child with `env` and returns
/// how it ended, for the test to check.
fn child_or_run(test: &str, env: &[(&str, &str)]) -> Result<PathBuf, Ended> {
    if let Some(dir) = child::in_child(test) {
        return Ok(dir);
    }
    let scratch = Scratch::new(test);
    Err(child::run(test, &scratch.0, &[], env))
}

/// The default copies, whatever the environment of the test run says.
const DEFAULT: &[(&str, &str)] = &[(CHOICE, "default")];

/// Says on standard error (never captured in the child) how far the child got.
fn mark(what: &str) {
    use std::io::Write;
    let _ = std::io::stderr().write_all(format!("MARK {what}\n").as_bytes());
}

/// A read of the view's byte at `offset` through its pointer, as any program's own access.
fn touch(view: &View, offset: usize) -> u8 {
    assert!(offset < view.len());
    // SAFETY: inside the view; the tests call this on a page that faults, which is the point.
    unsafe { std::ptr::read_volatile(view.as_ptr().add(offset)) }
}

/// The handler address of `signal`'s current disposition.
fn disposition(signal: libc::c_int) -> libc::sighandler_t {
    // SAFETY: all-zero is a valid `sigaction`; a null new action only queries.
    let mut action: libc::sigaction = unsafe { std::mem::zeroed() };
    // SAFETY: as above; the kernel writes `action`.
    let ok = unsafe { libc::sigaction(signal, std::ptr::null(), &mut action) };
    assert_eq!(ok, 0);
    action.sa_sigaction
}

extern "C" fn app_handler_with_info(_: libc::c_int, _: *mut libc::siginfo_t, _: *mut libc::c_void) {
    app_handler(0);
}

extern "C" fn app_handler(_: libc::c_int) {
    let text = b"APP HANDLER\n";
    // SAFETY: write and _exit are async-signal-safe; `text` is a live buffer.
    unsafe {
        libc::write(2, text.as_ptr().cast(), text.len());
        libc::_exit(APP_EXIT);
    }
}

/// Installs the application's own `SIGBUS` handler, which never chains: it says so and exits.
fn install_app_handler(with_info: bool) {
    // SAFETY: all-zero is a valid `sigaction`.
    let mut action: libc::sigaction = unsafe { std::mem::zeroed() };
    if with_info {
        action.sa_sigaction = app_handler_with_info as *const () as usize;
        action.sa_flags = libc::SA_SIGINFO;
    } else {
        action.sa_sigaction = app_handler as *const () as usize;
    }
    // SAFETY: a complete action whose handler is a function above with the matching type.
    let ok = unsafe { libc::sigaction(libc::SIGBUS, &action, std::ptr::null_mut()) };
    assert_eq!(ok, 0);
}

#[test]
fn copies_of_every_length_at_every_alignment_move_exactly_their_bytes() {
    let scratch = Scratch::new("every-length");
    let ns = Namespace::at(&scratch.0);
    // A named section's views copy with the fault handler; an unnamed one's pages cannot fail.
    let (named, _) = CreateOptions::new()
        .name("exact")
        .size(4 * PAGE as u64)
        .namespace(&ns)
        .create()
        .unwrap();
    let (unnamed, _) = CreateOptions::new().size(4 * PAGE as u64).create().unwrap();
    for map in [&named, &unnamed] {
        let view = map.map_view(FileMapAccess::WRITE, 0, 0).unwrap();
        for offset in (0..=9).chain([PAGE - 150, 2 * PAGE - 1]) {
            for len in 0..=300 {
                check_read(&view, offset, len);
                check_write(&view, offset, len);
            }
        }
    }
}

/// The byte of the pattern at `at`, different for each `seed`.
fn pattern(at: usize, seed: u8) -> u8 {
    (at as u8).wrapping_mul(31).wrapping_add(seed)
}

/// The bytes of the view that a copy of `len` bytes at `offset` may touch, and 16 on each side.
fn around(view: &View, offset: usize, len: usize) -> std::ops::Range<usize> {
    offset.saturating_sub(16)..(offset + len + 16).min(view.len())
}

/// Fills the view's bytes `range` through its pointer.
fn fill(view: &View, range: std::ops::Range<usize>, seed: u8) {
    for at in range {
        // SAFETY: inside the view, whose pages cannot fail here.
        unsafe { std::ptr::write_volatile(view.as_ptr().add(at), pattern(at, seed)) };
    }
}

/// `read_at(offset, len)` into a buffer at each misalignment gives exactly the view's bytes
/// and leaves the buffer's other bytes alone.
fn check_read(view: &View, offset: usize, len: usize) {
    fill(view, around(view, offset, len), len as u8);
    for skew in [0, 1, 3, 8] {
        let mut buf = vec![0xA5u8; len + 16];
        view.read_at(offset, &mut buf[skew..skew + len]).unwrap();
        for (i, &b) in buf.iter().enumerate() {
            let want = if (skew..skew + len).contains(&i) {
                pattern(offset + i - skew, len as u8)
            } else {
                0xA5
            };
            assert_eq!(b, want, "read {len} at {offset}, skew {skew}: byte {i}");
        }
    }
}

/// `write_at(offset, data)` changes exactly the view's bytes `[offset, offset + len)`.
fn check_write(view: &View, offset: usize, len: usize) {
    let seed = len as u8;
    for skew in [0, 5] {
        fill(view, around(view, offset, len), seed);
        let data: Vec<u8> = (0..len + skew).map(|i| !pattern(i, seed)).collect();
        view.write_at(offset, &data[skew..]).unwrap();
        for at in around(view, offset, len) {
            let want = if (offset..offset + len).contains(&at) {
                !pattern(at - offset + skew, seed)
            } else {
                pattern(at, seed)
            };
            assert_eq!(
                touch(view, at),
                want,
                "write {len} at {offset}, skew {skew}: byte {at}"
            );
        }
    }
}

#[test]
fn a_fault_in_the_middle_of_a_large_copy_is_an_error_and_the_process_lives() {
    let test = "a_fault_in_the_middle_of_a_large_copy_is_an_error_and_the_process_lives";
    let dir = match child_or_run(test, DEFAULT) {
        Ok(dir) => dir,
        Err(ended) => return ended.assert_passed(),
    };
    let len = 4 << 20;
    let (path, _map, view) = file_view(&dir, len);
    let mut buf = vec![0u8; len];
    view.read_at(0, &mut buf).unwrap();
    let end = len / 2 + 3 * PAGE;
    cut(&path, end);
    assert_in_page_error(view.read_at(0, &mut buf), "a 4 MiB read cut short");
    assert_in_page_error(view.write_at(0, &buf), "a 4 MiB write cut short");
    assert_in_page_error(
        view.read_at(end - 1001, &mut buf[..70_000]),
        "an unaligned read across the end",
    );
    assert_in_page_error(
        view.write_at(end - 3, &buf[..9]),
        "a short write across the end",
    );
    let mut left = vec![0u8; end];
    view.read_at(0, &mut left).unwrap();
    assert!(left.iter().all(|&b| b == 7), "what is left still reads");
    view.write_at(end - 5, b"still").unwrap();
}

#[test]
fn a_fault_in_a_copy_of_a_few_pages_is_an_error_at_every_size() {
    let test = "a_fault_in_a_copy_of_a_few_pages_is_an_error_at_every_size";
    let dir = match child_or_run(test, DEFAULT) {
        Ok(dir) => dir,
        Err(ended) => return ended.assert_passed(),
    };
    let len = 8 * PAGE;
    let (path, _map, view) = file_view(&dir, len);
    let end = 4 * PAGE;
    cut(&path, end);
    let mut buf = vec![0u8; len];
    // Copies of a few KiB take another routine than large ones: every size from 256 bytes to
    // 16 KiB that crosses the new end faults in it, at every distance from the end.
    for size in [256, 300, 1000, 4096, 4097, 8191, 12_000, 16_383] {
        for before in [1, 64, 127, 128, 129, 200] {
            let size = size.min(len - (end - before));
            let at = end - before;
            let what = format!("{size} bytes from {before} before the end");
            assert_in_page_error(view.read_at(at, &mut buf[..size]), &what);
            assert_in_page_error(view.write_at(at, &buf[..size]), &what);
        }
    }
    // What is left still reads and writes (the failed writes may have written the bytes
    // before the end, as a copy interrupted by a fault does).
    view.write_at(end - 4096, &[9; 4096]).unwrap();
    view.read_at(end - 4096, &mut buf[..4096]).unwrap();
    assert!(
        buf[..4096].iter().all(|&b| b == 9),
        "what is left still reads"
    );
}

#[test]
fn a_sigbus_outside_the_copies_still_kills_the_process() {
    let test = "a_sigbus_outside_the_copies_still_kills_the_process";
    match child_or_run(test, DEFAULT) {
        Ok(dir) => copy_then_touch_a_lost_page(&dir),
        Err(ended) => assert_killed(&ended, libc::SIGBUS),
    }
}

/// In the child: copies of a cut-short file's lost pages fail cleanly, then the program's own
/// access to such a page faults.
fn copy_then_touch_a_lost_page(dir: &Path) {
    let (path, _map, view) = file_view(dir, 3 * PAGE);
    cut(&path, PAGE);
    let mut buf = vec![0u8; 2 * PAGE];
    assert_in_page_error(view.read_at(0, &mut buf), "a read across the end");
    assert_in_page_error(view.write_at(PAGE, &buf), "a write past the end");
    touch_fatally(&view, 2 * PAGE);
}

/// Reads the view's byte at `offset` through its pointer, which must fault.
fn touch_fatally(view: &View, offset: usize) {
    mark("touching");
    touch(view, offset);
    mark("survived");
}

/// In the parent: the child got to its fatal access and died of `signal`.
fn assert_killed(ended: &Ended, signal: libc::c_int) {
    assert_eq!(ended.status.signal(), Some(signal), "{}", ended.text);
    assert!(ended.text.contains("MARK touching"), "{}", ended.text);
}

#[test]
fn a_sigsegv_outside_the_copies_still_kills_the_process() {
    let test = "a_sigsegv_outside_the_copies_still_kills_the_process";
    let dir = match child_or_run(test, DEFAULT) {
        Ok(dir) => dir,
        Err(ended) => return assert_killed(&ended, libc::SIGSEGV),
    };
    let (_path, _map, mut view) = file_view(&dir, 2 * PAGE);
    let mut buf = [0u8; 8];
    view.read_at(PAGE, &mut buf).unwrap();
    view.protect(PAGE, PAGE, ViewProtection::NoAccess).unwrap();
    let err = view.read_at(PAGE, &mut buf).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AccessDenied, "{err}");
    touch_fatally(&view, PAGE);
}

#[test]
fn an_application_sigaction_handler_installed_before_still_gets_its_faults() {
    application_handler_before(
        "an_application_sigaction_handler_installed_before_still_gets_its_faults",
        true,
    );
}

#[test]
fn an_application_signal_handler_installed_before_still_gets_its_faults() {
    application_handler_before(
        "an_application_signal_handler_installed_before_still_gets_its_faults",
        false,
    );
}

/// The application installs its `SIGBUS` handler before the first copy: the copies' faults
/// stay errors, and its own fault reaches its handler.
fn application_handler_before(test: &str, with_info: bool) {
    let dir = match child_or_run(test, DEFAULT) {
        Ok(dir) => dir,
        Err(ended) => {
            let text = &ended.text;
            assert_eq!(ended.status.code(), Some(APP_EXIT), "{text}");
            assert!(text.contains("MARK touching\nAPP HANDLER"), "{text}");
            return;
        }
    };
    install_app_handler(with_info);
    copy_then_touch_a_lost_page(&dir);
}

#[test]
fn a_handler_installed_after_the_first_copy_is_noticed_at_the_next_view() {
    let test = "a_handler_installed_after_the_first_copy_is_noticed_at_the_next_view";
    let dir = match child_or_run(test, DEFAULT) {
        Ok(dir) => dir,
        Err(ended) => return ended.assert_passed(),
    };
    let (path, map, view) = file_view(&dir, 3 * PAGE);
    let mut buf = [0u8; 8];
    view.read_at(0, &mut buf).unwrap();
    // A handler that does not chain replaces the copies' handler; the next view mapped finds
    // out, and the copies go through the kernel from then on (its handler would exit).
    install_app_handler(true);
    let again = map.map_view(FileMapAccess::WRITE, 0, 0).unwrap();
    cut(&path, PAGE);
    assert_in_page_error(again.read_at(2 * PAGE, &mut buf), "a read past the end");
    assert_in_page_error(view.write_at(2 * PAGE, &buf), "a write past the end");
    again.read_at(0, &mut buf).unwrap();
    assert_eq!(buf, [7; 8]);
}

#[test]
fn the_default_copies_install_a_fault_handler_once() {
    let test = "the_default_copies_install_a_fault_handler_once";
    let dir = match child_or_run(test, DEFAULT) {
        Ok(dir) => dir,
        Err(ended) => return ended.assert_passed(),
    };
    let before = [disposition(libc::SIGBUS), disposition(libc::SIGSEGV)];
    let (_path, _map, view) = file_view(&dir, PAGE);
    view.write_at(0, b"x").unwrap();
    let after = [disposition(libc::SIGBUS), disposition(libc::SIGSEGV)];
    assert_ne!(before[0], after[0], "SIGBUS has a new handler");
    assert_ne!(before[1], after[1], "SIGSEGV has a new handler");
    assert_eq!(after[0], after[1], "one handler for both");
    view.write_at(0, b"y").unwrap();
    assert_eq!(disposition(libc::SIGBUS), after[0], "installed once");
}

#[test]
fn the_opt_out_copies_through_the_kernel_and_installs_nothing() {
    let test = "the_opt_out_copies_through_the_kernel_and_installs_nothing";
    let dir = match child_or_run(test, &[(CHOICE, "syscall")]) {
        Ok(dir) => dir,
        Err(ended) => return ended.assert_passed(),
    };
    let before = [disposition(libc::SIGBUS), disposition(libc::SIGSEGV)];
    let (path, _map, view) = file_view(&dir, 3 * PAGE);
    let mut buf = vec![0u8; 2 * PAGE];
    view.read_at(0, &mut buf).unwrap();
    cut(&path, PAGE);
    assert_in_page_error(view.read_at(0, &mut buf), "a read across the end");
    assert_in_page_error(view.write_at(PAGE, &buf), "a write past the end");
    view.write_at(0, b"still").unwrap();
    let after = [disposition(libc::SIGBUS), disposition(libc::SIGSEGV)];
    assert_eq!(before, after, "no handler was installed");
}
