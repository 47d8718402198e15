//! Dumps of bytes for people: `hexdump -C` and `xxd` layouts with repeated lines squeezed to
//! `*`, a C array as `xxd -i` writes it, colour on request, and highlighting of changed bytes
//! (for `fmap watch`).

use crate::cli::{Color, Format};
use std::io::{self, Write};

/// Whether to colour: `always`, `never`, or on a terminal unless `NO_COLOR` is set (to anything
/// but the empty string, as no-color.org says).
pub(crate) fn use_color(color: Color) -> bool {
    use std::io::IsTerminal;
    match color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            std::env::var_os("NO_COLOR").map_or(true, |v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}

const DIM: &str = "\x1b[2m";
const CHANGED: &str = "\x1b[1;31m";
const RESET: &str = "\x1b[0m";

/// A dump written a chunk at a time: offsets count on, and a line equal to the one before is
/// squeezed into one `*` (unless every line is asked for).
pub(crate) struct Dumper {
    format: Format,
    width: usize,
    squeeze: bool,
    color: bool,
    /// The C array's name and the total count, for `Format::C`.
    c_name: String,
    total: u64,
    /// Offset of the next byte.
    at: u64,
    previous: Option<Vec<u8>>,
    squeezing: bool,
}

impl Dumper {
    pub(crate) fn new(format: Format, width: usize, at: u64) -> Dumper {
        Dumper {
            format,
            width: width.max(1),
            squeeze: true,
            color: false,
            c_name: "mapping".to_owned(),
            total: 0,
            at,
            previous: None,
            squeezing: false,
        }
    }

    pub(crate) fn squeeze(mut self, squeeze: bool) -> Dumper {
        self.squeeze = squeeze;
        self
    }

    pub(crate) fn color(mut self, color: bool) -> Dumper {
        self.color = color;
        self
    }

    /// For the C array: its identifier (made from `name`) and how many bytes it will hold.
    pub(crate) fn c_array(mut self, name: &str, total: u64) -> Dumper {
        self.c_name = identifier(name);
        self.total = total;
        self
    }

    /// Bytes per chunk that keep lines whole: a multiple of the width near `about`.
    pub(crate) fn chunk_len(&self, about: usize) -> usize {
        (about / self.width).max(1) * self.width
    }

    /// Writes what comes before the bytes (the C array's head).
    pub(crate) fn start(&mut self, out: &mut impl Write) -> io::Result<()> {
        if let Format::C = self.format {
            writeln!(out, "unsigned char {}[] = {{", self.c_name)?;
        }
        Ok(())
    }

    /// Writes `bytes`, whose length is a multiple of the width except for the last chunk.
    pub(crate) fn chunk(&mut self, out: &mut impl Write, bytes: &[u8]) -> io::Result<()> {
        for line in bytes.chunks(self.width) {
            let repeat = self.squeeze
                && line.len() == self.width
                && self.previous.as_deref() == Some(line)
                && !matches!(self.format, Format::C);
            if repeat {
                if !self.squeezing {
                    writeln!(out, "*")?;
                    self.squeezing = true;
                }
            } else {
                self.squeezing = false;
                self.line(out, line, None)?;
                self.previous = Some(line.to_vec());
            }
            self.at += line.len() as u64;
        }
        Ok(())
    }

    /// Writes what comes after: the offset of the end after a squeezed run (as `hexdump`
    /// does), or the C array's tail.
    pub(crate) fn finish(&mut self, out: &mut impl Write) -> io::Result<()> {
        match self.format {
            Format::C => {
                writeln!(out, "}};")?;
                writeln!(out, "unsigned int {}_len = {};", self.c_name, self.total)
            }
            _ if self.squeezing => writeln!(out, "{:08x}", self.at),
            _ => Ok(()),
        }
    }

    /// One line at the current offset; `changed` marks bytes to highlight.
    pub(crate) fn line(
        &self,
        out: &mut impl Write,
        line: &[u8],
        changed: Option<&[bool]>,
    ) -> io::Result<()> {
        let is_changed = |i: usize| changed.is_some_and(|c| c.get(i).copied().unwrap_or(false));
        let paint = |i: usize, b: u8, text: String| -> String {
            if !self.color {
                text
            } else if is_changed(i) {
                format!("{CHANGED}{text}{RESET}")
            } else if b == 0 {
                format!("{DIM}{text}{RESET}")
            } else {
                text
            }
        };
        let mut hex = String::new();
        let mut text = String::new();
        for (i, &b) in line.iter().enumerate() {
            let cell = match self.format {
                Format::C => format!("0x{b:02x}"),
                _ => format!("{b:02x}"),
            };
            hex.push_str(&paint(i, b, cell));
            let last = i + 1 == line.len();
            match self.format {
                Format::Xxd if i % 2 == 1 && !last => hex.push(' '),
                Format::C => {
                    if !(last && self.at + line.len() as u64 >= self.total) {
                        hex.push(',');
                    }
                    if !last {
                        hex.push(' ');
                    }
                }
                Format::Xxd => {}
                _ if !last => hex.push(' '),
                _ => {}
            }
            let shown = if b.is_ascii_graphic() || b == b' ' {
                char::from(b)
            } else {
                '.'
            };
            text.push_str(&paint(i, b, shown.to_string()));
        }
        // Pad a short last line so the text column stays aligned.
        let full = match self.format {
            Format::Xxd => self.width * 2 + (self.width - 1) / 2,
            _ => self.width * 3 - 1,
        };
        let drawn = match self.format {
            Format::Xxd => line.len() * 2 + line.len().saturating_sub(1) / 2,
            _ => (line.len() * 3).saturating_sub(1),
        };
        let pad = " ".repeat(full.saturating_sub(drawn));
        match self.format {
            Format::C => writeln!(out, "  {hex}"),
            Format::Xxd => writeln!(out, "{:08x}: {hex}{pad}  {text}", self.at),
            _ => writeln!(out, "{:08x}  {hex}{pad}  |{text}|", self.at),
        }
    }
}

/// A C identifier from a mapping name: letters, digits and `_`, not starting with a digit.
fn identifier(name: &str) -> String {
    let mut id: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if id.is_empty() || id.starts_with(|c: char| c.is_ascii_digit()) {
        id.insert(0, '_');
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dump(format: Format, width: usize, at: u64, bytes: &[u8], squeeze: bool) -> String {
        let mut out = Vec::new();
        let mut dumper = Dumper::new(format, width, at)
            .squeeze(squeeze)
            .c_array("Local\\x", bytes.len() as u64);
        dumper.start(&mut out).unwrap();
        dumper.chunk(&mut out, bytes).unwrap();
        dumper.finish(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn hex_lines() {
        let out = dump(Format::Hex, 16, 16, b"AB\x00", true);
        assert_eq!(
            out,
            format!("00000010  41 42 00{}  |AB.|\n", " ".repeat(39))
        );
    }

    #[test]
    fn repeated_lines_are_squeezed() {
        let mut bytes = vec![0u8; 64];
        bytes.extend_from_slice(b"x");
        let out = dump(Format::Hex, 16, 0, &bytes, true);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 3, "{out}");
        assert_eq!(lines[1], "*");
        assert!(lines[2].starts_with("00000040  78"), "{out}");
        let zeros = dump(Format::Hex, 16, 0, &[0; 64], true);
        assert_eq!(zeros.lines().last(), Some("00000040"), "{zeros}");
        assert_eq!(dump(Format::Hex, 16, 0, &[0; 64], false).lines().count(), 4);
    }

    #[test]
    fn xxd_and_c() {
        let xxd = dump(Format::Xxd, 16, 0, b"hello", true);
        assert_eq!(
            xxd,
            format!("00000000: 6865 6c6c 6f{}  hello\n", " ".repeat(27))
        );
        let c = dump(Format::C, 4, 0, b"hello", true);
        assert_eq!(
            c,
            "unsigned char Local_x[] = {\n  0x68, 0x65, 0x6c, 0x6c,\n  0x6f\n};\nunsigned int Local_x_len = 5;\n"
        );
    }

    #[test]
    fn colour_marks_changes() {
        let dumper = Dumper::new(Format::Hex, 4, 0).color(true);
        let mut out = Vec::new();
        dumper.line(&mut out, b"ab", Some(&[false, true])).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains(&format!("{CHANGED}62{RESET}")), "{text:?}");
        assert!(!text.contains(&format!("{CHANGED}61")), "{text:?}");
    }
}
