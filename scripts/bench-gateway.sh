#!/usr/bin/env bash
# Benchmark (prints numbers; not a test): a diagnosis through the lab RD Gateway on loopback, WebSocket
# and legacy transport, to the real xrdp and FreeRDP NLA servers: each gateway stage's time, the number
# of gateway channels the diagnosis opened, and the total next to the direct diagnosis.
#
#   scripts/bench-gateway.sh [RUNS]     (default 3; the table shows the median)
#
# Servers: $RDPD_XRDP_TLS_PORT and $RDPD_FREERDP_NLA_PORT with $RDPD_USER / $RDPD_PASSWORD (source the
# servers.env scripts/interop-servers.sh writes). The lab gateways run from the release binary on
# 127.0.0.1 (free ports) and are stopped by PID when the script ends. Needs python3 and a release build.
set -euo pipefail

RUNS=${1:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${RDP_DOCTOR:-${CARGO_TARGET_DIR:-$ROOT/target}/release/rdp-doctor}
WORK=$(mktemp -d /tmp/bench-gateway.XXXXXX)
OWN_PIDS=()
die() { echo "bench-gateway: $*" >&2; exit 1; }
cleanup() {
    local p
    for p in "${OWN_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${OWN_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

[ -x "$BIN" ] || die "no release binary at $BIN: run cargo build --release"
: "${RDPD_XRDP_TLS_PORT:?source servers.env first}" "${RDPD_FREERDP_NLA_PORT:?}" "${RDPD_USER:?}" "${RDPD_PASSWORD:?}"

start_gateway() { # SCENARIO -> sets GW_ADDR (no subshell: the PID must reach OWN_PIDS)
    "$BIN" lab --scenario "$1" >"$WORK/$1.out" 2>&1 &
    OWN_PIDS+=($!)
    for _ in $(seq 50); do
        grep -qo '127.0.0.1:[0-9]*' "$WORK/$1.out" 2>/dev/null && break
        sleep 0.1
    done
    GW_ADDR=$(grep -o '127.0.0.1:[0-9]*' "$WORK/$1.out" | head -1)
    [ -n "$GW_ADDR" ] || die "lab scenario $1 did not start"
}

start_gateway gateway-websocket
WS=$GW_ADDR
start_gateway gateway-legacy
LEGACY=$GW_ADDR
export RDP_DOCTOR_GATEWAY_PASSWORD=Lab-Password-1 RDP_DOCTOR_PASSWORD="$RDPD_PASSWORD"

run() { # NAME TARGET [ARGS...]
    local name=$1 target=$2
    shift 2
    for i in $(seq "$RUNS"); do
        "$BIN" diagnose "$target" --json "$@" >"$WORK/$name.$i.json" 2>/dev/null || true
    done
}

for server in xrdp freerdp-nla; do
    if [ $server = xrdp ]; then T=127.0.0.1:$RDPD_XRDP_TLS_PORT; U=(--insecure-trust-any-cert); else T=127.0.0.1:$RDPD_FREERDP_NLA_PORT; U=(--insecure-trust-any-cert --user "$RDPD_USER"); fi
    run "$server-direct" "$T" "${U[@]}"
    run "$server-websocket" "$T" --gateway "$WS" --gateway-user lab "${U[@]}"
    run "$server-legacy" "$T" --gateway "$LEGACY" --gateway-user lab "${U[@]}"
done

python3 - "$WORK" "$RUNS" <<'PY'
import json, statistics, sys, glob
work, runs = sys.argv[1], int(sys.argv[2])
def load(name):
    out = []
    for f in sorted(glob.glob(f"{work}/{name}.*.json")):
        try: out.append(json.load(open(f)))
        except Exception: pass
    return out
print(f"rdp-doctor through the lab RD Gateway on loopback (median of {runs} runs, ms)\n")
for server in ("xrdp", "freerdp-nla"):
    direct = load(f"{server}-direct")
    d_total = statistics.median(r["timings_ms"]["total"] for r in direct) if direct else float("nan")
    for transport in ("websocket", "legacy"):
        rs = load(f"{server}-{transport}")
        if not rs:
            print(f"{server} via {transport}: no report"); continue
        stages = {}
        for r in rs:
            for s in r["observations"]["gateway"]["stages"]:
                stages.setdefault(s["stage"], []).append(s["ms"])
        total = statistics.median(r["timings_ms"]["total"] for r in rs)
        chans = statistics.median(r["observations"]["gateway"]["channels_opened"] for r in rs)
        print(f"{server} via {transport}: total {total:.0f} (direct {d_total:.0f}), gateway channels {chans:.0f}")
        print("   " + ", ".join(f"{k} {statistics.median(v):.1f}" for k, v in stages.items()))
PY
