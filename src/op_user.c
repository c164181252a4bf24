/* op_user.c — adding moderators and changing their password, state and
 * role (op.h). The name, display name and password rules are applied here
 * and the password hashed; the store writes the change with its audit row
 * and refuses, inside that transaction, to lose the last enabled admin. */
#include <string.h>

#include <sodium.h>

#include "arena.h"
#include "op.h"
#include "op_impl.h"
#include "mime.h"
#include "text.h"

/* The user acted on, into res->user. */
static enum op_problem
find_user(const struct op_ctx *o, const char *name, struct op_result *res)
{
	memset(res, 0, sizeof(*res));
	return op_done(res, op_store_problem(store_user_by_name(o->st, o->a, name ? name : "",
	    &res->user, NULL), OP_NO_USER));
}

/* Checks a new password against the policy and hashes it. */
static enum op_problem
hash_password(const char *pw, size_t len, char hash[AUTH_HASH_TEXT])
{
	enum op_problem p = op_password_check(pw, len);
	if (p != OP_OK)
		return p;
	switch (auth_hash_password(pw, len, hash)) {
	case AUTH_HASH_OK:
		return OP_OK;
	case AUTH_HASH_BUSY:
		return OP_BUSY;
	default:
		return OP_UNAVAILABLE;
	}
}

enum op_problem
op_user_check_names(struct arena *a, const char *name, const char *display_name,
    const char **clean)
{
	*clean = NULL;
	if (name == NULL || !auth_username_valid(name, strlen(name)))
		return OP_USER_NAME;
	const char *display = display_name == NULL ? name :
	    text_clean(a, display_name, strlen(display_name), true);
	if (display == NULL || *display == '\0' ||
	    utf8_length(display, strlen(display)) > OP_DISPLAY_NAME_MAX_CHARS)
		return OP_DISPLAY_NAME;
	*clean = display;
	return OP_OK;
}

enum op_problem
op_user_add(const struct op_ctx *o, const char *name, const char *display_name,
    enum auth_role role, const char *password, size_t len, struct op_result *res)
{
	memset(res, 0, sizeof(*res));
	const char *display;
	enum op_problem p = op_user_check_names(o->a, name, display_name, &display);
	if (p != OP_OK)
		return op_done(res, p);
	char hash[AUTH_HASH_TEXT];
	p = hash_password(password, len, hash);
	if (p != OP_OK)
		return op_done(res, p);
	enum store_result sr = store_user_add(o->st, name, display, role, hash, o->who, o->now,
	    &res->id);
	sodium_memzero(hash, sizeof(hash));
	if (sr == STORE_CONFLICT)
		return op_done(res, OP_USER_EXISTS);
	res->user = (struct user){ .id = res->id, .name = arena_strdup(o->a, name),
	    .display_name = arena_strdup(o->a, display), .role = role,
	    .created = (int64_t)o->now, .updated = (int64_t)o->now };
	return op_done(res, op_store_problem(sr, OP_NO_USER));
}

enum op_problem
op_user_password(const struct op_ctx *o, const char *name, const char *password, size_t len,
    const unsigned char *keep, struct op_result *res)
{
	enum op_problem p = find_user(o, name, res);
	if (p != OP_OK)
		return p;
	char hash[AUTH_HASH_TEXT];
	if ((p = hash_password(password, len, hash)) != OP_OK)
		return op_done(res, p);
	enum store_result sr = store_user_set_password(o->st, res->user.id, hash, keep, o->who,
	    o->now);
	sodium_memzero(hash, sizeof(hash));
	return op_done(res, op_store_problem(sr, OP_NO_USER));
}

enum op_problem
op_user_set_disabled(const struct op_ctx *o, const char *name, bool disabled,
    struct op_result *res)
{
	enum op_problem p = find_user(o, name, res);
	if (p != OP_OK)
		return p;
	if (disabled && o->who->user_id != 0 && o->who->user_id == res->user.id)
		return op_done(res, OP_SELF);
	if (res->user.disabled == disabled) {
		res->unchanged = true;
		return OP_OK;
	}
	enum store_result sr = store_user_set_disabled(o->st, res->user.id, disabled, o->who,
	    o->now);
	return op_done(res, sr == STORE_CONFLICT ? OP_LAST_ADMIN :
	    op_store_problem(sr, OP_NO_USER));
}

enum op_problem
op_user_set_role(const struct op_ctx *o, const char *name, enum auth_role role,
    struct op_result *res)
{
	enum op_problem p = find_user(o, name, res);
	if (p != OP_OK)
		return p;
	if (res->user.role == role) {
		res->unchanged = true;
		return OP_OK;
	}
	enum store_result sr = store_user_set_role(o->st, res->user.id, role, o->who, o->now);
	return op_done(res, sr == STORE_CONFLICT ? OP_LAST_ADMIN :
	    op_store_problem(sr, OP_NO_USER));
}

enum op_problem
op_user_set_notify(const struct op_ctx *o, const char *name, const char *email, int notify,
    struct op_result *res)
{
	if (email != NULL && email[0] != '\0' && !mime_address_valid(email)) {
		memset(res, 0, sizeof(*res));
		return op_done(res, OP_USER_EMAIL);
	}
	if (notify >= NOTIFY__MAX) {
		memset(res, 0, sizeof(*res));
		return op_done(res, OP_UNAVAILABLE);
	}
	enum op_problem p = find_user(o, name, res);
	if (p != OP_OK)
		return p;
	const char *e = email != NULL ? email : res->user.email;
	enum user_notify mode = notify >= 0 ? (enum user_notify)notify : res->user.notify;
	if (strcmp(e, res->user.email) == 0 && mode == res->user.notify) {
		res->unchanged = true;
		return OP_OK;
	}
	return op_done(res, op_store_problem(store_user_set_notify(o->st, res->user.id, e, mode,
	    o->who, o->now), OP_NO_USER));
}
