/* test_mustache_spec.c — runs the official Mustache spec (the core modules,
 * without lambdas) against the engine; every spec case is one TAP line. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "arena.h"
#include "buf.h"
#include "json_reader.h"
#include "tmpl.h"

#define SPEC_MAX_FILE	(4 * 1024 * 1024)
#define DEFAULT_DIR	"/work/shared/mustache-spec"
/* A name no partial can have: tag names never contain white space. */
#define MAIN_NAME	"spec template"

static const char *const modules[] = {
	"interpolation", "sections", "inverted", "comments", "partials", "delimiters"
};
#define NMODULES (sizeof(modules) / sizeof(modules[0]))

struct spec_file {
	const char *module;
	struct tval *tests;	/* NULL when the file could not be read */
	char problem[2048];
};

static int
slurp(const char *path, struct buf *out, char *err, size_t errlen)
{
	char chunk[8192];
	size_t n;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (out->len + n > SPEC_MAX_FILE) {
			snprintf(err, errlen, "%s: too large", path);
			fclose(f);
			return -1;
		}
		buf_append(out, chunk, n);
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

/* Appends s as one "# " comment line, control characters made visible. */
static void
diag(struct buf *d, const char *label, const char *s)
{
	buf_printf(d, "#   %-9s \"", label);
	for (; *s != '\0'; s++) {
		if (*s == '\n')
			buf_puts(d, "\\n");
		else if (*s == '\r')
			buf_puts(d, "\\r");
		else if (*s == '\t')
			buf_puts(d, "\\t");
		else if (*s == '"' || *s == '\\')
			buf_printf(d, "\\%c", *s);
		else
			buf_putc(d, *s);
	}
	buf_puts(d, "\"\n");
}

/* Runs one spec case; true when the output is exactly the expected one.
 * Otherwise why holds the comment lines that explain it. */
static bool
run_case(const struct tval *tc, struct buf *why)
{
	const struct tval *partials = tval_get(tc, "partials");
	const char *tpl = tval_string(tval_get(tc, "template"));
	const char *expected = tval_string(tval_get(tc, "expected"));
	struct tmpl_set *set = tmpl_set_new();
	struct buf out = { 0 };
	char err[256];
	bool ok = false;
	size_t i;

	if (tpl == NULL || expected == NULL) {
		buf_puts(why, "#   case without template or expected\n");
		goto done;
	}
	for (i = 0; i < tval_object_count(partials); i++) {
		const char *src = tval_string(tval_object_value_at(partials, i));

		if (src == NULL || tmpl_set_add(set, tval_object_key_at(partials, i),
		    src, strlen(src), err, sizeof(err)) != 0) {
			buf_printf(why, "#   partial: %s\n", src == NULL ? "not a string" : err);
			goto done;
		}
	}
	if (tmpl_set_add(set, MAIN_NAME, tpl, strlen(tpl), err, sizeof(err)) != 0) {
		buf_printf(why, "#   parse: %s\n", err);
		goto done;
	}
	if (tmpl_render(set, MAIN_NAME, tval_get(tc, "data"), &out) != 0) {
		buf_puts(why, "#   render failed\n");
		goto done;
	}
	if (strcmp(buf_str(&out), expected) != 0) {
		diag(why, "template", tpl);
		diag(why, "expected", expected);
		diag(why, "got", buf_str(&out));
		goto done;
	}
	ok = true;
done:
	buf_free(&out);
	tmpl_set_free(set);
	return ok;
}

int
main(void)
{
	struct spec_file files[NMODULES];
	const char *dir = getenv("MUSTACHE_SPEC_DIR");
	struct arena *a;
	struct stat st;
	struct buf why = { 0 };
	char path[1024];
	size_t i, j, total = 0, passed = 0, n = 0;

	if (dir == NULL || dir[0] == '\0')
		dir = DEFAULT_DIR;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		printf("1..0 # SKIP mustache spec not found at %s\n", dir);
		return 0;
	}

	/* Everything is read first: the plan line needs the count. */
	a = arena_new();
	for (i = 0; i < NMODULES; i++) {
		struct buf text = { 0 };
		struct tval *doc;

		files[i].module = modules[i];
		files[i].tests = NULL;
		files[i].problem[0] = '\0';
		snprintf(path, sizeof(path), "%s/%s.json", dir, modules[i]);
		if (slurp(path, &text, files[i].problem, sizeof(files[i].problem)) == 0) {
			doc = json_read(a, text.data != NULL ? text.data : "", text.len,
			    files[i].problem, sizeof(files[i].problem));
			files[i].tests = tval_get(doc, "tests");
			if (doc != NULL && tval_type(files[i].tests) != TVAL_LIST) {
				files[i].tests = NULL;
				snprintf(files[i].problem, sizeof(files[i].problem),
				    "%s: no \"tests\" list", path);
			}
		}
		buf_free(&text);
		total += files[i].tests != NULL ? tval_list_length(files[i].tests) : 1;
	}

	printf("1..%zu\n", total);
	for (i = 0; i < NMODULES; i++) {
		if (files[i].tests == NULL) {
			printf("not ok %zu - %s: %s\n", ++n, files[i].module, files[i].problem);
			continue;
		}
		for (j = 0; j < tval_list_length(files[i].tests); j++) {
			const struct tval *tc = tval_list_at(files[i].tests, j);
			const char *name = tval_string(tval_get(tc, "name"));
			bool ok;

			buf_reset(&why);
			ok = run_case(tc, &why);

			printf("%s %zu - %s: %s\n", ok ? "ok" : "not ok", ++n, files[i].module,
			    name != NULL ? name : "(unnamed)");
			fputs(buf_str(&why), stdout);
			if (ok)
				passed++;
		}
	}
	printf("# mustache spec: %zu of %zu passed\n", passed, total);
	buf_free(&why);
	arena_free(a);
	return passed == total ? 0 : 1;
}
