//! The header at the start of every object file: what the object is, written once before the
//! object is published and never changed after (the object file as a whole, and how builds of
//! different versions treat each other's objects: the lock protocol in `object`). A decoded
//! header is only its owner's word: openers check it against the file before using it
//! ("Headers are hostile input" and "Backing files" in the lock protocol).
//!
//! Layout (little-endian): magic (8), version (4), kind (4), protection (4), attributes (4),
//! size (8), data offset (8), backing (4), name length (4), file device (8), file inode (8),
//! path length (4), reserved (4), then the name and the backing file's path. Data of a section
//! backed by the system's memory starts at the data offset, a page boundary (a huge page
//! boundary on a tmpfs that gives huge pages). Backing: 0 the object file itself, 1 a data
//! file, 2 huge pages (a hugetlbfs file, `SEC_LARGE_PAGES`).

use std::path::PathBuf;

const MAGIC: &[u8; 8] = b"FMAPOBJ\0";
/// The layout and the lock protocol that go with it. 2: each handle holds one slot lock and
/// nothing on byte 0. A header of another version does not decode, so its object is "of another
/// type" (`ERROR_INVALID_HANDLE`); but version 1 builds decide staleness before reading the
/// header, and do remove live objects of version 2 ("Versions" in the lock protocol, `object`).
const VERSION: u32 = 2;
/// Bytes before the name.
pub(crate) const FIXED_LEN: usize = 72;

/// What type of object a file holds (one namespace for all types, DESIGN invariant 6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ObjectKind {
    Section = 1,
    Event = 2,
    Mutex = 3,
    Semaphore = 4,
}

impl ObjectKind {
    /// Every kind.
    pub(crate) const ALL: [ObjectKind; 4] = [
        ObjectKind::Section,
        ObjectKind::Event,
        ObjectKind::Mutex,
        ObjectKind::Semaphore,
    ];
}

/// Where a section's bytes live.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Store {
    /// In the object file itself, from `data_offset`.
    Memory,
    /// In a file, identified by its path and `(device, inode)`.
    File { path: PathBuf, dev: u64, ino: u64 },
    /// In huge pages (`SEC_LARGE_PAGES`): an unnamed hugetlbfs file that every handle holds,
    /// identified by `(device, inode)` and, while its creator lives, the creator's
    /// `/proc/<pid>/fd/<n>` link to it. Backing 2, which builds before it decode as foreign.
    HugeTlb { path: PathBuf, dev: u64, ino: u64 },
}

/// A decoded header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Header {
    pub(crate) kind: u32,
    pub(crate) protection: u32,
    pub(crate) attributes: u32,
    pub(crate) size: u64,
    pub(crate) data_offset: u64,
    pub(crate) name: String,
    pub(crate) store: Store,
}

/// Why a header could not be decoded.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Bad {
    /// Not one of our object files at all.
    Foreign,
    /// Ours, but the fixed part says more bytes follow: read this many and decode again.
    Short(usize),
}

impl Header {
    /// Encodes the header.
    pub(crate) fn encode(&self) -> Vec<u8> {
        let (backing, path, dev, ino) = match &self.store {
            Store::Memory => (0u32, &[][..], 0, 0),
            Store::File { path, dev, ino } => (1, path_bytes(path), *dev, *ino),
            Store::HugeTlb { path, dev, ino } => (2, path_bytes(path), *dev, *ino),
        };
        let mut out = Vec::with_capacity(FIXED_LEN + self.name.len() + path.len());
        out.extend_from_slice(MAGIC);
        for word in [VERSION, self.kind, self.protection, self.attributes] {
            out.extend_from_slice(&word.to_le_bytes());
        }
        out.extend_from_slice(&self.size.to_le_bytes());
        out.extend_from_slice(&self.data_offset.to_le_bytes());
        out.extend_from_slice(&backing.to_le_bytes());
        out.extend_from_slice(&(self.name.len() as u32).to_le_bytes());
        out.extend_from_slice(&dev.to_le_bytes());
        out.extend_from_slice(&ino.to_le_bytes());
        out.extend_from_slice(&(path.len() as u32).to_le_bytes());
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(self.name.as_bytes());
        out.extend_from_slice(path);
        out
    }

    /// The encoded length of the header.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        let path = match &self.store {
            Store::Memory => 0,
            Store::File { path, .. } | Store::HugeTlb { path, .. } => path_bytes(path).len(),
        };
        FIXED_LEN + self.name.len() + path
    }

    /// Decodes a header from the first bytes of an object file.
    pub(crate) fn decode(buf: &[u8]) -> Result<Header, Bad> {
        if buf.len() < FIXED_LEN || &buf[..8] != MAGIC || u32_at(buf, 8) != VERSION {
            return Err(Bad::Foreign);
        }
        let name_len = u32_at(buf, 44) as usize;
        let path_len = u32_at(buf, 64) as usize;
        let total = FIXED_LEN + name_len + path_len;
        if buf.len() < total {
            return Err(Bad::Short(total));
        }
        let name = std::str::from_utf8(&buf[FIXED_LEN..FIXED_LEN + name_len])
            .map_err(|_| Bad::Foreign)?
            .to_owned();
        let store = match u32_at(buf, 40) {
            0 => Store::Memory,
            1 => Store::File {
                path: path_from(&buf[FIXED_LEN + name_len..total]),
                dev: u64_at(buf, 48),
                ino: u64_at(buf, 56),
            },
            2 => Store::HugeTlb {
                path: path_from(&buf[FIXED_LEN + name_len..total]),
                dev: u64_at(buf, 48),
                ino: u64_at(buf, 56),
            },
            _ => return Err(Bad::Foreign),
        };
        Ok(Header {
            kind: u32_at(buf, 12),
            protection: u32_at(buf, 16),
            attributes: u32_at(buf, 20),
            size: u64_at(buf, 24),
            data_offset: u64_at(buf, 32),
            name,
            store,
        })
    }
}

fn path_bytes(path: &std::path::Path) -> &[u8] {
    use std::os::unix::ffi::OsStrExt;
    path.as_os_str().as_bytes()
}

fn path_from(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
}

fn u32_at(buf: &[u8], at: usize) -> u32 {
    let mut word = [0; 4];
    word.copy_from_slice(&buf[at..at + 4]);
    u32::from_le_bytes(word)
}

fn u64_at(buf: &[u8], at: usize) -> u64 {
    let mut word = [0; 8];
    word.copy_from_slice(&buf[at..at + 8]);
    u64::from_le_bytes(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(store: Store) -> Header {
        Header {
            kind: ObjectKind::Section as u32,
            protection: 4,
            attributes: 0x0800_0000,
            size: 1 << 40,
            data_offset: 4096,
            name: "Local\\caf\u{e9}".into(),
            store,
        }
    }

    #[test]
    fn round_trips() {
        for store in [
            Store::Memory,
            Store::File {
                path: "/tmp/x y".into(),
                dev: 7,
                ino: 99,
            },
            Store::HugeTlb {
                path: "/proc/1/fd/3".into(),
                dev: 8,
                ino: 100,
            },
        ] {
            let header = sample(store);
            let bytes = header.encode();
            assert_eq!(bytes.len(), header.len());
            assert_eq!(Header::decode(&bytes).unwrap(), header);
        }
    }

    #[test]
    fn short_and_foreign_input_is_reported() {
        let bytes = sample(Store::Memory).encode();
        assert_eq!(
            Header::decode(&bytes[..FIXED_LEN]),
            Err(Bad::Short(bytes.len()))
        );
        assert_eq!(Header::decode(&bytes[..10]), Err(Bad::Foreign));
        assert_eq!(Header::decode(&[0u8; 200]), Err(Bad::Foreign));
    }
}
