//! Test helper (never shipped): writes a `TERMSRV/<host>` generic credential into this user's
//! Credential Manager through CredWriteW, as mstsc's "Remember me" does, so that
//! `rdp-doctor client` can be tested against a real Credential Manager (scripts/test-windows.sh runs
//! it under wine). The blob is a fixed dummy, not a password.
//!
//!     plant_termsrv_credential HOST USER

#[cfg(windows)]
// CredWriteW is a C call (Cargo.toml denies unsafe_code; this test helper is the exception).
#[allow(unsafe_code)]
fn main() -> std::process::ExitCode {
    use windows::Win32::Security::Credentials::{
        CRED_PERSIST_LOCAL_MACHINE, CRED_TYPE_GENERIC, CREDENTIALW, CredWriteW,
    };
    use windows::core::PWSTR;

    let args: Vec<String> = std::env::args().skip(1).collect();
    let [host, user] = args.as_slice() else {
        eprintln!("usage: plant_termsrv_credential HOST USER");
        return std::process::ExitCode::from(2);
    };
    let wide = |s: &str| s.encode_utf16().chain(std::iter::once(0)).collect::<Vec<u16>>();
    let mut target = wide(&format!("TERMSRV/{host}"));
    let mut user = wide(user);
    let mut blob: Vec<u8> = "dummy-not-a-password".encode_utf16().flat_map(u16::to_le_bytes).collect();
    let cred = CREDENTIALW {
        Type: CRED_TYPE_GENERIC,
        TargetName: PWSTR(target.as_mut_ptr()),
        UserName: PWSTR(user.as_mut_ptr()),
        CredentialBlobSize: blob.len() as u32,
        CredentialBlob: blob.as_mut_ptr(),
        Persist: CRED_PERSIST_LOCAL_MACHINE,
        ..Default::default()
    };
    // SAFETY: every pointer in `cred` points into a live buffer above.
    match unsafe { CredWriteW(&cred, 0) } {
        Ok(()) => {
            println!("planted TERMSRV/{host}");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("CredWriteW: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(not(windows))]
fn main() -> std::process::ExitCode {
    eprintln!("plant_termsrv_credential writes into the Windows Credential Manager: build it for Windows");
    std::process::ExitCode::from(2)
}
