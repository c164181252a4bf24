# dev/lib.sh — shell functions shared by dev/run, dev/test, the integration
# tests and the benchmark: packages, free ports, out-of-tree builds.
#
# Sourced, never run. Written for bash; uses no network but Debian's archive.

NAZAR_TOP=${NAZAR_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}

msg() { printf '%s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Runs a command as root: directly when we are root, else through sudo.
# Only package installation needs this; everything else runs as the user.
as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		die "need root to run '$*' (install sudo or run as root)"
	fi
}

# True when the Debian package is installed (not merely known or removed).
pkg_installed() {
	[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

# ensure_packages PKG… — installs the packages that are missing, and only
# those. The package lists are refreshed at most once per process, and only
# when an install failed (a fresh image often has none).
_nazar_apt_updated=no
ensure_packages() {
	local p missing=()
	for p in "$@"; do
		pkg_installed "$p" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	msg "installing: ${missing[*]}"
	local apt=(env DEBIAN_FRONTEND=noninteractive apt-get install -y -q
		--no-install-recommends "${missing[@]}")
	if as_root "${apt[@]}" </dev/null; then
		return 0
	fi
	if [ "$_nazar_apt_updated" = no ]; then
		_nazar_apt_updated=yes
		msg "install failed; refreshing the package lists once"
		as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null ||
			die "apt-get update failed"
		as_root "${apt[@]}" </dev/null && return 0
	fi
	die "could not install: ${missing[*]}"
}

# Packages by purpose, so every script installs exactly what it uses.
NAZAR_BUILD_DEPS="build-essential autoconf automake autoconf-archive pkg-config
	libsqlite3-dev libsodium-dev libfcgi-dev libutf8proc-dev libcmocka-dev libicu-dev
	libcurl4-openssl-dev libjansson-dev libxml2-dev"
NAZAR_RUN_DEPS="nginx curl sqlite3 iproute2"
NAZAR_TEST_DEPS="nginx curl sqlite3 fcgiwrap iproute2 jq python3 procps
	python3-aiosmtpd msmtp libxml2-utils"
NAZAR_BROWSER_DEPS="chromium nodejs npm"
# The Debian package's build and tests/integration/package.test: the
# package tools, systemd-socket-activate (in Debian's systemd package),
# setpriv and flock (util-linux), adduser for the package's user.
NAZAR_PACKAGE_DEPS="debhelper dpkg-dev fakeroot lintian systemd util-linux adduser"
NAZAR_BENCH_DEPS="wrk"
NAZAR_SCAN_DEPS="sqlmap wapiti"

# True when something listens on the TCP port of the loopback interface.
port_in_use() {
	[ -n "$(ss -Htln "sport = :$1" 2>/dev/null)" ]
}

# free_port [EXCLUDE…] — prints a random unprivileged port that nothing
# listens on and that is not among EXCLUDE (ports handed out earlier in the
# same script but not bound yet). Random, never fixed: parallel test runs
# and whatever else runs on the machine must not collide.
free_port() {
	local port tries=0 ex taken low=0 span
	command -v ss >/dev/null 2>&1 || die "ss not found (apt-get install iproute2)"
	# Below the kernel's ephemeral range: a port from inside it can be
	# handed to some client's connection between this check and the bind.
	read -r low _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || low=0
	if [ "${low:-0}" -gt 12000 ] 2>/dev/null; then
		span=$((low - 10000))
	else
		low=50000 span=15000
	fi
	while [ $tries -lt 200 ]; do
		tries=$((tries + 1))
		port=$(( ((RANDOM << 15) | RANDOM) % span + low - span ))
		taken=no
		for ex in "$@"; do
			[ "$ex" = "$port" ] && taken=yes
		done
		[ $taken = yes ] && continue
		port_in_use "$port" && continue
		printf '%s\n' "$port"
		return 0
	done
	die "no free loopback port found"
}

# build_tree DIR [CONFIGURE-ARGS…] — an out-of-tree build of the source in
# $NAZAR_TOP. Generates configure when it is missing or older than
# configure.ac; re-runs configure when the arguments changed; then make.
build_tree() {
	local dir=$1
	shift
	local top=$NAZAR_TOP
	if [ ! -x "$top/configure" ] || [ "$top/configure" -ot "$top/configure.ac" ]; then
		msg "autoreconf -fi in $top"
		(cd "$top" && autoreconf -fi) || die "autoreconf failed"
	fi
	mkdir -p "$dir" || die "cannot create $dir"
	local want have=""
	want=$(printf '%s\n' "$@")
	[ -f "$dir/.nazar-configure-args" ] && have=$(cat "$dir/.nazar-configure-args")
	if [ ! -f "$dir/Makefile" ] || [ ! -f "$dir/.nazar-configure-args" ] ||
		[ "$want" != "$have" ]; then
		msg "configure $* in $dir"
		(cd "$dir" && "$top/configure" -q "$@") || die "configure failed in $dir"
		printf '%s\n' "$want" >"$dir/.nazar-configure-args"
	fi
	msg "make in $dir"
	make -C "$dir" -s -j2 >"$dir/.nazar-make.log" 2>&1 || {
		grep -E -A3 'error|Error' "$dir/.nazar-make.log" | head -n 40 >&2
		die "build failed in $dir (full log: $dir/.nazar-make.log)"
	}
}

# build_program DIR PROGRAM… — makes programs that `make all` leaves out
# (the benchmarks: EXTRA_PROGRAMS of Makefile.am) in the tree build_tree
# made in DIR; PROGRAM is its path there, e.g. bench/queue_bench.
build_program() {
	local dir=$1
	shift
	make -C "$dir" -s -j2 "$@" >"$dir/.nazar-make-programs.log" 2>&1 || {
		grep -E -A3 'error|Error' "$dir/.nazar-make-programs.log" | head -n 40 >&2
		die "cannot build $* in $dir (full log: $dir/.nazar-make-programs.log)"
	}
}

# wait_for_file PATH [SECONDS] — waits until PATH exists (a socket, a pid
# file); false after the time-out.
wait_for_file() {
	local path=$1 n=$(( ${2:-10} * 10 ))
	while [ $n -gt 0 ]; do
		[ -e "$path" ] && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

# wait_for_port PORT [SECONDS] — waits until something listens on PORT.
wait_for_port() {
	local port=$1 n=$(( ${2:-10} * 10 ))
	while [ $n -gt 0 ]; do
		port_in_use "$port" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

# write_nazar_conf FILE SOCKET DB PORT LOCALE [MAX_LENGTH] [MAX_BODY] — a
# config for a local nazar behind the nginx of write_nginx_conf on
# 127.0.0.1:PORT. Without MAX_BODY the body cap is derived from MAX_LENGTH
# (256,384 bytes for 5000, under nginx's 256k).
write_nazar_conf() {
	local file=$1 sock=$2 db=$3 port=$4 locale=$5 maxlen=${6:-5000} maxbody=${7:-}
	local tz=Asia/Tehran name="خبرگزاری نمونه"
	local reasons="توهین یا ناسزا | تبلیغ یا هرزنامه | بی‌ربط به خبر"
	if [ "$locale" = en ]; then
		tz=Europe/London
		name="Example News"
		reasons="Insults | Advertising | Off topic"
	fi
	cat >"$file" <<EOF
# Written by nazar's dev scripts; see etc/nazar.conf for every key.
[server]
listen = unix:$sock
socket_mode = 0660
workers = 4
base_path = /comments
${maxbody:+max_body_bytes = $maxbody}
# Started as root, nazar runs as this user; the test's files are ours.
user = $(id -un)

[database]
path = $db
busy_timeout_ms = 5000

[site]
name = $name
locale = $locale
timezone = $tz
article_url = http://127.0.0.1:$port/news/{article}
allowed_return_hosts = 127.0.0.1:$port localhost:$port
templates = $NAZAR_TOP/templates

[moderation]
mode = pre
max_length = $maxlen

[admin]
reasons = $reasons

[log]
level = info
EOF
}

# write_nginx_conf FILE DIR PORT UPSTREAM [EXTRA] [FASTCGI_EXTRA] — a
# self-contained nginx config: everything nginx writes (pid, logs, temp
# files, the cache) stays in DIR, the server listens on 127.0.0.1:PORT,
# /comments/ goes to UPSTREAM (a fastcgi_pass target such as unix:/path),
# /news/ serves DIR/www/news/ID.html with SSI. EXTRA is raw config for the
# server block, FASTCGI_EXTRA for the /comments/ locations (e.g. params for
# fcgiwrap).
#
# The public reads (thread, thread.json, embed, counts) go through nginx's
# fastcgi_cache as in etc/nginx/nazar.conf: nazar says with X-Accel-Expires
# what may be kept, for a second at most, and nginx says in X-Cache-Status
# whether an answer came from the cache (HIT, MISS, BYPASS, …).
# NAZAR_NGINX_CACHE=off leaves the cache out, so every request reaches nazar.
write_nginx_conf() {
	local file=$1 dir=$2 port=$3 upstream=$4 extra=${5:-} fcgi_extra=${6:-}
	local user_line="" cache_zone="" cache_lines=""
	case ${NAZAR_NGINX_CACHE:-on} in
	on)
		cache_zone="fastcgi_cache_path $dir/cache levels=1:2 keys_zone=nazar_cache:10m
		max_size=64m inactive=1m use_temp_path=off;"
		cache_lines="$(nginx_cache_lines)
			add_header X-Cache-Status \$upstream_cache_status always;"
		;;
	off) ;;
	*) die "NAZAR_NGINX_CACHE must be on or off" ;;
	esac
	# As root the workers would run as nobody and could not read DIR (often
	# under /root) nor connect to the socket: keep them as root for a
	# loopback-only development server. As a user, nginx runs as that user.
	[ "$(id -u)" -eq 0 ] && user_line="user root root;"
	mkdir -p "$dir/tmp" "$dir/log" "$dir/www/news"
	cat >"$file" <<EOF
# Written by nazar's dev scripts: a loopback-only nginx in front of nazar.
$user_line
worker_processes 2;
daemon off;
pid $dir/nginx.pid;
error_log $dir/log/nginx-error.log warn;

events {
	worker_connections 512;
}

http {
	types {
		text/html html;
		text/css css;
		application/javascript js;
		application/json json;
	}
	default_type application/octet-stream;
	access_log $dir/log/nginx-access.log;
	client_body_temp_path $dir/tmp/body;
	fastcgi_temp_path $dir/tmp/fastcgi;
	proxy_temp_path $dir/tmp/proxy;
	uwsgi_temp_path $dir/tmp/uwsgi;
	scgi_temp_path $dir/tmp/scgi;
	server_tokens off;
	$cache_zone

	server {
		listen 127.0.0.1:$port;
		server_name localhost;
		root $dir/www;
		charset utf-8;
		# The stylesheet too: every response names its charset.
		charset_types text/css text/plain application/javascript;

		# The snippet of etc/nginx/nazar.conf, with this run's socket.
		location /comments/ {
			include /etc/nginx/fastcgi_params;
			fastcgi_pass $upstream;
			client_max_body_size 256k;
$fcgi_extra
		}
		# The public reads, through the cache when it is on.
		location ~ ^/comments/(?:thread|thread\.json|embed|counts|count|latest|latest\.json)\$ {
			include /etc/nginx/fastcgi_params;
			fastcgi_pass $upstream;
			client_max_body_size 256k;
$cache_lines
$fcgi_extra
		}
		location /comments/static/ {
			alias $NAZAR_TOP/static/;
		}

		# Article pages: /news/ID is www/news/ID.html with the thread
		# included by SSI (a subrequest that carries the reader's cookies).
		location /news/ {
			ssi on;
			default_type text/html;
			try_files \$uri.html =404;
		}
		# The front page lists the demo articles.
		location = / {
			default_type text/html;
			try_files /index.html =404;
		}
$extra
	}
}
EOF
}

# nginx_cache_lines — the cache lines of a public read's location, the
# same as in etc/nginx/nazar.conf (zone nazar_cache): the key is the URL;
# nazar's Cache-Control (meant for browsers) is ignored, its X-Accel-Expires
# is not; a reader holding the reader cookie (nazar_own: their own held
# comments are in the thread) always reaches nazar and is never stored;
# one request fills an entry while the others wait, and an expired entry is
# served while one request refreshes it.
nginx_cache_lines() {
	cat <<'EOF'
			fastcgi_cache nazar_cache;
			fastcgi_cache_key $scheme$host$uri$is_args$args;
			fastcgi_ignore_headers Cache-Control Expires;
			fastcgi_cache_bypass $cookie_nazar_own;
			fastcgi_no_cache $cookie_nazar_own;
			fastcgi_cache_lock on;
			fastcgi_cache_use_stale updating;
EOF
}

# write_demo_article FILE ARTICLE-ID LOCALE — the demo news page (our own
# text) that embeds the thread with an SSI include.
write_demo_article() {
	local file=$1 id=$2 locale=${3:-fa}
	if [ "$locale" = en ]; then
		cat >"$file" <<EOF
<!doctype html>
<html lang="en" dir="ltr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>The city's new central library opens its doors</title>
<link rel="stylesheet" href="/comments/static/nazar.css">
</head>
<body>
<main>
<article class="news">
<h1>The city's new central library opens its doors</h1>
<p class="news-meta"><!--# include virtual="/comments/count?article=$id" --></p>
<p>After four years of building work the new central library opened on
Friday morning. Its three floors hold some ninety thousand books, a reading
room that stays open until midnight and a corner for children.</p>
<p>Membership is free for students; the first week saw more than two
thousand new cards.</p>
</article>
<!--# include virtual="/comments/thread?article=$id" -->
</main>
<aside class="news-side" aria-label="Latest comments">
<!--# include virtual="/comments/latest?limit=5" -->
</aside>
</body>
</html>
EOF
		return
	fi
	cat >"$file" <<EOF
<!doctype html>
<html lang="fa" dir="rtl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>کتابخانهٔ مرکزی تازهٔ شهر درهایش را گشود</title>
<link rel="stylesheet" href="/comments/static/nazar.css">
</head>
<body>
<main>
<article class="news">
<h1>کتابخانهٔ مرکزی تازهٔ شهر درهایش را گشود</h1>
<p class="news-meta"><!--# include virtual="/comments/count?article=$id" --></p>
<p>کتابخانهٔ مرکزی شهر پس از چهار سال ساخت‌وساز، صبح جمعه به روی مردم
باز شد. این ساختمان سه‌طبقه نزدیک به نود هزار جلد کتاب، یک تالار مطالعه
که تا نیمه‌شب باز است و بخشی ویژهٔ کودکان دارد.</p>
<p>عضویت برای دانش‌آموزان و دانشجویان رایگان است و در هفتهٔ نخست بیش از
دو هزار نفر کارت عضویت گرفتند. مدیر کتابخانه می‌گوید برنامهٔ کتاب‌خوانی
شبانه از ماه آینده آغاز می‌شود.</p>
</article>
<!--# include virtual="/comments/thread?article=$id" -->
</main>
<aside class="news-side" aria-label="تازه‌ترین نظرها">
<!--# include virtual="/comments/latest?limit=5" -->
</aside>
</body>
</html>
EOF
}
