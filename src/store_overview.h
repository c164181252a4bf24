/* store_overview.h — what the moderators' overview page shows: comments
 * posted per local day over the last days by the status they have now,
 * the queue and its oldest item, the busiest articles of the last week,
 * and the spam the rules caught. */
#ifndef NAZAR_STORE_OVERVIEW_H
#define NAZAR_STORE_OVERVIEW_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "store.h"

struct arena;

#define STORE_OVERVIEW_DAYS 30
#define STORE_OVERVIEW_BUSIEST 10
#define STORE_OVERVIEW_WEEK (7 * 86400)

struct overview_article {
	char *article;
	int64_t comments;	/* posted in the week, in any status */
	int64_t approved;	/* of which published now */
};

struct overview_rule {
	const char *rule;	/* antispam_reason_rule: "honeypot", "moderator" … */
	int64_t n;
};

struct overview {
	/* The local day (days since the epoch, at utc_offset) of the first
	 * column; the last is today. */
	int64_t first_day;
	int64_t per_day[STORE_OVERVIEW_DAYS][COMMENT_STATUS__MAX];
	int64_t queue_length;
	int64_t queue_oldest;	/* created of the oldest pending; 0: none */
	struct overview_article *busiest;	/* most comments first */
	size_t busiest_count;
	struct overview_rule *spam_rules;	/* in the days shown, most first */
	size_t spam_rule_count;
};

/* Reads it all in one read transaction, the days counted at utc_offset
 * seconds east of UTC (the site's time zone now). */
enum store_result store_overview_read(struct store *st, struct arena *a, time_t now,
    long utc_offset, struct overview *out);

#endif
