//! The library's imports run one way: the API modules above `sys`, `sys` above the shared
//! plain types. This test reads the sources and fails on an import that runs the other way, or
//! on any cycle between top-level modules.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The modules at the bottom, with what each may import (only each other).
const BOTTOM: [&str; 7] = [
    "codes",
    "error",
    "granularity",
    "image",
    "name",
    "protection",
    "types",
];

/// `module -> the top-level modules its code (not its comments) names as `crate::x``.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut graph = BTreeMap::new();
    walk(&src, &src, &mut graph);
    graph
}

fn walk(src: &Path, dir: &Path, graph: &mut BTreeMap<String, BTreeSet<String>>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk(src, &path, graph);
            continue;
        }
        let relative = path
            .strip_prefix(src)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let module = relative.split('/').next().unwrap().trim_end_matches(".rs");
        if module == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let used = graph.entry(module.to_owned()).or_default();
        for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for target in line.split("crate::").skip(1).map(leading_ident) {
                if !target.is_empty() && target != module && target.starts_with(char::is_lowercase)
                {
                    used.insert(target.to_owned());
                }
            }
        }
    }
}

fn leading_ident(s: &str) -> &str {
    let end = s
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    &s[..end]
}

#[test]
fn the_shared_types_import_only_each_other() {
    let graph = imports();
    for module in BOTTOM {
        let upward: Vec<_> = graph[module]
            .iter()
            .filter(|m| !BOTTOM.contains(&m.as_str()))
            .collect();
        assert!(upward.is_empty(), "{module} imports {upward:?}, above it");
    }
}

#[test]
fn the_platform_layer_imports_only_the_shared_types() {
    let graph = imports();
    let upward: Vec<_> = graph["sys"]
        .iter()
        .filter(|m| !BOTTOM.contains(&m.as_str()))
        .collect();
    assert!(
        upward.is_empty(),
        "sys imports {upward:?} of the API above it"
    );
}

#[test]
fn no_module_imports_itself_through_others() {
    let graph = imports();
    for start in graph.keys() {
        let mut stack: Vec<&String> = graph[start].iter().collect();
        let mut seen = BTreeSet::new();
        while let Some(module) = stack.pop() {
            assert_ne!(module, start, "an import cycle runs through {start}");
            if seen.insert(module) {
                stack.extend(graph.get(module).into_iter().flatten());
            }
        }
    }
}

#[test]
fn the_reader_sees_the_crate() {
    let graph = imports();
    assert!(graph.len() >= 10, "too few modules read: {graph:?}");
    assert!(
        graph["mapping"].contains("sys"),
        "mapping must be seen importing sys"
    );
}
