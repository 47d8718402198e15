//! The copy routine that a fault may interrupt: `rep movsb` in assembly, with known addresses.
//!
//! `filemapping_safe_copy_v1(dst, src, len)` copies `len` bytes and returns how many it did *not*
//! copy: 0, unless the one instruction that touches memory, the `rep movsb` between the labels
//! `filemapping_safe_copy_v1_fault_begin` and `filemapping_safe_copy_v1_fault_end`, faulted and the
//! fault handler ([`super::fault`]) moved the instruction pointer to
//! `filemapping_safe_copy_v1_fixup`. A fault leaves `rcx` holding the bytes still to move (the
//! instruction is restartable, so the processor reports the exact state at the faulting
//! byte), and the fixup returns it.
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
}

/// Copies `len` bytes from `src` to `dst`; returns the bytes not copied, 0 unless a page
/// faulted and the fault handler was installed to resume at the fixup.
///
/// # Safety
///
/// `src` is valid for reads and `dst` for writes of `len` bytes, or the pages that are not are
/// pages whose fault [`super::fault`] turns into an early return (it is installed); the ranges
/// do not overlap.
#[inline]
pub(super) unsafe fn copy(dst: *mut u8, src: *const u8, len: usize) -> usize {
    // SAFETY: the caller's promise; the routine touches only `[src, src + len)` and
    // `[dst, dst + len)`, follows the C calling convention and clobbers only what it may
    // (rax, rcx, rsi, rdi).
    unsafe { filemapping_safe_copy_v1(dst, src, len) }
}

/// Where to resume after a fault at instruction address `ip`: the fixup, if `ip` is the copy
/// instruction; `None` for any other address.
pub(super) fn fixup(ip: usize) -> Option<usize> {
    let begin = filemapping_safe_copy_v1_fault_begin as *const () as usize;
    let end = filemapping_safe_copy_v1_fault_end as *const () as usize;
    (begin..end)
        .contains(&ip)
        .then_some(filemapping_safe_copy_v1_fixup as *const () as usize)
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
