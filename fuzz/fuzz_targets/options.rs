//! Protections, attributes, sizes (at most 16 MiB: larger ones are refused before the library),
//! data files, view accesses and offsets through the builder API, against the spec's matrices.
#![no_main]

#[path = "../../crates/filemapping/tests/fuzz_corpus/targets.rs"]
mod targets;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let scratch = std::env::temp_dir().join(format!("fm-fuzz-options-{}", std::process::id()));
    targets::options(data, &scratch);
});
