#!/usr/bin/env bash
# bench/checks.sh — what the blocklist's checks cost a post: cleaning,
# folding and matching against 10,000 entries, next to the same post
# path with cleaning only, in one run. See README.md.
#
# Env: BENCH_ROUNDS (200: rounds of the whole corpus per scenario).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
NAZAR_TOP=$top
# shellcheck source=../dev/lib.sh
. "$top/dev/lib.sh"

rounds=${BENCH_ROUNDS:-200}
case $rounds in '' | *[!0-9]*) die "BENCH_ROUNDS must be a number" ;; esac
[ "$rounds" -ge 5 ] && [ "$rounds" -le 1000 ] || die "BENCH_ROUNDS must be 5..1000"

# shellcheck disable=SC2086
ensure_packages $NAZAR_BUILD_DEPS
# The plain (optimized, no sanitizers) build, as in production.
build_tree "$top/build/run"
bin=$top/build/run
# The benchmark program, no part of nazar: make builds it on request,
# against the library of that tree with its flags.
build_program "$bin" bench/checks_bench

dir=$(mktemp -d "${TMPDIR:-/tmp}/nazar-checks-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "nazar $("$bin/nazar" -V | awk '{ print $2 }'), $(nproc) cores, utf8proc $(pkg-config --modversion libutf8proc)"
"$bin/bench/checks_bench" -r "$rounds" "$dir"
