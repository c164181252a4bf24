/* validate.h — checking what readers send: article ids, the comment form
 * and the return address.
 *
 * Validation never fails silently: each field gets either a clean value or
 * the catalog key of a message for the reader, and the raw value is kept
 * (made displayable) so that the form can be shown again as typed. */
#ifndef NAZAR_VALIDATE_H
#define NAZAR_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct config;
struct kvlist;

#define ARTICLE_ID_MAX 200
#define NAME_MAX_CHARS 80
#define EMAIL_MAX_BYTES 254
/* Lines in a comment, once blank runs are shortened (text.h). The
 * catalog's error.body_lines says the number. */
#define BODY_MAX_LINES 100

enum form_field {
	FIELD_ARTICLE,
	FIELD_PARENT,
	FIELD_NAME,
	FIELD_EMAIL,
	FIELD_BODY,
	FIELD_RETURN,
	FIELD__MAX
};

/* Form field names as they appear in the HTML form and JSON errors. */
extern const char *const form_field_names[FIELD__MAX];

struct comment_form {
	const char *raw[FIELD__MAX];	/* as typed, invalid UTF-8 replaced; never NULL */
	const char *clean[FIELD__MAX];	/* normalized value, NULL when invalid */
	const char *error[FIELD__MAX];	/* catalog key of the message, or NULL */
	int64_t parent;			/* 0: not a reply */
	int error_count;
};

/* 1–200 bytes of letters, digits and "-_./:". */
bool validate_article_id(const char *s);
/* A plausible address: local@domain, bounded, no spaces or controls. */
bool validate_email(const char *s);
/*
 * Checks every field of a posted comment. Name and body are cleaned by
 * text_clean_rules (text.h: invisible and bidi characters removed, marks
 * capped, lines tidied), then:
 * - name: 1–80 characters; any control character, tab or line break is
 *   refused (error.control); nothing visible is error.name_required;
 * - body: 1–max_length characters and at most BODY_MAX_LINES lines
 *   (error.body_lines); control characters other than tab and line breaks
 *   are refused (error.control); nothing visible is error.body_required;
 * - e-mail optional, a plausible address without controls;
 * - parent a positive id.
 * Returns the number of fields in error.
 */
int validate_comment_form(struct arena *a, const struct kvlist *form, int max_length,
    struct comment_form *out);
/* The same, and a name that passes for one of the n protected names (the
 * moderators' display names and sign-in names; see spoof_name_imitates in
 * spoof.h) is refused with error.name_reserved. */
int validate_comment_form_protected(struct arena *a, const struct kvlist *form, int max_length,
    const char *const *protected_names, size_t n_protected, struct comment_form *out);
/* Where to send the reader after posting: a relative path ("/news/1") or an
 * http(s) URL whose host:port is in allowed_return_hosts, without its
 * fragment, bytes a URL may not hold as they are percent-encoded
 * (http_location_encode: raw non-ASCII, invalid UTF-8). NULL when the value
 * is not acceptable. */
const char *validate_return_url(struct arena *a, const char *url, const struct config *cfg);
/* Copy of s with every invalid UTF-8 sequence replaced by U+FFFD, so a
 * rejected value can still be shown back to the reader. */
char *utf8_make_displayable(struct arena *a, const char *s);

#endif
