//! Rendering sections for people (tables) and scripts (JSON).

use filemapping::{Backing, Entry, SectionAttributes, SectionInfo};
use serde_json::{json, Value};

/// `SEC_COMMIT|SEC_NOCACHE` style names of the attribute bits.
pub(crate) fn attributes(attrs: SectionAttributes) -> String {
    let names = [
        (SectionAttributes::FILE, "SEC_FILE"),
        (SectionAttributes::IMAGE, "SEC_IMAGE"),
        (SectionAttributes::RESERVE, "SEC_RESERVE"),
        (SectionAttributes::COMMIT, "SEC_COMMIT"),
        (SectionAttributes::NOCACHE, "SEC_NOCACHE"),
        (SectionAttributes::WRITECOMBINE, "SEC_WRITECOMBINE"),
        (SectionAttributes::LARGE_PAGES, "SEC_LARGE_PAGES"),
    ];
    let set: Vec<&str> = names
        .iter()
        .filter(|(bit, _)| attrs.contains(*bit))
        .map(|(_, name)| *name)
        .collect();
    if set.is_empty() {
        "0".to_owned()
    } else {
        set.join("|")
    }
}

/// `memory` or the backing file's path.
pub(crate) fn backing(backing: &Backing) -> String {
    match backing {
        Backing::PagingFile => "memory".to_owned(),
        Backing::File(Some(path)) => crate::shown::shown(&path.display().to_string()),
        Backing::File(None) => "file".to_owned(),
    }
}

/// A section as JSON.
pub(crate) fn info_json(info: &SectionInfo) -> Value {
    json!({
        "name": info.name(),
        "size": info.size(),
        "protection": info.protection().to_string(),
        "attributes": attributes(info.attributes()),
        "backing": backing(info.backing()),
    })
}

/// One `ls` row as JSON.
pub(crate) fn entry_json(entry: &Entry) -> Value {
    let mut value = entry.info().map_or_else(|| json!({}), info_json);
    value["name"] = json!(entry.name());
    value["handles"] = json!(entry.handle_count());
    value
}

/// A table with aligned columns.
pub(crate) fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let head: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    for row in std::iter::once(&head).chain(rows) {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_names() {
        assert_eq!(attributes(SectionAttributes::COMMIT), "SEC_COMMIT");
        let file_nocache = SectionAttributes::FILE | SectionAttributes::NOCACHE;
        assert_eq!(attributes(file_nocache), "SEC_FILE|SEC_NOCACHE");
    }

    #[test]
    fn tables_align() {
        let rows = vec![
            vec!["a".to_owned(), "1".to_owned()],
            vec!["long".to_owned(), "22".to_owned()],
        ];
        assert_eq!(table(&["N", "V"], &rows), "N     V\na     1\nlong  22\n");
    }
}
