#!/usr/bin/env bash
# e2e.tutorial_netns: the cluster tutorial's flags walk-through (docs/cluster-deployment.md,
# "1. With flags"; upstream's "Config and cluster deployment") run as written on four
# "machines" simulated with network namespaces.
#
#   tutorial_netns.sh <easegress-server> <egctl>
#
# Topology: a bridge with no address and four namespaces, each with a veth whose namespace end
# is eth0 = 10.77.<S>.<i>/24 (S derived from the PID) and its own loopback, so the tutorial's
# ports 2379/2380/2381 are used unchanged. Nothing is routed out. A trap removes everything
# (processes, namespaces, bridge, temp dir) on any exit.
#
# Steps:
#   1. machine-1..3 (primaries) with the tutorial's commands; `egctl get member` shows 3 rows,
#      1 Leader and 2 Followers;
#   2. machine-4 (secondary, with upstream's --state-flag "existing"): 4 rows, machine-4
#      secondary with an empty STATE;
#   3. machine-1 made the etcd leader (etcdctl move-leader, when etcdctl is installed), then its
#      link cut: machine-2's admin API shows a Leader among machine-2/3 and machine-1 Offline;
#   4. link back: machine-1 is back (4 rows, 1 Leader, 2 Followers, none Offline);
#   5. every member stops on SIGTERM (SIGKILL after 15 s) and no process of the test remains.
#
# Exit status: 0 pass, 1 fail, 77 skipped (not root, no netns support, no etcd).
# Environment: EG_E2E_KEEP=1 keeps the temp dir (logs) after the run; EG_E2E_DEADLINE is the
# seconds each wait may take (default 60).

set -euo pipefail

if [[ $# -ne 2 ]]; then
    echo "usage: $0 <easegress-server> <egctl>" >&2
    exit 2
fi

skip() {
    echo "SKIP: $*"
    exit 77
}

[[ $(id -u) -eq 0 ]] || skip "needs root (network namespaces)"
command -v ip >/dev/null 2>&1 || skip "iproute2 'ip' is not installed"
command -v etcd >/dev/null 2>&1 || skip "etcd is not installed (apt-get install etcd-server)"

SERVER_BIN=$(readlink -f "$1")
EGCTL_BIN=$(readlink -f "$2")
[[ -x $SERVER_BIN ]] || { echo "FAIL: $1 is not executable" >&2; exit 1; }
[[ -x $EGCTL_BIN ]] || { echo "FAIL: $2 is not executable" >&2; exit 1; }

DEADLINE=${EG_E2E_DEADLINE:-60}
RUN_ID=$$
SUBNET=$((RUN_ID % 250 + 1))
NS_PREFIX="eg-e2e-$RUN_ID"          # namespaces eg-e2e-<pid>-1..4
BRIDGE="egbr$RUN_ID"                # <= 15 characters for any pid (max 4194304)
HOST1=10.77.$SUBNET.1
HOST2=10.77.$SUBNET.2
HOST3=10.77.$SUBNET.3
CLUSTER=machine-1=http://$HOST1:2380,machine-2=http://$HOST2:2380,machine-3=http://$HOST3:2380

# The tutorial's commands, literally, joined on one line; expanded by `bash -c` inside each
# namespace with HOST1..3 and CLUSTER set as the tutorial exports them. machine-4's is
# upstream's, with --state-flag "existing" (accepted with warning EG210).
# shellcheck disable=SC2016
MEMBER_CMD=(
    ""
    'easegress-server --cluster-name "multi-node-cluster" --cluster-role "primary" --name "machine-1" --api-addr $HOST1:2381 --initial-advertise-peer-urls http://$HOST1:2380 --listen-peer-urls http://$HOST1:2380 --listen-client-urls http://$HOST1:2379 --advertise-client-urls http://$HOST1:2379 --initial-cluster $CLUSTER'
    'easegress-server --cluster-name "multi-node-cluster" --cluster-role "primary" --name "machine-2" --initial-advertise-peer-urls http://$HOST2:2380 --listen-peer-urls http://$HOST2:2380 --listen-client-urls http://$HOST2:2379 --advertise-client-urls http://$HOST2:2379 --initial-cluster $CLUSTER'
    'easegress-server --cluster-name "multi-node-cluster" --cluster-role "primary" --name "machine-3" --initial-advertise-peer-urls http://$HOST3:2380 --listen-peer-urls http://$HOST3:2380 --listen-client-urls http://$HOST3:2379 --advertise-client-urls http://$HOST3:2379 --initial-cluster $CLUSTER'
    'easegress-server --cluster-name "multi-node-cluster" --cluster-role "secondary" --name "machine-4" --primary-listen-peer-urls http://$HOST1:2380 --state-flag "existing"'
)
# shellcheck disable=SC2016
GET_MEMBER_VIA_1='egctl --server $HOST1:2381 get member'
# machine-2 has no --api-addr: its admin API is localhost:2381 inside its own namespace.
GET_MEMBER_VIA_2='egctl --server localhost:2381 get member'

T0=$SECONDS
TMP=$(mktemp -d "/tmp/eg-e2e-tutorial.XXXXXX")
BIN="$TMP/bin"
mkdir -p "$BIN"
ln -s "$SERVER_BIN" "$BIN/easegress-server"
ln -s "$EGCTL_BIN" "$BIN/egctl"
# Only the commands run in the namespaces get $BIN on PATH (the script's own helpers must not
# carry it: leftover_pids recognises the test's processes by it).
NS_PATH="$BIN:$PATH"

declare -a MEMBER_PID=("" "" "" "" "")
CREATED_NS=()
CREATED_BRIDGE=""
FAILED=0

log() { printf '[%3ds] %s\n' $((SECONDS - T0)) "$*"; }

ns() { echo "$NS_PREFIX-$1"; }
host_veth() { echo "egv${RUN_ID}h$1"; }   # host side of machine-i's link, <= 15 characters

# in_ns <i> <command>: runs a command string in namespace i with the tutorial's variables.
in_ns() {
    ip netns exec "$(ns "$1")" env PATH="$NS_PATH" HOST1="$HOST1" HOST2="$HOST2" \
        HOST3="$HOST3" CLUSTER="$CLUSTER" bash -c "$2"
}

print_logs() {
    local i
    for i in 1 2 3 4; do
        [[ -f $TMP/machine-$i/member.log ]] || continue
        echo "----- machine-$i: tail of $TMP/machine-$i/member.log -----"
        # Without the admin API's access lines (the test polls it).
        grep -avE $'\tadmin-api\t(GET|PUT|POST|DELETE) ' "$TMP/machine-$i/member.log" |
            tail -n 40 || true
    done
    echo "-----"
}

fail() {
    echo "FAIL: $*" >&2
    FAILED=1
    print_logs >&2
    exit 1
}

# Processes of this test still alive: in one of its namespaces, or whose command line,
# environment (PATH holds $BIN) or working directory refers to $TMP.
leftover_pids() {
    local p
    {
        for p in "${CREATED_NS[@]}"; do
            ip netns pids "$p" 2>/dev/null || true
        done
        # "[.]" for ".": the pattern does not match grep's own command line.
        grep -lsa -e "${TMP//./[.]}" /proc/[0-9]*/cmdline /proc/[0-9]*/environ 2>/dev/null || true
        find /proc/[0-9]*/cwd -maxdepth 0 -lname "$TMP*" 2>/dev/null || true
    } | sed -E 's#^/proc/([0-9]+)/.*#\1#' | grep -vxF -e "$$" -e "$BASHPID" | sort -un || true
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    set +e
    local pids pid i p
    pids=$(leftover_pids)
    if [[ -n $pids ]]; then
        for pid in $pids; do kill -TERM "$pid" 2>/dev/null; done
        for _ in $(seq 1 50); do
            pids=$(leftover_pids)
            [[ -z $pids ]] && break
            sleep 0.1
        done
        for pid in $pids; do kill -KILL "$pid" 2>/dev/null; done
        sleep 0.2
    fi
    for p in "${CREATED_NS[@]}"; do ip netns del "$p" 2>/dev/null; done
    for i in 1 2 3 4; do ip link del "$(host_veth "$i")" 2>/dev/null; done
    [[ -n $CREATED_BRIDGE ]] && ip link del "$CREATED_BRIDGE" 2>/dev/null
    if [[ $rc -ne 0 && $FAILED -eq 0 && $rc -ne 77 ]]; then
        echo "FAIL: exited with status $rc" >&2
        print_logs >&2
    fi
    if [[ ${EG_E2E_KEEP:-0} == 1 ]]; then
        echo "kept $TMP"
    else
        rm -rf "$TMP"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------
# Network: bridge (no address) + 4 namespaces.

probe_ns="$NS_PREFIX-probe"
if ! ip netns add "$probe_ns" 2>"$TMP/netns.err"; then
    skip "cannot create a network namespace ($(tr '\n' ' ' <"$TMP/netns.err")) - needs CAP_SYS_ADMIN"
fi
ip netns del "$probe_ns"

log "network: bridge $BRIDGE, namespaces $NS_PREFIX-1..4, 10.77.$SUBNET.0/24"
ip link add "$BRIDGE" type bridge
CREATED_BRIDGE=$BRIDGE
ip link set "$BRIDGE" up
for i in 1 2 3 4; do
    ip netns add "$(ns "$i")"
    CREATED_NS+=("$(ns "$i")")
    ip link add "$(host_veth "$i")" type veth peer name "egv${RUN_ID}n$i"
    ip link set "egv${RUN_ID}n$i" netns "$(ns "$i")"
    ip -n "$(ns "$i")" link set "egv${RUN_ID}n$i" name eth0
    ip -n "$(ns "$i")" addr add "10.77.$SUBNET.$i/24" dev eth0
    ip -n "$(ns "$i")" link set eth0 up
    ip -n "$(ns "$i")" link set lo up
    ip link set "$(host_veth "$i")" master "$BRIDGE"
    ip link set "$(host_veth "$i")" up
done

# The bridge may take a moment to forward (no STP by default, but be sure).
wait_ping() {
    local from=$1 to=$2 end=$((SECONDS + 10))
    until ip netns exec "$(ns "$from")" ping -c1 -W1 "$to" >/dev/null 2>&1; do
        ((SECONDS < end)) || fail "no connectivity from machine-$from to $to"
        sleep 0.2
    done
}
if command -v ping >/dev/null 2>&1; then
    for i in 2 3 4; do wait_ping 1 "10.77.$SUBNET.$i"; done
fi

# ---------------------------------------------------------------------------------------------
# Members.

start_member() {
    local i=$1 dir
    dir="$TMP/machine-$1"
    mkdir -p "$dir"
    # Each member runs from its own working directory: home-dir ./, data-dir ./data.
    (cd "$dir" && exec ip netns exec "$(ns "$i")" env PATH="$NS_PATH" HOST1="$HOST1" \
        HOST2="$HOST2" HOST3="$HOST3" CLUSTER="$CLUSTER" bash -c "${MEMBER_CMD[$i]}") \
        >"$dir/member.log" 2>&1 </dev/null &
    MEMBER_PID[i]=$!
    log "machine-$i started (pid ${MEMBER_PID[i]}): ${MEMBER_CMD[$i]}"
}

member_alive() {
    kill -0 "${MEMBER_PID[$1]}" 2>/dev/null
}

check_members_alive() {
    local i
    for i in "$@"; do
        if ! member_alive "$i"; then
            local rc=0
            wait "${MEMBER_PID[i]}" || rc=$?
            fail "machine-$i exited early with status $rc"
        fi
    done
}

# Table parsing: rows of `egctl get member` split on runs of tabs (rows end with padding tabs,
# dropped first); a secondary's STATE cell is empty, so its row has 5 fields. Prints
# "name|role|state|api-addr" per member.
parse_table() {
    awk -F'\t+' '
        { sub(/\t+$/, ""); $0 = $0 }
        NR == 1 && $1 == "NAME" { next }
        NF == 6 { print $1 "|" $2 "|" $4 "|" $5; next }
        NF == 5 { print $1 "|" $2 "||" $4; next }
        NF > 0  { print "BAD|" $0 }
    '
}

TABLE=""
ROWS=""
# fetch <ns index> <command>: sets TABLE and ROWS; false when egctl fails.
fetch() {
    TABLE=$(in_ns "$1" "$2" 2>&1) || { ROWS=""; return 1; }
    ROWS=$(printf '%s\n' "$TABLE" | parse_table)
}

field() { # field <name> <1=role|2=state|3=api>
    printf '%s\n' "$ROWS" | awk -F'|' -v n="$1" -v f="$2" '$1 == n { print $(f + 1) }'
}
count_rows() { printf '%s\n' "$ROWS" | grep -c . || true; }
count_state() { printf '%s\n' "$ROWS" | awk -F'|' -v s="$1" '$3 == s' | grep -c . || true; }

# Conditions on the last fetched table; each sets WHY when it does not hold.
WHY=""
three_primaries() {
    local n
    [[ $(count_rows) -eq 3 ]] || { WHY="want 3 rows"; return 1; }
    for n in machine-1 machine-2 machine-3; do
        [[ $(field "$n" 1) == primary ]] || { WHY="$n is not a primary row"; return 1; }
    done
    [[ $(count_state Leader) -eq 1 ]] || { WHY="want 1 Leader"; return 1; }
    [[ $(count_state Follower) -eq 2 ]] || { WHY="want 2 Followers"; return 1; }
}
four_members() {
    local n
    [[ $(count_rows) -eq 4 ]] || { WHY="want 4 rows"; return 1; }
    for n in machine-1 machine-2 machine-3; do
        [[ $(field "$n" 1) == primary ]] || { WHY="$n is not a primary row"; return 1; }
    done
    [[ $(field machine-4 1) == secondary ]] || { WHY="machine-4 is not a secondary row"; return 1; }
    [[ -z $(field machine-4 2) ]] || { WHY="machine-4 STATE is '$(field machine-4 2)', want empty"; return 1; }
    [[ $(count_state Leader) -eq 1 ]] || { WHY="want 1 Leader"; return 1; }
    [[ $(count_state Follower) -eq 2 ]] || { WHY="want 2 Followers"; return 1; }
}
leader_among_2_3() {
    local s1 s2 s3
    s1=$(field machine-1 2) s2=$(field machine-2 2) s3=$(field machine-3 2)
    [[ $(count_state Leader) -eq 1 ]] || { WHY="want exactly 1 Leader"; return 1; }
    [[ $s2 == Leader || $s3 == Leader ]] || { WHY="the Leader is not machine-2/3"; return 1; }
    # Its heartbeats cannot reach the majority any more: shown Offline after 3 intervals.
    [[ $s1 == Offline ]] || { WHY="machine-1 is '$s1', want Offline"; return 1; }
}
machine_1_leads() {
    four_members || return 1
    [[ $(field machine-1 2) == Leader ]] || { WHY="machine-1 is not the Leader"; return 1; }
}

# wait_table <what> <ns index> <command> <condition> [members that must stay alive...]
wait_table() {
    local what=$1 from=$2 cmd=$3 cond=$4 end
    shift 4
    end=$((SECONDS + DEADLINE))
    WHY="no answer yet"
    while :; do
        check_members_alive "$@"
        if fetch "$from" "$cmd"; then
            "$cond" && break
        else
            WHY="egctl failed: $(printf '%s' "$TABLE" | tail -n 1)"
        fi
        if ((SECONDS >= end)); then
            echo "last output of '$cmd' in machine-$from:" >&2
            printf '%s\n' "$TABLE" >&2
            fail "$what: not reached in ${DEADLINE}s ($WHY)"
        fi
        sleep 0.5
    done
    log "$what (from machine-$from: $cmd):"
    printf '%s\n' "$TABLE" | sed 's/^/    /'
}

# 1. The three primaries.
for i in 1 2 3; do start_member "$i"; done
wait_table "3 primaries, 1 Leader + 2 Followers" 1 "$GET_MEMBER_VIA_1" three_primaries 1 2 3

# 2. The secondary.
start_member 4
wait_table "4 members, machine-4 secondary" 1 "$GET_MEMBER_VIA_1" four_members 1 2 3 4
leader_before=$(printf '%s\n' "$ROWS" | awk -F'|' '$3 == "Leader" { print $1 }')
log "leader: $leader_before"

# Not part of the tutorial: make machine-1 the leader first, so that cutting it off really
# forces an election among machine-2/3 (etcdctl move-leader, when etcdctl is installed).
if [[ $leader_before != machine-1 ]]; then
    if command -v etcdctl >/dev/null 2>&1; then
        eps="http://$HOST1:2379,http://$HOST2:2379,http://$HOST3:2379"
        m1_id=$(in_ns 1 "etcdctl --endpoints=$eps member list" |
            awk -F', ' '$3 == "machine-1" { print $1 }')
        [[ -n $m1_id ]] || fail "etcdctl member list does not show machine-1"
        log "moving the etcd leadership to machine-1 ($m1_id) with etcdctl move-leader"
        in_ns 1 "etcdctl --endpoints=$eps move-leader $m1_id" ||
            fail "etcdctl move-leader $m1_id failed"
        wait_table "machine-1 leads" 1 "$GET_MEMBER_VIA_1" machine_1_leads 1 2 3 4
    else
        log "etcdctl not installed: machine-1 stays a follower, the cut tests a follower's loss"
    fi
fi

# 3. Cut machine-1 off.
log "cutting machine-1's link ($(host_veth 1) down)"
t_cut=$SECONDS
ip link set "$(host_veth 1)" down
wait_table "after the cut, a Leader among machine-2/3, machine-1 Offline" 2 "$GET_MEMBER_VIA_2" \
    leader_among_2_3 1 2 3 4
log "$((SECONDS - t_cut))s after the cut; machine-4 seen by machine-2: STATE '$(field machine-4 2)'"
# For the record only: what the isolated machine-1 answers.
t_iso=$SECONDS
iso_out=$(in_ns 1 "timeout 30 $GET_MEMBER_VIA_1" 2>&1) && iso_rc=0 || iso_rc=$?
log "isolated machine-1 answers (exit $iso_rc, $((SECONDS - t_iso))s):"
printf '%s\n' "$iso_out" | sed 's/^/    /'

# 4. Link back.
log "restoring machine-1's link ($(host_veth 1) up)"
t_up=$SECONDS
ip link set "$(host_veth 1)" up
wait_table "machine-1 back: 4 members, 1 Leader" 1 "$GET_MEMBER_VIA_1" four_members 1 2 3 4
log "machine-1 back $((SECONDS - t_up))s after the link came up"

# 5. Stop every member with SIGTERM, SIGKILL after 15 s.
stop_member() {
    kill -TERM "${MEMBER_PID[$1]}" 2>/dev/null || true
}
wait_stopped() {
    local i=$1 pid=${MEMBER_PID[$1]} end=$((SECONDS + 15)) rc=0
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < end)); do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
        echo "machine-$i did not stop within 15 s of SIGTERM: SIGKILL" >&2
        kill -KILL "$pid" 2>/dev/null || true
        STOP_PROBLEMS+=("machine-$i needed SIGKILL")
    fi
    wait "$pid" 2>/dev/null || rc=$?
    log "machine-$i exited with status $rc"
    [[ $rc -eq 0 ]] || STOP_PROBLEMS+=("machine-$i exited with status $rc after SIGTERM")
}
STOP_PROBLEMS=()
log "stopping machine-4 (SIGTERM)"
stop_member 4
wait_stopped 4
log "stopping machine-1..3 (SIGTERM)"
for i in 1 2 3; do stop_member "$i"; done
for i in 1 2 3; do wait_stopped "$i"; done

left=""
end=$((SECONDS + 5))
while :; do
    left=$(leftover_pids)
    [[ -z $left ]] && break
    ((SECONDS < end)) || break
    sleep 0.2
done
if [[ -n $left ]]; then
    for pid in $left; do
        echo "left over: $pid $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" >&2
    done
    fail "processes of the test remain after the members stopped"
fi
for i in 1 2 3 4; do
    [[ -f $TMP/machine-$i/easegress.pid ]] && STOP_PROBLEMS+=("machine-$i left easegress.pid")
done
if ((${#STOP_PROBLEMS[@]} > 0)); then
    fail "$(printf '%s; ' "${STOP_PROBLEMS[@]}")"
fi

# Tear down now (the trap does it again harmlessly) and check nothing of ours is listed.
for p in "${CREATED_NS[@]}"; do ip netns del "$p"; done
CREATED_NS=()
ip link del "$BRIDGE"
CREATED_BRIDGE=""
if ip netns list | grep -q "^$NS_PREFIX"; then
    fail "namespaces remain: $(ip netns list | grep "^$NS_PREFIX" | tr '\n' ' ')"
fi
if ip link show "$BRIDGE" >/dev/null 2>&1; then
    fail "bridge $BRIDGE remains"
fi

log "PASS (${SECONDS}s)"
