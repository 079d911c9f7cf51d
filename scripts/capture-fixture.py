#!/usr/bin/env python3
"""Capture what a real RDP server answers to X.224 Connection Requests.

Usage: capture-fixture.py HOST PORT SERVER_NAME OUT_DIR
       capture-fixture.py --decode FILE...

For each request (legacy, 0x0, 0x1, 0x2, 0x3, 0x4, 0xb, 0xf) it opens a new
TCP connection, sends the request, reads until the TPKT length is complete or
the peer closes (deadline 3 s) and saves the raw bytes as
OUT_DIR/<SERVER_NAME>-<request>.bin. A one-line decoding of each answer is
printed on stdout (tab-separated: file, request, outcome).

Only ever pass loopback addresses (or addresses inside network namespaces
you created yourself).
"""
import socket
import struct
import sys
import time

COOKIE = b"Cookie: mstshash=rdpdoctor\r\n"
PROTOCOLS = {0x1: "SSL", 0x2: "HYBRID", 0x4: "RDSTLS", 0x8: "HYBRID_EX"}
FAILURES = {
    0x1: "SSL_REQUIRED_BY_SERVER",
    0x2: "SSL_NOT_ALLOWED_BY_SERVER",
    0x3: "SSL_CERT_NOT_ON_SERVER",
    0x4: "INCONSISTENT_FLAGS",
    0x5: "HYBRID_REQUIRED_BY_SERVER",
    0x6: "SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER",
}
RSP_FLAGS = {
    0x01: "EXTENDED_CLIENT_DATA_SUPPORTED",
    0x02: "DYNVC_GFX_PROTOCOL_SUPPORTED",
    0x04: "NEGRSP_FLAG_RESERVED",
    0x08: "RESTRICTED_ADMIN_MODE_SUPPORTED",
    0x10: "REDIRECTED_AUTHENTICATION_MODE_SUPPORTED",
}
REQUESTS = ["legacy", 0x0, 0x1, 0x2, 0x3, 0x4, 0xB, 0xF]


def label(req):
    return "legacy" if req == "legacy" else "0x%02x" % req


def build(req):
    if req == "legacy":
        return bytes.fromhex("0300000b06e00000000000")
    body = b"\xe0\x00\x00\x00\x00\x00" + COOKIE + struct.pack("<BBHI", 1, 0, 8, req)
    x224 = bytes([len(body)]) + body
    return struct.pack(">BBH", 3, 0, 4 + len(x224)) + x224


def capture(host, port, req, deadline=3.0):
    s = socket.create_connection((host, port), timeout=deadline)
    s.sendall(build(req))
    buf = b""
    end = time.monotonic() + deadline
    note = ""
    while True:
        if len(buf) >= 4 and buf[0] == 3 and len(buf) >= struct.unpack(">H", buf[2:4])[0]:
            note = "complete"
            break
        left = end - time.monotonic()
        if left <= 0:
            note = "timeout"
            break
        s.settimeout(left)
        try:
            chunk = s.recv(4096)
        except socket.timeout:
            note = "timeout"
            break
        except ConnectionResetError:
            note = "reset"
            break
        if not chunk:
            note = "closed"
            break
        buf += chunk
    s.close()
    return buf, note


def names(value, table):
    out = [n for bit, n in table.items() if value & bit]
    rest = value & ~sum(table)
    if rest:
        out.append("0x%x" % rest)
    return "|".join(out) if out else "none"


def decode(buf):
    if not buf:
        return "no bytes (peer closed)"
    if len(buf) < 4 or buf[0] != 3:
        return "not TPKT: %s" % buf[:16].hex()
    tlen = struct.unpack(">H", buf[2:4])[0]
    extra = "" if len(buf) == tlen else " (read %d bytes, TPKT says %d)" % (len(buf), tlen)
    if len(buf) < 6:
        return "short TPKT" + extra
    li, code = buf[4], buf[5] & 0xF0
    if code == 0xD0:
        if li == 6 and tlen == 11:
            return "X.224 CC without negotiation data (legacy CC)" + extra
        neg = buf[11:19]
        if len(neg) < 8:
            return "X.224 CC with short negotiation data %s%s" % (neg.hex(), extra)
        typ, flags, ln, val = struct.unpack("<BBHI", neg)
        if typ == 2:
            sel = "RDP" if val == 0 else names(val, PROTOCOLS)
            return "RDP_NEG_RSP selected=%s (0x%x) flags=%s (0x%02x)%s" % (
                sel, val, names(flags, RSP_FLAGS), flags, extra)
        if typ == 3:
            return "RDP_NEG_FAILURE code=%s (0x%x) flags=0x%02x%s" % (
                FAILURES.get(val, "unknown"), val, flags, extra)
        return "X.224 CC with unknown negotiation type 0x%02x: %s%s" % (typ, neg.hex(), extra)
    if code == 0xF0 and len(buf) >= 9 and (buf[7] >> 2) == 8:
        # X.224 Data TPDU carrying an MCS PDU; choice 8 = disconnectProviderUltimatum
        reason = ((buf[7] & 0x03) << 1) | (buf[8] >> 7) if len(buf) > 8 else None
        return "MCS Disconnect Provider Ultimatum reason=%s%s" % (reason, extra)
    return "TPKT with X.224 code 0x%02x: %s%s" % (code, buf[:24].hex(), extra)


def main(argv):
    if len(argv) >= 2 and argv[1] == "--decode":
        for path in argv[2:]:
            with open(path, "rb") as f:
                print("%s\t%s" % (path, decode(f.read())))
        return 0
    if len(argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    host, port, server, out = argv[1], int(argv[2]), argv[3], argv[4]
    for req in REQUESTS:
        try:
            buf, note = capture(host, port, req)
        except OSError as e:
            buf, note = b"", "connect error: %s" % e
        path = "%s/%s-%s.bin" % (out, server, label(req))
        with open(path, "wb") as f:
            f.write(buf)
        print("%s\t%s\t%s [%s, %d bytes]" % (path, label(req), decode(buf), note, len(buf)))
        time.sleep(0.2)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
