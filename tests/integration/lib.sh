# tests/integration/lib.sh — shared by the integration tests: TAP output,
# a private nginx and nazar on free loopback ports, and a curl wrapper.
#
# Sourced by the .test scripts. Everything lives in one temp dir that the
# EXIT trap removes after stopping every process the test started.

NAZAR_SRCDIR=${NAZAR_SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
NAZAR_BUILDDIR=${NAZAR_BUILDDIR:-$NAZAR_SRCDIR/build/test}
NAZAR_TOP=$NAZAR_SRCDIR
# shellcheck source=../../dev/lib.sh
. "$NAZAR_SRCDIR/dev/lib.sh"

NAZAR=$NAZAR_BUILDDIR/nazar
NAZARCTL=$NAZAR_BUILDDIR/nazarctl
# Leaks are errors; a sanitizer report makes the exit status non-zero.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# --- TAP ---
t_count=0
t_failed=0
t_ok() {
	t_count=$((t_count + 1))
	printf 'ok %d - %s\n' "$t_count" "$1"
}
t_notok() {
	t_count=$((t_count + 1))
	t_failed=$((t_failed + 1))
	printf 'not ok %d - %s\n' "$t_count" "$1"
	shift
	local line
	for line in "$@"; do
		printf '%s\n' "$line" | head -c 2000 | sed 's/^/# /'
	done
}
# t_check "what" COMMAND… — one TAP line from the command's success.
t_check() {
	local what=$1
	shift
	if "$@"; then
		t_ok "$what"
	else
		t_notok "$what" "status $H_STATUS of $H_WHAT" "$(head -c 600 "$H_BODY" 2>/dev/null)"
	fi
}
# The plan goes last: the number of cases depends on what ran. The TAP
# lines carry the verdict; a non-zero exit would count as one more failure.
t_done() {
	printf '1..%d\n' "$t_count"
	[ "$t_failed" -eq 0 ] || printf '# %d of %d failed\n' "$t_failed" "$t_count"
	return 0
}
t_skip_all() {
	printf '1..0 # SKIP %s\n' "$1"
	exit 0
}

# Skips the whole test when a program it needs is missing.
need_programs() {
	local p
	for p in "$@"; do
		command -v "$p" >/dev/null 2>&1 || t_skip_all "$p is not installed"
	done
	[ -x "$NAZAR" ] && [ -x "$NAZARCTL" ] || t_skip_all "nazar is not built in $NAZAR_BUILDDIR"
}

# --- processes ---
T_DIR=""
t_pids=()
it_setup() {
	T_DIR=$(mktemp -d "${TMPDIR:-/tmp}/nazar-it.XXXXXX") || exit 99
	# As root, nginx workers run as root too (see write_nginx_conf); as a user,
	# everything is the user's. The dir must be reachable either way.
	chmod 755 "$T_DIR"
	trap it_teardown EXIT
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 143' TERM
}
it_teardown() {
	local pid
	for pid in "${t_pids[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${t_pids[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	if [ -n "$T_DIR" ] && [ -z "${NAZAR_KEEP_TMP:-}" ]; then
		rm -rf "$T_DIR"
	fi
}

# start_nazar NAME CONF — starts nazar with CONF (whose listen is a unix
# socket at $T_DIR/NAME.sock); its log is $T_DIR/NAME.log. Sets NAZAR_PID.
NAZAR_PID=""
T_STOPPED_AT=""
NAZAR_LOG=""
start_nazar() {
	local name=$1 conf=$2
	rm -f "$T_DIR/$name.sock"
	NAZAR_LOG=$T_DIR/$name.log
	"$NAZAR" -c "$conf" >>"$T_DIR/$name.log" 2>&1 </dev/null &
	NAZAR_PID=$!
	t_pids+=("$NAZAR_PID")
	if ! wait_for_file "$T_DIR/$name.sock" 20; then
		printf '# nazar did not start; its log:\n'
		sed 's/^/# /' "$T_DIR/$name.log" | tail -n 30
		return 1
	fi
	# A restart (often with a changed config): nginx may still hold answers
	# of the nazar before it, which nazar lets it keep until the end of the
	# second they were made in (X-Accel-Expires). The test goes on when
	# none of them can be served any more, as a reader would see it.
	if [ -n "$T_STOPPED_AT" ]; then
		while [ "$(date +%s)" -le "$T_STOPPED_AT" ]; do sleep 0.05; done
		T_STOPPED_AT=""
	fi
}
# stop_nazar — SIGTERM, then the exit status of nazar (0 after a clean
# shutdown without leaks). nazar that has not exited after
# NAZAR_STOP_SECONDS (60) is killed. When the stop was not clean, the
# array STOP_REPORT says why, in pieces short enough for t_notok (pass
# "${STOP_REPORT[@]}"): the exit status, the processes left and what each
# thread was doing, the supervisor's own log lines, and the start of any
# sanitizer report.
STOP_REPORT=()
stop_nazar() {
	local pid=$NAZAR_PID status=0 n=0 limit=$((${NAZAR_STOP_SECONDS:-60} * 10)) left="" san
	STOP_REPORT=()
	if ! kill -TERM "$pid" 2>/dev/null; then
		STOP_REPORT=("nazar ($pid) was not running when told to stop")
		return 99
	fi
	while [ $n -lt $limit ] && [ -e "/proc/$pid" ] &&
		[ "$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null)" != Z ]; do
		sleep 0.1
		n=$((n + 1))
	done
	if [ $n -ge $limit ]; then
		left="not stopped $((limit / 10)) s after SIGTERM; its processes then:
$(process_states "$pid")"
		pkill -KILL -P "$pid" 2>/dev/null
		kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid" || status=$?
	NAZAR_PID=""
	T_STOPPED_AT=$(date +%s)
	[ $status = 0 ] && [ -z "$left" ] && return 0
	STOP_REPORT=("exit status $status$(exit_meaning "$status")")
	[ -n "$left" ] && STOP_REPORT+=("$left")
	if [ -n "$NAZAR_LOG" ] && [ -f "$NAZAR_LOG" ]; then
		STOP_REPORT+=("the supervisor's last lines:
$(grep -E 'supervisor|signal [0-9]+:|\] (info|error): stopped' "$NAZAR_LOG" | tail -n 8 |
			cut -c1-220)")
		san=$(grep -m1 -A10 -E 'ERROR: [A-Za-z]+Sanitizer|runtime error:' "$NAZAR_LOG" |
			cut -c1-160)
		[ -n "$san" ] && STOP_REPORT+=("$san")
	fi
	[ $status = 0 ] && status=1
	return $status
}
# What an exit status of nazar says.
exit_meaning() {
	case $1 in
	1) echo " (a start-up error, or a child did not stop cleanly when asked to)" ;;
	23) echo " (LeakSanitizer found leaks)" ;;
	99) echo " (not running)" ;;
	1[3-9][0-9]) echo " (killed by signal $(($1 - 128)))" ;;
	*) echo "" ;;
	esac
}
# process_states PID — PID and its children: state, age, and for each
# thread its state and where in the kernel it waits.
process_states() {
	local p t
	for p in "$1" $(pgrep -P "$1" 2>/dev/null); do
		[ -d "/proc/$p" ] || continue
		ps -o pid=,ppid=,stat=,etime=,args= -p "$p" 2>/dev/null | cut -c1-120
		for t in /proc/"$p"/task/*; do
			printf '  thread %s: %s %s\n' "${t##*/}" \
				"$(awk '{ print $3 }' "$t/stat" 2>/dev/null)" "$(cat "$t/wchan" 2>/dev/null)"
		done | head -n 12
	done
}

# start_nginx CONF PORT — nginx in the foreground of a background job.
start_nginx() {
	local conf=$1 port=$2 dir
	dir=$(dirname "$conf")
	nginx -p "$dir" -c "$conf" -e "$dir/log/nginx-error.log" >>"$dir/log/nginx.out" 2>&1 </dev/null &
	t_pids+=("$!")
	if ! wait_for_port "$port" 20; then
		printf '# nginx did not start:\n'
		sed 's/^/# /' "$dir/log/nginx-error.log" | tail -n 20
		return 1
	fi
}

# --- HTTP ---
# http WHAT CURL-ARGS… — one request. Sets H_STATUS, H_BODY (file), H_HEAD
# (file). Every response is also checked for the rules that hold for all
# of them: a Content-Type with charset=utf-8, and no 5xx.
H_STATUS=""
H_WHAT=""
H_N=0
h_no_charset=()
h_5xx=()
http() {
	H_WHAT=$1
	shift
	H_N=$((H_N + 1))
	H_BODY=$T_DIR/resp.$H_N.body
	H_HEAD=$T_DIR/resp.$H_N.head
	H_STATUS=$(curl -sS --max-time 20 -o "$H_BODY" -D "$H_HEAD" -w '%{http_code}' "$@") ||
		H_STATUS=000
	if ! grep -qiE '^content-type:.*charset=utf-8' "$H_HEAD"; then
		h_no_charset+=("$H_WHAT ($H_STATUS)")
	fi
	case $H_STATUS in
	5?? | 000) h_5xx+=("$H_WHAT ($H_STATUS)") ;;
	esac
}
# The value of a response header of the last request (first one if many).
h_header() {
	grep -i "^$1:" "$H_HEAD" | head -n 1 | sed -e 's/^[^:]*:[[:space:]]*//' -e 's/\r$//'
}
status_is() { [ "$H_STATUS" = "$1" ]; }
body_has() { grep -qF -- "$1" "$H_BODY"; }
body_lacks() { ! grep -qF -- "$1" "$H_BODY"; }
body_matches() { grep -qE -- "$1" "$H_BODY"; }
# The nazar_own=… pair from the last response's Set-Cookie.
h_cookie() {
	h_header Set-Cookie | grep -o '^nazar_own=[^;]*'
}

# comment_date ID FILE — the text of the first <time> after comment ID.
comment_date() {
	tr '\n' ' ' <"$2" | sed -E "s/.*id=\"nazar-comment-$1\"//" |
		grep -oE '<time[^>]*>[^<]*</time>' | head -n 1 | sed -E 's/<[^>]*>//g'
}

# nested PARENT CHILD FILE — true when the element of comment CHILD lies
# inside the element of comment PARENT in the HTML of FILE.
nested() {
	tr '\n' ' ' <"$3" | grep -oE '<article[^>]*id="nazar-comment-[0-9]+"|</article>' |
		awk -v p="nazar-comment-$1\"" -v c="nazar-comment-$2\"" '
		/^<article/ {
			if (depth > 0) depth++
			else if (index($0, p)) depth = 1
			if (depth > 1 && index($0, c)) found = 1
			next
		}
		{ if (depth > 0) depth-- }
		END { exit found ? 0 : 1 }'
}

# --- several nazar sockets, crashes, faults ---
# nginx_upstream CONF NAME SOCKET… — adds "upstream NAME" to the http block
# of an nginx config written by write_nginx_conf, one server line per
# socket (a socket may be named twice), so that "fastcgi_pass NAME" works.
# max_fails=0: a peer that failed once is not taken out of the rotation
# (the supervisor has another process on it a moment later).
nginx_upstream() {
	local conf=$1 name=$2 s lines=""
	shift 2
	for s in "$@"; do
		lines="$lines		server unix:$s max_fails=0;\n"
	done
	sed -i "s|^http {\$|http {\n\tupstream $name {\n$lines\t}|" "$conf"
}
# The lines of etc/nginx/nazar.conf that re-send a request whose nazar died
# under it (to the same socket, listed four times in the upstream): a post sent
# again is refused by nazar as a duplicate if the first one was stored.
NGINX_RETRY="			fastcgi_next_upstream error non_idempotent;
			fastcgi_next_upstream_tries 4;"

# serving_child PID — the pid of the serving child of the supervising nazar
# PID (the newest, while a graceful restart has two), or nothing.
serving_child() {
	pgrep -n -P "$1" 2>/dev/null
}

# wait_child PID [SECONDS] — waits until the supervising nazar PID has a
# child process.
wait_child() {
	local pid=$1 n=$(( ${2:-10} * 20 ))
	while [ $n -gt 0 ]; do
		[ -n "$(serving_child "$pid")" ] && return 0
		sleep 0.05
		n=$((n - 1))
	done
	return 1
}

# db_sound DB — "ok" when SQLite's integrity check passes, the full-text
# index is consistent with itself and holds exactly the comments' rows;
# else what is wrong.
db_sound() {
	local db=$1 ic fts missing extra
	ic=$(sqlite3 -batch -noheader "$db" 'PRAGMA integrity_check;' 2>&1 | head -n 5)
	fts=$(sqlite3 -batch -noheader "$db" \
		"INSERT INTO comments_fts(comments_fts) VALUES('integrity-check');" 2>&1)
	missing=$(sqlite3 -batch -noheader "$db" \
		'SELECT count(*) FROM comments WHERE id NOT IN (SELECT rowid FROM comments_fts);' 2>&1)
	extra=$(sqlite3 -batch -noheader "$db" \
		'SELECT count(*) FROM comments_fts WHERE rowid NOT IN (SELECT id FROM comments);' 2>&1)
	if [ "$ic" = ok ] && [ -z "$fts" ] && [ "$missing" = 0 ] && [ "$extra" = 0 ]; then
		echo ok
	else
		echo "integrity_check: $ic; fts integrity-check: ${fts:-ok};" \
			"comments missing from fts: $missing; fts rows without a comment: $extra"
	fi
}

# nginx_server CONF PORT UPSTREAM [DIRECTIVE] — adds to a config of
# write_nginx_conf a second server on 127.0.0.1:PORT whose /comments/ goes
# to UPSTREAM only, without a cache (to reach one nazar process of several
# directly); DIRECTIVE, one line, goes into its location.
nginx_server() {
	local conf=$1 port=$2 upstream=$3 directive=${4:-}
	sed -i "s|^http {\$|http {\n\tserver {\n\t\tlisten 127.0.0.1:$port;\n\t\tlocation /comments/ {\n\t\t\tinclude /etc/nginx/fastcgi_params;\n\t\t\tfastcgi_pass $upstream;\n\t\t\t$directive\n\t\t}\n\t}|" "$conf"
}
