//! SIGINT, SIGTERM and SIGHUP (Ctrl-C and Ctrl-Break on Windows) end the commands that hold a
//! name (`create`, `send`, `recv`, `watch`) as their normal end: they drop their handles in
//! order, so the name goes away with the last one instead of staying behind as a stale entry
//! until `fmap gc`. Other commands keep the default: the signal ends them at once (they only
//! borrow names that someone else holds).

use crate::failure::Failure;
use std::sync::atomic::{AtomicBool, Ordering};

static TERMINATED: AtomicBool = AtomicBool::new(false);

/// From now on, a termination signal sets [`terminated`] and calls `notify` (on a thread of its
/// own) instead of killing the process. Installed once per process.
pub(crate) fn on_termination(notify: impl Fn() + Send + 'static) -> Result<(), Failure> {
    ctrlc::set_handler(move || {
        TERMINATED.store(true, Ordering::SeqCst);
        notify();
    })
    .map_err(|e| Failure::new(format!("cannot handle signals: {e}")))
}

/// Whether a termination signal arrived.
pub(crate) fn terminated() -> bool {
    TERMINATED.load(Ordering::SeqCst)
}

/// [`on_termination`] with a channel: the receiver gets `()` on a signal.
pub(crate) fn channel() -> Result<std::sync::mpsc::Receiver<()>, Failure> {
    let (tx, rx) = std::sync::mpsc::channel();
    on_termination(move || {
        let _ = tx.send(());
    })?;
    Ok(rx)
}
