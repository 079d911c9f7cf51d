//! The TSRequest codec ([MS-CSSP] 2.2.1): framing and decoding any bytes never panics, and whatever
//! decodes encodes back to a TSRequest that decodes to the same value.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rdp_doctor::observations::{CredsspObs, CredsspOutcome};
use rdp_doctor::probe::credssp::{self, codec};

fuzz_target!(|data: &[u8]| {
    let _ = codec::frame_status(data);
    if let Ok(r) = codec::decode(data) {
        assert_eq!(codec::decode(&codec::encode(&r)), Ok(r));
    }
    let mut obs = CredsspObs {
        request: String::new(),
        selected: None,
        outcome: CredsspOutcome::Malformed,
        server_version: None,
        error_code: None,
        error_name: None,
        ntlm: None,
        detail: None,
        received: String::new(),
        ms: 0.0,
    };
    credssp::classify_first_reply(data, &mut obs);
});
