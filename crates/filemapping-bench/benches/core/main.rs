//! The core operations, one at a time, for profiling work (divan):
//! `cargo bench -p filemapping-bench`. Our library through its Rust and C APIs against the
//! raw-syscall floor; the side-by-side run with every peer is the binary.

#[cfg(target_os = "linux")]
mod ops;

fn main() {
    #[cfg(target_os = "linux")]
    ops::run();
}
