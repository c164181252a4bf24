/* fuzz_wxr.c — the wxr reader (import.h) and the import core behind it,
 * as a dry run without a database.
 *
 * What must hold, for any bytes:
 *  - the reader returns 0 (read to the end) or -1 with a message, never
 *    anything else (the sink never stops it);
 *  - every record it hands over has its strings (possibly empty), a body,
 *    and a status that is known or flagged unknown;
 *  - the core accounts for every record: added + skipped = read, and
 *    nothing is "already there" without a database;
 *  - no leak, no read past the input (ASan), whatever the entities,
 *    DOCTYPEs, CDATA and encodings in it. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "import.h"
#include "store_audit.h"

static const struct import_format fmt = { "wxr", "wxr", NULL, "fuzz" };

struct counter {
	struct import_sink core;
	int64_t records;
};

static int
count(void *arg, const struct import_record *r)
{
	struct counter *c = arg;
	FUZZ_CHECK(r->body != NULL && r->id != NULL);
	FUZZ_CHECK(r->status_unknown || (unsigned)r->status < COMMENT_STATUS__MAX);
	c->records++;
	return c->core.record(c->core.arg, r);
}

static void
position(void *arg, uint64_t done, uint64_t total)
{
	struct counter *c = arg;
	FUZZ_CHECK(done <= total);
	c->core.position(c->core.arg, done, total);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct actor who = { 0, "fuzz", "" };
	struct import_options o = {
		.format = &fmt, .file = "fuzz", .dry_run = true, .unknown_status = -1,
		.article_url = "https://www.example.ir/news/{article}", .who = &who, .now = 1,
		.batch = 3,
	};
	struct import *imp = import_new(NULL, &o);
	struct counter c = { 0 };
	import_sink_init(imp, &c.core, NULL, NULL);
	struct import_sink sink = { count, position, &c };
	char err[512] = "";
	int rc = import_wxr_memory((const char *)data, size, &sink, err, sizeof(err));
	FUZZ_CHECK(rc == 0 || rc == -1);
	FUZZ_CHECK(rc == 0 || err[0] != '\0');
	struct import_report rep;
	FUZZ_CHECK(import_finish(imp, &rep) == STORE_OK);
	FUZZ_CHECK(rep.records == c.records);
	FUZZ_CHECK(rep.present == 0);
	FUZZ_CHECK(rep.added_total + rep.skipped_total == rep.records);
	import_free(imp);
	return 0;
}
