#!/usr/bin/env bash
# Benchmark (prints numbers; not a test): `rdp-doctor scan` over thousands of hosts, and nmap's
# rdp-enum-encryption on the same 256 hosts.
#
#   scripts/bench-scan.sh            # quick and default scans of 256, 4,096 and 16,384 hosts; nmap on 256
#   FULL_MAX=4096 scripts/bench-scan.sh   # skip the default (full) scan above 4,096 hosts
#
# A network namespace of its own (fleet-bench-PID): its loopback answers for all of 127.0.0.0/8, so
# one `rdp-doctor lab --scenario healthy` listening on 0.0.0.0:3389 inside it serves every address of
# 127.1.0.0/16 and 127.2.0.0/16. Each scan runs inside the namespace under /usr/bin/time -v (wall
# time, hosts/s, peak RSS). Goals: --quick >= 2,000 hosts/s and peak RSS < 200 MB at 16,384 hosts;
# the default scan of 256 hosts in <= 0.1x nmap's wall time.
#
# Needs root (ip netns); installs nmap and time (Debian) when missing. Talks only to the namespace it
# creates, which it removes on exit with the lab server it started.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SCRIPT_NAME=bench-scan
NS=fleet-bench-$$
STATE=$(mktemp -d /tmp/fleet-bench.XXXXXX)
BIN=$(pwd)/${CARGO_TARGET_DIR:-target}/release/rdp-doctor
FULL_MAX=${FULL_MAX:-16384}
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

LAB_PID=
cleanup() {
    if [ -n "$LAB_PID" ]; then kill "$LAB_PID" 2>/dev/null || true; wait "$LAB_PID" 2>/dev/null || true; fi
    ip netns del "$NS" 2>/dev/null || true
    rm -rf "$STATE"
}
trap cleanup EXIT

[ "$(id -u)" -eq 0 ] || die "needs root (ip netns)"
ensure_packages nmap time iproute2
cargo build --release --quiet

ip netns add "$NS"
ip netns exec "$NS" ip link set lo up
ip netns exec "$NS" bash -c "ulimit -n \$(ulimit -Hn); exec '$BIN' lab --scenario healthy --listen 0.0.0.0:3389" \
    >"$STATE/lab.log" 2>&1 &
LAB_PID=$!
for _ in $(seq 1 50); do grep -q listening "$STATE/lab.log" 2>/dev/null && break; sleep 0.1; done
grep -q listening "$STATE/lab.log" || die "the lab server did not start: $(cat "$STATE/lab.log")"

# N addresses from 127.1.0.1 on (127.1.0.0/16, then 127.2.0.0/16), one per line.
hosts() {
    python3 - "$1" <<'EOF'
import sys
n = int(sys.argv[1])
for i in range(n):
    hi, lo = divmod(i + 1, 65536)
    print(f"127.{1 + hi}.{lo >> 8}.{lo & 255}")
EOF
}
for n in 256 4096 16384; do hosts "$n" >"$STATE/hosts-$n.txt"; done

# measure LABEL N CMD...: runs CMD in the namespace; prints wall, hosts/s, peak RSS.
measure() {
    local label=$1 n=$2; shift 2
    ip netns exec "$NS" bash -c 'ulimit -n "$(ulimit -Hn)"; exec /usr/bin/time -v "$@"' _ "$@" \
        >"$STATE/out" 2>"$STATE/time" || true
    local wall rss
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$STATE/time")
    rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2/1024}' "$STATE/time")
    printf '%-34s %7d %9.2f s %10.0f hosts/s %9s MB\n' "$label" "$n" "$wall" \
        "$(awk -v n="$n" -v w="$wall" 'BEGIN{print (w>0)?n/w:0}')" "$rss"
    echo "$wall" >"$STATE/last-wall"
}

echo "rdp-doctor scan vs nmap rdp-enum-encryption, lab 'healthy' on 0.0.0.0:3389 in netns $NS ($(nproc) cores)"
printf '%-34s %7s %11s %16s %12s\n' "run" "hosts" "wall" "rate" "peak RSS"
for n in 256 4096 16384; do
    measure "scan --quick" "$n" "$BIN" scan --quick --json -i "$STATE/hosts-$n.txt"
    lines=$(wc -l <"$STATE/out")
    [ "$lines" -eq "$n" ] || log "scan --quick over $n hosts wrote $lines lines (expected $n)"
    bad=$(grep -vc '"verdict":"degraded"' "$STATE/out" || true)
    [ "$bad" -eq 0 ] || log "scan --quick over $n hosts: $bad hosts not 'degraded' (the lab's expected verdict by address)"
done
for n in 256 4096 16384; do
    [ "$n" -le "$FULL_MAX" ] || { echo "scan (default, full diagnosis)     $n  skipped (FULL_MAX=$FULL_MAX)"; continue; }
    measure "scan (default, full diagnosis)" "$n" "$BIN" scan --json -i "$STATE/hosts-$n.txt"
    [ "$n" -eq 256 ] && full256=$(cat "$STATE/last-wall")
    lines=$(wc -l <"$STATE/out")
    [ "$lines" -eq "$n" ] || log "default scan over $n hosts wrote $lines lines (expected $n)"
done
measure "nmap -p 3389 rdp-enum-encryption" 256 nmap -n -Pn -p 3389 --script rdp-enum-encryption -iL "$STATE/hosts-256.txt"
nmap256=$(cat "$STATE/last-wall")
reported=$(grep -c "Security layer" "$STATE/out" || true)
echo "nmap reported a security layer for $reported of 256 hosts"
echo "default scan / nmap on 256 hosts: $(awk -v a="${full256:-0}" -v b="$nmap256" 'BEGIN{printf "%.3f", (b>0)?a/b:0}') (goal <= 0.1)"
