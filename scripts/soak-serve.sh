#!/usr/bin/env bash
# Soak (prints numbers; not a test): 1,000 scrapes of `rdp-doctor serve` (8 at a time, quick module,
# 10 lab targets in turn), the exporter's RSS before, during and after, and the scrape rate.
# Goal: RSS flat (what the first 100 scrapes settle at, within a few MB, at 1,000).
#
#   scripts/soak-serve.sh [SCRAPES]
#
# Installs curl when missing (root). Talks only to loopback; stops what it started.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SCRIPT_NAME=soak-serve
STATE=$(mktemp -d /tmp/fleet-soak.XXXXXX)
BIN=$(pwd)/${CARGO_TARGET_DIR:-target}/release/rdp-doctor
N=${1:-1000}
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

PIDS=()
cleanup() {
    local p
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$STATE"
}
trap cleanup EXIT
ensure_packages curl python3
cargo build --release --quiet

TARGETS=()
for s in healthy nla-required cert-expired accept-then-reset tls10-only healthy flaky tls13-only weak-cert not-rdp; do
    "$BIN" lab --scenario "$s" >"$STATE/lab-${#TARGETS[@]}.log" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 1 50); do grep -q listening "$STATE/lab-${#TARGETS[@]}.log" && break; sleep 0.1; done
    TARGETS+=("$(awk '/listening on/ {print $6}' "$STATE/lab-${#TARGETS[@]}.log")")
done
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN" serve --listen "127.0.0.1:$PORT" 2>"$STATE/serve.log" &
EXPORTER_PID=$!
PIDS+=("$EXPORTER_PID")
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/-/healthy" >/dev/null && break; sleep 0.1; done

rss() { awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$EXPORTER_PID/status"; }
urls() { # FROM TO
    local i
    for i in $(seq "$1" "$2"); do
        echo "http://127.0.0.1:$PORT/probe?target=${TARGETS[$((i % ${#TARGETS[@]}))]}&module=quick"
    done
}
echo "rdp-doctor serve soak: $N scrapes, 8 at a time, ${#TARGETS[@]} lab targets"
printf '%8s %10s %12s\n' scrapes "RSS MB" "scrapes/s"
printf '%8d %10s %12s\n' 0 "$(rss)" -
done_n=0
t0=$EPOCHREALTIME
for step in 100 250 500 750 1000; do
    [ "$step" -le "$N" ] || break
    urls "$((done_n + 1))" "$step" \
        | xargs -P 8 -n 1 curl -s -o /dev/null -w '%{http_code}\n' -H 'X-Prometheus-Scrape-Timeout-Seconds: 10' \
        >>"$STATE/codes"
    done_n=$step
    printf '%8d %10s %12.0f\n' "$done_n" "$(rss)" "$(awk -v n="$done_n" -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{print n/(b-a)}')"
done
echo "HTTP status counts: $(sort "$STATE/codes" | uniq -c | tr '\n' ' ')"
curl -s "http://127.0.0.1:$PORT/metrics" | grep -E '^rdp_exporter_probes_(total|in_flight)' || true
