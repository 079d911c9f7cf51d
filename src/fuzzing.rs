//! What each fuzz target drives (issue 10): one function per target in `fuzz/fuzz_targets`, each file
//! there a one-line call to the function of its name. The bodies live here so that they follow the
//! library when codecs move (they are compiled by `cargo test`, not only by the fuzz workspace), and
//! so that the seeds and regressions can be replayed on the stable toolchain (the test below).
//! Every function takes any bytes and must never panic; an `assert!` in one is a property the parser
//! keeps. Not part of the public interface.

use crate::codec::session as classify;
use crate::codec::tsgu as gw;
use crate::codec::{ntlm, tsrequest as credssp_codec};
use crate::evidence::{self, EvidenceObs, Window, evtx, reg};
use crate::lab::tls_raw;
use crate::observations::CredsspObs;
use crate::probe::cert;
use crate::probe::credssp;
use crate::probe::session::rdp_security;
use crate::probe::tls_scan::{self, MAX_REPLY, Progress, ReplyParser};
use crate::probe::x224;
use crate::report::style::Style;

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
    let mut obs = CredsspObs::blank(String::new());
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

/// Packets out of one direction of a tunnel as the probe reads them: fed in pieces of `chunk` bytes,
/// each piece followed by taking every whole packet. `None` when the stream was refused.
fn tsgu_stream(framing: gw::Framing, bytes: &[u8], chunk: usize) -> Option<Vec<gw::Packet>> {
    let mut dec = gw::StreamDecoder::new(framing);
    let mut packets = Vec::new();
    for piece in bytes.chunks(chunk.max(1)) {
        dec.feed(piece).ok()?;
        while let Some(p) = dec.next_packet().ok()? {
            let _ = gw::encode(&p);
            packets.push(p);
        }
    }
    Some(packets)
}

/// The [MS-TSGU] HTTP transport codec, every parser of bytes from a gateway: the HTTP response head
/// (and a request head, as the lab gateway reads it) with its authentication offers, then the body
/// after it as the probe unwraps it (WebSocket frames per RFC 6455 after a 101, chunked or raw after
/// the seed body otherwise); the same bytes through each framing whole and in pieces (the packets must
/// not depend on how the bytes arrived); and the single decoders: the 8-byte header, one packet
/// (handshake, tunnel, tunnel-auth and channel responses, data, service, reauth, close; 2.2.10),
/// one WebSocket frame.
pub fn tsgu(data: &[u8]) {
    if let gw::HeadParse::Complete(head) = gw::parse_response(data) {
        assert!(head.len <= data.len());
        let _ = (head.content_length(), head.auth_offers(), head.authorization());
        let framing = match head.status {
            101 => gw::Framing::WebSocket,
            _ if head.chunked() => gw::Framing::Chunked,
            _ => gw::Framing::RawAfterSeed,
        };
        let _ = tsgu_stream(framing, &data[head.len..], 1 + data.len() % 53);
    }
    if let gw::HeadParse::Complete(head) = gw::parse_request(data) {
        assert!(head.len <= data.len());
        let _ = (head.authorization(), head.header("Sec-WebSocket-Key").map(gw::websocket_accept));
    }
    for framing in [gw::Framing::WebSocket, gw::Framing::Chunked, gw::Framing::RawAfterSeed] {
        let whole = tsgu_stream(framing, data, data.len());
        let pieces = tsgu_stream(framing, data, 1 + data.len() % 37);
        if let (Some(w), Some(p)) = (&whole, &pieces) {
            assert_eq!(w, p, "{framing:?}: the packets depend on how the bytes arrived");
        }
    }
    let _ = gw::peek_header(data);
    if let gw::Decoded::Packet(p, n) = gw::decode(data) {
        assert!((gw::HEADER_LEN..=data.len()).contains(&n));
        let _ = gw::encode(&p);
    }
    if let gw::WsDecoded::Frame { payload, len, .. } = gw::ws_decode(data) {
        assert!(len <= data.len() && payload.len() <= len);
    }
    let mut out = Vec::new();
    let _ = gw::Dechunker::default().feed(data, &mut out);
    assert!(out.len() <= data.len());
}

/// The evidence findings, verdict, timeline and both renderings of what was read.
fn evidence_report(obs: EvidenceObs) {
    let report = evidence::build_report(obs, true);
    let _ = report.to_json();
    let text = evidence::report::render(&report, Style::plain());
    assert!(!text.contains('\x1b'), "an escape sequence from the file reaches the terminal");
    let _ = report.exit_code();
}

/// A registry export (`.reg`, or MSRD-Collect's `.txt` copy) as `evidence` reads a file: bytes to
/// text (UTF-16LE with or without a byte-order mark, UTF-8, Latin-1), regashii's parse (key by key
/// when it refuses the whole), the effective settings, then the evidence rules.
pub fn reg_export(data: &[u8]) {
    let mut values = Vec::new();
    let _ = reg::parse_text(&reg::decode_text(data), "fuzz.reg", &mut values);
    let obs = EvidenceObs { registry: reg::effective(&values), ..EvidenceObs::default() };
    evidence_report(obs);
}

/// An exported event log (`.evtx`) as `evidence` reads a file, from its bytes: the `evtx` crate's
/// records (streamed, past bad records), each relevant one decoded into an event, then the evidence
/// rules, the timeline and the report.
pub fn evtx_rules(data: &[u8]) {
    let mut obs = EvidenceObs::default();
    let file =
        evtx::read_bytes(data.to_vec(), "fuzz.evtx", 0, Window::default(), &mut obs.events, &mut obs.events_dropped);
    assert!(file.relevant >= obs.events.len() as u64);
    obs.files.push(file);
    obs.events.sort_by(|a, b| a.epoch_ms.cmp(&b.epoch_ms).then(a.record_id.cmp(&b.record_id)));
    evidence_report(obs);
}

/// What a fuzz target drives: any bytes in, never a panic.
pub type Target = fn(&[u8]);

/// Every target: its name (the file `fuzz/fuzz_targets/NAME.rs`, the folders `fuzz/seeds/NAME` and
/// `fuzz/regressions/NAME`) and its function.
pub const TARGETS: &[(&str, Target)] = &[
    ("x224_reply", x224_reply),
    ("tls_reply", tls_reply),
    ("cert_flight", cert_flight),
    ("tsrequest", tsrequest),
    ("ntlm_challenge", ntlm_challenge),
    ("session_frame", session_frame),
    ("tsgu", tsgu),
    ("reg_export", reg_export),
    ("evtx_rules", evtx_rules),
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Path, PathBuf};

    fn root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
    }

    fn files(dir: &Path) -> Vec<PathBuf> {
        let mut out: Vec<PathBuf> = match std::fs::read_dir(dir) {
            Ok(rd) => rd.filter_map(|e| e.ok()).map(|e| e.path()).collect(),
            Err(_) => Vec::new(),
        };
        out.sort();
        out
    }

    /// The real-server fixtures `scripts/fuzz.sh` seeds a target with besides `fuzz/seeds/TARGET`.
    const FIXTURE_SEEDS: &[(&str, &str)] = &[
        ("x224_reply", "tests/fixtures/x224"),
        ("tls_reply", "tests/fixtures/tls"),
        ("cert_flight", "tests/fixtures/tls"),
        ("session_frame", "tests/fixtures/x224"),
    ];

    /// The stable-toolchain fuzz smoke (issue 10): every seed, every real-server fixture a target is
    /// seeded with, and every saved crash goes through its target's function; none may panic. A folder
    /// named for no target fails the test, and so does a target without a seed.
    #[test]
    fn seeds_and_regressions_replay_without_panic() {
        let mut dirs: Vec<(String, PathBuf)> = Vec::new();
        for kind in ["seeds", "regressions"] {
            for dir in files(&root().join(kind)).into_iter().filter(|d| d.is_dir()) {
                let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("").to_string();
                dirs.push((name, dir));
            }
        }
        for (name, dir) in FIXTURE_SEEDS {
            dirs.push((name.to_string(), Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)));
        }
        let mut failures = Vec::new();
        let mut replayed = std::collections::BTreeMap::new();
        for (name, dir) in dirs {
            let Some((_, run)) = TARGETS.iter().find(|(t, _)| *t == name) else {
                failures.push(format!("{}: no fuzz target of that name", dir.display()));
                continue;
            };
            for file in files(&dir).into_iter().filter(|f| f.is_file()) {
                if file.extension().is_some_and(|e| e == "md") {
                    continue;
                }
                let data = std::fs::read(&file).expect("readable");
                if std::panic::catch_unwind(|| run(&data)).is_err() {
                    failures.push(format!("{}: panicked", file.display()));
                }
                *replayed.entry(name.clone()).or_insert(0) += 1;
            }
        }
        assert!(failures.is_empty(), "fuzz inputs that panic:\n{}", failures.join("\n"));
        for (name, _) in TARGETS {
            assert!(replayed.get(*name).copied().unwrap_or(0) > 0, "no seed for {name} under fuzz/seeds/{name}/");
        }
    }

    /// Each target file is the one-line call into this module, and each function has its file.
    #[test]
    fn every_target_file_calls_its_function() {
        let dir = root().join("fuzz_targets");
        let on_disk: Vec<String> =
            files(&dir).iter().filter_map(|f| f.file_stem().and_then(|s| s.to_str()).map(str::to_string)).collect();
        let mut names: Vec<String> = TARGETS.iter().map(|(n, _)| n.to_string()).collect();
        names.sort();
        let mut on_disk_sorted = on_disk.clone();
        on_disk_sorted.sort();
        assert_eq!(on_disk_sorted, names);
        let manifest = std::fs::read_to_string(root().join("Cargo.toml")).expect("fuzz/Cargo.toml");
        for name in names {
            let src = std::fs::read_to_string(dir.join(format!("{name}.rs"))).expect("target file");
            assert!(
                src.contains(&format!("rdp_doctor::fuzzing::{name}(data)")),
                "{name}.rs does not call fuzzing::{name}"
            );
            assert!(
                manifest.contains(&format!("path = \"fuzz_targets/{name}.rs\"")),
                "{name} is not a [[bin]] of fuzz/Cargo.toml"
            );
        }
    }

    /// Writes `fuzz/seeds/tsgu/` with the codec's own encoders, as the lab gateway (`lab::gateway`)
    /// answers (no capture of a real gateway is in the fixtures). Run by hand:
    /// `cargo test --lib fuzzing::tests::write_tsgu_seeds -- --ignored`.
    #[test]
    #[ignore = "writes the committed tsgu seeds"]
    fn write_tsgu_seeds() {
        use gw::Packet;
        let dir = root().join("seeds/tsgu");
        std::fs::create_dir_all(&dir).expect("seed dir");
        let x224_confirm =
            [0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0, 0, 0x12, 0x34, 0, 0x02, 0x1f, 0x08, 0, 0x02, 0, 0, 0];
        let tunnel: Vec<Packet> = vec![
            Packet::HandshakeResponse {
                error_code: 0,
                ver_major: 1,
                ver_minor: 0,
                server_version: 0,
                extended_auth: 0,
            },
            Packet::TunnelResponse {
                server_version: 5,
                status_code: 0,
                tunnel_id: Some(1),
                caps: Some(gw::HTTP_CAPABILITY_IDLE_TIMEOUT),
            },
            Packet::TunnelAuthResponse { error_code: 0, redir_flags: Some(0x8000_0000), idle_timeout: Some(0) },
            Packet::ChannelResponse { error_code: 0, channel_id: Some(1) },
            Packet::Data(x224_confirm.to_vec()),
            Packet::Keepalive,
            Packet::ServiceMessage("maintenance at 22:00".into()),
            Packet::Reauth { context: 7 },
            Packet::CloseChannel { status: 0 },
            Packet::CloseChannelResponse { status: 0 },
        ];
        let ws_head = gw::encode_response(
            101,
            "Switching Protocols",
            &[
                ("Connection", "Upgrade".into()),
                ("Upgrade", "websocket".into()),
                ("Sec-WebSocket-Accept", gw::websocket_accept("dGhlIHNhbXBsZSBub25jZQ==")),
            ],
        );
        let mut ws = ws_head.clone();
        for p in &tunnel {
            ws.extend(gw::ws_binary(&gw::encode(p), None));
        }
        ws.extend(gw::ws_frame(gw::OpCode::Control(gw::Control::Ping), b"p", None));
        ws.extend(gw::ws_frame(gw::OpCode::Control(gw::Control::Close), &[0x03, 0xe8], None));
        let mut legacy = gw::encode_response(200, "OK", &[("Server", "Microsoft-HTTPAPI/2.0".into())]);
        legacy.extend_from_slice(&[0x5A; 10]);
        for p in &tunnel {
            legacy.extend(gw::encode(p));
        }
        let mut chunked = gw::encode_response(200, "OK", &[("Transfer-Encoding", "chunked".into())]);
        for p in &tunnel {
            chunked.extend(gw::encode_chunk(&gw::encode(p)));
        }
        chunked.extend_from_slice(b"0\r\n\r\n");
        let mut refused = ws_head;
        for p in [
            Packet::HandshakeResponse {
                error_code: 0,
                ver_major: 1,
                ver_minor: 0,
                server_version: 0,
                extended_auth: 0,
            },
            Packet::TunnelResponse { server_version: 5, status_code: 0x8007_59E6, tunnel_id: None, caps: None },
            Packet::TunnelAuthResponse { error_code: 0x8007_59ED, redir_flags: None, idle_timeout: None },
            Packet::ChannelResponse { error_code: 0x8007_59DA, channel_id: None },
            Packet::ExtendedAuth { error_code: 0, blob: vec![0x60, 0x01, 0x00] },
            Packet::Unknown { packet_type: 0x42 },
        ] {
            refused.extend(gw::ws_binary(&gw::encode(&p), None));
        }
        let unauthorized = gw::encode_response(
            401,
            "Unauthorized",
            &[
                ("WWW-Authenticate", "Negotiate".into()),
                ("WWW-Authenticate", "NTLM TlRMTVNTUAACAAAA".into()),
                ("WWW-Authenticate", "Basic realm=\"rdp-doctor-lab\"".into()),
                ("Content-Length", "0".into()),
                ("Server", "Microsoft-HTTPAPI/2.0".into()),
            ],
        );
        let mut request = gw::encode_request(
            gw::RDG_OUT_DATA,
            gw::RDG_PATH,
            "gw.example",
            &gw::websocket_request_headers("dGhlIHNhbXBsZSBub25jZQ=="),
        );
        request.extend(gw::ws_binary(
            &gw::encode(&Packet::HandshakeRequest { ver_major: 1, ver_minor: 0, client_version: 0, extended_auth: 0 }),
            Some([1, 2, 3, 4]),
        ));
        for (name, bytes) in [
            ("lab-ws-101-tunnel.bin", ws),
            ("lab-legacy-200-seed-raw.bin", legacy),
            ("lab-chunked-200.bin", chunked),
            ("lab-ws-101-refusals.bin", refused),
            ("lab-401-offers.bin", unauthorized),
            ("lab-client-ws-request.bin", request),
        ] {
            std::fs::write(dir.join(name), bytes).expect("write seed");
        }
    }
}
