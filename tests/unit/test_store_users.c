/* test_store_users.c — moderators, sessions and failed sign-ins against a
 * real SQLite file: names without regard to case, passwords and disabling
 * that end sessions, the last admin kept, session lifetimes, failure
 * counts in a window and the throttle they drive. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "arena.h"
#include "auth.h"
#include "store.h"
#include "store_audit.h"
#include "store_users.h"
#include "store_fixture.h"

#define T0 1700000000
#define WINDOW 900

/* Who acts in these tests: the operator's command line. */
static const struct actor op = { 0, "nazarctl", "" };


static int
setup(void **state)
{
	*state = store_fixture_new("users");
	return 0;
}

static int
teardown(void **state)
{
	store_fixture_free(*state);
	return 0;
}

/* Hashes are opaque to the store: any text will do, and no Argon2 runs. */
static int64_t
add_user(struct store_fixture *f, const char *name, enum auth_role role)
{
	int64_t id = 0;
	char hash[64];
	snprintf(hash, sizeof(hash), "$argon2id$hash-of-%s", name);
	assert_int_equal(store_user_add(f->st, name, NULL, role, hash, &op, T0, &id), STORE_OK);
	assert_true(id > 0);
	return id;
}

static void
token(unsigned char h[AUTH_TOKEN_BYTES], int n)
{
	memset(h, 0, AUTH_TOKEN_BYTES);
	h[0] = (unsigned char)n;
	h[31] = (unsigned char)(n * 7);
}

static void
new_session(struct store_fixture *f, int n, int64_t user, time_t when)
{
	unsigned char h[AUTH_TOKEN_BYTES], csrf[AUTH_TOKEN_BYTES];
	token(h, n);
	memset(csrf, n, sizeof(csrf));
	assert_int_equal(store_session_create(f->st, h, user, csrf, "192.0.2.1", "UA", when),
	    STORE_OK);
}

static enum store_result
get_session(struct store_fixture *f, int n, struct session *s)
{
	unsigned char h[AUTH_TOKEN_BYTES];
	token(h, n);
	return store_session_get(f->st, h, s);
}

static bool
has_session(struct store_fixture *f, int n)
{
	struct session s;
	enum store_result r = get_session(f, n, &s);
	assert_true(r == STORE_OK || r == STORE_NOT_FOUND);
	return r == STORE_OK;
}

static int
raw_int(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	int v = -1;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

/* --- users --- */

static void
user_add_get(void **state)
{
	struct store_fixture *f = *state;
	int64_t id = 0;
	assert_int_equal(store_user_add(f->st, "Maryam", "مریم رضایی", ROLE_ADMIN,
	    "$argon2id$v=19$m=65536,t=2,p=1$x$y", &op, T0, &id), STORE_OK);
	assert_true(id > 0);

	struct user u;
	char *hash = NULL;
	const char *spellings[] = { "Maryam", "maryam", "MARYAM", "mArYaM" };
	for (size_t i = 0; i < sizeof(spellings) / sizeof(spellings[0]); i++) {
		assert_int_equal(store_user_by_name(f->st, f->a, spellings[i], &u, &hash), STORE_OK);
		assert_int_equal(u.id, id);
		assert_string_equal(u.name, "Maryam");	/* as added */
		assert_string_equal(u.display_name, "مریم رضایی");
		assert_int_equal(u.role, ROLE_ADMIN);
		assert_false(u.disabled);
		assert_int_equal(u.created, T0);
		assert_int_equal(u.updated, T0);
		assert_string_equal(hash, "$argon2id$v=19$m=65536,t=2,p=1$x$y");
	}
	assert_int_equal(store_user_by_id(f->st, f->a, id, &u, NULL), STORE_OK);
	assert_string_equal(u.name, "Maryam");
	/* Not found: other names, a prefix, a trailing space, ids. */
	const char *others[] = { "Mary", "Maryam ", "", "Maryam\n", "مریم" };
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		hash = (char *)"x";
		assert_int_equal(store_user_by_name(f->st, f->a, others[i], &u, &hash),
		    STORE_NOT_FOUND);
		assert_null(hash);
		assert_int_equal(u.id, 0);
	}
	assert_int_equal(store_user_by_name(f->st, f->a, NULL, &u, NULL), STORE_NOT_FOUND);
	assert_int_equal(store_user_by_id(f->st, f->a, id + 1, &u, NULL), STORE_NOT_FOUND);
	assert_int_equal(store_user_by_id(f->st, f->a, -1, &u, NULL), STORE_NOT_FOUND);

	/* The display name defaults to the name; quotes are just text. */
	int64_t id2 = add_user(f, "x'); DROP TABLE users; --", ROLE_MODERATOR);
	assert_int_equal(store_user_by_id(f->st, f->a, id2, &u, NULL), STORE_OK);
	assert_string_equal(u.display_name, "x'); DROP TABLE users; --");
	assert_int_equal(u.role, ROLE_MODERATOR);
}

static void
user_conflict(void **state)
{
	struct store_fixture *f = *state;
	int64_t id = add_user(f, "ali", ROLE_MODERATOR), other = -5;
	assert_int_equal(store_user_add(f->st, "ALI", "Another", ROLE_ADMIN, "h", &op, T0, &other),
	    STORE_CONFLICT);
	assert_int_equal(other, -5);
	assert_int_equal(store_user_add(f->st, "ali", NULL, ROLE_ADMIN, "h", &op, T0, NULL),
	    STORE_CONFLICT);
	assert_int_equal(store_user_add(f->st, "Ali", NULL, ROLE_ADMIN, "h", &op, T0, NULL),
	    STORE_CONFLICT);
	/* Nothing written, nothing left locked. */
	struct user *list;
	size_t n;
	assert_int_equal(store_user_list(f->st, f->a, &list, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, id);
	assert_int_equal(list[0].role, ROLE_MODERATOR);
	/* Arguments the store refuses outright. */
	assert_int_equal(store_user_add(f->st, "", NULL, ROLE_ADMIN, "h", &op, T0, NULL), STORE_ERROR);
	assert_int_equal(store_user_add(f->st, "x", NULL, ROLE_ADMIN, "", &op, T0, NULL), STORE_ERROR);
	assert_int_equal(store_user_add(f->st, "x", NULL, (enum auth_role)9, "h", &op, T0, NULL),
	    STORE_ERROR);
	add_user(f, "x", ROLE_MODERATOR);
}

static void
user_list(void **state)
{
	struct store_fixture *f = *state;
	struct user *list;
	size_t n = 9;
	assert_int_equal(store_user_list(f->st, f->a, &list, &n), STORE_OK);
	assert_int_equal(n, 0);
	add_user(f, "carol", ROLE_MODERATOR);
	add_user(f, "Alice", ROLE_ADMIN);
	add_user(f, "bob", ROLE_MODERATOR);
	for (int i = 0; i < 20; i++) {
		char name[16];
		snprintf(name, sizeof(name), "z%02d", i);
		add_user(f, name, ROLE_MODERATOR);
	}
	assert_int_equal(store_user_list(f->st, f->a, &list, &n), STORE_OK);
	assert_int_equal(n, 23);
	/* By name, without regard to case. */
	assert_string_equal(list[0].name, "Alice");
	assert_int_equal(list[0].role, ROLE_ADMIN);
	assert_string_equal(list[1].name, "bob");
	assert_string_equal(list[2].name, "carol");
	assert_string_equal(list[22].name, "z19");
	assert_string_equal(list[2].display_name, "carol");
}

/* --- passwords, disabling and roles end or keep sessions --- */

static void
set_password_sessions(void **state)
{
	struct store_fixture *f = *state;
	int64_t a = add_user(f, "a", ROLE_MODERATOR), b = add_user(f, "b", ROLE_MODERATOR);
	for (int i = 1; i <= 3; i++)
		new_session(f, i, a, T0);
	new_session(f, 4, b, T0);
	unsigned char keep[AUTH_TOKEN_BYTES];
	token(keep, 2);
	assert_int_equal(store_user_set_password(f->st, a, "$new", keep, &op, T0 + 60), STORE_OK);
	assert_false(has_session(f, 1));
	assert_true(has_session(f, 2));
	assert_false(has_session(f, 3));
	assert_true(has_session(f, 4));
	struct user u;
	char *hash;
	assert_int_equal(store_user_by_id(f->st, f->a, a, &u, &hash), STORE_OK);
	assert_string_equal(hash, "$new");
	assert_int_equal(u.updated, T0 + 60);
	assert_int_equal(u.created, T0);
	/* Without keep: all of them (an admin's reset, or nazarctl). */
	assert_int_equal(store_user_set_password(f->st, a, "$newer", NULL, &op, T0 + 61), STORE_OK);
	assert_false(has_session(f, 2));
	assert_true(has_session(f, 4));
	/* Unknown user: nothing changes. */
	assert_int_equal(store_user_set_password(f->st, 999, "$x", NULL, &op, T0), STORE_NOT_FOUND);
	assert_int_equal(store_user_set_password(f->st, b, "", NULL, &op, T0), STORE_ERROR);
	assert_int_equal(store_user_set_password(f->st, b, NULL, NULL, &op, T0), STORE_ERROR);
	assert_true(has_session(f, 4));
	assert_int_equal(store_user_by_id(f->st, f->a, b, &u, &hash), STORE_OK);
	assert_string_equal(hash, "$argon2id$hash-of-b");
}

static void
disable_ends_sessions(void **state)
{
	struct store_fixture *f = *state;
	int64_t admin = add_user(f, "root", ROLE_ADMIN), mod = add_user(f, "mod", ROLE_MODERATOR);
	new_session(f, 1, mod, T0);
	new_session(f, 2, mod, T0);
	new_session(f, 3, admin, T0);
	assert_int_equal(store_user_set_disabled(f->st, mod, true, &op, T0 + 5), STORE_OK);
	assert_false(has_session(f, 1));
	assert_false(has_session(f, 2));
	assert_true(has_session(f, 3));
	struct user u;
	assert_int_equal(store_user_by_id(f->st, f->a, mod, &u, NULL), STORE_OK);
	assert_true(u.disabled);
	assert_int_equal(u.updated, T0 + 5);
	/* Enabling brings back none of them. */
	assert_int_equal(store_user_set_disabled(f->st, mod, false, &op, T0 + 6), STORE_OK);
	assert_int_equal(store_user_by_id(f->st, f->a, mod, &u, NULL), STORE_OK);
	assert_false(u.disabled);
	assert_false(has_session(f, 1));
	assert_int_equal(store_user_set_disabled(f->st, 999, true, &op, T0), STORE_NOT_FOUND);
	assert_int_equal(store_user_set_disabled(f->st, 999, false, &op, T0), STORE_NOT_FOUND);
}

static void
last_admin(void **state)
{
	struct store_fixture *f = *state;
	long long n = -1;
	assert_int_equal(store_user_count_admins(f->st, &n), STORE_OK);
	assert_int_equal(n, 0);
	int64_t a = add_user(f, "a", ROLE_ADMIN), m = add_user(f, "m", ROLE_MODERATOR);
	assert_int_equal(store_user_count_admins(f->st, &n), STORE_OK);
	assert_int_equal(n, 1);
	new_session(f, 1, a, T0);
	/* The only admin can be neither disabled nor demoted; nothing changes. */
	assert_int_equal(store_user_set_disabled(f->st, a, true, &op, T0), STORE_CONFLICT);
	assert_int_equal(store_user_set_role(f->st, a, ROLE_MODERATOR, &op, T0), STORE_CONFLICT);
	assert_true(has_session(f, 1));
	struct user u;
	assert_int_equal(store_user_by_id(f->st, f->a, a, &u, NULL), STORE_OK);
	assert_false(u.disabled);
	assert_int_equal(u.role, ROLE_ADMIN);
	/* Setting what it already is, or the moderator, is fine. */
	assert_int_equal(store_user_set_role(f->st, a, ROLE_ADMIN, &op, T0), STORE_OK);
	assert_int_equal(store_user_set_disabled(f->st, a, false, &op, T0), STORE_OK);
	assert_int_equal(store_user_set_disabled(f->st, m, true, &op, T0), STORE_OK);
	assert_int_equal(store_user_set_disabled(f->st, m, false, &op, T0), STORE_OK);
	/* A second admin: now either may go, but not both. */
	assert_int_equal(store_user_set_role(f->st, m, ROLE_ADMIN, &op, T0 + 1), STORE_OK);
	assert_int_equal(store_user_by_id(f->st, f->a, m, &u, NULL), STORE_OK);
	assert_int_equal(u.role, ROLE_ADMIN);
	assert_int_equal(u.updated, T0 + 1);
	assert_int_equal(store_user_count_admins(f->st, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(store_user_set_disabled(f->st, a, true, &op, T0), STORE_OK);
	assert_false(has_session(f, 1));
	assert_int_equal(store_user_count_admins(f->st, &n), STORE_OK);
	assert_int_equal(n, 1);		/* a disabled admin does not count */
	assert_int_equal(store_user_set_disabled(f->st, m, true, &op, T0), STORE_CONFLICT);
	assert_int_equal(store_user_set_role(f->st, m, ROLE_MODERATOR, &op, T0), STORE_CONFLICT);
	/* The disabled admin may be demoted: it is not the last enabled one. */
	assert_int_equal(store_user_set_role(f->st, a, ROLE_MODERATOR, &op, T0), STORE_OK);
	assert_int_equal(store_user_set_role(f->st, 999, ROLE_MODERATOR, &op, T0), STORE_NOT_FOUND);
	assert_int_equal(store_user_set_role(f->st, m, (enum auth_role)5, &op, T0), STORE_ERROR);
}

/* --- every change commits with its audit row, or neither does --- */

/* The newest audit row, and how many there are. */
static long long
last_audit(struct store_fixture *f, struct audit_entry *e)
{
	struct audit_entry *rows;
	size_t n;
	long long total = -1;
	assert_int_equal(store_audit_list(f->st, f->a, 0, 1, 1, &rows, &n, &total), STORE_OK);
	memset(e, 0, sizeof(*e));
	if (n > 0)
		*e = rows[0];
	return total;
}

static void
assert_audit(const struct audit_entry *e, int64_t user_id, const char *actor,
    const char *action, const char *target, const char *before, const char *after)
{
	assert_int_equal(e->user_id, user_id);
	assert_string_equal(e->actor, actor);
	assert_string_equal(e->action, action);
	assert_string_equal(e->target, target);
	assert_string_equal(e->before, before);
	assert_string_equal(e->after, after);
}

static void
changes_audited(void **state)
{
	struct store_fixture *f = *state;
	struct audit_entry e;
	int64_t a = add_user(f, "root", ROLE_ADMIN);
	assert_int_equal(last_audit(f, &e), 1);
	assert_audit(&e, 0, "nazarctl", "user_add", "root", "", "admin");
	assert_int_equal(e.at, T0);
	const struct actor root = { a, "root", "192.0.2.7" };
	int64_t m = 0;
	assert_int_equal(store_user_add(f->st, "mod", NULL, ROLE_MODERATOR, "h", &root, T0 + 1,
	    &m), STORE_OK);
	assert_int_equal(last_audit(f, &e), 2);
	assert_audit(&e, a, "root", "user_add", "mod", "", "moderator");
	assert_string_equal(e.remote_addr, "192.0.2.7");
	assert_int_equal(e.at, T0 + 1);

	assert_int_equal(store_user_set_disabled(f->st, m, true, &root, T0 + 2), STORE_OK);
	assert_int_equal(last_audit(f, &e), 3);
	assert_audit(&e, a, "root", "user_disable", "mod", "enabled", "disabled");
	assert_int_equal(store_user_set_disabled(f->st, m, false, &root, T0 + 3), STORE_OK);
	assert_int_equal(last_audit(f, &e), 4);
	assert_audit(&e, a, "root", "user_enable", "mod", "disabled", "enabled");
	assert_int_equal(store_user_set_role(f->st, m, ROLE_ADMIN, &root, T0 + 4), STORE_OK);
	assert_int_equal(last_audit(f, &e), 5);
	assert_audit(&e, a, "root", "user_role", "mod", "moderator", "admin");
	/* Someone else's password, then one's own. */
	assert_int_equal(store_user_set_password(f->st, m, "$2", NULL, &root, T0 + 5), STORE_OK);
	assert_int_equal(last_audit(f, &e), 6);
	assert_audit(&e, a, "root", "user_password", "mod", "", "");
	assert_int_equal(store_user_set_password(f->st, a, "$3", NULL, &root, T0 + 6), STORE_OK);
	assert_int_equal(last_audit(f, &e), 7);
	assert_audit(&e, a, "root", "password", "root", "", "");
	/* A rehash at sign-in is no one's decision: no row. */
	assert_int_equal(store_user_rehash(f->st, a, "$3b", NULL, T0 + 7), STORE_OK);
	assert_int_equal(last_audit(f, &e), 7);
	char *hash;
	struct user u;
	assert_int_equal(store_user_by_id(f->st, f->a, a, &u, &hash), STORE_OK);
	assert_string_equal(hash, "$3b");

	/* Refused changes leave no row. */
	assert_int_equal(store_user_add(f->st, "MOD", NULL, ROLE_ADMIN, "h", &root, T0, NULL),
	    STORE_CONFLICT);
	assert_int_equal(store_user_set_role(f->st, 999, ROLE_ADMIN, &root, T0), STORE_NOT_FOUND);
	assert_int_equal(store_user_set_password(f->st, 999, "$x", NULL, &root, T0),
	    STORE_NOT_FOUND);
	assert_int_equal(store_user_set_disabled(f->st, a, true, &root, T0), STORE_OK);
	assert_int_equal(last_audit(f, &e), 8);
	assert_int_equal(store_user_set_disabled(f->st, m, true, &root, T0), STORE_CONFLICT);
	assert_int_equal(last_audit(f, &e), 8);
	/* No actor, no change. */
	assert_int_equal(store_user_add(f->st, "x", NULL, ROLE_ADMIN, "h", NULL, T0, NULL),
	    STORE_ERROR);
	assert_int_equal(store_user_set_password(f->st, m, "$y", NULL, NULL, T0), STORE_ERROR);
	assert_int_equal(store_user_set_disabled(f->st, a, false, NULL, T0), STORE_ERROR);
	assert_int_equal(store_user_set_role(f->st, a, ROLE_MODERATOR, NULL, T0), STORE_ERROR);
	assert_int_equal(store_user_by_name(f->st, f->a, "x", &u, NULL), STORE_NOT_FOUND);
	assert_int_equal(last_audit(f, &e), 8);
}

/* An audit row that cannot be written (its user id names no user: the
 * foreign key refuses it) takes the change down with it. */
static void
audit_failure_undoes_change(void **state)
{
	struct store_fixture *f = *state;
	struct audit_entry e;
	int64_t a = add_user(f, "root", ROLE_ADMIN), m = add_user(f, "mod", ROLE_MODERATOR);
	new_session(f, 1, m, T0);
	const struct actor ghost = { 99, "ghost", "192.0.2.99" };
	assert_int_equal(store_user_add(f->st, "new", NULL, ROLE_ADMIN, "h", &ghost, T0, NULL),
	    STORE_ERROR);
	struct user u;
	char *hash;
	assert_int_equal(store_user_by_name(f->st, f->a, "new", &u, NULL), STORE_NOT_FOUND);
	assert_int_equal(store_user_set_password(f->st, m, "$x", NULL, &ghost, T0 + 1),
	    STORE_ERROR);
	assert_int_equal(store_user_by_id(f->st, f->a, m, &u, &hash), STORE_OK);
	assert_string_equal(hash, "$argon2id$hash-of-mod");
	assert_true(has_session(f, 1));
	assert_int_equal(store_user_set_disabled(f->st, m, true, &ghost, T0 + 2), STORE_ERROR);
	assert_int_equal(store_user_set_role(f->st, m, ROLE_ADMIN, &ghost, T0 + 3), STORE_ERROR);
	assert_int_equal(store_user_by_id(f->st, f->a, m, &u, NULL), STORE_OK);
	assert_false(u.disabled);
	assert_int_equal(u.role, ROLE_MODERATOR);
	assert_int_equal(u.updated, T0);
	assert_true(has_session(f, 1));
	assert_int_equal(last_audit(f, &e), 2);
	/* Nothing is left locked: the next change goes through. */
	const struct actor root = { a, "root", "" };
	assert_int_equal(store_user_set_disabled(f->st, m, true, &root, T0 + 4), STORE_OK);
	assert_int_equal(last_audit(f, &e), 3);
	assert_false(has_session(f, 1));
}

/* --- sessions --- */

static void
sessions(void **state)
{
	struct store_fixture *f = *state;
	int64_t u = add_user(f, "s", ROLE_MODERATOR);
	unsigned char h[AUTH_TOKEN_BYTES], csrf[AUTH_TOKEN_BYTES];
	token(h, 1);
	for (int i = 0; i < AUTH_TOKEN_BYTES; i++)
		csrf[i] = (unsigned char)(0xa0 + i);
	assert_int_equal(store_session_create(f->st, h, u, csrf, "2001:db8::1",
	    "Mozilla/5.0 ‏فارسی", T0), STORE_OK);
	struct session s;
	assert_int_equal(store_session_get(f->st, h, &s), STORE_OK);
	assert_int_equal(s.user_id, u);
	assert_memory_equal(s.csrf, csrf, sizeof(csrf));
	assert_int_equal(s.created, T0);
	assert_int_equal(s.last_seen, T0);
	/* Only the hash given is stored: one row, keyed by it. */
	assert_int_equal(raw_int(f->path, "SELECT count(*) FROM sessions"), 1);
	assert_int_equal(raw_int(f->path, "SELECT length(token_hash) FROM sessions"), 32);
	/* Another hash finds nothing. */
	unsigned char other[AUTH_TOKEN_BYTES];
	token(other, 2);
	memset(&s, 0x55, sizeof(s));
	assert_int_equal(store_session_get(f->st, other, &s), STORE_NOT_FOUND);
	assert_int_equal(s.user_id, 0);
	/* No such user: refused. */
	assert_int_equal(store_session_create(f->st, other, 999, csrf, "", NULL, T0),
	    STORE_CONFLICT);
	assert_int_equal(store_session_get(f->st, other, &s), STORE_NOT_FOUND);

	/* Touch moves last_seen forward only. */
	assert_int_equal(store_session_touch(f->st, h, T0 + 100), STORE_OK);
	assert_int_equal(store_session_get(f->st, h, &s), STORE_OK);
	assert_int_equal(s.last_seen, T0 + 100);
	assert_int_equal(s.created, T0);
	assert_int_equal(store_session_touch(f->st, h, T0 + 50), STORE_OK);
	assert_int_equal(store_session_get(f->st, h, &s), STORE_OK);
	assert_int_equal(s.last_seen, T0 + 100);
	assert_int_equal(store_session_touch(f->st, other, T0 + 100), STORE_NOT_FOUND);

	/* Delete, twice. */
	assert_int_equal(store_session_delete(f->st, h), STORE_OK);
	assert_int_equal(store_session_get(f->st, h, &s), STORE_NOT_FOUND);
	assert_int_equal(store_session_delete(f->st, h), STORE_OK);
	assert_int_equal(store_session_touch(f->st, h, T0 + 200), STORE_NOT_FOUND);
}

static void
session_purge(void **state)
{
	struct store_fixture *f = *state;
	int64_t u = add_user(f, "p", ROLE_MODERATOR);
	const int idle = 1800, life = 43200;
	time_t now = T0 + life + 10;
	/* 1: fresh; 2: idle exactly 1800 s; 3: idle 1801 s; 4: old but in use;
	 * 5: exactly 12 hours old, in use. */
	new_session(f, 1, u, now - 5);
	new_session(f, 2, u, now - idle);
	new_session(f, 3, u, now - idle - 1);
	new_session(f, 4, u, T0);
	unsigned char h[AUTH_TOKEN_BYTES];
	token(h, 4);
	assert_int_equal(store_session_touch(f->st, h, now - 1), STORE_OK);
	new_session(f, 5, u, now - life);
	token(h, 5);
	assert_int_equal(store_session_touch(f->st, h, now), STORE_OK);
	/* The purge agrees with auth_session_expired on every one. */
	struct session s;
	bool expired[6] = { false };
	for (int i = 1; i <= 5; i++) {
		assert_int_equal(get_session(f, i, &s), STORE_OK);
		expired[i] = auth_session_expired(s.created, s.last_seen, now, idle, life);
	}
	assert_int_equal(store_session_purge(f->st, now - idle, now - life), STORE_OK);
	for (int i = 1; i <= 5; i++)
		assert_int_equal(has_session(f, i), !expired[i]);
	assert_true(has_session(f, 1));
	assert_true(has_session(f, 2));
	assert_false(has_session(f, 3));
	assert_false(has_session(f, 4));
	assert_true(has_session(f, 5));
}

/* --- failed sign-ins --- */

static void
failures(void **state)
{
	struct store_fixture *f = *state;
	long long uc, ac;
	int64_t uo, ao;
	for (int i = 0; i < 5; i++)
		assert_int_equal(store_login_failure_add(f->st, i % 2 ? "Maryam" : "MARYAM",
		    "192.0.2.1", T0 + i), STORE_OK);
	assert_int_equal(store_login_failure_add(f->st, "ali", "192.0.2.1", T0 + 2), STORE_OK);
	assert_int_equal(store_login_failure_add(f->st, "maryam", "198.51.100.2", T0 + 3),
	    STORE_OK);

	assert_int_equal(store_login_failures(f->st, "maryam", "192.0.2.1", T0 - WINDOW, &uc, &uo,
	    &ac, &ao), STORE_OK);
	assert_int_equal(uc, 6);
	assert_int_equal(uo, T0);
	assert_int_equal(ac, 6);
	assert_int_equal(ao, T0);
	/* Strictly after since: the failure at T0 no longer counts. */
	assert_int_equal(store_login_failures(f->st, "mAryAm", "192.0.2.1", T0, &uc, &uo, &ac,
	    &ao), STORE_OK);
	assert_int_equal(uc, 5);
	assert_int_equal(uo, T0 + 1);
	assert_int_equal(ac, 5);
	assert_int_equal(ao, T0 + 1);
	/* Nothing for others: oldest 0. */
	assert_int_equal(store_login_failures(f->st, "nobody", "203.0.113.1", T0 - WINDOW, &uc,
	    &uo, &ac, &ao), STORE_OK);
	assert_int_equal(uc, 0);
	assert_int_equal(uo, 0);
	assert_int_equal(ac, 0);
	assert_int_equal(ao, 0);
	assert_int_equal(store_login_failures(f->st, NULL, NULL, T0 - WINDOW, &uc, &uo, &ac, &ao),
	    STORE_OK);
	assert_int_equal(uc, 0);

	/* A success clears the name's failures, whatever the case, and only
	 * those: the address keeps ali's. */
	assert_int_equal(store_login_failures_clear(f->st, "MaRyAm"), STORE_OK);
	assert_int_equal(store_login_failures(f->st, "maryam", "192.0.2.1", T0 - WINDOW, &uc, &uo,
	    &ac, &ao), STORE_OK);
	assert_int_equal(uc, 0);
	assert_int_equal(ac, 1);
	assert_int_equal(ao, T0 + 2);

	/* Housekeeping: strictly older than before. */
	assert_int_equal(store_login_failure_add(f->st, "x", "192.0.2.9", T0 + 10), STORE_OK);
	assert_int_equal(store_login_failure_add(f->st, "x", "192.0.2.9", T0 + 11), STORE_OK);
	assert_int_equal(store_login_failures_purge(f->st, T0 + 10), STORE_OK);
	assert_int_equal(raw_int(f->path, "SELECT count(*) FROM login_failures"), 2);
	assert_int_equal(store_login_failures(f->st, "ali", "192.0.2.9", 0, &uc, &uo, &ac, &ao),
	    STORE_OK);
	assert_int_equal(uc, 0);
	assert_int_equal(ac, 2);
	assert_int_equal(ao, T0 + 10);
}

static void
failures_hostile(void **state)
{
	struct store_fixture *f = *state;
	long long uc, ac;
	int64_t uo, ao;
	/* 10 KB names and addresses are kept cut, and still counted together. */
	char *big = malloc(10241);
	assert_non_null(big);
	memset(big, 'N', 10240);
	big[10240] = '\0';
	for (int i = 0; i < 3; i++)
		assert_int_equal(store_login_failure_add(f->st, big, big, T0 + i), STORE_OK);
	assert_int_equal(raw_int(f->path, "SELECT max(length(username)) FROM login_failures"),
	    256);
	assert_int_equal(raw_int(f->path, "SELECT max(length(remote_addr)) FROM login_failures"),
	    64);
	big[300] = 'x';	/* differs only beyond the cut */
	assert_int_equal(store_login_failures(f->st, big, big, 0, &uc, &uo, &ac, &ao), STORE_OK);
	assert_int_equal(uc, 3);
	assert_int_equal(ac, 3);
	/* A name cut inside a Persian letter is cut before it. */
	for (int i = 0; i < 200; i++)
		memcpy(big + 1 + 2 * i, "ش", 2);
	big[0] = 'a';
	big[401] = '\0';
	assert_int_equal(store_login_failure_add(f->st, big, "", T0), STORE_OK);
	assert_int_equal(raw_int(f->path,
	    "SELECT length(CAST(username AS BLOB)) FROM login_failures WHERE username LIKE 'a%'"),
	    255);
	/* Quotes and NUL-free junk are plain text. */
	assert_int_equal(store_login_failure_add(f->st, "' OR 1=1 --", "x", T0), STORE_OK);
	assert_int_equal(store_login_failures(f->st, "' or 1=1 --", "x", 0, &uc, &uo, &ac, &ao),
	    STORE_OK);
	assert_int_equal(uc, 1);
	assert_int_equal(ac, 1);
	free(big);
}

/* The store's counts and auth_throttle_wait together, on an injected
 * clock: five failures block the name for the rest of the window. */
static int
throttle_at(struct store_fixture *f, const char *user, const char *addr, time_t now)
{
	long long uc, ac;
	int64_t uo, ao;
	assert_int_equal(store_login_failures(f->st, user, addr, now - WINDOW, &uc, &uo, &ac, &ao),
	    STORE_OK);
	return auth_throttle_wait(uc, uo, ac, ao, 5, 20, WINDOW, now);
}

static void
throttle_with_store(void **state)
{
	struct store_fixture *f = *state;
	for (int i = 0; i < 5; i++) {
		assert_int_equal(throttle_at(f, "Maryam", "192.0.2.1", T0 + 60 * i), 0);
		assert_int_equal(store_login_failure_add(f->st, "Maryam", "192.0.2.1", T0 + 60 * i),
		    STORE_OK);
	}
	/* Blocked, with Retry-After counting down to the window's end. */
	assert_int_equal(throttle_at(f, "maryam", "192.0.2.1", T0 + 240), WINDOW - 240);
	assert_int_equal(throttle_at(f, "MARYAM", "198.51.100.1", T0 + 300), WINDOW - 300);
	assert_int_equal(throttle_at(f, "maryam", "192.0.2.1", T0 + WINDOW - 1), 1);
	assert_int_equal(throttle_at(f, "maryam", "192.0.2.1", T0 + WINDOW), 0);
	/* Another user, from the same address, is not blocked. */
	assert_int_equal(throttle_at(f, "ali", "192.0.2.1", T0 + 300), 0);
	/* Twenty failures from one address block every name there. */
	for (int i = 0; i < 15; i++) {
		char name[16];
		snprintf(name, sizeof(name), "guess%d", i);
		assert_int_equal(store_login_failure_add(f->st, name, "192.0.2.1", T0 + 400),
		    STORE_OK);
	}
	assert_int_equal(throttle_at(f, "ali", "192.0.2.1", T0 + 400), WINDOW - 400);
	assert_int_equal(throttle_at(f, "ali", "192.0.2.2", T0 + 400), 0);
	/* Maryam's success takes her five away; the fifteen guesses stay and
	 * no longer block the address. */
	assert_int_equal(store_login_failures_clear(f->st, "maryam"), STORE_OK);
	assert_int_equal(throttle_at(f, "ali", "192.0.2.1", T0 + 400), 0);
	for (int i = 0; i < 5; i++)
		assert_int_equal(store_login_failure_add(f->st, "x", "192.0.2.1", T0 + 500),
		    STORE_OK);
	assert_int_equal(throttle_at(f, "ali", "192.0.2.1", T0 + 500), WINDOW - 100);
	assert_int_equal(throttle_at(f, "ali", "192.0.2.1", T0 + 400 + WINDOW), 0);
}


/* Throttled sign-ins: one audit row per name and address group per
 * window, counting the attempts; a new row after the window. */
static void
throttled_audit(void **state)
{
	struct store_fixture *f = *state;
	long long n = 0;
	for (int i = 0; i < 3; i++) {
		assert_int_equal(store_audit_throttled(f->st, i == 2 ? "REZA" : "reza",
		    "203.0.113.5", "203.0.113.0/24", T0 + i * 10, 900, &n), STORE_OK);
		assert_int_equal(n, i + 1);
	}
	/* Other rows in between, another group, another name. */
	const struct audit_entry other = { .at = T0 + 40, .actor = (char *)"sara",
	    .action = (char *)"login", .remote_addr = (char *)"", .target = (char *)"",
	    .before = (char *)"", .after = (char *)"", .reason = (char *)"" };
	assert_int_equal(store_audit_add(f->st, &other), STORE_OK);
	assert_int_equal(store_audit_throttled(f->st, "reza", "198.51.100.1", "198.51.100.0/24",
	    T0 + 50, 900, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_audit_throttled(f->st, "mina", "203.0.113.5", "203.0.113.0/24",
	    T0 + 60, 900, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_audit_throttled(f->st, "reza", "203.0.113.6", "203.0.113.0/24",
	    T0 + 899, 900, &n), STORE_OK);
	assert_int_equal(n, 4);
	/* The window after the first attempt is over: a new row. */
	assert_int_equal(store_audit_throttled(f->st, "reza", "203.0.113.6", "203.0.113.0/24",
	    T0 + 900, 900, &n), STORE_OK);
	assert_int_equal(n, 1);
	struct audit_entry *rows;
	size_t count;
	long long total;
	assert_int_equal(store_audit_list(f->st, f->a, 0, 1, 50, &rows, &count, &total), STORE_OK);
	assert_int_equal(total, 5);
	assert_string_equal(rows[4].actor, "reza");
	assert_string_equal(rows[4].action, "login_failed");
	assert_string_equal(rows[4].reason, "throttled");
	assert_string_equal(rows[4].target, "203.0.113.0/24");
	assert_string_equal(rows[4].after, "4");
	assert_string_equal(rows[4].remote_addr, "203.0.113.5");
	assert_string_equal(rows[0].after, "1");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(user_add_get, setup, teardown),
		cmocka_unit_test_setup_teardown(user_conflict, setup, teardown),
		cmocka_unit_test_setup_teardown(user_list, setup, teardown),
		cmocka_unit_test_setup_teardown(set_password_sessions, setup, teardown),
		cmocka_unit_test_setup_teardown(disable_ends_sessions, setup, teardown),
		cmocka_unit_test_setup_teardown(last_admin, setup, teardown),
		cmocka_unit_test_setup_teardown(changes_audited, setup, teardown),
		cmocka_unit_test_setup_teardown(audit_failure_undoes_change, setup, teardown),
		cmocka_unit_test_setup_teardown(sessions, setup, teardown),
		cmocka_unit_test_setup_teardown(session_purge, setup, teardown),
		cmocka_unit_test_setup_teardown(failures, setup, teardown),
		cmocka_unit_test_setup_teardown(failures_hostile, setup, teardown),
		cmocka_unit_test_setup_teardown(throttle_with_store, setup, teardown),
		cmocka_unit_test_setup_teardown(throttled_audit, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
