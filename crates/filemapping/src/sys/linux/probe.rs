//! What the fuzz targets and property tests reach of this backend (the `fuzzing` feature): the
//! header decoder, and where a name's object file lives under a namespace root. Nothing here
//! changes the namespace.

use super::header::{Bad, Header};
use super::{dir, filename};
use crate::error::{Error, ErrorKind, Result};
use crate::name::{self, Parsed};
use std::path::{Path, PathBuf};

/// A header that decoded: the fields a caller can check, and the header encoded again.
pub(crate) struct Decoded {
    pub(crate) kind: u32,
    pub(crate) size: u64,
    pub(crate) data_offset: u64,
    pub(crate) name: String,
    pub(crate) reencoded: Vec<u8>,
}

/// Decodes `bytes` as the start of an object file: `Ok` for a header, `Err(None)` for bytes that
/// are not one, `Err(Some(n))` when the header says it is `n` bytes long and fewer were given.
pub(crate) fn decode_header(bytes: &[u8]) -> std::result::Result<Decoded, Option<usize>> {
    match Header::decode(bytes) {
        Ok(header) => Ok(Decoded {
            kind: header.kind,
            size: header.size,
            data_offset: header.data_offset,
            reencoded: header.encode(),
            name: header.name,
        }),
        Err(Bad::Foreign) => Err(None),
        Err(Bad::Short(n)) => Err(Some(n)),
    }
}

/// The path of the object file of `name` under `root` (a root given by the caller: the default
/// root's `Local\` directory may move, see `dir`).
pub(crate) fn entry_path(root: &Path, name: &str) -> Result<PathBuf> {
    match name::parse(name)? {
        Parsed::Object(object) => Ok(root
            .join(dir::dir_name(object.scope))
            .join(filename::encode(&object.leaf))),
        _ => Err(Error::new(
            ErrorKind::InvalidName,
            "only an object name has an object file",
        )),
    }
}

/// The file name of the object leaf name `leaf` in its namespace directory.
pub(crate) fn file_name(leaf: &str) -> String {
    filename::encode(leaf)
}

/// The leaf name behind a file name of a namespace directory (`None`: hashed or not ours).
pub(crate) fn leaf_name(file: &str) -> Option<String> {
    filename::decode(file)
}
