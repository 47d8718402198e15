//! [`Mutex`]: a named mutex (`CreateMutex`, `OpenMutex`, `ReleaseMutex`, `WaitForSingleObject`)
//! in the same namespace as file mappings and events, with the same lifetime rules. Ownership is
//! per thread and recursive; a mutex whose owner thread ends (or whose process dies) is
//! abandoned, and the next waiter gets [`WaitOutcome::Abandoned`] and owns it.

#![allow(unsafe_code)]

use crate::error::Result;
use crate::namespace::Namespace;
use crate::protection::MutexAccess;
use crate::sys::{self, MutexOps, MutexParams, SyncRequest};
use crate::types::{Disposition, Permissions, WaitOutcome};
use crate::waitable::{create_name, open_by_name, require};
use std::time::Duration;

/// Options for creating a mutex: the arguments of `CreateMutexExW`.
///
/// The defaults are an unnamed mutex that nobody owns, and a handle with every right.
///
/// # Examples
///
/// ```
/// use filemapping::{Disposition, MutexOptions, WaitOutcome};
///
/// let name = format!("doc-mutex-{}", std::process::id());
/// let (mutex, disposition) = MutexOptions::new().name(&name).initial_owner(true).create()?;
/// assert_eq!(disposition, Disposition::Created);
/// // The creating thread owns it, recursively.
/// assert_eq!(mutex.wait(None)?, WaitOutcome::Acquired);
/// mutex.release()?;
/// mutex.release()?;
/// # Ok::<(), filemapping::Error>(())
/// ```
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/synchapi/nf-synchapi-createmutexexw>
#[doc(alias = "CreateMutexW")]
#[doc(alias = "CreateMutexExW")]
#[derive(Clone, Debug)]
pub struct MutexOptions {
    name: String,
    initial_owner: bool,
    access: MutexAccess,
    inheritable: bool,
    permissions: Permissions,
    namespace: Namespace,
}

impl Default for MutexOptions {
    fn default() -> MutexOptions {
        MutexOptions {
            name: String::new(),
            initial_owner: false,
            access: MutexAccess::ALL_ACCESS,
            inheritable: false,
            permissions: Permissions::default(),
            namespace: Namespace::default(),
        }
    }
}

impl MutexOptions {
    /// The default options.
    ///
    /// # Examples
    ///
    /// ```
    /// let (mutex, _) = filemapping::MutexOptions::new().create()?;
    /// assert_eq!(mutex.access(), filemapping::MutexAccess::ALL_ACCESS);
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[must_use]
    pub fn new() -> MutexOptions {
        MutexOptions::default()
    }

    create_setters!("filemapping::MutexOptions::new()");

    /// Whether the calling thread owns a new mutex at once (`bInitialOwner`,
    /// `CREATE_MUTEX_INITIAL_OWNER`). Ignored when the name is taken by a live mutex.
    ///
    /// # Examples
    ///
    /// ```
    /// let (mutex, _) = filemapping::MutexOptions::new().initial_owner(true).create()?;
    /// mutex.release()?;
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[must_use]
    pub fn initial_owner(mut self, owned: bool) -> Self {
        self.initial_owner = owned;
        self
    }

    /// The rights of the creator's handle (`dwDesiredAccess` of `CreateMutexExW`; generic
    /// rights mapped). The default is [`MutexAccess::ALL_ACCESS`].
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{ErrorKind, MutexAccess, MutexOptions};
    ///
    /// let (mutex, _) = MutexOptions::new().access(MutexAccess::MODIFY_STATE).create()?;
    /// assert_eq!(mutex.wait(None).unwrap_err().kind(), ErrorKind::AccessDenied);
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[must_use]
    pub fn access(mut self, access: MutexAccess) -> Self {
        self.access = access;
        self
    }

    /// Creates the mutex, or opens the live one of the same name (then the disposition says
    /// `OpenedExisting` and [`initial_owner`](Self::initial_owner) is ignored).
    ///
    /// # Errors
    ///
    /// - [`ErrorKind::InvalidHandle`](crate::ErrorKind::InvalidHandle): the name belongs to
    ///   another type of object (spec row 41).
    /// - [`ErrorKind::PathNotFound`](crate::ErrorKind::PathNotFound),
    ///   [`ErrorKind::InvalidName`](crate::ErrorKind::InvalidName): bad name (spec §4).
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{ErrorKind, EventOptions, MutexOptions};
    ///
    /// let name = format!("doc-mutex-clash-{}", std::process::id());
    /// let (_event, _) = EventOptions::new().name(&name).create()?;
    /// let err = MutexOptions::new().name(&name).create().unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::InvalidHandle);
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    pub fn create(&self) -> Result<(Mutex, Disposition)> {
        let access = self.access.map_generic();
        let request = SyncRequest {
            name: create_name(&self.name, "a mutex")?,
            raw_name: &self.name,
            root: self.namespace.root(),
            access: access.bits(),
            inheritable: self.inheritable,
            permissions: self.permissions,
            params: MutexParams {
                initial_owner: self.initial_owner,
            },
        };
        let (inner, disposition) = sys::Mutex::create(&request)?;
        Ok((Mutex { inner, access }, disposition))
    }
}

/// Options for opening a live mutex: the arguments of `OpenMutexW`.
///
/// The handle gets the access asked for, with generic rights mapped
/// ([`MutexAccess::map_generic`]): waiting needs [`MutexAccess::SYNCHRONIZE`]. Releasing needs
/// no right (only the owner can release), as on Windows.
///
/// # Examples
///
/// ```
/// use filemapping::{MutexAccess, MutexOpenOptions, MutexOptions, WaitOutcome};
///
/// let name = format!("doc-mutex-open-{}", std::process::id());
/// let (_mutex, _) = MutexOptions::new().name(&name).create()?;
/// let other = MutexOpenOptions::new(MutexAccess::SYNCHRONIZE).open(&name)?;
/// assert_eq!(other.wait(None)?, WaitOutcome::Acquired);
/// other.release()?;
/// # Ok::<(), filemapping::Error>(())
/// ```
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/synchapi/nf-synchapi-openmutexw>
#[doc(alias = "OpenMutexW")]
#[derive(Clone, Debug)]
pub struct MutexOpenOptions {
    access: MutexAccess,
    inheritable: bool,
    namespace: Namespace,
}

impl MutexOpenOptions {
    /// Options to open with `access` (`dwDesiredAccess`).
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{MutexAccess, MutexOpenOptions};
    ///
    /// let opts = MutexOpenOptions::new(MutexAccess::SYNCHRONIZE);
    /// # let _ = opts;
    /// ```
    #[must_use]
    pub fn new(access: MutexAccess) -> MutexOpenOptions {
        MutexOpenOptions {
            access,
            inheritable: false,
            namespace: Namespace::from_env(),
        }
    }

    handle_setters!("filemapping::MutexOpenOptions::new(filemapping::MutexAccess::SYNCHRONIZE)");

    /// Opens the live mutex `name`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::NotFound`](crate::ErrorKind::NotFound);
    /// [`ErrorKind::InvalidHandle`](crate::ErrorKind::InvalidHandle) if the name belongs to
    /// another type of object (spec row 40); the name errors of spec §4.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{ErrorKind, MutexAccess, MutexOpenOptions};
    ///
    /// let opts = MutexOpenOptions::new(MutexAccess::SYNCHRONIZE);
    /// assert_eq!(opts.open("doc-no-mutex-2").unwrap_err().kind(), ErrorKind::NotFound);
    /// ```
    pub fn open(&self, name: &str) -> Result<Mutex> {
        let access = self.access.map_generic();
        open_by_name(name, &self.namespace, self.inheritable, "a mutex", |req| {
            sys::Mutex::open(req, access.bits())
        })
        .map(|inner| Mutex { inner, access })
    }
}

/// A handle to a named or unnamed mutex. Dropping it closes it (closing does not release a
/// mutex that the thread owns: that thread still owns it, as on Windows); a named mutex exists
/// while a handle to it is open in any process.
///
/// Ownership belongs to a thread: [`wait`](Self::wait) acquires (recursively: each acquisition
/// needs its own [`release`](Self::release)), and only the owning thread may release. When the
/// owning thread ends or its process dies, the mutex is **abandoned**: the next wait returns
/// [`WaitOutcome::Abandoned`] and owns it.
///
/// # Platform notes
///
/// On Linux the mutex is a robust, process-shared pthread mutex in shared memory: the kernel
/// notices the owner's death (thread exit or `SIGKILL`), no daemon or heartbeat is involved.
///
/// # Examples
///
/// ```
/// use filemapping::{ErrorKind, Mutex, MutexOptions, WaitOutcome};
/// use std::time::Duration;
///
/// let name = format!("doc-mutex-type-{}", std::process::id());
/// let (mutex, _) = MutexOptions::new().name(&name).create()?;
/// assert_eq!(mutex.wait(None)?, WaitOutcome::Acquired);
/// let other = Mutex::open(&name)?;
/// let waiter = std::thread::spawn(move || {
///     let busy = other.wait(Some(Duration::from_millis(10))).unwrap();
///     let not_owner = other.release().unwrap_err().kind();
///     (busy, not_owner)
/// });
/// assert_eq!(waiter.join().unwrap(), (WaitOutcome::TimedOut, ErrorKind::NotOwner));
/// mutex.release()?;
/// # Ok::<(), filemapping::Error>(())
/// ```
#[derive(Debug)]
pub struct Mutex {
    inner: sys::Mutex,
    /// The handle's rights: `MUTEX_ALL_ACCESS` for a creator's by default.
    access: MutexAccess,
}

impl Mutex {
    /// Opens the live mutex `name` in the environment's namespace with every right
    /// (`OpenMutexW` with `MUTEX_ALL_ACCESS`). [`MutexOpenOptions`] asks for fewer.
    ///
    /// # Errors
    ///
    /// As [`MutexOpenOptions::open`].
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{ErrorKind, Mutex};
    ///
    /// assert_eq!(Mutex::open("doc-no-mutex").unwrap_err().kind(), ErrorKind::NotFound);
    /// ```
    #[doc(alias = "OpenMutexW")]
    pub fn open(name: &str) -> Result<Mutex> {
        MutexOpenOptions::new(MutexAccess::ALL_ACCESS).open(name)
    }

    /// The handle's rights.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{MutexAccess, MutexOptions};
    ///
    /// let (mutex, _) = MutexOptions::new().create()?;
    /// assert_eq!(mutex.access(), MutexAccess::ALL_ACCESS);
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[must_use]
    pub fn access(&self) -> MutexAccess {
        self.access
    }

    /// Acquires the mutex for the calling thread (`WaitForSingleObject`), waiting at most
    /// `timeout` (`None`: forever, `INFINITE`). A thread that owns it acquires it again at once
    /// (recursion). The wait blocks in the kernel.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::AccessDenied`](crate::ErrorKind::AccessDenied) if the handle lacks
    /// `SYNCHRONIZE` (`WAIT_FAILED` on Windows); [`ErrorKind::Other`](crate::ErrorKind::Other)
    /// if the OS refuses.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{MutexOptions, WaitOutcome};
    ///
    /// let (mutex, _) = MutexOptions::new().create()?;
    /// assert!(mutex.wait(Some(std::time::Duration::ZERO))?.is_acquired());
    /// mutex.release()?;
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[doc(alias = "WaitForSingleObject")]
    pub fn wait(&self, timeout: Option<Duration>) -> Result<WaitOutcome> {
        let has = self.access.contains(MutexAccess::SYNCHRONIZE);
        require(
            has,
            self.access.bits(),
            "mutex",
            "wait for it (SYNCHRONIZE)",
        )?;
        self.inner.wait(timeout)
    }

    /// Releases one acquisition by the calling thread (`ReleaseMutex`); the mutex is free once
    /// every acquisition is released.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::NotOwner`](crate::ErrorKind::NotOwner) (`ERROR_NOT_OWNER`) if the calling
    /// thread does not own the mutex.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{ErrorKind, MutexOptions};
    ///
    /// let (mutex, _) = MutexOptions::new().create()?;
    /// assert_eq!(mutex.release().unwrap_err().kind(), ErrorKind::NotOwner);
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[doc(alias = "ReleaseMutex")]
    pub fn release(&self) -> Result<()> {
        self.inner.release()
    }

    /// A second handle to the same mutex with the same rights (`DuplicateHandle` with
    /// `DUPLICATE_SAME_ACCESS`).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::AccessDenied`](crate::ErrorKind::AccessDenied) if the OS refuses.
    ///
    /// # Examples
    ///
    /// ```
    /// let (mutex, _) = filemapping::MutexOptions::new().initial_owner(true).create()?;
    /// let copy = mutex.try_clone()?;
    /// copy.release()?; // the same mutex, owned by this thread
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[doc(alias = "DuplicateHandle")]
    pub fn try_clone(&self) -> Result<Mutex> {
        self.duplicate(self.access, false)
    }

    /// A second handle to the same mutex with exactly `access` (generic rights mapped), and
    /// inheritable or not (`DuplicateHandle`).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::AccessDenied`](crate::ErrorKind::AccessDenied) if the OS refuses.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{ErrorKind, MutexAccess};
    ///
    /// let (mutex, _) = filemapping::MutexOptions::new().create()?;
    /// let weak = mutex.duplicate(MutexAccess::MODIFY_STATE, false)?;
    /// assert_eq!(weak.wait(None).unwrap_err().kind(), ErrorKind::AccessDenied);
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[doc(alias = "DuplicateHandle")]
    pub fn duplicate(&self, access: MutexAccess, inheritable: bool) -> Result<Mutex> {
        let access = access.map_generic();
        let inner = self.inner.duplicate(access.bits(), inheritable)?;
        Ok(Mutex { inner, access })
    }

    /// For an inheritable handle: the text to pass to a child process (on its command line or in
    /// its environment) so that it can adopt the handle with
    /// [`from_inherit_token`](Self::from_inherit_token). `None` if the handle is not inheritable.
    ///
    /// Every child started while the handle is open inherits it, as with Windows'
    /// `bInheritHandles = TRUE`. The token names the inherited handle (a descriptor on Linux,
    /// the `HANDLE` value on Windows) and the handle's rights.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{MutexOptions};
    ///
    /// let (mutex, _) = MutexOptions::new().create()?;
    /// assert_eq!(mutex.inherit_token(), None);
    /// let child_copy = mutex.duplicate(mutex.access(), true)?;
    /// assert!(child_copy.inherit_token().is_some());
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[must_use]
    pub fn inherit_token(&self) -> Option<String> {
        let raw = sys::InheritOps::inherit_raw(&self.inner);
        crate::waitable::inherit_token(raw, self.access.bits())
    }

    /// Adopts a handle inherited from the parent process, described by the parent's
    /// [`inherit_token`](Self::inherit_token). The handle keeps the rights the parent's had.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidHandle`](crate::ErrorKind::InvalidHandle) if the token is malformed
    /// or does not describe an open handle of a mutex.
    ///
    /// # Safety
    ///
    /// The handle named by the token must have been inherited from the parent, be open, and be
    /// owned by nothing else in this process; adopt each token at most once.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use filemapping::Mutex;
    ///
    /// let token = std::env::var("MY_MUTEX").expect("set by the parent");
    /// // SAFETY: the parent passed an inheritable handle's token, adopted only here.
    /// let mutex = unsafe { Mutex::from_inherit_token(&token)? };
    /// # drop(mutex);
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    pub unsafe fn from_inherit_token(token: &str) -> Result<Mutex> {
        let (raw, access) = crate::waitable::parse_inherit_token(token, "a mutex")?;
        // SAFETY: the caller upholds the contract of `InheritOps::adopt_raw`, which is this
        // function's own.
        let inner = unsafe { <sys::Mutex as sys::InheritOps>::adopt_raw(raw) }?;
        Ok(Mutex {
            inner,
            access: MutexAccess::from_bits(access),
        })
    }
}

impl crate::wait::sealed::Sealed for Mutex {
    fn handle(&self) -> crate::wait::sealed::Handle<'_> {
        crate::wait::sealed::Handle {
            object: sys::WaitRef::Mutex(&self.inner),
            can_wait: self.access.contains(MutexAccess::SYNCHRONIZE),
            // As `release`: ownership is what counts.
            can_signal: true,
            bits: self.access.bits(),
            what: "mutex",
        }
    }
}
