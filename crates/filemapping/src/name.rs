//! Object names: the `Local\` and `Global\` prefixes, case sensitivity and length limits
//! (spec §4). Platform-free.

use crate::error::{Error, ErrorKind, Result};

/// The namespace a name lives in.
///
/// `Local\` and unprefixed names are per user (on Windows: per session); `Global\` names are
/// machine-wide.
///
/// # Examples
///
/// ```
/// use filemapping::Scope;
///
/// assert_ne!(Scope::Local, Scope::Global);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// The caller's own namespace (`Local\` or no prefix).
    Local,
    /// The machine-wide namespace (`Global\`).
    Global,
}

/// The longest name, in UTF-16 code units, that the object manager accepts (spec §4, W-om
/// `test_name_limits`: 32 766 is accepted, 32 767 is `STATUS_OBJECT_NAME_INVALID`).
pub(crate) const MAX_NAME_UNITS: usize = 32_766;

/// A parsed object name: its scope and the part after the prefix (the leaf).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ObjectName {
    pub(crate) scope: Scope,
    pub(crate) leaf: String,
}

/// How a name resolved.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Parsed {
    /// An empty name: the object is unnamed (on create).
    Unnamed,
    /// A name that refers to a namespace directory itself (`Local\`, `Global\`), not an object:
    /// Windows reports `STATUS_OBJECT_TYPE_MISMATCH`.
    Directory,
    /// An object name.
    Object(ObjectName),
}

/// Parses a name as `CreateFileMappingW`/`OpenFileMappingW` resolve it (spec §4).
///
/// The prefixes are case-sensitive keywords; any other backslash is a path that does not exist
/// (`ERROR_PATH_NOT_FOUND`, rows 43–44). A leading backslash is a path syntax error
/// (`ERROR_BAD_PATHNAME`: names are relative to the namespace), and an empty component after
/// the prefix (`Local\\x`) is `ERROR_INVALID_NAME`, as the object manager reports them.
pub(crate) fn parse(name: &str) -> Result<Parsed> {
    let units = name_to_utf16(name);
    if units.len() > MAX_NAME_UNITS {
        return Err(Error::new(
            ErrorKind::InvalidName,
            format!("a name is at most {MAX_NAME_UNITS} UTF-16 units long"),
        ));
    }
    // A NUL only ever spells an unpaired surrogate, as `name_from_utf16` writes it.
    if name.contains('\0') && (units.contains(&0) || name_from_utf16(&units) != name) {
        return Err(Error::new(
            ErrorKind::InvalidName,
            "a name cannot contain NUL",
        ));
    }
    if name.is_empty() {
        return Ok(Parsed::Unnamed);
    }
    if name.starts_with('\\') {
        return Err(Error::new(
            ErrorKind::BadPathname,
            "a name cannot start with a backslash (names are relative to the namespace)",
        ));
    }
    let (scope, leaf) = match name.split_once('\\') {
        None => (Scope::Local, name),
        Some(("Local", leaf)) => (Scope::Local, leaf),
        Some(("Global", leaf)) => (Scope::Global, leaf),
        Some((prefix, _)) => return Err(path_not_found(prefix)),
    };
    match leaf.split_once('\\') {
        Some(("", _)) => {
            return Err(Error::new(
                ErrorKind::InvalidName,
                "a name cannot have an empty component (two backslashes in a row)",
            ))
        }
        Some((dir, _)) => return Err(path_not_found(dir)),
        None => {}
    }
    if leaf.is_empty() {
        return Ok(Parsed::Directory);
    }
    Ok(Parsed::Object(ObjectName {
        scope,
        leaf: leaf.to_owned(),
    }))
}

/// The name, for this crate's API, of an object named by UTF-16 code units, as Windows' `W`
/// functions take names: lossless even for units that are not valid UTF-16.
///
/// Object names on Windows are counted UTF-16 strings, and an unpaired surrogate is a valid name
/// character there; a Rust `&str` cannot hold one. Valid UTF-16 becomes the same text. Each
/// unpaired surrogate becomes U+0000 followed by its four upper-case hexadecimal digits
/// (`"\0D800"`), a spelling no other name has: names cannot contain NUL. Every function that
/// takes a name accepts this spelling (and no other NUL), and [`name_to_utf16`] turns it back;
/// on Linux the name's file in the namespace keeps it, so listing gives the same string back.
///
/// # Examples
///
/// ```
/// use filemapping::{name_from_utf16, name_to_utf16, CreateOptions, FileMapAccess, FileMapping};
///
/// assert_eq!(name_from_utf16(&[0x41, 0x42]), "AB");
/// let units = [0x61, 0xD800, 0x62]; // "a", an unpaired high surrogate, "b"
/// let name = name_from_utf16(&units);
/// assert_eq!(name, "a\0D800b");
/// assert_eq!(name_to_utf16(&name), units);
///
/// let name = format!("{name}-{}", std::process::id());
/// let (_map, _) = CreateOptions::new().name(&name).size(4096).create()?;
/// let _again = FileMapping::open(&name, FileMapAccess::READ)?;
/// # Ok::<(), filemapping::Error>(())
/// ```
#[must_use]
pub fn name_from_utf16(units: &[u16]) -> String {
    let mut out = String::with_capacity(units.len());
    for unit in std::char::decode_utf16(units.iter().copied()) {
        match unit {
            Ok(c) => out.push(c),
            Err(e) => out.push_str(&format!("\0{:04X}", e.unpaired_surrogate())),
        }
    }
    out
}

/// The UTF-16 code units of a name of this crate's API: the inverse of [`name_from_utf16`]
/// (an escaped unpaired surrogate becomes its unit again). What a Windows `W` function is
/// given for the name.
///
/// # Examples
///
/// ```
/// use filemapping::name_to_utf16;
///
/// assert_eq!(name_to_utf16("Local\\x"), "Local\\x".encode_utf16().collect::<Vec<_>>());
/// assert_eq!(name_to_utf16("\0DC00"), [0xDC00]);
/// ```
#[must_use]
pub fn name_to_utf16(name: &str) -> Vec<u16> {
    let mut out = Vec::with_capacity(name.len());
    let mut rest = name;
    while let Some(at) = rest.find('\0') {
        out.extend(rest[..at].encode_utf16());
        let escape = rest.get(at + 1..at + 5);
        match escape.and_then(|hex| u16::from_str_radix(hex, 16).ok()) {
            Some(unit) if (0xD800..=0xDFFF).contains(&unit) => {
                out.push(unit);
                rest = &rest[at + 5..];
            }
            // Not an escape: a plain NUL (which `parse` refuses).
            _ => {
                out.push(0);
                rest = &rest[at + 1..];
            }
        }
    }
    out.extend(rest.encode_utf16());
    out
}

fn path_not_found(dir: &str) -> Error {
    Error::new(
        ErrorKind::PathNotFound,
        format!(
            "\"{}\" is not a namespace (use Local\\ or Global\\, which are case-sensitive)",
            for_message(dir)
        ),
    )
}

/// A name (or part of one) for an error message: control characters escaped, since anyone may
/// create a `Global\\` name and messages reach terminals, and a long name cut.
pub(crate) fn for_message(name: &str) -> String {
    const SHOWN: usize = 200;
    let mut out = String::new();
    for c in name.chars().take(SHOWN) {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    let rest = name.chars().count().saturating_sub(SHOWN);
    if rest > 0 {
        out.push_str(&format!("… ({rest} more characters)"));
    }
    out
}

/// The name as Windows spells it, with its prefix (`Local\` or `Global\`).
impl std::fmt::Display for ObjectName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.scope {
            Scope::Local => write!(f, "Local\\{}", self.leaf),
            Scope::Global => write!(f, "Global\\{}", self.leaf),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(scope: Scope, leaf: &str) -> Parsed {
        Parsed::Object(ObjectName {
            scope,
            leaf: leaf.into(),
        })
    }

    #[test]
    fn names_in_messages_are_escaped_and_cut() {
        assert_eq!(for_message("a\x1b[31m\nb"), "a\\u{1b}[31m\\nb");
        let long = "x".repeat(250);
        assert_eq!(
            for_message(&long),
            format!("{}… (50 more characters)", "x".repeat(200))
        );
        let err = parse("Evil\x1b]0;title\x07\\y").unwrap_err();
        assert!(!err.to_string().contains('\x1b'), "{err}");
    }

    #[test]
    fn prefixes_resolve_case_sensitively() {
        assert_eq!(parse("Foo").unwrap(), object(Scope::Local, "Foo"));
        assert_eq!(parse("Local\\Foo").unwrap(), object(Scope::Local, "Foo"));
        assert_eq!(parse("Global\\Foo").unwrap(), object(Scope::Global, "Foo"));
        // Row 44: keywords are case-sensitive. Row 43: unknown directories.
        for bad in [
            "local\\Foo",
            "GLOBAL\\Foo",
            "NoSuchDir\\Foo",
            "Local\\a\\b",
            "NoSuchDir\\\\Foo",
        ] {
            assert_eq!(
                parse(bad).unwrap_err().kind(),
                ErrorKind::PathNotFound,
                "{bad}"
            );
        }
    }

    /// Issue 12 item 7: the object manager's syntax errors.
    #[test]
    fn path_syntax_errors_have_their_own_codes() {
        for (bad, kind) in [
            ("\\Foo", ErrorKind::BadPathname),
            ("\\", ErrorKind::BadPathname),
            ("\\Local\\Foo", ErrorKind::BadPathname),
            ("Local\\\\x", ErrorKind::InvalidName),
            ("Global\\\\", ErrorKind::InvalidName),
        ] {
            assert_eq!(parse(bad).unwrap_err().kind(), kind, "{bad}");
        }
    }

    #[test]
    fn unpaired_surrogates_round_trip_and_other_nuls_are_refused() {
        for units in [
            vec![0xD800],
            vec![0x61, 0xDFFF, 0x62],
            vec![0xDC00, 0xD800],
            vec![0xD83D, 0xDE00, 0xD83D],
        ] {
            let name = name_from_utf16(&units);
            assert_eq!(name_to_utf16(&name), units, "{name:?}");
            assert!(parse(&name).is_ok(), "{name:?}");
        }
        // A valid pair is the character itself, never two escapes.
        assert_eq!(name_from_utf16(&[0xD83D, 0xDE00]), "\u{1F600}");
        for bad in ["\0D83D\0DE00", "\0d800", "\0D7FF", "\0", "a\0DC0"] {
            assert_eq!(
                parse(bad).unwrap_err().kind(),
                ErrorKind::InvalidName,
                "{bad:?}"
            );
        }
        // An escape counts as the one unit it stands for.
        let at_limit = name_from_utf16(&vec![0xD800; MAX_NAME_UNITS]);
        assert!(parse(&at_limit).is_ok());
    }

    #[test]
    fn names_keep_their_case_and_odd_characters() {
        assert_eq!(
            parse("WINE TEST MAPPING").unwrap(),
            object(Scope::Local, "WINE TEST MAPPING")
        );
        assert_eq!(parse("a/b..c").unwrap(), object(Scope::Local, "a/b..c"));
        assert_eq!(parse("..").unwrap(), object(Scope::Local, ".."));
    }

    #[test]
    fn empty_names_and_directories() {
        assert_eq!(parse("").unwrap(), Parsed::Unnamed);
        assert_eq!(parse("Local\\").unwrap(), Parsed::Directory);
        assert_eq!(parse("Global\\").unwrap(), Parsed::Directory);
    }

    #[test]
    fn length_limit_is_counted_in_utf16_units() {
        let at_limit = "x".repeat(MAX_NAME_UNITS);
        assert!(parse(&at_limit).is_ok());
        let over = "x".repeat(MAX_NAME_UNITS + 1);
        assert_eq!(parse(&over).unwrap_err().kind(), ErrorKind::InvalidName);
        // One astral character is two UTF-16 units.
        let astral = "\u{1F600}".repeat(MAX_NAME_UNITS / 2 + 1);
        assert_eq!(parse(&astral).unwrap_err().kind(), ErrorKind::InvalidName);
        assert_eq!(parse("a\0b").unwrap_err().kind(), ErrorKind::InvalidName);
    }
}
