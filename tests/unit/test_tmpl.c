/* test_tmpl.c — the template engine beyond the spec: escaping, parse errors
 * and their lines, recursion bounds, loading a directory, values as JSON. */
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "arena.h"
#include "buf.h"
#include "html.h"
#include "json.h"
#include "tmpl.h"

/* Parses src as template "t" and renders it with ctx; returns the output
 * (in a), or NULL when parsing or rendering failed. */
static const char *
render_with(struct arena *a, const char *src, const struct tval *ctx)
{
	struct tmpl_set *set = tmpl_set_new();
	struct buf out = { 0 };
	char err[256];
	const char *res = NULL;

	if (tmpl_set_add(set, "t", src, strlen(src), err, sizeof(err)) == 0 &&
	    tmpl_render(set, "t", ctx, &out) == 0)
		res = arena_strdup(a, buf_str(&out));
	buf_free(&out);
	tmpl_set_free(set);
	return res;
}

/* The message tmpl_set_add gives for src, or "" when it parses. */
static const char *
parse_err(struct arena *a, const char *src)
{
	struct tmpl_set *set = tmpl_set_new();
	char err[256];
	int rc;

	rc = tmpl_set_add(set, "t", src, strlen(src), err, sizeof(err));
	tmpl_set_free(set);
	return rc == 0 ? "" : arena_strdup(a, err);
}

static const char *
json_of(struct arena *a, const struct tval *v)
{
	struct buf b = { 0 };
	const char *s;

	tval_to_json(&b, v);
	s = arena_strdup(a, buf_str(&b));
	buf_free(&b);
	return s;
}

static const char *
jstr(struct arena *a, const char *s, size_t len)
{
	struct buf b = { 0 };
	const char *r;

	json_quote(&b, s, len);
	r = arena_strdup(a, buf_str(&b));
	buf_free(&b);
	return r;
}

static int
setup(void **state)
{
	*state = arena_new();
	return 0;
}

static int
teardown(void **state)
{
	arena_free(*state);
	return 0;
}

/* A frozen object answers the same lookups as before, by binary search,
 * including dotted names in templates and keys that are prefixes of
 * others; a later set thaws it. */
static void
frozen_objects(void **state)
{
	struct arena *a = *state;
	struct tval *root = tval_object(a), *t = tval_object(a);
	char key[32];
	for (int i = 0; i < 300; i++) {
		snprintf(key, sizeof(key), "k%03d", 299 - i);
		tval_set_str(a, t, key, key + 1);
	}
	tval_set_str(a, t, "k", "short");
	tval_set_str(a, t, "k0000", "longer");
	tval_set(a, root, "t", t);
	tval_freeze(a, t);
	assert_string_equal(tval_string(tval_get(t, "k000")), "000");
	assert_string_equal(tval_string(tval_get(t, "k299")), "299");
	assert_string_equal(tval_string(tval_get(t, "k")), "short");
	assert_string_equal(tval_string(tval_get(t, "k0000")), "longer");
	assert_null(tval_get(t, "k00"));
	assert_null(tval_get(t, "k300"));
	assert_null(tval_get(t, ""));
	assert_string_equal(render_with(a, "{{t.k150}} {{t.k}} {{t.k0000}}[{{t.k00}}]", root),
	    "150 short longer[]");
	/* Iteration keeps insertion order. */
	assert_string_equal(tval_object_key_at(t, 0), "k299");
	tval_set_str(a, t, "new", "after");
	assert_string_equal(tval_string(tval_get(t, "new")), "after");
	assert_string_equal(tval_string(tval_get(t, "k123")), "123");
}

static void
html_escaper(void **state)
{
	struct buf b = { 0 };

	(void)state;
	html_escape_str(&b, "a&b<c>d\"e'f");
	assert_string_equal(buf_str(&b), "a&amp;b&lt;c&gt;d&quot;e&#39;f");
	buf_reset(&b);
	html_escape_str(&b, "سلام <b>دنیا</b>");
	assert_string_equal(buf_str(&b), "سلام &lt;b&gt;دنیا&lt;/b&gt;");
	buf_reset(&b);
	html_escape(&b, "<<>>", 2);	/* only len bytes */
	assert_string_equal(buf_str(&b), "&lt;&lt;");
	buf_reset(&b);
	html_escape_str(&b, NULL);
	html_escape_str(&b, "");
	assert_string_equal(buf_str(&b), "");
	html_escape_str(&b, "plain / = ` text");
	assert_string_equal(buf_str(&b), "plain / = ` text");
	/* html_escape_nul (strcspn) gives what html_escape (the table) gives,
	 * wherever the specials are: every byte value, each string alone and
	 * between other text. */
	struct buf c = { 0 };
	char s[8];
	for (int ch = 1; ch < 256; ch++) {
		for (int at = 0; at < 3; at++) {
			memcpy(s, "xy", 3);
			size_t len = at == 0 ? 1 : at == 1 ? 2 : 3;
			if (at == 0)
				s[0] = (char)ch, s[1] = '\0';
			else if (at == 1)
				s[0] = 'x', s[1] = (char)ch, s[2] = '\0';
			else
				s[0] = (char)ch, s[1] = 'y', s[2] = (char)ch, s[3] = '\0';
			buf_reset(&b);
			buf_reset(&c);
			html_escape(&b, s, len);
			html_escape_nul(&c, s, len);
			assert_string_equal(buf_str(&b), buf_str(&c));
		}
	}
	buf_reset(&c);
	html_escape_nul(&c, "سلام <b>\"دنیا\"</b> & 'x'", strlen("سلام <b>\"دنیا\"</b> & 'x'"));
	assert_string_equal(buf_str(&c),
	    "سلام &lt;b&gt;&quot;دنیا&quot;&lt;/b&gt; &amp; &#39;x&#39;");
	buf_reset(&c);
	html_escape_nul(&c, "", 0);
	assert_string_equal(buf_str(&c), "");
	buf_free(&c);
	buf_free(&b);
}

/* tval_add and tval_str_ref, which build a thread page's values without
 * looking keys up or copying: what they build reads, renders and writes as
 * JSON like tval_set's, and a lookup up the context stack skips objects
 * whose key bits say the name is not there without missing one that is. */
static void
values_added(void **state)
{
	struct arena *a = *state;
	struct tval *o = tval_object(a), *p = tval_object(a);
	char text[] = "kept";
	tval_add(a, o, "name", tval_str_ref(a, text));
	tval_add(a, o, "n", tval_number(a, 7));
	tval_add(a, o, "nn", tval_bool(a, true));
	for (int i = 0; i < 40; i++)
		tval_add(a, o, arena_printf(a, "k%d", i), tval_number(a, i));
	assert_string_equal(tval_string(tval_get(o, "name")), "kept");
	assert_ptr_equal(tval_string(tval_get(o, "name")), text);	/* not copied */
	assert_true(tval_get(o, "k39") != NULL);
	assert_null(tval_get(o, "k40"));
	assert_null(tval_get(o, "nam"));
	/* tval_set finds a key tval_add added and replaces it in place. */
	tval_set(a, o, "n", tval_number(a, 8));
	assert_int_equal(tval_object_count(o), 43);
	tval_set_str(a, p, "outer", "up");
	tval_set_str(a, p, "name", "hidden");
	tval_add(a, p, "inner", o);
	struct tmpl_set *set = tmpl_set_new();
	char err[256];
	const char *src = "{{#inner}}{{name}} {{n}} {{nn}} {{k0}} {{k39}} {{outer}}|{{missing}}|{{/inner}}";
	assert_int_equal(tmpl_set_add(set, "t", src, strlen(src), err, sizeof(err)), 0);
	struct buf b = { 0 };
	assert_int_equal(tmpl_render(set, "t", p, &b), 0);
	assert_string_equal(buf_str(&b), "kept 8 true 0 39 up||");
	buf_reset(&b);
	tval_to_json(&b, tval_get(p, "inner"));
	assert_int_equal(strncmp(buf_str(&b), "{\"name\":\"kept\",\"n\":8,\"nn\":true,\"k0\":0,", 38), 0);
	buf_free(&b);
	tmpl_set_free(set);
}

static void
escaping_in_templates(void **state)
{
	struct arena *a = *state;
	struct tval *o = tval_object(a);

	tval_set_str(a, o, "x", "& < > \" '");
	assert_string_equal(render_with(a, "{{x}}", o), "&amp; &lt; &gt; &quot; &#39;");
	assert_string_equal(render_with(a, "{{{x}}}", o), "& < > \" '");
	assert_string_equal(render_with(a, "{{&x}}", o), "& < > \" '");
	assert_string_equal(render_with(a, "{{ x }}|{{{ x }}}|{{& x }}", o),
	    "&amp; &lt; &gt; &quot; &#39;|& < > \" '|& < > \" '");
	/* Attribute context: a quote cannot end the attribute. */
	tval_set_str(a, o, "x", "\" onmouseover=\"alert(1)");
	assert_string_equal(render_with(a, "<a title=\"{{x}}\">", o),
	    "<a title=\"&quot; onmouseover=&quot;alert(1)\">");
	/* Persian text passes through untouched. */
	tval_set_str(a, o, "x", "نظر ۱۲۳");
	assert_string_equal(render_with(a, "<p>{{x}}</p>", o), "<p>نظر ۱۲۳</p>");
	/* Template text itself is never escaped. */
	assert_string_equal(render_with(a, "<b>&amp;</b>", o), "<b>&amp;</b>");
}

static void
values_in_templates(void **state)
{
	struct arena *a = *state;
	struct tval *o = tval_object(a), *l = tval_list(a);

	tval_set_number(a, o, "int", 85);
	tval_set_number(a, o, "dec", 1.21);
	tval_set_number(a, o, "neg", -3);
	tval_set_number(a, o, "big", 1234567890123.0);
	tval_set_number(a, o, "third", 1.0 / 3.0);
	tval_set_bool(a, o, "yes", true);
	tval_set_bool(a, o, "no", false);
	tval_set(a, o, "nil", tval_null(a));
	tval_push(a, l, tval_str(a, "x"));
	tval_set(a, o, "list", l);
	tval_set(a, o, "obj", tval_object(a));
	assert_string_equal(render_with(a, "{{int}} {{dec}} {{neg}} {{big}} {{third}}", o),
	    "85 1.21 -3 1234567890123 0.3333333333333333");
	assert_string_equal(render_with(a, "[{{yes}}][{{no}}][{{nil}}][{{list}}][{{obj}}][{{none}}]",
	    o), "[true][false][][][][]");
	/* A NULL context renders like an empty one. */
	assert_string_equal(render_with(a, "a{{x}}b{{#x}}c{{/x}}{{^x}}d{{/x}}", NULL), "abd");
}

static void
truthiness(void **state)
{
	struct arena *a = *state;
	struct tval *o = tval_object(a);
	const char *tpl = "{{#v}}T{{/v}}{{^v}}F{{/v}}";

	tval_set_str(a, o, "v", "");
	assert_string_equal(render_with(a, tpl, o), "F");
	tval_set_str(a, o, "v", "0");
	assert_string_equal(render_with(a, tpl, o), "T");
	tval_set_number(a, o, "v", 0);
	assert_string_equal(render_with(a, tpl, o), "F");
	tval_set_number(a, o, "v", 2);
	assert_string_equal(render_with(a, tpl, o), "T");
	tval_set(a, o, "v", tval_list(a));
	assert_string_equal(render_with(a, tpl, o), "F");
	tval_set(a, o, "v", tval_object(a));
	assert_string_equal(render_with(a, tpl, o), "T");
	tval_set(a, o, "v", tval_null(a));
	assert_string_equal(render_with(a, tpl, o), "F");
	/* A string section pushes the string: {{.}} is the value. */
	tval_set_str(a, o, "v", "<url>");
	assert_string_equal(render_with(a, "{{#v}}[{{.}}]{{/v}}", o), "[&lt;url&gt;]");
	assert_false(tval_truthy(NULL));
}

static void
nested_sections(void **state)
{
	struct arena *a = *state;
	struct tval *root = tval_object(a), *posts = tval_list(a);
	int i, j;

	tval_set_str(a, root, "site", "S");
	for (i = 1; i <= 2; i++) {
		struct tval *p = tval_object(a), *cs = tval_list(a);

		tval_set_number(a, p, "id", i);
		for (j = 1; j <= i; j++) {
			struct tval *c = tval_object(a);

			tval_set_str(a, c, "who", j == 1 ? "<a>" : "b");
			tval_push(a, cs, c);
		}
		tval_set(a, p, "comments", cs);
		tval_push(a, posts, p);
	}
	tval_set(a, root, "posts", posts);
	assert_string_equal(render_with(a,
	    "{{#posts}}<p{{id}}>{{#comments}}({{who}}@{{id}}/{{site}}){{/comments}}</p>{{/posts}}",
	    root),
	    "<p1>(&lt;a&gt;@1/S)</p><p2>(&lt;a&gt;@2/S)(b@2/S)</p>");
	/* Standalone section tags leave no blank lines. */
	assert_string_equal(render_with(a,
	    "<ul>\n  {{#posts}}\n  <li>{{id}}</li>\n  {{/posts}}\n</ul>\n", root),
	    "<ul>\n  <li>1</li>\n  <li>2</li>\n</ul>\n");
	/* Dotted names; only the first part is looked up the stack. */
	assert_string_equal(render_with(a, "{{#posts}}{{comments.who}}{{/posts}}", root), "");
	tval_set(a, root, "user", tval_object(a));
	tval_set_str(a, tval_get(root, "user"), "name", "N");
	assert_string_equal(render_with(a, "{{user.name}}{{#user}}{{name}}{{/user}}{{user.x.y}}",
	    root), "NN");
	/* CRLF line endings are kept and standalone lines removed whole. */
	assert_string_equal(render_with(a, "a\r\n{{#site}}\r\nb\r\n{{/site}}\r\nc", root),
	    "a\r\nb\r\nc");
}

static void
partials_and_missing(void **state)
{
	struct arena *a = *state;
	struct tmpl_set *set = tmpl_set_new();
	struct tval *o = tval_object(a);
	struct buf out = { 0 };
	char err[256];
	const char *p = "<i>{{x}}</i>\n";
	const char *t = "<div>\n  {{>p}}\n</div>\n[{{>nothere}}]";

	tval_set_str(a, o, "x", "&");
	assert_int_equal(tmpl_set_add(set, "p", p, strlen(p), err, sizeof(err)), 0);
	assert_int_equal(tmpl_set_add(set, "t", t, strlen(t), err, sizeof(err)), 0);
	assert_true(tmpl_set_has(set, "p"));
	assert_false(tmpl_set_has(set, "nothere"));
	assert_false(tmpl_set_has(set, NULL));
	assert_int_equal(tmpl_render(set, "t", o, &out), 0);
	assert_string_equal(buf_str(&out), "<div>\n  <i>&amp;</i>\n</div>\n[]");
	/* Unknown templates fail and leave the buffer alone. */
	assert_int_equal(tmpl_render(set, "nothere", o, &out), -1);
	assert_int_equal(tmpl_render(set, "", o, &out), -1);
	assert_int_equal(tmpl_render(set, NULL, o, &out), -1);
	assert_string_equal(buf_str(&out), "<div>\n  <i>&amp;</i>\n</div>\n[]");
	/* Rendering appends. */
	assert_int_equal(tmpl_render(set, "p", o, &out), 0);
	assert_string_equal(buf_str(&out), "<div>\n  <i>&amp;</i>\n</div>\n[]<i>&amp;</i>\n");
	/* An empty template renders as an empty, valid string. */
	buf_free(&out);
	assert_int_equal(tmpl_set_add(set, "empty", "", 0, err, sizeof(err)), 0);
	assert_int_equal(tmpl_render(set, "empty", o, &out), 0);
	assert_non_null(out.data);
	assert_string_equal(buf_str(&out), "");
	/* Replacing a template by name; a failed replacement keeps the old. */
	assert_int_equal(tmpl_set_add(set, "p", "new", 3, err, sizeof(err)), 0);
	assert_int_equal(tmpl_set_add(set, "p", "{{#x}}", 6, err, sizeof(err)), -1);
	buf_reset(&out);
	assert_int_equal(tmpl_render(set, "p", o, &out), 0);
	assert_string_equal(buf_str(&out), "new");
	buf_free(&out);
	tmpl_set_free(set);
	tmpl_set_free(NULL);
}

static void
nested_partial_indentation(void **state)
{
	struct tmpl_set *set = tmpl_set_new();
	struct buf out = { 0 };
	char err[256];
	const char *outer = "<o>\n  {{>inner}}\n</o>\n";
	const char *inner = "<i>\n  {{>leaf}}\n</i>\n";
	const char *leaf = "a\n\nb\n";
	const char *t = "{{>outer}}";

	(void)state;
	assert_int_equal(tmpl_set_add(set, "outer", outer, strlen(outer), err, sizeof(err)), 0);
	assert_int_equal(tmpl_set_add(set, "inner", inner, strlen(inner), err, sizeof(err)), 0);
	assert_int_equal(tmpl_set_add(set, "leaf", leaf, strlen(leaf), err, sizeof(err)), 0);
	assert_int_equal(tmpl_set_add(set, "t", t, strlen(t), err, sizeof(err)), 0);
	assert_int_equal(tmpl_render(set, "t", NULL, &out), 0);
	assert_string_equal(buf_str(&out), "<o>\n  <i>\n    a\n    \n    b\n  </i>\n</o>\n");
	buf_free(&out);
	tmpl_set_free(set);
}

static void
partial_recursion_bound(void **state)
{
	struct arena *a = *state;
	struct tmpl_set *set = tmpl_set_new();
	struct buf out = { 0 };
	char err[256], want[65];

	(void)a;
	/* A partial that includes itself unconditionally. */
	assert_int_equal(tmpl_set_add(set, "self", "x{{>self}}", 10, err, sizeof(err)), 0);
	assert_int_equal(tmpl_render(set, "self", NULL, &out), 0);
	/* The template itself plus 64 nested partials. */
	assert_int_equal(out.len, 65);
	memset(want, 'x', 64);
	want[64] = '\0';
	assert_memory_equal(out.data, want, 64);
	/* Two partials including each other, with standalone indentation. */
	assert_int_equal(tmpl_set_add(set, "a", "a\n {{>b}}\n", 10, err, sizeof(err)), 0);
	assert_int_equal(tmpl_set_add(set, "b", "b\n {{>a}}\n", 10, err, sizeof(err)), 0);
	buf_reset(&out);
	assert_int_equal(tmpl_render(set, "a", NULL, &out), 0);
	assert_memory_equal(out.data, "a\n b\n  a\n   b\n", 14);
	assert_int_equal(out.len, 64 * 65 / 2 + 2 * 65);	/* 65 lines of 2..66 bytes */
	/* Including itself twice would double at every level: the number of
	 * partials per rendering is bounded too (and a warning logged). */
	assert_int_equal(tmpl_set_add(set, "two", "x{{>two}}{{>two}}", 17, err, sizeof(err)), 0);
	buf_reset(&out);
	assert_int_equal(tmpl_render(set, "two", NULL, &out), 0);
	assert_int_equal(out.len, 100000 + 1);
	/* The budget is per call, not per set. */
	buf_reset(&out);
	assert_int_equal(tmpl_render(set, "two", NULL, &out), 0);
	assert_int_equal(out.len, 100000 + 1);
	/* Recursion driven by data stops when the data does. */
	{
		struct tval *root = tval_object(a), *node = root;
		int i;

		assert_int_equal(tmpl_set_add(set, "tree", "({{n}}{{#kid}}{{>tree}}{{/kid}})",
		    32, err, sizeof(err)), 0);
		for (i = 0; i < 3; i++) {
			struct tval *k = tval_object(a);

			tval_set_number(a, node, "n", i);
			tval_set(a, node, "kid", k);
			node = k;
		}
		tval_set_number(a, node, "n", 3);
		/* Without this the innermost {{#kid}} finds its parent's kid up
		 * the context stack and only the partial bound stops it. */
		tval_set_bool(a, node, "kid", false);
		buf_reset(&out);
		assert_int_equal(tmpl_render(set, "tree", root, &out), 0);
		assert_string_equal(buf_str(&out), "(0(1(2(3))))");
	}
	buf_free(&out);
	tmpl_set_free(set);
}

static void
parse_errors(void **state)
{
	struct arena *a = *state;
	struct buf big = { 0 };
	struct tmpl_set *set;
	char err[256];
	int i;

	assert_string_equal(parse_err(a, "one\ntwo {{x"), "t:2: unclosed tag");
	assert_string_equal(parse_err(a, "{{"), "t:1: unclosed tag");
	assert_string_equal(parse_err(a, "a\nb\n{{{x}}"), "t:3: unclosed tag");
	assert_string_equal(parse_err(a, "{{! never closed\n\n"), "t:1: unclosed tag");
	assert_string_equal(parse_err(a, "\n{{#a}}\n{{#b}}\n{{/b}}\n"),
	    "t:2: unclosed section \"a\"");
	assert_string_equal(parse_err(a, "{{^inv}}"), "t:1: unclosed section \"inv\"");
	assert_string_equal(parse_err(a, "{{#a}}\n\n{{/b}}"),
	    "t:3: closing tag \"b\" does not match open section \"a\"");
	assert_string_equal(parse_err(a, "x\n{{/a}}"),
	    "t:2: closing tag \"a\" without open section");
	assert_string_equal(parse_err(a, "\n\n{{=<% %>}}"),
	    "t:3: set-delimiter tag without closing \"=\"");
	assert_string_equal(parse_err(a, "{{=<%=}}"), "t:1: bad set-delimiter tag");
	assert_string_equal(parse_err(a, "{{= =}}"), "t:1: bad set-delimiter tag");
	assert_string_equal(parse_err(a, "{{=<% %> x=}}"), "t:1: bad set-delimiter tag");
	assert_string_equal(parse_err(a, "{{=<=% %>=}}"), "t:1: bad set-delimiter tag");
	/* New delimiters apply from the next tag on. */
	assert_string_equal(parse_err(a, "{{=<% %>=}}\n{{x}} <%x"), "t:2: unclosed tag");
	assert_string_equal(parse_err(a, "{{}}"), "t:1: empty tag name");
	assert_string_equal(parse_err(a, "{{#  }}{{/}}"), "t:1: empty tag name");
	assert_string_equal(parse_err(a, "{{a b}}"), "t:1: bad tag name \"a b\"");
	assert_string_equal(parse_err(a, "\n{{a..b}}"), "t:2: bad dotted name \"a..b\"");
	assert_string_equal(parse_err(a, "{{.a}}"), "t:1: bad dotted name \".a\"");
	assert_string_equal(parse_err(a, "{{a.}}"), "t:1: bad dotted name \"a.\"");
	assert_string_equal(parse_err(a, "{{>}}"), "t:1: empty tag name");

	/* Nesting is bounded: 64 sections parse, 65 do not. */
	for (i = 0; i < 64; i++)
		buf_puts(&big, "{{#a}}");
	for (i = 0; i < 64; i++)
		buf_puts(&big, "{{/a}}");
	assert_string_equal(parse_err(a, buf_str(&big)), "");
	buf_reset(&big);
	for (i = 0; i < 65; i++)
		buf_puts(&big, "{{#a}}\n");
	assert_string_equal(parse_err(a, buf_str(&big)), "t:65: sections nested too deeply");

	/* Size is bounded too. */
	buf_reset(&big);
	for (i = 0; i < 1024 * 1024 + 1; i++)
		buf_putc(&big, 'x');
	assert_string_equal(parse_err(a, buf_str(&big)), "t:1: template larger than 1048576 bytes");
	buf_free(&big);

	/* The error buffer is bounded and optional. */
	set = tmpl_set_new();
	assert_int_equal(tmpl_set_add(set, "t", "{{#a}}", 6, err, 8), -1);
	assert_string_equal(err, "t:1: un");
	assert_int_equal(tmpl_set_add(set, "t", "{{#a}}", 6, NULL, 0), -1);
	assert_int_equal(tmpl_set_add(set, "", "x", 1, err, sizeof(err)), -1);
	assert_false(tmpl_set_has(set, "t"));
	tmpl_set_free(set);
}

static void
set_delimiters(void **state)
{
	struct arena *a = *state;
	struct tval *o = tval_object(a);

	tval_set_str(a, o, "x", "<>");
	assert_string_equal(render_with(a, "{{=<% %>=}}<%x%>{{x}}<%{x}%><%={{ }}=%>{{x}}", o),
	    "&lt;&gt;{{x}}<>&lt;&gt;");
	/* Tags are not nested: a tag ends at the first closing delimiter. */
	assert_string_equal(render_with(a, "{{! {{x}} }}|", o), " }}|");
}

static void
json_values(void **state)
{
	struct arena *a = *state;
	struct tval *o = tval_object(a), *l = tval_list(a), *inner = tval_object(a);

	assert_string_equal(json_of(a, tval_null(a)), "null");
	assert_string_equal(json_of(a, NULL), "null");
	assert_string_equal(json_of(a, tval_bool(a, true)), "true");
	assert_string_equal(json_of(a, tval_bool(a, false)), "false");
	assert_string_equal(json_of(a, tval_number(a, 85)), "85");
	assert_string_equal(json_of(a, tval_number(a, -0.0)), "0");
	assert_string_equal(json_of(a, tval_number(a, 1.21)), "1.21");
	assert_string_equal(json_of(a, tval_number(a, 0.1)), "0.1");
	assert_string_equal(json_of(a, tval_number(a, -2.5e-8)), "-2.5e-08");
	assert_string_equal(json_of(a, tval_number(a, 1e21)), "1e+21");
	assert_string_equal(json_of(a, tval_number(a, 9007199254740991.0)), "9007199254740991");
	assert_string_equal(json_of(a, tval_number(a, NAN)), "null");
	assert_string_equal(json_of(a, tval_number(a, INFINITY)), "null");
	assert_string_equal(json_of(a, tval_number(a, -INFINITY)), "null");
	assert_string_equal(json_of(a, tval_str(a, "a\"b")), "\"a\\\"b\"");
	assert_string_equal(json_of(a, tval_str(a, NULL)), "\"\"");
	assert_string_equal(json_of(a, l), "[]");
	assert_string_equal(json_of(a, o), "{}");

	tval_push(a, l, tval_number(a, 1));
	tval_push(a, l, tval_str(a, "دو"));
	tval_push(a, l, tval_null(a));
	tval_push(a, l, tval_list(a));
	tval_set_number(a, inner, "n", 3);
	tval_push(a, l, inner);
	tval_set_str(a, o, "z", "first");
	tval_set(a, o, "list", l);
	tval_set_bool(a, o, "ok", false);
	tval_set(a, o, "nothing", NULL);
	tval_set_str(a, o, "</script>", "<&>");
	assert_string_equal(json_of(a, o),
	    "{\"z\":\"first\",\"list\":[1,\"دو\",null,[],{\"n\":3}],\"ok\":false,"
	    "\"nothing\":null,\"\\u003c/script\\u003e\":\"\\u003c\\u0026\\u003e\"}");
	/* Replacing keeps the key's place. */
	tval_set_number(a, o, "z", 2);
	assert_int_equal(tval_object_count(o), 5);
	assert_string_equal(tval_object_key_at(o, 0), "z");
	assert_string_equal(json_of(a, tval_object_value_at(o, 0)), "2");
	assert_null(tval_object_key_at(o, 5));
	assert_null(tval_object_value_at(l, 0));

	/* Accessors and misuse. */
	assert_int_equal(tval_type(o), TVAL_OBJECT);
	assert_int_equal(tval_type(NULL), TVAL_NULL);
	assert_int_equal(tval_list_length(l), 5);
	assert_int_equal(tval_list_length(o), 0);
	assert_string_equal(tval_string(tval_list_at(l, 1)), "دو");
	assert_null(tval_list_at(l, 5));
	assert_null(tval_string(tval_list_at(l, 0)));
	assert_null(tval_get(o, "missing"));
	assert_null(tval_get(l, "z"));
	tval_push(a, o, tval_null(a));	/* not a list: ignored */
	tval_set(a, l, "k", tval_null(a));	/* not an object: ignored */
	assert_int_equal(tval_list_length(l), 5);
	assert_int_equal(tval_object_count(o), 5);

	/* Many members and items: growth keeps order. */
	{
		struct tval *big = tval_object(a), *bl = tval_list(a);
		char key[16];
		int i;

		for (i = 0; i < 100; i++) {
			snprintf(key, sizeof(key), "k%d", i);
			tval_set_number(a, big, key, i);
			tval_push(a, bl, tval_number(a, i));
		}
		assert_int_equal(tval_object_count(big), 100);
		assert_string_equal(json_of(a, tval_get(big, "k99")), "99");
		assert_string_equal(tval_object_key_at(big, 50), "k50");
		assert_string_equal(json_of(a, tval_list_at(bl, 77)), "77");
	}
	/* A list that contains itself is cut off, not followed forever. */
	{
		struct tval *cyc = tval_list(a);
		const char *s;

		tval_push(a, cyc, cyc);
		s = json_of(a, cyc);
		assert_true(strlen(s) > 256);
		assert_non_null(strstr(s, "[null]"));
	}
}

static void
json_strings(void **state)
{
	struct arena *a = *state;
	struct buf b = { 0 };

	assert_string_equal(jstr(a, "", 0), "\"\"");
	assert_string_equal(jstr(a, "plain", 5), "\"plain\"");
	assert_string_equal(jstr(a, "q\"b\\s/", 6), "\"q\\\"b\\\\s/\"");
	assert_string_equal(jstr(a, "\n\r\t\b\f", 5), "\"\\n\\r\\t\\b\\f\"");
	assert_string_equal(jstr(a, "\x01\x1f\x7f", 3), "\"\\u0001\\u001f\\u007f\"");
	assert_string_equal(jstr(a, "a\0b", 3), "\"a\\u0000b\"");
	assert_string_equal(jstr(a, "</script><!--&", 14),
	    "\"\\u003c/script\\u003e\\u003c!--\\u0026\"");
	/* Valid UTF-8 passes through, except the two JavaScript line breaks. */
	assert_string_equal(jstr(a, "نظر ۱۲ 😀", strlen("نظر ۱۲ 😀")), "\"نظر ۱۲ 😀\"");
	assert_string_equal(jstr(a, "a\xe2\x80\xa8z\xe2\x80\xa9", 8), "\"a\\u2028z\\u2029\"");
	/* Invalid UTF-8 becomes U+FFFD, byte by byte. */
	assert_string_equal(jstr(a, "a\xff" "b", 3), "\"a\\ufffdb\"");
	assert_string_equal(jstr(a, "\xc0\xaf", 2), "\"\\ufffd\\ufffd\"");	/* overlong */
	assert_string_equal(jstr(a, "\xed\xa0\x80", 3), "\"\\ufffd\\ufffd\\ufffd\"");	/* surrogate */
	assert_string_equal(jstr(a, "\xf4\x90\x80\x80", 4),
	    "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");	/* above U+10FFFF */
	assert_string_equal(jstr(a, "x\xd9", 2), "\"x\\ufffd\"");	/* cut short */
	json_quote_str(&b, NULL);
	json_quote_str(&b, "'");
	assert_string_equal(buf_str(&b), "\"\"\"'\"");
	buf_free(&b);
}

static const char *
write_file(struct arena *a, const char *dir, const char *name, const char *text, size_t len)
{
	const char *path = arena_printf(a, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return path;
}

static void
load_dir(void **state)
{
	struct arena *a = *state;
	char dir[] = "/tmp/nazar-tmpl-XXXXXX";
	struct tmpl_set *set;
	struct tval *o = tval_object(a);
	struct buf out = { 0 };
	char err[512];
	const char *bad, *big_path;
	char *big;

	assert_non_null(mkdtemp(dir));
	write_file(a, dir, "page.mustache", "<h1>{{title}}</h1>\n{{>item}}", 28);
	write_file(a, dir, "item.mustache", "<li>{{title}}</li>\n", 19);
	write_file(a, dir, "notes.txt", "{{#broken", 9);
	write_file(a, dir, ".hidden.mustache", "{{#broken", 9);
	write_file(a, dir, ".mustache", "{{#broken", 9);
	tval_set_str(a, o, "title", "T&");

	set = tmpl_set_new();
	assert_int_equal(tmpl_set_load_dir(set, dir, err, sizeof(err)), 0);
	assert_true(tmpl_set_has(set, "page"));
	assert_true(tmpl_set_has(set, "item"));
	assert_false(tmpl_set_has(set, "notes"));
	assert_false(tmpl_set_has(set, ".hidden"));
	assert_false(tmpl_set_has(set, "page.mustache"));
	assert_int_equal(tmpl_render(set, "page", o, &out), 0);
	assert_string_equal(buf_str(&out), "<h1>T&amp;</h1>\n<li>T&amp;</li>\n");
	tmpl_set_free(set);

	/* A broken file is named with its line. */
	bad = write_file(a, dir, "zbad.mustache", "ok\n{{#a}}\nx\n{{/b}}\n", 20);
	set = tmpl_set_new();
	assert_int_equal(tmpl_set_load_dir(set, dir, err, sizeof(err)), -1);
	assert_string_equal(err, arena_printf(a,
	    "%s:4: closing tag \"b\" does not match open section \"a\"", bad));
	tmpl_set_free(set);
	assert_int_equal(unlink(bad), 0);

	/* A file over the limit is refused, not truncated. */
	big = calloc(1, 1024 * 1024 + 1);
	assert_non_null(big);
	memset(big, 'x', 1024 * 1024 + 1);
	big_path = write_file(a, dir, "big.mustache", big, 1024 * 1024 + 1);
	free(big);
	set = tmpl_set_new();
	assert_int_equal(tmpl_set_load_dir(set, dir, err, sizeof(err)), -1);
	assert_string_equal(err, arena_printf(a, "%s: larger than 1048576 bytes", big_path));
	tmpl_set_free(set);
	assert_int_equal(unlink(big_path), 0);

	/* A directory that is not there. */
	set = tmpl_set_new();
	assert_int_equal(tmpl_set_load_dir(set, "/nonexistent/nazar", err, sizeof(err)), -1);
	assert_string_equal(err, "/nonexistent/nazar: No such file or directory");
	tmpl_set_free(set);

	unlink(arena_printf(a, "%s/page.mustache", dir));
	unlink(arena_printf(a, "%s/item.mustache", dir));
	unlink(arena_printf(a, "%s/notes.txt", dir));
	unlink(arena_printf(a, "%s/.hidden.mustache", dir));
	unlink(arena_printf(a, "%s/.mustache", dir));
	assert_int_equal(rmdir(dir), 0);
	buf_free(&out);
}

/* Several threads render the same set at once; each output must be whole. */
struct job {
	const struct tmpl_set *set;
	const struct tval *ctx;
	const char *want;
	int ok;
};

static void *
render_many(void *arg)
{
	struct job *j = arg;
	struct buf out = { 0 };
	int i;

	j->ok = 1;
	for (i = 0; i < 200; i++) {
		buf_reset(&out);
		if (tmpl_render(j->set, "page", j->ctx, &out) != 0 ||
		    strcmp(buf_str(&out), j->want) != 0)
			j->ok = 0;
	}
	buf_free(&out);
	return NULL;
}

static void
concurrent_rendering(void **state)
{
	struct arena *a = *state;
	struct tmpl_set *set = tmpl_set_new();
	const char *page = "{{#items}}\n  {{>row}}\n{{/items}}\n";
	const char *row = "<{{.}}>\n";
	struct job jobs[4];
	pthread_t th[4];
	char err[256];
	int i;

	assert_int_equal(tmpl_set_add(set, "page", page, strlen(page), err, sizeof(err)), 0);
	assert_int_equal(tmpl_set_add(set, "row", row, strlen(row), err, sizeof(err)), 0);
	for (i = 0; i < 4; i++) {
		struct tval *o = tval_object(a), *l = tval_list(a);
		int k;

		for (k = 0; k <= i; k++)
			tval_push(a, l, tval_number(a, i * 10 + k));
		tval_set(a, o, "items", l);
		jobs[i].set = set;
		jobs[i].ctx = o;
		jobs[i].want = i == 0 ? "  <0>\n" : i == 1 ? "  <10>\n  <11>\n" :
		    i == 2 ? "  <20>\n  <21>\n  <22>\n" : "  <30>\n  <31>\n  <32>\n  <33>\n";
		assert_int_equal(pthread_create(&th[i], NULL, render_many, &jobs[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(jobs[i].ok, 1);
	}
	tmpl_set_free(set);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(html_escaper, setup, teardown),
		cmocka_unit_test_setup_teardown(values_added, setup, teardown),
		cmocka_unit_test_setup_teardown(escaping_in_templates, setup, teardown),
		cmocka_unit_test_setup_teardown(values_in_templates, setup, teardown),
		cmocka_unit_test_setup_teardown(truthiness, setup, teardown),
		cmocka_unit_test_setup_teardown(nested_sections, setup, teardown),
		cmocka_unit_test_setup_teardown(partials_and_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(nested_partial_indentation, setup, teardown),
		cmocka_unit_test_setup_teardown(partial_recursion_bound, setup, teardown),
		cmocka_unit_test_setup_teardown(parse_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(set_delimiters, setup, teardown),
		cmocka_unit_test_setup_teardown(json_values, setup, teardown),
		cmocka_unit_test_setup_teardown(json_strings, setup, teardown),
		cmocka_unit_test_setup_teardown(load_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(frozen_objects, setup, teardown),
		cmocka_unit_test_setup_teardown(concurrent_rendering, setup, teardown),
	};

	return cmocka_run_group_tests_name("tmpl", tests, NULL, NULL);
}
