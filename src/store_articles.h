/* store_articles.h — articles as the database knows them: the id every
 * comment is filed under, and the article's own state (a thread closed to
 * new comments). Renaming one moves everything filed under it. */
#ifndef NAZAR_STORE_ARTICLES_H
#define NAZAR_STORE_ARTICLES_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "store.h"
#include "store_audit.h"

/* Files every comment of article from under article to (their version
 * raised and updated set to now, so that exports --since see the move),
 * with one audit row ("article_rename", target from, before from, after
 * to, reason "merge" when to had comments already) in one transaction.
 * STORE_NOT_FOUND: from has no comments; STORE_CONFLICT: to has comments
 * and merge is false. Nothing is written then. *moved: comments moved;
 * *merged_into: comments to had before. */
enum store_result store_article_rename(struct store *st, const char *from, const char *to,
    bool merge, const struct actor *who, time_t now, int64_t *moved, int64_t *merged_into);

/* What the database knows of an article besides its comments. */
struct article_state {
	bool closed;		/* a moderator closed its thread */
	int64_t changed;	/* when that last changed; 0: never */
	int64_t first;		/* its first approved comment's time; 0: none */
};

/* The state of article (all zero when nothing is known of it). */
enum store_result store_article_state(struct store *st, const char *article,
    struct article_state *out);

/* Closes (closed true) or reopens article's thread, with one audit row
 * ("article_close" or "article_open", target article) in one
 * transaction. *changed is false, and nothing is written, when the thread
 * was in that state already. */
enum store_result store_article_set_closed(struct store *st, const char *article, bool closed,
    const struct actor *who, time_t now, bool *changed);

#endif
