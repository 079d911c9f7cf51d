//! The scanner's reply parser (a server's answer to a ClientHello, [RFC 5246] 6.2 and 7.4), fed whole
//! and in small chunks (the size depends on the input's length, so a seed flight stays a flight), and
//! the lab's ClientHello reader. Never a panic; the parser's memory stays under its cap; chunking does
//! not change the answer (only how many first bytes a "not TLS" verdict records).
#![no_main]
use libfuzzer_sys::fuzz_target;
use rdp_doctor::lab::tls_raw;
use rdp_doctor::probe::tls_scan::{MAX_REPLY, Progress, Reply, ReplyParser};

fn parse(data: &[u8], chunk: usize) -> Option<Reply> {
    let mut p = ReplyParser::new();
    for piece in data.chunks(chunk.max(1)) {
        if let Progress::Done(r) = p.feed(piece) {
            assert!(p.bytes_received() <= MAX_REPLY);
            return Some(r);
        }
    }
    assert!(p.bytes_received() <= MAX_REPLY);
    p.on_eof()
}

fuzz_target!(|data: &[u8]| {
    let whole = parse(data, data.len());
    let chunked = parse(data, 1 + data.len() % 61);
    // The answer must not depend on how the bytes arrived. Only a "not TLS" verdict may record fewer
    // first bytes when it was proved early (fuzz regression: tls_scan tests, segmentation).
    match (&chunked, &whole) {
        (Some(Reply::NotTls { first_bytes: a }), Some(Reply::NotTls { first_bytes: w })) => {
            assert!(w.starts_with(a), "{a:?} is not a prefix of {w:?}");
        }
        (Some(Reply::Malformed { .. }), Some(Reply::Malformed { .. })) => {}
        _ => assert_eq!(chunked, whole, "the answer depends on how the bytes arrived"),
    }
    let _ = tls_raw::read_client_hello(data);
});
