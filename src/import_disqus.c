/* import_disqus.c — a Disqus XML export (<disqus xmlns="http://disqus.com"
 * xmlns:dsq="http://disqus.com/disqus-internals">) as import records.
 *
 * <thread dsq:id="T"> elements name the threads: <link> (the page) and
 * <id> (the site's own identifier, often empty: <id/>). <post dsq:id="P">
 * elements are the comments: <message> (HTML), <createdAt>, <isDeleted>,
 * <isSpam>, <isApproved> when present, <author> with <name>, <email>,
 * <username>, <ipAddress>, <thread dsq:id="T"/> and <parent dsq:id="Q"/>.
 * Posts and threads are identified by their dsq:id attributes, never by
 * <id>, so that empty ids lose nothing. Threads come before the posts in
 * Disqus's exports; a post met before its thread is held back, and once
 * the whole file is read, a second pass hands over those posts alone, now
 * that their threads are known (a post whose thread is nowhere is handed
 * over with the thread's dsq:id alone). The table of threads (dsq:id →
 * link, identifier, and how many posts came before it), a hash table, is
 * the only memory that grows with the file. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "import.h"
#include "import_xml.h"
#include "locale.h"

#define DSQ_NS "http://disqus.com/disqus-internals"
#define DISQUS_NS "http://disqus.com"

/* Threads kept (their links and identifiers); a bigger export is refused. */
#define MAX_THREADS 2000000

struct thread {
	const char *dsq_id, *link, *ident;
	uint64_t after;		/* posts read before the thread was */
};

enum field {
	F_MESSAGE, F_CREATED, F_DELETED, F_SPAM, F_APPROVED, F_NAME, F_EMAIL, F_USERNAME, F_IP,
	F_THREAD, F_PARENT, F_ID, F_LINK, F__MAX
};

struct disqus {
	struct import_xml x;
	struct arena *a;	/* the threads */
	struct thread **slots;	/* open addressing by dsq:id */
	size_t nthreads, cap;
	uint64_t posts;		/* posts read so far in this pass */
	uint64_t held;		/* posts met before their thread (first pass) */
	bool second;		/* the second pass: only the held posts */
	struct buf f[F__MAX];
	struct buf dsq_id;
};

static void
disqus_free(struct disqus *d)
{
	import_xml_close(&d->x);
	for (int i = 0; i < F__MAX; i++)
		buf_free(&d->f[i]);
	buf_free(&d->dsq_id);
	free(d->slots);
	arena_free(d->a);
}

static bool
truth(const char *v)
{
	return strcmp(v, "true") == 0 || strcmp(v, "1") == 0;
}

static uint64_t
hash_id(const char *s)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */
	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* The slot of dsq_id: its thread, or the empty slot it would take. */
static struct thread **
thread_slot(struct thread **slots, size_t cap, const char *dsq_id)
{
	size_t i = (size_t)hash_id(dsq_id) & (cap - 1);
	while (slots[i] != NULL && strcmp(slots[i]->dsq_id, dsq_id) != 0)
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static const struct thread *
find_thread(struct disqus *d, const char *dsq_id)
{
	if (d->cap == 0)
		return NULL;
	return *thread_slot(d->slots, d->cap, dsq_id);
}

/* Room for one more thread (at most half full); false: out of memory. */
static bool
thread_room(struct disqus *d)
{
	if ((d->nthreads + 1) * 2 <= d->cap)
		return true;
	size_t cap = d->cap ? d->cap * 2 : 256;
	struct thread **slots = calloc(cap, sizeof(*slots));
	if (slots == NULL)
		return false;
	for (size_t i = 0; i < d->cap; i++)
		if (d->slots[i] != NULL)
			*thread_slot(slots, cap, d->slots[i]->dsq_id) = d->slots[i];
	free(d->slots);
	d->slots = slots;
	d->cap = cap;
	return true;
}

/* The fields of the element the reader is at (a <thread> or <post>),
 * read up to its end: child text and the dsq:id of <thread>/<parent>
 * children; <author>'s children are read as fields too. */
static int
fields(struct disqus *d)
{
	for (int i = 0; i < F__MAX; i++)
		buf_reset(&d->f[i]);
	struct import_xml *x = &d->x;
	int depth = x->depth, rc;
	if (x->empty)
		return 0;
	static const char *const names[F__MAX] = {
		"message", "createdAt", "isDeleted", "isSpam", "isApproved", "name", "email",
		"username", "ipAddress", "thread", "parent", "id", "link",
	};
	while ((rc = import_xml_next(x)) > 0) {
		if (x->type == IMPORT_XML_END && x->depth == depth)
			return 0;
		if (x->type != IMPORT_XML_START || strcmp(x->ns, DISQUS_NS) != 0)
			continue;
		bool author = x->depth == depth + 2;	/* <author>'s children */
		if (x->depth != depth + 1 && !author)
			continue;
		for (int i = 0; i < F__MAX; i++) {
			if (strcmp(x->name, names[i]) != 0)
				continue;
			if (author && i != F_NAME && i != F_EMAIL && i != F_USERNAME)
				break;
			if (!author && (i == F_NAME || i == F_EMAIL || i == F_USERNAME))
				break;
			if (i == F_THREAD || i == F_PARENT) {
				import_xml_attr(x, "id", DSQ_NS, &d->f[i]);
				break;
			}
			if (import_xml_text(x, &d->f[i]) != 0)
				return -1;
			break;
		}
	}
	if (rc == 0)
		snprintf(x->err, x->errlen, "the document ends inside a <%s>",
		    depth == 1 ? "post or thread" : "element");
	return -1;
}

static int
thread(struct disqus *d)
{
	struct import_xml *x = &d->x;
	import_xml_attr(x, "id", DSQ_NS, &d->dsq_id);
	if (fields(d) != 0)
		return -1;
	const char *id = import_field(&d->dsq_id);
	if (id[0] == '\0')
		return 0;	/* no dsq:id: no post can name it */
	if (d->second || find_thread(d, id) != NULL)
		return 0;	/* known: the first of the same dsq:id counts */
	if (d->nthreads == MAX_THREADS) {
		snprintf(x->err, x->errlen, "more than %d threads", MAX_THREADS);
		return -1;
	}
	if (!thread_room(d)) {
		snprintf(x->err, x->errlen, "out of memory");
		return -1;
	}
	struct thread *t = arena_alloc(d->a, sizeof(*t));
	*t = (struct thread){
		arena_strdup(d->a, id), arena_strdup(d->a, import_field(&d->f[F_LINK])),
		arena_strdup(d->a, import_field(&d->f[F_ID])), d->posts,
	};
	*thread_slot(d->slots, d->cap, id) = t;
	d->nthreads++;
	return 0;
}

static int
post(struct disqus *d)
{
	struct import_xml *x = &d->x;
	import_xml_attr(x, "id", DSQ_NS, &d->dsq_id);
	if (fields(d) != 0)
		return -1;
	struct import_record r = { 0 };
	r.id = import_field(&d->dsq_id);
	r.parent = import_field(&d->f[F_PARENT]);
	r.thread_id = import_field(&d->f[F_THREAD]);
	const struct thread *t = r.thread_id[0] ? find_thread(d, r.thread_id) : NULL;
	uint64_t seq = d->posts++;
	/* First pass: a post before its thread waits for the second. Second
	 * pass: only those (their thread came later, or never). */
	bool early = r.thread_id[0] != '\0' && (t == NULL || t->after > seq);
	if (!d->second && early) {
		d->held++;
		return 0;
	}
	if (d->second && !early)
		return 0;
	if (t != NULL) {
		r.thread_url = t->link;
		r.thread_article = t->ident;
	}
	const char *name = import_field(&d->f[F_NAME]);
	r.name = name[0] != '\0' ? name : import_field(&d->f[F_USERNAME]);
	r.email = import_field(&d->f[F_EMAIL]);
	r.remote_addr = import_field(&d->f[F_IP]);
	const char *created = import_field(&d->f[F_CREATED]);
	if (locale_parse_iso8601(created, strlen(created), ISO8601_IMPORT, &r.created) != 0)
		r.created = 0;
	r.body = d->f[F_MESSAGE].data != NULL ? d->f[F_MESSAGE].data : "";
	r.body_html = true;
	if (truth(import_field(&d->f[F_DELETED])))
		r.status = COMMENT_DELETED;
	else if (truth(import_field(&d->f[F_SPAM])))
		r.status = COMMENT_SPAM;
	else if (strcmp(import_field(&d->f[F_APPROVED]), "false") == 0)
		r.status = COMMENT_PENDING;
	else
		r.status = COMMENT_APPROVED;
	return x->sink->record(x->sink->arg, &r);
}

static int
walk(struct disqus *d)
{
	struct import_xml *x = &d->x;
	int rc = import_xml_next(x);
	if (rc <= 0)
		return -1;
	if (x->type != IMPORT_XML_START || strcmp(x->name, "disqus") != 0 ||
	    strcmp(x->ns, DISQUS_NS) != 0) {
		snprintf(x->err, x->errlen, "not a Disqus export: the document is <%s>, not "
		    "<disqus xmlns=\"" DISQUS_NS "\">", x->name);
		return -1;
	}
	while ((rc = import_xml_next(x)) > 0) {
		if (x->type != IMPORT_XML_START || x->depth != 1 || strcmp(x->ns, DISQUS_NS) != 0)
			continue;
		int r = 0;
		if (strcmp(x->name, "thread") == 0)
			r = thread(d);
		else if (strcmp(x->name, "post") == 0)
			r = post(d);
		if (r != 0)
			return r;
	}
	return rc;
}

/* The second pass over the same input, for the posts held back. */
static int
again(struct disqus *d, const char *path, const char *data, size_t len)
{
	const struct import_sink *sink = d->x.sink;
	char *err = d->x.err;
	size_t errlen = d->x.errlen;
	import_xml_close(&d->x);
	d->second = true;
	d->posts = 0;
	int rc = path != NULL ? import_xml_open_file(&d->x, path, NULL, err, errlen) :
	    import_xml_open_memory(&d->x, data, len, NULL, err, errlen);
	d->x.sink = sink;	/* records, but no second progress */
	d->x.quiet = true;
	return rc != 0 ? rc : walk(d);
}

static int
run(struct disqus *d, const char *path, const char *data, size_t len)
{
	int rc = walk(d);
	if (rc == 0 && d->held > 0)
		rc = again(d, path, data, len);
	if (rc < 0 && d->x.err[0] == '\0')
		snprintf(d->x.err, d->x.errlen, "the export could not be read");
	disqus_free(d);
	return rc;
}

int
import_disqus_read(const char *path, const struct import_sink *sink, char *err, size_t errlen)
{
	struct disqus d = { .a = arena_new() };
	if (import_xml_open_file(&d.x, path, sink, err, errlen) != 0) {
		disqus_free(&d);
		return -1;
	}
	return run(&d, path, NULL, 0);
}

int
import_disqus_memory(const char *data, size_t len, const struct import_sink *sink,
    char *err, size_t errlen)
{
	struct disqus d = { .a = arena_new() };
	if (import_xml_open_memory(&d.x, data, len, sink, err, errlen) != 0) {
		disqus_free(&d);
		return -1;
	}
	return run(&d, NULL, data, len);
}
