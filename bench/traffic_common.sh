# Shared by the traffic benches (sourced; never run alone): the work directory and its
# cleanup, the fixed backend (Debian's nginx answering `return 200` with a small body, 1
# worker, CPU 0), an easegress-server member serving the objects a bench applies (CPU 1), and
# wrk on CPU 0. A running fuzz campaign is paused while measuring and always resumed.
# The caller sets `bin` (where easegress-server and egctl are) before sourcing.
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
# nginx as the proxy under test (PORT replaced by the port it listens on).
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
# start_backend: the fixed backend on $backend_port.
start_backend() {
    taskset -c 0 nginx -p "$work" -c "$work/backend.conf" -e "$work/backend.log" &
    pids+=($!)
    sleep 0.5
    curl -fsS "http://127.0.0.1:$backend_port/" >/dev/null
}

member_api=127.0.0.1:18781
egctl() { "$bin/egctl" --server "$member_api" "$@"; }

# start_member PORT [RULES]: a single-primary member (one traffic worker, CPU 1 with its etcd)
# serving PORT through a Proxy to the backend (proxy_objects); its pid in $proxy_pid.
start_member() {
    local port=$1 rules=${2:-1}
    taskset -c 1 "$bin/easegress-server" --name bench-1 --cluster-name bench \
        --api-addr "$member_api" --home-dir "$work/member" --traffic-workers 1 \
        --listen-client-urls http://127.0.0.1:18779 --advertise-client-urls http://127.0.0.1:18779 \
        --listen-peer-urls http://127.0.0.1:18780 --initial-advertise-peer-urls http://127.0.0.1:18780 \
        --initial-cluster bench-1=http://127.0.0.1:18780 >"$work/member.log" 2>&1 &
    proxy_pid=$!
    pids+=("$proxy_pid")
    for _ in $(seq 100); do
        egctl get member >/dev/null 2>&1 && break
        sleep 0.2
    done
    proxy_objects "$port" "$rules" > "$work/objects.yaml"
    egctl apply -f "$work/objects.yaml" >/dev/null
    local path=/
    [ "$rules" -gt 1 ] && path=/r$((rules - 1))
    for _ in $(seq 100); do
        curl -fsS "http://127.0.0.1:$port$path" >/dev/null 2>&1 && return
        sleep 0.1
    done
    echo "easegress-server does not serve port $port; its log:" >&2
    cat "$work/member.log" >&2
    return 1
}

# stop_member: stops the member started last and waits for it (and its etcd) to exit.
stop_member() {
    kill "$proxy_pid" 2>/dev/null || true
    wait "$proxy_pid" 2>/dev/null || true
    rm -rf "$work/member"
}

# proxy_objects PORT [RULES] [MARK]: the HTTPServer on PORT (RULES path rules /r0 ... /rN-1 when
# RULES > 1, else one prefix rule for /) and its Pipeline with one Proxy to the backend; MARK
# goes into a response header, so that each value makes a changed object.
proxy_objects() {
    local port=$1 rules=${2:-1} mark=${3:-0}
    printf 'kind: HTTPServer\nname: bench-server\nport: %s\nkeepAlive: true\nhttps: false\n' "$port"
    printf 'rules:\n  - paths:\n'
    if [ "$rules" -gt 1 ]; then
        for i in $(seq 0 $((rules - 1))); do
            printf '      - path: /r%s\n        backend: bench-pipeline\n' "$i"
        done
    else
        printf '      - pathPrefix: /\n        backend: bench-pipeline\n'
        printf '        setHeaders:\n          X-Bench-Mark: "%s"\n' "$mark"
    fi
    cat <<YAML
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
        timeout: $((mark + 10))s
YAML
}

# wrk_run PORT [WRK ARGS...] [-- PATH]: prints "req/s p99_ms" of one wrk run of $duration.
wrk_run() {
    local port=$1 path=/; shift
    local args=()
    while [ $# -gt 0 ]; do
        if [ "$1" = -- ]; then path=$2; break; fi
        args+=("$1"); shift
    done
    taskset -c 0 wrk -t1 -c64 -d"$duration" --latency "${args[@]}" "http://127.0.0.1:$port$path" |
        awk '/Requests\/sec/ {rps=$2}
             /^ +99%/ {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; p99=v}
             END {printf "%s %s\n", rps, p99}'
}

# stats: "median min max" of the numbers read, one per line.
stats() { sort -g | awk '{v[NR]=$1} END {printf "%s %s %s", v[int((NR+1)/2)], v[1], v[NR]}'; }
