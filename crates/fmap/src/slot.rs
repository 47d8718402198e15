//! The message slot shared by `fmap send` and `fmap recv`: the classic Windows example's
//! `wchar[1024]` at the start of a 2048-byte section, holding one NUL-terminated UTF-16LE
//! message of at most 1023 code units. An empty slot (first unit 0) means "taken".
//!
//! The sender fills the slot only when it is empty and writes the first unit last; the receiver
//! clears the slot from the end and the first unit last. So neither ever sees half a message.

use filemapping::View;
use std::sync::atomic::{fence, Ordering};

/// The name the classic example uses.
pub(crate) const DEFAULT_NAME: &str = "MyFileMapping";
/// The section size.
pub(crate) const SECTION_SIZE: u64 = 2048;
/// Code units in the slot, including the terminating NUL.
pub(crate) const UNITS: usize = 1024;

/// A message that does not fit the slot.
#[derive(Debug)]
pub(crate) struct TooLong {
    pub(crate) units: usize,
}

/// Encodes `text` for the slot, or refuses it: never truncates.
pub(crate) fn encode(text: &str) -> Result<Vec<u8>, TooLong> {
    let units: Vec<u16> = text.encode_utf16().collect();
    if units.len() >= UNITS {
        return Err(TooLong { units: units.len() });
    }
    Ok(units.iter().flat_map(|u| u.to_le_bytes()).collect())
}

/// Whether the slot is empty (the last message was taken).
pub(crate) fn is_empty(view: &View) -> filemapping::Result<bool> {
    let mut first = [0u8; 2];
    view.read_at(0, &mut first)?;
    Ok(first == [0, 0])
}

/// Puts an encoded message into an empty slot: the rest first, the first unit last.
pub(crate) fn put(view: &View, bytes: &[u8]) -> filemapping::Result<()> {
    if bytes.is_empty() {
        return Ok(());
    }
    let mut rest = bytes[2..].to_vec();
    rest.extend_from_slice(&[0, 0]);
    view.write_at(2, &rest)?;
    fence(Ordering::Release);
    view.write_at(0, &bytes[..2])
}

/// Takes the message out of the slot, if there is one, and clears the slot.
pub(crate) fn take(view: &View) -> filemapping::Result<Option<String>> {
    if is_empty(view)? {
        return Ok(None);
    }
    fence(Ordering::Acquire);
    let mut bytes = vec![0u8; UNITS * 2];
    view.read_at(0, &mut bytes)?;
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
        .take_while(|&unit| unit != 0)
        .collect();
    view.write_at(2, &vec![0u8; UNITS * 2 - 2])?;
    fence(Ordering::Release);
    view.write_at(0, &[0, 0])?;
    Ok(Some(String::from_utf16_lossy(&units)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use filemapping::{CreateOptions, FileMapAccess};

    #[test]
    fn messages_round_trip_through_the_slot() {
        let (map, _) = CreateOptions::new().size(SECTION_SIZE).create().unwrap();
        let view = map.map_view(FileMapAccess::WRITE, 0, 0).unwrap();
        assert!(take(&view).unwrap().is_none());
        for text in ["hello", "Grüße \u{1F600}", &"x".repeat(UNITS - 1)] {
            put(&view, &encode(text).unwrap()).unwrap();
            assert!(!is_empty(&view).unwrap());
            assert_eq!(take(&view).unwrap().as_deref(), Some(text));
            assert!(is_empty(&view).unwrap());
        }
    }

    #[test]
    fn long_messages_are_refused_not_truncated() {
        assert_eq!(encode(&"x".repeat(UNITS)).unwrap_err().units, UNITS);
        // An astral character takes two units.
        assert!(encode(&"\u{1F600}".repeat(UNITS / 2)).is_err());
    }
}
