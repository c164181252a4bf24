#!/usr/bin/env bash
# bench/thread.sh — requests per second of the thread fragment through
# nginx, next to nginx serving a static file of the same size. See README.md.
#
# Env: BENCH_SECONDS (10), BENCH_CONNECTIONS (50), BENCH_THREADS (2),
# BENCH_WORKERS (nazar's worker threads, 4), BENCH_COMMENTS (20).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
NAZAR_TOP=$top
# shellcheck source=../dev/lib.sh
. "$top/dev/lib.sh"
# shellcheck source=lib.sh
. "$top/bench/lib.sh"

secs=${BENCH_SECONDS:-10}
conns=${BENCH_CONNECTIONS:-50}
threads=${BENCH_THREADS:-2}
workers=${BENCH_WORKERS:-4}
comments=${BENCH_COMMENTS:-20}
for v in "$secs" "$conns" "$threads" "$workers" "$comments"; do
	case $v in '' | *[!0-9]*) die "BENCH_* values must be numbers" ;; esac
done
[ "$secs" -ge 1 ] && [ "$secs" -le 120 ] || die "BENCH_SECONDS must be 1..120"
[ "$workers" -ge 1 ] && [ "$workers" -le 64 ] || die "BENCH_WORKERS must be 1..64"

# shellcheck disable=SC2086
ensure_packages $NAZAR_BUILD_DEPS $NAZAR_RUN_DEPS $NAZAR_BENCH_DEPS
# The plain (optimized, no sanitizers) build, as in production.
build_tree "$top/build/run"
bin=$top/build/run

dir=$(mktemp -d "${TMPDIR:-/tmp}/nazar-bench.XXXXXX")
chmod 755 "$dir"
pids=()
cleanup() {
	local pid
	for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
	for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port=$(free_port)
art=bench-article
write_nazar_conf "$dir/nazar.conf" "$dir/nazar.sock" "$dir/nazar.db" "$port" fa
sed -i -e "s/^workers = .*/workers = $workers/" -e 's/^level = .*/level = warn/' "$dir/nazar.conf"
# nazar's own speed: every request reaches it (no fastcgi_cache).
NAZAR_NGINX_CACHE=off write_nginx_conf "$dir/nginx.conf" "$dir" "$port" "unix:$dir/nazar.sock"
"$bin/nazarctl" -c "$dir/nazar.conf" init >/dev/null

# A thread that looks like a real one: Persian comments of a few lines,
# some of them replies.
parent=""
for i in $(seq "$comments"); do
	args=(--article "$art" --name "خواننده $i" --status approved
		--body "نظر شمارهٔ $i دربارهٔ کتابخانهٔ تازه. ساعت کار، فهرست کتاب‌ها و برنامه‌های کودکان همه خوب است؛ فقط جای پارک کم است.")
	if [ $((i % 4)) -eq 0 ] && [ -n "$parent" ]; then
		args+=(--parent "$parent")
	fi
	id=$("$bin/nazarctl" -c "$dir/nazar.conf" comment add "${args[@]}")
	[ $((i % 4)) -eq 1 ] && parent=$id
done

"$bin/nazar" -c "$dir/nazar.conf" 2>>"$dir/nazar.log" &
pids+=("$!")
wait_for_file "$dir/nazar.sock" 10 || die "nazar did not start: $(tail -n 5 "$dir/nazar.log")"
nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/log/nginx-error.log" &
pids+=("$!")
wait_for_port "$port" 10 || die "nginx did not start"

thread_url="http://127.0.0.1:$port/comments/thread?article=$art"
static_url="http://127.0.0.1:$port/thread-copy.html"
curl -fsS -o "$dir/www/thread-copy.html" "$thread_url" || die "the thread does not answer"
size=$(wc -c <"$dir/www/thread-copy.html")
shown=$(grep -o 'id="nazar-comment-' "$dir/www/thread-copy.html" | wc -l)
[ "$shown" -eq "$comments" ] || die "the thread shows $shown comments, not $comments"

# run_wrk URL — prints requests/s; refuses a run with errors or non-2xx.
run_wrk() {
	wrk_run "$dir/wrk.out" -t"$threads" -c"$conns" -d"${secs}s" "$1" | awk '{ print $1 }'
}

echo "nazar $("$bin/nazar" -V | awk '{ print $2 }'), $(nproc) cores, wrk -t$threads -c$conns -d${secs}s," \
	"$workers nazar workers, $comments comments, $size bytes"
static_rps=$(run_wrk "$static_url")
thread_rps=$(run_wrk "$thread_url")
# The smallest FastCGI answer nazar gives (health: one SQLite ping, a
# 40-byte body): what nginx → FastCGI → nazar costs before any work.
health_rps=$(run_wrk "${thread_url%%/thread?*}/health")
printf 'static file (nginx alone):   %10.0f req/s\n' "$static_rps"
printf 'health (FastCGI, no work):   %10.0f req/s\n' "$health_rps"
printf 'thread fragment (nazar):     %10.0f req/s\n' "$thread_rps"
awk -v a="$thread_rps" -v b="$static_rps" -v h="$health_rps" \
	'BEGIN { printf "ratio thread/static:         %10.3f\n", (b > 0 ? a / b : 0);
	         printf "ratio health/static:         %10.3f\n", (b > 0 ? h / b : 0);
	         printf "ratio thread/health:         %10.3f\n", (h > 0 ? a / h : 0) }'
