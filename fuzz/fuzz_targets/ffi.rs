//! The C ABI (`filemapping-ffi`): programs of Win32 calls decoded from the bytes, with garbage
//! and stale handles but only NULL or harness-owned pointers; each input closes what it made.
#![no_main]

#[path = "../../crates/filemapping-ffi/tests/fuzz_ffi/targets.rs"]
mod targets;

use libfuzzer_sys::fuzz_target;
use std::sync::Once;

static ROOT: Once = Once::new();

fuzz_target!(|data: &[u8]| {
    ROOT.call_once(|| {
        // A private namespace root, before the first call reads the environment.
        let root = std::env::temp_dir().join(format!("fm-fuzz-ffi-{}", std::process::id()));
        std::fs::create_dir_all(&root).unwrap();
        std::env::set_var(filemapping::FILEMAPPING_DIR, root);
    });
    targets::ffi(data);
});
