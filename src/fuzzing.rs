//! What each fuzz target drives (issue 10): one function per target in `fuzz/fuzz_targets`, each file
//! there a one-line call to the function of its name. The bodies live here so that they follow the
//! library when codecs move (they are compiled by `cargo test`, not only by the fuzz workspace), and
//! so that the seeds and regressions can be replayed on the stable toolchain (the test below).
//! Every function takes any bytes and must never panic; an `assert!` in one is a property the parser
//! keeps. Not part of the public interface.

use crate::lab::tls_raw;
use crate::observations::{CredsspObs, CredsspOutcome};
use crate::probe::cert;
use crate::probe::credssp::{self, codec as credssp_codec};
use crate::probe::ntlm;
use crate::probe::session::{classify, rdp_security};
use crate::probe::tls_scan::{self, MAX_REPLY, Progress, ReplyParser};
use crate::probe::x224;

/// The X.224 reply classifier ([MS-RDPBCGR] 2.2.1.2) and the lab's Connection Request reader: any bytes
/// a server (or client) sends, never a panic; a confirm the codec writes reads back the same.
pub fn x224_reply(data: &[u8]) {
    let _ = x224::frame_status(data);
    let reply = x224::classify_reply(data);
    let _ = x224::decode_request(data);
    let _ = x224::recognise_service(data);
    // What was read as a selection or a failure encodes and reads back as itself.
    if let x224::Reply::Selected { .. } | x224::Reply::Failure { .. } = reply {
        assert_eq!(x224::classify_reply(&x224::encode_confirm(&reply)), reply);
    }
}

fn parse_reply(data: &[u8], chunk: usize) -> Option<tls_scan::Reply> {
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

/// The scanner's reply parser (a server's answer to a ClientHello, [RFC 5246] 6.2 and 7.4), fed whole
/// and in small chunks (the size depends on the input's length, so a seed flight stays a flight), and
/// the lab's ClientHello reader. Never a panic; the parser's memory stays under its cap; chunking does
/// not change the answer (only how many first bytes a "not TLS" verdict records).
pub fn tls_reply(data: &[u8]) {
    use tls_scan::Reply;
    let whole = parse_reply(data, data.len());
    let chunked = parse_reply(data, 1 + data.len() % 61);
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
}

const CERT_NOW: i64 = 1_800_000_000;

fn read_chain(chain: &[Vec<u8>]) {
    assert!(chain.len() <= 16);
    for der in chain {
        let facts = cert::parse(der, CERT_NOW);
        let _ = cert::name_matches(&facts, "rdp.example");
    }
}

/// The certificate-flight reader: a server's TLS <= 1.2 flight read by the scanner's parser up to its
/// Certificate message ([RFC 5246] 7.4.2), each certificate read into facts (x509-parser under
/// rdp-doctor's own `cert::parse`); the same bytes as a bare Certificate body and as one certificate.
pub fn cert_flight(data: &[u8]) {
    let mut p = ReplyParser::new();
    let reply = match p.feed(data) {
        Progress::Done(r) => Some(r),
        Progress::NeedMore => p.on_eof(),
    };
    if let Some(tls_scan::Reply::ServerHello(h)) = reply
        && let Some(chain) = &h.certificate_chain
    {
        read_chain(chain);
    }
    if let Ok(chain) = tls_scan::parse_certificate_chain(data) {
        read_chain(&chain);
    }
    let _ = cert::parse(data, CERT_NOW);
}

/// The TSRequest codec ([MS-CSSP] 2.2.1): framing and decoding any bytes never panics, and whatever
/// decodes encodes back to a TSRequest that decodes to the same value.
pub fn tsrequest(data: &[u8]) {
    let _ = credssp_codec::frame_status(data);
    if let Ok(r) = credssp_codec::decode(data) {
        assert_eq!(credssp_codec::decode(&credssp_codec::encode(&r)), Ok(r));
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
}

/// The NTLM CHALLENGE_MESSAGE reader ([MS-NLMP] 2.2.1.2, AV_PAIRs 2.2.2.1).
pub fn ntlm_challenge(data: &[u8]) {
    let _ = ntlm::message_type(data);
    let _ = ntlm::parse_challenge(data);
}

/// The session layer's server-frame classifier (TPKT and fast-path, [MS-RDPBCGR] 2.2.9.1.2, Set Error
/// Info, MCS Disconnect Provider Ultimatum, licensing, redirection, Save Session Info) and the MCS
/// Connect Response reader of the Standard RDP Security enumeration.
pub fn session_frame(data: &[u8]) {
    let _ = classify::classify_server_frame(data);
    let _ = classify::classify_user_data(data);
    let _ = rdp_security::decode_connect_response(data);
}
