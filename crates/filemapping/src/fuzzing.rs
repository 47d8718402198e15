//! Internals that the fuzz targets and property tests exercise directly (the non-default cargo
//! feature `fuzzing`, Linux only). Not part of the API: hidden from the documentation, and it
//! may change in any release.

use crate::error::Result;
use crate::sys::probe;
use std::path::{Path, PathBuf};

/// What the object-file header decoder made of some bytes.
///
/// # Examples
///
/// ```
/// use filemapping::fuzzing::{decode_header, HeaderProbe};
///
/// assert_eq!(decode_header(b"not an object file"), HeaderProbe::Foreign);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HeaderProbe {
    /// Not the header of an object file of this build.
    Foreign,
    /// A header whose fixed part says it is this many bytes long, more than were given.
    Short(usize),
    /// A header.
    Decoded {
        /// The object type (1 section, 2 event, 3 mutex, 4 semaphore; anything, unchecked).
        kind: u32,
        /// The size it claims.
        size: u64,
        /// Where it claims the data starts.
        data_offset: u64,
        /// The object name it records.
        name: String,
        /// The header encoded again: the decoded prefix of the bytes, reserved field zeroed.
        reencoded: Vec<u8>,
    },
}

/// Decodes `bytes` as the start of an object file, as every open does before it checks the
/// header against the file.
///
/// # Examples
///
/// ```
/// use filemapping::fuzzing::{decode_header, HeaderProbe};
///
/// let mut bytes = b"FMAPOBJ\0".to_vec();
/// bytes.extend_from_slice(&2u32.to_le_bytes()); // the layout version
/// bytes.resize(72, 0);
/// bytes[44] = 3; // a name of 3 bytes follows
/// assert_eq!(decode_header(&bytes), HeaderProbe::Short(75));
/// ```
#[must_use]
pub fn decode_header(bytes: &[u8]) -> HeaderProbe {
    match probe::decode_header(bytes) {
        Ok(header) => HeaderProbe::Decoded {
            kind: header.kind,
            size: header.size,
            data_offset: header.data_offset,
            name: header.name,
            reencoded: header.reencoded,
        },
        Err(None) => HeaderProbe::Foreign,
        Err(Some(n)) => HeaderProbe::Short(n),
    }
}

/// The object file of `name` under the namespace root `root` (a root other than the default).
///
/// # Errors
///
/// The error of a create with that name, for a bad name; `ERROR_INVALID_NAME` for an empty
/// name or a bare `Local\`/`Global\`.
///
/// # Examples
///
/// ```
/// use filemapping::fuzzing::entry_path;
///
/// let path = entry_path(std::path::Path::new("/tmp/root"), "Global\\a/b")?;
/// assert_eq!(path, std::path::Path::new("/tmp/root/filemapping-global/a%2Fb"));
/// # Ok::<(), filemapping::Error>(())
/// ```
pub fn entry_path(root: &Path, name: &str) -> Result<PathBuf> {
    probe::entry_path(root, name)
}

/// The file name that the object leaf name `leaf` (a name without its prefix) has in its
/// namespace directory.
///
/// # Examples
///
/// ```
/// use filemapping::fuzzing::file_name;
///
/// assert_eq!(file_name(".x%"), "%2Ex%25");
/// ```
#[must_use]
pub fn file_name(leaf: &str) -> String {
    probe::file_name(leaf)
}

/// The leaf name behind a file name of a namespace directory: `None` for a hashed name (too
/// long to spell out) or one that no name encodes to.
///
/// # Examples
///
/// ```
/// use filemapping::fuzzing::leaf_name;
///
/// assert_eq!(leaf_name("%2Ex%25").as_deref(), Some(".x%"));
/// assert_eq!(leaf_name("%61"), None); // 'a' is never escaped
/// ```
#[must_use]
pub fn leaf_name(file: &str) -> Option<String> {
    probe::leaf_name(file)
}
