/* fuzz_template.c — the Mustache engine both ways round.
 *
 * 1. The input as a template, parsed and rendered with a fixed context and
 *    two fixed partials that include each other. A rendering is
 *    deterministic; a refused template says why.
 * 2. Fixed templates rendered with the input as values (split at the
 *    first NUL into x and y; the last 8 bytes also as a number n): {{x}}
 *    never lets < > " ' through and unescapes back to x exactly; a
 *    template's own markup is all the markup there is; {{{x}}} and {{&y}}
 *    are verbatim; a number reads back as the same double. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "fuzz.h"
#include "log.h"
#include "tmpl.h"

/* Named with a space, which no partial tag can spell: the fuzzed template
 * cannot include itself (recursion is bounded, but slow to reach). */
#define FUZZED "fuzz input"

static struct tmpl_set *fixed_set;

static struct tval *
fixed_context(struct arena *a)
{
	struct tval *c = tval_object(a), *o = tval_object(a), *inner = tval_object(a);
	struct tval *one = tval_list(a), *pair = tval_list(a), *item;

	tval_set_str(a, c, "x", "<b>&\"'x</b>");
	tval_set_str(a, c, "fa", "نظر شما");
	tval_set_number(a, c, "n", 42);
	tval_set_number(a, c, "f", 1.5);
	tval_set_bool(a, c, "t", true);
	tval_set_bool(a, c, "no", false);
	tval_set(a, c, "nil", tval_null(a));
	tval_set_str(a, c, "empty", "");
	tval_set_str(a, inner, "c", "deep");
	tval_set(a, o, "b", inner);
	tval_set_str(a, o, "a", "A<");
	tval_set(a, c, "obj", o);
	item = tval_object(a);
	tval_set_str(a, item, "name", "first");
	tval_push(a, one, item);
	tval_set(a, c, "one", one);
	/* The only list of more than one item: nested sections over it
	 * multiply the output, so the harness bounds how often it is named. */
	for (int i = 0; i < 2; i++) {
		item = tval_object(a);
		tval_set_str(a, item, "name", i == 0 ? "a" : "b");
		tval_set_number(a, item, "i", i);
		tval_push(a, pair, item);
	}
	tval_set(a, c, "pair", pair);
	tval_set(a, c, "none", tval_list(a));
	return c;
}

static size_t
occurrences(const char *s, size_t len, const char *needle)
{
	size_t n = 0, nlen = strlen(needle);
	for (const char *p = s; (p = memmem(p, len - (size_t)(p - s), needle, nlen)) != NULL;
	    p += nlen)
		n++;
	return n;
}

static void
template_from_input(const uint8_t *data, size_t size)
{
	char err[256];
	struct arena *a = arena_new();
	struct tval *ctx = fixed_context(a);

	int rc = tmpl_set_add(fixed_set, FUZZED, (const char *)data, size, err, sizeof(err));
	if (rc != 0)
		FUZZ_CHECK(strncmp(err, FUZZED ":", strlen(FUZZED ":")) == 0);
	else if (occurrences((const char *)data, size, "pair") <= 8) {
		struct buf one = { 0 }, two = { 0 };
		FUZZ_CHECK(tmpl_render(fixed_set, FUZZED, ctx, &one) == 0);
		FUZZ_CHECK(tmpl_render(fixed_set, FUZZED, ctx, &two) == 0);
		FUZZ_CHECK(one.len == two.len && memcmp(buf_str(&one), buf_str(&two), one.len) == 0);
		buf_free(&one);
		buf_free(&two);
	}
	arena_free(a);
}

/* s is html_escape of exactly len bytes of want. */
static void
check_escaped(const char *s, size_t slen, const char *want, size_t len)
{
	static const struct { const char *ent; char c; } ents[] = {
		{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' }, { "&#39;", '\'' },
	};
	size_t i = 0, o = 0;
	while (i < slen) {
		char c = s[i];
		FUZZ_CHECK(c != '<' && c != '>' && c != '"' && c != '\'');
		if (c == '&') {
			size_t k;
			for (k = 0; k < sizeof(ents) / sizeof(ents[0]); k++)
				if (strncmp(s + i, ents[k].ent, strlen(ents[k].ent)) == 0)
					break;
			FUZZ_CHECK(k < sizeof(ents) / sizeof(ents[0]));
			c = ents[k].c;
			i += strlen(ents[k].ent);
		} else
			i++;
		FUZZ_CHECK(o < len && want[o] == c);
		o++;
	}
	FUZZ_CHECK(o == len);
}

static size_t
count_char(const char *s, size_t len, char c)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += s[i] == c;
	return n;
}

static void
values_from_input(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	const char *in = (const char *)data;
	size_t xlen = strnlen(in, size);
	const char *x = arena_strndup(a, in, xlen);
	const char *yraw = xlen < size ? in + xlen + 1 : "";
	size_t ylen = xlen < size ? strnlen(yraw, size - xlen - 1) : 0;
	const char *y = arena_strndup(a, yraw, ylen);

	struct tval *ctx = tval_object(a), *list = tval_list(a), *o = tval_object(a);
	tval_set_str(a, ctx, "x", x);
	tval_set_str(a, ctx, "y", y);
	tval_push(a, list, tval_str(a, x));
	tval_push(a, list, tval_str(a, y));
	tval_set(a, ctx, "list", list);
	tval_set_str(a, o, "y", y);
	tval_set(a, ctx, "obj", o);
	double n = 0;
	if (size >= sizeof(n))
		memcpy(&n, data + size - sizeof(n), sizeof(n));
	tval_set_number(a, ctx, "n", n);

	struct buf out = { 0 };
	FUZZ_CHECK(tmpl_render(fixed_set, "x", ctx, &out) == 0);
	check_escaped(buf_str(&out), out.len, x, xlen);

	/* Only the template's own markup: 2 tags around the paragraph, 2 per
	 * list item, 2 attribute values in each kind of quote. */
	buf_reset(&out);
	FUZZ_CHECK(tmpl_render(fixed_set, "page", ctx, &out) == 0);
	FUZZ_CHECK(count_char(buf_str(&out), out.len, '<') == 2 + 2 * 2);
	FUZZ_CHECK(count_char(buf_str(&out), out.len, '>') == 2 + 2 * 2);
	FUZZ_CHECK(count_char(buf_str(&out), out.len, '"') == 2);
	FUZZ_CHECK(count_char(buf_str(&out), out.len, '\'') == 2);

	buf_reset(&out);
	FUZZ_CHECK(tmpl_render(fixed_set, "raw", ctx, &out) == 0);
	FUZZ_CHECK(out.len == xlen + 1 + ylen);
	FUZZ_CHECK(memcmp(out.data, x, xlen) == 0 && out.data[xlen] == '|' &&
	    memcmp(out.data + xlen + 1, y, ylen) == 0);

	buf_reset(&out);
	FUZZ_CHECK(tmpl_render(fixed_set, "n", ctx, &out) == 0);
	if (n == n && n - n == 0) {
		FUZZ_CHECK(out.len > 0 && strtod(buf_str(&out), NULL) == n);
		FUZZ_CHECK(strspn(buf_str(&out), "0123456789-+.e") == out.len);
	} else
		FUZZ_CHECK(out.len == 0);	/* NaN and infinities print nothing */
	buf_free(&out);
	arena_free(a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	template_from_input(data, size);
	values_from_input(data, size);
	return 0;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const struct { const char *name, *src; } fixed[] = {
		{ "p", "[{{x}}{{>q}}]" },
		{ "q", "{{#one}}{{name}}{{/one}}\n  {{>p}}\n" },
		{ "x", "{{x}}" },
		{ "page", "<p title=\"{{x}}\" data-y='{{y}}'>{{x}}"
		    "{{#list}}<i>{{.}}</i>{{/list}}{{obj.y}}{{^none}}{{y}}{{/none}}</p>" },
		{ "raw", "{{{x}}}|{{&y}}" },
		{ "n", "{{n}}" },
	};
	char err[256];

	(void)argc;
	(void)argv;
	/* The partial bound is reached on purpose; its warning is noise here. */
	log_set_level(LOG_LEVEL_ERROR);
	fixed_set = tmpl_set_new();
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (tmpl_set_add(fixed_set, fixed[i].name, fixed[i].src, strlen(fixed[i].src),
		    err, sizeof(err)) != 0) {
			fprintf(stderr, "fixed template: %s\n", err);
			abort();
		}
	return 0;
}
