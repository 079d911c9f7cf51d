#!/usr/bin/env bash
# Real RDP servers on loopback for rdp-doctor's interop tests.
#
#   scripts/interop-servers.sh start    install what is missing, (re)start all servers
#   scripts/interop-servers.sh stop     stop what an earlier `start` started
#   scripts/interop-servers.sh status   show which servers run
#
# State (configs, certificates, logs, pid files, servers.env) lives under
# $RDPD_STATE (default: <repo>/target/interop). `start` writes
# $RDPD_STATE/servers.env with the ports (export RDPD_..._PORT=...).
#
# Servers (all on loopback, fixed ports):
#   xrdp-tls         xrdp, security_layer=negotiate, own self-signed cert, crypt_level=high
#   xrdp-rdp         xrdp, security_layer=rdp, crypt_level=high
#   xrdp-rdp-low     xrdp, security_layer=rdp, crypt_level=low
#   xrdp-rdp-fips    xrdp, security_layer=rdp, crypt_level=fips
#   xrdp-tls-nocert  xrdp, security_layer=tls, certificate/key_file point at missing files
#   xrdp-v6          xrdp, security_layer=negotiate, own cert, listening on [::1]
#   freerdp-nla      freerdp-shadow-cli /sec:nla with a SAM file (user rdpdoctor)
#   freerdp-tls      freerdp-shadow-cli /sec:tls
#   freerdp-rdp      freerdp-shadow-cli /sec:rdp
#   freerdp-mixed    freerdp-shadow-cli +sec-rdp +sec-tls +sec-nla (NLA offered, not required)
#   closed           a port nothing listens on
#   TLS variants (alone: `RDPD_STATE=DIR scripts/interop-servers.sh start-tls`, then `stop`):
#   xrdp-tls10       xrdp, ssl_protocols=TLSv1, tls_ciphers=DEFAULT:@SECLEVEL=0
#   xrdp-tls13       xrdp, ssl_protocols=TLSv1.3
#   xrdp-aes256sha   xrdp, ssl_protocols=TLSv1.2, tls_ciphers=AES256-SHA (one suite)
#   xrdp-expired     xrdp, a certificate that expired on 2021-01-01 (openssl ca -startdate/-enddate:
#                    OpenSSL 3's req/x509 cannot backdate)
#
# Each xrdp runs in its own mount namespace (unshare -m) with a private tmpfs
# on /run/xrdp: `xrdp -n` refuses to start when /run/xrdp/xrdp.pid exists
# (e.g. a system xrdp service), so the instances must not see that file.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="${RDPD_STATE:-$REPO_ROOT/target/interop}"
mkdir -p "$STATE"
STATE="$(cd "$STATE" && pwd)"
PIDS="$STATE/pids"
LOGS="$STATE/logs"

PORT_XRDP_TLS=33901
PORT_XRDP_RDP=33902
PORT_XRDP_TLS_NOCERT=33903
PORT_XRDP_V6=33904
PORT_XRDP_RDP_LOW=33905
PORT_XRDP_RDP_FIPS=33906
PORT_FREERDP_NLA=33911
PORT_FREERDP_TLS=33912
PORT_FREERDP_RDP=33913
PORT_FREERDP_MIXED=33914
CLOSED_PORT_CANDIDATES=(33999 33998 33997 33996)
PORT_XRDP_TLS10=34101
PORT_XRDP_TLS13=34102
PORT_XRDP_AES256SHA=34103
PORT_XRDP_EXPIRED=34104

RDPD_USER=rdpdoctor
RDPD_PASSWORD=Correct-Horse-1
START_TIMEOUT=${RDPD_START_TIMEOUT:-20}

SERVERS=(xrdp-tls xrdp-rdp xrdp-tls-nocert xrdp-v6 xrdp-rdp-low xrdp-rdp-fips freerdp-nla freerdp-tls freerdp-rdp freerdp-mixed)
TLS_SERVERS=(xrdp-tls10 xrdp-tls13 xrdp-aes256sha xrdp-expired)

SCRIPT_NAME=interop-servers
# shellcheck source=scripts/lib.sh
source "$REPO_ROOT/scripts/lib.sh"

# ---------------------------------------------------------------- helpers
pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

# tcp_accepts HOST PORT: true when a TCP connect succeeds within 1 s
tcp_accepts() {
    timeout 1 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null
}

port_in_use() { # PORT -> true if anything listens on it (v4 or v6)
    ss -Htln "sport = :$1" 2>/dev/null | grep -q .
}

# launch NAME CMD...: start CMD in its own session (process group), log to
# $LOGS/NAME.log, pid to $PIDS/NAME.pid
launch() {
    local name=$1; shift
    setsid "$@" >"$LOGS/$name.log" 2>&1 </dev/null &
    echo $! >"$PIDS/$name.pid"
    echo "$EPOCHREALTIME" >"$PIDS/$name.t0"
    printf '%q ' "$@" >"$PIDS/$name.cmd" # for a relaunch (wait_listening)
}

fail_with_log() { # NAME MESSAGE
    local name=$1 msg=$2
    {
        echo "interop-servers: ERROR: $name: $msg"
        for f in "$LOGS/$name.log" "$LOGS/$name.xrdp.log"; do
            [ -s "$f" ] || continue
            echo "---- tail of $f ----"
            tail -n 25 "$f"
        done
    } >&2
    stop_all
    exit 1
}

wait_listening() { # NAME HOST PORT
    local name=$1 host=$2 port=$3 pid deadline
    pid=$(cat "$PIDS/$name.pid")
    deadline=$((SECONDS + START_TIMEOUT))
    local t0
    t0=$(cat "$PIDS/$name.t0")
    local relaunches=0
    while :; do
        if ! pid_alive "$pid"; then
            # A port still held a moment after the previous run's servers stopped (a socket in
            # TIME_WAIT, a server slow to exit) makes a server give up at once: try again, twice.
            [ $relaunches -lt 2 ] || fail_with_log "$name" "process $pid exited before listening on $host:$port"
            relaunches=$((relaunches + 1))
            log "$name exited before listening on $host:$port; launching it again ($relaunches/2)"
            sleep 2
            eval "launch $name $(cat "$PIDS/$name.cmd")"
            pid=$(cat "$PIDS/$name.pid")
            t0=$(cat "$PIDS/$name.t0")
            deadline=$((SECONDS + START_TIMEOUT))
            continue
        fi
        if tcp_accepts "$host" "$port"; then
            local ms
            ms=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%d", (b-a)*1000}')
            log "$name listening on $host:$port (pid $pid, ready ${ms} ms after launch)"
            return 0
        fi
        [ $SECONDS -lt $deadline ] || fail_with_log "$name" "not accepting TCP on $host:$port after ${START_TIMEOUT}s"
        sleep 0.2
    done
}

# kill the process group of a pid file, TERM then KILL; only if the pid still
# runs the program we started (guards against pid reuse)
stop_one() {
    local f=$1 pid expect name
    name=$(basename "$f" .pid)
    pid=$(cat "$f" 2>/dev/null || true)
    case $name in
        xvfb) expect=Xvfb ;;
        freerdp-*) expect=freerdp-shadow ;;
        *) expect="xrdp|unshare" ;;
    esac
    if pid_alive "$pid" && tr '\0' ' ' </proc/"$pid"/cmdline 2>/dev/null | grep -Eq "$expect"; then
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
        local i
        for i in $(seq 1 50); do
            pid_alive "$pid" || break
            sleep 0.1
        done
        if pid_alive "$pid"; then
            kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
        fi
        # forked per-connection children stay in the same process group
        kill -KILL -- "-$pid" 2>/dev/null || true
        log "stopped $name (pid $pid)"
    fi
    rm -f "$f" "${f%.pid}.t0"
}

stop_all() {
    [ -d "$PIDS" ] || return 0
    local f
    # servers first, the X server last
    for f in "$PIDS"/*.pid; do
        [ -e "$f" ] || continue
        [ "$(basename "$f")" = xvfb.pid ] && continue
        stop_one "$f"
    done
    [ -e "$PIDS/xvfb.pid" ] && stop_one "$PIDS/xvfb.pid"
    return 0
}

# ---------------------------------------------------------------- xrdp
write_xrdp_ini() { # NAME PORTSPEC SECURITY_LAYER CERT KEY [CRYPT_LEVEL [SSL_PROTOCOLS [TLS_CIPHERS]]]
    local name=$1 portspec=$2 sec=$3 cert=$4 key=$5 crypt=${6:-high}
    local protocols=${7:-TLSv1.2, TLSv1.3} ciphers=${8:-}
    cat >"$STATE/xrdp/$name.ini" <<EOF
; generated by scripts/interop-servers.sh
[Globals]
ini_version=1
fork=true
port=$portspec
use_vsock=false
tcp_nodelay=true
tcp_keepalive=true
security_layer=$sec
crypt_level=$crypt
certificate=$cert
key_file=$key
ssl_protocols=$protocols
${ciphers:+tls_ciphers=$ciphers}
autorun=
allow_channels=true
allow_multimon=true
bitmap_cache=true
bitmap_compression=true
bulk_compression=true
max_bpp=32
new_cursors=true
use_fastpath=both

[Logging]
LogFile=$LOGS/$name.xrdp.log
LogLevel=DEBUG
EnableSyslog=false
EnableConsole=false

[Channels]
rdpdr=true
rdpsnd=true
drdynvc=true
cliprdr=true
rail=true
xrdpvr=true
tcutils=true

[Xorg]
name=Xorg
lib=libxup.so
username=ask
password=ask
ip=127.0.0.1
port=-1
code=20
EOF
}

start_xrdp() { # NAME PORTSPEC SECURITY_LAYER CERT KEY [CRYPT_LEVEL [SSL_PROTOCOLS [TLS_CIPHERS]]]
    local name=$1
    write_xrdp_ini "$@"
    : >"$LOGS/$name.xrdp.log"
    launch "$name" unshare --mount --propagation private -- sh -c \
        'mkdir -p /run/xrdp && mount -t tmpfs -o mode=0755 rdpd-xrdp-run /run/xrdp && exec xrdp --nodaemon --config "$1"' \
        sh "$STATE/xrdp/$name.ini"
}

# ---------------------------------------------------------------- freerdp
find_free_display() {
    local n
    for n in 77 78 79 80 81 82 83 84 85 86; do
        [ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ] || { echo "$n"; return 0; }
    done
    die "no free X display in :77-:86"
}

start_xvfb() {
    local n
    n=$(find_free_display)
    launch xvfb Xvfb ":$n" -nolisten tcp -noreset -screen 0 1024x768x24
    local deadline=$((SECONDS + START_TIMEOUT)) pid
    pid=$(cat "$PIDS/xvfb.pid")
    until [ -S "/tmp/.X11-unix/X$n" ]; do
        pid_alive "$pid" || fail_with_log xvfb "Xvfb :$n exited"
        [ $SECONDS -lt $deadline ] || fail_with_log xvfb "Xvfb :$n did not create its socket in ${START_TIMEOUT}s"
        sleep 0.1
    done
    echo ":$n" >"$STATE/display"
    log "xvfb on :$n (pid $pid)"
}

start_shadow() { # NAME PORT ARGS...
    local name=$1 port=$2; shift 2
    local cfg="$STATE/freerdp/$name"
    mkdir -p "$cfg"
    launch "$name" env DISPLAY="$(cat "$STATE/display")" XDG_CONFIG_HOME="$cfg" HOME="$cfg" \
        WLOG_LEVEL=INFO \
        freerdp-shadow-cli /bind-address:127.0.0.1 "/port:$port" "/sam-file:$STATE/freerdp/sam" "$@"
}

# ---------------------------------------------------------------- TLS variants
# A self-signed certificate valid 2020-01-01 .. 2021-01-01, made with `openssl ca` (the only
# OpenSSL 3 command that takes explicit start and end dates).
make_expired_cert() { # DIR
    local dir=$1
    [ -s "$dir/expired-cert.pem" ] && [ -s "$dir/expired-key.pem" ] && return 0
    mkdir -p "$dir/ca"
    : >"$dir/ca/index.txt"
    echo 1000 >"$dir/ca/serial"
    {
        echo "[ca]"
        echo "default_ca = lab"
        echo "[lab]"
        echo "database = $dir/ca/index.txt"
        echo "new_certs_dir = $dir/ca"
        echo "serial = $dir/ca/serial"
        echo "default_md = sha256"
        echo "policy = anything"
        echo "copy_extensions = copy"
        echo "unique_subject = no"
        echo "[anything]"
        echo "commonName = supplied"
    } >"$dir/ca/ca.cnf"
    openssl req -new -newkey rsa:2048 -nodes -keyout "$dir/expired-key.pem" -out "$dir/ca/expired.csr" \
        -subj "/CN=rdpd-xrdp-expired" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1" \
        >>"$LOGS/openssl.log" 2>&1 || { cat "$LOGS/openssl.log" >&2; die "openssl req (expired) failed"; }
    openssl ca -batch -config "$dir/ca/ca.cnf" -selfsign -keyfile "$dir/expired-key.pem" \
        -in "$dir/ca/expired.csr" -out "$dir/expired-cert.pem" -notext \
        -startdate 20200101000000Z -enddate 20210101000000Z \
        >>"$LOGS/openssl.log" 2>&1 || { cat "$LOGS/openssl.log" >&2; die "openssl ca (expired) failed"; }
}

start_tls_variants() { # CERT KEY
    local cert=$1 key=$2 p
    for p in $PORT_XRDP_TLS10 $PORT_XRDP_TLS13 $PORT_XRDP_AES256SHA $PORT_XRDP_EXPIRED; do
        if port_in_use "$p"; then die "port $p is already in use by something this script did not start"; fi
    done
    make_expired_cert "$STATE/certs"
    start_xrdp xrdp-tls10 "tcp://.:$PORT_XRDP_TLS10" tls "$cert" "$key" high "TLSv1" "DEFAULT:@SECLEVEL=0"
    start_xrdp xrdp-tls13 "tcp://.:$PORT_XRDP_TLS13" tls "$cert" "$key" high "TLSv1.3"
    start_xrdp xrdp-aes256sha "tcp://.:$PORT_XRDP_AES256SHA" tls "$cert" "$key" high "TLSv1.2" "AES256-SHA"
    start_xrdp xrdp-expired "tcp://.:$PORT_XRDP_EXPIRED" negotiate \
        "$STATE/certs/expired-cert.pem" "$STATE/certs/expired-key.pem"
    wait_listening xrdp-tls10 127.0.0.1 $PORT_XRDP_TLS10
    wait_listening xrdp-tls13 127.0.0.1 $PORT_XRDP_TLS13
    wait_listening xrdp-aes256sha 127.0.0.1 $PORT_XRDP_AES256SHA
    wait_listening xrdp-expired 127.0.0.1 $PORT_XRDP_EXPIRED
}

tls_variants_env() {
    echo "export RDPD_XRDP_TLS10_PORT=$PORT_XRDP_TLS10"
    echo "export RDPD_XRDP_TLS13_PORT=$PORT_XRDP_TLS13"
    echo "export RDPD_XRDP_AES256SHA_PORT=$PORT_XRDP_AES256SHA"
    echo "export RDPD_XRDP_EXPIRED_PORT=$PORT_XRDP_EXPIRED"
}

# Only the TLS variants, e.g. with their own RDPD_STATE beside the shared servers.
cmd_start_tls() {
    ensure_packages xrdp openssl iproute2 util-linux procps
    stop_all
    mkdir -p "$PIDS" "$LOGS" "$STATE/xrdp" "$STATE/certs"
    [ -s /etc/xrdp/rsakeys.ini ] || xrdp-keygen xrdp auto >/dev/null
    if [ ! -s "$STATE/certs/xrdp-cert.pem" ] || [ ! -s "$STATE/certs/xrdp-key.pem" ]; then
        openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 \
            -keyout "$STATE/certs/xrdp-key.pem" -out "$STATE/certs/xrdp-cert.pem" \
            -subj "/CN=rdpd-xrdp-tls" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1" \
            >"$LOGS/openssl.log" 2>&1 || { cat "$LOGS/openssl.log" >&2; die "openssl failed"; }
    fi
    start_tls_variants "$STATE/certs/xrdp-cert.pem" "$STATE/certs/xrdp-key.pem"
    { echo "# generated by scripts/interop-servers.sh start-tls"; tls_variants_env; } >"$STATE/servers.env"
    log "TLS variants up; environment in $STATE/servers.env"
}

# ---------------------------------------------------------------- commands
cmd_start() {
    ensure_packages xrdp freerdp2-shadow-x11 winpr-utils xvfb openssl iproute2 util-linux procps
    # the real client for tests/it/folk_causes_freerdp.rs (xfreerdp)
    ensure_packages freerdp2-x11
    stop_all
    mkdir -p "$PIDS" "$LOGS" "$STATE/xrdp" "$STATE/freerdp" "$STATE/certs"
    rm -f "$STATE/servers.env"

    local p
    for p in $PORT_XRDP_TLS $PORT_XRDP_RDP $PORT_XRDP_TLS_NOCERT $PORT_XRDP_V6 \
             $PORT_FREERDP_NLA $PORT_FREERDP_TLS $PORT_FREERDP_RDP $PORT_FREERDP_MIXED; do
        if port_in_use "$p"; then
            ss -Htlnp "sport = :$p" >&2 || true
            die "port $p is already in use by something this script did not start"
        fi
    done
    local closed=""
    for p in "${CLOSED_PORT_CANDIDATES[@]}"; do
        if ! port_in_use "$p" && ! tcp_accepts 127.0.0.1 "$p"; then closed=$p; break; fi
    done
    [ -n "$closed" ] || die "none of ${CLOSED_PORT_CANDIDATES[*]} is closed"

    # xrdp reads its RSA keys for Standard RDP Security from this fixed path
    if [ ! -s /etc/xrdp/rsakeys.ini ]; then
        log "generating /etc/xrdp/rsakeys.ini"
        xrdp-keygen xrdp auto >/dev/null
    fi

    # self-signed certificate for the TLS-capable xrdp servers
    if [ ! -s "$STATE/certs/xrdp-cert.pem" ] || [ ! -s "$STATE/certs/xrdp-key.pem" ]; then
        openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 \
            -keyout "$STATE/certs/xrdp-key.pem" -out "$STATE/certs/xrdp-cert.pem" \
            -subj "/CN=rdpd-xrdp-tls" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1" \
            >"$LOGS/openssl.log" 2>&1 || { cat "$LOGS/openssl.log" >&2; die "openssl failed"; }
    fi
    local cert="$STATE/certs/xrdp-cert.pem" key="$STATE/certs/xrdp-key.pem"
    local nocert="$STATE/certs/does-not-exist-cert.pem" nokey="$STATE/certs/does-not-exist-key.pem"
    rm -f "$nocert" "$nokey"

    # SAM file for NLA (NTLM) on the FreeRDP shadow server
    winpr-hash -u "$RDPD_USER" -p "$RDPD_PASSWORD" -f sam >"$STATE/freerdp/sam"
    [ -s "$STATE/freerdp/sam" ] || die "winpr-hash wrote an empty SAM file"

    start_xrdp xrdp-tls "tcp://.:$PORT_XRDP_TLS" negotiate "$cert" "$key"
    start_xrdp xrdp-rdp "tcp://.:$PORT_XRDP_RDP" rdp "$cert" "$key"
    start_xrdp xrdp-tls-nocert "tcp://.:$PORT_XRDP_TLS_NOCERT" tls "$nocert" "$nokey"
    start_xrdp xrdp-v6 "tcp6://.:$PORT_XRDP_V6" negotiate "$cert" "$key"
    start_xrdp xrdp-rdp-low "tcp://.:$PORT_XRDP_RDP_LOW" rdp "$cert" "$key" low
    start_xrdp xrdp-rdp-fips "tcp://.:$PORT_XRDP_RDP_FIPS" rdp "$cert" "$key" fips

    start_tls_variants "$cert" "$key"

    start_xvfb
    start_shadow freerdp-nla $PORT_FREERDP_NLA /sec:nla
    start_shadow freerdp-tls $PORT_FREERDP_TLS /sec:tls
    start_shadow freerdp-rdp $PORT_FREERDP_RDP /sec:rdp
    start_shadow freerdp-mixed $PORT_FREERDP_MIXED +sec-rdp +sec-tls +sec-nla

    wait_listening xrdp-tls 127.0.0.1 $PORT_XRDP_TLS
    wait_listening xrdp-rdp 127.0.0.1 $PORT_XRDP_RDP
    wait_listening xrdp-tls-nocert 127.0.0.1 $PORT_XRDP_TLS_NOCERT
    wait_listening xrdp-v6 ::1 $PORT_XRDP_V6
    wait_listening xrdp-rdp-low 127.0.0.1 $PORT_XRDP_RDP_LOW
    wait_listening xrdp-rdp-fips 127.0.0.1 $PORT_XRDP_RDP_FIPS
    wait_listening freerdp-nla 127.0.0.1 $PORT_FREERDP_NLA
    wait_listening freerdp-tls 127.0.0.1 $PORT_FREERDP_TLS
    wait_listening freerdp-rdp 127.0.0.1 $PORT_FREERDP_RDP
    wait_listening freerdp-mixed 127.0.0.1 $PORT_FREERDP_MIXED

    # the closed port must still be closed (connection refused)
    if tcp_accepts 127.0.0.1 "$closed"; then
        stop_all
        die "closed port $closed accepts connections"
    fi

    cat >"$STATE/servers.env.tmp" <<EOF
# generated by scripts/interop-servers.sh start on $(date -u +%Y-%m-%dT%H:%M:%SZ)
export RDPD_STATE=$STATE
export RDPD_HOST=127.0.0.1
export RDPD_XRDP_TLS_PORT=$PORT_XRDP_TLS
export RDPD_XRDP_RDP_PORT=$PORT_XRDP_RDP
export RDPD_XRDP_TLS_NOCERT_PORT=$PORT_XRDP_TLS_NOCERT
export RDPD_XRDP_V6_PORT=$PORT_XRDP_V6
export RDPD_XRDP_V6_HOST=::1
export RDPD_XRDP_RDP_LOW_PORT=$PORT_XRDP_RDP_LOW
export RDPD_XRDP_RDP_FIPS_PORT=$PORT_XRDP_RDP_FIPS
export RDPD_FREERDP_NLA_PORT=$PORT_FREERDP_NLA
export RDPD_FREERDP_TLS_PORT=$PORT_FREERDP_TLS
export RDPD_FREERDP_RDP_PORT=$PORT_FREERDP_RDP
export RDPD_FREERDP_MIXED_PORT=$PORT_FREERDP_MIXED
export RDPD_CLOSED_PORT=$closed
export RDPD_USER=$RDPD_USER
export RDPD_PASSWORD=$RDPD_PASSWORD
export RDPD_XRDP_CERT=$cert
export RDPD_FREERDP_NLA_CERT=$STATE/freerdp/freerdp-nla/freerdp/shadow/shadow.crt
export RDPD_FREERDP_TLS_CERT=$STATE/freerdp/freerdp-tls/freerdp/shadow/shadow.crt
EOF
    tls_variants_env >>"$STATE/servers.env.tmp"
    mv "$STATE/servers.env.tmp" "$STATE/servers.env"
    log "all servers up; environment in $STATE/servers.env"
}

cmd_status() {
    local name pid rc=0
    for name in "${SERVERS[@]}" "${TLS_SERVERS[@]}" xvfb; do
        pid=$(cat "$PIDS/$name.pid" 2>/dev/null || true)
        if pid_alive "$pid"; then
            printf '%-16s running (pid %s)\n' "$name" "$pid"
        else
            printf '%-16s stopped\n' "$name"
            rc=3
        fi
    done
    [ -f "$STATE/servers.env" ] && echo "env: $STATE/servers.env"
    return $rc
}

case "${1:-}" in
    start) cmd_start ;;
    start-tls) cmd_start_tls ;;
    stop) stop_all; rm -f "$STATE/servers.env" ;;
    status) cmd_status ;;
    *) echo "usage: $0 start|start-tls|stop|status" >&2; exit 2 ;;
esac
