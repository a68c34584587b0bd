#!/usr/bin/env bash
# Cluster benchmarks P1-P5 for easegress-server, each against a baseline measured in the same run.
#
#   bench/cluster_bench.sh [BIN_DIR] [--runs N] [--json] [--json-file FILE]
#                          [--only P1,P2,P3,P4,P5] [--idle SECS] [--wrk-duration 10s]
#                          [--p5-count N] [--propagation-bench PATH]
#                          [--keep-logs DIR] [--tmp DIR] [--daemon-flag FLAG]...
#
# BIN_DIR holds easegress-server and egctl, and for P5 propagation_bench (default build/bin).
# Everything runs on 127.0.0.1 with free ports and fresh temp dirs; every process started here is
# ended on exit, even on failure. Prints figures only: the exit code never depends on a target
# being met. See bench/README.md.
set -euo pipefail
export LC_ALL=C

usage() {
    sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
    exit "${1:-0}"
}

BIN=build/bin
RUNS=5
JSON=0
ONLY="P1,P2,P3,P4,P5"
IDLE_SECS=10
WRK_DURATION=10s
P5_COUNT=200
PROPAGATION_BENCH="" # default: BIN_DIR/propagation_bench
KEEP_LOGS=""
JSON_FILE=""
TMP_PARENT=/tmp
DAEMON_FLAGS=() # extra flags for every easegress-server (not part of P1-P4 as specified)
FORM_TIMEOUT=60     # seconds for a cluster to form
FAILOVER_TIMEOUT=30 # seconds for a new leader to be seen
STABLE_SECS=2       # quiet time before a leader is killed
POLL=0.02           # polling period

bin_set=0
while (($#)); do
    case $1 in
    --runs) RUNS=$2; shift 2 ;;
    --runs=*) RUNS=${1#*=}; shift ;;
    --json) JSON=1; shift ;;
    --json-file) JSON_FILE=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    --only=*) ONLY=${1#*=}; shift ;;
    --idle) IDLE_SECS=$2; shift 2 ;;
    --wrk-duration) WRK_DURATION=$2; shift 2 ;;
    --p5-count) P5_COUNT=$2; shift 2 ;;
    --propagation-bench) PROPAGATION_BENCH=$2; shift 2 ;;
    --keep-logs) KEEP_LOGS=$2; shift 2 ;;
    --tmp) TMP_PARENT=$2; shift 2 ;;
    --daemon-flag) DAEMON_FLAGS+=("$2"); shift 2 ;;
    --daemon-flag=*) DAEMON_FLAGS+=("${1#*=}"); shift ;;
    -h | --help) usage 0 ;;
    -*) echo "unknown option: $1" >&2; usage 2 ;;
    *)
        if ((bin_set)); then echo "unexpected argument: $1" >&2; usage 2; fi
        BIN=$1; bin_set=1; shift ;;
    esac
done
[[ -z $KEEP_LOGS ]] || KEEP_LOGS=$(realpath -m "$KEEP_LOGS")
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "--runs needs a positive integer" >&2; exit 2; }
[[ $P5_COUNT =~ ^[1-9][0-9]*$ ]] || { echo "--p5-count needs a positive integer" >&2; exit 2; }
[[ -d $BIN ]] || { echo "no such directory: $BIN" >&2; exit 2; }
BIN=$(cd "$BIN" && pwd)
for tool in "$BIN/easegress-server" "$BIN/egctl"; do
    [[ -x $tool ]] || { echo "missing executable: $tool" >&2; exit 2; }
done
[[ -n $PROPAGATION_BENCH ]] || PROPAGATION_BENCH=$BIN/propagation_bench
for tool in etcd curl python3; do
    command -v "$tool" >/dev/null || { echo "missing tool on PATH: $tool" >&2; exit 2; }
done
PY=python3
[[ -x /usr/bin/python3 ]] && PY=/usr/bin/python3 # a version manager's shim costs ~1 s a call
HAVE_WRK=1
command -v wrk >/dev/null || HAVE_WRK=0
HAVE_P5=1
[[ -x $PROPAGATION_BENCH ]] || HAVE_P5=0
want() { [[ ",$ONLY," == *",$1,"* ]]; }

# ---------------------------------------------------------------------------------------------
# Processes and clean-up
TMP_ROOT=$(mktemp -d "$TMP_PARENT/eg-bench.XXXXXX")
RESULTS=$TMP_ROOT/results.txt
: >"$RESULTS"
mkdir -p "$TMP_ROOT/home" # HOME for egctl: no ~/.egctlrc of the user's
# Run private copies, so that a rebuild of BIN_DIR during the runs cannot mix two builds.
mkdir -p "$TMP_ROOT/bin"
cp "$BIN/easegress-server" "$BIN/egctl" "$TMP_ROOT/bin/"
# The admin API's TLS module, where easegress-server looks for it (only used with tls).
if [[ -d $BIN/../lib/eg ]]; then mkdir -p "$TMP_ROOT/lib" && cp -r "$BIN/../lib/eg" "$TMP_ROOT/lib/"; fi
if ((HAVE_P5)); then
    cp "$PROPAGATION_BENCH" "$TMP_ROOT/bin/propagation_bench"
    PROPAGATION_BENCH=$TMP_ROOT/bin/propagation_bench
fi
BIN_BUILT=$(date -r "$BIN/easegress-server" +%FT%T)
BIN_SHA=$(sha256sum "$TMP_ROOT/bin/easegress-server" | cut -c1-12)
BIN_DIR_GIVEN=$BIN
BIN=$TMP_ROOT/bin
PIDS=()

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
note() { log "NOTE: $*"; printf 'NOTE %s\n' "$*" >>"$RESULTS"; }
record() { printf '%s %s %s\n' "$1" "$2" "$3" >>"$RESULTS"; } # metric run value

# PIDs of live processes whose command line contains $1 (only ours: $1 is under TMP_ROOT).
pids_under() {
    local pattern
    pattern=$(printf '%s' "$1" | sed 's/[][\.*^$+?(){}|]/\\&/g')
    pgrep -f -- "$pattern" 2>/dev/null || true
}

# ours PID: PID is alive and its command line names TMP_ROOT (every process spawned here does:
# --home-dir or --data-dir), so a PID the kernel has since given to someone else is never signalled.
ours() {
    local cmd
    cmd=$(tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline") || return 1
    [[ $cmd == *"$TMP_ROOT"* ]]
}
# signal SIG PID...: sends SIG to those PIDs that are ours.
signal() {
    local sig=$1 pid
    shift
    for pid in "$@"; do
        if ours "$pid"; then kill "-$sig" "$pid" 2>/dev/null || true; fi
    done
}

# stop_under DIR [PID...]: SIGTERM to the PIDs given (all processes naming DIR when none),
# up to 10 s for everything naming DIR to end, then SIGKILL to what is left. Sets STOP_MS.
stop_under() {
    local dir=$1 pid i t0=${EPOCHREALTIME/./}
    shift
    local targets=("$@")
    ((${#targets[@]})) || read -r -a targets <<<"$(pids_under "$dir" | tr '\n' ' ')"
    signal TERM "${targets[@]}"
    for ((i = 0; i < 100; i++)); do
        [[ -z $(pids_under "$dir") ]] && break
        nap 0.1
    done
    STOP_MS=$(((${EPOCHREALTIME/./} - t0) / 1000))
    STOP_LEFT=$(pids_under "$dir" | tr '\n' ' ')
    # shellcheck disable=SC2086 # a list of PIDs
    signal KILL $STOP_LEFT
}

# copy_logs DIR: the run's logs and small files (not etcd's data) to KEEP_LOGS/<name of DIR>.
copy_logs() {
    local dir=$1 dest
    [[ -n $KEEP_LOGS && -d $dir ]] || return 0
    dest=$KEEP_LOGS/${dir##*/}
    mkdir -p "$dest"
    (cd "$dir" && find . -path '*/member' -prune -o -type f \( -name '*.out' -o -name '*.txt' \
        -o -name '*.log' -o -name '*.yaml' -o -name '*.us' -o -name p5.json -o -name victim \) \
        -exec cp --parents {} "$dest/" \;) 2>/dev/null || true
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    signal TERM "${PIDS[@]}" # the daemons first: each stops its own etcd
    stop_under "$TMP_ROOT"
    rm -rf "$TMP_ROOT"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# nap SECS: sleeps without starting a process (read times out on a FIFO nobody writes).
mkfifo "$TMP_ROOT/nap.fifo"
exec {NAP_FD}<>"$TMP_ROOT/nap.fifo"
nap() {
    if [[ -n ${NAP_FD:-} ]]; then read -r -t "$1" -u "$NAP_FD" _ || true; else sleep "$1"; fi
}

# spawn LOGFILE CMD... : starts CMD in the background; its PID in LAST_PID.
spawn() {
    local out=$1
    shift
    "$@" >"$out" 2>&1 </dev/null &
    LAST_PID=$!
    PIDS+=("$LAST_PID")
    disown "$LAST_PID" # no "Killed" job reports from bash; stop_under still finds it
}

free_ports() {
    "$PY" - "$1" <<'EOF'
import socket, sys
socks, ports = [], []
while len(ports) < int(sys.argv[1]):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    socks.append(s)
    port = s.getsockname()[1]
    if port not in (2379, 2380, 2381):
        ports.append(port)
print(" ".join(map(str, ports)))
EOF
}

now_us() { NOW=${EPOCHREALTIME/./}; } # microseconds, in NOW
# ms since a now_us value, 0.1 ms resolution
ms_since_f() {
    local d=$((${EPOCHREALTIME/./} - $1))
    printf '%d.%d\n' $((d / 1000)) $((d % 1000 / 100))
}

egctl() { HOME=$TMP_ROOT/home "$BIN/egctl" "$@"; }

# initial_cluster PEER_PORT... -> machine-1=http://127.0.0.1:P1,machine-2=...
initial_cluster() {
    local out="" i=1 port
    for port in "$@"; do
        out+="${out:+,}machine-$i=http://127.0.0.1:$port"
        i=$((i + 1))
    done
    echo "$out"
}

# ---------------------------------------------------------------------------------------------
# The eg cluster: 3 primaries + 1 secondary, the tutorial's flags.
declare -A EG_PID EG_API
declare -a EG_ETCD # client URLs of the primaries' etcd
EG_DIR=""

# start_eg_cluster DIR PORTS (10 free ports, picked before the clock starts)
start_eg_cluster() {
    EG_DIR=$1
    mkdir -p "$EG_DIR"
    local p
    read -r -a p <<<"$2"
    local apis=("${p[0]}" "${p[1]}" "${p[2]}" "${p[3]}") peer=("${p[4]}" "${p[5]}" "${p[6]}")
    local client=("${p[7]}" "${p[8]}" "${p[9]}")
    local initial
    initial="$(initial_cluster "${peer[@]}")"
    local i name
    for i in 0 1 2; do
        name=machine-$((i + 1))
        EG_API[$name]=127.0.0.1:${apis[i]}
        spawn "$EG_DIR/$name.out" "$BIN/easegress-server" --cluster-name multi-node-cluster \
            --cluster-role primary --name "$name" --api-addr "127.0.0.1:${apis[i]}" \
            --initial-advertise-peer-urls "http://127.0.0.1:${peer[i]}" \
            --listen-peer-urls "http://127.0.0.1:${peer[i]}" \
            --listen-client-urls "http://127.0.0.1:${client[i]}" \
            --advertise-client-urls "http://127.0.0.1:${client[i]}" \
            --initial-cluster "$initial" --home-dir "$EG_DIR/$name" \
            ${DAEMON_FLAGS[@]+"${DAEMON_FLAGS[@]}"}
        EG_PID[$name]=$LAST_PID
    done
    EG_ETCD=("http://127.0.0.1:${client[0]}" "http://127.0.0.1:${client[1]}"
        "http://127.0.0.1:${client[2]}")
    EG_API[machine-4]=127.0.0.1:${apis[3]}
    spawn "$EG_DIR/machine-4.out" "$BIN/easegress-server" --cluster-name multi-node-cluster \
        --cluster-role secondary --name machine-4 --api-addr "127.0.0.1:${apis[3]}" \
        --primary-listen-peer-urls "http://127.0.0.1:${peer[0]}" --state-flag existing \
        --home-dir "$EG_DIR/machine-4" ${DAEMON_FLAGS[@]+"${DAEMON_FLAGS[@]}"}
    EG_PID[machine-4]=$LAST_PID
}

# member_table API: the output of `egctl --server API get member` (empty on failure).
member_table() { egctl --server "$1" get member 2>/dev/null || true; }
# parse_table TABLE: MEMBERS (rows naming machine-N), LEADER (name of the Leader row, or empty)
# and LEADERS (how many Leader rows). Builtins only, to keep the polling loops light.
parse_table() {
    local line
    MEMBERS=0 LEADER="" LEADERS=0
    while IFS= read -r line; do
        [[ $line =~ ^(machine-[0-9]+)[[:space:]] ]] || continue
        MEMBERS=$((MEMBERS + 1))
        if [[ $line =~ [[:space:]]Leader[[:space:]] ]]; then
            LEADER=${line%%[[:space:]]*}
            LEADERS=$((LEADERS + 1))
        fi
    done <<<"$1"
}

# Waits until API lists 4 members, one of them Leader, none Offline; then STABLE_SECS more.
wait_eg_stable() {
    local api_addr=$1 table i
    for ((i = 0; i < FORM_TIMEOUT * 10; i++)); do
        table=$(member_table "$api_addr")
        parse_table "$table"
        if ((MEMBERS == 4 && LEADERS == 1)) && [[ $table != *Offline* ]]; then
            nap "$STABLE_SECS"
            return 0
        fi
        nap 0.1
    done
    return 1
}

# Greps the member logs of the cluster in DIR for warnings and errors, as notes.
scan_eg_logs() {
    local dir=$1 tag=$2 f n
    for f in "$dir"/machine-*/log/stdout.log "$dir"/machine-*.out; do
        [[ -f $f ]] || continue
        n=$(grep -cE $'\t(WARN|ERROR)\t' "$f" || true)
        if ((n > 0)); then
            note "$tag: ${f#"$dir"/}: $n daemon WARN/ERROR line(s), first: $(grep -m1 -E $'\t(WARN|ERROR)\t' "$f" | cut -c1-200)"
        fi
        n=$(grep -cE '^etcd.*"level":"(error|panic|fatal)"' "$f" || true)
        if ((n > 0)); then
            note "$tag: ${f#"$dir"/}: $n etcd error line(s), first: $(grep -m1 -E '^etcd.*"level":"(error|panic|fatal)"' "$f" | cut -c1-200)"
        fi
        n=$(grep -vE '^etcd' "$f" | grep -cE 'killed by signal|restarting|exited' || true)
        if ((n > 0)); then
            note "$tag: ${f#"$dir"/}: $n etcd exit/restart line(s), first: $(grep -vE '^etcd' "$f" | grep -m1 -E 'killed by signal|restarting|exited' | cut -c1-200)"
        fi
    done
}

# ---------------------------------------------------------------------------------------------
# The baseline: 3 raw etcd members, same port style, default timers, --pre-vote.
declare -a ET_PID ET_CLIENT ET_ID
ET_DIR=""

# start_etcd_cluster DIR PORTS (6 free ports)
start_etcd_cluster() {
    ET_DIR=$1
    mkdir -p "$ET_DIR"
    local p
    read -r -a p <<<"$2"
    local peer=("${p[0]}" "${p[1]}" "${p[2]}") client=("${p[3]}" "${p[4]}" "${p[5]}")
    local initial
    initial="$(initial_cluster "${peer[@]}")"
    local i name
    for i in 0 1 2; do
        name=machine-$((i + 1))
        ET_CLIENT[i]=http://127.0.0.1:${client[i]}
        spawn "$ET_DIR/$name.out" etcd --name "$name" --data-dir "$ET_DIR/$name.etcd" \
            --initial-advertise-peer-urls "http://127.0.0.1:${peer[i]}" \
            --listen-peer-urls "http://127.0.0.1:${peer[i]}" \
            --listen-client-urls "http://127.0.0.1:${client[i]}" \
            --advertise-client-urls "http://127.0.0.1:${client[i]}" \
            --initial-cluster "$initial" --initial-cluster-token multi-node-cluster \
            --initial-cluster-state new --pre-vote --logger zap --log-outputs stderr
        ET_PID[i]=$LAST_PID
    done
}

etcd_healthy() { [[ $(curl -s -m 1 "$1/health" 2>/dev/null || true) == *'"health":"true"'* ]]; }
# etcd_status URL: ST_LEADER and ST_ID (decimal strings, "0" when unknown) of the etcd at URL.
etcd_status() {
    local body
    body=$(curl -s -m 1 -X POST -d '{}' "$1/v3/maintenance/status" 2>/dev/null || true)
    ST_LEADER=0 ST_ID=0
    [[ $body =~ \"leader\":\"([0-9]+)\" ]] && ST_LEADER=${BASH_REMATCH[1]}
    [[ $body =~ \"member_id\":\"([0-9]+)\" ]] && ST_ID=${BASH_REMATCH[1]}
    return 0
}

# timeline DIR eg|base RUN: milestones read from the member logs, in ms after the spawn (t0.us)
# or after the SIGKILL (kill.us), as "info.* RUN VALUE" records (the worst member's).
timeline() {
    "$PY" - "$@" <<'EOF'
import json, os, re, sys
from datetime import datetime, timezone

d, kind, run = sys.argv[1:4]
def read(name):
    try:
        return open(os.path.join(d, name)).read().strip()
    except OSError:
        return ""
t0 = int(read("t0.us") or 0) or None
kill = int(read("kill.us") or 0) or None
victim = read("victim")

def us(ts):  # "2026-11-29T22:32:48.449Z" (UTC) -> epoch microseconds
    dt = datetime.fromisoformat(ts.rstrip("Z")).replace(tzinfo=timezone.utc)
    return int(dt.timestamp() * 1e6)

daemon_re = re.compile(r"^(\d{4}-\d\d-\d\dT[\d:.]+Z)\t(\w+)\t(\S+)\t(.*)$")
out = {}
def put(key, value):
    if value is not None:
        out[key] = max(out[key], value) if key in out else value
def ms(t, base):
    return None if t is None or base is None else (t - base) / 1000

for i in (1, 2, 3, 4):
    name = f"machine-{i}"
    path = os.path.join(d, name + ".out")
    if not os.path.exists(path):
        continue
    first = backend = local = serving = healthy = ready = elected = None
    for line in open(path, errors="replace"):
        line = line.rstrip("\n")
        js = line[5:] if line.startswith("etcd\t") else (line if line.startswith("{") else None)
        if js is not None:
            try:
                rec = json.loads(js)
                t = us(rec["ts"])
            except (ValueError, KeyError):
                continue
            msg = rec.get("msg", "")
            if msg == "opened backend db" and backend is None:
                backend = t
            elif msg == "starting local member" and local is None:
                local = t
            elif msg.startswith("serving client traffic") and serving is None:
                serving = t
            elif " elected leader " in msg and kill and t > kill and elected is None:
                elected = t
            continue
        m = daemon_re.match(line)
        if not m:
            continue
        t = us(m.group(1))
        if first is None:
            first = t
        text = m.group(4)
        if healthy is None and re.match(r"etcd \S+ is healthy", text):
            healthy = t
        if ready is None and text == "cluster is ready":
            ready = t
    p1 = f"info.P1.{kind}."
    if kind == "eg":
        put(p1 + "process_first_log", ms(first, t0))
        if i == 4:
            put(p1 + "secondary_ready", ms(ready, t0))
        else:
            put(p1 + "primaries_ready", ms(ready, t0))
            put(p1 + "daemon_saw_etcd_healthy", ms(healthy, t0))
    put(p1 + "etcd_serving_clients", ms(serving, t0))
    if backend and local:
        put(p1 + "etcd_bootstrap_probe", (local - backend) / 1000)
    if name != victim:
        put(f"info.P2.{kind}.etcd_new_leader_logged", ms(elected, kill))
for key, value in out.items():
    print(f"{key} {run} {value:.1f}")
EOF
}

# ---------------------------------------------------------------------------------------------
# One run of each bench.

bench_baseline() { # run -> B1 formation, B2 failover
    local run=$1
    local dir=$TMP_ROOT/etcd-run$run i t0 all ports
    ports=$(free_ports 6)
    log "run $run: baseline etcd formation"
    now_us; t0=$NOW
    start_etcd_cluster "$dir" "$ports"
    echo "$t0" >"$dir/t0.us"
    local formed=0 polls=0
    while (((${EPOCHREALTIME/./} - t0) < FORM_TIMEOUT * 1000000)); do
        all=1
        polls=$((polls + 1))
        for i in 0 1 2; do etcd_healthy "${ET_CLIENT[i]}" || { all=0; break; }; done
        if ((all)); then formed=1; break; fi
        nap "$POLL"
    done
    if ((formed)); then
        record P1.base "$run" "$(ms_since_f "$t0")"
        record info.P1.base.polls "$run" "$polls"
    else
        note "run $run: raw etcd did not form within ${FORM_TIMEOUT}s"
    fi

    if want P2 && ((formed)); then
        nap "$STABLE_SECS"
        local leader="" id st
        for i in 0 1 2; do
            etcd_status "${ET_CLIENT[i]}"
            st=$ST_LEADER id=$ST_ID
            ET_ID[i]=$id
            [[ $st != 0 ]] && leader=$st
        done
        local victim=-1
        for i in 0 1 2; do [[ ${ET_ID[i]} == "$leader" ]] && victim=$i; done
        if ((victim < 0)); then
            note "run $run: no raw etcd leader found"
        else
            log "run $run: baseline failover (killing etcd machine-$((victim + 1)))"
            now_us; t0=$NOW
            signal KILL "${ET_PID[victim]}"
            echo "$t0" >"$dir/kill.us"
            echo "machine-$((victim + 1))" >"$dir/victim"
            local done_=0
            while (((${EPOCHREALTIME/./} - t0) < FAILOVER_TIMEOUT * 1000000)); do
                all=1
                for i in 0 1 2; do
                    ((i == victim)) && continue
                    etcd_status "${ET_CLIENT[i]}"
                    st=$ST_LEADER
                    if [[ $st == 0 || $st == "$leader" ]]; then all=0; break; fi
                done
                if ((all)); then done_=1; break; fi
                nap "$POLL"
            done
            if ((done_)); then
                record P2.base "$run" "$(ms_since_f "$t0")"
            else
                note "run $run: raw etcd elected no new leader within ${FAILOVER_TIMEOUT}s"
            fi
        fi
    fi
    # The baseline's data is thrown away: no graceful stop needed.
    signal KILL "${ET_PID[@]}"
    stop_under "$dir"
    timeline "$dir" base "$run" >>"$RESULTS"
    copy_logs "$dir"
}

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

# wrk against URL: prints "RPS P99_MS ERRORS".
run_wrk() {
    local out
    out=$(wrk -t2 -c64 -d"$WRK_DURATION" --latency "$1" 2>&1) || true
    printf '%s\n' "$out" >>"$EG_DIR/wrk.txt"
    awk '
        function ms(v) {
            if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
            if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
            if (v ~ /s$/) return substr(v, 1, length(v) - 1) * 1000
            return v + 0
        }
        /^Requests\/sec:/ {rps = $2}
        $1 == "99%" {p99 = ms($2)}
        /Non-2xx or 3xx responses:/ {err += $NF}
        /Socket errors:/ {for (i = 3; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) err += $i + 0}
        END {printf "%s %s %d\n", (rps == "" ? "nan" : rps), (p99 == "" ? "nan" : p99), err}
    ' <<<"$out"
}

# P5 on the running eg cluster: propagation_bench against its 4 admin APIs and its 3 etcd.
bench_propagation() {
    local run=$1 dir=$2 apis etcds name out rc=0
    apis=$(for name in machine-1 machine-2 machine-3 machine-4; do echo "${EG_API[$name]}"; done |
        paste -sd,)
    etcds=$(IFS=,; echo "${EG_ETCD[*]}")
    log "run $run: P5 propagation, $P5_COUNT samples per side"
    "$PROPAGATION_BENCH" --api "$apis" --etcd "$etcds" --count "$P5_COUNT" --json \
        >"$dir/p5.json" 2>"$dir/p5.err.txt" || rc=$?
    if ((rc != 0)); then
        note "run $run: propagation_bench failed (exit $rc): $(tail -n 3 "$dir/p5.err.txt" | tr '\n' ' ' | cut -c1-300)"
        return 0
    fi
    out=$("$PY" - "$dir/p5.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
for side in ("eg", "etcd"):
    for key in ("p50_ms", "p90_ms", "p99_ms", "max_ms", "write_p50_ms"):
        print(f"P5.{side}.{key[:-3]} {r[side][key]:.3f}")
EOF
) || { note "run $run: propagation_bench printed no readable JSON"; return 0; }
    local metric value
    while read -r metric value; do record "$metric" "$run" "$value"; done <<<"$out"
}

bench_eg() { # run -> P1, P3, P4, P5, P2
    local run=$1
    local dir=$TMP_ROOT/eg-run$run t0 table name ports
    ports=$(free_ports 10)
    log "run $run: eg formation (3 primaries + 1 secondary)"
    now_us; t0=$NOW
    start_eg_cluster "$dir" "$ports"
    echo "$t0" >"$dir/t0.us"
    local formed=0 polls=0 t1 egctl_us=0
    while (((${EPOCHREALTIME/./} - t0) < FORM_TIMEOUT * 1000000)); do
        polls=$((polls + 1))
        t1=${EPOCHREALTIME/./}
        table=$(member_table "${EG_API[machine-1]}")
        egctl_us=$((egctl_us + ${EPOCHREALTIME/./} - t1))
        parse_table "$table"
        if ((MEMBERS == 4)); then formed=1; break; fi
        nap "$POLL"
    done
    if ((formed)); then
        record P1.eg "$run" "$(ms_since_f "$t0")"
        record info.P1.eg.polls "$run" "$polls"
        record info.P1.eg.egctl_call_ms "$run" "$((egctl_us / polls / 1000))"
        printf '%s\n' "$table" >"$dir/formed-table.txt"
    else
        note "run $run: eg cluster did not list 4 members within ${FORM_TIMEOUT}s"
        scan_eg_logs "$dir" "run $run"
        stop_under "$dir"
        copy_logs "$dir"
        return 0
    fi

    if want P3; then
        log "run $run: idle ${IDLE_SECS}s for P3"
        nap "$IDLE_SECS"
        local max=0 kib epid
        for name in machine-1 machine-2 machine-3 machine-4; do
            kib=$(rss_kib "${EG_PID[$name]}")
            record "P3.$name" "$run" "$kib"
            ((kib > max)) && max=$kib
            for epid in $(pgrep -P "${EG_PID[$name]}" 2>/dev/null || true); do
                record "P3.etcd.$name" "$run" "$(rss_kib "$epid")"
            done
        done
        record P3.max "$run" "$max"
    fi

    if want P4 && ((HAVE_WRK)); then
        local api1=${EG_API[machine-1]} rps p99 err which
        # Alternate the order between runs so neither side always runs on a warmer process.
        local order=(members healthz)
        ((run % 2 == 0)) && order=(healthz members)
        for which in "${order[@]}"; do
            log "run $run: wrk $WRK_DURATION on /apis/v2/${which/members/status\/members}"
            if [[ $which == members ]]; then
                read -r rps p99 err <<<"$(run_wrk "http://$api1/apis/v2/status/members")"
            else
                read -r rps p99 err <<<"$(run_wrk "http://$api1/apis/v2/healthz")"
            fi
            record "P4.$which.rps" "$run" "$rps"
            record "P4.$which.p99" "$run" "$p99"
            record "P4.$which.errors" "$run" "$err"
            ((err > 0)) && note "run $run: wrk $which: $err non-2xx responses or socket errors"
        done
        record P4.rss_after.machine-1 "$run" "$(rss_kib "${EG_PID[machine-1]}")"
        record P4.threads_after.machine-1 "$run" \
            "$(awk '/^Threads:/ {print $2}' "/proc/${EG_PID[machine-1]}/status" 2>/dev/null || echo 0)"
    fi

    if want P5 && ((HAVE_P5)); then
        if wait_eg_stable "${EG_API[machine-1]}"; then
            bench_propagation "$run" "$dir"
        else
            note "run $run: eg cluster not stable (4 members, one Leader, none Offline) before P5"
        fi
    fi

    if want P2; then
        if ! wait_eg_stable "${EG_API[machine-1]}"; then
            note "run $run: eg cluster not stable (4 members, one Leader, none Offline) before P2"
        else
            table=$(member_table "${EG_API[machine-1]}")
            local leader survivor=""
            parse_table "$table"
            leader=$LEADER
            for name in machine-1 machine-2 machine-3; do
                [[ $name != "$leader" && -z $survivor ]] && survivor=$name
            done
            log "run $run: eg failover (SIGKILL $leader, asking $survivor)"
            now_us; t0=$NOW
            signal KILL "${EG_PID[$leader]}"
            echo "$t0" >"$dir/kill.us"
            echo "$leader" >"$dir/victim"
            local done_=0 seen
            while (((${EPOCHREALTIME/./} - t0) < FAILOVER_TIMEOUT * 1000000)); do
                parse_table "$(member_table "${EG_API[$survivor]}")"
                seen=$LEADER
                if [[ -n $seen && $seen != "$leader" ]]; then done_=1; break; fi
                nap "$POLL"
            done
            if ((done_)); then
                record P2.eg "$run" "$(ms_since_f "$t0")"
            else
                note "run $run: eg showed no new leader within ${FAILOVER_TIMEOUT}s"
            fi
            # The killed daemon's etcd must die with it (parent-death signal).
            nap 0.5
            local orphans
            orphans=$(pids_under "$dir/$leader/" | tr '\n' ' ')
            [[ -n ${orphans// /} ]] &&
                note "run $run: processes of killed $leader still alive 0.5 s later: $orphans"
        fi
    fi
    # Stop the daemons (each stops its own etcd); anything left after 10 s is killed.
    local live=() pid
    for pid in "${EG_PID[@]}"; do
        if ours "$pid"; then live+=("$pid"); fi
    done
    stop_under "$dir" "${live[@]}"
    record info.eg_stop_ms "$run" "$STOP_MS"
    [[ -n ${STOP_LEFT// /} ]] && note "run $run: still running 10 s after SIGTERM to the daemons: $STOP_LEFT"
    scan_eg_logs "$dir" "run $run"
    timeline "$dir" eg "$run" >>"$RESULTS"
    copy_logs "$dir"
}

# ---------------------------------------------------------------------------------------------
LOAD_START=$(cut -d" " -f1-3 /proc/loadavg)
((${#DAEMON_FLAGS[@]} == 0)) || note "extra daemon flags (not the benchmark as specified): ${DAEMON_FLAGS[*]}"
log "bin: $BIN_DIR_GIVEN (easegress-server $BIN_BUILT, sha256 $BIN_SHA); runs: $RUNS; benches: $ONLY; temp: $TMP_ROOT"
((HAVE_WRK)) || { want P4 && note "wrk not found: P4 skipped"; }
((HAVE_P5)) || { want P5 && note "propagation_bench not found at $PROPAGATION_BENCH: P5 skipped"; }
for ((run = 1; run <= RUNS; run++)); do
    if want P1 || want P2; then bench_baseline "$run"; fi
    bench_eg "$run"
done

# ---------------------------------------------------------------------------------------------
# Report
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
ETCD_VERSION=$(etcd --version 2>/dev/null | awk '/etcd Version/ {print $3}')
export LOAD_START LOAD_END ETCD_VERSION BIN_BUILT BIN_SHA
report() { # report 0|1: the table, or JSON
"$PY" - "$RESULTS" "$1" "$RUNS" "$ONLY" "$IDLE_SECS" "$WRK_DURATION" "$P5_COUNT" <<'EOF'
import json, math, os, statistics, sys

path, as_json, runs, only, idle, wrk_duration, p5_count = sys.argv[1:8]
samples, notes = {}, []  # metric -> {run: value}
for line in open(path):
    line = line.rstrip("\n")
    if line.startswith("NOTE "):
        notes.append(line[5:])
        continue
    metric, run, value = line.split(" ", 2)
    try:
        v = float(value)
    except ValueError:
        continue
    if not math.isnan(v):
        samples.setdefault(metric, {})[int(run)] = v

def summary(xs):
    if not xs:
        return None
    return {"samples": xs, "median": statistics.median(xs), "min": min(xs), "max": max(xs)}

def stats(metric):
    return summary(list(samples.get(metric, {}).values()))

def ratios(a, b):  # per-run a/b, for the runs that have both
    ra, rb = samples.get(a, {}), samples.get(b, {})
    return summary([ra[r] / rb[r] for r in sorted(ra) if r in rb and rb[r]])

results = {}
def compare(key, title, unit, ours, base, base_title, target_op, target):
    o, b = stats(ours), stats(base)
    r = o["median"] / b["median"] if o and b and b["median"] else None
    met = None if r is None else (r <= target if target_op == "<=" else r >= target)
    results[key] = {"title": title, "unit": unit, "value": o, "baseline_title": base_title,
                    "baseline": b, "ratio": r, "per_run_ratio": ratios(ours, base),
                    "target": f"{target_op} {target}x", "met": met}

MIB = 1024.0
if "P1" in only:
    compare("P1", "formation: 3 primaries + 1 secondary, spawn until egctl lists 4", "ms",
            "P1.eg", "P1.base", "raw etcd, 3 members until /health true on all", "<=", 1.3)
if "P2" in only:
    compare("P2", "failover: SIGKILL the Leader's daemon until a survivor shows a new Leader",
            "ms", "P2.eg", "P2.base",
            "raw etcd, SIGKILL leader until both survivors report a new one", "<=", 1.5)
if "P3" in only:
    members = {}
    for name in ("machine-1", "machine-2", "machine-3", "machine-4"):
        if stats(f"P3.{name}"):
            members[name] = {"rss_kib": stats(f"P3.{name}"),
                             "etcd_rss_kib": stats(f"P3.etcd.{name}")}
    m = stats("P3.max")
    results["P3"] = {"title": f"daemon VmRSS per member after {idle}s idle (etcd excluded)",
                     "unit": "KiB", "value": m, "members": members, "target": "<= 12 MiB",
                     "met": None if not m else m["median"] <= 12 * MIB}
if "P4" in only:
    compare("P4", f"admin API on machine-1, wrk -t2 -c64 -d{wrk_duration} --latency", "req/s",
            "P4.members.rps", "P4.healthz.rps", "/apis/v2/healthz", ">=", 0.5)
    results["P4"].update({
        "members_p99_ms": stats("P4.members.p99"), "healthz_p99_ms": stats("P4.healthz.p99"),
        "members_errors": stats("P4.members.errors"), "healthz_errors": stats("P4.healthz.errors"),
        "rss_after_kib": stats("P4.rss_after.machine-1"),
        "threads_after": stats("P4.threads_after.machine-1")})
if "P5" in only:
    compare("P5", f"propagation: POST to machine-1 until GET 200 on all 4 members, p99 of "
            f"{p5_count} objects", "ms", "P5.eg.p99", "P5.etcd.p99",
            "raw etcd of the same cluster: put via machine-1's etcd until the event reaches a "
            "watcher on each of the 3 etcd, p99", "<=", 3)
    results["P5"].update({
        "samples_per_run": int(p5_count),
        "eg_p50_ms": stats("P5.eg.p50"), "etcd_p50_ms": stats("P5.etcd.p50"),
        "eg_p90_ms": stats("P5.eg.p90"), "etcd_p90_ms": stats("P5.etcd.p90"),
        "eg_max_ms": stats("P5.eg.max"), "etcd_max_ms": stats("P5.etcd.max"),
        "eg_post_answered_p50_ms": stats("P5.eg.write_p50"),
        "etcd_put_answered_p50_ms": stats("P5.etcd.write_p50"),
        "per_run_ratio_p50": ratios("P5.eg.p50", "P5.etcd.p50")})
info = {k[5:]: stats(k) for k in sorted(samples) if k.startswith("info.")}
# P1 without etcd's bootstrap stall: runs where neither side's etcd lost >= 0.5 s asking peers.
pe, pb = samples.get("P1.eg", {}), samples.get("P1.base", {})
qe = samples.get("info.P1.eg.etcd_bootstrap_probe", {})
qb = samples.get("info.P1.base.etcd_bootstrap_probe", {})
clean = [r for r in sorted(pe) if r in pb and qe.get(r, 1e9) < 500 and qb.get(r, 1e9) < 500]
if clean:
    info["P1.ratio_without_bootstrap_stall"] = dict(summary([pe[r] / pb[r] for r in clean]),
                                                    runs=clean)
for kind in ("eg", "base"):
    total = samples.get(f"P1.{kind}", {})
    serv = samples.get(f"info.P1.{kind}.etcd_serving_clients", {})
    d = summary([total[r] - serv[r] for r in sorted(total) if r in serv])
    if d:
        info[f"P1.{kind}.after_etcd_serving"] = d
env = {"load_average_start": os.environ.get("LOAD_START"),
       "load_average_end": os.environ.get("LOAD_END"),
       "etcd_version": os.environ.get("ETCD_VERSION"), "cpus": os.cpu_count(),
       "easegress_server_mtime": os.environ.get("BIN_BUILT"),
       "easegress_server_sha256_12": os.environ.get("BIN_SHA")}

if as_json == "1":
    print(json.dumps({"runs": int(runs), "results": results, "diagnostics": info, "env": env,
                      "notes": notes}, indent=2))
    sys.exit(0)

def fmt_stats(s, scale=1.0, fmt="{:.0f}", unit=""):
    if not s:
        return "n/a", "n/a"
    g = lambda v: fmt.format(v / scale)
    return g(s["median"]) + unit, g(s["min"]) + "–" + g(s["max"])

def verdict(met):
    return "n/a" if met is None else ("met" if met else "MISSED")

def table(header, rows):
    widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]
    line = lambda r: "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()
    print(line(header))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print(line(r))

rows = []
def add(b, measure, s, scale=1.0, fmt="{:.0f}", unit=""):
    med, rng = fmt_stats(s, scale, fmt, unit)
    rows.append([b, measure, med, rng, str(len(s["samples"])) if s else "0", "", "", ""])
def add_ratio(r, label):
    pr = r["per_run_ratio"]
    rows.append(["", label, "n/a" if r["ratio"] is None else f"{r['ratio']:.2f}x",
                 "" if not pr else f"{pr['min']:.2f}–{pr['max']:.2f}x per run",
                 str(len(pr["samples"])) if pr else "0", r["target"], verdict(r["met"]), ""])

for key in ("P1", "P2"):
    if key in results:
        r = results[key]
        add(key, "eg " + r["title"].split(":")[0] + " (" + r["title"].split(": ")[1] + ")",
            r["value"], fmt="{:.0f}", unit=" ms")
        add("", "baseline: " + r["baseline_title"], r["baseline"], unit=" ms")
        add_ratio(r, "ratio eg / baseline")
if "P3" in results:
    r = results["P3"]
    for name, m in r["members"].items():
        add("P3", f"{name} daemon VmRSS", m["rss_kib"], MIB, "{:.1f}", " MiB")
    add("", "max over members", r["value"], MIB, "{:.1f}", " MiB")
    rows[-1][5], rows[-1][6] = r["target"], verdict(r["met"])
if "P4" in results:
    r = results["P4"]
    add("P4", "/apis/v2/status/members req/s", r["value"])
    add("", "/apis/v2/status/members p99 latency", r["members_p99_ms"], fmt="{:.2f}", unit=" ms")
    add("", "/apis/v2/healthz req/s", r["baseline"])
    add("", "/apis/v2/healthz p99 latency", r["healthz_p99_ms"], fmt="{:.2f}", unit=" ms")
    add_ratio(r, "ratio members / healthz req/s")
if "P5" in results:
    r = results["P5"]
    add("P5", "eg p99: POST to machine-1 → GET 200 on all 4 members", r["value"], fmt="{:.1f}",
        unit=" ms")
    add("", "eg p50", r["eg_p50_ms"], fmt="{:.1f}", unit=" ms")
    add("", "baseline p99: etcd put → event on 3 watchers, same cluster", r["baseline"],
        fmt="{:.1f}", unit=" ms")
    add("", "baseline p50", r["etcd_p50_ms"], fmt="{:.1f}", unit=" ms")
    add_ratio(r, "ratio eg / baseline p99")

print(f"eg cluster benchmarks: {runs} run(s), median and min–max over runs; "
      "ratio = median / baseline median")
table(["bench", "measure", "median", "min–max", "n", "target", "verdict"], [r[:7] for r in rows])

labels = [
    ("P1.eg.process_first_log", "P1 eg: spawn → last member's first log line"),
    ("P1.eg.etcd_bootstrap_probe",
     "P1 eg: etcd 'opened backend db' → 'starting local member' (worst; peer probe, WAL)"),
    ("P1.base.etcd_bootstrap_probe", "P1 base: the same etcd step (worst)"),
    ("P1.eg.etcd_serving_clients", "P1 eg: spawn → last etcd serving clients"),
    ("P1.base.etcd_serving_clients", "P1 base: spawn → last etcd serving clients"),
    ("P1.eg.daemon_saw_etcd_healthy", "P1 eg: spawn → last daemon logs its etcd healthy"),
    ("P1.eg.primaries_ready", "P1 eg: spawn → last primary 'cluster is ready'"),
    ("P1.eg.secondary_ready", "P1 eg: spawn → secondary 'cluster is ready'"),
    ("P1.eg.polls", "P1 eg: egctl polls until 4 listed"),
    ("P1.eg.egctl_call_ms", "P1 eg: mean time of one egctl get member while forming"),
    ("P1.base.polls", "P1 base: /health poll rounds until all true"),
    ("P2.eg.etcd_new_leader_logged", "P2 eg: SIGKILL → survivors' etcd log the new leader (worst)"),
    ("P2.base.etcd_new_leader_logged", "P2 base: SIGKILL → survivors log the new leader (worst)"),
    ("eg_stop_ms", "eg cluster stop: SIGTERM to the live daemons → all gone"),
]
diag_rows = []
if "P1.ratio_without_bootstrap_stall" in info:
    c = info["P1.ratio_without_bootstrap_stall"]
    diag_rows.append([f"P1 ratio in runs with no etcd bootstrap stall on either side "
                      f"(runs {','.join(map(str, c['runs']))})",
                      f"{c['median']:.2f}x", f"{c['min']:.2f}–{c['max']:.2f}x"])
for kind, label in (("eg", "P1 eg: last etcd serving clients → egctl lists 4"),
                    ("base", "P1 base: last etcd serving clients → all /health true")):
    if f"P1.{kind}.after_etcd_serving" in info:
        med, rng = fmt_stats(info[f"P1.{kind}.after_etcd_serving"], 1.0, "{:.0f}", " ms")
        diag_rows.append([label, med, rng])
for key, label in labels:
    s = info.get(key)
    if s:
        med, rng = fmt_stats(s, 1.0, "{:.0f}", "" if key.endswith("polls") else " ms")
        diag_rows.append([label, med, rng])
for key, scale, unit, label in [
        ("P4.rss_after.machine-1", MIB, " MiB", "P4: machine-1 daemon VmRSS after both wrk runs"),
        ("P4.threads_after.machine-1", 1.0, "", "P4: machine-1 daemon threads after both wrk runs"),
        ("P4.members.errors", 1.0, "", "P4: /status/members non-2xx + socket errors"),
        ("P4.healthz.errors", 1.0, "", "P4: /healthz non-2xx + socket errors"),
        ("P5.eg.p90", 1.0, " ms", "P5 eg: p90 POST → visible on all 4"),
        ("P5.etcd.p90", 1.0, " ms", "P5 base: p90 put → event on all 3"),
        ("P5.eg.max", 1.0, " ms", "P5 eg: slowest object"),
        ("P5.etcd.max", 1.0, " ms", "P5 base: slowest put"),
        ("P5.eg.write_p50", 1.0, " ms", "P5 eg: p50 POST → its 201 answer"),
        ("P5.etcd.write_p50", 1.0, " ms", "P5 base: p50 put → its answer")]:
    s = stats(key)
    if s:
        med, rng = fmt_stats(s, scale, "{:.1f}" if unit else "{:.0f}", unit)
        diag_rows.append([label, med, rng])
if "P5" in results and results["P5"]["per_run_ratio_p50"]:
    c = results["P5"]["per_run_ratio_p50"]
    diag_rows.append(["P5: ratio eg / baseline p50", f"{c['median']:.2f}x",
                      f"{c['min']:.2f}–{c['max']:.2f}x"])
if "P3" in results:
    for name, m in results["P3"]["members"].items():
        if m["etcd_rss_kib"]:
            med, rng = fmt_stats(m["etcd_rss_kib"], MIB, "{:.1f}", " MiB")
            diag_rows.append([f"P3: {name}'s etcd VmRSS (not counted)", med, rng])
if diag_rows:
    print()
    table(["diagnostics (not targets)", "median", "min–max"], diag_rows)
print(f"\nload average at start {env['load_average_start']}, at end {env['load_average_end']}; "
      f"etcd {env['etcd_version']}; {env['cpus']} CPUs; easegress-server built "
      f"{env['easegress_server_mtime']}, sha256 {env['easegress_server_sha256_12']}")
if notes:
    print("\nnotes:")
    for n in notes:
        print("  - " + n)
EOF
}
report "$JSON"
if [[ -n $JSON_FILE ]]; then report 1 >"$JSON_FILE"; fi
