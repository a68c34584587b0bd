#!/usr/bin/env bash
# Cluster benchmarks P1-P4 for easegress-server, each against a baseline measured in the same run.
#
#   bench/cluster_bench.sh [BIN_DIR] [--runs N] [--json] [--only P1,P2,P3,P4]
#                          [--idle SECS] [--wrk-duration 10s] [--keep-logs DIR]
#
# BIN_DIR holds easegress-server and egctl (default build/bin). Everything runs on 127.0.0.1 with
# free ports and fresh temp dirs; every process started here is ended on exit, even on failure.
# Prints figures only: the exit code never depends on a target being met. See bench/README.md.
set -euo pipefail
export LC_ALL=C

usage() {
    sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
    exit "${1:-0}"
}

BIN=build/bin
RUNS=5
JSON=0
ONLY="P1,P2,P3,P4"
IDLE_SECS=10
WRK_DURATION=10s
KEEP_LOGS=""
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
    --only) ONLY=$2; shift 2 ;;
    --only=*) ONLY=${1#*=}; shift ;;
    --idle) IDLE_SECS=$2; shift 2 ;;
    --wrk-duration) WRK_DURATION=$2; shift 2 ;;
    --keep-logs) KEEP_LOGS=$2; shift 2 ;;
    -h | --help) usage 0 ;;
    -*) echo "unknown option: $1" >&2; usage 2 ;;
    *)
        if ((bin_set)); then echo "unexpected argument: $1" >&2; usage 2; fi
        BIN=$1; bin_set=1; shift ;;
    esac
done
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "--runs needs a positive integer" >&2; exit 2; }
BIN=$(cd "$BIN" && pwd) || { echo "no such directory: $BIN" >&2; exit 2; }
for tool in "$BIN/easegress-server" "$BIN/egctl"; do
    [[ -x $tool ]] || { echo "missing executable: $tool" >&2; exit 2; }
done
for tool in etcd curl jq python3; do
    command -v "$tool" >/dev/null || { echo "missing tool on PATH: $tool" >&2; exit 2; }
done
PY=python3
[[ -x /usr/bin/python3 ]] && PY=/usr/bin/python3 # a version manager's shim costs ~1 s a call
HAVE_WRK=1
command -v wrk >/dev/null || HAVE_WRK=0
want() { [[ ",$ONLY," == *",$1,"* ]]; }

# ---------------------------------------------------------------------------------------------
# Processes and clean-up
TMP_ROOT=$(mktemp -d /tmp/eg-bench.XXXXXX)
RESULTS=$TMP_ROOT/results.txt
: >"$RESULTS"
mkdir -p "$TMP_ROOT/home" # HOME for egctl: no ~/.egctlrc of the user's
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

# stop_under DIR [PID...]: SIGTERM to the PIDs given (all processes naming DIR when none),
# up to 10 s for everything naming DIR to end, then SIGKILL to what is left. Sets STOP_MS.
stop_under() {
    local dir=$1 pid i t0=${EPOCHREALTIME/./}
    shift
    local targets=("$@")
    ((${#targets[@]})) || read -r -a targets <<<"$(pids_under "$dir" | tr '\n' ' ')"
    for pid in "${targets[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for ((i = 0; i < 100; i++)); do
        [[ -z $(pids_under "$dir") ]] && break
        sleep 0.1
    done
    STOP_MS=$(((${EPOCHREALTIME/./} - t0) / 1000))
    STOP_LEFT=$(pids_under "$dir" | tr '\n' ' ')
    for pid in $STOP_LEFT; do kill -KILL "$pid" 2>/dev/null || true; done
}

copy_logs() {
    local dir=$1
    [[ -n $KEEP_LOGS && -d $dir ]] || return 0
    mkdir -p "$KEEP_LOGS"
    cp -r "$dir" "$KEEP_LOGS/" 2>/dev/null || true
}

cleanup() {
    local rc=$? pid
    trap - EXIT INT TERM
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    stop_under "$TMP_ROOT"
    for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    rm -rf "$TMP_ROOT"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

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

# ---------------------------------------------------------------------------------------------
# The eg cluster: 3 primaries + 1 secondary, the tutorial's flags.
declare -A EG_PID EG_API
EG_DIR=""

# start_eg_cluster DIR PORTS (10 free ports, picked before the clock starts)
start_eg_cluster() {
    EG_DIR=$1
    mkdir -p "$EG_DIR"
    local p
    read -r -a p <<<"$2"
    local apis=("${p[0]}" "${p[1]}" "${p[2]}" "${p[3]}") peer=("${p[4]}" "${p[5]}" "${p[6]}")
    local client=("${p[7]}" "${p[8]}" "${p[9]}")
    local initial="machine-1=http://127.0.0.1:${peer[0]},machine-2=http://127.0.0.1:${peer[1]}"
    initial+=",machine-3=http://127.0.0.1:${peer[2]}"
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
            --initial-cluster "$initial" --home-dir "$EG_DIR/$name"
        EG_PID[$name]=$LAST_PID
    done
    EG_API[machine-4]=127.0.0.1:${apis[3]}
    spawn "$EG_DIR/machine-4.out" "$BIN/easegress-server" --cluster-name multi-node-cluster \
        --cluster-role secondary --name machine-4 --api-addr "127.0.0.1:${apis[3]}" \
        --primary-listen-peer-urls "http://127.0.0.1:${peer[0]}" --state-flag existing \
        --home-dir "$EG_DIR/machine-4"
    EG_PID[machine-4]=$LAST_PID
}

# Member rows of `egctl get member` on API: NAME STATE... (names only / leader).
member_table() { egctl --server "$1" get member 2>/dev/null || true; }
count_members() { awk '$1 ~ /^machine-[0-9]+$/ {n++} END {print n + 0}' <<<"$1"; }
leader_of() { awk '$1 ~ /^machine-[0-9]+$/ {for (i = 2; i <= NF; i++) if ($i == "Leader") print $1}' <<<"$1"; }

# Waits until API lists 4 members, one of them Leader, none Offline; then STABLE_SECS more.
wait_eg_stable() {
    local api_addr=$1 table i
    for ((i = 0; i < FORM_TIMEOUT * 10; i++)); do
        table=$(member_table "$api_addr")
        if [[ $(count_members "$table") == 4 && $(leader_of "$table" | wc -l) == 1 ]] &&
            ! grep -q Offline <<<"$table"; then
            sleep "$STABLE_SECS"
            return 0
        fi
        sleep 0.1
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
    local initial="machine-1=http://127.0.0.1:${peer[0]},machine-2=http://127.0.0.1:${peer[1]}"
    initial+=",machine-3=http://127.0.0.1:${peer[2]}"
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

etcd_healthy() { [[ $(curl -s -m 1 "$1/health" 2>/dev/null | jq -r '.health' 2>/dev/null) == true ]]; }
# "LEADER MEMBER_ID" of the etcd at URL (decimal strings; leader 0 or empty when none).
etcd_status() {
    curl -s -m 1 -X POST -d '{}' "$1/v3/maintenance/status" 2>/dev/null |
        jq -r '"\(.leader // "0") \(.header.member_id // "0")"' 2>/dev/null || echo "0 0"
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
    local formed=0
    while (((${EPOCHREALTIME/./} - t0) < FORM_TIMEOUT * 1000000)); do
        all=1
        for i in 0 1 2; do etcd_healthy "${ET_CLIENT[i]}" || { all=0; break; }; done
        if ((all)); then formed=1; break; fi
        sleep "$POLL"
    done
    if ((formed)); then
        record P1.base "$run" "$(ms_since_f "$t0")"
    else
        note "run $run: raw etcd did not form within ${FORM_TIMEOUT}s"
    fi

    if want P2 && ((formed)); then
        sleep "$STABLE_SECS"
        local leader="" id st
        for i in 0 1 2; do
            read -r st id <<<"$(etcd_status "${ET_CLIENT[i]}")"
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
            kill -KILL "${ET_PID[victim]}"
            local done_=0
            while (((${EPOCHREALTIME/./} - t0) < FAILOVER_TIMEOUT * 1000000)); do
                all=1
                for i in 0 1 2; do
                    ((i == victim)) && continue
                    read -r st id <<<"$(etcd_status "${ET_CLIENT[i]}")"
                    if [[ $st == 0 || $st == "$leader" ]]; then all=0; break; fi
                done
                if ((all)); then done_=1; break; fi
                sleep "$POLL"
            done
            if ((done_)); then
                record P2.base "$run" "$(ms_since_f "$t0")"
            else
                note "run $run: raw etcd elected no new leader within ${FAILOVER_TIMEOUT}s"
            fi
        fi
    fi
    stop_under "$dir"
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

bench_eg() { # run -> P1, P3, P4, P2
    local run=$1
    local dir=$TMP_ROOT/eg-run$run t0 table name ports
    ports=$(free_ports 10)
    log "run $run: eg formation (3 primaries + 1 secondary)"
    now_us; t0=$NOW
    start_eg_cluster "$dir" "$ports"
    date -u -d "@${t0:0:-6}.${t0: -6}" +%FT%T.%6NZ >"$dir/t0.txt"
    local formed=0
    while (((${EPOCHREALTIME/./} - t0) < FORM_TIMEOUT * 1000000)); do
        table=$(member_table "${EG_API[machine-1]}")
        if [[ $(count_members "$table") == 4 ]]; then formed=1; break; fi
        sleep "$POLL"
    done
    if ((formed)); then
        record P1.eg "$run" "$(ms_since_f "$t0")"
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
        sleep "$IDLE_SECS"
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

    if want P2; then
        if ! wait_eg_stable "${EG_API[machine-1]}"; then
            note "run $run: eg cluster not stable (4 members, one Leader, none Offline) before P2"
        else
            table=$(member_table "${EG_API[machine-1]}")
            local leader survivor=""
            leader=$(leader_of "$table")
            for name in machine-1 machine-2 machine-3; do
                [[ $name != "$leader" && -z $survivor ]] && survivor=$name
            done
            log "run $run: eg failover (SIGKILL $leader, asking $survivor)"
            now_us; t0=$NOW
            kill -KILL "${EG_PID[$leader]}"
            local done_=0 seen
            while (((${EPOCHREALTIME/./} - t0) < FAILOVER_TIMEOUT * 1000000)); do
                seen=$(leader_of "$(member_table "${EG_API[$survivor]}")")
                if [[ -n $seen && $seen != "$leader" ]]; then done_=1; break; fi
                sleep "$POLL"
            done
            if ((done_)); then
                record P2.eg "$run" "$(ms_since_f "$t0")"
            else
                note "run $run: eg showed no new leader within ${FAILOVER_TIMEOUT}s"
            fi
            # The killed daemon's etcd must die with it (parent-death signal).
            sleep 0.5
            local orphans
            orphans=$(pids_under "$dir/$leader/" | tr '\n' ' ')
            [[ -n ${orphans// /} ]] &&
                note "run $run: processes of killed $leader still alive 0.5 s later: $orphans"
        fi
    fi
    # Stop the daemons (each stops its own etcd); anything left after 10 s is killed.
    local live=() pid
    for pid in "${EG_PID[@]}"; do kill -0 "$pid" 2>/dev/null && live+=("$pid"); done
    stop_under "$dir" "${live[@]}"
    record info.eg_stop_ms "$run" "$STOP_MS"
    [[ -n ${STOP_LEFT// /} ]] && note "run $run: still running 10 s after SIGTERM to the daemons: $STOP_LEFT"
    scan_eg_logs "$dir" "run $run"
    copy_logs "$dir"
}

# ---------------------------------------------------------------------------------------------
log "bin: $BIN; runs: $RUNS; benches: $ONLY; temp: $TMP_ROOT"
((HAVE_WRK)) || { want P4 && note "wrk not found: P4 skipped"; }
for ((run = 1; run <= RUNS; run++)); do
    if want P1 || want P2; then bench_baseline "$run"; fi
    bench_eg "$run"
done

# ---------------------------------------------------------------------------------------------
# Report
"$PY" - "$RESULTS" "$JSON" "$RUNS" "$ONLY" "$IDLE_SECS" "$WRK_DURATION" <<'EOF'
import json, math, statistics, sys

path, as_json, runs, only, idle, wrk_duration = sys.argv[1:7]
samples, notes = {}, []
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
        samples.setdefault(metric, []).append(v)

def stats(metric):
    xs = samples.get(metric, [])
    if not xs:
        return None
    return {"samples": xs, "median": statistics.median(xs), "min": min(xs), "max": max(xs)}

def ratio(a, b):
    return a["median"] / b["median"] if a and b and b["median"] else None

results = {}
def bench(key, title, unit, ours, base, base_title, target_op, target):
    o, b = stats(ours), stats(base) if base else None
    r = ratio(o, b)
    met = None if r is None else (r <= target if target_op == "<=" else r >= target)
    results[key] = {"title": title, "unit": unit, "value": o, "baseline_title": base_title,
                    "baseline": b, "ratio": r, "target": f"{target_op} {target}x", "met": met}

MIB = 1024.0
if "P1" in only:
    bench("P1", "formation: 3 primaries + 1 secondary until egctl lists 4", "ms",
          "P1.eg", "P1.base", "raw etcd, 3 members until /health true on all", "<=", 1.3)
if "P2" in only:
    bench("P2", "failover: SIGKILL leader daemon until a survivor shows a new Leader", "ms",
          "P2.eg", "P2.base", "raw etcd, SIGKILL leader until both survivors report a new one",
          "<=", 1.5)
if "P3" in only:
    members = {}
    for name in ("machine-1", "machine-2", "machine-3", "machine-4"):
        s = stats(f"P3.{name}")
        e = stats(f"P3.etcd.{name}")
        if s:
            members[name] = {"rss_kib": s, "etcd_rss_kib": e}
    m = stats("P3.max")
    results["P3"] = {"title": f"daemon RSS per member after {idle}s idle (etcd excluded)",
                     "unit": "KiB", "value": m, "members": members, "target": "<= 12 MiB",
                     "met": None if not m else m["median"] <= 12 * MIB}
if "P4" in only:
    m, h = stats("P4.members.rps"), stats("P4.healthz.rps")
    r = ratio(m, h)
    results["P4"] = {"title": f"admin API, wrk -t2 -c64 -d{wrk_duration} on one primary",
                     "unit": "req/s", "value": m, "baseline": h,
                     "members_p99_ms": stats("P4.members.p99"),
                     "healthz_p99_ms": stats("P4.healthz.p99"),
                     "members_errors": stats("P4.members.errors"),
                     "healthz_errors": stats("P4.healthz.errors"),
                     "rss_after_kib": stats("P4.rss_after.machine-1"),
                     "threads_after": stats("P4.threads_after.machine-1"),
                     "ratio": r, "target": ">= 0.5x", "met": None if r is None else r >= 0.5}

if as_json == "1":
    print(json.dumps({"runs": int(runs), "results": results, "notes": notes}, indent=2))
    sys.exit(0)

def f(s, scale=1.0, fmt="{:.0f}"):
    if not s:
        return "n/a", "n/a"
    return fmt.format(s["median"] / scale), (fmt.format(s["min"] / scale) + "–" +
                                             fmt.format(s["max"] / scale))

def verdict(met):
    return "n/a" if met is None else ("met" if met else "MISSED")

rows = [("bench", "measure", "median", "min–max", "n", "ratio", "target", "")]
def add(b, measure, s, scale=1.0, fmt="{:.0f}", unit="", ratio_=None, target="", met=None):
    med, rng = f(s, scale, fmt)
    rows.append((b, measure, med + unit if s else med, rng, str(len(s["samples"])) if s else "0",
                 "" if ratio_ is None else f"{ratio_:.2f}x", target,
                 "" if not target else verdict(met)))

for key in ("P1", "P2"):
    if key in results:
        r = results[key]
        add(key, "eg " + r["title"].split(":")[0], r["value"], unit=" ms")
        add("", "baseline: " + r["baseline_title"], r["baseline"], unit=" ms",
            ratio_=r["ratio"], target=r["target"], met=r["met"])
if "P3" in results:
    r = results["P3"]
    for name, m in r["members"].items():
        add("P3", f"{name} daemon RSS", m["rss_kib"], MIB, "{:.1f}", " MiB")
    for name, m in r["members"].items():
        if m["etcd_rss_kib"]:
            add("", f"{name} its etcd RSS (info, excluded)", m["etcd_rss_kib"], MIB, "{:.1f}",
                " MiB")
    add("", "max daemon RSS over members", r["value"], MIB, "{:.1f}", " MiB", target=r["target"],
        met=r["met"])
if "P4" in results:
    r = results["P4"]
    add("P4", "/status/members req/s", r["value"])
    add("", "/status/members p99", r["members_p99_ms"], fmt="{:.2f}", unit=" ms")
    add("", "/healthz req/s", r["baseline"])
    add("", "/healthz p99", r["healthz_p99_ms"], fmt="{:.2f}", unit=" ms")
    add("", "/status/members errors (non-2xx + socket)", r["members_errors"])
    add("", "/healthz errors (non-2xx + socket)", r["healthz_errors"])
    add("", "machine-1 RSS after wrk (info)", r["rss_after_kib"], MIB, "{:.1f}", " MiB")
    add("", "machine-1 threads after wrk (info)", r["threads_after"])
    rows.append(("", "ratio members/healthz req/s", "", "", "",
                 "n/a" if r["ratio"] is None else f"{r['ratio']:.2f}x", r["target"],
                 verdict(r["met"])))

s = stats("info.eg_stop_ms")
if s:
    add("info", "eg cluster stop: SIGTERM to 4 daemons until all gone", s, unit=" ms")
    results["info"] = {"eg_stop_ms": s}

widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
print(f"eg cluster benchmarks, {runs} run(s); ratio = median / baseline median")
for i, row in enumerate(rows):
    print("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
    if i == 0:
        print("  ".join("-" * w for w in widths))
if notes:
    print("\nnotes:")
    for n in notes:
        print("  - " + n)
EOF
