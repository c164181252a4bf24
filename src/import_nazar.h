/* import_nazar.h — nazar's own export (export_json.h) read back: nazarctl
 * import nazar. Unlike the other formats, nothing is lost on the way: a
 * comment comes back with every column, its votes, its edit history and
 * its audit rows (store_import_nazar.h says how ids, parents, users and a
 * second run are handled), so that an export imported into an empty
 * database and exported again is the same file but for the header's time.
 *
 * The file is checked as untrusted all the same: the header must name
 * the format and a version this nazar reads; every line is bounded
 * (jsonl.h); a comment without an id, a valid article id, a known status
 * or a time is skipped and counted, texts are cleaned like any imported
 * text (which changes nothing in what nazar wrote) and bounded; a file
 * without its end line, or whose end line counts other than what was
 * read, was cut short and is reported as such after what it held was
 * imported. */
#ifndef NAZAR_IMPORT_NAZAR_H
#define NAZAR_IMPORT_NAZAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "store.h"
#include "store_audit.h"

/* Comments written per transaction. */
#define IMPORT_NAZAR_BATCH 500
/* Reasons a comment was skipped that the report tells apart. */
#define IMPORT_NAZAR_REASONS 8

struct import_nazar_report {
	char site[256];			/* the header's */
	int64_t records;		/* comment lines read */
	int64_t added[COMMENT_STATUS__MAX];	/* (would be) added, by status */
	int64_t present;		/* already there */
	int64_t renumbered;		/* added under a new id */
	int64_t replies;
	int64_t orphans;		/* replies left without their parent */
	int64_t users_unknown;		/* user names not in this database */
	int64_t cut;			/* texts cut at IMPORT_NAZAR_BODY_MAX */
	struct {
		const char *reason;
		int64_t n;
	} skipped[IMPORT_NAZAR_REASONS];
	size_t nskipped;
	int64_t skipped_total;
	bool complete;			/* the end line was read and agrees */
	bool dry_run;
};

/* Bytes of a text kept; a longer one is cut on a character (counted). */
#define IMPORT_NAZAR_BODY_MAX (256 * 1024)

/* Reads path (from memory when data is not NULL: len bytes) into st, or
 * with dry_run only reads, and counts what st holds already and what it
 * would add (st NULL: every comment counts as one to add). progress (may
 * be NULL) hears of every comment: records so far, bytes read of total. who and now for the audit rows. 0 when the file was read to its
 * end (rep->complete tells whether it was whole); -1 with err when it is
 * not nazar's format, is broken at some line, or the database failed:
 * every batch written before stands, the failing one left nothing. */
int import_nazar_run(struct store *st, const char *path, const char *data, size_t len,
    bool dry_run, const struct actor *who, time_t now,
    void (*progress)(void *arg, int64_t records, uint64_t done, uint64_t total),
    void *progress_arg, struct import_nazar_report *rep, char *err, size_t errlen);

#endif
