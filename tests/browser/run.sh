#!/usr/bin/env bash
# tests/browser/run.sh — starts nginx and nazar on free loopback ports with
# the demo article, then runs post.test.js in headless Chromium. TAP.
#
# NAZAR_BUILDDIR: the build to test (default build/test). NAZAR_SHOT: where
# to keep a screenshot of the held comment.
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

it_setup
port=$(free_port)
art=browser-library
write_nazar_conf "$T_DIR/nazar.conf" "$T_DIR/nazar.sock" "$T_DIR/nazar.db" "$port" fa
# A person fills the form in seconds; the test in well under the minimum.
printf '\n[antispam]\nmin_seconds = 0\n' >>"$T_DIR/nazar.conf"
write_nginx_conf "$T_DIR/nginx.conf" "$T_DIR" "$port" "unix:$T_DIR/nazar.sock"
write_demo_article "$T_DIR/www/news/$art.html" "$art" fa
"$NAZARCTL" -c "$T_DIR/nazar.conf" init >/dev/null 2>&1 ||
	{ echo "1..1"; echo "not ok 1 - nazarctl init"; exit 1; }
start_nazar nazar "$T_DIR/nazar.conf" || { echo "1..1"; echo "not ok 1 - nazar starts"; exit 1; }
start_nginx "$T_DIR/nginx.conf" "$port" || { echo "1..1"; echo "not ok 1 - nginx starts"; exit 1; }

# Chromium's own chatter goes to a log, not into the TAP stream.
NAZAR_URL="http://127.0.0.1:$port/news/$art" node "$here/post.test.js" 2>"$T_DIR/node.log"
rc=$?
[ $rc -eq 0 ] || sed 's/^/# /' "$T_DIR/node.log" | tail -n 20
if ! stop_nazar; then
	echo "# nazar did not exit 0 after SIGTERM:"
	tail -n 30 "$T_DIR/nazar.log" | sed 's/^/# /'
	rc=1
fi
exit $rc
