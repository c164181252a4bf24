/* test_post_group.c — group commit of posts (store_antispam.h): workers of
 * one process posting at once share one transaction, and inside it the
 * checks stay exact (two identical posts of one group: one duplicate; a
 * rate limit counts the group's own posts), a post that fails leaves the
 * others stored, and no worker has its answer before the commit that
 * holds its post. Each worker is a thread with its own connection to a
 * real SQLite file, as nazar's workers are. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "arena.h"
#include "store.h"
#include "store_antispam.h"
#include "store_db.h"
#include "store_fixture.h"

#define T0 1700000000

static const unsigned char hash_same[STORE_BODY_HASH_BYTES] = "same text hash.";
static const unsigned char hash_other[STORE_BODY_HASH_BYTES] = "another text...";
static const unsigned char hash_third[STORE_BODY_HASH_BYTES] = "a third text...";
static const unsigned char hash_fourth[STORE_BODY_HASH_BYTES] = "a fourth text..";

/* One posting worker. */
struct poster {
	const char *path;
	struct post_group *grp;
	struct comment c;
	struct post_guard g;
	enum post_verdict verdict;
	enum store_result result;
	bool visible;		/* its comment seen by another connection at once */
	int *answered;		/* how many workers have their answer (atomic) */
};

static void *
poster_main(void *arg)
{
	struct poster *p = arg;
	struct store *st, *other;
	char err[256];
	if (store_open(p->path, 10000, &st, err, sizeof(err)) != STORE_OK ||
	    store_open(p->path, 10000, &other, err, sizeof(err)) != STORE_OK) {
		p->result = STORE_ERROR;
		return NULL;
	}
	store_join_post_group(st, p->grp);
	int retry;
	p->result = store_post_comment(st, &p->c, &p->g, T0, &p->verdict, &retry);
	__atomic_add_fetch(p->answered, 1, __ATOMIC_SEQ_CST);
	/* Acknowledged only after the commit: another connection, outside
	 * any transaction, finds the comment the moment the answer comes. */
	if (p->result == STORE_OK && p->verdict == POST_STORED) {
		struct arena *a = arena_new();
		struct comment got;
		p->visible = store_get_comment(other, a, p->c.id, &got) == STORE_OK &&
		    strcmp(got.body, p->c.body) == 0;
		arena_free(a);
	}
	store_close(other);
	store_close(st);
	return NULL;
}

static int
setup(void **state)
{
	*state = store_fixture_new("postgroup");
	return 0;
}

static int
teardown(void **state)
{
	store_fixture_free(*state);
	return 0;
}

static long long
count_rows(struct store_fixture *f)
{
	long long n = -1;
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_prepare_v2(f->st->db, "SELECT count(*) FROM comments", -1, &s,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* Runs n posters at once as one group: the fixture's connection holds the
 * write lock until every post is waiting (the first worker to come leads
 * and waits for the lock; it takes the group once it has it), checks that
 * none has been answered meanwhile, then lets them go. */
static void
run_group(struct store_fixture *f, struct poster *p, size_t n)
{
	struct post_group *grp = store_post_group_new();
	int answered = 0;
	pthread_t t[8];
	assert_true(n <= 8);
	assert_int_equal(sqlite3_exec(f->st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	for (size_t i = 0; i < n; i++) {
		p[i].path = f->path;
		p[i].grp = grp;
		p[i].answered = &answered;
		assert_int_equal(pthread_create(&t[i], NULL, poster_main, &p[i]), 0);
	}
	struct post_group_stats s;
	for (int waited = 0;; waited++) {
		store_post_group_stats(grp, &s);
		if (s.waiting == n)
			break;
		assert_true(waited < 5000);	/* 5 s */
		sleep_ms(1);
	}
	/* Nothing is answered while the lock is held: nothing is committed. */
	sleep_ms(20);
	assert_int_equal(__atomic_load_n(&answered, __ATOMIC_SEQ_CST), 0);
	assert_int_equal(s.groups, 0);
	assert_int_equal(sqlite3_exec(f->st->db, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	store_post_group_stats(grp, &s);
	/* One transaction held them all. */
	assert_int_equal(s.groups, 1);
	assert_int_equal(s.posts, n);
	assert_int_equal(s.largest, n);
	assert_int_equal(s.waiting, 0);
	store_post_group_free(grp);
}

static struct poster
poster(const char *body, const unsigned char *hash, int64_t parent)
{
	return (struct poster){
		.c = { .article = (char *)"a", .parent = parent, .name = (char *)"n",
		    .email = (char *)"", .body = (char *)body, .status = COMMENT_PENDING,
		    .reason = (char *)"" },
		.g = { .addr_group = "203.0.113.0/24", .body_hash = hash,
		    .duplicate_window = 600 },
		.result = STORE_ERROR,
	};
}

/* Two identical posts of one group: one stored, one a duplicate. A reply
 * to a comment that is not there fails alone; the others are stored, and
 * each answer came after the commit. */
static void
group_duplicate_and_failure(void **state)
{
	struct store_fixture *f = *state;
	struct poster p[4] = {
		poster("same", hash_same, 0),
		poster("same", hash_same, 0),
		poster("a reply to nothing", hash_other, 999999),
		poster("something else", hash_third, 0),
	};
	run_group(f, p, 4);
	int stored = 0, duplicates = 0;
	for (int i = 0; i < 2; i++) {
		assert_int_equal(p[i].result, STORE_OK);
		if (p[i].verdict == POST_STORED) {
			stored++;
			assert_true(p[i].visible);
		} else {
			assert_int_equal(p[i].verdict, POST_DUPLICATE);
			assert_int_equal(p[i].c.id, 0);
			duplicates++;
		}
	}
	assert_int_equal(stored, 1);
	assert_int_equal(duplicates, 1);
	assert_int_equal(p[2].result, STORE_CONFLICT);
	assert_int_equal(p[2].c.id, 0);
	assert_int_equal(p[3].result, STORE_OK);
	assert_int_equal(p[3].verdict, POST_STORED);
	assert_true(p[3].c.id > 0);
	assert_true(p[3].visible);
	assert_int_equal(count_rows(f), 2);
}

/* A post that fails after its row was inserted (its key taken by a
 * comment of another article, a damaged row) is rolled back to its own
 * savepoint: its row is gone, the others of the group stay stored. */
static void
group_failure_after_insert(void **state)
{
	struct store_fixture *f = *state;
	static const unsigned char post_key[STORE_POST_KEY_BYTES] = "a damaged key..";
	struct comment elsewhere = { .article = (char *)"b", .name = (char *)"n",
	    .email = (char *)"", .body = (char *)"on b", .status = COMMENT_APPROVED,
	    .reason = (char *)"" };
	assert_int_equal(store_insert_comment(f->st, &elsewhere, T0), STORE_OK);
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_prepare_v2(f->st->db, "INSERT INTO post_keys (key, comment_id,"
	    " created) VALUES (?1, ?2, ?3)", -1, &s, NULL), SQLITE_OK);
	sqlite3_bind_blob(s, 1, post_key, STORE_POST_KEY_BYTES, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, elsewhere.id);
	sqlite3_bind_int64(s, 3, T0);
	assert_int_equal(sqlite3_step(s), SQLITE_DONE);
	sqlite3_finalize(s);
	struct poster p[3] = {
		poster("first", hash_same, 0),
		poster("the failing one", hash_other, 0),
		poster("third", hash_third, 0),
	};
	p[1].g.post_key = post_key;
	p[1].g.post_key_keep = 3600;
	run_group(f, p, 3);
	assert_int_equal(p[1].result, STORE_ERROR);
	assert_int_equal(p[1].c.id, 0);
	for (int i = 0; i < 3; i += 2) {
		assert_int_equal(p[i].result, STORE_OK);
		assert_int_equal(p[i].verdict, POST_STORED);
		assert_true(p[i].visible);
	}
	assert_int_equal(count_rows(f), 3);
	assert_int_equal(sqlite3_prepare_v2(f->st->db,
	    "SELECT count(*) FROM comments WHERE body = 'the failing one'", -1, &s, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(s, 0), 0);
	sqlite3_finalize(s);
}

/* A limit of two posts a minute: a group of four from one address keeps
 * two and refuses two, as four posts one after the other would. */
static void
group_rate_limit(void **state)
{
	struct store_fixture *f = *state;
	struct poster p[4] = {
		poster("one", hash_same, 0),
		poster("two", hash_other, 0),
		poster("three", hash_third, 0),
		poster("four", hash_fourth, 0),
	};
	for (int i = 0; i < 4; i++)
		p[i].g.per_minute = 2;
	run_group(f, p, 4);
	int stored = 0, limited = 0;
	for (int i = 0; i < 4; i++) {
		assert_int_equal(p[i].result, STORE_OK);
		if (p[i].verdict == POST_STORED) {
			assert_true(p[i].visible);
			stored++;
		} else {
			assert_int_equal(p[i].verdict, POST_LIMIT_MINUTE);
			limited++;
		}
	}
	assert_int_equal(stored, 2);
	assert_int_equal(limited, 2);
	assert_int_equal(count_rows(f), 2);
}

/* The same form sent twice in one group (a retried request): the second
 * is answered with the first's comment, stored once. */
static void
group_repeat(void **state)
{
	struct store_fixture *f = *state;
	static const unsigned char post_key[STORE_POST_KEY_BYTES] = "one form, twice";
	struct poster p[2] = { poster("again", hash_same, 0), poster("again", hash_same, 0) };
	for (int i = 0; i < 2; i++) {
		p[i].g.post_key = post_key;
		p[i].g.post_key_keep = 3600;
	}
	run_group(f, p, 2);
	assert_int_equal(p[0].result, STORE_OK);
	assert_int_equal(p[1].result, STORE_OK);
	assert_true(p[0].verdict == POST_REPEAT || p[1].verdict == POST_REPEAT);
	assert_true(p[0].verdict == POST_STORED || p[1].verdict == POST_STORED);
	assert_int_equal(p[0].c.id, p[1].c.id);
	assert_int_equal(count_rows(f), 1);
}

/* Many workers posting distinct comments as fast as they can: every one
 * stored once, under its own id. */
struct storm {
	const char *path;
	struct post_group *grp;
	int worker;
	int stored;
	int64_t ids[50];
};

static void *
storm_main(void *arg)
{
	struct storm *s = arg;
	struct store *st;
	char err[256];
	if (store_open(s->path, 10000, &st, err, sizeof(err)) != STORE_OK)
		return NULL;
	store_join_post_group(st, s->grp);
	for (int i = 0; i < 50; i++) {
		char body[64];
		unsigned char hash[STORE_BODY_HASH_BYTES] = { 0 };
		snprintf(body, sizeof(body), "worker %d post %d", s->worker, i);
		snprintf((char *)hash, sizeof(hash), "%d.%d", s->worker, i);
		struct comment c = { .article = (char *)"a", .name = (char *)"n",
		    .email = (char *)"", .body = body, .status = COMMENT_PENDING,
		    .reason = (char *)"" };
		struct post_guard g = { .addr_group = "198.51.100.0/24", .body_hash = hash,
		    .duplicate_window = 600 };
		enum post_verdict v;
		int retry;
		if (store_post_comment(st, &c, &g, T0, &v, &retry) == STORE_OK &&
		    v == POST_STORED && c.id > 0)
			s->ids[s->stored++] = c.id;
	}
	store_close(st);
	return NULL;
}

static void
group_storm(void **state)
{
	struct store_fixture *f = *state;
	struct post_group *grp = store_post_group_new();
	struct storm s[8];
	pthread_t t[8];
	for (int i = 0; i < 8; i++) {
		s[i] = (struct storm){ .path = f->path, .grp = grp, .worker = i };
		assert_int_equal(pthread_create(&t[i], NULL, storm_main, &s[i]), 0);
	}
	for (int i = 0; i < 8; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	int64_t all[400];
	size_t n = 0;
	for (int i = 0; i < 8; i++) {
		assert_int_equal(s[i].stored, 50);
		for (int k = 0; k < 50; k++)
			all[n++] = s[i].ids[k];
	}
	for (size_t i = 0; i < n; i++)
		for (size_t k = i + 1; k < n; k++)
			assert_true(all[i] != all[k]);
	assert_int_equal(count_rows(f), 400);
	struct post_group_stats st;
	store_post_group_stats(grp, &st);
	assert_int_equal(st.posts, 400);
	assert_true(st.groups >= 1 && st.groups <= 400);
	assert_true(st.largest >= 1 && st.largest <= 8);
	store_post_group_free(grp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(group_duplicate_and_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(group_failure_after_insert, setup, teardown),
		cmocka_unit_test_setup_teardown(group_rate_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(group_repeat, setup, teardown),
		cmocka_unit_test_setup_teardown(group_storm, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
