//! The message slot shared by `fmap send` and `fmap recv`: the classic Windows example's
//! `wchar[1024]` at the start of a 2048-byte section, holding one NUL-terminated UTF-16LE
//! message of at most 1023 code units. An empty slot (first unit 0) means "taken".
//!
//! The sender fills the slot only when it is empty and writes the first unit last; the receiver
//! clears the slot from the end and the first unit last. So neither ever sees half a message.
//!
//! The layout has no header (the classic example has none, and `fmap` talks to it), so a slot
//! is told from other data by what a sender leaves in it: a section of exactly 2048 bytes whose
//! message, when there is one, is valid UTF-16 without control characters other than tab,
//! ends with a NUL inside the slot, and is followed only by zeros. Anything else is "not a
//! sender's slot", and the receiver says so instead of printing it.

use filemapping::{
    Disposition, ErrorKind, Event, EventOptions, Mutex, MutexOptions, Namespace, View,
};
use std::sync::atomic::{fence, Ordering};

/// The synchronization objects of a slot named `N`, beside it in its namespace: the sender
/// creates them all before the mapping, so a receiver that finds the mapping finds them too.
///
/// - `N.fmap-ready` (auto-reset event): the sender sets it after it puts a message in the slot;
///   the receiver sleeps on it.
/// - `N.fmap-taken` (auto-reset event): the receiver sets it after it took a message out; the
///   sender sleeps on it.
/// - `N.fmap-sender` (mutex): the sender's main thread owns it for the whole session. The
///   receiver waits for it together with `ready`: it gets it when the sender ends (released) or
///   dies (abandoned, even by SIGKILL), so it learns that the sender is gone without polling.
/// - `N.fmap-receiver` (mutex): the receiver owns it while it reads. A second receiver finds it
///   owned and is refused (a slot has one reader: each message is printed exactly once). The
///   sender waits for it together with `taken`, and so learns that its receiver is gone.
/// - `N.fmap-arrived` (auto-reset event): a receiver sets it once it owns `N.fmap-receiver`, for
///   a sender that is waiting with no receiver to wait for.
///
/// A slot without them is a classic sender's (the Win32 example): `fmap recv` then polls.
pub(crate) struct Signals {
    pub(crate) ready: Event,
    pub(crate) taken: Event,
    pub(crate) arrived: Event,
    pub(crate) sender: Mutex,
    pub(crate) receiver: Mutex,
}

fn sibling(name: &str, what: &str) -> String {
    format!("{name}.fmap-{what}")
}

impl Signals {
    /// The objects of the slot `name`, created if missing (the sender's side), and whether the
    /// sender mutex already existed.
    pub(crate) fn create(ns: &Namespace, name: &str) -> filemapping::Result<(Signals, bool)> {
        let event = |what| {
            EventOptions::new()
                .name(&sibling(name, what))
                .namespace(ns)
                .create()
                .map(|(e, _)| e)
        };
        let mutex = |what| {
            MutexOptions::new()
                .name(&sibling(name, what))
                .namespace(ns)
                .create()
        };
        let (sender, disposition) = mutex("sender")?;
        let signals = Signals {
            ready: event("ready")?,
            taken: event("taken")?,
            arrived: event("arrived")?,
            sender,
            receiver: mutex("receiver")?.0,
        };
        Ok((signals, disposition == Disposition::OpenedExisting))
    }

    /// The objects of the slot `name` (the receiver's side); `None` if the sender made none.
    pub(crate) fn open(ns: &Namespace, name: &str) -> filemapping::Result<Option<Signals>> {
        let event = |what| Event::open_in(&sibling(name, what), ns);
        let mutex = |what| {
            filemapping::MutexOpenOptions::new(filemapping::MutexAccess::ALL_ACCESS)
                .namespace(ns)
                .open(&sibling(name, what))
        };
        let sender = match mutex("sender") {
            Ok(sender) => sender,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        Ok(Some(Signals {
            ready: event("ready")?,
            taken: event("taken")?,
            arrived: event("arrived")?,
            sender,
            receiver: mutex("receiver")?,
        }))
    }
}

/// A manual-reset event that a termination signal sets (and calls `also`), for the waits of
/// `send` and `recv` to include.
pub(crate) fn stop_on_signal(
    also: impl Fn() + Send + 'static,
) -> Result<Event, crate::failure::Failure> {
    use crate::failure::Context;
    let (stop, _) = EventOptions::new()
        .manual_reset(true)
        .create()
        .doing("cannot create an event")?;
    let setter = stop.try_clone().doing("cannot duplicate an event")?;
    crate::signals::on_termination(move || {
        let _ = setter.set();
        also();
    })?;
    Ok(stop)
}

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

/// Takes the message out of the slot, if there is one, and clears the slot; `Err` (and the
/// slot left as it is) when what is there is not a sender's message.
pub(crate) fn take(view: &View) -> filemapping::Result<Option<Result<String, NotSlot>>> {
    if is_empty(view)? {
        return Ok(None);
    }
    fence(Ordering::Acquire);
    let mut bytes = vec![0u8; UNITS * 2];
    view.read_at(0, &mut bytes)?;
    let message = match decode(&bytes) {
        Ok(message) => message,
        Err(not) => return Ok(Some(Err(not))),
    };
    view.write_at(2, &vec![0u8; UNITS * 2 - 2])?;
    fence(Ordering::Release);
    view.write_at(0, &[0, 0])?;
    Ok(Some(Ok(message)))
}

/// Whether the bytes of a text are rather 8-bit text: at least 3 units, each of two printable
/// ASCII bytes (but the last, which may end in a NUL byte). UTF-16 text has a zero byte in
/// every ASCII character.
fn looks_8_bit(bytes: &[u8]) -> bool {
    let printable = |b: u8| (0x20..0x7f).contains(&b);
    let n = bytes.len() / 2;
    n >= 3
        && bytes.chunks_exact(2).enumerate().all(|(i, pair)| {
            printable(pair[0]) && (printable(pair[1]) || (i + 1 == n && pair[1] == 0))
        })
}

/// Why some bytes are not a sender's slot.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct NotSlot(pub(crate) String);

/// Whether a section of `size` bytes (as a query reports it: whole pages) can be a slot: one
/// made with 2048 bytes.
pub(crate) fn check_size(size: u64) -> Result<(), NotSlot> {
    let page = filemapping::page_size() as u64;
    let made = SECTION_SIZE.div_ceil(page) * page;
    if size == made {
        Ok(())
    } else {
        Err(NotSlot(format!(
            "it has {size} bytes; a sender's slot is made with {SECTION_SIZE} ({made} in whole pages)"
        )))
    }
}

/// Whether an empty slot's bytes (first unit 0) are all zero, as senders and receivers leave
/// them between messages.
pub(crate) fn is_clean(bytes: &[u8]) -> bool {
    bytes.iter().all(|&b| b == 0)
}

/// The message in a full slot's bytes, if they are one.
pub(crate) fn decode(bytes: &[u8]) -> Result<String, NotSlot> {
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
        .collect();
    let Some(end) = units.iter().position(|&unit| unit == 0) else {
        return Err(NotSlot(format!(
            "no NUL ends a text in its first {} bytes",
            UNITS * 2
        )));
    };
    if units[end..].iter().any(|&unit| unit != 0) {
        return Err(NotSlot("bytes follow the end of the text".to_owned()));
    }
    let text = String::from_utf16(&units[..end])
        .map_err(|_| NotSlot("its text is not valid UTF-16".to_owned()))?;
    if text.chars().any(|c| c.is_control() && c != '\t') {
        return Err(NotSlot("its text holds control characters".to_owned()));
    }
    if looks_8_bit(&bytes[..end * 2]) {
        return Err(NotSlot(
            "it holds 8-bit text (ASCII or UTF-8), not UTF-16".to_owned(),
        ));
    }
    Ok(text)
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
            assert_eq!(take(&view).unwrap(), Some(Ok(text.to_owned())));
            assert!(is_empty(&view).unwrap());
        }
    }

    #[test]
    fn other_data_is_not_a_slot() {
        let utf16 = |text: &str| -> Vec<u8> {
            let mut bytes: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
            bytes.resize(UNITS * 2, 0);
            bytes
        };
        assert_eq!(decode(&utf16("hi there")).unwrap(), "hi there");
        let mut trailing = utf16("hi");
        trailing[100] = 7;
        assert!(decode(&trailing).is_err());
        assert!(decode(&vec![b'A'; UNITS * 2]).is_err());
        assert!(decode(&utf16("a\u{1}b")).is_err());
        let mut utf8 = b"hello, mapping".to_vec();
        utf8.resize(UNITS * 2, 0);
        assert!(decode(&utf8).is_err());
        let mut odd_utf8 = b"hello".to_vec();
        odd_utf8.resize(UNITS * 2, 0);
        assert!(decode(&odd_utf8).is_err());
        // UTF-8 text read as UTF-16 is "garbage": here an unpaired surrogate.
        let mut odd = vec![0u8; UNITS * 2];
        odd[..2].copy_from_slice(&0xd800u16.to_le_bytes());
        assert!(decode(&odd).is_err());
        assert!(check_size(1 << 20).is_err());
        assert!(check_size(filemapping::page_size() as u64).is_ok());
        assert!(is_clean(&[0; 8]) && !is_clean(&[0, 1]));
    }

    #[test]
    fn long_messages_are_refused_not_truncated() {
        assert_eq!(encode(&"x".repeat(UNITS)).unwrap_err().units, UNITS);
        // An astral character takes two units.
        assert!(encode(&"\u{1F600}".repeat(UNITS / 2)).is_err());
    }
}
