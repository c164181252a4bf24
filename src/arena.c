/* arena.c — bump allocator in chained blocks; see arena.h. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "log.h"

#define ARENA_BLOCK 8192
#define ARENA_ALIGN 16

struct block {
	struct block *next;
	size_t used, cap;
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

struct arena {
	struct block *head;
	struct block *spare;	/* emptied standard blocks kept by arena_reset */
};

static void
free_chain(struct block *b)
{
	while (b != NULL) {
		struct block *next = b->next;
		free(b);
		b = next;
	}
}

struct arena *
arena_new(void)
{
	struct arena *a = calloc(1, sizeof(*a));
	if (a == NULL)
		fatal("out of memory");
	return a;
}

void
arena_free(struct arena *a)
{
	if (a == NULL)
		return;
	free_chain(a->head);
	free_chain(a->spare);
	free(a);
}

void
arena_reset(struct arena *a, size_t keep)
{
	struct block *b = a->head, *kept = a->spare;
	size_t total = 0;
	for (struct block *s = kept; s != NULL; s = s->next)
		total += ARENA_BLOCK;
	a->head = NULL;
	while (b != NULL) {
		struct block *next = b->next;
		/* Only standard blocks are kept: a one-off large one would pin
		 * memory that the next use most likely does not need. */
		if (b->cap == ARENA_BLOCK && total + ARENA_BLOCK <= keep) {
			b->used = 0;
			b->next = kept;
			kept = b;
			total += ARENA_BLOCK;
		} else
			free(b);
		b = next;
	}
	a->spare = kept;
}

void *
arena_alloc(struct arena *a, size_t size)
{
	if (size > SIZE_MAX - ARENA_ALIGN - sizeof(struct block))
		fatal("allocation too large");
	size_t need = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	struct block *b = a->head;
	if (b == NULL || b->cap - b->used < need) {
		size_t cap = need > ARENA_BLOCK ? need : ARENA_BLOCK;
		struct block *nb = a->spare;
		if (cap == ARENA_BLOCK && nb != NULL)
			a->spare = nb->next;
		else if ((nb = malloc(sizeof(*nb) + cap)) == NULL)
			fatal("out of memory");
		nb->used = 0;
		nb->cap = cap;
		/* A large one-off allocation goes behind the current block so the
		 * free space left in that block is not wasted. */
		if (b != NULL && need > ARENA_BLOCK) {
			nb->next = b->next;
			b->next = nb;
		} else {
			nb->next = b;
			a->head = nb;
		}
		b = nb;
	}
	void *p = b->data + b->used;
	b->used += need;
	memset(p, 0, size);
	return p;
}

void *
arena_calloc(struct arena *a, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		fatal("allocation too large");
	return arena_alloc(a, n * size);
}

/* GCC 12's -fanalyzer reports the new block as leaked at the memcpy below:
 * it cannot tell that the old items (p) do not overlap the block list the
 * block was just linked into. They never do (p is an earlier allocation's
 * payload), so that one report is silenced here, and only here. */
#pragma GCC diagnostic push
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 10
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
#endif
void *
arena_grow(struct arena *a, void *p, size_t *cap, size_t n, size_t size)
{
	if (p != NULL && n < *cap)
		return p;
	if (p == NULL)
		n = *cap = 0;
	if (*cap > SIZE_MAX / 2)
		fatal("allocation too large");
	size_t ncap = *cap ? *cap * 2 : 16;
	void *np = arena_calloc(a, ncap, size);
	if (n > 0)
		memcpy(np, p, n * size);
	*cap = ncap;
	return np;
}
#pragma GCC diagnostic pop

char *
arena_strndup(struct arena *a, const char *s, size_t len)
{
	char *p = arena_alloc(a, len + 1);
	if (len > 0)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap, aq;
	char small[256];
	/* Formatted once on the stack when short, as nearly all are; a longer
	 * result is measured by that pass and formatted again in place. */
	va_start(ap, fmt);
	va_copy(aq, ap);
	int r = vsnprintf(small, sizeof(small), fmt, aq);
	va_end(aq);
	if (r < 0)
		fatal("vsnprintf failed");
	size_t n = (size_t)r;
	char *p;
	if (n < sizeof(small))
		p = arena_strndup(a, small, n);
	else {
		p = arena_alloc(a, n + 1);
		vsnprintf(p, n + 1, fmt, ap);
	}
	va_end(ap);
	return p;
}
