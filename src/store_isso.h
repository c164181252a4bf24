/* store_isso.h — an Isso database, read for nazarctl import isso. Isso
 * keeps its comments in one SQLite file:
 *
 *   threads (id INTEGER PRIMARY KEY, uri VARCHAR(256) UNIQUE, title VARCHAR(256))
 *   comments (tid REFERENCES threads(id), id INTEGER PRIMARY KEY, parent INTEGER,
 *     created FLOAT NOT NULL, modified FLOAT, mode INTEGER, remote_addr VARCHAR,
 *     text VARCHAR, author VARCHAR, email VARCHAR, website VARCHAR,
 *     likes INTEGER DEFAULT 0, dislikes INTEGER DEFAULT 0, voters BLOB NOT NULL,
 *     notification INTEGER DEFAULT 0)
 *
 * The file is someone else's and may be hostile: it is opened read-only,
 * with SQLite's defensive mode on and its schema untrusted (no function
 * a view or trigger names runs), each text bounded. */
#ifndef NAZAR_STORE_ISSO_H
#define NAZAR_STORE_ISSO_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* Bytes of one text read from the file; longer ones make it refused. */
#define STORE_ISSO_MAX_TEXT (4 * 1024 * 1024)

/* One comment with its thread. Strings are NULL for SQL NULL; created and
 * modified are Unix times (Isso writes seconds as a float). */
struct isso_comment {
	int64_t id;
	int64_t parent;		/* 0: none */
	int64_t tid;
	const char *uri;	/* the thread's */
	const char *title;
	double created;
	double modified;	/* 0: never */
	int64_t mode;		/* 1 accepted, 2 in moderation, 4 deleted */
	const char *remote_addr;
	const char *text;	/* as typed (Markdown) */
	const char *author;
	const char *email;
	const char *website;
	int64_t likes, dislikes;
};

/* Calls fn for every comment in id order, with how many were read of how
 * many there are; a nonzero return stops the walk and is returned. 0 when
 * all were read; -1 with err when the file cannot be read or is not an
 * Isso database. */
typedef int (*store_isso_fn)(void *arg, const struct isso_comment *c, int64_t done,
    int64_t total);
int store_isso_read(const char *path, store_isso_fn fn, void *arg, char *err, size_t errlen);

#endif
