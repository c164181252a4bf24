/* param.h — what a handler takes from the query string and the form,
 * declared as a table and read by one function (param_read), in the manner
 * of OpenBSD bgplgd's qs.c and kcgi's validators.
 *
 * Each handler has a static table of its parameters: name, type (integer
 * with bounds, text with a byte limit and an optional check, one of a list
 * of names), where it comes from (query or form), and whether it is
 * required or repeatable. The router reads the request against the route's
 * table before the handler runs, and answers 400 itself when the request
 * does not fit. The rules, the same for every route:
 *
 * - Keys the table does not name are ignored (a cache's or a campaign's
 *   tracking parameters, utm_* and the like, must not break a page).
 * - A key that is not repeatable and comes twice is refused (400), even
 *   with the same value twice: which one was meant is not ours to guess.
 * - An empty value ("page=") is the same as no value.
 * - A value with an embedded NUL is refused (http.c refuses %00 already).
 * - Integers go through num_parse (num.h): digits only, within [min, max].
 * - A value that does not fit is refused (400), unless the parameter is
 *   PARAM_LENIENT: then it counts as absent (a page number in a link
 *   edited by hand is page 1, not an error).
 * - More values of a repeatable parameter than max_count: over_status
 *   (400 unless set).
 */
#ifndef NAZAR_PARAM_H
#define NAZAR_PARAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct kvlist;

/* The largest page number any listing accepts (thread, queue, audit,
 * blocklist): far past any real page, small enough for an int. */
#define PARAM_PAGE_MAX 100000

enum param_type {
	PARAM_INT,	/* decimal integer in [min, max] */
	PARAM_TEXT,	/* NUL-free text of at most max bytes (0: any), passing check */
	PARAM_ENUM	/* one of names (NULL-terminated); the value is its index */
};

/* Flags of a parameter. */
#define PARAM_FORM	0x01	/* from the urlencoded body; else the query string */
#define PARAM_REQUIRED	0x02	/* absent (or empty): 400 */
#define PARAM_REPEAT	0x04	/* may come up to max_count times */
#define PARAM_LENIENT	0x08	/* a value that does not fit counts as absent */
#define PARAM_UNIQUE	0x10	/* a repeated equal value is kept once */
#define PARAM_PREFIX	0x20	/* name is a prefix: keys "name" + id (id >= 1), each once */

struct param_spec {
	const char *name;
	enum param_type type;
	unsigned flags;
	int64_t min, max;		/* PARAM_INT: bounds; PARAM_TEXT: max bytes */
	size_t max_count;		/* PARAM_REPEAT, PARAM_PREFIX: most values kept */
	const char *const *names;	/* PARAM_ENUM */
	bool (*check)(const char *);	/* PARAM_TEXT: a further check, or NULL */
	const char *error;		/* message key when refused (NULL: the table's) */
	int over_status;		/* more than max_count: this status (0: 400) */
};

struct param_table {
	const struct param_spec *specs;
	size_t count;
	const char *error;		/* message key of a 400 (NULL: the router's) */
	bool json;			/* the route answers JSON, its errors too */
	/* Parameters from the query string only: a POST's body is not read,
	 * whatever its type (a mail client's RFC 8058 one-click unsubscribe
	 * may send multipart/form-data). */
	bool body_ignored;
};

/* A spec's name, type and flags, for a table's rows:
 * { PARAM("page", PARAM_INT, PARAM_LENIENT), .min = 1, .max = 10 }. */
#define PARAM(n, t, f) .name = (n), .type = (t), .flags = (f)
#define PARAM_TABLE(s) .specs = (s), .count = sizeof(s) / sizeof((s)[0])

/* The values of one parameter, in the order of the request. */
struct param_value {
	size_t count;
	const char **text;	/* the values as sent (PARAM_TEXT, and all types) */
	int64_t *num;		/* PARAM_INT: the number; PARAM_ENUM: the index */
	int64_t *key_id;	/* PARAM_PREFIX: the id after the prefix */
};

/* A request read against a table: one param_value per spec, in table order. */
struct params {
	const struct param_table *table;
	struct param_value *v;
};

/* Reads query and form against t into out (allocated in a). Returns 0, or
 * the status to answer with (400, or a spec's over_status) and *bad set to
 * the parameter that was refused (NULL when the request as a whole was). */
int param_read(struct arena *a, const struct param_table *t, const struct kvlist *query,
    const struct kvlist *form, struct params *out, const struct param_spec **bad);

/* Whether parameter i (the index in its table) was given. */
bool param_has(const struct params *p, size_t i);
/* Its (first) value as text; "" when absent. */
const char *param_str(const struct params *p, size_t i);
/* Its (first) value as text; NULL when absent. */
const char *param_text(const struct params *p, size_t i);
/* Its (first) number (PARAM_INT, PARAM_ENUM); def when absent. */
int64_t param_int(const struct params *p, size_t i, int64_t def);
/* How many values it has, and the k-th of them. */
size_t param_count(const struct params *p, size_t i);
const char *param_text_at(const struct params *p, size_t i, size_t k);
int64_t param_int_at(const struct params *p, size_t i, size_t k);
/* PARAM_PREFIX: the value of the key prefix + id; def when absent. */
int64_t param_int_for(const struct params *p, size_t i, int64_t id, int64_t def);

#endif
