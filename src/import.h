/* import.h — bringing another comment system's comments into nazar.
 *
 * Two halves:
 * - a reader per format (import_wxr.c, import_disqus.c, …) turns a file
 *   into records, one comment at a time, in the file's order, and hands
 *   each to a sink; it knows nothing of nazar's database, so a fuzzer can
 *   drive it alone;
 * - the core (import.c) is that sink when importing: it finds each
 *   thread's article (--map lines, then the site's article_url pattern),
 *   turns the text into nazar's (html_to_text or text_clean: NFC and the
 *   cleaning rules of a reader's post, but never refused for them), maps
 *   the status, and writes the comments in batches, each batch in one
 *   BEGIN IMMEDIATE transaction with its audit row (store_import.h). A
 *   comment is identified by (source system, source id): one already
 *   there is counted and left alone, so a second run adds nothing and a
 *   newer export adds only what is new. Replies find their parents within
 *   the article whatever the order of the file: at once when the parent
 *   is stored, at the end of the run otherwise; a reply whose parent is
 *   nowhere (or dated after it) stays at the top level and is counted.
 *
 * Memory: a batch of records at a time, plus one entry per thread. */
#ifndef NAZAR_IMPORT_H
#define NAZAR_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "store.h"

struct arena;
struct blocklist;
struct store;
struct actor;

/* Comments written per transaction. */
#define IMPORT_BATCH 500
/* Bytes of a comment's text kept (cut on a character beyond; counted). */
#define IMPORT_BODY_MAX (256 * 1024)
/* Bytes of a source id, thread id or URL a record may carry. */
#define IMPORT_ID_MAX 1024
/* Distinct skip reasons the report tells apart; more are "other". */
#define IMPORT_REASONS_MAX 16
/* Threads without an article named in the report. */
#define IMPORT_UNMAPPED_SHOWN 20

/* One comment as the source has it; any string may be NULL. */
struct import_record {
	const char *id;			/* unique in the source system; required */
	const char *parent;		/* its parent's id; NULL or "": top level */
	const char *thread_id;		/* the source's id of the thread (post) */
	const char *thread_url;		/* the page the thread belongs to */
	const char *thread_article;	/* an article id the source proposes (a
					 * Disqus identifier): used when nothing
					 * else names the article */
	const char *name;
	const char *email;
	const char *remote_addr;	/* the author's IP address */
	const char *user_agent;
	int64_t created;		/* Unix time, UTC; 0: unknown (import time) */
	enum comment_status status;
	bool status_unknown;		/* the source's status has no mapping:
					 * --status-of-unknown decides */
	const char *body;
	bool body_html;			/* body is HTML (html_to_text), else text */
	const char *skip;		/* not a comment (a static string: "pingback",
					 * "trackback", "note"); counted, not stored */
};

/* Where a reader sends what it reads. record returns 0 to go on, or
 * nonzero to stop the reader (which then returns that value). position
 * (may be NULL) tells how far the reader is: bytes done of total (0:
 * unknown), for the progress line. */
struct import_sink {
	int (*record)(void *arg, const struct import_record *r);
	void (*position)(void *arg, uint64_t done, uint64_t total);
	void *arg;
};

/* A reader: 0 when the whole file was read; -1 with err set when it could
 * not be (a file that is not this format, truncated XML, a forbidden
 * construct such as an entity declaration); else what sink->record
 * returned to stop it. Records handed over before a failure stand. */
typedef int (*import_read_fn)(const char *path, const struct import_sink *sink, char *err,
    size_t errlen);

struct import_format {
	const char *name;	/* as typed: "wxr" */
	const char *system;	/* source_system stored with each comment */
	import_read_fn read;
	const char *what;	/* "a WordPress export (WXR 1.0–1.2)", for help */
};

/* The formats nazarctl knows (import_formats.c), and one by name. */
extern const struct import_format import_formats[];
extern const size_t import_nformats;
const struct import_format *import_format_find(const char *name);

/* The readers. */
int import_wxr_read(const char *path, const struct import_sink *sink, char *err, size_t errlen);
int import_disqus_read(const char *path, const struct import_sink *sink, char *err,
    size_t errlen);
/* The same from memory (tests, fuzzing). */
int import_wxr_memory(const char *data, size_t len, const struct import_sink *sink, char *err,
    size_t errlen);
int import_disqus_memory(const char *data, size_t len, const struct import_sink *sink,
    char *err, size_t errlen);
/* An Isso database (import_isso.c), a Remark42 backup (import_remark42.c),
 * a Commento v1 export (import_commento.c). */
int import_isso_read(const char *path, const struct import_sink *sink, char *err, size_t errlen);
int import_remark42_read(const char *path, const struct import_sink *sink, char *err,
    size_t errlen);
int import_commento_read(const char *path, const struct import_sink *sink, char *err,
    size_t errlen);
int import_remark42_memory(const char *data, size_t len, const struct import_sink *sink,
    char *err, size_t errlen);
int import_commento_memory(const char *data, size_t len, const struct import_sink *sink,
    char *err, size_t errlen);

/* --map FILE: lines "SOURCE-URL-OR-ID ARTICLE-ID" (white space between;
 * blank lines and lines starting with '#' ignored). */
struct import_map;
/* Reads and checks the file (each article id as validate_article_id
 * wants it); NULL with err naming the file and line. */
struct import_map *import_map_load(struct arena *a, const char *path, char *err,
    size_t errlen);
/* The article of key, or NULL. */
const char *import_map_find(const struct import_map *m, const char *key);

/* The article id the pattern (article_url, with "{article}") gives a URL:
 * the part where {article} stands, when it is a valid article id. http
 * and https are the same, the host compared without case, a fragment, a
 * query (unless the pattern has one) and a trailing '/' ignored; a URL
 * that is only a path ("/news/12") is matched against the pattern's
 * path. NULL when it does not fit. */
const char *import_article_from_url(struct arena *a, const char *pattern, const char *url);

struct import_options {
	const struct import_format *format;
	const char *system;		/* --source: stored as source_system;
					 * NULL: the format's */
	const char *file;		/* for the audit row */
	bool dry_run;			/* read, check and count; write nothing */
	int unknown_status;		/* -1: skip such; else an enum comment_status */
	const struct import_map *map;	/* NULL: none */
	const char *article_url;	/* the pattern; NULL or "": none */
	const struct blocklist *screen;	/* --screen: matches are held; NULL: none */
	const struct actor *who;
	time_t now;
	int batch;			/* comments a transaction; 0: IMPORT_BATCH */
};

/* Bytes kept of a skip reason and of a thread named in the report. */
#define IMPORT_REASON_MAX 64
#define IMPORT_UNMAPPED_MAX 256

struct import_count {
	char reason[IMPORT_REASON_MAX];
	int64_t n;
};

struct import_report {
	int64_t records;		/* records read, comments or not */
	int64_t added[COMMENT_STATUS__MAX];	/* (would be) added, by status */
	int64_t added_total;
	int64_t present;		/* already there (same source id) */
	struct import_count skipped[IMPORT_REASONS_MAX];
	size_t nskipped;
	int64_t skipped_total;
	int64_t threads;		/* articles the comments went to */
	int64_t threads_new;		/* of those, articles without comments before */
	int64_t replies;		/* added comments that reply to another */
	int64_t orphans;		/* replies added by this run whose parent
					 * is not in the database after it (dry
					 * run: in neither the file nor it) */
	int64_t hidden_parent;		/* replies added under a comment that is
					 * not shown (deleted, spam, held) */
	int64_t cut;			/* texts longer than IMPORT_BODY_MAX, cut */
	int64_t empty;			/* texts with nothing left once cleaned */
	int64_t no_date;		/* without a date: dated at the import */
	int64_t screened;		/* held by the blocklist (--screen) */
	char unmapped[IMPORT_UNMAPPED_SHOWN][IMPORT_UNMAPPED_MAX];	/* threads without article */
	size_t nunmapped;
	bool dry_run;
};

/* The state of one run. */
struct import;

/* A run over st (may be NULL for a dry run without a database). The
 * options and what they point to must outlive the run. */
struct import *import_new(struct store *st, const struct import_options *o);
void import_free(struct import *imp);
/* A sink (struct import_sink) whose arg is the run; progress (may be
 * NULL) is called with the records read so far and the reader's
 * position. */
void import_sink_init(struct import *imp, struct import_sink *sink,
    void (*progress)(void *arg, int64_t records, uint64_t done, uint64_t total),
    void *progress_arg);
/* Writes the last batch, links the replies whose parents came later and
 * fills *r. STORE_OK, or what failed: every batch written before stands,
 * and the one that failed left nothing. */
enum store_result import_finish(struct import *imp, struct import_report *r);
/* The failure that stopped the run (a record callback returned nonzero
 * for it), or STORE_OK. */
enum store_result import_failure(const struct import *imp);

#endif
