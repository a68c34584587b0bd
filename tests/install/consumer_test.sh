#!/usr/bin/env bash
# Proves that another project can find_package(eg) and link eg::config from an installed tree.
# Usage: consumer_test.sh <top source dir> <top build dir> <scratch dir>
# Honours CXX and CMAKE_GENERATOR from the environment for the consumer build.
set -euo pipefail

if [[ $# -ne 3 ]]; then
    echo "usage: $0 <source-dir> <build-dir> <scratch-dir>" >&2
    exit 2
fi
source_dir="$(cd "$1" && pwd)"
build_dir="$(cd "$2" && pwd)"
scratch="$3"

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

case "$scratch" in
    "" | "/") fail "refusing to use '$scratch' as the scratch directory" ;;
esac
rm -rf -- "$scratch"
mkdir -p -- "$scratch"
scratch="$(cd "$scratch" && pwd)"
prefix="$scratch/prefix"
consumer_build="$scratch/consumer-build"

echo "== install $build_dir into $prefix"
cmake --install "$build_dir" --prefix "$prefix"

installed_headers="$prefix/include/eg"
[[ -d "$installed_headers" ]] || fail "no headers installed in $installed_headers"
if ! find "$installed_headers" -name '*.hpp' -print -quit | grep -q .; then
    fail "no .hpp files installed in $installed_headers"
fi

echo "== check that the installed headers never include Poco"
if grep -rn "Poco/" "$installed_headers"; then
    fail "installed eg headers mention Poco (lines above)"
fi

echo "== configure the consumer project"
cmake -S "$source_dir/tests/install/consumer" -B "$consumer_build" \
    -DCMAKE_PREFIX_PATH="$prefix" \
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
    -DCMAKE_BUILD_TYPE=Release

eg_dir="$(sed -n 's/^eg_DIR:PATH=//p' "$consumer_build/CMakeCache.txt")"
case "$eg_dir" in
    "$prefix"/*) echo "found eg in $eg_dir" ;;
    *) fail "find_package(eg) used '$eg_dir', not the installed tree under $prefix" ;;
esac

echo "== build the consumer project"
cmake --build "$consumer_build"

echo "== run the consumer"
output="$("$consumer_build/consumer")" || fail "consumer exited with status $?"
echo "$output"

if [[ ! "$output" =~ ^eg\ options:\ ([0-9]+)$ ]]; then
    fail "expected exactly one line 'eg options: N', got: $output"
fi
count="${BASH_REMATCH[1]}"
if ((10#$count <= 30)); then
    fail "expected more than 30 declared options, got $count"
fi

echo "PASS: consumer found eg::config in the installed tree and sees $count options"
