/* export_json.h — nazar's own export format, written: JSON Lines (one JSON
 * object a line, RFC 8259, UTF-8), for nazarctl export and read back by
 * nazarctl import nazar.
 *
 *   {"type":"header","format":"nazar","version":1,"site":"…",
 *    "exported":"2026-12-04T13:40:00Z","schema":8,"article":null,"since":null}
 *   {"type":"comment","id":12,"article":"…","parent":null,"status":"approved",…}
 *   …
 *   {"type":"end","comments":N}
 *
 * A comment line carries every column of its row (export_comment in
 * store_export.h), its readers' votes, its edit history and its audit
 * rows. Times are UTC,
 * "YYYY-MM-DDTHH:MM:SSZ" (a number of seconds for a time outside the
 * years 1970–9999); users are named, never numbered, since ids differ
 * from one database to the next. Every string is escaped so that the line
 * is valid JSON whatever it holds (controls, U+2028, invalid UTF-8 as
 * U+FFFD). The end line tells a complete file from a cut one. */
#ifndef NAZAR_EXPORT_JSON_H
#define NAZAR_EXPORT_JSON_H

#include <stdint.h>

#include "store_export.h"

struct buf;

#define EXPORT_FORMAT "nazar"
#define EXPORT_FORMAT_VERSION 1

struct export_header {
	const char *site;	/* [site] name */
	int64_t exported;	/* when, Unix time */
	int schema;		/* the database's schema version */
	const char *article;	/* --article, or NULL */
	int64_t since;		/* --since, or 0 */
};

/* Each appends one line, with its '\n', to out. */
void export_json_header(struct buf *out, const struct export_header *h);
void export_json_comment(struct buf *out, const struct export_comment *e);
void export_json_end(struct buf *out, int64_t comments);

/* A time as the format writes it (a JSON value). */
void export_json_time(struct buf *out, int64_t t);

#endif
