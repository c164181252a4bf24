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

/* Zeroed memory, aligned for any type; never NULL. */
void *arena_alloc(struct arena *a, size_t size);
/* Overflow-checked arena_alloc(a, n * size). */
void *arena_calloc(struct arena *a, size_t n, size_t size);
char *arena_strdup(struct arena *a, const char *s);
/* Copies exactly len bytes and appends a NUL. */
char *arena_strndup(struct arena *a, const char *s, size_t len);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
