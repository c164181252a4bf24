#!/usr/bin/env bash
# tests/browser/run.sh — starts nginx and nazar on free loopback ports, then
# runs every tests/browser/*.test.js in headless Chromium against them, one
# after the other, and merges their TAP into one stream with one plan.
#
# Each NAME.test.js gets its own demo article (/news/browser-NAME), so that
# one test's comments do not land on another's page, and this environment:
#   NAZAR_URL      the article page, http://127.0.0.1:PORT/news/browser-NAME
#   NAZAR_BASE     http://127.0.0.1:PORT (the admin is $NAZAR_BASE/comments/admin/)
#   NAZAR_CONF     nazar's config (for nazarctl -c)
#   NAZARCTL       the nazarctl of the build under test
#   NAZAR_TMP      a directory of its own, removed afterwards
#   CHROMIUM       the browser (default /usr/bin/chromium)
# A test prints TAP (its plan last or first); its cases are renumbered and
# prefixed with NAME. A missing or wrong plan, or a non-zero exit without a
# failed case, is one more failure.
#
# NAZAR_BUILDDIR: the build to test (default build/test). NAZAR_SHOT: where
# post.test.js keeps a screenshot of the held comment.
# NAZAR_SCREENSHOTS_DIR: where admin.test.js copies its screenshots (for
# docs/screenshots/; unset in dev/test). NAZAR_BROWSER_TESTS: the test
# names to run (default all), e.g. "admin".
set -u

here=$(cd "$(dirname "$0")" && pwd)
export NAZAR_SRCDIR=${NAZAR_SRCDIR:-$(cd "$here/../.." && pwd)}
. "$NAZAR_SRCDIR/tests/integration/lib.sh"

need_programs nginx curl ss node npm
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || t_skip_all "chromium is not installed"

# playwright-core only: no browser download, the pinned version, and no
# lock file (it has no dependencies of its own).
want=$(sed -nE 's/.*"playwright-core": *"([^"]+)".*/\1/p' "$here/package.json")
have=$(sed -nE 's/^  "version": *"([^"]+)".*/\1/p' \
	"$here/node_modules/playwright-core/package.json" 2>/dev/null)
if [ "$want" != "$have" ]; then
	(cd "$here" && npm install --no-audit --no-fund --no-package-lock \
		--no-update-notifier --loglevel=error) >&2 ||
		{ echo "1..1"; echo "not ok 1 - npm install playwright-core"; exit 1; }
fi

tests=()
for f in "$here"/*.test.js; do
	[ -e "$f" ] || continue
	name=$(basename "$f" .test.js)
	if [ -n "${NAZAR_BROWSER_TESTS:-}" ]; then
		case " $NAZAR_BROWSER_TESTS " in
		*" $name "*) ;;
		*) continue ;;
		esac
	fi
	tests+=("$name")
done
[ ${#tests[@]} -gt 0 ] || t_skip_all "no browser test selected"

it_setup
# nginx first: a free port can be taken by someone else before nginx binds
# it (the machine is shared), so another is tried, twice at most.
tries=0
while :; do
	port=$(free_port)
	write_nginx_conf "$T_DIR/nginx.conf" "$T_DIR" "$port" "unix:$T_DIR/nazar.sock"
	start_nginx "$T_DIR/nginx.conf" "$port" >"$T_DIR/nginx-start.out" && break
	tries=$((tries + 1))
	if [ $tries -ge 3 ]; then
		echo "1..1"
		echo "not ok 1 - nginx starts"
		cat "$T_DIR/nginx-start.out"
		exit 1
	fi
done
write_nazar_conf "$T_DIR/nazar.conf" "$T_DIR/nazar.sock" "$T_DIR/nazar.db" "$port" fa
# A person fills the form in seconds; the test in well under the minimum.
printf '\n[antispam]\nmin_seconds = 0\n' >>"$T_DIR/nazar.conf"
for name in "${tests[@]}"; do
	write_demo_article "$T_DIR/www/news/browser-$name.html" "browser-$name" fa
done
"$NAZARCTL" -c "$T_DIR/nazar.conf" init >/dev/null 2>&1 ||
	{ echo "1..1"; echo "not ok 1 - nazarctl init"; exit 1; }
start_nazar nazar "$T_DIR/nazar.conf" || { echo "1..1"; echo "not ok 1 - nazar starts"; exit 1; }

# merge NAME FILE STATUS — prints the TAP of FILE renumbered from t_count,
# each case prefixed with NAME; updates t_count and t_failed.
merge() {
	local name=$1 file=$2 status=$3 out
	out=$(awk -v name="$name" -v base="$t_count" -v status="$status" '
		/^(not )?ok( |$)/ {
			bad = /^not /
			line = $0
			sub(/^(not )?ok *[0-9]* *-? */, "", line)
			n++
			if (bad) failed++
			printf "%sok %d - %s: %s\n", bad ? "not " : "", base + n, name, line
			next
		}
		/^1\.\.[0-9]+/ {
			plans++
			plan = $0
			sub(/^1\.\./, "", plan)
			skip = $0
			if (sub(/^1\.\.0 *# *[Ss][Kk][Ii][Pp] */, "", skip)) {
				n++
				printf "ok %d - %s # SKIP %s\n", base + n, name, skip
				skipped = 1
			}
			next
		}
		/^#/ { print; next }
		/^ *$/ { next }
		{ print "# " $0 }
		END {
			if (!skipped && (plans != 1 || plan + 0 != n)) {
				n++; failed++
				printf "not ok %d - %s: one plan that matches its cases (%d cases, plan %s)\n",
				    base + n, name, n - 1, plans ? plan : "missing"
			}
			if (status != 0 && failed == 0) {
				n++; failed++
				printf "not ok %d - %s: exits 0 (status %d)\n", base + n, name, status
			}
			printf "#@ %d %d\n", n, failed
		}' "$file")
	printf '%s\n' "$out" | grep -v '^#@ '
	local counts
	counts=$(printf '%s\n' "$out" | sed -n 's/^#@ //p')
	t_count=$((t_count + ${counts% *}))
	t_failed=$((t_failed + ${counts#* }))
}

for name in "${tests[@]}"; do
	mkdir -p "$T_DIR/$name"
	# Chromium's own chatter goes to a log, not into the TAP stream. The
	# time limit only stops a test that hangs; the whole stage takes far
	# less.
	NAZAR_URL="http://127.0.0.1:$port/news/browser-$name" \
		NAZAR_BASE="http://127.0.0.1:$port" NAZAR_CONF="$T_DIR/nazar.conf" \
		NAZARCTL="$NAZARCTL" NAZAR_TMP="$T_DIR/$name" \
		timeout -k 5 180 node "$here/$name.test.js" >"$T_DIR/$name.tap" 2>"$T_DIR/$name.log"
	rc=$?
	before=$t_failed
	merge "$name" "$T_DIR/$name.tap" "$rc"
	if [ "$t_failed" -gt "$before" ] && [ -s "$T_DIR/$name.log" ]; then
		echo "# $name.test.js: the end of its log:"
		tail -n 20 "$T_DIR/$name.log" | sed 's/^/# /'
	fi
done

if stop_nazar; then
	t_ok "nazar exits 0 after SIGTERM, without sanitizer reports"
else
	t_notok "nazar exits 0 after SIGTERM, without sanitizer reports" \
		"$(tail -n 30 "$T_DIR/nazar.log")"
fi
t_done
[ "$t_failed" -eq 0 ]
