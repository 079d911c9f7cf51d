#!/usr/bin/env bash
# The Windows build under wine: cross-builds rdp-doctor.exe, then checks that it gives the same answers
# as the Linux build, and tests `rdp-doctor client` against wine's real registry and Credential Manager.
#
#   source /work/interop-state/servers.env   # or run from scripts/test.sh, which exports the same
#   scripts/test-windows.sh
#
#  1. explain 0x904 0x7 (text and --json): byte-identical to the Linux binary's.
#  2. demo --json (the in-process lab, served by the Windows binary): same verdict, findings and
#     predicted code per scenario (mtu-blackhole differs by platform: Windows cannot clamp the MSS).
#  3. diagnose --json against every real xrdp and FreeRDP server: equal to the Linux binary's report,
#     timings removed and fields that differ between two Linux runs (nonces) ignored
#     (tests/wine/compare_reports.py lists the fields that differ by platform, and why).
#  4. rdp-doctor client: a TERMSRV/ credential planted through CredWriteW (examples/
#     plant_termsrv_credential.rs) and AllowEncryptionOracle=0 (wine reg add) are found, and the
#     mismatch against the lab's credssp-v3 server (the Linux binary's lab on loopback) is explained.
#
# Installs wine64 and gcc-mingw-w64-x86-64 when missing (root). Wine 8 lacks
# bcryptprimitives.dll!ProcessPrng, which Rust's std imports: a shim (tests/wine/bcryptprimitives.c)
# is built and loaded from the test's own directory only then. Exits non-zero on any difference.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SCRIPT_NAME=test-windows
STATE="$PWD/target/windows"
mkdir -p "$STATE"
# shellcheck source=scripts/lib.sh
source scripts/lib.sh
t0=$(date +%s%N)
secs() { local ms=$((($(date +%s%N) - $1) / 1000000)); echo "$((ms / 1000)).$((ms % 1000 / 100)) s"; }

servers=(RDPD_XRDP_TLS_PORT RDPD_XRDP_RDP_PORT RDPD_FREERDP_NLA_PORT RDPD_FREERDP_TLS_PORT
    RDPD_FREERDP_RDP_PORT RDPD_FREERDP_MIXED_PORT)
for v in RDPD_HOST "${servers[@]}"; do
    [ -n "${!v:-}" ] || die "$v is not set: start the servers (scripts/interop-servers.sh start) and source their servers.env, or run from scripts/test.sh"
done

ensure_packages wine64 gcc-mingw-w64-x86-64 python3
WINE=/usr/lib/wine/wine64
[ -x "$WINE" ] || die "$WINE is missing after installing wine64"

tb=$(date +%s%N)
scripts/build-windows.sh --with-test-helpers
build_time=$(secs "$tb")
cargo build --release --bin rdp-doctor
LINUX=target/release/rdp-doctor
RUN="$STATE/run"
rm -rf "$RUN"
mkdir -p "$RUN"
cp target/x86_64-pc-windows-gnu/release/rdp-doctor.exe \
    target/x86_64-pc-windows-gnu/release/examples/plant_termsrv_credential.exe "$RUN/"

export WINEPREFIX="$STATE/wineprefix" WINEDEBUG=-all WINEARCH=win64
# No Mono/Gecko prompts; the shim (when built) is taken from the program's directory before wine's own.
export WINEDLLOVERRIDES="mscoree,mshtml=;bcryptprimitives=n,b"
tw=$(date +%s%N)
if [ ! -f "$WINEPREFIX/system.reg" ]; then
    log "creating the wine prefix $WINEPREFIX"
    "$WINE" wineboot -i >"$STATE/wineboot.log" 2>&1 || { tail "$STATE/wineboot.log" >&2; die "wineboot failed"; }
fi
builtin=$(find /usr/lib/x86_64-linux-gnu/wine /usr/lib/wine -name bcryptprimitives.dll -path '*x86_64-windows*' 2>/dev/null | head -1)
if [ -n "$builtin" ] && x86_64-w64-mingw32-objdump -p "$builtin" | grep -qw ProcessPrng; then
    log "wine exports ProcessPrng: no shim"
else
    log "wine lacks bcryptprimitives!ProcessPrng: building the shim (tests/wine/bcryptprimitives.c)"
    x86_64-w64-mingw32-gcc -shared -O2 -o "$RUN/bcryptprimitives.dll" tests/wine/bcryptprimitives.c \
        tests/wine/bcryptprimitives.def -ladvapi32
fi
wine_exe() { (cd "$RUN" && "$WINE" "$@"); }
WIN=rdp-doctor.exe

failed=0
pass() { log "PASS $*"; }
fail() { log "FAIL $*"; failed=$((failed + 1)); }

# 1. explain, offline.
for fmt in "" "--json"; do
    # shellcheck disable=SC2086
    if diff <("$LINUX" explain 0x904 0x7 $fmt) <(wine_exe "$WIN" explain 0x904 0x7 $fmt) >"$STATE/explain.diff"; then
        pass "explain 0x904 0x7 $fmt: identical"
    else
        fail "explain 0x904 0x7 $fmt differs (see $STATE/explain.diff)"
    fi
done

# 2. demo: the Windows binary serves and diagnoses the lab in-process. Under wine an in-process
# loopback connection costs ~100 ms (Linux: well under 1 ms), so all 49 scenarios at once overrun the
# demo's 3 s deadline; each scenario runs on its own (`demo NAME`, 20 s deadline), four at a time.
# The Linux side runs the same way (one scenario per process, four at a time), so that neither side
# judges a lab server that was only starved of CPU by 76 others in the same process.
td=$(date +%s%N)
rm -rf "$STATE/demo-windows" "$STATE/demo-linux"
mkdir -p "$STATE/demo-windows" "$STATE/demo-linux"
export WINE RUN STATE LINUX
"$LINUX" lab --list | awk '{print $1}' >"$STATE/demo-names.txt"
xargs -P 4 -I{} sh -c '"$LINUX" demo {} --json --timeout 20 >"$STATE/demo-linux/{}.json"' <"$STATE/demo-names.txt"
# wine itself now and then crashes while a process exits (after the report is written): say so and let
# the comparison judge what was written (a missing or cut report fails it).
xargs -P 4 -I{} sh -c \
    'cd "$RUN" && "$WINE" rdp-doctor.exe demo {} --json --timeout 20 >"$STATE/demo-windows/{}.json" || echo "test-windows: wine exited $? on demo {}" >&2' <"$STATE/demo-names.txt"
for side in linux windows; do
    python3 - "$STATE/demo-names.txt" "$STATE/demo-$side" >"$STATE/demo-$side.json" <<'PY'
import json, sys
names = open(sys.argv[1]).read().split()
print(json.dumps([{"scenario": n, "report": json.load(open(f"{sys.argv[2]}/{n}.json"))} for n in names]))
PY
done
if python3 tests/wine/compare_reports.py demo "$STATE/demo-linux.json" "$STATE/demo-windows.json"; then
    pass "demo: same verdicts and findings ($(secs "$td") for both)"
else
    fail "demo differs"
fi

# 3. diagnose every real server. The servers are shared (other test runs connect at the same time): a
# connection one of them refuses under load shows up as a difference, so a differing server is measured
# once more (all three runs) and the retry is reported.
for v in "${servers[@]}"; do
    port=${!v}
    name=$(echo "$v" | sed 's/^RDPD_//; s/_PORT$//' | tr 'A-Z_' 'a-z-')
    for attempt in 1 2; do
        "$LINUX" diagnose "$RDPD_HOST:$port" --json >"$STATE/$name-linux-a.json" || true
        "$LINUX" diagnose "$RDPD_HOST:$port" --json >"$STATE/$name-linux-b.json" || true
        wine_exe "$WIN" diagnose "$RDPD_HOST:$port" --json >"$STATE/$name-windows.json" || true
        log "diagnose $name ($RDPD_HOST:$port), attempt $attempt:"
        if python3 tests/wine/compare_reports.py diagnose "$STATE/$name-linux-a.json" \
            "$STATE/$name-linux-b.json" "$STATE/$name-windows.json"; then
            retry=""
            [ "$attempt" = 2 ] && retry=" (on the second attempt: the first differed, see above)"
            pass "diagnose $name: same report as Linux$retry"
            break
        fi
        [ "$attempt" = 2 ] && fail "diagnose $name: the Windows report differs twice"
    done
done

# 4. rdp-doctor client against wine's registry and Credential Manager, judged against a CredSSP v3 server.
"$WINE" reg add 'HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System\CredSSP\Parameters' \
    /v AllowEncryptionOracle /t REG_DWORD /d 0 /f >/dev/null
"$WINE" reg add 'HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.0\Client' \
    /v Enabled /t REG_DWORD /d 0 /f >/dev/null
wine_exe plant_termsrv_credential.exe 127.0.0.1 'LAB\alice' >/dev/null || fail "planting the credential"
# Default.rdp as mstsc writes it (UTF-16LE with a BOM) in the prefix's own Documents (wine links it to
# $HOME: replaced by a directory inside the prefix so nothing is written outside it).
docs="$WINEPREFIX/drive_c/users/$(id -un)/Documents"
if [ -L "$docs" ]; then rm "$docs"; fi
mkdir -p "$docs"
printf 'screen mode id:i:2\r\nfull address:s:127.0.0.1\r\nenablecredsspsupport:i:0\r\npassword 51:b:01000000D08C9DDF\r\n' |
    iconv -f UTF-8 -t UTF-16LE | { printf '\xff\xfe'; cat; } >"$docs/Default.rdp"
"$LINUX" lab --scenario credssp-v3 >"$STATE/lab.out" 2>&1 &
lab_pid=$!
trap 'kill "$lab_pid" 2>/dev/null || true' EXIT
lab_addr=""
for _ in $(seq 50); do
    lab_addr=$(sed -n 's/^lab scenario credssp-v3 listening on \([0-9.:]*\) .*/\1/p' "$STATE/lab.out")
    [ -n "$lab_addr" ] && break
    sleep 0.1
done
[ -n "$lab_addr" ] || die "the credssp-v3 lab did not start: $(cat "$STATE/lab.out")"
set +e
wine_exe "$WIN" client "$lab_addr" --json >"$STATE/client.json"
client_rc=$?
wine_exe "$WIN" client "$lab_addr" >"$STATE/client.txt"
set -e
kill "$lab_pid" 2>/dev/null || true
if python3 - "$STATE/client.json" "$client_rc" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); rc = int(sys.argv[2])
obs = r["observations"]; ids = {f["id"]: f for f in r["findings"]}
creds = obs["saved_credentials"].get("read", [])
checks = {
    "exit code 1 (failing)": rc == 1,
    "planted TERMSRV/127.0.0.1 found with its user": any(c["target"] == "TERMSRV/127.0.0.1" and c["user_name"] == "LAB\\alice" for c in creds),
    "AllowEncryptionOracle=0 read from the registry": obs["credssp_policy"] == {"read": 0},
    "server CredSSP version 3 measured": (r["server"] or {}).get("credssp_version") == 3,
    "client-credssp-mismatch explains it": "client-credssp-mismatch" in ids and "Patch the server" in ids["client-credssp-mismatch"]["summary"],
    "client-saved-credential for the target, remedy cmdkey": "client-saved-credential" in ids and ids["client-saved-credential"]["severity"] == "warning" and "cmdkey /delete:TERMSRV/127.0.0.1" in ids["client-saved-credential"]["remedies"][0],
    "the secret is not in the report": "dummy-not-a-password" not in open(sys.argv[1]).read(),
    "Default.rdp read from Documents (UTF-16), enablecredsspsupport:i:0 found, no password field":
        "client-rdp-defaults" in ids and "01000000D08C9DDF" not in open(sys.argv[1]).read(),
    "Schannel TLS 1.0 Client Enabled=0 read": any(x["protocol"] == "TLS 1.0" and x["enabled"] == {"read": 0} for x in obs["schannel"]),
}
for k, v in checks.items():
    print(f"  {'ok ' if v else 'NOT'} {k}")
print(f"  event log: {'read' if 'read' in obs['rdp_client_events'] else 'not checked: ' + obs['rdp_client_events']['failed']}")
sys.exit(0 if all(checks.values()) else 1)
PY
then
    pass "client: planted credential and AllowEncryptionOracle=0 found; mismatch with the CredSSP v3 server explained"
else
    fail "client (report in $STATE/client.json)"
fi

log "cross-build $build_time; wine tests $(secs "$tw"); total $(secs "$t0")"
[ "$failed" -eq 0 ] || die "$failed check(s) failed"
log "all passed"
