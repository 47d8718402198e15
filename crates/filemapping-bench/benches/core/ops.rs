//! The benches (Linux only: they measure the Linux emulation).

#![allow(unsafe_code)]

use divan::Bencher;
use filemapping_bench::ops;
use filemapping_bench::peers::{ffi::Ffi, floor::Floor, ours::Ours, shm::Shm};
use filemapping_bench::workspace::{Name, Workspace};
use std::sync::Mutex;

/// The run's private corner of /dev/shm, removed after the benches.
static WORKSPACE: Mutex<Option<Workspace>> = Mutex::new(None);

/// Runs the benches in a private corner of /dev/shm, removed afterwards.
pub(crate) fn run() {
    let workspace = Workspace::create().expect("a private namespace root in /dev/shm");
    *WORKSPACE.lock().unwrap() = Some(workspace);
    divan::main();
    drop(WORKSPACE.lock().unwrap().take());
}

/// An implementation the benches can make.
trait Make: Shm + Sized {
    const LABEL: &'static str;
    fn make() -> Self;
}

impl Make for Ours {
    const LABEL: &'static str = "filemapping";
    fn make() -> Ours {
        let workspace = WORKSPACE.lock().unwrap();
        Ours::new(workspace.as_ref().expect("set up in main").root())
    }
}

impl Make for Ffi {
    const LABEL: &'static str = "filemapping-ffi";
    fn make() -> Ffi {
        Ffi
    }
}

impl Make for Floor {
    const LABEL: &'static str = "floor";
    fn make() -> Floor {
        Floor::SPARSE
    }
}

fn name<S: Make>(case: &str) -> Name {
    let workspace = WORKSPACE.lock().unwrap();
    let workspace = workspace.as_ref().expect("set up in main");
    workspace.name(&format!("divan-{}-{case}", S::LABEL))
}

#[divan::bench(types = [Ours, Ffi, Floor])]
fn create_map_close<S: Make>(bencher: Bencher) {
    let (shm, name) = (S::make(), name::<S>("create_map_close"));
    bencher.bench_local(|| ops::create_map_close(&shm, &name).unwrap());
}

#[divan::bench(types = [Ours, Ffi, Floor])]
fn open_map_close<S: Make>(bencher: Bencher) {
    let (shm, name) = (S::make(), name::<S>("open_map_close"));
    let _holder = ops::held(&shm, &name).unwrap();
    bencher.bench_local(|| ops::open_map_close(&shm, &name).unwrap());
}

#[divan::bench(types = [Ours, Ffi, Floor])]
fn map_unmap<S: Make>(bencher: Bencher) {
    let (shm, name) = (S::make(), name::<S>("map_unmap"));
    let holder = ops::held(&shm, &name).unwrap();
    bencher.bench_local(|| ops::map_unmap(&shm, &holder).unwrap());
}

/// Bytes copied by the `view_*` benches: the safe copies of a `View` against a plain memcpy
/// through `View::as_ptr`, on an already touched view.
const COPY: usize = 1 << 20;

fn touched_view() -> (filemapping::FileMapping, filemapping::View) {
    let (map, _) = filemapping::CreateOptions::new()
        .size(COPY as u64)
        .create()
        .unwrap();
    let view = map
        .map_view(filemapping::FileMapAccess::WRITE, 0, 0)
        .unwrap();
    view.write_at(0, &vec![1; COPY]).unwrap();
    (map, view)
}

#[divan::bench(counters = [divan::counter::BytesCount::new(COPY)])]
fn view_write_at(bencher: Bencher) {
    let (_map, view) = touched_view();
    let src = vec![0xA5u8; COPY];
    bencher.bench_local(|| view.write_at(0, &src).unwrap());
}

#[divan::bench(counters = [divan::counter::BytesCount::new(COPY)])]
fn view_read_at(bencher: Bencher) {
    let (_map, view) = touched_view();
    let mut dst = vec![0u8; COPY];
    bencher.bench_local(|| view.read_at(0, &mut dst).unwrap());
}

#[divan::bench(counters = [divan::counter::BytesCount::new(COPY)])]
fn view_memcpy_in(bencher: Bencher) {
    let (_map, view) = touched_view();
    let src = vec![0xA5u8; COPY];
    // SAFETY: the view is a writable, private (unnamed) mapping of COPY bytes, alive meanwhile.
    bencher.bench_local(|| unsafe {
        std::ptr::copy_nonoverlapping(src.as_ptr(), view.as_ptr(), COPY);
    });
}

#[divan::bench(counters = [divan::counter::BytesCount::new(COPY)])]
fn view_memcpy_out(bencher: Bencher) {
    let (_map, view) = touched_view();
    let mut dst = vec![0u8; COPY];
    // SAFETY: the view maps COPY readable bytes, alive meanwhile; nobody else writes them.
    bencher.bench_local(|| unsafe {
        std::ptr::copy_nonoverlapping(view.as_ptr(), dst.as_mut_ptr(), COPY);
    });
}
