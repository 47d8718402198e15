//! `huge_tmpfs`: first-touch bandwidth of a fresh 256 MiB named section on a tmpfs mounted with
//! `huge=within_size` (made the namespace root), against the raw floor on the same mount: a
//! plain file, `ftruncate`, `mmap` and a copy. Needs root (it mounts the tmpfs in a private
//! mount namespace of its own, `unshare(CLONE_NEWNS)`); otherwise it says why and exits.
//! Prints the median of each over the rounds, and their ratio, from this one run.

#![allow(unsafe_code)]

use filemapping::{CreateOptions, FileMapAccess, Namespace};
use std::ffi::CString;
use std::time::{Duration, Instant};

const BYTES: usize = 256 << 20;
const ROUNDS: usize = 7;

fn main() {
    // SAFETY: geteuid takes no arguments and cannot fail.
    if unsafe { libc::geteuid() } != 0 {
        println!("skipped: needs root, to mount a huge tmpfs in a private mount namespace");
        return;
    }
    let dir = std::env::temp_dir().join(format!("fm-bench-huge-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("the mount point");
    if let Err(why) = mount_huge(&dir) {
        println!("skipped: cannot mount a huge tmpfs: {why}");
        let _ = std::fs::remove_dir(&dir);
        return;
    }
    let src = vec![0xA5u8; BYTES];
    let ns = Namespace::at(&dir);
    let (mut floor, mut ours) = (Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        // Alternate which goes first, so that neither always finds the memory fresher.
        if round % 2 == 0 {
            floor.push(raw_floor(&dir, &src));
            ours.push(filemapping(&ns, &src));
        } else {
            ours.push(filemapping(&ns, &src));
            floor.push(raw_floor(&dir, &src));
        }
    }
    let gbps = |d: Duration| BYTES as f64 / d.as_secs_f64() / 1e9;
    let (f, o) = (gbps(median(&mut floor)), gbps(median(&mut ours)));
    println!(
        "huge tmpfs (huge=within_size), fresh {} MiB, median of {ROUNDS}:",
        BYTES >> 20
    );
    println!("  raw floor (file + ftruncate + mmap + copy): {f:.2} GB/s");
    println!("  filemapping (create + map_view + write_at):  {o:.2} GB/s");
    println!("  ratio: {:.2}x the floor", o / f);
    // The mount lives only in this process's mount namespace and goes with it.
    let c = CString::new(dir.to_str().expect("a UTF-8 path")).expect("no NUL");
    // SAFETY: `c` is a valid NUL-terminated path.
    unsafe { libc::umount2(c.as_ptr(), libc::MNT_DETACH) };
    let _ = std::fs::remove_dir(&dir);
}

fn mount_huge(dir: &std::path::Path) -> Result<(), String> {
    let err = || std::io::Error::last_os_error().to_string();
    // SAFETY: unshare takes no pointers.
    if unsafe { libc::unshare(libc::CLONE_NEWNS) } != 0 {
        return Err(err());
    }
    let root = CString::new("/").expect("no NUL");
    // SAFETY: valid NUL-terminated strings or NULL, as mount(2) takes them.
    let private = unsafe {
        libc::mount(
            std::ptr::null(),
            root.as_ptr(),
            std::ptr::null(),
            libc::MS_REC | libc::MS_PRIVATE,
            std::ptr::null(),
        )
    };
    if private != 0 {
        return Err(err());
    }
    let target = CString::new(dir.to_str().ok_or("not UTF-8")?).map_err(|e| e.to_string())?;
    let (fstype, options) = (
        CString::new("tmpfs").expect("no NUL"),
        CString::new("huge=within_size,size=2g").expect("no NUL"),
    );
    // SAFETY: valid NUL-terminated strings, as mount(2) takes them.
    let mounted = unsafe {
        libc::mount(
            fstype.as_ptr(),
            target.as_ptr(),
            fstype.as_ptr(),
            0,
            options.as_ptr().cast(),
        )
    };
    if mounted != 0 {
        return Err(err());
    }
    Ok(())
}

fn median(samples: &mut [Duration]) -> Duration {
    samples.sort_unstable();
    samples[samples.len() / 2]
}

/// The floor: what a program does with raw calls on the same mount.
fn raw_floor(dir: &std::path::Path, src: &[u8]) -> Duration {
    use std::os::unix::io::AsRawFd;
    let path = dir.join("floor");
    let start = Instant::now();
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(true)
        .read(true)
        .write(true)
        .open(&path)
        .expect("the floor's file");
    file.set_len(BYTES as u64).expect("ftruncate");
    // SAFETY: a fresh shared mapping of the file just sized; nothing else maps it.
    let ptr = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            BYTES,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_SHARED,
            file.as_raw_fd(),
            0,
        )
    };
    assert_ne!(ptr, libc::MAP_FAILED, "mmap");
    // SAFETY: `ptr` maps BYTES writable bytes that nothing else uses; `src` has BYTES bytes.
    unsafe { std::ptr::copy_nonoverlapping(src.as_ptr(), ptr.cast::<u8>(), BYTES) };
    let took = start.elapsed();
    // SAFETY: the mapping made above, no longer used.
    unsafe { libc::munmap(ptr, BYTES) };
    drop(file);
    let _ = std::fs::remove_file(&path);
    took
}

/// Ours: a fresh named section in the huge tmpfs namespace, one view, one copy.
fn filemapping(ns: &Namespace, src: &[u8]) -> Duration {
    let start = Instant::now();
    let (map, _) = CreateOptions::new()
        .namespace(ns)
        .name("bench-huge")
        .size(BYTES as u64)
        .create()
        .expect("create");
    let view = map.map_view(FileMapAccess::WRITE, 0, 0).expect("map");
    view.write_at(0, src).expect("write");
    start.elapsed()
}
