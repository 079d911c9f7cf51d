#!/usr/bin/env bash
# Run inside `unshare --net --mount` (tests/it/slow_resolver.rs): a private loopback where a DNS server
# reads queries and never answers, bound over /etc/resolv.conf for this mount namespace only. Proves the
# resolver hangs (getent is still waiting after 2 s), then times `rdp-doctor diagnose NAME --timeout 1`.
# Prints "hangs N", "exit CODE" and "elapsed SECONDS". Usage: slow-resolver.sh RDP_DOCTOR_BINARY
set -u
ip link set lo up
python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 53))
while True:
    s.recvfrom(2048)
' &
dns=$!
for _ in $(seq 50); do ss -Hul 'sport = :53' | grep -q . && break; sleep 0.1; done
conf=$(mktemp)
printf 'nameserver 127.0.0.1\noptions timeout:5 attempts:3\n' > "$conf"
mount --bind "$conf" /etc/resolv.conf
getent hosts rdp.corp.example >/dev/null &
probe=$!
sleep 2
kill -0 "$probe" 2>/dev/null && echo "hangs 1" || echo "hangs 0"
kill "$probe" 2>/dev/null
start=$(date +%s.%N)
"$1" diagnose rdp.corp.example --timeout 1 >/dev/null 2>&1
echo "exit $?"
end=$(date +%s.%N)
echo "elapsed $(python3 -c "print($end - $start)")"
kill "$dns"
rm -f "$conf"
