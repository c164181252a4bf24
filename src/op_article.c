/* op_article.c — renaming an article and closing its thread (op.h): the
 * ids checked here, the change and its audit row written by the store in
 * one transaction. */
#include <string.h>

#include "op.h"
#include "op_impl.h"
#include "store_articles.h"
#include "validate.h"

enum op_problem
op_article_rename(const struct op_ctx *o, const char *from, const char *to, bool merge,
    struct op_result *res)
{
	memset(res, 0, sizeof(*res));
	if (from == NULL || to == NULL || !validate_article_id(from) ||
	    !validate_article_id(to) || strcmp(from, to) == 0)
		return op_done(res, OP_ARTICLE_ID);
	enum store_result r = store_article_rename(o->st, from, to, merge, o->who, o->now,
	    &res->moved, &res->merged_into);
	if (r == STORE_CONFLICT)
		return op_done(res, OP_ARTICLE_TAKEN);
	return op_done(res, op_store_problem(r, OP_NO_ARTICLE));
}

enum op_problem
op_article_close(const struct op_ctx *o, const char *article, bool closed,
    struct op_result *res)
{
	memset(res, 0, sizeof(*res));
	if (article == NULL || !validate_article_id(article))
		return op_done(res, OP_ARTICLE_ID);
	bool changed;
	enum store_result r = store_article_set_closed(o->st, article, closed, o->who, o->now,
	    &changed);
	res->unchanged = r == STORE_OK && !changed;
	return op_done(res, op_store_problem(r, OP_ARTICLE_ID));
}
