//! The error codes of `include/filemapping.h` are the library's: every `#define ERROR_*` line
//! has the value of the library constant of the same name, and every code the library names
//! has its line.

use std::collections::BTreeMap;
use std::path::PathBuf;

/// The header's `#define ERROR_<NAME> <value>` lines, by name.
fn header_codes() -> BTreeMap<String, u32> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("include/filemapping.h");
    let text = std::fs::read_to_string(&path).expect("the header is readable");
    let mut codes = BTreeMap::new();
    for line in text.lines() {
        let mut words = line.split_whitespace();
        let (Some("#define"), Some(name), Some(value)) = (words.next(), words.next(), words.next())
        else {
            continue;
        };
        if !name.starts_with("ERROR_") {
            continue;
        }
        assert_eq!(words.next(), None, "trailing text in `{line}`");
        let value = value
            .parse()
            .unwrap_or_else(|_| panic!("a decimal in `{line}`"));
        assert!(
            codes.insert(name.to_owned(), value).is_none(),
            "{name} twice"
        );
    }
    codes
}

#[test]
fn every_header_code_is_the_library_constant() {
    let header = header_codes();
    assert!(
        header.contains_key("ERROR_SUCCESS"),
        "no error codes parsed"
    );
    for (name, &value) in &header {
        assert_eq!(
            filemapping::win32_name(value),
            Some(name.as_str()),
            "{name} is {value} in the header"
        );
    }
    // Win32 error codes are 16-bit: every code the library names is in this range.
    for code in 0..=u32::from(u16::MAX) {
        if let Some(name) = filemapping::win32_name(code) {
            assert_eq!(
                header.get(name),
                Some(&code),
                "{name} is missing in the header"
            );
        }
    }
}
