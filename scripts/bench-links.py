#!/usr/bin/env python3
"""Real links benchmark: rdp-doctor next to sslscan --rdp and nmap's rdp-enum-encryption, through a
lab link (`rdp-doctor lab --link`) adding round-trip time (and loss) in front of the real servers.

    scripts/bench-links.py [--runs N] [--rtts 0,20,50,150,300] [--anchor-max-rtt MS] [--loss-rtt MS --loss P]

Run by scripts/bench-links.sh, which installs sslscan and nmap and starts the servers. Prints, for each
path and server: wall time (median of N runs), the same in round trips, connections opened (counted by
the link), and the verdict. Loopback only. Numbers, not a test.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

BIN = os.environ.get("RDPD_BIN", "target/release/rdp-doctor")


class Link:
    """rdp-doctor lab --link in front of one server; counts the connections it accepts."""

    def __init__(self, upstream_port, rtt_ms, loss, n):
        # 127.0.0.N:3389: nmap's rdp-enum-encryption runs only on port 3389 (or a detected RDP service).
        self.host = f"127.0.0.{n}"
        self.port = 3389
        listen_port = n
        self.log = open(f"/tmp/bench-link-{listen_port}.log", "w+")
        self.proc = subprocess.Popen(
            [BIN, "lab", "--link", f"127.0.0.1:{upstream_port}", "--listen", f"{self.host}:{self.port}",
             "--rtt-ms", str(rtt_ms), "--loss", str(loss)],
            stdout=self.log, stderr=subprocess.DEVNULL)
        time.sleep(0.3)

    def count(self):
        self.log.flush()
        self.log.seek(0)
        n = 0
        for line in self.log.read().splitlines():
            if line.startswith("connections: "):
                n = int(line.split()[1])
        return n

    def close(self):
        self.proc.terminate()
        self.proc.wait()
        self.log.close()


def timed(cmd, env=None, timeout=900):
    t = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
    return time.monotonic() - t, p


def rdp_doctor(link, extra, env=None):
    before = link.count()
    wall, p = timed([BIN, "diagnose", f"{link.host}:{link.port}", "--json"] + extra, env=env)
    time.sleep(0.05)
    conns = link.count() - before
    try:
        verdict = json.loads(p.stdout)["verdict"]
    except (ValueError, KeyError):
        verdict = f"exit {p.returncode}"
    return wall, conns, verdict


def sslscan(link):
    before = link.count()
    wall, p = timed(["sslscan", "--rdp", "--no-colour", "--no-heartbleed", "--no-renegotiation",
                     "--no-compression", "--no-fallback", "--no-groups", "--no-check-certificate",
                     f"{link.host}:{link.port}"])
    time.sleep(0.05)
    accepted = sum(1 for line in p.stdout.splitlines() if line.startswith(("Accepted", "Preferred")))
    return wall, link.count() - before, f"{accepted} suites"


def nmap(link):
    before = link.count()
    wall, p = timed(["nmap", "-Pn", "-n", "-p", str(link.port), "--script", "rdp-enum-encryption", link.host])
    time.sleep(0.05)
    return wall, link.count() - before, "ok" if "rdp-enum-encryption" in p.stdout else f"exit {p.returncode}"


def median_of(n, f):
    runs = [f() for _ in range(n)]
    walls = [r[0] for r in runs]
    return statistics.median(walls), runs[len(runs) // 2][1], runs[-1][2], min(walls), max(walls)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--rtts", default="0,20,50,150,300")
    ap.add_argument("--anchor-max-rtt", type=int, default=50,
                    help="run sslscan and nmap only up to this RTT (they take minutes beyond)")
    ap.add_argument("--loss-rtt", type=int, default=50)
    ap.add_argument("--loss", type=float, default=0.02)
    a = ap.parse_args()
    env = dict(os.environ)
    servers = [
        ("xrdp negotiate", int(env["RDPD_XRDP_TLS_PORT"])),
        ("FreeRDP TLS", int(env["RDPD_FREERDP_TLS_PORT"])),
        ("FreeRDP NLA", int(env["RDPD_FREERDP_NLA_PORT"])),
    ]
    paths = [(int(r), 0.0) for r in a.rtts.split(",")] + [(a.loss_rtt, a.loss)]
    user_env = dict(env, RDP_DOCTOR_PASSWORD=env.get("RDPD_PASSWORD", "Correct-Horse-1"))
    user = ["--user", env.get("RDPD_USER", "rdpdoctor"), "--insecure-trust-any-cert"]
    print(f"{'path':<16} {'server':<15} {'tool':<28} {'wall (median)':>13} {'RTTs':>6} {'conns':>6}  result  [min-max]")
    port = 10
    for rtt, loss in paths:
        label = f"{rtt} ms" + (f" {loss:.0%} loss" if loss else "")
        for name, upstream in servers:
            port += 1
            link = Link(upstream, rtt, loss, port)
            rows = []
            if name == "FreeRDP NLA":
                rows.append(("rdp-doctor --user", lambda: rdp_doctor(link, user, user_env)))
                rows.append(("rdp-doctor (default)", lambda: rdp_doctor(link, [])))
            else:
                rows.append(("rdp-doctor (default)", lambda: rdp_doctor(link, [])))
                rows.append(("rdp-doctor --quick", lambda: rdp_doctor(link, ["--quick"])))
                rows.append(("rdp-doctor --full-scan", lambda: rdp_doctor(link, ["--full-scan", "--timeout", "120"])))
                if rtt <= a.anchor_max_rtt:
                    rows.append(("sslscan --rdp", lambda: sslscan(link)))
                    rows.append(("nmap rdp-enum-encryption", lambda: nmap(link)))
            for tool, f in rows:
                runs = a.runs if tool.startswith("rdp-doctor") else 1
                med, conns, result, lo, hi = median_of(runs, f)
                rtts = f"{med * 1000 / rtt:.1f}" if rtt else "-"
                print(f"{label:<16} {name:<15} {tool:<28} {med:>11.2f} s {rtts:>6} {conns:>6}  {result}  [{lo:.2f}-{hi:.2f}]",
                      flush=True)
            link.close()
        if rtt > a.anchor_max_rtt and not loss:
            print(f"{label:<16} (sslscan and nmap skipped above {a.anchor_max_rtt} ms: minutes per run; --anchor-max-rtt raises it)")


if __name__ == "__main__":
    sys.exit(main())
