/* queue_bench.c — how long the moderation queue takes on a big database.
 *
 * Built and run by bench/queue.sh against build/run/libnazar.a; not part
 * of nazar. For each size N it creates DIR/queue-N.db with nazar's own
 * schema and N generated comments (one transaction, a recursive CTE, the
 * search index filled by nazar's triggers), then times store_queue and
 * store_status_counts and the overview page's store_overview_read (its
 * "now" the newest comment, so that its 30 days and its week hold what a
 * site of that size gets in that time), each scenario REPS times, and prints the median and
 * the 95th percentile in milliseconds, and the ratio of the largest size
 * to the smallest.
 *
 *   queue_bench [-r REPS] [-t SECONDS] [-x SQL] [-p] [-q] [-m] DIR N...
 *
 * A scenario stops early, after at least 10 runs, once it has taken
 * SECONDS (15); the figures then rest on fewer runs, marked with '*'.
 * -x runs SQL on every database before timing (e.g. an index to try);
 * -p prints the query plan of every queue statement. -q times only the
 * queue's pages and searches (not the counts and the overview); -m prints,
 * instead of the table, one line a scenario and size for scripts (bench/run):
 * "N<TAB>label<TAB>median<TAB>p95<TAB>p99<TAB>cpu median<TAB>found<TAB>runs",
 * times in ms. The CPU time is the calling thread's (CLOCK_THREAD_CPUTIME_ID):
 * on a shared machine it moves far less than the wall clock. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "arena.h"
#include "log.h"
#include "store.h"
#include "store_db.h"
#include "store_moderation.h"
#include "store_overview.h"

#define MAX_SIZES 4
#define T0 1700000000

/* The generated data. Words come from a pool of 64 so that bodies look
 * like text to the index; "کتابخانه" is in every third comment (a common
 * word), "زعفرانزار" in one of every 100 000 plus one (a rare word). One in
 * ten comments replies to the one before. Statuses: 5 % pending, 5 % spam,
 * about 4 % rejected, 1 % deleted, the rest approved. Comments come to an
 * article in runs of 50, over 2000 articles (500 each at a million). */
static const char generate_sql[] =
	"CREATE TEMP TABLE words (k INTEGER PRIMARY KEY, w TEXT NOT NULL);"
	"INSERT INTO temp.words (k, w) SELECT key, value FROM json_each('["
	"\"خبر\",\"دولت\",\"مجلس\",\"قیمت\",\"بازار\",\"تهران\",\"مردم\",\"اقتصاد\","
	"\"فوتبال\",\"بازی\",\"تیم\",\"مربی\",\"گزارش\",\"نویسنده\",\"خوب\",\"بد\","
	"\"واقعا\",\"ممنون\",\"سلام\",\"چرا\",\"کی\",\"هیچ\",\"همه\",\"باید\","
	"\"نمی‌دانم\",\"می‌خواهم\",\"دلار\",\"طلا\",\"خودرو\",\"مسکن\",\"اجاره\",\"حقوق\","
	"\"کارگر\",\"معلم\",\"دانشگاه\",\"مدرسه\",\"کنکور\",\"سینما\",\"فیلم\",\"کتاب\","
	"\"هوا\",\"آلودگی\",\"باران\",\"آب\",\"برق\",\"گاز\",\"اینترنت\",\"فیلترینگ\","
	"\"news\",\"great\",\"article\",\"thanks\",\"wrong\",\"price\",\"people\",\"government\","
	"\"۱۴۰۳\",\"۲۰۲۴\",\"هزار\",\"میلیون\",\"تومان\",\"درصد\",\"سال\",\"ماه\"]');"
	"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %lld)"
	" INSERT INTO comments (id, article, parent, name, email, body, status, created,"
	"  updated, remote_addr, user_agent)"
	" SELECT i, 'news-' || (i / 50 %% 2000), CASE WHEN i %% 10 = 0 THEN i - 1 END,"
	"  'خواننده ' || (i %% 5000),"
	"  CASE WHEN i %% 3 = 0 THEN 'reader' || (i %% 5000) || '@example.ir' ELSE '' END,"
	"  (SELECT w FROM temp.words WHERE k = (i * 2654435761) %% 1000003 %% 64) || ' ' ||"
	"  (SELECT w FROM temp.words WHERE k = (i * 40503 + 7) %% 999983 %% 64) || ' ' ||"
	"  (SELECT w FROM temp.words WHERE k = (i * 69069 + 1) %% 999979 %% 64) || ' و ' ||"
	"  (SELECT w FROM temp.words WHERE k = (i * 1103515245 + 12345) %% 999961 %% 64) || ' ' ||"
	"  (SELECT w FROM temp.words WHERE k = (i * 22695477 + 1) %% 999959 %% 64) || '. ' ||"
	"  (SELECT w FROM temp.words WHERE k = (i * 134775813 + 1) %% 999953 %% 64) || ' ' ||"
	"  (SELECT w FROM temp.words WHERE k = (i * 214013 + 2531011) %% 999931 %% 64) || ' ' ||"
	"  (SELECT w FROM temp.words WHERE k = (i * 16807) %% 999907 %% 64) || ' نظر ' || i ||"
	"  CASE WHEN i %% 3 = 0 THEN ' کتابخانه' ELSE '' END ||"
	"  CASE WHEN i %% 100000 = 7 THEN ' زعفرانزار' ELSE '' END,"
	"  CASE WHEN i %% 20 = 0 THEN 'pending' WHEN i %% 20 = 1 THEN 'spam'"
	"   WHEN i %% 25 = 2 THEN 'rejected' WHEN i %% 100 = 3 THEN 'deleted'"
	"   ELSE 'approved' END,"
	"  %d + i * 30, %d + i * 30 + (i %% 97) * 60, '192.0.2.' || (i %% 250), 'bench'"
	" FROM n;"
	"DROP TABLE temp.words;";

struct scenario {
	const char *label;
	enum comment_status status;
	const char *article;
	const char *q;
	int page;
	int counts;		/* 1: store_status_counts (article as given) */
	int overview;		/* 1: store_overview_read */
	int extra;		/* 1: not the queue's pages and searches (-q leaves it out) */
};

/* The newest comment's time in the database being timed (T0 + N × 30). */
static time_t bench_now;

static const struct scenario scenarios[] = {
	{ "pending, page 1", COMMENT_PENDING, NULL, NULL, 1, 0, 0, 0 },
	{ "pending, page 100", COMMENT_PENDING, NULL, NULL, 100, 0, 0, 0 },
	{ "approved, page 1", COMMENT_APPROVED, NULL, NULL, 1, 0, 0, 0 },
	{ "approved, page 100", COMMENT_APPROVED, NULL, NULL, 100, 0, 0, 0 },
	{ "pending, one article", COMMENT_PENDING, "news-7", NULL, 1, 0, 0, 0 },
	{ "approved, one article", COMMENT_APPROVED, "news-7", NULL, 1, 0, 0, 0 },
	{ "search common word, pending", COMMENT_PENDING, NULL, "كتابخانه", 1, 0, 0, 0 },
	{ "search common word, approved", COMMENT_APPROVED, NULL, "کتاب‌خانه", 1, 0, 0, 0 },
	{ "search rare word, pending", COMMENT_PENDING, NULL, "زعفران‌زار", 1, 0, 0, 0 },
	{ "search rare word, approved", COMMENT_APPROVED, NULL, "زعفرانزار", 1, 0, 0, 0 },
	{ "search two words + prefix", COMMENT_APPROVED, NULL, "دولت مجلس قی", 1, 0, 0, 0 },
	/* The common word not last: matched as a whole word only. */
	{ "search common word + word", COMMENT_APPROVED, NULL, "کتابخانه خبر", 1, 0, 0, 0 },
	{ "search common word, page 20", COMMENT_APPROVED, NULL, "کتابخانه", 20, 0, 0, 0 },
	{ "search common word, deleted", COMMENT_DELETED, NULL, "کتابخانه", 1, 0, 0, 0 },
	{ "search common word, one article", COMMENT_APPROVED, "news-7", "کتابخانه", 1, 0, 0, 0 },
	{ "status counts", 0, NULL, NULL, 0, 1, 0, 1 },
	{ "status counts, one article", 0, "news-7", NULL, 0, 1, 0, 1 },
	{ "overview page", 0, NULL, NULL, 0, 0, 1, 1 },
};
#define NSCEN (sizeof(scenarios) / sizeof(scenarios[0]))

static double
clock_ms(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double
now_ms(void)
{
	return clock_ms(CLOCK_MONOTONIC);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int
run_once(struct store *st, const struct scenario *sc, long long *total)
{
	struct arena *a = arena_new();
	enum store_result r;
	if (sc->overview) {
		struct overview ov;
		r = store_overview_read(st, a, bench_now, 12600, &ov);
		*total = ov.busiest_count > 0 ? ov.busiest[0].comments : 0;
	} else if (sc->counts) {
		long long counts[COMMENT_STATUS__MAX];
		r = store_status_counts(st, sc->article, counts);
		*total = counts[COMMENT_PENDING];
	} else {
		struct queue_query qq = { .status = sc->status, .article = sc->article,
		    .q = sc->q, .page = sc->page, .per_page = 50 };
		struct queue_item *items;
		size_t n;
		bool more;
		r = store_queue(st, a, &qq, &items, &n, total, &more);
		if (r == STORE_OK && n == 0 && *total > (long long)(sc->page - 1) * 50)
			r = STORE_ERROR;
	}
	arena_free(a);
	return r == STORE_OK ? 0 : -1;
}

struct figures {
	double median, p95, p99, cpu;	/* cpu: the median of the CPU times */
	long long total;	/* what the call found: matches, or pending */
	int runs;
};

/* Times one scenario: a few runs to warm the cache, then up to reps
 * timed ones, fewer when budget_ms runs out (never fewer than 10). */
static int
measure(struct store *st, const struct scenario *sc, int reps, double budget_ms,
    struct figures *fig)
{
	double *t = calloc((size_t)reps, sizeof(*t)), *c = calloc((size_t)reps, sizeof(*c));
	if (t == NULL || c == NULL) {
		free(t);
		free(c);
		return -1;
	}
	for (int i = 0; i < 3; i++)
		if (run_once(st, sc, &fig->total) != 0) {
			free(t);
			free(c);
			return -1;
		}
	double start = now_ms();
	int n = 0;
	while (n < reps && (n < 10 || now_ms() - start < budget_ms)) {
		double c0 = clock_ms(CLOCK_THREAD_CPUTIME_ID), t0 = now_ms();
		if (run_once(st, sc, &fig->total) != 0) {
			free(t);
			free(c);
			return -1;
		}
		t[n] = now_ms() - t0;
		c[n++] = clock_ms(CLOCK_THREAD_CPUTIME_ID) - c0;
	}
	qsort(t, (size_t)n, sizeof(*t), cmp_double);
	qsort(c, (size_t)n, sizeof(*c), cmp_double);
	fig->median = t[n / 2];
	fig->p95 = t[(n * 95 + 99) / 100 - 1];
	fig->p99 = t[(n * 99 + 99) / 100 - 1];
	fig->cpu = c[n / 2];
	fig->runs = n;
	free(t);
	free(c);
	return 0;
}

/* What the figures were measured on: the schema and the indexes. */
static void
print_schema(struct store *st, long long n)
{
	sqlite3_stmt *s;
	printf("%lld comments: schema", n);
	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			printf(" %d", sqlite3_column_int(s, 0));
		sqlite3_finalize(s);
	}
	printf(", indexes on comments:");
	if (sqlite3_prepare_v2(st->db, "SELECT name FROM sqlite_schema WHERE type = 'index'"
	    " AND tbl_name = 'comments' AND sql IS NOT NULL ORDER BY name", -1, &s, NULL) ==
	    SQLITE_OK) {
		while (sqlite3_step(s) == SQLITE_ROW)
			printf(" %s", (const char *)sqlite3_column_text(s, 0));
		sqlite3_finalize(s);
	}
	printf("\n");
}

static void
print_plans(struct store *st)
{
	for (int i = 0; i < st->cached; i++) {
		const char *sql = st->cache[i].sql;
		if (strstr(sql, "FROM comments") == NULL)
			continue;
		char *q = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", sql);
		sqlite3_stmt *s;
		if (q != NULL && sqlite3_prepare_v2(st->db, q, -1, &s, NULL) == SQLITE_OK) {
			printf("plan: %s\n", sql);
			while (sqlite3_step(s) == SQLITE_ROW)
				printf("      %s\n", (const char *)sqlite3_column_text(s, 3));
			sqlite3_finalize(s);
		}
		sqlite3_free(q);
	}
}

static struct store *
open_db(const char *dir, long long n, const char *extra_sql)
{
	char path[4096], err[256];
	snprintf(path, sizeof(path), "%s/queue-%lld.db", dir, n);
	int existed = access(path, F_OK) == 0;
	struct store *st;
	int from;
	if (store_open(path, 5000, &st, err, sizeof(err)) != STORE_OK ||
	    store_migrate(st, &from, err, sizeof(err)) != STORE_OK) {
		fprintf(stderr, "queue_bench: %s\n", err);
		return NULL;
	}
	if (!existed) {
		double t0 = now_ms();
		char *sql = sqlite3_mprintf(generate_sql, n, T0, T0);
		char *msg = NULL;
		int rc = sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, &msg);
		if (rc == SQLITE_OK)
			rc = sqlite3_exec(st->db, sql, NULL, NULL, &msg);
		if (rc == SQLITE_OK)
			rc = sqlite3_exec(st->db, "COMMIT", NULL, NULL, &msg);
		sqlite3_free(sql);
		if (rc != SQLITE_OK) {
			fprintf(stderr, "queue_bench: generating %lld comments: %s\n", n,
			    msg ? msg : sqlite3_errstr(rc));
			sqlite3_free(msg);
			store_close(st);
			return NULL;
		}
		fprintf(stderr, "generated %lld comments in %.1f s\n", n,
		    (now_ms() - t0) / 1e3);
	}
	if (extra_sql != NULL) {
		char *msg = NULL;
		if (sqlite3_exec(st->db, extra_sql, NULL, NULL, &msg) != SQLITE_OK) {
			fprintf(stderr, "queue_bench: -x: %s\n", msg ? msg : "failed");
			sqlite3_free(msg);
			store_close(st);
			return NULL;
		}
	}
	return st;
}

int
main(int argc, char **argv)
{
	int reps = 200, plans = 0, quick = 0, machine = 0, opt;
	double budget = 15;
	const char *extra = NULL;
	while ((opt = getopt(argc, argv, "r:t:x:pqm")) != -1)
		switch (opt) {
		case 'r':
			reps = atoi(optarg);
			break;
		case 't':
			budget = atof(optarg);
			break;
		case 'x':
			extra = optarg;
			break;
		case 'p':
			plans = 1;
			break;
		case 'q':
			quick = 1;
			break;
		case 'm':
			machine = 1;
			break;
		default:
			goto usage;
		}
	if (reps < 1 || reps > 100000 || !(budget > 0 && budget <= 3600) ||
	    argc - optind < 2 || argc - optind > MAX_SIZES + 1)
		goto usage;
	log_set_level(LOG_LEVEL_WARN);
	const char *dir = argv[optind];
	int nsizes = argc - optind - 1;
	long long sizes[MAX_SIZES];
	static struct figures fig[MAX_SIZES][NSCEN];
	for (int k = 0; k < nsizes; k++) {
		char *end;
		sizes[k] = strtoll(argv[optind + 1 + k], &end, 10);
		if (*end != '\0' || sizes[k] < 1000 || sizes[k] > 100000000)
			goto usage;
	}
	for (int k = 0; k < nsizes; k++) {
		struct store *st = open_db(dir, sizes[k], extra);
		if (st == NULL)
			return 1;
		if (!machine)
			print_schema(st, sizes[k]);
		bench_now = (time_t)(T0 + sizes[k] * 30);
		for (size_t i = 0; i < NSCEN; i++) {
			if (quick && scenarios[i].extra)
				continue;
			if (measure(st, &scenarios[i], reps, budget * 1e3, &fig[k][i]) != 0) {
				fprintf(stderr, "queue_bench: %s failed\n", scenarios[i].label);
				store_close(st);
				return 1;
			}
			if (machine)
				printf("%lld\t%s\t%.3f\t%.3f\t%.3f\t%.3f\t%lld\t%d\n", sizes[k],
				    scenarios[i].label, fig[k][i].median, fig[k][i].p95,
				    fig[k][i].p99, fig[k][i].cpu, fig[k][i].total, fig[k][i].runs);
		}
		if (plans && k == nsizes - 1)
			print_plans(st);
		store_close(st);
	}
	if (machine)
		return 0;
	printf("\nmilliseconds per call, %d runs each ('*': fewer, the %.0f s budget ran out);"
	    "\ncpu: the median of the CPU times; found: the matches (the pending comments"
	    " for the counts)\n\n", reps, budget);
	printf("%-32s", "");
	for (int k = 0; k < nsizes; k++)
		printf(" | %-35lld", sizes[k]);
	printf(" | ratio\n%-32s", "scenario");
	for (int k = 0; k < nsizes; k++)
		printf(" | %7s %8s %8s %9s", "median", "p95", "cpu", "found");
	printf(" | median\n");
	for (size_t i = 0; i < NSCEN; i++) {
		if (quick && scenarios[i].extra)
			continue;
		printf("%-32s", scenarios[i].label);
		for (int k = 0; k < nsizes; k++) {
			const struct figures *g = &fig[k][i];
			printf(" | %7.3f %8.3f%c%8.3f %9lld", g->median, g->p95,
			    g->runs < reps ? '*' : ' ', g->cpu, g->total);
		}
		const struct figures *lo = &fig[0][i], *hi = &fig[nsizes - 1][i];
		printf(" | %6.1f\n", lo->median > 0 ? hi->median / lo->median : 0.0);
	}
	return 0;

usage:
	fprintf(stderr, "usage: queue_bench [-r REPS] [-t SECONDS] [-x SQL] [-p] [-q] [-m] DIR N...\n");
	return 2;
}
