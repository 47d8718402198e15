//! The Win32 error codes the suite asserts (spec §0.3), under their spec names: the one place
//! where the suite spells a code as a number.

pub(crate) const ERROR_SUCCESS: u32 = 0;
pub(crate) const ERROR_FILE_NOT_FOUND: u32 = 2;
pub(crate) const ERROR_PATH_NOT_FOUND: u32 = 3;
pub(crate) const ERROR_ACCESS_DENIED: u32 = 5;
pub(crate) const ERROR_INVALID_HANDLE: u32 = 6;
pub(crate) const ERROR_NOT_ENOUGH_MEMORY: u32 = 8;
pub(crate) const ERROR_INVALID_PARAMETER: u32 = 87;
pub(crate) const ERROR_INVALID_NAME: u32 = 123;
pub(crate) const ERROR_ALREADY_EXISTS: u32 = 183;
pub(crate) const ERROR_BAD_EXE_FORMAT: u32 = 193;
pub(crate) const ERROR_INVALID_ADDRESS: u32 = 487;
pub(crate) const ERROR_FILE_INVALID: u32 = 1006;
pub(crate) const ERROR_MAPPED_ALIGNMENT: u32 = 1132;
