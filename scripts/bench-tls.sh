#!/usr/bin/env bash
# Benchmark (prints numbers; not a test): wall time of `rdp-doctor diagnose` (the whole diagnosis:
# network, negotiation, TLS handshakes, certificate, version/suite scan) against `sslscan --rdp` on
# the same servers.
#
#   scripts/bench-tls.sh [RUNS]
#
# 1. Loopback: the xrdp and FreeRDP servers of scripts/interop-servers.sh (RDPD_XRDP_TLS_PORT,
#    RDPD_FREERDP_TLS_PORT, default 33901 / 33912) and the xrdp TLS variants (34101-34104) when they
#    listen. Goal: rdp-doctor in at most a tenth of sslscan's time.
# 2. 50 ms round-trip time: a network namespace of its own (`rdpd-bench`) whose loopback delays every
#    packet by 25 ms (tc netem, so 50 ms per round trip), with its own xrdp inside. Goal: rdp-doctor
#    within 20 round trips (1 s). Where the kernel has no sch_netem, a userspace delay proxy
#    (scripts/delay-proxy.py) adds the RTT in front of the loopback xrdp and FreeRDP servers instead.
# rdp-doctor runs with its defaults (--pace-ms 100) and with --pace-ms 0.
#
# Needs root (ip netns, tc, unshare), xrdp, sslscan. Talks only to loopback and to the namespace it
# creates, which it removes on exit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
RUNS=${1:-3}
NS=rdpd-bench
RTT_MS=50
STATE=$(mktemp -d /tmp/rdpd-bench.XXXXXX)
BIN=${CARGO_TARGET_DIR:-target}/release/rdp-doctor

cleanup() {
    if [ -f "$STATE/xrdp.pid" ]; then kill -TERM -- "-$(cat "$STATE/xrdp.pid")" 2>/dev/null || true; fi
    ip netns del "$NS" 2>/dev/null || true
    rm -rf "$STATE"
}
trap cleanup EXIT

cargo build --release --quiet
command -v sslscan >/dev/null || { echo "sslscan is not installed (apt-get install sslscan)" >&2; exit 1; }

# best of RUNS wall-clock seconds of a command: seconds CMD...
seconds() {
    local best="" i t0 t1 s
    for i in $(seq 1 "$RUNS"); do
        t0=$EPOCHREALTIME
        "$@" >/dev/null 2>&1 || true
        t1=$EPOCHREALTIME
        s=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", b-a}')
        if [ -z "$best" ] || awk -v a="$s" -v b="$best" 'BEGIN{exit !(a<b)}'; then best=$s; fi
    done
    echo "$best"
}

row() { # LABEL ADDR [PREFIX...]
    local label=$1 addr=$2; shift 2
    local d d0 s conns
    d=$(seconds "$@" "$BIN" diagnose "$addr" --json --timeout 60)
    d0=$(seconds "$@" "$BIN" diagnose "$addr" --json --timeout 60 --pace-ms 0)
    s=$(seconds "$@" sslscan --rdp --no-colour "$addr")
    # diagnose exits 1 for a failing verdict: not an error here
    conns=$( ("$@" "$BIN" diagnose "$addr" --json --timeout 60 --pace-ms 0 2>/dev/null || true) \
        | python3 -c 'import json,sys; t=json.load(sys.stdin)["observations"]["tls"]; print(t["connections"] if t else "-")' || true)
    printf '%-26s %10s %14s %10s %12s %14s\n' "$label" "$d" "$d0" "$s" \
        "$(awk -v a="$d0" -v b="$s" 'BEGIN{printf "%.3f", a/b}')" "$conns"
}

header() {
    printf '%-26s %10s %14s %10s %12s %14s\n' "server" "diagnose" "--pace-ms 0" "sslscan" "ratio(p0)" "TLS conns"
}

listens() { ss -Htln "sport = :$1" 2>/dev/null | grep -q .; }

echo "== loopback (best of $RUNS, seconds)"
header
for entry in "xrdp-tls:${RDPD_XRDP_TLS_PORT:-33901}" "freerdp-tls:${RDPD_FREERDP_TLS_PORT:-33912}" \
    "xrdp-tls10:34101" "xrdp-tls13:34102" "xrdp-aes256sha:34103" "xrdp-expired:34104"; do
    name=${entry%%:*} port=${entry##*:}
    if listens "$port"; then row "$name" "127.0.0.1:$port"; else printf '%-26s not listening on %s\n' "$name" "$port"; fi
done

echo
echo "== ${RTT_MS} ms RTT: namespace $NS, netem on its loopback (best of $RUNS, seconds)"
ip netns del "$NS" 2>/dev/null || true
ip netns add "$NS"
ip -n "$NS" link set lo up
if ! ip netns exec "$NS" tc qdisc add dev lo root netem delay "$((RTT_MS / 2))ms" 2>"$STATE/tc.err"; then
    echo "netem is not available here ($(cat "$STATE/tc.err")): the kernel lacks sch_netem."
    echo "Emulating ${RTT_MS} ms RTT on loopback with scripts/delay-proxy.py instead (each chunk delayed"
    echo "RTT/2 per direction, one RTT before each upstream connect); 20 round trips = $((20 * RTT_MS)) ms"
    ip netns del "$NS" 2>/dev/null || true
    header
    pport=34950
    for entry in "xrdp-tls:${RDPD_XRDP_TLS_PORT:-33901}" "freerdp-tls:${RDPD_FREERDP_TLS_PORT:-33912}"; do
        name=${entry%%:*} port=${entry##*:}
        listens "$port" || { printf '%-26s not listening on %s\n' "$name" "$port"; continue; }
        python3 scripts/delay-proxy.py "$pport" "$port" "$RTT_MS" 600 2>/dev/null &
        proxy=$!
        for _ in $(seq 1 50); do listens "$pport" && break; sleep 0.1; done
        row "$name (+${RTT_MS} ms proxy)" "127.0.0.1:$pport"
        kill "$proxy" 2>/dev/null || true
        wait "$proxy" 2>/dev/null || true
        pport=$((pport + 1))
    done
    exit 0
fi
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 30 -keyout "$STATE/key.pem" -out "$STATE/cert.pem" \
    -subj "/CN=rdpd-bench" >/dev/null 2>&1
cat >"$STATE/xrdp.ini" <<EOF
[Globals]
ini_version=1
fork=true
port=tcp://.:3389
security_layer=negotiate
crypt_level=high
certificate=$STATE/cert.pem
key_file=$STATE/key.pem
ssl_protocols=TLSv1.2, TLSv1.3
[Logging]
LogFile=$STATE/xrdp.log
LogLevel=INFO
EnableSyslog=false
[Xorg]
name=Xorg
lib=libxup.so
username=ask
password=ask
ip=127.0.0.1
port=-1
code=20
EOF
[ -s /etc/xrdp/rsakeys.ini ] || xrdp-keygen xrdp auto >/dev/null
setsid ip netns exec "$NS" unshare --mount --propagation private -- sh -c \
    'mkdir -p /run/xrdp && mount -t tmpfs -o mode=0755 rdpd-bench-run /run/xrdp && exec xrdp --nodaemon --config "$1"' \
    sh "$STATE/xrdp.ini" >"$STATE/xrdp.out" 2>&1 </dev/null &
echo $! >"$STATE/xrdp.pid"
for _ in $(seq 1 50); do
    ip netns exec "$NS" ss -Htln "sport = :3389" | grep -q . && break
    sleep 0.1
done
ip netns exec "$NS" ss -Htln "sport = :3389" | grep -q . || { cat "$STATE/xrdp.out" >&2; echo "xrdp did not start" >&2; exit 1; }
rtt=$(ip netns exec "$NS" ping -c 3 -q 127.0.0.1 | awk -F/ '/rtt|round-trip/{print $5}')
echo "measured ping RTT ${rtt} ms; 20 round trips = $((20 * RTT_MS)) ms"
header
row "xrdp (netem ${RTT_MS} ms)" "127.0.0.1:3389" ip netns exec "$NS"
