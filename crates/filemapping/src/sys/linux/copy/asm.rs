//! The copy routines that a fault may interrupt, in assembly, with known addresses.
//!
//! `filemapping_safe_copy_v1(dst, src, len)` copies `len` bytes with `rep movsb` and returns how
//! many it did *not* copy: 0, unless an instruction between the labels
//! `filemapping_safe_copy_v1_fault_begin` and `filemapping_safe_copy_v1_fault_end` faulted and
//! the fault handler ([`super::fault`]) moved the instruction pointer to
//! `filemapping_safe_copy_v1_fixup`. A fault leaves `rcx` holding the bytes still to move (the
//! instruction is restartable, so the processor reports the exact state at the faulting
//! byte), and the fixup returns it. `filemapping_safe_copy_v1_vec` is the same with an AVX2
//! loop before the `rep movsb`, for the sizes where that is faster ([`VECTOR`]), with labels and
//! a fixup of its own.
//!
//! The symbols are hidden (never exported from a shared library built with this crate) and
//! weak, and their names carry the version of this routine's contract (`_v1`): two versions of
//! this crate linked into one program share one copy of the routine when their contracts
//! agree (the routine is a COMDAT group: the linker keeps one whole copy, and every fault handler
//! checks the addresses of that one), and keep their own when a later contract takes a new name.

#![allow(unsafe_code)]

core::arch::global_asm!(
    // A COMDAT group: of several copies in one link, the linker keeps one whole section, so
    // the routine and its labels always come from the same copy.
    ".pushsection .text.filemapping_safe_copy_v1,\"axG\",@progbits,filemapping_safe_copy_v1,comdat",
    ".p2align 4",
    ".weak filemapping_safe_copy_v1",
    ".hidden filemapping_safe_copy_v1",
    ".type filemapping_safe_copy_v1,@function",
    "filemapping_safe_copy_v1:",
    // System V: rdi = dst, rsi = src, rdx = len; the direction flag is clear on entry.
    "mov rcx, rdx",
    ".weak filemapping_safe_copy_v1_fault_begin",
    ".hidden filemapping_safe_copy_v1_fault_begin",
    "filemapping_safe_copy_v1_fault_begin:",
    "rep movsb",
    ".weak filemapping_safe_copy_v1_fault_end",
    ".hidden filemapping_safe_copy_v1_fault_end",
    "filemapping_safe_copy_v1_fault_end:",
    "xor eax, eax",
    "ret",
    ".weak filemapping_safe_copy_v1_fixup",
    ".hidden filemapping_safe_copy_v1_fixup",
    "filemapping_safe_copy_v1_fixup:",
    "mov rax, rcx",
    "ret",
    ".size filemapping_safe_copy_v1, . - filemapping_safe_copy_v1",
    // The same for copies of a few KiB, where `rep movsb` starts too slowly to keep up with
    // `memcpy`: 128 bytes a round through four 32-byte AVX registers, the rest by `rep movsb`.
    // Only called where the processor and the system support AVX2. A fault anywhere between
    // the two labels leaves `rcx` at the bytes of the rounds not finished (at least 128 in the
    // loop, at least 1 in the `rep movsb`).
    ".p2align 4",
    ".weak filemapping_safe_copy_v1_vec",
    ".hidden filemapping_safe_copy_v1_vec",
    ".type filemapping_safe_copy_v1_vec,@function",
    "filemapping_safe_copy_v1_vec:",
    "mov rcx, rdx",
    ".weak filemapping_safe_copy_v1_vec_fault_begin",
    ".hidden filemapping_safe_copy_v1_vec_fault_begin",
    "filemapping_safe_copy_v1_vec_fault_begin:",
    "cmp rcx, 128",
    "jb 2f",
    "1:",
    "vmovdqu ymm0, ymmword ptr [rsi]",
    "vmovdqu ymm1, ymmword ptr [rsi + 32]",
    "vmovdqu ymm2, ymmword ptr [rsi + 64]",
    "vmovdqu ymm3, ymmword ptr [rsi + 96]",
    "vmovdqu ymmword ptr [rdi], ymm0",
    "vmovdqu ymmword ptr [rdi + 32], ymm1",
    "vmovdqu ymmword ptr [rdi + 64], ymm2",
    "vmovdqu ymmword ptr [rdi + 96], ymm3",
    "add rsi, 128",
    "add rdi, 128",
    "sub rcx, 128",
    "cmp rcx, 128",
    "jae 1b",
    "2:",
    "rep movsb",
    ".weak filemapping_safe_copy_v1_vec_fault_end",
    ".hidden filemapping_safe_copy_v1_vec_fault_end",
    "filemapping_safe_copy_v1_vec_fault_end:",
    "vzeroupper",
    "xor eax, eax",
    "ret",
    ".weak filemapping_safe_copy_v1_vec_fixup",
    ".hidden filemapping_safe_copy_v1_vec_fixup",
    "filemapping_safe_copy_v1_vec_fixup:",
    "vzeroupper",
    "mov rax, rcx",
    "ret",
    ".size filemapping_safe_copy_v1_vec, . - filemapping_safe_copy_v1_vec",
    ".popsection",
);

extern "C" {
    /// Copies `len` bytes from `src` to `dst`; returns the bytes not copied (0 unless a fault
    /// was fixed up).
    fn filemapping_safe_copy_v1(dst: *mut u8, src: *const u8, len: usize) -> usize;
    // Labels, declared as functions only to take their addresses; never called.
    fn filemapping_safe_copy_v1_fault_begin();
    fn filemapping_safe_copy_v1_fault_end();
    fn filemapping_safe_copy_v1_fixup();
    /// The AVX2 routine: the same contract as `filemapping_safe_copy_v1`.
    fn filemapping_safe_copy_v1_vec(dst: *mut u8, src: *const u8, len: usize) -> usize;
    fn filemapping_safe_copy_v1_vec_fault_begin();
    fn filemapping_safe_copy_v1_vec_fault_end();
    fn filemapping_safe_copy_v1_vec_fixup();
}

/// The copies that the AVX2 routine does: from two rounds of its loop up to the size where
/// `rep movsb` is as fast as `memcpy` (measured with `examples/copy_speed.rs`).
const VECTOR: std::ops::Range<usize> = 256..16384;

/// Copies `len` bytes from `src` to `dst`; returns the bytes not copied, 0 unless a page
/// faulted and the fault handler was installed to resume at the fixup.
///
/// # Safety
///
/// `src` is valid for reads and `dst` for writes of `len` bytes, or the pages that are not are
/// pages whose fault [`super::fault`] turns into an early return (it is installed); the ranges
/// do not overlap.
pub(super) unsafe fn copy(dst: *mut u8, src: *const u8, len: usize) -> usize {
    // SAFETY: the caller's promise; the routines touch only `[src, src + len)` and
    // `[dst, dst + len)`, follow the C calling convention and clobber only what it lets them
    // (rax, rcx, rsi, rdi, ymm0-ymm3); the AVX2 one runs only where the processor and the
    // system support AVX2.
    unsafe {
        if VECTOR.contains(&len) && std::is_x86_feature_detected!("avx2") {
            // The processor and the system support AVX2 (the macro checks both, and caches).
            filemapping_safe_copy_v1_vec(dst, src, len)
        } else {
            filemapping_safe_copy_v1(dst, src, len)
        }
    }
}

/// Where to resume after a fault at instruction address `ip`: the fixup of the routine whose
/// memory-touching instructions `ip` is one of; `None` for any other address.
pub(super) fn fixup(ip: usize) -> Option<usize> {
    let address = |f: unsafe extern "C" fn()| f as *const () as usize;
    let plain =
        address(filemapping_safe_copy_v1_fault_begin)..address(filemapping_safe_copy_v1_fault_end);
    let vector = address(filemapping_safe_copy_v1_vec_fault_begin)
        ..address(filemapping_safe_copy_v1_vec_fault_end);
    if plain.contains(&ip) {
        Some(address(filemapping_safe_copy_v1_fixup))
    } else if vector.contains(&ip) {
        Some(address(filemapping_safe_copy_v1_vec_fixup))
    } else {
        None
    }
}

/// Makes the interrupted thread whose machine context is `context` resume at the fixup, if it
/// was interrupted at the copy instruction; returns whether it was.
///
/// # Safety
///
/// `context` is the `ucontext_t` the kernel passed to a signal handler that is running now.
pub(super) unsafe fn redirect(context: *mut libc::c_void) -> bool {
    let context = context.cast::<libc::ucontext_t>();
    // SAFETY: the caller's promise: a live, writable context, which the kernel reads back as
    // the handler returns.
    let ip = unsafe { &mut (*context).uc_mcontext.gregs[libc::REG_RIP as usize] };
    match fixup(*ip as usize) {
        Some(to) => {
            *ip = to as libc::greg_t;
            true
        }
        None => false,
    }
}
