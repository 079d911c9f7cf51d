#!/usr/bin/env bash
# Benchmark for `rdp-doctor evidence` (prints numbers; not a test):
#   1. records/s on the largest sample, next to `evtx_dump` from the same `evtx` crate version
#      (one thread each, and evtx_dump with all threads), best of N runs;
#   2. peak RSS and time on a ~1 GiB event log, built in a temp dir by repeating a real sample's
#      64 KiB chunks after its file header (the parser streams chunk by chunk).
#
#   scripts/bench-evidence.sh
#
# Environment: EVTX_SAMPLE (default: the System sample, the largest fixture with the most records), BIG_SAMPLE
# (default: the RdpCoreTS fixture, the worst case: a quarter of its records are relevant), BIG_MIB
# (default 1024), RUNS (default 5), EVTX_DUMP (an evtx_dump binary; default: `cargo install evtx
# --version =<the pinned version>` into target/evtx-dump-<version>, kept for the next run; skipped
# with a note if that fails or takes over 20 minutes), KEEP_TMP=1 keeps the temp dir.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SCRIPT_NAME=bench-evidence
STATE=${STATE:-/tmp}
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

RUNS=${RUNS:-5}
BIG_MIB=${BIG_MIB:-1024}
FIX=tests/fixtures/evidence
EVTX_SAMPLE=${EVTX_SAMPLE:-$FIX/system-lsasrv6041-rcm1056.evtx}   # the largest fixture (1.1 MB, tied)
BIG_SAMPLE=${BIG_SAMPLE:-$FIX/rdpcorets-operational-dirty.evtx}
EVTX_VERSION=$(sed -n 's/^evtx = { version = "=\([0-9.]*\)".*/\1/p' Cargo.toml)
[ -n "$EVTX_VERSION" ] || die "cannot read the pinned evtx version from Cargo.toml"
[ -x /usr/bin/time ] || ensure_packages time

TMP=$(mktemp -d /tmp/bench-evidence.XXXXXX)
cleanup() { [ "${KEEP_TMP:-0}" = 1 ] || rm -rf "$TMP"; }
trap cleanup EXIT

log "building rdp-doctor (release)"
cargo build --release --quiet
BIN=target/release/rdp-doctor

DUMP=${EVTX_DUMP:-}
ROOT=target/evtx-dump-$EVTX_VERSION
if [ -z "$DUMP" ] && [ -x "$ROOT/bin/evtx_dump" ]; then
    DUMP=$ROOT/bin/evtx_dump
elif [ -z "$DUMP" ]; then
    log "installing evtx_dump $EVTX_VERSION into $ROOT (cargo install; up to 20 min)"
    start=$(date +%s)
    if timeout 1200 cargo install --quiet evtx --version "=$EVTX_VERSION" --root "$ROOT" \
        >"$TMP/install.log" 2>&1; then
        DUMP=$ROOT/bin/evtx_dump
        log "evtx_dump built in $(( $(date +%s) - start )) s"
    else
        log "evtx_dump did not build (see below); its numbers are skipped"
        tail -n 5 "$TMP/install.log" >&2 || true
    fi
fi

# best wall time of RUNS runs, in seconds
best() {
    local b="" t0 t1 d i
    for ((i = 0; i < RUNS; i++)); do
        t0=$(date +%s.%N)
        "$@" >/dev/null 2>&1 || true
        t1=$(date +%s.%N)
        d=$(echo "$t1 - $t0" | bc -l)
        if [ -z "$b" ] || (( $(echo "$d < $b" | bc -l) )); then b=$d; fi
    done
    echo "$b"
}

records=$({ "$BIN" evidence --json "$EVTX_SAMPLE" 2>/dev/null || true; } | python3 -c 'import json,sys; f=json.load(sys.stdin)["observations"]["evidence"]["files"][0]; print(f["records"] + f["unreadable_records"])')
size=$(stat -c %s "$EVTX_SAMPLE")
echo "== records/s on $(basename "$EVTX_SAMPLE") ($((size / 1024)) KiB, $records records), best of $RUNS"
row() { printf '  %-52s %8.1f ms  %10.0f records/s\n' "$1" "$(echo "$2 * 1000" | bc -l)" "$(echo "$records / $2" | bc -l)"; }
row "rdp-doctor evidence (1 thread, text report)" "$(best "$BIN" evidence "$EVTX_SAMPLE")"
row "rdp-doctor evidence --json (1 thread)" "$(best "$BIN" evidence --json "$EVTX_SAMPLE")"
if [ -n "$DUMP" ]; then
    row "evtx_dump -t 1 -o jsonl" "$(best "$DUMP" -t 1 -o jsonl "$EVTX_SAMPLE")"
    row "evtx_dump -t 1 -o xml" "$(best "$DUMP" -t 1 -o xml "$EVTX_SAMPLE")"
    row "evtx_dump -o jsonl (all $(nproc) threads)" "$(best "$DUMP" -o jsonl "$EVTX_SAMPLE")"
fi

# ~1 GiB: the sample's 4096-byte file header, then its chunks repeated. The evtx parser counts chunks
# from the file size, not from the header, so every copy is read.
BIG=$TMP/big.evtx
python3 - "$BIG_SAMPLE" "$BIG" "$BIG_MIB" <<'EOF'
import sys
src, dst, mib = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = open(src, 'rb').read()
header, chunks = data[:4096], data[4096:]
chunks = chunks[: len(chunks) - len(chunks) % 65536]
with open(dst, 'wb') as f:
    f.write(header)
    written = 0
    while written < mib * 1024 * 1024:
        f.write(chunks)
        written += len(chunks)
EOF
big_size=$(stat -c %s "$BIG")
echo "== peak memory on a $((big_size / 1024 / 1024)) MiB log ($(basename "$BIG_SAMPLE") chunks repeated)"
measure() {
    local label=$1; shift
    /usr/bin/time -f '%M %e' -o "$TMP/time" "$@" >"$TMP/out" 2>/dev/null || true
    # time(1) writes "Command exited with non-zero status N" first when the command fails (exit 1:
    # a failing cause proven).
    read -r rss secs < <(tail -n 1 "$TMP/time")
    printf '  %-40s peak RSS %7.1f MiB  %6.1f s  %6.1f MiB/s' "$label" "$(echo "$rss / 1024" | bc -l)" "$secs" \
        "$(echo "$big_size / 1048576 / $secs" | bc -l)"
    if [ -n "${big_records:-}" ]; then printf '  %8.0f records/s' "$(echo "$big_records / $secs" | bc -l)"; fi
    echo
}
measure "rdp-doctor evidence --json" "$BIN" evidence --json "$BIG"
big_records=$(python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["observations"]["evidence"]; f=e["files"][0]; print(f["records"] + f["unreadable_records"], f["relevant"], e["events_dropped"])' "$TMP/out")
read -r big_records big_relevant big_dropped <<<"$big_records"
echo "    $big_records records, $big_relevant relevant, $big_dropped not kept (over the in-memory limit)"
measure "rdp-doctor evidence (text report)" "$BIN" evidence "$BIG"
if [ -n "$DUMP" ]; then
    measure "evtx_dump -t 1 -o jsonl" "$DUMP" -t 1 -o jsonl "$BIG"
fi
