/* import_isso.c — an Isso database (comments.db) as import records
 * (store_isso.h reads the file). Isso's comment ids and thread ids are
 * numbers; a thread's uri is the page's path, which --map or the site's
 * article_url turns into an article. Modes: 1 accepted → approved, 2 in
 * moderation → pending, 4 deleted → deleted (Isso keeps a deleted
 * comment that has replies, with its text emptied); any other mode is of
 * unknown status (--status-of-unknown). The text is Markdown as typed,
 * kept as plain text. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "import.h"
#include "store_isso.h"

struct isso {
	const struct import_sink *sink;
};

static int
take(void *arg, const struct isso_comment *c, int64_t done, int64_t total)
{
	struct isso *x = arg;
	char id[24], parent[24], tid[24];
	struct import_record r;
	memset(&r, 0, sizeof(r));
	snprintf(id, sizeof(id), "%" PRId64, c->id);
	snprintf(parent, sizeof(parent), "%" PRId64, c->parent);
	snprintf(tid, sizeof(tid), "%" PRId64, c->tid);
	r.id = id;
	r.parent = c->parent > 0 ? parent : NULL;
	r.thread_id = tid;
	r.thread_url = c->uri;
	r.name = c->author != NULL && c->author[0] != '\0' ? c->author : "Anonymous";
	r.email = c->email;
	r.remote_addr = c->remote_addr;
	r.created = c->created >= 1 && c->created < 253402300800.0 ? (int64_t)c->created : 0;
	r.body = c->text;
	switch (c->mode) {
	case 1:
		r.status = COMMENT_APPROVED;
		break;
	case 2:
		r.status = COMMENT_PENDING;
		break;
	case 4:
		r.status = COMMENT_DELETED;
		break;
	default:
		r.status_unknown = true;
	}
	int stop = x->sink->record(x->sink->arg, &r);
	if (stop == 0 && x->sink->position != NULL)
		x->sink->position(x->sink->arg, (uint64_t)done, (uint64_t)total);
	return stop;
}

int
import_isso_read(const char *path, const struct import_sink *sink, char *err, size_t errlen)
{
	struct isso x = { sink };
	return store_isso_read(path, take, &x, err, errlen);
}
