//! The layout of a PE image (`SEC_IMAGE`, spec §2.4, §6.1): where the memory manager puts the
//! headers and each section of a PE32 or PE32+ file, and with which protection. Platform-free:
//! the Linux backend builds image views from it, `fmap info` lists it.
//!
//! The headers are read with the `object` crate's PE reader; this module adds the checks the
//! memory manager makes before it maps an image, so that every malformed file is
//! `ERROR_BAD_EXE_FORMAT` and never a panic or an out-of-range access (image files belong to
//! whoever wrote them: this is hostile input).
//!
//! The layout follows Windows' memory manager as Wine reimplements it: the view is
//! `SizeOfImage` bytes; the headers (`SizeOfHeaders` bytes of the file, the rest of their last
//! page zero) are read-only; each section's raw data lies at its RVA, read from the file at
//! `PointerToRawData` rounded down to a 512-byte sector, `SizeOfRawData` rounded up to one and
//! cut to the section's virtual size, and the rest of its pages are zero; its pages take the
//! protection its characteristics give (a section that holds the entry point is executable).
//! Pages that no section covers keep the view's `PAGE_EXECUTE_WRITECOPY`. An image whose
//! section alignment is below the page size is mapped flat: the file as it is, every page
//! `PAGE_EXECUTE_WRITECOPY`.

use crate::error::{Error, ErrorKind, Result};
use crate::protection::ViewProtection;
use object::pe;
use object::read::pe::{DataDirectories, ImageNtHeaders, ImageOptionalHeader};
use object::LittleEndian as LE;

mod relocation;

pub use relocation::{Relocation, RelocationKind};

/// How much of the start of a file the parser reads: the DOS header, the NT headers and the
/// section table must lie in it.
pub const HEADER_LIMIT: usize = 64 * 1024;

/// The sector size that section file offsets are rounded to, whatever the file alignment.
const SECTOR: u64 = 0x200;

const SCN_MEM_EXECUTE: u32 = 0x2000_0000;
const SCN_MEM_READ: u32 = 0x4000_0000;
const SCN_MEM_WRITE: u32 = 0x8000_0000;

/// The layout of a PE image: what a `SEC_IMAGE` view shows.
///
/// # Examples
///
/// ```
/// use filemapping::{ErrorKind, ImageLayout};
///
/// let err = ImageLayout::parse(b"not an image", 12).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::BadExeFormat);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageLayout {
    machine: u16,
    pe32_plus: bool,
    image_base: u64,
    size_of_image: u32,
    header_size: u32,
    section_alignment: u32,
    file_alignment: u32,
    entry_point: u32,
    flat: bool,
    file_characteristics: u16,
    dll_characteristics: u16,
    /// The base relocation directory `(RVA, size)`, when it lies inside the image.
    relocation_directory: Option<(u32, u32)>,
    /// Where the optional header's `ImageBase` field lies (an offset in the file and view).
    image_base_offset: u32,
    dynamically_relocated: bool,
    sections: Vec<ImageSection>,
}

/// One section of an image, as the memory manager places it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageSection {
    name: String,
    virtual_address: u32,
    /// The section's size in memory (`VirtualSize`, or `SizeOfRawData` if that is 0).
    map_size: u32,
    /// Where its bytes start in the file (`PointerToRawData` rounded down to a sector).
    file_offset: u64,
    /// How many bytes of the file it shows (0: all zero).
    file_size: u64,
    characteristics: u32,
    protection: ViewProtection,
}

impl ImageSection {
    /// The section's name (the 8 bytes of its header, up to the first NUL).
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its address relative to the image's base (RVA).
    #[must_use]
    pub fn virtual_address(&self) -> u32 {
        self.virtual_address
    }

    /// Its size in memory: `VirtualSize`, or `SizeOfRawData` when that is 0.
    #[must_use]
    pub fn virtual_size(&self) -> u32 {
        self.map_size
    }

    /// The offset in the file of the bytes it shows.
    #[must_use]
    pub fn file_offset(&self) -> u64 {
        self.file_offset
    }

    /// How many bytes of the file it shows; the rest of its pages are zero.
    #[must_use]
    pub fn file_size(&self) -> u64 {
        self.file_size
    }

    /// Its `IMAGE_SCN_*` characteristics.
    #[must_use]
    pub fn characteristics(&self) -> u32 {
        self.characteristics
    }

    /// The protection of its pages in a `SEC_IMAGE` view.
    #[must_use]
    pub fn protection(&self) -> ViewProtection {
        self.protection
    }
}

fn bad(why: &str) -> Error {
    Error::new(
        ErrorKind::BadExeFormat,
        format!("not a valid executable image: {why}"),
    )
}

fn round_up(n: u64, to: u64) -> u64 {
    // `to` is a power of two at most 2^31 and `n` below 2^33: no overflow.
    (n + to - 1) & !(to - 1)
}

/// The protection that section characteristics give (`PAGE_EXECUTE` alone, which views cannot
/// hold, counts as `PAGE_EXECUTE_READ`).
fn protection_of(characteristics: u32) -> ViewProtection {
    let read = characteristics & SCN_MEM_READ != 0;
    let write = characteristics & SCN_MEM_WRITE != 0;
    let exec = characteristics & SCN_MEM_EXECUTE != 0;
    match (read, write, exec) {
        (_, true, true) => ViewProtection::ExecuteWriteCopy,
        (_, false, true) => ViewProtection::ExecuteRead,
        (_, true, false) => ViewProtection::WriteCopy,
        (true, false, false) => ViewProtection::ReadOnly,
        (false, false, false) => ViewProtection::NoAccess,
    }
}

/// The same protection without execute (`SEC_IMAGE_NO_EXECUTE`).
fn without_execute(p: ViewProtection) -> ViewProtection {
    match p {
        ViewProtection::ExecuteRead => ViewProtection::ReadOnly,
        ViewProtection::ExecuteReadWrite => ViewProtection::ReadWrite,
        ViewProtection::ExecuteWriteCopy => ViewProtection::WriteCopy,
        other => other,
    }
}

impl ImageLayout {
    /// Parses an image from `head`, the first bytes of a file of `file_len` bytes (at least
    /// the first [`HEADER_LIMIT`] of them, or the whole file if it is shorter).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::BadExeFormat`] for anything that is not a PE32 or PE32+ image the memory
    /// manager would map: no `MZ` or `PE` signature, an unknown optional header, headers or a
    /// section table outside `head`, bad alignments, sections outside `SizeOfImage`, out of
    /// order or overlapping, or whose raw data lies past the end of the file (a truncated
    /// file).
    pub fn parse(head: &[u8], file_len: u64) -> Result<ImageLayout> {
        let head = &head[..head.len().min(HEADER_LIMIT)];
        let magic = object::read::pe::optional_header_magic(head)
            .map_err(|_| bad("no MZ and PE headers"))?;
        match magic {
            pe::IMAGE_NT_OPTIONAL_HDR32_MAGIC => parse_as::<pe::ImageNtHeaders32>(head, file_len),
            pe::IMAGE_NT_OPTIONAL_HDR64_MAGIC => parse_as::<pe::ImageNtHeaders64>(head, file_len),
            _ => Err(bad("an unknown optional header")),
        }
    }

    /// Reads and parses the image in `file` (its first [`HEADER_LIMIT`] bytes), without
    /// moving the file's position.
    ///
    /// # Errors
    ///
    /// As [`ImageLayout::parse`], and the I/O errors of reading the file.
    pub fn from_path(path: &std::path::Path) -> Result<ImageLayout> {
        use std::io::Read;
        let io = |e: std::io::Error| {
            let err = Error::new(ErrorKind::Other, format!("cannot read the image: {e}"));
            match e.raw_os_error() {
                Some(code) => err.with_os_error(code),
                None => err,
            }
        };
        let file = std::fs::File::open(path).map_err(io)?;
        let len = file.metadata().map_err(io)?.len();
        let mut head = Vec::new();
        file.take(HEADER_LIMIT as u64)
            .read_to_end(&mut head)
            .map_err(io)?;
        ImageLayout::parse(&head, len)
    }

    /// The `IMAGE_FILE_MACHINE_*` the image is for.
    #[must_use]
    pub fn machine(&self) -> u16 {
        self.machine
    }

    /// Whether it is PE32+ (64-bit), not PE32.
    #[must_use]
    pub fn is_pe32_plus(&self) -> bool {
        self.pe32_plus
    }

    /// The preferred base address (`ImageBase`).
    #[must_use]
    pub fn image_base(&self) -> u64 {
        self.image_base
    }

    /// The size of a view of the image (`SizeOfImage`).
    #[must_use]
    pub fn size_of_image(&self) -> u32 {
        self.size_of_image
    }

    /// How many bytes of headers a view shows: `SizeOfHeaders`, or the file's length if the
    /// file is shorter.
    #[must_use]
    pub fn header_size(&self) -> u32 {
        self.header_size
    }

    /// `SectionAlignment`.
    #[must_use]
    pub fn section_alignment(&self) -> u32 {
        self.section_alignment
    }

    /// `FileAlignment`.
    #[must_use]
    pub fn file_alignment(&self) -> u32 {
        self.file_alignment
    }

    /// The RVA of the entry point.
    #[must_use]
    pub fn entry_point(&self) -> u32 {
        self.entry_point
    }

    /// Whether the image is mapped flat (section alignment below the page size): the file as
    /// it is, every page `PAGE_EXECUTE_WRITECOPY`.
    #[must_use]
    pub fn is_flat(&self) -> bool {
        self.flat
    }

    /// The sections, in the file's order.
    #[must_use]
    pub fn sections(&self) -> &[ImageSection] {
        &self.sections
    }

    /// The file header's `IMAGE_FILE_*` characteristics.
    #[must_use]
    pub fn file_characteristics(&self) -> u16 {
        self.file_characteristics
    }

    /// The optional header's `IMAGE_DLLCHARACTERISTICS_*`.
    #[must_use]
    pub fn dll_characteristics(&self) -> u16 {
        self.dll_characteristics
    }

    /// Whether the image is a DLL (`IMAGE_FILE_DLL`).
    #[must_use]
    pub fn is_dll(&self) -> bool {
        self.file_characteristics & pe::IMAGE_FILE_DLL != 0
    }

    /// Whether the file says its relocations were stripped (`IMAGE_FILE_RELOCS_STRIPPED`).
    #[must_use]
    pub fn relocations_stripped(&self) -> bool {
        self.file_characteristics & pe::IMAGE_FILE_RELOCS_STRIPPED != 0
    }

    /// Whether the memory manager moves the image to a base of its own choosing
    /// (`ImageDynamicallyRelocated` of `SECTION_IMAGE_INFORMATION`): an image with
    /// `IMAGE_DLLCHARACTERISTICS_DYNAMIC_BASE` that is not mapped flat, has relocations or
    /// code, and is not a .NET image. A DLL such as this is relocated, once, for a base the
    /// system picks, and every view of it shows that copy (spec §6.1).
    #[must_use]
    pub fn is_dynamically_relocated(&self) -> bool {
        self.dynamically_relocated
    }

    /// The base relocation directory as `(RVA, size)`, when the image has one inside
    /// `SizeOfImage`.
    #[must_use]
    pub fn relocation_directory(&self) -> Option<(u32, u32)> {
        self.relocation_directory
    }

    /// Where the optional header's `ImageBase` field lies in the file and in a view, and how
    /// many bytes it has (8 for PE32+, 4 for PE32).
    #[must_use]
    pub fn image_base_field(&self) -> (u32, usize) {
        (self.image_base_offset, if self.pe32_plus { 8 } else { 4 })
    }

    /// Parses the base relocation directory `dir` (its bytes as a view of the image shows
    /// them) of an image of `size_of_image` bytes.
    ///
    /// A block whose `SizeOfBlock` is 0, or fewer than 8 bytes after the last block, end the
    /// directory.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::BadExeFormat`] for a block whose size is below its header's or runs past
    /// `dir`, a page or a fixed-up field outside `size_of_image`, a relocation type other
    /// than `ABSOLUTE`, `HIGH`, `LOW`, `HIGHLOW`, `HIGHADJ` and `DIR64`, or a `HIGHADJ`
    /// without the entry that follows it.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{ErrorKind, ImageLayout};
    ///
    /// let mut dir = 0x1000u32.to_le_bytes().to_vec();
    /// dir.extend_from_slice(&10u32.to_le_bytes());
    /// dir.extend_from_slice(&0x5000u16.to_le_bytes()); // type 5: not an x86/x64 type
    /// let err = ImageLayout::parse_relocations(&dir, 0x2000).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::BadExeFormat);
    /// ```
    pub fn parse_relocations(dir: &[u8], size_of_image: u32) -> Result<Vec<Relocation>> {
        relocation::parse(dir, size_of_image)
    }

    /// Relocates `image`, a whole view's bytes laid out as [`ImageLayout::file_pieces`] says,
    /// from the image's `ImageBase` to `base`: every relocation applied and the headers'
    /// `ImageBase` set to `base`, as the memory manager does for a dynamically relocated
    /// image. Nothing changes when `base` is the image's own base, nor in a flat image (which
    /// is never relocated).
    ///
    /// # Errors
    ///
    /// As [`ImageLayout::parse_relocations`], and [`ErrorKind::BadExeFormat`] if `image` is
    /// shorter than `SizeOfImage`; `image` is unchanged then.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{ErrorKind, ImageLayout};
    ///
    /// let err = ImageLayout::parse(b"MZ", 2).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::BadExeFormat);
    /// ```
    pub fn relocate(&self, image: &mut [u8], base: u64) -> Result<()> {
        let delta = base.wrapping_sub(self.image_base) as i64;
        if delta == 0 || self.flat {
            return Ok(());
        }
        if image.len() < self.size_of_image as usize {
            return Err(bad("the image is shorter than SizeOfImage"));
        }
        let relocations = match self.relocation_directory {
            Some((va, size)) => {
                let dir = &image[va as usize..(va + size) as usize];
                relocation::parse(dir, self.size_of_image)?
            }
            None => Vec::new(),
        };
        for r in &relocations {
            // parse() kept every field inside SizeOfImage, which `image` covers.
            let _ = r.apply(image, r.rva() as usize, delta);
        }
        let (at, width) = self.image_base_field();
        if let Some(field) = image.get_mut(at as usize..at as usize + width) {
            field.copy_from_slice(&base.to_le_bytes()[..width]);
        }
        Ok(())
    }

    /// The protection of each page (of `page` bytes, a power of two) of a view of the image;
    /// `no_execute` drops execute from all of them (`SEC_IMAGE_NO_EXECUTE`).
    #[must_use]
    pub fn page_protections(&self, page: usize, no_execute: bool) -> Vec<ViewProtection> {
        let page = page as u64;
        let pages = (round_up(u64::from(self.size_of_image), page) / page) as usize;
        let mut table = vec![ViewProtection::ExecuteWriteCopy; pages];
        if !self.flat {
            let mut set = |start: u64, size: u64, p: ViewProtection| {
                let first = (start / page) as usize;
                let last = ((round_up(start + size, page) / page) as usize).min(pages);
                for slot in table.iter_mut().take(last).skip(first) {
                    *slot = p;
                }
            };
            set(0, u64::from(self.header_size), ViewProtection::ReadOnly);
            for s in &self.sections {
                set(
                    u64::from(s.virtual_address),
                    u64::from(s.map_size),
                    s.protection,
                );
            }
        }
        if no_execute {
            for p in &mut table {
                *p = without_execute(*p);
            }
        }
        table
    }

    /// The pieces of the file a view shows: `(offset in the view, offset in the file, length)`,
    /// in view order; every other byte of the view is zero. The pieces lie inside
    /// `SizeOfImage` and do not overlap; a piece may reach past the end of the file by less
    /// than a sector (those bytes are zero too).
    #[must_use]
    pub fn file_pieces(&self) -> Vec<(u64, u64, u64)> {
        let image = u64::from(self.size_of_image);
        if self.flat {
            return vec![(0, 0, image)];
        }
        let mut pieces = vec![(0, 0, u64::from(self.header_size))];
        for s in &self.sections {
            if s.file_size > 0 {
                pieces.push((u64::from(s.virtual_address), s.file_offset, s.file_size));
            }
        }
        pieces
    }
}

fn parse_as<H: ImageNtHeaders>(head: &[u8], file_len: u64) -> Result<ImageLayout> {
    let dos = pe::ImageDosHeader::parse(head).map_err(|_| bad("no MZ header"))?;
    let mut offset = u64::from(dos.nt_headers_offset());
    let nt_offset = offset;
    let (nt, dirs) = H::parse(head, &mut offset).map_err(|_| bad("bad NT headers"))?;
    let table = nt
        .sections(head, offset)
        .map_err(|_| bad("the section table is outside the headers"))?;
    let opt = nt.optional_header();
    let section_alignment = opt.section_alignment();
    let file_alignment = opt.file_alignment();
    let size_of_image = opt.size_of_image();
    if !section_alignment.is_power_of_two() || !file_alignment.is_power_of_two() {
        return Err(bad("an alignment is not a power of two"));
    }
    if file_alignment > section_alignment {
        return Err(bad(
            "the file alignment is larger than the section alignment",
        ));
    }
    if size_of_image == 0 {
        return Err(bad("SizeOfImage is 0"));
    }
    let header_size = u64::from(opt.size_of_headers()).min(file_len);
    if header_size == 0 || header_size > u64::from(size_of_image) {
        return Err(bad("the headers are empty or larger than the image"));
    }
    // Windows' page size: images are laid out for it on every host.
    let flat = section_alignment < 4096;
    if flat && file_alignment != section_alignment {
        return Err(bad("a flat image needs equal file and section alignments"));
    }
    let image = u64::from(size_of_image);
    let sector_end = round_up(file_len, SECTOR);
    let mut sections = Vec::with_capacity(table.len());
    let mut next_free = round_up(header_size, 4096);
    for header in table.iter() {
        let va = u64::from(header.virtual_address.get(LE));
        let vsize = u64::from(header.virtual_size.get(LE));
        let raw_ptr = u64::from(header.pointer_to_raw_data.get(LE));
        let raw_size = u64::from(header.size_of_raw_data.get(LE));
        let map_size = if vsize == 0 { raw_size } else { vsize };
        if flat && va != raw_ptr {
            return Err(bad("a flat image's section is not at its file offset"));
        }
        let end = va + map_size;
        if round_up(end, 4096) > round_up(image, 4096) {
            return Err(bad("a section lies outside SizeOfImage"));
        }
        if !flat && va < next_free {
            return Err(bad("sections overlap each other or the headers"));
        }
        next_free = round_up(end, 4096);
        let file_offset = raw_ptr & !(SECTOR - 1);
        let mut file_size = round_up(raw_size + (raw_ptr & (SECTOR - 1)), SECTOR).min(map_size);
        if raw_ptr == 0 {
            file_size = 0;
        }
        if file_size > 0 && (raw_ptr >= file_len || file_offset + file_size > sector_end) {
            return Err(bad("a section's data lies past the end of the file"));
        }
        let characteristics = header.characteristics.get(LE);
        let mut protection = protection_of(characteristics);
        let entry = u64::from(opt.address_of_entry_point());
        if entry >= va && entry < round_up(end, 4096) && entry != 0 {
            protection = with_execute(protection);
        }
        let raw_name = &header.name[..];
        let name_len = raw_name
            .iter()
            .position(|b| *b == 0)
            .unwrap_or(raw_name.len());
        sections.push(ImageSection {
            name: String::from_utf8_lossy(&raw_name[..name_len]).into_owned(),
            virtual_address: va as u32,
            map_size: map_size as u32,
            file_offset,
            file_size,
            characteristics,
            protection,
        });
    }
    if flat && image > round_up(file_len, 4096) {
        return Err(bad("a flat image is larger than its file"));
    }
    let file_characteristics = nt.file_header().characteristics.get(LE);
    let dll_characteristics = opt.dll_characteristics();
    let relocation_directory = directory(&dirs, pe::IMAGE_DIRECTORY_ENTRY_BASERELOC, size_of_image);
    let contains_code = opt.size_of_code() != 0
        || opt.address_of_entry_point() != 0
        || sections
            .iter()
            .any(|s| s.characteristics & SCN_MEM_EXECUTE != 0);
    let has_relocations = relocation_directory.is_some()
        && file_characteristics & pe::IMAGE_FILE_RELOCS_STRIPPED == 0;
    let clr = directory(&dirs, pe::IMAGE_DIRECTORY_ENTRY_COM_DESCRIPTOR, u32::MAX).is_some();
    // Wine's get_image_params (server/mapping.c) sets ImageDynamicallyRelocated on these
    // terms, which its loader tests check against Windows' NtQuerySection.
    let dynamically_relocated = !flat
        && dll_characteristics & pe::IMAGE_DLLCHARACTERISTICS_DYNAMIC_BASE != 0
        && (has_relocations || contains_code)
        && !clr;
    // The NT headers lie inside `head` (H::parse checked it), so the offset fits in 32 bits.
    let image_base_offset = nt_offset as u32 + 4 + 20 + if nt.is_type_64() { 24 } else { 28 };
    Ok(ImageLayout {
        machine: nt.file_header().machine.get(LE),
        pe32_plus: nt.is_type_64(),
        image_base: opt.image_base(),
        size_of_image,
        header_size: header_size as u32,
        section_alignment,
        file_alignment,
        entry_point: opt.address_of_entry_point(),
        flat,
        file_characteristics,
        dll_characteristics,
        relocation_directory,
        image_base_offset,
        dynamically_relocated,
        sections,
    })
}

/// Data directory `index` as `(RVA, size)`, if it is present and lies inside `limit` bytes
/// (Wine's `get_data_dir` in `dlls/ntdll/unix/virtual.c` ignores any other).
fn directory(dirs: &DataDirectories<'_>, index: usize, limit: u32) -> Option<(u32, u32)> {
    let dir = dirs.get(index)?;
    let (va, size) = (dir.virtual_address.get(LE), dir.size.get(LE));
    (va != 0 && size != 0 && va < limit && size <= limit - va).then_some((va, size))
}

/// The same protection with execute (the section that holds the entry point).
fn with_execute(p: ViewProtection) -> ViewProtection {
    match p {
        ViewProtection::NoAccess | ViewProtection::ReadOnly => ViewProtection::ExecuteRead,
        ViewProtection::ReadWrite => ViewProtection::ExecuteReadWrite,
        ViewProtection::WriteCopy => ViewProtection::ExecuteWriteCopy,
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal PE32+ image: headers in the first 0x200 bytes, one section `.text` at RVA
    /// 0x1000 with 0x200 bytes of raw data at file offset 0x200.
    pub(crate) fn tiny() -> Vec<u8> {
        let mut f = vec![0u8; 0x400];
        f[0..2].copy_from_slice(b"MZ");
        f[0x3c..0x40].copy_from_slice(&0x40u32.to_le_bytes());
        f[0x40..0x44].copy_from_slice(b"PE\0\0");
        let coff = 0x44;
        f[coff..coff + 2].copy_from_slice(&0x8664u16.to_le_bytes());
        f[coff + 2..coff + 4].copy_from_slice(&1u16.to_le_bytes());
        f[coff + 16..coff + 18].copy_from_slice(&240u16.to_le_bytes());
        let opt = coff + 20;
        f[opt..opt + 2].copy_from_slice(&0x20bu16.to_le_bytes());
        f[opt + 16..opt + 20].copy_from_slice(&0x1000u32.to_le_bytes()); // entry
        f[opt + 24..opt + 32].copy_from_slice(&0x1_8000_0000u64.to_le_bytes());
        f[opt + 32..opt + 36].copy_from_slice(&0x1000u32.to_le_bytes());
        f[opt + 36..opt + 40].copy_from_slice(&0x200u32.to_le_bytes());
        f[opt + 56..opt + 60].copy_from_slice(&0x3000u32.to_le_bytes()); // SizeOfImage
        f[opt + 60..opt + 64].copy_from_slice(&0x200u32.to_le_bytes()); // SizeOfHeaders
        f[opt + 108..opt + 112].copy_from_slice(&16u32.to_le_bytes());
        let sec = opt + 240;
        f[sec..sec + 5].copy_from_slice(b".text");
        f[sec + 8..sec + 12].copy_from_slice(&0x1800u32.to_le_bytes());
        f[sec + 12..sec + 16].copy_from_slice(&0x1000u32.to_le_bytes());
        f[sec + 16..sec + 20].copy_from_slice(&0x200u32.to_le_bytes());
        f[sec + 20..sec + 24].copy_from_slice(&0x200u32.to_le_bytes());
        f[sec + 36..sec + 40].copy_from_slice(&0x6000_0020u32.to_le_bytes());
        f
    }

    #[test]
    fn a_tiny_image_parses() {
        let f = tiny();
        let layout = ImageLayout::parse(&f, f.len() as u64).unwrap();
        assert!(layout.is_pe32_plus());
        assert_eq!(layout.size_of_image(), 0x3000);
        assert_eq!(layout.sections().len(), 1);
        let text = &layout.sections()[0];
        assert_eq!(text.name(), ".text");
        assert_eq!(text.protection(), ViewProtection::ExecuteRead);
        assert_eq!(
            layout.page_protections(4096, false),
            [
                ViewProtection::ReadOnly,
                ViewProtection::ExecuteRead,
                ViewProtection::ExecuteRead
            ]
        );
        assert_eq!(
            layout.page_protections(4096, true)[1],
            ViewProtection::ReadOnly
        );
        assert_eq!(
            layout.file_pieces(),
            [(0, 0, 0x200), (0x1000, 0x200, 0x200)]
        );
    }

    #[test]
    fn truncated_and_corrupt_images_are_bad_exe_format() {
        let f = tiny();
        for cut in [0, 1, 2, 0x40, 0x44, 0x100, 0x1ff, 0x200] {
            let err = ImageLayout::parse(&f[..cut], cut as u64).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::BadExeFormat, "cut at {cut}");
        }
        let mut g = f.clone();
        g[0x3c] = 0xff; // e_lfanew past the headers
        assert_eq!(
            ImageLayout::parse(&g, g.len() as u64).unwrap_err().kind(),
            ErrorKind::BadExeFormat
        );
    }
}
