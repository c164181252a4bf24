/* store_schema.c — the schema of nazar's database, its upgrades through
 * PRAGMA user_version, the check that a database is current, and the
 * server secret kept in it; see store.h. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#include "log.h"
#include "store.h"
#include "store_db.h"
#include "store_file.h"

#define SECRET_BYTES 32

static const char sql_user_version[] = "PRAGMA user_version";
static const char sql_application_id[] = "PRAGMA application_id";
static const char sql_application_id_set[] = "PRAGMA application_id = 1851882098";
static const char sql_secret_get[] = "SELECT value FROM settings WHERE key = 'secret'";
static const char sql_secret_put[] = "INSERT INTO settings (key, value) VALUES ('secret', ?1)";

/* The schema history: migrations[v] takes a database from user_version v to
 * v + 1. Later versions append steps; a released step never changes. */
static const char *const migrations[] = {
	/* 0 → 1 */
	"CREATE TABLE comments ("
	" id INTEGER PRIMARY KEY,"
	" article TEXT NOT NULL,"
	" parent INTEGER REFERENCES comments(id),"
	" name TEXT NOT NULL,"
	" email TEXT NOT NULL DEFAULT '',"
	" body TEXT NOT NULL,"
	" status TEXT NOT NULL"
	"  CHECK (status IN ('pending','approved','rejected','spam','deleted')),"
	" created INTEGER NOT NULL,"
	" updated INTEGER NOT NULL,"
	" remote_addr TEXT NOT NULL DEFAULT '',"
	" user_agent TEXT NOT NULL DEFAULT '',"
	" version INTEGER NOT NULL DEFAULT 1);"
	"CREATE INDEX comments_thread ON comments (article, status, parent, created, id);"
	"CREATE INDEX comments_queue ON comments (status, created);"
	"CREATE INDEX comments_parent ON comments (parent);"
	"CREATE TABLE settings (key TEXT PRIMARY KEY, value BLOB NOT NULL);"
	"PRAGMA user_version = 1;",

	/* 1 → 2: moderators, their sessions and sign-in failures, the audit
	 * trail, edit history, site replies, and the search index.
	 * comments_fts holds the folded name, e-mail and text of each comment
	 * under its id; the triggers keep it in step through nazar_fold(), an
	 * SQL function every nazar connection registers (see fold.h). The
	 * status counts make the queue's tabs cost nothing on a big table. */
	"CREATE TABLE users ("
	" id INTEGER PRIMARY KEY,"
	" name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	" display_name TEXT NOT NULL,"
	" role TEXT NOT NULL CHECK (role IN ('admin','moderator')),"
	" pwhash TEXT NOT NULL,"
	" disabled INTEGER NOT NULL DEFAULT 0,"
	" created INTEGER NOT NULL,"
	" updated INTEGER NOT NULL);"
	"CREATE TABLE sessions ("
	" token_hash BLOB PRIMARY KEY,"
	" user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	" csrf BLOB NOT NULL,"
	" created INTEGER NOT NULL,"
	" last_seen INTEGER NOT NULL,"
	" remote_addr TEXT NOT NULL DEFAULT '',"
	" user_agent TEXT NOT NULL DEFAULT '') WITHOUT ROWID;"
	"CREATE INDEX sessions_user ON sessions (user_id);"
	"CREATE TABLE login_failures ("
	" id INTEGER PRIMARY KEY,"
	" username TEXT NOT NULL,"
	" remote_addr TEXT NOT NULL,"
	" at INTEGER NOT NULL);"
	"CREATE INDEX login_failures_user ON login_failures (username, at);"
	"CREATE INDEX login_failures_addr ON login_failures (remote_addr, at);"
	"CREATE TABLE audit ("
	" id INTEGER PRIMARY KEY,"
	" at INTEGER NOT NULL,"
	" user_id INTEGER REFERENCES users(id),"
	" actor TEXT NOT NULL,"
	" remote_addr TEXT NOT NULL DEFAULT '',"
	" action TEXT NOT NULL,"
	" comment_id INTEGER,"
	" target TEXT NOT NULL DEFAULT '',"
	" before TEXT NOT NULL DEFAULT '',"
	" after TEXT NOT NULL DEFAULT '',"
	" reason TEXT NOT NULL DEFAULT '');"
	"CREATE INDEX audit_user ON audit (user_id, id);"
	"CREATE INDEX audit_comment ON audit (comment_id, id);"
	"CREATE TABLE comment_history ("
	" id INTEGER PRIMARY KEY,"
	" comment_id INTEGER NOT NULL REFERENCES comments(id),"
	" at INTEGER NOT NULL,"
	" user_id INTEGER REFERENCES users(id),"
	" body TEXT NOT NULL);"
	"CREATE INDEX comment_history_comment ON comment_history (comment_id, id);"
	"ALTER TABLE comments ADD COLUMN updated_by INTEGER REFERENCES users(id);"
	"ALTER TABLE comments ADD COLUMN site_reply INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE comments ADD COLUMN reason TEXT NOT NULL DEFAULT '';"
	"CREATE TABLE status_counts (status TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;"
	"INSERT INTO status_counts (status, n) VALUES"
	" ('pending', 0), ('approved', 0), ('rejected', 0), ('spam', 0), ('deleted', 0);"
	"UPDATE status_counts SET n = (SELECT count(*) FROM comments c"
	" WHERE c.status = status_counts.status);"
	"CREATE TRIGGER comments_count_insert AFTER INSERT ON comments BEGIN"
	" UPDATE status_counts SET n = n + 1 WHERE status = new.status; END;"
	"CREATE TRIGGER comments_count_delete AFTER DELETE ON comments BEGIN"
	" UPDATE status_counts SET n = n - 1 WHERE status = old.status; END;"
	"CREATE TRIGGER comments_count_update AFTER UPDATE OF status ON comments"
	" WHEN old.status <> new.status BEGIN"
	" UPDATE status_counts SET n = n - 1 WHERE status = old.status;"
	" UPDATE status_counts SET n = n + 1 WHERE status = new.status; END;"
	"CREATE VIRTUAL TABLE comments_fts USING fts5 (folded, tokenize = 'unicode61');"
	"INSERT INTO comments_fts (rowid, folded)"
	" SELECT id, nazar_fold(name || ' ' || email || ' ' || body) FROM comments;"
	"CREATE TRIGGER comments_fts_insert AFTER INSERT ON comments BEGIN"
	" INSERT INTO comments_fts (rowid, folded)"
	" VALUES (new.id, nazar_fold(new.name || ' ' || new.email || ' ' || new.body)); END;"
	"CREATE TRIGGER comments_fts_update AFTER UPDATE OF name, email, body ON comments BEGIN"
	" DELETE FROM comments_fts WHERE rowid = old.id;"
	" INSERT INTO comments_fts (rowid, folded)"
	" VALUES (new.id, nazar_fold(new.name || ' ' || new.email || ' ' || new.body)); END;"
	"CREATE TRIGGER comments_fts_delete AFTER DELETE ON comments BEGIN"
	" DELETE FROM comments_fts WHERE rowid = old.id; END;"
	"PRAGMA user_version = 2;",

	/* 2 → 3: the queue's tabs other than pending list the newest change
	 * first (ORDER BY updated DESC, id DESC); without this index every page
	 * sorts the whole tab (0.4 s for 850,000 approved comments). */
	"CREATE INDEX comments_changed ON comments (status, updated);"
	"PRAGMA user_version = 3;",

	/* 3 → 4: what the anti-spam checks count (antispam.h): the client's
	 * address group and a digest of the folded text of each new comment,
	 * indexed by time; and approved comments by author for trusted mode.
	 * Older comments have neither and never count towards a limit. */
	"ALTER TABLE comments ADD COLUMN addr_group TEXT;"
	"ALTER TABLE comments ADD COLUMN body_hash BLOB;"
	"CREATE INDEX comments_addr ON comments (addr_group, created);"
	"CREATE INDEX comments_addr_article ON comments (addr_group, article, created);"
	"CREATE INDEX comments_body_hash ON comments (body_hash, created);"
	"CREATE INDEX comments_author ON comments (lower(email), name)"
	" WHERE status = 'approved';"
	"PRAGMA user_version = 4;",

	/* 4 → 5: the blocklist (store_blocklist.h), unique per kind in its
	 * canonical form, and a generation the triggers raise on every change
	 * (hand edits too) so the workers know when to compile it again. */
	"CREATE TABLE blocklist ("
	" id INTEGER PRIMARY KEY,"
	" kind TEXT NOT NULL CHECK (kind IN ('word','email','address')),"
	" pattern TEXT NOT NULL,"
	" folded TEXT NOT NULL,"
	" action TEXT NOT NULL CHECK (action IN ('hold','spam')),"
	" note TEXT NOT NULL DEFAULT '',"
	" created INTEGER NOT NULL,"
	" created_by TEXT NOT NULL DEFAULT '');"
	"CREATE UNIQUE INDEX blocklist_kind_folded ON blocklist (kind, folded);"
	"INSERT OR IGNORE INTO settings (key, value) VALUES ('blocklist_generation', 0);"
	"CREATE TRIGGER blocklist_generation_insert AFTER INSERT ON blocklist BEGIN"
	" UPDATE settings SET value = value + 1 WHERE key = 'blocklist_generation'; END;"
	"CREATE TRIGGER blocklist_generation_update AFTER UPDATE ON blocklist BEGIN"
	" UPDATE settings SET value = value + 1 WHERE key = 'blocklist_generation'; END;"
	"CREATE TRIGGER blocklist_generation_delete AFTER DELETE ON blocklist BEGIN"
	" UPDATE settings SET value = value + 1 WHERE key = 'blocklist_generation'; END;"
	"PRAGMA user_version = 5;",

	/* 5 → 6: the key of each posted form with the comment it stored
	 * (antispam_post_key), so that the same post sent again (nginx
	 * retrying after a crash) is answered with that comment instead of a
	 * duplicate; kept as long as a form lives. And the file's
	 * application id, "nazr", which tells a nazar database from any other
	 * SQLite file (store_file.h). */
	"CREATE TABLE post_keys ("
	" key BLOB PRIMARY KEY,"
	" comment_id INTEGER NOT NULL,"
	" created INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX post_keys_created ON post_keys (created);"
	"PRAGMA application_id = 1851882098;"
	"PRAGMA user_version = 6;",

	/* 6 → 7: the outbox (store_outbox.h). A notification is a row written
	 * in the transaction of the event that causes it — a held comment's
	 * rows by the trigger below, one per moderator who asked for mail —
	 * and delivered later by nazarctl mail send: claimed (sending), sent,
	 * or back to pending with a later due time, failed after the last
	 * attempt. Digest rows wait until their hour or day is over and are
	 * then merged into one digest row. token makes the Message-ID, the
	 * same on every attempt. users.notify: none, now, hourly, daily.
	 * Webhook rows (kind webhook, the event's name in event) are for the
	 * steps that add their triggers. */
	"ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE users ADD COLUMN notify TEXT NOT NULL DEFAULT 'none'"
	" CHECK (notify IN ('none','now','hourly','daily'));"
	"CREATE TABLE outbox ("
	" id INTEGER PRIMARY KEY,"
	" kind TEXT NOT NULL CHECK (kind IN ('held','digest','test','webhook')),"
	" event TEXT NOT NULL DEFAULT '',"
	" recipient TEXT NOT NULL,"
	" user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,"
	" comment_id INTEGER,"
	" batch TEXT NOT NULL DEFAULT 'now' CHECK (batch IN ('now','hourly','daily')),"
	" state TEXT NOT NULL DEFAULT 'pending'"
	"  CHECK (state IN ('pending','sending','sent','failed','merged','dropped')),"
	" token TEXT NOT NULL DEFAULT (lower(hex(randomblob(12)))),"
	" created INTEGER NOT NULL,"
	" due INTEGER NOT NULL,"
	" attempts INTEGER NOT NULL DEFAULT 0,"
	" claimed INTEGER,"
	" sent INTEGER,"
	" last_error TEXT NOT NULL DEFAULT '',"
	" digest_of INTEGER REFERENCES outbox(id));"
	"CREATE INDEX outbox_due ON outbox (state, due);"
	"CREATE INDEX outbox_digest ON outbox (digest_of) WHERE digest_of IS NOT NULL;"
	"CREATE TRIGGER outbox_held AFTER INSERT ON comments WHEN new.status = 'pending' BEGIN"
	" INSERT INTO outbox (kind, recipient, user_id, comment_id, batch, created, due)"
	" SELECT 'held', u.email, u.id, new.id, u.notify, new.created,"
	"  CASE u.notify WHEN 'hourly' THEN (new.created / 3600 + 1) * 3600"
	"   WHEN 'daily' THEN (new.created / 86400 + 1) * 86400 ELSE new.created END"
	" FROM users u WHERE u.disabled = 0 AND u.email <> '' AND u.notify <> 'none'; END;"
	"PRAGMA user_version = 7;",

	/* 7 → 8: where an imported comment came from (store_import.h): the
	 * system ("wxr", "disqus", "nazar" …), its id there and its parent's
	 * id there, so that a second import of the same file adds nothing
	 * and replies find their parents whatever the order of the file.
	 * NULL for comments posted here. */
	"ALTER TABLE comments ADD COLUMN source_system TEXT;"
	"ALTER TABLE comments ADD COLUMN source_id TEXT;"
	"ALTER TABLE comments ADD COLUMN source_parent TEXT;"
	"CREATE UNIQUE INDEX comments_source ON comments (source_system, source_id)"
	" WHERE source_id IS NOT NULL;"
	"PRAGMA user_version = 8;",

	/* 8 → 9: readers' votes (store_votes.h). One row per comment and
	 * reader (the random id in the reader's signed cookie, reader.h):
	 * +1 agree, -1 disagree; a withdrawn vote is no row. addr_group and
	 * created count a group's new votes for its limits. The counts are
	 * kept on the comment by the triggers, in the vote's own
	 * transaction, so a thread page never counts votes. */
	"ALTER TABLE comments ADD COLUMN agree INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE comments ADD COLUMN disagree INTEGER NOT NULL DEFAULT 0;"
	"CREATE TABLE votes ("
	" comment_id INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,"
	" voter BLOB NOT NULL,"
	" value INTEGER NOT NULL CHECK (value IN (-1, 1)),"
	" addr_group TEXT NOT NULL,"
	" created INTEGER NOT NULL,"
	" PRIMARY KEY (comment_id, voter)) WITHOUT ROWID;"
	"CREATE INDEX votes_addr ON votes (addr_group, created);"
	"CREATE INDEX votes_addr_comment ON votes (addr_group, comment_id, created);"
	"CREATE TRIGGER votes_count_insert AFTER INSERT ON votes BEGIN"
	" UPDATE comments SET agree = agree + (new.value = 1),"
	"  disagree = disagree + (new.value = -1) WHERE id = new.comment_id; END;"
	"CREATE TRIGGER votes_count_delete AFTER DELETE ON votes BEGIN"
	" UPDATE comments SET agree = agree - (old.value = 1),"
	"  disagree = disagree - (old.value = -1) WHERE id = old.comment_id; END;"
	"CREATE TRIGGER votes_count_update AFTER UPDATE OF value ON votes BEGIN"
	" UPDATE comments SET agree = agree - (old.value = 1) + (new.value = 1),"
	"  disagree = disagree - (old.value = -1) + (new.value = -1)"
	"  WHERE id = new.comment_id; END;"
	"PRAGMA user_version = 9;",

	/* 9 → 10: mail to readers about replies (store_subscribers.h). A
	 * comment whose author ticked "tell me about replies" has
	 * notify_replies; its address becomes a subscriber, unconfirmed until
	 * the link of the confirmation mail is followed (double opt-in), or
	 * stopped for good by its "stop all mail" link. The address is kept
	 * as typed, like the comment's own e-mail: the sender must know it.
	 * The outbox learns two kinds: confirm (at most one a day per
	 * unconfirmed address) and reply (one per published reply to a
	 * comment of a confirmed subscriber who asked, written by the
	 * triggers below in the transaction that publishes the reply: a post
	 * published at once, an approval, a site reply). The outbox is made
	 * again for its new kind check: renamed with legacy_alter_table, so
	 * the triggers that write to it keep naming "outbox". */
	"ALTER TABLE comments ADD COLUMN notify_replies INTEGER NOT NULL DEFAULT 0;"
	"CREATE TABLE subscribers ("
	" id INTEGER PRIMARY KEY,"
	" address TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	" state TEXT NOT NULL DEFAULT 'unconfirmed'"
	"  CHECK (state IN ('unconfirmed','confirmed','stopped')),"
	" created INTEGER NOT NULL,"
	" asked INTEGER NOT NULL DEFAULT 0,"
	" changed INTEGER NOT NULL);"
	"PRAGMA legacy_alter_table = ON;"
	"ALTER TABLE outbox RENAME TO outbox_old;"
	"DROP INDEX outbox_due;"
	"DROP INDEX outbox_digest;"
	"CREATE TABLE outbox ("
	" id INTEGER PRIMARY KEY,"
	" kind TEXT NOT NULL"
	"  CHECK (kind IN ('held','digest','test','webhook','confirm','reply')),"
	" event TEXT NOT NULL DEFAULT '',"
	" recipient TEXT NOT NULL,"
	" user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,"
	" comment_id INTEGER,"
	" batch TEXT NOT NULL DEFAULT 'now' CHECK (batch IN ('now','hourly','daily')),"
	" state TEXT NOT NULL DEFAULT 'pending'"
	"  CHECK (state IN ('pending','sending','sent','failed','merged','dropped')),"
	" token TEXT NOT NULL DEFAULT (lower(hex(randomblob(12)))),"
	" created INTEGER NOT NULL,"
	" due INTEGER NOT NULL,"
	" attempts INTEGER NOT NULL DEFAULT 0,"
	" claimed INTEGER,"
	" sent INTEGER,"
	" last_error TEXT NOT NULL DEFAULT '',"
	" digest_of INTEGER REFERENCES outbox(id));"
	"INSERT INTO outbox SELECT * FROM outbox_old;"
	"DROP TABLE outbox_old;"
	"PRAGMA legacy_alter_table = OFF;"
	"CREATE INDEX outbox_due ON outbox (state, due);"
	"CREATE INDEX outbox_digest ON outbox (digest_of) WHERE digest_of IS NOT NULL;"
	"CREATE INDEX outbox_comment ON outbox (comment_id, kind) WHERE comment_id IS NOT NULL;"
	"CREATE INDEX outbox_recipient ON outbox (recipient COLLATE NOCASE, sent)"
	" WHERE kind IN ('confirm','reply');"
	"CREATE TRIGGER reader_subscribe AFTER INSERT ON comments"
	" WHEN new.notify_replies = 1 AND new.email <> ''"
	"  AND new.status IN ('pending','approved') BEGIN"
	" INSERT OR IGNORE INTO subscribers (address, created, changed)"
	"  VALUES (new.email, new.created, new.created);"
	" INSERT INTO outbox (kind, recipient, comment_id, created, due)"
	"  SELECT 'confirm', s.address, new.id, new.created, new.created FROM subscribers s"
	"  WHERE s.address = new.email AND s.state = 'unconfirmed'"
	"  AND s.asked <= new.created - 86400;"
	" UPDATE subscribers SET asked = new.created WHERE address = new.email"
	"  AND state = 'unconfirmed' AND asked <= new.created - 86400; END;"
	"CREATE TRIGGER reply_published AFTER INSERT ON comments"
	" WHEN new.status = 'approved' AND new.parent IS NOT NULL BEGIN"
	" INSERT INTO outbox (kind, recipient, comment_id, created, due)"
	"  SELECT 'reply', s.address, new.id, new.updated, new.updated"
	"  FROM comments p JOIN subscribers s ON s.address = p.email"
	"  WHERE p.id = new.parent AND p.notify_replies = 1 AND s.state = 'confirmed'"
	"  AND lower(p.email) <> lower(new.email); END;"
	"CREATE TRIGGER reply_approved AFTER UPDATE OF status ON comments"
	" WHEN new.status = 'approved' AND old.status <> 'approved'"
	"  AND new.parent IS NOT NULL BEGIN"
	" INSERT INTO outbox (kind, recipient, comment_id, created, due)"
	"  SELECT 'reply', s.address, new.id, new.updated, new.updated"
	"  FROM comments p JOIN subscribers s ON s.address = p.email"
	"  WHERE p.id = new.parent AND p.notify_replies = 1 AND s.state = 'confirmed'"
	"  AND lower(p.email) <> lower(new.email)"
	"  AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.comment_id = new.id"
	"   AND o.kind = 'reply'); END;"
	"PRAGMA user_version = 10;",

	/* 10 → 11: pinned comments and the thread's other orders. pinned is 0,
	 * or the time a moderator pinned the comment (store_pin_comment):
	 * pinned comments come first, in the order they were pinned.
	 * comments_agreed pages an article's published top-level comments
	 * most agreed first without sorting them all (oldest and newest
	 * first read comments_thread, forwards or backwards); comments_pinned
	 * finds an article's few pinned ones. */
	"ALTER TABLE comments ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;"
	"CREATE INDEX comments_agreed ON comments (article, agree DESC, created, id)"
	" WHERE status = 'approved' AND parent IS NULL;"
	"CREATE INDEX comments_pinned ON comments (article, pinned) WHERE pinned > 0;"
	"PRAGMA user_version = 11;",

	/* 11 → 12: an article's own state, kept apart from its comments: a
	 * thread a moderator closed to new comments (closed = 1), and when
	 * that last changed. An article without a row is open. */
	"CREATE TABLE articles ("
	" id TEXT PRIMARY KEY,"
	" closed INTEGER NOT NULL DEFAULT 0 CHECK (closed IN (0, 1)),"
	" changed INTEGER NOT NULL) WITHOUT ROWID;"
	"PRAGMA user_version = 12;",

	/* 12 → 13: webhooks (notify.h). webhooks mirrors the [webhook]
	 * section of the configuration (store_webhooks_set, at start and
	 * before each sender's run): one row per endpoint with its events,
	 * space-separated. The triggers write one outbox row of kind webhook
	 * per endpoint that asked for the event, in the event's transaction:
	 * held (a comment posted for moderation), published (posted at once
	 * or approved), reply (the same for a reply), rejected. The row's
	 * recipient is the endpoint's URL; the sender drops a row whose URL
	 * the configuration no longer has. */
	"CREATE TABLE webhooks ("
	" url TEXT PRIMARY KEY,"
	" events TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE TRIGGER webhook_insert AFTER INSERT ON comments"
	" WHEN new.status IN ('pending','approved') BEGIN"
	" INSERT INTO outbox (kind, event, recipient, comment_id, created, due)"
	"  SELECT 'webhook', e.name, w.url, new.id, new.created, new.created"
	"  FROM webhooks w, (SELECT 'held' AS name WHERE new.status = 'pending'"
	"   UNION ALL SELECT 'published' WHERE new.status = 'approved'"
	"   UNION ALL SELECT 'reply' WHERE new.status = 'approved'"
	"    AND new.parent IS NOT NULL) e"
	"  WHERE instr(' ' || w.events || ' ', ' ' || e.name || ' ') > 0; END;"
	"CREATE TRIGGER webhook_status AFTER UPDATE OF status ON comments"
	" WHEN new.status <> old.status AND new.status IN ('approved','rejected') BEGIN"
	" INSERT INTO outbox (kind, event, recipient, comment_id, created, due)"
	"  SELECT 'webhook', e.name, w.url, new.id, new.updated, new.updated"
	"  FROM webhooks w, (SELECT 'published' AS name WHERE new.status = 'approved'"
	"   UNION ALL SELECT 'reply' WHERE new.status = 'approved'"
	"    AND new.parent IS NOT NULL"
	"   UNION ALL SELECT 'rejected' WHERE new.status = 'rejected') e"
	"  WHERE instr(' ' || w.events || ' ', ' ' || e.name || ' ') > 0; END;"
	"PRAGMA user_version = 13;",

	/* 13 → 14: the search index carries each comment's status and
	 * article, so that a search in a tab (and an article) is one FTS5
	 * query, its matches in id order without a look-up per match: a word
	 * in a third of a million comments took 0.2-0.4 s for its first page.
	 * They are tokens no folded word can be: "_" (which folding turns
	 * into a space, and the tokenizer here keeps in a word) and the
	 * status ("_approved"), or "_" and the article id's bytes in hex.
	 * The index is rebuilt from the comments. */
	"DROP TRIGGER comments_fts_insert;"
	"DROP TRIGGER comments_fts_update;"
	"DROP TRIGGER comments_fts_delete;"
	"DROP TABLE comments_fts;"
	"CREATE VIRTUAL TABLE comments_fts USING fts5 (folded, status, article,"
	" tokenize = \"unicode61 tokenchars '_'\");"
	"INSERT INTO comments_fts (rowid, folded, status, article)"
	" SELECT id, nazar_fold(name || ' ' || email || ' ' || body), '_' || status,"
	" '_' || hex(article) FROM comments;"
	"CREATE TRIGGER comments_fts_insert AFTER INSERT ON comments BEGIN"
	" INSERT INTO comments_fts (rowid, folded, status, article)"
	" VALUES (new.id, nazar_fold(new.name || ' ' || new.email || ' ' || new.body),"
	" '_' || new.status, '_' || hex(new.article)); END;"
	"CREATE TRIGGER comments_fts_update AFTER UPDATE OF name, email, body, status, article"
	" ON comments BEGIN"
	" DELETE FROM comments_fts WHERE rowid = old.id;"
	" INSERT INTO comments_fts (rowid, folded, status, article)"
	" VALUES (new.id, nazar_fold(new.name || ' ' || new.email || ' ' || new.body),"
	" '_' || new.status, '_' || hex(new.article)); END;"
	"CREATE TRIGGER comments_fts_delete AFTER DELETE ON comments BEGIN"
	" DELETE FROM comments_fts WHERE rowid = old.id; END;"
	"PRAGMA user_version = 14;",

	/* 14 → 15: a reader's own comment (store_reader_change). A comment
	 * its author deleted has a status of its own, withdrawn: the status
	 * check of migration 1 is widened in place, the way SQLite documents
	 * for loosening a CHECK constraint (writable_schema, then the schema
	 * reloaded); every row that passed the old check passes the new one.
	 * The temporary table proves the new text is there, or fails the
	 * step. edited is when its author last changed its text (0: never);
	 * comment_history.author marks the texts its author replaced.
	 * revisions holds an author's edit of a published comment that waits
	 * for a moderator (pre-moderation), the published text staying until
	 * it is approved. */
	"PRAGMA writable_schema = ON;"
	"UPDATE sqlite_master SET sql = replace(sql, '''spam'',''deleted'')',"
	" '''spam'',''deleted'',''withdrawn'')') WHERE type = 'table' AND name = 'comments';"
	"PRAGMA writable_schema = RESET;"
	"CREATE TEMP TABLE widened (found INTEGER NOT NULL CHECK (found > 0));"
	"INSERT INTO widened SELECT instr(sql, '''withdrawn''') FROM sqlite_master"
	" WHERE type = 'table' AND name = 'comments';"
	"DROP TABLE widened;"
	"INSERT INTO status_counts (status, n) VALUES ('withdrawn', 0);"
	"ALTER TABLE comments ADD COLUMN edited INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE comment_history ADD COLUMN author INTEGER NOT NULL DEFAULT 0;"
	"CREATE TABLE revisions ("
	" comment_id INTEGER PRIMARY KEY REFERENCES comments(id),"
	" body TEXT NOT NULL,"
	" at INTEGER NOT NULL);"
	"PRAGMA user_version = 15;",
};

_Static_assert(sizeof(migrations) / sizeof(migrations[0]) == STORE_SCHEMA_VERSION,
    "one migration step per schema version");
_Static_assert(STORE_APPLICATION_ID == 1851882098, "the id migration 6 sets");
_Static_assert(crypto_auth_KEYBYTES == SECRET_BYTES, "the secret is a crypto_auth key");

const char *
store_schema_step(int from)
{
	return from >= 0 && from < STORE_SCHEMA_VERSION ? migrations[from] : NULL;
}

static enum store_result
user_version(struct store *st, int *v)
{
	sqlite3_stmt *s;
	int64_t version;
	enum store_result r = store_prepare(st, sql_user_version, &s);
	if (r != STORE_OK || (r = store_step_ints(st, s, &version, 1)) != STORE_OK)
		return r == STORE_NOT_FOUND ? STORE_ERROR : r;
	*v = (int)version;
	return STORE_OK;
}

/* Creates the secret unless there is one; inside the migration transaction. */
static enum store_result
ensure_secret(struct store *st)
{
	unsigned char key[SECRET_BYTES];
	enum store_result r = store_secret(st, key);
	sodium_memzero(key, sizeof(key));
	if (r != STORE_NOT_FOUND)
		return r;
	sqlite3_stmt *s;
	if ((r = store_prepare(st, sql_secret_put, &s)) != STORE_OK)
		return r;
	randombytes_buf(key, sizeof(key));
	int rc = sqlite3_bind_blob(s, 1, key, sizeof(key), SQLITE_TRANSIENT);
	sodium_memzero(key, sizeof(key));
	if ((r = store_bind_check(st, s, rc)) != STORE_OK)
		return r;
	return store_step_done(st, s);
}

/* A current file whose application id is 0 (cleared, or made by hand)
 * gets nazar's; store_file_verify refused any other id before. */
static enum store_result
ensure_application_id(struct store *st)
{
	sqlite3_stmt *s;
	int64_t id;
	enum store_result r = store_prepare(st, sql_application_id, &s);
	if (r != STORE_OK || (r = store_step_ints(st, s, &id, 1)) != STORE_OK)
		return r == STORE_NOT_FOUND ? STORE_ERROR : r;
	if (id != 0)
		return STORE_OK;
	char *msg = NULL;
	int rc = sqlite3_exec(st->db, sql_application_id_set, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		log_error("database: setting the application id: %s",
		    msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return (rc & 0xff) == SQLITE_BUSY ? STORE_BUSY : STORE_ERROR;
	}
	return STORE_OK;
}

/* Runs the migration steps from version v to the current one. */
static enum store_result
upgrade(struct store *st, int v, int to, char *err, size_t errlen)
{
	for (; v < to; v++) {
		char *msg = NULL;
		int rc = sqlite3_exec(st->db, migrations[v], NULL, NULL, &msg);
		if (rc != SQLITE_OK) {
			log_error("database: migration %d to %d: %s", v, v + 1,
			    msg ? msg : sqlite3_errstr(rc));
			sqlite3_free(msg);
			snprintf(err, errlen, "migration from schema version %d to %d failed",
			    v, v + 1);
			return (rc & 0xff) == SQLITE_BUSY ? STORE_BUSY : STORE_ERROR;
		}
	}
	return STORE_OK;
}

enum store_result
store_migrate(struct store *st, int *from, char *err, size_t errlen)
{
	return store_migrate_to(st, STORE_SCHEMA_VERSION, from, err, errlen);
}

enum store_result
store_migrate_to(struct store *st, int to, int *from, char *err, size_t errlen)
{
	if (errlen > 0)
		err[0] = '\0';
	*from = 0;
	/* The write lock first: two processes starting at once must not both
	 * see version 0 and both create tables. */
	enum store_result r = store_begin_write(st);
	if (r != STORE_OK)
		goto fail;
	int v;
	if ((r = user_version(st, &v)) != STORE_OK)
		goto fail;
	*from = v;
	if (v > STORE_SCHEMA_VERSION) {
		snprintf(err, errlen,
		    "database schema version %d is newer than this nazar (%d); upgrade nazar",
		    v, STORE_SCHEMA_VERSION);
		r = STORE_ERROR;
		goto fail;
	}
	if (v < 0) {
		snprintf(err, errlen, "database schema version %d is not valid", v);
		r = STORE_ERROR;
		goto fail;
	}
	if (to < 1 || to > STORE_SCHEMA_VERSION) {
		snprintf(err, errlen, "no schema version %d", to);
		r = STORE_ERROR;
		goto fail;
	}
	if ((r = upgrade(st, v, to, err, errlen)) != STORE_OK)
		goto fail;
	if ((r = ensure_application_id(st)) != STORE_OK)
		goto fail;
	if ((r = ensure_secret(st)) != STORE_OK)
		goto fail;
	if ((r = store_commit(st)) != STORE_OK)
		goto fail;
	return STORE_OK;

fail:
	store_rollback(st);
	if (errlen > 0 && err[0] == '\0')
		snprintf(err, errlen, "the database schema could not be %s (see the log)",
		    r == STORE_BUSY ? "updated while the database is locked" : "updated");
	return r;
}

enum store_result
store_check_schema(struct store *st, char *err, size_t errlen)
{
	if (errlen > 0)
		err[0] = '\0';
	int v;
	enum store_result r = user_version(st, &v);
	if (r != STORE_OK) {
		snprintf(err, errlen, "the database schema version could not be read");
		return r;
	}
	if (v == STORE_SCHEMA_VERSION)
		return STORE_OK;
	if (v > STORE_SCHEMA_VERSION)
		snprintf(err, errlen,
		    "database schema version %d is newer than this nazar (%d); upgrade nazar",
		    v, STORE_SCHEMA_VERSION);
	else
		snprintf(err, errlen,
		    "database schema version %d is older than this nazar (%d); run nazarctl init",
		    v, STORE_SCHEMA_VERSION);
	return STORE_ERROR;
}

enum store_result
store_secret(struct store *st, unsigned char key[32])
{
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_secret_get, &s);
	if (r != STORE_OK || (r = store_step_one(st, s)) != STORE_OK)
		return r;
	if (sqlite3_column_type(s, 0) == SQLITE_BLOB &&
	    sqlite3_column_bytes(s, 0) == SECRET_BYTES)
		memcpy(key, sqlite3_column_blob(s, 0), SECRET_BYTES);
	else {
		log_error("database: the stored secret is not %d bytes", SECRET_BYTES);
		r = STORE_ERROR;
	}
	store_stmt_done(s);
	return r;
}
