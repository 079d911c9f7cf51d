use super::*;
use crate::codec::tls::{u16_at, u24_at};
use crate::knowledge::tls_suites::{SSL30, TLS10, TLS11, TLS12, TLS13};
use proptest::prelude::*;

const TLS12_FLIGHT: &[u8] = include_bytes!("../../../tests/fixtures/tls/tls12_aes256sha_flight.bin");
const TLS12_ALERT40: &[u8] = include_bytes!("../../../tests/fixtures/tls/tls12_handshake_failure_alert.bin");
const TLS13_FLIGHT: &[u8] = include_bytes!("../../../tests/fixtures/tls/tls13_server_hello_flight.bin");
const TLS13_ALERT70: &[u8] = include_bytes!("../../../tests/fixtures/tls/tls13only_protocol_version_alert.bin");

fn parse_all(bytes: &[u8]) -> Reply {
    let mut p = ReplyParser::new();
    match p.feed(bytes) {
        Progress::Done(r) => r,
        Progress::NeedMore => p.on_eof().expect("incomplete"),
    }
}

/// Walks an encoded ClientHello record and returns (record version, body, extensions).
type Extensions = Vec<(u16, Vec<u8>)>;

fn decode_hello(rec: &[u8]) -> (u16, Vec<u8>, Extensions) {
    assert_eq!(rec[0], 22);
    let rv = u16::from_be_bytes([rec[1], rec[2]]);
    let len = u16::from_be_bytes([rec[3], rec[4]]) as usize;
    assert_eq!(rec.len(), 5 + len);
    assert_eq!(rec[5], 1);
    let hlen = u24_at(rec, 6).unwrap();
    assert_eq!(hlen + 4, len);
    let body = rec[9..].to_vec();
    let sid = body[34] as usize;
    let mut i = 35 + sid;
    let cs = u16_at(&body, i).unwrap() as usize;
    i += 2 + cs;
    let comp = body[i] as usize;
    i += 1 + comp;
    let mut exts = Vec::new();
    if i < body.len() {
        let el = u16_at(&body, i).unwrap() as usize;
        i += 2;
        assert_eq!(i + el, body.len());
        while i < body.len() {
            let t = u16_at(&body, i).unwrap();
            let l = u16_at(&body, i + 2).unwrap() as usize;
            exts.push((t, body[i + 4..i + 4 + l].to_vec()));
            i += 4 + l;
        }
    }
    (rv, body, exts)
}

fn suites_of(body: &[u8]) -> Vec<u16> {
    let sid = body[34] as usize;
    let i = 35 + sid;
    let cs = u16_at(body, i).unwrap() as usize;
    body[i + 2..i + 2 + cs].chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect()
}

#[test]
fn tls12_hello_layout() {
    let spec = HelloSpec { version: TLS12, suites: vec![0x0035, 0x002F], server_name: Some("rdp.example.com".into()) };
    let rec = encode_client_hello(&spec, &[7u8; 32]);
    let (rv, body, exts) = decode_hello(&rec);
    assert_eq!(rv, TLS10);
    assert_eq!(u16_at(&body, 0), Some(TLS12));
    assert_eq!(&body[2..34], &[7u8; 32]);
    assert_eq!(body[34], 0, "no session id");
    assert_eq!(suites_of(&body), vec![0x0035, 0x002F]);
    let types: Vec<u16> = exts.iter().map(|(t, _)| *t).collect();
    assert_eq!(&types[..5], &[0, 10, 11, 13, 0xFF01]);
    let sni = &exts[0].1;
    assert_eq!(&sni[5..], b"rdp.example.com");
    // supported_groups: no ffdhe in TLS 1.2.
    let groups = &exts[1].1;
    assert!(groups[2..].chunks(2).all(|c| c[0] == 0));
    assert_eq!(exts[4].1, vec![0]);
    // 256..511 -> padded to a 512-byte handshake message.
    let hs_len = rec.len() - 5;
    assert!(hs_len < 256 || hs_len == 512, "{hs_len}");
}

#[test]
fn tls12_hello_without_sni_for_ip_and_signature_algorithms_only_from_12() {
    let spec = HelloSpec { version: TLS10, suites: vec![0x0035], server_name: Some("127.0.0.1".into()) };
    let (_, body, exts) = decode_hello(&encode_client_hello(&spec, &[1u8; 32]));
    assert_eq!(u16_at(&body, 0), Some(TLS10));
    let types: Vec<u16> = exts.iter().map(|(t, _)| *t).collect();
    assert!(!types.contains(&0) && !types.contains(&13), "{types:?}");
    let spec = HelloSpec { version: TLS12, suites: vec![0x0035], server_name: Some("::1".into()) };
    let (_, _, exts) = decode_hello(&encode_client_hello(&spec, &[1u8; 32]));
    assert!(!exts.iter().any(|(t, _)| *t == 0));
}

#[test]
fn ssl3_hello_has_no_extensions_and_scsv() {
    let spec = HelloSpec { version: SSL30, suites: vec![0x000A, 0x0004], server_name: Some("host".into()) };
    let rec = encode_client_hello(&spec, &[2u8; 32]);
    let (rv, body, exts) = decode_hello(&rec);
    assert_eq!(rv, SSL30);
    assert_eq!(u16_at(&body, 0), Some(SSL30));
    assert!(exts.is_empty());
    assert_eq!(suites_of(&body), vec![0x000A, 0x0004, 0x00FF]);
}

#[test]
fn tls13_hello_layout() {
    let spec = HelloSpec { version: TLS13, suites: vec![0x1301, 0x1302, 0x1303], server_name: None };
    let rec = encode_client_hello(&spec, &[3u8; 32]);
    let (rv, body, exts) = decode_hello(&rec);
    assert_eq!(rv, TLS10);
    assert_eq!(u16_at(&body, 0), Some(TLS12), "legacy_version");
    assert_eq!(body[34], 32, "compat session id");
    let get = |t: u16| exts.iter().find(|(x, _)| *x == t).map(|(_, d)| d.clone());
    assert_eq!(get(43), Some(vec![2, 3, 4]));
    let ks = get(51).unwrap();
    assert_eq!(&ks[..6], &[0, 36, 0, 0x1D, 0, 32]);
    assert_eq!(ks.len(), 38);
    assert_eq!(get(45), Some(vec![1, 1]));
    assert!(get(13).is_some() && get(10).is_some());
    assert!(get(0xFF01).is_none());
}

#[test]
fn padding_brings_mid_sized_hellos_to_512() {
    for n in 1..200 {
        let suites: Vec<u16> = suites_for_version(TLS12).into_iter().take(n).collect();
        let spec = HelloSpec { version: TLS12, suites, server_name: Some("a.example".into()) };
        let rec = encode_client_hello(&spec, &[0u8; 32]);
        let hs = rec.len() - 5;
        assert!(!(256..512).contains(&hs), "{n} suites -> {hs}");
        decode_hello(&rec);
    }
}

#[test]
fn default_chunks_stay_near_512_bytes() {
    for v in [SSL30, TLS10, TLS11, TLS12, TLS13] {
        for chunk in suites_for_version(v).chunks(ScanOptions::new(Instant::now()).chunk_size) {
            let spec = HelloSpec { version: v, suites: chunk.to_vec(), server_name: Some("rdp.example.com".into()) };
            let len = encode_client_hello(&spec, &[0u8; 32]).len();
            assert!(len <= 5 + 512, "version 0x{v:04X}: {len} bytes");
        }
    }
}

#[test]
fn suites_per_version() {
    let s12 = suites_for_version(TLS12);
    let s10 = suites_for_version(TLS10);
    let s13 = suites_for_version(TLS13);
    let s3 = suites_for_version(SSL30);
    assert_eq!(s13.len(), 5);
    assert!(s13.iter().all(|s| (0x1301..=0x1305).contains(s)));
    assert!(s12.contains(&0xC030) && s12.contains(&0x0003) && s12.contains(&0x0035));
    assert!(!s10.contains(&0xC030) && s10.contains(&0xC014) && s10.contains(&0x000A));
    assert!(!s3.contains(&0xC014) && s3.contains(&0x0035));
    // Realistic suites come first.
    let pos = |id: u16| s12.iter().position(|x| *x == id).unwrap();
    assert!(pos(0xC030) < pos(0xC061) && pos(0x0035) < pos(0x0084) && pos(0x000A) < pos(0x0003));
}

#[test]
fn parses_tls12_flight_with_certificate() {
    let Reply::ServerHello(h) = parse_all(TLS12_FLIGHT) else { panic!() };
    assert_eq!(h.version, TLS12);
    assert_eq!(h.legacy_version, TLS12);
    assert_eq!(h.suite, 0x0035);
    assert!(!h.hello_retry_request);
    assert!(h.extensions.contains(&0xFF01));
    let chain = h.certificate_chain.expect("certificate");
    assert_eq!(chain.len(), 1);
    let (_, cert) = x509_parser::parse_x509_certificate(&chain[0]).expect("DER");
    assert!(cert.subject().to_string().contains("rdp-doctor-test"));
}

#[test]
fn parses_tls12_flight_byte_by_byte() {
    let mut p = ReplyParser::new();
    let mut done = None;
    for (i, b) in TLS12_FLIGHT.iter().enumerate() {
        if let Progress::Done(r) = p.feed(&[*b]) {
            done = Some((i, r));
            break;
        }
    }
    let (i, r) = done.expect("done");
    assert!(i < TLS12_FLIGHT.len());
    let Reply::ServerHello(h) = r else { panic!() };
    assert!(h.certificate_chain.is_some());
}

#[test]
fn tls12_flight_cut_after_server_hello_still_gives_hello() {
    let rec_len = u16::from_be_bytes([TLS12_FLIGHT[3], TLS12_FLIGHT[4]]) as usize;
    let mut p = ReplyParser::new();
    assert_eq!(p.feed(&TLS12_FLIGHT[..5 + rec_len]), Progress::NeedMore);
    let Some(Reply::ServerHello(h)) = p.on_eof() else { panic!() };
    assert_eq!(h.suite, 0x0035);
    assert!(h.certificate_chain.is_none());
}

#[test]
fn parses_tls13_server_hello() {
    let Reply::ServerHello(h) = parse_all(TLS13_FLIGHT) else { panic!() };
    assert_eq!(h.legacy_version, TLS12);
    assert_eq!(h.version, TLS13);
    assert!([0x1301, 0x1302].contains(&h.suite));
    assert!(h.extensions.contains(&43));
    assert!(h.certificate_chain.is_none());
}

#[test]
fn parses_alerts() {
    assert_eq!(parse_all(TLS12_ALERT40), Reply::Alert { level: 2, description: 40 });
    assert_eq!(parse_all(TLS13_ALERT70), Reply::Alert { level: 2, description: 70 });
}

#[test]
fn detects_hello_retry_request_and_downgrade_sentinel() {
    let mut body = vec![0x03, 0x03];
    body.extend_from_slice(&HRR_RANDOM);
    body.extend_from_slice(&[0, 0x13, 0x02, 0, 0, 6, 0, 43, 0, 2, 3, 4]);
    let h = parse_server_hello(&body).unwrap();
    assert!(h.hello_retry_request);
    assert_eq!((h.version, h.suite), (TLS13, 0x1302));

    let mut body = vec![0x03, 0x02];
    let mut random = [9u8; 32];
    random[24..].copy_from_slice(b"DOWNGRD\x00");
    body.extend_from_slice(&random);
    body.extend_from_slice(&[0, 0x00, 0x35, 0]);
    let h = parse_server_hello(&body).unwrap();
    assert_eq!((h.version, h.downgrade_sentinel), (0x0302, Some(0x0302)));
}

#[test]
fn classifies_non_tls_and_malformed() {
    // An X.224 / TPKT answer.
    assert!(matches!(parse_all(&[3, 0, 0, 19, 14, 0xD0]), Reply::NotTls { .. }));
    assert!(matches!(parse_all(b"HTTP/1.1 400 Bad Request\r\n"), Reply::NotTls { .. }));
    // Handshake record, but a Certificate before any ServerHello.
    assert!(matches!(parse_all(&[22, 3, 3, 0, 4, 11, 0, 0, 0]), Reply::Malformed { .. }));
    // Oversized record.
    assert!(matches!(parse_all(&[22, 3, 3, 0xFF, 0xFF]), Reply::Malformed { .. }));
    // One-byte alert.
    assert!(matches!(parse_all(&[21, 3, 3, 0, 1, 2]), Reply::Malformed { .. }));
}

#[test]
fn answers_that_are_not_a_handshake() {
    // A record of content type 99 (none in TLS), as the lab's tls-answer-not-tls sends it.
    assert!(matches!(parse_all(&[99, 3, 3, 0, 4, 0xDE, 0xAD, 0xBE, 0xEF]), Reply::NotTls { .. }));
    // An SSL 2.0 SERVER-HELLO: named, not taken for a TLS version.
    let v2 = [0x80, 0x2E, 0x04, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x03, 0x00, 0x10];
    assert!(matches!(parse_all(&v2), Reply::Malformed { reason } if reason.contains("SSL 2.0")));
    // Warning alerts without end: no answer, not a refusal.
    let warnings: Vec<u8> = [21u8, 3, 3, 0, 2, 1, 90].repeat(40);
    assert!(matches!(parse_all(&warnings), Reply::Malformed { reason } if reason.contains("warning alerts")));
    // One warning, then a ServerHello: the warning ends nothing.
    let mut flight = vec![21, 3, 3, 0, 2, 1, 112];
    flight.extend_from_slice(TLS12_FLIGHT);
    assert!(matches!(parse_all(&flight), Reply::ServerHello(_)));
    // One warning, then the end: still read as the server's "no".
    let mut p = ReplyParser::new();
    assert_eq!(p.feed(&[21, 3, 3, 0, 2, 1, 40]), Progress::NeedMore);
    assert_eq!(p.on_eof(), Some(Reply::Alert { level: 1, description: 40 }));
}

/// Fed whole or in chunks of any size, the same bytes are the same answer.
fn parse_chunked(bytes: &[u8], chunk: usize) -> Option<Reply> {
    let mut p = ReplyParser::new();
    for piece in bytes.chunks(chunk.max(1)) {
        if let Progress::Done(r) = p.feed(piece) {
            return Some(r);
        }
    }
    p.on_eof()
}

#[test]
fn fuzz_regression_the_answer_does_not_depend_on_segmentation() {
    // fuzz/artifacts/tls_reply/crash-c9bb8d0f…: a record header with major version 2 after an alert byte.
    let mut a = vec![21u8, 2, 3];
    a.extend([255u8; 54]);
    a.extend([21, 249, 255, 2, 3, 2, 12, 0, 2, 2, 70]);
    // crash-4297a4cc…: a first byte with the high bit set, an SSL 2.0 hello or not only from byte 7 on.
    let mut b = vec![255u8, 0, 4, 255, 208, 0, 2, 255];
    b.extend([0u8; 117]);
    for b in [a, b, vec![0x80, 0x2E, 0x04], vec![0x80, 0x2E, 0x04, 0x00, 0x01, 0x00, 0x02]] {
        same_answer_in_any_chunks(&b);
    }
}

fn same_answer_in_any_chunks(b: &[u8]) {
    let whole = parse_chunked(b, b.len());
    for chunk in 1..=b.len() {
        let part = parse_chunked(b, chunk);
        // The same answer; only how many of the first bytes were in hand when they proved "not TLS"
        // may differ (what arrived so far is what is recorded).
        match (&part, &whole) {
            (Some(Reply::NotTls { first_bytes: a }), Some(Reply::NotTls { first_bytes: w })) => {
                assert!(w.starts_with(a), "chunks of {chunk}: {a:?} is not a prefix of {w:?}");
            }
            _ => assert_eq!(part, whole, "chunks of {chunk}"),
        }
    }
}

#[test]
fn reply_size_is_capped() {
    let mut p = ReplyParser::new();
    // A ServerHello header that announces a huge message.
    let mut rec = vec![22, 3, 3, 0x40, 0x00, 2, 0x00, 0xFF, 0xFF];
    rec.resize(5 + 0x4000, 0);
    let mut r = Progress::NeedMore;
    for _ in 0..10 {
        r = p.feed(&rec);
        if r != Progress::NeedMore {
            break;
        }
    }
    assert!(matches!(r, Progress::Done(Reply::Malformed { .. })), "{r:?}");
    assert!(p.bytes_received() <= MAX_REPLY);
}

proptest! {
    #[test]
    fn parser_never_panics(chunks in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..300), 0..8)) {
        let mut p = ReplyParser::new();
        for c in &chunks {
            let _ = p.feed(c);
        }
        let _ = p.on_eof();
        prop_assert!(p.bytes_received() <= MAX_REPLY);
    }

    #[test]
    fn parser_never_panics_on_tls_shaped_input(
        ct in prop_oneof![Just(20u8), Just(21u8), Just(22u8), Just(23u8)],
        hs_type in any::<u8>(),
        body in proptest::collection::vec(any::<u8>(), 0..600),
        cut in 0usize..700,
    ) {
        let mut msg = vec![hs_type];
        let l = body.len();
        msg.extend_from_slice(&[(l >> 16) as u8, (l >> 8) as u8, l as u8]);
        msg.extend_from_slice(&body);
        let mut rec = vec![ct, 3, 3, (msg.len() >> 8) as u8, msg.len() as u8];
        rec.extend_from_slice(&msg);
        let cut = cut.min(rec.len());
        let mut p = ReplyParser::new();
        let _ = p.feed(&rec[..cut]);
        let _ = p.feed(&rec[cut..]);
        let _ = p.on_eof();
    }

    #[test]
    fn server_hello_mutations_never_panic(pos in 0usize..900, val in any::<u8>(), cut in 0usize..903) {
        let mut b = TLS12_FLIGHT.to_vec();
        let pos = pos.min(b.len() - 1);
        b[pos] = val;
        let mut p = ReplyParser::new();
        let _ = p.feed(&b[..cut.min(b.len())]);
        let _ = p.on_eof();
    }

    #[test]
    fn encoder_output_is_well_formed(
        version in prop_oneof![Just(SSL30), Just(TLS10), Just(TLS11), Just(TLS12), Just(TLS13)],
        suites in proptest::collection::vec(any::<u16>(), 0..250),
        name in proptest::option::of("[a-z0-9.-]{0,70}"),
    ) {
        let spec = HelloSpec { version, suites, server_name: name };
        decode_hello(&encode_client_hello(&spec, &fresh_random()));
    }
}

// ----- enumeration state machine -----

fn sh(version: u16, suite: u16) -> ConnOutcome {
    ConnOutcome::ServerHello { version, suite, hello_retry_request: false }
}

/// Simulates a server that accepts `accepted` (in its preference order) at `version` and answers
/// other versions with `other`.
fn run(en: &mut VersionEnumerator, server_version: u16, accepted: &[u16], server_pref: bool) -> u32 {
    let mut n = 0;
    while let Some(offer) = en.next_offer() {
        n += 1;
        assert!(n < 1000);
        let outcome = if en.version() > server_version {
            if server_version >= TLS10 && en.version() <= TLS12 {
                match pick(&offer, accepted, server_pref) {
                    Some(s) => sh(server_version, s),
                    None => ConnOutcome::Alert { level: 2, description: 40 },
                }
            } else {
                ConnOutcome::Alert { level: 2, description: 70 }
            }
        } else {
            match pick(&offer, accepted, server_pref) {
                Some(s) => sh(en.version(), s),
                None => ConnOutcome::Alert { level: 2, description: 40 },
            }
        };
        en.record(&offer, &outcome);
    }
    n
}

fn pick(offer: &[u16], accepted: &[u16], server_pref: bool) -> Option<u16> {
    if server_pref {
        accepted.iter().copied().find(|s| offer.contains(s))
    } else {
        offer.iter().copied().find(|s| accepted.contains(s))
    }
}

#[test]
fn enumerates_in_server_order_single_chunk() {
    let offer = suites_for_version(TLS12);
    let accepted = [0xC030, 0x009F, 0x0035, 0x000A];
    let mut en = VersionEnumerator::new(TLS12, offer, 128, true);
    let conns = run(&mut en, TLS12, &accepted, true);
    let r = en.result();
    assert_eq!(r.outcome, VersionOutcome::Accepted);
    assert_eq!(r.suites, accepted.to_vec());
    assert_eq!(r.server_preference, Some(true));
    // 4 accepted + 1 refusal in chunk 1, 1 refusal in chunk 2, + 1 client-preference probe.
    assert_eq!(conns, 4 + 1 + 1 + 1);
    assert_eq!(r.connections, conns);
}

#[test]
fn enumerates_across_chunks_and_orders_globally() {
    let offer = suites_for_version(TLS12);
    // 0xC061 (ARIA) lands in the second chunk but is the server's favourite.
    let accepted = [0xC061, 0x0035, 0xC08B, 0x002F];
    let mut en = VersionEnumerator::new(TLS12, offer, 128, false);
    run(&mut en, TLS12, &accepted, true);
    let r = en.result();
    assert_eq!(r.suites, accepted.to_vec());
}

#[test]
fn detects_client_preference_server() {
    let offer = suites_for_version(TLS12);
    let accepted = [0x002F, 0x0035, 0xC030];
    let mut en = VersionEnumerator::new(TLS12, offer.clone(), 128, true);
    run(&mut en, TLS12, &accepted, false);
    let r = en.result();
    assert_eq!(r.server_preference, Some(false));
    let mut sorted = r.suites.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, vec![0x002F, 0x0035, 0xC030]);
}

#[test]
fn detects_downgrade_and_protocol_version_alert() {
    // A TLS 1.0-only server answers a TLS 1.2 hello with a TLS 1.0 ServerHello.
    let mut en = VersionEnumerator::new(TLS12, suites_for_version(TLS12), 128, true);
    let conns = run(&mut en, TLS10, &[0x0035], true);
    assert_eq!(conns, 1);
    assert_eq!(en.result().outcome, VersionOutcome::DowngradedTo { to: "tls1.0".into() });
    assert!(en.result().suites.is_empty());
    // A TLS 1.2-only server refuses a TLS 1.3 hello with protocol_version.
    let mut en = VersionEnumerator::new(TLS13, suites_for_version(TLS13), 128, true);
    let conns = run(&mut en, TLS12, &[0x0035], true);
    assert_eq!(conns, 1);
    assert_eq!(en.result().outcome, VersionOutcome::RejectedAlert { description: 70, name: "protocol_version" });
}

#[test]
fn close_and_timeout_outcomes() {
    let mut en = VersionEnumerator::new(TLS12, suites_for_version(TLS12), 128, true);
    let mut n = 0;
    while let Some(o) = en.next_offer() {
        en.record(&o, &ConnOutcome::Closed { bytes: 0 });
        n += 1;
    }
    assert_eq!(n, 2, "one per chunk");
    assert_eq!(en.result().outcome, VersionOutcome::Closed);

    let mut en = VersionEnumerator::new(TLS12, suites_for_version(TLS12), 128, true);
    let o = en.next_offer().unwrap();
    en.record(&o, &ConnOutcome::Timeout { bytes: 0 });
    assert!(en.is_done());
    assert_eq!(en.result().outcome, VersionOutcome::Timeout);
}

#[test]
fn unoffered_suite_is_a_violation_not_a_loop() {
    let mut en = VersionEnumerator::new(TLS12, vec![0x0035, 0x002F], 128, true);
    let mut n = 0;
    while let Some(o) = en.next_offer() {
        en.record(&o, &sh(TLS12, 0xC030));
        n += 1;
        assert!(n < 5);
    }
    let r = en.result();
    assert_eq!(r.violations, vec![Violation::UnofferedSuite { version: "tls1.2".into(), id: "0xC030".into() }]);
}

#[test]
fn scan_json_shape() {
    let mut scan = TlsScan { versions: vec!["tls1.2".into()], ..Default::default() };
    scan.suites.push(SuiteObs {
        version: "tls1.2".into(),
        id: "0x0035".into(),
        name: "TLS_RSA_WITH_AES_256_CBC_SHA".into(),
        preferred: true,
        rank: 1,
        version_code: TLS12,
        id_code: 0x0035,
    });
    scan.version_results.push(VersionResult {
        version: "tls1.3".into(),
        outcome: VersionOutcome::RejectedAlert { description: 70, name: "protocol_version" },
        server_preference: None,
        connections: 1,
    });
    let j = serde_json::to_value(&scan).unwrap();
    assert_eq!(j["versions"][0], "tls1.2");
    assert_eq!(j["suites"][0]["id"], "0x0035");
    assert_eq!(j["suites"][0]["preferred"], true);
    assert_eq!(j["version_results"][0]["outcome"], "rejected_alert");
    assert_eq!(j["version_results"][0]["description"], 70);
    assert!(j["suites"][0].get("id_code").is_none());
    assert_eq!(scan.suites_by_version()[&TLS12], vec![0x0035]);
    assert_eq!(scan.accepted_versions(), vec![TLS12]);
}
