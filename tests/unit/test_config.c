/* test_config.c — nazar.conf: defaults, every key with good and bad values,
 * the exact FILE:LINE messages, the file limits and the shipped example. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "locale.h"
#include "log.h"

static char err[1024];

static int
parse(const char *text, struct config *cfg)
{
	err[0] = 'x';
	err[1] = '\0';
	return config_parse("t.conf", text, strlen(text), cfg, err, sizeof(err));
}

/* Parses text over defaults and expects failure with exactly msg. */
static void
expect_error(const char *text, const char *msg)
{
	struct config cfg, before;
	config_defaults(&cfg);
	before = cfg;
	if (parse(text, &cfg) != -1)
		fail_msg("accepted:\n%s", text);
	assert_string_equal(err, msg);
	/* A bad file changes nothing. */
	assert_memory_equal(&cfg, &before, sizeof(cfg));
}

/* "[section]\nkey = value\n" parsed over defaults; returns the result. */
static int
one(const char *section, const char *key, const char *value, struct config *cfg)
{
	char text[8192];
	snprintf(text, sizeof(text), "[%s]\n%s = %s\n", section, key, value);
	config_defaults(cfg);
	return parse(text, cfg);
}

static int
zoneinfo_present(void)
{
	return access("/usr/share/zoneinfo/Asia/Tehran", R_OK) == 0 &&
	    access("/usr/share/zoneinfo/Europe/London", R_OK) == 0;
}

static void
defaults(void **state)
{
	(void)state;
	struct config cfg;
	memset(&cfg, 0x55, sizeof(cfg));
	config_defaults(&cfg);
	assert_string_equal(cfg.listen, "unix:/run/nazar/nazar.sock");
	assert_int_equal(cfg.socket_mode, 0660);
	assert_int_equal(cfg.workers, 4);
	assert_string_equal(cfg.base_path, "/comments");
	assert_int_equal(cfg.max_body_bytes, 256384);
	assert_int_equal(cfg.max_body_bytes, config_body_cap(cfg.max_length));
	assert_string_equal(cfg.db_path, NAZAR_LOCALSTATEDIR "/nazar.db");
	assert_int_equal(cfg.busy_timeout_ms, 5000);
	assert_string_equal(cfg.site_name, "nazar");
	assert_int_equal(cfg.locale, LOCALE_FA);
	assert_string_equal(cfg.timezone, "Asia/Tehran");
	assert_string_equal(cfg.article_url, "");
	assert_int_equal(cfg.return_host_count, 0);
	assert_string_equal(cfg.templates, NAZAR_PKGDATADIR "/templates");
	assert_int_equal(cfg.mode, MODERATION_PRE);
	assert_int_equal(cfg.max_length, 5000);
	assert_int_equal(cfg.log_level, LOG_LEVEL_INFO);
	assert_int_equal(cfg.log_target, LOG_TARGET_STDERR);
	assert_string_equal(moderation_mode_name(MODERATION_PRE), "pre");
	assert_string_equal(moderation_mode_name(MODERATION_POST), "post");
	assert_string_equal(moderation_mode_name(MODERATION_TRUSTED), "trusted");
	assert_string_equal(moderation_mode_name(MODERATION__MAX), "unknown");
	assert_int_equal(cfg.trusted_after, 3);
	assert_int_equal(cfg.min_seconds, 3);
	assert_int_equal(cfg.max_age_hours, 24);
	assert_int_equal(cfg.posts_per_minute, 10);
	assert_int_equal(cfg.posts_per_hour, 60);
	assert_int_equal(cfg.posts_per_article_minute, 5);
	assert_int_equal(cfg.duplicate_window_minutes, 60);
	assert_int_equal(cfg.article_posts_per_minute, 60);
	assert_int_equal(cfg.posts_per_reader_article_day, 20);
	assert_int_equal(cfg.replies_shown, 20);
	assert_int_equal(cfg.max_links, 2);
	assert_int_equal(cfg.ipv4_prefix, 24);
	assert_int_equal(cfg.ipv6_prefix, 64);
	assert_int_equal(cfg.votes_enabled, 1);
	assert_int_equal(cfg.votes_agree_only, 0);
	assert_int_equal(cfg.votes_hide_below, 0);
	assert_int_equal(cfg.votes_per_minute, 20);
	assert_int_equal(cfg.votes_per_hour, 200);
	assert_int_equal(cfg.votes_per_comment_hour, 10);
	assert_int_equal(cfg.thread_sort, CONFIG_SORT_OLDEST);
	assert_int_equal(cfg.pin_max, 3);
	assert_int_equal(cfg.edit_minutes, 15);

	/* Empty files, blank lines and comments leave the defaults. */
	static const char *const empty[] = {
		"", "\n", "\n\n  \t\n", "# comment\n", "; comment\n",
		"[server]\n", "[server]\n[log]\n# x = y\n; nothing=here\n",
		"  # indented comment\n", "\xef\xbb\xbf", "\xef\xbb\xbf# bom\n",
		"[server]\r\n\r\n", "# no newline at the end",
	};
	for (size_t i = 0; i < sizeof(empty) / sizeof(empty[0]); i++) {
		struct config got, want;
		config_defaults(&want);
		config_defaults(&got);
		assert_int_equal(parse(empty[i], &got), 0);
		assert_string_equal(err, "");
		assert_memory_equal(&got, &want, sizeof(got));
	}
}

static void
server_keys(void **state)
{
	(void)state;
	struct config c;
	config_defaults(&c);
	assert_string_equal(c.user, "");
	assert_int_equal(c.backup_keep, 7);
	assert_string_equal(c.backup_dir, NAZAR_LOCALSTATEDIR "/backups");
	assert_int_equal(one("server", "user", "nazar", &c), 0);
	assert_string_equal(c.user, "nazar");
	assert_int_equal(one("server", "user", "www-data", &c), 0);
	assert_int_equal(one("server", "user", "-x", &c), -1);
	assert_int_equal(one("server", "user", "a b", &c), -1);
	assert_int_equal(one("server", "user", "a/b", &c), -1);
	assert_int_equal(one("server", "user", "", &c), -1);
	assert_int_equal(one("server", "user", "abcdefghijklmnopqrstuvwxyz0123456", &c), -1);
	assert_int_equal(one("server", "user", "abcdefghijklmnopqrstuvwxyz012345", &c), 0);
	assert_int_equal(one("database", "backup_keep", "30", &c), 0);
	assert_int_equal(c.backup_keep, 30);
	assert_int_equal(one("database", "backup_keep", "0", &c), -1);
	assert_int_equal(one("database", "backup_dir", "/var/backups/nazar", &c), 0);
	assert_string_equal(c.backup_dir, "/var/backups/nazar");
	assert_int_equal(one("database", "backup_dir", "backups", &c), -1);
	assert_int_equal(one("server", "listen", "unix:/tmp/n.sock", &c), 0);
	assert_string_equal(c.listen, "unix:/tmp/n.sock");
	assert_int_equal(one("server", "listen", "127.0.0.1:9000", &c), 0);
	assert_string_equal(c.listen, "127.0.0.1:9000");
	assert_int_equal(one("server", "listen", "0.0.0.0:1", &c), 0);
	assert_int_equal(one("server", "listen", "10.1.2.3:65535", &c), 0);
	assert_int_equal(one("server", "listen", "[::1]:9000", &c), 0);
	assert_string_equal(c.listen, "[::1]:9000");
	assert_int_equal(one("server", "listen", "[2001:db8::5]:443", &c), 0);
	/* The longest unix socket path the kernel takes: 107 bytes. */
	char v[300];
	strcpy(v, "unix:/");
	memset(v + 6, 's', 106);
	v[112] = '\0';
	assert_int_equal(one("server", "listen", v, &c), 0);
	assert_string_equal(c.listen, v);

	assert_int_equal(one("server", "socket_mode", "0660", &c), 0);
	assert_int_equal(c.socket_mode, 0660);
	assert_int_equal(one("server", "socket_mode", "0", &c), 0);
	assert_int_equal(c.socket_mode, 0);
	assert_int_equal(one("server", "socket_mode", "777", &c), 0);
	assert_int_equal(c.socket_mode, 0777);
	assert_int_equal(one("server", "socket_mode", "0600", &c), 0);
	assert_int_equal(c.socket_mode, 0600);

	assert_int_equal(one("server", "workers", "1", &c), 0);
	assert_int_equal(c.workers, 1);
	assert_int_equal(one("server", "workers", "64", &c), 0);
	assert_int_equal(c.workers, 64);
	assert_int_equal(one("server", "workers", "08", &c), 0);
	assert_int_equal(c.workers, 8);

	assert_int_equal(one("server", "base_path", "/nazar", &c), 0);
	assert_string_equal(c.base_path, "/nazar");
	assert_int_equal(one("server", "base_path", "/a/b-c/d_e/v1.2", &c), 0);
	assert_string_equal(c.base_path, "/a/b-c/d_e/v1.2");
	assert_int_equal(one("server", "base_path", "/", &c), 0);
	assert_string_equal(c.base_path, "");
	/* 127 bytes fit the field. */
	v[0] = '/';
	memset(v + 1, 'p', 126);
	v[127] = '\0';
	assert_int_equal(one("server", "base_path", v, &c), 0);
	assert_int_equal(strlen(c.base_path), 127);

	assert_int_equal(one("server", "max_body_bytes", "1024", &c), 0);
	assert_int_equal(c.max_body_bytes, 1024);
	assert_int_equal(one("server", "max_body_bytes", "10485760", &c), 0);
	assert_int_equal(c.max_body_bytes, 10485760);
}

static void
other_keys(void **state)
{
	(void)state;
	struct config c;
	assert_int_equal(one("database", "path", "/var/lib/nazar/n.db", &c), 0);
	assert_string_equal(c.db_path, "/var/lib/nazar/n.db");
	assert_int_equal(one("database", "path", "relative.db", &c), 0);
	assert_string_equal(c.db_path, "relative.db");
	assert_int_equal(one("database", "busy_timeout_ms", "0", &c), 0);
	assert_int_equal(c.busy_timeout_ms, 0);
	assert_int_equal(one("database", "busy_timeout_ms", "600000", &c), 0);
	assert_int_equal(c.busy_timeout_ms, 600000);

	assert_int_equal(one("site", "name", "خبرگزاری نمونه", &c), 0);
	assert_string_equal(c.site_name, "خبرگزاری نمونه");
	assert_int_equal(one("site", "name", "\"  Daily News  \"", &c), 0);
	assert_string_equal(c.site_name, "  Daily News  ");
	assert_int_equal(one("site", "locale", "en", &c), 0);
	assert_int_equal(c.locale, LOCALE_EN);
	assert_int_equal(one("site", "locale", "fa", &c), 0);
	assert_int_equal(c.locale, LOCALE_FA);
	assert_int_equal(one("site", "article_url", "https://example.ir/news/{article}#comments", &c), 0);
	assert_string_equal(c.article_url, "https://example.ir/news/{article}#comments");
	assert_int_equal(one("site", "article_url", "http://127.0.0.1:8080/a?id={article}", &c), 0);
	assert_string_equal(c.article_url, "http://127.0.0.1:8080/a?id={article}");
	assert_int_equal(one("site", "article_url", "", &c), 0);
	assert_string_equal(c.article_url, "");
	assert_int_equal(one("site", "article_url", "\"\"", &c), 0);
	assert_string_equal(c.article_url, "");
	assert_int_equal(one("site", "templates", "/srv/nazar/templates", &c), 0);
	assert_string_equal(c.templates, "/srv/nazar/templates");

	assert_int_equal(one("moderation", "mode", "post", &c), 0);
	assert_int_equal(c.mode, MODERATION_POST);
	assert_int_equal(one("moderation", "mode", "pre", &c), 0);
	assert_int_equal(c.mode, MODERATION_PRE);
	assert_int_equal(one("moderation", "mode", "trusted", &c), 0);
	assert_int_equal(c.mode, MODERATION_TRUSTED);
	assert_int_equal(parse("[votes]\nenabled = no\nmode = agree\nhide_below = 3\n"
	    "per_minute = 0\nper_hour = 7\nper_comment_per_hour = 2\n", &c), 0);
	assert_int_equal(c.votes_enabled, 0);
	assert_int_equal(c.votes_agree_only, 1);
	assert_int_equal(c.votes_hide_below, 3);
	assert_int_equal(c.votes_per_minute, 0);
	assert_int_equal(c.votes_per_hour, 7);
	assert_int_equal(c.votes_per_comment_hour, 2);
	assert_int_equal(parse("[thread]\nsort = agreed\npin_max = 0\n", &c), 0);
	assert_int_equal(c.thread_sort, CONFIG_SORT_AGREED);
	assert_int_equal(c.pin_max, 0);
	assert_int_equal(one("thread", "sort", "newest", &c), 0);
	assert_int_equal(c.thread_sort, CONFIG_SORT_NEWEST);
	assert_int_equal(c.replies_shown, 20);
	assert_int_equal(one("thread", "replies_shown", "1", &c), 0);
	assert_int_equal(c.replies_shown, 1);
	assert_int_equal(one("thread", "replies_shown", "1000", &c), 0);
	assert_int_equal(c.replies_shown, 1000);
	assert_int_equal(one("thread", "replies_shown", "0", &c), -1);
	assert_int_equal(one("thread", "edit_minutes", "0", &c), 0);
	assert_int_equal(c.edit_minutes, 0);
	assert_int_equal(one("thread", "edit_minutes", "1440", &c), 0);
	assert_int_equal(c.edit_minutes, 1440);
	assert_int_equal(one("thread", "edit_minutes", "1441", &c), -1);
	assert_int_equal(one("thread", "edit_minutes", "-1", &c), -1);
	assert_int_equal(one("site", "edit_minutes", "15", &c), -1);
	assert_int_equal(one("site", "replies_shown", "20", &c), -1);
	config_defaults(&c);
	assert_int_equal(one("moderation", "trusted_after", "1", &c), 0);
	assert_int_equal(c.trusted_after, 1);
	assert_int_equal(one("moderation", "trusted_after", "1000", &c), 0);
	assert_int_equal(c.trusted_after, 1000);
	assert_int_equal(one("moderation", "max_length", "1", &c), 0);
	assert_int_equal(c.max_length, 1);
	assert_int_equal(one("moderation", "max_length", "100000", &c), 0);
	assert_int_equal(c.max_length, 100000);

	/* [antispam]: every key at both ends of its range. */
	static const struct { const char *key, *lo, *hi; size_t off; int lo_v, hi_v; } as[] = {
		{ "min_seconds", "0", "86400", offsetof(struct config, min_seconds), 0, 86400 },
		{ "max_age_hours", "1", "720", offsetof(struct config, max_age_hours), 1, 720 },
		{ "per_minute", "0", "100000", offsetof(struct config, posts_per_minute), 0,
		    100000 },
		{ "per_hour", "0", "1000000", offsetof(struct config, posts_per_hour), 0,
		    1000000 },
		{ "per_article_per_minute", "0", "100000",
		    offsetof(struct config, posts_per_article_minute), 0, 100000 },
		{ "article_per_minute", "0", "1000000",
		    offsetof(struct config, article_posts_per_minute), 0, 1000000 },
		{ "per_reader_per_article_per_day", "0", "100000",
		    offsetof(struct config, posts_per_reader_article_day), 0, 100000 },
		{ "duplicate_window_minutes", "0", "10080",
		    offsetof(struct config, duplicate_window_minutes), 0, 10080 },
		{ "max_links", "0", "1000", offsetof(struct config, max_links), 0, 1000 },
		{ "ipv4_prefix", "0", "32", offsetof(struct config, ipv4_prefix), 0, 32 },
		{ "ipv6_prefix", "0", "128", offsetof(struct config, ipv6_prefix), 0, 128 },
	};
	for (size_t i = 0; i < sizeof(as) / sizeof(as[0]); i++) {
		int v;
		assert_int_equal(one("antispam", as[i].key, as[i].lo, &c), 0);
		memcpy(&v, (const char *)&c + as[i].off, sizeof(v));
		assert_int_equal(v, as[i].lo_v);
		assert_int_equal(one("antispam", as[i].key, as[i].hi, &c), 0);
		memcpy(&v, (const char *)&c + as[i].off, sizeof(v));
		assert_int_equal(v, as[i].hi_v);
	}
	/* The keys belong to their section and nowhere else. */
	assert_int_equal(one("moderation", "max_links", "2", &c), -1);
	assert_string_equal(err, "t.conf:2: unknown key \"max_links\" in [moderation]");
	assert_int_equal(one("antispam", "trusted_after", "2", &c), -1);
	assert_string_equal(err, "t.conf:2: unknown key \"trusted_after\" in [antispam]");
	/* A whole section, values applied together. */
	config_defaults(&c);
	assert_int_equal(parse("[moderation]\nmode = trusted\ntrusted_after = 5\n"
	    "[antispam]\nmin_seconds = 5\nmax_age_hours = 48\nper_minute = 4\n"
	    "per_hour = 20\nper_article_per_minute = 2\nduplicate_window_minutes = 30\n"
	    "max_links = 1\nipv4_prefix = 32\nipv6_prefix = 56\n", &c), 0);
	assert_int_equal(c.mode, MODERATION_TRUSTED);
	assert_int_equal(c.trusted_after, 5);
	assert_int_equal(c.min_seconds, 5);
	assert_int_equal(c.max_age_hours, 48);
	assert_int_equal(c.posts_per_minute, 4);
	assert_int_equal(c.posts_per_hour, 20);
	assert_int_equal(c.posts_per_article_minute, 2);
	assert_int_equal(c.duplicate_window_minutes, 30);
	assert_int_equal(c.max_links, 1);
	assert_int_equal(c.ipv4_prefix, 32);
	assert_int_equal(c.ipv6_prefix, 56);

	static const struct { const char *v; int level; } levels[] = {
		{ "error", LOG_LEVEL_ERROR }, { "warn", LOG_LEVEL_WARN },
		{ "info", LOG_LEVEL_INFO }, { "debug", LOG_LEVEL_DEBUG },
	};
	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		assert_int_equal(one("log", "level", levels[i].v, &c), 0);
		assert_int_equal(c.log_level, levels[i].level);
	}
	assert_int_equal(one("log", "target", "syslog", &c), 0);
	assert_int_equal(c.log_target, LOG_TARGET_SYSLOG);
	assert_int_equal(one("log", "target", "stderr", &c), 0);
	assert_int_equal(c.log_target, LOG_TARGET_STDERR);
}

static void
timezones(void **state)
{
	(void)state;
	if (!zoneinfo_present()) {
		skip();
		return;
	}
	struct config c;
	assert_int_equal(one("site", "timezone", "Europe/London", &c), 0);
	assert_string_equal(c.timezone, "Europe/London");
	assert_int_equal(one("site", "timezone", "UTC", &c), 0);
	assert_string_equal(c.timezone, "UTC");
	assert_int_equal(one("site", "timezone", "Asia/Tehran", &c), 0);
	assert_string_equal(c.timezone, "Asia/Tehran");
	static const char *const bad[] = {
		"Mars/Olympus_Mons", "Asia", "asia/tehran", "Asia/Tehran/", "",
		"/etc/passwd", "../../../etc/passwd", "Asia/../Asia/Tehran", "Asia//Tehran",
		"Asia/Tehran ", "Asia\\Tehran", "UTC\"", "آسیا/تهران",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[256];
		snprintf(text, sizeof(text), "[site]\ntimezone = \"%s\"\n", bad[i]);
		struct config cfg;
		config_defaults(&cfg);
		if (parse(text, &cfg) != -1)
			fail_msg("timezone \"%s\" accepted", bad[i]);
		assert_true(strncmp(err, "t.conf:2: [site] timezone: must be a time zone ", 47) == 0);
		assert_string_equal(cfg.timezone, "Asia/Tehran");
	}
	expect_error("[site]\ntimezone = Nowhere/City\n",
	    "t.conf:2: [site] timezone: must be a time zone found in /usr/share/zoneinfo "
	    "(is tzdata installed?), not \"Nowhere/City\"");
	expect_error("[site]\ntimezone = ../x\n",
	    "t.conf:2: [site] timezone: must be a time zone name such as Asia/Tehran "
	    "(A-Z a-z 0-9 / _ + -), not \"../x\"");
}

static void
return_hosts(void **state)
{
	(void)state;
	struct config c;
	assert_int_equal(one("site", "allowed_return_hosts", "", &c), 0);
	assert_int_equal(c.return_host_count, 0);
	assert_int_equal(one("site", "allowed_return_hosts",
	    "Example.IR www.example.ir:8443,127.0.0.1 , [::1]:8080,,  [2001:DB8::1] localhost", &c), 0);
	assert_int_equal(c.return_host_count, 6);
	assert_string_equal(c.return_hosts[0], "example.ir");
	assert_string_equal(c.return_hosts[1], "www.example.ir:8443");
	assert_string_equal(c.return_hosts[2], "127.0.0.1");
	assert_string_equal(c.return_hosts[3], "[::1]:8080");
	assert_string_equal(c.return_hosts[4], "[2001:db8::1]");
	assert_string_equal(c.return_hosts[5], "localhost");
	/* Repeats are listed once. */
	assert_int_equal(one("site", "allowed_return_hosts", "a.ir A.IR a.ir", &c), 0);
	assert_int_equal(c.return_host_count, 1);
	assert_int_equal(one("site", "allowed_return_hosts", "xn--mgbh0fb.xn--mgba3a4f16a", &c), 0);
	assert_string_equal(c.return_hosts[0], "xn--mgbh0fb.xn--mgba3a4f16a");

	/* The limit: 16 hosts, not 17. */
	char v[1024] = "";
	for (int i = 0; i < CONFIG_MAX_RETURN_HOSTS; i++)
		snprintf(v + strlen(v), sizeof(v) - strlen(v), "h%d.ir ", i);
	assert_int_equal(one("site", "allowed_return_hosts", v, &c), 0);
	assert_int_equal(c.return_host_count, CONFIG_MAX_RETURN_HOSTS);
	assert_string_equal(c.return_hosts[15], "h15.ir");
	strcat(v, "h16.ir");
	assert_int_equal(one("site", "allowed_return_hosts", v, &c), -1);
	assert_string_equal(err, "t.conf:2: [site] allowed_return_hosts: must list at most 16 hosts, "
	    "not \"h0.ir h1.ir h2.ir h3.ir h4.ir h5.ir h6.ir h7.ir h8.ir h9.ir h10.ir h11.ir "
	    "h12.ir...\"");

	/* A 63-byte label is fine, 64 is not. */
	char label[80];
	memset(label, 'a', 63);
	strcpy(label + 63, ".ir");
	assert_int_equal(one("site", "allowed_return_hosts", label, &c), 0);
	memset(label, 'a', 64);
	strcpy(label + 64, ".ir");
	assert_int_equal(one("site", "allowed_return_hosts", label, &c), -1);

	static const char *const bad[] = {
		"-a.ir", "a-.ir", "a..ir", ".a.ir", "a.ir.", "a_b.ir", "a.ir:0", "a.ir:65536",
		"a.ir:", "a.ir:x", "a.ir:+80", ":80", "[::1", "[::1]x", "[zz::1]", "[]",
		"http://a.ir", "a.ir/path", "user@a.ir", "خبر.ir", "a.ir;b.ir", "a.ir:80:80",
		"[::1]:", "[127.0.0.1]",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (one("site", "allowed_return_hosts", bad[i], &c) != -1)
			fail_msg("return host \"%s\" accepted", bad[i]);
		char want[512];
		snprintf(want, sizeof(want), "t.conf:2: [site] allowed_return_hosts: \"%s\" "
		    "is not a host name or address; the list is host, host:port or "
		    "[IPv6]:port, separated by spaces or commas", bad[i]);
		assert_string_equal(err, want);
	}
}

struct bad_value {
	const char *section, *key, *value, *message;
};

static void
bad_values(void **state)
{
	(void)state;
	static const char listen_msg[] = "must be unix:/absolute/path, IPv4:port or "
	    "[IPv6]:port with a port from 1 to 65535";
	static const char base_msg[] = "must be a path such as /comments: starting with '/', "
	    "made of A-Z a-z 0-9 / _ . -, without \"//\", \"..\" or a trailing '/'";
	static const char url_msg[] = "must be empty or an http:// or https:// address "
	    "containing {article} after the host, without spaces or quotes";
	static const struct bad_value t[] = {
		{ "server", "listen", "", listen_msg },
		{ "server", "listen", "unix:", listen_msg },
		{ "server", "listen", "unix:relative.sock", listen_msg },
		{ "server", "listen", "/run/nazar.sock", listen_msg },
		{ "server", "listen", "127.0.0.1", listen_msg },
		{ "server", "listen", "127.0.0.1:", listen_msg },
		{ "server", "listen", "127.0.0.1:0", listen_msg },
		{ "server", "listen", "127.0.0.1:65536", listen_msg },
		{ "server", "listen", "127.0.0.1:-1", listen_msg },
		{ "server", "listen", "127.0.0.1:+80", listen_msg },
		{ "server", "listen", "127.0.0.1:9000x", listen_msg },
		{ "server", "listen", "127.0.0.1:0009000", listen_msg },
		{ "server", "listen", "256.0.0.1:9000", listen_msg },
		{ "server", "listen", "1.2.3:9000", listen_msg },
		{ "server", "listen", "localhost:9000", listen_msg },
		{ "server", "listen", ":9000", listen_msg },
		{ "server", "listen", "::1:9000", listen_msg },
		{ "server", "listen", "[::1]", listen_msg },
		{ "server", "listen", "[::1:9000", listen_msg },
		{ "server", "listen", "[nope]:9000", listen_msg },
		{ "server", "listen", "[]:9000", listen_msg },
		{ "server", "socket_mode", "", "must be an octal mode from 0000 to 0777" },
		{ "server", "socket_mode", "0800", "must be an octal mode from 0000 to 0777" },
		{ "server", "socket_mode", "1777", "must be an octal mode from 0000 to 0777" },
		{ "server", "socket_mode", "00660", "must be an octal mode from 0000 to 0777" },
		{ "server", "socket_mode", "0x1ff", "must be an octal mode from 0000 to 0777" },
		{ "server", "socket_mode", "-660", "must be an octal mode from 0000 to 0777" },
		{ "server", "socket_mode", "rw-rw----", "must be an octal mode from 0000 to 0777" },
		{ "server", "workers", "abc", "must be a number from 1 to 64" },
		{ "server", "workers", "0", "must be a number from 1 to 64" },
		{ "server", "workers", "65", "must be a number from 1 to 64" },
		{ "server", "workers", "-1", "must be a number from 1 to 64" },
		{ "server", "workers", "+4", "must be a number from 1 to 64" },
		{ "server", "workers", "4.0", "must be a number from 1 to 64" },
		{ "server", "workers", "4 4", "must be a number from 1 to 64" },
		{ "server", "workers", "", "must be a number from 1 to 64" },
		{ "server", "workers", "18446744073709551620", "must be a number from 1 to 64" },
		{ "server", "workers", "۴", "must be a number from 1 to 64" },
		{ "server", "base_path", "", base_msg },
		{ "server", "base_path", "comments", base_msg },
		{ "server", "base_path", "/comments/", base_msg },
		{ "server", "base_path", "//comments", base_msg },
		{ "server", "base_path", "/a//b", base_msg },
		{ "server", "base_path", "/a/../b", base_msg },
		{ "server", "base_path", "/..", base_msg },
		{ "server", "base_path", "/a/./b", base_msg },
		{ "server", "base_path", "/a/.", base_msg },
		{ "server", "base_path", "/a b", base_msg },
		{ "server", "base_path", "/a?b", base_msg },
		{ "server", "base_path", "/a%20", base_msg },
		{ "server", "base_path", "/نظر", base_msg },
		{ "server", "base_path", "/a<script>", base_msg },
		{ "server", "max_body_bytes", "1023", "must be a number from 1024 to 10485760" },
		{ "server", "max_body_bytes", "10485761", "must be a number from 1024 to 10485760" },
		{ "server", "max_body_bytes", "64k", "must be a number from 1024 to 10485760" },
		{ "database", "path", "", "must be the path of the database file" },
		{ "database", "busy_timeout_ms", "600001", "must be a number from 0 to 600000" },
		{ "database", "busy_timeout_ms", "-1", "must be a number from 0 to 600000" },
		{ "database", "busy_timeout_ms", "5s", "must be a number from 0 to 600000" },
		{ "site", "name", "", "must not be empty" },
		{ "site", "locale", "de", "must be fa or en" },
		{ "site", "locale", "FA", "must be fa or en" },
		{ "site", "locale", "fa_IR", "must be fa or en" },
		{ "site", "locale", "", "must be fa or en" },
		{ "site", "article_url", "https://example.ir/news/1", url_msg },
		{ "site", "article_url", "/news/{article}", url_msg },
		{ "site", "article_url", "ftp://example.ir/{article}", url_msg },
		{ "site", "article_url", "javascript:alert(1)//{article}", url_msg },
		{ "site", "article_url", "https://", url_msg },
		{ "site", "article_url", "https:///{article}", url_msg },
		{ "site", "article_url", "https://a.ir/{article} x", url_msg },
		{ "site", "article_url", "https://a.ir/\"{article}", url_msg },
		{ "site", "article_url", "https://news.example{article}", url_msg },
		{ "site", "article_url", "https://news.example{article}/x", url_msg },
		{ "site", "article_url", "https://a.ir/<{article}>", url_msg },
		{ "site", "article_url", "https://a.ir/{Article}", url_msg },
		{ "site", "templates", "", "must be the path of the template directory" },
		{ "moderation", "mode", "none", "must be pre, post or trusted" },
		{ "moderation", "mode", "PRE", "must be pre, post or trusted" },
		{ "moderation", "mode", "", "must be pre, post or trusted" },
		{ "moderation", "mode", "Trusted", "must be pre, post or trusted" },
		{ "thread", "sort", "popular", "must be oldest, newest or agreed" },
		{ "thread", "sort", "Oldest", "must be oldest, newest or agreed" },
		{ "thread", "pin_max", "51", "must be a number from 0 to 50" },
		{ "thread", "edit_minutes", "1441", "must be a number from 0 to 1440" },
		{ "votes", "enabled", "true", "must be yes or no" },
		{ "votes", "enabled", "", "must be yes or no" },
		{ "votes", "mode", "disagree", "must be both or agree" },
		{ "votes", "hide_below", "-1", "must be a number from 0 to 1000000" },
		{ "votes", "per_minute", "100001", "must be a number from 0 to 100000" },
		{ "votes", "per_hour", "x", "must be a number from 0 to 1000000" },
		{ "votes", "per_comment_per_hour", "1000001", "must be a number from 0 to 1000000" },
		{ "moderation", "trusted_after", "0", "must be a number from 1 to 1000" },
		{ "moderation", "trusted_after", "1001", "must be a number from 1 to 1000" },
		{ "moderation", "trusted_after", "three", "must be a number from 1 to 1000" },
		{ "antispam", "min_seconds", "86401", "must be a number from 0 to 86400" },
		{ "antispam", "min_seconds", "-1", "must be a number from 0 to 86400" },
		{ "antispam", "min_seconds", "3s", "must be a number from 0 to 86400" },
		{ "antispam", "max_age_hours", "0", "must be a number from 1 to 720" },
		{ "antispam", "max_age_hours", "721", "must be a number from 1 to 720" },
		{ "antispam", "max_age_hours", "24h", "must be a number from 1 to 720" },
		{ "antispam", "per_minute", "100001", "must be a number from 0 to 100000" },
		{ "antispam", "per_minute", "", "must be a number from 0 to 100000" },
		{ "antispam", "per_hour", "1000001", "must be a number from 0 to 1000000" },
		{ "antispam", "per_hour", "۶۰", "must be a number from 0 to 1000000" },
		{ "antispam", "per_article_per_minute", "100001",
		    "must be a number from 0 to 100000" },
		{ "antispam", "duplicate_window_minutes", "10081",
		    "must be a number from 0 to 10080" },
		{ "antispam", "max_links", "1001", "must be a number from 0 to 1000" },
		{ "antispam", "max_links", "-1", "must be a number from 0 to 1000" },
		{ "antispam", "ipv4_prefix", "33", "must be a number from 0 to 32" },
		{ "antispam", "ipv4_prefix", "/24", "must be a number from 0 to 32" },
		{ "antispam", "ipv6_prefix", "129", "must be a number from 0 to 128" },
		{ "antispam", "ipv6_prefix", "18446744073709551680",
		    "must be a number from 0 to 128" },
		{ "moderation", "max_length", "0", "must be a number from 1 to 100000" },
		{ "moderation", "max_length", "100001", "must be a number from 1 to 100000" },
		{ "log", "level", "verbose", "must be error, warn, info or debug" },
		{ "log", "level", "warning", "must be error, warn, info or debug" },
		{ "log", "level", "INFO", "must be error, warn, info or debug" },
		{ "log", "level", "3", "must be error, warn, info or debug" },
		{ "log", "target", "journal", "must be stderr or syslog" },
		{ "log", "target", "SYSLOG", "must be stderr or syslog" },
		{ "log", "target", "", "must be stderr or syslog" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char text[512], want[1024];
		/* Quoted, so that the empty string and spaces are the value. */
		snprintf(text, sizeof(text), "# line 1\n\n[%s]\n%s = \"%s\"\n",
		    t[i].section, t[i].key, t[i].value);
		char shown[256];
		size_t o = 0;
		for (const char *p = t[i].value; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\')
				shown[o++] = '\\';
			shown[o++] = *p;
		}
		shown[o] = '\0';
		snprintf(want, sizeof(want), "t.conf:4: [%s] %s: %s, not \"%s\"",
		    t[i].section, t[i].key, t[i].message, shown);
		expect_error(text, want);
	}
}

static void
too_long_values(void **state)
{
	(void)state;
	static const struct { const char *section, *key, *prefix; size_t field; } t[] = {
		{ "server", "listen", "unix:/", 256 },
		{ "server", "base_path", "/", 128 },
		{ "database", "path", "/", 1024 },
		{ "site", "name", "", 256 },
		{ "site", "article_url", "https://a.ir/{article}", 512 },
		{ "site", "templates", "/", 1024 },
		{ "site", "timezone", "", 64 },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct config c;
		char v[2048];
		size_t plen = strlen(t[i].prefix);
		memcpy(v, t[i].prefix, plen);
		/* field - 1 bytes fit (listen is bounded by the socket path
		 * and timezone by the zone files, so only the too-long case
		 * is tried for those). */
		memset(v + plen, 'x', t[i].field - 1 - plen);
		v[t[i].field - 1] = '\0';
		if (strcmp(t[i].key, "listen") != 0 && strcmp(t[i].key, "timezone") != 0) {
			if (one(t[i].section, t[i].key, v, &c) != 0)
				fail_msg("%s: %s", t[i].key, err);
		}
		v[t[i].field - 1] = 'x';
		v[t[i].field] = '\0';
		assert_int_equal(one(t[i].section, t[i].key, v, &c), -1);
		char want[128];
		snprintf(want, sizeof(want), "t.conf:2: [%s] %s: ", t[i].section, t[i].key);
		assert_true(strncmp(err, want, strlen(want)) == 0);
		assert_true(strstr(err, "bytes long, not \"") != NULL);
	}
	/* The value shown in a message is cut at a character, not a byte. */
	struct config c;
	char v[1024] = "";
	for (int i = 0; i < 200; i++)
		strcat(v, "ن");
	assert_int_equal(one("site", "name", v, &c), -1);
	char want[512] = "t.conf:2: [site] name: must be at most 255 bytes long, not \"";
	for (int i = 0; i < 40; i++)
		strcat(want, "ن");
	strcat(want, "...\"");
	assert_string_equal(err, want);
}

static void
syntax_errors(void **state)
{
	(void)state;
	expect_error("[server]\nuser = a b\n",
	    "t.conf:2: [server] user: must be a user name of at most 32 characters from "
	    "A-Z a-z 0-9 _ . - (not starting with '-'), not \"a b\"");
	expect_error("[server]\nworkers = abc\n",
	    "t.conf:2: [server] workers: must be a number from 1 to 64, not \"abc\"");
	expect_error("[server]\n\n\n\n\n\n\n\n\n\n\nworkers = abc\n",
	    "t.conf:12: [server] workers: must be a number from 1 to 64, not \"abc\"");
	expect_error("[servers]\n",
	    "t.conf:1: unknown section \"[servers]\"; sections are [server], [database], "
	    "[site], [moderation], [antispam], [admin], [mail], [log], [metrics], [votes], [thread] and [webhook]");
	expect_error("[log]\n[Server]\n",
	    "t.conf:2: unknown section \"[Server]\"; sections are [server], [database], "
	    "[site], [moderation], [antispam], [admin], [mail], [log], [metrics], [votes], [thread] and [webhook]");
	expect_error("[server\n",
	    "t.conf:1: unknown section \"[server\"; sections are [server], [database], "
	    "[site], [moderation], [antispam], [admin], [mail], [log], [metrics], [votes], [thread] and [webhook]");
	expect_error("[]\n",
	    "t.conf:1: unknown section \"[]\"; sections are [server], [database], "
	    "[site], [moderation], [antispam], [admin], [mail], [log], [metrics], [votes], [thread] and [webhook]");
	expect_error("[server]\nworker = 4\n", "t.conf:2: unknown key \"worker\" in [server]");
	expect_error("[site]\nlisten = unix:/a\n", "t.conf:2: unknown key \"listen\" in [site]");
	expect_error("[server]\nWorkers = 4\n", "t.conf:2: unknown key \"Workers\" in [server]");
	expect_error("workers = 4\n",
	    "t.conf:1: key \"workers\" outside a section; put it under [server], [database], "
	    "[site], [moderation], [antispam], [admin], [mail], [log], [metrics], [votes], [thread] or [webhook]");
	expect_error("# top\nname = x\n[site]\n",
	    "t.conf:2: key \"name\" outside a section; put it under [server], [database], "
	    "[site], [moderation], [antispam], [admin], [mail], [log], [metrics], [votes], [thread] or [webhook]");
	expect_error("[server]\nworkers = 4\n[log]\n[server]\nworkers = 5\n",
	    "t.conf:5: [server] workers: duplicate key (first set on line 2)");
	expect_error("[server]\nworkers = 4\nworkers = 4\n",
	    "t.conf:3: [server] workers: duplicate key (first set on line 2)");
	expect_error("[server]\nworkers\n", "t.conf:2: expected \"key = value\", not \"workers\"");
	expect_error("[server]\nworkers 4\n", "t.conf:2: expected \"key = value\", not \"workers 4\"");
	expect_error("[server]\n= 4\n", "t.conf:2: missing key before '='");
	expect_error("[site]\nname = \"Daily\n", "t.conf:2: [site] name: missing closing '\"'");
	expect_error("[site]\nname = \"\n", "t.conf:2: [site] name: missing closing '\"'");
	/* Control characters in values are refused and shown escaped. */
	expect_error("[site]\nname = a\x1b[31mb\n",
	    "t.conf:2: [site] name: must not contain control characters, not \"a\\x1b[31mb\"");
	expect_error("[site]\nname = a\tb\n",
	    "t.conf:2: [site] name: must not contain control characters, not \"a\\x09b\"");
	/* A bad value is reported even after good ones, with its own line;
	 * nothing of the file is applied. */
	expect_error("[server]\nworkers = 8\n[log]\nlevel = loud\n",
	    "t.conf:4: [log] level: must be error, warn, info or debug, not \"loud\"");
}

static void
values_and_quotes(void **state)
{
	(void)state;
	struct config c;
	config_defaults(&c);
	/* '#' and ';' inside a value are data: URLs have fragments. */
	assert_int_equal(parse("[site]\narticle_url = https://a.ir/n/{article}#c;x\n", &c), 0);
	assert_string_equal(c.article_url, "https://a.ir/n/{article}#c;x");
	/* Whitespace around keys, '=' and values goes; '=' in a value stays. */
	assert_int_equal(parse(" [ site ] \n\t name\t=\t a = b \t\n", &c), 0);
	assert_string_equal(c.site_name, "a = b");
	/* Quotes keep inner spaces, and inner quotes are literal. */
	assert_int_equal(parse("[site]\nname = \" say \"hi\" \"\n", &c), 0);
	assert_string_equal(c.site_name, " say \"hi\" ");
	/* CRLF line ends. */
	assert_int_equal(parse("[server]\r\nworkers = 7\r\n[log]\r\nlevel = debug\r\n", &c), 0);
	assert_int_equal(c.workers, 7);
	assert_int_equal(c.log_level, LOG_LEVEL_DEBUG);
	/* A byte order mark before the first section. */
	assert_int_equal(parse("\xef\xbb\xbf[server]\nworkers = 9\n", &c), 0);
	assert_int_equal(c.workers, 9);
	/* Values not set keep what cfg had (the file is read over it). */
	assert_int_equal(parse("[moderation]\nmode = post\n", &c), 0);
	assert_int_equal(c.workers, 9);
	assert_int_equal(c.mode, MODERATION_POST);
	/* A whole file, as a site would write it. */
	config_defaults(&c);
	assert_int_equal(parse(
	    "# nazar.conf\n"
	    "[server]\n"
	    "listen = 127.0.0.1:9000\n"
	    "socket_mode = 0600\n"
	    "workers = 16\n"
	    "base_path = /nazar\n"
	    "max_body_bytes = 131072\n"
	    "[database]\n"
	    "path = /srv/nazar.db\n"
	    "busy_timeout_ms = 250\n"
	    "[site]\n"
	    "name = News\n"
	    "locale = en\n"
	    "article_url = https://news.example/{article}\n"
	    "allowed_return_hosts = news.example, www.news.example\n"
	    "templates = /srv/tpl\n"
	    "[moderation]\n"
	    "mode = post\n"
	    "max_length = 2000\n"
	    "[log]\n"
	    "level = warn\n", &c), 0);
	assert_string_equal(err, "");
	assert_string_equal(c.listen, "127.0.0.1:9000");
	assert_int_equal(c.socket_mode, 0600);
	assert_int_equal(c.workers, 16);
	assert_string_equal(c.base_path, "/nazar");
	assert_int_equal(c.max_body_bytes, 131072);
	assert_string_equal(c.db_path, "/srv/nazar.db");
	assert_int_equal(c.busy_timeout_ms, 250);
	assert_string_equal(c.site_name, "News");
	assert_int_equal(c.locale, LOCALE_EN);
	assert_string_equal(c.article_url, "https://news.example/{article}");
	assert_int_equal(c.return_host_count, 2);
	assert_string_equal(c.return_hosts[1], "www.news.example");
	assert_string_equal(c.templates, "/srv/tpl");
	assert_int_equal(c.mode, MODERATION_POST);
	assert_int_equal(c.max_length, 2000);
	assert_int_equal(c.log_level, LOG_LEVEL_WARN);
}

static void
file_limits(void **state)
{
	(void)state;
	struct config c;
	/* NUL bytes and invalid UTF-8, with their line. */
	config_defaults(&c);
	static const char nul[] = "[site]\nname = a\0b\n";
	assert_int_equal(config_parse("t.conf", nul, sizeof(nul) - 1, &c, err, sizeof(err)), -1);
	assert_string_equal(err, "t.conf:2: NUL byte in line");
	static const char *const bad_utf8[] = {
		"\xff", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
		"\xd9", "\xd9\x20", "\x80", "\xf8\x88\x80\x80\x80",
	};
	for (size_t i = 0; i < sizeof(bad_utf8) / sizeof(bad_utf8[0]); i++) {
		char text[64];
		snprintf(text, sizeof(text), "# ok\n# %s\n", bad_utf8[i]);
		expect_error(text, "t.conf:2: not valid UTF-8");
	}
	/* Four-byte characters are fine. */
	assert_int_equal(parse("[site]\nname = \xf0\x9f\x93\xb0 News\n", &c), 0);

	/* A line of 4096 bytes is fine; 4097 is not. */
	char *text = malloc(70000);
	assert_non_null(text);
	strcpy(text, "[site]\n");
	memset(text + 7, '#', 4096);
	strcpy(text + 7 + 4096, "\n");
	config_defaults(&c);
	assert_int_equal(parse(text, &c), 0);
	memset(text + 7, '#', 4097);
	strcpy(text + 7 + 4097, "\n");
	expect_error(text, "t.conf:2: line longer than 4096 bytes");
	/* The '\r' of a CRLF ending is not part of the line. */
	memset(text + 7, '#', 4096);
	strcpy(text + 7 + 4096, "\r\n");
	assert_int_equal(parse(text, &c), 0);

	/* 65536 bytes is fine; 65537 is not. */
	memset(text, '\n', 65536);
	text[65536] = '\0';
	assert_int_equal(parse(text, &c), 0);
	text[65536] = '\n';
	text[65537] = '\0';
	expect_error(text, "t.conf: larger than 65536 bytes");
	free(text);

	/* No err buffer: still fails cleanly. */
	assert_int_equal(config_parse("t.conf", "x", 1, &c, NULL, 0), -1);
}

static void
loading_files(void **state)
{
	(void)state;
	struct config c;
	config_defaults(&c);
	assert_int_equal(config_load("/nonexistent/nazar.conf", &c, err, sizeof(err)), -1);
	assert_string_equal(err, "/nonexistent/nazar.conf: No such file or directory");
	assert_int_equal(config_load("/", &c, err, sizeof(err)), -1);
	assert_string_equal(err, "/: not a regular file");

	char path[] = "/tmp/nazar-conf-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	assert_non_null(f);
	fputs("[server]\nworkers = 12\n[site]\nlocale = en\n", f);
	fclose(f);
	assert_int_equal(config_load(path, &c, err, sizeof(err)), 0);
	assert_int_equal(c.workers, 12);
	assert_int_equal(c.locale, LOCALE_EN);

	/* Messages name the file's path. */
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("[server]\n\nworkers = 0\n", f);
	fclose(f);
	assert_int_equal(config_load(path, &c, err, sizeof(err)), -1);
	char want[256];
	snprintf(want, sizeof(want), "%s:3: [server] workers: must be a number from 1 to 64, "
	    "not \"0\"", path);
	assert_string_equal(err, want);
	assert_int_equal(c.workers, 12);

	/* Too big on disk. */
	f = fopen(path, "w");
	assert_non_null(f);
	for (int i = 0; i < 65537; i++)
		fputc('\n', f);
	fclose(f);
	assert_int_equal(config_load(path, &c, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: larger than 65536 bytes", path);
	assert_string_equal(err, want);
	unlink(path);
}

static void
shipped_example(void **state)
{
	(void)state;
	const char *srcdir = getenv("NAZAR_SRCDIR");
	if (srcdir == NULL || *srcdir == '\0' || !zoneinfo_present()) {
		skip();
		return;
	}
	char path[4096];
	snprintf(path, sizeof(path), "%s/etc/nazar.conf", srcdir);
	struct config c;
	config_defaults(&c);
	if (config_load(path, &c, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	/* The example documents the defaults; the values it sets must be the
	 * ones a Persian news site starts from. */
	assert_int_equal(c.locale, LOCALE_FA);
	assert_string_equal(c.timezone, "Asia/Tehran");
	assert_int_equal(c.mode, MODERATION_PRE);
	assert_string_equal(c.base_path, "/comments");
	assert_int_equal(c.workers, 4);
	assert_int_equal(c.max_body_bytes, config_body_cap(5000));
	assert_int_equal(c.max_length, 5000);
	assert_int_equal(c.log_level, LOG_LEVEL_INFO);
	struct config d;
	config_defaults(&d);
	assert_int_equal(c.trusted_after, d.trusted_after);
	assert_int_equal(c.min_seconds, d.min_seconds);
	assert_int_equal(c.max_age_hours, d.max_age_hours);
	assert_int_equal(c.posts_per_minute, d.posts_per_minute);
	assert_int_equal(c.posts_per_hour, d.posts_per_hour);
	assert_int_equal(c.posts_per_article_minute, d.posts_per_article_minute);
	assert_int_equal(c.duplicate_window_minutes, d.duplicate_window_minutes);
	assert_int_equal(c.max_links, d.max_links);
	assert_int_equal(c.ipv4_prefix, d.ipv4_prefix);
	assert_int_equal(c.ipv6_prefix, d.ipv6_prefix);
	assert_true(c.return_host_count >= 1);
	assert_non_null(strstr(c.article_url, "{article}"));
}

/* $NAZAR_CONFIG when set and not empty, else the compiled-in path. */
static void
default_path(void **state)
{
	(void)state;
	const char *old = getenv("NAZAR_CONFIG");
	char *saved = old != NULL ? strdup(old) : NULL;
	setenv("NAZAR_CONFIG", "/tmp/other.conf", 1);
	assert_string_equal(config_default_path(), "/tmp/other.conf");
	setenv("NAZAR_CONFIG", "", 1);
	assert_string_equal(config_default_path(), NAZAR_SYSCONFDIR "/nazar.conf");
	unsetenv("NAZAR_CONFIG");
	assert_string_equal(config_default_path(), NAZAR_SYSCONFDIR "/nazar.conf");
	if (saved != NULL)
		setenv("NAZAR_CONFIG", saved, 1);
	free(saved);
}

/* Without max_body_bytes the cap follows max_length, wherever in the file
 * max_length is: four times max_length characters of 4 UTF-8 bytes, each
 * byte URL-encoded, fit with room for the other fields. */
static void
body_cap_follows_max_length(void **state)
{
	(void)state;
	struct config c;
	config_defaults(&c);
	assert_int_equal(parse("[moderation]\nmax_length = 200\n", &c), 0);
	assert_int_equal(c.max_body_bytes, 200 * 48 + 16384);
	assert_true(c.max_body_bytes >= 4u * 200 * 4 * 3);
	config_defaults(&c);
	assert_int_equal(parse("[moderation]\nmax_length = 100000\n", &c), 0);
	assert_int_equal(c.max_body_bytes, 100000 * 48 + 16384);
	/* Persian: 2 bytes a letter, 6 URL-encoded; 15,000 letters (three
	 * times the default max_length) and more fit the default cap. */
	config_defaults(&c);
	assert_true(c.max_body_bytes > 4u * 5000 * 6 + 4096);
	/* Named in the file, it is kept, before or after max_length. */
	config_defaults(&c);
	assert_int_equal(parse("[server]\nmax_body_bytes = 4096\n[moderation]\nmax_length = 9000\n",
	    &c), 0);
	assert_int_equal(c.max_body_bytes, 4096);
	assert_int_equal(config_body_cap(1), 16432);
	assert_int_equal(config_body_cap(5000), 256384);
}

/* [mail]: each key, and what the keys need of each other, at the line
 * of transport. */
static void
mail_keys(void **state)
{
	(void)state;
	struct config c;
	config_defaults(&c);
	assert_int_equal(c.mail_transport, MAIL_TRANSPORT_NONE);
	assert_string_equal(c.mail_sendmail, "/usr/sbin/sendmail");
	assert_int_equal(c.mail_max_attempts, 8);
	assert_int_equal(parse("[mail]\ntransport = sendmail\nfrom = c@news.example.ir\n"
	    "base_url = https://news.example.ir/comments\nsendmail = /usr/bin/msmtp\n"
	    "from_name = خبر\ntimeout_seconds = 5\nmax_attempts = 3\n", &c), 0);
	assert_int_equal(c.mail_transport, MAIL_TRANSPORT_SENDMAIL);
	assert_string_equal(c.mail_from, "c@news.example.ir");
	assert_string_equal(c.mail_from_name, "خبر");
	assert_string_equal(c.mail_sendmail, "/usr/bin/msmtp");
	assert_int_equal(c.mail_timeout_seconds, 5);
	assert_int_equal(c.mail_max_attempts, 3);
	config_defaults(&c);
	assert_int_equal(parse("[mail]\ntransport = smtp\nfrom = c@news.example.ir\n"
	    "base_url = http://127.0.0.1:8080\nsmtp_url = smtps://mail.example.ir:465\n"
	    "smtp_user = c\nsmtp_password_file = /etc/nazar/pw\n", &c), 0);
	assert_string_equal(c.mail_smtp_url, "smtps://mail.example.ir:465");

	expect_error("[mail]\nfrom = Comments <c@example.ir>\n",
	    "t.conf:2: [mail] from: must be a plain address such as comments@example.ir "
	    "(ASCII, a domain with a dot, no name or angle brackets), not "
	    "\"Comments <c@example.ir>\"");
	expect_error("[mail]\ntransport = mailx\n",
	    "t.conf:2: [mail] transport: must be none, sendmail or smtp, not \"mailx\"");
	expect_error("[mail]\nsmtp_url = http://mail.example.ir\n",
	    "t.conf:2: [mail] smtp_url: must be smtp://HOST[:PORT] (STARTTLS) or "
	    "smtps://HOST[:PORT] (TLS), not \"http://mail.example.ir\"");
	expect_error("[mail]\nbase_url = https://x.example/comments/\n",
	    "t.conf:2: [mail] base_url: must be the public address of base_path, such as "
	    "https://www.example.ir/comments (http or https, no trailing '/', no query), not "
	    "\"https://x.example/comments/\"");
	expect_error("[mail]\nsendmail = sendmail\n",
	    "t.conf:2: [mail] sendmail: must be an absolute path, not \"sendmail\"");
	expect_error("[mail]\nfrom = c@news.example.ir\ntransport = sendmail\n",
	    "t.conf:3: [mail] transport = sendmail needs base_url = the public address of "
	    "base_path, for links");
	expect_error("[mail]\ntransport = smtp\nfrom = c@news.example.ir\n"
	    "base_url = https://news.example.ir/comments\n",
	    "t.conf:2: [mail] transport = smtp needs smtp_url = smtp://HOST:587 or "
	    "smtps://HOST:465");
	expect_error("[mail]\nsmtp_user = c\n",
	    "t.conf:2: [mail] smtp_user and smtp_password_file go together");
}

static void
webhook_keys(void **state)
{
	(void)state;
	struct config c;
	config_defaults(&c);
	assert_int_equal(c.webhook_url_count, 0);
	assert_string_equal(c.webhook_events, "held published");
	assert_int_equal(parse("[webhook]\nurl = https://hooks.example/x http://127.0.0.1:9/y\n"
	    "secret_file = /etc/nazar/webhook.secret\nevents = held  rejected reply\n"
	    "allow_hosts = hooks.example 127.0.0.1\n", &c), 0);
	assert_int_equal(c.webhook_url_count, 2);
	assert_string_equal(c.webhook_urls[1], "http://127.0.0.1:9/y");
	assert_string_equal(c.webhook_events, "held rejected reply");
	assert_string_equal(c.webhook_proxy, "");
	assert_int_equal(c.webhook_timeout_seconds, 10);
	/* The host is checked against allow_hosts whatever the keys' order,
	 * and reported at url's line. */
	expect_error("[webhook]\nallow_hosts = a.example\nsecret_file = /s\n"
	    "url = https://b.example/x\n",
	    "t.conf:4: [webhook] url \"https://b.example/x\": its host b.example is not in "
	    "[webhook] allow_hosts");
	expect_error("[webhook]\nurl = http://hooks.example/x\n",
	    "t.conf:2: [webhook] url: URL 1 http:// only to 127.0.0.1 or [::1]; use https://");
	expect_error("[webhook]\nurl = https://u@hooks.example/x\n",
	    "t.conf:2: [webhook] url: URL 1 must not carry a user name or password (user@host)");
	expect_error("[webhook]\nurl = gopher://hooks.example/x\n",
	    "t.conf:2: [webhook] url: URL 1 must start with https:// (http:// only to "
	    "127.0.0.1 or [::1])");
	expect_error("[webhook]\nallow_hosts = a.example\nurl = https://a.example/x\n",
	    "t.conf:3: [webhook] url needs secret_file = the shared secret's file");
	expect_error("[webhook]\nallow_hosts = a.example\n",
	    "t.conf:2: [webhook] needs url = https://HOST/PATH");
	expect_error("[webhook]\nevents = held deleted\n",
	    "t.conf:2: [webhook] events: must be some of held, published, rejected, reply, "
	    "not \"held deleted\"");
	expect_error("[webhook]\nurl = https://a/1 https://a/2 https://a/3 https://a/4 "
	    "https://a/5\n", "t.conf:2: [webhook] url: at most 4 URLs");
	expect_error("[webhook]\nproxy = file:///x\n",
	    "t.conf:2: [webhook] proxy: must be http://, https:// or socks5h://HOST:PORT, "
	    "not \"file:///x\"");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),
		cmocka_unit_test(body_cap_follows_max_length),
		cmocka_unit_test(server_keys),
		cmocka_unit_test(other_keys),
		cmocka_unit_test(timezones),
		cmocka_unit_test(return_hosts),
		cmocka_unit_test(bad_values),
		cmocka_unit_test(too_long_values),
		cmocka_unit_test(syntax_errors),
		cmocka_unit_test(values_and_quotes),
		cmocka_unit_test(file_limits),
		cmocka_unit_test(loading_files),
		cmocka_unit_test(shipped_example),
		cmocka_unit_test(mail_keys),
		cmocka_unit_test(webhook_keys),
		cmocka_unit_test(default_path),
	};
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
