//! How fast [`View::read_at`] and [`View::write_at`] copy, next to `memcpy` through
//! [`View::as_ptr`], at 256 bytes, 4 KiB, 64 KiB and 1 MiB, into and out of an already
//! touched view.
//!
//! Two views: one of a named section (its file could be cut short by another program, so its
//! copies must survive a fault) and one of an unnamed section (whose pages cannot fail). Each
//! figure is the best of many short bursts, taking turns with `memcpy`; a ratio is `memcpy`
//! time over the copy's time, so 1.0 is as fast as `memcpy`. On Linux the program runs itself
//! a second time with `FILEMAPPING_SAFE_COPY=syscall` for the cross-memory copies; on x86-64
//! it also times a plain SSE2 loop (16 bytes at a time, four per round) next to `memcpy`.
//!
//! ```sh
//! cargo run --release -p filemapping --example copy_speed
//! ```

#![allow(unsafe_code)]

use filemapping::{CreateOptions, FileMapAccess, Namespace, View};
use std::hint::black_box;
use std::time::{Duration, Instant};

const SIZES: [usize; 4] = [256, 4 << 10, 64 << 10, 1 << 20];
/// Bytes moved per timed burst (spread over as many copies as fit).
const BURST: usize = 2 << 20;
/// Timed bursts of each way to copy.
const RUNS: usize = 300;
/// Set in the second run of this program.
const AGAIN: &str = "COPY_SPEED_SECOND_RUN";

fn main() -> filemapping::Result<()> {
    let dir = std::env::temp_dir().join(format!("copy-speed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    let ns = Namespace::at(&dir);
    let size = 2 << 20;
    let (named, _) = CreateOptions::new()
        .name("copy-speed")
        .size(size as u64)
        .namespace(&ns)
        .create()?;
    let (unnamed, _) = CreateOptions::new().size(size as u64).create()?;
    let named = named.map_view(FileMapAccess::WRITE, 0, 0)?;
    let unnamed = unnamed.map_view(FileMapAccess::WRITE, 0, 0)?;
    let mode = std::env::var("FILEMAPPING_SAFE_COPY").unwrap_or_else(|_| "default".into());
    println!("copies: {mode}; ratio = memcpy time / copy time");
    for (what, view) in [("named", &named), ("unnamed", &unnamed)] {
        view.write_at(0, &vec![1u8; size])?; // touch every page
        for &n in &SIZES {
            report(what, view, n)?;
        }
    }
    drop((named, unnamed));
    let _ = std::fs::remove_dir_all(&dir);
    second_run();
    Ok(())
}

/// A way to copy between a view and a private buffer.
type Way<'a> = &'a mut dyn FnMut(&mut [u8]);

/// Prints the ratios of one view at one size.
fn report(what: &str, view: &View, n: usize) -> filemapping::Result<()> {
    let mut failed = None;
    let mut memcpy_from = |buf: &mut [u8]| {
        // SAFETY: `[0, n)` is inside the touched view, which nothing else changes here.
        unsafe { std::ptr::copy_nonoverlapping(view.as_ptr(), buf.as_mut_ptr(), n) };
        black_box(buf);
    };
    let mut memcpy_to = |buf: &mut [u8]| {
        // SAFETY: as above.
        unsafe { std::ptr::copy_nonoverlapping(buf.as_ptr(), view.as_ptr(), n) };
        black_box(view.as_ptr());
    };
    let [memcpy_read, read] = compare(
        n,
        [&mut memcpy_from, &mut |buf: &mut [u8]| {
            if let Err(e) = view.read_at(0, black_box(buf)) {
                failed = Some(e);
            }
        }],
    );
    let [memcpy_write, write] = compare(
        n,
        [&mut memcpy_to, &mut |buf: &mut [u8]| {
            if let Err(e) = view.write_at(0, black_box(buf)) {
                failed = Some(e);
            }
        }],
    );
    if let Some(e) = failed {
        return Err(e);
    }
    let per_copy = memcpy_read.as_nanos() / (BURST / n).max(1) as u128;
    print!(
        "{what:>8} {:>7} B: read {:.2}x  write {:.2}x  (memcpy {per_copy} ns)",
        n,
        ratio(memcpy_read, read),
        ratio(memcpy_write, write)
    );
    #[cfg(target_arch = "x86_64")]
    {
        let mut sse2 = |buf: &mut [u8]| {
            // SAFETY: as above; `n` is a multiple of 64.
            unsafe { sse2_copy(buf.as_mut_ptr(), view.as_ptr(), n) };
            black_box(buf);
        };
        let [reference, sse2] = compare(n, [&mut memcpy_from, &mut sse2]);
        print!("  (an SSE2 loop reads at {:.2}x)", ratio(reference, sse2));
    }
    println!();
    Ok(())
}

fn ratio(reference: Duration, measured: Duration) -> f64 {
    reference.as_secs_f64() / measured.as_secs_f64()
}

/// The best times of each of two ways to copy `n` bytes, over [`RUNS`] short bursts of
/// [`BURST`] bytes each, the two ways taking turns (the shortest bursts are the ones no other
/// program interrupted).
fn compare(n: usize, mut ways: [Way<'_>; 2]) -> [Duration; 2] {
    let mut buf = vec![2u8; n];
    let rounds = (BURST / n).max(1);
    let mut best = [Duration::MAX; 2];
    for _ in 0..RUNS {
        for (way, best) in ways.iter_mut().zip(&mut best) {
            let start = Instant::now();
            for _ in 0..rounds {
                way(&mut buf);
            }
            *best = (*best).min(start.elapsed());
        }
    }
    best
}

/// Copies `n` bytes (a non-zero multiple of 64) with unaligned 16-byte SSE2 loads and stores.
///
/// # Safety
///
/// `src` is readable and `dst` writable for `n` bytes.
#[cfg(target_arch = "x86_64")]
unsafe fn sse2_copy(dst: *mut u8, src: *const u8, n: usize) {
    // SAFETY: the caller's promise; the loop touches `[src, src + n)` and `[dst, dst + n)`.
    unsafe {
        std::arch::asm!(
            "2:",
            "movdqu xmm0, [{src}]",
            "movdqu xmm1, [{src} + 16]",
            "movdqu xmm2, [{src} + 32]",
            "movdqu xmm3, [{src} + 48]",
            "movdqu [{dst}], xmm0",
            "movdqu [{dst} + 16], xmm1",
            "movdqu [{dst} + 32], xmm2",
            "movdqu [{dst} + 48], xmm3",
            "add {src}, 64",
            "add {dst}, 64",
            "sub {n}, 64",
            "jnz 2b",
            src = inout(reg) src => _,
            dst = inout(reg) dst => _,
            n = inout(reg) n => _,
            out("xmm0") _, out("xmm1") _, out("xmm2") _, out("xmm3") _,
            options(nostack),
        );
    }
}

/// On Linux, runs this program again with the cross-memory copies, once.
fn second_run() {
    if !cfg!(target_os = "linux") || std::env::var_os(AGAIN).is_some() {
        return;
    }
    let exe = std::env::current_exe().expect("the program's path");
    let status = std::process::Command::new(exe)
        .env(AGAIN, "1")
        .env("FILEMAPPING_SAFE_COPY", "syscall")
        .status()
        .expect("the second run");
    assert!(status.success(), "the second run failed");
}
