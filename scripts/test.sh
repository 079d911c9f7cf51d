#!/usr/bin/env bash
# THE test command: starts the real RDP servers (loopback) and the firewall
# network namespaces, runs the whole test suite against them, and stops
# everything again on exit. Exits with cargo's exit status.
#
#   scripts/test.sh [extra cargo test args, e.g. -- --nocapture]
#
# Needs root (it installs Debian packages when missing, uses unshare for
# xrdp and ip netns for the firewall tests).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export RDPD_STATE="${RDPD_STATE:-$PWD/target/interop}"

cleanup() {
    local rc=$?
    scripts/netns-firewall.sh down || true
    scripts/interop-servers.sh stop || true
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

scripts/interop-servers.sh start
# xfreerdp runs through the lab RD Gateway in tests/it/gateway_xfreerdp.rs.
SCRIPT_NAME=test.sh STATE="$RDPD_STATE" bash -c '. scripts/lib.sh; ensure_packages freerdp2-x11 xvfb'
scripts/netns-firewall.sh up

# shellcheck disable=SC1091
source "$RDPD_STATE/servers.env"

set +e
cargo test --release --all-targets --features interop --no-fail-fast "$@"
rc=$?
set -e
if [ $rc -ne 0 ]; then
    echo "test.sh: cargo test failed (exit $rc); server logs are in $RDPD_STATE/logs" >&2
fi

# --- The exporter scraped by a real Prometheus, promtool on its output and on the shipped rules (issue 16).
set +e
scripts/test-exporter.sh
erc=$?
set -e
if [ $erc -ne 0 ]; then
    echo "test.sh: scripts/test-exporter.sh failed (exit $erc)" >&2
    [ $rc -eq 0 ] && rc=$erc
fi

# --- The Windows build under wine (issue 13), against the same servers (their ports are exported above).
set +e
scripts/test-windows.sh
wrc=$?
set -e
if [ $wrc -ne 0 ]; then
    echo "test.sh: scripts/test-windows.sh failed (exit $wrc); its files are in target/windows" >&2
    [ $rc -eq 0 ] && rc=$wrc
fi
exit $rc
