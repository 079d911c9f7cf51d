#!/usr/bin/env bash
# Exporter end to end (a test: exits non-zero on any failure): a real Prometheus (Debian `prometheus`,
# on loopback, temporary data dir) scrapes `rdp-doctor serve` in front of lab scenarios and the real
# xrdp and FreeRDP servers of scripts/interop-servers.sh; its HTTP API must show rdp_probe_success
# and finding series per target, and the RdpDown alert pending for the failing lab target.
# `promtool check metrics` on every module's output and on /metrics; `promtool test rules` on
# contrib/prometheus.
#
#   source "$RDPD_STATE/servers.env"; scripts/test-exporter.sh
#
# Needs the interop servers' variables (RDPD_HOST, RDPD_XRDP_TLS_PORT, RDPD_FREERDP_NLA_PORT): run it
# from scripts/test.sh after the servers start. Installs prometheus and curl when missing (root).
# Talks only to loopback; stops what it started.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SCRIPT_NAME=test-exporter
STATE=$(mktemp -d /tmp/fleet-exporter.XXXXXX)
BIN=$(pwd)/${CARGO_TARGET_DIR:-target}/release/rdp-doctor
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

: "${RDPD_HOST:?source the interop servers.env first (scripts/test.sh does)}"
: "${RDPD_XRDP_TLS_PORT:?}" "${RDPD_FREERDP_NLA_PORT:?}"
ensure_packages prometheus curl python3
command -v promtool >/dev/null || die "promtool missing after installing prometheus"
cargo build --release --quiet

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# lab NAME VAR: start a lab scenario on 127.0.0.1:0 and set VAR to its address. Not in a command
# substitution: its subshell would lose the PID, and the server would outlive the script.
lab() {
    "$BIN" lab --scenario "$1" >"$STATE/lab-$1.log" 2>&1 &
    PIDS+=($!)
    local i
    for i in $(seq 1 50); do grep -q listening "$STATE/lab-$1.log" && break; sleep 0.1; done
    printf -v "$2" '%s' "$(awk '/listening on/ {print $6}' "$STATE/lab-$1.log")"
}
lab healthy HEALTHY
lab accept-then-reset FAILING
lab cert-expired EXPIRED
XRDP=$RDPD_HOST:$RDPD_XRDP_TLS_PORT
FREERDP=$RDPD_HOST:$RDPD_FREERDP_NLA_PORT
[ -n "$HEALTHY" ] && [ -n "$FAILING" ] && [ -n "$EXPIRED" ] || die "lab servers did not start"

EXPORTER=127.0.0.1:$(free_port)
cat >"$STATE/modules.yml" <<EOF
max_concurrent: 8
modules:
  win10:
    depth: quick
    timeout: 5
    client: windows-10
    cert_warn_days: 21
EOF
"$BIN" serve --listen "$EXPORTER" --config "$STATE/modules.yml" 2>"$STATE/serve.log" &
PIDS+=($!)
for _ in $(seq 1 50); do curl -sf "http://$EXPORTER/-/healthy" >/dev/null && break; sleep 0.1; done
curl -sf "http://$EXPORTER/-/healthy" | grep -q Healthy || die "the exporter did not start: $(cat "$STATE/serve.log")"

fails=0
check() { if "$@"; then echo "ok   $CHECK"; else echo "FAIL $CHECK"; fails=$((fails + 1)); fi; }

# promtool check metrics on every module's output and on /metrics.
for module in quick full win10; do
    for t in "$HEALTHY" "$FAILING" "$XRDP"; do
        curl -s -H 'X-Prometheus-Scrape-Timeout-Seconds: 20' "http://$EXPORTER/probe?target=$t&module=$module" >"$STATE/m.txt"
        CHECK="promtool check metrics: module $module, target $t"
        check bash -c "grep -q '^rdp_probe_success ' '$STATE/m.txt' && promtool check metrics <'$STATE/m.txt'"
    done
done
curl -s "http://$EXPORTER/metrics" >"$STATE/own.txt"
CHECK="promtool check metrics: /metrics"
check bash -c "promtool check metrics <'$STATE/own.txt'"
CHECK="promtool check rules + test rules (contrib/prometheus)"
check bash -c "promtool check rules contrib/prometheus/rdp-alerts.yml >/dev/null && promtool test rules contrib/prometheus/rdp-alerts.test.yml >/dev/null"

# A real Prometheus scraping the exporter.
PROM=127.0.0.1:$(free_port)
cp contrib/prometheus/rdp-alerts.yml "$STATE/"
cat >"$STATE/prometheus.yml" <<EOF
global:
  scrape_interval: 2s
  evaluation_interval: 2s
rule_files: [rdp-alerts.yml]
scrape_configs:
  - job_name: rdp
    metrics_path: /probe
    params: {module: [quick]}
    scrape_timeout: 1500ms
    static_configs:
      - targets: ['$HEALTHY', '$FAILING', '$EXPIRED', '$XRDP', '$FREERDP']
    relabel_configs:
      - {source_labels: [__address__], target_label: __param_target}
      - {source_labels: [__param_target], target_label: instance}
      - {target_label: __address__, replacement: '$EXPORTER'}
  - job_name: rdp-full
    metrics_path: /probe
    params: {module: [full]}
    scrape_interval: 10s
    scrape_timeout: 9s
    static_configs:
      - targets: ['$XRDP']
    relabel_configs:
      - {source_labels: [__address__], target_label: __param_target}
      - {source_labels: [__param_target], target_label: instance}
      - {target_label: __address__, replacement: '$EXPORTER'}
  - job_name: rdp-doctor-exporter
    static_configs: [{targets: ['$EXPORTER']}]
EOF
promtool check config "$STATE/prometheus.yml" >/dev/null || die "generated prometheus.yml is invalid"
prometheus --config.file="$STATE/prometheus.yml" --storage.tsdb.path="$STATE/data" \
    --web.listen-address="$PROM" >"$STATE/prometheus.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do curl -sf "http://$PROM/-/ready" >/dev/null && break; sleep 0.2; done
curl -sf "http://$PROM/-/ready" >/dev/null || die "prometheus did not start: $(tail -5 "$STATE/prometheus.log")"

# query EXPR: the API's result as JSON lines {"metric":..., "value":...}
query() {
    curl -sf --get "http://$PROM/api/v1/query" --data-urlencode "query=$1" \
        | python3 -c 'import json,sys; [print(json.dumps(r)) for r in json.load(sys.stdin)["data"]["result"]]'
}
value_of() { query "$1" | python3 -c 'import json,sys; rs=[json.loads(l) for l in sys.stdin]; print(rs[0]["value"][1] if rs else "none")'; }

# Wait for every target's first scrape (and the full job's).
for _ in $(seq 1 60); do
    n=$(query 'rdp_probe_success{job="rdp"}' | wc -l)
    f=$(query 'rdp_probe_success{job="rdp-full"}' | wc -l)
    [ "$n" -ge 5 ] && [ "$f" -ge 1 ] && break
    sleep 0.5
done

for t in "$HEALTHY" "$FAILING" "$EXPIRED" "$XRDP" "$FREERDP"; do
    series=$(query "rdp_probe_success{job=\"rdp\",instance=\"$t\"}" | wc -l)
    findings=$(value_of "count(rdp_finding{job=\"rdp\",instance=\"$t\"})")
    CHECK="prometheus has rdp_probe_success ($series series) and rdp_finding ($findings series) for $t"
    check [ "$series" = 1 -a "$findings" != none ]
done
CHECK="healthy lab: rdp_probe_success 1"; check [ "$(value_of "rdp_probe_success{job=\"rdp\",instance=\"$HEALTHY\"}")" = 1 ]
CHECK="accept-then-reset lab: rdp_probe_success 0"; check [ "$(value_of "rdp_probe_success{job=\"rdp\",instance=\"$FAILING\"}")" = 0 ]
CHECK="accept-then-reset lab: closed-before-negotiation"; check [ "$(value_of "rdp_finding{instance=\"$FAILING\",id=\"closed-before-negotiation\"}")" = 1 ]
CHECK="cert-expired lab: cert-expired finding and a notAfter in the past"
check [ "$(value_of "rdp_finding{instance=\"$EXPIRED\",id=\"cert-expired\"}")" = 1 ]
CHECK="cert-expired lab: rdp_cert_not_after_timestamp_seconds < time()"
check [ "$(value_of "rdp_cert_not_after_timestamp_seconds{instance=\"$EXPIRED\"} < time()" )" != none ]
CHECK="xrdp (real server): rdp_probe_success 1"; check [ "$(value_of "rdp_probe_success{job=\"rdp\",instance=\"$XRDP\"}")" = 1 ]
CHECK="xrdp full diagnosis: rdp_tls_version_supported{version=\"tls1.2\"}"
check [ "$(value_of "rdp_tls_version_supported{job=\"rdp-full\",instance=\"$XRDP\",version=\"tls1.2\"}")" = 1 ]
CHECK="FreeRDP NLA (real server): rdp_probe_success 1"; check [ "$(value_of "rdp_probe_success{job=\"rdp\",instance=\"$FREERDP\"}")" = 1 ]
CHECK="RdpDown pending for the failing lab target"
for _ in $(seq 1 20); do
    [ "$(value_of "ALERTS{alertname=\"RdpDown\",instance=\"$FAILING\"}")" = 1 ] && break
    sleep 0.5
done
check [ "$(value_of "ALERTS{alertname=\"RdpDown\",instance=\"$FAILING\"}")" = 1 ]
CHECK="RdpDown not raised for the healthy lab target"; check [ "$(value_of "ALERTS{alertname=\"RdpDown\",instance=\"$HEALTHY\"}")" = none ]
CHECK="the exporter's own metrics scraped"; check [ "$(value_of 'sum(rdp_exporter_probes_total)')" != none ]

echo "$((fails)) failed"
[ "$fails" -eq 0 ]
