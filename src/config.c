/* config.c — reads nazar.conf, a small INI file, strictly: every key is
 * known, every value checked, every problem reported as FILE:LINE. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "locale.h"
#include "log.h"
#include "mime.h"
#include "netaddr.h"
#include "num.h"
#include "utf8.h"

/* The file is read whole into memory; a configuration bigger than this is
 * not a configuration. */
#define CONFIG_MAX_FILE 65536
#define CONFIG_MAX_LINE 4096
#define ZONEINFO_DIR "/usr/share/zoneinfo"

/* Room for the "what is allowed" part of a message. */
#define MSG_MAX 256

enum section {
	SEC_NONE, SEC_SERVER, SEC_DATABASE, SEC_SITE, SEC_MODERATION, SEC_ANTISPAM, SEC_ADMIN,
	SEC_MAIL, SEC_LOG, SEC_METRICS, SEC_VOTES, SEC_THREAD, SEC_WEBHOOK, SEC__MAX
};

static const char *const section_names[] = {
	[SEC_NONE] = "", [SEC_SERVER] = "server", [SEC_DATABASE] = "database",
	[SEC_SITE] = "site", [SEC_MODERATION] = "moderation", [SEC_ANTISPAM] = "antispam",
	[SEC_ADMIN] = "admin", [SEC_MAIL] = "mail", [SEC_LOG] = "log", [SEC_METRICS] = "metrics",
	[SEC_VOTES] = "votes", [SEC_THREAD] = "thread", [SEC_WEBHOOK] = "webhook",
};
_Static_assert(sizeof(section_names) / sizeof(section_names[0]) == SEC__MAX,
    "a name for every section");

/* For messages that list them all. */
#define SECTION_LIST "[server], [database], [site], [moderation], [antispam], [admin], " \
	"[mail], [log], [metrics], [votes]"


/* A setter checks value and stores it; on a bad value it returns -1 and
 * writes what would have been allowed into msg ("must be ..."), to which
 * the caller adds the value; or SET_COMPLETE when msg already names the
 * offending part (a list entry). */
#define SET_COMPLETE (-2)
typedef int (*setter)(struct config *cfg, const char *value, char *msg, size_t msglen);

struct key {
	enum section section;
	const char *name;
	setter set;
};

static void
say(char *msg, size_t msglen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
say(char *msg, size_t msglen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, msglen, fmt, ap);
	va_end(ap);
}

/* Copies value into a fixed field; too long is an error, never a silent
 * truncation (a cut path or URL would point somewhere else). */
static int
copy_field(char *dst, size_t dstlen, const char *value, char *msg, size_t msglen)
{
	size_t len = strlen(value);
	if (len >= dstlen) {
		say(msg, msglen, "must be at most %zu bytes long", dstlen - 1);
		return -1;
	}
	memcpy(dst, value, len + 1);
	return 0;
}

static int
set_number(const char *value, int64_t min, int64_t max, int64_t *out, char *msg,
    size_t msglen)
{
	int64_t n;
	if (!num_parse(value, min, max, &n)) {
		say(msg, msglen, "must be a number from %lld to %lld", (long long)min,
		    (long long)max);
		return -1;
	}
	*out = n;
	return 0;
}

static bool
valid_port(const char *s)
{
	int64_t n;
	return strlen(s) <= 5 && num_parse(s, 1, 65535, &n);
}

/* host is a DNS name (letters, digits, hyphens; labels of 1-63 bytes, no
 * hyphen at either end; 253 bytes at most). Upper case is accepted here;
 * callers lower-case. */
static bool
valid_dns_name(const char *s, size_t len)
{
	if (len == 0 || len > 253)
		return false;
	size_t label = 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '.') {
			if (label == 0 || s[i - 1] == '-')
				return false;
			label = 0;
			continue;
		}
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9');
		if (!alnum && c != '-')
			return false;
		if (c == '-' && label == 0)
			return false;
		if (++label > 63)
			return false;
	}
	return label > 0 && s[len - 1] != '-';
}

/* Address literals are told apart by the text: a ':' is IPv6. */
static bool
valid_ipv4(const char *s, size_t len)
{
	unsigned char a[NETADDR_BYTES];
	return memchr(s, ':', len) == NULL && netaddr_parse(s, len, a);
}

static bool
valid_ipv6(const char *s, size_t len)
{
	unsigned char a[NETADDR_BYTES];
	return memchr(s, ':', len) != NULL && netaddr_parse(s, len, a);
}

/* --- [server] --- */

static int
set_listen(struct config *cfg, const char *v, char *msg, size_t msglen)
{
	static const char allowed[] =
	    "must be unix:/absolute/path, IPv4:port or [IPv6]:port with a port from 1 to 65535";
	if (strncmp(v, "unix:", 5) == 0) {
		const char *path = v + 5;
		struct sockaddr_un sun;
		if (path[0] != '/') {
			say(msg, msglen, "%s", allowed);
			return -1;
		}
		if (strlen(path) >= sizeof(sun.sun_path)) {
			say(msg, msglen, "socket path must be at most %zu bytes long",
			    sizeof(sun.sun_path) - 1);
			return -1;
		}
		return copy_field(cfg->listen, sizeof(cfg->listen), v, msg, msglen);
	}
	const char *colon = strrchr(v, ':');
	bool ok = false;
	if (colon != NULL && valid_port(colon + 1)) {
		size_t hlen = (size_t)(colon - v);
		if (v[0] == '[')
			ok = hlen >= 2 && v[hlen - 1] == ']' && valid_ipv6(v + 1, hlen - 2);
		else
			ok = valid_ipv4(v, hlen);
	}
	if (!ok) {
		say(msg, msglen, "%s", allowed);
		return -1;
	}
	return copy_field(cfg->listen, sizeof(cfg->listen), v, msg, msglen);
}

static int
set_socket_mode(struct config *cfg, const char *v, char *msg, size_t msglen)
{
	size_t len = strlen(v);
	bool ok = len >= 1 && len <= 4 && strspn(v, "01234567") == len;
	unsigned mode = 0;
	for (size_t i = 0; ok && i < len; i++)
		mode = mode * 8 + (unsigned)(v[i] - '0');
	if (!ok || mode > 0777) {
		say(msg, msglen, "must be an octal mode from 0000 to 0777");
		return -1;
	}
	cfg->socket_mode = mode;
	return 0;
}

/* A Unix user name as useradd(8) allows it: letters, digits, _ . -,
 * not starting with '-'. */
static int
set_user(struct config *cfg, const char *v, char *msg, size_t msglen)
{
	size_t len = strlen(v);
	bool ok = len >= 1 && len < sizeof(cfg->user) && v[0] != '-' &&
	    strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") == len;
	if (!ok) {
		say(msg, msglen, "must be a user name of at most %zu characters from "
		    "A-Z a-z 0-9 _ . - (not starting with '-')", sizeof(cfg->user) - 1);
		return -1;
	}
	return copy_field(cfg->user, sizeof(cfg->user), v, msg, msglen);
}

static int
set_workers(struct config *cfg, const char *v, char *msg, size_t msglen)
{
	int64_t n;
	if (set_number(v, 1, 64, &n, msg, msglen) != 0)
		return -1;
	cfg->workers = (int)n;
	return 0;
}

static int
set_base_path(struct config *cfg, const char *v, char *msg, size_t msglen)
{
	size_t len = strlen(v);
	bool ok = len >= 1 && v[0] == '/' &&
	    strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		"0123456789/_.-") == len &&
	    strstr(v, "//") == NULL && strstr(v, "..") == NULL &&
	    strstr(v, "/./") == NULL && (len == 1 || v[len - 1] != '/') &&
	    !(len >= 2 && strcmp(v + len - 2, "/.") == 0);
	if (!ok) {
		say(msg, msglen, "must be a path such as /comments: starting with '/', "
		    "made of A-Z a-z 0-9 / _ . -, without \"//\", \"..\" or a trailing '/'");
		return -1;
	}
	/* "/" is the root: paths are built as base_path + "/thread", so the
	 * root is stored as "". */
	if (len == 1) {
		cfg->base_path[0] = '\0';
		return 0;
	}
	return copy_field(cfg->base_path, sizeof(cfg->base_path), v, msg, msglen);
}

static int
set_max_body_bytes(struct config *cfg, const char *v, char *msg, size_t msglen)
{
	int64_t n;
	if (set_number(v, 1024, 10485760, &n, msg, msglen) != 0)
		return -1;
	cfg->max_body_bytes = (size_t)n;
	cfg->max_body_set = 1;
	return 0;
}

/* --- [database] --- */

static int
set_db_path(struct config *cfg, const char *v, char *msg, size_t msglen)
{
	if (*v == '\0') {
		say(msg, msglen, "must be the path of the database file");
		return -1;
	}
	return copy_field(cfg->db_path, sizeof(cfg->db_path), v, msg, msglen);
}

static int
set_busy_timeout(struct config *cfg, const char *v, char *msg, size_t msglen)
{
	int64_t n;
	if (set_number(v, 0, 600000, &n, msg, msglen) != 0)
		return -1;
	cfg->busy_timeout_ms = (int)n;
	return 0;
}

/* A directory for backups: absolute, or empty for none. */
static int
set_backup_dir(struct config *cfg, const char *v, char *msg, size_t msglen)
{
	if (*v != '\0' && *v != '/') {
		say(msg, msglen, "must be an absolute path (starting with '/') or empty");
		return -1;
	}
	return copy_field(cfg->backup_dir, sizeof(cfg->backup_dir), v, msg, msglen);
}

static int
set_backup_keep(struct config *cfg, const char *v, char *msg, size_t msglen)
{
	int64_t n;
	if (set_number(v, 1, 10000, &n, msg, msglen) != 0)
		return -1;
	cfg->backup_keep = (int)n;
	return 0;
}

/* --- [site] --- */

static int
set_site_name(struct config *cfg, const char *v, char *msg, size_t msglen)
{
	if (*v == '\0') {
		say(msg, msglen, "must not be empty");
		return -1;
	}
	return copy_field(cfg->site_name, sizeof(cfg->site_name), v, msg, msglen);
}

static int
set_locale(struct config *cfg, const char *v, char *msg, size_t msglen)
{
	enum locale_id l;
	if (locale_parse(v, &l) != 0) {
		say(msg, msglen, "must be fa or en");
		return -1;
	}
	cfg->locale = l;
	return 0;
}

static int
set_timezone(struct config *cfg, const char *v, char *msg, size_t msglen)
{
	size_t len = strlen(v);
	/* The character set leaves no room for "..", and a leading '/' is
	 * refused, so the name cannot leave the zoneinfo directory. */
	bool ok = len >= 1 && v[0] != '/' && strstr(v, "//") == NULL &&
	    strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		"0123456789/_+-") == len;
	if (!ok) {
		say(msg, msglen, "must be a time zone name such as Asia/Tehran "
		    "(A-Z a-z 0-9 / _ + -)");
		return -1;
	}
	if (len >= sizeof(cfg->timezone)) {
		say(msg, msglen, "must be at most %zu bytes long", sizeof(cfg->timezone) - 1);
		return -1;
	}
	char path[sizeof(ZONEINFO_DIR) + sizeof(cfg->timezone) + 1];
	snprintf(path, sizeof(path), "%s/%s", ZONEINFO_DIR, v);
	struct stat st;
	if (access(path, R_OK) != 0 || stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
		say(msg, msglen, "must be a time zone found in " ZONEINFO_DIR
		    " (is tzdata installed?)");
		return -1;
	}
	return copy_field(cfg->timezone, sizeof(cfg->timezone), v, msg, msglen);
}

static int
set_article_url(struct config *cfg, const char *v, char *msg, size_t msglen)
{
	if (*v == '\0') {
		cfg->article_url[0] = '\0';
		return 0;
	}
	const char *rest = NULL;
	if (strncmp(v, "https://", 8) == 0)
		rest = v + 8;
	else if (strncmp(v, "http://", 7) == 0)
		rest = v + 7;
	const char *art = strstr(v, "{article}");
	bool ok = rest != NULL && *rest != '\0' && *rest != '/' && art != NULL;
	/* The host must end before {article}: an article id is whatever a
	 * request says, and ".evil.example" after the host would move it. */
	if (ok) {
		size_t host = strcspn(rest, "/?#");
		ok = rest + host < art;
	}
	/* It ends up in href attributes and Location headers. */
	for (const char *p = v; ok && *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;
		if (c <= ' ' || c == 0x7f || c == '"' || c == '<' || c == '>' || c == '\\')
			ok = false;
	}
	if (!ok) {
		say(msg, msglen, "must be empty or an http:// or https:// address "
		    "containing {article} after the host, without spaces or quotes");
		return -1;
	}
	return copy_field(cfg->article_url, sizeof(cfg->article_url), v, msg, msglen);
}

/* One entry of allowed_return_hosts: host, host:port, [v6] or [v6]:port. */
static bool
valid_return_host(const char *h, size_t len)
{
	size_t hlen = len;
	const char *colon = NULL;
	if (h[0] == '[') {
		const char *close = memchr(h, ']', len);
		if (close == NULL)
			return false;
		hlen = (size_t)(close - h) + 1;
		if (hlen < len) {
			if (h[hlen] != ':')
				return false;
			colon = h + hlen;
		}
		if (!valid_ipv6(h + 1, hlen - 2))
			return false;
	} else {
		colon = memchr(h, ':', len);
		if (colon != NULL)
			hlen = (size_t)(colon - h);
		if (!valid_dns_name(h, hlen) && !valid_ipv4(h, hlen))
			return false;
	}
	if (colon != NULL) {
		char port[8];
		size_t plen = len - hlen - 1;
		if (plen == 0 || plen >= sizeof(port))
			return false;
		memcpy(port, colon + 1, plen);
		port[plen] = '\0';
		if (!valid_port(port))
			return false;
	}
	return true;
}

static int
set_return_hosts(struct config *cfg, const char *v, char *msg, size_t msglen)
{
	char hosts[CONFIG_MAX_RETURN_HOSTS][sizeof(cfg->return_hosts[0])];
	int n = 0;
	static const char sep[] = " ,";

	for (const char *p = v; *p != '\0';) {
		p += strspn(p, sep);
		size_t len = strcspn(p, sep);
		if (len == 0)
			break;
		if (len >= sizeof(hosts[0]) || !valid_return_host(p, len)) {
			say(msg, msglen, "\"%.*s\" is not a host name or address; the list "
			    "is host, host:port or [IPv6]:port, separated by spaces or commas",
			    (int)(len > 64 ? 64 : len), p);
			return SET_COMPLETE;
		}
		char h[sizeof(hosts[0])];
		for (size_t i = 0; i < len; i++)
			h[i] = (p[i] >= 'A' && p[i] <= 'Z') ? (char)(p[i] - 'A' + 'a') : p[i];
		h[len] = '\0';
		p += len;
		bool seen = false;
		for (int i = 0; i < n; i++)
			if (strcmp(hosts[i], h) == 0)
				seen = true;
		if (seen)
			continue;
		if (n == CONFIG_MAX_RETURN_HOSTS) {
			say(msg, msglen, "must list at most %d hosts", CONFIG_MAX_RETURN_HOSTS);
			return -1;
		}
		memcpy(hosts[n++], h, len + 1);
	}
	for (int i = 0; i < n; i++)
		memcpy(cfg->return_hosts[i], hosts[i], sizeof(hosts[i]));
	cfg->return_host_count = n;
	return 0;
}

static int
set_templates(struct config *cfg, const char *v, char *msg, size_t msglen)
{
	if (*v == '\0') {
		say(msg, msglen, "must be the path of the template directory");
		return -1;
	}
	return copy_field(cfg->templates, sizeof(cfg->templates), v, msg, msglen);
}

/* --- [moderation] --- */

static int
set_mode(struct config *cfg, const char *v, char *msg, size_t msglen)
{
	for (int m = 0; m < MODERATION__MAX; m++) {
		if (strcmp(v, moderation_mode_name((enum moderation_mode)m)) == 0) {
			cfg->mode = (enum moderation_mode)m;
			return 0;
		}
	}
	say(msg, msglen, "must be pre, post or trusted");
	return -1;
}

static int
set_max_length(struct config *cfg, const char *v, char *msg, size_t msglen)
{
	int64_t n;
	if (set_number(v, 1, 100000, &n, msg, msglen) != 0)
		return -1;
	cfg->max_length = (int)n;
	return 0;
}

/* A number key stored as an int field with its bounds. */
#define INT_KEY(fn, field, min, max) \
	static int \
	fn(struct config *cfg, const char *v, char *msg, size_t msglen) \
	{ \
		int64_t n; \
		if (set_number(v, min, max, &n, msg, msglen) != 0) \
			return -1; \
		cfg->field = (int)n; \
		return 0; \
	}

/* A yes-or-no key stored as an int field (1 or 0). */
#define YESNO_KEY(fn, field) \
	static int \
	fn(struct config *cfg, const char *v, char *msg, size_t msglen) \
	{ \
		if (strcmp(v, "yes") == 0 || strcmp(v, "no") == 0) { \
			cfg->field = strcmp(v, "yes") == 0; \
			return 0; \
		} \
		say(msg, msglen, "must be yes or no"); \
		return -1; \
	}

INT_KEY(set_trusted_after, trusted_after, 1, 1000)
/* Up to ten years; 0: threads stay open until a moderator closes them. */
INT_KEY(set_close_after_days, close_after_days, 0, 3650)
YESNO_KEY(set_read_only, read_only)

/* Up to STORE_RECENT_MAX (store_recent.h); 0 turns feeds off. */
INT_KEY(set_feed_entries, feed_entries, 0, 500)

/* --- [antispam] --- */

/* Up to a day: a form is read and answered within minutes. */
INT_KEY(set_min_seconds, min_seconds, 0, 86400)
INT_KEY(set_max_age_hours, max_age_hours, 1, 720)
INT_KEY(set_posts_per_minute, posts_per_minute, 0, 100000)
INT_KEY(set_posts_per_hour, posts_per_hour, 0, 1000000)
INT_KEY(set_posts_per_article_minute, posts_per_article_minute, 0, 100000)
INT_KEY(set_posts_per_reader_article_day, posts_per_reader_article_day, 0, 100000)
INT_KEY(set_article_posts_per_minute, article_posts_per_minute, 0, 1000000)
INT_KEY(set_replies_shown, replies_shown, 1, 1000)
INT_KEY(set_duplicate_window, duplicate_window_minutes, 0, 10080)
INT_KEY(set_max_links, max_links, 0, 1000)
INT_KEY(set_ipv4_prefix, ipv4_prefix, 0, 32)
INT_KEY(set_ipv6_prefix, ipv6_prefix, 0, 128)

/* --- [votes] --- */

YESNO_KEY(set_votes_enabled, votes_enabled)

static int
set_votes_mode(struct config *cfg, const char *v, char *msg, size_t msglen)
{
	if (strcmp(v, "both") == 0 || strcmp(v, "agree") == 0) {
		cfg->votes_agree_only = strcmp(v, "agree") == 0;
		return 0;
	}
	say(msg, msglen, "must be both or agree");
	return -1;
}

INT_KEY(set_votes_hide_below, votes_hide_below, 0, 1000000)
INT_KEY(set_votes_per_minute, votes_per_minute, 0, 100000)
INT_KEY(set_votes_per_hour, votes_per_hour, 0, 1000000)
INT_KEY(set_votes_per_comment_hour, votes_per_comment_hour, 0, 1000000)

/* --- [thread] --- */

static int
set_thread_sort(struct config *cfg, const char *v, char *msg, size_t msglen)
{
	static const char *const names[CONFIG_SORT__MAX] = {
		[CONFIG_SORT_OLDEST] = "oldest", [CONFIG_SORT_NEWEST] = "newest",
		[CONFIG_SORT_AGREED] = "agreed",
	};
	for (int i = 0; i < CONFIG_SORT__MAX; i++)
		if (strcmp(v, names[i]) == 0) {
			cfg->thread_sort = (enum config_sort)i;
			return 0;
		}
	say(msg, msglen, "must be oldest, newest or agreed");
	return -1;
}

INT_KEY(set_pin_max, pin_max, 0, 50)
INT_KEY(set_edit_minutes, edit_minutes, 0, 1440)

/* --- [admin] --- */

INT_KEY(set_session_idle, session_idle_minutes, 1, 1440)
INT_KEY(set_session_lifetime, session_lifetime_hours, 1, 720)
INT_KEY(set_login_user_failures, login_failures_per_user, 1, 1000)
INT_KEY(set_login_address_failures, login_failures_per_address, 1, 100000)
INT_KEY(set_login_window, login_window_minutes, 1, 1440)
INT_KEY(set_hash_concurrency, hash_concurrency, 1, 16)

/* reasons = a | b | c: "|" separates, since reasons are phrases that may
 * hold commas (Persian or English). */
static int
set_reasons(struct config *cfg, const char *v, char *msg, size_t msglen)
{
	char reasons[CONFIG_MAX_REASONS][sizeof(cfg->reasons[0])];
	int n = 0;
	for (const char *p = v; *p != '\0';) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);
		const char *e = p;
		size_t elen = len;
		while (elen > 0 && (*e == ' ' || *e == '\t')) {
			e++;
			elen--;
		}
		while (elen > 0 && (e[elen - 1] == ' ' || e[elen - 1] == '\t'))
			elen--;
		p += len + (bar ? 1 : 0);
		if (elen == 0)
			continue;
		if (n == CONFIG_MAX_REASONS) {
			say(msg, msglen, "must list at most %d reasons", CONFIG_MAX_REASONS);
			return -1;
		}
		if (elen >= sizeof(reasons[0])) {
			say(msg, msglen, "reason \"%.*s…\" is longer than %zu bytes", 32, e,
			    sizeof(reasons[0]) - 1);
			return SET_COMPLETE;
		}
		memcpy(reasons[n], e, elen);
		reasons[n][elen] = '\0';
		n++;
	}
	memcpy(cfg->reasons, reasons, sizeof(reasons[0]) * (size_t)n);
	cfg->reason_count = n;
	return 0;
}

/* --- [metrics] --- */

static int
set_metrics_allow(struct config *cfg, const char *v, char *msg, size_t msglen)
{
	unsigned char nets[CONFIG_MAX_METRICS_ALLOW][NETADDR_BYTES];
	int prefixes[CONFIG_MAX_METRICS_ALLOW];
	int n = 0;
	static const char sep[] = " ,\t";
	for (const char *p = v; *p != '\0';) {
		p += strspn(p, sep);
		size_t len = strcspn(p, sep);
		if (len == 0)
			break;
		if (n == CONFIG_MAX_METRICS_ALLOW) {
			say(msg, msglen, "must list at most %d address ranges",
			    CONFIG_MAX_METRICS_ALLOW);
			return -1;
		}
		if (!netaddr_parse_range(p, len, nets[n], &prefixes[n])) {
			say(msg, msglen, "\"%.*s\" is not an address or range; the list is "
			    "addresses or ranges such as 127.0.0.1/32 or ::1/128, separated by "
			    "spaces or commas", (int)(len > 64 ? 64 : len), p);
			return SET_COMPLETE;
		}
		netaddr_mask(nets[n], prefixes[n]);
		n++;
		p += len;
	}
	memcpy(cfg->metrics_net, nets, sizeof(nets[0]) * (size_t)n);
	memcpy(cfg->metrics_prefix, prefixes, sizeof(prefixes[0]) * (size_t)n);
	cfg->metrics_allow_count = n;
	return 0;
}

bool
config_metrics_allowed(const struct config *cfg, const char *remote_addr)
{
	unsigned char a[NETADDR_BYTES];
	if (remote_addr == NULL || !netaddr_parse_client(remote_addr, a))
		return false;
	for (int i = 0; i < cfg->metrics_allow_count; i++)
		if (netaddr_in_range(a, cfg->metrics_net[i], cfg->metrics_prefix[i]))
			return true;
	return false;
}

/* --- [log] --- */

static int
set_log_level(struct config *cfg, const char *v, char *msg, size_t msglen)
{
	static const struct { const char *name; enum log_level level; } levels[] = {
		{ "error", LOG_LEVEL_ERROR }, { "warn", LOG_LEVEL_WARN },
		{ "info", LOG_LEVEL_INFO }, { "debug", LOG_LEVEL_DEBUG },
	};
	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		if (strcmp(v, levels[i].name) == 0) {
			cfg->log_level = (int)levels[i].level;
			return 0;
		}
	}
	say(msg, msglen, "must be error, warn, info or debug");
	return -1;
}

static int
set_log_target(struct config *cfg, const char *v, char *msg, size_t msglen)
{
	if (strcmp(v, "stderr") == 0)
		cfg->log_target = LOG_TARGET_STDERR;
	else if (strcmp(v, "syslog") == 0)
		cfg->log_target = LOG_TARGET_SYSLOG;
	else {
		say(msg, msglen, "must be stderr or syslog");
		return -1;
	}
	return 0;
}

/* --- [mail] --- */

static int
set_mail_transport(struct config *cfg, const char *v, char *msg, size_t msglen)
{
	for (int t = 0; t < MAIL_TRANSPORT__MAX; t++)
		if (strcmp(v, mail_transport_name((enum mail_transport)t)) == 0) {
			cfg->mail_transport = (enum mail_transport)t;
			return 0;
		}
	say(msg, msglen, "must be none, sendmail or smtp");
	return -1;
}

static int
set_mail_from(struct config *cfg, const char *v, char *msg, size_t msglen)
{
	if (!mime_address_valid(v)) {
		say(msg, msglen, "must be a plain address such as comments@example.ir "
		    "(ASCII, a domain with a dot, no name or angle brackets)");
		return -1;
	}
	return copy_field(cfg->mail_from, sizeof(cfg->mail_from), v, msg, msglen);
}

static int
set_mail_from_name(struct config *cfg, const char *v, char *msg, size_t msglen)
{
	return copy_field(cfg->mail_from_name, sizeof(cfg->mail_from_name), v, msg, msglen);
}

/* An http(s) URL without spaces, quotes or a trailing '/'; it goes into
 * mail as text and in href attributes. */
static bool
valid_link_base(const char *v)
{
	const char *rest = strncmp(v, "https://", 8) == 0 ? v + 8 :
	    strncmp(v, "http://", 7) == 0 ? v + 7 : NULL;
	size_t len = strlen(v);
	if (rest == NULL || *rest == '\0' || *rest == '/' || v[len - 1] == '/')
		return false;
	for (const char *p = v; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;
		if (c <= ' ' || c >= 0x7f || strchr("\"<>\\'`?#", c) != NULL)
			return false;
	}
	return true;
}

static int
set_mail_base_url(struct config *cfg, const char *v, char *msg, size_t msglen)
{
	if (!valid_link_base(v)) {
		say(msg, msglen, "must be the public address of base_path, such as "
		    "https://www.example.ir/comments (http or https, no trailing '/', "
		    "no query)");
		return -1;
	}
	return copy_field(cfg->mail_base_url, sizeof(cfg->mail_base_url), v, msg, msglen);
}

static int
set_absolute_path(char *dst, size_t dstlen, const char *v, char *msg, size_t msglen)
{
	if (v[0] != '/') {
		say(msg, msglen, "must be an absolute path");
		return -1;
	}
	return copy_field(dst, dstlen, v, msg, msglen);
}

static int
set_mail_sendmail(struct config *cfg, const char *v, char *msg, size_t msglen)
{
	return set_absolute_path(cfg->mail_sendmail, sizeof(cfg->mail_sendmail), v, msg,
	    msglen);
}

static int
set_mail_smtp_url(struct config *cfg, const char *v, char *msg, size_t msglen)
{
	const char *rest = strncmp(v, "smtps://", 8) == 0 ? v + 8 :
	    strncmp(v, "smtp://", 7) == 0 ? v + 7 : NULL;
	bool ok = rest != NULL && *rest != '\0';
	if (ok) {
		size_t hlen = strcspn(rest, "/");
		ok = (rest[hlen] == '\0' || strcmp(rest + hlen, "/") == 0) &&
		    valid_return_host(rest, hlen);
	}
	if (!ok) {
		say(msg, msglen, "must be smtp://HOST[:PORT] (STARTTLS) or smtps://HOST[:PORT] "
		    "(TLS)");
		return -1;
	}
	return copy_field(cfg->mail_smtp_url, sizeof(cfg->mail_smtp_url), v, msg, msglen);
}

static int
set_mail_smtp_user(struct config *cfg, const char *v, char *msg, size_t msglen)
{
	return copy_field(cfg->mail_smtp_user, sizeof(cfg->mail_smtp_user), v, msg, msglen);
}

static int
set_mail_smtp_password_file(struct config *cfg, const char *v, char *msg, size_t msglen)
{
	return set_absolute_path(cfg->mail_smtp_password_file,
	    sizeof(cfg->mail_smtp_password_file), v, msg, msglen);
}

static int
set_mail_timeout(struct config *cfg, const char *v, char *msg, size_t msglen)
{
	int64_t n;
	if (set_number(v, 1, 300, &n, msg, msglen) != 0)
		return -1;
	cfg->mail_timeout_seconds = (int)n;
	return 0;
}

static int
set_mail_max_attempts(struct config *cfg, const char *v, char *msg, size_t msglen)
{
	int64_t n;
	if (set_number(v, 1, 30, &n, msg, msglen) != 0)
		return -1;
	cfg->mail_max_attempts = (int)n;
	return 0;
}

static int
set_mail_reader_daily_limit(struct config *cfg, const char *v, char *msg, size_t msglen)
{
	int64_t n;
	if (set_number(v, 0, 100, &n, msg, msglen) != 0)
		return -1;
	cfg->mail_reader_daily_limit = (int)n;
	return 0;
}

static int
set_mail_decide_hours(struct config *cfg, const char *v, char *msg, size_t msglen)
{
	int64_t n;
	if (set_number(v, 0, 720, &n, msg, msglen) != 0)
		return -1;
	cfg->mail_decide_hours = (int)n;
	return 0;
}

/* --- [webhook] --- */

/* The URLs' shape here; their hosts against allow_hosts in check_webhook,
 * which sees both keys whatever their order. */
static int
set_webhook_url(struct config *cfg, const char *v, char *msg, size_t msglen)
{
	int n = 0;
	for (const char *p = v + strspn(v, " "); *p != '\0'; p += strspn(p, " ")) {
		size_t len = strcspn(p, " ");
		if (n == WEBHOOK_URLS_MAX) {
			say(msg, msglen, "at most %d URLs", WEBHOOK_URLS_MAX);
			return SET_COMPLETE;
		}
		if (len >= WEBHOOK_URL_MAX) {
			say(msg, msglen, "a URL longer than %d bytes", WEBHOOK_URL_MAX - 1);
			return SET_COMPLETE;
		}
		memcpy(cfg->webhook_urls[n], p, len);
		cfg->webhook_urls[n][len] = '\0';
		char why[MSG_MAX];
		if (webhook_url_check(cfg->webhook_urls[n], "*", why, sizeof(why)) != 0 &&
		    strstr(why, "allow_hosts") == NULL) {
			say(msg, msglen, "URL %d %s", n + 1, why);
			return SET_COMPLETE;
		}
		n++;
		p += len;
	}
	if (n == 0) {
		say(msg, msglen, "must be one to %d https:// URLs", WEBHOOK_URLS_MAX);
		return -1;
	}
	cfg->webhook_url_count = n;
	return 0;
}

static int
set_webhook_secret_file(struct config *cfg, const char *v, char *msg, size_t msglen)
{
	return set_absolute_path(cfg->webhook_secret_file, sizeof(cfg->webhook_secret_file), v,
	    msg, msglen);
}

static int
set_webhook_events(struct config *cfg, const char *v, char *msg, size_t msglen)
{
	char out[sizeof(cfg->webhook_events)];
	size_t o = 0;
	for (const char *p = v + strspn(v, " "); *p != '\0'; p += strspn(p, " ")) {
		size_t len = strcspn(p, " ");
		if (!webhook_event_known(p, len)) {
			say(msg, msglen, "must be some of held, published, rejected, reply");
			return -1;
		}
		if (o + len + 2 > sizeof(out)) {
			say(msg, msglen, "too long");
			return -1;
		}
		if (o > 0)
			out[o++] = ' ';
		memcpy(out + o, p, len);
		o += len;
		p += len;
	}
	if (o == 0) {
		say(msg, msglen, "must be some of held, published, rejected, reply");
		return -1;
	}
	out[o] = '\0';
	memcpy(cfg->webhook_events, out, o + 1);
	return 0;
}

static int
set_webhook_allow_hosts(struct config *cfg, const char *v, char *msg, size_t msglen)
{
	return copy_field(cfg->webhook_allow_hosts, sizeof(cfg->webhook_allow_hosts), v, msg,
	    msglen);
}

static int
set_webhook_timeout(struct config *cfg, const char *v, char *msg, size_t msglen)
{
	int64_t n;
	if (set_number(v, 1, 60, &n, msg, msglen) != 0)
		return -1;
	cfg->webhook_timeout_seconds = (int)n;
	return 0;
}

static int
set_webhook_proxy(struct config *cfg, const char *v, char *msg, size_t msglen)
{
	if (strncmp(v, "http://", 7) != 0 && strncmp(v, "https://", 8) != 0 &&
	    strncmp(v, "socks5h://", 10) != 0) {
		say(msg, msglen, "must be http://, https:// or socks5h://HOST:PORT");
		return -1;
	}
	return copy_field(cfg->webhook_proxy, sizeof(cfg->webhook_proxy), v, msg, msglen);
}

static const struct key keys[] = {
	{ SEC_SERVER, "listen", set_listen },
	{ SEC_SERVER, "socket_mode", set_socket_mode },
	{ SEC_SERVER, "workers", set_workers },
	{ SEC_SERVER, "user", set_user },
	{ SEC_SERVER, "base_path", set_base_path },
	{ SEC_SERVER, "max_body_bytes", set_max_body_bytes },
	{ SEC_DATABASE, "path", set_db_path },
	{ SEC_DATABASE, "busy_timeout_ms", set_busy_timeout },
	{ SEC_DATABASE, "backup_dir", set_backup_dir },
	{ SEC_DATABASE, "backup_keep", set_backup_keep },
	{ SEC_SITE, "name", set_site_name },
	{ SEC_SITE, "locale", set_locale },
	{ SEC_SITE, "timezone", set_timezone },
	{ SEC_SITE, "article_url", set_article_url },
	{ SEC_SITE, "allowed_return_hosts", set_return_hosts },
	{ SEC_SITE, "templates", set_templates },
	{ SEC_SITE, "feed_entries", set_feed_entries },
	{ SEC_MODERATION, "mode", set_mode },
	{ SEC_MODERATION, "max_length", set_max_length },
	{ SEC_MODERATION, "trusted_after", set_trusted_after },
	{ SEC_MODERATION, "close_after_days", set_close_after_days },
	{ SEC_SITE, "read_only", set_read_only },
	{ SEC_ANTISPAM, "min_seconds", set_min_seconds },
	{ SEC_ANTISPAM, "max_age_hours", set_max_age_hours },
	{ SEC_ANTISPAM, "per_minute", set_posts_per_minute },
	{ SEC_ANTISPAM, "per_hour", set_posts_per_hour },
	{ SEC_ANTISPAM, "per_article_per_minute", set_posts_per_article_minute },
	{ SEC_ANTISPAM, "per_reader_per_article_per_day", set_posts_per_reader_article_day },
	{ SEC_ANTISPAM, "article_per_minute", set_article_posts_per_minute },
	{ SEC_ANTISPAM, "duplicate_window_minutes", set_duplicate_window },
	{ SEC_ANTISPAM, "max_links", set_max_links },
	{ SEC_ANTISPAM, "ipv4_prefix", set_ipv4_prefix },
	{ SEC_ANTISPAM, "ipv6_prefix", set_ipv6_prefix },
	{ SEC_ADMIN, "session_idle_minutes", set_session_idle },
	{ SEC_ADMIN, "session_lifetime_hours", set_session_lifetime },
	{ SEC_ADMIN, "login_failures_per_user", set_login_user_failures },
	{ SEC_ADMIN, "login_failures_per_address", set_login_address_failures },
	{ SEC_ADMIN, "login_window_minutes", set_login_window },
	{ SEC_ADMIN, "hash_concurrency", set_hash_concurrency },
	{ SEC_ADMIN, "reasons", set_reasons },
	{ SEC_MAIL, "transport", set_mail_transport },
	{ SEC_MAIL, "from", set_mail_from },
	{ SEC_MAIL, "from_name", set_mail_from_name },
	{ SEC_MAIL, "base_url", set_mail_base_url },
	{ SEC_MAIL, "sendmail", set_mail_sendmail },
	{ SEC_MAIL, "smtp_url", set_mail_smtp_url },
	{ SEC_MAIL, "smtp_user", set_mail_smtp_user },
	{ SEC_MAIL, "smtp_password_file", set_mail_smtp_password_file },
	{ SEC_MAIL, "timeout_seconds", set_mail_timeout },
	{ SEC_MAIL, "max_attempts", set_mail_max_attempts },
	{ SEC_MAIL, "reader_daily_limit", set_mail_reader_daily_limit },
	{ SEC_MAIL, "decide_hours", set_mail_decide_hours },
	{ SEC_LOG, "level", set_log_level },
	{ SEC_LOG, "target", set_log_target },
	{ SEC_METRICS, "allow", set_metrics_allow },
	{ SEC_VOTES, "enabled", set_votes_enabled },
	{ SEC_VOTES, "mode", set_votes_mode },
	{ SEC_VOTES, "hide_below", set_votes_hide_below },
	{ SEC_VOTES, "per_minute", set_votes_per_minute },
	{ SEC_VOTES, "per_hour", set_votes_per_hour },
	{ SEC_VOTES, "per_comment_per_hour", set_votes_per_comment_hour },
	{ SEC_THREAD, "sort", set_thread_sort },
	{ SEC_THREAD, "pin_max", set_pin_max },
	{ SEC_THREAD, "edit_minutes", set_edit_minutes },
	{ SEC_THREAD, "replies_shown", set_replies_shown },
	{ SEC_WEBHOOK, "url", set_webhook_url },
	{ SEC_WEBHOOK, "secret_file", set_webhook_secret_file },
	{ SEC_WEBHOOK, "events", set_webhook_events },
	{ SEC_WEBHOOK, "allow_hosts", set_webhook_allow_hosts },
	{ SEC_WEBHOOK, "timeout_seconds", set_webhook_timeout },
	{ SEC_WEBHOOK, "proxy", set_webhook_proxy },
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

size_t
config_body_cap(int max_length)
{
	size_t cap = (size_t)max_length * CONFIG_BODY_PER_CHAR + CONFIG_BODY_OTHER_FIELDS;
	/* The bounds of max_body_bytes itself (max_length is at most 100000,
	 * which derives 4,816,384). */
	return cap < 1024 ? 1024 : cap > 10485760 ? 10485760 : cap;
}

void
config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->listen, sizeof(cfg->listen), "%s", "unix:/run/nazar/nazar.sock");
	cfg->socket_mode = 0660;
	cfg->workers = 4;
	snprintf(cfg->base_path, sizeof(cfg->base_path), "%s", "/comments");
	cfg->max_body_bytes = config_body_cap(5000);
	snprintf(cfg->db_path, sizeof(cfg->db_path), "%s", NAZAR_LOCALSTATEDIR "/nazar.db");
	cfg->busy_timeout_ms = 5000;
	snprintf(cfg->backup_dir, sizeof(cfg->backup_dir), "%s", NAZAR_LOCALSTATEDIR "/backups");
	cfg->backup_keep = 7;
	snprintf(cfg->site_name, sizeof(cfg->site_name), "%s", "nazar");
	cfg->locale = LOCALE_FA;
	snprintf(cfg->timezone, sizeof(cfg->timezone), "%s", "Asia/Tehran");
	cfg->article_url[0] = '\0';
	cfg->return_host_count = 0;
	snprintf(cfg->templates, sizeof(cfg->templates), "%s", NAZAR_PKGDATADIR "/templates");
	cfg->feed_entries = 50;
	cfg->mode = MODERATION_PRE;
	cfg->max_length = 5000;
	cfg->trusted_after = 3;
	cfg->close_after_days = 0;
	cfg->read_only = 0;
	cfg->min_seconds = 3;
	cfg->max_age_hours = 24;
	cfg->posts_per_minute = 10;
	cfg->posts_per_hour = 60;
	cfg->posts_per_article_minute = 5;
	cfg->posts_per_reader_article_day = 20;
	cfg->article_posts_per_minute = 60;
	cfg->replies_shown = 20;
	cfg->duplicate_window_minutes = 60;
	cfg->max_links = 2;
	cfg->ipv4_prefix = 24;
	cfg->ipv6_prefix = 64;
	cfg->session_idle_minutes = 30;
	cfg->session_lifetime_hours = 12;
	cfg->login_failures_per_user = 5;
	cfg->login_failures_per_address = 20;
	cfg->login_window_minutes = 15;
	cfg->hash_concurrency = 2;
	/* Loopback only: 127.0.0.0/8 and ::1. */
	(void)set_metrics_allow(cfg, "127.0.0.0/8 ::1/128", NULL, 0);
	cfg->reason_count = 0;
	cfg->mail_transport = MAIL_TRANSPORT_NONE;
	snprintf(cfg->mail_sendmail, sizeof(cfg->mail_sendmail), "%s", "/usr/sbin/sendmail");
	cfg->mail_timeout_seconds = 30;
	cfg->mail_max_attempts = 8;
	cfg->mail_reader_daily_limit = 5;
	cfg->mail_decide_hours = 48;
	cfg->webhook_url_count = 0;
	snprintf(cfg->webhook_events, sizeof(cfg->webhook_events), "%s", "held published");
	cfg->webhook_timeout_seconds = 10;
	cfg->log_level = LOG_LEVEL_INFO;
	cfg->log_target = LOG_TARGET_STDERR;
	cfg->votes_enabled = 1;
	cfg->votes_agree_only = 0;
	cfg->votes_hide_below = 0;
	cfg->votes_per_minute = 20;
	cfg->votes_per_hour = 200;
	cfg->votes_per_comment_hour = 10;
	cfg->thread_sort = CONFIG_SORT_OLDEST;
	cfg->pin_max = 3;
	cfg->edit_minutes = 15;
}

const char *
mail_transport_name(enum mail_transport t)
{
	switch (t) {
	case MAIL_TRANSPORT_NONE: return "none";
	case MAIL_TRANSPORT_SENDMAIL: return "sendmail";
	case MAIL_TRANSPORT_SMTP: return "smtp";
	default: return "unknown";
	}
}

const char *
moderation_mode_name(enum moderation_mode m)
{
	switch (m) {
	case MODERATION_PRE: return "pre";
	case MODERATION_POST: return "post";
	case MODERATION_TRUSTED: return "trusted";
	default: return "unknown";
	}
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static void
trim(const char **p, size_t *len)
{
	while (*len > 0 && is_blank(**p)) {
		(*p)++;
		(*len)--;
	}
	while (*len > 0 && is_blank((*p)[*len - 1]))
		(*len)--;
}

/* Writes value into out for an error message: quoted, control characters
 * escaped (the message goes to a terminal or the journal), long values cut
 * at a character boundary. */
static void
quote_value(char *out, size_t outlen, const char *v)
{
	size_t o = 0;
	const size_t shown = 80;
	size_t i;
	if (outlen < 8) {
		if (outlen > 0)
			out[0] = '\0';
		return;
	}
	out[o++] = '"';
	for (i = 0; v[i] != '\0' && i < shown && o + 6 < outlen; i++) {
		unsigned char c = (unsigned char)v[i];
		if (c < 0x20 || c == 0x7f) {
			o += (size_t)snprintf(out + o, outlen - o, "\\x%02x", c);
		} else if (c == '"' || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else
			out[o++] = (char)c;
	}
	if (v[i] != '\0') {
		/* Stopped inside a character: drop its first bytes too (they
		 * were copied as they are). */
		o -= i - utf8_cut(v, i + 1, i);
		if (o + 5 < outlen) {
			memcpy(out + o, "...", 3);
			o += 3;
		}
	}
	out[o++] = '"';
	out[o] = '\0';
}

static void
set_error(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
set_error(char *err, size_t errlen, const char *fmt, ...)
{
	if (err == NULL || errlen == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Parses "[name]" (already trimmed, starts with '['). */
static int
parse_section(const char *p, size_t len, enum section *out)
{
	if (len < 2 || p[len - 1] != ']')
		return -1;
	p++;
	len -= 2;
	trim(&p, &len);
	for (int s = SEC_SERVER; s < SEC__MAX; s++) {
		if (strlen(section_names[s]) == len && memcmp(section_names[s], p, len) == 0) {
			*out = (enum section)s;
			return 0;
		}
	}
	return -1;
}

/* Where config_parse is in a file, and what it has read so far. */
struct parse_state {
	const char *name;		/* of the file, for messages */
	size_t lineno;
	enum section sec;
	int seen_line[NKEYS];		/* where each key was set; 0: not yet */
	struct config next;		/* the values read, applied at the end */
	char *err;
	size_t errlen;
};

/* A line as it is in the file: not too long, no NUL, UTF-8. */
static int
check_line(struct parse_state *ps, const char *p, size_t plen)
{
	if (plen > CONFIG_MAX_LINE) {
		set_error(ps->err, ps->errlen, "%s:%zu: line longer than %d bytes", ps->name,
		    ps->lineno, CONFIG_MAX_LINE);
		return -1;
	}
	if (memchr(p, '\0', plen) != NULL) {
		set_error(ps->err, ps->errlen, "%s:%zu: NUL byte in line", ps->name, ps->lineno);
		return -1;
	}
	if (!utf8_valid(p, plen)) {
		set_error(ps->err, ps->errlen, "%s:%zu: not valid UTF-8", ps->name, ps->lineno);
		return -1;
	}
	return 0;
}

/* p[0..plen) quoted for a message, in shown (128 bytes). */
static void
quote_span(char shown[128], const char *p, size_t plen)
{
	char line[CONFIG_MAX_LINE + 1];
	memcpy(line, p, plen);
	line[plen] = '\0';
	quote_value(shown, 128, line);
}

/* The key k[0..klen) of the current section: its index in keys[], or -1
 * with the error set (empty, outside a section, unknown, set twice). */
static int
find_key(struct parse_state *ps, const char *k, size_t klen)
{
	char shown[128];
	quote_span(shown, k, klen);
	if (klen == 0) {
		set_error(ps->err, ps->errlen, "%s:%zu: missing key before '='", ps->name,
		    ps->lineno);
		return -1;
	}
	if (ps->sec == SEC_NONE) {
		set_error(ps->err, ps->errlen, "%s:%zu: key %s outside a section; put it under "
		    SECTION_LIST ", [thread] or [webhook]", ps->name, ps->lineno, shown);
		return -1;
	}
	size_t ki;
	for (ki = 0; ki < NKEYS; ki++)
		if (keys[ki].section == ps->sec && strlen(keys[ki].name) == klen &&
		    memcmp(keys[ki].name, k, klen) == 0)
			break;
	if (ki == NKEYS) {
		set_error(ps->err, ps->errlen, "%s:%zu: unknown key %s in [%s]", ps->name,
		    ps->lineno, shown, section_names[ps->sec]);
		return -1;
	}
	if (ps->seen_line[ki] != 0) {
		set_error(ps->err, ps->errlen, "%s:%zu: [%s] %s: duplicate key (first set on "
		    "line %d)", ps->name, ps->lineno, section_names[ps->sec], keys[ki].name,
		    ps->seen_line[ki]);
		return -1;
	}
	ps->seen_line[ki] = (int)ps->lineno;
	return (int)ki;
}

/* Sets key ki from the value v[0..vlen) as written (trimmed). A value in
 * double quotes keeps its spaces; there are no escapes inside, the quotes
 * just delimit. */
static int
set_value(struct parse_state *ps, size_t ki, const char *v, size_t vlen)
{
	const char *sec = section_names[ps->sec], *key = keys[ki].name;
	char line[CONFIG_MAX_LINE + 1], shown[128], msg[MSG_MAX];

	if (vlen > 0 && v[0] == '"') {
		if (vlen < 2 || v[vlen - 1] != '"') {
			set_error(ps->err, ps->errlen, "%s:%zu: [%s] %s: missing closing '\"'",
			    ps->name, ps->lineno, sec, key);
			return -1;
		}
		v++;
		vlen -= 2;
	}
	memcpy(line, v, vlen);
	line[vlen] = '\0';
	quote_value(shown, sizeof(shown), line);
	for (size_t i = 0; i < vlen; i++) {
		unsigned char c = (unsigned char)line[i];
		if (c < 0x20 || c == 0x7f) {
			set_error(ps->err, ps->errlen, "%s:%zu: [%s] %s: must not contain "
			    "control characters, not %s", ps->name, ps->lineno, sec, key, shown);
			return -1;
		}
	}
	msg[0] = '\0';
	int rc = keys[ki].set(&ps->next, line, msg, sizeof(msg));
	if (rc == SET_COMPLETE) {
		set_error(ps->err, ps->errlen, "%s:%zu: [%s] %s: %s", ps->name, ps->lineno,
		    sec, key, msg);
		return -1;
	}
	if (rc != 0) {
		set_error(ps->err, ps->errlen, "%s:%zu: [%s] %s: %s, not %s", ps->name,
		    ps->lineno, sec, key, msg, shown);
		return -1;
	}
	return 0;
}

/* One line, trimmed, neither empty nor a comment: a section header or a
 * "key = value". */
static int
parse_line(struct parse_state *ps, const char *p, size_t plen)
{
	char shown[128];

	if (p[0] == '[') {
		if (parse_section(p, plen, &ps->sec) != 0) {
			quote_span(shown, p, plen);
			set_error(ps->err, ps->errlen, "%s:%zu: unknown section %s; sections are "
			    SECTION_LIST ", [thread] and [webhook]", ps->name, ps->lineno, shown);
			return -1;
		}
		return 0;
	}
	const char *eq = memchr(p, '=', plen);
	if (eq == NULL) {
		quote_span(shown, p, plen);
		set_error(ps->err, ps->errlen, "%s:%zu: expected \"key = value\", not %s",
		    ps->name, ps->lineno, shown);
		return -1;
	}
	const char *k = p, *v = eq + 1;
	size_t klen = (size_t)(eq - p), vlen = plen - klen - 1;
	trim(&k, &klen);
	trim(&v, &vlen);
	int ki = find_key(ps, k, klen);
	return ki < 0 ? -1 : set_value(ps, (size_t)ki, v, vlen);
}

static size_t
key_index(enum section sec, const char *name)
{
	for (size_t ki = 0; ki < NKEYS; ki++)
		if (keys[ki].section == sec && strcmp(keys[ki].name, name) == 0)
			return ki;
	return NKEYS;
}

/* What the keys of [mail] need of each other, reported at the line of
 * transport: a transport needs from and base_url, smtp its URL, a user
 * its password file and the other way round. */
static int
check_mail(struct parse_state *ps)
{
	const struct config *c = &ps->next;
	const char *missing = NULL;
	const char *key = "transport";
	if (c->mail_transport != MAIL_TRANSPORT_NONE && c->mail_from[0] == '\0')
		missing = "needs from = the sender's address";
	else if (c->mail_transport != MAIL_TRANSPORT_NONE && c->mail_base_url[0] == '\0')
		missing = "needs base_url = the public address of base_path, for links";
	else if (c->mail_transport == MAIL_TRANSPORT_SMTP && c->mail_smtp_url[0] == '\0')
		missing = "needs smtp_url = smtp://HOST:587 or smtps://HOST:465";
	else if ((c->mail_smtp_user[0] == '\0') != (c->mail_smtp_password_file[0] == '\0')) {
		missing = "smtp_user and smtp_password_file go together";
		key = c->mail_smtp_user[0] != '\0' ? "smtp_user" : "smtp_password_file";
	}
	if (missing == NULL)
		return 0;
	size_t ki = key_index(SEC_MAIL, key);
	int line = ki < NKEYS ? ps->seen_line[ki] : 0;
	if (line == 0)
		for (ki = 0; ki < NKEYS; ki++)
			if (keys[ki].section == SEC_MAIL && ps->seen_line[ki] != 0 &&
			    (line == 0 || ps->seen_line[ki] < line))
				line = ps->seen_line[ki];
	if (strcmp(key, "transport") == 0)
		set_error(ps->err, ps->errlen, "%s:%d: [mail] transport = %s %s", ps->name, line,
		    mail_transport_name(c->mail_transport), missing);
	else
		set_error(ps->err, ps->errlen, "%s:%d: [mail] %s", ps->name, line, missing);
	return -1;
}

/* [webhook]: the URLs need a secret, and each its host in allow_hosts;
 * reported at the line of url (or of the first key of the section). */
static int
check_webhook(struct parse_state *ps)
{
	const struct config *c = &ps->next;
	int line = 0;
	for (size_t ki = 0; ki < NKEYS; ki++)
		if (keys[ki].section == SEC_WEBHOOK && ps->seen_line[ki] != 0 &&
		    (line == 0 || ps->seen_line[ki] < line))
			line = ps->seen_line[ki];
	if (line == 0)
		return 0;
	size_t ki = key_index(SEC_WEBHOOK, "url");
	if (ki >= NKEYS || ps->seen_line[ki] == 0 || c->webhook_url_count == 0) {
		set_error(ps->err, ps->errlen, "%s:%d: [webhook] needs url = https://HOST/PATH",
		    ps->name, line);
		return -1;
	}
	line = ps->seen_line[ki];
	if (c->webhook_secret_file[0] == '\0') {
		set_error(ps->err, ps->errlen, "%s:%d: [webhook] url needs secret_file = the "
		    "shared secret's file", ps->name, line);
		return -1;
	}
	for (int i = 0; i < c->webhook_url_count; i++) {
		char why[MSG_MAX];
		if (webhook_url_check(c->webhook_urls[i], c->webhook_allow_hosts, why,
		    sizeof(why)) != 0) {
			char shown[128];
			quote_value(shown, sizeof(shown), c->webhook_urls[i]);
			set_error(ps->err, ps->errlen, "%s:%d: [webhook] url %s: %s", ps->name, line,
			    shown, why);
			return -1;
		}
	}
	return 0;
}

int
config_parse(const char *name, const char *text, size_t len, struct config *cfg,
    char *err, size_t errlen)
{
	/* Work on a copy so that a bad file leaves cfg as it was. */
	struct parse_state st = { .name = name, .sec = SEC_NONE, .next = *cfg, .err = err,
	    .errlen = errlen };
	struct parse_state *ps = &st;
	int rc = 0;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (len > CONFIG_MAX_FILE) {
		set_error(err, errlen, "%s: larger than %d bytes", name, CONFIG_MAX_FILE);
		return -1;
	}
	/* Editors on some systems start UTF-8 files with a byte order mark. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		text += 3;
		len -= 3;
	}
	for (size_t pos = 0; pos < len && rc == 0;) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl != NULL ? (size_t)(nl - text) : len;
		const char *p = text + pos;
		size_t plen = end - pos;
		pos = end + 1;
		ps->lineno++;

		if (plen > 0 && p[plen - 1] == '\r')
			plen--;
		if ((rc = check_line(ps, p, plen)) != 0)
			break;
		trim(&p, &plen);
		if (plen > 0 && p[0] != '#' && p[0] != ';')
			rc = parse_line(ps, p, plen);
	}
	if (rc == 0)
		rc = check_mail(ps);
	if (rc == 0)
		rc = check_webhook(ps);
	if (rc == 0) {
		if (!ps->next.max_body_set)
			ps->next.max_body_bytes = config_body_cap(ps->next.max_length);
		*cfg = ps->next;
	}
	return rc;
}

const char *
config_default_path(void)
{
	const char *env = getenv("NAZAR_CONFIG");
	return env != NULL && *env != '\0' ? env : CONFIG_DEFAULT_PATH;
}

int
config_load(const char *path, struct config *cfg, char *err, size_t errlen)
{
	struct buf file = { 0 };
	if (buf_read_file(&file, path, CONFIG_MAX_FILE, err, errlen) != 0)
		return -1;
	int rc = config_parse(path, file.data, file.len, cfg, err, errlen);
	buf_free(&file);
	return rc;
}
