/* catalog.h — the UI strings of one locale, read from a file so that a site
 * can change wording without recompiling (templates/i18n/<locale>.ini).
 *
 * Format: "key = value" lines, '#' comments, UTF-8. Values may contain
 * "{n}" which catalog_format replaces. The application checks with
 * catalog_has that every key its C code needs is present, so that a
 * missing message is a start-up error, not a blank. */
#ifndef NAZAR_CATALOG_H
#define NAZAR_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

struct catalog;
struct tval;
struct arena;

/* On failure returns NULL and writes "file:line: problem" to err. */
struct catalog *catalog_load(const char *path, char *err, size_t errlen);
void catalog_free(struct catalog *c);

bool catalog_has(const struct catalog *c, const char *key);
/* The value, or the key itself when absent (never NULL). */
const char *catalog_get(const struct catalog *c, const char *key);
/* The value with every "{n}" replaced by n_text. */
char *catalog_format(struct arena *a, const struct catalog *c, const char *key,
    const char *n_text);
/* Adds every key as a string member of obj (templates read {{t.key}}). */
void catalog_to_tval(const struct catalog *c, struct arena *a, struct tval *obj);

#endif
