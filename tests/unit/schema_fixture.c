/* schema_fixture.c — builds a database as nazar left it at one schema
 * version, with the rows such a database holds, for the migration test
 * (tests/unit/test_migrate.c).
 *
 *	schema_fixture VERSION PATH
 *
 * creates PATH, then for v = 0 .. VERSION - 1 runs migration step v of the
 * store (store_schema_step) and the rows of stage v + 1 below: what a
 * site running that version would have written (comments posted before an
 * upgrade stay as they were written). dev/schema-fixture dumps the file
 * as tests/fixtures/schema-vVERSION.sql, which is committed: a later
 * change to the code cannot change what the test starts from.
 *
 * A new migration N adds stage[N] below (the rows its new tables and
 * columns hold; NULL when there are none) and runs dev/schema-fixture N. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#include "store.h"
#include "store_db.h"

/* stage[v]: rows written while the schema was at version v. Times are
 * fixed (2023-11-14 and after) so that the file is the same every run,
 * except the password hashes. */
static const char *const stage[STORE_SCHEMA_VERSION + 1] = {
	[1] =
	"INSERT INTO settings (key, value) VALUES ('secret',"
	" x'6e617a61722d666978747572652d7365637265742d6f662d33322d6279746573');"
	/* A Persian thread: Arabic kaf and yeh as some keyboards type them,
	 * ZWNJ, replies three deep, a held reply, and every status. */
	"INSERT INTO comments (id, article, parent, name, email, body, status, created, updated,"
	" remote_addr, user_agent, version) VALUES"
	" (1, 'news-1402-07-15', NULL, 'علي رضايي', 'ali@example.ir',"
	"  'كتاب خوبي بود؛ ممنون از گزارش‌تان.', 'approved', 1700000000, 1700000000,"
	"  '203.0.113.5', 'Mozilla/5.0 (Android 13)', 1),"
	" (2, 'news-1402-07-15', 1, 'مریم', '', 'موافقم.\nخط دوم با «گیومه» و ۱۲۳ رقم.',"
	"  'approved', 1700000060, 1700000060, '198.51.100.7', 'Mozilla/5.0', 1),"
	" (3, 'news-1402-07-15', 2, 'Sara', 'sara@example.com',"
	"  'A reply to a reply: <b>not bold</b> & \"quoted\" ''single''.', 'approved',"
	"  1700000120, 1700000120, '2001:db8::1', 'curl/8', 1),"
	" (4, 'news-1402-07-15', 3, 'حسین', '', 'پاسخ سطح سوم 🙂', 'approved',"
	"  1700000180, 1700000180, '203.0.113.9', '', 1),"
	" (5, 'news-1402-07-15', 1, 'ناشناس', '', 'پاسخی که هنوز بررسی نشده', 'pending',"
	"  1700000240, 1700000240, '203.0.113.10', '', 1),"
	" (6, 'news-1402-07-15', NULL, 'spammer', 'x@spam.example',"
	"  'ارزان بخرید http://spam.example', 'spam', 1700000300, 1700000300,"
	"  '192.0.2.66', 'bot', 1),"
	" (7, 'news-1402-07-15', NULL, 'بی‌ادب', '', 'متنی که رد شد', 'rejected',"
	"  1700000360, 1700000420, '203.0.113.11', '', 2),"
	" (8, 'news-1402-07-15', NULL, 'کاربر', '', 'نظری که حذف شد', 'deleted',"
	"  1700000480, 1700000540, '203.0.113.12', '', 2),"
	" (9, 'en-2023-11-14-budget', NULL, 'John Smith', 'john@example.org',"
	"  'The budget figures in paragraph three do not add up.', 'approved',"
	"  1700000600, 1700000600, '198.51.100.20', 'Mozilla/5.0 (X11)', 1),"
	" (10, 'en-2023-11-14-budget', 9, 'Editor''s desk', '',"
	"  'Thanks, corrected.\r\nSee the note below.', 'approved', 1700000660, 1700000660,"
	"  '198.51.100.21', '', 1),"
	" (11, 'en-2023-11-14-budget', NULL, 'Anon', '', 'Waiting for a moderator',"
	"  'pending', 1700000720, 1700000720, '198.51.100.22', '', 1);",

	[2] =
	"INSERT INTO users (id, name, display_name, role, pwhash, disabled, created, updated)"
	" VALUES (1, 'sara', 'سارا', 'admin', '@PWHASH1@', 0, 1700001000, 1700001000),"
	" (2, 'reza', 'Reza K.', 'moderator', '@PWHASH2@', 0, 1700001010, 1700001010),"
	" (3, 'old', 'Old Mod', 'moderator', '@PWHASH2@', 1, 1700001020, 1700001500);"
	"INSERT INTO sessions (token_hash, user_id, csrf, created, last_seen, remote_addr,"
	" user_agent) VALUES"
	" (x'00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff', 1,"
	"  x'ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100',"
	"  1700001100, 1700001200, '203.0.113.50', 'Firefox'),"
	" (x'0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20', 2,"
	"  x'2122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f40',"
	"  1700001110, 1700001110, '2001:db8::50', 'Chrome');"
	"INSERT INTO login_failures (username, remote_addr, at) VALUES"
	" ('sara', '192.0.2.200', 1700001050), ('admin', '192.0.2.201', 1700001051);"
	/* The moderators' work: a decision, an edit with its history, a
	 * site reply, sign-ins and a failure, each audited. */
	"UPDATE comments SET status = 'approved', version = 2, updated = 1700001300,"
	" updated_by = 2 WHERE id = 11;"
	"INSERT INTO comment_history (comment_id, at, user_id, body) VALUES"
	" (9, 1700001400, 1, 'The budget figures in paragraph three do not add up.');"
	"UPDATE comments SET body = 'The budget figures in paragraph 3 do not add up.',"
	" version = 2, updated = 1700001400, updated_by = 1 WHERE id = 9;"
	"INSERT INTO comments (id, article, parent, name, email, body, status, created, updated,"
	" version, updated_by, site_reply, reason) VALUES"
	" (12, 'news-1402-07-15', 1, 'سارا', '', 'پاسخ تحریریه: منبع اصلاح شد.', 'approved',"
	"  1700001500, 1700001500, 1, 1, 1, ''),"
	" (13, 'news-1402-07-15', NULL, 'تبلیغ', '', 'سه پیوند www.a.example www.b.example"
	" www.c.example', 'pending', 1700001600, 1700001600, 1, NULL, 0, 'links');"
	"INSERT INTO audit (at, user_id, actor, remote_addr, action, comment_id, target, before,"
	" after, reason) VALUES"
	" (1700001050, NULL, 'sara', '192.0.2.200', 'login_failed', NULL, 'sara', '', '', ''),"
	" (1700001100, 1, 'sara', '203.0.113.50', 'login', NULL, '', '', '', ''),"
	" (1700001300, 2, 'reza', '2001:db8::50', 'approve', 11, '', 'pending', 'approved',"
	"  'ok'),"
	" (1700001400, 1, 'sara', '203.0.113.50', 'edit', 9, '', '', '', ''),"
	" (1700001500, 1, 'sara', '203.0.113.50', 'reply', 12, '', '', '', ''),"
	" (1700001500, 1, 'sara', '203.0.113.50', 'user_disable', NULL, 'old', '', '', ''),"
	" (1700001550, NULL, 'reza (nazarctl)', '', 'reject', 7, '', 'pending', 'rejected',"
	"  'توهین');",

	[3] =
	"INSERT INTO comments (id, article, parent, name, email, body, status, created, updated)"
	" VALUES (14, 'en-2023-11-14-budget', 10, 'John Smith', 'john@example.org',"
	" 'Appreciated — the table is right now.', 'approved', 1700002000, 1700002000);",

	[4] =
	/* Posted through the form: the address group and the folded text's
	 * digest; two readers who wrote the same words. */
	"INSERT INTO comments (id, article, parent, name, email, body, status, created, updated,"
	" remote_addr, addr_group, body_hash) VALUES"
	" (15, 'news-1402-07-15', NULL, 'نیما', '', 'عالی بود', 'approved', 1700003000,"
	"  1700003000, '203.0.113.77', '203.0.113.0/24', x'0f1e2d3c4b5a69788796a5b4c3d2e1f0'),"
	" (16, 'news-1402-07-15', 15, 'لیلا', '', 'عالي بود', 'approved', 1700003060,"
	"  1700003060, '2001:db8:1:2::9', '2001:db8:1:2::/64',"
	"  x'0f1e2d3c4b5a69788796a5b4c3d2e1f0'),"
	" (17, 'en-2023-11-14-budget', NULL, 'Bot', '', 'Buy now', 'spam', 1700003120,"
	"  1700003120, '192.0.2.9', '192.0.2.0/24', x'00000000000000000000000000000017');"
	"UPDATE comments SET reason = 'token-too-soon' WHERE id = 17;",

	[5] =
	"INSERT INTO blocklist (kind, pattern, folded, action, note, created, created_by) VALUES"
	" ('word', 'کلاهبردار', 'کلاهبردار', 'hold', 'یادداشت', 1700004000, 'sara'),"
	" ('email', 'spam.example', 'spam.example', 'spam', '', 1700004010, 'sara'),"
	" ('address', '192.0.2.0/24', '192.0.2.0/24', 'spam', 'botnet', 1700004020,"
	"  'reza (nazarctl)');"
	"INSERT INTO audit (at, user_id, actor, action, target) VALUES"
	" (1700004000, 1, 'sara', 'block_add', 'word کلاهبردار');"
	"INSERT INTO comments (id, article, parent, name, email, body, status, created, updated,"
	" remote_addr, addr_group, body_hash, reason) VALUES"
	" (18, 'news-1402-07-15', NULL, 'فروشنده', '', 'او یک كلاهبردار است', 'pending',"
	"  1700004100, 1700004100, '203.0.113.80', '203.0.113.0/24',"
	"  x'00000000000000000000000000000018', 'blocklist');",

	[6] =
	"INSERT INTO comments (id, article, parent, name, email, body, status, created, updated,"
	" remote_addr, addr_group, body_hash) VALUES"
	" (19, 'news-1402-07-15', 12, 'Ali', '', 'Posted once, sent twice by nginx',"
	"  'approved', 1700005000, 1700005000, '203.0.113.81', '203.0.113.0/24',"
	"  x'00000000000000000000000000000019');"
	"INSERT INTO post_keys (key, comment_id, created) VALUES"
	" (x'19191919191919191919191919191919', 19, 1700005000);",

	[7] =
	/* Mail: one moderator wants each held comment at once; a held comment
	 * after that has its outbox row (the trigger), one test mail sent. */
	"UPDATE users SET email = 'sara@example.ir', notify = 'now' WHERE id = 1;"
	"UPDATE users SET email = 'reza@example.com', notify = 'daily' WHERE id = 2;"
	"INSERT INTO comments (id, article, parent, name, email, body, status, created, updated,"
	" remote_addr, addr_group, body_hash, reason) VALUES"
	" (20, 'en-2023-11-14-budget', NULL, 'Held', '', 'A comment held for a moderator',"
	"  'pending', 1700006000, 1700006000, '198.51.100.30', '198.51.100.0/24',"
	"  x'00000000000000000000000000000020', 'links');"
	"UPDATE outbox SET token = printf('%024x', id);"
	"UPDATE outbox SET state = 'sent', attempts = 1, claimed = 1700006010, sent = 1700006011"
	" WHERE recipient = 'sara@example.ir';"
	"INSERT INTO outbox (kind, recipient, state, token, created, due, attempts, last_error)"
	" VALUES ('test', 'ops@example.ir', 'failed', 'aaaaaaaaaaaaaaaaaaaaaaaa', 1700006100,"
	"  1700006100, 8, 'smtp: 550 mailbox unavailable');",

	[8] =
	/* Imported from a WordPress export: a reply whose parent came later
	 * in the file. */
	"INSERT INTO comments (id, article, parent, name, email, body, status, created, updated,"
	" source_system, source_id, source_parent) VALUES"
	" (21, 'news-1402-07-15', NULL, 'از وردپرس', 'wp@example.ir', 'نظر قدیمی از سایت پیشین',"
	"  'approved', 1600000000, 1700007000, 'wxr', '501', NULL),"
	" (22, 'news-1402-07-15', 21, 'پاسخ وردپرس', '', 'پاسخ به نظر قدیمی', 'approved',"
	"  1600000100, 1700007000, 'wxr', '502', '501');",

	[9] =
	/* Readers' votes: two agree and one disagree on the first comment,
	 * one agree on the English one (the counts follow by the triggers). */
	"INSERT INTO votes (comment_id, voter, value, addr_group, created) VALUES"
	" (1, x'00112233445566778899aabbccddeeff', 1, '203.0.113.0/24', 1700008000),"
	" (1, x'0102030405060708090a0b0c0d0e0f10', 1, '2001:db8:1:2::/64', 1700008010),"
	" (1, x'ffeeddccbbaa99887766554433221100', -1, '198.51.100.0/24', 1700008020),"
	" (9, x'00112233445566778899aabbccddeeff', 1, '203.0.113.0/24', 1700008030);",

	[10] =
	/* A reader asked for mail about replies and confirmed; a reply was
	 * approved and announced (the triggers wrote both outbox rows); a
	 * second reader asked and never confirmed. */
	"INSERT INTO comments (id, article, parent, name, email, body, status, created, updated,"
	" remote_addr, addr_group, body_hash, notify_replies) VALUES"
	" (23, 'news-1402-08-01', NULL, 'مینا', 'Mina@Example.ir', 'از پاسخ‌ها خبرم کنید',"
	"  'approved', 1700009000, 1700009000, '203.0.113.40', '203.0.113.0/24',"
	"  x'00000000000000000000000000000023', 1),"
	" (24, 'news-1402-08-01', NULL, 'Unconfirmed', 'nobody@example.com', 'Tell me too',"
	"  'approved', 1700009010, 1700009010, '198.51.100.41', '198.51.100.0/24',"
	"  x'00000000000000000000000000000024', 1);"
	"UPDATE subscribers SET state = 'confirmed', changed = 1700009100"
	" WHERE address = 'Mina@Example.ir';"
	"INSERT INTO comments (id, article, parent, name, email, body, status, created, updated,"
	" remote_addr, addr_group, body_hash) VALUES"
	" (25, 'news-1402-08-01', 23, 'پاسخ‌دهنده', 'r@example.ir', 'پاسخ به مینا', 'pending',"
	"  1700009200, 1700009200, '203.0.113.42', '203.0.113.0/24',"
	"  x'00000000000000000000000000000025');"
	"UPDATE comments SET status = 'approved', version = 2, updated = 1700009300 WHERE id = 25;"
	"UPDATE outbox SET token = printf('%024x', id) WHERE created >= 1700009000;"
	"UPDATE outbox SET state = 'sent', attempts = 1, claimed = 1700009310, sent = 1700009311"
	" WHERE kind IN ('confirm', 'reply') AND recipient = 'Mina@Example.ir';",

	[11] =
	/* The English article's comment pinned to the top of its thread. */
	"UPDATE comments SET pinned = 1700009000, version = version + 1, updated = 1700009000,"
	" updated_by = 1 WHERE id = 9;"
	"INSERT INTO audit (at, user_id, actor, remote_addr, action, comment_id, target, after)"
	" VALUES (1700009000, 1, 'sara', '203.0.113.50', 'pin', 9, 'en-2023-11-14-budget',"
	" 'pinned');",

	[12] =
	"INSERT INTO articles (id, closed, changed) VALUES"
	" ('news/1', 1, 1700100000), ('news/2', 0, 1700100100);",

	[13] =
	/* An endpoint for held and published comments; a comment held and
	 * then approved (the triggers wrote its two webhook rows, the first
	 * delivered). */
	"INSERT INTO webhooks (url, events) VALUES"
	" ('https://hooks.example/nazar', 'held published');"
	"INSERT INTO comments (id, article, parent, name, email, body, status, created, updated,"
	" remote_addr, addr_group, body_hash) VALUES"
	" (26, 'news/1', NULL, 'Hook', 'hook@example.com', 'For the webhook', 'pending',"
	"  1700200000, 1700200000, '198.51.100.26', '198.51.100.0/24',"
	"  x'00000000000000000000000000000026');"
	"UPDATE comments SET status = 'approved', version = 2, updated = 1700200100 WHERE id = 26;"
	"UPDATE outbox SET token = printf('%024x', id) WHERE created >= 1700200000;"
	"UPDATE outbox SET state = 'sent', attempts = 1, claimed = 1700200010, sent = 1700200011"
	" WHERE kind = 'webhook' AND event = 'held';",

	[15] =
	/* A reader's own comments: one its author edited (its old text in
	 * the history, marked as theirs), one whose author's edit waits for
	 * a moderator, one its author deleted. */
	"INSERT INTO comments (id, article, parent, name, email, body, status, created, updated,"
	" remote_addr, addr_group, body_hash, version, edited) VALUES"
	" (27, 'news/1', NULL, 'ویرایشگر', '', 'متن تازه پس از ویرایش', 'approved',"
	"  1700300000, 1700300300, '198.51.100.27', '198.51.100.0/24',"
	"  x'00000000000000000000000000000027', 2, 1700300300),"
	" (28, 'news/1', NULL, 'Reviser', 'rev@example.com', 'The published text', 'approved',"
	"  1700300400, 1700300500, '198.51.100.28', '198.51.100.0/24',"
	"  x'00000000000000000000000000000028', 2, 0),"
	" (29, 'news/1', NULL, 'پشیمان', '', 'نظری که نویسنده‌اش پس گرفت', 'withdrawn',"
	"  1700300600, 1700300700, '198.51.100.29', '198.51.100.0/24',"
	"  x'00000000000000000000000000000029', 2, 0);"
	"INSERT INTO comment_history (comment_id, at, user_id, body, author) VALUES"
	" (27, 1700300300, NULL, 'متن نخست با غلط املایی', 1);"
	"INSERT INTO revisions (comment_id, body, at) VALUES"
	" (28, 'The published text, corrected', 1700300500);"
	"INSERT INTO audit (at, actor, remote_addr, action, comment_id, before, after) VALUES"
	" (1700300300, 'ویرایشگر (reader)', '198.51.100.27', 'reader_edit', 27,"
	"  'متن نخست با غلط املایی', 'متن تازه پس از ویرایش'),"
	" (1700300700, 'پشیمان (reader)', '198.51.100.29', 'withdraw', 29, 'approved', 'withdrawn');",
};

/* Runs sql with the password hashes put in for @PWHASH1@ and @PWHASH2@. */
static int
run(sqlite3 *db, const char *sql, const char *h1, const char *h2)
{
	/* Each 9-byte mark becomes at most crypto_pwhash_STRBYTES bytes. */
	size_t cap = strlen(sql) / 9 * crypto_pwhash_STRBYTES + strlen(sql) + 1, o = 0;
	char *text = malloc(cap);
	if (text == NULL)
		return -1;
	for (const char *p = sql; *p != '\0';) {
		const char *h = strncmp(p, "@PWHASH1@", 9) == 0 ? h1 :
		    strncmp(p, "@PWHASH2@", 9) == 0 ? h2 : NULL;
		if (h != NULL) {
			o += (size_t)sprintf(text + o, "%s", h);
			p += 9;
		} else
			text[o++] = *p++;
	}
	text[o] = '\0';
	char *msg = NULL;
	int rc = sqlite3_exec(db, text, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		fprintf(stderr, "schema_fixture: %s\n", msg ? msg : sqlite3_errstr(rc));
	sqlite3_free(msg);
	free(text);
	return rc == SQLITE_OK ? 0 : -1;
}

int
main(int argc, char **argv)
{
	int version = argc == 3 ? atoi(argv[1]) : 0;
	if (version < 1 || version > STORE_SCHEMA_VERSION) {
		fprintf(stderr, "usage: schema_fixture VERSION(1..%d) PATH\n",
		    STORE_SCHEMA_VERSION);
		return 2;
	}
	if (sodium_init() < 0)
		return 1;
	/* "sara" signs in with "fixture-pass-1", the others with
	 * "fixture-pass-2" (Argon2id at the cost nazar uses). */
	char h1[crypto_pwhash_STRBYTES], h2[crypto_pwhash_STRBYTES];
	if (crypto_pwhash_str(h1, "fixture-pass-1", 14, 2, 64u << 20) != 0 ||
	    crypto_pwhash_str(h2, "fixture-pass-2", 14, 2, 64u << 20) != 0)
		return 1;
	struct store *st;
	char err[256];
	if (store_open(argv[2], 1000, &st, err, sizeof(err)) != STORE_OK) {
		fprintf(stderr, "schema_fixture: %s\n", err);
		return 1;
	}
	int rc = 0;
	for (int v = 0; v < version && rc == 0; v++) {
		rc = run(st->db, store_schema_step(v), h1, h2);
		if (rc == 0 && stage[v + 1] != NULL)
			rc = run(st->db, stage[v + 1], h1, h2);
	}
	store_close(st);
	return rc == 0 ? 0 : 1;
}
