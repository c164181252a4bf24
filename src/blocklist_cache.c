/* blocklist_cache.c — the shared compiled blocklist and the post path's
 * screening; see blocklist_cache.h. */
#include <pthread.h>
#include <stdlib.h>

#include "arena.h"
#include "blocklist_cache.h"
#include "log.h"
#include "store_blocklist.h"

/* A failed read of the database is tried again after this many seconds;
 * meanwhile the last list is used. */
#define CACHE_RETRY_SECONDS 10

struct blocklist_cache {
	pthread_mutex_t lock;
	struct blocklist *current;	/* NULL until first used: then an empty list */
	int64_t generation;		/* of current */
	bool loading;			/* a worker is compiling a new one */
	time_t retry_at;		/* after a failed read: not before */
};

static struct blocklist_cache shared = { .lock = PTHREAD_MUTEX_INITIALIZER };

struct blocklist_cache *
blocklist_cache_shared(void)
{
	return &shared;
}

struct blocklist_cache *
blocklist_cache_new(void)
{
	struct blocklist_cache *bc = calloc(1, sizeof(*bc));
	if (bc == NULL || pthread_mutex_init(&bc->lock, NULL) != 0)
		fatal("out of memory");
	return bc;
}

void
blocklist_cache_free(struct blocklist_cache *bc)
{
	if (bc == NULL)
		return;
	blocklist_free(bc->current);
	pthread_mutex_destroy(&bc->lock);
	free(bc);
}

/* Under the lock: the current list, one more holder. */
static struct blocklist *
hold_current(struct blocklist_cache *bc)
{
	if (bc->current == NULL) {
		/* Generation 0 is the empty list: nothing to load. */
		bc->current = blocklist_compile(NULL, 0, NULL);
		blocklist_ref(bc->current);
		bc->generation = 0;
	}
	blocklist_ref(bc->current);
	return bc->current;
}

/* Under the lock: one holder fewer; an old list goes with its last. */
static void
drop(struct blocklist_cache *bc, struct blocklist *bl)
{
	if (blocklist_unref(bl) == 0 && bl != bc->current)
		blocklist_free(bl);
}

const struct blocklist *
blocklist_cache_acquire(struct blocklist_cache *bc, struct store *st, time_t now)
{
	int64_t gen = 0;
	enum store_result r = store_blocklist_generation(st, &gen);
	pthread_mutex_lock(&bc->lock);
	struct blocklist *bl = hold_current(bc);
	bool reload = r == STORE_OK && gen != bc->generation && !bc->loading &&
	    now >= bc->retry_at;
	if (r != STORE_OK && now >= bc->retry_at) {
		log_error("blocklist: the generation could not be read; using the list of "
		    "generation %lld", (long long)bc->generation);
		bc->retry_at = now + CACHE_RETRY_SECONDS;
	}
	if (reload)
		bc->loading = true;
	pthread_mutex_unlock(&bc->lock);
	if (!reload)
		return bl;

	/* Loaded and compiled outside the lock: the other workers go on with
	 * the list they have meanwhile. */
	struct arena *a = arena_new();
	struct blocklist_entry *rows;
	size_t n, skipped = 0;
	int64_t loaded = 0;
	struct blocklist *fresh = NULL;
	r = store_blocklist_load(st, a, &rows, &n, &loaded);
	if (r == STORE_OK)
		fresh = blocklist_compile(rows, n, &skipped);
	arena_free(a);

	pthread_mutex_lock(&bc->lock);
	bc->loading = false;
	if (fresh != NULL) {
		struct blocklist *old = bc->current;
		blocklist_ref(fresh);	/* the cache's own hold */
		bc->current = fresh;
		bc->generation = loaded;
		bc->retry_at = 0;
		drop(bc, old);
		drop(bc, bl);
		bl = hold_current(bc);
		log_info("blocklist: generation %lld, %zu entries%s", (long long)loaded,
		    blocklist_size(fresh), skipped ? " (some left out, see above)" : "");
	} else {
		log_error("blocklist: the list could not be loaded; using generation %lld, "
		    "trying again in %d s", (long long)bc->generation, CACHE_RETRY_SECONDS);
		bc->retry_at = now + CACHE_RETRY_SECONDS;
	}
	pthread_mutex_unlock(&bc->lock);
	return bl;
}

void
blocklist_cache_release(struct blocklist_cache *bc, const struct blocklist *bl)
{
	if (bl == NULL)
		return;
	pthread_mutex_lock(&bc->lock);
	drop(bc, (struct blocklist *)bl);
	pthread_mutex_unlock(&bc->lock);
}

bool
blocklist_screen(struct store *st, struct arena *a, const struct blocklist_subject *s,
    time_t now, enum comment_status *status, const char **reason)
{
	struct blocklist_cache *bc = blocklist_cache_shared();
	const struct blocklist *bl = blocklist_cache_acquire(bc, st, now);
	struct blocklist_match m;
	bool hit = blocklist_match(bl, s, &m);
	if (hit) {
		bool changed = false;
		if (m.action == BLOCK_SPAM && *status != COMMENT_SPAM) {
			*status = COMMENT_SPAM;
			changed = true;
		} else if (m.action == BLOCK_HOLD && *status == COMMENT_APPROVED) {
			*status = COMMENT_PENDING;
			changed = true;
		}
		const char *why = blocklist_reason(a, &m);
		const char *old = *reason != NULL ? *reason : "";
		if (old[0] == '\0')
			*reason = why;
		else
			*reason = changed ? arena_printf(a, "%s; %s", why, old) :
			    arena_printf(a, "%s; %s", old, why);
	}
	blocklist_cache_release(bc, bl);
	return hit;
}
