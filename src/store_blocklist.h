/* store_blocklist.h — the blocklist's entries in SQLite: added, removed,
 * listed a page at a time and loaded whole for compiling (blocklist.h).
 *
 * The table and its triggers come with schema version 5 (store_schema.c).
 * Every change to the table raises the generation kept in settings under
 * 'blocklist_generation' (the triggers do it, so hand edits count too),
 * which tells the workers' cache when to compile the list again. Patterns
 * are unique per kind in their canonical form (blocklist_normalize):
 * adding "كلاهبردار" when "کلاهبردار" is there is STORE_CONFLICT. */
#ifndef NAZAR_STORE_BLOCKLIST_H
#define NAZAR_STORE_BLOCKLIST_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "blocklist.h"
#include "store.h"
#include "store_audit.h"

struct arena;

/* Page sizes store_blocklist_list accepts. */
#define STORE_BLOCKLIST_MAX_PER_PAGE 500
#define STORE_BLOCKLIST_MAX_PAGE 100000
/* Bytes of a search query that are read. */
#define STORE_BLOCKLIST_QUERY_MAX 200

/* Adds e (id ignored; kind, action, pattern, folded, created required;
 * note may be NULL, created_by NULL: who's name) and sets *id, with its
 * audit row by who at e->created in the same transaction ("block_add",
 * the target "kind pattern", the action after, the note as reason).
 * STORE_CONFLICT when the kind already has an entry with the same folded
 * form; nothing written. */
enum store_result store_blocklist_add(struct store *st, const struct blocklist_entry *e,
    const struct actor *who, int64_t *id);

/* Removes the entry with this id and gives what it was in *removed (in
 * the arena), with its audit row by who at now in the same transaction
 * ("block_remove", the target "kind pattern", the action before);
 * STORE_NOT_FOUND when there is none. */
enum store_result store_blocklist_remove(struct store *st, struct arena *a, int64_t id,
    const struct actor *who, time_t now, struct blocklist_entry *removed);

/* The entry with this id, or the one of this kind and canonical form. */
enum store_result store_blocklist_get(struct store *st, struct arena *a, int64_t id,
    struct blocklist_entry *out);
enum store_result store_blocklist_find(struct store *st, struct arena *a,
    enum blocklist_kind kind, const char *folded, struct blocklist_entry *out);

/* One page (1-based) of entries, newest first: of one kind (kind < 0:
 * all) and, when q is neither NULL nor "", those whose pattern or note
 * holds q (without ASCII case) or whose canonical form holds q's folding.
 * *total counts every matching entry. */
enum store_result store_blocklist_list(struct store *st, struct arena *a, int kind,
    const char *q, int page, int per_page, struct blocklist_entry **out, size_t *count,
    long long *total);

/* Every entry, oldest first, and the generation they belong to, read in
 * one snapshot. */
enum store_result store_blocklist_load(struct store *st, struct arena *a,
    struct blocklist_entry **out, size_t *count, int64_t *generation);

/* The generation alone (0 before the first change). */
enum store_result store_blocklist_generation(struct store *st, int64_t *generation);

#endif
