#!/usr/bin/env bash
# Runs one libFuzzer target for the fuzz.<name>.* tests and scripts/fuzz.
#
#   run_fuzzer.sh replay <fuzzer> <seed-dir> <work-dir>
#       runs every input of <seed-dir> once; fails on the first that crashes.
#   run_fuzzer.sh fuzz <fuzzer> <seed-dir> <work-dir> <seconds> [libFuzzer option...]
#       fuzzes for <seconds> from <seed-dir> and <work-dir>/corpus (where new inputs are kept);
#       a crash, leak, timeout or out-of-memory input is written to <work-dir>/ as
#       crash-*, leak-*, timeout-* or oom-* and fails the run. Prints libFuzzer's final stats.
#
# Environment: EG_FUZZ_RSS_LIMIT_MB (default 2048) and EG_FUZZ_INPUT_TIMEOUT (seconds, default
# 25) are the bounds above which one input is a finding.
set -euo pipefail

if [[ $# -lt 4 ]]; then
    echo "usage: $0 replay|fuzz <fuzzer> <seed-dir> <work-dir> [seconds]" >&2
    exit 2
fi
mode="$1" fuzzer="$2" seeds="$3" work="$4"
rss_limit="${EG_FUZZ_RSS_LIMIT_MB:-2048}"
input_timeout="${EG_FUZZ_INPUT_TIMEOUT:-25}"
mkdir -p "$work/corpus"

export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
common=(-rss_limit_mb="$rss_limit" -malloc_limit_mb="$rss_limit" -timeout="$input_timeout"
        -artifact_prefix="$work/")

case "$mode" in
replay)
    shopt -s nullglob
    inputs=("$seeds"/*)
    if [[ ${#inputs[@]} -eq 0 ]]; then
        echo "run_fuzzer: no input in $seeds" >&2
        exit 2
    fi
    # Given files (not directories), libFuzzer runs each once and stops.
    exec "$fuzzer" "${common[@]}" "${inputs[@]}"
    ;;
fuzz)
    seconds="${5:?seconds}"
    exec "$fuzzer" "${common[@]}" -max_total_time="$seconds" -print_final_stats=1 "${@:6}" \
        "$work/corpus" "$seeds"
    ;;
*)
    echo "run_fuzzer: unknown mode '$mode' (replay or fuzz)" >&2
    exit 2
    ;;
esac
