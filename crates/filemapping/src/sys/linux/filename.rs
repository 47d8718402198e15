//! Maps object names to file names in a namespace directory, reversibly and safely.
//!
//! Printable ASCII stays as it is, except `/` and `%`, and a leading `.` (so `.`, `..` and hidden
//! files cannot be produced). Every other byte of the UTF-8 name becomes `%XX`. A result longer
//! than a file name may be becomes `%H` and a 128-bit hash; the full name is then kept in the
//! object's header. Case is preserved, so names stay case-sensitive (spec §4).

/// The longest file name Linux file systems take.
const NAME_MAX: usize = 255;

/// The file name for the object leaf name `leaf`.
pub(crate) fn encode(leaf: &str) -> String {
    let mut out = String::with_capacity(leaf.len());
    for (i, byte) in leaf.bytes().enumerate() {
        if keeps(byte, i == 0) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    if out.len() > NAME_MAX {
        return format!("%H{:016x}{:016x}", fnv(leaf, 0), fnv(leaf, 1));
    }
    out
}

/// The leaf name behind a file name, or `None` for hashed or foreign file names.
pub(crate) fn decode(file: &str) -> Option<String> {
    let bytes = file.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = file.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    let leaf = String::from_utf8(out).ok()?;
    (encode(&leaf) == file).then_some(leaf)
}

fn keeps(byte: u8, first: bool) -> bool {
    (byte.is_ascii_graphic() || byte == b' ')
        && byte != b'/'
        && byte != b'%'
        && !(first && byte == b'.')
}

/// FNV-1a over the name, with a different offset basis per `seed`.
fn fnv(name: &str, seed: u64) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325_u64 ^ seed.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    for byte in name.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_stay_readable() {
        assert_eq!(encode("MyFileMapping"), "MyFileMapping");
        assert_eq!(encode("Wine Test Mapping"), "Wine Test Mapping");
        assert_eq!(encode("a.b"), "a.b");
    }

    #[test]
    fn dangerous_names_are_escaped() {
        assert_eq!(encode("."), "%2E");
        assert_eq!(encode(".."), "%2E.");
        assert_eq!(encode("a/b"), "a%2Fb");
        assert_eq!(encode("100%"), "100%25");
        assert_eq!(encode("\u{e9}"), "%C3%A9");
        assert_eq!(encode("a\nb"), "a%0Ab");
    }

    #[test]
    fn case_is_kept_apart() {
        assert_ne!(encode("Foo"), encode("FOO"));
        assert_ne!(encode(&"\u{e9}".repeat(200)), encode(&"\u{c9}".repeat(200)));
    }

    #[test]
    fn round_trips() {
        for name in [
            "x",
            ".hidden",
            "..",
            "a/b\\c",
            "\u{1F600} smile",
            "%41",
            "%H00",
        ] {
            let file = encode(name);
            assert!(file.len() <= NAME_MAX && !file.contains('/'));
            assert_eq!(decode(&file).as_deref(), Some(name), "{file}");
        }
        assert_eq!(decode("%4"), None);
        assert_eq!(decode("%61"), None, "not canonical: 'a' is never escaped");
    }

    #[test]
    fn long_names_are_hashed_and_flagged() {
        let long = "n".repeat(300);
        let file = encode(&long);
        assert!(file.starts_with("%H") && file.len() == 34);
        assert_eq!(decode(&file), None);
        assert_ne!(file, encode(&"n".repeat(301)));
    }
}
