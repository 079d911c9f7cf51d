//! The NTLM CHALLENGE_MESSAGE reader ([MS-NLMP] 2.2.1.2, AV_PAIRs 2.2.2.1): any bytes, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rdp_doctor::probe::ntlm;

fuzz_target!(|data: &[u8]| {
    let _ = ntlm::message_type(data);
    let _ = ntlm::parse_challenge(data);
});
