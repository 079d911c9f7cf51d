//! Drives `rdp_doctor::fuzzing::tsrequest` (the parser it covers is documented there).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| rdp_doctor::fuzzing::tsrequest(data));
