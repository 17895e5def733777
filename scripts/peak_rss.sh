#!/usr/bin/env bash
# Peak resident memory of `statecraft run` at two run counts.
#
# Memory must not grow with --runs: runs are simulated a chunk at a time,
# streamed to disk and folded into fixed-size accumulators (src/montecarlo.rs,
# src/output/mod.rs, src/stats.rs). This script builds the release binary, runs
# the teaching scenario at a small and a large run count, prints the peak
# resident set size (RSS) of each, and fails if the larger run needs more than
# MAX_RATIO times the memory of the smaller.
#
# It checks memory only; it is not a timing test.
#
# Why 10,000 runs at the low end: each metric's quantile sketch keeps up to
# 2,048 distinct values exactly (EXACT_DISTINCT in src/stats.rs) and then holds
# a fixed number of centroids. Below a few thousand runs the sketches are still
# filling, so memory rises with --runs until they are full (measured on a 2-core
# machine: about 11 MiB at 10,000 runs and 12 MiB at 100,000 for the teaching
# scenario); the
# check compares two counts past that warm-up.
#
# Usage:
#   scripts/peak_rss.sh [SMALL_RUNS [LARGE_RUNS]]      (defaults: 10000 100000)
#
# Environment:
#   SCENARIO   scenario to run        (default: scenarios/classic_cooperation.toml)
#   MAX_RATIO  allowed large/small    (default: 1.5)
#   THREADS    passed as --threads    (default: unset, i.e. all cores)
#
# Peak RSS is read from GNU time (`/usr/bin/time -v`; on Debian or Ubuntu:
# `apt-get install time`). Without it, the script polls VmHWM in
# /proc/<pid>/status, which can miss a peak in the last few milliseconds.
#
# Exit status: 0 if memory stays flat, 1 if it grows, 2 on a usage or build error.

set -euo pipefail

small=${1:-10000}
large=${2:-100000}
scenario=${SCENARIO:-scenarios/classic_cooperation.toml}
max_ratio=${MAX_RATIO:-1.5}

die() {
    echo "peak_rss: $*" >&2
    exit 2
}

[[ $small =~ ^[1-9][0-9]*$ && $large =~ ^[1-9][0-9]*$ ]] || die "run counts must be positive integers (got '$small' '$large')"
(( large > small )) || die "LARGE_RUNS ($large) must exceed SMALL_RUNS ($small)"
[[ $max_ratio =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "MAX_RATIO must be a number (got '$max_ratio')"

cd "$(dirname "${BASH_SOURCE[0]}")/.."
[[ -f $scenario ]] || die "no scenario file $scenario"

echo "building the release binary..." >&2
build_log=$(cargo build --release --bin statecraft --message-format=json-render-diagnostics) ||
    die "cargo build --release failed"
bin=$(printf '%s\n' "$build_log" |
    sed -n 's/.*"executable":"\([^"]*\/statecraft\)".*/\1/p' | tail -n 1)
[[ -n $bin && -x $bin ]] || die "cannot find the statecraft executable in cargo's output"

gnu_time=
if [[ -x /usr/bin/time ]] && /usr/bin/time -v true >/dev/null 2>&1; then
    gnu_time=/usr/bin/time
else
    echo "peak_rss: GNU time not found (Debian/Ubuntu: apt-get install time);" \
        "falling back to polling VmHWM in /proc, which may under-read the peak" >&2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Peak RSS in KiB of `statecraft run` with $1 runs.
peak_kib() {
    local runs=$1
    local args=(run "$scenario" --runs "$runs" --quiet --force --out "$tmp/out-$runs")
    [[ -n ${THREADS:-} ]] && args+=(--threads "$THREADS")
    if [[ -n $gnu_time ]]; then
        "$gnu_time" -v -o "$tmp/time-$runs" "$bin" "${args[@]}" ||
            die "statecraft exited with status $? for --runs $runs"
        awk -F': *' '/Maximum resident set size/ { print $2 }' "$tmp/time-$runs"
    else
        "$bin" "${args[@]}" &
        local pid=$! hwm=0 kib
        while kill -0 "$pid" 2>/dev/null; do
            kib=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
            [[ -n $kib ]] && (( kib > hwm )) && hwm=$kib
            sleep 0.02
        done
        wait "$pid" || die "statecraft exited with status $? for --runs $runs"
        echo "$hwm"
    fi
}

echo "scenario $scenario" >&2
small_kib=$(peak_kib "$small")
large_kib=$(peak_kib "$large")
[[ $small_kib =~ ^[0-9]+$ && $large_kib =~ ^[0-9]+$ && $small_kib -gt 0 ]] ||
    die "could not read peak RSS (got '$small_kib' and '$large_kib')"

awk -v s="$small" -v l="$large" -v a="$small_kib" -v b="$large_kib" -v m="$max_ratio" 'BEGIN {
    r = b / a
    printf "peak RSS with %6d runs: %8d KiB (%.1f MiB)\n", s, a, a / 1024
    printf "peak RSS with %6d runs: %8d KiB (%.1f MiB)\n", l, b, b / 1024
    printf "ratio: %.2f (limit %s)\n", r, m
    if (r > m) {
        printf "FAIL: memory grows with the number of runs\n"
        exit 1
    }
    printf "ok: memory does not grow with the number of runs\n"
}'
