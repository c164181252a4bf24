/* store_recent.h — the latest published comments, of one article or of the
 * whole site, for feeds: newest first, and when they last changed. */
#ifndef NAZAR_STORE_RECENT_H
#define NAZAR_STORE_RECENT_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

struct arena;

/* At most this many comments in one answer. */
#define STORE_RECENT_MAX 500

/* The newest limit (1..STORE_RECENT_MAX) approved comments of article
 * (NULL: every article) or, when prefix is set, of the articles whose id
 * starts with prefix (a section: "sport/"), newest first, into an arena
 * array. */
enum store_result store_recent(struct store *st, struct arena *a, const char *article,
    const char *prefix, int limit, struct comment **out, size_t *count);

/* The last time any comment of article (NULL: of the site) was stored or
 * changed, whatever its status now: a comment that leaves the published
 * ones changes a feed too. 0 when there is none. */
enum store_result store_recent_changed(struct store *st, const char *article, int64_t *when);

#endif
