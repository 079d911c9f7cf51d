#!/usr/bin/env bash
# Benchmark (prints numbers; not a test): wall time of rdp-doctor's CredSSP layer against the FreeRDP
# NLA server, side by side with `xfreerdp +auth-only`, for a right password, a wrong password, an
# unknown user and a closed port. Loopback only.
#
#   scripts/bench-credssp.sh [RUNS]        (default 5 runs per cell; the table shows median and min)
#
# Server: $RDPD_FREERDP_NLA_PORT (with $RDPD_USER / $RDPD_PASSWORD) when set — source
# /work/rdpd-shared/servers.env or the file scripts/interop-servers.sh writes; otherwise this script
# starts its own Xvfb and `freerdp-shadow-cli /sec:nla` on 127.0.0.1:$BENCH_PORT (default 34211) and
# stops exactly those processes when it ends. The closed port is $BENCH_CLOSED_PORT (default 34299),
# checked to be closed first.
#
# Needs: freerdp2-x11 (xfreerdp), xvfb, freerdp2-shadow-x11 and winpr-utils (own server only),
# python3, and a release build (`cargo build --release`; $CARGO_TARGET_DIR is honoured).
set -euo pipefail

RUNS=${1:-5}
HOST=127.0.0.1
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${RDP_DOCTOR:-${CARGO_TARGET_DIR:-$ROOT/target}/release/rdp-doctor}
BENCH_PORT=${BENCH_PORT:-34211}
CLOSED_PORT=${BENCH_CLOSED_PORT:-34299}
WORK=$(mktemp -d /tmp/bench-credssp.XXXXXX)
OWN_PIDS=()

die() { echo "bench-credssp: $*" >&2; exit 1; }
cleanup() {
    local p
    for p in "${OWN_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${OWN_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

[ -x "$BIN" ] || die "no release binary at $BIN: run cargo build --release"
command -v xfreerdp >/dev/null || die "xfreerdp missing: apt-get install freerdp2-x11"
command -v Xvfb >/dev/null || die "Xvfb missing: apt-get install xvfb"
command -v python3 >/dev/null || die "python3 missing"

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

free_display() {
    local n
    for n in $(seq 90 120); do
        [ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ] || { echo "$n"; return 0; }
    done
    die "no free X display in :90-:120"
}

start_xvfb() {
    local n i
    n=$(free_display)
    Xvfb ":$n" -nolisten tcp -noreset -screen 0 1024x768x24 >"$WORK/xvfb.log" 2>&1 &
    OWN_PIDS+=($!)
    for i in $(seq 100); do [ -S "/tmp/.X11-unix/X$n" ] && break; sleep 0.05; done
    [ -S "/tmp/.X11-unix/X$n" ] || die "Xvfb :$n did not start"
    DISPLAY_FOR_CLIENT=":$n"
}

start_xvfb

if [ -n "${RDPD_FREERDP_NLA_PORT:-}" ]; then
    PORT=$RDPD_FREERDP_NLA_PORT
    USER_NAME=${RDPD_USER:?RDPD_USER is not set (source servers.env)}
    PASSWORD=${RDPD_PASSWORD:?RDPD_PASSWORD is not set (source servers.env)}
    SERVER="shared freerdp-shadow-cli /sec:nla on $HOST:$PORT"
else
    command -v freerdp-shadow-cli >/dev/null || die "freerdp-shadow-cli missing: apt-get install freerdp2-shadow-x11"
    command -v winpr-hash >/dev/null || die "winpr-hash missing: apt-get install winpr-utils"
    PORT=$BENCH_PORT
    USER_NAME=benchuser
    PASSWORD=Bench-Password-1
    port_open "$PORT" && die "port $PORT is already in use"
    winpr-hash -u "$USER_NAME" -p "$PASSWORD" -f sam >"$WORK/sam"
    mkdir -p "$WORK/cfg"
    env DISPLAY="$DISPLAY_FOR_CLIENT" XDG_CONFIG_HOME="$WORK/cfg" HOME="$WORK/cfg" \
        freerdp-shadow-cli /bind-address:$HOST "/port:$PORT" "/sam-file:$WORK/sam" /sec:nla \
        >"$WORK/shadow.log" 2>&1 &
    OWN_PIDS+=($!)
    for i in $(seq 100); do port_open "$PORT" && break; sleep 0.1; done
    port_open "$PORT" || die "freerdp-shadow-cli did not listen on $PORT (log: $(tail -3 "$WORK/shadow.log"))"
    SERVER="own freerdp-shadow-cli /sec:nla on $HOST:$PORT"
fi
port_open "$CLOSED_PORT" && die "port $CLOSED_PORT is open; set BENCH_CLOSED_PORT to a closed port"

now() { date +%s.%N; }

# One timed run: prints "SECONDS EXIT".
timed() {
    local t0 t1 rc
    t0=$(now)
    set +e
    "$@" >"$WORK/out" 2>"$WORK/err"
    rc=$?
    set -e
    t1=$(now)
    echo "$(python3 -c "print(f'{$t1-$t0:.3f}')") $rc"
}

rdp_doctor() { # PORT USER PASSWORD|-
    local port=$1 user=$2 pass=$3
    if [ "$user" = "-" ]; then
        "$BIN" diagnose "$HOST:$port" --json --timeout 10
    else
        printf '%s\n' "$pass" | "$BIN" diagnose "$HOST:$port" --json --timeout 10 \
            --user "$user" --password-stdin --insecure-trust-any-cert
    fi
}

xfreerdp_auth() { # PORT USER PASSWORD — the lab password on argv, as the xfreerdp comparison needs
    DISPLAY="$DISPLAY_FOR_CLIENT" timeout 20 xfreerdp "/v:$HOST:$1" "/u:$2" "/p:$3" /cert:ignore +auth-only
}

# The credssp-layer findings of the last rdp-doctor run (or the first finding), and the layer timings.
summarise() {
    python3 - "$WORK/out" <<'EOF'
import json, sys
try:
    r = json.load(open(sys.argv[1]))
except Exception:
    print("- | -"); sys.exit()
ids = [f["id"] for f in r.get("findings", []) if f.get("layer") == "credssp"]
if not ids:
    ids = [f["id"] for f in r.get("findings", [])[:1]]
obs = r.get("observations", {})
ms = []
if obs.get("credssp"): ms.append(f"probe {obs['credssp']['ms']:.0f} ms")
if obs.get("authentication"): ms.append(f"logon {obs['authentication']['ms']:.0f} ms")
print(",".join(ids) + " | " + (", ".join(ms) or "-"))
EOF
}

stats() { # values... → "median min"
    python3 -c "import statistics,sys; v=sorted(map(float,sys.argv[1:])); print(f'{statistics.median(v):.3f} {v[0]:.3f}')" "$@"
}

bench() { # LABEL TOOL PORT USER PASS
    local label=$1 tool=$2 port=$3 user=$4 pass=$5 times=() rc=0 line i extra="" sum
    for i in $(seq "$RUNS"); do
        if [ "$tool" = rdp-doctor ]; then
            line=$(timed rdp_doctor "$port" "$user" "$pass")
        else
            line=$(timed xfreerdp_auth "$port" "$user" "$pass")
        fi
        times+=("${line% *}")
        rc=${line#* }
    done
    read -r med min <<<"$(stats "${times[@]}")"
    if [ "$tool" = rdp-doctor ]; then
        sum=$(summarise)
        extra="${sum%% | *}"
        layer="${sum#* | }"
    else
        extra=$(grep -o 'ERRCONNECT_[A-Z_]*\|freerdp_set_last_error_ex [A-Z_]*' "$WORK/err" "$WORK/out" 2>/dev/null \
            | sed 's/.*[: ]//' | sort -u | paste -sd, - || true)
        [ -n "$extra" ] || extra="-"
        layer="-"
    fi
    printf '%-26s %-11s %8s %8s %5s  %-44s %s\n' "$label" "$tool" "$med" "$min" "$rc" "$extra" "$layer"
}

echo "server: $SERVER; closed port $HOST:$CLOSED_PORT; $RUNS runs per row; rdp-doctor $("$BIN" --version 2>/dev/null || echo '?')"
echo "xfreerdp: $(DISPLAY="$DISPLAY_FOR_CLIENT" xfreerdp /version 2>/dev/null | head -1)"
echo
printf '%-26s %-11s %8s %8s %5s  %-44s %s\n' CASE TOOL "MEDIAN_S" "MIN_S" EXIT "FINDINGS / FREERDP ERROR" "LAYER TIMES (last run)"
bench "no credentials (probe)" rdp-doctor "$PORT" - -
bench "right password" rdp-doctor "$PORT" "$USER_NAME" "$PASSWORD"
bench "right password" xfreerdp "$PORT" "$USER_NAME" "$PASSWORD"
bench "wrong password" rdp-doctor "$PORT" "$USER_NAME" "not-the-password"
bench "wrong password" xfreerdp "$PORT" "$USER_NAME" "not-the-password"
bench "unknown user" rdp-doctor "$PORT" "nosuchuser" "$PASSWORD"
bench "unknown user" xfreerdp "$PORT" "nosuchuser" "$PASSWORD"
bench "closed port" rdp-doctor "$CLOSED_PORT" "$USER_NAME" "$PASSWORD"
bench "closed port" xfreerdp "$CLOSED_PORT" "$USER_NAME" "$PASSWORD"
