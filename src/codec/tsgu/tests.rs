use super::*;

fn roundtrip(p: Packet) {
    let b = encode(&p);
    assert_eq!(decode(&b), Decoded::Packet(p.clone(), b.len()), "{p:?}");
    for cut in 0..b.len() {
        assert!(matches!(decode(&b[..cut]), Decoded::NeedMore | Decoded::Malformed(_)));
    }
}

#[test]
fn packets_roundtrip() {
    roundtrip(Packet::HandshakeRequest { ver_major: 1, ver_minor: 0, client_version: 0, extended_auth: 0 });
    roundtrip(Packet::HandshakeResponse {
        error_code: 0,
        ver_major: 1,
        ver_minor: 0,
        server_version: 0,
        extended_auth: 0,
    });
    roundtrip(Packet::TunnelCreate { caps: HTTP_CAPABILITY_TYPE_QUAR_SOH, paa_cookie: None });
    roundtrip(Packet::TunnelCreate { caps: 1, paa_cookie: Some(vec![1, 2, 3]) });
    roundtrip(Packet::TunnelResponse { server_version: 5, status_code: 0, tunnel_id: Some(7), caps: Some(0x3F) });
    roundtrip(Packet::TunnelResponse { server_version: 5, status_code: 0x8007_59E6, tunnel_id: None, caps: None });
    roundtrip(Packet::TunnelAuth { client_name: "WORKSTATION".into() });
    roundtrip(Packet::TunnelAuthResponse { error_code: 0, redir_flags: Some(0x8000_0000), idle_timeout: Some(0) });
    roundtrip(Packet::ChannelCreate {
        resources: vec!["rdp.example.test".into()],
        alt_resources: vec![],
        port: 3389,
        protocol: PROTOCOL_RDP,
    });
    roundtrip(Packet::ChannelResponse { error_code: 0x8007_59DA, channel_id: None });
    roundtrip(Packet::ChannelResponse { error_code: 0, channel_id: Some(1) });
    roundtrip(Packet::Data(vec![3, 0, 0, 19]));
    roundtrip(Packet::ServiceMessage("maintenance".into()));
    roundtrip(Packet::Keepalive);
    roundtrip(Packet::CloseChannel { status: 0x8007_59F6 });
    roundtrip(Packet::CloseChannelResponse { status: 0 });
    roundtrip(Packet::ExtendedAuth { error_code: 0, blob: vec![9; 5] });
}

/// The handshake request as FreeRDP 2.x sends it (rdg_send_handshake: 14 bytes).
#[test]
fn handshake_request_bytes() {
    let b = encode(&Packet::HandshakeRequest { ver_major: 1, ver_minor: 0, client_version: 0, extended_auth: 0 });
    assert_eq!(b, [1, 0, 0, 0, 14, 0, 0, 0, 1, 0, 0, 0, 0, 0]);
    let r = encode(&Packet::HandshakeResponse {
        error_code: 0,
        ver_major: 1,
        ver_minor: 0,
        server_version: 0,
        extended_auth: 0,
    });
    assert_eq!(r[..8], HANDSHAKE_RESPONSE_HEADER);
}

#[test]
fn hostile_lengths() {
    assert_eq!(decode(&[1, 0, 0, 0, 4, 0, 0, 0]), Decoded::Malformed(Malformed::BadLength(4)));
    assert_eq!(decode(&[10, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF]), Decoded::Malformed(Malformed::BadLength(u32::MAX)));
    // A DATA packet whose cbDataLen claims more than the packet holds.
    assert_eq!(decode(&[10, 0, 0, 0, 10, 0, 0, 0, 0xFF, 0xFF]), Decoded::Malformed(Malformed::Truncated(10)));
}

#[test]
fn seed_then_packets() {
    let mut r = PacketReader::default();
    r.push(&[0xAA; 10]);
    r.push(&encode(&Packet::HandshakeResponse {
        error_code: 0,
        ver_major: 1,
        ver_minor: 0,
        server_version: 0,
        extended_auth: 0,
    }));
    assert!(r.skip_to(&HANDSHAKE_RESPONSE_HEADER));
    assert!(matches!(r.next_packet(), Ok(Some(Packet::HandshakeResponse { .. }))));
    assert_eq!(r.next_packet(), Ok(None));
}

#[test]
fn http_heads() {
    let req = encode_request(RDG_OUT_DATA, RDG_PATH, "gw", &[("RDG-Connection-Id", "{x}".into())]);
    let HeadParse::Complete(h) = parse_request(&req) else { panic!() };
    assert_eq!((h.method.as_str(), h.path.as_str(), h.len), (RDG_OUT_DATA, RDG_PATH, req.len()));
    let resp = b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Negotiate\r\nWWW-Authenticate: NTLM\r\nWWW-Authenticate: Basic realm=\"gw\"\r\nContent-Length: 0\r\n\r\n";
    let HeadParse::Complete(h) = parse_response(resp) else { panic!() };
    assert_eq!(h.status, 401);
    let schemes: Vec<_> = h.auth_offers().into_iter().map(|(s, _)| s).collect();
    assert_eq!(schemes, ["Negotiate", "NTLM", "Basic"]);
    let h2 = b"HTTP/1.1 401 x\r\nWWW-Authenticate: NTLM TlRMTVNTUAACAAAA==\r\n\r\n";
    let HeadParse::Complete(h2) = parse_response(h2) else { panic!() };
    assert_eq!(h2.auth_offers(), [("NTLM".to_string(), Some("TlRMTVNTUAACAAAA==".to_string()))]);
    assert_eq!(parse_response(b"\x16\x03\x01garbage\r\n\r\n"), HeadParse::Bad);
    assert_eq!(parse_response(b"HTTP/1.1 200"), HeadParse::NeedMore);
}

#[test]
fn chunked() {
    let mut d = Dechunker::default();
    let mut out = Vec::new();
    let mut all = encode_chunk(b"hello");
    all.extend(encode_chunk(b" world"));
    for b in &all {
        assert_eq!(d.feed(&[*b], &mut out), Dechunk::Ok);
    }
    assert_eq!(out, b"hello world");
    assert_eq!(d.feed(b"0\r\n\r\n", &mut out), Dechunk::End);
    assert_eq!(Dechunker::default().feed(b"zz\r\n", &mut out), Dechunk::Bad);
    assert_eq!(Dechunker::default().feed(b"ffffffff\r\n", &mut out), Dechunk::Bad);
}

#[test]
fn websocket_frames() {
    let f = ws_binary(b"abc", Some([1, 2, 3, 4]));
    let WsDecoded::Frame { payload, len, opcode, fin } = ws_decode(&f) else { panic!() };
    assert_eq!((payload.as_slice(), len, opcode, fin), (&b"abc"[..], f.len(), OpCode::Data(WsData::Binary), true));
    assert_eq!(ws_decode(&f[..3]), WsDecoded::NeedMore);
    let big = ws_binary(&vec![0; 70_000], None);
    assert!(matches!(ws_decode(&big), WsDecoded::Frame { .. }));
    // RFC 6455 1.3's example key.
    assert_eq!(websocket_accept("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

proptest::proptest! {
    #[test]
    fn no_panic_on_any_bytes(b in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200)) {
        let _ = decode(&b);
        let _ = parse_response(&b);
        let _ = parse_request(&b);
        let _ = ws_decode(&b);
        let _ = Dechunker::default().feed(&b, &mut Vec::new());
        let mut r = PacketReader::default();
        r.push(&b);
        while let Ok(Some(_)) = r.next_packet() {}
    }
}
