//! The bodies of the fuzz targets (`fuzz/fuzz_targets/`), shared with the stable harness
//! (`tests/fuzz_corpus/main.rs`) through `#[path]`, so the corpora run under `cargo test`.
#![allow(dead_code)]

#[path = "../support/spec_views.rs"]
mod spec_views;

use filemapping::{CreateOptions, FileMapAccess, FileMapping, ImageLayout, Namespace, OpenOptions};

/// Names: the bytes as UTF-8 (lossily) and as UTF-16 units, given to create and open in the
/// namespace `ns`. Whatever the name, the calls return a value or an error, never panic, and
/// a name that creates a named section opens again as an object of its size.
pub(crate) fn name(data: &[u8], ns: &Namespace) {
    let units: Vec<u16> = data
        .chunks(2)
        .map(|c| u16::from_le_bytes([c[0], *c.get(1).unwrap_or(&0)]))
        .collect();
    let wide = filemapping::name_from_utf16(&units);
    assert_eq!(filemapping::name_to_utf16(&wide), units);
    for name in [String::from_utf8_lossy(data).into_owned(), wide] {
        let created = CreateOptions::new()
            .name(&name)
            .size(4096)
            .namespace(ns)
            .create();
        // An empty name is an unnamed section, which no open finds.
        if let Some((map, _)) = created.ok().filter(|(map, _)| map.name().is_some()) {
            let again = OpenOptions::new(FileMapAccess::ALL_ACCESS)
                .namespace(ns)
                .open(&name)
                .expect("a name that creates opens");
            assert_eq!(again.info().unwrap().size(), map.info().unwrap().size());
        }
    }
}

/// The PE parser: any bytes, any claimed file length; a layout it accepts is consistent, and
/// relocating it (its `.reloc` directory as a view lays it out) gives a clean result. The bytes
/// are also parsed as a relocation directory on their own.
pub(crate) fn image(data: &[u8]) {
    let claimed = data.len() as u64;
    for file_len in [claimed, claimed / 2, claimed + 4096] {
        if let Ok(layout) = ImageLayout::parse(data, file_len) {
            assert!(layout.header_size() <= layout.size_of_image());
            assert!(
                layout.sections().len() <= 96,
                "more sections than the PE format has"
            );
            let _ = layout.file_pieces();
            let _ = layout.page_protections(4096, true);
            relocate(data, &layout);
        }
    }
    if let Ok(relocations) = ImageLayout::parse_relocations(data, 1 << 16) {
        let mut image = vec![0u8; 1 << 16];
        for r in relocations {
            assert!(r.apply(&mut image, r.rva() as usize, -0x1234_5000));
        }
    }
}

/// Lays `data` out as a view of `layout` (when that is small enough to build here) and
/// relocates it; a failure must be `ERROR_BAD_EXE_FORMAT`, and a success moves `ImageBase`.
fn relocate(data: &[u8], layout: &ImageLayout) {
    let size = layout.size_of_image() as usize;
    if size > 16 << 20 {
        return;
    }
    let mut image = vec![0u8; size];
    for (at, from, len) in layout.file_pieces() {
        let (at, from) = (at as usize, from as usize);
        let end = (from + len as usize).min(data.len());
        if from < end && at < size {
            let n = (end - from).min(size - at);
            image[at..at + n].copy_from_slice(&data[from..from + n]);
        }
    }
    let base = layout.image_base().wrapping_add(0x7_0000);
    match layout.relocate(&mut image, base) {
        Ok(()) if !layout.is_flat() => {
            let (at, width) = layout.image_base_field();
            if let Some(field) = image.get(at as usize..at as usize + width) {
                assert_eq!(field, &base.to_le_bytes()[..width]);
            }
        }
        Ok(()) => {}
        Err(e) => assert_eq!(e.kind(), filemapping::ErrorKind::BadExeFormat, "{e}"),
    }
}

/// The object-file header decoder on any bytes: a header that decodes encodes again to bytes
/// that decode to the same header (fields its backing does not use may have held anything,
/// and encode as zero) and that are the input's own bytes where they matter (magic, version,
/// kind, sizes, the name); a short one asks for more bytes than it was given, and decodes, or
/// is refused, once it has them.
#[cfg(target_os = "linux")]
pub(crate) fn header_decoder(data: &[u8]) {
    use filemapping::fuzzing::{decode_header, HeaderProbe};
    match decode_header(data) {
        HeaderProbe::Foreign => {}
        HeaderProbe::Short(n) => {
            assert!(n > data.len(), "short, but {n} bytes were given");
            if n > 1 << 20 {
                // A name or path length no header has (a 2 GiB buffer helps nobody).
                return;
            }
            let mut padded = data.to_vec();
            padded.resize(n, 0);
            assert!(!matches!(decode_header(&padded), HeaderProbe::Short(_)));
        }
        decoded @ HeaderProbe::Decoded { .. } => {
            let HeaderProbe::Decoded { reencoded, .. } = &decoded else {
                unreachable!()
            };
            assert_eq!(
                decode_header(reencoded),
                decoded,
                "a header decodes the same once encoded again"
            );
            assert_eq!(
                reencoded[..48],
                data[..48],
                "the fixed fields are the input's"
            );
        }
    }
}

/// Which kind of object a header input plants or rewrites.
#[cfg(target_os = "linux")]
#[derive(Clone, Copy, Debug)]
enum Kind {
    Section,
    Event,
    Mutex,
    Semaphore,
}

/// A whole object file from the bytes, in the namespace `ns` (a private root). The first byte
/// chooses: bit 0 plants the rest as a file at a name's place (no process holds it: a stale or
/// foreign entry) or rewrites the file of a live object of ours; bits 1-2 the object type; bit
/// 3 `Local\` or `Global\`; bit 4 whether a rewrite keeps the file's length. Then every open (of
/// each type), list and clean returns a value or an error, never panics, never faults; an
/// object that opens maps and reads whole.
#[cfg(target_os = "linux")]
pub(crate) fn object_file(data: &[u8], ns: &Namespace) {
    let Some((&choice, content)) = data.split_first() else {
        return;
    };
    let kind =
        [Kind::Section, Kind::Event, Kind::Mutex, Kind::Semaphore][usize::from(choice >> 1) & 3];
    let (scope, name) = if choice & 8 == 0 {
        (filemapping::Scope::Local, "fuzz-object")
    } else {
        (filemapping::Scope::Global, "Global\\fuzz-object")
    };
    let path = filemapping::fuzzing::entry_path(&ns.root(), name).unwrap();
    // Makes the namespace directory (and checks that the name is free).
    let live = make(kind, name, ns);
    if choice & 1 == 0 {
        drop(live);
        std::fs::write(&path, content).unwrap();
    } else {
        rewrite(&path, content, choice & 16 != 0);
    }
    open_each(name, ns);
    let listed = ns.list(scope).expect("a listing never fails on an entry");
    assert!(
        listed
            .iter()
            .filter(|e| e.name().ends_with("fuzz-object"))
            .count()
            <= 1
    );
    ns.clean(scope).expect("a clean never fails on an entry");
    open_each(name, ns);
    // The hostile file stays in place as long as anything may look at it; then it goes.
    let _ = std::fs::remove_file(&path);
}

/// A live object of `kind` named `name`, held by the returned value.
#[cfg(target_os = "linux")]
fn make(kind: Kind, name: &str, ns: &Namespace) -> Box<dyn std::any::Any> {
    use filemapping::{Disposition, EventOptions, MutexOptions, SemaphoreOptions};
    let (held, disposition): (Box<dyn std::any::Any>, Disposition) = match kind {
        Kind::Section => {
            let (map, d) = CreateOptions::new()
                .name(name)
                .size(65536)
                .namespace(ns)
                .create()
                .unwrap();
            (Box::new(map), d)
        }
        Kind::Event => {
            let (event, d) = EventOptions::new()
                .name(name)
                .namespace(ns)
                .create()
                .unwrap();
            (Box::new(event), d)
        }
        Kind::Mutex => {
            let (mutex, d) = MutexOptions::new()
                .name(name)
                .namespace(ns)
                .create()
                .unwrap();
            (Box::new(mutex), d)
        }
        Kind::Semaphore => {
            let (sem, d) = SemaphoreOptions::new()
                .maximum(4)
                .name(name)
                .namespace(ns)
                .create()
                .unwrap();
            (Box::new(sem), d)
        }
    };
    assert_eq!(
        disposition,
        Disposition::Created,
        "the last input left its object behind"
    );
    held
}

/// Writes `content` over the object file at `path`: over its start keeping its length, or as
/// the whole file.
#[cfg(target_os = "linux")]
fn rewrite(path: &std::path::Path, content: &[u8], keep_length: bool) {
    use std::io::{Seek, SeekFrom, Write};
    let mut file = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    if !keep_length {
        file.set_len(0).unwrap();
    }
    file.seek(SeekFrom::Start(0)).unwrap();
    file.write_all(content).unwrap();
}

/// Opens `name` as each type of object; whatever opens is used.
#[cfg(target_os = "linux")]
fn open_each(name: &str, ns: &Namespace) {
    use filemapping::{
        ErrorKind, EventAccess, EventOpenOptions, MutexAccess, MutexOpenOptions, SemaphoreAccess,
        SemaphoreOpenOptions,
    };
    use std::time::Duration;
    let refused = |e: filemapping::Error| {
        assert!(
            matches!(
                e.kind(),
                ErrorKind::NotFound | ErrorKind::InvalidHandle | ErrorKind::AccessDenied
            ),
            "an open of a hostile entry failed with {e:?}"
        );
    };
    match OpenOptions::new(FileMapAccess::READ | FileMapAccess::QUERY)
        .namespace(ns)
        .open(name)
    {
        Ok(map) => read_whole(&map),
        Err(e) => refused(e),
    }
    match EventOpenOptions::new(EventAccess::ALL_ACCESS)
        .namespace(ns)
        .open(name)
    {
        Ok(event) => {
            let _ = event.wait(Some(Duration::ZERO));
            let _ = event.set();
        }
        Err(e) => refused(e),
    }
    match MutexOpenOptions::new(MutexAccess::ALL_ACCESS)
        .namespace(ns)
        .open(name)
    {
        Ok(mutex) => {
            if let Ok(outcome) = mutex.wait(Some(Duration::ZERO)) {
                if outcome.is_acquired() {
                    let _ = mutex.release();
                }
            }
        }
        Err(e) => refused(e),
    }
    match SemaphoreOpenOptions::new(SemaphoreAccess::ALL_ACCESS)
        .namespace(ns)
        .open(name)
    {
        Ok(sem) => {
            if matches!(sem.wait(Some(Duration::ZERO)), Ok(true)) {
                let _ = sem.release(1);
            }
        }
        Err(e) => refused(e),
    }
}

/// Maps the whole section and reads every byte (the first [`MAX_SECTION`] of them, in pieces):
/// a section that opened fits its file. Pages of a `SEC_RESERVE` section that the file does not
/// hold are reserved, and refused as such.
#[cfg(target_os = "linux")]
fn read_whole(map: &FileMapping) {
    let info = map.info().expect("an open section answers");
    let size = info.size();
    let reserve = info
        .attributes()
        .contains(filemapping::SectionAttributes::RESERVE);
    let view = map
        .map_view(FileMapAccess::READ, 0, 0)
        .expect("an open section maps");
    assert_eq!(view.len() as u64, size);
    let mut buf = vec![0u8; 65536];
    let end = view.len().min(MAX_SECTION as usize);
    for at in (0..end).step_by(buf.len()) {
        let n = buf.len().min(end - at);
        match view.read_at(at, &mut buf[..n]) {
            Err(e) if reserve && e.kind() == filemapping::ErrorKind::AccessDenied => {}
            read => read.unwrap(),
        }
    }
}

/// The bytes of an input, read from the front; zeros once they run out.
pub(crate) struct Bytes<'a>(pub(crate) &'a [u8]);

impl Bytes<'_> {
    pub(crate) fn u8(&mut self) -> u8 {
        let (&first, rest) = self.0.split_first().unwrap_or((&0, &[]));
        self.0 = rest;
        first
    }
    pub(crate) fn u32(&mut self) -> u32 {
        u32::from_le_bytes([self.u8(), self.u8(), self.u8(), self.u8()])
    }
    pub(crate) fn u64(&mut self) -> u64 {
        u64::from(self.u32()) | u64::from(self.u32()) << 32
    }
    /// One of `choices`, or (for a byte past their count) any value from `any`.
    pub(crate) fn pick<T: Copy>(&mut self, choices: &[T], any: impl FnOnce(&mut Self) -> T) -> T {
        let at = usize::from(self.u8());
        match choices.get(at) {
            Some(&value) => value,
            None if at % 2 == 0 => choices[at % choices.len()],
            None => any(self),
        }
    }
}

/// The largest section any target creates (16 MiB): a section commits its memory at create
/// (`SEC_COMMIT`: every byte of a memfd or of a file in `/dev/shm`, which is RAM), so the
/// harness refuses bigger sizes before they reach the library.
pub(crate) const MAX_SECTION: u64 = 16 << 20;

use spec_views::{
    PAGE_EXECUTE_READ, PAGE_EXECUTE_READWRITE, PAGE_EXECUTE_WRITECOPY, PAGE_NOACCESS,
    PAGE_READONLY, PAGE_READWRITE, PAGE_WRITECOPY,
};
/// `SEC_*` (spec §0.3).
const SEC_FILE: u32 = 0x0080_0000;
const SEC_IMAGE: u32 = 0x0100_0000;
const SEC_RESERVE: u32 = 0x0400_0000;
const SEC_COMMIT: u32 = 0x0800_0000;
const SEC_NOCACHE: u32 = 0x1000_0000;
const SEC_WRITECOMBINE: u32 = 0x4000_0000;
const SEC_LARGE_PAGES: u32 = 0x8000_0000;
const SEC_BITS: [u32; 7] = [
    SEC_FILE,
    SEC_IMAGE,
    SEC_RESERVE,
    SEC_COMMIT,
    SEC_NOCACHE,
    SEC_WRITECOMBINE,
    SEC_LARGE_PAGES,
];
/// `FILE_MAP_*` (spec §0.3).
const FMC: u32 = 0x1;
const FMW: u32 = 0x2;
const FMR: u32 = 0x4;
const FMX: u32 = 0x20;

/// Whether a handle returned by `CreateFileMapping` for a section of protection `section` maps
/// a view of protection `view` (spec §5.3's matrix, by its rows: the read-only and
/// copy-on-write sections, the read-write one, the executable ones).
pub(crate) fn spec_matrix_allows(section: u32, view: u32) -> bool {
    let write = matches!(section, PAGE_READWRITE | PAGE_EXECUTE_READWRITE);
    let execute = matches!(
        section,
        PAGE_EXECUTE_READ | PAGE_EXECUTE_READWRITE | PAGE_EXECUTE_WRITECOPY
    );
    match view {
        PAGE_NOACCESS | PAGE_READONLY | PAGE_WRITECOPY => true,
        PAGE_READWRITE => write,
        PAGE_EXECUTE_READ | PAGE_EXECUTE_WRITECOPY => execute,
        PAGE_EXECUTE_READWRITE => write && execute,
        _ => false,
    }
}

/// What `CreateFileMapping` makes of `SEC_*` bits (spec §2.4's validity table): `Ok` for a
/// valid combination (for the system's memory, or a data file that is not an image), else
/// the error kind.
pub(crate) fn spec_attributes(
    attributes: u32,
    file_backed: bool,
) -> Result<(), filemapping::ErrorKind> {
    use filemapping::ErrorKind::{BadExeFormat, InvalidParameter};
    let has = |bit: u32| attributes & bit != 0;
    if attributes == 0 {
        return Ok(());
    }
    if has(SEC_FILE) {
        return Err(InvalidParameter);
    }
    if has(SEC_IMAGE) {
        // SEC_IMAGE, or SEC_IMAGE_NO_EXECUTE (= SEC_IMAGE | SEC_NOCACHE): not an image here.
        let alone = attributes == SEC_IMAGE || attributes == SEC_IMAGE | SEC_NOCACHE;
        return Err(if alone {
            BadExeFormat
        } else {
            InvalidParameter
        });
    }
    if has(SEC_COMMIT) == has(SEC_RESERVE) {
        return Err(InvalidParameter);
    }
    if has(SEC_LARGE_PAGES) && (has(SEC_RESERVE) || file_backed) {
        return Err(InvalidParameter);
    }
    Ok(())
}

/// Protections, view accesses, attributes, sizes and offsets through the builder API:
/// `CreateOptions::create` and `FileMapping::map_view` return what the spec's matrices say
/// (§2.1-2.4 for creation, §5.1-5.4 for views), and views of the protection they were given
/// copy as it allows, never fault.
pub(crate) fn options(data: &[u8], scratch: &std::path::Path) {
    use filemapping::{ErrorKind, Protection, SectionAttributes};
    let mut input = Bytes(data);
    let raw = input.pick(
        &[
            PAGE_READONLY,
            PAGE_READWRITE,
            PAGE_WRITECOPY,
            PAGE_EXECUTE_READ,
            PAGE_EXECUTE_READWRITE,
            PAGE_EXECUTE_WRITECOPY,
            0,
            PAGE_NOACCESS,
            0x10,
            0x06,
            0x104,
        ],
        Bytes::u32,
    );
    let protection = match Protection::from_raw(raw) {
        Ok(protection) => protection,
        Err(e) => {
            assert!(
                ![2, 4, 8, 0x20, 0x40, 0x80].contains(&raw),
                "{raw:#x} refused"
            );
            assert_eq!(e.kind(), ErrorKind::InvalidParameter);
            return;
        }
    };
    assert_eq!(protection.to_raw(), raw);
    let sec_mask = input.u8();
    let attributes = SEC_BITS
        .iter()
        .enumerate()
        .filter(|(i, _)| sec_mask & (1 << i) != 0)
        .fold(0, |acc, (_, bit)| acc | bit);
    let size = input.pick(
        &[
            4096,
            1,
            4090,
            65536,
            65537,
            0x3456,
            131072,
            0,
            1 << 20,
            MAX_SECTION,
            MAX_SECTION - 4095,
        ],
        |b| u64::from(b.u32() % (1 << 22)),
    );
    if size > MAX_SECTION {
        // Refused here, before the library: a section commits its memory (or grows its file)
        // at create, and the fuzzer must never commit more than a little of either.
        return;
    }
    let file_choice = input.u8();
    let file = (file_choice & 1 != 0).then(|| {
        let len = [0u64, 36, 4096, 0x3456, 65536, 131072][usize::from(file_choice >> 1) % 6];
        test_file(scratch, len, file_choice & 0x80 != 0)
    });
    let file_execute = file_choice & 0x40 != 0;
    let mut options = CreateOptions::new()
        .size(size)
        .protection(protection)
        .attributes(SectionAttributes::from_bits(attributes));
    if let Some((file, _, _)) = &file {
        options = options.file(file).file_execute(file_execute);
    }
    let expected = spec_create(
        raw,
        attributes,
        size,
        file.as_ref().map(|f| (f.1, f.2, file_execute)),
    );
    let map = match (options.create(), expected) {
        (Ok((map, _)), Ok(())) => map,
        (Err(e), Err(kinds)) => {
            assert!(
                kinds.contains(&e.kind()),
                "create: {e:?}, the spec says {kinds:?}"
            );
            return;
        }
        // SEC_LARGE_PAGES needs a huge page pool that this system may not have.
        (Err(e), Ok(())) if attributes & SEC_LARGE_PAGES != 0 => {
            assert!(
                matches!(
                    e.kind(),
                    ErrorKind::PrivilegeNotHeld | ErrorKind::InvalidParameter
                ),
                "{e:?}"
            );
            return;
        }
        (Ok(_), Err(kinds)) => panic!("created, but the spec says {kinds:?}"),
        (Err(e), Ok(())) => panic!("create failed: {e:?}"),
    };
    let section_size = map.info().unwrap().size();
    let file_backed = file.is_some();
    for _ in 0..3 {
        map_one(&map, (raw, file_backed), section_size, &mut input);
    }
}

/// A scratch file of `len` bytes, opened read-only or read-write: the file, its length, and
/// whether it is writable.
fn test_file(scratch: &std::path::Path, len: u64, writable: bool) -> (std::fs::File, u64, bool) {
    std::fs::create_dir_all(scratch).unwrap();
    let path = scratch.join(format!("file-{}", std::process::id()));
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(len).unwrap();
    drop(file);
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(writable)
        .open(&path)
        .unwrap();
    // The open descriptor is all the section needs.
    std::fs::remove_file(&path).unwrap();
    (file, len, writable)
}

/// The spec's answer for a `CreateFileMapping` of a valid protection `raw`: `Ok`, or the error
/// kinds it allows. `file`: the data file's length, whether its handle writes, whether it
/// executes (spec §2.1-2.4, rows 2-31).
fn spec_create(
    raw: u32,
    attributes: u32,
    size: u64,
    file: Option<(u64, bool, bool)>,
) -> Result<(), Vec<filemapping::ErrorKind>> {
    use filemapping::ErrorKind::{AccessDenied, FileInvalid, InvalidParameter, NotEnoughMemory};
    let writable = matches!(raw, PAGE_READWRITE | PAGE_EXECUTE_READWRITE);
    let executable = matches!(
        raw,
        PAGE_EXECUTE_READ | PAGE_EXECUTE_READWRITE | PAGE_EXECUTE_WRITECOPY
    );
    let Some((len, handle_writes, handle_executes)) = file else {
        if size == 0 {
            return Err(vec![InvalidParameter]);
        }
        return spec_attributes(attributes, false).map_err(|kind| vec![kind]);
    };
    // Spec §2.3: the file handle's access, before its length. Whether the attributes (§2.4)
    // or the handle's access are checked first, the spec does not say: either error.
    let attributes = spec_attributes(attributes, true).err();
    let access =
        ((writable && !handle_writes) || (executable && !handle_executes)).then_some(AccessDenied);
    let errors: Vec<_> = attributes.into_iter().chain(access).collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    if size == 0 && len == 0 {
        return Err(vec![FileInvalid]);
    }
    if size > len && !writable {
        return Err(vec![NotEnoughMemory]);
    }
    Ok(())
}

/// One view of `map` (a section of protection `raw`, of a file or not, and `size` bytes), with
/// an access, offset and length from the input, against spec §5.1-5.4.
fn map_one(map: &FileMapping, (raw, file_backed): (u32, bool), size: u64, input: &mut Bytes<'_>) {
    use filemapping::ErrorKind;
    let access = input.pick(
        &[
            FMR,
            FMW,
            FMC,
            0xF001F,
            FMX | FMR,
            FMX | FMW,
            FMX | FMC,
            0,
            FMX,
            FMC | FMR,
            FMC | FMW,
            0x8,
        ],
        Bytes::u32,
    );
    let offset = input.pick(&[0, 65536, 4096, 1, size, 131072], |b| {
        u64::from(b.u8()) * 65536
    });
    let len = input.pick(&[0usize, 4096, 1, 65536, size as usize, 65537], |b| {
        b.u32() as usize
    });
    let view_protection = spec_views::view_protection(access);
    let mut allowed = Vec::new();
    // Bits past the section rights and FILE_MAP_EXECUTE (FILE_MAP_LARGE_PAGES,
    // FILE_MAP_TARGETS_INVALID, FILE_MAP_RESERVE, ...) vary by Windows version (spec §5.4:
    // be lenient): the view may fail with ERROR_INVALID_PARAMETER, or map.
    let odd_bits = access & !(0xF001F | FMX) != 0;
    if odd_bits {
        allowed.push(ErrorKind::InvalidParameter);
    }
    if offset % 65536 != 0 {
        allowed.push(ErrorKind::MappedAlignment);
    }
    if !spec_matrix_allows(raw, view_protection) {
        allowed.push(ErrorKind::AccessDenied);
    }
    let end = if len == 0 {
        Some(size)
    } else {
        offset.checked_add(len as u64)
    };
    // The size is checked against the page-rounded section for the system's memory, the exact
    // one for files; either way, a view past the end, or from it, fails (spec §5.4).
    let page = filemapping::page_size() as u64;
    let limit = if file_backed {
        size
    } else {
        size.div_ceil(page) * page
    };
    if offset >= size || end.map_or(true, |end| end > limit) {
        allowed.extend([ErrorKind::AccessDenied, ErrorKind::InvalidParameter]);
    }
    // A view that would not fit in the address space.
    let huge = end.map_or(true, |end| end - offset.min(end) > 1 << 40);
    if huge {
        allowed.push(ErrorKind::NotEnoughMemory);
    }
    match map.map_view(FileMapAccess::from_bits(access), offset, len) {
        Ok(view) => {
            assert!(
                allowed.is_empty()
                    || (huge && allowed == [ErrorKind::NotEnoughMemory])
                    || (odd_bits && allowed == [ErrorKind::InvalidParameter]),
                "mapped {access:#x} at {offset}+{len} of {size} bytes ({raw:#x}): spec says {allowed:?}"
            );
            assert_eq!(view.protection().to_raw(), view_protection, "access {access:#x}");
            assert_eq!(view.offset(), offset);
            touch(&view);
        }
        Err(e) => assert!(
            allowed.contains(&e.kind()),
            "map {access:#x} at {offset}+{len} of {size} bytes ({raw:#x}): {e:?}, spec says {allowed:?}"
        ),
    }
}

/// Reads and writes the first and last byte of a view, as its protection allows: the copies
/// fail, never fault, where the pages refuse them.
fn touch(view: &filemapping::View) {
    let (read, write, _) = view.protection().rights();
    let last = view.len() - 1;
    for at in [0, last] {
        let mut byte = [0u8];
        let got = view.read_at(at, &mut byte);
        if !read {
            assert!(got.is_err(), "read a no-access view");
        }
        let put = view.write_at(at, &byte);
        if !write {
            assert!(put.is_err(), "wrote a {:?} view", view.protection());
        }
    }
}
