/* tmpl.h — nazar's Mustache engine and the values templates render.
 *
 * Templates are files under the template directory ("thread.mustache" is
 * the template "thread"); they are parsed once at start-up into a tmpl_set
 * that is read-only afterwards and shared by all worker threads.
 * {{x}} is HTML-escaped, {{{x}}} and {{&x}} are not; sections, inverted
 * sections, comments, partials ({{>name}}, resolved in the same set),
 * set-delimiter tags and dotted names follow the Mustache spec (v1.x,
 * without lambdas). Partial nesting is bounded so a recursive template
 * cannot exhaust the stack.
 *
 * The same tval tree that feeds a template can be written out as JSON, so
 * the HTML thread and thread.json are built from one piece of code. */
#ifndef NAZAR_TMPL_H
#define NAZAR_TMPL_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct buf;

enum tval_type {
	TVAL_NULL,
	TVAL_BOOL,
	TVAL_NUMBER,	/* double; integers print without a fraction */
	TVAL_STRING,
	TVAL_LIST,
	TVAL_OBJECT
};

struct tval;	/* opaque; allocated in an arena */

struct tval *tval_null(struct arena *a);
struct tval *tval_bool(struct arena *a, bool b);
struct tval *tval_number(struct arena *a, double n);
struct tval *tval_str(struct arena *a, const char *s);	/* copies s */
/* s itself, not a copy: for a string that outlives the value (one already
 * in the same arena, or a literal). */
struct tval *tval_str_ref(struct arena *a, const char *s);
struct tval *tval_list(struct arena *a);
struct tval *tval_object(struct arena *a);

enum tval_type tval_type(const struct tval *v);
/* Setting a key that exists replaces its value; keys are copied. */
void tval_set(struct arena *a, struct tval *obj, const char *key, struct tval *v);
/* Adds a key obj does not have yet (not checked), without copying it: for
 * building big trees of values fast, with keys that outlive obj (literals). */
void tval_add(struct arena *a, struct tval *obj, const char *key, struct tval *v);
void tval_set_str(struct arena *a, struct tval *obj, const char *key, const char *s);
void tval_set_bool(struct arena *a, struct tval *obj, const char *key, bool b);
void tval_set_number(struct arena *a, struct tval *obj, const char *key, double n);
void tval_push(struct arena *a, struct tval *list, struct tval *v);
/* Member of an object, or NULL. */
struct tval *tval_get(const struct tval *obj, const char *key);
/* Indexes an object's keys for binary search (iteration keeps insertion
 * order): for big objects read many times, such as the strings every page
 * looks up. Setting a key afterwards drops the index. */
void tval_freeze(struct arena *a, struct tval *obj);
size_t tval_list_length(const struct tval *list);
const char *tval_string(const struct tval *v);	/* NULL unless TVAL_STRING */
/* Walking lists and objects (NULL past the end or for another type). */
struct tval *tval_list_at(const struct tval *list, size_t i);
size_t tval_object_count(const struct tval *obj);
const char *tval_object_key_at(const struct tval *obj, size_t i);
struct tval *tval_object_value_at(const struct tval *obj, size_t i);
/* What a section tests: null, false, 0, NaN, "" and [] are false. */
bool tval_truthy(const struct tval *v);

/* JSON text of v (objects keep insertion order). */
void tval_to_json(struct buf *out, const struct tval *v);

struct tmpl_set;

struct tmpl_set *tmpl_set_new(void);
void tmpl_set_free(struct tmpl_set *set);
/* Parses src as the template called name (replacing one of that name).
 * Returns 0, or -1 with "name:line: problem" in err (unclosed section,
 * mismatched close tag, bad delimiters, …). */
int tmpl_set_add(struct tmpl_set *set, const char *name, const char *src, size_t len,
    char *err, size_t errlen);
/* Adds every "*.mustache" file of dir (name without the extension).
 * Returns 0, or -1 with the file and line of the first problem in err. */
int tmpl_set_load_dir(struct tmpl_set *set, const char *dir, char *err, size_t errlen);
bool tmpl_set_has(const struct tmpl_set *set, const char *name);

/* Appends the rendering of template name with ctx to out.
 * Returns 0, or -1 when there is no such template. Missing partials
 * render as empty, as the spec requires. */
int tmpl_render(const struct tmpl_set *set, const char *name, const struct tval *ctx,
    struct buf *out);

#endif
