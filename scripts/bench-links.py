#!/usr/bin/env python3
"""Real links benchmark: rdp-doctor next to sslscan --rdp and nmap's rdp-enum-encryption, through a
lab link (`rdp-doctor lab --link`) adding round-trip time (and loss) in front of the real servers.

    scripts/bench-links.py [--runs N] [--rtts 0,20,50,150,300] [--anchor-max-rtt MS] [--loss-rtt MS --loss P]

Run by scripts/bench-links.sh, which installs sslscan and nmap and starts the servers. Prints, for each
path and server: wall time (median of N runs), the same in round trips, connections opened (counted by
the link), and the verdict. Loopback only. Numbers, not a test.
"""
import argparse
import atexit
import shlex
import signal
import json
import os
import statistics
import subprocess
import sys
import time

BIN = os.environ.get("RDPD_BIN", "target/release/rdp-doctor")
# Every iptables rule the lossy link adds carries this comment; purge_rules() removes them all.
RULE_TAG = "rdpd-bench-links"


def purge_rules():
    """Removes every rule tagged RULE_TAG (from this run or an interrupted one)."""
    try:
        rules = subprocess.run(["iptables", "-w", "-S", "INPUT"], capture_output=True, text=True).stdout
    except OSError:
        return
    for line in rules.splitlines():
        if RULE_TAG in line and line.startswith("-A "):
            subprocess.run(["iptables", "-w", "-D"] + shlex.split(line)[1:], capture_output=True)


class Link:
    """rdp-doctor lab --link in front of one server; counts the connections it accepts."""

    def __init__(self, upstream_port, rtt_ms, loss, n):
        # 127.0.0.N:3389: nmap's rdp-enum-encryption runs only on port 3389 (or a detected RDP service).
        self.host = f"127.0.0.{n}"
        self.port = 3389
        # The proxy delays lost data chunks; a lost SYN or SYN-ACK needs the kernel: iptables drops
        # them at random on this link's own address only (root; skipped without iptables).
        self.syn_rules = []
        if loss > 0:
            for rule in (["-d", self.host, "--dport", str(self.port), "--syn"],
                         ["-s", self.host, "--sport", str(self.port), "--tcp-flags", "SYN,ACK", "SYN,ACK"]):
                r = ["INPUT", "-p", "tcp"] + rule + ["-m", "statistic", "--mode", "random",
                                                    "--probability", str(loss), "-m", "comment",
                                                    "--comment", RULE_TAG, "-j", "DROP"]
                try:
                    subprocess.run(["iptables", "-w", "-I"] + r, check=True, capture_output=True)
                    self.syn_rules.append(r)
                except (OSError, subprocess.CalledProcessError) as e:
                    print(f"(no SYN loss on {self.host}: iptables: {e})", file=sys.stderr)
        listen_port = n
        self.log = open(f"/tmp/bench-link-{listen_port}.log", "w+")
        self.proc = subprocess.Popen(
            [BIN, "lab", "--link", f"127.0.0.1:{upstream_port}", "--listen", f"{self.host}:{self.port}",
             "--rtt-ms", str(rtt_ms), "--loss", str(loss)],
            stdout=self.log, stderr=subprocess.DEVNULL)
        atexit.register(self.close)  # the iptables rules go even when the run is interrupted
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
        for r in self.syn_rules:
            subprocess.run(["iptables", "-w", "-D"] + r, capture_output=True)
        self.syn_rules = []
        if not self.log.closed:
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


def server_pid(port):
    """The pid listening on 127.0.0.1:port (ss -ltnp), or None."""
    out = subprocess.run(["ss", "-ltnpH", f"sport = :{port}"], capture_output=True, text=True).stdout
    for part in out.split("pid=")[1:]:
        digits = part.split(",")[0]
        if digits.isdigit():
            return int(digits)
    return None


def server_cpu(pid):
    """CPU seconds the server process and its reaped children used so far (utime+stime+cutime+cstime)."""
    if pid is None:
        return 0.0
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def direct(port, runs):
    """--full-scan and sslscan straight to the server on loopback (no link in between): wall time,
    and the server's own CPU per run, which bounds how fast any scanner can go on this machine."""
    pid = server_pid(port)
    target = f"127.0.0.1:{port}"
    rows = []

    tls = {}

    def ours():
        c0 = server_cpu(pid)
        wall, p = timed([BIN, "diagnose", target, "--json", "--full-scan", "--timeout", "120"])
        try:
            obs = json.loads(p.stdout)["observations"]
            conns = obs["network"]["connections_opened"]
            tls.update(obs["tls"])
        except (ValueError, KeyError, TypeError):
            conns = -1
        return wall, conns, server_cpu(pid) - c0

    def theirs():
        c0 = server_cpu(pid)
        wall, p = timed(["sslscan", "--rdp", "--no-colour", "--no-heartbleed", "--no-renegotiation",
                         "--no-compression", "--no-fallback", "--no-groups", "--no-check-certificate", target])
        return wall, None, server_cpu(pid) - c0

    for tool, f in (("rdp-doctor --full-scan", ours), ("sslscan --rdp", theirs)):
        runs_ = [f() for _ in range(runs)]
        walls = sorted(r[0] for r in runs_)
        med = statistics.median(walls)
        cpu = statistics.median(r[2] for r in runs_)
        rows.append((tool, med, runs_[0][1], cpu, walls[0], walls[-1]))
    # sslscan's connection count, on one more run through a link of 0 ms (which counts them).
    link = Link(port, 0, 0.0, 200 + port % 50)
    _, ssl_conns, _ = sslscan(link)
    link.close()
    rows[1] = rows[1][:2] + (ssl_conns,) + rows[1][3:]
    # Any scanner that enumerates by elimination needs one connection per accepted suite and one more
    # per version (the hello that nothing in it is accepted, or the version's refusal); each costs the
    # server what one of sslscan's did, and the server has this machine's cores to do it on.
    least = sum(sum(1 for x in tls.get("suites", []) if x["version"] == v["version"]) + 1
                for v in tls.get("version_results", []))
    per_conn = rows[1][3] / ssl_conns if ssl_conns else 0.0
    floor = least * per_conn / (os.cpu_count() or 1)
    return rows, (least, per_conn, floor)


def median_of(n, f):
    runs = [f() for _ in range(n)]
    walls = [r[0] for r in runs]
    return statistics.median(walls), runs[len(runs) // 2][1], runs[-1][2], min(walls), max(walls)


def main():
    purge_rules()
    atexit.register(purge_rules)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that atexit runs
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
    print("loopback, direct (no link): --full-scan against sslscan --rdp; server CPU = what the server itself")
    print("spent per run (the floor: no scanner finishes before the server has done that work on its cores)")
    print(f"{'server':<15} {'tool':<28} {'wall (median)':>13} {'conns':>6} {'server CPU':>11}  [min-max]")
    for name, port in servers[:2]:
        rows, (least, per_conn, floor) = direct(port, a.runs)
        for tool, med, conns, cpu, lo, hi in rows:
            c = "-" if conns is None else str(conns)
            print(f"{name:<15} {tool:<28} {med:>11.2f} s {c:>6} {cpu:>9.2f} s  [{lo:.2f}-{hi:.2f}]", flush=True)
        ratio = rows[0][1] / rows[1][1] if rows[1][1] else 0
        print(f"{name:<15} --full-scan / sslscan: {ratio:.2f}x (goal <= 0.1x)", flush=True)
        print(f"{name:<15} floor for any scanner: {least} connections x {per_conn * 1000:.1f} ms of server CPU each"
              f" / {os.cpu_count()} cores = {floor:.2f} s = {floor / rows[1][1] if rows[1][1] else 0:.2f}x sslscan",
              flush=True)
    print()
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
