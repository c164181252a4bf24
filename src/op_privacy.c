/* op_privacy.c — a reader forgotten (op.h): the address checked and masked
 * here, the change and its audit row written by the store in one
 * transaction (store_privacy.h). */
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "op.h"
#include "op_impl.h"
#include "store_privacy.h"
#include "validate.h"

/* The first character of s (a whole UTF-8 sequence) as it is, or '*'
 * when there is none. */
static void
first_char(struct buf *b, const char *s, size_t len)
{
	if (len == 0) {
		buf_putc(b, '*');
		return;
	}
	size_t n = 1;
	while (n < len && ((unsigned char)s[n] & 0xC0) == 0x80)
		n++;
	buf_append(b, s, n);
}

const char *
op_email_mask(struct arena *a, const char *email)
{
	const char *at = email ? strrchr(email, '@') : NULL;
	if (at == NULL)
		return "***";
	const char *domain = at + 1;
	const char *dot = strrchr(domain, '.');
	struct buf b = { 0 };
	first_char(&b, email, (size_t)(at - email));
	buf_puts(&b, "***@");
	first_char(&b, domain, dot ? (size_t)(dot - domain) : strlen(domain));
	buf_puts(&b, "***");
	if (dot != NULL && dot[1] != '\0')
		buf_puts(&b, dot);
	char *out = arena_strdup(a, buf_str(&b));
	buf_free(&b);
	/* The same address in any case is the same reader: one mask. */
	for (char *p = out; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return out;
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
