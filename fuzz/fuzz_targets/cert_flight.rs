//! The certificate-flight reader: a server's TLS <= 1.2 flight read by the scanner's parser up to its
//! Certificate message ([RFC 5246] 7.4.2), each certificate read into facts (x509-parser under
//! rdp-doctor's own `cert::parse`); the same bytes as a bare Certificate body and as one certificate.
//! Never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rdp_doctor::probe::tls_scan::{self, Progress, Reply, ReplyParser};
use rdp_doctor::probe::cert;

const NOW: i64 = 1_800_000_000;

fn read_chain(chain: &[Vec<u8>]) {
    assert!(chain.len() <= 16);
    for der in chain {
        let facts = cert::parse(der, NOW);
        let _ = cert::name_matches(&facts, "rdp.example");
    }
}

fuzz_target!(|data: &[u8]| {
    let mut p = ReplyParser::new();
    let reply = match p.feed(data) {
        Progress::Done(r) => Some(r),
        Progress::NeedMore => p.on_eof(),
    };
    if let Some(Reply::ServerHello(h)) = reply
        && let Some(chain) = &h.certificate_chain
    {
        read_chain(chain);
    }
    if let Ok(chain) = tls_scan::parse_certificate_chain(data) {
        read_chain(&chain);
    }
    let _ = cert::parse(data, NOW);
});
