/* import_commento.c — a Commento v1 export (its "Export data" JSON) as
 * import records.
 *
 * One JSON document: {"version":1, "comments":[…], "commenters":[…]}.
 * A comment: {"commentHex", "domain", "url" (the page's path; "path" is
 * read too), "commenterHex" ("anonymous" for a guest), "markdown" (as
 * typed), "html" (as shown), "parentHex" ("root" at the top), "score",
 * "state" ("approved", "unapproved", "flagged"), "creationDate" (RFC
 * 3339), "deleted"}. A commenter: {"commenterHex", "email", "name",
 * "link", "photo", "provider", "joinDate", "isModerator"}.
 *
 * The document is read twice, a member at a time (jsonl_document), so
 * that only the commenters are kept in memory: first the commenters,
 * wherever they stand, then the comments with their names and e-mail
 * addresses. States: approved → approved, unapproved → pending, flagged
 * (Commento's spam check) → spam, deleted → deleted whatever the state;
 * a comment without a state is of unknown status (--status-of-unknown). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"
#include "jsonl.h"

/* Commenters kept; a bigger export is refused. */
#define MAX_COMMENTERS 5000000

struct commento {
	const struct import_sink *sink;
	struct jsonl *j;
	json_t *commenters;	/* commenterHex → {"name", "email"} */
	bool version_seen;
	int64_t version;
	char *err;
	size_t errlen;
};

static int
take_commenter(void *arg, const char *key, int64_t index, json_t *v)
{
	struct commento *c = arg;
	if (strcmp(key, "version") == 0 && index < 0) {
		c->version_seen = true;
		c->version = json_is_integer(v) ? (int64_t)json_integer_value(v) : -1;
		return 0;
	}
	if (strcmp(key, "commenters") != 0 || index < 0)
		return 0;
	const char *hex = jsonl_str(v, "commenterHex");
	if (hex == NULL || hex[0] == '\0')
		return 0;
	if (json_object_size(c->commenters) >= MAX_COMMENTERS) {
		snprintf(c->err, c->errlen, "more than %d commenters", MAX_COMMENTERS);
		return -1;
	}
	json_t *who = json_object();
	const char *name = jsonl_str(v, "name"), *email = jsonl_str(v, "email");
	if (name != NULL)
		json_object_set_new(who, "name", json_stringn(name, strlen(name)));
	if (email != NULL)
		json_object_set_new(who, "email", json_stringn(email, strlen(email)));
	json_object_set_new(c->commenters, hex, who);
	return 0;
}

static void
status_of(const json_t *v, struct import_record *r)
{
	const char *state = jsonl_str(v, "state");
	if (jsonl_true(v, "deleted"))
		r->status = COMMENT_DELETED;
	else if (state == NULL || state[0] == '\0')
		r->status_unknown = true;
	else if (strcmp(state, "approved") == 0)
		r->status = COMMENT_APPROVED;
	else if (strcmp(state, "unapproved") == 0)
		r->status = COMMENT_PENDING;
	else if (strcmp(state, "flagged") == 0)
		r->status = COMMENT_SPAM;
	else
		r->status_unknown = true;
}

static int
take_comment(void *arg, const char *key, int64_t index, json_t *v)
{
	struct commento *c = arg;
	if (strcmp(key, "comments") != 0 || index < 0)
		return 0;
	struct import_record r;
	memset(&r, 0, sizeof(r));
	r.id = jsonl_str(v, "commentHex");
	const char *parent = jsonl_str(v, "parentHex");
	r.parent = parent != NULL && strcmp(parent, "root") != 0 ? parent : NULL;
	const char *domain = jsonl_str(v, "domain"), *path = jsonl_str(v, "url");
	if (path == NULL)
		path = jsonl_str(v, "path");
	char *url = NULL;
	if (domain != NULL && domain[0] != '\0' && path != NULL && path[0] == '/') {
		if (asprintf(&url, "https://%s%s", domain, path) < 0)
			url = NULL;
	}
	r.thread_url = url != NULL ? url : path;
	r.thread_id = path;
	const char *who = jsonl_str(v, "commenterHex");
	const json_t *person = who != NULL ? json_object_get(c->commenters, who) : NULL;
	r.name = jsonl_str(person, "name");
	r.email = jsonl_str(person, "email");
	if (r.name == NULL && who != NULL && strcmp(who, "anonymous") == 0)
		r.name = "Anonymous";
	r.created = jsonl_time(v, "creationDate");
	r.body = jsonl_str(v, "html");
	r.body_html = true;
	if (r.body == NULL || r.body[0] == '\0') {
		r.body = jsonl_str(v, "markdown");
		r.body_html = false;
	}
	status_of(v, &r);
	int stop = c->sink->record(c->sink->arg, &r);
	free(url);
	if (stop == 0 && c->sink->position != NULL)
		c->sink->position(c->sink->arg, jsonl_done(c->j), jsonl_total(c->j));
	return stop;
}

/* Both passes over two readers of the same bytes. */
static int
read_both(struct jsonl *first, struct jsonl *second, const struct import_sink *sink,
    char *err, size_t errlen)
{
	struct commento c = { .sink = sink, .commenters = json_object(), .err = err,
	    .errlen = errlen };
	err[0] = '\0';
	int rc = jsonl_document(first, take_commenter, &c, err, errlen);
	if (rc == 0 && (!c.version_seen || c.version != 1)) {
		snprintf(err, errlen, "not a Commento v1 export (\"version\": 1 is missing)");
		rc = -1;
	}
	if (rc == 0) {
		c.j = second;
		rc = jsonl_document(second, take_comment, &c, err, errlen);
	}
	json_decref(c.commenters);
	return rc;
}

int
import_commento_read(const char *path, const struct import_sink *sink, char *err,
    size_t errlen)
{
	struct jsonl *a = jsonl_open(path, 0, err, errlen);
	if (a == NULL)
		return -1;
	struct jsonl *b = jsonl_open(path, 0, err, errlen);
	int rc = b != NULL ? read_both(a, b, sink, err, errlen) : -1;
	jsonl_close(a);
	jsonl_close(b);
	return rc;
}

int
import_commento_memory(const char *data, size_t len, const struct import_sink *sink,
    char *err, size_t errlen)
{
	struct jsonl *a = jsonl_memory(data, len, 0), *b = jsonl_memory(data, len, 0);
	int rc = read_both(a, b, sink, err, errlen);
	jsonl_close(a);
	jsonl_close(b);
	return rc;
}
