/* import_wxr.c — a WordPress export (WXR 1.0, 1.1, 1.2: RSS 2.0 with the
 * wp: namespace http://wordpress.org/export/1.x/) as import records.
 *
 * Each <item> is a post: its <link> and <wp:post_id> name the thread;
 * each <wp:comment> in it is a comment: wp:comment_id, comment_parent (0:
 * top level), comment_author, _email, _IP, comment_date_gmt (else
 * comment_date, read as UTC), comment_content (HTML), comment_approved
 * (1 approved, 0 pending, spam, trash and post-trashed deleted; anything
 * else unknown) and comment_type (pingback, trackback and notes are not
 * comments). Values are trimmed: exports pad them with white space. An
 * item's link and id come before its comments in every export WordPress
 * writes; a comment met before them has no thread URL. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "import.h"
#include "import_xml.h"
#include "locale.h"

/* WXR 1.0, 1.1 and 1.2 differ in the last part of the namespace. */
#define WP_NS "http://wordpress.org/export/"

enum field {
	F_ID, F_PARENT, F_AUTHOR, F_EMAIL, F_IP, F_DATE, F_DATE_GMT, F_CONTENT, F_APPROVED,
	F_TYPE, F__MAX
};

static const char *const field_names[F__MAX] = {
	"comment_id", "comment_parent", "comment_author", "comment_author_email",
	"comment_author_IP", "comment_date", "comment_date_gmt", "comment_content",
	"comment_approved", "comment_type",
};

struct wxr {
	struct import_xml x;
	struct buf post_id, link, text;
	struct buf f[F__MAX];
	bool in_item;
	int item_depth;
};

static void
wxr_free(struct wxr *w)
{
	import_xml_close(&w->x);
	buf_free(&w->post_id);
	buf_free(&w->link);
	buf_free(&w->text);
	for (int i = 0; i < F__MAX; i++)
		buf_free(&w->f[i]);
}

/* The status of comment_approved. */
static void
status(const char *v, struct import_record *r)
{
	r->status_unknown = false;
	if (strcmp(v, "1") == 0 || strcmp(v, "approve") == 0)
		r->status = COMMENT_APPROVED;
	else if (strcmp(v, "0") == 0 || strcmp(v, "hold") == 0)
		r->status = COMMENT_PENDING;
	else if (strcmp(v, "spam") == 0)
		r->status = COMMENT_SPAM;
	else if (strcmp(v, "trash") == 0 || strcmp(v, "post-trashed") == 0)
		r->status = COMMENT_DELETED;
	else
		r->status_unknown = true;
}

/* What comment_type says is not a reader's comment; NULL: a comment. */
static const char *
skip_type(const char *t)
{
	if (strcmp(t, "pingback") == 0)
		return "pingback";
	if (strcmp(t, "trackback") == 0)
		return "trackback";
	/* WooCommerce's order notes, WordPress's own notes and logs. */
	if (strcmp(t, "note") == 0 || strcmp(t, "order_note") == 0 ||
	    strcmp(t, "webhook_delivery") == 0 || strcmp(t, "action_log") == 0)
		return "note";
	return NULL;
}

/* Reads one <wp:comment> (the reader at its start) and hands it over. */
static int
comment(struct wxr *w)
{
	for (int i = 0; i < F__MAX; i++)
		buf_reset(&w->f[i]);
	int depth = w->x.depth, rc;
	if (w->x.empty)
		return 0;
	while ((rc = import_xml_next(&w->x)) > 0) {
		if (w->x.type == IMPORT_XML_END && w->x.depth == depth)
			break;
		if (w->x.type != IMPORT_XML_START || w->x.depth != depth + 1 ||
		    strncmp(w->x.ns, WP_NS, strlen(WP_NS)) != 0)
			continue;
		for (int i = 0; i < F__MAX; i++)
			if (strcmp(w->x.name, field_names[i]) == 0) {
				if (import_xml_text(&w->x, &w->f[i]) != 0)
					return -1;
				break;
			}
	}
	if (rc <= 0)
		return -1;	/* the document ended inside the comment */
	struct import_record r = { 0 };
	r.id = import_field(&w->f[F_ID]);
	const char *parent = import_field(&w->f[F_PARENT]);
	r.parent = strcmp(parent, "0") == 0 ? NULL : parent;
	r.thread_id = import_field(&w->post_id);
	r.thread_url = import_field(&w->link);
	r.name = import_field(&w->f[F_AUTHOR]);
	r.email = import_field(&w->f[F_EMAIL]);
	r.remote_addr = import_field(&w->f[F_IP]);
	const char *gmt = import_field(&w->f[F_DATE_GMT]), *date = import_field(&w->f[F_DATE]);
	if (locale_parse_iso8601(gmt, strlen(gmt), ISO8601_IMPORT, &r.created) != 0 &&
	    locale_parse_iso8601(date, strlen(date), ISO8601_IMPORT, &r.created) != 0)
		r.created = 0;
	r.body = w->f[F_CONTENT].data != NULL ? w->f[F_CONTENT].data : "";
	r.body_html = true;
	status(import_field(&w->f[F_APPROVED]), &r);
	r.skip = skip_type(import_field(&w->f[F_TYPE]));
	return w->x.sink->record(w->x.sink->arg, &r);
}

/* The document, element by element. */
static int
walk(struct wxr *w)
{
	int rc;
	bool rss = false;
	while ((rc = import_xml_next(&w->x)) > 0) {
		struct import_xml *x = &w->x;
		if (!rss) {
			if (x->type != IMPORT_XML_START || strcmp(x->name, "rss") != 0 || x->ns[0]) {
				snprintf(x->err, x->errlen, "not a WordPress export: the document is "
				    "<%s>, not <rss>", x->name);
				return -1;
			}
			rss = true;
			continue;
		}
		if (x->type == IMPORT_XML_START && import_xml_is(x, "item", "") && !w->in_item &&
		    x->ns[0] == '\0') {
			w->in_item = !x->empty;
			w->item_depth = x->depth;
			buf_reset(&w->post_id);
			buf_reset(&w->link);
		} else if (x->type == IMPORT_XML_END && w->in_item && x->depth == w->item_depth)
			w->in_item = false;
		else if (x->type == IMPORT_XML_START && w->in_item && x->depth == w->item_depth + 1) {
			int r = 0;
			if (strcmp(x->name, "link") == 0 && x->ns[0] == '\0')
				r = import_xml_text(x, &w->link);
			else if (import_xml_is(x, "post_id", WP_NS))
				r = import_xml_text(x, &w->post_id);
			else if (import_xml_is(x, "comment", WP_NS))
				r = comment(w);
			if (r != 0)
				return r;
		}
	}
	if (rc == 0 && !rss) {
		snprintf(w->x.err, w->x.errlen, "not a WordPress export: no document");
		return -1;
	}
	return rc;
}

static int
run(struct wxr *w)
{
	int rc = walk(w);
	if (rc < 0 && w->x.err[0] == '\0')
		snprintf(w->x.err, w->x.errlen, "the export could not be read");
	wxr_free(w);
	return rc;
}

int
import_wxr_read(const char *path, const struct import_sink *sink, char *err, size_t errlen)
{
	struct wxr w = { 0 };
	if (import_xml_open_file(&w.x, path, sink, err, errlen) != 0) {
		wxr_free(&w);
		return -1;
	}
	return run(&w);
}

int
import_wxr_memory(const char *data, size_t len, const struct import_sink *sink, char *err,
    size_t errlen)
{
	struct wxr w = { 0 };
	if (import_xml_open_memory(&w.x, data, len, sink, err, errlen) != 0) {
		wxr_free(&w);
		return -1;
	}
	return run(&w);
}
