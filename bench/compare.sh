#!/usr/bin/env bash
# bench/compare.sh — two builds of nazar side by side on the rendered
# thread: the 50-comment thread of bench/run, asked for with a reader's
# cookie (so nazar renders it every time), and /comments/health, round
# after round, the two builds in turn, on one database. See README.md.
#
#     bench/compare.sh OLD-BUILD-DIR NEW-BUILD-DIR
#
# A build dir holds nazar and nazarctl (e.g. build/run, or a copy of it
# made before a change). Both serve the same templates and strings (this
# tree's). Before measuring, the pages of both must be the same bytes (the
# form tokens aside): the thread, the embed page, thread.json, a replies
# page and the newest-first order; else it says where they differ and
# stops. Then for each round and build: wrk on health and on the thread,
# each with nazar's CPU time a request (user + system, /proc), and the
# thread's rate against health. At the end the medians, and the new
# build's CPU a page against the old one's per round (the ratio a busy
# machine moves least). With BENCH_CALLGRIND=1 it also counts, under
# valgrind's callgrind, the instructions each build runs for 50 pages
# (user space only, and independent of the machine's load).
#
# Env: BENCH_ROUNDS (3), BENCH_SECONDS (5), BENCH_CONNECTIONS (32),
# BENCH_THREADS (2), BENCH_WORKERS (4), BENCH_CALLGRIND (0).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
NAZAR_TOP=$top
# shellcheck source=../dev/lib.sh
. "$top/dev/lib.sh"
# shellcheck source=lib.sh
. "$top/bench/lib.sh"

[ $# -eq 2 ] || die "usage: bench/compare.sh OLD-BUILD-DIR NEW-BUILD-DIR"
old=$(cd "$1" && pwd) new=$(cd "$2" && pwd)
for b in "$old" "$new"; do
	[ -x "$b/nazar" ] && [ -x "$b/nazarctl" ] || die "$b has no nazar and nazarctl"
done
rounds=${BENCH_ROUNDS:-3}
secs=${BENCH_SECONDS:-5}
conns=${BENCH_CONNECTIONS:-32}
threads=${BENCH_THREADS:-2}
workers=${BENCH_WORKERS:-4}
callgrind=${BENCH_CALLGRIND:-0}
for v in "$rounds" "$secs" "$conns" "$threads" "$workers" "$callgrind"; do
	case $v in '' | *[!0-9]*) die "BENCH_* values must be numbers" ;; esac
done
[ "$rounds" -ge 1 ] && [ "$rounds" -le 20 ] || die "BENCH_ROUNDS must be 1..20"
[ "$secs" -ge 1 ] && [ "$secs" -le 120 ] || die "BENCH_SECONDS must be 1..120"
[ "$workers" -ge 1 ] && [ "$workers" -le 64 ] || die "BENCH_WORKERS must be 1..64"

# shellcheck disable=SC2086
ensure_packages $NAZAR_RUN_DEPS $NAZAR_BENCH_DEPS
[ "$callgrind" -eq 0 ] || ensure_packages valgrind

dir=$(mktemp -d "${TMPDIR:-/tmp}/nazar-compare.XXXXXX")
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

# A nazar and an nginx for each build (A old, B new), each with its own
# copy of one database (made by the old build, so that a newer schema does
# not stop it; the new one upgrades its copy). Both configurations name
# the same article URL, so that the pages' bytes can be compared.
declare -A port
port[A]=$(free_port)
port[B]=$(free_port "${port[A]}")
for s in A B; do
	mkdir -p "$dir/$s"
	write_nazar_conf "$dir/$s/nazar.conf" "$dir/$s/nazar.sock" "$dir/$s/nazar.db" "${port[A]}" fa
	sed -i -e "s/^workers = .*/workers = $workers/" -e 's/^level = .*/level = warn/' \
		"$dir/$s/nazar.conf"
	printf '\n[antispam]\nper_minute = 0\nper_hour = 0\n' >>"$dir/$s/nazar.conf"
	NAZAR_NGINX_CACHE=off write_nginx_conf "$dir/$s/nginx.conf" "$dir/$s" "${port[$s]}" \
		"unix:$dir/$s/nazar.sock"
	sed -i "s|^\\(\\s*access_log\\) .*|\\1 off;|" "$dir/$s/nginx.conf"
done
ctl() { "$old/nazarctl" -c "$dir/A/nazar.conf" "$@"; }
ctl init >/dev/null

# The thread of bench/run: 50 approved Persian comments, every fourth a
# reply, and 5 held.
art=bench-article
msg "making the thread"
fa_body() { printf 'نظر شمارهٔ %s دربارهٔ کتابخانهٔ تازه. ساعت کار، فهرست کتاب‌ها و برنامه‌های کودکان همه خوب است؛ فقط جای پارک کم است.' "$1"; }
parent="" first=""
for i in $(seq 50); do
	a=(--article "$art" --name "خواننده $i" --status approved --body "$(fa_body "$i")")
	[ $((i % 4)) -eq 0 ] && [ -n "$parent" ] && a+=(--parent "$parent")
	id=$(ctl comment add "${a[@]}")
	[ $((i % 4)) -eq 1 ] && parent=$id
	[ -n "$first" ] || first=$id
done
for i in $(seq 5); do
	ctl comment add --article "$art" --name "منتظر $i" --status pending --body "$(fa_body "h$i")" >/dev/null
done

declare -A child nazar_pid
start_nazar() { # SIDE BUILD [WRAPPER…]
	local s=$1 b=$2
	shift 2
	"$@" "$b/nazar" -c "$dir/$s/nazar.conf" 2>>"$dir/$s/nazar.log" &
	nazar_pid[$s]=$!
	pids+=("$!")
	wait_for_file "$dir/$s/nazar.sock" 60 || die "nazar ($s) did not start: $(tail -n 5 "$dir/$s/nazar.log")"
}
start_nginx() { # SIDE
	nginx -p "$dir/$1" -c "$dir/$1/nginx.conf" -e "$dir/$1/log/nginx-error.log" &
	pids+=("$!")
	wait_for_port "${port[$1]}" 10 || die "nginx ($1) did not start"
	child[$1]=$(pgrep -n -P "${nazar_pid[$1]}" || echo "${nazar_pid[$1]}")
}
start_nazar A "$old"
start_nginx A

# A reader who posted: their held comment is in their thread.
base=http://127.0.0.1:${port[A]}
json=$(curl -fsS "$base/comments/thread.json?article=$art")
token=$(grep -o '"form":{[^}]*}' <<<"$json" | grep -o '"token":"[^"]*"' | sed 's/.*:"//; s/"$//')
[ -n "$token" ] || die "thread.json carries no form token"
sleep 4	# past min_seconds
cookie=$(curl -sS -o /dev/null -D - "$base/comments/post" --data-urlencode "article=$art" \
	--data-urlencode "token=$token" --data-urlencode "name=نویسنده" \
	--data-urlencode "body=نظر خود خواننده که هنوز منتظر بررسی است" |
	tr -d '\r' | grep -io '^set-cookie: nazar_own=[^;]*' | sed 's/^[^:]*: //')
[ -n "$cookie" ] || die "posting gave no reader cookie"
sqlite3 "$dir/A/nazar.db" ".backup '$dir/B/nazar.db'" || die "cannot copy the database"
start_nazar B "$new"
start_nginx B

# The same bytes from both, the tokens (made each second) aside.
pages() { # PORT
	local u=http://127.0.0.1:$1/comments
	curl -fsS -H "Cookie: $cookie" "$u/thread?article=$art"
	curl -fsS "$u/embed?article=$art"
	curl -fsS -H "Cookie: $cookie" "$u/thread.json?article=$art"
	curl -fsS -H "Cookie: $cookie" "$u/replies?article=$art&comment=$first"
	curl -fsS "$u/thread?article=$art&sort=newest"
}
mask() { sed -E 's/name="token" value="[^"]*"/TOKEN/g; s/"token":"[^"]*"/TOKEN/g'; }
pages "${port[A]}" | mask >"$dir/A.pages"
pages "${port[B]}" | mask >"$dir/B.pages"
if ! cmp -s "$dir/A.pages" "$dir/B.pages"; then
	diff <(tr '>' '\n' <"$dir/A.pages") <(tr '>' '\n' <"$dir/B.pages") | head -n 20 >&2
	die "the two builds do not answer the same bytes"
fi
thread_url_path="/comments/thread?article=$art"
bytes=$(curl -fsS -H "Cookie: $cookie" "$base$thread_url_path" | wc -c)
msg "same pages from both builds; the thread with the cookie is $bytes bytes"

tck=$(getconf CLK_TCK)
out=$dir/wrk.out
W=(-t"$threads" -c"$conns" -d"${secs}s" --timeout 10s)
declare -A rate cpu
measure() { # SIDE NAME WRK-ARGS… — rate and CPU ms a request, recorded
	local s=$1 nm=$2 line t0 t1 n
	shift 2
	t0=$(cpu_ticks "${child[$s]}")
	line=$(wrk_run "$out" "${W[@]}" "$@") || exit 1
	t1=$(cpu_ticks "${child[$s]}")
	n=$(awk '{ print $4 }' <<<"$line")
	rate[$s.$nm]+=" $(awk '{ print $1 }' <<<"$line")"
	cpu[$s.$nm]+=" $(awk -v a="$t0" -v b="$t1" -v t="$tck" -v n="$n" \
		'BEGIN { printf "%.4f", (n > 0 ? (b - a) * 1000 / t / n : 0) }')"
}
last() { awk '{ print $NF }' <<<"$1"; }
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
cpu_ratios=()
for round in $(seq "$rounds"); do
	for s in A B; do
		u=http://127.0.0.1:${port[$s]}
		measure "$s" health "$u/comments/health"
		measure "$s" thread -H "Cookie: $cookie" "$u$thread_url_path"
		printf 'round %d %s: health %6.0f req/s %.3f ms CPU | thread %5.0f req/s %.3f ms CPU | thread/health %.3f | load %s\n' \
			"$round" "$([ $s = A ] && echo old || echo new)" \
			"$(last "${rate[$s.health]}")" "$(last "${cpu[$s.health]}")" \
			"$(last "${rate[$s.thread]}")" "$(last "${cpu[$s.thread]}")" \
			"$(awk -v a="$(last "${rate[$s.thread]}")" -v b="$(last "${rate[$s.health]}")" 'BEGIN { print a / b }')" \
			"$(cut -d' ' -f1 /proc/loadavg)"
	done
	cpu_ratios+=("$(awk -v a="$(last "${cpu[B.thread]}")" -v b="$(last "${cpu[A.thread]}")" 'BEGIN { print a / b }')")
done
printf '\nbench/compare.sh %s %s: %d rounds of %d s, wrk -t%d -c%d, %d workers; load average %s before, %s after\n' \
	"$1" "$2" "$rounds" "$secs" "$threads" "$conns" "$workers" "$load_before" "$(cut -d' ' -f1-3 /proc/loadavg)"
for s in A B; do
	# shellcheck disable=SC2086
	printf '%s: thread %.0f req/s, %.3f ms CPU a page; health %.0f req/s, %.3f ms CPU\n' \
		"$([ $s = A ] && echo old || echo new)" "$(median ${rate[$s.thread]})" \
		"$(median ${cpu[$s.thread]})" "$(median ${rate[$s.health]})" "$(median ${cpu[$s.health]})"
done
printf 'new / old, CPU a page (median of the rounds): %.2f\n' "$(median "${cpu_ratios[@]}")"

[ "$callgrind" -eq 0 ] && exit 0
# Instructions: each build in turn under callgrind (one worker's requests
# counted from zero after a warm-up), 50 pages.
for s in A B; do
	b=$old
	[ $s = B ] && b=$new
	kill -TERM "${nazar_pid[$s]}" 2>/dev/null || true
	wait "${nazar_pid[$s]}" 2>/dev/null || true
	rm -f "$dir/$s/nazar.sock"
	start_nazar "$s" "$b" valgrind --tool=callgrind --trace-children=yes \
		--callgrind-out-file="$dir/$s/cg.%p"
	u=http://127.0.0.1:${port[$s]}$thread_url_path
	for _ in $(seq 10); do curl -fsS -o /dev/null -H "Cookie: $cookie" "$u"; done
	callgrind_control -z "${nazar_pid[$s]}" >/dev/null 2>&1 || true
	for p in $(pgrep -P "${nazar_pid[$s]}"); do callgrind_control -z "$p" >/dev/null 2>&1 || true; done
	for _ in $(seq 50); do curl -fsS -o /dev/null -H "Cookie: $cookie" "$u"; done
	for p in $(pgrep -P "${nazar_pid[$s]}"); do callgrind_control -d "$p" >/dev/null 2>&1 || true; done
	sleep 1
	ir=$(cat "$dir/$s"/cg.*.1 2>/dev/null | awk '/^summary:/ { if ($2 > m) m = $2 } END { print m + 0 }')
	printf '%s: %.2f million instructions a page (callgrind, 50 pages)\n' \
		"$([ $s = A ] && echo old || echo new)" "$(awk -v i="$ir" 'BEGIN { print i / 50 / 1e6 }')"
done
