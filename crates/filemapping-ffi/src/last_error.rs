//! The per-thread last-error value behind `GetLastError` / `SetLastError`.

use std::cell::Cell;

thread_local! {
    static LAST_ERROR: Cell<u32> = const { Cell::new(0) };
}

/// The calling thread's last error.
pub(crate) fn get() -> u32 {
    LAST_ERROR.try_with(Cell::get).unwrap_or(0)
}

/// Sets the calling thread's last error. Ignored while the thread is being torn down.
pub(crate) fn set(code: u32) {
    let _ = LAST_ERROR.try_with(|cell| cell.set(code));
}

#[cfg(test)]
mod tests {
    use filemapping::{ERROR_ACCESS_DENIED, ERROR_INVALID_HANDLE, ERROR_SUCCESS};

    #[test]
    fn each_thread_has_its_own_value() {
        super::set(ERROR_ACCESS_DENIED);
        std::thread::spawn(|| {
            assert_eq!(super::get(), ERROR_SUCCESS);
            super::set(ERROR_INVALID_HANDLE);
        })
        .join()
        .unwrap();
        assert_eq!(super::get(), ERROR_ACCESS_DENIED);
    }
}
