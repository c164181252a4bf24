/* import.c — the format-independent core of an import: threads to
 * articles, text to nazar's, statuses, batches, the report; see import.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "blocklist.h"
#include "buf.h"
#include "html_text.h"
#include "import.h"
#include "netaddr.h"
#include "store.h"
#include "store_import.h"
#include "text.h"
#include "utf8.h"
#include "validate.h"

/* Bytes of a user agent kept. */
#define UA_MAX 512
/* Bytes of a --map file read. */
#define MAP_FILE_MAX (64 * 1024 * 1024)
/* Bytes kept by the batch arena between batches. */
#define BATCH_ARENA_KEEP (1024 * 1024)

/* --- a string table in an arena --- */

struct strtab {
	struct strtab_slot {
		const char *key;
		void *value;
	} *slots;
	size_t cap, n;
};

static uint64_t
hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */
	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static struct strtab_slot *
strtab_slot(struct strtab *t, const char *key)
{
	size_t i = (size_t)hash_str(key) & (t->cap - 1);
	while (t->slots[i].key != NULL && strcmp(t->slots[i].key, key) != 0)
		i = (i + 1) & (t->cap - 1);
	return &t->slots[i];
}

/* The slot of key: found (key set) or where it goes (key NULL). */
static struct strtab_slot *
strtab_find(struct arena *a, struct strtab *t, const char *key)
{
	if (t->cap == 0 || (t->n + 1) * 2 > t->cap) {
		struct strtab old = *t;
		t->cap = old.cap ? old.cap * 2 : 64;
		t->slots = arena_calloc(a, t->cap, sizeof(*t->slots));
		for (size_t i = 0; i < old.cap; i++)
			if (old.slots[i].key != NULL)
				*strtab_slot(t, old.slots[i].key) = old.slots[i];
	}
	return strtab_slot(t, key);
}

static void
strtab_put(struct arena *a, struct strtab *t, struct strtab_slot *slot, const char *key,
    void *value)
{
	(void)a;
	slot->key = key;
	slot->value = value;
	t->n++;
}

/* --- the map --- */

struct import_map {
	struct strtab t;
	struct arena *a;
};

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* One line of a map file into m; false with err. */
static bool
map_line(struct import_map *m, char *line, const char *path, size_t no, char *err,
    size_t errlen)
{
	while (is_blank(*line))
		line++;
	if (*line == '\0' || *line == '#')
		return true;
	char *key = line;
	while (*line != '\0' && !is_blank(*line))
		line++;
	char *key_end = line;
	while (is_blank(*line))
		line++;
	char *art = line;
	while (*line != '\0' && !is_blank(*line))
		line++;
	char *art_end = line;
	while (is_blank(*line))
		line++;
	*key_end = '\0';
	*art_end = '\0';
	if (*art == '\0' || *line != '\0') {
		snprintf(err, errlen, "%s:%zu: a line is a source URL or id, then an article id",
		    path, no);
		return false;
	}
	if (!validate_article_id(art)) {
		snprintf(err, errlen, "%s:%zu: \"%.200s\" is not an article id (1 to %d letters, "
		    "digits or -_./:)", path, no, art, ARTICLE_ID_MAX);
		return false;
	}
	struct strtab_slot *slot = strtab_find(m->a, &m->t, key);
	if (slot->key != NULL) {
		if (strcmp(slot->value, art) != 0) {
			snprintf(err, errlen, "%s:%zu: \"%.200s\" is mapped twice", path, no, key);
			return false;
		}
		return true;
	}
	strtab_put(m->a, &m->t, slot, arena_strdup(m->a, key), arena_strdup(m->a, art));
	return true;
}

struct import_map *
import_map_load(struct arena *a, const char *path, char *err, size_t errlen)
{
	struct buf b = { 0 };
	if (buf_read_file(&b, path, MAP_FILE_MAX, err, errlen) != 0) {
		buf_free(&b);
		return NULL;
	}
	struct import_map *m = arena_alloc(a, sizeof(*m));
	m->a = a;
	char *text = arena_strndup(a, buf_str(&b), b.len);
	size_t len = b.len;
	buf_free(&b);
	if (strlen(text) != len || !utf8_valid(text, len)) {
		snprintf(err, errlen, "%s: not UTF-8 text", path);
		return NULL;
	}
	size_t no = 0;
	for (char *line = text; line != NULL;) {
		char *nl = strchr(line, '\n');
		if (nl != NULL)
			*nl = '\0';
		no++;
		if (!map_line(m, line, path, no, err, errlen))
			return NULL;
		line = nl != NULL ? nl + 1 : NULL;
	}
	return m;
}

const char *
import_map_find(const struct import_map *m, const char *key)
{
	if (m == NULL || key == NULL || m->t.cap == 0)
		return NULL;
	struct strtab *t = (struct strtab *)&m->t;
	struct strtab_slot *slot = strtab_slot(t, key);
	return slot->key != NULL ? slot->value : NULL;
}

/* --- article ids from URLs --- */

/* s without "http://" or "https://"; NULL when it has neither. */
static const char *
after_scheme(const char *s)
{
	if (strncasecmp(s, "https://", 8) == 0)
		return s + 8;
	if (strncasecmp(s, "http://", 7) == 0)
		return s + 7;
	return NULL;
}

const char *
import_article_from_url(struct arena *a, const char *pattern, const char *url)
{
	if (pattern == NULL || url == NULL || pattern[0] == '\0' || strlen(url) > IMPORT_ID_MAX)
		return NULL;
	const char *slot = strstr(pattern, "{article}");
	const char *prest = after_scheme(pattern);
	if (slot == NULL || prest == NULL || prest > slot)
		return NULL;
	const char *suffix = slot + strlen("{article}");
	bool pattern_query = strchr(pattern, '?') != NULL;
	/* The URL without fragment, query (unless the pattern has one). */
	size_t ulen = strcspn(url, pattern_query ? "#" : "#?");
	char *u = arena_strndup(a, url, ulen);
	const char *urest = after_scheme(u);
	/* The part of the pattern to compare the URL's start with. */
	const char *prefix = prest;
	if (urest == NULL) {
		if (u[0] != '/')
			return NULL;
		urest = u;
		prefix = prest + strcspn(prest, "/");	/* the pattern's path */
		if (prefix > slot)
			return NULL;
	}
	size_t plen = (size_t)(slot - prefix);
	size_t host = strcspn(prefix, "/");	/* the host is compared without case */
	if (host > plen)
		host = plen;
	if (strlen(urest) < plen || strncasecmp(urest, prefix, host) != 0 ||
	    strncmp(urest + host, prefix + host, plen - host) != 0)
		return NULL;
	const char *id = urest + plen;
	size_t idlen = strlen(id), slen = strlen(suffix);
	if (slen > 0) {
		if (idlen >= 1 && id[idlen - 1] == '/' && suffix[slen - 1] != '/')
			idlen--;
		if (idlen < slen || strncmp(id + idlen - slen, suffix, slen) != 0)
			return NULL;
		idlen -= slen;
	} else if (idlen > 1 && id[idlen - 1] == '/')
		idlen--;
	char *art = arena_strndup(a, id, idlen);
	return validate_article_id(art) ? art : NULL;
}

/* --- the run --- */

struct thread_entry {
	const char *article;	/* NULL: no article */
};

struct import {
	struct store *st;
	const char *system;		/* source_system of every comment */
	int64_t last_id;		/* the newest comment before the run */
	bool started;			/* last_id read */
	bool dry_txn;			/* a dry run's batch of notes is open */
	const struct import_options *o;
	struct arena *a;		/* lives as long as the run */
	struct arena *batch_a;		/* the current batch */
	struct import_row *rows;
	size_t nrows, cap;
	struct strtab threads;		/* thread key → struct thread_entry */
	struct strtab articles;		/* articles seen */
	struct import_report rep;
	struct store_import_result res;
	enum store_result failed;
	void (*progress)(void *arg, int64_t records, uint64_t done, uint64_t total);
	void *progress_arg;
	uint64_t pos, total;
};

struct import *
import_new(struct store *st, const struct import_options *o)
{
	struct arena *a = arena_new();
	struct import *imp = arena_alloc(a, sizeof(*imp));
	imp->a = a;
	imp->batch_a = arena_new();
	imp->st = st;
	imp->o = o;
	imp->system = o->system != NULL ? o->system : o->format->system;
	imp->cap = o->batch > 0 ? (size_t)o->batch : IMPORT_BATCH;
	imp->rows = arena_calloc(a, imp->cap, sizeof(*imp->rows));
	imp->rep.dry_run = o->dry_run;
	return imp;
}

void
import_free(struct import *imp)
{
	if (imp == NULL)
		return;
	if (imp->dry_txn)
		(void)store_import_dry_end(imp->st, false);
	arena_free(imp->batch_a);
	arena_free(imp->a);
}

enum store_result
import_failure(const struct import *imp)
{
	return imp->failed;
}

static void
count_skip(struct import *imp, const char *reason)
{
	struct import_report *r = &imp->rep;
	r->skipped_total++;
	for (size_t i = 0; i < r->nskipped; i++)
		if (strcmp(r->skipped[i].reason, reason) == 0) {
			r->skipped[i].n++;
			return;
		}
	if (r->nskipped == IMPORT_REASONS_MAX)
		reason = "other";
	else
		r->nskipped++;
	struct import_count *c = &r->skipped[r->nskipped - 1];
	snprintf(c->reason, sizeof(c->reason), "%.*s", (int)utf8_cut(reason, strlen(reason),
	    sizeof(c->reason) - 1), reason);
	r->skipped[r->nskipped - 1].n++;
}

/* s as one cleaned line or text of at most max bytes: any bytes in,
 * never NULL. */
static const char *
clean(struct arena *a, const char *s, size_t max, bool single_line, bool *cut)
{
	if (cut != NULL)
		*cut = false;
	if (s == NULL || s[0] == '\0')
		return "";
	size_t len = strlen(s);
	char *t;
	if (utf8_valid(s, len))
		t = text_clean(a, s, len, single_line);
	else {
		struct buf b = { 0 };
		utf8_append_valid(&b, s, len);
		t = text_clean(a, buf_str(&b), b.len, single_line);
		buf_free(&b);
	}
	if (t == NULL)
		return "";
	size_t tl = strlen(t), keep = utf8_cut(t, tl, max);
	if (keep < tl) {
		t[keep] = '\0';
		if (cut != NULL)
			*cut = true;
		/* The cut may leave white space at the end. */
		t = text_clean(a, t, keep, single_line);
	}
	return t != NULL ? t : "";
}

/* The thread's article, decided once per thread; NULL: none. */
static const char *
thread_article(struct import *imp, const struct import_record *rec)
{
	const char *tid = rec->thread_id ? rec->thread_id : "";
	const char *turl = rec->thread_url ? rec->thread_url : "";
	const char *key = arena_printf(imp->batch_a, "%s\x01%s", tid, turl);
	struct strtab_slot *slot = strtab_find(imp->a, &imp->threads, key);
	if (slot->key != NULL)
		return ((struct thread_entry *)slot->value)->article;
	const struct import_options *o = imp->o;
	const char *art = NULL;
	if (turl[0] != '\0')
		art = import_map_find(o->map, turl);
	if (art == NULL && tid[0] != '\0')
		art = import_map_find(o->map, tid);
	if (art == NULL && turl[0] != '\0')
		art = import_article_from_url(imp->a, o->article_url, turl);
	if (art == NULL && rec->thread_article != NULL &&
	    validate_article_id(rec->thread_article))
		art = rec->thread_article;
	struct thread_entry *e = arena_alloc(imp->a, sizeof(*e));
	e->article = art != NULL ? arena_strdup(imp->a, art) : NULL;
	strtab_put(imp->a, &imp->threads, slot, arena_strdup(imp->a, key), e);
	if (e->article == NULL && imp->rep.nunmapped < IMPORT_UNMAPPED_SHOWN) {
		const char *name = turl[0] != '\0' ? turl : tid[0] != '\0' ? tid : "(no thread)";
		snprintf(imp->rep.unmapped[imp->rep.nunmapped++], IMPORT_UNMAPPED_MAX, "%.*s",
		    (int)utf8_cut(name, strlen(name), IMPORT_UNMAPPED_MAX - 1), name);
	}
	return e->article;
}

/* Counts the article once per run, and whether it is new. */
static enum store_result
note_article(struct import *imp, const char *article)
{
	struct strtab_slot *slot = strtab_find(imp->a, &imp->articles, article);
	if (slot->key != NULL)
		return STORE_OK;
	bool exists = false;
	if (imp->st != NULL) {
		enum store_result r = store_article_exists(imp->st, article, &exists);
		if (r != STORE_OK)
			return r;
	}
	strtab_put(imp->a, &imp->articles, slot, arena_strdup(imp->a, article), NULL);
	imp->rep.threads++;
	if (!exists)
		imp->rep.threads_new++;
	return STORE_OK;
}

static enum store_result
flush(struct import *imp)
{
	if (imp->nrows == 0)
		return STORE_OK;
	enum store_result r = STORE_OK;
	if (imp->dry_txn) {
		r = store_import_dry_end(imp->st, true);
		imp->dry_txn = false;
	}
	if (!imp->o->dry_run) {
		const char *target = arena_printf(imp->batch_a, "%s %s", imp->o->format->name,
		    imp->o->file ? imp->o->file : "-");
		r = store_import_batch(imp->st, imp->system, imp->rows, imp->nrows,
		    imp->o->who, imp->o->now, target, &imp->res);
	}
	imp->nrows = 0;
	arena_reset(imp->batch_a, BATCH_ARENA_KEEP);
	return r;
}

/* The status rec gets, or -1 when it is skipped. */
static int
status_of(struct import *imp, const struct import_record *rec)
{
	if (!rec->status_unknown && (unsigned)rec->status < COMMENT_STATUS__MAX)
		return (int)rec->status;
	if (imp->o->unknown_status >= 0)
		return imp->o->unknown_status;
	count_skip(imp, "unknown status");
	return -1;
}

/* The cleaned fields of rec into row. */
static void
fill_row(struct import *imp, const struct import_record *rec, struct import_row *row)
{
	struct arena *a = imp->batch_a;
	bool cut = false;
	row->name = clean(a, rec->name, NAME_MAX_CHARS * 4, true, NULL);
	row->name = arena_strndup(a, row->name, utf8_cut_chars(row->name, strlen(row->name),
	    NAME_MAX_CHARS));
	const char *email = clean(a, rec->email, EMAIL_MAX_BYTES + 1, true, NULL);
	row->email = validate_email(email) ? email : "";
	unsigned char addr[NETADDR_BYTES];
	char addr_text[NETADDR_TEXT_MAX];
	row->remote_addr = "";
	if (rec->remote_addr != NULL && netaddr_parse_client(rec->remote_addr, addr)) {
		netaddr_text(addr, addr_text);
		row->remote_addr = arena_strdup(a, addr_text);
	}
	row->user_agent = clean(a, rec->user_agent, UA_MAX, true, NULL);
	if (rec->body_html)
		row->body = html_to_text(a, rec->body ? rec->body : "",
		    rec->body ? strlen(rec->body) : 0, IMPORT_BODY_MAX, &cut);
	else
		row->body = clean(a, rec->body, IMPORT_BODY_MAX, false, &cut);
	if (cut)
		imp->rep.cut++;
	if (row->body[0] == '\0')
		imp->rep.empty++;
	row->created = rec->created;
	if (row->created <= 0) {
		row->created = (int64_t)imp->o->now;
		imp->rep.no_date++;
	}
}

/* --screen: an approved comment the blocklist matches is held. */
static void
screen(struct import *imp, struct import_row *row)
{
	struct blocklist_match m;
	struct blocklist_subject subj = { row->name, row->email, row->body, row->remote_addr };
	if (imp->o->screen == NULL || !blocklist_match(imp->o->screen, &subj, &m))
		return;
	row->reason = blocklist_reason(imp->batch_a, &m);
	if (row->status == COMMENT_APPROVED) {
		row->status = COMMENT_PENDING;
		imp->rep.screened++;
	}
}

static bool
id_ok(const char *s)
{
	return s != NULL && s[0] != '\0' && strlen(s) <= IMPORT_ID_MAX && utf8_valid(s, strlen(s));
}

/* A record: skipped, or a row of the batch; the batch written when full. */
static enum store_result
take(struct import *imp, const struct import_record *rec)
{
	if (!imp->started) {
		imp->started = true;
		enum store_result r0 = imp->st != NULL && !imp->o->dry_run ?
		    store_import_last_id(imp->st, &imp->last_id) : STORE_OK;
		if (r0 != STORE_OK)
			return r0;
	}
	imp->rep.records++;
	if (rec->skip != NULL) {
		count_skip(imp, rec->skip);
		return STORE_OK;
	}
	if (!id_ok(rec->id)) {
		count_skip(imp, "no id, or an id that is not short UTF-8 text");
		return STORE_OK;
	}
	int status = status_of(imp, rec);
	if (status < 0)
		return STORE_OK;
	const char *article = thread_article(imp, rec);
	if (article == NULL) {
		count_skip(imp, "no article for its thread");
		return STORE_OK;
	}
	enum store_result r = note_article(imp, article);
	if (r != STORE_OK)
		return r;
	struct import_row *row = &imp->rows[imp->nrows];
	memset(row, 0, sizeof(*row));
	row->source_id = arena_strdup(imp->batch_a, rec->id);
	if (id_ok(rec->parent) && strcmp(rec->parent, rec->id) != 0)
		row->source_parent = arena_strdup(imp->batch_a, rec->parent);
	row->article = article;
	row->status = (enum comment_status)status;
	fill_row(imp, rec, row);
	screen(imp, row);
	if (imp->o->dry_run) {
		bool present = false;
		/* The notes of a batch in one transaction of the temporary
		 * table: a read of the database, nothing of it locked. */
		if (imp->st != NULL && !imp->dry_txn) {
			if ((r = store_import_dry_begin(imp->st)) != STORE_OK)
				return r;
			imp->dry_txn = true;
		}
		if (imp->st != NULL &&
		    ((r = store_import_present(imp->st, imp->system, row->source_id,
		    &present)) != STORE_OK ||
		    (r = store_import_dry_note(imp->st, row->source_id, row->source_parent,
		    article)) != STORE_OK))
			return r;
		if (present)
			imp->res.present++;
		else {
			imp->res.added[row->status]++;
			if (row->source_parent != NULL)
				imp->res.replies++;
		}
	}
	if (++imp->nrows == imp->cap)
		return flush(imp);
	return STORE_OK;
}

static int
sink_record(void *arg, const struct import_record *rec)
{
	struct import *imp = arg;
	enum store_result r = take(imp, rec);
	if (imp->progress != NULL)
		imp->progress(imp->progress_arg, imp->rep.records, imp->pos, imp->total);
	if (r != STORE_OK) {
		imp->failed = r;
		return 1;
	}
	return 0;
}

static void
sink_position(void *arg, uint64_t done, uint64_t total)
{
	struct import *imp = arg;
	imp->pos = done;
	imp->total = total;
}

void
import_sink_init(struct import *imp, struct import_sink *sink,
    void (*progress)(void *arg, int64_t records, uint64_t done, uint64_t total),
    void *progress_arg)
{
	imp->progress = progress;
	imp->progress_arg = progress_arg;
	sink->record = sink_record;
	sink->position = sink_position;
	sink->arg = imp;
}

enum store_result
import_finish(struct import *imp, struct import_report *r)
{
	enum store_result res = imp->failed;
	if (res == STORE_OK)
		res = flush(imp);
	if (res == STORE_OK && imp->st != NULL && !imp->o->dry_run && !imp->started)
		res = store_import_last_id(imp->st, &imp->last_id);
	int64_t linked = 0, orphans = 0;
	if (res == STORE_OK && imp->st != NULL) {
		if (imp->o->dry_run)
			res = store_import_dry_orphans(imp->st, imp->system, &orphans);
		else
			res = store_import_link(imp->st, imp->system, imp->last_id, &linked,
			    &orphans, &imp->rep.hidden_parent);
	}
	(void)linked;
	imp->rep.orphans = orphans;
	imp->rep.present = imp->res.present;
	imp->rep.replies = imp->res.replies;
	imp->rep.added_total = 0;
	for (int i = 0; i < COMMENT_STATUS__MAX; i++) {
		imp->rep.added[i] = imp->res.added[i];
		imp->rep.added_total += imp->res.added[i];
	}
	*r = imp->rep;
	imp->failed = res;
	return res;
}
