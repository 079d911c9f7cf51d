//! The X.224 reply classifier ([MS-RDPBCGR] 2.2.1.2) and the lab's Connection Request reader: any bytes
//! a server (or client) sends, never a panic; a confirm the codec writes reads back the same.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rdp_doctor::probe::x224::{self, Reply};

fuzz_target!(|data: &[u8]| {
    let _ = x224::frame_status(data);
    let reply = x224::classify_reply(data);
    let _ = x224::decode_request(data);
    let _ = x224::recognise_service(data);
    // What was read as a selection or a failure encodes and reads back as itself.
    if let Reply::Selected { .. } | Reply::Failure { .. } = reply {
        assert_eq!(x224::classify_reply(&x224::encode_confirm(&reply)), reply);
    }
});
