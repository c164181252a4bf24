/* text.h — UTF-8 and plain-text handling for what readers type.
 *
 * Input is UTF-8 or it is refused; stored text is NFC (utf8proc), with
 * line endings as '\n'. Rendering turns a plain-text body into safe HTML. */
#ifndef NAZAR_TEXT_H
#define NAZAR_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "utf8.h"	/* utf8_valid, utf8_length: the checks on what is typed */

struct arena;
struct buf;

/* Why text_clean_rules refused a text. */
enum text_status {
	TEXT_OK = 0,
	TEXT_ENCODING,		/* not UTF-8, or a NUL byte */
	TEXT_CONTROL,		/* a control character, with refuse_controls */
	TEXT_TOO_MANY_LINES,	/* more than max_lines lines once cleaned */
};

struct text_rules {
	bool single_line;	/* line breaks and tabs become spaces */
	bool refuse_controls;	/* refuse control characters instead of dropping
				 * them; in single_line mode tabs and line breaks
				 * are refused too (a name has none to give) */
	size_t max_lines;	/* 0: no limit */
};

/* Combining marks kept on one base character: Vietnamese needs 2, Persian
 * and Arabic shadda + haraka + superscript alef 3; "zalgo" uses dozens. */
#define TEXT_MAX_MARKS 3
/* Blank lines kept in a row; longer runs are shortened to this. */
#define TEXT_MAX_BLANK_LINES 2

/*
 * Input text as stored. Refused (NULL, *status says why) when it is not
 * UTF-8 or holds a NUL. Then, in order:
 * - line endings (CRLF, CR, NEL, U+2028, U+2029) become LF; other control
 *   characters (C0 but tab and LF, DEL, C1) are dropped, or refused with
 *   refuse_controls;
 * - invisible format characters are removed: the bidi embeddings,
 *   overrides and isolates (U+202A–202E, U+2066–2069) wherever they are,
 *   and every other default-ignorable code point (U+200B, U+2060–2064,
 *   U+FEFF, soft hyphen, U+034F, Hangul fillers, tags, …) except those
 *   kept where they do a job: ZWNJ between two letters (Persian
 *   «می‌خواهم»), ZWJ between two letters or two emoji, LRM, RLM and ALM
 *   (one of a run), variation selectors after a visible character, tags in
 *   an emoji flag sequence, U+180E between Mongolian letters;
 * - NFC (utf8proc);
 * - at most TEXT_MAX_MARKS combining marks on one base character;
 * - spaces at the end of every line removed; a line with nothing visible
 *   becomes empty; runs of blank lines shortened to TEXT_MAX_BLANK_LINES;
 * - leading and trailing white space (Unicode) removed.
 * A text with nothing visible is therefore "". More than max_lines lines
 * left is refused. In single_line mode every line break or tab becomes a
 * space (or is refused, with refuse_controls).
 */
char *text_clean_rules(struct arena *a, const char *s, size_t len, const struct text_rules *rules,
    enum text_status *status);
/* text_clean_rules with controls dropped and no line limit: NULL only when
 * s is not UTF-8 or holds a NUL. */
char *text_clean(struct arena *a, const char *s, size_t len, bool single_line);

/* Where links start (text_body_to_html makes them, antispam.h counts
 * them): the length of the "https://", "http://" or "www." s starts with,
 * in any ASCII case (*www set for the last), or 0; whether c can start a
 * host name (an ASCII letter or digit, or any non-ASCII byte); whether a
 * link after prev would continue a word or a URL ("xhttp://", "awww.",
 * "a.www."). */
size_t text_link_start(const char *s, bool *www);
bool text_host_start(unsigned char c);
bool text_link_glued(unsigned char prev);

/* Plain text body → HTML: everything escaped, "\n" → "<br>\n",
 * http:// and https:// URLs (and www. ones) become
 * <a href="…" rel="nofollow ugc noopener" target="_blank">…</a>;
 * trailing punctuation (.,;:!? and Persian ، ؛ ؟ « ») and an unmatched ')'
 * stay outside the link. A URL ends at white space, < > " ', controls and
 * direction marks; only http and https ever become links. */
void text_body_to_html(struct buf *out, const char *body);

/* The letter a reader's avatar shows: the first letter or digit of name
 * (in title case where the script has one: "ali" → "A", "علی" → "ع"), as
 * UTF-8 in out (TEXT_INITIAL_MAX bytes with the NUL); "?" when the name
 * has none. Never a mark, a joiner or a control alone. */
#define TEXT_INITIAL_MAX 8
void text_initial(const char *name, char out[TEXT_INITIAL_MAX]);

/* Which of TEXT_AVATAR_COLOURS background colours name's avatar gets: the
 * same name, the same colour, on every page. */
#define TEXT_AVATAR_COLOURS 8
unsigned text_avatar_colour(const char *name);

#endif
