//! The real Windows client: Credential Manager (CredEnumerateW), the registry (RegGetValueW), the
//! event log (EvtQuery/EvtNext/EvtRender) and the Documents folder (SHGetKnownFolderPath), through
//! Microsoft's `windows` crate. Secrets are never read: a credential's blob is skipped, a `.rdp`
//! file's password field is dropped by `rdpfile::parse`.

// The Windows APIs are C calls through the `windows` crate: this module is the one place of the
// client that needs unsafe (Cargo.toml denies unsafe_code everywhere else).
#![allow(unsafe_code)]

use super::{ClientSource, EventRecord, Persistence, SavedCredential, evtxml, rdpfile};
use windows::Win32::Foundation::{ERROR_FILE_NOT_FOUND, ERROR_NOT_FOUND, ERROR_SUCCESS};
use windows::Win32::Security::Credentials::{CREDENTIALW, CredEnumerateW, CredFree};
use windows::Win32::System::Com::CoTaskMemFree;
use windows::Win32::System::EventLog::{
    EVT_HANDLE, EvtClose, EvtNext, EvtQuery, EvtQueryChannelPath, EvtQueryReverseDirection, EvtRender,
    EvtRenderEventXml,
};
use windows::Win32::System::Registry::{HKEY_LOCAL_MACHINE, RRF_RT_REG_DWORD, RegGetValueW};
use windows::Win32::UI::Shell::{FOLDERID_Documents, KF_FLAG_DEFAULT, SHGetKnownFolderPath};
use windows::core::{HSTRING, PWSTR};

pub struct WindowsSource;

fn wide_to_string(p: PWSTR) -> Option<String> {
    if p.is_null() {
        return None;
    }
    // SAFETY: a non-null PWSTR from the API is NUL-terminated.
    unsafe { p.to_string().ok() }
}

impl ClientSource for WindowsSource {
    fn name(&self) -> &'static str {
        "windows"
    }

    fn termsrv_credentials(&self) -> Result<Vec<SavedCredential>, String> {
        let mut count = 0u32;
        let mut creds: *mut *mut CREDENTIALW = std::ptr::null_mut();
        // SAFETY: out-pointers are valid; the array is freed with CredFree below.
        let r = unsafe { CredEnumerateW(&HSTRING::from("TERMSRV/*"), None, &mut count, &mut creds) };
        if let Err(e) = r {
            return if e.code() == ERROR_NOT_FOUND.to_hresult() {
                Ok(Vec::new())
            } else {
                Err(format!("CredEnumerateW: {e}"))
            };
        }
        let mut out = Vec::new();
        for i in 0..count as usize {
            // SAFETY: CredEnumerateW returned `count` valid pointers.
            let c = unsafe { &**creds.add(i) };
            let ft = (u64::from(c.LastWritten.dwHighDateTime) << 32) | u64::from(c.LastWritten.dwLowDateTime);
            // c.CredentialBlob (the secret) is never touched.
            out.push(SavedCredential {
                target: wide_to_string(c.TargetName).unwrap_or_default(),
                user_name: wide_to_string(c.UserName),
                last_written: crate::codec::ntlm::filetime_to_rfc3339(ft),
                persistence: Persistence::from_raw(c.Persist.0),
            });
        }
        // SAFETY: allocated by CredEnumerateW.
        unsafe { CredFree(creds as *const _) };
        Ok(out.into_iter().filter(|c| c.host().is_some()).collect())
    }

    fn hklm_dword(&self, key: &str, value: &str) -> Result<Option<u32>, String> {
        let mut data = 0u32;
        let mut size = std::mem::size_of::<u32>() as u32;
        // SAFETY: data/size point to a u32 and its size.
        let r = unsafe {
            RegGetValueW(
                HKEY_LOCAL_MACHINE,
                &HSTRING::from(key),
                &HSTRING::from(value),
                RRF_RT_REG_DWORD,
                None,
                Some(&mut data as *mut u32 as *mut _),
                Some(&mut size),
            )
        };
        match r {
            ERROR_SUCCESS => Ok(Some(data)),
            ERROR_FILE_NOT_FOUND => Ok(None),
            e => Err(format!(r"RegGetValueW HKLM\{key}\{value}: {}", windows::core::Error::from(e.to_hresult()))),
        }
    }

    fn events(&self, channel: &str, ids: &[u32], max: usize) -> Result<Vec<EventRecord>, String> {
        let query: Vec<String> = ids.iter().map(|id| format!("EventID={id}")).collect();
        let xpath = format!("*[System[({})]]", query.join(" or "));
        // SAFETY: strings outlive the call; the handle is closed by Handle's Drop.
        let results = unsafe {
            EvtQuery(
                None,
                &HSTRING::from(channel),
                &HSTRING::from(xpath),
                EvtQueryChannelPath.0 | EvtQueryReverseDirection.0,
            )
        }
        .map_err(|e| format!("EvtQuery {channel}: {e}"))?;
        let results = Handle(results);
        let mut out = Vec::new();
        let mut batch = [0isize; 16];
        while out.len() < max {
            let mut returned = 0u32;
            // SAFETY: batch has room for batch.len() handles.
            if unsafe { EvtNext(results.0, &mut batch, 1000, 0, &mut returned) }.is_err() {
                break; // ERROR_NO_MORE_ITEMS, or a timeout: what was read stands
            }
            for &h in &batch[..(returned as usize).min(batch.len())] {
                let event = Handle(EVT_HANDLE(h));
                if out.len() < max
                    && let Some(r) = render_xml(&event).as_deref().and_then(evtxml::parse)
                {
                    out.push(r);
                }
            }
        }
        Ok(out)
    }

    fn default_rdp(&self) -> Result<Option<(String, String)>, String> {
        // SAFETY: the returned string is freed with CoTaskMemFree.
        let docs = unsafe { SHGetKnownFolderPath(&FOLDERID_Documents, KF_FLAG_DEFAULT, None) }
            .map_err(|e| format!("SHGetKnownFolderPath(Documents): {e}"))?;
        let dir = wide_to_string(docs);
        unsafe { CoTaskMemFree(Some(docs.0 as *const _)) };
        let Some(dir) = dir else { return Ok(None) };
        let path = std::path::Path::new(&dir).join("Default.rdp");
        match std::fs::metadata(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("{}: {e}", path.display())),
            Ok(m) if m.len() > rdpfile::MAX_RDP_FILE as u64 => {
                return Err(format!("{}: {} bytes, larger than an .rdp file can be", path.display(), m.len()));
            }
            Ok(_) => {}
        }
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(Some((path.display().to_string(), rdpfile::decode(&bytes))))
    }
}

/// An event log handle closed on drop.
struct Handle(EVT_HANDLE);

impl Drop for Handle {
    fn drop(&mut self) {
        // SAFETY: the handle came from EvtQuery/EvtNext and is closed once.
        let _ = unsafe { EvtClose(self.0) };
    }
}

fn render_xml(event: &Handle) -> Option<String> {
    let mut used = 0u32;
    let mut props = 0u32;
    // First call: the size needed (fails with ERROR_INSUFFICIENT_BUFFER).
    let _ = unsafe { EvtRender(None, event.0, EvtRenderEventXml.0, 0, None, &mut used, &mut props) };
    if used == 0 || used as usize > evtxml::MAX_EVENT_XML * 2 {
        return None;
    }
    let mut buf = vec![0u16; (used as usize).div_ceil(2)];
    // SAFETY: buf holds `used` bytes.
    unsafe {
        EvtRender(None, event.0, EvtRenderEventXml.0, used, Some(buf.as_mut_ptr() as *mut _), &mut used, &mut props)
    }
    .ok()?;
    let end = buf.iter().position(|&c| c == 0).unwrap_or(buf.len());
    Some(String::from_utf16_lossy(&buf[..end]))
}
