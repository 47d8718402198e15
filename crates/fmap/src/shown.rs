//! Text that came from a namespace, made safe for a terminal.
//!
//! Any user can create a `Global\` name, and a name may hold any character: escape sequences
//! that recolour or move the cursor, newlines that fake table rows, bidirectional overrides that
//! reorder what is shown. Every name and path that a human-readable output shows passes through
//! [`shown`] (the JSON output escapes by construction); error messages also pass through
//! [`cut`].

use std::fmt::Write;

/// The longest text, in characters, that an error message quotes whole.
pub(crate) const MESSAGE_CHARS: usize = 240;

/// `text` with every control and invisible formatting character written as an escape:
/// `\n`, `\t`, `\r`, `\xNN` below U+0080, `\u{NNNN}` above.
pub(crate) fn shown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x80 && c.is_control() => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if c.is_control() || is_invisible_format(c) => {
                let _ = write!(out, "\\u{{{:04x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// [`shown`], cut to [`MESSAGE_CHARS`] characters with the number of the rest.
pub(crate) fn cut(text: &str) -> String {
    let safe = shown(text);
    let total = safe.chars().count();
    if total <= MESSAGE_CHARS {
        return safe;
    }
    let head: String = safe.chars().take(MESSAGE_CHARS).collect();
    format!("{head}… ({} more characters)", total - MESSAGE_CHARS)
}

/// Characters that change how the text around them is shown without being seen themselves:
/// bidirectional marks, embeddings, overrides and isolates, zero-width characters and the BOM.
fn is_invisible_format(c: char) -> bool {
    matches!(c as u32, 0x200b..=0x200f | 0x202a..=0x202e | 0x2060..=0x2069 | 0xfeff)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_text_is_unchanged() {
        assert_eq!(shown("Local\\Grüße 😀 x"), "Local\\Grüße 😀 x");
    }

    #[test]
    fn escapes_and_line_breaks_are_written_out() {
        assert_eq!(shown("a\x1b[31mb\nc\td\re"), "a\\x1b[31mb\\nc\\td\\re");
        assert_eq!(shown("\u{7f}\u{9b}"), "\\x7f\\u{009b}");
    }

    #[test]
    fn bidirectional_overrides_are_written_out() {
        assert_eq!(shown("x\u{202e}gpj.exe"), "x\\u{202e}gpj.exe");
        assert_eq!(shown("\u{feff}\u{200b}"), "\\u{feff}\\u{200b}");
    }

    #[test]
    fn long_text_is_cut_with_the_count_of_the_rest() {
        let long = "n".repeat(MESSAGE_CHARS + 10);
        let out = cut(&long);
        assert!(out.starts_with(&"n".repeat(MESSAGE_CHARS)));
        assert!(out.ends_with("… (10 more characters)"), "{out}");
        assert_eq!(cut("short"), "short");
    }
}
