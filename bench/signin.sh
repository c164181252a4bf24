#!/usr/bin/env bash
# bench/signin.sh — what a moderator's sign-in costs: the Argon2id
# parameters, the time of one sign-in through nginx, and nazar's memory and
# the public thread's latency while 50 sign-in attempts arrive at once, for
# a few settings of [server] workers and [admin] hash_concurrency, and once
# with the default sign-in throttle. See README.md.
#
# Env: BENCH_SAMPLES (20 sign-ins of each kind), BENCH_FLOOD (50 parallel
# attempts), BENCH_RUNS ("4:2 16:2 16:8": workers:hash_concurrency of each
# flood), BENCH_VERIFY (10 in-process Argon2id verifications).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
NAZAR_TOP=$top
# shellcheck source=../dev/lib.sh
. "$top/dev/lib.sh"

samples=${BENCH_SAMPLES:-20}
flood=${BENCH_FLOOD:-50}
runs=${BENCH_RUNS:-4:2 16:2 16:8}
verifies=${BENCH_VERIFY:-10}
for v in "$samples" "$flood" "$verifies"; do
	case $v in '' | *[!0-9]*) die "BENCH_SAMPLES, BENCH_FLOOD and BENCH_VERIFY must be numbers" ;; esac
done
[ "$samples" -ge 1 ] && [ "$samples" -le 200 ] || die "BENCH_SAMPLES must be 1..200"
[ "$flood" -ge 2 ] && [ "$flood" -le 500 ] || die "BENCH_FLOOD must be 2..500"
[ "$verifies" -ge 1 ] && [ "$verifies" -le 100 ] || die "BENCH_VERIFY must be 1..100"
for r in $runs; do
	case $r in
	[0-9]*:[0-9]*) ;;
	*) die "BENCH_RUNS: each run is WORKERS:HASH_CONCURRENCY, e.g. 16:8" ;;
	esac
	w=${r%%:*} h=${r#*:}
	case $w$h in *[!0-9]*) die "BENCH_RUNS: \"$r\" is not WORKERS:HASH_CONCURRENCY" ;; esac
	[ "$w" -ge 1 ] && [ "$w" -le 64 ] && [ "$h" -ge 1 ] && [ "$h" -le 16 ] ||
		die "BENCH_RUNS: workers 1..64, hash_concurrency 1..16"
done

# shellcheck disable=SC2086
ensure_packages $NAZAR_BUILD_DEPS $NAZAR_RUN_DEPS
# The plain (optimized, no sanitizers) build, as in production.
build_tree "$top/build/run"
bin=$top/build/run
# Argon2id as nazar calls it, timed without HTTP: bench/pwhash_probe.c.
build_program "$bin" bench/pwhash_probe

dir=$(mktemp -d "${TMPDIR:-/tmp}/nazar-signin-bench.XXXXXX")
chmod 755 "$dir"
nazar_pid=""
pids=()
cleanup() {
	local pid
	for pid in $nazar_pid "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
	for pid in $nazar_pid "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port=$(free_port)
art=bench-article
user=editor
pw=bench-password-0123
base_url="http://127.0.0.1:$port/comments"
write_nazar_conf "$dir/base.conf" "$dir/nazar.sock" "$dir/nazar.db" "$port" fa
sed -i 's/^level = .*/level = error/' "$dir/base.conf"
# The thread's latency is nazar's own: every request reaches it.
NAZAR_NGINX_CACHE=off write_nginx_conf "$dir/nginx.conf" "$dir" "$port" "unix:$dir/nazar.sock"
cp "$dir/base.conf" "$dir/nazar.conf"
"$bin/nazarctl" -c "$dir/nazar.conf" init >/dev/null
printf '%s\n' "$pw" | "$bin/nazarctl" -c "$dir/nazar.conf" user add "$user" --role admin >/dev/null
for i in $(seq 20); do
	"$bin/nazarctl" -c "$dir/nazar.conf" comment add --article "$art" --name "خواننده $i" \
		--status approved --body "نظر شمارهٔ $i دربارهٔ کتابخانهٔ تازهٔ شهر." >/dev/null
done

# start_nazar WORKERS HASH_CONCURRENCY THROTTLE — THROTTLE "raised" lifts the
# failure limits out of reach (so that every attempt is hashed), "default"
# keeps nazar's defaults (5 a user name, 20 an address, 15 minutes).
start_nazar() {
	cp "$dir/base.conf" "$dir/nazar.conf"
	sed -i "s/^workers = .*/workers = $1/" "$dir/nazar.conf"
	sed -i "s/^\[admin\]\$/[admin]\nhash_concurrency = $2/" "$dir/nazar.conf"
	if [ "$3" = raised ]; then
		sed -i 's/^\[admin\]$/[admin]\nlogin_failures_per_user = 1000\nlogin_failures_per_address = 100000/' \
			"$dir/nazar.conf"
	fi
	"$bin/nazar" -c "$dir/nazar.conf" 2>>"$dir/nazar.log" &
	nazar_pid=$!
	wait_for_file "$dir/nazar.sock" 10 || die "nazar did not start: $(tail -n 5 "$dir/nazar.log")"
	curl -fsS -o /dev/null "$base_url/health" || die "nazar does not answer"
}

stop_nazar() {
	kill -TERM "$nazar_pid"
	wait "$nazar_pid" 2>/dev/null || true
	nazar_pid=""
	local n=50
	while [ -e "$dir/nazar.sock" ] && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
}

# kib FIELD — a field of nazar's /proc status in KiB (VmRSS, VmHWM).
kib() {
	local k v _
	while read -r k v _; do
		[ "$k" = "$1:" ] && { printf '%s\n' "$v"; return 0; }
	done </proc/"$nazar_pid"/status
	die "no $1 for nazar"
}

# new_form N — a fresh sign-in form: the nazar_pre cookie into $dir/pre.N,
# the csrf hidden field into $dir/csrf.N.
new_form() {
	curl -fsS -D "$dir/form.h" -o "$dir/form.b" "$base_url/admin/" || die "no sign-in form"
	sed -n 's/^[Ss]et-[Cc]ookie: \(nazar_pre=[^;]*\);.*/\1/p' "$dir/form.h" | tr -d '\r' >"$dir/pre.$1"
	grep -o 'name="csrf" value="[^"]*"' "$dir/form.b" | head -n 1 |
		sed 's/.*value="//; s/"$//' >"$dir/csrf.$1"
	[ -s "$dir/pre.$1" ] && [ -s "$dir/csrf.$1" ] || die "the sign-in form has no cookie or csrf"
}

# login N NAME PASSWORD — POSTs the sign-in with form N; prints the status
# and the seconds curl took.
login() {
	curl -sS -o /dev/null -w '%{http_code} %{time_total}\n' -H "Cookie: $(cat "$dir/pre.$1")" \
		--data "username=$2&password=$3&csrf=$(cat "$dir/csrf.$1")" "$base_url/admin/login"
}

# stats — "median min max" in ms of the seconds on stdin, one a line.
stats() {
	sort -g | awk '{ v[NR] = $1 * 1000 } END {
		if (NR == 0) { print "- - -"; exit }
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.0f %.0f %.0f\n", m, v[1], v[NR] }'
}

thread_url="$base_url/thread?article=$art"
thread_time() {
	curl -fsS -o /dev/null -w '%{time_total}\n' "$thread_url"
}

nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/log/nginx-error.log" &
pids+=("$!")
wait_for_port "$port" 10 || die "nginx did not start"

echo "nazar $("$bin/nazar" -V | awk '{ print $2 }'), $(nproc) cores, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)," \
	"load average $(cut -d ' ' -f 1-3 /proc/loadavg) at the start"

# 1. The parameters: from libsodium, and as stored by nazarctl.
"$bin/bench/pwhash_probe" "$verifies" >"$dir/pwhash.out" || die "the Argon2id probe failed"
stored=$(sqlite3 "$dir/nazar.db" "SELECT pwhash FROM users WHERE name = '$user'")
echo
echo "== Argon2id parameters (src/auth.c: crypto_pwhash_*_INTERACTIVE)"
awk '/^libsodium/ { print "libsodium:            " $2 }
	/^algorithm/ { sub(/^algorithm /, ""); print "algorithm:            " $0 }
	/^opslimit/ { print "opslimit (passes t):  " $2 }
	/^memlimit/ { printf "memlimit:             %d bytes = %d MiB\n", $2, $2 / 1048576 }' "$dir/pwhash.out"
echo "stored by nazarctl:   ${stored%\$*\$*}\$…"
read -r _ vmin vmed vmax < <(grep '^verify_ms' "$dir/pwhash.out")
echo "one verification, in-process ($verifies runs): median $vmed ms (min $vmin, max $vmax)"

# 2. One sign-in at a time through nginx: right password, wrong password,
# unknown user, interleaved so that the machine's drift touches all alike.
start_nazar 4 2 raised
: >"$dir/ok.t"
: >"$dir/bad.t"
: >"$dir/nouser.t"
for i in $(seq "$samples"); do
	for kind in ok bad nouser; do
		new_form 0
		case $kind in
		ok) out=$(login 0 "$user" "$pw") want=303 ;;
		bad) out=$(login 0 "$user" "wrong-password-$i") want=401 ;;
		nouser) out=$(login 0 "nobody$i" "$pw") want=401 ;;
		esac
		[ "${out%% *}" = "$want" ] || die "sign-in ($kind) answered ${out%% *}, not $want"
		printf '%s\n' "${out#* }" >>"$dir/$kind.t"
	done
done
for i in $(seq 10); do thread_time; done >"$dir/idle.t"
echo
echo "== One sign-in through nginx (POST /comments/admin/login, curl time_total; $samples each, 4 workers, hash_concurrency 2)"
printf '%-32s %8s %8s %8s\n' "" "median" "min" "max"
for kind in ok bad nouser; do
	case $kind in
	ok) label="right password (303)" ;;
	bad) label="wrong password (401)" ;;
	nouser) label="unknown user (401)" ;;
	esac
	read -r m lo hi < <(stats <"$dir/$kind.t")
	printf '%-32s %5s ms %5s ms %5s ms\n' "$label" "$m" "$lo" "$hi"
done
read -r m lo hi < <(stats <"$dir/idle.t")
printf '%-32s %5s ms %5s ms %5s ms\n' "public thread, idle (10)" "$m" "$lo" "$hi"
stop_nazar

# 3. FLOOD attempts at once: half with the right password, half wrong, each
# with its own pre-session cookie and csrf, fetched first. One curl sends
# them all in parallel; a sampler reads nazar's VmRSS every 10 ms and
# another loop times the public thread until the flood is over.
sampler() {
	local k v _ tick
	exec {tick}<> <(:)
	while [ ! -e "$dir/stop" ]; do
		while read -r k v _; do
			[ "$k" = VmRSS: ] && { printf '%s\n' "$v"; break; }
		done </proc/"$nazar_pid"/status
		# read -t on a pipe nobody writes: a 10 ms wait without a fork.
		read -r -t 0.01 -u "$tick" _ || true
	done
}
# Every 100 ms a GET of its own, so that one slow answer does not hide the
# next ones.
prober() {
	local tick
	exec {tick}<> <(:)
	while [ ! -e "$dir/stop" ]; do
		{ thread_time || echo fail; } >>"$dir/probe.t" &
		read -r -t 0.1 -u "$tick" _ || true
	done
	wait
}

run_flood() {
	local label=$1 workers=$2 hc=$3 throttle=$4 mix=$5
	if [ "$throttle" = default ]; then
		# The throttle counts failures in the database: start from none.
		sqlite3 "$dir/nazar.db" "DELETE FROM login_failures"
	fi
	start_nazar "$workers" "$hc" "$throttle"
	: >"$dir/flood.K"
	local i p
	for i in $(seq "$flood"); do
		new_form "$i"
		p=$pw
		if [ "$mix" = wrong ] || [ $((i % 2)) -eq 0 ]; then
			p="wrong-password-$i"
		fi
		{
			printf 'url = "%s/admin/login"\n' "$base_url"
			printf 'header = "Cookie: %s"\n' "$(cat "$dir/pre.$i")"
			printf 'data = "username=%s&password=%s&csrf=%s"\n' "$user" "$p" "$(cat "$dir/csrf.$i")"
			printf 'output = "/dev/null"\n'
			printf 'write-out = "%%{http_code} %%{time_total}\\n"\n'
			if [ "$i" -lt "$flood" ]; then printf 'next\n'; fi
		} >>"$dir/flood.K"
	done
	local rss0 hwm0 rss1 hwm1 t0 t1 peak speak nsamples after=""
	rss0=$(kib VmRSS)
	hwm0=$(kib VmHWM)
	rm -f "$dir/stop"
	sampler >"$dir/rss.s" &
	local spid=$!
	t0=$(date +%s%N)
	# stderr to a file: curl 7.88 shows its parallel progress meter
	# even with -s.
	curl -sS -Z --parallel-immediate --parallel-max "$flood" -K "$dir/flood.K" \
		>"$dir/flood.out" 2>"$dir/flood.err" &
	local fpid=$!
	: >"$dir/probe.t"
	prober &
	local ppid=$!
	wait "$fpid" || die "the flood's curl failed: $(grep -a 'curl:' "$dir/flood.err" | head -n 3)"
	t1=$(date +%s%N)
	touch "$dir/stop"
	wait "$spid" "$ppid" || true
	rss1=$(kib VmRSS)
	hwm1=$(kib VmHWM)
	if [ "$mix" = wrong ]; then
		# The moderator comes after the attack, with the right password.
		new_form 0
		curl -sS -o /dev/null -D "$dir/after.h" -H "Cookie: $(cat "$dir/pre.0")" \
			--data "username=$user&password=$pw&csrf=$(cat "$dir/csrf.0")" "$base_url/admin/login"
		after=$(awk 'NR == 1 { s = $2 } tolower($1) == "retry-after:" { r = ", Retry-After " $2 }
			END { print s r }' "$dir/after.h" | tr -d '\r')
	fi
	speak=$(sort -n "$dir/rss.s" | tail -n 1)
	nsamples=$(wc -l <"$dir/rss.s")
	peak=${speak:-0}
	[ "$hwm1" -gt "$peak" ] && peak=$hwm1
	stop_nazar

	local codes
	codes=$(awk '{ n[$1]++ } END { for (c in n) printf "%s×%d ", c, n[c] }' "$dir/flood.out" |
		tr ' ' '\n' | sort | tr '\n' ' ')
	[ "$(wc -l <"$dir/flood.out")" -eq "$flood" ] || die "the flood did not answer $flood times"
	read -r pm plo phi < <(grep -v fail "$dir/probe.t" | stats)
	echo
	echo "-- $label: workers $workers, hash_concurrency $hc"
	echo "answers:           $codes"
	[ -z "$after" ] || echo "then the right password: $after"
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "flood time:        %.2f s\n", (b - a) / 1e9 }'
	read -r m lo hi < <(awk '$1 == 303 || $1 == 401 { print $2 }' "$dir/flood.out" | stats)
	echo "hashed attempts:   median $m ms, min $lo, max $hi (303 and 401, curl time_total)"
	read -r m lo hi < <(awk '$1 != 303 && $1 != 401 { print $2 }' "$dir/flood.out" | stats)
	echo "refused attempts:  median $m ms, min $lo, max $hi (the others)"
	awk -v r0="$rss0" -v h0="$hwm0" -v pk="$peak" -v h1="$hwm1" -v s="$speak" -v n="$nsamples" \
		-v r1="$rss1" 'BEGIN {
		printf "VmRSS before:      %6.1f MiB (VmHWM %.1f MiB: start-up hashes the dummy password)\n", r0 / 1024, h0 / 1024
		printf "peak:              %6.1f MiB (VmHWM after %.1f MiB, highest of %d VmRSS samples %.1f MiB)\n", pk / 1024, h1 / 1024, n, s / 1024
		printf "peak - before:     %6.1f MiB = %.2f x 64 MiB; VmRSS after %.1f MiB\n", (pk - r0) / 1024, (pk - r0) / 65536, r1 / 1024 }'
	echo "public thread:     median $pm ms, min $plo, max $phi ($(grep -vc fail "$dir/probe.t") GETs during the flood, $(grep -c fail "$dir/probe.t") failed)"
}

echo
echo "== $flood sign-in attempts at once for one user name, each with its own form"
for r in $runs; do
	run_flood "half right, raised failure limits" "${r%%:*}" "${r#*:}" raised half
done
run_flood "half right, default throttle" 4 2 default half
run_flood "all wrong (an attack on one name), default throttle" 4 2 default wrong
