#!/usr/bin/env bash
# Correctness check of a traffic-engine prototype, by hand (not a test: it needs nginx and
# free loopback ports). Starts Debian's nginx as the backend and checks through the proxy with
# curl: small bodies, a 300 KB body fetched repeatedly on one keep-alive connection (compared
# with cmp), chunked responses (echo module), a chunked and a Content-Length request body, HEAD,
# 204, and `Connection: close`.
#   bench/engines/check_proxy.sh build/bin/epoll_proxy [PORT_BASE]
set -euo pipefail
proxy=${1:?usage: check_proxy.sh PROXY_BINARY [PORT_BASE]}
base=${2:-18580}
backend_port=$base proxy_port=$((base + 1))
work=$(mktemp -d)
chmod 755 "$work"  # the nginx worker may run as another user
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

head -c 307200 /dev/urandom > "$work/big.bin" && chmod 644 "$work/big.bin"
mkdir -p "$work/www" && cp "$work/big.bin" "$work/www/big.bin"
echo_module=$(ls /usr/lib/nginx/modules/ngx_http_echo_module.so 2>/dev/null || true)
cat > "$work/nginx.conf" <<CONF
${echo_module:+load_module $echo_module;}
daemon off; worker_processes 1; pid $work/nginx.pid; error_log $work/error.log;
events { worker_connections 1024; }
http {
  client_body_buffer_size 1m; client_max_body_size 10m;
  access_log off; client_body_temp_path $work/body; proxy_temp_path $work/proxy;
  fastcgi_temp_path $work/fcgi; uwsgi_temp_path $work/uwsgi; scgi_temp_path $work/scgi;
  server {
    listen 127.0.0.1:$backend_port;
    location = /small { return 200 "hello\n"; }
    location = /big { alias $work/www/big.bin; }
    location = /empty { return 204; }
    location = /echo-body { ${echo_module:+echo_read_request_body; echo_request_body;} }
    location = /chunked { ${echo_module:+echo "part one"; echo_flush; echo "part two";} }
  }
}
CONF
nginx -p "$work" -c "$work/nginx.conf" -e "$work/error.log" & pids+=($!)
"$proxy" --listen "$proxy_port" --upstream "127.0.0.1:$backend_port" --threads 2 & pids+=($!)
sleep 0.5
url=http://127.0.0.1:$proxy_port
failures=0
check() {  # name, then a command that must succeed
    local name=$1; shift
    if "$@"; then echo "ok   $name"; else echo "FAIL $name"; failures=$((failures + 1)); fi
}
check "small body" test "$(curl -sS "$url/small")" = hello
args=(); for _ in $(seq 20); do args+=("$url/big" -o "$work/got.bin" --next); done
big_run() {
    local log i
    log=$(curl -sS -v "${args[@]}" "$url/big" -o "$work/got.bin" 2>&1) || return 1
    cmp -s "$work/big.bin" "$work/got.bin" || return 1
    # one connection for the 21 requests
    test "$(grep -c 'Connected to' <<<"$log")" -eq 1
}
check "300 KB body x21 on one keep-alive connection (cmp)" big_run
if [ -n "$echo_module" ]; then
    check "chunked response" test "$(curl -sS "$url/chunked")" = $'part one\npart two'
    check "chunked response is forwarded chunked" \
        grep -qi '^< transfer-encoding: chunked' <(curl -sS -v "$url/chunked" 2>&1)
    check "Content-Length request body" \
        test "$(curl -sS --data-binary 'abc=1' "$url/echo-body")" = "abc=1"
    check "chunked request body" test "$(curl -sS -H 'Transfer-Encoding: chunked' \
        --data-binary @"$work/big.bin" "$url/echo-body" | cmp - "$work/big.bin" && echo same)" = same
    check "Expect: 100-continue" test "$(curl -sS -H 'Expect: 100-continue' \
        --data-binary @"$work/big.bin" "$url/echo-body" | cmp - "$work/big.bin" && echo same)" = same
else
    echo "skip chunked checks: nginx's echo module (libnginx-mod-http-echo) is not installed"
fi
check "HEAD keeps Content-Length, no body" \
    grep -qi '^< content-length: 307200' <(curl -sS -v -I "$url/big" 2>&1)
check "204 then a request on the same connection" \
    test "$(curl -sS -o /dev/null -w '%{http_code}' "$url/empty" --next "$url/small")" = 204hello
check "Connection: close is answered with Connection: close" \
    grep -qi '^< connection: close' <(curl -sS -v -H 'Connection: close' "$url/small" 2>&1)
check "Connection: close closes the connection" \
    test "$(curl -sS -v -H 'Connection: close' "$url/small" "$url/small" 2>&1 | grep -c 'Connected to')" -eq 2
check "malformed request gets 400" \
    grep -q '^HTTP/1.1 400' <(exec 3<>"/dev/tcp/127.0.0.1/$proxy_port"; printf 'BAD\r\n\r\n' >&3
                              timeout 2 cat <&3)
kill "${pids[0]}"; sleep 0.3
check "upstream down gives 502" test "$(curl -sS -o /dev/null -w '%{http_code}' "$url/small")" = 502
exit $((failures > 0))
