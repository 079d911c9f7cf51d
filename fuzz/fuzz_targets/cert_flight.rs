//! Drives `rdp_doctor::fuzzing::cert_flight` (the parser it covers is documented there).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| rdp_doctor::fuzzing::cert_flight(data));
