/* op_block.c — adding and removing blocklist entries (op.h). The pattern
 * is normalised and the note cleaned here; the store writes the change with
 * its audit row in one transaction. */
#include <string.h>

#include "arena.h"
#include "op.h"
#include "op_impl.h"
#include "store_blocklist.h"
#include "text.h"

const char *
op_block_target(struct arena *a, enum blocklist_kind kind, const char *pattern)
{
	return arena_printf(a, "%s %s", blocklist_kind_name(kind), pattern);
}

enum op_problem
op_block_add(const struct op_ctx *o, enum blocklist_kind kind, enum blocklist_action action,
    const char *pattern, const char *note, struct op_result *res)
{
	static const struct text_rules note_rules = { .single_line = true };
	memset(res, 0, sizeof(*res));
	const char *clean, *folded;
	res->pattern = blocklist_normalize(o->a, kind, pattern ? pattern : "", &clean, &folded);
	if (res->pattern != BLOCK_PATTERN_OK)
		return op_done(res, OP_BLOCK_PATTERN);
	if (note != NULL) {
		enum text_status ts;
		size_t len = strlen(note);
		note = len > BLOCKLIST_NOTE_MAX ? NULL :
		    text_clean_rules(o->a, note, len, &note_rules, &ts);
		if (note == NULL)
			return op_done(res, OP_BLOCK_NOTE);
	}
	res->entry = (struct blocklist_entry){
		.kind = kind, .action = action, .pattern = (char *)clean, .folded = (char *)folded,
		.note = (char *)note, .created = (int64_t)o->now,
		.created_by = (char *)o->who->name,
	};
	enum store_result sr = store_blocklist_add(o->st, &res->entry, o->who, &res->id);
	if (sr == STORE_CONFLICT) {
		/* The entry already there, to name it; none when it cannot be read. */
		if (store_blocklist_find(o->st, o->a, kind, folded, &res->entry) != STORE_OK)
			memset(&res->entry, 0, sizeof(res->entry));
		return op_done(res, OP_BLOCK_EXISTS);
	}
	res->entry.id = res->id;
	return op_done(res, op_store_problem(sr, OP_NO_BLOCK));
}

enum op_problem
op_block_remove(const struct op_ctx *o, int64_t id, struct op_result *res)
{
	memset(res, 0, sizeof(*res));
	return op_done(res, op_store_problem(store_blocklist_remove(o->st, o->a, id, o->who, o->now,
	    &res->entry), OP_NO_BLOCK));
}

enum op_problem
op_block_remove_pattern(const struct op_ctx *o, enum blocklist_kind kind, const char *pattern,
    struct op_result *res)
{
	memset(res, 0, sizeof(*res));
	const char *clean, *folded;
	res->pattern = blocklist_normalize(o->a, kind, pattern ? pattern : "", &clean, &folded);
	if (res->pattern != BLOCK_PATTERN_OK)
		return op_done(res, OP_BLOCK_PATTERN);
	struct blocklist_entry e;
	enum store_result sr = store_blocklist_find(o->st, o->a, kind, folded, &e);
	if (sr != STORE_OK)
		return op_done(res, op_store_problem(sr, OP_NO_BLOCK));
	return op_block_remove(o, e.id, res);
}
