//! Events on Windows: `CreateEventW`, `OpenEventW`, `SetEvent`, `ResetEvent` and
//! `PulseEvent` and `WaitForSingleObject`, passed through.

#![allow(unsafe_code)]

use super::handle::{last_error, Handle};
use super::nt;
use super::section::{duplicate_raw, security, wide};
use crate::error::Result;
use crate::protection::EventAccess;
use crate::sys::{EventOps, EventRequest, InheritOps, OpenRequest};
use crate::types::Disposition;
use std::time::Duration;
use windows_sys::Win32::Foundation::{
    GetLastError, ERROR_ALREADY_EXISTS, WAIT_OBJECT_0, WAIT_TIMEOUT,
};
use windows_sys::Win32::System::Threading::{
    CreateEventW, OpenEventW, PulseEvent, ResetEvent, SetEvent, WaitForSingleObject, INFINITE,
};

/// `EVENT_QUERY_STATE`: what `NtQueryEvent` needs.
const EVENT_QUERY_STATE: u32 = 0x1;

/// One handle to an event.
#[derive(Debug)]
pub(crate) struct Event {
    handle: Handle,
    manual: bool,
}

impl InheritOps for Event {
    fn inherit_raw(&self) -> Option<u64> {
        self.handle.inherit_raw()
    }

    unsafe fn adopt_raw(raw: u64) -> Result<Event> {
        // SAFETY: the caller upholds the contract, which is `Handle::adopt`'s own.
        let handle = unsafe { Handle::adopt(raw, "Event") }?;
        let manual = query_manual(&handle);
        Ok(Event { handle, manual })
    }
}

impl EventOps for Event {
    fn create(req: &EventRequest<'_>) -> Result<(Event, Disposition)> {
        let name = Some(req.raw_name).filter(|n| !n.is_empty()).map(wide);
        let name_ptr = name.as_ref().map_or(std::ptr::null(), |n| n.as_ptr());
        let attrs = security(req.inheritable);
        // SAFETY: every pointer is valid for the call or null where the API allows it.
        let raw = unsafe {
            CreateEventW(
                &attrs,
                req.manual_reset.into(),
                req.initial_state.into(),
                name_ptr,
            )
        };
        // SAFETY: reads the calling thread's error slot right after the call.
        let existed = unsafe { GetLastError() } == ERROR_ALREADY_EXISTS;
        let handle = Handle::from_result(raw, "CreateEventW")?;
        let manual = if existed {
            query_manual(&handle)
        } else {
            req.manual_reset
        };
        let disposition = if existed {
            Disposition::OpenedExisting
        } else {
            Disposition::Created
        };
        Ok((Event { handle, manual }, disposition))
    }

    fn open(req: &OpenRequest<'_>, access: EventAccess) -> Result<Event> {
        let name = wide(req.raw_name);
        let inherit = req.inheritable.into();
        // SAFETY: `name` is NUL-terminated and outlives the call.
        let raw = unsafe { OpenEventW(access.bits(), inherit, name.as_ptr()) };
        let handle = Handle::from_result(raw, "OpenEventW")?;
        let manual = if access.contains(EventAccess::QUERY_STATE) {
            query_manual(&handle)
        } else {
            // A handle without EVENT_QUERY_STATE cannot ask; a second one, made for the
            // question and closed at once, can if the event's security allows.
            duplicate_raw(handle.raw(), EVENT_QUERY_STATE, false, false)
                .map_or(false, |query| query_manual(&query))
        };
        Ok(Event { handle, manual })
    }

    fn set(&self) -> Result<()> {
        // SAFETY: the handle is owned by `self`.
        check(unsafe { SetEvent(self.handle.raw()) }, "SetEvent")
    }

    fn reset(&self) -> Result<()> {
        // SAFETY: the handle is owned by `self`.
        check(unsafe { ResetEvent(self.handle.raw()) }, "ResetEvent")
    }

    fn wait(&self, timeout: Option<Duration>) -> Result<bool> {
        let ms = timeout.map_or(INFINITE, |t| {
            t.as_millis().min(u128::from(INFINITE - 1)) as u32
        });
        // SAFETY: the handle is owned by `self`.
        match unsafe { WaitForSingleObject(self.handle.raw(), ms) } {
            WAIT_OBJECT_0 => Ok(true),
            WAIT_TIMEOUT => Ok(false),
            _ => Err(last_error("WaitForSingleObject")),
        }
    }

    fn duplicate(&self, access: EventAccess, inheritable: bool) -> Result<Event> {
        let handle = duplicate_raw(self.handle.raw(), access.bits(), inheritable, false)?;
        Ok(Event {
            handle,
            manual: self.manual,
        })
    }

    fn is_manual_reset(&self) -> bool {
        self.manual
    }

    fn pulse(&self) -> Result<()> {
        // SAFETY: the handle is owned by `self`.
        check(unsafe { PulseEvent(self.handle.raw()) }, "PulseEvent")
    }
}

impl Event {
    /// The kernel handle, for the multi-object waits.
    pub(crate) fn raw(&self) -> windows_sys::Win32::Foundation::HANDLE {
        self.handle.raw()
    }
}

fn check(ok: i32, what: &str) -> Result<()> {
    if ok == 0 {
        return Err(last_error(what));
    }
    Ok(())
}

/// Whether an existing event is manual-reset (a notification event), asked of the kernel.
fn query_manual(handle: &Handle) -> bool {
    let mut info = nt::EventBasicInformation {
        event_type: 1,
        state: 0,
    };
    let len = std::mem::size_of::<nt::EventBasicInformation>() as u32;
    // SAFETY: `info` is writable for `len` bytes; the handle is valid.
    let status = unsafe {
        nt::NtQueryEvent(
            handle.raw(),
            nt::EVENT_BASIC,
            (&mut info as *mut nt::EventBasicInformation).cast(),
            len,
            std::ptr::null_mut(),
        )
    };
    status >= 0 && info.event_type == 0
}
