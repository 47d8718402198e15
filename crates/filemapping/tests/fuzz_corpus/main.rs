//! The fuzz corpora (`fuzz/corpus/<target>/`) run through the fuzz targets' bodies on stable,
//! so `cargo test` exercises every seed and every crash input ever added there.
#[path = "targets.rs"]
mod targets;

use std::path::PathBuf;

fn corpus(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target);
    let mut inputs: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.unwrap().path();
            let data = std::fs::read(&path).unwrap();
            (path, data)
        })
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "an empty corpus: {}", dir.display());
    inputs
}

#[test]
fn name_corpus() {
    let root = std::env::temp_dir().join(format!("fm-fuzz-corpus-name-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let ns = filemapping::Namespace::at(&root);
    for (path, data) in corpus("name") {
        eprintln!("{}", path.display());
        targets::name(&data, &ns);
    }
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn image_corpus() {
    for (path, data) in corpus("image") {
        eprintln!("{}", path.display());
        targets::image(&data);
    }
}

#[cfg(target_os = "linux")]
#[test]
fn header_corpus() {
    let root = std::env::temp_dir().join(format!("fm-fuzz-corpus-header-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let ns = filemapping::Namespace::at(&root);
    for (path, data) in corpus("header") {
        eprintln!("{}", path.display());
        targets::header_decoder(&data);
        targets::object_file(&data, &ns);
    }
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn options_corpus() {
    let scratch =
        std::env::temp_dir().join(format!("fm-fuzz-corpus-options-{}", std::process::id()));
    for (path, data) in corpus("options") {
        eprintln!("{}", path.display());
        targets::options(&data, &scratch);
    }
    let _ = std::fs::remove_dir_all(&scratch);
}
