/* store_antispam.h — recent comments counted per client address group, per
 * article and per text, and a reader's standing for mode = trusted.
 *
 * A reader's comment is stored through store_post_comment: the rate limits
 * and the duplicate check are read in the same BEGIN IMMEDIATE transaction
 * that inserts the comment, so concurrent workers cannot together let
 * through more than a limit allows. A refused post writes nothing.
 *
 * Group commit: the workers of one process share a post_group. Posts that
 * arrive while another commit is in progress wait, then go into one
 * transaction together (one flush of the log for all of them): the first
 * waiting worker leads, takes the write lock, and runs every waiting post
 * in order, each in a savepoint of its own, with its checks reading the
 * rows of the posts before it (two identical posts of one group: the
 * second is a duplicate; a limit counts the group's posts), a refused or
 * failed post rolled back to its savepoint without touching the others.
 * Each post's worker gets its own answer only after the COMMIT that holds
 * it has returned; when that COMMIT fails, none of the group is stored.
 * Other processes on the same database take the write lock in turn, as
 * before.
 *
 * Windows are sliding: a comment created at t counts in a window of w
 * seconds while now - w < t. Comments without an address group (written by
 * nazarctl or a moderator, or before these columns existed) never count. */
#ifndef NAZAR_STORE_ANTISPAM_H
#define NAZAR_STORE_ANTISPAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "store.h"

/* Bytes of the text digest (antispam.h: ANTISPAM_HASH_BYTES). */
#define STORE_BODY_HASH_BYTES 16
/* Bytes of a post key (antispam.h: ANTISPAM_POST_KEY_BYTES). */
#define STORE_POST_KEY_BYTES 16

struct post_guard {
	const char *addr_group;		/* antispam_address_group() */
	const unsigned char *body_hash;	/* STORE_BODY_HASH_BYTES: antispam_body_hash() */
	/* The limits of one address group; 0: no limit. */
	int per_minute;
	int per_hour;
	int per_article_per_minute;
	int article_per_minute;		/* everyone's on c->article in 60 s */
	/* On c->article in the last 24 hours, from the group or among own_ids
	 * (the reader's signed cookie, which follows them across networks). */
	int per_reader_article_day;
	const int64_t *own_ids;
	size_t own_count;
	int duplicate_window;		/* seconds; 0: no duplicate check */
	/* STORE_POST_KEY_BYTES (antispam_post_key()) or NULL: the same key
	 * again is answered with the comment stored under it. */
	const unsigned char *post_key;
	int post_key_keep;		/* seconds a key is kept (the form's age) */
};

enum post_verdict {
	POST_STORED,
	POST_LIMIT_MINUTE,		/* per_minute reached: nothing stored */
	POST_LIMIT_HOUR,		/* per_hour reached */
	POST_LIMIT_ARTICLE,		/* per_article_per_minute reached */
	POST_LIMIT_ARTICLE_ALL,		/* article_per_minute reached (everyone) */
	POST_LIMIT_READER_DAY,		/* per_reader_article_day reached */
	POST_DUPLICATE,			/* the same text within duplicate_window by the
					 * same author: their group or their cookie */
	POST_REPEAT			/* this post_key is stored: c is its comment */
};

/* Stores c like store_insert_comment (id and created set; the parent must
 * be approved and of the same article, else STORE_CONFLICT) together with
 * its address group and text digest — unless the group has already posted
 * per_minute comments in the last 60 s, per_hour in the last 3600 s or
 * per_article_per_minute on c->article in the last 60 s, or everyone
 * together has posted article_per_minute on c->article in the last 60 s
 * (comments with an address group, i.e. through the form), or the group
 * or the reader's own_ids hold per_reader_article_day comments on
 * c->article of the last 24 hours, or the same author (the group, or the
 * reader's own_ids) sent the same text within duplicate_window. Then
 * *verdict says which, nothing is written and, for a limit, *retry_after
 * is the number of seconds until one more post would be accepted (≥ 1).
 * Limits are checked before duplicates.
 *
 * Before any of that, a post_key already stored with a comment makes the
 * verdict POST_REPEAT and fills c->id, c->status, c->article and
 * c->created from that comment: the same form sent again (nginx retrying
 * a post that a crash interrupted after its commit) gets the answer to
 * the first. A new comment is stored with its post_key in the same
 * transaction; keys older than post_key_keep are removed then.
 *
 * On a connection that joined a post_group, through the group (above). */
enum store_result store_post_comment(struct store *st, struct comment *c,
    const struct post_guard *g, time_t now, enum post_verdict *verdict, int *retry_after);

/* The group commit of one process's workers: made before they start,
 * joined by each worker's connection, freed after they have stopped. A
 * connection that joined none commits each post alone. */
struct post_group;
struct post_group *store_post_group_new(void);
void store_post_group_free(struct post_group *grp);
void store_join_post_group(struct store *st, struct post_group *grp);

struct post_group_stats {
	unsigned long long groups;	/* transactions that held posts */
	unsigned long long posts;	/* posts in them (stored or not) */
	size_t largest;			/* the most posts in one */
	size_t waiting;			/* posts waiting for a leader now */
};
void store_post_group_stats(struct post_group *grp, struct post_group_stats *out);

/* Comments of addr_group created after `since` (on article, unless NULL). */
enum store_result store_count_recent(struct store *st, const char *addr_group,
    const char *article, time_t since, long long *count);

/* Comments with the text digest created after `since` by the same author:
 * from addr_group, or among own_ids (the reader's signed cookie). */
enum store_result store_count_duplicates(struct store *st, const unsigned char *body_hash,
    const char *addr_group, const int64_t *own_ids, size_t own_count, time_t since,
    long long *count);

/* A reader's standing: *approved is the number of approved comments under
 * exactly this name and this e-mail (compared without ASCII case), counted
 * up to `enough`; *listed is whether own_ids (the reader's signed cookie)
 * holds one of them. An empty e-mail has no standing. */
enum store_result store_author_standing(struct store *st, const char *name, const char *email,
    const int64_t *own_ids, size_t own_count, int enough, long long *approved, bool *listed);

#endif
