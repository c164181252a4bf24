/* arena.h — per-request memory: many small allocations, one free.
 *
 * Every request, template context and query result is built in an arena so
 * that handlers never free piecemeal and cannot leak on an error path.
 * Allocation failure aborts the process (there is no sane recovery inside a
 * request, and the supervisor restarts us). */
#ifndef NAZAR_ARENA_H
#define NAZAR_ARENA_H

#include <stddef.h>

struct arena;

struct arena *arena_new(void);
void arena_free(struct arena *a);
/* Forgets everything allocated, as arena_free would, but keeps up to keep
 * bytes of its standard blocks for the next allocations: a worker reuses
 * one arena for request after request without going back to malloc. */
void arena_reset(struct arena *a, size_t keep);

/* Zeroed memory, aligned for any type; never NULL. */
void *arena_alloc(struct arena *a, size_t size);
/* Overflow-checked arena_alloc(a, n * size). */
void *arena_calloc(struct arena *a, size_t n, size_t size);
/* A growable array in the arena: p (NULL at first) holding n elements of
 * size bytes in room for *cap; returns p when there is room for one more,
 * else a copy with twice the room (16 at first) and *cap updated. The old
 * copy stays in the arena until it is freed. Usage:
 *	if (n == cap) rows = arena_grow(a, rows, &cap, n, sizeof(*rows));
 *	rows[n++] = …;
 * New elements are zeroed. */
void *arena_grow(struct arena *a, void *p, size_t *cap, size_t n, size_t size);
char *arena_strdup(struct arena *a, const char *s);
/* Copies exactly len bytes and appends a NUL. */
char *arena_strndup(struct arena *a, const char *s, size_t len);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
