//! Views of a file whose pages cannot come in: on Windows a page of a file view can fail to page
//! in (an I/O error, a network share or disk gone), which raises `EXCEPTION_IN_PAGE_ERROR` on a
//! plain access. `View::read_at` and `View::write_at` report it as `ERROR_SWAPERROR` and the
//! process lives on (DESIGN, invariant 9).
//!
//! Windows refuses to cut short a file it maps, so the test runs under Wine, where the Linux
//! `truncate` program can do it behind Windows' back. The case runs in a child process (this
//! test binary, re-executed for the one test), so that a crash fails the test with the child's
//! output instead of taking the test harness down. Linux has the same case in `limits.rs`.

#[cfg(windows)]
#[path = "support/cut_short.rs"]
mod cut_short;
#[path = "support/skip.rs"]
mod skip;

const TEST: &str = "pages_a_file_cannot_supply_are_an_error_not_a_crash";

#[test]
fn pages_a_file_cannot_supply_are_an_error_not_a_crash() {
    if !cfg!(windows) {
        skip::skip(TEST, "Windows only (tests/limits.rs has the case on Linux)");
        return;
    }
    if skip::under_wine() {
        #[cfg(windows)]
        wine::run();
    } else {
        skip::skip(
            TEST,
            "needs Wine: Windows refuses to cut short a mapped file, and has no truncate",
        );
    }
}

#[cfg(windows)]
mod wine {
    use super::cut_short::{assert_in_page_error, file_view};
    use super::TEST;
    use filemapping::FileMapAccess;
    use std::path::{Path, PathBuf};
    use std::process::Command;

    /// Set in the child: the test it runs.
    const CHILD: &str = "FILEMAPPING_TEST_CHILD";
    const PAGE: usize = 4096;

    /// Runs the case in a child, or is the child.
    pub(super) fn run() {
        if std::env::var(CHILD).as_deref() == Ok(TEST) {
            cut_short_under_views();
            return;
        }
        let out = Command::new(std::env::current_exe().unwrap())
            .args([TEST, "--exact", "--nocapture", "--test-threads=1"])
            .env(CHILD, TEST)
            .output()
            .expect("cannot start the child");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "the child failed or crashed:\n{text}");
        assert!(text.contains("1 passed"), "the child ran nothing:\n{text}");
    }

    /// A scratch directory, removed on drop.
    struct Scratch(PathBuf);

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn cut_short_under_views() {
        let scratch = Scratch(std::env::temp_dir().join(format!("fm-lost-{}", std::process::id())));
        std::fs::create_dir_all(&scratch.0).unwrap();
        let (path, map, view) = file_view(&scratch.0, 3 * PAGE);
        let reader = map.map_view(FileMapAccess::READ, 0, 0).unwrap();
        let mut buf = [0u8; 8];
        view.read_at(PAGE, &mut buf).unwrap();
        assert_eq!(buf, [7; 8]);
        reader.read_at(2 * PAGE, &mut buf).unwrap();
        assert_eq!(buf, [7; 8]);

        cut(&path, PAGE);

        view.read_at(0, &mut buf).unwrap();
        assert_eq!(buf, [7; 8], "the page that is left still reads");
        assert_in_page_error(view.read_at(PAGE, &mut buf), "a read past the new end");
        assert_in_page_error(view.write_at(2 * PAGE, b"x"), "a write past the new end");
        let mut across = vec![0u8; PAGE];
        assert_in_page_error(
            view.read_at(PAGE / 2, &mut across),
            "a read across the new end",
        );
        assert_in_page_error(
            reader.read_at(2 * PAGE, &mut buf),
            "a read of a read-only view past the new end",
        );
        view.write_at(0, b"still").unwrap();
        reader.read_at(0, &mut buf[..5]).unwrap();
        assert_eq!(&buf[..5], b"still", "the page that is left still writes");
    }

    /// The Linux `truncate` cuts the file at `path` to `len` bytes. Wine starts a Linux program
    /// without a process handle to wait on (the wait fails at once), so the cut is awaited by
    /// watching the file's size.
    fn cut(path: &Path, len: usize) {
        let unix = unix_path(path);
        let mut truncate = Command::new("/usr/bin/truncate")
            .arg("-s")
            .arg(len.to_string())
            .arg(&unix)
            .spawn()
            .expect("cannot start the Linux truncate under Wine");
        if let Ok(status) = truncate.wait() {
            assert!(status.success(), "truncate -s {len} {unix}: {status}");
        }
        // Not a timing assertion: `truncate` takes milliseconds, the bound is minutes.
        for _ in 0..6000 {
            if std::fs::metadata(path).unwrap().len() == len as u64 {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        panic!("truncate did not cut {unix} to {len} bytes");
    }

    /// The Linux path of a Windows path, as Wine's `winepath -u` tells it.
    fn unix_path(path: &Path) -> String {
        let out = Command::new("winepath")
            .arg("-u")
            .arg(path)
            .output()
            .expect("cannot run winepath");
        assert!(out.status.success(), "winepath -u {}", path.display());
        let unix = String::from_utf8(out.stdout).unwrap().trim_end().to_owned();
        assert!(unix.starts_with('/'), "winepath gave {unix:?}");
        unix
    }
}
