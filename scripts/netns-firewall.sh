#!/usr/bin/env bash
# Two network namespaces joined by a veth pair, for firewall behaviour tests.
#
#   scripts/netns-firewall.sh up      create (or re-create) them; appends the
#                                     RDPD_NETNS_* variables to $RDPD_STATE/servers.env
#   scripts/netns-firewall.sh down    delete them
#   scripts/netns-firewall.sh check   show what a TCP connect from the client gets
#
#   rdpd-client  10.203.0.1/30 (veth rdpd-c0)
#   rdpd-server  10.203.0.2/30 (veth rdpd-s0)
#     tcp/3389  SYN silently dropped                 -> client connect times out
#     tcp/3390  REJECT --reject-with icmp-host-unreachable -> EHOSTUNREACH
#     tcp/3391  nothing listens                      -> RST, ECONNREFUSED
#     tcp/3392  every other SYN silently dropped     -> a lossy path (a test's own server listens)
#
# The 10.203.0.0/30 addresses exist only inside these two namespaces; no
# traffic leaves them. Needs root (ip netns, iptables).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="${RDPD_STATE:-$REPO_ROOT/target/interop}"
mkdir -p "$STATE"
STATE="$(cd "$STATE" && pwd)"

NS_C=rdpd-client
NS_S=rdpd-server
IP_C=10.203.0.1
IP_S=10.203.0.2

SCRIPT_NAME=netns-firewall
# shellcheck source=scripts/lib.sh
source "$REPO_ROOT/scripts/lib.sh"

ns_exists() { ip netns list | awk '{print $1}' | grep -qx "$1"; }

down() {
    local ns
    for ns in $NS_C $NS_S; do
        if ns_exists "$ns"; then
            ip netns del "$ns"
            log "deleted namespace $ns"
        fi
    done
    if [ -f "$STATE/servers.env" ]; then
        sed -i '/^export RDPD_NETNS_/d' "$STATE/servers.env"
    fi
}

# connect_result NS HOST PORT TIMEOUT: prints ok|refused|unreachable|timeout|error:<text>
connect_result() {
    local out rc
    set +e
    out=$(ip netns exec "$1" timeout "$4" bash -c "exec 3<>/dev/tcp/$2/$3" 2>&1)
    rc=$?
    set -e
    if [ $rc -eq 0 ]; then echo ok
    elif [ $rc -eq 124 ]; then echo timeout
    elif grep -qi 'refused' <<<"$out"; then echo refused
    elif grep -qi 'no route to host' <<<"$out"; then echo unreachable
    else echo "error:$(tr '\n' ' ' <<<"$out")"
    fi
}

check() {
    local drop reject closed
    drop=$(connect_result $NS_C $IP_S 3389 3)
    reject=$(connect_result $NS_C $IP_S 3390 3)
    closed=$(connect_result $NS_C $IP_S 3391 3)
    echo "drop   $IP_S:3389 -> $drop"
    echo "reject $IP_S:3390 -> $reject"
    echo "closed $IP_S:3391 -> $closed"
    [ "$drop" = timeout ] && [ "$reject" = unreachable ] && [ "$closed" = refused ]
}

up() {
    [ "$(id -u)" -eq 0 ] || die "must run as root (ip netns, iptables)"
    ensure_packages iproute2 iptables
    down
    ip netns add $NS_C || die "cannot create network namespace $NS_C on this machine"
    ip netns add $NS_S || die "cannot create network namespace $NS_S on this machine"
    ip -n $NS_C link add rdpd-c0 type veth peer name rdpd-s0 netns $NS_S
    ip -n $NS_C addr add $IP_C/30 dev rdpd-c0
    ip -n $NS_S addr add $IP_S/30 dev rdpd-s0
    ip -n $NS_C link set lo up
    ip -n $NS_S link set lo up
    ip -n $NS_C link set rdpd-c0 up
    ip -n $NS_S link set rdpd-s0 up
    ip netns exec $NS_S iptables -w -A INPUT -p tcp --dport 3389 --syn -j DROP
    ip netns exec $NS_S iptables -w -A INPUT -p tcp --dport 3390 -j REJECT --reject-with icmp-host-unreachable
    ip netns exec $NS_S iptables -w -A INPUT -p tcp --dport 3392 --syn -m statistic --mode nth --every 2 --packet 0 -j DROP

    # the veth link needs a moment (DAD is not involved for IPv4, but the
    # first ARP may be slow); wait until the closed port answers with RST
    local i r=""
    for i in $(seq 1 50); do
        r=$(connect_result $NS_C $IP_S 3391 1)
        [ "$r" = refused ] && break
        sleep 0.1
    done
    check >"$STATE/netns-check.txt" || { cat "$STATE/netns-check.txt" >&2; down; die "namespaces do not behave as expected"; }
    cat "$STATE/netns-check.txt" >&2

    touch "$STATE/servers.env"
    sed -i '/^export RDPD_NETNS_/d' "$STATE/servers.env"
    cat >>"$STATE/servers.env" <<EOF
export RDPD_NETNS_CLIENT=$NS_C
export RDPD_NETNS_SERVER=$NS_S
export RDPD_NETNS_DROP_TARGET=$IP_S:3389
export RDPD_NETNS_REJECT_TARGET=$IP_S:3390
export RDPD_NETNS_CLOSED_TARGET=$IP_S:3391
export RDPD_NETNS_SYN_LOSS_LISTEN=$IP_S:3392
EOF
    log "namespaces up; run a client with: ip netns exec $NS_C CMD"
}

case "${1:-}" in
    up) up ;;
    down) down ;;
    check) check ;;
    *) echo "usage: $0 up|down|check" >&2; exit 2 ;;
esac
