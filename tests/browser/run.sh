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
#   NAZAR_EN_URL   the same article on the English site, served by a second
#                  nazar (locale en, a database of its own) under
#                  /en-comments/ (admin: $NAZAR_BASE/en-comments/admin/)
#   NAZAR_EN_CONF  that nazar's config (for nazarctl -c)
#   CHROMIUM       the browser (default /usr/bin/chromium)
# A test prints TAP (its plan last or first); its cases are renumbered and
# prefixed with NAME. A missing or wrong plan, or a non-zero exit without a
# failed case, is one more failure.
#
# NAZAR_BUILDDIR: the build to test (default build/test). NAZAR_SHOT: where
# post.test.js keeps a screenshot of the held comment.
# NAZAR_SCREENSHOTS_DIR: where admin.test.js, journey-en-keyboard.test.js
# and votes.test.js copy their screenshots (for docs/screenshots/, as
# dev/screenshots does; unset in dev/test). NAZAR_BROWSER_TESTS: the test
# names to run (default all), e.g. "admin".
set -u

here=$(cd "$(dirname "$0")" && pwd)
export NAZAR_SRCDIR=${NAZAR_SRCDIR:-$(cd "$here/../.." && pwd)}
. "$NAZAR_SRCDIR/tests/integration/lib.sh"

need_programs nginx curl ss node npm
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || t_skip_all "chromium is not installed"

# The packages of package-lock.json, exactly (playwright-core, axe-core,
# vnu-jar): npm ci when any installed version differs. No install scripts:
# playwright-core downloads no browser, vnu-jar no Java runtime (Debian's
# java runs vnu.jar).
lock_matches() {
	(cd "$here" && node -e '
		const lock = require("./package-lock.json");
		for (const [dir, p] of Object.entries(lock.packages)) {
			if (!dir) continue;
			let have = null;
			try { have = require(`./${dir}/package.json`).version; } catch (e) {}
			if (have !== p.version) process.exit(1);
		}') 2>/dev/null
}
if ! lock_matches; then
	(cd "$here" && npm ci --ignore-scripts --no-audit --no-fund \
		--no-update-notifier --loglevel=error) >&2 && lock_matches ||
		{ echo "1..1"; echo "not ok 1 - npm ci (package-lock.json)"; exit 1; }
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
# The English site beside the Persian one, behind the same nginx: its own
# nazar under /en-comments/ and its article pages under /en/news/.
en_locations="
		location /en-comments/ {
			include /etc/nginx/fastcgi_params;
			fastcgi_pass unix:$T_DIR/nazar-en.sock;
			client_max_body_size 256k;
		}
		location /en-comments/static/ {
			alias $NAZAR_SRCDIR/static/;
		}
		location /en/news/ {
			ssi on;
			default_type text/html;
			try_files \$uri.html =404;
		}"
# nginx first: a free port can be taken by someone else before nginx binds
# it (the machine is shared), so another is tried, twice at most.
tries=0
while :; do
	port=$(free_port)
	# Journeys check a decision at once, from any browser: every request
	# reaches nazar (cache.test covers nginx's cache).
	NAZAR_NGINX_CACHE=off write_nginx_conf "$T_DIR/nginx.conf" "$T_DIR" "$port" \
		"unix:$T_DIR/nazar.sock" \
		"$en_locations"
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
write_nazar_conf "$T_DIR/nazar-en.conf" "$T_DIR/nazar-en.sock" "$T_DIR/nazar-en.db" "$port" en
sed -i -e 's|^base_path = .*|base_path = /en-comments|' \
	-e 's|/news/{article}$|/en/news/{article}|' "$T_DIR/nazar-en.conf"
printf '\n[antispam]\nmin_seconds = 0\n' >>"$T_DIR/nazar-en.conf"
# Every reader of these tests comes from loopback, one address group: no
# limit on new votes (flood.test and votes.test prove the limits).
for c in nazar nazar-en; do
	printf '\n[votes]\nper_minute = 0\nper_hour = 0\nper_comment_per_hour = 0\n' >>"$T_DIR/$c.conf"
done
# Mail set up (never sent: nothing runs nazarctl mail send), so the form
# offers mail about replies and the outbox page has a transport.
printf '\n[mail]\ntransport = sendmail\nsendmail = /bin/false\nfrom = comments@news.example.ir\nbase_url = http://127.0.0.1:%s/comments\n' \
	"$port" >>"$T_DIR/nazar.conf"
printf '\n[mail]\ntransport = sendmail\nsendmail = /bin/false\nfrom = comments@news.example.org\nbase_url = http://127.0.0.1:%s/en-comments\n' \
	"$port" >>"$T_DIR/nazar-en.conf"
mkdir -p "$T_DIR/www/en/news"
for name in "${tests[@]}"; do
	write_demo_article "$T_DIR/www/news/browser-$name.html" "browser-$name" fa
	write_demo_article "$T_DIR/www/en/news/browser-$name.html" "browser-$name" en
	sed -i 's|/comments/|/en-comments/|g' "$T_DIR/www/en/news/browser-$name.html"
done
for c in nazar nazar-en; do
	"$NAZARCTL" -c "$T_DIR/$c.conf" init >/dev/null 2>&1 ||
		{ echo "1..1"; echo "not ok 1 - nazarctl init ($c.conf)"; exit 1; }
done
start_nazar nazar-en "$T_DIR/nazar-en.conf" ||
	{ echo "1..1"; echo "not ok 1 - the English nazar starts"; exit 1; }
en_pid=$NAZAR_PID
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
		NAZAR_EN_URL="http://127.0.0.1:$port/en/news/browser-$name" \
		NAZAR_EN_CONF="$T_DIR/nazar-en.conf" \
		timeout -k 5 300 node "$here/$name.test.js" >"$T_DIR/$name.tap" 2>"$T_DIR/$name.log"
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
NAZAR_PID=$en_pid
if stop_nazar; then
	t_ok "the English nazar exits 0 after SIGTERM, without sanitizer reports"
else
	t_notok "the English nazar exits 0 after SIGTERM, without sanitizer reports" \
		"$(tail -n 30 "$T_DIR/nazar-en.log")"
fi
t_done
[ "$t_failed" -eq 0 ]
