# bench/lib.sh — shell functions of the benchmarks (bench/run,
# bench/thread.sh), on top of dev/lib.sh. Sourced, never run.

# wrk_run OUT WRK-ARGS… — one wrk run with --latency; its whole output is
# appended to OUT. Prints "REQ_PER_S P50_MS P99_MS REQUESTS"; refuses a run
# with non-2xx answers or socket errors (their output on stderr).
wrk_run() {
	local out=$1 text
	shift
	text=$(wrk --latency "$@") || die "wrk failed: wrk $*"
	wrk_report "$out" "$*" <<<"$text"
}

# wrk_report OUT WHAT — wrk_run's work on the output of a wrk run (on
# stdin) that was started otherwise, e.g. in the background and stopped
# by SIGINT (wrk then prints its figures as at the end); WHAT names it.
wrk_report() {
	local out=$1 text
	text=$(cat)
	printf '### wrk %s\n%s\n' "$2" "$text" >>"$out"
	if grep -qE 'Non-2xx|Socket errors' <<<"$text"; then
		printf '%s\n' "$text" >&2
		die "errors during wrk $2"
	fi
	awk '
	function ms(v) {
		if (v ~ /us$/) return v / 1000
		if (v ~ /ms$/) return v + 0
		if (v ~ /m$/) return v * 60000
		if (v ~ /s$/) return v * 1000
		return v + 0
	}
	/^Requests\/sec:/ { rps = $2 }
	/^ +50%/ { p50 = ms($2) }
	/^ +99%/ { p99 = ms($2) }
	/requests in/ { n = $1 }
	END { printf "%s %.3f %.3f %s\n", rps, p50, p99, n }' <<<"$text"
}

# median V… — the median of numbers (the mean of the middle two for an
# even count).
median() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
	END { if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2];
	      else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# cpu_ticks PID — user and system CPU time of a process (all its threads)
# in clock ticks (getconf CLK_TCK a second).
cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0
}

# rss_kb PID — VmRSS of a process in kB (0 when it is gone).
rss_kb() {
	awk '/^VmRSS:/ { print $2; found = 1 } END { if (!found) print 0 }' \
		"/proc/$1/status" 2>/dev/null || echo 0
}
