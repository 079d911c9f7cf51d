//! The session layer's server-frame classifier (TPKT and fast-path, [MS-RDPBCGR] 2.2.9.1.2, Set Error
//! Info, MCS Disconnect Provider Ultimatum, licensing, redirection, Save Session Info) and the MCS
//! Connect Response reader of the Standard RDP Security enumeration. Never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rdp_doctor::probe::session::{classify, rdp_security};

fuzz_target!(|data: &[u8]| {
    let _ = classify::classify_server_frame(data);
    let _ = classify::classify_user_data(data);
    let _ = rdp_security::decode_connect_response(data);
});
