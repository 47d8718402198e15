//! Base relocations (the `.reloc` directory, PE format §6.6): the places in an image that hold
//! an address computed for its `ImageBase`, and how each changes when the image moves.
//!
//! The directory is a run of blocks, each an 8-byte header (`VirtualAddress` of a 4 KiB page,
//! `SizeOfBlock` including the header) followed by 16-bit entries: a 4-bit type and a 12-bit
//! offset in the page. A block whose `SizeOfBlock` is 0 ends the directory, and so do fewer
//! than 8 bytes left after the last block (Wine's `map_image_into_view` in
//! `dlls/ntdll/unix/virtual.c` stops at both). Every other malformed block is refused with
//! `ERROR_BAD_EXE_FORMAT`: a size below the header's or past the directory's end, a page or a
//! fixed-up field outside `SizeOfImage`, a type the x86 and x64 memory managers do not know
//! (Windows' `LdrProcessRelocationBlock`, which Wine's `process_relocation_block`
//! reimplements, gives up on those too). Pure and bounds-checked: the directory is hostile
//! input.

use crate::error::{Error, ErrorKind, Result};

/// `IMAGE_REL_BASED_ABSOLUTE`: padding, changes nothing.
const ABSOLUTE: u16 = 0;
/// `IMAGE_REL_BASED_HIGH`: the high 16 bits of a 32-bit address.
const HIGH: u16 = 1;
/// `IMAGE_REL_BASED_LOW`: the low 16 bits of a 32-bit address.
const LOW: u16 = 2;
/// `IMAGE_REL_BASED_HIGHLOW`: a 32-bit address.
const HIGHLOW: u16 = 3;
/// `IMAGE_REL_BASED_HIGHADJ`: the high 16 bits, adjusted by the low 16 that the next entry holds.
const HIGHADJ: u16 = 4;
/// `IMAGE_REL_BASED_DIR64`: a 64-bit address.
const DIR64: u16 = 10;

/// What one base relocation fixes up.
///
/// # Examples
///
/// ```
/// use filemapping::RelocationKind;
///
/// assert_eq!(RelocationKind::Dir64.width(), 8);
/// assert_eq!(RelocationKind::HighLow.width(), 4);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RelocationKind {
    /// `IMAGE_REL_BASED_HIGH`: a 16-bit field that holds the high half of an address.
    High,
    /// `IMAGE_REL_BASED_LOW`: a 16-bit field that holds the low half of an address.
    Low,
    /// `IMAGE_REL_BASED_HIGHLOW`: a 32-bit address (PE32 images).
    HighLow,
    /// `IMAGE_REL_BASED_HIGHADJ`: the high half of an address whose low half (the value given)
    /// the next entry of the block holds.
    HighAdj(u16),
    /// `IMAGE_REL_BASED_DIR64`: a 64-bit address (PE32+ images).
    Dir64,
}

impl RelocationKind {
    /// How many bytes of the image the relocation changes.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::RelocationKind;
    ///
    /// assert_eq!(RelocationKind::Low.width(), 2);
    /// ```
    #[must_use]
    pub fn width(self) -> usize {
        match self {
            RelocationKind::High | RelocationKind::Low | RelocationKind::HighAdj(_) => 2,
            RelocationKind::HighLow => 4,
            RelocationKind::Dir64 => 8,
        }
    }
}

/// One base relocation: where in the image (an RVA) and what kind.
///
/// # Examples
///
/// ```
/// use filemapping::{ImageLayout, RelocationKind};
///
/// // One block for the page at RVA 0x1000: a DIR64 at offset 8, then ABSOLUTE padding.
/// let mut dir = Vec::new();
/// dir.extend_from_slice(&0x1000u32.to_le_bytes());
/// dir.extend_from_slice(&12u32.to_le_bytes());
/// dir.extend_from_slice(&0xa008u16.to_le_bytes());
/// dir.extend_from_slice(&0u16.to_le_bytes());
/// let relocations = ImageLayout::parse_relocations(&dir, 0x2000).unwrap();
/// assert_eq!(relocations.len(), 1);
/// assert_eq!(relocations[0].rva(), 0x1008);
/// assert_eq!(relocations[0].kind(), RelocationKind::Dir64);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Relocation {
    rva: u32,
    kind: RelocationKind,
}

impl Relocation {
    /// The RVA of the field it fixes up.
    #[must_use]
    pub fn rva(&self) -> u32 {
        self.rva
    }

    /// What kind of field that is.
    #[must_use]
    pub fn kind(&self) -> RelocationKind {
        self.kind
    }

    /// Adds `delta` (the new base minus the one the image was built for) to the field at
    /// `at` in `bytes`, with the wrap-around of the field's width. Returns `false`, changing
    /// nothing, if the field does not lie inside `bytes`.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::ImageLayout;
    ///
    /// let mut dir = Vec::new();
    /// dir.extend_from_slice(&0u32.to_le_bytes());
    /// dir.extend_from_slice(&10u32.to_le_bytes());
    /// dir.extend_from_slice(&0x3004u16.to_le_bytes()); // HIGHLOW at RVA 4
    /// let fixup = ImageLayout::parse_relocations(&dir, 0x1000).unwrap()[0];
    /// let mut page = [0u8; 8];
    /// page[4..8].copy_from_slice(&0x1000_2000u32.to_le_bytes());
    /// assert!(fixup.apply(&mut page, 4, 0x10_0000));
    /// assert_eq!(u32::from_le_bytes(page[4..8].try_into().unwrap()), 0x1010_2000);
    /// assert!(!fixup.apply(&mut page, 6, 1));
    /// ```
    #[must_use]
    pub fn apply(&self, bytes: &mut [u8], at: usize, delta: i64) -> bool {
        let field = match at
            .checked_add(self.kind.width())
            .and_then(|end| bytes.get_mut(at..end))
        {
            Some(field) => field,
            None => return false,
        };
        let delta = delta as u64;
        match self.kind {
            RelocationKind::High => add16(field, (delta >> 16) as u16),
            RelocationKind::Low => add16(field, delta as u16),
            RelocationKind::HighAdj(low) => {
                let high = u32::from(u16::from_le_bytes([field[0], field[1]]));
                let value = (high << 16)
                    .wrapping_add(low as i16 as i32 as u32)
                    .wrapping_add(delta as u32)
                    .wrapping_add(0x8000);
                field.copy_from_slice(&((value >> 16) as u16).to_le_bytes());
            }
            RelocationKind::HighLow => {
                let old = u32::from_le_bytes([field[0], field[1], field[2], field[3]]);
                field.copy_from_slice(&old.wrapping_add(delta as u32).to_le_bytes());
            }
            RelocationKind::Dir64 => {
                let mut raw = [0u8; 8];
                raw.copy_from_slice(field);
                let old = u64::from_le_bytes(raw);
                field.copy_from_slice(&old.wrapping_add(delta).to_le_bytes());
            }
        }
        true
    }
}

fn add16(field: &mut [u8], delta: u16) {
    let old = u16::from_le_bytes([field[0], field[1]]);
    field.copy_from_slice(&old.wrapping_add(delta).to_le_bytes());
}

fn bad(why: &str) -> Error {
    Error::new(
        ErrorKind::BadExeFormat,
        format!("not a valid executable image: {why}"),
    )
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    let b = bytes.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes([b[0], b[1]]))
}

/// Parses the relocation directory `dir` of an image of `size_of_image` bytes (see the module
/// documentation for what is refused).
pub(crate) fn parse(dir: &[u8], size_of_image: u32) -> Result<Vec<Relocation>> {
    let mut out = Vec::new();
    let mut at = 0usize;
    while dir.len() - at >= 8 {
        let (page, size) = match (u32_at(dir, at), u32_at(dir, at + 4)) {
            (Some(page), Some(size)) => (page, size as usize),
            _ => break,
        };
        if size == 0 {
            break;
        }
        if size < 8 || size > dir.len() - at {
            return Err(bad("a relocation block's size is out of range"));
        }
        if page >= size_of_image {
            return Err(bad("a relocation block lies outside SizeOfImage"));
        }
        parse_block(&dir[at + 8..at + size], page, size_of_image, &mut out)?;
        at += size;
    }
    Ok(out)
}

/// Appends the relocations of one block's `entries` (for the page at RVA `page`) to `out`.
fn parse_block(
    entries: &[u8],
    page: u32,
    size_of_image: u32,
    out: &mut Vec<Relocation>,
) -> Result<()> {
    let count = entries.len() / 2;
    let mut i = 0;
    while i < count {
        let entry = u16_at(entries, 2 * i).unwrap_or(0);
        let rva = u64::from(page) + u64::from(entry & 0xfff);
        let kind = match entry >> 12 {
            ABSOLUTE => None,
            HIGH => Some(RelocationKind::High),
            LOW => Some(RelocationKind::Low),
            HIGHLOW => Some(RelocationKind::HighLow),
            DIR64 => Some(RelocationKind::Dir64),
            HIGHADJ => {
                i += 1;
                match u16_at(entries, 2 * i).filter(|_| i < count) {
                    Some(low) => Some(RelocationKind::HighAdj(low)),
                    None => return Err(bad("a HIGHADJ relocation ends its block")),
                }
            }
            _ => return Err(bad("an unknown relocation type")),
        };
        i += 1;
        if let Some(kind) = kind {
            if rva + kind.width() as u64 > u64::from(size_of_image) {
                return Err(bad("a relocation lies outside SizeOfImage"));
            }
            out.push(Relocation {
                rva: rva as u32,
                kind,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(page: u32, entries: &[u16]) -> Vec<u8> {
        let mut b = page.to_le_bytes().to_vec();
        b.extend_from_slice(&(8 + 2 * entries.len() as u32).to_le_bytes());
        for e in entries {
            b.extend_from_slice(&e.to_le_bytes());
        }
        b
    }

    #[test]
    fn blocks_parse_until_a_zero_size_or_the_end() {
        let mut dir = block(0x1000, &[0xa010, 0x0000]);
        dir.extend(block(0x2000, &[0x3ff0]));
        dir.extend([0u8; 8]); // terminator
        dir.extend(block(0x3000, &[0xa000])); // after the terminator: ignored
        let r = parse(&dir, 0x4000).unwrap();
        assert_eq!(
            r,
            [
                Relocation {
                    rva: 0x1010,
                    kind: RelocationKind::Dir64
                },
                Relocation {
                    rva: 0x2ff0,
                    kind: RelocationKind::HighLow
                }
            ]
        );
        assert_eq!(parse(&dir[..dir.len() - 3], 0x4000).unwrap().len(), 2);
    }

    #[test]
    fn malformed_blocks_are_bad_exe_format() {
        let bad_dirs: Vec<Vec<u8>> = vec![
            // SizeOfBlock below the header.
            [0x1000u32.to_le_bytes(), 4u32.to_le_bytes()].concat(),
            // SizeOfBlock past the directory.
            [0x1000u32.to_le_bytes(), 64u32.to_le_bytes()].concat(),
            // The page outside the image.
            block(0x8000, &[0xa000]),
            // A field that runs past SizeOfImage.
            block(0x3000, &[0xaffc]),
            // An unknown type.
            block(0x1000, &[0x5000]),
            // HIGHADJ without its second entry.
            block(0x1000, &[0x4000]),
        ];
        for dir in bad_dirs {
            let err = parse(&dir, 0x4000).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::BadExeFormat, "{dir:x?}");
        }
    }

    #[test]
    fn each_kind_adds_the_delta_with_its_width() {
        let fix = |kind, bytes: &[u8], delta| {
            let mut b = bytes.to_vec();
            assert!(Relocation { rva: 0, kind }.apply(&mut b, 0, delta));
            b
        };
        let dir64 = fix(
            RelocationKind::Dir64,
            &0x1_8000_1000u64.to_le_bytes(),
            -0x1000,
        );
        assert_eq!(dir64, 0x1_8000_0000u64.to_le_bytes());
        let highlow = fix(RelocationKind::HighLow, &0xffff_fff0u32.to_le_bytes(), 0x20);
        assert_eq!(highlow, 0x10u32.to_le_bytes());
        let high = fix(RelocationKind::High, &0x1000u16.to_le_bytes(), 0x0002_0000);
        assert_eq!(high, 0x1002u16.to_le_bytes());
        let low = fix(RelocationKind::Low, &0x1000u16.to_le_bytes(), 0x0002_0010);
        assert_eq!(low, 0x1010u16.to_le_bytes());
        // 0x1234_7000 + 0x0001_8000 = 0x1235_f000, whose low half reads as negative: the
        // adjusted high half is 0x1236.
        let adj = fix(
            RelocationKind::HighAdj(0x7000),
            &0x1234u16.to_le_bytes(),
            0x0001_8000,
        );
        assert_eq!(adj, 0x1236u16.to_le_bytes());
    }

    #[test]
    fn hostile_bytes_never_panic() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for round in 0..2000 {
            let len = round % 97;
            let dir: Vec<u8> = (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    state as u8
                })
                .collect();
            if let Ok(relocations) = parse(&dir, 0x3000) {
                let mut image = vec![0u8; 0x3000];
                for r in relocations {
                    assert!(r.apply(&mut image, r.rva() as usize, -7));
                }
            }
        }
    }
}
