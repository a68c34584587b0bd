#!/usr/bin/env bash
# Traffic bench, by hand (never a test): what routing, idle connections and changes cost, beside
# nginx in the same run. Backend, member and wrk as in traffic_bench.sh (traffic_common.sh).
#   T3  routing cost: req/s of easegress-server with 1,000 path rules, the request matching
#       the last one, against one rule (wrk keep-alive, 64 connections, RUNS x DURATION);
#   T4  memory: RSS growth of the serving process per 1,000 idle keep-alive client connections
#       (each has had one answer), easegress-server and nginx;
#   T5  changes under load: wrk through the proxy while the HTTPServer and the Pipeline are
#       changed CHANGES times (egctl apply), and nginx while it is reloaded as often
#       (`nginx -s reload`); failed requests (socket errors and non-2xx answers) of each.
#   bench/traffic_change_bench.sh [BIN_DIR] [RUNS] [DURATION] [CHANGES]
set -euo pipefail
bin=${1:-build/bin}
runs=${2:-3}
duration=${3:-10s}
changes=${4:-20}
source "$(dirname "${BASH_SOURCE[0]}")/traffic_common.sh"
ulimit -n 8192
start_backend
port=18711

# --- T3 -----------------------------------------------------------------------------------
declare -A t3
for rules in 1 1000; do
    start_member "$port" "$rules"
    path=/
    [ "$rules" -gt 1 ] && path=/r$((rules - 1))
    for _ in $(seq "$runs"); do t3[$rules]+="$(wrk_run "$port" -- "$path")"$'\n'; done
    stop_member
done

# --- T4 -----------------------------------------------------------------------------------
# idle_growth PID PORT: kB of RSS the process at PID gains while 1,000 keep-alive clients,
# each answered once, stay connected to PORT.
idle_growth() {
    local pid=$1 port=$2
    python3 - "$pid" "$port" <<'PY'
import socket, sys, time
pid, port = sys.argv[1], int(sys.argv[2])
def rss():
    with open(f"/proc/{pid}/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmRSS"))
before = rss()
clients = []
for _ in range(1000):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET / HTTP/1.1\r\nHost: bench\r\n\r\n")
    clients.append(s)
for s in clients:
    got = b""
    while b"hello from the backend" not in got:
        chunk = s.recv(4096)
        if not chunk: sys.exit("a client was closed before its answer")
        got += chunk
time.sleep(1)
print(rss() - before)
PY
}
start_member "$port"
eg_growth=$(idle_growth "$proxy_pid" "$port")
stop_member
sed "s/PORT/$port/" "$work/nginx-proxy.conf" > "$work/nginx-t4.conf"
taskset -c 1 nginx -p "$work" -c "$work/nginx-t4.conf" -e "$work/nginx-proxy.log" &
nginx_master=$!
pids+=("$nginx_master")
sleep 0.7
nginx_growth=$(idle_growth "$(pgrep -P "$nginx_master" | head -1)" "$port")
kill "$nginx_master"
wait "$nginx_master" 2>/dev/null || true

# --- T5 -----------------------------------------------------------------------------------
# failures WRK_OUTPUT: socket errors plus non-2xx/3xx answers of a wrk report.
failures() {
    awk '/Socket errors/ {gsub(/,/, ""); n += $4 + $6 + $8 + $10}
         /Non-2xx or 3xx/ {n += $NF}
         /requests in/ {total = $1}
         END {printf "%d %d\n", n, total}'
}
change_seconds=$((changes / 2 + 4))
start_member "$port"
(sleep 2; for i in $(seq "$changes"); do
    proxy_objects "$port" 1 "$i" > "$work/changed.yaml"
    egctl apply -f "$work/changed.yaml" >/dev/null
    sleep 0.5
done) &
changer=$!
read -r eg_failed eg_total <<<"$(taskset -c 0 wrk -t1 -c64 -d"${change_seconds}s" \
    "http://127.0.0.1:$port/" | failures)"
wait "$changer"
applied=$(curl -fsS "http://$member_api/apis/v2/objects/bench-pipeline" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["filters"][0]["pools"][0]["timeout"])')
stop_member
sed "s/PORT/$port/" "$work/nginx-proxy.conf" > "$work/nginx-t5.conf"
taskset -c 1 nginx -p "$work" -c "$work/nginx-t5.conf" -e "$work/nginx-proxy.log" &
nginx_master=$!
pids+=("$nginx_master")
sleep 0.7
(sleep 2; for _ in $(seq "$changes"); do
    nginx -p "$work" -c "$work/nginx-t5.conf" -e "$work/nginx-proxy.log" -s reload
    sleep 0.5
done) &
changer=$!
read -r nginx_failed nginx_total <<<"$(taskset -c 0 wrk -t1 -c64 -d"${change_seconds}s" \
    "http://127.0.0.1:$port/" | failures)"
wait "$changer"
kill "$nginx_master"
wait "$nginx_master" 2>/dev/null || true

read -r one one_lo one_hi <<<"$(awk 'NF {print $1}' <<<"${t3[1]}" | stats)"
read -r many many_lo many_hi <<<"$(awk 'NF {print $1}' <<<"${t3[1000]}" | stats)"
printf 'T3 routing    1 rule: %.0f req/s (%.0f-%.0f); 1,000 rules, last matched: %.0f req/s (%.0f-%.0f): %.2f x\n' \
    "$one" "$one_lo" "$one_hi" "$many" "$many_lo" "$many_hi" \
    "$(awk -v a="$many" -v b="$one" 'BEGIN {print a / b}')"
printf 'T4 idle       RSS growth per 1,000 idle keep-alive clients: easegress-server %s kB, nginx %s kB: %.2f x\n' \
    "$eg_growth" "$nginx_growth" "$(awk -v a="$eg_growth" -v b="$nginx_growth" 'BEGIN {print a / b}')"
printf 'T5 changes    %s applies under wrk: easegress-server %s failed of %s (pool timeout now %s); %s nginx reloads: %s failed of %s\n' \
    "$changes" "$eg_failed" "$eg_total" "$applied" "$changes" "$nginx_failed" "$nginx_total"
