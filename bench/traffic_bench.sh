#!/usr/bin/env bash
# Traffic-engine bench, by hand (never a test): Debian's nginx as the fixed backend (`return
# 200` with a small body, 1 worker), then each proxy with one worker thread in front of it:
# nginx proxy_pass with a keep-alive upstream pool, HAProxy (nbthread 1, http-reuse) and the
# prototypes of bench/engines. wrk on loopback: T1 keep-alive with 64 connections, T2 with
# `Connection: close`; RUNS runs of DURATION each; median and range of req/s and p99, ratios
# to nginx, and the proxy's peak RSS. The backend and wrk share CPU 0, the proxy has CPU 1.
# easegress-server is measured as operators run it: a single-primary member (its etcd pinned to
# CPU 1 with it) with `--traffic-workers 1`, an HTTPServer and a Pipeline with one Proxy applied
# by egctl. A running fuzz campaign is paused while measuring and always resumed.
#   bench/traffic_bench.sh [BIN_DIR] [RUNS] [DURATION] [PROXY...]
#   (BIN_DIR holds easegress-server and egctl, and epoll_proxy, asio_proxy when built with
#   -DEG_ENGINE_PROTOTYPES=ON; PROXY: nginx haproxy easegress-server epoll_proxy asio_proxy,
#   default: those that can run)
set -euo pipefail
bin=${1:-build/bin}
runs=${2:-3}
duration=${3:-10s}
shift $(($# < 3 ? $# : 3))
source "$(dirname "${BASH_SOURCE[0]}")/traffic_common.sh"

cat > "$work/haproxy.cfg" <<CONF
global
  nbthread 1
  maxconn 4096
defaults
  mode http
  timeout connect 5s
  timeout client 30s
  timeout server 30s
  http-reuse always
  option http-keep-alive
frontend web
  bind 127.0.0.1:PORT
  default_backend servers
backend servers
  server backend 127.0.0.1:$backend_port maxconn 1024
CONF

start_backend

# start_proxy NAME PORT: starts the proxy pinned to CPU 1; its pid (the process that serves)
# in $proxy_pid.
start_proxy() {
    local name=$1 port=$2
    case $name in
        nginx)
            sed "s/PORT/$port/" "$work/nginx-proxy.conf" > "$work/nginx-$port.conf"
            taskset -c 1 nginx -p "$work" -c "$work/nginx-$port.conf" -e "$work/nginx-proxy.log" &
            ;;
        haproxy)
            sed "s/PORT/$port/" "$work/haproxy.cfg" > "$work/haproxy-$port.cfg"
            taskset -c 1 haproxy -q -f "$work/haproxy-$port.cfg" &
            ;;
        easegress-server)
            start_member "$port"
            return
            ;;
        *)
            taskset -c 1 "$bin/$name" --listen "$port" --upstream "127.0.0.1:$backend_port" \
                --threads 1 &
            ;;
    esac
    proxy_pid=$!
    pids+=("$proxy_pid")
    sleep 0.7
    if [ "$name" = nginx ]; then proxy_pid=$(pgrep -P "$proxy_pid" | head -1); fi
    curl -fsS "http://127.0.0.1:$port/" >/dev/null
}

proxies=("$@")
if [ ${#proxies[@]} -eq 0 ]; then
    proxies=(nginx haproxy)
    for name in easegress-server epoll_proxy asio_proxy; do
        [ -x "$bin/$name" ] && proxies+=("$name")
    done
fi
port=18701
declare -A results rss
for name in "${proxies[@]}"; do
    start_proxy "$name" "$port"
    for test in T1 T2; do
        extra=()
        [ "$test" = T2 ] && extra=(-H 'Connection: close')
        for run in $(seq "$runs"); do
            results[$name,$test]+="$(wrk_run "$port" "${extra[@]}")"$'\n'
        done
    done
    rss[$name]=$(awk '/VmHWM/ {print $2}' "/proc/$proxy_pid/status")
    kill "$proxy_pid" 2>/dev/null || true
    [ "$name" = nginx ] && kill "${pids[-1]}" 2>/dev/null || true
    [ "$name" = easegress-server ] && stop_member
    port=$((port + 1))
    sleep 0.5
done

printf '%-16s %-4s %10s %21s %9s %10s %17s %12s\n' proxy test "req/s" "(range)" "x nginx" \
    "p99 ms" "(range)" "peak RSS kB"
for test in T1 T2; do
    read -r nginx_rps _ _ <<<"$(awk 'NF {print $1}' <<<"${results[nginx,$test]}" | stats)"
    for name in "${proxies[@]}"; do
        read -r rps rps_lo rps_hi <<<"$(awk 'NF {print $1}' <<<"${results[$name,$test]}" | stats)"
        read -r p99 p99_lo p99_hi <<<"$(awk 'NF {print $2}' <<<"${results[$name,$test]}" | stats)"
        printf '%-16s %-4s %10.0f %10.0f-%-10.0f %9.2f %10.2f %8.2f-%-8.2f %12s\n' "$name" "$test" \
            "$rps" "$rps_lo" "$rps_hi" "$(awk -v a="$rps" -v b="$nginx_rps" 'BEGIN {print a / b}')" \
            "$p99" "$p99_lo" "$p99_hi" "${rss[$name]}"
    done
done
