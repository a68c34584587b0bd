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
backend_port=18700
work=$(mktemp -d)
chmod 755 "$work"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    pkill -CONT -f '/bin/fuzz_' || true
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
pkill -STOP -f '/bin/fuzz_' || true

temp_paths() {
    echo "client_body_temp_path $work/$1-body; proxy_temp_path $work/$1-proxy;" \
        "fastcgi_temp_path $work/$1-fcgi; uwsgi_temp_path $work/$1-uwsgi; scgi_temp_path $work/$1-scgi;"
}
cat > "$work/backend.conf" <<CONF
daemon off; worker_processes 1; pid $work/backend.pid; error_log $work/backend.log;
events { worker_connections 4096; }
http {
  access_log off; $(temp_paths backend)
  keepalive_requests 100000;
  server { listen 127.0.0.1:$backend_port reuseport; location / { return 200 "hello from the backend\n"; } }
}
CONF
cat > "$work/nginx-proxy.conf" <<CONF
daemon off; worker_processes 1; pid $work/nginx-proxy.pid; error_log $work/nginx-proxy.log;
events { worker_connections 4096; }
http {
  access_log off; $(temp_paths proxy)
  keepalive_requests 100000;
  upstream backend { server 127.0.0.1:$backend_port; keepalive 128; keepalive_requests 100000; }
  server {
    listen 127.0.0.1:PORT;
    location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
CONF
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

taskset -c 0 nginx -p "$work" -c "$work/backend.conf" -e "$work/backend.log" & pids+=($!)
sleep 0.5
curl -fsS "http://127.0.0.1:$backend_port/" >/dev/null

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

# start_member PORT: a single-primary member serving PORT through a Proxy to the backend.
start_member() {
    local port=$1 api=127.0.0.1:18781
    taskset -c 1 "$bin/easegress-server" --name bench-1 --cluster-name bench \
        --api-addr "$api" --home-dir "$work/member" --traffic-workers 1 \
        --listen-client-urls http://127.0.0.1:18779 --advertise-client-urls http://127.0.0.1:18779 \
        --listen-peer-urls http://127.0.0.1:18780 --initial-advertise-peer-urls http://127.0.0.1:18780 \
        --initial-cluster bench-1=http://127.0.0.1:18780 >"$work/member.log" 2>&1 &
    proxy_pid=$!
    pids+=("$proxy_pid")
    for _ in $(seq 100); do
        "$bin/egctl" --server "$api" get member >/dev/null 2>&1 && break
        sleep 0.2
    done
    cat > "$work/objects.yaml" <<YAML
kind: HTTPServer
name: bench-server
port: $port
keepAlive: true
https: false
rules:
  - paths:
      - pathPrefix: /
        backend: bench-pipeline
---
name: bench-pipeline
kind: Pipeline
flow:
  - filter: proxy
filters:
  - name: proxy
    kind: Proxy
    pools:
      - servers:
          - url: http://127.0.0.1:$backend_port
        loadBalance:
          policy: roundRobin
YAML
    "$bin/egctl" --server "$api" apply -f "$work/objects.yaml" >/dev/null
    for _ in $(seq 100); do
        curl -fsS "http://127.0.0.1:$port/" >/dev/null 2>&1 && return
        sleep 0.1
    done
    echo "easegress-server does not serve port $port; its log:" >&2
    cat "$work/member.log" >&2
    return 1
}

# wrk_run PORT EXTRA...: prints "req/s p99_ms"
wrk_run() {
    local port=$1; shift
    taskset -c 0 wrk -t1 -c64 -d"$duration" --latency "$@" "http://127.0.0.1:$port/" |
        awk '/Requests\/sec/ {rps=$2}
             /^ +99%/ {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; p99=v}
             END {printf "%s %s\n", rps, p99}'
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
    [ "$name" = easegress-server ] && { wait "$proxy_pid" 2>/dev/null || true; }
    port=$((port + 1))
    sleep 0.5
done

# stats COLUMN: "median min max" of one column of the runs
stats() { sort -g | awk '{v[NR]=$1} END {printf "%s %s %s", v[int((NR+1)/2)], v[1], v[NR]}'; }
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
