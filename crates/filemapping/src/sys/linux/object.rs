//! The lock protocol: the crash-safe, handle-counted lifetime of a name (DESIGN, "The Linux
//! namespace", invariants 2-4). This is the one complete description; every other comment in
//! `sys/linux` points here. The code of this module does the attaching, closing and stale
//! removal; [`lock`] has the lock calls, [`objfile`](super::objfile) the publication and the
//! create-or-open loop, [`header`](super::header) the layout.
//!
//! # The object file
//!
//! A named object is one regular file in its namespace directory (`dir`), named by
//! `filename::encode` of the name's leaf. An unnamed section or event is a memfd that nobody
//! else can reach; it takes the same locks (so that [`handle_count`] works) but has no name to
//! remove.
//!
//! - **Header** (bytes `[0, data offset)`): magic `FMAPOBJ\0`, version, kind (section, event, mutex or semaphore),
//!   protection, attributes, size, data offset, backing, the name, and for a file-backed section
//!   the data file's `(device, inode)` and path ([`Header`](super::header::Header)). It is
//!   written once, before publication, and never changed by us (its owner can: see *Headers are
//!   hostile input*). Openers read it with one 512-byte `pread`, and a second one at the full
//!   length if the name or path is longer.
//! - **Data offset**: the header's fixed part plus the name, rounded up to a page, so the data
//!   starts on a page of its own (several pages for a very long name). A section backed by the
//!   system's memory keeps its bytes from there; an event keeps its state there (one page); a
//!   file-backed section keeps nothing there (data offset 0: its bytes are in the data file).
//!   On a tmpfs that gives transparent huge pages (*Huge pages* below) a section of at least
//!   one huge page has its data offset rounded up to the huge page (2 MiB) instead, so that its
//!   data lies on whole huge pages; the hole before it is sparse.
//! - **Lock bytes**: OFD locks are on byte offsets of the object file, independent of what the
//!   file holds there (locks may lie past its end and never touch the data). The slots are
//!   `2^30` bytes from offset 16; every handle holds exactly one of them. Bytes 0-15 hold no
//!   lock of this build: byte 0 is unused since version 2, and byte 1 is the closers' byte of
//!   earlier version 2 builds (see *Versions*), apart from the slots so that no lock on a slot
//!   ever merges with it.
//! - **Versions.** Version 1 had the same layout, but every handle also held a shared lock on
//!   byte 0 (then `HOLD`), and "stale" and "last" meant "byte 0 can be locked exclusively".
//!   Version 2 (this build) drops byte 0: the exclusive lock over every slot decides both.
//!   Version 2 also covers two later extensions that every version 2 build treats safely:
//!   data offsets of 2 MiB (version 2 readers always took the data offset from the header and
//!   only check that it is page-aligned, after the header and inside the file, so they open
//!   such objects correctly), and backing 2 (huge pages, `SEC_LARGE_PAGES`), which a build
//!   without it decodes as foreign: `ERROR_INVALID_HANDLE` for a live object, and never
//!   removed when stale (*Hostile entries*). A new version number would have made builds that
//!   agree on every lock see each other's objects as foreign, for nothing.
//!   Earlier version 2 builds closed by taking byte 1 (waiting), then the lock over every slot
//!   merged with their own slot, then dropping both; this build drops its slot first and then
//!   tries the lock over every slot (*Last closer*). Both ways are correct alone and never remove
//!   a live name together; when a handle of each kind are the last two and close at the same
//!   moment, both can fail their try and leave the name stale (removed by the next opener,
//!   creator or `gc`, and invisible meanwhile).
//!   Each build decodes only its own version; another version is "an object of another type"
//!   (`ERROR_INVALID_HANDLE`, [`objfile::read_header`](super::objfile::read_header)). But the
//!   header is read only after the stale check, so how each build treats the other's objects
//!   differs:
//!   - this build, a version 1 object: the version 1 handles hold slots in the same range, so
//!     the object is not stale; the opener claims a slot, reads the header, fails with
//!     `ERROR_INVALID_HANDLE` and closes its descriptor (which drops its slot). Once every
//!     version 1 handle is gone, the object is stale, but its header is not ours: this build
//!     leaves it in place, as it leaves every file that is not its own (*Hostile entries*).
//!   - a version 1 build, an object of this build: no handle of this build locks byte 0, so a
//!     version 1 opener sees a live object as stale; if it can write the file it **unlinks the
//!     name** and reports "not found" (a version 1 creator then publishes its own object
//!     there), and a version 1 `gc` removes it. The version number does not protect against
//!     that: builds of different versions must not share a namespace.
//!
//! # Huge pages
//!
//! - **`SEC_LARGE_PAGES`** (backing 2): the object file is an ordinary one in the namespace
//!   directory (header, locks, name: everything above holds unchanged), holding no data (data
//!   offset 0). The bytes are an unnamed hugetlb memfd (`memfd_create(MFD_HUGETLB)`), sized,
//!   `fallocate`d (which takes every huge page from the pool at create: no SIGBUS later; a
//!   pool without enough free pages is `ERROR_PRIVILEGE_NOT_HELD`, what Windows reports
//!   without `SeLockMemoryPrivilege`) and sealed against resizing before step 5 of *Create*.
//!   The header names it by `(device, inode)` and the creator's `/proc/<pid>/fd/<n>`; every
//!   handle holds a descriptor of it, and openers find it as a file-backed section's data
//!   file (*Backing files*: the `/proc` link is followed, being a holder's descriptor, and the
//!   scan of holders finds it after the creator closed), then check that it is a sealed
//!   hugetlbfs file. Its memory lives while handles or views hold it, and goes back to the
//!   pool with the last of them (or with a killed process's descriptors). Why not the object
//!   file on a hugetlbfs mount: `O_TMPFILE`, `linkat` (with `EEXIST`), OFD locks and
//!   `fallocate` work there (checked on kernel 6.18), but `pwrite` does not (`EINVAL`), so the
//!   header would cost a huge page of its own, and a second namespace root would split the one
//!   namespace of all objects (invariant 6) into two that creators could not publish in
//!   atomically. Limit: an opener that may not see any holder's descriptors (another user's
//!   object, and not root) cannot open a named large-page section (`ERROR_FILE_NOT_FOUND`).
//! - **Transparent huge pages**: a namespace root on a tmpfs mounted `huge=always` or
//!   `within_size` (or with `shmem_enabled=force`) gives huge pages to data on 2 MiB-aligned
//!   file offsets that is mapped at addresses congruent to those offsets modulo 2 MiB. The
//!   creator asks the file system (`st_blksize` of the new object file, which is 2 MiB on
//!   `huge=always`; the mount's `huge=` option in `/proc/thread-self/mountinfo` otherwise, found by
//!   device number and cached) and puts the data at 2 MiB (see *Data offset*). Views of such an
//!   object (any handle, by the same test on its own descriptor) are placed at an address
//!   congruent to their file offset modulo 2 MiB, still a multiple of 64 KiB (Windows'
//!   granularity stays the contract), and `madvise(MADV_HUGEPAGE)` where the mount says
//!   `advise`. Known gap: on a `huge=advise` mount `SEC_COMMIT`'s `fallocate` takes 4 KiB
//!   pages (it has no mapping to advise), so those sections get no huge pages there.
//!
//! # Publication (invariant 4)
//!
//! [`objfile::create_or_open`](super::objfile::create_or_open) loops: try to open the live
//! object (see *Open* below); if there is none, build a new object (once: a lost race keeps it
//! for the next round) and publish it with [`publish`]. The new object is built unnamed,
//! complete and already counted: `O_TMPFILE` in the namespace directory, size, header, the
//! creator's slot; only then does `linkat` give it the name. `EEXIST` means another creator
//! published first, or that the name is held by something the opener could not use: the
//! creator looks at the entry with [`clean`] (the *Stale removal* path). A live object or a
//! free name means a lost race: go back to opening theirs. A stale object of ours that this
//! user may not remove (it can only read it, or the sticky `Global\` directory refuses the
//! `unlinkat` with `EPERM`) ends the loop with `ERROR_ACCESS_DENIED`: what Windows reports
//! for a name whose object the caller may not open (spec §3), and the name stays unusable
//! until its owner or root comes. An entry that is not an object ends it with
//! `ERROR_INVALID_HANDLE`, as for an object of another type (spec §4). The loop is bounded:
//! after 1 000 rounds (each a lost race against a name that appeared and vanished again) the
//! create fails with `EBUSY`. An unpublished object is released without touching any name
//! (its handle has no `Place` until [`published_at`]).
//!
//! [`published_at`]: super::objfile::Unpublished::published_at
//! [`handle_count`]: crate::sys::SectionOps::handle_count
//!
//! # Handles and what they lock
//!
//! A handle is an open file description (OFD) of the object file of its own: never a `dup` of
//! another handle's descriptor (duplicates reopen the file through `/proc/self/fd`), so each
//! handle's locks are its own (the one exception, a child's adopted inherited handle, is below).
//! Each holds one lock on one slot ([`lock::claim_slot`]), for as long as the handle is open. The
//! kernel drops an OFD's locks when the last reference to the OFD goes (when the last descriptor
//! of it closes and no mapping of it is left), or when they are unlocked explicitly (`F_UNLCK`).
//!
//! - **Writers** (descriptors opened `O_RDWR`): an exclusive lock (`F_WRLCK`) on a slot, taken
//!   without waiting; a taken slot (`EAGAIN`) is skipped for the next one. Only writable
//!   descriptors can take exclusive locks, so only they can prove that an object is stale or
//!   that they were the last handle, and only they ever unlink a name. An object file is opened
//!   read-write whenever its permissions allow, even for a handle that only needs to read
//!   ([`attach`]); the owner always can (every mode we create gives the owner read and write).
//! - **Read-only handles** (the file's permissions refuse writing and the access asked for
//!   needs no write; in practice another user's object, or a namespace root mounted read-only,
//!   which refuses every open for writing with `EROFS`): the descriptor can only take shared
//!   locks. It looks for a slot that no other description locks
//!   ([`lock::byte_held_elsewhere`]) and takes a shared lock (`F_RDLCK`) on it. A shared lock
//!   conflicts with every exclusive lock, so a read-only handle keeps the object alive for the
//!   stale check and for closers exactly like a writer, and it counts as one slot. Two
//!   read-only handles that race for the same free slot can both get it (shared locks do not
//!   conflict): they then count as one handle (see *Counting*), which changes nothing else. A
//!   read-only handle never removes the name (see *Close*).
//! - **Inheritable handles**: the handle's descriptor has `FD_CLOEXEC` cleared, so every child
//!   started while it is open inherits the same OFD, with its slot lock. A child adopts an
//!   inherited section from the token (`obj fd, file fd, access`): it checks the header, the
//!   descriptor's rights, and that the name the kernel reports for it (`/proc/self/fd`) still names
//!   this inode (if the file is no longer linked, the adopted handle has no name to remove), and
//!   takes **no** lock of its own. Parent and child then share one OFD and one slot: the object
//!   counts one handle for both, and stays alive until both have closed (and every other process
//!   that inherited the descriptor has exited or closed it). Closing an inheritable handle must not
//!   drop the OFD's locks (they are the child's handle too); it closes its descriptor and decides
//!   on a fresh OFD (see *Close*).
//!
//! # Memory descriptions: what views map (invariant 3)
//!
//! A view is a plain shared `mmap`. A mapping keeps the OFD it maps alive, and with it that
//! OFD's locks: a view of a handle's own description would keep the handle counted after the
//! handle closed, so a name would live as long as views (spec §1.3 wants handles only).
//!
//! - A handle that no child can inherit maps its **own description** (no `open`/`close` per
//!   handle). Closing it drops every lock of the description explicitly ([`lock::unlock_all`])
//!   before the descriptor closes, so the views keep the memory but not the name. The same
//!   explicit unlock makes a copy of the descriptor in a process forked meanwhile (which holds
//!   every descriptor until it calls `exec`) harmless.
//! - An inheritable handle cannot drop its description's locks, so its views map a **lock-free
//!   description**: a second OFD of the object file ([`objfile::mem_fd`](super::objfile::mem_fd),
//!   `openat("/proc/self/fd/N")`, `O_CLOEXEC`, read-write or read-only like the handle), opened
//!   on the first view, shared by the handle's views and never locked.
//! - A file-backed section's views map the data file's descriptor, which is never locked
//!   either; they never map the object file.
//! - **Events** keep their state in the first word of the page at the data offset: bit 0 is
//!   "signaled", the rest a generation that every `set` advances. Each handle maps that page
//!   once when it is made, by the same rule: its own description, or a lock-free one if it is
//!   inheritable (a duplicate shares the page of the handle it came from). Waiters sleep with
//!   `FUTEX_WAIT` on the word (a shared futex: the word is in a `MAP_SHARED` page of the file,
//!   so every process's mapping of it is one futex); the second word counts the sleepers, and
//!   setters `FUTEX_WAKE` them all only if it is not 0 (`waitable`, *Waiter counts*; multi-object
//!   waits sleep in `futex_waitv` on several such words). Otherwise events follow this protocol
//!   exactly, with one difference: they are only ever opened read-write.
//! - **Mutexes and semaphores** are built, opened, mapped, duplicated and closed exactly like
//!   events (`waitable` has that shared code). A semaphore's page holds its count as a futex
//!   word, followed by its waiter count (its maximum is the header's `attributes`); a mutex's page holds a robust,
//!   process-shared pthread mutex, whose abandonment the kernel reports (`mutex` says why).
//!
//! # Counting, stale names, last closers
//!
//! - **Counting** ([`lock::count_others`]): `F_OFD_GETLK` over the slot range reports one lock
//!   held by another OFD; the walk splits the range around it and goes on, one call per lock.
//!   It does not see the caller's own locks, so `handle_count` is `count_others + 1` and a
//!   listing (whose descriptor holds nothing) reports `count_others`. The result is exact for
//!   the handles that stay open meanwhile, with two known undercounts: a parent and a child
//!   that adopted its inherited handle count once, and so do two read-only handles on one slot.
//! - **Stale**: a name whose slots are all free. Every handle holds a slot from before its object
//!   is published until it closes, and the kernel drops the slots of a process that dies, so "all
//!   slots free" means every holder is gone without removing the name: they were killed, or the
//!   last handle could not remove it (a read-only handle, an opener that failed after claiming its
//!   slot, a closer whose `unlinkat` failed). A writable descriptor proves it by taking the
//!   exclusive lock over every slot ([`lock::try_claim_all`]); while it holds that lock nobody can
//!   claim a slot, so the object cannot come back to life under it. A read-only descriptor can only
//!   look ([`lock::any_slot_held_elsewhere`]), and cannot remove what it finds.
//! - **Last closer**: a writable closer first drops its slot (`F_UNLCK`: from then on its handle
//!   is closed for everyone) and then tries the lock over every slot. Success means no other
//!   handle is left anywhere: it unlinks the name. `EAGAIN` means someone else holds a slot (a
//!   handle, which keeps the name) or the whole range (another closer or a stale remover, which
//!   decides instead). Two last handles closing at once cannot both fail: each drops its slot
//!   before its own try, so the later of the two tries finds the earlier's slot gone, and fails
//!   only if the earlier holds the whole range, that is, is removing the name itself. (Trying
//!   the lock over every slot before dropping one's own, merged with it, would let both fail
//!   on each other's slot and leave the name behind.)
//! - **Who unlinks**: only a holder of every slot of a file that the name still names, and
//!   there is at most one such holder at a time: a writable opener that found the name stale,
//!   `gc` ([`clean`]), or the last closer. So a name is never removed from under a live handle,
//!   and never twice. In the sticky `Global\` directory the kernel lets only the file's owner
//!   (and root) unlink it: another user's holder gets `EPERM` and leaves the name, which is then
//!   stale (an opener reports it absent, a creator `ERROR_ACCESS_DENIED`, `gc` "not removed").
//! - **Still named**: before trusting or removing a name, the code compares the `(device,
//!   inode)` of `fstatat(dir, name, AT_SYMLINK_NOFOLLOW)` with `fstat` of its own descriptor
//!   ([`names`]). `st_nlink > 0` alone would not do for an unlinker: the owner of an object file
//!   may rename or link it (another user then closing last would unlink whatever sits at the
//!   old name now). Every unlinker checks it just before `unlinkat` ([`unlink_if_named`]). An
//!   opener only needs to know that the file it opened by the name did not lose it between its
//!   `openat` and its slot (a closer unlinked it, and a new object may be at the name by now):
//!   our code only ever unlinks such a file, which leaves it no link, so the `st_nlink` of the
//!   `fstat` it makes anyway (step 4 of *Open*) tells, without a `fstatat`. A file that its
//!   owner renamed away from the name still has its link; the opener then holds that owner's
//!   object under its new name, which gives it nothing the owner could not give it anyway. The check and the
//!   `unlinkat` are two calls: in between, the file's owner can rename another of its files to
//!   the name, and that one is unlinked instead (only that owner's own files can be put there
//!   by a rename in the sticky directory, so only the renamer loses).
//!
//! # The paths, call by call
//!
//! The namespace directory is opened (and checked) once per process and cached (`dir`);
//! "`dir`" below is that descriptor. Which directory a scope uses, and when it is refused as
//! squatted, is the module documentation of [`dir`](super::dir). Every entry of it is opened
//! through [`open_entry`]: `openat` with `O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC`, then
//! `fstat`, and refused unless it is a regular file (*Hostile entries*); "`openat(dir, name, …)`"
//! below means that. `O_NONBLOCK` stays set on the descriptor: it changes nothing for a regular
//! file's `pread`, `mmap` and locks.
//!
//! **Create, new name** (`create_or_open`, named section backed by the system's memory):
//!
//! 1. `openat(dir, name, O_RDWR)` → `ENOENT`: no live object (the *Open* path; a lost race
//!    comes back here after the *Stale removal* path at the name).
//! 2. `openat(dir, ".", O_TMPFILE | O_RDWR, mode)`: the object, unnamed, in the directory where
//!    it will be linked (a link cannot cross file systems); `fchmod` if the mode is not `0o600`
//!    (the umask applies to `O_TMPFILE` too).
//! 3. `pwrite` of the header at 0.
//! 4. `fallocate(data offset, size)` (`SEC_COMMIT`: a full `/dev/shm` fails now, not later with
//!    SIGBUS; `ftruncate` where `fallocate` is unsupported) or `ftruncate(data offset + size)`
//!    (`SEC_RESERVE`). A file-backed section instead extends its data file if needed (`fstat`,
//!    `fallocate`; the data file was checked and `dup`ed before step 1); an event allocates its
//!    page and `pwrite`s its initial state word.
//! 5. `fcntl(F_OFD_SETLK, F_WRLCK)` on one slot: the creator's handle is counted before anyone
//!    can see the object.
//! 6. `fcntl(F_SETFD, 0)` if inheritable. An event maps its state page here (*Map*).
//! 7. `linkat(fd, "", dir, name, AT_EMPTY_PATH)`, or where that needs a capability we lack
//!    (`ENOENT`/`EPERM`), `linkat("/proc/self/fd/N", dir, name, AT_SYMLINK_FOLLOW)`: the name
//!    appears with the object complete. Success: `Created`. `EEXIST`: back to 1, keeping the
//!    built object for the next try.
//!
//! An unnamed section or event is `memfd_create` + steps 3-6 and no step 7; an unnamed section
//! is also sealed against resizing (`F_ADD_SEALS`, after step 4), so that no view can fault.
//!
//! **Open**, and **create of an existing name** (`attach`, then the type's `open_named`):
//!
//! 1. `openat(dir, name, O_RDWR)`; on `EACCES` (or `EROFS`), if the access asked for needs no
//!    write, `openat(dir, name, O_RDONLY)`. `ENOENT`: no such object (`ERROR_FILE_NOT_FOUND`, or
//!    on to publication for a create). The open refused with `ELOOP`, `EISDIR`, `ENXIO` or
//!    `EWOULDBLOCK` (`fstatat` says what it is): `ERROR_INVALID_HANDLE`. Whether an entry that
//!    opened is a regular file is left to the `fstat` of step 4 (locks harm no FIFO or device,
//!    and a lock call that such a file refuses is answered by an `fstat` at once).
//! 2. Stale check. Writable: `fcntl(F_OFD_SETLK, F_WRLCK)` over every slot. `EAGAIN`: someone
//!    holds a slot, go on. Success: stale, so `fstat` (not a regular file: foreign), `pread` of
//!    the header (not an object of ours: `ERROR_INVALID_HANDLE`, the file is left alone),
//!    `fstat` and `fstatat` (still named?) and `unlinkat(dir, name)` if so (`EPERM`/`EACCES`:
//!    left stale); close the descriptor (which drops the lock) and report "not found".
//!    Read-only: `fcntl(F_OFD_GETLK)` over every slot; nothing held: the header check, then
//!    "not found" (without removing).
//! 3. Claim a slot: `fcntl(F_OFD_SETLK, F_WRLCK)` on a slot (read-only: `F_OFD_GETLK` then
//!    `F_OFD_SETLK, F_RDLCK`), moving to the next slot on `EAGAIN`, at most 64 slots. All 64
//!    taken means that someone holds the whole range (a closer deciding, or a stale remover):
//!    close and retry from 1.
//! 4. `fstat`, the opener's only one: not a regular file is `ERROR_INVALID_HANDLE` (foreign); no
//!    link means a closer removed the name between 1 and 3 (*Still named*): close and retry
//!    from 1. Retries yield the CPU 50 times, then sleep 100 µs each; after 10 000 the open
//!    fails with `EBUSY`. The same `fstat` serves the header check of step 5.
//! 5. `pread` of the header (a second one for a long header); a wrong magic, version
//!    or kind is `ERROR_INVALID_HANDLE`, and so is a header that does not fit the file (see
//!    *Headers are hostile input*); a different full name is `ERROR_INVALID_NAME` if the file name
//!    is a hash (a collision of long names), else `ERROR_INVALID_HANDLE` too. Failing here closes
//!    the descriptor, which drops the slot without deciding on the name (if it was the last
//!    handle, the name is left stale).
//! 6. `fcntl(F_SETFD, 0)` if inheritable; for a file-backed section, `fstat` of the object file
//!    (its owner) and the data file found as *Backing files* says.
//! 7. An event maps its state page now (*Map*); a section maps nothing yet.
//!
//! **Duplicate**: `openat("/proc/self/fd/N", O_RDWR)` (or `O_RDONLY`), claim a slot (3 above) and,
//! if inheritable, `fcntl(F_SETFD, 0)`. The source handle keeps the object alive, so there is no
//! stale check and no link check.
//!
//! **Map** (a section backed by the system's memory): the description is the handle's own, or
//! the lock-free one, opened on the first view with `openat("/proc/self/fd/N")`; then `mmap`
//! at the data offset plus the view's offset, with the last view's address as hint (one call
//! when the kernel honours it; else, after an `munmap` if it landed unaligned, a 64 KiB-aligned
//! placement: an anonymous
//! `PROT_NONE` reservation, `mmap(MAP_FIXED)` inside it, `munmap` of the rest), or
//! `mmap(MAP_FIXED_NOREPLACE)` at a requested base. No lock call: mapping changes no count.
//!
//! **Close, not the last** ([`release`]):
//!
//! 1. `fcntl(F_OFD_SETLK, F_UNLCK)` over the whole file: drops the slot (explicitly, not by
//!    `close`: views may map the description, and a process forked meanwhile holds a copy of
//!    it until it calls `exec`). From here on the handle counts for nobody.
//! 2. Writable named handle: `fcntl(F_OFD_SETLK, F_WRLCK)` over every slot → `EAGAIN`: another
//!    handle is left, or someone else is deciding (*Last closer*).
//! 3. `close`, unless views still map the description (then the last of them closes it when it
//!    is unmapped).
//!
//! A read-only named handle does 1 and 3 only; so does an unnamed object mapped by views (an
//! unnamed one without views only closes).
//!
//! **Close, the last**: steps 1 and 2 above, 2 succeeding; then `fstat` and `fstatat` (still
//! named?) and `unlinkat(dir, name)` if so; then `close` (or nothing, while views map it: the
//! description keeps the lock over every slot, but the name is gone, so it concerns nobody).
//! The memory lives on in the views. A name this closer may not unlink (`EPERM` in the sticky
//! directory for another user's file, or `EACCES`) is left stale, the lock over every slot is
//! dropped (`F_UNLCK`, so that openers can find it stale), and the close succeeds; so is the
//! lock when the name names another file by then (the file's owner renamed this one), which
//! stays usable wherever it is.
//!
//! **Close of an inheritable handle**: `openat("/proc/self/fd/N", O_RDWR)` (a fresh OFD, holding
//! nothing), `close` of the handle's descriptor (which drops its slot unless a child still has
//! the OFD), then 2 on the fresh OFD; on success `fstat` and `fstatat` (still named?) and
//! `unlinkat`, as for the last close; then `close` of the fresh OFD, which drops its locks. A
//! read-only inheritable handle only closes its descriptor.
//!
//! **What the hot paths cost**, in system calls (the bench's `open_map_close`,
//! `create_existing` and `create_map_close`; the floor is the same work through raw
//! `shm_open`/`mmap` without any of the semantics):
//!
//! | path | calls | floor | the calls beyond the floor, and what each buys |
//! |---|---|---|---|
//! | open, map, unmap, close of a live section | 10 | 5 | the stale check (a crashed last holder's name reads as absent), the slot (the handle is counted), the header (type, size, hostile files), the unlock (views and forked children do not keep the name), the try over every slot (the last closer removes the name) |
//! | create of an existing name, close | 8 | 3 | the same five, less the `fstat` the floor makes for the size |
//! | create of a new name, map, unmap, close | 15 | 6 (with `fallocate`) | the probe `openat` (an existing name is opened, not rebuilt), the header, the slot before `linkat` (never visible uncounted), the unlock and try, the `fstat` and `fstatat` before `unlinkat` (*Still named*) |
//!
//! Publishing first and opening on `EEXIST` would save the probe on new names but build a
//! whole object (`O_TMPFILE`, header, `fallocate` of its size) in vain for every create of an
//! existing name, which is what both sides of a Windows program typically do.
//!
//! **Stale removal** (`gc`, and a creator that lost a race, [`clean`]): `openat(dir, name,
//! O_RDWR)` (on `EACCES` or `EROFS`, `O_RDONLY`), `pread` of the header (not ours: skipped,
//! untouched), the stale check of *Open* (the lock over every slot, or `F_OFD_GETLK` if read-only), and if
//! stale and writable `fstat`, `fstatat`, `unlinkat`, then `close`. A stale object that is only
//! readable, or whose `unlinkat` fails (`EPERM`), is reported as not removable by this user; an
//! entry this user may not even open is left alone silently (it may be live). `gc` goes on
//! with the next entry whatever one entry gave.
//! **Listing** opens each entry `O_RDONLY` (through [`open_entry`]), reads the header (a
//! section's gives the entry its details; a file without a valid header is foreign), looks at
//! the slots (`F_OFD_GETLK`: live or stale) and counts them if live; an entry it may not open
//! is reported live with nothing known, a non-regular one foreign. A listing never takes a
//! lock, so it never disturbs anyone, and no entry fails it.
//!
//! # Hostile entries (DESIGN invariant 8)
//!
//! Any user can create entries in `Global\`, and an object's owner can change its file. So no
//! path may block, follow a link, or fail for everyone on an entry that is not ours:
//!
//! - the open never waits: a FIFO opens at once with `O_NONBLOCK` (and is then refused by
//!   `fstat`), a regular file under a lease fails with `EWOULDBLOCK` instead of waiting for the
//!   lease to break (no object of ours has a lease: foreign);
//! - a symbolic link is never followed (`O_NOFOLLOW`: `ELOOP`), a directory is refused
//!   (`EISDIR`, or `fstat`), a socket (`ENXIO`) and a device node too; `O_NOCTTY` keeps a
//!   terminal from becoming ours;
//! - a regular file is an object of ours only if its header is one of this build's, of any
//!   type (`objfile::is_object`: empty, truncated, another format, a wrong magic or version are
//!   not): nothing ever removes a file that is not ours, stale or not;
//! - such entries are [`Foreign`]: open and create of the name fail with
//!   `ERROR_INVALID_HANDLE`, a listing reports them ([`Entry::foreign`](crate::Entry::foreign)),
//!   `gc` skips them.
//!
//! # Headers are hostile input (DESIGN invariant 8)
//!
//! Anyone may create files in the `Global\` directory, and the owner of an object file may
//! rewrite it at any time, so a header is the word of the object file's owner, nothing more.
//! [`objfile::read_header`](super::objfile::read_header) checks it against what the kernel says
//! (the `fstat` of step 5) before anything uses it: a regular file with at most one link (an
//! object file is linked once; a hard link to someone's object under another name has two); for
//! an object keeping its bytes in the file, a data offset on a page boundary after the header,
//! a non-zero size, and `data offset + size <= st_size` (the creator sizes the file before it
//! publishes it, so every object of ours fits); for a file-backed section a data offset of 0. A
//! section's header must also hold a protection and attributes that `create` gives (one of
//! `SEC_COMMIT`/`SEC_RESERVE` in the system's memory, `SEC_FILE` for a file) and whole pages in
//! the system's memory. Anything else is "not an object of ours": `ERROR_INVALID_HANDLE`, as an
//! object of another type is (spec §4, rows 39-41), never a fault in a view. The file can still be
//! shrunk after the check by its owner; views survive that through the safe copies (`view`),
//! not here.
//!
//! # Backing files
//!
//! A file-backed section's data file is known to an opener only through the header: the path
//! the creator's descriptor had (`/proc/self/fd` at creation) and its `(device, inode)`. Opening
//! that path with the opener's privileges would make the opener a confused deputy: another user's
//! `Global\` object could name a file only root may touch, with its real `(device, inode)` (which
//! `stat` tells anyone), and root's opener would read and write it on that user's behalf.
//! [`backing::open`](super::backing::open) therefore finds the file in this order, and takes the
//! first way that leads to the regular file `(device, inode)`:
//!
//! 1. a descriptor of this process (`/proc/self/fd`, `stat` of each): a handle of this process
//!    to the same section already has one;
//! 2. the header's path, opened `O_PATH | O_NOFOLLOW` (a path opened so reads nothing, opens no
//!    FIFO or device and follows no last symlink; the creator's path never ends in one);
//! 3. a descriptor of another process (`/proc/<pid>/fd/<n>`, `stat` of each, every process);
//!    only the opener's own user's processes are visible, or every one to root (the
//!    `PTRACE_MODE_READ` check of `/proc/<pid>/fd`; Yama does not restrict it). Every handle of
//!    the section holds such a descriptor, so while the name lives the file is found here
//!    after it was renamed or deleted, as on Windows, where the section keeps its file.
//!
//! Each way ends the same: `open` of the link `O_PATH`, `fstat` of that descriptor (regular file,
//! the header's `(device, inode)`, else the next way), the owner check below, then
//! `open("/proc/self/fd/N", O_RDWR or O_RDONLY | O_NOCTTY | O_NONBLOCK)`, a description of that
//! same inode, whatever the path or the other process does meanwhile (the kernel checks the
//! opener's own rights to the inode here; `O_NONBLOCK` makes a lease fail the open instead of
//! stalling it), and `fstat` (the file must hold the section's size, else
//! `ERROR_FILE_INVALID`). Nothing is read or mapped before these checks.
//!
//! **The owner check.** The file is used only if the object file's owner (`fstat` of the object
//! file: the kernel vouches for it, and only that user can have written the header) could access
//! it: the file belongs to that user (the owner of a file can give itself any access with
//! `chmod`), or the object's owner is root (root could access any file), or the opener runs as
//! the object's owner (it gains nothing it did not have). Otherwise the open fails with
//! `ERROR_ACCESS_DENIED`. So a root opener of another user's object gets that user's own file
//! or nothing: at worst it reads and writes the bytes of a file the attacker owns, as it would
//! through any section of theirs.
//!
//! Limits: a section backed by a file of another user than the object's (say, a user's read-only
//! section of a root-owned, world-readable file) opens only for the object's own user and for
//! nobody else, root included. An opener that may not see any holder (another user's object,
//! and not root) cannot find a renamed or deleted file: `ERROR_FILE_NOT_FOUND`, with that
//! reason in the message. A path or a holder's descriptor on a file system that a user process
//! serves (FUSE mounted `allow_other`, or a hung NFS server) can stall the opener's `open` or
//! `stat`. The way through other processes scans `/proc`, one `stat` per descriptor of every
//! visible process: it is only taken when the path no longer leads to the file.
//!
//! # Crash safety (SIGKILL at any point)
//!
//! The kernel releases every OFD lock of a killed process as its descriptors and mappings go,
//! and frees an unnamed `O_TMPFILE` inode with its last reference. Nothing else is state.
//!
//! - **Invariant 2** (a name exists while a handle is open; after the last holder dies, open says
//!   "not found" and create makes a fresh object). A live handle's slot is held by the kernel for
//!   exactly as long as its OFD exists, so no stale check and no closer can succeed while it lives:
//!   its name is never removed. A process killed anywhere loses its slots; if it had the last
//!   handles, the name is left with every slot free, i.e. stale, and the next writable opener or
//!   creator removes it and goes on as if it were absent (a creator then publishes a new,
//!   zero-filled inode: `Created`); a read-only opener reports it absent, and a listing reports it
//!   not live. Killed in the middle of a path: before `linkat`, the unnamed file vanishes; after
//!   it, the creator's slot was already held, so the object was never uncounted; holding
//!   the lock over every slot, the kernel drops it and the others go on; after a successful try but before `unlinkat`, the name is stale and
//!   removed by the next writable opener, creator or `gc`; an opener killed before its slot held
//!   nothing.
//! - **Invariant 3** (name lifetime = handles, memory lifetime = handles + views). Views never
//!   hold a lock after their handle closed: they map a lock-free description, a data file, or a
//!   handle's own description whose locks closing dropped explicitly. So only handles keep the
//!   name. The memory is the inode's, which lives while any descriptor or mapping of it does,
//!   named or not; a killed process's views go with it and keep nothing.
//! - **Invariant 4** (atomic create-or-open). The name appears only through `linkat` of a file
//!   that already has its size, its header and a counted handle, so no opener can see a zero
//!   size, a missing header or a stale-looking new object. `linkat` refuses an existing name,
//!   so of racing creators exactly one publishes and sees `Created`; every other gets `EEXIST`
//!   and goes back to opening: it opens the winner's object (or, if every handle of that one has
//!   closed meanwhile, races again for a new one). A creator killed before its `linkat` leaves
//!   nothing behind; after it, its object is an ordinary one with one handle.
//!
//! # Known gaps
//!
//! What the code does today that falls short of the design (behaviour left as it is):
//!
//! - Builds of header version 1 remove the names of live objects of this build (*Versions*).
//! - A name whose last handle was read-only, or whose last closer's `unlinkat` failed (another
//!   user's file in the sticky `Global\` directory), stays until a writable opener, creator or
//!   `gc` comes that may remove it (it is stale, so nobody sees it meanwhile); until its owner
//!   or root comes, creating that name fails for other users with `ERROR_ACCESS_DENIED`.
//! - *Still named* is two calls (`fstatat`, then `unlinkat`): a file's owner that renames
//!   another of its files to the name in between gets that one unlinked.
//! - `/proc/self/fd` reopens (duplicates, lock-free descriptions, the inheritable close) are not
//!   `O_NONBLOCK`: the file's owner can make them wait with a lease, up to the kernel's
//!   `lease-break-time` (45 s by default).

use super::fd::{self, Sys};
use super::lock;
use crate::types::Foreign;
use std::ffi::CString;
use std::os::unix::io::{AsRawFd, OwnedFd, RawFd};
use std::sync::Arc;

/// Where a named object lives: its namespace directory and its file name there.
#[derive(Debug)]
pub(crate) struct Place {
    pub(crate) dir: Arc<OwnedFd>,
    pub(crate) file: CString,
}

/// An attached handle: the OFD holding its slot, whether it was opened read-write, and its
/// `fstat` taken after the slot was claimed (the header check uses it: *Open*, step 4).
pub(crate) struct Attached {
    pub(crate) fd: OwnedFd,
    pub(crate) writable: bool,
    pub(crate) stat: libc::stat,
}

/// Whether an object file's header is one of this build's (any type): the test that tells an
/// object of ours from a file someone else planted ("Hostile entries").
pub(crate) type Ours = fn(RawFd) -> bool;

/// How many times an opener retries while a closer is removing the name it found.
const MAX_RETRIES: u32 = 10_000;

/// The flags of every open of a namespace entry besides the access mode (`open_at` adds
/// `O_CLOEXEC`): never wait (a FIFO, a file under a lease), never follow a symbolic link, never
/// acquire a controlling terminal.
const ENTRY_FLAGS: libc::c_int = libc::O_NONBLOCK | libc::O_NOFOLLOW | libc::O_NOCTTY;

/// A namespace entry, opened.
pub(crate) enum Opened {
    /// A regular file (an object of ours or not: only its header can tell).
    File(OwnedFd),
    /// Nothing has the name.
    Absent,
    /// Something that is no object file at all.
    Foreign(Foreign),
}

/// Opens the entry at `place` with `access` (`O_RDWR` or `O_RDONLY`), if it is a regular file
/// ("Hostile entries" in the module documentation).
pub(crate) fn open_entry(place: &Place, access: libc::c_int) -> Sys<Opened> {
    match open_unchecked(place, access)? {
        Opened::File(obj) => match foreign_type(fd::fstat(obj.as_raw_fd())?.st_mode) {
            None => Ok(Opened::File(obj)),
            Some(what) => Ok(Opened::Foreign(what)),
        },
        other => Ok(other),
    }
}

/// [`open_entry`] without the `fstat` that tells a regular file: `Opened::File` may be a FIFO
/// or a device opened without blocking, whose type the caller checks later (an opener's one
/// `fstat` after its slot is claimed, *Open* step 4).
fn open_unchecked(place: &Place, access: libc::c_int) -> Sys<Opened> {
    match fd::open_at(place.dir.as_raw_fd(), &place.file, access | ENTRY_FLAGS, 0) {
        Ok(obj) => Ok(Opened::File(obj)),
        Err(libc::ENOENT) => Ok(Opened::Absent),
        Err(e) => refused(place, e),
    }
}

/// Why the open of an entry failed with `errno`: an entry that is not a regular file is
/// foreign (`ELOOP` for a link, `EISDIR` for a directory, `ENXIO` for a socket, `EACCES` for
/// anything we may not open), and so is a regular file under a lease (`EWOULDBLOCK`: no object
/// of ours has one); a regular file keeps its `errno`.
fn refused(place: &Place, errno: i32) -> Sys<Opened> {
    let st = match fd::stat_at(place.dir.as_raw_fd(), &place.file) {
        Ok(st) => st,
        Err(libc::ENOENT) => return Ok(Opened::Absent),
        Err(_) => return Err(errno),
    };
    match foreign_type(st.st_mode) {
        Some(what) => Ok(Opened::Foreign(what)),
        None if errno == libc::EWOULDBLOCK => Ok(Opened::Foreign(Foreign::NotAnObject)),
        None => Err(errno),
    }
}

/// What a file of type `mode` is if it is not a regular file.
fn foreign_type(mode: libc::mode_t) -> Option<Foreign> {
    match mode & libc::S_IFMT {
        libc::S_IFREG => None,
        libc::S_IFLNK => Some(Foreign::SymbolicLink),
        libc::S_IFDIR => Some(Foreign::Directory),
        libc::S_IFIFO => Some(Foreign::Fifo),
        libc::S_IFSOCK => Some(Foreign::Socket),
        _ => Some(Foreign::Device),
    }
}

/// Makes the unnamed object file `tmp` (already holding its slot) visible as `place`.
/// `Ok(false)`: the name is taken.
pub(crate) fn publish(tmp: &OwnedFd, place: &Place) -> Sys<bool> {
    match fd::link_fd(tmp.as_raw_fd(), place.dir.as_raw_fd(), &place.file) {
        Ok(()) => Ok(true),
        Err(libc::EEXIST) => Ok(false),
        Err(e) => Err(e),
    }
}

/// What an opener found at a name.
pub(crate) enum Found {
    /// A live object, now with one more handle.
    Live(Attached),
    /// No live object: nothing, or a stale object (removed if this user may).
    Absent,
    /// Something that is not an object of ours.
    Foreign(Foreign),
}

/// Attaches a new handle to the object named by `place`. `need_write`: the handle must be able
/// to write (else read-only is accepted when the file's permissions refuse writing).
pub(crate) fn attach(place: &Place, need_write: bool, ours: Ours) -> Sys<Found> {
    for attempt in 0..MAX_RETRIES {
        match try_attach(place, need_write, ours)? {
            Step::Done(found) => return Ok(found),
            Step::Retry => backoff(attempt),
        }
    }
    Err(libc::EBUSY)
}

enum Step {
    Done(Found),
    Retry,
}

fn try_attach(place: &Place, need_write: bool, ours: Ours) -> Sys<Step> {
    let (obj, writable) = match open_object(place, need_write, open_unchecked)? {
        Candidate::File(obj, writable) => (obj, writable),
        Candidate::Not(found) => return Ok(Step::Done(found)),
    };
    let raw = obj.as_raw_fd();
    let stale = match stale(raw, writable) {
        Ok(stale) => stale,
        Err(e) => return not_a_file(raw, e),
    };
    if stale {
        if let Some(what) = foreign_type(fd::fstat(raw)?.st_mode) {
            return Ok(Step::Done(Found::Foreign(what)));
        }
        return bury(place, raw, writable, ours).map(Step::Done);
    }
    match lock::claim_slot(raw, writable) {
        Ok(()) => claimed(obj, writable),
        Err(libc::EAGAIN) => Ok(Step::Retry),
        Err(e) => not_a_file(raw, e),
    }
}

/// An opener's one `fstat`, after its slot is claimed (*Open*, step 4): a file that is not a
/// regular one is foreign; one without a link lost its name to a closer between the `openat`
/// and the claim (retry); otherwise the handle is attached.
fn claimed(obj: OwnedFd, writable: bool) -> Sys<Step> {
    let stat = fd::fstat(obj.as_raw_fd())?;
    if let Some(what) = foreign_type(stat.st_mode) {
        return Ok(Step::Done(Found::Foreign(what)));
    }
    if stat.st_nlink == 0 {
        return Ok(Step::Retry);
    }
    Ok(Step::Done(Found::Live(Attached {
        fd: obj,
        writable,
        stat,
    })))
}

/// A lock call on an entry that the opener has not yet checked failed with `errno`: an entry
/// that is no regular file is foreign (whatever its type does with locks), else the error stands.
fn not_a_file(raw: RawFd, errno: i32) -> Sys<Step> {
    match foreign_type(fd::fstat(raw)?.st_mode) {
        Some(what) => Ok(Step::Done(Found::Foreign(what))),
        None => Err(errno),
    }
}

/// A stale entry that an opener found: a file that is not an object of ours is foreign and left
/// alone; an object of ours is removed if this description may (it is writable, and the
/// directory lets this user unlink the file), and absent either way: the name is dead.
fn bury(place: &Place, raw: RawFd, writable: bool, ours: Ours) -> Sys<Found> {
    if !ours(raw) {
        return Ok(Found::Foreign(Foreign::NotAnObject));
    }
    if writable {
        match unlink_if_named(place, raw) {
            Ok(_) | Err(libc::EPERM) | Err(libc::EACCES) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(Found::Absent)
}

/// An entry opened as an object file (and whether read-write), or what an opener found instead.
enum Candidate {
    File(OwnedFd, bool),
    Not(Found),
}

/// Opens the object file read-write, or read-only when allowed and writing is refused (by the
/// file's permissions, or by a namespace root mounted read-only), with `open` ([`open_entry`],
/// or [`open_unchecked`] when the caller checks the type itself).
fn open_object(
    place: &Place,
    need_write: bool,
    open: fn(&Place, libc::c_int) -> Sys<Opened>,
) -> Sys<Candidate> {
    let (opened, writable) = match open(place, libc::O_RDWR) {
        Err(e) if !need_write && fd::refuses_writing(e) => (open(place, libc::O_RDONLY)?, false),
        other => (other?, true),
    };
    Ok(match opened {
        Opened::File(obj) => Candidate::File(obj, writable),
        Opened::Absent => Candidate::Not(Found::Absent),
        Opened::Foreign(what) => Candidate::Not(Found::Foreign(what)),
    })
}

/// Whether no handle holds the object (stale). A writable descriptor proves it by locking every
/// slot, and then keeps that lock until it closes; a read-only one can only look.
fn stale(fd: RawFd, writable: bool) -> Sys<bool> {
    if !writable {
        return Ok(!lock::any_slot_held_elsewhere(fd)?);
    }
    match lock::try_claim_all(fd) {
        Ok(()) => Ok(true),
        Err(libc::EAGAIN) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Whether the name at `place` names the file of `fd` now: the same `(device, inode)`
/// ("Still named" in the module documentation).
fn names(place: &Place, fd: RawFd) -> Sys<bool> {
    let mine = fd::fstat(fd)?;
    match fd::stat_at(place.dir.as_raw_fd(), &place.file) {
        Ok(there) => Ok(fd::same_file(&mine, &there)),
        Err(libc::ENOENT) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Unlinks the name at `place` if it still names the file of `fd`, whose description holds every
/// slot. `Ok(false)`: the name is gone or names another file now, and is left alone. `EPERM`:
/// the sticky `Global\` directory lets only the file's owner (and root) unlink it.
fn unlink_if_named(place: &Place, fd: RawFd) -> Sys<bool> {
    if !names(place, fd)? {
        return Ok(false);
    }
    match fd::unlink_at(place.dir.as_raw_fd(), &place.file) {
        Ok(()) => Ok(true),
        Err(libc::ENOENT) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Waits a little before an attempt that follows `attempt` failed ones: yields the CPU 50 times,
/// then sleeps 100 µs each time.
pub(crate) fn backoff(attempt: u32) {
    if attempt < 50 {
        std::thread::yield_now();
    } else {
        std::thread::sleep(std::time::Duration::from_micros(100));
    }
}

/// Closes a handle, removing the name if it was the last handle anywhere (the close paths of the
/// module documentation).
///
/// `inheritable`: the handle's OFD may also be a child's handle, so the decision is taken on a
/// fresh OFD after the handle's descriptor is closed. Otherwise views may map the handle's own
/// description (`obj` is then not the last reference to it), so its locks are dropped here
/// explicitly: views must not keep the name (spec §1.3).
pub(crate) fn release(
    obj: Arc<OwnedFd>,
    writable: bool,
    place: Option<&Place>,
    inheritable: bool,
) -> Sys<()> {
    let place = match place {
        Some(place) if writable => place,
        // An unnamed object's locks only count its handles: unless views hold the description,
        // they go with the descriptor.
        None if Arc::strong_count(&obj) == 1 => return Ok(()),
        _ => return let_go(obj, inheritable),
    };
    if inheritable {
        let fresh = fd::reopen(obj.as_raw_fd(), libc::O_RDWR)?;
        drop(obj);
        return judge(&fresh, place).map(drop);
    }
    // The handle is closed from here on: its slot goes first (*Close*, step 1).
    lock::unlock_all(obj.as_raw_fd())?;
    match judge(&obj, place)? {
        // The name is gone: what the description still holds concerns nobody.
        Judged::Removed | Judged::Others => Ok(()),
        Judged::Kept => let_go(obj, false),
    }
}

/// What [`judge`] found.
enum Judged {
    /// Another description holds a slot (or every slot): the description holds nothing.
    Others,
    /// No handle was left: the name was removed.
    Removed,
    /// No handle was left, but the name was not removed (this user may not, or it names
    /// another file now, or nothing): the description holds every slot, which the caller drops,
    /// so that the file stays usable wherever its owner put it.
    Kept,
}

/// Decides on `obj`, which holds no slot (any more), whether the last handle is gone, and
/// removes the name if so ("Last closer" in the module documentation). A name this user may
/// not unlink is left (stale).
fn judge(obj: &OwnedFd, place: &Place) -> Sys<Judged> {
    let raw = obj.as_raw_fd();
    match lock::try_claim_all(raw) {
        Ok(()) => match unlink_if_named(place, raw) {
            Ok(true) => Ok(Judged::Removed),
            // The name names another file now (its owner renamed this one), or nothing.
            Ok(false) => Ok(Judged::Kept),
            Err(libc::EPERM) | Err(libc::EACCES) => Ok(Judged::Kept),
            Err(e) => {
                lock::unlock_all(raw)?;
                Err(e)
            }
        },
        Err(libc::EAGAIN) => Ok(Judged::Others),
        Err(e) => Err(e),
    }
}

/// Drops a handle's reference to its description, and first every lock it holds, unless the
/// description may be a child's handle too (`inheritable`). The descriptor alone would not do:
/// views map the description, and a process that another thread forks holds a copy of every
/// descriptor until it calls `exec`; neither may keep the handle counted (spec §1.3).
fn let_go(obj: Arc<OwnedFd>, inheritable: bool) -> Sys<()> {
    if !inheritable {
        lock::unlock_all(obj.as_raw_fd())?;
    }
    Ok(())
}

/// What [`clean`] did with one entry.
pub(crate) enum Cleaned {
    /// Nothing has the name (any more).
    Absent,
    /// A live object: left alone.
    Live,
    /// A stale object of ours, removed.
    Removed,
    /// A stale object of ours that this user may not remove: the `errno` of the attempt
    /// (`EACCES`: only readable by us; `EPERM`: another user's file in the sticky directory).
    Kept(i32),
    /// Not an object of ours: left alone.
    Foreign(Foreign),
}

/// Removes the object at `place` if it is ours and every holder is gone (*Stale removal*).
/// `Err`: the entry could not be examined (`EACCES`: this user may not even read it).
pub(crate) fn clean(place: &Place, ours: Ours) -> Sys<Cleaned> {
    let (obj, writable) = match open_object(place, false, open_entry)? {
        Candidate::File(obj, writable) => (obj, writable),
        Candidate::Not(Found::Foreign(what)) => return Ok(Cleaned::Foreign(what)),
        Candidate::Not(_) => return Ok(Cleaned::Absent),
    };
    let raw = obj.as_raw_fd();
    if !ours(raw) {
        return Ok(Cleaned::Foreign(Foreign::NotAnObject));
    }
    if !stale(raw, writable)? {
        return Ok(Cleaned::Live);
    }
    if !writable {
        return Ok(Cleaned::Kept(libc::EACCES));
    }
    match unlink_if_named(place, raw) {
        Ok(true) => Ok(Cleaned::Removed),
        Ok(false) => Ok(Cleaned::Absent),
        Err(e) => Ok(Cleaned::Kept(e)),
    }
}
