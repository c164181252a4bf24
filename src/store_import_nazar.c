/* store_import_nazar.c — nazar's export written back whole; see
 * store_import_nazar.h. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "store_db.h"
#include "store_import.h"
#include "store_import_nazar.h"

/* The file's ids and the database's, for this connection's run; parent
 * is the file's id of a parent not yet known when the row was written. */
static const char sql_nazar_map_drop[] = "DROP TABLE IF EXISTS temp.nazar_ids";
static const char sql_nazar_map_create[] =
	"CREATE TEMP TABLE nazar_ids ("
	" file_id INTEGER PRIMARY KEY, id INTEGER NOT NULL, parent INTEGER)";
static const char sql_nazar_map_put[] =
	"INSERT OR REPLACE INTO temp.nazar_ids (file_id, id, parent) VALUES (?1, ?2, ?3)";
static const char sql_nazar_map_get[] = "SELECT id FROM temp.nazar_ids WHERE file_id = ?1";
/* Known by its source (store_import_find), or by its id with the same
 * article and time; a comment renumbered by an earlier run by ("nazar",
 * its id in the file) and its time, since another site's export has the
 * same ids. */
static const char sql_nazar_by_own_source[] =
	"SELECT id FROM comments WHERE source_system = 'nazar' AND source_id = ?1"
	" AND created = ?2";
static const char sql_nazar_same[] =
	"SELECT id FROM comments WHERE id = ?1 AND article = ?2 AND created = ?3"
	" AND source_id IS NULL";
static const char sql_nazar_taken[] = "SELECT 1 FROM comments WHERE id = ?1";
static const char sql_nazar_max_id[] = "SELECT max(id) FROM comments";
static const char sql_nazar_user[] = "SELECT id FROM users WHERE name = ?1";
static const char sql_nazar_insert[] =
	"INSERT INTO comments (id, article, parent, name, email, body, status, created, updated,"
	" remote_addr, user_agent, version, updated_by, site_reply, reason, addr_group, body_hash,"
	" source_system, source_id, source_parent, notify_replies, pinned, edited) VALUES (?1, ?2,"
	" ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21,"
	" ?22, ?23)";
/* A parent is on the same article and older than its reply: by time,
 * then by the ids in the file (?4 the parent's, ?5 the reply's), so that
 * no file can make a loop of parents. */
static const char sql_nazar_parent_ok[] =
	"SELECT 1 FROM comments WHERE id = ?1 AND article = ?2"
	" AND (created < ?3 OR (created = ?3 AND ?4 < ?5))";
static const char sql_nazar_history[] =
	"INSERT INTO comment_history (comment_id, at, user_id, body, author)"
	" VALUES (?1, ?2, ?3, ?4, ?5)";
static const char sql_nazar_revision[] =
	"INSERT INTO revisions (comment_id, body, at) VALUES (?1, ?2, ?3)";
/* A vote the file repeats is one vote. */
static const char sql_nazar_vote[] =
	"INSERT OR IGNORE INTO votes (comment_id, voter, value, addr_group, created)"
	" VALUES (?1, ?2, ?3, ?4, ?5)";
/* An imported comment sends no mail: not to moderators (held), nor a
 * confirmation to its author, nor to the subscribers of its parent. */
static const char sql_nazar_outbox_drop[] =
	"DELETE FROM outbox WHERE comment_id = ?1 AND state = 'pending'";
/* The author's address as a subscriber, as it was: added when missing, a
 * state the insert's trigger just made "unconfirmed" set as exported. */
static const char sql_nazar_subscriber_add[] =
	"INSERT OR IGNORE INTO subscribers (address, state, created, changed)"
	" VALUES (?1, ?2, ?3, ?3)";
static const char sql_nazar_subscriber_set[] =
	"UPDATE subscribers SET state = ?2 WHERE address = ?1 AND state = 'unconfirmed'";
static const char sql_nazar_link[] =
	"UPDATE comments AS c SET parent = p.id FROM temp.nazar_ids AS m"
	" JOIN temp.nazar_ids AS pm ON pm.file_id = m.parent"
	" JOIN comments AS p ON p.id = pm.id"
	" WHERE c.id = m.id AND m.parent IS NOT NULL AND c.parent IS NULL"
	" AND p.article = c.article"
	" AND (p.created < c.created OR (p.created = c.created AND pm.file_id < m.file_id))";
static const char sql_nazar_linked_done[] =
	"UPDATE temp.nazar_ids SET parent = NULL WHERE parent IS NOT NULL"
	" AND (SELECT c.parent FROM comments c WHERE c.id = nazar_ids.id) IS NOT NULL";
static const char sql_nazar_orphans[] =
	"SELECT count(*) FROM temp.nazar_ids WHERE parent IS NOT NULL";

/* The single integer of a query with up to five bound values (text
 * where t[i] is set, else v[i]); *found false when there is no row. */
static enum store_result
one_int(struct store *st, const char *sql, int n, const int64_t *v, const char *const *t,
    bool *found, int64_t *out)
{
	sqlite3_stmt *s;
	*found = false;
	*out = 0;
	enum store_result r = store_prepare(st, sql, &s);
	if (r != STORE_OK)
		return r;
	int rc = SQLITE_OK;
	for (int i = 0; i < n && rc == SQLITE_OK; i++)
		rc = t != NULL && t[i] != NULL ? store_bind_text(s, i + 1, t[i]) :
		    sqlite3_bind_int64(s, i + 1, v[i]);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK)
		return r;
	r = store_step_one(st, s);
	if (r == STORE_NOT_FOUND)
		return STORE_OK;
	if (r != STORE_OK)
		return r;
	*found = true;
	*out = sqlite3_column_int64(s, 0);
	store_stmt_done(s);
	return STORE_OK;
}

/* A user's id by name; 0 for NULL or unknown (counted). */
static enum store_result
user_id(struct store *st, const char *name, struct store_nazar_result *res, int64_t *id)
{
	*id = 0;
	if (name == NULL)
		return STORE_OK;
	bool found;
	const char *t[1] = { name };
	enum store_result r = one_int(st, sql_nazar_user, 1, NULL, t, &found, id);
	if (r == STORE_OK && !found)
		res->users_unknown++;
	return r;
}

static enum store_result
map_put(struct store *st, int64_t file_id, int64_t id, int64_t waiting_parent)
{
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_nazar_map_put, &s);
	if (r != STORE_OK)
		return r;
	int rc = sqlite3_bind_int64(s, 1, file_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 2, id);
	if (rc == SQLITE_OK)
		rc = store_bind_id(s, 3, waiting_parent);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK)
		return r;
	return store_step_done(st, s);
}

/* Whether the row is stored already: its id there in *id. */
static enum store_result
known(struct store *st, const struct export_comment *e, bool *found, int64_t *id)
{
	char file_id[24];
	snprintf(file_id, sizeof(file_id), "%lld", (long long)e->c.id);
	enum store_result r;
	if (e->source_id != NULL) {
		r = store_import_find(st, e->source_system != NULL ? e->source_system : "",
		    e->source_id, id);
		*found = *id > 0;
		return r;
	}
	const int64_t v2[2] = { 0, e->c.created };
	const char *t2[2] = { file_id, NULL };
	if ((r = one_int(st, sql_nazar_by_own_source, 2, v2, t2, found, id)) != STORE_OK || *found)
		return r;
	const int64_t v[3] = { e->c.id, 0, e->c.created };
	const char *t3[3] = { NULL, e->c.article, NULL };
	return one_int(st, sql_nazar_same, 3, v, t3, found, id);
}

/* The blob of a hex text, for body_hash; NULL (bound as NULL) when
 * there is none or it is not hex. */
static int
bind_hex(sqlite3_stmt *s, int idx, const char *hex)
{
	unsigned char bin[64];
	size_t len = hex != NULL ? strlen(hex) : 0;
	if (len == 0 || len % 2 != 0 || len / 2 > sizeof(bin))
		return sqlite3_bind_null(s, idx);
	for (size_t i = 0; i < len; i += 2) {
		unsigned v = 0;
		for (size_t k = i; k < i + 2; k++) {
			char c = hex[k];
			v <<= 4;
			if (c >= '0' && c <= '9')
				v |= (unsigned)(c - '0');
			else if (c >= 'a' && c <= 'f')
				v |= (unsigned)(c - 'a' + 10);
			else
				return sqlite3_bind_null(s, idx);
		}
		bin[i / 2] = (unsigned char)v;
	}
	return sqlite3_bind_blob(s, idx, bin, (int)(len / 2), SQLITE_TRANSIENT);
}

struct placed {
	int64_t id;		/* the id to use; 0: a new one */
	int64_t parent;		/* the parent's id here, or 0 */
	bool renumbered;
};

static enum store_result
insert_comment(struct store *st, const struct export_comment *e, const struct placed *p,
    int64_t updated_by, int64_t *id)
{
	const struct comment *c = &e->c;
	char file_id[24], file_parent[24];
	snprintf(file_id, sizeof(file_id), "%lld", (long long)c->id);
	snprintf(file_parent, sizeof(file_parent), "%lld", (long long)c->parent);
	/* Renumbered and from nowhere else: the file's ids become its source. */
	bool own_source = p->renumbered && e->source_id == NULL;
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_nazar_insert, &s);
	if (r != STORE_OK)
		return r;
	int rc = store_bind_id(s, 1, p->id);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 2, c->article);
	if (rc == SQLITE_OK)
		rc = store_bind_id(s, 3, p->parent);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 4, c->name);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 5, c->email);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 6, c->body);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 7, comment_status_name(c->status));
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 8, c->created);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 9, c->updated);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 10, c->remote_addr);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 11, c->user_agent);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 12, c->version > 0 ? c->version : 1);
	if (rc == SQLITE_OK)
		rc = store_bind_id(s, 13, updated_by);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(s, 14, c->site_reply ? 1 : 0);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 15, c->reason);
	if (rc == SQLITE_OK)
		rc = store_bind_opt(s, 16, e->addr_group);
	if (rc == SQLITE_OK)
		rc = bind_hex(s, 17, e->body_hash);
	if (rc == SQLITE_OK)
		rc = store_bind_opt(s, 18, own_source ? "nazar" : e->source_system);
	if (rc == SQLITE_OK)
		rc = store_bind_opt(s, 19, own_source ? file_id : e->source_id);
	if (rc == SQLITE_OK)
		rc = store_bind_opt(s, 20, own_source && c->parent > 0 ? file_parent :
		    e->source_parent);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(s, 21, c->notify_replies ? 1 : 0);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 22, c->pinned);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 23, c->edited);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK ||
	    (r = store_step_done(st, s)) != STORE_OK)
		return r;
	*id = sqlite3_last_insert_rowid(st->db);
	return STORE_OK;
}

static enum store_result
insert_history(struct store *st, int64_t id, const struct export_history *h,
    struct store_nazar_result *res)
{
	int64_t uid;
	enum store_result r = user_id(st, h->by, res, &uid);
	sqlite3_stmt *s;
	if (r != STORE_OK || (r = store_prepare(st, sql_nazar_history, &s)) != STORE_OK)
		return r;
	int rc = sqlite3_bind_int64(s, 1, id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 2, h->at);
	if (rc == SQLITE_OK)
		rc = store_bind_id(s, 3, uid);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 4, h->body);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(s, 5, h->author ? 1 : 0);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK)
		return r;
	return store_step_done(st, s);
}

/* Its author's edit waiting for a moderator, as exported. */
static enum store_result
insert_revision(struct store *st, int64_t id, const struct export_comment *e)
{
	if (e->revision == NULL)
		return STORE_OK;
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_nazar_revision, &s);
	if (r != STORE_OK)
		return r;
	int rc = sqlite3_bind_int64(s, 1, id);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 2, e->revision);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 3, e->revision_at);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK)
		return r;
	return store_step_done(st, s);
}

static enum store_result
insert_vote(struct store *st, int64_t id, const struct export_vote *v)
{
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_nazar_vote, &s);
	if (r != STORE_OK)
		return r;
	int rc = sqlite3_bind_int64(s, 1, id);
	if (rc == SQLITE_OK)
		rc = bind_hex(s, 2, v->voter);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(s, 3, v->value);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 4, v->addr_group);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 5, v->created);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK)
		return r;
	return store_step_insert(st, s);
}

static enum store_result
insert_audit(struct store *st, int64_t id, const struct export_audit *x,
    struct store_nazar_result *res)
{
	int64_t uid;
	enum store_result r = user_id(st, x->user, res, &uid);
	if (r != STORE_OK)
		return r;
	const struct audit_entry e = {
		.at = x->at, .user_id = uid, .actor = (char *)x->actor,
		.remote_addr = (char *)x->remote_addr, .action = (char *)x->action,
		.comment_id = id, .target = (char *)x->target, .before = (char *)x->before,
		.after = (char *)x->after, .reason = (char *)x->reason,
	};
	return store_audit_insert(st, &e);
}

static enum store_result
subscriber(struct store *st, const struct export_comment *e)
{
	if (e->subscriber == NULL || e->c.email == NULL || e->c.email[0] == '\0')
		return STORE_OK;
	const char *const sqls[2] = { sql_nazar_subscriber_add, sql_nazar_subscriber_set };
	for (int i = 0; i < 2; i++) {
		sqlite3_stmt *s;
		enum store_result r = store_prepare(st, sqls[i], &s);
		if (r != STORE_OK)
			return r;
		int rc = store_bind_text(s, 1, e->c.email);
		if (rc == SQLITE_OK)
			rc = store_bind_text(s, 2, e->subscriber);
		if (rc == SQLITE_OK && i == 0)
			rc = sqlite3_bind_int64(s, 3, e->c.created);
		if ((r = store_bind_check(st, s, rc)) != STORE_OK ||
		    (r = store_step_done(st, s)) != STORE_OK)
			return r;
	}
	return STORE_OK;
}

/* Where the row goes: its own id when ids are kept and it is free, its
 * parent when known. */
static enum store_result
place(struct store *st, const struct export_comment *e, bool keep_ids, struct placed *p)
{
	memset(p, 0, sizeof(*p));
	bool taken = true, found;
	int64_t v;
	enum store_result r = STORE_OK;
	if (keep_ids && e->c.id > 0)
		r = one_int(st, sql_nazar_taken, 1, &e->c.id, NULL, &taken, &v);
	if (r != STORE_OK)
		return r;
	p->id = taken ? 0 : e->c.id;
	p->renumbered = taken;
	if (e->c.parent <= 0)
		return STORE_OK;
	if ((r = one_int(st, sql_nazar_map_get, 1, &e->c.parent, NULL, &found, &v)) != STORE_OK ||
	    !found)
		return r;
	const int64_t pv[5] = { v, 0, e->c.created, e->c.parent, e->c.id };
	const char *pt[5] = { NULL, e->c.article, NULL, NULL, NULL };
	if ((r = one_int(st, sql_nazar_parent_ok, 5, pv, pt, &found, &v)) == STORE_OK && found)
		p->parent = pv[0];
	return r;
}

static enum store_result
import_one(struct store *st, const struct export_comment *e, bool keep_ids,
    struct store_nazar_result *res)
{
	bool found;
	int64_t id;
	enum store_result r = known(st, e, &found, &id);
	if (r != STORE_OK)
		return r;
	if (found) {
		res->present++;
		return map_put(st, e->c.id, id, 0);
	}
	if ((unsigned)e->c.status >= COMMENT_STATUS__MAX || e->c.article == NULL)
		return STORE_ERROR;
	struct placed p;
	int64_t updated_by;
	if ((r = place(st, e, keep_ids, &p)) != STORE_OK ||
	    (r = user_id(st, e->updated_by, res, &updated_by)) != STORE_OK ||
	    (r = insert_comment(st, e, &p, updated_by, &id)) != STORE_OK)
		return r;
	for (size_t i = 0; i < e->nvotes; i++)
		if ((r = insert_vote(st, id, &e->votes[i])) != STORE_OK &&
		    r != STORE_CONFLICT)
			return r;
	for (size_t i = 0; i < e->nhistory; i++)
		if ((r = insert_history(st, id, &e->history[i], res)) != STORE_OK)
			return r;
	if ((r = insert_revision(st, id, e)) != STORE_OK)
		return r;
	for (size_t i = 0; i < e->naudit; i++)
		if ((r = insert_audit(st, id, &e->audit[i], res)) != STORE_OK)
			return r;
	sqlite3_stmt *s;
	if ((r = store_prepare(st, sql_nazar_outbox_drop, &s)) != STORE_OK ||
	    (r = store_bind_check(st, s, sqlite3_bind_int64(s, 1, id))) != STORE_OK ||
	    (r = store_step_done(st, s)) != STORE_OK ||
	    (r = subscriber(st, e)) != STORE_OK)
		return r;
	res->added[e->c.status]++;
	if (p.renumbered)
		res->renumbered++;
	if (e->c.parent > 0)
		res->replies++;
	return map_put(st, e->c.id, id, e->c.parent > 0 && p.parent == 0 ? e->c.parent : 0);
}

enum store_result
store_nazar_present(struct store *st, const struct export_comment *e, bool *present)
{
	int64_t id;
	return known(st, e, present, &id);
}

enum store_result
store_nazar_start(struct store *st)
{
	enum store_result r = store_exec(st, sql_nazar_map_drop);
	return r == STORE_OK ? store_exec(st, sql_nazar_map_create) : r;
}

/* Ids are kept when every id of the file is above those of the database:
 * an export lists its comments by id, so its first batch's smallest id
 * says it. Else every new comment gets a new id, so that none takes the
 * id a later comment of the file has. */
static enum store_result
decide_ids(struct store *st, const struct export_comment *rows, size_t n, int *keep_ids)
{
	if (*keep_ids >= 0 || n == 0)
		return STORE_OK;
	int64_t least = rows[0].c.id, most;
	for (size_t i = 1; i < n; i++)
		if (rows[i].c.id < least)
			least = rows[i].c.id;
	bool found;
	enum store_result r = one_int(st, sql_nazar_max_id, 0, NULL, NULL, &found, &most);
	if (r == STORE_OK)
		*keep_ids = most < least;
	return r;
}

enum store_result
store_nazar_batch(struct store *st, const struct export_comment *rows, size_t n,
    const struct actor *who, time_t now, const char *target, int *keep_ids,
    struct store_nazar_result *res)
{
	struct store_nazar_result here = { 0 };
	int decided = *keep_ids;
	enum store_result r = store_begin_write(st);
	if (r != STORE_OK)
		return r;
	if ((r = decide_ids(st, rows, n, keep_ids)) != STORE_OK)
		goto fail;
	for (size_t i = 0; i < n; i++)
		if ((r = import_one(st, &rows[i], *keep_ids == 1, &here)) != STORE_OK)
			goto fail;
	if ((r = store_import_commit(st, here.added, "", who, now, target)) != STORE_OK) {
		*keep_ids = decided;
		return r;
	}
	for (int i = 0; i < COMMENT_STATUS__MAX; i++)
		res->added[i] += here.added[i];
	res->present += here.present;
	res->renumbered += here.renumbered;
	res->replies += here.replies;
	res->users_unknown += here.users_unknown;
	return STORE_OK;
fail:
	store_rollback(st);
	*keep_ids = decided;
	return r;
}

enum store_result
store_nazar_link(struct store *st, int64_t *linked, int64_t *orphans)
{
	*linked = *orphans = 0;
	enum store_result r = store_begin_write(st);
	if (r != STORE_OK)
		return r;
	if ((r = store_exec(st, sql_nazar_link)) != STORE_OK)
		goto fail;
	*linked = sqlite3_changes(st->db);
	if ((r = store_exec(st, sql_nazar_linked_done)) != STORE_OK)
		goto fail;
	bool found;
	if ((r = one_int(st, sql_nazar_orphans, 0, NULL, NULL, &found, orphans)) != STORE_OK)
		goto fail;
	return store_commit(st);
fail:
	store_rollback(st);
	return r;
}
