#!/usr/bin/env bash
# bench/import.sh — nazarctl import wxr on a generated WordPress export of
# 100,000 comments, next to one of 10,000 in the same run: comments a
# second, seconds, and peak memory (RSS) of the dry run (reading, cleaning
# and deciding, no writes) and of the import into a fresh database; then a
# second run of the big file, which must add nothing. See README.md.
#
# Env: BENCH_SIZES ("10000 100000": the first is the baseline).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
NAZAR_TOP=$top
# shellcheck source=../dev/lib.sh
. "$top/dev/lib.sh"

sizes=${BENCH_SIZES:-10000 100000}
for v in $sizes; do
	case $v in '' | *[!0-9]*) die "BENCH_SIZES must be numbers" ;; esac
	[ "$v" -ge 100 ] && [ "$v" -le 10000000 ] || die "BENCH_SIZES: each 100..10000000"
done

# shellcheck disable=SC2086
ensure_packages $NAZAR_BUILD_DEPS python3 time
# The plain (optimized, no sanitizers) build, as in production.
build_tree "$top/build/run"
ctl=$top/build/run/nazarctl

dir=$(mktemp -d "${TMPDIR:-/tmp}/nazar-import-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# measure NAME CONF N ARGS… — runs nazarctl under /usr/bin/time; prints a
# row: wall seconds and comments a second (of the N records read), CPU
# seconds (user + system) and comments a CPU second, peak RSS in MiB. On a
# shared machine the CPU figures are the steadier ones; the wall clock
# also holds the fsyncs of each batch's commit.
measure() {
	local name=$1 conf=$2 n=$3
	shift 3
	/usr/bin/time -f '%e %U %S %M' -o "$dir/time" "$ctl" -c "$conf" "$@" >"$dir/out" 2>"$dir/err" ||
		{ cat "$dir/err" >&2; die "$name failed"; }
	local secs user sys kb
	read -r secs user sys kb <"$dir/time"
	awk -v name="$name" -v n="$n" -v s="$secs" -v u="$user" -v y="$sys" -v kb="$kb" 'BEGIN {
		c = u + y
		printf "%-24s %7.2f s %7.0f/s   cpu %6.2f s %7.0f/s   peak RSS %6.1f MiB\n",
		    name, s, (s > 0 ? n / s : 0), c, (c > 0 ? n / c : 0), kb / 1024 }'
}

echo "nazar $("$top/build/run/nazar" -V | awk '{ print $2 }'), $(nproc) cores," \
	"sqlite $(pkg-config --modversion sqlite3), libxml2 $(pkg-config --modversion libxml-2.0)"
for n in $sizes; do
	file=$dir/export-$n.xml
	python3 "$top/bench/import_gen.py" "$n" "$file"
	conf=$dir/nazar-$n.conf
	printf '[database]\npath = %s/nazar-%s.db\n[site]\narticle_url = https://www.example.ir/news/{article}\n' \
		"$dir" "$n" >"$conf"
	"$ctl" -c "$conf" init >/dev/null
	echo "export of $n comments: $(du -m "$file" | cut -f1) MiB"
	measure "dry run" "$conf" "$n" import wxr "$file" --dry-run
	measure "import (fresh database)" "$conf" "$n" import wxr "$file"
	grep -E '^(added|skipped|replies)' "$dir/out" | sed 's/^/    /'
	measure "again (nothing new)" "$conf" "$n" import wxr "$file"
	grep -q '^added: 0$' "$dir/out" || die "the second run added comments"
	rm -f "$file"
done
