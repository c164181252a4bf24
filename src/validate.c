/* validate.c — input rules for article ids, the comment form and return
 * addresses; see validate.h. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "buf.h"
#include "config.h"
#include "http.h"
#include "num.h"
#include "spoof.h"
#include "text.h"
#include "utf8.h"
#include "validate.h"

const char *const form_field_names[FIELD__MAX] = {
	"article",	/* FIELD_ARTICLE */
	"parent",	/* FIELD_PARENT */
	"name",		/* FIELD_NAME */
	"email",	/* FIELD_EMAIL */
	"body",		/* FIELD_BODY */
	"return",	/* FIELD_RETURN */
};

bool
validate_article_id(const char *s)
{
	size_t len = 0;
	if (s == NULL)
		return false;
	for (const char *p = s; *p != '\0'; p++, len++) {
		if (len >= ARTICLE_ID_MAX)
			return false;
		unsigned char c = (unsigned char)*p;
		if (!(isascii(c) && isalnum(c)) && strchr("-_./:", c) == NULL)
			return false;
	}
	return len > 0;
}

static bool
is_domain_char(unsigned char c)
{
	return (isascii(c) && isalnum(c)) || c == '-' || c == '.' || c >= 0x80;
}

bool
validate_email(const char *s)
{
	size_t len = strlen(s);
	if (len < 3 || len > EMAIL_MAX_BYTES)
		return false;
	const char *at = strrchr(s, '@');
	if (at == NULL || at == s || at[1] == '\0' || (size_t)(at - s) > 64)
		return false;
	for (const char *p = s; p < at; p++) {
		unsigned char c = (unsigned char)*p;
		if (c <= ' ' || c == 0x7f || strchr("\"(),:;<>[\\]@", c) != NULL)
			return false;
	}
	const char *domain = at + 1;
	if (strchr(domain, '.') == NULL || domain[0] == '.' || domain[0] == '-' ||
	    domain[strlen(domain) - 1] == '.' || strstr(domain, "..") != NULL)
		return false;
	for (const char *p = domain; *p != '\0'; p++)
		if (!is_domain_char((unsigned char)*p))
			return false;
	return true;
}

char *
utf8_make_displayable(struct arena *a, const char *s)
{
	size_t len = strlen(s);
	if (utf8_valid(s, len))
		return (char *)s;
	struct buf b = { 0 };
	utf8_append_valid(&b, s, len);
	char *out = arena_strdup(a, buf_str(&b));
	buf_free(&b);
	return out;
}

/* A field's value, or "" when absent. Repeated fields: the first wins. */
static const char *
field(const struct kvlist *form, enum form_field f)
{
	const char *v = kvlist_get(form, form_field_names[f]);
	return v ? v : "";
}

static void
set_error(struct comment_form *out, enum form_field f, const char *key)
{
	if (out->error[f] == NULL)
		out->error_count++;
	out->error[f] = key;
	out->clean[f] = NULL;
}

/* How each text field is cleaned. Controls are refused, not dropped: a
 * reader who pasted one learns it, and a bot's escape sequences are not
 * quietly turned into something else. */
static const struct text_rules name_rules = { .single_line = true, .refuse_controls = true };
static const struct text_rules email_rules = { .single_line = true, .refuse_controls = true };
static const struct text_rules body_rules = { .refuse_controls = true,
	.max_lines = BODY_MAX_LINES };

/* Cleans one text field (text_clean_rules); sets the field's error when it
 * is refused. Returns the clean text or NULL. */
static const char *
clean_text(struct arena *a, const struct kvlist *form, struct comment_form *out,
    enum form_field f, const struct text_rules *rules)
{
	/* The value as received, not the displayable copy: invalid UTF-8 must
	 * be refused, not silently stored with replacement characters. */
	const char *raw = field(form, f);
	enum text_status st;
	char *clean = text_clean_rules(a, raw, strlen(raw), rules, &st);
	switch (st) {
	case TEXT_OK:
		out->clean[f] = clean;
		return clean;
	case TEXT_CONTROL:
		set_error(out, f, f == FIELD_EMAIL ? "error.email_invalid" : "error.control");
		break;
	case TEXT_TOO_MANY_LINES:
		set_error(out, f, "error.body_lines");
		break;
	case TEXT_ENCODING:
	default:
		set_error(out, f, "error.encoding");
		break;
	}
	return NULL;
}

int
validate_comment_form(struct arena *a, const struct kvlist *form, int max_length,
    struct comment_form *out)
{
	return validate_comment_form_protected(a, form, max_length, NULL, 0, out);
}

int
validate_comment_form_protected(struct arena *a, const struct kvlist *form, int max_length,
    const char *const *protected_names, size_t n_protected, struct comment_form *out)
{
	memset(out, 0, sizeof(*out));
	for (int f = 0; f < FIELD__MAX; f++)
		out->raw[f] = utf8_make_displayable(a, field(form, (enum form_field)f));

	const char *article = field(form, FIELD_ARTICLE);
	if (validate_article_id(article))
		out->clean[FIELD_ARTICLE] = article;
	else
		set_error(out, FIELD_ARTICLE, "error.article_invalid");

	const char *parent = field(form, FIELD_PARENT);
	if (*parent != '\0') {
		int64_t id;
		if (!num_parse(parent, 1, INT64_MAX, &id))
			set_error(out, FIELD_PARENT, "error.parent_invalid");
		else {
			out->parent = id;
			out->clean[FIELD_PARENT] = parent;
		}
	} else
		out->clean[FIELD_PARENT] = "";

	const char *name = clean_text(a, form, out, FIELD_NAME, &name_rules);
	if (name != NULL) {
		size_t chars = utf8_length(name, strlen(name));
		if (chars == 0)
			set_error(out, FIELD_NAME, "error.name_required");
		else if (chars > NAME_MAX_CHARS)
			set_error(out, FIELD_NAME, "error.name_too_long");
		else if (spoof_name_imitates(name, protected_names, n_protected))
			set_error(out, FIELD_NAME, "error.name_reserved");
	}

	const char *email = clean_text(a, form, out, FIELD_EMAIL, &email_rules);
	if (email != NULL && *email != '\0' && !validate_email(email))
		set_error(out, FIELD_EMAIL, "error.email_invalid");

	const char *body = clean_text(a, form, out, FIELD_BODY, &body_rules);
	if (body != NULL) {
		size_t chars = utf8_length(body, strlen(body));
		if (chars == 0)
			set_error(out, FIELD_BODY, "error.body_required");
		else if (chars > (size_t)max_length)
			set_error(out, FIELD_BODY, "error.body_too_long");
	}

	/* An unacceptable return address is not the reader's fault: the
	 * handler falls back to the thread, so it is never an error here. */
	out->clean[FIELD_RETURN] = field(form, FIELD_RETURN);
	return out->error_count;
}

/* host[:port] of an absolute http(s) URL, lower-cased, or NULL. */
static const char *
url_authority(struct arena *a, const char *url, const char **rest)
{
	size_t skip;
	if (strncasecmp(url, "https://", 8) == 0)
		skip = 8;
	else if (strncasecmp(url, "http://", 7) == 0)
		skip = 7;
	else
		return NULL;
	const char *host = url + skip;
	size_t len = strcspn(host, "/?#");
	if (len == 0 || len > 255 || memchr(host, '@', len) != NULL ||
	    memchr(host, '\\', len) != NULL)
		return NULL;
	char *h = arena_strndup(a, host, len);
	for (char *p = h; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	*rest = host + len;
	return h;
}

const char *
validate_return_url(struct arena *a, const char *url, const struct config *cfg)
{
	if (url == NULL || *url == '\0' || strlen(url) > 2048 || !http_header_value_safe(url))
		return NULL;
	for (const char *p = url; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || *p == '\\' || *p == '"' || *p == '<' || *p == '>')
			return NULL;
	size_t keep = strcspn(url, "#");
	if (url[0] == '/') {
		/* "//host" would be protocol-relative: a way out. */
		if (url[1] == '/')
			return NULL;
		return http_location_encode(a, url, keep);
	}
	const char *rest;
	const char *host = url_authority(a, url, &rest);
	if (host == NULL)
		return NULL;
	for (int i = 0; i < cfg->return_host_count; i++)
		if (strcmp(host, cfg->return_hosts[i]) == 0)
			return http_location_encode(a, url, keep);
	return NULL;
}
