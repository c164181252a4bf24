/* import_remark42.c — a Remark42 backup (its own format, as written by
 * its export and its daily backups) as import records.
 *
 * JSON Lines: the first line is the backup's meta, {"version":1,
 * "users":[…],"posts":[…]}; every other line one comment: {"id", "pid"
 * (the parent's id, "" at the top), "text" (HTML), "orig" (the markdown
 * typed), "user":{"name","id","ip",…,"block"}, "locator":{"site","url"},
 * "time" (RFC 3339 with nanoseconds), "delete", "imported", "title", …}.
 * A deleted comment keeps its place as deleted; a comment of a blocked
 * user is rejected (Remark42 hides it); any other is approved (Remark42
 * publishes at once). Remark42 keeps no e-mail address with a comment,
 * and its "ip" is a hash unless the site asked otherwise: the framework
 * keeps it only when it is an address. Backups are written gzipped: such
 * a file is refused with a word on how to open it. */
#include <stdio.h>
#include <string.h>

#include "import.h"
#include "jsonl.h"

static int
is_gzip(const char *path)
{
	unsigned char magic[2] = { 0, 0 };
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return 0;
	size_t n = fread(magic, 1, 2, f);
	fclose(f);
	return n == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
}

/* One line as a record; the meta line and lines without an id are
 * handed over too, for the framework to count. */
static void
record_of(json_t *line, struct import_record *r)
{
	memset(r, 0, sizeof(*r));
	const json_t *user = json_object_get(line, "user");
	const json_t *loc = json_object_get(line, "locator");
	r->id = jsonl_str(line, "id");
	r->parent = jsonl_str(line, "pid");
	r->thread_url = jsonl_str(loc, "url");
	r->thread_id = r->thread_url;
	r->name = jsonl_str(user, "name");
	r->remote_addr = jsonl_str(user, "ip");
	r->created = jsonl_time(line, "time");
	r->body = jsonl_str(line, "text");
	r->body_html = true;
	if (r->body == NULL || r->body[0] == '\0') {
		r->body = jsonl_str(line, "orig");
		r->body_html = false;
	}
	if (jsonl_true(line, "delete"))
		r->status = COMMENT_DELETED;
	else if (jsonl_true(user, "block"))
		r->status = COMMENT_REJECTED;
	else
		r->status = COMMENT_APPROVED;
}

static int
read_lines(struct jsonl *j, const struct import_sink *sink, char *err, size_t errlen)
{
	json_t *line;
	int rc;
	bool first = true;
	while ((rc = jsonl_next(j, &line, err, errlen)) == 1) {
		if (first && json_object_get(line, "id") == NULL &&
		    json_object_get(line, "version") != NULL) {
			/* the meta line */
			first = false;
			json_decref(line);
			continue;
		}
		first = false;
		struct import_record r;
		record_of(line, &r);
		int stop = sink->record(sink->arg, &r);
		json_decref(line);
		if (stop != 0)
			return stop;
		if (sink->position != NULL)
			sink->position(sink->arg, jsonl_done(j), jsonl_total(j));
	}
	return rc < 0 ? -1 : 0;
}

int
import_remark42_read(const char *path, const struct import_sink *sink, char *err,
    size_t errlen)
{
	if (is_gzip(path)) {
		snprintf(err, errlen, "%s is compressed (Remark42 writes its backups with gzip): "
		    "gunzip it first", path);
		return -1;
	}
	struct jsonl *j = jsonl_open(path, 0, err, errlen);
	if (j == NULL)
		return -1;
	int rc = read_lines(j, sink, err, errlen);
	jsonl_close(j);
	return rc;
}

int
import_remark42_memory(const char *data, size_t len, const struct import_sink *sink,
    char *err, size_t errlen)
{
	struct jsonl *j = jsonl_memory(data, len, 0);
	int rc = read_lines(j, sink, err, errlen);
	jsonl_close(j);
	return rc;
}
