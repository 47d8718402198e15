//! [`Event`]: a named event (`CreateEvent`, `SetEvent`, `WaitForSingleObject`) in the same
//! namespace as file mappings, with the same lifetime rules.

#![allow(unsafe_code)]

use crate::error::{Error, ErrorKind, Result};
use crate::name::{self, Parsed};
use crate::namespace::Namespace;
use crate::protection::{EventAccess, FileMapAccess};
use crate::sys::{self, EventOps, EventRequest, OpenRequest};
use crate::types::{Disposition, Permissions};
use std::time::Duration;

/// Options for creating an event: the arguments of `CreateEventW`.
///
/// The defaults are an unnamed, auto-reset event that starts non-signaled.
///
/// # Examples
///
/// ```
/// use filemapping::{Disposition, EventOptions};
///
/// let name = format!("doc-event-{}", std::process::id());
/// let (event, disposition) = EventOptions::new().name(&name).manual_reset(true).create()?;
/// assert_eq!(disposition, Disposition::Created);
/// event.set()?;
/// assert!(event.wait(None)?);
/// assert!(event.wait(None)?, "a manual-reset event stays signaled");
/// # Ok::<(), filemapping::Error>(())
/// ```
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/synchapi/nf-synchapi-createeventw>
#[doc(alias = "CreateEventW")]
#[derive(Clone, Debug, Default)]
pub struct EventOptions {
    name: String,
    manual_reset: bool,
    initial_state: bool,
    inheritable: bool,
    permissions: Permissions,
    namespace: Namespace,
}

impl EventOptions {
    /// The default options.
    ///
    /// # Examples
    ///
    /// ```
    /// let (event, _) = filemapping::EventOptions::new().create()?;
    /// assert!(!event.is_manual_reset());
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[must_use]
    pub fn new() -> EventOptions {
        EventOptions::default()
    }

    create_setters!("filemapping::EventOptions::new()");

    /// Whether the event stays signaled until reset (`bManualReset`), releasing every waiter,
    /// rather than being consumed by the one waiter it releases.
    ///
    /// # Examples
    ///
    /// ```
    /// let (event, _) = filemapping::EventOptions::new().manual_reset(true).create()?;
    /// assert!(event.is_manual_reset());
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[must_use]
    pub fn manual_reset(mut self, manual_reset: bool) -> Self {
        self.manual_reset = manual_reset;
        self
    }

    /// Whether a new event starts signaled (`bInitialState`).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let (event, _) = filemapping::EventOptions::new().initial_state(true).create()?;
    /// assert!(event.wait(Some(Duration::ZERO))?);
    /// assert!(!event.wait(Some(Duration::ZERO))?, "auto-reset: consumed by the first wait");
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[must_use]
    pub fn initial_state(mut self, signaled: bool) -> Self {
        self.initial_state = signaled;
        self
    }

    /// Creates the event, or opens the live one of the same name (then its own reset mode and
    /// state apply, and the disposition says `OpenedExisting`).
    ///
    /// # Errors
    ///
    /// - [`ErrorKind::InvalidHandle`]: the name belongs to a file mapping (spec row 41).
    /// - [`ErrorKind::PathNotFound`], [`ErrorKind::InvalidName`]: bad name (spec §4).
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{CreateOptions, ErrorKind, EventOptions};
    ///
    /// let name = format!("doc-event-clash-{}", std::process::id());
    /// let (_map, _) = CreateOptions::new().name(&name).size(4096).create()?;
    /// let err = EventOptions::new().name(&name).create().unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::InvalidHandle);
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    pub fn create(&self) -> Result<(Event, Disposition)> {
        let name = match name::parse(&self.name)? {
            Parsed::Unnamed => None,
            Parsed::Directory => return Err(not_an_event()),
            Parsed::Object(name) => Some(name),
        };
        let request = EventRequest {
            name,
            raw_name: &self.name,
            root: self.namespace.root(),
            manual_reset: self.manual_reset,
            initial_state: self.initial_state,
            inheritable: self.inheritable,
            permissions: self.permissions,
        };
        let (inner, disposition) = sys::Event::create(&request)?;
        let access = EventAccess::ALL_ACCESS;
        Ok((Event { inner, access }, disposition))
    }
}

/// Options for opening a live event: the arguments of `OpenEventW`.
///
/// The handle gets the access asked for, with generic rights mapped
/// ([`EventAccess::map_generic`]), and only that: waiting needs
/// [`EventAccess::SYNCHRONIZE`], setting and resetting need [`EventAccess::MODIFY_STATE`]
/// (else [`ErrorKind::AccessDenied`]), as on Windows.
///
/// # Examples
///
/// ```
/// use filemapping::{ErrorKind, EventAccess, EventOpenOptions, EventOptions};
/// use std::time::Duration;
///
/// let name = format!("doc-event-open-{}", std::process::id());
/// let (_event, _) = EventOptions::new().name(&name).create()?;
/// let waiter = EventOpenOptions::new(EventAccess::SYNCHRONIZE).open(&name)?;
/// assert!(!waiter.wait(Some(Duration::ZERO))?);
/// assert_eq!(waiter.set().unwrap_err().kind(), ErrorKind::AccessDenied);
///
/// let setter = EventOpenOptions::new(EventAccess::GENERIC_WRITE).open(&name)?;
/// setter.set()?;
/// assert_eq!(setter.wait(None).unwrap_err().kind(), ErrorKind::AccessDenied);
/// assert!(waiter.wait(Some(Duration::ZERO))?);
/// # Ok::<(), filemapping::Error>(())
/// ```
///
/// # References
///
/// <https://learn.microsoft.com/en-us/windows/win32/api/synchapi/nf-synchapi-openeventw>
#[doc(alias = "OpenEventW")]
#[derive(Clone, Debug)]
pub struct EventOpenOptions {
    access: EventAccess,
    inheritable: bool,
    namespace: Namespace,
}

impl EventOpenOptions {
    /// Options to open with `access` (`dwDesiredAccess`).
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{EventAccess, EventOpenOptions};
    ///
    /// let opts = EventOpenOptions::new(EventAccess::SYNCHRONIZE | EventAccess::MODIFY_STATE);
    /// # let _ = opts;
    /// ```
    #[must_use]
    pub fn new(access: EventAccess) -> EventOpenOptions {
        EventOpenOptions {
            access,
            inheritable: false,
            namespace: Namespace::from_env(),
        }
    }

    handle_setters!("filemapping::EventOpenOptions::new(filemapping::EventAccess::SYNCHRONIZE)");

    /// Opens the live event `name`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::NotFound`]; [`ErrorKind::InvalidHandle`] if the name belongs to a file
    /// mapping (spec row 40); [`ErrorKind::PathNotFound`], [`ErrorKind::BadPathname`],
    /// [`ErrorKind::InvalidName`] for a bad name (spec §4).
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{ErrorKind, EventAccess, EventOpenOptions};
    ///
    /// let opts = EventOpenOptions::new(EventAccess::SYNCHRONIZE);
    /// assert_eq!(opts.open("doc-no-event-2").unwrap_err().kind(), ErrorKind::NotFound);
    /// ```
    pub fn open(&self, name: &str) -> Result<Event> {
        let parsed = match name::parse(name)? {
            Parsed::Object(parsed) => parsed,
            Parsed::Unnamed | Parsed::Directory => return Err(not_an_event()),
        };
        // Events carry their rights beside the request: its access is a section's.
        let request = OpenRequest {
            name: &parsed,
            raw_name: name,
            root: self.namespace.root(),
            access: FileMapAccess::NONE,
            inheritable: self.inheritable,
        };
        let access = self.access.map_generic();
        sys::Event::open(&request, access).map(|inner| Event { inner, access })
    }
}

fn not_an_event() -> Error {
    Error::new(
        ErrorKind::InvalidHandle,
        "the name is a namespace, not an event",
    )
}

/// A handle to a named or unnamed event. Dropping it closes it; a named event exists while a
/// handle to it is open in any process.
///
/// # Platform notes
///
/// On Linux the state is a futex word in shared memory: waiting blocks in the kernel and never
/// polls.
///
/// # Examples
///
/// ```
/// use filemapping::{Event, EventOptions};
/// use std::time::Duration;
///
/// let name = format!("doc-event-type-{}", std::process::id());
/// let (creator, _) = EventOptions::new().name(&name).create()?;
/// let opener = Event::open(&name)?;
/// let waiter = std::thread::spawn(move || opener.wait(Some(Duration::from_secs(30))));
/// creator.set()?;
/// assert!(waiter.join().unwrap()?);
/// # Ok::<(), filemapping::Error>(())
/// ```
#[derive(Debug)]
pub struct Event {
    inner: sys::Event,
    /// The handle's rights: `EVENT_ALL_ACCESS` for a creator's.
    access: EventAccess,
}

impl Event {
    /// Opens the live event `name` in the environment's namespace with every right
    /// (`OpenEventW` with `EVENT_ALL_ACCESS`). [`EventOpenOptions`] asks for fewer.
    ///
    /// # Errors
    ///
    /// As [`EventOpenOptions::open`].
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{ErrorKind, Event};
    ///
    /// assert_eq!(Event::open("doc-no-event").unwrap_err().kind(), ErrorKind::NotFound);
    /// ```
    #[doc(alias = "OpenEventW")]
    pub fn open(name: &str) -> Result<Event> {
        EventOpenOptions::new(EventAccess::ALL_ACCESS).open(name)
    }

    /// Opens the live event `name` in `namespace`, with every right.
    ///
    /// # Errors
    ///
    /// As [`EventOpenOptions::open`].
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{Event, EventOptions, Namespace};
    ///
    /// let dir = std::env::temp_dir().join(format!("fm-doc-ev-{}", std::process::id()));
    /// let ns = Namespace::at(&dir);
    /// let (event, _) = EventOptions::new().name("e").namespace(&ns).create()?;
    /// let again = Event::open_in("e", &ns)?;
    /// # drop((event, again));
    /// # std::fs::remove_dir_all(&dir).ok();
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    pub fn open_in(name: &str, namespace: &Namespace) -> Result<Event> {
        EventOpenOptions::new(EventAccess::ALL_ACCESS)
            .namespace(namespace)
            .open(name)
    }

    /// The handle's rights.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{EventAccess, EventOptions};
    ///
    /// let (event, _) = EventOptions::new().create()?;
    /// assert_eq!(event.access(), EventAccess::ALL_ACCESS);
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[must_use]
    pub fn access(&self) -> EventAccess {
        self.access
    }

    /// `ERROR_ACCESS_DENIED` unless the handle has `right`.
    #[inline]
    fn require(&self, right: EventAccess, what: &str) -> Result<()> {
        if self.access.contains(right) {
            return Ok(());
        }
        Err(Error::new(
            ErrorKind::AccessDenied,
            format!(
                "the event handle (access {:#x}) lacks the right to {what}",
                self.access.bits()
            ),
        ))
    }

    /// Signals the event (`SetEvent`): a manual-reset event releases every waiter and stays
    /// signaled; an auto-reset event releases one waiter.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::AccessDenied`] if the handle lacks `EVENT_MODIFY_STATE`;
    /// [`ErrorKind::Other`] if the OS refuses.
    ///
    /// # Examples
    ///
    /// ```
    /// let (event, _) = filemapping::EventOptions::new().create()?;
    /// event.set()?;
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[doc(alias = "SetEvent")]
    #[inline]
    pub fn set(&self) -> Result<()> {
        self.require(EventAccess::MODIFY_STATE, "set it (EVENT_MODIFY_STATE)")?;
        self.inner.set()
    }

    /// Clears the event (`ResetEvent`).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::AccessDenied`] if the handle lacks `EVENT_MODIFY_STATE`;
    /// [`ErrorKind::Other`] if the OS refuses.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let (event, _) = filemapping::EventOptions::new().manual_reset(true).initial_state(true).create()?;
    /// event.reset()?;
    /// assert!(!event.wait(Some(Duration::ZERO))?);
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[doc(alias = "ResetEvent")]
    pub fn reset(&self) -> Result<()> {
        self.require(EventAccess::MODIFY_STATE, "reset it (EVENT_MODIFY_STATE)")?;
        self.inner.reset()
    }

    /// Waits until the event is signaled (`true`) or `timeout` passes (`false`); `None` waits
    /// forever (`INFINITE`). The wait blocks in the kernel.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::AccessDenied`] if the handle lacks `SYNCHRONIZE` (`WAIT_FAILED` on
    /// Windows); [`ErrorKind::Other`] if the OS refuses.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let (event, _) = filemapping::EventOptions::new().create()?;
    /// assert!(!event.wait(Some(Duration::from_millis(10)))?);
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[doc(alias = "WaitForSingleObject")]
    pub fn wait(&self, timeout: Option<Duration>) -> Result<bool> {
        self.require(EventAccess::SYNCHRONIZE, "wait for it (SYNCHRONIZE)")?;
        self.inner.wait(timeout)
    }

    /// A second handle to the same event with the same rights (`DuplicateHandle` with
    /// `DUPLICATE_SAME_ACCESS`).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::AccessDenied`] if the OS refuses.
    ///
    /// # Examples
    ///
    /// ```
    /// let (event, _) = filemapping::EventOptions::new().create()?;
    /// let copy = event.try_clone()?;
    /// copy.set()?;
    /// assert!(event.wait(Some(std::time::Duration::ZERO))?);
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[doc(alias = "DuplicateHandle")]
    pub fn try_clone(&self) -> Result<Event> {
        self.duplicate(self.access, false)
    }

    /// A second handle to the same event with exactly `access` (generic rights mapped), and
    /// inheritable or not (`DuplicateHandle`). Rights are checked against the object's
    /// security, not against this handle's rights.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::AccessDenied`] if the OS refuses.
    ///
    /// # Examples
    ///
    /// ```
    /// use filemapping::{ErrorKind, EventAccess};
    ///
    /// let (event, _) = filemapping::EventOptions::new().create()?;
    /// let waiter = event.duplicate(EventAccess::SYNCHRONIZE, false)?;
    /// assert_eq!(waiter.reset().unwrap_err().kind(), ErrorKind::AccessDenied);
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[doc(alias = "DuplicateHandle")]
    pub fn duplicate(&self, access: EventAccess, inheritable: bool) -> Result<Event> {
        let access = access.map_generic();
        let inner = self.inner.duplicate(access, inheritable)?;
        Ok(Event { inner, access })
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
    /// use filemapping::{EventOptions};
    ///
    /// let (event, _) = EventOptions::new().create()?;
    /// assert_eq!(event.inherit_token(), None);
    /// let child_copy = event.duplicate(event.access(), true)?;
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
    /// or does not describe an open handle of an event.
    ///
    /// # Safety
    ///
    /// The handle named by the token must have been inherited from the parent, be open, and be
    /// owned by nothing else in this process; adopt each token at most once.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use filemapping::Event;
    ///
    /// let token = std::env::var("MY_EVENT").expect("set by the parent");
    /// // SAFETY: the parent passed an inheritable handle's token, adopted only here.
    /// let event = unsafe { Event::from_inherit_token(&token)? };
    /// # drop(event);
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    pub unsafe fn from_inherit_token(token: &str) -> Result<Event> {
        let (raw, access) = crate::waitable::parse_inherit_token(token, "an event")?;
        // SAFETY: the caller upholds the contract of `InheritOps::adopt_raw`, which is this
        // function's own.
        let inner = unsafe { <sys::Event as sys::InheritOps>::adopt_raw(raw) }?;
        Ok(Event {
            inner,
            access: EventAccess::from_bits(access),
        })
    }

    /// Releases the waiters a [`set`](Self::set) would release, then leaves the event
    /// non-signaled (`PulseEvent`): every thread waiting for a manual-reset event, or one
    /// waiting for an auto-reset event, if any; with nobody waiting, it only resets the event.
    /// Windows documents the call as unreliable (a waiter that is briefly not waiting misses
    /// it); prefer [`set`](Self::set) with an explicit [`reset`](Self::reset).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::AccessDenied`] if the handle lacks `EVENT_MODIFY_STATE`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let (event, _) = filemapping::EventOptions::new().manual_reset(true).create()?;
    /// let waiter = event.try_clone()?;
    /// let thread = std::thread::spawn(move || waiter.wait(Some(Duration::from_secs(30))));
    /// # std::thread::sleep(Duration::from_millis(50));
    /// event.pulse()?;
    /// # let _ = thread.join();
    /// assert!(!event.wait(Some(Duration::ZERO))?, "a pulse leaves the event non-signaled");
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[doc(alias = "PulseEvent")]
    pub fn pulse(&self) -> Result<()> {
        self.require(EventAccess::MODIFY_STATE, "pulse it (EVENT_MODIFY_STATE)")?;
        self.inner.pulse()
    }

    /// Whether the event stays signaled until reset.
    ///
    /// # Examples
    ///
    /// ```
    /// let (event, _) = filemapping::EventOptions::new().create()?;
    /// assert!(!event.is_manual_reset());
    /// # Ok::<(), filemapping::Error>(())
    /// ```
    #[must_use]
    pub fn is_manual_reset(&self) -> bool {
        self.inner.is_manual_reset()
    }
}

impl crate::wait::sealed::Sealed for Event {
    fn handle(&self) -> crate::wait::sealed::Handle<'_> {
        crate::wait::sealed::Handle {
            object: sys::WaitRef::Event(&self.inner),
            can_wait: self.access.contains(EventAccess::SYNCHRONIZE),
            can_signal: self.access.contains(EventAccess::MODIFY_STATE),
            bits: self.access.bits(),
            what: "event",
        }
    }
}
