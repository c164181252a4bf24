#!/usr/bin/env bash
# bench/queue.sh — the moderation queue on a database of a million
# comments, next to the same calls on 10,000, in one run. See README.md.
#
# Env: BENCH_SIZES ("10000 1000000": the first is the baseline, the last
# the one compared), BENCH_REPS (200 runs a scenario), BENCH_BUDGET (15:
# seconds a scenario may take before it stops early), BENCH_SQL (SQL run
# on each database before timing, e.g. an index to try), BENCH_PLANS (1:
# print the query plans).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
NAZAR_TOP=$top
# shellcheck source=../dev/lib.sh
. "$top/dev/lib.sh"

sizes=${BENCH_SIZES:-10000 1000000}
reps=${BENCH_REPS:-200}
budget=${BENCH_BUDGET:-15}
for v in $sizes "$reps" "$budget"; do
	case $v in '' | *[!0-9]*) die "BENCH_SIZES, BENCH_REPS and BENCH_BUDGET must be numbers" ;; esac
done
n=0
for v in $sizes; do
	[ "$v" -ge 1000 ] && [ "$v" -le 10000000 ] || die "BENCH_SIZES: each 1000..10000000"
	n=$((n + 1))
done
[ "$n" -ge 1 ] && [ "$n" -le 4 ] || die "BENCH_SIZES: one to four sizes"
[ "$reps" -ge 1 ] && [ "$reps" -le 10000 ] || die "BENCH_REPS must be 1..10000"
[ "$budget" -ge 1 ] && [ "$budget" -le 3600 ] || die "BENCH_BUDGET must be 1..3600"

# shellcheck disable=SC2086
ensure_packages $NAZAR_BUILD_DEPS
# The plain (optimized, no sanitizers) build, as in production.
build_tree "$top/build/run"
bin=$top/build/run
# The benchmark program, no part of nazar: make builds it on request,
# against the library of that tree with its flags.
build_program "$bin" bench/queue_bench

dir=$(mktemp -d "${TMPDIR:-/tmp}/nazar-queue-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

args=(-r "$reps" -t "$budget")
[ -n "${BENCH_SQL:-}" ] && args+=(-x "$BENCH_SQL")
[ "${BENCH_PLANS:-0}" = 1 ] && args+=(-p)
echo "nazar $("$bin/nazar" -V | awk '{ print $2 }'), $(nproc) cores, sqlite $(pkg-config --modversion sqlite3)"
# shellcheck disable=SC2086
"$bin/bench/queue_bench" "${args[@]}" "$dir" $sizes
