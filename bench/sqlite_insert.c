/* sqlite_insert.c — the disk's floor for bench/run: single-row SQLite
 * transactions with nazar's pragmas (WAL, synchronous=FULL, BEGIN
 * IMMEDIATE), one writer, for a given time. Each transaction inserts one
 * comment-sized row (article, name, a 300-byte Persian body, a time) into
 * a table of its own, and commits: one flush per row, as nazar pays for
 * each comment. Before the clock starts, one transaction of about 6 MB
 * grows the write-ahead log past its checkpoint size, as a database in
 * service has it: a commit then writes into the log's existing space
 * (on ext4 a flush that also grows the file costs a journal commit more).
 * Not part of nazar.
 *
 *     sqlite_insert DB SECONDS
 *
 * Prints "inserts N per_second R p50_ms A p99_ms B". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#define MAX_SAMPLES 2000000

static double
now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int
exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "sqlite_insert: %s: %s\n", sql, err ? err : "?");
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: sqlite_insert DB SECONDS\n");
		return 2;
	}
	double seconds = atof(argv[2]);
	if (!(seconds > 0 && seconds <= 600)) {
		fprintf(stderr, "sqlite_insert: SECONDS must be in (0, 600]\n");
		return 2;
	}
	sqlite3 *db;
	if (sqlite3_open(argv[1], &db) != SQLITE_OK) {
		fprintf(stderr, "sqlite_insert: cannot open %s\n", argv[1]);
		return 1;
	}
	sqlite3_busy_timeout(db, 5000);
	if (exec(db, "PRAGMA journal_mode = WAL") || exec(db, "PRAGMA synchronous = FULL") ||
	    exec(db, "CREATE TABLE IF NOT EXISTS raw (id INTEGER PRIMARY KEY, article TEXT "
	    "NOT NULL, name TEXT NOT NULL, body TEXT NOT NULL, created INTEGER NOT NULL)"))
		return 1;
	sqlite3_stmt *begin, *ins, *commit;
	if (sqlite3_prepare_v2(db, "BEGIN IMMEDIATE", -1, &begin, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO raw (article, name, body, created) "
	    "VALUES (?1, ?2, ?3, ?4)", -1, &ins, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "COMMIT", -1, &commit, NULL) != SQLITE_OK) {
		fprintf(stderr, "sqlite_insert: %s\n", sqlite3_errmsg(db));
		return 1;
	}
	char body_warm[1024];
	static const char text[] = "نظر خواننده دربارهٔ کتابخانهٔ تازه. ساعت کار، فهرست "
	    "کتاب‌ها و برنامه‌های کودکان همه خوب است؛ فقط جای پارک کم است و باید فکری کرد. ";
	double *lat = NULL;
	if (exec(db, "BEGIN IMMEDIATE"))
		return 1;
	for (int i = 0; i < 12000; i++) {
		snprintf(body_warm, sizeof(body_warm), "%s%s%d", text, text, i);
		sqlite3_bind_text(ins, 1, "bench-warm-up", -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 2, "خواننده", -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 3, body_warm, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(ins, 4, (sqlite3_int64)time(NULL));
		if (sqlite3_step(ins) != SQLITE_DONE)
			goto fail;
		sqlite3_reset(ins);
	}
	if (exec(db, "COMMIT"))
		return 1;
	lat = malloc(MAX_SAMPLES * sizeof(*lat));
	if (lat == NULL)
		return 1;
	size_t n = 0;
	char body[512];
	double start = now_s(), end = start + seconds;
	for (;;) {
		double t0 = now_s();
		if (t0 >= end || n == MAX_SAMPLES)
			break;
		snprintf(body, sizeof(body), "%s%zu", text, n);
		if (sqlite3_step(begin) != SQLITE_DONE)
			goto fail;
		sqlite3_reset(begin);
		sqlite3_bind_text(ins, 1, "bench-raw", -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 2, "خواننده", -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 3, body, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(ins, 4, (sqlite3_int64)time(NULL));
		if (sqlite3_step(ins) != SQLITE_DONE)
			goto fail;
		sqlite3_reset(ins);
		if (sqlite3_step(commit) != SQLITE_DONE)
			goto fail;
		sqlite3_reset(commit);
		lat[n++] = now_s() - t0;
	}
	double took = now_s() - start;
	qsort(lat, n, sizeof(*lat), cmp_double);
	printf("inserts %zu per_second %.1f p50_ms %.3f p99_ms %.3f\n", n,
	    took > 0 ? (double)n / took : 0.0, n ? lat[n / 2] * 1e3 : 0.0,
	    n ? lat[(size_t)((double)n * 0.99)] * 1e3 : 0.0);
	free(lat);
	sqlite3_finalize(begin);
	sqlite3_finalize(ins);
	sqlite3_finalize(commit);
	sqlite3_close(db);
	return 0;
fail:
	fprintf(stderr, "sqlite_insert: %s\n", sqlite3_errmsg(db));
	free(lat);
	return 1;
}
