/* h_admin_users.c — managing moderators (admins only) and one's own
 * password (everyone). Every change is audited; a new password ends the
 * user's other sessions. */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "admin.h"
#include "app.h"
#include "arena.h"
#include "catalog.h"
#include "handlers.h"
#include "log.h"
#include "op.h"
#include "param.h"
#include "request.h"
#include "store_moderation.h"
#include "store_users.h"
#include "text.h"
#include "tmpl.h"
#include "validate.h"
#include "view.h"

static void
audit(const struct ctx *c, struct request *r, const struct admin_session *s,
    const char *action, const char *target, const char *before, const char *after)
{
	struct audit_entry e = {
		.at = r->now, .user_id = s->user.id, .actor = s->user.name,
		.remote_addr = (char *)r->remote_addr, .action = (char *)action,
		.target = (char *)target, .before = (char *)(before ? before : ""),
		.after = (char *)(after ? after : ""), .reason = (char *)"",
	};
	if (store_audit_add(c->store, &e) != STORE_OK)
		log_error("audit: %s of %s by %s not recorded", action, target, s->user.name);
}

/* The users page (done: the notice after a change) and its forms: an
 * action, the user's name, and what changes. */
enum { U_DONE, U_ACTION, U_NAME, U_DISPLAY_NAME, U_ROLE, U_PASSWORD, U_EMAIL, U_DELETE,
	U_COUNT };
/* "forget" is the privacy form's: a reader, not a user (op_comment_forget). */
static const char *const user_actions[] = {
	"add", "disable", "enable", "role", "password", "forget", NULL
};
#define ACTION_FORGET 5
static const char *const checkbox_values[] = { "0", "1", NULL };
static const struct param_spec users_specs[] = {
	[U_DONE] = { PARAM("done", PARAM_TEXT, PARAM_LENIENT), .max = 31 },
	[U_ACTION] = { PARAM("action", PARAM_ENUM, PARAM_FORM | PARAM_LENIENT), .names = user_actions },
	[U_NAME] = { PARAM("name", PARAM_TEXT, PARAM_FORM) },
	[U_DISPLAY_NAME] = { PARAM("display_name", PARAM_TEXT, PARAM_FORM) },
	[U_ROLE] = { PARAM("role", PARAM_TEXT, PARAM_FORM) },
	[U_PASSWORD] = { PARAM("password", PARAM_TEXT, PARAM_FORM) },
	[U_EMAIL] = { PARAM("email", PARAM_TEXT, PARAM_FORM) },
	[U_DELETE] = { PARAM("delete_comments", PARAM_ENUM, PARAM_FORM | PARAM_LENIENT),
	    .names = checkbox_values },
	[U_COUNT] = { PARAM("count", PARAM_INT, PARAM_LENIENT), .min = 0, .max = INT64_MAX },
};
const struct param_table users_params = { PARAM_TABLE(users_specs) };

/* One's own password: the old one, the new one twice. */
enum { AC_DONE, AC_OLD, AC_NEW, AC_NEW2 };
static const struct param_spec account_specs[] = {
	[AC_DONE] = { PARAM("done", PARAM_TEXT, 0) },
	[AC_OLD] = { PARAM("old_password", PARAM_TEXT, PARAM_FORM) },
	[AC_NEW] = { PARAM("new_password", PARAM_TEXT, PARAM_FORM) },
	[AC_NEW2] = { PARAM("new_password2", PARAM_TEXT, PARAM_FORM) },
};
const struct param_table account_params = { PARAM_TABLE(account_specs) };

/* One's own notifications: the address and which held comments to hear
 * of, in the order of enum user_notify. */
enum { NT_EMAIL, NT_MODE };
static const char *const notify_modes[] = { "none", "now", "hourly", "daily", NULL };
static const struct param_spec notify_specs[] = {
	[NT_EMAIL] = { PARAM("email", PARAM_TEXT, PARAM_FORM) },
	[NT_MODE] = { PARAM("mode", PARAM_ENUM, PARAM_FORM | PARAM_REQUIRED),
	    .names = notify_modes },
};
const struct param_table account_notify_params = { PARAM_TABLE(notify_specs) };
_Static_assert(sizeof(notify_modes) / sizeof(notify_modes[0]) == NOTIFY__MAX + 1,
    "a form value for every notify mode");

/* The users page, with an error or notice and the add form as typed. */
static void
users_page(const struct ctx *c, struct request *r, struct response *res,
    const struct params *in, const struct admin_session *s, int status, const char *error_key)
{
	struct arena *a = r->arena;
	struct user *users;
	size_t n;
	if (store_user_list(c->store, a, &users, &n) != STORE_OK) {
		admin_unavailable(c, r, res, s, "/queue");
		return;
	}
	struct tval *o = admin_view(c, r, s, "admin.title.users");
	struct tval *l = tval_list(a);
	for (size_t i = 0; i < n; i++) {
		struct tval *u = tval_object(a);
		tval_set_str(a, u, "name", users[i].name);
		tval_set_str(a, u, "display_name", users[i].display_name);
		tval_set_str(a, u, "role", auth_role_name(users[i].role));
		tval_set_str(a, u, "role_text", catalog_get(c->app->strings,
		    arena_printf(a, "admin.role.%s", auth_role_name(users[i].role))));
		tval_set_bool(a, u, "is_admin", users[i].role == ROLE_ADMIN);
		tval_set_bool(a, u, "disabled", users[i].disabled);
		tval_set_bool(a, u, "self", users[i].id == s->user.id);
		tval_set_str(a, u, "created", admin_date(c, r, users[i].created));
		tval_push(a, l, u);
	}
	tval_set(a, o, "users", l);
	if (error_key != NULL)
		tval_set_str(a, o, "error", view_message(c, r, error_key));
	const char *done = param_text(in, U_DONE);
	if (done != NULL && strspn(done, "abcdefghijklmnopqrstuvwxyz_") == strlen(done)) {
		const char *key = arena_printf(a, "admin.notice.%s", done);
		if (catalog_has(c->app->strings, key))
			tval_set_str(a, o, "notice", catalog_get(c->app->strings, key));
		if (strcmp(done, "reader_forgotten") == 0)
			tval_set_str(a, o, "forgot_count", admin_number(c, r,
			    (long long)param_int(in, U_COUNT, 0)));
	}
	/* The add form keeps what was typed, except the password. */
	if (status >= 400) {
		tval_set_str(a, o, "new_name", utf8_make_displayable(a, param_str(in, U_NAME)));
		tval_set_str(a, o, "new_display_name",
		    utf8_make_displayable(a, param_str(in, U_DISPLAY_NAME)));
		tval_set_str(a, o, "forget_email", utf8_make_displayable(a,
		    param_str(in, U_EMAIL)));
	}
	tval_set_bool(a, o, "new_admin", strcmp(param_str(in, U_ROLE), "admin") == 0);
	admin_render(c, r, res, status, "admin-users", o);
}

/* A change refused by its operation: the page again with its message. */
static void
refused(const struct ctx *c, struct request *r, struct response *res,
    const struct params *in, const struct admin_session *s, const struct op_result *or)
{
	users_page(c, r, res, in, s, admin_op_status(res, or), op_problem_key(or));
}

static void
user_add(const struct ctx *c, struct request *r, struct response *res,
    const struct params *in, const struct admin_session *s)
{
	const char *password = param_str(in, U_PASSWORD);
	enum auth_role role;
	if (auth_role_parse(param_str(in, U_ROLE), &role) != 0) {
		users_page(c, r, res, in, s, 422, "admin.error.bad_request");
		return;
	}
	struct actor who;
	struct op_ctx oc;
	struct op_result or;
	admin_op_begin(c, r, s, &oc, &who);
	if (op_user_add(&oc, param_str(in, U_NAME), param_str(in, U_DISPLAY_NAME), role,
	    password, strlen(password), &or) != OP_OK) {
		refused(c, r, res, in, s, &or);
		return;
	}
	admin_redirect(c, r, res, "/users?done=user_added");
}

static void
user_change(const struct ctx *c, struct request *r, struct response *res,
    const struct params *in, const struct admin_session *s, const char *action)
{
	const char *name = param_str(in, U_NAME);
	struct actor who;
	struct op_ctx oc;
	struct op_result or;
	admin_op_begin(c, r, s, &oc, &who);
	const char *done;
	if (strcmp(action, "disable") == 0 || strcmp(action, "enable") == 0) {
		bool disable = strcmp(action, "disable") == 0;
		(void)op_user_set_disabled(&oc, name, disable, &or);
		done = disable ? "/users?done=user_disabled" : "/users?done=user_enabled";
	} else if (strcmp(action, "role") == 0) {
		enum auth_role role;
		if (auth_role_parse(param_str(in, U_ROLE), &role) != 0) {
			users_page(c, r, res, in, s, 422, "admin.error.bad_request");
			return;
		}
		(void)op_user_set_role(&oc, name, role, &or);
		done = "/users?done=user_role";
	} else {
		/* password: an admin's reset of someone's password. Resetting
		 * one's own here keeps this session, like the account page;
		 * anyone else's sessions all end. */
		const char *password = param_str(in, U_PASSWORD);
		(void)op_user_password(&oc, name, password, strlen(password), s->token_hash, &or);
		done = "/users?done=user_password";
	}
	if (or.problem != OP_OK) {
		refused(c, r, res, in, s, &or);
		return;
	}
	admin_redirect(c, r, res, done);
}

/* A reader forgotten, at their request (admins only, like the page). */
static void
reader_forget(const struct ctx *c, struct request *r, struct response *res,
    const struct params *in, const struct admin_session *s)
{
	struct actor who;
	struct op_ctx oc;
	struct op_result or;
	admin_op_begin(c, r, s, &oc, &who);
	bool delete = param_int(in, U_DELETE, 0) == 1;
	if (op_comment_forget(&oc, param_str(in, U_EMAIL), delete, &or) != OP_OK) {
		refused(c, r, res, in, s, &or);
		return;
	}
	log_info("a reader was forgotten by %s: %lld comments%s", s->user.name,
	    (long long)or.count, delete ? ", deleted" : "");
	admin_redirect(c, r, res, arena_printf(r->arena, "/users?done=reader_forgotten&count=%lld",
	    (long long)or.count));
}

void
admin_users_page(const struct ctx *c, struct request *r, struct response *res,
    const struct handler_args *args)
{
	users_page(c, r, res, args->in, args->session, 200, NULL);
}

void
admin_users_change(const struct ctx *c, struct request *r, struct response *res,
    const struct handler_args *args)
{
	const struct params *in = args->in;
	if (!param_has(in, U_ACTION))
		users_page(c, r, res, in, args->session, 400, "admin.error.bad_action");
	else if (param_int(in, U_ACTION, 0) == 0)
		user_add(c, r, res, in, args->session);
	else if (param_int(in, U_ACTION, 0) == ACTION_FORGET)
		reader_forget(c, r, res, in, args->session);
	else
		user_change(c, r, res, in, args->session, param_text(in, U_ACTION));
}

/* The notification form's values: the address and mode as typed (email
 * NULL: as stored). */
static void
notify_value(const struct ctx *c, struct request *r, struct tval *o, const struct user *u,
    const char *email, int mode)
{
	struct arena *a = r->arena;
	tval_set_str(a, o, "notify_email", email != NULL ? email : u->email);
	struct tval *list = tval_list(a);
	for (int i = 0; i < NOTIFY__MAX; i++) {
		struct tval *m = tval_object(a);
		tval_set_str(a, m, "value", notify_modes[i]);
		tval_set_str(a, m, "label", catalog_get(c->app->strings,
		    arena_printf(a, "admin_notify_%s", notify_modes[i])));
		tval_set_bool(a, m, "checked", i == (mode >= 0 ? mode : (int)u->notify));
		tval_push(a, list, m);
	}
	tval_set(a, o, "notify_modes", list);
}

static void
account_view(const struct ctx *c, struct request *r, struct response *res,
    const struct admin_session *s, int status, const char *error_key, const char *notice_key,
    const char *email, int mode)
{
	struct tval *o = admin_view(c, r, s, "admin.title.account");
	if (error_key != NULL)
		tval_set_str(r->arena, o, "error", view_message(c, r, error_key));
	if (notice_key != NULL)
		tval_set_str(r->arena, o, "notice", view_message(c, r, notice_key));
	notify_value(c, r, o, &s->user, email, mode);
	admin_render(c, r, res, status, "admin-account", o);
}

static void
account_page(const struct ctx *c, struct request *r, struct response *res,
    const struct params *in, const struct admin_session *s, int status, const char *error_key)
{
	const char *done = param_has(in, AC_DONE) ? param_text(in, AC_DONE) : NULL;
	const char *notice = done == NULL ? NULL : strcmp(done, "notify") == 0 ?
	    "admin.notice.notify" : "admin.notice.password";
	account_view(c, r, res, s, status, error_key, notice, NULL, -1);
}

void
admin_account_page(const struct ctx *c, struct request *r, struct response *res,
    const struct handler_args *args)
{
	account_page(c, r, res, args->in, args->session, 200, NULL);
}

void
admin_account_change(const struct ctx *c, struct request *r, struct response *res,
    const struct handler_args *args)
{
	const struct params *in = args->in;
	const struct admin_session *s = args->session;
	const char *old = param_str(in, AC_OLD);
	const char *new1 = param_str(in, AC_NEW);
	const char *new2 = param_str(in, AC_NEW2);
	struct op_result or = { .problem = op_password_check(new1, strlen(new1)) };
	if (or.problem != OP_OK) {
		account_page(c, r, res, in, s, op_http_status(or.problem), op_problem_key(&or));
		return;
	}
	if (strcmp(new1, new2) != 0) {
		account_page(c, r, res, in, s, 422, "admin.error.password_mismatch");
		return;
	}
	char *stored;
	struct user u;
	if (store_user_by_id(c->store, r->arena, s->user.id, &u, &stored) != STORE_OK) {
		view_retry_after(r, res, RETRY_STORAGE_SECONDS);
		account_page(c, r, res, in, s, 503, "admin.error.unavailable");
		return;
	}
	bool ok = false, rehash = false;
	size_t oldlen = strlen(old);
	if (oldlen > AUTH_PASSWORD_MAX_BYTES ||
	    auth_verify_password(stored, old, oldlen, &ok, &rehash, NULL) != AUTH_HASH_OK) {
		if (oldlen <= AUTH_PASSWORD_MAX_BYTES) {
			view_retry_after(r, res, RETRY_BUSY_SECONDS);
			account_page(c, r, res, in, s, 503, "admin.error.busy");
			return;
		}
	}
	if (!ok) {
		audit(c, r, s, "password", s->user.name, "", "refused: wrong password");
		account_page(c, r, res, in, s, 422, "admin.error.old_password");
		return;
	}
	struct actor who;
	struct op_ctx oc;
	admin_op_begin(c, r, s, &oc, &who);
	if (op_user_password(&oc, s->user.name, new1, strlen(new1), s->token_hash, &or) != OP_OK) {
		account_page(c, r, res, in, s, admin_op_status(res, &or), op_problem_key(&or));
		return;
	}
	admin_redirect(c, r, res, "/account?done=1");
}

void
admin_account_notify(const struct ctx *c, struct request *r, struct response *res,
    const struct handler_args *args)
{
	const struct params *in = args->in;
	const struct admin_session *s = args->session;
	const char *email = param_str(in, NT_EMAIL);
	int mode = (int)param_int(in, NT_MODE, 0);
	struct actor who;
	struct op_ctx oc;
	struct op_result or;
	admin_op_begin(c, r, s, &oc, &who);
	if (op_user_set_notify(&oc, s->user.name, email, mode, &or) != OP_OK) {
		account_view(c, r, res, s, admin_op_status(res, &or), op_problem_key(&or), NULL,
		    email, mode);
		return;
	}
	admin_redirect(c, r, res, "/account?done=notify");
}
