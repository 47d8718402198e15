//! [`Semaphore`]: a named semaphore (`CreateSemaphore`, `OpenSemaphore`, `ReleaseSemaphore`,
//! `WaitForSingleObject`) in the same namespace as file mappings, events and mutexes, with the
//! same lifetime rules.

#![allow(unsafe_code)]

use crate::error::{Error, ErrorKind, Result};
use crate::namespace::Namespace;
use crate::protection::SemaphoreAccess;
use crate::sys::{self, SemaphoreOps, SemaphoreParams, SyncRequest};
use crate::types::{Disposition, Permissions};
use crate::waitable::{create_name, open_by_name, require};
use std::time::Duration;

/// Options for creating a semaphore: the arguments of `CreateSemaphoreExW`.
///
/// The defaults are an unnamed semaphore with count 0 and maximum 1, and a handle with every
/// right. Counts are Win32 `LONG`s: the maximum must be positive and the initial count between 0
/// and the maximum, else [`create`](Self::create) fails with `ERROR_INVALID_PARAMETER`.
///
/// # Examples
///
/// ```
/// use filemapping::{Disposition, SemaphoreOptions};
/// use std::time::Duration;
///
/// let name = format!("doc-semaphore-{}", std::process::id());
/// let (sem, disposition) = SemaphoreOptions::new().name(&name).initial(1).maximum(2).create()?;
/// assert_eq!(disposition, Disposition::Created);
/// assert!(sem.wait(Some(Duration::ZERO))?);
/// assert!(!sem.wait(Some(Duration::ZERO))?, "the count is 0 now");
/// assert_eq!(sem.release(2)?, 0, "the previous count");
/// # Ok::<(), filemapping::Error>(())
/// ```
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/synchapi/nf-synchapi-createsemaphoreexw>
#[doc(alias = "CreateSemaphoreW")]
#[doc(alias = "CreateSemaphoreExW")]
#[derive(Clone, Debug)]
pub struct SemaphoreOptions {
    name: String,
    initial: i32,
    maximum: i32,
    access: SemaphoreAccess,
    inheritable: bool,
    permissions: Permissions,
    namespace: Namespace,
}

impl Default for SemaphoreOptions {
    fn default() -> SemaphoreOptions {
        SemaphoreOptions {
            name: String::new(),
            initial: 0,
            maximum: 1,
            access: SemaphoreAccess::ALL_ACCESS,
            inheritable: false,
            permissions: Permissions::default(),
            namespace: Namespace::default(),
        }
    }
}

impl SemaphoreOptions {
    /// The default options.
    ///
    /// # Examples
    ///
    /// ```
    /// let (sem, _) = filemapping::SemaphoreOptions::new().create()?;
    /// assert!(!sem.wait(Some(std::time::Duration::ZERO))?);
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[must_use]
    pub fn new() -> SemaphoreOptions {
        SemaphoreOptions::default()
    }

    create_setters!("filemapping::SemaphoreOptions::new()");

    /// The count of a new semaphore (`lInitialCount`): how many waits it satisfies before a
    /// release.
    ///
    /// # Examples
    ///
    /// ```
    /// let (sem, _) = filemapping::SemaphoreOptions::new().initial(1).create()?;
    /// assert!(sem.wait(Some(std::time::Duration::ZERO))?);
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[must_use]
    pub fn initial(mut self, count: i32) -> Self {
        self.initial = count;
        self
    }

    /// The highest count a new semaphore may reach (`lMaximumCount`).
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::ErrorKind;
    ///
    /// let (sem, _) = filemapping::SemaphoreOptions::new().maximum(3).create()?;
    /// assert_eq!(sem.release(3)?, 0);
    /// assert_eq!(sem.release(1).unwrap_err().kind(), ErrorKind::TooManyPosts);
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[must_use]
    pub fn maximum(mut self, count: i32) -> Self {
        self.maximum = count;
        self
    }

    /// The rights of the creator's handle (`dwDesiredAccess` of `CreateSemaphoreExW`; generic
    /// rights mapped). The default is [`SemaphoreAccess::ALL_ACCESS`].
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{ErrorKind, SemaphoreAccess, SemaphoreOptions};
    ///
    /// let (sem, _) = SemaphoreOptions::new().access(SemaphoreAccess::SYNCHRONIZE).create()?;
    /// assert_eq!(sem.release(1).unwrap_err().kind(), ErrorKind::AccessDenied);
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[must_use]
    pub fn access(mut self, access: SemaphoreAccess) -> Self {
        self.access = access;
        self
    }

    /// Creates the semaphore, or opens the live one of the same name (then the disposition says
    /// `OpenedExisting` and its own counts apply).
    ///
    /// # Errors
    ///
    /// - [`ErrorKind::InvalidParameter`]: a maximum below 1, or an initial count below 0 or above
    ///   the maximum (checked before the name is looked at).
    /// - [`ErrorKind::InvalidHandle`]: the name belongs to another type of object (spec row 41).
    /// - [`ErrorKind::PathNotFound`], [`ErrorKind::InvalidName`]: bad name (spec §4).
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{ErrorKind, SemaphoreOptions};
    ///
    /// let err = SemaphoreOptions::new().initial(2).maximum(1).create().unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::InvalidParameter);
    /// ```
    pub fn create(&self) -> Result<(Semaphore, Disposition)> {
        if self.maximum <= 0 || self.initial < 0 || self.initial > self.maximum {
            return Err(Error::new(
                ErrorKind::InvalidParameter,
                format!(
                    "a semaphore needs 0 <= initial count <= maximum and a positive maximum, not {} and {}",
                    self.initial, self.maximum
                ),
            ));
        }
        let access = self.access.map_generic();
        let request = SyncRequest {
            name: create_name(&self.name, "a semaphore")?,
            raw_name: &self.name,
            root: self.namespace.root(),
            access: access.bits(),
            inheritable: self.inheritable,
            permissions: self.permissions,
            params: SemaphoreParams {
                initial: self.initial as u32,
                maximum: self.maximum as u32,
            },
        };
        let (inner, disposition) = sys::Semaphore::create(&request)?;
        Ok((Semaphore { inner, access }, disposition))
    }
}

/// Options for opening a live semaphore: the arguments of `OpenSemaphoreW`.
///
/// The handle gets the access asked for, with generic rights mapped
/// ([`SemaphoreAccess::map_generic`]): waiting needs [`SemaphoreAccess::SYNCHRONIZE`],
/// releasing needs [`SemaphoreAccess::MODIFY_STATE`].
///
/// # Examples
///
/// ```
/// use filemapping::{ErrorKind, SemaphoreAccess, SemaphoreOpenOptions, SemaphoreOptions};
///
/// let name = format!("doc-semaphore-open-{}", std::process::id());
/// let (_sem, _) = SemaphoreOptions::new().name(&name).create()?;
/// let poster = SemaphoreOpenOptions::new(SemaphoreAccess::MODIFY_STATE).open(&name)?;
/// assert_eq!(poster.release(1)?, 0);
/// assert_eq!(poster.wait(None).unwrap_err().kind(), ErrorKind::AccessDenied);
/// # Ok::<(), filemapping::Error>(())
/// ```
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/synchapi/nf-synchapi-opensemaphorew>
#[doc(alias = "OpenSemaphoreW")]
#[derive(Clone, Debug)]
pub struct SemaphoreOpenOptions {
    access: SemaphoreAccess,
    inheritable: bool,
    namespace: Namespace,
}

impl SemaphoreOpenOptions {
    /// Options to open with `access` (`dwDesiredAccess`).
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{SemaphoreAccess, SemaphoreOpenOptions};
    ///
    /// let opts = SemaphoreOpenOptions::new(SemaphoreAccess::SYNCHRONIZE);
    /// # let _ = opts;
    /// ```
    #[must_use]
    pub fn new(access: SemaphoreAccess) -> SemaphoreOpenOptions {
        SemaphoreOpenOptions {
            access,
            inheritable: false,
            namespace: Namespace::from_env(),
        }
    }

    handle_setters!(
        "filemapping::SemaphoreOpenOptions::new(filemapping::SemaphoreAccess::SYNCHRONIZE)"
    );

    /// Opens the live semaphore `name`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::NotFound`]; [`ErrorKind::InvalidHandle`] if the name belongs to another type
    /// of object (spec row 40); the name errors of spec §4.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{ErrorKind, SemaphoreAccess, SemaphoreOpenOptions};
    ///
    /// let opts = SemaphoreOpenOptions::new(SemaphoreAccess::SYNCHRONIZE);
    /// assert_eq!(opts.open("doc-no-semaphore-2").unwrap_err().kind(), ErrorKind::NotFound);
    /// ```
    pub fn open(&self, name: &str) -> Result<Semaphore> {
        let access = self.access.map_generic();
        open_by_name(
            name,
            &self.namespace,
            self.inheritable,
            "a semaphore",
            |req| sys::Semaphore::open(req, access.bits()),
        )
        .map(|inner| Semaphore { inner, access })
    }
}

/// A handle to a named or unnamed semaphore. Dropping it closes it; a named semaphore exists
/// while a handle to it is open in any process.
///
/// # Platform notes
///
/// On Linux the count is a futex word in shared memory: waiting blocks in the kernel and never
/// polls.
///
/// # Examples
///
/// ```
/// use filemapping::{Semaphore, SemaphoreOptions};
/// use std::time::Duration;
///
/// let name = format!("doc-semaphore-type-{}", std::process::id());
/// let (sem, _) = SemaphoreOptions::new().name(&name).maximum(10).create()?;
/// let opener = Semaphore::open(&name)?;
/// let waiter = std::thread::spawn(move || opener.wait(Some(Duration::from_secs(30))));
/// sem.release(1)?;
/// assert!(waiter.join().unwrap()?);
/// # Ok::<(), filemapping::Error>(())
/// ```
#[derive(Debug)]
pub struct Semaphore {
    inner: sys::Semaphore,
    /// The handle's rights: `SEMAPHORE_ALL_ACCESS` for a creator's by default.
    access: SemaphoreAccess,
}

impl Semaphore {
    /// Opens the live semaphore `name` in the environment's namespace with every right
    /// (`OpenSemaphoreW` with `SEMAPHORE_ALL_ACCESS`).
    ///
    /// # Errors
    ///
    /// As [`SemaphoreOpenOptions::open`].
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{ErrorKind, Semaphore};
    ///
    /// assert_eq!(Semaphore::open("doc-no-semaphore").unwrap_err().kind(), ErrorKind::NotFound);
    /// ```
    #[doc(alias = "OpenSemaphoreW")]
    pub fn open(name: &str) -> Result<Semaphore> {
        SemaphoreOpenOptions::new(SemaphoreAccess::ALL_ACCESS).open(name)
    }

    /// The handle's rights.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{SemaphoreAccess, SemaphoreOptions};
    ///
    /// let (sem, _) = SemaphoreOptions::new().create()?;
    /// assert_eq!(sem.access(), SemaphoreAccess::ALL_ACCESS);
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[must_use]
    pub fn access(&self) -> SemaphoreAccess {
        self.access
    }

    /// Takes one unit of the count (`true`), waiting at most `timeout` while it is 0 (`false`
    /// when it passes; `None` waits forever). The wait blocks in the kernel.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::AccessDenied`] if the handle lacks `SYNCHRONIZE`.
    ///
    /// # Examples
    ///
    /// ```
    /// let (sem, _) = filemapping::SemaphoreOptions::new().create()?;
    /// assert!(!sem.wait(Some(std::time::Duration::from_millis(10)))?);
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[doc(alias = "WaitForSingleObject")]
    pub fn wait(&self, timeout: Option<Duration>) -> Result<bool> {
        let has = self.access.contains(SemaphoreAccess::SYNCHRONIZE);
        require(
            has,
            self.access.bits(),
            "semaphore",
            "wait for it (SYNCHRONIZE)",
        )?;
        self.inner.wait(timeout)
    }

    /// Adds `count` to the count, releasing that many waiters (`ReleaseSemaphore`), and returns
    /// the count before.
    ///
    /// # Errors
    ///
    /// - [`ErrorKind::InvalidParameter`]: `count` below 1.
    /// - [`ErrorKind::TooManyPosts`] (`ERROR_TOO_MANY_POSTS`): the count would pass the
    ///   maximum; it is left unchanged.
    /// - [`ErrorKind::AccessDenied`]: the handle lacks `SEMAPHORE_MODIFY_STATE`.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::ErrorKind;
    ///
    /// let (sem, _) = filemapping::SemaphoreOptions::new().maximum(2).create()?;
    /// assert_eq!(sem.release(0).unwrap_err().kind(), ErrorKind::InvalidParameter);
    /// assert_eq!(sem.release(1)?, 0);
    /// assert_eq!(sem.release(1)?, 1);
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[doc(alias = "ReleaseSemaphore")]
    pub fn release(&self, count: i32) -> Result<i32> {
        let has = self.access.contains(SemaphoreAccess::MODIFY_STATE);
        let action = "release it (SEMAPHORE_MODIFY_STATE)";
        require(has, self.access.bits(), "semaphore", action)?;
        if count <= 0 {
            return Err(Error::new(
                ErrorKind::InvalidParameter,
                format!("a semaphore is released by at least 1, not {count}"),
            ));
        }
        self.inner
            .release(count as u32)
            .map(|previous| previous as i32)
    }

    /// A second handle to the same semaphore with the same rights (`DuplicateHandle` with
    /// `DUPLICATE_SAME_ACCESS`).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::AccessDenied`] if the OS refuses.
    ///
    /// # Examples
    ///
    /// ```
    /// let (sem, _) = filemapping::SemaphoreOptions::new().create()?;
    /// let copy = sem.try_clone()?;
    /// copy.release(1)?;
    /// assert!(sem.wait(Some(std::time::Duration::ZERO))?);
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[doc(alias = "DuplicateHandle")]
    pub fn try_clone(&self) -> Result<Semaphore> {
        self.duplicate(self.access, false)
    }

    /// A second handle to the same semaphore with exactly `access` (generic rights mapped), and
    /// inheritable or not (`DuplicateHandle`).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::AccessDenied`] if the OS refuses.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{ErrorKind, SemaphoreAccess};
    ///
    /// let (sem, _) = filemapping::SemaphoreOptions::new().create()?;
    /// let waiter = sem.duplicate(SemaphoreAccess::SYNCHRONIZE, false)?;
    /// assert_eq!(waiter.release(1).unwrap_err().kind(), ErrorKind::AccessDenied);
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[doc(alias = "DuplicateHandle")]
    pub fn duplicate(&self, access: SemaphoreAccess, inheritable: bool) -> Result<Semaphore> {
        let access = access.map_generic();
        let inner = self.inner.duplicate(access.bits(), inheritable)?;
        Ok(Semaphore { inner, access })
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
    /// use filemapping::{SemaphoreOptions};
    ///
    /// let (sem, _) = SemaphoreOptions::new().create()?;
    /// assert_eq!(sem.inherit_token(), None);
    /// let child_copy = sem.duplicate(sem.access(), true)?;
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
    /// [`ErrorKind::InvalidHandle`] if the token is malformed
    /// or does not describe an open handle of a semaphore.
    ///
    /// # Safety
    ///
    /// The handle named by the token must have been inherited from the parent, be open, and be
    /// owned by nothing else in this process; adopt each token at most once.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use filemapping::Semaphore;
    ///
    /// let token = std::env::var("MY_SEMAPHORE").expect("set by the parent");
    /// // SAFETY: the parent passed an inheritable handle's token, adopted only here.
    /// let sem = unsafe { Semaphore::from_inherit_token(&token)? };
    /// # drop(sem);
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    pub unsafe fn from_inherit_token(token: &str) -> Result<Semaphore> {
        let (raw, access) = crate::waitable::parse_inherit_token(token, "a semaphore")?;
        // SAFETY: the caller upholds the contract of `InheritOps::adopt_raw`, which is this
        // function's own.
        let inner = unsafe { <sys::Semaphore as sys::InheritOps>::adopt_raw(raw) }?;
        Ok(Semaphore {
            inner,
            access: SemaphoreAccess::from_bits(access),
        })
    }
}

impl crate::wait::sealed::Sealed for Semaphore {
    fn handle(&self) -> crate::wait::sealed::Handle<'_> {
        crate::wait::sealed::Handle {
            object: sys::WaitRef::Semaphore(&self.inner),
            can_wait: self.access.contains(SemaphoreAccess::SYNCHRONIZE),
            can_signal: self.access.contains(SemaphoreAccess::MODIFY_STATE),
            bits: self.access.bits(),
            what: "semaphore",
        }
    }
}
