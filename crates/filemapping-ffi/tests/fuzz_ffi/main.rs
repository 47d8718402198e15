//! The `ffi` fuzz corpus (`fuzz/corpus/ffi/`) through the fuzz target's body on stable, so
//! `cargo test` runs every seed and every crash input ever added there. Its own test binary:
//! the inputs pass garbage handle values, which must not meet another test's handles.
#[path = "targets.rs"]
mod targets;

use std::path::PathBuf;

#[test]
fn ffi_corpus() {
    let root = std::env::temp_dir().join(format!("fm-fuzz-corpus-ffi-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    // Before the first call: the library reads the namespace root from the environment.
    std::env::set_var(filemapping::FILEMAPPING_DIR, &root);
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/ffi");
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "an empty corpus: {}", dir.display());
    for path in inputs {
        eprintln!("{}", path.display());
        targets::ffi(&std::fs::read(&path).unwrap());
    }
    let _ = std::fs::remove_dir_all(&root);
}
