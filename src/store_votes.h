/* store_votes.h — readers agreeing or disagreeing with published comments.
 *
 * A vote is one row per comment and voter (the random reader id of the
 * reader's signed cookie, reader.h): agree (+1) or disagree (-1); a
 * withdrawn vote is no row. The comment row keeps the counts (agree,
 * disagree), moved by the schema's triggers in the vote's own BEGIN
 * IMMEDIATE transaction, so showing a thread never counts votes.
 *
 * New votes are limited per client address group, like posts
 * (store_antispam.h): per minute, per hour, and per comment per hour,
 * read inside the write transaction. A voter changing or withdrawing a
 * vote is never limited: it cannot add to a count. */
#ifndef NAZAR_STORE_VOTES_H
#define NAZAR_STORE_VOTES_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "store.h"
#include "store_audit.h"

/* Bytes of a voter id (reader.h: READER_ID_BYTES). */
#define STORE_VOTER_BYTES 16

enum vote_value {
	VOTE_DISAGREE = -1,
	VOTE_NONE = 0,		/* no vote, or withdrawing one */
	VOTE_AGREE = 1,
};

struct vote_guard {
	const char *addr_group;		/* antispam_address_group() */
	/* New votes from one address group; 0: no limit. */
	int per_minute;
	int per_hour;
	int per_comment_hour;		/* on one comment */
};

enum vote_verdict {
	VOTE_COUNTED,			/* the vote is as asked (also when it was so) */
	VOTE_LIMIT_MINUTE,		/* nothing written: per_minute reached */
	VOTE_LIMIT_HOUR,
	VOTE_LIMIT_COMMENT,
};

/* A comment's counts, and the voter's own vote on it. */
struct vote_tally {
	int64_t agree;
	int64_t disagree;
	enum vote_value mine;
};

/* Sets voter's vote on comment id of article to value (VOTE_NONE
 * withdraws it). Only approved comments take votes: STORE_NOT_FOUND for
 * any other, or one of another article (nothing written). A new vote over a limit of g is refused (*verdict says which,
 * *retry_after the seconds until one more would count, ≥ 1). *out is the
 * comment's counts after the vote (before it when refused). */
enum store_result store_vote(struct store *st, int64_t id, const char *article,
    const unsigned char voter[STORE_VOTER_BYTES], enum vote_value value,
    const struct vote_guard *g, time_t now, enum vote_verdict *verdict, int *retry_after,
    struct vote_tally *out);

/* The voter's votes on the comments ids[0 .. n): mine[i] for ids[i]
 * (VOTE_NONE where none). */
enum store_result store_voter_votes(struct store *st,
    const unsigned char voter[STORE_VOTER_BYTES], const int64_t *ids, size_t n,
    enum vote_value *mine);

/* Removes every vote on comment id and sets its counts to 0, with an
 * audit row ("reset_votes", before "agree N, disagree M") in the same
 * transaction. *before gets the counts it had; a comment without votes
 * is left alone and not audited (STORE_OK, before all 0). */
enum store_result store_reset_votes(struct store *st, int64_t id, const struct actor *who,
    time_t now, struct vote_tally *before);

#endif
