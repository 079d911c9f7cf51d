#!/usr/bin/env bash
# Real links benchmark (prints numbers; not a test): rdp-doctor's default diagnosis, --quick,
# --full-scan and --user at 0, 20, 50, 150 and 300 ms of round-trip time and on a lossy path, against
# the real xrdp (negotiate, 49 TLS 1.2 + 3 TLS 1.3 suites), FreeRDP TLS and FreeRDP NLA servers, side by
# side with sslscan --rdp and nmap's rdp-enum-encryption in one run. The RTT and loss come from
# `rdp-doctor lab --link` (a loopback proxy: this kernel has no sch_netem; a lost data chunk waits one
# retransmission timeout), and on the lossy path iptables drops SYNs and SYN-ACKs at random on the
# link's own loopback address (needs root; removed when the run ends). The link also counts the
# connections each tool opens.
#
#   scripts/bench-links.sh [--runs N] [--rtts 0,20,50,150,300] [--anchor-max-rtt MS] [--loss P]
#
# Installs sslscan and nmap (Debian, idempotent) and starts the servers of scripts/interop-servers.sh
# unless RDPD_XRDP_TLS_PORT is already set (then it uses those). Loopback only.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SCRIPT_NAME=bench-links
STATE=${TMPDIR:-/tmp}
# shellcheck source=scripts/lib.sh
source scripts/lib.sh
ensure_packages sslscan nmap iptables
cargo build --release --quiet
started=""
if [ -z "${RDPD_XRDP_TLS_PORT:-}" ]; then
    export RDPD_STATE="${RDPD_STATE:-$PWD/target/interop}"
    scripts/interop-servers.sh start >/dev/null
    started=1
    # shellcheck disable=SC1091
    source "$RDPD_STATE/servers.env"
fi
cleanup() {
    # the lossy link's SYN-loss rules (tagged), should the Python side have been killed
    if command -v iptables >/dev/null; then
        iptables -w -S INPUT 2>/dev/null | grep rdpd-bench-links | sed 's/^-A //' | while read -r rule; do
            eval "iptables -w -D $rule" || true
        done
    fi
    [ -n "$started" ] && scripts/interop-servers.sh stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
echo "rdp-doctor $(target/release/rdp-doctor --version | cut -d' ' -f2), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
python3 scripts/bench-links.py "$@"
