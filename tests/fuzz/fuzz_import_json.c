/* fuzz_import_json.c — the JSON import readers (import_remark42.c,
 * import_commento.c) on any bytes, the first choosing the reader.
 *
 * What must hold: the reader ends with 0 or -1 (with a message), never
 * more records than the input could hold; every record's status is one
 * nazar knows unless marked unknown; every string handed over is valid
 * UTF-8 without NUL (jansson's strings, as the core expects); a date is
 * never negative. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "import.h"
#include "utf8.h"

struct seen {
	size_t records;
};

static void
check_string(const char *s)
{
	if (s != NULL)
		FUZZ_CHECK(utf8_valid(s, strlen(s)));
}

static int
record(void *arg, const struct import_record *r)
{
	struct seen *s = arg;
	s->records++;
	FUZZ_CHECK(r->status_unknown || (unsigned)r->status < COMMENT_STATUS__MAX);
	FUZZ_CHECK(r->created >= 0);
	const char *const strings[] = { r->id, r->parent, r->thread_id, r->thread_url,
	    r->thread_article, r->name, r->email, r->remote_addr, r->user_agent, r->body };
	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
		check_string(strings[i]);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	struct seen s = { 0 };
	struct import_sink sink = { record, NULL, &s };
	char err[512] = "";
	const char *in = (const char *)data + 1;
	int rc = data[0] & 1 ? import_commento_memory(in, size - 1, &sink, err, sizeof(err)) :
	    import_remark42_memory(in, size - 1, &sink, err, sizeof(err));
	FUZZ_CHECK(rc == 0 || rc == -1);
	FUZZ_CHECK(rc == 0 || err[0] != '\0');
	/* Each record needs at least "{}" of its own. */
	FUZZ_CHECK(s.records <= size / 2);
	return 0;
}
