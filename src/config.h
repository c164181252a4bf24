/* config.h — nazar.conf: one INI file, read once at start-up.
 *
 * Every key has a default (config_defaults) so a minimal file works.
 * Unknown sections or keys and bad values stop start-up with
 * "FILE:LINE: what is wrong" — a typo must not silently change behaviour. */
#ifndef NAZAR_CONFIG_H
#define NAZAR_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "locale.h"
#include "netaddr.h"
#include "webhook.h"

/* The configuration file when none is named (nazar -c, nazarctl -c) and
 * $NAZAR_CONFIG is unset (config_default_path). */
#define CONFIG_DEFAULT_PATH NAZAR_SYSCONFDIR "/nazar.conf"

#define CONFIG_MAX_RETURN_HOSTS 16
#define CONFIG_MAX_REASONS 16
#define CONFIG_MAX_METRICS_ALLOW 16

enum moderation_mode {
	MODERATION_PRE,		/* every comment held for a moderator (default) */
	MODERATION_POST,	/* published at once, moderators remove later */
	MODERATION_TRUSTED,	/* held, except for returning readers proven by their cookie */
	MODERATION__MAX
};

/* [thread] sort: the order of a thread's top-level comments, as
 * enum thread_sort of store.h has them (view.c checks that they agree). */
enum config_sort {
	CONFIG_SORT_OLDEST,
	CONFIG_SORT_NEWEST,
	CONFIG_SORT_AGREED,
	CONFIG_SORT__MAX
};

enum mail_transport {
	MAIL_TRANSPORT_NONE,	/* no mail is sent (the outbox still fills) */
	MAIL_TRANSPORT_SENDMAIL,	/* the sendmail(8) program of the local MTA */
	MAIL_TRANSPORT_SMTP,	/* SMTP submission through libcurl */
	MAIL_TRANSPORT__MAX
};

struct config {
	/* [server] */
	char listen[256];		/* "unix:/run/nazar/nazar.sock" or "127.0.0.1:9000" */
	unsigned socket_mode;		/* octal, for unix sockets; default 0660 */
	int workers;			/* 1..64; default 4 */
	char base_path[128];		/* "/comments": no trailing slash, starts with '/' */
	size_t max_body_bytes;		/* default config_body_cap(max_length) */
	int max_body_set;		/* 1 when the file names max_body_bytes */
	char user[33];			/* run as this user when started as root; "" = nazar */
	/* [database] */
	char db_path[1024];
	int busy_timeout_ms;		/* default 5000 */
	char backup_dir[1024];		/* backup --rotate's; default localstatedir/lib/nazar/backups */
	int backup_keep;		/* backups kept by --rotate; default 7 */
	/* [site] */
	char site_name[256];
	enum locale_id locale;		/* default fa */
	char timezone[64];		/* IANA name, default Asia/Tehran */
	char article_url[512];		/* contains "{article}"; may be empty */
	char return_hosts[CONFIG_MAX_RETURN_HOSTS][256];	/* lower-case host[:port] */
	int return_host_count;
	char templates[1024];		/* template directory */
	int feed_entries;		/* comments in an Atom feed; 0: no feeds; 50 */
	/* [moderation] */
	enum moderation_mode mode;
	int max_length;			/* characters of a comment body; default 5000 */
	int trusted_after;		/* approved comments that make a reader trusted; 3 */
	int close_after_days;		/* a thread closes this long after its first comment; 0 */
	int read_only;			/* [site] read_only: every thread closed, for maintenance */
	/* [antispam]: limits on posts count the comments of one client address
	 * group (ipv4_prefix / ipv6_prefix bits of the address); 0: no limit. */
	int min_seconds;		/* a form posted sooner after it was served is spam; 3 */
	int max_age_hours;		/* a form older than this is shown again; 24 */
	int posts_per_minute;		/* from one address group; default 10 */
	int posts_per_hour;		/* from one address group; default 60 */
	int posts_per_article_minute;	/* from one address group on one article; 5 */
	int article_posts_per_minute;	/* on one article from everyone together; 60 */
	int posts_per_reader_article_day; /* from one group or one reader's cookie on one
					 * article in 24 hours; 20 */
	int duplicate_window_minutes;	/* the same text again is refused; 60, 0: off */
	int max_links;			/* more links hold the comment; default 2 */
	int ipv4_prefix;		/* 0..32; default 24 */
	int ipv6_prefix;		/* 0..128; default 64 */
	/* [admin] */
	int session_idle_minutes;	/* sign-out after this long unused; default 30 */
	int session_lifetime_hours;	/* and after this long in any case; default 12 */
	int login_failures_per_user;	/* failed sign-ins per user name … default 5 */
	int login_failures_per_address;	/* … and per client address … default 20 */
	int login_window_minutes;	/* … within this window; default 15 */
	int hash_concurrency;		/* Argon2id computations at once; default 2 */
	char reasons[CONFIG_MAX_REASONS][128];	/* for rejections and spam */
	int reason_count;
	/* [mail]: notifications (notify.h) */
	enum mail_transport mail_transport;	/* default none */
	char mail_from[255];		/* the sender's address; required to send */
	char mail_from_name[256];	/* its display name; default: [site] name */
	char mail_base_url[512];	/* https://host/comments: links in mail */
	char mail_sendmail[1024];	/* default /usr/sbin/sendmail */
	char mail_smtp_url[512];	/* smtp://host:587 (STARTTLS) or smtps://host:465 */
	char mail_smtp_user[256];	/* "" : no authentication */
	char mail_smtp_password_file[1024];	/* the password, alone in a file */
	int mail_timeout_seconds;	/* one delivery attempt; default 30 */
	int mail_max_attempts;		/* then failed; default 8 */
	/* Mail to one reader's address in 24 hours at most (confirmations and
	 * replies); 0: readers are not offered mail. Default 5. */
	int mail_reader_daily_limit;
	/* How long the links to decide a held comment from its mail work;
	 * 0: the mail has none. Default 48. */
	int mail_decide_hours;
	/* [webhook]: endpoints that receive signed JSON events (webhook.h),
	 * delivered by the outbox's sender with [mail] max_attempts */
	char webhook_urls[WEBHOOK_URLS_MAX][WEBHOOK_URL_MAX];
	int webhook_url_count;		/* 0: no webhooks (default) */
	char webhook_secret_file[1024];	/* the shared secret, alone in a file */
	char webhook_events[128];	/* space-separated; default "held published" */
	char webhook_allow_hosts[512];	/* the hosts the URLs may name */
	int webhook_timeout_seconds;	/* one attempt, connection included; default 10 */
	char webhook_proxy[512];	/* "" (default): no proxy, whatever the environment */
	/* [metrics]: who may read GET /metrics (address ranges; 0: nobody) */
	unsigned char metrics_net[CONFIG_MAX_METRICS_ALLOW][NETADDR_BYTES];
	int metrics_prefix[CONFIG_MAX_METRICS_ALLOW];	/* in 128-bit terms */
	int metrics_allow_count;	/* default 127.0.0.0/8 and ::1/128 */
	/* [log] */
	int log_level;			/* enum log_level; "error|warn|info|debug" */
	int log_target;			/* enum log_target; "stderr|syslog" */
	/* [votes]: readers agree or disagree with published comments
	 * (store_votes.h); the limits count new votes of one address group. */
	int votes_enabled;		/* yes (default) or no */
	int votes_agree_only;		/* mode = agree: no disagree button; default both */
	int votes_hide_below;		/* a count below this is not shown; default 0 */
	int votes_per_minute;		/* new votes from one address group; 20 */
	int votes_per_hour;		/* 200 */
	int votes_per_comment_hour;	/* on one comment; 10 */
	/* [thread] */
	enum config_sort thread_sort;	/* default oldest */
	int replies_shown;		/* replies under a comment of a thread page; 20 */
	int pin_max;			/* pinned comments per article; 0..50, default 3 */
	int edit_minutes;		/* a reader may edit or delete their comment this long; 0: never; 15 */
};

/* The body cap derived from max_length when the file sets none: a form of
 * four times max_length characters of four UTF-8 bytes each, every byte
 * URL-encoded as %XX (12 bytes a character), plus 16 KiB for the other
 * fields, so that a comment over max_length in any script is answered 422
 * with its text kept, never 413. 256,384 bytes for the default 5000. */
#define CONFIG_BODY_PER_CHAR 48
#define CONFIG_BODY_OTHER_FIELDS 16384
size_t config_body_cap(int max_length);

/* Fills every field with its default. */
void config_defaults(struct config *cfg);
/* The config file to use when none is given: $NAZAR_CONFIG, else the
 * compiled-in default under sysconfdir. */
const char *config_default_path(void);
/* Reads path over the current values of cfg. Returns 0, or -1 with
 * "path:line: message" (or "path: message" for I/O errors) in err. */
int config_load(const char *path, struct config *cfg, char *err, size_t errlen);
/* Parses from memory (for tests and fuzzing); name is used in messages. */
int config_parse(const char *name, const char *text, size_t len, struct config *cfg,
    char *err, size_t errlen);
/* Whether the client at remote_addr (as REMOTE_ADDR gives it) may read
 * the metrics: it lies in one of [metrics] allow's ranges. */
bool config_metrics_allowed(const struct config *cfg, const char *remote_addr);
const char *moderation_mode_name(enum moderation_mode m);
const char *mail_transport_name(enum mail_transport t);

#endif
