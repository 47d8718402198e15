//! Keeps the layering of the crate's doc (`# Layers` in lib.rs) true: reads the sources, finds
//! each module's imports of the others (`crate::…`, `super::…` and a child's name, in `use`
//! lines or in code; not in comments) and checks that none goes to a higher layer and that
//! they make no cycle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Module names (`cases`, `peers::id`; the root is `crate`) and what each imports.
type Graph = BTreeMap<String, BTreeSet<String>>;

/// Every module of the library (not `main.rs`, the binary) and its source.
fn sources() -> BTreeMap<String, String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = BTreeMap::new();
    collect(&src, &src, &mut out);
    out
}

fn collect(src: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(src, &path, out);
        } else if path.extension() == Some("rs".as_ref()) && path != src.join("main.rs") {
            let module = module_of(path.strip_prefix(src).unwrap());
            out.insert(module, std::fs::read_to_string(&path).unwrap());
        }
    }
}

/// `peers/mod.rs` is `peers`, `peers/id.rs` is `peers::id`, `lib.rs` is `crate`.
fn module_of(file: &Path) -> String {
    let mut segments: Vec<String> = file
        .with_extension("")
        .iter()
        .map(|s| s.to_string_lossy().into_owned())
        .collect();
    if matches!(segments.last().map(String::as_str), Some("mod" | "lib")) {
        segments.pop();
    }
    if segments.is_empty() {
        "crate".into()
    } else {
        segments.join("::")
    }
}

fn child(module: &str, segment: &str) -> String {
    if module == "crate" {
        segment.into()
    } else {
        format!("{module}::{segment}")
    }
}

fn parent(module: &str) -> String {
    module
        .rsplit_once("::")
        .map_or("crate".into(), |(p, _)| p.into())
}

/// The layer of each module, from the numbered lines of the doc's `# Layers` section: every
/// name in backticks there (but not a link's, after a `[`) is a module of that line's layer.
fn layers(lib: &str) -> BTreeMap<String, usize> {
    let doc = lib.lines().map_while(|line| line.strip_prefix("//!"));
    let section = doc.skip_while(|text| text.trim() != "# Layers").skip(1);
    let mut out = BTreeMap::new();
    let mut layer = None;
    for text in section.take_while(|text| !text.trim_start().starts_with('#')) {
        if let Some((n, _)) = text.trim_start().split_once(". ") {
            layer = n.parse::<usize>().ok().or(layer);
        }
        let spans: Vec<&str> = text.split('`').collect();
        for pair in spans
            .chunks(2)
            .filter(|pair| pair.len() == 2 && !pair[0].ends_with('['))
        {
            let layer = layer.expect("a module named before the first layer's number");
            assert!(
                out.insert(pair[1].to_owned(), layer).is_none(),
                "{} listed twice",
                pair[1]
            );
        }
    }
    out
}

/// What each module imports. This one imports only `std`, and its strings name the paths it
/// looks for: it is not read.
fn graph(sources: &BTreeMap<String, String>) -> Graph {
    let modules: BTreeSet<String> = sources.keys().cloned().collect();
    let mut graph = Graph::new();
    for (module, source) in sources {
        let source = if module == "layers" { "" } else { source };
        graph.insert(module.clone(), imports(module, source, &modules));
    }
    graph
}

fn imports(module: &str, source: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut in_tests = false;
    for line in source
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
    {
        // The crate's test modules come last: from there on, `super` is the file's module.
        in_tests |= line.trim_start().starts_with("mod tests");
        let base = if in_tests {
            module.to_owned()
        } else {
            parent(module)
        };
        for path in paths(line) {
            out.extend(resolve(module, &base, &path, modules).filter(|m| m != module));
        }
    }
    out
}

/// The paths in a line of code: identifiers joined by `::`, at least one `::` each
/// (`crate::a::B` is `["crate", "a", "B"]`, `use a::{…}` gives `["a"]`).
fn paths(line: &str) -> Vec<Vec<&str>> {
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let bytes = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts = ident(bytes[i]) && !bytes[i].is_ascii_digit();
        if !starts || (i > 0 && (ident(bytes[i - 1]) || bytes[i - 1] == b':')) {
            i += 1;
            continue;
        }
        let (mut segments, mut joined) = (Vec::new(), false);
        loop {
            let start = i;
            while i < bytes.len() && ident(bytes[i]) {
                i += 1;
            }
            segments.push(&line[start..i]);
            if !line[i..].starts_with("::") {
                break;
            }
            (i, joined) = (i + 2, true);
            if i == bytes.len() || !ident(bytes[i]) {
                break;
            }
        }
        if joined {
            out.push(segments);
        }
    }
    out
}

/// The module `path` imports from, seen from `module` (whose `super` is `parent`), if any:
/// the longest run of its first segments that names a module.
fn resolve(
    module: &str,
    parent: &str,
    path: &[&str],
    modules: &BTreeSet<String>,
) -> Option<String> {
    let (mut at, rest) = match path[0] {
        "crate" => ("crate".to_owned(), &path[1..]),
        "super" => (parent.to_owned(), &path[1..]),
        "self" => (module.to_owned(), &path[1..]),
        first if modules.contains(&child(module, first)) => (module.to_owned(), path),
        _ => return None,
    };
    for segment in rest {
        let next = child(&at, segment);
        if !modules.contains(&next) {
            break;
        }
        at = next;
    }
    Some(at)
}

#[test]
fn the_scanner_sees_every_kind_of_import() {
    let graph = graph(&sources());
    let has = |module: &str, target: &str| graph[module].contains(target);
    assert!(has("workloads", "race"), "use crate::race;");
    assert!(has("cases", "peers::shm"), "use crate::peers::shm::Need;");
    assert!(has("peers::ours", "peers::shm"), "use super::shm::{{…}};");
    assert!(has("peers", "peers::floor"), "floor::Floor in code");
    assert!(
        has("crate", "workloads") && has("wine", "wine::cases"),
        "use workloads::{{…}};"
    );
    assert!(
        has("wine", "report") && has("wine", "wine::report"),
        "crate::report, report"
    );
    assert!(!has("output", "output"), "use super::*; in its tests");
}

#[test]
fn the_doc_puts_every_module_in_a_layer() {
    let sources = sources();
    let listed: BTreeSet<String> = layers(&sources["crate"]).into_keys().collect();
    let files: BTreeSet<String> = sources.into_keys().collect();
    assert_eq!(
        listed, files,
        "the modules of the doc's # Layers, and the files"
    );
}

#[test]
fn no_module_imports_one_of_a_higher_layer() {
    let sources = sources();
    let layers = layers(&sources["crate"]);
    for (module, imports) in graph(&sources) {
        for target in imports {
            let (from, to) = (layers[&module], layers[&target]);
            assert!(
                to <= from,
                "{module} (layer {from}) imports {target} (layer {to})"
            );
        }
    }
}

#[test]
fn the_imports_make_no_cycle() {
    let mut graph = graph(&sources());
    // Takes away the modules that import none left, and those that none left imports, until
    // none goes: what stays is on a cycle or between two.
    loop {
        let imported: BTreeSet<String> = graph.values().flatten().cloned().collect();
        let off: Vec<String> = graph
            .iter()
            .filter(|(module, imports)| imports.is_empty() || !imported.contains(*module))
            .map(|(module, _)| module.clone())
            .collect();
        if off.is_empty() {
            break;
        }
        graph.retain(|module, _| !off.contains(module));
        for imports in graph.values_mut() {
            imports.retain(|import| !off.contains(import));
        }
    }
    assert!(graph.is_empty(), "cycles among {graph:?}");
}
