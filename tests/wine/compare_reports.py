#!/usr/bin/env python3
"""Compares rdp-doctor JSON reports from the Windows build (under wine) with the Linux build's.

  compare_reports.py diagnose LINUX_A LINUX_B WINDOWS   one diagnosis, the Linux binary run twice
  compare_reports.py demo LINUX WINDOWS                 `demo --json`: every lab scenario

diagnose: timings are removed (keys `ms`, `*_ms`, `timings_ms`); a field that differs between the two
Linux runs is volatile (a server nonce, a timing inside a text) and not compared; every other field must
be equal, except the platform fields listed in PLATFORM with the reason. Findings must be equal.
demo: the servers are the in-process lab (fresh ports and certificates each run), so per scenario the
verdict, the finding ids and severities and the predicted client error are compared; the scenarios in
DEMO_PLATFORM differ by platform for the reason given. Exit 0 when equal, 1 otherwise.
"""
import json
import re
import sys

# Paths (regex over the flattened path) that legitimately differ by platform, with the reason.
PLATFORM = {
    r"^observations\.tls\.small_mss_retry\.": "Windows cannot clamp a socket's MSS: the retry is reported as not available",
    r"^observations\.network\.attempts\[\d+\]\.error$": "OS error texts and numbers differ "
    "(\"Connection refused (os error 111)\" vs WSAECONNREFUSED 10061)",
}
# Paths that change from one connection to the next whatever the platform (two Linux runs may agree by
# chance), with the reason.
VOLATILE = {
    r"^observations\.session\.server_frames\[\d+\]\.head$": "raw frame bytes carry the MCS user channel id the "
    "server assigns per connection (FreeRDP counts its connections)",
    r"^observations\.credssp\.ntlm\.timestamp$": "the server's clock, read from its NTLM CHALLENGE, moves on "
    "between runs",
    r"^observations\.network\.politeness\.(peak|limit|halvings)$": "how many connections were in flight at once "
    "depends on when the server's answers came",
    r"^observations\.network\.politeness\.syns_resent$": "whether a burst of SYNs overflowed the server's accept "
    "queue (xrdp listens with a backlog of 2) depends on when its answers came",
}
# A timestamp inside a text (the NTLM server clock in evidence): compared with the time blanked out.
TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
# Demo scenarios whose faults fall on whichever connections arrive first (a reset may hit the session's
# connection on one run and a TLS question on the next): not compared, only required on both sides.
DEMO_RANDOM = {"flaky", "flaky-stall"}
DEMO_PLATFORM = {
    "mtu-blackhole": "Windows cannot clamp a socket's MSS, so path-mtu-blackhole cannot be told from "
    "tls-handshake-stalled there; the report says the retry is not available on this platform",
}


def flatten(v, path=""):
    if isinstance(v, dict):
        for k, x in v.items():
            if k == "ms" or k.endswith("_ms") or k == "timings_ms":
                continue
            yield from flatten(x, f"{path}.{k}" if path else k)
    elif isinstance(v, list):
        for i, x in enumerate(v):
            yield from flatten(x, f"{path}[{i}]")
        if not v:
            yield path, []
    else:
        yield path, v


def platform_reason(path):
    for pat, why in PLATFORM.items():
        if re.search(pat, path):
            return why
    return None


def compare_diagnose(a_path, b_path, w_path):
    a, b, w = (json.load(open(p)) for p in (a_path, b_path, w_path))
    fa, fb, fw = (dict(flatten(x)) for x in (a, b, w))
    volatile = {p for p in set(fa) | set(fb) if fa.get(p) != fb.get(p)}
    bad, allowed = [], {}
    for p in sorted(set(fa) | set(fw)):
        if p in volatile or fa.get(p) == fw.get(p):
            continue
        if isinstance(fa.get(p), str) and isinstance(fw.get(p), str) and \
                TIME.sub("<time>", fa[p]) == TIME.sub("<time>", fw[p]):
            continue
        if any(re.search(pat, p) for pat in VOLATILE):
            print(f"  volatile: {p}: {next(w for pat, w in VOLATILE.items() if re.search(pat, p))}")
            continue
        why = platform_reason(p)
        if why and not p.startswith("findings"):
            allowed.setdefault(why, []).append(p)
        else:
            bad.append(f"  {p}: linux={fa.get(p)!r} windows={fw.get(p)!r}")
    key = lambda r: [(f["id"], f["severity"], f.get("client_error")) for f in r["findings"]]
    same_findings = key(a) == key(w) and a["verdict"] == w["verdict"]
    print(f"  verdict linux={a['verdict']} windows={w['verdict']}; findings "
          f"{[f['id'] for f in w['findings']]}; {len(fa)} fields, {len(volatile)} volatile between Linux runs")
    for why, paths in allowed.items():
        print(f"  platform difference ({len(paths)} field(s), e.g. {paths[0]}): {why}")
    for line in bad:
        print(line)
    return same_findings and not bad


def compare_demo(l_path, w_path):
    l, w = (json.load(open(p)) for p in (l_path, w_path))
    row = lambda d: (d["report"]["verdict"], [(f["id"], f["severity"]) for f in d["report"]["findings"]],
                     d["report"]["predicted_client_error"] and
                     (d["report"]["predicted_client_error"]["code"], d["report"]["predicted_client_error"]["extended"]))
    lr = {d["scenario"]: row(d) for d in l}
    wr = {d["scenario"]: row(d) for d in w}
    ok = lr.keys() == wr.keys()
    same = 0
    for s in lr:
        if lr[s] == wr.get(s):
            same += 1
        elif s in DEMO_RANDOM and wr.get(s):
            print(f"  {s}: not compared: its faults fall on whichever connections arrive first")
        elif s in DEMO_PLATFORM:
            if s == "mtu-blackhole":
                rep = next(d["report"] for d in w if d["scenario"] == s)
                retry = (rep["observations"].get("tls") or {}).get("small_mss_retry") or {}
                if not (retry.get("unavailable") is True and rep["findings"][0]["id"] == "tls-handshake-stalled"):
                    ok = False
                    print(f"  {s}: expected tls-handshake-stalled with small_mss_retry.unavailable on Windows")
            print(f"  {s}: platform difference: linux {lr[s][1][:1]} windows {wr[s][1][:1]}: {DEMO_PLATFORM[s]}")
        else:
            ok = False
            print(f"  {s}: linux {lr[s]}\n  {' ' * len(s)}  windows {wr.get(s)}")
    print(f"  {same}/{len(lr)} scenarios identical")
    return ok


if __name__ == "__main__":
    mode, *files = sys.argv[1:]
    ok = compare_diagnose(*files) if mode == "diagnose" else compare_demo(*files)
    sys.exit(0 if ok else 1)
