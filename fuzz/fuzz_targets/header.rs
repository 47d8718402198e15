//! The object-file header decoder on any bytes, and the bytes as a whole object file in the
//! namespace: a stale entry planted at a name's place, or the file of a live object rewritten;
//! then open (each type), list and clean.
#![no_main]

#[path = "../../crates/filemapping/tests/fuzz_corpus/targets.rs"]
mod targets;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let root = std::env::temp_dir().join(format!("fm-fuzz-header-{}", std::process::id()));
    targets::header_decoder(data);
    targets::object_file(data, &filemapping::Namespace::at(root));
});
