//! Names through the public API: create and open with the bytes as a UTF-8 and a UTF-16 name.
#![no_main]

#[path = "../../crates/filemapping/tests/fuzz_corpus/targets.rs"]
mod targets;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let root = std::env::temp_dir().join(format!("fm-fuzz-name-{}", std::process::id()));
    targets::name(data, &filemapping::Namespace::at(root));
});
