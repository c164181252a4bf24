/* op_privacy.c — a reader forgotten (op.h): the address checked and masked
 * here, the change and its audit row written by the store in one
 * transaction (store_privacy.h). */
#include <string.h>

#include "arena.h"
#include "log.h"
#include "op.h"
#include "op_impl.h"
#include "store_privacy.h"
#include "validate.h"

const char *
op_email_mask(struct arena *a, const char *email)
{
	char out[256];
	log_mask_email(out, sizeof(out), email, email != NULL ? strlen(email) : 0);
	return arena_strdup(a, out);
}

enum op_problem
op_comment_forget(const struct op_ctx *o, const char *email, bool delete_comments,
    struct op_result *res)
{
	memset(res, 0, sizeof(*res));
	if (email == NULL || !validate_email(email))
		return op_done(res, OP_FORGET_EMAIL);
	enum store_result r = store_forget_email(o->st, email, delete_comments,
	    op_email_mask(o->a, email), o->who, o->now, &res->count);
	return op_done(res, op_store_problem(r, OP_FORGET_EMAIL));
}
