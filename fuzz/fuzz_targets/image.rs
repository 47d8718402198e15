//! The PE parser (`ImageLayout::parse`) and the base relocation parser and fixer
//! (`ImageLayout::parse_relocations`, `ImageLayout::relocate`) on any bytes.
#![no_main]

#[path = "../../crates/filemapping/tests/fuzz_corpus/targets.rs"]
mod targets;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| targets::image(data));
