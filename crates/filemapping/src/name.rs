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
/// (`ERROR_PATH_NOT_FOUND`, rows 43–44).
pub(crate) fn parse(name: &str) -> Result<Parsed> {
    if name.encode_utf16().count() > MAX_NAME_UNITS {
        return Err(Error::new(
            ErrorKind::InvalidName,
            format!("a name is at most {MAX_NAME_UNITS} UTF-16 units long"),
        ));
    }
    if name.contains('\0') {
        return Err(Error::new(
            ErrorKind::InvalidName,
            "a name cannot contain NUL",
        ));
    }
    if name.is_empty() {
        return Ok(Parsed::Unnamed);
    }
    let (scope, leaf) = match name.split_once('\\') {
        None => (Scope::Local, name),
        Some(("Local", leaf)) => (Scope::Local, leaf),
        Some(("Global", leaf)) => (Scope::Global, leaf),
        Some((prefix, _)) => return Err(path_not_found(prefix)),
    };
    if let Some((dir, _)) = leaf.split_once('\\') {
        return Err(path_not_found(dir));
    }
    if leaf.is_empty() {
        return Ok(Parsed::Directory);
    }
    Ok(Parsed::Object(ObjectName {
        scope,
        leaf: leaf.to_owned(),
    }))
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
            "\\Foo",
        ] {
            assert_eq!(
                parse(bad).unwrap_err().kind(),
                ErrorKind::PathNotFound,
                "{bad}"
            );
        }
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
